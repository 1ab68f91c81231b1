"""A fictional web served on loopback for the speed benchmark: live hosts, a Wayback Machine, a fixed latency.

Each "host" is its own loopback address (127.0.0.2, 127.0.0.3, ...: Linux routes all of 127/8 to loopback), so the
per-host limits of `verify.http.Http` (keyed by host name, not port) see several hosts. Answers come from
`tests/fakeweb.FakeWeb`, the web the tests and demo cassettes use. Every request is logged with its start and end,
and the server keeps the most requests it saw in flight at once per host and at the archive.
"""

from __future__ import annotations

import sys
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.fakeweb import FakeWeb


@dataclass(frozen=True)
class Logged:
    host: str
    url: str
    start: float
    end: float
    archive: bool


@dataclass
class Stats:
    log: list[Logged] = field(default_factory=list)
    in_flight: dict[str, int] = field(default_factory=dict)
    max_in_flight: dict[str, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def enter(self, host: str) -> None:
        with self.lock:
            now = self.in_flight.get(host, 0) + 1
            self.in_flight[host] = now
            self.max_in_flight[host] = max(self.max_in_flight.get(host, 0), now)

    def leave(self, host: str, entry: Logged) -> None:
        with self.lock:
            self.in_flight[host] -= 1
            self.log.append(entry)

    def reset(self) -> None:
        with self.lock:
            self.log.clear()
            self.max_in_flight.clear()


class LoopbackWeb:
    """`hosts` live hosts and one archive host on loopback, each answering after `latency` seconds."""

    def __init__(self, hosts: int = 4, latency: float = 0.1) -> None:
        self.latency = latency
        self.stats = Stats()
        self.servers: list[ThreadingHTTPServer] = []
        self.bases: list[str] = []
        for number in range(hosts + 1):
            server = _Server((f"127.0.0.{number + 2}", 0), _Handler)
            server.web = self
            self.servers.append(server)
            host, port = server.server_address[:2]
            self.bases.append(f"http://{host}:{port}")
        self.archive = self.bases[-1]
        self.live = self.bases[:-1]
        self.fake: FakeWeb | None = None
        self.threads = [threading.Thread(target=s.serve_forever, daemon=True) for s in self.servers]
        for thread in self.threads:
            thread.start()

    def serve(self, root: Path, pages: dict[str, dict[str, Any]]) -> None:
        self.fake = FakeWeb(root, self.archive, pages)

    def close(self) -> None:
        for server in self.servers:
            server.shutdown()
            server.server_close()

    def __enter__(self) -> LoopbackWeb:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256
    web: LoopbackWeb


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body are separate writes: no 40 ms delayed-ACK stall
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        return None

    def do_GET(self) -> None:
        self._answer(body=True)

    def do_HEAD(self) -> None:
        self._answer(body=False)

    def _answer(self, body: bool) -> None:
        web = self.server.web
        host, port = self.server.server_address[:2]
        url = f"http://{host}:{port}{self.path}"
        is_archive = url.startswith(web.archive + "/")
        key = "archive" if is_archive else str(host)
        start = time.monotonic()
        web.stats.enter(key)
        try:
            time.sleep(web.latency)
            assert web.fake is not None
            answer = web.fake.answer(url)
            self.send_response(answer.status, answer.reason)
            for name, value in answer.headers:
                self.send_header(name, value)
            self.end_headers()
            if body:
                self.wfile.write(answer.body)
        finally:
            web.stats.leave(key, Logged(key, url, start, time.monotonic(), is_archive))

"""A fictional web served on loopback for the speed benchmark: live hosts, a Wayback Machine, a fixed latency.

Each "host" is its own loopback address (127.0.0.2, 127.0.0.3, ...: Linux routes all of 127/8 to loopback), so the
per-host limits of `verify.http.Http` (keyed by host name, not port) see several hosts. Answers come from
`tests/fakeweb.FakeWeb`, the web the tests and demo cassettes use. Every request is logged with its start and end,
and the server keeps the most requests it saw in flight at once per host and at the archive.

The servers run in a child process: a web server in the benchmark's own process would take the GIL from the tool
it measures (and its parsing and writing would be counted as network latency). The parent drives it over a pipe:
`latency`, `serve`, `stats` (a snapshot) and `stats.reset()`.
"""

from __future__ import annotations

import multiprocessing
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
    """`hosts` live hosts and one archive host on loopback, each answering after `latency` seconds, served by a
    child process."""

    def __init__(self, hosts: int = 4, latency: float = 0.1) -> None:
        context = multiprocessing.get_context("fork")
        self._pipe, child = context.Pipe()
        self._lock = threading.Lock()
        self._process = context.Process(target=_serve, args=(child, hosts, latency), daemon=True)
        self._process.start()
        self.bases: list[str] = self._pipe.recv()
        self.archive = self.bases[-1]
        self.live = self.bases[:-1]
        self._latency = latency

    def _call(self, command: str, *args: Any) -> Any:
        with self._lock:
            self._pipe.send((command, args))
            return self._pipe.recv()

    @property
    def latency(self) -> float:
        return self._latency

    @latency.setter
    def latency(self, value: float) -> None:
        self._latency = value
        self._call("latency", value)

    def serve(self, root: Path, pages: dict[str, dict[str, Any]]) -> None:
        self._call("serve", root, pages)

    @property
    def stats(self) -> _RemoteStats:
        return _RemoteStats(self)

    def close(self) -> None:
        if self._process.is_alive():
            self._call("close")
            self._process.join(timeout=5)
        self._pipe.close()

    def __enter__(self) -> LoopbackWeb:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class _RemoteStats:
    def __init__(self, web: LoopbackWeb) -> None:
        self._web = web

    @property
    def log(self) -> list[Logged]:
        log: list[Logged] = self._web._call("log")
        return log

    @property
    def max_in_flight(self) -> dict[str, int]:
        most: dict[str, int] = self._web._call("max_in_flight")
        return most

    def reset(self) -> None:
        self._web._call("reset")


def _serve(pipe: Any, hosts: int, latency: float) -> None:
    """The child: the servers on their threads, and the parent's commands on the main thread."""
    web = _LocalWeb(hosts, latency)
    pipe.send(web.bases)
    try:
        while True:
            command, args = pipe.recv()
            if command == "latency":
                web.latency = args[0]
                pipe.send(None)
            elif command == "serve":
                web.serve(*args)
                pipe.send(None)
            elif command == "log":
                with web.stats.lock:
                    pipe.send(list(web.stats.log))
            elif command == "max_in_flight":
                with web.stats.lock:
                    pipe.send(dict(web.stats.max_in_flight))
            elif command == "reset":
                web.stats.reset()
                pipe.send(None)
            elif command == "close":
                web.close()
                pipe.send(None)
                return
    except EOFError:
        web.close()


class _LocalWeb:
    """The servers themselves, in the child process."""

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
        # The archive host also answers a Memento aggregator's TimeMaps (verify check --memento-url).
        self.fake = FakeWeb(root, self.archive, pages, aggregator=f"{self.archive}/timemap/link/")

    def close(self) -> None:
        for server in self.servers:
            server.shutdown()
            server.server_close()


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256
    web: _LocalWeb

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hung up (an interrupted run) is no error of the fictional web's."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


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
            assert web.fake is not None
            answer = web.fake.answer(url)
            # The answer leaves `latency` after the request came in: the server's own work is part of it, not on top.
            time.sleep(max(0.0, start + web.latency - time.monotonic()))
            self.send_response(answer.status, answer.reason)
            for name, value in answer.headers:
                self.send_header(name, value)
            self.end_headers()
            if body:
                self.wfile.write(answer.body)
        finally:
            web.stats.leave(key, Logged(key, url, start, time.monotonic(), is_archive))

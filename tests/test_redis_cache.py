"""The shared HTTP cache on a real Redis server: two `verify check` processes (`--cache redis://... --no-record`)
against a loopback web, whose requests are counted. The second run is served from the cache, entries expire as
`--cache-expire` says, and a Redis that goes away mid-run is dropped with a warning, never a failed report.

Needs the `redis-server` binary (`.ci/run` installs Debian's redis-server package when it is missing) and the
`redis` client (the `dev` extra); without them the tests are skipped and say why.
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from tests.fakeweb import FakeWeb

pytestmark = [pytest.mark.slow, pytest.mark.block_network(allowed_hosts=[r"127\.0\.0\.1$"])]

ROOT = Path(__file__).resolve().parent.parent
REDIS_SERVER = shutil.which("redis-server")
if REDIS_SERVER is None:
    pytest.skip(
        "redis-server is not installed (apt-get install -y redis-server; .ci/run installs it)", allow_module_level=True
    )
redis = pytest.importorskip("redis", reason="the redis client is not installed (pip install -e '.[dev]')")

SOURCE = """<!doctype html><html><head><title>{title}</title></head><body><main><h1>{title}</h1>
<p>{fact}</p><p>The figures were published by the office on its website after the board met in the spring.</p>
<p>Officials said the next update would follow in the autumn, together with the audited accounts.</p></main></body></html>"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class RedisServer:
    port: int
    process: subprocess.Popen[bytes]

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    assert REDIS_SERVER is not None
    for _ in range(5):  # another process may take the free port between the probe and the server's bind
        port = free_port()
        process = subprocess.Popen(
            [REDIS_SERVER, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            cwd=tmp_path,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis(host="127.0.0.1", port=port, socket_connect_timeout=1)
        deadline = time.monotonic() + 10
        while process.poll() is None and time.monotonic() < deadline:
            try:
                if client.ping():
                    server = RedisServer(port, process)
                    yield server
                    server.stop()
                    return
            except redis.exceptions.ConnectionError:
                time.sleep(0.05)
        process.kill()
        process.wait()
    pytest.fail("redis-server did not start on a free loopback port")


@dataclass
class LoopbackWeb:
    """The fictional web of tests/fakeweb.py on 127.0.0.1, counting the requests it answers."""

    fake: FakeWeb
    base: str
    requests: int = 0
    on_request: Callable[[], None] | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    def count(self) -> int:
        with self.lock:
            return self.requests


@pytest.fixture
def web(tmp_path: Path) -> Iterator[LoopbackWeb]:
    pages_dir = tmp_path / "web"
    pages_dir.mkdir()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    base = f"http://127.0.0.1:{server.server_address[1]}"
    pages: dict[str, dict[str, Any]] = {}
    facts = [
        "The harbour office spent 4.2 million dollars on dredging in 2023.",
        "The ferry service carried 380,000 passengers in 2023.",
    ]
    links = []
    for number, fact in enumerate(facts):
        name = f"source-{number}.html"
        (pages_dir / name).write_text(SOURCE.format(title=f"Report {number}", fact=fact), encoding="utf-8")
        url = f"{base}/sources/{number}"
        pages[url] = {
            "live": [{"status": 200, "file": name}],
            "captures": [{"timestamp": "20240301120000", "file": name}],
        }
        links.append((url, fact))
    body = "".join(
        f'<p>{fact[:-1]}, the <a href="{url}">report {n}</a> says.</p>' for n, (url, fact) in enumerate(links)
    )
    (pages_dir / "story.html").write_text(
        f"<!doctype html><html><head><title>Harbour figures</title></head><body><article><h1>Harbour figures</h1>"
        f"{body}</article></body></html>",
        encoding="utf-8",
    )
    story = f"{base}/2024/03/12/harbour-figures"
    pages[story] = {
        "live": [{"status": 200, "file": "story.html"}],
        "captures": [{"timestamp": "20240312101500", "file": "story.html"}],
    }
    loopback = LoopbackWeb(FakeWeb(pages_dir, f"{base}/archive", pages), base)
    server.web = loopback  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    stored = "\n\n".join(
        [
            "# Harbour figures",
            "March 12, 2024",
            *(f"{fact[:-1]}, the [report {n}]({url}) says." for n, (url, fact) in enumerate(links)),
            f"Original url: <{story}>",
        ]
    )
    (tmp_path / "harbour-figures.md").write_text(stored + "\n", encoding="utf-8")
    yield loopback
    server.shutdown()
    server.server_close()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        return None

    def do_GET(self) -> None:
        web: LoopbackWeb = self.server.web  # type: ignore[attr-defined]
        with web.lock:
            web.requests += 1
            hook, web.on_request = web.on_request, None
        if hook is not None:
            hook()
        answer = web.fake.answer(web.base + self.path)
        self.send_response(answer.status, answer.reason)
        for name, value in answer.headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(answer.body)


def check(web: LoopbackWeb, tmp_path: Path, out: str, *options: str) -> tuple[int, subprocess.CompletedProcess[str]]:
    """One `verify check` process; the requests the loopback web answered during it."""
    before = web.count()
    command = [sys.executable, "-m", "verify", "check", str(tmp_path / "harbour-figures.md"), "--no-record"]
    command += ["--allow-private", "--archive-url", f"{web.base}/archive", "--archive-rate", "1000"]
    command += ["--out", str(tmp_path / out), "--fail-on", "never", *options]
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert done.returncode == 0, done.stderr
    return web.count() - before, done


def report(tmp_path: Path, out: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((tmp_path / out / "harbour-figures.json").read_text(encoding="utf-8"))
    return {key: data[key] for key in ("summary", "original", "links", "statements")}


def test_a_second_run_is_served_from_the_redis_cache(
    web: LoopbackWeb, redis_server: RedisServer, tmp_path: Path
) -> None:
    first, _ = check(web, tmp_path, "first", "--cache", redis_server.url)
    second, done = check(web, tmp_path, "second", "--cache", redis_server.url)
    print(f"cache hit figures: first run {first} requests to the web, second run {second}")
    assert first >= 9  # 3 pages, each live + CDX + capture
    assert second == 0
    assert report(tmp_path, "second") == report(tmp_path, "first")
    assert "Warning" not in done.stderr
    keys = redis.Redis.from_url(redis_server.url).keys("http_cache:*")
    assert len(keys) >= first


def test_cache_entries_expire_as_configured(web: LoopbackWeb, redis_server: RedisServer, tmp_path: Path) -> None:
    first, _ = check(web, tmp_path, "first", "--cache", redis_server.url, "--cache-expire", "1")
    client = redis.Redis.from_url(redis_server.url)
    ttls = [client.ttl(key) for key in client.keys("http_cache:*")]
    # requests-cache keeps an expired entry in Redis an hour longer (ttl_offset) to serve it when a fetch fails.
    assert ttls and all(0 < ttl <= 1 + 3600 for ttl in ttls)
    time.sleep(1.5)
    again, _ = check(web, tmp_path, "again", "--cache", redis_server.url, "--cache-expire", "1")
    assert again == first  # every entry had expired: every request went to the web again


def test_a_redis_that_goes_away_mid_run_degrades_to_no_cache_with_a_warning(
    web: LoopbackWeb, redis_server: RedisServer, tmp_path: Path
) -> None:
    uncached, _ = check(web, tmp_path, "uncached")
    web.on_request = redis_server.stop  # Redis dies while the first request of the run is being answered
    degraded, done = check(web, tmp_path, "degraded", "--cache", redis_server.url)
    assert redis_server.process.poll() is not None
    assert report(tmp_path, "degraded") == report(tmp_path, "uncached")
    assert done.stderr.count("Warning: ") == 1
    assert f"the HTTP cache {redis_server.url} failed" in done.stderr
    assert "the run went on without it" in done.stderr
    assert degraded >= uncached

"""A loopback web for CLI tests: every page answers at once with one sentence, the archive has no capture, and any
request whose URL names "slow" waits until the test ends (a request in flight when a run is cut short)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

PAGE = b"<html><body><p>The ferry fare rose to 3 dollars in May.</p></body></html>"


class _Handler(BaseHTTPRequestHandler):
    released = threading.Event()
    paths: ClassVar[list[str]] = []
    agents: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        self.paths.append(self.path)
        self.agents.append(self.headers.get("User-Agent", ""))
        if "slow" in self.path:
            self.released.wait(60)
        body, kind = (b"[]", "application/json") if self.path.startswith("/cdx/") else (PAGE, "text/html")
        try:
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except OSError:
            pass  # the client hung up: it was interrupted

    def log_message(self, *_: object) -> None:
        pass


@contextmanager
def serving() -> Iterator[str]:
    """The web's base URL, http://127.0.0.1:PORT (also its archive's)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Handler.paths.clear()
    _Handler.agents.clear()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        _Handler.released.set()
        server.shutdown()
        server.server_close()
        _Handler.released.clear()


def requested() -> list[str]:
    """The paths the web was asked for, in order."""
    return list(_Handler.paths)


def agents() -> list[str]:
    """The User-Agent of each request, in order."""
    return list(_Handler.agents)

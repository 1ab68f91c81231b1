"""A loopback HTTP server that misbehaves on request: the faults `verify.http` must survive (issue 8).

Each path is one fault. Paths under /flaky/<status>/<token> fail once per token, then succeed, so tests stay
independent. Slow paths write on their own thread and stop as soon as the client hangs up.
"""

from __future__ import annotations

import gzip
import html
import socket
import struct
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar
from urllib.parse import parse_qs, urlsplit

RUSSIAN = (
    "Министерство иностранных дел заявило, что переговоры продолжатся в четверг. "
    "По словам представителя ведомства, стороны обсудили вопросы безопасности и торговли."
)
PDF_TEXT = "Quarterly report: exports rose 40 percent"
BOMB_SIZE = 60_000_000  # decompressed bytes of /bomb


def minimal_pdf(text: str) -> bytes:
    """A one-page PDF whose text layer says `text` (built by hand: no PDF writer needed)."""
    stream = f"BT /F1 18 Tf 72 720 Td ({text}) Tj ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


_bomb: bytes | None = None


def gzip_bomb() -> bytes:
    global _bomb
    if _bomb is None:
        _bomb = gzip.compress(b"\0" * BOMB_SIZE, compresslevel=9)
    return _bomb


class FaultHandler(BaseHTTPRequestHandler):
    server_version = "faultserver/1.0"
    protocol_version = "HTTP/1.1"
    failures: ClassVar[Counter[str]] = Counter()
    in_flight: ClassVar[Counter[str]] = Counter()  # "now" and "most": concurrent requests to /busy
    lock = threading.Lock()

    def log_message(self, format: str, *args: object) -> None:  # quiet
        pass

    def _send(self, status: int, body: bytes, content_type: str = "text/html; charset=utf-8", **headers: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        self.end_headers()
        self.wfile.write(body)

    def _page(self, title: str, text: str) -> bytes:
        return f"<!doctype html><html><head><title>{title}</title></head><body><p>{text}</p></body></html>".encode()

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        path, query = parts.path, parse_qs(parts.query)
        if path == "/ok" or path == "/":
            self._send(200, self._page("Fine", f"All good. Host: {self.headers.get('Host')}"))
        elif path.startswith("/flaky/"):
            _, _, status, token = path.split("/", 3)
            with self.lock:
                self.failures[token] += 1
                first = self.failures[token] == 1
            if first:
                self._send(int(status), self._page("Busy", "try again"))
            else:
                self._send(200, self._page("Recovered", "The story after a retry."))
        elif path == "/busy":
            with self.lock:
                self.in_flight["now"] += 1
                self.in_flight["most"] = max(self.in_flight["most"], self.in_flight["now"])
            time.sleep(0.2)
            with self.lock:
                self.in_flight["now"] -= 1
            self._send(200, self._page("Busy", "served"))
        elif path == "/reset":
            self.close_connection = True
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
        elif path == "/stall":
            time.sleep(float(query.get("seconds", ["3"])[0]))
            self._send(200, self._page("Late", "too late"))
        elif path == "/drip-headers":
            self.wfile.write(b"HTTP/1.1 200 OK\r\n")
            self._trickle(b"X-Padding: " + b"x" * 1000 + b"\r\n\r\n", every=0.3)
        elif path == "/drip":
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", "1000")
            self.end_headers()
            self._trickle(b"x" * 1000, every=1.0)
        elif path == "/huge":
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(10 * 1024**3))
            self.end_headers()
            self._endless()
        elif path == "/huge-chunked":
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            self._endless(chunked=True)
        elif path == "/bomb":
            self._send(200, gzip_bomb(), Content_Encoding="gzip")
        elif path.startswith("/loop/"):
            target = "/loop/b" if path == "/loop/a" else "/loop/a"
            self._send(302, b"", Location=target)
        elif path == "/redirect":
            self._send(302, b"", Location=query["to"][0])
        elif path == "/pdf":
            self._send(200, minimal_pdf(PDF_TEXT), "application/pdf")
        elif path == "/cp1251":
            body = f"<html><head><title>Новости</title></head><body><p>{RUSSIAN}</p></body></html>"
            self._send(200, body.encode("cp1251"), "text/html; charset=utf-8")
        elif path == "/malformed":
            body = b"<html><head><title>Broken<body><p>Unclosed <b>bold <i>and <p>nested</div></span><p>Still text"
            self._send(200, body)
        elif path == "/empty":
            self._send(200, b"")
        elif path == "/headers":
            sent = "".join(
                f"<li>{html.escape(name)}: {html.escape(value)}</li>" for name, value in self.headers.items()
            )
            self._send(200, f"<html><head><title>Headers</title></head><body><ul>{sent}</ul></body></html>".encode())
        elif path == "/cookie":
            self._send(200, self._page("Cookie", "a cookie"), Set_Cookie="session=secret; HttpOnly")
        else:
            self._send(404, self._page("Not Found", "no such page"))

    def _trickle(self, data: bytes, every: float) -> None:
        try:
            for i in range(len(data)):
                self.wfile.write(data[i : i + 1])
                self.wfile.flush()
                time.sleep(every)
        except OSError:  # the client gave up, as it should
            self.close_connection = True

    def _endless(self, chunked: bool = False) -> None:
        block = b"<p>" + b"a" * 65_530 + b"</p>"
        if chunked:
            block = b"%x\r\n" % len(block) + block + b"\r\n"
        try:
            for _ in range(200_000):  # at most ~13 GB; the client hangs up long before
                self.wfile.write(block)
        except OSError:
            self.close_connection = True


class FaultServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # clients hanging up mid-fault is the point; keep the test output clean

    @property
    def base(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def port(self) -> int:
        return int(self.server_address[1])


@contextmanager
def serving() -> Iterator[FaultServer]:
    gzip_bomb()  # built before serving, so compressing it never counts against a client's timeout
    server = FaultServer(("127.0.0.1", 0), FaultHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()

"""Evidence recording and replay in vcrpy's cassette format, safe for many requests in flight at once.

vcrpy records by patching urllib3's connection classes for the whole process, and un-patches them for the whole
process while it builds a real connection or records a real request (`force_reset`). With requests in flight on
several threads, a request that starts in that window escapes the cassette: it is neither replayed nor recorded.
So `verify` records one level higher, as a requests transport mounted on the run's session: every exchange goes
through it, under a lock, and the cassette is read and written with vcrpy's own persister and serializer, so the
files are ordinary vcrpy cassettes that pytest-recording and vcrpy replay as they are.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal

import requests
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict
from urllib3 import HTTPHeaderDict
from urllib3.response import HTTPResponse

Mode = Literal["once", "all", "none"]

#: Request headers never written to a cassette.
SECRET_HEADERS = frozenset({"authorization", "cookie", "proxy-authorization"})
#: Response headers never written to a cassette.
SECRET_RESPONSE_HEADERS = frozenset({"set-cookie", "set-cookie2", "www-authenticate"})


class CassetteMiss(Exception):
    """A request the cassette does not hold, in a run that must not touch the network."""

    def __init__(self, url: str, cassette: Path, why: str) -> None:
        super().__init__(f"{url} is not in cassette {cassette} ({why})")
        self.url = url
        self.cassette = cassette
        self.why = why


class CassetteError(ValueError):
    """A cassette file that cannot be read."""


class CassetteTransport(BaseAdapter):
    """Answers from a cassette where it can; otherwise asks `inner` (the real transport) and keeps the exchange."""

    def __init__(self, inner: BaseAdapter, path: Path, mode: Mode, sharing: CassetteTransport | None = None) -> None:
        """`sharing`: another transport of the same cassette (http:// beside https://) whose interactions, played
        marks and recordings this one shares, so the file is read once."""
        super().__init__()
        self.inner = inner
        self.path = path
        self.mode = mode
        self.existed = path.exists()
        self.lock: threading.Lock = sharing.lock if sharing else threading.Lock()
        self.interactions: list[tuple[Any, dict[str, Any]]] = (
            sharing.interactions if sharing else [] if mode == "all" else _load(path)
        )
        self.played: list[bool] = sharing.played if sharing else [False] * len(self.interactions)
        self.recorded: list[tuple[Any, dict[str, Any]]] = sharing.recorded if sharing else []

    @property
    def may_record(self) -> bool:
        return self.mode == "all" or (self.mode == "once" and not self.existed)

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        assert request.method is not None and request.url is not None
        with self.lock:
            for index, (recorded, answer) in enumerate(self.interactions):
                if not self.played[index] and recorded.method == request.method and recorded.uri == request.url:
                    self.played[index] = True
                    return _response(request, answer)
        if not self.may_record:
            why = "replay-only" if self.mode == "none" else "recorded earlier; --refresh re-records it"
            raise CassetteMiss(request.url, self.path, why)
        response = self.inner.send(request, *args, **kwargs)
        body = response.raw.read(decode_content=False) if response.raw is not None else b""
        exchange = _exchange(request, response, body)
        with self.lock:
            self.recorded.append(exchange)
        return _response(request, exchange[1])

    def close(self) -> None:
        self.inner.close()

    def save(self) -> None:
        """Write what was recorded (atomically, whole); a replayed or empty run writes nothing."""
        if not self.recorded:
            return
        from vcr.persisters.filesystem import FilesystemPersister
        from vcr.serializers import yamlserializer

        with self.lock:
            interactions = [] if self.mode == "all" else list(self.interactions)
            interactions += self.recorded
        data = {
            "requests": [request for request, _ in interactions],
            "responses": [response for _, response in interactions],
        }
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_name(f".{self.path.name}.tmp")
        FilesystemPersister.save_cassette(str(temporary), data, serializer=yamlserializer)
        temporary.replace(self.path)


@contextmanager
def recording(session: requests.Session, path: Path, mode: Mode) -> Iterator[CassetteTransport]:
    """Every request of `session` inside the block is replayed from, or recorded into, the cassette at `path`."""
    if mode not in ("once", "all", "none"):
        raise ValueError(f"recording mode must be once, all or none, not {mode!r}")
    inner_http, inner_https = session.get_adapter("http://"), session.get_adapter("https://")
    transport = CassetteTransport(inner_https, path, mode)
    plain = CassetteTransport(inner_http, path, mode, sharing=transport)
    session.mount("http://", plain)
    session.mount("https://", transport)
    try:
        yield transport
        transport.save()
    finally:
        session.mount("http://", inner_http)
        session.mount("https://", inner_https)


def _load(path: Path) -> list[tuple[Any, dict[str, Any]]]:
    if not path.exists():
        return []
    from vcr.persisters.filesystem import FilesystemPersister
    from vcr.serializers import yamlserializer

    try:
        requests_, responses = FilesystemPersister.load_cassette(str(path), serializer=yamlserializer)
    except Exception as error:  # a damaged cassette is a clear error, not a traceback
        raise CassetteError(f"{path}: not a readable cassette ({type(error).__name__}: {error})") from None
    return list(zip(requests_, responses, strict=True))


def _exchange(
    request: requests.PreparedRequest, response: requests.Response, body: bytes
) -> tuple[Any, dict[str, Any]]:
    from vcr.request import Request

    assert request.method is not None and request.url is not None
    headers = {k: v for k, v in request.headers.items() if k.lower() not in SECRET_HEADERS}
    recorded_request = Request(request.method, request.url, request.body, headers)
    raw_headers: dict[str, list[str]] = {}
    for name, value in response.headers.items():
        if name.lower() not in SECRET_RESPONSE_HEADERS:
            raw_headers.setdefault(name, []).append(value)
    recorded_response = {
        "status": {"code": response.status_code, "message": response.reason or ""},
        "headers": raw_headers,
        "body": {"string": body},
    }
    return recorded_request, recorded_response


def _response(request: requests.PreparedRequest, recorded: dict[str, Any]) -> requests.Response:
    body = recorded["body"]["string"]
    if isinstance(body, str):
        body = body.encode("utf-8")
    headers: list[tuple[str, str]] = []
    for name, values in recorded["headers"].items():
        for value in values if isinstance(values, list) else [values]:
            headers.append((name, str(value)))
    status = int(recorded["status"]["code"])
    reason = str(recorded["status"].get("message", ""))
    raw = HTTPResponse(
        body=io.BytesIO(body),
        headers=HTTPHeaderDict(headers),
        status=status,
        reason=reason,
        preload_content=False,
        decode_content=False,
        request_url=request.url,
    )
    response = requests.Response()
    response.status_code = status
    response.reason = reason
    response.headers = CaseInsensitiveDict(dict(headers))
    response.raw = raw
    response.url = request.url or ""
    response.request = request
    response.encoding = requests.utils.get_encoding_from_headers(response.headers)
    return response

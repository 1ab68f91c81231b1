"""The one network door: fetch a URL safely and say what happened as data (an Outcome), never as an exception.

One `requests.Session` per `Http`, redirects followed hop by hop, retries with back-off, caps on time, size,
redirects and decompression, address safety on every hop (see `verify._safety`), optional persistent cache
(requests-cache) and VCR recording/replay (vcrpy) of everything fetched.
"""

from __future__ import annotations

import codecs
import collections
import email.utils
import functools
import html
import io
import re
import socket
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import Enum
from http import HTTPStatus
from pathlib import Path
from typing import Any, Generic, Literal, Protocol, TypeVar
from urllib.parse import urljoin, urlsplit

import requests
import urllib3
from requests.adapters import HTTPAdapter
from urllib3.exceptions import NameResolutionError, ProtocolError, ReadTimeoutError

from verify import __version__
from verify._safety import (
    AddressPolicy,
    AddressRefused,
    ConnectionSlot,
    Watchdog,
    is_ip_literal,
    pool_classes,
    watching,
)

try:
    import brotli
except ImportError:  # pragma: no cover - brotli is a declared dependency
    brotli = None

DEFAULT_USER_AGENT = f"verify/{__version__} (+https://example.org/verify)"
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504, 520, 521, 522, 523, 524})
BLOCKED_STATUSES = frozenset({401, 403, 407, 451})
MAX_RETRY_AFTER = 120.0  # seconds: a longer Retry-After is not waited for (the fetch ends as rate-limited)
MAX_PDF_PAGES = 300
_CHUNK = 64 * 1024


class Outcome(str, Enum):
    OK = "ok"
    REDIRECTED = "redirected"
    DEAD = "dead"
    SOFT_404 = "soft-404"
    BLOCKED = "blocked"
    RATE_LIMITED = "rate-limited"
    TIMED_OUT = "timed-out"
    NOT_HTML = "not-html"
    UNREACHABLE = "unreachable"
    REFUSED = "refused"
    TOO_LARGE = "too-large"


@dataclass(frozen=True)
class Hop:
    """One redirect response on the way to the final URL."""

    url: str
    status: int
    location: str | None


@dataclass(frozen=True)
class Fetched:
    url: str
    outcome: Outcome
    final_url: str
    status: int | None
    hops: tuple[Hop, ...]
    content_type: str
    text: str
    detail: str
    elapsed: float
    body: bytes = b""

    @property
    def ok(self) -> bool:
        """A page we can read: OK, REDIRECTED, or a non-HTML document whose text we extracted."""
        if self.outcome in (Outcome.OK, Outcome.REDIRECTED):
            return True
        return self.outcome is Outcome.NOT_HTML and bool(self.text)


@dataclass(frozen=True)
class HttpOptions:
    """How to fetch. Times in seconds; `deadline` bounds one whole fetch (all hops, retries and body reading).

    cache_path: a SQLite file for a persistent HTTP cache (requests-cache), or a `redis://` URL when the `redis`
    package is installed. allow_private: contact loopback/private addresses (tests); allowed_addresses: exact
    exemptions from the address refusal, "ip" or "ip:port" (cloud metadata addresses are always refused).
    """

    user_agent: str = DEFAULT_USER_AGENT
    connect_timeout: float = 10
    read_timeout: float = 20
    deadline: float = 60
    max_redirects: int = 10
    max_body_bytes: int = 10_000_000
    max_decompressed_bytes: int = 50_000_000
    retries: int = 3
    backoff: float = 1.0
    per_host: int = 4
    #: Hosts with a cap of their own, (host, cap): the archive, whose politeness is its rate limiter's job.
    host_caps: tuple[tuple[str, int], ...] = ()
    cache_path: str | None = None
    #: Seconds a cached response stays fresh when the server says nothing (Cache-Control wins); None: for ever.
    cache_expire: float | None = None
    allow_private: bool = False
    allowed_addresses: tuple[str, ...] = ()
    #: Seconds for the whole run (`verify check --max-time`), counted from when the Http is made: once spent, every
    #: fetch ends at once as timed out and says so, so a run always finishes and writes its reports.
    run_limit: float | None = None


class RateLimiter:
    """A thread-safe token bucket shared by every fetch to one service.

    `slow_down()` (called on a 429) pauses all users for `pause` seconds and halves the rate; the rate then recovers
    by half of what it lost every `recovery` seconds without another 429.
    """

    def __init__(
        self,
        rate_per_second: float,
        burst: int = 1,
        *,
        pause: float = 5.0,
        recovery: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if rate_per_second <= 0 or burst < 1:
            raise ValueError("RateLimiter needs rate_per_second > 0 and burst >= 1")
        self.base_rate = rate_per_second
        self.burst = burst
        self.pause = pause
        self.recovery = recovery
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._rate = rate_per_second
        self._tokens = float(burst)
        self._updated = clock()
        self._paused_until = 0.0
        self._calm_since = self._updated

    @property
    def rate(self) -> float:
        with self._lock:
            self._recover(self._clock())
            return self._rate

    def _recover(self, now: float) -> None:
        while self._rate < self.base_rate and now - self._calm_since >= self.recovery:
            self._rate = min(self.base_rate, self._rate + (self.base_rate - self._rate) / 2 + 1e-9)
            self._calm_since += self.recovery

    def acquire(self, until: float | None = None) -> bool:
        """Block until a request may be sent (True), or, given `until` on this limiter's clock, until a wait would
        pass it (False, at once: no sleeping through a deadline)."""
        while True:
            with self._lock:
                now = self._clock()
                self._recover(now)
                self._tokens = min(float(self.burst), self._tokens + (now - self._updated) * self._rate)
                self._updated = now
                wait = self._paused_until - now
                if wait <= 0:
                    if self._tokens >= 1 - 1e-9:  # tolerance: float refills land a hair below 1
                        self._tokens = max(0.0, self._tokens - 1)
                        return True
                    wait = (1 - self._tokens) / self._rate
                if until is not None and now + wait >= until:
                    return False
            self._sleep(wait)

    def slow_down(self, retry_after: float | None = None) -> None:
        """Every user waits `retry_after` (or the default pause), then continues at half the rate."""
        with self._lock:
            now = self._clock()
            self._rate = max(self._rate / 2, self.base_rate / 64)
            self._paused_until = max(self._paused_until, now + (retry_after if retry_after is not None else self.pause))
            self._tokens = 0.0
            self._updated = now
            self._calm_since = now


# ---------------------------------------------------------------------------------------------------------------
# Failures raised inside the adapter and turned into outcomes by Http.fetch


class _BodyTooLarge(Exception):
    pass


class _DeadlineExceeded(Exception):
    pass


class _UnsupportedEncoding(Exception):
    pass


@dataclass
class _Budget:
    deadline: float
    max_body_bytes: int
    max_decompressed_bytes: int
    read_timeout: float


class _Decoder(Protocol):
    def feed(self, data: bytes, limit: int) -> bytes: ...

    def finish(self, limit: int) -> bytes: ...


class _Identity:
    def feed(self, data: bytes, limit: int) -> bytes:
        return data

    def finish(self, limit: int) -> bytes:
        return b""


class _Zlib:
    """gzip or deflate (zlib-wrapped, or raw as some servers send), never producing more than `limit` + 1 bytes."""

    def __init__(self, gzip: bool) -> None:
        self._gzip = gzip
        self._wbits = zlib.MAX_WBITS | 16 if gzip else zlib.MAX_WBITS
        self._d = zlib.decompressobj(self._wbits)
        self._started = False

    def feed(self, data: bytes, limit: int) -> bytes:
        out = bytearray()
        while data:
            try:
                chunk = self._d.decompress(data, limit + 1 - len(out))
            except zlib.error:
                if self._gzip or self._started:
                    raise
                self._wbits = -zlib.MAX_WBITS  # "deflate" sent as a raw stream
                self._d = zlib.decompressobj(self._wbits)
                chunk = self._d.decompress(data, limit + 1 - len(out))
            self._started = True
            out += chunk
            if len(out) > limit:
                return bytes(out)
            if self._d.unconsumed_tail:
                data = self._d.unconsumed_tail
            elif self._d.eof and self._d.unused_data and self._gzip:  # another gzip member follows
                data = self._d.unused_data
                self._d = zlib.decompressobj(self._wbits)
            else:
                data = b""
        return bytes(out)

    def finish(self, limit: int) -> bytes:
        return self._d.flush()  # input was fully consumed under the limit; only a small tail can remain


class _Brotli:
    def __init__(self) -> None:
        self._d = brotli.Decompressor()

    def feed(self, data: bytes, limit: int) -> bytes:
        out = bytearray(self._d.process(data, output_buffer_limit=limit + 1))
        while len(out) <= limit and not self._d.can_accept_more_data():
            out += self._d.process(b"", output_buffer_limit=limit + 1 - len(out))
        return bytes(out)

    def finish(self, limit: int) -> bytes:
        return b""


def _decoders(content_encoding: str) -> list[_Decoder]:
    """Decoders in the order to apply them (the reverse of the order the server applied the encodings)."""
    decoders: list[_Decoder] = []
    for name in reversed([e.strip().lower() for e in content_encoding.split(",") if e.strip()]):
        if name in ("gzip", "x-gzip"):
            decoders.append(_Zlib(gzip=True))
        elif name == "deflate":
            decoders.append(_Zlib(gzip=False))
        elif name == "br" and brotli is not None:
            decoders.append(_Brotli())
        elif name != "identity":
            raise _UnsupportedEncoding(name)
    return decoders or [_Identity()]


def _accept_encoding() -> str:
    return "gzip, deflate, br" if brotli is not None else "gzip, deflate"


def _socket_of(raw: Any) -> Any:
    connection = getattr(raw, "connection", None)
    sock = getattr(connection, "sock", None)
    return sock if hasattr(sock, "settimeout") else None


def _read_wire(raw: Any) -> bytes:
    """The next bytes as they came over the wire (no decoding), returning as soon as any arrived."""
    if isinstance(raw, urllib3.HTTPResponse):
        return raw.read1(_CHUNK, decode_content=False) or b""
    return raw.read1(_CHUNK) or b""  # vcrpy's replayed response: the recorded (still encoded) bytes


def _read_capped(raw: Any, content_encoding: str, budget: _Budget) -> bytes:
    """Read and decode the body, enforcing the deadline (even against a trickle), the size and decompression caps."""
    decoders = _decoders(content_encoding)
    wire = 0
    decoded = bytearray()
    sock = _socket_of(raw)

    def push(data: bytes, final: bool) -> None:
        for decoder in decoders:
            limit = budget.max_decompressed_bytes - len(decoded)
            data = decoder.feed(data, limit) + (decoder.finish(limit) if final else b"")
            if len(data) > limit:
                grows = "decompresses to more than" if content_encoding.strip() else "is larger than"
                raise _BodyTooLarge(f"body {grows} {budget.max_decompressed_bytes:,} bytes")
        decoded.extend(data)

    while True:
        remaining = budget.deadline - time.monotonic()
        if remaining <= 0:
            raise _DeadlineExceeded(f"body still arriving after {wire:,} bytes")
        if sock is not None:
            sock.settimeout(max(0.01, min(budget.read_timeout, remaining)))
        try:
            chunk = _read_wire(raw)
        except ReadTimeoutError as e:
            if budget.deadline - time.monotonic() <= 0.05:
                raise _DeadlineExceeded(f"body still arriving after {wire:,} bytes") from e
            raise
        if not chunk:
            break
        wire += len(chunk)
        if wire > budget.max_body_bytes:
            raise _BodyTooLarge(f"body is larger than {budget.max_body_bytes:,} bytes")
        try:
            push(chunk, final=False)
        except zlib.error as e:
            raise _UnsupportedEncoding(f"{content_encoding} (corrupt: {e})") from e
    try:
        push(b"", final=True)
    except zlib.error as e:
        raise _UnsupportedEncoding(f"{content_encoding} (corrupt: {e})") from e
    return bytes(decoded)


# One thread for the whole process cuts the connections of requests that outlive their deadline.
_WATCHDOG = Watchdog()
_departures = threading.local()


@contextmanager
def on_departure(callback: Callable[[], None]) -> Iterator[None]:
    """Within the block, the first request this thread hands to the transport calls `callback` as it leaves (at
    most once; a request answered from the HTTP cache never leaves)."""
    _departures.callback = callback
    try:
        yield
    finally:
        _departures.callback = None


def _departing() -> None:
    callback = getattr(_departures, "callback", None)
    if callback is not None:
        _departures.callback = None
        callback()


class _CappedAdapter(HTTPAdapter):
    """Connections obey the address policy; bodies are read here, under the caps, before anyone else touches them.

    Reading in the adapter matters for the cache: requests-cache reads and decodes whole bodies itself, so it must
    only ever see a body that is already bounded and decoded (Content-Encoding removed).
    """

    def __init__(self, policy: AddressPolicy, budget: threading.local, default: Callable[[], _Budget]) -> None:
        self._policy = policy
        self._budget = budget
        self._default_budget = default
        self._watchdog = _WATCHDOG
        super().__init__(pool_connections=32, pool_maxsize=32, max_retries=0)

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = pool_classes(self._policy)

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> requests.Response:
        kwargs["stream"] = True
        budget: _Budget = getattr(self._budget, "value", None) or self._default_budget()
        # Socket timeouts bound each read, not their sum: a server dripping its headers would outlast the deadline.
        # The watchdog cuts the connection at the deadline; the body is bounded by _read_capped itself.
        slot = ConnectionSlot()
        watched = self._watchdog.watch(budget.deadline, slot)
        _departing()
        try:
            with watching(slot):
                response = super().send(request, *args, **kwargs)
        except Exception as e:
            if time.monotonic() >= budget.deadline:
                raise _DeadlineExceeded("no complete answer before the deadline") from e
            raise
        finally:
            self._watchdog.release(watched)
        raw = response.raw
        try:
            declared = int(response.headers.get("Content-Length", "") or -1)
        except ValueError:
            declared = -1
        try:
            if declared > budget.max_body_bytes:
                raise _BodyTooLarge(f"Content-Length {declared:,} is over the {budget.max_body_bytes:,}-byte cap")
            body = _read_capped(raw, response.headers.get("Content-Encoding", ""), budget)
        except BaseException:
            response.close()
            raise
        release = getattr(raw, "release_conn", None)
        if release is not None:
            release()
        headers = urllib3.HTTPHeaderDict(
            {k: v for k, v in raw.headers.items() if k.lower() not in ("content-encoding", "content-length")}
        )
        headers["Content-Length"] = str(len(body))
        response.raw = urllib3.HTTPResponse(
            body=io.BytesIO(body),
            headers=headers,
            status=raw.status,
            reason=raw.reason,
            version=raw.version or 11,
            preload_content=False,
            decode_content=False,
            request_url=request.url,
        )
        response.headers = requests.structures.CaseInsensitiveDict(headers)
        return response


# ---------------------------------------------------------------------------------------------------------------
# Classifying pages

_TITLE = re.compile(rb"<title[^>]*>(.*?)</title", re.I | re.S)
_H1 = re.compile(rb"<h1[^>]*>(.*?)</h1", re.I | re.S)
_TAGS = re.compile(r"<[^>]+>")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([-\w:.]+)""", re.I)
# A title or heading *is* an error message (one segment of "Page not found | News Example" matches whole), so a
# headline such as "Missing hiker not found after 3 days" or "404 flights cancelled" is not taken for one.
_NOT_FOUND = re.compile(
    r"(?:error\s*)?(?:404|(?:(?:the\s+)?(?:page|article|content|story|file)\s+)?not\s+found|"
    r"(?:the\s+)?page\s+(?:you\s+requested\s+)?(?:cannot|can't|could\s+not)\s+be\s+found|"
    r"(?:this\s+)?page\s+(?:no\s+longer\s+exists|does\s*n[o']t\s+exist|is\s+no\s+longer\s+available)|"
    r"(?:oops!?,?\s*|sorry,?\s*)?we\s+(?:couldn't|could\s+not|can't|cannot)\s+find\s+(?:that|this|the)\s+page|"
    r"seite\s+nicht\s+gefunden|page\s+introuvable|p[aá]gina\s+no\s+encontrada)"
    r"(?:\s*[-:!.,]?\s*(?:error\s*)?(?:404|(?:page\s+)?not\s+found))?[.!]*",
    re.I,
)
_SEGMENTS = re.compile(r"\s+[|–—·:-]\s+|\s*[|–—·]\s*")


def says_not_found(label: str) -> bool:
    """Whether a page title or main heading is a "not found" message rather than a headline."""
    return any(_NOT_FOUND.fullmatch(part.strip(" \t'\"")) for part in _SEGMENTS.split(label) if part.strip())


_CHALLENGE = re.compile(
    r"^(?:just a moment\.*|attention required!? \| cloudflare|access denied|are you a robot\??|"
    r"pardon our interruption|please verify you are a human|verify you are human|security check|"
    r"one more step|ddos-guard|request rejected)$",
    re.I,
)


def _heading(pattern: re.Pattern[bytes], head: bytes, charset: str) -> str:
    match = pattern.search(head)
    if not match:
        return ""
    text = match.group(1).decode(charset, errors="replace")
    return " ".join(html.unescape(_TAGS.sub(" ", text)).split())


def _mime(content_type: str) -> str:
    return content_type.split(";", 1)[0].strip().lower()


def _declared_charset(content_type: str) -> str | None:
    match = re.search(r"charset\s*=\s*[\"']?([-\w:.]+)", content_type, re.I)
    return match.group(1).lower() if match else None


def _usable(charset: str | None) -> str | None:
    """The codec name for a declared charset, or None when Python does not know it."""
    if not charset:
        return None
    try:
        return codecs.lookup(charset).name
    except LookupError:
        return None


_WEB_CHARSETS = (
    "utf_8", "cp1252", "latin_1", "cp1251", "gb18030", "gbk", "gb2312", "shift_jis", "euc_jp", "euc_kr", "big5",
    "cp1250", "iso8859_2", "cp1256", "iso8859_15", "cp1254", "cp1253", "iso8859_9", "cp874", "koi8_r", "cp1255",
    "cp1257", "iso8859_7",
)  # fmt: skip


def decode_text(body: bytes, content_type: str) -> str:
    """Decode a text body: the declared charset when the bytes really are in it, else a detected one; never raises.

    A declared charset is often wrong (windows-1251 bytes labelled UTF-8): strict decoding exposes that, and
    charset_normalizer (a requests dependency) picks the right one.
    """
    if not body:
        return ""
    if body.startswith(b"\xef\xbb\xbf"):
        return body[3:].decode("utf-8", errors="replace")
    candidates = [_declared_charset(content_type)]
    meta = _META_CHARSET.search(body[:4096])
    if meta:
        candidates.append(meta.group(1).decode("ascii", errors="replace").lower())
    candidates.append("utf-8")
    for charset in candidates:
        usable = _usable(charset)
        if usable is None:
            continue
        try:
            return body.decode(usable)
        except UnicodeDecodeError:
            continue
    import charset_normalizer

    matches = list(charset_normalizer.from_bytes(body[:200_000]))
    if not matches:
        return body.decode("utf-8", errors="replace")
    best = matches[0]
    # Short texts often tie (cp1250 and cp1252 read French equally well): break ties by how common the charset
    # is on the web.
    tied = [m for m in matches if (m.chaos, m.coherence) == (best.chaos, best.coherence)]
    chosen = min(tied, key=lambda m: _WEB_CHARSETS.index(m.encoding) if m.encoding in _WEB_CHARSETS else 99)
    return body.decode(chosen.encoding, errors="replace")


def _pdf_text(body: bytes) -> tuple[str, str]:
    """(text, detail) of a PDF; parsing untrusted PDFs can fail in many ways, each reported in the detail."""
    import pypdf

    try:
        reader = pypdf.PdfReader(io.BytesIO(body))
        pages = reader.pages[:MAX_PDF_PAGES]
        text = "\n\n".join((page.extract_text() or "").strip() for page in pages).strip()
    except Exception as e:  # pypdf raises many types on malformed input; the outcome carries the reason
        return "", f"PDF, text could not be extracted: {type(e).__name__}: {e}"
    if not text:
        return "", "PDF without extractable text (scanned?)"
    return text, f"PDF, text extracted from {len(pages)} page{'s' if len(pages) != 1 else ''}"


def _looks_like_html(body: bytes) -> bool:
    head = body[:1024].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html", b"<head", b"<body", b"<!--", b"<meta", b"<title"))


def _sniff_mime(body: bytes) -> str:
    if body.startswith(b"%PDF-"):
        return "application/pdf"
    if _looks_like_html(body):
        return "text/html"
    return ""


def _status_text(status: int) -> str:
    try:
        return f"HTTP {status} {HTTPStatus(status).phrase}"
    except ValueError:
        return f"HTTP {status}"


def _is_home_page(url: str) -> bool:
    parts = urlsplit(url)
    return parts.path in ("", "/") and not parts.query


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


# ---------------------------------------------------------------------------------------------------------------
# Recording (vcrpy)

_SECRET_RESPONSE_HEADERS = ("set-cookie", "set-cookie2", "authorization", "proxy-authorization")


@dataclass(frozen=True)
class _Recording:
    cassette: Path
    mode: str


_recordings: list[_Recording] = []


def _strip_secrets(response: dict[str, Any]) -> dict[str, Any]:
    headers = response.get("headers", {})
    for name in [k for k in headers if k.lower() in _SECRET_RESPONSE_HEADERS]:
        del headers[name]
    return response


@contextmanager
def recording(cassette: Path, mode: Literal["once", "all", "none"]) -> Iterator[Any]:
    """Record or replay every request made inside the block as a vcrpy cassette (process-wide, like vcrpy itself).

    For one thread at a time (tests, scripts): vcrpy un-patches urllib3 process-wide while it opens a real
    connection, so concurrent requests can escape it. `verify check` records with `verify.cassette` instead.

    once: replay an existing cassette, record one that does not exist (an existing cassette is never extended:
    a request it lacks ends as UNREACHABLE, so a replayed run never touches the network); all: re-record;
    none: replay only. Requests match on method + full URL. Cookies and credentials are never written.
    """
    import vcr

    if mode not in ("once", "all", "none"):
        raise ValueError(f"recording mode must be once, all or none, not {mode!r}")
    recorder = vcr.VCR(
        record_mode=mode,
        match_on=("method", "uri"),
        decode_compressed_response=False,
        filter_headers=["authorization", "cookie", "proxy-authorization"],
        before_record_response=_strip_secrets,
    )
    with recorder.use_cassette(str(cassette)) as recorded:
        _recordings.append(_Recording(Path(cassette), mode))
        try:
            yield recorded
        finally:
            _recordings.remove(_Recording(Path(cassette), mode))


def _not_in_cassette(error: Exception) -> str:
    if type(error).__name__ == "CassetteMiss":
        return f"not fetched: {error}"
    cassette = getattr(getattr(error, "cassette", None), "_path", None)
    active = _recordings[-1] if _recordings else None
    path = cassette or (active.cassette if active else "the active cassette")
    mode = active.mode if active else "none"
    if mode == "once":
        return f"not in cassette {path} (recorded earlier; re-record with mode 'all')"
    return f"not in cassette {path} (replay-only)"


def _is_vcr_miss(error: BaseException) -> bool:
    # vcrpy's own miss, or verify.cassette's (the transport-level recorder the pipeline uses).
    return type(error).__name__ in ("CannotOverwriteExistingCassetteException", "CassetteMiss")


# ---------------------------------------------------------------------------------------------------------------
# The client


@dataclass
class _Attempt:
    """The result of one request (one hop, one try): a response or the outcome that ended it."""

    response: requests.Response | None = None
    outcome: Outcome | None = None
    detail: str = ""
    retry: bool = False
    retry_after: float | None = None


@dataclass
class _Trace:
    url: str
    started: float
    hops: list[Hop] = field(default_factory=list)


T = TypeVar("T")


@dataclass
class _Queued(Generic[T]):
    result: Future[T]
    work: Callable[..., T]
    args: tuple[Any, ...]


@dataclass(frozen=True)
class Ask:
    """What a request sends besides a plain GET: an API call's method, form data and headers; `fresh` bypasses the
    persistent cache."""

    method: str = "GET"
    data: tuple[tuple[str, str], ...] = ()
    headers: tuple[tuple[str, str], ...] = ()
    fresh: bool = False


PLAIN_GET = Ask()


def _cache_name(cache_path: str) -> str:
    """The cache as a warning names it: a Redis URL without its password."""
    parts = urlsplit(cache_path)
    if parts.password:
        return cache_path.replace(f":{parts.password}@", ":***@", 1)
    return cache_path


@functools.cache
def _fail_safe_session_class() -> Any:
    from requests_cache import CachedSession

    class FailSafeCachedSession(CachedSession):
        """A cached session that outlives its cache: when the backend fails (a Redis that went away, a SQLite file
        that cannot be written), the cache is dropped for the rest of the run, `failure` says why, and the request
        is sent again without it. A fetch never fails for the cache's sake."""

        def __init__(self, *args: Any, where: str = "", **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.where = where
            self.failure: str | None = None
            self._failure_lock = threading.Lock()

        def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:  # type: ignore[override]
            if self.failure is None:
                try:
                    return super().send(request, **kwargs)
                except _cache_faults() as error:
                    self._drop(error)
            kwargs.pop("expire_after", None)
            return requests.Session.send(self, request, **kwargs)

        def _drop(self, error: BaseException) -> None:
            with self._failure_lock:
                if self.failure is None:
                    self.failure = (
                        f"the HTTP cache {self.where} failed ({type(error).__name__}: {error}); "
                        "the run went on without it"
                    )

    return FailSafeCachedSession


@functools.cache
def _cache_faults() -> tuple[type[BaseException], ...]:
    """How the cache backends fail: a Redis server gone or hung, a SQLite file that cannot be read or written."""
    import sqlite3

    faults: list[type[BaseException]] = [sqlite3.Error]
    try:
        from redis.exceptions import RedisError
    except ImportError:
        pass
    else:
        faults.append(RedisError)
    return tuple(faults)


class Http:
    """Fetch pages for the pipeline. Thread-safe; `fetch` never raises for network or content faults."""

    def __init__(self, options: HttpOptions | None = None, session: requests.Session | None = None) -> None:
        self.options = options or HttpOptions()
        self._policy = AddressPolicy(self.options.allow_private, self.options.allowed_addresses)
        self._budget = threading.local()
        self.session = session or self._make_session(self.options.cache_path, self.options.cache_expire)
        self.session.trust_env = False  # an environment proxy would connect on our behalf, bypassing address checks
        self.session.headers.update(
            {
                "User-Agent": self.options.user_agent,
                "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
                "Accept-Encoding": _accept_encoding(),
                "Accept-Language": "en;q=1.0, *;q=0.5",
            }
        )
        adapter = _CappedAdapter(self._policy, self._budget, self._fresh_budget)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        self._hosts: dict[str, threading.BoundedSemaphore] = {}
        self._hosts_lock = threading.Lock()
        self._running: dict[str, int] = {}  # tasks started by `submit`, per host
        self._waiting: dict[str, collections.deque[_Queued[Any]]] = {}
        limit = self.options.run_limit
        self._stop_at = time.monotonic() + limit if limit is not None else None
        self._stop_detail = (
            f"not fetched: the run's time limit of {limit:g} s (--max-time) was reached" if limit else ""
        )

    def _run_over(self) -> str | None:
        """Why nothing more may be fetched, once the run's time limit is spent."""
        if self._stop_at is None or time.monotonic() < self._stop_at:
            return None
        return self._stop_detail

    def run_spent(self) -> str | None:
        """Why no more work may start, once the run's time limit (--max-time) is spent; None before."""
        return self._run_over()

    def _within_run(self, deadline: float) -> float:
        return deadline if self._stop_at is None else min(deadline, self._stop_at)

    @staticmethod
    def _make_session(cache_path: str | None, cache_expire: float | None = None) -> requests.Session:
        if cache_path is None:
            return requests.Session()
        from requests_cache.backends.sqlite import SQLiteCache

        if cache_path.startswith(("redis://", "rediss://")):
            try:
                import redis
                from requests_cache.backends.redis import RedisCache
            except ImportError as e:
                raise ValueError(
                    f"cache_path {cache_path} needs the redis package: pip install 'verify[redis]' "
                    "(or use a SQLite file path)"
                ) from e
            # Short socket timeouts: a Redis that hangs must not hold a fetch for long (it is then left alone).
            # JSON, not pickle: a cache shared by CI runners is read by all of them, and unpickling runs code.
            from redis.backoff import NoBackoff
            from redis.retry import Retry

            # No retries either: the first failure drops the cache for the run (see `_fail_safe_session_class`).
            connection = redis.Redis.from_url(
                cache_path, socket_connect_timeout=2, socket_timeout=5, retry=Retry(NoBackoff(), 0)
            )
            backend: Any = RedisCache(connection=connection, serializer="json")
        else:
            backend = SQLiteCache(cache_path)
        session: requests.Session = _fail_safe_session_class()(
            backend=backend,
            cache_control=True,
            expire_after=-1 if cache_expire is None else cache_expire,
            allowable_codes=(200, 203, 300, 301, 308, 404, 410),
            where=_cache_name(cache_path),
        )
        return session

    @property
    def cache_failure(self) -> str | None:
        """Why the persistent cache was dropped mid-run (the run went on without it), or None."""
        return getattr(self.session, "failure", None)

    def _fresh_budget(self) -> _Budget:
        o = self.options
        deadline = self._within_run(time.monotonic() + o.deadline)
        return _Budget(deadline, o.max_body_bytes, o.max_decompressed_bytes, o.read_timeout)

    def close(self) -> None:
        self.session.close()

    def __enter__(self) -> Http:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _cap(self, host: str) -> int:
        return max(1, dict(self.options.host_caps).get(host, self.options.per_host))

    def _host_slot(self, url: str) -> threading.BoundedSemaphore:
        host = (urlsplit(url).hostname or "").lower()
        with self._hosts_lock:
            slot = self._hosts.get(host)
            if slot is None:
                slot = self._hosts[host] = threading.BoundedSemaphore(self._cap(host))
            return slot

    def submit(self, pool: Executor, url: str, work: Callable[..., T], *args: Any) -> Future[T]:
        """Run `work(*args)`, whose requests go to `url`'s host, on `pool` as soon as that host has a free slot.

        A task waiting for its host waits here, in the host's queue, not on a worker: with workers blocked on one
        busy host (a site the article cites twenty times), the tasks of every other host queued behind them would
        wait too. Each host's tasks start in the order given. A worker that holds one of a host's slots runs the
        host's queued tasks one after another, so that a busy host's next request leaves without waiting for
        another thread to wake up and take the GIL.
        """
        host = (urlsplit(url).hostname or "").lower()
        task: _Queued[T] = _Queued(Future(), work, args)
        with self._hosts_lock:
            self._waiting.setdefault(host, collections.deque()).append(task)
            running = self._running.get(host, 0)
            if running >= self._cap(host):
                return task.result
            self._running[host] = running + 1
        try:
            slot = pool.submit(self._run_slot, host)
        except RuntimeError as error:  # the pool was shut down (a run cut short)
            self._slot_lost(host, error)
        else:
            slot.add_done_callback(lambda done: self._slot_lost(host, None) if done.cancelled() else None)
        return task.result

    def _run_slot(self, host: str) -> None:
        """One of `host`'s slots, on a worker: its queued tasks, in order, until none is left."""
        while True:
            with self._hosts_lock:
                waiting = self._waiting[host]
                if not waiting:
                    self._running[host] -= 1
                    return
                task = waiting.popleft()
            try:
                value = task.work(*task.args)
            except BaseException as error:  # handed to whoever waits for the task, as a pool does
                task.result.set_exception(error)
            else:
                task.result.set_result(value)

    def _slot_lost(self, host: str, error: BaseException | None) -> None:
        """A slot's worker never ran (the pool was shut down): with no slot left, the host's queued tasks end
        (cancelled, or failed with `error`) instead of waiting for ever."""
        with self._hosts_lock:
            self._running[host] -= 1
            orphans = list(self._waiting.pop(host, ())) if not self._running[host] else []
        for task in orphans:
            if error is None:
                task.result.cancel()
            else:
                task.result.set_exception(error)

    # -- one request ----------------------------------------------------------------------------------------------

    def _request(self, url: str, budget: _Budget, accept: str | None, ask: Ask = PLAIN_GET) -> _Attempt:
        remaining = budget.deadline - time.monotonic()
        if remaining <= 0:
            detail = self._run_over() or f"deadline of {self.options.deadline:g} s exceeded"
            return _Attempt(outcome=Outcome.TIMED_OUT, detail=detail)
        timeout = (min(self.options.connect_timeout, remaining), min(self.options.read_timeout, remaining))
        host = urlsplit(url).hostname or url
        self._budget.value = budget
        try:
            response = self._get(url, accept, timeout, ask)
        except AddressRefused as e:
            return _Attempt(outcome=Outcome.REFUSED, detail=str(e))
        except _BodyTooLarge as e:
            return _Attempt(outcome=Outcome.TOO_LARGE, detail=str(e))
        except _DeadlineExceeded as e:
            detail = self._run_over() or f"deadline of {self.options.deadline:g} s exceeded: {e}"
            return _Attempt(outcome=Outcome.TIMED_OUT, detail=detail)
        except _UnsupportedEncoding as e:
            return _Attempt(outcome=Outcome.NOT_HTML, detail=f"unreadable Content-Encoding: {e}")
        except requests.exceptions.ConnectTimeout:
            return _Attempt(outcome=Outcome.TIMED_OUT, detail=f"connecting to {host} timed out", retry=True)
        except (requests.exceptions.ReadTimeout, ReadTimeoutError):
            return _Attempt(outcome=Outcome.TIMED_OUT, detail=f"{host} did not answer within {timeout[1]:g} s")
        except requests.exceptions.SSLError as e:
            return _Attempt(outcome=Outcome.UNREACHABLE, detail=f"TLS handshake with {host} failed: {_tls_reason(e)}")
        except requests.exceptions.ConnectionError as e:
            if _caused_by(e, NameResolutionError):
                return _dns_failure(host, e)
            return _Attempt(outcome=Outcome.UNREACHABLE, detail=_connection_detail(host, e), retry=True)
        except (ProtocolError, requests.exceptions.ChunkedEncodingError) as e:
            return _Attempt(outcome=Outcome.UNREACHABLE, detail=_connection_detail(host, e), retry=True)
        except (requests.exceptions.InvalidURL, requests.exceptions.MissingSchema, ValueError) as e:
            return _Attempt(outcome=Outcome.DEAD, detail=f"invalid URL: {e}")
        except Exception as e:
            if _is_vcr_miss(e):
                return _Attempt(outcome=Outcome.UNREACHABLE, detail=_not_in_cassette(e))
            raise
        finally:
            self._budget.value = None
        status = response.status_code
        if status in RETRY_STATUSES and not _is_challenge(response):
            outcome = Outcome.RATE_LIMITED if status == 429 else Outcome.UNREACHABLE
            return _Attempt(
                response=response,
                outcome=outcome,
                detail=_status_text(status),
                retry=True,
                retry_after=_retry_after(response.headers.get("Retry-After")),
            )
        return _Attempt(response=response)

    def _get(
        self, url: str, accept: str | None, timeout: tuple[float, float], ask: Ask = PLAIN_GET
    ) -> requests.Response:
        """`session.get(url, allow_redirects=False)`, less the settings `Session.request` merges again on every call
        (environment, proxies, auth, params, cookies), which this class fixes once: a third of a request's CPU. The
        session's own `send` still sends it, so requests-cache answers as before. No cookie is sent: every fetch
        stands alone, as it does when replayed (cassettes keep no cookies)."""
        session = self.session
        headers = requests.structures.CaseInsensitiveDict(session.headers)
        if accept:
            headers["Accept"] = accept
        headers.update(dict(ask.headers))
        prepared = requests.PreparedRequest()
        data = dict(ask.data) if ask.data else None
        prepared.prepare(method=ask.method, url=url, headers=headers, data=data, hooks=session.hooks)
        extra: dict[str, Any] = {}
        if ask.fresh and hasattr(session, "cache"):
            from requests_cache import DO_NOT_CACHE

            extra["expire_after"] = DO_NOT_CACHE  # neither read from the cache nor written to it
        return session.send(
            prepared,
            allow_redirects=False,
            timeout=timeout,
            stream=False,
            verify=session.verify,
            cert=session.cert,
            proxies=session.proxies,
            **extra,
        )

    def _attempts(
        self, url: str, budget: _Budget, limiter: RateLimiter | None, accept: str | None, ask: Ask = PLAIN_GET
    ) -> _Attempt:
        """One hop, retried with exponential back-off on connection errors, 5xx and 429."""
        tries = max(0, self.options.retries) + 1
        attempt = _Attempt()
        for number in range(tries):
            if limiter is not None:
                # Waiting for our own limiter is politeness, not the server's slowness: it does not use up the
                # request's deadline (the run's time limit still bounds it).
                waited = time.monotonic()
                if not limiter.acquire(until=self._stop_at):
                    return _Attempt(outcome=Outcome.TIMED_OUT, detail=self._stop_detail)
                budget.deadline = self._within_run(budget.deadline + time.monotonic() - waited)
            with self._host_slot(url):
                attempt = self._request(url, budget, accept, ask)
            if not attempt.retry:
                return attempt
            if attempt.outcome is Outcome.RATE_LIMITED and limiter is not None:
                limiter.slow_down(attempt.retry_after)
            if number == tries - 1:
                break
            delay = self.options.backoff * 2**number
            if attempt.retry_after is not None:
                if attempt.retry_after > MAX_RETRY_AFTER:
                    attempt.detail += f"; Retry-After {attempt.retry_after:g} s is longer than we wait"
                    return attempt
                delay = max(delay, attempt.retry_after)
            if time.monotonic() + delay >= budget.deadline:
                attempt.detail += f" (no time left to retry within {self.options.deadline:g} s)"
                return attempt
            time.sleep(delay)
        if tries > 1:
            attempt.detail += f" after {tries} attempts"
        return attempt

    # -- public -------------------------------------------------------------------------------------------------

    def post(
        self,
        url: str,
        data: dict[str, str],
        *,
        headers: dict[str, str] | None = None,
        limiter: RateLimiter | None = None,
        accept: str | None = None,
    ) -> Fetched:
        """One POST of form `data` (an API call: never retried, never cached, no redirect followed), its answer
        classified as `fetch` classifies pages; a JSON answer is NOT_HTML with its text."""
        trace = _Trace(url=url, started=time.monotonic())
        refusal = self._precheck(url) or self._run_over()
        if refusal is not None:
            outcome = Outcome.TIMED_OUT if refusal == self._stop_detail else Outcome.REFUSED
            return self._result(trace, url, outcome, refusal)
        if limiter is not None and not limiter.acquire(until=self._stop_at):
            return self._result(trace, url, Outcome.TIMED_OUT, self._stop_detail)
        ask = Ask("POST", tuple(data.items()), tuple((headers or {}).items()), fresh=True)
        with self._host_slot(url):
            attempt = self._request(url, self._fresh_budget(), accept, ask)
        if attempt.outcome is Outcome.RATE_LIMITED and limiter is not None:
            limiter.slow_down(attempt.retry_after)
        response = attempt.response
        if attempt.outcome is not None or response is None:
            status = response.status_code if response is not None else None
            return self._result(trace, url, attempt.outcome or Outcome.UNREACHABLE, attempt.detail, status=status)
        return self._classify(trace, url, response)

    def fetch(
        self,
        url: str,
        *,
        limiter: RateLimiter | None = None,
        accept: str | None = None,
        headers: dict[str, str] | None = None,
        fresh: bool = False,
    ) -> Fetched:
        """Fetch `url`, following redirects hop by hop; every failure is an Outcome with a detail.

        `headers` are sent besides the session's; `fresh` asks the server, never the persistent cache (a job's
        status, which changes from one poll to the next)."""
        ask = Ask(headers=tuple((headers or {}).items()), fresh=fresh) if headers or fresh else PLAIN_GET
        trace = _Trace(url=url, started=time.monotonic())
        budget = self._fresh_budget()
        current = url
        seen = {url}
        while True:
            refusal = self._precheck(current)
            if refusal is not None:
                return self._result(trace, current, Outcome.REFUSED, refusal)
            over = self._run_over()
            if over is not None:
                return self._result(trace, current, Outcome.TIMED_OUT, over)
            attempt = self._attempts(current, budget, limiter, accept, ask)
            response = attempt.response
            if attempt.outcome is not None:
                status = response.status_code if response is not None else None
                return self._result(trace, current, attempt.outcome, attempt.detail, status=status)
            assert response is not None
            location = response.headers.get("Location")
            if response.is_redirect and location:
                target = urljoin(current, location.strip())
                trace.hops.append(Hop(current, response.status_code, target))
                if target in seen:
                    chain = " -> ".join([*(h.url for h in trace.hops), target])
                    return self._result(trace, target, Outcome.DEAD, f"redirect loop: {chain}", status=None)
                if len(trace.hops) > self.options.max_redirects:
                    detail = f"more than {self.options.max_redirects} redirects (last to {target})"
                    return self._result(trace, target, Outcome.DEAD, detail, status=None)
                seen.add(target)
                current = target
                continue
            return self._classify(trace, current, response)

    def _precheck(self, url: str) -> str | None:
        """Refuse non-HTTP schemes and forbidden literal addresses before any request (also when replaying)."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            return f"refused {parts.scheme or 'scheme-less'} URL {url} (only http and https are fetched)"
        host = parts.hostname or ""
        if is_ip_literal(host):
            reason = self._policy.refusal(host, parts.port or (443 if parts.scheme == "https" else 80))
            if reason is not None:
                return str(AddressRefused(host, host, reason))
        return None

    def _result(
        self,
        trace: _Trace,
        final_url: str,
        outcome: Outcome,
        detail: str,
        *,
        status: int | None = None,
        content_type: str = "",
        text: str = "",
        body: bytes = b"",
    ) -> Fetched:
        return Fetched(
            url=trace.url,
            outcome=outcome,
            final_url=final_url,
            status=status,
            hops=tuple(trace.hops),
            content_type=content_type,
            text=text,
            detail=detail,
            elapsed=time.monotonic() - trace.started,
            body=body,
        )

    def _classify(self, trace: _Trace, url: str, response: requests.Response) -> Fetched:
        status = response.status_code
        body = response.content or b""
        header_type = response.headers.get("Content-Type", "")
        mime = _mime(header_type) or _sniff_mime(body)

        def result(outcome: Outcome, detail: str, text: str = "") -> Fetched:
            return self._result(trace, url, outcome, detail, status=status, content_type=mime, text=text, body=body)

        if status in BLOCKED_STATUSES or _is_challenge(response):
            return result(
                Outcome.BLOCKED, _status_text(status) + (" (challenge page)" if _is_challenge(response) else "")
            )
        if status in RETRY_STATUSES:  # a challenge page served with a retryable status was handled above
            return result(Outcome.UNREACHABLE, _status_text(status))
        if not 200 <= status < 300:
            return result(Outcome.DEAD, _status_text(status))
        if mime not in HTML_TYPES:
            return self._not_html(result, mime, header_type, body)
        text = decode_text(body, header_type)
        charset = _usable(_declared_charset(header_type)) or "utf-8"
        title = _heading(_TITLE, body[:65536], charset)
        if not text.strip():
            return result(Outcome.SOFT_404, f"{_status_text(status)} with an empty page", text)
        if trace.hops and _is_home_page(url) and not _is_home_page(trace.url):
            return result(Outcome.SOFT_404, f"deep link redirected to the home page {url}", text)
        heading = _heading(_H1, body[:65536], charset)
        for label in (title, heading):
            if label and says_not_found(label):
                return result(Outcome.SOFT_404, f"{_status_text(status)} but the page says {label!r}", text)
        if trace.hops:
            n = len(trace.hops)
            return result(Outcome.REDIRECTED, f"{n} redirect{'s' if n != 1 else ''} to {url}", text)
        return result(Outcome.OK, _status_text(status), text)

    @staticmethod
    def _not_html(result: Callable[..., Fetched], mime: str, header_type: str, body: bytes) -> Fetched:
        if mime == "application/pdf":
            text, detail = _pdf_text(body)
            return result(Outcome.NOT_HTML, detail, text)
        if mime.startswith("text/") or mime.endswith(("+xml", "/xml", "/json", "+json")):
            return result(Outcome.NOT_HTML, f"{mime} document", decode_text(body, header_type))
        return result(Outcome.NOT_HTML, f"unverifiable: {mime or 'unknown content type'}")


def _is_challenge(response: requests.Response) -> bool:
    """An anti-bot interstitial (Cloudflare and friends) rather than the page."""
    if response.headers.get("cf-mitigated", "").lower() == "challenge":
        return True
    if response.status_code not in (200, 403, 429, 503):
        return False
    if _mime(response.headers.get("Content-Type", "text/html")) not in HTML_TYPES:
        return False
    body = response.content or b""
    return bool(_CHALLENGE.match(_heading(_TITLE, body[:65536], "utf-8")))


# Resolver answers that say a name has no address: the domain does not exist (NXDOMAIN), or has no address record.
_NO_SUCH_NAME = frozenset(
    code
    for code in (socket.EAI_NONAME, getattr(socket, "EAI_NODATA", None), getattr(socket, "EAI_ADDRFAMILY", None))
    if code is not None
)


def _dns_failure(host: str, error: BaseException) -> _Attempt:
    """A failed lookup is evidence that a link is dead only when the resolver answered that the name does not
    exist; a resolver that gave no answer (a timeout, a server failure, no network) says nothing of the page."""
    answer = next((e for e in _causes(error) if isinstance(e, socket.gaierror)), None)
    code = answer.errno if answer is not None else None
    if code in _NO_SUCH_NAME:
        return _Attempt(outcome=Outcome.DEAD, detail=f"DNS lookup failed for {host}: no such domain")
    why = "the resolver gave no answer" + (f" ({answer.strerror or code})" if answer is not None else "")
    return _Attempt(
        outcome=Outcome.UNREACHABLE,
        detail=f"DNS lookup failed for {host}: {why}",
        retry=code == socket.EAI_AGAIN,
    )


def _causes(error: BaseException) -> Iterator[BaseException]:
    """The error and every error behind it: its cause, its context, urllib3's `reason`, and errors among its args."""
    seen: set[int] = set()
    stack: list[BaseException | None] = [error]
    while stack:
        current = stack.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        stack.extend([current.__cause__, current.__context__, getattr(current, "reason", None)])
        stack.extend(a for a in current.args if isinstance(a, BaseException))


def _caused_by(error: BaseException, kind: type[BaseException]) -> bool:
    return any(isinstance(cause, kind) for cause in _causes(error))


def _tls_reason(error: BaseException) -> str:
    text = str(error)
    for marker in ("certificate verify failed: ", "SSLError(", "SSL: "):
        if marker in text:
            return text.split(marker, 1)[1].split(")", 1)[0].strip(" '\"")
    return type(error).__name__


def _connection_detail(host: str, error: BaseException) -> str:
    if _caused_by(error, ConnectionRefusedError):
        return f"connection to {host} refused"
    if _caused_by(error, ConnectionResetError):
        return f"connection to {host} reset by peer"
    text = str(error)
    if "RemoteDisconnected" in text or "Remote end closed" in text:
        return f"{host} closed the connection without answering"
    return f"cannot connect to {host}: {type(error).__name__}"

"""Address safety for outgoing HTTP: which IP addresses may be contacted, and connections pinned to checked addresses.

Why this is hand-written: `advocate`, the library that did this for requests, last released in 2020 and pins
urllib3 < 2 (and its fork `champion` is not on PyPI); `drawbridge` wraps httpx, not requests. The mechanism here is
small: a urllib3 connection class whose `_new_conn` resolves the host once, refuses the whole host if any resolved
address is forbidden, and opens the socket to one of the addresses it checked. The connection keeps the hostname for
the Host header, TLS SNI and certificate verification, so DNS rebinding between "check" and "connect" is impossible.
"""

from __future__ import annotations

import contextlib
import heapq
import ipaddress
import itertools
import os
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NameResolutionError, NewConnectionError
from urllib3.util import connection as urllib3_connection

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# Cloud instance-metadata services: refused even when private addresses are allowed (never a legitimate source).
METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(a)
    for a in (
        "169.254.169.254",  # AWS, GCP, Azure, OpenStack, DigitalOcean ...
        "169.254.170.2",  # AWS ECS task metadata
        "fd00:ec2::254",  # AWS IMDS over IPv6
        "100.100.100.200",  # Alibaba Cloud
    )
)


class AddressRefused(Exception):
    """A host resolved to an address that policy forbids; raised before any connection is opened."""

    def __init__(self, host: str, address: str, reason: str) -> None:
        self.host = host
        self.address = address
        self.reason = reason
        shown = host if host == address else f"{host} ({address})"
        super().__init__(f"refused to connect to {shown}: {reason} address; {allowed_by(reason)}")


def allowed_by(reason: str) -> str:
    """What lifts a refusal for `reason`, in words that name the option."""
    if reason == "cloud metadata":
        return "never allowed, not even with --allow-private"
    return "--allow-private allows it"


def _parse(address: str) -> IPAddress:
    parsed = ipaddress.ip_address(address.split("%", 1)[0])  # drop an IPv6 zone id such as fe80::1%eth0
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return parsed.ipv4_mapped
        if parsed.sixtofour is not None:
            return parsed.sixtofour
    return parsed


def forbidden_reason(address: str) -> str | None:
    """Why `address` is not a public internet address (e.g. "loopback"), or None when it is public."""
    ip = _parse(address)
    if ip in METADATA_ADDRESSES:
        return "cloud metadata"
    checks = (
        (ip.is_unspecified, "unspecified"),
        (ip.is_loopback, "loopback"),
        (ip.is_link_local, "link-local"),
        (ip.is_multicast, "multicast"),
        (ip.is_reserved, "reserved"),
        (ip.is_private, "private"),
        (not ip.is_global, "non-global"),
    )
    return next((name for hit, name in checks if hit), None)


@dataclass(frozen=True)
class AddressPolicy:
    """Which addresses may be contacted.

    allow_private: lift the refusal of loopback/private/link-local/reserved addresses (tests, intranet mirrors);
    metadata addresses stay refused. allowed: exact exemptions, each "ip" or "ip:port" ("[v6]:port" for IPv6).
    """

    allow_private: bool = False
    allowed: tuple[str, ...] = ()

    def refusal(self, address: str, port: int | None = None) -> str | None:
        """The reason `address` (port `port`) is refused, or None when it may be contacted."""
        reason = forbidden_reason(address)
        if reason is None:
            return None
        if reason == "cloud metadata":
            return reason
        if self.allow_private or self._exempt(address, port):
            return None
        return reason

    def _exempt(self, address: str, port: int | None) -> bool:
        ip = _parse(address)
        for entry in self.allowed:
            entry_ip, entry_port = _split_endpoint(entry)
            if _parse(entry_ip) == ip and (entry_port is None or entry_port == port):
                return True
        return False

    def check(self, host: str, addresses: list[str], port: int | None) -> None:
        """Raise AddressRefused if any address `host` resolved to is refused: one bad address refuses the host."""
        for address in addresses:
            reason = self.refusal(address, port)
            if reason is not None:
                raise AddressRefused(host, address, reason)


def _split_endpoint(entry: str) -> tuple[str, int | None]:
    if entry.startswith("["):
        host, _, rest = entry[1:].partition("]")
        return host, int(rest[1:]) if rest.startswith(":") else None
    if entry.count(":") == 1:
        host, port = entry.split(":")
        return host, int(port)
    return entry, None


def is_ip_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]").split("%", 1)[0])
    except ValueError:
        return False
    return True


def resolve(host: str, port: int) -> list[str]:
    """All addresses `host` resolves to for TCP, in resolver order, without duplicates (raises socket.gaierror)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    addresses: list[str] = []
    for *_, sockaddr in infos:
        address = str(sockaddr[0])
        if address not in addresses:
            addresses.append(address)
    return addresses


def _connect_checked(conn: HTTPConnection, policy: AddressPolicy) -> socket.socket:
    """Resolve once, check every address, connect to a checked address (what urllib3's `_new_conn` does, made safe)."""
    host = conn._dns_host.strip("[]")
    port = int(conn.port or 80)
    try:
        addresses = resolve(host, port)
    except socket.gaierror as e:
        raise NameResolutionError(conn.host, conn, e) from e
    policy.check(conn.host, addresses, port)
    error: Exception = NewConnectionError(conn, f"Failed to establish a new connection: no address for {host}")
    for address in addresses:
        try:
            return urllib3_connection.create_connection(
                (address, port), conn.timeout, source_address=conn.source_address, socket_options=conn.socket_options
            )
        except TimeoutError as e:
            error = ConnectTimeoutError(conn, f"Connection to {conn.host} timed out. (connect timeout={conn.timeout})")
            error.__cause__ = e
        except OSError as e:
            error = NewConnectionError(conn, f"Failed to establish a new connection: {e}")
            error.__cause__ = e
    raise error


class ConnectionSlot:
    """Where a pool reports the connection it handed to the current request (so a watchdog can cut it)."""

    def __init__(self) -> None:
        self.connection: Any = None

    def cut(self) -> None:
        """Shut the socket down: a read blocked on it in another thread returns at once."""
        sock = getattr(self.connection, "sock", None)
        if isinstance(sock, socket.socket):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)


class Watchdog:
    """One thread that cuts each watched connection whose deadline passes before its request is done.

    A `threading.Timer` per request cost a thread start on every request, and `Thread.start` waits until the new
    thread holds the GIL: with the workers busy that is up to a switch interval (5 ms) added to each request's way out.
    """

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._deadlines: list[tuple[float, int]] = []
        self._slots: dict[int, ConnectionSlot] = {}
        self._numbers = itertools.count()
        self._thread: threading.Thread | None = None
        os.register_at_fork(after_in_child=self._forget)

    def _forget(self) -> None:
        """In a forked child the thread is gone: start afresh (the parent's requests are not the child's)."""
        self._changed = threading.Condition()
        self._deadlines = []
        self._slots = {}
        self._thread = None

    def watch(self, deadline: float, slot: ConnectionSlot) -> int:
        """Cut `slot` at `deadline` (time.monotonic) unless `release(number)` comes first."""
        with self._changed:
            number = next(self._numbers)
            self._slots[number] = slot
            heapq.heappush(self._deadlines, (deadline, number))
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="verify-watchdog", daemon=True)
                self._thread.start()
            elif self._deadlines[0][1] == number:
                self._changed.notify()
            return number

    def release(self, number: int) -> None:
        with self._changed:
            self._slots.pop(number, None)

    def _run(self) -> None:
        while True:
            with self._changed:
                while self._deadlines and self._deadlines[0][1] not in self._slots:
                    heapq.heappop(self._deadlines)  # released in time
                if not self._deadlines:
                    self._changed.wait()
                    continue
                deadline, number = self._deadlines[0]
                wait = deadline - time.monotonic()
                if wait > 0:
                    self._changed.wait(wait)
                    continue
                heapq.heappop(self._deadlines)
                slot = self._slots.pop(number)
            slot.cut()


_watched = threading.local()


@contextlib.contextmanager
def watching(slot: ConnectionSlot) -> Iterator[ConnectionSlot]:
    """Within the block, pools on this thread report the connection they hand out to `slot`."""
    _watched.slot = slot
    try:
        yield slot
    finally:
        _watched.slot = None


def _report(conn: Any) -> Any:
    slot = getattr(_watched, "slot", None)
    if slot is not None:
        slot.connection = conn
    return conn


def _wrap_stub(stub: type[Any], real: type[Any]) -> type[Any]:
    """A subclass of a vcrpy connection stub whose wrapped real connection is our checked one.

    vcrpy swaps urllib3's pool `ConnectionCls` for stubs that replay cassettes and, when recording, delegate to a
    real connection built from the stub's `_baseclass`; pointing `_baseclass` at the safe class keeps live
    recordings under the same address policy.
    """
    with _stubs_lock:
        wrapped = _stubs.get((stub, real))
        if wrapped is None:
            if len(_stubs) > 256:  # vcrpy makes one stub class per cassette; keep the memo bounded
                _stubs.clear()
            wrapped = _stubs[(stub, real)] = type(stub.__name__ + "Checked", (stub,), {"_baseclass": real})
        return wrapped


_stubs: dict[tuple[type[Any], type[Any]], type[Any]] = {}
_stubs_lock = threading.Lock()


def pool_classes(policy: AddressPolicy) -> dict[str, type[HTTPConnectionPool]]:
    """urllib3 pool classes (for PoolManager.pool_classes_by_scheme) whose connections obey `policy`."""

    class CheckedHTTPConnection(HTTPConnection):
        def _new_conn(self) -> socket.socket:
            return _connect_checked(self, policy)

    class CheckedHTTPSConnection(HTTPSConnection):
        def _new_conn(self) -> socket.socket:
            return _connect_checked(self, policy)

    def connection_class(current: type[Any], checked: type[Any]) -> type[Any]:
        if hasattr(current, "_baseclass"):  # vcrpy is recording or replaying
            return _wrap_stub(current, checked)
        return checked

    class CheckedHTTPConnectionPool(HTTPConnectionPool):
        @property
        def ConnectionCls(self) -> type[Any]:  # type: ignore[override]
            return connection_class(HTTPConnectionPool.ConnectionCls, CheckedHTTPConnection)

        def _get_conn(self, timeout: float | None = None) -> Any:
            conn = super()._get_conn(timeout)
            wanted = self.ConnectionCls
            while not isinstance(conn, wanted):  # pooled before/after a recording: discard, open a fresh one
                conn.close()
                conn = self._new_conn()
            return _report(conn)

    class CheckedHTTPSConnectionPool(HTTPSConnectionPool):
        @property
        def ConnectionCls(self) -> type[Any]:  # type: ignore[override]
            return connection_class(HTTPSConnectionPool.ConnectionCls, CheckedHTTPSConnection)

        def _get_conn(self, timeout: float | None = None) -> Any:
            conn = super()._get_conn(timeout)
            wanted = self.ConnectionCls
            while not isinstance(conn, wanted):
                conn.close()
                conn = self._new_conn()
            return _report(conn)

    return {"http": CheckedHTTPConnectionPool, "https": CheckedHTTPSConnectionPool}

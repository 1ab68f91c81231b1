"""The issue-8 fault matrix: every fault of a misbehaving server ends as a clear Outcome, quickly, never an exception.

Runs against tests/faultserver.py on 127.0.0.1; the network stays blocked for every other host.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
import yaml

from tests.faultserver import PDF_TEXT, RUSSIAN, FaultHandler, FaultServer, serving
from verify import _safety
from verify.http import Fetched, Http, HttpOptions, Outcome, recording

pytestmark = pytest.mark.block_network(allowed_hosts=[r"127\.0\.0\.1$"])


@pytest.fixture(scope="module")
def server() -> Iterator[FaultServer]:
    with serving() as running:
        yield running


def options_for(server: FaultServer) -> HttpOptions:
    """Fast limits; only the fault server's own endpoint is exempt from the address refusal."""
    return HttpOptions(
        connect_timeout=2,
        read_timeout=1,
        deadline=2,
        retries=2,
        backoff=0.01,
        max_decompressed_bytes=5_000_000,
        allowed_addresses=(f"127.0.0.1:{server.port}",),
    )


@dataclass(frozen=True)
class Fault:
    path: str
    outcome: Outcome
    detail: str = ""
    text: str = ""


FAULTS = [
    Fault("/flaky/429/matrix", Outcome.OK, "HTTP 200", "after a retry"),
    Fault("/flaky/503/matrix", Outcome.OK, "HTTP 200", "after a retry"),
    Fault("/reset", Outcome.UNREACHABLE, "reset by peer after 3 attempts"),
    Fault("/stall?seconds=3", Outcome.TIMED_OUT, "did not answer within 1 s"),
    # One byte a second against a 1 s read timeout and a 2 s deadline: on a loaded machine a gap can outlast the
    # read timeout before the deadline comes, so either ends it; what matters is the outcome and the bound below.
    Fault("/drip", Outcome.TIMED_OUT),
    Fault("/drip-headers", Outcome.TIMED_OUT, "deadline of 2 s exceeded"),
    Fault("/huge", Outcome.TOO_LARGE, "Content-Length 10,737,418,240"),
    Fault("/huge-chunked", Outcome.TOO_LARGE, "body is larger than 5,000,000 bytes"),
    Fault("/bomb", Outcome.TOO_LARGE, "decompresses to more than 5,000,000 bytes"),
    Fault("/loop/a", Outcome.DEAD, "redirect loop"),
    Fault("/redirect?to=http://127.0.0.1:9/admin", Outcome.REFUSED, "127.0.0.1: loopback address"),
    Fault("/redirect?to=http://169.254.169.254/latest/meta-data/", Outcome.REFUSED, "cloud metadata address"),
    Fault("/redirect?to=file:///etc/passwd", Outcome.REFUSED, "only http and https"),
    Fault("/pdf", Outcome.NOT_HTML, "PDF, text extracted from 1 page", PDF_TEXT),
    Fault("/cp1251", Outcome.OK, "HTTP 200", RUSSIAN),
    Fault("/malformed", Outcome.OK, "HTTP 200", "Still text"),
    # An empty 200 is a page that is not there: soft-404, so a citation to it is reported, not read as "silent".
    Fault("/empty", Outcome.SOFT_404, "empty page"),
    Fault("/nowhere", Outcome.DEAD, "HTTP 404 Not Found"),
]


@pytest.mark.parametrize("fault", FAULTS, ids=[f.path.split("?")[0].strip("/") + f"-{f.outcome.value}" for f in FAULTS])
def test_fault_ends_as_its_outcome(server: FaultServer, fault: Fault) -> None:
    with Http(options_for(server)) as http:
        fetched = http.fetch(server.base + fault.path)

    assert (fetched.outcome, fault.detail in fetched.detail) == (fault.outcome, True), fetched.detail
    assert fault.text in fetched.text
    assert fetched.elapsed < 2 + 1  # the deadline holds, with slack for a slow machine


def test_redirect_hops_are_kept_in_order(server: FaultServer) -> None:
    with Http(options_for(server)) as http:
        fetched = http.fetch(f"{server.base}/redirect?to=/ok")

    assert fetched.outcome is Outcome.REDIRECTED
    assert [(h.status, h.location) for h in fetched.hops] == [(302, f"{server.base}/ok")]
    assert fetched.final_url == f"{server.base}/ok"


def test_loopback_is_refused_without_an_exemption(server: FaultServer) -> None:
    with Http(HttpOptions()) as http:
        fetched = http.fetch(f"{server.base}/ok")

    assert fetched.outcome is Outcome.REFUSED
    assert "loopback" in fetched.detail


class FakeResolver:
    """Stands in for DNS: each host answers from its list of answers, one per lookup; IP literals answer themselves."""

    def __init__(self, answers: dict[str, list[list[str]]]) -> None:
        self.answers = answers
        self.lookups: list[str] = []

    def __call__(self, host: str, port: int) -> list[str]:
        self.lookups.append(host)
        queue = self.answers.setdefault(host, [[host]])
        return queue.pop(0) if len(queue) > 1 else queue[0]


def test_hostname_resolving_to_a_private_address_is_refused_after_dns(
    server: FaultServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    resolver = FakeResolver({"intranet.example": [["93.184.215.14", "10.0.0.7"]]})
    monkeypatch.setattr(_safety, "resolve", resolver)
    with Http(options_for(server)) as http:
        fetched = http.fetch(f"{server.base}/redirect?to=http://intranet.example/")

    assert fetched.outcome is Outcome.REFUSED
    assert (
        fetched.detail
        == "refused to connect to intranet.example (10.0.0.7): private address; --allow-private allows it"
    )
    assert [h.location for h in fetched.hops] == ["http://intranet.example/"]


def test_connection_goes_to_the_address_that_was_checked(server: FaultServer, monkeypatch: pytest.MonkeyPatch) -> None:
    # A rebinding resolver answers the allowed address first, then a private one: only the first answer is used.
    resolver = FakeResolver({"news.example": [["127.0.0.1"], ["10.0.0.7"]]})
    monkeypatch.setattr(_safety, "resolve", resolver)
    with Http(options_for(server)) as http:
        first = http.fetch(f"http://news.example:{server.port}/ok")
        second = http.fetch(f"http://news.example:{server.port}/ok")

    assert (first.outcome, second.outcome) == (Outcome.OK, Outcome.OK)
    assert f"Host: news.example:{server.port}" in first.text  # the Host header keeps the name
    assert resolver.lookups == ["news.example"]  # one lookup; the kept-alive connection stays on that address


def test_recording_never_stores_cookies(server: FaultServer, tmp_path: Path) -> None:
    cassette = tmp_path / "cookie.yaml"
    with recording(cassette, "once"), Http(options_for(server)) as http:
        live = http.fetch(f"{server.base}/cookie")

    stored = yaml.safe_load(cassette.read_text())
    headers = {name.lower() for name in stored["interactions"][0]["response"]["headers"]}
    assert live.outcome is Outcome.OK
    assert "set-cookie" not in headers
    assert "content-type" in headers


def test_recorded_run_replays_without_the_server(server: FaultServer, tmp_path: Path) -> None:
    cassette = tmp_path / "run.yaml"
    url = f"{server.base}/flaky/503/recorded"
    with recording(cassette, "once"), Http(options_for(server)) as http:
        live = http.fetch(url)
    with recording(cassette, "none"), Http(options_for(server)) as http:
        replayed = http.fetch(url)
        missing = http.fetch(f"{server.base}/never-fetched")

    stored = yaml.safe_load(cassette.read_text())
    assert [i["response"]["status"]["code"] for i in stored["interactions"]] == [503, 200]
    assert _essentials(replayed) == _essentials(live) == (Outcome.OK, 200, "The story after a retry.")
    assert missing.outcome is Outcome.UNREACHABLE
    assert missing.detail == f"not in cassette {cassette} (replay-only)"


def test_recording_obeys_the_address_policy(server: FaultServer, tmp_path: Path) -> None:
    with recording(tmp_path / "refused.yaml", "all"), Http(HttpOptions()) as http:
        fetched = http.fetch(f"http://localhost:{server.port}/ok")

    assert fetched.outcome is Outcome.REFUSED
    assert "loopback" in fetched.detail


def test_cache_answers_a_repeated_fetch_and_never_stores_an_oversized_body(server: FaultServer, tmp_path: Path) -> None:
    options = replace(options_for(server), cache_path=str(tmp_path / "http-cache.sqlite"))
    with Http(options) as http:
        first = http.fetch(f"{server.base}/flaky/503/cached")
        again = http.fetch(f"{server.base}/flaky/503/cached")
        bombs = [http.fetch(f"{server.base}/bomb").outcome for _ in range(2)]

    assert FaultHandler.failures["cached"] == 2  # a 503 and a 200; the repeat came from the cache
    assert _essentials(again) == _essentials(first) == (Outcome.OK, 200, "The story after a retry.")
    assert bombs == [Outcome.TOO_LARGE, Outcome.TOO_LARGE]


def test_per_host_cap_limits_concurrent_requests(server: FaultServer) -> None:
    with Http(replace(options_for(server), per_host=2)) as http, ThreadPoolExecutor(max_workers=6) as pool:
        outcomes = list(pool.map(lambda _: http.fetch(f"{server.base}/busy").outcome, range(6)))

    assert outcomes == [Outcome.OK] * 6
    assert FaultHandler.in_flight["most"] == 2


def _essentials(fetched: Fetched) -> tuple[Outcome, int | None, str]:
    paragraph = fetched.text.split("<p>")[1].split("</p>")[0] if "<p>" in fetched.text else ""
    return fetched.outcome, fetched.status, paragraph


def test_the_run_time_limit_cuts_a_stalled_request_and_ends_later_fetches_at_once(server: FaultServer) -> None:
    import time

    options = replace(options_for(server), read_timeout=10, deadline=10, retries=0, run_limit=0.5)
    with Http(options) as http:
        started = time.monotonic()
        stalled = http.fetch(f"{server.base}/stall?seconds=3")
        cut = time.monotonic() - started
        later = http.fetch(f"{server.base}/malformed")
        after = time.monotonic() - started - cut
    assert stalled.outcome is Outcome.TIMED_OUT and cut < 1.5, (stalled.detail, cut)
    assert later.outcome is Outcome.TIMED_OUT and after < 0.1
    assert "the run's time limit of 0.5 s (--max-time) was reached" in later.detail


def test_waiting_for_our_own_rate_limiter_does_not_use_up_the_request_deadline(server: FaultServer) -> None:
    from verify.http import RateLimiter

    limiter = RateLimiter(2.0, burst=1)
    limiter.acquire()  # the bucket is empty: the next request waits ~0.5 s for a token
    options = replace(options_for(server), deadline=0.3, read_timeout=0.3, retries=0)
    with Http(options) as http:
        fetched = http.fetch(f"{server.base}/malformed", limiter=limiter)
    assert fetched.outcome is Outcome.OK, fetched.detail


def test_a_rate_limiter_given_a_deadline_it_cannot_meet_says_so_at_once() -> None:
    import time

    from verify.http import RateLimiter

    limiter = RateLimiter(0.5, burst=1)
    assert limiter.acquire(until=time.monotonic() + 0.1)  # a token is there
    started = time.monotonic()
    assert not limiter.acquire(until=time.monotonic() + 0.1)  # the next is 2 s away
    assert time.monotonic() - started < 0.05


def test_requests_carry_the_session_headers_and_the_accept_asked_for_but_no_cookie(server: FaultServer) -> None:
    with Http(replace(options_for(server), user_agent="verify-test/1")) as http:
        http.fetch(f"{server.base}/cookie")
        page = http.fetch(f"{server.base}/headers").text
        pdf = http.fetch(f"{server.base}/headers", accept="application/pdf").text
    assert "User-Agent: verify-test/1" in page and "Cookie" not in page
    assert "Accept: text/html,application/xhtml+xml" in page and "Accept-Language: en" in page
    assert "Accept: application/pdf" in pdf and "Accept: text/html" not in pdf

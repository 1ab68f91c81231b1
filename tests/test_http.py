"""verify.http: every Outcome pinned by replaying a composed cassette (cassettes/test_http/, see compose.py there)."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.faultserver import RUSSIAN
from verify import _safety
from verify.http import (
    DEFAULT_USER_AGENT,
    Fetched,
    Hop,
    Http,
    HttpOptions,
    Outcome,
    RateLimiter,
    decode_text,
    recording,
    says_not_found,
)

A = "https://news.example/2020/02/04/harbour-bridge-reopens"
FRENCH = "Le café crème est servi à la terrasse, près de l'église; les élèves déjeunent à côté du marché."
GERMAN = "Die Straßenbahn fährt über die Brücke; Bürger äußern Ärger über Verspätungen."


@pytest.fixture
def http() -> Iterator[Http]:
    with Http(HttpOptions(backoff=0, retries=3)) as client:
        yield client


@pytest.mark.vcr
def test_article_page_is_ok(http: Http) -> None:
    fetched = http.fetch(A)

    assert (fetched.outcome, fetched.status, fetched.content_type) == (Outcome.OK, 200, "text/html")
    assert "after 40 days of repairs" in fetched.text
    assert (fetched.final_url, fetched.hops, fetched.detail) == (A, (), "HTTP 200 OK")
    assert fetched.ok


@pytest.mark.vcr
def test_redirects_are_followed_hop_by_hop(http: Http) -> None:
    fetched = http.fetch("http://news.example/2020/02/04/harbour-bridge-reopens")

    assert fetched.outcome is Outcome.REDIRECTED
    assert fetched.hops == (
        Hop("http://news.example/2020/02/04/harbour-bridge-reopens", 301, A),
        Hop(A, 302, A + "/"),
    )
    assert (fetched.final_url, fetched.detail) == (A + "/", f"2 redirects to {A}/")
    assert fetched.ok


@pytest.mark.parametrize(
    ("status", "outcome", "detail"),
    [
        (404, Outcome.DEAD, "HTTP 404 Not Found"),
        (410, Outcome.DEAD, "HTTP 410 Gone"),
        (403, Outcome.BLOCKED, "HTTP 403 Forbidden"),
        (451, Outcome.BLOCKED, "HTTP 451 Unavailable For Legal Reasons"),
    ],
    ids=["404-dead", "410-dead", "403-blocked", "451-blocked"],
)
@pytest.mark.vcr
def test_http_error_status_is_its_outcome(http: Http, status: int, outcome: Outcome, detail: str) -> None:
    fetched = http.fetch(A)

    assert (fetched.outcome, fetched.status, fetched.detail) == (outcome, status, detail)
    assert not fetched.ok


@pytest.mark.vcr
def test_challenge_page_is_blocked_not_retried(http: Http) -> None:
    fetched = http.fetch(A)  # the cassette holds one 503: a retry would miss it and end unreachable

    assert (fetched.outcome, fetched.detail) == (Outcome.BLOCKED, "HTTP 503 Service Unavailable (challenge page)")


@pytest.mark.vcr
def test_200_page_saying_not_found_is_soft_404(http: Http) -> None:
    fetched = http.fetch(A)

    assert (fetched.outcome, fetched.status) == (Outcome.SOFT_404, 200)
    assert fetched.detail == "HTTP 200 OK but the page says 'Page not found'"


@pytest.mark.vcr
def test_deep_link_redirected_to_home_page_is_soft_404(http: Http) -> None:
    fetched = http.fetch(A)

    assert fetched.outcome is Outcome.SOFT_404
    assert fetched.detail == "deep link redirected to the home page https://news.example/"


@pytest.mark.vcr
def test_429_on_every_try_is_rate_limited(http: Http) -> None:
    limiter = RateLimiter(1000, burst=10, pause=0)
    fetched = http.fetch(A, limiter=limiter)

    assert (fetched.outcome, fetched.status) == (Outcome.RATE_LIMITED, 429)
    assert fetched.detail == "HTTP 429 Too Many Requests after 4 attempts"
    assert limiter.rate < 1000  # every 429 slowed the shared limiter down


@pytest.mark.vcr
def test_retry_after_longer_than_we_wait_ends_at_once(http: Http) -> None:
    fetched = http.fetch(A)  # one 429 in the cassette: a retry would miss it

    assert fetched.outcome is Outcome.RATE_LIMITED
    assert fetched.detail == "HTTP 429 Too Many Requests; Retry-After 3600 s is longer than we wait"


@pytest.mark.vcr
def test_persistent_server_error_is_unreachable(http: Http) -> None:
    fetched = http.fetch(A)

    assert (fetched.outcome, fetched.status) == (Outcome.UNREACHABLE, 503)
    assert fetched.detail == "HTTP 503 Service Unavailable after 4 attempts"


@pytest.mark.vcr
def test_pdf_is_not_html_with_its_text(http: Http) -> None:
    fetched = http.fetch("https://example.org/reports/2020-q1.pdf")

    assert (fetched.outcome, fetched.content_type) == (Outcome.NOT_HTML, "application/pdf")
    assert fetched.text == "Exports rose 40 percent in the first quarter"
    assert fetched.detail == "PDF, text extracted from 1 page"
    assert fetched.body.startswith(b"%PDF-")
    assert fetched.ok


@pytest.mark.vcr
def test_image_is_not_html_and_unverifiable(http: Http) -> None:
    fetched = http.fetch("https://example.com/photo.png")

    assert (fetched.outcome, fetched.detail, fetched.text) == (Outcome.NOT_HTML, "unverifiable: image/png", "")
    assert not fetched.ok


@pytest.mark.vcr
def test_declared_length_over_the_cap_is_too_large(http: Http) -> None:
    fetched = http.fetch("https://example.com/dump.html")

    assert fetched.outcome is Outcome.TOO_LARGE
    assert fetched.detail == "Content-Length 2,000,000,000 is over the 10,000,000-byte cap"


@pytest.mark.parametrize("encoding", ["gzip", "br"])
@pytest.mark.vcr
def test_compressed_bodies_are_decoded(http: Http, encoding: str) -> None:
    fetched = http.fetch(A)

    assert fetched.outcome is Outcome.OK
    assert "after 40 days of repairs" in fetched.text


@pytest.mark.vcr
def test_wrongly_declared_charset_is_detected(http: Http) -> None:
    fetched = http.fetch("https://news.example/ru/2020/02/04/talks")  # windows-1251 bytes declared as UTF-8

    assert fetched.outcome is Outcome.OK
    assert RUSSIAN in fetched.text


@pytest.mark.vcr
def test_redirect_to_metadata_address_is_refused(http: Http) -> None:
    fetched = http.fetch(A)

    assert fetched.outcome is Outcome.REFUSED
    assert (
        fetched.detail
        == "refused to connect to 169.254.169.254: cloud metadata address; never allowed, not even with --allow-private"
    )
    assert fetched.hops == (Hop(A, 302, "http://169.254.169.254/latest/meta-data/iam/"),)


@pytest.mark.vcr
def test_request_missing_from_cassette_is_unreachable(http: Http, vcr_cassette_dir: str) -> None:
    fetched = http.fetch("https://news.example/never-recorded")

    assert fetched.outcome is Outcome.UNREACHABLE
    assert fetched.detail.startswith("not in cassette ")
    assert vcr_cassette_dir in fetched.detail


def test_replay_only_recording_names_its_cassette(tmp_path: Path) -> None:
    cassette = Path(__file__).resolve().parent.parent / "cassettes/test_http/test_article_page_is_ok.yaml"
    with recording(cassette, "none"), Http() as http:
        replayed = http.fetch(A)
        missing = http.fetch("https://news.example/elsewhere")

    assert replayed.outcome is Outcome.OK
    assert (missing.outcome, missing.detail) == (Outcome.UNREACHABLE, f"not in cassette {cassette} (replay-only)")


def test_a_domain_that_does_not_exist_is_dead(http: Http, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_such_host(host: str, port: int) -> list[str]:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(_safety, "resolve", no_such_host)
    fetched = http.fetch("https://gone.news.example/story")

    assert (fetched.outcome, fetched.detail) == (
        Outcome.DEAD,
        "DNS lookup failed for gone.news.example: no such domain",
    )


@pytest.mark.parametrize(
    ("code", "text"),
    [
        (socket.EAI_AGAIN, "Temporary failure in name resolution"),
        (socket.EAI_FAIL, "Non-recoverable failure in name resolution"),
    ],
)
def test_a_resolver_with_no_answer_is_unreachable_not_dead(
    http: Http, monkeypatch: pytest.MonkeyPatch, code: int, text: str
) -> None:
    def no_answer(host: str, port: int) -> list[str]:
        raise socket.gaierror(code, text)

    monkeypatch.setattr(_safety, "resolve", no_answer)
    fetched = http.fetch("https://news.example/story")

    assert fetched.outcome is Outcome.UNREACHABLE
    assert fetched.detail.startswith(f"DNS lookup failed for news.example: the resolver gave no answer ({text})")


@pytest.mark.parametrize(
    ("url", "detail"),
    [
        ("http://127.0.0.1/", "refused to connect to 127.0.0.1: loopback address; --allow-private allows it"),
        ("http://10.1.2.3:8080/admin", "refused to connect to 10.1.2.3: private address; --allow-private allows it"),
        ("http://[::1]/", "refused to connect to ::1: loopback address; --allow-private allows it"),
        (
            "http://[fd00:ec2::254]/",
            "refused to connect to fd00:ec2::254: cloud metadata address; never allowed, not even with --allow-private",
        ),
        (
            "http://100.100.100.200/latest/meta-data",
            "refused to connect to 100.100.100.200: cloud metadata address; never allowed, not even with --allow-private",
        ),
        ("ftp://example.com/file", "refused ftp URL ftp://example.com/file (only http and https are fetched)"),
    ],
)
def test_unsafe_url_is_refused_before_any_request(http: Http, url: str, detail: str) -> None:
    fetched = http.fetch(url)

    assert (fetched.outcome, fetched.detail, fetched.status) == (Outcome.REFUSED, detail, None)


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("93.184.215.14", None),
        ("2606:2800:21f:cb07:6820:80da:af6b:8b2c", None),
        ("127.0.0.1", "loopback"),
        ("::1", "loopback"),
        ("0.0.0.0", "unspecified"),
        ("10.0.0.1", "private"),
        ("172.16.5.4", "private"),
        ("192.168.1.1", "private"),
        ("fc00::1", "private"),
        ("169.254.10.10", "link-local"),
        ("fe80::1%eth0", "link-local"),
        ("224.0.0.251", "multicast"),
        ("240.0.0.1", "reserved"),
        ("100.64.0.1", "non-global"),
        ("169.254.169.254", "cloud metadata"),
        ("fd00:ec2::254", "cloud metadata"),
        ("100.100.100.200", "cloud metadata"),
        ("::ffff:127.0.0.1", "loopback"),
        ("2002:7f00:1::", "loopback"),
    ],
)
def test_address_classification(address: str, reason: str | None) -> None:
    assert _safety.forbidden_reason(address) == reason


def test_allow_private_lifts_the_refusal_but_never_for_metadata() -> None:
    policy = _safety.AddressPolicy(allow_private=True)

    assert [policy.refusal(a) for a in ("127.0.0.1", "10.0.0.1", "169.254.169.254")] == [None, None, "cloud metadata"]


def test_allowed_address_exempts_exactly_that_endpoint() -> None:
    policy = _safety.AddressPolicy(allowed=("127.0.0.1:8080", "[::1]:8080", "10.0.0.5"))

    assert policy.refusal("127.0.0.1", 8080) is None
    assert policy.refusal("127.0.0.1", 8081) == "loopback"
    assert policy.refusal("::1", 8080) is None
    assert policy.refusal("10.0.0.5", 443) is None
    assert policy.refusal("10.0.0.6", 443) == "private"


def test_one_forbidden_address_refuses_the_whole_host() -> None:
    with pytest.raises(_safety.AddressRefused, match=r"mixed\.example \(10\.0\.0\.7\): private address"):
        _safety.AddressPolicy().check("mixed.example", ["93.184.215.14", "10.0.0.7"], 443)


def test_session_sends_a_clear_user_agent() -> None:
    with Http() as http:
        assert http.session.headers["User-Agent"] == DEFAULT_USER_AGENT
    assert DEFAULT_USER_AGENT.startswith("verify/") and DEFAULT_USER_AGENT.endswith("(+https://example.org/verify)")


@pytest.mark.parametrize(
    ("outcome", "text", "ok"),
    [
        (Outcome.OK, "", True),
        (Outcome.REDIRECTED, "x", True),
        (Outcome.NOT_HTML, "pdf text", True),
        (Outcome.NOT_HTML, "", False),
        (Outcome.SOFT_404, "x", False),
        (Outcome.DEAD, "", False),
    ],
)
def test_ok_means_readable(outcome: Outcome, text: str, ok: bool) -> None:
    fetched = Fetched("u", outcome, "u", 200, (), "", text, "", 0.0)

    assert fetched.ok is ok


@pytest.mark.parametrize(
    ("body", "content_type", "expected"),
    [
        ("Привет, мир".encode(), "text/html; charset=utf-8", "Привет, мир"),
        ("Café crème".encode("latin-1"), "text/html; charset=iso-8859-1", "Café crème"),
        (FRENCH.encode("cp1252"), "text/html; charset=utf-8", FRENCH),
        (GERMAN.encode("cp1252"), "text/html; charset=utf-8", GERMAN),
        (RUSSIAN.encode("cp1251"), "text/html; charset=utf-8", RUSSIAN),
        (RUSSIAN.encode("cp1251"), "text/html; charset=no-such-charset", RUSSIAN),
        (b'<meta charset="windows-1251">' + RUSSIAN.encode("cp1251"), "text/html", RUSSIAN),
        (b"\xef\xbb\xbfBOM first", "text/html; charset=latin-1", "BOM first"),
        (b"", "text/html", ""),
    ],
)
def test_text_is_decoded_whatever_the_declared_charset(body: bytes, content_type: str, expected: str) -> None:
    assert expected in decode_text(body, content_type)


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("Page not found | News Example", True),
        ("404 - Not Found", True),
        ("Error 404", True),
        ("Not Found", True),
        ("Sorry, we couldn't find that page", True),
        ("News Example – Seite nicht gefunden", True),
        ("This page no longer exists", True),
        ("Missing hiker not found after 3 days", False),
        ("404 flights cancelled as storm hits the coast", False),
        ("Harbour bridge reopens after repairs | News Example", False),
    ],
)
def test_not_found_titles_are_told_from_headlines(label: str, expected: bool) -> None:
    assert says_not_found(label) is expected


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(round(seconds, 6))
        self.now += seconds


def test_rate_limiter_spaces_requests_at_its_rate() -> None:
    clock = FakeClock()
    limiter = RateLimiter(2, burst=1, clock=clock, sleep=clock.sleep)

    for _ in range(3):
        limiter.acquire()

    assert clock.slept == [0.5, 0.5]


def test_slow_down_pauses_every_user_then_halves_the_rate() -> None:
    clock = FakeClock()
    limiter = RateLimiter(4, burst=1, pause=10, clock=clock, sleep=clock.sleep)
    limiter.acquire()

    limiter.slow_down()
    limiter.acquire()
    limiter.acquire()

    assert clock.slept == [10.0, 0.5]  # the shared pause, then one request per 1/2 s at the halved rate
    assert limiter.rate == 2


def test_rate_recovers_slowly_after_calm() -> None:
    clock = FakeClock()
    limiter = RateLimiter(4, pause=0, recovery=30, clock=clock, sleep=clock.sleep)
    limiter.slow_down()
    limiter.slow_down()
    rates = [limiter.rate]
    for _ in range(3):
        clock.now += 30
        rates.append(limiter.rate)

    assert [round(r, 3) for r in rates] == [1.0, 2.5, 3.25, 3.625]


def test_rate_limiter_is_shared_safely_between_threads() -> None:
    clock = FakeClock()
    lock = threading.Lock()

    def sleep(seconds: float) -> None:
        with lock:
            clock.sleep(seconds)

    limiter = RateLimiter(10, burst=1, clock=clock, sleep=sleep)
    threads = [threading.Thread(target=limiter.acquire) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert clock.now == pytest.approx(0.7, abs=0.15)  # 8 tokens at 10/s: 7 waits of 0.1 s, however interleaved


def test_tasks_wait_for_their_host_in_its_queue_not_on_a_worker() -> None:
    """Five tasks for a busy host and a pool of three workers: the other host's task still runs at once."""
    from concurrent.futures import ThreadPoolExecutor

    release = threading.Event()
    running: dict[str, int] = {"now": 0, "most": 0}
    started: list[int] = []
    lock = threading.Lock()

    def busy(n: int) -> int:
        with lock:
            started.append(n)
            running["now"] += 1
            running["most"] = max(running["most"], running["now"])
        release.wait(5)
        with lock:
            running["now"] -= 1
        return n

    with Http(HttpOptions(per_host=2)) as http, ThreadPoolExecutor(3) as pool:
        held = [http.submit(pool, f"https://busy.example/{n}", busy, n) for n in range(5)]
        other = http.submit(pool, "https://other.example/", lambda: "done")
        assert other.result(timeout=2) == "done"
        assert not any(f.done() for f in held)
        release.set()
        assert [f.result(timeout=5) for f in held] == [0, 1, 2, 3, 4]
    assert running["most"] == 2
    assert sorted(started[:2]) == [0, 1] and sorted(started) == [0, 1, 2, 3, 4]


def test_a_failed_task_frees_its_host_slot_and_reports_its_error() -> None:
    from concurrent.futures import ThreadPoolExecutor

    def fail() -> None:
        raise ValueError("broken")

    with Http(HttpOptions(per_host=1)) as http, ThreadPoolExecutor(2) as pool:
        failed = http.submit(pool, "https://one.example/a", fail)
        after = http.submit(pool, "https://one.example/b", lambda: "next")
        with pytest.raises(ValueError, match="broken"):
            failed.result(timeout=2)
        assert after.result(timeout=2) == "next"


def test_tasks_queued_for_a_host_when_the_pool_shuts_down_end_instead_of_hanging() -> None:
    from concurrent.futures import CancelledError, ThreadPoolExecutor

    release = threading.Event()
    pool = ThreadPoolExecutor(1)
    with Http(HttpOptions(per_host=1)) as http:
        first = http.submit(pool, "https://one.example/a", release.wait, 5)
        same_host = http.submit(pool, "https://one.example/b", lambda: "run by a's worker")
        other_host = http.submit(pool, "https://two.example/", lambda: "never")  # its worker is still queued
        pool.shutdown(wait=False, cancel_futures=True)
        late = http.submit(pool, "https://three.example/", lambda: "never")
        release.set()
        assert first.result(timeout=2) is True
        assert same_host.result(timeout=2) == "run by a's worker"
        with pytest.raises(CancelledError):
            other_host.result(timeout=2)
        with pytest.raises(RuntimeError):
            late.result(timeout=2)


def test_archive_lookups_at_once_are_what_the_limiter_can_start_within_one_answer() -> None:
    from verify.archive import default_limiter
    from verify.pipeline import archive_slots

    assert archive_slots(16, default_limiter()) == 6  # 0.8/s: a burst of 3 and ~3 more within 3 s
    assert archive_slots(16, RateLimiter(1000, burst=3)) == 16  # a self-hosted archive: the run's concurrency
    assert archive_slots(1, default_limiter()) == 1  # --concurrency 1 stays one request at a time

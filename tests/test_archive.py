"""The archive finds the good capture closest to a date (before it first), skips junk captures, and says why not."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator

import pytest

from verify.archive import (
    WAYBACK,
    Archive,
    ArchiveOutcome,
    Capture,
    junk_reason,
    ranked,
)
from verify.http import Fetched, Hop, Http, HttpOptions, Outcome, RateLimiter

CDX_HEADER = ["timestamp", "original", "mimetype", "statuscode", "digest", "length"]
ARTICLE_TEXT = " ".join(
    [
        "Negotiators from both delegations left the capital on Thursday without signing the draft agreement.",
        "The talks had been expected to settle a dispute over water rights that has simmered for a decade.",
        "A spokesperson said the delegations would meet again in March, although no date had been fixed.",
        "Farmers in the valley say the dispute has already cut their harvests by a third since the dam was built.",
    ]
)
ARTICLE = (
    f"<html><head><title>Water talks collapse | News Example</title></head><body><p>{ARTICLE_TEXT}</p></body></html>"
)


class SpyLimiter(RateLimiter):
    """A limiter that never waits and counts how often the run was told to slow down."""

    def __init__(self) -> None:
        super().__init__(1000.0, burst=1000)
        self.slowed = 0

    def acquire(self, until: float | None = None) -> bool:
        return True

    def slow_down(self, retry_after: float | None = None) -> None:
        self.slowed += 1


class FakeHttp:
    """Answers each URL with its next canned `Fetched`; anything else is unreachable, as in a replay-only run."""

    def __init__(self, answers: dict[str, list[Fetched]]) -> None:
        self.answers = {url: list(fetched) for url, fetched in answers.items()}
        self.requested: list[str] = []

    def fetch(self, url: str, *, limiter: RateLimiter | None = None, accept: str | None = None) -> Fetched:
        self.requested.append(url)
        if limiter is not None:
            limiter.acquire()
        queue = self.answers.get(url)
        if not queue:
            return fetched(url, "", status=None, outcome=Outcome.UNREACHABLE, detail=f"not in fake: {url}")
        answer = queue.pop(0) if len(queue) > 1 else queue[0]
        if answer.outcome is Outcome.RATE_LIMITED and limiter is not None:
            limiter.slow_down()  # as Http does on every 429
        return answer


def fetched(
    url: str,
    text: str,
    *,
    status: int | None = 200,
    outcome: Outcome = Outcome.OK,
    content_type: str = "text/html",
    final_url: str | None = None,
    hops: tuple[Hop, ...] = (),
    detail: str = "",
) -> Fetched:
    return Fetched(
        url=url,
        outcome=outcome,
        final_url=final_url or url,
        status=status,
        hops=hops,
        content_type=content_type,
        text=text,
        detail=detail or (f"HTTP {status}" if status else "no answer"),
        elapsed=0.01,
        body=text.encode(),
    )


def cdx_answer(archive: Archive, url: str, when: dt.date | None, rows: list[list[str]]) -> tuple[str, list[Fetched]]:
    cdx_url = archive.cdx_url(url, None if when is None else _end_of_day(when))
    body = json.dumps([CDX_HEADER, *rows]) if rows else "[]"
    return cdx_url, [fetched(cdx_url, body, content_type="application/json", outcome=Outcome.NOT_HTML)]


def _end_of_day(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, 23, 59, 59, tzinfo=dt.timezone.utc)


def row(url: str, timestamp: str, status: str = "200", digest: str = "") -> list[str]:
    return [timestamp, url, "text/html", status, digest or f"D{timestamp}", "14012"]


def capture(timestamp: str, status: int | None = 200) -> Capture:
    return Capture("https://news.example/a", timestamp, status, "text/html", f"D{timestamp}")


# Captures and their order


def test_capture_links_are_built_from_the_archive_base() -> None:
    local = Capture(
        "https://news.example/a?b=1", "20200206091500", 200, "text/html", "X", archive="http://127.0.0.1:8765"
    )
    assert local.raw_url == "http://127.0.0.1:8765/web/20200206091500id_/https://news.example/a?b=1"
    assert local.permalink == "http://127.0.0.1:8765/web/20200206091500/https://news.example/a?b=1"
    assert Capture("https://news.example/a", "20200206091500", 200, "", "").raw_url.startswith(f"{WAYBACK}/web/")
    assert local.when == dt.datetime(2020, 2, 6, 9, 15, tzinfo=dt.timezone.utc)


@pytest.mark.parametrize(
    ("captures", "target", "order"),
    [
        pytest.param(
            [capture("20200207003000"), capture("20200206091500"), capture("20200101000000")],
            _end_of_day(dt.date(2020, 2, 6)),
            ["20200206091500", "20200101000000", "20200207003000"],
            id="2xx-before-nearest-first-then-after",
        ),
        pytest.param(
            [capture("20200206230000", 404), capture("20200206220000", 503), capture("20200105000000")],
            _end_of_day(dt.date(2020, 2, 6)),
            ["20200105000000"],
            id="4xx-5xx-left-out",
        ),
        pytest.param(
            [capture("20200206230000", 301), capture("20200301000000"), capture("20200206200000", None)],
            _end_of_day(dt.date(2020, 2, 6)),
            ["20200301000000", "20200206230000", "20200206200000"],
            id="redirects-and-revisits-last",
        ),
        pytest.param(
            [capture("20190101000000"), capture("20230101000000", 302), capture("20210101000000")],
            None,
            ["20210101000000", "20190101000000", "20230101000000"],
            id="no-date-newest-good-first",
        ),
    ],
)
def test_candidates_are_tried_in_iabot_order(
    captures: list[Capture], target: dt.datetime | None, order: list[str]
) -> None:
    assert [c.timestamp for c in ranked(captures, target)] == order


# Junk recognised in a raw capture

URL = "https://news.example/2020/02/06/water-talks-collapse"
RAW = f"{WAYBACK}/web/20200206091500id_/{URL}"


@pytest.mark.parametrize(
    ("page", "why"),
    [
        pytest.param(fetched(RAW, ARTICLE), None, id="article"),
        pytest.param(
            fetched(RAW, "<title>429 Too Many Requests</title><h1>429 Too Many Requests</h1>"), "429", id="429"
        ),
        pytest.param(
            fetched(RAW, "<h1>Too Many Requests</h1><p>Slow down and retry in a minute.</p>"), "429", id="429-body"
        ),
        pytest.param(fetched(RAW, "<p>Not Found</p>", status=404, outcome=Outcome.DEAD), "HTTP 404", id="404"),
        pytest.param(fetched(RAW, "", status=503, outcome=Outcome.DEAD), "HTTP 503", id="503"),
        pytest.param(fetched(RAW, "<title>Page not found</title><p>Try search.</p>"), "error page", id="404-title"),
        pytest.param(
            fetched(RAW, "<title>News</title><p>Sorry, the page you are looking for could not be found.</p>"),
            "soft 404",
            id="soft-404-body",
        ),
        pytest.param(fetched(RAW, "<title>Sign in</title><form><input name=email></form>"), "login", id="login-title"),
        pytest.param(
            fetched(RAW, "<title>News Example</title><p>We use cookies to improve your experience. Accept all</p>"),
            "consent",
            id="cookie-wall",
        ),
        pytest.param(
            fetched(RAW, "<title>Just a moment...</title><p>Checking your browser before accessing.</p>"),
            "bot wall",
            id="challenge",
        ),
        pytest.param(fetched(RAW, "<html><body><div id=app></div></body></html>"), "near-empty", id="empty"),
        pytest.param(
            fetched(
                RAW,
                ARTICLE,
                final_url=f"{WAYBACK}/web/20200206091500id_/https://news.example/",
                hops=(Hop(RAW, 301, f"{WAYBACK}/web/20200206091500id_/https://news.example/"),),
            ),
            "home page",
            id="redirect-home",
        ),
        pytest.param(
            fetched(
                RAW,
                ARTICLE,
                final_url=f"{WAYBACK}/web/20200206091500id_/https://news.example/login?next=/2020/02/06/x",
                hops=(Hop(RAW, 302, "https://news.example/login?next=/2020/02/06/x"),),
            ),
            "login",
            id="redirect-login",
        ),
        pytest.param(
            fetched(
                RAW,
                ARTICLE,
                final_url=f"{WAYBACK}/web/20200206091501id_/https://www.news.example/2020/02/06/water-talks-collapse",
                hops=(Hop(RAW, 301, "https://www.news.example/2020/02/06/water-talks-collapse"),),
            ),
            None,
            id="redirect-to-same-article-is-fine",
        ),
        pytest.param(
            fetched(RAW, ARTICLE.replace("</p>", " The ministry said it would not comment on cookies.</p>")),
            None,
            id="article-mentioning-cookies",
        ),
    ],
)
def test_junk_captures_are_recognised(page: Fetched, why: str | None) -> None:
    reason = junk_reason(URL, page)
    if why is None:
        assert reason is None
    else:
        assert reason is not None and why in reason


# Choosing a capture (fake transport: behaviour of the module alone)


def test_without_a_date_the_newest_good_capture_is_used() -> None:
    archive = Archive(FakeHttp({}), limiter=SpyLimiter())
    cdx_url, cdx = cdx_answer(archive, URL, None, [row(URL, "20190101000000"), row(URL, "20230101000000")])
    http = FakeHttp({cdx_url: cdx, f"{WAYBACK}/web/20230101000000id_/{URL}": [fetched("x", ARTICLE)]})
    result = Archive(http, limiter=SpyLimiter()).closest(URL, None)
    assert "limit=-50" in cdx_url
    assert result.outcome is ArchiveOutcome.FOUND
    assert result.capture is not None and result.capture.timestamp == "20230101000000"
    assert "newest" in result.detail


def test_junk_with_the_same_digest_is_not_fetched_again() -> None:
    archive = Archive(FakeHttp({}), limiter=SpyLimiter())
    rows = [row(URL, "20200206100000", digest="SAME"), row(URL, "20200205100000", digest="SAME")]
    rows.append(row(URL, "20200204100000", digest="OTHER"))
    cdx_url, cdx = cdx_answer(archive, URL, dt.date(2020, 2, 6), rows)
    login = fetched("x", "<title>Sign in</title><p>Please sign in to continue.</p>")
    http = FakeHttp(
        {
            cdx_url: cdx,
            f"{WAYBACK}/web/20200206100000id_/{URL}": [login],
            f"{WAYBACK}/web/20200204100000id_/{URL}": [fetched("x", ARTICLE)],
        }
    )
    result = Archive(http, limiter=SpyLimiter()).closest(URL, dt.date(2020, 2, 6))
    assert result.outcome is ArchiveOutcome.FOUND
    assert [(c.timestamp, "same content" in why) for c, why in result.rejected] == [
        ("20200206100000", False),
        ("20200205100000", True),
    ]
    assert f"{WAYBACK}/web/20200205100000id_/{URL}" not in http.requested


def test_at_most_max_candidates_are_fetched_before_giving_up_as_only_junk() -> None:
    archive = Archive(FakeHttp({}), limiter=SpyLimiter(), max_candidates=2)
    rows = [row(URL, f"2020020{day}100000") for day in (6, 5, 4, 3)]
    cdx_url, cdx = cdx_answer(archive, URL, dt.date(2020, 2, 6), rows)
    empty = [fetched("x", "<html><body></body></html>")]
    http = FakeHttp({cdx_url: cdx, **{f"{WAYBACK}/web/{r[0]}id_/{URL}": empty for r in rows}})
    result = Archive(http, limiter=SpyLimiter(), max_candidates=2).closest(URL, dt.date(2020, 2, 6))
    assert result.outcome is ArchiveOutcome.ONLY_JUNK
    assert [c.timestamp for c, _ in result.rejected] == ["20200206100000", "20200205100000"]
    assert len(http.requested) == 3
    assert "near-empty" in result.detail


def test_a_rate_limited_capture_stops_the_search_and_slows_the_run() -> None:
    archive = Archive(FakeHttp({}), limiter=SpyLimiter())
    cdx_url, cdx = cdx_answer(archive, URL, dt.date(2020, 2, 6), [row(URL, "20200206100000")])
    limited = fetched("x", "Too Many Requests", status=429, outcome=Outcome.RATE_LIMITED)
    limiter = SpyLimiter()
    http = FakeHttp({cdx_url: cdx, f"{WAYBACK}/web/20200206100000id_/{URL}": [limited]})
    result = Archive(http, limiter=limiter).closest(URL, dt.date(2020, 2, 6))
    assert result.outcome is ArchiveOutcome.RATE_LIMITED
    assert limiter.slowed >= 1
    assert "rate-limited" in result.detail


def test_captures_that_cannot_be_fetched_make_the_archive_unreachable() -> None:
    archive = Archive(FakeHttp({}), limiter=SpyLimiter())
    cdx_url, cdx = cdx_answer(archive, URL, dt.date(2020, 2, 6), [row(URL, "20200206100000")])
    result = Archive(FakeHttp({cdx_url: cdx}), limiter=SpyLimiter()).closest(URL, dt.date(2020, 2, 6))
    assert result.outcome is ArchiveOutcome.UNREACHABLE
    [(capture, why)] = result.rejected
    assert capture.timestamp == "20200206100000" and why.startswith("could not be fetched")


def test_an_unreachable_archive_is_unreachable() -> None:
    result = Archive(FakeHttp({}), limiter=SpyLimiter()).closest(URL, dt.date(2020, 2, 6))
    assert result.outcome is ArchiveOutcome.UNREACHABLE
    assert "CDX could not be reached" in result.detail
    assert "availability API" in result.detail


def test_every_request_and_link_uses_the_configured_base_url() -> None:
    base = "http://127.0.0.1:8765"
    archive = Archive(FakeHttp({}), base_url=base + "/", limiter=SpyLimiter())
    cdx_url, cdx = cdx_answer(archive, URL, dt.date(2020, 2, 6), [row(URL, "20200206100000")])
    http = FakeHttp({cdx_url: cdx, f"{base}/web/20200206100000id_/{URL}": [fetched("x", ARTICLE)]})
    result = Archive(http, base_url=base + "/", limiter=SpyLimiter()).closest(URL, dt.date(2020, 2, 6))
    assert result.outcome is ArchiveOutcome.FOUND
    assert all(url.startswith(base + "/") for url in http.requested)
    assert result.capture is not None and result.capture.permalink.startswith(f"{base}/web/")


def test_a_site_excluded_from_the_archive_is_not_archived() -> None:
    archive = Archive(FakeHttp({}), limiter=SpyLimiter())
    cdx_url = archive.cdx_url(URL, _end_of_day(dt.date(2020, 2, 6)))
    blocked = (
        "org.archive.util.io.RuntimeIOException: org.archive.wayback.exception.AdministrativeAccessControlException: "
        "Blocked Site Error"
    )
    http = FakeHttp(
        {cdx_url: [fetched(cdx_url, blocked, status=403, outcome=Outcome.BLOCKED, content_type="text/plain")]}
    )
    result = Archive(http, limiter=SpyLimiter()).closest(URL, dt.date(2020, 2, 6))
    assert result.outcome is ArchiveOutcome.NOT_ARCHIVED
    assert "excludes this site" in result.detail
    assert http.requested == [cdx_url]


@pytest.mark.parametrize(
    "body",
    ['{"rows": []}', '[["urlkey"]]', '[["timestamp", "original"], ["yesterday", "x"]]', "[1, 2]", "<html>"],
)
def test_odd_cdx_answers_are_an_error_outcome(body: str) -> None:
    archive = Archive(FakeHttp({}), limiter=SpyLimiter())
    cdx_url = archive.cdx_url(URL, _end_of_day(dt.date(2020, 2, 6)))
    http = FakeHttp({cdx_url: [fetched(cdx_url, body, content_type="application/json")]})
    result = Archive(http, limiter=SpyLimiter()).closest(URL, dt.date(2020, 2, 6))
    assert result.outcome is ArchiveOutcome.ERROR
    assert result.detail.startswith("CDX")


# Outcomes over composed cassettes (the real Http, replaying cassettes/test_archive/<test>.yaml)


@pytest.fixture
def limiter() -> SpyLimiter:
    return SpyLimiter()


@pytest.fixture
def archive(limiter: SpyLimiter) -> Iterator[Archive]:
    # Two retries without back-off: the cassettes hold the three answers a live run with these options would get.
    http = Http(HttpOptions(user_agent="verify/0.1 (+https://github.com/example/verify)", retries=2, backoff=0.0))
    yield Archive(http, limiter=limiter)
    http.close()


@pytest.mark.vcr
def test_good_capture_before_the_date_wins_over_a_nearer_one_after(archive: Archive) -> None:
    result = archive.closest("https://news.example/2020/02/06/water-talks-collapse", dt.date(2020, 2, 6))
    assert result.outcome is ArchiveOutcome.FOUND
    assert result.capture is not None and result.capture.timestamp == "20200206091500"
    assert result.page is not None and "Water talks collapse" in result.page.text
    assert "before the date" in result.detail
    assert result.rejected == ()


@pytest.mark.vcr
def test_cdx_rows_with_an_error_status_are_never_fetched(archive: Archive) -> None:
    result = archive.closest("https://news.example/2021/05/10/city-budget-approved", dt.date(2021, 5, 10))
    assert result.outcome is ArchiveOutcome.FOUND
    assert result.capture is not None and result.capture.timestamp == "20210509080000"


@pytest.mark.vcr
def test_closest_capture_after_the_date_is_used_when_none_before_is_good(archive: Archive) -> None:
    result = archive.closest("https://news.example/2019/11/03/storm-season-forecast", dt.date(2019, 11, 3))
    assert result.outcome is ArchiveOutcome.FOUND
    assert result.capture is not None and result.capture.timestamp == "20191104120000"
    assert "after the date" in result.detail


@pytest.mark.vcr
@pytest.mark.parametrize(
    ("kind", "why"),
    [
        pytest.param(kind, why, id=kind)
        for kind, why in [
            ("archived-429", "429"),
            ("error-page", "error page"),
            ("soft-404", "not found"),
            ("login-wall", "login"),
            ("consent-wall", "consent"),
            ("redirect-to-home-page", "home page"),
        ]
    ],
)
def test_junk_capture_is_skipped_for_a_good_one(archive: Archive, kind: str, why: str) -> None:
    result = archive.closest("https://news.example/2020/03/01/markets-rally", dt.date(2020, 3, 1))
    assert result.outcome is ArchiveOutcome.FOUND, result.detail
    assert result.capture is not None and result.capture.timestamp == "20200227100000"
    [(junk, reason)] = result.rejected
    assert junk.timestamp == "20200301100000"
    assert why in reason.lower()
    assert "skipped 1 junk capture" in result.detail


@pytest.mark.vcr
def test_a_url_archived_only_as_error_pages_is_only_junk(archive: Archive) -> None:
    result = archive.closest("https://news.example/2018/07/19/deleted-story", dt.date(2018, 7, 19))
    assert result.outcome is ArchiveOutcome.ONLY_JUNK
    assert [(c.timestamp, why) for c, why in result.rejected] == [
        ("20180720010000", "archived with HTTP 404"),
        ("20180901000000", "archived with HTTP 410"),
    ]


@pytest.mark.vcr
def test_a_url_never_archived_is_not_archived(archive: Archive) -> None:
    result = archive.closest("https://news.example/2022/01/12/never-captured", dt.date(2022, 1, 12))
    assert result.outcome is ArchiveOutcome.NOT_ARCHIVED
    assert result.capture is None and result.page is None
    assert result.detail == "the archive holds no capture of https://news.example/2022/01/12/never-captured"


@pytest.mark.vcr
def test_availability_api_is_asked_when_cdx_answers_503(archive: Archive) -> None:
    result = archive.closest("https://news.example/2020/02/06/ceasefire-holds", dt.date(2020, 2, 6))
    assert result.outcome is ArchiveOutcome.FOUND, result.detail
    assert result.capture is not None
    assert result.capture.permalink == f"{WAYBACK}/web/20200206101010/https://news.example/2020/02/06/ceasefire-holds"
    assert "availability API" in result.detail and "503" in result.detail


@pytest.mark.vcr
def test_a_429_from_cdx_slows_the_run_down_and_the_retry_succeeds(archive: Archive, limiter: SpyLimiter) -> None:
    result = archive.closest("https://news.example/2020/02/06/shipping-costs-fall", dt.date(2020, 2, 6))
    assert result.outcome is ArchiveOutcome.FOUND, result.detail
    assert result.capture is not None and result.capture.timestamp == "20200205170000"
    assert limiter.slowed >= 1


@pytest.mark.vcr
def test_malformed_cdx_json_is_an_error_outcome_not_an_exception(archive: Archive) -> None:
    result = archive.closest("https://news.example/2020/02/06/museum-reopens", dt.date(2020, 2, 6))
    assert result.outcome is ArchiveOutcome.ERROR
    assert "malformed JSON" in result.detail

"""Memento lookups find another archive's memento where the Wayback Machine has none; Save Page Now captures a live
page that has none and says what became of each job. Replayed from composed cassettes with the network blocked."""

from __future__ import annotations

import datetime as dt

import pytest

from verify.archive import Archive, ArchiveOutcome, ArchiveResult, Capture
from verify.http import Fetched, Http, HttpOptions, Outcome, RateLimiter
from verify.memento import (
    MAX_TIMEMAP_PAGES,
    TIME_TRAVEL,
    HostLimiters,
    Memento,
    SavePageNow,
    keys_from_environment,
    mementos,
    parse_link_format,
    raw_memento_url,
)

PAGE = "https://news.example/2024/05/02/port-expansion"
DATE = dt.date(2024, 5, 2)


class Unlimited(RateLimiter):
    def __init__(self) -> None:
        super().__init__(1e9, burst=10**6)

    def acquire(self, until: float | None = None) -> bool:
        return True


@pytest.fixture
def http() -> Http:
    return Http(HttpOptions(retries=2, backoff=0.0))


def not_archived(url: str = PAGE) -> ArchiveResult:
    return ArchiveResult(url, ArchiveOutcome.NOT_ARCHIVED, None, None, (), f"the archive holds no capture of {url}")


# TimeMaps


RFC_7089_TIMEMAP = """<http://a.example.org>;rel="original",
<http://arxiv.example.net/timemap/http://a.example.org>
  ; rel="self";type="application/link-format"
  ; from="Tue, 20 Jun 2000 18:02:59 GMT"
  ; until="Wed, 09 Apr 2008 20:30:51 GMT",
<http://arxiv.example.net/timegate/http://a.example.org>
  ; rel="timegate",
<http://arxiv.example.net/web/20000620180259/http://a.example.org>
  ; rel="first memento";datetime="Tue, 20 Jun 2000 18:02:59 GMT"
  ; license="http://creativecommons.org/publicdomain/zero/1.0/",
<http://arxiv.example.net/web/20091027204954/http://a.example.org>
   ; rel="last memento";datetime="Tue, 27 Oct 2009 20:49:54 GMT"
   ; license="http://creativecommons.org/publicdomain/zero/1.0/",
<http://arxiv.example.net/web/20000621011731/http://a.example.org>
  ; rel="memento";datetime="Wed, 21 Jun 2000 01:17:31 GMT"
  ; license="http://creativecommons.org/publicdomain/zero/1.0/"
"""


def test_the_rfc_7089_example_timemap_is_read_whole() -> None:
    links = parse_link_format(RFC_7089_TIMEMAP)
    assert [link.rels for link in links] == [
        ("original",),
        ("self",),
        ("timegate",),
        ("first", "memento"),
        ("last", "memento"),
        ("memento",),
    ]
    assert links[1].param("until") == "Wed, 09 Apr 2008 20:30:51 GMT"
    assert [(uri, when.isoformat()) for uri, when in mementos(links)] == [
        ("http://arxiv.example.net/web/20000620180259/http://a.example.org", "2000-06-20T18:02:59+00:00"),
        ("http://arxiv.example.net/web/20091027204954/http://a.example.org", "2009-10-27T20:49:54+00:00"),
        ("http://arxiv.example.net/web/20000621011731/http://a.example.org", "2000-06-21T01:17:31+00:00"),
    ]


def test_commas_and_semicolons_inside_a_uri_or_a_quoted_value_do_not_split_an_entry() -> None:
    text = (
        '<https://archive.example/web/20240101000000/https://a.example/x;jsessionid=1?a=1,2>; rel="memento"; '
        'datetime="Mon, 01 Jan 2024 00:00:00 GMT", <https://a.example/x>; rel=original'
    )
    links = parse_link_format(text)
    assert links[0].target.endswith("x;jsessionid=1?a=1,2")
    assert links[0].param("datetime") == "Mon, 01 Jan 2024 00:00:00 GMT"
    assert links[1].rels == ("original",)


def test_a_memento_without_a_readable_datetime_is_left_out() -> None:
    links = parse_link_format('<https://archive.example/1>; rel="memento"; datetime="yesterday"')
    assert mementos(links) == []


@pytest.mark.parametrize(
    ("memento", "raw"),
    [
        (
            "https://arquivo.pt/wayback/20240329101500/https://a.example/x",
            "https://arquivo.pt/wayback/20240329101500id_/https://a.example/x",
        ),
        (
            "https://webarchive.loc.gov/all/20100101000000/http://a.example/",
            "https://webarchive.loc.gov/all/20100101000000id_/http://a.example/",
        ),
        (
            "https://www.webarchive.org.uk/wayback/archive/20200101000000mp_/https://a.example/",
            "https://www.webarchive.org.uk/wayback/archive/20200101000000id_/https://a.example/",
        ),
        ("https://archive.ph/20240410093000/https://a.example/x", None),  # archive.today has no raw form
        ("https://unknown-archive.example/web/20240101000000/https://a.example/x", None),  # not known to run Wayback
    ],
)
def test_the_raw_memento_is_asked_only_of_archives_that_run_wayback_software(memento: str, raw: str | None) -> None:
    assert raw_memento_url(memento) == raw


# Memento lookups


class CountingHttp:
    """Records what is fetched; answers nothing but a TimeMap that would be used if asked."""

    def __init__(self) -> None:
        self.requested: list[str] = []

    def fetch(self, url: str, **_: object) -> Fetched:
        self.requested.append(url)
        return Fetched(url, Outcome.UNREACHABLE, url, None, (), "", "", "not fetched", 0.0)


def test_the_memento_step_sends_no_request_when_the_wayback_machine_has_a_usable_capture() -> None:
    found = ArchiveResult(
        PAGE,
        ArchiveOutcome.FOUND,
        Capture(PAGE, "20240502080000", 200, "text/html", "D"),
        None,
        (),
        "capture",
    )
    http = CountingHttp()
    memento = Memento(http, TIME_TRAVEL, HostLimiters(unlimited=True))  # type: ignore[arg-type]
    archive = Archive(http, memento=memento)  # type: ignore[arg-type]
    archive._wayback = lambda url, when: found  # type: ignore[method-assign]
    assert archive.closest(PAGE, DATE) is found
    assert http.requested == []
    archive._wayback = lambda url, when: not_archived()  # type: ignore[method-assign]
    archive.closest(PAGE, DATE)
    assert http.requested == [TIME_TRAVEL + PAGE]


@pytest.mark.vcr
def test_mementos_that_are_all_junk_are_only_junk(http: Http) -> None:
    result = Memento(http, TIME_TRAVEL, HostLimiters(unlimited=True)).closest(PAGE, DATE)
    assert result.outcome is ArchiveOutcome.ONLY_JUNK
    assert [(c.archive_name, why.split(" (")[0]) for c, why in result.rejected] == [
        ("Arquivo.pt", "login, consent or bot wall"),
        ("archive.today", "archived error page"),
    ]


@pytest.mark.vcr
def test_an_aggregator_that_is_down_is_unreachable(http: Http) -> None:
    result = Memento(http, TIME_TRAVEL, HostLimiters(unlimited=True)).closest(PAGE, DATE)
    assert result.outcome is ArchiveOutcome.UNREACHABLE
    assert "Memento aggregator could not be reached" in result.detail


@pytest.mark.vcr
def test_an_aggregator_that_rate_limits_is_rate_limited(http: Http) -> None:
    limiters = HostLimiters(rate=1e9, burst=10**6)
    limiter = limiters(TIME_TRAVEL)
    assert limiter is not None
    limiter.pause = 0.01  # a real pause is seconds; the test needs only the slowing down
    result = Memento(http, TIME_TRAVEL, limiters).closest(PAGE, DATE)
    assert result.outcome is ArchiveOutcome.RATE_LIMITED
    aggregator = limiters(TIME_TRAVEL)
    assert aggregator is not None and aggregator.rate < 1e9  # the aggregator's own limiter was slowed down


def test_each_archive_host_gets_its_own_limiter() -> None:
    limiters = HostLimiters()
    arquivo = limiters("https://arquivo.pt/wayback/20240101000000id_/https://a.example/")
    assert arquivo is limiters("https://arquivo.pt/wayback/20240202000000id_/https://a.example/b")
    assert arquivo is not limiters(TIME_TRAVEL + "https://a.example/")
    assert HostLimiters(unlimited=True)(TIME_TRAVEL) is None


# Save Page Now


def saver(http: Http, **options: float) -> SavePageNow:
    return SavePageNow(http, save_limiter=Unlimited(), limiter=Unlimited(), sleep=lambda _: None, **options)  # type: ignore[arg-type]


@pytest.mark.vcr
def test_a_daily_capture_limit_is_reported_and_never_retried(http: Http) -> None:
    result = saver(http).save(PAGE, not_archived())
    assert result.outcome is ArchiveOutcome.NOT_ARCHIVED
    assert result.save_job is not None
    assert (result.save_job.status, result.save_job.job_id) == ("refused", None)
    assert result.save_job.status_ext == "error:too-many-daily-captures"
    assert "captured 10 times today" in result.detail


@pytest.mark.vcr
def test_a_failed_capture_job_is_reported_with_its_error(http: Http) -> None:
    result = saver(http, poll_every=5.0).save(PAGE, not_archived())
    assert result.outcome is ArchiveOutcome.NOT_ARCHIVED
    assert result.save_job is not None
    assert result.save_job.status == "error"
    assert result.save_job.status_ext == "error:invalid-host-resolution"
    assert result.save_job.job_id == "spn2-9d2c41e07b5a3f6812c4d0e9a7b6c5d4e3f2a1b0"


@pytest.mark.vcr
def test_a_job_still_pending_when_polling_ends_is_reported_as_pending(http: Http) -> None:
    result = saver(http, poll_for=0.0).save(PAGE, not_archived())
    assert result.outcome is ArchiveOutcome.NOT_ARCHIVED
    assert result.save_job is not None and result.save_job.status == "pending"
    assert "still pending" in result.detail


def test_keys_come_from_the_ia_tool_variables_and_both_are_needed() -> None:
    assert keys_from_environment({"IA_ACCESS_KEY_ID": "a", "IA_SECRET_ACCESS_KEY": "b"}) == "a:b"
    assert keys_from_environment({"IA_ACCESS_KEY_ID": "a"}) is None
    assert keys_from_environment({}) is None


def test_a_memento_redirected_to_the_sites_home_page_is_junk() -> None:
    from verify.archive import junk_reason
    from verify.http import Hop

    original = "https://library.example/notices/reading-room-closure"
    landed = "https://arquivo.pt/wayback/20240329101500id_/https://library.example/"
    page = Fetched(
        url=f"https://arquivo.pt/wayback/20240329101500id_/{original}",
        outcome=Outcome.REDIRECTED,
        final_url=landed,
        status=200,
        hops=(Hop(f"https://arquivo.pt/wayback/20240329101500id_/{original}", 302, landed),),
        content_type="text/html",
        text="<html><body>" + "Welcome to the library. " * 30 + "</body></html>",
        detail="1 redirect",
        elapsed=0.1,
    )
    assert junk_reason(original, page) == "redirected to the site's home page (https://library.example/)"


def test_a_redis_cache_without_the_redis_client_is_a_usage_error(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.util

    from click.testing import CliRunner

    from verify.cli import main

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "redis" else real(name, *a))
    result = CliRunner().invoke(main, ["check", "examples/demo/tram-line.md", "--no-record", "--cache", "redis://h/0"])
    assert result.exit_code == 2
    assert "a Redis cache needs the redis client: pip install 'verify[redis]'" in result.output


# Paged TimeMaps (RFC 7089 lets a large TimeMap come in pages: each links the next, or an index lists them)

ARCHIVE = "https://arquivo.pt/wayback"
AGGREGATOR = "http://timetravel.mementoweb.org/timemap/link/"


def _entry(moment: dt.datetime) -> str:
    stamp = moment.strftime("%Y%m%d%H%M%S")
    when = moment.strftime("%a, %d %b %Y %H:%M:%S GMT")
    return f'<{ARCHIVE}/{stamp}/{PAGE}>; rel="memento"; datetime="{when}"'


def _timemap(moments: list[dt.datetime], *extra: str) -> str:
    return ",\n".join([f'<{PAGE}>; rel="original"', *extra, *(_entry(m) for m in moments)]) + "\n"


def _range(link: str, first: dt.datetime, last: dt.datetime, rel: str) -> str:
    return (
        f'<{link}>; rel="{rel}"; type="application/link-format"; '
        f'from="{first.strftime("%a, %d %b %Y %H:%M:%S GMT")}"; until="{last.strftime("%a, %d %b %Y %H:%M:%S GMT")}"'
    )


ARTICLE_PAGE = (
    "<html><head><title>Port expansion approved</title></head><body><article>"
    + "<p>The port authority approved the expansion of the container terminal on Thursday after a long debate.</p>" * 12
    + "</article></body></html>"
)


class PagedHttp:
    """Answers the TimeMap pages and mementos it is given, and records what was asked, in order."""

    def __init__(self, pages: dict[str, str]) -> None:
        self.pages = pages
        self.requested: list[str] = []

    def fetch(self, url: str, **_: object) -> Fetched:
        self.requested.append(url)
        if url in self.pages:
            kind = "application/link-format"
            return Fetched(url, Outcome.OK, url, 200, (), kind, self.pages[url], "HTTP 200", 0.1)
        if url.startswith(ARCHIVE):
            return Fetched(url, Outcome.OK, url, 200, (), "text/html", ARTICLE_PAGE, "HTTP 200", 0.1)
        return Fetched(url, Outcome.DEAD, url, 404, (), "text/html", "", "HTTP 404", 0.1)


def _at(*parts: int) -> dt.datetime:
    return dt.datetime(*parts, tzinfo=dt.timezone.utc)


def test_a_paged_timemap_is_read_up_to_the_page_that_reaches_the_date() -> None:
    second, third = AGGREGATOR + "2/" + PAGE, AGGREGATOR + "3/" + PAGE
    http = PagedHttp(
        {
            AGGREGATOR + PAGE: _timemap(
                [_at(2019, 1, 5), _at(2020, 3, 1)], _range(second, _at(2024, 4, 30), _at(2024, 6, 1), "next")
            ),
            second: _timemap(
                [_at(2024, 4, 30, 9), _at(2024, 6, 1)], _range(third, _at(2025, 1, 1), _at(2025, 2, 1), "next")
            ),
            third: _timemap([_at(2025, 1, 1), _at(2025, 2, 1)]),
        }
    )
    result = Memento(http, TIME_TRAVEL, HostLimiters(unlimited=True)).closest(PAGE, DATE)  # type: ignore[arg-type]
    assert result.outcome is ArchiveOutcome.FOUND and result.capture is not None
    assert result.capture.timestamp == "20240430090000"  # the closest before the date, on the second page
    assert third not in http.requested  # the second page already lies on both sides of the date
    assert http.requested[:2] == [AGGREGATOR + PAGE, second]


def test_a_timemap_index_reads_only_the_page_whose_range_holds_the_date() -> None:
    pages = [AGGREGATOR + f"{n}/" + PAGE for n in (1, 2, 3)]
    spans = [
        (_at(2015, 1, 1), _at(2019, 12, 31)),
        (_at(2020, 1, 1), _at(2024, 12, 31)),
        (_at(2025, 1, 1), _at(2026, 6, 1)),
    ]
    index = ",\n".join(_range(page, *span, "timemap") for page, span in zip(pages, spans, strict=True))
    index += (
        f',\n<{AGGREGATOR.replace("/link/", "/json/")}{PAGE}>; rel="timemap"; type="application/json"'  # not a page
    )
    http = PagedHttp(
        {
            AGGREGATOR + PAGE: f'<{PAGE}>; rel="original",\n' + index,
            pages[0]: _timemap([_at(2015, 6, 1)]),
            pages[1]: _timemap([_at(2024, 5, 1, 8), _at(2024, 5, 9)]),
            pages[2]: _timemap([_at(2025, 3, 1)]),
        }
    )
    result = Memento(http, TIME_TRAVEL, HostLimiters(unlimited=True)).closest(PAGE, DATE)  # type: ignore[arg-type]
    assert result.capture is not None and result.capture.timestamp == "20240501080000"
    assert pages[0] not in http.requested and pages[2] not in http.requested
    assert "2 of the TimeMap's 3 pages were not read" in result.detail


def test_a_timemap_longer_than_the_pages_read_says_so() -> None:
    links = [AGGREGATOR + f"{n}/" + PAGE for n in range(1, 9)]
    pages = {
        (AGGREGATOR + PAGE if n == 0 else links[n - 1]): _timemap(
            [_at(2010 + n, 1, 1)], _range(links[n], _at(2011 + n, 1, 1), _at(2011 + n, 1, 1), "next")
        )
        for n in range(8)
    }
    http = PagedHttp(pages)
    result = Memento(http, TIME_TRAVEL, HostLimiters(unlimited=True)).closest(PAGE, DATE)  # type: ignore[arg-type]
    timemaps = [url for url in http.requested if url.startswith(AGGREGATOR)]
    assert len(timemaps) == MAX_TIMEMAP_PAGES
    assert result.capture is not None and result.capture.timestamp == "20140101000000"  # the latest read, before
    assert f"the TimeMap has more pages than the {MAX_TIMEMAP_PAGES} read" in result.detail

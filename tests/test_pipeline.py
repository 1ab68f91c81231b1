"""The whole check on the real-world seed when the network is gone: every fetch says so, the report is whole."""

from __future__ import annotations

import json
import socket
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from verify import pipeline
from verify.archive import ArchiveOutcome, ArchiveResult
from verify.article import parse_article
from verify.cli import main
from verify.http import Fetched, Outcome
from verify.judge import Failure, Label, SourceRole
from verify.links import LinkCheck, link_check, recover_targets
from verify.status import ExitStatus

SEED = Path(__file__).resolve().parent.parent / "examples" / "000_8fc51db70bd3123f.txt"


@pytest.mark.parametrize(
    "answer",
    [(socket.EAI_NONAME, "Name or service not known"), (socket.EAI_FAIL, "Non-recoverable failure in name resolution")],
    ids=["no such domain", "no answer"],
)
def test_the_seed_with_no_network_reports_every_fetch_unreachable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, answer: tuple[int, str]
) -> None:
    def no_dns(*_: Any, **__: Any) -> Any:
        raise socket.gaierror(*answer)

    monkeypatch.setattr(socket, "getaddrinfo", no_dns)
    result = CliRunner().invoke(
        main, ["check", str(SEED), "--no-record", "--out", str(tmp_path), "--archive-rate", "1000"]
    )
    # Nothing was checked: a CI job without network must not pass as if the article had been verified.
    assert result.exit_code == ExitStatus.NETWORK_DOWN, result.stderr
    assert "Not checked (network unreachable)" in result.stderr
    assert "1 not checked: the network was unreachable" in result.stdout
    report = json.loads((tmp_path / "000_8fc51db70bd3123f.json").read_text())
    assert report["network_unreachable"] is True
    assert report["summary"]["verdict"].startswith("Not checked (network unreachable)")
    assert "network was unreachable" in report["notes"][0]
    assert report["original"]["live"]["outcome"] == "unreachable"
    assert report["original"]["archive"]["outcome"] == "unreachable"
    assert len(report["statements"]) == 13
    assert all(s["label"] == "unsourced" for s in report["statements"])
    # Stripped links cannot be recovered without the original; each says why.
    assert all(c["recovery"] == "not-recovered" and "unreachable" in c["recovery_detail"] for c in report["citations"])
    assert (tmp_path / "000_8fc51db70bd3123f.md").read_text().count("network unreachable") >= 1
    assert "never archived" not in (tmp_path / "000_8fc51db70bd3123f.md").read_text()


def test_sentences_split_on_many_threads_at_once_stay_apart() -> None:
    # pysbd keeps the text it splits on the segmenter; one shared between threads mixed sources' sentences.
    from concurrent.futures import ThreadPoolExecutor

    from verify.text import split_sentences

    texts = [f"Report {i} was filed. It said {i} ferries ran. Officials agreed on {i}." for i in range(300)]
    expected = [split_sentences(t) for t in texts]
    with ThreadPoolExecutor(8) as pool:
        assert list(pool.map(split_sentences, texts)) == expected


def test_worker_threads_are_all_running_before_the_first_request() -> None:
    """Threads started lazily, one per first request, each wait for the GIL that busy workers hold: the last of
    sixteen first requests left tens of milliseconds after the first. The pool starts them all up front."""
    import threading

    from verify.pipeline import _started_pool

    before = {t.ident for t in threading.enumerate()}
    pool = _started_pool(6)
    try:
        started = [t for t in threading.enumerate() if t.ident not in before and t.name.startswith("verify")]
        assert len(started) == 6
        assert sorted(pool.map(lambda n: n * n, range(6))) == [0, 1, 4, 9, 16, 25]
    finally:
        pool.shutdown()


def test_each_article_side_by_side_borrows_its_own_started_pool(tmp_path: Path) -> None:
    from verify.batch import Settings
    from verify.pipeline import Checker

    settings = Settings(out_dir=tmp_path, record_mode="off", jobs=2, concurrency=3)
    with Checker.for_settings(settings) as checker:
        with checker._workers() as first, checker._workers() as second:
            assert first is not second  # two articles at once never share a pool's threads
        with checker._workers() as again:
            assert again in (first, second)  # pools are lent again, not started again
        assert len(checker._all_pools) == 2


@pytest.mark.parametrize(
    ("elapsed", "archive_answered", "analysed"),
    [(0.2, False, True), (0.01, False, False), (0.2, True, False)],
    ids=["slow-network-archive-pending", "fast-answer", "archive-already-answered"],
)
def test_a_cited_live_page_is_analysed_while_its_capture_is_on_its_way(
    elapsed: float, archive_answered: bool, analysed: bool
) -> None:
    from concurrent.futures import Future

    from verify import judge
    from verify.http import Fetched, Outcome
    from verify.pipeline import _speculate

    html = "<html><body><article><p>The ferry budget rose to 12 million dollars in 2023.</p></article></body></html>"
    live = Fetched(
        "https://example.org/r", Outcome.OK, "https://example.org/r", 200, (), "text/html", html, "", elapsed
    )
    archived: Future[Any] = Future()
    if archive_answered:
        archived.set_result(None)
    claims = ["The ferry budget rose to 12 million dollars.", "Nobody said anything about it."]
    judge._analysed.cache_clear()

    _speculate("https://example.org/r", live, archived, claims)

    sentences = ("The ferry budget rose to 12 million dollars in 2023.",)
    assert judge._analysed.cache_info().currsize == (2 if analysed else 0)
    if analysed:  # the later judgement of the capture (same text) finds the work done
        judge.prepare(claims, sentences)
        assert judge._analysed.cache_info().hits == 2


def test_a_live_page_is_not_read_when_its_capture_answered_while_it_waited_its_turn() -> None:
    """One page at a time is read (`_CPU`): a live page whose capture answers while it waits for its turn is left to
    the capture's reading, which is the evidence (or, if the capture is unusable, to the reading at the end)."""
    import threading
    from concurrent.futures import Future

    from verify import judge
    from verify.http import Fetched, Outcome
    from verify.pipeline import _CPU, _speculate

    html = "<html><body><article><p>The ferry budget rose to 12 million dollars in 2023.</p></article></body></html>"
    live = Fetched("https://example.org/r", Outcome.OK, "https://example.org/r", 200, (), "text/html", html, "", 1.0)
    archived: Future[Any] = Future()
    judge._analysed.cache_clear()
    with _CPU:  # another page is being read
        waiting = threading.Thread(target=_speculate, args=("https://example.org/r", live, archived, ["A claim."]))
        waiting.start()
        archived.set_result(None)
    waiting.join(5)
    assert not waiting.is_alive()
    assert judge._analysed.cache_info().currsize == 0


@pytest.mark.block_network(allowed_hosts=[r"127\.0\.0\.\d+$"])
def test_a_live_run_reads_live_pages_while_captures_are_on_their_way_and_reports_as_without(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Against the speed bench's loopback web at 100 ms a request: each cited page is read twice when speculating (its
    live copy early, then its capture), once when not, and the two reports are the same."""
    import dataclasses
    import sys
    from collections import Counter

    bench = Path(__file__).resolve().parent.parent / "bench"
    monkeypatch.syspath_prepend(str(bench))
    from loopback_web import LoopbackWeb  # type: ignore[import-not-found]
    from speed_bench import build_site  # type: ignore[import-not-found]

    from verify import judge, pipeline
    from verify.article import read_article
    from verify.batch import Settings
    from verify.report import report_json

    assert str(bench) in sys.path
    reads: list[str] = []
    sentences = pipeline._sentences
    monkeypatch.setattr(
        pipeline, "_sentences", lambda page, url, **wanted: reads.append(url) or sentences(page, url, **wanted)
    )

    def checked(speculate: bool) -> dict[str, Any]:
        judge._analysed.cache_clear()
        reads.clear()
        settings = Settings(
            out_dir=tmp_path / "out", record_mode="off", archive_url=web.archive, archive_rate=1000, allow_private=True
        )
        with pipeline.Checker.for_settings(settings) as checker:
            checker.options = dataclasses.replace(checker.options, speculate=speculate)
            article = read_article(site.articles[0])
            data = report_json(checker.check(article, article.slug))
        for link in data["links"]:  # how long each fetch took is the only thing allowed to differ
            for side in ("live", "archive"):
                if isinstance(link.get(side), dict):
                    link[side].pop("elapsed", None)
        return data

    with LoopbackWeb(hosts=4, latency=0.1) as web:
        site = build_site(web, tmp_path / "site", 1, 4)
        speculated = checked(speculate=True)
        # 4 cited pages, each read from its capture; the ones whose live copy came first (not the one behind a
        # redirect, whose two live requests take as long as its two archive requests) also from that copy, before.
        assert 4 < len(reads) <= 8 and max(Counter(reads).values()) == 2
        plain = checked(speculate=False)
        assert len(reads) == 4
    assert speculated == plain
    assert {s["label"] for s in speculated["statements"]} == {"sourced"}


@pytest.mark.block_network(allowed_hosts=[r"127\.0\.0\.\d+$"])
def test_a_capture_is_read_as_soon_as_the_archive_answers_without_waiting_for_the_live_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A usable capture is the evidence whatever the live page says: it is read (and weighed) while the live page is
    still on its way, as a page that moved answers after its capture. Here the live page answers only once its
    capture has been read (or after 5 s, when that never happens); the report is that of an ordinary run."""
    import threading

    bench = Path(__file__).resolve().parent.parent / "bench"
    monkeypatch.syspath_prepend(str(bench))
    from loopback_web import LoopbackWeb
    from speed_bench import build_site

    from verify.article import read_article
    from verify.batch import Settings
    from verify.http import Http

    read = threading.Event()
    waited: list[bool] = []
    page_text, fetch = pipeline._page_text, Http.fetch

    def reading(page: Fetched, url: str, capture_url: str | None) -> Any:
        if url == slow and capture_url:
            read.set()
        return page_text(page, url, capture_url)

    def fetching(self: Http, url: str, *args: Any, **kwargs: Any) -> Fetched:
        if url == slow:
            waited.append(read.wait(5))
        return fetch(self, url, *args, **kwargs)

    monkeypatch.setattr(pipeline, "_page_text", reading)
    monkeypatch.setattr(Http, "fetch", fetching)
    with LoopbackWeb(hosts=4, latency=0.01) as web:
        site = build_site(web, tmp_path / "site", 1, 3)
        slow = next(url for url in site.pages if url.endswith("/sources/0/1"))
        settings = Settings(
            out_dir=tmp_path / "out", record_mode="off", archive_url=web.archive, archive_rate=1000, allow_private=True
        )
        with pipeline.Checker.for_settings(settings) as checker:
            article = read_article(site.articles[0])
            report = checker.check(article, article.slug)
    assert waited == [True]
    assert [r.verdict.label for r in report.results[:3]] == [Label.SOURCED] * 3
    check = next(c for c in report.links if c.url == slow)
    assert check.live.outcome is Outcome.OK and check.archive.outcome is ArchiveOutcome.FOUND


@pytest.mark.block_network(allowed_hosts=[r"127\.0\.0\.1$"])
def test_statements_and_links_outside_the_article_body_are_found_in_the_capture(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A product box the extractor leaves out of the body: its line is not disputed as absent, its stripped link is
    recovered from the capture's other links, and the report says both came from outside the body."""
    bench = Path(__file__).resolve().parent.parent / "bench"
    monkeypatch.syspath_prepend(str(bench))
    from e2e_bench import Archive, no_such_domains  # type: ignore[import-not-found]

    from verify.article import parse_article
    from verify.batch import Settings
    from verify.pipeline import Checker
    from verify.report import render_markdown, report_json

    story = [
        "The ferry crews voted on Monday to strike for two days next week over a pay offer they called unfair.",
        "Their union said the operator had refused to meet since the summer and that talks had broken down.",
        "The operator said it regretted the vote and would keep a reduced timetable running on both crossings.",
        "Commuters who rely on the early boats were told to check the timetable online before they travel.",
    ]
    url = "https://news.example/ferry-strike"
    page = (
        "<html><head><title>Ferry crews vote to strike</title></head><body>"
        "<aside><p><a href='https://shop.example/kit'>Ferry Model Kit (Latest Model)</a></p></aside>"
        "<article>" + "".join(f"<p>{s}</p>" for s in story) + "</article></body></html>"
    )
    archive = Archive()
    archive.pages[url] = page.encode()
    stored = "\n\n".join(["# Ferry crews vote to strike", "November 15, 2019", *story[:2]])
    stored += "\n\n[Ferry Model Kit (Latest Model)](#)\n\n" + "\n\n".join(story[2:])
    stored += f"\n\nOriginal url:\n\n<{url}>\n"
    settings = Settings(
        out_dir=tmp_path, record_mode="off", archive_url=archive.url, archive_rate=1000.0, allow_private=True
    )
    with no_such_domains(), Checker.for_settings(settings) as checker:
        report = checker.check(parse_article(stored, "ferry.md"), "ferry")
    data = report_json(report)
    box = next(s for s in data["statements"] if s["text"].startswith("Ferry Model Kit"))
    assert box["label"] != "disputed"
    assert box["change"]["change"] == "unchanged" and box["change"]["outside_body"] is True
    citation = data["citations"][0]
    assert citation["recovery"] == "recovered" and citation["url"] == "https://shop.example/kit"
    assert "outside the archived original's article body" in citation["recovery_detail"]
    assert "outside the archived original" in render_markdown(report)
    assert not data["comparison"]["archive_complete"]


@pytest.mark.block_network(allowed_hosts=[r"127\.0\.0\.1$"])
def test_a_guessed_target_that_recovery_does_not_confirm_is_fetched_but_never_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Stripped links are guessed from the original's raw links and requested before it is extracted. Recovery
    decides: here the guess (the only link anchored "Budget report", in a side box) loses to the body's near-identical
    "Budget reports", so the side box's page is requested but is no citation, no link and no source of the report."""
    bench = Path(__file__).resolve().parent.parent / "bench"
    monkeypatch.syspath_prepend(str(bench))
    from e2e_bench import Archive, no_such_domains

    from verify.batch import Settings
    from verify.http import Http
    from verify.report import report_json

    guessed: list[list[str]] = []
    likely = pipeline.likely_targets
    monkeypatch.setattr(pipeline, "likely_targets", lambda *args: guessed.append(likely(*args)) or guessed[-1])
    events: list[str] = []  # the requests as they start, and the original's extraction
    fetch, original_text = Http.fetch, pipeline._original_text
    monkeypatch.setattr(Http, "fetch", lambda self, url, *a, **k: events.append(url) or fetch(self, url, *a, **k))
    monkeypatch.setattr(pipeline, "_original_text", lambda *a: events.append("extract") or original_text(*a))
    story = [
        "The council published its budget for the coming year on Monday after a meeting that ran late.",
        "Spending on the harbour rises by a tenth, and the ferry subsidy is kept at last year's level.",
        "Residents who attended asked about the timetable, the cost to local businesses and the works ahead.",
        "Officials answered most of the questions and promised a further update on the works in the spring.",
    ]
    url = "https://news.example/budget"
    page = (
        "<html><head><title>Council budget</title></head><body>"
        "<aside><p><a href='https://aside.example/report'>Budget report</a></p></aside><article>"
        f"<p>{story[0]} <a href='https://council.example/reports'>Budget reports</a></p>"
        + "".join(f"<p>{line}</p>" for line in story[1:])
        + "</article></body></html>"
    )
    archive = Archive()
    archive.pages[url] = page.encode()
    archive.pages["https://council.example/reports"] = (
        "<html><body>" + "".join(f"<p>{line}</p>" for line in story) + "</body></html>"
    ).encode()
    archive.pages["https://aside.example/report"] = (
        "<html><body>" + "<p>The harbour report is out.</p>" * 12 + "</body></html>"
    ).encode()
    stored = f"# Council budget\n\nMarch 4, 2024\n\n{story[0]} [Budget report](#)\n\n" + "\n\n".join(story[1:]) + "\n\n"
    stored += f"Original url:\n\n<{url}>\n"
    settings = Settings(
        out_dir=tmp_path, record_mode="off", archive_url=archive.url, archive_rate=1000.0, allow_private=True
    )
    with no_such_domains(), pipeline.Checker.for_settings(settings) as checker:
        report = checker.check(parse_article(stored, "budget.md"), "budget")
    assert guessed == [["https://aside.example/report"]]
    # The guess's archive lookup left before the original was extracted; the recovered target's after.
    lookups = [i for i, event in enumerate(events) if "/cdx/search/cdx?" in event]
    aside = next(i for i in lookups if "aside.example" in events[i])
    council = next(i for i in lookups if "council.example" in events[i])
    assert aside < events.index("extract") < council
    data = report_json(report)
    assert [c["url"] for c in data["citations"]] == ["https://council.example/reports"]
    assert "https://aside.example/report" not in json.dumps(data)
    assert report.results[0].verdict.label is Label.SOURCED


def test_the_articles_own_work_waits_until_the_archive_lookups_have_left() -> None:
    """`_Launches`: a lookup counts as gone when its first request is handed to the transport (or when it ends
    without one, answered from the cache), and the wait for them ends after `SETTLE` at most."""
    import threading
    import time

    from verify.http import _departing

    launches = pipeline._Launches()
    left = threading.Event()
    go = threading.Event()

    def lookup() -> str:
        _departing()  # what Http does as a request leaves
        left.set()
        go.wait(5)
        return "answered"

    cached = launches.track(lambda: "from the cache")
    sending = launches.track(lookup)
    worker = threading.Thread(target=sending)
    worker.start()
    left.wait(5)
    started = time.monotonic()
    assert cached() == "from the cache"
    launches.settle()
    assert time.monotonic() - started < pipeline._Launches.SETTLE  # both gone: no wait for the answer
    go.set()
    worker.join()
    never = launches.track(lookup)  # queued behind a busy host: never begun
    started = time.monotonic()
    launches.settle()
    assert pipeline._Launches.SETTLE <= time.monotonic() - started < 1
    assert callable(never)


# Why a cited source has no text is found out by the pipeline and set on it as data (`Source.failure`); the words of
# `unavailable` are only what a reader is shown, and rewording them changes no kind.

STRIPPED_AND_ODD = """# Ferry fares

May 12, 2024

The ferry fare rose to 3 dollars, the [operator said](javascript:go()).

The pier closed on Monday, [the council said](#).

Buses ran late, [the depot said](https://depot.example/a).

Trams ran late, [the tram office said](https://trams.example/b).

Original url: <https://news.example/story>
"""


def _check(url: str, live: Outcome, archived: ArchiveOutcome) -> LinkCheck:
    fetched = Fetched(url, live, url, None, (), "", "", live.value, 0.0)
    return link_check(url, fetched, ArchiveResult(url, archived, None, None, (), archived.value))


def test_the_pipeline_says_why_a_source_has_no_text_as_data_whatever_its_words(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pipeline, "TARGET_UNKNOWN", "the archive lost where it pointed")
    monkeypatch.setattr(pipeline, "NOT_A_WEB_LINK", "nothing to fetch behind")
    article = parse_article(STRIPPED_AND_ODD)
    texts = {
        url: pipeline._source_text(_check(url, live, ArchiveOutcome.NOT_ARCHIVED))
        for url, live in [("https://depot.example/a", Outcome.DEAD), ("https://trams.example/b", Outcome.BLOCKED)]
    }
    targets = recover_targets(article.citations, None, unavailable="the original could not be read")
    candidates = pipeline._Candidates(article, targets, texts)
    found = {}
    for statement in article.statements:
        [source], _, _ = candidates.sources_for(statement)
        verdict = pipeline._judge(statement, candidates, None, {}).verdict
        [failure] = [f for f in verdict.failures if f.role is SourceRole.OWN]
        assert failure.kind is source.failure and failure.detail == source.unavailable
        found[statement.id] = (source.failure, verdict.unverifiable, verdict.reason.split(";")[0])
    assert found == {
        "p1.s1": (
            Failure.NOT_A_WEB_LINK,
            False,
            "nothing to fetch behind (javascript), never fetched (javascript:go())",
        ),
        "p2.s1": (
            Failure.NOT_RECOVERED,
            False,
            "its link was not recovered: the archive lost where it pointed (not recovered: the original could not be "
            "read) (the council said)",
        ),
        "p3.s1": (
            Failure.GONE,
            False,
            "cited source dead and never archived: dead (dead) and never archived (https://depot.example/a)",
        ),
        "p4.s1": (
            Failure.UNREAD,
            True,
            "unverifiable: blocked (blocked): unverifiable and never archived (https://trams.example/b)",
        ),
    }


def test_offline_sources_are_not_checked_whatever_their_words(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pipeline, "NOT_CHECKED", "left alone this run")
    report = pipeline._offline_report(parse_article(STRIPPED_AND_ODD))
    failures = [f for result in report.results for f in result.verdict.failures]
    assert len(failures) == 4 and {f.kind for f in failures} == {Failure.NOT_CHECKED}
    assert all(result.verdict.reason.startswith("not checked: left alone this run") for result in report.results)


def test_a_statement_the_time_limit_left_unweighed_names_its_citations_and_why() -> None:
    article = parse_article(STRIPPED_AND_ODD)
    texts = {
        "https://depot.example/a": pipeline._SourceText(("Buses ran late on Monday.",), None, None, "x"),
        "https://trams.example/b": pipeline._source_text(
            _check("https://trams.example/b", Outcome.BLOCKED, ArchiveOutcome.NOT_ARCHIVED)
        ),
    }
    candidates = pipeline._Candidates(article, recover_targets(article.citations, None), texts)
    spent = "not fetched: the run's time limit of 1 s (--max-time) was reached"
    kinds = {}
    for statement in article.statements:
        result = pipeline._not_weighed(statement, spent, candidates.own_sources(statement))
        assert candidates.has_others(statement)  # the article cites other URLs (not weighed against it either)
        verdict = result.verdict
        assert verdict.label is Label.UNSOURCED and result.unverifiable and verdict.unverifiable
        assert verdict.reason == (
            "not checked: the run's time limit of 1 s (--max-time) was reached before this statement was weighed "
            "against its sources"
        )
        assert verdict.other_sources is None and not verdict.uncited
        [failure] = verdict.failures
        kinds[statement.id] = failure.kind
    assert kinds == {
        "p1.s1": Failure.NOT_A_WEB_LINK,
        "p2.s1": Failure.NOT_RECOVERED,
        "p3.s1": Failure.NOT_CHECKED,  # read, and not weighed against it
        "p4.s1": Failure.UNREAD,
    }
    read = pipeline._not_weighed(article.statements[2], spent, candidates.own_sources(article.statements[2]))
    assert read.verdict.failures[0].detail == (
        "the run's time limit of 1 s (--max-time) was reached before this statement was weighed against it"
    )
    uncited = parse_article("# T\n\nBuses ran late.\n\nOriginal url: <https://news.example/story>\n").statements[0]
    verdict = pipeline._not_weighed(uncited, spent, []).verdict
    assert verdict.uncited and verdict.unverifiable and verdict.failures == ()

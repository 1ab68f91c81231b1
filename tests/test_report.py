"""The report's data as every rendering reads it: what counts towards the verdict, the reasons, the links, the diff."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest

from verify.archive import ArchiveOutcome, ArchiveResult
from verify.article import read_article
from verify.compare import Change, StatementChange
from verify.html_report import render_html
from verify.http import Fetched, Outcome
from verify.judge import Failure, Label, OtherSources, Source, SourceFailure, SourceRole, judge_statement
from verify.links import link_check
from verify.pipeline import _not_weighed, _offline_report
from verify.report import (
    Added,
    Coverage,
    FailOn,
    Removed,
    Report,
    Words,
    count,
    diff_spans,
    render_markdown,
    report_json,
    verdict_line,
)

ARTICLE = """# A ferry story

May 14, 2024

Ferries at the pier on Tuesday. **Photo: Example News**

The operator runs 12 ferries a day, the [port authority said](#).

Original url: <https://news.example/2024/05/14/ferries>
"""


@pytest.fixture
def report(tmp_path: Path) -> Report:
    path = tmp_path / "ferries.md"
    path.write_text(ARTICLE, encoding="utf-8")
    return _offline_report(read_article(path))


def labelled(report: Report, caption: Label, body: Label) -> Report:
    results = tuple(
        dataclasses.replace(
            r,
            verdict=dataclasses.replace(r.verdict, label=caption if r.statement.id == "c1.s1" else body),
            unverifiable=False,
        )
        for r in report.results
    )
    return dataclasses.replace(report, results=results, offline=False, coverage=Coverage.CHECKED)


def test_an_unsourced_caption_is_shown_apart_and_decides_nothing(report: Report) -> None:
    checked = labelled(report, caption=Label.UNSOURCED, body=Label.SOURCED)
    assert [r.statement.id for r in checked.captions] == ["c1.s1"]
    assert checked.counts == {"sourced": 1, "unsourced": 0, "disputed": 0}
    assert (
        verdict_line(checked)
        == "Sourced: 1 sourced, 0 unsourced, 0 disputed of 1 statement; 1 photo caption (unsourced) not counted"
    )
    assert not FailOn.UNSOURCED.fails(checked)
    assert report_json(checked)["summary"]["captions"] == {"statements": 1, "sourced": 0, "unsourced": 1, "disputed": 0}


def test_a_disputed_caption_counts(report: Report) -> None:
    checked = labelled(report, caption=Label.DISPUTED, body=Label.SOURCED)
    assert checked.counts == {"sourced": 1, "unsourced": 0, "disputed": 1}
    assert verdict_line(checked).startswith("Disputed: 1 sourced, 0 unsourced, 1 disputed of 2 statements")
    assert FailOn.DISPUTED.fails(checked)


def test_the_caption_carries_its_credit_in_every_rendering(report: Report) -> None:
    caption = report.captions[0].statement
    assert report.credit(caption) == "Photo: Example News"
    assert report_json(report)["statements"][0]["credit"] == "Photo: Example News"
    markdown = render_markdown(report)
    assert "| `c1.s1` | 5 | Ferries at the pier on Tuesday. | Photo: Example News |" in markdown
    assert "Credit line: Photo: Example News" in markdown


@pytest.mark.parametrize(
    ("diff", "spans"),
    [
        ("… take [-14-]{+18+} months", [Words("… take "), Removed("14"), Added("18"), Words(" months")]),
        ("… in 1952 {+by two brothers+}", [Words("… in 1952 "), Added("by two brothers")]),
        ("[-gone-] and kept", [Removed("gone"), Words(" and kept")]),
    ],
)
def test_a_word_diff_is_read_as_kept_removed_and_added_words(diff: str, spans: list[object]) -> None:
    assert diff_spans(diff) == spans


@pytest.mark.parametrize(
    ("n", "noun", "said"),
    [
        (0, "statement", "0 statements"),
        (1, "statement", "1 statement"),
        (2, "day", "2 days"),
        (1, "article", "1 article"),
    ],
)
def test_counts_say_one_and_many(n: int, noun: str, said: str) -> None:
    assert count(n, noun) == said


# --------------------------------------------------------------------------------------------------------------
# The reasons a report prints come from the verdict's findings (its failures, other sources, unverifiable, changed),
# never from the words of the judge's reason: reworded or emptied, the reason text changes nothing they say.

CITED = "https://port.example/ferries"
CITING = f"""# A ferry story

May 14, 2024

The operator runs 12 ferries a day, the [port authority said]({CITED}).

Ferries leave every hour.

Original url: <https://news.example/2024/05/14/ferries>
"""
DEAD_WORDS = f"cited source dead and never archived: dead (HTTP 410 Gone) and never archived ({CITED})"
UNREAD_WORDS = f"unverifiable: blocked (HTTP 403): unverifiable and never archived ({CITED})"


@pytest.fixture
def citing(tmp_path: Path) -> Report:
    path = tmp_path / "ferries.md"
    path.write_text(CITING, encoding="utf-8")
    return dataclasses.replace(_offline_report(read_article(path)), offline=False, coverage=Coverage.CHECKED)


def judged(report: Report, statement_id: str, **verdict: Any) -> Report:
    """The report with one statement's verdict replaced: unsourced, with the given fields."""
    results = tuple(
        dataclasses.replace(
            r,
            verdict=dataclasses.replace(r.verdict, **{"label": Label.UNSOURCED, **verdict}),
            unverifiable=False,
        )
        if r.statement.id == statement_id
        else r
        for r in report.results
    )
    return dataclasses.replace(report, results=results)


def summary_row(report: Report, statement_id: str) -> str:
    return next(line for line in render_markdown(report).splitlines() if line.startswith(f"| `{statement_id}` |"))


def why(report: Report, statement_id: str) -> str:
    text = render_markdown(report).split(f"### `{statement_id}`", 1)[1]
    return next(line for line in text.splitlines() if line.startswith("**Why:**"))


def failed(kind: Failure, detail: str) -> tuple[SourceFailure, ...]:
    return (SourceFailure(CITED, SourceRole.OWN, kind, detail),)


@pytest.mark.parametrize("reason", ["", "the page went away (it is not in any archive either)", UNREAD_WORDS])
def test_a_citation_the_verdict_finds_dead_is_said_dead_whatever_the_reason_says(citing: Report, reason: str) -> None:
    dead = judged(
        citing, "p1.s1", reason=reason, failures=failed(Failure.GONE, "dead (HTTP 410 Gone) and never archived")
    )
    row = summary_row(dead, "p1.s1")
    assert "its citation “port authority said” ([link 1](#link-1)) is dead and was never archived" in row
    assert "could not be read" not in row and "unverifiable" not in row


@pytest.mark.parametrize("reason", ["", "the page could not be had", DEAD_WORDS])
def test_a_citation_the_verdict_could_not_read_is_never_said_dead(citing: Report, reason: str) -> None:
    unread = judged(
        citing,
        "p1.s1",
        reason=reason,
        failures=failed(Failure.UNREAD, "blocked (HTTP 403): unverifiable and never archived"),
        unverifiable=True,
    )
    row = summary_row(unread, "p1.s1")
    assert "its citation “port authority said” ([link 1](#link-1)) could not be read (unverifiable)" in row
    assert "dead" not in row


def test_the_full_reason_names_a_failed_citation_by_the_verdicts_failure_not_by_its_words(citing: Report) -> None:
    # The reason's words say dead; the verdict's finding says not read: the finding is what is named.
    failure = SourceFailure(CITED, SourceRole.OWN, Failure.UNREAD, "blocked (HTTP 403): unverifiable")
    report = judged(citing, "p1.s1", reason=f"{failure.said}; {DEAD_WORDS}", failures=(failure,))
    assert why(report, "p1.s1") == (
        "**Why:** unverifiable: blocked, see “port authority said” ([link 1](#link-1)); cited source dead and never archived: "
        "dead (HTTP 410 Gone) and never archived (“port authority said” ([link 1](#link-1)))"
    )
    dead = SourceFailure(CITED, SourceRole.OWN, Failure.GONE, "dead (HTTP 410 Gone) and never archived")
    report = judged(citing, "p1.s1", reason=dead.said, failures=(dead,))
    assert (
        why(report, "p1.s1")
        == "**Why:** cited source dead and never archived, see “port authority said” ([link 1](#link-1))"
    )


def test_a_reason_that_only_mentions_unverifiable_makes_nothing_unverifiable(citing: Report) -> None:
    # A passage the reason quotes may hold any word: "unverifiable" in it says nothing of the statement.
    said = "source fetched but silent on it (best passage: 'the claims are unverifiable', own citation)"
    row = summary_row(judged(citing, "p1.s1", reason=said), "p1.s1")
    # (The fixture's citation was not fetched: --offline's `Failure.NOT_CHECKED`, in a report made to look online.)
    assert row.endswith("| its citation “port authority said” ([link 1](#link-1)) was not checked |")


@pytest.mark.parametrize(
    ("other_sources", "reason", "said"),
    [
        (OtherSources.NONE_CARRIES, "", "no citation; no other source carries it"),
        (
            OtherSources.NONE_READ,
            "none of the article's 2 other readable sources carries it",
            "no citation; no other source could be read",
        ),
        (None, "no other source of the article could be read; 1 other readable source", "no citation"),
    ],
)
def test_what_the_other_sources_gave_comes_from_the_verdict(
    citing: Report, other_sources: OtherSources | None, reason: str, said: str
) -> None:
    report = judged(citing, "p2.s1", reason=reason, other_sources=other_sources, uncited=True)
    assert summary_row(report, "p2.s1").endswith(f"| ⚪\u00a0unsourced | {said} |")


def test_a_statement_is_changed_since_the_original_only_when_the_verdict_says_so(citing: Report) -> None:
    change = StatementChange(
        id="p2.s1",
        text="Ferries leave every hour.",
        change=Change.SUBSTANTIVE,
        archived_text="Ferries leave every two hours.",
        diff="Ferries leave every [-two hours-]{+hour+}.",
        kinds=("number",),
        score=0.9,
    )
    results = tuple(dataclasses.replace(r, change=change) if r.statement.id == "p2.s1" else r for r in citing.results)
    report = dataclasses.replace(citing, results=results)
    changed = judged(report, "p2.s1", label=Label.DISPUTED, reason="", changed_since_original=True)
    assert "| changed since the archived original: Ferries leave every ~~two hours~~ **hour**. |" in summary_row(
        changed, "p2.s1"
    )
    # Words that start like the comparison's, from a verdict that is not the comparison's: not a change.
    worded = judged(report, "p2.s1", label=Label.DISPUTED, reason="changed from the archived original (number): x")
    assert "changed since the archived original" not in summary_row(worded, "p2.s1")


def test_the_json_report_gives_the_verdicts_findings(citing: Report) -> None:
    failure = SourceFailure(CITED, SourceRole.OWN, Failure.GONE, "dead (HTTP 410 Gone) and never archived")
    report = judged(citing, "p1.s1", failures=(failure,), other_sources=OtherSources.NONE_READ)
    data = report_json(report)
    assert data["schema_version"] == "2.3"
    first, second = data["statements"]
    assert first["failed_sources"] == [
        {
            "source": CITED,
            "source_role": "own citation",
            "failure": "dead-never-archived",
            "detail": "dead (HTTP 410 Gone) and never archived",
        }
    ]
    assert first["other_sources"] == "none-could-be-read"
    assert (second["failed_sources"], second["other_sources"]) == ([], None)
    # A sourced label does not rest on the sources that could not be weighed: the links section tells of them.
    sourced = judged(citing, "p1.s1", label=Label.SOURCED, failures=(failure,))
    assert report_json(sourced)["statements"][0]["failed_sources"] == []


def test_the_html_report_says_what_the_verdict_found(citing: Report) -> None:
    dead = judged(citing, "p1.s1", reason="", failures=failed(Failure.GONE, "dead (HTTP 410 Gone) and never archived"))
    assert "is dead and was never archived" in render_html(dead)


def test_a_citation_fetched_but_never_read_is_not_said_to_leave_the_statement_out(citing: Report) -> None:
    # The page answered, so its link check has a copy to read; the run's time limit came before it was read.
    live = Fetched(CITED, Outcome.OK, CITED, 200, (), "text/html", "The operator runs 12 ferries a day.", "200 OK", 0.1)
    check = link_check(CITED, live, ArchiveResult(CITED, ArchiveOutcome.NOT_ARCHIVED, None, None, (), "no capture"))
    unread = Source(CITED, SourceRole.OWN, None, "timed out: the run's time limit was reached before it was read")
    statement = citing.results[0].statement
    verdict = judge_statement(statement.id, statement.text, [unread], changed=None, has_citation=True)
    results = (dataclasses.replace(citing.results[0], verdict=verdict), *citing.results[1:])
    report = dataclasses.replace(citing, links=(check,), results=results)
    row = summary_row(report, statement.id)
    assert row.endswith("| its citation “port authority said” ([link 1](#link-1)) could not be read (unverifiable) |")


def test_a_citation_read_but_not_weighed_before_the_time_limit_is_said_not_checked(citing: Report) -> None:
    # The page was read; the run's time limit came before the statement was weighed against it.
    live = Fetched(CITED, Outcome.OK, CITED, 200, (), "text/html", "The operator runs 12 ferries a day.", "200 OK", 0.1)
    check = link_check(CITED, live, ArchiveResult(CITED, ArchiveOutcome.NOT_ARCHIVED, None, None, (), "no capture"))
    read = Source(CITED, SourceRole.OWN, ("The operator runs 12 ferries a day.",))
    spent = "not fetched: the run's time limit of 1 s (--max-time) was reached"
    results = tuple(_not_weighed(r.statement, spent, [read] if r.statement.citations else []) for r in citing.results)
    report = dataclasses.replace(citing, links=(check,), results=results)
    row = summary_row(report, "p1.s1")
    assert row.endswith("| its citation “port authority said” ([link 1](#link-1)) was not checked (unverifiable) |")
    assert "does not carry it" not in row
    assert summary_row(report, "p2.s1").endswith("| no citation (unverifiable) |")
    # With other sources in the article, the summary says they were not weighed either (not that none carries it).
    results = tuple(
        _not_weighed(r.statement, spent, [read] if r.statement.citations else [], others=True) for r in citing.results
    )
    report = dataclasses.replace(citing, links=(check,), results=results)
    assert summary_row(report, "p1.s1").endswith(
        "| its citation “port authority said” ([link 1](#link-1)) was not checked; not weighed against the other "
        "sources (unverifiable) |"
    )
    assert summary_row(report, "p2.s1").endswith(
        "| no citation; not weighed against the other sources (unverifiable) |"
    )
    assert report_json(report)["statements"][1]["other_sources"] == "not-weighed"
    [failed_source] = report_json(report)["statements"][0]["failed_sources"]
    assert failed_source["failure"] == "not-checked" and "--max-time" in failed_source["detail"]

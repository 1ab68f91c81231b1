"""The report's data as every rendering reads it: what counts towards the verdict, the reasons, the links, the diff."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from verify.article import read_article
from verify.judge import Label
from verify.pipeline import _offline_report
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

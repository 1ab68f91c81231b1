"""An article with many citations costs in proportion to them (issue 15): each statement is weighed against its own
citations and a bounded number of the others, found by look-ups. The timings are in `bench/speed_bench.py
--citations`, not here."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.slowweb import serving
from verify import judge
from verify.article import Article, parse_article
from verify.cli import main
from verify.links import recover_targets
from verify.pipeline import MAX_OTHER_SOURCES, _Candidates, _judge, _SourceText

# A made-up word per statement, so that no statement's words are another's.
WORDS = [a + b for a in ("bal", "dor", "fen", "gar", "hul", "kem", "lir", "mos") for b in ("ton", "vek", "zar", "pim")]
WORDS += [a + b for a in ("bal", "dor", "fen", "gar", "hul", "kem", "lir", "mos") for b in ("qua", "rud", "sel", "wyn")]


def _fact(j: int) -> str:
    return f"The {WORDS[j]} committee approved the plan on Monday"


def _article_and_sources(count: int, silent: int, carrier: int) -> tuple[Article, dict[str, _SourceText]]:
    """`count` statements citing a page each, all attributed to the port office; the page of statement `silent` does
    not carry it, and the page of statement `carrier` carries both its own fact and that one."""
    body = [f"{_fact(j)}, the [port office said](https://port.example/{j})." for j in range(count)]
    article = parse_article("\n\n".join(["# Budgets", *body, "Original url: <https://news.example/budgets>"]) + "\n")
    texts = {}
    for j in range(count):
        said = [] if j == silent else [f"{_fact(j)}."]
        if j == carrier:
            said.append(f"{_fact(silent)}.")
        said.append("Officials answered questions about the timetable.")
        url = f"https://port.example/{j}"
        texts[url] = _SourceText(tuple(said), None, None, url)
    return article, texts


def test_each_statement_weighs_its_own_citation_and_a_bounded_number_of_others_found_by_their_words() -> None:
    article, texts = _article_and_sources(60, silent=5, carrier=40)
    candidates = _Candidates(article, recover_targets(article.citations, None), texts)
    for statement in article.statements:
        own, others, others_total = candidates.sources_for(statement)
        assert [s.url for s in own] == [statement.citations[0].href]
        assert len(others) <= MAX_OTHER_SOURCES and others_total == 59
    silent = article.statements[5]
    _, others, _ = candidates.sources_for(silent)
    assert "https://port.example/40" in [s.url for s in others]
    assert {s.role.value for s in others} == {"attributed document"}  # the same speaker cited them


def test_judging_many_statements_costs_an_analysis_each_and_a_bounded_number_for_one_its_citation_misses() -> None:
    article, texts = _article_and_sources(60, silent=5, carrier=40)
    candidates = _Candidates(article, recover_targets(article.citations, None), texts)
    judge._analysed.cache_clear()
    results = [_judge(s, candidates, None, {}) for s in article.statements]
    analyses = judge._analysed.cache_info().misses
    assert 60 <= analyses <= 60 + MAX_OTHER_SOURCES
    assert results[5].verdict.label.value == "sourced"
    assert "https://port.example/40" in results[5].verdict.reason
    assert all(r.verdict.label.value == "sourced" for r in results)


def test_an_article_with_few_sources_weighs_every_source_for_every_statement() -> None:
    article, texts = _article_and_sources(MAX_OTHER_SOURCES + 1, silent=3, carrier=9)
    candidates = _Candidates(article, recover_targets(article.citations, None), texts)
    for statement in article.statements:
        own, others, others_total = candidates.sources_for(statement)
        assert len(own) == 1 and len(others) == MAX_OTHER_SOURCES and others_total is None


@pytest.mark.block_network(allowed_hosts=[r"127\.0\.0\.1$"])
def test_max_time_bounds_the_judging_too_and_what_is_left_is_reported_not_checked(tmp_path: Path) -> None:
    with serving() as web:
        article = tmp_path / "late.md"
        article.write_text(
            "# Ferry fares\n\nMay 12, 2024\n\n"
            f"The ferry fare rose to 3 dollars in May, the [operator said]({web}/slow/fares).\n\n"
            f"The bus fare stayed at 2 dollars, the [council said]({web}/buses).\n\n"
            f"Original url: <{web}/story>\n",
            encoding="utf-8",
        )
        out = tmp_path / "out"
        result = CliRunner().invoke(
            main,
            [
                *("check", str(article), "--no-record", "--allow-private", "--archive-url", web),
                *("--archive-rate", "1000", "--out", str(out), "--max-time", "1"),
            ],
        )
    assert result.exit_code != 70, result.stderr
    report = json.loads((out / "late.json").read_text())
    statement, other = report["statements"]
    assert statement["label"] == "unsourced" and statement["unverifiable"] is True
    assert statement["reason"] == (
        "not checked: the run's time limit of 1 s (--max-time) was reached before this statement was weighed against "
        "its sources"
    )
    # Each statement's other source (the other's citation) was not weighed against it either.
    assert statement["other_sources"] == other["other_sources"] == "not-weighed"
    assert (out / "late.md").exists()

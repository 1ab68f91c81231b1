"""The demo articles of other archives, replayed from their composed cassettes with the network blocked:
reading-room.md (--archives wayback,memento) has a dead link rescued by an Arquivo.pt memento; tram-line.md (--save)
has a live source with no capture, captured by Save Page Now at check time."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from verify.cli import main

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "examples" / "demo"
NOTICE = "https://library.example/notices/reading-room-closure"
BUDGET = "https://town.example/budget/2024/library-roof"
TRANSIT = "https://transit.example/news/line-4-frequency"


def replay(tmp: Path, article: str, *options: str) -> dict[str, Any]:
    command = ["check", str(DEMO / article), "--replay-only", "--cassettes", str(ROOT / "cassettes")]
    result = CliRunner().invoke(main, [*command, "--out", str(tmp), "--fail-on", "never", *options])
    assert result.exit_code == 0, result.output
    slug = Path(article).stem
    data: dict[str, Any] = json.loads((tmp / f"{slug}.json").read_text(encoding="utf-8"))
    data["_markdown"] = (tmp / f"{slug}.md").read_text(encoding="utf-8")
    return data


def link(report: dict[str, Any], url: str) -> dict[str, Any]:
    return next(check for check in report["links"] if check["url"] == url)


def statement(report: dict[str, Any], text: str) -> dict[str, Any]:
    return next(s for s in report["statements"] if text in s["text"])


@pytest.fixture(scope="module")
def memento(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return replay(tmp_path_factory.mktemp("memento"), "reading-room.md", "--archives", "wayback,memento")


@pytest.fixture(scope="module")
def saved(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return replay(tmp_path_factory.mktemp("saved"), "tram-line.md", "--save")


def test_a_dead_link_never_in_the_wayback_machine_is_rescued_by_another_archives_memento(
    memento: dict[str, Any],
) -> None:
    notice = link(memento, NOTICE)
    assert notice["live"]["outcome"] == "dead"
    assert notice["archive"]["outcome"] == "found"
    capture = notice["archive"]["capture"]
    assert (capture["archive"], capture["lookup"], capture["timestamp"]) == ("Arquivo.pt", "memento", "20240329101500")
    assert capture["permalink"] == f"https://arquivo.pt/wayback/20240329101500/{NOTICE}"
    assert capture["raw_url"] == f"https://arquivo.pt/wayback/20240329101500id_/{NOTICE}"  # the raw memento was read
    assert notice["evidence"] == "archive"
    assert statement(memento, "reading room will close")["label"] == "sourced"
    assert statement(memento, "reading room will close")["evidence"][0]["capture_url"] == capture["permalink"]


def test_the_closest_memento_before_the_date_is_skipped_when_it_is_an_archived_error_page(
    memento: dict[str, Any],
) -> None:
    rejected = link(memento, NOTICE)["archive"]["rejected"]
    assert [(r["timestamp"], r["why"]) for r in rejected] == [("20240401120000", "archived error page (HTTP 404)")]


def test_a_link_no_archive_holds_stays_unsourced_and_says_the_aggregator_knows_none(memento: dict[str, Any]) -> None:
    budget = link(memento, BUDGET)
    assert budget["archive"]["outcome"] == "not-archived"
    assert "Memento aggregator knows no memento" in budget["archive"]["detail"]
    assert statement(memento, "380,000 euros")["label"] == "unsourced"


def test_the_report_names_the_archive_of_the_memento(memento: dict[str, Any]) -> None:
    assert f"[2024-03-29](https://arquivo.pt/wayback/20240329101500/{NOTICE}) (Arquivo.pt)" in memento["_markdown"]


def test_without_memento_the_same_link_is_dead_and_never_archived(tmp_path: Path) -> None:
    plain = replay(tmp_path, "reading-room.md")
    assert link(plain, NOTICE)["archive"]["outcome"] == "not-archived"
    assert statement(plain, "reading room will close")["label"] == "unsourced"


def test_a_live_source_without_a_capture_is_archived_at_check_time(saved: dict[str, Any]) -> None:
    transit = link(saved, TRANSIT)
    assert transit["live"]["outcome"] == "ok"
    assert transit["archive"]["outcome"] == "found"
    capture = transit["archive"]["capture"]
    assert (capture["lookup"], capture["timestamp"]) == ("save-page-now", "20261120093012")
    assert capture["permalink"] == f"https://web.archive.org/web/20261120093012/{TRANSIT}"
    job = transit["archive"]["save_job"]
    assert (job["status"], job["job_id"]) == ("success", "spn2-5f3c2a9e41b0d7c6e8f1a2b3c4d5e6f708192a3b")
    assert transit["evidence"] == "archive"
    assert statement(saved, "every six minutes")["label"] == "sourced"
    assert "(archived at check time, Save Page Now)" in saved["_markdown"]


def test_without_save_the_live_page_is_the_evidence_and_nothing_is_asked(tmp_path: Path) -> None:
    plain = replay(tmp_path, "tram-line.md")
    transit = link(plain, TRANSIT)
    assert (transit["archive"]["outcome"], transit["archive"]["save_job"]) == ("not-archived", None)
    assert transit["evidence"] == "live"

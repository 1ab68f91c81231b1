"""The demo article, replayed from its composed cassette with the network blocked: every outcome it was built for."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from verify.cli import main
from verify.status import ExitStatus

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "examples" / "demo" / "harbour-bridge.md"


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("reports")
    result = CliRunner().invoke(
        main,
        ["check", str(DEMO), "--replay-only", "--cassettes", str(ROOT / "cassettes"), "--out", str(out)],
        catch_exceptions=False,
    )
    assert result.exit_code == ExitStatus.POLICY_FAILED, result.stderr
    data: dict[str, Any] = json.loads((out / "harbour-bridge.json").read_text())
    data["_markdown"] = (out / "harbour-bridge.md").read_text()
    return data


def citation(report: dict[str, Any], anchor: str) -> dict[str, Any]:
    return next(c for c in report["citations"] if c["anchor"] == anchor)


def link(report: dict[str, Any], url: str) -> dict[str, Any]:
    return next(link for link in report["links"] if link["url"] == url)


def statement(report: dict[str, Any], text: str) -> dict[str, Any]:
    return next(s for s in report["statements"] if text in s["text"])


def test_every_stripped_link_is_recovered_from_the_archived_original(report: dict[str, Any]) -> None:
    recovered = {c["anchor"]: c["url"] for c in report["citations"]}
    assert recovered == {
        "repairs to the harbour bridge": "https://news.example/2024/02/harbour-bridge-plan",
        "meeting minutes": "https://council.example/minutes/2024-03-11",
        "engineering report": "https://engineering.example/reports/harbour-bridge",
        "transport agency said": "https://transport.example/traffic/harbour-bridge",
        "statement": "https://harbour.example/news/bridge-works-statement",
        "full inspection summary": "https://engineering.example/inspection-summary",
        "consultant study": "https://consultant.example/studies/harbour-bridge-2019",
        "Ferry fares rise in April": "https://news.example/2024/03/ferry-fares",
    }
    assert all(c["recovery"] == "recovered" for c in report["citations"])


def test_the_original_is_the_capture_of_its_day(report: dict[str, Any]) -> None:
    original = report["original"]
    assert original["archive"]["capture"]["timestamp"] == "20240312101500"
    assert original["archive"]["capture"]["permalink"].startswith("https://web.archive.org/web/20240312101500/")


def test_a_dead_link_is_rescued_from_the_archive(report: dict[str, Any]) -> None:
    minutes = link(report, "https://council.example/minutes/2024-03-11")
    assert minutes["live"]["outcome"] == "dead"
    assert minutes["archive"]["capture"]["timestamp"] == "20240311190412"
    assert minutes["evidence"] == "archive"
    assert statement(report, "voted 7 to 2")["label"] == "sourced"


def test_a_dead_link_never_archived_leaves_its_statement_unsourced(report: dict[str, Any]) -> None:
    study = link(report, "https://consultant.example/studies/harbour-bridge-2019")
    assert study["live"]["outcome"] == "dead"
    assert study["archive"]["outcome"] == "not-archived"
    assert study["evidence"] == "none"
    verdict = statement(report, "consultant study")
    assert verdict["label"] == "unsourced"
    assert "never archived" in verdict["reason"]


def test_a_redirect_keeps_its_chain(report: dict[str, Any]) -> None:
    moved = link(report, "https://engineering.example/reports/harbour-bridge")
    assert moved["live"]["outcome"] == "redirected"
    assert moved["live"]["final_url"] == "https://engineering.example/reports/2024/harbour-bridge-inspection"
    assert moved["live"]["redirects"][0]["status"] == 301


def test_a_soft_404_and_a_junk_capture_skipped_for_a_good_one(report: dict[str, Any]) -> None:
    summary = link(report, "https://engineering.example/inspection-summary")
    assert summary["live"]["outcome"] == "soft-404"
    assert summary["archive"]["capture"]["timestamp"] == "20240305110000"
    assert [r["timestamp"] for r in summary["archive"]["rejected"]] == ["20240310140000"]


def test_a_redirect_to_the_home_page_is_a_soft_404(report: dict[str, Any]) -> None:
    ferry = link(report, "https://news.example/2024/03/ferry-fares")
    assert ferry["live"]["outcome"] == "soft-404"
    assert ferry["archive"]["outcome"] == "only-junk"


def test_a_rate_limited_archive_backs_off_and_succeeds(report: dict[str, Any]) -> None:
    traffic = link(report, "https://transport.example/traffic/harbour-bridge")
    assert traffic["archive"]["outcome"] == "found"
    assert traffic["archive"]["capture"]["timestamp"] == "20240301070000"


def test_the_labels_the_fixtures_were_built_for(report: dict[str, Any]) -> None:
    assert statement(report, "4.2 million dollars")["label"] == "sourced"
    contradicted = statement(report, "40,000 vehicles")
    assert contradicted["label"] == "disputed"
    assert "14,000" in contradicted["reason"] or any("14,000" in c for c in contradicted["conflicts"])
    assert statement(report, "opened in 1931")["label"] == "unsourced"
    assert "no citation" in statement(report, "opened in 1931")["reason"]
    attributed = statement(report, "stay open to pedestrians")
    assert attributed["label"] == "sourced"
    assert attributed["evidence"][0]["source_role"] == "attributed document"
    assert attributed["evidence"][0]["url"] == "https://harbour.example/news/bridge-works-statement"


def test_a_statement_changed_since_the_original_is_disputed(report: dict[str, Any]) -> None:
    changed = statement(report, "18 months")
    assert changed["change"]["change"] == "substantive"
    assert "number" in changed["change"]["kinds"]
    assert changed["label"] == "disputed"
    others = [s for s in report["statements"] if "18 months" not in s["text"]]
    assert all(s["change"]["change"] in ("unchanged", "cosmetic") for s in others if s["kind"] == "body")
    caption = statement(report, "north shore")
    assert caption["label"] != "disputed"


def test_the_markdown_report_has_the_link_table(report: dict[str, Any]) -> None:
    markdown = report["_markdown"]
    assert "| link | cited as (line) | URL | live | archived copy used |" in markdown
    assert (
        '| <a id="link-2"></a>2 | meeting minutes (7) | <https://council.example/minutes/2024-03-11> (recovered) | `dead` |'
        in markdown
    )
    assert "web.archive.org/web/20240311190412/https://council.example/minutes/2024-03-11" in markdown


def test_the_caption_is_shown_apart_with_its_credit_and_not_counted(report: dict[str, Any]) -> None:
    caption = statement(report, "north shore")
    assert caption["kind"] == "caption" and caption["credit"] == "Photo: Example News"
    assert caption["label"] == "unsourced"
    assert report["summary"]["statements"] == len(report["statements"]) - 1
    assert report["summary"]["captions"] == {"statements": 1, "sourced": 0, "unsourced": 1, "disputed": 0}
    assert report["summary"]["verdict"].endswith("of 9 statements; 1 photo caption (unsourced) not counted")
    markdown = report["_markdown"]
    table = markdown.split("| id | line | caption | credit | label | reason |", 1)[1].split("\n\n", 1)[0]
    assert (
        "| `c1.s1` | 5 | The harbour bridge seen from the north shore on Monday evening. | Photo: Example News |"
        in table
    )


def test_a_failing_link_is_explained_once_and_referred_to_from_its_statement(report: dict[str, Any]) -> None:
    markdown = report["_markdown"]
    assert markdown.count("HTTP 410 Gone") == 1
    assert "- **link 7**, consultant study: live: HTTP 410 Gone; archive: the archive holds no capture" in markdown
    row = next(line for line in markdown.splitlines() if line.startswith("| `p7.s1` |"))
    assert "its citation “consultant study” ([link 7](#link-7)) is dead and was never archived" in row


def test_a_replayed_run_gives_the_same_report(report: dict[str, Any], tmp_path: Path) -> None:
    CliRunner().invoke(
        main, ["check", str(DEMO), "--replay-only", "--cassettes", str(ROOT / "cassettes"), "--out", str(tmp_path)]
    )
    again = json.loads((tmp_path / "harbour-bridge.json").read_text())
    first = {k: v for k, v in report.items() if k != "_markdown"}
    assert again == first

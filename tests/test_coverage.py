"""What was read is said, counted and acted on: a statement whose evidence could not be read is unverifiable.

The demo article is replayed from a copy of its cassette with some pages taken out: a request not in a cassette is
answered as unreachable, as a blocked or timed-out page would be, so each test decides exactly what cannot be read.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from verify.archive import ArchiveOutcome, ArchiveResult
from verify.cli import main
from verify.http import Fetched, Outcome
from verify.links import Target, link_check
from verify.pipeline import _SourceText, _unread
from verify.status import ExitStatus

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "examples" / "demo" / "harbour-bridge.md"
CASSETTE = ROOT / "cassettes" / "harbour-bridge.yaml"
TRANSPORT = "transport.example/traffic/harbour-bridge"  # the source that contradicts p3.s1 (40,000 vs 14,000)
CHANGED = "Work is expected to take 18 months.\n"  # p8.s1, disputed by the comparison with the original


def replay(
    tmp_path: Path,
    *arguments: str,
    unread: tuple[str, ...] = (),
    keep_disputed: bool = False,
    env: dict[str, str] | None = None,
) -> tuple[int, str, dict[str, Any]]:
    """Replay the demo article with the requests for `unread` pages taken out of its cassette."""
    cassettes = tmp_path / "cassettes"
    cassettes.mkdir(exist_ok=True)
    recorded = yaml.safe_load(CASSETTE.read_text(encoding="utf-8"))
    encoded = [page.replace("/", "%2F") for page in unread]
    recorded["interactions"] = [
        interaction
        for interaction in recorded["interactions"]
        if not any(page in interaction["request"]["uri"] for page in (*unread, *encoded))
    ]
    (cassettes / "harbour-bridge.yaml").write_text(yaml.safe_dump(recorded), encoding="utf-8")
    article = tmp_path / "harbour-bridge.md"
    text = DEMO.read_text(encoding="utf-8")
    article.write_text(text if keep_disputed else text.replace(CHANGED, ""), encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(
        main,
        ["check", str(article), "--replay-only", "--cassettes", str(cassettes), "--out", str(out), *arguments],
        env=env or {"GITHUB_ACTIONS": ""},
        catch_exceptions=False,
    )
    return result.exit_code, result.stdout, json.loads((out / "harbour-bridge.json").read_text(encoding="utf-8"))


def test_every_page_read_is_a_checked_article_and_a_dead_unarchived_source_is_a_finding(tmp_path: Path) -> None:
    status, stdout, report = replay(tmp_path, "--fail-on", "unverifiable")
    assert status == ExitStatus.POLICY_FAILED  # p3.s1 is contradicted by its source
    assert report["coverage"] == "checked" and report["unread"] == []
    assert report["summary"]["unverifiable"] == 0
    dead = next(s for s in report["statements"] if s["id"] == "p7.s1")
    assert dead["label"] == "unsourced" and "dead and never archived" in dead["reason"]
    assert dead["unverifiable"] is False
    assert "could not be read" not in stdout


def test_a_source_that_could_not_be_read_leaves_the_unsourced_statements_unverifiable(tmp_path: Path) -> None:
    status, stdout, report = replay(tmp_path, unread=(TRANSPORT,))
    assert status == ExitStatus.PARTLY_CHECKED
    assert report["coverage"] == "partly-checked"
    assert [line.split(":")[0] + ":" + line.split(":")[1] for line in report["unread"]] == [f"https://{TRANSPORT}"]
    statements = {s["id"]: s for s in report["statements"]}
    assert statements["p3.s1"]["label"] == "unsourced" and statements["p3.s1"]["unverifiable"] is True
    assert "unverifiable" in statements["p3.s1"]["reason"]
    unsourced = [s for s in report["statements"] if s["label"] == "unsourced"]
    assert all(s["unverifiable"] for s in unsourced)
    assert not any(s["unverifiable"] for s in report["statements"] if s["label"] != "unsourced")
    summary = report["summary"]
    counted = [s for s in unsourced if s["kind"] != "caption"]  # an unsourced photo caption is shown apart
    assert summary["unverifiable"] == len(counted) == summary["unsourced"]
    assert f"unsourced ({len(counted)} unverifiable)" in summary["verdict"]
    assert "; 1 page could not be read" in summary["verdict"]
    assert "1 of 1 partly checked: some evidence could not be read" in stdout
    assert any("could not be read" in note and TRANSPORT in note for note in report["notes"])


@pytest.mark.parametrize(
    ("policy", "expected"),
    [
        ("disputed", ExitStatus.PARTLY_CHECKED),
        ("unverifiable", ExitStatus.POLICY_FAILED),
        ("unsourced", ExitStatus.POLICY_FAILED),
        ("never", ExitStatus.OK),
    ],
)
def test_fail_on_chooses_what_an_unread_source_does_to_the_exit_status(
    tmp_path: Path, policy: str, expected: ExitStatus
) -> None:
    status, _, _ = replay(tmp_path, "--fail-on", policy, unread=(TRANSPORT,))
    assert status == expected


def test_a_disputed_statement_still_fails_the_policy_when_a_source_could_not_be_read(tmp_path: Path) -> None:
    status, _, report = replay(tmp_path, unread=(TRANSPORT,), keep_disputed=True)
    assert status == ExitStatus.POLICY_FAILED
    assert report["coverage"] == "partly-checked"


def test_nothing_read_is_not_checked_and_exits_8_unless_the_policy_is_never(tmp_path: Path) -> None:
    everything = ("https://",)
    status, stdout, report = replay(tmp_path, unread=everything)
    assert status == ExitStatus.NOT_CHECKED
    assert report["coverage"] == "not-checked"
    assert report["summary"]["verdict"].startswith("Not checked (nothing could be read)")
    assert all(s["unverifiable"] for s in report["statements"] if s["label"] == "unsourced")
    assert "1 of 1 not checked: nothing could be read" in stdout
    status, _, _ = replay(tmp_path, "--fail-on", "never", unread=everything)
    assert status == ExitStatus.OK


def test_links_refused_as_loopback_are_not_checked(tmp_path: Path) -> None:
    """The issue's case: every link refused (loopback without --allow-private) passed as "Partly sourced"."""
    article = tmp_path / "local.md"
    article.write_text(
        "# Local links\n\nMarch 12, 2024\n\nThe ferry runs [ten times a day](http://127.0.0.1:9/ferries).\n\n"
        "Original url: <http://127.0.0.1:9/local>\n",
        encoding="utf-8",
    )
    arguments = ["check", str(article), "--no-record", "--archive-url", "http://127.0.0.1:9", "--out", str(tmp_path)]
    result = CliRunner().invoke(main, arguments, env={"GITHUB_ACTIONS": ""}, catch_exceptions=False)
    assert result.exit_code == ExitStatus.NOT_CHECKED, result.stderr
    report = json.loads((tmp_path / "local.json").read_text(encoding="utf-8"))
    assert report["coverage"] == "not-checked"
    assert all(s["unverifiable"] for s in report["statements"])


def _fetched(url: str, outcome: Outcome, detail: str = "") -> Fetched:
    return Fetched(url, outcome, url, None, (), "", "", detail or outcome.value, 0.0)


@pytest.mark.parametrize(
    ("live", "archived", "unread"),
    [
        (Outcome.DEAD, ArchiveOutcome.NOT_ARCHIVED, False),
        (Outcome.SOFT_404, ArchiveOutcome.ONLY_JUNK, False),
        (Outcome.BLOCKED, ArchiveOutcome.NOT_ARCHIVED, True),
        (Outcome.RATE_LIMITED, ArchiveOutcome.NOT_ARCHIVED, True),
        (Outcome.TIMED_OUT, ArchiveOutcome.NOT_ARCHIVED, True),
        (Outcome.UNREACHABLE, ArchiveOutcome.NOT_ARCHIVED, True),
        (Outcome.REFUSED, ArchiveOutcome.NOT_ARCHIVED, True),
        (Outcome.TOO_LARGE, ArchiveOutcome.NOT_ARCHIVED, True),
        (Outcome.DEAD, ArchiveOutcome.RATE_LIMITED, True),  # never archived? the archive could not say
        (Outcome.DEAD, ArchiveOutcome.UNREACHABLE, True),
        (Outcome.DEAD, ArchiveOutcome.ERROR, True),
    ],
)
def test_a_page_is_unread_unless_it_answered_that_it_is_gone(
    live: Outcome, archived: ArchiveOutcome, unread: bool
) -> None:
    url = "https://source.example/page"
    check = link_check(url, _fetched(url, live), ArchiveResult(url, archived, None, None, (), archived.value))
    original_url = "https://news.example/a"
    original = link_check(
        original_url,
        _fetched(original_url, Outcome.DEAD),
        ArchiveResult(original_url, ArchiveOutcome.NOT_ARCHIVED, None, None, (), "never archived"),
    )
    text = _SourceText(None, f"{live.value}: unverifiable", None, url)
    pages, sources = _unread(original, None, (), {url: check}, {url: text})
    assert sources is unread
    assert [page.startswith(url) for page in pages] == ([True] if unread else [])


def test_the_max_time_limit_spent_leaves_its_pages_unread() -> None:
    url = "https://source.example/late"
    detail = "not fetched: the run's time limit of 5 s (--max-time) was reached"
    check = link_check(
        url,
        _fetched(url, Outcome.TIMED_OUT, detail),
        ArchiveResult(url, ArchiveOutcome.ERROR, None, None, (), f"CDX could not be reached: {detail}"),
    )
    original = link_check(
        "https://news.example/a",
        _fetched("https://news.example/a", Outcome.TIMED_OUT, detail),
        ArchiveResult("https://news.example/a", ArchiveOutcome.ERROR, None, None, (), detail),
    )
    stripped: tuple[Target, ...] = ()
    pages, sources = _unread(original, None, stripped, {url: check}, {url: _SourceText(None, detail, None, url)})
    assert sources is True
    assert len(pages) == 2 and all("--max-time" in page for page in pages)


def test_unverifiable_statements_are_counted_apart_in_the_index_job_summary_annotations_and_sarif(
    tmp_path: Path,
) -> None:
    summary = tmp_path / "summary.md"
    env = {"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary)}
    sarif_path = tmp_path / "run.sarif"
    status, stdout, report = replay(tmp_path, "--sarif", str(sarif_path), unread=(TRANSPORT,), env=env)
    assert status == ExitStatus.PARTLY_CHECKED
    unverifiable = [s for s in report["statements"] if s["unverifiable"]]
    assert len(unverifiable) == 4
    index = (tmp_path / "out" / "index.md").read_text(encoding="utf-8")
    assert "0 of 1 article checked; 1 partly checked (some evidence could not be read)." in index
    # The unsourced photo caption is shown apart, not counted.
    assert "| 5 | 3 | 3 | 0 | [harbour-bridge.md](harbour-bridge.md) |" in index
    assert (
        "1 of 1 article not fully checked (0 with nothing read): some evidence could not be read, and 3 statements "
        "are unverifiable." in summary.read_text(encoding="utf-8")
    )
    assert "title=p3.s1 unsourced (unverifiable)::unverifiable: unreachable" in stdout
    markdown = (tmp_path / "out" / "harbour-bridge.md").read_text(encoding="utf-8")
    assert markdown.count("unsourced (unverifiable)") == 2 * len(unverifiable)  # the table and each section
    results = json.loads(sarif_path.read_text(encoding="utf-8"))["runs"][0]["results"]
    flagged = [r for r in results if r["ruleId"] == "unverifiable"]
    assert [r["message"]["text"].split(" ")[0] for r in flagged] == [s["id"] for s in unverifiable]
    assert all(r["level"] == "warning" for r in flagged)
    _, _, _ = replay(tmp_path, "--sarif", str(sarif_path), "--fail-on", "unverifiable", unread=(TRANSPORT,), env=env)
    results = json.loads(sarif_path.read_text(encoding="utf-8"))["runs"][0]["results"]
    assert all(r["level"] == "error" for r in results if r["ruleId"] == "unverifiable")

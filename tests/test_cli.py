"""The command line, through click's CliRunner: exit statuses, messages and the files it leaves."""

from __future__ import annotations

import json
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from verify import __version__
from verify.cli import main
from verify.status import ExitStatus

SEED = Path(__file__).resolve().parent.parent / "examples" / "000_8fc51db70bd3123f.txt"


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def run(runner: CliRunner, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_version_is_printed(runner: CliRunner) -> None:
    code, out, _ = run(runner, "--version")
    assert code == 0
    assert __version__ in out


@pytest.mark.parametrize("command", ["check", "extract", "compare", "judge"])
def test_every_command_has_help_with_an_example(runner: CliRunner, command: str) -> None:
    code, out, _ = run(runner, command, "--help")
    assert code == 0
    assert "Example" in out
    assert "verify " + command in out


def test_check_help_documents_the_exit_statuses(runner: CliRunner) -> None:
    _, out, _ = run(runner, "check", "--help")
    for status in ExitStatus:
        assert f"{status.value:>3}  " in out


def test_offline_check_writes_both_reports_and_says_what_was_not_checked(runner: CliRunner, tmp_path: Path) -> None:
    code, _, err = run(runner, "check", str(SEED), "--offline", "--out", str(tmp_path))
    assert code == ExitStatus.NOT_CHECKED
    slug = "000_8fc51db70bd3123f"
    markdown = (tmp_path / f"{slug}.md").read_text()
    data = json.loads((tmp_path / f"{slug}.json").read_text())
    assert "Not checked (offline)" in markdown
    assert data["offline"] is True
    assert data["schema_version"]
    # Every statement is in the report, none is labelled sourced without evidence.
    assert [s["id"] for s in data["statements"]][:2] == ["c1.s1", "p1.s1"]
    assert len(data["statements"]) == 13
    assert all(s["label"] == "unsourced" and "offline" in s["reason"] for s in data["statements"] if s["citations"])
    assert all(s["label"] != "sourced" for s in data["statements"])
    # Nothing was read: every statement is unverifiable, counted apart, and the article is not checked.
    assert all(s["unverifiable"] for s in data["statements"])
    assert data["coverage"] == "not-checked" and data["summary"]["unverifiable"] == 12  # the caption apart
    # Not fetching a source is not finding it dead: the reason says what was not checked, and why.
    cited = [s["reason"] for s in data["statements"] if s["citations"]]
    assert all(r.startswith("not checked: --offline") and "dead" not in r for r in cited)
    assert "the link on 'said' was stripped to # in the stored copy" in cited[0]
    assert (tmp_path / "index.md").exists() and (tmp_path / "index.html").exists()
    assert (tmp_path / f"{slug}.html").exists()
    # The photo caption is shown apart and, unsourced, does not count towards the verdict.
    assert (
        "0 sourced, 12 unsourced (12 unverifiable), 0 disputed of 12 statements; 1 photo caption (unsourced) not counted"
        in err
    )


@pytest.mark.parametrize(
    ("policy", "expected"),
    [
        ("disputed", ExitStatus.NOT_CHECKED),
        ("unverifiable", ExitStatus.NOT_CHECKED),
        ("unsourced", ExitStatus.NOT_CHECKED),
        ("never", ExitStatus.OK),
    ],
)
def test_an_offline_run_is_not_checked_unless_the_policy_is_never(
    runner: CliRunner, tmp_path: Path, policy: str, expected: ExitStatus
) -> None:
    code, out, _ = run(runner, "check", str(SEED), "--offline", "--out", str(tmp_path), "--fail-on", policy)
    assert code == expected
    assert "1 of 1 not checked: nothing could be read" in out


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "is empty"),
        (b"\x00\x01\x02binary\x00" * 20, "binary"),
        (b"# Title\n\nA body sentence with no source URL anywhere.\n", "no original URL"),
        (b"---\nurl: [unclosed\n---\n# T\n\nBody.\n", "front matter"),
    ],
)
def test_malformed_input_is_one_error_line_and_no_report(
    runner: CliRunner, tmp_path: Path, content: bytes, message: str
) -> None:
    article = tmp_path / "bad.md"
    article.write_bytes(content)
    out_dir = tmp_path / "reports"
    code, _, err = run(runner, "check", str(article), "--offline", "--out", str(out_dir))
    assert code == ExitStatus.BAD_INPUT
    assert err.startswith(f"Error: {article}")
    assert message in err
    assert "Traceback" not in err
    assert not list(out_dir.glob("bad*"))


def test_a_missing_file_is_named(runner: CliRunner, tmp_path: Path) -> None:
    code, _, err = run(runner, "check", str(tmp_path / "nope.md"), "--offline")
    assert code == ExitStatus.BAD_INPUT
    assert "nope.md: no such file" in err


def test_url_override_applies_to_one_article_only(runner: CliRunner, tmp_path: Path) -> None:
    other = tmp_path / "other.md"
    other.write_bytes(SEED.read_bytes())
    code, _, err = run(runner, "check", str(SEED), str(other), "--url", "https://example.com/a", "--offline")
    assert code == ExitStatus.USAGE
    assert "one article" in err


def test_a_bad_date_is_a_usage_error(runner: CliRunner) -> None:
    code, _, err = run(runner, "check", str(SEED), "--date", "6 Feb", "--offline")
    assert code == ExitStatus.USAGE
    assert "YYYY-MM-DD" in err


def test_replay_only_without_a_cassette_is_an_evidence_error(runner: CliRunner, tmp_path: Path) -> None:
    code, _, err = run(
        runner, "check", str(SEED), "--replay-only", "--cassettes", str(tmp_path / "none"), "--out", str(tmp_path)
    )
    assert code == ExitStatus.EVIDENCE_ERROR
    assert "no recorded evidence" in err
    assert not (tmp_path / "000_8fc51db70bd3123f.md").exists()


def test_an_unwritable_report_folder_is_an_output_error(runner: CliRunner, tmp_path: Path) -> None:
    blocker = tmp_path / "reports"
    blocker.write_text("a file where the folder should be")
    code, _, err = run(runner, "check", str(SEED), "--offline", "--out", str(blocker))
    assert code == ExitStatus.OUTPUT_ERROR
    assert "cannot write the report" in err


def test_one_bad_article_in_a_batch_does_not_stop_the_others(runner: CliRunner, tmp_path: Path) -> None:
    bad = tmp_path / "empty.md"
    bad.write_text("")
    out_dir = tmp_path / "out"
    code, _, err = run(runner, "check", str(bad), str(SEED), "--offline", "--out", str(out_dir))
    assert code == ExitStatus.BAD_INPUT
    assert "empty.md: is empty" in err
    assert (out_dir / "000_8fc51db70bd3123f.json").exists()


def test_report_of_an_earlier_run_survives_a_failed_write(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run(runner, "check", str(SEED), "--offline", "--out", str(tmp_path))
    before = (tmp_path / "000_8fc51db70bd3123f.md").read_text()

    import verify.report

    def explode(*_: object) -> str:
        raise KeyboardInterrupt

    monkeypatch.setattr(verify.report, "render_markdown", explode)
    code, _, err = run(runner, "check", str(SEED), "--offline", "--out", str(tmp_path))
    assert code == ExitStatus.INTERRUPTED
    assert "interrupted" in err
    assert (tmp_path / "000_8fc51db70bd3123f.md").read_text() == before
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_ctrl_c_stops_a_run_in_worker_processes_promptly_with_whole_reports_and_no_worker_left(tmp_path: Path) -> None:
    """A real SIGINT to `verify check --jobs 2 --replay-only`: the workers ignore it, the parent stops the run."""
    root = SEED.parent.parent
    articles, cassettes, out = tmp_path / "articles", tmp_path / "cassettes", tmp_path / "out"
    articles.mkdir()
    cassettes.mkdir()
    for n in range(200):
        (articles / f"story-{n:03d}.md").write_bytes((root / "examples" / "demo" / "harbour-bridge.md").read_bytes())
        (cassettes / f"story-{n:03d}.yaml").write_bytes((root / "cassettes" / "harbour-bridge.yaml").read_bytes())
    command = [sys.executable, "-m", "verify", "check", str(articles), "--replay-only", "--jobs", "2"]
    command += ["--cassettes", str(cassettes), "--out", str(out), "--fail-on", "never"]
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),  # a shell's background job ignores it
    )
    deadline = time.monotonic() + 60
    while not (out.exists() and any(out.glob("*.json"))) and time.monotonic() < deadline:
        time.sleep(0.05)
    process.send_signal(signal.SIGINT)
    sent = time.monotonic()
    _, err = process.communicate(timeout=30)
    assert process.returncode == ExitStatus.INTERRUPTED
    assert time.monotonic() - sent < 10
    assert "interrupted" in err.decode()
    written = list(out.iterdir())
    # Reports, the index of those that finished, and the index's lock file (left in place by design): no temp file.
    assert 0 < len(written) < 400 and not [
        p for p in written if not p.name.endswith((".md", ".json", ".html")) and p.name != ".index.lock"
    ]
    assert all(json.loads(p.read_text())["article"] for p in written if p.suffix == ".json")
    if shutil.which("pgrep"):
        children = subprocess.run(["pgrep", "-f", str(cassettes)], capture_output=True, text=True).stdout.split()
        assert not children


def test_a_damaged_cassette_is_an_evidence_error(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "000_8fc51db70bd3123f.yaml").write_text("interactions: [not, a, cassette")
    code, _, err = run(
        runner, "check", str(SEED), "--replay-only", "--cassettes", str(tmp_path), "--out", str(tmp_path)
    )
    assert code == ExitStatus.EVIDENCE_ERROR
    assert "not a readable cassette" in err


FIXTURES = Path(__file__).resolve().parent / "fixtures"


def test_extract_prints_the_article_text_and_its_body_links(runner: CliRunner) -> None:
    page = FIXTURES / "compare" / "seed_original.html"
    code, out, _ = run(runner, "extract", str(page), "--format", "json")
    assert code == ExitStatus.OK
    data = json.loads(out)
    assert "more than 1,000 attacks" in data["text"]
    assert all(set(link) >= {"anchor", "href"} for link in data["links"])
    code, text, _ = run(runner, "extract", str(page))
    assert code == ExitStatus.OK
    assert text.strip() == data["text"].strip()


def test_compare_the_seed_with_a_page_of_itself_is_unchanged(runner: CliRunner) -> None:
    code, out, _ = run(
        runner, "compare", str(SEED), str(FIXTURES / "compare" / "seed_original.html"), "--format", "json"
    )
    assert code == ExitStatus.OK
    data = json.loads(out)
    body = [s for s in data["statements"] if s["id"].startswith("p")]
    assert body and all(s["change"] in ("unchanged", "cosmetic") for s in body)
    assert isinstance(data["archive_complete"], bool)


def test_judge_a_claim_against_a_source_file(runner: CliRunner, tmp_path: Path) -> None:
    source = tmp_path / "source.txt"
    source.write_text("The ministry said 400 people were evacuated on Monday. Roads were closed.")
    code, out, _ = run(
        runner, "judge", "--claim", "The ministry said 40 people were evacuated.", "--source", str(source)
    )
    assert code == ExitStatus.OK
    assert "disputed" in out.lower()


def test_judge_reads_json_lines_and_answers_in_order(runner: CliRunner, tmp_path: Path) -> None:
    claims = tmp_path / "claims.jsonl"
    claims.write_text(
        json.dumps({"id": "a", "claim": "Roads were closed.", "evidence": ["Roads were closed on Monday."]})
        + "\n"
        + json.dumps({"id": "b", "claim": "The mayor resigned.", "evidence": "The council met on Monday."})
        + "\n"
    )
    code, out, _ = run(runner, "judge", "--input", str(claims))
    assert code == ExitStatus.OK
    lines = [json.loads(line) for line in out.splitlines()]
    assert [line["id"] for line in lines] == ["a", "b"]
    assert lines[0]["label"] == "sourced" and lines[1]["label"] == "unsourced"
    assert all(set(line) >= {"id", "label", "score", "evidence"} for line in lines)


def test_judge_names_the_bad_line(runner: CliRunner, tmp_path: Path) -> None:
    claims = tmp_path / "claims.jsonl"
    claims.write_text(json.dumps({"id": "a", "claim": "x", "evidence": "x"}) + "\n{not json\n")
    code, _, err = run(runner, "judge", "--input", str(claims))
    assert code == ExitStatus.BAD_INPUT
    assert "line 2" in err


def test_judge_needs_a_claim_and_a_source(runner: CliRunner) -> None:
    code, _, err = run(runner, "judge", "--claim", "x")
    assert code == ExitStatus.USAGE
    assert "--source" in err


def test_page_text_printed_on_github_actions_cannot_run_workflow_commands(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(
        "<html><body><article><p>The council met on Monday to debate the budget for the coming year at length.</p>"
        "<p>::error file=x,line=1::pwned</p><p>::add-mask::secret and more words to keep this paragraph.</p>"
        "</article></body></html>"
    )
    result = CliRunner().invoke(main, ["extract", str(page)], env={"GITHUB_ACTIONS": "true"}, catch_exceptions=False)
    lines = result.stdout.splitlines()
    assert lines[0].startswith("::stop-commands::")
    token = lines[0].removeprefix("::stop-commands::")
    assert lines[-1] == f"::{token}::"
    assert "pwned" in result.stdout  # shown, but inside the fence, where the runner does not obey it


def test_articles_checked_side_by_side_give_the_same_reports_in_the_same_order(
    runner: CliRunner, tmp_path: Path
) -> None:
    copies = []
    for n in range(4):
        copy = tmp_path / "in" / f"copy{n}" / "article.md"
        copy.parent.mkdir(parents=True)
        copy.write_bytes(SEED.read_bytes())
        copies.append(str(copy))
    one, many = tmp_path / "one", tmp_path / "many"
    _, _, serial = run(runner, "check", *copies, "--offline", "--out", str(one))
    code, _, parallel = run(runner, "check", *copies, "--offline", "--out", str(many), "--jobs", "3")
    assert code == ExitStatus.NOT_CHECKED
    assert [line.split(" -> ")[0] for line in parallel.splitlines()] == [
        line.split(" -> ")[0] for line in serial.splitlines()
    ]
    assert sorted(p.name for p in many.iterdir()) == sorted(p.name for p in one.iterdir())
    for name in ("article.json", "article-2.json", "article-3.json", "article-4.json"):
        assert (many / name).read_text().replace(str(many), "") == (one / name).read_text().replace(str(one), "")


def test_the_readme_table_gives_every_exit_status_in_order() -> None:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| (\d+) \| (.+) \|$", readme, re.MULTILINE)
    assert [int(number) for number, _ in rows] == [status.value for status in ExitStatus]
    meanings = dict(rows)
    assert "could not be read" in meanings["7"] and "nothing could be read" in meanings["8"]

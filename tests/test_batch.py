"""Batch runs of `verify check` over a git repository of articles: which files a run checks, and its exit status.

Each test works in a fresh repository made with `git init`; runs are `--offline` (nothing fetched) except where a
disputed statement is needed, which the demo article's cassette gives by replay.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from verify.batch import collect, shard
from verify.cli import main
from verify.status import ExitStatus

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "examples" / "demo" / "harbour-bridge.md"

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")

#: The articles of the first commit; each is the demo article under its own title.
FIRST = (
    "articles/bridge.md",
    "articles/ferry.md",
    "articles/2024/march/council.md",
    "articles/2024/march/tunnel.txt",
    "articles/2024/may/port.md",
    "articles/2024/may/rail.md",
    "articles/opinion/roads.md",
    "articles/opinion/trams.md",
    "articles/opinion/parking.md",
)


def git(repo: Path, *arguments: str) -> str:
    result = subprocess.run(["git", *arguments], cwd=repo, capture_output=True, text=True, check=True)
    return result.stdout


def write_article(repo: Path, path: str, title: str | None = None) -> None:
    text = DEMO.read_text(encoding="utf-8")
    rest = text.split("\n", 1)[1]
    target = repo / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(f"# {title or Path(path).stem.title() + ' story'}\n{rest}", encoding="utf-8")


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository with nine articles, a README and an index.md in the first commit; `verify` runs inside it."""
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "user.email", "test@example.com")
    git(repo, "config", "user.name", "Test")
    git(repo, "config", "commit.gpgsign", "false")
    for path in FIRST:
        write_article(repo, path)
    (repo / "articles" / "README.md").write_text("# About these articles\n", encoding="utf-8")
    (repo / "articles" / "index.md").write_text("# Index\n", encoding="utf-8")
    (repo / "articles" / ".drafts").mkdir()
    write_article(repo, "articles/.drafts/secret.md")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "first")
    monkeypatch.chdir(repo)
    return repo


def check(*arguments: str, out: str = "reports") -> tuple[int, set[str]]:
    """Run `verify check`; its exit status and the article paths of the reports it wrote."""
    result = CliRunner().invoke(
        main, ["check", *arguments, "--out", out], env={"GITHUB_ACTIONS": ""}, catch_exceptions=False
    )
    checked = {json.loads(p.read_text())["article"]["path"] for p in Path(out).glob("*.json")}
    return result.exit_code, checked


# --------------------------------------------------------------------------------------------------------------
# Which files


def test_a_folder_is_searched_recursively_for_articles_and_skips_readme_index_and_hidden_folders(repo: Path) -> None:
    status, checked = check("articles", "--offline", "--fail-on", "never")
    assert status == ExitStatus.OK
    assert checked == set(FIRST)


def test_globs_expand_recursively_and_repeats_are_checked_once(repo: Path) -> None:
    status, checked = check("articles/2024/**/*.md", "articles/opinion/roads.md", "articles/opinion/*.md", "--offline")
    assert status == ExitStatus.NOT_CHECKED  # offline: nothing could be read
    assert checked == {
        "articles/2024/march/council.md",
        "articles/2024/may/port.md",
        "articles/2024/may/rail.md",
        "articles/opinion/roads.md",
        "articles/opinion/trams.md",
        "articles/opinion/parking.md",
    }


def test_a_glob_that_matches_nothing_is_a_bad_input(repo: Path) -> None:
    status, checked = check("articles/*.html", "--offline")
    assert status == ExitStatus.BAD_INPUT
    assert checked == set()


def test_changed_since_checks_exactly_the_files_committed_staged_or_new_since_the_ref(repo: Path) -> None:
    write_article(repo, "articles/bridge.md", "Bridge story, corrected")
    write_article(repo, "articles/2024/may/ferries.md")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "second")
    write_article(repo, "articles/opinion/trams.md", "Trams story, edited")  # modified, not staged
    write_article(repo, "articles/2024/june/bus.md")  # new, untracked
    write_article(repo, "articles/2024/june/taxi.md")
    git(repo, "add", "articles/2024/june/taxi.md")  # new, staged
    (repo / "articles" / "opinion" / "roads.md").unlink()  # deleted: nothing to check
    status, checked = check("articles", "--changed-since", "HEAD~1", "--offline", "--fail-on", "never")
    assert status == ExitStatus.OK
    assert checked == {
        "articles/bridge.md",
        "articles/2024/may/ferries.md",
        "articles/opinion/trams.md",
        "articles/2024/june/bus.md",
        "articles/2024/june/taxi.md",
    }


def test_changed_since_with_nothing_changed_checks_nothing_and_passes(repo: Path) -> None:
    status, checked = check("articles", "--changed-since", "HEAD", "--offline", "--fail-on", "unsourced")
    assert status == ExitStatus.OK
    assert checked == set()
    assert "0 of 0 articles checked" in Path("reports/index.md").read_text()


def test_changed_since_an_unknown_ref_says_what_git_said(repo: Path) -> None:
    result = CliRunner().invoke(main, ["check", "articles", "--changed-since", "no-such-ref", "--offline"])
    assert result.exit_code == ExitStatus.BAD_INPUT
    assert "--changed-since no-such-ref" in result.stderr


def test_shards_partition_the_files_and_each_run_checks_exactly_its_share(repo: Path) -> None:
    everything = collect(["articles"])
    shares = []
    for index in (1, 2, 3):
        status, checked = check("articles", "--shard", f"{index}/3", "--offline", out=f"reports-{index}")
        assert status == ExitStatus.NOT_CHECKED
        assert checked == set(shard(everything, f"{index}/3"))
        shares.append(checked)
    assert set().union(*shares) == set(FIRST)
    assert sum(len(share) for share in shares) == len(FIRST)  # pairwise disjoint
    assert all(shares), "nine files hash into three non-empty shares"


@pytest.mark.parametrize("spec", ["0/3", "4/3", "1/0", "two/3", "1"])
def test_a_bad_shard_is_refused(repo: Path, spec: str) -> None:
    status, checked = check("articles", "--shard", spec, "--offline")
    assert status == ExitStatus.USAGE  # the command line is wrong, not an input file
    assert checked == set()


# --------------------------------------------------------------------------------------------------------------
# The run's index


def test_the_index_lists_every_article_of_the_run_with_a_link_to_its_report(repo: Path) -> None:
    status, checked = check("articles", "--offline", "--fail-on", "never")
    assert status == ExitStatus.OK
    assert checked == set(FIRST)
    index = Path("reports/index.md").read_text(encoding="utf-8")
    assert f"0 of {len(FIRST)} articles checked; {len(FIRST)} not checked (nothing could be read)." in index
    rows = [line for line in index.splitlines() if line.startswith("| ") and not line.startswith("| article")]
    assert len(rows) == len(FIRST)
    for path in FIRST:
        title = Path(path).stem.title() + " story"
        row = next(r for r in rows if r.startswith(f"| {title} |"))
        report = json.loads(Path(f"reports/{Path(path).stem}.json").read_text())
        assert report["article"]["path"] == path
        assert re.search(rf"\[{Path(path).stem}\.md\]\({Path(path).stem}\.md\) \|$", row), row


def test_two_articles_with_one_name_get_two_reports(repo: Path) -> None:
    write_article(repo, "articles/2024/bridge.md", "Another bridge story")
    status, checked = check("articles/bridge.md", "articles/2024/bridge.md", "--offline", "--fail-on", "never")
    assert status == ExitStatus.OK
    assert checked == {"articles/bridge.md", "articles/2024/bridge.md"}
    assert {p.name for p in Path("reports").glob("*.md")} == {"bridge.md", "bridge-2.md", "index.md"}


# --------------------------------------------------------------------------------------------------------------
# Exit statuses by policy

#: Offline, nothing is read: every statement is unverifiable, and the run is not checked whatever the policy, unless
#: --fail-on never. Replayed, every page of the demo article is read and it has disputed statements.
POLICIES = [
    ("--offline", "never", ExitStatus.OK),
    ("--offline", "disputed", ExitStatus.NOT_CHECKED),
    ("--offline", "unverifiable", ExitStatus.NOT_CHECKED),
    ("--offline", "unsourced", ExitStatus.NOT_CHECKED),
    ("--replay-only", "never", ExitStatus.OK),
    ("--replay-only", "disputed", ExitStatus.POLICY_FAILED),
    ("--replay-only", "unverifiable", ExitStatus.POLICY_FAILED),
    ("--replay-only", "unsourced", ExitStatus.POLICY_FAILED),
]


@pytest.mark.parametrize(("mode", "policy", "expected"), POLICIES)
def test_fail_on_decides_the_exit_status(repo: Path, mode: str, policy: str, expected: ExitStatus) -> None:
    shutil.copy(DEMO, repo / "harbour-bridge.md")  # its slug names the demo cassette
    arguments = ["harbour-bridge.md", "articles/ferry.md", mode, "--fail-on", policy]
    if mode == "--replay-only":
        arguments = ["harbour-bridge.md", mode, "--cassettes", str(ROOT / "cassettes"), "--fail-on", policy]
    status, checked = check(*arguments)
    assert status == expected
    assert "harbour-bridge.md" in checked


def test_an_unreadable_article_fails_the_run_but_the_others_are_reported(repo: Path) -> None:
    (repo / "articles" / "empty.md").write_text("", encoding="utf-8")
    status, checked = check("articles/empty.md", "articles/ferry.md", "--offline", "--fail-on", "never")
    assert status == ExitStatus.BAD_INPUT
    assert checked == {"articles/ferry.md"}
    assert "articles/empty.md" in Path("reports/index.md").read_text()


# --------------------------------------------------------------------------------------------------------------
# --jobs in worker processes (runs that fetch nothing)


def _run(*arguments: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["check", *arguments], env={"GITHUB_ACTIONS": ""}, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def _reports(folder: str) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(Path(folder).iterdir())}


def test_replayed_articles_checked_in_worker_processes_give_the_reports_and_output_of_one_at_a_time(
    repo: Path,
) -> None:
    cassettes = repo / "cassettes"
    cassettes.mkdir()
    names = []
    for n in range(4):  # one article under four names, each with its cassette
        shutil.copy(DEMO, repo / f"bridge-{n}.md")
        shutil.copy(ROOT / "cassettes" / "harbour-bridge.yaml", cassettes / f"bridge-{n}.yaml")
        names.append(f"bridge-{n}.md")
    (repo / "broken.md").write_text("", encoding="utf-8")  # an error inside a worker is reported like any other
    common = [*names, "broken.md", "--replay-only", "--cassettes", str(cassettes), "--fail-on", "never"]
    one = _run(*common, "--out", "one", "--jobs", "1")
    two = _run(*common, "--out", "two", "--jobs", "3")
    assert one[0] == two[0] == ExitStatus.BAD_INPUT
    assert one[1].replace("one/", "two/") == two[1]
    assert one[2].replace("one/", "two/") == two[2]
    assert "broken.md: is empty" in two[2]
    first, second = _reports("one"), _reports("two")
    assert first.keys() == second.keys() and len(first) >= 9  # 4 x (.md, .json) and the index
    assert all(first[name].replace("one/", "two/") == second[name] for name in first)


def test_a_missing_cassette_in_a_worker_process_is_an_evidence_error(repo: Path) -> None:
    status, _stdout, stderr = _run("articles/ferry.md", "articles/bridge.md", "--replay-only", "--jobs", "2")
    assert status == ExitStatus.EVIDENCE_ERROR
    assert "no recorded evidence" in stderr and "articles/ferry.md" in stderr and "articles/bridge.md" in stderr


def test_offline_articles_checked_in_worker_processes(repo: Path) -> None:
    status, checked = check("articles", "--offline", "--fail-on", "never", "--jobs", "2")
    assert status == ExitStatus.OK
    assert checked == set(FIRST)


def test_worker_processes_can_be_spawned_where_fork_is_not_used(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """macOS and Windows start workers with "spawn" (a fresh interpreter that imports verify): the same reports."""
    from verify import batch

    monkeypatch.setattr(batch, "_start_method", lambda: "spawn")
    status, checked = check("articles/ferry.md", "articles/bridge.md", "--offline", "--fail-on", "never", "--jobs", "2")
    assert status == ExitStatus.OK
    assert checked == {"articles/ferry.md", "articles/bridge.md"}


# --------------------------------------------------------------------------------------------------------------
# Runs into one reports folder


def _verify(*arguments: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "verify", "check", *arguments, "--offline", "--fail-on", "never"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "GITHUB_ACTIONS": ""},
    )


def test_two_runs_at_once_into_one_folder_keep_every_article_in_the_index_and_no_report_half_written(
    repo: Path,
) -> None:
    many = [f"many/story-{n:02}.md" for n in range(24)]
    for path in [*many, "few/alpha.md", "few/beta.md"]:
        write_article(repo, path)
    torn: list[str] = []
    done = threading.Event()

    def read_reports() -> None:  # what a reader of the folder sees while both runs write into it
        while not done.is_set():
            for report in Path("out").glob("*.json"):
                with contextlib.suppress(FileNotFoundError):
                    text = report.read_text(encoding="utf-8")
                    try:
                        json.loads(text)
                    except ValueError:
                        torn.append(report.name)

    reader = threading.Thread(target=read_reports)
    reader.start()
    try:
        first = _verify("many", "--out", "out")
        second = _verify("few", "--out", "out")
        results = [process.communicate(timeout=300) for process in (first, second)]
    finally:
        done.set()
        reader.join()
    assert first.returncode == second.returncode == ExitStatus.OK, results
    assert torn == []
    index = Path("out/index.md").read_text(encoding="utf-8")
    assert "0 of 26 articles checked; 26 not checked (nothing could be read)." in index
    for path in [*many, "few/alpha.md", "few/beta.md"]:
        title = Path(path).stem.title() + " story"
        assert f"| {title} |" in index, path


def test_the_index_waits_for_the_folder_lock_held_by_another_run(repo: Path) -> None:
    import filelock

    from verify.batch import INDEX_LOCK

    Path("out").mkdir()
    with filelock.FileLock(Path("out") / INDEX_LOCK):
        process = _verify("articles/bridge.md", "--out", "out")
        deadline = time.monotonic() + 60
        while not Path("out/bridge.md").exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.5)
        assert Path("out/bridge.json").exists() and not Path("out/index.md").exists()
    process.communicate(timeout=60)
    assert process.returncode == ExitStatus.OK
    assert "| Bridge story |" in Path("out/index.md").read_text(encoding="utf-8")


def test_an_earlier_runs_reports_stay_in_the_index_and_this_runs_error_replaces_its_report(repo: Path) -> None:
    status, _ = check("articles/bridge.md", "articles/ferry.md", "--offline", "--fail-on", "never")
    assert status == ExitStatus.OK
    Path("articles/ferry.md").write_text("", encoding="utf-8")
    status, _ = check("articles/ferry.md", "articles/opinion/roads.md", "--offline", "--fail-on", "never")
    assert status == ExitStatus.BAD_INPUT
    index = Path("reports/index.md").read_text(encoding="utf-8")
    assert "| Bridge story |" in index and "| Roads story |" in index
    assert "| `articles/ferry.md` | error: " in index and "| Ferry story |" not in index
    assert "0 of 3 articles checked; 2 not checked (nothing could be read), 1 without a report (errors)." in index


@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_reports_are_written_with_the_mode_the_umask_gives(tmp_path: Path, umask: int, mode: int) -> None:
    from verify.report import write_atomic

    previous = os.umask(umask)
    try:
        write_atomic(tmp_path / "report.md", "# Report\n")
    finally:
        os.umask(previous)
    assert stat.S_IMODE((tmp_path / "report.md").stat().st_mode) == mode
    assert [p.name for p in tmp_path.iterdir()] == ["report.md"]  # no temporary file left beside it

"""Ctrl-C during a live run: the run stops, keeps the reports of the articles that finished, and says so (issue 15).

How fast it exits (within a second) is measured by `bench/speed_bench.py --interrupt`, not here."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.slowweb import serving
from verify.status import ExitStatus

ROOT = Path(__file__).resolve().parent.parent


def _article(path: Path, base: str, name: str) -> Path:
    path.write_text(
        f"# Ferry fares\n\nMay 12, 2024\n\nThe ferry fare rose to 3 dollars, the [operator said]({base}/{name}/fares).\n\n"
        f"Original url: <{base}/{name}/story>\n",
        encoding="utf-8",
    )
    return path


@pytest.mark.block_network(allowed_hosts=[r"127\.0\.0\.1$"])
def test_ctrl_c_keeps_the_finished_articles_reports_abandons_requests_in_flight_and_exits_130(tmp_path: Path) -> None:
    with serving() as web:
        _interrupted_run(tmp_path, web)


def _interrupted_run(tmp_path: Path, slow_web: str) -> None:
    fast = _article(tmp_path / "a-fast.md", slow_web, "fast")
    slow = _article(tmp_path / "b-slow.md", slow_web, "slow")
    out = tmp_path / "out"
    command = [sys.executable, "-m", "verify", "check", str(fast), str(slow), "--no-record", "--allow-private"]
    command += ["--archive-url", slow_web, "--archive-rate", "1000", "--out", str(out), "--fail-on", "never"]
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=tmp_path,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),  # a shell's background job ignores it
    )
    deadline = time.monotonic() + 60
    while not (out / "a-fast.json").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.3)  # the slow article's requests are in flight, waiting for answers that do not come
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=30)  # not the 60 s the slow server would hold the requests

    assert process.returncode == ExitStatus.INTERRUPTED
    assert "Error: interrupted: 1 of 2 articles finished before it" in err.decode()
    assert json.loads((out / "a-fast.json").read_text())["article"]
    # The index's lock file stays, as after every run; no temp file, no report of the article cut short.
    assert sorted(p.name for p in out.iterdir()) == [
        ".index.lock",
        "a-fast.html",
        "a-fast.json",
        "a-fast.md",
        "index.html",
        "index.md",
    ]
    assert "a-fast" in (out / "index.md").read_text() and "b-slow" not in (out / "index.md").read_text()


def test_a_second_ctrl_c_exits_at_once(tmp_path: Path) -> None:
    """The first Ctrl-C's clean-up is not waited for when the user presses it again."""
    script = (
        "import os, signal, sys, time\n"
        "from verify import cli\n"
        "with cli._ctrl_c():\n"
        "    try:\n"
        "        os.kill(os.getpid(), signal.SIGINT)\n"
        "        time.sleep(5)\n"
        "    except KeyboardInterrupt:\n"
        "        os.kill(os.getpid(), signal.SIGINT)\n"
        "        time.sleep(30)  # a clean-up that would take long\n"
    )
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert done.returncode == ExitStatus.INTERRUPTED
    assert done.stderr == "Error: interrupted again; exiting at once\n"
    assert time.monotonic() - started < 20

"""A run of `verify check` over many articles: which files, which shard, recording, reports, the run's exit status."""

from __future__ import annotations

import contextlib
import datetime as dt
import fnmatch
import glob
import itertools
import multiprocessing
import os
import signal
import subprocess
import sys
import threading
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import filelock

from verify import __version__
from verify.article import ArticleError, read_article, slugify
from verify.judge.nli import NliSettings
from verify.report import Coverage, FailOn, Report, verdict_line, write_atomic, write_report
from verify.status import ExitStatus

#: File names taken from a folder: stored copies are Markdown, text or HTML.
ARTICLE_PATTERNS = ("*.md", "*.markdown", "*.txt", "*.html", "*.htm")
#: Files in a folder that are about the folder, not articles.
NOT_ARTICLES = ("README*", "LICENSE*", "CHANGELOG*", "index.md")

RecordMode = Literal["once", "all", "none", "off"]

#: The lock file of a reports folder, held while its index is rebuilt.
INDEX_LOCK = ".index.lock"


class Interrupted(KeyboardInterrupt):
    """Ctrl-C stopped the run; the articles that finished before it have whole reports, listed in the index."""

    def __init__(self, finished: int, total: int) -> None:
        super().__init__(
            f"interrupted: {finished} of {total} articles finished before it, their reports whole and listed in "
            "index.md; none is half-written"
        )


# Set when Ctrl-C stops the run: an article still being checked writes no report.
_stopping = threading.Event()


class InputError(ValueError):
    """The command line names no usable article: a path that does not exist, a bad shard, a git ref git rejects."""


@dataclass(frozen=True)
class Settings:
    out_dir: Path
    offline: bool = False
    url: str | None = None
    date: dt.date | None = None
    fail_on: str = "disputed"
    concurrency: int = 16
    jobs: int = 1
    cassette_dir: Path = Path("cassettes")
    record_mode: RecordMode = "once"
    cache: str | None = None
    cache_expire: float | None = None
    archive_url: str | None = None
    #: Where captures are looked for, in order: "wayback", then "memento" (a Memento aggregator's TimeMap).
    archives: tuple[str, ...] = ("wayback",)
    memento_url: str | None = None
    #: The User-Agent of every request (`--user-agent`); None: verify's own.
    user_agent: str | None = None
    #: Ask Save Page Now for a capture of a cited page that is live but has none.
    save: bool = False
    archive_rate: float | None = None
    max_time: float | None = None
    allow_private: bool = False
    sarif_path: Path | None = None
    annotations: bool = False
    step_summary: str | None = None
    #: The entailment model the judge uses besides its checks (`--nli`), or None for the checks alone.
    nli: NliSettings | None = None


@dataclass(frozen=True)
class Outcome:
    """What became of one input: its report, or why it has none."""

    path: str
    report: Report | None
    error: str | None
    status: ExitStatus
    files: tuple[Path, ...] = ()
    #: Trouble beside the report, said once on stderr (a cache that went away and was dropped).
    warnings: tuple[str, ...] = ()
    slug: str = ""


# --------------------------------------------------------------------------------------------------------------
# Which files


def collect(arguments: Iterable[str]) -> list[str]:
    """Files, folders (searched recursively for articles) and globs, in a stable order without repeats."""
    found: list[str] = []
    for argument in arguments:
        path = Path(argument)
        if path.is_dir():
            found += sorted(str(p) for p in _articles_in(path))
        elif path.exists():
            found.append(str(path))
        elif glob.has_magic(argument):
            matches = sorted(glob.glob(argument, recursive=True))
            files = [m for m in matches if Path(m).is_file()]
            if not files:
                raise InputError(f"{argument}: no file matches this pattern")
            found += files
        else:
            raise InputError(f"{argument}: no such file or folder")
    unique = list(dict.fromkeys(found))
    if not unique:
        raise InputError(f"no article files in {', '.join(arguments)} (looked for {', '.join(ARTICLE_PATTERNS)})")
    return unique


def _articles_in(folder: Path) -> Iterable[Path]:
    for path in folder.rglob("*"):
        if any(part.startswith(".") for part in path.relative_to(folder).parts):
            continue
        if not path.is_file():
            continue
        if any(fnmatch.fnmatch(path.name, pattern) for pattern in NOT_ARTICLES):
            continue
        if any(fnmatch.fnmatch(path.name.lower(), pattern) for pattern in ARTICLE_PATTERNS):
            yield path


def changed_since(
    paths: Sequence[str], ref: str, run: Callable[..., subprocess.CompletedProcess[str]] = subprocess.run
) -> list[str]:
    """The paths added or changed since a git ref: committed since, staged, modified or new and untracked."""
    commands = (
        ["git", "diff", "--name-only", "--diff-filter=ACMR", "--relative", ref, "--"],
        ["git", "ls-files", "--others", "--exclude-standard"],
    )
    try:
        inside = run(["git", "rev-parse", "--is-inside-work-tree"], capture_output=True, text=True, check=False)
    except OSError as error:
        raise InputError(f"--changed-since needs git: {error}") from None
    if inside.returncode != 0 or inside.stdout.strip() != "true":
        raise InputError(
            f"--changed-since {ref}: {Path.cwd()} is not inside a git work tree, so git cannot tell what changed; "
            "run verify from the repository, or leave out --changed-since"
        )
    changed: set[Path] = set()
    for command in commands:
        try:
            result = run(command, capture_output=True, text=True, check=False)
        except OSError as error:
            raise InputError(f"--changed-since needs git: {error}") from None
        if result.returncode != 0:
            message = result.stderr.strip().splitlines()[-1] if result.stderr.strip() else f"exit {result.returncode}"
            raise InputError(f"--changed-since {ref}: git says: {message}")
        changed |= {Path(line).resolve() for line in result.stdout.splitlines() if line.strip()}
    return [p for p in paths if Path(p).resolve() in changed]


def shard(paths: Sequence[str], spec: str) -> list[str]:
    """The I-th of N shares (1-based): each file goes to the share its path hashes to, so shares stay put as files come."""
    try:
        index_text, count_text = spec.split("/")
        index, count = int(index_text), int(count_text)
    except ValueError:
        raise InputError(f"--shard {spec!r}: expected I/N, for example 2/4") from None
    if count < 1 or not 1 <= index <= count:
        raise InputError(f"--shard {spec!r}: I must be between 1 and N, and N at least 1")
    return [p for p in paths if zlib.crc32(Path(p).as_posix().encode()) % count == index - 1]


# --------------------------------------------------------------------------------------------------------------
# The run


def run(
    paths: Sequence[str],
    settings: Settings,
    echo: Callable[[str], None],
    out: Callable[[str], None],
    progress: Callable[[], None] | None = None,
) -> ExitStatus:
    """Check every article in turn (each one's own fetches run concurrently) and write its reports and the index.

    Each article gets a line through `echo`, or, when `progress` is given (a progress bar on a terminal), a tick;
    errors always get their line.
    """
    policy = FailOn(settings.fail_on)
    outcomes: list[Outcome] = []
    taken: set[str] = set()
    slugs = [_unique(slugify(Path(path).stem) or "article", taken) for path in paths]
    _stopping.clear()
    try:
        with _checked(paths, slugs, settings, policy) as checked:
            for number, (path, outcome) in enumerate(zip(paths, checked, strict=True), 1):
                prefix = f"[{number}/{len(paths)}] " if len(paths) > 1 else ""
                outcomes.append(outcome)
                for warning in outcome.warnings:
                    echo(f"Warning: {warning}")
                if outcome.report is None:
                    echo(f"Error: {outcome.error}")
                elif progress is None:
                    echo(f"{prefix}{path}: {verdict_line(outcome.report)} -> {outcome.files[0]}")
                if progress is not None:
                    progress()
    except KeyboardInterrupt:
        # No new work: the articles still being checked write nothing, and those that finished are indexed.
        _stopping.set()
        _write_run_files(outcomes, settings, echo, out)
        raise Interrupted(len(outcomes), len(paths)) from None
    _write_run_files(outcomes, settings, echo, out)
    if any(o.report is not None for o in outcomes):
        out(_summary_lines(outcomes, policy))
    return _run_status(outcomes)


@contextlib.contextmanager
def _checked(
    paths: Sequence[str], slugs: Sequence[str], settings: Settings, policy: FailOn
) -> Iterator[Iterator[Outcome]]:
    """The outcome of each article, in order, as --jobs allows.

    A run that fetches nothing (--replay-only, --offline) checks articles side by side in worker processes: it is
    all CPU work, and processes use every core. A run that fetches checks them side by side in threads of this
    process, so that they share the per-host caps and the archive limiter, and only when nothing is recorded (a
    cassette belongs to one article at a time).
    """
    from verify.pipeline import Checker

    jobs = max(1, min(settings.jobs, len(paths)))
    if jobs > 1 and (settings.offline or settings.record_mode == "none"):
        # An entailment model's runtime has threads of its own that Python does not count, and a fork does not copy:
        # with --nli, each worker is spawned and loads the model itself.
        context = multiprocessing.get_context("spawn" if settings.nli is not None else _start_method())
        processes = ProcessPoolExecutor(jobs, mp_context=context, initializer=_start_worker)
        try:
            yield processes.map(_check_in_worker, paths, slugs, itertools.repeat(settings))
        except BaseException:
            # The articles on the workers now (a replay each, well under a second) finish; no other starts.
            processes.shutdown(wait=True, cancel_futures=True)
            raise
        processes.shutdown()
        return
    threads = jobs if settings.record_mode == "off" else 1
    with Checker.for_settings(settings) as checker:
        pool = ThreadPoolExecutor(threads)
        try:
            yield pool.map(
                lambda job: _check_one(job[0], job[1], settings, checker, policy), zip(paths, slugs, strict=True)
            )
        except BaseException:
            # Not waited for: an article's fetches may take a request's whole timeout. The CLI leaves them behind.
            pool.shutdown(wait=False, cancel_futures=True)
            raise
        pool.shutdown()


def _start_method() -> str:
    """How to start the workers: by forking where that is safe (on Linux, from a process with no other thread), so
    that they start with verify already imported; elsewhere by spawning, which imports it again in each worker
    (~0.6 s of CPU apiece)."""
    if sys.platform.startswith("linux") and threading.active_count() == 1:
        return "fork"
    return "spawn"


_worker_checker: tuple[Settings, object] | None = None


def _start_worker() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the parent, which stops the run
    from verify.reader import SWITCH  # imported here: it imports the extractor, which `verify --help` does not need

    os.environ[SWITCH] = "0"  # the workers use every core already: no page reader of their own


def _check_in_worker(path: str, slug: str, settings: Settings) -> Outcome:
    """`_check_one` in a worker process, with one Checker for every article the worker is given."""
    global _worker_checker
    from verify.pipeline import Checker

    if _worker_checker is None or _worker_checker[0] != settings:
        _worker_checker = (settings, Checker.for_settings(settings))
    return _check_one(path, slug, settings, _worker_checker[1], FailOn(settings.fail_on))


def _check_one(path: str, slug: str, settings: Settings, checker: object, policy: FailOn) -> Outcome:
    from verify.cassette import CassetteError
    from verify.pipeline import Checker, EvidenceMissing

    assert isinstance(checker, Checker)
    try:
        article = read_article(Path(path), url=settings.url, date=settings.date)
    except ArticleError as error:
        return Outcome(path, None, str(error), ExitStatus.BAD_INPUT, slug=slug)
    try:
        report = checker.check(article, slug)
    except (EvidenceMissing, CassetteError) as error:
        return Outcome(path, None, str(error), ExitStatus.EVIDENCE_ERROR, slug=slug)
    if _stopping.is_set():
        message = f"{path}: interrupted before its report was written"
        return Outcome(path, None, message, ExitStatus.INTERRUPTED, slug=slug)
    try:
        files = write_report(report, settings.out_dir, slug)
    except OSError as error:
        return Outcome(
            path,
            None,
            f"{settings.out_dir}: cannot write the report: {error.strerror or error}",
            ExitStatus.OUTPUT_ERROR,
            slug=slug,
        )
    return Outcome(path, report, None, article_status(report, policy), files, checker.take_warnings(), slug)


def article_status(report: Report, policy: FailOn) -> ExitStatus:
    """One article's exit status: what was read decides as much as the policy does.

    An article none of whose evidence could be read is not checked (8), whatever the policy, unless --fail-on never;
    one that passes the policy on what was read, but not all of whose evidence could be read, is partly checked (7).
    """
    if report.network_down:
        return ExitStatus.NETWORK_DOWN
    if policy is FailOn.NEVER:
        return ExitStatus.OK
    if report.coverage is Coverage.NOTHING:
        return ExitStatus.NOT_CHECKED
    if policy.fails(report):
        return ExitStatus.POLICY_FAILED
    if report.coverage is Coverage.PARTLY:
        return ExitStatus.PARTLY_CHECKED
    return ExitStatus.OK


def _unique(slug: str, taken: set[str]) -> str:
    candidate, n = slug, 2
    while candidate in taken:
        candidate, n = f"{slug}-{n}", n + 1
    taken.add(candidate)
    return candidate


_SEVERITY = (
    ExitStatus.INTERNAL_ERROR,
    ExitStatus.OUTPUT_ERROR,
    ExitStatus.BAD_INPUT,
    ExitStatus.EVIDENCE_ERROR,
    ExitStatus.NETWORK_DOWN,
    ExitStatus.POLICY_FAILED,
)


def _run_status(outcomes: Sequence[Outcome]) -> ExitStatus:
    """The worst article's status; a run is not checked (8) only when no article's evidence could be read, and
    partly checked (7) when some article's could not."""
    statuses = {o.status for o in outcomes}
    worst = next((s for s in _SEVERITY if s in statuses), None)
    if worst is not None:
        return worst
    if statuses == {ExitStatus.NOT_CHECKED}:
        return ExitStatus.NOT_CHECKED
    if statuses & {ExitStatus.NOT_CHECKED, ExitStatus.PARTLY_CHECKED}:
        return ExitStatus.PARTLY_CHECKED
    return ExitStatus.OK


def _summary_lines(outcomes: Sequence[Outcome], policy: FailOn) -> str:
    failing = [o for o in outcomes if o.status is ExitStatus.POLICY_FAILED]
    checked = sum(1 for o in outcomes if o.report is not None)
    verdict = (
        f"{len(failing)} of {checked} {'article' if checked == 1 else 'articles'} "
        f"{'fails' if len(failing) == 1 else 'fail'} --fail-on {policy.value}"
        if policy is not FailOn.NEVER
        else (f"{checked} {'article' if checked == 1 else 'articles'} reported (--fail-on never)")
    )
    reports = [o.report for o in outcomes if o.report is not None and not o.report.network_down]
    partly = [report for report in reports if report.coverage is Coverage.PARTLY]
    if partly:
        unverifiable = sum(report.unverifiable for report in partly)
        verdict += (
            f"; {len(partly)} of {checked} partly checked: some evidence could not be read "
            f"({unverifiable} {'statement' if unverifiable == 1 else 'statements'} unverifiable)"
        )
    nothing = sum(1 for report in reports if report.coverage is Coverage.NOTHING)
    if nothing:
        verdict += f"; {nothing} of {checked} not checked: nothing could be read"
    unreachable = sum(1 for o in outcomes if o.status is ExitStatus.NETWORK_DOWN)
    if unreachable:
        verdict += (
            f"; {unreachable} not checked: the network was unreachable (run with the network, or replay a cassette "
            "with --replay-only)"
        )
    return verdict


def _write_run_files(
    outcomes: Sequence[Outcome], settings: Settings, echo: Callable[[str], None], out: Callable[[str], None]
) -> None:
    from verify import ci

    try:
        write_index(settings.out_dir, outcomes)
        if settings.sarif_path is not None:
            write_atomic(settings.sarif_path, ci.sarif(outcomes, FailOn(settings.fail_on), __version__))
        if settings.step_summary:
            with open(settings.step_summary, "a", encoding="utf-8") as handle:
                handle.write(ci.job_summary(outcomes, FailOn(settings.fail_on)))
    except (OSError, filelock.Timeout) as error:
        echo(f"Error: cannot write the run's summary files: {error}")
    if settings.annotations:
        for line in ci.workflow_commands(outcomes, FailOn(settings.fail_on)):
            out(line)


#: How long a run waits for another run writing the same folder's index.
INDEX_LOCK_WAIT = 120.0


def write_index(folder: Path, outcomes: Sequence[Outcome]) -> None:
    """`<folder>/index.md` and `index.html`, rebuilt from every report in the folder while holding its lock file.

    Runs into one folder each write their reports first, then take the lock to list the folder and write the index:
    whichever run writes it last has seen every report of both, so no article drops out of the index.
    """
    from verify import ci
    from verify.html_report import index_html

    folder.mkdir(parents=True, exist_ok=True)
    with filelock.FileLock(folder / INDEX_LOCK, timeout=INDEX_LOCK_WAIT):
        entries = ci.index_entries(folder, outcomes)
        write_atomic(folder / "index.md", ci.index_markdown(entries, __version__))
        write_atomic(folder / "index.html", index_html(entries, __version__))

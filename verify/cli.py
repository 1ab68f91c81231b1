"""The `verify` command line: reads flags, calls the stages, prints, and exits with a documented status."""

from __future__ import annotations

import contextlib
import datetime as dt
import importlib.util
import json
import os
import secrets
import signal
import sys
import threading
import traceback
from collections.abc import Callable, Iterator
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, NoReturn, TypeVar, cast

import click

from verify import __version__
from verify.article import ArticleError
from verify.batch import InputError
from verify.status import ExitStatus, describe

if TYPE_CHECKING:
    from verify.judge.nli import Entailment, NliSettings

F = TypeVar("F", bound=Callable[..., Any])

_EXIT_STATUSES = "Exit statuses:\n\n\b\n" + describe()


class Failure(Exception):
    """An expected failure: printed as one `Error:` line, exits with its status."""

    def __init__(self, message: str, status: ExitStatus) -> None:
        super().__init__(message)
        self.status = status


_signalled = threading.Event()


@contextlib.contextmanager
def _ctrl_c() -> Iterator[None]:
    """The first Ctrl-C stops the run (KeyboardInterrupt: reports of finished articles are kept, the rest abandoned);
    a second one exits at once."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def again(signum: int, frame: object) -> None:
        os.write(2, b"Error: interrupted again; exiting at once\n")
        os._exit(ExitStatus.INTERRUPTED)

    def first(signum: int, frame: object) -> None:
        signal.signal(signal.SIGINT, again)
        _signalled.set()
        raise KeyboardInterrupt

    _signalled.clear()
    previous = signal.signal(signal.SIGINT, first)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _fail(message: str, status: ExitStatus) -> NoReturn:
    raise Failure(message, status)


def _guarded(command: F) -> F:
    """Map every failure of a command to one `Error:` line and its exit status; tracebacks only for bugs."""

    @wraps(command)
    def run(*args: Any, **kwargs: Any) -> Any:
        show_traceback = bool(kwargs.pop("traceback", False))
        try:
            return command(*args, **kwargs)
        except Failure as failure:
            click.echo(f"Error: {failure}", err=True)
            sys.exit(failure.status)
        except (ArticleError, InputError) as error:
            click.echo(f"Error: {error}", err=True)
            sys.exit(ExitStatus.BAD_INPUT)
        except KeyboardInterrupt as interrupt:
            message = str(interrupt) or "interrupted; reports finished before it are whole, none is half-written"
            click.echo(f"Error: {message}", err=True)
            if _signalled.is_set():
                # Requests still in flight on worker threads are abandoned, not waited for (up to a read timeout).
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(ExitStatus.INTERRUPTED)
            sys.exit(ExitStatus.INTERRUPTED)
        except (click.exceptions.Exit, click.ClickException, SystemExit):
            raise
        except Exception as error:
            if show_traceback:
                traceback.print_exc()
            click.echo(
                f"Error: internal error ({type(error).__name__}: {error}); this is a bug. "
                "Rerun with --traceback and report it.",
                err=True,
            )
            sys.exit(ExitStatus.INTERNAL_ERROR)

    run = click.option("--traceback", is_flag=True, hidden=True, help="Show the traceback of an internal error.")(run)
    return cast(F, run)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 110})
@click.version_option(__version__, "--version", prog_name="verify")
def main() -> None:
    """Check stored copies of news articles against their archived originals and their cited sources.

    \b
    Example:
      verify check examples/000_8fc51db70bd3123f.txt --offline
    """


def _nli_options(command: F) -> F:
    """`--nli MODEL_DIR` and its thresholds, shared by `check` and `judge`."""
    for option in reversed(
        (
            click.option(
                "--nli",
                "nli_path",
                type=click.Path(path_type=Path),
                envvar="VERIFY_NLI",
                show_envvar=True,
                metavar="MODEL_DIR",
                help="A folder holding a pretrained entailment model (a cross-encoder in ONNX or Hugging Face format; "
                "see the README): it reads each statement with its best passages, and sourced then needs its "
                "entailment, disputed its contradiction. Needs pip install 'verify[nli]'; nothing is downloaded.",
            ),
            click.option(
                "--nli-min-entailment",
                type=click.FloatRange(0, 1),
                default=0.5,
                show_default=True,
                metavar="P",
                help="With --nli: the probability of entailment a passage needs to source a statement.",
            ),
            click.option(
                "--nli-min-contradiction",
                type=click.FloatRange(0, 1),
                default=0.5,
                show_default=True,
                metavar="P",
                help="With --nli: the probability of contradiction a passage about the statement needs to dispute it.",
            ),
        )
    ):
        command = option(command)
    return command


def _entailment_model(
    path: Path | None, min_entailment: float, min_contradiction: float
) -> tuple[NliSettings | None, Entailment | None]:
    """The --nli model's settings, and the model, loaded now so that a folder that holds none fails at once."""
    from verify.judge.nli import NliError, NliSettings, load

    if path is None or not str(path):
        return None, None
    settings = NliSettings(path, min_entailment=min_entailment, min_contradiction=min_contradiction)
    try:
        return settings, load(settings)
    except NliError as error:
        _fail(f"--nli: {error}", ExitStatus.USAGE)


# --------------------------------------------------------------------------------------------------------------
# check


@main.command(epilog=_EXIT_STATUSES)
@click.argument("articles", nargs=-1, required=True)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path),
    default=Path("reports"),
    show_default=True,
    help="Folder for <slug>.md, <slug>.json and index.md.",
)
@click.option("--offline", is_flag=True, help="Fetch nothing; the report says plainly what was not checked.")
@click.option("--url", help="The article's original URL, overriding what the file says (one article only).")
@click.option(
    "--date", "date", help="The article's publication date (YYYY-MM-DD), overriding the file (one article only)."
)
@click.option(
    "--fail-on",
    type=click.Choice(["disputed", "unverifiable", "unsourced", "never"]),
    default="disputed",
    show_default=True,
    help="Which statements make the run exit with status 1: disputed ones; those and unverifiable ones (unsourced, "
    "a source not read); every one not sourced; none (never: evidence that could not be read passes too).",
)
@click.option(
    "--concurrency",
    type=click.IntRange(1, 64),
    default=16,
    show_default=True,
    help="Requests in flight at once for one article (1 = one after another).",
)
@click.option(
    "--jobs",
    type=click.IntRange(1, 32),
    default=1,
    show_default=True,
    help="Articles checked side by side: in worker processes, one core each, when nothing is fetched "
    "(--replay-only, --offline); in threads sharing the per-host caps and the archive limiter with --no-record.",
)
@click.option(
    "--cassettes",
    "cassette_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("cassettes"),
    show_default=True,
    help="Folder of recorded evidence, cassettes/<slug>.yaml.",
)
@click.option("--refresh", is_flag=True, help="Re-record the cassette of each article from the network.")
@click.option(
    "--replay-only", is_flag=True, help="Never touch the network: replay cassettes; a missing one is an error."
)
@click.option("--no-record", is_flag=True, help="Neither replay nor record cassettes.")
@click.option(
    "--cache",
    "cache",
    metavar="PATH|URL",
    help="Persistent HTTP cache (with --no-record): a SQLite file, or redis://host:port/db for a cache shared by "
    "CI runners (pip install 'verify[redis]'). A cache that fails mid-run is dropped with a warning.",
)
@click.option(
    "--cache-expire",
    type=click.FloatRange(min=0),
    default=None,
    metavar="SECONDS",
    help="How long a cached response stays fresh when the server says nothing (default: for ever).",
)
@click.option(
    "--archive-url",
    default=None,
    metavar="URL",
    help="Wayback Machine endpoint (default https://web.archive.org); benchmarks point it at a local server.",
)
@click.option(
    "--archives",
    default="wayback",
    show_default=True,
    metavar="LIST",
    help="Where captures are looked for, in order: wayback, or wayback,memento to ask a Memento aggregator's "
    "TimeMap (many public archives) for a URL the Wayback Machine holds no usable capture of.",
)
@click.option(
    "--memento-url",
    default=None,
    metavar="URL",
    help="Memento aggregator's TimeMap endpoint, the URL is appended (default "
    "http://timetravel.mementoweb.org/timemap/link/; MemGator's /timemap/link/ works too).",
)
@click.option(
    "--user-agent",
    envvar="VERIFY_USER_AGENT",
    default=None,
    metavar="TEXT",
    help="The User-Agent of every request: say who runs the check and how to reach them, as archives and site "
    "operators ask of automated clients (default: verify's own, without a contact). Also VERIFY_USER_AGENT.",
)
@click.option(
    "--save",
    is_flag=True,
    help="Ask the Wayback Machine's Save Page Now for a capture of each cited page that is live but has none "
    "(S3 keys from IA_ACCESS_KEY_ID and IA_SECRET_ACCESS_KEY when set); the report cites it as archived at check time.",
)
@click.option(
    "--archive-rate",
    type=click.FloatRange(min=0.01),
    default=None,
    metavar="PER_SECOND",
    help="Requests a second to the archive, shared by the run (default 0.8, below the Wayback Machine's limits).",
)
@click.option(
    "--max-time",
    type=click.FloatRange(min=1),
    default=None,
    metavar="SECONDS",
    help=(
        "Time limit for the whole run's fetching (default none; each request has its own 60 s deadline). Once spent, "
        "nothing more is fetched and the reports say so: set it below your CI job's timeout to keep the reports."
    ),
)
@click.option(
    "--allow-private",
    is_flag=True,
    help="Allow fetching private, loopback and link-local addresses (intranets, tests).",
)
@click.option("--changed-since", metavar="REF", help="Only articles added or changed since this git ref.")
@click.option(
    "--shard", metavar="I/N", help="Check only the I-th of N equal shares of the articles (1-based), for CI matrices."
)
@click.option(
    "--sarif",
    "sarif_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write a SARIF 2.1.0 file with a finding at each failing statement's line.",
)
@click.option(
    "--annotations/--no-annotations",
    default=None,
    help="Print GitHub workflow annotations (default: on when GITHUB_ACTIONS=true).",
)
@_nli_options
@_guarded
def check(
    articles: tuple[str, ...],
    out_dir: Path,
    offline: bool,
    url: str | None,
    date: str | None,
    fail_on: str,
    concurrency: int,
    jobs: int,
    cassette_dir: Path,
    refresh: bool,
    replay_only: bool,
    no_record: bool,
    cache: str | None,
    cache_expire: float | None,
    archive_url: str | None,
    archives: str,
    memento_url: str | None,
    user_agent: str | None,
    save: bool,
    archive_rate: float | None,
    max_time: float | None,
    allow_private: bool,
    changed_since: str | None,
    shard: str | None,
    sarif_path: Path | None,
    annotations: bool | None,
    nli_path: Path | None,
    nli_min_entailment: float,
    nli_min_contradiction: float,
) -> None:
    """Check ARTICLES (files, folders or globs) and write reports/<slug>.md and .json for each.

    Every request of a run is recorded into cassettes/<slug>.yaml and replayed on the next run, so a report can be
    made again with no network; --refresh re-records, --replay-only never touches the network.

    \b
    Examples:
      verify check examples/000_8fc51db70bd3123f.txt
      verify check examples/demo --replay-only --fail-on unsourced
      verify check articles/ --changed-since origin/main --shard 2/4 --sarif verify.sarif
    """
    from verify import batch

    if sum((refresh, replay_only, no_record, offline)) > 1:
        _fail("choose one of --offline, --refresh, --replay-only and --no-record", ExitStatus.USAGE)
    if cache and cache.startswith(("redis://", "rediss://")) and importlib.util.find_spec("redis") is None:
        _fail(f"--cache {cache}: a Redis cache needs the redis client: pip install 'verify[redis]'", ExitStatus.USAGE)
    when = _parse_date(date) if date else None
    _check_option_values(url, shard, archive_url)
    paths = batch.collect(articles)
    if changed_since:
        paths = batch.changed_since(paths, changed_since)
    if shard:
        paths = batch.shard(paths, shard)
    if (url or date) and len(paths) > 1:
        _fail("--url and --date apply to one article; more than one was given", ExitStatus.USAGE)
    mode: Literal["once", "all", "none", "off"] = (
        "all" if refresh else "none" if replay_only else "off" if no_record or offline else "once"
    )
    settings = batch.Settings(
        out_dir=out_dir,
        offline=offline,
        url=url,
        date=when,
        fail_on=fail_on,
        concurrency=concurrency,
        jobs=jobs,
        cassette_dir=cassette_dir,
        record_mode=mode,
        cache=cache,
        cache_expire=cache_expire,
        archive_url=archive_url,
        archives=_archives(archives),
        memento_url=memento_url,
        user_agent=_user_agent(user_agent),
        save=save,
        archive_rate=archive_rate,
        max_time=max_time,
        allow_private=allow_private,
        sarif_path=sarif_path,
        annotations=annotations if annotations is not None else os.environ.get("GITHUB_ACTIONS") == "true",
        step_summary=os.environ.get("GITHUB_STEP_SUMMARY") or None,
        nli=_entailment_model(nli_path, nli_min_entailment, nli_min_contradiction)[0],
    )
    with _ctrl_c():
        if len(paths) > 1 and sys.stderr.isatty() and not os.environ.get("CI"):
            with click.progressbar(length=len(paths), label="Checking", file=sys.stderr, show_pos=True) as bar:
                status = batch.run(paths, settings, echo=_say, out=click.echo, progress=lambda: bar.update(1))
        else:
            status = batch.run(paths, settings, echo=_say, out=click.echo)
    sys.exit(status)


def _check_option_values(url: str | None, shard: str | None, archive_url: str | None) -> None:
    """Option values that are wrong whatever the articles: exit 2, naming the option. (An --archive-url on a private
    address is refused when asked, and the reports say that --allow-private allows it.)"""
    from verify import batch

    for option, value in (("--url", url), ("--archive-url", archive_url)):
        if value is not None and not _is_web_url(value):
            _fail(f"{option} {value!r} is not an http(s) URL (for example https://example.com/story)", ExitStatus.USAGE)
    if shard is not None:
        try:
            batch.shard([], shard)
        except batch.InputError as error:
            _fail(str(error), ExitStatus.USAGE)


def _user_agent(value: str | None) -> str | None:
    """--user-agent as sent: one line of printable ASCII (an HTTP header); exit 2, naming the option, otherwise."""
    if value is None:
        return None
    text = value.strip()
    if not text or not all(" " <= c <= "~" for c in text):
        _fail(
            f"--user-agent {value!r}: give one line of printable ASCII, e.g. 'verify (newsroom@example.com)'",
            ExitStatus.USAGE,
        )
    return text


def _is_web_url(value: str) -> bool:
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(value.strip())
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def _say(line: str) -> None:
    """A progress line on stderr; a line that would read as a GitHub workflow command is prefixed out of reach."""
    click.echo(f"> {line}" if line.lstrip().startswith("::") else line, err=True)


def _archives(value: str) -> tuple[str, ...]:
    names = tuple(name.strip().lower() for name in value.split(",") if name.strip())
    if not names or names[0] != "wayback" or len(set(names)) != len(names) or not set(names) <= {"wayback", "memento"}:
        _fail(
            f"--archives {value!r}: expected wayback or wayback,memento (the Wayback Machine first)", ExitStatus.USAGE
        )
    return names


def _parse_date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        _fail(f"--date {value!r} is not a date in the form YYYY-MM-DD", ExitStatus.USAGE)


# --------------------------------------------------------------------------------------------------------------
# extract, compare, judge


@main.command()
@click.argument("page", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Plain article text, or JSON with the body links.",
)
@click.option("--base-url", help="URL the page came from, to make relative links absolute.")
@_guarded
def extract(page: Path, fmt: str, base_url: str | None) -> None:
    """Show what verify sees in an HTML page: its article text and the links in its body.

    \b
    Example:
      verify extract capture.html --format json
    """
    from verify.extract import extract as extract_page
    from verify.extract import extraction_json

    raw = _read_input(page)
    extracted = extract_page(raw, base_url=base_url)
    if fmt == "json":
        _emit_untrusted(json.dumps(extraction_json(extracted), ensure_ascii=False, indent=2))
    else:
        _emit_untrusted(extracted.text)


@main.command()
@click.argument("stored", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("archived", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["markdown", "json"]),
    default="markdown",
    show_default=True,
    help="Readable Markdown or JSON for scripts.",
)
@_guarded
def compare(stored: Path, archived: Path, fmt: str) -> None:
    """Compare a stored copy (Markdown or text) with an archived original (HTML or text), with no network.

    \b
    Example:
      verify compare examples/000_8fc51db70bd3123f.txt original.html --format json
    """
    from verify.compare import compare_files, comparison_json, comparison_markdown

    for path in (stored, archived):
        _read_bytes(path)
    comparison = compare_files(stored, archived)
    if fmt == "json":
        _emit_untrusted(json.dumps(comparison_json(comparison), ensure_ascii=False, indent=2))
    else:
        _emit_untrusted(comparison_markdown(comparison))


@main.command()
@click.option("--claim", help="The claim to judge.")
@click.option(
    "--source",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The document to judge it against: text, Markdown or HTML.",
)
@click.option(
    "--input",
    "input_path",
    type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
    help='JSON lines {"id", "claim", "evidence"}; writes one JSON line per input, in order.',
)
@_nli_options
@_guarded
def judge(
    claim: str | None,
    source: Path | None,
    input_path: Path | None,
    nli_path: Path | None,
    nli_min_entailment: float,
    nli_min_contradiction: float,
) -> None:
    """Judge a claim against a document: sourced, unsourced or disputed, with the evidence. No network.

    \b
    Examples:
      verify judge --claim "The ministry said 40 people died." --source page.html
      verify judge --input claims.jsonl > verdicts.jsonl
      verify judge --input claims.jsonl --nli models/nli-deberta-v3-small
    """
    from verify.judge import format_verdict, judge_claim, judge_jsonl

    if input_path is not None and (claim or source):
        _fail("--input reads claims from a file; do not combine it with --claim or --source", ExitStatus.USAGE)
    if input_path is None and (not claim or source is None):
        _fail("give --claim and --source, or --input FILE.jsonl", ExitStatus.USAGE)
    _settings, entailment = _entailment_model(nli_path, nli_min_entailment, nli_min_contradiction)
    if input_path is not None:
        bad: list[str] = []

        def skipped(why: str) -> None:
            bad.append(why)
            click.echo(f"Error: {input_path}: {why}; skipped", err=True)

        lines = judge_jsonl(
            _input_lines(input_path), on_error=skipped, max_chars=MAX_INPUT_BYTES, entailment=entailment
        )
        for line in lines:
            click.echo(line)
        if bad:
            _fail(
                f"{input_path}: {len(bad)} malformed {'line was' if len(bad) == 1 else 'lines were'} skipped",
                ExitStatus.BAD_INPUT,
            )
        return
    assert claim and source is not None
    text = _source_text(source)
    _emit_untrusted(format_verdict(judge_claim(claim, text, entailment=entailment)))


def _emit_untrusted(text: str) -> None:
    """Print page text. On GitHub Actions it is fenced with stop-commands, so a line of the page that reads
    `::error::...` or `::add-mask::...` is printed, never obeyed."""
    if os.environ.get("GITHUB_ACTIONS") != "true":
        click.echo(text)
        return
    token = secrets.token_hex(16)
    click.echo(f"::stop-commands::{token}")
    click.echo(text)
    click.echo(f"::{token}::")


def _input_lines(path: Path) -> Iterator[str]:
    if str(path) == "-":
        yield from sys.stdin
        return
    try:
        with path.open(encoding="utf-8") as handle:
            yield from handle
    except (OSError, UnicodeDecodeError) as error:
        _fail(f"{path}: cannot read: {getattr(error, 'strerror', None) or error}", ExitStatus.BAD_INPUT)


def _source_text(path: Path) -> str:
    raw = _read_input(path)
    if path.suffix.lower() in (".html", ".htm") or raw.lstrip()[:15].lower().startswith((b"<!doctype", b"<html")):
        from verify.extract import extract as extract_page

        return extract_page(raw, base_url=None).text
    from verify.article import decode

    return decode(raw, str(path))


#: The largest input file read, as `verify check` caps an article.
MAX_INPUT_BYTES = 5_000_000


def _read_input(path: Path) -> bytes:
    """A file's bytes under `verify check`'s input checks: at most MAX_INPUT_BYTES, not empty, not binary."""
    from verify.article import decode

    with contextlib.suppress(OSError):
        size = path.stat().st_size
        if size > MAX_INPUT_BYTES and path.is_file():
            _fail(f"{path}: is {size:,} bytes; files over {MAX_INPUT_BYTES:,} bytes are refused", ExitStatus.BAD_INPUT)
    raw = _read_bytes(path)
    if len(raw) > MAX_INPUT_BYTES:
        _fail(f"{path}: is {len(raw):,} bytes; files over {MAX_INPUT_BYTES:,} bytes are refused", ExitStatus.BAD_INPUT)
    decode(raw, str(path))  # an empty, binary or undecodable file is an ArticleError: exit 3 with its reason
    return raw


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        _fail(f"{path}: no such file", ExitStatus.BAD_INPUT)
    except IsADirectoryError:
        _fail(f"{path}: is a folder, not a file", ExitStatus.BAD_INPUT)
    except OSError as error:
        _fail(f"{path}: cannot read: {error.strerror or error}", ExitStatus.BAD_INPUT)

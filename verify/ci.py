"""What a run says to CI: the run's index, SARIF 2.1.0, GitHub workflow annotations and the job summary."""

from __future__ import annotations

import hashlib
import json
import os
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from verify.judge import Label
from verify.report import Coverage, FailOn, Report, StatementResult, count, md_code, md_text, verdict_line

if TYPE_CHECKING:
    from verify.batch import Outcome

SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"

#: GitHub shows at most 10 error and 10 warning annotations per step (and 50 per job); the rest are summarised.
ANNOTATIONS_PER_LEVEL = 10

#: The documentation of the rules, in this repository; each rule's anchor is its id.
RULES_DOCUMENT = "docs/rules.md"

# One SARIF rule per finding a statement can be: its label, or "unverifiable" for an unsourced statement whose
# evidence could not be read (it keeps the label unsourced, and is counted apart).
UNVERIFIABLE = "unverifiable"
_RULES = {
    Label.DISPUTED.value: (
        "Statement disputed",
        "The stored statement differs substantively from the archived original, or a cited source contradicts it.",
    ),
    Label.UNSOURCED.value: (
        "Statement unsourced",
        "No source that was read carries the statement: no citation, a dead citation, or sources silent on it.",
    ),
    UNVERIFIABLE: (
        "Statement unverifiable",
        "The statement is unsourced, and a source it was weighed against could not be read (blocked, refused, "
        "timed out, rate-limited, --max-time spent, --offline): it was not checked.",
    ),
}


def rule_id(result: StatementResult) -> str:
    return UNVERIFIABLE if result.unverifiable else result.verdict.label.value


def _level(result: StatementResult, policy: FailOn) -> str:
    if policy.fails_on(result):
        return "error"
    return "warning" if result.verdict.label is Label.DISPUTED or result.unverifiable else "note"


def _findings(outcomes: Sequence[Outcome]) -> Iterator[tuple[Report, StatementResult]]:
    for outcome in outcomes:
        if outcome.report is None:
            continue
        for result in outcome.report.results:
            if result.verdict.label is not Label.SOURCED:
                yield outcome.report, result


def _artifact_uri(path: str) -> str:
    """The article's path as SARIF and GitHub want it: relative to the working folder, with forward slashes."""
    absolute = Path(path).resolve()
    try:
        return absolute.relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return absolute.as_posix()


# --------------------------------------------------------------------------------------------------------------
# SARIF


def sarif(outcomes: Sequence[Outcome], policy: FailOn, version: str) -> str:
    """SARIF 2.1.0: one result per disputed or unsourced statement, at its line and column in the article file.

    Each result's fingerprint is made of its article and its statement's text (see `fingerprint`), so that GitHub
    code scanning keeps one alert per statement however the paragraphs around it move.
    """
    documentation = rules_url()
    rules = []
    for rule, (title, text) in _RULES.items():
        descriptor: dict[str, Any] = {
            "id": rule,
            "name": "".join(word.capitalize() for word in title.split()),
            "shortDescription": {"text": title},
            "fullDescription": {"text": text},
        }
        if documentation is not None:
            descriptor["helpUri"] = f"{documentation}#{rule}"
        descriptor["help"] = {"text": f"{text} See {RULES_DOCUMENT} in verify's repository, section {rule}."}
        descriptor["defaultConfiguration"] = {"level": _rule_level(rule, policy)}
        rules.append(descriptor)
    results: list[dict[str, Any]] = []
    for report, result, print_ in _fingerprinted(_findings(outcomes)):
        statement, verdict = result.statement, result.verdict
        results.append(
            {
                "ruleId": rule_id(result),
                "level": _level(result, policy),
                "message": {"text": f"{statement.id} is {_finding(result)}: {verdict.reason}"},
                "locations": [
                    {
                        "physicalLocation": {
                            "artifactLocation": {"uri": _artifact_uri(report.article.path)},
                            "region": {
                                "startLine": statement.line,
                                "startColumn": statement.column,
                                "endLine": statement.end_line,
                            },
                        }
                    }
                ],
                "partialFingerprints": {"primaryLocationLineHash": print_, "verifyStatement/v1": print_},
                "properties": {"statement": statement.text, "score": round(verdict.score, 4)},
            }
        )
    driver: dict[str, Any] = {"name": "verify", "version": version}
    if documentation is not None:
        driver["informationUri"] = documentation.split("/blob/")[0]
    driver["rules"] = rules
    log = {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [{"tool": {"driver": driver}, "results": results}]}
    return json.dumps(log, ensure_ascii=False, indent=2) + "\n"


def _rule_level(rule: str, policy: FailOn) -> str:
    fails = {
        Label.DISPUTED.value: policy is not FailOn.NEVER,
        UNVERIFIABLE: policy in (FailOn.UNVERIFIABLE, FailOn.UNSOURCED),
        Label.UNSOURCED.value: policy is FailOn.UNSOURCED,
    }[rule]
    if fails:
        return "error"
    return "note" if rule == Label.UNSOURCED.value else "warning"


def _finding(result: StatementResult) -> str:
    label = result.verdict.label.value
    return f"{label} ({UNVERIFIABLE})" if result.unverifiable else label


def fingerprint(article: str, text: str, occurrence: int = 1) -> str:
    """A statement's identity across runs: its article and its words (white space folded), and which occurrence
    of those words in the article it is; never its line or its id, which change when a paragraph is added above."""
    digest = hashlib.sha256(f"{article}\n{normalised_text(text)}".encode()).hexdigest()[:32]
    return f"{digest}:{occurrence}"


def _fingerprinted(
    findings: Iterable[tuple[Report, StatementResult]],
) -> Iterator[tuple[Report, StatementResult, str]]:
    seen: Counter[tuple[str, str]] = Counter()
    for report, result in findings:
        article = _artifact_uri(report.article.path)
        key = (article, normalised_text(result.statement.text))
        seen[key] += 1
        yield report, result, fingerprint(article, result.statement.text, seen[key])


def normalised_text(text: str) -> str:
    return " ".join(text.split())


def rules_url() -> str | None:
    """The web address of docs/rules.md in verify's repository, or None where no repository is known.

    It is read from how verify was installed: the `Repository` (or `Source`) project URL its package metadata
    declares (`[project.urls]` in pyproject.toml), or, for `pip install git+https://...`, the address and commit
    pip recorded (PEP 610). A clone installed from its folder knows neither: the SARIF rules then carry their
    documentation in `help` and have no helpUri, rather than one that points nowhere.
    """
    try:
        distribution = metadata.distribution("verify")
    except metadata.PackageNotFoundError:
        return None
    return _rules_url(distribution.metadata.get_all("Project-URL") or [], distribution.read_text("direct_url.json"))


def _rules_url(project_urls: Sequence[str], direct_url: str | None) -> str | None:
    declared = dict(
        (name.strip().lower(), url.strip()) for name, _, url in (entry.partition(",") for entry in project_urls)
    )
    base = next((declared[name] for name in ("repository", "source", "source code") if name in declared), None)
    ref = "main"
    if direct_url:
        try:
            installed = json.loads(direct_url)
        except ValueError:
            installed = {}
        vcs = installed.get("vcs_info") if isinstance(installed, dict) else None
        if isinstance(vcs, dict) and vcs.get("vcs") == "git":
            url = str(installed.get("url", ""))
            base = base or url.removeprefix("git+")
            ref = str(vcs.get("commit_id") or ref)
    if not base or not base.startswith("https://"):
        return None
    base = base.removesuffix("/").removesuffix(".git")
    return f"{base}/blob/{ref}/{RULES_DOCUMENT}"


# --------------------------------------------------------------------------------------------------------------
# GitHub workflow commands


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def workflow_commands(outcomes: Sequence[Outcome], policy: FailOn) -> Iterator[str]:
    """`::error file=…,line=…::…` lines, at most ten per level as GitHub shows; the rest summed up in one notice.

    Every value is escaped the way the runner expects, so page or article text can never end a line and begin a
    workflow command of its own.
    """
    shown = {"error": 0, "warning": 0, "notice": 0}
    hidden = 0
    for report, result in _findings(outcomes):
        level = {"note": "notice"}.get(_level(result, policy), _level(result, policy))
        if shown[level] >= ANNOTATIONS_PER_LEVEL:
            hidden += 1
            continue
        shown[level] += 1
        statement, verdict = result.statement, result.verdict
        properties = ",".join(
            (
                f"file={_escape_property(_artifact_uri(report.article.path))}",
                f"line={statement.line}",
                f"endLine={statement.end_line}",
                f"col={statement.column}",
                f"title={_escape_property(f'{statement.id} {_finding(result)}')}",
            )
        )
        yield f"::{level} {properties}::{_escape_data(verdict.reason)}"
    for outcome in outcomes:
        if outcome.report is None and outcome.error:
            yield f"::error file={_escape_property(_artifact_uri(outcome.path))}::{_escape_data(outcome.error)}"
    if hidden:
        yield f"::notice::{hidden} more findings are not shown as annotations; see the reports and the SARIF file"


# --------------------------------------------------------------------------------------------------------------
# Index and job summary


@dataclass(frozen=True)
class IndexEntry:
    """One row of a reports folder's index: an article's report, or why it has none."""

    path: str
    slug: str
    title: str = ""
    verdict: str = ""
    counts: tuple[int, int, int, int] = (0, 0, 0, 0)  # sourced, unsourced, unverifiable, disputed
    coverage: str = ""
    error: str | None = None


def index_entries(folder: Path, outcomes: Sequence[Outcome]) -> list[IndexEntry]:
    """Every article with a report in `folder` (this run's, an earlier run's, or one running beside it), and this
    run's articles that have none; this run's outcome stands for its slug."""
    entries: dict[str, IndexEntry] = {}
    written = {outcome.files[0].stem for outcome in outcomes if outcome.files}
    for path in sorted(folder.glob("*.json")):
        if path.stem in written:
            continue  # this run's report: its outcome below stands for it
        entry = _entry_from_json(path)
        if entry is not None:
            entries[entry.slug] = entry
    for outcome in outcomes:
        if outcome.report is not None:
            slug = outcome.files[0].stem if outcome.files else outcome.slug
            entries[slug] = _entry(outcome.report, outcome.path, slug)
        elif outcome.slug:
            entries[outcome.slug] = IndexEntry(outcome.path, outcome.slug, error=outcome.error or "no report")
        else:
            entries[f"\0{outcome.path}"] = IndexEntry(outcome.path, "", error=outcome.error or "no report")
    return sorted(entries.values(), key=lambda e: (e.path, e.slug))


def _entry(report: Report, path: str, slug: str) -> IndexEntry:
    counts = report.counts
    return IndexEntry(
        path=path,
        slug=slug,
        title=report.article.title,
        verdict=verdict_line(report),
        counts=(counts["sourced"], counts["unsourced"], report.unverifiable, counts["disputed"]),
        coverage=report.coverage.value,
    )


def _entry_from_json(path: Path) -> IndexEntry | None:
    """The index row of a JSON report in the folder; None for a file that is not one of verify's reports."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        article, summary = data["article"], data["summary"]
        counts = tuple(int(summary.get(name, 0)) for name in ("sourced", "unsourced", "unverifiable", "disputed"))
        return IndexEntry(
            path=str(article["path"]),
            slug=path.stem,
            title=str(article.get("title") or ""),
            verdict=str(summary["verdict"]),
            counts=(counts[0], counts[1], counts[2], counts[3]),
            # Reports of verify before schema 1.3 do not say what was read.
            coverage=str(data.get("coverage", "unknown")),
        )
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def index_markdown(entries: Sequence[IndexEntry], version: str) -> str:
    lines = ["# Verification reports", ""]
    coverage = Counter(e.coverage for e in entries if e.error is None)
    errors = sum(1 for e in entries if e.error is not None)
    head = f"{coverage[Coverage.CHECKED.value]} of {count(len(entries), 'article')} checked"
    apart = [
        (coverage[Coverage.PARTLY.value], "partly checked (some evidence could not be read)"),
        (coverage[Coverage.NOTHING.value], "not checked (nothing could be read)"),
        (coverage["unknown"], "written by a verify that did not say what it read"),
        (errors, "without a report (errors)"),
    ]
    details = ", ".join(f"{n} {what}" for n, what in apart if n)
    lines += [head + (f"; {details}" if details else "") + ".", ""]
    lines += ["Every report in this folder is listed, whichever run wrote it.", ""]
    lines += [
        "| article | verdict | sourced | unsourced | unverifiable | disputed | report |",
        "|---|---|---|---|---|---|---|",
    ]
    for entry in entries:
        if entry.error is not None:
            lines.append(f"| {md_code(entry.path)} | error: {md_text(entry.error)} | | | | | |")
            continue
        sourced, unsourced, unverifiable, disputed = entry.counts
        name = f"{entry.slug}.md"
        lines.append(
            f"| {md_text(entry.title, 100) or md_code(entry.path)} | {md_text(entry.verdict)} | {sourced} "
            f"| {unsourced} | {unverifiable} | {disputed} | [{md_text(name)}]({name}) |"
        )
    lines += ["", f"Generated by verify {version}.", ""]  # our own version string, not page text
    return "\n".join(lines)


def job_summary(outcomes: Sequence[Outcome], policy: FailOn) -> str:
    lines = ["## verify", ""]
    reports = [o.report for o in outcomes if o.report is not None]
    failing = sum(1 for report in reports if policy.fails(report))
    fail = "fails" if failing == 1 else "fail"
    lines += [f"{failing} of {count(len(outcomes), 'article')} {fail} `--fail-on {policy.value}`.", ""]
    unchecked = [report for report in reports if report.coverage is not Coverage.CHECKED]
    if unchecked:
        nothing = sum(1 for report in unchecked if report.coverage is Coverage.NOTHING)
        unverifiable = sum(report.unverifiable for report in unchecked)
        lines += [
            f"{len(unchecked)} of {count(len(outcomes), 'article')} not fully checked ({nothing} with nothing read): "
            f"some evidence could not be read, and {count(unverifiable, 'statement')} "
            f"{'is' if unverifiable == 1 else 'are'} unverifiable.",
            "",
        ]
    lines += ["| article | verdict |", "|---|---|"]
    for outcome in outcomes:
        verdict = md_text(verdict_line(outcome.report)) if outcome.report else f"error: {md_text(outcome.error)}"
        lines.append(f"| {md_code(outcome.path)} | {verdict} |")
    return "\n".join(lines) + "\n\n"


def in_github_actions() -> bool:
    return os.environ.get("GITHUB_ACTIONS") == "true"

"""What a run says to CI: the run's index, SARIF 2.1.0, GitHub workflow annotations and the job summary."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from verify.judge import Label
from verify.report import FailOn, Report, StatementResult, count, md_code, md_text, verdict_line

if TYPE_CHECKING:
    from verify.batch import Outcome

SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
INFORMATION_URI = "https://example.org/verify"

#: GitHub shows at most 10 error and 10 warning annotations per step (and 50 per job); the rest are summarised.
ANNOTATIONS_PER_LEVEL = 10

_RULES = {
    Label.DISPUTED: (
        "Statement disputed",
        "The stored statement differs substantively from the archived original, or a cited source contradicts it.",
    ),
    Label.UNSOURCED: (
        "Statement unsourced",
        "No available source carries the statement: no citation, a dead citation, or a source silent on it.",
    ),
}


def _level(label: Label, policy: FailOn) -> str:
    fails = (label is Label.DISPUTED and policy is not FailOn.NEVER) or (
        label is Label.UNSOURCED and policy is FailOn.UNSOURCED
    )
    if fails:
        return "error"
    return "warning" if label is Label.DISPUTED else "note"


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
    """SARIF 2.1.0: one result per disputed or unsourced statement, at its line and column in the article file."""
    rules = [
        {
            "id": label.value,
            "name": title.replace(" ", ""),
            "shortDescription": {"text": title},
            "fullDescription": {"text": text},
            "helpUri": INFORMATION_URI,
            "defaultConfiguration": {"level": _level(label, policy)},
        }
        for label, (title, text) in _RULES.items()
    ]
    results: list[dict[str, Any]] = []
    for report, result in _findings(outcomes):
        statement, verdict = result.statement, result.verdict
        results.append(
            {
                "ruleId": verdict.label.value,
                "level": _level(verdict.label, policy),
                "message": {"text": f"{statement.id} is {verdict.label.value}: {verdict.reason}"},
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
                "partialFingerprints": {"statementText/v1": f"{statement.id}:{hash_text(statement.text)}"},
                "properties": {"statement": statement.text, "score": round(verdict.score, 4)},
            }
        )
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {"name": "verify", "version": version, "informationUri": INFORMATION_URI, "rules": rules}
                },
                "results": results,
            }
        ],
    }
    return json.dumps(log, ensure_ascii=False, indent=2) + "\n"


def hash_text(text: str) -> str:
    import hashlib

    return hashlib.sha256(" ".join(text.split()).encode()).hexdigest()[:16]


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
        level = {"note": "notice"}.get(_level(result.verdict.label, policy), _level(result.verdict.label, policy))
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
                f"title={_escape_property(f'{statement.id} {verdict.label.value}')}",
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


def index_markdown(outcomes: Sequence[Outcome], version: str) -> str:
    lines = ["# Verification run", ""]
    checked = [o for o in outcomes if o.report is not None]
    lines += [f"{len(checked)} of {count(len(outcomes), 'article')} checked.", ""]
    lines += ["| article | verdict | sourced | unsourced | disputed | report |", "|---|---|---|---|---|---|"]
    for outcome in outcomes:
        if outcome.report is None:
            lines.append(f"| {md_code(outcome.path)} | error: {md_text(outcome.error)} | | | | |")
            continue
        counts = outcome.report.counts
        report_name = outcome.files[0].name if outcome.files else ""
        lines.append(
            f"| {md_text(outcome.report.article.title, 100)} | {md_text(verdict_line(outcome.report))} "
            f"| {counts['sourced']} | {counts['unsourced']} | {counts['disputed']} | [{md_text(report_name)}]({report_name}) |"
        )
    lines += ["", f"Generated by verify {version}.", ""]  # our own version string, not page text
    return "\n".join(lines)


def job_summary(outcomes: Sequence[Outcome], policy: FailOn) -> str:
    lines = ["## verify", ""]
    failing = sum(1 for o in outcomes if o.report is not None and policy.fails(o.report))
    lines += [
        f"{failing} of {count(len(outcomes), 'article')} {'fails' if failing == 1 else 'fail'} `--fail-on {policy.value}`.",
        "",
    ]
    lines += ["| article | verdict |", "|---|---|"]
    for outcome in outcomes:
        verdict = md_text(verdict_line(outcome.report)) if outcome.report else f"error: {md_text(outcome.error)}"
        lines.append(f"| {md_code(outcome.path)} | {verdict} |")
    return "\n".join(lines) + "\n\n"


def in_github_actions() -> bool:
    return os.environ.get("GITHUB_ACTIONS") == "true"

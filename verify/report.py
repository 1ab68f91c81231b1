"""The report of one article: the data every renderer reads, the Markdown and JSON renderings, atomic writes."""

from __future__ import annotations

import ast
import contextlib
import dataclasses
import enum
import functools
import json
import os
import re
import secrets
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from verify import markdown
from verify.archive import WAYBACK_NAME, Capture
from verify.article import Article, BlockKind, Statement
from verify.compare import Change, Comparison, StatementChange, diff_parts
from verify.http import Outcome
from verify.judge import NO_CITATION, Evidence, Failure, Label, OtherSources, SourceFailure, SourceRole, Verdict
from verify.links import OUTSIDE_BODY, EvidenceCopy, LinkCheck, Recovery, Target

#: Version of the JSON report's layout; bumped on any change that could break a reader (see docs/report-schema.md).
SCHEMA_VERSION = "2.3"


@dataclass(frozen=True)
class StatementResult:
    statement: Statement
    verdict: Verdict
    change: StatementChange | None
    #: Unsourced, and a source it was weighed against could not be read: not checked (see Report.unread).
    unverifiable: bool = False


class Coverage(str, enum.Enum):
    """How much of an article's evidence was read: only a `checked` article's labels are all findings."""

    CHECKED = "checked"
    PARTLY = "partly-checked"
    NOTHING = "not-checked"


@dataclass(frozen=True)
class Report:
    article: Article
    tool_version: str
    offline: bool
    notes: tuple[str, ...]
    original: LinkCheck | None
    targets: tuple[Target, ...]
    links: tuple[LinkCheck, ...]
    comparison: Comparison | None
    results: tuple[StatementResult, ...]
    # No host name resolved, not even the archive's: nothing was checked, though the run asked for the network.
    network_down: bool = False
    #: The pages that could not be read (blocked, refused, timed out...), each "URL: why"; a page that is gone (dead
    #: and never archived) was read as far as it can be and is not here.
    unread: tuple[str, ...] = ()
    coverage: Coverage = Coverage.CHECKED

    @property
    def captions(self) -> tuple[StatementResult, ...]:
        """The photo captions' statements, shown apart: a caption describes a picture, not the story."""
        return tuple(r for r in self.results if r.statement.kind is BlockKind.CAPTION)

    @property
    def decisive(self) -> tuple[StatementResult, ...]:
        """The statements that decide the article's verdict and policy: every body statement, and a photo caption
        only when it is disputed (a changed caption is a changed article; an unsourced one is no finding)."""
        return tuple(
            r for r in self.results if r.statement.kind is not BlockKind.CAPTION or r.verdict.label is Label.DISPUTED
        )

    @property
    def counts(self) -> dict[str, int]:
        return _label_counts(self.decisive)

    def credit(self, statement: Statement) -> str | None:
        """The credit printed with a photo caption ("Photo: Example News"), as the stored copy gives it."""
        return next(
            (b.text for b in self.article.blocks if b.kind is BlockKind.CREDIT and b.index == statement.paragraph),
            None,
        )

    @property
    def unverifiable(self) -> int:
        return sum(1 for r in self.decisive if r.unverifiable)

    def link(self, url: str | None) -> LinkCheck | None:
        return self._links_by_url.get(url) if url is not None else None

    @functools.cached_property
    def _links_by_url(self) -> dict[str, LinkCheck]:
        # A look-up, not a scan: the report asks once per citation, and an article may have thousands.
        found: dict[str, LinkCheck] = {}
        for check in self.links:
            found.setdefault(check.url, check)
        return found


def _label_counts(results: Sequence[StatementResult]) -> dict[str, int]:
    found = Counter(r.verdict.label for r in results)
    return {label.value: found.get(label, 0) for label in Label}


def count(n: int, noun: str, plural: str | None = None) -> str:
    """ "1 statement", "2 statements", "0 statements"."""
    return f"{n} {noun if n == 1 else plural or noun + 's'}"


class FailOn(str, enum.Enum):
    """Which statements make an article fail the policy (`--fail-on`)."""

    DISPUTED = "disputed"
    UNVERIFIABLE = "unverifiable"
    UNSOURCED = "unsourced"
    NEVER = "never"

    def fails(self, report: Report) -> bool:
        return any(self.fails_on(result) for result in report.decisive)

    def fails_on(self, result: StatementResult) -> bool:
        """Whether this statement fails the policy. disputed, unverifiable, unsourced: each fails on what the one
        before it does, and more; never fails on nothing."""
        label = result.verdict.label
        if self is FailOn.NEVER:
            return False
        if self is FailOn.DISPUTED:
            return label is Label.DISPUTED
        if self is FailOn.UNVERIFIABLE:
            return label is Label.DISPUTED or result.unverifiable
        return label is not Label.SOURCED


def verdict_line(report: Report) -> str:
    """One line for the top of a report and for terminals: what a reader needs before anything else."""
    counts = report.counts
    unverifiable = f" ({report.unverifiable} unverifiable)" if report.unverifiable else ""
    parts = f"{counts['sourced']} sourced, {counts['unsourced']} unsourced{unverifiable}, {counts['disputed']} disputed"
    if counts["disputed"]:
        head = "Disputed"
    elif counts["unsourced"]:
        head = "Partly sourced"
    else:
        head = "Sourced"
    if report.offline:
        head = "Not checked (offline)"
    elif report.network_down:
        head = "Not checked (network unreachable)"
    elif report.coverage is Coverage.NOTHING:
        head = "Not checked (nothing could be read)"
    line = f"{head}: {parts} of {count(len(report.decisive), 'statement')}"
    if report.coverage is Coverage.PARTLY:
        line += f"; {count(len(report.unread), 'page')} could not be read"
    apart = [r for r in report.captions if r not in report.decisive]
    if apart:
        labels = Counter(r.verdict.label.value for r in apart)
        said = (
            ", ".join(f"{n} {label}" for label, n in labels.items()) if len(apart) > 1 else apart[0].verdict.label.value
        )
        line += f"; {count(len(apart), 'photo caption')} ({said}) not counted"
    return line


# --------------------------------------------------------------------------------------------------------------
# Escaping untrusted text: see verify/markdown.py, the one escaper. These names stay for the renderers that use them
# in table cells (the job summary, the index).


def md_text(text: str | None, limit: int | None = None) -> str:
    """Untrusted text made inert for Markdown, safe in a table cell too."""
    return markdown.text(text, limit, cell=True)


def md_link(label: str, url: str | None) -> str:
    """A link whose label is inert text and whose target can only be an http(s) URL; safe in a table cell."""
    return markdown.link(label, url, cell=True)


def md_code(text: str) -> str:
    """Inline code for names shown as they are (ids, outcomes, paths); safe in a table cell."""
    return markdown.code(text, cell=True)


# --------------------------------------------------------------------------------------------------------------
# JSON


def report_json(report: Report) -> dict[str, Any]:
    """The machine-readable report: stable key order, documented in docs/report-schema.md."""
    article = report.article
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "verify", "version": report.tool_version},
        "article": {
            "path": article.path,
            "slug": article.slug,
            "format": article.format,
            "title": article.title,
            "date": article.date.isoformat() if article.date else None,
            "url": article.url,
        },
        "offline": report.offline,
        "network_unreachable": report.network_down,
        "coverage": report.coverage.value,
        "summary": {
            "verdict": verdict_line(report),
            "statements": len(report.decisive),
            **report.counts,
            "unverifiable": report.unverifiable,
            "captions": {"statements": len(report.captions), **_label_counts(report.captions)},
        },
        "notes": list(report.notes),
        "unread": list(report.unread),
        "original": _link_json(report.original) if report.original else None,
        "citations": [_target_json(report, t) for t in report.targets],
        "links": [_link_json(check) for check in report.links],
        "comparison": _comparison_json(report.comparison),
        "statements": [_result_json(report, r) for r in report.results],
    }


def _target_json(report: Report, target: Target) -> dict[str, Any]:
    citation = target.citation
    check = report.link(target.url)
    return {
        "anchor": citation.anchor,
        "statement_id": citation.statement_id,
        "line": citation.line,
        "column": citation.column,
        "stripped": citation.stripped,
        "url": target.url,
        "recovery": target.recovery.value,
        "recovery_detail": target.detail,
        "live_outcome": check.live.outcome.value if check else None,
        "evidence_copy": check.evidence.value if check else None,
    }


def _link_json(check: LinkCheck) -> dict[str, Any]:
    live, archived = check.live, check.archive
    capture = archived.capture
    return {
        "url": check.url,
        "live": {
            "outcome": live.outcome.value,
            "status": live.status,
            "final_url": live.final_url,
            "redirects": [{"url": hop.url, "status": hop.status, "location": hop.location} for hop in live.hops],
            "content_type": live.content_type,
            "detail": live.detail,
        },
        "archive": {
            "outcome": archived.outcome.value,
            "detail": archived.detail,
            "capture": None
            if capture is None
            else {
                "timestamp": capture.timestamp,
                "status": capture.status,
                "permalink": capture.permalink,
                "raw_url": capture.raw_url,
                "archive": capture.archive_name,
                "lookup": capture.lookup,
            },
            "rejected": [
                {"timestamp": c.timestamp, "permalink": c.permalink, "why": why} for c, why in archived.rejected
            ],
            "save_job": None if archived.save_job is None else dataclasses.asdict(archived.save_job),
        },
        "evidence": check.evidence.value,
        "evidence_url": check.evidence_url,
        "summary": check.summary,
    }


def _comparison_json(comparison: Comparison | None) -> dict[str, Any] | None:
    if comparison is None:
        return None
    return {
        "archive_complete": comparison.archive_complete,
        "coverage": round(comparison.coverage, 4),
        "detail": comparison.detail,
        "missing_from_stored": list(comparison.missing_from_stored),
    }


def _result_json(report: Report, result: StatementResult) -> dict[str, Any]:
    statement, verdict, change = result.statement, result.verdict, result.change
    return {
        "id": statement.id,
        "text": statement.text,
        "kind": statement.kind.value,
        "line": statement.line,
        "end_line": statement.end_line,
        "column": statement.column,
        "span": [statement.start, statement.end],
        "citations": [c.anchor for c in statement.citations],
        "attribution": statement.attribution.source if statement.attribution else None,
        "credit": report.credit(statement) if statement.kind is BlockKind.CAPTION else None,
        "label": verdict.label.value,
        "unverifiable": result.unverifiable,
        "reason": verdict.reason,
        "score": round(verdict.score, 4),
        "conflicts": list(verdict.conflicts),
        "judge": verdict.judge,
        "nli": verdict.nli.to_json() if verdict.nli else None,
        "failed_sources": [
            {"source": f.source, "source_role": f.role.value, "failure": f.kind.value, "detail": f.detail}
            # Only an unsourced label rests on them: the others' would repeat the links section for every statement.
            for f in (verdict.failures if verdict.label is Label.UNSOURCED else ())
        ],
        "other_sources": verdict.other_sources.value if verdict.other_sources else None,
        "evidence": [
            {
                "quote": e.quote,
                "url": e.url,
                "capture_url": e.capture_url,
                "permalink": e.permalink,
                "source_role": e.role.value,
                "score": round(e.score, 4),
                "unmatched": list(e.unmatched),
            }
            for e in verdict.evidence
        ],
        "change": None
        if change is None
        else {
            "change": change.change.value,
            "archived_text": change.archived_text,
            "diff": change.diff,
            "kinds": list(change.kinds),
            "outside_body": change.outside_body,
        },
    }


def dumps(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


# --------------------------------------------------------------------------------------------------------------
# What every rendering shows: the links numbered once, the reasons in a line and in full, word diffs. Text comes as
# spans, which each renderer escapes its own way.


@dataclass(frozen=True)
class Words:
    """Text to show as it is (escaped by each renderer)."""

    text: str


@dataclass(frozen=True)
class Ref:
    """A cited link, explained once in the links section: “anchor” (link N)."""

    number: int
    anchor: str


@dataclass(frozen=True)
class Removed:
    """Words of the archived original that the stored copy changed or dropped."""

    text: str


@dataclass(frozen=True)
class Added:
    """Words of the stored copy that the archived original does not have."""

    text: str


Span = Words | Ref | Removed | Added


@dataclass(frozen=True)
class LinkRow:
    """One link of the links section: a cited URL (every citation of it), or a link that was not recovered."""

    number: int
    url: str | None
    targets: tuple[Target, ...]
    check: LinkCheck | None

    @property
    def anchor(self) -> str:
        return self.targets[0].citation.anchor

    @property
    def ref(self) -> Ref:
        return Ref(self.number, self.anchor)


def link_rows(report: Report) -> tuple[LinkRow, ...]:
    """The links section's rows, numbered in the order the article first cites them."""
    grouped: dict[object, list[Target]] = {}
    for target in report.targets:
        grouped.setdefault(target.url if target.url is not None else id(target), []).append(target)
    return tuple(
        LinkRow(n, targets[0].url, tuple(targets), report.link(targets[0].url))
        for n, targets in enumerate(grouped.values(), 1)
    )


_ROLE = {
    SourceRole.OWN: "its own citation",
    SourceRole.ATTRIBUTED: "the document it attributes",
    SourceRole.OTHER: "another citation of the article",
}


def _row_for(rows: Sequence[LinkRow], url: str) -> LinkRow | None:
    return next((row for row in rows if row.url == url), None)


def _source(rows: Sequence[LinkRow], role: SourceRole, url: str) -> list[Span]:
    row = _row_for(rows, url)
    return [Words(_ROLE[role] + " "), row.ref] if row else [Words(f"{_ROLE[role]} {url}")]


def short_reason(report: Report, result: StatementResult, rows: Sequence[LinkRow]) -> list[Span]:
    """The reason in one line, for the summary table: what decided the label, and which link it rests on."""
    verdict, change = result.verdict, result.change
    evidence = verdict.evidence[0] if verdict.evidence else None
    if verdict.label is Label.DISPUTED:
        if verdict.changed_since_original and change is not None and change.change is Change.SUBSTANTIVE:
            return [Words("changed since the archived original: "), *diff_spans(change.diff)]
        if verdict.changed_since_original and change is not None and change.change is Change.ABSENT:
            return [Words("absent from the archived original")]
        if evidence is not None:
            conflict = "; ".join(verdict.conflicts)
            return [Words("contradicted by "), *_source(rows, evidence.role, evidence.url), Words(f": {conflict}")]
        return full_reason(report, result, rows)
    if verdict.label is Label.SOURCED and evidence is not None:
        return [Words("carried by "), *_source(rows, evidence.role, evidence.url)]
    return _unsourced_reason(report, result, rows)


def _unsourced_reason(report: Report, result: StatementResult, rows: Sequence[LinkRow]) -> list[Span]:
    """What each of its own citations gave it, then what the article's other sources did: from the verdict's findings
    (`Verdict.failures`, `other_sources`, `unverifiable`), never from the words of its reason."""
    statement, verdict = result.statement, result.verdict
    if report.offline:
        return [Words("not checked (--offline)")]
    spans: list[Span] = []
    if not statement.citations and statement.kind is not BlockKind.CAPTION:
        spans.append(Words("no citation"))
    failures = {f.source: f for f in verdict.failures if f.role is SourceRole.OWN}
    own = [row for row in rows if any(t.citation.statement_id == statement.id for t in row.targets)]
    for row in own:
        spans.append(Words("; " if spans else ""))
        failure = failures.get(row.url if row.url is not None else row.anchor)
        kind = failure.kind if failure is not None else _link_failure(row)
        spans += [Words("its link " if kind is Failure.NOT_RECOVERED else "its citation "), row.ref]
        spans.append(Words(_OWN_SAID[kind]))
    if verdict.other_sources is OtherSources.NONE_CARRIES:
        spans.append(Words("; no other source carries it" if spans else "no source of the article carries it"))
    elif verdict.other_sources is OtherSources.NONE_READ:
        spans.append(Words("; no other source could be read" if spans else "no source of the article could be read"))
    elif verdict.other_sources is OtherSources.NOT_WEIGHED:
        spans.append(Words("; not weighed against the other sources" if spans else "not weighed against the sources"))
    if verdict.unverifiable:
        spans.append(Words(" (unverifiable)"))
    return [s for s in spans if not isinstance(s, Words) or s.text] or full_reason(report, result, rows)


# What a citation of the statement gave it, said after its name in the summary table: a failure, or None for a
# citation that was read and does not carry it.
_OWN_SAID: dict[Failure | None, str] = {
    Failure.GONE: " is dead and was never archived",
    Failure.NOT_RECOVERED: " was not recovered",
    Failure.UNREAD: " could not be read",
    Failure.NOT_A_WEB_LINK: " could not be read",
    # Read, and not weighed against a statement that the run's time limit left unweighed (--offline is said apart).
    Failure.NOT_CHECKED: " was not checked",
    Failure.NO_TEXT: " could not be read",
    None: " does not carry it",
}


def _link_failure(row: LinkRow) -> Failure | None:
    """For a citation the verdict names no failure of, what its link check says: its failure (for a verdict made
    without its sources), or None for a page that was read."""
    if row.url is None:
        return Failure.NOT_RECOVERED
    if row.check is not None and row.check.gone:
        return Failure.GONE
    if row.check is None or row.check.evidence is EvidenceCopy.NONE:
        return Failure.UNREAD
    return None


def _no_source(rows: Sequence[LinkRow]) -> str:
    return "no source of the article could be read" if rows else "the article cites no source"


# A passage the judge's reason quotes (Python's repr of a string, after a colon).
_QUOTED = re.compile(r"""(?<=: )(?:'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")""")
# A failed citation in the full reason: what failed, and the link that says how in the links section.
_FAILED_HEAD = {
    Failure.GONE: "cited source dead and never archived",
    Failure.NOT_RECOVERED: "its link was not recovered",
    Failure.UNREAD: "unverifiable",
}


def _failure_named(failure: SourceFailure, row: LinkRow) -> list[Span]:
    """A failed citation told once: "unverifiable: blocked (HTTP 403) ... (https://...)" becomes "unverifiable:
    blocked, see “said” (link 1)", the chain of what failed being told in the links section."""
    head = _FAILED_HEAD[failure.kind]
    if failure.kind is Failure.UNREAD:
        head += ": " + failure.detail.split(" (", 1)[0].split(":", 1)[0]
    return [Words(f"{head}, see "), row.ref]


def full_reason(report: Report, result: StatementResult, rows: Sequence[LinkRow]) -> list[Span]:
    """The judge's reason in full, with each passage quoted below it named rather than quoted again, each cited URL
    named by its link, and each failed citation (`Verdict.failures`) named by its link, its failure being told in
    the links section."""
    verdict = result.verdict
    reason = verdict.reason
    if result.statement.kind is BlockKind.CAPTION and verdict.uncited:
        # A caption never has a citation of its own: what matters is whether any of the article's sources has it.
        reason = reason.removeprefix(NO_CITATION).removeprefix("; ") or _no_source(rows)
    named_failures: dict[str, list[Span]] = {}
    for failure in verdict.failures:
        row = _row_for_source(rows, failure.source)
        if failure.kind in _FAILED_HEAD and row is not None and failure.said in reason:
            token = f"f{len(named_failures)}"
            named_failures[token] = _failure_named(failure, row)
            reason = reason.replace(failure.said, f"\x00{token}\x00")
    quotes = [" ".join(e.quote.split()) for e in verdict.evidence]

    def unquote(match: re.Match[str]) -> str:
        try:
            excerpt = " ".join(str(ast.literal_eval(match.group(0))).split()).removesuffix("...")
        except (ValueError, SyntaxError):
            return match.group(0)
        if len(excerpt) >= 20 and any(q.startswith(excerpt) for q in quotes):
            return "\x01"
        return match.group(0)

    reason = _QUOTED.sub(unquote, reason)
    reason = reason.replace("best passage: \x01", "best passage below").replace(
        "closest: \x01", "closest passage below"
    )
    reason = reason.replace("\x01", "the passage below")
    # Longest first, so that a URL that begins another is not taken for it.
    named = [row for row in rows if (row.url if row.url is not None else f"({row.anchor})") in reason]
    for row in sorted(named, key=lambda r: -len(r.url or r.anchor)):
        if row.url is None:
            reason = reason.replace(f"({row.anchor})", f"(\x00{row.number}\x00)")
        else:
            # The URL itself, not the start of a longer one that a quoted passage holds.
            whole = re.compile(re.escape(row.url) + r"(?=[\s'\",;:)]|$)")
            reason = whole.sub(f"\x00{row.number}\x00", reason)
    change = result.change
    if verdict.changed_since_original and change is not None and change.diff and change.diff in reason:
        reason = reason.replace(change.diff, "\x00diff\x00", 1)
    numbered = {row.number: row for row in rows}
    spans: list[Span] = []
    for n, piece in enumerate(reason.split("\x00")):
        if n % 2 and piece.isdigit() and int(piece) in numbered:
            spans.append(numbered[int(piece)].ref)
        elif n % 2 and piece in named_failures:
            spans += named_failures[piece]
        elif n % 2 and piece == "diff" and change is not None:
            spans += diff_spans(change.diff)
        elif piece:
            spans.append(Words(piece))
    return spans


def _row_for_source(rows: Sequence[LinkRow], source: str) -> LinkRow | None:
    """The row of a source as the judge names it: its URL, or a link not recovered's anchor text."""
    return _row_for(rows, source) or next((row for row in rows if row.url is None and row.anchor == source), None)


def diff_spans(diff: str) -> list[Span]:
    """compare's word diff (`... take [-14-]{+18+} months`) as words kept, removed and added."""
    spans: list[Span] = []
    for kind, words in diff_parts(diff):
        spans.append(Removed(words) if kind == "removed" else Added(words) if kind == "added" else Words(words))
    return spans


def capture_phrase(report: Report, check: LinkCheck) -> str | None:
    """ "capture of 2024-03-11 19:04 UTC, 1 day before the article's date", or None without a capture."""
    capture = check.archive.capture
    if capture is None:
        return None
    phrase = f"capture of {capture.when:%Y-%m-%d %H:%M} UTC"
    if report.article.date is not None:
        days = (report.article.date - capture.when.date()).days
        if days:
            phrase += f", {count(abs(days), 'day')} {'before' if days > 0 else 'after'} the article's date"
        else:
            phrase += ", the article's date"
    return phrase


def link_problem(report: Report, row: LinkRow) -> str:
    """What went wrong with a link, once, for the links section ("" for a link read as it should be)."""
    if row.url is None:
        detail = row.targets[0].detail
        for note in report.notes:
            detail = detail.replace(note, "see the note at the top")
        return detail
    check = row.check
    if check is None:
        return "not fetched" + (" (--offline)" if report.offline else "")
    problems = []
    if check.live.outcome not in (Outcome.OK,):
        problems.append(f"live: {check.live.detail}")
    if check.archive.capture is None:
        problems.append(f"archive: {check.archive.detail}")
    if check.gone:
        problems.append("dead and never archived: no copy exists to weigh the statements citing it against")
    elif check.evidence is EvidenceCopy.NONE:
        problems.append("no copy could be read: the statements citing it are not checked against it")
    elif check.evidence is EvidenceCopy.LIVE:
        problems.append("the live page, which may have changed since the article, is the evidence")
    return "; ".join(problems)


# --------------------------------------------------------------------------------------------------------------
# Markdown

_LABEL_MARK = {
    Label.SOURCED: "✅\u00a0sourced",
    Label.UNSOURCED: "⚪\u00a0unsourced",
    Label.DISPUTED: "❌\u00a0disputed",
}
STATEMENT_CHARS = 90  # a statement's text in the summary table, cut at a word


def _mark(result: StatementResult) -> str:
    return _LABEL_MARK[result.verdict.label] + (" (unverifiable)" if result.unverifiable else "")


def capture_origin(capture: Capture) -> str:
    """Where a capture came from, when not from the Wayback Machine's index: another archive, or made at check time."""
    if capture.lookup == "save-page-now":
        return "archived at check time, Save Page Now"
    if capture.archive_name != WAYBACK_NAME:
        return capture.archive_name
    return ""


def _origin(capture: Capture) -> str:
    origin = capture_origin(capture)
    return f" ({markdown.text(origin, cell=True)})" if origin else ""


def _md(spans: Sequence[Span], *, cell: bool = False) -> str:
    out: list[str] = []
    for span in spans:
        if isinstance(span, Words):
            # Leading and trailing spaces are the span's own; the escaper sees the words.
            text = markdown.text(span.text, cell=cell)
            lead = " " if span.text[:1].isspace() and text else ""
            trail = " " if span.text[-1:].isspace() and text else ""
            out.append(lead + text + trail)
        elif isinstance(span, Ref):
            # The link's number leads to its row of the links table.
            out.append(f"“{markdown.text(span.anchor, 60, cell=cell)}” ([link {span.number}](#link-{span.number}))")
        elif isinstance(span, Removed):
            out.append(markdown.struck(span.text, cell=cell))
        else:
            if out and isinstance(spans[len(out) - 1], Removed):
                out.append(" ")
                out.append(markdown.marked(span.text, cell=cell))
                continue
            out.append(markdown.marked(span.text, cell=cell))
    return "".join(out)


def render_markdown(report: Report) -> str:
    """The report a person reads: verdict first, then statements, links, and what changed since the original."""
    article = report.article
    rows = link_rows(report)
    title = markdown.text(article.title, heading=True) or markdown.code(article.path)
    out: list[str] = [f"# Verification report: {title}", ""]
    out += [f"**{markdown.text(verdict_line(report))}**", ""]
    for note in report.notes:
        out += [f"> {markdown.text(note, line_start=True)}", ""]
    out += _metadata(report)
    out += _summary(report, rows)
    out += _evidence(report, rows)
    out += _links(report, rows)
    out += _integrity(report)
    out += ["---", "", f"Generated by verify {report.tool_version}.", ""]
    return "\n".join(out)


def _metadata(report: Report) -> list[str]:
    article = report.article
    rows = [
        ("Stored copy", md_code(article.path)),
        ("Published", article.date.isoformat() if article.date else "unknown"),
        ("Original URL", markdown.url(article.url, cell=True) if article.url else "unknown"),
    ]
    original = report.original
    if original is not None:
        rows.append(("Original, live", md_text(f"{original.live.outcome.value}: {original.live.detail}")))
        capture = original.archive.capture
        if capture is not None:
            rows.append(
                (
                    "Archived original",
                    md_link(f"capture of {capture.when:%Y-%m-%d %H:%M} UTC", capture.permalink) + _origin(capture),
                )
            )
        else:
            rows.append(("Archived original", md_text(f"{original.archive.outcome.value}: {original.archive.detail}")))
    elif report.offline:
        rows.append(("Original", "not fetched (--offline)"))
    out = ["## Article", "", "| field | value |", "|---|---|"]
    out += [f"| {name} | {value} |" for name, value in rows]
    return [*out, ""]


def _summary(report: Report, rows: Sequence[LinkRow]) -> list[str]:
    out = ["## Statements", "", "| id | line | statement | label | reason |", "|---|---|---|---|---|"]
    for result in report.results:
        if result.statement.kind is BlockKind.CAPTION:
            continue
        out.append(_summary_row(report, result, rows))
    captions = report.captions
    if captions:
        counted = "counted only when disputed" if len(captions) == 1 else "each counted only when disputed"
        out += [
            "",
            f"{'Photo caption' if len(captions) == 1 else 'Photo captions'}, judged against the article's sources "
            f"and {counted}:",
            "",
            "| id | line | caption | credit | label | reason |",
            "|---|---|---|---|---|---|",
        ]
        for result in captions:
            credit = md_text(report.credit(result.statement)) or "none"
            out.append(_summary_row(report, result, rows, credit))
    return [*out, ""]


def _summary_row(report: Report, result: StatementResult, rows: Sequence[LinkRow], credit: str | None = None) -> str:
    statement = result.statement
    cells = [md_code(statement.id), str(statement.line), md_text(statement.text, STATEMENT_CHARS)]
    if credit is not None:
        cells.append(credit)
    cells += [_mark(result), _md(short_reason(report, result, rows), cell=True)]
    return "| " + " | ".join(cells) + " |"


def _evidence(report: Report, rows: Sequence[LinkRow]) -> list[str]:
    out = ["## Statements and their evidence", ""]
    body = [r for r in report.results if r.statement.kind is not BlockKind.CAPTION]
    for result in [*body, *report.captions]:
        statement, verdict = result.statement, result.verdict
        kind = " · photo caption" if statement.kind is BlockKind.CAPTION else ""
        out.append(f"### {md_code(statement.id)}{kind} · {_mark(result)} · line {statement.line}")
        out += ["", f"> {markdown.text(statement.text, line_start=True)}", ""]
        if statement.kind is BlockKind.CAPTION:
            out += [f"Credit line: {markdown.text(report.credit(statement)) or 'none'}", ""]
        if statement.attribution is not None:
            out += [f"Attributed to: {markdown.text(statement.attribution.source)}", ""]
        out += [f"**Why:** {_md(full_reason(report, result, rows))}", ""]
        if verdict.nli is not None:  # an entailment model (--nli) read it: which, and what it read
            p = verdict.nli
            out += [
                f"Judged by {markdown.code(verdict.judge)}: entailment {p.entailment:.2f}, neutral {p.neutral:.2f}, "
                f"contradiction {p.contradiction:.2f}",
                "",
            ]
        conflicts = [c for c in verdict.conflicts if c not in verdict.reason]
        for conflict in conflicts:
            out.append(f"- Conflict: {markdown.text(conflict)}")
        for evidence in verdict.evidence:
            out.append(_evidence_line(report, rows, evidence))
        if conflicts or verdict.evidence:
            out.append("")
    return out


def _evidence_line(report: Report, rows: Sequence[LinkRow], evidence: Evidence) -> str:
    row = _row_for(rows, evidence.url)
    where = _md([Words(evidence.role.value + " "), row.ref]) if row else markdown.text(evidence.role.value)
    check = row.check if row else None
    copy = "archived copy" if evidence.capture_url else "live page"
    if evidence.capture_url and check is not None and check.archive.capture is not None:
        copy += f" of {check.archive.capture.when:%Y-%m-%d}"
    line = f"- “{markdown.text(evidence.quote, 400)}” — {where}, {markdown.link(copy, evidence.permalink)}"
    line += f" · score {evidence.score:.2f}"
    if evidence.unmatched:
        line += f" · not in this passage: {_word_list(evidence.unmatched)}"
    return line


def _word_list(words: Sequence[str]) -> str:
    return ", ".join(f"“{markdown.text(word)}”" for word in words)


def _links(report: Report, rows: Sequence[LinkRow]) -> list[str]:
    out = ["## Links", ""]
    if not rows:
        return [*out, "The stored copy cites no links.", ""]
    out += ["| link | cited as (line) | URL | live | archived copy used |", "|---|---|---|---|---|"]
    for row in rows:
        cited = ", ".join(f"{md_text(t.citation.anchor, 60)} ({t.citation.line})" for t in row.targets)
        if row.url is None:
            url = "not recovered"
        else:
            url = markdown.url(row.url, cell=True)
            if row.targets[0].recovery is Recovery.RECOVERED:
                url += " (recovered)"
        check = row.check
        if check is None:
            live = "not checked" if report.offline or row.url is None else "not fetched"
            if row.url is not None and not row.url.startswith(("http://", "https://")):
                live = "not a web link: never fetched"
            capture = "—"
        else:
            live = md_code(check.live.outcome.value)
            captured = check.archive.capture
            capture = (
                md_link(f"{captured.when:%Y-%m-%d}", captured.permalink) + _origin(captured)
                if captured is not None
                else md_code(check.archive.outcome.value)
            )
        # An HTML anchor, which GitHub keeps (as user-content-link-N, and follows #link-N to it) and cmark-gfm too.
        out.append(f'| <a id="link-{row.number}"></a>{row.number} | {cited} | {url} | {live} | {capture} |')
    details = [_link_detail(report, row) for row in rows]
    if any(details):
        out += ["", "What happened to each link that was not read as cited:", ""]
        out += [d for d in details if d]
    return [*out, ""]


def _link_detail(report: Report, row: LinkRow) -> str:
    """One line for a link whose live page or archive had something to say: the why behind the table's words."""
    problem = link_problem(report, row)
    check = row.check
    skipped = check.archive.rejected if check is not None else ()
    outside = any(OUTSIDE_BODY in t.detail for t in row.targets)
    if not problem and not skipped and not outside and (check is None or not check.live.hops):
        return ""
    parts = [problem] if problem else []
    parts[:0] = [t.detail for t in row.targets if OUTSIDE_BODY in t.detail][:1]
    if check is not None and check.live.hops and check.live.final_url not in check.live.detail:
        parts.append(f"ends at {check.live.final_url}")
    pieces = [markdown.text("; ".join(parts))] if parts else []
    if check is not None:
        capture = check.archive.capture
        phrase = capture_phrase(report, check)
        if capture is not None and phrase is not None:
            pieces.append(f"read from the archive's {markdown.link(phrase, capture.permalink)}{_origin(capture)}")
        for skipped_capture, why in skipped:
            when = f"capture of {skipped_capture.when:%Y-%m-%d %H:%M}"
            pieces.append(f"skipped {markdown.link(when, skipped_capture.permalink)} ({markdown.text(why, 160)})")
    return f"- **link {row.number}**, {markdown.text(row.anchor, 60)}: " + "; ".join(pieces)


def _integrity(report: Report) -> list[str]:
    out = ["## Stored copy vs archived original", ""]
    comparison = report.comparison
    if comparison is None:
        why = "--offline" if report.offline else "no archived original could be read"
        return [*out, f"Not compared: {why}.", ""]
    changes = Counter(r.change.change for r in report.results if r.change is not None)
    summary = ", ".join(f"{changes.get(kind, 0)} {kind.value}" for kind in Change if changes.get(kind))
    if comparison.archive_complete:
        completeness = (
            f"The archived original was extracted whole ({comparison.coverage:.0%} of statements found in it)."
        )
    else:
        completeness = f"The archived original looks incomplete: {markdown.text(comparison.detail)}"
    out += [f"Statements: {summary or 'none'}. {completeness}", ""]
    substantive = [r.change for r in report.results if r.change is not None and r.change.change is Change.SUBSTANTIVE]
    if substantive:
        out += [
            "Changed words are ~~struck~~ where the archived original has them and **bold** where the stored copy has them.",
            "",
        ]
    for change in substantive:
        assert change is not None
        out += [
            f"### {md_code(change.id)} changed ({markdown.text(', '.join(change.kinds))})",
            "",
            f"- Stored: {markdown.text(change.text)}",
            f"- Archived: {markdown.text(change.archived_text)}",
            f"- Words changed: {_md(diff_spans(change.diff))}",
            "",
        ]
    absent = [r.statement.id for r in report.results if r.change is not None and r.change.change is Change.ABSENT]
    if absent:
        out += [f"Absent from the archived original: {', '.join(md_code(i) for i in absent)}", ""]
    if comparison.missing_from_stored:
        out += ["Sentences of the archived original missing from the stored copy:", ""]
        out += [f"- {markdown.text(s, 300, line_start=True)}" for s in comparison.missing_from_stored]
        out.append("")
    return out


# --------------------------------------------------------------------------------------------------------------
# Files


def write_atomic(path: Path, text: str) -> None:
    """Write a file whole or not at all: a temporary file beside it, flushed, then renamed over the target.

    The temporary file is created as `open()` would create the file (mode 0666 less the umask), not 0600 as
    `mkstemp` makes it, so the report can be read by whom the user's umask lets read their files.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = _create_beside(path)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _create_beside(path: Path) -> tuple[int, str]:
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    while True:
        tmp = str(path.parent / f".{path.name}.{secrets.token_hex(6)}.tmp")
        try:
            return os.open(tmp, flags, 0o666), tmp
        except FileExistsError:
            continue


def write_report(report: Report, out_dir: Path, slug: str | None = None) -> tuple[Path, Path, Path]:
    """`<out>/<slug>.md`, `<out>/<slug>.json` and `<out>/<slug>.html`, each written atomically."""
    from verify.html_report import render_html

    markdown_text = render_markdown(report)
    page = render_html(report)
    data = dumps(report_json(report))
    name = slug or report.article.slug
    md_path = out_dir / f"{name}.md"
    json_path = out_dir / f"{name}.json"
    html_path = out_dir / f"{name}.html"
    # The JSON last: once it is there, so are the others (a run or a watcher may wait on it).
    write_atomic(md_path, markdown_text)
    write_atomic(html_path, page)
    write_atomic(json_path, data)
    return md_path, json_path, html_path

"""The report of one article: the data every renderer reads, the Markdown and JSON renderings, atomic writes."""

from __future__ import annotations

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
from urllib.parse import quote

from verify.archive import WAYBACK_NAME, Capture
from verify.article import Article, Statement
from verify.compare import Change, Comparison, StatementChange
from verify.judge import Label, Verdict
from verify.links import LinkCheck, Recovery, Target

#: Version of the JSON report's layout; bumped on any change that could break a reader (see docs/report-schema.md).
SCHEMA_VERSION = "1.3"


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
    def counts(self) -> dict[str, int]:
        found = Counter(r.verdict.label for r in self.results)
        return {label.value: found.get(label, 0) for label in Label}

    @property
    def unverifiable(self) -> int:
        return sum(1 for r in self.results if r.unverifiable)

    def link(self, url: str | None) -> LinkCheck | None:
        return self._links_by_url.get(url) if url is not None else None

    @functools.cached_property
    def _links_by_url(self) -> dict[str, LinkCheck]:
        # A look-up, not a scan: the report asks once per citation, and an article may have thousands.
        found: dict[str, LinkCheck] = {}
        for check in self.links:
            found.setdefault(check.url, check)
        return found


class FailOn(str, enum.Enum):
    """Which statements make an article fail the policy (`--fail-on`)."""

    DISPUTED = "disputed"
    UNVERIFIABLE = "unverifiable"
    UNSOURCED = "unsourced"
    NEVER = "never"

    def fails(self, report: Report) -> bool:
        return any(self.fails_on(result) for result in report.results)

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
    total = len(report.results)
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
    unread = ""
    if report.coverage is Coverage.PARTLY:
        pages = len(report.unread)
        unread = f"; {pages} {'page' if pages == 1 else 'pages'} could not be read"
    return f"{head}: {parts} of {total} statements{unread}"


# --------------------------------------------------------------------------------------------------------------
# Escaping untrusted text


_MD_ALWAYS = re.compile(r"([\\`*_\[\]<>|~&])")
# Characters that matter only in some places: a line start (headings, lists, quotes), a URL scheme or a `www.` or an
# e-mail address (GitHub's autolinks).
_MD_LINE_START = re.compile(r"^(?:[#+=>-]|\d+[.)])")
_AUTOLINK = re.compile(r"(?i)(?<=\w)(:)(?=//)|(?<=www)(\.)|(@)")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


def md_text(text: str | None, limit: int | None = None) -> str:
    """Page or article text made inert for Markdown: one line, every character that could start markup escaped.

    Backslash escapes make `[`, `<`, `*`, `|`, `&` ... literal, so no link, HTML tag, entity, emphasis or table cell
    can be injected; escaping the `:` of `://`, the `.` of `www.` and `@` keeps GitHub from auto-linking URLs,
    domains and e-mail addresses found in page text.
    """
    if text is None:
        return ""
    flat = " ".join(_CONTROL.sub(" ", text).split())
    if limit is not None and len(flat) > limit:
        flat = flat[: limit - 1].rstrip() + "…"
    escaped = _MD_ALWAYS.sub(r"\\\1", flat)
    escaped = _AUTOLINK.sub(lambda m: "\\" + m.group(0), escaped)
    return _MD_LINE_START.sub(lambda m: m.group(0)[:-1] + "\\" + m.group(0)[-1], escaped)


def md_link(label: str, url: str | None) -> str:
    """A link whose label is escaped text and whose target can only be an http(s) URL; anything else is shown inert."""
    if not url:
        return md_text(label)
    if not url.startswith(("http://", "https://")):
        return f"{md_text(label)} ({md_text(url)})"
    safe = quote(url, safe="/:?#[]@!$&'*+,;=%~-._")
    safe = safe.replace("(", "%28").replace(")", "%29").replace("[", "%5B").replace("]", "%5D")
    return f"[{md_text(label)}]({safe})"


def md_code(text: str) -> str:
    """Inline code for names we show as they are (ids, outcomes, paths); safe in a table cell too.

    Backticks inside are replaced; `|` is escaped because GitHub ends a table cell at it even inside code.
    """
    return "`" + text.replace("`", "'").replace("|", "\\|").replace("\n", " ") + "`"


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
            "statements": len(report.results),
            **report.counts,
            "unverifiable": report.unverifiable,
        },
        "notes": list(report.notes),
        "unread": list(report.unread),
        "original": _link_json(report.original) if report.original else None,
        "citations": [_target_json(report, t) for t in report.targets],
        "links": [_link_json(check) for check in report.links],
        "comparison": _comparison_json(report.comparison),
        "statements": [_result_json(r) for r in report.results],
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


def _result_json(result: StatementResult) -> dict[str, Any]:
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
        "label": verdict.label.value,
        "unverifiable": result.unverifiable,
        "reason": verdict.reason,
        "score": round(verdict.score, 4),
        "conflicts": list(verdict.conflicts),
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
        },
    }


def dumps(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


# --------------------------------------------------------------------------------------------------------------
# Markdown

_LABEL_MARK = {
    Label.SOURCED: "✅\u00a0sourced",
    Label.UNSOURCED: "⚪\u00a0unsourced",
    Label.DISPUTED: "❌\u00a0disputed",
}


def _mark(result: StatementResult) -> str:
    return _LABEL_MARK[result.verdict.label] + (" (unverifiable)" if result.unverifiable else "")


def render_markdown(report: Report) -> str:
    """The report a person reads: verdict first, then statements, links, and what changed since the original."""
    article = report.article
    out: list[str] = [f"# Verification report: {md_text(article.title) or md_text(article.path)}", ""]
    out += [f"**{verdict_line(report)}**", ""]
    for note in report.notes:
        out += [f"> {md_text(note)}", ""]
    out += _metadata(report)
    out += _statements(report)
    out += _evidence(report)
    out += _links(report)
    out += _integrity(report)
    out += ["---", f"Generated by verify {report.tool_version}.", ""]
    return "\n".join(out)


def _metadata(report: Report) -> list[str]:
    article = report.article
    rows = [
        ("Stored copy", md_code(article.path)),
        ("Published", article.date.isoformat() if article.date else "unknown"),
        ("Original URL", md_link(article.url or "", article.url) if article.url else "unknown"),
    ]
    original = report.original
    if original is not None:
        rows.append(("Original, live", md_text(f"{original.live.outcome.value}: {original.live.detail}")))
        capture = original.archive.capture
        if capture is not None:
            rows.append(
                (
                    "Archived original",
                    md_link(f"capture of {capture.when:%Y-%m-%d %H:%M} UTC", capture.permalink)
                    + _capture_origin(capture),
                )
            )
        else:
            rows.append(("Archived original", md_text(f"{original.archive.outcome.value}: {original.archive.detail}")))
    elif report.offline:
        rows.append(("Original", "not fetched (--offline)"))
    out = ["## Article", "", "| field | value |", "|---|---|"]
    out += [f"| {name} | {value} |" for name, value in rows]
    return [*out, ""]


def _statements(report: Report) -> list[str]:
    out = ["## Statements", "", "| id | line | label | reason | evidence |", "|---|---|---|---|---|"]
    for result in report.results:
        verdict = result.verdict
        evidence = verdict.evidence[0] if verdict.evidence else None
        link = md_link("passage", evidence.permalink) if evidence else ""
        out.append(
            f"| {md_code(result.statement.id)} | {result.statement.line} | {_mark(result)} "
            f"| {md_text(_short(verdict.reason, 160))} | {link} |"
        )
    return [*out, ""]


def _short(text: str, limit: int) -> str:
    """The first `limit` characters, cut at a word, for a table cell; the full text is in the section below."""
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(" ,;:") + " …"


def _evidence(report: Report) -> list[str]:
    out = ["## Statements and their evidence", ""]
    for result in report.results:
        statement, verdict = result.statement, result.verdict
        out.append(f"### {md_code(statement.id)} · {_mark(result)} · line {statement.line}")
        out += ["", f"> {md_text(statement.text)}", "", f"**Why:** {md_text(verdict.reason)}", ""]
        if statement.attribution is not None:
            out += [f"Attributed to: {md_text(statement.attribution.source)}", ""]
        for conflict in verdict.conflicts:
            out.append(f"- Conflict: {md_text(conflict)}")
        for evidence in verdict.evidence:
            source = md_link(evidence.url, evidence.url)
            out.append(
                f"- Evidence ({md_text(evidence.role.value)}, score {evidence.score:.2f}) from {source}: "
                f"“{md_text(evidence.quote, 300)}” {md_link('open the passage', evidence.permalink)}"
                + (f" · not in this passage: {_word_list(evidence.unmatched)}" if evidence.unmatched else "")
            )
        if verdict.conflicts or verdict.evidence:
            out.append("")
    return out


def _word_list(words: Sequence[str]) -> str:
    return ", ".join(f"“{md_text(word)}”" for word in words)


def _links(report: Report) -> list[str]:
    out = ["## Links", ""]
    if not report.targets:
        return [*out, "The stored copy cites no links.", ""]
    out += ["| anchor | line | URL | live | capture used |", "|---|---|---|---|---|"]
    details: list[str] = []
    for target in report.targets:
        check = report.link(target.url)
        anchor = md_text(target.citation.anchor, 60)
        if target.url is None:
            url = "not recovered"
        else:
            shown = re.sub(r"^https?://(www\.)?", "", target.url)
            url = md_link(shown if len(shown) <= 48 else shown[:47] + "…", target.url)
            if target.recovery is Recovery.RECOVERED:
                url += " (recovered)"
        if check is None:
            live = "not checked" if report.offline or target.url is None else "not fetched"
            if target.url is not None and not target.url.startswith(("http://", "https://")):
                live = "not a web link: never fetched"
            capture = "—"
        else:
            live = md_code(check.live.outcome.value)
            captured = check.archive.capture
            capture = (
                md_link(f"{captured.when:%Y-%m-%d}", captured.permalink) + _capture_origin(captured)
                if captured is not None
                else md_code(check.archive.outcome.value)
            )
        out.append(f"| {anchor} | {target.citation.line} | {url} | {live} | {capture} |")
        details.append(_link_detail(target, check))
    out += ["", "Details:", ""]
    out += [d for d in dict.fromkeys(details) if d]
    return [*out, ""]


def _capture_origin(capture: Capture) -> str:
    """Where a capture came from, when not from the Wayback Machine's index: another archive, or made at check time."""
    if capture.lookup == "save-page-now":
        return " (archived at check time, Save Page Now)"
    if capture.archive_name != WAYBACK_NAME:
        return f" ({md_text(capture.archive_name)})"
    return ""


def _link_detail(target: Target, check: LinkCheck | None) -> str:
    """One line per link on what happened to it: the why behind the table's short words."""
    name = md_text(target.citation.anchor, 60)
    if target.url is None:
        return f"- {name}: {md_text(target.detail, 300)}"
    if check is None:
        return ""
    parts = [f"live {md_text(check.live.detail, 160)}"]
    if check.live.hops:
        parts.append(f"ends at {md_text(check.live.final_url, 120)}")
    parts.append(f"archive: {md_text(check.archive.detail, 200)}")
    for capture, why in check.archive.rejected:
        parts.append(f"skipped capture {md_link(capture.timestamp, capture.permalink)} ({md_text(why, 120)})")
    evidence = check.evidence_url
    parts.append(f"evidence: {md_link(check.evidence.value + ' copy', evidence)}" if evidence else "evidence: none")
    return f"- {name}: " + "; ".join(parts)


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
        completeness = f"The archived original looks incomplete: {md_text(comparison.detail)}"
    out += [f"Statements: {summary or 'none'}. {completeness}", ""]
    for result in report.results:
        change = result.change
        if change is None or change.change is not Change.SUBSTANTIVE:
            continue
        out += [
            f"### {md_code(change.id)} changed ({md_text(', '.join(change.kinds))})",
            "",
            f"- Stored: {md_text(change.text)}",
            f"- Archived: {md_text(change.archived_text)}",
            f"- Words changed (\\[-removed-\\] {{+added+}}): {md_text(change.diff)}",
            "",
        ]
    absent = [r.statement.id for r in report.results if r.change is not None and r.change.change is Change.ABSENT]
    if absent:
        out += [f"Absent from the archived original: {', '.join(md_code(i) for i in absent)}", ""]
    if comparison.missing_from_stored:
        out += ["Sentences of the archived original missing from the stored copy:", ""]
        out += [f"- {md_text(s, 300)}" for s in comparison.missing_from_stored]
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


def write_report(report: Report, out_dir: Path, slug: str | None = None) -> tuple[Path, Path]:
    """`<out>/<slug>.md` and `<out>/<slug>.json`, each written atomically."""
    markdown = render_markdown(report)
    data = dumps(report_json(report))
    name = slug or report.article.slug
    md_path = out_dir / f"{name}.md"
    json_path = out_dir / f"{name}.json"
    write_atomic(json_path, data)
    write_atomic(md_path, markdown)
    return md_path, json_path

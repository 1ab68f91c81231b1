"""The report as one self-contained HTML page, rendered from the same report data as the Markdown.

One file: inline CSS, no script, nothing fetched (a Content-Security-Policy meta tag forbids scripts and every
request but the page's own style), readable on a phone (tables become cards on a narrow screen). Every text from the
article or its pages is escaped with `html.escape`; a link's target is only ever an http(s) URL.
"""

from __future__ import annotations

import base64
import hashlib
import html
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from verify import markdown
from verify.archive import Capture
from verify.article import BlockKind
from verify.compare import Change
from verify.judge import Evidence, Label
from verify.links import Recovery
from verify.report import (
    Added,
    Coverage,
    LinkRow,
    Ref,
    Removed,
    Report,
    Span,
    StatementResult,
    Words,
    capture_origin,
    capture_phrase,
    count,
    diff_spans,
    full_reason,
    link_problem,
    link_rows,
    short_reason,
    verdict_line,
)

if TYPE_CHECKING:
    from verify.ci import IndexEntry

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")

# Colour is never alone: each label has its own mark and word, and a reader without colour loses nothing.
LABELS = {
    Label.SOURCED: ("✓", "sourced"),
    Label.UNSOURCED: ("○", "unsourced"),
    Label.DISPUTED: ("✗", "disputed"),
}

CSS = """
:root { color-scheme: light; --ink: #1f2328; --muted: #59636e; --line: #d1d9e0; --paper: #fff; --soft: #f6f8fa;
  --link: #0550ae; --sourced: #116329; --sourced-bg: #dafbe1; --unsourced: #6e4a00; --unsourced-bg: #fff1c2;
  --disputed: #a40e26; --disputed-bg: #ffebe9; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--paper); color: var(--ink); font: 16px/1.5 system-ui, -apple-system, "Segoe UI",
  "Noto Sans", "DejaVu Sans", sans-serif; overflow-wrap: break-word; }
main { max-width: 64rem; margin: 0 auto; padding: 1rem; }
h1 { font-size: 1.6rem; line-height: 1.25; margin: .5rem 0 1rem; }
h2 { font-size: 1.3rem; border-bottom: 1px solid var(--line); padding-bottom: .3rem; margin-top: 2rem; }
h3 { font-size: 1.05rem; margin: 0 0 .5rem; display: flex; flex-wrap: wrap; gap: .5rem; align-items: center; }
a { color: var(--link); }
code { font: .9em ui-monospace, "SFMono-Regular", Menlo, Consolas, "DejaVu Sans Mono", monospace;
  background: var(--soft); padding: .05em .3em; border-radius: 4px; }
.verdict { font-size: 1.1rem; font-weight: 600; padding: .75rem 1rem; border-radius: 8px; border-left: 6px solid; }
.verdict.disputed { background: var(--disputed-bg); border-color: var(--disputed); }
.verdict.unsourced { background: var(--unsourced-bg); border-color: var(--unsourced); }
.verdict.sourced { background: var(--sourced-bg); border-color: var(--sourced); }
.verdict.unchecked { background: var(--soft); border-color: var(--muted); }
.note { border-left: 4px solid var(--line); color: var(--muted); margin: 1rem 0; padding: .25rem 1rem; }
.label { display: inline-block; white-space: nowrap; font-weight: 600; font-size: .9rem; padding: .05rem .5rem;
  border-radius: 1rem; border: 1px solid; }
.label.sourced { color: var(--sourced); background: var(--sourced-bg); }
.label.unsourced { color: var(--unsourced); background: var(--unsourced-bg); }
.label.disputed { color: var(--disputed); background: var(--disputed-bg); }
.kind { font-size: .85rem; color: var(--muted); font-weight: normal; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; font-size: .95rem; }
th, td { border: 1px solid var(--line); padding: .4rem .6rem; text-align: left; vertical-align: top;
  overflow-wrap: anywhere; }
th { background: var(--soft); white-space: nowrap; }
td[data-label="id"], td[data-label="line"], td[data-label="link"], td[data-label="live"] { white-space: nowrap; }
td code { overflow-wrap: normal; }
@media (min-width: 40.01rem) { td[data-label="URL"] { min-width: 16rem; } td[data-label="cited as"] { min-width: 9rem; } }
.url { word-break: break-all; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; }
dl.facts dt { font-weight: 600; }
dl.facts dd { margin: 0; }
.statement { border: 1px solid var(--line); border-radius: 8px; padding: 1rem; margin: 1rem 0; }
.statement > blockquote { margin: 0 0 .75rem; font-size: 1.05rem; }
.passages { list-style: none; padding: 0; margin: .5rem 0 0; }
.passages li { border-left: 4px solid var(--line); padding: .25rem .75rem; margin: .5rem 0; }
.passages blockquote { margin: 0 0 .25rem; font-style: italic; }
.meta { color: var(--muted); font-size: .9rem; }
del { background: var(--disputed-bg); color: var(--disputed); }
ins { background: var(--sourced-bg); color: var(--sourced); text-decoration: underline; font-weight: 600; }
footer { color: var(--muted); border-top: 1px solid var(--line); margin-top: 2rem; padding-top: .5rem; }
@media (max-width: 40rem) {
  main { padding: .75rem; }
  h1 { font-size: 1.3rem; }
  table.cards, table.cards tbody, table.cards tr, table.cards td { display: block; width: 100%; }
  table.cards thead { display: none; }
  table.cards tr { border: 1px solid var(--line); border-radius: 8px; margin: .75rem 0; padding: .25rem 0; }
  table.cards td { border: 0; padding: .2rem .75rem; }
  table.cards td::before { content: attr(data-label) ": "; font-weight: 600; color: var(--muted); }
  table.cards td[data-label="id"], table.cards td[data-label="line"], table.cards td[data-label="label"] {
    display: inline-block; width: auto; }
  dl.facts { grid-template-columns: 1fr; }
  dl.facts dd { margin-bottom: .5rem; }
}
"""


def _csp() -> str:
    """Nothing may load or run but this page's own style sheet, pinned by its hash."""
    digest = base64.b64encode(hashlib.sha256(CSS.encode("utf-8")).digest()).decode("ascii")
    return (
        f"default-src 'none'; script-src 'none'; style-src 'sha256-{digest}'; img-src 'none'; "
        "base-uri 'none'; form-action 'none'"
    )


def _esc(text: str | None) -> str:
    """Untrusted text as HTML text or attribute value: every `<`, `>`, `&` and quote escaped, control and
    direction-changing characters dropped."""
    return html.escape(_CONTROL.sub(" ", text or ""), quote=True)


def _a(label: str, url: str | None) -> str:
    target = markdown.safe_url(url) if url else None
    if target is None:
        return _esc(label) + (f' (<code class="url">{_esc(url)}</code>)' if url else "")
    shown = ' class="url"' if url and url.endswith(label) else ""
    return f'<a href="{_esc(target)}"{shown} rel="noopener noreferrer">{_esc(label)}</a>'


def _spans(spans: Sequence[Span]) -> str:
    out = []
    for span in spans:
        if isinstance(span, Words):
            out.append(_esc(span.text))
        elif isinstance(span, Ref):
            out.append(
                f'“{_esc(markdown.shorten(span.anchor, 60))}” (<a href="#link-{span.number}">link {span.number}</a>)'
            )
        elif isinstance(span, Removed):
            out.append(f"<del>{_esc(span.text)}</del>")
        elif isinstance(span, Added):
            if out and out[-1].endswith("</del>"):
                out.append(" ")
            out.append(f"<ins>{_esc(span.text)}</ins>")
    return "".join(out)


def _origin(capture: Capture) -> str:
    """Which archive served a capture, when not the Wayback Machine's index."""
    origin = capture_origin(capture)
    return f" ({_esc(origin)})" if origin else ""


def _label(result: StatementResult) -> str:
    mark, word = LABELS[result.verdict.label]
    badge = f'<span class="label {word}"><span aria-hidden="true">{mark}</span> {word}</span>'
    return badge + (' <span class="kind">(unverifiable)</span>' if result.unverifiable else "")


def _page(title: str, body: list[str]) -> str:
    head = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{_csp()}">',
        '<meta name="referrer" content="no-referrer">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_esc(title)}</title>",
        f"<style>{CSS}</style>",
        "</head>",
        "<body>",
        "<main>",
    ]
    return "\n".join([*head, *body, "</main>", "</body>", "</html>", ""])


def render_html(report: Report) -> str:
    """The report page: verdict, statements, captions, evidence, links and the stored-vs-archived comparison."""
    rows = link_rows(report)
    title = report.article.title or report.article.path
    body = [f"<h1>Verification report: {_esc(title)}</h1>"]
    body.append(f'<p class="verdict {_verdict_class(report)}">{_esc(verdict_line(report))}</p>')
    body += [f'<p class="note">{_esc(note)}</p>' for note in report.notes]
    body += _article(report)
    body += _summary(report, rows)
    body += _evidence(report, rows)
    body += _links(report, rows)
    body += _integrity(report)
    body.append(f"<footer>Generated by verify {_esc(report.tool_version)}.</footer>")
    return _page(f"Verification report: {title}", body)


def _verdict_class(report: Report) -> str:
    if report.offline or report.network_down:
        return "unchecked"
    counts = report.counts
    return "disputed" if counts["disputed"] else "unsourced" if counts["unsourced"] else "sourced"


def _article(report: Report) -> list[str]:
    article = report.article
    facts = [
        ("Stored copy", f"<code>{_esc(article.path)}</code>"),
        ("Published", _esc(article.date.isoformat() if article.date else "unknown")),
        ("Original URL", _a(article.url, article.url) if article.url else "unknown"),
    ]
    original = report.original
    if original is not None:
        facts.append(("Original, live", _esc(f"{original.live.outcome.value}: {original.live.detail}")))
        capture = original.archive.capture
        if capture is not None:
            when = f"capture of {capture.when:%Y-%m-%d %H:%M} UTC"
            facts.append(("Archived original", _a(when, capture.permalink) + _origin(capture)))
        else:
            facts.append(("Archived original", _esc(f"{original.archive.outcome.value}: {original.archive.detail}")))
    elif report.offline:
        facts.append(("Original", "not fetched (--offline)"))
    out = ['<section id="article">', "<h2>Article</h2>", '<dl class="facts">']
    out += [f"<dt>{name}</dt><dd>{value}</dd>" for name, value in facts]
    return [*out, "</dl>", "</section>"]


def _summary(report: Report, rows: Sequence[LinkRow]) -> list[str]:
    out = ['<section id="statements">', "<h2>Statements</h2>"]
    out += ['<table class="cards">', "<thead><tr><th>id</th><th>line</th><th>statement</th><th>label</th>"]
    out += ["<th>reason</th></tr></thead>", "<tbody>"]
    out += [_summary_row(report, r, rows) for r in report.results if r.statement.kind is not BlockKind.CAPTION]
    out += ["</tbody>", "</table>"]
    captions = report.captions
    if captions:
        noun = "Photo caption" if len(captions) == 1 else "Photo captions"
        out.append(f"<h3>{noun}</h3>")
        out.append(
            '<p class="meta">Judged against the article\'s sources; counted in the verdict only when disputed.</p>'
        )
        out += ['<table class="cards">', "<thead><tr><th>id</th><th>line</th><th>caption</th><th>credit</th>"]
        out += ["<th>label</th><th>reason</th></tr></thead>", "<tbody>"]
        out += [_summary_row(report, r, rows, report.credit(r.statement) or "none") for r in captions]
        out += ["</tbody>", "</table>"]
    return [*out, "</section>"]


def _summary_row(report: Report, result: StatementResult, rows: Sequence[LinkRow], credit: str | None = None) -> str:
    statement = result.statement
    what = "caption" if credit is not None else "statement"
    cells = [
        ("id", f'<a href="#{_esc(statement.id)}"><code>{_esc(statement.id)}</code></a>'),
        ("line", str(statement.line)),
        (what, _esc(markdown.shorten(" ".join(statement.text.split()), 90))),
    ]
    if credit is not None:
        cells.append(("credit", _esc(credit)))
    cells += [("label", _label(result)), ("reason", _spans(short_reason(report, result, rows)))]
    return "<tr>" + "".join(f'<td data-label="{name}">{value}</td>' for name, value in cells) + "</tr>"


def _evidence(report: Report, rows: Sequence[LinkRow]) -> list[str]:
    out = ['<section id="evidence">', "<h2>Statements and their evidence</h2>"]
    body = [r for r in report.results if r.statement.kind is not BlockKind.CAPTION]
    for result in [*body, *report.captions]:
        statement, verdict = result.statement, result.verdict
        caption = statement.kind is BlockKind.CAPTION
        kind = '<span class="kind">photo caption</span>' if caption else ""
        out.append(f'<article class="statement" id="{_esc(statement.id)}">')
        out.append(
            f"<h3><code>{_esc(statement.id)}</code> {kind} {_label(result)} "
            f'<span class="kind">line {statement.line}</span></h3>'
        )
        out.append(f"<blockquote>{_esc(statement.text)}</blockquote>")
        if caption:
            out.append(f'<p class="meta">Credit line: {_esc(report.credit(statement) or "none")}</p>')
        if statement.attribution is not None:
            out.append(f'<p class="meta">Attributed to: {_esc(statement.attribution.source)}</p>')
        out.append(f"<p><strong>Why:</strong> {_spans(full_reason(report, result, rows))}</p>")
        conflicts = [c for c in verdict.conflicts if c not in verdict.reason]
        out += [f"<p>Conflict: {_esc(c)}</p>" for c in conflicts]
        if verdict.evidence:
            out.append('<ul class="passages">')
            out += [_passage(rows, e) for e in verdict.evidence]
            out.append("</ul>")
        out.append("</article>")
    return [*out, "</section>"]


def _passage(rows: Sequence[LinkRow], evidence: Evidence) -> str:
    row = next((r for r in rows if r.url == evidence.url), None)
    where = _esc(evidence.role.value) + (" " + _spans([row.ref]) if row else f" <code>{_esc(evidence.url)}</code>")
    copy = "archived copy" if evidence.capture_url else "live page"
    capture = row.check.archive.capture if row and row.check else None
    if evidence.capture_url and capture is not None:
        copy += f" of {capture.when:%Y-%m-%d}"
    meta = f"{where} · {_a(copy, evidence.permalink)} · score {evidence.score:.2f}"
    if evidence.unmatched:
        meta += " · not in this passage: " + ", ".join(f"“{_esc(w)}”" for w in evidence.unmatched)
    return f'<li><blockquote>{_esc(evidence.quote)}</blockquote><p class="meta">{meta}</p></li>'


def _links(report: Report, rows: Sequence[LinkRow]) -> list[str]:
    out = ['<section id="links">', "<h2>Links</h2>"]
    if not rows:
        return [*out, "<p>The stored copy cites no links.</p>", "</section>"]
    out += ['<table class="cards">', "<thead><tr><th>link</th><th>cited as (line)</th><th>URL</th><th>live</th>"]
    out += ["<th>archived copy used</th><th>what happened</th></tr></thead>", "<tbody>"]
    for row in rows:
        cited = ", ".join(f"{_esc(t.citation.anchor)} ({t.citation.line})" for t in row.targets)
        if row.url is None:
            url = "not recovered"
        else:
            bare = re.sub(r"^https?://(www\.)?", "", row.url)
            recovered = row.targets[0].recovery is Recovery.RECOVERED
            url = _a(bare, row.url) + (' <span class="kind">(recovered)</span>' if recovered else "")
        check = row.check
        if check is None:
            live, capture = ("not checked" if report.offline or row.url is None else "not fetched"), "—"
        else:
            live = f"<code>{_esc(check.live.outcome.value)}</code>"
            captured = check.archive.capture
            phrase = capture_phrase(report, check)
            capture = (
                _a(phrase, captured.permalink) + _origin(captured)
                if captured is not None and phrase
                else f"<code>{_esc(check.archive.outcome.value)}</code>"
            )
            for skipped, why in check.archive.rejected:
                capture += (
                    f"<br>skipped {_a(f'capture of {skipped.when:%Y-%m-%d %H:%M}', skipped.permalink)} ({_esc(why)})"
                )
        problem = _esc(link_problem(report, row)) or "read as cited"
        cells = [
            ("link", f"<strong>{row.number}</strong>"),
            ("cited as", cited),
            ("URL", url),
            ("live", live),
            ("archived copy", capture),
            ("what happened", problem),
        ]
        tds = "".join(f'<td data-label="{name}">{value}</td>' for name, value in cells)
        out.append(f'<tr id="link-{row.number}">{tds}</tr>')
    return [*out, "</tbody>", "</table>", "</section>"]


def _integrity(report: Report) -> list[str]:
    out = ['<section id="comparison">', "<h2>Stored copy vs archived original</h2>"]
    comparison = report.comparison
    if comparison is None:
        why = "--offline" if report.offline else "no archived original could be read"
        return [*out, f"<p>Not compared: {_esc(why)}.</p>", "</section>"]
    changes = [r.change for r in report.results if r.change is not None]
    tally = ", ".join(
        f"{sum(1 for c in changes if c.change is k)} {k.value}" for k in Change if any(c.change is k for c in changes)
    )
    if comparison.archive_complete:
        whole = f"The archived original was extracted whole ({comparison.coverage:.0%} of statements found in it)."
    else:
        whole = f"The archived original looks incomplete: {_esc(comparison.detail)}"
    out.append(f"<p>Statements: {_esc(tally or 'none')}. {whole}</p>")
    substantive = [c for c in changes if c.change is Change.SUBSTANTIVE]
    if substantive:
        out.append(
            '<p class="meta">Changed words: <del>struck</del> where the archived original has them, '
            "<ins>marked</ins> where the stored copy has them.</p>"
        )
    for change in substantive:
        out += [
            f'<article class="statement"><h3><code>{_esc(change.id)}</code> changed '
            f'<span class="kind">({_esc(", ".join(change.kinds))})</span></h3>',
            f"<p><strong>Words changed:</strong> {_spans(diff_spans(change.diff))}</p>",
            f'<p class="meta">Stored: {_esc(change.text)}<br>Archived: {_esc(change.archived_text)}</p>',
            "</article>",
        ]
    absent = [c.id for c in changes if c.change is Change.ABSENT]
    if absent:
        out.append(
            "<p>Absent from the archived original: " + ", ".join(f"<code>{_esc(i)}</code>" for i in absent) + "</p>"
        )
    if comparison.missing_from_stored:
        out.append("<p>Sentences of the archived original missing from the stored copy:</p>")
        out += ["<ul>", *(f"<li>{_esc(s)}</li>" for s in comparison.missing_from_stored), "</ul>"]
    return [*out, "</section>"]


def index_html(entries: Sequence[IndexEntry], version: str) -> str:
    """reports/index.html: every article with a report in the folder (the rows of index.md), and its report page."""
    checked = sum(1 for e in entries if e.error is None and e.coverage == Coverage.CHECKED.value)
    body = ["<h1>Verification reports</h1>", f"<p>{checked} of {_esc(count(len(entries), 'article'))} checked.</p>"]
    body += ['<table class="cards">', "<thead><tr><th>article</th><th>verdict</th><th>sourced</th>"]
    body += ["<th>unsourced</th><th>unverifiable</th><th>disputed</th><th>report</th></tr></thead>", "<tbody>"]
    for entry in entries:
        if entry.error is not None:
            cells = [("article", f"<code>{_esc(entry.path)}</code>"), ("verdict", f"error: {_esc(entry.error)}")]
        else:
            sourced, unsourced, unverifiable, disputed = entry.counts
            page = f"{entry.slug}.html"
            cells = [
                ("article", _esc(entry.title or entry.path)),
                ("verdict", _esc(entry.verdict)),
                ("sourced", str(sourced)),
                ("unsourced", str(unsourced)),
                ("unverifiable", str(unverifiable)),
                ("disputed", str(disputed)),
                ("report", f'<a href="{_esc(_relative(page))}">{_esc(page)}</a>'),
            ]
        body.append("<tr>" + "".join(f'<td data-label="{n}">{v}</td>' for n, v in cells) + "</tr>")
    body += ["</tbody>", "</table>", f"<footer>Generated by verify {_esc(version)}.</footer>"]
    return _page("Verification reports", body)


def _relative(name: str) -> str:
    """A report's file name as a relative link: percent-escaped, so no name can become another scheme."""
    from urllib.parse import quote

    return "./" + quote(name)

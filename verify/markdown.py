"""Markdown that reads raw and renders right: the one escaper every report and command uses.

Text from articles and pages is shown as text, never as markup. A backslash goes only where the character would
change the rendering at its position in GitHub-flavoured Markdown (cmark-gfm): `*`, `_` and `~` only where they could
open or close emphasis or strikethrough, `[` only before a `]`, `<` only where it opens a tag or an autolink, `&` only where it
would start an entity, `|` only in a table cell, `#`, `>`, `-`, `1.` only at the start of a line. URLs, `www.` names
and e-mail addresses in text, which GitHub would turn into links, are shown as inline code instead: legible, and no
backslash inside them.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")

# What GitHub's autolink extension would make a link of (cmark-gfm's autolink.c): a URL with a scheme it knows, a
# `www.` name after a space or `*_~(`, an e-mail address. A match is trimmed of trailing punctuation below.
_AUTOLINK = re.compile(
    r"(?i)(?<![a-z])(?:https?|ftp)://[^\s<]+"
    r"|(?<![^\s*_~(])www\.[^\s<]*"
)
# An e-mail address around an `@` (found from the `@`, as cmark-gfm does: a regex started at every letter of a long
# word would take time in the square of its length).
_LOCAL_PART = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.+_-")
_DOMAIN = re.compile(r"[A-Za-z0-9._-]*\.[A-Za-z0-9._-]+")
_TRAILING = "?!.,:*_~'\";-"
_ENTITY = re.compile(r"&(?:#[0-9]{1,7};|#[xX][0-9a-fA-F]{1,6};|[A-Za-z][A-Za-z0-9]{1,31};)")
# What CommonMark reads as raw HTML or an autolink after a `<` (spec 6.6, 6.5): only then is the `<` markup.
_ATTRIBUTE = r"""(?:\s+[A-Za-z_:][A-Za-z0-9_.:-]*(?:\s*=\s*(?:[^\s"'=<>`]+|'[^']*'|"[^"]*"))?)"""
_TAG_START = re.compile(
    rf"<[A-Za-z][A-Za-z0-9-]*{_ATTRIBUTE}*\s*/?>"  # open tag
    r"|</[A-Za-z][A-Za-z0-9-]*\s*>"  # closing tag
    r"|<!--|<\?|<![A-Za-z]|<!\[CDATA\["  # comment, processing instruction, declaration, CDATA
    r"|<[A-Za-z][A-Za-z0-9+.-]{1,31}:[^\s<>]*>"  # URI autolink
    r"|<[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*>"  # e-mail autolink
)
# Block starts, checked where the text begins a line (a paragraph, a list item, a quotation).
_BLOCK_START = re.compile(r"#{1,6}(?=\s|$)|[>]|[-+*](?=\s|$)|\d{1,9}[.)](?=\s|$)|~{3,}|(?:[-*_]\s*){3,}$")
_ASCII_PUNCTUATION = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")


def one_line(text: str | None, limit: int | None = None) -> str:
    """Text on one line: control and bidi characters dropped, runs of white space made one space, cut at a word."""
    if not text:
        return ""
    flat = " ".join(_CONTROL.sub(" ", text).split())
    return shorten(flat, limit) if limit is not None else flat


def shorten(text: str, limit: int) -> str:
    """At most `limit` characters, cut at a word boundary, with an ellipsis when cut."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut and not text[limit - 1].isspace():
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:") + "…"


def text(
    value: str | None,
    limit: int | None = None,
    *,
    cell: bool = False,
    line_start: bool = False,
    heading: bool = False,
    label: bool = False,
) -> str:
    """Untrusted text as inert Markdown, escaped only where a character would otherwise be markup.

    `cell`: it goes in a table cell (`|` ends a cell). `line_start`: it begins a line, or a list item or quotation
    (`# x`, `> x`, `- x`, `1. x` would start a block). `heading`: it ends a heading (a trailing ` #` would be
    dropped). `label`: it is a link's label (`]` would end it; URLs in it are not made code, a link cannot nest).
    """
    flat = one_line(value, limit)
    if not flat:
        return ""
    pieces: list[str] = []
    position = 0
    for match in [] if label else _autolinks(flat):
        pieces.append(_escape(flat, position, match[0], cell=cell, label=label))
        pieces.append(code(flat[match[0] : match[1]], cell=cell))
        position = match[1]
    pieces.append(_escape(flat, position, len(flat), cell=cell, label=label))
    out = "".join(pieces)
    if line_start:
        found = _BLOCK_START.match(out)
        if found:
            out = "\\" + out if not out[0].isdigit() else _escape_number(out)
    if heading:
        out = re.sub(r"(^|\s)(#+)$", lambda m: m.group(1) + "\\" + m.group(2), out)
    return out


def _escape_number(out: str) -> str:
    digits = re.match(r"\d+", out)
    assert digits is not None
    return out[: digits.end()] + "\\" + out[digits.end() :]


def _emails(flat: str, taken: list[tuple[int, int]]) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    floor = 0
    for at in (i for i, char in enumerate(flat) if char == "@"):
        if any(a <= at < b for a, b in taken) or at < floor:
            continue
        start = at
        while start > floor and flat[start - 1] in _LOCAL_PART:
            start -= 1
        domain = _DOMAIN.match(flat, at + 1)
        if start == at or domain is None:
            continue
        for scheme in ("mailto:", "xmpp:"):
            if flat[max(0, start - len(scheme)) : start].lower() == scheme:
                start -= len(scheme)
        spans.append((start, domain.end()))
        floor = domain.end()
    return spans


def _autolinks(flat: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    urls = [m.span() for m in _AUTOLINK.finditer(flat)]
    for start, end in sorted(urls + _emails(flat, urls)):
        while end > start and (flat[end - 1] in _TRAILING or _unbalanced_paren(flat[start:end])):
            end -= 1
        entity = re.search(r"&[A-Za-z0-9]+;$", flat[start:end])
        if entity:
            end -= len(entity.group(0))
        scheme = flat.find("://", start, end)
        if flat[start:end].lower().startswith("www.") or scheme == -1 or end > scheme + 3:
            # Two code spans side by side would read as one fence, and an address can run into a URL: one span.
            if spans and spans[-1][1] >= start:
                previous_start, previous_end = spans.pop()
                start, end = previous_start, max(end, previous_end)
            spans.append((start, end))
    return spans


def _unbalanced_paren(url: str) -> bool:
    return url.endswith(")") and url.count(")") > url.count("(")


def _kind(char: str | None) -> str:
    """'space', 'punct' or 'other' for the flanking rules; None (outside the text) counts as a line end."""
    if char is None or char.isspace():
        return "space"
    if char in _ASCII_PUNCTUATION or unicodedata.category(char).startswith(("P", "S")):
        return "punct"
    return "other"


def _may_delimit(char: str, before: str | None, after: str | None, at_edge: bool) -> bool:
    """Whether a run of `*`, `_` or `~` could open or close emphasis (CommonMark's flanking rules).

    At an edge of the text the neighbour is unknown (the text is set beside other text), so every neighbour is tried.
    """
    befores = [_kind(before)] if before is not None or not at_edge else ["space", "punct", "other"]
    afters = [_kind(after)] if after is not None else ["space", "punct", "other"]
    for b in befores:
        for a in afters:
            left = a != "space" and (a != "punct" or b in ("space", "punct"))
            right = b != "space" and (b != "punct" or a in ("space", "punct"))
            if char == "_":
                if (left and (not right or b == "punct")) or (right and (not left or a == "punct")):
                    return True
            elif left or right:
                return True
    return False


def _escape(flat: str, start: int, end: int, *, cell: bool, label: bool) -> str:
    out: list[str] = []
    i = start
    closing = flat.rfind("]", start, end)
    maths = _math_dollars(flat, start, end) if "$" in flat[start:end] else set()
    while i < end:
        char = flat[i]
        if char in "*_~":
            j = i
            while j < end and flat[j] == char:
                j += 1
            before = flat[i - 1] if i > start else None
            after = flat[j] if j < end else None
            run = flat[i:j]
            edge = i == start or j == end
            out.append("".join("\\" + c for c in run) if _may_delimit(char, before, after, edge) else run)
            i = j
            continue
        if char == "\\":
            nxt = flat[i + 1] if i + 1 < end else None
            out.append("\\\\" if nxt is None or nxt in _ASCII_PUNCTUATION else "\\")
        elif char == "`":
            out.append("\\`")
        elif char == "[":
            out.append("\\[" if label or i < closing else "[")
        elif char == "]":
            out.append("\\]" if label else "]")
        elif char == "<":
            out.append("\\<" if _TAG_START.match(flat, i) else "<")
        elif char == "&":
            out.append("\\&" if _ENTITY.match(flat, i) else "&")
        elif char == "|":
            out.append("\\|" if cell else "|")
        elif char == "$":
            out.append("\\$" if i in maths else "$")
        else:
            out.append(char)
        i += 1
    return "".join(out)


def _math_dollars(flat: str, start: int, end: int) -> set[int]:
    """The `$` signs GitHub would pair as maths (`$x$`: one before a non-space, closed by a later one after a
    non-space). cmark-gfm has no maths; this is GitHub's own."""
    found: set[int] = set()
    opener = None
    for k in range(start, end):
        if flat[k] != "$":
            continue
        if opener is not None and not flat[k - 1].isspace():
            found |= {opener, k}
            opener = None
        elif k + 1 < end and not flat[k + 1].isspace():
            opener = k
    return found


def code(value: str, *, cell: bool = False) -> str:
    """Inline code showing `value` as it is, whatever backticks it holds; in a table cell `|` is escaped (GitHub
    ends a cell at a `|` even inside code, and shows `\\|` there as `|`)."""
    flat = one_line(value) or " "
    longest = max((len(run) for run in re.findall(r"`+", flat)), default=0)
    fence = "`" * (longest + 1)
    padded = f" {flat} " if flat.startswith("`") or flat.endswith("`") or flat.strip() == "" else flat
    if cell:
        padded = padded.replace("|", "\\|")
    return f"{fence}{padded}{fence}"


def safe_url(url: str) -> str | None:
    """An http(s) URL as a link target that cannot break out of `(...)` or `<...>`; None for any other scheme."""
    if not url.startswith(("http://", "https://")):
        return None
    quoted = quote(url, safe="/:?#[]@!$&'*+,;=%~-._")
    for char, escaped in (("(", "%28"), (")", "%29"), ("[", "%5B"), ("]", "%5D"), ("<", "%3C"), (">", "%3E")):
        quoted = quoted.replace(char, escaped)
    return quoted


def link(label: str, url: str | None, *, cell: bool = False) -> str:
    """A link whose label is inert text and whose target can only be an http(s) URL; otherwise the label, and the
    target as code."""
    target = safe_url(url) if url else None
    if not url:
        return text(label, cell=cell)
    if target is None:
        return f"{text(label, cell=cell)} ({code(url, cell=cell)})"
    if cell:
        target = target.replace("|", "%7C")
    return f"[{text(label, cell=cell, label=True)}]({target})"


def url(value: str, *, cell: bool = False) -> str:
    """A URL shown as itself and linked: `<https://...>`; a URL of any other scheme as code."""
    target = safe_url(value)
    if target is None:
        return code(value, cell=cell)
    return f"<{target}>"


def struck(value: str, *, cell: bool = False) -> str:
    """Words deleted (the archived original's), struck through: `~~14~~`."""
    inner = text(value, cell=cell)
    return f"~~{inner}~~" if inner else ""


def marked(value: str, *, cell: bool = False) -> str:
    """Words inserted (the stored copy's), in bold: `**18**`."""
    inner = text(value, cell=cell)
    return f"**{inner}**" if inner else ""

"""HTML page (live or archived) to its article: title, date, canonical URL, body paragraphs and in-body links."""

from __future__ import annotations

import codecs
import datetime as dt
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import lxml.html
import trafilatura
from dateutil import parser as dateparser
from lxml import etree

from verify._wayback_html import absolute_url, is_injected, is_web_url, original_url, strip_toolbar


@dataclass(frozen=True)
class Link:
    """A link of the article body: its anchor text, its absolute target, and where it sits in `paragraphs`."""

    anchor: str
    href: str
    paragraph: int
    offset: int


@dataclass(frozen=True)
class Extracted:
    title: str | None
    paragraphs: tuple[str, ...]
    links: tuple[Link, ...]
    published: dt.date | None
    canonical_url: str | None

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)


EMPTY = Extracted(title=None, paragraphs=(), links=(), published=None, canonical_url=None)

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
_SPACE = re.compile(r"\s+")
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([a-zA-Z0-9_.:-]+)""", re.I)


def extract(html: str | bytes, base_url: str | None = None) -> Extracted:
    """The article in `html`: never raises for malformed, empty or binary input (returns what it could read).

    `base_url` is the page's address (an archive URL is fine: Wayback prefixes are undone) for relative links.
    """
    text = strip_toolbar(_decode(html))
    root = _parse(text)
    if root is None:
        return EMPTY
    _drop_injected(root)
    base = _base_url(root, base_url)
    _absolutise_links(root, base)
    paragraphs, links = _body(root, base, base_url)
    return Extracted(
        title=_title(root),
        paragraphs=paragraphs,
        links=links,
        published=_published(root),
        canonical_url=_canonical(root, base),
    )


def extraction_json(extracted: Extracted) -> dict[str, Any]:
    """The extraction as JSON-ready data; links in document order."""
    return {
        "text": extracted.text,
        "links": [{"anchor": link.anchor, "href": link.href} for link in extracted.links],
        "title": extracted.title,
        "published": extracted.published.isoformat() if extracted.published else None,
        "canonical_url": extracted.canonical_url,
    }


# ---- reading the page --------------------------------------------------------------------------------------------


def _decode(html: str | bytes) -> str:
    if isinstance(html, str):
        return _CONTROL.sub("", html)
    encoding = "utf-8"
    if html.startswith(codecs.BOM_UTF8):
        html = html[len(codecs.BOM_UTF8) :]
    elif html.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    else:
        declared = _CHARSET.search(html[:4096])
        if declared:
            try:
                encoding = codecs.lookup(declared.group(1).decode("ascii")).name
            except (LookupError, UnicodeDecodeError):
                encoding = "utf-8"
    try:
        return _CONTROL.sub("", html.decode(encoding, errors="replace"))
    except LookupError:
        return _CONTROL.sub("", html.decode("utf-8", errors="replace"))


def _parse(text: str) -> etree._Element | None:
    if not text.strip():
        return None
    try:
        root = lxml.html.document_fromstring(text)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        return None
    return root if root is not None else None


def _drop_injected(root: etree._Element) -> None:
    """Remove the scripts, styles and links the archive injected (the toolbar block is already gone)."""
    doomed = []
    for element in root.iter("script", "link", "style"):
        source = element.get("src") or element.get("href") or ""
        code = element.text or "" if element.tag != "link" else ""
        if (source and is_injected(source)) or (not source and ("__wm." in code or "wombat" in code.lower())):
            doomed.append(element)
    for element in doomed:
        _remove(element)


def _remove(element: etree._Element) -> None:
    parent = element.getparent()
    if parent is None:
        return
    tail = element.tail
    if tail:
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(element)


def _absolutise_links(root: etree._Element, base: str | None) -> None:
    """Every href made absolute against the page's own base, Wayback rewriting undone, before anything reads it."""
    for anchor in root.iter("a"):
        href = anchor.get("href")
        if href:
            anchor.set("href", absolute_url(href, base))


def _base_url(root: etree._Element, base_url: str | None) -> str | None:
    base = original_url(base_url) if base_url else None
    for element in root.iter("base"):
        href = element.get("href")
        if href:
            joined = absolute_url(href, base)
            if is_web_url(joined):
                return joined
        break
    return base


# ---- metadata ----------------------------------------------------------------------------------------------------


def _meta(root: etree._Element, *names: str) -> Iterator[str]:
    wanted = {name.lower() for name in names}
    for element in root.iter("meta"):
        key = (element.get("property") or element.get("name") or element.get("itemprop") or "").lower()
        content = element.get("content") or element.get("datetime")
        if key in wanted and content and content.strip():
            yield content.strip()


def _clean(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def _title(root: etree._Element) -> str | None:
    for content in _meta(root, "og:title", "twitter:title"):
        return _clean(content)
    for h1 in root.iter("h1"):
        text = _clean(h1.text_content())
        if text:
            return text
    for title in root.iter("title"):
        text = _clean(title.text_content())
        if text:
            return text
    return None


def _date(value: str) -> dt.date | None:
    try:
        parsed = dateparser.parse(value.strip(), fuzzy=False)
    except (ValueError, OverflowError, TypeError):
        return None
    if parsed.year < 1990 or parsed.year > 2100:
        return None
    return parsed.date()


def _json_ld(root: etree._Element) -> Iterator[dict[str, Any]]:
    for script in root.iter("script"):
        if (script.get("type") or "").lower() != "application/ld+json" or not script.text:
            continue
        try:
            data = json.loads(script.text)
        except ValueError:
            continue
        yield from _json_objects(data)


def _json_objects(data: object) -> Iterator[dict[str, Any]]:
    if isinstance(data, list):
        for item in data:
            yield from _json_objects(item)
    elif isinstance(data, dict):
        yield data
        graph = data.get("@graph")
        if graph is not None:
            yield from _json_objects(graph)


def _published(root: etree._Element) -> dt.date | None:
    candidates: list[str] = list(
        _meta(root, "article:published_time", "datePublished", "pubdate", "publishdate", "og:published_time")
    )
    candidates += [str(obj["datePublished"]) for obj in _json_ld(root) if obj.get("datePublished")]
    candidates += list(_meta(root, "date", "dc.date", "dc.date.issued", "sailthru.date", "parsely-pub-date"))
    candidates += [t.get("datetime") or t.text_content() for t in root.iter("time")]
    for value in candidates:
        found = _date(value) if value else None
        if found:
            return found
    return None


def _canonical(root: etree._Element, base: str | None) -> str | None:
    for element in root.iter("link"):
        if "canonical" in (element.get("rel") or "").lower().split() and element.get("href"):
            url = absolute_url(element.get("href", ""), base)
            if is_web_url(url):
                return url
    for content in _meta(root, "og:url"):
        url = absolute_url(content, base)
        if is_web_url(url):
            return url
    return None


# ---- the body ----------------------------------------------------------------------------------------------------

# trafilatura's XML: block elements start a paragraph; `ref` is a link; everything else is inline.
_XML_BLOCKS = {"doc", "main", "p", "head", "list", "item", "quote", "table", "row", "code", "div"}
_XML_SPACED = {"cell", "lb"}


@dataclass
class _Paragraphs:
    """Accumulates flowing text into paragraphs with link offsets, folding white space as it goes."""

    base: str | None
    paragraphs: list[str] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    _buffer: list[str] = field(default_factory=list)
    _length: int = 0
    _pending: list[tuple[str, str, int]] = field(default_factory=list)

    def add(self, text: str | None) -> None:
        if not text:
            return
        piece = _SPACE.sub(" ", text)
        if piece.startswith(" ") and (self._length == 0 or self._buffer[-1].endswith(" ")):
            piece = piece[1:]
        if piece:
            self._buffer.append(piece)
            self._length += len(piece)

    def space(self) -> None:
        self.add(" ")

    def link(self, anchor: str, href: str) -> None:
        anchor = _clean(anchor)
        if not anchor:
            return
        self.add(" " if anchor != anchor.lstrip() else "")
        self._pending.append((anchor, href, self._length))

    def offset(self) -> int:
        return self._length

    def flush(self) -> None:
        raw = "".join(self._buffer)
        text = raw.strip()
        lead = len(raw) - len(raw.lstrip())
        if text:
            index = len(self.paragraphs)
            self.paragraphs.append(text)
            for anchor, href, offset in self._pending:
                start = text.find(anchor, max(0, offset - lead))
                if start < 0:
                    start = text.find(anchor)
                if start >= 0:
                    self.links.append(Link(anchor=anchor, href=href, paragraph=index, offset=start))
        self._buffer.clear()
        self._pending.clear()
        self._length = 0


def _walk_xml(element: etree._Element, out: _Paragraphs) -> None:
    tag = element.tag if isinstance(element.tag, str) else ""
    if tag == "comments" or tag == "graphic":
        out.add(element.tail)
        return
    block = tag in _XML_BLOCKS
    if block:
        out.flush()
    if tag in _XML_SPACED:
        out.space()
    if tag == "ref":
        target = element.get("target") or ""
        href = absolute_url(target, out.base) if target else ""
        if href and is_web_url(href):
            out.link("".join(element.itertext()), href)
    out.add(element.text)
    for child in element:
        _walk_xml(child, out)
    if tag in _XML_SPACED:
        out.space()
    if block:
        out.flush()
    out.add(element.tail)


def _body(root: etree._Element, base: str | None, base_url: str | None) -> tuple[tuple[str, ...], tuple[Link, ...]]:
    xml = trafilatura.extract(
        lxml.html.tostring(root, encoding="unicode"),
        url=base,
        output_format="xml",
        include_links=True,
        include_comments=False,
        include_tables=True,
        include_images=False,
        deduplicate=False,
    )
    if not xml:
        return (), ()
    try:
        tree = etree.fromstring(xml.encode("utf-8"), etree.XMLParser(recover=True, huge_tree=True))
    except etree.XMLSyntaxError:
        return (), ()
    if tree is None:
        return (), ()
    out = _Paragraphs(base=base)
    _walk_xml(tree, out)
    out.flush()
    return tuple(out.paragraphs), tuple(out.links)


def _texts(elements: Iterable[etree._Element]) -> list[str]:
    return [_clean(e.text_content()) for e in elements]

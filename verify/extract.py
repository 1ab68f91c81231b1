"""HTML page (live or archived) to its article: title, date, canonical URL, body paragraphs and in-body links."""

from __future__ import annotations

import codecs
import copy
import datetime as dt
import functools
import json
import re
import threading
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin

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
    #: Photo captions (<figcaption>), kept apart: they are not article text, but a stored copy quotes them.
    captions: tuple[str, ...] = ()
    #: The rest of the page's visible text, block by block (menus, product boxes, related lists, sub-headings the
    #: article body left out); hidden elements, scripts, templates and noscript are not in it.
    outside: tuple[str, ...] = ()
    #: Every link of the page's visible text: the body's `links`, then the others in document order, whose
    #: `paragraph` is -1 (`offset` is then within their own block).
    page_links: tuple[Link, ...] = ()

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
    read = _read(html, base_url)
    if read is None:
        return EMPTY
    root, base = read
    title = _title(root)
    paragraphs, links, outside, page_links = _body(root, base, title)
    return Extracted(
        title=title,
        paragraphs=paragraphs,
        links=links,
        published=_published(root),
        canonical_url=_canonical(root, base),
        captions=_captions(root),
        outside=outside,
        page_links=page_links,
    )


def source_paragraphs(html: str | bytes, base_url: str | None = None) -> tuple[str, ...]:
    """The article paragraphs of a cited source: what `extract` finds, read for its sentences alone.

    Without the metadata, the links, the page outside the body, and trafilatura's second opinion (readability and
    jusText, run on every page to check its own choice): a paragraph more or less of a source changes no label, where
    the article's original, whose links are recovered and whose text is compared, is extracted whole. `python bench/extract_bench.py
    --extractor verify --extractor verify-fast`: four runs: 25-40% less time a page; text F1 0.9847 and 0.9847 on dev,
    0.9742 and 0.9731 on held-out (recall 0.9844 and 0.9817).
    """
    read = _read(html, base_url, links=False)
    if read is None:
        return ()
    root, base = read
    return _body(root, base, _title(root), fast=True)[0]


def page_anchors(html: str | bytes, base_url: str | None = None) -> tuple[tuple[str, str], ...]:
    """Every link of the page as (anchor text, absolute target), in document order, without extracting the article
    (0.15 ms against `extract`'s 2.9 ms on the speed bench's original), for guessing where a stripped link points
    while the page is extracted whole."""
    read = _read(html, base_url)
    if read is None:
        return ()
    root, _ = read
    found = ((_SPACE.sub(" ", "".join(node.itertext())).strip(), node.get("href")) for node in root.iter("a"))
    return tuple((anchor, href) for anchor, href in found if anchor and href)


def _read(html: str | bytes, base_url: str | None, links: bool = True) -> tuple[etree._Element, str | None] | None:
    """The page parsed, without what an archive injected, its links made absolute (unless `links` is false: they
    will not be read); None when nothing is readable."""
    decoded = _decode(html)
    text = strip_toolbar(decoded)
    root = _parse(text)
    if root is None:
        return None
    injected = _drop_injected(root)
    archived = injected or text != decoded or (base_url is not None and original_url(base_url) != base_url.strip())
    base = _base_url(root, base_url)
    if links:
        _absolutise_links(root, base, archived)
    return root, base


def _captions(root: etree._Element) -> tuple[str, ...]:
    found = (_SPACE.sub(" ", "".join(node.itertext())).strip() for node in root.iter("figcaption"))
    return tuple(dict.fromkeys(text for text in found if text))


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


_PARSERS = threading.local()


def _parser() -> lxml.html.HTMLParser:
    """lxml.html's parser, with every element an HtmlElement chosen in C. lxml.html's own class lookup is Python
    code called for each element the first time it is touched (~4,000 calls on a news page), only to give form
    controls their own classes, which nothing here uses. One parser per thread: lxml parsers are not thread-safe."""
    parser: lxml.html.HTMLParser | None = getattr(_PARSERS, "parser", None)
    if parser is None:
        parser = _PARSERS.parser = lxml.html.HTMLParser()
        parser.set_element_class_lookup(
            etree.ElementDefaultClassLookup(
                element=lxml.html.HtmlElement,
                comment=lxml.html.HtmlComment,
                pi=lxml.html.HtmlProcessingInstruction,
                entity=lxml.html.HtmlEntity,
            )
        )
    return parser


def _parse(text: str) -> etree._Element | None:
    if not text.strip():
        return None
    try:
        root = lxml.html.document_fromstring(text, parser=_parser())
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        return None
    return root if root is not None else None


def _drop_injected(root: etree._Element) -> bool:
    """Remove the scripts, styles and links the archive injected (the toolbar is already gone); True if any."""
    doomed = []
    for element in root.iter("script", "link", "style"):
        source = element.get("src") or element.get("href") or ""
        code = element.text or "" if element.tag != "link" else ""
        if (source and is_injected(source)) or (not source and ("__wm." in code or "wombat" in code.lower())):
            doomed.append(element)
    for element in doomed:
        _remove(element)
    return bool(doomed)


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


def _absolutise_links(root: etree._Element, base: str | None, archived: bool) -> None:
    """Every href made absolute against the page's own base before anything reads it.

    Wayback rewriting is undone only on a page the archive replayed: a live page's link to an archive capture is
    the author's choice of target.
    """
    for anchor in root.iter("a"):
        href = anchor.get("href")
        if href:
            anchor.set("href", absolute_url(href, base) if archived else _join(base, href))


def _join(base: str | None, href: str) -> str:
    try:
        return urljoin(base, href.strip()) if base else href.strip()
    except ValueError:
        return href.strip()


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
#
# trafilatura decides which text is the article (it scored best of the libraries measured); the paragraphs and links
# are then read from the page's own DOM, so no in-body link is lost and every offset is exact, and whatever
# trafilatura kept outside the one container that holds most of the article (related stories, newsletter boxes,
# sidebars) is dropped.

_SKIP = {
    "script", "style", "noscript", "template", "svg", "math", "iframe", "object", "embed", "canvas", "head",
    "select", "option", "textarea", "input", "button", "video", "audio", "picture", "img", "map",
}  # fmt: skip
_BLOCKS = {
    "p", "div", "section", "article", "main", "aside", "header", "footer", "nav", "h1", "h2", "h3", "h4", "h5",
    "h6", "li", "ul", "ol", "dl", "dd", "dt", "blockquote", "pre", "table", "thead", "tbody", "tfoot", "tr",
    "figure", "figcaption", "form", "fieldset", "address", "hr", "center", "details", "summary", "body", "html",
    "caption", "legend", "menu", "dialog", "hgroup", "search",
}  # fmt: skip
# Embedded social posts (quoted in the article, so part of its text) keep their blockquote and a class like these.
_EMBEDDED_POST = re.compile(r"twitter-tweet|instagram-media|tiktok-embed|bluesky-embed|mastodon-embed", re.I)
_SENTENCE_END = re.compile(r"[.!?][\"'”’]?$")
_SENTENCE_WORDS = 6
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
# Elements a browser sets apart from the text beside them: line breaks and table cells.
_SPACED = {"br", "td", "th"}
# Inline elements, which sites also style as separate items (a tweet button after a quote): their edges never split
# a word ("a<span>nd</span>" is "and") and part the text only where one side closes a sentence or a quotation and
# the other starts a word ("business.</span><span>Click" is "business. Click").
_SOFT_EDGES = {"span", "label", "time", "cite", "sup", "sub"}
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_WORDS = re.compile(r"\w+")
_WORD_CHAR = re.compile(r"\w")
_CLOSING = frozenset(".!?;:,)]\"'\u201d\u2019")
_SHINGLE = 4
# Share of the article's words the chosen container must hold; what lies outside it is boilerplate.
_CONTAINER_SHARE = 0.8
# A page paragraph is article text when at least this share of its word 4-grams is in trafilatura's text.
_COVERED = 0.5
# A block is running prose (what decides the container) with at least this many words, under this share linked.
_PROSE_WORDS = 10
_PROSE_LINKED = 0.5
# A repeat of the container continues the article when this share of its words is running prose.
_CONTINUATION_PROSE = 0.6
_CONTINUATION_GAP_WORDS = 12  # "Advertisement", "Continue reading below", a caption credit
_CONTINUATION_TAGS = {"p", "h2", "h3", "h4", "h5", "h6", "blockquote", "li"}


@dataclass(frozen=True)
class _Block:
    text: str
    links: tuple[tuple[str, str, int], ...]  # anchor, href, offset in text
    element: etree._Element

    # Kept: a page's blocks are weighed against trafilatura's text more than once.
    @functools.cached_property
    def tokens(self) -> list[str]:
        return _tokens(self.text)

    @functools.cached_property
    def shingles(self) -> Counter[tuple[str, ...]]:
        return Counter(_shingle_list(self.tokens))


@dataclass
class _Flow:
    """Accumulates flowing text into blocks with exact link offsets, folding white space as it goes."""

    blocks: list[_Block] = field(default_factory=list)
    _buffer: list[str] = field(default_factory=list)
    _length: int = 0
    _spans: list[tuple[str, int, int]] = field(default_factory=list)  # href, start, end in the raw buffer
    _edge: bool = False

    def add(self, text: str | None) -> None:
        if not text:
            return
        piece = _SPACE.sub(" ", text)
        if self._edge:
            self._edge = False
            before = self._buffer[-1][-1:] if self._buffer else ""
            if before and before in _CLOSING and _WORD_CHAR.match(piece[0]):
                piece = " " + piece
        if piece.startswith(" ") and (self._length == 0 or self._buffer[-1].endswith(" ")):
            piece = piece[1:]
        if piece:
            self._buffer.append(piece)
            self._length += len(piece)

    def edge(self) -> None:
        """An inline element's edge: a space there unless a word runs across it (decided by the next text)."""
        self._edge = True

    def mark(self) -> int:
        return self._length

    def link(self, href: str, start: int) -> None:
        if self._length > start:
            self._spans.append((href, start, self._length))

    def flush(self, element: etree._Element) -> None:
        raw = "".join(self._buffer)
        text = raw.strip()
        if text:
            lead = len(raw) - len(raw.lstrip())
            links = []
            for href, start, end in self._spans:
                piece = raw[start:end]
                anchor = piece.strip()
                if anchor:
                    offset = start + (len(piece) - len(piece.lstrip())) - lead
                    links.append((anchor, href, offset))
            self.blocks.append(_Block(text, tuple(links), element))
        self._buffer.clear()
        self._spans.clear()
        self._length = 0
        self._edge = False


@dataclass(frozen=True)
class _Shown:
    """What a browser leaves out of a page: `hidden`, `display: none` or `visibility: hidden` in a style attribute
    or in a page-wide style rule for a class (`.hovercard { display: none }`); with `aria`, `aria-hidden` too
    (pop-ups, hover cards, and pull quotes that repeat the text)."""

    hidden_classes: frozenset[str] = frozenset()
    aria: bool = True

    def hides(self, element: etree._Element) -> bool:
        if element.get("hidden") is not None or (self.aria and element.get("aria-hidden") == "true"):
            return True
        style = element.get("style")
        if style and _HIDDEN_STYLE.search(style):
            return True
        classes = element.get("class")
        if classes and self.hidden_classes and not self.hidden_classes.isdisjoint(classes.split()):
            return True
        return _hover_card(element)


def _hover_card(element: etree._Element) -> bool:
    """A card shown when the pointer rests on a link (a person's photo and latest stories): a <span> right after a
    link, inside a paragraph, holding an image or links of its own. Its style sheet is seldom in the page."""
    if element.tag != "span":
        return False
    before = element.getprevious()
    if before is None or before.tag != "a" or (before.tail or "").strip():
        return False
    if next(element.iterancestors("p", "li"), None) is None:
        return False
    return next(element.iter("img"), None) is not None or sum(1 for _ in element.iter("a")) >= 2


_CLASS_SELECTOR = re.compile(r"\s*\.(-?[_a-zA-Z][\w-]*)\s*")
_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.S)


def _hidden_classes(root: etree._Element) -> frozenset[str]:
    """Classes that the page's own style sheets hide on every screen: a top-level rule of one class selector hides
    them, and no rule anywhere (an @media block for wider screens included) shows them again."""
    hidden: set[str] = set()
    shown: list[str] = []
    for style in root.iter("style"):
        css = _CSS_COMMENT.sub("", style.text or "")
        for selectors, declarations, top in _css_rules(css):
            if _HIDDEN_STYLE.search(declarations):
                if top:
                    hidden.update(m.group(1) for sel in selectors.split(",") if (m := _CLASS_SELECTOR.fullmatch(sel)))
            elif _SHOWN_STYLE.search(declarations):
                shown.append(selectors)
    selectors = " ".join(shown)
    return frozenset(name for name in hidden if not re.search(rf"\.{re.escape(name)}(?![\w-])", selectors))


_SHOWN_STYLE = re.compile(r"display\s*:\s*(?!none)[a-z]|visibility\s*:\s*visible", re.I)


_BRACE = re.compile(r"[{}]")


def _css_rules(css: str) -> Iterator[tuple[str, str, bool]]:
    """(selectors, declarations, at top level) of each rule, those inside @media and @supports blocks too."""
    open_blocks: list[tuple[str, int]] = []  # the selector (or @-rule) of each block open, where its body starts
    start = 0
    for brace in _BRACE.finditer(css):
        if brace.group() == "{":
            selector = css[start : brace.start()].rsplit(";", 1)[-1].strip()
            open_blocks.append((selector, brace.end()))
        elif open_blocks:
            selector, body = open_blocks.pop()
            if not selector.startswith("@") and all(outer.startswith("@") for outer, _ in open_blocks):
                yield selector, css[body : brace.start()], not open_blocks
        start = brace.end()


def _walk(element: etree._Element, flow: _Flow, block: etree._Element, shown: _Shown) -> None:
    tag = element.tag if isinstance(element.tag, str) else ""
    if tag and tag not in _SKIP and not shown.hides(element):
        if tag in _BLOCKS:
            flow.flush(block)
            flow.add(element.text)
            for child in element:
                _walk(child, flow, element, shown)
            flow.flush(element)
        else:
            start = flow.mark()
            if tag in _SPACED:
                flow.add(" ")
            elif tag in _SOFT_EDGES:
                flow.edge()
            flow.add(element.text)
            for child in element:
                _walk(child, flow, block, shown)
            if tag in _SPACED:
                flow.add(" ")
            elif tag in _SOFT_EDGES:
                flow.edge()
            href = element.get("href") if tag == "a" else None
            if href and is_web_url(href):
                flow.link(href, start)
    flow.add(element.tail)


def _page_blocks(root: etree._Element, shown: _Shown | None = None) -> list[_Block]:
    """The page's text as a browser shows it, block by block (by default, without what is hidden only from
    assistive technology either)."""
    flow = _Flow()
    body = next(root.iter("body"), root)
    _walk(body, flow, body, shown or _Shown(_hidden_classes(root)))
    flow.flush(body)
    return flow.blocks


def _tokens(text: str) -> list[str]:
    return _WORDS.findall(text)


def _shingle_list(tokens: list[str]) -> list[tuple[str, ...]]:
    return [tuple(tokens[i : i + _SHINGLE]) for i in range(len(tokens) - _SHINGLE + 1)]


def _main_text(root: etree._Element, base: str | None, fast: bool = False) -> str:
    """The article text as trafilatura sees it (paragraphs separated by blank lines).

    trafilatura gets a copy of the parsed page, without comments and processing instructions as its own parser
    would leave it (it prunes the tree it is given), instead of the page written out again for it to parse: ~1 ms
    instead of ~5 ms on a real news page.
    """
    tree = copy.deepcopy(root)
    etree.strip_tags(tree, etree.Comment, etree.PI)
    text = trafilatura.extract(
        tree,
        url=base,
        include_links=False,
        include_comments=False,
        include_tables=True,
        include_images=False,
        deduplicate=False,
        fast=fast,
    )
    return text or ""


@dataclass(frozen=True)
class _MainText:
    """trafilatura's text of the page, as words and word 4-grams."""

    shingles: Counter[tuple[str, ...]]
    words: str  # " word word ... "

    @classmethod
    def of(cls, text: str) -> _MainText:
        tokens = _tokens(text)
        return cls(Counter(_shingle_list(tokens)), " " + " ".join(tokens) + " ")


def _selected(blocks: list[_Block], main: _MainText) -> list[_Block]:
    """The page blocks that trafilatura's text is made of, each occurrence of its text used once."""
    remaining = main.shingles.copy()
    main_words = main.words
    verdicts: list[bool | None] = []  # None: too short to judge alone
    for block in blocks:
        tokens = block.tokens
        if len(tokens) < _SHINGLE:
            verdicts.append(None if tokens else False)
            continue
        shingles = block.shingles
        found = sum(min(count, remaining[s]) for s, count in shingles.items())
        verdicts.append(found >= _COVERED * sum(shingles.values()))
        if verdicts[-1]:
            remaining.subtract(shingles)
    chosen = []
    for index, block in enumerate(blocks):
        verdict = verdicts[index]
        if verdict is None:  # a short line (subheading, dateline) belongs to the article if a neighbour does
            neighbours = [v for v in (verdicts[index - 1] if index else None, _next(verdicts, index)) if v]
            verdict = bool(neighbours) and f" {' '.join(block.tokens)} " in main_words
        if verdict:
            chosen.append(block)
    return chosen


def _next(verdicts: list[bool | None], index: int) -> bool | None:
    return verdicts[index + 1] if index + 1 < len(verdicts) else None


def _container(blocks: list[_Block]) -> etree._Element | None:
    """The deepest element around the blocks that holds `_CONTAINER_SHARE` of their running prose."""
    words: dict[etree._Element, int] = {}
    total = 0
    weights = [_prose_words(block) for block in blocks]
    if not any(weights):
        weights = [len(block.tokens) for block in blocks]
    for block, count in zip(blocks, weights, strict=True):
        total += count
        node: etree._Element | None = block.element.getparent()  # a container, never one paragraph alone
        while node is not None:
            words[node] = words.get(node, 0) + count
            node = node.getparent()
    best: etree._Element | None = None
    best_depth = -1
    for node, count in words.items():
        if count >= _CONTAINER_SHARE * total:
            depth = sum(1 for _ in node.iterancestors())
            if depth > best_depth:
                best, best_depth = node, depth
    return best


def _prose_words(block: _Block) -> int:
    """The words of a block that reads as running prose (long, mostly not link text); 0 for any other block."""
    if block.element.tag in _HEADINGS or next(block.element.iterancestors("a"), None) is not None:
        return 0
    count = len(block.tokens)
    linked = sum(len(anchor) for anchor, _, _ in block.links)
    return count if count >= _PROSE_WORDS and linked < _PROSE_LINKED * len(block.text) else 0


def _inside(element: etree._Element, container: etree._Element) -> bool:
    node: etree._Element | None = element
    while node is not None:
        if node is container:
            return True
        node = node.getparent()
    return False


def _embedded_post(element: etree._Element) -> bool:
    for node in (element, *element.iterancestors("blockquote")):
        if node.tag == "blockquote" and _EMBEDDED_POST.search(node.get("class") or ""):
            return True
    return False


def _with_embedded_posts(blocks: list[_Block], chosen: list[_Block], container: etree._Element | None) -> list[_Block]:
    """The chosen blocks plus the embedded social posts (tweets, Instagram posts) set in the article, which
    trafilatura sometimes drops: those inside the container or between the first and last chosen block."""
    if not chosen:
        return chosen
    kept = {id(block) for block in chosen}
    positions = [index for index, block in enumerate(blocks) if id(block) in kept]
    first, last = positions[0], positions[-1]
    return [
        block
        for index, block in enumerate(blocks)
        if id(block) in kept
        or (
            _embedded_post(block.element)
            and (first < index < last or (container is not None and _inside(block.element, container)))
        )
    ]


def _without_nested_articles(chosen: list[_Block]) -> list[_Block]:
    """The chosen blocks less a run of sibling <article> elements nested in another <article>: in HTML that is a list
    of other articles (related stories, a feed of teasers) or of comments, which trafilatura may keep as text."""

    def home(block: _Block) -> etree._Element | None:
        return block.element if block.element.tag == "article" else next(block.element.iterancestors("article"), None)

    homes = [home(block) for block in chosen]
    nested = [h for h in dict.fromkeys(homes) if h is not None and next(h.iterancestors("article"), None) is not None]
    siblings = Counter(h.getparent() for h in nested)
    listed = {id(h) for h in nested if siblings[h.getparent()] >= 2}
    if not listed:
        return chosen
    kept = [block for block, h in zip(chosen, homes, strict=True) if h is None or id(h) not in listed]
    return kept if sum(_prose_words(block) for block in kept) >= _PROSE_WORDS else chosen


def _with_continuations(
    root: etree._Element, blocks: list[_Block], chosen: list[_Block], container: etree._Element | None
) -> list[_Block]:
    """The chosen blocks plus the article's continuations: pages that break the body around an advertisement repeat
    its container (same tag, same class) further down, and trafilatura keeps only the first part.

    A repeat continues the article when it reads as prose and nothing but furniture (ads, labels, empty rails) lies
    between it and the part before: a comment section or a newsletter box in a look-alike container is kept out
    by the author box or the related links before it, or by not reading as prose."""
    if container is None or not (container.get("class") or "").strip():
        return chosen
    kind = container.get("class")
    parts = [
        element
        for element in root.iter(container.tag)
        if element is not container
        and element.get("class") == kind
        and not _inside(element, container)
        and not _inside(container, element)
    ]
    if not parts:
        return chosen
    kept = {id(block) for block in chosen}
    added: set[int] = set()
    before = [i for i, block in enumerate(blocks) if _inside(block.element, container)]
    if not before:
        return chosen
    last = before[-1]  # the last block of the part read so far
    for part in parts:
        inside = [i for i, block in enumerate(blocks) if _inside(block.element, part)]
        if not inside or inside[0] <= last:
            continue
        gap = blocks[last + 1 : inside[0]]
        if sum(len(block.tokens) for block in gap) > _CONTINUATION_GAP_WORDS:
            break
        words = sum(len(blocks[i].tokens) for i in inside)
        prose = sum(_prose_words(blocks[i]) for i in inside)
        if not words or prose < _CONTINUATION_PROSE * words:
            break
        added.update(id(blocks[i]) for i in inside if blocks[i].element.tag in _CONTINUATION_TAGS)
        last = inside[-1]
    return [block for block in blocks if id(block) in kept or id(block) in added] if added else chosen


def _with_sandwiched_sentences(blocks: list[_Block], chosen: list[_Block]) -> list[_Block]:
    """The chosen blocks plus any paragraph that reads as a sentence (a <p> or <li> of `_SENTENCE_WORDS` or more words
    ending in . ! or ?) between two chosen blocks: trafilatura sometimes drops one line of running text."""
    kept = {id(block) for block in chosen}
    added = {
        id(block)
        for before, block, after in zip(blocks, blocks[1:], blocks[2:], strict=False)
        if id(before) in kept
        and id(after) in kept
        and id(block) not in kept
        and block.element.tag in ("p", "li")
        and _SENTENCE_END.search(block.text)
        and len(block.tokens) >= _SENTENCE_WORDS
    }
    return [block for block in blocks if id(block) in kept or id(block) in added] if added else chosen


def _body(
    root: etree._Element, base: str | None, title: str | None, fast: bool = False
) -> tuple[tuple[str, ...], tuple[Link, ...], tuple[str, ...], tuple[Link, ...]]:
    """The article's paragraphs and links, then the rest of the page's visible blocks and every link of the page."""
    hidden = _hidden_classes(root)
    blocks = _page_blocks(root, _Shown(hidden))
    text = _main_text(root, base, fast)
    if not text.strip():
        if fast:  # a cited source: its paragraphs alone are read
            return (), (), (), ()
        outside, others = _outside(_shown_blocks(root, hidden, blocks), set())
        return (), (), outside, others
    main = _MainText.of(text)
    chosen = _selected(blocks, main)
    container = _container(chosen)
    if container is not None and not all(_inside(block.element, container) for block in chosen):
        # Chosen again among the container's blocks alone: a summary outside it (key points, a standfirst) that
        # repeats the first paragraph must not have used up the words that paragraph is recognised by. When every
        # chosen block is inside already, nothing outside used up any words and choosing again changes nothing.
        chosen = _selected([block for block in blocks if _inside(block.element, container)], main)
    chosen = _without_nested_articles(chosen)
    chosen = _with_continuations(root, blocks, chosen, container)
    chosen = _with_embedded_posts(blocks, chosen, container)
    chosen = _with_sandwiched_sentences(blocks, chosen)
    headline = " ".join(_tokens(title or ""))
    chosen = [b for b in chosen if b.element.tag != "h1" and " ".join(b.tokens) != headline]
    paragraphs = tuple(block.text for block in chosen)
    links = tuple(
        Link(anchor=anchor, href=href, paragraph=index, offset=offset)
        for index, block in enumerate(chosen)
        for anchor, href, offset in block.links
    )
    if fast:
        return paragraphs, links, (), ()
    body = {(id(block.element), block.text) for block in chosen}
    outside, others = _outside(_shown_blocks(root, hidden, blocks), body)
    return paragraphs, links, outside, links + others


def _shown_blocks(root: etree._Element, hidden: frozenset[str], blocks: list[_Block]) -> list[_Block]:
    """The page's blocks as a sighted reader sees them: what is hidden only from assistive technology (aria-hidden)
    is shown (a pull quote, a list). The page is walked again only where something is so hidden: else the walk would
    be the same as `blocks`'."""
    aria_hidden = bool(root.xpath('boolean(//*[@aria-hidden="true"])'))
    return _page_blocks(root, _Shown(hidden, aria=False)) if aria_hidden else blocks


def _outside(blocks: list[_Block], body: set[tuple[int, str]]) -> tuple[tuple[str, ...], tuple[Link, ...]]:
    """The visible blocks that are not the article body, and their links (paragraph -1), in document order."""
    rest = [block for block in blocks if (id(block.element), block.text) not in body]
    links = tuple(Link(anchor, href, -1, offset) for block in rest for anchor, href, offset in block.links)
    return tuple(block.text for block in rest), links

"""The article model and the parser that turns a stored copy (Markdown or HTML) into it."""

from __future__ import annotations

import bisect
import datetime as dt
import enum
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import yaml
from dateutil import parser as dateparser

from verify.text import sentence_spans

if TYPE_CHECKING:
    from bs4 import Tag


class ArticleError(ValueError):
    """A stored copy that cannot be read as an article; the message names the file and, where known, the line."""

    def __init__(self, path: str, why: str, line: int | None = None) -> None:
        where = f"{path}:{line}" if line else path
        super().__init__(f"{where}: {why}")
        self.path = path
        self.line = line
        self.why = why


class BlockKind(str, enum.Enum):
    TITLE = "title"
    DATELINE = "dateline"
    CAPTION = "caption"
    CREDIT = "credit"
    BODY = "body"
    HEADING = "heading"
    IMAGE = "image"
    RELATED = "related"
    CONTRIBUTOR = "contributor"
    FOOTER = "footer"
    FRONT_MATTER = "front-matter"


#: Blocks whose sentences are statements to verify.
STATEMENT_BLOCKS = frozenset({BlockKind.CAPTION, BlockKind.BODY})


@dataclass(frozen=True)
class Citation:
    """A link in the stored copy: `href` is None when the copy stripped it to `#`."""

    anchor: str
    href: str | None
    line: int
    column: int
    start: int
    end: int
    block: int
    statement_id: str | None = None

    @property
    def stripped(self) -> bool:
        return self.href is None


@dataclass(frozen=True)
class Attribution:
    """Who a statement says it comes from: "the Foreign Ministry said in a statement"."""

    source: str
    verb: str
    phrase: str
    document: str | None = None  # "a statement", "a report on its website": a document to look for


@dataclass(frozen=True)
class Statement:
    id: str
    text: str
    kind: BlockKind
    paragraph: int
    line: int
    end_line: int
    column: int
    start: int
    end: int
    citations: tuple[Citation, ...] = ()
    attribution: Attribution | None = None


@dataclass(frozen=True)
class Block:
    """A paragraph of the stored copy, kept as what it is, with its plain text and source position."""

    index: int
    kind: BlockKind
    text: str
    line: int
    start: int
    end: int


@dataclass(frozen=True)
class Article:
    path: str
    format: str
    title: str
    date: dt.date | None
    url: str | None
    blocks: tuple[Block, ...]
    statements: tuple[Statement, ...]
    citations: tuple[Citation, ...]
    metadata: dict[str, str] = field(default_factory=dict, compare=False)

    @property
    def paragraphs(self) -> tuple[Block, ...]:
        return tuple(b for b in self.blocks if b.kind in STATEMENT_BLOCKS)

    @property
    def slug(self) -> str:
        return slugify(Path(self.path).stem) or "article"

    def statement(self, statement_id: str) -> Statement:
        for statement in self.statements:
            if statement.id == statement_id:
                return statement
        raise KeyError(statement_id)


def slugify(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-.")[:120]


# --------------------------------------------------------------------------------------------------------------
# Reading the file


def read_article(
    path: Path, *, url: str | None = None, date: dt.date | None = None, max_bytes: int = 5_000_000
) -> Article:
    """Read and parse a stored copy; `url` and `date` override what the file says."""
    name = str(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ArticleError(name, "no such file") from None
    except IsADirectoryError:
        raise ArticleError(name, "is a directory, not an article file") from None
    except OSError as error:
        raise ArticleError(name, f"cannot be read ({error.strerror})") from None
    if len(raw) > max_bytes:
        raise ArticleError(name, f"is {len(raw):,} bytes; articles over {max_bytes:,} bytes are refused")
    return parse_article(decode(raw, name), name, url=url, date=date)


def decode(raw: bytes, name: str) -> str:
    if not raw.strip():
        raise ArticleError(name, "is empty")
    if b"\x00" in raw[:8192] and not raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ArticleError(name, "is a binary file, not a Markdown, text or HTML article")
    for encoding in ("utf-8-sig", "utf-16"):
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        if encoding == "utf-16" and not raw.startswith((b"\xff\xfe", b"\xfe\xff")):
            continue
        return text.replace("\r\n", "\n").replace("\r", "\n")
    from charset_normalizer import from_bytes

    best = from_bytes(raw).best()
    # A legacy-encoded article is still prose: words separated by spaces. Random bytes decode to none.
    if best is None or best.chaos > 0.3 or sum(c.isspace() for c in str(best)) < 0.05 * len(str(best)):
        raise ArticleError(name, "is not valid UTF-8 and its encoding could not be detected; save it as UTF-8")
    return str(best).replace("\r\n", "\n").replace("\r", "\n")


def parse_article(
    text: str, path: str = "<article>", *, url: str | None = None, date: dt.date | None = None
) -> Article:
    if not text.strip():
        raise ArticleError(path, "is empty")
    article = _parse_html(text, path) if _looks_like_html(text) else _parse_markdown(text, path)
    if url is not None:
        article = replace(article, url=_checked_url(url, path, None, "--url"))
    if date is not None:
        article = replace(article, date=date)
    if not article.url:
        raise ArticleError(
            path,
            "no original URL found (no 'Original url:' footer, front matter 'url:' or canonical link); pass --url",
        )
    if not article.statements:
        raise ArticleError(path, "has no body: no sentence to verify was found")
    return article


def _looks_like_html(text: str) -> bool:
    head = text.lstrip()[:1000].lower()
    return head.startswith(("<!doctype html", "<html")) or ("<body" in head and "<p" in text.lower())


def _checked_url(url: str, path: str, line: int | None, what: str) -> str:
    url = url.strip().strip("<>").strip()
    try:
        parts = urlsplit(url)
    except ValueError as error:  # "Invalid IPv6 URL" and the like
        raise ArticleError(path, f"{what} {url!r} is not a valid URL ({error})", line) from None
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ArticleError(path, f"{what} {url!r} is not an http(s) URL", line)
    return url


# --------------------------------------------------------------------------------------------------------------
# Markdown

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_FOOTER = re.compile(r"^\s*(?:\*\*|__)?original\s+url\s*:?\s*(?:\*\*|__)?\s*:?\s*(.*)$", re.I)
_RELATED = re.compile(
    r"^\s*(?:\*\*|__)?\s*(?:related(?:\s+(?:article|story|stories|content|reading))?|read\s+(?:more|also)|see\s+also)"
    r"\s*:?\s*(?:\*\*|__)?\s*:?",
    re.I,
)
_CONTRIBUTOR = re.compile(
    r"contributed\s+(?:reporting|to\s+this)|reporting\s+by|editing\s+by|additional\s+reporting|"
    r"writing\s+by|^\W*by\s+[A-Z]",
    re.I,
)
_IMAGE = re.compile(r"^\s*!\[[^\]]*\]\([^)]*\)\s*$")
_TRAILING_CREDIT = re.compile(r"\s*(\*\*|__)([^*_\n]+?)\1\s*$")
_URL_LINE = re.compile(r"^\s*<?(https?://[^\s>]+)>?\s*$")


@dataclass
class _Para:
    start: int
    end: int
    line: int
    text: str


# CommonMark's thematic break (spec 0.31, section 4.1): up to three spaces of indentation, then three or more of the
# same character among -, _ and *, each optionally followed by spaces or tabs, and nothing else on the line. It
# separates blocks as a blank line does (a `---` under a line of text is a setext underline: a separator too).
_THEMATIC_BREAK = re.compile(r"^ {0,3}([-_*])(?:[ \t]*\1){2,}[ \t]*$")


def _paragraphs(text: str, offset: int, first_line: int) -> list[_Para]:
    paras: list[_Para] = []
    current: _Para | None = None
    pos = offset
    line_no = first_line
    for raw_line in text[offset:].split("\n"):
        if raw_line.strip() and not _THEMATIC_BREAK.match(raw_line):
            if current is None:
                current = _Para(pos, pos + len(raw_line), line_no, raw_line)
            else:
                current.end = pos + len(raw_line)
                current.text = text[current.start : current.end]
        elif current is not None:
            paras.append(current)
            current = None
        pos += len(raw_line) + 1
        line_no += 1
    if current is not None:
        paras.append(current)
    return paras


def _front_matter(text: str, path: str) -> tuple[dict[str, str], int]:
    match = _FRONT_MATTER.match(text)
    if not match:
        if text.startswith("---\n"):
            raise ArticleError(path, "front matter opened with '---' is never closed", 1)
        return {}, 0
    try:
        data = yaml.safe_load(match.group(1))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1
        why = getattr(error, "problem", None) or "invalid YAML"
        raise ArticleError(path, f"broken front matter: {why}", line) from None
    except (ValueError, OverflowError) as error:  # YAML that parses but names an impossible date: 2024-13-45
        raise ArticleError(path, f"broken front matter: {error}", 2) from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ArticleError(path, "broken front matter: expected 'key: value' lines", 2)
    return {str(k).lower(): _scalar(v) for k, v in data.items() if v is not None}, match.end()


def _scalar(value: object) -> str:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value)


def _parse_date(value: str) -> dt.date | None:
    value = value.strip()
    if not value or len(value) > 60 or not re.search(r"\d", value):
        return None
    try:
        parsed = dateparser.parse(value, fuzzy=False, default=dt.datetime(1900, 1, 1))
    except (ValueError, OverflowError):
        return None
    if parsed is None or parsed.year < 1900:
        return None
    return parsed.date()


def _parse_markdown(text: str, path: str) -> Article:
    meta, body_start = _front_matter(text, path)
    first_line = text.count("\n", 0, body_start) + 1
    paras = _paragraphs(text, body_start, first_line)

    title = meta.get("title", "")
    date = _parse_date(meta["date"]) if "date" in meta else None
    if "date" in meta and date is None:
        raise ArticleError(path, f"front matter date {meta['date']!r} is not a date", 2)
    url = _checked_url(meta["url"], path, 2, "front matter url") if meta.get("url") else None

    kinds: list[BlockKind] = []
    footer_pending = False
    seen_body = False
    for para in paras:
        stripped = para.text.strip()
        heading = _HEADING.match(stripped) if "\n" not in stripped else None
        # The footer's first line decides: a line right under it, with no blank line between, is part of it.
        footer = _FOOTER.match(stripped.split("\n", 1)[0])
        if footer_pending and _URL_LINE.match(stripped):
            url = url or _checked_url(stripped, path, para.line, "original URL")
            kind = BlockKind.FOOTER
            footer_pending = False
        elif footer:
            kind = BlockKind.FOOTER
            rest = " ".join([footer.group(1), *stripped.split("\n")[1:]]).strip()
            found = re.search(r"https?://[^\s>)\]]+", rest)
            if found:
                url = url or _checked_url(found.group(0), path, para.line, "original URL")
            else:
                footer_pending = True
        elif heading and not title and not seen_body:
            kind = BlockKind.TITLE
            title = _inline(heading.group(2))[0]
        elif heading:
            kind = BlockKind.HEADING
        elif not seen_body and date is None and (found_date := _parse_date(_inline(stripped)[0])):
            kind = BlockKind.DATELINE
            date = found_date
        elif _IMAGE.match(stripped):
            kind = BlockKind.IMAGE
        elif _RELATED.match(stripped):
            kind = BlockKind.RELATED
        elif _is_contributor(stripped):
            kind = BlockKind.CONTRIBUTOR
        else:
            kind = BlockKind.BODY
            seen_body = True
        kinds.append(kind)

    _mark_caption(paras, kinds)
    return _assemble(path, "markdown", text, paras, kinds, title, date, url, meta)


def _is_contributor(stripped: str) -> bool:
    italic = re.fullmatch(r"(\*|_)(?!\1)(.+)\1", stripped, re.S)
    inner = italic.group(2) if italic else stripped
    return bool(_CONTRIBUTOR.search(inner)) and (italic is not None or len(inner) < 120)


def _mark_caption(paras: list[_Para], kinds: list[BlockKind]) -> None:
    """The first body paragraph that ends in a bold credit ("**Stringer / Xinhua**") is a photo caption."""
    for i, kind in enumerate(kinds):
        if kind is not BlockKind.BODY:
            continue
        if _TRAILING_CREDIT.search(paras[i].text):
            kinds[i] = BlockKind.CAPTION
        return


def _assemble(
    path: str,
    fmt: str,
    text: str,
    paras: list[_Para],
    kinds: list[BlockKind],
    title: str,
    date: dt.date | None,
    url: str | None,
    meta: dict[str, str],
) -> Article:
    line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
    blocks: list[Block] = []
    statements: list[Statement] = []
    citations: list[Citation] = []
    counters = {BlockKind.CAPTION: 0, BlockKind.BODY: 0}
    for index, (para, kind) in enumerate(zip(paras, kinds, strict=True)):
        source = para.text
        if kind is BlockKind.CAPTION:
            credit = _TRAILING_CREDIT.search(source)
            assert credit is not None
            blocks.append(
                Block(
                    index,
                    BlockKind.CREDIT,
                    credit.group(2).strip(),
                    _line_of(line_starts, para.start + credit.start(2)),
                    para.start + credit.start(2),
                    para.start + credit.end(2),
                )
            )
            source = source[: credit.start()]
        plain, offsets, links = _inline(source)

        block_citations = [
            _citation(
                anchor,
                href,
                para.start + _offset_at(offsets, a),
                para.start + _offset_at(offsets, max(a, b - 1)) + 1,
                index,
                line_starts,
            )
            for anchor, href, a, b in links
        ]
        if kind is BlockKind.TITLE:
            plain = title
        blocks.append(Block(index, kind, plain, para.line, para.start, para.end))
        if kind not in STATEMENT_BLOCKS:
            citations.extend(block_citations)
            continue
        counters[kind] += 1
        prefix = "c" if kind is BlockKind.CAPTION else "p"
        # A piece with no word in it (a stray "|" or "*" the splitter cut off) says nothing to verify.
        spans = [(a, b) for a, b in sentence_spans(plain) if _WORD.search(plain, a, b)]
        for n, (start, end) in enumerate(spans, 1):
            sid = f"{prefix}{counters[kind]}.s{n}"
            file_start = para.start + offsets[start]
            file_end = para.start + offsets[end - 1] + 1
            own = tuple(
                replace(c, statement_id=sid)
                for c, (_, _, a, _) in zip(block_citations, links, strict=True)
                if start <= a < end or (n == len(spans) and a >= end)
            )
            citations.extend(own)
            line = _line_of(line_starts, file_start)
            statements.append(
                Statement(
                    id=sid,
                    text=plain[start:end],
                    kind=kind,
                    paragraph=index,
                    line=line,
                    end_line=_line_of(line_starts, file_end - 1),
                    column=file_start - line_starts[line - 1] + 1,
                    start=file_start,
                    end=file_end,
                    citations=own,
                    attribution=find_attribution(plain[start:end]),
                )
            )
    citations.sort(key=lambda c: c.start)
    return Article(path, fmt, title, date, url, tuple(blocks), tuple(statements), tuple(citations), meta)


def _offset_at(offsets: Sequence[int], k: int) -> int:
    """Where plain character k stood; an empty link ([](#), an icon) may sit past the last character."""
    return offsets[min(k, len(offsets) - 1)] if offsets else 0


def _line_of(line_starts: Sequence[int], offset: int) -> int:
    return bisect.bisect_right(line_starts, offset)


def _citation(anchor: str, href: str | None, start: int, end: int, block: int, line_starts: Sequence[int]) -> Citation:
    line = _line_of(line_starts, start)
    return Citation(anchor, href, line, start - line_starts[line - 1] + 1, start, end, block)


# A link's destination may hold balanced parentheses, as CommonMark allows: [x](javascript:alert(1);).
_LINK = re.compile(
    r"(?<!!)\[((?:[^\[\]]|\[[^\[\]]*\])*)\]\(\s*<?((?:[^()\s>]|\([^()\s>]*\))*)>?(?:\s+\"[^\"]*\")?\s*\)"
)
_EMPHASIS = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1|(?<![\w*])(\*|_)(?=\S)(.+?)(?<=\S)\3(?![\w*])")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!<>|\"'])")


_WORD = re.compile(r"\w")
_IMAGE = re.compile(r"!\[(?:[^\[\]]|\[[^\[\]]*\])*\]\(\s*<?[^)\s>]*>?(?:\s+\"[^\"]*\")?\s*\)")


def _inline(source: str) -> tuple[str, list[int], list[tuple[str, str | None, int, int]]]:
    """Markdown inline text → (plain text, source offset of each plain char, links as (anchor, href, start, end)).

    Link anchors keep their text, emphasis markers and escapes disappear, and white space runs fold to one space,
    while every plain character remembers where it stood in the source so statements can point at lines.
    """
    chars: list[str] = []
    offsets: list[int] = []
    links: list[tuple[str, str | None, int, int]] = []
    markers: set[int] = set()
    for match in _EMPHASIS.finditer(source):
        marker = match.group(1) or match.group(3)
        inner_start = match.start(2) if match.group(1) else match.start(4)
        inner_end = match.end(2) if match.group(1) else match.end(4)
        markers.update(range(match.start(), inner_start))
        markers.update(range(inner_end, inner_end + len(marker)))
    link_at = {m.start(): m for m in _LINK.finditer(source)}
    image_at = {m.start(): m for m in _IMAGE.finditer(source)}
    i = 0
    while i < len(source):
        image = image_at.get(i)
        if image is not None:  # ![alt](src): a picture, not words of the sentence nor a citation
            i = image.end()
            continue
        link = link_at.get(i)
        if link is not None:
            anchor_start = len(chars)
            for j in range(link.start(1), link.end(1)):
                if j not in markers:
                    _push(chars, offsets, source[j], j)
            href = link.group(2).strip() or None
            if href in ("#", None):
                href = None
            anchor = "".join(chars[anchor_start:]).strip()
            links.append((anchor, href, anchor_start, len(chars)))
            i = link.end()
            continue
        if i in markers:
            i += 1
            continue
        escape = _ESCAPE.match(source, i)
        if escape:
            _push(chars, offsets, escape.group(1), i + 1)
            i = escape.end()
            continue
        _push(chars, offsets, source[i], i)
        i += 1
    # trim the ends, keeping offsets aligned
    while chars and chars[-1] == " ":
        chars.pop()
        offsets.pop()
    lead = 0
    while lead < len(chars) and chars[lead] == " ":
        lead += 1
    if lead:
        chars, offsets = chars[lead:], offsets[lead:]
        links = [(a, h, s - lead, e - lead) for a, h, s, e in links]
    return "".join(chars), offsets, links


def _push(chars: list[str], offsets: list[int], char: str, offset: int) -> None:
    if char.isspace():
        if chars and chars[-1] == " ":
            return
        char = " "
    chars.append(char)
    offsets.append(offset)


# --------------------------------------------------------------------------------------------------------------
# Attribution

_VERBS = (
    r"said|says|say|told|tells|added|adds|alleged|alleges|reported|reports|announced|announces|stated|states|"
    r"claimed|claims|wrote|writes|confirmed|confirms|noted|notes|warned|warns|insisted|insists|explained|"
    r"argued|argues|estimated|estimates|acknowledged|admitted|denied|denies|tweeted|posted"
)
_DOCUMENT = re.compile(
    r"\b(?:in|on)\s+(an?|its|their|the|his|her)\s+((?:[\w'-]+\s+){0,3}?"
    r"(?:statement|report|press\s+release|post|tweet|interview|letter|briefing|filing|study|survey|video|"
    r"website|blog|announcement|memo|document|transcript|speech|release))\b",
    re.I,
)
_ACCORDING = re.compile(r"\baccording\s+to\s+((?:(?!\b(?:which|who|that)\b)[^,.;:])+)", re.I)
_SUBJECT_VERB = re.compile(
    r"(?<![\w'’.-])(?P<subject>(?:(?:the|a|an|[A-Z][\w'’.-]*|[a-z][\w-]*)\s+){0,6}?(?:[A-Z][\w'’.-]*|officials?|spokesm[ae]n|"
    r"spokeswom[ae]n|spokesperson|ministry|group|agency|police|government|authority|authorities|council|court|"
    r"department|office|company|firm|committee|commission|board|sources?|experts?|"
    r"analysts?|researchers?|scientists?|witnesses|residents|doctors)(?:\s+(?:[A-Z][\w'’.-]*))*)"
    r"\s+(?:had\s+|has\s+|have\s+)?(?:earlier\s+|also\s+|later\s+)?"
    rf"(?P<verb>{_VERBS})\b",
)
_PRONOUN_SUBJECT = re.compile(rf"\b(?P<subject>[Ii]t|[Hh]e|[Ss]he|[Tt]hey)\s+(?P<verb>{_VERBS})\b")
_SKIP_SUBJECT = re.compile(r"^(?:the|a|an|and|but|as|while|when)\s+", re.I)


def find_attribution(sentence: str) -> Attribution | None:
    """Who the sentence attributes its content to, if anyone ("X said", "according to X", "X told Y")."""
    according = _ACCORDING.search(sentence)
    if according:
        source = according.group(1).strip(" \"'“”")
        return Attribution(source, "according to", according.group(0).strip(), _document(sentence))
    for match in _SUBJECT_VERB.finditer(sentence):
        subject = _clean_subject(match.group("subject"))
        if subject:
            return Attribution(
                subject, match.group("verb"), match.group(0).strip(), _document(sentence[match.start() :])
            )
    pronoun = _PRONOUN_SUBJECT.search(sentence)
    if pronoun and sentence.rstrip('."”').endswith(pronoun.group(0)):
        return Attribution(pronoun.group("subject"), pronoun.group("verb"), pronoun.group(0), _document(sentence))
    return None


def _clean_subject(subject: str) -> str:
    words = subject.split()
    # a subject starts at its first capitalised word or determiner followed by one
    while words and words[0][0].islower() and words[0].lower() not in ("the", "a", "an"):
        words.pop(0)
    while (
        len(words) > 1
        and _SKIP_SUBJECT.match(words[0] + " ")
        and words[0].lower() in ("and", "but", "as", "while", "when")
    ):
        words.pop(0)
    cleaned = " ".join(words).strip(" ,\"'“”")
    if not cleaned or cleaned.lower() in ("the", "a", "an", "it", "that", "this", "which"):
        return ""
    return cleaned


def _document(text: str) -> str | None:
    match = _DOCUMENT.search(text)
    return f"{match.group(1)} {match.group(2)}".strip() if match else None


# --------------------------------------------------------------------------------------------------------------
# HTML stored copies


def _parse_html(text: str, path: str) -> Article:
    # Beautiful Soup (with soupsieve and html5lib) takes ~180 ms to import: only HTML stored copies pay for it.
    from bs4 import BeautifulSoup, Tag

    # Lone surrogates (from a str built in memory) are refused by lxml; as text they can only be replaced.
    text = text.encode("utf-8", "replace").decode("utf-8")
    soup = BeautifulSoup(text, "lxml")
    meta: dict[str, str] = {}
    for tag in soup.find_all("meta"):
        key = tag.get("property") or tag.get("name") or tag.get("itemprop")
        content = tag.get("content")
        if isinstance(key, str) and isinstance(content, str):
            meta.setdefault(key.lower(), content.strip())
    canonical = soup.find("link", rel="canonical")
    url = meta.get("og:url")
    if isinstance(canonical, Tag) and isinstance(canonical.get("href"), str):
        url = str(canonical["href"])
    title_tag = soup.find("h1") or soup.find("title")
    title = meta.get("og:title") or (title_tag.get_text(" ", strip=True) if title_tag else "")
    date_text = meta.get("article:published_time") or meta.get("date") or meta.get("datepublished")
    time_tag = soup.find("time")
    if not date_text and isinstance(time_tag, Tag):
        datetime_attr = time_tag.get("datetime")
        date_text = str(datetime_attr) if datetime_attr else time_tag.get_text(strip=True)
    date = _parse_date(date_text) if date_text else None

    for tag in soup(["script", "style", "noscript", "nav", "header", "footer", "aside", "form", "iframe"]):
        tag.decompose()
    root = soup.find("article") or soup.find("main") or soup.body or soup
    lines: list[str] = []
    for element in root.find_all(["p", "figcaption", "h2", "h3", "blockquote"]):
        if element.find_parent(["p", "blockquote"]) is not None and element.name == "p":
            continue
        markdown = _html_inline(element)
        if markdown.strip():
            prefix = "## " if element.name in ("h2", "h3") else ""
            lines.append(prefix + markdown.strip())
    markdown_text = "\n\n".join(lines)
    if not markdown_text.strip():
        raise ArticleError(path, "has no body: the HTML page holds no paragraph text")
    paras = _paragraphs(markdown_text, 0, 1)
    kinds = [BlockKind.HEADING if p.text.startswith("## ") else BlockKind.BODY for p in paras]
    article = _assemble(path, "html", markdown_text, paras, kinds, title, date, url, meta)
    # Positions refer to the Markdown rendering of the page, not to the HTML file itself.
    return article


def _html_inline(element: Tag) -> str:
    from bs4 import Tag

    parts: list[str] = []
    for node in element.descendants:
        if isinstance(node, Tag):
            if node.name == "a":
                anchor = node.get_text(" ", strip=True).replace("[", "(").replace("]", ")")
                href = node.get("href")
                href_text = str(href).strip() if href else "#"
                parts.append(f"[{anchor}]({href_text.replace(' ', '%20').replace(')', '%29') or '#'})")
            continue
        if node.find_parent("a") is not None and node.find_parent("a") in element.find_all("a"):
            continue
        parts.append(_escape_markdown(str(node)))
    return re.sub(r"\s+", " ", "".join(parts))


def _escape_markdown(text: str) -> str:
    return re.sub(r"([\\`*_\[\]])", r"\\\1", text)

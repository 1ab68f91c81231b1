"""Hostile input never crashes or hangs the article parser or the HTML extractor, and report text stays inert.

Property tests (hypothesis): `parse_article` returns an Article or raises ArticleError, never anything else, and what
it returns points into the file it read; `extract` returns for any bytes or text; `md_text` leaves no markup open.
The large seeded run is `python bench/fuzz.py --count 100000`.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
import unicodedata
from collections.abc import Callable
from typing import TypeVar

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from verify.article import Article, ArticleError, parse_article
from verify.extract import Extracted, extract
from verify.report import md_text

T = TypeVar("T")

# A call that takes longer than this is a hang (catastrophic backtracking, runaway recursion), not a slow input: the
# slowest of 100,000 generated articles parses in well under a second (see bench/README.md). `re` holds the GIL, so a
# thread cannot interrupt a runaway regular expression; the bound is checked when the call returns.
HANG_SECONDS = 5.0

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SLOW = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def bounded(call: Callable[[], T]) -> T:
    """`call()`, failing the test if it took longer than HANG_SECONDS (errors propagate unchanged)."""
    started = time.perf_counter()
    try:
        return call()
    finally:
        elapsed = time.perf_counter() - started
        assert elapsed < HANG_SECONDS, f"{elapsed:.1f} s for one input: it (nearly) hangs the code under test"


def parse_or_refuse(text: str) -> Article | ArticleError:
    """The Article or the ArticleError; any other exception is a crash and propagates."""
    try:
        return bounded(lambda: parse_article(text, "fuzz.md"))
    except ArticleError as error:
        return error


# ---- strategies ----------------------------------------------------------------------------------------------------

WORDS = st.sampled_from(
    [
        "Russia", "said", "the", "ministry", "on", "Thursday", "officials", "according", "to", "police", "1,000",
        "Jan.", "U.S.", "Dr.", "e.g.", "“quoted”", "'single'", "Ünïcödé", "中文", "العربية", "🙂", "\u200b", "\u202e",
        "\t", "\x00", "\x0b", "\x1b[31m", "*", "**", "_", "__", "\\", "`", "#", "|", "<b>", "</p>", "&amp;", "---",
        "said.", "Inc.", "No.", "3.5", "...", "?!", "(", ")", "[", "]", "![", "](",
    ]
)  # fmt: skip
ODD_URLS = st.sampled_from(
    [
        "https://news.example/2020/02/06/story", "http://x.example/a?b=c&d=e#f", "https://x.example:99999/",
        "https://", "http:///path", "ftp://x.example/", "javascript:alert(1)",
        "https://x.example/" + "a" * 3000, "https://例え.example/パス", "https://x.example/(paren)",
        "<https://x.example/angle>", "https://x.example/%zz", "https://user:pw@x.example/", "//x.example/",
        "https://x.example/\u202e", "http://[::1]/", "http://[bad/", "http://x.example/]", "", " ", "https://x.example/web/2020/http://y.example/",
    ]
)  # fmt: skip


@st.composite
def sentences(draw: st.DrawFn) -> str:
    words = draw(st.lists(st.one_of(WORDS, st.text(max_size=12)), min_size=1, max_size=25))
    for i in draw(st.lists(st.integers(0, len(words) - 1), max_size=3)):
        anchor = words[i]
        kind = draw(st.sampled_from(["stripped", "url", "odd", "nested", "image", "unclosed"]))
        if kind == "stripped":
            words[i] = f"[{anchor}](#)"
        elif kind == "url":
            words[i] = f"[{anchor}](http://x.example/{draw(st.text(max_size=10))})"
        elif kind == "odd":
            words[i] = f"[{anchor}]({draw(ODD_URLS)})"
        elif kind == "nested":
            depth = draw(st.integers(1, 60))
            words[i] = "[" * depth + anchor + "]" * draw(st.integers(0, depth)) + "(#)"
        elif kind == "image":
            words[i] = f"![{anchor}](http://x.example/i.png)"
        else:
            words[i] = f"[{anchor}](http://x.example/"
    return " ".join(words) + draw(st.sampled_from([".", "!", "?", "", "…", ".\u201d"]))


@st.composite
def front_matter(draw: st.DrawFn) -> str:
    keys = st.sampled_from(["title", "date", "url", "Title", "URL", "author", "tags", "1", "null", "? x", "- a"])
    values = st.one_of(
        ODD_URLS,
        st.sampled_from(
            [
                "2020-02-06", "February 6, 2020", "not a date", "9999-99-99", "0001-01-01", "[unclosed", "{a: b",
                "'quote", '"dq', "&anchor", "*alias", "!!python/object:os.system", "|", ">", "~", "2020-02-06 25:61",
                "1e400", "99999999999999999999", "12:30:00",
            ]
        ),
        st.text(max_size=20),
    )  # fmt: skip
    lines = [f"{draw(keys)}: {draw(values)}" for _ in range(draw(st.integers(0, 6)))]
    lines += draw(st.lists(st.sampled_from(["  indented: x", "- item", "key without colon", "\t tab: 1"]), max_size=2))
    closing = draw(st.sampled_from(["---", "...", "", "--- ", "----"]))
    return "---\n" + "\n".join(lines) + ("\n" + closing if closing else "") + "\n"


@st.composite
def markdown_articles(draw: st.DrawFn) -> str:
    parts: list[str] = []
    if draw(st.booleans()):
        parts.append(draw(front_matter()))
    if draw(st.booleans()):
        parts.append("#" * draw(st.integers(1, 7)) + " " + draw(sentences()))
    if draw(st.booleans()):
        parts.append(draw(st.sampled_from(["February 06, 2020", "6 Feb 2020", "2020-02-06", "Feb 30, 2020", "1/2/3"])))
    for _ in range(draw(st.integers(0, 6))):
        paragraph = " ".join(draw(st.lists(sentences(), min_size=1, max_size=4)))
        paragraph += draw(st.sampled_from(["", " **Stringer / Xinhua**", " __credit__", " **"]))
        parts.append(
            draw(st.sampled_from(["", "*", "> ", "- ", "**Related article:** ", "Reporting by ", "    "])) + paragraph
        )
    if draw(st.booleans()):
        # a very long line of words, or one very long word (a pasted URL, a run of dashes)
        parts.append(" ".join(draw(WORDS) for _ in range(draw(st.integers(200, 3000)))) + ".")
    if draw(st.booleans()):
        parts.append(draw(st.sampled_from("x-=_*[")) * draw(st.integers(100, 1500)) + " " + draw(sentences()))
    if draw(st.booleans()):
        url = draw(ODD_URLS)
        footer = draw(st.sampled_from(["Original url: <{}>", "**Original url:**\n\n{}", "Original url:\n\n<{}>"]))
        parts.append(footer.format(url))
    separator = draw(st.sampled_from(["\n\n", "\n", "\n\n\n", "\r\n\r\n", "\n \n"]))
    return separator.join(parts)


@st.composite
def html_articles(draw: st.DrawFn) -> str:
    head = ""
    if draw(st.booleans()):
        head += f'<link rel="canonical" href="{draw(ODD_URLS)}">'
    if draw(st.booleans()):
        head += f'<meta property="og:url" content="{draw(ODD_URLS)}"><meta name="date" content="{draw(WORDS)}">'
    if draw(st.booleans()):
        head += f"<title>{draw(sentences())}</title>"
    body = "".join(
        draw(
            st.sampled_from(["<p>{}</p>", "<p>{}", "<h2>{}</h2>", "<blockquote><p>{}</p></blockquote>", "<div>{}"])
        ).format(draw(sentences()).replace("](", '"><a href="'))
        for _ in range(draw(st.integers(0, 5)))
    )
    depth = draw(st.integers(0, 300))
    body = "<div><span>" * depth + body + draw(st.sampled_from(["", "</div></span>" * depth]))
    if draw(st.booleans()):
        body = body.replace("<p>", '<p><a href="http://x.example/a">[nested <a href="#">links</a>]</a> ', 1)
    return draw(st.sampled_from(["<!DOCTYPE html>", "<html>", "  <HTML lang=en>"])) + f"<head>{head}</head><body>{body}"


WAYBACK = st.sampled_from(
    [
        "<!-- BEGIN WAYBACK TOOLBAR INSERT -->",
        "<!-- END WAYBACK TOOLBAR INSERT -->",
        '<script src="//archive.org/includes/athena.js"></script>',
        '<script>__wm.init("https://web.archive.org/web");</script>',
        "<!-- End Wayback Rewrite JS Include -->",
        '<script src="/_static/js/wombat.js">',
        '<a href="/web/20200206000000/https://news.example/a">archived</a>',
        '<a href="/web/99999999999999999999im_/">odd</a>',
        '<a href="https://web.archive.org/web/2020*/http:/x.example">squashed</a>',
        '<base href="/web/20200206/">',
        '<base href="javascript:void(0)">',
    ]
)


@st.composite
def hostile_html(draw: st.DrawFn) -> str | bytes:
    pieces = draw(
        st.lists(
            st.one_of(
                WAYBACK,
                st.sampled_from(
                    [
                        "<p>",
                        "</p>",
                        "<div>",
                        "<table><tr><td>",
                        "<a href=",
                        "<a href='http://x.example/'>",
                        "</a>",
                        "<script>",
                        "</script>",
                        "<!--",
                        "-->",
                        "<![CDATA[",
                        "]]>",
                        "<svg><math>",
                        "&#0;",
                        "&#xD800;",
                        "&nbsp;",
                        '<meta charset="bogus-9">',
                        '<meta charset="utf-16">',
                        '<meta charset="utf-7">',
                        '<script type="application/ld+json">{"datePublished": [1, {"@graph": null}]}</script>',
                        '<script type="application/ld+json">{"@graph": [{"datePublished": "2020-02-30"}]}</script>',
                        '<time datetime="99999-1-1">',
                        '<meta property="article:published_time" content="0">',
                        '<p style="display:none">',
                        "<p hidden>",
                        "<h1>",
                        '<link rel="canonical" href="http://[">',
                    ]
                ),
                sentences(),
            ),
            max_size=40,
        )
    )
    depth = draw(st.integers(0, 3000))
    nest = draw(st.sampled_from(["<div>", "<p>", "<a href='#'>", "<span>", "<b><i>", "<table>"]))
    attribute = "x" * draw(st.integers(0, 200_000))
    html = nest * depth + f'<p title="{attribute}">' + "".join(pieces)
    encoding = draw(st.sampled_from([None, "utf-8", "utf-16", "latin-1", "cp1252", "shift_jis", "utf-8-sig"]))
    if encoding is None:
        return html
    return html.encode(encoding, errors="replace")


# ---- the article parser --------------------------------------------------------------------------------------------


def _alnum(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFC", text) if c.isalnum())


def _in_order(needle: str, haystack: str) -> bool:
    rest = iter(haystack)
    return all(c in rest for c in needle)


def check_article(text: str, article: Article) -> None:
    """What a parsed article says about its positions is true of the text it was parsed from."""
    assert article.statements and article.url
    if article.format != "markdown":  # HTML positions refer to its Markdown rendering, not to the file
        return
    lines = text.count("\n") + 1
    for statement in article.statements:
        assert 0 <= statement.start < statement.end <= len(text), statement
        assert 1 <= statement.line <= statement.end_line <= lines, statement
        source = text[statement.start : statement.end]
        first, last = statement.text[0], statement.text[-1]
        assert source[0] == first or (first == " " and source[0].isspace()), (statement, source)
        assert source[-1] == last or (last == " " and source[-1].isspace()), (statement, source)
        assert _in_order(_alnum(statement.text), _alnum(source)), (statement, source)
        line_start = text.rfind("\n", 0, statement.start) + 1
        assert statement.column == statement.start - line_start + 1
        assert text.count("\n", 0, statement.start) + 1 == statement.line
    for citation in article.citations:
        assert 0 <= citation.start < citation.end <= len(text), citation
        assert 1 <= citation.line <= lines, citation


@FAST
@given(st.text(max_size=2000))
def test_any_text_is_parsed_or_refused_with_an_article_error(text: str) -> None:
    result = parse_or_refuse(text)
    if isinstance(result, Article):
        check_article(text, result)


@FAST
@given(markdown_articles())
def test_hostile_markdown_articles_are_parsed_or_refused(text: str) -> None:
    result = parse_or_refuse(text)
    if isinstance(result, Article):
        check_article(text, result)


@SLOW
@given(html_articles())
def test_hostile_html_articles_are_parsed_or_refused(text: str) -> None:
    result = parse_or_refuse(text)
    if isinstance(result, Article):
        check_article(text, result)


def test_a_well_formed_generated_article_is_parsed() -> None:
    """The strategies reach the parsed branch, so the position checks above are exercised, not vacuous."""
    text = (
        "# Title\n\nFebruary 06, 2020\n\nThe ministry [said](#) on Thursday that **1,000** people left. "
        "Police [confirmed](http://x.example/a) it.\n\nOriginal url: <https://news.example/story>\n"
    )
    article = parse_or_refuse(text)
    assert isinstance(article, Article)
    check_article(text, article)
    assert [s.text for s in article.statements] == [
        "The ministry said on Thursday that 1,000 people left.",
        "Police confirmed it.",
    ]


BRACKET_HOST_ARTICLES = [
    "Russia said it.\n\nOriginal url: <http://[::1]/>",  # the footer search stops at "]": "http://[::1"
    "---\nurl: http://[bad/\n---\n\nRussia said it.\n",
    "Russia said it.\n\nOriginal url:\n\n<https://[x.example/>",
]


@pytest.mark.parametrize("text", BRACKET_HOST_ARTICLES)
def test_a_url_with_an_unbalanced_ipv6_bracket_is_refused_with_an_article_error(text: str) -> None:
    assert isinstance(parse_or_refuse(text), ArticleError)


EMPTY_ANCHOR_ARTICLES = [
    "Russia said it. [](#)\n\nOriginal url: <https://x.example/a>",
    "Russia said it [ ](http://x.example/b)\n\nOriginal url: <https://x.example/a>",
    '<!DOCTYPE html><link rel="canonical" href="https://x.example/a"><body><p>Russia said it. <a href="#"></a></p>',
]


@pytest.mark.parametrize("text", EMPTY_ANCHOR_ARTICLES)
def test_a_paragraph_ending_in_a_link_without_anchor_text_is_parsed(text: str) -> None:
    article = parse_or_refuse(text)
    assert isinstance(article, Article)
    assert article.statements[-1].text.startswith("Russia said it")


LONG_WORD_ARTICLE = "# Title\n\nThe ministry {} left.\n\nOriginal url: <https://news.example/story>\n"


def test_an_article_with_one_very_long_word_is_parsed_promptly() -> None:
    """A 30,000-character word (a pasted data URL, a run of dashes) takes ~30 s to parse: _SUBJECT_VERB tries every
    position inside the word as a subject start and backtracks `[a-z][\\w-]*` over the rest of it (O(n^2))."""
    text = LONG_WORD_ARTICLE.format("x" * 30_000)
    code = "import sys; from verify.article import parse_article; parse_article(sys.stdin.read(), 'fuzz.md')"
    try:
        subprocess.run([sys.executable, "-c", code], input=text, text=True, timeout=HANG_SECONDS + 3, check=True)
    except subprocess.TimeoutExpired:
        pytest.fail(f"parse_article took over {HANG_SECONDS + 3:.0f} s on a 30,000-character word")


# ---- the HTML extractor --------------------------------------------------------------------------------------------


@SLOW
@given(st.one_of(st.binary(max_size=3000), st.text(max_size=3000)))
def test_extract_returns_for_any_bytes_or_text(html: str | bytes) -> None:
    assert isinstance(bounded(lambda: extract(html)), Extracted)


@SLOW
@given(hostile_html(), st.sampled_from([None, "https://web.archive.org/web/2020/https://x.example/", "http://[", ""]))
def test_extract_returns_for_hostile_html(html: str | bytes, base_url: str | None) -> None:
    extracted = bounded(lambda: extract(html, base_url))
    assert isinstance(extracted, Extracted)
    for link in extracted.links:
        assert 0 <= link.paragraph < len(extracted.paragraphs)
        assert extracted.paragraphs[link.paragraph][link.offset :].startswith(link.anchor)


# ---- report text ---------------------------------------------------------------------------------------------------


def unescaped(text: str) -> set[str]:
    """The characters of `text` that no backslash escapes (a backslash escapes the one character after it)."""
    found: set[str] = set()
    i = 0
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        found.add(text[i])
        i += 1
    return found


def test_unescaped_reads_backslashes_in_pairs() -> None:
    assert unescaped(r"\[a\\[") == {"a", "["}


@FAST
@given(
    st.one_of(
        st.text(),
        st.lists(st.one_of(WORDS, st.sampled_from(["\\", "\\[", "\\\\]", "\n", "\r", "\u2028", "\x85"]))).map("".join),
    ),
    st.one_of(st.none(), st.integers(1, 200)),
)
def test_report_text_leaves_no_markup_open(text: str, limit: int | None) -> None:
    safe = md_text(text, limit)
    assert not any(c in safe for c in "\n\r\u2028\u2029\x85\x0b\x0c\x1c\x1d\x1e"), safe
    # In a table cell, as GitHub renders it: still one cell, and no tag in it but code (URLs are shown as code).
    cmarkgfm = pytest.importorskip("cmarkgfm")
    from cmarkgfm.cmark import Options

    rendered = cmarkgfm.github_flavored_markdown_to_html(f"| h |\n|---|\n| {safe} |", options=Options.CMARK_OPT_UNSAFE)
    cells = re.findall(r"<td>(.*?)</td>", rendered, re.S)
    assert len(cells) == 1, (safe, rendered)
    assert set(re.findall(r"</?(\w+)", cells[0])) <= {"code"}, (safe, rendered)


# ---- the sentence splitter of cited sources (a Rust extension) --------------------------------------------------------

SPACES_AND_STOPS = st.text(
    alphabet=st.sampled_from(["A", "b", " ", ".", "!", "?", "”", "\u00a0", "\u2009", "\u2028", "\u3000", "\u0085"]),
    max_size=60,
)


@FAST
@given(st.one_of(st.text(max_size=400), SPACES_AND_STOPS))
def test_evidence_sentences_of_any_text_are_stripped_pieces_and_never_a_crash(text: str) -> None:
    """sentencex panics on some inputs (a panic is a BaseException in Python): `evidence_sentences` must not."""
    from verify.text import evidence_sentences

    pieces = bounded(lambda: evidence_sentences(text))
    assert all(piece and piece == piece.strip() for piece in pieces)

"""The one Markdown escaper: text renders as itself in cmark-gfm (GitHub's renderer), with backslashes only where needed."""

from __future__ import annotations

import html
from html.parser import HTMLParser

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from verify import markdown

cmarkgfm = pytest.importorskip("cmarkgfm")
from cmarkgfm.cmark import Options  # noqa: E402


def render(source: str) -> str:
    # Unsafe: raw HTML passes through, so any the escaper let in shows up as a tag.
    return str(cmarkgfm.github_flavored_markdown_to_html(source, options=Options.CMARK_OPT_UNSAFE))


class _Parsed(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parsed(source: str) -> _Parsed:
    result = _Parsed()
    result.feed(render(source))
    return result


# Characters that mean something somewhere in GitHub-flavoured Markdown, with words and spaces between them.
MARKUP = st.lists(
    st.sampled_from(
        [
            *"ab1 .:/@#>-+*_~`[]()!<&;|\\$=\"'",
            "https://",
            "www.",
            "&amp;",
            "x@y.example",
            "<b>",
            "<a href='x'>",
            "</a>",
            "<!--",
            "<x:y>",
            "<a b=c'>",
        ]
    ),
    max_size=30,
).map("".join)
HOSTILE = [
    "[click me](https://evil.example/steal)",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "| a | b |",
    "**bold** _em_ `code` ~~strike~~ ~one~",
    "![image](https://evil.example/x.png)",
    "see www.evil.example or https://evil.example/path, and mail a@b.example.",
    "&lt;escaped&gt; &#60;entity&#62; AT&T",
    "# heading #",
    "1. First",
    "[^1]: a footnote",
    "~~~ fence",
    "``` fence",
    "---",
    "[ref]: https://evil.example",
    "back\\slash \\* \\",
    "2*3*4 and a * b",
]


def _expected(value: str) -> str:
    return markdown.one_line(value)


def _shown(page: _Parsed) -> str:
    return " ".join("".join(page.text).split())


@pytest.mark.parametrize("value", HOSTILE)
@pytest.mark.parametrize(
    ("context", "wrap", "container"),
    [
        ("paragraph", lambda t: "x " + t, {"p"}),
        ("line start", lambda t: t, {"p"}),
        ("quotation", lambda t: "> " + t, {"blockquote", "p"}),
        ("list item", lambda t: "- " + t, {"ul", "li"}),
        ("heading", lambda t: "### " + t, {"h3"}),
        ("cell", lambda t: f"| h |\n|---|\n| {t} |", {"table", "thead", "tbody", "tr", "th", "td"}),
    ],
)
def test_text_renders_as_itself_in_every_context(value: str, context: str, wrap: object, container: set[str]) -> None:
    escaped = markdown.text(
        value,
        cell=context == "cell",
        line_start=context in ("line start", "quotation", "list item"),
        heading=context == "heading",
    )
    page = parsed(wrap(escaped))  # type: ignore[operator]
    assert set(page.tags) <= container | {"code"}, (escaped, page.tags)
    shown = _shown(page)
    if context == "cell":
        shown = shown.removeprefix("h ").strip()
    if context == "paragraph":
        shown = shown.removeprefix("x ")
    assert shown == _expected(value), escaped


@settings(max_examples=400, deadline=None)
@given(MARKUP)
@example("*a*")
@example("a_b_ c")
@example("_a_")
@example("x~~y~~")
@example("x@y.example1https://a")
@example("x@y.example+x@y.example")
def test_any_text_renders_as_itself(value: str) -> None:
    for wrap, line_start in ((lambda t: "> " + t, True), (lambda t: "a " + t + " b", False)):
        escaped = markdown.text(value, line_start=line_start)
        page = parsed(wrap(escaped))
        assert set(page.tags) <= {"p", "code", "blockquote"}, (value, escaped, page.tags)
        expected = _expected(value) if line_start else _expected("a " + value + " b")
        assert _shown(page) == expected, (value, escaped)


@settings(max_examples=200, deadline=None)
@given(MARKUP)
def test_any_text_stays_in_its_table_cell(value: str) -> None:
    escaped = markdown.text(value, cell=True)
    page = parsed(f"| h | next |\n|---|---|\n| {escaped} | end |")
    assert page.tags.count("td") == 2, (value, escaped)
    assert _shown(page).endswith("end")


@pytest.mark.parametrize(
    "value",
    [
        "The minister said 4.5% rose.",
        "AT&T paid 3 < 4 dollars",
        "snake_case and a * b and 1 + 1 = 2",
        "(100%) {+18+} a-b #5 x > y",
        "Residents can read the full inspection summary online.",
        "“Quoted” — dashes, 'single' and ‘curly’ quotes; C:\\path",
    ],
)
def test_plain_prose_needs_no_backslash(value: str) -> None:
    assert markdown.text(value) == value


@pytest.mark.parametrize(
    ("value", "escaped"),
    [
        ("# Heading", r"\# Heading"),
        ("1. First", r"1\. First"),
        ("> quote", r"\> quote"),
        ("- item", r"\- item"),
    ],
)
def test_a_block_start_is_escaped_only_at_the_start_of_a_line(value: str, escaped: str) -> None:
    assert markdown.text(value, line_start=True) == escaped
    assert markdown.text(value) == value


def test_urls_in_text_are_code_not_links_and_have_no_backslash() -> None:
    escaped = markdown.text("see https://evil.example/a_b?x=1, or www.evil.example.")
    assert escaped == "see `https://evil.example/a_b?x=1`, or `www.evil.example`."
    assert "<a" not in render(escaped)


def test_link_targets_are_only_web_urls() -> None:
    assert markdown.link("x", "javascript:alert(1)") == "x (`javascript:alert(1)`)"
    made = markdown.link("evil](https://evil.example)", "https://example.com/a b)c")
    assert made == r"[evil\](https://evil.example)](https://example.com/a%20b%29c)"
    page = parsed(made)
    assert page.tags == ["p", "a"] and _shown(page) == "evil](https://evil.example)"


def test_a_url_is_shown_as_itself_and_linked() -> None:
    assert markdown.url("https://news.example/a(b)") == "<https://news.example/a%28b%29>"
    assert markdown.url("ftp://x.example/") == "`ftp://x.example/`"


@pytest.mark.parametrize("value", ["a``b", "`x`", "plain", "a|b"])
def test_code_shows_its_text_as_it_is(value: str) -> None:
    page = parsed(markdown.code(value))
    assert page.tags == ["p", "code"] and "".join(page.text).strip() == value
    cell = parsed(f"| h |\n|---|\n| {markdown.code(value, cell=True)} |")
    assert html.unescape("".join(cell.text)).strip().removeprefix("h").strip() == value


def test_struck_and_marked_words_render_as_deletion_and_strong() -> None:
    rendered = render(f"take {markdown.struck('14')} {markdown.marked('18')} months")
    assert rendered.strip() == "<p>take <del>14</del> <strong>18</strong> months</p>"
    hostile = render(markdown.struck("*a* ~~b~~") + " " + markdown.marked("**c**"))
    assert "<del>*a* ~~b~~</del> <strong>**c**</strong>" in hostile


def test_shorten_cuts_at_a_word() -> None:
    assert markdown.shorten("The bridge carries about 40,000 vehicles a day", 30) == "The bridge carries about…"
    assert markdown.shorten("short", 30) == "short"

"""Untrusted text from pages and articles can never become markup, links or workflow commands."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from verify.ci import _escape_data, _escape_property
from verify.report import md_link, md_text

HOSTILE = [
    "[click me](https://evil.example/steal)",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "| a | b |",
    "line one\n\n# a heading\n- a list",
    "**bold** _em_ `code` ~~strike~~",
    "![image](https://evil.example/x.png)",
    "see www.evil.example or https://evil.example/path",
    "::error file=x,line=1::injected",
    "text\r\n::set-env name=X::1",
    "&lt;escaped&gt; &#60;entity&#62;",
]


def _rendered(markdown: str) -> str:
    cmarkgfm = pytest.importorskip("cmarkgfm")
    from cmarkgfm.cmark import Options

    return str(cmarkgfm.github_flavored_markdown_to_html(markdown, options=Options.CMARK_OPT_UNSAFE))


@pytest.mark.parametrize("text", HOSTILE)
def test_markdown_text_is_inert(text: str) -> None:
    safe = md_text(text)
    assert "\n" not in safe and "\r" not in safe
    # In a table cell, as the job summary and the index use it: one cell, no tag but code, no link.
    rendered = _rendered(f"| h |\n|---|\n| {safe} |")
    assert rendered.count("<td>") == 1
    assert set(re.findall(r"<(\w+)", rendered)) <= {"table", "thead", "tbody", "tr", "th", "td", "code"}, rendered
    # No backslash in a URL: URLs are shown as code.
    assert re.search(r"https?\\:|www\\.", safe) is None


def test_markdown_text_keeps_the_words_readable() -> None:
    assert md_text("The minister said 4.5% rose.") == "The minister said 4.5% rose."
    assert md_text("AT&T said 3 < 4 (100%) {+18+}") == "AT&T said 3 < 4 (100%) {+18+}"
    assert md_text("a | b") == r"a \| b"


def test_link_targets_are_only_web_urls() -> None:
    assert md_link("x", "javascript:alert(1)").startswith("x (")
    assert "](" not in md_link("x", "javascript:alert(1)")
    link = md_link("evil](https://evil.example)", "https://example.com/a b)c")
    assert link == r"[evil\](https://evil.example)](https://example.com/a%20b%29c)"


@given(st.text())
def test_no_text_escapes_its_cell(text: str) -> None:
    safe = md_text(text)
    assert "\n" not in safe
    assert re.search(r"(?<!\\)\|", safe.replace("\\\\", "")) is None


@pytest.mark.parametrize("text", HOSTILE)
def test_workflow_command_data_cannot_start_a_new_line(text: str) -> None:
    escaped = _escape_data(text)
    assert "\n" not in escaped and "\r" not in escaped
    assert ":" not in _escape_property(text) and "," not in _escape_property(text)

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


@pytest.mark.parametrize("text", HOSTILE)
def test_markdown_text_is_inert(text: str) -> None:
    safe = md_text(text)
    assert "\n" not in safe and "\r" not in safe
    # Every character that could open markup is preceded by a backslash.
    for char in "[]<>|*_`&~":
        assert re.search(rf"(?<!\\){re.escape(char)}", safe) is None, (char, safe)
    assert re.search(r"(?<!\\)://", safe) is None and "www." not in safe
    assert not re.match(r"[#>+=-]|\d+[.)]", safe)


def test_markdown_text_keeps_the_words_readable() -> None:
    assert md_text("The minister said 4.5% rose.") == "The minister said 4.5% rose."
    assert md_text("1. First") == r"1\. First"
    assert md_text("# Heading") == r"\# Heading"


def test_link_targets_are_only_web_urls() -> None:
    assert md_link("x", "javascript:alert(1)").startswith("x (")
    assert "](" not in md_link("x", "javascript:alert(1)")
    link = md_link("evil](https://evil.example)", "https://example.com/a b)c")
    assert link.startswith(r"[evil\](https\://")
    assert link.endswith("](https://example.com/a%20b%29c)")


@given(st.text())
def test_no_text_escapes_its_cell(text: str) -> None:
    safe = md_text(text)
    assert "\n" not in safe
    assert re.search(r"(?<!\\)[|\[\]<>]", safe) is None


@pytest.mark.parametrize("text", HOSTILE)
def test_workflow_command_data_cannot_start_a_new_line(text: str) -> None:
    escaped = _escape_data(text)
    assert "\n" not in escaped and "\r" not in escaped
    assert ":" not in _escape_property(text) and "," not in _escape_property(text)

"""Archived and live HTML pages become their article text and in-body links, with Wayback's traces undone."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from verify.extract import Extracted, Link, extract, extraction_json, source_paragraphs

FIXTURES = Path(__file__).parent / "fixtures" / "extract"
ARCHIVED_AT = "https://web.archive.org/web/20200315120000/https://news.example/2020/03/harbour-bridge-reopens"


@pytest.fixture(scope="module")
def archived() -> Extracted:
    return extract((FIXTURES / "wayback_article.html").read_bytes(), base_url=ARCHIVED_AT)


@pytest.fixture(scope="module")
def live() -> Extracted:
    return extract(
        (FIXTURES / "live_article.html").read_text(encoding="utf-8"), base_url="https://news.example/local/x"
    )


def test_article_paragraphs_are_extracted_in_order(archived: Extracted) -> None:
    assert len(archived.paragraphs) == 5
    assert archived.paragraphs[0].startswith("The harbour bridge reopened to traffic on Saturday morning")
    assert archived.paragraphs[-1].endswith("on the northern bank.")
    assert archived.text == "\n\n".join(archived.paragraphs)


@pytest.mark.parametrize(
    ("name", "base"), [("wayback_article.html", ARCHIVED_AT), ("live_article.html", "https://news.example/local/x")]
)
def test_a_cited_source_is_read_for_the_same_paragraphs_as_the_whole_extraction(name: str, base: str) -> None:
    html = (FIXTURES / name).read_bytes()
    assert source_paragraphs(html, base_url=base) == extract(html, base_url=base).paragraphs


@pytest.mark.parametrize("html", [b"", b"\x00\x01\x02binary", "<html><body></body></html>"])
def test_a_source_without_readable_text_has_no_paragraphs(html: str | bytes) -> None:
    assert source_paragraphs(html, base_url="https://news.example/x") == ()


def test_wayback_toolbar_and_injected_scripts_leave_no_text(archived: Extracted) -> None:
    for trace in ("Wayback Machine", "Donate", "captured this page", "archive_analytics", "wombat", "__wm"):
        assert trace not in archived.text


def test_rewritten_hrefs_point_at_the_original_targets(archived: Extracted) -> None:
    assert [link.href for link in archived.links] == [
        "https://council.example/reports/bridge-2020.pdf",
        "https://www.example.com/traders-survey",
        "http://ferries.example/timetable?season=spring",
    ]


def test_links_carry_anchor_paragraph_and_offset(archived: Extracted) -> None:
    first = archived.links[0]
    assert first == Link(
        anchor="a council report published in January",
        href="https://council.example/reports/bridge-2020.pdf",
        paragraph=0,
        offset=archived.paragraphs[0].index("a council report"),
    )
    for link in archived.links:
        paragraph = archived.paragraphs[link.paragraph]
        assert paragraph[link.offset : link.offset + len(link.anchor)] == link.anchor


def test_link_inside_a_sentence_keeps_the_sentence_whole(archived: Extracted) -> None:
    assert (
        "and a survey by the chamber of commerce found that one shop in five on the quayside" in archived.paragraphs[2]
    )


@pytest.mark.parametrize(
    "boilerplate",
    [
        "World news from every continent",  # navigation
        "Share on Twitter",  # share buttons
        "Bridge repairs delayed again",  # related stories
        "All rights reserved",  # footer
    ],
)
def test_boilerplate_is_not_article_text(archived: Extracted, boilerplate: str) -> None:
    assert boilerplate not in archived.text
    assert all(boilerplate not in link.anchor for link in archived.links)


def test_metadata_of_an_archived_page_is_the_original_one(archived: Extracted) -> None:
    assert archived.title == "Harbour bridge reopens after two years of repairs"
    assert archived.published == dt.date(2020, 3, 14)
    assert archived.canonical_url == "https://news.example/2020/03/harbour-bridge-reopens"


def test_relative_links_resolve_against_the_base_element(live: Extracted) -> None:
    assert [(link.anchor, link.href) for link in live.links] == [
        ("a petition signed by 3,000 residents", "https://news.example/local/library-petition"),
        ("in an interview", "https://www.example.com/interview"),
        ("exam season", "https://news.example/education/exam-season"),
    ]


@pytest.mark.parametrize("boilerplate", ["Front page", "Share", "Park lights", "Advertise with us", "By A. Writer"])
def test_live_page_boilerplate_is_not_article_text(live: Extracted, boilerplate: str) -> None:
    assert boilerplate not in live.text


def test_json_ld_date_and_og_url_are_used(live: Extracted) -> None:
    assert live.published == dt.date(2021, 6, 2)
    assert live.canonical_url == "https://news.example/local/library-sundays"
    assert live.title == "Library opens on Sundays"


def test_extraction_json_lists_links_in_document_order(live: Extracted) -> None:
    data = extraction_json(live)
    assert data["text"] == live.text
    assert [link["anchor"] for link in data["links"]] == [
        "a petition signed by 3,000 residents",
        "in an interview",
        "exam season",
    ]
    assert set(data["links"][0]) == {"anchor", "href"}
    assert data["published"] == "2021-06-02"
    assert data["canonical_url"] == "https://news.example/local/library-sundays"


@pytest.mark.parametrize(
    "page",
    [
        "",
        b"",
        "   ",
        b"\x00\x01\x02\xff\xfe\x89PNG\r\n\x1a\n",
        "<html><body><p>Unclosed <a href='http://example.com/x'>link <b>bold</p></div></td>",
        "<<<>>><!-- never closed",
        "<p>one</p>" * 5000,
        "<html><head><meta charset='no-such-charset'></head><body><p>text</p></body></html>",
        b"<html><head><meta charset='no-such-charset'></head><body><p>text</p></body></html>",
        "<a href='http://[::1'>broken url</a><a href='javascript:void(0)'>js</a>",
    ],
)
def test_malformed_input_does_not_raise(page: str | bytes) -> None:
    result = extract(page, base_url="not a url")
    assert isinstance(result, Extracted)


@settings(max_examples=60, deadline=None)
@given(st.one_of(st.text(), st.binary()))
def test_arbitrary_input_does_not_raise(page: str | bytes) -> None:
    assert isinstance(extract(page), Extracted)


def test_live_page_link_to_an_archive_capture_is_kept_as_written() -> None:
    capture = "https://web.archive.org/web/20190101000000/https://www.example.com/old-report"
    prose = "The ministry's figures for the previous year, which have since been taken down, can still be read in "
    page = f"<html><body><article><p>{prose}<a href='{capture}'>the archived report</a> for anyone who wants them.</p>"
    page += "<p>" + "Officials said the new figures would be published in the spring with a full explanation. " * 3
    page += "</p></article></body></html>"
    links = extract(page, base_url="https://news.example/story").links
    assert [link.href for link in links] == [capture]


def test_photo_captions_are_listed_whether_or_not_the_text_keeps_them() -> None:
    html = (
        "<html><body><article><figure><img src='a.jpg'><figcaption>The bridge at dusk.</figcaption></figure>"
        "<p>The council approved the repairs on Monday after a long debate about the cost of the works.</p>"
        "<p>Work is expected to start in May and to last about fourteen months, the city engineer said.</p>"
        "</article></body></html>"
    )
    extracted = extract(html, base_url="https://news.example/a")
    assert extracted.captions == ("The bridge at dusk.",)


def _story_followed_by_headlines() -> str:
    sentences = [
        "The ferry crews voted on Monday to strike for two days next week over a pay offer they called unfair.",
        "Their union said the operator had refused to meet since the summer and that talks had broken down.",
        "The operator said it regretted the vote and would keep a reduced timetable running on both crossings.",
        "Commuters who rely on the early boats were told to check the timetable online before they travel.",
        "The council said it would ask both sides to meet again before the first day of the strike begins.",
    ]
    story = "".join(f"<p>{sentence}</p>" for sentence in sentences)
    headlines = "".join(
        f"<h3>Headline number {n} of the day</h3><p>A short line about story number {n} today</p>" for n in range(12)
    )
    return (
        "<html><head><title>Ferry crews vote to strike</title></head><body><article><div class='col'>"
        f"<div class='story'>{story}</div><section class='latest'>{headlines}</section>"
        "</div></article></body></html>"
    )


def test_headlines_after_the_story_are_not_article_text_though_they_outnumber_it() -> None:
    extracted = extract(_story_followed_by_headlines(), base_url="https://news.example/ferry")
    assert len(extracted.paragraphs) == 5
    assert extracted.paragraphs[-1].endswith("before the first day of the strike begins.")
    assert "Headline number" not in extracted.text


def test_short_lines_beside_a_one_paragraph_story_are_kept() -> None:
    page = (
        "<html><body><main><article><h1>Crews vote</h1>"
        "<p>The crews voted for the strike on Monday after a long meeting, the union said in a statement.</p>"
        "<p>Votes: 112 to 9</p><p>Turnout: 93%</p></article></main></body></html>"
    )
    assert "Turnout: 93%" in extract(page, base_url="https://news.example/crews").paragraphs


def test_an_embedded_tweet_between_paragraphs_is_article_text_with_its_links() -> None:
    paragraphs = "".join(
        f"<p>Paragraph {n} of the report says the ferry crews voted to strike for two days over their pay.</p>"
        for n in range(4)
    )
    tweet = (  # in a wrapper trafilatura takes for a widget
        '<div class="embed embed-twitter"><blockquote class="twitter-tweet"><p lang="en" dir="ltr">We will keep a reduced timetable on both '
        'crossings during the strike <a href="https://t.co/abc">pic.twitter.com/abc</a></p>&mdash; Ferry Operator '
        '(@ferries) <a href="https://twitter.com/ferries/status/1">November 18, 2019</a></blockquote></div>'
        '<script async src="https://platform.twitter.com/widgets.js"></script>'
    )
    page = (
        "<html><body><article><div class='body'>"
        f"{paragraphs}{tweet}<p>The council said it would ask both sides to meet again before the strike.</p>"
        "</div></article></body></html>"
    )
    extracted = extract(page, base_url="https://news.example/ferry")
    assert any(p.startswith("We will keep a reduced timetable") for p in extracted.paragraphs)
    assert "https://twitter.com/ferries/status/1" in [link.href for link in extracted.links]
    assert extracted.paragraphs[-1].startswith("The council said")


def _report_paragraphs(numbers: range) -> str:
    return "".join(
        f"<p>Paragraph {n} of the report says the ferry crews voted to strike for two days over their pay.</p>"
        for n in numbers
    )


def test_a_sentence_between_article_paragraphs_is_kept_though_its_box_looks_like_boilerplate() -> None:
    boxed = '<div class="ad-disclaimer"><p>The union has called three strikes since the operator was sold.</p></div>'
    page = f"<html><body><article><div>{_report_paragraphs(range(3))}{boxed}{_report_paragraphs(range(3, 6))}</div>"
    extracted = extract(page + "</article></body></html>", base_url="https://news.example/ferry")
    assert extracted.paragraphs[3] == "The union has called three strikes since the operator was sold."


def test_a_short_label_between_article_paragraphs_is_not_kept() -> None:
    boxed = '<div class="ad-disclaimer"><p>Advertisement</p></div>'
    page = f"<html><body><article><div>{_report_paragraphs(range(3))}{boxed}{_report_paragraphs(range(3, 6))}</div>"
    extracted = extract(page + "</article></body></html>", base_url="https://news.example/ferry")
    assert "Advertisement" not in extracted.paragraphs
    assert len(extracted.paragraphs) == 6


def _split_story(comments_like_the_body: bool) -> str:
    first = "".join(
        f"<p>Part one, paragraph {n}: the harbour authority said ferry crossings would be cut by a third this winter "
        f"because of the strike over pay and rosters.</p>"
        for n in range(5)
    )
    second = "".join(
        f"<p>Part two, paragraph {n}: engineers told the council that the older vessels need repairs before the "
        f"spring timetable, <a href='https://council.example/report-{n}'>the report</a> shows.</p>"
        for n in range(5)
    )
    comments = (
        "<div class='grid'><div class='body__container article__body'>"
        "<p>Great article, thanks so much for writing it, I really enjoyed reading every word of it today.</p>"
        "<p>I disagree with most of this, the ferries were always late even before the strike started.</p></div></div>"
        if comments_like_the_body
        else ""
    )
    return (
        "<html><head><title>Ferry cuts</title></head><body><main>"
        f"<div class='grid'><div class='body__container article__body'>{first}</div>"
        "<div class='rail'><div class='ad'></div></div></div>"
        "<div class='row ad'><span class='ad-label'>Advertisement</span><div class='ad__slot'></div></div>"
        f"<div class='grid'><div class='body__container article__body'>{second}</div></div>"
        "<div class='author'><p>Jo Example covers transport and infrastructure for the paper and has reported on "
        "the ferries since 2015.</p></div>"
        f"{comments}</main></body></html>"
    )


def test_a_body_broken_around_an_advertisement_is_extracted_whole_with_its_links() -> None:
    extracted = extract(_split_story(comments_like_the_body=True), base_url="https://news.example/ferry-cuts")
    assert [p[:22] for p in extracted.paragraphs] == [f"Part one, paragraph {n}:" for n in range(5)] + [
        f"Part two, paragraph {n}:" for n in range(5)
    ]
    assert [link.href for link in extracted.links] == [f"https://council.example/report-{n}" for n in range(5)]
    # A look-alike container after the author box holds comments, not the article.
    assert not any("Great article" in p for p in extracted.paragraphs)


def test_a_first_paragraph_repeated_in_key_points_above_the_body_is_kept() -> None:
    first = (
        "DUBAI — The flagship carrier finalized a deal to buy 30 of the maker's long-range jets, executives of both "
        "companies announced on Wednesday at the air show."
    )
    rest = "".join(
        f"<p>Paragraph {n} of the story: the order replaces part of an earlier commitment for larger jets that "
        "have been delayed by engine problems in testing.</p>"
        for n in range(6)
    )
    page = (
        "<html><body><div class='summary'><h2>Key Points</h2><ul>"
        "<li>The flagship carrier has finalized a deal to buy 30 of the maker's long-range jets, executives of both "
        "companies announced on Wednesday at the air show.</li></ul></div>"
        f"<div class='story'><div class='group'><p>{first}</p>{rest}</div></div></body></html>"
    )
    extracted = extract(page, base_url="https://news.example/jets")
    assert extracted.paragraphs[0] == first
    assert not any(p.startswith("The flagship carrier has") for p in extracted.paragraphs)


def test_a_one_sentence_list_item_that_trafilatura_dropped_between_article_paragraphs_is_put_back() -> None:
    """trafilatura drops such a line on a real sports page (the benchmark's 6a72de37e8f9); here the drop is given."""
    from lxml import html as lxml_html

    from verify.extract import _page_blocks, _with_sandwiched_sentences

    item = (
        "<ul><li><a href='https://team.example/players/17'>Sam Example</a> played six snaps on defense, staying "
        "ahead of <a href='https://team.example/players/23'>Alex Example</a> on the depth chart.</li></ul>"
    )
    menu = "<ul><li><a href='https://team.example/shop'>Shop</a></li></ul>"
    page = (
        f"<html><body>{_report_paragraphs(range(2))}{item}{_report_paragraphs(range(2, 3))}{menu}"
        f"{_report_paragraphs(range(3, 4))}</body></html>"
    )
    blocks = _page_blocks(lxml_html.fromstring(page))
    dropped = [b for b in blocks if b.element.tag == "li"]
    chosen = [b for b in blocks if b.element.tag == "p"]
    kept = _with_sandwiched_sentences(blocks, chosen)
    assert [b.text for b in kept if b.element.tag == "li"] == [dropped[0].text]  # the sentence, not the menu item
    assert [href for _, href, _ in kept[2].links] == [
        "https://team.example/players/17",
        "https://team.example/players/23",
    ]


def test_teasers_in_sibling_articles_nested_in_an_article_are_not_article_text() -> None:
    """A list of <article> teasers inside an <article> (related posts, as on a real page of the benchmark, where
    trafilatura kept six of them and the story was a sixth of the text); one article nested alone is kept."""
    from lxml import html as lxml_html

    from verify.extract import _page_blocks, _without_nested_articles

    story = "<p>The harbour authority said on Monday that ferry crossings would be cut by a third this winter.</p>"
    teasers = "".join(
        f"<article class='teaser'><p>Teaser {n}: another story about the town council and its plans for the "
        f"waterfront, read more inside.</p></article>"
        for n in range(3)
    )
    page = f"<html><body><article class='story'>{story}</article><article class='related'>{teasers}</article></body></html>"
    blocks = _page_blocks(lxml_html.fromstring(page))
    assert [b.text[:10] for b in _without_nested_articles(blocks)] == ["The harbou"]
    # The body of a page in its own <article> inside the page's <article> is the article itself.
    single = f"<html><body><article class='page'><h1>Ferry cuts</h1><article class='body'>{story}</article></article></body></html>"
    blocks = _page_blocks(lxml_html.fromstring(single))
    assert [b.text for b in _without_nested_articles(blocks)] == [b.text for b in blocks]


# ---- the capture's whole visible text ----------------------------------------------------------------------------

_STORY = [
    "The ferry crews voted on Monday to strike for two days next week over a pay offer they called unfair.",
    "Their union said the operator had refused to meet since the summer and that talks had broken down.",
    "The operator said it regretted the vote and would keep a reduced timetable running on both crossings.",
]


def _page_with_furniture() -> str:
    story = "".join(f"<p>{sentence}</p>" for sentence in _STORY)
    return (
        "<html><head><title>Ferry crews vote to strike</title><template><p>Template text</p></template></head><body>"
        "<nav><a href='/home'>Home</a></nav>"
        "<aside class='box'><ul><li><a href='https://shop.example/p/1'>Ferry Model Kit (Latest)</a></li></ul></aside>"
        f"<article><div class='story'>{story}"
        "<div class='pull-quote' aria-hidden='true'>They called the offer unfair.</div>"
        "<div hidden>Hidden text</div><div style='display: none'>Display none text</div>"
        "<noscript>Noscript text</noscript><template><p>Template text</p></template>"
        "</div></article></body></html>"
    )


def test_text_outside_the_article_body_is_kept_apart_as_a_browser_shows_it() -> None:
    extracted = extract(_page_with_furniture(), base_url="https://news.example/ferry")
    assert list(extracted.paragraphs) == _STORY
    assert "Ferry Model Kit (Latest)" in extracted.outside
    assert "They called the offer unfair." in extracted.outside  # aria-hidden: out of the body, but shown
    assert "They called the offer unfair." not in extracted.text
    shown = " ".join(extracted.outside)
    for hidden in ("Hidden text", "Display none text", "Noscript text", "Template text"):
        assert hidden not in shown


def test_every_link_of_the_page_is_listed_after_the_body_links() -> None:
    extracted = extract(_page_with_furniture(), base_url="https://news.example/ferry")
    assert extracted.links == ()
    assert [(link.anchor, link.href, link.paragraph) for link in extracted.page_links] == [
        ("Home", "https://news.example/home", -1),
        ("Ferry Model Kit (Latest)", "https://shop.example/p/1", -1),
    ]


# ---- text as a browser shows it ----------------------------------------------------------------------------------

_FILLER = (
    "<p>" + "The council met again on Tuesday to talk about the bridge and its long-delayed repairs. " * 3 + "</p>"
)


def _first_paragraph(inner: str, head: str = "") -> str:
    page = f"<html><head>{head}</head><body><article><p>{inner}</p>{_FILLER}</article></body></html>"
    return extract(page, base_url="https://news.example/a").paragraphs[0]


@pytest.mark.parametrize(
    ("inner", "text"),
    [
        ("They met before a<span>nd</span> after the vote.", "They met before and after the vote."),
        (
            "Shares of <span><a href='https://shop.example/m'>MacBook</a></span>s rose on <time>Monday</time>.",
            "Shares of MacBooks rose on Monday.",
        ),
        ("The rate<sup>1</sup> rose to <cite>5</cite>% and $<span>5</span> more.", "The rate1 rose to 5% and $5 more."),
        (
            "<span>Physics applies to business.</span><span>Click To Tweet</span> It does.",
            "Physics applies to business. Click To Tweet It does.",
        ),
    ],
)
def test_inline_elements_never_split_a_word(inner: str, text: str) -> None:
    assert _first_paragraph(inner) == text


def test_a_link_inside_a_span_keeps_its_anchor_and_offset() -> None:
    page = (
        "<html><body><article><p>Shares of <span><a href='https://shop.example/m'>MacBook</a></span>s rose.</p>"
        f"{_FILLER}</article></body></html>"
    )
    link = extract(page, base_url="https://news.example/a").links[0]
    assert (link.anchor, link.href, link.paragraph, link.offset) == ("MacBook", "https://shop.example/m", 0, 10)


@pytest.mark.parametrize(
    ("inner", "head"),
    [
        (
            "Ilhan Omar<span aria-hidden='true' class='card'>Hillicon Valley: tech news</span> spoke to the council about the bridge repairs on Monday.",
            "",
        ),
        (
            "Ilhan Omar<span hidden>Hillicon Valley: tech news</span> spoke to the council about the bridge repairs on Monday.",
            "",
        ),
        (
            "Ilhan Omar<span style='display:none'>Hillicon Valley: tech news</span> spoke to the council about the bridge repairs on Monday.",
            "",
        ),
        (
            "Ilhan Omar<span class='hovercard x'>Hillicon Valley: tech news</span> spoke to the council about the bridge repairs on Monday.",
            "<style>.hovercard{display:none}</style>",
        ),
        (
            "Ilhan Omar<template>Hillicon Valley: tech news</template> spoke to the council about the bridge repairs on Monday.",
            "",
        ),
        (
            "Ilhan Omar<noscript>Hillicon Valley: tech news</noscript> spoke to the council about the bridge repairs on Monday.",
            "",
        ),
    ],
)
def test_what_a_browser_does_not_show_is_not_text(inner: str, head: str) -> None:
    assert _first_paragraph(inner, head) == "Ilhan Omar spoke to the council about the bridge repairs on Monday."


def test_a_hover_card_after_a_linked_name_is_not_text() -> None:
    card = (
        "<span class='rollover-block'><img src='p.jpg'><a href='/people/omar'>Ilhan Omar</a>"
        "<a href='/tech/1'>Hillicon Valley: tech news</a><a href='/news/2'>Another story</a></span>"
    )
    inner = f"Rep. <span class='rollover'><a href='/people/omar'>Ilhan Omar</a>{card}</span> spoke to the council today about the repairs to the old bridge and what they will cost."
    assert (
        _first_paragraph(inner)
        == "Rep. Ilhan Omar spoke to the council today about the repairs to the old bridge and what they will cost."
    )


def test_a_class_hidden_only_on_some_screens_is_text() -> None:
    css = "<style>.pull{display:none} @media (min-width: 800px) { .pull { display: block } }</style>"
    assert _first_paragraph("Ilhan Omar <span class='pull'>and Ayanna Pressley</span> spoke.", css) == (
        "Ilhan Omar and Ayanna Pressley spoke."
    )

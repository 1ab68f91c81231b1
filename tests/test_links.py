"""Stripped links recovered by anchor text: from the archived original's body first, then from the whole capture."""

from __future__ import annotations

from verify.article import Citation
from verify.extract import Link, extract, page_anchors
from verify.links import OUTSIDE_BODY, Recovery, likely_targets, recover_targets


def stripped(anchor: str) -> Citation:
    return Citation(anchor=anchor, href=None, line=1, column=1, start=0, end=len(anchor), block=0)


_PAGE = (
    "<html><body><header><p>Top story: <a href='https://news.example/lead'>the strike vote</a></p></header>"
    "<aside><ul><li><a href='https://shop.example/kit-1'>Ferry Model Kit</a></li>"
    "<li><a href='https://shop.example/kit-2'>Ferry Model Kit</a></li></ul></aside>"
    "<article>"
    "<p>The ferry crews voted on Monday to strike for two days next week, <a href='https://union.example/vote'>"
    "the union said</a>, over a pay offer they called unfair and late.</p>"
    "<p>Their union said the operator had refused to meet since the summer and that talks had broken down.</p>"
    "<p>The operator said it regretted the vote and would keep a reduced timetable running on both crossings.</p>"
    "</article></body></html>"
)


def test_anchor_missing_from_the_body_is_recovered_from_the_rest_of_the_capture() -> None:
    page = extract(_PAGE, base_url="https://news.example/ferry")
    assert [link.anchor for link in page.links] == ["the union said"]
    citations = [stripped("the union said"), stripped("Ferry Model Kit"), stripped("the strike vote")]
    targets = recover_targets(citations, page.links, page_links=page.page_links)
    assert [t.url for t in targets] == [
        "https://union.example/vote",
        "https://shop.example/kit-1",
        "https://news.example/lead",
    ]
    assert all(t.recovery is Recovery.RECOVERED for t in targets)
    assert OUTSIDE_BODY not in targets[0].detail
    assert OUTSIDE_BODY in targets[1].detail and OUTSIDE_BODY in targets[2].detail


def test_repeated_anchor_outside_the_body_takes_the_next_link_in_document_order() -> None:
    page = extract(_PAGE, base_url="https://news.example/ferry")
    citations = [stripped("Ferry model kit"), stripped("Ferry Model Kit"), stripped("Ferry Model Kit")]
    targets = recover_targets(citations, page.links, page_links=page.page_links)
    assert [t.url for t in targets] == ["https://shop.example/kit-1", "https://shop.example/kit-2", None]
    assert targets[2].recovery is Recovery.NOT_RECOVERED
    assert "nor the 3 others of the capture" in targets[2].detail


def test_body_link_wins_over_a_link_with_the_same_anchor_elsewhere() -> None:
    body = (Link("the union said", "https://union.example/vote", 0, 10),)
    elsewhere = (*body, Link("the union said", "https://ads.example/", -1, 0))
    targets = recover_targets([stripped("the union said")], body, page_links=elsewhere)
    assert targets[0].url == "https://union.example/vote"


def test_targets_an_anchor_surely_has_are_guessed_from_the_raw_page_and_agree_with_recovery() -> None:
    """Before the page is extracted, an anchor with one target anywhere in it is a sure guess; an anchor with two
    targets ("Ferry Model Kit") or none is left to recovery, and a citation whose href was kept needs no guess."""
    anchors = page_anchors(_PAGE, "https://news.example/ferry")
    assert ("the union said", "https://union.example/vote") in anchors
    assert len(anchors) == 4
    kept = Citation("the strike vote", "https://kept.example/", 1, 1, 0, 1, 0)
    citations = [stripped("The union said."), stripped("Ferry Model Kit"), stripped("no such link"), kept]
    assert likely_targets(citations, anchors) == ["https://union.example/vote"]
    page = extract(_PAGE, base_url="https://news.example/ferry")
    assert recover_targets(citations[:1], page.links, page_links=page.page_links)[0].url == "https://union.example/vote"


def test_page_anchors_read_an_archived_page_as_recovery_does() -> None:
    """The guesses come from the same links recovery reads: the archive's toolbar left out, Wayback prefixes undone
    and relative targets made absolute against the original's address."""
    capture = (
        "<html><body><div id='wm-ipp-base'><a href='/web/'>Wayback Machine</a></div>"
        "<p><a href='/web/20240101000000/https://union.example/vote'>the union said</a> and "
        "<a href='/story/2'>the next story</a></p></body></html>"
    )
    anchors = page_anchors(capture, "https://web.archive.org/web/20240101000000id_/https://news.example/ferry")
    page = extract(capture, base_url="https://web.archive.org/web/20240101000000id_/https://news.example/ferry")
    assert set(anchors) == {(link.anchor, link.href) for link in page.page_links}

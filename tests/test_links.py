"""Stripped links recovered by anchor text: from the archived original's body first, then from the whole capture."""

from __future__ import annotations

from verify.article import Citation
from verify.extract import Link, extract
from verify.links import OUTSIDE_BODY, Recovery, recover_targets


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

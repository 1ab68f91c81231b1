"""Stored copy versus archived original: each statement gets one change, found by alignment, not by position."""

from __future__ import annotations

from pathlib import Path

import pytest

from verify.compare import Change, Comparison, compare, compare_files, comparison_json, comparison_markdown

FIXTURES = Path(__file__).parent / "fixtures" / "compare"
SEED = Path(__file__).resolve().parent.parent / "examples" / "000_8fc51db70bd3123f.txt"

ARCHIVED = [
    "Russian and Turkish military specialists were killed by militants who staged more than 1,000 attacks in "
    "the last two weeks of January, the Foreign Ministry said on Thursday. It did not specify when they died.",
    'The Kremlin declined to comment on the report. "We are not in a position to answer," a spokesman said.',
    "Turkey threatened to drive back the Syrian forces unless they withdraw by the end of February.",
    "Eight aid groups have called the violence in Idlib a humanitarian catastrophe.",
]


def sentences() -> list[str]:
    return [
        "Russian and Turkish military specialists were killed by militants who staged more than 1,000 attacks in "
        "the last two weeks of January, the Foreign Ministry said on Thursday.",
        "It did not specify when they died.",
        "The Kremlin declined to comment on the report.",
        '"We are not in a position to answer," a spokesman said.',
        "Turkey threatened to drive back the Syrian forces unless they withdraw by the end of February.",
        "Eight aid groups have called the violence in Idlib a humanitarian catastrophe.",
    ]


def run(stored: list[str], archived: list[str] = ARCHIVED) -> Comparison:
    return compare([(f"s{n}", text) for n, text in enumerate(stored, 1)], archived)


def edited(index: int, old: str, new: str) -> list[str]:
    texts = sentences()
    assert old in texts[index]
    texts[index] = texts[index].replace(old, new)
    return texts


def test_identical_text_is_unchanged_everywhere() -> None:
    result = run(sentences())
    assert [s.change for s in result.statements] == [Change.UNCHANGED] * 6
    assert result.archive_complete
    assert result.coverage == 1.0
    assert result.missing_from_stored == ()


@pytest.mark.parametrize(
    ("index", "old", "new"),
    [
        (0, "1,000", "1000"),
        (0, "Russian and Turkish", "Russian  and\u00a0Turkish"),
        (3, '"We are not in a position to answer,"', "\u201cWe are not in a position to answer,\u201d"),
        (0, "January, the", "January \u2014 the"),
        (5, "catastrophe.", "catastrophe\u2026"),
        (2, "The Kremlin", "the Kremlin"),
        (4, "Turkey", "TURKEY"),
        (0, "1,000", "one thousand"),
    ],
    ids=["thousands-separator", "whitespace-nbsp", "curly-quotes", "dash", "ellipsis", "casing", "caps", "number-word"],
)
def test_cosmetic_edit_is_cosmetic(index: int, old: str, new: str) -> None:
    result = run(edited(index, old, new))
    assert result.statements[index].change is Change.COSMETIC
    assert all(s.change is Change.UNCHANGED for n, s in enumerate(result.statements) if n != index)


@pytest.mark.parametrize(
    ("index", "old", "new", "kind", "diff"),
    [
        (0, "1,000", "10,000", "number", "[-1,000-]{+10,000+}"),
        (0, "two weeks", "three weeks", "number", "[-two-]{+three+}"),
        (4, "end of February", "end of March", "date", "[-February-]{+March+}"),
        (1, "did not specify", "did specify", "negation", "[-not-]"),
        (2, "The Kremlin declined", "The Kremlin never declined", "negation", "{+never+}"),
        (2, "The Kremlin", "The Pentagon", "name", "[-Kremlin-]{+Pentagon+}"),
        (3, "a position to answer", "a position to respond", "quote", "[-answer-]{+respond+}"),
        (5, "in Idlib a", "in Idlib and Aleppo a", "added", "{+and Aleppo+}"),
        (0, " in the last two weeks of January", "", "dropped", "[-in the last two weeks of January-]"),
        (5, "called the violence", "described the violence", "wording", "[-called-]{+described+}"),
    ],
)
def test_substantive_edit_names_its_kind(index: int, old: str, new: str, kind: str, diff: str) -> None:
    result = run(edited(index, old, new))
    changed = result.statements[index]
    assert changed.change is Change.SUBSTANTIVE
    assert kind in changed.kinds
    assert diff in changed.diff
    assert all(s.change is Change.UNCHANGED for n, s in enumerate(result.statements) if n != index)


def test_diff_keeps_a_little_context() -> None:
    result = run(edited(0, "1,000", "400"))
    assert result.statements[0].diff == "… staged more than [-1,000-]{+400+} attacks in the …"


def test_sentence_added_to_stored_copy_is_absent() -> None:
    texts = sentences()
    texts.insert(3, "Moscow has denied that its aircraft struck a hospital in the south of the province.")
    result = run(texts)
    assert result.statements[3].change is Change.ABSENT
    assert result.statements[3].archived_text is None
    assert result.archive_complete
    assert [s.change for n, s in enumerate(result.statements) if n != 3] == [Change.UNCHANGED] * 6


def test_sentence_dropped_from_stored_copy_is_missing_from_stored() -> None:
    texts = sentences()
    del texts[1]
    result = run(texts)
    assert result.missing_from_stored == ("It did not specify when they died.",)
    assert all(s.change is Change.UNCHANGED for s in result.statements)


def test_reordered_paragraphs_and_sentences_still_match() -> None:
    texts = sentences()
    shuffled = [texts[5], texts[3], texts[4], texts[0], texts[2], texts[1]]
    result = run(shuffled)
    assert all(s.change is Change.UNCHANGED for s in result.statements)
    assert result.statements[0].archived_text == texts[5]


def test_statement_made_of_two_archived_sentences_is_cosmetic() -> None:
    texts = sentences()
    merged = [texts[0][:-1] + "; it did not specify when they died.", *texts[2:]]
    result = run(merged)
    assert result.statements[0].change is Change.COSMETIC
    assert result.statements[0].archived_text == " ".join(texts[:2])
    assert result.missing_from_stored == ()


def test_two_statements_made_of_one_archived_sentence_are_cosmetic() -> None:
    texts = sentences()
    first, second = texts[0].split(", the Foreign Ministry")
    split = [first + ".", "The Foreign Ministry" + second, *texts[1:]]
    result = run(split)
    assert [s.change for s in result.statements[:2]] == [Change.COSMETIC, Change.COSMETIC]
    assert result.statements[0].archived_text == texts[0]
    assert result.missing_from_stored == ()


def test_change_inside_a_split_sentence_is_pinned_to_its_piece() -> None:
    texts = sentences()
    first, second = texts[0].split(", the Foreign Ministry")
    split = [first.replace("1,000", "2,000") + ".", "The Foreign Ministry" + second, *texts[1:]]
    result = run(split)
    assert result.statements[0].change is Change.SUBSTANTIVE
    assert result.statements[0].kinds == ("number",)
    assert result.statements[1].change is Change.COSMETIC


def test_truncated_capture_leaves_unmatched_statements_not_compared() -> None:
    texts = [
        *sentences(),
        "Russia continues to coordinate with Turkey and Iran on the ground in Syria.",
        "Turkey and Russia back opposing sides of the conflict.",
        "The United Nations has warned of a humanitarian disaster.",
    ]
    result = run(texts, ARCHIVED[:2])
    assert not result.archive_complete
    assert "truncated" in result.detail
    assert [s.change for s in result.statements[:4]] == [Change.UNCHANGED] * 4
    assert {s.change for s in result.statements[4:]} == {Change.NOT_COMPARED}


def test_unrelated_capture_is_incomplete_not_absent() -> None:
    result = run(sentences(), ["Subscribe to read this article.", "Sign in or create an account."])
    assert not result.archive_complete
    assert {s.change for s in result.statements} == {Change.NOT_COMPARED}


def test_empty_capture_compares_nothing() -> None:
    result = run(sentences(), [])
    assert not result.archive_complete
    assert result.coverage == 0.0
    assert {s.change for s in result.statements} == {Change.NOT_COMPARED}


def test_json_has_the_agreed_shape() -> None:
    data = comparison_json(run(edited(0, "1,000", "10,000")))
    assert set(data) == {"statements", "missing_from_stored", "archive_complete", "coverage", "detail"}
    first = data["statements"][0]
    assert set(first) == {"id", "text", "change", "archived_text", "diff", "kinds", "score", "outside_body"}
    assert first["change"] == "substantive"
    assert first["kinds"] == ["number"]


def test_markdown_escapes_untrusted_text() -> None:
    hostile = (
        'Click [here](https://evil.example/x) <script>alert(1)</script> or *this* and "visit http://evil.example".'
    )
    archived = [hostile.replace("here", "there")]
    markdown = comparison_markdown(compare([("s1", hostile)], archived))
    assert "substantive" in markdown
    cmarkgfm = pytest.importorskip("cmarkgfm")
    from cmarkgfm.cmark import Options

    rendered = cmarkgfm.github_flavored_markdown_to_html(markdown, options=Options.CMARK_OPT_UNSAFE)
    assert "<script>" not in rendered and "<a " not in rendered and "<em>" not in rendered
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in rendered
    # The word diff renders as a deletion and an insertion, and reads the same raw.
    assert "~~there~~ **here**" in markdown
    assert "<del>there</del> <strong>here</strong>" in rendered


def test_seed_article_against_its_own_page_is_unchanged_or_cosmetic() -> None:
    result = compare_files(SEED, FIXTURES / "seed_original.html")
    body = [s for s in result.statements if s.id.startswith("p")]
    assert len(body) == 12
    assert {s.change for s in body} <= {Change.UNCHANGED, Change.COSMETIC}
    # the photo caption is in a <figcaption>, which the extractor may leave out of the article text
    caption = result.statements[0]
    assert caption.change in (Change.UNCHANGED, Change.COSMETIC, Change.ABSENT)
    assert result.archive_complete


def test_seed_page_with_one_number_changed_flags_that_statement(tmp_path: Path) -> None:
    page = (FIXTURES / "seed_original.html").read_text(encoding="utf-8")
    assert page.count("more than 1,000 attacks") == 1
    changed = tmp_path / "page.html"
    changed.write_text(page.replace("more than 1,000 attacks", "more than 100 attacks"), encoding="utf-8")
    result = compare_files(SEED, changed)
    substantive = [s for s in result.statements if s.change is Change.SUBSTANTIVE]
    assert [(s.id, s.kinds) for s in substantive] == [("p1.s1", ("number",))]
    assert "[-100-]{+1,000+}" in substantive[0].diff


def test_plain_text_capture_is_split_at_blank_lines(tmp_path: Path) -> None:
    stored = tmp_path / "stored.md"
    stored.write_text("# Title\n\n" + " ".join(sentences()[:2]) + "\n\nOriginal url: <https://news.example/a>\n")
    archived = tmp_path / "archived.txt"
    archived.write_text(ARCHIVED[0] + "\n\n" + ARCHIVED[3] + "\n")
    result = compare_files(stored, archived)
    assert [s.change for s in result.statements] == [Change.UNCHANGED, Change.UNCHANGED]
    assert result.missing_from_stored == (ARCHIVED[3],)


# --------------------------------------------------------------------------------------------------------------
# Cosmetic means cosmetic: invisible formatting characters and the spelling of numbers


@pytest.mark.parametrize(
    "mark",
    ["\u00ad", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"],
    ids=["soft hyphen", "zero-width space", "zero-width non-joiner", "zero-width joiner", "word joiner", "BOM"],
)
def test_invisible_formatting_character_inside_a_word_is_cosmetic(mark: str) -> None:
    result = run(edited(4, "Turkey threatened", f"Tur{mark}key threat{mark}ened"))
    assert [s.change for s in result.statements][4] is Change.COSMETIC
    assert all(s.change in (Change.UNCHANGED, Change.COSMETIC) for s in result.statements)


@pytest.mark.parametrize(
    ("archived", "stored"),
    [
        ("Five people died in the fire.", "5 people died in the fire."),
        ("Forty-five people died in the fire.", "45 people died in the fire."),
        ("The repairs cost 12,500 dollars.", "The repairs cost 12500 dollars."),
        ("Prices rose 5 per cent last year.", "Prices rose 5% last year."),
        ("Prices rose 5 percent last year.", "Prices rose 5 per cent last year."),
        ("A million people came to the city.", "1 million people came to the city."),
        ("It cost $2.5bn to build the bridge.", "It cost $2.5 billion to build the bridge."),
        ("He was the twenty-first man to try.", "He was the 21st man to try."),
        ("It has 1,200 rooms for the guests.", "It has twelve hundred rooms for the guests."),
    ],
)
def test_number_spelling_is_cosmetic(archived: str, stored: str) -> None:
    assert compare([("s1", stored)], [archived]).statements[0].change is Change.COSMETIC


@pytest.mark.parametrize(
    ("archived", "stored"),
    [
        ("Five people died in the fire.", "6 people died in the fire."),
        ("He was the twenty-first man to try.", "He was the 22nd man to try."),
        ("It cost $5m to build the bridge.", "It cost $6 million to build the bridge."),
    ],
)
def test_a_different_number_in_another_spelling_is_still_substantive(archived: str, stored: str) -> None:
    change = compare([("s1", stored)], [archived]).statements[0]
    assert change.change is Change.SUBSTANTIVE
    assert "number" in change.kinds


def test_a_word_cut_in_two_by_inline_markup_is_cosmetic() -> None:
    archived = ["Prices went up before a nd after the vote, and Boeing 's shares fell."]
    stored = [("s1", "Prices went up before and after the vote, and Boeing's shares fell.")]
    assert compare(stored, archived).statements[0].change is Change.COSMETIC


# --------------------------------------------------------------------------------------------------------------
# One-to-one alignment

_BOX = [
    "The new earbuds went on sale on Monday in every store across the country.",
    "Apple AirPods with Wireless Charging Case",
    "Shoppers lined up for hours before the doors opened in the morning.",
]
_BOX_STORED = [
    "The new earbuds went on sale on Monday in every store across the country.",
    "Apple AirPods with Charging Case (Latest Model)",
    "Apple AirPods with Wireless Charging Case",
    "Shoppers lined up for hours before the doors opened in the morning.",
]


def test_an_archived_sentence_goes_to_one_statement_only() -> None:
    result = run(_BOX_STORED, _BOX)
    changes = [s.change for s in result.statements]
    # The look-alike line before the identical one is not "added" words against the identical one's sentence,
    # and the identical line is unchanged, not cosmetic.
    assert changes == [Change.UNCHANGED, Change.ABSENT, Change.UNCHANGED, Change.UNCHANGED]


def test_repeated_sentences_pair_off_in_document_order() -> None:
    archived = ["Advertisement", "The mayor spoke first at the meeting.", "Advertisement", "Then the council voted."]
    stored = ["Advertisement", "The mayor spoke first at the meeting.", "Advertisement", "Then the council voted."]
    result = run(stored, archived)
    assert [s.change for s in result.statements] == [Change.UNCHANGED] * 4
    assert result.missing_from_stored == ()


# --------------------------------------------------------------------------------------------------------------
# Absent means absent from the capture's whole visible text


def test_statement_found_outside_the_body_is_unchanged_with_a_note() -> None:
    outside = ["Apple AirPods with Charging Case (Latest Model)", "Deals of the day"]
    result = compare([(f"s{n}", t) for n, t in enumerate(_BOX_STORED, 1)], _BOX, outside=outside)
    box = result.statements[1]
    assert box.change is Change.UNCHANGED
    assert box.outside_body
    assert not result.archive_complete
    assert "found only outside the extracted article body" in result.detail
    assert comparison_json(result)["statements"][1]["outside_body"] is True
    assert "outside the article body" in comparison_markdown(result)


def test_statement_changed_outside_the_body_is_substantive() -> None:
    outside = ["Apple AirPods with Charging Case (Newest Model)"]
    result = compare([(f"s{n}", t) for n, t in enumerate(_BOX_STORED, 1)], _BOX, outside=outside)
    assert result.statements[1].change is Change.SUBSTANTIVE
    assert result.statements[1].outside_body


def test_statement_in_no_visible_text_is_absent_even_when_others_are_outside_the_body() -> None:
    stored = [*_BOX_STORED, "The store's manager said sales had doubled since the launch of the new model."]
    outside = ["Apple AirPods with Charging Case (Latest Model)", "Deals of the day"]
    result = compare([(f"s{n}", t) for n, t in enumerate(stored, 1)], _BOX, outside=outside)
    assert result.statements[-1].change is Change.ABSENT
    assert not result.archive_complete


def test_statement_in_no_visible_text_of_a_partial_capture_is_not_compared() -> None:
    stored = [f"Paragraph number {n} of the story says a thing that matters." for n in range(10)]
    body = stored[:3]
    outside = stored[3:8]  # 8 of 10 found in the capture: under 90%, and under half in the body
    result = compare([(f"s{n}", t) for n, t in enumerate(stored, 1)], body, outside=outside)
    assert [s.change for s in result.statements][-2:] == [Change.NOT_COMPARED, Change.NOT_COMPARED]
    assert all(s.outside_body for s in result.statements[3:8])


def test_compare_files_looks_outside_the_body_of_an_html_capture(tmp_path: Path) -> None:
    story = [
        "The ferry crews voted on Monday to strike for two days next week over a pay offer they called unfair.",
        "Their union said the operator had refused to meet since the summer and that talks had broken down.",
        "The operator said it regretted the vote and would keep a reduced timetable running on both crossings.",
    ]
    page = tmp_path / "page.html"
    page.write_text(
        "<html><body><aside><p>Ferry Model Kit (Latest Model)</p></aside><article>"
        + "".join(f"<p>{s}</p>" for s in story)
        + "</article></body></html>"
    )
    stored = tmp_path / "stored.md"
    stored.write_text("# Ferry\n\n" + "\n\n".join([story[0], "Ferry Model Kit (Latest Model)", *story[1:]]) + "\n")
    box = compare_files(stored, page).statements[1]
    assert (box.change, box.outside_body) == (Change.UNCHANGED, True)

"""Judging: statements labelled sourced, unsourced or disputed from their sources, with reasons and evidence."""

from __future__ import annotations

import json
import urllib.parse

import pytest

from verify.judge import (
    Failure,
    Label,
    OtherSources,
    Source,
    SourceFailure,
    SourceRole,
    Verdict,
    assess,
    format_verdict,
    judge_claim,
    judge_jsonl,
    judge_statement,
    permalink,
    prepare,
)
from verify.judge.lexicon import predicate_key, synonyms
from verify.text import evidence_sentences

CITED = "https://news.example/2024/05/flood-report"
CAPTURE = "https://web.archive.org/web/20240502120000/https://news.example/2024/05/flood-report"

FLOOD_REPORT = (
    "Heavy rain fell across the region for a third day on Tuesday.",
    "The regional council said 400 homes had been evacuated along the river since the weekend.",
    'Council leader Maria Okafor called the damage "the worst we have seen in a generation".',
    "Five bridges remain closed to traffic, and engineers will inspect them next week.",
    "Schools in the valley reopened on Wednesday.",
)


def own(sentences: tuple[str, ...] = FLOOD_REPORT, capture_url: str | None = CAPTURE) -> Source:
    return Source(url=CITED, role=SourceRole.OWN, sentences=sentences, unavailable=None, capture_url=capture_url)


def judge(text: str, *sources: Source, has_citation: bool = True, changed: str | None = None) -> Verdict:
    return judge_statement("s1", text, sources, changed=changed, has_citation=has_citation)


def test_quote_present_in_cited_source_is_sourced_with_evidence_and_permalink() -> None:
    verdict = judge('Maria Okafor said the damage was "the worst we have seen in a generation".', own())
    assert verdict.label is Label.SOURCED
    assert verdict.reason.startswith("supported by own citation")
    evidence = verdict.evidence[0]
    assert "the worst we have seen in a generation" in evidence.quote
    assert evidence.url == CITED
    assert evidence.capture_url == CAPTURE
    assert evidence.permalink.startswith(CAPTURE + "#:~:text=")
    assert evidence.role is SourceRole.OWN


@pytest.mark.parametrize(
    ("statement", "said", "source_says"),
    [
        ("The regional council said 40 homes had been evacuated along the river.", "40", "400"),
        ("Four bridges remain closed to traffic.", "Four", "Five"),  # as each writes it
    ],
)
def test_contradicted_number_is_disputed_naming_the_conflict(statement: str, said: str, source_says: str) -> None:
    verdict = judge(statement, own())
    assert verdict.label is Label.DISPUTED
    assert any(said in c and source_says in c and c.startswith("number") for c in verdict.conflicts)
    assert said in verdict.reason and source_says in verdict.reason


def test_more_than_a_number_agrees_with_a_larger_number() -> None:
    verdict = judge("More than 300 homes were evacuated along the river, the regional council said.", own())
    assert verdict.label is Label.SOURCED


def test_changed_name_in_same_sentence_is_disputed() -> None:
    verdict = judge('Council leader Maria Adams called the damage "the worst we have seen in a generation".', own())
    assert verdict.label is Label.DISPUTED
    assert any(c.startswith("name") for c in verdict.conflicts)


def test_negated_statement_is_disputed() -> None:
    verdict = judge("Schools in the valley did not reopen on Wednesday.", own())
    assert verdict.label is Label.DISPUTED
    assert any(c.startswith("negation") for c in verdict.conflicts)


MUSEUM = (
    "The museum, which does not charge admission, received 1,000 visitors on 3 March 2021.",
    "Ten volunteers staff the front desk.",
)


@pytest.mark.parametrize(
    ("statement", "conflict"),
    [
        (
            "The museum received 1,000 visitors on 3 April 2021.",
            "date: the statement says 'April', the source says 'March'",
        ),
        (
            "The museum received 1,000 visitors on 3 March 2020.",
            "year: the statement says '2020', the source says '2021'",
        ),
        ("The museum charges admission.", "negation: the statement does not negate 'charges' where the source does"),
    ],
)
def test_checkable_fact_contradicted_by_same_topic_passage_is_disputed(statement: str, conflict: str) -> None:
    assert judge(statement, own(MUSEUM)).conflicts == (conflict,)


@pytest.mark.parametrize(
    "statement",
    [
        "The museum doesn't charge admission and received 1000 visitors on 3 March 2021.",
        "10 volunteers staff the front desk.",
    ],
)
def test_same_fact_written_differently_is_sourced(statement: str) -> None:
    assert judge(statement, own(MUSEUM)).label is Label.SOURCED


def test_uncited_background_statement_is_unsourced_with_no_citation() -> None:
    verdict = judge("The valley has long been popular with hikers.", has_citation=False)
    assert verdict.label is Label.UNSOURCED
    assert verdict.reason == "no citation"
    assert verdict.evidence == ()


def test_attributed_statement_is_sourced_through_the_attributed_document() -> None:
    statement_text = (
        "The Ministry of Transport said it would spend 12 million euros on new bridges.",
        "The money comes from the national infrastructure fund.",
    )
    statement = Source(
        url="https://ministry.example/press/bridges",
        role=SourceRole.ATTRIBUTED,
        sentences=statement_text,
        unavailable=None,
        capture_url=None,
    )
    verdict = judge(
        "The Ministry of Transport said in a statement that it would spend 12 million euros on new bridges.",
        statement,
        has_citation=False,
    )
    assert verdict.label is Label.SOURCED
    assert verdict.evidence[0].role is SourceRole.ATTRIBUTED
    assert verdict.evidence[0].permalink.startswith("https://ministry.example/press/bridges#:~:text=")
    assert "attributed document" in verdict.reason


def test_dead_never_archived_citation_is_unsourced_with_its_reason() -> None:
    dead = Source(url=CITED, role=SourceRole.OWN, sentences=None, unavailable="HTTP 404", capture_url=None, gone=True)
    verdict = judge("400 homes were evacuated along the river.", dead)
    assert verdict.label is Label.UNSOURCED
    assert verdict.reason == f"cited source dead and never archived: HTTP 404 ({CITED})"


@pytest.mark.parametrize(
    "why",
    ["source page has no readable text: unverifiable", "live ok and archive error (HTTP 500)", "refused (loopback)"],
)
def test_a_source_that_could_not_be_read_is_never_called_dead(why: str) -> None:
    unread = Source(url=CITED, role=SourceRole.OWN, sentences=None, unavailable=why)
    verdict = judge("400 homes were evacuated along the river.", unread)
    assert verdict.label is Label.UNSOURCED
    assert verdict.reason == f"unverifiable: {why} ({CITED})"


def test_a_stripped_link_not_recovered_is_said_so() -> None:
    unknown = Source("river report", SourceRole.OWN, None, "link target unknown (x)", failure=Failure.NOT_RECOVERED)
    verdict = judge("400 homes were evacuated along the river.", unknown)
    assert verdict.reason.startswith("its link was not recovered: link target unknown (x)")


def test_blocked_citation_is_unverifiable_not_silently_passed() -> None:
    blocked = Source(url=CITED, role=SourceRole.OWN, sentences=None, unavailable="blocked: HTTP 403", capture_url=None)
    verdict = judge("400 homes were evacuated along the river.", blocked)
    assert verdict.label is Label.UNSOURCED
    assert verdict.reason.startswith("unverifiable: blocked")


# What the judge found is data on the verdict besides its reason's words: the report decides from it.

OTHER = "https://other.example/a"
HOMES = "400 homes were evacuated along the river."


@pytest.mark.parametrize(
    ("source", "failure", "unverifiable"),
    [
        (Source(CITED, SourceRole.OWN, None, "HTTP 404", gone=True), Failure.GONE, False),
        (Source(CITED, SourceRole.OWN, None, "blocked: HTTP 403"), Failure.UNREAD, True),
        (Source(CITED, SourceRole.OWN, None, "refused (loopback)"), Failure.UNREAD, True),
        (
            Source("river report", SourceRole.OWN, None, "link target unknown (x)", failure=Failure.NOT_RECOVERED),
            Failure.NOT_RECOVERED,
            False,
        ),
        (
            Source(
                "javascript:go()",
                SourceRole.OWN,
                None,
                "not a web link (javascript), never fetched",
                failure=Failure.NOT_A_WEB_LINK,
            ),
            Failure.NOT_A_WEB_LINK,
            False,
        ),
        (
            Source(
                CITED, SourceRole.OWN, None, "--offline: the cited source was not fetched", failure=Failure.NOT_CHECKED
            ),
            Failure.NOT_CHECKED,
            False,
        ),
        (Source(CITED, SourceRole.OWN, ()), Failure.NO_TEXT, False),
    ],
)
def test_a_citation_that_could_not_be_weighed_is_named_with_why_on_the_verdict(
    source: Source, failure: Failure, unverifiable: bool
) -> None:
    verdict = judge(HOMES, source)
    assert verdict.label is Label.UNSOURCED
    assert verdict.failures == (SourceFailure(source.url, SourceRole.OWN, failure, verdict.failures[0].detail),)
    assert verdict.unverifiable is unverifiable
    assert verdict.reason == verdict.failures[0].said  # the words the report finds it by are the judge's own


# Why a source has no text is data on it (`Source.failure`), set where it was found out: the judge never sorts a
# failure by the words of `unavailable`, which are only what a reader is shown.


@pytest.mark.parametrize(
    ("url", "failure", "words", "said"),
    [
        (
            CITED,
            Failure.NOT_CHECKED,
            "the page was left alone this run",
            "not checked: the page was left alone this run",
        ),
        (
            "mailto:desk@news.example",
            Failure.NOT_A_WEB_LINK,
            "an e-mail address",
            "an e-mail address (mailto:desk@news.example)",
        ),
        (
            "river report",
            Failure.NOT_RECOVERED,
            "the archive lost it",
            "its link was not recovered: the archive lost it (river report)",
        ),
        (CITED, Failure.GONE, "HTTP 410", f"cited source dead and never archived: HTTP 410 ({CITED})"),
    ],
)
def test_a_source_failure_is_its_kind_whatever_its_words(url: str, failure: Failure, words: str, said: str) -> None:
    verdict = judge(HOMES, Source(url, SourceRole.OWN, None, words, failure=failure))
    assert verdict.failures == (SourceFailure(url, SourceRole.OWN, failure, words),)
    assert verdict.reason == said
    assert verdict.unverifiable is False  # none of these is a page that could not be read


@pytest.mark.parametrize(
    "words",
    [
        "--offline: the cited source was not fetched",
        "not a web link (javascript), never fetched",
        "link target unknown (x)",
    ],
)
def test_a_source_given_only_words_is_not_read_whatever_they_begin_with(words: str) -> None:
    # A caller that says only why in words (`verify judge --source`, a bench) gets the safe kind: not read.
    source = Source(CITED, SourceRole.OWN, None, words)
    verdict = judge(HOMES, source)
    assert source.failure is Failure.UNREAD
    assert verdict.failures == (SourceFailure(CITED, SourceRole.OWN, Failure.UNREAD, words),)
    assert verdict.reason == f"unverifiable: {words} ({CITED})" and verdict.unverifiable


def test_gone_and_the_gone_failure_are_one_finding() -> None:
    assert Source(CITED, SourceRole.OWN, None, "HTTP 404", gone=True).failure is Failure.GONE
    assert Source(CITED, SourceRole.OWN, None, "HTTP 404", failure=Failure.GONE).gone
    assert not Source(CITED, SourceRole.OWN, None, "blocked", failure=Failure.UNREAD).gone
    assert Source(CITED, SourceRole.OWN, ()).failure is Failure.NO_TEXT
    assert own().failure is None and not own().gone
    with pytest.raises(ValueError, match="gone"):
        Source(CITED, SourceRole.OWN, None, "HTTP 404", gone=True, failure=Failure.NOT_CHECKED)
    with pytest.raises(ValueError, match="with text has no failure"):
        Source(CITED, SourceRole.OWN, FLOOD_REPORT, failure=Failure.UNREAD)


def test_other_sources_dead_or_unread_are_counted_by_their_kind_not_their_words() -> None:
    others = (
        Source(OTHER, SourceRole.OTHER, None, "went away", failure=Failure.GONE),
        Source("https://other.example/b", SourceRole.OTHER, None, "HTTP 404 and never archived"),
        Source("https://other.example/c", SourceRole.OTHER, ("Schools reopened on Wednesday.",)),
    )
    verdict = judge("The zoo bought two giraffes.", *others, has_citation=False)
    assert "; 1 could not be read; 1 is dead and never archived" in verdict.reason


def test_a_citation_that_could_not_be_resolved_is_unverifiable() -> None:
    verdict = judge(HOMES)
    assert verdict.unverifiable and verdict.failures == ()


@pytest.mark.parametrize(
    ("others", "found"),
    [
        ((Source(OTHER, SourceRole.OTHER, ("Schools reopened on Wednesday.",)),), OtherSources.NONE_CARRIES),
        ((Source(OTHER, SourceRole.OTHER, None, "blocked: HTTP 403"),), OtherSources.NONE_READ),
        ((), None),
    ],
)
def test_what_the_other_sources_gave_is_on_the_verdict(others: tuple[Source, ...], found: OtherSources | None) -> None:
    verdict = judge("The zoo bought two giraffes.", *others, has_citation=False)
    assert verdict.label is Label.UNSOURCED and verdict.uncited
    assert verdict.other_sources is found
    # Another source not read leaves the statement unchecked against it, but its own citations were not unread.
    assert not verdict.unverifiable
    assert [f.role for f in verdict.failures] == [SourceRole.OTHER for s in others if not s.sentences]


def test_a_sourced_verdict_still_names_the_sources_it_could_not_weigh() -> None:
    dead = Source(OTHER, SourceRole.OTHER, None, "HTTP 404", gone=True)
    verdict = judge("Five bridges remain closed to traffic.", own(), dead)
    assert verdict.label is Label.SOURCED
    assert verdict.failures == (SourceFailure(OTHER, SourceRole.OTHER, Failure.GONE, "HTTP 404"),)
    assert (verdict.other_sources, verdict.unverifiable, verdict.uncited) == (None, False, False)


def test_a_statement_disputed_by_the_comparison_says_so_on_the_verdict() -> None:
    change = "changed from the archived original: [-400-]{+40+} homes"
    assert judge(HOMES, own(), changed=change).changed_since_original
    contradicted = judge("The regional council said 4,000 homes had been evacuated.", own())
    assert contradicted.label is Label.DISPUTED and not contradicted.changed_since_original


def test_source_silent_on_statement_is_unsourced_with_best_passage() -> None:
    verdict = judge("The city zoo acquired giraffes from a Danish breeder.", own())
    assert verdict.label is Label.UNSOURCED
    assert verdict.reason.startswith("source fetched but silent on it (best passage: ")
    with_number = judge("The city zoo acquired two giraffes from a Danish breeder.", own())
    assert with_number.reason.startswith("source fetched but silent on it: it never gives the statement's number 'two'")


def test_changed_statement_is_disputed_with_the_comparison_reason() -> None:
    change = "changed from the archived original: [-400-]{+40+} homes"
    verdict = judge("The regional council said 400 homes had been evacuated along the river.", own(), changed=change)
    assert verdict.label is Label.DISPUTED
    assert verdict.reason == change


@pytest.mark.parametrize(
    "statement",
    [
        "Council leader Maria Okafor called the damage “the worst we have seen in a generation”.",
        "Five bridges remain closed to traffic \u2014 and engineers will inspect them next week.",
        "Five  bridges remain closed to traffic, and engineers will inspect them next\u00a0week.",
    ],
)
def test_cosmetic_differences_are_still_sourced(statement: str) -> None:
    assert judge(statement, own()).label is Label.SOURCED


def test_own_citation_comes_before_other_citations() -> None:
    other = Source(url="https://other.example/a", role=SourceRole.OTHER, sentences=FLOOD_REPORT, capture_url=None)
    verdict = judge("Five bridges remain closed to traffic.", own(), other)
    assert verdict.evidence[0].role is SourceRole.OWN


def test_best_passage_is_a_short_window_not_the_whole_page() -> None:
    assessment = assess("Schools in the valley reopened on Wednesday.", FLOOD_REPORT)
    assert assessment.passage == "Schools in the valley reopened on Wednesday."
    assert (assessment.start, assessment.end) == (4, 5)


def test_permalink_encodes_text_fragment_syntax_characters() -> None:
    link = permalink("https://news.example/a#top", "Rock-and-roll, jazz & blues")
    assert link == "https://news.example/a#:~:text=Rock%2Dand%2Droll%2C%20jazz%20%26%20blues"


def test_permalink_uses_start_and_end_for_long_passages() -> None:
    passage = " ".join(FLOOD_REPORT[:3])
    fragment = permalink(CITED, passage).split("#:~:text=", 1)[1]
    start, end = fragment.split(",")
    assert urllib.parse.unquote(start) == "Heavy rain fell across the"
    assert urllib.parse.unquote(end) == 'have seen in a generation".'


def test_judge_claim_accepts_a_text_or_a_list_of_sentences() -> None:
    text = " ".join(FLOOD_REPORT)
    assert judge_claim("Five bridges remain closed to traffic.", text).label is Label.SOURCED
    assert judge_claim("Five bridges remain closed to traffic.", list(FLOOD_REPORT)).label is Label.SOURCED


def test_judge_jsonl_answers_each_line_in_order() -> None:
    lines = [
        json.dumps({"id": "a", "claim": "Five bridges remain closed.", "evidence": list(FLOOD_REPORT)}),
        "",
        json.dumps({"id": 7, "claim": "Four bridges remain closed.", "evidence": " ".join(FLOOD_REPORT)}),
        json.dumps({"id": "c", "claim": "The zoo bought two giraffes.", "evidence": list(FLOOD_REPORT)}),
    ]
    out = [json.loads(line) for line in judge_jsonl(lines)]
    assert [row["id"] for row in out] == ["a", 7, "c"]
    assert [row["label"] for row in out] == ["sourced", "disputed", "unsourced"]
    assert all(set(row) == {"id", "label", "score", "evidence", "judge", "nli"} for row in out)
    assert all(row["judge"] == "lexical" and row["nli"] is None for row in out)
    assert out[0]["evidence"] == "Five bridges remain closed to traffic, and engineers will inspect them next week."
    assert all(0.0 <= row["score"] <= 1.0 for row in out)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("{not json", "line 2: not valid JSON"),
        ('{"id": "x", "claim": "A claim."}', "line 2: missing evidence"),
        ('{"id": "x", "claim": "A claim.", "evidence": 5}', "line 2: 'evidence' must be a string or a list of strings"),
        ('["a", "b"]', "line 2: expected a JSON object"),
    ],
)
def test_judge_jsonl_bad_line_names_its_number(line: str, message: str) -> None:
    good = json.dumps({"id": "a", "claim": "Five bridges remain closed.", "evidence": list(FLOOD_REPORT)})
    with pytest.raises(ValueError, match=message):
        list(judge_jsonl([good, line]))


def test_format_verdict_shows_label_reason_evidence_and_permalink() -> None:
    text = format_verdict(judge("Five bridges remain closed to traffic.", own()))
    first, *rest = text.splitlines()
    assert first.startswith("sourced (score ")
    assert any(line.strip().startswith("evidence (own citation, score ") for line in rest)
    assert any(line.strip().startswith(CAPTURE + "#:~:text=") for line in rest)


def test_an_analysis_made_ahead_is_the_one_assess_returns() -> None:
    """The pipeline analyses each statement against a source as soon as the source arrives; judging later must
    give exactly what analysing then would have given."""
    claims = ["The council said 400 homes had been evacuated.", "Seven bridges remain closed."]
    cold = [assess(claim, FLOOD_REPORT) for claim in claims]
    from verify import judge as module

    module._analysed.cache_clear()
    prepare(claims, list(FLOOD_REPORT))  # a list: the kept analysis is found from any sequence of the same sentences
    assert module._analysed.cache_info().currsize == 2
    warm = [assess(claim, FLOOD_REPORT) for claim in claims]
    assert warm == cold
    assert module._analysed.cache_info().hits == 2
    assert not cold[0].conflicts and cold[1].conflicts


BRIDGE_PLAN = (
    "City engineers have inspected the bridge twice since last summer.",
    "Their report lists corrosion in the main cables and damage to two deck joints.",
    "Councillors will debate the cost after a consultation that drew more than two hundred written comments.",
)


def test_a_source_that_never_gives_the_statements_number_does_not_support_it_and_the_reason_says_so() -> None:
    """'more than two hundred comments' does not contradict '4.2 million dollars', and does not give it either."""
    verdict = judge("The repairs will cost 4.2 million dollars, according to the engineering report.", own(BRIDGE_PLAN))
    assert verdict.label is Label.UNSOURCED
    assert verdict.reason.startswith(
        "source fetched but silent on it: it never gives the statement's number '4.2 million' (best passage"
    )


@pytest.mark.parametrize(
    ("statement", "sourced"),
    [
        ("More than 100 people wrote comments.", True),  # the source's "more than 200" is a stronger bound
        ("More than 300 people wrote comments.", False),
        ("Exactly 250 people wrote comments.", False),  # "more than 200" allows 250 but does not give it
    ],
)
def test_a_bound_in_the_source_gives_only_weaker_bounds(statement: str, sourced: bool) -> None:
    source = ("More than 200 people wrote comments on the plan.",)
    assert (judge(statement, own(source)).label is Label.SOURCED) is sourced


def test_evidence_with_a_lone_surrogate_is_judged_not_a_crash() -> None:
    """JSON input can carry "\\udfff": the sentence splitter of sources needs UTF-8."""
    verdict = judge_claim("The bridge reopened in May.", "Notice \udfff: the bridge reopened in May. More later.")
    assert verdict.label is Label.SOURCED


@pytest.mark.parametrize("space", ["\u00a0", "\u2009", "\u202f", "\u2028", "\u3000", "\u0085"])
def test_a_capital_a_wide_space_and_a_full_stop_do_not_crash_the_sentence_splitter(space: str) -> None:
    """sentencex 1.0.32 panics on "A\\u00a0." (Rust slices the space as one byte): such spaces become plain ones."""
    sentences = evidence_sentences(f"The plan is called Plan A{space}. The council approved it.")
    assert sentences[-1] == "The council approved it."


def test_evidence_names_the_statements_words_and_numbers_its_passage_does_not_have() -> None:
    verdict = judge("Five bridges remain closed to traffic after the storm on Tuesday, costing 3 million euros.", own())
    unmatched = verdict.evidence[0].unmatched
    assert "storm" in unmatched and "3 million" in unmatched
    assert "bridges" not in unmatched and "traffic" not in unmatched and "Five" not in unmatched
    assert unmatched.index("storm") < unmatched.index("3 million")  # in the statement's order


def test_a_passage_that_has_every_word_leaves_nothing_unmatched() -> None:
    verdict = judge("Five bridges remain closed to traffic.", own())
    assert verdict.label is Label.SOURCED
    assert verdict.evidence[0].unmatched == ()


def test_attribution_and_reporting_words_are_not_expected_in_the_passage() -> None:
    statement = (
        "The regional council said in a statement that 400 homes had been evacuated, the Lindqvist report shows."
    )
    attributed = judge_statement(
        "s1", statement, (own(),), changed=None, has_citation=True, attribution="the Lindqvist report"
    )
    assert attributed.evidence[0].unmatched == ()
    unattributed = judge(statement, own()).evidence[0].unmatched
    assert unattributed == ("Lindqvist",)  # "said", "statement", "report", "shows" are how it is reported


def test_format_verdict_lists_what_the_passage_does_not_have() -> None:
    text = format_verdict(judge("Five bridges remain closed to traffic after the storm.", own()))
    assert "not in this passage: storm" in text


SESSION = (
    "In the summer of 2013 the band booked a studio in Brooklyn with a new producer.",
    "An entire recording session with the producer was scrapped.",
    "The album came out two years later on a small label.",
    "Critics praised its guitars and its short running time.",
    "The band toured Europe twice to promote it.",
    "Its singer later started a solo project.",
)


def test_a_clause_of_a_long_statement_that_the_source_negates_is_disputed() -> None:
    statement = (
        "In 2013, the band recorded with a new producer in Brooklyn for their album, "
        "but the recording session was not ultimately scrapped."
    )
    verdict = judge(statement, own(SESSION))
    assert verdict.label is Label.DISPUTED
    assert "negation" in verdict.reason and "'scrapped'" in verdict.reason  # "not" reaches over "ultimately"


def test_not_only_is_not_a_negation() -> None:
    source = ("The fossils showed that the climate of the region was warm enough to support forests.",)
    verdict = judge(
        "The fossils showed not only that the climate of the region was warm, but also forests.", own(source)
    )
    assert verdict.label is not Label.DISPUTED


def test_a_clause_of_two_content_words_is_too_little_to_dispute() -> None:
    source = (
        "Police issued an e-fit in a bid to help identify a man found dead in a caravan near the river.",
        "The investigation into his death remains open.",
    )
    verdict = judge(
        "The man has never been identified, and the investigation into his death remains open.", own(source)
    )
    assert verdict.label is not Label.DISPUTED


def test_a_source_that_never_names_the_statements_person_does_not_support_it_and_the_reason_says_so() -> None:
    verdict = judge("Engineers led by Lindqvist will inspect the five closed bridges next week.", own())
    assert verdict.label is Label.UNSOURCED
    assert "never names 'Lindqvist'" in verdict.reason
    unnamed = judge("Engineers will inspect the five closed bridges next week.", own())
    assert unnamed.label is Label.SOURCED


def test_a_name_swapped_for_another_in_the_same_sentence_is_disputed() -> None:
    verdict = judge("Council leader Maria Lindqvist called the damage the worst in a generation.", own())
    assert verdict.label is Label.DISPUTED
    assert "the statement says 'Lindqvist', the source says 'Okafor'" in verdict.reason  # spelled as written


def test_a_number_is_read_beside_its_own_words_in_a_passage_of_several_sentences() -> None:
    source = (
        "The regional council met on Monday evening to discuss the flood.",
        "Officials told the meeting that 400 homes had been evacuated along the river.",
        "Schools in the valley reopened on Wednesday.",
    )
    verdict = judge(
        "The regional council met on Monday evening and heard that 40 homes had been evacuated.", own(source)
    )
    assert verdict.label is Label.DISPUTED
    assert verdict.conflicts == ("number: the statement says '40', the source says '400'",)


def test_a_number_the_statement_also_gives_is_not_the_sources_other_value() -> None:
    source = ("The shell was rebuilt from 673 separate panels, cut in many different shapes.",)
    verdict = judge("The shell was rebuilt from 673 separate panels in 93 different shapes.", own(source))
    assert not any("'673'" in c for c in verdict.conflicts)


def test_a_negated_statement_is_not_sourced_by_passages_without_a_negation() -> None:
    verdict = judge("Engineers have not yet decided when to inspect the five closed bridges next week.", own())
    assert verdict.label is Label.UNSOURCED
    assert "its closest passages have no negation where the statement has one" in verdict.reason


def test_a_negation_inside_a_quoted_title_does_not_count() -> None:
    source = ('The single "Never Be Like You" reached number one in Australia in March.',)
    verdict = judge('The single "Never Be Like You" reached number one in Australia in March.', own(source))
    assert verdict.label is Label.SOURCED


def test_a_name_swapped_in_one_clause_of_a_long_statement_is_disputed() -> None:
    statement = (
        "After a third day of heavy rain across the region, council leader Maria Lindqvist called the damage "
        "the worst in a generation, and five bridges remain closed to traffic until engineers inspect them."
    )
    verdict = judge(statement, own())
    assert verdict.label is Label.DISPUTED
    assert "the statement says 'Lindqvist', the source says 'Okafor'" in verdict.reason


@pytest.mark.parametrize("sentences", [(), ("",)], ids=["no-sentences", "empty-sentence"])
def test_a_source_without_words_supports_nothing(sentences: tuple[str, ...]) -> None:
    assessment = assess("Five bridges remain closed to traffic.", sentences)
    assert not assessment.supported and assessment.passage == ""
    assert assessment.features.coverage == 0.0


@pytest.mark.parametrize(
    ("statement", "source", "conflict"),
    [
        (
            "The council approved the budget on Monday.",
            "The council rejected the budget on Monday after a long debate.",
            "opposite: the statement says 'approved', the source says 'rejected'",
        ),
        (
            "Ticket sales rose in 2023.",
            "Ticket sales fell sharply in 2023, the club said.",
            "opposite: the statement says 'rose', the source says 'fell'",
        ),
        (
            "The vote took place on Thursday.",
            "The vote took place on Tuesday evening at the town hall.",
            "weekday: the statement says 'Thursday', the source says 'Tuesday'",
        ),
        (
            "Arsenal beat Chelsea 3-1 on Sunday.",
            "Chelsea beat Arsenal 3-1 on Sunday at Stamford Bridge.",
            "roles: the statement says 'Arsenal beat Chelsea', the source says 'Chelsea beat Arsenal'",
        ),
        (
            "The mayor defeated the challenger in the election.",
            "The challenger defeated the mayor in the election by 300 votes.",
            "roles: the statement says 'mayor defeated challenger', the source says 'challenger defeated mayor'",
        ),
        (
            "The factory opened in March.",
            "The factory closed in March after 40 years.",
            "opposite: the statement says 'opened', the source says 'closed'",
        ),
        (
            "The road was closed before the storm.",
            "The road was closed after the storm had passed, police said.",
            "order: the statement says 'before', the source says 'after'",
        ),
        (
            "The project cost 3 million dollars.",
            "The project cost 3 billion dollars, the audit found.",
            "number: the statement says '3 million', the source says '3 billion'",
        ),
        (
            "The senator voted against the bill.",
            "The senator voted for the bill on Monday.",
            "opposite: the statement says 'against', the source says 'for'",
        ),
        (
            'The mayor called the plan "a costly mistake for the city".',
            'The mayor called the plan "a costly but necessary step for the city" at the meeting.',
            "quote: the statement quotes 'a costly mistake for the city', the source has 'a costly but necessary step "
            "for the city'",
        ),
    ],
    ids=[
        "antonym",
        "irregular-antonym",
        "weekday",
        "roles",
        "roles-of-common-nouns",
        "antonym-beside-a-date",
        "before-after",
        "scale",
        "for-against",
        "quote-after-same-words",
    ],
)
def test_a_statement_its_source_turns_round_is_disputed_and_the_reason_says_how(
    statement: str, source: str, conflict: str
) -> None:
    verdict = judge_claim(statement, source)
    assert verdict.label is Label.DISPUTED
    assert conflict in verdict.conflicts


def test_shared_numbers_alone_do_not_make_an_opposite_about_the_same_thing() -> None:
    verdict = judge_claim("Sales rose 5 percent in 2023.", "Costs fell 5 percent in 2023, the company said.")
    assert verdict.label is not Label.DISPUTED


def test_opposite_words_about_different_things_are_no_opposite_claim() -> None:
    # "big" describes the crater, "small" the rock: WordNet's antonyms, but the source does not turn the statement.
    statement = "A meteorite made a big crater near the city's airport."
    source = "The boom was made by a small meteorite that left a crater near the city's airport, officials said."
    verdict = judge_claim(statement, source)
    assert not any(c.startswith("opposite") for c in verdict.conflicts)
    turned = judge_claim(statement, "A meteorite made a small crater near the city's airport, officials said.")
    assert "opposite: the statement says 'big', the source says 'small'" in turned.conflicts
    passive = judge_claim("The plan was approved by the council on Monday.", "The council rejected the plan on Monday.")
    assert "opposite: the statement says 'approved', the source says 'rejected'" in passive.conflicts


@pytest.mark.parametrize(
    ("statement", "source"),
    [
        ("Some residents backed the plan.", "All residents backed the plan, the survey found."),
        ("Many residents backed the plan.", "Most residents backed the plan, the survey found."),
        ("The fire started close to the station.", "The fire started close to the station on Monday."),
        ("The company hired 200 engineers.", "The company hired 200 engineers and is hiring more."),
        ("The budget rose last year.", "The budget rose last year and will rise next year, the council said."),
        ("The company denied the allegations.", "The company denied the allegations in a statement."),
        ("The council voted to close the library.", "The council voted to close the library in May."),
        ("The bridge is one of the longest in Europe.", "The bridge is one of the longest in Europe, officials said."),
        ("The factory employed 300 people.", "The factory employed 300 people until it closed in 2015."),
        ("The museum is open until 8pm.", "The museum is open until 8pm on Fridays."),
        ("The road flooded on Monday.", "The road was closed on Monday due to flooding."),
    ],
)
def test_a_passage_that_says_as_much_or_more_still_sources(statement: str, source: str) -> None:
    assert judge_claim(statement, source).label is Label.SOURCED


@pytest.mark.parametrize(
    ("statement", "source", "conflict"),
    [
        ("Turnout was 65 percent", "Turnout was 56 percent.", "percentage: the statement says '65 percent'"),
        (
            "The bridge cost 12 million dollars",
            "The bridge cost 21 million dollars.",
            "the statement says '12 million'",
        ),
    ],
)
def test_a_number_swapped_before_its_unit_is_disputed(statement: str, source: str, conflict: str) -> None:
    verdict = judge_claim(statement, source)
    assert verdict.label is Label.DISPUTED
    assert any(conflict in c for c in verdict.conflicts)


def test_fewer_against_more_is_an_opposite() -> None:
    verdict = judge_claim(
        "The festival attracted fewer visitors than last year.", "The festival attracted more visitors than last year."
    )
    assert verdict.label is Label.DISPUTED
    assert "opposite: the statement says 'fewer', the source says 'more'" in verdict.conflicts


def test_next_week_against_last_week_is_another_date() -> None:
    verdict = judge_claim("The council will vote on the plan next week.", "The council voted on the plan last week.")
    assert verdict.label is Label.DISPUTED
    assert "date: the statement says 'next week', the source says 'last week'" in verdict.conflicts
    same = judge_claim("The council voted on the plan last week.", "The council voted on the plan last week.")
    assert same.label is Label.SOURCED


def test_a_passage_that_negates_what_the_statement_asserts_does_not_source_it() -> None:
    # A denial reported is no opposite claim (the union may be wrong), but it carries nothing of "agreed".
    source = "The union has denied agreeing to any pay deal with the council, its secretary said on Monday."
    verdict = judge_claim("The union agreed to a pay deal with the council.", source)
    assert verdict.label is Label.UNSOURCED
    assert "the passage negates 'agreed'" in verdict.reason
    assert judge_claim("The union has denied agreeing to a pay deal with the council.", source).label is Label.SOURCED


@pytest.mark.parametrize(
    ("statement", "source", "gap"),
    [
        ("The team won the final.", "The team did not win the final, losing 2-1.", "the passage negates 'won'"),
        (
            "The company fired 200 workers.",
            "The company denied reports that it fired 200 workers.",
            "the passage denies it ('denied')",
        ),
        (
            "The police confirmed the arrest on Monday.",
            "The police declined to confirm the arrest on Monday.",
            "the passage negates 'confirmed'",
        ),
        (
            "The ferry sank near the harbour.",
            "The ferry nearly sank near the harbour on Monday.",
            "the passage says only 'nearly sank'",
        ),
        (
            "The river flooded the town centre.",
            "The river came close to flooding the town centre on Monday.",
            "the passage says only 'close to flooding'",
        ),
        (
            "The bank collapsed last year.",
            "The bank was on the verge of collapse last year.",
            "the passage says only 'verge of collapse'",
        ),
        (
            "Most residents backed the plan.",
            "A few residents backed the plan, the survey found.",
            "the passage says 'few residents', not 'Most'",
        ),
        (
            "The company has hired 200 engineers.",
            "The company is hiring 200 engineers, its chief executive said.",
            "the passage tells it as under way ('is hiring')",
        ),
        (
            "The city banned cars from the centre.",
            "The city considered banning cars from the centre last year.",
            "the passage hedges ('considered')",
        ),
        (
            "The company denied the allegations.",
            "The company did not deny the allegations, its lawyer said.",
            "the passage negates 'denied'",
        ),
        (
            "The company acquired its rival for 2 billion dollars.",
            "The company agreed to acquire its rival for 2 billion dollars.",
            "the passage hedges ('agreed')",
        ),
        (
            "The bridge is the longest in Europe.",
            "The bridge is one of the longest in Europe, its builders said.",
            "the passage says only 'one of the longest'",
        ),
        (
            "The factory employs 300 people.",
            "The factory employed 300 people until it closed in 2015.",
            "the passage says it held only 'until it closed in 2015'",
        ),
        (
            "The minister announced the new policy on Monday.",
            "The minister is due to announce the new policy on Monday.",
            "the passage hedges ('due')",
        ),
        (
            "The mayor is a member of the Green party.",
            "The mayor was a member of the Green party until 2019.",
            "the passage says it held only 'until 2019'",
        ),
        (
            "The company is the largest employer in the region.",
            "The company is the second-largest employer in the region.",
            "the passage says only 'second largest'",
        ),
        (
            "All flights were cancelled on Monday.",
            "Several flights were cancelled on Monday.",
            "the passage says 'Several flights', not 'All'",
        ),
        (
            "The team scored more goals than any other.",
            "The team scored fewer goals than its rival but won the league.",
            "the passage says 'fewer goals', not 'more'",
        ),
        (
            "The mayor took bribes from the developer.",
            "A lawsuit claims that the mayor took bribes from the developer.",
            "the passage hedges ('claims')",
        ),
        (
            "The mayor took bribes from the developer.",
            "Rumours that the mayor took bribes from the developer spread on social media.",
            "the passage hedges ('Rumours')",
        ),
    ],
    ids=[
        "irregular-verb",
        "denied-reports",
        "declined-to",
        "nearly",
        "close-to",
        "verge-of",
        "most-few",
        "under-way",
        "considered-banning",
        "denial-negated",
        "agreed-to",
        "one-of-the",
        "held-until",
        "due-to",
        "was-until",
        "second-largest",
        "all-several",
        "more-fewer",
        "claims-that",
        "rumours-that",
    ],
)
def test_a_passage_that_denies_or_only_reports_a_plain_statement_does_not_source_it(
    statement: str, source: str, gap: str
) -> None:
    verdict = judge_claim(statement, source)
    assert verdict.label is Label.UNSOURCED
    assert gap in verdict.reason


@pytest.mark.parametrize(
    "source", ["The bill failed to pass the Senate on Tuesday.", "The bill did not pass the Senate on Tuesday."]
)
def test_a_verb_that_denies_what_follows_its_to_negates_like_not(source: str) -> None:
    verdict = judge_claim("The bill passed the Senate on Tuesday.", source)
    assert verdict.label is Label.DISPUTED
    assert verdict.reason.startswith("contradicted by the evidence: negation")


@pytest.mark.parametrize(
    ("source", "hedge"),
    [
        ("The club is in talks to sign the striker, its manager said on Monday.", "talks"),
        ("The club threatened to sign the striker, its manager said on Monday.", "threatened"),
        ("The club plans to sign the striker, its manager said on Monday.", "plans"),
    ],
)
def test_a_passage_that_only_intends_what_the_statement_says_was_done_does_not_source_it(
    source: str, hedge: str
) -> None:
    verdict = judge_claim("The club signed the striker on Monday.", source)
    assert verdict.label is Label.UNSOURCED
    assert f"the passage hedges ('{hedge}')" in verdict.reason


def test_a_passage_that_tells_as_to_come_what_the_statement_tells_as_done_does_not_source_it() -> None:
    verdict = judge_claim("The bridge was closed for repairs.", "The bridge will be closed for repairs next year.")
    assert verdict.label is Label.UNSOURCED
    assert "the passage tells it as to come ('will')" in verdict.reason
    assert judge_claim(
        "The bridge closes for repairs in June.", "The bridge will close for repairs in June."
    ).label is (Label.SOURCED)  # a present tense tells what is scheduled


def test_a_hedge_of_another_verb_does_not_hedge_the_statement() -> None:
    # "trying to" governs "track down", not "abandoned".
    source = "A shelter is trying to track down the owner who abandoned the dog at the station on Monday."
    verdict = judge_claim("The owner abandoned the dog at the station on Monday.", source)
    assert "hedges" not in verdict.reason


def test_a_statement_that_reports_a_claim_is_sourced_by_the_passage_that_reports_it() -> None:
    source = "A lawsuit claims that the mayor took bribes from the developer."
    verdict = judge_claim("The mayor took bribes from the developer, the lawsuit claims.", source)
    assert verdict.label is Label.SOURCED


def test_a_number_the_source_gives_only_as_a_bound_is_named_with_its_bound() -> None:
    verdict = judge_claim("The hospital treated 12 patients.", "The hospital treated at least 12 patients on Monday.")
    assert verdict.label is Label.UNSOURCED
    assert "it never gives '12' exactly, only 'at least 12'" in verdict.reason
    assert "the statement's number" not in verdict.reason  # the source does give 12, as a bound


def test_a_number_swapped_in_a_sentence_otherwise_word_for_word_the_same_is_disputed() -> None:
    # No content word stands beside the year ("down" and "in" are stop words): the alignment shows the swap.
    verdict = judge_claim("The chief executive stepped down in 2021.", "The chief executive stepped down in 2012.")
    assert verdict.label is Label.DISPUTED
    assert verdict.conflicts == ("year: the statement says '2021', the source says '2012'",)
    assert judge_claim("About 300 people came to the meeting.", "About 320 people came to the meeting.").label is (
        Label.SOURCED
    )  # estimates within 10% of each other can both be true


def test_counts_of_different_things_are_no_other_value() -> None:
    statement = "A mass grave was found after 40 students disappeared in the protest."
    source = "Investigators found nine mass graves while searching for the students who disappeared in the protest."
    assert not any(c.startswith("number") for c in judge_claim(statement, source).conflicts)
    other = "Investigators found a mass grave after 43 students disappeared in the protest, officials said."
    assert "number: the statement says '40', the source says '43'" in judge_claim(statement, other).conflicts


def test_a_word_set_off_by_a_comma_is_no_subject_of_what_follows() -> None:
    statement = "Danish Jan Novak thought to be the gunman in the harbour shooting."
    source = "The gunman, thought to be Jan Novak, in a photo released by Danish media."
    verdict = judge_claim(statement, source)
    assert not any(c.startswith("roles") for c in verdict.conflicts)


@pytest.mark.parametrize(
    ("statement", "source", "reason"),
    [
        (
            "The library will close in June.",
            "The library may close in June if the budget is not approved.",
            "partly supported: the passage hedges ('may', 'if')",
        ),
        (
            "The firm will cut 200 jobs.",
            "The firm plans to cut 200 jobs, according to a leaked memo.",
            "partly supported: the passage hedges ('plans')",
        ),
        (
            "The council approved the budget and raised parking fees.",
            "The council approved the budget on Monday.",
            "partly supported: the source never says 'raised', 'parking', 'fees'",
        ),
        (
            "The new swimming pool will open in May.",
            "The library budget will rise by 5 percent in May, the council said. The new reading room opens next year.",
            "the source never says 'swimming', 'pool'",
        ),
    ],
    ids=["hedged-may-if", "hedged-plans-to", "partial", "off-topic"],
)
def test_a_source_that_carries_only_part_of_a_statement_leaves_it_unsourced_naming_what_is_missing(
    statement: str, source: str, reason: str
) -> None:
    verdict = judge_claim(statement, source)
    assert verdict.label is Label.UNSOURCED
    assert reason in verdict.reason


def test_a_word_rare_in_english_that_the_source_lacks_leaves_the_statement_unsourced() -> None:
    """One missing word of seven is within the fifth a source may lack, but not when the word is rare in English
    (outside the common-word list): "dorvek" is what tells which committee, and a source about another one does not
    source it. A rare word carried by another form of it ("rezoning" for "rezoned") still sources."""
    verdict = judge_claim(
        "The dorvek committee approved the new housing plan on Monday.",
        "The balton committee approved the new housing plan on Monday.",
    )
    assert verdict.label is Label.UNSOURCED
    assert "partly supported: the source never says 'dorvek'" in verdict.reason
    carried = judge_claim("The city rezoned the harbour district.", "The city began rezoning the harbour district.")
    assert carried.label is Label.SOURCED, carried.reason


def test_a_bound_the_statement_keeps_is_not_a_contradiction() -> None:
    """'about 250' is compatible with 'more than 200' but not given by it; the reverse is given."""
    assert judge_claim(
        "About 250 people attended the meeting.", "More than 200 people attended the meeting."
    ).label is (Label.UNSOURCED)
    assert judge_claim(
        "More than 200 people attended the meeting.", "About 250 people attended the meeting."
    ).label is (Label.SOURCED)


def test_a_number_conflict_quotes_the_source_as_written_with_its_bound() -> None:
    verdict = judge_claim("Exactly 150 people attended the meeting.", "More than 200 people attended the meeting.")
    assert verdict.label is Label.DISPUTED
    assert "the source says 'More than 200'" in verdict.reason


@pytest.mark.parametrize(
    ("statement", "source"),
    [
        ("Arsenal beat Chelsea 3-1.", "Arsenal beat Chelsea 3-1 on Sunday at the Emirates."),
        ("Ticket sales rose by 12 percent in 2023.", "In 2023, ticket sales rose 12%, the club said."),
        ("The company denied the report.", "In a statement on Friday, the company denied the report."),
        ("The library may close in June.", "The library may close in June if the budget is not approved."),
        (
            "The council approved the plan on Tuesday.",
            "The council met on Tuesday. It approved the plan by a wide margin.",
        ),
        ("The road was closed after the storm.", "The road was closed after the storm had passed, police said."),
    ],
    ids=["same-words", "inflection-and-percent", "reported", "hedge-kept", "weekday-a-sentence-away", "order-kept"],
)
def test_a_statement_its_source_carries_whole_stays_sourced(statement: str, source: str) -> None:
    assert judge_claim(statement, source).label is Label.SOURCED


def test_a_source_that_calls_the_story_a_hoax_disputes_it() -> None:
    source = (
        "A photograph of a shark swimming down a flooded highway spread online on Monday. "
        "The photograph of the shark on the highway is a hoax, the weather service said."
    )
    verdict = judge_claim("A shark swam down a flooded highway.", source)
    assert verdict.label is Label.DISPUTED
    assert "the source calls it untrue: 'hoax'" in verdict.conflicts


def test_a_source_calling_the_story_untrue_is_quoted_where_it_says_so() -> None:
    source = (
        "A photograph of a shark swimming down a flooded highway spread online on Monday after the storm. "
        "Meteorologists at the weather service studied the image closely. "
        "The shark on the highway is a hoax, they said."
    )
    verdict = judge_claim("A shark swam down a flooded highway after the storm on Monday.", source)
    assert verdict.label is Label.DISPUTED
    assert verdict.evidence[0].quote == "The shark on the highway is a hoax, they said."


SHARK_HOAX = (
    "A photograph of a shark swimming down a flooded highway spread online on Monday. "
    "The photograph of the shark on the highway is a hoax, the weather service said."
)


@pytest.mark.parametrize(
    "statement",
    [
        "No, a shark did not swim down a flooded highway.",
        "The weather service denies that a shark swam down a flooded highway.",
        "Did a shark swim down a flooded highway?",
        "A shark may have swum down a flooded highway.",
        "Scientists cast doubt on the shark swimming down a flooded highway.",
        "Officials shoot down the story of a shark swimming down a flooded highway.",
        "Reports that a shark swam down a flooded highway are incorrect.",
        "The video of a shark swimming down a flooded highway was staged.",
        "A shark swam down a flooded highway? Drivers share the photograph",
    ],
    ids=["negated", "denial", "question", "hedged", "cast-doubt", "shoot-down", "incorrect", "staged", "asks-first"],
)
def test_a_hoax_does_not_dispute_a_statement_that_denies_asks_or_hedges(statement: str) -> None:
    verdict = judge_claim(statement, SHARK_HOAX)
    assert not any(c.startswith("the source calls it untrue") for c in verdict.conflicts)
    assert verdict.label is not Label.DISPUTED


@pytest.mark.parametrize(
    "statement",
    [
        "Did a shark swim down a flooded highway?",
        "A shark may have swum down a flooded highway.",
        "A shark swam down a flooded highway? Drivers share the photograph",
    ],
    ids=["question", "hedged", "asks-first"],
)
def test_a_hoax_leaves_a_statement_that_asks_or_hedges_it_unsourced(statement: str) -> None:
    # Not contradicted (it does not assert the story), and not supported by the sentence that tells the story either.
    verdict = judge_claim(statement, SHARK_HOAX)
    assert verdict.label is Label.UNSOURCED
    assert "the source calls it untrue ('hoax')" in verdict.reason


def test_a_headline_in_title_case_hedges_with_may() -> None:
    verdict = judge_claim(
        "Fighters May Have Contracted The Virus In Mosul",
        "Reports that the fighters contracted the virus in Mosul are a hoax, the health ministry said on Monday.",
    )
    assert verdict.label is Label.UNSOURCED
    assert "the source calls it untrue ('hoax')" in verdict.reason


@pytest.mark.parametrize(
    ("text", "month"),
    [
        ("Fighters May Have Contracted The Virus", False),
        ("May the best team win", False),
        ("The bridge reopens in May after repairs", True),
        ("The vote on May 5 was close", True),
        ("The May elections were close", True),
        ("the bridge may reopen", False),
    ],
)
def test_a_capitalised_may_is_the_month_only_where_a_month_goes(text: str, month: bool) -> None:
    from verify.judge.tokens import _claim_tokens, month_may

    tokens = _claim_tokens(text)
    k = tokens.lower.index("may")
    assert month_may(tokens.lower, tokens.capital, k) is month
    assert any(q.kind == "month" for q in tokens.quantities) is month


def test_a_source_sentence_that_tells_the_rumours_does_not_contradict_a_denial() -> None:
    verdict = judge_claim(
        "The mayor of Springfield did not resign on Monday.",
        "Rumors that the mayor of Springfield resigned on Monday spread quickly online.",
    )
    assert verdict.label is not Label.DISPUTED


@pytest.mark.parametrize(
    "statement",
    [
        "Actor Macaulay Culkin found dead in his apartment: a hoax",
        "Actor Macaulay Culkin found dead in his apartment is fake news",
    ],
)
def test_a_statement_that_calls_a_story_untrue_is_not_contradicted_by_a_negation(statement: str) -> None:
    # It says the story is not so, as the source does: their polarities cannot be compared word by word.
    source = "Actor Macaulay Culkin was not found dead in his apartment, his publicist said."
    assert judge_claim(statement, source).label is not Label.DISPUTED


LIBRARY_CLOSES = "The council will close the library on Friday. The decision follows years of cuts to its budget."


@pytest.mark.parametrize(
    "statement",
    [
        "Fake news: the council will close the library on Friday",
        "The claim that the council will close the library on Friday is false",
        "The council will close the library on Friday? The story is a hoax",
    ],
    ids=["fake-news", "claim-false", "story-hoax"],
)
def test_a_source_that_tells_as_fact_what_the_statement_calls_untrue_disputes_it(statement: str) -> None:
    verdict = judge_claim(statement, LIBRARY_CLOSES)
    assert verdict.label is Label.DISPUTED
    assert any("the source tells it as fact" in c for c in verdict.conflicts)
    assert verdict.evidence[0].quote == "The council will close the library on Friday."


@pytest.mark.parametrize(
    ("statement", "source"),
    [
        # The source hedges, reports, doubts or negates the story: it is not its own plain word.
        ("Fake news: the council will close the library on Friday", "The council may close the library on Friday."),
        (
            "Fake news: the council will close the library on Friday",
            "The council will close the library on Friday, the mayor said.",
        ),
        (
            "Fake news: the council will close the library on Friday",
            "Rumours claim the council will close the library on Friday.",
        ),
        (
            "Fake news: the council will close the library on Friday",
            "The council will not close the library on Friday.",
        ),
        # The source calls something untrue itself: the other rules read it.
        (
            "Fake news: the council will close the library on Friday",
            "The council will close the library on Friday. A fake notice said it would close in May.",
        ),
        # The statement tells what someone said, asks, negates its untruth word, or calls another thing fake.
        ("The council said reports that it will close the library on Friday are false", LIBRARY_CLOSES),
        ("Is the story that the council will close the library on Friday fake?", LIBRARY_CLOSES),
        ("The story that the council will close the library on Friday is not fake", LIBRARY_CLOSES),
        (
            "Police warn of fake charity collectors in Springfield",
            "Police warn that charity collectors are going door to door in Springfield.",
        ),
        # Too little story to look for.
        ("The jury found the claims to be false", "The jury found him guilty of fraud."),
    ],
    ids=[
        "hedged",
        "said",
        "rumour",
        "negated",
        "source-calls-untrue",
        "reported",
        "question",
        "not-fake",
        "other-thing",
        "no-story",
    ],
)
def test_a_story_called_untrue_is_not_disputed_by_what_does_not_tell_it_as_fact(statement: str, source: str) -> None:
    verdict = judge_claim(statement, source)
    assert not any("the source tells it as fact" in c for c in verdict.conflicts)


# A report that disputes a story says so in its opening, often without the story's words there.
MAYOR_LEAD = (
    "Rumours spread quickly on social media this week. But there is one problem: the whole thing is a hoax. "
    "Posts claimed that the mayor of Springfield had resigned after a scandal over the harbour contract."
)


def test_a_source_whose_opening_calls_it_untrue_disputes_it() -> None:
    verdict = judge_claim("The mayor of Springfield resigned over the harbour contract.", MAYOR_LEAD)
    assert verdict.label is Label.DISPUTED
    assert "the source's opening calls it untrue: 'hoax'" in verdict.conflicts
    assert verdict.evidence[0].quote == "But there is one problem: the whole thing is a hoax."


@pytest.mark.parametrize(
    ("statement", "source"),
    [
        # The hoax sentence is the fourth: past the opening, and it shares too few of the statement's words.
        (
            "The mayor of Springfield resigned over the harbour contract.",
            "Rumours spread quickly this week. Many people shared them. Nobody checked them. "
            "But the whole thing is a hoax. Posts said the mayor of Springfield resigned over the harbour contract.",
        ),
        # A source about something else (under half of the statement's words).
        ("The mayor of Springfield resigned over the harbour contract.", "The video of the bear is a hoax."),
        # The untruth word negated, or describing another thing than the story.
        (
            "The mayor of Springfield resigned over the harbour contract.",
            "No part of it was a hoax, officials said. The mayor of Springfield resigned over the harbour contract.",
        ),
        (
            "The mayor of Springfield resigned over the harbour contract.",
            "The man used a fake passport, police said. The mayor of Springfield resigned over the harbour contract.",
        ),
    ],
    ids=["past-the-opening", "not-about-it", "negated", "other-thing"],
)
def test_an_opening_calls_the_statement_untrue_only_when_it_can(statement: str, source: str) -> None:
    verdict = judge_claim(statement, source)
    assert not any(c.startswith("the source's opening") for c in verdict.conflicts)
    assert verdict.label is not Label.DISPUTED


@pytest.mark.parametrize(
    "source",
    [
        "The health ministry said the cases of the fever in the camp have not been confirmed.",
        "It is unclear whether the cases of the fever in the camp are real, the health ministry said.",
    ],
    ids=["not-confirmed", "unclear"],
)
def test_a_source_that_says_it_is_not_confirmed_does_not_contradict(source: str) -> None:
    verdict = judge_claim("There are cases of the fever in the camp.", source)
    assert not any(c.startswith("negation") for c in verdict.conflicts)
    assert verdict.label is Label.UNSOURCED


@pytest.mark.parametrize(
    ("statement", "source"),
    [
        (
            "The striker is not on a suspension for failing a drug test.",
            "The striker is not serving a suspension for failing a drug test, his agent said on Monday.",
        ),
        # News of a denial tells what was said before: that sentence, without a negation, is no opposite claim.
        (
            "The actor will not play the inventor in the new film.",
            "The actor will not be starring as the inventor in the new film, his agent said on Monday. Last week the "
            "studio said the actor had agreed to play the inventor in the new film without an audition.",
        ),
    ],
    ids=["the-same-denial-reaching-another-word", "the-source-tells-the-story-and-its-denial"],
)
def test_a_source_that_denies_as_the_statement_does_is_no_opposite_claim(statement: str, source: str) -> None:
    verdict = judge_claim(statement, source)
    assert not any(c.startswith("negation") for c in verdict.conflicts)
    assert verdict.label is not Label.DISPUTED


def test_a_sentence_that_differs_by_its_negation_alone_contradicts_whatever_else_the_source_denies() -> None:
    statement = "The council did not approve the harbour budget on Monday."
    source = (
        "The council approved the harbour budget on Monday. "
        "The council did not approve the ferry budget, which waits until May."
    )
    verdict = judge_claim(statement, source)
    assert verdict.conflicts == ("negation: the statement negates what the source does not",)
    assert verdict.label is Label.DISPUTED


def test_a_statement_that_reports_a_story_refuted_agrees_with_a_source_that_calls_it_untrue() -> None:
    verdict = judge_claim(
        "The actor rebuffs online rumours that he died of an overdose.",
        "Rumours that the actor died of an overdose are false, his agent said on Monday.",
    )
    assert not verdict.conflicts
    assert verdict.label is not Label.DISPUTED


def test_a_negation_elsewhere_in_the_source_sentence_does_not_hide_an_opposite_claim() -> None:
    statement = "The rise in the river's level is natural, not caused by the dam."
    source = "Releases from the dam caused the rise in the river's level, to heights not seen in decades."
    assert judge_claim(statement, source).label is Label.DISPUTED


@pytest.mark.parametrize(
    "source",
    [
        "A profile in the magazine claims the student made 72 million dollars trading stocks.",
        "The student may have made 72 million dollars trading stocks, the magazine wrote.",
    ],
    ids=["reported-claim", "hedged"],
)
def test_a_source_that_only_reports_or_hedges_a_claim_does_not_contradict_its_denial(source: str) -> None:
    verdict = judge_claim("The student did not make 72 million dollars trading stocks.", source)
    assert verdict.label is Label.UNSOURCED


@pytest.mark.parametrize(
    ("statement", "source"),
    [
        (
            "The rebel group denies it agreed to a ceasefire with the government.",
            "Government officials announced on Friday that the rebel group agreed to a ceasefire with the government.",
        ),
        (
            "The rebel group agreed to a ceasefire with the government.",
            "The rebel group's leader denied that the rebel group agreed to a ceasefire with the government.",
        ),
        (
            "Is the minister's sister not in charge of the ministry?",
            "The minister's sister is in charge of the ministry, officials said.",
        ),
        (
            "The minister's sister is in charge of the ministry.",
            "Is the minister's sister not in charge of the ministry?",
        ),
    ],
    ids=["statement-reports-a-denial", "source-reports-a-denial", "statement-asks", "source-asks"],
)
def test_a_denial_or_a_question_does_not_contradict_by_its_negation(statement: str, source: str) -> None:
    verdict = judge_claim(statement, source)
    assert not any(c.startswith("negation") for c in verdict.conflicts)
    assert verdict.label is not Label.DISPUTED


@pytest.mark.parametrize(
    ("statement", "source"),
    [
        (
            "The pumping station is built 230 metres below the surface of the lake.",
            "The pumping station is built 230 meters below the surface of the lake, the utility said.",
        ),
        (
            "The festival will show the movie on the opening night.",
            "The festival will show the film on the opening night, its director said.",
        ),
    ],
    ids=["spelling", "synonym"],
)
def test_a_word_of_the_same_first_meaning_carries_the_statement(statement: str, source: str) -> None:
    assert judge_claim(statement, source).label is Label.SOURCED


def test_a_rarer_meaning_of_a_word_carries_nothing() -> None:
    # WordNet's first "bank" is a river's; the lender's bank is its second sense ("depository financial
    # institution"), and no pair is made from a meaning that is not first for both words.
    assert predicate_key("lender") not in synonyms(predicate_key("bank"))
    verdict = judge_claim("The lender closed the office on Friday.", "The bank closed the office on Friday.")
    assert verdict.label is Label.UNSOURCED


def test_who_said_it_and_a_possessive_need_not_be_repeated_by_the_source() -> None:
    statement = "The central library's reading room will close in June, the library's closure notice said."
    source = "The reading room of the central library will close in June while its roof is replaced."
    assert judge_claim(statement, source).label is Label.SOURCED


def test_a_clause_with_a_reporting_verb_that_holds_the_statement_is_not_who_said_it() -> None:
    # "Video shows American's execution" is the statement, not a note of who said it: its words must be carried.
    statement = "US officials: Video shows American's execution"
    verdict = judge_claim(statement, "In a new video, the militants show American-made weapons they say they seized.")
    assert verdict.label is Label.UNSOURCED
    assert "execution" in verdict.reason


@pytest.mark.parametrize(
    ("text", "numbers"),
    [
        ("One seven-year-old girl wrote to the company", [1.0, 7.0]),
        ("twenty one people", [21.0]),
        ("one hundred twenty three votes", [123.0]),
        ("twelve thousand five hundred fans", [12500.0]),
        ("twenty thirty", [20.0, 30.0]),
    ],
)
def test_number_words_side_by_side_make_one_number_only_as_english_composes_them(
    text: str, numbers: list[float]
) -> None:
    from verify.judge.tokens import _tokenise

    assert [q.value for q in _tokenise(text).quantities] == numbers


@pytest.mark.parametrize(
    ("statement", "source", "other"),
    [
        ("Forty years ago, the company wrote to parents", "One seven-year-old girl wrote to the company", True),
        ("The 12-year-old boy won the final", "The 14-year-old boy won the final", False),
        ("The boy, 12 years old, won the final", "The boy, 14 years old, won the final", False),
    ],
)
def test_an_age_counts_another_thing_than_a_span_of_years(statement: str, source: str, other: bool) -> None:
    from verify.judge.checks import _counts_other
    from verify.judge.tokens import _claim_tokens, _tokenise

    claim, sentence = _claim_tokens(statement), _tokenise(source)
    q = next(q for q in claim.quantities if q.value in (12, 40))
    p = next(p for p in sentence.quantities if p.value in (7, 14))
    assert _counts_other(claim, q, sentence, p) is other


def test_two_ages_of_one_person_dispute() -> None:
    verdict = judge_claim("The 12-year-old boy won the chess final", "The 14-year-old boy won the chess final.")
    assert verdict.label is Label.DISPUTED


def test_a_number_the_source_never_gives_is_named_as_the_statement_writes_it() -> None:
    verdict = judge_claim("Forty houses were sold on Friday.", "Several houses were sold on Friday.")
    assert verdict.label is Label.UNSOURCED
    assert "'Forty'" in verdict.reason


@pytest.mark.parametrize(
    ("statement", "source"),
    [
        (
            "Fighters in the city have reportedly contracted the virus",
            "Few fighters in the city came from abroad, and there have been no reports of the virus among fighters.",
        ),
        (
            "Reports: the militia uses chlorine gas against the army",
            "An official said he had no reports of the use of chlorine gas by the militia against the army.",
        ),
    ],
)
def test_a_word_for_how_it_is_told_negated_on_one_side_is_no_opposite_claim(statement: str, source: str) -> None:
    # "No reports of it" doubts the statement (it stays unsourced), but does not say the opposite of "reportedly".
    verdict = judge_claim(statement, source)
    assert verdict.label is Label.UNSOURCED
    assert not any(c.startswith("negation") for c in verdict.conflicts)


def test_no_one_is_no_count() -> None:
    verdict = judge_claim(
        "No one was injured in the fire at the warehouse",
        "Nobody was injured in the fire at the warehouse, firefighters said.",
    )
    assert verdict.label is Label.SOURCED


@pytest.mark.parametrize(
    ("statement", "source"),
    [
        ("One person was injured in the fire", "Two people were injured in the fire."),
        ("Three children were rescued from the river", "One child was rescued from the river."),
    ],
)
def test_a_count_of_people_disputes_another_count_of_people(statement: str, source: str) -> None:
    verdict = judge_claim(statement, source)
    assert verdict.label is Label.DISPUTED
    assert verdict.conflicts[0].startswith("number")


@pytest.mark.parametrize(
    ("text", "negated"),
    [
        ("No one in the town is allowed to fish", {"allow"}),
        ("Nobody at the club was told", {"told"}),
        ("No one was injured", {"injur"}),
    ],
)
def test_no_one_negates_what_is_done_not_where(text: str, negated: set[str]) -> None:
    from verify.judge.tokens import _tokenise

    assert {stem for stem, no in _tokenise(text).negated_stems.items() if no} == negated


# A word of untruth in the source that is about something else leaves a statement the source says in full alone.
@pytest.mark.parametrize(
    ("statement", "source"),
    [
        # What is called untrue is told after the word, and it is not the statement.
        (
            "The council approved the new budget on Tuesday.",
            "Council members dismissed as false the rumours that the mayor would resign. "
            "The council approved the new budget on Tuesday, by seven votes to two.",
        ),
        (
            "Scientists found water ice on the moon's south pole.",
            "Scientists have debunked a viral hoax about aliens on the moon. "
            "The same team found water ice on the moon's south pole last year.",
        ),
        # The word describes a thing named by the words after it ("fake charity collectors"), not the story.
        (
            "The charity raised 5,000 pounds for the hospital.",
            "Police warned residents about fake charity collectors in the town. "
            "Separately, the hospital charity said it had raised 5,000 pounds this year.",
        ),
        (
            "The company recalled 10,000 phones over battery fires.",
            "A fake recall notice circulated on social media last week. "
            "The company did recall 10,000 phones over battery fires, its spokesman confirmed.",
        ),
        # The source rejects the claim that something is untrue.
        (
            "The minister said the report was accurate.",
            "The minister rejected claims that the report was false. "
            "She said the report was accurate and its figures had been checked.",
        ),
    ],
    ids=["rumours-that", "hoax-about", "compound-noun", "compound-noun-verb", "rejected-claims-that"],
)
def test_an_untruth_word_about_something_else_does_not_dispute_what_the_source_says(
    statement: str, source: str
) -> None:
    verdict = judge_claim(statement, source)
    assert verdict.label is Label.SOURCED, verdict.reason


def test_a_source_that_calls_the_story_untrue_after_telling_it_still_disputes_it() -> None:
    # The same shapes, about the statement: "the rumours that the mayor resigned" are the statement's story.
    verdict = judge_claim(
        "The mayor of Springfield resigned over the harbour contract.",
        "Officials dismissed as false the rumours that the mayor of Springfield resigned over the harbour contract.",
    )
    assert verdict.label is Label.DISPUTED


@pytest.mark.parametrize(
    ("statement", "source"),
    [
        # A capitalised common word at the start of a sentence names no one.
        (
            "Officials said the bridge will close on Monday for repairs.",
            "Engineers said the bridge will close on Monday for repairs.",
        ),
        (
            "Chinese parents tried to sell their son to pay for his sister's care.",
            "Struggling parents tried to sell their son to pay for his sister's care.",
        ),
    ],
)
def test_a_capitalised_first_word_is_no_name_to_dispute(statement: str, source: str) -> None:
    verdict = judge_claim(statement, source)
    assert verdict.label is Label.UNSOURCED
    assert not any(c.startswith("name") for c in verdict.conflicts)


def test_a_first_word_the_source_replaces_is_not_carried() -> None:
    verdict = judge_claim(
        "Smith said the bridge will close on Monday for repairs.",
        "Jones said the bridge will close on Monday for repairs.",
    )
    assert verdict.label is Label.UNSOURCED
    assert "the source says 'Jones' where the statement says 'Smith'" in verdict.reason


def test_a_name_that_is_no_english_word_still_disputes_at_the_start() -> None:
    verdict = judge_claim(
        "Lindqvist said the bridge will close on Monday for repairs.",
        "Kedzie said the bridge will close on Monday for repairs.",
    )
    assert "name: the statement says 'Lindqvist', the source says 'Kedzie'" in verdict.conflicts


@pytest.mark.parametrize(
    ("statement", "source"),
    [
        # A name set off by a comma, with an article before the noun: an apposition, not a predicate.
        (
            "Wife of Dorvan leader Abu Kessel detained at the border",
            "The wife of Abu Kessel, the leader of Dorvan, has been detained at the border.",
        ),
        # What follows "who" is said of another subject.
        (
            "Dorvan State killer Jack Tarn named as a local man",
            "The Jack Tarn killer who has featured in several Dorvan State videos was named as a local man.",
        ),
        # "A v B" is a match either way round.
        ("Filming of Batman v Superman halted after theft", "Filming of Superman v Batman halted after theft"),
    ],
)
def test_two_names_either_way_round_without_a_predicate_between_are_no_roles(statement: str, source: str) -> None:
    assert not any(c.startswith("roles") for c in judge_claim(statement, source).conflicts)


def test_an_altered_quotation_is_quoted_in_whole_words() -> None:
    statement = 'The recording captures "at least 11 shots" fired in the street.'
    source = "The recording captures as many as 11 shots fired in the street, the police said."
    quoted = [c for c in judge_claim(statement, source).conflicts if c.startswith("quote")]
    assert all(c.endswith("'many as 11 shots fired'") for c in quoted)


@pytest.mark.parametrize(
    ("statement", "source"),
    [
        ("Jan Dorvek was shot 11 times in the street.", "Jan Dorvek, 18, was shot in the street."),
        ("Jan Dorvek was shot 11 times in the street.", "Jan Dorvek, aged 18, was shot in the street."),
    ],
)
def test_an_age_set_off_by_commas_is_no_other_count(statement: str, source: str) -> None:
    verdict = judge_claim(statement, source)
    assert verdict.label is Label.UNSOURCED
    assert not verdict.conflicts


def test_two_ages_set_off_by_commas_dispute() -> None:
    verdict = judge_claim(
        "The woman, 26, spent a week in the restaurant.", "The woman, 27, spent a week in the restaurant."
    )
    assert "number: the statement says '26', the source says '27'" in verdict.conflicts


@pytest.mark.parametrize(
    ("statement", "source", "label"),
    [
        ("Gold models will cost $5,000.", "Gold models will cost $4,000 and up, the blog said.", Label.UNSOURCED),
        (
            "The hospital treated 250 patients on Monday.",
            "The hospital treated 200 or more patients on Monday.",
            Label.UNSOURCED,
        ),
        (
            "The hospital treated 150 patients on Monday.",
            "The hospital treated 200 or more patients on Monday.",
            Label.DISPUTED,
        ),
    ],
)
def test_or_more_after_a_number_makes_it_a_bound(statement: str, source: str, label: Label) -> None:
    verdict = judge_claim(statement, source)
    assert verdict.label is label
    assert all("'200 or more'" in c for c in verdict.conflicts)


def test_a_statement_that_asks_before_what_it_adds_is_no_opposite_claim() -> None:
    verdict = judge_claim(
        "Rock star Jan Dorvek dead? Fans freak out over death rumours",
        "Rock star Jan Dorvek is not dead, fans were told after death rumours spread online.",
    )
    assert verdict.label is Label.UNSOURCED
    assert "the passage negates 'dead'" in verdict.reason


def test_aged_before_a_number_gives_an_age_and_is_no_opposite_of_young() -> None:
    verdict = judge_claim(
        "Seven girls as young as 13 became pregnant on a school trip",
        "Seven girls aged between 13 and 14 became pregnant after a school trip to the capital.",
    )
    assert not any(c.startswith("opposite") for c in verdict.conflicts)
    old = judge_claim("The young players won the cup on Sunday.", "The aged players won the cup on Sunday.")
    assert "opposite: the statement says 'young', the source says 'aged'" in old.conflicts


@pytest.mark.parametrize(
    "source",
    [
        "Police fired four more shots at the car on Monday.",
        "Police fired another four shots at the car on Monday.",
        "Police fired 20 additional shots at the car on Monday.",
    ],
)
def test_a_count_of_more_beyond_others_is_no_other_total(source: str) -> None:
    verdict = judge_claim("Police fired 10 shots at the car on Monday.", source)
    assert not any(c.startswith("number") for c in verdict.conflicts)
    assert verdict.label is Label.UNSOURCED


@pytest.mark.parametrize(
    ("source", "disputed"),
    [
        ("The watch will cost $4,999 at launch, the analyst said.", False),
        ("The watch will cost $4,000 at launch, the analyst said.", True),
    ],
)
def test_a_round_figure_within_one_percent_is_the_other_rounded(source: str, disputed: bool) -> None:
    verdict = judge_claim("The watch will cost $5,000 at launch.", source)
    assert (verdict.label is Label.DISPUTED) is disputed
    assert verdict.label is not Label.SOURCED


@pytest.mark.parametrize(("ours", "theirs"), [("2000", "2019"), ("1900", "1910")])
def test_a_round_year_is_never_taken_for_another_rounded(ours: str, theirs: str) -> None:
    verdict = judge_claim(
        f"The bridge opened in {ours} after years of work.", f"The bridge opened in {theirs} after years of work."
    )
    assert f"year: the statement says '{ours}', the source says '{theirs}'" in verdict.conflicts


def test_not_all_negates_the_quantifier_not_the_words_after_it() -> None:
    from verify.judge.tokens import _tokenise

    stems = _tokenise("Not all Dorvan fighters were aware of the deal").negated_stems
    assert stems["dorvan"] is False
    assert stems["fighter"] is False
    verdict = judge_claim(
        "The ceasefire was agreed with Dorvan fighters on Friday.",
        "Attacks indicated that not all Dorvan fighters were aware of the ceasefire agreed on Friday.",
    )
    assert not any(c.startswith("negation") for c in verdict.conflicts)
    # Said of the same words, "not all" still denies "all".
    assert (
        judge_claim(
            "All the councillors backed the plan on Monday.", "Not all the councillors backed the plan on Monday."
        ).label
        is Label.DISPUTED
    )


@pytest.mark.parametrize(
    "source",
    [
        "The rock star Jan Dorvek said the video of him found unconscious at home was not a hoax.",
        "Jan Dorvek insisted the video of him found unconscious at home was not entirely a hoax.",
        "The video of rock star Jan Dorvek found unconscious at home isn't fake, his agent said.",
    ],
)
def test_an_untruth_word_negated_calls_nothing_untrue(source: str) -> None:
    verdict = judge_claim("Rock star Jan Dorvek found unconscious at home in a video", source)
    assert not any("untrue" in c for c in verdict.conflicts)


@pytest.mark.parametrize(
    "source",
    [
        "Rock star Jan Dorvek was not found unconscious at home; the video was a hoax.",
        "But his agent denies the bogus claim that rock star Jan Dorvek was found unconscious at home.",
        "There is no doubt the video of rock star Jan Dorvek found unconscious at home is fake.",
    ],
)
def test_an_untruth_word_after_a_negation_of_another_word_or_a_denial_still_calls_it_untrue(source: str) -> None:
    verdict = judge_claim("Rock star Jan Dorvek found unconscious at home in a video", source)
    assert verdict.label is Label.DISPUTED
    assert any("calls it untrue" in c for c in verdict.conflicts)


@pytest.mark.parametrize(
    ("statement", "source", "replaced"),
    [
        (
            "The president signed the spending bill on Friday.",
            "The president vetoed the spending bill on Friday.",
            "the source says 'vetoed' where the statement says 'signed'",
        ),
        (
            "Germany beat France in the final on Sunday night.",
            "Germany lost to France in the final on Sunday night.",
            "the source says 'lost to' where the statement says 'beat'",
        ),
    ],
)
def test_a_predicate_the_source_replaces_is_not_carried(statement: str, source: str, replaced: str) -> None:
    verdict = judge_claim(statement, source)
    assert verdict.label is Label.UNSOURCED
    assert replaced in verdict.reason


def test_a_source_that_only_asks_neither_disputes_nor_sources() -> None:
    statement = "Video shows the mayor dancing at the party on Friday"
    asked = judge_claim(statement, "Is the video of the mayor dancing at the party on Friday fake? Nobody knows yet.")
    assert asked.label is Label.UNSOURCED
    assert "the passage only asks it" in asked.reason
    told = judge_claim(
        statement,
        "Did the mayor dance at the party on Friday? A video shows the mayor dancing at the party on Friday.",
    )
    assert told.label is Label.SOURCED


@pytest.mark.parametrize(
    ("source", "disputed"),
    [("The bridge is 2,500 metres long.", False), ("The bridge is 25 kilometres long.", True)],
)
def test_a_number_in_another_unit_is_no_other_value(source: str, disputed: bool) -> None:
    verdict = judge_claim("The bridge is 2.5 kilometres long.", source)
    assert (verdict.label is Label.DISPUTED) is disputed
    assert verdict.label is not Label.SOURCED


@pytest.mark.parametrize(
    ("statement", "source", "label"),
    [
        ("The project will cost $3bn.", "The project will cost 3 billion dollars.", Label.SOURCED),
        ("The project will cost $3bn.", "The project will cost 3 million dollars.", Label.DISPUTED),
        (
            "The team has won the title twice since 2010.",
            "The team has won the title two times since 2010.",
            Label.SOURCED,
        ),
        (
            "The team has won the title three times since 2010.",
            "The team has won the title twice since 2010.",
            Label.DISPUTED,
        ),
    ],
)
def test_run_on_scales_and_twice_are_numbers(statement: str, source: str, label: Label) -> None:
    assert judge_claim(statement, source).label is label


def test_a_negation_swapped_with_other_words_is_no_opposite_claim() -> None:
    verdict = judge_claim("The suspect was released without charge.", "The suspect was released on bail.")
    assert verdict.label is Label.UNSOURCED
    assert not any(c.startswith("negation") for c in verdict.conflicts)
    dropped = judge_claim("The council did not approve the plan on Monday.", "The council approved the plan on Monday.")
    assert "negation: the statement negates what the source does not" in dropped.conflicts


@pytest.mark.parametrize(
    ("statement", "source"),
    [
        # "admittedly" and "true" share a first meaning; "admitted" and "true" do not.
        (
            "The minister admitted the allegations in parliament.",
            "The minister said the allegations in parliament were true.",
        ),
        # "poorly" and "ill" share one; "illness" and "poor" do not.
        (
            "The singer cancelled her tour because of illness.",
            "The singer cancelled her tour because of poor ticket sales.",
        ),
    ],
)
def test_an_adverb_synonym_does_not_carry_the_adjective_or_verb_it_stems_to(statement: str, source: str) -> None:
    assert judge_claim(statement, source).label is Label.UNSOURCED

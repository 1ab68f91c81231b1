"""Checks: the checkable facts of a statement (numbers, dates, names, negation, quoted words) compared with the
passage and source it is weighed against; a mismatch about the same thing is a conflict."""

from __future__ import annotations

import bisect
import difflib
import functools
import itertools
import math
import re
from collections.abc import Callable, Iterable, Iterator, Sequence

from rapidfuzz import fuzz

from verify.judge.lexicon import (
    DEBUNKING,
    DEBUNKING_PHRASES,
    HEARSAY,
    HEDGES,
    HEDGES_BEFORE_TO,
    LIGHT_VERBS,
    ORDER_OPPOSITES,
    SYMMETRIC,
    antonyms,
    predicate_key,
    synonyms,
)
from verify.judge.retrieval import _is_title
from verify.judge.tokens import (
    _NEGATIONS,
    _QUOTED,
    _STOP,
    _WEEKDAYS,
    _claim_tokens,
    _common_words,
    _compatible,
    _Document,
    _gives,
    _kind,
    _negation,
    _plain,
    _Quantity,
    _stem,
    _Tokens,
    _unknown_name,
    _word_set,
    _written,
    month_may,
)
from verify.text import fold_typography

_KIND_WORDS = {
    "count": "number",
    "percent": "percentage",
    "year": "year",
    "decade": "decade",
    "ordinal": "number",
    "month": "date",
}


def _repeating(clause: _Tokens, doc: _Document) -> Iterator[_Tokens]:
    """The sentences of a source that repeat a clause of a statement: at least two of the clause's content words,
    making up 60% of their weight in this source (a word the source seldom uses tells more). A long statement rarely
    shares most of its words with one sentence, but each of its clauses can; a clause of fewer than three content
    words says too little to tell."""
    core = clause.content - _NEGATIONS
    if len(core) < 3:
        return
    top = math.log((len(doc.tokens) + 1) / 0.5)
    weight = {stem: doc.idf.get(stem, top) for stem in core}
    needed = 0.6 * sum(weight.values())
    # Through the postings: a long source has hundreds of sentences, most without any of the clause's words.
    found: dict[int, tuple[int, float]] = {}
    for stem in sorted(core):
        for i in doc.postings.get(stem, ()):
            count, total = found.get(i, (0, 0.0))
            found[i] = (count + 1, total + weight[stem])
    for i in sorted(found):
        count, total = found[i]
        if count >= 2 and total >= needed:
            yield doc.tokens[i]


def _beside(tokens: _Tokens, k: int) -> set[str]:
    """The stems of the nearest words before and after word `k` that are not stop words, capitalised names or numbers
    (within three words)."""
    return {stem for stem in _sides(tokens, k) if stem is not None}


def _sides(tokens: _Tokens, k: int) -> tuple[str | None, str | None]:
    """`_beside`'s words, (before, after), None where there is none."""
    found: list[str | None] = []
    for step in (-1, 1):
        j, stem = k + step, None
        while 0 <= j < len(tokens.lower) and abs(j - k) <= 3:
            word = tokens.lower[j]
            if word not in _STOP and word.isalpha() and not tokens.capital[j]:
                stem = tokens.stems[j]
                break
            j += step
        found.append(stem)
    return found[0], found[1]


def _about_one_thing(claim: _Tokens, k: int, sentence: _Tokens, j: int) -> bool:
    """Whether word `k` of the statement and word `j` of the sentence are said of the same thing: they share a word
    beside them, and the words after them, where both have one, are one word or that word is beside the other ("big
    crater" and "small meteorite" describe two things; "approved by the council" and "the council rejected" one)."""
    ours, theirs = _sides(claim, k), _sides(sentence, j)
    if {w for w in ours if w}.isdisjoint(w for w in theirs if w):
        return False
    after, their_after = ours[1], theirs[1]
    return after is None or their_after is None or after == their_after or after in theirs or their_after in ours


def _clause_name_conflicts(claim: _Tokens, doc: _Document) -> list[str]:
    """A name of the statement that the source never uses, in a clause that a sentence of the source repeats with
    another name in its place: a name the statement does not use, with a word beside it that is beside the
    statement's name too ("Young faced Lindqvist again" against "Young will face Kedzie again")."""
    for clause in claim.clauses:
        absent = [
            k
            for k, word in enumerate(clause.lower)
            if clause.capital[k] and word in clause.names and _unknown_name(word, doc)
        ]
        if not absent:
            continue
        near_absent = [(k, _beside(clause, k)) for k in absent]
        for sentence in _repeating(clause, doc):
            for k, near in near_absent:
                for j, word in enumerate(sentence.lower):
                    if (
                        sentence.capital[j]
                        and word in sentence.names
                        and word not in claim.lower_set
                        and near & _beside(sentence, j)
                    ):
                        return [
                            f"name: the statement says {clause.spelled[k]!r}, the source says {sentence.spelled[j]!r}"
                        ]
    return []


def _clause_negation_conflicts(claim: _Tokens, doc: _Document) -> list[str]:
    """A clause of the statement that a sentence of the source repeats (`_repeating`) with the opposite polarity: one
    of their shared words negated on one side only ("the session was not ultimately scrapped" against "the recording
    session was scrapped")."""
    for clause in claim.clauses:
        if not clause.negated and not doc.negated:
            continue
        ours = clause.negated_stems
        for sentence in _repeating(clause, doc):
            if _asserts_less(sentence, claim):
                continue
            theirs = sentence.negated_stems
            for stem in sorted(clause.content & sentence.content, key=clause.stems.index):
                if (
                    stem in ours
                    and stem in theirs
                    and ours[stem] != theirs[stem]
                    and stem not in _NEGATIONS
                    and stem not in _NOT_TOLD_STEMS
                    and not _denial_reaches(clause if theirs[stem] else sentence, stem)
                ):
                    return [_negation_conflict(clause, stem, ours[stem])]
    return []


def _denial_reaches(text: _Tokens, stem: str) -> bool:
    """Whether a negation of `text` stands within three content words before `stem`: the side that seems not to
    negate it may be denying the same thing with the negation on a word before it ("is not on suspension" against
    "is not serving a suspension"), which is no opposite claim."""
    return stem in text.loosely_negated_stems


def _negation_conflict(statement: _Tokens, stem: str, negated: bool) -> str:
    """The conflict, naming the statement's word for `stem`, which the statement negates (or not) and the source not
    (or does)."""
    said, other = ("negates", "does not") if negated else ("does not negate", "does")
    word = next(w for w, t in zip(statement.lower, statement.stems, strict=True) if t == stem)
    return f"negation: the statement {said} {word!r} where the source {other}"


def denied_too(claim: _Tokens, doc: _Document) -> bool:
    """Whether the source says itself what a statement that negates says: a sentence of it, not a question, with half
    of the statement's content words (at least two), negates one of the words the statement negates (each within three
    content words after a negation). Such a source tells the story and its denial ("Bale will not be starring as Steve
    Jobs", beside "he had agreed to play Jobs"): a sentence of it that tells the story without a negation does not
    contradict "Christian Bale will not play Steve Jobs". FNC-1, negation conflicts from word to word, `python
    bench/judge_sets.py --sets fnc --halves fresh,tune,dev`: false alarms 202 -> 188, 117 -> 112, 80 -> 77, none of
    the disagreements lost; a looser test (any negated sentence with half the words) cost two edits of `not` in
    `bench/dispute_bench.py` their dispute."""
    ours = claim.loosely_negated_stems
    if not claim.negated_outside_quotes or not ours or not doc.negated:
        return False
    core = claim.content - _NEGATIONS
    needed = max(2, math.ceil(len(core) / 2))
    return any(
        sentence.negated
        and not ours.isdisjoint(sentence.loosely_negated_stems)
        and len(core & sentence.content) >= needed
        and not _question(sentence)
        for sentence in doc.tokens
    )


def _negation_conflicts(claim: _Tokens, sentences: Sequence[_Tokens]) -> list[str]:
    """A word the statement negates and the source asserts, or the reverse ("does not charge" vs "charges")."""
    ours = claim.negated_stems
    for sentence in sentences:
        if len(claim.content & sentence.content) < 0.6 * max(len(claim.content), 1) or _asserts_less(sentence, claim):
            continue
        theirs = sentence.negated_stems
        for stem, negated in ours.items():
            if (
                stem in theirs
                and theirs[stem] != negated
                and stem not in _NEGATIONS
                and stem not in _NOT_TOLD_STEMS
                and not _denial_reaches(sentence if negated else claim, stem)
            ):
                return [_negation_conflict(claim, stem, negated)]
    return []


def _number_conflicts(claim: _Tokens, sentences: Sequence[_Tokens]) -> list[str]:
    """A number of the statement that the passage (`sentences`) gives differently: a number of the same kind, not one
    the statement gives too, with a word beside it that is beside the statement's too and at least two words within
    four of it that are within four of the statement's ("Series 7 on April 9" against "Series 4 on April 9th"; a
    shared unit alone, "three frames" against "nine frames", is too little). A number's words are looked up in its
    own sentence: its positions count within that sentence."""
    given = [p for sentence in sentences for p in sentence.quantities]
    beside = [
        (*item, sentence)
        for sentence in sentences
        for item in zip(sentence.quantities, sentence.neighbours, sentence.contexts, strict=True)
    ]
    said = {(_kind(q), q.value) for q in claim.quantities}
    conflicts: list[str] = []
    for q, near, around in zip(claim.quantities, claim.neighbours, claim.contexts, strict=True):
        if any(_compatible(q, p) for p in given):
            continue
        for p, theirs, their_context, sentence in beside:
            if _kind(p) != _kind(q) or (_kind(p), p.value) in said:  # one the statement gives too is no other value
                continue
            if near & theirs and len(around & their_context) >= 2 and not _counts_other(claim, q, sentence, p):
                kind = _KIND_WORDS[q.kind]
                ours, other = _written(claim, q), _written(sentence, p)
                conflicts.append(f"{kind}: the statement says {ours!r}, the source says {other!r}")
                break
    return conflicts


def _counted(tokens: _Tokens, q: _Quantity) -> str | None:
    """What a count counts: the stem of the lower-case word right after it that is not a stop word ("40 students",
    "ONE WEEK"); None: nothing is named there ("cost $5,000.", "in 2023 the", "1954 Supreme Court"), or the number is
    not a count."""
    k = q.last + 1
    if q.kind != "count" or k >= len(tokens.lower) or tokens.capital[k]:
        return None
    return tokens.stems[k] if tokens.lower[k].isalpha() and tokens.lower[k] not in _STOP else None


def _counts_other(claim: _Tokens, q: _Quantity, sentence: _Tokens, p: _Quantity) -> bool:
    """Whether two counts count different things: each is followed by a word, and neither's word follows the other
    within two words ("40 students" against "nine mass graves", "six weeks" against "two reports"). Words that begin
    alike are taken for one unit spelled two ways ("metres", "meters")."""
    if _age(claim, q) != _age(sentence, p):
        return True  # "a seven-year-old girl" against "forty years ago": an age is not a span of time
    if _increment(claim, q) or _increment(sentence, p):
        return True  # "four more shots" counts those after others, not all of them
    ours, theirs = _counted(claim, q), _counted(sentence, p)
    if ours is None or theirs is None or _alike(ours, theirs):
        return False
    return ours not in sentence.stems[p.last + 1 : p.last + 3] and theirs not in claim.stems[q.last + 1 : q.last + 3]


def _alike(word: str, other: str) -> bool:
    """Whether two words begin alike, and so are taken for one word in two forms or spellings ("spends" and "spent",
    "metres" and "meters")."""
    return word[:3] == other[:3]


_AGE_UNITS = _word_set("year years month months week weeks day days")
_INCREMENTS = _word_set("more additional extra further")


def _increment(tokens: _Tokens, q: _Quantity) -> bool:
    """Whether a count is of some beyond others: "four more shots", "20 additional officers", "another 20 people"."""
    after = q.last + 1
    before = q.first - q.lead - 1
    return (after < len(tokens.lower) and tokens.lower[after] in _INCREMENTS) or (
        before >= 0 and tokens.lower[before] == "another"
    )


def _age(tokens: _Tokens, q: _Quantity) -> bool:
    """Whether a count is someone's age ("a 7-year-old", "aged 7", "Michael Brown, 18, was shot")."""
    after = tokens.lower[q.last + 1 : q.last + 3]
    if len(after) == 2 and after[0] in _AGE_UNITS and after[1] == "old":
        return True
    if q.kind != "count" or q.first != q.last or not tokens.lower[q.first].isdigit():
        return False
    if tokens.lower[q.first - 1 : q.first] == ("aged",):
        return True
    # A number of a person's years set off by commas right after a word: "a Chinese woman, 26, spent a week".
    return q.value < 120 and re.search(rf"[^\W\d_]\s*,\s*{tokens.lower[q.first]}\s*,", tokens.text) is not None


_Aligned = tuple[_Tokens, difflib.SequenceMatcher[str]] | None


def _closest_alignment(claim: _Tokens, sentences: Sequence[_Tokens]) -> _Aligned:
    """The sentence that repeats the statement most nearly word for word, aligned with it, when at least 60% of their
    words align (difflib's ratio); None: no such sentence."""
    best: tuple[float, _Tokens, difflib.SequenceMatcher[str]] | None = None
    for sentence in sentences:
        matcher = difflib.SequenceMatcher(None, claim.lower, sentence.lower, autojunk=False)
        # The quick ratios are upper bounds of ratio(): a sentence that cannot beat the best so far (or reach the
        # 0.6 below) is passed over without the full alignment.
        floor = best[0] if best is not None else 0.6
        if matcher.real_quick_ratio() < floor or matcher.quick_ratio() < floor:
            continue
        ratio = matcher.ratio()
        if best is None or ratio > best[0]:
            best = (ratio, sentence, matcher)
    if best is None or best[0] < 0.6:
        return None
    return best[1], best[2]


def word_replaced(claim: _Tokens, alignment: Callable[[], _Aligned], missing: Sequence[str]) -> str | None:
    """Why the passage (`sentences`) does not carry a statement that it repeats word for word but for a capitalised
    word, or the statement's predicate (`_predicate`), that the source never uses (`missing`), in whose place it has
    another: "Smith said the bridge will close" against "Jones said the bridge will close" ("the source says 'Jones'
    where the statement says 'Smith'"), "The president signed the bill" against "The president vetoed the bill". A
    statement may lack a few words (`MAX_MISSING_SHARE`), which its source may put another way; a name, whoever the
    statement's first word names, or what its subject does, that the passage replaces is not put another way. (Asked
    of every word, it cost WiCE dev a sourced claim whose "title rematch" its source calls a "title fight".) None: no
    such word. `alignment` gives the statement aligned with its closest sentence (`_closest_alignment`): worked out
    once for this check and `_aligned_conflicts`, and only when one asks for it."""
    if not missing:
        return None
    lacking = {word.lower() for word in missing if word[:1].isupper()}
    predicate = _predicate(claim)
    if predicate is not None and claim.spelled[predicate] in missing:
        lacking.add(claim.lower[predicate])
    if not lacking:
        return None
    aligned = alignment()
    if aligned is None:
        return None
    sentence, matcher = aligned
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op != "replace" or i2 - i1 > 2 or j2 - j1 > 2:
            continue
        ours = [k for k in range(i1, i2) if claim.lower[k] in lacking]
        theirs = [
            j
            for j in range(j1, j2)
            if sentence.stems[j] in sentence.content and sentence.lower[j] not in claim.lower_set
        ]
        if ours and theirs and not any(_alike(claim.lower[k], sentence.lower[j]) for k in ours for j in theirs):
            said, other = " ".join(claim.spelled[i1:i2]), " ".join(sentence.spelled[j1:j2])
            return f"the source says {other!r} where the statement says {said!r}"
    return None


def _predicate(claim: _Tokens) -> int | None:
    """Where the statement's predicate is: the word after its first participant ("The president signed": "signed";
    `_after_participant`); None: none found."""
    starts = _participant_starts(claim)
    return _after_participant(claim, starts[0]) if starts else None


def _aligned_conflicts(claim: _Tokens, sentences: Sequence[_Tokens], aligned: _Aligned) -> list[str]:
    """Names and negation: the claim aligned with the closest of the passage's `sentences` (`_closest_alignment`),
    and what was swapped in or out."""
    if aligned is None:
        return []
    sentence, matcher = aligned
    if _asserts_less(sentence, claim):
        return []
    everywhere = {w for t in sentences for w in t.lower}
    conflicts: list[str] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal" or i2 - i1 > 3 or j2 - j1 > 3:
            continue
        ours_negated = any(claim.negations[i1:i2])
        if ours_negated != any(sentence.negations[j1:j2]) and not _other_words(claim, (i1, i2), sentence, (j1, j2)):
            said, other = ("negates", "does not") if ours_negated else ("does not negate", "does")
            conflicts.append(f"negation: the statement {said} what the source {other}")
        if op != "replace":
            continue
        conflicts += _swapped_number(claim, sentence, (i1, i2), (j1, j2))
        if i2 - i1 == 1 and j2 - j1 == 1 and sentence.lower[j1] in _STANCE_OPPOSITES.get(claim.lower[i1], ()):
            conflicts.append(
                f"opposite: the statement says {claim.spelled[i1]!r}, the source says {sentence.spelled[j1]!r}"
            )
        ours = [k for k in range(i1, i2) if _named(claim, k)]
        theirs = [k for k in range(j1, j2) if _named(sentence, k)]
        if ours and theirs and len(ours) == i2 - i1 and not any(claim.lower[k] in everywhere for k in ours):
            said = " ".join(claim.spelled[i1:i2])
            other = " ".join(sentence.spelled[j1:j2])
            conflicts.append(f"name: the statement says {said!r}, the source says {other!r}")
    return conflicts


def _other_words(claim: _Tokens, ours: tuple[int, int], sentence: _Tokens, theirs: tuple[int, int]) -> bool:
    """Whether two aligned spans say different things besides their negations: "released without charge" against
    "released on bail" swaps "charge" for "bail", where "did not approve" against "approved" only drops "not"."""
    mine = {claim.stems[k] for k in range(*ours) if not claim.negations[k] and claim.stems[k] in claim.content}
    other = {
        sentence.stems[j] for j in range(*theirs) if not sentence.negations[j] and sentence.stems[j] in sentence.content
    }
    return bool(mine) and bool(other) and mine.isdisjoint(other)


def _named(tokens: _Tokens, k: int) -> bool:
    """Whether word `k` of a text is a name: a capitalised word; at the start of the text, where any word is
    capitalised, only one that is not an English word ("Officials said" or "Chinese parents" name no one;
    "Lindqvist said" does)."""
    if not tokens.capital[k] or tokens.lower[k] not in tokens.names:
        return False
    return k > 0 or tokens.lower[k] not in _common_words()


# Comparatives of how many or how much, opposites too: "fewer goals" does not carry "more goals", nor the reverse
# (`weaker_quantifier`).
_COMPARATIVES: dict[str, tuple[str, ...]] = {"more": ("fewer", "less"), "fewer": ("more",), "less": ("more",)}
# Opposites among the stop words, which the antonym table leaves out: one in place of the other in a sentence that is
# otherwise the statement word for word turns it round ("voted against the bill" against "voted for the bill").
_STANCE_OPPOSITES = {
    "for": ("against",),
    "against": ("for",),
    "above": ("below",),
    "below": ("above",),
    **_COMPARATIVES,
}


def _swapped_number(claim: _Tokens, sentence: _Tokens, ours: tuple[int, int], theirs: tuple[int, int]) -> list[str]:
    """A number of the statement that its closest sentence, aligned word for word, has replaced by another of the same
    kind that cannot also be true ("stepped down in 2021" against "stepped down in 2012"): the words around it are the
    same words, where `_number_conflicts` asks for a content word beside each number."""
    # A quantity that begins in the replaced span ("65" of "65 percent", whose unit is the same on both sides).
    mine = [q for q in claim.quantities if ours[0] <= q.first < ours[1]]
    other = [p for p in sentence.quantities if theirs[0] <= p.first < theirs[1]]
    if len(mine) != 1 or len(other) != 1:
        return []
    q, p = mine[0], other[0]
    if _kind(q) != _kind(p) or _compatible(q, p) or _increment(claim, q) or _increment(sentence, p):
        return []
    ours_unit, their_unit = _counted(claim, q), _counted(sentence, p)
    if ours_unit and their_unit and not _alike(ours_unit, their_unit):
        return []  # "2.5 kilometres" against "2,500 metres": two units, no other value
    return [
        f"{_KIND_WORDS[q.kind]}: the statement says {_written(claim, q)!r}, the source says {_written(sentence, p)!r}"
    ]


def _quote_conflicts(quotes: Sequence[str], plain: str, document_plain: str) -> list[str]:
    conflicts: list[str] = []
    for q in quotes:
        wanted = _plain(q)
        if wanted in document_plain or len(wanted.split()) < 3 or _is_title(q):
            continue
        text = plain.strip()
        alignment = fuzz.partial_ratio_alignment(wanted.strip(), text)
        if alignment is None or alignment.score < 75:
            continue
        # The words the alignment touches, whole: a reason quotes its source's words, never parts of them ("many as
        # 11 shots fired", not "any as 11 shots f"), and they must still read as the quotation altered.
        start = text.rfind(" ", 0, alignment.dest_start) + 1
        end = text.find(" ", alignment.dest_end)
        found = text[start : end if end >= 0 else len(text)]
        if fuzz.ratio(wanted.strip(), found) >= 75:
            conflicts.append(f"quote: the statement quotes {q!r}, the source has {found!r}")
    return conflicts


# Checks that a statement is carried whole (partial support), and contradictions that generalise beyond numbers and
# names: opposite predicates, swapped weekdays and order words, swapped roles, altered quotations.

_REPORTING = _word_set(
    """according add added adds announce announced announces claim claimed claims note noted notes report reported
    reports say said saying says show showed shown shows state stated statement statements states tell telling tells
    told write writes wrote written"""
)

# The stems of words that tell how a thing is told (hedges, reporting and hearsay words: "reportedly", "reports",
# "claims"), not what is so: one negated on one side only is no opposite claim ("ISIS fighters have reportedly
# contracted Ebola" against "there have been no reports of the disease").
_NOT_TOLD_STEMS = frozenset(map(_stem, HEDGES | HEARSAY | _REPORTING))


def _carried(word: str, stem: str, content: frozenset[str], keys: frozenset[str]) -> bool:
    """Whether a text (its content stems, and the antonym-table keys of its words) carries a word of the statement:
    its stem, the verb of an irregular form ("rose" for "rise"), or a word of the same root that one stem begins
    ("council" in "councillor", "elect" in "election"), or a word of the same first meaning ("meters" for "metres":
    `lexicon.synonyms`)."""
    key = predicate_key(word)
    if stem in content or key in keys or not synonyms(key).isdisjoint(keys):
        return True
    if len(stem) < 4:
        return False
    if any(stem[:n] in content for n in range(4, len(stem))):
        return True
    ordered = _sorted(content)
    at = bisect.bisect_left(ordered, stem)
    return at < len(ordered) and ordered[at].startswith(stem)


@functools.lru_cache(maxsize=256)
def _sorted(content: frozenset[str]) -> tuple[str, ...]:
    """A text's content stems in order, for finding those that begin with a stem (kept: a source is asked often)."""
    return tuple(sorted(content))


def missing_words(claim: _Tokens, content: frozenset[str], keys: frozenset[str]) -> list[str]:
    """The statement's content words (names, nouns, its predicate and the rest) that a passage or source (its content
    stems, and the keys of its words: `predicate_key`) does not carry (`_carried`), as the statement writes them and
    in its order; reporting words ("said", "according"), negations (checked apart) and quoted words (checked
    verbatim) are left out."""
    quoted = {w for q in _QUOTED.findall(fold_typography(claim.text)) for w in q.lower().split()}
    said_by = _attribution(claim)
    found: dict[str, str] = {}
    for word, lower, stem in zip(claim.spelled, claim.lower, claim.stems, strict=True):
        if stem not in claim.content or lower in _REPORTING or lower in quoted or lower in found or _negation(lower):
            continue
        if lower in said_by:
            continue
        bare = lower.removesuffix("'s")  # "library's" is carried by "library"
        if not _carried(lower, stem, content, keys) and not (
            bare != lower and _carried(bare, _stem(bare), content, keys)
        ):
            found[lower] = word
    return list(found.values())


def negated_in_passage(claim: _Tokens, sentences: Sequence[_Tokens]) -> str | None:
    """Why the passage (`sentences`) does not carry a statement that asserts plainly (`_asserts_plainly`), when it has
    a word of it only under a negation ("the passage negates 'won'") or only after a denial verb ("the passage denies
    it ('denied')"), or only just short of it ("the passage says only 'nearly sank'"): "Boko Haram agreed to a
    cease-fire" against "The leader of Boko Haram has denied agreeing to any cease-fire", "The team won the final"
    against "The team did not win the final" (words are matched by `predicate_key`: "won" is "win"), "The company
    fired 200 workers" against "The company denied reports that it fired 200 workers". Such a passage does not carry
    the statement, whether or not it contradicts it (a denial reported is no opposite claim: `_asserts_less`). None:
    no such word.

    FNC-1 fresh, tune and dev halves (the bodies of `python bench/judge_sets.py`): agree precision of sourced 31.5 ->
    32.0 word by word, 32.3 with the keys and the denial verbs (pairs called sourced: agree 750 -> 742, disagree 71 ->
    68, discuss 1537 -> 1465); the dev halves of WiCE, FEVER-Symmetric and CLIMATE-FEVER unchanged. Asked of statements
    that negate too (a passage that asserts what they negate), it cost WiCE dev a correct sourced."""
    if not _asserts_plainly(claim):
        return _denial_negated(claim, sentences)
    if not any(t.negated or not t.lower_set.isdisjoint(_PASSAGE_CUES) for t in sentences):
        return None  # most passages: nothing to look for
    # Each word's key, and for each of its uses in the passage: negated ("not"), denied (after "denied"), or neither.
    uses: dict[str, list[str]] = {}
    verbs: list[str] = []
    for sentence in sentences:
        denied = _denied_after(sentence)
        if denied < len(sentence.lower):
            verbs.append(sentence.spelled[denied])
        for j, (word, key) in enumerate(zip(sentence.lower, _keys(sentence.lower), strict=True)):
            if word in _STOP or not word.isalpha():
                continue
            negated = sentence.negated_stems.get(sentence.stems[j], False)
            before = _short_of_before(sentence.lower, j)
            said = " ".join(sentence.spelled[j - before : j + 1])
            use = "not" if negated else "denied" if j > denied else said if before else ""
            uses.setdefault(key, []).append(use)
    found: list[tuple[str, list[str]]] = []
    for k, key in enumerate(_keys(claim.lower)):
        if claim.stems[k] not in claim.content or claim.stems[k] in _NEGATIONS:
            continue
        theirs = uses.get(key, [])
        if theirs and all(theirs):
            found.append((claim.spelled[k], theirs))
    negated_word = next((word for word, theirs in found if "not" in theirs), None)
    if negated_word is not None:
        return f"the passage negates {negated_word!r}"
    if any("denied" in theirs for _, theirs in found):
        return f"the passage denies it ({verbs[0]!r})"
    return f"the passage says only {found[0][1][0]!r}" if found else None


def weaker_quantifier(claim: _Tokens, sentences: Sequence[_Tokens]) -> str | None:
    """Why the passage does not carry a statement that says how many of a thing with a stronger word than the passage
    does for the same thing: "Most residents backed the plan" against "A few residents backed the plan" ("the passage
    says 'few residents', not 'most'"). All is more than most, most more than many, many more than some, a few or
    several; a passage with the stronger word carries the weaker ("all" carries "some")."""
    if claim.lower_set.isdisjoint(_QUANTIFIERS) and claim.lower_set.isdisjoint(_COMPARATIVES):
        return None
    for k, word in enumerate(claim.lower):
        if word not in _QUANTIFIERS and word not in _COMPARATIVES:
            continue
        thing = _quantified(claim, k)
        if thing is None:
            continue
        for sentence in sentences:
            if sentence.lower_set.isdisjoint(_QUANTIFIERS) and sentence.lower_set.isdisjoint(_COMPARATIVES):
                continue
            for j, theirs in enumerate(sentence.lower):
                weaker = (
                    theirs in _QUANTIFIERS and word in _QUANTIFIERS and _QUANTIFIERS[theirs] < _QUANTIFIERS[word]
                ) or theirs in _COMPARATIVES.get(word, ())
                if weaker and _quantified(sentence, j) == thing:
                    named = sentence.spelled[j + 1 : j + 1 + _distance(sentence, j)]
                    return f"the passage says {' '.join([sentence.spelled[j], *named])!r}, not {claim.spelled[k]!r}"
    return None


def superlative_weakened(claim: _Tokens, sentences: Sequence[_Tokens]) -> str | None:
    """Why the passage does not carry a statement that says a thing is the most of something ("the longest bridge in
    Europe", "the largest employer") when the passage says it is only one of them or comes later ("one of the
    longest", "the second-largest"): "the passage says only 'one of the longest'". None: no such words."""
    for k, word in enumerate(claim.lower):
        if not (k and claim.lower[k - 1] == "the" and word.endswith("est") and len(word) > 4):
            continue
        if claim.lower[max(0, k - 3) : k - 1] == ("one", "of") or claim.lower[k - 2 : k - 1] in _PLACES:
            continue  # the statement says as little itself
        for sentence in sentences:
            for j, theirs in enumerate(sentence.lower):
                if theirs != word:
                    continue
                if sentence.lower[max(0, j - 3) : j] == ("one", "of", "the"):
                    return f"the passage says only {' '.join(sentence.spelled[j - 3 : j + 1])!r}"
                if sentence.lower[j - 1 : j] in _PLACES:
                    return f"the passage says only {' '.join(sentence.spelled[j - 1 : j + 1])!r}"
    return None


# Ordinals that put a superlative's thing after the first ("the second-largest").
_PLACES = frozenset(
    (w,) for w in ("second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth")
)


# How many of a thing a word says, in order: some (a few, several) < many < most < all.
_QUANTIFIERS = {
    "some": 1,
    "few": 1,
    "several": 1,
    "many": 2,
    "numerous": 2,
    "most": 3,
    "majority": 3,
    "all": 4,
    "every": 4,
}


def _quantified(tokens: _Tokens, k: int) -> str | None:
    """The stem of the thing the quantifier at `k` counts: the first content word within three words after it, past
    "of the" ("most of the residents"); None: there is none."""
    d = _distance(tokens, k)
    return tokens.stems[k + d] if d else None


def _distance(tokens: _Tokens, k: int) -> int:
    for d in range(1, 4):
        if k + d >= len(tokens.lower):
            return 0
        word = tokens.lower[k + d]
        if word.isalpha() and word not in _STOP and word not in _QUANTIFIERS:
            return d
    return 0


def _denial_negated(claim: _Tokens, sentences: Sequence[_Tokens]) -> str | None:
    """Why the passage does not carry a statement that denies ("The company denied the allegations") and negates
    nothing else, when the passage negates the denial ("The company did not deny the allegations", "declined to deny
    them"): "the passage negates 'denied'". None: the statement negates more than by a denial verb, or the passage
    does not negate the verb."""
    denials = [k for k, word in enumerate(claim.lower) if word in _DENIALS]
    if not denials or any(negates and k not in denials for k, negates in enumerate(claim.negations)):
        return None
    if not claim.lower_set.isdisjoint(DEBUNKING | _REFUTING - _DENIALS):
        return None
    for sentence in sentences:
        for j, word in enumerate(sentence.lower):
            if word in _DENIALS and any(sentence.negations[max(0, j - 3) : j]):
                return f"the passage negates {claim.spelled[denials[0]]!r}"
    return None


@functools.lru_cache(maxsize=8192)
def _keys(words: tuple[str, ...]) -> tuple[str, ...]:
    """`predicate_key` of each word, kept: a passage's sentences are weighed against every statement of an article."""
    return tuple(map(predicate_key, words))


# Adverbs by which a passage says a thing all but happened ("the ship nearly sank"): it did not.
_SHORT_OF = _word_set("nearly almost")
# Phrases that say the same ("came close to flooding", "on the verge of collapse", "on the brink of war").
_SHORT_OF_PHRASES = (("close", "to"), ("verge", "of"), ("brink", "of"))


def _short_of_before(lower: Sequence[str], j: int) -> int:
    """How many words right before word `j` say it all but happened ("nearly" 1, "close to" 2); 0: none."""
    if j > 0 and lower[j - 1] in _SHORT_OF:
        return 1
    return 2 if j > 1 and tuple(lower[j - 2 : j]) in _SHORT_OF_PHRASES else 0


def _asserts_plainly(claim: _Tokens) -> bool:
    """Whether a statement says something is so in its own words: no negation, denial or untruth word of its own."""
    return not claim.negated and claim.lower_set.isdisjoint(DEBUNKING | _REFUTING)


def _denied_after(sentence: _Tokens) -> int:
    """The index of the sentence's first denial verb ("denied", "dismissed", "rejected"), after which what it tells is
    denied; past the end when there is none."""
    return next((j for j, word in enumerate(sentence.lower) if word in _REJECTING), len(sentence.lower))


def rare_words(words: Iterable[str]) -> list[str]:
    """The words (as `missing_words` gives them) that are rare in English: outside the common-word list
    (`_common_words`), as "dorvek" is and "committee" is not. A source that lacks such a word cannot carry the
    statement, whatever share of its other words it has ("The dorvek committee approved the plan" against "The
    balton committee approved the plan"). Numbers are left out: they are checked apart."""
    common = _common_words()
    return [word for word in words if any(c.isalpha() for c in word) and word.lower().removesuffix("'s") not in common]


def _attribution(claim: _Tokens) -> frozenset[str]:
    """The words by which a statement says who said it, which its source need not repeat: a short clause with a
    reporting word beside the statement's own ("..., the library's closure notice said"), and what follows
    "according to" in its clause. Worked out once a statement (`_attribution_of`): it is asked of every passage."""
    return _attribution_of(claim.text)


@functools.lru_cache(maxsize=4096)
def _attribution_of(text: str) -> frozenset[str]:
    found: set[str] = set()
    clauses = _claim_tokens(text).clauses
    sizes = [len(clause.content - _REPORTING_STEMS) for clause in clauses]
    for k, clause in enumerate(clauses):
        words = clause.lower
        if (
            len(clauses) > 1
            and len(words) <= 7
            and not _REPORTING.isdisjoint(words)
            and max(size for j, size in enumerate(sizes) if j != k) >= sizes[k]
        ):
            found.update(words)
        for k in range(len(words) - 1):
            if words[k : k + 2] == ("according", "to"):
                found.update(words[k + 2 :])
    return frozenset(found)


_REPORTING_STEMS = frozenset(map(_stem, _REPORTING))


def word_keys(words: Iterable[str]) -> frozenset[str]:
    """The antonym-table keys of a text's (lower-case) words (`predicate_key`)."""
    return frozenset(predicate_key(w) for w in words)


def hedges(claim: _Tokens, sentence: _Tokens) -> list[str]:
    """The words by which a passage sentence hedges ("may", "could", "if", "plans to") where the statement does not:
    a passage that says what may be does not source a statement that says what is. Nor does one that tells what
    others claim ("A lawsuit claims that ...", "rumours that ...") source a statement that asserts it plainly, in its
    own words (no reporting word of its own either: "X said ..." is carried by the sentence that says who said it). A
    claim rejected ("rejected claims that ...") is not told but denied (`negated_in_passage`). FNC-1 fresh, tune and
    dev halves, agree precision of sourced 32.3 -> 32.8 (pairs called sourced: agree 742 -> 737, disagree 68 -> 64,
    discuss 1465 -> 1422); the dev halves of the other sets unchanged."""
    if _hedging(claim):
        return []
    found = _hedging(sentence, claim) + _agreed_only(claim, sentence)
    if not _unconfirmed(claim):
        found += _uncertainty(sentence)
    if _asserts_plainly(claim) and claim.lower_set.isdisjoint(HEARSAY | _REPORTING) and not _attribution(claim):
        rejected = _denied_after(sentence)  # "rejected claims that ...": what the claims say is denied, not told
        found += [sentence.spelled[k] for k, word in enumerate(sentence.lower) if word in HEARSAY and k < rejected]
    return found


def held_until(claim: _Tokens, sentence: _Tokens) -> str | None:
    """The words by which a passage sentence says that what the statement tells as holding now held only until some
    time ("The factory employs 300 people" against "The factory employed 300 people until it closed in 2015"; "The
    mayor is a member of the party" against "was a member of the party until 2019"): "until" and up to four words
    after it. The statement is in the present ("is", "are", "has", "have", or a verb in "-s" whose past the sentence
    has), the sentence in the past; a statement in the past, or one with "until" of its own, is carried. None: no
    such words."""
    if "until" not in sentence.lower_set or "until" in claim.lower_set or not claim.lower_set.isdisjoint(_PAST_BE):
        return None
    k = sentence.lower.index("until")
    if sentence.lower[k - 1 : k] == ("not",):
        return None  # "not until 2019": it began then
    keys = {predicate_key(w) for w in claim.lower if w.endswith("s") and not w.endswith("ss")}
    present = not claim.lower_set.isdisjoint(_PRESENT_BE | _PRESENT_HAVE) and not sentence.lower_set.isdisjoint(
        _PAST_BE
    )
    if not (present or keys & _told_done(sentence)):
        return None
    return " ".join(sentence.spelled[k : k + 5])


_PAST_BE = _word_set("was were had")
_PRESENT_HAVE = _word_set("has have")


def _agreed_only(claim: _Tokens, sentence: _Tokens) -> list[str]:
    """The words by which a passage tells that the statement's act was agreed, decided or voted on, not done ("agreed
    to acquire its rival" for "acquired its rival"): counted as hedges on the passage's side only, so that a statement
    that itself says "agreed to" is read as a plain one."""
    if sentence.lower_set.isdisjoint(_NOT_YET) or not claim.lower_set.isdisjoint(_NOT_YET):
        return []
    return [
        sentence.spelled[k]
        for k, word in enumerate(sentence.lower[:-2])
        if (word in _AGREEING or (word == "due" and sentence.lower[k - 1 : k] in _BE_BEFORE_DUE))
        and sentence.lower[k + 1] == "to"
        and predicate_key(sentence.lower[k + 2]) in _keys(claim.lower)
    ]


_AGREEING = _word_set("agree agrees agreed decide decides decided vote votes voted")
_NOT_YET = _AGREEING | {"due"}
# "is due to announce" (to come), not "closed due to flooding" (because of it).
_BE_BEFORE_DUE = frozenset((w,) for w in ("is", "are", "was", "were", "be"))


_FUTURE = _word_set("will shall")
# "said that closures would be announced" tells of the future as it was then: no past.
_FUTURE_IN_PAST = _word_set("would could might may")
_BETWEEN_FUTURE = _word_set("be been have not also still soon finally then now only")


def future_only(claim: _Tokens, sentence: _Tokens) -> str | None:
    """The future word ("will") of a passage sentence that tells as to come what the statement tells as done: its verb,
    a word or two after "will" ("will be closed", "will close"), is one the statement has in the past ("closed",
    "won"; not a participle after "be"), and the statement has no future word of its own ("would", "may" included).
    "The bridge was closed for repairs" is not carried by "The bridge will be closed for repairs next year". None: no
    such word."""
    if sentence.lower_set.isdisjoint(_FUTURE) or not claim.lower_set.isdisjoint(_FUTURE | _FUTURE_IN_PAST):
        return None
    past = _past_keys(claim, _PARTICIPLE_AFTER)
    for k, word in enumerate(sentence.lower):
        if word not in _FUTURE:
            continue
        j = k + 1
        while j < len(sentence.lower) and j <= k + 3 and sentence.lower[j] in _BETWEEN_FUTURE:
            j += 1
        if j < len(sentence.lower) and predicate_key(sentence.lower[j]) in past - _told_done(sentence):
            return sentence.spelled[k]
    return None


def _told_done(sentence: _Tokens) -> set[str]:
    """The keys of the verbs a sentence has in the past ("rose", "hired"): "the budget rose last year and will rise next
    year" tells the rise done, whatever it adds to come."""
    return _past_keys(sentence, _NOT_DONE_BEFORE)


def _past_keys(tokens: _Tokens, not_after: frozenset[tuple[str, ...]]) -> set[str]:
    """The keys (`predicate_key`) of a text's words in the past ("closed", "won": an "-ed" form or an irregular one),
    leaving out those right after a word of `not_after` ("be closed")."""
    return {
        predicate_key(w)
        for k, w in enumerate(tokens.lower)
        if (w.endswith("ed") or predicate_key(w) != _stem(w)) and tokens.lower[k - 1 : k] not in not_after
    }


# Words before a past form that make it a participle, not the statement's past ("was be closed", "has been closed").
_PARTICIPLE_AFTER = frozenset((w,) for w in ("be", "been"))
# Words before a past form that make it no past ("will be closed", "has been hired" stays done: "been" is not here).
_NOT_DONE_BEFORE = frozenset((w,) for w in ("be", "will", "to", "would", "may", "might", "could", "should"))


def under_way(claim: _Tokens, sentence: _Tokens) -> str | None:
    """The words of a passage sentence that tell as still under way what the statement tells as done: "is" or "are"
    before the "-ing" form of a verb the statement has in the past ("The company has hired 200 engineers" against
    "The company is hiring 200 engineers"). None: no such words, or the statement has that "-ing" form too."""
    if sentence.lower_set.isdisjoint(_PRESENT_BE):
        return None
    done = _past_keys(claim, _PARTICIPLE_AFTER)
    going = {predicate_key(w) for w in claim.lower if w.endswith("ing")}
    told_done = _told_done(sentence)  # "hired 200 engineers and is hiring more"
    for k, word in enumerate(sentence.lower[:-1]):
        after = sentence.lower[k + 1]
        if word in _PRESENT_BE and after.endswith("ing") and predicate_key(after) in done - going - told_done:
            return f"{sentence.spelled[k]} {sentence.spelled[k + 1]}"
    return None


_PRESENT_BE = _word_set("is are am")


def _hedging(tokens: _Tokens, claim: _Tokens | None = None) -> list[str]:
    """The hedge words of a text. Asked for a statement (`claim`), a hedge that governs its "to" ("plans to", "is in
    talks to", "threatened to") counts only when what follows the "to" is the statement's: "is trying to track down
    the owner who abandoned the dog" does not hedge "abandoned". FNC-1 fresh, tune and dev halves, with the hedges of
    that kind that came with it ("talks", "poised", "about", "ready", "prepared", "willing", "try", "attempt",
    "threaten", "vow", "promise", "pledge"): agree precision of sourced 32.8 -> 32.9, false alarms of disputed 353 ->
    347, none found lost; dev halves of the other sets unchanged."""
    if tokens.lower_set.isdisjoint(_HEDGE_CUES):
        return []
    found = []
    for k, word in enumerate(tokens.lower):
        if word == "may" and month_may(tokens.lower, tokens.capital, k):
            continue
        if word in HEDGES:
            found.append(tokens.spelled[k])
        elif word in HEDGES_BEFORE_TO and tokens.lower[k + 1 : k + 2] == ("to",):
            after = tokens.lower[k + 2 : k + 3]
            if claim is None or (after and predicate_key(after[0]) in _keys(claim.lower)):
                found.append(tokens.spelled[k])
        elif word in _HEDGES_BEFORE_ING and tokens.lower[k + 1 : k + 2] and tokens.lower[k + 1].endswith("ing"):
            after = tokens.lower[k + 1 : k + 2]
            if claim is None or predicate_key(after[0]) in _keys(claim.lower):
                found.append(tokens.spelled[k])
    return found


# Verbs that hedge the "-ing" form after them ("considered banning cars", "is weighing raising taxes"), counted as
# `HEDGES_BEFORE_TO` are: only for the statement's own verb.
_HEDGES_BEFORE_ING = _word_set(
    "consider considers considered weigh weighs weighed weighing mull mulls mulled mulling discuss discusses "
    "discussed discussing debate debates debated debating"
)
_HEDGE_CUES = HEDGES | HEDGES_BEFORE_TO | _HEDGES_BEFORE_ING


def _rest_shared(claim: _Tokens, sentence: _Tokens, left_out: set[str]) -> bool:
    """Whether the sentence asserts something about what the statement says: it has at least two of the statement's
    other content words and numbers (one word at least), and 60% of them, and does not hedge ("whether the bridge
    would close" asserts nothing)."""
    if _hedging(sentence) and not _hedging(claim):
        return False
    rest = claim.content - left_out
    shared = len(rest & sentence.content)
    if not shared:
        return False
    # A date or number both give counts as a shared word ("the factory opened in March": "factory" and "March").
    given = sum(1 for q in claim.quantities if any(_gives(p, q) for p in sentence.quantities))
    return shared + given >= 2 and shared + given >= 0.6 * (len(rest) + len(claim.quantities))


def _antonym_conflicts(claim: _Tokens, sentences: Sequence[_Tokens]) -> list[str]:
    """A word of the statement that a sentence about the same thing has turned into its opposite (WordNet antonyms:
    "approved" against "rejected", "rose" against "fell", "won" against "lost"), neither side negating it."""
    claim_keys = {predicate_key(w) for w in claim.lower}
    for sentence in sentences:
        their_keys = {predicate_key(w) for w in sentence.lower}
        for k, word in enumerate(claim.lower):
            stem = claim.stems[k]
            if stem not in claim.content or (claim.capital[k] and k > 0):
                continue
            key = predicate_key(word)
            opposite = antonyms(key)
            if not opposite or key in their_keys or stem in sentence.content or key in LIGHT_VERBS:
                continue
            if _gives_age(claim, k):
                continue
            for j, theirs in enumerate(sentence.lower):
                their_key = predicate_key(theirs)
                if their_key not in opposite or their_key in claim_keys or (sentence.capital[j] and j > 0):
                    continue
                if their_key in LIGHT_VERBS or theirs in _STOP or _gives_age(sentence, j):
                    continue
                if claim.negated_stems.get(stem, False) != sentence.negated_stems.get(sentence.stems[j], False):
                    continue
                if not _about_one_thing(claim, k, sentence, j):
                    continue
                if _rest_shared(claim, sentence, {stem}):
                    return [
                        f"opposite: the statement says {claim.spelled[k]!r}, the source says {sentence.spelled[j]!r}"
                    ]
    return []


def _gives_age(tokens: _Tokens, k: int) -> bool:
    """Whether word `k` is "aged" giving an age ("aged 13", "aged between 13 and 14"), not the opposite of young."""
    if tokens.lower[k] != "aged":
        return False
    after = tokens.lower[k + 1 : k + 2]
    return bool(after) and (after[0] in _AGE_LEADS or any(q.first in (k + 1, k + 2) for q in tokens.quantities))


_AGE_LEADS = frozenset({"between", "from", "under", "over", "about", "around", "up"})


def _swap_conflicts(claim: _Tokens, sentences: Sequence[_Tokens]) -> list[str]:
    """A weekday, or a word that orders events (before/after, earlier/later), of the statement that a sentence about
    the same thing gives differently ("on Thursday" against "on Tuesday"), the passage not having the statement's."""
    passage_lower = {w for s in sentences for w in s.lower}
    for k, word in enumerate(claim.lower):
        unit = claim.lower[k + 1 : k + 2]
        if word in _WEEKDAYS:
            kind, others = "weekday", _WEEKDAYS - {word}
        elif word in ORDER_OPPOSITES:
            kind, others = "order", frozenset({ORDER_OPPOSITES[word]})
        elif word in _TIME_DIRECTION and unit and unit[0] in _TIME_UNITS:
            kind, others = "date", frozenset({_TIME_DIRECTION[word]})
        else:
            continue
        if kind == "date":
            # "next week" against "last week": the same unit, the other way; said in full in the reason.
            for sentence in sentences:
                j = next(
                    (j for j, w in enumerate(sentence.lower[:-1]) if w in others and sentence.lower[j + 1] == unit[0]),
                    None,
                )
                if (
                    j is not None
                    and (word, unit[0]) not in itertools.pairwise(sentence.lower)
                    and _rest_shared(claim, sentence, {claim.stems[k], claim.stems[k + 1]})
                ):
                    ours, theirs = " ".join(claim.spelled[k : k + 2]), " ".join(sentence.spelled[j : j + 2])
                    return [f"date: the statement says {ours!r}, the source says {theirs!r}"]
            continue
        if word in passage_lower:
            continue
        for sentence in sentences:
            j = next((j for j, w in enumerate(sentence.lower) if w in others and w not in claim.lower_set), None)
            if j is not None and _rest_shared(claim, sentence, {claim.stems[k]}):
                return [f"{kind}: the statement says {claim.spelled[k]!r}, the source says {sentence.spelled[j]!r}"]
    return []


# "next week" against "last week": the time a statement points to, and the other way.
_TIME_DIRECTION = {"next": "last", "last": "next"}
_TIME_UNITS = _word_set(
    "week weekend month year season summer winter spring autumn term session monday tuesday wednesday thursday "
    "friday saturday sunday"
)


def _name_starts(tokens: _Tokens) -> list[int]:
    """Where each name of a text begins (a run of capitalised words counts once)."""
    starts = []
    for k, word in enumerate(tokens.lower):
        if tokens.capital[k] and word in tokens.names and not (k and tokens.lower[k - 1] in tokens.names):
            starts.append(k)
    return starts


def _after_name(tokens: _Tokens, start: int) -> int | None:
    """The first word after the name that begins at `start` and the stop words after it ("Arsenal have beaten": the
    word "beaten"), when it is a lower-case content word: the name's predicate. None when another name or nothing
    comes first, when the name is set off by punctuation ("Baghdadi, the leader of ISIL") or when an article comes
    first (the word is a noun: "Smith is the winner")."""
    k = start
    while k < len(tokens.lower) and tokens.capital[k] and tokens.lower[k] in tokens.names:
        k += 1
    if _set_off(tokens, k - 1):
        return None
    while k < len(tokens.lower) and tokens.lower[k] in _STOP:
        if tokens.lower[k] in _ARTICLES:
            return None
        k += 1
    if k < len(tokens.lower) and not tokens.capital[k] and tokens.stems[k] in tokens.content:
        return k
    return None


def _participant_starts(tokens: _Tokens) -> list[int]:
    """Where each name of a text begins (`_name_starts`), and each lower-case content word right after "the", "a" or
    "an" ("the mayor", "a challenger"): who can do what a statement says to whom."""
    starts = set(_name_starts(tokens))
    for k in range(1, len(tokens.lower)):
        if tokens.lower[k - 1] in _ARTICLES and not tokens.capital[k] and tokens.stems[k] in tokens.content:
            starts.add(k)
    return sorted(starts)


_ARTICLES = frozenset({"the", "a", "an"})
# Words that open a clause of their own: what follows them is said of another subject ("the killer who has featured
# in Islamic State videos").
_RELATIVES = frozenset({"who", "whom", "whose", "which", "that"})


def _set_off(tokens: _Tokens, k: int) -> bool:
    """Whether word `k` of a text is followed by punctuation that sets it off from what comes next: a word so set off
    is no subject of what follows."""
    return re.search(rf"\b{re.escape(tokens.lower[k])}\s*[,;:()\u2013\u2014]", tokens.text, re.I) is not None


def _after_participant(tokens: _Tokens, start: int) -> int | None:
    """The predicate after the participant that begins at `start` (`_after_name`; after a lower-case word, the next
    lower-case content word past stop words: "the mayor has defeated": "defeated")."""
    if tokens.capital[start]:
        return _after_name(tokens, start)
    if _set_off(tokens, start):  # "The gunman, thought to be ..."
        return None
    k = start + 1
    while k < len(tokens.lower) and tokens.lower[k] in _STOP:
        k += 1
    if k < len(tokens.lower) and not tokens.capital[k] and tokens.stems[k] in tokens.content:
        return k
    return None


def _role_conflicts(claim: _Tokens, sentences: Sequence[_Tokens]) -> list[str]:
    """Two participants of the statement (names, or words after "the"), the first followed by its predicate and the
    second after that, that a sentence of the source gives the other way round ("A beat B" against "B beat A", "the
    mayor defeated the challenger" against "the challenger defeated the mayor"). Passives ("A was beaten by B") and
    predicates that read the same either way ("met", "married") are left out."""
    starts = _participant_starts(claim)
    verbs = {a: _after_participant(claim, a) for a in starts[:-1]}
    # Each sentence's participants, worked out once for all the statement's pairs; a sentence that hedges where the
    # statement does not is left out.
    theirs_by_sentence: list[tuple[_Tokens, list[int]]] | None = None
    for a, b in itertools.combinations(starts, 2):
        verb = verbs[a]
        if verb is None or verb >= b or claim.stems[verb] in SYMMETRIC or claim.lower[verb + 1 : verb + 2] == ("by",):
            continue
        first, second = claim.lower[a], claim.lower[b]
        if theirs_by_sentence is None:
            claim_hedges = bool(_hedging(claim))
            theirs_by_sentence = [
                (sentence, _participant_starts(sentence))
                for sentence in sentences
                if claim_hedges or not _hedging(sentence)
            ]
        for sentence, participants in theirs_by_sentence:
            for j in participants:
                if sentence.lower[j] != second:
                    continue
                theirs = _after_participant(sentence, j)
                if (
                    theirs is not None
                    and sentence.stems[theirs] == claim.stems[verb]
                    and sentence.lower[theirs + 1 : theirs + 2] != ("by",)
                    and first in sentence.lower[theirs + 1 :]
                    and first not in sentence.lower[:j]
                    and _RELATIVES.isdisjoint(sentence.lower[theirs + 1 : sentence.lower.index(first, theirs + 1)])
                ):
                    at_first = sentence.lower.index(first, theirs + 1)
                    ours = f"{claim.spelled[a]} {claim.spelled[verb]} {claim.spelled[b]}"
                    said = f"{sentence.spelled[j]} {sentence.spelled[theirs]} {sentence.spelled[at_first]}"
                    return [f"roles: the statement says {ours!r}, the source says {said!r}"]
    return []


def _quote_frame_conflicts(claim_text: str, passage_text: str) -> list[str]:
    """A quotation of the statement that the passage gives differently after the same words ('called the plan "a
    costly mistake"' against 'called the plan "a costly but necessary step"')."""
    claim_plain, passage_plain = fold_typography(claim_text), fold_typography(passage_text)
    theirs = [(_plain(passage_plain[: m.start()]).split()[-2:], m.group(1)) for m in _QUOTED.finditer(passage_plain)]
    for match in _QUOTED.finditer(claim_plain):
        frame = _plain(claim_plain[: match.start()]).split()[-2:]
        ours = _plain(match.group(1))
        if len(frame) < 2 or ours in _plain(passage_plain):
            continue
        for their_frame, quote in theirs:
            if their_frame == frame and ours.strip() not in _plain(quote) and _plain(quote).strip() not in ours:
                return [f"quote: the statement quotes {match.group(1)!r}, the source has {quote!r}"]
    return []


def untrue_call(claim: _Tokens, doc: _Document) -> tuple[str, int] | None:
    """The conflict, and the index of the source's sentence that makes it, when a sentence of the source about the
    statement (`debunked`), or else the source's opening (`lead_debunked`), calls it untrue, where the statement
    asserts it: not one that uses such a word itself ("Rumour debunked: ..." is a statement about a hoax, not one the
    source calls a hoax), denies, refutes or negates it ("No, a shark did not swim down the highway", which the hoax
    supports), asks it or hedges it."""
    if _asks(claim) or _hedging(claim):
        return None
    call = _called_untrue(claim, doc)
    return (f"{call[0]}: {call[1]!r}", call[2]) if call else None


def untrue_unasserted(claim: _Tokens, doc: _Document) -> str | None:
    """The words by which the source calls untrue a statement that only asks or hedges it ("A shark may have swum down
    the highway" against "the photograph of the shark is a hoax"). It is no contradiction, as the statement does not
    assert it (`untrue_call`), but no support either: the passage that tells the story is not the source's word."""
    if not (_asks(claim) or _hedging(claim)):
        return None
    call = _called_untrue(claim, doc)
    return call[1] if call else None


# The share of a story's words (`told_as_fact`) a source sentence must have to tell that story. FNC-1 fresh, tune and
# dev halves: a half found 4 more disagreeing pairs and 3 false alarms, by sentences that told another thing
# ("Putin spoke at the dedication of a new monument" for a video of a bird on Putin); two thirds and three quarters
# found the same 6 with none.
_STORY_SHARE = 0.75


def told_as_fact(claim: _Tokens, doc: _Document) -> tuple[str, int] | None:
    """The conflict, and the index of the source's sentence that makes it, when the statement calls a story untrue
    ("Fake news: the council will close the library on Friday", "The claim that the mayor resigned is false") and the
    source tells that story as its own plain word ("The council will close the library on Friday."). The story is the
    statement's content words less its untruth words and its words for a story as told or charged ("news", "claim",
    "allegations"), three or more; the sentence has three quarters of them (`_STORY_SHARE`) and no hedge, hearsay,
    reporting verb, negation, denial or doubt; and the source calls nothing untrue anywhere (where it does, it is
    read by `debunked`). Not for a statement that asks, hedges, negates, refutes, tells what someone says ("the
    minister said the report was false") or uses its untruth word of another thing ("fake charity collectors").

    FNC-1 fresh, tune and dev halves: 6 more disagreeing pairs found, no false alarm; the dev halves of WiCE,
    FEVER-Symmetric and CLIMATE-FEVER and `bench/dispute_bench.py` unchanged."""
    if not _may_call_untrue(claim) or _question(claim) or _hedging(claim) or claim.negated_outside_quotes:
        return None
    if not claim.lower_set.isdisjoint(_REFUTING) or _reports_someone(claim):
        return None
    untrue_at = [k for k in range(len(claim.lower)) if _untruth_at(claim, k)]
    calls = [k for k in untrue_at if not _describes_other(claim, k)]
    if not calls:
        return None
    untruth = {claim.stems[k] for k in untrue_at}
    story = {
        stem
        for word, stem in zip(claim.lower, claim.stems, strict=True)
        if stem in claim.content and stem not in untruth and word not in _TOLD and word not in _CHARGES
    }
    if len(story) < 3:
        return None  # "the jury found the claims to be false": no story to look for
    if any(_may_call_untrue(t) and any(_untruth_at(t, k) for k in range(len(t.lower))) for t in doc.tokens):
        return None
    best: tuple[int, int] | None = None
    for index, sentence in enumerate(doc.tokens):
        shared = len(story & sentence.content)
        if shared < math.ceil(_STORY_SHARE * len(story)) or (best and shared <= best[0]):
            continue
        if _question(sentence) or sentence.negated or _hedging(sentence) or _unconfirmed(sentence):
            continue
        if not sentence.lower_set.isdisjoint(_NOT_OWN_WORD) or "://" in sentence.text:
            continue
        best = (shared, index)
    if best is None:
        return None
    return f"the statement calls it untrue ({claim.spelled[calls[0]]!r}); the source tells it as fact", best[1]


def _reports_someone(claim: _Tokens) -> bool:
    """Whether a statement tells what someone says ("the minister said the report was false", "WHO says reports of
    cases are untrue"), not that a story is untrue: a reporting verb that is not a word for the story as told, nor
    said by one ("a hoax report claims ...")."""
    return any(
        word in _REPORTING and word not in _TOLD and (k == 0 or claim.lower[k - 1] not in _TOLD)
        for k, word in enumerate(claim.lower)
    )


def _describes_other(claim: _Tokens, k: int) -> bool:
    """Whether the statement's untruth word at `k` describes a thing named right after it that is not a story as
    told ("fake charity collectors", "a fake ID"): the statement calls that thing fake, not a story untrue."""
    if claim.lower[k] not in DEBUNKING or k + 1 >= len(claim.lower):
        return False
    after = claim.lower[k + 1]
    return after.isalpha() and after not in _STOP and after not in _TOLD and _adjacent(claim, k)


def _called_untrue(claim: _Tokens, doc: _Document) -> tuple[str, str, int] | None:
    """Who calls the statement untrue ("the source", or "the source's opening"), by which words, in which sentence;
    None when the statement itself calls something untrue, denies, refutes or negates it."""
    if _doubts_itself(claim) or claim.negated_outside_quotes:
        return None
    found = debunked(claim, doc)
    if found:
        return "the source calls it untrue", *found
    opening = lead_debunked(claim, doc)
    return ("the source's opening calls it untrue", *opening) if opening else None


def _doubts_itself(claim: _Tokens) -> bool:
    """Whether a statement itself calls its story untrue, refutes or doubts it ("Expert casts doubt on spider story",
    "Police shoot down rumours", "Reports of cases are incorrect", "the video was staged"): a source that calls the
    story untrue agrees with it."""
    if not claim.lower_set.isdisjoint(_DOUBT_WORDS):
        return True
    if claim.lower_set.isdisjoint(_DOUBT_PHRASE_STARTS):
        return False
    return any(
        claim.lower[k : k + len(phrase)] == phrase
        for phrase in _DOUBT_PHRASES
        for k in range(len(claim.lower))
        if claim.lower[k] == phrase[0]
    )


# Words and phrases by which a statement doubts or refutes its story, besides the untruth words (`DEBUNKING`) and the
# verbs that refute (`_REFUTING`).
_DOUBTING = _word_set(
    "incorrect inaccurate erroneous unconfirmed unverified staged misleading myth myths prank pranked trolled fooled duped"
)
_DOUBTING_PHRASES = (
    ("shoots", "down"),
    ("shoot", "down"),
    ("shot", "down"),
    ("put", "to", "rest"),
    ("made", "up"),
    ("makes", "up"),
)


_DOUBT_PHRASES = DEBUNKING_PHRASES + _DOUBTING_PHRASES
_DOUBT_PHRASE_STARTS = frozenset(phrase[0] for phrase in _DOUBT_PHRASES)


def debunked(claim: _Tokens, doc: _Document) -> tuple[str, int] | None:
    """The words by which a sentence of the source about the statement calls it untrue ("hoax", "fake", "debunked",
    "not true", "no evidence": `lexicon.DEBUNKING`), and that sentence's index. A sentence is about the statement when
    it has at least two of its content words and a third of them, or a quarter where the source as a whole has half
    of them (FNC-1 disputed F1, `python bench/judge_sets.py --sets fnc --halves tune,dev`: 27.3 -> 30.0 and 29.2 ->
    32.3; a quarter without the source's half let five times as many unrelated stories be called untrue)."""
    about = 4 if len(claim.content & doc.content) >= len(claim.content) / 2 else 3
    for index, sentence in enumerate(doc.tokens):
        shared = len(claim.content & sentence.content)
        if shared < 2 or shared < len(claim.content) / about or not _may_call_untrue(sentence) or _question(sentence):
            continue  # a question asks, it calls nothing untrue: "Is the video of the shark on the highway fake?"
        for k in range(len(sentence.lower)):
            if (length := _untruth_at(sentence, k)) and not _untruth_set_aside(claim, sentence, k):
                return " ".join(sentence.spelled[k : k + length]), index
    return None


def _untruth_at(sentence: _Tokens, k: int) -> int:
    """How many words, from word `k`, call something untrue: a word of `DEBUNKING` (1) or a phrase of
    `DEBUNKING_PHRASES`; 0 when none begins there."""
    word = sentence.lower[k]
    if word in DEBUNKING:
        return 1
    if word not in _PHRASE_STARTS:
        return 0
    return next((len(p) for p in DEBUNKING_PHRASES if sentence.lower[k : k + len(p)] == p), 0)


# The words that begin an untruth phrase; a sentence with none of them and no untruth word calls nothing untrue.
_PHRASE_STARTS = frozenset(p[0] for p in DEBUNKING_PHRASES)
_UNTRUTH_STARTS = DEBUNKING | _PHRASE_STARTS


def _may_call_untrue(sentence: _Tokens) -> bool:
    """Whether an untruth word or phrase may begin somewhere in the sentence (a quick test before `_untruth_at`)."""
    return not sentence.lower_set.isdisjoint(_UNTRUTH_STARTS)


#: How many sentences open a source (its lead, where a news report says what it is about).
LEAD = 3
#: The share of the statement's content words the source must have for its opening to speak of the statement.
LEAD_COVERAGE = 0.5


def lead_debunked(claim: _Tokens, doc: _Document) -> tuple[str, int] | None:
    """The words by which one of the source's opening sentences (`LEAD`) calls something untrue, and that sentence's
    index, when the source is about the statement (it has half its content words or more). A report that disputes a
    story says so in its lead, often without repeating the story's words there ("But there's just one problem: the
    video is fake."). The word must not be negated (a negation within three content words before it: "no part of
    it was a hoax"), and a question asserts nothing."""
    if len(claim.content & doc.content) < LEAD_COVERAGE * len(claim.content):
        return None
    for index, sentence in enumerate(doc.tokens[:LEAD]):
        if not _may_call_untrue(sentence) or _question(sentence):
            continue
        for k in range(len(sentence.lower)):
            if not (length := _untruth_at(sentence, k)):
                continue
            if sentence.stems[k] in sentence.loosely_negated_stems:
                break
            if not _calls_other_thing(claim, sentence, k) and not _untruth_set_aside(claim, sentence, k):
                return " ".join(sentence.spelled[k : k + length]), index
    return None


def _untruth_set_aside(claim: _Tokens, sentence: _Tokens, k: int) -> bool:
    """Whether the untruth word at `k` is rejected (`_untruth_rejected`) or calls untrue a thing told after it that is
    not the statement (`_told_after_is_other`): either way the sentence does not call the statement untrue."""
    return _untruth_rejected(sentence, k) or _untruth_negated(sentence, k) or _told_after_is_other(claim, sentence, k)


def _untruth_negated(sentence: _Tokens, k: int) -> bool:
    """Whether the untruth word at `k` is itself negated: "it was not a hoax", "the photo isn't fake", "was not
    entirely fabricated". Only stop words and adverbs may come between ("there is no doubt the video is fake" and
    "nothing but a hoax" call it untrue); a denial verb is no such negation ("denies the bogus claim")."""
    for j in range(k - 1, max(-1, k - 4), -1):
        word = sentence.lower[j]
        if sentence.negations[j]:
            return word not in _DENIALS and word not in _REFUSALS
        if word in _CONTRASTS or not (word in _STOP or word.endswith("ly")):
            return False
    return False


_CONTRASTS = _word_set("but except than")
_REFUSALS = _word_set("refused refuses")


# Verbs by which a source rejects what it reports.
_REJECTING = _word_set(
    "reject rejects rejected rejecting dismiss dismisses dismissed dismissing deny denies denied denying refute "
    "refutes refuted refuting"
)
# Words after which a noun's content is told: "rumours that ...", "a hoax about ...", "reports of ...".
_ABOUT = _word_set("that of about")


def _untruth_rejected(sentence: _Tokens, k: int) -> bool:
    """Whether the untruth word at `k` is inside what the sentence rejects: "the minister rejected claims that the
    report was false" says the report is true."""
    for j in range(max(0, k - 12), k):
        if sentence.lower[j] in _REJECTING:
            between = sentence.lower[j + 1 : k]
            return "that" in between and any(w in _TOLD or w in HEARSAY for w in between)
    return False


def _told_after_is_other(claim: _Tokens, sentence: _Tokens, k: int) -> bool:
    """Whether what the untruth word at `k` calls untrue is told after it and is not the statement: "dismissed as
    false the rumours that the mayor would resign", "debunked a hoax about aliens on the moon" (what is told shares
    fewer than two of the statement's content words, and under a quarter of them)."""
    for j in range(k, min(len(sentence.lower) - 1, k + 4)):
        if (sentence.lower[j] in _TOLD or sentence.lower[j] in DEBUNKING) and sentence.lower[j + 1] in _ABOUT:
            shared = len(set(sentence.stems[j + 2 :]) & claim.content)
            return shared < 2 and shared < len(claim.content) / 4
    return False


# Nouns for a story as it is told: "a fake story", "a bogus report", "a hoax video" call the story untrue.
_TOLD = _word_set(
    """story stories report reports news claim claims rumour rumours rumor rumors photo photos photograph photographs
    picture pictures image images video videos footage clip article articles headline headlines tweet tweets post
    posts quote quotes site website websites account accounts"""
)


def _calls_other_thing(claim: _Tokens, sentence: _Tokens, k: int) -> bool:
    """Whether the untruth word at `k` describes a noun right after it that is neither a word of the statement nor a
    word for a story as it is told ("travelling with a fake ID", "the French satirical magazine"): it calls that thing
    untrue, not the statement."""
    if sentence.lower[k] not in DEBUNKING:  # a phrase ("not true", "no evidence") describes no noun after it
        return False
    # The noun described is the last of the (up to three) plain words that follow, side by side ("fake charity
    # collectors": the collectors; "completely false," agent ... said: none), unless one of them is a word for a
    # story ("a fake news site", "the unfounded rumors").
    end = k
    while (
        end + 1 < min(len(sentence.lower), k + 4)
        and sentence.lower[end] not in _TOLD
        and sentence.lower[end + 1].isalpha()
        and sentence.lower[end + 1] not in _STOP
        and not sentence.capital[end + 1]
        and _adjacent(sentence, end)
    ):
        end += 1
    return end > k and sentence.lower[end] not in _TOLD and sentence.stems[end] not in claim.content


def _adjacent(sentence: _Tokens, k: int) -> bool:
    """Whether words `k` and `k + 1` stand side by side in the sentence's text, with no punctuation between them."""
    first, second = re.escape(sentence.spelled[k]), re.escape(sentence.spelled[k + 1])
    return re.search(rf"\b{first}\s+{second}\b", sentence.text) is not None


def _asserts_less(sentence: _Tokens, claim: _Tokens) -> bool:
    """Whether a source sentence hedges (`hedges`) or reports what others claim ("a profile claims he made $72
    million") where the statement does neither: what it says is not the source's own word, for or against. A
    question asserts nothing (a source sentence that asks, or a statement with a question mark anywhere: "Rock star
    dead? Fans freak out over rumours"), and a denial (either side: "the group denied agreeing to a truce")
    reports what someone says is not so, which a source that says it is does not contradict. A statement that calls
    a story untrue ("Culkin found dead: a hoax") asserts the opposite of its own words: a negation in the source
    ("he was not found dead") is no opposite claim."""
    if _asks(claim) or _question(sentence):
        return True
    if not claim.lower_set.isdisjoint(_DENIALS) or not sentence.lower_set.isdisjoint(_DENIALS):
        return True
    if not claim.lower_set.isdisjoint(DEBUNKING):
        return True
    if _unconfirmed(sentence) and not _unconfirmed(claim):
        return True
    if _hedging(claim) or not claim.lower_set.isdisjoint(HEARSAY):
        return False
    return bool(_hedging(sentence)) or not sentence.lower_set.isdisjoint(HEARSAY)


_DENIALS = _word_set("deny denies denied denying")
# A statement that reports a story denied or refuted ("Judd Nelson rebuffs rumours that he died") agrees with a source
# that calls the story untrue. FNC-1 fresh, tune and dev halves: 6 false alarms of 6 calls.
_REFUTING = _REJECTING | _word_set("rebut rebuts rebutted rebuff rebuffs rebuffed disavow disavows disavowed")
_DOUBT_WORDS = DEBUNKING | _REFUTING | _DOUBTING
# The words without which a passage neither denies nor falls short of anything (`negated_in_passage`'s quick test:
# "close", not "to").
_PASSAGE_CUES = _REJECTING | _SHORT_OF | frozenset(phrase[0] for phrase in _SHORT_OF_PHRASES)

# Words for what someone is accused of, as told: not the story's own words ("the allegations are false").
_CHARGES = HEARSAY | _word_set("allegation allegations accusation accusations charge charges")
# Words by which a sentence tells what others say, deny or suspect rather than what is so.
_NOT_OWN_WORD = HEARSAY | _REJECTING | _REPORTING | _word_set("suspect suspected apparently")


_UNCERTAIN = _word_set("unconfirmed unclear unverified uncertain")
_CONFIRMING = _word_set("confirm confirms confirmed confirmation verify verified verification clear notification")


def _unconfirmed(tokens: _Tokens) -> bool:
    """Whether a sentence says that something is not known or not confirmed ("the reports have not been confirmed",
    "no confirmation of cases", "it is unclear"): it tells what is not known, not that the opposite is so, and
    sources nothing either (`hedges`)."""
    return bool(_uncertainty(tokens))


def _uncertainty(tokens: _Tokens) -> list[str]:
    """The words by which a sentence says that something is unconfirmed (see `_unconfirmed`), as it spells them."""
    found = []
    for k, word in enumerate(tokens.lower):
        if word in _UNCERTAIN:
            found.append(tokens.spelled[k])
        elif word in _CONFIRMING:
            before = [j for j in range(max(0, k - 3), k) if tokens.negations[j]]
            if before:
                found.append(" ".join(tokens.spelled[before[0] : k + 1]))
    return found


def _question(tokens: _Tokens) -> bool:
    return tokens.text.rstrip().endswith("?")


def _asks(claim: _Tokens) -> bool:
    """Whether a statement asks its story, at its end or before what it adds ("Batmobile stolen in Detroit? Good one,
    joker!", "Rock star dead? Fans freak out over rumours")."""
    return "?" in claim.text

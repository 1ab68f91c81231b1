"""Checks: the checkable facts of a statement (numbers, dates, names, negation, quoted words) compared with the
passage and source it is weighed against; a mismatch about the same thing is a conflict."""

from __future__ import annotations

import difflib
import math
from collections.abc import Iterator, Sequence

from rapidfuzz import fuzz

from verify.judge.retrieval import _is_title
from verify.judge.tokens import (
    _NEGATIONS,
    _STOP,
    _compatible,
    _Document,
    _kind,
    _plain,
    _Tokens,
    _unknown_name,
)

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
    found: set[str] = set()
    for step in (-1, 1):
        j = k + step
        while 0 <= j < len(tokens.lower) and abs(j - k) <= 3:
            word = tokens.lower[j]
            if word not in _STOP and word.isalpha() and not tokens.capital[j]:
                found.add(tokens.stems[j])
                break
            j += step
    return found


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
            theirs = sentence.negated_stems
            for stem in sorted(clause.content & sentence.content, key=clause.stems.index):
                if stem in ours and stem in theirs and ours[stem] != theirs[stem] and stem not in _NEGATIONS:
                    return [_negation_conflict(clause, stem, ours[stem])]
    return []


def _negation_conflict(statement: _Tokens, stem: str, negated: bool) -> str:
    """The conflict, naming the statement's word for `stem`, which the statement negates (or not) and the source not
    (or does)."""
    said, other = ("negates", "does not") if negated else ("does not negate", "does")
    word = next(w for w, t in zip(statement.lower, statement.stems, strict=True) if t == stem)
    return f"negation: the statement {said} {word!r} where the source {other}"


def _negation_conflicts(claim: _Tokens, sentences: Sequence[_Tokens]) -> list[str]:
    """A word the statement negates and the source asserts, or the reverse ("does not charge" vs "charges")."""
    ours = claim.negated_stems
    for sentence in sentences:
        if len(claim.content & sentence.content) < 0.6 * max(len(claim.content), 1):
            continue
        theirs = sentence.negated_stems
        for stem, negated in ours.items():
            if stem in theirs and theirs[stem] != negated and stem not in _NEGATIONS:
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
        item
        for sentence in sentences
        for item in zip(sentence.quantities, sentence.neighbours, sentence.contexts, strict=True)
    ]
    said = {(_kind(q), q.value) for q in claim.quantities}
    conflicts: list[str] = []
    for q, near, around in zip(claim.quantities, claim.neighbours, claim.contexts, strict=True):
        if any(_compatible(q, p) for p in given):
            continue
        for p, theirs, their_context in beside:
            if _kind(p) != _kind(q) or (_kind(p), p.value) in said:  # one the statement gives too is no other value
                continue
            if near & theirs and len(around & their_context) >= 2:
                kind = _KIND_WORDS[q.kind]
                conflicts.append(f"{kind}: the statement says {q.text!r}, the source says {p.text!r}")
                break
    return conflicts


def _aligned_conflicts(claim: _Tokens, sentences: Sequence[_Tokens]) -> list[str]:
    """Names and negation: align the claim with its closest sentence and look at what was swapped in or out."""
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
        return []
    _ratio, sentence, matcher = best
    everywhere = {w for t in sentences for w in t.lower}
    conflicts: list[str] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal" or i2 - i1 > 3 or j2 - j1 > 3:
            continue
        ours_negated = any(claim.negations[i1:i2])
        if ours_negated != any(sentence.negations[j1:j2]):
            said, other = ("negates", "does not") if ours_negated else ("does not negate", "does")
            conflicts.append(f"negation: the statement {said} what the source {other}")
        if op != "replace":
            continue
        ours = [k for k in range(i1, i2) if claim.capital[k] and claim.lower[k] in claim.names]
        theirs = [k for k in range(j1, j2) if sentence.capital[k] and sentence.lower[k] in sentence.names]
        if ours and theirs and len(ours) == i2 - i1 and not any(claim.lower[k] in everywhere for k in ours):
            said = " ".join(claim.spelled[i1:i2])
            other = " ".join(sentence.spelled[j1:j2])
            conflicts.append(f"name: the statement says {said!r}, the source says {other!r}")
    return conflicts


def _quote_conflicts(quotes: Sequence[str], plain: str, document_plain: str) -> list[str]:
    conflicts: list[str] = []
    for q in quotes:
        wanted = _plain(q)
        if wanted in document_plain or len(wanted.split()) < 3 or _is_title(q):
            continue
        alignment = fuzz.partial_ratio_alignment(wanted.strip(), plain.strip())
        if alignment is not None and alignment.score >= 75:
            found = plain.strip()[alignment.dest_start : alignment.dest_end]
            conflicts.append(f"quote: the statement quotes {q!r}, the source has {found!r}")
    return conflicts

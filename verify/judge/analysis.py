"""One claim against one source: retrieval, the checks and the model's features together, kept so that each pair is
worked out once a run."""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from verify.judge.checks import (
    _aligned_conflicts,
    _antonym_conflicts,
    _asks,
    _clause_name_conflicts,
    _clause_negation_conflicts,
    _closest_alignment,
    _negation_conflicts,
    _number_conflicts,
    _question,
    _quote_conflicts,
    _quote_frame_conflicts,
    _role_conflicts,
    _swap_conflicts,
    debunked,
    denied_too,
    future_only,
    hedges,
    held_until,
    missing_words,
    negated_in_passage,
    rare_words,
    superlative_weakened,
    told_as_fact,
    under_way,
    untrue_call,
    untrue_unasserted,
    weaker_quantifier,
    word_keys,
    word_replaced,
)
from verify.judge.model import FEATURES, Features
from verify.judge.retrieval import (
    _is_title,
    _name_coverage,
    _NumberMatch,
    _quotes,
    _quotes_verbatim,
    _rare_missing,
    _rare_names_missing,
    _Weights,
    _Window,
    _window_at,
    _window_score,
    _windows,
)
from verify.judge.tokens import _WEEKDAYS, _claim_tokens, _Document, _document, _plain, _Tokens


@dataclass(frozen=True)
class _Analysis:
    window: _Window | None
    features: Features
    conflicts: tuple[str, ...]
    quotes_ok: bool
    #: What keeps the best passage from carrying the whole statement, in words ("the passage does not say 'x'").
    gaps: tuple[str, ...] = ()
    #: The best passages that do not overlap, best first (`window` and up to two more): what an entailment model reads.
    passages: tuple[_Window, ...] = ()
    #: The sentence that holds the conflicts when it is not in `window` (a sentence calling the story untrue): the
    #: evidence a disputed label quotes.
    conflict_window: _Window | None = None


def _analyse(claim_text: str, sentences: Sequence[str]) -> _Analysis:
    return _analysed(claim_text, tuple(sentences))


def _unless_denied_too(found: list[str], claim: _Tokens, doc: _Document) -> list[str]:
    """Negation conflicts found word by word, unless the source denies in a sentence of its own what the statement
    denies (`denied_too`). The one found by aligning the statement with its closest sentence is kept: a sentence that
    differs by its negation alone contradicts the statement whatever else the source says."""
    return [] if found and denied_too(claim, doc) else found


@functools.lru_cache(maxsize=4096)
def _analysed(claim_text: str, sentences: tuple[str, ...]) -> _Analysis:
    """The analysis of one claim against one source; kept, so a run can analyse each pair while other sources are
    still being fetched and judge every statement at the end without doing it again."""
    claim = _claim_tokens(claim_text)
    doc = _document(sentences)
    quotes = _quotes(claim_text)
    weights = _Weights(claim, doc)
    windows = _windows(doc, weights)
    if not windows:
        nothing = float(not claim_text)  # an empty claim has no numbers, names or quotes to miss
        values = dict.fromkeys(FEATURES, 0.0) | dict.fromkeys(
            ("number_coverage", "name_coverage", "quote_verbatim", "quotes_found"), nothing
        )
        features = Features(**values)
        return _Analysis(None, features, (), not quotes)
    numbers = _NumberMatch(claim, doc)
    ranked = sorted(windows, key=lambda w: _window_score(claim, weights, numbers, w), reverse=True)
    best = ranked[0]
    second = next((w for w in ranked[1:] if w.end <= best.start or w.start >= best.end), None)
    third = (
        next(
            (w for w in ranked[1:] if all(w.end <= o.start or w.start >= o.end for o in (best, second))),
            None,
        )
        if second
        else None
    )
    passage = best.merged
    passage_lower = passage.lower_set
    total = weights.total or 1.0
    missing = [stem for stem in weights.of if stem not in passage.content]
    pair = passage.content | (second.merged.content if second else frozenset())
    triple = pair | (third.merged.content if third else frozenset())
    top_weight = max(weights.of.values(), default=1.0) or 1.0
    bigram = len(claim.bigrams & passage.bigrams) / len(claim.bigrams) if claim.bigrams else 1.0
    plain = len(claim.content & passage.content) / len(claim.content) if claim.content else 1.0
    quote_share = _quotes_verbatim(quotes, passage.plain)
    document_plain = _plain(" ".join(doc.sentences)) if quotes else ""
    quotes_found = all(_plain(q) in document_plain or _is_title(q) for q in quotes)
    conflicts: list[str] = []
    coverage = weights.coverage(passage.content)
    best_sentences = doc.tokens[best.start : best.end]
    # The statement aligned with its closest sentence: worked out once, when a check first asks for it.
    alignment = functools.cache(lambda: _closest_alignment(claim, best_sentences))
    if coverage >= 0.5 or plain >= 0.5:
        conflicts += _number_conflicts(claim, best_sentences)
        conflicts += _quote_conflicts(quotes, passage.plain, document_plain)
        aligned = _aligned_conflicts(claim, best_sentences, alignment())
        if not any(c.startswith("negation") for c in aligned):
            aligned += _unless_denied_too(_negation_conflicts(claim, best_sentences), claim, doc)
        conflicts += aligned
        conflicts += _antonym_conflicts(claim, best_sentences)
        conflicts += _swap_conflicts(claim, best_sentences)
        conflicts += _role_conflicts(claim, best_sentences)
        conflicts += _quote_frame_conflicts(claim_text, best.text)
    document_coverage = weights.coverage(doc.content)
    if document_coverage >= 0.5:  # the source is about the statement: its clauses are looked for sentence by sentence
        if not any(c.startswith("negation") for c in conflicts):
            conflicts += _unless_denied_too(_clause_negation_conflicts(claim, doc), claim, doc)
        if not any(c.startswith("name") for c in conflicts):
            conflicts += _clause_name_conflicts(claim, doc)
    earlier = bool(conflicts)  # found in the best passage, or clause by clause
    untrue = untrue_call(claim, doc) or told_as_fact(claim, doc)  # it finds the sentences about the statement
    conflicts += [untrue[0]] if untrue else []
    if claim.negated_outside_quotes and any(c.startswith("negation") for c in conflicts) and debunked(claim, doc):
        # A statement that denies a story, and a source that calls the story untrue: they agree, whatever sentence of
        # the source tells the story without a negation.
        conflicts = [c for c in conflicts if not c.startswith("negation")]
    # When calling the story untrue is the only conflict, the sentence that does so is the evidence to quote.
    conflict_window = _window_at(doc, untrue[1], untrue[1] + 1) if untrue and not earlier else None
    claim_plain, passage_plain = claim.plain.strip(), passage.plain.strip()
    missing_here = missing_words(claim, passage.content, word_keys(passage.lower))
    missing_anywhere = missing_words(claim, doc.content, doc.keys)
    closest = max(doc.tokens[best.start : best.end], key=lambda t: len(claim.content & t.content))
    hedging = hedges(claim, closest)
    gaps = []
    if missing_anywhere:
        gaps.append("the source never says " + ", ".join(map(repr, missing_anywhere)))
    elif missing_here:
        gaps.append("the passage does not say " + ", ".join(map(repr, missing_here)))
    if hedging:
        gaps.append("the passage hedges (" + ", ".join(map(repr, dict.fromkeys(hedging))) + ")")
    future = future_only(claim, closest)
    if future:
        gaps.append(f"the passage tells it as to come ({future!r})")
    going = under_way(claim, closest)
    if going:
        gaps.append(f"the passage tells it as under way ({going!r})")
    ended = held_until(claim, closest)
    if ended:
        gaps.append(f"the passage says it held only {ended!r}")
    asked = _question(closest) and not _asks(claim)  # "Is the video of the mayor dancing fake?"
    if asked:
        gaps.append("the passage only asks it")
    denied = (
        negated_in_passage(claim, best_sentences)
        or weaker_quantifier(claim, best_sentences)
        or superlative_weakened(claim, best_sentences)
        or word_replaced(claim, alignment, missing_anywhere)
    )
    if denied:
        gaps.append(denied)
    doubted = untrue_unasserted(claim, doc)  # a statement that asks or hedges: never `untrue`
    if doubted:
        gaps.append(f"the source calls it untrue ({doubted!r})")
    near = doc.tokens[max(0, best.start - 1) : best.end + 1]
    weekdays = [w for w in dict.fromkeys(claim.lower) if w in _WEEKDAYS and not any(w in t.lower_set for t in near)]
    unsaid = {m.casefold() for m in missing_anywhere}  # said already: "the source never says 'Monday'"
    if [w for w in weekdays if w not in unsaid]:
        gaps.append("the passage does not say " + ", ".join(repr(w.capitalize()) for w in weekdays if w not in unsaid))
    number_coverage = numbers.coverage(passage.quantities)
    name_coverage = _name_coverage(claim, passage_lower)
    features = Features(
        coverage=coverage,
        plain_coverage=plain,
        bigram_coverage=bigram,
        number_coverage=number_coverage,
        name_coverage=name_coverage,
        quote_verbatim=quote_share,
        token_set_ratio=fuzz.token_set_ratio(claim_plain, passage_plain) / 100.0,
        partial_ratio=fuzz.partial_ratio(claim_plain, passage_plain) / 100.0,
        document_coverage=document_coverage,
        pair_coverage=weights.coverage(pair),
        missing_weight=sum(weights.of[s] for s in missing) / total,
        missing_count=float(len(missing)),
        claim_length=math.log1p(len(claim.content)),
        negation_mismatch=float(any(c.startswith("negation") for c in conflicts)),
        conflict=float(bool(conflicts)),
        has_numbers=float(bool(claim.quantities)),
        document_number_coverage=numbers.coverage(doc.quantities),
        document_name_coverage=_name_coverage(claim, doc.lower),
        triple_coverage=weights.coverage(triple),
        max_missing_weight=max((weights.of[s] for s in missing), default=0.0) / top_weight,
        weakest_coverage=min(coverage, number_coverage, name_coverage, quote_share),
        quotes_found=float(quotes_found),
        rare_missing_count=float(_rare_missing(claim, doc)),
        rare_names_missing=float(len(_rare_names_missing(claim, doc))),
        negation_unmatched=float(
            claim.negated_outside_quotes
            and not any(any(t.negations) for w in (best, second, third) if w for t in doc.tokens[w.start : w.end])
        ),
        passage_missing=float(len(missing_here)),
        passage_missing_share=len(missing_here) / max(len(claim.content), 1),
        near_number_coverage=numbers.coverage([q for t in near for q in t.quantities]),
        source_missing=float(len(missing_anywhere)),
        source_missing_share=len(missing_anywhere) / max(len(claim.content), 1),
        hedged=float(bool(hedging) or bool(future) or bool(going) or bool(ended) or asked),
        weekdays_missing=float(len(weekdays)),
        source_rare_missing=float(len(rare_words(missing_anywhere))),
        called_untrue=float(bool(doubted)),
        passage_negates=float(bool(denied)),
    )
    passages = tuple(w for w in (best, second, third) if w is not None)
    unique = tuple(dict.fromkeys(conflicts))
    return _Analysis(best, features, unique, quotes_found, tuple(gaps), passages, conflict_window)


def prepare(claims: Iterable[str], sentences: Sequence[str]) -> None:
    """Analyse each claim against a source now, so that `assess` later finds the work done."""
    for claim in claims:
        _analyse(claim, sentences)


def claim_features(claim: str, sentences: Sequence[str]) -> Features:
    """The model's input for a claim against a source's sentences (for training in bench/)."""
    return _analyse(claim, sentences).features

"""Retrieval: the passages (windows of 1-3 consecutive sentences) of a source worth reading for a statement, and how
much of the statement each carries (weighted content words, bigrams, numbers, names, quoted words)."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from verify.judge.tokens import (
    _QUOTED,
    _STOP,
    _claim_tokens,
    _common_words,
    _Document,
    _document,
    _gives,
    _plain,
    _Quantity,
    _stem,
    _Tokens,
    _unknown_name,
)
from verify.text import fold_typography, words


@dataclass(frozen=True)
class _Window:
    start: int
    end: int
    text: str
    tokens: _Tokens
    merged: _Tokens


def _merge(parts: Sequence[_Tokens], text: str) -> _Tokens:
    return _Tokens(
        text=text,
        lower=tuple(w for p in parts for w in p.lower),
        stems=tuple(w for p in parts for w in p.stems),
        capital=tuple(c for p in parts for c in p.capital),
        content=frozenset().union(*(p.content for p in parts)),
        bigrams=frozenset().union(*(p.bigrams for p in parts)),
        quantities=tuple(q for p in parts for q in p.quantities),
        names=frozenset().union(*(p.names for p in parts)),
        negated=any(p.negated for p in parts),
    )


class _Weights:
    """A claim's content stems, each weighted by its idf in one document (a stem few sentences use tells more), and
    their total: worked out once per analysis, for the many passages the claim is weighed against."""

    def __init__(self, claim: _Tokens, doc: _Document) -> None:
        top = math.log((len(doc.tokens) + 1) / 0.5)
        self.of = {stem: max(doc.idf.get(stem, top), 0.1) for stem in sorted(claim.content)}
        self.items = tuple(self.of.items())
        self.total = sum(self.of.values())

    def coverage(self, passage: frozenset[str]) -> float:
        """The weighted share of the claim's content stems that `passage` has (1.0 for a claim without any)."""
        if not self.total:
            return 1.0
        return sum([w for stem, w in self.items if stem in passage]) / self.total


class _NumberMatch:
    """Which of a document's quantities give each quantity of the claim (`_gives`), worked out once per analysis: the
    claim is weighed against many windows of the same document, and windows share the document's quantity objects.

    `coverage(quantities)`, the quantities of that document or of a window of it, is the share of the claim's
    quantities that one of them gives (1.0 for a claim without numbers); `not_given` are those none of the document
    gives, as the claim writes them."""

    def __init__(self, claim: _Tokens, doc: _Document) -> None:
        self._claim = claim.quantities
        self._given_by = tuple(frozenset(id(p) for p in doc.quantities if _gives(p, q)) for q in claim.quantities)

    def coverage(self, quantities: Sequence[_Quantity]) -> float:
        if not self._given_by:
            return 1.0
        present = {id(p) for p in quantities}
        return sum(1 for givers in self._given_by if not givers.isdisjoint(present)) / len(self._given_by)

    def not_given(self) -> list[str]:
        return [q.text for q, givers in zip(self._claim, self._given_by, strict=True) if not givers]


def _rare_names_missing(claim: _Tokens, doc: _Document) -> list[str]:
    """The statement's names that the source never uses and that are not English words (`_unknown_name`): a source
    that never names the person cannot be what says they did it."""
    return [name for name in sorted(claim.names, key=claim.lower.index) if _unknown_name(name, doc)]


def _name_coverage(claim: _Tokens, passage_lower: frozenset[str]) -> float:
    if not claim.names:
        return 1.0
    return sum(1 for name in claim.names if name in passage_lower or _stem(name) in passage_lower) / len(claim.names)


def _quotes(claim_text: str) -> list[str]:
    """Quoted passages of the claim, split at elisions ("[...]", "...") into the parts that must appear verbatim."""
    parts = []
    for quote in _QUOTED.findall(fold_typography(claim_text)):
        parts += [p.strip() for p in re.split(r"\[\.\.\.\]|\[…\]|\.\.\.", quote) if words(p)]
    return parts


def _is_title(quote: str) -> bool:
    """Quoted titles ("Master of Puppets") are names of works, often printed without quotes or differently."""
    tokens = [t for t in words(quote) if t.lower() not in _STOP]
    return bool(tokens) and sum(t[:1].isupper() or t[:1].isdigit() for t in tokens) >= 0.6 * len(tokens)


def _quotes_verbatim(quotes: Sequence[str], passage_plain: str) -> float:
    if not quotes:
        return 1.0
    return sum(1 for q in quotes if _plain(q) in passage_plain) / len(quotes)


def _windows(doc: _Document, weights: _Weights, keep: int = 6) -> list[_Window]:
    """Windows of 1-3 consecutive sentences around the sentences that share the most weighted words with the claim."""
    # Each sentence's weighted share of the claim, added up stem by stem through the document's postings (a long
    # source has hundreds of sentences, most without any of the claim's words).
    shared: dict[int, float] = {}
    for stem, weight in weights.items:
        for i in doc.postings.get(stem, ()):
            shared[i] = shared.get(i, 0) + weight
    scored = sorted(((shared.get(i, 0), i) for i in range(len(doc.tokens))), reverse=True)[:keep]
    seen: set[tuple[int, int]] = set()
    windows: list[_Window] = []
    n = len(doc.tokens)
    for _score, i in scored:
        for size in (1, 2, 3):
            for start in range(max(0, i - size + 1), min(i, n - size) + 1):
                span = (start, start + size)
                if span in seen:
                    continue
                seen.add(span)
                windows.append(_window_at(doc, start, start + size))
    return windows


def _window_at(doc: _Document, start: int, end: int) -> _Window:
    """The window of sentences `start`..`end`-1 of a document (kept with the document: claims share them)."""
    window = doc.windows.get((start, end))
    if window is None:
        text = " ".join(doc.sentences[start:end])
        merged = _merge(doc.tokens[start:end], text)
        window = doc.windows[(start, end)] = _Window(start, end, text, doc.tokens[start], merged)
    return window


def _window_score(claim: _Tokens, weights: _Weights, numbers: _NumberMatch, window: _Window) -> float:
    bigram = len(claim.bigrams & window.merged.bigrams) / len(claim.bigrams) if claim.bigrams else 0.0
    return (
        weights.coverage(window.merged.content)
        + 0.3 * bigram
        + 0.2 * numbers.coverage(window.merged.quantities)
        - 0.03 * (window.end - window.start - 1)
    )


def _rare_missing(claim: _Tokens, doc: _Document) -> int:
    """The statement's content words that the source never uses and that are rare in English: a source without
    "Pulitzer" is less likely to carry the claim than one without "currently"."""
    common = _common_words()
    return sum(
        1
        for word, stem in zip(claim.lower, claim.stems, strict=True)
        if stem in claim.content and stem not in doc.content and word not in common
    )


def statement_terms(statement: str) -> frozenset[str]:
    """The terms by which a statement finds the sources worth weighing it against (`verify.pipeline`): its content
    stems and its numbers as written (`source_terms` gives a source's)."""
    tokens = _claim_tokens(statement)
    return tokens.content | {q.text.lower() for q in tokens.quantities}


def source_terms(sentences: Sequence[str]) -> frozenset[str]:
    """A source's content stems and numbers as written (see `statement_terms`)."""
    doc = _document(tuple(sentences))
    return doc.content | {q.text.lower() for q in doc.quantities}

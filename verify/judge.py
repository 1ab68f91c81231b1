"""Judging: labels each statement sourced, unsourced or disputed from its sources, with reason and evidence.

How a statement is judged against one source text:
1. the source's sentences form windows of 1-3 consecutive sentences; a word-overlap (BM25-like) prefilter keeps
   the windows around the best few sentences, and a finer score (weighted coverage of the claim's content words,
   bigrams, numbers, names, quoted words) picks the best passage;
2. features of the claim against that passage (and the rest of the source) go through a small logistic model
   shipped in `verify/data/judge_model.json` (trained by `bench/train_judge.py` on WiCE dev) to give a support score;
3. checkable facts (numbers, dates, names, negation, quoted words) are compared between the claim and the passage
   when the passage is about the same thing: a mismatch is a conflict, and a conflict disputes the statement.
Everything is pure Python on strings; nothing is downloaded.
"""

from __future__ import annotations

import difflib
import enum
import functools
import gzip
import itertools
import json
import math
import re
import urllib.parse
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from importlib import resources

import snowballstemmer
from rapidfuzz import fuzz

from verify.text import NUMBER_SCALES, NUMBER_TENS, NUMBER_UNITS, evidence_sentences, fold_typography, words


class Label(str, enum.Enum):
    SOURCED = "sourced"
    UNSOURCED = "unsourced"
    DISPUTED = "disputed"


class SourceRole(str, enum.Enum):
    OWN = "own citation"
    OTHER = "other citation"
    ATTRIBUTED = "attributed document"


@dataclass(frozen=True)
class Source:
    """A candidate source of a statement; `sentences` is None when its text could not be had (`unavailable` says why)."""

    url: str
    role: SourceRole
    sentences: tuple[str, ...] | None
    unavailable: str | None = None
    capture_url: str | None = None


@dataclass(frozen=True)
class Evidence:
    quote: str
    url: str
    capture_url: str | None
    permalink: str
    role: SourceRole
    score: float
    #: The statement's numbers and content words that the quoted passage does not have, as the statement writes them
    #: (at most `MAX_UNMATCHED`): what a reader has to find elsewhere, or take on trust, even when the passage
    #: carries it.
    unmatched: tuple[str, ...] = ()


@dataclass(frozen=True)
class Verdict:
    """The label of a statement; `score` is the support score (0..1) of the best evidence passage found."""

    statement_id: str
    label: Label
    reason: str
    evidence: tuple[Evidence, ...]
    score: float
    conflicts: tuple[str, ...]


@dataclass(frozen=True)
class Assessment:
    """A claim against one source text: its best passage (sentences `start`..`end`-1), support score and conflicts."""

    claim: str
    passage: str
    start: int
    end: int
    score: float
    supported: bool
    conflicts: tuple[str, ...]
    features: tuple[float, ...]


# ---------------------------------------------------------------------------------------------------------------
# Tokens


def _word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


_STOP = _word_set(
    """a about above after again against all also am an and any are aren't as at be because been before being below
    between both but by can could did do does doing down during each few for from further had has have having he her
    here hers herself him himself his how i if in into is it its it's itself just let me more most my myself nor of
    off on once only or other our ours ourselves out over own same she should so some such than that that's the their
    theirs them themselves then there these they this those through to too under until up very was we were what when
    where which while who whom why will with would you your yours yourself yourselves one ones which whose however
    although though thus also since among within upon via per said says say according new well many much us"""
)
_NEGATIONS = _word_set(
    "not no never none nobody nothing neither nor without cannot can't won't don't doesn't didn't isn't aren't "
    "wasn't weren't hasn't haven't hadn't couldn't shouldn't wouldn't denied denies deny refused refuses"
)
_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_WEEKDAYS = _word_set("monday tuesday wednesday thursday friday saturday sunday")
_UNITS = NUMBER_UNITS
_TENS = NUMBER_TENS
_SCALES = {word: float(n) for word, n in NUMBER_SCALES.items()}
_DIGITS = re.compile(r"^\d{1,3}(?:,\d{3})+$|^\d+(?:\.\d+)?$")
_ORDINAL = re.compile(r"^(\d+)(?:st|nd|rd|th)$")
_DECADE = re.compile(r"^(\d{4})s$")
_QUOTED = re.compile(r'"([^"]{2,}?)"')
_COMPARATORS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("more", "than"), ">"),
    (("greater", "than"), ">"),
    (("at", "least"), ">"),
    (("over",), ">"),
    (("exceeding",), ">"),
    (("less", "than"), "<"),
    (("fewer", "than"), "<"),
    (("up", "to"), "<"),
    (("under",), "<"),
    (("nearly",), "~"),
    (("almost",), "~"),
    (("about",), "~"),
    (("around",), "~"),
    (("approximately",), "~"),
    (("roughly",), "~"),
    (("some",), "~"),
    (("estimated",), "~"),
)


_STEMMER = snowballstemmer.stemmer("english")


_COMPARATOR_ENDS = frozenset(phrase[-1] for phrase, _sign in _COMPARATORS)


@functools.lru_cache(maxsize=65536)
def _stem(word: str) -> str:
    """Snowball (Porter 2) stem, so that "killed", "kills" and "killing" match."""
    if len(word) <= 3 or not word.isalpha():
        return word.removesuffix("'s")
    return str(_STEMMER.stemWord(word))


@dataclass(frozen=True)
class _Quantity:
    value: float
    kind: str  # count, percent, year, decade, ordinal, month
    comparator: str  # "=", ">", "<", "~"
    first: int
    last: int
    text: str


@dataclass(frozen=True)
class _Tokens:
    """A text as tokens: lower-case forms, stems, capitalisation, content stems, quantities."""

    text: str
    lower: tuple[str, ...]
    stems: tuple[str, ...]
    capital: tuple[bool, ...]
    content: frozenset[str]
    bigrams: frozenset[tuple[str, str]]
    quantities: tuple[_Quantity, ...]
    names: frozenset[str]
    negated: bool

    # Worked out when first asked for, and kept: a statement's and a source sentence's tokens are weighed many times.

    @functools.cached_property
    def plain(self) -> str:
        return _plain(self.text)

    @functools.cached_property
    def spelled(self) -> tuple[str, ...]:
        """The words as the text writes them (`lower` folds their case), for quoting them back."""
        return tuple(words(_prepared_text(self.text)))

    @functools.cached_property
    def lower_set(self) -> frozenset[str]:
        return frozenset(self.lower)

    @functools.cached_property
    def negations(self) -> tuple[bool, ...]:
        """Whether each word negates: "not", "never", "didn't" ..., but not the "not" of "not only ... but"."""
        return tuple(_negation(w) and self.lower[i + 1 : i + 2] != ("only",) for i, w in enumerate(self.lower))

    @functools.cached_property
    def negated_stems(self) -> dict[str, bool]:
        return _negated_stems(self)

    @functools.cached_property
    def negated_outside_quotes(self) -> bool:
        """Whether the text negates something in its own words: a negation in a quotation or a quoted title ("Never
        Be Like You") does not count."""
        return any(any(clause.negations) for clause in self.clauses)

    @functools.cached_property
    def clauses(self) -> tuple[_Tokens, ...]:
        """The text cut at commas, semicolons, colons, dashes, "and" and "but", each clause tokenised; quoted words are
        left out (what a quotation says is checked word for word, not for its polarity)."""
        unquoted = _QUOTED.sub(" ", fold_typography(self.text))
        return tuple(_tokenise(part) for part in _CLAUSE_BREAK.split(unquoted) if part.strip())

    @functools.cached_property
    def neighbours(self) -> tuple[frozenset[str], ...]:
        """For each quantity, the stems of the words next to it."""
        return tuple(frozenset(_neighbours(self, q)) for q in self.quantities)

    @functools.cached_property
    def contexts(self) -> tuple[frozenset[str], ...]:
        """For each quantity, the stems of the words within four of it, stop words left out."""
        return tuple(frozenset(_context(self, q)) for q in self.quantities)


def _prepared_text(text: str) -> str:
    # words() folds typography itself; only the percent sign needs a word of its own.
    return text.replace("%", " percent ").replace("\uff05", " percent ").replace("per cent", "percent")


_NUMERIC_WORDS = frozenset(_UNITS) | frozenset(_TENS) | frozenset(_MONTHS) | {"dozen"}


def _number_word(token: str) -> bool:
    return token in _UNITS or token in _TENS or token in _SCALES or token == "dozen"


def _quantities(lower: Sequence[str], capital: Sequence[bool]) -> tuple[_Quantity, ...]:
    found: list[_Quantity] = []
    i = 0
    n = len(lower)
    while i < n:
        token = lower[i]
        if not token[0].isdigit() and token not in _NUMERIC_WORDS:
            i += 1
            continue
        first = i
        kind = "count"
        value: float | None = None
        if _DIGITS.match(token):
            plain = token.replace(",", "")
            value = float(plain)
            if len(plain) == 4 and "," not in token and "." not in token and 1000 <= value <= 2100:
                kind = "year"
            i += 1
            while i < n and lower[i] in _SCALES:
                value *= _SCALES[lower[i]]
                kind = "count"
                i += 1
        elif (match := _DECADE.match(token)) is not None:
            value, kind = float(match.group(1)), "decade"
            i += 1
        elif (match := _ORDINAL.match(token)) is not None:
            value, kind = float(match.group(1)), "ordinal"
            i += 1
        elif token in _MONTHS and (token != "may" or capital[i]) and (len(token) > 3 or capital[i]):
            value, kind = float(_MONTHS[token]), "month"
            i += 1
        elif _number_word(token) and token not in _SCALES:
            total, current = 0.0, 0.0
            while i < n and (_number_word(lower[i])):
                word = lower[i]
                if word in _UNITS:
                    current += _UNITS[word]
                elif word in _TENS:
                    current += _TENS[word]
                elif word == "dozen":
                    current = (current or 1) * 12
                elif word == "hundred":
                    current = (current or 1) * 100
                else:
                    total += (current or 1) * _SCALES[word]
                    current = 0.0
                i += 1
            value = total + current
        else:
            i += 1
            continue
        if kind == "count" and i < n and lower[i] == "percent":
            kind = "percent"
            i += 1
        comparator = "="
        for phrase, sign in _COMPARATORS if first and lower[first - 1] in _COMPARATOR_ENDS else ():
            if tuple(lower[max(0, first - len(phrase)) : first]) == phrase:
                comparator = sign
                break
        found.append(_Quantity(value, kind, comparator, first, i - 1, " ".join(lower[first:i])))
    return tuple(found)


_HAS_DIGIT = re.compile(r"\d")


def _tokenise(text: str) -> _Tokens:
    raw = words(_prepared_text(text))
    lower = tuple(map(str.lower, raw))
    stems = tuple(map(_stem, lower))
    capital = tuple(t[:1].isupper() for t in raw)
    joined = " ".join(lower)
    maybe_numbers = _HAS_DIGIT.search(joined) is not None or not _NUMERIC_WORDS.isdisjoint(lower)
    quantities = _quantities(lower, capital) if maybe_numbers else ()
    in_quantity = {j for q in quantities for j in range(q.first, q.last + 1)}
    content_seq = [
        s for j, (t, s) in enumerate(zip(lower, stems, strict=True)) if t not in _STOP and j not in in_quantity
    ]
    names = frozenset(
        lower[j]
        for j in range(len(raw))
        if capital[j]
        and lower[j] not in _STOP
        and lower[j] not in _MONTHS
        and lower[j] not in _WEEKDAYS
        and j not in in_quantity
        and raw[j].isalpha()
    )
    return _Tokens(
        text=text,
        lower=lower,
        stems=stems,
        capital=capital,
        content=frozenset(content_seq),
        bigrams=frozenset(itertools.pairwise(content_seq)),
        quantities=quantities,
        names=names,
        negated="n't" in joined or not _NEGATIONS.isdisjoint(lower),
    )


_kept_tokens = functools.lru_cache(maxsize=4096)(_tokenise)


def _claim_tokens(claim: str) -> _Tokens:
    """A statement's tokens, worked out once: it is weighed against every source of its article. Statements over
    2,000 characters (hostile input, not prose) are not kept, so the cache stays small."""
    return _kept_tokens(claim) if len(claim) <= 2000 else _tokenise(claim)


def _negation(token: str) -> bool:
    return token in _NEGATIONS or token.endswith("n't")


@dataclass(frozen=True)
class _Document:
    sentences: tuple[str, ...]
    tokens: tuple[_Tokens, ...]
    idf: dict[str, float]
    content: frozenset[str]
    lower: frozenset[str]
    quantities: tuple[_Quantity, ...]
    # Each content stem, and the sentences that use it (in order).
    postings: dict[str, list[int]]
    # Windows of consecutive sentences, merged once for all the claims weighed against this document.
    windows: dict[tuple[int, int], _Window] = field(default_factory=dict, compare=False, repr=False)

    @functools.cached_property
    def negated(self) -> bool:
        """Whether any sentence has a negation."""
        return any(t.negated for t in self.tokens)


@functools.lru_cache(maxsize=32)
def _document(sentences: tuple[str, ...]) -> _Document:
    tokens = tuple(_tokenise(s) for s in sentences)
    postings: dict[str, list[int]] = {}
    for i, t in enumerate(tokens):
        for stem in t.content:
            postings.setdefault(stem, []).append(i)
    n = len(tokens)
    idf = {stem: math.log((n + 1) / (len(ids) + 0.5)) for stem, ids in postings.items()}
    lower = frozenset(w for t in tokens for w in t.lower)
    quantities = tuple(q for t in tokens for q in t.quantities)
    return _Document(sentences, tokens, idf, frozenset(postings), lower, quantities, postings)


# ---------------------------------------------------------------------------------------------------------------
# Passages


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


def _kind(q: _Quantity) -> str:
    return "count" if q.kind == "ordinal" else q.kind


def _year_shaped_count(a: _Quantity, b: _Quantity) -> bool:
    """Two quantities of different kinds that are one number: "1000 visitors" reads as a year by its shape."""
    return {a.kind, b.kind} == {"year", "count"} and a.value == b.value


def _gives(source: _Quantity, claim: _Quantity) -> bool:
    """Whether the source's quantity establishes the claim's: the same number (within 10% when either is an
    estimate), or a bound at least as strong ("more than 200" gives "more than 100", never "4.2 million")."""
    if _kind(claim) != _kind(source):
        return _year_shaped_count(claim, source)
    a, b = claim.value, source.value
    if "~" in (claim.comparator, source.comparator):
        return abs(a - b) <= 0.1 * max(abs(a), abs(b))
    if claim.comparator == "=":
        return source.comparator == "=" and math.isclose(a, b, rel_tol=1e-9)
    if claim.comparator == ">":
        return (source.comparator == "=" and b > a) or (source.comparator == ">" and b >= a)
    return (source.comparator == "=" and b < a) or (source.comparator == "<" and b <= a)


def _compatible(claim: _Quantity, other: _Quantity) -> bool:
    if _kind(claim) != _kind(other):
        return _year_shaped_count(claim, other)
    a, b = claim.value, other.value
    if math.isclose(a, b, rel_tol=1e-9):
        return True
    if "~" in (claim.comparator, other.comparator):
        return abs(a - b) <= 0.1 * max(abs(a), abs(b))
    if claim.comparator == ">":
        return b > a
    if claim.comparator == "<":
        return b < a
    if other.comparator == ">":
        return a > b
    if other.comparator == "<":
        return a < b
    return False


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


def _unknown_name(name: str, doc: _Document) -> bool:
    """A (lower-case) name that the source never uses, in any form, and that is not an English word ("lindqvist", not
    "bear")."""
    return name not in doc.lower and _stem(name) not in doc.lower and name not in _common_words()


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


def _plain(text: str) -> str:
    return " " + " ".join(words(_prepared_text(text))).lower() + " "


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
                window = doc.windows.get(span)
                if window is None:
                    text = " ".join(doc.sentences[start : start + size])
                    merged = _merge(doc.tokens[start : start + size], text)
                    window = doc.windows[span] = _Window(start, start + size, text, doc.tokens[start], merged)
                windows.append(window)
    return windows


def _window_score(claim: _Tokens, weights: _Weights, numbers: _NumberMatch, window: _Window) -> float:
    bigram = len(claim.bigrams & window.merged.bigrams) / len(claim.bigrams) if claim.bigrams else 0.0
    return (
        weights.coverage(window.merged.content)
        + 0.3 * bigram
        + 0.2 * numbers.coverage(window.merged.quantities)
        - 0.03 * (window.end - window.start - 1)
    )


# ---------------------------------------------------------------------------------------------------------------
# Conflicts


def _context(tokens: _Tokens, q: _Quantity, reach: int = 4) -> set[str]:
    lo, hi = max(0, q.first - reach), min(len(tokens.lower), q.last + reach + 1)
    return {tokens.stems[j] for j in range(lo, hi) if not (q.first <= j <= q.last) and tokens.lower[j] not in _STOP}


def _neighbours(tokens: _Tokens, q: _Quantity) -> set[str]:
    found: set[str] = set()
    for step, edge in ((-1, q.first), (1, q.last)):
        j = edge + step
        while 0 <= j < len(tokens.lower) and tokens.lower[j] in _STOP:
            j += step
        if 0 <= j < len(tokens.lower) and abs(j - edge) <= 2 and (tokens.lower[j].isalpha() or q.kind in _DATE_KINDS):
            found.add(tokens.stems[j])
    return found


_KIND_WORDS = {
    "count": "number",
    "percent": "percentage",
    "year": "year",
    "decade": "decade",
    "ordinal": "number",
    "month": "date",
}


_DATE_KINDS = frozenset({"month", "year"})


def _negated_stems(tokens: _Tokens) -> dict[str, bool]:
    """Each content stem of a text, and whether a negation governs it ("did not reopen": reopen -> True). The
    negation reaches over adverbs to the word they modify ("was not ultimately scrapped": scrapped -> True)."""
    scope: dict[str, bool] = {}
    pending = False
    for word, stem, negates in zip(tokens.lower, tokens.stems, tokens.negations, strict=True):
        if negates:
            pending = True
            continue
        if word in _STOP or not word.isalpha():
            continue
        scope[stem] = scope.get(stem, False) or pending
        pending = pending and _adverb(word)
    return scope


_ADVERBS = _word_set("again also always even ever longer once still yet")


def _adverb(word: str) -> bool:
    return word in _ADVERBS or (len(word) > 4 and word.endswith("ly"))


_CLAUSE_BREAK = re.compile(r"[,;:()\u2013\u2014]|\s-\s|\bbut\b|\bwhile\b|\bwhereas\b|\band\b")


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


# ---------------------------------------------------------------------------------------------------------------
# Model

FEATURES = (
    "coverage",
    "plain_coverage",
    "bigram_coverage",
    "number_coverage",
    "name_coverage",
    "quote_verbatim",
    "token_set_ratio",
    "partial_ratio",
    "document_coverage",
    "pair_coverage",
    "missing_weight",
    "missing_count",
    "claim_length",
    "negation_mismatch",
    "conflict",
    "has_numbers",
    "document_number_coverage",
    "document_name_coverage",
    "triple_coverage",
    "max_missing_weight",
    "weakest_coverage",
    "quotes_found",
    "rare_missing_count",
    "rare_names_missing",
    "negation_unmatched",
)


@dataclass(frozen=True)
class Model:
    """A logistic model over some of FEATURES: p = sigmoid(bias + sum(weight * (x - mean) / scale)).

    `probability` takes the full FEATURES vector and reads the model's own features from it.
    """

    features: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    weights: tuple[float, ...]
    bias: float
    threshold: float

    @functools.cached_property
    def _columns(self) -> tuple[int, ...]:
        """Where each of the model's features sits in the FEATURES vector."""
        return tuple(FEATURES.index(name) for name in self.features)

    def probability(self, values: Sequence[float]) -> float:
        z = self.bias + sum(
            w * (values[i] - m) / s
            for w, i, m, s in zip(self.weights, self._columns, self.mean, self.scale, strict=True)
        )
        z = max(-40.0, min(40.0, z))
        return 1.0 / (1.0 + math.exp(-z))

    @classmethod
    def from_json(cls, data: dict[str, object]) -> Model:
        def floats(key: str) -> tuple[float, ...]:
            value = data[key]
            if not isinstance(value, list) or len(value) != len(names):
                raise ValueError(f"judge model: {key!r} must be a list of one number per feature")
            return tuple(float(v) for v in value)

        features = data["features"]
        if not isinstance(features, list) or not features or any(name not in FEATURES for name in features):
            raise ValueError("judge model: its features do not match this version of verify.judge")
        names = tuple(str(name) for name in features)
        bias, threshold = data["bias"], data["threshold"]
        if not isinstance(bias, (int, float)) or not isinstance(threshold, (int, float)):
            raise ValueError("judge model: 'bias' and 'threshold' must be numbers")
        return cls(names, floats("mean"), floats("scale"), floats("weights"), float(bias), float(threshold))

    def to_json(self) -> dict[str, object]:
        return {
            "features": list(self.features),
            "mean": [round(v, 6) for v in self.mean],
            "scale": [round(v, 6) for v in self.scale],
            "weights": [round(v, 6) for v in self.weights],
            "bias": round(self.bias, 6),
            "threshold": round(self.threshold, 4),
        }


@functools.lru_cache(maxsize=1)
def _common_words() -> frozenset[str]:
    """English words common enough to say little when a source lacks them (verify/data/common_words.txt.gz, made
    by bench/make_common_words.py from wordfreq's data, CC BY-SA 4.0)."""
    raw = resources.files("verify").joinpath("data/common_words.txt.gz").read_bytes()
    return frozenset(line for line in gzip.decompress(raw).decode("utf-8").splitlines() if not line.startswith("#"))


def _rare_missing(claim: _Tokens, doc: _Document) -> int:
    """The statement's content words that the source never uses and that are rare in English: a source without
    "Pulitzer" is less likely to carry the claim than one without "currently"."""
    common = _common_words()
    return sum(
        1
        for word, stem in zip(claim.lower, claim.stems, strict=True)
        if stem in claim.content and stem not in doc.content and word not in common
    )


@functools.lru_cache(maxsize=1)
def default_model() -> Model:
    """The model shipped with the package (verify/data/judge_model.json)."""
    text = resources.files("verify").joinpath("data/judge_model.json").read_text(encoding="utf-8")
    return Model.from_json(json.loads(text))


@dataclass(frozen=True)
class _Analysis:
    window: _Window | None
    features: tuple[float, ...]
    conflicts: tuple[str, ...]
    quotes_ok: bool


def _analyse(claim_text: str, sentences: Sequence[str]) -> _Analysis:
    return _analysed(claim_text, tuple(sentences))


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
        features = tuple(
            0.0
            if name not in ("number_coverage", "name_coverage", "quote_verbatim", "quotes_found")
            else float(not claim_text)
            for name in FEATURES
        )
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
    if coverage >= 0.5 or plain >= 0.5:
        best_sentences = doc.tokens[best.start : best.end]
        conflicts += _number_conflicts(claim, best_sentences)
        conflicts += _quote_conflicts(quotes, passage.plain, document_plain)
        aligned = _aligned_conflicts(claim, best_sentences)
        if not any(c.startswith("negation") for c in aligned):
            aligned += _negation_conflicts(claim, best_sentences)
        conflicts += aligned
    document_coverage = weights.coverage(doc.content)
    if document_coverage >= 0.5:  # the source is about the statement: its clauses are looked for sentence by sentence
        if not any(c.startswith("negation") for c in conflicts):
            conflicts += _clause_negation_conflicts(claim, doc)
        if not any(c.startswith("name") for c in conflicts):
            conflicts += _clause_name_conflicts(claim, doc)
    claim_plain, passage_plain = claim.plain.strip(), passage.plain.strip()
    features = (
        coverage,
        plain,
        bigram,
        numbers.coverage(passage.quantities),
        _name_coverage(claim, passage_lower),
        quote_share,
        fuzz.token_set_ratio(claim_plain, passage_plain) / 100.0,
        fuzz.partial_ratio(claim_plain, passage_plain) / 100.0,
        document_coverage,
        weights.coverage(pair),
        sum(weights.of[s] for s in missing) / total,
        float(len(missing)),
        math.log1p(len(claim.content)),
        float(any(c.startswith("negation") for c in conflicts)),
        float(bool(conflicts)),
        float(bool(claim.quantities)),
        numbers.coverage(doc.quantities),
        _name_coverage(claim, doc.lower),
        weights.coverage(triple),
        max((weights.of[s] for s in missing), default=0.0) / top_weight,
        min(coverage, numbers.coverage(passage.quantities), _name_coverage(claim, passage_lower), quote_share),
        float(quotes_found),
        float(_rare_missing(claim, doc)),
        float(len(_rare_names_missing(claim, doc))),
        float(
            claim.negated_outside_quotes
            and not any(any(t.negations) for w in (best, second, third) if w for t in doc.tokens[w.start : w.end])
        ),
    )
    return _Analysis(best, features, tuple(dict.fromkeys(conflicts)), quotes_found)


def decide(model: Model, features: Sequence[float], probability: float | None = None) -> bool:
    """Sourced when the model's score reaches its threshold, the quoted words and every number of the statement are
    in the source, and nothing conflicts.

    Numbers are looked for in the whole source, not only the best passage: a supported claim's date or figure is
    often a sentence away (on WiCE dev, asking for them in the passage cost 7 points of F1; in the source, under 1).
    A source that never gives the number cannot be what supports it, however much else it shares. `probability` is
    the model's, when the caller has it already.
    """
    named = dict(zip(FEATURES, features, strict=True))
    if probability is None:
        probability = model.probability(features)
    return (
        probability >= model.threshold
        and named["quotes_found"] == 1.0
        and named["document_number_coverage"] == 1.0
        and not named["rare_names_missing"]
        and not named["negation_unmatched"]
        and not named["conflict"]
    )


def prepare(claims: Iterable[str], sentences: Sequence[str]) -> None:
    """Analyse each claim against a source now, so that `assess` later finds the work done."""
    for claim in claims:
        _analyse(claim, sentences)


def claim_features(claim: str, sentences: Sequence[str]) -> tuple[float, ...]:
    """The model's input for a claim against a source's sentences (for training in bench/)."""
    return _analyse(claim, sentences).features


def assess(claim: str, sentences: Sequence[str], model: Model | None = None) -> Assessment:
    """The best passage of `sentences` for `claim`, its support score and any conflict with it."""
    analysis = _analyse(claim, sentences)
    model = model or default_model()
    score = model.probability(analysis.features)
    window = analysis.window
    supported = window is not None and decide(model, analysis.features, score)
    return Assessment(
        claim=claim,
        passage=window.text if window else "",
        start=window.start if window else 0,
        end=window.end if window else 0,
        score=score,
        supported=supported,
        conflicts=analysis.conflicts,
        features=analysis.features,
    )


# ---------------------------------------------------------------------------------------------------------------
# Evidence and permalinks

MAX_QUOTE = 300


def _fragment_encode(text: str) -> str:
    # WICG text fragments: '-', '&' and ',' are syntax, so they must be percent-encoded too.
    return urllib.parse.quote(text, safe="").replace("-", "%2D")


def text_fragment(passage: str) -> str:
    """`#:~:text=` directive for `passage`: the whole text when short, else textStart,textEnd of a few words each."""
    clean = " ".join(passage.split())
    tokens = clean.split(" ")
    if len(clean) <= 80 or len(tokens) <= 10:
        return ":~:text=" + _fragment_encode(clean)
    start, end = " ".join(tokens[:5]), " ".join(tokens[-5:])
    return ":~:text=" + _fragment_encode(start) + "," + _fragment_encode(end)


def permalink(url: str, passage: str) -> str:
    base = url.split("#", 1)[0]
    return f"{base}#{text_fragment(passage)}"


def _short_quote(assessment: Assessment, sentences: Sequence[str]) -> str:
    passage = " ".join(assessment.passage.split())
    if len(passage) <= MAX_QUOTE:
        return passage
    claim = _claim_tokens(assessment.claim)
    best = max(
        (" ".join(s.split()) for s in sentences[assessment.start : assessment.end]),
        key=lambda s: len(claim.content & _tokenise(s).content),
    )
    if len(best) <= MAX_QUOTE:
        return best
    cut = best[: MAX_QUOTE - 3].rsplit(" ", 1)[0]
    return cut + "..."


def _evidence(assessment: Assessment, source: Source, attribution: str | None = None) -> Evidence:
    quote = _short_quote(assessment, source.sentences or ())
    target = source.capture_url or source.url
    return Evidence(
        quote=quote,
        url=source.url,
        capture_url=source.capture_url,
        permalink=permalink(target, quote.removesuffix("...")),
        role=source.role,
        score=round(assessment.score, 4),
        unmatched=_unmatched(assessment.claim, quote, attribution),
    )


MAX_UNMATCHED = 8
# Words that report who said it ("said", "according to", "in a statement"): the passage quoted is the saying, so
# they are never missing from it.
_REPORTING = _word_set(
    """according add added adds announce announced announces claim claimed claims note noted notes report reported
    reports say said saying says show showed shown shows state stated statement statements states tell telling tells
    told write writes wrote written"""
)


def _unmatched(claim_text: str, quote: str, attribution: str | None) -> tuple[str, ...]:
    """The statement's numbers that the quote does not give (`_gives`) and its content words whose stems the quote
    lacks, in the statement's order and spelling; words of its attribution ("according to the engineering report")
    and reporting words ("said", "in a statement") are left out."""
    claim = _claim_tokens(claim_text)
    quoted = _tokenise(quote.removesuffix("..."))
    stems = set(quoted.stems)
    said_by = set(_tokenise(attribution).stems) if attribution else set()
    found: dict[str, tuple[int, str]] = {}
    for q in claim.quantities:
        if not any(_gives(p, q) for p in quoted.quantities):
            found.setdefault(q.text, (q.first, q.text))
    for i, (word, lower, stem) in enumerate(zip(claim.spelled, claim.lower, claim.stems, strict=True)):
        if stem in claim.content and stem not in stems and stem not in said_by and lower not in _REPORTING:
            found.setdefault(lower, (i, word))
    return tuple(text for _, text in sorted(found.values()))[:MAX_UNMATCHED]


# ---------------------------------------------------------------------------------------------------------------
# Verdicts

# A source's `unavailable` reason starts with this when the run chose not to fetch it (--offline): the statement is
# unsourced for want of evidence, and the reason must not say that the source is dead.
NOT_CHECKED = "--offline"
_UNVERIFIABLE = re.compile(
    r"block|rate.?limit|429|403|401|paywall|timed?.?out|timeout|unreachable|refused|too.?large|not.?html|login|captcha",
    re.IGNORECASE,
)


def _unavailable_reason(source: Source) -> str:
    why = source.unavailable or "text not available"
    if why.startswith(NOT_CHECKED):
        return f"not checked: {why}"
    if _UNVERIFIABLE.search(why):
        return f"unverifiable: {why} ({source.url})"
    return f"cited source dead and never archived: {why} ({source.url})"


def _where(source: Source) -> str:
    return f"{source.role.value} {source.url}" if source.url else "the evidence"


def _excerpt(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3].rsplit(" ", 1)[0] + "..."


def judge_statement(
    statement_id: str,
    text: str,
    sources: Sequence[Source],
    *,
    changed: str | None,
    has_citation: bool,
    model: Model | None = None,
    attribution: str | None = None,
) -> Verdict:
    """Label one statement from its candidate sources, given in order: own citations, other citations, attributed.

    `changed` is the comparison's reason when the stored statement differs substantively from the archived original
    (or is absent from it): the statement is then disputed whatever its sources say. `attribution` is whom the
    statement names as its source ("the engineering report"): its words are not expected in the evidence.
    """
    assessed: list[tuple[Source, Assessment]] = [
        (source, assess(text, source.sentences, model)) for source in sources if source.sentences
    ]
    best = max(assessed, key=lambda pair: pair[1].score, default=None)
    best_score = round(best[1].score, 4) if best else 0.0

    if changed:
        evidence = tuple(itertools.islice((_evidence(a, s, attribution) for s, a in assessed if a.supported), 3))
        return Verdict(statement_id, Label.DISPUTED, changed, evidence, best_score, (changed,))

    for source, assessment in assessed:
        if assessment.conflicts:
            reason = f"contradicted by {_where(source)}: " + "; ".join(assessment.conflicts)
            return Verdict(
                statement_id,
                Label.DISPUTED,
                reason,
                (_evidence(assessment, source, attribution),),
                round(assessment.score, 4),
                assessment.conflicts,
            )
        if assessment.supported:
            agreeing = (_evidence(a, s, attribution) for s, a in assessed if a.supported and not a.conflicts)
            supporting = tuple(itertools.islice(agreeing, 3))
            reason = f"supported by {_where(source)}: {_excerpt(supporting[0].quote)!r}"
            return Verdict(statement_id, Label.SOURCED, reason, supporting, round(assessment.score, 4), ())

    parts: list[str] = []
    if not has_citation:
        parts.append("no citation")
    own = [source for source in sources if source.role is SourceRole.OWN]
    others = [source for source in sources if source.role is not SourceRole.OWN]
    for source in own:  # its own citations, each told in full
        if source.sentences:
            assessment = next(a for s, a in assessed if s is source)
            missing = _numbers_not_given(text, source.sentences)
            claim = _claim_tokens(text)
            unnamed = _rare_names_missing(claim, _document(tuple(source.sentences)))
            gaps = []
            if missing:
                gaps.append(f"gives the statement's {_plural('number', missing)} " + ", ".join(map(repr, missing)))
            if unnamed:
                spelled = dict(zip(claim.lower, claim.spelled, strict=True))
                gaps.append("names " + ", ".join(repr(spelled[n]) for n in unnamed))
            silent = "source fetched but silent on it"
            if gaps:
                silent += ": it never " + " and never ".join(gaps)
            if dict(zip(FEATURES, assessment.features, strict=True)).get("negation_unmatched"):
                silent += "; its closest passages have no negation where the statement has one"
            if assessment.passage:
                parts.append(f"{silent} (best passage: {_excerpt(assessment.passage)!r}, {_where(source)})")
            else:
                parts.append(f"{silent} ({_where(source)})")
        elif source.sentences is None:
            parts.append(_unavailable_reason(source))
        else:
            parts.append(f"source fetched but has no text ({source.url})")
    if others:  # the article's other sources, summed up: the closest passage is the evidence below
        other_ids = {id(source) for source in others}
        read = [(s, a) for s, a in assessed if id(s) in other_ids and s.sentences]
        unread = len(others) - len(read)
        if len(read) == 1:
            summary = "the article's one other readable source does not carry it"
        elif read:
            summary = f"none of the article's {len(read)} other readable sources carries it"
        else:
            summary = "no other source of the article could be read"
        closest = max(read, key=lambda pair: pair[1].score, default=None)
        if closest is not None and closest[1].passage:
            summary += f" (closest: {_excerpt(closest[1].passage)!r}, {_where(closest[0])})"
        if unread and read:
            summary += f"; {unread} could not be read"
        parts.append(summary)
    if has_citation and not sources:
        parts.append("unverifiable: the citation could not be resolved to a source")
    evidence = (_evidence(best[1], best[0], attribution),) if best and best[1].passage else ()
    return Verdict(statement_id, Label.UNSOURCED, "; ".join(parts), evidence, best_score, ())


def _numbers_not_given(claim: str, sentences: Sequence[str]) -> list[str]:
    """The statement's numbers that no sentence of the source gives, as the statement writes them."""
    return _NumberMatch(_claim_tokens(claim), _document(tuple(sentences))).not_given()


def _plural(word: str, items: Sequence[object]) -> str:
    return word if len(items) == 1 else f"{word}s"


def judge_claim(claim: str, evidence: str | Sequence[str], *, model: Model | None = None) -> Verdict:
    """Judge a bare claim against one evidence text (a string, split into sentences, or a list of sentences)."""
    sentences = tuple(evidence_sentences(evidence)) if isinstance(evidence, str) else tuple(evidence)
    source = Source(url="", role=SourceRole.OWN, sentences=sentences)
    return judge_statement("claim", claim, (source,), changed=None, has_citation=True, model=model)


def _parse_line(number: int, line: str) -> tuple[object, str, str | list[str]]:
    try:
        row = json.loads(line)
    except json.JSONDecodeError as error:
        raise ValueError(f"line {number}: not valid JSON ({error.msg})") from None
    if not isinstance(row, dict):
        raise ValueError(f"line {number}: expected a JSON object with id, claim and evidence")
    missing = [key for key in ("id", "claim", "evidence") if key not in row]
    if missing:
        raise ValueError(f"line {number}: missing {', '.join(missing)}")
    claim, evidence = row["claim"], row["evidence"]
    if not isinstance(claim, str) or not claim.strip():
        raise ValueError(f"line {number}: 'claim' must be a non-empty string")
    if isinstance(evidence, list):
        if not all(isinstance(s, str) for s in evidence):
            raise ValueError(f"line {number}: 'evidence' must be a string or a list of strings")
    elif not isinstance(evidence, str):
        raise ValueError(f"line {number}: 'evidence' must be a string or a list of strings")
    return row["id"], claim, evidence


def judge_jsonl(lines: Iterable[str], *, model: Model | None = None) -> Iterator[str]:
    """`verify judge --input`: one {"id","claim","evidence"} per line in, one {"id","label","score","evidence"} out.

    Blank lines are skipped; a bad line raises ValueError naming its line number.
    """
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        row_id, claim, evidence = _parse_line(number, line)
        verdict = judge_claim(claim, evidence, model=model)
        quote = verdict.evidence[0].quote if verdict.evidence else ""
        out = {"id": row_id, "label": verdict.label.value, "score": verdict.score, "evidence": quote}
        yield json.dumps(out, ensure_ascii=False)


def format_verdict(verdict: Verdict) -> str:
    """Human-readable text of a verdict, for `verify judge --claim TEXT --source FILE`."""
    lines = [f"{verdict.label.value} (score {verdict.score:.2f}): {verdict.reason}"]
    lines += [f"  conflict: {c}" for c in verdict.conflicts if c != verdict.reason]
    for item in verdict.evidence:
        lines.append(f'  evidence ({item.role.value}, score {item.score:.2f}): "{item.quote}"')
        if item.unmatched:
            lines.append(f"    not in this passage: {', '.join(item.unmatched)}")
        if item.url or item.capture_url:
            lines.append(f"    {item.permalink}")
    return "\n".join(lines)

"""Texts as tokens for the judge: words, stems, names, negations, clauses and quantities, and a source as a document
of tokenised sentences (shared by every stage)."""

from __future__ import annotations

import functools
import gzip
import itertools
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import resources
from typing import TYPE_CHECKING

import snowballstemmer

from verify.text import NUMBER_SCALES, NUMBER_TENS, NUMBER_UNITS, fold_typography, words

if TYPE_CHECKING:
    from verify.judge.retrieval import _Window


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
# Words after which a capitalised "May" is the month ("in May", "since May", "the May elections").
_BEFORE_MONTH = _word_set(
    "in on of since until till by last next this early late mid from to through between the and or during before after"
)


def month_may(lower: Sequence[str], capital: Sequence[bool], k: int) -> bool:
    """Whether the word "may" at `k` is the month: capitalised, and with a number after it ("May 5", "May 2015") or a
    word before it that goes with a month ("in May"). Otherwise it is the modal, capitalised in a title or at the start
    of a sentence ("ISIS Fighters May Have Contracted Ebola")."""
    if not capital[k]:
        return False
    after = lower[k + 1] if k + 1 < len(lower) else ""
    return after[:1].isdigit() or (k > 0 and lower[k - 1] in _BEFORE_MONTH)


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
# A figure with its scale run on, as headlines and British papers write money: "$3bn", "1.5bn", "2tn". ("5m" and
# "5k" are left alone: metres and kilometres are written so too.)
_RUN_ON_SCALE = re.compile(r"^(\d+(?:\.\d+)?)(bn|tn)$")
_RUN_ON_SCALES = {"bn": 1e9, "tn": 1e12}
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

# Words after a number that make it a bound ("200 or more", "$4,000 and up").
_BOUNDS_AFTER: dict[tuple[str, ...], str] = {
    **{(a, b): ">" for a in ("or", "and") for b in ("more", "up", "above", "over", "higher", "upwards")},
    **{(a, b): "<" for a in ("or", "and") for b in ("less", "fewer", "under", "below", "lower")},
}

_STEMMER = snowballstemmer.stemmer("english")


_COMPARATOR_ENDS = frozenset(phrase[-1] for phrase, _sign in _COMPARATORS)


_IRREGULAR_PLURALS = {"people": "person", "men": "man", "women": "woman", "children": "child"}


@functools.lru_cache(maxsize=65536)
def _stem(word: str) -> str:
    """Snowball (Porter 2) stem, so that "killed", "kills" and "killing" match; a plural that the stemmer leaves
    apart from its singular ("people", "children") is stemmed as the singular."""
    if word in _IRREGULAR_PLURALS:
        return _IRREGULAR_PLURALS[word]
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
    #: How many words before `first` say the comparator ("more than": 2).
    lead: int = 0


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
        """Whether each word negates: "not", "never", "didn't" ..., but not the "not" of "not only ... but", nor the
        "No," that opens an answer ("No, the bridge has not closed"), which negates no word after it."""
        answer = _ANSWER.match(self.text) is not None
        return tuple(
            (_negation(w) and self.lower[i + 1 : i + 2] != ("only",) and not (i == 0 and answer))
            or (w in _FAILING and self.lower[i + 1 : i + 2] == ("to",))
            for i, w in enumerate(self.lower)
        )

    @functools.cached_property
    def negated_stems(self) -> dict[str, bool]:
        return _negated_stems(self)

    @functools.cached_property
    def loosely_negated_stems(self) -> frozenset[str]:
        """The content stems within three content words after a negation ("not serving a suspension": serving and
        suspension), where `negated_stems` has only the word a negation governs."""
        return _loosely_negated(self)

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


# "twice" and "thrice" count times ("won the title twice" against "three times").
_TIMES = {"twice": 2.0, "thrice": 3.0}
_NUMERIC_WORDS = frozenset(_UNITS) | frozenset(_TENS) | frozenset(_MONTHS) | {"dozen"} | frozenset(_TIMES)


def _number_word(token: str) -> bool:
    return token in _UNITS or token in _TENS or token in _SCALES or token == "dozen"


# Words after which "one" stands for a person or thing, not a count.
_ONE_AS_PRONOUN = frozenset(
    (w,) for w in ("no", "the", "this", "that", "every", "any", "each", "which", "another", "good")
)


def _quantities(lower: Sequence[str], capital: Sequence[bool]) -> tuple[_Quantity, ...]:
    found: list[_Quantity] = []
    i = 0
    n = len(lower)
    while i < n:
        token = lower[i]
        if not token[0].isdigit() and token not in _NUMERIC_WORDS:
            i += 1
            continue
        if token == "one" and (lower[i - 1 : i] in _ONE_AS_PRONOUN or lower[i + 1 : i + 2] == ("another",)):
            i += 1  # "no one was hurt", "the one who", "one another": no count
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
        elif token in _TIMES:
            value = _TIMES[token]
            i += 1
        elif (match := _RUN_ON_SCALE.match(token)) is not None:
            value = float(match.group(1)) * _RUN_ON_SCALES[match.group(2)]
            i += 1
        elif (match := _DECADE.match(token)) is not None:
            value, kind = float(match.group(1)), "decade"
            i += 1
        elif (match := _ORDINAL.match(token)) is not None:
            value, kind = float(match.group(1)), "ordinal"
            i += 1
        elif token in _MONTHS and (token != "may" or month_may(lower, capital, i)) and (len(token) > 3 or capital[i]):
            value, kind = float(_MONTHS[token]), "month"
            i += 1
        elif _number_word(token) and token not in _SCALES:
            total, current, previous = 0.0, 0.0, ""
            while i < n and (_number_word(lower[i])):
                word = lower[i]
                if (word in _UNITS or word in _TENS) and (previous in _UNITS or (previous in _TENS and word in _TENS)):
                    break  # "one seven-year-old", "twenty thirty": two numbers, not one
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
                previous = word
                i += 1
            value = total + current
        else:
            i += 1
            continue
        if kind == "count" and i < n and lower[i] == "percent":
            kind = "percent"
            i += 1
        comparator, lead = "=", 0
        for phrase, sign in _COMPARATORS if first and lower[first - 1] in _COMPARATOR_ENDS else ():
            if tuple(lower[max(0, first - len(phrase)) : first]) == phrase:
                comparator, lead = sign, len(phrase)
                break
        if comparator == "=":
            comparator = _BOUNDS_AFTER.get(tuple(lower[i : i + 2]), "=")  # "$4,000 and up", "200 or more"
        found.append(_Quantity(value, kind, comparator, first, i - 1, " ".join(lower[first:i]), lead))
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
        negated="n't" in joined
        or not _NEGATIONS.isdisjoint(lower)
        or (
            not _FAILING.isdisjoint(lower)
            and any(w in _FAILING and lower[i + 1 : i + 2] == ("to",) for i, w in enumerate(lower))
        ),
    )


_kept_tokens = functools.lru_cache(maxsize=4096)(_tokenise)


def _claim_tokens(claim: str) -> _Tokens:
    """A statement's tokens, worked out once: it is weighed against every source of its article. Statements over
    2,000 characters (hostile input, not prose) are not kept, so the cache stays small."""
    return _kept_tokens(claim) if len(claim) <= 2000 else _tokenise(claim)


# Verbs that deny what follows their "to" ("failed to pass", "declined to confirm"): they negate like "not".
_FAILING = _word_set("fail fails failed failing decline declines declined declining neglect neglects neglected")


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
    def keys(self) -> frozenset[str]:
        """The antonym-table keys of the source's words (`lexicon.predicate_key`): its irregular verb forms as verbs."""
        from verify.judge.lexicon import predicate_key  # the lexicon builds on these tokens

        return frozenset(predicate_key(w) for w in self.lower)

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


def _kind(q: _Quantity) -> str:
    return "count" if q.kind == "ordinal" else q.kind


def _year_shaped_count(a: _Quantity, b: _Quantity) -> bool:
    """Two quantities of different kinds that are one number: "1000 visitors" reads as a year by its shape."""
    return {a.kind, b.kind} == {"year", "count"} and a.value == b.value


def _gives(source: _Quantity, claim: _Quantity) -> bool:
    """Whether the source's quantity establishes the claim's: the same number (within 10% when either is an
    estimate), or a bound at least as strong ("more than 200" gives "more than 100", "about 250" gives "more than
    200"; a bound never gives an exact number or an estimate: "more than 200" does not give "about 250")."""
    if _kind(claim) != _kind(source):
        return _year_shaped_count(claim, source)
    a, b = claim.value, source.value
    if claim.comparator in "<>":
        low, high = _interval(source)
        if claim.comparator == ">":
            return low > a or (source.comparator == ">" and b >= a)
        return high < a or (source.comparator == "<" and b <= a)
    if source.comparator in "<>":
        return False
    if "~" in (claim.comparator, source.comparator):
        return abs(a - b) <= 0.1 * max(abs(a), abs(b))
    return math.isclose(a, b, rel_tol=1e-9)


def _interval(q: _Quantity) -> tuple[float, float]:
    """The values a quantity allows: itself, 10% either side of an estimate, or all above (below) a bound."""
    if q.comparator == "~":
        return (0.9 * q.value, 1.1 * q.value) if q.value >= 0 else (1.1 * q.value, 0.9 * q.value)
    if q.comparator == ">":
        return q.value, math.inf
    if q.comparator == "<":
        return -math.inf, q.value
    return q.value, q.value


def _compatible(claim: _Quantity, other: _Quantity) -> bool:
    """Whether two quantities can both be true: the values they allow overlap ("about 250" and "more than 200" can;
    "250" and "200" cannot)."""
    if _kind(claim) != _kind(other):
        return _year_shaped_count(claim, other)
    if math.isclose(claim.value, other.value, rel_tol=1e-9) or _rounded(claim, other) or _rounded(other, claim):
        return True
    (low, high), (other_low, other_high) = _interval(claim), _interval(other)
    return max(low, other_low) <= min(high, other_high)


def _rounded(round_one: _Quantity, other: _Quantity) -> bool:
    """Whether a round count of a thousand or more (a multiple of 100) may be the other rounded: within 1% of it
    ("$5,000" and "$4,999", "12,000" and "11,950"). Years are never rounded: "in 2000" is not "in 2019"."""
    value = round_one.value
    return round_one.kind == "count" and value >= 1000 and value % 100 == 0 and abs(value - other.value) <= 0.01 * value


def _written(tokens: _Tokens, q: _Quantity) -> str:
    """A quantity as its text writes it, with the words that bound it ("more than 200", "200 or more")."""
    after = tokens.lower[q.last + 1 : q.last + 3]
    trail = 2 if q.comparator in "<>" and not q.lead and after in _BOUNDS_AFTER else 0
    return " ".join(tokens.spelled[q.first - q.lead : q.last + 1 + trail])


def _unknown_name(name: str, doc: _Document) -> bool:
    """A (lower-case) name that the source never uses, in any form, and that is not an English word ("lindqvist", not
    "bear")."""
    return name not in doc.lower and _stem(name) not in doc.lower and name not in _common_words()


def _plain(text: str) -> str:
    return " " + " ".join(words(_prepared_text(text))).lower() + " "


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


_DATE_KINDS = frozenset({"month", "year"})


def _negated_stems(tokens: _Tokens) -> dict[str, bool]:
    """Each content stem of a text, and whether a negation governs it ("did not reopen": reopen -> True). The
    negation reaches over adverbs to the word they modify ("was not ultimately scrapped": scrapped -> True)."""
    scope: dict[str, bool] = {}
    pending = where = False
    for k, (word, stem, negates) in enumerate(zip(tokens.lower, tokens.stems, tokens.negations, strict=True)):
        if negates:
            pending = True
            # "No one in North Korea is allowed", "Nobody at the club was told": the negation is of what is done, not
            # of the words that say where or among whom, up to the verb.
            after = k + 2 if tokens.lower[k + 1 : k + 2] == ("one",) else k + 1
            where = (
                (word in _NOBODY or after == k + 2)
                and tokens.lower[after : after + 1] in _WHERE
                and not _AUXILIARIES.isdisjoint(tokens.lower[after:])
            )
            continue
        if where:
            where = word not in _AUXILIARIES
            continue
        if pending and word in _EVERY:
            # "not all Boko Haram fighters were aware": the negation is of "all"; the fighters are there.
            pending = False
            continue
        if word in _STOP or not word.isalpha():
            continue
        scope[stem] = scope.get(stem, False) or pending
        pending = pending and _adverb(word)
    return scope


_NOBODY = _word_set("nobody none nothing")
_EVERY = _word_set("all every everyone everybody everything each")
_WHERE = frozenset((w,) for w in ("in", "at", "from", "of", "on", "inside", "outside", "within", "among"))
_AUXILIARIES = _word_set(
    "is was were are be been has have had can could will would may might shall should must do does did"
)


def _loosely_negated(tokens: _Tokens, reach: int = 3) -> frozenset[str]:
    found: set[str] = set()
    left = 0
    for word, stem, negates in zip(tokens.lower, tokens.stems, tokens.negations, strict=True):
        if negates:
            left = reach
        elif left and word not in _STOP and word.isalpha():
            found.add(stem)
            left -= 1
    return frozenset(found)


_ADVERBS = _word_set("again also always even ever longer once still yet")
_ANSWER = re.compile(r"\W*no\s*[,:;!.\u2013\u2014-]", re.I)


def _adverb(word: str) -> bool:
    return word in _ADVERBS or (len(word) > 4 and word.endswith("ly"))


_CLAUSE_BREAK = re.compile(r"[,;:()\u2013\u2014]|\s-\s|\bbut\b|\bwhile\b|\bwhereas\b|\band\b")


@functools.lru_cache(maxsize=1)
def _common_words() -> frozenset[str]:
    """English words common enough to say little when a source lacks them (verify/data/common_words.txt.gz, made
    by bench/make_common_words.py from wordfreq's data, CC BY-SA 4.0)."""
    raw = resources.files("verify").joinpath("data/common_words.txt.gz").read_bytes()
    return frozenset(line for line in gzip.decompress(raw).decode("utf-8").splitlines() if not line.startswith("#"))

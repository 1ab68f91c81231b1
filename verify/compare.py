"""Stored copy versus archived original: align statements with archived sentences and classify each change."""

from __future__ import annotations

import dataclasses
import enum
import functools
import gzip
import itertools
import math
import re
from collections import Counter, defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rapidfuzz.distance import Indel

from verify import markdown
from verify.text import (
    NUMBER_SCALES,
    NUMBER_TENS,
    NUMBER_UNITS,
    fold_typography,
    iter_paragraphs,
    normalise,
    split_sentences,
)


class Change(str, enum.Enum):
    UNCHANGED = "unchanged"
    COSMETIC = "cosmetic"
    SUBSTANTIVE = "substantive"
    ABSENT = "absent"
    NOT_COMPARED = "not-compared"


#: Kinds of substantive change, in the order they are reported.
KINDS = ("number", "date", "name", "negation", "quote", "added", "dropped", "wording")


@dataclass(frozen=True)
class StatementChange:
    id: str
    text: str
    change: Change
    archived_text: str | None
    diff: str
    kinds: tuple[str, ...]
    score: float
    #: Found in the capture's visible text outside the extracted article body (a product box, a list, a
    #: sub-heading the extractor left out), not in the body.
    outside_body: bool = False


@dataclass(frozen=True)
class Comparison:
    statements: tuple[StatementChange, ...]
    missing_from_stored: tuple[str, ...]
    archive_complete: bool
    coverage: float
    detail: str


# --------------------------------------------------------------------------------------------------------------
# Tokens: word keys in which cosmetic variants are equal, with what a reader needs to judge a change


@dataclass(frozen=True)
class _Token:
    key: str
    surface: str
    quoted: bool
    initial: bool


_TOKEN = re.compile(r"\w+(?:[.,'\u2019\u2018`]\w+)*\.?|[%&]")
_INITIALISM = re.compile(r"(?:[A-Za-z]\.){2,}|(?:[A-Za-z]\.)+[A-Za-z]")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
_DOUBLE_QUOTES = frozenset('"\u201c\u201d\u201e\u201f\u00ab\u00bb\u2033')
_SMALL = NUMBER_UNITS
_TENS = NUMBER_TENS
_SCALES = NUMBER_SCALES
_NUMERIC = re.compile(r"\d+(?:\.\d+)?")


def _quoted_positions(text: str) -> list[tuple[int, int]]:
    """Character ranges inside quotation marks; a quote left open by the previous sentence counts too."""
    marks = [i for i, c in enumerate(text) if c in _DOUBLE_QUOTES]
    ranges: list[tuple[int, int]] = []
    if marks:
        first = marks[0]
        closes_first = text[first] in "\u201d\u00bb" or (
            len(marks) % 2 == 1 and (first + 1 >= len(text) or not text[first + 1].isalnum())
        )
        if closes_first:
            ranges.append((0, first))
            marks = marks[1:]
        for a, b in zip(marks[0::2], marks[1::2], strict=False):
            ranges.append((a, b))
        if len(marks) % 2 == 1:
            ranges.append((marks[-1], len(text)))
    for match in re.finditer(r"(?<!\w)\u2018(.+?)\u2019(?!\w)", text):
        ranges.append((match.start(), match.end()))
    return ranges


# Formatting characters a reader never sees: soft hyphen, zero-width space, non-joiner and joiner, word joiner,
# invisible operators, byte-order mark (zero-width no-break space), Mongolian vowel separator.
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\u2061\u2062\u2063\u2064\ufeff\u180e"))


def visible(text: str) -> str:
    """`text` without the invisible formatting characters, which never make two texts differ."""
    return text.translate(_INVISIBLE)


def _raw_tokens(text: str) -> list[tuple[str, str, int, int]]:
    """(key, surface, start, end) for each word of one sentence."""
    out: list[tuple[str, str, int, int]] = []
    for match in _TOKEN.finditer(text):
        surface, key = _word(match.group(0))
        out.append((key, surface, match.start(), match.start() + len(surface)))
    return out


@functools.lru_cache(maxsize=100_000)
def _word(matched: str) -> tuple[str, str]:
    """(surface, key) of one matched word: the key is equal for cosmetic variants ("1,000" and "1000")."""
    surface = matched[:-1] if matched.endswith(".") and not _INITIALISM.fullmatch(matched) else matched
    if surface == "%":
        return surface, "percent"
    if surface == "&":
        return surface, "and"
    key = fold_typography(surface).casefold()
    if _INITIALISM.fullmatch(surface):
        key = key.replace(".", "")
    return surface, _THOUSANDS.sub("", key)


def _number_value(keys: list[str]) -> str | None:
    total = 0.0
    current = 0.0
    seen = False
    for k in keys:
        if _NUMERIC.fullmatch(k):
            current = float(k)
        elif k in _SMALL:
            current += _SMALL[k]
        elif k in _TENS:
            current += _TENS[k]
        elif k == "hundred":
            current = (current or 1) * 100
        elif k in _SCALES:
            total += (current or 1) * _SCALES[k]
            current = 0
        else:
            return None
        seen = True
    if not seen:
        return None
    value = total + current
    return str(int(value)) if value == int(value) else repr(value)


def _is_number_word(key: str) -> bool:
    return key in _SMALL or key in _TENS or key in _SCALES


_ORDINAL_WORDS = {
    word: n
    for n, word in enumerate(
        [
            "first",
            "second",
            "third",
            "fourth",
            "fifth",
            "sixth",
            "seventh",
            "eighth",
            "ninth",
            "tenth",
            "eleventh",
            "twelfth",
            "thirteenth",
            "fourteenth",
            "fifteenth",
            "sixteenth",
            "seventeenth",
            "eighteenth",
            "nineteenth",
        ],
        1,
    )
} | {"twentieth": 20, "thirtieth": 30, "fortieth": 40, "fiftieth": 50, "hundredth": 100}
_ORDINAL_DIGITS = re.compile(r"(\d+)(?:st|nd|rd|th)")
_MONEY_SCALE = re.compile(r"(\d+(?:\.\d+)?)(k|m|mn|bn|b|tn)")
_MONEY_SCALES = {"k": 1_000, "m": 10**6, "mn": 10**6, "b": 10**9, "bn": 10**9, "tn": 10**12}


def _ordinal_key(keys: list[str]) -> str | None:
    """ "21st", "twenty-first" and "twenty first" as one key."""
    if len(keys) == 1 and (digits := _ORDINAL_DIGITS.fullmatch(keys[0])):
        return f"{int(digits.group(1))}th"
    *head, last = keys
    if last not in _ORDINAL_WORDS:
        return None
    before = _number_value(head) if head else "0"
    return f"{int(float(before)) + _ORDINAL_WORDS[last]}th" if before is not None else None


def _tokens(text: str) -> tuple[_Token, ...]:
    """Word tokens of one sentence; number words and digit forms of the same number get the same key."""
    raw = _raw_tokens(text)
    quoted = _quoted_positions(text)
    out: list[_Token] = []
    i = 0
    while i < len(raw):
        key, _, start, end = raw[i]
        j = i + 1
        if _is_number_word(key) or (key in ("a", "an") and j < len(raw) and raw[j][0] in _SCALES):
            while j < len(raw) and _is_number_word(raw[j][0]):
                j += 1
            if j < len(raw) and raw[j][0] in _ORDINAL_WORDS and raw[j - 1][0] in _TENS:
                j += 1  # "twenty-first"
        elif _NUMERIC.fullmatch(key):
            while j < len(raw) and raw[j][0] in _SCALES:
                j += 1
        elif key == "per" and i + 1 < len(raw) and raw[i + 1][0] == "cent":
            j = i + 2
        if j > i + 1 or _is_number_word(key):
            keys = ["one" if k in ("a", "an") else k for k, *_ in raw[i:j]]
            key = "percent" if key == "per" else (_number_value(keys) or _ordinal_key(keys) or key)
            end = raw[j - 1][3]
        elif (ordinal := _ordinal_key([key])) is not None:
            key = ordinal
        elif start and text[start - 1] in "$£€¥" and (money := _MONEY_SCALE.fullmatch(key)):
            key = _number_value([money.group(1)]) or key
            key = str(int(float(key) * _MONEY_SCALES[money.group(2)]))
        surface = text[start:end]
        inside = any(a <= start < b for a, b in quoted)
        out.append(_Token(key, surface, inside, i == 0))
        i = j
    return tuple(out)


# --------------------------------------------------------------------------------------------------------------
# Alignment


@dataclass(frozen=True)
class _Sentence:
    text: str
    tokens: tuple[_Token, ...]
    keys: tuple[str, ...]


def _sentence(text: str) -> _Sentence:
    toks = _tokens(visible(text))
    return _Sentence(text, toks, tuple(t.key for t in toks))


_MATCH = 0.5  # similarity at which a statement is taken to be a version of an archived sentence
_WHOLE = 0.8  # share of one text found in the other for it to be a piece of it
_PIECE = 0.7  # share of a statement found in a neighbour's archived sentence for it to be a piece of it
_CANDIDATES = 6
_RARE_TOKENS = 8
_POSTING_CAP = 64


def _similarity(a: Sequence[str], b: Sequence[str]) -> float:
    return float(Indel.normalized_similarity(a, b))


def _containment(part: Sequence[str], whole: Sequence[str]) -> float:
    if not part:
        return 0.0
    common = Counter(part) & Counter(whole)
    return sum(common.values()) / len(part)


class _Index:
    """Archived sentences indexed by exact key sequence and by word, for candidate lookup per statement."""

    def __init__(self, sentences: Sequence[_Sentence]) -> None:
        self.sentences = sentences
        self.exact: dict[tuple[str, ...], list[int]] = defaultdict(list)
        self.postings: dict[str, list[int]] = defaultdict(list)
        for j, sentence in enumerate(sentences):
            self.exact[sentence.keys].append(j)
            for key in set(sentence.keys):
                self.postings[key].append(j)

    def span_keys(self, lo: int, hi: int) -> list[str]:
        return [k for j in range(lo, hi + 1) for k in self.sentences[j].keys]

    def candidates(self, statement: _Sentence, expected: int, taken: Collection[int] = ()) -> list[tuple[int, float]]:
        """Archived sentences sharing the statement's rarest words, best similarity first; none in `taken`."""
        exact = [j for j in self.exact.get(statement.keys, ()) if j not in taken]
        if exact and statement.keys:
            return [(min(exact, key=lambda j: abs(j - expected)), 1.0)]
        words = sorted({k for k in statement.keys if k in self.postings}, key=lambda k: len(self.postings[k]))
        if not words:
            return []
        chosen = [k for k in words[:_RARE_TOKENS] if len(self.postings[k]) <= _POSTING_CAP] or words[:1]
        weights: dict[int, float] = defaultdict(float)
        for key in chosen:
            posting = self.postings[key]
            if len(posting) > _POSTING_CAP:  # only common words: look near where the statement is expected
                posting = sorted(posting, key=lambda j: abs(j - expected))[:_POSTING_CAP]
            idf = math.log(1 + len(self.sentences) / len(posting))
            for j in posting:
                weights[j] += idf
        ranked = sorted((j for j in weights if j not in taken), key=lambda j: (-weights[j], abs(j - expected)))
        ranked = ranked[:_CANDIDATES]
        scored = [(j, _similarity(statement.keys, self.sentences[j].keys)) for j in ranked]
        return sorted(scored, key=lambda js: (-js[1], abs(js[0] - expected)))


@dataclass
class _Match:
    lo: int
    hi: int
    score: float


def _align(stored: Sequence[_Sentence], index: _Index) -> tuple[list[_Match | None], list[float]]:
    matches: list[_Match | None] = []
    best_scores: list[float] = []
    expected = 0
    for statement in stored:
        found = index.candidates(statement, expected) if statement.keys else []
        match = _first_match(statement.keys, found, index)
        if match is not None:
            expected = match.hi + 1
        matches.append(match)
        best_scores.append(found[0][1] if found else 0.0)

    _one_to_one(stored, matches, index)

    # Several statements made of one archived sentence: a statement contained in its neighbour's match is a piece
    # of it; pieces anchor their own neighbours in turn, and a weak match elsewhere yields to the neighbours'.
    changed = True
    rounds = 0
    while changed and rounds < 4:
        changed = False
        rounds += 1
        for i in [*range(len(stored)), *reversed(range(len(stored)))]:
            if _adopt_neighbour(i, stored, matches, index):
                changed = True

    # One statement made of consecutive archived sentences: extend while the union fits better.
    claimed = Counter(j for m in matches if m is not None for j in range(m.lo, m.hi + 1))
    for i, m in enumerate(matches):
        if m is not None:
            _grow(m, stored[i].keys, index, claimed)
    return matches, best_scores


def _one_to_one(stored: Sequence[_Sentence], matches: list[_Match | None], index: _Index) -> None:
    """Each archived sentence goes to one statement (an assignment, not a nearest neighbour per statement).

    Statements that hold the same sentence keep it together only when they are its pieces (consecutive, and
    together closer to it than the best of them alone); otherwise the best match keeps it (the earliest, where they
    are as good) and the others move on to their best sentence that no statement holds yet, or to none.
    """
    for _ in range(4):
        holders: dict[int, list[int]] = defaultdict(list)
        for i, m in enumerate(matches):
            if m is not None:
                for j in range(m.lo, m.hi + 1):
                    holders[j].append(i)
        losers: list[int] = []
        for j in sorted(holders):
            held = [i for i in holders[j] if matches[i] is not None]
            if len(held) < 2 or _pieces(held, stored, matches, index):
                continue
            best = max(held, key=lambda i: (_score(matches[i]), -i))
            losers += [i for i in held if i != best and i not in losers]
        if not losers:
            return
        for i in losers:
            matches[i] = None
        taken = {j for m in matches if m is not None for j in range(m.lo, m.hi + 1)}
        for i in sorted(losers):
            previous = next((m for m in reversed(matches[:i]) if m is not None), None)
            expected = previous.hi + 1 if previous is not None else 0
            found = index.candidates(stored[i], expected, taken)
            match = _first_match(stored[i].keys, found, index, taken)
            if match is not None:
                matches[i] = match
                taken.update(range(match.lo, match.hi + 1))


def _score(match: _Match | None) -> float:
    return match.score if match is not None else 0.0


def _pieces(held: Sequence[int], stored: Sequence[_Sentence], matches: Sequence[_Match | None], index: _Index) -> bool:
    """Whether consecutive statements holding one archived span are its pieces: together closer to it than any alone."""
    if any(stored[k].keys for a, b in itertools.pairwise(held) for k in range(a + 1, b)):
        return False  # not consecutive (a wordless statement between two pieces, a lone "...", does not count)
    lo = min(m.lo for i in held if (m := matches[i]) is not None)
    hi = max(m.hi for i in held if (m := matches[i]) is not None)
    span = index.span_keys(lo, hi)
    together = Indel.distance([k for i in held for k in stored[i].keys], span)
    return all(together < Indel.distance(stored[i].keys, span) for i in held)


def _first_match(
    keys: Sequence[str], found: Sequence[tuple[int, float]], index: _Index, taken: Collection[int] = ()
) -> _Match | None:
    if not found:
        return None
    j, score = found[0]
    if score >= _MATCH:
        return _Match(j, j, score)
    for j, score in found[:3]:
        archived = index.sentences[j].keys
        if _containment(archived, keys) >= _WHOLE:  # the statement joins this archived sentence and its neighbours
            match = _Match(j, j, score)
            _grow(match, keys, index, Counter(taken))
            if match.score >= _MATCH:
                return match
        elif len(keys) >= 5 and _containment(keys, archived) >= _WHOLE:  # the statement is a piece of it
            return _Match(j, j, score)
    return None


def _grow(match: _Match, keys: Sequence[str], index: _Index, claimed: Counter[int]) -> None:
    """Take in neighbouring archived sentences while each brings more of the statement than it adds."""
    distance = Indel.distance(keys, index.span_keys(match.lo, match.hi))
    for step in (1, -1):
        while True:
            nxt = match.hi + 1 if step == 1 else match.lo - 1
            if not 0 <= nxt < len(index.sentences) or claimed[nxt]:
                break
            lo, hi = (match.lo, nxt) if step == 1 else (nxt, match.hi)
            span = index.span_keys(lo, hi)
            grown = Indel.distance(keys, span)
            if grown >= distance:
                break
            match.lo, match.hi, match.score, distance = lo, hi, _similarity(keys, span), grown
            claimed[nxt] += 1


def _adopt_neighbour(i: int, stored: Sequence[_Sentence], matches: list[_Match | None], index: _Index) -> bool:
    keys = stored[i].keys
    current = matches[i]
    if not keys or (current is not None and current.score >= 0.9):
        return False
    need = _PIECE if len(keys) >= 3 else 1.0
    own = _containment(keys, index.span_keys(current.lo, current.hi)) if current is not None else 0.0
    for neighbour in (_get(matches, i - 1), _get(matches, i + 1)):
        if neighbour is None or (current is not None and current.lo <= neighbour.hi and current.hi >= neighbour.lo):
            continue
        span = index.span_keys(neighbour.lo, neighbour.hi)
        theirs = stored[i - 1].keys if neighbour is _get(matches, i - 1) else stored[i + 1].keys
        joined = [*theirs, *keys] if neighbour is _get(matches, i - 1) else [*keys, *theirs]
        if Indel.distance(joined, span) >= Indel.distance(theirs, span):
            continue  # the neighbour is the whole of its sentence: this statement is no piece of it
        for j in range(neighbour.lo, neighbour.hi + 1):
            inside = _containment(keys, index.sentences[j].keys)
            if inside >= need and inside > own:
                matches[i] = _Match(j, j, _similarity(keys, index.sentences[j].keys))
                return True
    return False


def _get(matches: Sequence[_Match | None], i: int) -> _Match | None:
    return matches[i] if 0 <= i < len(matches) else None


# --------------------------------------------------------------------------------------------------------------
# Word diff and its kinds

_NEGATIONS = frozenset({"not", "no", "never", "nor", "neither", "nobody", "none", "nothing", "nowhere", "cannot"})
_MONTHS = frozenset(
    [
        "january",
        "february",
        "march",
        "april",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
    ]
)
_DAYS = frozenset(
    [
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "yesterday",
        "today",
        "tomorrow",
        "tonight",
    ]
)
_FUNCTION_WORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "but",
        "or",
        "so",
        "yet",
        "for",
        "nor",
        "as",
        "at",
        "by",
        "in",
        "of",
        "on",
        "to",
        "with",
        "from",
        "this",
        "that",
        "these",
        "those",
        "it",
        "its",
        "he",
        "she",
        "they",
        "we",
        "i",
        "you",
        "his",
        "her",
        "their",
        "our",
        "there",
        "here",
        "when",
        "while",
        "if",
        "after",
        "before",
        "since",
        "until",
        "although",
        "though",
        "however",
    ]
)
_CONTEXT = 3


@dataclass(frozen=True)
class _Hunk:
    old: tuple[_Token, ...]  # archived words replaced or removed
    new: tuple[_Token, ...]  # stored words that replace them or were added
    a_start: int
    a_end: int
    b_start: int
    b_end: int


def _hunks(archived: Sequence[_Token], stored: Sequence[_Token]) -> list[_Hunk]:
    ops = Indel.opcodes([t.key for t in archived], [t.key for t in stored])
    hunks: list[_Hunk] = []
    pending: list[int] | None = None
    for op in ops:
        if op.tag == "equal":
            if pending:
                hunks.append(_hunk(archived, stored, pending))
                pending = None
            for a, b in zip(range(op.src_start, op.src_end), range(op.dest_start, op.dest_end), strict=True):
                if _case_matters(archived[a].surface, stored[b].surface):
                    hunks.append(_hunk(archived, stored, [a, a + 1, b, b + 1]))
            continue
        if pending is None:
            pending = [op.src_start, op.src_end, op.dest_start, op.dest_end]
        else:
            pending[1], pending[3] = op.src_end, op.dest_end
    if pending:
        hunks.append(_hunk(archived, stored, pending))
    hunks.sort(key=lambda h: (h.b_start, h.a_start))
    return hunks


def _hunk(archived: Sequence[_Token], stored: Sequence[_Token], span: list[int]) -> _Hunk:
    a0, a1, b0, b1 = span
    return _Hunk(tuple(archived[a0:a1]), tuple(stored[b0:b1]), a0, a1, b0, b1)


_NOT_LETTERS = re.compile(r"\W+")


def _respaced(hunk: _Hunk) -> bool:
    """The same letters cut into words another way ("a nd" and "and", "Boeing 's" and "Boeing's"): a space
    moved, which a page's inline markup or a copy's typesetting does, and no word changed."""
    if len(hunk.old) == len(hunk.new) or not hunk.old or not hunk.new:
        return False
    old = _NOT_LETTERS.sub("", "".join(t.key for t in hunk.old))
    return bool(old) and old == _NOT_LETTERS.sub("", "".join(t.key for t in hunk.new))


def _case_matters(a: str, b: str) -> bool:
    """ "US" and "us" are different words; "NATO" and "Nato" are one."""
    return a != b and len(a) >= 2 and ((a.isupper() and b.islower()) or (a.islower() and b.isupper()))


def _is_negation(token: _Token) -> bool:
    return token.key in _NEGATIONS or token.key.endswith("n't")


def _is_date(token: _Token, side: Sequence[_Token], position: int) -> bool:
    if token.key in _MONTHS or token.key in _DAYS or (token.surface == "May"):
        return True
    if not token.key.isdigit():
        return False
    if token.surface.isdigit() and len(token.key) == 4 and 1800 <= int(token.key) <= 2100:
        return True
    nearby = side[max(0, position - 2) : position + 3]
    return any(t.key in _MONTHS or t.surface == "May" for t in nearby)


def _kinds(hunk: _Hunk, archived: Sequence[_Token], stored: Sequence[_Token]) -> set[str]:
    kinds: set[str] = set()
    changed = [(t, archived, hunk.a_start + n) for n, t in enumerate(hunk.old)]
    changed += [(t, stored, hunk.b_start + n) for n, t in enumerate(hunk.new)]
    for token, side, position in changed:
        if _is_date(token, side, position):
            kinds.add("date")
        elif any(c.isdigit() for c in token.key):
            kinds.add("number")
        if token.quoted:
            kinds.add("quote")
    if sum(map(_is_negation, hunk.old)) != sum(map(_is_negation, hunk.new)):
        kinds.add("negation")
    if hunk.old and hunk.new:
        for token, _, _ in changed:
            if token.surface[:1].isupper() and not (token.initial and token.key in _FUNCTION_WORDS):
                kinds.add("name")
    grown = len(hunk.new) - len(hunk.old)
    only_negation = kinds == {"negation"} and len(hunk.old) + len(hunk.new) == 1
    if (not hunk.old and not only_negation) or grown >= 3:
        kinds.add("added")
    if (not hunk.new and not only_negation) or grown <= -3:
        kinds.add("dropped")
    return kinds or {"wording"}


def _render(hunks: Sequence[_Hunk], stored: Sequence[_Token]) -> str:
    """Word diff with a little context: `... staged more than [-1,000-]{+10,000+} attacks in ...`."""
    parts: list[str] = []
    cursor = 0  # first stored token not yet shown
    for n, hunk in enumerate(hunks):
        before_start = max(cursor, hunk.b_start - _CONTEXT)
        if before_start > (cursor if n else 0):
            parts.append("…")
        parts.extend(t.surface for t in stored[before_start : hunk.b_start])
        change = ""
        if hunk.old:
            change += "[-" + " ".join(t.surface for t in hunk.old) + "-]"
        if hunk.new:
            change += "{+" + " ".join(t.surface for t in hunk.new) + "+}"
        parts.append(change)
        following = hunks[n + 1].b_start if n + 1 < len(hunks) else len(stored)
        after_end = min(hunk.b_end + _CONTEXT, following)
        parts.extend(t.surface for t in stored[hunk.b_end : after_end])
        cursor = after_end
    if hunks and cursor < len(stored):
        parts.append("…")
    return " ".join(parts)


# --------------------------------------------------------------------------------------------------------------
# Comparison


#: Share of the statements that must be found in the capture's visible text (body or not) for a statement found
#: nowhere in it to be called absent, when the body alone does not make the extraction whole.
_CAPTURE_WHOLE = 0.9


def compare(statements: Sequence[tuple[str, str]], archived: Sequence[str], outside: Sequence[str] = ()) -> Comparison:
    """Align the stored copy's statements (id, text) with the archived original's paragraphs and classify each.

    `outside` is the rest of the capture's visible text (blocks the extractor did not take as the article). A
    statement the body lacks is looked for there before it is called absent: found, it is compared as usual and
    marked `outside_body`.

    The archived original is *extracted whole* (`archive_complete`) when at least half of the statements match its
    body, it is not cut at the start or the end, it has at least 60% of the stored copy's words unless 90% of the
    statements match, and no statement was found only outside the body. A statement found nowhere in the capture is
    *absent* when the body is whole, or when 90% of the statements are found in the capture's visible text;
    otherwise it is *not compared*.
    """
    archived_sentences = [_sentence(s) for paragraph in archived for s in split_sentences(paragraph)]
    stored = [_sentence(text) for _, text in statements]
    index = _Index(archived_sentences)
    matches, best_scores = _align(stored, index)

    results: list[StatementChange | None] = [None] * len(stored)
    covered: set[int] = set()
    for group in _groups(matches, stored):
        lo = min(_los(matches, group))
        hi = max(_his(matches, group))
        covered.update(range(lo, hi + 1))
        compared = _compare_group(statements, stored, group, archived_sentences[lo : hi + 1])
        for i, result in zip(group, compared, strict=True):
            results[i] = result

    # Punctuation or emoji left alone by the splitter: nothing in it can change substantively.
    wordless = {normalise(s.text): s.text for s in archived_sentences if not s.keys}
    for i, statement in enumerate(stored):
        if not statement.keys:
            same = wordless.get(normalise(statement.text))
            kind = Change.UNCHANGED if same == statement.text else Change.COSMETIC
            results[i] = StatementChange(statements[i][0], statements[i][1], kind, same, "", (), 1.0)

    worded = [i for i, s in enumerate(stored) if s.keys]
    matched = sum(1 for i in worded if matches[i] is not None)
    coverage = matched / len(worded) if worded else (1.0 if archived_sentences else 0.0)
    complete, why = _completeness(
        [stored[i] for i in worded], [matches[i] for i in worded], archived_sentences, coverage
    )
    elsewhere = _found_outside(statements, stored, results, outside) if outside and worded else []
    for i, result in elsewhere:
        results[i] = result
    capture_whole = complete or (bool(worded) and (matched + len(elsewhere)) / len(worded) >= _CAPTURE_WHOLE)
    if elsewhere:
        complete = False
        why = (
            f"{len(elsewhere)} statements were found only outside the extracted article body (in the capture's "
            "other visible text), so the extraction is not whole" + (f"; {why[0].lower()}{why[1:]}" if why else "")
        )
        if capture_whole:
            why += "; statements found nowhere in the capture are absent from it"
    missing = tuple(s.text for j, s in enumerate(archived_sentences) if j not in covered and s.keys)
    unmatched = Change.ABSENT if capture_whole else Change.NOT_COMPARED
    final = tuple(
        result if result is not None else StatementChange(sid, text, unmatched, None, "", (), round(best_scores[i], 3))
        for i, (result, (sid, text)) in enumerate(zip(results, statements, strict=True))
    )
    counts = Counter(c.change for c in final)
    summary = ", ".join(f"{counts[c]} {c.value}" for c in Change if counts[c])
    detail = f"{matched} of {len(stored)} statements matched the archived text ({coverage:.0%}): {summary or 'none'}"
    detail += f"; {len(missing)} archived sentences are not in the stored copy"
    if why:
        detail += f". {why}"
    return Comparison(final, missing, complete, round(coverage, 4), detail)


def _found_outside(
    statements: Sequence[tuple[str, str]],
    stored: Sequence[_Sentence],
    results: Sequence[StatementChange | None],
    outside: Sequence[str],
) -> list[tuple[int, StatementChange]]:
    """The statements the body lacks that the capture's other visible text has, each sentence to one statement."""
    rest = [_sentence(s) for paragraph in outside for s in split_sentences(paragraph)]
    index = _Index(rest)
    taken: set[int] = set()
    found: list[tuple[int, StatementChange]] = []
    expected = 0
    for i, statement in enumerate(stored):
        if results[i] is not None or not statement.keys:
            continue
        match = _first_match(statement.keys, index.candidates(statement, expected, taken), index, taken)
        if match is None:
            continue
        taken.update(range(match.lo, match.hi + 1))
        expected = match.hi + 1
        (result,) = _compare_group(statements, stored, [i], rest[match.lo : match.hi + 1])
        found.append((i, dataclasses.replace(result, outside_body=True)))
    return found


def _los(matches: Sequence[_Match | None], group: Sequence[int]) -> list[int]:
    return [m.lo for i in group if (m := matches[i]) is not None]


def _his(matches: Sequence[_Match | None], group: Sequence[int]) -> list[int]:
    return [m.hi for i in group if (m := matches[i]) is not None]


def _groups(matches: Sequence[_Match | None], stored: Sequence[_Sentence]) -> list[list[int]]:
    """Consecutive statements whose archived spans overlap form one group, compared as a whole.

    Wordless statements (a lone quotation mark or ellipsis the splitter cut off) do not break a run.
    """
    groups: list[list[int]] = []
    lo = hi = -1
    previous = -1  # the last statement with words
    for i, m in enumerate(matches):
        if not stored[i].keys:
            continue
        if m is not None and groups and groups[-1][-1] == previous and m.lo <= hi and m.hi >= lo:
            groups[-1].append(i)
            lo, hi = min(lo, m.lo), max(hi, m.hi)
        elif m is not None:
            groups.append([i])
            lo, hi = m.lo, m.hi
        previous = i
    return groups


def _compare_group(
    statements: Sequence[tuple[str, str]],
    stored: Sequence[_Sentence],
    group: Sequence[int],
    archived: Sequence[_Sentence],
) -> list[StatementChange]:
    stored_tokens = [t for i in group for t in stored[i].tokens]
    owner = [i for i in group for _ in stored[i].tokens]
    archived_tokens = [t for s in archived for t in s.tokens]
    archived_text = " ".join(s.text for s in archived)
    score = round(_similarity([t.key for t in archived_tokens], [t.key for t in stored_tokens]), 3)
    hunks = [hunk for hunk in _hunks(archived_tokens, stored_tokens) if not _respaced(hunk)]
    identical = " ".join(statements[i][1].strip() for i in group) == archived_text
    out: list[StatementChange] = []
    for i in group:
        mine = [h for h in hunks if _owner_of(h, owner, group) == i]
        sid, text = statements[i]
        if not mine:
            change = Change.UNCHANGED if identical else Change.COSMETIC
            out.append(StatementChange(sid, text, change, archived_text, "", (), score))
            continue
        kinds: set[str] = set()
        for hunk in mine:
            kinds |= _kinds(hunk, archived_tokens, stored_tokens)
        ordered = tuple(k for k in KINDS if k in kinds)
        out.append(
            StatementChange(sid, text, Change.SUBSTANTIVE, archived_text, _render(mine, stored_tokens), ordered, score)
        )
    return out


def _owner_of(hunk: _Hunk, owner: Sequence[int], group: Sequence[int]) -> int:
    if hunk.b_end > hunk.b_start:
        return owner[hunk.b_start]
    if not owner:
        return group[0]
    # archived words dropped between two statements belong to the one before the gap
    return owner[hunk.b_start - 1] if hunk.b_start > 0 else owner[0]


def _completeness(
    stored: Sequence[_Sentence],
    matches: Sequence[_Match | None],
    archived: Sequence[_Sentence],
    coverage: float,
) -> tuple[bool, str]:
    """Whether the archived text is the whole article, so that a statement without a match is really absent."""
    if not any(s.keys for s in archived):
        return False, "The archived text is empty; statements were not compared."
    if not stored:
        return True, ""
    stored_words = sum(len(s.keys) for s in stored)
    archived_words = sum(len(s.keys) for s in archived)
    matched = [i for i, m in enumerate(matches) if m is not None]
    if not matched:
        return (
            False,
            "No statement matches the archived text, so the capture looks like another page; statements were not compared.",
        )
    tail = len(stored) - 1 - matched[-1]
    last_archived = max(m.hi for m in matches if m is not None)
    if tail >= 3 and tail >= 0.2 * len(stored) and len(archived) - 1 - last_archived <= 3:
        return False, (
            f"The archived text stops matching after statement {matched[-1] + 1} of {len(stored)} and has little "
            "after that point, so the capture looks truncated; the last statements were not compared."
        )
    head = matched[0]
    first_archived = min(m.lo for m in matches if m is not None)
    if head >= 3 and head >= 0.2 * len(stored) and first_archived <= 3:
        return False, (
            f"The archived text only starts matching at statement {head + 1} of {len(stored)}, so the capture "
            "looks cut at the start; the first statements were not compared."
        )
    if coverage < 0.5:
        return False, (
            f"Only {coverage:.0%} of the statements match the archived text, so the capture looks like another page "
            "or a partial extraction; unmatched statements were not compared."
        )
    if archived_words < 0.6 * stored_words and coverage < 0.9:
        return False, (
            f"The archived text has {archived_words} words against {stored_words} in the stored copy, so the "
            "capture looks incomplete; unmatched statements were not compared."
        )
    return True, ""


# --------------------------------------------------------------------------------------------------------------
# Rendering


def comparison_json(c: Comparison) -> dict[str, Any]:
    return {
        "statements": [
            {
                "id": s.id,
                "text": s.text,
                "change": s.change.value,
                "archived_text": s.archived_text,
                "diff": s.diff,
                "kinds": list(s.kinds),
                "score": s.score,
                "outside_body": s.outside_body,
            }
            for s in c.statements
        ],
        "missing_from_stored": list(c.missing_from_stored),
        "archive_complete": c.archive_complete,
        "coverage": c.coverage,
        "detail": c.detail,
    }


_DIFF_PART = re.compile(r"\[-(.*?)-\]|\{\+(.*?)\+\}")


def diff_parts(diff: str) -> list[tuple[str, str]]:
    """A word diff (`... take [-14-]{+18+} months`) as ("same" | "removed" | "added", words) pairs, in order."""
    parts: list[tuple[str, str]] = []
    position = 0
    for match in _DIFF_PART.finditer(diff):
        if match.start() > position:
            parts.append(("same", diff[position : match.start()]))
        parts.append(("removed", match.group(1)) if match.group(1) is not None else ("added", match.group(2)))
        position = match.end()
    if position < len(diff):
        parts.append(("same", diff[position:]))
    return parts


def escape_markdown(text: str) -> str:
    """Untrusted text as inert Markdown on one line (the escaper every report uses: verify/markdown.py)."""
    return markdown.text(text)


def diff_markdown(diff: str) -> str:
    """A word diff as Markdown a reader sees: removed words ~~struck~~, added words **bold**."""
    out: list[str] = []
    for kind, words in diff_parts(diff):
        if kind == "same":
            escaped = markdown.text(words)
            out.append((" " if words[:1].isspace() else "") + escaped + (" " if words[-1:].isspace() else ""))
        elif kind == "removed":
            out.append(markdown.struck(words))
        else:
            out.append((" " if out and out[-1].endswith("~~") else "") + markdown.marked(words))
    return "".join(out)


def comparison_markdown(c: Comparison) -> str:
    lines = ["## Stored copy vs archived original", ""]
    state = "complete" if c.archive_complete else "incomplete"
    lines += [f"Archived text: **{state}**, coverage {c.coverage:.0%}. {escape_markdown(c.detail)}", ""]
    notable = [s for s in c.statements if s.change not in (Change.UNCHANGED, Change.COSMETIC) or s.outside_body]
    counts = Counter(s.change for s in c.statements)
    lines.append(", ".join(f"{counts[ch]} {ch.value}" for ch in Change if counts[ch]) or "No statements.")
    lines.append("")
    if any(s.diff for s in notable):
        lines += [
            "Changed words are ~~struck~~ where the archived text has them and **bold** where the stored copy has them.",
            "",
        ]
    for s in notable:
        label = s.change.value + (f" ({', '.join(s.kinds)})" if s.kinds else "")
        label += ", outside the article body" if s.outside_body else ""
        lines.append(f"- **{escape_markdown(s.id)}** {label}: {escape_markdown(s.text)}")
        if s.diff:
            lines.append(f"  - diff: {diff_markdown(s.diff)}")
        if s.archived_text and s.change is Change.SUBSTANTIVE:
            lines.append(f"  - archived: {escape_markdown(s.archived_text)}")
    if c.missing_from_stored:
        lines += ["", "Archived sentences missing from the stored copy:", ""]
        lines += [f"- {markdown.text(text, line_start=True)}" for text in c.missing_from_stored]
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------------------------------------------
# Files

#: read_article insists on an original URL; the comparison never uses it.
_NO_URL = "https://stored-copy.invalid/"


def compare_files(stored: Path, archived: Path) -> Comparison:
    """`verify compare STORED ARCHIVED`: a stored copy (Markdown, text or HTML) against an archived page or text."""
    from verify.article import read_article

    article = read_article(stored, url=_NO_URL)
    body, outside = _read_capture(archived)
    return compare([(s.id, s.text) for s in article.statements], body, outside=outside)


def read_archived(path: Path) -> list[str]:
    """Paragraphs of an archived original: HTML through the extractor (photo captions first, as the pipeline compares
    them), text split at blank lines (.gz allowed)."""
    return _read_capture(path)[0]


def _read_capture(path: Path) -> tuple[list[str], list[str]]:
    """The archived original's article paragraphs, and (for HTML) the rest of its visible text."""
    raw = path.read_bytes()
    if path.suffix == ".gz":
        raw = gzip.decompress(raw)
    head = raw[:2048].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html")) or b"<body" in raw[:100_000].lower():
        from verify.extract import extract

        extracted = extract(raw)
        return [*extracted.captions, *extracted.paragraphs], list(extracted.outside)
    return list(iter_paragraphs(raw.decode("utf-8", errors="replace"))), []

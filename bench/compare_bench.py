"""Drift detection benchmark for verify.compare: inject one edit at a time into real article texts.

The stored copy is the edited text (its sentences are the statements), the archived original is the ground-truth
text of ../shared/bench/articles/. Each trial makes one edit and checks what `compare` says:

- substantive edits (number, negation, name, quote, dropped clause) are found when a statement is `substantive`
  (and the kind is right when the expected kind is among its kinds); an added sentence is found when its statement is
  `absent`; a dropped sentence is found when it is listed in `missing_from_stored`;
- cosmetic edits (whitespace, quotes, dashes, nbsp, ellipsis) are a false alarm when any statement is not
  unchanged/cosmetic or any archived sentence is reported missing.

Articles are split into a dev half (for tuning) and a test half by the SHA-256 of their file name; both are reported.
Time is measured on concatenated texts (1x, 4x and 16x the same base length). Deterministic: every random choice
comes from a generator seeded by (seed, article, edit kind, trial).

    python bench/compare_bench.py [--trials 3] [--seed 1] [--verbose]
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import json
import random
import re
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import verify.compare as compare_module
import verify.text as text_module
from verify.compare import Change, Comparison, compare
from verify.text import iter_paragraphs, sentence_spans, split_sentences

ARTICLES = Path(__file__).resolve().parent.parent.parent / "shared" / "bench" / "articles"
SUBSTANTIVE = ("number", "negation", "name", "quote", "dropped-clause", "added-sentence", "dropped-sentence")
COSMETIC = (
    "whitespace",
    "quotes",
    "dashes",
    "nbsp",
    "ellipsis",
    "soft-hyphen",
    "zero-width",
    "joiners",
    "bom",
    "number-words",
    "thousands",
    "percent",
)
EXPECTED_KIND = {"number": ("number", "date"), "negation": ("negation",), "name": ("name",), "quote": ("quote",)}
EXPECTED_KIND["dropped-clause"] = ("dropped",)

Paragraphs = list[str]


@dataclass(frozen=True)
class Edit:
    paragraphs: Paragraphs
    sentence: str  # the edited (or added, or dropped) sentence


class NotApplicable(Exception):
    """The article has nothing this edit can work on (no number, no quotation...)."""


# --------------------------------------------------------------------------------------------------------------
# Edits


def sentences_of(paragraphs: Paragraphs) -> list[tuple[int, int, int]]:
    """(paragraph, start, end) of every sentence."""
    return [(p, a, b) for p, text in enumerate(paragraphs) for a, b in sentence_spans(text)]


def edit_sentence(
    paragraphs: Paragraphs, rng: random.Random, change: Callable[[str, random.Random], str | None]
) -> Edit:
    spots = sentences_of(paragraphs)
    rng.shuffle(spots)
    for p, a, b in spots:
        old = paragraphs[p][a:b]
        new = change(old, rng)
        if new is not None and new != old:
            edited = list(paragraphs)
            edited[p] = paragraphs[p][:a] + new + paragraphs[p][b:]
            return Edit(edited, new)
    raise NotApplicable


_NUMBER = re.compile(r"(?<![\w.,])\d{1,3}(?:,\d{3})*(?:\.\d+)?(?![\w,]*\d)|(?<![\w.,])\d+(?![\w.,]*\d)")


def number(sentence: str, rng: random.Random) -> str | None:
    found = list(_NUMBER.finditer(sentence))
    if not found:
        return None
    match = rng.choice(found)
    value = float(match.group(0).replace(",", ""))
    new = rng.choice([value * 10, value + 1, value + 7, value * 2 + 3])
    text = f"{new:,.0f}" if "," in match.group(0) else (f"{new:g}" if "." in match.group(0) else str(int(new)))
    return sentence[: match.start()] + text + sentence[match.end() :]


_AUXILIARY = re.compile(r"\b(is|was|are|were|has|have|had|did|does|do|can|will|would|could|should|must)\s+(?!not\b)")
_NOT = re.compile(r"\s+not\b")


def negation(sentence: str, rng: random.Random) -> str | None:
    nots = list(_NOT.finditer(sentence))
    if nots and rng.random() < 0.5:
        match = rng.choice(nots)
        return sentence[: match.start()] + sentence[match.end() :]
    found = list(_AUXILIARY.finditer(sentence))
    if not found:
        return None
    match = rng.choice(found)
    return sentence[: match.end(1)] + " not" + sentence[match.end(1) :]


_NAMES = ("Harrison", "Moreno", "Kowalski", "Okafor", "Lindqvist", "Tanaka", "Brennan", "Castillo")
_CAPITALISED = re.compile(r"(?<=[a-z,;] )[A-Z][a-z]{2,}\b")


def name(sentence: str, rng: random.Random) -> str | None:
    found = list(_CAPITALISED.finditer(sentence))
    if not found:
        return None
    match = rng.choice(found)
    replacement = rng.choice([n for n in _NAMES if n != match.group(0)])
    return sentence[: match.start()] + replacement + sentence[match.end() :]


_QUOTED = re.compile(r"[\"“]([^\"“”]{3,})[\"”]")
_NEUTRAL = ("quickly", "certain", "major", "serious", "public", "strong", "recent", "formal")


def quote(sentence: str, rng: random.Random) -> str | None:
    spots = [
        (q.start(1) + w.start(), q.start(1) + w.end(), w.group(0))
        for q in _QUOTED.finditer(sentence)
        for w in re.finditer(r"\b[a-z]{4,}\b", q.group(1))
        if w.group(0) not in ("not", "never")
    ]
    if not spots:
        return None
    start, end, word = rng.choice(spots)
    return sentence[:start] + rng.choice([n for n in _NEUTRAL if n != word]) + sentence[end:]


_CLAUSE = re.compile(r",\s+[^,;]+?(?=,)|,\s+[^,;]+?(?=[.!?]\W*$)")


def dropped_clause(sentence: str, rng: random.Random) -> str | None:
    found = [m for m in _CLAUSE.finditer(sentence) if 2 <= len(m.group(0).split()) <= len(sentence.split()) // 2]
    if not found:
        return None
    match = rng.choice(found)
    return sentence[: match.start()] + sentence[match.end() :]


def added_sentence(paragraphs: Paragraphs, rng: random.Random, donors: list[str]) -> Edit:
    sentence = rng.choice(donors)
    edited = list(paragraphs)
    p = rng.randrange(len(edited))
    edited[p] = edited[p] + " " + sentence if rng.random() < 0.5 else sentence + " " + edited[p]
    return Edit(edited, sentence)


def dropped_sentence(paragraphs: Paragraphs, rng: random.Random) -> Edit:
    spots = [(p, a, b) for p, a, b in sentences_of(paragraphs) if len(paragraphs[p][a:b].split()) >= 4]
    if not spots:
        raise NotApplicable
    p, a, b = rng.choice(spots)
    edited = list(paragraphs)
    edited[p] = (paragraphs[p][:a] + paragraphs[p][b:]).strip()
    sentence = paragraphs[p][a:b]
    return Edit([e for e in edited if e], sentence)


def replace_one(pattern: str, replacements: Callable[[str], str]) -> Callable[[str, random.Random], str | None]:
    def change(sentence: str, rng: random.Random) -> str | None:
        found = list(re.finditer(pattern, sentence))
        if not found:
            return None
        match = rng.choice(found)
        return sentence[: match.start()] + replacements(match.group(0)) + sentence[match.end() :]

    return change


_QUOTE_SWAP = {'"': "“", "“": '"', "”": '"', "'": "’", "’": "'", "‘": "'"}
_DASH_SWAP = {"—": " -- ", "–": "-", " - ": " — ", "-": "‑"}
COSMETIC_EDITS: dict[str, Callable[[str, random.Random], str | None]] = {
    "whitespace": replace_one(r" ", lambda _: "  "),
    "quotes": replace_one(r"[\"“”'’‘]", lambda q: _QUOTE_SWAP[q]),
    "dashes": replace_one(r"—|–| - |(?<=\w)-(?=\w)", lambda d: _DASH_SWAP[d]),
    "nbsp": replace_one(r" ", lambda _: "\u00a0"),
    "ellipsis": replace_one(r"\.\.\.|…|(?<=[a-z])\.$", lambda e: "…" if e != "…" else "..."),
}


def _inside_word(mark: str) -> Callable[[str, random.Random], str | None]:
    """An invisible formatting character put between two letters of a word (a CMS's hyphenation, a joiner)."""

    def change(sentence: str, rng: random.Random) -> str | None:
        spots = [m.start() + 1 + rng.randrange(len(m.group(0)) - 1) for m in re.finditer(r"[A-Za-z]{4,}", sentence)]
        if not spots:
            return None
        at = rng.choice(spots)
        return sentence[:at] + (rng.choice(mark) if len(mark) > 1 else mark) + sentence[at:]

    return change


def _bom(sentence: str, rng: random.Random) -> str | None:
    """A byte-order mark (U+FEFF, read as a zero-width no-break space) at the start of a sentence or in a word."""
    return "\ufeff" + sentence if rng.random() < 0.5 else _inside_word("\ufeff")(sentence, rng)


_SPELLED = {"one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7", "eight": "8"}
_SPELLED |= {"nine": "9", "ten": "10", "twelve": "12", "twenty": "20", "fifty": "50"}
_SPELLED_BACK = {digits: word for word, digits in _SPELLED.items()}
_SPELLED_NUMBER = re.compile(
    r"(?<![\w.,$£€/-])(?<!hundred )(?<!thousand )(?:"
    + "|".join(sorted(_SPELLED, key=len, reverse=True))
    + r"|"
    + "|".join(_SPELLED_BACK)
    + r")(?![\w.,%/-])(?! (?:hundred|thousand|million|billion)\b)",
)


def number_words(sentence: str, rng: random.Random) -> str | None:
    """A number written in words made digits, or digits made words ("five" <-> "5")."""
    found = [m for m in _SPELLED_NUMBER.finditer(sentence) if m.group(0) != "one" or rng.random() < 0.2]
    if not found:
        return None
    match = rng.choice(found)
    word = match.group(0)
    new = _SPELLED.get(word) or _SPELLED_BACK[word]
    return sentence[: match.start()] + new + sentence[match.end() :]


def thousands(sentence: str, rng: random.Random) -> str | None:
    """A thousands separator added or taken out ("12,500" <-> "12500")."""
    found = list(
        re.finditer(
            r"(?<![\w.,/-])[1-9]\d{0,2}(?:,\d{3})+(?![\w,/-]*\d)|(?<![\w.,$/-])[1-9]\d{4,}(?![\w.,/-]*\d)", sentence
        )
    )
    if not found:
        return None
    match = rng.choice(found)
    number = match.group(0)
    new = number.replace(",", "") if "," in number else f"{int(number):,}"
    return sentence[: match.start()] + new + sentence[match.end() :]


def percent(sentence: str, rng: random.Random) -> str | None:
    """ "per cent", "percent" and "%" written another of the three ways."""
    found = list(re.finditer(r"(?<=\d)(?: per cent| percent|%)(?!\w)", sentence))
    if not found:
        return None
    match = rng.choice(found)
    new = rng.choice([form for form in (" per cent", " percent", "%") if form != match.group(0)])
    return sentence[: match.start()] + new + sentence[match.end() :]


INVISIBLE_EDITS: dict[str, Callable[[str, random.Random], str | None]] = {
    "soft-hyphen": _inside_word("\u00ad"),
    "zero-width": _inside_word("\u200b"),
    "joiners": _inside_word("\u200c\u200d\u2060"),
    "bom": _bom,
}
NUMBER_SPELLING_EDITS: dict[str, Callable[[str, random.Random], str | None]] = {
    "number-words": number_words,
    "thousands": thousands,
    "percent": percent,
}
COSMETIC_EDITS |= INVISIBLE_EDITS | NUMBER_SPELLING_EDITS
SENTENCE_EDITS: dict[str, Callable[[str, random.Random], str | None]] = {
    "number": number,
    "negation": negation,
    "name": name,
    "quote": quote,
    "dropped-clause": dropped_clause,
}


# --------------------------------------------------------------------------------------------------------------
# Running


def statements_of(paragraphs: Paragraphs) -> list[tuple[str, str]]:
    return [(f"p{p}.s{n}", s) for p, text in enumerate(paragraphs, 1) for n, s in enumerate(split_sentences(text), 1)]


def false_alarm(result: Comparison) -> bool:
    return bool(result.missing_from_stored) or any(
        s.change not in (Change.UNCHANGED, Change.COSMETIC) for s in result.statements
    )


def found(kind: str, edit: Edit, result: Comparison) -> tuple[bool, bool]:
    """(edit found, kind right)."""
    if kind == "added-sentence":
        # the added sentence may be joined with a neighbour that lacks end punctuation: its statement then
        # contains it and is either absent or substantive (with the words added)
        added = set(edit.sentence.split())
        hit = any(
            s.change in (Change.ABSENT, Change.SUBSTANTIVE) and len(added & set(s.text.split())) >= 0.8 * len(added)
            for s in result.statements
        )
        return hit, hit
    if kind == "dropped-sentence":
        hit = edit.sentence in result.missing_from_stored
        return hit, hit
    flagged = [s for s in result.statements if s.change is Change.SUBSTANTIVE]
    return bool(flagged), any(k in s.kinds for s in flagged for k in EXPECTED_KIND[kind])


def half_of(article_id: str) -> str:
    return "dev" if hashlib.sha256(f"{article_id}.html.gz".encode()).digest()[0] % 2 == 0 else "test"


def load() -> dict[str, Paragraphs]:
    truth = json.loads((ARTICLES / "ground-truth.json").read_text(encoding="utf-8"))
    return {key: list(iter_paragraphs(value["articleBody"])) for key, value in sorted(truth.items())}


def run_quality(articles: dict[str, Paragraphs], trials: int, seed: int, verbose: bool) -> None:
    donors_by_article = {
        key: [s for p in paragraphs for s in split_sentences(p) if len(s.split()) >= 6]
        for key, paragraphs in articles.items()
    }
    keys = list(articles)
    for half in ("dev", "test"):
        tally: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])  # trials, found, kind right
        baseline_alarms = 0
        chosen = [k for k in keys if half_of(k) == half]
        for key in chosen:
            paragraphs = articles[key]
            if false_alarm(compare(statements_of(paragraphs), paragraphs)):
                baseline_alarms += 1
            for kind in SUBSTANTIVE + COSMETIC:
                for trial in range(trials):
                    rng = random.Random(f"{seed}:{key}:{kind}:{trial}")
                    try:
                        if kind == "added-sentence":
                            donor = keys[(keys.index(key) + 1 + rng.randrange(len(keys) - 1)) % len(keys)]
                            edit = added_sentence(paragraphs, rng, donors_by_article[donor])
                        elif kind == "dropped-sentence":
                            edit = dropped_sentence(paragraphs, rng)
                        elif kind in SENTENCE_EDITS:
                            edit = edit_sentence(paragraphs, rng, SENTENCE_EDITS[kind])
                        else:
                            edit = edit_sentence(paragraphs, rng, COSMETIC_EDITS[kind])
                    except (NotApplicable, IndexError):
                        continue
                    result = compare(statements_of(edit.paragraphs), paragraphs)
                    counts = tally[kind]
                    counts[0] += 1
                    if kind in COSMETIC:
                        alarm = false_alarm(result)
                        counts[1] += alarm
                        if alarm and verbose:
                            report_miss(half, key, kind, edit, result)
                    else:
                        hit, right = found(kind, edit, result)
                        counts[1] += hit
                        counts[2] += right
                        if (not hit or not right) and verbose:
                            report_miss(half, key, kind, edit, result)
        total = [sum(tally[k][i] for k in SUBSTANTIVE) for i in range(3)]
        cosmetic = [sum(tally[k][i] for k in COSMETIC) for i in range(2)]
        print(f"{half} articles: {len(chosen)}")
        print(f"{half} unedited articles with a false alarm: {baseline_alarms}")
        print(f"{half} substantive edits found: {total[1] / max(total[0], 1):.2%} ({total[1]}/{total[0]})")
        for kind in SUBSTANTIVE:
            n, hit, _ = tally[kind]
            print(f"{half} substantive edits found [{kind}]: {hit / max(n, 1):.2%} ({hit}/{n})")
        print(
            f"{half} substantive edits with the right kind: {total[2] / max(total[0], 1):.2%} ({total[2]}/{total[0]})"
        )
        for kind in SUBSTANTIVE:
            n, _, right = tally[kind]
            print(f"{half} right kind [{kind}]: {right / max(n, 1):.2%} ({right}/{n})")
        print(
            f"{half} cosmetic edits called substantive: {cosmetic[1] / max(cosmetic[0], 1):.2%} ({cosmetic[1]}/{cosmetic[0]})"
        )
        for kind in COSMETIC:
            n, alarm, _ = tally[kind]
            print(f"{half} cosmetic edits called substantive [{kind}]: {alarm / max(n, 1):.2%} ({alarm}/{n})")


def report_miss(half: str, key: str, kind: str, edit: Edit, result: Comparison) -> None:
    flagged = [
        (s.id, s.change.value, s.kinds, s.diff) for s in result.statements if s.change not in (Change.UNCHANGED,)
    ]
    print(f"  MISS {half} {key[:10]} {kind}: {edit.sentence[:100]!r}", file=sys.stderr)
    for item in flagged[:4]:
        print(f"     {item}", file=sys.stderr)
    for text in result.missing_from_stored[:3]:
        print(f"     missing: {text[:100]!r}", file=sys.stderr)


def run_timing(articles: dict[str, Paragraphs], seed: int) -> None:
    """compare() on 1x, 4x and 16x a base length of archived text (concatenated articles, one number edited in each)."""
    rng = random.Random(seed)
    archived_pool: Paragraphs = []
    stored_pool: Paragraphs = []
    for paragraphs in articles.values():
        archived_pool += paragraphs
        try:
            stored_pool += edit_sentence(paragraphs, rng, number).paragraphs
        except NotApplicable:
            stored_pool += paragraphs
    base = 15_000
    times: dict[int, float] = {}
    align_times: dict[int, float] = {}
    sizes: dict[int, int] = {}
    for scale in (1, 4, 16):
        archived: Paragraphs = []
        while sum(map(len, archived)) < base * scale:
            archived.append(archived_pool[len(archived)])
        stored = stored_pool[: len(archived)]
        statements = statements_of(stored)
        best = aligned = float("inf")
        for _ in range(3):
            re.purge()  # pysbd compiles regexes per text; a cache warmed by the previous run would flatter small texts
            text_module._sentence_spans.cache_clear()  # verify.text keeps splits per paragraph: time the splitting too
            start = time.perf_counter()
            compare(statements, archived)
            best = min(best, time.perf_counter() - start)
        # the same with the sentences of the archived paragraphs already split: alignment, diff and verdicts only
        memo = functools.lru_cache(maxsize=None)(split_sentences)
        for paragraph in archived:
            memo(paragraph)
        compare_module.split_sentences = memo  # type: ignore[assignment]
        for _ in range(3):
            start = time.perf_counter()
            compare(statements, archived)
            aligned = min(aligned, time.perf_counter() - start)
        compare_module.split_sentences = split_sentences
        times[scale] = best
        align_times[scale] = aligned
        sizes[scale] = sum(map(len, archived))
        print(f"time {scale}x: {best * 1000:.0f} ms ({sizes[scale]} archived chars, {len(statements)} statements)")
        print(f"time {scale}x without sentence splitting: {aligned * 1000:.0f} ms")
    for scale in (4, 16):
        print(f"time ratio {scale}x/1x: {times[scale] / times[1]:.2f} (length ratio {sizes[scale] / sizes[1]:.2f})")
        print(f"time ratio {scale}x/1x without sentence splitting: {align_times[scale] / align_times[1]:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--trials", type=int, default=3, help="edits per article and kind (default 3)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--verbose", action="store_true", help="print each miss and false alarm on stderr")
    parser.add_argument("--skip-timing", action="store_true")
    args = parser.parse_args()
    articles = load()
    if not args.skip_timing:
        run_timing(articles, args.seed)
    # The archived paragraphs are split again in every trial; memoising the pure splitter changes no result, only
    # the wall time of the quality run (the timing above runs without it).
    compare_module.split_sentences = functools.lru_cache(maxsize=None)(split_sentences)  # type: ignore[assignment]
    run_quality(articles, args.trials, args.seed, args.verbose)


if __name__ == "__main__":
    main()

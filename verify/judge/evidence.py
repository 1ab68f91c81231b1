"""Evidence: the short quote of a passage, its permalink (`#:~:text=` fragment) and what of the statement it lacks,
and a verdict as text."""

from __future__ import annotations

import urllib.parse
from collections.abc import Sequence

from verify.judge.tokens import _claim_tokens, _gives, _tokenise, _word_set
from verify.judge.verdict import Assessment, Evidence, Source, Verdict

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

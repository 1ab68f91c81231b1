"""Text primitives shared by every stage: sentence spans, cosmetic normalisation and word tokens."""

from __future__ import annotations

import functools
import re
import threading
import unicodedata
from collections.abc import Iterator

import pysbd
import sentencex

# Typographic variants that never change what a sentence says.
_COSMETIC = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "`": "'",
        "\u00b4": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2015": "-",
        "\u2212": "-",
        "\u00a0": " ",
        "\u2009": " ",
        "\u200a": " ",
        "\u202f": " ",
        "\u2007": " ",
        "\u200b": "",
        "\u200c": "",
        "\u200d": "",
        "\ufeff": "",
        "\u00ad": "",
        "\u2026": "...",
    }
)

_SPACES = re.compile(r"\s+")
_WORD = re.compile(r"\w+(?:[.,']\w+)*", re.UNICODE)


_local = threading.local()


def _segmenter() -> pysbd.Segmenter:
    """One segmenter per thread: pysbd keeps the text being split on the instance, so a shared one mixes texts."""
    segmenter: pysbd.Segmenter | None = getattr(_local, "segmenter", None)
    if segmenter is None:
        segmenter = _local.segmenter = pysbd.Segmenter(language="en", clean=False)
    return segmenter


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Return (start, end) offsets of each sentence of `text`, trimmed of surrounding white space.

    pysbd's own character spans are unreliable for repeated sentences, so each segment is located
    from a moving cursor instead.
    """
    if len(text) > _KEPT_PARAGRAPH:
        return _split_spans(text)
    return list(_sentence_spans(text))


# Paragraphs up to this length have their splits kept (8,192 of them: at most 33 million characters of keys, ~33 MB
# for Latin text, however long a batch).
_KEPT_PARAGRAPH = 4000


@functools.lru_cache(maxsize=8192)
def _sentence_spans(text: str) -> tuple[tuple[int, int], ...]:
    """Kept per paragraph: the stored copy's paragraphs are split again when it is compared with its archived
    original, whose unchanged paragraphs are the same text (pysbd is most of the time of both)."""
    return tuple(_split_spans(text))


def _split_spans(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    if not text.strip():
        return spans
    cursor = 0
    for segment in _segments(text):
        piece = segment.strip()
        if not piece:
            continue
        start = text.find(piece, cursor)
        if start < 0:  # pysbd altered the text; fall back to the rest of the paragraph
            start = cursor
            while start < len(text) and text[start].isspace():
                start += 1
            spans.append((start, len(text.rstrip())))
            return spans
        end = start + len(piece)
        spans.append((start, end))
        cursor = end
    return spans


def _segments(text: str) -> Iterator[str]:
    """`pysbd.Segmenter.segment(text)` (non-destructive), less its cost of a regular expression compiled for each
    sentence to find it in the text: each sentence pysbd's processor returns is found with `str.find` instead, with the
    white space after it, at the first place that ends beyond the one before, as pysbd finds it. On the 38,607
    distinct paragraphs of bench/articles and WiCE dev the segments are identical and take a third less time
    (20.3 s -> 13.6 s); the rest is pysbd's processor itself."""
    sentences = _segmenter().processor(text).process()
    prior = 0
    for sentence in sentences:
        position = 0
        while (start := text.find(sentence, position)) >= 0:
            end = start + len(sentence)
            while end < len(text) and text[end].isspace():
                end += 1
            if end > prior:
                yield text[start:end]
                prior = end
                break
            position = end if end > start else start + 1


def split_sentences(text: str) -> list[str]:
    """Split prose into sentences that survive abbreviations, initials, decimals and quotations."""
    return [text[start:end] for start, end in sentence_spans(text)]


def evidence_sentences(text: str) -> list[str]:
    """Split the text of a cited source into sentences, for finding the passage that supports a statement.

    sentencex rather than pysbd: a source is often a whole article, and pysbd takes about 6 microseconds a character
    (40 ms for a 7,000-character page, as long as extracting the page). On the paragraphs of the 92 benchmark pages
    sentencex takes 11 ms where pysbd takes 2,395 ms, and splits 96.7% of them the same way; where they differ it
    mostly leaves a sentence after a closing bracket joined to the next, which makes one evidence window longer and
    loses nothing. The stored article's statements and the comparison with its original keep `split_sentences`: their
    ids and alignment depend on every boundary.
    """
    if _SURROGATE.search(text):  # a lone surrogate (from a JSON "\ud800" escape) is not UTF-8, which sentencex needs
        text = text.encode("utf-8", "replace").decode("utf-8")
    # sentencex 1.0.32 panics on a capital letter, a non-ASCII space and a full stop ("A\u00a0."): it takes the space
    # for one byte. Every such space is a plain one here, which the judge folds to anyway.
    text = text.translate(_WIDE_SPACES)
    try:
        segments = sentencex.segment("en", text)
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException:  # any other panic in its Rust code (pyo3 raises PanicException, a BaseException)
        return split_sentences(text)
    return [piece for segment in segments if (piece := segment.strip())]


_SURROGATE = re.compile("[\ud800-\udfff]")
_WIDE_SPACES = {code: " " for code in range(128, 0x3001) if chr(code).isspace()}


def fold_typography(text: str) -> str:
    """Replace curly quotes, dashes, odd spaces and ligatures by their plain forms."""
    return unicodedata.normalize("NFKC", text).translate(_COSMETIC)


def normalise(text: str) -> str:
    """The form in which two texts that differ only cosmetically are equal."""
    return _SPACES.sub(" ", fold_typography(text)).strip().casefold()


def words(text: str) -> list[str]:
    """Word tokens, numbers kept whole ("1,000", "3.5", "Assad's")."""
    return _WORD.findall(fold_typography(text))


def iter_paragraphs(text: str) -> Iterator[str]:
    """Blocks of text separated by blank lines, with inner white space folded."""
    for block in re.split(r"\n\s*\n", text):
        block = _SPACES.sub(" ", block).strip()
        if block:
            yield block


# Number words, shared by the comparison and the judge: "four" = 4, "twenty-one" = 21, "3 million".
NUMBER_UNITS = {
    word: n
    for n, word in enumerate(
        [
            "zero",
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
            "thirteen",
            "fourteen",
            "fifteen",
            "sixteen",
            "seventeen",
            "eighteen",
            "nineteen",
        ]
    )
}
NUMBER_TENS = {
    word: 10 * n
    for n, word in enumerate(["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"], 2)
}
NUMBER_SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000, "trillion": 10**12}

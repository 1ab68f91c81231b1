"""Write verify/data/common_words.txt.gz: the English words common enough to say little when a source lacks them.

    pip install wordfreq && python bench/make_common_words.py

A word is common when wordfreq gives it a Zipf frequency of at least 2.6 (about 0.4 uses per million words): 47,632
words, 131 KB compressed. The judge counts the statement's words that its source never uses and that are not in
this list (`rare_missing_count`): a source that lacks "Pulitzer" or "Sotheby's" is less likely to carry the claim
than one that lacks "currently". Built here once, shipped with the package; nothing is downloaded at run time.

wordfreq (Robyn Speer) is Apache-2.0; its word frequency data is CC BY-SA 4.0, and so is this list derived from it.
"""

from __future__ import annotations

import gzip
from pathlib import Path

from wordfreq import iter_wordlist, zipf_frequency

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "verify" / "data" / "common_words.txt.gz"
THRESHOLD = 2.6

HEADER = (
    "# English words with a wordfreq Zipf frequency >= 2.6, one a line (bench/make_common_words.py).\n"
    "# Derived from wordfreq's data (Robyn Speer et al., https://github.com/rspeer/wordfreq): CC BY-SA 4.0.\n"
)


def main() -> None:
    words = []
    for word in iter_wordlist("en", wordlist="best"):  # most frequent first
        if zipf_frequency(word, "en") < THRESHOLD:
            break
        words.append(word)
    text = HEADER + "\n".join(sorted(words)) + "\n"
    # mtime=0: the same words give the same bytes.
    OUT.write_bytes(gzip.compress(text.encode("utf-8"), compresslevel=9, mtime=0))
    print(f"wrote {OUT.relative_to(ROOT)}: {len(words):,} words, {OUT.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()

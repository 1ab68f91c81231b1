"""Write verify/data/synonyms.tsv: pairs of common English words that WordNet 3.0 gives the same first meaning.

    apt-get install wordnet-base && python bench/make_synonyms.py [--wordnet /usr/share/wordnet] [--senses 1]

Two words are paired when one synset is the first sense (WordNet orders senses by frequency in its tagged corpus) of
both, as "metre" and "meter", "movie" and "film", "purchase" and "buy" are: a source that writes either carries a
statement's word ("located 230 metres below" against "230 meters under ground"). A synset that is only a rarer sense
of one of the words ("bank" as a row of dials) pairs nothing, and so does a word outside the common-word list
(verify/data/common_words.txt.gz): a rare word must be in the source as the statement writes it. `--senses N` pairs
words whose synset is within the first N senses of each (the judge's table is built with 1). The judge reads the
table in `checks.missing_words`; WordNet is never needed at run time.

WordNet 3.0 is Copyright 2006 by Princeton University, under the WordNet 3.0 licence (quoted in full at the head of
the table, as it requires; the same text as verify/data/antonyms.tsv's).
"""

from __future__ import annotations

import argparse
import gzip
from collections import defaultdict
from pathlib import Path

from make_antonyms import LICENCE, PARTS, ROOT, _word

OUT = ROOT / "verify" / "data" / "synonyms.tsv"
COMMON = ROOT / "verify" / "data" / "common_words.txt.gz"


def _members(path: Path) -> dict[str, list[str]]:
    """Each synset's single words, by offset."""
    found: dict[str, list[str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("  "):  # the licence at the head of each data file
            continue
        fields = line.split()
        count = int(fields[3], 16)
        found[fields[0]] = [fields[4 + 2 * i].lower().split("(")[0] for i in range(count)]
    return found


def _senses(path: Path, senses: int) -> dict[str, list[str]]:
    """Each lemma's first `senses` synsets (offsets), most frequent first."""
    found: dict[str, list[str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("  "):
            continue
        fields = line.split()
        lemma, count, pointers = fields[0], int(fields[2]), int(fields[3])
        offsets = fields[4 + pointers + 2 :]
        assert len(offsets) == count, line
        found[lemma] = offsets[:senses]
    return found


def pairs(wordnet: Path, common: frozenset[str], senses: int = 1) -> set[tuple[str, str, str]]:
    found: set[tuple[str, str, str]] = set()
    for part, tag in PARTS.items():
        members = _members(wordnet / f"data.{part}")
        first = _senses(wordnet / f"index.{part}", senses)
        owners: dict[str, set[str]] = defaultdict(set)  # synset -> the lemmas it is a first sense of
        for lemma, offsets in first.items():
            for offset in offsets:
                owners[offset].add(lemma)
        for offset, lemmas in owners.items():
            words = sorted(w for w in lemmas if _word(w) and w in common and w in members[offset])
            for i, a in enumerate(words):
                for b in words[i + 1 :]:
                    found.add((a, b, tag))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--wordnet", type=Path, default=Path("/usr/share/wordnet"))
    parser.add_argument("--senses", type=int, default=1)
    args = parser.parse_args()
    with gzip.open(COMMON, "rt", encoding="utf-8") as handle:
        common = frozenset(line.strip() for line in handle if line.strip())
    found = sorted(pairs(args.wordnet, common, args.senses))
    header = [
        f"# Synonym pairs from WordNet 3.0 (bench/make_synonyms.py --senses {args.senses}): word, word, part of speech.",
        *("# " + line for line in LICENCE.splitlines()),
    ]
    OUT.write_text("\n".join([*header, *("\t".join(pair) for pair in found)]) + "\n", encoding="utf-8")
    print(f"wrote {OUT.relative_to(ROOT)}: {len(found):,} pairs, {OUT.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()

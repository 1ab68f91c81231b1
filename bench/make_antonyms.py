"""Write verify/data/antonyms.tsv: pairs of English words of opposite meaning, from WordNet 3.0.

    apt-get install wordnet-base && python bench/make_antonyms.py [--wordnet /usr/share/wordnet]

WordNet marks antonymy between words ("approve" ! "disapprove", "rise" ! "fall", "win" ! "lose", "male" ! "female").
Each such pair of single words is kept, and for verbs and nouns so is every pair of single words of the two synsets
the pair joins (the synset "approve, O.K., sanction" against "disapprove, reject" gives approve/reject): a predicate
is often written with a synonym of the word WordNet pairs. The judge reads the table to find a statement whose
predicate its source turns round ("the council approved" against "the council rejected"). Built here once, shipped
with the package; WordNet is never needed at run time.

WordNet 3.0 is Copyright 2006 by Princeton University, under the WordNet 3.0 licence (a permissive, BSD-like
licence, quoted in full at the head of the table as it requires).
"""

from __future__ import annotations

import argparse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "verify" / "data" / "antonyms.tsv"
PARTS = {"verb": "v", "noun": "n", "adj": "a", "adv": "r"}
# Expanded to synset members: a predicate's synonyms (approve/sanction) are as opposed as the words WordNet pairs.
EXPANDED = frozenset({"verb", "noun"})

LICENCE = """\
WordNet Release 3.0 This software and database is being provided to you, the LICENSEE, by Princeton University under
the following license. By obtaining, using and/or copying this software and database, you agree that you have read,
understood, and will comply with these terms and conditions.: Permission to use, copy, modify and distribute this
software and database and its documentation for any purpose and without fee or royalty is hereby granted, provided
that you agree to comply with the following copyright notice and statements, including the disclaimer, and that the
same appear on ALL copies of the software, database and documentation, including modifications that you make for
internal use or for distribution. WordNet 3.0 Copyright 2006 by Princeton University. All rights reserved. THIS
SOFTWARE AND DATABASE IS PROVIDED "AS IS" AND PRINCETON UNIVERSITY MAKES NO REPRESENTATIONS OR WARRANTIES, EXPRESS OR
IMPLIED. BY WAY OF EXAMPLE, BUT NOT LIMITATION, PRINCETON UNIVERSITY MAKES NO REPRESENTATIONS OR WARRANTIES OF MERCHANT-
ABILITY OR FITNESS FOR ANY PARTICULAR PURPOSE OR THAT THE USE OF THE LICENSED SOFTWARE, DATABASE OR DOCUMENTATION
WILL NOT INFRINGE ANY THIRD PARTY PATENTS, COPYRIGHTS, TRADEMARKS OR OTHER RIGHTS. The name of Princeton University
or Princeton may not be used in advertising or publicity pertaining to distribution of the software and/or database.
Title to copyright in this software, database and any associated documentation shall at all times remain with
Princeton University and LICENSEE agrees to preserve same."""


def _synsets(path: Path) -> dict[str, tuple[list[str], list[tuple[str, int, int]]]]:
    """Each synset by offset: its words, and its antonym pointers (target offset, source word, target word)."""
    found: dict[str, tuple[list[str], list[tuple[str, int, int]]]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("  "):  # the licence at the head of each data file
            continue
        fields = line.split(" | ")[0].split()
        offset, count = fields[0], int(fields[3], 16)
        words = [fields[4 + 2 * i].lower() for i in range(count)]
        at = 4 + 2 * count
        pointers = int(fields[at])
        antonyms = []
        for i in range(pointers):
            symbol, target, _pos, ends = fields[at + 1 + 4 * i : at + 5 + 4 * i]
            if symbol == "!":
                antonyms.append((target, int(ends[:2], 16), int(ends[2:], 16)))
        found[offset] = (words, antonyms)
    return found


def _word(word: str) -> bool:
    return word.isalpha() and word.isascii() and len(word) > 2


def pairs(wordnet: Path) -> set[tuple[str, str, str]]:
    found: set[tuple[str, str, str]] = set()
    for part, tag in PARTS.items():
        synsets = _synsets(wordnet / f"data.{part}")
        for words, antonyms in synsets.values():
            for target, source_word, target_word in antonyms:
                other = synsets[target][0]
                if part in EXPANDED:
                    ours, theirs = words, other
                else:
                    ours, theirs = [words[source_word - 1]], [other[target_word - 1]]
                for a in ours:
                    for b in theirs:
                        a, b = a.split("(")[0], b.split("(")[0]  # adjectives' markers: "galore(ip)"
                        if _word(a) and _word(b) and a != b:
                            found.add((*sorted((a, b)), tag))  # type: ignore[arg-type]
    return found


def inflections(wordnet: Path, lemmas: set[str]) -> set[tuple[str, str, str]]:
    """Irregular forms of the table's verbs, from WordNet's exception list ("rose" of "rise", "won" of "win"): tagged
    x, the form first. A stemmer leaves them as they are."""
    found: set[tuple[str, str, str]] = set()
    for line in (wordnet / "verb.exc").read_text(encoding="utf-8").splitlines():
        form, *bases = line.split()
        for base in bases:
            if base in lemmas and _word(form) and form != base:
                found.add((form, base, "x"))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--wordnet", type=Path, default=Path("/usr/share/wordnet"))
    args = parser.parse_args()
    antonyms = pairs(args.wordnet)
    verbs = {word for a, b, tag in antonyms if tag == "v" for word in (a, b)}
    found = sorted(antonyms) + sorted(inflections(args.wordnet, verbs))
    header = [
        "# Antonym pairs from WordNet 3.0 (bench/make_antonyms.py): word, word, part of speech (v, n, a, r);",
        "# then irregular verb forms: form, verb, x.",
        *("# " + line for line in LICENCE.splitlines()),
    ]
    OUT.write_text("\n".join([*header, *("\t".join(pair) for pair in found)]) + "\n", encoding="utf-8")
    print(
        f"wrote {OUT.relative_to(ROOT)}: {len(antonyms):,} pairs, {len(found) - len(antonyms):,} forms, {OUT.stat().st_size:,} bytes"
    )


if __name__ == "__main__":
    main()

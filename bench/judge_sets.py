"""Label-level scores of the default judge on the shared sets, each split by hash into dev (rules tuned on) and val
(never looked at case by case).

    python bench/judge_sets.py [--sets wice,fever,climate,fnc] [--halves dev]

Every claim goes through `verify.judge.judge_claim` with the shipped model, as `verify judge --input` judges it:
  - wice: WiCE dev (../shared/bench/wice), precision, recall and F1 of sourced, split by sha256("w" + id); the model
    is cross-validated (bench/train_judge.py's 5 folds) so no claim is scored by a model trained on it; the shipped
    model's figures (trained on all of dev) follow, optimistic;
  - fever: FEVER-Symmetric dev, refuted called sourced and disputed, supports called sourced, split by sha256(id);
  - climate: CLIMATE-FEVER dev half, claims against their five evidence sentences, refuted called sourced, split by
    sha256(claim_id);
  - fnc: FNC-1 train, a fifth of the bodies by sha256("fnc" + Body ID) (half dev, half val), headline against body:
    disagree -> disputed, F1 of disputed. Three more FNC-1 halves, asked for by name only: `tune`, the bodies whose
    byte % 10 is 1 or 2 (session 8 tuned its FNC-1 rules there), `fresh`, the bodies whose byte % 10 is 4, 6 or 8
    (even bytes, so inside bench/train_judge.py's training split: session 9 read and tuned its FNC-1 rules there),
    and `untuned-odd`, every odd-byte body but the tune ones (bench/train_judge.py's validation split less what was
    tuned on; val is inside it), all pairs (about 2 min each).
bench/judge_bench.py holds the figures of the trained model; this script is the quick check of the labels' rules.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from train_judge import WICE, cross_validated, featurise, load

from verify.judge import judge_claim

SHARED = WICE.parent
LABELS = ("sourced", "unsourced", "disputed")
HALVES = ["dev", "val"]  # --halves dev judges the dev halves only (about half the time)


def _half(key: str) -> str:
    return "dev" if hashlib.sha256(key.encode()).digest()[0] % 2 == 0 else "val"


def _share(count: int, total: int) -> str:
    return f"{100 * count / total:.1f}% ({count}/{total})" if total else "n/a"


def _prf(tp: int, fp: int, fn: int) -> str:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return f"precision {100 * precision:.1f}, recall {100 * recall:.1f}, F1 {100 * f1:.1f} (tp {tp} fp {fp} fn {fn})"


def wice() -> None:
    rows = load(SHARED / "wice" / "dev.jsonl")
    xs, ys = featurise(rows)
    predicted = cross_validated(xs, ys)
    halves = [_half("w" + str(row["meta"]["id"])) for row in rows]  # type: ignore[index]
    shipped = [judge_claim(row["claim"], row["evidence"]).label.value == "sourced" for row in rows]  # type: ignore[arg-type]
    for name, labels in (("5-fold CV model", predicted), ("shipped model, trained on all", shipped)):
        for half in _split_halves():
            chosen = [i for i, h in enumerate(halves) if h == half]
            tp = sum(1 for i in chosen if labels[i] and ys[i])
            fp = sum(1 for i in chosen if labels[i] and not ys[i])
            fn = sum(1 for i in chosen if not labels[i] and ys[i])
            print(f"wice {half} ({len(chosen)} claims, {name}): sourced {_prf(tp, fp, fn)}")


def _judged(
    path: Path, key: str, gold: str, evidence: Callable[[dict[str, Any]], list[str]]
) -> Counter[tuple[str, str, str]]:
    """(half, gold label, label) counts of a JSON-lines set's claims in the asked-for halves, split by row[key]."""
    counts: Counter[tuple[str, str, str]] = Counter()
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            half = _half(str(row[key]))
            if half in HALVES:
                counts[(half, row[gold], judge_claim(row["claim"], evidence(row)).label.value)] += 1
    return counts


def fever() -> None:
    path = SHARED / "fever-symmetric" / "fever-symmetric-dev.jsonl"
    counts = _judged(path, "id", "label", lambda row: [row["evidence"]])
    for half in _split_halves():
        refuted = sum(counts[(half, "REFUTES", label)] for label in LABELS)
        supports = sum(counts[(half, "SUPPORTS", label)] for label in LABELS)
        print(
            f"fever {half}: refuted sourced {_share(counts[(half, 'REFUTES', 'sourced')], refuted)}, "
            f"refuted disputed {_share(counts[(half, 'REFUTES', 'disputed')], refuted)}, "
            f"supports sourced {_share(counts[(half, 'SUPPORTS', 'sourced')], supports)}, "
            f"supports disputed {_share(counts[(half, 'SUPPORTS', 'disputed')], supports)}"
        )


def climate() -> None:
    path = SHARED / "climate-fever" / "climate-fever-dev.jsonl"
    counts = _judged(path, "claim_id", "claim_label", lambda row: [e["evidence"] for e in row["evidences"]])
    for half in _split_halves():
        total = {gold: sum(counts[(half, gold, label)] for label in LABELS) for gold in ("REFUTES", "SUPPORTS")}
        print(
            f"climate {half}: refuted sourced {_share(counts[(half, 'REFUTES', 'sourced')], total['REFUTES'])}, "
            f"refuted disputed {_share(counts[(half, 'REFUTES', 'disputed')], total['REFUTES'])}, "
            f"supports sourced {_share(counts[(half, 'SUPPORTS', 'sourced')], total['SUPPORTS'])}"
        )


def fnc() -> None:
    folder = SHARED / "fnc1-train"
    with (folder / "train_bodies.csv").open(encoding="utf-8") as handle:
        bodies = {row["Body ID"]: row["articleBody"] for row in csv.DictReader(handle)}
    counts: Counter[tuple[str, bool, bool]] = Counter()
    started, judged = time.perf_counter(), 0
    with (folder / "train_stances.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            half = _fnc_half(hashlib.sha256(("fnc" + row["Body ID"]).encode()).digest()[0])
            if half not in HALVES:
                continue
            disputed = judge_claim(row["Headline"], bodies[row["Body ID"]]).label.value == "disputed"
            judged += 1
            counts[(half, row["Stance"] == "disagree", disputed)] += 1
    for half in HALVES:
        tp, fp, fn = counts[(half, True, True)], counts[(half, False, True)], counts[(half, True, False)]
        print(f"fnc {half}: disputed {_prf(tp, fp, fn)}")
    if "untuned-odd" in HALVES:  # it holds val: counted there too
        tp, fp, fn = (
            sum(counts[(h, g, d)] for h in ("val", "untuned-odd"))
            for g, d in ((True, True), (False, True), (True, False))
        )
        print(f"fnc untuned-odd with val: disputed {_prf(tp, fp, fn)}")
    print(f"fnc: {judged} pairs, {1000 * (time.perf_counter() - started) / max(judged, 1):.1f} ms per pair")


def _split_halves() -> list[str]:
    """The asked-for halves that the sets other than FNC-1 have (dev and val)."""
    return [half for half in HALVES if half in ("dev", "val")]


def _fnc_half(byte: int) -> str | None:
    """The half of an FNC-1 body by the first byte of its hash (see the module's docstring); None: in no half."""
    if byte % 10 == 0:
        return "dev"
    if byte % 10 == 5:
        return "val"
    if byte % 10 in (1, 2):
        return "tune"
    if byte % 10 in (4, 6, 8):
        return "fresh"
    return "untuned-odd" if byte % 2 else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sets", default="wice,fever,climate,fnc", help="comma-separated: wice, fever, climate, fnc")
    parser.add_argument(
        "--halves",
        default="dev,val",
        help="comma-separated: dev, val (default both); for fnc also tune, fresh, untuned-odd",
    )
    args = parser.parse_args()
    HALVES[:] = [h for h in ("dev", "val", "tune", "fresh", "untuned-odd") if h in args.halves.split(",")]
    for name in args.sets.split(","):
        {"wice": wice, "fever": fever, "climate": climate, "fnc": fnc}[name]()


if __name__ == "__main__":
    main()

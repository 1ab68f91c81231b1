"""Benchmark the judge on the validation splits of WiCE, FEVER-Symmetric, CLIMATE-FEVER and FNC-1.

    python bench/judge_bench.py                 # validation splits, in-process (what `verify judge --input` runs)
    python bench/judge_bench.py --cli           # the same rows through `python -m verify judge --input FILE`
    python bench/judge_bench.py --split both    # training splits too, beside validation
    python bench/judge_bench.py --model PATH    # another decision model (judge_model.json format), in-process only

Splits: `train_judge.split_of` (sha256 of a group's key, odd first byte = validation; the keys of bench/judge_sets.py's
halves): a WiCE claim, a FEVER-Symmetric row, a CLIMATE-FEVER claim, an FNC-1 body (no body on both sides).
bench/train_judge.py trains on the training splits only; the shipped model (verify/data/judge_model.md) was trained on
all of WiCE dev before that, so its WiCE validation figures are optimistic. Validation rows are never read one by one.
Each row is judged as `verify judge --input` judges it: {"id","claim","evidence"} in (WiCE and CLIMATE-FEVER
evidence as a list of sentences, FEVER-Symmetric and FNC-1 as one string), the label out.
  - WiCE: supported -> sourced; partially/not supported -> not sourced (disputed counts as not sourced).
  - FEVER-Symmetric: SUPPORTS -> sourced, REFUTES -> disputed.
  - CLIMATE-FEVER: SUPPORTS/REFUTES/NOT_ENOUGH_INFO -> sourced/disputed/unsourced (claims labelled DISPUTED left out).
  - FNC-1: agree -> sourced, disagree -> disputed, discuss/unrelated -> unsourced (the bodies the FNC-1 rules were
    tuned on, judge_sets.py's `tune` half, left out of both splits); unrelated pairs kept 1 in 8 by
    hash and counted 8 times each (figures estimate the whole split at a third of the cost).
Then bench/dispute_bench.py is run and quoted, and the time per claim printed.
Data: WiCE (Kamoi et al., EMNLP 2023; ODC-BY 1.0, texts CC BY-SA / Common Crawl terms), FNC-1 (CC BY 4.0),
CLIMATE-FEVER (Diggelmann et al., 2020; Wikipedia text, CC BY-SA), FEVER-Symmetric (Schuster et al., 2019; CC BY-SA 3.0).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from train_judge import ROOT, SETS, Case, all_cases

from verify.judge import Model, judge_jsonl

# The judge at commit 3680d7e (before issue 19) on these splits, measured with this bench (`--split both --cli`). Its
# model was trained on all of WiCE dev, validation rows included: its WiCE validation figures are optimistic.
BEFORE: dict[str, float] = {
    "wice precision of sourced training": 75.0,
    "wice recall of sourced training": 71.4,
    "wice F1 of sourced training": 73.2,
    "wice accuracy (sourced vs not) training": 80.9,
    "wice precision of sourced validation": 60.3,
    "wice recall of sourced validation": 73.1,
    "wice F1 of sourced validation": 66.1,
    "wice accuracy (sourced vs not) validation": 77.8,
    "fever-symmetric refuted called sourced training": 38.0,
    "fever-symmetric refuted found disputed training": 7.2,
    "fever-symmetric supported called sourced training": 58.9,
    "fever-symmetric precision of sourced training": 61.1,
    "fever-symmetric refuted called sourced validation": 43.0,
    "fever-symmetric refuted found disputed validation": 9.9,
    "fever-symmetric supported called sourced validation": 57.9,
    "fever-symmetric precision of sourced validation": 57.5,
    "climate-fever refuted called sourced training": 15.2,
    "climate-fever refuted found disputed training": 6.1,
    "climate-fever supported called sourced training": 37.5,
    "climate-fever precision of sourced training": 64.5,
    "climate-fever macro F1 (3-way) training": 36.4,
    "climate-fever refuted called sourced validation": 20.0,
    "climate-fever refuted found disputed validation": 1.7,
    "climate-fever supported called sourced validation": 33.5,
    "climate-fever precision of sourced validation": 62.9,
    "climate-fever macro F1 (3-way) validation": 33.2,
    "fnc1 disputed precision (disagree) training": 9.2,
    "fnc1 disputed recall (disagree) training": 6.0,
    "fnc1 disputed F1 (disagree) training": 7.3,
    "fnc1 precision of sourced (agree) training": 27.0,
    "fnc1 agree called sourced training": 48.7,
    "fnc1 unrelated called disputed training": 0.0,
    "fnc1 disputed precision (disagree) validation": 8.2,
    "fnc1 disputed recall (disagree) validation": 4.5,
    "fnc1 disputed F1 (disagree) validation": 5.8,
    "fnc1 precision of sourced (agree) validation": 23.6,
    "fnc1 agree called sourced validation": 47.6,
    "fnc1 unrelated called disputed validation": 0.0,
}
# Acceptance bars (issue 19), on separate held-out sets of the same kinds.
BARS = {
    "wice precision of sourced": ">= 70",
    "wice F1 of sourced": ">= 50",
    "fever-symmetric refuted called sourced": "<= 15",
    "climate-fever refuted called sourced": "<= 10",
    "fnc1 disputed F1 (disagree)": ">= 25",
}


def _line(case: Case) -> str:
    evidence = list(case.evidence) if isinstance(case.evidence, tuple) else case.evidence
    return json.dumps({"id": case.id, "claim": case.claim, "evidence": evidence}, ensure_ascii=False)


def judged_in_process(cases: Sequence[Case], model: Model | None) -> tuple[list[str], list[float]]:
    """Labels from `judge_jsonl` (what `verify judge --input` calls), and ms per row."""
    labels, timings = [], []
    for case in cases:
        started = time.perf_counter()
        out = next(judge_jsonl([_line(case)], model=model))
        timings.append(1000 * (time.perf_counter() - started))
        labels.append(json.loads(out)["label"])
    return labels, timings


def judged_by_cli(cases: Sequence[Case]) -> tuple[list[str], float]:
    """Labels from `python -m verify judge --input FILE` (one process for all rows), and its wall ms per row."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "claims.jsonl"
        path.write_text("".join(_line(case) + "\n" for case in cases), encoding="utf-8")
        started = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "verify", "judge", "--input", str(path)],
            capture_output=True,
            text=True,
            cwd=ROOT,
            check=False,
        )
        wall = 1000 * (time.perf_counter() - started)
    if done.returncode != 0:
        sys.exit(f"verify judge --input failed ({done.returncode}): {done.stderr.strip()[-500:]}")
    rows = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
    labels = {str(row["id"]): str(row["label"]) for row in rows}
    return [labels[case.id] for case in cases], wall / max(1, len(cases))


def _share(cases: Sequence[Case], labels: Sequence[str], when: Callable[[Case], bool], label: str) -> float:
    chosen = [(c, lab) for c, lab in zip(cases, labels, strict=True) if when(c)]
    total = sum(c.weight for c, _ in chosen)
    return 100 * sum(c.weight for c, lab in chosen if lab == label) / total if total else float("nan")


def _prf(cases: Sequence[Case], labels: Sequence[str], label: str) -> tuple[float, float, float]:
    """Weighted precision, recall and F1 (in %) of `label` against the cases' expected labels."""
    tp, wrong, missed = _outcomes(cases, labels, label)
    said, truth = tp + wrong, tp + missed
    precision = 100 * tp / said if said else 0.0
    recall = 100 * tp / truth if truth else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def _outcomes(cases: Sequence[Case], labels: Sequence[str], label: str) -> tuple[float, float, float]:
    """How many cases got `label` rightly, wrongly, and how many that should have did not, weighted as the figures
    are (a subsampled unrelated FNC-1 pair counts for the pairs it stands for)."""
    pairs = list(zip(cases, labels, strict=True))
    right = sum(c.weight for c, lab in pairs if lab == label and c.expected == label)
    wrong = sum(c.weight for c, lab in pairs if lab == label and c.expected != label)
    missed = sum(c.weight for c, lab in pairs if lab != label and c.expected == label)
    return right, wrong, missed


def figures(dataset: str, cases: Sequence[Case], labels: Sequence[str]) -> dict[str, float]:
    """The set's figures, in % (weights applied)."""
    out: dict[str, float] = {}
    if dataset == "wice":
        p, r, f = _prf(cases, labels, "sourced")
        sourced = [lab == "sourced" for lab in labels]
        correct = sum(1 for c, s in zip(cases, sourced, strict=True) if s == (c.expected == "sourced"))
        out |= {"precision of sourced": p, "recall of sourced": r, "F1 of sourced": f}
        out["accuracy (sourced vs not)"] = 100 * correct / len(cases)
    elif dataset == "fever-symmetric":
        refuted = lambda c: c.gold == "REFUTES"  # noqa: E731
        out["refuted called sourced"] = _share(cases, labels, refuted, "sourced")
        out["refuted found disputed"] = _share(cases, labels, refuted, "disputed")
        out["supported called sourced"] = _share(cases, labels, lambda c: c.gold == "SUPPORTS", "sourced")
        out["precision of sourced"] = _prf(cases, labels, "sourced")[0]
    elif dataset == "climate-fever":
        out["refuted called sourced"] = _share(cases, labels, lambda c: c.gold == "REFUTES", "sourced")
        out["refuted found disputed"] = _share(cases, labels, lambda c: c.gold == "REFUTES", "disputed")
        out["supported called sourced"] = _share(cases, labels, lambda c: c.gold == "SUPPORTS", "sourced")
        out["precision of sourced"] = _prf(cases, labels, "sourced")[0]
        out["macro F1 (3-way)"] = statistics.mean(
            _prf(cases, labels, lab)[2] for lab in ("sourced", "disputed", "unsourced")
        )
    elif dataset == "fnc1":
        p, r, f = _prf(cases, labels, "disputed")
        out |= {"disputed precision (disagree)": p, "disputed recall (disagree)": r, "disputed F1 (disagree)": f}
        out["precision of sourced (agree)"] = _prf(cases, labels, "sourced")[0]
        out["agree called sourced"] = _share(cases, labels, lambda c: c.gold == "agree", "sourced")
        out["unrelated called disputed"] = _share(cases, labels, lambda c: c.gold == "unrelated", "disputed")
    return out


def _tuned_on(case: Case) -> bool:
    """An FNC-1 body of bench/judge_sets.py's `tune` half (first byte of sha256("fnc" + Body ID) % 10 in {1, 2}):
    session 8 tuned the FNC-1 rules on them, so they are left out of both splits here (the odd ones would otherwise
    sit in validation)."""
    return case.dataset == "fnc1" and hashlib.sha256(f"fnc{case.group}".encode()).digest()[0] % 10 in (1, 2)


def _counts(dataset: str, cases: Sequence[Case]) -> str:
    golds: dict[str, int] = {}
    for case in cases:
        golds[case.gold] = golds.get(case.gold, 0) + 1
    return ", ".join(f"{gold} {n}" for gold, n in sorted(golds.items()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--split", choices=("validation", "training", "both"), default="validation")
    parser.add_argument("--cli", action="store_true", help="score through `python -m verify judge --input`")
    parser.add_argument("--model", type=Path, help="a judge_model.json to use instead of the shipped one")
    parser.add_argument("--sets", nargs="+", choices=SETS, default=list(SETS))
    parser.add_argument("--no-dispute-bench", action="store_true", help="skip running bench/dispute_bench.py")
    args = parser.parse_args()
    if args.cli and args.model:
        parser.error("--cli scores the shipped model; --model is in-process only")
    model = Model.from_json(json.loads(args.model.read_text(encoding="utf-8"))) if args.model else None
    splits = ("training", "validation") if args.split == "both" else (args.split,)
    cases = all_cases(args.sets)
    timings: list[float] = []
    cli_ms: list[tuple[int, float]] = []
    for dataset in args.sets:
        for split in splits:
            chosen = [c for c in cases if c.dataset == dataset and c.split == split and not _tuned_on(c)]
            if args.cli:
                labels, per_row = judged_by_cli(chosen)
                cli_ms.append((len(chosen), per_row))
            else:
                labels, spent = judged_in_process(chosen, model)
                timings += spent
            path = "verify judge --input" if args.cli else "judge_jsonl in-process"
            print(f"{dataset} {split}: {len(chosen)} rows ({_counts(dataset, chosen)}), {path}")
            for name, value in figures(dataset, chosen, labels).items():
                key = f"{dataset} {name}"
                before = BEFORE.get(f"{key} {split}")
                extra = f"   [before: {before:.1f}]" if before is not None else ""
                bar = f"   [bar on held-out: {BARS[key]}]" if key in BARS and split == "validation" else ""
                print(f"  {split} {key}: {value:.1f}{extra}{bar}")
            if dataset == "fnc1":  # the counts behind the F1, for a bar that is close
                found, alarms, missed = _outcomes(chosen, labels, "disputed")
                counts = f"found {found:.0f}, false alarms {alarms:.0f}, missed {missed:.0f}"
                print(f"  {split} {dataset} disputed (disagree), weighted counts: {counts}")
    if timings:
        ordered = sorted(timings)
        print(f"ms per claim (judge_jsonl in-process, mean over {len(timings)} rows): {statistics.mean(timings):.1f}")
        print(f"ms per claim (95th percentile): {ordered[int(0.95 * (len(ordered) - 1))]:.1f}; max {ordered[-1]:.1f}")
    if cli_ms:
        rows = sum(n for n, _ in cli_ms)
        mean = sum(n * ms for n, ms in cli_ms) / rows
        print(f"ms per claim (verify judge --input, wall incl. start-up, {rows} rows): {mean:.1f}   [bar: <= 50]")
    if not args.no_dispute_bench:
        done = subprocess.run(
            [sys.executable, str(ROOT / "bench" / "dispute_bench.py")], capture_output=True, text=True, check=False
        )
        for line in done.stdout.splitlines():
            print(f"dispute_bench: {line}")
        if done.returncode:
            sys.exit(f"bench/dispute_bench.py failed ({done.returncode}): {done.stderr.strip()[-500:]}")


if __name__ == "__main__":
    main()

"""Benchmark the judge on WiCE dev: F1 of "supported" (= label sourced), accuracy and ms per claim.

    python bench/judge_bench.py [--wice DIR] [--limit N]

Figures are never scored on rows a model was trained on: the shipped model (verify/data/judge_model.json) was
trained on all of dev, so quality is measured by retraining with bench/train_judge.py on other rows only:
  - cv: 5-fold stratified cross-validation over dev claims (full cited articles), and its mean and range over 5
    fold draws (the split's own noise);
  - held-out: trained on a fixed half of dev, scored on the other half;
  - oracle chunks: models trained on the full-article features of the other folds' claims, applied to each
    held-out claim's oracle chunks (a claim is supported when its best chunk is);
  - latency: judge_claim() with the shipped model, wall time per dev claim, CPU only.
WiCE: Kamoi et al., EMNLP 2023 (github.com/ryokamoi/wice); annotations ODC-BY 1.0, texts CC BY-SA / Common Crawl terms.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from train_judge import SEED, WICE, cross_validated, featurise, folds, load, scores, train

from verify.judge import claim_features, decide, judge_claim

REPEAT_SEEDS = (1, 2, 3, 4)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--wice", type=Path, default=WICE)
    parser.add_argument("--limit", type=int, default=None, help="only the first N dev claims (quick look)")
    args = parser.parse_args()
    rows = load(args.wice / "dev.jsonl")[: args.limit]
    ids = [str(row["meta"]["id"]) for row in rows]  # type: ignore[index]

    timings = []
    for row in rows:
        started = time.perf_counter()
        judge_claim(row["claim"], row["evidence"])  # type: ignore[arg-type]
        timings.append(1000 * (time.perf_counter() - started))

    xs, ys = featurise(rows)
    f1, accuracy = scores(cross_validated(xs, ys), ys)
    print(
        f"split: WiCE dev.jsonl, {len(ys)} claims ({sum(ys)} supported), 5-fold stratified cross-validation, seed {SEED}"
    )
    print(f"dev cv F1 supported: {100 * f1:.1f}")
    print(f"dev cv accuracy: {100 * accuracy:.1f}")
    # The same 5-fold CV with other fold draws: how far a figure moves with the split alone (the noise floor).
    repeats = [scores(cross_validated(xs, ys, seed), ys) for seed in (SEED, *REPEAT_SEEDS)]
    for name, values in (("F1 supported", [f for f, _ in repeats]), ("accuracy", [a for _, a in repeats])):
        low, high, mean = 100 * min(values), 100 * max(values), 100 * statistics.mean(values)
        print(f"dev cv {name} over {len(repeats)} fold draws: mean {mean:.1f}, range {low:.1f}-{high:.1f}")

    order = list(range(len(ys)))
    random.Random(SEED).shuffle(order)
    half = set(order[: len(order) // 2])
    model = train([xs[i] for i in half], [ys[i] for i in half])
    rest = [i for i in range(len(ys)) if i not in half]
    f1, accuracy = scores([decide(model, xs[i]) for i in rest], [ys[i] for i in rest])
    print(f"split: trained on a fixed half of dev ({len(half)} claims, seed {SEED}), scored on the other {len(rest)}")
    print(f"dev held-out F1 supported: {100 * f1:.1f}")
    print(f"dev held-out accuracy: {100 * accuracy:.1f}")

    chunks: dict[str, list[list[str]]] = defaultdict(list)
    claims: dict[str, str] = {}
    with (args.wice / "dev-oracle-chunks.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            chunk = json.loads(line)
            chunks[chunk["meta"]["id"]].append(chunk["evidence"])
            claims[chunk["meta"]["id"]] = chunk["claim"]
    predicted = [False] * len(ys)
    for held in folds(len(ys), ys):
        chosen = set(held)
        fold_model = train(
            [x for i, x in enumerate(xs) if i not in chosen], [y for i, y in enumerate(ys) if i not in chosen]
        )
        for i in held:
            predicted[i] = any(decide(fold_model, claim_features(claims[ids[i]], c)) for c in chunks[ids[i]])
    f1, accuracy = scores(predicted, ys)
    print(
        f"split: dev-oracle-chunks.jsonl, {len(ys)} claims, best chunk, models from the 5 dev folds not holding the claim"
    )
    print(f"oracle cv F1 supported: {100 * f1:.1f}")
    print(f"oracle cv accuracy: {100 * accuracy:.1f}")

    print(f"ms per claim (mean, judge_claim, shipped model, full articles): {statistics.mean(timings):.1f}")
    print(f"ms per claim (95th percentile): {sorted(timings)[int(0.95 * (len(timings) - 1))]:.1f}")
    print(f"ms per claim (max): {max(timings):.1f}")


if __name__ == "__main__":
    main()

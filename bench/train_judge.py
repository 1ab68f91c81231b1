"""Train the judge's decision model on the training splits of four sets and write verify/data/judge_model.json.

    python bench/train_judge.py [--out verify/data/judge_model.json] [--precision 0.8]

The sets (../shared/bench/): WiCE dev (claims against the articles they cite), FNC-1 train (headlines against news
bodies), CLIMATE-FEVER dev (climate claims against five Wikipedia sentences) and FEVER-Symmetric dev (one-sentence
evidence with support/refute twins). Each is split in two by a fixed rule, `split_of`: the first byte of the sha256 of
"<set>:<group>" odd = validation, even = training, where the group keeps together what must not be on both sides (a
WiCE claim, an FNC-1 body, a CLIMATE-FEVER claim, a FEVER-Symmetric family of rows sharing a claim or an evidence
sentence). Only training rows are featurised here; `bench/judge_bench.py` scores the validation rows.

The model: L2-regularised logistic regression (Newton's method, pure Python) on standardised features, each set
weighted to the same total, predicting "sourced" (WiCE supported, FNC-1 agree, FEVER-Symmetric and CLIMATE-FEVER
SUPPORTS). The threshold is chosen for precision of "sourced": the lowest at which every set's training precision of
the full decision (model and the judge's rules) reaches --precision, so recall is as high as that precision allows.
The precision/recall trade-off on the training rows is printed. Deterministic: fixed splits, fixed subsample, no
random start.
Data: WiCE (Kamoi et al., EMNLP 2023; ODC-BY 1.0, texts CC BY-SA / Common Crawl terms), FNC-1 (CC BY 4.0),
CLIMATE-FEVER (Diggelmann et al., 2020; Wikipedia text, CC BY-SA), FEVER-Symmetric (Schuster et al., 2019; CC BY-SA 3.0).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import math
import sys
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from verify.judge import FEATURES, Model, claim_features, decide  # noqa: E402

SHARED = ROOT.parent / "shared" / "bench"
WICE = SHARED / "wice"
FNC1 = SHARED / "fnc1-train"
CLIMATE = SHARED / "climate-fever"
FEVER = SHARED / "fever-symmetric"
SEED = 20231206  # kept for bench/dispute_bench.py and older commands; the splits below are drawn by hash, not seed
SETS = ("wice", "fever-symmetric", "climate-fever", "fnc1")
L2 = 1.0
# FNC-1 "unrelated" pairs (73% of the set, a headline against another story's body) are kept 1 in UNRELATED_EVERY,
# by hash, each counting UNRELATED_EVERY times: the figures stay those of the whole split, at a third of the cost.
UNRELATED_EVERY = 8
# The features the model reads: few and general (each means the same on a one-sentence evidence and a whole article).
SELECTED = (
    "plain_coverage",
    "number_coverage",
    "name_coverage",
    "document_number_coverage",
    "document_name_coverage",
    "missing_count",
    "partial_ratio",
    "rare_missing_count",
)
PRECISION = 0.8


@dataclass(frozen=True)
class Case:
    """One claim against its evidence, with the set's own label and the label the judge should give."""

    dataset: str
    id: str
    group: str  # what the split is drawn by
    claim: str
    evidence: str | tuple[str, ...]
    gold: str  # the set's label
    expected: (
        str  # sourced, disputed or unsourced; WiCE's partial/not supported: unsourced (disputed counts as not sourced)
    )
    weight: float = 1.0  # a subsampled row counts for the rows it stands for

    @property
    def split(self) -> str:
        return split_of(self.dataset, self.group)

    @property
    def sentences(self) -> tuple[str, ...]:
        """The evidence as the judge reads it (a string is split into sentences as `verify judge` splits it)."""
        if isinstance(self.evidence, tuple):
            return self.evidence
        from verify.text import evidence_sentences

        return tuple(evidence_sentences(self.evidence))


def split_of(dataset: str, group: str) -> str:
    """ "validation" when the first byte of sha256("<set>:<group>") is odd, else "training"."""
    return "validation" if hashlib.sha256(f"{dataset}:{group}".encode()).digest()[0] % 2 else "training"


def load(path: Path) -> list[dict[str, object]]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def wice_cases(folder: Path = WICE) -> list[Case]:
    cases = []
    for row in load(folder / "dev.jsonl"):
        claim_id = str(row["meta"]["id"])  # type: ignore[index]
        label = str(row["label"])
        expected = "sourced" if label == "supported" else "unsourced"
        evidence = tuple(str(s) for s in row["evidence"])  # type: ignore[attr-defined]
        cases.append(Case("wice", claim_id, claim_id, str(row["claim"]), evidence, label, expected))
    return cases


def fever_cases(folder: Path = FEVER) -> list[Case]:
    """FEVER-Symmetric rows; a family (rows linked by a shared claim or evidence sentence) is one split group."""
    rows = load(folder / "fever-symmetric-dev.jsonl")
    parent = list(range(len(rows)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first: dict[tuple[str, str], int] = {}
    for i, row in enumerate(rows):
        for key in (("claim", str(row["claim"])), ("evidence", str(row["evidence"]))):
            j = first.setdefault(key, i)
            parent[root(i)] = root(j)
    families: dict[int, list[int]] = defaultdict(list)
    for i in range(len(rows)):
        families[root(i)].append(i)
    group_of = {i: min(str(rows[k]["id"]) for k in members) for members in families.values() for i in members}
    expected = {"SUPPORTS": "sourced", "REFUTES": "disputed"}
    return [
        Case(
            "fever-symmetric",
            str(row["id"]),
            group_of[i],
            str(row["claim"]),
            str(row["evidence"]),
            str(row["label"]),
            expected[str(row["label"])],
        )
        for i, row in enumerate(rows)
    ]


def climate_cases(folder: Path = CLIMATE) -> list[Case]:
    """CLIMATE-FEVER claims against their five evidence sentences; claims labelled DISPUTED (their evidence both
    supports and refutes) are left out: none of the three labels is right or wrong for them."""
    expected = {"SUPPORTS": "sourced", "REFUTES": "disputed", "NOT_ENOUGH_INFO": "unsourced"}
    cases = []
    for row in load(folder / "climate-fever-dev.jsonl"):
        label = str(row["claim_label"])
        if label not in expected:
            continue
        evidence = tuple(str(e["evidence"]) for e in row["evidences"])  # type: ignore[attr-defined]
        claim_id = str(row["claim_id"])
        cases.append(Case("climate-fever", claim_id, claim_id, str(row["claim"]), evidence, label, expected[label]))
    return cases


def fnc1_cases(folder: Path = FNC1) -> list[Case]:
    """FNC-1 headline/body pairs, grouped by body; unrelated pairs kept 1 in UNRELATED_EVERY (by hash), weighted."""
    with (folder / "train_bodies.csv").open(encoding="utf-8", newline="") as handle:
        bodies = {row["Body ID"]: row["articleBody"] for row in csv.DictReader(handle)}
    expected = {"agree": "sourced", "disagree": "disputed", "discuss": "unsourced", "unrelated": "unsourced"}
    cases = []
    with (folder / "train_stances.csv").open(encoding="utf-8", newline="") as handle:
        for number, row in enumerate(csv.DictReader(handle), start=2):
            stance, body, headline = row["Stance"], row["Body ID"], row["Headline"]
            weight = 1.0
            if stance == "unrelated":
                if hashlib.sha256(f"{headline}\t{body}".encode()).digest()[0] % UNRELATED_EVERY:
                    continue
                weight = float(UNRELATED_EVERY)
            cases.append(Case("fnc1", f"line{number}", body, headline, bodies[body], stance, expected[stance], weight))
    # a body's pairs together, so the judge's kept analysis of a source is reused
    return sorted(cases, key=lambda case: (int(case.group), case.id))


def all_cases(sets: Iterable[str] = SETS) -> list[Case]:
    loaders = {"wice": wice_cases, "fever-symmetric": fever_cases, "climate-fever": climate_cases, "fnc1": fnc1_cases}
    return [case for name in sets for case in loaders[name]()]


def features_of(case: Case) -> tuple[float, ...]:
    return tuple(claim_features(case.claim, case.sentences))


# ---------------------------------------------------------------------------------------------------------------
# Training


def _solve(matrix: list[list[float]], vector: list[float]) -> list[float]:
    """Gaussian elimination with partial pivoting (the matrix is small and positive definite)."""
    n = len(vector)
    a = [[*row, v] for row, v in zip(matrix, vector, strict=True)]
    for col in range(n):
        pivot = max(range(col, n), key=lambda r: abs(a[r][col]))
        a[col], a[pivot] = a[pivot], a[col]
        for r in range(col + 1, n):
            factor = a[r][col] / a[col][col]
            for c in range(col, n + 1):
                a[r][c] -= factor * a[col][c]
    out = [0.0] * n
    for r in range(n - 1, -1, -1):
        out[r] = (a[r][n] - sum(a[r][c] * out[c] for c in range(r + 1, n))) / a[r][r]
    return out


def fit(
    full: Sequence[Sequence[float]], ys: Sequence[int], weights: Sequence[float], selected: Sequence[str] = SELECTED
) -> Model:
    """Weighted L2 logistic regression by Newton's method on standardised features (threshold 0.5 for now)."""
    columns = [FEATURES.index(name) for name in selected]
    xs = [[x[j] for j in columns] for x in full]
    total = sum(weights)
    d = len(columns)
    mean = [sum(w * x[j] for x, w in zip(xs, weights, strict=True)) / total for j in range(d)]
    scale = [
        math.sqrt(sum(w * (x[j] - mean[j]) ** 2 for x, w in zip(xs, weights, strict=True)) / total) or 1.0
        for j in range(d)
    ]
    zs = [[1.0] + [(x[j] - mean[j]) / scale[j] for j in range(d)] for x in xs]
    beta = [0.0] * (d + 1)
    for _ in range(25):
        gradient = [0.0] + [L2 * b for b in beta[1:]]
        hessian = [[(L2 if i == j and i else 0.0) for j in range(d + 1)] for i in range(d + 1)]
        for z, y, w in zip(zs, ys, weights, strict=True):
            t = max(-40.0, min(40.0, sum(b * v for b, v in zip(beta, z, strict=True))))
            p = 1.0 / (1.0 + math.exp(-t))
            share = w / total
            for i in range(d + 1):
                gradient[i] += share * (p - y) * z[i]
                curvature = share * p * (1 - p) * z[i]
                row = hessian[i]
                for j in range(i, d + 1):
                    row[j] += curvature * z[j]
        for i in range(d + 1):
            for j in range(i):
                hessian[i][j] = hessian[j][i]
        step = _solve(hessian, gradient)
        beta = [b - s for b, s in zip(beta, step, strict=True)]
        if max(abs(s) for s in step) < 1e-7:
            break
    return Model(tuple(selected), tuple(mean), tuple(scale), tuple(beta[1:]), beta[0], 0.5)


def with_threshold(model: Model, threshold: float) -> Model:
    return Model(model.features, model.mean, model.scale, model.weights, model.bias, threshold)


@dataclass(frozen=True)
class Row:
    """A featurised case: what training and threshold choice need."""

    dataset: str
    features: tuple[float, ...]
    expected: str
    weight: float
    rules_pass: bool  # the judge's rules allow "sourced" (numbers, names, quotes, negation, no conflict)


def featurise(cases: Sequence[Case]) -> list[Row]:
    always = Model(FEATURES[:1], (0.0,), (1.0,), (0.0,), 40.0, 0.0)  # a model that says yes: only the rules decide
    rows = []
    for case in cases:
        x = features_of(case)
        rows.append(Row(case.dataset, x, case.expected, case.weight, decide(always, x)))
    return rows


def set_weights(rows: Sequence[Row]) -> list[float]:
    """Each set counts the same in training, whatever its size."""
    totals: dict[str, float] = defaultdict(float)
    for row in rows:
        totals[row.dataset] += row.weight
    return [row.weight * len(rows) / (len(totals) * totals[row.dataset]) for row in rows]


def precision_recall(model: Model, rows: Sequence[Row]) -> tuple[float, float, float]:
    """Weighted precision and recall of "sourced" by the full decision, and the share of sourced answers."""
    tp = fp = positives = said = total = 0.0
    for row in rows:
        yes = row.rules_pass and model.probability(row.features) >= model.threshold
        truth = row.expected == "sourced"
        tp += row.weight * (yes and truth)
        fp += row.weight * (yes and not truth)
        positives += row.weight * truth
        said += row.weight * yes
        total += row.weight
    return (tp / (tp + fp) if tp + fp else 1.0), (tp / positives if positives else 0.0), said / total


def choose_threshold(model: Model, rows: Sequence[Row], precision: float) -> float:
    """The lowest threshold at which every set's precision of "sourced" reaches `precision` (on these rows)."""
    by_set: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        by_set[row.dataset].append(row)
    for step in range(5, 96):
        t = step / 100
        if all(precision_recall(with_threshold(model, t), part)[0] >= precision for part in by_set.values()):
            return t
    return 0.95


def train(rows: Sequence[Row], precision: float = PRECISION, selected: Sequence[str] = SELECTED) -> Model:
    ys = [int(row.expected == "sourced") for row in rows]
    model = fit([row.features for row in rows], ys, set_weights(rows), selected)
    return with_threshold(model, choose_threshold(model, rows, precision))


def trade_off(model: Model, rows: Sequence[Row]) -> list[str]:
    by_set: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        by_set[row.dataset].append(row)
    lines = ["threshold  " + "  ".join(f"{name:>24s}" for name in by_set) + "   (precision / recall of sourced)"]
    for step in range(20, 91, 5):
        t = step / 100
        cells = []
        for part in by_set.values():
            p, r, _ = precision_recall(with_threshold(model, t), part)
            cells.append(f"{100 * p:11.1f} / {100 * r:10.1f}")
        mark = " <- chosen" if abs(t - model.threshold) < 1e-9 else ""
        lines.append(f"{t:9.2f}  " + "  ".join(cells) + mark)
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "verify" / "data" / "judge_model.json")
    parser.add_argument("--precision", type=float, default=PRECISION, help="precision of sourced to reach on each set")
    args = parser.parse_args()
    cases = [case for case in all_cases() if case.split == "training"]
    rows = featurise(cases)
    model = train(rows, args.precision)
    counts = {name: sum(1 for c in cases if c.dataset == name) for name in SETS}
    print("training splits: " + ", ".join(f"{name} {n}" for name, n in counts.items()))
    for line in trade_off(model, rows):
        print(line)
    data = model.to_json()
    data["trained_on"] = (
        "training splits (bench/train_judge.py split_of) of "
        + ", ".join(f"{name} {n}" for name, n in counts.items())
        + f"; python bench/train_judge.py --precision {args.precision}"
    )
    args.out.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out}")
    for name, weight in sorted(zip(model.features, model.weights, strict=True), key=lambda pair: -abs(pair[1])):
        print(f"  {name:26s} {weight:+.3f}")


if __name__ == "__main__":
    main()

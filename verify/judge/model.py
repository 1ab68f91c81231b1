"""The model: a claim's features against a source as named fields, and the small logistic model over some of them
that gives a support score (shipped in `verify/data/judge_model.json`, trained by `bench/train_judge.py`)."""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Iterator
from dataclasses import dataclass, fields
from importlib import resources


@dataclass(frozen=True)
class Features:
    """What the judge measures of a claim against one source: the model's input, each by name.

    Coverages are shares (0..1) of the claim's words (weighted by their idf in the source unless `plain`), numbers,
    names or quoted words that the best passage (or the best two or three, or the whole source) carries; counts are
    of the claim's content words the passage or source lacks; flags are 0.0 or 1.0.
    """

    coverage: float
    plain_coverage: float
    bigram_coverage: float
    number_coverage: float
    name_coverage: float
    quote_verbatim: float
    token_set_ratio: float
    partial_ratio: float
    document_coverage: float
    pair_coverage: float
    missing_weight: float
    missing_count: float
    claim_length: float
    negation_mismatch: float
    conflict: float
    has_numbers: float
    document_number_coverage: float
    document_name_coverage: float
    triple_coverage: float
    max_missing_weight: float
    weakest_coverage: float
    quotes_found: float
    rare_missing_count: float
    rare_names_missing: float
    negation_unmatched: float
    #: The statement's content words that the best passage does not carry (checks.missing_words).
    passage_missing: float = 0.0
    passage_missing_share: float = 0.0
    #: The statement's content words that the whole source does not carry, and their share of its content words.
    source_missing: float = 0.0
    #: The share of the statement's numbers and dates that the passage, or a sentence either side of it, gives.
    near_number_coverage: float = 1.0
    source_missing_share: float = 0.0
    #: 1.0 when the passage hedges ("may", "if", "plans to"), or tells as to come what the statement tells as done
    #: ("will be closed" for "was closed": checks.future_only) or as under way ("is hiring" for "has hired":
    #: checks.under_way), or as ended what the statement tells as holding ("until 2019": checks.held_until), where the
    #: statement asserts.
    hedged: float = 0.0
    #: The statement's weekdays that neither the passage nor a sentence either side of it names (a weekday is a date:
    #: "voted on Monday" is not carried by a passage that never says when).
    weekdays_missing: float = 0.0
    #: The statement's content words rare in English (checks.rare_words) that the whole source does not carry.
    source_rare_missing: float = 0.0
    #: 1.0 when the source calls untrue a statement that only asks or hedges it (checks.untrue_unasserted).
    called_untrue: float = 0.0
    #: 1.0 when the passage negates, denies or only nearly says a word that the statement asserts
    #: (checks.negated_in_passage), or says how many of a thing with a weaker word ("a few" for "most":
    #: checks.weaker_quantifier), or ranks it lower ("one of the longest" for "the longest":
    #: checks.superlative_weakened).
    passage_negates: float = 0.0

    def value(self, name: str) -> float:
        """The feature called `name` (one of FEATURES)."""
        return float(getattr(self, name))

    def row(self) -> tuple[float, ...]:
        """The features in FEATURES order, as a row of a training matrix."""
        return tuple(getattr(self, name) for name in FEATURES)

    # A trainer reads a row by column (bench/train_judge.py indexes by FEATURES.index(name)).

    def __len__(self) -> int:
        return len(FEATURES)

    def __getitem__(self, column: int) -> float:
        return float(getattr(self, FEATURES[column]))

    def __iter__(self) -> Iterator[float]:
        return iter(self.row())


FEATURES: tuple[str, ...] = tuple(f.name for f in fields(Features))


@dataclass(frozen=True)
class Model:
    """A logistic model over some of FEATURES: p = sigmoid(bias + sum(weight * (x - mean) / scale))."""

    features: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    weights: tuple[float, ...]
    bias: float
    threshold: float

    def probability(self, values: Features) -> float:
        z = self.bias + sum(
            w * (values.value(name) - m) / s
            for w, name, m, s in zip(self.weights, self.features, self.mean, self.scale, strict=True)
        )
        z = max(-40.0, min(40.0, z))
        return 1.0 / (1.0 + math.exp(-z))

    @classmethod
    def from_json(cls, data: dict[str, object]) -> Model:
        def floats(key: str) -> tuple[float, ...]:
            value = data[key]
            if not isinstance(value, list) or len(value) != len(names):
                raise ValueError(f"judge model: {key!r} must be a list of one number per feature")
            return tuple(float(v) for v in value)

        features = data["features"]
        if not isinstance(features, list) or not features or any(name not in FEATURES for name in features):
            raise ValueError("judge model: its features do not match this version of verify.judge")
        names = tuple(str(name) for name in features)
        bias, threshold = data["bias"], data["threshold"]
        if not isinstance(bias, (int, float)) or not isinstance(threshold, (int, float)):
            raise ValueError("judge model: 'bias' and 'threshold' must be numbers")
        return cls(names, floats("mean"), floats("scale"), floats("weights"), float(bias), float(threshold))

    def to_json(self) -> dict[str, object]:
        return {
            "features": list(self.features),
            "mean": [round(v, 6) for v in self.mean],
            "scale": [round(v, 6) for v in self.scale],
            "weights": [round(v, 6) for v in self.weights],
            "bias": round(self.bias, 6),
            "threshold": round(self.threshold, 4),
        }


@functools.lru_cache(maxsize=1)
def default_model() -> Model:
    """The model shipped with the package (verify/data/judge_model.json)."""
    text = resources.files("verify").joinpath("data/judge_model.json").read_text(encoding="utf-8")
    return Model.from_json(json.loads(text))

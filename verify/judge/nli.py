"""A pretrained entailment model that the user gives (`--nli DIR`): loading it from a folder, and its probabilities.

The model is a cross-encoder trained for natural language inference: it reads a passage (the premise) and a
statement (the hypothesis) together and gives the probabilities that the passage entails the statement, leaves it
open, or contradicts it. The folder holds it in one of two formats:

- ONNX: `model.onnx` (as `optimum-cli export onnx` writes it), run with onnxruntime, with `tokenizer.json` read by
  the `tokenizers` library: `pip install 'verify[nli]'`;
- Hugging Face: `model.safetensors` or `pytorch_model.bin` with its tokenizer files, run with transformers and torch.

Both need `config.json`, whose `id2label` names the three outputs (entailment, neutral, contradiction, in any order
and case). Nothing is downloaded: the libraries are imported only when a model is given, and told to read the folder
alone. A long passage is truncated to the model's length, the statement is kept whole.
"""

from __future__ import annotations

import json
import math
import os
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

#: The names a model's `config.json` gives its outputs, folded to lower case.
LABELS = ("entailment", "neutral", "contradiction")
#: Model weights, by format, in the order they are looked for.
ONNX_FILES = ("model.onnx", "onnx/model.onnx")
TORCH_FILES = ("model.safetensors", "pytorch_model.bin")
#: Longest input a model reads, in tokens, whatever its config allows: entailment models are trained on short pairs.
MAX_TOKENS = 512
#: Token positions that RoBERTa-like models reserve beyond their padding index.
_POSITION_OFFSET = {"roberta": 2, "xlm-roberta": 2, "camembert": 2, "bart": 2}

EXTRA_HINT = "install it with: pip install 'verify[nli]'"


class NliError(Exception):
    """A model folder that cannot be used, or a library it needs that is missing: the message says which, and what to
    do."""


@dataclass(frozen=True)
class Probabilities:
    """The model's reading of one passage against one statement: three probabilities that add up to 1."""

    entailment: float
    neutral: float
    contradiction: float

    def to_json(self) -> dict[str, float]:
        return {
            "entailment": round(self.entailment, 4),
            "neutral": round(self.neutral, 4),
            "contradiction": round(self.contradiction, 4),
        }


@dataclass(frozen=True)
class NliSettings:
    """Which model to use and how: what the command line gives, small and picklable, so that worker processes can
    load the model themselves."""

    path: Path
    #: Sourced needs at least this probability of entailment on a passage (besides the judge's checks).
    min_entailment: float = 0.5
    #: Disputed needs at least this probability of contradiction on a passage about the same thing.
    min_contradiction: float = 0.5
    #: Passage-statement pairs run through the model at once.
    batch_size: int = 16


class Entailment(Protocol):
    """What the judge asks of an entailment model."""

    @property
    def name(self) -> str:
        """Which judge this is, as verdicts say it: "nli:<model name>"."""
        ...

    @property
    def min_entailment(self) -> float: ...

    @property
    def min_contradiction(self) -> float: ...

    def probabilities(self, pairs: Sequence[tuple[str, str]]) -> list[Probabilities]:
        """The model's probabilities for each (passage, statement) pair, in order."""
        ...


# One batch of (passage, statement) pairs to logits, one row of floats per pair, in the model's own label order.
_Run = Callable[[Sequence[tuple[str, str]]], list[list[float]]]
#: Tokens a passage keeps at least: a statement longer than the model's length less these (hostile input, not
#: prose) is cut too, rather than leave no room for its passage.
MIN_PASSAGE_TOKENS = 16


class CrossEncoder:
    """A loaded entailment model (`load`): batches the pairs it is given, keeps what it has read (a statement is
    weighed against the same passages more than once), and maps its outputs to the three labels."""

    def __init__(self, settings: NliSettings, name: str, run: _Run, order: tuple[int, int, int], max_tokens: int):
        self.settings = settings
        self._name = name
        self._run = run
        self._order = order  # where entailment, neutral and contradiction are among the model's outputs
        self.max_tokens = max_tokens
        self._kept: dict[tuple[str, str], Probabilities] = {}
        self._lock = threading.Lock()

    @property
    def name(self) -> str:
        return f"nli:{self._name}"

    @property
    def min_entailment(self) -> float:
        return self.settings.min_entailment

    @property
    def min_contradiction(self) -> float:
        return self.settings.min_contradiction

    def probabilities(self, pairs: Sequence[tuple[str, str]]) -> list[Probabilities]:
        with self._lock:  # one batch at a time: a tokenizer's truncation is a setting of the tokenizer
            wanted = list(dict.fromkeys(pair for pair in pairs if pair not in self._kept))
            size = max(1, self.settings.batch_size)
            for first in range(0, len(wanted), size):
                self._read(wanted[first : first + size])
            return [self._kept[pair] for pair in pairs]

    def _read(self, batch: Sequence[tuple[str, str]]) -> None:
        if len(self._kept) > 8192:
            self._kept.clear()
        for pair, logits in zip(batch, self._run(batch), strict=True):
            self._kept[pair] = self._probabilities(logits)

    def _probabilities(self, logits: Sequence[float]) -> Probabilities:
        top = max(logits)
        exps = [math.exp(v - top) for v in logits]
        total = sum(exps)
        entailment, neutral, contradiction = (exps[i] / total for i in self._order)
        return Probabilities(entailment, neutral, contradiction)


_loaded: dict[NliSettings, CrossEncoder] = {}
_loading = threading.Lock()


def load(settings: NliSettings) -> CrossEncoder:
    """The model in `settings.path`, loaded once per process. Raises NliError when the folder holds no usable model
    or a library it needs is missing."""
    with _loading:
        if settings not in _loaded:
            _loaded[settings] = _load(settings)
        return _loaded[settings]


def _load(settings: NliSettings) -> CrossEncoder:
    folder = settings.path
    if not folder.is_dir():
        raise NliError(f"{folder}: no such folder (give a folder holding an entailment model)")
    config = _config(folder)
    order = _label_order(folder, config)
    max_tokens = _max_tokens(folder, config)
    onnx_file = next((folder / name for name in ONNX_FILES if (folder / name).is_file()), None)
    name = folder.resolve().name
    if onnx_file is not None:
        run = _onnx_runner(folder, onnx_file, config, max_tokens)
    elif any((folder / name).is_file() for name in TORCH_FILES):
        run = _torch_runner(folder, max_tokens)
    else:
        wanted = ", ".join((*ONNX_FILES, *TORCH_FILES))
        raise NliError(f"{folder}: no model weights in it (looked for {wanted})")
    encoder = CrossEncoder(settings, name, run, order, max_tokens)
    try:  # a model that loads but cannot read a pair is found out now, not in the middle of a run
        encoder.probabilities([("The council met.", "The council met.")])
    except NliError:
        raise
    except Exception as error:
        raise NliError(f"{folder}: the model does not run: {type(error).__name__}: {error}") from None
    encoder._kept.clear()
    return encoder


def _config(folder: Path) -> dict[str, Any]:
    path = folder / "config.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise NliError(f"{folder}: no config.json (a model folder has one, with the model's id2label)") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise NliError(f"{path}: not a readable JSON file: {error}") from None
    if not isinstance(data, dict):
        raise NliError(f"{path}: expected a JSON object")
    return data


def _label_order(folder: Path, config: dict[str, Any]) -> tuple[int, int, int]:
    """Where entailment, neutral and contradiction are among the model's outputs, from `id2label`."""
    id2label = config.get("id2label")
    if not isinstance(id2label, dict) or not id2label:
        raise NliError(f"{folder}/config.json: no id2label naming the model's outputs")
    try:
        named = {str(label).strip().lower(): int(index) for index, label in id2label.items()}
    except (TypeError, ValueError):
        raise NliError(f"{folder}/config.json: id2label's keys must be output numbers") from None
    if sorted(named) != sorted(LABELS) or sorted(named.values()) != [0, 1, 2]:
        found = ", ".join(str(v) for v in id2label.values())
        raise NliError(
            f"{folder}/config.json: id2label names {found}; an entailment model's outputs are entailment, neutral "
            "and contradiction"
        )
    entailment, neutral, contradiction = (named[label] for label in LABELS)
    return entailment, neutral, contradiction


def _max_tokens(folder: Path, config: dict[str, Any]) -> int:
    """The longest input the model reads: its tokenizer's `model_max_length`, else its position embeddings."""
    limit = MAX_TOKENS
    try:
        tokenizer_config = json.loads((folder / "tokenizer_config.json").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        tokenizer_config = {}
    declared = tokenizer_config.get("model_max_length") if isinstance(tokenizer_config, dict) else None
    positions = config.get("max_position_embeddings")
    if isinstance(declared, int) and 8 <= declared < 100_000:
        limit = min(limit, declared)
    elif isinstance(positions, int) and positions > 8:
        limit = min(limit, positions - _POSITION_OFFSET.get(str(config.get("model_type")), 0))
    return limit


def _missing(what: str, error: ImportError) -> NliError:
    return NliError(f"{what} needs {error.name or 'a library'}, which is not installed: {EXTRA_HINT}")


def _onnx_runner(folder: Path, onnx_file: Path, config: dict[str, Any], max_tokens: int) -> _Run:
    try:
        import numpy as np
        import onnxruntime
        from tokenizers import Tokenizer
    except ImportError as error:
        raise _missing("an ONNX model", error) from None
    tokenizer_file = folder / "tokenizer.json"
    if not tokenizer_file.is_file():
        raise NliError(f"{folder}: no tokenizer.json beside {onnx_file.name} (export the tokenizer with the model)")
    try:
        tokenizer = Tokenizer.from_file(str(tokenizer_file))
    except Exception as error:
        raise NliError(f"{tokenizer_file}: not a tokenizer the tokenizers library reads: {error}") from None
    pad_id = config.get("pad_token_id")
    pad_id = pad_id if isinstance(pad_id, int) else 0
    tokenizer.no_padding()
    try:
        options = onnxruntime.SessionOptions()
        options.log_severity_level = 3
        session = onnxruntime.InferenceSession(str(onnx_file), options, providers=["CPUExecutionProvider"])
    except Exception as error:
        raise NliError(f"{onnx_file}: onnxruntime cannot load it: {error}") from None
    inputs = {i.name: (np.int32 if i.type == "tensor(int32)" else np.int64) for i in session.get_inputs()}
    if "input_ids" not in inputs:
        raise NliError(f"{onnx_file}: the model has no input_ids input (its inputs: {', '.join(inputs)})")

    def encode(pairs: Sequence[tuple[str, str]]) -> list[tuple[list[int], list[int], list[int]]]:
        """Each pair's token ids, attention mask and token types, the passage cut to fit the model."""
        tokenizer.no_truncation()
        lengths = [len(e.ids) for e in tokenizer.encode_batch([p[1] for p in pairs], add_special_tokens=False)]
        found: dict[int, tuple[list[int], list[int], list[int]]] = {}
        for whole in (True, False):
            # The statement kept whole and the passage cut to fit; both cut where the statement leaves no room.
            part = [k for k, n in enumerate(lengths) if (n <= max_tokens - MIN_PASSAGE_TOKENS) is whole]
            if part:
                tokenizer.enable_truncation(max_tokens, strategy="only_first" if whole else "longest_first")
                for k, e in zip(part, tokenizer.encode_batch([pairs[k] for k in part]), strict=True):
                    found[k] = (list(e.ids), list(e.attention_mask), list(e.type_ids))
        return [found[k] for k in range(len(pairs))]

    def run(pairs: Sequence[tuple[str, str]]) -> list[list[float]]:
        encoded = encode(pairs)
        width = max(len(ids) for ids, _mask, _types in encoded)
        columns = {
            "input_ids": [ids + [pad_id] * (width - len(ids)) for ids, _mask, _types in encoded],
            "attention_mask": [mask + [0] * (width - len(mask)) for _ids, mask, _types in encoded],
            "token_type_ids": [types + [0] * (width - len(types)) for _ids, _mask, types in encoded],
        }
        feed = {name: np.array(columns[name], dtype=kind) for name, kind in inputs.items() if name in columns}
        logits = session.run(None, feed)[0]
        return [[float(v) for v in row] for row in logits]

    return run


def _torch_runner(folder: Path, max_tokens: int) -> _Run:
    try:
        import torch
        from transformers import AutoModelForSequenceClassification, AutoTokenizer
    except ImportError as error:
        raise NliError(
            f"a Hugging Face model needs {error.name or 'a library'}, which is not installed: pip install transformers "
            "torch (or export it to ONNX and install 'verify[nli]')"
        ) from None
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    try:
        tokenizer = AutoTokenizer.from_pretrained(str(folder), local_files_only=True)
        model = AutoModelForSequenceClassification.from_pretrained(str(folder), local_files_only=True)
    except Exception as error:
        raise NliError(f"{folder}: transformers cannot load it: {type(error).__name__}: {error}") from None
    model.eval()

    def run(pairs: Sequence[tuple[str, str]]) -> list[list[float]]:
        lengths = [len(ids) for ids in tokenizer([p[1] for p in pairs], add_special_tokens=False)["input_ids"]]
        rows: dict[int, list[float]] = {}
        for whole in (True, False):
            # The statement kept whole and the passage cut to fit; both cut where the statement leaves no room.
            part = [k for k, n in enumerate(lengths) if (n <= max_tokens - MIN_PASSAGE_TOKENS) is whole]
            if not part:
                continue
            encoded = tokenizer(
                [pairs[k][0] for k in part],
                [pairs[k][1] for k in part],
                padding=True,
                truncation="only_first" if whole else "longest_first",
                max_length=max_tokens,
                return_tensors="pt",
            )
            with torch.no_grad():
                logits = model(**encoded).logits
            rows.update(zip(part, ([float(v) for v in row] for row in logits.tolist()), strict=True))
        return [rows[k] for k in range(len(pairs))]

    return run

"""Build the tiny entailment cross-encoder kept in tests/fixtures/nli/tiny/ for the tests of `--nli`.

It is not a model to judge with: it exists so that the tests run the whole `--nli` path (loading an ONNX or a Hugging
Face model from a folder, its own tokenizer, label mapping, batching, truncation, thresholds) on a real model whose
outputs are not random. It is a BERT of two layers (hidden size 64), with its own WordPiece tokenizer built with the
`tokenizers` library from the words of the pairs, trained for a few seconds, seeded, on hand-made pairs: sentences
about councils, companies and teams and a shorter statement that the sentence entails, contradicts (an antonym verb, a
negation, another weekday) or leaves open (another subject, an added detail). A tenth of the pairs, drawn apart, is
the validation split; the script prints accuracy on both.

The folder holds both formats of the same weights, as real model folders often do: `model.onnx` (read with
onnxruntime) and `model.safetensors` (read with transformers and torch), `config.json` (with `id2label`, in an
order of its own: contradiction, entailment, neutral), `tokenizer.json` and `tokenizer_config.json`.

Needs torch, transformers, tokenizers, onnx and onnxruntime (not the project's install: `pip install torch
transformers tokenizers onnx onnxruntime`):

    python tools/make_tiny_nli.py                     # writes tests/fixtures/nli/tiny/
    python tools/make_tiny_nli.py --out /tmp/tiny     # elsewhere
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LABELS = ("contradiction", "entailment", "neutral")
SEED = 19
MAX_POSITIONS = 64

SUBJECTS = (
    "the council",
    "the city council",
    "the board",
    "the committee",
    "the ministry",
    "the company",
    "the union",
    "the school board",
    "the mayor",
    "the governor",
    "the court",
    "the regulator",
)
OBJECTS = (
    "the budget",
    "the plan",
    "the merger",
    "the bridge repairs",
    "the new stadium",
    "the tax increase",
    "the housing project",
    "the library budget",
    "the swimming pool",
    "the contract",
    "the proposal",
    "the bill",
)
# Verb pairs that contradict each other, both in the past tense.
ANTONYMS = (
    ("approved", "rejected"),
    ("accepted", "refused"),
    ("opened", "closed"),
    ("backed", "opposed"),
    ("raised", "cut"),
    ("started", "stopped"),
    ("confirmed", "denied"),
    ("signed", "vetoed"),
)
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
TAILS = (
    "officials said",
    "according to a statement",
    "after a long debate",
    "in a close vote",
    "the report said",
    "",
)
FILLER = (
    "The meeting was held in the town hall.",
    "Residents had been waiting for a decision for months.",
    "The vote came after a public hearing.",
    "Several members spoke before the decision.",
    "Local newspapers covered the session.",
)


def _sentence(text: str) -> str:
    text = " ".join(text.split())
    return text[0].upper() + text[1:] + "."


def _pairs(rng: random.Random, count: int) -> list[tuple[str, str, str]]:
    """(premise, hypothesis, label) triples, a third of each label."""
    pairs: list[tuple[str, str, str]] = []
    for n in range(count):
        subject, obj = rng.choice(SUBJECTS), rng.choice(OBJECTS)
        verb, antonym = rng.choice(ANTONYMS)
        if rng.random() < 0.5:
            verb, antonym = antonym, verb
        day = rng.choice(WEEKDAYS)
        tail = rng.choice(TAILS)
        premise = _sentence(f"{subject} {verb} {obj} on {day}{', ' + tail if tail else ''}")
        if rng.random() < 0.4:
            premise = f"{rng.choice(FILLER)} {premise}" if rng.random() < 0.5 else f"{premise} {rng.choice(FILLER)}"
        label = LABELS[n % 3]
        if label == "entailment":
            hypothesis = rng.choice(
                (f"{subject} {verb} {obj}", f"{subject} {verb} {obj} on {day}", f"{obj} was {verb} by {subject}")
            )
        elif label == "contradiction":
            other_day = rng.choice([d for d in WEEKDAYS if d != day])
            hypothesis = rng.choice(
                (
                    f"{subject} {antonym} {obj}",
                    f"{subject} {antonym} {obj} on {day}",
                    f"{subject} did not {_base(verb)} {obj}",
                    f"{subject} {verb} {obj} on {other_day}",
                )
            )
        else:
            other_subject = rng.choice([s for s in SUBJECTS if s != subject])
            other_object = rng.choice([o for o in OBJECTS if o != obj])
            hypothesis = rng.choice(
                (
                    f"{other_subject} {verb} {other_object}",
                    f"{subject} {verb} {other_object}",
                    f"{other_subject} {rng.choice(ANTONYMS)[0]} {other_object} on {day}",
                )
            )
            if day in premise and rng.random() < 0.3:  # the premise gives no other day, so a second one is open
                premise = premise.replace(f" on {day}", "")
                hypothesis = f"{subject} {verb} {obj} on {day}"
        pairs.append((premise, _sentence(hypothesis), label))
    rng.shuffle(pairs)
    return pairs


def _base(verb: str) -> str:
    irregular = {"cut": "cut", "closed": "close", "raised": "raise", "refused": "refuse", "approved": "approve"}
    if verb in irregular:
        return irregular[verb]
    if verb.endswith("pped"):
        return verb[:-3]
    if verb.endswith("ed"):
        return verb[:-2] if not verb.endswith("ied") else verb[:-3] + "y"
    return verb


def _tokenizer(texts: list[str]):  # type: ignore[no-untyped-def]
    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, processors, trainers

    tokenizer = Tokenizer(models.WordPiece(unk_token="[UNK]"))
    tokenizer.normalizer = normalizers.BertNormalizer(lowercase=True)
    tokenizer.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    special = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    trainer = trainers.WordPieceTrainer(vocab_size=400, special_tokens=special, min_frequency=1)
    tokenizer.train_from_iterator(texts, trainer)
    cls, sep = tokenizer.token_to_id("[CLS]"), tokenizer.token_to_id("[SEP]")
    tokenizer.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]",
        pair="[CLS] $A [SEP] $B:1 [SEP]:1",
        special_tokens=[("[CLS]", cls), ("[SEP]", sep)],
    )
    from tokenizers import decoders

    tokenizer.decoder = decoders.WordPiece()
    return tokenizer


def build(out: Path, steps: int) -> None:
    import numpy as np
    import torch
    from transformers import BertConfig, BertForSequenceClassification, PreTrainedTokenizerFast

    rng = random.Random(SEED)
    torch.manual_seed(SEED)
    torch.set_num_threads(1)  # a model this small trains fastest, and the same every time, on one thread
    pairs = _pairs(rng, 6000)
    cut = len(pairs) // 10
    validation, training = pairs[:cut], pairs[cut:]
    tokenizer = _tokenizer([text for p in pairs for text in p[:2]] + list(FILLER))
    fast = PreTrainedTokenizerFast(
        tokenizer_object=tokenizer,
        unk_token="[UNK]",
        pad_token="[PAD]",
        cls_token="[CLS]",
        sep_token="[SEP]",
        mask_token="[MASK]",
        model_max_length=MAX_POSITIONS,
        model_input_names=["input_ids", "token_type_ids", "attention_mask"],
    )
    config = BertConfig(
        vocab_size=tokenizer.get_vocab_size(),
        hidden_size=64,
        num_hidden_layers=2,
        num_attention_heads=4,
        intermediate_size=128,
        max_position_embeddings=MAX_POSITIONS,
        id2label=dict(enumerate(LABELS)),
        label2id={label: i for i, label in enumerate(LABELS)},
    )
    model = BertForSequenceClassification(config)

    def batch(rows: list[tuple[str, str, str]]) -> dict[str, torch.Tensor]:
        encoded = fast(
            [r[0] for r in rows],
            [r[1] for r in rows],
            padding=True,
            truncation="only_first",
            max_length=MAX_POSITIONS,
            return_tensors="pt",
        )
        encoded["labels"] = torch.tensor([LABELS.index(r[2]) for r in rows])
        return dict(encoded)

    optimiser = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=0.01)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimiser, max_lr=1e-3, total_steps=steps, pct_start=0.1)
    model.train()
    for step in range(steps):
        rows = [training[(step * 32 + k) % len(training)] for k in range(32)]
        loss = model(**batch(rows)).loss
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
        schedule.step()
        if step % 100 == 0:
            print(f"step {step}: loss {loss.item():.3f}")
    model.eval()

    def accuracy(rows: list[tuple[str, str, str]]) -> float:
        with torch.no_grad():
            inputs = batch(rows)
            labels = inputs.pop("labels")
            predicted = model(**inputs).logits.argmax(-1)
        return float((predicted == labels).float().mean())

    print(
        f"accuracy: training {accuracy(training):.3f}, validation {accuracy(validation):.3f} ({len(validation)} pairs)"
    )

    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        model.save_pretrained(folder, safe_serialization=True)
        fast.save_pretrained(folder)
        # The class name transformers 4 and 5 both read (5 writes one of its own, which 4 does not know).
        tokenizer_config = json.loads((folder / "tokenizer_config.json").read_text())
        tokenizer_config["tokenizer_class"] = "PreTrainedTokenizerFast"
        (folder / "tokenizer_config.json").write_text(json.dumps(tokenizer_config, indent=2) + "\n")
        example = fast(["The council approved the budget."], ["The council approved it."], return_tensors="pt")
        names = ["input_ids", "attention_mask", "token_type_ids"]
        torch.onnx.export(
            model,
            tuple(example[n] for n in names),
            str(folder / "model.onnx"),
            input_names=names,
            output_names=["logits"],
            dynamic_axes={**{n: {0: "batch", 1: "sequence"} for n in names}, "logits": {0: "batch"}},
            opset_version=17,
            dynamo=False,
        )
        import onnxruntime

        session = onnxruntime.InferenceSession(str(folder / "model.onnx"), providers=["CPUExecutionProvider"])
        onnx_logits = session.run(None, {n: example[n].numpy().astype(np.int64) for n in names})[0]
        with torch.no_grad():
            torch_logits = model(**{n: example[n] for n in names}).logits.numpy()
        assert np.allclose(onnx_logits, torch_logits, atol=1e-4), (onnx_logits, torch_logits)
        out.mkdir(parents=True, exist_ok=True)
        for name in ("model.onnx", "model.safetensors", "config.json", "tokenizer.json", "tokenizer_config.json"):
            shutil.copyfile(folder / name, out / name)
    config_data = json.loads((out / "config.json").read_text())
    print(f"wrote {out}: {', '.join(sorted(p.name for p in out.iterdir()))}; labels {config_data['id2label']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=ROOT / "tests" / "fixtures" / "nli" / "tiny")
    parser.add_argument("--steps", type=int, default=5000, help="training steps of 32 pairs")
    args = parser.parse_args()
    build(args.out, args.steps)


if __name__ == "__main__":
    main()

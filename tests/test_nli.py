"""`--nli MODEL_DIR`: a pretrained entailment model read from a folder, on the tiny model that tools/make_tiny_nli.py
builds (tests/fixtures/nli/tiny/: ONNX and safetensors of the same weights, its own tokenizer)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest
from click.testing import CliRunner

from verify.cli import main
from verify.judge import Label, Source, SourceRole, judge_claim, judge_jsonl, judge_statement, nli
from verify.judge.nli import NliError, NliSettings, Probabilities
from verify.status import ExitStatus

TINY = Path(__file__).resolve().parent / "fixtures" / "nli" / "tiny"

PREMISE = "The council approved the budget on Monday, officials said."
ENTAILED = "The council approved the budget."
CONTRADICTED = "The council rejected the budget."
NEUTRAL = "The mayor opened the swimming pool."


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    """A copy of the tiny model's folder, to be changed by a test."""
    folder = tmp_path / "tiny"
    shutil.copytree(TINY, folder)
    return folder


def _probabilities(folder: Path, pairs: list[tuple[str, str]], **settings: float) -> list[Probabilities]:
    return nli.load(NliSettings(folder, **settings)).probabilities(pairs)  # type: ignore[arg-type]


def _label(p: Probabilities) -> str:
    return max(("entailment", "neutral", "contradiction"), key=lambda name: float(getattr(p, name)))


def test_the_tiny_model_reads_entailment_contradiction_and_neither() -> None:
    found = _probabilities(TINY, [(PREMISE, ENTAILED), (PREMISE, CONTRADICTED), (PREMISE, NEUTRAL)])
    assert [_label(p) for p in found] == ["entailment", "contradiction", "neutral"]
    assert all(abs(p.entailment + p.neutral + p.contradiction - 1) < 1e-6 for p in found)
    assert found[0].entailment > 0.7 and found[1].contradiction > 0.9


def test_the_model_is_named_after_its_folder() -> None:
    assert nli.load(NliSettings(TINY)).name == "nli:tiny"


def test_labels_are_mapped_by_the_configs_id2label_in_any_order_and_case(tiny: Path) -> None:
    config = json.loads((tiny / "config.json").read_text())
    assert config["id2label"] == {"0": "contradiction", "1": "entailment", "2": "neutral"}
    config["id2label"] = {"0": "ENTAILMENT", "1": "Contradiction", "2": "neutral"}  # outputs 0 and 1 swapped
    (tiny / "config.json").write_text(json.dumps(config))
    original, swapped = (_probabilities(folder, [(PREMISE, ENTAILED)])[0] for folder in (TINY, tiny))
    assert swapped.entailment == pytest.approx(original.contradiction)
    assert swapped.contradiction == pytest.approx(original.entailment)
    assert swapped.neutral == pytest.approx(original.neutral)


@pytest.mark.parametrize(
    ("id2label", "message"),
    [
        ({"0": "LABEL_0", "1": "LABEL_1", "2": "LABEL_2"}, "id2label names LABEL_0, LABEL_1, LABEL_2"),
        ({"0": "entailment", "1": "not_entailment"}, "id2label names entailment, not_entailment"),
        (None, "no id2label"),
    ],
)
def test_a_model_whose_outputs_are_not_entailment_neutral_contradiction_is_refused(
    tiny: Path, id2label: dict[str, str] | None, message: str
) -> None:
    config = json.loads((tiny / "config.json").read_text())
    config["id2label"] = id2label
    (tiny / "config.json").write_text(json.dumps(config))
    with pytest.raises(NliError, match=message):
        nli.load(NliSettings(tiny))


def test_pairs_are_read_in_batches_and_give_what_they_give_one_by_one(tiny: Path) -> None:
    pairs = [(f"{PREMISE} The vote was number {n}.", ENTAILED if n % 2 else CONTRADICTED) for n in range(40)]
    batched = nli.load(NliSettings(tiny, batch_size=16))
    sizes: list[int] = []
    run = batched._run
    batched._run = lambda part: sizes.append(len(part)) or run(part)  # type: ignore[assignment,func-returns-value]
    together = batched.probabilities(pairs)
    assert sizes == [16, 16, 8]
    alone = [nli.load(NliSettings(tiny, batch_size=1)).probabilities([pair])[0] for pair in pairs]
    for a, b in zip(together, alone, strict=True):
        assert a.entailment == pytest.approx(b.entailment, abs=1e-5)
        assert a.contradiction == pytest.approx(b.contradiction, abs=1e-5)
    assert batched.probabilities(pairs[:3]) == together[:3]
    assert sizes == [16, 16, 8], "pairs read once are kept, not read again"


def test_a_long_passage_is_cut_to_the_models_length_and_the_statement_kept_whole() -> None:
    model = nli.load(NliSettings(TINY))
    assert model.max_tokens == 64
    filler = " ".join(["The meeting was held in the town hall."] * 20)
    other = " ".join(["Residents had been waiting for a decision for months."] * 20)
    first, second = model.probabilities([(f"{PREMISE} {filler}", ENTAILED), (f"{PREMISE} {other}", CONTRADICTED)])
    # Past the cut the passages differ, and it makes no difference: only their start was read, with the whole
    # statement after it (a statement cut instead would lose its verb, and the contradiction with it).
    assert _label(first) == "entailment" and _label(second) == "contradiction"
    same_start = model.probabilities([(f"{PREMISE} {filler} Residents objected.", ENTAILED)])[0]
    assert same_start == first


def test_a_statement_longer_than_half_the_model_is_read_to_its_last_word() -> None:
    model = nli.load(NliSettings(TINY))
    long_passage = " ".join([PREMISE] * 10)
    opening = " ".join([PREMISE] * 3)  # about 40 of the model's 64 tokens
    tokens = model.probabilities([(long_passage, f"{opening} {ENTAILED}"), (long_passage, f"{opening} {CONTRADICTED}")])
    # Cutting the longer of the two (or both) would drop the statement's end, where the two differ.
    assert tokens[0] != tokens[1]


def test_a_statement_longer_than_the_model_reads_is_cut_too_rather_than_fail() -> None:
    statement = " ".join([ENTAILED] * 40)
    (found,) = nli.load(NliSettings(TINY)).probabilities([(PREMISE, statement)])
    assert abs(found.entailment + found.neutral + found.contradiction - 1) < 1e-6


def test_the_hugging_face_format_gives_what_the_onnx_format_gives(tiny: Path) -> None:
    pytest.importorskip("torch")
    pytest.importorskip("transformers")
    (tiny / "model.onnx").unlink()
    pairs = [(PREMISE, ENTAILED), (PREMISE, CONTRADICTED), (PREMISE + " " + "The vote was close. " * 30, NEUTRAL)]
    for a, b in zip(_probabilities(tiny, pairs), _probabilities(TINY, pairs), strict=True):
        assert a.entailment == pytest.approx(b.entailment, abs=1e-4)
        assert a.contradiction == pytest.approx(b.contradiction, abs=1e-4)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda folder: shutil.rmtree(folder), "no such folder"),
        (lambda folder: (folder / "config.json").unlink(), "no config.json"),
        (lambda folder: (folder / "config.json").write_text("{"), "config.json: not a readable JSON file"),
        (lambda folder: [(folder / n).unlink() for n in ("model.onnx", "model.safetensors")], "no model weights"),
        (lambda folder: (folder / "tokenizer.json").unlink(), "no tokenizer.json beside model.onnx"),
        (lambda folder: (folder / "model.onnx").write_bytes(b"not a model"), "onnxruntime cannot load it"),
    ],
)
def test_a_folder_that_holds_no_usable_model_says_why(tiny: Path, change: object, message: str) -> None:
    change(tiny)  # type: ignore[operator]
    with pytest.raises(NliError, match=message):
        nli.load(NliSettings(tiny))


def test_a_missing_onnxruntime_names_the_extra_to_install(tiny: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "onnxruntime", None)
    with pytest.raises(NliError, match=r"needs onnxruntime, which is not installed: .*pip install 'verify\[nli\]'"):
        nli.load(NliSettings(tiny))


def test_a_hugging_face_model_without_torch_names_what_to_install(tiny: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tiny / "model.onnx").unlink()
    monkeypatch.setitem(sys.modules, "torch", None)
    with pytest.raises(NliError, match="needs torch, which is not installed: pip install transformers torch"):
        nli.load(NliSettings(tiny))


def test_the_default_install_imports_no_model_runtime() -> None:
    script = (
        "import sys, verify.cli, verify.batch, verify.pipeline, verify.judge, verify.judge.nli\n"
        "from verify.judge import judge_claim\n"
        "judge_claim('The council approved the budget.', 'The council approved the budget on Monday.')\n"
        "print(sorted(m for m in ('onnxruntime', 'tokenizers', 'torch', 'transformers', 'numpy') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


# ---------------------------------------------------------------------------------------------------------------
# The judge with a model


class Always:
    """A stand-in entailment model that reads every pair the same way, to pin down the decision rules."""

    def __init__(self, entailment: float, contradiction: float) -> None:
        self.read = Probabilities(entailment, 1 - entailment - contradiction, contradiction)
        self.pairs: list[tuple[str, str]] = []

    name = "nli:always"
    min_entailment = 0.5
    min_contradiction = 0.5

    def probabilities(self, pairs: Sequence[tuple[str, str]]) -> list[Probabilities]:
        self.pairs += pairs
        return [self.read for _ in pairs]


SOURCE = (
    "The meeting was held in the town hall.",
    "The council approved the budget on Monday, officials said.",
    "Residents had been waiting for a decision for months.",
    "The mayor thanked the library staff.",
)


def test_a_model_reads_the_statement_with_the_sources_best_passages() -> None:
    model = Always(0.9, 0.05)
    judge_claim(ENTAILED, SOURCE, entailment=model)
    assert model.pairs, "the model read nothing"
    assert all(statement == ENTAILED for _passage, statement in model.pairs)
    assert 1 <= len(model.pairs) <= 3
    assert SOURCE[1] in model.pairs[0][0], "the passage retrieval ranks first is read first"


def test_with_a_model_sourced_needs_its_entailment_and_says_which_judge_set_it() -> None:
    verdict = judge_claim(ENTAILED, SOURCE, entailment=Always(0.9, 0.05))
    assert verdict.label is Label.SOURCED
    assert verdict.judge == "nli:always"
    assert verdict.nli == Probabilities(0.9, pytest.approx(0.05), 0.05)  # type: ignore[arg-type]
    assert verdict.reason.endswith("(nli:always entailment 0.90)")
    refused = judge_claim(ENTAILED, SOURCE, entailment=Always(0.3, 0.1))
    assert refused.label is Label.UNSOURCED
    assert refused.reason.startswith(
        "partly supported at most: the entailment model (nli:always) does not read it in the source's best passages "
        "(entailment 0.30, needs 0.50)"
    )


def test_with_a_model_sourced_still_needs_the_checks() -> None:
    claim = "The council approved the budget of 40 million pounds."  # the source never gives the number
    verdict = judge_claim(claim, SOURCE, entailment=Always(0.99, 0.0))
    assert verdict.label is Label.UNSOURCED
    assert "never gives the statement's number '40 million'" in verdict.reason
    assert verdict.judge == "nli:always"


def test_with_a_model_a_contradiction_disputes_only_on_a_passage_about_the_same_thing() -> None:
    contradicting = Always(0.01, 0.97)
    verdict = judge_claim(ENTAILED, SOURCE, entailment=contradicting)
    assert verdict.label is Label.DISPUTED
    assert (
        "the entailment model (nli:always) reads the passage as contradicting it (contradiction 0.97)"
        in verdict.conflicts
    )
    assert verdict.evidence[0].quote.startswith("The council approved the budget on Monday")
    unrelated = judge_claim("The zoo bought two giraffes from a park in Denmark.", SOURCE, entailment=contradicting)
    assert unrelated.label is Label.UNSOURCED
    assert unrelated.judge == "nli:always"


def test_a_model_reads_own_citations_and_only_the_three_closest_other_citations() -> None:
    model = Always(0.9, 0.05)
    own = Source("https://example.com/own", SourceRole.OWN, ("The library opened a new wing on Friday.",))
    others = [
        Source(f"https://example.org/{n}", SourceRole.OTHER, (SOURCE[1] if n == 4 else f"Item {n} was about trains.",))
        for n in range(6)
    ]
    judge_statement("p1.s1", ENTAILED, [own, *others], changed=None, has_citation=True, entailment=model)
    read = {passage for passage, _statement in model.pairs}
    assert own.sentences[0] in read and SOURCE[1] in read  # type: ignore[index]
    assert len(read) == 1 + 3


def test_without_a_model_the_judge_is_lexical_and_has_no_probabilities() -> None:
    verdict = judge_claim(ENTAILED, SOURCE)
    assert (verdict.judge, verdict.nli) == ("lexical", None)


@pytest.mark.parametrize(
    ("claim", "label"),
    [(ENTAILED, Label.SOURCED), (CONTRADICTED, Label.DISPUTED), (NEUTRAL, Label.UNSOURCED)],
)
def test_the_tiny_model_judges_the_three_labels(claim: str, label: Label) -> None:
    verdict = judge_claim(claim, SOURCE, entailment=nli.load(NliSettings(TINY)))
    assert verdict.label is label
    assert verdict.judge == "nli:tiny"
    assert verdict.nli is not None


def test_thresholds_decide_what_the_tiny_models_probabilities_mean() -> None:
    strict = nli.load(NliSettings(TINY, min_entailment=1.0, min_contradiction=1.0))
    entailed = judge_claim(ENTAILED, SOURCE, entailment=strict)
    assert entailed.label is Label.UNSOURCED
    assert "(entailment 0." in entailed.reason and "needs 1.00)" in entailed.reason
    contradicted = judge_claim(CONTRADICTED, SOURCE, entailment=strict)
    assert not any(c.startswith("the entailment model") for c in contradicted.conflicts)
    assert contradicted.label is not Label.SOURCED


def test_judge_jsonl_with_a_model_reads_the_lines_in_batches_and_gives_its_probabilities() -> None:
    model = nli.load(NliSettings(TINY, batch_size=8))
    model._kept.clear()
    batches: list[int] = []
    run = model._run
    model._run = lambda part: batches.append(len(part)) or run(part)  # type: ignore[assignment,func-returns-value]
    claims = [ENTAILED, CONTRADICTED, NEUTRAL] * 6
    lines = [json.dumps({"id": n, "claim": c, "evidence": list(SOURCE)}) for n, c in enumerate(claims)]
    try:
        out = [json.loads(line) for line in judge_jsonl(lines, entailment=model)]
    finally:
        model._run = run  # type: ignore[method-assign]
    assert [row["label"] for row in out[:3]] == ["sourced", "disputed", "unsourced"]
    assert all(row["judge"] == "nli:tiny" for row in out)
    assert all(set(row["nli"]) == {"entailment", "neutral", "contradiction"} for row in out)
    assert all(size <= 8 for size in batches) and sum(batches) < 18 * 3, "the same pairs are not read again"


# ---------------------------------------------------------------------------------------------------------------
# The command line

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "examples" / "demo"


def _invoke(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_verify_judge_with_nli_says_which_judge_and_its_probabilities(tmp_path: Path) -> None:
    source = tmp_path / "source.txt"
    source.write_text(" ".join(SOURCE))
    code, out, _ = _invoke("judge", "--claim", ENTAILED, "--source", str(source), "--nli", str(TINY))
    assert code == 0
    assert out.startswith("sourced (score ")
    assert "(nli:tiny entailment 0." in out
    assert "\n  judge: nli:tiny (entailment 0." in out and ", contradiction 0." in out


def test_verify_judge_input_takes_the_model_from_verify_nli(tmp_path: Path) -> None:
    claims = tmp_path / "claims.jsonl"
    claims.write_text(json.dumps({"id": 1, "claim": CONTRADICTED, "evidence": list(SOURCE)}) + "\n")
    code, out, _ = _invoke("judge", "--input", str(claims), env={"VERIFY_NLI": str(TINY)})
    row = json.loads(out)
    assert (code, row["label"], row["judge"]) == (0, "disputed", "nli:tiny")
    assert row["nli"]["contradiction"] >= 0.5
    code, out, _ = _invoke("judge", "--input", str(claims), env={"VERIFY_NLI": ""})
    assert (code, json.loads(out)["judge"], json.loads(out)["nli"]) == (0, "lexical", None)


@pytest.mark.parametrize("command", ["check", "judge"])
def test_a_folder_without_a_model_is_a_usage_error_naming_the_option(tmp_path: Path, command: str) -> None:
    args = [str(DEMO / "harbour-bridge.md"), "--offline", "--out", str(tmp_path / "reports")]
    code, _, err = _invoke(
        command, *(args if command == "check" else ["--claim", "x", "--source", "y"]), "--nli", str(tmp_path)
    )
    assert code == ExitStatus.USAGE
    assert err == f"Error: --nli: {tmp_path}: no config.json (a model folder has one, with the model's id2label)\n"


def test_a_missing_extra_is_a_usage_error_that_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "tokenizers", None)
    monkeypatch.setattr(nli, "_loaded", {})
    code, _, err = _invoke("judge", "--claim", "x", "--source", "y", "--nli", str(TINY))
    assert code == ExitStatus.USAGE
    assert err.startswith("Error: --nli: an ONNX model needs tokenizers, which is not installed: ")
    assert err.endswith("pip install 'verify[nli]'\n")


def test_verify_check_with_nli_reports_which_judge_labelled_each_statement(tmp_path: Path) -> None:
    code, _, _ = _invoke(
        "check",
        str(DEMO),
        "--replay-only",
        "--jobs",
        "2",
        "--cassettes",
        str(ROOT / "cassettes"),
        "--out",
        str(tmp_path),
        "--fail-on",
        "never",
        "--nli",
        str(TINY),
    )
    assert code == ExitStatus.OK
    statements = json.loads((tmp_path / "harbour-bridge.json").read_text())["statements"]
    # Every statement of the demo article has a source that was read (its own or another citation).
    assert {s["judge"] for s in statements} == {"nli:tiny"}
    assert all(set(s["nli"]) == {"entailment", "neutral", "contradiction"} for s in statements)
    markdown = (tmp_path / "harbour-bridge.md").read_text()
    assert markdown.count("Judged by `nli:tiny`: entailment 0.") == len(statements)
    sourced = [s for s in statements if s["label"] == "sourced"]
    assert sourced and all(s["nli"]["entailment"] >= 0.5 for s in sourced)
    assert all("nli:tiny entailment" in s["reason"] for s in sourced)


def test_a_statement_whose_sources_were_not_read_is_judged_lexically(tmp_path: Path) -> None:
    _invoke("check", str(DEMO / "harbour-bridge.md"), "--offline", "--out", str(tmp_path), "--nli", str(TINY))
    statements = json.loads((tmp_path / "harbour-bridge.json").read_text())["statements"]
    assert {(s["judge"], s["nli"]) for s in statements} == {("lexical", None)}

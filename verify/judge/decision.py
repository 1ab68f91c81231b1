"""Decision: a statement's label from its analyses against each candidate source, with the reason in words."""

from __future__ import annotations

import dataclasses
import itertools
import json
from collections.abc import Callable, Iterable, Iterator, Sequence

from verify.judge.analysis import _analyse
from verify.judge.evidence import _evidence
from verify.judge.model import Features, Model, default_model
from verify.judge.nli import Entailment
from verify.judge.retrieval import _NumberMatch, _rare_names_missing
from verify.judge.tokens import _claim_tokens, _Document, _document, _kind, _Tokens, _written
from verify.judge.verdict import (
    LEXICAL,
    NO_CITATION,
    Assessment,
    Failure,
    Label,
    OtherSources,
    Source,
    SourceFailure,
    SourceRole,
    Verdict,
)
from verify.text import evidence_sentences

# The share of the statement's content words that the source may lack (checks.missing_words) and still source it: a
# statement of four content words must have all, one of ten may lack two. Chosen for precision on the dev half of
# WiCE dev (bench/README.md, "Partial support"): 0.3, or the best passage asked for half of them too, lost
# precision or recall there, and let more FEVER-Symmetric twins through.
MAX_MISSING_SHARE = 0.2


def decide(model: Model, features: Features, probability: float | None = None) -> bool:
    """Sourced when the model's score reaches its threshold, the quoted words and every number of the statement are
    in the source, and nothing conflicts.

    Numbers are looked for in the whole source, not only the best passage: a supported claim's date or figure is
    often a sentence away (on WiCE dev, asking for them in the passage cost 7 points of F1; in the source, under 1).
    A source that never gives the number cannot be what supports it, however much else it shares. `probability` is
    the model's, when the caller has it already.
    """
    if probability is None:
        probability = model.probability(features)
    return probability >= model.threshold and checks_pass(features)


def checks_pass(features: Features) -> bool:
    """The checks a sourced statement passes whatever weighs the passage (the lexical model or an entailment model):
    its quoted words and every number in the source, its rare names and every other word of it rare in English too
    (`checks.rare_words`), its negation in the closest passages, and nothing conflicting; a statement that only asks
    or hedges what the source calls untrue is not carried by it (`checks.untrue_unasserted`), nor one that asserts
    what the passage negates (`checks.negated_in_passage`)."""
    return (
        features.quotes_found == 1.0
        and features.document_number_coverage == 1.0
        and features.near_number_coverage == 1.0
        and not features.rare_names_missing
        and not features.negation_unmatched
        and not features.conflict
        and features.source_missing_share <= MAX_MISSING_SHARE
        and not features.source_rare_missing
        and not features.hedged
        and not features.weekdays_missing
        and not features.called_untrue
        and not features.passage_negates
    )


def assess(claim: str, sentences: Sequence[str], model: Model | None = None) -> Assessment:
    """The best passage of `sentences` for `claim`, its support score and any conflict with it."""
    analysis = _analyse(claim, sentences)
    model = model or default_model()
    score = model.probability(analysis.features)
    supported = analysis.window is not None and decide(model, analysis.features, score)
    # A disputed statement quotes the sentence that contradicts it, which a source calling the story untrue may hold
    # outside the passage that shares most of its words.
    window = analysis.conflict_window or analysis.window
    return Assessment(
        claim=claim,
        passage=window.text if window else "",
        start=window.start if window else 0,
        end=window.end if window else 0,
        score=score,
        supported=supported,
        conflicts=analysis.conflicts,
        features=analysis.features,
        gaps=analysis.gaps,
    )


# The words a source's `unavailable` text begins with when the run chose not to fetch it (--offline): the statement is
# unsourced for want of evidence, and the reason must not say that the source is dead. Words for readers only: the
# judge goes by the source's `failure` (`Failure.NOT_CHECKED`), never by these.
NOT_CHECKED = "--offline"
# The words a source's `unavailable` text begins with when its link is not a web link (javascript:, mailto:, file:,
# data:; `Failure.NOT_A_WEB_LINK`): there is nothing to fetch, so it is neither dead nor unverifiable.
NOT_A_WEB_LINK = "not a web link"

# The words a source's `unavailable` text begins with when a stripped link's target was not recovered
# (`Failure.NOT_RECOVERED`).
TARGET_UNKNOWN = "link target unknown"


def _where(source: Source) -> str:
    return f"{source.role.value} {source.url}" if source.url else "the evidence"


def _excerpt(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3].rsplit(" ", 1)[0] + "..."


def judge_statement(
    statement_id: str,
    text: str,
    sources: Sequence[Source],
    *,
    changed: str | None,
    has_citation: bool,
    model: Model | None = None,
    attribution: str | None = None,
    others_total: int | None = None,
    entailment: Entailment | None = None,
) -> Verdict:
    """Label one statement from its candidate sources, given in order: own citations, other citations, attributed.

    `changed` is the comparison's reason when the stored statement differs substantively from the archived original
    (or is absent from it): the statement is then disputed whatever its sources say. `attribution` is whom the
    statement names as its source ("the engineering report"): its words are not expected in the evidence.
    `others_total` is how many other sources the article has, when only the closest of them are among `sources`.
    `entailment`, a pretrained entailment model (`--nli`), reads the statement with each source's best passages
    (`_read_by_model`): sourced then needs its entailment besides the checks, and its contradiction disputes.
    """
    assessed: list[tuple[Source, Assessment]] = [
        (source, assess(text, source.sentences, model)) for source in sources if source.sentences
    ]
    judge = LEXICAL
    if entailment is not None and assessed:
        assessed = _read_by_model(entailment, text, assessed)
        judge = entailment.name
    best = max(assessed, key=lambda pair: pair[1].score, default=None)
    best_score = round(best[1].score, 4) if best else 0.0
    best_read = best[1].nli if best else None
    failures = tuple(SourceFailure.of(source) for source in sources if not source.sentences)

    if changed:
        evidence = tuple(itertools.islice((_evidence(a, s, attribution) for s, a in assessed if a.supported), 3))
        return Verdict(
            statement_id,
            Label.DISPUTED,
            changed,
            evidence,
            best_score,
            (changed,),
            judge,
            best_read,
            failures=failures,
            changed_since_original=True,
        )

    for source, assessment in assessed:
        if assessment.conflicts:
            reason = f"contradicted by {_where(source)}: " + "; ".join(assessment.conflicts)
            return Verdict(
                statement_id,
                Label.DISPUTED,
                reason,
                (_evidence(assessment, source, attribution),),
                round(assessment.score, 4),
                assessment.conflicts,
                judge,
                assessment.nli,
                failures=failures,
            )
        if assessment.supported:
            agreeing = (_evidence(a, s, attribution) for s, a in assessed if a.supported and not a.conflicts)
            supporting = tuple(itertools.islice(agreeing, 3))
            reason = f"supported by {_where(source)}: {_excerpt(supporting[0].quote)!r}"
            if assessment.nli is not None:
                reason += f" ({judge} entailment {assessment.nli.entailment:.2f})"
            score = round(assessment.score, 4)
            return Verdict(
                statement_id, Label.SOURCED, reason, supporting, score, (), judge, assessment.nli, failures=failures
            )

    parts: list[str] = []
    if not has_citation:
        parts.append(NO_CITATION)
    own = [source for source in sources if source.role is SourceRole.OWN]
    others = [source for source in sources if source.role is not SourceRole.OWN]
    for source in own:  # its own citations, each told in full
        if source.sentences:
            assessment = next(a for s, a in assessed if s is source)
            missing = _numbers_not_given(text, source.sentences)
            claim, doc = _claim_tokens(text), _document(tuple(source.sentences))
            unnamed = _rare_names_missing(claim, doc)
            bounds = _given_as_bounds(claim, doc, missing)
            missing = [number for number in missing if number not in bounds]
            gaps = []
            # As the statement writes them ("Forty", not "forty").
            written = {q.text: " ".join(claim.spelled[q.first : q.last + 1]) for q in claim.quantities}
            if missing:
                gaps.append(
                    f"gives the statement's {_plural('number', missing)} "
                    + ", ".join(repr(written.get(number, number)) for number in missing)
                )
            gaps += [
                f"gives {written.get(number, number)!r} exactly, only {bound!r}" for number, bound in bounds.items()
            ]
            if unnamed:
                spelled = dict(zip(claim.lower, claim.spelled, strict=True))
                gaps.append("names " + ", ".join(repr(spelled[n]) for n in unnamed))
            silent = "source fetched but silent on it"
            if gaps:
                silent += ": it never " + " and never ".join(gaps)
            elif assessment.gaps and assessment.features.plain_coverage >= 0.5:
                silent = "partly supported: " + "; ".join(assessment.gaps)
            elif assessment.gaps and assessment.features.plain_coverage > 0:  # it shares something, not all
                silent += ": " + "; ".join(assessment.gaps)
            if assessment.features.negation_unmatched:
                silent += "; its closest passages have no negation where the statement has one"
            if assessment.nli is not None and checks_pass(assessment.features):
                silent = (
                    f"partly supported at most: the entailment model ({judge}) does not read it in the source's best "
                    f"passages (entailment {assessment.nli.entailment:.2f}, needs {entailment_needed(entailment):.2f})"
                )
            if assessment.passage:
                parts.append(f"{silent} (best passage: {_excerpt(assessment.passage)!r}, {_where(source)})")
            else:
                parts.append(f"{silent} ({_where(source)})")
        else:
            parts.append(SourceFailure.of(source).said)
    other_sources: OtherSources | None = None
    if others:  # the article's other sources, summed up: the closest passage is the evidence below
        other_ids = {id(source) for source in others}
        read = [(s, a) for s, a in assessed if id(s) in other_ids and s.sentences]
        unread = sum(1 for s in others if not s.sentences and s.failure is not Failure.GONE)
        gone = sum(1 for s in others if not s.sentences and s.failure is Failure.GONE)
        other_sources = OtherSources.NONE_CARRIES if read else OtherSources.NONE_READ
        if others_total is not None and others_total > len(others):
            summary = (
                f"none of the {len(read)} other readable sources closest to it carries it (the article's "
                f"{others_total - len(others)} others share fewer of its words and were not weighed)"
            )
        elif len(read) == 1:
            summary = "the article's one other readable source does not carry it"
        elif read:
            summary = f"none of the article's {len(read)} other readable sources carries it"
        else:
            summary = "no other source of the article could be read"
        closest = max(read, key=lambda pair: pair[1].score, default=None)
        if closest is not None and closest[1].passage:
            summary += f" (closest: {_excerpt(closest[1].passage)!r}, {_where(closest[0])})"
        if unread and read:
            summary += f"; {unread} could not be read"
        if gone:
            summary += f"; {gone} {'is' if gone == 1 else 'are'} dead and never archived"
        parts.append(summary)
    if has_citation and not sources:
        parts.append("unverifiable: the citation could not be resolved to a source")
    evidence = (_evidence(best[1], best[0], attribution),) if best and best[1].passage else ()
    own_unread = any(f.role is SourceRole.OWN and f.kind is Failure.UNREAD for f in failures)
    return Verdict(
        statement_id,
        Label.UNSOURCED,
        "; ".join(parts),
        evidence,
        best_score,
        (),
        judge,
        best_read,
        failures=failures,
        other_sources=other_sources,
        unverifiable=own_unread or (has_citation and not sources),
        uncited=not has_citation,
    )


def _read_by_model(
    entailment: Entailment, text: str, assessed: Sequence[tuple[Source, Assessment]]
) -> list[tuple[Source, Assessment]]:
    """Each source's assessment as an entailment model revises it, having read the statement with the source's best
    passages (up to three that do not overlap, as retrieval ranks them), all in one batch.

    The model reads every source of the statement's own and attributed ones, and the `MODEL_OTHER_SOURCES` other
    citations of the article whose passages score highest: an article cites dozens, and an entailment model takes
    milliseconds a pair. A source it does not read supports nothing.

    Supported: the checks pass (`checks_pass`) and a passage's entailment reaches the model's threshold; that passage
    is then the evidence. Conflicting, besides the checks' conflicts: a passage about the same thing (half the
    statement's content words or more) whose contradiction reaches its threshold. A passage about something else
    contradicts nothing, however the model reads it.
    """
    others = [k for k, (source, _a) in enumerate(assessed) if source.role is SourceRole.OTHER]
    closest = sorted(others, key=lambda k: -assessed[k][1].score)[:MODEL_OTHER_SOURCES]
    unread = set(others) - set(closest)
    passages = [
        () if k in unread else _analyse(text, source.sentences or ()).passages
        for k, (source, _assessment) in enumerate(assessed)
    ]
    read = iter(entailment.probabilities([(window.text, text) for windows in passages for window in windows]))
    claim = _claim_tokens(text)
    revised: list[tuple[Source, Assessment]] = []
    for (source, assessment), windows in zip(assessed, passages, strict=True):
        found = [(window, next(read)) for window in windows]
        if not found:
            revised.append((source, dataclasses.replace(assessment, supported=False)))
            continue
        aligned = [(w, p) for w, p in found if _about_the_same_thing(claim.content, w.merged.content)]
        contradicting = max(aligned, key=lambda pair: pair[1].contradiction, default=None)
        entailing = max(found, key=lambda pair: pair[1].entailment)
        if contradicting is not None and contradicting[1].contradiction >= entailment.min_contradiction:
            window, probabilities = contradicting
            conflict = (
                f"the entailment model ({entailment.name}) reads the passage as contradicting it "
                f"(contradiction {probabilities.contradiction:.2f})"
            )
            supported, conflicts = False, (*assessment.conflicts, conflict)
        else:
            window, probabilities = entailing
            supported = checks_pass(assessment.features) and probabilities.entailment >= entailment.min_entailment
            conflicts = assessment.conflicts
            if not supported:  # the evidence stays the passage retrieval ranked first
                window, probabilities = found[0]
        revised.append(
            (
                source,
                dataclasses.replace(
                    assessment,
                    passage=window.text,
                    start=window.start,
                    end=window.end,
                    supported=supported,
                    conflicts=conflicts,
                    nli=probabilities,
                ),
            )
        )
    return revised


#: The article's other citations (not the statement's own) whose passages an entailment model reads, best first.
MODEL_OTHER_SOURCES = 3


def _about_the_same_thing(claim: frozenset[str], passage: frozenset[str]) -> bool:
    """Whether a passage has half the statement's content words or more: the same bar as the checks' conflicts."""
    return not claim or len(claim & passage) >= 0.5 * len(claim)


def entailment_needed(entailment: Entailment | None) -> float:
    return entailment.min_entailment if entailment is not None else 0.0


def _numbers_not_given(claim: str, sentences: Sequence[str]) -> list[str]:
    """The statement's numbers that no sentence of the source gives (`_Quantity.text`: lower case)."""
    return _NumberMatch(_claim_tokens(claim), _document(tuple(sentences))).not_given()


def _given_as_bounds(claim: _Tokens, doc: _Document, missing: Sequence[str]) -> dict[str, str]:
    """Of the statement's numbers that the source does not give (`missing`), those it gives only as a bound of the
    same value ("12" against "at least 12"), each with the source's words: a bound does not give an exact number, and
    "never gives '12'" would misquote a source that says "at least 12"."""
    found: dict[str, str] = {}
    for q in claim.quantities:
        if q.text not in missing or q.comparator in "<>" or q.text in found:
            continue
        for sentence in doc.tokens:
            p = next(
                (
                    p
                    for p in sentence.quantities
                    if p.comparator in "<>" and _kind(p) == _kind(q) and p.value == q.value
                ),
                None,
            )
            if p is not None:
                found[q.text] = _written(sentence, p)
                break
    return found


def _plural(word: str, items: Sequence[object]) -> str:
    return word if len(items) == 1 else f"{word}s"


def judge_claim(
    claim: str, evidence: str | Sequence[str], *, model: Model | None = None, entailment: Entailment | None = None
) -> Verdict:
    """Judge a bare claim against one evidence text (a string, split into sentences, or a list of sentences)."""
    source = _evidence_source(evidence)
    return judge_statement(
        "claim", claim, (source,), changed=None, has_citation=True, model=model, entailment=entailment
    )


def _evidence_source(evidence: str | Sequence[str]) -> Source:
    sentences = tuple(evidence_sentences(evidence)) if isinstance(evidence, str) else tuple(evidence)
    return Source(url="", role=SourceRole.OWN, sentences=sentences)


def _parse_line(number: int, line: str) -> tuple[object, str, str | list[str]]:
    try:
        row = json.loads(line)
    except json.JSONDecodeError as error:
        raise ValueError(f"line {number}: not valid JSON ({error.msg})") from None
    if not isinstance(row, dict):
        raise ValueError(f"line {number}: expected a JSON object with id, claim and evidence")
    missing = [key for key in ("id", "claim", "evidence") if key not in row]
    if missing:
        raise ValueError(f"line {number}: missing {', '.join(missing)}")
    claim, evidence = row["claim"], row["evidence"]
    if not isinstance(claim, str) or not claim.strip():
        raise ValueError(f"line {number}: 'claim' must be a non-empty string")
    if isinstance(evidence, list):
        if not all(isinstance(s, str) for s in evidence):
            raise ValueError(f"line {number}: 'evidence' must be a string or a list of strings")
    elif not isinstance(evidence, str):
        raise ValueError(f"line {number}: 'evidence' must be a string or a list of strings")
    return row["id"], claim, evidence


def judge_jsonl(
    lines: Iterable[str],
    *,
    model: Model | None = None,
    on_error: Callable[[str], None] | None = None,
    max_chars: int | None = None,
    entailment: Entailment | None = None,
) -> Iterator[str]:
    """`verify judge --input`: one {"id","claim","evidence"} per line in, one {"id","label","score","evidence","judge",
    "nli"} out (`judge` says which judge set the label; `nli` holds an entailment model's probabilities, or null).

    Blank lines are skipped; a bad line (or one over `max_chars`) raises ValueError naming its line number, or, with
    `on_error`, is told to it and skipped while the other lines go on. With an entailment model, the passages of
    `JSONL_BATCH` lines are read in one go (the model batches them), then each line is judged.
    """
    numbered = ((number, line) for number, line in enumerate(lines, start=1) if line.strip())
    while chunk := list(itertools.islice(numbered, JSONL_BATCH if entailment is not None else 1)):
        rows: list[tuple[object, str, str | list[str]]] = []
        for number, line in chunk:
            try:
                if max_chars is not None and len(line) > max_chars:
                    raise ValueError(f"line {number}: {len(line):,} characters; lines over {max_chars:,} are refused")
                rows.append(_parse_line(number, line))
            except ValueError as error:
                if on_error is None:
                    raise
                on_error(str(error))
        if entailment is not None:
            sources = [_evidence_source(evidence) for _id, _claim, evidence in rows]
            wanted = [
                (window.text, claim)
                for (_id, claim, _evidence), source in zip(rows, sources, strict=True)
                for window in _analyse(claim, source.sentences or ()).passages
            ]
            entailment.probabilities(wanted)  # kept by the model: judging each line reads them again for free
        for row_id, claim, evidence in rows:
            verdict = judge_claim(claim, evidence, model=model, entailment=entailment)
            quote = verdict.evidence[0].quote if verdict.evidence else ""
            out = {
                "id": row_id,
                "label": verdict.label.value,
                "score": verdict.score,
                "evidence": quote,
                "judge": verdict.judge,
                "nli": verdict.nli.to_json() if verdict.nli else None,
            }
            yield json.dumps(out, ensure_ascii=False)


#: Lines of `verify judge --input` whose passages an entailment model reads in one go.
JSONL_BATCH = 32

"""The judge's outcomes: labels, the sources a statement is judged against, evidence and verdicts."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from verify.judge.model import Features
from verify.judge.nli import Probabilities

#: The judge of a verdict that no entailment model read: the checks and the lexical model.
LEXICAL = "lexical"


class Label(str, enum.Enum):
    SOURCED = "sourced"
    UNSOURCED = "unsourced"
    DISPUTED = "disputed"


class SourceRole(str, enum.Enum):
    OWN = "own citation"
    OTHER = "other citation"
    ATTRIBUTED = "attributed document"


@dataclass(frozen=True)
class Source:
    """A candidate source of a statement; `sentences` is None when its text could not be had (`unavailable` says why)."""

    url: str
    role: SourceRole
    sentences: tuple[str, ...] | None
    unavailable: str | None = None
    capture_url: str | None = None
    #: Dead (or a soft 404) and never archived: a finding about the source. Any other source without text could not
    #: be read, and the statement is unverifiable against it.
    gone: bool = False


@dataclass(frozen=True)
class Evidence:
    quote: str
    url: str
    capture_url: str | None
    permalink: str
    role: SourceRole
    score: float
    #: The statement's numbers and content words that the quoted passage does not have, as the statement writes them
    #: (at most `MAX_UNMATCHED`): what a reader has to find elsewhere, or take on trust, even when the passage
    #: carries it.
    unmatched: tuple[str, ...] = ()


@dataclass(frozen=True)
class Verdict:
    """The label of a statement; `score` is the support score (0..1) of the best evidence passage found."""

    statement_id: str
    label: Label
    reason: str
    evidence: tuple[Evidence, ...]
    score: float
    conflicts: tuple[str, ...]
    #: Which judge set the label: LEXICAL, or "nli:<model name>" when an entailment model read the statement with its
    #: passages (`--nli`), and then `nli` holds its probabilities for the passage that decided (or the closest).
    judge: str = LEXICAL
    nli: Probabilities | None = None


@dataclass(frozen=True)
class Assessment:
    """A claim against one source text: its best passage (sentences `start`..`end`-1), support score and conflicts."""

    claim: str
    passage: str
    start: int
    end: int
    score: float
    supported: bool
    conflicts: tuple[str, ...]
    features: Features
    #: What keeps the passage from carrying the whole statement, in words ("the passage does not say 'approved'").
    gaps: tuple[str, ...] = ()
    #: An entailment model's probabilities for the passage, when one read it.
    nli: Probabilities | None = None

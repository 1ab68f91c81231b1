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


class Failure(str, enum.Enum):
    """Why a candidate source could not be weighed against a statement."""

    #: Dead (or a soft 404) and never archived: a finding about the source, which was read as far as it can be.
    GONE = "dead-never-archived"
    #: A link stripped in the stored copy whose target could not be recovered from the archived original.
    NOT_RECOVERED = "link-not-recovered"
    #: Blocked, refused, rate-limited, timed out, unreachable, too large, or no readable text: not read, so the
    #: statement is unverifiable against it.
    UNREAD = "unverifiable"
    #: A javascript:, mailto:, file: or data: link: nothing to fetch.
    NOT_A_WEB_LINK = "not-a-web-link"
    #: Not fetched, by the run's choice (--offline); or read, and not weighed against a statement that the run's time
    #: limit (--max-time) left unweighed.
    NOT_CHECKED = "not-checked"
    #: Fetched, and no sentence in it.
    NO_TEXT = "no-text"


@dataclass(frozen=True)
class Source:
    """A candidate source of a statement; `sentences` is None when its text could not be had: `failure` says why, as
    data, and `unavailable` in words (what a reader is shown; nothing decides from its words)."""

    url: str
    role: SourceRole
    sentences: tuple[str, ...] | None
    unavailable: str | None = None
    capture_url: str | None = None
    #: Dead (or a soft 404) and never archived: a finding about the source. Any other source without text was not
    #: read (`failure` says why). The same finding as `failure is Failure.GONE`: either may be given.
    gone: bool = False
    #: Why it has no text to weigh; None for a source with text. Whoever builds a source without text says why; one
    #: built with only `unavailable` (a caller that knows no more) is taken as not read (`Failure.UNREAD`), or as
    #: `GONE` with `gone`, and one whose `sentences` are empty as `NO_TEXT`.
    failure: Failure | None = None

    def __post_init__(self) -> None:
        failure = self.failure
        if self.sentences:
            if failure is not None or self.gone:
                raise ValueError(
                    f"a source with text has no failure ({self.url}: {failure.value if failure else 'gone'})"
                )
            return
        if failure is None:
            failure = Failure.GONE if self.gone else Failure.UNREAD if self.sentences is None else Failure.NO_TEXT
        elif self.gone and failure is not Failure.GONE:
            raise ValueError(
                f"a source that is gone has failure {failure.value}, not {Failure.GONE.value} ({self.url})"
            )
        # Frozen: the two views of one finding are made to agree once, here.
        object.__setattr__(self, "failure", failure)
        object.__setattr__(self, "gone", failure is Failure.GONE)


@dataclass(frozen=True)
class SourceFailure:
    """A candidate source that a statement could not be weighed against: which, and why (`kind`, and `detail` in
    words, as the source's `unavailable` says it)."""

    #: Its URL; for a link not recovered, the citation's anchor text (as `Source.url` holds it).
    source: str
    role: SourceRole
    kind: Failure
    detail: str

    @classmethod
    def of(cls, source: Source) -> SourceFailure:
        """Why a source without sentences to weigh could not be weighed: its `failure`, whatever its words say."""
        kind = source.failure or Failure.UNREAD
        detail = "source fetched but has no text" if kind is Failure.NO_TEXT else source.unavailable
        return cls(source.url, source.role, kind, detail or "text not available")

    @property
    def said(self) -> str:
        """The words a verdict's reason gives this failure."""
        if self.kind is Failure.NOT_CHECKED:
            return f"not checked: {self.detail}"
        head = {
            Failure.GONE: "cited source dead and never archived: ",
            Failure.NOT_RECOVERED: "its link was not recovered: ",
            Failure.UNREAD: "unverifiable: ",
        }.get(self.kind, "")
        return f"{head}{self.detail} ({self.source})"


class OtherSources(str, enum.Enum):
    """What the article's other sources (beyond a statement's own citations) gave an unsourced statement."""

    #: Some were read and weighed, and none carries it.
    NONE_CARRIES = "none-carries-it"
    #: None of them could be read.
    NONE_READ = "none-could-be-read"
    #: The run's time limit (--max-time) was spent before the statement was weighed against them.
    NOT_WEIGHED = "not-weighed"


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
    # What the judge found, as data: renderers decide from these, never from the words of `reason`.
    #: The candidate sources that could not be weighed, in the order given (own citations first), and why.
    failures: tuple[SourceFailure, ...] = ()
    #: Unsourced: whether the article's other sources were weighed and none carries it, or none could be read; None
    #: when it has no other source weighed, or when it is not unsourced.
    other_sources: OtherSources | None = None
    #: Unsourced, and one of its own citations could not be read (or could not be resolved to a source), or the run's
    #: time limit left it unweighed: it was not checked against what it cites. (A report's
    #: `StatementResult.unverifiable` says more: any source unread.)
    unverifiable: bool = False
    #: Unsourced, and it cites nothing: its reason begins with `NO_CITATION`.
    uncited: bool = False
    #: Disputed because the stored copy differs substantively from the archived original, or is absent from it (the
    #: reason is the comparison's), not because of what a source says.
    changed_since_original: bool = False


#: The words a verdict's reason begins with when the statement cites nothing.
NO_CITATION = "no citation"


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

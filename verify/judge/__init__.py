"""Judging: labels each statement sourced, unsourced or disputed from its sources, with reason and evidence.

How a statement is judged against one source text, a stage per module:
1. `retrieval`: the source's sentences form windows of 1-3 consecutive sentences; a word-overlap (BM25-like)
   prefilter keeps the windows around the best few sentences, and a finer score (weighted coverage of the claim's
   content words, bigrams, numbers, names, quoted words) picks the best passage;
2. `checks`: whether the passage carries the whole statement (its content words, its numbers within a sentence of
   it, no hedge where the statement asserts), and its checkable facts against the passage when it is about the same
   thing: numbers and dates (bounds as intervals), names, negation, quoted words, opposite predicates (WordNet
   antonyms, `lexicon`), weekdays, before/after, roles, a source calling it a hoax. A conflict disputes the statement;
   a gap leaves it unsourced, said in the reason;
3. `model`: the claim's features against that passage (and the rest of the source), worked out by `analysis`, go
   through a small logistic model shipped in `verify/data/judge_model.json` (trained by `bench/train_judge.py`) to
   give a support score;
4. `decision`: the label of a statement from its candidate sources, with the reason in words; `evidence` quotes the
   passage and links to it.
`tokens` holds what every stage shares: a text as tokens and a source as a document; `lexicon` the word lists.
Everything is pure Python on strings; nothing is downloaded.
"""

from verify.judge.analysis import _analysed, claim_features, prepare
from verify.judge.decision import (
    NOT_A_WEB_LINK,
    NOT_CHECKED,
    TARGET_UNKNOWN,
    assess,
    decide,
    judge_claim,
    judge_jsonl,
    judge_statement,
)
from verify.judge.evidence import MAX_QUOTE, MAX_UNMATCHED, format_verdict, permalink, text_fragment
from verify.judge.model import FEATURES, Features, Model, default_model
from verify.judge.retrieval import source_terms, statement_terms
from verify.judge.tokens import _document
from verify.judge.verdict import (
    NO_CITATION,
    Assessment,
    Evidence,
    Failure,
    Label,
    OtherSources,
    Source,
    SourceFailure,
    SourceRole,
    Verdict,
)

__all__ = [
    "FEATURES",
    "MAX_QUOTE",
    "MAX_UNMATCHED",
    "NOT_A_WEB_LINK",
    "NOT_CHECKED",
    "NO_CITATION",
    "TARGET_UNKNOWN",
    "Assessment",
    "Evidence",
    "Failure",
    "Features",
    "Label",
    "Model",
    "OtherSources",
    "Source",
    "SourceFailure",
    "SourceRole",
    "Verdict",
    "_analysed",
    "_document",
    "assess",
    "claim_features",
    "decide",
    "default_model",
    "format_verdict",
    "judge_claim",
    "judge_jsonl",
    "judge_statement",
    "permalink",
    "prepare",
    "source_terms",
    "statement_terms",
    "text_fragment",
]

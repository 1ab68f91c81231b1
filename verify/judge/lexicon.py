"""The judge's word lists: antonyms (from WordNet, shipped in `verify/data/antonyms.tsv`), the words that hedge a
statement, and the function words that order events or roles."""

from __future__ import annotations

import functools
from importlib import resources

from verify.judge.tokens import _stem, _word_set

# Words that make a passage say what may be, not what is: a hedging passage does not source an asserting statement.
HEDGES = _word_set(
    """may might could would if unless whether possibly perhaps probably likely unlikely reportedly allegedly
    supposedly potentially considering"""
)
# Words that hedge as verbs only, and only what follows their "to" ("plans to close", "is in talks to sign",
# "threatened to strike"; `checks._hedging`). "set to" is left out: "selected to play for the team set to compete"
# cost WiCE dev a correct sourced.
HEDGES_BEFORE_TO = _word_set(
    """plan plans planned planning expect expects expected intend intends intended aim aims aimed hope hopes hoped
    propose proposes proposed seek seeks sought want wants wanted poised talks about ready prepared willing try tries
    tried trying attempt attempts attempted attempting threaten threatens threatened threatening vow vows vowed
    promise promises promised pledge pledges pledged"""
)
# Words by which a source says that a story is untrue ("a hoax", "debunked", "not true"): a sentence about the
# statement that says so disputes it. Words that only report doubt ("rumour", "unconfirmed", "claims") are not here: a
# source that discusses a claim does not dispute it.
DEBUNKING = _word_set(
    """hoax hoaxes fake faked false falsely untrue debunk debunked debunks fabricated fabrication doctored
    photoshopped satire satirical bogus baseless unfounded"""
)
DEBUNKING_PHRASES = (("not", "true"), ("no", "evidence"), ("cast", "doubt"), ("casts", "doubt"))
# Words by which a source reports what others claim: such a sentence is not the source's own word for or against.
HEARSAY = _word_set(
    "claim claims claimed claiming alleged alleges rumoured rumored rumour rumor rumours rumors purportedly"
)
# Pairs of words that order two things; one in place of the other turns a statement round.
ORDER_OPPOSITES = {"before": "after", "after": "before", "earlier": "later", "later": "earlier"}
# Light verbs: WordNet opposes them (give/take, come/go, have/lack) in senses too many to tell apart without a parse.
LIGHT_VERBS = frozenset(
    map(
        _stem,
        [
            "have",
            "has",
            "had",
            "having",
            "do",
            "does",
            "did",
            "get",
            "gets",
            "got",
            "make",
            "makes",
            "made",
            "take",
            "takes",
            "took",
            "give",
            "gives",
            "gave",
            "go",
            "goes",
            "went",
            "come",
            "comes",
            "came",
            "keep",
            "kept",
            "let",
            "put",
            "set",
            "sets",
            "bring",
            "brought",
        ],
    )
)
# Predicates that say the same with their two names either way round ("A met B" is "B met A").
SYMMETRIC = frozenset(
    map(
        _stem,
        [
            "meet",
            "met",
            "marry",
            "married",
            "draw",
            "drew",
            "tie",
            "tied",
            "face",
            "faced",
            "play",
            "played",
            "partner",
            "join",
            "joined",
            # "A v B", "A versus B": a match or a case, whichever side is named first.
            "v",
            "vs",
            "versus",
        ],
    )
)


@functools.lru_cache(maxsize=1)
def _table() -> tuple[dict[str, frozenset[str]], dict[str, str]]:
    """The antonyms of each word's key (`predicate_key`), and each irregular verb form's verb."""
    text = resources.files("verify").joinpath("data/antonyms.tsv").read_text(encoding="utf-8")
    pairs: dict[str, set[str]] = {}
    forms: dict[str, str] = {}
    for line in text.splitlines():
        if line.startswith("#") or not line.strip():
            continue
        a, b, tag = line.split("\t")
        if tag == "x":
            forms[a] = b
            continue
        ka, kb = _stem(a), _stem(b)
        if ka != kb:
            pairs.setdefault(ka, set()).add(kb)
            pairs.setdefault(kb, set()).add(ka)
    return {key: frozenset(values) for key, values in pairs.items()}, forms


@functools.lru_cache(maxsize=65536)
def predicate_key(word: str) -> str:
    """A (lower-case) word's key in the antonym table: the stem of its verb when it is an irregular form ("rose" ->
    "rise"), else its stem (kept: the checks ask it for the same words claim after claim)."""
    return _stem(_table()[1].get(word, word))


@functools.lru_cache(maxsize=1)
def _synonym_table() -> dict[str, frozenset[str]]:
    """The synonyms of each word's key (`predicate_key`), from verify/data/synonyms.tsv (bench/make_synonyms.py)."""
    text = resources.files("verify").joinpath("data/synonyms.tsv").read_text(encoding="utf-8")
    pairs: dict[str, set[str]] = {}
    for line in text.splitlines():
        if line.startswith("#") or not line.strip():
            continue
        a, b, tag = line.split("\t")
        if tag == "r" and a.endswith("ly") != b.endswith("ly"):
            # An adverb in -ly stems to its adjective, whose first meaning may differ from the adverb's: "poorly"
            # (ill) is not "poor", nor "admittedly" (true) "admit". Pairs of two such adverbs ("rapidly", "quickly")
            # or of none ("after", "later") are kept.
            continue
        ka, kb = _stem(a), _stem(b)
        if ka != kb:
            pairs.setdefault(ka, set()).add(kb)
            pairs.setdefault(kb, set()).add(ka)
    return {key: frozenset(values) for key, values in pairs.items()}


def synonyms(key: str) -> frozenset[str]:
    """The keys of the common words whose first meaning in WordNet is the first meaning of the word with `key`
    ("metre" and "meter", "film" and "movie")."""
    return _synonym_table().get(key, frozenset())


def antonyms(key: str) -> frozenset[str]:
    """The keys of the words WordNet gives as opposite to the word with `key`."""
    return _table()[0].get(key, frozenset())

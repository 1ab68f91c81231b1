"""Citations resolved: stripped links recovered from the archived original, each link's live and archived state."""

from __future__ import annotations

import bisect
import enum
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from verify.archive import ArchiveOutcome, ArchiveResult
from verify.article import Citation
from verify.extract import Link
from verify.http import Fetched, Outcome
from verify.text import normalise


class Recovery(str, enum.Enum):
    GIVEN = "given"
    RECOVERED = "recovered"
    NOT_RECOVERED = "not-recovered"


@dataclass(frozen=True)
class Target:
    """Where a citation points: the href the stored copy kept, or the one recovered from the archived original."""

    citation: Citation
    url: str | None
    recovery: Recovery
    detail: str


class EvidenceCopy(str, enum.Enum):
    ARCHIVE = "archive"
    LIVE = "live"
    NONE = "none"


_GONE_LIVE = frozenset({Outcome.DEAD, Outcome.SOFT_404})
_GONE_ARCHIVE = frozenset({ArchiveOutcome.NOT_ARCHIVED, ArchiveOutcome.ONLY_JUNK})


@dataclass(frozen=True)
class LinkCheck:
    """One URL looked up live and in the archive, and which copy serves as evidence."""

    url: str
    live: Fetched
    archive: ArchiveResult
    evidence: EvidenceCopy

    @property
    def evidence_page(self) -> Fetched | None:
        if self.evidence is EvidenceCopy.ARCHIVE:
            return self.archive.page
        if self.evidence is EvidenceCopy.LIVE:
            return self.live
        return None

    @property
    def evidence_url(self) -> str | None:
        if self.evidence is EvidenceCopy.ARCHIVE and self.archive.capture is not None:
            return self.archive.capture.permalink
        if self.evidence is EvidenceCopy.LIVE:
            return self.live.final_url
        return None

    @property
    def gone(self) -> bool:
        """Dead (or a soft 404) live and never archived (or only as junk): a finding, not a page that could not be read."""
        return self.live.outcome in _GONE_LIVE and self.archive.outcome in _GONE_ARCHIVE

    @property
    def summary(self) -> str:
        """Why this copy (or none) stands as evidence, in words."""
        if self.evidence is EvidenceCopy.ARCHIVE and self.archive.capture is not None:
            return f"archived copy of {self.archive.capture.when:%Y-%m-%d}"
        if self.evidence is EvidenceCopy.LIVE:
            return f"live page ({self.archive.outcome.value} in the archive: {self.archive.detail})"
        return f"no copy: live {self.live.outcome.value} ({self.live.detail}); archive {self.archive.detail}"


_PUNCTUATION = re.compile(r"[^\w\s]", re.UNICODE)


def _anchor_key(text: str) -> str:
    return " ".join(_PUNCTUATION.sub(" ", normalise(text)).split())


#: The words that mark a link recovered from the capture's links outside the article body.
OUTSIDE_BODY = "outside the archived original's article body"


def recover_targets(
    citations: Sequence[Citation],
    body_links: Sequence[Link] | None,
    unavailable: str = "",
    page_links: Sequence[Link] = (),
) -> tuple[Target, ...]:
    """Give every citation its target: its own href, or the archived original's link with the same anchor text.

    Anchors are matched on normalised text (case, quotes, dashes, punctuation and white space folded), in document
    order, so that a repeated anchor takes the next link with that text; an anchor that matches no link exactly
    takes the closest near-identical one. An anchor that no link of the body has is looked for, the same way, among
    the other links of the whole capture (`page_links`: a list, a product box or a lead paragraph the extractor
    left out), and its target says it came from outside the body. `body_links` is None when no archived original
    could be read, and `unavailable` then says why.
    """
    keys = [_anchor_key(link.anchor) for link in body_links or ()]
    places: dict[str, list[int]] = {}  # each anchor's links, in document order: a look-up, not a scan per citation
    for i, key in enumerate(keys):
        places.setdefault(key, []).append(i)
    used: set[int] = set()
    last = -1
    others = [link for link in page_links if link.paragraph < 0]
    other_keys = [_anchor_key(link.anchor) for link in others]
    other_places: dict[str, list[int]] = {}
    for i, key in enumerate(other_keys):
        other_places.setdefault(key, []).append(i)
    other_used: set[int] = set()
    other_last = -1
    targets: list[Target] = []
    for citation in citations:
        if citation.href is not None:
            targets.append(Target(citation, citation.href, Recovery.GIVEN, "href kept in the stored copy"))
            continue
        if body_links is None:
            why = f"not recovered: {unavailable or 'no archived original to recover it from'}"
            targets.append(Target(citation, None, Recovery.NOT_RECOVERED, why))
            continue
        index, how = _match(_anchor_key(citation.anchor), keys, places, used, last)
        if index is None:
            found, how = _match(_anchor_key(citation.anchor), other_keys, other_places, other_used, other_last)
            if found is not None:
                other_used.add(found)
                other_last = found
                how = f"{how}, among the links {OUTSIDE_BODY}"
                targets.append(Target(citation, others[found].href, Recovery.RECOVERED, how))
                continue
        if index is None:
            why = (
                f"not recovered: no link with the anchor text {citation.anchor!r} "
                f"among the {len(keys)} links of the archived original's body nor the {len(others)} others of the "
                "capture"
            )
            targets.append(Target(citation, None, Recovery.NOT_RECOVERED, why))
            continue
        used.add(index)
        last = index
        targets.append(Target(citation, body_links[index].href, Recovery.RECOVERED, how))
    return tuple(targets)


def likely_targets(citations: Sequence[Citation], anchors: Sequence[tuple[str, str]]) -> list[str]:
    """The targets that the stripped citations' anchors surely have in a page's links (`extract.page_anchors`):
    those whose normalised anchor text leads to one target only, anywhere in the page. A guess, to send their
    requests before the page is extracted; `recover_targets` decides.
    """
    targets: dict[str, set[str]] = {}
    for anchor, href in anchors:
        targets.setdefault(_anchor_key(anchor), set()).add(href)
    likely = (targets.get(_anchor_key(c.anchor), set()) for c in citations if c.href is None)
    return list(dict.fromkeys(next(iter(hrefs)) for hrefs in likely if len(hrefs) == 1))


def _match(
    key: str, keys: Sequence[str], places: dict[str, list[int]], used: set[int], last: int
) -> tuple[int | None, str]:
    if not key:
        return None, ""
    same = places.get(key, [])
    after = bisect.bisect_right(same, last)
    for j in itertools.chain(range(after, len(same)), range(after)):
        if same[j] not in used:
            return same[j], "recovered from the archived original by its anchor text"
    order = itertools.chain(range(last + 1, len(keys)), range(last + 1))
    best, best_score = None, 0.0
    for i in order:
        if i in used or not keys[i]:
            continue
        score = fuzz.ratio(key, keys[i])
        if score > best_score:
            best, best_score = i, score
    if best is not None and best_score >= 90:
        return best, f"recovered by a near-identical anchor text ({best_score:.0f}% alike)"
    return None, ""


def link_check(url: str, live: Fetched, archived: ArchiveResult) -> LinkCheck:
    """A URL's live and archived states, and the copy that serves as evidence.

    The capture closest to the article's date is preferred: it shows what the source said when it was cited.
    """
    return LinkCheck(url, live, archived, choose_evidence(live, archived))


def capture_is_evidence(archived: ArchiveResult) -> bool:
    """A usable capture is the evidence whatever the live page's state: this is known once the archive answers."""
    return archived.outcome is ArchiveOutcome.FOUND and archived.page is not None and archived.page.ok


def choose_evidence(live: Fetched, archived: ArchiveResult) -> EvidenceCopy:
    if capture_is_evidence(archived):
        return EvidenceCopy.ARCHIVE
    if live.outcome in (Outcome.OK, Outcome.REDIRECTED, Outcome.NOT_HTML) and live.text:
        return EvidenceCopy.LIVE
    return EvidenceCopy.NONE

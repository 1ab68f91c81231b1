"""Wayback Machine lookups: the capture of a URL closest to a date, fetched raw and checked for junk.

How a capture is chosen (the rule IABot uses): the closest capture at or before the date with a 2xx status, else the
closest 2xx capture after it, else (last resort) a 3xx or unknown-status capture by distance; with no date, the newest
good capture. Candidates come from one CDX query, ``closest=<ts>&sort=closest&limit=N`` (the N captures nearest the
date, both sides), or ``limit=-N`` (the newest N) without a date. Rows with a 4xx/5xx status are skipped client-side,
so the answer can say "archived only as error pages" instead of "never archived". Each candidate is fetched raw (the
``id_`` URL form) and checked: archived error pages, archived 429s, login/cookie/consent walls, soft-404 bodies,
redirects to a home page and near-empty bodies are rejected, with the reason, and the next candidate is tried (at
most `max_candidates` fetches, 4 by default). The availability API is asked only when CDX fails (HTTP error,
unreachable, bad JSON); it picks the nearest capture on either side of the date.

A limit of the single query: a good capture before the date that is farther back than the 50 captures nearest the date
is not seen (the nearest good capture after it is used instead); raise `cdx_limit` where that matters.

Every request to the archive goes through one shared `RateLimiter` (`default_limiter()`: 0.8 requests a second, burst
3); Http retries a 429 with back-off and calls `slow_down()` on it, so the whole run slows instead of hammering.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import urlencode, urlsplit

import lxml.html
from lxml import etree

from verify.http import Fetched, Http, Outcome, RateLimiter

WAYBACK = "https://web.archive.org"
WAYBACK_NAME = "Wayback Machine"

# Below the Wayback Machine's published limits (about 60 CDX requests a minute, 15 a minute for Save Page Now, which
# this module never uses): 0.8 requests a second is 48 a minute, with a burst of 3 for the CDX query and first capture.
DEFAULT_RATE = 0.8
DEFAULT_BURST = 3
# How many CDX rows to ask for around the date, and how many captures to fetch before giving up on junk.
CDX_LIMIT = 50
MAX_CANDIDATES = 4

CDX_FIELDS = ("timestamp", "original", "mimetype", "statuscode", "digest", "length")


def default_limiter() -> RateLimiter:
    """A limiter below the Wayback Machine's published limits; share one per run for every archive request."""
    return RateLimiter(DEFAULT_RATE, burst=DEFAULT_BURST)


@dataclass(frozen=True)
class Capture:
    """One capture in the archive: what was captured, when, and the status the site answered with."""

    original: str
    timestamp: str
    status: int | None
    mimetype: str
    digest: str
    archive: str = WAYBACK
    #: The archive's name, for the report ("Wayback Machine", "Arquivo.pt").
    archive_name: str = WAYBACK_NAME
    #: How the capture was found: "wayback" (CDX or availability API), "memento" (an aggregator's TimeMap) or
    #: "save-page-now" (made at check time).
    lookup: str = "wayback"
    #: A memento of another archive: its URI-M as the archive replays it, and its raw form when the archive offers
    #: one (None: only the replayed page can be had).
    memento_url: str | None = None
    raw_memento_url: str | None = None

    @property
    def raw_url(self) -> str:
        """The capture exactly as archived, without the archive's rewriting or banner (where the archive offers it)."""
        if self.memento_url is not None:
            return self.raw_memento_url or self.memento_url
        return f"{self.archive}/web/{self.timestamp}id_/{self.original}"

    @property
    def permalink(self) -> str:
        """The capture as people view it in its archive."""
        if self.memento_url is not None:
            return self.memento_url
        return f"{self.archive}/web/{self.timestamp}/{self.original}"

    @property
    def when(self) -> dt.datetime:
        return _parse_timestamp(self.timestamp)


class ArchiveOutcome(str, enum.Enum):
    FOUND = "found"
    NOT_ARCHIVED = "not-archived"
    ONLY_JUNK = "only-junk"
    RATE_LIMITED = "rate-limited"
    UNREACHABLE = "unreachable"
    ERROR = "error"


@dataclass(frozen=True)
class ArchiveResult:
    """What the archive holds for `url`: the capture used and its raw page, or why there is none."""

    url: str
    outcome: ArchiveOutcome
    capture: Capture | None
    page: Fetched | None
    rejected: tuple[tuple[Capture, str], ...]
    detail: str
    #: The Save Page Now job asked for this URL at check time (`--save`), whatever became of it.
    save_job: SaveJob | None = None


@dataclass(frozen=True)
class SaveJob:
    """A Save Page Now capture request and what became of it."""

    url: str
    job_id: str | None
    #: "success"; "pending" (still running when polling stopped); "error" (the job failed, or the request did);
    #: "refused" (the service answered without starting a job: a daily limit, a blocked URL).
    status: str
    detail: str
    timestamp: str | None = None
    original_url: str | None = None
    status_ext: str | None = None


class MementoLookup(Protocol):
    """Another archive, or an aggregator of many (`verify.memento.Memento`), asked after the Wayback Machine."""

    def closest(self, url: str, when: dt.date | dt.datetime | None) -> ArchiveResult: ...


class PageSaver(Protocol):
    """Asks an archive to capture a live page now (`verify.memento.SavePageNow`)."""

    def save(self, url: str, previous: ArchiveResult) -> ArchiveResult: ...


class _LookupFailed(Exception):
    """An archive API request failed; carries the outcome and a readable reason."""

    def __init__(self, outcome: ArchiveOutcome, detail: str) -> None:
        super().__init__(detail)
        self.outcome = outcome
        self.detail = detail


class Archive:
    """The Wayback Machine (or anything speaking its CDX, availability and ``id_`` APIs at `base_url`)."""

    def __init__(
        self,
        http: Http,
        base_url: str = WAYBACK,
        limiter: RateLimiter | None = None,
        *,
        max_candidates: int = MAX_CANDIDATES,
        cdx_limit: int = CDX_LIMIT,
        memento: MementoLookup | None = None,
        saver: PageSaver | None = None,
    ) -> None:
        self._http = http
        self.base_url = base_url.rstrip("/")
        self.limiter = limiter if limiter is not None else default_limiter()
        self.max_candidates = max_candidates
        self.cdx_limit = cdx_limit
        #: Asked when the Wayback Machine holds no usable capture (`--archives wayback,memento`).
        self.memento = memento
        #: Asked for a capture of a cited page that is live but has none (`--save`).
        self.saver = saver

    def closest(self, url: str, when: dt.date | dt.datetime | None) -> ArchiveResult:
        """The good capture of `url` closest to `when` (before it preferred), or why there is none. Never raises.

        The Wayback Machine first; only when it has no usable capture, the Memento aggregator (when configured):
        where the Wayback Machine has one, the Memento step sends no request.
        """
        result = self._wayback(url, when)
        if result.outcome is ArchiveOutcome.FOUND or self.memento is None:
            return result
        other = self.memento.closest(url, when)
        if other.outcome is ArchiveOutcome.FOUND:
            return ArchiveResult(
                url=url,
                outcome=other.outcome,
                capture=other.capture,
                page=other.page,
                rejected=result.rejected + other.rejected,
                detail=f"{other.detail} (Wayback Machine: {result.detail})",
            )
        return _with_detail(result, f"{result.detail}; Memento: {other.detail}")

    def _wayback(self, url: str, when: dt.date | dt.datetime | None) -> ArchiveResult:
        target = _target_time(when)
        try:
            captures = self._cdx(url, target)
        except _LookupFailed as cdx_failure:
            if cdx_failure.outcome in (ArchiveOutcome.RATE_LIMITED, ArchiveOutcome.NOT_ARCHIVED):
                return _result(url, cdx_failure.outcome, detail=cdx_failure.detail)
            return self._from_availability(url, target, cdx_failure)
        return self._first_good(url, target, captures)

    # The CDX index

    def cdx_url(self, url: str, target: dt.datetime | None) -> str:
        params: dict[str, str | int] = {"url": url, "output": "json", "fl": ",".join(CDX_FIELDS)}
        if target is None:
            params["limit"] = -self.cdx_limit
        else:
            params.update(closest=_timestamp(target), sort="closest", limit=self.cdx_limit)
        return f"{self.base_url}/cdx/search/cdx?{urlencode(params)}"

    def _cdx(self, url: str, target: dt.datetime | None) -> list[Capture]:
        cdx_url = self.cdx_url(url, target)
        fetched = self._get(cdx_url, accept="application/json")
        data = self._json(fetched, "CDX", cdx_url)
        if data is None or data == []:
            return []
        if not isinstance(data, list) or not all(isinstance(row, list) for row in data):
            raise _LookupFailed(ArchiveOutcome.ERROR, f"CDX answered JSON that is not a list of rows ({cdx_url})")
        header = [str(name) for name in data[0]]
        missing = [name for name in ("timestamp", "original") if name not in header]
        if missing:
            raise _LookupFailed(ArchiveOutcome.ERROR, f"CDX header lacks {', '.join(missing)}: {header!r} ({cdx_url})")
        captures = []
        for row in data[1:]:
            if len(row) != len(header):
                continue  # the empty separator row and resume key that showResumeKey would add
            fields = dict(zip(header, (str(value) for value in row), strict=True))
            if not re.fullmatch(r"\d{4,14}", fields["timestamp"]):
                raise _LookupFailed(ArchiveOutcome.ERROR, f"CDX row has a bad timestamp: {row!r} ({cdx_url})")
            captures.append(
                Capture(
                    original=fields["original"],
                    timestamp=fields["timestamp"].ljust(14, "0"),
                    status=_status(fields.get("statuscode", "-")),
                    mimetype=fields.get("mimetype", ""),
                    digest=fields.get("digest", ""),
                    archive=self.base_url,
                )
            )
        return captures

    # The availability API, asked only when CDX fails

    def availability_url(self, url: str, target: dt.datetime | None) -> str:
        params = {"url": url}
        if target is not None:
            params["timestamp"] = _timestamp(target)
        return f"{self.base_url}/wayback/available?{urlencode(params)}"

    def _from_availability(self, url: str, target: dt.datetime | None, cdx_failure: _LookupFailed) -> ArchiveResult:
        available_url = self.availability_url(url, target)
        try:
            capture = self._available(available_url)
        except _LookupFailed as failure:
            outcome = cdx_failure.outcome
            if ArchiveOutcome.RATE_LIMITED in (failure.outcome, cdx_failure.outcome):
                outcome = ArchiveOutcome.RATE_LIMITED
            return _result(url, outcome, detail=f"{cdx_failure.detail}; availability API: {failure.detail}")
        if capture is None:
            return _result(
                url,
                ArchiveOutcome.NOT_ARCHIVED,
                detail=f"{cdx_failure.detail}; the availability API knows no capture of {url}",
            )
        result = self._first_good(url, target, [capture])
        return _with_detail(result, f"{result.detail} (from the availability API: {cdx_failure.detail})")

    def _available(self, available_url: str) -> Capture | None:
        fetched = self._get(available_url, accept="application/json")
        data = self._json(fetched, "availability API", available_url)
        if not isinstance(data, dict):
            raise _LookupFailed(
                ArchiveOutcome.ERROR, f"the availability API answered unexpected JSON ({available_url})"
            )
        snapshots = data.get("archived_snapshots")
        closest = snapshots.get("closest") if isinstance(snapshots, dict) else None
        if not isinstance(closest, dict) or not closest.get("available", True):
            return None
        match = _WAYBACK_PATH.search(str(closest.get("url", "")))
        timestamp = str(closest.get("timestamp") or (match.group(1) if match else ""))
        if not match or not re.fullmatch(r"\d{14}", timestamp):
            raise _LookupFailed(ArchiveOutcome.ERROR, f"the availability API answered a bad snapshot {closest!r}")
        return Capture(
            original=match.group(3),
            timestamp=timestamp,
            status=_status(str(closest.get("status", "-"))),
            mimetype="",
            digest="",
            archive=self.base_url,
        )

    # Choosing and checking captures

    def _first_good(self, url: str, target: dt.datetime | None, captures: Sequence[Capture]) -> ArchiveResult:
        return first_good(url, target, captures, lambda capture: self._get(capture.raw_url), self.max_candidates)

    # Requests

    def _get(self, url: str, accept: str | None = None) -> Fetched:
        """Fetch through the shared limiter. Http retries a 429 with back-off and calls `limiter.slow_down()` on each,
        so every archive request of the run slows down; a fetch still rate-limited after that ends the lookup."""
        return self._http.fetch(url, limiter=self.limiter, accept=accept)

    def _json(self, fetched: Fetched, api: str, api_url: str) -> object:
        if _rate_limited(fetched):
            raise _LookupFailed(ArchiveOutcome.RATE_LIMITED, f"{api} rate-limited the request ({fetched.detail})")
        if fetched.status is None:
            outcome = ArchiveOutcome.UNREACHABLE if fetched.outcome in _NETWORK_FAULTS else ArchiveOutcome.ERROR
            raise _LookupFailed(outcome, f"{api} could not be reached: {fetched.detail}")
        if fetched.status >= 500:
            raise _LookupFailed(ArchiveOutcome.UNREACHABLE, f"{api} is down: {fetched.detail}")
        raw = fetched.body.decode("utf-8", "replace") if fetched.body else fetched.text
        if fetched.status == 403 and _EXCLUDED.search(raw):
            # The archive holds captures it will not show (robots.txt or the owner's request): as good as none.
            raise _LookupFailed(ArchiveOutcome.NOT_ARCHIVED, f"{api}: the archive excludes this site from playback")
        if not 200 <= fetched.status < 300:
            raise _LookupFailed(ArchiveOutcome.ERROR, f"{api} answered {fetched.detail}")
        if not raw.strip():
            return None
        try:
            return json.loads(raw)
        except ValueError as error:
            raise _LookupFailed(ArchiveOutcome.ERROR, f"{api} answered malformed JSON ({error}) at {api_url}") from None


def first_good(
    url: str,
    target: dt.datetime | None,
    captures: Sequence[Capture],
    fetch: Callable[[Capture], Fetched],
    max_candidates: int = MAX_CANDIDATES,
    *,
    unknown_is_good: bool = False,
) -> ArchiveResult:
    """The first capture, in the order `ranked` gives, whose raw page `fetch` gets and `junk_reason` accepts.

        `unknown_is_good`: captures of unknown status (a TimeMap says none) are ranked as 2xx ones; their fetched page
    tells their status."""
    errors = [c for c in captures if c.status is not None and c.status >= 400]
    candidates = ranked(captures, target, unknown_is_good=unknown_is_good)
    if not candidates:
        if errors:
            return _result(
                url,
                ArchiveOutcome.ONLY_JUNK,
                rejected=tuple((c, f"archived with HTTP {c.status}") for c in errors[:max_candidates]),
                detail=f"all {len(errors)} captures of {url} are archived error pages (HTTP 4xx/5xx)",
            )
        return _result(url, ArchiveOutcome.NOT_ARCHIVED, detail=f"the archive holds no capture of {url}")
    rejected: list[tuple[Capture, str]] = []
    junk_digests: dict[str, Capture] = {}
    unfetched: list[str] = []
    fetches = 0
    for capture in candidates:
        if fetches >= max_candidates:
            break
        if capture.digest and capture.digest in junk_digests:
            rejected.append((capture, f"same content as the rejected capture {junk_digests[capture.digest].timestamp}"))
            continue
        fetches += 1
        page = fetch(capture)
        if page.outcome is Outcome.RATE_LIMITED:
            return _result(
                url,
                ArchiveOutcome.RATE_LIMITED,
                rejected=tuple(rejected),
                detail=f"the archive rate-limited the capture {capture.permalink}: {page.detail}",
            )
        if page.outcome in _UNFETCHABLE and page.status is None:
            unfetched.append(f"{capture.permalink}: {page.detail}")
            rejected.append((capture, f"could not be fetched: {page.detail}"))
            continue
        why = junk_reason(capture.original, page)
        if why is not None:
            rejected.append((capture, why))
            if capture.digest:
                junk_digests[capture.digest] = capture
            continue
        return _result(
            url,
            ArchiveOutcome.FOUND,
            capture=capture,
            page=page,
            rejected=tuple(rejected),
            detail=_found_detail(capture, target, len(rejected)),
        )
    if rejected and len(unfetched) == fetches:
        return _result(
            url,
            ArchiveOutcome.UNREACHABLE,
            rejected=tuple(rejected),
            detail=f"no capture of {url} could be fetched: {'; '.join(unfetched)}",
        )
    reasons = "; ".join(f"{c.timestamp}: {why}" for c, why in rejected)
    return _result(
        url,
        ArchiveOutcome.ONLY_JUNK,
        rejected=tuple(rejected),
        detail=f"no usable capture of {url} among the {len(rejected)} tried ({reasons})",
    )


def ranked(captures: Sequence[Capture], target: dt.datetime | None, *, unknown_is_good: bool = False) -> list[Capture]:
    """Candidates in the order they are tried; 4xx/5xx captures are left out.

    With a target: 2xx at or before it (nearest first), then 2xx after it (nearest first), then 3xx and
    unknown-status captures by distance. Without one: 2xx newest first, then the rest newest first.
    """
    usable = [c for c in captures if c.status is None or c.status < 400]

    def key(capture: Capture) -> tuple[int, float]:
        good = (capture.status is None and unknown_is_good) or (
            capture.status is not None and 200 <= capture.status < 300
        )
        if target is None:
            return (0 if good else 1, -capture.when.timestamp())
        distance = (capture.when - target).total_seconds()
        if not good:
            return (2, abs(distance))
        return (0, -distance) if distance <= 0 else (1, distance)

    return sorted(usable, key=key)


# Junk captures

_UNFETCHABLE = {Outcome.UNREACHABLE, Outcome.TIMED_OUT, Outcome.TOO_LARGE, Outcome.REFUSED}
_NETWORK_FAULTS = {Outcome.UNREACHABLE, Outcome.TIMED_OUT, Outcome.REFUSED}
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_EXCLUDED = re.compile(r"AccessControlException|Blocked Site Error|RobotAccessControl", re.IGNORECASE)
_WAYBACK_PATH = re.compile(r"/web/(\d{1,14})([a-z]{2}_)?/+(.+)$")
# Any archive running Wayback software (pywb, OpenWayback): .../<14 digits><modifier>/<the original URL>.
_MEMENTO_PATH = re.compile(r"/(\d{14})([a-z]{2}_)?/+(https?://.+)$")
_HOME_PATHS = re.compile(r"/?(?:(?:index|default|home)(?:\.\w+)?|[a-z]{2}(?:-[a-z]{2})?|home|start)?/?", re.IGNORECASE)
_WALL_HOSTS = re.compile(r"^(?:consent|login|signin|accounts?|auth|sso|id|myaccount|guce)\.", re.IGNORECASE)
_WALL_PATHS = re.compile(
    r"/(?:log-?in|sign-?in|sign_in|auth(?:orize)?|sso|consent|cookie-?wall|privacy-?gate|paywall|subscribe|register)\b",
    re.IGNORECASE,
)
_ERROR_TITLE = re.compile(
    r"^\W*\d{3}\W*$|\bpage not found\b|\b(?:file|document|article|content|page|url|resource) (?:was )?not found\b|"
    r"\b(?:error|http)\s*[45]\d\d\b|\b[45]\d\d\b\W*(?:error|not found|forbidden|gone|internal server error|"
    r"bad gateway|service (?:temporarily )?unavailable|gateway time-?out)|\binternal server error\b|"
    r"\bservice unavailable\b|\bbad gateway\b|\baccess denied\b|\bnot found\b\W*$",
    re.IGNORECASE,
)
_RATE_LIMIT = re.compile(r"\btoo many requests\b|\brate limit(?:ed| exceeded)\b|\b429\b", re.IGNORECASE)
_WALL_TITLE = re.compile(
    r"^\W*(?:sign in|log ?in|sign-?in|login required|subscribe|just a moment|attention required|"
    r"are you a (?:robot|human)|security check|before you continue|privacy (?:settings|choices)|cookie)",
    re.IGNORECASE,
)
_SOFT_404_BODY = re.compile(
    r"\bpage not found\b|\bpage (?:you (?:are|were|re) looking for|you requested) (?:could not|cannot|can't|"
    r"couldn't|does not|doesn't|no longer|is not|isn't|was not|wasn't|may have)|\b(?:this|the) page (?:does not|"
    r"doesn't|no longer) exists?\b|\b404\b.{0,40}\bnot found\b|\bno longer available\b",
    re.IGNORECASE,
)
_WALL_BODY = re.compile(
    r"\bwe use cookies\b|\bbefore you continue\b|\b(?:manage|accept) (?:all )?(?:cookies|your privacy|privacy "
    r"settings|cookie (?:settings|preferences))\b|\byour privacy choices\b|\bconsent to (?:the use of )?cookies\b|"
    r"\b(?:sign|log) in to (?:continue|read|view|access)\b|\bplease (?:sign|log) ?in\b|\bsubscribe to (?:continue|"
    r"read)\b|\bcreate (?:a |an |your )?(?:free )?account to (?:continue|read)\b|\benable javascript and cookies\b|"
    r"\bchecking (?:if the site connection is secure|your browser)\b|\bverify (?:that )?you are (?:a )?human\b|"
    r"\bare you a robot\b|\bcaptcha\b",
    re.IGNORECASE,
)
# A page whose visible text is shorter than this is too thin to be what was cited.
NEAR_EMPTY_WORDS = 40
# Body phrases ("page not found", "we use cookies") mark junk only on a page this short; articles quote them too.
SHORT_PAGE_WORDS = 350


def junk_reason(original: str, page: Fetched) -> str | None:
    """Why the raw capture `page` of `original` is junk rather than the page that was cited, or None if it is good."""
    if page.outcome is Outcome.DEAD or (page.status is not None and page.status >= 400):
        if page.status == 429:
            return "archived 429 Too Many Requests page"
        return f"archived error page (HTTP {page.status})" if page.status else f"unusable capture ({page.detail})"
    if page.outcome is Outcome.RATE_LIMITED:
        return "archived 429 Too Many Requests page"
    if page.outcome is Outcome.SOFT_404:
        return f"soft 404 ({page.detail})"
    if page.outcome is Outcome.BLOCKED:
        return f"login, consent or bot wall ({page.detail})"
    if not page.ok:
        return f"unusable capture ({page.outcome.value}: {page.detail})"
    redirect = _redirect_reason(original, page)
    if redirect is not None:
        return redirect
    title, text = _visible_text(page)
    words = len(text.split())
    if _RATE_LIMIT.search(title) or (words < SHORT_PAGE_WORDS and re.search(r"\btoo many requests\b", text, re.I)):
        return "archived 429 Too Many Requests page"
    if _ERROR_TITLE.search(title):
        return f"archived error page (title {title[:80]!r})"
    if _WALL_TITLE.search(title):
        return f"login, consent or bot wall (title {title[:80]!r})"
    if words < SHORT_PAGE_WORDS:
        soft = _SOFT_404_BODY.search(text)
        if soft:
            return f"soft 404 ({soft.group(0)!r} on a {words}-word page)"
        wall = _WALL_BODY.search(text)
        if wall:
            return f"login, consent or bot wall ({wall.group(0)!r} on a {words}-word page)"
    if words < NEAR_EMPTY_WORDS:
        return f"near-empty body ({words} words)"
    return None


def _redirect_reason(original: str, page: Fetched) -> str | None:
    if not page.hops and page.final_url == page.url:
        return None
    match = _WAYBACK_PATH.search(page.final_url) or _MEMENTO_PATH.search(page.final_url)
    landed = match.group(3) if match else page.final_url
    landed_parts, original_parts = urlsplit(landed), urlsplit(original)
    to_wall = _WALL_HOSTS.match(landed_parts.hostname or "") or _WALL_PATHS.search(landed_parts.path)
    if to_wall and not _WALL_PATHS.search(original_parts.path):
        return f"redirected to a login or consent page ({landed})"
    if _is_home(landed_parts.path, landed_parts.query) and not _is_home(original_parts.path, original_parts.query):
        return f"redirected to the site's home page ({landed})"
    return None


def _is_home(path: str, query: str) -> bool:
    return not query and _HOME_PATHS.fullmatch(path) is not None


def _visible_text(page: Fetched) -> tuple[str, str]:
    if page.content_type and "html" not in page.content_type and "xml" not in page.content_type:
        return "", page.text
    # lxml directly: this runs on every capture, and BeautifulSoup over lxml took 4-5 times as long.
    markup = page.text or page.body.decode("utf-8", "replace")
    try:
        root = lxml.html.document_fromstring(_XML_DECLARATION.sub("", markup, count=1))
    except (etree.ParserError, ValueError):
        return "", ""
    first = next(root.iter("title"), None)
    title = " ".join(" ".join(first.itertext()).split()) if first is not None else ""
    etree.strip_elements(root, "script", "style", "noscript", "template", "title", "head", with_tail=False)
    return title, " ".join(" ".join(root.itertext()).split())


# Times


def _target_time(when: dt.date | dt.datetime | None) -> dt.datetime | None:
    """A date stands for its whole day (captures that day count as before it); naive datetimes are UTC."""
    if when is None:
        return None
    if isinstance(when, dt.datetime):
        return when.replace(tzinfo=dt.timezone.utc) if when.tzinfo is None else when.astimezone(dt.timezone.utc)
    return dt.datetime(when.year, when.month, when.day, 23, 59, 59, tzinfo=dt.timezone.utc)


def _timestamp(moment: dt.datetime) -> str:
    return moment.astimezone(dt.timezone.utc).strftime("%Y%m%d%H%M%S")


def _parse_timestamp(timestamp: str) -> dt.datetime:
    padded = timestamp.ljust(14, "0")
    year, month, day = int(padded[0:4]), max(1, int(padded[4:6])), max(1, int(padded[6:8]))
    hour, minute, second = int(padded[8:10]), int(padded[10:12]), int(padded[12:14])
    return dt.datetime(year, month, day, hour, minute, min(second, 59), tzinfo=dt.timezone.utc)


def _status(value: str) -> int | None:
    return int(value) if value.isdigit() else None


def _rate_limited(fetched: Fetched) -> bool:
    return fetched.outcome is Outcome.RATE_LIMITED or fetched.status == 429


def _found_detail(capture: Capture, target: dt.datetime | None, rejected: int) -> str:
    when = capture.when.strftime("%Y-%m-%d %H:%M UTC")
    if target is None:
        where = "the newest good capture"
    else:
        days = (capture.when - target).total_seconds() / 86400
        if days <= 0:
            where = f"{_days(-days)} before the date"
        else:
            where = f"{_days(days)} after the date (no good capture before it)"
    skipped = f"; skipped {rejected} junk capture{'s' if rejected != 1 else ''}" if rejected else ""
    at = "" if capture.archive_name == WAYBACK_NAME else f" at {capture.archive_name}"
    return f"capture of {when}{at}, {where}{skipped}: {capture.permalink}"


def _days(days: float) -> str:
    if days < 1:
        return "less than a day"
    whole = round(days)
    return f"{whole} day{'s' if whole != 1 else ''}"


def _result(
    url: str,
    outcome: ArchiveOutcome,
    *,
    capture: Capture | None = None,
    page: Fetched | None = None,
    rejected: tuple[tuple[Capture, str], ...] = (),
    detail: str,
) -> ArchiveResult:
    return ArchiveResult(url=url, outcome=outcome, capture=capture, page=page, rejected=rejected, detail=detail)


def _with_detail(result: ArchiveResult, detail: str) -> ArchiveResult:
    return dataclasses.replace(result, detail=detail)

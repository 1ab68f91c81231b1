"""Archives beyond the Wayback Machine's index: Memento TimeMaps (RFC 7089) and Save Page Now.

Memento. An aggregator (by default the Time Travel service, ``http://timetravel.mementoweb.org/timemap/link/``;
MemGator answers the same ``/timemap/link/<URI-R>`` form) lists the mementos that many public archives hold of a
URL, as a TimeMap in link format (RFC 7089 section 5, the syntax of RFC 5988's Link header)::

    <https://news.example/a>; rel="original",
    <http://timetravel.mementoweb.org/timemap/link/https://news.example/a>; rel="self"; type="application/link-format",
    <https://arquivo.pt/wayback/20240301101500/https://news.example/a>; rel="first memento";
      datetime="Fri, 01 Mar 2024 10:15:00 GMT",

A large TimeMap may come in pages, each linking the next (``rel="next"``) or listed by an index of pages
(``rel="timemap"`` entries with ``from`` and ``until``): pages are read only as far as the article's date needs
(`Memento._pages`), `MAX_TIMEMAP_PAGES` at most.

A TimeMap gives no archived status, so candidates are ranked by the Wayback rule with every memento presumed 2xx
(closest before the article's date, else closest after) and each one's page, as fetched, says what it is: an
archived error page or a junk page is rejected as in `verify.archive.junk_reason`. Mementos of the Wayback Machine
are left out (its own lookup judged them). Where the archive runs Wayback software (pywb, OpenWayback) the raw
memento is fetched with the ``id_`` form (``.../<14 digits>id_/<URI-R>``): the archived bytes without banner or
rewritten links. `KNOWN_ARCHIVES` says which archives do; any other memento is fetched as the archive replays it.
Every archive host gets its own rate limiter, at the Wayback Machine's polite rate (`HostLimiters`).

Save Page Now 2 (opt-in, `verify check --save`): ``POST https://web.archive.org/save`` with ``url=<URL>`` (and the
header ``Authorization: LOW <access>:<secret>`` when S3 keys are given in ``IA_ACCESS_KEY_ID`` and
``IA_SECRET_ACCESS_KEY``, the variables of the Internet Archive's own ``ia`` tool) answers ``{"url", "job_id"}``, or
``{"status": "error", "status_ext", "message"}`` with no job; ``GET /save/status/<job_id>`` then answers
``{"status": "pending"}``, ``{"status": "success", "timestamp", "original_url", ...}`` or
``{"status": "error", "status_ext", "message"}``. Within the documented limits: captures are asked at most 6 a minute
with keys and 2 without (SPN2 allows 7 and 3), at most 2 at once (a user's concurrent sessions are capped:
``error:user-session-limit``), the status polled every 5 s for at most 2 minutes (a capture's own limit), and a
refusal (``error:too-many-daily-captures``, ...) is reported, never retried.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import email.utils
import json
import os
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from verify.archive import (
    DEFAULT_BURST,
    DEFAULT_RATE,
    MAX_CANDIDATES,
    WAYBACK,
    ArchiveOutcome,
    ArchiveResult,
    Capture,
    SaveJob,
    _target_time,
    _timestamp,
    first_good,
    junk_reason,
)
from verify.http import Fetched, Http, Outcome, RateLimiter

TIME_TRAVEL = "http://timetravel.mementoweb.org/timemap/link/"


@dataclass(frozen=True)
class KnownArchive:
    name: str
    #: Host names (a host matches one of them or is a subdomain of one).
    hosts: tuple[str, ...]
    #: Runs Wayback software (pywb or OpenWayback), whose Wayback-style URI-Ms give the raw memento with ``id_``.
    raw: bool


KNOWN_ARCHIVES = (
    KnownArchive("Wayback Machine", ("web.archive.org",), raw=True),
    KnownArchive("Arquivo.pt", ("arquivo.pt",), raw=True),  # pywb
    KnownArchive("Library of Congress Web Archives", ("webarchive.loc.gov",), raw=True),  # pywb
    KnownArchive("UK Web Archive", ("webarchive.org.uk",), raw=True),  # pywb
    KnownArchive("Archive-It", ("wayback.archive-it.org",), raw=True),  # the Internet Archive's Wayback
    KnownArchive("Icelandic Web Archive", ("vefsafn.is",), raw=True),  # OpenWayback
    KnownArchive("Stanford Web Archive", ("swap.stanford.edu",), raw=True),  # OpenWayback
    # archive.today keeps a rewritten snapshot under a short id: no raw form.
    KnownArchive(
        "archive.today",
        ("archive.today", "archive.ph", "archive.is", "archive.md", "archive.li", "archive.vn", "archive.fo"),
        raw=False,
    ),
    KnownArchive("Perma.cc", ("perma.cc",), raw=False),
)

# A Wayback-style URI-M: <prefix>/<14-digit timestamp><modifier>/<URI-R>.
_WAYBACK_STYLE = re.compile(r"^(?P<prefix>https?://[^/]+(?:/[^/]+)*?)/(?P<ts>\d{14})(?P<mod>[a-z]{2}_)?/(?P<uri>.+)$")


def known_archive(url: str) -> KnownArchive | None:
    host = (urlsplit(url).hostname or "").lower()
    for archive in KNOWN_ARCHIVES:
        if any(host == name or host.endswith("." + name) for name in archive.hosts):
            return archive
    return None


def raw_memento_url(memento_url: str) -> str | None:
    """The raw form of a memento (``id_``), where its archive runs Wayback software; None where it offers none."""
    archive = known_archive(memento_url)
    match = _WAYBACK_STYLE.match(memento_url)
    if archive is None or not archive.raw or match is None:
        return None
    return f"{match['prefix']}/{match['ts']}id_/{match['uri']}"


# --------------------------------------------------------------------------------------------------------------
# TimeMaps


@dataclass(frozen=True)
class Link:
    """One entry of a link-format document: its target and its parameters (``rel`` split into words)."""

    target: str
    rels: tuple[str, ...]
    params: tuple[tuple[str, str], ...]

    def param(self, name: str) -> str | None:
        return next((value for key, value in self.params if key == name), None)


_LINK = re.compile(r"\s*<([^>]*)>\s*((?:;\s*[^;,=\s]+\s*(?:=\s*(?:\"[^\"]*\"|[^;,\s]*))?\s*)*)\s*(?:,|$)")
_PARAM = re.compile(r";\s*([^;,=\s]+)\s*(?:=\s*(?:\"([^\"]*)\"|([^;,\s]*)))?")


def parse_link_format(text: str) -> list[Link]:
    """The entries of an ``application/link-format`` document (RFC 6690 / RFC 5988 Link syntax).

    Quoted values may hold commas and semicolons (``datetime="Fri, 01 Mar 2024 ..."``); a URI is whatever is inside
    its angle brackets. Text between entries that is not an entry is skipped.
    """
    links: list[Link] = []
    position = 0
    while position < len(text):
        start = text.find("<", position)
        if start < 0:
            break
        match = _LINK.match(text, start)
        if match is None:
            position = start + 1
            continue
        params = tuple((name.lower(), quoted or bare) for name, quoted, bare in _PARAM.findall(match.group(2)))
        rel = next((value for name, value in params if name == "rel"), "")
        links.append(Link(match.group(1).strip(), tuple(rel.lower().split()), params))
        position = match.end()
    return links


def mementos(links: list[Link]) -> list[tuple[str, dt.datetime]]:
    """(URI-M, datetime) of every memento of a TimeMap, in the TimeMap's order; entries without a readable
    datetime are left out."""
    found = []
    for link in links:
        if "memento" not in link.rels:
            continue
        when = _http_date(link.param("datetime"))
        if when is not None:
            found.append((link.target, when))
    return found


def _http_date(value: str | None) -> dt.datetime | None:
    if not value:
        return None
    try:
        parsed = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return parsed.replace(tzinfo=dt.timezone.utc) if parsed.tzinfo is None else parsed.astimezone(dt.timezone.utc)


# --------------------------------------------------------------------------------------------------------------
# Politeness


class HostLimiters:
    """One rate limiter per archive host, each at the Wayback Machine's polite rate, shared by the whole run."""

    def __init__(self, rate: float = DEFAULT_RATE, burst: int = DEFAULT_BURST, *, unlimited: bool = False) -> None:
        self.rate = rate
        self.burst = burst
        self.unlimited = unlimited
        self._limiters: dict[str, RateLimiter] = {}
        self._lock = threading.Lock()

    def __call__(self, url: str) -> RateLimiter | None:
        if self.unlimited:
            return None
        host = (urlsplit(url).hostname or "").lower()
        with self._lock:
            limiter = self._limiters.get(host)
            if limiter is None:
                limiter = self._limiters[host] = RateLimiter(self.rate, burst=self.burst)
            return limiter


# --------------------------------------------------------------------------------------------------------------
# Memento lookups


class Memento:
    """The memento of a URL closest to a date, found through a Memento aggregator's TimeMap."""

    def __init__(
        self,
        http: Http,
        timemap_url: str = TIME_TRAVEL,
        limiters: HostLimiters | None = None,
        *,
        skip_hosts: tuple[str, ...] = ("web.archive.org",),
        max_candidates: int = MAX_CANDIDATES,
    ) -> None:
        self._http = http
        self.timemap_url = timemap_url if timemap_url.endswith("/") else timemap_url + "/"
        self.limiters = limiters if limiters is not None else HostLimiters()
        self.skip_hosts = tuple(host.lower() for host in skip_hosts)
        self.max_candidates = max_candidates

    def closest(self, url: str, when: dt.date | dt.datetime | None) -> ArchiveResult:
        """Never raises: every failure is an outcome with its reason."""
        target = _target_time(when)
        timemap = self.timemap_url + url
        fetched = self._http.fetch(timemap, limiter=self.limiters(timemap), accept="application/link-format")
        failure = _timemap_failure(fetched, timemap)
        if failure is not None:
            return _result(url, *failure)
        listed, unread = self._pages(parse_link_format(fetched.text or fetched.body.decode("utf-8", "replace")), target)
        captures = []
        skipped = 0
        for memento_url, moment in listed:
            host = (urlsplit(memento_url).hostname or "").lower()
            if any(host == skip or host.endswith("." + skip) for skip in self.skip_hosts):
                skipped += 1
                continue
            captures.append(_capture(url, memento_url, moment))
        if not captures:
            why = (
                f"the Memento aggregator lists only the Wayback Machine's {skipped} mementos of {url}"
                if skipped
                else f"the Memento aggregator knows no memento of {url}"
            )
            return _result(url, ArchiveOutcome.NOT_ARCHIVED, why)
        result = first_good(
            url,
            target,
            captures,
            lambda capture: self._http.fetch(capture.raw_url, limiter=self.limiters(capture.raw_url)),
            self.max_candidates,
            unknown_is_good=True,
        )
        if result.outcome is ArchiveOutcome.FOUND and result.capture is not None:
            raw = "raw memento" if result.capture.raw_memento_url else "memento as the archive replays it"
            detail = f"Memento ({raw}): {result.detail}"
        else:
            detail = f"Memento aggregator: {result.detail}"
        if unread:
            detail += f"; {unread}"
        return ArchiveResult(
            url=url,
            outcome=result.outcome,
            capture=result.capture,
            page=result.page,
            rejected=result.rejected,
            detail=detail,
        )

    def _pages(self, first: list[Link], target: dt.datetime | None) -> tuple[list[tuple[str, dt.datetime]], str]:
        """The mementos of a TimeMap that may come in pages (RFC 7089 leaves a large TimeMap to be split: each page
        links the next with ``rel="next"``, or an index lists the pages as ``rel="timemap"`` entries with ``from`` and
        ``until``), and what was left unread, in words ("" when nothing was).

        Pages are read only as far as the closest memento needs: the next page until the mementos seen lie on both
        sides of the target date, or on one side with the pages running away from it (`_bracketed`; with no date, up
        to the last page); of an index, the page whose range holds the date, else the nearest one on each side of it;
        at most `MAX_TIMEMAP_PAGES` in all.
        """
        listed = mementos(first)
        read = 1
        pages = [
            link
            for link in first
            if "timemap" in link.rels and link.target and link.param("type") in (None, "application/link-format")
        ]
        if pages and not listed:  # an index of pages
            chosen = _pages_for(pages, target)
            for link in chosen[: MAX_TIMEMAP_PAGES - 1]:
                listed += self._page(link.target)
                read += 1
            unread = len(pages) - min(len(chosen), MAX_TIMEMAP_PAGES - 1)
            return listed, (
                f"{unread} of the TimeMap's {len(pages)} pages were not read: far from the date" if unread else ""
            )
        links = first
        while True:
            after = next((link for link in links if "next" in link.rels and link.target), None)
            if after is None:
                return listed, ""
            if _bracketed(listed, target):
                return listed, ""
            if read >= MAX_TIMEMAP_PAGES:
                return listed, f"the TimeMap has more pages than the {MAX_TIMEMAP_PAGES} read ({after.target})"
            links = self._page_links(after.target)
            listed += mementos(links)
            read += 1

    def _page(self, page: str) -> list[tuple[str, dt.datetime]]:
        return mementos(self._page_links(page))

    def _page_links(self, page: str) -> list[Link]:
        """A further page of a TimeMap; a page that cannot be read adds nothing (the pages read still count)."""
        fetched = self._http.fetch(page, limiter=self.limiters(page), accept="application/link-format")
        if _timemap_failure(fetched, page) is not None:
            return []
        return parse_link_format(fetched.text or fetched.body.decode("utf-8", "replace"))


#: The most pages of one TimeMap read for a URL (each is a request to the aggregator, at its polite rate).
MAX_TIMEMAP_PAGES = 5


def _bracketed(listed: list[tuple[str, dt.datetime]], target: dt.datetime | None) -> bool:
    """Whether further pages could hold no memento closer to `target` than these: some lie on each side of it, or
    all on one side in an order that runs away from it (oldest first and all after it, or newest first and all
    before it)."""
    if target is None or not listed:
        return False
    moments = [moment for _, moment in listed]
    before, after = any(m <= target for m in moments), any(m >= target for m in moments)
    if before and after:
        return True
    if len(set(moments)) < 2:  # one moment tells no order
        return False
    return (after and moments == sorted(moments)) or (before and moments == sorted(moments, reverse=True))


def _pages_for(pages: list[Link], target: dt.datetime | None) -> list[Link]:
    """The pages of a TimeMap index to read for `target`: the one whose ``from``-``until`` range holds it, else the
    nearest before and the nearest after it; with no date (or no ranges given), the last page first."""
    ranged = [(link, _http_date(link.param("from")), _http_date(link.param("until"))) for link in pages]
    if target is None or any(start is None or end is None for _, start, end in ranged):
        return list(reversed(pages))
    holding = [link for link, start, end in ranged if start is not None and end is not None and start <= target <= end]
    if holding:
        return holding
    before = [(end, link) for link, _, end in ranged if end is not None and end < target]
    later = [(start, link) for link, start, _ in ranged if start is not None and start > target]
    chosen = [max(before, key=lambda pair: pair[0])[1]] if before else []
    chosen += [min(later, key=lambda pair: pair[0])[1]] if later else []
    return chosen


def _capture(url: str, memento_url: str, moment: dt.datetime) -> Capture:
    archive = known_archive(memento_url)
    host = urlsplit(memento_url).hostname or memento_url
    parts = urlsplit(memento_url)
    return Capture(
        original=url,
        timestamp=_timestamp(moment),
        status=None,
        mimetype="",
        digest="",
        archive=f"{parts.scheme}://{parts.netloc}",
        archive_name=archive.name if archive is not None else host,
        lookup="memento",
        memento_url=memento_url,
        raw_memento_url=raw_memento_url(memento_url),
    )


def _timemap_failure(fetched: Fetched, timemap: str) -> tuple[ArchiveOutcome, str] | None:
    if fetched.status == 404:
        return ArchiveOutcome.NOT_ARCHIVED, f"the Memento aggregator knows no memento ({timemap}: HTTP 404)"
    if fetched.outcome is Outcome.RATE_LIMITED or fetched.status == 429:
        return ArchiveOutcome.RATE_LIMITED, f"the Memento aggregator rate-limited the request ({fetched.detail})"
    if fetched.status is None or fetched.status >= 500:
        return ArchiveOutcome.UNREACHABLE, f"the Memento aggregator could not be reached ({fetched.detail})"
    if not 200 <= fetched.status < 300:
        return ArchiveOutcome.ERROR, f"the Memento aggregator answered {fetched.detail} ({timemap})"
    return None


def _result(url: str, outcome: ArchiveOutcome, detail: str) -> ArchiveResult:
    return ArchiveResult(url=url, outcome=outcome, capture=None, page=None, rejected=(), detail=detail)


# --------------------------------------------------------------------------------------------------------------
# Save Page Now


#: Captures a minute asked of Save Page Now, below its documented limits (7 a minute with keys, 3 without).
SAVES_PER_MINUTE_WITH_KEYS = 6
SAVES_PER_MINUTE_ANONYMOUS = 2
#: Captures at once (a user's concurrent capture sessions are capped: error:user-session-limit).
SAVES_AT_ONCE = 2
POLL_EVERY = 5.0
POLL_FOR = 120.0


def keys_from_environment(environ: dict[str, str] | None = None) -> str | None:
    """``access:secret`` from IA_ACCESS_KEY_ID and IA_SECRET_ACCESS_KEY (the `ia` tool's names), or None."""
    env = os.environ if environ is None else environ
    access, secret = env.get("IA_ACCESS_KEY_ID", "").strip(), env.get("IA_SECRET_ACCESS_KEY", "").strip()
    return f"{access}:{secret}" if access and secret else None


class SavePageNow:
    """Asks the Wayback Machine to capture a live page that has no capture, and reads the capture it made."""

    def __init__(
        self,
        http: Http,
        base_url: str = WAYBACK,
        *,
        keys: str | None = None,
        limiter: RateLimiter | None = None,
        save_limiter: RateLimiter | None = None,
        poll_every: float = POLL_EVERY,
        poll_for: float = POLL_FOR,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._http = http
        self.base_url = base_url.rstrip("/")
        self._headers = {"Authorization": f"LOW {keys}"} if keys else {}
        #: The archive's shared limiter, for the status polls and the capture's fetch.
        self.limiter = limiter
        per_minute = SAVES_PER_MINUTE_WITH_KEYS if keys else SAVES_PER_MINUTE_ANONYMOUS
        self.save_limiter = save_limiter if save_limiter is not None else RateLimiter(per_minute / 60, burst=1)
        self.poll_every = poll_every
        self.poll_for = poll_for
        self._sleep = sleep
        self._at_once = threading.BoundedSemaphore(SAVES_AT_ONCE)

    def save(self, url: str, previous: ArchiveResult) -> ArchiveResult:
        """`previous` (the lookup that found no usable capture) with the capture made now as its evidence, or with
        the job's failure added to its detail. Never raises."""
        with self._at_once:
            job = self._job(url)
        if job.status != "success" or job.timestamp is None:
            return _with_job(previous, job, f"{previous.detail}; Save Page Now: {job.detail}")
        capture = Capture(
            original=job.original_url or url,
            timestamp=job.timestamp,
            status=200,
            mimetype="",
            digest="",
            archive=self.base_url,
            lookup="save-page-now",
        )
        page = self._http.fetch(capture.raw_url, limiter=self.limiter, fresh=True)
        why = junk_reason(capture.original, page) if page.status is not None else f"not readable: {page.detail}"
        if why is not None:
            detail = f"{previous.detail}; Save Page Now captured it at check time ({capture.permalink}), but {why}"
            return _with_job(previous, job, detail)
        return ArchiveResult(
            url=url,
            outcome=ArchiveOutcome.FOUND,
            capture=capture,
            page=page,
            rejected=previous.rejected,
            detail=(
                f"archived at check time by Save Page Now (job {job.job_id}): capture of "
                f"{capture.when:%Y-%m-%d %H:%M} UTC: {capture.permalink} (before: {previous.detail})"
            ),
            save_job=job,
        )

    def _job(self, url: str) -> SaveJob:
        asked = self._http.post(
            f"{self.base_url}/save",
            {"url": url, "skip_first_archive": "1"},
            headers=self._headers,
            limiter=self.save_limiter,
            accept="application/json",
        )
        answer = _json_object(asked)
        if answer is None:
            return SaveJob(url, None, "error", f"the capture request failed: {asked.detail}")
        job_id = answer.get("job_id")
        if not isinstance(job_id, str) or not job_id:
            ext = _text(answer.get("status_ext"))
            message = _text(answer.get("message")) or asked.detail
            return SaveJob(url, None, "refused", f"refused: {ext or 'no job'}: {message}", status_ext=ext)
        status_url = f"{self.base_url}/save/status/{job_id}"
        waited = 0.0
        while True:
            polled = self._http.fetch(
                status_url, limiter=self.limiter, accept="application/json", headers=self._headers, fresh=True
            )
            status = _json_object(polled) or {}
            state = _text(status.get("status"))
            if state == "success":
                timestamp = _text(status.get("timestamp"))
                if not re.fullmatch(r"\d{14}", timestamp):
                    return SaveJob(url, job_id, "error", f"job {job_id} succeeded with a bad timestamp {timestamp!r}")
                original = _text(status.get("original_url")) or url
                return SaveJob(
                    url, job_id, "success", f"job {job_id}: captured {original}", timestamp, original_url=original
                )
            if state == "error":
                ext = _text(status.get("status_ext"))
                message = _text(status.get("message"))
                return SaveJob(url, job_id, "error", f"job {job_id} failed: {ext}: {message}", status_ext=ext)
            if state != "pending" and polled.status is not None and not 200 <= polled.status < 300:
                return SaveJob(url, job_id, "error", f"job {job_id}: the status request failed: {polled.detail}")
            if waited >= self.poll_for:
                return SaveJob(url, job_id, "pending", f"job {job_id} still pending after {waited:g} s")
            self._sleep(self.poll_every)
            waited += self.poll_every


def _with_job(result: ArchiveResult, job: SaveJob, detail: str) -> ArchiveResult:
    return dataclasses.replace(result, detail=detail, save_job=job)


def _json_object(fetched: Fetched) -> dict[str, object] | None:
    raw = fetched.text or fetched.body.decode("utf-8", "replace")
    try:
        data = json.loads(raw)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""

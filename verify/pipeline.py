"""The check of one article, stage by stage, with every independent fetch in flight at once."""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import math
import queue
import re
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlsplit

from verify import __version__
from verify.archive import WAYBACK, Archive, ArchiveOutcome, ArchiveResult, PageSaver, default_limiter
from verify.article import STATEMENT_BLOCKS, Article, BlockKind, Statement
from verify.cassette import recording
from verify.compare import Change, Comparison, StatementChange, compare
from verify.extract import Extracted, extract, page_anchors
from verify.http import Fetched, Http, HttpOptions, Outcome, RateLimiter, on_departure
from verify.judge import (
    NOT_A_WEB_LINK,
    NOT_CHECKED,
    TARGET_UNKNOWN,
    Failure,
    Label,
    OtherSources,
    Source,
    SourceFailure,
    SourceRole,
    Verdict,
    judge_statement,
    prepare,
    source_terms,
    statement_terms,
)
from verify.judge.nli import Entailment
from verify.judge.nli import load as load_entailment
from verify.links import (
    EvidenceCopy,
    LinkCheck,
    Target,
    capture_is_evidence,
    likely_targets,
    link_check,
    recover_targets,
)
from verify.reader import READER, page_sentences
from verify.report import Coverage, Report, StatementResult
from verify.text import evidence_sentences, normalise

if TYPE_CHECKING:
    from verify.batch import Settings

USER_AGENT = f"verify/{__version__} (+https://example.org/verify; fact-checking a stored article)"


class EvidenceMissing(Exception):
    """--replay-only was asked and the article has no cassette to replay."""


class Checker:
    """One run's network door, archive client and recording settings, shared by every article of the run."""

    def __init__(
        self,
        http: Http | None,
        archive: Archive | None,
        options: CheckOptions,
        cassettes: Path,
        mode: str,
        replay: tuple[Http, Archive] | None = None,
    ) -> None:
        self.http = http
        self.archive = archive
        # Replaying a cassette asks nothing of the real servers: no back-off, no rate limit to keep below.
        self.replay = replay
        self.options = options
        self.cassettes = cassettes
        self.mode = mode
        # Worker pools started once for the run and lent to one article at a time (one per --jobs slot).
        self._pools: queue.SimpleQueue[ThreadPoolExecutor] = queue.SimpleQueue()
        self._all_pools: list[ThreadPoolExecutor] = []
        self._warned = False

    def start_workers(self, jobs: int = 1) -> None:
        """Start the worker threads of `jobs` articles now, before the first request (see `_started_pool`)."""
        for _ in range(jobs):
            pool = _started_pool(max(1, self.options.concurrency))
            self._all_pools.append(pool)
            self._pools.put(pool)

    @contextlib.contextmanager
    def _workers(self) -> Iterator[ThreadPoolExecutor]:
        try:
            pool = self._pools.get_nowait()
        except queue.Empty:
            pool = _started_pool(max(1, self.options.concurrency))
            self._all_pools.append(pool)
        try:
            yield pool
        finally:
            self._pools.put(pool)

    @classmethod
    def for_settings(cls, settings: Settings) -> Checker:
        entailment = load_entailment(settings.nli) if settings.nli is not None else None
        options = CheckOptions(offline=settings.offline, concurrency=settings.concurrency, entailment=entailment)
        if settings.offline:
            return cls(None, None, options, settings.cassette_dir, "off")
        # A cache hit is never seen by the recorder, so the cache serves only runs that record nothing.
        cache = settings.cache if settings.record_mode == "off" else None
        base_url = settings.archive_url or WAYBACK
        # One limiter for every request to the archive in the run, below its published limits.
        limiter = RateLimiter(settings.archive_rate, burst=3) if settings.archive_rate else default_limiter()
        # Sites get at most 4 requests at once; the archive as many as its rate limiter can serve (which keeps it
        # polite) up to the run's concurrency.
        archive_host = urlsplit(base_url).hostname or ""
        http_options = HttpOptions(
            user_agent=settings.user_agent or USER_AGENT,
            cache_path=cache,
            cache_expire=settings.cache_expire,
            allow_private=settings.allow_private,
            run_limit=settings.max_time,
            host_caps=((archive_host, archive_slots(settings.concurrency, limiter)),),
        )
        http = Http(http_options)
        archive = _archive(http, settings, base_url, limiter, replaying=False)
        replay_http = Http(dataclasses.replace(http_options, backoff=0.0, cache_path=None))
        replay = (replay_http, _archive(replay_http, settings, base_url, _Unlimited(), replaying=True))
        checker = cls(http, archive, options, settings.cassette_dir, settings.record_mode, replay)
        checker.start_workers(settings.jobs if settings.record_mode == "off" else 1)
        READER.start()  # ready well before the first cited page comes back from a real network
        return checker

    def __enter__(self) -> Checker:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        for pool in self._all_pools:
            pool.shutdown(wait=False, cancel_futures=True)
        if self.http is not None:
            self.http.close()
        if self.replay is not None:
            self.replay[0].close()

    def take_warnings(self) -> tuple[str, ...]:
        """What went wrong beside the reports since the last call: a persistent cache dropped mid-run."""
        failure = self.http.cache_failure if self.http is not None else None
        if failure is None or self._warned:
            return ()
        self._warned = True
        return (failure,)

    def cassette(self, slug: str) -> Path:
        return self.cassettes / f"{slug}.yaml"

    def check(self, article: Article, slug: str) -> Report:
        if self.http is None or self.archive is None:
            return _offline_report(article)
        if self.mode == "off":
            with self._workers() as pool:
                return check_article(article, self.http, self.archive, self.options, pool)
        cassette = self.cassette(slug)
        if self.mode == "none" and not cassette.exists():
            raise EvidenceMissing(
                f"{article.path}: --replay-only, but there is no recorded evidence at {cassette}; "
                "run once without --replay-only (with network) to record it"
            )
        replaying = self.mode == "none" or (self.mode == "once" and cassette.exists())
        http, archive = self.replay if replaying and self.replay is not None else (self.http, self.archive)
        options = dataclasses.replace(self.options, speculate=self.options.speculate and not replaying)
        with recording(http.session, cassette, self.mode), self._workers() as pool:  # type: ignore[arg-type]
            return check_article(article, http, archive, options, pool)


def _archive(http: Http, settings: Settings, base_url: str, limiter: RateLimiter, replaying: bool) -> Archive:
    """The Wayback Machine, with the Memento aggregator after it (`--archives wayback,memento`) and Save Page Now
    for live pages without a capture (`--save`); a replay waits for no limiter and no job."""
    from verify.memento import POLL_EVERY, TIME_TRAVEL, HostLimiters, Memento, SavePageNow, keys_from_environment

    memento = None
    if "memento" in settings.archives:
        limiters = HostLimiters(unlimited=replaying)
        memento = Memento(
            http,
            settings.memento_url or TIME_TRAVEL,
            limiters,
            skip_hosts=("web.archive.org", urlsplit(base_url).hostname or "web.archive.org"),
        )
    saver = None
    if settings.save:
        saver = SavePageNow(
            http,
            base_url,
            keys=keys_from_environment(),
            limiter=limiter,
            save_limiter=_Unlimited() if replaying else None,
            poll_every=0.0 if replaying else POLL_EVERY,
        )
    return Archive(http, base_url=base_url, limiter=limiter, memento=memento, saver=saver)


class _Unlimited(RateLimiter):
    """No waiting: for replays, where no real server is asked."""

    def __init__(self) -> None:
        super().__init__(1e9, burst=1_000_000)

    def acquire(self, until: float | None = None) -> bool:
        return True

    def slow_down(self, retry_after: float | None = None) -> None:
        return None


# An archive lookup's request seldom takes longer than this many seconds to be answered.
ARCHIVE_ANSWER = 3.0


def archive_slots(concurrency: int, limiter: RateLimiter) -> int:
    """How many archive lookups run at once: as many as the limiter lets start within one archive answer, at most
    `concurrency`.

    A lookup waiting for the limiter waits on a worker. With the default limiter (0.8 requests/s), sixteen lookups
    held all sixteen workers of an article with many citations, and its live pages were fetched, and read, only once
    the archive's queue had drained.
    """
    return max(1, min(concurrency, limiter.burst + math.ceil(limiter.base_rate * ARCHIVE_ANSWER)))


SPECULATE_AFTER = 0.05  # seconds a live page took to answer, from which its text is read before its capture's


@dataclass(frozen=True)
class CheckOptions:
    offline: bool = False
    concurrency: int = 16
    # The entailment model the judge uses besides its checks (--nli), or None.
    entailment: Entailment | None = None
    # Read a cited page's live copy while its archived copy is still on its way (see `_speculate`); off when
    # replaying, where nothing is on its way.
    speculate: bool = True


def check_article(
    article: Article,
    http: Http,
    archive: Archive,
    options: CheckOptions = CheckOptions(),
    workers: ThreadPoolExecutor | None = None,
) -> Report:
    """Resolve, compare and judge one article; the network is reached only through `http` and `archive`.

    `workers` is a pool of `options.concurrency` threads lent for this article (none: one is started for it).
    """
    if options.offline:
        return _offline_report(article)
    assert article.url is not None
    lent = contextlib.nullcontext(workers) if workers is not None else _started_pool(max(1, options.concurrency))
    with lent as pool:
        # Each URL is two independent requests, live and archive; no task waits on another task. A cited
        # source's text is extracted as soon as both have answered, while other requests are still in flight.
        pending: dict[str, tuple[Future[Fetched], Future[ArchiveResult]]] = {}
        # In an article whose statements each weigh every source (see _Candidates), each source is weighed against
        # every statement as soon as it is read, while other sources are on their way. A larger article's pairs are
        # weighed at the end, each once: the judge keeps the last 4,096 analyses, fewer than such an article makes.
        weigh_early = len(article.citations) <= MAX_OTHER_SOURCES + 1
        claims = [statement.text for statement in article.statements] if weigh_early else []
        prepared: dict[str, Future[tuple[LinkCheck, _SourceText]]] = {}
        guessed: set[str] = set()  # requested before the original was extracted: cited once recovery agrees
        launches = _Launches()

        def start(urls: Iterable[str], cited: bool = True) -> None:
            # The archive lookups go out first: each is two requests in a row (the index, then the capture), where
            # a live fetch is usually one, so they are the longer chains.
            wanted = list(dict.fromkeys(urls))
            fresh = [url for url in wanted if url not in pending]
            lookups = {
                url: http.submit(pool, archive.base_url, launches.track(archive.closest), url, article.date)
                for url in fresh
            }
            for url in fresh:
                pending[url] = (http.submit(pool, url, http.fetch, url), lookups[url])
            if cited:
                for url in wanted:
                    if url not in prepared and (url in lookups or url in guessed):
                        prepared[url] = _prepared(url)

        def _prepared(url: str) -> Future[tuple[LinkCheck, _SourceText]]:
            live, archived = pending[url]
            capture = _after(pool, (archived,), lambda: _read_capture(url, archived.result(), claims, http))
            waits: list[Future[Any]] = [live, archived, capture]
            if options.speculate and claims:
                waits.append(_after(pool, (live,), lambda: _speculate(url, live.result(), archived, claims)))
            return _after(
                pool,
                waits,
                lambda: _prepare(url, live.result(), archived.result(), claims, http, archive.saver, capture.result()),
            )

        start([article.url], cited=False)
        # Links whose href the stored copy kept need nothing from the original: start them at once.
        start(c.href for c in article.citations if c.href is not None and _is_web_url(c.href))
        live, archived = pending[article.url]
        original = link_check(article.url, live.result(), archived.result())
        offline_network = _network_down(original, archive.base_url)
        if offline_network:
            original = _as_unreachable(original)
        if original.evidence_page is not None and original.evidence_page.text:
            # The stripped links that the original's capture surely resolves are requested before it is extracted
            # (a few milliseconds, on the path every citation's requests wait for); recovery below decides.
            anchors = page_anchors(original.evidence_page.text, original.evidence_page.url)
            likely = [url for url in likely_targets(article.citations, anchors) if _is_web_url(url)]
            guessed.update(url for url in likely if url not in pending)
            start(likely, cited=False)
        # The article's own reading waits until the archive lookups' requests have left: run beside them, it would
        # hold the interpreter while they are being sent.
        launches.settle()
        original_text, original_note = _original_text(original)
        targets = recover_targets(
            article.citations,
            original_text.links if original_text else None,
            unavailable=original_note,
            page_links=original_text.page_links if original_text else (),
        )
        start(t.url for t in targets if t.url is not None and _is_web_url(t.url))
        launches.settle()
        comparison = _compare(article, original_text) if original_text else None
        ready = {url: future.result() for url, future in prepared.items()}
    link_checks = {url: check for url, (check, _) in ready.items()}
    sources = {url: text for url, (_, text) in ready.items()}
    if offline_network:
        link_checks = {url: _as_unreachable(check) for url, check in link_checks.items()}
        sources = {url: _source_text(check) for url, check in link_checks.items()}
    candidates = _Candidates(article, targets, sources)
    changes = {change.id: change for change in comparison.statements} if comparison else {}
    judged: list[StatementResult] = []
    not_weighed = 0
    for statement in article.statements:
        spent = http.run_spent()
        if spent:
            own = candidates.own_sources(statement)
            judged.append(_not_weighed(statement, spent, own, others=candidates.has_others(statement)))
            not_weighed += 1
        else:
            judged.append(_judge(statement, candidates, comparison, changes, options.entailment))
    results = tuple(judged)
    unread, sources_unread = _unread(original, original_text, targets, link_checks, sources)
    if sources_unread:
        results = tuple(_as_unverifiable(result) for result in results)
    notes = (original_note,) if original_note else ()
    if unread and not offline_network:
        notes = (*notes, _unread_note(unread))
    if not_weighed:
        notes = (
            *notes,
            f"{not_weighed} of {len(results)} statements were not weighed against their sources: the run's time limit "
            "(--max-time) was reached first; each is unverifiable",
        )
    if offline_network:
        notes = (
            "the network was unreachable: no host name could be resolved, not even the archive's; "
            "nothing was checked. Run again with the network, or replay a cassette with --replay-only.",
            *notes,
        )
    return Report(
        article=article,
        tool_version=__version__,
        offline=False,
        notes=notes,
        original=original,
        targets=targets,
        links=tuple(link_checks.values()),
        comparison=comparison,
        results=results,
        network_down=offline_network,
        unread=unread,
        coverage=_coverage(unread, original_text, sources, offline_network, not_weighed),
    )


class _Launches:
    """The archive lookups whose first request has not left yet: the main thread's own work waits for them.

    Every thread holds the interpreter in turn: the article's extraction and comparison, run while the citations'
    requests are being sent, would spread those requests over their own time, on the path the whole run waits for.
    """

    #: The longest wait: a lookup queued behind its host's cap, a busy pool or the archive's rate limit leaves later.
    SETTLE = 0.02

    def __init__(self) -> None:
        self._waiting = 0
        self._changed = threading.Condition()

    def track(self, work: Callable[..., T]) -> Callable[..., T]:
        with self._changed:
            self._waiting += 1
        gone = False

        def left() -> None:  # on the lookup's own thread: when its first request leaves, and when it ends
            nonlocal gone
            if not gone:
                gone = True
                with self._changed:
                    self._waiting -= 1
                    self._changed.notify_all()

        def launched(*args: Any) -> T:
            try:
                with on_departure(left):
                    return work(*args)
            finally:
                left()

        return launched

    def settle(self) -> None:
        with self._changed:
            self._changed.wait_for(lambda: self._waiting == 0, self.SETTLE)


# A page that answered that it is gone, and that the archive never kept: read as far as it can be, not unverifiable.
def _unread(
    original: LinkCheck,
    original_text: Extracted | None,
    targets: Sequence[Target],
    checks: dict[str, LinkCheck],
    texts: dict[str, _SourceText],
) -> tuple[tuple[str, ...], bool]:
    """The pages that could not be read ("URL: why"), and whether a cited source is among them.

    A source that was blocked, refused, rate-limited or timed out, or whose copy has no text to read, is unread; so
    is every stripped link when the archived original that would give its target could not be read. One dead and
    never archived is a finding, not a failure to read. A statement may be weighed against any source of the article
    (its own, and the others closest to it: see _Candidates), so an unread source leaves every unsourced statement
    unverifiable.
    """
    unread: dict[str, str] = {}
    if original_text is None and not original.gone:
        unread[original.url] = f"{original.url}: the original, {original.summary}"
    for url, check in checks.items():
        text = texts[url]
        if not text.sentences and not check.gone:
            unread[url] = f"{url}: {text.unavailable or check.summary}"
    stripped = original.url in unread and any(t.url is None for t in targets)
    return tuple(unread.values()), stripped or any(url in unread for url in checks)


def _as_unverifiable(result: StatementResult) -> StatementResult:
    if result.verdict.label is not Label.UNSOURCED:
        return result
    return dataclasses.replace(result, unverifiable=True)


def _unread_note(unread: Sequence[str], shown: int = 5) -> str:
    more = f"; and {len(unread) - shown} more (the JSON report lists them)" if len(unread) > shown else ""
    return (
        f"{len(unread)} {'page' if len(unread) == 1 else 'pages'} could not be read, so no unsourced statement is "
        f"checked (each is unverifiable): " + "; ".join(unread[:shown]) + more
    )


def _coverage(
    unread: Sequence[str],
    original_text: Extracted | None,
    texts: dict[str, _SourceText],
    network_down: bool,
    not_weighed: int = 0,
) -> Coverage:
    if network_down:
        return Coverage.NOTHING
    if not unread and not not_weighed:
        return Coverage.CHECKED
    read_any = original_text is not None or any(text.sentences for text in texts.values())
    return Coverage.PARTLY if read_any else Coverage.NOTHING


def _compare(article: Article, original: Extracted) -> Comparison:
    """The stored copy against the original's text, its photo captions first (extractors leave them out).

    Sentences of the original that the stored copy keeps as something other than a statement (the related-article
    line, the photo credit) are not "missing from the stored copy".
    """
    comparison = compare(
        [(s.id, s.text) for s in article.statements],
        (*original.captions, *original.paragraphs),
        outside=original.outside,
    )
    kept = [normalise(block.text) for block in article.blocks if block.kind not in STATEMENT_BLOCKS]
    missing = tuple(s for s in comparison.missing_from_stored if not any(normalise(s) in text for text in kept))
    return dataclasses.replace(comparison, missing_from_stored=missing)


T = TypeVar("T")


def _started_pool(workers: int) -> ThreadPoolExecutor:
    """A pool whose threads are all running before the first request goes out.

    A pool starts a thread per task as tasks arrive, and `Thread.start` waits for the new thread to take the GIL,
    which busy workers hold for up to a switch interval each: started lazily, the last of 16 first requests left
    ~40-80 ms after the first. Started together, before any request, they cost well under a millisecond each.
    """
    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="verify")
    gate = threading.Barrier(workers)

    def wait() -> None:
        with contextlib.suppress(threading.BrokenBarrierError):
            gate.wait(timeout=5)

    for _ in range(workers):
        pool.submit(wait)  # each task blocks until all have started, so each submit starts a new thread
    return pool


def _after(pool: ThreadPoolExecutor, futures: Sequence[Future[Any]], work: Callable[[], T]) -> Future[T]:
    """`work` submitted to the pool once every one of `futures` is done, without a thread waiting for them."""
    result: Future[T] = Future()
    remaining = [len(futures)]
    lock = threading.Lock()

    def relay(inner: Future[T]) -> None:
        error = inner.exception()
        if error is not None:
            result.set_exception(error)
        else:
            result.set_result(inner.result())

    def one_done(done: Future[Any]) -> None:
        if done.cancelled():
            # The pool is being shut down (a run cut short), and this callback may run under its shutdown lock, where
            # submitting would wait for ever: the work is cancelled too.
            result.cancel()
            return
        with lock:
            remaining[0] -= 1
            if remaining[0]:
                return
        try:
            pool.submit(work).add_done_callback(relay)
        except RuntimeError as error:  # the pool was shut down meanwhile
            result.set_exception(error)

    for future in futures:
        future.add_done_callback(one_done)
    return result


def _prepare(
    url: str,
    live: Fetched,
    archived: ArchiveResult,
    claims: Sequence[str],
    http: Http,
    saver: PageSaver | None = None,
    capture: _SourceText | None = None,
) -> tuple[LinkCheck, _SourceText]:
    """A cited URL's check and text, and the statements that will weigh it analysed against that text while other
    sources are still on their way (the judge keeps the analyses). Once the run's time limit is spent, the page is
    not read: it is left unverifiable, as a page that was not fetched in time. `capture`: the capture's text, already
    read by `_read_capture`.

    With `saver` (`--save`), a cited page that is live but has no usable capture is captured now, and that capture
    is its evidence."""
    if saver is not None and live.ok and archived.outcome in _NO_CAPTURE:
        archived = saver.save(url, archived)
    check = link_check(url, live, archived)
    if capture is not None and check.evidence is EvidenceCopy.ARCHIVE:
        return check, capture
    spent = http.run_spent()
    if spent and check.evidence_page is not None:
        why = spent.removeprefix("not fetched: ")
        return check, _SourceText(None, f"timed out: {why} before it was read: unverifiable", None, url, Failure.UNREAD)
    return check, _weighed(lambda: _source_text(check), claims)


_NO_CAPTURE = (ArchiveOutcome.NOT_ARCHIVED, ArchiveOutcome.ONLY_JUNK)


def _read_capture(url: str, archived: ArchiveResult, claims: Sequence[str], http: Http) -> _SourceText | None:
    """A usable capture is the evidence whatever the live page says, so it is read (and the statements analysed
    against it) as soon as the archive answers, without waiting for the live page: a page that moved answers after
    its capture, and its reading used to be left for after the last answer. None: no usable capture, or the run's
    time is spent (`_prepare` then says why)."""
    if archived.page is None or not capture_is_evidence(archived) or http.run_spent():
        return None
    page, capture_url = archived.page, archived.capture.permalink if archived.capture else None
    return _weighed(lambda: _page_text(page, url, capture_url), claims)


def _weighed(read: Callable[[], _SourceText], claims: Sequence[str]) -> _SourceText:
    """A cited page's text (`read`), with the statements analysed against it, one such task at a time (`_CPU`; the
    reading takes it too, unless the page is read by the other process)."""
    text = read()
    if text.sentences:
        with _CPU:
            prepare(claims, text.sentences)
    return text


def _network_down(original: LinkCheck, archive_url: str) -> bool:
    """No name resolves, the archive's included: this machine has no network, and no page is really dead."""
    archive_host = urlsplit(archive_url).hostname or ""
    dns_failed = f"DNS lookup failed for {archive_host}"
    return bool(archive_host) and dns_failed in original.archive.detail and "DNS lookup failed" in original.live.detail


def _as_unreachable(check: LinkCheck) -> LinkCheck:
    live, archived = check.live, check.archive
    if live.outcome is Outcome.DEAD and "DNS lookup failed" in live.detail:
        live = dataclasses.replace(live, outcome=Outcome.UNREACHABLE, detail=f"network unreachable ({live.detail})")
    if (
        archived.outcome in (ArchiveOutcome.ERROR, ArchiveOutcome.UNREACHABLE)
        and "DNS lookup failed" in archived.detail
    ):
        archived = dataclasses.replace(
            archived, outcome=ArchiveOutcome.UNREACHABLE, detail=f"network unreachable ({archived.detail})"
        )
    return dataclasses.replace(check, live=live, archive=archived)


def _is_web_url(url: str) -> bool:
    return url.startswith(("http://", "https://"))


def _original_text(original: LinkCheck) -> tuple[Extracted | None, str]:
    """The original's text and body links (the capture at the article's date, else the live page), or why none."""
    page = original.evidence_page
    if page is None or not page.text:
        return None, f"no copy of the original to compare with: {original.summary}"
    note = (
        ""
        if original.evidence is EvidenceCopy.ARCHIVE
        else (
            f"the original was not found in the archive ({original.archive.detail}); its live page stands in for it "
            "and may have changed since the article was stored"
        )
    )
    return extract(page.text, base_url=original.url), note


@dataclass(frozen=True)
class _SourceText:
    """A cited page's sentences, or why it has none: `failure` as data, `unavailable` in words."""

    sentences: tuple[str, ...] | None
    unavailable: str | None
    capture_url: str | None
    url: str
    failure: Failure | None = None


def _source_text(check: LinkCheck) -> _SourceText:
    page = check.evidence_page
    if page is None:
        # Dead and never archived is a finding; blocked, refused, timed out, unreachable or too large is not read.
        failure = Failure.GONE if check.gone else Failure.UNREAD
        return _SourceText(None, _unavailable_reason(check.live, check.archive), None, check.url, failure)
    capture = check.archive.capture if check.evidence is EvidenceCopy.ARCHIVE else None
    return _page_text(page, check.url, capture.permalink if capture else None)


def _page_text(page: Fetched, url: str, capture_url: str | None) -> _SourceText:
    """The text of the copy of `url` that is its evidence (`capture_url`: the capture's permalink, if it is one)."""
    sentences = _sentences(page, url)
    if sentences is None:
        kind = page.content_type or "unknown type"
        why = f"source is {kind}, not a page whose text can be read: unverifiable"
        return _SourceText(None, why, None, url, Failure.UNREAD)
    if not sentences:
        return _SourceText(None, "source page has no readable text: unverifiable", capture_url, url, Failure.UNREAD)
    return _SourceText(sentences, None, capture_url, url)


def _sentences(page: Fetched, url: str, wanted: Callable[[], bool] = lambda: True) -> tuple[str, ...] | None:
    """The sentences of a page's text; None when the page is neither HTML nor text. An HTML page is read by the page
    reader's process when it is free (`verify.reader`), else here, one reading at a time (`_CPU`), and then only if
    it is still `wanted` once its turn comes (empty when not)."""
    mime = page.content_type.lower()
    if "html" in mime or (not mime and page.outcome is not Outcome.NOT_HTML):
        html = page.body or page.text
        read = READER.read(html, url)
        if read is not None:
            return read
        with _CPU:
            return page_sentences(html, url) if wanted() else ()
    if page.text.strip():
        # Plain text, or the text Http extracted from a PDF.
        paragraphs = [p for p in re.split(r"\n\s*\n", page.text) if p.strip()]
        with _CPU:
            return tuple(s for p in paragraphs for s in evidence_sentences(p))
    return None


def _unavailable_reason(live: Fetched, archived: ArchiveResult) -> str:
    live_part = {
        Outcome.DEAD: f"dead ({live.detail})",
        Outcome.SOFT_404: f"gone (soft 404: {live.detail})",
        Outcome.BLOCKED: f"blocked ({live.detail}): unverifiable",
        Outcome.RATE_LIMITED: f"rate-limited ({live.detail}): unverifiable",
        Outcome.TIMED_OUT: f"timed out ({live.detail}): unverifiable",
        Outcome.UNREACHABLE: f"unreachable ({live.detail}): unverifiable",
        Outcome.REFUSED: f"refused ({live.detail})",
        Outcome.TOO_LARGE: f"too large ({live.detail}): unverifiable",
    }.get(live.outcome, f"{live.outcome.value} ({live.detail})")
    archive_part = {
        ArchiveOutcome.NOT_ARCHIVED: "never archived",
        ArchiveOutcome.ONLY_JUNK: "archived only as error or junk pages",
    }.get(archived.outcome, f"archive {archived.outcome.value} ({archived.detail})")
    return f"{live_part} and {archive_part}"


# One task at a time reads a source's text and weighs the statements against it. The interpreter runs one thread at
# a time anyway; interleaved, each task's work was stretched over everyone's, and the last capture's text, which the
# article's check waits on, was ready later. `python bench/speed_bench.py --one --no-cli`, three rounds each,
# interleaved (load 0.5): critical-path ratio 1.27/1.29/1.30 without the lock, 1.22/1.26/1.26 with it; a gate that
# put captures' text before speculation (1.22/1.26/1.28) was no better. Articles/s at 20 ms a request unchanged
# (2.99/3.80 without, 3.63/3.42 with: noise). Reading and weighing now take it one after the other, each on its own
# (`_sentences`, `_weighed`), so that a page read by the page reader's process (`verify.reader`) holds it for nothing.
_CPU = threading.Lock()


def _speculate(url: str, live: Fetched, archived: Future[ArchiveResult], claims: Sequence[str]) -> None:
    """While the archive's copy of a cited page is still on its way, its live copy is read and every statement
    analysed against it. The capture is the evidence when there is one, and it usually has the live page's text (a
    source seldom changes once published): its analyses are then found done, and only its extraction is left for
    after the last answer.

    It costs an extraction of the live page, so it is done only when there is a wait to fill: the archive has not
    answered yet, and the live page took long enough (SPECULATE_AFTER) for its round trip to be a real network's.
    Below that (a loaded loopback, a cache hit) the extra extraction cost more CPU than the wait it filled: on the
    speed bench at 20 ms a request, speculating on every page took 30% more CPU per article and 13% fewer articles/s.
    """
    if archived.done() or not live.ok or live.elapsed < SPECULATE_AFTER:
        return
    # The archive may answer while this page waits for its turn: its answer is then read instead.
    sentences = _sentences(live, url, wanted=lambda: not archived.done())
    if sentences:
        with _CPU:
            if not archived.done():
                prepare(claims, sentences)


def _judge(
    statement: Statement,
    candidates: _Candidates,
    comparison: Comparison | None,
    changes: dict[str, StatementChange],
    entailment: Entailment | None = None,
) -> StatementResult:
    change = changes.get(statement.id) if comparison is not None else None
    own, others, others_total = candidates.sources_for(statement)
    caption = statement.kind is BlockKind.CAPTION
    judge = functools.partial(
        judge_statement,
        statement.id,
        statement.text,
        changed=_change_reason(statement, change, comparison),
        has_citation=bool(statement.citations),
        # A caption describes the picture: it names no one as its source, whatever its words look like.
        attribution=statement.attribution.source if statement.attribution and not caption else None,
        entailment=entailment,
    )
    if others_total is not None:
        # A large article: the other sources are weighed only when its own citations do not decide. The label is the
        # same either way (the judge goes by the first source that carries or contradicts the statement, its own
        # citations first); only further sources that also carry it go unlisted.
        verdict = judge(own)
        if verdict.label is not Label.UNSOURCED:
            return StatementResult(
                statement=statement, verdict=_caption_verdict(verdict) if caption else verdict, change=change
            )
    verdict = judge([*own, *others], others_total=others_total)
    if caption:
        verdict = _caption_verdict(verdict)
    return StatementResult(statement=statement, verdict=verdict, change=change)


def _caption_verdict(verdict: Verdict) -> Verdict:
    """A photo caption says what a picture shows (who, where, when): a source carries it only with all of it. A
    passage about the same subject that lacks the place or the day ("Ferries at the pier on Tuesday" against a
    timetable) does not."""
    if verdict.label is not Label.SOURCED or not verdict.evidence:
        return verdict
    complete = [e for e in verdict.evidence if not e.unmatched]
    if complete:
        return dataclasses.replace(verdict, evidence=tuple(complete))
    closest = verdict.evidence[0]
    missing = ", ".join(f"'{word}'" for word in closest.unmatched)
    reason = (
        f"a photo caption is carried only by a passage with all of it: the closest, in {closest.role.value} "
        f"{closest.url}, does not say {missing}"
    )
    return dataclasses.replace(verdict, label=Label.UNSOURCED, reason=reason, evidence=(closest,))


def _not_weighed(statement: Statement, why: str, own: Sequence[Source], others: bool = False) -> StatementResult:
    """A statement left unjudged because the run's time limit was spent: unsourced and unverifiable. Its failed sources
    are its own citations: one that was read was not checked against it, and one that was not says why; `others`: the
    article has other sources, which were not weighed against it either."""
    spent = why.removeprefix("not fetched: ")
    reason = f"not checked: {spent} before this statement was weighed against its sources"
    unweighed = f"{spent} before this statement was weighed against it"
    failures = tuple(
        SourceFailure(source.url, source.role, Failure.NOT_CHECKED, unweighed)
        if source.sentences
        else SourceFailure.of(source)
        for source in own
    )
    verdict = Verdict(
        statement.id,
        Label.UNSOURCED,
        reason,
        (),
        0.0,
        (),
        failures=failures,
        other_sources=OtherSources.NOT_WEIGHED if others else None,
        unverifiable=True,
        uncited=not statement.citations,
    )
    return StatementResult(statement, verdict, None, unverifiable=True)


def _change_reason(statement: Statement, change: StatementChange | None, comparison: Comparison | None) -> str | None:
    if change is None or comparison is None:
        return None
    if statement.kind is BlockKind.CAPTION and change.change is Change.ABSENT:
        # Article extractors leave photo captions out of the text; not finding one proves nothing.
        return None
    if change.change is Change.SUBSTANTIVE:
        what = ", ".join(change.kinds) or "wording"
        return f"changed from the archived original ({what}): {change.diff}"
    if change.change is Change.ABSENT:
        # compare calls a statement absent only when it is in none of the capture's visible text, and the capture
        # is whole (its body, or 90% of the statements found in its text).
        return "absent from the archived original: not in its article body nor anywhere else in its visible text"
    return None


# Other sources weighed per statement beyond its own citations: every one in an article with up to this many (in
# article order), else the ones that share most of its rarer words (closest first). Each (statement, source) pair weighed costs an analysis, so without a
# bound an article of N citations costs N x N of them (1,000 citations took over 400 s).
MAX_OTHER_SOURCES = 16
# Postings read per statement to rank the others: its terms are taken from the rarest up until this many sources
# have been counted, so a word that every source uses ("budget", "said") costs nothing.
RANKING_POSTINGS = 256


class _Candidates:
    """The sources of an article indexed once, so that each statement finds its candidates by dict and set look-ups:
    its own citations, and the other sources (attributed documents first) that it shares the rarest words with."""

    def __init__(self, article: Article, targets: Sequence[Target], texts: dict[str, _SourceText]) -> None:
        self.texts = texts
        self.own: dict[str | None, list[Target]] = {}
        self.first: dict[str, int] = {}  # each URL's first place among the targets
        for n, target in enumerate(targets):
            self.own.setdefault(target.citation.statement_id, []).append(target)
            if target.url is not None:
                self.first.setdefault(target.url, n)
        self.speakers = {
            s.id: frozenset(_speaker(s.attribution.source)) for s in article.statements if s.attribution is not None
        }
        # The speaker words of the statements that cite each URL: the documents a statement attributes.
        self.cited_by: dict[str, set[str]] = {}
        for target in targets:
            if target.url is not None and target.citation.statement_id in self.speakers:
                self.cited_by.setdefault(target.url, set()).update(self.speakers[target.citation.statement_id])

    def sources_for(self, statement: Statement) -> tuple[list[Source], list[Source], int | None]:
        """Candidate sources in the order the judge weighs them: own citations, then the others (attributed documents
        first), and how many other sources the article has when only the closest were kept (None when all were)."""
        sources = self.own_sources(statement)
        seen = self._own_urls(statement)
        others = len(self.first) - len(seen)
        if others <= MAX_OTHER_SOURCES:
            chosen = [url for url in self.first if url not in seen]
        else:
            chosen = self._closest(statement, seen)
        speaker = self.speakers.get(statement.id, frozenset())
        attributed = [url for url in chosen if speaker & self.cited_by.get(url, set())]
        rest = [url for url in chosen if not speaker & self.cited_by.get(url, set())]
        weighed = [self._source(url, SourceRole.ATTRIBUTED) for url in attributed]
        weighed += [self._source(url, SourceRole.OTHER) for url in rest]
        return sources, weighed, (others if others > MAX_OTHER_SOURCES else None)

    def has_others(self, statement: Statement) -> bool:
        """Whether the article cites a URL that the statement does not."""
        return len(self.first) > len(self._own_urls(statement))

    def _own_urls(self, statement: Statement) -> set[str]:
        return {target.url for target in self.own.get(statement.id, ()) if target.url is not None}

    def own_sources(self, statement: Statement) -> list[Source]:
        """The statement's own citations as sources, each URL once, in article order; a link not recovered is named by
        its anchor text."""
        sources: list[Source] = []
        seen: set[str] = set()
        for target in self.own.get(statement.id, ()):
            if target.url is None:
                why = f"{TARGET_UNKNOWN} ({target.detail})"
                sources.append(Source(target.citation.anchor, SourceRole.OWN, None, why, failure=Failure.NOT_RECOVERED))
            elif target.url not in seen:
                seen.add(target.url)
                sources.append(self._source(target.url, SourceRole.OWN))
        return sources

    @functools.cached_property
    def postings(self) -> dict[str, list[str]]:
        """Each term, and the readable sources that use it, in article order (only an article with many sources
        needs them)."""
        postings: dict[str, list[str]] = {}
        for url in self.first:
            text = self.texts.get(url)
            if text is not None and text.sentences:
                for term in source_terms(text.sentences):
                    postings.setdefault(term, []).append(url)
        return postings

    def _closest(self, statement: Statement, own: set[str]) -> list[str]:
        """The other sources that share most of the statement's rarer terms (idf-weighted), closest first."""
        terms = sorted(
            (term for term in statement_terms(statement.text) if term in self.postings),
            key=lambda term: (len(self.postings[term]), term),
        )
        scores: dict[str, float] = {}
        counted = 0
        for term in terms:
            if counted and counted + len(self.postings[term]) > RANKING_POSTINGS:
                break
            urls = self.postings[term][:RANKING_POSTINGS]
            counted += len(urls)
            weight = math.log((len(self.first) + 1) / len(self.postings[term]))
            for url in urls:
                if url not in own:
                    scores[url] = scores.get(url, 0.0) + weight
        return sorted(scores, key=lambda url: (-scores[url], self.first[url]))[:MAX_OTHER_SOURCES]

    def _source(self, url: str, role: SourceRole) -> Source:
        text = self.texts.get(url)
        if text is None:
            scheme = urlsplit(url).scheme or "no scheme"
            why = f"{NOT_A_WEB_LINK} ({scheme}), never fetched"
            return Source(url, role, None, why, failure=Failure.NOT_A_WEB_LINK)
        return Source(url, role, text.sentences, text.unavailable, text.capture_url, failure=text.failure)


_NAME = re.compile(r"[A-Z][\w'-]+")
_GENERIC = frozenset({"the", "a", "an", "it", "he", "she", "they"})


def _speaker(source: str) -> set[str]:
    """The words that name a speaker: its capitalised words, or all its words when it has none ("officials")."""
    names = {w.casefold() for w in _NAME.findall(source)} - _GENERIC
    return names or {w.casefold() for w in source.split()} - _GENERIC


# --------------------------------------------------------------------------------------------------------------
# Offline


def _not_fetched(target: Target) -> str:
    if target.url is not None:
        return f"{NOT_CHECKED}: the cited source {target.url} was not fetched"
    return (
        f"{NOT_CHECKED}: the link on {target.citation.anchor!r} was stripped to # in the stored copy, and recovering it "
        "needs the archived original"
    )


def _offline_report(article: Article) -> Report:
    targets = recover_targets(
        article.citations, None, unavailable=f"{NOT_CHECKED}: the archived original was not fetched"
    )
    results = []
    for statement in article.statements:
        sources = [
            Source(t.url or t.citation.anchor, SourceRole.OWN, None, _not_fetched(t), failure=Failure.NOT_CHECKED)
            for t in targets
            if t.citation.statement_id == statement.id
        ]
        verdict = judge_statement(statement.id, statement.text, sources, changed=None, has_citation=bool(sources))
        results.append(StatementResult(statement=statement, verdict=verdict, change=None, unverifiable=True))
    notes = (
        "--offline: nothing was fetched. The original URL, the archive and the cited sources were not checked; "
        "stripped links were not recovered; the stored copy was not compared with the archived original.",
    )
    return Report(
        article=article,
        tool_version=__version__,
        offline=True,
        notes=notes,
        original=None,
        targets=targets,
        links=(),
        comparison=None,
        results=tuple(results),
        coverage=Coverage.NOTHING,
    )

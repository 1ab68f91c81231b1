"""Speed of `verify check` on a loopback web with a fixed latency, one figure a line; the last line is the ratio of
one article's wall time to its critical path (the longest chain of requests that must wait for one another).

    python bench/speed_bench.py                  # all figures, under five minutes on 2 cores
    python bench/speed_bench.py --articles 50    # a smaller throughput run

Sections: (1) one article, 8 citations, 100 ms a request: wall, critical path, ratio, --concurrency 1 and the CLI
path; (2) many articles at 20 ms: articles/s, requests/s, peak memory; (3) link checking alone, verify's Http vs
linkinator (npm); (4) CPU per article replayed from a cassette beside trafilatura.extract; (5) compare and judge on
texts 1x, 4x, 16x the seed's length; (6) the Memento step's requests when the Wayback Machine has a usable
capture (counted at the loopback web; `--memento` runs only this section); (7) one article with 100, 1,000 and 10,000
citations (`--citations 100,1000` runs only this section, for these counts); (8) Ctrl-C during a run (`--interrupt`).
Politeness (requests in flight per host, archive rate) is printed per run.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import os
import re
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from loopback_web import Logged, LoopbackWeb

from verify.archive import DEFAULT_BURST, DEFAULT_RATE, default_limiter
from verify.article import read_article
from verify.batch import Settings
from verify.extract import extract
from verify.http import Fetched, Http, HttpOptions
from verify.pipeline import USER_AGENT, Checker, CheckOptions, _after, _started_pool, archive_slots

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "examples" / "000_8fc51db70bd3123f.txt"
DEMO = ROOT / "examples" / "demo" / "harbour-bridge.md"
LINKINATOR_DIR = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "verify-bench" / "linkinator"
WORDS = [
    "harbour",
    "council",
    "budget",
    "report",
    "tunnel",
    "ferry",
    "station",
    "library",
    "school",
    "bridge",
    "market",
    "canal",
]
FILLER = (
    "The council published the figures after a meeting that ran late into the evening. Residents who attended "
    "asked about the timetable, the cost to local businesses and the works planned for the next two years. "
    "Officials answered most questions and promised a further update in the spring."
)


# --------------------------------------------------------------------------------------------------------------
# The fictional web


@dataclasses.dataclass(frozen=True)
class Site:
    articles: list[Path]
    article_urls: list[str]
    pages: dict[str, dict[str, Any]]
    aliases: dict[str, str]  # redirect target -> the URL whose chain it belongs to


def build_site(web: LoopbackWeb, folder: Path, articles: int, citations: int) -> Site:
    """`articles` stored copies with `citations` stripped links each, their originals, sources and captures."""
    pages_dir, stored_dir = folder / "web", folder / "articles"
    pages_dir.mkdir(parents=True, exist_ok=True)
    stored_dir.mkdir(parents=True, exist_ok=True)
    pages: dict[str, dict[str, Any]] = {}
    aliases: dict[str, str] = {}
    paths, urls = [], []
    news = web.live[0]
    for i in range(articles):
        url = f"{news}/2024/03/12/story-{i}"
        stored_paragraphs, html_paragraphs = [], []
        for j in range(citations):
            word = WORDS[j % len(WORDS)]
            millions = 2 + (i * 7 + j * 3) % 90
            fact = f"the {word} budget for project {i}-{j} rose to {millions} million dollars in 2023"
            source = f"{web.live[1 + j % (len(web.live) - 1)]}/sources/{i}/{j}"
            anchor = f"{word} report {j}"
            stored_paragraphs.append(f"Officials said {fact}, the [{anchor}](#) shows.")
            html_paragraphs.append(f'<p>Officials said {fact}, the <a href="{source}">{anchor}</a> shows.</p>')
            name = f"source-{i}-{j}.html"
            report = (f"Report {j} on project {i}", [f"{fact[0].upper()}{fact[1:]}.", FILLER, FILLER])
            (pages_dir / name).write_text(_html(*report, served="2024-11-30 09:00"), encoding="utf-8")
            captured = f"source-{i}-{j}-capture.html"
            (pages_dir / captured).write_text(_html(*report, served="2024-03-01 12:00"), encoding="utf-8")
            capture = {"timestamp": "20240301120000", "file": captured}
            if j == 0:  # a moved page: the live check follows one redirect hop
                moved = f"{source}/moved"
                pages[source] = {"live": [{"status": 301, "location": moved, "body": ""}], "captures": [capture]}
                pages[moved] = {"live": [{"status": 200, "file": name}]}
                aliases[moved] = source
            else:
                pages[source] = {"live": [{"status": 200, "file": name}], "captures": [capture]}
        name = f"story-{i}.html"
        title = f"Council reports on project {i}"
        (pages_dir / name).write_text(_html(title, [*html_paragraphs, f"<p>{FILLER}</p>"], raw=True), encoding="utf-8")
        pages[url] = {
            "live": [{"status": 200, "file": name}],
            "captures": [{"timestamp": "20240312101500", "file": name}],
        }
        markdown = "\n\n".join([f"# {title}", "March 12, 2024", *stored_paragraphs, FILLER, f"Original url: <{url}>"])
        path = stored_dir / f"story-{i:04d}.md"
        path.write_text(markdown + "\n", encoding="utf-8")
        paths.append(path)
        urls.append(url)
    web.serve(pages_dir, pages)
    return Site(paths, urls, pages, aliases)


def _html(title: str, paragraphs: Sequence[str], raw: bool = False, served: str | None = None) -> str:
    """A page of the fictional web. `served` (a cited source's) adds chrome that depends on when the page was made (a
    "most read" list and a time stamp), as a page's archived copy differs from its live one around the same text."""
    body = "\n".join(p if raw else f"<p>{p}</p>" for p in paragraphs)
    chrome = ""
    if served is not None:
        day = int(served[8:10])
        most_read = "".join(
            f"<li><a href='/most-read/{served[:10]}/{n}'>{WORDS[(day + n * 5) % len(WORDS)]} story {n}</a></li>"
            for n in range(5)
        )
        chrome = f"<aside><h2>Most read</h2><ul>{most_read}</ul></aside><p>Page made {served}.</p>"
    return (
        f"<!doctype html><html lang=en><head><meta charset=utf-8><title>{title}</title></head><body>"
        f"<header><nav><a href='/'>Home</a></nav></header><main><article><h1>{title}</h1>"
        f"<time datetime='2024-03-12'>March 12, 2024</time>\n{body}\n</article></main>{chrome}"
        "<footer><p>Example News, a fictional site.</p></footer></body></html>"
    )


# --------------------------------------------------------------------------------------------------------------
# Figures from the request log


def chain_of(entry: Logged, aliases: dict[str, str]) -> tuple[str, str]:
    """(the URL a request was made for, 'live' or 'archive')."""
    if not entry.archive:
        return aliases.get(entry.url, entry.url), "live"
    parts = urlsplit(entry.url)
    if parts.path.endswith("/cdx/search/cdx") or parts.path.endswith("/wayback/available"):
        return parse_qs(parts.query).get("url", [""])[0], "archive"
    raw = re.search(r"/web/\d{14}(?:id_)?/(.+)$", entry.url)
    return (raw.group(1) if raw else entry.url), "archive"


def critical_requests(log: Sequence[Logged], site: Site, article: int) -> int:
    """Requests on the longest dependent chain: original (live ‖ CDX → capture), then the slowest citation."""
    counts: Counter[tuple[str, str]] = Counter(chain_of(e, site.aliases) for e in log)
    original = site.article_urls[article]

    def chain(url: str) -> int:
        return max(counts[(url, "live")], counts[(url, "archive")])

    citations = {url for url, _ in counts if url != original}
    return chain(original) + max((chain(u) for u in citations), default=0)


def politeness(web: LoopbackWeb, label: str, per_host: int, archive_cap: int, archive_rate: float) -> None:
    """What the server saw, beside the caps verify was run with (sites: HttpOptions.per_host; the archive host:
    `archive_slots`, at most --concurrency, with the rate limiter on top)."""
    log = list(web.stats.log)
    live_max = max((n for h, n in web.stats.max_in_flight.items() if h != "archive"), default=0)
    archive_max = web.stats.max_in_flight.get("archive", 0)
    print(f"{label} max concurrent requests per live host: {live_max} (per-host cap {per_host})")
    print(f"{label} max concurrent archive requests: {archive_max} (cap {archive_cap})")
    if live_max > per_host or archive_max > archive_cap:
        print(f"{label} POLITENESS VIOLATED: a cap was exceeded")
    starts = sorted(e.start for e in log if e.archive)
    if len(starts) > 1:
        span = starts[-1] - starts[0]
        window = max(sum(1 for s in starts if t <= s < t + 1.0) for t in starts)
        print(
            f"{label} archive requests: {len(starts)}, mean rate {len(starts) / max(span, 1e-9):.1f}/s, "
            f"most in any 1 s: {window} (limiter {archive_rate:g}/s)"
        )


# --------------------------------------------------------------------------------------------------------------
# Running verify


def api_check(paths: Sequence[Path], concurrency: int, rate: float = 1000.0, memento: bool = False) -> float:
    """verify in-process, configured exactly as `verify check --no-record --allow-private --archive-url URL
    --archive-rate RATE --concurrency N` configures it (Checker.for_settings); `memento` adds `--archives
    wayback,memento --memento-url URL/timemap/link/` (the loopback archive answers TimeMaps too)."""
    settings = Settings(
        out_dir=Path(tempfile.gettempdir()),
        concurrency=concurrency,
        record_mode="off",
        archive_url=WEB_ARCHIVE[0],
        archive_rate=rate,
        allow_private=True,
        archives=("wayback", "memento") if memento else ("wayback",),
        memento_url=f"{WEB_ARCHIVE[0]}/timemap/link/",
    )
    with Checker.for_settings(settings) as checker:
        start = time.perf_counter()
        for path in paths:
            article = read_article(path)
            report = checker.check(article, article.slug)
            LABELS.update(r.verdict.label.value for r in report.results)
        return time.perf_counter() - start


WEB_ARCHIVE: list[str] = []
LABELS: Counter[str] = Counter()


def cli_check(path: Path, out: Path, concurrency: int, rate: float | None = None) -> float:
    command = [
        *(sys.executable, "-m", "verify", "check", str(path), "--no-record", "--allow-private"),
        *(("--archive-rate", str(rate)) if rate else ()),
        *("--archive-url", WEB_ARCHIVE[0], "--out", str(out), "--fail-on", "never", "--concurrency", str(concurrency)),
    ]
    out.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, cwd=out)
    return time.perf_counter() - start


def one_article(web: LoopbackWeb, folder: Path, cli: bool, repeats: int = 9) -> float:
    web.latency = 0.1
    concurrency = CheckOptions().concurrency  # verify check's default --concurrency
    # Articles of the same shape: the first warms up imports, the judge's model and connections, and each of the
    # others is measured on its own (checking the same article twice would find its analyses already made). The
    # median of `repeats` runs, because one run moves by +-5% on this VM.
    site = build_site(web, folder / "one", 1 + repeats, 8)
    api_check(site.articles[:1], concurrency)
    runs: list[tuple[float, float, int, int]] = []
    most: dict[str, int] = {}
    for k in range(1, 1 + repeats):
        web.stats.reset()
        took = api_check(site.articles[k : k + 1], concurrency)
        log = list(web.stats.log)
        chain = critical_requests(log, site, k)
        runs.append((took / (chain * web.latency), took, chain, len(log)))
        for host, n in web.stats.max_in_flight.items():
            most[host] = max(most.get(host, 0), n)
    ratio, wall, chain, requests = sorted(runs)[len(runs) // 2]
    critical = chain * web.latency
    print(
        f"[1 API] one article, 8 citations, 100 ms/request, --concurrency {concurrency} (default): "
        f"{requests} requests, wall {wall:.2f} s (median of {repeats} articles; "
        f"range {min(r[1] for r in runs):.2f}-{max(r[1] for r in runs):.2f} s)"
    )
    print(f"[1 API] critical path: {chain} dependent requests x 100 ms = {critical:.2f} s")
    print(
        f"[1 API] wall / critical path: {ratio:.2f} (median; range {min(r[0] for r in runs):.2f}-{max(r[0] for r in runs):.2f})"
    )
    live_max = max((n for h, n in most.items() if h != "archive"), default=0)
    print(f"[1 API] max concurrent requests per live host: {live_max} (per-host cap {HttpOptions().per_host})")
    print(f"[1 API] max concurrent archive requests: {most.get('archive', 0)} (cap {concurrency})")
    if live_max > HttpOptions().per_host or most.get("archive", 0) > concurrency:
        print("[1 API] POLITENESS VIOLATED: a cap was exceeded")
    web.stats.reset()
    _clear_caches()  # the analyses of that article are kept from its run above
    serial = api_check(site.articles[1:2], 1)
    print(f"[1 API] --concurrency 1: wall {serial:.2f} s, ratio to critical path {serial / critical:.2f}")
    if cli:
        web.stats.reset()
        took = cli_check(site.articles[1], folder / "cli-out-fast", concurrency, rate=1000)
        print(f"[1 CLI] verify check --archive-rate 1000 (subprocess, start-up included): {took:.2f} s")
        politeness(web, "[1 CLI fast]", HttpOptions().per_host, concurrency, 1000)
        web.stats.reset()
        took = cli_check(site.articles[1], folder / "cli-out", concurrency)
        print(
            f"[1 CLI] verify check (subprocess, archive limiter {DEFAULT_RATE:g}/s burst {DEFAULT_BURST}): {took:.2f} s"
        )
        slots = archive_slots(concurrency, default_limiter())
        politeness(web, "[1 CLI]", HttpOptions().per_host, slots, DEFAULT_RATE)
    return ratio


def throughput(web: LoopbackWeb, folder: Path, articles: int) -> None:
    web.latency = 0.02
    site = build_site(web, folder / "many", articles, 8)
    web.stats.reset()
    LABELS.clear()
    before = resource.getrusage(resource.RUSAGE_SELF)
    concurrency = CheckOptions().concurrency
    wall = api_check(site.articles, concurrency)
    after = resource.getrusage(resource.RUSAGE_SELF)
    requests = len(web.stats.log)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    print(f"[2 API] {articles} articles x 8 citations, 20 ms/request, --concurrency {concurrency}: wall {wall:.1f} s")
    print(f"[2 API] articles/s: {articles / wall:.2f}")
    print(f"[2 API] requests/s: {requests / wall:.1f} ({requests} requests)")
    print(f"[2 API] CPU: {cpu / articles * 1000:.0f} ms/article (process, all threads)")
    print(
        f"[2 API] peak RSS of the bench process: {after.ru_maxrss / 1024:.0f} MB (before: {before.ru_maxrss / 1024:.0f} MB)"
    )
    print(f"[2 API] labels: {dict(sorted(LABELS.items()))}")
    politeness(web, "[2 API]", HttpOptions().per_host, concurrency, 1000)


def link_checking(web: LoopbackWeb, folder: Path, pages: int, concurrency: int) -> None:
    web.latency = 0.02
    site = build_site(web, folder / "links", pages, 8)
    urls = site.article_urls
    web.stats.reset()
    start = time.perf_counter()
    # As the pipeline works (and as linkinator crawls): the pipeline's own pool, its threads started before the first
    # request, and every fetch queued by host (Http.submit); each page's links extracted as soon as the page arrives
    # and fetched at once, each distinct link once.
    seen_links: dict[str, None] = {}
    lock = threading.Lock()
    with Http(HttpOptions(user_agent=USER_AGENT, allow_private=True)) as http, _started_pool(concurrency) as pool:

        def links_of(fetched: Fetched) -> list[Future[Fetched]]:
            found = [link.href for link in extract(fetched.text, base_url=fetched.url).links]
            with lock:
                new = [href for href in found if href not in seen_links]
                seen_links.update(dict.fromkeys(new))
            return [http.submit(pool, href, http.fetch, href) for href in new]

        fetched = [http.submit(pool, url, http.fetch, url) for url in urls]
        extracted = [_after(pool, (page,), lambda page=page: links_of(page.result())) for page in fetched]
        link_futures = [f for done in extracted for f in done.result()]
        outcomes = Counter(f.result().outcome.value for f in link_futures)
        links = list(seen_links)
    took = time.perf_counter() - start
    seen = len(web.stats.log)
    print(
        f"[3] verify Http.fetch, {pages} pages + {len(links)} links, pool of {concurrency}: {took:.2f} s, {seen} requests"
    )
    print(f"[3] verify outcomes: {dict(outcomes)}")
    print(f"[3] verify, most requests in flight at one host: {max(web.stats.max_in_flight.values())}")
    linkinator = _linkinator()
    if linkinator is None:
        print("[3] linkinator: skipped (npm is unavailable or `npm install linkinator` failed)")
        return
    web.stats.reset()
    command = [linkinator, *urls, "--recurse=false", "--concurrency", str(concurrency), "--format", "csv"]
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True)
    took = time.perf_counter() - start
    checked = max(0, len(done.stdout.splitlines()) - 1)
    print(f"[3] linkinator {pages} pages, --concurrency {concurrency}: {took:.2f} s, {len(web.stats.log)} requests")
    print(f"[3] linkinator links reported: {checked} (exit {done.returncode}; includes Node start-up)")
    print(f"[3] linkinator, most requests in flight at one host: {max(web.stats.max_in_flight.values())}")
    start = time.perf_counter()
    subprocess.run([linkinator, "--version"], capture_output=True)
    print(f"[3] linkinator start-up alone (linkinator --version): {time.perf_counter() - start:.2f} s")


def memento_requests(web: LoopbackWeb, folder: Path) -> bool:
    """The Memento step's cost, counted at the loopback web: an article whose every page has a usable Wayback capture
    is checked with and without `--archives wayback,memento` (the same requests expected, none to the aggregator);
    then, as a control that the count sees the step, the same with one cited page dead and never archived (one
    TimeMap request expected). Returns whether both counts are as expected."""
    web.latency = 0.005
    site = build_site(web, folder / "memento", 3, 8)
    counts: dict[str, tuple[int, int]] = {}
    for label, article, memento in (("wayback", 0, False), ("wayback,memento", 1, True)):
        web.stats.reset()
        api_check(site.articles[article : article + 1], CheckOptions().concurrency, memento=memento)
        log = list(web.stats.log)
        counts[label] = (len(log), sum(1 for e in log if "/timemap/link/" in e.url))
    (plain, _), (with_memento, timemaps) = counts["wayback"], counts["wayback,memento"]
    print(
        f"[6] Memento step, every page in the Wayback Machine: --archives wayback {plain} requests, "
        f"wayback,memento {with_memento} requests, of which {timemaps} to the aggregator (expected: equal, 0)"
    )
    # The control: article 2 with one cited page dead and never archived.
    dead = next(url for url in site.pages if "/sources/2/" in url and url.endswith("/3"))
    pages = {**site.pages, dead: {"live": [{"status": 404, "body": "<html><title>Not Found</title></html>"}]}}
    web.serve(folder / "memento" / "web", pages)
    web.stats.reset()
    api_check(site.articles[2:3], CheckOptions().concurrency, memento=True)
    control = sum(1 for e in web.stats.log if "/timemap/link/" in e.url)
    print(f"[6] control, one cited page dead and never archived: {control} TimeMap request (expected: 1)")
    ok = with_memento == plain and timemaps == 0 and control == 1
    print(f"[6] Memento step adds no request when the Wayback Machine has a usable capture: {'yes' if ok else 'NO'}")
    return ok


def _linkinator() -> str | None:
    binary = LINKINATOR_DIR / "node_modules" / ".bin" / "linkinator"
    if binary.exists():
        return str(binary)
    if shutil.which("npm") is None:
        return None
    LINKINATOR_DIR.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        ["npm", "install", "--no-audit", "--no-fund", "linkinator"], cwd=LINKINATOR_DIR, capture_output=True
    )
    return str(binary) if done.returncode == 0 and binary.exists() else None


def replay_cpu(folder: Path) -> None:
    """CPU of one article replayed from its cassette, against trafilatura's `extract` of the HTML pages that cassette
    holds (the article's original, its captures and its sources): in-process and warm, then as a subprocess."""
    import trafilatura
    import yaml

    article = read_article(DEMO)
    runs = 15  # medians: single runs move by up to ±40% on this VM
    cassette = yaml.safe_load((ROOT / "cassettes" / f"{article.slug}.yaml").read_text(encoding="utf-8"))
    pages = [
        i["response"]["body"]["string"]
        for i in cassette["interactions"]
        if "html" in " ".join(i["response"]["headers"].get("Content-Type", [""])).lower()
        and i["response"]["body"]["string"]
    ]

    def traf() -> None:
        for page in pages:
            trafilatura.extract(page)

    settings = Settings(out_dir=folder / "replay-out", record_mode="none", cassette_dir=ROOT / "cassettes")
    with Checker.for_settings(settings) as checker:

        def replay() -> None:
            _clear_caches()
            checker.check(article, article.slug)

        traf()  # warm-ups: imports, trafilatura's and the judge's lazy set-up
        replay()
        # Interleaved, so that both see the same state of the machine.
        pairs = [(_cpu(traf), _cpu(replay)) for _ in range(runs)]
    tra = statistics.median(t for t, _ in pairs)
    ours = statistics.median(o for _, o in pairs)
    print(
        f"[4] verify check {DEMO.name} replayed from its cassette, CPU per article (warm, in-process, median of 15): {ours * 1000:.0f} ms"
    )
    print(
        f"[4] trafilatura.extract of the {len(pages)} HTML pages in that cassette: {tra * 1000:.0f} ms CPU (median of 15)"
    )
    print(f"[4] replayed article CPU / trafilatura extract: {ours / tra:.2f} (bar <= 2)")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    command = [sys.executable, "-m", "verify", "check", str(DEMO), "--replay-only", "--fail-on", "never"]
    command += ["--out", str(folder / "replay-out")]
    for _ in range(3):
        subprocess.run(command, check=True, capture_output=True, cwd=ROOT)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime) / 3
    empty_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run([sys.executable, "-c", "import verify.cli, verify.pipeline"], check=True, cwd=ROOT)
    empty_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    startup = empty_after.ru_utime + empty_after.ru_stime - empty_before.ru_utime - empty_before.ru_stime
    print(
        f"[4] the same as a subprocess (verify check --replay-only): {cpu * 1000:.0f} ms CPU, of which Python "
        f"start-up + imports {startup * 1000:.0f} ms"
    )
    replay_batch(folder, 60)


def replay_batch(folder: Path, count: int) -> None:
    """A CI replay of many articles, as one `verify check --replay-only` run: --jobs 1 against one job per core
    (worker processes). The articles are copies of the demo article, each with its own copy of the cassette."""
    articles, cassettes = folder / "batch-articles", folder / "batch-cassettes"
    articles.mkdir()
    cassettes.mkdir()
    recorded = (ROOT / "cassettes" / f"{DEMO.stem}.yaml").read_bytes()
    for n in range(count):
        shutil.copy(DEMO, articles / f"story-{n:03d}.md")
        (cassettes / f"story-{n:03d}.yaml").write_bytes(recorded)
    cores = os.cpu_count() or 1
    took = {}
    for jobs in (1, cores):
        command = [sys.executable, "-m", "verify", "check", str(articles), "--replay-only", "--fail-on", "never"]
        command += ["--cassettes", str(cassettes), "--out", str(folder / f"batch-out-{jobs}"), "--jobs", str(jobs)]
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True, cwd=ROOT)
        took[jobs] = time.perf_counter() - start
        print(
            f"[4] {count} articles replayed in one run, --jobs {jobs}: {took[jobs]:.2f} s, {count / took[jobs]:.1f} articles/s"
        )
    print(f"[4] replay speed-up with --jobs {cores} (worker processes, {cores} cores): {took[1] / took[cores]:.2f}x")


def _cpu(run: Callable[[], object]) -> float:
    start = time.process_time()
    run()
    return time.process_time() - start


def _clear_caches() -> None:
    """Forget what an earlier run of the same article left in memory (the judge's kept analyses)."""
    from verify import judge

    judge._analysed.cache_clear()
    judge._document.cache_clear()


def scaling() -> None:
    from verify import text
    from verify.compare import compare
    from verify.judge import judge_claim

    # The work itself, not the cache: the longer texts repeat the seed's paragraphs, whose sentence splits would
    # otherwise be kept from the first copy (verify.text keeps them per paragraph).
    text._sentence_spans = lambda paragraph: tuple(text._split_spans(paragraph))  # type: ignore[assignment]
    article = read_article(SEED)
    base = [s.text for s in article.statements]
    # Warm-ups: the first calls load the sentence splitter, the word lists and the judge's weights.
    compare([(f"w{n}", text) for n, text in enumerate(base)], base)
    judge_claim(base[0], base)

    def judge_all(claims: list[str], evidence: list[str]) -> None:
        _clear_caches()  # the judge keeps its analyses of texts it has seen: time the work, not the lookups
        for claim in claims:
            judge_claim(claim, evidence)

    times: dict[int, tuple[float, float]] = {}
    for scale in (1, 4, 16):
        statements = [(f"s{k}-{n}", text) for k in range(scale) for n, text in enumerate(base)]
        archived = [_edit_number(text, k) if n == 3 else text for k in range(scale) for n, text in enumerate(base)]
        compare_time = _best(lambda s=statements, a=archived: compare(s, a), runs=7)
        evidence = [f"{text} (copy {k} at {scale}x)" for k in range(scale) for text in base]
        claims = base[:10]
        judge_time = _best(lambda e=evidence, cs=claims: judge_all(cs, e), runs=3)
        times[scale] = (compare_time, judge_time)
        chars = sum(map(len, archived))
        print(
            f"[5] {scale}x ({chars} chars, {len(statements)} statements): compare {compare_time * 1000:.0f} ms, "
            f"judge_claim x{len(claims)} {judge_time * 1000:.0f} ms"
        )
    for scale in (4, 16):
        print(
            f"[5] time ratio {scale}x/1x: compare {times[scale][0] / times[1][0]:.2f}, "
            f"judge {times[scale][1] / times[1][1]:.2f}"
        )


def _edit_number(text: str, k: int) -> str:
    return re.sub(r"\d+", lambda m: str(int(m.group()) + 1 + k), text, count=1)


def _best(run: Callable[[], object], runs: int = 3) -> float:
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return best


# --------------------------------------------------------------------------------------------------------------
# One article with many citations


def build_cited_article(web: LoopbackWeb, folder: Path, citations: int) -> Path:
    """One stored article of `citations` statements that all attribute to the same speaker ("..., the [port office
    said](URL).") and each cite a page; every 10th cites the page of the statement before it again (a repeated
    page, which then carries both facts), the pages are spread over the live hosts (each site cited many times), and
    every link was stripped to `#` (recovered from the original by its anchor, which every link shares), as in the
    reference stored copy."""
    pages_dir = folder / "web"
    pages_dir.mkdir(parents=True, exist_ok=True)
    news = web.live[0]
    url = f"{news}/2024/03/12/port-{citations}"
    pages: dict[str, dict[str, Any]] = {}
    facts: dict[str, list[str]] = {}
    stored, html = [], []
    source = ""
    for j in range(citations):
        word = WORDS[j % len(WORDS)]
        fact = f"the {word} budget for project {j} rose to {2 + (j * 3) % 90} million dollars in 2023"
        if j % 10 != 9 or not source:
            source = f"{web.live[1 + j % (len(web.live) - 1)]}/port/{citations}/{j}"
        said = facts.setdefault(source, [])
        if j % 7 != 6:  # else its page is silent on it, and the article's other sources are weighed
            said.append(f"{fact[0].upper()}{fact[1:]}.")
        stored.append(f"Officials confirmed that {fact}, the [port office said](#).")
        html.append(f'<p>Officials confirmed that {fact}, the <a href="{source}">port office said</a>.</p>')
    for n, (source, said) in enumerate(facts.items()):
        for copy, served in (("live", "2024-11-30 09:00"), ("capture", "2024-03-01 12:00")):
            name = f"port-{citations}-{n}-{copy}.html"
            page = _html(f"Port office note {n}", [*said, FILLER], served=served)
            (pages_dir / name).write_text(page, encoding="utf-8")
        capture = {"timestamp": "20240301120000", "file": f"port-{citations}-{n}-capture.html"}
        pages[source] = {"live": [{"status": 200, "file": f"port-{citations}-{n}-live.html"}], "captures": [capture]}
    name = f"port-{citations}.html"
    (pages_dir / name).write_text(_html("Port office budgets", [*html, f"<p>{FILLER}</p>"], raw=True), encoding="utf-8")
    pages[url] = {"live": [{"status": 200, "file": name}], "captures": [{"timestamp": "20240312101500", "file": name}]}
    web.serve(pages_dir, pages)
    body = "\n\n".join(["# Port office budgets", "March 12, 2024", *stored, FILLER, f"Original url: <{url}>"])
    path = folder / f"port-{citations}.md"
    path.write_text(body + "\n", encoding="utf-8")
    return path


def _cli_command(path: Path, out: Path, *extra: str) -> list[str]:
    return [
        *(sys.executable, "-m", "verify", "check", str(path), "--no-record", "--allow-private"),
        *("--archive-url", WEB_ARCHIVE[0], "--archive-rate", "1000", "--out", str(out), "--fail-on", "never"),
        *extra,
    ]


def _run_measured(command: list[str], cwd: Path) -> tuple[float, float, float, int, str]:
    """(wall seconds, CPU seconds, peak RSS in MB, exit status, stderr) of one subprocess."""
    start = time.perf_counter()
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=errors)
        _, status, usage = os.wait4(process.pid, 0)
        took = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        errors.seek(0)
        stderr = errors.read().decode(errors="replace")
    cpu = usage.ru_utime + usage.ru_stime
    return took, cpu, usage.ru_maxrss / 1024, process.returncode, stderr


CITATION_COUNTS = (100, 1000, 10000)


def many_citations(web: LoopbackWeb, folder: Path, counts: Sequence[int]) -> None:
    """`verify check` (a subprocess, start-up included) on one article of 100, 1,000 and 10,000 citations at 20 ms a
    request: wall time, peak memory, and the ratio of each to the one ten times smaller (bar: 10x citations at most
    12x time; 1,000 citations under 30 s and 500 MB)."""
    web.latency = 0.02
    took: dict[int, float] = {}
    for count in sorted(counts):
        path = build_cited_article(web, folder / f"cited-{count}", count)
        web.stats.reset()
        out = folder / f"cited-{count}" / "out"
        out.mkdir()
        wall, cpu, rss, status, stderr = _run_measured(_cli_command(path, out), folder)
        took[count] = wall
        labels = Counter(r["label"] for r in _json_results(out / f"{path.stem}.json"))
        print(
            f"[7] one article, {count} citations, 20 ms/request: wall {wall:.1f} s, CPU {cpu:.1f} s, "
            f"peak RSS {rss:.0f} MB, "
            f"{len(web.stats.log)} requests, exit {status}, labels {dict(sorted(labels.items()))}"
        )
        if status != 0:
            print(f"[7] stderr: {stderr.strip()[-500:]}")
        smaller = count // 10
        if smaller in took:
            print(f"[7] time ratio {count} / {smaller} citations: {wall / took[smaller]:.2f} (bar <= 12)")


def interrupt(web: LoopbackWeb, folder: Path) -> None:
    """Ctrl-C (SIGINT) sent to `verify check` mid-run: while one article of 1,000 citations is being fetched and
    judged at 20 ms a request, and while every request is waiting on a server that answers after 30 s. Bar: exit
    status 130 within 1 s of the signal, with the interruption said on stderr."""
    for label, latency, after in (("1,000 citations at 20 ms", 0.02, 3.0), ("requests in flight", 30.0, 1.0)):
        web.latency = latency
        path = build_cited_article(web, folder / f"interrupt-{latency:g}", 1000)
        out = folder / f"interrupt-{latency:g}" / "out"
        process = subprocess.Popen(
            _cli_command(path, out),
            cwd=folder,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        )
        web.stats.reset()
        while not web.stats.log and process.poll() is None:  # the run is under way once its first request arrives
            time.sleep(0.05)
        time.sleep(after)
        sent = time.perf_counter()
        process.send_signal(signal.SIGINT)
        try:
            _, stderr = process.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            _, stderr = process.communicate()
        took = time.perf_counter() - sent
        said = next((line for line in stderr.splitlines() if "interrupted" in line), "(nothing said)")
        print(
            f"[8] Ctrl-C {after:g} s after the first request, {label}: exit {process.returncode} {took:.2f} s after the signal"
        )
        print(f"[8] stderr: {said}")
    web.latency = 0.02


def _json_results(path: Path) -> list[dict[str, Any]]:
    import json

    if not path.exists():
        return []
    results: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8")).get("statements", [])
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=200, help="articles in the throughput run (default 200)")
    parser.add_argument("--link-pages", type=int, default=25, help="article pages for the link check (default 25)")
    parser.add_argument(
        "--no-cli", action="store_true", help="skip the CLI subprocess run (limited to 0.8 archive req/s)"
    )
    parser.add_argument("--replay-cpu", action="store_true", help=argparse.SUPPRESS)  # section 4 in a fresh process
    parser.add_argument("--scaling", action="store_true", help=argparse.SUPPRESS)  # section 5 in a fresh process
    parser.add_argument("--memento", action="store_true", help="only section 6: the Memento step's request count")
    parser.add_argument(
        "--citations",
        metavar="N,N,...",
        help="only section 7 (one article with many citations) for these counts, e.g. 100,1000",
    )
    parser.add_argument("--interrupt", action="store_true", help="only section 8 (Ctrl-C during a run)")
    parser.add_argument("--one", action="store_true", help="only section 1 (one article: the critical-path ratio)")
    args = parser.parse_args()
    if args.one:
        with tempfile.TemporaryDirectory(prefix="verify-speed-") as tmp, LoopbackWeb(hosts=4) as web:
            WEB_ARCHIVE.append(web.archive)
            (Path(tmp) / "cli-out").mkdir()
            ratio = one_article(web, Path(tmp), cli=not args.no_cli)
        print(f"critical-path ratio: {ratio:.2f}")
        return
    if args.memento:
        with tempfile.TemporaryDirectory(prefix="verify-speed-") as tmp, LoopbackWeb(hosts=4) as web:
            WEB_ARCHIVE.append(web.archive)
            sys.exit(0 if memento_requests(web, Path(tmp)) else 1)
    if args.interrupt:
        with tempfile.TemporaryDirectory(prefix="verify-speed-") as tmp, LoopbackWeb(hosts=4) as web:
            WEB_ARCHIVE.append(web.archive)
            interrupt(web, Path(tmp))
        return
    if args.citations:
        with tempfile.TemporaryDirectory(prefix="verify-speed-") as tmp, LoopbackWeb(hosts=4) as web:
            WEB_ARCHIVE.append(web.archive)
            many_citations(web, Path(tmp), [int(n) for n in args.citations.split(",")])
        return
    if args.replay_cpu:
        with tempfile.TemporaryDirectory(prefix="verify-speed-") as tmp:
            replay_cpu(Path(tmp))
        return
    if args.scaling:
        scaling()
        return
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="verify-speed-") as tmp, LoopbackWeb(hosts=4) as web:
        WEB_ARCHIVE.append(web.archive)
        folder = Path(tmp)
        (folder / "cli-out").mkdir()
        ratio = one_article(web, folder, cli=not args.no_cli)
        throughput(web, folder, args.articles)
        link_checking(web, folder, args.link_pages, CheckOptions().concurrency)
        memento_requests(web, folder)
        # In fresh processes: after 200 articles this one holds caches and a large heap that slow any later run (the
        # garbage collector's full passes grow with the heap: compare at 16x took 1.7x as long here as in a fresh one).
        sys.stdout.flush()
        subprocess.run([sys.executable, __file__, "--replay-cpu"], check=True)
        subprocess.run([sys.executable, __file__, "--scaling"], check=True)
        many_citations(web, folder, CITATION_COUNTS)
        interrupt(web, folder)
    print(f"bench wall time: {time.perf_counter() - started:.0f} s ({dt.date.today()})")
    print(f"critical-path ratio: {ratio:.2f}")


if __name__ == "__main__":
    main()

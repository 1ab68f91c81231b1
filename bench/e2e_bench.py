"""End to end on real news pages: stored copies made from the ground truth, checked against their real HTML.

Data: ../shared/bench/articles/ (html/<id>.html.gz and ground-truth.json). For each page a stored copy is made the
way a newsroom's archive keeps one: the ground-truth article text (paragraphs at blank lines) under a `# Title` and a
date line, with an `Original url:` footer; every in-body link of the page (the answers of `extract_bench.py`) put
back on its anchor words in the text and stripped to `[anchor](#)`; then one substantive edit (a number, a negation,
a name or a quoted word, as in `compare_bench.py`) and one cosmetic edit (spacing, quotes, dashes, a non-breaking
space, an ellipsis, a soft hyphen or zero-width space inside a word, a number written in words or digits) injected,
each in its own sentence, never inside a link. `verify` then checks the stored copy in-process, configured as
`verify check --no-record --allow-private --archive-url URL` configures it, against a loopback Wayback Machine whose
only capture of the page is its real HTML. Every other host name gets "no such domain" from the bench (a stand-in
resolver), so cited pages are dead and never archived, and the run touches no network.

Figures (per split, and per page with --verbose on stderr):
- runs failed: the check raised, or gave no comparison with the archived original;
- substantive edits found: a statement holding the edited sentence is disputed as changed (substantive);
- cosmetic edits called substantive: a statement holding the cosmetic edit is substantive or disputed;
- unedited statements disputed: statements that hold neither edit, labelled disputed (substantive, absent);
- stripped links recovered with the right target: the citation's recovered URL is the page's href (normalised as
  extract_bench does), and how many of those were found outside the extracted body.

Splits as extract_bench's: sha256 of the file name, even first byte = dev (tuned on), odd = held-out (measured only).

    python bench/e2e_bench.py --split dev [--limit 10] [--verbose]
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import random
import re
import socket
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urldefrag, urljoin, urlsplit

import lxml.html

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import compare_bench
import extract_bench

from verify.article import parse_article
from verify.batch import Settings
from verify.compare import Change
from verify.judge import Label
from verify.links import Recovery
from verify.pipeline import Checker
from verify.text import iter_paragraphs, sentence_spans

CAPTURED = "20191115120000"
DATE = dt.date(2019, 11, 15)


# --------------------------------------------------------------------------------------------------------------
# The loopback archive


class Archive:
    """A Wayback Machine on loopback that holds one capture of each page: CDX and the raw `id_` form."""

    def __init__(self) -> None:
        self.pages: dict[str, bytes] = {}
        archive = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                if parts.path == "/cdx/search/cdx":
                    url = parse_qs(parts.query).get("url", [""])[0]
                    rows: list[list[str]] = []
                    if urldefrag(url).url in archive.pages:
                        rows = [
                            ["urlkey", "timestamp", "original", "mimetype", "statuscode", "digest", "length"],
                            ["k", CAPTURED, url, "text/html", "200", "D", "1"],
                        ]
                    self._send(200, "application/json", json.dumps(rows).encode())
                    return
                match = re.match(r"/web/(\d+)id_/(.+)", self.path)
                # An HTTP request never carries the URL's #fragment: the capture is kept without it.
                page = archive.pages.get(urldefrag(unquote(match.group(2))).url) if match else None
                if page is None:
                    self._send(404, "text/html", b"<html><body><p>Not in the archive.</p></body></html>")
                else:
                    self._send(200, "text/html; charset=utf-8", page)

            def _send(self, status: int, mime: str, body: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Type", mime)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@contextlib.contextmanager
def no_such_domains() -> Iterator[None]:
    """Every host name but loopback's answers "no such domain" (EAI_NONAME), as a resolver would for a name that
    does not exist: the run never leaves the machine, whatever its DNS."""
    real = socket.getaddrinfo

    def fake(host: object, *args: object, **kwargs: object) -> object:
        if isinstance(host, str) and host not in ("127.0.0.1", "localhost"):
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return real(host, *args, **kwargs)  # type: ignore[arg-type]

    socket.getaddrinfo = fake  # type: ignore[assignment]
    try:
        yield
    finally:
        socket.getaddrinfo = real


# --------------------------------------------------------------------------------------------------------------
# Stored copies


@dataclass(frozen=True)
class Stored:
    markdown: str
    links: tuple[tuple[str, str], ...]  # (anchor as placed, expected normalised target), in document order
    substantive: str  # the edited sentence, as stored
    cosmetic: str


def _base(page: extract_bench.Page, root: lxml.html.HtmlElement) -> str:
    """The URL the page's relative links are read against: its first <base href>, else its own."""
    for b in root.iter("base"):
        if b.get("href"):
            return urljoin(page.url, b.get("href", ""))
    return page.url


def _page_links(page: extract_bench.Page) -> list[tuple[str, str]]:
    """The page's in-body links (extract_bench's answers) with their anchor text as the page shows it."""
    answers = Counter(extract_bench.link_answers(page))
    root = lxml.html.fromstring(page.html)
    base = _base(page, root)
    found: list[tuple[str, str]] = []
    for a in root.iter("a"):
        href = (a.get("href") or "").strip()
        if not href:
            continue
        anchor = " ".join(a.text_content().split())
        key = extract_bench.link_key(anchor, urljoin(base, href))
        if answers[key] > 0:
            answers[key] -= 1
            found.append((anchor, key[1]))
    return found


def _all_page_links(page: extract_bench.Page) -> list[tuple[str, str]]:
    """Every web link of the page whose anchor (two words or more) the ground-truth text has, in document order:
    links in lists, product boxes and lead paragraphs that extract_bench's in-body answers leave out included."""
    root = lxml.html.fromstring(page.html)
    base = _base(page, root)
    truth = " " + " ".join(extract_bench.tokens(page.truth)) + " "
    found: list[tuple[str, str]] = []
    for a in root.iter("a"):
        href = (a.get("href") or "").strip()
        anchor = " ".join(a.text_content().split())
        words = extract_bench.tokens(anchor)
        target = urljoin(base, href) if href and not href.startswith("#") else ""
        if len(words) >= 2 and urlsplit(target).scheme in ("http", "https") and f" {' '.join(words)} " in truth:
            found.append((anchor, extract_bench.normal_href(target)))
    return found


def _anchor_pattern(anchor: str) -> re.Pattern[str]:
    words = extract_bench.tokens(anchor)
    return re.compile(r"(?<!\w)" + r"\W+".join(re.escape(w) for w in words) + r"(?!\w)")


_SPECIAL = str.maketrans({"[": "(", "]": ")"})


def _place_links(paragraphs: list[str], links: list[tuple[str, str]]) -> tuple[list[str], list[tuple[str, str]]]:
    """Each link's anchor wrapped as `[anchor](#)` at its next occurrence in document order (skipped when absent)."""
    out = list(paragraphs)
    placed: list[tuple[str, str]] = []
    cursor = (0, 0)
    for anchor, target in links:
        pattern = _anchor_pattern(anchor)
        for p in range(cursor[0], len(out)):
            start = cursor[1] if p == cursor[0] else 0
            match = pattern.search(out[p], start)
            if match is None:
                continue
            text = match.group(0).translate(_SPECIAL)
            wrapped = f"[{text}](#)"
            out[p] = out[p][: match.start()] + wrapped + out[p][match.end() :]
            placed.append((text, target))
            cursor = (p, match.start() + len(wrapped))
            break
    return out, placed


_LINK = re.compile(r"\[[^\]]*\]\(#\)")
COSMETIC_EDITS = compare_bench.COSMETIC_EDITS
SUBSTANTIVE_EDITS = {k: compare_bench.SENTENCE_EDITS[k] for k in ("number", "negation", "name", "quote")}


def _edit_one(
    paragraphs: list[str],
    rng: random.Random,
    edits: dict[str, Callable[[str, random.Random], str | None]],
    avoid: set[tuple[int, int]],
) -> tuple[list[str], str, tuple[int, int]]:
    """One edit of one kind (tried in a seeded order) in a sentence with no link, none in `avoid`."""
    spots = [
        (p, a, b)
        for p, text in enumerate(paragraphs)
        for a, b in sentence_spans(text)
        if not _LINK.search(text[a:b]) and (p, a) not in avoid
    ]
    kinds = list(edits)
    rng.shuffle(kinds)
    rng.shuffle(spots)
    for kind in kinds:
        for p, a, b in spots:
            old = paragraphs[p][a:b]
            new = edits[kind](old, rng)
            if new is not None and new != old:
                edited = list(paragraphs)
                edited[p] = paragraphs[p][:a] + new + paragraphs[p][b:]
                return edited, new, (p, a)
    raise compare_bench.NotApplicable


def stored_copy(page: extract_bench.Page, title: str, seed: int, broad: bool = False) -> Stored:
    rng = random.Random(f"{seed}:{page.id}")
    paragraphs = list(iter_paragraphs(page.truth))
    paragraphs, links = _place_links(paragraphs, _all_page_links(page) if broad else _page_links(page))
    paragraphs, substantive, spot = _edit_one(paragraphs, rng, SUBSTANTIVE_EDITS, set())
    paragraphs, cosmetic, _ = _edit_one(paragraphs, rng, COSMETIC_EDITS, {spot})
    body = "\n\n".join(paragraphs)
    markdown = f"# {title}\n\n{DATE:%B %d, %Y}\n\n{body}\n\nOriginal url:\n\n<{page.url}>\n"
    return Stored(markdown, tuple(links), substantive, cosmetic)


# --------------------------------------------------------------------------------------------------------------
# Scoring


_WORD = re.compile(r"\w+")


def _holds(statement: str, sentence: str) -> bool:
    """Whether a statement holds (most of) an edited sentence, or is a piece of it."""
    words = Counter(_WORD.findall(_LINK.sub("", sentence).replace("\u00ad", "").replace("\u200b", "").lower()))
    mine = Counter(_WORD.findall(statement.replace("\u00ad", "").replace("\u200b", "").lower()))
    if not words or not mine:
        return False
    common = sum((words & mine).values())
    return common >= 0.6 * sum(words.values()) or common >= 0.8 * sum(mine.values())


@dataclass
class Tally:
    pages: int = 0
    failed: int = 0
    substantive: int = 0
    substantive_found: int = 0
    cosmetic: int = 0
    cosmetic_alarms: int = 0
    unedited: int = 0
    disputed: Counter[str] | None = None
    links: int = 0
    recovered: int = 0
    outside: int = 0
    whole: int = 0
    statements_outside: int = 0
    seconds: float = 0.0

    def __post_init__(self) -> None:
        self.disputed = Counter()


def check_page(
    checker: Checker, archive: Archive, page: extract_bench.Page, seed: int, tally: Tally, verbose: bool, broad: bool
) -> None:
    from verify.extract import extract

    html = page.html.encode("utf-8")
    # The archive holds this page alone: a page that another bench page cites is not served as its source.
    archive.pages.clear()
    archive.pages[urldefrag(page.url).url] = html
    title = extract(html, base_url=page.url).title or "Untitled"
    try:
        stored = stored_copy(page, title, seed, broad)
    except compare_bench.NotApplicable:
        print(f"  {page.id[:12]}: no sentence to edit, skipped", file=sys.stderr)
        return
    tally.pages += 1
    start = time.perf_counter()
    try:
        article = parse_article(stored.markdown, f"{page.id}.md")
        report = checker.check(article, page.id[:16])
    except Exception as error:  # a run that fails is a figure here, not a crash of the bench
        tally.failed += 1
        print(f"  FAILED {page.id[:12]}: {type(error).__name__}: {error}", file=sys.stderr)
        return
    finally:
        tally.seconds += time.perf_counter() - start
    if report.comparison is None:
        tally.failed += 1
        print(f"  FAILED {page.id[:12]}: no comparison ({'; '.join(report.notes)})", file=sys.stderr)
    else:
        tally.whole += report.comparison.archive_complete
        tally.statements_outside += sum(s.outside_body for s in report.comparison.statements)
    assert tally.disputed is not None
    substantive_found = cosmetic_alarm = False
    lines: list[str] = []
    for result in report.results:
        text = result.statement.text
        change = result.change.change if result.change is not None else None
        disputed = result.verdict.label is Label.DISPUTED
        if _holds(text, stored.substantive):
            substantive_found |= disputed and change is Change.SUBSTANTIVE
        elif _holds(text, stored.cosmetic):
            cosmetic_alarm |= disputed or change is Change.SUBSTANTIVE
            if (disputed or change is Change.SUBSTANTIVE) and verbose:
                lines.append(f"    COSMETIC called {change}: {text[:140]!r}")
        else:
            tally.unedited += 1
            if disputed:
                why = change.value if change is not None else "judge"
                tally.disputed[why] += 1
                if verbose:
                    diff = result.change.diff if result.change is not None else result.verdict.reason
                    lines.append(f"    DISPUTED {why}: {text[:140]!r} | {diff[:160]!r}")
    tally.substantive += 1
    tally.substantive_found += substantive_found
    tally.cosmetic += 1
    tally.cosmetic_alarms += cosmetic_alarm
    if verbose and not substantive_found:
        lines.append(f"    SUBSTANTIVE missed: {stored.substantive[:140]!r}")
    stripped = [t for t in report.targets if t.citation.href is None]
    right = 0
    for target, (anchor, expected) in zip(stripped, stored.links, strict=False):
        tally.links += 1
        ok = target.recovery is Recovery.RECOVERED and target.url is not None
        ok = ok and extract_bench.normal_href(target.url or "") == expected
        right += ok
        tally.outside += ok and "outside" in target.detail
        if verbose and not ok:
            lines.append(f"    LINK {anchor[:60]!r}: want {expected[:90]} got {target.url} ({target.detail[:90]})")
    tally.links += max(0, len(stored.links) - len(stripped))
    tally.recovered += right
    if verbose:
        print(f"  {page.id[:12]} links {right}/{len(stored.links)}", file=sys.stderr)
        for line in lines:
            print(line, file=sys.stderr)


def _share(part: int, whole: int) -> str:
    return f"{part / whole:.2%} ({part}/{whole})" if whole else "n/a (0/0)"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--split", choices=["dev", "held-out", "all", "both"], default="both")
    parser.add_argument("--limit", type=int, default=0, help="only the first N pages of each split (while iterating)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--links",
        choices=["in-body", "broad"],
        default="in-body",
        help="links stripped: extract_bench's in-body answers (default), or every link whose anchor (2+ words) the "
        "ground truth has, wherever it sits on the page",
    )
    parser.add_argument("--verbose", action="store_true", help="each page's disputes, misses and lost links on stderr")
    args = parser.parse_args(argv)
    splits = ["dev", "held-out"] if args.split == "both" else [args.split]
    archive = Archive()
    settings = Settings(
        out_dir=Path(tempfile.gettempdir()),
        record_mode="off",
        archive_url=archive.url,
        archive_rate=1000.0,
        allow_private=True,
    )
    with no_such_domains(), Checker.for_settings(settings) as checker:
        for split in splits:
            pages = extract_bench.load_pages(split)
            if args.limit:
                pages = pages[: args.limit]
            tally = Tally()
            for page in pages:
                check_page(checker, archive, page, args.seed, tally, args.verbose, args.links == "broad")
            assert tally.disputed is not None
            disputed = sum(tally.disputed.values())
            why = ", ".join(f"{n} {k}" for k, n in tally.disputed.most_common())
            print(f"{split} pages: {tally.pages}")
            print(f"{split} runs failed: {tally.failed} of {tally.pages}")
            print(f"{split} substantive edits found: {_share(tally.substantive_found, tally.substantive)}")
            print(f"{split} cosmetic edits called substantive: {_share(tally.cosmetic_alarms, tally.cosmetic)}")
            print(
                f"{split} unedited statements disputed: {_share(disputed, tally.unedited)}"
                + (f": {why}" if why else "")
            )
            print(f"{split} stripped links recovered with the right target: {_share(tally.recovered, tally.links)}")
            print(f"{split} of those, found outside the extracted body: {tally.outside}")
            print(f"{split} captures called extracted whole: {tally.whole} of {tally.pages}")
            print(f"{split} statements found only outside the extracted body: {tally.statements_outside}")
            print(f"{split} seconds per page: {tally.seconds / max(tally.pages, 1):.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Fuzz the article parser and the HTML extractor with seeded hostile articles; print outcome counts and timings.

    python bench/fuzz.py --count 100000            # ~minutes on 2 cores
    python bench/fuzz.py --count 2000 --seed 7 --workers 1

Article i is generated from `random.Random(f"{seed}:{i}")`, so any input can be regenerated from its number.
Every article goes to `parse_article`; each one parsed has its first statement judged (`judge_claim`) against the
whole raw text; every 10th is also rendered as an HTML page and given to `extract`.
Outcomes: parsed, refused with ArticleError (grouped by reason), or crashed (any other exception, grouped by type and
the innermost verify/ frame). Crashes and the slowest input are saved to a temporary folder; exit status 1 on a crash.
"""

from __future__ import annotations

import argparse
import multiprocessing
import random
import re
import sys
import tempfile
import time
import traceback
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from verify.article import ArticleError, parse_article
from verify.extract import extract
from verify.judge import judge_claim

WORDS = [
    "Russia",
    "said",
    "the",
    "ministry",
    "on",
    "Thursday",
    "officials",
    "according",
    "to",
    "police",
    "1,000",
    "Jan.",
    "U.S.",
    "Dr.",
    "e.g.",
    "“quoted”",
    "'single'",
    "Ünïcödé",
    "中文",
    "العربية",
    "🙂",
    "Inc.",
    "No.",
    "3.5",
    "...",
    "?!",
    "told",
    "reported",
    "Reuters",
    "contributed",
    "reporting",
    "by",
    "Related",
    "article:",
    "February",
    "06,",
    "2020",
    "Original",
    "url:",
]
ODD = [
    "\u200b", "\u202e", "\t", "\x00", "\x0b", "\x1b[31m", "\r", "\x85", "\u2028", "*", "**", "_", "__", "\\", "`",
    "#", "|", "<b>", "</p>", "&amp;", "&#0;", "---", "(", ")", "[", "]", "![", "](", "\ufffd", "\udcff", "\U0010ffff",
]  # fmt: skip
URLS = [
    "https://news.example/2020/02/06/story", "http://x.example/a?b=c&d=e#f", "https://x.example:99999/",
    "http://[::1]/", "http://[bad/", "https://", "http:///path", "ftp://x.example/", "javascript:alert(1)",
    "https://例え.example/パス", "https://x.example/(paren)", "<https://x.example/angle>", "https://x.example/%zz",
    "https://user:pw@x.example/", "//x.example/", "http://x.example/]", "", " ", "https://x.example/" + "a" * 3000,
    "https://web.archive.org/web/2020/http://y.example/",
]  # fmt: skip
FRONT_VALUES = [
    "2020-02-06", "February 6, 2020", "not a date", "9999-99-99", "0001-01-01", "[unclosed", "{a: b", "'quote", '"dq',
    "&anchor", "*alias", "!!python/object:os.system", "|", ">", "~", "2020-02-06 25:61", "1e400", "12:30:00",
]  # fmt: skip
WAYBACK = [
    "<!-- BEGIN WAYBACK TOOLBAR INSERT -->", "<!-- END WAYBACK TOOLBAR INSERT -->",
    '<script src="//archive.org/includes/athena.js"></script>', '<script>__wm.init("https://web.archive.org/");</script>',
    "<!-- End Wayback Rewrite JS Include -->", '<a href="/web/20200206000000/https://news.example/a">archived</a>',
    '<a href="/web/99999999999999999999im_/">odd</a>', '<base href="/web/20200206/">', '<meta charset="bogus-9">',
    '<script type="application/ld+json">{"datePublished": [1, {"@graph": null}]}</script>', "<![CDATA[", "<!--",
]  # fmt: skip


def word(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.75:
        return rng.choice(WORDS)
    if roll < 0.9:
        return rng.choice(ODD)
    if roll < 0.99:
        return "".join(chr(rng.randrange(0x20, 0x3000)) for _ in range(rng.randrange(1, 10)))
    return rng.choice("x-=_*[(") * rng.randrange(50, 1500)  # one long token


def sentence(rng: random.Random) -> str:
    words = [word(rng) for _ in range(rng.randrange(1, 25))]
    for _ in range(rng.randrange(0, 3)):
        i = rng.randrange(len(words))
        form = rng.randrange(6)
        if form == 0:
            words[i] = f"[{words[i]}](#)"
        elif form == 1:
            words[i] = f"[{words[i]}]({rng.choice(URLS)})"
        elif form == 2:
            depth = rng.randrange(1, 80)
            words[i] = "[" * depth + words[i] + "]" * rng.randrange(depth + 1) + "(#)"
        elif form == 3:
            words[i] = f"![{words[i]}](http://x.example/i.png)"
        elif form == 4:
            words[i] = f"[{words[i]}](http://x.example/"
        else:
            words[i] = rng.choice(["[](#)", "[ ](http://x.example/)", "**", "_"]) + words[i]
    return " ".join(words) + rng.choice([".", "!", "?", "", "…", ".”"])


def markdown_article(rng: random.Random) -> str:
    parts: list[str] = []
    if rng.random() < 0.3:
        keys = ["title", "date", "url", "URL", "author", "tags", "1", "null", "? x", "- a"]
        lines = [f"{rng.choice(keys)}: {rng.choice(FRONT_VALUES + URLS)}" for _ in range(rng.randrange(7))]
        closing = rng.choice(["---", "...", "", "----"])
        parts.append("---\n" + "\n".join(lines) + ("\n" + closing if closing else ""))
    if rng.random() < 0.7:
        parts.append("#" * rng.randrange(1, 8) + " " + sentence(rng))
    if rng.random() < 0.5:
        parts.append(rng.choice(["February 06, 2020", "6 Feb 2020", "2020-02-06", "Feb 30, 2020", "1/2/3"]))
    for _ in range(rng.randrange(0, 8)):
        paragraph = " ".join(sentence(rng) for _ in range(rng.randrange(1, 5)))
        paragraph += rng.choice(["", "", " **Stringer / Xinhua**", " __credit__", " **"])
        parts.append(rng.choice(["", "", "*", "> ", "- ", "**Related article:** ", "Reporting by "]) + paragraph)
    if rng.random() < 0.05:
        parts.append(" ".join(rng.choice(WORDS) for _ in range(rng.randrange(500, 3000))) + ".")
    if rng.random() < 0.8:
        url = rng.choice(URLS)
        parts.append(rng.choice(["Original url: <{}>", "**Original url:**\n\n{}", "Original url:\n\n<{}>"]).format(url))
    return rng.choice(["\n\n", "\n\n", "\n", "\r\n\r\n", "\n \n"]).join(parts)


def html_article(rng: random.Random, markdown: str) -> str:
    paragraphs = markdown.split("\n\n")
    body = "".join(
        rng.choice(["<p>{}</p>", "<p>{}", "<h2>{}</h2>", "<blockquote><p>{}</p></blockquote>", "<div>{}", "{}"]).format(
            re.sub(r"\[([^\]]*)\]\(([^)]*)\)", r'<a href="\2">\1</a>', p)
        )
        for p in paragraphs
    )
    if rng.random() < 0.3:
        body = "".join(rng.choice(WAYBACK) for _ in range(rng.randrange(1, 6))) + body
    depth = rng.choice([0, 0, 0, 10, 100, 1000])
    nest = rng.choice(["<div>", "<span>", "<a href='#'>", "<table>", "<b><i>"])
    head = f'<link rel="canonical" href="{rng.choice(URLS)}"><title>{sentence(rng)}</title>'
    if rng.random() < 0.1:
        head += f'<meta name="x" content="{"y" * rng.randrange(10_000, 100_000)}">'
    return f"<!DOCTYPE html><html><head>{head}</head><body>{nest * depth}{body}"


def encoded(rng: random.Random, html: str) -> str | bytes:
    choice = rng.choice([None, None, "utf-8", "utf-16", "latin-1", "cp1252", "shift_jis", "junk"])
    if choice is None:
        return html
    if choice == "junk":
        data = bytearray(html.encode("utf-8", "replace"))
        for _ in range(rng.randrange(1, 20)):
            if data:
                data[rng.randrange(len(data))] = rng.randrange(256)
        return bytes(data)
    return html.encode(choice, errors="replace")


def refusal(error: ArticleError) -> str:
    """The reason of an ArticleError with its specifics (quoted values, numbers) removed."""
    why = re.sub(r"'[^']*'|\"[^\"]*\"", "…", error.why)
    return re.sub(r"\d[\d,]*", "N", why)[:90]


def crash_key(error: BaseException) -> str:
    frames = [f for f in traceback.extract_tb(error.__traceback__) if "/verify/" in f.filename]
    where = f"{Path(frames[-1].filename).name}:{frames[-1].lineno} {frames[-1].name}" if frames else "?"
    message = re.sub(r"\d+", "N", str(error))[:60]
    return f"{type(error).__name__}: {message} at {where}"


@dataclass
class Tally:
    outcomes: Counter[str] = field(default_factory=Counter)
    crashes: dict[str, list[tuple[int, str, str | bytes, str]]] = field(default_factory=dict)
    slowest: tuple[float, int, str] = (0.0, -1, "")
    slowest_extract: tuple[float, int] = (0.0, -1)
    parse_seconds: float = 0.0
    extract_seconds: float = 0.0
    extracts: int = 0
    judge_seconds: float = 0.0

    def crash(self, index: int, stage: str, data: str | bytes, error: BaseException) -> None:
        key = f"{stage} {crash_key(error)}"
        self.outcomes[f"crash: {key}"] += 1
        examples = self.crashes.setdefault(key, [])
        if len(examples) < 3:
            examples.append((index, stage, data, traceback.format_exc()))

    def merge(self, other: Tally) -> None:
        self.outcomes.update(other.outcomes)
        for key, examples in other.crashes.items():
            self.crashes.setdefault(key, []).extend(examples[: 3 - len(self.crashes.get(key, []))])
        self.slowest = max(self.slowest, other.slowest)
        self.slowest_extract = max(self.slowest_extract, other.slowest_extract)
        self.parse_seconds += other.parse_seconds
        self.extract_seconds += other.extract_seconds
        self.judge_seconds += other.judge_seconds
        self.extracts += other.extracts


def run(job: tuple[int, int, int, int]) -> Tally:
    seed, start, stop, html_every = job
    tally = Tally()
    for index in range(start, stop):
        rng = random.Random(f"{seed}:{index}")
        text = markdown_article(rng)
        if index % html_every == 0:
            text = html_article(rng, text)
        began = time.perf_counter()
        article = None
        try:
            article = parse_article(text, "fuzz.md")
            tally.outcomes["parsed"] += 1
        except ArticleError as error:
            tally.outcomes[f"ArticleError: {refusal(error)}"] += 1
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException as error:  # BaseException: a panic in a Rust extension arrives as one
            tally.crash(index, "parse_article", text, error)
        took = time.perf_counter() - began
        tally.parse_seconds += took
        tally.slowest = max(tally.slowest, (took, index, text))
        if article is not None:
            # The judge on hostile evidence: the article's first statement against the whole raw text.
            began = time.perf_counter()
            try:
                judge_claim(article.statements[0].text, text)
                tally.outcomes["judge_claim returned"] += 1
            except (KeyboardInterrupt, SystemExit):
                raise
            except BaseException as error:
                tally.crash(index, "judge_claim", text, error)
            tally.judge_seconds += time.perf_counter() - began
        if index % html_every == 0:
            page = encoded(rng, text)
            began = time.perf_counter()
            try:
                extract(page, rng.choice([None, "https://web.archive.org/web/2020/https://x.example/", "http://["]))
                tally.outcomes["extract returned"] += 1
            except (KeyboardInterrupt, SystemExit):
                raise
            except BaseException as error:
                tally.crash(index, "extract", page, error)
            took = time.perf_counter() - began
            tally.extract_seconds += took
            tally.extracts += 1
            tally.slowest_extract = max(tally.slowest_extract, (took, index))
    return tally


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=20240808)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--html-every", type=int, default=10, help="every Nth article is HTML and also extracted")
    args = parser.parse_args(argv)

    chunk = 500
    jobs = [(args.seed, s, min(s + chunk, args.count), args.html_every) for s in range(0, args.count, chunk)]
    began = time.perf_counter()
    total = Tally()
    if args.workers > 1:
        with multiprocessing.Pool(args.workers) as pool:
            for tally in pool.imap_unordered(run, jobs):
                total.merge(tally)
    else:
        for job in jobs:
            total.merge(run(job))
    wall = time.perf_counter() - began

    out = Path(tempfile.mkdtemp(prefix="verify-fuzz-"))
    slow_took, slow_index, slow_text = total.slowest
    (out / f"slowest-{slow_index}.txt").write_text(slow_text, encoding="utf-8", errors="surrogatepass")
    for n, (key, examples) in enumerate(sorted(total.crashes.items())):
        for index, stage, data, trace in examples:
            stem = out / f"crash-{n}-{stage}-{index}"
            raw = data if isinstance(data, bytes) else data.encode("utf-8", "surrogatepass")
            (stem.with_suffix(".input")).write_bytes(raw)
            (stem.with_suffix(".traceback.txt")).write_text(f"{key}\n\n{trace}", encoding="utf-8")

    print(
        f"articles: {args.count:,} (seed {args.seed}, {args.workers} workers), HTML pages extracted: {total.extracts:,}"
    )
    for outcome, count in sorted(total.outcomes.items(), key=lambda item: (-item[1], item[0])):
        print(f"{count:8,}  {outcome}")
    crashes = sum(c for o, c in total.outcomes.items() if o.startswith("crash"))
    print(f"crashes: {crashes:,} ({len(total.crashes)} distinct)")
    print(f"total time: {wall:.1f} s wall")
    print(f"parse_article: {1000 * total.parse_seconds / max(args.count, 1):.2f} ms/article (CPU-summed over workers)")
    judged = total.outcomes["judge_claim returned"]
    if judged:
        print(f"judge_claim: {1000 * total.judge_seconds / judged:.2f} ms/claim")
    if total.extracts:
        print(f"extract: {1000 * total.extract_seconds / total.extracts:.2f} ms/page")
        print(f"slowest extract: {1000 * total.slowest_extract[0]:.0f} ms (article #{total.slowest_extract[1]})")
    print(f"slowest parse: {1000 * slow_took:.0f} ms (article #{slow_index}, {len(slow_text):,} chars)")
    print(f"inputs saved in: {out}")
    return 1 if crashes else 0


if __name__ == "__main__":
    sys.exit(main())

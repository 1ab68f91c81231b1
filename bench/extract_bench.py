"""Benchmark article extraction on real news pages: text F1, in-body link recovery and speed.

Data: ../shared/bench/articles/ (html/<id>.html.gz and ground-truth.json). The text metric is the benchmark's own
(tokens \\w+, 4-word shingles, precision and recall per page averaged over pages, F1 of the two averages).

Link answers: every <a href> of the page that sits inside a block of the ground-truth article body (the block's
shingles are at least 90% in the ground truth and its anchor words occur there); its target is the href made
absolute against the page URL. A link is recovered when the extractor returns the same anchor words with the same
target (multiset matching, so a repeated link must be returned as often as it occurs).

Splits: the folder holds the dev half of the benchmark; its held-out half is kept elsewhere for acceptance. To tune
honestly here as well, the 92 pages are split again by sha256 of the file name: `dev` (even first byte) is the half
the extractor was tuned on, `held-out` (odd) was only measured. `all` is both.

    python bench/extract_bench.py --split dev
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit, urlunsplit

import lxml.html
from lxml import etree

ROOT = Path(__file__).resolve().parent.parent
ARTICLES = ROOT.parent / "shared" / "bench" / "articles"

_TOKEN = re.compile(r"\w+")
_BLOCKS = {"p", "li", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "dd", "dt", "td", "th", "figcaption", "pre"}

Shingle = tuple[str, ...]
LinkKey = tuple[str, str]


@dataclass(frozen=True)
class Page:
    id: str
    url: str
    html: str
    truth: str


@dataclass(frozen=True)
class Output:
    text: str
    links: tuple[LinkKey, ...]  # (anchor, absolute href)


Extractor = Callable[[str, str], Output]


# ---- the benchmark's metric -------------------------------------------------------------------------------------


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text or "")


def shingles(text: str, n: int = 4) -> Counter[Shingle]:
    toks = tokens(text)
    return Counter(tuple(toks[i : i + n]) for i in range(max(1, len(toks) - n + 1)) if toks[i : i + n])


def tp_fp_fn(true: str, pred: str) -> tuple[float, float, float]:
    t, p = shingles(true), shingles(pred)
    tp = fp = fn = 0.0
    for key in set(t) | set(p):
        tc, pc = t.get(key, 0), p.get(key, 0)
        tp += min(tc, pc)
        fp += max(0, pc - tc)
        fn += max(0, tc - pc)
    s = tp + fp + fn
    return (tp / s, fp / s, fn / s) if s else (0.0, 0.0, 0.0)


def precision_recall_f1(counts: list[tuple[float, float, float]]) -> tuple[float, float, float]:
    def precision(tp: float, fp: float, fn: float) -> float:
        if fp == fn == 0:
            return 1.0
        return 0.0 if tp == fp == 0 else tp / (tp + fp)

    def recall(tp: float, fp: float, fn: float) -> float:
        if fp == fn == 0:
            return 1.0
        return 0.0 if tp == fn == 0 else tp / (tp + fn)

    p = statistics.mean(precision(*c) for c in counts if c[0] + c[1] > 0)
    r = statistics.mean(recall(*c) for c in counts if c[0] + c[2] > 0)
    return p, r, 2 * p * r / (p + r)


# ---- link answers -----------------------------------------------------------------------------------------------


def normal_href(href: str) -> str:
    parts = urlsplit(href.strip())
    path = parts.path or "/"
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, parts.query, parts.fragment))


def link_key(anchor: str, href: str) -> LinkKey:
    return " ".join(tokens(anchor)), normal_href(href)


def _block_of(element: etree._Element) -> etree._Element | None:
    node: etree._Element | None = element.getparent()
    while node is not None and node.tag not in _BLOCKS:
        node = node.getparent()
    return node


# A block this short is article text only when it (or its link) is a whole paragraph of the ground truth: otherwise a menu item,
# a "related" title or a topic tag whose few words happen to occur in the article would count as an in-body link.
SHORT_BLOCK = 10


def link_answers(page: Page, whole_short_blocks: bool = True) -> list[LinkKey]:
    """The in-body links; `whole_short_blocks=False` is the first definition (short blocks judged by shingles alone)."""
    try:
        root = lxml.html.fromstring(page.html)
    except (etree.ParserError, ValueError):
        return []
    base = page.url
    for b in root.iter("base"):
        if b.get("href"):
            base = urljoin(page.url, b.get("href", ""))
            break
    truth_shingles = shingles(page.truth)
    truth_words = " " + " ".join(tokens(page.truth)) + " "
    truth_paragraphs = {" ".join(tokens(line)) for line in page.truth.splitlines()}
    answers: list[LinkKey] = []
    for a in root.iter("a"):
        href = (a.get("href") or "").strip()
        anchor = " ".join(tokens(a.text_content()))
        if not href or not anchor or href.startswith(("#", "javascript:", "mailto:", "tel:")):
            continue
        block = _block_of(a)
        if block is None:
            continue
        block_text = block.text_content()
        block_shingles = shingles(block_text)
        if len(tokens(block_text)) < 4 or not block_shingles:
            continue
        inside = sum(min(c, truth_shingles.get(s, 0)) for s, c in block_shingles.items())
        if inside / sum(block_shingles.values()) < 0.9 or f" {anchor} " not in truth_words:
            continue
        block_words = " ".join(tokens(block_text))
        whole = block_words in truth_paragraphs or anchor in truth_paragraphs
        if whole_short_blocks and len(tokens(block_text)) < SHORT_BLOCK and not whole:
            continue
        target = urljoin(base, href)
        if urlsplit(target).scheme in ("http", "https"):
            answers.append(link_key(anchor, target))
    return answers


def recovered(answers: list[LinkKey], returned: Iterable[LinkKey]) -> int:
    got = Counter(link_key(a, h) for a, h in returned)
    hits = 0
    for key in answers:
        if got[key] > 0:
            got[key] -= 1
            hits += 1
    return hits


# ---- extractors -------------------------------------------------------------------------------------------------


def verify_extractor(html: str, url: str) -> Output:
    from verify.extract import extract

    e = extract(html, base_url=url)
    return Output(e.text, tuple((link.anchor, link.href) for link in e.links))


def verify_fast_extractor(html: str, url: str) -> Output:
    """verify as it reads a cited source (`source_paragraphs`: without trafilatura's second opinion); a source's
    links are never read, so none are returned and no link figure is printed for it."""
    from verify.extract import source_paragraphs

    return Output("\n\n".join(source_paragraphs(html, base_url=url)), ())


def trafilatura_extractor(html: str, url: str) -> Output:
    import trafilatura

    xml = trafilatura.extract(html, url=url, output_format="xml", include_links=True, include_comments=False) or ""
    text = trafilatura.extract(html, url=url, include_comments=False) or ""
    links: list[LinkKey] = []
    if xml:
        try:
            tree = etree.fromstring(xml.encode("utf-8"))
        except etree.XMLSyntaxError:
            tree = None
        if tree is not None:
            for ref in tree.iter("ref"):
                target = ref.get("target") or ""
                if target:
                    links.append((" ".join(ref.itertext()), urljoin(url, target)))
    return Output(text, tuple(links))


def readability_extractor(html: str, url: str) -> Output:
    from readability import Document

    summary = Document(html, url=url).summary(html_partial=True)
    root = lxml.html.fromstring(summary) if summary.strip() else None
    if root is None:
        return Output("", ())
    blocks = [" ".join(b.text_content().split()) for b in root.iter(*_BLOCKS)]
    links = tuple((a.text_content(), urljoin(url, a.get("href", ""))) for a in root.iter("a") if a.get("href"))
    return Output("\n\n".join(b for b in blocks if b), links)


def available_extractors(names: list[str]) -> dict[str, Extractor]:
    table: dict[str, tuple[str | None, Extractor]] = {
        "verify": (None, verify_extractor),
        "verify-fast": (None, verify_fast_extractor),
        "trafilatura": ("trafilatura", trafilatura_extractor),
        "readability": ("readability", readability_extractor),
    }
    chosen: dict[str, Extractor] = {}
    for name in names:
        module, function = table[name]
        if module is not None:
            try:
                __import__(module)
            except ImportError:
                print(f"{name}: not installed, skipped", file=sys.stderr)
                continue
        chosen[name] = function
    return chosen


# ---- running ----------------------------------------------------------------------------------------------------


def in_split(page_id: str, split: str) -> bool:
    if split == "all":
        return True
    even = hashlib.sha256(f"{page_id}.html.gz".encode()).digest()[0] % 2 == 0
    return even if split == "dev" else not even


def load_pages(split: str) -> list[Page]:
    truth = json.loads((ARTICLES / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for page_id in sorted(truth):
        if not in_split(page_id, split):
            continue
        with gzip.open(ARTICLES / "html" / f"{page_id}.html.gz", "rt", encoding="utf-8") as f:
            html = f.read()
        pages.append(Page(page_id, truth[page_id]["url"], html, truth[page_id].get("articleBody", "")))
    return pages


def run(name: str, extractor: Extractor, pages: list[Page], verbose: bool) -> None:
    counts: list[tuple[float, float, float]] = []
    answers_total = hits_total = 0
    first_total = first_hits = 0
    elapsed = 0.0
    for page in pages:
        start = time.perf_counter()
        out = extractor(page.html, page.url)
        elapsed += time.perf_counter() - start
        counts.append(tp_fp_fn(page.truth, out.text))
        answers = link_answers(page)
        hits = recovered(answers, out.links)
        answers_total += len(answers)
        hits_total += hits
        first = link_answers(page, whole_short_blocks=False)
        first_total += len(first)
        first_hits += recovered(first, out.links)
        if verbose:
            p, r, f = precision_recall_f1([counts[-1]])
            print(
                f"  {name} {page.id[:12]} p={p:.3f} r={r:.3f} f1={f:.3f} links={hits}/{len(answers)}", file=sys.stderr
            )
    precision, recall, f1 = precision_recall_f1(counts)
    rate = hits_total / answers_total if answers_total else 1.0
    print(f"{name} text F1: {f1:.4f}")
    print(f"{name} text precision: {precision:.4f}")
    print(f"{name} text recall: {recall:.4f}")
    if name != "verify-fast":
        print(f"{name} links recovered: {rate:.4f} ({hits_total}/{answers_total})")
        first_rate = first_hits / first_total if first_total else 1.0
        print(f"{name} links recovered, first definition: {first_rate:.4f} ({first_hits}/{first_total})")
    print(f"{name} ms/page: {1000 * elapsed / len(pages):.1f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--split", choices=["dev", "held-out", "all"], default="dev")
    parser.add_argument("--extractor", action="append", choices=["verify", "verify-fast", "trafilatura", "readability"])
    parser.add_argument("--verbose", action="store_true", help="per-page figures on stderr")
    args = parser.parse_args(argv)
    pages = load_pages(args.split)
    print(f"pages: {len(pages)} (split {args.split})")
    for name, extractor in available_extractors(args.extractor or ["verify", "trafilatura"]).items():
        extractor(pages[0].html, pages[0].url)  # warm-up: imports and caches are not per-page costs
        run(name, extractor, pages, args.verbose)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Every format a run writes, pinned by golden files, and proof that text from articles and pages stays inert in each.

The demo articles are replayed from their cassettes (`--replay-only`, network blocked) with GitHub Actions switched on,
so one run gives the Markdown and JSON reports, SARIF, the workflow annotations (stdout) and the job summary. Goldens
live in tests/golden/; `UPDATE_GOLDENS=1 pytest tests/test_formats.py` rewrites them (then read the diff).

examples/demo/injection.md is built to attack the renderers: its title, anchors, statements and cited pages carry
Markdown links, images, tables, headings, emphasis, HTML (`<script>`, `<img onerror>`) and workflow commands
(`::error file=x::pwned`, `::set-env`). The reports must show all of it as text.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from verify import __version__
from verify.cli import main
from verify.status import ExitStatus

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden"
UPDATE = os.environ.get("UPDATE_GOLDENS") == "1"
ARTICLES = ("harbour-bridge", "injection")

# One annotation line as the runner reads it: a command, properties whose values hold no `:` `,` or line break, one
# `::`, and a message on the same line.
ANNOTATION = re.compile(r"::(error|warning|notice) (?:[a-zA-Z]+=[^:,\r\n]*)(?:,[a-zA-Z]+=[^:,\r\n]*)*::[^\r\n]*")
# The labels of the links the report makes itself (every other link's label is its own URL).
OWN_LABELS = re.compile(
    r"capture of \d{4}-\d\d-\d\d \d\d:\d\d( UTC(, \d+ days? (before|after) the article's date|, the article's date)?)?"
    r"|\d{4}-\d\d-\d\d|archived copy of \d{4}-\d\d-\d\d|live page"
)


def names_its_target(label: str, href: str) -> bool:
    """A link labelled with its own URL, perhaps without the scheme or shortened with an ellipsis."""
    bare = re.sub(r"^https?://(www\.)?", "", href)
    return label in (href, bare) or (label.endswith("…") and bare.startswith(label[:-1]))


SECTIONS = ["Article", "Statements", "Statements and their evidence", "Links", "Stored copy vs archived original"]


@dataclass(frozen=True)
class Run:
    slug: str
    status: int
    stdout: str
    stderr: str
    markdown: str
    html: str
    index_html: str
    report: dict[str, Any]
    sarif: dict[str, Any]
    summary: str
    goldens: dict[str, str]


def _normalise(text: str, out: Path) -> str:
    """Paths of the temporary folder and the tool's version are the only things that vary between runs."""
    text = text.replace(str(out), "<out>")
    for version in (__version__, __version__.replace(".", "\\.", 1)):
        text = text.replace(f"verify {version}", "verify <version>")
    return text.replace(f'"version": "{__version__}"', '"version": "<version>"')


def _replay(slug: str, out: Path, env: dict[str, str]) -> tuple[int, str, str]:
    article = f"examples/demo/{slug}.md"
    arguments = ["check", article, "--replay-only", "--cassettes", "cassettes", "--out", str(out)]
    arguments += ["--sarif", str(out / f"{slug}.sarif")]
    cwd = Path.cwd()
    os.chdir(ROOT)  # the reports and SARIF name the article relative to the working folder, as CI runs it
    try:
        result = CliRunner().invoke(main, arguments, env=env, catch_exceptions=False)
    finally:
        os.chdir(cwd)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module", params=ARTICLES)
def run(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Run:
    slug: str = request.param
    out = tmp_path_factory.mktemp(slug)
    summary_file = out / "step-summary.md"
    env = {"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary_file)}
    status, stdout, stderr = _replay(slug, out, env)
    markdown = (out / f"{slug}.md").read_text(encoding="utf-8")
    page = (out / f"{slug}.html").read_text(encoding="utf-8")
    index_page = (out / "index.html").read_text(encoding="utf-8")
    report_text = (out / f"{slug}.json").read_text(encoding="utf-8")
    sarif_text = (out / f"{slug}.sarif").read_text(encoding="utf-8")
    summary = summary_file.read_text(encoding="utf-8")
    goldens = {
        f"{slug}.report.md": markdown,
        f"{slug}.report.gfm.html": _gfm(markdown),
        f"{slug}.report.html": page,
        f"{slug}.report.json": report_text,
        f"{slug}.sarif.json": sarif_text,
        f"{slug}.annotations.txt": stdout,
        f"{slug}.step-summary.md": summary,
        f"{slug}.stderr.txt": stderr,
    }
    return Run(
        slug,
        status,
        stdout,
        stderr,
        markdown,
        page,
        index_page,
        json.loads(report_text),
        json.loads(sarif_text),
        summary,
        {name: _normalise(text, out) for name, text in goldens.items()},
    )


# --------------------------------------------------------------------------------------------------------------
# Goldens


def test_every_format_matches_its_golden_file(run: Run) -> None:
    mismatched = []
    for name, text in run.goldens.items():
        path = GOLDEN / name
        if UPDATE:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8", newline="\n")
            continue
        assert path.exists(), f"{path} is missing: run UPDATE_GOLDENS=1 pytest {Path(__file__).name}"
        if path.read_text(encoding="utf-8") != text:
            mismatched.append(name)
    assert not mismatched, f"differs from tests/golden/: {mismatched}; if intended, rewrite with UPDATE_GOLDENS=1"


def test_goldens_hold_no_temporary_path_absolute_path_or_version(run: Run) -> None:
    for name, text in run.goldens.items():
        assert "/tmp" not in text and str(ROOT) not in text, name
        assert __version__ not in text.replace("2.1.0", ""), name


def test_both_demo_articles_fail_the_default_policy_on_a_disputed_statement(run: Run) -> None:
    assert run.status == ExitStatus.POLICY_FAILED
    assert run.report["summary"]["disputed"] >= 1


# --------------------------------------------------------------------------------------------------------------
# Markdown: nothing from the article or its pages becomes markup


class _Html(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.links: list[tuple[str, str]] = []
        self.headings: list[tuple[str, str]] = []
        self._open: list[tuple[str, str, list[str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag == "a" or re.fullmatch(r"h[1-6]", tag):
            self._open.append((tag, dict(attrs).get("href") or "", []))

    def handle_data(self, data: str) -> None:
        for _, _, text in self._open:
            text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if self._open and self._open[-1][0] == tag:
            _, href, text = self._open.pop()
            if tag == "a":
                self.links.append((href, "".join(text)))
            else:
                self.headings.append((tag, "".join(text)))


def _gfm(markdown: str) -> str:
    """The Markdown as GitHub renders it (cmark-gfm with GitHub's extensions). Unsafe: raw HTML passes through, so
    any that the report let in shows up as a tag here."""
    cmarkgfm = pytest.importorskip("cmarkgfm")
    from cmarkgfm.cmark import Options

    return str(cmarkgfm.github_flavored_markdown_to_html(markdown, options=Options.CMARK_OPT_UNSAFE))


def _html(markdown: str) -> _Html:
    parsed = _Html()
    parsed.feed(_gfm(markdown))
    return parsed


def _markdown_texts(run: Run) -> Iterator[tuple[str, str]]:
    yield "report", run.markdown
    yield "job summary", run.summary


def test_no_raw_html_survives_in_the_markdown(run: Run) -> None:
    for name, text in _markdown_texts(run):
        tags = set(_html(text).tags)
        assert tags <= {"h1", "h2", "h3", "p", "strong", "code", "table", "thead", "tbody", "tr", "th", "td"} | {
            "a",
            "blockquote",
            "ul",
            "li",
            "hr",
            "del",
        }, f"{name}: {tags}"


def test_only_the_reports_own_links_are_links(run: Run) -> None:
    parsed = _html(run.markdown)
    cited = {link["url"] for link in run.report["links"]} | {run.report["article"]["url"]}
    anchors = set(re.findall(r'<a id="(link-\d+)"></a>', run.markdown))
    for href, text in parsed.links:
        if not href and not text:  # a target the report's own references lead to: <a id="link-N"></a>
            continue
        if href.startswith("#"):  # the report's own reference to a line of its links section, and nothing else
            assert re.fullmatch(r"#link-(\d+)", href) and text == f"link {href[6:]}", (href, text)
            assert href[1:] in anchors, f"{href} leads nowhere"
            continue
        assert href.startswith(("https://", "http://")), href
        assert names_its_target(text, href) or OWN_LABELS.fullmatch(text), (href, text)
        if names_its_target(text, href):
            assert href in cited, f"a link to {href}, which the article does not cite"
    # In the Markdown source: every link to evil.example is labelled with its own URL or one of the report's labels.
    for label, target in re.findall(r"(?<!\\)\[((?:[^\]\\]|\\.)*)\]\((https?://evil[^)]*)\)", run.markdown):
        unescaped = re.sub(r"\\(.)", r"\1", label)
        assert names_its_target(unescaped, target) or OWN_LABELS.fullmatch(unescaped), (label, target)


def test_headings_are_only_the_reports_own(run: Run) -> None:
    headings = _html(run.markdown).headings
    assert [tag for tag, _ in headings].count("h1") == 1
    assert [text for tag, text in headings if tag == "h2"] == SECTIONS
    ids = {s["id"] for s in run.report["statements"]}
    for tag, text in headings:
        if tag == "h3":
            assert text.split(" ")[0] in ids, text
    assert not any(tag in {"h4", "h5", "h6"} for tag, _ in headings)


def test_every_table_row_has_as_many_cells_as_its_header(run: Run) -> None:
    for name, text in _markdown_texts(run):
        width = None
        for line in text.splitlines():
            if not line.startswith("|"):
                width = None
                continue
            cells = len(re.findall(r"(?<!\\)\|", line))
            width = width or cells
            assert cells == width, f"{name}: {line}"


def test_the_injected_title_is_shown_as_text(run: Run) -> None:
    if run.slug != "injection":
        pytest.skip("the injection article's title")
    h1 = next(text for tag, text in _html(run.markdown).headings if tag == "h1")
    assert "<script>alert(1)</script>" in h1
    assert "::error file=x::pwned" in h1


def test_every_backslash_in_the_markdown_is_needed(run: Run) -> None:
    r"""Read raw, the report has a backslash only where taking it away would change what GitHub renders: taken away
    alone, or with one other escape of its line (in `\*\*from 6 am\*\*` the opening escapes alone are spare, an
    opener without a closer; with the closing ones gone too, the words turn bold)."""
    rendered = _gfm(run.markdown)
    runs = [m.span() for m in re.finditer(r"(?:\\[!-/:-@\[-`{-~])+", run.markdown)]

    def without(*spans: tuple[int, int]) -> str:
        text = run.markdown
        for a, b in sorted(spans, reverse=True):
            text = text[:a] + re.sub(r"\\(.)", r"\1", text[a:b]) + text[b:]
        return text

    def line(position: int) -> int:
        return run.markdown.count("\n", 0, position) + 1

    needless = []
    for span in runs:
        if _gfm(without(span)) != rendered:
            continue
        partners = [other for other in runs if other != span and line(other[0]) == line(span[0])]
        if not any(_gfm(without(span, other)) != rendered for other in partners):
            needless.append(f"line {line(span[0])}: {run.markdown[span[0] : span[1]]}")
    assert not needless, needless


def test_urls_are_links_or_code_never_backslashed(run: Run) -> None:
    assert re.search(r"(?i)(https?|ftp)\\:|www\\\.|\\@", run.markdown) is None
    for name in ("report", "job summary"):
        text = run.markdown if name == "report" else run.summary
        assert "\\:" not in text, name


def test_the_word_diff_renders_struck_and_marked(run: Run) -> None:
    changed = [s for s in run.report["statements"] if s["change"] and s["change"]["change"] == "substantive"]
    assert changed
    rendered = _gfm(run.markdown)
    for statement in changed:
        for removed in re.findall(r"\[-(.*?)-\]", statement["change"]["diff"]):
            assert f"<del>{removed}</del>" in rendered
            assert f"~~{removed}~~" in run.markdown
        for added in re.findall(r"\{\+(.*?)\+\}", statement["change"]["diff"]):
            assert f"<strong>{added}</strong>" in rendered
    assert "[-" not in run.markdown and "{+" not in run.markdown


def test_the_summary_table_shows_each_statement_its_label_and_a_one_line_reason(run: Run) -> None:
    rows = [line for line in run.markdown.splitlines() if re.match(r"\| `[cp]\d+\.s\d+` \|", line)]
    assert len(rows) == len(run.report["statements"])
    for row, statement in zip(sorted(rows), sorted(run.report["statements"], key=lambda s: s["id"]), strict=True):
        cells = [c.strip() for c in re.split(r"(?<!\\)\|", row)[1:-1]]
        assert cells[0] == f"`{statement['id']}`"
        shown = cells[2].rstrip("…").replace("\\", "")
        assert shown and " ".join(statement["text"].split()).replace("\\", "").startswith(shown.split(" ")[0])
        assert statement["label"] in cells[-2]
        assert len(cells[-1]) < 240, cells[-1]


def test_each_passage_is_quoted_once(run: Run) -> None:
    for statement in run.report["statements"]:
        section = run.markdown.split(f"### `{statement['id']}`", 1)[1].split("\n### ", 1)[0]
        # What a reader sees below the statement itself: its reason and its evidence.
        below = "\n".join(line for line in section.splitlines() if not line.startswith("> "))
        shown = html.unescape(re.sub(r"<[^>]+>", "", _gfm(below)))
        for evidence in statement["evidence"]:
            start = " ".join(evidence["quote"].split())[:60]
            assert shown.count(start) == 1, (statement["id"], start)


def test_each_link_is_explained_once_in_the_links_section(run: Run) -> None:
    before_links = run.markdown.split("## Links", 1)[0]
    for link in run.report["links"]:
        if link["live"]["detail"] and link["live"]["outcome"] != "ok":
            assert link["live"]["detail"] not in before_links, link["url"]
            assert run.markdown.count(link["live"]["detail"].split(" to ")[0]) >= 1


def test_counts_are_plural_only_when_they_should_be(run: Run) -> None:
    for text in (run.markdown, run.html, run.summary, run.stderr):
        assert re.search(r"\b1 (statements|articles|days|photo captions|sources)\b", text) is None
        assert re.search(r"\b0 other readable", text) is None


# --------------------------------------------------------------------------------------------------------------
# HTML: one self-contained page, valid, with no script, whatever the article and its pages hold


def test_the_html_report_and_index_are_valid_html(run: Run) -> None:
    html5lib = pytest.importorskip("html5lib")
    for page in (run.html, run.index_html):
        html5lib.HTMLParser(strict=True).parse(page)  # raises on any parse error


def test_the_html_report_runs_no_script_and_fetches_nothing(run: Run) -> None:
    for page in (run.html, run.index_html):
        parsed = _Page()
        parsed.feed(page)
        assert "script" not in parsed.tags and "iframe" not in parsed.tags and "img" not in parsed.tags
        assert not [name for name in parsed.attributes if name.startswith("on")]
        assert not [name for name in parsed.attributes if name in ("src", "srcset", "action", "formaction")]
        csp = parsed.meta["content-security-policy"]
        assert "default-src 'none'" in csp and "script-src 'none'" in csp
        style = re.search(r"<style>(.*?)</style>", page, re.S)
        assert style is not None
        digest = base64.b64encode(hashlib.sha256(style.group(1).encode()).digest()).decode()
        assert f"style-src 'sha256-{digest}'" in csp
        assert 'name="viewport"' in page


def test_html_links_go_to_web_urls_or_the_pages_own_anchors(run: Run) -> None:
    parsed = _Page()
    parsed.feed(run.html)
    cited = {link["url"] for link in run.report["links"]} | {run.report["article"]["url"]}
    for href, text in parsed.links:
        if not href and not text:  # a target the report's own references lead to: <a id="link-N"></a>
            continue
        if href.startswith("#"):
            assert href[1:] in parsed.ids, href
            continue
        assert href.startswith(("https://", "http://")), href
        assert names_its_target(text, href) or OWN_LABELS.fullmatch(text), (href, text)
        if names_its_target(text, href):
            assert href in cited


def test_every_label_in_the_html_says_its_word_beside_its_colour(run: Run) -> None:
    labels = re.findall(r'<span class="label (\w+)"><span aria-hidden="true">.</span> (\w+)</span>', run.html)
    assert len(labels) == 2 * len(run.report["statements"])
    assert all(colour == word for colour, word in labels)


def test_the_injected_text_is_text_in_the_html(run: Run) -> None:
    if run.slug != "injection":
        pytest.skip("the injection article")
    parsed = _Page()
    parsed.feed(run.html)
    assert "<script>alert(1)</script>" in parsed.h1
    assert "&lt;img src=x onerror=alert(1)&gt;" in run.html


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attributes: list[str] = []
        self.meta: dict[str, str] = {}
        self.ids: set[str] = set()
        self.links: list[tuple[str, str]] = []
        self.h1 = ""
        self._link: list[str] | None = None
        self._href = ""
        self._in_h1 = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        values = dict(attrs)
        self.attributes += [name for name, _ in attrs]
        identifier = values.get("id")
        if identifier:
            self.ids.add(identifier)
        if tag == "meta" and values.get("http-equiv"):
            self.meta[str(values["http-equiv"]).lower()] = values.get("content") or ""
        if tag == "a":
            self._link, self._href = [], values.get("href") or ""
        self._in_h1 = self._in_h1 or tag == "h1"

    def handle_data(self, data: str) -> None:
        if self._link is not None:
            self._link.append(data)
        if self._in_h1:
            self.h1 += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._link is not None:
            self.links.append((self._href, "".join(self._link)))
            self._link = None
        if tag == "h1":
            self._in_h1 = False


# --------------------------------------------------------------------------------------------------------------
# Workflow annotations


def test_every_line_that_starts_a_workflow_command_is_one_of_the_tools_annotations(run: Run) -> None:
    commands = [line for line in run.stdout.splitlines() if line.startswith("::")]
    assert commands, "GITHUB_ACTIONS=true prints annotations"
    for line in commands:
        assert ANNOTATION.fullmatch(line), line
        message = line.split("::", 2)[2]
        assert "\n" not in message and "\r" not in message
    assert not [line for line in run.stderr.splitlines() if line.startswith("::")]


def test_one_annotation_per_finding_at_its_line(run: Run) -> None:
    findings = [s for s in run.report["statements"] if s["label"] != "sourced"]
    annotated = [
        (m.group(1), int(m.group(2)), m.group(3))
        for m in re.finditer(r"^::\w+ file=([^,]*),line=(\d+),.*?title=(\S+) ", run.stdout, re.MULTILINE)
    ]
    assert annotated == [(f"examples/demo/{run.slug}.md", s["line"], s["id"]) for s in findings]
    # Nothing else starts a workflow command: an injected `::error file=x::pwned` line would be one more.
    assert len([line for line in run.stdout.splitlines() if line.startswith("::")]) == len(findings)


def test_no_annotations_outside_github_actions(tmp_path: Path) -> None:
    status, stdout, _ = _replay("injection", tmp_path, {"GITHUB_ACTIONS": "", "GITHUB_STEP_SUMMARY": ""})
    assert status == ExitStatus.POLICY_FAILED
    assert not [line for line in stdout.splitlines() if line.startswith("::")]
    assert not (tmp_path / "step-summary.md").exists()


# --------------------------------------------------------------------------------------------------------------
# SARIF

# A subset of the SARIF 2.1.0 schema: the parts GitHub code scanning reads.
SARIF_SUBSET: dict[str, Any] = {
    "type": "object",
    "required": ["version", "runs"],
    "properties": {
        "version": {"const": "2.1.0"},
        "runs": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["tool", "results"],
                "properties": {
                    "tool": {
                        "type": "object",
                        "required": ["driver"],
                        "properties": {
                            "driver": {
                                "type": "object",
                                "required": ["name"],
                                "properties": {"name": {"type": "string"}, "rules": {"type": "array"}},
                            }
                        },
                    },
                    "results": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["ruleId", "message", "locations"],
                            "properties": {
                                "level": {"enum": ["none", "note", "warning", "error"]},
                                "message": {
                                    "type": "object",
                                    "required": ["text"],
                                    "properties": {"text": {"type": "string"}},
                                },
                                "locations": {
                                    "type": "array",
                                    "minItems": 1,
                                    "items": {
                                        "type": "object",
                                        "required": ["physicalLocation"],
                                        "properties": {
                                            "physicalLocation": {
                                                "type": "object",
                                                "required": ["artifactLocation", "region"],
                                                "properties": {
                                                    "artifactLocation": {
                                                        "type": "object",
                                                        "required": ["uri"],
                                                        "properties": {"uri": {"type": "string"}},
                                                    },
                                                    "region": {
                                                        "type": "object",
                                                        "required": ["startLine"],
                                                        "properties": {
                                                            "startLine": {"type": "integer", "minimum": 1},
                                                            "startColumn": {"type": "integer", "minimum": 1},
                                                            "endLine": {"type": "integer", "minimum": 1},
                                                        },
                                                    },
                                                },
                                            }
                                        },
                                    },
                                },
                            },
                        },
                    },
                },
            },
        },
    },
}


def test_sarif_is_2_1_0_with_a_result_at_each_finding_line(run: Run) -> None:
    log = run.sarif
    assert log["version"] == "2.1.0"
    assert log["$schema"].endswith("sarif-schema-2.1.0.json")
    (sarif_run,) = log["runs"]
    rule_ids = {rule["id"] for rule in sarif_run["tool"]["driver"]["rules"]}
    findings = [s for s in run.report["statements"] if s["label"] != "sourced"]
    results = sarif_run["results"]
    assert len(results) == len(findings)
    for result, statement in zip(results, findings, strict=True):
        rule = "unverifiable" if statement["unverifiable"] else statement["label"]
        assert result["ruleId"] == rule and result["ruleId"] in rule_ids
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uri"] == f"examples/demo/{run.slug}.md"
        region = location["region"]
        assert type(region["startLine"]) is int and region["startLine"] == statement["line"]
        assert type(region["endLine"]) is int and region["endLine"] >= region["startLine"]
        assert type(region["startColumn"]) is int and region["startColumn"] >= 1
        assert result["message"]["text"].startswith(f"{statement['id']} is {statement['label']}")


def test_sarif_validates_against_the_schema_subset(run: Run) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    jsonschema.validate(run.sarif, SARIF_SUBSET)


def test_a_path_with_a_pipe_stays_in_its_table_cell(tmp_path: Path) -> None:
    article = tmp_path / "a|b.md"
    article.write_bytes((ROOT / "examples" / "demo" / "harbour-bridge.md").read_bytes())
    summary_file = tmp_path / "summary.md"
    env = {"GITHUB_ACTIONS": "", "GITHUB_STEP_SUMMARY": str(summary_file)}
    arguments = ["check", str(article), "--offline", "--fail-on", "never", "--out", str(tmp_path / "out")]
    result = CliRunner().invoke(main, arguments, env=env, catch_exceptions=False)
    assert result.exit_code == ExitStatus.OK
    cmarkgfm = pytest.importorskip("cmarkgfm")
    for text in (summary_file.read_text(), (tmp_path / "out" / "a-b.md").read_text()):
        html = cmarkgfm.github_flavored_markdown_to_html(text)
        assert "a|b.md</code>" in html


# --------------------------------------------------------------------------------------------------------------
# SARIF for code scanning: fingerprints, rules and their documentation


def _offline_sarif(article: Path, out: Path) -> dict[str, Any]:
    """Offline every statement is a finding (unverifiable), so every statement has a fingerprint."""
    arguments = ["check", str(article), "--offline", "--fail-on", "never", "--out", str(out)]
    arguments += ["--sarif", str(out / "run.sarif")]
    result = CliRunner().invoke(main, arguments, env={"GITHUB_ACTIONS": ""}, catch_exceptions=False)
    assert result.exit_code == ExitStatus.OK, result.stderr
    return json.loads((out / "run.sarif").read_text(encoding="utf-8"))


def _fingerprints(log: dict[str, Any]) -> dict[str, str]:
    return {
        r["properties"]["statement"]: r["partialFingerprints"]["primaryLocationLineHash"]
        for r in log["runs"][0]["results"]
    }


def test_fingerprints_stay_when_a_paragraph_is_added_above_and_change_with_the_statement(tmp_path: Path) -> None:
    article = tmp_path / "articles" / "bridge.md"
    article.parent.mkdir()
    demo = (ROOT / "examples" / "demo" / "harbour-bridge.md").read_text(encoding="utf-8")
    article.write_text(demo, encoding="utf-8")
    before = _offline_sarif(article, tmp_path / "before")
    added = "The bridge was closed for an hour on Sunday for a marathon.\n\n"
    edited = demo.replace("The city council voted", added + "The city council voted")
    edited = edited.replace("Work is expected to take 18 months.", "Work is expected to take 20 months.")
    article.write_text(edited, encoding="utf-8")
    after = _offline_sarif(article, tmp_path / "after")
    old, new = _fingerprints(before), _fingerprints(after)
    lines = {
        r["properties"]["statement"]: r["locations"][0]["physicalLocation"]["region"]["startLine"]
        for r in after["runs"][0]["results"]
    }
    moved = [text for text in old if text in new and lines[text] > 7]
    assert moved, "statements below the new paragraph moved down"
    assert all(old[text] == new[text] for text in old if text in new)
    assert "Work is expected to take 18 months." in old and "Work is expected to take 20 months." in new
    assert new["Work is expected to take 20 months."] not in old.values()
    ids = {r["message"]["text"].split(" ")[0] for r in after["runs"][0]["results"]}
    assert ids != {r["message"]["text"].split(" ")[0] for r in before["runs"][0]["results"]}  # ids did move


def test_a_repeated_statement_and_one_in_another_article_get_their_own_fingerprints() -> None:
    from verify.ci import fingerprint

    first, second = fingerprint("a.md", "The bridge opened.", 1), fingerprint("a.md", "The bridge  opened.", 2)
    assert first != second and first.endswith(":1") and second.endswith(":2")
    assert fingerprint("a.md", "The bridge opened.") != fingerprint("b.md", "The bridge opened.")
    assert fingerprint("a.md", "The bridge\n opened.") == first  # white space is not content


def test_one_rule_per_label_and_unverifiable_each_documented_in_docs_rules(run: Run) -> None:
    rules = run.sarif["runs"][0]["tool"]["driver"]["rules"]
    assert [rule["id"] for rule in rules] == ["disputed", "unsourced", "unverifiable"]
    documented = re.findall(r"^## (\S+)$", (ROOT / "docs" / "rules.md").read_text(encoding="utf-8"), re.MULTILINE)
    assert {rule["id"] for rule in rules} <= set(documented)
    assert "example.org" not in json.dumps(run.sarif["runs"][0]["tool"])  # no placeholder address


@pytest.mark.parametrize(
    ("project_urls", "direct_url", "expected"),
    [
        (
            ["Repository, https://github.com/acme/verify"],
            None,
            "https://github.com/acme/verify/blob/main/docs/rules.md",
        ),
        (
            [],
            '{"url": "git+https://github.com/acme/verify.git", "vcs_info": {"vcs": "git", "commit_id": "abc123"}}',
            "https://github.com/acme/verify/blob/abc123/docs/rules.md",
        ),
        (
            ["Source, https://git.example/verify/"],
            '{"url": "https://git.example/verify", "vcs_info": {"vcs": "git", "commit_id": "f00"}}',
            "https://git.example/verify/blob/f00/docs/rules.md",
        ),
        ([], '{"url": "file:///home/me/verify", "dir_info": {"editable": true}}', None),
        ([], None, None),
    ],
)
def test_help_uri_is_the_rules_page_of_the_repository_verify_was_installed_from(
    project_urls: list[str], direct_url: str | None, expected: str | None
) -> None:
    from verify.ci import _rules_url

    assert _rules_url(project_urls, direct_url) == expected


def test_each_rule_links_its_section_when_the_repository_is_known(monkeypatch: pytest.MonkeyPatch) -> None:
    from verify import ci
    from verify.report import FailOn

    monkeypatch.setattr(ci, "rules_url", lambda: "https://github.com/acme/verify/blob/main/docs/rules.md")
    driver = json.loads(ci.sarif([], FailOn.DISPUTED, "1.0"))["runs"][0]["tool"]["driver"]
    assert driver["informationUri"] == "https://github.com/acme/verify"
    for rule in driver["rules"]:
        assert rule["helpUri"] == f"https://github.com/acme/verify/blob/main/docs/rules.md#{rule['id']}"

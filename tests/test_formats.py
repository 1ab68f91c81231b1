"""Every format a run writes, pinned by golden files, and proof that text from articles and pages stays inert in each.

The demo articles are replayed from their cassettes (`--replay-only`, network blocked) with GitHub Actions switched on,
so one run gives the Markdown and JSON reports, SARIF, the workflow annotations (stdout) and the job summary. Goldens
live in tests/golden/; `UPDATE_GOLDENS=1 pytest tests/test_formats.py` rewrites them (then read the diff).

examples/demo/injection.md is built to attack the renderers: its title, anchors, statements and cited pages carry
Markdown links, images, tables, headings, emphasis, HTML (`<script>`, `<img onerror>`) and workflow commands
(`::error file=x::pwned`, `::set-env`). The reports must show all of it as text.
"""

from __future__ import annotations

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
    r"passage|open the passage|capture of \d{4}-\d\d-\d\d \d\d:\d\d UTC|\d{14}|\d{4}-\d\d-\d\d|(archive|live) copy"
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
    report_text = (out / f"{slug}.json").read_text(encoding="utf-8")
    sarif_text = (out / f"{slug}.sarif").read_text(encoding="utf-8")
    summary = summary_file.read_text(encoding="utf-8")
    goldens = {
        f"{slug}.report.md": markdown,
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


def _html(markdown: str) -> _Html:
    cmarkgfm = pytest.importorskip("cmarkgfm")
    from cmarkgfm.cmark import Options

    # Unsafe: raw HTML passes through, so any that the report let in shows up as a tag here.
    html = cmarkgfm.github_flavored_markdown_to_html(markdown, options=Options.CMARK_OPT_UNSAFE)
    parsed = _Html()
    parsed.feed(html)
    return parsed


def _markdown_texts(run: Run) -> Iterator[tuple[str, str]]:
    yield "report", run.markdown
    yield "job summary", run.summary


def test_no_raw_html_survives_in_the_markdown(run: Run) -> None:
    for name, text in _markdown_texts(run):
        assert re.search(r"(?<!\\)<", text) is None, f"{name}: an unescaped '<'"
        tags = set(_html(text).tags)
        assert tags <= {"h1", "h2", "h3", "p", "strong", "code", "table", "thead", "tbody", "tr", "th", "td"} | {
            "a",
            "blockquote",
            "ul",
            "li",
            "hr",
        }, f"{name}: {tags}"


def test_only_the_reports_own_links_are_links(run: Run) -> None:
    parsed = _html(run.markdown)
    cited = {link["url"] for link in run.report["links"]} | {run.report["article"]["url"]}
    for href, text in parsed.links:
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

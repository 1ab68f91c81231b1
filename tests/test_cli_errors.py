"""Errors a person can act on (issue 15): the option is named, the status says whose fault it was, hostile links are
reported for what they are."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.slowweb import agents, requested, serving
from verify.article import parse_article
from verify.cli import main
from verify.status import ExitStatus

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "examples" / "demo" / "harbour-bridge.md"


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--shard", "3/2"], "Error: --shard '3/2': I must be between 1 and N, and N at least 1\n"),
        (["--shard", "0/2"], "Error: --shard '0/2': I must be between 1 and N, and N at least 1\n"),
        (["--shard", "two"], "Error: --shard 'two': expected I/N, for example 2/4\n"),
        (
            ["--url", "notaurl"],
            "Error: --url 'notaurl' is not an http(s) URL (for example https://example.com/story)\n",
        ),
        (
            ["--archive-url", "web.archive.org"],
            "Error: --archive-url 'web.archive.org' is not an http(s) URL (for example https://example.com/story)\n",
        ),
        (
            ["--user-agent", "desk\nX-Injected: 1"],
            "Error: --user-agent 'desk\\nX-Injected: 1': give one line of printable ASCII, e.g. "
            "'verify (newsroom@example.com)'\n",
        ),
    ],
)
def test_a_wrong_option_value_exits_2_naming_the_option(arguments: list[str], message: str, tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["check", str(DEMO), "--no-record", "--out", str(tmp_path), *arguments])
    assert (result.exit_code, result.stderr) == (ExitStatus.USAGE, message)
    assert not list(tmp_path.iterdir())


def test_a_refused_archive_url_is_said_to_be_allowed_by_allow_private(tmp_path: Path) -> None:
    arguments = ["check", str(DEMO), "--no-record", "--archive-url", "http://127.0.0.1:9", "--out", str(tmp_path)]
    CliRunner().invoke(main, arguments, env={"GITHUB_ACTIONS": ""})
    report = json.loads((tmp_path / "harbour-bridge.json").read_text())
    assert report["original"]["archive"]["detail"].endswith(
        "refused to connect to 127.0.0.1: loopback address; --allow-private allows it"
    )


def test_changed_since_outside_a_git_work_tree_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "story.md").write_bytes(DEMO.read_bytes())
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))  # no repository above it either
    result = CliRunner().invoke(main, ["check", "story.md", "--changed-since", "HEAD~1", "--offline"])
    assert result.exit_code == ExitStatus.BAD_INPUT
    assert result.stderr == (
        f"Error: --changed-since HEAD~1: {tmp_path} is not inside a git work tree, so git cannot tell what changed; "
        "run verify from the repository, or leave out --changed-since\n"
    )


@pytest.mark.parametrize(
    "footer",
    [
        "Original url: <https://example.com/story>\nContributed by the desk.",
        "Original url:\n<https://example.com/story>",
    ],
)
def test_the_original_url_is_found_with_a_line_right_under_its_footer(footer: str) -> None:
    article = parse_article(f"# Title\n\nThe council said the bridge will reopen in May.\n\n{footer}\n")
    assert article.url == "https://example.com/story"
    assert [s.text for s in article.statements] == ["The council said the bridge will reopen in May."]


BINARY = bytes(range(256)) * 4


@pytest.mark.parametrize(
    ("content", "why"),
    [
        (b"", "is empty"),
        (b"  \n\n", "is empty"),
        (b"\x00\x01" + BINARY, "is a binary file, not a Markdown, text or HTML article"),
        (b"<p>" + b"a" * 5_000_000, "is 5,000,003 bytes; files over 5,000,000 bytes are refused"),
    ],
)
@pytest.mark.parametrize("command", [["extract"], ["judge", "--claim", "A claim.", "--source"]])
def test_extract_and_judge_refuse_the_files_check_refuses(
    command: list[str], content: bytes, why: str, tmp_path: Path
) -> None:
    path = tmp_path / "page.html"
    path.write_bytes(content)
    result = CliRunner().invoke(main, [*command, str(path)])
    assert (result.exit_code, result.stderr, result.stdout) == (ExitStatus.BAD_INPUT, f"Error: {path}: {why}\n", "")


def test_judge_input_reports_each_malformed_line_by_number_and_judges_the_rest(tmp_path: Path) -> None:
    claims = tmp_path / "claims.jsonl"
    good = {"claim": "The ferry fare rose.", "evidence": "The ferry fare rose."}
    claims.write_text(
        "\n".join([json.dumps({"id": 1, **good}), "not json", '{"id": 3, "claim": "x"}', json.dumps({"id": 4, **good})])
        + "\n"
    )
    result = CliRunner().invoke(main, ["judge", "--input", str(claims)])
    assert result.exit_code == ExitStatus.BAD_INPUT
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == [1, 4]
    assert result.stderr == (
        f"Error: {claims}: line 2: not valid JSON (Expecting value); skipped\n"
        f"Error: {claims}: line 3: missing evidence; skipped\n"
        f"Error: {claims}: 2 malformed lines were skipped\n"
    )


@pytest.mark.block_network(allowed_hosts=[r"127\.0\.0\.1$"])
def test_links_that_are_not_web_links_are_reported_as_such_never_fetched_never_dead(tmp_path: Path) -> None:
    with serving() as web:
        article = tmp_path / "links.md"
        article.write_text(
            "# Ferry fares\n\nMay 12, 2024\n\n"
            "The ferry fare rose to 3 dollars in [May](javascript:alert(1);).\n\n"
            "The mayor said the [ferry](file:///etc/passwd) is late.\n\n"
            "The port [wrote](mailto:port@example.com) to us.\n\n"
            "The [chart](data:text/html,hi) shows it.\n\n"
            f"Original url: <{web}/story>\n",
            encoding="utf-8",
        )
        out = tmp_path / "out"
        result = CliRunner().invoke(
            main,
            [
                *("check", str(article), "--no-record", "--allow-private", "--archive-url", web),
                *("--archive-rate", "1000", "--out", str(out), "--fail-on", "never"),
            ],
        )
        assert result.exit_code == ExitStatus.OK, result.stderr
        asked = requested()
    assert all(path.startswith(("/story", "/cdx/")) for path in asked), asked
    report = json.loads((out / "links.json").read_text())
    statements = {s["text"]: s for s in report["statements"]}
    assert list(statements) == [
        "The ferry fare rose to 3 dollars in May.",
        "The mayor said the ferry is late.",
        "The port wrote to us.",
        "The chart shows it.",
    ]
    for text, (scheme, url) in zip(
        statements,
        [
            ("javascript", "javascript:alert(1);"),
            ("file", "file:///etc/passwd"),
            ("mailto", "mailto:port@example.com"),
            ("data", "data:text/html,hi"),
        ],
        strict=True,
    ):
        reason = statements[text]["reason"]
        assert f"not a web link ({scheme}), never fetched ({url})" in reason
        assert "dead" not in reason
    markdown = (out / "links.md").read_text()
    assert markdown.count("not a web link: never fetched") == 4
    anchors = [(c["anchor"], c["url"]) for c in report["citations"]]
    assert anchors[0] == ("May", "javascript:alert(1);")


@pytest.mark.block_network(allowed_hosts=[r"127\.0\.0\.1$"])
@pytest.mark.parametrize("how", ["option", "environment", "default"])
def test_every_request_carries_the_user_agent_the_run_was_given(how: str, tmp_path: Path) -> None:
    from verify.pipeline import USER_AGENT

    given = "verify (fact desk, desk@example.com)"
    with serving() as web:
        article = tmp_path / "ua.md"
        article.write_text(
            f"# Ferry fares\n\nMay 12, 2024\n\nThe ferry fare rose to 3 dollars in [May]({web}/fares).\n\n"
            f"Original url: <{web}/story>\n",
            encoding="utf-8",
        )
        arguments = ["check", str(article), "--no-record", "--allow-private", "--archive-url", web]
        arguments += ["--archive-rate", "1000", "--out", str(tmp_path / "out"), "--fail-on", "never"]
        if how == "option":
            arguments += ["--user-agent", given]
        env = {"VERIFY_USER_AGENT": given} if how == "environment" else {"VERIFY_USER_AGENT": ""}
        result = CliRunner().invoke(main, arguments, env=env)
        assert result.exit_code == ExitStatus.OK, result.stderr
        sent = agents()
    assert len(sent) >= 4
    assert set(sent) == {USER_AGENT if how == "default" else given}

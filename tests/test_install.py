"""The install the README gives prints no warning (issue 15, item 8).

Installing needs the package index, which tests never reach, so these pin the causes, each of which printed one: the
bundled pip of Python 3.10 and 3.11 (before 23.3) warns that lxml "does not provide the extra 'html_clean'" (justext
asks for it, lxml spells it html-clean), so both commands make the venv with --upgrade-deps; a current pip shows the
build backend's warnings, about a licence given as a TOML table and about the editable install's import hook.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    tomllib = pytest.importorskip("tomli")


def readme_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"^```sh\n(.*?)^```$", readme, re.MULTILINE | re.DOTALL)
    return [block.strip() for block in blocks[:2]]


def test_both_readme_commands_make_the_venv_with_a_current_pip() -> None:
    commands = readme_commands()
    assert len(commands) == 2
    assert all(command.startswith("python3 -m venv --upgrade-deps .venv && ") for command in commands)


def test_ci_runs_exactly_the_readme_test_command() -> None:
    assert readme_commands()[1] in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_the_package_metadata_gives_setuptools_nothing_to_warn_about() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert isinstance(project["project"]["license"], str)  # an SPDX expression, not the deprecated table
    assert "setuptools>=77" in project["build-system"]["requires"]  # the first to read one
    assert project["tool"]["setuptools"]["package-dir"] == {"": "."}  # an editable install is a plain .pth

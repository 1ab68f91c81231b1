"""Shared test fixtures: cassettes live in the top-level `cassettes/` folder, one folder per test module."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CASSETTES = ROOT / "cassettes"
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="module")
def vcr_cassette_dir(request: pytest.FixtureRequest) -> str:
    return str(CASSETTES / request.module.__name__.rsplit(".", 1)[-1])


@pytest.fixture(scope="module")
def vcr_config() -> dict[str, object]:
    return {"decode_compressed_response": False}

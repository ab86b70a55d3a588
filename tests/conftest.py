"""Shared fixtures: the ../shared corpus beside the checkout, skipped with a reason when absent."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("ANALOGSCAN_SHARED", REPO.parent / "shared"))


@pytest.fixture(scope="session")
def shared() -> Path:
    if not (SHARED / "corpus").is_dir():
        pytest.skip(f"../shared not found at {SHARED} (set ANALOGSCAN_SHARED); CI always has it")
    return SHARED


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO

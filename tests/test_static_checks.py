"""ruff and mypy, with the project's settings (pyproject.toml), are part of the test run: the README's
test command (and so CI) fails on a finding."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest


def _run(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], cwd=repo, capture_output=True, text=True, timeout=600,
                          check=False)


@pytest.mark.parametrize("tool", [["ruff", "check", "."], ["mypy"]], ids=["ruff", "mypy"])
def test_clean(repo: Path, tool: list[str]) -> None:
    result = _run(repo, *tool)
    assert result.returncode == 0, result.stdout + result.stderr

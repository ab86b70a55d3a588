"""Comparing reports across runs: every record carries the run's provenance, whose date differs."""

from __future__ import annotations

import re
from pathlib import Path

_DATE = re.compile(r'"date": "[0-9T:-]+Z"')


def undated_text(text: str) -> str:
    return _DATE.sub("", text)


def undated(path: Path) -> str:
    """A findings.jsonl (or any JSONL report) without the run's date."""
    return undated_text(path.read_text(encoding="utf-8"))

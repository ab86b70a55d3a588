"""Report writers: every format reads the finding records made by ``Finding.record()``."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from .csv import write_csv
from .html import write_html
from .jsonl import write_jsonl
from .table import print_table, write_table
from .xlsx import write_xlsx

Writer = Callable[..., None]

WRITERS: dict[str, Writer] = {
    "table": write_table,
    "jsonl": write_jsonl,
    "csv": write_csv,
    "xlsx": write_xlsx,
    "html": write_html,
}
FORMATS: tuple[str, ...] = tuple(WRITERS)

EXTENSIONS: dict[str, str] = {
    ".txt": "table",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".csv": "csv",
    ".xlsx": "xlsx",
    ".html": "html",
    ".htm": "html",
}


def format_from_extension(path: str | Path | None) -> str:
    """The format a path's extension asks for; no path (or ``-``) means the terminal table.

    Raises ValueError for an extension no writer handles.
    """
    if path is None or str(path) in ("", "-"):
        return "table"
    ext = Path(path).suffix.lower()
    if ext not in EXTENSIONS:
        known = ", ".join(sorted(EXTENSIONS))
        raise ValueError(f"{path}: cannot tell the report format from {ext or 'no extension'!r} (use {known})")
    return EXTENSIONS[ext]


def write_report(records: Iterable[Mapping[str, Any]], fmt: str, path: str | Path | None = None,
                 **opts: Any) -> None:
    """Write records in ``fmt`` to ``path`` (atomically); without a path, text formats go to stdout.
    ``provenance=`` (every format but the terminal table) says which run made the report."""
    if fmt not in WRITERS:
        raise ValueError(f"unknown report format {fmt!r} (one of {', '.join(FORMATS)})")
    if fmt == "table":
        opts.pop("provenance", None)
    if path is None or str(path) == "-":
        if fmt == "table":
            print_table(records, **opts)
        elif fmt == "xlsx":
            raise ValueError("xlsx needs an output path")
        else:
            WRITERS[fmt](records, sys.stdout, **opts)
        return
    WRITERS[fmt](records, Path(path), **opts)


__all__ = [
    "FORMATS", "format_from_extension", "print_table", "write_csv", "write_html", "write_jsonl",
    "write_report", "write_table", "write_xlsx",
]

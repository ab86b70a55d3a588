"""CSV for spreadsheets: UTF-8 with BOM (so Excel detects the encoding), Japanese headers.

Every text cell goes through :func:`cells.excel_safe`, so no cell opens as a formula.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import IO, Any

from ..atomic import atomic_writer
from .cells import excel_safe
from .fields import COLUMNS, row_values

BOM = "\ufeff"


def _write(records: Iterable[Mapping[str, Any]], fh: IO[str]) -> None:
    fh.write(BOM)
    out = csv.writer(fh)
    out.writerow(COLUMNS)
    for rec in records:
        row = row_values(rec)
        row["確信度"] = f"{row['確信度']:.2f}"
        out.writerow([excel_safe(str(row[c])) for c in COLUMNS])


def write_csv(records: Iterable[Mapping[str, Any]], path_or_stream: str | Path | IO[str]) -> None:
    """Write to a path atomically, or to an open text stream (which should use ``newline=""``)."""
    if hasattr(path_or_stream, "write"):
        _write(records, path_or_stream)  # type: ignore[arg-type]
        return
    with atomic_writer(Path(path_or_stream), newline="") as fh:
        _write(records, fh)

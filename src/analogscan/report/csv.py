"""CSV for spreadsheets: UTF-8 with BOM (so Excel detects the encoding), Japanese headers, typed findings
by 確信度 then the 種別要確認 rows; the last column 作成条件 repeats the run's provenance on every row (a
header or comment line would break CSV readers).

Every text cell goes through :func:`cells.excel_safe`, so no cell opens as a formula.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import IO, Any

from ..atomic import atomic_writer
from ..provenance import provenance_lines
from .cells import excel_safe
from .fields import COLUMNS, row_values
from .order import ordered

BOM = "\ufeff"
PROVENANCE_COLUMN = "作成条件"


def provenance_text(provenance: Mapping[str, Any] | None) -> str:
    return "; ".join(f"{label}: {value}" for label, value in provenance_lines(dict(provenance or {})))


def _write(records: Iterable[Mapping[str, Any]], fh: IO[str], provenance: Mapping[str, Any] | None) -> None:
    fh.write(BOM)
    out = csv.writer(fh)
    out.writerow([*COLUMNS, PROVENANCE_COLUMN])
    made = excel_safe(provenance_text(provenance))
    for rec in ordered(records):
        row = row_values(rec)
        row["確信度"] = f"{row['確信度']:.2f}"
        out.writerow([*(excel_safe(str(row[c])) for c in COLUMNS), made])


def write_csv(records: Iterable[Mapping[str, Any]], path_or_stream: str | Path | IO[str],
              provenance: Mapping[str, Any] | None = None) -> None:
    """Write to a path atomically, or to an open text stream (which should use ``newline=""``)."""
    if hasattr(path_or_stream, "write"):
        _write(records, path_or_stream, provenance)  # type: ignore[arg-type]
        return
    with atomic_writer(Path(path_or_stream), newline="") as fh:
        _write(records, fh, provenance)

"""JSONL: one finding record a line, UTF-8 as is (``ensure_ascii=False``), in report order (typed findings
by 確信度, then 種別要確認). The technology map is by reference (row and 技術類型 ids; the full table is
``analogscan techmap --json``); each record carries the run's ``provenance``."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import IO, Any

from ..atomic import atomic_writer
from .order import ordered
from .techview import compact_record


def _write(records: Iterable[Mapping[str, Any]], fh: IO[str], provenance: Mapping[str, Any] | None) -> None:
    for rec in ordered(records):
        out = compact_record(rec)
        if provenance:
            out["provenance"] = dict(provenance)
        fh.write(json.dumps(out, ensure_ascii=False) + "\n")


def write_jsonl(records: Iterable[Mapping[str, Any]], path_or_stream: str | Path | IO[str],
                provenance: Mapping[str, Any] | None = None) -> None:
    if hasattr(path_or_stream, "write"):
        _write(records, path_or_stream, provenance)  # type: ignore[arg-type]
        return
    with atomic_writer(Path(path_or_stream)) as fh:
        _write(records, fh, provenance)

"""JSONL: one finding record a line, UTF-8 as is (``ensure_ascii=False``)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import IO, Any

from ..atomic import atomic_writer


def _write(records: Iterable[Mapping[str, Any]], fh: IO[str]) -> None:
    for rec in records:
        fh.write(json.dumps(rec, ensure_ascii=False) + "\n")


def write_jsonl(records: Iterable[Mapping[str, Any]], path_or_stream: str | Path | IO[str]) -> None:
    if hasattr(path_or_stream, "write"):
        _write(records, path_or_stream)  # type: ignore[arg-type]
        return
    with atomic_writer(Path(path_or_stream)) as fh:
        _write(records, fh)

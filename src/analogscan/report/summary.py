"""Counts per type, shared by the XLSX 集計 sheet, the HTML summary and the terminal table."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..labels import ordered_types, type_label
from .fields import document_key


@dataclass
class TypeCount:
    type_id: str
    label: str
    count: int = 0
    digital: int = 0
    score_sum: float = 0.0
    documents: set[tuple[str, str, str]] = field(default_factory=set)

    @property
    def mean_score(self) -> float | None:
        return self.score_sum / self.count if self.count else None

    def add(self, rec: Mapping[str, Any]) -> None:
        self.count += 1
        self.digital += bool(rec.get("digital_alternative"))
        self.score_sum += float(rec.get("score") or 0.0)
        self.documents.add(document_key(rec))


def summarize(records: Sequence[Mapping[str, Any]]) -> tuple[list[TypeCount], TypeCount]:
    """One row per type (the eight in fixed order, then unknown ids) and a 合計 row."""
    types = ordered_types(r.get("type") or "" for r in records)
    rows = {t: TypeCount(t, type_label(t)) for t in types}
    total = TypeCount("", "合計")
    for rec in records:
        rows[rec.get("type") or ""].add(rec)
        total.add(rec)
    return list(rows.values()), total

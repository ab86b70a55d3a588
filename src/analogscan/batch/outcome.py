"""What a batch run produced, shared by the workbook, the dashboard and the CLI summary."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from ..labels import TYPE_ORDER
from ..report.fields import document_key
from .compare import Group


@dataclass
class MunicipalityStatus:
    name: str
    files: int = 0
    documents: int = 0
    errors: list[str] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)   # findings per type
    digital: int = 0                                         # findings with an electronic means allowed
    rule_books: set[tuple[str, str, str]] = field(default_factory=set)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def add(self, rec: dict[str, Any]) -> None:
        self.counts[rec.get("type") or ""] += 1
        self.digital += bool(rec.get("digital_alternative"))
        self.rule_books.add(document_key(rec))


@dataclass
class BatchOutcome:
    municipalities: list[MunicipalityStatus]
    records: list[dict[str, Any]]
    groups: list[Group]
    scanned: int = 0   # files scanned in this run
    reused: int = 0    # files whose cached result was reused

    @property
    def types(self) -> list[str]:
        """The eight types, then any other type id the records carry."""
        extra = sorted({t for m in self.municipalities for t in m.counts} - set(TYPE_ORDER))
        return [*TYPE_ORDER, *extra]

    @property
    def errors(self) -> list[str]:
        return [e for m in self.municipalities for e in m.errors]

"""The classifier's thresholds as typed objects, one set per domain (例規 / national law).

Stored in model.json as ``{"national": {...}, "municipal": {...}}``; each domain has a probability
threshold per type and the any-analog head's thresholds (default and ``--high-recall``) at which a
unit no type passed becomes a 種別要確認 finding.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..analog_types import TYPE_IDS

NEVER = 1.1  # above every probability: a head that never fires
ANY = "any"  # the any-analog head among the classifier's heads


@dataclass(frozen=True)
class DomainThresholds:
    """The thresholds of one domain: a probability per type, and the any-head's for 種別要確認."""

    types: Mapping[str, float]
    any: float = NEVER
    any_high_recall: float = NEVER

    def any_in_force(self, high_recall: bool = False) -> float:
        return min(self.any, self.any_high_recall) if high_recall else self.any

    def as_dict(self) -> dict[str, Any]:
        return {"types": dict(self.types), "any": self.any, "any_high_recall": self.any_high_recall}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> DomainThresholds:
        return cls({t: float(d["types"][t]) for t in TYPE_IDS}, float(d["any"]), float(d["any_high_recall"]))


@dataclass(frozen=True)
class Thresholds:
    """The thresholds of national laws and of municipal rules (例規)."""

    national: DomainThresholds
    municipal: DomainThresholds

    def of(self, municipal: bool) -> DomainThresholds:
        return self.municipal if municipal else self.national

    def as_dict(self) -> dict[str, Any]:
        return {"national": self.national.as_dict(), "municipal": self.municipal.as_dict()}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Thresholds:
        return cls(DomainThresholds.from_dict(d["national"]), DomainThresholds.from_dict(d["municipal"]))

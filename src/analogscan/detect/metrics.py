"""Precision / recall / F1 per type, micro, macro and "any analog type", for labelled units."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..analog_types import UNSPECIFIED
from ..model import ReadError, is_municipal
from .rules import TYPE_IDS


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0

    def add(self, gold: bool, pred: bool) -> None:
        if gold and pred:
            self.tp += 1
        elif pred:
            self.fp += 1
        elif gold:
            self.fn += 1
        else:
            self.tn += 1

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Scores:
    per_type: dict[str, Counts] = field(default_factory=lambda: {t: Counts() for t in TYPE_IDS})
    any_type: Counts = field(default_factory=Counts)
    unspecified: Counts = field(default_factory=Counts)  # 種別要確認 findings: analog at all?

    def add(self, gold: Iterable[str], pred: Iterable[str]) -> None:
        """``pred`` may hold ``UNSPECIFIED``: it counts for "any analog type", for no type."""
        g, p = set(gold), set(pred)
        for t in TYPE_IDS:
            self.per_type[t].add(t in g, t in p)
        self.any_type.add(bool(g), bool(p))
        self.unspecified.add(bool(g), UNSPECIFIED in p)

    @property
    def micro(self) -> Counts:
        c = Counts()
        for x in self.per_type.values():
            c.tp, c.fp, c.fn, c.tn = c.tp + x.tp, c.fp + x.fp, c.fn + x.fn, c.tn + x.tn
        return c

    @property
    def macro_f1(self) -> float:
        return sum(c.f1 for c in self.per_type.values()) / len(self.per_type)

    @property
    def macro_precision(self) -> float:
        return sum(c.precision for c in self.per_type.values()) / len(self.per_type)

    @property
    def macro_recall(self) -> float:
        return sum(c.recall for c in self.per_type.values()) / len(self.per_type)

    def as_dict(self) -> dict:
        def row(c: Counts) -> dict:
            return {"tp": c.tp, "fp": c.fp, "fn": c.fn, "tn": c.tn, "precision": round(c.precision, 4),
                    "recall": round(c.recall, 4), "f1": round(c.f1, 4)}

        return {"per_type": {t: row(c) for t, c in self.per_type.items()}, "micro": row(self.micro),
                "macro": {"precision": round(self.macro_precision, 4), "recall": round(self.macro_recall, 4),
                          "f1": round(self.macro_f1, 4)},
                "any_type": row(self.any_type), "unspecified": row(self.unspecified)}


def net_recall(in_net: list[bool]) -> dict[str, Any]:
    """How many labelled positives the candidate net touches: ``in_net`` holds one flag per positive unit."""
    return {"positives": len(in_net), "in_net": sum(in_net),
            "recall": round(sum(in_net) / len(in_net), 4) if in_net else None}


@dataclass
class LabelledUnit:
    id: str
    text: str
    context: str
    labels: list[str]
    group: str  # municipality or law: the unit of grouped cross-validation
    digital_alternative: bool = False
    raw: dict = field(default_factory=dict)

    @property
    def municipal(self) -> bool:
        return is_municipal(str(self.raw.get("body") or ""))


def group_of(rec: dict) -> str:
    body = rec.get("body") or ""
    if body and body != "国":
        return body
    return rec.get("title") or rec.get("source") or rec.get("id", "")


def read_labels(paths: Sequence[str | Path], dedupe: bool = False) -> list[LabelledUnit]:
    """Read label files (annotation-guide format). Unknown type ids are an error naming file and line.

    With ``dedupe`` (training), a unit seen twice (same id, or same text and lead-in in one group)
    is kept once — the first reading wins — so that overlapping label files never count a
    provision twice; evaluation keeps every line as given.
    """
    out: list[LabelledUnit] = []
    seen: set[str] = set()
    seen_text: set[tuple[str, str, str]] = set()
    for path in paths:
        with open(path, encoding="utf-8") as fh:
            for n, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                try:
                    rec = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise ReadError(str(path), f"line {n}: invalid JSON: {exc.msg}") from None
                labels = rec.get("labels")
                if not isinstance(labels, list) or set(labels) - set(TYPE_IDS):
                    raise ReadError(str(path), f"line {n}: labels must be a list of {', '.join(TYPE_IDS)}")
                uid = str(rec.get("id", ""))
                if not uid or not rec.get("text"):
                    raise ReadError(str(path), f"line {n}: missing text or id")
                key = (group_of(rec), rec["text"], rec.get("context") or "")
                if dedupe and (uid in seen or key in seen_text):
                    continue
                seen.add(uid)
                seen_text.add(key)
                out.append(LabelledUnit(uid, rec["text"], rec.get("context") or "", labels, group_of(rec),
                                        bool(rec.get("digital_alternative")), rec))
    return out

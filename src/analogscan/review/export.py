"""Decisions → labelled units in the annotation-guide format, so ``analogscan train`` learns from them.

One line per unit (document + normalised text): ``labels`` holds the types judged 該当; a type judged
非該当 is absent, i.e. negative. A label line speaks for all eight types, so a unit with any 要確認
decision is left out whole (a 要確認 is not a label). Types nobody decided on count as negative for the
unit — the scan did not report them, and staff did not add them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..analog_types import FINDING_TYPE_IDS, TYPE_IDS, UNSPECIFIED
from ..atomic import atomic_writer
from .store import Decision

UNSURE = "要確認"
POSITIVE = "該当"


@dataclass
class ExportCounts:
    units: int = 0
    positive: int = 0
    left_out_unsure: int = 0
    left_out_untyped: int = 0  # a 種別要確認 finding judged 該当 but no type given: no valid label


def _note(decisions: list[Decision]) -> str:
    parts = []
    for d in decisions:
        who = "、".join(x for x in (d.reviewer, d.decided_at) if x)
        part = f"review: {d.type} {d.verdict}" + (f"（{who}）" if who else "")
        if d.policy:
            part += f" 見直し方針: {d.policy}"
        parts.append(part)
    return "; ".join(parts)


def label_records(decisions: Iterable[Decision], counts: ExportCounts | None = None) -> Iterator[dict[str, Any]]:
    """Label-file records, one per decided unit, in (document, citation) order."""
    counts = counts if counts is not None else ExportCounts()
    units: dict[tuple[str, str], list[Decision]] = {}
    for d in decisions:
        units.setdefault((d.doc_key, d.text_hash), []).append(d)
    for unit in units.values():
        unit.sort(key=lambda d: (-d.import_id, FINDING_TYPE_IDS.index(d.type)))  # latest import's citation first
    for unit in sorted(units.values(), key=lambda u: (u[0].doc_key, u[0].citation, u[0].text_hash)):
        if any(d.verdict == UNSURE for d in unit):
            counts.left_out_unsure += 1
            continue
        first = unit[0]
        labels = [t for t in TYPE_IDS if any(d.type == t and d.verdict == POSITIVE for d in unit)]
        if not labels and any(d.type == UNSPECIFIED and d.verdict == POSITIVE for d in unit):
            counts.left_out_untyped += 1  # analog, but of which type nobody said
            continue
        counts.units += 1
        counts.positive += bool(labels)
        base = first.unit_id or f"{first.title or first.doc_key}#{first.citation}"  # a row added by hand
        yield {
            "id": f"{base}#{first.text_hash}",  # the text hash keeps last year's and this year's text apart
            "source": first.source, "body": first.body, "title": first.title, "citation": first.citation,
            "text": first.text, "context": first.context, "labels": labels,
            "digital_alternative": any(d.digital_alternative for d in unit),
            "note": _note(unit), "caption": first.caption, "origin": "analogscan review export",
        }


def write_labels(decisions: Iterable[Decision], path: str | Path) -> ExportCounts:
    counts = ExportCounts()
    with atomic_writer(Path(path)) as fh:
        for rec in label_records(decisions, counts):
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    return counts

"""Japanese labels for the finding types (the eight analog types and 種別要確認), their fixed order,
and the credit line."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .analog_types import FINDING_TYPE_IDS as TYPE_ORDER
from .analog_types import FINDING_TYPE_LABELS as TYPE_LABELS

# Used only when no record carries techmap.credit (the Digital Agency terms require a credit line
# and a note that the data was edited).
DEFAULT_CREDIT = (
    "出典：「テクノロジーマップ・技術カタログ」（デジタル庁）"
    "https://www.digital.go.jp/policies/technology-map を加工して作成"
)


def type_label(type_id: str) -> str:
    """The Japanese label of a type id; an unknown id is shown as is."""
    return TYPE_LABELS.get(type_id, type_id)


def finding_type_label(rec: Mapping[str, Any]) -> str:
    """The 類型 shown for a finding: its type, or for 種別要確認 also the candidate types."""
    label = type_label(rec.get("type") or "")
    if rec.get("candidate_types"):
        label += "（候補: " + "・".join(type_label(t) for t in rec["candidate_types"]) + "）"
    return label


def ordered_types(type_ids: object) -> list[str]:
    """The finding types in fixed order, then any other ids in order of first appearance."""
    extra: list[str] = []
    for t in type_ids:  # type: ignore[attr-defined]
        if t not in TYPE_LABELS and t not in extra:
            extra.append(t)
    return [*TYPE_ORDER, *extra]

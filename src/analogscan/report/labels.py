"""Japanese labels for the eight analog-regulation types, their fixed order, and the credit line."""

from __future__ import annotations

from ..analog_types import TYPE_IDS as TYPE_ORDER
from ..analog_types import TYPE_LABELS

# Used only when no record carries techmap.credit (the Digital Agency terms require a credit line
# and a note that the data was edited).
DEFAULT_CREDIT = (
    "出典：「テクノロジーマップ・技術カタログ」（デジタル庁）"
    "https://www.digital.go.jp/policies/technology-map を加工して作成"
)


def type_label(type_id: str) -> str:
    """The Japanese label of a type id; an unknown id is shown as is."""
    return TYPE_LABELS.get(type_id, type_id)


def ordered_types(type_ids: object) -> list[str]:
    """The eight types in fixed order, then any other ids in order of first appearance."""
    extra: list[str] = []
    for t in type_ids:  # type: ignore[attr-defined]
        if t not in TYPE_LABELS and t not in extra:
            extra.append(t)
    return [*TYPE_ORDER, *extra]

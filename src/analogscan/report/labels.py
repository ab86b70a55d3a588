"""Japanese labels for the eight analog-regulation types, their fixed order, and the credit line."""

from __future__ import annotations

TYPE_ORDER: tuple[str, ...] = (
    "visual_inspection",
    "onsite_audit",
    "periodic_inspection",
    "resident_staff",
    "in_person_training",
    "document_posting",
    "visit_viewing",
    "recording_media",
)

TYPE_LABELS: dict[str, str] = {
    "visual_inspection": "目視",
    "onsite_audit": "実地監査",
    "periodic_inspection": "定期検査・点検",
    "resident_staff": "常駐・専任",
    "in_person_training": "対面講習",
    "document_posting": "書面掲示",
    "visit_viewing": "往訪閲覧・縦覧",
    "recording_media": "FD等記録媒体",
}

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

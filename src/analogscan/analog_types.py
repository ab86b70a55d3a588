"""The eight analog-regulation type ids of the annotation guide, in its order, with short labels.

The ids are the label format shared by rules, labels, the classifier and reports; each type's
full definition, name and rules live in ``rules/types/<id>.toml``.

``UNSPECIFIED`` is not a type of the guide: it marks a finding the classifier thinks analog
without being sure of the type (its candidate types travel with it). It is never a label.
"""

from __future__ import annotations

TYPE_IDS: tuple[str, ...] = (
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

UNSPECIFIED = "unspecified"
UNSPECIFIED_LABEL = "種別要確認"

# What a finding's ``type`` can be: the eight types, then the untyped review candidate.
FINDING_TYPE_IDS: tuple[str, ...] = (*TYPE_IDS, UNSPECIFIED)
FINDING_TYPE_LABELS: dict[str, str] = {**TYPE_LABELS, UNSPECIFIED: UNSPECIFIED_LABEL}

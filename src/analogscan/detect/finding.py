"""What detection says about a unit: one Finding per (unit, type), with its evidence spans."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from ..analog_types import UNSPECIFIED
from ..model import Document, Unit
from .identity import document_key, identity

SCORE_PLACES = 4  # a record's score is rounded to this many decimal places


@dataclass
class Evidence:
    """A matched span: offsets into the unit text (``unit.text[start:end] == text``)."""

    start: int
    end: int
    text: str
    rule_id: str = ""
    role: str = "trigger"  # trigger | context | object | digital


@dataclass(frozen=True)
class ReviewNote:
    """An earlier staff decision carried onto a finding (``scan --review``): ``status`` carried / changed /
    new; the decision's fields are None for a new finding (nothing decided yet)."""

    status: str
    verdict: str | None = None
    policy: str | None = None
    reviewer: str | None = None
    decided_at: str | None = None
    citation: str | None = None  # of the decision

    def to_dict(self) -> dict[str, Any]:
        if self.verdict is None:
            return {"status": self.status}
        return {"status": self.status, "verdict": self.verdict, "policy": self.policy, "reviewer": self.reviewer,
                "decided_at": self.decided_at, "citation": self.citation}


DOCUMENT_FIELDS = ("title", "body", "kind", "number", "date", "source", "format")  # Document.fields()


@dataclass
class Finding:
    """One finding from detection through review to the reports; ``to_record()`` is its JSONL record."""

    unit_id: str
    citation: str
    type: str
    score: float
    text: str
    caption: str = ""
    context: str = ""
    evidence: list[Evidence] = field(default_factory=list)
    rule_ids: list[str] = field(default_factory=list)
    digital_alternative: bool = False
    digital_evidence: list[Evidence] = field(default_factory=list)
    techmap: dict[str, Any] = field(default_factory=dict)  # linked after detection (pipeline.link_techmap)
    document: dict[str, str] = field(default_factory=dict)
    candidate_types: list[str] = field(default_factory=list)  # of a 種別要確認 finding, likeliest first
    municipality: str | None = None  # in a batch: the municipality the file belongs to
    text_hash: str | None = None     # identity, attached with the review (detect/identity.py)
    finding_id: str | None = None
    review: ReviewNote | None = None

    @property
    def techmap_type(self) -> str | None:
        """The type whose technology map applies: the finding's, or a 種別要確認 finding's likeliest
        candidate (None without candidates)."""
        if self.type == UNSPECIFIED:
            return self.candidate_types[0] if self.candidate_types else None
        return self.type

    def document_key(self) -> str:
        """Which rule the finding belongs to across years (in a batch the municipality stands for the body)."""
        body = self.municipality or self.document.get("body") or ""
        return document_key(body, self.document.get("title") or "", self.document.get("source") or "")

    def identity(self) -> tuple[str, str, str]:
        """(document key, text hash, finding id): what a staff decision is attached to."""
        return identity(self.document_key(), self.text, self.context, self.type, self.text_hash)

    def to_record(self) -> dict[str, Any]:
        """The JSONL record (one finding a line) that every report format reads."""
        rec: dict[str, Any] = {} if self.municipality is None else {"municipality": self.municipality}
        rec["unit_id"] = self.unit_id
        rec.update(self.document)
        rec.update(
            {
                "citation": self.citation,
                "caption": self.caption,
                "type": self.type,
                "candidate_types": self.candidate_types,
                "score": round(self.score, SCORE_PLACES),
                "text": self.text,
                "context": self.context,
                "evidence": [asdict(e) for e in self.evidence],
                "rule_ids": self.rule_ids,
                "digital_alternative": self.digital_alternative,
                "digital_evidence": [asdict(e) for e in self.digital_evidence],
                "techmap": self.techmap,
            }
        )
        if self.text_hash is not None:
            rec["text_hash"] = self.text_hash
        if self.finding_id is not None:
            rec["finding_id"] = self.finding_id
        if self.review is not None:
            rec["review"] = self.review.to_dict()
        return rec

    record = to_record  # the name before the typed finding went past detection

    @classmethod
    def from_record(cls, rec: Mapping[str, Any]) -> Finding:
        """A Finding from its record (a JSONL line, the batch cache); missing fields take their defaults."""
        review = rec.get("review")
        return cls(
            unit_id=rec.get("unit_id") or "", citation=rec.get("citation") or "", type=rec.get("type") or "",
            score=rec.get("score") or 0.0, text=rec.get("text") or "", caption=rec.get("caption") or "",
            context=rec.get("context") or "", evidence=[Evidence(**e) for e in rec.get("evidence") or []],
            rule_ids=list(rec.get("rule_ids") or []), digital_alternative=bool(rec.get("digital_alternative")),
            digital_evidence=[Evidence(**e) for e in rec.get("digital_evidence") or []],
            techmap=dict(rec.get("techmap") or {}),
            document={k: rec[k] for k in DOCUMENT_FIELDS if k in rec},
            candidate_types=list(rec.get("candidate_types") or []), municipality=rec.get("municipality"),
            text_hash=rec.get("text_hash"), finding_id=rec.get("finding_id"),
            review=ReviewNote(**review) if review else None,
        )


def new_finding(doc: Document, unit: Unit, type_id: str, score: float) -> Finding:
    return Finding(
        unit_id=unit.id,
        citation=unit.citation,
        type=type_id,
        score=score,
        text=unit.text,
        caption=unit.caption,
        context=unit.context,
        document=doc.fields(),
    )

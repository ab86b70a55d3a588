"""What detection says about a unit: one Finding per (unit, type), with its evidence spans."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from ..analog_types import UNSPECIFIED
from ..model import Document, Unit

SCORE_PLACES = 4  # a record's score is rounded to this many decimal places


@dataclass
class Evidence:
    """A matched span: offsets into the unit text (``unit.text[start:end] == text``)."""

    start: int
    end: int
    text: str
    rule_id: str = ""
    role: str = "trigger"  # trigger | context | object | digital


@dataclass
class Finding:
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
    techmap: dict[str, Any] = field(default_factory=dict)
    document: dict[str, str] = field(default_factory=dict)
    candidate_types: list[str] = field(default_factory=list)  # of a 種別要確認 finding, likeliest first

    @property
    def techmap_type(self) -> str | None:
        """The type whose technology map applies: the finding's, or a 種別要確認 finding's likeliest
        candidate (None without candidates)."""
        if self.type == UNSPECIFIED:
            return self.candidate_types[0] if self.candidate_types else None
        return self.type

    def record(self) -> dict[str, Any]:
        """The JSONL record (one finding a line) that every report format reads."""
        rec: dict[str, Any] = {"unit_id": self.unit_id}
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
        return rec


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

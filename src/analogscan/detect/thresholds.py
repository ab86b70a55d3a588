"""The classifier's thresholds as one typed object (stored in model.json as a flat mapping)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from ..analog_types import TYPE_IDS

NEVER = 1.1  # above every probability: a head that never fires

# the keys of the flat mapping in model.json (and of the training code's working dict)
ANY = "any"
RULE_FLOOR = "rule_floor"
ANY_HIGH_RECALL = "any_high_recall"  # the any-head threshold used by --high-recall
ANY_MUNICIPAL = "any_municipal"      # the any-head threshold for municipal rules (recall-weighted)
MUNICIPAL_TYPE_SCALE = "municipal_type_scale"  # type thresholds × this on municipal rules


@dataclass(frozen=True)
class Thresholds:
    """Per-type probability thresholds and the thresholds of the any-analog head and of the rules.

    - ``types``: a type is reported when its probability reaches its threshold;
    - ``rule_floor``: a type with a rule score at or above it is reported on the rules alone;
    - ``any``: the any-head probability at which a unit no type passed becomes 種別要確認;
    - ``any_municipal`` / ``any_high_recall``: lower any-head thresholds on 例規 / in a --high-recall sweep;
    - ``municipal_type_scale``: the type thresholds are multiplied by it on 例規.
    """

    types: Mapping[str, float] = field(default_factory=dict)
    any: float = NEVER
    rule_floor: float = NEVER
    any_high_recall: float | None = None
    any_municipal: float | None = None
    municipal_type_scale: float | None = None

    @classmethod
    def of(cls, value: Thresholds | Mapping[str, float]) -> Thresholds:
        """``value`` itself, or the Thresholds of a flat mapping (model.json's ``threshold``)."""
        if isinstance(value, Thresholds):
            return value
        return cls(types={t: value[t] for t in TYPE_IDS if t in value}, any=value.get(ANY, NEVER),
                   rule_floor=value.get(RULE_FLOOR, NEVER), any_high_recall=value.get(ANY_HIGH_RECALL),
                   any_municipal=value.get(ANY_MUNICIPAL), municipal_type_scale=value.get(MUNICIPAL_TYPE_SCALE))

    def to_dict(self) -> dict[str, float]:
        """The flat mapping model.json stores (only the optional keys that are set)."""
        out = {**self.types, ANY: self.any, RULE_FLOOR: self.rule_floor}
        optional = {ANY_HIGH_RECALL: self.any_high_recall, ANY_MUNICIPAL: self.any_municipal,
                    MUNICIPAL_TYPE_SCALE: self.municipal_type_scale}
        out.update({k: v for k, v in optional.items() if v is not None})
        return out

    def type(self, type_id: str, default: float = NEVER) -> float:
        return self.types.get(type_id, default)

    def in_force(self, municipal: bool = False, high_recall: bool = False) -> Thresholds:
        """The thresholds for one unit. On municipal rules the model is weakest (few labelled ordinance
        positives; most training text is national law, whose wording makes the type heads under-confident
        on 例規), so there the type thresholds are scaled down and the any-head is recall-weighted; a
        --high-recall sweep lowers the any-head further."""
        types = dict(self.types)
        if municipal and self.municipal_type_scale is not None:
            types = {t: v * self.municipal_type_scale if t in TYPE_IDS else v for t, v in types.items()}
        any_t = self.any
        if municipal and self.any_municipal is not None:
            any_t = min(any_t, self.any_municipal)
        if high_recall and self.any_high_recall is not None:
            any_t = min(any_t, self.any_high_recall)
        return replace(self, types=types, any=any_t)

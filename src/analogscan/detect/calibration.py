"""Does a 確信度 of 0.8 mean "right 8 times in 10"? A reliability table and the expected calibration error.

Each finding a unit gets (a typed finding, or a 種別要確認 one) is one prediction with its score;
it is right when the unit carries that type (for 種別要確認: any type). Scores are binned in tenths;
the table gives, per bin, the number of findings, their mean score and how many were right.
ECE is the findings-weighted mean of |mean score − share right| over the bins.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ..analog_types import UNSPECIFIED

BINS = 10


@dataclass
class Reliability:
    n: list[int] = field(default_factory=lambda: [0] * BINS)
    score_sum: list[float] = field(default_factory=lambda: [0.0] * BINS)
    right: list[int] = field(default_factory=lambda: [0] * BINS)
    at_one: int = 0  # findings shown as 1.00 (score ≥ 0.995)

    def add(self, gold: Iterable[str], decided: dict[str, float]) -> None:
        g = set(gold)
        for t, raw in decided.items():
            score = float(raw)
            ok = bool(g) if t == UNSPECIFIED else t in g
            b = min(int(score * BINS), BINS - 1)
            self.n[b] += 1
            self.score_sum[b] += score
            self.right[b] += int(ok)
            self.at_one += int(score >= 0.995)

    @property
    def total(self) -> int:
        return sum(self.n)

    @property
    def ece(self) -> float:
        if not self.total:
            return 0.0
        return sum(abs(s / n - r / n) * n for n, s, r in zip(self.n, self.score_sum, self.right) if n) / self.total

    def as_dict(self) -> dict[str, Any]:
        rows = [{"bin": f"{b / BINS:.1f}–{(b + 1) / BINS:.1f}", "findings": n,
                 "mean_score": round(s / n, 3) if n else None, "right": r,
                 "share_right": round(r / n, 3) if n else None}
                for b, (n, s, r) in enumerate(zip(self.n, self.score_sum, self.right))]
        return {"findings": self.total, "ece": round(self.ece, 4), "shown_as_1.00": self.at_one, "bins": rows}

"""The trained classifier: one calibrated logistic regression per type over ``unit_features``.

Training uses scikit-learn; the shipped model is plain data — ``model.json`` (vocabulary,
thresholds, calibration, rules version, figures) and ``coef.npz`` (coefficients, loaded with
``allow_pickle=False``) — so loading never unpickles anything and inference needs only numpy.
Calibration is Platt scaling fitted on out-of-fold decision values of a grouped CV.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .. import project_dir
from ..analog_types import UNSPECIFIED
from ..errors import AnalogscanError
from .engine import UnitAnalysis
from .features import unit_features
from .rules import TYPE_IDS, load_rules
from .thresholds import ANY, ANY_HIGH_RECALL, ANY_MUNICIPAL, MUNICIPAL_TYPE_SCALE, RULE_FLOOR, Thresholds

__all__ = ["ANY", "ANY_HIGH_RECALL", "ANY_MUNICIPAL", "HEADS", "MUNICIPAL_TYPE_SCALE", "RULE_FLOOR", "LinearTypeModel",
           "ModelError", "Thresholds", "decide", "head_thresholds", "load_default_model"]

MODEL_DIR_NAME = "analogscan-clf"
FORMAT_VERSION = 2
HEADS = (*TYPE_IDS, ANY)  # one linear head per type, plus "any analog type"


def head_thresholds(threshold: Thresholds | Mapping[str, float], municipal: bool = False,
                    high_recall: bool = False) -> Thresholds:
    """The thresholds in force for one unit (see ``Thresholds.in_force``)."""
    return Thresholds.of(threshold).in_force(municipal, high_recall)


def decide(probs: dict[str, float], threshold: Thresholds | Mapping[str, float],
           rule_scores: dict[str, float] | None = None, seen: set[str] | None = None,
           basis: dict[str, str] | None = None, candidates: list[str] | None = None) -> dict[str, float]:
    """The types a unit gets, with their scores:
    - each type whose probability reaches its threshold;
    - each type with one very sure rule (rule score ≥ ``threshold.rule_floor``): the
      rules are written from the annotation guide and hold on wordings the labelled corpus lacks
      (its units are mostly national laws); the score is then the rule score;
    - when the "any" head says the unit is analog but no type passed, ``UNSPECIFIED`` (種別要確認)
      scored with the any-head's probability: a finding for staff to review, recall first, without
      claiming a type the model is unsure of. ``candidates``, when given, receives the types whose
      keywords the unit contains (``seen``; all types when None), most probable first.
    ``basis``, when given, receives for each type how it was decided: "classifier", "rules" or
    "classifier:any"."""
    basis = basis if basis is not None else {}
    threshold = Thresholds.of(threshold)
    passed = {t: probs[t] for t in TYPE_IDS if probs[t] >= threshold.types[t]}
    basis.update(dict.fromkeys(passed, "classifier"))
    floor = threshold.rule_floor
    for t, r in (rule_scores or {}).items():
        if r >= floor and t not in passed:
            passed[t] = r
            basis[t] = "rules"
    ranked = sorted((t for t in TYPE_IDS if seen is None or t in seen), key=lambda t: -probs[t])
    if not passed and ranked and probs.get(ANY, 0.0) >= threshold.any:
        passed[UNSPECIFIED] = probs[ANY]
        basis[UNSPECIFIED] = "classifier:any"
        if candidates is not None:
            candidates[:] = ranked
    return passed


class ModelError(AnalogscanError):
    """A model that cannot be used (missing, corrupt, or trained with other rules)."""


@dataclass
class LinearTypeModel:
    """Linear scores + Platt calibration for the eight types, over a shared vocabulary."""

    name: str
    vocabulary: dict[str, int]
    coef: np.ndarray          # (n_heads, n_features), heads = HEADS
    intercept: np.ndarray     # (n_heads,)
    platt: np.ndarray         # (n_heads, 2): p = 1 / (1 + exp(a * z + b))
    threshold: Thresholds
    rules_version: str
    meta: dict[str, Any]

    def decision(self, feats: dict[str, float]) -> np.ndarray:
        cols, vals = [], []
        for f, v in feats.items():
            j = self.vocabulary.get(f)
            if j is not None:
                cols.append(j)
                vals.append(v)
        if not cols:
            return self.intercept.copy()
        return self.intercept + self.coef[:, cols] @ np.asarray(vals)

    def scores(self, ua: UnitAnalysis) -> dict[str, float]:
        """Calibrated probability per head (the eight types and "any")."""
        if not ua.candidate:
            return {t: 0.0 for t in HEADS}
        z = self.decision(unit_features(ua))
        out = {}
        for i, t in enumerate(HEADS):
            a, b = self.platt[i]
            x = min(max(a * z[i] + b, -700.0), 700.0)
            out[t] = 1.0 / (1.0 + math.exp(x))
        return out

    def predict(self, ua: UnitAnalysis, high_recall: bool = False, basis: dict[str, str] | None = None,
                municipal: bool = False, candidates: list[str] | None = None) -> dict[str, float]:
        threshold = head_thresholds(self.threshold, municipal, high_recall)
        return decide(self.scores(ua), threshold, {t: ua.best_rule_score(t) for t in ua.hits},
                      set(ua.net_evidence), basis, candidates)

    # ---------------------------------------------------------------- storage
    def save(self, directory: Path) -> None:
        from ..atomic import atomic_path

        directory.mkdir(parents=True, exist_ok=True)
        vocab = sorted(self.vocabulary, key=self.vocabulary.__getitem__)
        meta = {
            "format_version": FORMAT_VERSION,
            "name": self.name,
            "heads": list(HEADS),
            "rules_version": self.rules_version,
            "threshold": self.threshold.to_dict(),
            "platt": self.platt.round(8).tolist(),
            "intercept": self.intercept.round(8).tolist(),
            "vocabulary": vocab,
            **self.meta,
        }
        with atomic_path(directory / "coef.npz") as tmp, open(tmp, "wb") as fh:
            np.savez_compressed(fh, coef=self.coef.astype(np.float32))
        with atomic_path(directory / "model.json") as tmp:
            tmp.write_text(json.dumps(meta, ensure_ascii=False, indent=0, sort_keys=True), encoding="utf-8")

    @classmethod
    def load(cls, directory: Path, rules_version: str | None = None) -> LinearTypeModel:
        try:
            meta = json.loads((directory / "model.json").read_text(encoding="utf-8"))
            with np.load(directory / "coef.npz", allow_pickle=False) as npz:
                coef = npz["coef"].astype(np.float64)
        except (OSError, ValueError, KeyError) as exc:
            raise ModelError(f"{directory}: cannot load model: {exc}") from None
        if meta.get("format_version") != FORMAT_VERSION or meta.get("heads") != list(HEADS):
            raise ModelError(f"{directory}: model format or type list differs from this analogscan")
        if rules_version is not None and meta.get("rules_version") != rules_version:
            raise ModelError(f"model {directory} was trained with other rules; run analogscan train or use --no-model")
        vocab = {f: i for i, f in enumerate(meta.pop("vocabulary"))}
        if coef.shape != (len(HEADS), len(vocab)):
            raise ModelError(f"{directory}: coefficient shape {coef.shape} does not fit the vocabulary")
        return cls(meta.get("name", directory.name), vocab, coef, np.array(meta.pop("intercept")),
                   np.array(meta.pop("platt")), Thresholds.of(meta.pop("threshold")), meta.get("rules_version", ""), meta)


def default_model_dir() -> Path:
    return project_dir("models") / MODEL_DIR_NAME


def load_default_model() -> LinearTypeModel | None:
    """The shipped model, checked against the current rules; None when no model is shipped."""
    directory = default_model_dir()
    if not (directory / "model.json").exists():
        return None
    return LinearTypeModel.load(directory, load_rules().version)

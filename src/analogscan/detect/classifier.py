"""The trained classifier: one calibrated logistic regression per type over ``unit_features``.

Training uses scikit-learn; the shipped model is plain data — ``model.json`` (vocabulary,
thresholds, calibration, rules version, figures) and ``coef.npz`` (coefficients, loaded with
``allow_pickle=False``) — so loading never unpickles anything and inference needs only numpy.

Two domains share one model: municipal rules (例規) and national laws word the same duties
differently (「職員に立ち入らせ」 vs 「巡視員が巡回し」), so the rule signals (and a bias) are given once
as they are and once tagged with the domain (feature augmentation): the shared weights carry what holds
in both, the tagged ones how far each rule is to be trusted in each domain. The words and n-grams are
shared only: tagged too, they gave the ~60 例規 positives of a rare type thousands of weights of their
own to overfit (例規 macro-F1 0.781 against 0.792 with the rule signals alone tagged). Calibration
(Platt scaling on out-of-fold decision values of a grouped CV) and thresholds are fitted per domain,
so a 確信度 means the same on a 例規 as on a law.
"""

from __future__ import annotations

import itertools
import json
import math
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from .. import project_dir
from ..analog_types import UNSPECIFIED
from ..errors import AnalogscanError
from .engine import UnitAnalysis
from .features import RULE_SIGNALS, unit_features
from .rules import TYPE_IDS, load_rules
from .thresholds import ANY, NEVER, DomainThresholds, Thresholds

__all__ = ["ANY", "DOMAINS", "HEADS", "NEVER", "DomainThresholds", "LinearTypeModel", "ModelError", "Thresholds",
           "decide", "domain_features", "load_default_model"]

MODEL_DIR_NAME = "analogscan-clf"
FORMAT_VERSION = 3
HEADS = (*TYPE_IDS, ANY)  # one linear head per type, plus "any analog type"
DOMAINS = ("national", "municipal")  # in this order: index = int(municipal)


BIAS = "BIAS"  # a per-domain intercept, present (tagged) in every unit


def domain_features(feats: dict[str, float], municipal: bool) -> dict[str, float]:
    """The features as they are, plus the rule signals and a bias tagged with the unit's domain
    (``M|`` 例規, ``L|`` national law)."""
    tag = "M|" if municipal else "L|"
    out = dict(feats)
    out.update({tag + k: v for k, v in feats.items() if k.startswith(RULE_SIGNALS)})
    out[tag + BIAS] = 1.0
    return out


def decide(probs: dict[str, float], thresholds: DomainThresholds, high_recall: bool = False,
           seen: set[str] | None = None, basis: dict[str, str] | None = None,
           candidates: list[str] | None = None) -> dict[str, float]:
    """The types a unit gets, each scored with its calibrated probability:
    - each type whose probability reaches its threshold;
    - when none does but the "any" head says the unit is analog, ``UNSPECIFIED`` (種別要確認)
      scored with the any-head's probability: a finding for staff to review, recall first, without
      claiming a type the model is unsure of. ``candidates``, when given, receives the types whose
      keywords the unit contains (``seen``; all types when None), most probable first.
    ``basis``, when given, receives for each type how it was decided ("classifier" or "classifier:any")."""
    basis = basis if basis is not None else {}
    passed = {t: probs[t] for t in TYPE_IDS if probs[t] >= thresholds.types[t]}
    basis.update(dict.fromkeys(passed, "classifier"))
    ranked = sorted((t for t in TYPE_IDS if seen is None or t in seen), key=lambda t: -probs[t])
    if not passed and ranked and probs.get(ANY, 0.0) >= thresholds.any_in_force(high_recall):
        passed[UNSPECIFIED] = probs[ANY]
        basis[UNSPECIFIED] = "classifier:any"
        if candidates is not None:
            candidates[:] = ranked
    return passed


class ModelError(AnalogscanError):
    """A model that cannot be used (missing, corrupt, or trained with other rules)."""


def platt_prob(z: float, a: float, b: float, c: float) -> float:
    """Platt scaling with a learned ceiling ``c`` (see ``train._platt``)."""
    x = min(max(a * z + b, -700.0), 700.0)
    return c / (1.0 + math.exp(x))


@dataclass
class LinearTypeModel:
    """Linear scores + per-domain Platt calibration for the eight types and "any", over one vocabulary."""

    name: str
    vocabulary: dict[str, int]
    coef: np.ndarray          # (n_heads, n_features), heads = HEADS
    intercept: np.ndarray     # (n_heads,)
    platt: np.ndarray         # (n_domains, n_heads, 3): p = c / (1 + exp(a * z + b))
    thresholds: Thresholds
    rules_version: str
    meta: dict[str, Any] = field(default_factory=dict)

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

    @cached_property
    def _columns(self) -> tuple[dict[str, int], np.ndarray]:
        """Feature → its row in a table of its columns as it is, tagged ``L|`` and tagged ``M|`` (-1 where the
        model has none); the table's last row, all -1, is for features the model does not know."""
        rows: dict[str, list[int]] = {}
        for f, j in self.vocabulary.items():
            tag = f[:2]
            slot = 1 if tag == "L|" else 2 if tag == "M|" else 0
            rows.setdefault(f[2:] if slot else f, [-1, -1, -1])[slot] = j
        table = np.array([*rows.values(), [-1, -1, -1]], dtype=np.intp).reshape(-1, 3)
        return {f: i for i, f in enumerate(rows)}, table

    @cached_property
    def _platt_floats(self) -> tuple[list[tuple[float, float, float]], ...]:
        """Per domain, each head's Platt parameters as Python floats."""
        return tuple([(float(a), float(b), float(c)) for a, b, c in domain] for domain in self.platt)

    def domain_decision(self, feats: dict[str, float], municipal: bool) -> np.ndarray:
        """``decision(domain_features(feats, municipal))``, the same numbers (the same columns in the same
        order, the same product): one dictionary look-up per feature, made by ``map`` in C, and the columns
        taken from a table by numpy, instead of a tagged copy of every feature name and two look-ups."""
        row_of, table = self._columns
        keys = [*feats, BIAS]  # the bias: tagged columns only
        rows = table[np.array(list(map(row_of.get, keys, itertools.repeat(len(table) - 1, len(keys)))),
                              dtype=np.intp)]
        cols = np.concatenate((rows[:, 0], rows[:, 2 if municipal else 1]))
        keep = cols >= 0
        if not keep.any():
            return self.intercept.copy()
        vals = np.append(np.fromiter(feats.values(), dtype=np.float64, count=len(feats)), 1.0)
        return self.intercept + self.coef[:, cols[keep]] @ np.concatenate((vals, vals))[keep]

    def scores(self, ua: UnitAnalysis, municipal: bool = True) -> dict[str, float]:
        """Calibrated probability per head (the eight types and "any") for a unit of the given domain."""
        if not ua.candidate:
            return {t: 0.0 for t in HEADS}
        z = self.domain_decision(unit_features(ua), municipal)
        cal = self._platt_floats[int(municipal)]
        return {t: platt_prob(z, *abc) for t, z, abc in zip(HEADS, z.tolist(), cal, strict=True)}

    def predict(self, ua: UnitAnalysis, high_recall: bool = False, basis: dict[str, str] | None = None,
                municipal: bool = True, candidates: list[str] | None = None) -> dict[str, float]:
        return decide(self.scores(ua, municipal), self.thresholds.of(municipal), high_recall,
                      set(ua.net_evidence) | ua.context_net, basis, candidates)

    # ---------------------------------------------------------------- storage
    def save(self, directory: Path) -> None:
        from ..atomic import atomic_path

        directory.mkdir(parents=True, exist_ok=True)
        vocab = sorted(self.vocabulary, key=lambda k: self.vocabulary[k])
        meta = {
            "format_version": FORMAT_VERSION,
            "name": self.name,
            "heads": list(HEADS),
            "domains": list(DOMAINS),
            "rules_version": self.rules_version,
            "thresholds": self.thresholds.as_dict(),
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
        if (meta.get("format_version") != FORMAT_VERSION or meta.get("heads") != list(HEADS)
                or meta.get("domains") != list(DOMAINS)):
            raise ModelError(f"{directory}: model format or type list differs from this analogscan")
        if rules_version is not None and meta.get("rules_version") != rules_version:
            raise ModelError(f"model {directory} was trained with other rules; run analogscan train or use --no-model")
        vocab = {f: i for i, f in enumerate(meta.pop("vocabulary"))}
        platt = np.array(meta.pop("platt"), dtype=np.float64)
        if coef.shape != (len(HEADS), len(vocab)) or platt.shape != (len(DOMAINS), len(HEADS), 3):
            raise ModelError(f"{directory}: coefficient shape {coef.shape} does not fit the vocabulary")
        try:
            thresholds = Thresholds.from_dict(meta.pop("thresholds"))
        except (KeyError, TypeError, ValueError) as exc:
            raise ModelError(f"{directory}: thresholds unreadable: {exc}") from None
        return cls(meta.get("name", directory.name), vocab, coef, np.array(meta.pop("intercept")),
                   platt, thresholds, meta.get("rules_version", ""), meta)


def default_model_dir() -> Path:
    return project_dir("models") / MODEL_DIR_NAME


def load_default_model() -> LinearTypeModel | None:
    """The shipped model, checked against the current rules; None when no model is shipped."""
    directory = default_model_dir()
    if not (directory / "model.json").exists():
        return None
    return LinearTypeModel.load(directory, load_rules().version)

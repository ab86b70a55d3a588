"""Units → findings: rules (and, when a model is loaded, the classifier) decide type and score.

One Finding per (unit, type) whose score reaches the threshold. Evidence comes from the rules
that fired (or, for a type only the classifier saw, from the type's keyword-net spans), so every
finding can show the words that matched.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import Protocol

from ..analog_types import FINDING_TYPE_IDS, UNSPECIFIED
from ..model import Document, Unit, is_municipal
from ..nlp.normalize import Normalized, normalize
from ..nlp.tokens import Analysis, analyze_many
from .engine import RuleMatcher, UnitAnalysis
from .finding import SCORE_PLACES, Finding, new_finding
from .rules import TYPE_IDS, RuleSet, load_rules
from .thresholds import Thresholds

DEFAULT_MIN_SCORE = 0.5
JUDGED_CACHE = 1024  # units whose analysis and decision are kept for repeats
PREPARE_CHUNK = 256  # candidate units of a document tokenised in a row (see ``document_findings``)


class TypeScorer(Protocol):
    """Something that turns a unit analysis into per-type probabilities (the classifier)."""

    rules_version: str
    thresholds: Thresholds

    def scores(self, ua: UnitAnalysis, municipal: bool = True) -> dict[str, float]: ...

    def predict(self, ua: UnitAnalysis, high_recall: bool = False, basis: dict[str, str] | None = None,
                municipal: bool = False, candidates: list[str] | None = None) -> dict[str, float]: ...


class Detector:
    def __init__(
        self,
        rules: RuleSet | None = None,
        model: TypeScorer | None = None,
        min_score: float | None = None,
        types: Iterable[str] | None = None,
        high_recall: bool = False,
        typed_only: bool = False,
    ):
        self.rules = rules or load_rules()
        self.matcher = RuleMatcher(self.rules)
        self.model = model
        self.min_score = min_score  # a filter on the decided findings: only those scoring at least this
        self.high_recall = high_recall  # the classifier's recall-first any-head threshold
        self.typed_only = typed_only    # no 種別要確認 findings: precision first
        chosen = tuple(types) if types else TYPE_IDS
        # 種別要確認 among the chosen types: every untyped finding is wanted (alone: only those)
        self.untyped_always = UNSPECIFIED in chosen
        self.types = tuple(t for t in chosen if t != UNSPECIFIED)
        unknown = set(self.types) - set(TYPE_IDS)
        if unknown:
            raise ValueError(f"unknown type ids: {sorted(unknown)}")
        # laws repeat whole provisions (「この法律は、公布の日から施行する。ただし、…」 in ~10% of 附則):
        # a unit seen recently is judged once
        self._judged = lru_cache(maxsize=JUDGED_CACHE)(self._judge)
        # (text, lead-in) → normalisation and analysis made ahead by ``document_findings``
        self._prepared: dict[tuple[str, str], tuple[Normalized, Analysis]] = {}

    def analyse(self, text: str, context: str = "") -> UnitAnalysis:
        return self.matcher.analyse(text, context)

    def scores(self, ua: UnitAnalysis, municipal: bool = True) -> dict[str, float]:
        if not ua.candidate:
            return {t: 0.0 for t in TYPE_IDS}
        if self.model is not None:
            return self.model.scores(ua, municipal)
        return {t: ua.rule_score(t) for t in TYPE_IDS}

    def threshold(self, type_id: str, municipal: bool = True) -> float:
        """A type's threshold on 例規 (or on national laws): the model's, else the rules' ``DEFAULT_MIN_SCORE``."""
        if self.model is not None:
            return self.model.thresholds.of(municipal).types.get(type_id, DEFAULT_MIN_SCORE)
        return DEFAULT_MIN_SCORE

    def any_thresholds(self) -> dict[str, float]:
        """The any-head thresholds in force (national laws / municipal rules); empty without a model."""
        if self.model is None:
            return {}
        return {d: self.model.thresholds.of(d == "municipal").any_in_force(self.high_recall)
                for d in ("national", "municipal")}

    def predict(self, text: str, context: str = "", municipal: bool = True) -> tuple[UnitAnalysis, dict[str, float]]:
        """Analysis and the per-type scores that pass the threshold (the labels the tool would give)."""
        ua = self.analyse(text, context)
        return ua, self.decide(ua, municipal=municipal)

    def decide(self, ua: UnitAnalysis, basis: dict[str, str] | None = None, municipal: bool = True,
               candidates: list[str] | None = None) -> dict[str, float]:
        """The types (with scores) a unit gets; ``basis`` receives how each was decided;
        ``candidates`` the likely types of an ``UNSPECIFIED`` (種別要確認) finding, most probable first.
        ``municipal``: the unit is from a 例規 (not a national law): the model's 例規 calibration and thresholds.
        With a type filter, a 種別要確認 finding stays when one of its candidates is wanted; with
        ``min_score``, only the decided types scoring at least that are kept."""
        basis = basis if basis is not None else {}
        if self.model is not None:
            ranked: list[str] = []
            passed = self.model.predict(ua, self.high_recall, basis, municipal, ranked) if ua.candidate else {}
            if candidates is not None:
                candidates[:] = ranked
            untyped_wanted = not self.typed_only and (self.untyped_always or bool(set(ranked) & set(self.types)))
            wanted = set(self.types) | ({UNSPECIFIED} if untyped_wanted else set())
        else:
            passed = {t: v for t, v in self.scores(ua, municipal).items() if v >= DEFAULT_MIN_SCORE}
            basis.update(dict.fromkeys(passed, "rules"))
            wanted = set(self.types)
        floor = self.min_score if self.min_score is not None else 0.0
        # compared as reported (``Finding.record`` rounds to 4 places): --min-score 0.8 keeps a shown 0.8
        return {t: v for t, v in passed.items() if t in wanted and round(v, SCORE_PLACES) >= floor}

    def _judge(self, text: str, context: str,
               municipal: bool) -> tuple[UnitAnalysis, dict[str, float], dict[str, str], tuple[str, ...]]:
        """A unit's analysis, the types it gets, how each was decided and the candidate types of a
        種別要確認 finding (read-only: results are cached)."""
        norm, analysis = self._prepared.pop((text, context), (None, None))
        ua = self.matcher.analyse(text, context, norm, analysis)
        basis: dict[str, str] = {}
        candidates: list[str] = []
        return ua, self.decide(ua, basis, municipal, candidates), basis, tuple(candidates)

    def unit_findings(self, doc: Document, unit: Unit) -> list[Finding]:
        # outside the keyword net (the unit and its lead-in) no type passes
        if not self.matcher.is_candidate(unit.text, unit.context):
            return []
        return self._candidate_findings(doc, unit)

    def _candidate_findings(self, doc: Document, unit: Unit) -> list[Finding]:
        ua, passed, basis, candidates = self._judged(unit.text, unit.context, is_municipal(doc.body))
        out: list[Finding] = []
        for type_id in FINDING_TYPE_IDS:
            if type_id not in passed:
                continue
            f = new_finding(doc, unit, type_id, passed[type_id])
            # a 種別要確認 finding shows the keywords of its candidate types (the technology map, linked
            # after detection, is the most probable one's: Finding.techmap_type)
            looked_up = candidates if type_id == UNSPECIFIED else [type_id]
            f.evidence = ua.evidence(*looked_up)
            f.rule_ids = sorted({h.rule.id for t in looked_up for h in ua.hits.get(t, [])})
            if basis.get(type_id, "rules") != "rules":
                f.rule_ids.append(basis[type_id])  # "classifier" or "classifier:any"
            if type_id == UNSPECIFIED:
                f.candidate_types = list(candidates)
            f.digital_alternative = bool(ua.digital_evidence)
            f.digital_evidence = list(ua.digital_evidence)
            out.append(f)
        return out

    def document_findings(self, doc: Document) -> Iterator[Finding]:
        """The findings of every unit. The candidate units are tokenised in chunks, each in a row
        before the rules and the classifier see them: Sudachi called between other work runs at
        about half its speed (its dictionary falls out of the CPU caches)."""
        units = [u for u in doc.units if self.matcher.is_candidate(u.text, u.context)]
        for i in range(0, len(units), PREPARE_CHUNK):
            chunk = units[i:i + PREPARE_CHUNK]
            self._prepare(chunk)
            try:
                for unit in chunk:
                    yield from self._candidate_findings(doc, unit)
            finally:
                self._prepared.clear()  # the units judged before (cached) left theirs unused

    def _prepare(self, units: list[Unit]) -> None:
        norms = {(u.text, u.context): None for u in units}
        pairs = [(text, normalize(text)) for text, _context in norms]
        self._prepared = dict(zip(norms, zip((n for _t, n in pairs), analyze_many(pairs), strict=True)))

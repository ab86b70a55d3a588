"""Rule matching: a unit's text → per-type rule hits with evidence spans and a rule score.

The pipeline per unit (spaCy-like small steps, scancode-like evidence):
candidate net (regex over normalised text) → Sudachi analysis → common exclusions →
each rule's trigger patterns, required/excluded context, boosts → per-type score (noisy-OR)
→ digital-alternative evidence. The classifier (``detect.classifier``) consumes the same
``UnitAnalysis`` so that rule evidence stays attached to whatever it decides.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from re import _constants as _re_constants  # type: ignore[attr-defined]
from re import _parser as _re_parser  # type: ignore[attr-defined]

from ..nlp.normalize import Normalized, normalize, normalize_text, words_before_numerals
from ..nlp.tokens import Analysis, analyze
from .finding import Evidence
from .rules import Rule, RuleSet

_LITERAL = _re_constants.LITERAL


@dataclass
class RuleHit:
    rule: Rule
    score: float
    evidence: list[Evidence]


@dataclass
class UnitAnalysis:
    """Everything detection knows about one unit, shared by rules, classifier and reports."""

    text: str
    context: str
    norm: Normalized
    candidate: bool
    exclusions: set[str] = field(default_factory=set)
    analysis: Analysis | None = None
    context_analysis: Analysis | None = None
    hits: dict[str, list[RuleHit]] = field(default_factory=dict)   # type → hits
    # type → keyword-net spans; its keys are also the plain keyword-net baseline's answer for the unit
    net_evidence: dict[str, list[Evidence]] = field(default_factory=dict)
    # types whose net words occur in the lead-in only: a 号 under 「掲示期間は、次のとおり」 names
    # no net word itself (「14日間」) yet may carry an element of the analog act
    context_net: set[str] = field(default_factory=set)
    digital_evidence: list[Evidence] = field(default_factory=list)
    obligation: bool = False
    depth: list[int] = field(default_factory=list)  # parenthesis depth per original character

    def rule_score(self, type_id: str) -> float:
        """Noisy-OR of the type's rule scores (0 when no rule fired)."""
        p = 1.0
        for h in self.hits.get(type_id, []):
            p *= 1.0 - h.score
        return 1.0 - p

    def best_rule_score(self, type_id: str) -> float:
        """The score of the type's single surest rule (what may decide without the classifier)."""
        return max((h.score for h in self.hits.get(type_id, [])), default=0.0)

    def evidence(self, *type_ids: str) -> list[Evidence]:
        """The types' trigger spans (or their keyword-net spans), overlapping spans merged."""
        # a type's rule triggers; else its keyword-net words; else (a classifier-only call) the
        # keyword-net words that made the unit a candidate at all — a finding never comes without words
        spans = [e for t in type_ids for e in
                 ([e for h in self.hits.get(t, []) for e in h.evidence] or self.net_evidence.get(t, []))]
        spans = spans or [e for spans in self.net_evidence.values() for e in spans]
        merged: list[Evidence] = []
        for e in sorted(spans, key=lambda e: (e.start, -e.end)):
            if merged and e.start < merged[-1].end:
                last = merged[-1]
                if e.end > last.end:
                    merged[-1] = Evidence(last.start, e.end, self.text[last.start:e.end], last.rule_id, last.role)
            else:
                merged.append(e)
        return merged


def paren_depth(text: str) -> list[int]:
    """Nesting depth of （…） / (…) at each character of ``text``."""
    depth, out = 0, []
    for ch in text:
        if ch in "（(":
            depth += 1
            out.append(depth)
        elif ch in "）)":
            out.append(depth)
            depth = max(depth - 1, 0)
        else:
            out.append(depth)
    return out


def _span_evidence(text: str, norm: Normalized, a: int, b: int, rule_id: str, role: str) -> Evidence:
    s, e = norm.span(a, b)
    return Evidence(s, e, text[s:e], rule_id, role)


class RuleMatcher:
    """Applies a compiled :class:`RuleSet` to unit texts."""

    def __init__(self, rules: RuleSet):
        self.rules = rules
        # the lead-in last seen, normalised and analysed: the 号 of one 項 share it
        self._context: tuple[str, Normalized, Analysis | None] | None = None
        self._context_hit: tuple[str, bool] | None = None
        self._early_net = words_before_numerals([w for t in rules.types.values() for w in t.net])
        # per rule: each trigger pattern with a literal every match of it contains ("" when none is known)
        self._triggers = {r.id: ([(p, required_literal(p)) for p in r.patterns],
                                 [(p, required_literal(p)) for p in r.text_patterns]) for r in rules.rules}

    def is_candidate(self, text: str, context: str = "") -> bool:
        """Whether the keyword net touches ``text`` or its lead-in ``context``
        (``analyse(text, context).candidate``, at a fraction of the cost)."""
        norm_text = normalize_text(text, unless=self._early_net)
        if norm_text is not None and self.rules.net_re.search(norm_text):
            return True
        return bool(context) and self._context_in_net(context)

    def _context_in_net(self, context: str) -> bool:
        if self._context_hit is None or self._context_hit[0] != context:
            self._context_hit = (context, bool(self.rules.net_re.search(self._context_norm(context).text)))
        return self._context_hit[1]

    def _context_norm(self, context: str) -> Normalized:
        if self._context is None or self._context[0] != context:
            self._context = (context, normalize(context), None)
        return self._context[1]

    def _context_analysis(self, context: str) -> Analysis:
        ctx, cnorm, analysis = self._context or (None, None, None)
        if ctx != context or analysis is None:
            cnorm = self._context_norm(context)
            analysis = analyze(context, cnorm)
            self._context = (context, cnorm, analysis)
        return analysis

    def analyse(self, text: str, context: str = "", norm: Normalized | None = None,
                analysis: Analysis | None = None) -> UnitAnalysis:
        """``norm`` and ``analysis``: the text's normalisation and Sudachi analysis, when made ahead."""
        norm = norm or normalize(text)
        ctx_norm = self._context_norm(context) if context else None
        ctx_norm_text = ctx_norm.text if ctx_norm else ""
        candidate = bool(self.rules.net_re.search(norm.text)) or bool(
            ctx_norm_text and self.rules.net_re.search(ctx_norm_text))
        ua = UnitAnalysis(text, context, norm, candidate, depth=paren_depth(text))
        # digital alternatives are looked for in every unit: they matter for reports even without a hit
        ua.digital_evidence = self._digital(ua, ctx_norm)
        if not candidate:
            return ua
        for tid, tdef in self.rules.types.items():
            if tdef.net_re is None:  # set by load_rules for every type
                continue
            spans = [_span_evidence(text, norm, m.start(), m.end(), f"{tid}.net", "net")
                     for m in tdef.net_re.finditer(norm.text)]
            if spans:
                ua.net_evidence[tid] = spans
            elif ctx_norm_text and tdef.net_re.search(ctx_norm_text):
                ua.context_net.add(tid)
        ua.exclusions = {name for name, pats in self.rules.exclusions.items()
                         if any(p.search(norm.text) or (ctx_norm_text and name in self.rules.context_exclusions
                                                        and p.search(ctx_norm_text)) for p in pats)}
        ua.analysis = analysis if analysis is not None and analysis.norm is norm else analyze(text, norm)
        if context:
            ua.context_analysis = self._context_analysis(context)
        stream = ua.analysis.stream
        ctx_stream = ua.context_analysis.stream if ua.context_analysis else ""
        ua.obligation = self.rules.obligation.found(stream, norm.text)
        for tid, tdef in self.rules.types.items():
            if not self._may_fire(tid, stream, norm.text):
                continue
            hits = [h for r in tdef.rules if (h := self._apply(r, ua, stream, ctx_stream, ctx_norm_text))]
            if hits:
                ua.hits[tid] = hits
        return ua

    def _may_fire(self, type_id: str, stream: str, text: str) -> bool:
        """Whether a trigger pattern of one of the type's rules may match: its literal is in the unit (or it has
        none). When none may, no rule of the type finds evidence nor gives a hit (``_apply``): they are not run."""
        for rule in self.rules.types[type_id].rules:
            lemma, plain = self._triggers[rule.id]
            if any(not lit or lit in stream for _p, lit in lemma) or any(not lit or lit in text for _p, lit in plain):
                return True
        return False

    def _apply(self, rule: Rule, ua: UnitAnalysis, stream: str, ctx_stream: str, ctx_text: str) -> RuleHit | None:
        if ua.exclusions and not ua.exclusions.issubset(rule.ignore_exclusions):
            return None
        evidence = _triggers(rule, self._triggers[rule.id], ua, stream)
        if not evidence or not _context_allows(rule, ua, stream, ctx_stream, ctx_text):
            return None
        score = rule.weight
        if ua.obligation:
            score += self.rules.obligation.weight
        for cue in rule.boosts:
            if cue.found(stream, ua.norm.text, ctx_stream, ctx_text):
                score += cue.weight
        return RuleHit(rule, max(0.0, min(score, 1.0)), evidence)

    def _digital(self, ua: UnitAnalysis, cnorm: Normalized | None) -> list[Evidence]:
        """Electronic-alternative cues in the unit, else in its lead-in. A cue inside （…） only
        widens an object (「帳簿書類（…電磁的記録を含む。）」) and allows no electronic means."""

        def cues(source: str, snorm: Normalized, depth: list[int], role: str) -> list[Evidence]:
            return [e for name, p in self.rules.digital for m in p.finditer(snorm.text)
                    if not depth[(e := _span_evidence(source, snorm, m.start(), m.end(), f"digital.{name}", role)).start]]

        found = cues(ua.text, ua.norm, ua.depth, "digital")
        if cnorm is not None and not found:
            found = cues(ua.context, cnorm, paren_depth(ua.context), "digital_context")
        return found


def required_literal(pattern: re.Pattern[str]) -> str:
    """The longest run of plain characters in the top-level sequence of ``pattern``: every match contains it
    (a sequence's items all match, one after the other). "" when there is none or the pattern is not plain."""
    if pattern.flags & re.IGNORECASE:
        return ""
    try:
        items = _re_parser.parse(pattern.pattern, pattern.flags)
    except re.error:
        return ""
    best, run = "", ""
    for op, arg in items:
        if op is _LITERAL:
            run += chr(arg)
        else:
            best, run = max(best, run, key=len), ""
    best = max(best, run, key=len)
    return best if best.strip() else ""


Triggers = tuple[list[tuple[re.Pattern[str], str]], list[tuple[re.Pattern[str], str]]]


def _triggers(rule: Rule, triggers: Triggers, ua: UnitAnalysis, stream: str) -> list[Evidence]:
    """The spans a rule's patterns match (lemma patterns on the stream, text patterns on the normalised
    text), without those inside （…） unless the rule allows them. ``triggers``: the rule's patterns, each
    with a literal its matches contain: a pattern whose literal is not in the text is not run."""
    assert ua.analysis is not None
    evidence: list[Evidence] = []
    lemma, plain = triggers
    for p, lit in lemma:
        if lit and lit not in stream:
            continue
        for m in p.finditer(stream):
            s, e = ua.analysis.stream_span_to_text(m.start(), m.end())
            evidence.append(Evidence(s, e, ua.text[s:e], rule.id, "trigger"))
    for p, lit in plain:
        if lit and lit not in ua.norm.text:
            continue
        for m in p.finditer(ua.norm.text):
            evidence.append(_span_evidence(ua.text, ua.norm, m.start(), m.end(), rule.id, "trigger"))
    if rule.outside_parens:
        evidence = [e for e in evidence if not ua.depth[e.start]]
    return evidence


def _context_allows(rule: Rule, ua: UnitAnalysis, stream: str, ctx_stream: str, ctx_text: str) -> bool:
    """No excluded context in the unit, and a required one in the unit or its lead-in (when the rule has one)."""
    if any(p.search(stream) for p in rule.exclude_any) or any(p.search(ua.norm.text) for p in rule.exclude_text_any):
        return False
    if not (rule.require_any or rule.require_text_any):
        return True
    return any(p.search(stream) or (ctx_stream and p.search(ctx_stream)) for p in rule.require_any) or any(
        p.search(ua.norm.text) or (ctx_text and p.search(ctx_text)) for p in rule.require_text_any)

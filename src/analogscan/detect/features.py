"""Features of one analysed unit for the classifier: lemma n-grams, character n-grams, rule signals.

Rule signals (which rules fired, per-type rule score, exclusions, obligation ending, digital
alternative, keyword-net hits inside or outside parentheses) let the model learn when to
trust a rule; the n-grams let it learn wordings no rule holds; the lemmas in a window around
each keyword-net hit say what the keyword is doing in a long sentence (the object inspected,
the verb that follows).
"""

from __future__ import annotations

import bisect
import itertools

from .engine import UnitAnalysis
from .finding import Evidence
from .rules import TYPE_IDS

CHAR_N = (2, 3)
MAX_CHARS = 400  # long units: the beginning holds the subject and the duty often enough
WINDOW = 5       # tokens on each side of a keyword-net hit
TYPED_WINDOW = 8  # words on each side of a type's own net hit (punctuation skipped), tagged with the type
# the features that say what the rules saw (made by _rule_features and unit_features below): the classifier
# gives these a second time tagged with the unit's domain (classifier.domain_features)
RULE_SIGNALS = ("R:", "T:", "N:", "Np:", "NORULE:", "CN:", "X:", "NHITTYPES", "OBL", "DIG", "HAS_CONTEXT")


def _around(starts: list[int], e: Evidence, width: int) -> slice:
    """The tokens of a net hit and ``width`` tokens on each side (``starts``: the tokens' start offsets)."""
    first = max(bisect.bisect_right(starts, e.start) - 1, 0)
    last = max(bisect.bisect_left(starts, e.end) - 1, first)
    return slice(max(0, first - width), last + width + 1)


def _window_features(ua: UnitAnalysis, feats: dict[str, float], typed: dict[str, float]) -> None:
    """Around each keyword-net hit: the lemmas of a narrow window, shared by every type (into ``feats``), and
    the words of a wider one tagged with the hit's type (into ``typed``: ``tw:resident_staff:…`` only for
    常駐's own hits), so that a rare type's head learns what surrounds its own keywords — the verb after
    磁気テープ, the place before 管理人を置く — not only a window shared by every type's words."""
    assert ua.analysis is not None
    tokens = ua.analysis.tokens
    starts = [t.start for t in tokens]
    for tid, spans in ua.net_evidence.items():
        for e in spans:
            seq = [t.lemma for t in tokens[_around(starts, e, WINDOW)]]
            for a in seq:
                feats["win:" + a] = 1.0
            for a, b in itertools.pairwise(seq):
                feats[f"win2:{a}_{b}"] = 1.0
            words = [t.lemma for t in tokens[_around(starts, e, TYPED_WINDOW)] if t.pos not in ("補助記号", "空白")]
            for a in words:
                typed[f"tw:{tid}:{a}"] = 1.0
            for a, b in itertools.pairwise(words):
                typed[f"tw2:{tid}:{a}_{b}"] = 1.0


def unit_features(ua: UnitAnalysis) -> dict[str, float]:
    feats: dict[str, float] = {}  # (the insertion order is the order of the model's dot product: keep it)
    typed: dict[str, float] = {}  # the typed windows, made with the shared ones, go in after the rule signals
    _token_features(ua, feats, typed)
    text = ua.norm.text[:MAX_CHARS]
    for n in CHAR_N:
        prefix = f"ch{n}:"
        feats.update(dict.fromkeys([prefix + text[i:i + n] for i in range(len(text) - n + 1)], 1.0))
    _rule_features(ua, feats)
    for name in ua.exclusions:
        feats["X:" + name] = 1.0
    feats.update(typed)
    flags = {"NHITTYPES": float(len(ua.hits)), "OBL": float(bool(ua.obligation)),
             "DIG": float(bool(ua.digital_evidence)), "HAS_CONTEXT": float(bool(ua.context))}
    feats.update({k: v for k, v in flags.items() if v})
    return feats


def _token_features(ua: UnitAnalysis, feats: dict[str, float], typed: dict[str, float]) -> None:
    """Lemmas and lemma bigrams of the unit, the lemmas around its keyword hits, the lemmas of its lead-in."""
    if ua.analysis is not None:
        lemmas = [t.lemma for t in ua.analysis.tokens if t.pos not in ("補助記号", "空白")]
        for a in lemmas:
            feats["w:" + a] = 1.0
        for a, b in itertools.pairwise(lemmas):
            feats[f"w2:{a}_{b}"] = 1.0
        _window_features(ua, feats, typed)
    if ua.context_analysis is not None:
        for t in ua.context_analysis.tokens:
            if t.pos not in ("補助記号", "空白"):
                feats["c:" + t.lemma] = 1.0


def _rule_features(ua: UnitAnalysis, feats: dict[str, float]) -> None:
    """Per type: the rule score, each rule's score, whether a net word occurs (outside （…） or not) and
    whether it does with no rule firing."""
    for tid in TYPE_IDS:
        score = ua.rule_score(tid)
        if score:
            feats["T:" + tid] = score
        for h in ua.hits.get(tid, []):
            feats["R:" + h.rule.id] = max(feats.get("R:" + h.rule.id, 0.0), h.score)
        net = ua.net_evidence.get(tid, [])
        if net:
            outside = any(not ua.depth[e.start] for e in net) if ua.depth else True
            feats[("N:" if outside else "Np:") + tid] = 1.0
            if tid not in ua.hits:  # the keyword is there but no rule saw the duty (立入 of books only …)
                feats["NORULE:" + tid] = 1.0
    for tid in ua.context_net:
        feats["CN:" + tid] = 1.0

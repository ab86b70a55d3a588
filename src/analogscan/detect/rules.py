"""Detection rules as data: load ``rules/types/*.toml`` and ``rules/common.toml``, validate, compile once.

Pattern syntax (lemma patterns): lemmas separated by single spaces, matched on the lemma
stream of :mod:`analogscan.nlp.tokens` (「縦覧 に 供する」). Inside a lemma, regular-expression
alternation is allowed (「(縦覧|閲覧) に 供する」). ``~`` stands for a gap of up to 8 tokens,
``~N`` for up to N tokens. ``text_patterns`` are regular expressions over the
normalised text (NFKC, 漢数字 → digits) for things tokens do not help with. In them,
``[^。]`` ("any character within the sentence") also steps over a whole parenthetical
「（…。…）」 as one character, because legal parentheticals carry their own 「。」.
"""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from .. import project_dir
from ..analog_types import TYPE_IDS
from ..errors import AnalogscanError

_GAP_RE = re.compile(r"~(\d*)")
# what ``[^。]`` means in a text pattern (the normalised text has ASCII parentheses after NFKC)
_IN_SENTENCE = "(?:[（(][^（）()]*[）)]|[^。（）()])"


class RuleError(AnalogscanError, ValueError):
    """A rule file that does not validate; the message names the file and the rule."""


def compile_lemma_pattern(pattern: str) -> re.Pattern[str]:
    """「立入 ~3 検査」 → a regex over the space-delimited lemma stream.

    Tokens are separated by single spaces; a token may be a regex alternation without spaces
    (「(縦覧|閲覧)」); a trailing ``?`` makes the whole token optional (「に?」); ``~`` / ``~N``
    is a gap of up to 8 / N tokens within one sentence (never across 「。」).
    """
    pieces = pattern.split()
    if not pieces:
        raise ValueError("empty pattern")
    for edge in (pieces[0], pieces[-1]):
        if _GAP_RE.fullmatch(edge) or (edge.endswith("?") and not edge.endswith(")?")):
            raise ValueError("a pattern cannot start or end with a gap or an optional token")
    out: list[str] = []
    for piece in pieces:
        gap = _GAP_RE.fullmatch(piece)
        if gap:
            out.append(f"(?:[^\\s。]+ ){{0,{int(gap.group(1) or 8)}}}")  # gaps stay inside the sentence
        elif piece.endswith("?") and len(piece) > 1 and not piece.endswith(")?"):
            out.append(f"(?:(?:{piece[:-1]}) )?")
        else:
            out.append(f"(?:{piece}) ")
    return re.compile("(?<= )" + "".join(out).removesuffix(" ") + "(?= )")


@dataclass
class ContextCue:
    """A pattern whose presence in the unit (or its lead-in) changes a rule's score."""

    lemma: list[re.Pattern[str]]          # on the lemma stream
    text: list[re.Pattern[str]]           # on the normalised text
    weight: float
    where: str = "both"  # unit | context | both
    name: str = ""

    def found(self, stream: str, text: str, ctx_stream: str = "", ctx_text: str = "") -> bool:
        pairs = {"unit": [(stream, text)], "context": [(ctx_stream, ctx_text)],
                 "both": [(stream, text), (ctx_stream, ctx_text)]}[self.where]
        return any((s and any(p.search(s) for p in self.lemma)) or (t and any(p.search(t) for p in self.text))
                   for s, t in pairs)


@dataclass
class Rule:
    id: str
    type: str
    description: str
    weight: float
    patterns: list[re.Pattern[str]] = field(default_factory=list)
    text_patterns: list[re.Pattern[str]] = field(default_factory=list)
    require_any: list[re.Pattern[str]] = field(default_factory=list)  # lemma patterns, unit or context
    require_text_any: list[re.Pattern[str]] = field(default_factory=list)
    exclude_any: list[re.Pattern[str]] = field(default_factory=list)
    exclude_text_any: list[re.Pattern[str]] = field(default_factory=list)
    boosts: list[ContextCue] = field(default_factory=list)
    ignore_exclusions: list[str] = field(default_factory=list)  # common exclusion names this rule survives
    # a trigger inside （…） is usually a reference or a definition, not the duty itself
    outside_parens: bool = True


@dataclass
class TypeDef:
    id: str
    name: str
    label: str
    definition: str
    net: list[str]
    rules: list[Rule]
    net_re: re.Pattern[str] | None = None
    net_not_after: dict[str, str] = field(default_factory=dict)  # net word → what it must not follow


@dataclass
class RuleSet:
    types: dict[str, TypeDef]
    exclusions: dict[str, list[re.Pattern[str]]]      # name → text patterns (normalised text)
    context_exclusions: set[str]                       # exclusion names also tested on the lead-in
    obligation: ContextCue
    digital: list[tuple[str, re.Pattern[str]]]         # (name, text pattern)
    net_re: re.Pattern[str]                            # union of every type's net: the candidate prefilter
    version: str                                       # content hash of all rule files

    @property
    def rules(self) -> list[Rule]:
        return [r for t in self.types.values() for r in t.rules]


def _re_list(values: object, where: str, lemma: bool) -> list[re.Pattern[str]]:
    if values is None:
        return []
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise RuleError(f"{where}: expected a list of strings")
    out = []
    for v in values:
        try:
            out.append(compile_lemma_pattern(v) if lemma else re.compile(v.replace("[^。]", _IN_SENTENCE)))
        except (re.error, ValueError) as exc:
            raise RuleError(f"{where}: bad pattern {v!r}: {exc}") from None
    return out


_RULE_KEYS = {"id", "description", "weight", "patterns", "text_patterns", "require_any", "require_text_any",
              "exclude_any", "exclude_text_any", "boost", "ignore_exclusions", "outside_parens"}


def _load_type(path: Path, known_exclusions: set[str]) -> TypeDef:
    with open(path, "rb") as fh:
        data = tomllib.load(fh)
    t = data.get("type") or {}
    tid = t.get("id")
    if tid not in TYPE_IDS:
        raise RuleError(f"{path.name}: type id {tid!r} is not one of the annotation guide's ids")
    rules: list[Rule] = []
    seen: set[str] = set()
    for i, r in enumerate(data.get("rules", [])):
        rule = _load_rule(r, f"{path.name}: rule #{i + 1} ({r.get('id', '?')})", tid, known_exclusions)
        if rule.id in seen:
            raise RuleError(f"{path.name}: rule #{i + 1} ({rule.id}): duplicate rule id")
        seen.add(rule.id)
        rules.append(rule)
    net, not_after = _load_net(path, t)
    return TypeDef(id=tid, name=t.get("name", ""), label=t.get("label", ""), definition=t.get("definition", ""),
                   net=net, rules=rules, net_re=_net_re([(n, not_after.get(n)) for n in net]),
                   net_not_after=dict(not_after))


def _load_rule(r: dict[str, Any], where: str, tid: str, known_exclusions: set[str]) -> Rule:
    unknown = set(r) - _RULE_KEYS
    if unknown:
        raise RuleError(f"{where}: unknown keys {sorted(unknown)}")
    rid = r.get("id", "")
    if not rid.startswith(tid + "."):
        raise RuleError(f"{where}: rule id must start with '{tid}.'")
    weight = r.get("weight")
    if not isinstance(weight, (int, float)) or not 0 < weight <= 1:
        raise RuleError(f"{where}: weight must be a number in (0, 1]")
    patterns = _re_list(r.get("patterns"), where, lemma=True)
    text_patterns = _re_list(r.get("text_patterns"), where, lemma=False)
    if not patterns and not text_patterns:
        raise RuleError(f"{where}: needs patterns or text_patterns")
    boosts = [_load_boost(b, where) for b in r.get("boost", [])]
    ignore = r.get("ignore_exclusions", [])
    if set(ignore) - known_exclusions:
        raise RuleError(f"{where}: unknown exclusions {sorted(set(ignore) - known_exclusions)}")
    return Rule(
        id=rid, type=tid, description=r.get("description", ""), weight=float(weight),
        patterns=patterns, text_patterns=text_patterns,
        require_any=_re_list(r.get("require_any"), where, lemma=True),
        require_text_any=_re_list(r.get("require_text_any"), where, lemma=False),
        exclude_any=_re_list(r.get("exclude_any"), where, lemma=True),
        exclude_text_any=_re_list(r.get("exclude_text_any"), where, lemma=False),
        boosts=boosts, ignore_exclusions=list(ignore), outside_parens=bool(r.get("outside_parens", True)),
    )


def _load_boost(b: dict[str, Any], where: str) -> ContextCue:
    if b.get("where", "both") not in ("unit", "context", "both"):
        raise RuleError(f"{where}: boost.where must be unit, context or both")
    return ContextCue(_re_list(b.get("patterns"), where, lemma=True), _re_list(b.get("text_patterns"), where, lemma=False),
                      float(b.get("weight", 0.1)), b.get("where", "both"), b.get("name", ""))


def _load_net(path: Path, t: dict[str, Any]) -> tuple[list[str], dict[str, str]]:
    net = t.get("net", [])
    if not net or not all(isinstance(n, str) and n for n in net):
        raise RuleError(f"{path.name}: type.net must be a non-empty list of words")
    not_after = t.get("net_not_after", {})
    if not isinstance(not_after, dict) or set(not_after) - set(net):
        raise RuleError(f"{path.name}: type.net_not_after must map words of type.net to patterns")
    for word, before in not_after.items():
        try:
            re.compile(_net_word_re(word, before))
        except re.error as exc:  # a lookbehind must have a fixed width
            raise RuleError(f"{path.name}: net_not_after {word!r}: bad pattern {before!r}: {exc}") from None
    return net, not_after


def _net_word_re(word: str, not_after: str | None) -> str:
    """A net word's pattern. The look-behind goes after the word's first character (「掲(?<!…に掲)げ」, the
    same matches): in front of the word it would stop the regex engine from skipping ahead to the
    possible first characters of the whole alternation, and the net would run ~12× slower."""
    if not not_after:
        return re.escape(word)
    first = re.escape(word[0])
    return f"{first}(?<!{not_after}{first}){re.escape(word[1:])}"


def _net_re(words: list[tuple[str, str | None]]) -> re.Pattern[str]:
    """One pattern for net words, longest first; a word with ``not_after`` does not match right after it
    (「掲げ」 counts in 「見やすい場所に掲げ」, not in the enumeration 「次の各号に掲げる」)."""
    return re.compile("|".join(_net_word_re(w, b) for w, b in sorted(set(words), key=lambda x: -len(x[0]))))


@lru_cache(maxsize=4)
def load_rules(rules_dir: Path | None = None) -> RuleSet:
    """Load and validate every rule file once per process."""
    rules_dir = rules_dir or project_dir("rules")
    common_path = rules_dir / "common.toml"
    with open(common_path, "rb") as fh:
        raw = fh.read()
    common = tomllib.loads(raw.decode("utf-8"))
    exclusions = {name: _re_list(spec.get("text_patterns"), f"common.toml: exclusion {name}", lemma=False)
                  for name, spec in common.get("exclusions", {}).items()}
    context_exclusions = {name for name, spec in common.get("exclusions", {}).items() if spec.get("in_context")}
    ob = common.get("obligation", {})
    obligation = ContextCue(_re_list(ob.get("patterns"), "common.toml: obligation", lemma=True),
                            _re_list(ob.get("text_patterns"), "common.toml: obligation", lemma=False),
                            float(ob.get("weight", 0.1)), "unit", "obligation")
    digital = [(name, re.compile(p)) for name, spec in common.get("digital", {}).items()
               for p in spec.get("text_patterns", [])]
    types: dict[str, TypeDef] = {}
    for path in sorted((rules_dir / "types").glob("*.toml")):
        td = _load_type(path, set(exclusions))
        if td.id in types:
            raise RuleError(f"{path.name}: type {td.id} defined twice")
        types[td.id] = td
    missing = set(TYPE_IDS) - set(types)
    if missing:
        raise RuleError(f"rules/types: no rule file for {sorted(missing)}")
    ordered = {tid: types[tid] for tid in TYPE_IDS}
    net_re = _net_re([(n, t.net_not_after.get(n)) for t in ordered.values() for n in t.net])
    version = content_version(ordered, exclusions, context_exclusions, obligation, digital)
    return RuleSet(ordered, exclusions, context_exclusions, obligation, digital, net_re, version)


def _patterns(patterns: list[re.Pattern[str]]) -> list[str]:
    return [p.pattern for p in patterns]


def _cue(cue: ContextCue) -> dict[str, object]:
    return {"lemma": _patterns(cue.lemma), "text": _patterns(cue.text), "weight": cue.weight, "where": cue.where,
            "name": cue.name}


def _rule(rule: Rule) -> dict[str, object]:
    return {"id": rule.id, "type": rule.type, "weight": rule.weight, "patterns": _patterns(rule.patterns),
            "text_patterns": _patterns(rule.text_patterns), "require_any": _patterns(rule.require_any),
            "require_text_any": _patterns(rule.require_text_any), "exclude_any": _patterns(rule.exclude_any),
            "exclude_text_any": _patterns(rule.exclude_text_any), "boosts": [_cue(c) for c in rule.boosts],
            "ignore_exclusions": sorted(rule.ignore_exclusions), "outside_parens": rule.outside_parens}


def content_version(types: dict[str, TypeDef], exclusions: dict[str, list[re.Pattern[str]]],
                    context_exclusions: set[str], obligation: ContextCue,
                    digital: list[tuple[str, re.Pattern[str]]]) -> str:
    """A hash of what the compiled rules decide with — ids, net words, compiled patterns, weights, cues —
    and not of the files' bytes: a comment, a description or other formatting leaves it unchanged,
    so a model stays usable until the rules really change."""
    content = {
        "types": {tid: {"net": list(t.net), "net_not_after": dict(sorted(t.net_not_after.items())),
                        "rules": [_rule(r) for r in t.rules]} for tid, t in types.items()},
        "exclusions": {name: _patterns(ps) for name, ps in sorted(exclusions.items())},
        "context_exclusions": sorted(context_exclusions),
        "obligation": _cue(obligation),
        "digital": [[name, p.pattern] for name, p in digital],
    }
    blob = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:16]

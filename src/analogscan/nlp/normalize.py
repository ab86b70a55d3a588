"""Normalisation for matching only, with a map from every normalised character back to the original.

Steps (each keeps the offset map): NFKC (全角/半角), 旧字 → 新字, katakana okurigana of 旧法令
(「縦覧ニ供シ」 → 「縦覧に供し」), 漢数字 in counting positions → digits (「毎年一回」 → 「毎年1回」,
but 「一部」「統一」 stay). The original text is never changed; detection reports original offsets.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from .numbers import kanji_to_int

# 旧字体 seen in pre-war and early post-war laws (and some old 例規): only matching-relevant ones.
KYUJI = str.maketrans({
    "檢": "検", "條": "条", "縱": "縦", "覽": "覧", "揭": "掲", "證": "証", "當": "当", "區": "区", "關": "関",
    "從": "従", "對": "対", "屆": "届", "圖": "図", "國": "国", "營": "営", "專": "専", "會": "会", "舊": "旧",
    "寫": "写", "擔": "担", "廳": "庁", "臺": "台", "號": "号", "藏": "蔵", "驗": "験", "體": "体", "處": "処",
    "實": "実", "點": "点", "狀": "状", "縣": "県", "辯": "弁", "氣": "気", "黨": "党",
})

_KANJI_NUM = "〇一二三四五六七八九十百千"
# a kanji numeral run in a counting position: after 毎/第/各/年/月 or before a counter
_NUM_RE = re.compile(
    rf"(?<=[毎第各年月週日])[{_KANJI_NUM}]+|[{_KANJI_NUM}]+(?=[回年月日条項号人箇ヶか週名以度件台]|時間)"
)
_NOT_NUM_BEFORE = set("統同唯均単画逐")  # 統一, 同一, 唯一 … are words, not numbers
# 旧法令's katakana okurigana: a katakana run of 1–3 chars right after a kanji (「供シ」「ニ依リ」).
_OLD_STYLE_RE = re.compile(r"[一-龥々][ヲニハノシスセタテトルレリラクケ]")
_KATA_RUN_RE = re.compile(r"(?<=[一-龥々])[ァ-ヶ]{1,3}(?![ァ-ヶー])|(?<![ァ-ヶー])[ァ-ヶ]{1,3}(?=[一-龥々])")


@dataclass
class Normalized:
    """Normalised text plus, for each of its characters, the original [start, end) it came from."""

    text: str
    src_start: list[int]
    src_end: list[int]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Map a normalised span back to the original text."""
        if end <= start:
            pos = self.src_start[start] if start < len(self.src_start) else (self.src_end[-1] if self.src_end else 0)
            return pos, pos
        return self.src_start[start], self.src_end[end - 1]


def _replace(norm: Normalized, pattern: re.Pattern[str], repl) -> Normalized:
    """Apply a regex substitution while carrying the offset map (replacements inherit the span of their match)."""
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    pos = 0
    text = norm.text
    for m in pattern.finditer(text):
        a, b = m.span()
        new = repl(m)
        if new == m.group(0):
            continue
        out.append(text[pos:a])
        starts.extend(norm.src_start[pos:a])
        ends.extend(norm.src_end[pos:a])
        s0, e0 = norm.src_start[a], norm.src_end[b - 1]
        if len(new) == b - a:  # same length: keep per-character offsets
            starts.extend(norm.src_start[a:b])
            ends.extend(norm.src_end[a:b])
        else:
            starts.extend([s0] * len(new))
            ends.extend([e0] * len(new))
        out.append(new)
        pos = b
    if pos == 0 and not out:
        return norm
    out.append(text[pos:])
    starts.extend(norm.src_start[pos:])
    ends.extend(norm.src_end[pos:])
    return Normalized("".join(out), starts, ends)


class _OneToOne(dict):
    """str.translate table: a character's NFKC (+ 新字) form when it is exactly one character.

    Characters whose NFKC form has another length (㈱ → (株), ｶﾞ …) are recorded in ``uneven``
    and left alone by translate; a text that has any of them takes the per-character path.
    """

    def __init__(self) -> None:
        super().__init__()
        self.uneven: set[str] = set()

    def __missing__(self, code: int) -> int | None:
        ch = chr(code)
        n = unicodedata.normalize("NFKC", ch).translate(KYUJI) if code > 0x7F else ch
        if len(n) == 1:
            value = None if n == ch else ord(n)
        else:
            self.uneven.add(ch)
            value = None
        self[code] = value if value is not None else code
        return self[code]


_TABLE = _OneToOne()


def _nfkc(text: str) -> Normalized:
    fast = text.translate(_TABLE)
    if _TABLE.uneven.isdisjoint(text):  # (in C: every character looked up in the set)
        return Normalized(fast, list(range(len(text))), list(range(1, len(text) + 1)))
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for i, ch in enumerate(text):
        n = unicodedata.normalize("NFKC", ch) if ord(ch) > 0x7F else ch
        n = n.translate(KYUJI)
        out.append(n)
        starts.extend([i] * len(n))
        ends.extend([i + 1] * len(n))
    # NFKC per character leaves half-width voiced marks (ｶﾞ → カ + ゛): fold them
    joined = "".join(out)
    norm = Normalized(joined, starts, ends)
    if "\u3099" in joined or "\u309a" in joined or "゛" in joined or "゜" in joined:
        norm = _replace(norm, re.compile(r".[\u3099\u309a゛゜]"),
                        lambda m: unicodedata.normalize("NFC", m.group(0).replace("゛", "\u3099").replace("゜", "\u309a")))
    return norm


_KATA_TO_HIRA = {c: c - 0x60 for c in range(ord("ァ"), ord("ヶ") + 1) if chr(c) not in "ヵヶ"}


def _kata_to_hira(s: str) -> str:
    return s.translate(_KATA_TO_HIRA)


def is_old_style(text: str) -> bool:
    """True for カタカナ書き (旧法令) text: katakana okurigana after kanji, several times."""
    return len(_OLD_STYLE_RE.findall(text)) >= 2 and not re.search(r"[一-龥][をにはのする]", text[:200])


def _kata_run(m: re.Match[str]) -> str:
    return _kata_to_hira(m.group(0))


def _num(m: re.Match[str]) -> str:
    a = m.start()
    if a > 0 and m.string[a - 1] in _NOT_NUM_BEFORE:
        return m.group(0)
    try:
        return str(kanji_to_int(m.group(0)))
    except ValueError:
        return m.group(0)


def normalize(text: str) -> Normalized:
    norm = _nfkc(text)
    if is_old_style(norm.text):
        norm = _replace(norm, _KATA_RUN_RE, _kata_run)
    return _replace(norm, _NUM_RE, _num)


def words_before_numerals(words: list[str]) -> re.Pattern[str]:
    """A pattern that finds each of ``words`` in a text *before* 漢数字 become digits: every digit
    run of a word may also be a run of 漢数字 (「年1回」 also finds 「年一回」 and 「年十一回」).
    Whatever the words find in the normalised text, this finds in the text before that step."""
    return re.compile("|".join(re.sub(r"[0-9]+", f"[0-9{_KANJI_NUM}]+", re.escape(w)) for w in words))


def normalize_text(text: str, unless: re.Pattern[str] | None = None) -> str | None:
    """``normalize(text).text`` without building the offset maps: the cheap form for deciding
    whether a unit needs analysis at all (most units of a law touch no keyword).

    ``unless`` (from ``words_before_numerals``): when ``unless`` finds nothing in the text as it is
    just before the 漢数字 step (folded, カタカナ書き made hiragana), None is returned without that
    costly step — the words cannot occur in the normalised text either."""
    fast = text.translate(_TABLE)
    if not _TABLE.uneven.isdisjoint(text):
        return normalize(text).text
    if is_old_style(fast):
        fast = _KATA_RUN_RE.sub(_kata_run, fast)
    if unless is not None and not unless.search(fast):  # the text just before the 漢数字 step
        return None
    return _NUM_RE.sub(_num, fast)

"""Provision numbers as written in 例規 (第十二条の二, 第１２条, (１), 一) → canonical strings ("12の2")."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from ..nlp.numbers import kanji_to_int

KANJI_NUMERAL_CHARS = "〇零一二三四五六七八九十百千"

# 号 labels of national laws and ordinances: 一, 二 … (kanji) or (1), （１）, 1
ITEM_LABEL_RE = re.compile(r"^(?:[(（]\s*([0-9０-９]+)\s*[)）]|([0-9０-９]+)|([〇一二三四五六七八九十百千]+)(?:の([〇一二三四五六七八九十百千]+))?)$")

IROHA = "イロハニホヘトチリヌルヲワカヨタレソツネナラムウヰノオクヤマケフコエテアサキユメミシヱヒモセス"
AIUEO = "アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワヲン"


def to_int(s: str) -> int:
    """Full-width, half-width or kanji numeral → int."""
    s = unicodedata.normalize("NFKC", s).strip()
    if s.isdigit():
        return int(s)
    return kanji_to_int(s)


@lru_cache(maxsize=4096)  # the same few hundred numbers, tens of thousands of times per law corpus
def canonical_number(s: str) -> str:
    """「十二の二」「１２の２」「12の2」 → "12の2"; anything unparseable is returned NFKC-normalised."""
    s = unicodedata.normalize("NFKC", s).strip()
    parts = s.split("の")
    try:
        return "の".join(str(to_int(p)) for p in parts)
    except ValueError:
        return s


@lru_cache(maxsize=4096)
def item_label(label: str) -> str | None:
    """A 号 label ("（１）", "(1)", "一", "二の二") → canonical number, or None if it is not one."""
    m = ITEM_LABEL_RE.match(label.strip())
    if not m:
        return None
    if m.group(1) or m.group(2):
        return str(int(unicodedata.normalize("NFKC", m.group(1) or m.group(2))))
    n = str(kanji_to_int(m.group(3)))
    return n + (f"の{kanji_to_int(m.group(4))}" if m.group(4) else "")


def subitem_label(label: str) -> str:
    """Normalise a subdivision label for citations: 「（ア）」→"(ア)", 「（１）」→"(1)", 「イ」→"イ"."""
    return unicodedata.normalize("NFKC", label).strip()


# ------------------------------------------------------- kind from the 番号
_KINDS = ("条例", "規則", "規程", "要綱", "要領", "訓令", "告示", "訓", "達", "規約", "基準", "指針", "方針",
          "細則", "内規", "通達", "通知", "公告", "指令", "決定", "例規", "協定", "規定")
_NUMBER_RE = re.compile(r"第[0-9０-９一二三四五六七八九十百千〇]+号$")


def kind_of(number: str, title: str = "") -> str:
    """条例/規則/規程/要綱/訓令/告示… from the number 「教育委員会規則第3号」, else from the title's ending."""
    head = _NUMBER_RE.sub("", number.strip()).rstrip("甲乙")  # 「訓令甲第11号」
    for source in (head, re.sub(r"[（(][^）)]*[）)]$", "", title.strip())):
        for kind in sorted(_KINDS, key=len, reverse=True):
            if source.endswith(kind):
                return kind
    return head

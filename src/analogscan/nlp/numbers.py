"""Kanji numerals as integers: used by normalisation (漢数字 → digits) and by the readers' provision numbers."""

from __future__ import annotations

from functools import lru_cache

_KANJI_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_KANJI_UNITS = {"十": 10, "百": 100, "千": 1000}


@lru_cache(maxsize=4096)  # pure, and the same few numerals over and over
def kanji_to_int(s: str) -> int:
    """「二十三」→23, 「百五」→105, 「一〇」→10 (positional form), 「元」→1."""
    if s == "元":
        return 1
    if s and all(c in _KANJI_DIGITS for c in s):  # positional: 一〇五
        return int("".join(str(_KANJI_DIGITS[c]) for c in s))
    total, digit = 0, 0
    for c in s:
        if c in _KANJI_DIGITS:
            digit = _KANJI_DIGITS[c]
        elif c in _KANJI_UNITS:
            total += (digit or 1) * _KANJI_UNITS[c]
            digit = 0
        else:
            raise ValueError(f"not a kanji numeral: {s!r}")
    return total + digit

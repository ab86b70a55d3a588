"""Bytes → text: the charset declared in HTML/XML wins; otherwise UTF-8, CP932 or EUC-JP by detection."""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

_DECLARED_RE = re.compile(
    rb"""(?:<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9_\-]+)["']|<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_\-]+))""",
    re.IGNORECASE,
)
# Japanese municipal pages label CP932 as Shift_JIS; decoding with cp932 keeps ①, ㈱ and NEC extensions.
_ALIASES = {"shift_jis": "cp932", "shift-jis": "cp932", "sjis": "cp932", "x-sjis": "cp932", "windows-31j": "cp932",
            "ms932": "cp932", "euc-jp": "euc_jp", "x-euc-jp": "euc_jp"}
_CANDIDATES = ("utf_8", "cp932", "euc_jp")
# half-width katakana and private-use characters: rare in real 例規 text, common in mis-decoded bytes
_SUSPICIOUS_RE = re.compile("[\uff61-\uff9f\ue000-\uf8ff]")


# kana, CJK ideographs and symbols, full-width forms: what non-ASCII text in a 例規 is made of
_JAPANESE_RE = re.compile("[\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff01-\uff60\u2460-\u24ff"
                          "\u25a0-\u25ff\u2010-\u2027\u2030-\u205e]")
SENSIBLE_SHARE = 0.5  # below this share of Japanese among non-ASCII characters a declared charset is doubted
_TRUSTED = ("utf-8", "cp932", "euc_jp", "shift_jis", "iso2022_jp")  # a Japanese charset that decodes is believed


class DecodeError(ValueError):
    pass


def declared_charset(data: bytes) -> str | None:
    m = _DECLARED_RE.search(data[:4096])
    if not m:
        return None
    name = (m.group(1) or m.group(2)).decode("ascii").lower()
    name = _ALIASES.get(name, name)
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def _cut_utf8(data: bytes, exc: UnicodeDecodeError) -> bool:
    """UTF-8 that is valid up to an incomplete last character: a download or copy cut short
    (without this check it would be tried as CP932 and EUC-JP and fail as "not decodable")."""
    if exc.reason != "unexpected end of data" or exc.start < len(data) - 3:
        return False
    try:
        data[: exc.start].decode("utf_8")
    except UnicodeDecodeError:
        return False
    return True


def _decode_japanese(data: bytes) -> tuple[str, str] | None:
    """CP932 or EUC-JP. EUC-JP bytes often also decode as CP932 (as half-width kana and private-use
    characters), so when both succeed the one with fewer such characters wins; a tie keeps CP932."""
    trials = []
    for enc in ("cp932", "euc_jp"):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        trials.append((len(_SUSPICIOUS_RE.findall(text)), enc, text))
    if not trials:
        return None
    _, enc, text = min(trials, key=lambda t: t[0])
    return text, enc


def japanese_share(text: str) -> float:
    """The share of kana, kanji and full-width forms among the non-ASCII characters (1.0 without any):
    low for text decoded with a wrong charset (「ç¬¬1æ¡」), high for any real 例規."""
    wide = sum(1 for ch in text if ord(ch) > 0x7F)
    return len(_JAPANESE_RE.findall(text)) / wide if wide else 1.0


def _declared(data: bytes, declared: str) -> tuple[str, str] | None:
    """The text in its declared charset, unless that fails or gives no Japanese while detection does
    (a UTF-8 page that declares ISO-8859-1: obeyed, it would be garbled and find nothing)."""
    try:
        text = data.decode(declared)
    except UnicodeDecodeError:
        return None  # a wrong declaration is common on old pages: detection decides
    if declared in _TRUSTED or japanese_share(text) >= SENSIBLE_SHARE:
        return text, declared
    try:
        detected = _detect(data)
    except DecodeError:
        return text, declared
    return detected if japanese_share(detected[0]) > japanese_share(text) else (text, declared)


def decode(data: bytes) -> tuple[str, str]:
    """Return (text, encoding). Raises DecodeError for binary data or text in no Japanese encoding."""
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", errors="strict"), "utf-8-sig"
    if b"\x00" in data:  # anywhere: a run of NULs after a text-looking start is no text either
        raise DecodeError("binary file (NUL bytes), not text")
    declared = declared_charset(data)
    if declared and (found := _declared(data, declared)) is not None:
        return found
    return _detect(data)


def _detect(data: bytes) -> tuple[str, str]:
    """UTF-8, else CP932 or EUC-JP, else charset_normalizer among those three."""
    try:
        return data.decode("utf_8"), "utf_8"
    except UnicodeDecodeError as exc:
        if _cut_utf8(data, exc):
            raise DecodeError("truncated file: it ends in the middle of a UTF-8 character") from None
    japanese = _decode_japanese(data)
    if japanese is not None:
        return japanese
    best = from_bytes(data, cp_isolation=list(_CANDIDATES)).best()
    if best is None:
        raise DecodeError("not decodable as UTF-8, CP932 (Shift_JIS) or EUC-JP")
    return str(best), best.encoding

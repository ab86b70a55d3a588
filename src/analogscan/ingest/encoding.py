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


def decode(data: bytes) -> tuple[str, str]:
    """Return (text, encoding). Raises DecodeError for binary data or text in no Japanese encoding."""
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", errors="strict"), "utf-8-sig"
    if b"\x00" in data[:8192]:
        raise DecodeError("binary file (NUL bytes), not text")
    declared = declared_charset(data)
    if declared:
        try:
            return data.decode(declared), declared
        except UnicodeDecodeError:
            pass  # a wrong declaration is common on old pages: fall through to detection
    for enc in _CANDIDATES:  # strict trial decoding settles almost every real page
        try:
            return data.decode(enc), enc
        except UnicodeDecodeError:
            continue
    best = from_bytes(data, cp_isolation=list(_CANDIDATES)).best()
    if best is None:
        raise DecodeError("not decodable as UTF-8, CP932 (Shift_JIS) or EUC-JP")
    return str(best), best.encoding

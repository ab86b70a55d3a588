"""Which reader a file needs, decided by its content first and its name second."""

from __future__ import annotations

import json
import re

_EGOV_RE = re.compile(r"<Law\b[^>]*>|<LawBody\b", re.DOTALL)
_REIKIBASE_RE = re.compile(r"class=\"(?:eline|joubun[^\"]*)\"|id=\"primaryInner\"", re.IGNORECASE)
_D1LAW_RE = re.compile(r"id=\"h:[a-zA-Z]{2}\d{2}:|class=\"danraku-normal\"", re.IGNORECASE)
_HTML_RE = re.compile(r"<(?:!doctype\s+html|html|body|div|p)\b", re.IGNORECASE)

FORMATS = ("egov_xml", "reikibase", "d1law", "jsonl", "text")


def _is_jsonl(stripped: str, name: str) -> bool:
    """Text starting with ``{``: JSONL when so named (even with a broken first line: the reader names the
    bad line) or when its first line is a JSON object."""
    if name.lower().endswith((".jsonl", ".ndjson")):
        return True
    first = stripped.split("\n", 1)[0]
    try:
        return isinstance(json.loads(first), dict)
    except (json.JSONDecodeError, RecursionError):  # RecursionError: JSON nested thousands deep
        return False


def sniff(text: str, name: str = "") -> str | None:
    """Return one of FORMATS, or None when the content is no format we know."""
    head = text[:20000]
    if _EGOV_RE.search(head):
        return "egov_xml"
    if _D1LAW_RE.search(text[:200000]):
        return "d1law"
    if _REIKIBASE_RE.search(text[:200000]):
        return "reikibase"
    stripped = text.lstrip()
    if stripped.startswith("{") and _is_jsonl(stripped, name):
        return "jsonl"
    if _HTML_RE.search(head) or stripped.startswith("<"):
        return None  # markup we cannot read: an unknown vendor format, not plain text
    lower = name.lower()
    if lower.endswith((".txt", ".text")) or not re.search(r"\.[A-Za-z0-9]{1,5}$", name):
        return "text"
    if re.search(r"第[0-9０-９一二三四五六七八九十百]+条", head):
        return "text"
    return None

"""Cut a text into runs by highlight label, whatever the evidence spans look like.

Evidence spans may overlap, touch each other, start at 0 or end at ``len(text)``; renderers
(XLSX rich strings, HTML ``<mark>``, rich ``Text``) all want disjoint runs instead.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

MATCH = "match"
DIGITAL = "digital"


def locate(text: str, ev: Mapping[str, Any]) -> tuple[int, int] | None:
    """The (start, end) of an evidence span in ``text``; re-found by its text if the offsets are off."""
    n = len(text)
    start = max(0, min(int(ev.get("start", 0)), n))
    end = max(start, min(int(ev.get("end", 0)), n))
    want = ev.get("text") or ""
    if not want or text[start:end] == want:
        return (start, end) if end > start else None
    pos = text.find(want)
    return (pos, pos + len(want)) if pos >= 0 else None


def segments(text: str, spans: Iterable[tuple[int, int, str]]) -> list[tuple[str, str | None]]:
    """Disjoint runs ``(fragment, label or None)`` covering ``text``; later spans win on overlap.

    Adjacent or overlapping spans with the same label merge into one run.
    """
    labels: list[str | None] = [None] * len(text)
    for start, end, label in spans:
        for i in range(max(0, start), min(end, len(text))):
            labels[i] = label
    runs: list[tuple[str, str | None]] = []
    i = 0
    while i < len(text):
        j = i
        while j < len(text) and labels[j] == labels[i]:
            j += 1
        runs.append((text[i:j], labels[i]))
        i = j
    return runs


def text_spans(rec: Mapping[str, Any]) -> list[tuple[int, int, str]]:
    """Highlight spans in the unit text: digital evidence first so that matched words win."""
    text = rec.get("text") or ""
    out: list[tuple[int, int, str]] = []
    for ev in rec.get("digital_evidence") or []:
        if ev.get("role") != "digital_context" and (loc := locate(text, ev)):
            out.append((*loc, DIGITAL))
    for ev in rec.get("evidence") or []:
        if loc := locate(text, ev):
            out.append((*loc, MATCH))
    return out


def context_spans(rec: Mapping[str, Any]) -> list[tuple[int, int, str]]:
    """Digital evidence found in the lead-in (role ``digital_context``, offsets into ``context``)."""
    ctx = rec.get("context") or ""
    return [
        (*loc, DIGITAL)
        for ev in rec.get("digital_evidence") or []
        if ev.get("role") == "digital_context" and (loc := locate(ctx, ev))
    ]

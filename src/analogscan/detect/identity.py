"""What identifies a finding across scans: its document, the normalised text of its unit, and its type.

Citations and row numbers are not identity: an article that is renumbered keeps its text, so its
finding keeps its id and the earlier decision still applies. The text is normalised for matching
(:func:`analogscan.nlp.normalize.normalize`: NFKC, 旧字, 漢数字) and all whitespace is dropped, so a
rule book re-typeset or downloaded in another format (Reiki-Base HTML, text, XML) gives the same hash.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from typing import Any

from ..nlp.normalize import normalize

_SPACE = re.compile(r"\s+")
HASH_CHARS = 16


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:HASH_CHARS]


def unit_text_hash(text: str, context: str = "") -> str:
    """Hash of the unit's normalised text together with its lead-in (a 号 is read with its 項's 柱書)."""
    def norm(s: str) -> str:
        return _SPACE.sub("", normalize(s).text)

    return _digest(norm(context), norm(text))


def document_key(body: str, title: str, source: str = "") -> str:
    """Which rule a finding belongs to across years: 自治体 and 例規名 (the file name changes, the title rarely)."""
    body, title = _SPACE.sub("", body or ""), _SPACE.sub("", title or "")
    return f"{body}|{title}" if title else f"{body}|{source or ''}"


def finding_id(doc_key: str, text_hash: str, type_id: str) -> str:
    """Stable id of a (document, unit text, type): the same next year as long as the text is unchanged."""
    return _digest(doc_key, text_hash, type_id)


def identity(doc_key: str, text: str, context: str, type_id: str,
             text_hash: str | None = None) -> tuple[str, str, str]:
    """(document key, text hash, finding id) of a finding (a text hash already computed is reused:
    normalising the unit again would give the same)."""
    text_hash = text_hash or unit_text_hash(text, context)
    return doc_key, text_hash, finding_id(doc_key, text_hash, type_id)


def record_document_key(rec: Mapping[str, Any]) -> str:
    """The document key of a finding record; in a batch the municipality's name (what its 点検シート shows
    as 自治体) stands for the body the document names (``Finding.document_key`` for a Finding)."""
    body = rec.get("municipality") or rec.get("body") or ""
    return document_key(body, rec.get("title") or "", rec.get("source") or "")


def record_identity(rec: Mapping[str, Any]) -> tuple[str, str, str]:
    """``identity`` of a finding record (a JSONL line, a report row's source)."""
    return identity(record_document_key(rec), rec.get("text") or "", rec.get("context") or "", rec.get("type") or "",
                    rec.get("text_hash"))

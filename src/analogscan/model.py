"""The one document model every reader produces and every later stage consumes.

A :class:`Document` is one rule (例規) or law. Its ``text`` is the linearised body as the
reader saw it (headings, captions and provision texts, one per line); every
:class:`Unit` is a slice ``document.text[start:end]`` so that offsets found later by
detection can always be traced back to the characters a legal-affairs officer reads.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class Unit:
    """The smallest citable provision: a 項, a 号, a 号's subdivision, a 附則 paragraph, a 別表 row."""

    id: str
    citation: str
    text: str
    start: int
    end: int
    caption: str = ""          # article caption (見出し), e.g. 「（立入調査）」
    context: str = ""          # lead-in of the 項 for 号 units (or of the 号 for its subdivisions)
    path: list[str] = field(default_factory=list)  # 章・節 headings, 附則 heading
    kind: str = "paragraph"    # paragraph | item | subitem | suppl | table_row | jsonl
    notes: list[str] = field(default_factory=list)  # amendment notes such as 「(平18規則23・一部改正)」


@dataclass
class Document:
    """One rule or law with its provision units in reading order."""

    doc_id: str
    title: str = ""
    body: str = ""            # 自治体名 (or 国 for national laws)
    kind: str = ""            # 条例 / 規則 / 規程 / 要綱 / 訓令 / 告示 / 法律 …
    number: str = ""          # e.g. 「規則第7号」
    date: str = ""            # promulgation date as written
    source: str = ""          # path or URL
    format: str = ""          # reikibase | d1law | egov_xml | text | jsonl
    text: str = ""
    units: list[Unit] = field(default_factory=list)

    def fields(self) -> dict[str, str]:
        """The document fields that every unit or finding record repeats."""
        return {
            "title": self.title,
            "body": self.body,
            "kind": self.kind,
            "number": self.number,
            "date": self.date,
            "source": self.source,
            "format": self.format,
        }


NATIONAL_BODY = "国"


def is_municipal(body: str) -> bool:
    """A municipality's or prefecture's rule rather than a national law. An unknown body counts
    as municipal: 例規集 are what the tool is for; national laws arrive as e-Gov XML (body 国)."""
    return body.strip() != NATIONAL_BODY


def unit_record(doc: Document, unit: Unit) -> dict[str, Any]:
    """A flat JSON-ready record: the unit plus its document's fields (``analogscan units``)."""
    rec = asdict(unit)
    rec["unit_kind"] = rec.pop("kind")  # "kind" is the document's kind (条例, 規則 …)
    rec.update(doc.fields())
    return rec


# Control characters, line and paragraph separators, bidirectional marks and overrides, and lone
# surrogates: a hostile file name or parser message must not break the one-line error or make the
# terminal show something else than the name.
_UNPRINTABLE_RE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff"
                             "\ud800-\udfff]")


def _escape(ch: str) -> str:
    code = ord(ch)
    if 0xDC80 <= code <= 0xDCFF:  # a byte of a file name that is not UTF-8 (surrogateescape): show the byte
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def one_line(text: str) -> str:
    """``text`` with line breaks, other control characters, bidi marks and the bytes of a name that is not
    UTF-8 shown as ``\\xNN`` / ``\\uNNNN`` escapes: always one printable, encodable line."""
    return _UNPRINTABLE_RE.sub(lambda m: _escape(m.group()), text)


def undecodable_name(path: str) -> bool:
    """A path whose bytes are not UTF-8 (Python keeps them as lone surrogates, which no output can encode)."""
    return any(0xDC80 <= ord(ch) <= 0xDCFF for ch in path)


class ReadError(Exception):
    """A file that could not be read or parsed. ``str(err)`` is the one-line reason."""

    def __init__(self, source: str, reason: str):
        source, reason = one_line(source), one_line(reason)
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason

    def __reduce__(self):  # picklable, so that worker processes can hand errors back
        return type(self), (self.source, self.reason)

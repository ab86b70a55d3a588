"""JSON Lines → documents, in one of two shapes decided per line.

* **units** — an object with ``"id"`` and ``"text"`` is one provision unit, as written by
  ``analogscan units`` or the labelled corpus of the annotation guide. Consecutive objects
  with the same (source, body, title) form one Document; the input ids are kept unchanged and
  the unit texts are joined with "\\n" into ``doc.text`` so offsets hold.
* **pages** — an object without ``"id"`` but with ``"text"`` and ``"url"`` or ``"title"`` is
  a whole 例規 page (like ``excerpts-dev.jsonl``) and is parsed by the plain-text reader,
  one Document per line, with body/title/kind/url taken from the object.

Any bad line (not JSON, not an object, no "text") fails the whole file with a ReadError
naming the line: a half-read labelled corpus would silently skew every measure built on it.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

from ..model import Document, ReadError, Unit
from . import plaintext


def _str(obj: dict[str, Any], key: str) -> str:
    value = obj.get(key)
    return value if isinstance(value, str) else ("" if value is None else str(value))


def page_doc_id(url: str, fallback: str) -> str:
    """A stable id from a page URL: host + path without scheme or query (else ``fallback``)."""
    parts = urlsplit(url)
    if not parts.netloc:
        return fallback
    return parts.netloc + parts.path


def _unit(obj: dict[str, Any], start: int) -> Unit:
    text = _str(obj, "text")
    lists = {k: [str(x) for x in obj[k]] for k in ("path", "notes") if isinstance(obj.get(k), list)}
    return Unit(id=_str(obj, "id"), citation=_str(obj, "citation"), text=text, start=start,
                end=start + len(text), caption=_str(obj, "caption"), context=_str(obj, "context"),
                kind="jsonl", **lists)


def _page(obj: dict[str, Any], n: int, source: str, doc_id: str, used: set[str]) -> Document:
    url = _str(obj, "url")
    page_id = page_doc_id(url, f"{doc_id}#{n}")
    if page_id in used:
        page_id = f"{page_id}#{n}"
    used.add(page_id)
    doc = Document(doc_id=page_id, title=_str(obj, "title"), body=_str(obj, "body"),
                   kind=_str(obj, "kind"), source=url or f"{source}#{n}", format="jsonl")
    return plaintext.parse(_str(obj, "text"), doc)


class _UnitGroup:
    """Consecutive unit objects of one document."""

    def __init__(self, key: tuple[str, str, str], obj: dict[str, Any], source: str, doc_id: str):
        src, body, title = key
        self.key = key
        self.doc = Document(doc_id=src or title or doc_id, title=title, body=body, kind=_str(obj, "kind"),
                            number=_str(obj, "number"), date=_str(obj, "date"), source=src or source,
                            format="jsonl")
        self.parts: list[str] = []
        self.length = 0

    def add(self, obj: dict[str, Any]) -> None:
        unit = _unit(obj, self.length)
        self.doc.units.append(unit)
        self.parts.append(unit.text + "\n")
        self.length += len(unit.text) + 1

    def finish(self) -> Document:
        self.doc.text = "".join(self.parts)
        return self.doc


def _object(line: str, n: int, source: str) -> dict[str, Any]:
    """Line ``n`` as a JSON object with a "text" string, else a ReadError naming the line."""
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        raise ReadError(source, f"line {n}: invalid JSON ({exc.msg} at column {exc.colno})") from None
    except RecursionError:
        raise ReadError(source, f"line {n}: JSON nested too deeply") from None
    if not isinstance(obj, dict):
        raise ReadError(source, f"line {n}: expected a JSON object, got {type(obj).__name__}")
    if not isinstance(obj.get("text"), str):
        raise ReadError(source, f'line {n}: object has no "text" string')
    return obj


def read(text: str, source: str, doc_id: str) -> list[Document]:
    docs: list[Document] = []
    group: _UnitGroup | None = None
    used: set[str] = set()
    for n, line in enumerate(text.lstrip("\ufeff").splitlines(), start=1):
        if not line.strip():
            continue
        obj = _object(line, n, source)
        if "id" in obj:
            key = (_str(obj, "source"), _str(obj, "body"), _str(obj, "title"))
            if group is None or group.key != key:
                if group is not None:
                    docs.append(group.finish())
                group = _UnitGroup(key, obj, source, doc_id)
            group.add(obj)
            continue
        if not (obj.get("url") or obj.get("title")):
            raise ReadError(source, f'line {n}: object has neither "id" (a unit) nor "url"/"title" (a page)')
        if group is not None:
            docs.append(group.finish())
            group = None
        docs.append(_page(obj, n, source, doc_id, used))
    if group is not None:
        docs.append(group.finish())
    return docs

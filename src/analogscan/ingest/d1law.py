"""Reader stub: d1law (to be written)."""

from __future__ import annotations

from ..model import Document


def read(text: str, source: str, doc_id: str) -> list[Document]:
    raise NotImplementedError("d1law reader not written yet")

"""Reader stub: reikibase (to be written)."""

from __future__ import annotations

from ..model import Document


def read(text: str, source: str, doc_id: str) -> list[Document]:
    raise NotImplementedError("reikibase reader not written yet")

"""Reader stub: egov_xml (to be written)."""

from __future__ import annotations

from ..model import Document


def read(text: str, source: str, doc_id: str) -> list[Document]:
    raise NotImplementedError("egov_xml reader not written yet")

"""The library API: scan text, a file or a whole rule book from Python, with typed results.

::

    from analogscan import Scanner
    from analogscan.detect import DetectorSettings

    scanner = Scanner(DetectorSettings(typed_only=True))
    doc = scanner.scan_text("第2条 告示は、市役所前の掲示場に掲示して公示する。", title="見本市公告式規則", body="見本市")
    for finding in doc.findings:          # analogscan.detect.finding.Finding
        print(finding.citation, finding.type, finding.score)

``scan_text`` reads the text as ``analogscan scan`` reads a plain-text file (the 例規集 page's
segmentation into 条・項・号), so the findings are those of ``scan`` on the same text saved as a file.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path, PurePosixPath

from .detect.detector import Detector
from .detect.settings import DetectorSettings
from .ingest import plaintext
from .ingest.limits import DEFAULT_LIMITS, Limits
from .model import Document, ReadError, Unit
from .pipeline import Result, ScannedDocument, scan_document, scan_file, scan_paths

__all__ = ["ReadError", "Result", "ScannedDocument", "Scanner", "text_document"]

LONE_CITATION = "本則"  # a text without any 条・項 structure is one unit of the main provisions


def text_document(text: str, *, title: str = "", body: str = "", source: str = "<text>",
                  doc_id: str = "text") -> Document:
    """``text`` (a 例規 as copied from a 例規集 page, an article, or one sentence) as a Document.

    The plain-text reader finds the units; a text in which it finds none (one sentence: the reader
    takes a lone line for the title) is one unit. ``title`` and ``body`` (自治体名, or 国) replace what
    the reader found; an empty ``body`` counts as a municipality's rule (``model.is_municipal``).
    """
    doc = plaintext.read(text, source, doc_id)[0]
    if not doc.units and text.strip():
        start = len(text) - len(text.lstrip())
        stripped = text.strip()
        doc.title, doc.text = "", text
        doc.units = [Unit(id=f"{doc_id}:{LONE_CITATION}", citation=LONE_CITATION, text=stripped, start=start,
                          end=start + len(stripped))]
    if title:
        doc.title = title
    if body:
        doc.body = body
    return doc


class Scanner:
    """One detector (rules, model, Sudachi tokenizer: built on first use) for many scans.

    ``settings``: the options of ``analogscan scan`` (``DetectorSettings()``: the defaults). A model trained
    with other rules, or rules that do not validate, raise ``ModelError``/``RuleError`` on first use.
    Not shared between threads: give each thread its own Scanner.
    """

    def __init__(self, settings: DetectorSettings | None = None, limits: Limits = DEFAULT_LIMITS):
        self.settings = settings or DetectorSettings()
        self.limits = limits
        self._detector: Detector | None = None

    @property
    def detector(self) -> Detector:
        if self._detector is None:
            self._detector = self.settings.build()
        return self._detector

    def scan_document(self, doc: Document) -> ScannedDocument:
        """Findings of a Document made by any reader (or by hand)."""
        return scan_document(doc, self.detector)

    def read_text(self, text: str, *, title: str = "", body: str = "", source: str = "<text>",
                  doc_id: str = "text") -> Document:
        """Plain text as a Document (``text_document``); raises ReadError past ``limits.max_unit_chars``."""
        doc = text_document(text, title=title, body=body, source=source, doc_id=doc_id)
        longest = max((len(u.text) for u in doc.units), default=0)
        if longest > self.limits.max_unit_chars:
            raise ReadError(source, f"a unit of {longest:,} characters (limit {self.limits.max_unit_chars:,})")
        return doc

    def scan_text(self, text: str, *, title: str = "", body: str = "", source: str = "<text>",
                  doc_id: str = "text") -> ScannedDocument:
        """Findings of plain text: a 例規 as copied from a 例規集 page, an article or one sentence."""
        return self.scan_document(self.read_text(text, title=title, body=body, source=source, doc_id=doc_id))

    def __getstate__(self) -> dict[str, object]:
        # a built Detector holds caches and a Sudachi tokenizer: a copy (another process) builds its own
        return {**self.__dict__, "_detector": None}

    def scan_file(self, path: str | Path) -> list[Result]:
        """One file in any format ``scan`` reads (a .zip or JSONL of pages gives several documents): a
        ScannedDocument per document, a ReadError for what could not be read (never raised)."""
        path = Path(path)
        return scan_file((path, PurePosixPath(path.name)), self.detector, self.limits)

    def scan_paths(self, paths: Iterable[str | Path], jobs: int | None = None) -> Iterator[Result]:
        """Files, folders and .zip archives, in input order, as ``analogscan scan`` reads them. ``jobs``:
        worker processes (None: the cores available, as ``scan``; 1: in this process)."""
        return scan_paths(paths, self.settings, jobs, self.limits)

"""Streaming, parallel scan: input files → documents → finding records, one file at a time.

``scan_paths`` is the one entry point for whole-book runs (``analogscan scan`` and batch jobs)::

    settings = DetectorSettings(use_model=True)
    for item in scan_paths(["reiki/", "laws.zip"], settings, jobs=2):
        if isinstance(item, ReadError):
            ...                      # one unreadable file; the run goes on
        else:
            write(item.records)      # one document's finding records (``Finding.record()``)

Results come in input order (the order of ``read_paths``) whatever ``jobs`` is. Each worker
process builds its own :class:`Detector` once (rules, model, Sudachi tokenizer) and then reads
and scans one file per task, so memory does not grow with the corpus: the parent only holds
the list of file paths and the results not yet consumed.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .detect.detector import Detector
from .detect.settings import DetectorSettings
from .ingest import InputFile, input_files, read_input
from .ingest.limits import DEFAULT_LIMITS, Limits
from .model import Document, ReadError


@dataclass
class ScannedDocument:
    """One scanned document: its identity, its size and its finding records (possibly none)."""

    doc_id: str
    title: str
    source: str
    units: int
    characters: int
    records: list[dict[str, Any]] = field(default_factory=list)


Result = ScannedDocument | ReadError


def default_jobs() -> int:
    """The cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def scan_document(doc: Document, detector: Detector) -> ScannedDocument:
    return ScannedDocument(doc.doc_id, doc.title, doc.source, len(doc.units), sum(len(u.text) for u in doc.units),
                           [f.record() for f in detector.document_findings(doc)])


def scan_file(item: InputFile | ReadError, detector: Detector, limits: Limits = DEFAULT_LIMITS) -> list[Result]:
    """Read and scan one input file (a .zip gives all its members). A failure is a ReadError naming the file."""
    if isinstance(item, ReadError):
        return [item]
    out: list[Result] = []
    try:
        for doc in read_input(item, limits):
            out.append(doc if isinstance(doc, ReadError) else scan_document(doc, detector))
    except Exception as exc:  # a bug on one odd file must not end a national run; it is named like bad input
        out.append(ReadError(str(item[0]), f"scan failed: {type(exc).__name__}: {exc}"))
    return out


# ------------------------------------------------------------------ worker processes
_detector: Detector | None = None
_limits: Limits = DEFAULT_LIMITS
_init_error: BaseException | None = None


def _init_worker(settings: DetectorSettings, limits: Limits) -> None:
    global _detector, _limits, _init_error
    # Ctrl-C and SIGTERM are the parent's to handle (it ends the pool and removes partial output)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _limits = limits
    try:
        _detector = settings.build()
    except BaseException as exc:  # re-raised by the first task: a failing initializer would respawn forever
        _init_error = exc


def _scan_in_worker(item: InputFile | ReadError) -> list[Result]:
    if _init_error is not None:
        raise _init_error
    assert _detector is not None
    return scan_file(item, _detector, _limits)


def scan_paths(paths: Iterable[str | Path], settings: DetectorSettings, jobs: int | None = None,
               limits: Limits = DEFAULT_LIMITS) -> Iterator[Result]:
    """Scan files, directories and .zip archives; yield a ScannedDocument or a ReadError per document, in
    input order. ``jobs``: worker processes (default: the cores available; 1 = in this process). A
    detector that cannot be built (e.g. a model trained with other rules) raises its error here."""
    settings.check()
    items = list(input_files(paths))
    jobs = min(jobs or default_jobs(), sum(not isinstance(i, ReadError) for i in items))
    if jobs <= 1:
        detector = settings.build()
        for item in items:
            yield from scan_file(item, detector, limits)
        return
    # spawn, not fork: the caller may run threads (a progress bar), and workers need no parent state
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(jobs, initializer=_init_worker, initargs=(settings, limits)) as pool:
        for results in pool.imap(_scan_in_worker, items, chunksize=1):
            yield from results

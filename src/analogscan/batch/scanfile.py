"""Scan one file of a municipality: the work each worker (process or Dask task) of the scan engine
(``pipeline.run_tasks``) does with the Detector the engine gives it."""

from __future__ import annotations

import hashlib
import os
import stat
import traceback
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from ..deadline import TimeLimitExceeded, time_limit, too_slow
from ..detect.detector import Detector
from ..ingest import InputFile, read_file_bytes, read_input
from ..ingest.limits import DEFAULT_LIMITS, Limits
from ..model import ReadError, one_line
from ..pipeline import scan_document
from .roots import SourceFile


@dataclass
class FileResult:
    """What one file gave: its findings (records), the documents read, one-line errors."""

    file: SourceFile
    sha256: str
    records: list[dict[str, Any]] = field(default_factory=list)
    documents: int = 0
    errors: list[str] = field(default_factory=list)
    cacheable: bool = True  # False for an internal failure: a re-run tries the file again


def file_digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def path_digest(path: str | Path) -> str:
    """SHA-256 of a file, read in chunks (a large or hostile file never sits in memory whole);
    "" when it cannot be read or is no regular file (the worker reports why)."""
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):  # before open: opening a pipe would block
            return ""
        with open(path, "rb") as fh:
            return hashlib.file_digest(fh, "sha256").hexdigest()
    except OSError:
        return ""


def failed(file: SourceFile, reason: str) -> FileResult:
    """A file the engine could not scan (its worker died twice, a lost Dask task): not cached, so a re-run
    tries it again."""
    return FileResult(file, "", errors=[f"{file.path}: {reason}"], cacheable=False)


def scan_file(file: SourceFile, detector: Detector, limits: Limits = DEFAULT_LIMITS) -> FileResult:
    """Read, detect and record one file; never raises (a failure becomes an error line)."""
    data: bytes | None = None
    if file.path.lower().endswith(".zip"):  # the reader checks the archive and each member itself
        digest = path_digest(file.path)
        if not digest:
            return FileResult(file, "", errors=[f"{file.path}: cannot open"], cacheable=False)
    else:
        read = read_file_bytes(Path(file.path), limits)
        if isinstance(read, ReadError):
            return FileResult(file, "", errors=[str(read)], cacheable=False)
        data, digest = read, file_digest(read)
    result = FileResult(file, digest)
    try:
        with time_limit(limits.max_seconds_per_file):
            for item in read_input(_input_file(file), limits, data=data):
                if isinstance(item, ReadError):
                    result.errors.append(str(item))
                    continue
                result.documents += 1
                for finding in scan_document(item, detector).findings:
                    finding.municipality = file.municipality
                    result.records.append(finding.to_record())  # JSON-ready: the cache stores it
    except TimeLimitExceeded:  # cached as unreadable: the same bytes and limits would take as long again
        return FileResult(file, digest, errors=[f"{one_line(file.path)}: {too_slow(limits.max_seconds_per_file)}"])
    except Exception as exc:  # noqa: BLE001 - one file's crash must not stop the batch
        last = traceback.extract_tb(exc.__traceback__)[-1]
        result.records, result.cacheable = [], False
        result.errors.append(f"{file.path}: internal error: {type(exc).__name__}: {exc} "
                             f"({Path(last.filename).name}:{last.lineno})")
    return result


def _input_file(file: SourceFile) -> InputFile:
    """The file as the readers take it: doc ids from its key; a .zip's members under the archive's own name."""
    path = Path(file.path)
    return (path, PurePosixPath(path.name if path.suffix.lower() == ".zip" else file.key))

"""The batch's result cache: one SQLite row per scanned file, keyed by content hash and pipeline version.

Each file's result is written in its own transaction, so a run killed at any moment leaves only
whole files behind; a re-run reuses them and scans only what is missing or changed. Only the
parent process writes (workers return their results), so there is one writer.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import sqlite3
import zlib
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, Self

from ..model import one_line
from ..output_safety import OutputError
from .scanfile import FileResult

CACHE_NAME = "cache.sqlite"
SCHEMA_VERSION = 2  # a cache of another schema is emptied, never misread

_SCHEMA = """
CREATE TABLE IF NOT EXISTS files (
    municipality TEXT NOT NULL,
    key          TEXT NOT NULL,
    source       TEXT NOT NULL,
    sha256       TEXT NOT NULL,
    version      TEXT NOT NULL,
    documents    INTEGER NOT NULL,
    errors       TEXT NOT NULL,
    findings     BLOB NOT NULL,      -- zlib-compressed JSON list of finding records
    PRIMARY KEY (municipality, key)
)
"""
_COLUMNS = ("municipality", "key", "source", "sha256", "version", "documents", "errors", "findings")


def _move_aside(path: Path) -> Path:
    """Rename a damaged cache (and its WAL files) to the first free ``NAME.damaged-N``."""
    n = 1
    while (aside := path.with_name(f"{path.name}.damaged-{n}")).exists():
        n += 1
    os.replace(path, aside)
    for suffix in ("-wal", "-shm"):
        with contextlib.suppress(FileNotFoundError):
            os.replace(path.with_name(path.name + suffix), aside.with_name(aside.name + suffix))
    return aside


class ResultCache:
    """The cache in OUTDIR. A file that is not SQLite, or fails SQLite's integrity check, is moved aside
    (``cache.sqlite.damaged-N``, told through ``on_warning``) and a new cache is built; a row that cannot
    be decoded counts as not cached (its file is scanned again)."""

    def __init__(self, path: Path, on_warning: Callable[[str], None] = lambda line: None):
        self.path = path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            try:
                self.db = self._open(path)
            except sqlite3.OperationalError:  # a full disk, an I/O error, a read-only folder: not the file's fault
                raise
            except sqlite3.DatabaseError as exc:  # not SQLite, a damaged page, another program's file
                aside = _move_aside(path)
                on_warning(f"{one_line(str(path))}: damaged result cache ({exc}) moved to {one_line(aside.name)}; "
                           "every file is scanned again")
                self.db = self._open(path)
        except (OSError, sqlite3.OperationalError) as exc:
            raise OutputError(path, f"cannot write the result cache: {exc}") from None

    @staticmethod
    def _open(path: Path) -> sqlite3.Connection:
        db = sqlite3.connect(path)
        try:
            if db.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                raise sqlite3.DatabaseError("integrity check failed")
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            with db:
                if db.execute("PRAGMA user_version").fetchone()[0] != SCHEMA_VERSION:
                    db.execute("DROP TABLE IF EXISTS files")
                    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
                db.execute(_SCHEMA)
                columns = [r[1] for r in db.execute("PRAGMA table_info(files)")]
                if columns != list(_COLUMNS):
                    raise sqlite3.DatabaseError("a files table of another shape")
        except BaseException:
            db.close()
            raise
        return db

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def is_fresh(self, municipality: str, key: str, sha256: str, version: str) -> bool:
        """The file's row is for these bytes and this pipeline, and can be read (else it is scanned again)."""
        row = self.db.execute("SELECT sha256, version FROM files WHERE municipality=? AND key=?",
                              (municipality, key)).fetchone()
        return row == (sha256, version) and self.load(municipality, key) is not None

    def store(self, result: FileResult, version: str) -> None:
        """Replace the file's row in one transaction."""
        f = result.file
        try:
            with self.db:
                self.db.execute(
                    "INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (f.municipality, f.key, f.path, result.sha256, version, result.documents,
                     json.dumps(result.errors, ensure_ascii=False),
                     zlib.compress(json.dumps(result.records, ensure_ascii=False).encode("utf-8"), 6)),
                )
        except sqlite3.OperationalError as exc:  # a full disk, a read-only folder
            raise OutputError(self.path, f"cannot write the result cache: {exc}") from None

    def count(self) -> int:
        return self.db.execute("SELECT COUNT(*) FROM files").fetchone()[0]

    def load(self, municipality: str, key: str) -> dict[str, Any] | None:
        """The stored result of one file: documents, errors and findings (records)."""
        row = self.db.execute("SELECT documents, errors, findings FROM files WHERE municipality=? AND key=?",
                              (municipality, key)).fetchone()
        if row is None:
            return None
        try:
            stored = {"documents": int(row[0]), "errors": [str(e) for e in json.loads(row[1])],
                      "records": json.loads(zlib.decompress(row[2]).decode("utf-8"))}
        except (TypeError, ValueError, zlib.error) as exc:  # a damaged row: the file is scanned again
            logging.getLogger(__name__).debug("cache row %s/%s unreadable: %s", municipality, key, exc)
            return None
        if not isinstance(stored["records"], list) or not all(isinstance(r, dict) for r in stored["records"]):
            return None
        return stored

    def prune(self, keep: Iterable[tuple[str, str]]) -> int:
        """Forget files that are no longer in ROOT; returns how many rows went."""
        wanted = set(keep)
        stale = [k for k in self.db.execute("SELECT municipality, key FROM files") if tuple(k) not in wanted]
        with self.db:
            self.db.executemany("DELETE FROM files WHERE municipality=? AND key=?", stale)
        return len(stale)

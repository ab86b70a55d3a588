"""The batch's result cache: one SQLite row per scanned file, keyed by content hash and pipeline version.

Each file's result is written in its own transaction, so a run killed at any moment leaves only
whole files behind; a re-run reuses them and scans only what is missing or changed. Only the
parent process writes (workers return their results), so there is one writer.
"""

from __future__ import annotations

import json
import sqlite3
import zlib
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Self

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


class ResultCache:
    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.db = sqlite3.connect(path)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        with self.db:
            if self.db.execute("PRAGMA user_version").fetchone()[0] != SCHEMA_VERSION:
                self.db.execute("DROP TABLE IF EXISTS files")
                self.db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            self.db.execute(_SCHEMA)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def is_fresh(self, municipality: str, key: str, sha256: str, version: str) -> bool:
        row = self.db.execute("SELECT sha256, version FROM files WHERE municipality=? AND key=?",
                              (municipality, key)).fetchone()
        return row == (sha256, version)

    def store(self, result: FileResult, version: str) -> None:
        """Replace the file's row in one transaction."""
        f = result.file
        with self.db:
            self.db.execute(
                "INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (f.municipality, f.key, f.path, result.sha256, version, result.documents,
                 json.dumps(result.errors, ensure_ascii=False),
                 zlib.compress(json.dumps(result.records, ensure_ascii=False).encode("utf-8"), 6)),
            )

    def count(self) -> int:
        return self.db.execute("SELECT COUNT(*) FROM files").fetchone()[0]

    def load(self, municipality: str, key: str) -> dict[str, Any] | None:
        """The stored result of one file: documents, errors and findings (records)."""
        row = self.db.execute("SELECT documents, errors, findings FROM files WHERE municipality=? AND key=?",
                              (municipality, key)).fetchone()
        if row is None:
            return None
        return {"documents": row[0], "errors": json.loads(row[1]),
                "records": json.loads(zlib.decompress(row[2]).decode("utf-8"))}

    def prune(self, keep: Iterable[tuple[str, str]]) -> int:
        """Forget files that are no longer in ROOT; returns how many rows went."""
        wanted = set(keep)
        stale = [k for k in self.db.execute("SELECT municipality, key FROM files") if tuple(k) not in wanted]
        with self.db:
            self.db.executemany("DELETE FROM files WHERE municipality=? AND key=?", stale)
        return len(stale)

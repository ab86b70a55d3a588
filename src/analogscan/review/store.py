"""The review store: one SQLite file holding the staff's decisions and where each came from.

Schema version 1 (``PRAGMA user_version``). A decision is keyed by its finding id (document, normalised
unit text, type, see :mod:`.identity`); importing a later workbook replaces the decision for the same
key. Every import is recorded (file, its SHA-256, the workbook's lastModifiedBy/modified, import time).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Self

from ..model import ReadError

SCHEMA_VERSION = 1

SCHEMA = """
CREATE TABLE imports (
    id INTEGER PRIMARY KEY,
    source TEXT NOT NULL,          -- the workbook file as given
    sha256 TEXT NOT NULL,
    modified_by TEXT NOT NULL,     -- workbook core property lastModifiedBy
    modified_at TEXT NOT NULL,     -- workbook core property modified (ISO 8601)
    imported_at TEXT NOT NULL,     -- when analogscan read it (UTC, ISO 8601)
    decisions INTEGER NOT NULL
);
CREATE TABLE decisions (
    finding_id TEXT PRIMARY KEY,
    doc_key TEXT NOT NULL,
    text_hash TEXT NOT NULL,
    type TEXT NOT NULL,
    verdict TEXT NOT NULL,         -- 該当 / 非該当 / 要確認
    policy TEXT NOT NULL,          -- 見直し方針
    reviewer TEXT NOT NULL,        -- 担当 column, else the workbook's lastModifiedBy
    decided_at TEXT NOT NULL,      -- 日付 column, else the workbook's modified
    citation TEXT NOT NULL,
    caption TEXT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    source TEXT NOT NULL,
    unit_id TEXT NOT NULL,
    text TEXT NOT NULL,
    context TEXT NOT NULL,
    digital_alternative INTEGER NOT NULL,
    import_id INTEGER NOT NULL REFERENCES imports(id)
);
CREATE INDEX decisions_doc ON decisions(doc_key, type);
"""


@dataclass
class Decision:
    finding_id: str
    doc_key: str
    text_hash: str
    type: str
    verdict: str
    policy: str = ""
    reviewer: str = ""
    decided_at: str = ""
    citation: str = ""
    caption: str = ""
    title: str = ""
    body: str = ""
    source: str = ""
    unit_id: str = ""
    text: str = ""
    context: str = ""
    digital_alternative: bool = False
    import_id: int = 0


@dataclass
class ImportInfo:
    source: str
    sha256: str
    modified_by: str
    modified_at: str
    imported_at: str
    decisions: int = 0


_DECISION_COLUMNS = [f.name for f in fields(Decision)]


class ReviewStore:
    """Open (or, with ``create``, make) a review store. Raises ReadError naming the file when it is not one."""

    def __init__(self, path: str | Path, create: bool = False):
        self.path = Path(path)
        if not create and not self.path.is_file():
            raise ReadError(str(path), "no such review store (make one with `analogscan review import`)")
        try:
            self.db = sqlite3.connect(self.path)
            version = self.db.execute("PRAGMA user_version").fetchone()[0]
            tables = {r[0] for r in self.db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        except sqlite3.DatabaseError as exc:
            raise ReadError(str(path), f"not a review store ({exc})") from None
        if version == 0 and not tables:
            if not create:
                raise ReadError(str(path), "empty file, not a review store")
            with self.db:
                self.db.executescript(SCHEMA)
                self.db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        elif version != SCHEMA_VERSION or "decisions" not in tables:
            self.db.close()
            raise ReadError(str(path), f"review store schema version {version}, this analogscan reads "
                                       f"version {SCHEMA_VERSION}")
        elif (problem := self._shape()) is not None:
            self.db.close()
            raise ReadError(str(path), f"not a review store of this analogscan ({problem})")
        self.db.row_factory = sqlite3.Row

    def _shape(self) -> str | None:
        """What is wrong with the tables of a store that claims our schema version, or None."""
        want = {"imports": ["id", *(f.name for f in fields(ImportInfo))], "decisions": _DECISION_COLUMNS}
        try:
            for table, columns in want.items():
                have = [r[1] for r in self.db.execute(f"PRAGMA table_info({table})")]
                if sorted(have) != sorted(columns):
                    return f"table {table} has the columns {', '.join(have) or 'none'}"
        except sqlite3.DatabaseError as exc:
            return str(exc)
        return None

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def add_import(self, info: ImportInfo, decisions: Iterable[Decision]) -> int:
        """Store one workbook's decisions in one transaction (all or nothing); returns the import id.

        A decision that repeats the stored one (same 判定 and 見直し方針, e.g. carried over into next
        year's sheet and imported again) keeps its reviewer and date; where the unit now stands
        (citation, caption, source) is updated.
        """
        rows = list(decisions)
        earlier = {d.finding_id: d for d in self._decisions()}
        for d in rows:
            if (old := earlier.get(d.finding_id)) is not None and (old.verdict, old.policy) == (d.verdict, d.policy):
                d.reviewer, d.decided_at = old.reviewer, old.decided_at
        with self.db:
            cur = self.db.execute(
                "INSERT INTO imports (source, sha256, modified_by, modified_at, imported_at, decisions) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (info.source, info.sha256, info.modified_by, info.modified_at, info.imported_at, len(rows)))
            import_id = int(cur.lastrowid or 0)
            marks = ", ".join("?" * len(_DECISION_COLUMNS))
            self.db.executemany(
                f"INSERT OR REPLACE INTO decisions ({', '.join(_DECISION_COLUMNS)}) VALUES ({marks})",
                [tuple({**asdict(d), "import_id": import_id}.values()) for d in rows])
        return import_id

    def _decisions(self, where: str = "", args: tuple = ()) -> list[Decision]:
        cur = self.db.execute(f"SELECT {', '.join(_DECISION_COLUMNS)} FROM decisions {where} "
                              "ORDER BY doc_key, citation, type, finding_id", args)
        return [Decision(**{**dict(r), "digital_alternative": bool(r["digital_alternative"])}) for r in cur]

    def decisions(self) -> list[Decision]:
        return self._decisions()

    def for_document(self, doc_key: str) -> list[Decision]:
        return self._decisions("WHERE doc_key = ?", (doc_key,))

    def imports(self) -> Iterator[ImportInfo]:
        for r in self.db.execute("SELECT source, sha256, modified_by, modified_at, imported_at, decisions "
                                 "FROM imports ORDER BY id"):
            yield ImportInfo(**dict(r))

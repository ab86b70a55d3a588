"""What a batch ROOT holds: one folder (or .zip) per municipality, or a manifest CSV.

A folder (or .zip) is named by ``rules/municipalities.toml`` when the table knows it (``01_minato-ku`` →
港区), else by its own name. A manifest is a CSV with the columns ``municipality`` and ``path`` (a header row; relative paths are
read from the CSV's folder); one municipality may have several rows. Each municipality becomes a
list of files to scan: every file under its folder (as ``analogscan scan`` would read it), or its
.zip as one file.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import AnalogscanError
from ..ingest import iter_files
from ..ingest.places import folder_municipality

MANIFEST_COLUMNS = ("municipality", "path")


class RootError(AnalogscanError, ValueError):
    """ROOT cannot be used at all (missing, or a manifest without the needed columns)."""


@dataclass(frozen=True)
class SourceFile:
    """One file of a municipality: ``key`` is stable across runs (the cache key within it)."""

    municipality: str
    key: str          # path relative to the municipality's folder, or the file's own path
    path: str         # what the readers are given (also the records' ``source``)


@dataclass
class Municipality:
    name: str
    files: list[SourceFile] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # one-line reasons (missing folder, no files)


def discover(root: Path) -> list[Municipality]:
    """The municipalities under ROOT (sorted by name), each with its files in a stable order."""
    if root.is_file() and root.suffix.lower() == ".csv":
        return _from_manifest(root)
    if not root.is_dir():
        raise RootError(f"{root}: not a folder of municipalities or a manifest .csv")
    found: dict[str, Municipality] = {}
    for entry in sorted(root.iterdir()):
        if entry.name.startswith("."):
            continue
        if entry.is_dir() or entry.suffix.lower() == ".zip":
            name = entry.name if entry.is_dir() else entry.stem
            name = folder_municipality(name) or name
            _add(found.setdefault(name, Municipality(name)), entry)
    if not found:
        raise RootError(f"{root}: holds no municipality folder or .zip")
    return [found[k] for k in sorted(found)]


def _from_manifest(path: Path) -> list[Municipality]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.DictReader(fh))
            header = rows[0].keys() if rows else ()
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise RootError(f"{path}: cannot read the manifest: {exc}") from None
    missing = [c for c in MANIFEST_COLUMNS if c not in header]
    if missing:
        raise RootError(f"{path}: the manifest needs the columns {', '.join(MANIFEST_COLUMNS)} "
                        f"(missing {', '.join(missing)})")
    found: dict[str, Municipality] = {}
    for line, row in enumerate(rows, start=2):
        name, raw = (row.get("municipality") or "").strip(), (row.get("path") or "").strip()
        if not name or not raw:
            raise RootError(f"{path}: line {line}: municipality and path are both needed")
        target = Path(raw) if Path(raw).is_absolute() else path.parent / raw
        _add(found.setdefault(name, Municipality(name)), target)
    return [found[k] for k in sorted(found)]


def _add(muni: Municipality, target: Path) -> None:
    """Add a folder's files (or one file / .zip) to a municipality, noting what is wrong.
    A key is the path from the folder's (or file's) own name; the full path if two manifest rows clash."""
    before = len(muni.files)
    taken = {f.key for f in muni.files}

    def add(key: str, path: Path) -> None:
        muni.files.append(SourceFile(muni.name, str(path) if key in taken else key, str(path)))

    if target.is_dir():
        for f in iter_files(target):
            if f.is_symlink():  # as scan does: a link inside a folder could point anywhere
                muni.problems.append(f"{f}: symbolic link inside a folder, not followed (give its target instead)")
                continue
            add(f"{target.name}/{f.relative_to(target).as_posix()}", f)
    elif target.is_file():
        add(target.name, target)
    else:
        muni.problems.append(f"{target}: no such file or directory")
        return
    if len(muni.files) == before:
        muni.problems.append(f"{target}: no rule-book files in it")

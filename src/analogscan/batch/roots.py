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
from ..ingest import file_refusal, iter_files
from ..ingest.places import folder_municipality
from ..model import ReadError, one_line, undecodable_name

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


def check_outdir(outdir: Path, folders: list[Path]) -> None:
    """OUTDIR inside ROOT (or inside a manifest's folder) would be read as a municipality by the next run."""
    out = outdir.resolve()
    for folder in folders:
        inside = folder.resolve()
        if out == inside or inside in out.parents:
            raise RootError(f"{outdir}: the output folder is inside {folder}, which is read as input "
                            "(the next run would read its own outputs); choose -o outside it")


def discover(root: Path, outdir: Path | None = None) -> list[Municipality]:
    """The municipalities under ROOT (sorted by name), each with its files in a stable order. Raises
    RootError when ROOT is unusable or ``outdir`` lies inside what is read."""
    if root.is_file() and root.suffix.lower() == ".csv":
        return _from_manifest(root, outdir)
    if not root.is_dir():
        raise RootError(f"{root}: not a folder of municipalities or a manifest .csv")
    if outdir is not None:
        check_outdir(outdir, [root])
    found: dict[str, Municipality] = {}
    for entry in sorted(root.iterdir()):
        if entry.name.startswith("."):
            continue
        if entry.is_dir() or entry.suffix.lower() == ".zip":
            name = entry.name if entry.is_dir() else entry.stem
            if undecodable_name(name):  # cannot be shown or stored as it is: named with escapes, not read
                found[one_line(name)] = Municipality(one_line(name), problems=[(
                    f"{one_line(str(entry))}: folder name is not UTF-8 (its bytes are shown as \\xNN), not read: "
                    "rename it to UTF-8 to scan it")])
                continue
            name = folder_municipality(name) or name
            _add(found.setdefault(name, Municipality(name)), entry)
    if not found:
        raise RootError(f"{root}: holds no municipality folder or .zip")
    return [found[k] for k in sorted(found)]


def _from_manifest(path: Path, outdir: Path | None = None) -> list[Municipality]:
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
        if outdir is not None and target.is_dir():
            check_outdir(outdir, [target])
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
        problems: list[ReadError] = []
        for f in iter_files(target, problems):
            if refused := file_refusal(f):  # as scan does: a link could point anywhere, a bad name cannot be shown
                muni.problems.append(str(ReadError(str(f), refused)))
                continue
            add(f"{target.name}/{f.relative_to(target).as_posix()}", f)
        muni.problems += [str(p) for p in problems]
    elif target.is_file():
        add(target.name, target)
    else:
        muni.problems.append(f"{target}: no such file or directory")
        return
    if len(muni.files) == before:
        muni.problems.append(f"{target}: no rule-book files in it")

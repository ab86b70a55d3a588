"""Formats → one document model.

``read_paths`` walks files, directories (recursively) and .zip archives in a stable order,
sniffs each file's format from its content, and yields either a :class:`Document` or a
:class:`ReadError` (one clear reason) so that one bad file never stops a run.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path, PurePosixPath

from ..model import Document, ReadError
from . import d1law, egov_xml, jsonl, plaintext, reikibase
from .encoding import DecodeError, decode
from .sniff import sniff

Reader = Callable[[str, str, str], list[Document]]
READERS: dict[str, Reader] = {
    "egov_xml": egov_xml.read,
    "reikibase": reikibase.read,
    "d1law": d1law.read,
    "jsonl": jsonl.read,
    "text": plaintext.read,
}

MAX_BYTES = 64 * 1024 * 1024  # a 例規 page is < 1 MB and the largest law XML ~ 10 MB
_SKIP_SUFFIXES = {".css", ".js", ".png", ".gif", ".jpg", ".jpeg", ".ico", ".pdf", ".md", ".json", ".tsv", ".xz"}
_SKIP_NAMES = {"SOURCE", "SOURCE.md", "SOURCE.txt", "README", "README.md", "LICENSE"}


def read_bytes(data: bytes, source: str, doc_id: str) -> list[Document]:
    """Decode, sniff and parse one file's bytes. Raises ReadError with the reason."""
    if not data.strip():
        raise ReadError(source, "empty file")
    if len(data) > MAX_BYTES:
        raise ReadError(source, f"file too large ({len(data) // (1024 * 1024)} MiB > {MAX_BYTES // (1024 * 1024)} MiB)")
    try:
        text, _encoding = decode(data)
    except DecodeError as exc:
        raise ReadError(source, str(exc)) from None
    fmt = sniff(text, source)
    if fmt is None:
        raise ReadError(source, "unknown format (not Reiki-Base, D1-Law, e-Gov XML, JSONL or 例規 plain text)")
    try:
        docs = READERS[fmt](text, source, doc_id)
    except ReadError:
        raise
    except Exception as exc:  # a reader's parse failure becomes one line, never a traceback
        raise ReadError(source, f"cannot parse as {fmt}: {type(exc).__name__}: {exc}") from None
    if not any(d.units for d in docs):
        raise ReadError(source, f"no provision text found (read as {fmt})")
    return [d for d in docs if d.units]


def _doc_id(rel: PurePosixPath) -> str:
    return str(rel.with_suffix("")) if rel.suffix else str(rel)


def _wanted(name: str) -> bool:
    p = PurePosixPath(name)
    return not (p.name.startswith(".") or p.name in _SKIP_NAMES or p.suffix.lower() in _SKIP_SUFFIXES)


def _read_zip(path: Path, prefix: PurePosixPath) -> Iterator[Document | ReadError]:
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        yield ReadError(str(path), f"broken zip archive: {exc}")
        return
    with zf:
        for info in sorted(zf.infolist(), key=lambda i: i.filename):
            if info.is_dir() or not _wanted(info.filename):
                continue
            source = f"{path}!{info.filename}"
            if info.file_size > MAX_BYTES:
                yield ReadError(source, "file too large")
                continue
            try:
                data = zf.read(info)
            except (zipfile.BadZipFile, OSError, RuntimeError) as exc:
                yield ReadError(source, f"cannot extract: {exc}")
                continue
            yield from _read_one(data, source, _doc_id(prefix / info.filename))


def _read_one(data: bytes, source: str, doc_id: str) -> Iterator[Document | ReadError]:
    try:
        yield from read_bytes(data, source, doc_id)
    except ReadError as err:
        yield err


def _read_file(path: Path, rel: PurePosixPath) -> Iterator[Document | ReadError]:
    if path.suffix.lower() == ".zip":
        yield from _read_zip(path, rel.with_suffix(""))
        return
    try:
        if path.stat().st_size > MAX_BYTES:
            yield ReadError(str(path), "file too large")
            return
        data = path.read_bytes()
    except OSError as exc:
        yield ReadError(str(path), f"cannot open: {exc.strerror or exc}")
        return
    yield from _read_one(data, str(path), _doc_id(rel))


def iter_files(root: Path) -> list[Path]:
    """Files under a directory in a stable (sorted) order, skipping assets and notes."""
    return sorted(p for p in root.rglob("*") if p.is_file() and _wanted(p.name))


InputFile = tuple[Path, PurePosixPath]  # a file to read and its name relative to the given path (for doc ids)


def input_files(paths: Iterable[str | Path]) -> Iterator[InputFile | ReadError]:
    """The files that ``read_paths`` reads, in its order (a missing path is a ReadError)."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for f in iter_files(path):
                yield f, PurePosixPath(path.name) / f.relative_to(path).as_posix()
        elif path.exists():
            yield path, PurePosixPath(path.name)
        else:
            yield ReadError(str(path), "no such file or directory")


def read_input(item: InputFile) -> Iterator[Document | ReadError]:
    """Documents (or errors) of one file from ``input_files`` (a .zip yields its members)."""
    return _read_file(*item)


def read_paths(paths: Iterable[str | Path]) -> Iterator[Document | ReadError]:
    """Yield documents (or errors) for files, directories and zips, in a stable order."""
    for item in input_files(paths):
        if isinstance(item, ReadError):
            yield item
        else:
            yield from read_input(item)

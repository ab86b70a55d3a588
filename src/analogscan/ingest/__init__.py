"""Formats → one document model.

``read_paths`` walks files, directories (recursively) and .zip archives in a stable order,
sniffs each file's format from its content, and yields either a :class:`Document` or a
:class:`ReadError` (one clear reason) so that one bad file never stops a run. Sizes are bounded
by :class:`Limits`; zip members are read in memory (never extracted to disk) and checked by
:mod:`.archive`.
"""

from __future__ import annotations

import os
import stat
import zipfile
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path, PurePosixPath

from ..model import Document, ReadError, undecodable_name
from . import archive, d1law, egov_xml, jsonl, plaintext, reikibase
from .encoding import DecodeError, decode
from .limits import DEFAULT_LIMITS, Limits, size_text
from .sniff import sniff

Reader = Callable[[str, str, str], list[Document]]
READERS: dict[str, Reader] = {
    "egov_xml": egov_xml.read,
    "reikibase": reikibase.read,
    "d1law": d1law.read,
    "jsonl": jsonl.read,
    "text": plaintext.read,
}

_SKIP_SUFFIXES = {".css", ".js", ".png", ".gif", ".jpg", ".jpeg", ".ico", ".pdf", ".md", ".json", ".tsv", ".xz"}
_SKIP_NAMES = {"SOURCE", "SOURCE.md", "SOURCE.txt", "README", "README.md", "LICENSE"}


def _too_large(size: int, limits: Limits) -> str:
    return (f"file too large ({size_text(size)} > {size_text(limits.max_file_bytes)} limit; "
            "raise it with --max-file-mb)")


def read_bytes(data: bytes, source: str, doc_id: str, limits: Limits = DEFAULT_LIMITS) -> list[Document]:
    """Decode, sniff and parse one file's bytes. Raises ReadError with the reason."""
    if not data.strip():
        raise ReadError(source, "empty file")
    if len(data) > limits.max_file_bytes:
        raise ReadError(source, _too_large(len(data), limits))
    try:
        text, encoding = decode(data)
    except DecodeError as exc:
        raise ReadError(source, str(exc)) from None
    try:
        fmt = sniff(text, source)
    except Exception as exc:  # noqa: BLE001 - never expected; still one line for this file, never a crashed run
        raise ReadError(source, f"cannot tell the format: {type(exc).__name__}: {exc}") from None
    if fmt is None:
        raise ReadError(source, "unknown format (not Reiki-Base, D1-Law, e-Gov XML, JSONL or 例規 plain text)")
    try:
        if fmt == "egov_xml" and encoding in ("utf-8", "utf_8"):  # lxml reads the UTF-8 bytes as they are
            docs = egov_xml.read_utf8(data, source, doc_id)
        else:
            docs = READERS[fmt](text, source, doc_id)
    except ReadError:
        raise
    except Exception as exc:  # noqa: BLE001 - a reader's parse failure becomes one line, never a traceback
        raise ReadError(source, f"cannot parse as {fmt}: {type(exc).__name__}: {exc}") from None
    if not any(d.units for d in docs):
        raise ReadError(source, f"no provision text found (read as {fmt})")
    _check_units(docs, source, limits)
    return [d for d in docs if d.units]


def _check_units(docs: list[Document], source: str, limits: Limits) -> None:
    """A unit longer than the limit fails its file: analysing it would cost time and memory out of
    all proportion (the longest unit of all 2,081 national laws has 6,465 characters)."""
    units = sum(len(doc.units) for doc in docs)
    if units > limits.max_units_per_file:
        raise ReadError(source, f"{units:,} provision units in one file (limit {limits.max_units_per_file:,}; "
                                "raise it with --max-units-per-file)")
    for doc in docs:
        for unit in doc.units:
            for what, text in (("unit", unit.text), ("lead-in of unit", unit.context)):
                if len(text) > limits.max_unit_chars:
                    raise ReadError(source, f"{what} {unit.citation or unit.id} has {len(text):,} characters "
                                            f"(limit {limits.max_unit_chars:,}; raise it with --max-unit-chars)")


def _doc_id(rel: PurePosixPath) -> str:
    return str(rel.with_suffix("")) if rel.suffix else str(rel)


def _wanted(name: str) -> bool:
    p = PurePosixPath(name)
    return not (p.name.startswith(".") or p.name in _SKIP_NAMES or p.suffix.lower() in _SKIP_SUFFIXES)


def _members(zf: zipfile.ZipFile, path: Path) -> Iterator[tuple[zipfile.ZipInfo, str] | ReadError]:
    """The members to read (sorted by name, with their source names). A name that occurs more than once
    is one ReadError and none of its copies is read: two rules under one name would share unit ids."""
    names = Counter(info.filename for info in zf.infolist())
    reported: set[str] = set()
    for info in sorted(zf.infolist(), key=lambda i: i.filename):
        if info.is_dir() or not _wanted(info.filename):
            continue
        source = f"{path}!{info.filename}"
        if names[info.filename] == 1:
            yield info, source
        elif info.filename not in reported:
            reported.add(info.filename)
            yield ReadError(source, f"the archive holds {names[info.filename]} members of this name; none of them read")


def _read_zip(path: Path, prefix: PurePosixPath, limits: Limits) -> Iterator[Document | ReadError]:
    try:
        if path.stat().st_size > limits.max_archive_bytes:  # its directory alone could fill the memory
            yield ReadError(str(path), f"archive too large ({size_text(path.stat().st_size)} > "
                                       f"{size_text(limits.max_archive_bytes)})")
            return
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        yield ReadError(str(path), f"broken zip archive: {exc}")
        return
    budget = limits.max_archive_bytes
    with zf:
        for member in _members(zf, path):
            if isinstance(member, ReadError):
                yield member
                continue
            info, source = member
            refused = archive.refusal(info, limits)
            if refused:
                yield ReadError(source, refused)
                continue
            try:
                data = archive.read_member(zf, info, min(limits.max_file_bytes, budget))
            except archive.TooLarge as exc:
                if exc.limit < limits.max_file_bytes:
                    yield ReadError(str(path), f"archive too large (over {size_text(limits.max_archive_bytes)} "
                                               "uncompressed); the remaining members are not read")
                    return
                yield ReadError(source, _too_large(exc.size, limits))
                continue
            except (zipfile.BadZipFile, OSError, RuntimeError, EOFError, ValueError, NotImplementedError,
                    zlib.error) as exc:
                yield ReadError(source, f"cannot extract: {exc}")
                continue
            budget -= len(data)
            yield from _read_one(data, source, _doc_id(prefix / info.filename), limits)


def _read_one(data: bytes, source: str, doc_id: str, limits: Limits) -> Iterator[Document | ReadError]:
    try:
        yield from read_bytes(data, source, doc_id, limits)
    except ReadError as err:
        yield err


def read_file_bytes(path: Path, limits: Limits = DEFAULT_LIMITS) -> bytes | ReadError:
    """The bytes of a regular file within the size limit, or why not (never more than the limit + 1
    bytes in memory: a file may grow while it is read)."""
    try:
        st = path.stat()
        if not stat.S_ISREG(st.st_mode):
            return ReadError(str(path), "not a regular file (device, pipe or socket)")
        if st.st_size > limits.max_file_bytes:
            return ReadError(str(path), _too_large(st.st_size, limits))
        with open(path, "rb") as fh:
            return fh.read(limits.max_file_bytes + 1)
    except OSError as exc:
        return ReadError(str(path), f"cannot open: {exc.strerror or exc}")


def _read_file(path: Path, rel: PurePosixPath, limits: Limits) -> Iterator[Document | ReadError]:
    if path.suffix.lower() == ".zip":
        yield from _read_zip(path, rel.with_suffix(""), limits)
        return
    data = read_file_bytes(path, limits)
    if isinstance(data, ReadError):
        yield data
        return
    yield from _read_one(data, str(path), _doc_id(rel), limits)


def iter_files(root: Path, problems: list[ReadError] | None = None) -> list[Path]:
    """Files under a directory in a stable (sorted) order, skipping assets, notes and hidden folders.

    Symbolic links are listed too (``read_paths`` refuses them) but never followed into a folder. A
    subfolder that cannot be listed (no permission, a path past the system's length limit) is added
    to ``problems`` (or, without a list, raises OSError) and the walk goes on with the others.
    """
    found: list[Path] = []
    stack = [root]
    while stack:
        folder = stack.pop()
        try:
            with os.scandir(folder) as it:
                entries = list(it)
        except OSError as exc:
            if problems is None or folder == root:
                raise
            problems.append(ReadError(str(folder), f"folder not read: {exc.strerror or exc}"))
            continue
        for entry in entries:
            path = Path(entry.path)
            if entry.is_dir(follow_symlinks=False):
                if not entry.name.startswith("."):
                    stack.append(path)
            elif _wanted(entry.name):
                found.append(path)
    return sorted(found)


SYMLINK_IN_FOLDER = "symbolic link inside a folder, not followed (give its target instead)"
NAME_NOT_UTF8 = ("file name is not UTF-8 (its bytes are shown as \\xNN; e.g. CP932 from a Windows share), "
                 "not read: rename it to UTF-8 (convmv -f cp932 -t utf8) to scan it")


def file_refusal(path: Path) -> str:
    """Why a file found inside a folder is not read (a link, a name that is not UTF-8), else ""."""
    if path.is_symlink():
        return SYMLINK_IN_FOLDER
    if undecodable_name(str(path)):
        return NAME_NOT_UTF8
    return ""


InputFile = tuple[Path, PurePosixPath]  # a file to read and its name relative to the given path (for doc ids)


def input_files(paths: Iterable[str | Path]) -> Iterator[InputFile | ReadError]:
    """The files that ``read_paths`` reads, in its order; a missing or unlistable path, or a symbolic
    link met inside a directory, is a ReadError. A path given by the user is followed even when it is
    a link; links inside a directory are not (they could point anywhere on the machine)."""
    for raw in paths:
        path = Path(raw)
        problems: list[ReadError] = []
        try:  # a name too long, a folder that cannot be listed …: one line for this path
            is_dir, exists = path.is_dir(), path.exists()
            files = iter_files(path, problems) if is_dir else []
        except OSError as exc:
            yield ReadError(str(path), f"cannot open: {exc.strerror or exc}")
            continue
        yield from problems  # subfolders that could not be listed: named, the rest is read
        if is_dir:
            for f in files:
                if refused := file_refusal(f):
                    yield ReadError(str(f), refused)
                else:
                    yield f, PurePosixPath(path.name) / f.relative_to(path).as_posix()
        elif exists and undecodable_name(str(path)):
            yield ReadError(str(path), NAME_NOT_UTF8)
        elif exists:
            yield path, PurePosixPath(path.name)
        else:
            yield ReadError(str(path), "no such file or directory")


def read_input(item: InputFile, limits: Limits = DEFAULT_LIMITS,
               data: bytes | None = None) -> Iterator[Document | ReadError]:
    """Documents (or errors) of one file from ``input_files`` (a .zip yields its members). ``data``: the
    file's bytes when the caller has read them already (never for a .zip: its members are read from it)."""
    path, rel = item
    if data is None or path.suffix.lower() == ".zip":
        return _read_file(path, rel, limits)
    return _read_one(data, str(path), _doc_id(rel), limits)


def read_paths(paths: Iterable[str | Path], limits: Limits = DEFAULT_LIMITS) -> Iterator[Document | ReadError]:
    """Yield documents (or errors) for files, directories and zips, in a stable order."""
    for item in input_files(paths):
        if isinstance(item, ReadError):
            yield item
        else:
            yield from read_input(item, limits)

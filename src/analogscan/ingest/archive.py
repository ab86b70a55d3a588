"""Checks for zip members before and while they are read.

Members are only ever read into memory, never extracted, so a name like ``../../etc/passwd`` could
not write anywhere; such names are still refused, because a rule book that carries them was not
made by a 例規集 export and its document ids would escape the archive's folder. Sizes in the
header can lie, so the reader stops at the limit by counting what it actually decompresses.
"""

from __future__ import annotations

import re
import stat
import zipfile

from .limits import Limits, size_text

_DRIVE_RE = re.compile(r"^[A-Za-z]:")
_CHUNK = 1024 * 1024


class TooLarge(Exception):
    """A member decompressed to more than ``limit`` bytes (``size``: what was read so far)."""

    def __init__(self, size: int, limit: int):
        super().__init__(f"{size} > {limit}")
        self.size = size
        self.limit = limit


def refusal(info: zipfile.ZipInfo, limits: Limits) -> str | None:
    """Why a member must not be read, or None. Checks the name, the file type and the header sizes."""
    name = info.filename
    parts = name.replace("\\", "/").split("/")
    if name.startswith(("/", "\\")) or _DRIVE_RE.match(name):
        return "absolute path in archive, not read"
    if ".." in parts:
        return "path traversal ('..') in archive member name, not read"
    if "\x00" in name:
        return "NUL character in archive member name, not read"
    mode = info.external_attr >> 16
    if info.create_system == 3 and stat.S_ISLNK(mode):  # 3 = Unix
        return "symbolic link in archive, not followed"
    if name.lower().endswith(".zip"):
        return "archive inside an archive, not opened (unpack it first)"
    if info.flag_bits & 0x1:
        return "encrypted archive member, not read"
    if info.file_size > limits.max_file_bytes:
        return (f"file too large ({size_text(info.file_size)} > {size_text(limits.max_file_bytes)} limit; "
                "raise it with --max-file-mb)")
    if info.file_size >= limits.ratio_floor_bytes and info.file_size > limits.max_zip_ratio * max(info.compress_size, 1):
        return (f"suspicious compression ratio ({info.file_size // max(info.compress_size, 1)}:1 > "
                f"{limits.max_zip_ratio}:1), possible zip bomb, not read")
    return None


def read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes:
    """The member's bytes, decompressing at most ``limit`` + 1 bytes whatever the header says."""
    chunks: list[bytes] = []
    size = 0
    with zf.open(info) as fh:
        while chunk := fh.read(min(_CHUNK, limit + 1 - size)):
            chunks.append(chunk)
            size += len(chunk)
            if size > limit:
                raise TooLarge(size, limit)
    return b"".join(chunks)

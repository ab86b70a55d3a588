"""Checks on a staff workbook before openpyxl reads it: an .xlsx is a zip of XML parts, as untrusted as
any rule book.

Refused, with one line naming the file: a file over the file limit; a part that is a zip bomb (over
1 MiB and compressing better than 100:1) or all parts together over ``max_workbook_xml_bytes``
uncompressed (sizes counted while decompressing, never taken from the header); any part with a DTD or
entity declaration (a 点検シート written by Excel, LibreOffice or analogscan has none; openpyxl's parser
would expand internal entities).
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib

from ..ingest.limits import Limits, size_text
from ..model import ReadError

_DTD_RE = re.compile(rb"<!\s*(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_CHUNK = 1024 * 1024


def check_workbook(source: str, data: bytes, limits: Limits) -> None:
    """Raise ReadError (``source``: the workbook) when the workbook's container breaks a limit or a rule."""
    if len(data) > limits.max_file_bytes:
        raise ReadError(source, f"workbook too large ({size_text(len(data))} > {size_text(limits.max_file_bytes)} "
                                "limit; raise it with --max-file-mb)")
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise ReadError(source, f"cannot read the workbook: {exc}") from None
    budget = limits.max_workbook_xml_bytes
    with zf:
        for info in zf.infolist():
            if not info.is_dir():
                budget -= _scan_part(source, zf, info, budget, limits)


def _scan_part(source: str, zf: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int, limits: Limits) -> int:
    """Decompress one part in chunks (never whole in memory), looking for a DTD and watching its
    compression ratio; returns its real size. Raises ReadError when the part breaks a rule or the parts
    together pass the size limit (``budget`` is what is left of it)."""
    size, tail, packed = 0, b"", max(info.compress_size, 1)
    try:
        with zf.open(info) as fh:
            while chunk := fh.read(_CHUNK):
                size += len(chunk)
                if size > budget:
                    raise ReadError(source, "workbook too large: its parts expand to over "
                                            f"{size_text(limits.max_workbook_xml_bytes)}")
                if size >= limits.ratio_floor_bytes and size > limits.max_zip_ratio * packed:
                    raise ReadError(source, f"part {info.filename}: suspicious compression ratio (over "
                                            f"{limits.max_zip_ratio}:1), possible zip bomb, not read")
                if _DTD_RE.search(tail + chunk):
                    raise ReadError(source, f"part {info.filename}: a DTD or entity declaration, refused (a 点検シート "
                                            "has none; entities are never expanded)")
                tail = chunk[-16:]
    except (zipfile.BadZipFile, OSError, RuntimeError, EOFError, ValueError, NotImplementedError, zlib.error) as exc:
        raise ReadError(source, f"cannot read the workbook: part {info.filename}: {exc}") from None
    return size

"""Resource limits for reading untrusted inputs, so one pathological file cannot exhaust memory.

The defaults leave ample room for real rule books: the largest of the 2,081 e-Gov law XML files
is 3.7 MB (about 43 MB of memory while parsed) and its longest unit 6,465 characters; a Reiki-Base
or D1-Law page is well under 1 MB. ``scan`` and ``units`` change them with ``--max-file-mb`` and
``--max-unit-chars``.
"""

from __future__ import annotations

from dataclasses import dataclass

MIB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    max_file_bytes: int = 32 * MIB       # one file, or one member of a zip once uncompressed
    max_unit_chars: int = 50_000         # one provision unit (Sudachi is fed in pieces below its 48 KiB limit)
    max_archive_bytes: int = 1024 * MIB  # all members of one zip together, uncompressed
    max_zip_ratio: int = 100             # uncompressed / compressed size of one member (zip bombs reach ~1000)
    ratio_floor_bytes: int = 1 * MIB     # members smaller than this are not ratio-checked (a page of blanks compresses well)
    max_units_per_file: int = 20_000     # provision units of one file (the most in the shared corpus: 4,389, 公職選挙法)
    max_seconds_per_file: float = 300.0  # one file (公職選挙法 with the model: 10 s; 100,000 workbook rows: 103 s)
    max_workbook_xml_bytes: int = 256 * MIB  # all XML parts of one 点検シート workbook, uncompressed
    max_workbook_rows: int = 100_000     # rows of the 点検シート read by ``review import``


DEFAULT_LIMITS = Limits()


def size_text(n: int) -> str:
    """A byte count for an error message: 「33.6 MB」 (MB = 2**20 bytes, as ``--max-file-mb`` counts),
    small counts in bytes (「1,234 bytes」)."""
    return f"{n / MIB:.1f} MB" if n >= MIB // 10 else f"{n:,} bytes"

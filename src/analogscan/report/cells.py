"""Spreadsheet cells that can never run as formulas, and hyperlinks that can only go somewhere harmless.

Rule-book text is untrusted: a 条文, a title or a file name can start with ``=``, ``+``, ``-`` or ``@``,
and a spreadsheet program that takes such a cell for a formula may compute it, call out to the
network (``=WEBSERVICE(…)``) or, with DDE, run a program. Every workbook or CSV that analogscan
writes goes through this module:

* **CSV** — a cell that :func:`looks_like_formula` gets a leading apostrophe (``'=SUM(A1)``), the
  usual defence: Excel and LibreOffice import it as text and show the apostrophe, so the text
  stays readable and is obviously quoted. :func:`excel_safe` does this.
* **XLSX** — cells are written with XlsxWriter's ``write_string`` / ``write_rich_string``: an
  ``xl/sharedStrings`` text cell, which Excel and LibreOffice display as text and never evaluate
  (a formula needs an ``<f>`` element). The text is not changed — no apostrophe — so the
  点検シート's highlighted rich strings keep their offsets. Text formats also carry
  ``quote_prefix`` (what Excel itself sets when one types ``'=…``), so a cell edited and confirmed
  in Excel stays text. Use :func:`xlsx_text` for the cell value and :func:`text_format` for its
  format; never the generic ``worksheet.write``, which turns ``=…`` into a formula and
  ``http://…`` into a link.
* **Hyperlinks** — only to an http(s) URL or to a local file the user gave as input
  (:func:`safe_link`); never ``file:`` URLs from the input, UNC paths (``\\\\host\\share`` leaks
  Windows credentials when clicked), ``javascript:``, ``data:`` or Office protocol handlers; and
  links inside the workbook (``internal:'技術'!A5``, see :func:`internal_target`), a sheet name and a cell.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

# ASCII formula openers and the full-width forms an IME may produce (a precaution: they are rare
# at the start of a provision, and a visible apostrophe costs little).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
MAX_CELL_CHARS = 32767  # Excel's limit on characters in one cell
# Control characters are not allowed in cell XML (XlsxWriter would write them as _xHHHH_ escapes,
# twice in rich strings); a space of the same length keeps evidence offsets valid.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
MAX_URL_CHARS = 2079  # Excel ignores longer hyperlinks
_DRIVES = tuple("abcdefghijklmnopqrstuvwxyz")  # urlsplit reads a Windows path "C:\\x" as scheme "c"
# a link to a cell of this workbook: a quoted sheet name without quotes or brackets, then a cell
_INTERNAL_RE = re.compile(r"internal:'[^'\[\]:*?/\\]{1,31}'![A-Z]{1,3}[1-9][0-9]{0,6}")


def looks_like_formula(text: str) -> bool:
    """Whether a spreadsheet program could take ``text`` for a formula (or a DDE call)."""
    return text.startswith(FORMULA_START)


def excel_safe(text: str) -> str:
    """``text`` as a CSV cell that Excel and LibreOffice import as text, never as a formula.

    A leading apostrophe is added when the text starts with ``= + - @``, a tab, CR or LF (or their
    full-width forms); control characters become spaces; the length is capped at Excel's 32,767.
    """
    text = xlsx_text(text)
    return "'" + text if looks_like_formula(text) else text


def xlsx_text(text: str) -> str:
    """``text`` for ``write_string``/``write_rich_string``: capped at 32,767 characters, control
    characters replaced by spaces (same length, so highlighted spans stay in place)."""
    return _CONTROL_RE.sub(" ", text[:MAX_CELL_CHARS])


def text_format(workbook: Any, properties: dict[str, Any] | None = None) -> Any:
    """An XlsxWriter format for text cells: ``properties`` plus ``quote_prefix`` (edited cells stay text)."""
    return workbook.add_format({**(properties or {}), "quote_prefix": True})


def safe_link(target: str, local_files: Collection[str | Path] = ()) -> str | None:
    """A hyperlink for ``target``, or None when it must stay plain text.

    http(s) URLs with a host are linked as they are; a path is linked (as a ``file:`` URI) only when
    it resolves to one of ``local_files``, the files the user gave as input.
    """
    if len(target) > MAX_URL_CHARS or _CONTROL_RE.search(target) or any(c in target for c in "\r\n\t"):
        return None
    if target.startswith("internal:"):
        return target if _INTERNAL_RE.fullmatch(target) else None
    parts = urlsplit(target)
    if parts.scheme.lower() in ("http", "https"):
        return target if parts.netloc and not target.startswith(("\\", "//")) else None
    if not local_files or target.startswith(("\\\\", "//")) or parts.scheme.lower() not in ("", *_DRIVES):
        return None
    try:
        path = Path(target).resolve(strict=True)
        allowed = {Path(p).resolve() for p in local_files}
    except (OSError, RuntimeError, ValueError):
        return None
    return path.as_uri() if path in allowed and path.is_file() else None



def internal_target(sheet: str, row: int, col: int = 0) -> str:
    """The :func:`safe_link` target of a cell of this workbook (``row``, ``col`` 0-based)."""
    col_name = ""
    n = col + 1
    while n:
        n, rem = divmod(n - 1, 26)
        col_name = chr(65 + rem) + col_name
    return f"internal:'{sheet}'!{col_name}{row + 1}"

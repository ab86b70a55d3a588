"""Read the staff's decisions from a 点検シート (the XLSX that ``scan``/``batch`` write).

Columns are found by their header text, not by position, so re-ordered, hidden or inserted columns
and rows added by staff are all fine. A row without 判定 is undecided and skipped. A row with 判定 is
identified by its finding_id (checked against 自治体・例規名・本文ハッシュ・類型ID) or, for a row staff
added themselves, by 条文 and 類型. Every problem is collected with its row number; if there is any,
nothing is imported.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import stat
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import openpyxl

from ..analog_types import FINDING_TYPE_IDS, TYPE_LABELS, UNSPECIFIED, UNSPECIFIED_LABEL
from ..detect.identity import document_key, finding_id, unit_text_hash
from ..ingest.limits import DEFAULT_LIMITS, Limits, size_text
from ..model import ReadError
from ..report.fields import COLUMNS
from .store import Decision, ImportInfo
from .workbook_check import check_workbook

SHEET = "点検シート"
VERDICTS = ("該当", "非該当", "要確認")
REVIEWER, DATE = "担当", "日付"      # optional per-row columns staff may add
HEADER_ROWS_SEARCHED = 10
_LABEL_TO_TYPE = {label: t for t, label in TYPE_LABELS.items()}
_KNOWN = set(COLUMNS) | {REVIEWER, DATE}


class WorkbookErrors(Exception):
    """Every problem found in a workbook, one line each (``file: 点検シート row N: reason``)."""

    def __init__(self, lines: list[str]):
        super().__init__("\n".join(lines))
        self.lines = lines


@dataclass
class WorkbookDecisions:
    info: ImportInfo
    decisions: list[Decision] = field(default_factory=list)
    undecided: int = 0


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _when(value: Any) -> str:
    if isinstance(value, dt.datetime):
        return value.replace(microsecond=0).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return _text(value)


def _header(ws: Any) -> tuple[int, dict[str, int]] | None:
    """The header row (1-based) and column index of every known header, if the sheet has one."""
    for r, row in enumerate(ws.iter_rows(max_row=HEADER_ROWS_SEARCHED, values_only=True), start=1):
        names = {_text(v): i for i, v in reversed(list(enumerate(row))) if _text(v) in _KNOWN}
        if "判定" in names and ("finding_id" in names or "条文" in names):
            return r, names
    return None


def _find_sheet(wb: Any) -> tuple[Any, int, dict[str, int]] | None:
    sheets = [wb[SHEET]] if SHEET in wb.sheetnames else []
    sheets += [ws for ws in wb.worksheets if ws.title != SHEET]
    for ws in sheets:
        if (found := _header(ws)) is not None:
            return ws, *found
    return None


def _type_of(row: dict[str, str]) -> str | None:
    if row.get("類型ID") in FINDING_TYPE_IDS:
        return row["類型ID"]
    if row.get("類型ID"):
        return None
    label = row.get("類型", "")
    if label.startswith(UNSPECIFIED_LABEL):  # 「種別要確認（候補: …）」
        return UNSPECIFIED
    return label if label in FINDING_TYPE_IDS else _LABEL_TO_TYPE.get(label)


def _decision(row: dict[str, str], raw: dict[str, Any], info: ImportInfo) -> Decision | str:
    """The row's decision, or the reason it cannot be imported."""
    verdict = unicodedata.normalize("NFKC", row["判定"]).replace(" ", "")
    if verdict not in VERDICTS:
        return f"判定 {verdict!r} is not one of {'/'.join(VERDICTS)}"
    if not row.get("類型ID") and not row.get("類型"):
        return "no 類型ID or 類型 given"
    type_id = _type_of(row)
    if type_id is None:
        return f"unknown type {row.get('類型ID') or row.get('類型')!r} (類型ID/類型)"
    machine = row.get("本文ハッシュ", "")
    if machine and not row.get("finding_id"):
        return "finding_id is missing (a row written by analogscan needs it; do not clear it)"
    if not machine and not row.get("条文"):
        return "no 本文ハッシュ, and no 条文 to identify the unit"
    # without the 本文ハッシュ column (deleted, or a row added by hand) the hash is made from 条文 and 柱書
    text_hash = machine or unit_text_hash(raw.get("条文") or "", raw.get("柱書") or "")
    key = document_key(row.get("自治体", ""), row.get("例規名", ""), row.get("出典", ""))
    fid = finding_id(key, text_hash, type_id)
    if row.get("finding_id") and row["finding_id"] != fid:
        return (f"finding_id {row['finding_id']} does not match the row's 自治体/例規名/本文ハッシュ/類型ID "
                "(were those cells edited?)")
    return Decision(
        finding_id=fid, doc_key=key, text_hash=text_hash, type=type_id, verdict=verdict,
        policy=row.get("見直し方針", ""), reviewer=row.get(REVIEWER) or info.modified_by,
        decided_at=_when(raw.get(DATE)) or info.modified_at, citation=row.get("条項", ""),
        caption=row.get("見出し", ""), title=row.get("例規名", ""), body=row.get("自治体", ""),
        source=row.get("出典", ""), unit_id=row.get("unit_id", ""), text=str(raw.get("条文") or ""),
        context=str(raw.get("柱書") or ""), digital_alternative=row.get("電子的代替") == "あり")


def read_workbook(path: str | Path, now: dt.datetime | None = None,
                  limits: Limits = DEFAULT_LIMITS) -> WorkbookDecisions:
    """All decisions of a workbook. Raises ReadError (unreadable, over a limit, broken inside, no 点検シート)
    or WorkbookErrors. openpyxl parses a sheet lazily while its rows are read, so a broken part shows
    up only then: that, too, is one ReadError naming the row reached."""
    path = Path(path)
    data = _workbook_bytes(path, limits)
    check_workbook(str(path), data, limits)
    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - whatever openpyxl raises on a broken workbook: one line
        raise ReadError(str(path), f"cannot read the workbook: {_reason(exc)}") from None
    where = "workbook properties"
    try:
        info = _import_info(wb, path, data, now)
        where = "sheets"
        found = _find_sheet(wb)
        if found is None:
            raise ReadError(str(path), f"no {SHEET} with a 判定 column and finding_id or 条文 columns")
        ws, header_row, columns = found
        out, errors = WorkbookDecisions(info), list[str]()
        seen: dict[str, tuple[int, Decision]] = {}
        ws.reset_dimensions()  # a false <dimension> must not hide rows: read to the sheet's real end
        where = f"{ws.title} row {header_row + 1}"  # the row being parsed (openpyxl parses while iterating)
        for r, values in enumerate(ws.iter_rows(min_row=header_row + 1, values_only=True), start=header_row + 1):
            if r - header_row > limits.max_workbook_rows:
                raise ReadError(str(path), f"{ws.title} has more than {limits.max_workbook_rows:,} rows "
                                           "(limit; raise it with --max-rows)")
            _row(out, errors, seen, path, ws.title, r, values, columns, info)
            where = f"{ws.title} row {r + 1}"
    except (ReadError, WorkbookErrors):
        raise
    except Exception as exc:  # noqa: BLE001 - a cell or part openpyxl cannot parse: one line, nothing imported
        raise ReadError(str(path), f"cannot read the workbook at {where}: {_reason(exc)}") from None
    finally:
        wb.close()
    if errors:
        raise WorkbookErrors(errors)
    out.info.decisions = len(out.decisions)
    return out


def _reason(exc: BaseException) -> str:
    reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
    return f"{type(exc).__name__}: {reason}" if reason else type(exc).__name__


def _workbook_bytes(path: Path, limits: Limits) -> bytes:
    """The workbook's bytes, within the file limit, from a regular file."""
    try:
        st = path.stat()
        if not stat.S_ISREG(st.st_mode):
            raise ReadError(str(path), "cannot read the workbook: not a regular file")
        if st.st_size > limits.max_file_bytes:
            raise ReadError(str(path), f"workbook too large ({size_text(st.st_size)} > "
                                       f"{size_text(limits.max_file_bytes)} limit; raise it with --max-file-mb)")
        with path.open("rb") as fh:
            return fh.read(limits.max_file_bytes + 1)
    except OSError as exc:
        raise ReadError(str(path), f"cannot read the workbook: {exc.strerror or exc}") from None


def _import_info(wb: Any, path: Path, data: bytes, now: dt.datetime | None) -> ImportInfo:
    props = wb.properties
    modified = props.modified or props.created
    return ImportInfo(
        source=str(path), sha256=hashlib.sha256(data).hexdigest(),
        modified_by=_text(props.lastModifiedBy or props.creator or ""),
        modified_at=_when(modified) if modified else "",
        imported_at=(now or dt.datetime.now(dt.UTC)).replace(microsecond=0).isoformat())


def _row(out: WorkbookDecisions, errors: list[str], seen: dict[str, tuple[int, Decision]], path: Path,
         title: str, r: int, values: tuple, columns: dict[str, int], info: ImportInfo) -> None:
    """One sheet row: a decision added, an undecided row counted, or a problem noted."""
    raw = {name: values[i] if i < len(values) else None for name, i in columns.items()}
    row = {name: _text(v) for name, v in raw.items()}
    if not row["判定"]:
        out.undecided += any(row.values())
        return
    result = _decision(row, raw, info)
    if isinstance(result, str):
        errors.append(f"{path}: {title} row {r}: {result}")
        return
    if (earlier := seen.get(result.finding_id)) is not None:
        if (earlier[1].verdict, earlier[1].policy) != (result.verdict, result.policy):
            errors.append(f"{path}: {title} row {r} ({result.citation}): decides finding "
                          f"{result.finding_id} differently from row {earlier[0]} ({earlier[1].citation}); "
                          "the same text in the same rule gets one 判定 and 見直し方針 per type")
        return
    seen[result.finding_id] = (r, result)
    out.decisions.append(result)

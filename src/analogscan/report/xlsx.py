"""XLSX review workbook: 点検シート (typed findings, highest 確信度 first), 種別要確認 (the findings whose
type is uncertain, their own review list), 集計 (counts, filled 判定, chart), 技術 (the technology-map rows
and 技術類型 once), 凡例・出典 and 情報 (which analogscan, rules, model … made it).

Cells from the input are text cells (``write_string``) with a ``quote_prefix`` format, never
formulas; hyperlinks only through :func:`.cells.safe_link`; see :mod:`.cells`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import IO, Any

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.utility import xl_rowcol_to_cell
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from ..analog_types import UNSPECIFIED_LABEL
from ..atomic import atomic_path
from ..labels import TYPE_LABELS, TYPE_ORDER, type_label
from ..provenance import provenance_lines
from .cells import internal_target, safe_link, text_format, xlsx_text
from .fields import COLUMN_NOTES, COLUMNS, STAFF_COLUMNS, TECHNICAL_COLUMNS, credit, display_width, row_values
from .order import split
from .spans import MATCH, segments, text_spans
from .summary import summarize
from .techview import CATALOG_URL, TECH_SHEET, TECHMAP_URL, full_table, row_ids

SHEET, UNTYPED_SHEET, SUMMARY_SHEET, LEGEND_SHEET, INFO_SHEET = "点検シート", UNSPECIFIED_LABEL, "集計", "凡例・出典", "情報"
CANDIDATES = "候補類型"
UNTYPED_COLUMNS: tuple[str, ...] = (*COLUMNS[:COLUMNS.index("類型") + 1], CANDIDATES,
                                    *COLUMNS[COLUMNS.index("類型") + 1:])
VERDICTS = ["該当", "非該当", "要確認"]
TEXT_WIDTH = 80           # 条文 column (wrapped)
MIN_WIDTH, MAX_WIDTH = 6, 40
LINE_HEIGHT, MAX_ROW_HEIGHT = 15.0, 409.0  # points; Excel's limit per row
RowOf = Callable[[Mapping[str, Any]], dict[str, Any]]


def write_xlsx(records: Iterable[Mapping[str, Any]], path_or_stream: str | Path | IO[bytes],
               provenance: Mapping[str, Any] | None = None) -> None:
    """Write the workbook to a path (atomically) or to a binary stream."""
    recs = list(records)
    if hasattr(path_or_stream, "write"):
        build_workbook(xlsxwriter.Workbook(path_or_stream, {"in_memory": True}), recs, provenance)
        return
    with atomic_path(Path(path_or_stream)) as tmp:
        build_workbook(xlsxwriter.Workbook(str(tmp)), recs, provenance)


def build_workbook(wb: Workbook, recs: Sequence[Mapping[str, Any]], provenance: Mapping[str, Any] | None,
                   row_of: RowOf = row_values, before: Callable[[Workbook], None] | None = None,
                   after: Callable[[Workbook], None] | None = None) -> None:
    """The sheets of a scan workbook; the batch workbook adds its own ``before`` and ``after`` them."""
    try:
        if before:
            before(wb)
        typed, untyped = split(recs)
        tech_rows = tech_sheet_rows(recs)
        findings_sheet(wb, typed, row_of, tech_rows=tech_rows)
        findings_sheet(wb, untyped, row_of, UNTYPED_SHEET, tech_rows)
        summary_sheet(wb, recs, len(typed), len(untyped))
        tech_sheet(wb, tech_rows)
        if after:
            after(wb)
        legend_sheet(wb, recs)
        info_sheet(wb, provenance)
    finally:
        wb.close()


def tech_sheet_rows(recs: Iterable[Mapping[str, Any]]) -> dict[int, int]:
    """パターン2 row id → its 0-based row on the 技術 sheet, for the rows the findings use."""
    used = sorted({rid for rec in recs for rid in row_ids(rec.get("techmap") or {})})
    return {rid: i + 1 for i, rid in enumerate(used)}


class _Formats:
    def __init__(self, wb: Workbook):
        self.head = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "valign": "top",
                                   "text_wrap": True})
        self.cell = text_format(wb, {"valign": "top"})
        self.wrap = text_format(wb, {"valign": "top", "text_wrap": True})
        self.score = wb.add_format({"valign": "top", "num_format": "0.00"})
        self.entry = text_format(wb, {"valign": "top", "bg_color": "#FFF2CC", "border": 1, "border_color": "#BFBFBF",
                                      "locked": False, "text_wrap": True})
        self.red = wb.add_format({"bold": True, "font_color": "#C00000"})
        self.red_cell = text_format(wb, {"bold": True, "font_color": "#C00000", "valign": "top", "text_wrap": True})
        self.link = text_format(wb, {"valign": "top", "font_color": "#0563C1", "underline": 1})


def findings_sheet(wb: Workbook, recs: Sequence[Mapping[str, Any]], row_of: RowOf = row_values,
                   name: str = SHEET, tech_rows: Mapping[int, int] | None = None) -> Worksheet:
    """A review sheet (点検シート or 種別要確認): one row per finding, staff columns editable, the rest locked;
    ``row_of`` lets the batch workbook fill 自治体 from its own municipality names."""
    ws = wb.add_worksheet(name)
    f = _Formats(wb)
    columns = UNTYPED_COLUMNS if name == UNTYPED_SHEET else COLUMNS
    widths = [display_width(c) for c in columns]
    for col, title in enumerate(columns):
        ws.write_string(0, col, title, f.head)
    for r, rec in enumerate(recs, start=1):
        row = row_of(rec)
        row[CANDIDATES] = "・".join(type_label(t) for t in rec.get("candidate_types") or [])
        for col, title in enumerate(columns):
            value = row[title]
            _write_cell(ws, r, col, title, value, rec, f, tech_rows or {})
            if title != "条文":
                widths[col] = max(widths[col], display_width(f"{value:.2f}" if title == "確信度" else str(value)))
        ws.set_row(r, row_height(rec.get("text") or ""))
    text_col = columns.index("条文")
    for col, w in enumerate(widths):
        hidden = columns[col] in TECHNICAL_COLUMNS
        ws.set_column(col, col, TEXT_WIDTH if col == text_col else max(MIN_WIDTH, min(w + 2, MAX_WIDTH)), None,
                      {"level": 1, "hidden": True} if hidden else None)
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, max(len(recs), 1), len(columns) - 1)
    _page_setup(ws)
    if recs:
        col = columns.index("判定")
        ws.data_validation(1, col, len(recs), col, {
            "validate": "list", "source": VERDICTS,
            "input_title": "判定", "input_message": "該当／非該当／要確認",
        })
    # locked: everything but the staff columns; sorting, filtering, column widths and added rows stay allowed
    ws.protect("", {"autofilter": True, "sort": True, "format_columns": True, "format_rows": True,
                    "insert_rows": True})
    return ws


def _write_cell(ws: Worksheet, r: int, col: int, title: str, value: Any, rec: Mapping[str, Any], f: _Formats,
                tech_rows: Mapping[int, int]) -> None:
    if title == "条文":
        _write_text(ws, r, col, rec, f)
    elif title == "確信度":
        ws.write_number(r, col, value, f.score)
    elif title in STAFF_COLUMNS:  # a decision carried from the review store (never a formula)
        _write_entry(ws, r, col, str(value), f.entry)
    elif (link := _link_for(title, value, rec, tech_rows)) is not None:
        ws.write_url(r, col, link, f.link, xlsx_text(str(value)))
    else:
        ws.write_string(r, col, xlsx_text(str(value)), f.cell)


def _link_for(title: str, value: Any, rec: Mapping[str, Any], tech_rows: Mapping[int, int]) -> str | None:
    """The hyperlink of a cell (出典 URL, 活用可能な技術 → 技術 sheet, 技術カタログ), through safe_link."""
    if not value:
        return None
    if title == "出典":
        return safe_link(str(value))
    if title == "活用可能な技術":
        rows = row_ids(rec.get("techmap") or {})
        return safe_link(internal_target(TECH_SHEET, tech_rows[rows[0]])) if rows and rows[0] in tech_rows else None
    if title == "技術カタログ":
        return safe_link(CATALOG_URL)
    return None


def row_height(text: str, width: int = TEXT_WIDTH) -> float:
    """Points for a row whose 条文 wraps at ``width`` half-width columns (LibreOffice does not grow rows)."""
    lines = sum(max(1, math.ceil(display_width(line) / (width - 2))) for line in (text or " ").split("\n"))
    return min(MAX_ROW_HEIGHT, LINE_HEIGHT * lines)


def _page_setup(ws: Worksheet) -> None:
    """Print: A4 landscape, one page wide, the header row on every page."""
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(0)
    ws.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.5)


def _write_entry(ws: Worksheet, r: int, c: int, value: str, entry: Format) -> None:
    """A cell staff fill in (判定, 見直し方針, 担当, 日付, 所管課): the carried value, else blank; unlocked."""
    if value:
        ws.write_string(r, c, xlsx_text(value), entry)
    else:
        ws.write_blank(r, c, None, entry)


def _write_text(ws: Worksheet, r: int, c: int, rec: Mapping[str, Any], f: _Formats) -> None:
    """The unit text with matched spans in bold red; a rich string needs at least two fragments."""
    text = xlsx_text(rec.get("text") or "")
    spans = [s for s in text_spans({**rec, "text": text}) if s[2] == MATCH]
    runs = segments(text, spans)
    if len(runs) < 2:
        ws.write_string(r, c, text, f.red_cell if runs and runs[0][1] == MATCH else f.wrap)
        return
    parts: list[Any] = []
    for frag, label in runs:
        parts.extend([f.red, frag] if label == MATCH else [frag])
    ws.write_rich_string(r, c, *parts, f.wrap)


def summary_sheet(wb: Workbook, recs: Sequence[Mapping[str, Any]], typed: int, untyped: int) -> None:
    """Counts per type, a chart, and how many rows of each review sheet have a 判定 (live COUNTA)."""
    ws = wb.add_worksheet(SUMMARY_SHEET)
    head = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    bold = wb.add_format({"bold": True, "top": 1})
    rows, total = summarize(recs)
    for col, name in enumerate(("類型", "件数", "うち電子的代替あり", "例規数")):
        ws.write_string(0, col, name, head)
    for r, tc in enumerate([*rows, total], start=1):
        fmt = bold if tc is total else None
        ws.write_string(r, 0, tc.label, fmt)
        ws.write_number(r, 1, tc.count, fmt)
        ws.write_number(r, 2, tc.digital, fmt)
        ws.write_number(r, 3, len(tc.documents), fmt)
    r = len(rows) + 3
    for col, name in enumerate(("シート", "件数", "判定記入済み", "未記入")):
        ws.write_string(r, col, name, head)
    for sheet, n, columns in ((SHEET, typed, COLUMNS), (UNTYPED_SHEET, untyped, UNTYPED_COLUMNS)):
        r += 1
        ws.write_string(r, 0, sheet)
        ws.write_number(r, 1, n)
        col = columns.index("判定")
        span = f"'{sheet}'!{xl_rowcol_to_cell(1, col, True, True)}:{xl_rowcol_to_cell(max(n, 1), col, True, True)}"
        filled = sum(1 for rec in recs if _carried(rec) and (rec.get("type") == "unspecified") == (sheet != SHEET))
        ws.write_formula(r, 2, f"=COUNTA({span})", None, filled)
        ws.write_formula(r, 3, f"={xl_rowcol_to_cell(r, 1)}-{xl_rowcol_to_cell(r, 2)}", None, n - filled)
    ws.set_column(0, 0, 18)
    ws.set_column(1, 3, 20)
    chart = wb.add_chart({"type": "bar"})
    chart.add_series({
        "name": "件数",
        "categories": [SUMMARY_SHEET, 1, 0, len(rows), 0],
        "values": [SUMMARY_SHEET, 1, 1, len(rows), 1],
        "fill": {"color": "#4472C4"},
        "data_labels": {"value": True},
    })
    chart.set_title({"name": "類型別の件数"})
    chart.set_legend({"none": True})
    chart.set_y_axis({"reverse": True})  # keep the fixed type order top-down
    chart.set_x_axis({"min": 0, "major_gridlines": {"visible": True}})
    chart.set_size({"width": 560, "height": 340})
    ws.insert_chart(1, 5, chart)


def _carried(rec: Mapping[str, Any]) -> bool:
    rv = rec.get("review") or {}
    return rv.get("status") == "carried" and bool(rv.get("verdict"))


def tech_sheet(wb: Workbook, tech_rows: Mapping[int, int]) -> None:
    """The technology-map rows the findings use (linked from 活用可能な技術), then each 技術類型 once."""
    ws = wb.add_worksheet(TECH_SHEET)
    head = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    wrap = wb.add_format({"text_wrap": True, "valign": "top"})
    link = wb.add_format({"font_color": "#0563C1", "underline": 1})
    table = full_table(tech_rows)
    names = {t["id"]: t["name"] for t in table["tech_types"]}
    for col, name in enumerate(("パターン2 行", "業務類型", "管理対象", "データ内容", "技術類型")):
        ws.write_string(0, col, name, head)
    for row in table["rows"]:
        r = tech_rows[row["row"]]
        ws.write_number(r, 0, row["row"], wrap)
        for col, key in enumerate(("業務類型", "管理対象", "データ内容"), start=1):
            ws.write_string(r, col, xlsx_text(row[key]), wrap)
        ws.write_string(r, 4, "、".join(names[t] for t in row["tech_type_ids"]), wrap)
    r = len(table["rows"]) + 2
    for col, name in enumerate(("技術類型ID", "技術類型", "機能", "概要")):
        ws.write_string(r, col, name, head)
    for tech in table["tech_types"]:
        r += 1
        for col, key in enumerate(("id", "name", "機能", "概要")):
            ws.write_string(r, col, xlsx_text(tech[key]), wrap)
    r += 2
    ws.write_url(r, 0, safe_link(TECHMAP_URL) or "", link, "テクノロジーマップ（デジタル庁）")
    ws.write_string(r + 1, 0, xlsx_text(table["credit"]))
    for col, width in enumerate((12, 22, 30, 30, 90)):
        ws.set_column(col, col, width)
    ws.freeze_panes(1, 0)
    _page_setup(ws)


def legend_sheet(wb: Workbook, recs: Sequence[Mapping[str, Any]]) -> None:
    ws = wb.add_worksheet(LEGEND_SHEET)
    bold = wb.add_format({"bold": True})
    wrap = wb.add_format({"text_wrap": True, "valign": "top"})
    link = wb.add_format({"font_color": "#0563C1", "underline": 1})
    ws.set_column(0, 0, 22)
    ws.set_column(1, 1, 90)
    ws.write_string(0, 0, "出典", bold)
    ws.write_string(0, 1, credit(recs), wrap)
    ws.write_string(1, 1, "この表は analogscan が例規の条文から機械的に抽出した候補です。"
                          "判定・見直し方針・担当・日付・所管課の欄は担当者が記入してください"
                          "（ほかの列は保護されています。パスワードなしで解除できます）。", wrap)
    ws.write_url(2, 1, safe_link(TECHMAP_URL) or "", link, "テクノロジーマップ・技術カタログ（デジタル庁）")
    ws.write_string(3, 0, "列", bold)
    ws.write_string(3, 1, "説明", bold)
    r = 4
    for name in UNTYPED_COLUMNS:
        ws.write_string(r, 0, name)
        ws.write_string(r, 1, COLUMN_NOTES.get(name, "種別要確認のとき、条文が含む語から考えられる類型（確からしい順）"),
                        wrap)
        r += 1
    r += 1
    ws.write_string(r, 0, "類型", bold)
    ws.write_string(r, 1, "識別子", bold)
    for t in TYPE_ORDER:
        r += 1
        ws.write_string(r, 0, TYPE_LABELS[t])
        ws.write_string(r, 1, t)


def info_sheet(wb: Workbook, provenance: Mapping[str, Any] | None) -> None:
    """情報: which analogscan, rules, model, dictionary, options and date made this workbook."""
    ws = wb.add_worksheet(INFO_SHEET)
    bold = wb.add_format({"bold": True})
    ws.set_column(0, 0, 20)
    ws.set_column(1, 1, 90)
    ws.write_string(0, 0, "この点検シートの作成条件", bold)
    for r, (label, value) in enumerate(provenance_lines(dict(provenance or {})), start=1):
        ws.write_string(r, 0, label, bold)
        ws.write_string(r, 1, xlsx_text(value))

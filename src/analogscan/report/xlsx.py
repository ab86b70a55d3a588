"""XLSX review workbook: 点検シート (one row per finding), 集計 (counts + bar chart), 凡例/出典.

Cells from the input are text cells (``write_string``) with a ``quote_prefix`` format, never
formulas; see :mod:`.cells`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import IO, Any

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from ..atomic import atomic_path
from ..labels import TYPE_LABELS, TYPE_ORDER
from .cells import text_format, xlsx_text
from .fields import COLUMN_NOTES, COLUMNS, credit, display_width, row_values
from .spans import MATCH, segments, text_spans
from .summary import summarize

SHEET, SUMMARY_SHEET, LEGEND_SHEET = "点検シート", "集計", "凡例・出典"
VERDICTS = ["該当", "非該当", "要確認"]
TEXT_WIDTH = 80           # 条文 column (wrapped)
MIN_WIDTH, MAX_WIDTH = 6, 40


def write_xlsx(records: Iterable[Mapping[str, Any]], path_or_stream: str | Path | IO[bytes]) -> None:
    """Write the workbook to a path (atomically) or to a binary stream."""
    recs = list(records)
    if hasattr(path_or_stream, "write"):
        _build(recs, xlsxwriter.Workbook(path_or_stream, {"in_memory": True}))
        return
    with atomic_path(Path(path_or_stream)) as tmp:
        _build(recs, xlsxwriter.Workbook(str(tmp)))


def _build(recs: list[Mapping[str, Any]], wb: Workbook) -> None:
    try:
        _findings_sheet(wb, recs)
        _summary_sheet(wb, recs)
        _legend_sheet(wb, recs)
    finally:
        wb.close()


def _findings_sheet(wb: Workbook, recs: Sequence[Mapping[str, Any]],
                    row_of: Callable[[Mapping[str, Any]], dict[str, Any]] = row_values) -> None:
    """The 点検シート; ``row_of`` lets the batch workbook fill 自治体 from its own municipality names."""
    ws = wb.add_worksheet(SHEET)
    head = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "valign": "top"})
    cell = text_format(wb, {"valign": "top"})
    wrap = text_format(wb, {"valign": "top", "text_wrap": True})
    score = wb.add_format({"valign": "top", "num_format": "0.00"})
    entry = text_format(wb, {"valign": "top", "bg_color": "#FFF2CC", "border": 1, "border_color": "#BFBFBF"})
    red = wb.add_format({"bold": True, "font_color": "#C00000"})
    red_cell = text_format(wb, {"bold": True, "font_color": "#C00000", "valign": "top", "text_wrap": True})

    widths = [display_width(c) for c in COLUMNS]
    for col, name in enumerate(COLUMNS):
        ws.write_string(0, col, name, head)
    text_col = COLUMNS.index("条文")
    for r, rec in enumerate(recs, start=1):
        row = row_of(rec)
        for col, name in enumerate(COLUMNS):
            value = row[name]
            if name == "条文":
                _write_text(ws, r, col, rec, wrap, red, red_cell)
            elif name == "確信度":
                ws.write_number(r, col, value, score)
            elif name in ("判定", "見直し方針"):  # a decision carried from the review store (never a formula)
                _write_entry(ws, r, col, value, entry)
            else:
                ws.write_string(r, col, xlsx_text(str(value)), cell)
            if name != "条文":
                widths[col] = max(widths[col], display_width(f"{value:.2f}" if name == "確信度" else value))
    for col, w in enumerate(widths):
        ws.set_column(col, col, TEXT_WIDTH if col == text_col else max(MIN_WIDTH, min(w + 2, MAX_WIDTH)))
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, max(len(recs), 1), len(COLUMNS) - 1)
    if recs:
        col = COLUMNS.index("判定")
        ws.data_validation(1, col, len(recs), col, {
            "validate": "list", "source": VERDICTS,
            "input_title": "判定", "input_message": "該当／非該当／要確認",
        })


def _write_entry(ws: Worksheet, r: int, c: int, value: str, entry: Format) -> None:
    """A cell staff fill in (判定, 見直し方針): the carried decision, else blank."""
    if value:
        ws.write_string(r, c, xlsx_text(value), entry)
    else:
        ws.write_blank(r, c, None, entry)


def _write_text(ws: Worksheet, r: int, c: int, rec: Mapping[str, Any],
                wrap: Format, red: Format, red_cell: Format) -> None:
    """The unit text with matched spans in bold red; a rich string needs at least two fragments."""
    text = xlsx_text(rec.get("text") or "")
    spans = [s for s in text_spans({**rec, "text": text}) if s[2] == MATCH]
    runs = segments(text, spans)
    if len(runs) < 2:
        if runs and runs[0][1] == MATCH:
            ws.write_string(r, c, text, red_cell)
        else:
            ws.write_string(r, c, text, wrap)
        return
    parts: list[Any] = []
    for frag, label in runs:
        parts.extend([red, frag] if label == MATCH else [frag])
    ws.write_rich_string(r, c, *parts, wrap)


def _summary_sheet(wb: Workbook, recs: list[Mapping[str, Any]]) -> None:
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


def _legend_sheet(wb: Workbook, recs: Sequence[Mapping[str, Any]]) -> None:
    ws = wb.add_worksheet(LEGEND_SHEET)
    bold = wb.add_format({"bold": True})
    wrap = wb.add_format({"text_wrap": True, "valign": "top"})
    ws.set_column(0, 0, 22)
    ws.set_column(1, 1, 90)
    ws.write_string(0, 0, "出典", bold)
    ws.write_string(0, 1, credit(recs), wrap)
    ws.write_string(1, 1, "この表は analogscan が例規の条文から機械的に抽出した候補です。"
                          "判定・見直し方針の欄は担当者が記入してください。", wrap)
    ws.write_string(3, 0, "列", bold)
    ws.write_string(3, 1, "説明", bold)
    r = 4
    for name in COLUMNS:
        ws.write_string(r, 0, name)
        ws.write_string(r, 1, COLUMN_NOTES[name], wrap)
        r += 1
    r += 1
    ws.write_string(r, 0, "類型", bold)
    ws.write_string(r, 1, "識別子", bold)
    for t in TYPE_ORDER:
        r += 1
        ws.write_string(r, 0, TYPE_LABELS[t])
        ws.write_string(r, 1, t)

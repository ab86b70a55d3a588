"""The batch workbook: 概要 (municipality × type, totals, chart), 点検シート (every finding, with the
scan workbook's columns and staff columns), 横並び比較 (the groups), 凡例・出典.

All cells of the batch's own sheets are written by ``_put``: text cells, never formulas (see report/cells.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.utility import xl_rowcol_to_cell
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from ..atomic import atomic_path
from ..labels import type_label
from ..report.cells import text_format, xlsx_text
from ..report.fields import row_values
from ..report.xlsx import build_workbook
from .outcome import BatchOutcome, MunicipalityStatus

OVERVIEW, COMPARISON = "概要", "横並び比較"
EXTRA_COLUMNS = ("合計", "うち電子的代替あり", "例規数", "ファイル数", "読めなかったファイル")
COMPARISON_COLUMNS = ("グループ", "類型", "自治体数", "電子的代替のある自治体（モデル）", "自治体", "例規名",
                      "条項", "電子的代替", "条文", "unit_id", "出典")


def _put(ws: Worksheet, r: int, c: int, value: Any, fmt: Any = None) -> None:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        ws.write_number(r, c, value, fmt)
    else:
        ws.write_string(r, c, xlsx_text(str(value)), fmt)


def batch_row(rec: Mapping[str, Any]) -> dict[str, Any]:
    """A 点検シート row whose 自治体 is the batch's municipality (the folder, .zip or manifest name)."""
    return {**row_values(rec), "自治体": rec.get("municipality") or rec.get("body") or ""}


UNREAD_SHEET = "読めなかったファイル"


def write_workbook(outcome: BatchOutcome, path: Path, provenance: Mapping[str, Any] | None = None) -> None:
    """概要, the scan workbook's review sheets (点検シート, 種別要確認, 集計, 技術), 横並び比較,
    読めなかったファイル, 凡例・出典 and 情報."""

    def after(wb: Workbook) -> None:
        _comparison(wb, outcome)
        _unread(wb, outcome)

    with atomic_path(path) as tmp:
        build_workbook(xlsxwriter.Workbook(str(tmp)), outcome.records, provenance, batch_row,
                       before=lambda wb: _overview(wb, outcome), after=after)


def _unread(wb: Workbook, outcome: BatchOutcome) -> None:
    """One row per file or municipality problem (the lines also printed and written to errors.txt)."""
    ws = wb.add_worksheet(UNREAD_SHEET)
    head = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    wrap = text_format(wb, {"text_wrap": True, "valign": "top"})
    for c, name in enumerate(("自治体", "ファイル・理由")):
        _put(ws, 0, c, name, head)
    r = 0
    for m in outcome.municipalities:
        for line in m.errors:
            r += 1
            _put(ws, r, 0, m.name, wrap)
            _put(ws, r, 1, line, wrap)
    ws.set_column(0, 0, 22)
    ws.set_column(1, 1, 110)
    ws.freeze_panes(1, 0)


def _overview(wb: Workbook, outcome: BatchOutcome) -> None:
    ws = wb.add_worksheet(OVERVIEW)
    head = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True, "valign": "top"})
    bold = wb.add_format({"bold": True, "top": 1})
    warn = wb.add_format({"font_color": "#C00000"})
    types = outcome.types
    columns = ["自治体", *(type_label(t) for t in types), *EXTRA_COLUMNS]
    for c, name in enumerate(columns):
        _put(ws, 0, c, name, head)
    n = len(outcome.municipalities)
    rows = [_counts(m, types) for m in outcome.municipalities]
    for r, (m, values) in enumerate(zip(outcome.municipalities, rows), start=1):
        _put(ws, r, 0, m.name)
        for c, v in enumerate(values, start=1):
            _put(ws, r, c, v, warn if c == len(columns) - 1 and v else None)
    total_row = n + 1
    _put(ws, total_row, 0, "合計", bold)
    for c, column in enumerate(zip(*rows), start=1):  # a live SUM, with its value cached for readers
        first, last = xl_rowcol_to_cell(1, c), xl_rowcol_to_cell(n, c)
        ws.write_formula(total_row, c, f"=SUM({first}:{last})", bold, sum(column))
    ws.set_column(0, 0, 22)
    ws.set_column(1, len(columns) - 1, 10)
    ws.set_row(0, 32)
    ws.freeze_panes(1, 1)
    if n:
        chart = wb.add_chart({"type": "bar", "subtype": "stacked"})
        for i, t in enumerate(types, start=1):
            chart.add_series({"name": [OVERVIEW, 0, i], "categories": [OVERVIEW, 1, 0, n, 0],
                              "values": [OVERVIEW, 1, i, n, i]})
        chart.set_title({"name": "自治体別・類型別の件数"})
        chart.set_y_axis({"reverse": True})
        chart.set_x_axis({"min": 0, "major_gridlines": {"visible": True}})
        chart.set_size({"width": 720, "height": max(320, 28 * n + 120)})
        ws.insert_chart(total_row + 2, 0, chart)


def _counts(m: MunicipalityStatus, types: list[str]) -> list[int]:
    """A municipality's 概要 numbers: per type, then EXTRA_COLUMNS."""
    return [*(m.counts.get(t, 0) for t in types), m.total, m.digital, len(m.rule_books), m.files, len(m.errors)]


def _comparison(wb: Workbook, outcome: BatchOutcome) -> None:
    ws = wb.add_worksheet(COMPARISON)
    head = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "valign": "top"})
    wrap = text_format(wb, {"text_wrap": True, "valign": "top"})
    model = text_format(wb, {"text_wrap": True, "valign": "top", "bg_color": "#E2EFDA"})
    for c, name in enumerate(COMPARISON_COLUMNS):
        _put(ws, 0, c, name, head)
    r = 0
    for g in outcome.groups:
        types = "、".join(type_label(t) for t in g.types)
        for m in g.members:
            r += 1
            rec = m.record
            values = [g.number, types, len(g.municipalities), "、".join(g.digital_municipalities) or "なし",
                      m.municipality, rec.get("title") or "", rec.get("citation") or "",
                      "あり" if m.digital else "なし", rec.get("text") or "", rec.get("unit_id") or "",
                      rec.get("source") or ""]
            for c, v in enumerate(values):
                _put(ws, r, c, v, model if m.digital else wrap)
    for c, w in enumerate((8, 14, 8, 24, 16, 30, 14, 10, 70, 18, 30)):
        ws.set_column(c, c, w)
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, max(r, 1), len(COMPARISON_COLUMNS) - 1)

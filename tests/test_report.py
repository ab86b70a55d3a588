"""Report writers: exact headers, cells, highlights, counts; atomic replacement on failure."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from analogscan.detect.identity import record_identity
from analogscan.report import FORMATS, format_from_extension, print_table, write_report
from analogscan.report import html as html_mod
from analogscan.report import xlsx as xlsx_mod
from analogscan.report.spans import segments
from analogscan.report.table import snippet

CREDIT = ("出典：「テクノロジーマップ・技術カタログ」（デジタル庁）"
          "https://www.digital.go.jp/policies/technology-map（analogscan にて加工）")

HEADER = ["自治体", "例規名", "種別", "番号", "条項", "見出し", "条文", "該当語", "類型", "確信度",
          "電子的代替", "電子的代替の根拠", "見直しの方向性", "業務類型", "活用可能な技術", "技術カタログ",
          "判定", "見直し方針", "担当", "日付", "所管課", "前回判定", "前回見直し方針", "再確認", "unit_id", "出典",
          "柱書", "類型ID", "本文ハッシュ", "finding_id"]


def ev(text: str, word: str, role: str = "trigger", rule: str = "r") -> dict[str, Any]:
    start = text.index(word)
    return {"start": start, "end": start + len(word), "text": word, "rule_id": rule, "role": role}


def record(doc: str, title: str, unit: str, citation: str, type_id: str, score: float, text: str,
           words: list[str], **kw: Any) -> dict[str, Any]:
    rec: dict[str, Any] = {
        "unit_id": unit, "title": title, "body": "見本市", "kind": "条例", "number": f"条例第{len(title)}号",
        "date": "令和5年3月31日", "source": f"{doc}.html", "format": "reikibase", "citation": citation,
        "caption": kw.pop("caption", ""), "type": type_id, "score": score, "text": text,
        "context": kw.pop("context", ""), "evidence": [ev(text, w) for w in words], "rule_ids": ["r"],
        "digital_alternative": False, "digital_evidence": [], "techmap": {},
    }
    rec.update(kw)
    return rec


PROV = {"analogscan": "0.1.0", "rules": "abc", "model": "def", "sudachi_dictionary": "sudachidict_core 1",
        "options": {"use_model": True}, "date": "2026-12-02T00:00:00Z", "inputs": 3}
T1 = "市長は、必要があると認めるときは、職員に空家等に立ち入らせ、その状況を調査させることができる。"
T2 = "条例の公布は、市役所前の掲示場に掲示してこれを行う。ただし、市のウェブサイトへの掲載をもって代えることができる。"
T3 = "フレキシブルディスク又は磁気ディスク"
C3 = "申請者は、次に掲げる記録媒体により提出しなければならない。ただし、電磁的方法によることができる。"
T4 = '管理人を<script>alert("x")</script>常駐させなければならない。'

TECHMAP = {
    "type_name": "目視規制",
    "rows": [{"row": 4, "業務類型": "検査・点検・監査", "管理対象": "建築物",
              "tech_types": ["カメラ（画像・動画・衛星画像）", "無人航空機・ドローン"]}],
    "tech_types": [{"name": "カメラ（画像・動画・衛星画像）", "概要": "静止画や動画を取得する機器。"},
                   {"name": "無人航空機・ドローン", "概要": "遠隔操作や自動操縦で飛行する機器。"}],
    "catalog": {"id": "10006", "name": "目視等による施工・経年劣化・安全措置対策状況等確認"},
    "phase": "フェーズ2「情報収集の遠隔化、人による評価」",
    "reason": "空家等の状況調査",
    "credit": CREDIT,
}


@pytest.fixture
def records() -> list[dict[str, Any]]:
    r1 = record("akiya", "見本市空家等対策条例", "akiya#5-1", "第5条第1項", "visual_inspection", 0.9134, T1,
                # overlapping (空家等に立ち入らせ / 立ち入らせ), adjacent (その + 状況を調査), overlapping again
                ["空家等に立ち入らせ", "立ち入らせ", "その", "状況を調査", "調査させる"],
                caption="（立入調査）", techmap=TECHMAP)
    r2 = record("koukoku", "見本市公告式条例", "koukoku#2-1", "第2条第1項", "document_posting", 0.9, T2,
                ["掲示場に掲示"], digital_alternative=True,
                digital_evidence=[ev(T2, "ウェブサイトへの掲載", "digital")],
                techmap={"type_name": "書面掲示規制", "rows": [], "tech_types": [], "catalog": None,
                         "phase": "", "reason": "", "credit": CREDIT})
    r3 = record("shinsei", "見本市申請手続規則", "shinsei#3-1-1", "第3条第1項第1号", "recording_media", 0.875, T3,
                ["フレキシブルディスク", "磁気ディスク"], context=C3, digital_alternative=True,
                digital_evidence=[ev(C3, "電磁的方法", "digital_context")])
    r4 = record("akiya", "見本市空家等対策条例", "akiya#8-1", "第8条第1項", "resident_staff", 0.555, T4,
                ["常駐させ"])
    return [r1, r2, r3, r4]


def test_segments_merge_overlap_and_adjacent() -> None:
    assert segments("abcdef", [(0, 2, "m"), (1, 3, "m"), (3, 4, "m"), (5, 6, "d")]) == [
        ("abcd", "m"), ("e", None), ("f", "d")]
    assert segments("abc", [(0, 3, "m")]) == [("abc", "m")]
    assert segments("", [(0, 1, "m")]) == []


def test_format_from_extension() -> None:
    assert FORMATS == ("table", "jsonl", "csv", "xlsx", "html")
    assert [format_from_extension(p) for p in ("a.CSV", "b.xlsx", "c.htm", "d.jsonl", None, "-", "e.txt")] == [
        "csv", "xlsx", "html", "jsonl", "table", "table", "table"]
    with pytest.raises(ValueError, match="'.pdf'"):
        format_from_extension("x.pdf")


def test_jsonl_round_trip(records: list[dict[str, Any]], tmp_path: Path) -> None:
    out = tmp_path / "f.jsonl"
    write_report(records, "jsonl", out)
    raw = out.read_text(encoding="utf-8")
    assert "空家等" in raw  # not \uXXXX-escaped
    # technology map by reference (row and 技術類型 ids); order: by 確信度
    got = [json.loads(line) for line in raw.splitlines()]
    assert [r["unit_id"] for r in got] == ["akiya#5-1", "koukoku#2-1", "shinsei#3-1-1", "akiya#8-1"]
    assert got[0]["techmap"] == {"compact": True, "rows": [4], "業務類型": ["検査・点検・監査"],
                                 "tech_type_ids": ["1001", "1016"], "catalog": TECHMAP["catalog"],
                                 "phase": TECHMAP["phase"], "credit": CREDIT}
    assert [{k: v for k, v in r.items() if k != "techmap"} for r in got] == [
        {k: v for k, v in r.items() if k != "techmap"} for r in records]


def test_csv_bom_header_and_rows(records: list[dict[str, Any]], tmp_path: Path) -> None:
    out = tmp_path / "f.csv"
    write_report(records, "csv", out, provenance=PROV)
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf\xe8\x87\xaa\xe6\xb2\xbb\xe4\xbd\x93,")  # BOM + 自治体,
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows[0] == [*HEADER, "作成条件"]
    assert len(rows) == 5
    assert rows[1] == [
        "見本市", "見本市空家等対策条例", "条例", "条例第10号", "第5条第1項", "（立入調査）", T1,
        "空家等に立ち入らせ、立ち入らせ、その、状況を調査、調査させる", "目視", "0.91", "なし", "",
        "フェーズ2「情報収集の遠隔化、人による評価」", "検査・点検・監査",
        "パターン2 行4：技術類型 2 件（「技術」シート）",
        "目視等による施工・経年劣化・安全措置対策状況等確認", "", "", "", "", "", "", "", "", "akiya#5-1",
        "akiya.html", "", "visual_inspection", *record_identity(records[0])[1:], rows[1][-1]]
    assert [len(x) for x in rows[1][-3:-1]] == [16, 16]
    assert rows[1][-1].startswith("analogscan: 0.1.0; ルール: ")
    assert rows[2][7:16] == ["掲示場に掲示", "書面掲示", "0.90", "あり", "ウェブサイトへの掲載", "", "", "", ""]
    assert rows[3][7:12] == ["フレキシブルディスク、磁気ディスク", "FD等記録媒体", "0.88", "あり", "電磁的方法"]
    assert rows[4][6:10] == [T4, "常駐させ", "常駐・専任", "0.56"]


@pytest.fixture
def xlsx_path(records: list[dict[str, Any]], tmp_path: Path) -> Path:
    out = tmp_path / "f.xlsx"
    write_report(records, "xlsx", out)
    return out


def test_xlsx_review_sheet(xlsx_path: Path, records: list[dict[str, Any]]) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.load_workbook(xlsx_path)
    assert wb.sheetnames == ["点検シート", "種別要確認", "集計", "技術", "凡例・出典", "情報"]
    ws = wb["点検シート"]
    assert [c.value for c in ws[1]] == HEADER
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:AD5"
    (dv,) = ws.data_validations.dataValidation
    assert (dv.type, dv.formula1, str(dv.sqref)) == ("list", '"該当,非該当,要確認"', "Q2:Q5")
    assert ws.protection.sheet is True and ws.print_title_rows == "$1:$1"
    assert (ws.protection.autoFilter, ws.protection.sort, ws.protection.insertRows) == (False, False, False)  # allowed
    assert ws.page_setup.orientation == "landscape" and ws.sheet_properties.pageSetUpPr.fitToPage is True
    assert ws.page_setup.fitToHeight == 0  # one page wide, as many pages down as needed
    assert [ws.cell(2, c).protection.locked for c in range(17, 22)] == [False] * 5  # 判定 … 所管課
    assert ws.cell(2, 1).protection.locked in (True, None)
    # unit_id, 柱書, 類型ID, 本文ハッシュ, finding_id grouped and hidden; 出典 (Z) stays visible
    assert [ws.column_dimensions[c].hidden for c in ("Y", "Z", "AA")] == [True, False, True]
    assert all(ws.column_dimensions[c].hidden for c in ws.column_dimensions if c in ("AB", "AC", "AD"))
    assert ws.column_dimensions["Y"].outline_level == 1
    assert ws.row_dimensions[2].height == 30  # T1: 47 full-width characters wrap into two lines
    assert ws.cell(2, 15).hyperlink.location == "'技術'!A2"
    assert [ws.cell(r, 7).value for r in range(2, 6)] == [T1, T2, T3, T4]
    assert [ws.cell(r, 10).value for r in range(2, 6)] == [0.9134, 0.9, 0.875, 0.555]
    assert ws.cell(2, 10).number_format == "0.00"
    assert ws.cell(2, 7).alignment.wrap_text is True
    assert ws.column_dimensions["G"].width == pytest.approx(80, abs=1)
    # 例規名 見本市空家等対策条例 = 10 full-width chars = 20 columns, + 2 padding
    assert ws.column_dimensions["B"].width == pytest.approx(22, abs=1)
    assert ws.cell(2, 17).value is None and ws.cell(2, 18).value is None


def test_xlsx_rich_text_spans(xlsx_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    ws = openpyxl.load_workbook(xlsx_path, rich_text=True)["点検シート"]

    def red_runs(value: Any) -> list[str]:
        return [b.text for b in value if not isinstance(b, str) and b.font.b and b.font.color.rgb == "FFC00000"]

    v1, v3 = ws.cell(2, 7).value, ws.cell(4, 7).value
    assert str(v1) == T1 and str(v3) == T3
    assert red_runs(v1) == ["空家等に立ち入らせ", "その状況を調査させる"]
    assert red_runs(v3) == ["フレキシブルディスク", "磁気ディスク"]  # spans at start and at end
    assert [b if isinstance(b, str) else b.text for b in v3] == ["フレキシブルディスク", "又は", "磁気ディスク"]


@pytest.mark.parametrize("words", [[], ["全文"]], ids=["no-highlight", "all-highlighted"])
def test_xlsx_single_fragment_falls_back(words: list[str], tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    rec = record("x", "規則", "x#1", "第1条", "visual_inspection", 0.5, "全文", words)
    write_report([rec], "xlsx", tmp_path / "one.xlsx")
    cell = openpyxl.load_workbook(tmp_path / "one.xlsx")["点検シート"].cell(2, 7)
    assert cell.value == "全文"
    assert bool(cell.font.b) is bool(words)


def test_xlsx_summary_chart_and_legend(xlsx_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.load_workbook(xlsx_path)
    ws = wb["集計"]
    assert [[c.value for c in row] for row in ws.iter_rows(min_row=1, max_row=11, max_col=4)] == [
        ["類型", "件数", "うち電子的代替あり", "例規数"],
        ["目視", 1, 0, 1], ["実地監査", 0, 0, 0], ["定期検査・点検", 0, 0, 0], ["常駐・専任", 1, 0, 1],
        ["対面講習", 0, 0, 0], ["書面掲示", 1, 1, 1], ["往訪閲覧・縦覧", 0, 0, 0], ["FD等記録媒体", 1, 1, 1],
        ["種別要確認", 0, 0, 0], ["合計", 4, 2, 3],
    ]
    assert len(ws._charts) == 1
    with zipfile.ZipFile(xlsx_path) as z:
        chart = z.read("xl/charts/chart1.xml").decode()
    assert '<c:barDir val="bar"/>' in chart and "集計!$B$2:$B$10" in chart and "集計!$A$2:$A$10" in chart
    legend = wb["凡例・出典"]
    assert (legend["A1"].value, legend["B1"].value) == ("出典", CREDIT)
    assert [legend.cell(r, 1).value for r in range(5, 5 + len(HEADER) + 1)] == [*HEADER[:9], "候補類型", *HEADER[9:]]
    assert [[c.value for c in row] for row in ws.iter_rows(min_row=13, max_row=15, max_col=4)] == [
        ["シート", "件数", "判定記入済み", "未記入"], ["点検シート", 4, "=COUNTA('点検シート'!$Q$2:$Q$5)", "=B14-C14"],
        ["種別要確認", 0, "=COUNTA('種別要確認'!$R$2:$R$2)", "=B15-C15"]]
    tech = wb["技術"]
    assert [tech.cell(2, c).value for c in (1, 2)] == [4, "検査・点検・監査"]


def test_html_marks_escape_and_offline(records: list[dict[str, Any]], tmp_path: Path) -> None:
    out = tmp_path / "f.html"
    write_report(records, "html", out)
    page = out.read_text(encoding="utf-8")
    # grouped by document in order of first appearance: akiya (5-1, 8-1), koukoku, shinsei
    assert re.findall(r"<mark>(.*?)</mark>", page) == [
        "空家等に立ち入らせ", "その状況を調査させる", "常駐させ", "掲示場に掲示", "フレキシブルディスク", "磁気ディスク"]
    assert re.findall(r'<span class="dig">(.*?)</span>', page) == ["ウェブサイトへの掲載", "電磁的方法"]
    assert page.count('<section class="doc">') == 3 and page.count('<article class="finding"') == 4
    assert "管理人を&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;<mark>常駐させ</mark>" in page
    assert page.count("<script>") == 1 and "<script>alert" not in page
    assert not re.search(r"""(src|action)\s*=|url\(|@import""", page, re.IGNORECASE)
    # links only to the technology map (the sources are file names, not URLs)
    assert set(re.findall(r'href="([^"]*)"', page)) == {"https://www.digital.go.jp/policies/technology-map"}
    assert f"<footer>{CREDIT}（" in page
    assert page.count('class="type"') == 9  # the eight types and 種別要確認
    assert "<tr class=\"total\"><td>合計</td><td class=\"n\">4</td><td class=\"n\">2</td><td class=\"n\">3</td>" in page
    assert 'data-type="recording_media" data-score="0.8750"' in page
    assert 'id="minscore"' in page


def test_table_summary_and_top(records: list[dict[str, Any]]) -> None:
    console = Console(record=True, width=240, color_system=None)
    print_table(records, console=console, top=2)
    text = console.export_text()
    lines = text.splitlines()

    def cells(line: str) -> list[str]:
        return [c.strip() for c in line.strip("│┃ ").split("│")]

    rows = {cells(l)[0]: cells(l) for l in lines if l.startswith("│")}
    assert rows["目視"] == ["目視", "1", "0", "0.91"]
    assert rows["実地監査"] == ["実地監査", "0", "0", "-"]
    assert rows["合計"] == ["合計", "4", "2", "0.81"]
    top = [cells(l) for l in lines if l.startswith("│ 見本市")]
    assert [r[:4] for r in top] == [["見本市空家等対策条例", "第5条第1項", "目視", "0.91"],
                                    ["見本市公告式条例", "第2条第1項", "書面掲示", "0.90"]]
    assert "確信度の高い順 2 件（全 4 件）" in text
    assert "│ 空家等に立ち入らせ、 │" in text and "│ 立ち入らせ、その、状 │" in text  # folds, not cut


def test_snippet_around_first_evidence(records: list[dict[str, Any]]) -> None:
    s = snippet(records[0], radius=5)
    assert s.plain == "…は、職員に空家等に立ち入らせ、その状況…"
    assert [s.plain[x.start:x.end] for x in s.spans] == ["空家等に立ち入らせ", "その状況"]
    assert snippet(records[2], radius=3).plain == "フレキシブルディスク又は磁…"


def _failing(records: list[dict[str, Any]]):
    yield records[0]
    raise RuntimeError("detector crashed")


@pytest.mark.parametrize("fmt,ext", [("jsonl", "jsonl"), ("csv", "csv"), ("xlsx", "xlsx"),
                                     ("html", "html"), ("table", "txt")])
def test_atomic_when_records_fail(fmt: str, ext: str, records: list[dict[str, Any]], tmp_path: Path) -> None:
    target = tmp_path / f"report.{ext}"
    target.write_bytes(b"previous report")
    with pytest.raises(RuntimeError, match="detector crashed"):
        write_report(_failing(records), fmt, target)
    assert target.read_bytes() == b"previous report"
    assert [p.name for p in tmp_path.iterdir()] == [target.name]


def test_atomic_when_writer_fails_midway(records: list[dict[str, Any]], tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*_: Any) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(xlsx_mod, "summary_sheet", boom)  # after the findings sheet is written
    monkeypatch.setattr(html_mod, "_document", boom)
    for name in ("report.xlsx", "report.html"):
        target = tmp_path / name
        target.write_bytes(b"previous report")
        with pytest.raises(OSError, match="disk full"):
            write_report(records, format_from_extension(target), target)
        assert target.read_bytes() == b"previous report"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html", "report.xlsx"]


def test_xlsx_control_characters_become_spaces(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    text = "前文\x0bと掲示"
    rec = record("x", "規則", "x#1", "第1条", "document_posting", 0.5, text, ["掲示"])
    write_report([rec], "xlsx", tmp_path / "c.xlsx")
    cell = openpyxl.load_workbook(tmp_path / "c.xlsx")["点検シート"].cell(2, 7)
    assert cell.value == "前文 と掲示"


def test_untyped_finding_shows_its_candidate_types() -> None:
    from analogscan.report.fields import row_values

    rec = {"type": "unspecified", "candidate_types": ["onsite_audit", "visual_inspection"], "score": 0.3}
    assert row_values(rec)["類型"] == "種別要確認（候補: 実地監査・目視）"
    assert row_values({"type": "visual_inspection", "candidate_types": []})["類型"] == "目視"

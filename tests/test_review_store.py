"""Review import validation (all or nothing), the store's schema version, matching rules, label export."""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner

from analogscan.cli import main
from analogscan.detect.finding import Finding
from analogscan.detect.identity import record_identity, unit_text_hash
from analogscan.detect.metrics import read_labels
from analogscan.model import ReadError
from analogscan.report.xlsx import write_xlsx
from analogscan.review.apply import apply_review
from analogscan.review.store import ReviewStore
from analogscan.review.workbook_import import WorkbookErrors, read_workbook


def runner_exit(args: list[str]) -> int:
    return CliRunner().invoke(main, args).exit_code


T1 = "市長は、職員に、空家等と認められる場所に立ち入って調査をさせることができる。"
T2 = "告示は、市役所前の掲示場に掲示して公示する。"
T3 = "管理人を常駐させなければならない。"


def rec(citation: str, type_id: str, text: str, caption: str = "", context: str = "") -> dict[str, Any]:
    return {"unit_id": f"mihon:{citation}", "title": "見本市空家条例", "body": "見本市", "kind": "条例",
            "number": "条例第1号", "date": "", "source": "mihon.html", "format": "reikibase", "citation": citation,
            "caption": caption, "type": type_id, "score": 0.9, "text": text, "context": context, "evidence": [],
            "rule_ids": [], "digital_alternative": False, "digital_evidence": [], "techmap": {}}


RECORDS = [rec("第7条第1項", "visual_inspection", T1, "（立入調査）"), rec("第7条第1項", "onsite_audit", T1, "（立入調査）"),
           rec("第9条", "document_posting", T2, "（公示）"), rec("第12条第2号", "resident_staff", T3, context="次に掲げる措置")]


def sheet(tmp_path: Path, verdicts: dict[int, tuple[str, str]], edit=None) -> Path:
    path = tmp_path / "sheet.xlsx"
    write_xlsx(RECORDS, path)
    wb = openpyxl.load_workbook(path)
    ws = wb["点検シート"]
    col = {c.value: c.column for c in ws[1]}
    for row, (verdict, policy) in verdicts.items():
        ws.cell(row, col["判定"], verdict)
        ws.cell(row, col["見直し方針"], policy)
    if edit:
        edit(ws, col)
    wb.properties.lastModifiedBy = "山田"
    wb.save(path)
    return path


def test_identity_ignores_citation_and_layout_but_not_text_or_lead_in() -> None:
    a = record_identity(rec("第7条第1項", "visual_inspection", T1))
    assert record_identity(rec("第8条第1項", "visual_inspection", T1)) == a
    assert record_identity(rec("第7条第1項", "visual_inspection", T1.replace("、", "、\n　"))) == a
    assert unit_text_hash("毎年一回検査する。") == unit_text_hash("毎年１回検査する。")
    assert record_identity(rec("第7条第1項", "onsite_audit", T1))[2] != a[2]
    assert record_identity(rec("第7条第1項", "visual_inspection", T1 + "。"))[1] != a[1]
    assert unit_text_hash(T3, "次に掲げる措置") != unit_text_hash(T3, "")


def test_bad_rows_are_all_reported_and_nothing_is_imported(tmp_path: Path) -> None:
    def edit(ws, col):
        ws.cell(4, col["finding_id"]).value = None       # row 4: id cleared
        ws.cell(5, col["例規名"], "見本市空家条例（改）")     # row 5: id no longer matches the row
        ws.cell(7, col["判定"], "該当")                    # row 7: a hand-added row that names no unit
    path = sheet(tmp_path, {2: ("該当する", ""), 3: ("該当", ""), 4: ("該当", ""), 5: ("非該当", "")}, edit)
    with pytest.raises(WorkbookErrors) as err:
        read_workbook(path)
    assert err.value.lines == [
        f"{path}: 点検シート row 2: 判定 '該当する' is not one of 該当/非該当/要確認",
        f"{path}: 点検シート row 4: finding_id is missing (a row written by analogscan needs it; do not clear it)",
        (f"{path}: 点検シート row 5: finding_id {record_identity(RECORDS[3])[2]} does not match the "
        "row's 自治体/例規名/本文ハッシュ/類型ID (were those cells edited?)"),
        f"{path}: 点検シート row 7: no 類型ID or 類型 given",
    ]
    store = tmp_path / "review.sqlite"
    result = CliRunner().invoke(main, ["review", "import", str(path), "--store", str(store)])
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == f"analogscan: error: {path}: nothing imported (4 problem(s))"
    assert not store.exists()
    ReviewStore(store, create=True).close()  # an existing store is left as it was
    assert runner_exit(["review", "import", str(path), "--store", str(store)]) == 2
    with ReviewStore(store) as db:
        assert db.decisions() == [] and list(db.imports()) == []


def test_conflicting_duplicate_rows_and_files_that_are_not_sheets(tmp_path: Path) -> None:
    def copy_row(ws, col):
        for c in range(1, ws.max_column + 1):
            ws.cell(6, c, ws.cell(2, c).value)
        ws.cell(6, col["判定"], "非該当")
    path = sheet(tmp_path, {2: ("該当", "")}, copy_row)
    with pytest.raises(WorkbookErrors) as err:
        read_workbook(path)
    fid = record_identity(RECORDS[0])[2]
    assert err.value.lines == [(f"{path}: 点検シート row 6 (第7条第1項): decides finding {fid} differently from row 2 "
                               "(第7条第1項); the same text in the same rule gets one 判定 and 見直し方針 per type")]
    bogus = tmp_path / "notes.xlsx"
    bogus.write_text("not a zip", encoding="utf-8")
    with pytest.raises(ReadError, match="notes.xlsx: cannot read the workbook: File is not a zip file"):
        read_workbook(bogus)
    empty = tmp_path / "empty.xlsx"
    openpyxl.Workbook().save(empty)
    with pytest.raises(ReadError, match="empty.xlsx: no 点検シート with a 判定 column"):
        read_workbook(empty)


def test_per_row_reviewer_and_date_columns(tmp_path: Path) -> None:
    def add(ws, col):
        n = ws.max_column
        ws.cell(1, n + 1, "担当")
        ws.cell(1, n + 2, "日付")
        ws.cell(3, n + 1, "佐藤")
        ws.cell(3, n + 2, "2026-07-01")
    found = read_workbook(sheet(tmp_path, {2: ("該当", "カメラ"), 3: ("非該当", "")}, add))
    assert [(d.type, d.verdict, d.policy, d.reviewer, d.decided_at) for d in found.decisions] == [
        ("visual_inspection", "該当", "カメラ", "山田", found.info.modified_at),
        ("onsite_audit", "非該当", "", "佐藤", "2026-07-01")]
    assert found.undecided == 2 and found.info.modified_by == "山田"


def test_store_schema_version_is_checked(tmp_path: Path) -> None:
    path = tmp_path / "review.sqlite"
    ReviewStore(path, create=True).close()
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA user_version = 7")
    with pytest.raises(ReadError, match="schema version 7, this analogscan reads version 1"):
        ReviewStore(path)
    with pytest.raises(ReadError, match="no such review store"):
        ReviewStore(tmp_path / "missing.sqlite")
    result = CliRunner().invoke(main, ["scan", "x.txt", "--review", str(tmp_path / "missing.sqlite")])
    assert result.exit_code == 2 and "missing.sqlite: no such review store" in result.stderr


def test_changed_unit_found_by_caption_when_renumbered_and_reworded(tmp_path: Path) -> None:
    path = sheet(tmp_path, {2: ("該当", "ドローン"), 4: ("非該当", "")})
    with ReviewStore(tmp_path / "r.sqlite", create=True) as db:
        found = read_workbook(path)
        db.add_import(found.info, found.decisions)
        new = [rec("第8条第1項", "visual_inspection", T1.replace("職員", "職員又は委託を受けた者"), "（立入調査）"),
               rec("第8条第1項", "onsite_audit", T1.replace("職員", "職員又は委託を受けた者"), "（立入調査）"),
               rec("第10条", "document_posting", T2, "（公示）"), rec("第9条", "document_posting", "別の条文", "（公示）")]
        counts: Counter[str] = Counter()
        reviewed = [f.to_record() for f in apply_review(map(Finding.from_record, new), db, counts=counts)]
        out = [(r["citation"], r["type"], r["review"]) for r in reviewed]
    assert [(c, t, rv["status"], rv.get("citation")) for c, t, rv in out] == [
        ("第8条第1項", "visual_inspection", "changed", "第7条第1項"),   # same 見出し, text reworded
        ("第8条第1項", "onsite_audit", "new", None),                    # never decided
        ("第9条", "document_posting", "new", None)]                    # old 第9条's text moved to 第10条 (hidden)
    assert counts == {"changed": 1, "new": 2, "hidden": 1}


def test_label_export_format(tmp_path: Path) -> None:
    path = sheet(tmp_path, {2: ("該当", "ドローン"), 3: ("非該当", ""), 4: ("要確認", ""), 5: ("非該当", "")})
    store = tmp_path / "r.sqlite"
    runner = CliRunner()
    assert runner.invoke(main, ["review", "import", str(path), "--store", str(store)]).exit_code == 0
    out = tmp_path / "labels.jsonl"
    result = runner.invoke(main, ["review", "export", "--labels", str(out), "--store", str(store)])
    assert result.exit_code == 0
    assert result.stderr == f"{out}: 2 units (1 with a type), 1 units with 要確認 left out\n"
    lines = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    h1, h3 = unit_text_hash(T1), unit_text_hash(T3, "次に掲げる措置")
    when = openpyxl.load_workbook(path).properties.modified.isoformat()
    assert lines[0] == {
        "id": f"mihon:第12条第2号#{h3}", "source": "mihon.html", "body": "見本市", "title": "見本市空家条例",
        "citation": "第12条第2号", "text": T3, "context": "次に掲げる措置", "labels": [],
        "digital_alternative": False, "note": f"review: resident_staff 非該当（山田、{when}）",
        "caption": "", "origin": "analogscan review export"}
    assert (lines[1]["id"], lines[1]["labels"], lines[1]["caption"]) == (
        f"mihon:第7条第1項#{h1}", ["visual_inspection"], "（立入調査）")
    assert lines[1]["note"] == (f"review: visual_inspection 該当（山田、{when}） 見直し方針: ドローン; "
                                f"review: onsite_audit 非該当（山田、{when}）")
    units = read_labels([out])
    assert [(u.id, u.labels, u.group, u.context) for u in units] == [
        (f"mihon:第12条第2号#{h3}", [], "見本市", "次に掲げる措置"),
        (f"mihon:第7条第1項#{h1}", ["visual_inspection"], "見本市", "")]


def test_untyped_findings_import_and_export(tmp_path: Path) -> None:
    t4, t5 = "前項の帳簿は、事務所に備え付けるものとする。", "講習の実施回数は、次のとおりとする。"
    untyped = [{**rec("第3条", "unspecified", t4), "candidate_types": ["onsite_audit"]},
               {**rec("第4条", "unspecified", t5), "candidate_types": ["in_person_training"]}]
    path = tmp_path / "sheet.xlsx"
    write_xlsx(untyped, path)
    wb = openpyxl.load_workbook(path)
    assert wb["点検シート"].max_row == 1  # the untyped findings have their own review list
    ws = wb["種別要確認"]
    col = {c.value: c.column for c in ws[1]}
    assert ws.cell(2, col["類型"]).value == "種別要確認（候補: 実地監査）"
    assert ws.cell(2, col["候補類型"]).value == "実地監査"
    ws.cell(2, col["判定"], "非該当")
    ws.cell(3, col["判定"], "該当")
    wb.save(path)
    store, out = tmp_path / "r.sqlite", tmp_path / "labels.jsonl"
    runner = CliRunner()
    assert runner.invoke(main, ["review", "import", str(path), "--store", str(store)]).exit_code == 0
    result = runner.invoke(main, ["review", "export", "--labels", str(out), "--store", str(store)])
    assert result.stderr == (f"{out}: 1 units (0 with a type), 0 units with 要確認 left out, "
                             "1 種別要確認 units judged 該当 without a type left out\n")
    # 非該当 on a 種別要確認 finding: the unit is no analog regulation of any type
    assert [(u.text, u.labels) for u in read_labels([out])] == [(t4, [])]


def test_deleted_hash_column_is_rebuilt_from_text_and_checked_against_the_id(tmp_path: Path) -> None:
    def drop_hash(ws, col):
        ws.cell(3, col["条文"], T1 + "（追記）")  # 条文 edited: its id no longer fits
        ws.delete_cols(col["本文ハッシュ"])
    path = sheet(tmp_path, {2: ("該当", ""), 3: ("非該当", ""), 5: ("要確認", "")}, drop_hash)
    with pytest.raises(WorkbookErrors) as err:
        read_workbook(path)
    fid = record_identity(RECORDS[1])[2]
    assert err.value.lines == [(f"{path}: 点検シート row 3: finding_id {fid} does not match the row's "
                               "自治体/例規名/本文ハッシュ/類型ID (were those cells edited?)")]
    path = sheet(tmp_path, {2: ("該当", ""), 5: ("要確認", "")}, lambda ws, col: ws.delete_cols(col["本文ハッシュ"]))
    assert [(d.finding_id, d.text_hash) for d in read_workbook(path).decisions] == [
        record_identity(RECORDS[0])[2:0:-1], record_identity(RECORDS[3])[2:0:-1]]


def test_import_goes_on_past_an_unreadable_workbook(tmp_path: Path) -> None:
    good = sheet(tmp_path, {2: ("該当", "")})
    store = tmp_path / "r.sqlite"
    runner = CliRunner()
    result = runner.invoke(main, ["review", "import", str(tmp_path / "gone.xlsx"), "--store", str(store)])
    assert result.exit_code == 2 and not store.exists()  # nothing read: no store made
    assert result.stderr == f"analogscan: error: {tmp_path / 'gone.xlsx'}: cannot read the workbook: No such file or directory\n"
    result = runner.invoke(main, ["review", "import", str(tmp_path / "gone.xlsx"), str(good), "--store", str(store)])
    assert result.exit_code == 1
    assert result.stderr.splitlines()[1] == f"{good}: 1 decisions imported into {store} (山田, " \
        f"{openpyxl.load_workbook(good).properties.modified.isoformat()}); 3 rows without 判定 skipped"
    with ReviewStore(store) as db:
        assert [(d.citation, d.type, d.verdict) for d in db.decisions()] == [("第7条第1項", "visual_inspection", "該当")]


def test_a_unit_changed_twice_is_compared_with_its_latest_decision(tmp_path: Path) -> None:
    with ReviewStore(tmp_path / "r.sqlite", create=True) as db:
        for text, verdict in ((T1, "該当"), (T1 + "（改）", "非該当")):
            r = rec("第7条第1項", "visual_inspection", text, "（立入調査）")
            write_xlsx([r], tmp_path / "s.xlsx")
            wb = openpyxl.load_workbook(tmp_path / "s.xlsx")
            ws = wb["点検シート"]
            ws.cell(2, [c.value for c in ws[1]].index("判定") + 1, verdict)
            wb.save(tmp_path / "s.xlsx")
            found = read_workbook(tmp_path / "s.xlsx")
            db.add_import(found.info, found.decisions)
        third = rec("第7条第1項", "visual_inspection", T1 + "（再改）", "（立入調査）")
        [out] = [f.to_record() for f in apply_review([Finding.from_record(third)], db)]
    assert (out["review"]["status"], out["review"]["verdict"]) == ("changed", "非該当")


def test_carried_policy_that_looks_like_a_formula_stays_text(tmp_path: Path) -> None:
    carried = {**RECORDS[0], "review": {"status": "carried", "verdict": "該当", "policy": "=HYPERLINK(\"x\")"}}
    path = tmp_path / "carried.xlsx"
    write_xlsx([carried], path)
    ws = openpyxl.load_workbook(path)["点検シート"]
    col = {c.value: c.column for c in ws[1]}
    cell = ws.cell(2, col["見直し方針"])
    assert (cell.value, cell.data_type, cell.quotePrefix) == ("=HYPERLINK(\"x\")", "s", True)
    assert ws.cell(2, col["判定"]).value == "該当"

"""Issue 8 end to end: scan → 点検シート → decisions typed in with openpyxl → import → rescan of an
amended rule book (one article renumbered, one changed) → carried, hidden and re-review findings."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from sample_pages import ETSURAN, page_text

from analogscan.cli import main
from analogscan.detect.metrics import read_labels
from analogscan.review.store import ReviewStore

TITLE_065 = "選挙人名簿の抄本の閲覧等に関する規程"
OLD_3 = "第3条 選挙人名簿の抄本の閲覧は、久米南町選挙管理委員会(以下「委員会」という。)が指定する場所においてしなければならない。"
NEW_3 = "第3条 選挙人名簿の抄本の閲覧は、久米南町選挙管理委員会(以下「委員会」という。)が指定する場所において、係員の立会いの下にしなければならない。"
NEW_6 = "(閲覧の記録)\n\n第6条 委員会は、閲覧者の氏名及び閲覧の日時を記録した閲覧簿を事務室に備え置き、閲覧に供しなければならない。\n\n"


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stderr


def amend(text: str) -> str:
    """Next year's rule book: 第3条 reworded, a new 第6条 inserted, the old 第6条 now 第7条 (same text)."""
    assert OLD_3 in text and "第6条 選挙人名簿の閲覧" in text
    text = text.replace(OLD_3, NEW_3)
    i = text.index("(閲覧の制限)")
    return text[:i] + NEW_6 + text[i:].replace("第6条 選挙人名簿の閲覧", "第7条 選挙人名簿の閲覧")


def header_index(ws) -> dict[str, int]:
    return {c.value: c.column for c in ws[1] if c.value}


def decide_in_excel(path: Path) -> None:
    """What a member of staff does: 判定 and 見直し方針 typed in, a memo column inserted at the front, a
    column hidden, a 担当 column added, a hand-made row and a note row added at the bottom; saved."""
    wb = openpyxl.load_workbook(path)
    ws = wb["点検シート"]
    ws.insert_cols(1)
    ws.cell(1, 1, "メモ")
    col = header_index(ws)
    ws.column_dimensions[openpyxl.utils.get_column_letter(col["見出し"])].hidden = True
    tanto = ws.max_column + 1
    ws.cell(1, tanto, "担当")
    decisions = {
        ("第3条", "visit_viewing"): ("該当", "閲覧場所をオンライン閲覧に広げる"),
        ("第4条", "visit_viewing"): ("非該当", ""),
        ("第5条第1項", "visit_viewing"): ("要確認", "持出し禁止の扱いを法務と確認"),
        ("第6条", "visit_viewing"): ("該当", "閲覧制限の基準を見直す"),
        ("第4条第1号", "visual_inspection"): ("該当", "ドローン点検を検討"),
        ("第4条第1号", "periodic_inspection"): ("非該当", ""),
    }
    for r in range(2, ws.max_row + 1):
        key = (ws.cell(r, col["条項"]).value, ws.cell(r, col["類型ID"]).value)
        if key in decisions:
            verdict, policy = decisions.pop(key)
            ws.cell(r, col["判定"], verdict)
            ws.cell(r, col["見直し方針"], policy or None)
            ws.cell(r, 1, "確認済")
            if key[0] == "第3条":
                ws.cell(r, tanto, "佐藤")
    assert not decisions, decisions
    added = ws.max_row + 1  # a finding the tool missed, added by hand
    for name, value in (("自治体", ""), ("例規名", TITLE_065), ("条項", "第2条"), ("類型", "往訪閲覧・縦覧"),
                        ("条文", "選挙人名簿の抄本の閲覧の申出は、所定の申出書により行わなければならない。"),
                        ("判定", "非該当"), ("見直し方針", "申出書は電子申請可")):
        ws.cell(added, col[name], value)
    ws.cell(added + 2, 1, "※ 令和8年度点検分")
    wb.properties.lastModifiedBy = "山田"
    wb.save(path)  # openpyxl stamps properties.modified with the time of saving, as Excel does


def saved_at(path: Path) -> str:
    return openpyxl.load_workbook(path).properties.modified.isoformat()


@pytest.fixture()
def rule_books(tmp_path: Path) -> tuple[Path, Path]:
    # two pages of the bundled sample as plain text copied from a 例規集 page
    chosei, etsuran = page_text("坂東市沓掛工業団地調整池管理規程"), page_text(ETSURAN)
    this_year, next_year = tmp_path / "r7", tmp_path / "r8"
    for d in (this_year, next_year):
        d.mkdir()
        (d / "chosei.txt").write_text(chosei, encoding="utf-8")
    (this_year / "etsuran.txt").write_text(etsuran, encoding="utf-8")
    (next_year / "etsuran.txt").write_text(amend(etsuran), encoding="utf-8")
    return this_year, next_year


def test_round_trip(tmp_path: Path, rule_books: tuple[Path, Path]) -> None:
    this_year, next_year = rule_books
    sheet, store = tmp_path / "r7.xlsx", tmp_path / "review.sqlite"
    assert run("scan", str(this_year), "-o", str(sheet))[0] == 0
    decide_in_excel(sheet)
    code, err = run("review", "import", str(sheet), "--store", str(store))
    assert code == 0, err
    when = saved_at(sheet)
    assert "7 decisions imported" in err and f"(山田, {when})" in err

    with ReviewStore(store) as db:
        stored = {(d.citation, d.type): (d.verdict, d.policy, d.reviewer, d.decided_at) for d in db.decisions()}
        [imp] = db.imports()
    assert stored == {
        ("第3条", "visit_viewing"): ("該当", "閲覧場所をオンライン閲覧に広げる", "佐藤", when),
        ("第4条", "visit_viewing"): ("非該当", "", "山田", when),
        ("第5条第1項", "visit_viewing"): ("要確認", "持出し禁止の扱いを法務と確認", "山田", when),
        ("第6条", "visit_viewing"): ("該当", "閲覧制限の基準を見直す", "山田", when),
        ("第2条", "visit_viewing"): ("非該当", "申出書は電子申請可", "山田", when),
        ("第4条第1号", "visual_inspection"): ("該当", "ドローン点検を検討", "山田", when),
        ("第4条第1号", "periodic_inspection"): ("非該当", "", "山田", when),
    }
    assert (imp.source, imp.modified_by, imp.decisions) == (str(sheet), "山田", 7) and len(imp.sha256) == 64

    out = tmp_path / "r8.jsonl"
    code, err = run("scan", str(next_year), "--review", str(store), "-o", str(out))
    assert code == 0, err
    assert "review: 3 carried, 2 hidden (非該当 before), 1 changed since the decision (再確認 要), 4 new" in err
    got = [(r["citation"], r["type"], r["review"]["status"], r["review"].get("verdict"), r["review"].get("citation"))
           for r in map(json.loads, out.read_text(encoding="utf-8").splitlines())]
    assert sorted(got, key=str) == sorted([  # (the report order is by 確信度)
        ("第4条第1号", "visual_inspection", "carried", "該当", "第4条第1号"),
        ("第4条第2号", "visual_inspection", "new", None, None),
        ("第4条第2号", "periodic_inspection", "new", None, None),
        ("第5条第2号", "unspecified", "new", None, None),          # 種別要確認: the record of each 点検
        ("第3条", "visit_viewing", "changed", "該当", "第3条"),
        ("第5条第1項", "visit_viewing", "carried", "要確認", "第5条第1項"),
        ("第6条", "visit_viewing", "new", None, None),            # the inserted article: not the old 第6条
        ("第7条", "visit_viewing", "carried", "該当", "第6条"),    # renumbered, text unchanged
    ], key=str)

    shown = tmp_path / "r8-all.jsonl"
    code, err = run("scan", str(next_year), "--review", str(store), "--show-dismissed", "-o", str(shown))
    assert code == 0 and "review: 5 carried, 0 hidden" in err
    dismissed = sorted((r["citation"], r["type"]) for r in map(json.loads, shown.read_text(encoding="utf-8").splitlines())
                       if r["review"].get("verdict") == "非該当")
    assert dismissed == [("第4条", "visit_viewing"), ("第4条第1号", "periodic_inspection")]

    # next year's sheet: carried decisions pre-filled, the changed one blank with 前回判定 and 再確認 要
    sheet8 = tmp_path / "r8.xlsx"
    assert run("scan", str(next_year), "--review", str(store), "-o", str(sheet8))[0] == 0
    ws = openpyxl.load_workbook(sheet8)["点検シート"]
    col = header_index(ws)
    rows = {(ws.cell(r, col["条項"]).value, ws.cell(r, col["類型ID"]).value):
            tuple(ws.cell(r, col[n]).value or None for n in ("判定", "見直し方針", "前回判定", "前回見直し方針", "再確認"))
            for r in range(2, ws.max_row + 1)}
    assert rows[("第7条", "visit_viewing")] == ("該当", "閲覧制限の基準を見直す", "該当", "閲覧制限の基準を見直す", None)
    assert rows[("第3条", "visit_viewing")] == (None, None, "該当", "閲覧場所をオンライン閲覧に広げる", "要")
    assert rows[("第6条", "visit_viewing")] == (None, None, None, None, "新規")
    assert rows[("第5条第1項", "visit_viewing")][0] == "要確認" and len(rows) == 7  # the 種別要確認 row has its own sheet

    # importing next year's sheet untouched keeps who decided and when; 第7条 is where the decision now stands
    code, err = run("review", "import", str(sheet8), "--store", str(store))
    assert code == 0 and "3 decisions imported" in err
    with ReviewStore(store) as db:
        moved = [(d.citation, d.reviewer, d.decided_at) for d in db.decisions() if d.policy == "閲覧制限の基準を見直す"]
    assert moved == [("第7条", "山田", when)]

    labels = tmp_path / "decisions.jsonl"
    code, err = run("review", "export", "--labels", str(labels), "--store", str(store))
    assert code == 0 and "5 units (3 with a type), 1 units with 要確認 left out" in err
    units = read_labels([labels])
    assert sorted((u.raw["citation"], tuple(u.labels)) for u in units) == [
        ("第2条", ()), ("第3条", ("visit_viewing",)), ("第4条", ()), ("第4条第1号", ("visual_inspection",)),
        ("第7条", ("visit_viewing",))]


def test_scan_review_outputs_every_format(tmp_path: Path, rule_books: tuple[Path, Path]) -> None:
    this_year, next_year = rule_books
    sheet, store = tmp_path / "r7.xlsx", tmp_path / "review.sqlite"
    assert run("scan", str(this_year), "-o", str(sheet))[0] == 0
    decide_in_excel(sheet)
    assert run("review", "import", str(sheet), "--store", str(store))[0] == 0
    csv_path, html_path = tmp_path / "r8.csv", tmp_path / "r8.html"
    for path in (csv_path, html_path):
        assert run("scan", str(next_year), "--review", str(store), "-o", str(path))[0] == 0
    rows = {(r["条項"], r["類型ID"]): r for r in csv.DictReader(csv_path.open(encoding="utf-8-sig"))}
    assert len(rows) == 8
    r3, r7 = rows[("第3条", "visit_viewing")], rows[("第7条", "visit_viewing")]
    assert (r3["判定"], r3["前回判定"], r3["前回見直し方針"], r3["再確認"]) == ("", "該当", "閲覧場所をオンライン閲覧に広げる", "要")
    assert (r7["判定"], r7["見直し方針"], r7["再確認"]) == ("該当", "閲覧制限の基準を見直す", "")
    assert rows[("第6条", "visit_viewing")]["再確認"] == "新規"
    page = html_path.read_text(encoding="utf-8")
    assert page.count('<span class="badge recheck">再確認 要</span>') == 1
    assert page.count('<span class="badge recheck">再確認 新規</span>') == 4
    assert page.count('<span class="badge prev">前回判定 該当</span>') == 3
    assert "前回見直し方針：閲覧制限の基準を見直す" in page

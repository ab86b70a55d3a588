"""`analogscan batch` over a test prefecture built from ../shared/corpus: outputs, counts, cache."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from outputs import undated
from prefecture import build_prefecture

from analogscan.batch.cache import CACHE_NAME, ResultCache
from analogscan.batch.compare import group_provisions
from analogscan.cli import main

EXPECTED = {  # (municipality, type) → findings, read from a run and checked against the pages
    # 入間東部's 防火管理講習規程 only defines its courses (講習の区分: none by the guide), so no finding there;
    # 小美玉市's exemption from one subject for holders of other courses (第3条第2項 and its 号) makes nobody attend
    # anything (none since the labels' QA5): only its first 号 is left to review
    ("久米南町", "visit_viewing"): 4, ("新庄村", "visit_viewing"): 3, ("牟岐町", "document_posting"): 1,
    ("留萌市", "visual_inspection"): 2, ("留萌市", "document_posting"): 1, ("北広島市", "document_posting"): 1,
    ("久慈市", "resident_staff"): 1, ("高島市", "resident_staff"): 1,
    # 種別要確認 (a separate review list): 小美玉市's 「消防設備点検資格者講習の課程を修了し…」, the 5-day notice before
    # a 立入, 「管理人は、次に掲げる業務を行う」, the yearly 閲覧状況 publication
    ("小美玉市", "unspecified"): 1, ("留萌市", "unspecified"): 1, ("高島市", "unspecified"): 1, ("新庄村", "unspecified"): 1,
}
MUNICIPALITIES = ["かつらぎ町", "久慈市", "久米南町", "入間東部地区消防組合", "北広島市", "小美玉市", "新庄村",
                  "牟岐町", "留萌市", "高島市"]
FILES = 16


def run_batch(root: Path, out: Path, *extra: str):
    return CliRunner().invoke(main, ["batch", str(root), "-o", str(out), "--jobs", "1", *extra])


def findings(out: Path) -> list[dict]:
    return [json.loads(line) for line in (out / "findings.jsonl").read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def prefecture(shared: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_prefecture(shared, tmp_path_factory.mktemp("pref") / "root")


@pytest.fixture(scope="module")
def first_run(prefecture: Path, tmp_path_factory: pytest.TempPathFactory):
    out = tmp_path_factory.mktemp("batch") / "out"
    return out, run_batch(prefecture, out)


def test_batch_writes_three_outputs_and_reports_the_broken_file(first_run) -> None:
    out, result = first_run
    assert result.exit_code == 1, result.output  # one unreadable file, the rest processed
    errors = [line for line in result.stderr.splitlines() if line.startswith("analogscan: error:")]
    assert len(errors) == 1 and "牟岐町/broken.html: unknown format" in errors[0]
    assert "10 municipalities, 18 findings, 3 groups; files scanned 16, reused from cache 0" in result.stderr
    assert {p.name for p in out.iterdir()} >= {"findings.jsonl", "batch.xlsx", "dashboard.html", CACHE_NAME}
    recs = findings(out)
    assert Counter((r["municipality"], r["type"]) for r in recs) == EXPECTED
    # records are the scan's records plus the municipality: typed by 確信度, then the 種別要確認 one
    scores = [r["score"] for r in recs if r["type"] != "unspecified"]
    assert scores == sorted(scores, reverse=True) and recs[-1]["type"] == "unspecified"
    kume = [r for r in recs if r["municipality"] == "久米南町"]
    assert kume[0]["source"].endswith("m277RG00000069.html") and sorted(r["citation"] for r in kume) == [
        "第3条", "第4条", "第5条第1項", "第6条"]
    assert all(r["provenance"]["inputs"] == recs[0]["provenance"]["inputs"] > 0 for r in recs)
    assert (out / "errors.txt").read_text(encoding="utf-8").count("broken.html: unknown format") == 1
    rumoi = [(r["citation"], r["type"]) for r in recs if r["municipality"] == "留萌市"]
    assert len(rumoi) == 4 and all(r["format"] == "d1law" for r in recs if r["municipality"] == "留萌市")


def test_workbook_counts_equal_findings(first_run) -> None:
    out, _ = first_run
    recs = findings(out)
    wb = openpyxl.load_workbook(out / "batch.xlsx", data_only=True)
    assert wb.sheetnames == ["概要", "点検シート", "種別要確認", "集計", "技術", "横並び比較", "読めなかったファイル",
                             "凡例・出典", "情報"]
    unread = list(wb["読めなかったファイル"].iter_rows(values_only=True))
    assert len(unread) == 2 and unread[1][0] == "牟岐町" and "broken.html: unknown format" in unread[1][1]
    ws = wb["概要"]
    rows = list(ws.iter_rows(values_only=True))
    head = rows[0]
    assert head[:2] == ("自治体", "目視") and head[9] == "種別要確認" and head[10:] == ("合計", "うち電子的代替あり", "例規数", "ファイル数",
                                                    "読めなかったファイル")
    by_label = dict(zip(head[1:10], ["visual_inspection", "onsite_audit", "periodic_inspection", "resident_staff",
                                     "in_person_training", "document_posting", "visit_viewing", "recording_media",
                                     "unspecified"]))
    matrix = {(row[0], by_label[head[c]]): row[c] for row in rows[1:-1] for c in range(1, 10) if row[c]}
    assert matrix == Counter((r["municipality"], r["type"]) for r in recs)
    assert [row[0] for row in rows[1:-1]] == MUNICIPALITIES
    total = rows[-1]
    assert total[9] == 4  # four 種別要確認 findings
    assert total[0] == "合計" and total[10] == len(recs) == 18 and total[13] == FILES and total[14] == 1
    sheet = wb["点検シート"]
    assert sheet.max_row == 14 + 1 and wb["種別要確認"].max_row == 4 + 1  # 14 typed, 4 種別要確認, under their headers
    cols = [c.value for c in sheet[1]]
    assert cols[0] == "自治体" and "判定" in cols and "見直し方針" in cols
    assert Counter(ws.cell(r, 1).value for ws in (sheet, wb["種別要確認"]) for r in range(2, ws.max_row + 1)) == Counter(
        r["municipality"] for r in recs)
    comparison = list(wb["横並び比較"].iter_rows(values_only=True))
    assert comparison[0][:5] == ("グループ", "類型", "自治体数", "電子的代替のある自治体（モデル）", "自治体")
    assert [(r[0], r[1], r[4], r[6]) for r in comparison[1:]] == [
        (1, "常駐・専任", "久慈市", "第2"), (1, "常駐・専任", "高島市", "第2条第1項"),
        (2, "往訪閲覧・縦覧", "久米南町", "第5条第1項"), (2, "往訪閲覧・縦覧", "新庄村", "第4条第1項"),
        (3, "往訪閲覧・縦覧", "久米南町", "第6条"), (3, "往訪閲覧・縦覧", "新庄村", "第5条"),
    ]
    assert {r[3] for r in comparison[1:]} == {"なし"}  # no town here allows an electronic means yet


def test_overview_has_a_native_chart(first_run) -> None:
    import zipfile

    out, _ = first_run
    with zipfile.ZipFile(out / "batch.xlsx") as zf:
        charts = [n for n in zf.namelist() if n.startswith("xl/charts/chart")]
        xml = zf.read(charts[0]).decode("utf-8")
    assert len(charts) == 2 and '<c:grouping val="stacked"/>' in xml and xml.count("<c:ser>") == 9  # eight types and 種別要確認


def test_second_run_reuses_the_cache_and_rescans_only_changed_files(first_run, prefecture: Path,
                                                                   tmp_path: Path) -> None:
    _out, _ = first_run
    root = tmp_path / "root"
    shutil.copytree(prefecture, root)
    work = tmp_path / "out"
    first = run_batch(root, work)
    before = undated(work / "findings.jsonl")
    again = run_batch(root, work)
    assert "files scanned 0, reused from cache 16" in again.stderr
    assert again.exit_code == 1 and again.stderr.count("broken.html: unknown format") == 1  # still reported
    assert undated(work / "findings.jsonl") == before
    assert first.exit_code == 1
    # change one file, remove another: only the changed one is scanned, the removed one is forgotten
    page = root / "高島市" / "01.txt"
    page.write_text(page.read_text(encoding="utf-8").replace("市長が委嘱する", "市長が任命する"), encoding="utf-8")
    (root / "久慈市" / "01.txt").unlink()
    third = run_batch(root, work)
    assert "files scanned 1, reused from cache 14" in third.stderr, third.stderr
    recs = findings(work)
    assert Counter(r["municipality"] for r in recs)["久慈市"] == 0 and len(recs) == 17
    with ResultCache(work / CACHE_NAME) as cache:
        assert cache.count() == 15


def test_manifest_csv_root(prefecture: Path, first_run, tmp_path: Path) -> None:
    out, _ = first_run
    manifest = tmp_path / "manifest.csv"
    manifest.write_text("municipality,path\n"
                        f"新庄村,{prefecture / '新庄村'}\n"
                        f"久米南町,{prefecture / '久米南町.zip'}\n", encoding="utf-8")
    result = run_batch(manifest, tmp_path / "out")
    assert result.exit_code == 0, result.output
    got = findings(tmp_path / "out")
    want = [r for r in findings(out) if r["municipality"] in ("新庄村", "久米南町")]
    assert len(got) == 8
    strip = ("source", "provenance")  # a manifest folder path is not the folder's own name; another run
    key = lambda r: (r["municipality"], r["unit_id"], r["type"])
    assert sorted(({k: v for k, v in r.items() if k not in strip} for r in got), key=key) == sorted(
        ({k: v for k, v in r.items() if k not in strip} for r in want), key=key)
    bad = tmp_path / "bad.csv"
    bad.write_text("name,file\nx,y\n", encoding="utf-8")
    result = run_batch(bad, tmp_path / "out2")
    assert result.exit_code == 2 and "the manifest needs the columns municipality, path" in result.stderr


def test_a_municipality_with_nothing_readable_is_reported_and_others_go_on(tmp_path: Path, prefecture: Path) -> None:
    root = tmp_path / "root"
    shutil.copytree(prefecture / "新庄村", root / "新庄村")
    (root / "壊れ町.zip").write_bytes(b"PK\x03\x04 not really a zip")
    result = run_batch(root, tmp_path / "out")
    assert result.exit_code == 1
    lines = [x for x in result.stderr.splitlines() if x.startswith("analogscan: error:")]
    assert len(lines) == 2 and "壊れ町.zip: broken zip archive" in lines[0]
    assert lines[1] == "analogscan: error: 壊れ町: no file of this municipality could be read"
    assert Counter(r["municipality"] for r in findings(tmp_path / "out")) == {"新庄村": 4}


def _rec(muni: str, text: str, digital: bool, type_id: str = "document_posting", unit: str = "u1") -> dict:
    return {"municipality": muni, "body": muni, "source": f"{muni}.txt", "unit_id": unit, "type": type_id,
            "text": text, "digital_alternative": digital}


DIGITAL_TEXT = ("条例の公布は、丙市役所前の掲示場に掲示してこれを行う。ただし、市のホームページへの掲載をもって"
                "代えることができる。")


def test_groups_fold_town_names_and_name_the_models() -> None:
    recs = [
        _rec("甲町", "条例の公布は、甲町役場前の掲示場に掲示してこれを行う。", False),
        _rec("乙村", "条例の公布は、乙村役場前の掲示場に掲示してこれを行う。", False),
        _rec("丙市", DIGITAL_TEXT, True),
        _rec("丙市", DIGITAL_TEXT, True, "visit_viewing"),
        _rec("丁町", "町長は、職員に空家等に立ち入って調査をさせることができる。", False, "visual_inspection"),
    ]
    groups = group_provisions(recs, threshold=0.6)
    assert len(groups) == 1
    g = groups[0]
    assert g.municipalities == ["丙市", "乙村", "甲町"] and g.digital_municipalities == ["丙市"]
    assert g.types == ["document_posting", "visit_viewing"] and len(g.members) == 3
    assert group_provisions(recs, threshold=0.99)[0].municipalities == ["乙村", "甲町"]


def test_a_cache_of_another_schema_is_emptied_not_misread(tmp_path: Path) -> None:
    import sqlite3

    path = tmp_path / CACHE_NAME
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE files (municipality TEXT, key TEXT, findings TEXT)")
        db.execute("INSERT INTO files VALUES ('甲町', 'a.txt', '[]')")
    with ResultCache(path) as cache:
        assert cache.count() == 0 and cache.load("甲町", "a.txt") is None


def test_manifest_rows_with_the_same_file_name_stay_apart(tmp_path: Path) -> None:
    from analogscan.batch.roots import discover

    for town in ("a", "b"):
        (tmp_path / town).mkdir()
        (tmp_path / town / "reiki.txt").write_text("第1条 掲示場に掲示する。\n", encoding="utf-8")
    manifest = tmp_path / "m.csv"
    manifest.write_text("municipality,path\n甲町,a/reiki.txt\n甲町,b/reiki.txt\n乙村,missing\n", encoding="utf-8")
    kou, otsu = sorted(discover(manifest), key=lambda m: m.name != "甲町")
    assert [f.key for f in kou.files] == ["reiki.txt", str(tmp_path / "b" / "reiki.txt")]
    assert otsu.files == [] and otsu.problems == [f"{tmp_path / 'missing'}: no such file or directory"]


def test_batch_review_round_trip(prefecture: Path, tmp_path: Path) -> None:
    """Decisions made in the batch 点検シート come back in the next batch run (batch --review)."""
    out = tmp_path / "out"
    assert run_batch(prefecture, out).exit_code == 1
    book = out / "batch.xlsx"
    wb = openpyxl.load_workbook(book)
    ws = wb["点検シート"]
    col = {c.value: c.column for c in ws[1]}
    rows = {(ws.cell(r, col["自治体"]).value, ws.cell(r, col["条項"]).value, ws.cell(r, col["類型ID"]).value): r
            for r in range(2, ws.max_row + 1)}
    ws.cell(rows[("新庄村", "第3条", "visit_viewing")], col["判定"], "該当")
    ws.cell(rows[("新庄村", "第3条", "visit_viewing")], col["見直し方針"], "オンライン閲覧")
    ws.cell(rows[("久慈市", "第2", "resident_staff")], col["判定"], "非該当")
    wb.save(book)
    store = tmp_path / "review.sqlite"
    imported = CliRunner().invoke(main, ["review", "import", str(book), "--store", str(store)])
    assert imported.exit_code == 0, imported.output

    again = run_batch(prefecture, out, "--review", str(store))
    assert again.exit_code == 1
    assert "review: 1 carried, 1 hidden (非該当 before), 0 changed since the decision (再確認 要), 16 new" in again.stderr
    recs = findings(out)
    assert len(recs) == 17 and not any(r["municipality"] == "久慈市" for r in recs)
    [carried] = [r for r in recs if r["review"]["status"] == "carried"]
    assert (carried["municipality"], carried["citation"], carried["review"]["policy"]) == ("新庄村", "第3条", "オンライン閲覧")
    overview = list(openpyxl.load_workbook(out / "batch.xlsx", data_only=True)["概要"].iter_rows(values_only=True))
    assert overview[-1][10] == 17  # the 概要 total counts what findings.jsonl holds

"""Issue 14: reports staff can act on, and staff work that is never lost."""

from __future__ import annotations

import csv
import io
import json
import re
import statistics
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from rich.console import Console

from analogscan.cli import main
from analogscan.report.order import split
from analogscan.report.table import print_table

URL = "https://www.city.example.lg.jp/reiki/reiki_honbun/a001.html"
PAGE = {
    "url": URL, "body": "見本市", "title": "見本市空家等対策条例", "kind": "条例",
    "text": ("○見本市空家等対策条例\n\n令和5年3月31日\n\n条例第10号\n\n(立入調査)\n\n"
             "第5条 市長は、必要があると認めるときは、職員に空家等に立ち入らせ、その状況を調査させることができる。\n\n"
             "(掲示)\n\n第6条 市長は、命令をしたときは、その旨を市役所前の掲示場に掲示しなければならない。\n\n"
             "(管理人)\n\n第7条 所有者は、管理人を常駐させなければならない。\n\n"
             "(帳簿)\n\n第8条 事業者は、帳簿を事務所に備え付け、市長の求めに応じて提示しなければならない。\n"),
}
HOSTILE = {**PAGE, "url": "javascript:alert(1)", "title": "見本市公告式条例"}


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stderr


@pytest.fixture
def book(tmp_path: Path) -> Path:
    path = tmp_path / "book" / "pages.jsonl"
    path.parent.mkdir()
    path.write_text("".join(json.dumps(p, ensure_ascii=False) + "\n" for p in (PAGE, HOSTILE)), encoding="utf-8")
    return path


def header(ws) -> dict[str, int]:
    return {c.value: c.column for c in ws[1]}


def test_rerun_over_an_edited_sheet_keeps_the_staff_decisions(book: Path, tmp_path: Path) -> None:
    sheet = tmp_path / "out" / "r7.xlsx"
    assert run("scan", str(book), "-o", str(sheet))[0] == 0
    wb = openpyxl.load_workbook(sheet)
    ws = wb["点検シート"]
    col = header(ws)
    ws.cell(2, col["判定"], "該当")
    ws.cell(2, col["見直し方針"], "ドローンで確認")
    ws.cell(2, col["担当"], "佐藤")
    decided = (ws.cell(2, col["finding_id"]).value, ws.cell(2, col["条文"]).value)
    wb.save(sheet)

    code, err = run("scan", str(book), "-o", str(sheet))
    assert code == 0, err
    store = sheet.with_name("review.sqlite")
    assert f"{sheet}: 1 staff decisions (判定/見直し方針) imported into {store} before replacing it" in err
    ws = openpyxl.load_workbook(sheet)["点検シート"]
    col = header(ws)
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, col["finding_id"]).value == decided[0])
    assert [ws.cell(row, col[n]).value for n in ("判定", "見直し方針", "担当", "条文")] == [
        "該当", "ドローンで確認", "佐藤", decided[1]]
    # and once more: nothing is lost on a third run either
    assert run("scan", str(book), "-o", str(sheet))[0] == 0
    ws = openpyxl.load_workbook(sheet)["点検シート"]
    assert [ws.cell(row, col["判定"]).value, ws.cell(row, col["担当"]).value] == ["該当", "佐藤"]


def test_a_sheet_whose_decisions_cannot_be_imported_is_not_replaced_without_force(book: Path, tmp_path: Path) -> None:
    sheet = tmp_path / "r7.xlsx"
    assert run("scan", str(book), "-o", str(sheet))[0] == 0
    wb = openpyxl.load_workbook(sheet)
    ws = wb["点検シート"]
    ws.cell(2, header(ws)["判定"], "たぶん")  # not a 判定
    wb.save(sheet)
    before = sheet.read_bytes()
    code, err = run("scan", str(book), "-o", str(sheet))
    assert code == 2 and len(err.splitlines()) == 1
    assert err.startswith(f"analogscan: error: {sheet}: holds staff 判定 that cannot be imported (") and "--force" in err
    assert sheet.read_bytes() == before
    code, err = run("scan", str(book), "-o", str(sheet), "--force")
    assert code == 0 and sheet.read_bytes() != before


def test_batch_rerun_keeps_the_decisions_of_its_workbook(book: Path, tmp_path: Path) -> None:
    root = tmp_path / "root" / "見本市"
    root.mkdir(parents=True)
    (root / "pages.jsonl").write_bytes(book.read_bytes())
    out = tmp_path / "out"
    assert run("batch", str(root.parent), "-o", str(out), "-j", "1")[0] == 0
    wb = openpyxl.load_workbook(out / "batch.xlsx")
    ws = wb["点検シート"]
    ws.cell(2, header(ws)["判定"], "非該当")
    fid = ws.cell(2, header(ws)["finding_id"]).value
    wb.save(out / "batch.xlsx")
    code, err = run("batch", str(root.parent), "-o", str(out), "-j", "1", "--show-dismissed")
    assert code == 0, err
    assert "1 staff decisions (判定/見直し方針) imported into" in err and (out / "review.sqlite").is_file()
    assert "作成条件　analogscan: 0.1.0　ルール: " in (out / "dashboard.html").read_text(encoding="utf-8")
    assert (out / "errors.txt").read_text(encoding="utf-8") == ""
    ws = openpyxl.load_workbook(out / "batch.xlsx")["点検シート"]
    col = header(ws)
    assert [ws.cell(r, col["判定"]).value for r in range(2, ws.max_row + 1)
            if ws.cell(r, col["finding_id"]).value == fid] == ["非該当"]


def test_batch_has_the_limit_and_jobs_options(tmp_path: Path, book: Path) -> None:
    help_text = CliRunner().invoke(main, ["batch", "--help"]).output
    assert "--max-file-mb" in help_text and "--max-unit-chars" in help_text and "-j, --jobs" in help_text
    root = tmp_path / "root" / "見本市"
    root.mkdir(parents=True)
    long = {**PAGE, "text": PAGE["text"] + "\n(長い条)\n\n第9条 " + "市長は、空家等の状況を調査する。" * 10 + "\n"}
    (root / "pages.jsonl").write_text(json.dumps(long, ensure_ascii=False) + "\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["batch", str(root.parent), "-o", str(tmp_path / "o"), "-j", "1",
                                       "--max-unit-chars", "100"])
    assert result.exit_code == 2, result.output  # the only file is refused: nothing read
    lines = [x for x in result.stderr.splitlines() if x.startswith("analogscan: error:")]
    assert any("--max-unit-chars" in x for x in lines)
    assert (tmp_path / "o" / "errors.txt").read_text(encoding="utf-8").splitlines()[0] == lines[0]


def test_errors_are_printed_above_a_live_progress_bar() -> None:
    from rich.progress import Progress

    from analogscan.console import _Tracked, echo_error

    out = io.StringIO()
    progress = Progress(console=Console(file=out, force_terminal=True, width=100), transient=True)
    with _Tracked(progress) as p:
        p.add_task("scanning", total=3)
        echo_error("a.html: unknown format")
    assert "analogscan: error: a.html: unknown format" in out.getvalue()


def test_progress_bar_shows_total_and_time_left() -> None:
    from rich.progress import MofNCompleteColumn, TimeRemainingColumn

    from analogscan.console import progress_bar

    columns = progress_bar(True).progress.columns
    assert any(isinstance(c, TimeRemainingColumn) for c in columns)
    assert any(isinstance(c, MofNCompleteColumn) for c in columns)


def test_scan_paths_reports_the_total_and_each_file(book: Path) -> None:
    from analogscan.detect.settings import DetectorSettings
    from analogscan.pipeline import scan_paths

    seen: list[int] = []
    done: list[int] = []
    list(scan_paths([book.parent], DetectorSettings(use_model=False), 1, on_total=seen.append,
                    on_file=lambda: done.append(1)))
    assert seen == [1] and done == [1]


def test_several_outputs_from_one_scan_each_with_provenance(book: Path, tmp_path: Path) -> None:
    outs = [tmp_path / f"a.{ext}" for ext in ("xlsx", "csv", "jsonl", "html")]
    code, err = run("scan", str(book), *[x for o in outs for x in ("-o", str(o))], "--types", "目視,書面掲示,常駐・専任")
    assert code == 0, err
    assert all(o.is_file() for o in outs)
    recs = [json.loads(line) for line in outs[2].read_text(encoding="utf-8").splitlines()]
    prov = recs[0]["provenance"]
    assert list(prov) == ["analogscan", "rules", "model", "sudachi_dictionary", "options", "date", "inputs"]
    assert prov["inputs"] == 2 and prov["options"]["types"] == ["visual_inspection", "document_posting",
                                                                 "resident_staff"]
    assert (prov["options"]["max_file_mb"], prov["options"]["max_unit_chars"], prov["options"]["review"]) == (
        32, 50000, None)
    assert re.fullmatch(r"sudachidict_core \d+\S*", prov["sudachi_dictionary"]) and len(prov["rules"]) == 12
    assert err.splitlines()[-1] == (f"wrote {outs[0]}, {outs[1]}, {outs[2]}, {outs[3]}: {len(recs)} findings + 0 "
                                    "種別要確認 from 2 documents")
    info = openpyxl.load_workbook(outs[0])["情報"]
    assert [info.cell(r, 1).value for r in range(2, 9)] == [
        "analogscan", "ルール", "モデル", "Sudachi 辞書", "オプション", "作成日時 (UTC)", "読み込んだ文書数"]
    assert info.cell(8, 2).value == "2" and info.cell(7, 2).value == prov["date"]
    rows = list(csv.reader(io.StringIO(outs[1].read_text(encoding="utf-8-sig"))))
    assert rows[0][-1] == "作成条件" and f"作成日時 (UTC): {prov['date']}" in rows[1][-1]
    page = outs[3].read_text(encoding="utf-8")
    assert f"作成日時 (UTC): {prov['date']}" in page and "読み込んだ文書数: 2" in page


def test_one_output_given_twice_or_format_with_several_is_a_usage_error(book: Path, tmp_path: Path) -> None:
    assert run("scan", str(book), "-o", str(tmp_path / "a.csv"), "-o", str(tmp_path / "a.csv"))[0] == 2
    assert run("scan", str(book), "--format", "csv", "-o", str(tmp_path / "a.csv"), "-o",
               str(tmp_path / "b.csv"))[0] == 2


def test_links_go_through_safe_link(book: Path, tmp_path: Path) -> None:
    sheet, page = tmp_path / "a.xlsx", tmp_path / "a.html"
    assert run("scan", str(book), "-o", str(sheet), "-o", str(page), "--no-model")[0] == 0
    wb = openpyxl.load_workbook(sheet)
    ws = wb["点検シート"]
    col = header(ws)
    links = {ws.cell(r, col["出典"]).value: ws.cell(r, col["出典"]).hyperlink for r in range(2, ws.max_row + 1)}
    assert links[URL].target == URL
    assert links["javascript:alert(1)"] is None  # not a link
    tech = [ws.cell(r, col["活用可能な技術"]) for r in range(2, ws.max_row + 1) if ws.cell(r, col["活用可能な技術"]).value]
    assert tech and all(c.hyperlink.location.startswith("'技術'!A") for c in tech)
    assert all(len(c.value) <= 150 for c in tech)
    html = page.read_text(encoding="utf-8")
    assert f'<a href="{URL}" rel="noopener noreferrer">' in html and 'href="javascript' not in html
    assert 'href="https://www.digital.go.jp/policies/technology-map"' in html


def test_japanese_type_names_everywhere(book: Path, tmp_path: Path) -> None:
    out = tmp_path / "a.jsonl"
    assert run("scan", str(book), "--types", "目視、常駐・専任規制", "-o", str(out))[0] == 0
    assert {json.loads(x)["type"] for x in out.read_text(encoding="utf-8").splitlines()} <= {
        "visual_inspection", "resident_staff", "unspecified"}
    code, err = run("scan", str(book), "--types", "目視,紙", "-o", str(out))
    assert code == 2 and "unknown type(s) 紙; choose from 目視 (visual_inspection)" in err
    help_text = CliRunner().invoke(main, ["scan", "--help"], terminal_width=200).output
    assert "目視 (visual_inspection)" in " ".join(help_text.split()) and "種別要確認 (unspecified)" in " ".join(
        help_text.split())
    by_label = CliRunner().invoke(main, ["techmap", "目視", "--json"])
    by_id = CliRunner().invoke(main, ["techmap", "visual_inspection", "--json"])
    assert by_label.exit_code == 0 and by_label.output == by_id.output


def test_types_untyped_alone_gives_only_the_review_list(repo: Path, tmp_path: Path) -> None:
    out = tmp_path / "u.jsonl"
    assert run("scan", str(repo / "corpora" / "samples"), "--types", "種別要確認", "-o", str(out))[0] == 0
    types = [json.loads(x)["type"] for x in out.read_text(encoding="utf-8").splitlines()]
    assert types and set(types) == {"unspecified"}


def test_techmap_json_without_type_is_the_whole_table() -> None:
    result = CliRunner().invoke(main, ["techmap", "--json"])
    table = json.loads(result.output)
    assert len(table["rows"]) == 33 and len(table["tech_types"]) == 43
    ids = {t["id"] for t in table["tech_types"]}
    assert all(set(r["tech_type_ids"]) <= ids for r in table["rows"])
    assert CliRunner().invoke(main, ["techmap"]).exit_code == 2


def test_compact_records_and_cells_on_the_sample(repo: Path, tmp_path: Path) -> None:
    out, sheet = tmp_path / "s.jsonl", tmp_path / "s.xlsx"
    assert run("scan", str(repo / "corpora" / "samples"), "-o", str(out), "-o", str(sheet))[0] == 0
    lines = out.read_bytes().splitlines()
    assert statistics.median(len(x) for x in lines) <= 4096
    ws = openpyxl.load_workbook(sheet)["点検シート"]
    col = header(ws)["活用可能な技術"]
    cells = [ws.cell(r, col).value or "" for r in range(2, ws.max_row + 1)]
    assert max(len(c) for c in cells) <= 150
    assert openpyxl.load_workbook(sheet)["技術"]["A1"].value == "パターン2 行"


def test_terminal_tables_at_80_columns(repo: Path) -> None:
    recs = [{"title": "見本市空家等対策条例", "citation": "第5条第1項", "type": "resident_staff", "score": 0.9,
             "text": "管理人を常駐させなければならない。" * 3, "evidence": []},
            {"title": "見本市条例", "citation": "第6条", "type": "unspecified", "score": 0.95,
             "candidate_types": ["onsite_audit"], "text": "帳簿を備え付ける。", "evidence": []}]
    console = Console(record=True, width=80, color_system=None)
    print_table(recs, console=console)
    text = console.export_text()
    assert "常駐・専任" in text.split("確信度の高い順 1 件（全 1 件）")[1]
    assert "種別要確認: 1 件（類型を決めきれなかった候補。報告書では別の一覧）" in text
    assert max(len(line) for line in text.splitlines()) <= 80
    wide = CliRunner().invoke(main, ["techmap", "目視"], terminal_width=80, env={"COLUMNS": "80"}).output
    assert "カメラ" in wide


def test_report_order_typed_by_score_then_untyped() -> None:
    recs = [{"type": "unspecified", "score": 0.99}, {"type": "a", "score": 0.5}, {"type": "b", "score": 0.9},
            {"type": "unspecified", "score": 0.3}]
    typed, untyped = split(recs)
    assert [r["score"] for r in typed] == [0.9, 0.5] and [r["score"] for r in untyped] == [0.99, 0.3]

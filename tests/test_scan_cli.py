"""`analogscan scan` end to end: inputs of every kind in, findings out in every format."""

from __future__ import annotations

import json

import openpyxl
from click.testing import CliRunner

from analogscan.cli import main

UNITS = [
    {"id": "u1", "title": "見本市公告式条例", "body": "見本市", "citation": "第2条第2項",
     "text": "告示は、市役所前の掲示場に掲示して公示する。"},
    {"id": "u2", "title": "見本市公告式条例", "body": "見本市", "citation": "第3条",
     "text": "この条例は、公布の日から施行する。"},
    {"id": "u3", "title": "見本市空家条例", "body": "見本市", "citation": "第7条第1項",
     "text": "市長は、職員に、空家等と認められる場所に立ち入って調査をさせることができる。"},
]


def _units_file(tmp_path):
    path = tmp_path / "units.jsonl"
    path.write_text("\n".join(json.dumps(u, ensure_ascii=False) for u in UNITS) + "\n", encoding="utf-8")
    return path


def test_scan_jsonl_units_to_jsonl(tmp_path) -> None:
    out = tmp_path / "findings.jsonl"
    result = CliRunner().invoke(main, ["scan", str(_units_file(tmp_path)), "-o", str(out)])
    assert result.exit_code == 0, result.output
    recs = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [(r["unit_id"], r["citation"], r["type"]) for r in recs] == [
        ("u1", "第2条第2項", "document_posting"), ("u3", "第7条第1項", "visual_inspection")]
    for r in recs:
        assert 0 < r["score"] <= 1 and r["evidence"] and r["techmap"]["phase"]
        for e in r["evidence"]:
            assert r["text"][e["start"]:e["end"]] == e["text"]
    assert recs[0]["title"] == "見本市公告式条例" and recs[0]["body"] == "見本市"


def test_scan_types_filter_and_formats(tmp_path) -> None:
    units = _units_file(tmp_path)
    runner = CliRunner()
    csv_path, xlsx_path, html_path = tmp_path / "f.csv", tmp_path / "f.xlsx", tmp_path / "f.html"
    for path in (csv_path, xlsx_path, html_path):
        result = runner.invoke(main, ["scan", str(units), "--types", "visual_inspection", "-o", str(path)])
        assert result.exit_code == 0, result.output
    assert csv_path.read_bytes().startswith(b"\xef\xbb\xbf")
    rows = csv_path.read_text(encoding="utf-8-sig").splitlines()
    assert len(rows) == 2 and "第7条第1項" in rows[1] and "目視" in rows[1]
    ws = openpyxl.load_workbook(xlsx_path)["点検シート"]
    assert ws.max_row == 2 and ws["E2"].value == "第7条第1項"
    assert "<mark>" in html_path.read_text(encoding="utf-8")
    bad = runner.invoke(main, ["scan", str(units), "--types", "nope"])
    assert bad.exit_code == 2 and "unknown type" in bad.output


def test_scan_reports_unreadable_inputs_and_goes_on(tmp_path) -> None:
    broken = tmp_path / "broken.xml"
    broken.write_text("<?xml version='1.0'?><Law><LawBody><LawTitle>", encoding="utf-8")
    out = tmp_path / "f.jsonl"
    result = CliRunner().invoke(main, ["scan", str(broken), str(_units_file(tmp_path)), "-o", str(out)])
    assert result.exit_code == 1
    assert result.stderr.count("analogscan: error:") == 1 and "broken.xml" in result.stderr
    assert len(out.read_text(encoding="utf-8").splitlines()) == 2


def test_typed_only_leaves_out_untyped_findings(tmp_path, repo) -> None:
    """The bundled sample gives 種別要確認 findings by default; --typed-only drops exactly those."""
    runner = CliRunner()
    full, typed = tmp_path / "all.jsonl", tmp_path / "typed.jsonl"
    assert runner.invoke(main, ["scan", str(repo / "corpora" / "samples"), "-o", str(full)]).exit_code == 0
    assert runner.invoke(main, ["scan", str(repo / "corpora" / "samples"), "--typed-only", "-o", str(typed)]).exit_code == 0
    everything = [json.loads(line) for line in full.read_text(encoding="utf-8").splitlines()]
    kept = [json.loads(line) for line in typed.read_text(encoding="utf-8").splitlines()]
    assert [r.pop("provenance")["options"]["typed_only"] for r in everything] == [False] * len(everything)
    assert {r.pop("provenance")["options"]["typed_only"] for r in kept} == {True}
    untyped = [r for r in everything if r["type"] == "unspecified"]
    assert untyped and all(r["candidate_types"] and "classifier:any" in r["rule_ids"] for r in untyped)
    assert kept == [r for r in everything if r["type"] != "unspecified"]
    # the 種別要確認 records come after every typed one
    assert everything[-len(untyped):] == untyped

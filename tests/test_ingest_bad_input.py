"""Broken input through the whole ingest layer: every bad file yields exactly one ReadError with
a one-line reason, good files beside it are still read, and the CLI reports and exits accordingly."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

import analogscan.cli
import analogscan.ingest
from analogscan.cli import main
from analogscan.ingest import read_paths
from analogscan.ingest.limits import Limits
from analogscan.model import Document, ReadError

GOOD = (
    "○北広島市公告式規則\n昭和56年3月23日\n規則第7号\n(告示の公示)\n"
    "第2条 告示を公示しようとするときは、前文、公示の年月日及び市長名を記入し、市長印を押さなければならない。\n"
    "2 告示は、市役所前の掲示場に掲示して公示する。\n"
)
GOOD2 = "○告示方式の特例\n昭和32年4月5日\n訓令第2号\n1 告示の場所は、市役所前の掲示場とする。\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64 + b"IHDR" + b"\x00\x10" * 20
EGOV_TRUNCATED = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<Law Era="Showa" Year="25" Num="201" LawType="Act" Lang="ja"><LawNum>昭和二十五年法律第二百一号</LawNum>'
    "<LawBody><LawTitle>建築基準法</LawTitle><MainProvision><Article Num=\"1\"><ArticleTitle>第一条</ArticleTitle>"
    "<Paragraph Num=\"1\"><ParagraphSentence><Sentence>この法律は、建築物の敷地"
)
VENDOR_HTML = (
    '<!DOCTYPE html><html><head><meta charset="utf-8"><title>例規集</title></head><body>'
    '<div class="law-body"><span class="art">第1条</span> この条例は、公布の日から施行する。</div></body></html>'
)
UNDECODABLE = bytes(range(0x80, 0x100)) * 3  # invalid as UTF-8, CP932 and EUC-JP alike


def _write(path: Path, data: bytes | str) -> Path:
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def _only_error(path: Path) -> ReadError:
    items = list(read_paths([path]))
    assert len(items) == 1 and isinstance(items[0], ReadError), items
    return items[0]


# ------------------------------------------------------------------ one bad file each
@pytest.mark.parametrize(("name", "data", "reason"), [
    ("empty.txt", b"", "empty file"),
    ("blank.txt", b" \r\n\t\n", "empty file"),
    ("scan.txt", PNG, "binary file (NUL bytes), not text"),
    ("vendor.html", VENDOR_HTML, "unknown format (not Reiki-Base, D1-Law, e-Gov XML, JSONL or 例規 plain text)"),
    ("garbage.txt", UNDECODABLE, "not decodable as UTF-8, CP932 (Shift_JIS) or EUC-JP"),
    ("broken.zip", b"PK\x03\x04 this is not really a zip", "broken zip archive: File is not a zip file"),
    ("notes.txt", "これは例規ではない。\n", "no provision text found (read as text)"),
    ("bad.jsonl", '{"id": "a", "text": "告示する。"}\n{"id": "b", "text": \n',
     "line 2: invalid JSON (Expecting value at column 21)"),
])
def test_bad_file_gives_one_error(tmp_path: Path, name: str, data: bytes | str, reason: str) -> None:
    path = _write(tmp_path / name, data)
    err = _only_error(path)
    assert (err.source, err.reason) == (str(path), reason)
    assert str(err) == f"{path}: {reason}"


def test_truncated_egov_xml(tmp_path: Path) -> None:
    path = _write(tmp_path / "kenchiku.xml", EGOV_TRUNCATED)
    err = _only_error(path)
    assert err.source == str(path)
    assert err.reason.startswith("malformed XML: ")
    assert "\n" not in str(err)


def test_huge_file(tmp_path: Path) -> None:
    limits = Limits(max_file_bytes=100)
    path = _write(tmp_path / "huge.txt", GOOD)
    size = len(GOOD.encode("utf-8"))
    assert size > 100
    [err] = read_paths([path], limits)
    assert str(err) == f"{path}: file too large ({size:,} bytes > 100 bytes limit; raise it with --max-file-mb)"
    # the same limit holds for bytes handed over directly (e.g. a zip member)
    with pytest.raises(ReadError) as info:
        analogscan.ingest.read_bytes(GOOD.encode("utf-8"), "mem.txt", "mem", limits)
    assert info.value.reason == f"file too large ({size:,} bytes > 100 bytes limit; raise it with --max-file-mb)"


def test_missing_path(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.txt"
    assert str(_only_error(path)) == f"{path}: no such file or directory"


# ------------------------------------------------------------------ a directory of good and bad files
def test_directory_mixing_good_and_bad_files(tmp_path: Path) -> None:
    root = tmp_path / "reiki"
    (root / "sub").mkdir(parents=True)
    _write(root / "a_kita.txt", GOOD)
    _write(root / "b_empty.txt", b"")
    _write(root / "c_scan.dat", PNG)
    _write(root / "d_vendor.html", VENDOR_HTML)
    _write(root / "sub" / "e_kameoka.txt", GOOD2.encode("cp932"))
    _write(root / "sub" / "f_bad.jsonl", "{not json}\n")
    _write(root / "style.css", "body {}")      # assets are skipped, not errors
    _write(root / "README.md", "# notes")
    items = list(read_paths([root]))
    assert [(type(i).__name__, i.doc_id if isinstance(i, Document) else i.source) for i in items] == [
        ("Document", "reiki/a_kita"),
        ("ReadError", str(root / "b_empty.txt")),
        ("ReadError", str(root / "c_scan.dat")),
        ("ReadError", str(root / "d_vendor.html")),
        ("Document", "reiki/sub/e_kameoka"),
        ("ReadError", str(root / "sub" / "f_bad.jsonl")),
    ]
    errors = [str(i) for i in items if isinstance(i, ReadError)]
    assert errors == [
        f"{root / 'b_empty.txt'}: empty file",
        f"{root / 'c_scan.dat'}: binary file (NUL bytes), not text",
        f"{root / 'd_vendor.html'}: unknown format (not Reiki-Base, D1-Law, e-Gov XML, JSONL or 例規 plain text)",
        (f"{root / 'sub' / 'f_bad.jsonl'}: line 1: invalid JSON (Expecting property name enclosed in double quotes "
        "at column 2)"),
    ]
    kita, kameoka = (i for i in items if isinstance(i, Document))
    assert [u.id for u in kita.units] == ["reiki/a_kita:第2条第1項", "reiki/a_kita:第2条第2項"]
    assert [(u.id, u.text) for u in kameoka.units] == [("reiki/sub/e_kameoka:第1項", "告示の場所は、市役所前の掲示場とする。")]


def test_zip_with_two_good_members(tmp_path: Path) -> None:
    path = tmp_path / "bundle.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("reiki/b_kameoka.txt", GOOD2.encode("euc_jp"))
        zf.writestr("reiki/a_kita.txt", GOOD.encode("utf-8"))
        zf.writestr("reiki/", b"")
        zf.writestr("reiki/logo.png", PNG)
    items = list(read_paths([path]))
    assert [(type(i).__name__, i.doc_id, i.source) for i in items] == [
        ("Document", "bundle/reiki/a_kita", f"{path}!reiki/a_kita.txt"),
        ("Document", "bundle/reiki/b_kameoka", f"{path}!reiki/b_kameoka.txt"),
    ]
    assert [u.citation for u in items[0].units] == ["第2条第1項", "第2条第2項"]
    assert items[1].units[0].text == "告示の場所は、市役所前の掲示場とする。"


# ------------------------------------------------------------------ the CLI
def test_cli_units_good_and_bad(tmp_path: Path) -> None:
    good = _write(tmp_path / "kita.txt", GOOD)
    bad = _write(tmp_path / "scan.txt", PNG)
    result = CliRunner().invoke(main, ["units", str(good), str(bad)])
    assert result.exit_code == 1
    assert result.stderr == f"analogscan: error: {bad}: binary file (NUL bytes), not text\n"
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(r["id"], r["citation"], r["title"], r["format"]) for r in records] == [
        ("kita:第2条第1項", "第2条第1項", "北広島市公告式規則", "text"),
        ("kita:第2条第2項", "第2条第2項", "北広島市公告式規則", "text"),
    ]
    assert records[1]["text"] == "告示は、市役所前の掲示場に掲示して公示する。"


def test_cli_only_bad_input_is_a_usage_error(tmp_path: Path) -> None:
    bad = _write(tmp_path / "empty.txt", b"")
    result = CliRunner().invoke(main, ["units", str(bad)])
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", f"analogscan: error: {bad}: empty file\n")


def test_cli_output_file_written_atomically(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    good = _write(tmp_path / "kita.txt", GOOD)
    bad = _write(tmp_path / "empty.txt", b"")
    out = tmp_path / "out" / "units.jsonl"
    result = CliRunner().invoke(main, ["units", str(good), str(bad), "-o", str(out)])
    assert result.exit_code == 1 and result.stdout == ""
    assert [json.loads(line)["id"] for line in out.read_text(encoding="utf-8").splitlines()] == [
        "kita:第2条第1項", "kita:第2条第2項"]
    before = out.read_bytes()

    calls = []

    def crash(doc, unit):  # the second unit record blows up half-way through the output
        calls.append(unit.id)
        if len(calls) == 2:
            raise RuntimeError("disk on fire")
        return {"id": unit.id}

    monkeypatch.setattr(analogscan.cli, "unit_record", crash)
    result = CliRunner().invoke(main, ["units", str(good), "-o", str(out)])
    assert isinstance(result.exception, RuntimeError) and result.exit_code == 1
    assert calls == ["kita:第2条第1項", "kita:第2条第2項"]
    assert out.read_bytes() == before                    # the earlier report is untouched
    assert sorted(p.name for p in out.parent.iterdir()) == ["units.jsonl"]  # no temporary file left

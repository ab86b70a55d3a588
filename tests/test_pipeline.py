"""The streaming, parallel scan (``analogscan.pipeline``): same results in the same order for any --jobs."""

from __future__ import annotations

import json
import pickle
import re
from pathlib import Path

from click.testing import CliRunner

from analogscan.cli import main
from analogscan.model import ReadError
from analogscan.pipeline import DetectorSettings, ScannedDocument, scan_paths

POSTING = {"id": "p1", "title": "見本市公告式条例", "body": "見本市", "citation": "第2条第2項",
           "text": "告示は、市役所前の掲示場に掲示して公示する。"}
ENTRY = {"id": "e1", "title": "見本市空家条例", "body": "見本市", "citation": "第7条第1項",
         "text": "市長は、職員に、空家等と認められる場所に立ち入って調査をさせることができる。"}
PLAIN = {"id": "n1", "title": "見本市空家条例", "body": "見本市", "citation": "第1条",
         "text": "この条例は、公布の日から施行する。"}


def _book(root: Path) -> Path:
    """A small rule book: three unit files (one without findings) and one unreadable file, in sorted order."""
    root.mkdir()
    for name, unit in (("a_posting.jsonl", POSTING), ("b_plain.jsonl", PLAIN), ("d_entry.jsonl", ENTRY)):
        (root / name).write_text(json.dumps(unit, ensure_ascii=False) + "\n", encoding="utf-8")
    (root / "c_broken.xml").write_text("<?xml version='1.0'?><Law><LawBody><LawTitle>", encoding="utf-8")
    return root


def _summary(results: list[ScannedDocument | ReadError]) -> list[tuple]:
    return [(r.source.rsplit("/", 1)[1], r.reason[:13]) if isinstance(r, ReadError) else
            (r.doc_id, r.units, r.characters, [(x["unit_id"], x["type"], x["score"]) for x in r.records])
            for r in results]


def test_scan_paths_same_results_in_input_order_for_one_and_two_jobs(tmp_path: Path) -> None:
    book = _book(tmp_path / "book")
    settings = DetectorSettings(use_model=False)
    one = list(scan_paths([book, tmp_path / "missing.txt"], settings, jobs=1))
    two = list(scan_paths([book, tmp_path / "missing.txt"], settings, jobs=2))
    assert _summary(one) == _summary(two) == [
        ("見本市公告式条例", 1, 22, [("p1", "document_posting", 0.85)]),  # JSONL units: the title is the doc id
        ("見本市空家条例", 1, 17, []),
        ("c_broken.xml", "malformed XML"),
        ("見本市空家条例", 1, 38, [("e1", "visual_inspection", 0.75)]),
        ("missing.txt", "no such file "),
    ]
    assert one[0].records == two[0].records and one[3].records == two[3].records  # whole records, evidence too


def test_read_error_survives_pickling() -> None:
    err = pickle.loads(pickle.dumps(ReadError("a/b.xml", "malformed XML: line 1")))
    assert (err.source, err.reason, str(err)) == ("a/b.xml", "malformed XML: line 1", "a/b.xml: malformed XML: line 1")


def test_cli_scan_jobs_gives_the_same_jsonl(tmp_path: Path) -> None:
    book = _book(tmp_path / "book")
    outputs = []
    for jobs in ("1", "2"):
        out = tmp_path / f"j{jobs}.jsonl"
        result = CliRunner().invoke(main, ["scan", str(book), "--no-model", "--jobs", jobs, "-o", str(out)])
        assert result.exit_code == 1  # the broken file
        assert result.stderr.count("analogscan: error:") == 1 and "c_broken.xml: malformed XML" in result.stderr
        outputs.append(re.sub(r'"date": "[^"]*Z"', '"date": "DATE"', out.read_text(encoding="utf-8")))
    assert outputs[0] == outputs[1] and outputs[0].count('"date": "DATE"') == 2  # the same but for the run's date
    assert [json.loads(line)["unit_id"] for line in outputs[0].splitlines()] == ["p1", "e1"]


def test_cli_scan_nothing_readable_writes_nothing(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    out = tmp_path / "f.jsonl"
    result = CliRunner().invoke(main, ["scan", str(tmp_path / "empty.txt"), "--no-model", "-o", str(out)])
    assert result.exit_code == 2 and not out.exists()
    assert result.stderr == f"analogscan: error: {tmp_path / 'empty.txt'}: empty file\n"

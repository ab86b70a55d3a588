"""The spaCy component (``nlp.add_pipe("analogscan")``): exact spans on real 例規 text, ``nlp.pipe``, GiNZA,
and the same findings as ``analogscan scan`` on the same text saved as a file."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

spacy = pytest.importorskip("spacy", reason="spaCy is not installed (pip install -e '.[spacy]')")

from sample_pages import ETSURAN, KANRININ, all_page_texts, page_text

from analogscan.cli import main
from analogscan.detect.finding import Finding


@pytest.fixture(scope="module")
def nlp() -> Any:
    nlp = spacy.blank("ja")
    nlp.add_pipe("analogscan")
    return nlp


def _spans(doc: Any) -> list[tuple[str, str, str, float, list[str], str]]:
    return [(s.text, s.label_, s._.citation, s._.score, s._.types, s._.rule_id) for s in doc.spans["analogscan"]]


def test_whole_reiki_text_exact_spans(nlp: Any) -> None:
    # 久米南町 選挙人名簿抄本の閲覧: every evidence of its visit_viewing findings, cited as the 例規 cites them
    doc = nlp(page_text(ETSURAN))
    assert [(t, label, cite, score) for t, label, cite, score, _, _ in _spans(doc)] == [
        ("閲覧は、久米南町選挙管理委員会(以下「委員会」という。)が指定する場所", "visit_viewing", "第3条", 0.9386),
        ("閲覧は、執務時間", "visit_viewing", "第4条", 0.9353),
        ("場所以外の場所に持ち出し", "visit_viewing", "第5条第1項", 0.9383),
        ("閲覧については、一度に多数の者が閲覧を申し出たとき又は閲覧をしている者がきわめて長時間", "visit_viewing",
         "第6条", 0.9724),
        ("閲覧を行う等の事情により、秩序を損うおそれがあるときは、閲覧の時間", "visit_viewing", "第6条", 0.9724),
    ]
    first = doc.spans["analogscan"][0]
    assert first._.types == ["visit_viewing"] and first._.digital_alternative is False
    assert [r["row"] for r in first._.techmap_rows] == [row["row"] for row in doc._.analogscan_records[0]["techmap"]["rows"]]
    findings = doc._.analogscan_findings
    assert all(isinstance(f, Finding) for f in findings)
    assert [(f.citation, f.type) for f in findings] == [("第3条", "visit_viewing"), ("第4条", "visit_viewing"),
                                                        ("第5条第1項", "visit_viewing"), ("第6条", "visit_viewing")]


def test_resident_staff_spans_and_rule_ids(nlp: Any) -> None:
    doc = nlp(page_text(KANRININ))
    assert [(t, label, cite) for t, label, cite, _, _, _ in _spans(doc)] == [
        ("施設について管理上必要があると認めたときは、管理人を置く", "resident_staff", "第2条"),
        ("管理人室を住居として、居住", "resident_staff", "第3条第2号"),
        ("管理人は、管理人室に居住し、勤務", "resident_staff", "第4条第1項"),
    ]
    assert all(s._.rule_id.startswith("resident_staff.") for s in doc.spans["analogscan"])


def test_one_sentence_is_one_unit(nlp: Any) -> None:
    doc = nlp("職員は、毎日、施設を目視により点検しなければならない。")
    assert [(t, label, cite, score) for t, label, cite, score, _, _ in _spans(doc)] == [
        ("施設を目視により点検し", "visual_inspection", "本則", 0.8861),
        ("毎日、施設を目視により点検", "periodic_inspection", "本則", 0.7651),
    ]
    for empty in ("", " \n "):
        nothing = nlp(empty)
        assert (nothing._.analogscan_records, list(nothing.spans["analogscan"])) == ([], [])


def test_config_mirrors_the_detector_options() -> None:
    nlp = spacy.blank("ja")
    nlp.add_pipe("analogscan", config={"types": ["periodic_inspection"], "min_score": 0.3})
    doc = nlp("職員は、毎日、施設を目視により点検しなければならない。")
    assert [(s.label_, s._.score) for s in doc.spans["analogscan"]] == [("periodic_inspection", 0.7651)]
    strict = spacy.blank("ja")
    strict.add_pipe("analogscan", config={"min_score": 0.8})
    with pytest.raises(ValueError, match="unknown type ids \\['posting'\\]"):
        spacy.blank("ja").add_pipe("analogscan", config={"types": ["posting"]})
    kept = strict("職員は、毎日、施設を目視により点検しなければならない。")
    assert [s.label_ for s in kept.spans["analogscan"]] == ["visual_inspection"]


def test_serialised_doc_keeps_spans_and_findings(nlp: Any) -> None:
    doc = nlp(page_text(KANRININ))
    copy = spacy.tokens.Doc(nlp.vocab).from_bytes(doc.to_bytes())
    assert _spans(copy) == _spans(doc)
    assert [f.to_record() for f in copy._.analogscan_findings] == doc._.analogscan_records
    other = copy[0:2]  # a span that is not ours has no values
    assert other._.citation is None and other._.types is None


def test_entry_point_registers_the_factory_without_importing_analogscan() -> None:
    code = ("import spacy, sys; assert 'analogscan' not in sys.modules; nlp = spacy.blank('ja'); "
            "nlp.add_pipe('analogscan', config={'use_model': False}); "
            "doc = nlp('告示は、市役所前の掲示場に掲示して公示する。'); print([s.label_ for s in doc.spans['analogscan']])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert out.stdout.strip() == "['document_posting']"


def _comparable(rec: dict[str, Any]) -> dict[str, Any]:
    """A record without what names the input or the run (the file's path, the document id in the unit id, the
    report's provenance stamp); the technology map as its row numbers."""
    rows = (rec.get("techmap") or {}).get("rows", [])  # the JSONL report names rows by number (compact form)
    return {**{k: v for k, v in rec.items() if k not in ("source", "provenance")},
            "unit_id": rec["unit_id"].split(":", 1)[1],
            "techmap": [r["row"] if isinstance(r, dict) else r for r in rows]}


def _in_unit_order(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Records by unit and type (a report lists typed findings by 確信度, then the 種別要確認 ones)."""
    return sorted(records, key=lambda r: (r["unit_id"], r["type"]))


def _scan_files(texts: list[str], tmp: Path) -> list[list[dict[str, Any]]]:
    """``analogscan scan`` of each text saved as a file: the records per file, in order."""
    folder = tmp / "texts"
    folder.mkdir()
    for i, text in enumerate(texts):
        (folder / f"t{i:04d}.txt").write_text(text, encoding="utf-8")
    out = tmp / "scan.jsonl"
    result = CliRunner().invoke(main, ["scan", str(folder), "-o", str(out), "--jobs", "1"])
    assert result.exit_code == 0, result.output
    per_file: list[list[dict[str, Any]]] = [[] for _ in texts]
    for line in out.read_text(encoding="utf-8").splitlines():
        rec = json.loads(line)
        per_file[int(Path(rec["source"]).stem[1:])].append(_comparable(rec))
    return [_in_unit_order(recs) for recs in per_file]


def test_same_findings_as_scan_on_the_samples(nlp: Any, tmp_path: Path) -> None:
    texts = all_page_texts()
    expected = _scan_files(texts, tmp_path)
    got = [_in_unit_order([_comparable(r) for r in doc._.analogscan_records]) for doc in nlp.pipe(texts)]
    assert got == expected
    assert sum(map(len, got)) == 29  # the 14 sample pages: 24 typed findings and 5 種別要確認


@pytest.mark.shared
def test_nlp_pipe_over_many_reiki_texts_equals_scan(nlp: Any, shared: Path, tmp_path: Path) -> None:
    lines = (shared / "corpus" / "ordinances" / "excerpts-dev2.jsonl").read_text(encoding="utf-8").splitlines()
    texts = [json.loads(line)["text"] for line in lines[:150]]
    docs = list(nlp.pipe(texts, batch_size=16))
    assert [_in_unit_order([_comparable(r) for r in d._.analogscan_records]) for d in docs] == _scan_files(texts, tmp_path)
    labels = [s.label_ for d in docs for s in d.spans["analogscan"]]
    assert (len(docs), sum(len(d._.analogscan_records) for d in docs), len(labels)) == (150, 167, 238)
    untyped = next(s for d in docs for s in d.spans["analogscan"] if s.label_ == "unspecified")
    assert untyped._.types == untyped.doc._.analogscan_records[int(untyped.id_.split(":")[0])]["candidate_types"]
    assert untyped._.types  # a 種別要確認 span speaks for its candidate types


GINZA = importlib.util.find_spec("ja_ginza") is not None


@pytest.mark.skipif(not GINZA, reason="ja_ginza is not installed: it pins SudachiPy < 0.7 and an older dictionary, "
                    "so it is not in the test extra (README: GiNZA beside analogscan)")
def test_after_ja_ginza_components(nlp: Any) -> None:
    ginza = spacy.load("ja_ginza")
    ginza.add_pipe("analogscan", last=True)
    text = page_text(ETSURAN)
    doc = ginza(text)
    assert doc.has_annotation("DEP")  # GiNZA's parser ran before
    blank = nlp(text)
    assert doc._.analogscan_records == blank._.analogscan_records
    assert [(s.label_, s._.citation) for s in doc.spans["analogscan"]] == [
        (s.label_, s._.citation) for s in blank.spans["analogscan"]]


def test_nlp_pipe_in_two_processes_keeps_findings_and_spans(nlp: Any) -> None:
    texts = all_page_texts()
    one = [(d._.analogscan_records, _spans(d)) for d in nlp.pipe(texts)]
    two = [(d._.analogscan_records, _spans(d)) for d in nlp.pipe(texts, n_process=2, batch_size=2)]
    assert two == one
    assert (sum(len(r) for r, _ in two), sum(len(s) for _, s in two)) == (29, 45)

"""The library API (``from analogscan import Scanner``) and the README's runnable examples."""

from __future__ import annotations

import doctest
import gc
import importlib.util
import pickle
from pathlib import Path

import pytest
from sample_pages import KANRININ, write_page

from analogscan import Scanner
from analogscan.detect import DetectorSettings
from analogscan.model import ReadError
from analogscan.pipeline import ScannedDocument


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """葛飾区施設管理人規程 of the bundled sample as a text file."""
    return write_page(tmp_path_factory.mktemp("pages"), "kanrinin.txt", KANRININ)


@pytest.fixture(scope="module")
def scanner() -> Scanner:
    return Scanner()


def _found(doc: ScannedDocument) -> list[tuple[str, str, float, list[str]]]:
    return [(f.citation, f.type, round(f.score, 4), [e.text for e in f.evidence]) for f in doc.findings]


def test_scan_text_a_whole_reiki(scanner: Scanner, sample: Path) -> None:
    doc = scanner.scan_text(sample.read_text(encoding="utf-8"))
    assert (doc.title, doc.units, doc.doc_id) == ("葛飾区施設管理人規程", 12, "text")
    # 第2条 places a 管理人 (who lives in the 管理人室, 第4条) at each facility of 別表第1: resident_staff by the
    # guide's 「…ごとに管理人を置く」
    assert _found(doc) == [("第2条", "resident_staff", 0.8841, ["施設について管理上必要があると認めたときは、管理人を置"]),
                           ("第3条第2号", "resident_staff", 0.8842, ["管理人室を住居として、居住"]),
                           ("第4条第1項", "resident_staff", 0.885, ["管理人は、管理人室に居住し、勤務"])]
    assert [f.document["body"] for f in doc.findings] == ["", "", ""]


def test_scan_text_one_sentence_title_and_body(scanner: Scanner) -> None:
    doc = scanner.scan_text("職員は、毎日、施設を目視により点検しなければならない。", title="見本市施設管理規則",
                            body="見本市")
    assert (doc.title, doc.units) == ("見本市施設管理規則", 1)
    assert _found(doc) == [("本則", "visual_inspection", 0.8861, ["施設を目視により点検し"]),
                           ("本則", "periodic_inspection", 0.7651, ["毎日、施設を目視により点検"])]
    assert doc.findings[0].document["body"] == "見本市"
    assert scanner.scan_text("   ").findings == []


def test_settings_are_the_scan_options() -> None:
    typed = Scanner(DetectorSettings(types=("periodic_inspection",), min_score=0.3))
    doc = typed.scan_text("職員は、毎日、施設を目視により点検しなければならない。")
    assert [(f.type, round(f.score, 4)) for f in doc.findings] == [("periodic_inspection", 0.7651)]


def test_scan_file_and_scan_paths_agree(scanner: Scanner, sample: Path, tmp_path: Path) -> None:
    [one] = scanner.scan_file(sample)
    assert isinstance(one, ScannedDocument) and one.doc_id == "kanrinin"
    items = list(scanner.scan_paths([sample, tmp_path / "missing.txt"], jobs=1))
    assert isinstance(items[0], ScannedDocument) and items[0].records == one.records
    assert isinstance(items[1], ReadError) and items[1].reason == "no such file or directory"
    assert one.records == [{**r, "unit_id": r["unit_id"].replace("text:", "kanrinin:"),
                            "source": str(sample)} for r in scanner.scan_text(sample.read_text(encoding="utf-8")).records]
    [bad] = scanner.scan_file(tmp_path / "missing.txt")
    assert isinstance(bad, ReadError)


def test_a_scan_in_the_callers_process_leaves_its_garbage_collector_as_it_was(scanner: Scanner, sample: Path) -> None:
    """The scanning process freezes the detector's objects and collects less often (speed); when that process is
    the caller's (``jobs=1``), both are undone at the end."""
    before = (gc.get_threshold(), gc.get_freeze_count())
    [doc] = list(scanner.scan_paths([sample], jobs=1))
    assert isinstance(doc, ScannedDocument) and len(doc.findings) == 3
    assert (gc.get_threshold(), gc.get_freeze_count()) == before


def test_unit_limit_and_pickling(scanner: Scanner) -> None:
    small = Scanner(limits=scanner.limits.__class__(max_unit_chars=10))
    with pytest.raises(ReadError, match="a unit of 27 characters"):
        small.scan_text("職員は、毎日、施設を目視により点検しなければならない。", source="x.txt")
    copy = pickle.loads(pickle.dumps(scanner))  # a used Scanner travels without its built detector
    assert copy._detector is None and copy.settings == scanner.settings


def test_readme_examples_run(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The README's ``>>>`` lines (the API, and the spaCy component when spaCy is installed)."""
    monkeypatch.chdir(repo)
    text = (repo / "README.md").read_text(encoding="utf-8").replace("\n```", "\n\n```")  # a fence ends the output
    if importlib.util.find_spec("spacy") is None:
        text = text.split(">>> import spacy")[0]
    test = doctest.DocTestParser().get_doctest(text, {}, "README.md", str(repo / "README.md"), 0)
    assert len(test.examples) >= 10
    result = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS).run(test)
    assert result.failed == 0

"""The scan's shortcuts give exactly what the full path gives: the cheap keyword-net test, the
text-only normalisation and the cache of judged units."""

from __future__ import annotations

from pathlib import Path

import pytest

from analogscan.detect.detector import Detector
from analogscan.ingest import read_paths
from analogscan.model import Document, Unit
from analogscan.nlp.normalize import normalize, normalize_text, words_before_numerals

TEXTS = [
    "事業者は、毎年一回以上、定期検査を受けなければならない。",        # 漢数字 → 1
    "第十二条の規定により、月二回点検する。",
    "前項ノ規定ニ依リ縦覧ニ供シ、之ヲ公告スベシ。",                    # カタカナ書き
    "㈱ｶﾞｽ會社の檢査員は、統一の書面を掲示する。",                      # uneven NFKC, 旧字
    "この法律は、公布の日から施行する。",
]


@pytest.mark.parametrize("text", TEXTS)
def test_normalize_text_is_the_text_of_normalize(text: str) -> None:
    assert normalize_text(text) == normalize(text).text


def test_words_before_numerals_finds_what_the_normalised_text_would() -> None:
    net = words_before_numerals(["年1回", "掲示"])
    assert [bool(net.search(t)) for t in ("毎年一回", "年十一回", "年1回", "年に一回", "掲示場")] == [
        True, True, True, False, True]
    assert normalize_text("毎年一回点検する。", unless=net) == "毎年1回点検する。"
    assert normalize_text("この法律は、公布の日から施行する。", unless=net) is None  # no word: cut short
    # カタカナ書き: the words are looked for after its katakana become hiragana, before the 漢数字 step
    assert normalize_text("前項ノ規定ニ依リ之ヲ定ム。", unless=net) is None
    old = "前項ノ規定ニ依リ年一回之ヲ掲示スベシ。"
    assert normalize_text(old, unless=net) == normalize(old).text == "前項の規定に依り年1回之を掲示すべし。"


def test_is_candidate_agrees_with_the_analysis_on_real_laws(shared: Path) -> None:
    laws = shared / "corpus" / "laws" / "laws"
    files = [laws / "323" / "323AC1000000186" / "current.xml", laws / "323" / "323AC0000000138" / "current.xml"]
    matcher = Detector().matcher
    units = [u for d in read_paths(files) for u in d.units]
    fast = [matcher.is_candidate(u.text) for u in units]
    assert fast == [matcher.analyse(u.text).candidate for u in units]
    assert (len(units), sum(fast)) == (1293, 168)  # 消防法 and 旅館業法: units, candidates


def test_repeated_units_get_the_same_findings_from_the_cache() -> None:
    det = Detector()
    doc = Document("d", title="見本市公告式条例", body="見本市")
    text = "告示は、市役所前の掲示場に掲示して公示する。"
    units = [Unit(f"d:{i}", f"第{i}条", text, 0, len(text)) for i in (1, 2)]
    first, second = (det.unit_findings(doc, u) for u in units)
    assert det._judged.cache_info().hits == 1
    assert [(f.citation, f.type, f.score, [e.text for e in f.evidence]) for f in first + second] == [
        ("第1条", "document_posting", 0.85, ["告示は、市役所前の掲示場に掲示して公示"]),
        ("第2条", "document_posting", 0.85, ["告示は、市役所前の掲示場に掲示して公示"])]

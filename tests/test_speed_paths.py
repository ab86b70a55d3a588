"""The fast paths of issue 15 give exactly what the plain paths give."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from analogscan.detect.classifier import domain_features, load_default_model
from analogscan.detect.detector import Detector
from analogscan.detect.features import unit_features
from analogscan.detect.rules import _net_word_re
from analogscan.ingest import read_paths
from analogscan.nlp.normalize import normalize
from analogscan.nlp.tokens import analyze, analyze_many

TEXTS = [
    "事業者は、毎年一回以上、定期検査を受けなければならない。",
    "許可証を事務所の見やすい場所に掲示しなければならない。",
    "次の各号に掲げる事項を記載した書類を提出しなければならない。",
    "職員に、事業所に立ち入り、帳簿書類を検査させることができる。",
    "前項ノ規定ニ依リ縦覧ニ供シ、之ヲ公告スベシ。",
]


def test_net_word_look_behind_after_the_first_character_matches_the_same() -> None:
    before = "[号次欄項表条]に"
    old = re.compile(f"(?<!{before})掲げ|見やすい場所")
    new = re.compile(_net_word_re("掲げ", before) + "|見やすい場所")
    samples = ["次の各号に掲げる事項", "見やすい場所に掲げること", "店頭に掲げ", "掲げる", "別表に掲げ、号に掲げ"]
    assert [[m.span() for m in old.finditer(s)] for s in samples] == [
        [m.span() for m in new.finditer(s)] for s in samples] == [[], [(0, 6), (7, 9)], [(3, 5)], [(0, 2)], []]


def test_analyze_many_is_analyze_of_each() -> None:
    pairs = [(t, normalize(t)) for t in TEXTS]
    many = analyze_many(pairs)
    one = [analyze(t, n) for t, n in pairs]
    assert [(a.tokens, a.stream) for a in many] == [(a.tokens, a.stream) for a in one]
    assert many[1].stream.split()[:4] == ["許可証", "を", "事務所", "の"]


def test_domain_decision_is_decision_of_domain_features() -> None:
    model = load_default_model()
    assert model is not None
    det = Detector()
    for text in TEXTS:
        feats = unit_features(det.analyse(text))
        for municipal in (False, True):
            plain = model.decision(domain_features(feats, municipal))
            assert np.array_equal(model.domain_decision(feats, municipal), plain)


def test_document_findings_are_the_unit_findings(shared: Path) -> None:
    law = shared / "corpus" / "laws" / "laws" / "323" / "323AC0000000138" / "current.xml"  # 旅館業法
    (doc,) = list(read_paths([law]))
    model = load_default_model()
    batched = [f.to_record() for f in Detector(model=model).document_findings(doc)]
    single = Detector(model=model)
    one_by_one = [f.to_record() for u in doc.units for f in single.unit_findings(doc, u)]
    assert batched == one_by_one
    assert len(batched) > 3

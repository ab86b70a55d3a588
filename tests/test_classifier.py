"""The classifier: training is reproducible, the saved model is plain data, loading checks the rules."""

from __future__ import annotations

import json

import numpy as np
import pytest
from click.testing import CliRunner

from analogscan.analog_types import UNSPECIFIED
from analogscan.cli import main
from analogscan.detect.calibration import Reliability
from analogscan.detect.classifier import (
    HEADS,
    LinearTypeModel,
    ModelError,
    decide,
    domain_features,
    load_default_model,
)
from analogscan.detect.detector import Detector
from analogscan.detect.metrics import LabelledUnit, Scores, read_labels
from analogscan.detect.rules import TYPE_IDS, load_rules
from analogscan.detect.thresholds import DomainThresholds, Thresholds
from analogscan.detect.train import train

# Real wordings (shortened) with labels that follow the annotation guide; two groups per type so
# that grouped cross-validation has something on both sides.
POSITIVE = {
    "visual_inspection": ["職員に、空家等に立ち入って調査をさせることができる。", "管理者は、河川を巡視しなければならない。"],
    "onsite_audit": ["職員に、事務所に立ち入り、帳簿書類を検査させることができる。", "知事は、指定法人に対し、実地に監査することができる。"],
    "periodic_inspection": ["管理者は、毎年一回、定期検査を受けなければならない。", "設置者は、三年ごとに設備の点検をしなければならない。"],
    "resident_staff": ["営業所ごとに、専任の技術者を置かなければならない。", "管理責任者を施設に常駐させなければならない。"],
    "in_person_training": ["講習を修了した者でなければならない。", "責任者は、知事が行う講習会を受講しなければならない。"],
    "document_posting": ["許可証を見やすい場所に掲示しなければならない。", "告示は、掲示場に掲示して公示する。"],
    "visit_viewing": ["計画を公衆の縦覧に供しなければならない。", "書類を事務所に備え置き、閲覧させなければならない。"],
    "recording_media": ["フレキシブルディスクを提出しなければならない。", "名簿は、磁気ディスクをもつて調製することができる。"],
}
NEGATIVE = ["この条例は、公布の日から施行する。", "手数料の額は、別表のとおりとする。", "縦覧の手続は、規則で定める。",
            "市は、講習会を開催することができる。", "帳簿を事務所に備え付けておかなければならない。",
            "第五条の規定に違反した者は、過料に処する。"]


def _units() -> list[LabelledUnit]:
    out = []
    for t, texts in POSITIVE.items():
        for i, text in enumerate(texts):
            out.append(LabelledUnit(f"{t}-{i}", text, "", [t], f"body{i % 3}"))
    for i, text in enumerate(NEGATIVE):
        out.append(LabelledUnit(f"neg-{i}", text, "", [], f"body{i % 3}"))
    return out


@pytest.fixture(scope="module")
def trained():
    return train(_units(), load_rules(), folds=3, seed=0)


def test_training_is_reproducible(trained, tmp_path) -> None:
    model, report = trained
    again, report2 = train(_units(), load_rules(), folds=3, seed=0)
    assert again.vocabulary == model.vocabulary
    assert np.array_equal(again.coef, model.coef) and again.thresholds == model.thresholds
    assert report["cv"] == report2["cv"]
    a, b = tmp_path / "a", tmp_path / "b"
    model.save(a)
    again.save(b)
    assert (a / "model.json").read_bytes() == (b / "model.json").read_bytes()
    assert (a / "coef.npz").read_bytes() == (b / "coef.npz").read_bytes()
    assert report["units"] == 22 and report["positives"] == {t: 2 for t in TYPE_IDS}


def test_saved_model_is_plain_data_and_round_trips(trained, tmp_path) -> None:
    model, _ = trained
    model.save(tmp_path)
    meta = json.loads((tmp_path / "model.json").read_text(encoding="utf-8"))
    assert meta["heads"] == list(HEADS) and meta["rules_version"] == load_rules().version
    with np.load(tmp_path / "coef.npz", allow_pickle=False) as npz:  # no pickle inside
        assert npz["coef"].shape == (len(HEADS), len(meta["vocabulary"]))
    loaded = LinearTypeModel.load(tmp_path, load_rules().version)
    detector = Detector(model=loaded)
    ua = detector.analyse("書類を事務所に備え置き、閲覧させなければならない。")
    assert loaded.scores(ua) == pytest.approx(model.scores(ua), abs=1e-5)
    assert loaded.thresholds == model.thresholds


def test_loading_refuses_a_model_trained_with_other_rules(trained, tmp_path) -> None:
    model, _ = trained
    model.save(tmp_path)
    with pytest.raises(ModelError, match="analogscan train"):
        LinearTypeModel.load(tmp_path, "0123456789abcdef")
    (tmp_path / "coef.npz").write_bytes(b"not a zip")
    with pytest.raises(ModelError, match="cannot load"):
        LinearTypeModel.load(tmp_path)


def test_any_head_gives_an_untyped_finding_only_when_no_type_passes() -> None:
    thr = DomainThresholds({t: 0.5 for t in TYPE_IDS}, any=0.4, any_high_recall=0.2)
    probs = {**{t: 0.1 for t in TYPE_IDS}, "visit_viewing": 0.3, "document_posting": 0.2, "any": 0.45}
    basis: dict[str, str] = {}
    candidates: list[str] = []
    # 種別要確認, scored with the any-head; the candidates are the seen types, most probable first
    assert decide(probs, thr, seen={"document_posting", "visit_viewing"}, basis=basis,
                  candidates=candidates) == {UNSPECIFIED: 0.45}
    assert basis == {UNSPECIFIED: "classifier:any"}
    assert candidates == ["visit_viewing", "document_posting"]
    # only when the unit holds some type's keywords
    assert decide(probs, thr, seen=set()) == {}
    assert decide({**probs, "any": 0.3}, thr) == {}
    assert decide({**probs, "any": 0.3}, thr, high_recall=True) == {UNSPECIFIED: 0.3}
    assert decide({**probs, "onsite_audit": 0.7}, thr) == {"onsite_audit": 0.7}


def test_untyped_findings_count_for_any_type_only() -> None:
    scores = Scores()
    scores.add(["visual_inspection"], [UNSPECIFIED])
    scores.add([], [UNSPECIFIED])
    d = scores.as_dict()
    assert d["any_type"]["tp"] == 1 and d["any_type"]["fp"] == 1
    assert d["per_type"]["visual_inspection"] == {"tp": 0, "fp": 0, "fn": 1, "tn": 1, "precision": 0.0,
                                                  "recall": 0.0, "f1": 0.0}
    assert (d["unspecified"]["tp"], d["unspecified"]["fp"]) == (1, 1)


def test_thresholds_are_per_domain_and_round_trip() -> None:
    national = DomainThresholds({t: 0.5 for t in TYPE_IDS}, any=0.45, any_high_recall=0.1)
    municipal = DomainThresholds({**{t: 0.5 for t in TYPE_IDS}, "visit_viewing": 0.3}, any=0.2, any_high_recall=0.05)
    thr = Thresholds(national, municipal)
    assert thr.of(False).any_in_force() == 0.45 and thr.of(True).any_in_force() == 0.2
    assert thr.of(True).any_in_force(high_recall=True) == 0.05
    assert thr.of(True).types["visit_viewing"] == 0.3 and thr.of(False).types["visit_viewing"] == 0.5
    assert Thresholds.from_dict(json.loads(json.dumps(thr.as_dict()))) == thr


def test_rules_never_decide_alone_and_scores_are_probabilities() -> None:
    """A very sure rule no longer decides by itself (it misfired on 例規: 職員研修 as 対面講習): the
    classifier decides and the 確信度 is its calibrated probability, never a rule score of 1.00."""
    thr = DomainThresholds({t: 0.5 for t in TYPE_IDS}, any=0.9)
    probs = {**{t: 0.1 for t in TYPE_IDS}, "any": 0.1}
    assert decide(probs, thr, seen={"in_person_training"}) == {}


def test_rule_signals_are_given_once_shared_and_once_tagged_with_the_domain() -> None:
    feats = {"w:掲示": 1.0, "T:document_posting": 0.8, "R:document_posting.keiji": 0.7}
    assert domain_features(feats, municipal=True) == {
        **feats, "M|T:document_posting": 0.8, "M|R:document_posting.keiji": 0.7, "M|BIAS": 1.0}
    assert set(domain_features(feats, municipal=False)) == {
        *feats, "L|T:document_posting", "L|R:document_posting.keiji", "L|BIAS"}


def test_reliability_table_and_expected_calibration_error() -> None:
    rel = Reliability()
    rel.add(["document_posting"], {"document_posting": 0.95})        # right, bin 0.9–1.0
    rel.add([], {"document_posting": 0.93})                          # wrong, same bin
    rel.add(["visit_viewing"], {UNSPECIFIED: 0.35})                   # 種別要確認 on an analog unit: right
    d = rel.as_dict()
    assert d["findings"] == 3 and d["shown_as_1.00"] == 0
    assert d["bins"][9] == {"bin": "0.9–1.0", "findings": 2, "mean_score": 0.94, "right": 1, "share_right": 0.5}
    assert d["bins"][3]["right"] == 1
    # |0.94 − 0.5| × 2/3 + |0.35 − 1| × 1/3
    assert d["ece"] == pytest.approx((0.44 * 2 + 0.65) / 3, abs=1e-4)


def test_shipped_model_matches_the_rules_and_is_in_the_loop(repo) -> None:
    model = load_default_model()
    assert model is not None, "models/analogscan-clf is missing: run `analogscan train`"
    assert model.rules_version == load_rules().version
    # the recall-first sweep lowers only the any-head threshold, in both domains
    for municipal in (False, True):
        d = model.thresholds.of(municipal)
        assert d.any_high_recall <= d.any
    # no probability is certain: the calibration has a ceiling below 1
    assert float(model.platt[:, :, 2].max()) <= 0.99 + 1e-9
    detector = Detector(model=model)
    _ua, passed = detector.predict("営業者は、許可証を営業所の見やすい場所に掲示しなければならない。")
    assert set(passed) == {"document_posting"} and passed["document_posting"] < 0.995
    _ua, passed = detector.predict("告示は、役場前の掲示場に掲示して行う。", municipal=True)
    assert set(passed) == {"document_posting"}
    _ua, passed = detector.predict("この条例は、公布の日から施行する。")
    assert passed == {}


def test_eval_command_with_the_shipped_model_prints_json(tmp_path) -> None:
    labels = tmp_path / "labels.jsonl"
    rows = [{"id": u.id, "text": u.text, "labels": u.labels, "body": u.group} for u in _units()]
    labels.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    result = CliRunner().invoke(main, ["eval", str(labels), "--json"])
    assert result.exit_code == 0, result.output
    cal = json.loads(result.output)["domains"]["municipal"]["calibration"]
    assert cal["findings"] >= 8 and cal["shown_as_1.00"] == 0


def test_eval_command_reports_tool_and_keyword_net(tmp_path) -> None:
    labels = tmp_path / "labels.jsonl"
    rows = [{"id": u.id, "text": u.text, "labels": u.labels, "body": u.group} for u in _units()]
    labels.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    result = CliRunner().invoke(main, ["eval", str(labels), "--no-model", "--json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert out["units"] == 22 and out["model"] is None
    muni = out["domains"]["municipal"]  # bodies other than 国 are municipal
    assert muni["units"] == 22 and out["domains"]["national"]["units"] == 0
    assert set(muni["cv"]["per_type"]) == set(TYPE_IDS) == set(muni["keyword_net"]["per_type"])
    assert muni["cv"]["any_type"]["tp"] + muni["cv"]["any_type"]["fn"] == 16
    assert muni["net_recall"] == {"positives": 16, "in_net": 16, "recall": 1.0}
    assert muni["calibration"]["findings"] >= 1
    assert len(read_labels([labels])) == 22
    # a second copy of the file: evaluation keeps every line, training counts each unit once
    assert len(read_labels([labels, labels])) == 44
    assert len(read_labels([labels, labels], dedupe=True)) == 22


def test_label_reader_names_file_and_line_of_a_bad_label(tmp_path) -> None:
    from analogscan.model import ReadError

    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "a", "text": "x", "labels": []}\n{"id": "b", "text": "y", "labels": ["nope"]}\n',
                   encoding="utf-8")
    with pytest.raises(ReadError, match=r"bad.jsonl: line 2: labels must be"):
        read_labels([bad])

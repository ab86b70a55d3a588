"""The classifier: training is reproducible, the saved model is plain data, loading checks the rules."""

from __future__ import annotations

import json

import numpy as np
import pytest
from click.testing import CliRunner

from analogscan.analog_types import UNSPECIFIED
from analogscan.cli import main
from analogscan.detect.classifier import (
    HEADS,
    LinearTypeModel,
    ModelError,
    Thresholds,
    decide,
    head_thresholds,
    load_default_model,
)
from analogscan.detect.detector import Detector
from analogscan.detect.metrics import LabelledUnit, Scores, read_labels
from analogscan.detect.rules import TYPE_IDS, load_rules
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
    assert np.array_equal(again.coef, model.coef) and again.threshold == model.threshold
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


def test_loading_refuses_a_model_trained_with_other_rules(trained, tmp_path) -> None:
    model, _ = trained
    model.save(tmp_path)
    with pytest.raises(ModelError, match="analogscan train"):
        LinearTypeModel.load(tmp_path, "0123456789abcdef")
    (tmp_path / "coef.npz").write_bytes(b"not a zip")
    with pytest.raises(ModelError, match="cannot load"):
        LinearTypeModel.load(tmp_path)


def test_any_head_gives_an_untyped_finding_only_when_no_type_passes() -> None:
    thr = {**{t: 0.5 for t in TYPE_IDS}, "any": 0.4}
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
    assert decide({**probs, "any": 0.2}, thr) == {}
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


def test_any_head_is_recall_weighted_on_municipal_rules_and_in_a_sweep() -> None:
    thr = {"visit_viewing": 0.5, "any": 0.45, "any_municipal": 0.2, "any_high_recall": 0.1}
    assert head_thresholds(thr).any == 0.45
    assert head_thresholds(thr, municipal=True).any == 0.2
    assert head_thresholds(thr, municipal=True, high_recall=True).any == 0.1
    assert head_thresholds(thr, municipal=True).types["visit_viewing"] == 0.5  # no scale learned: unchanged
    scaled = {**thr, "municipal_type_scale": 0.4}
    assert head_thresholds(scaled).types["visit_viewing"] == 0.5  # national laws: as trained
    assert head_thresholds(scaled, municipal=True).types["visit_viewing"] == pytest.approx(0.2)
    assert Thresholds.of(scaled).to_dict() == {**scaled, "rule_floor": 1.1}  # model.json's mapping round-trips


def test_very_sure_rules_decide_alone() -> None:
    thr = {**{t: 0.5 for t in TYPE_IDS}, "any": 0.9, "rule_floor": 0.9}
    probs = {**{t: 0.1 for t in TYPE_IDS}, "any": 0.1}
    assert decide(probs, thr, {"document_posting": 0.95}) == {"document_posting": 0.95}
    assert decide(probs, thr, {"document_posting": 0.85}) == {}


def test_shipped_model_matches_the_rules_and_is_in_the_loop(repo) -> None:
    model = load_default_model()
    assert model is not None, "models/analogscan-clf is missing: run `analogscan train`"
    assert model.rules_version == load_rules().version
    # the recall-first sweep and municipal rules lower only the any-head threshold
    assert model.threshold.any_high_recall is not None and model.threshold.any_high_recall < model.threshold.any
    assert head_thresholds(model.threshold, municipal=True).any <= model.threshold.any
    assert model.meta["cv_high_recall"]["any_type"]["recall"] > model.meta["cv"]["any_type"]["recall"]
    detector = Detector(model=model)
    _ua, passed = detector.predict("営業者は、許可証を営業所の見やすい場所に掲示しなければならない。")
    assert set(passed) == {"document_posting"}
    _ua, passed = detector.predict("この条例は、公布の日から施行する。")
    assert passed == {}


def test_eval_command_reports_tool_and_keyword_net(tmp_path) -> None:
    labels = tmp_path / "labels.jsonl"
    rows = [{"id": u.id, "text": u.text, "labels": u.labels, "body": u.group} for u in _units()]
    labels.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    result = CliRunner().invoke(main, ["eval", str(labels), "--no-model", "--json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert out["units"] == 22 and out["model"] is None
    assert set(out["tool"]["per_type"]) == set(TYPE_IDS) == set(out["keyword_net"]["per_type"])
    assert out["tool"]["any_type"]["tp"] + out["tool"]["any_type"]["fn"] == 16
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

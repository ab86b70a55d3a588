"""The rules alone (no classifier): each type's positives, hard negatives and evidence offsets.

Sentences are real wordings of 例規 and national laws (public domain), some shortened.
"""

from __future__ import annotations

import pytest

from analogscan.detect.detector import Detector
from analogscan.detect.rules import (
    TYPE_IDS,
    RuleError,
    compile_lemma_pattern,
    load_rules,
)
from analogscan.model import Document, Unit
from analogscan.pipeline import link_techmap


@pytest.fixture(scope="module")
def rules_only() -> Detector:
    return Detector(model=None)


POSITIVES = [
    ("visual_inspection", "市長は、この条例の施行に必要な限度において、職員に、空家等と認められる場所に立ち入って調査をさせることができる。"),
    ("visual_inspection", "管理者は、河川の状況を把握するため、定められた区間を巡視しなければならない。"),
    ("visual_inspection", "設置者は、当該設備の外観を目視により確認しなければならない。"),
    ("onsite_audit", "都道府県知事は、営業者の事務所に立ち入り、帳簿書類その他の物件を検査させることができる。"),
    ("onsite_audit", "市長は、指定管理者に対し、実地に調査し、又は必要な指示をすることができる。"),
    ("periodic_inspection", "浄化槽管理者は、毎年一回、指定検査機関の行う水質に関する検査を受けなければならない。"),
    ("periodic_inspection", "所有者は、その建築物の敷地、構造及び建築設備について、定期に、一級建築士等にその状況の調査をさせなければならない。"),
    ("resident_staff", "建設業者は、その営業所ごとに、専任の技術者を置かなければならない。"),
    ("resident_staff", "指定管理者は、施設の開館時間中、管理責任者を常駐させなければならない。"),
    ("in_person_training", "食品衛生責任者は、都道府県知事が行う講習会を定期的に受講しなければならない。"),
    ("in_person_training", "第三条の登録を受けようとする者は、登録講習機関が行う講習を修了した者でなければならない。"),
    ("document_posting", "告示は、市役所前の掲示場に掲示して公示する。"),
    ("document_posting", "営業者は、許可証を営業所の見やすい場所に掲示しなければならない。"),
    ("visit_viewing", "市長は、前項の図書を、公告の日から二週間公衆の縦覧に供しなければならない。"),
    ("visit_viewing", "事業者は、財務諸表を事務所に備え置き、利用者の求めに応じて閲覧させなければならない。"),
    ("recording_media", "前項の書類の提出は、フレキシブルディスクを提出する方法により行うことができる。"),
    ("recording_media", "届出は、磁気テープに記録して提出することができる。"),
]

HARD_NEGATIVES = [
    # definition
    "この条例において「立入検査」とは、市長が職員に事業所へ立ち入らせ、帳簿書類を検査させることをいう。",
    # penalty that only cites the duty
    "第十二条第一項の規定による立入検査を拒み、妨げ、又は忌避した者は、二十万円以下の罰金に処する。",
    # pure delegation
    "縦覧の手続その他必要な事項は、規則で定める。",
    # application of another provision
    "第五条の規定は、前項の掲示について準用する。",
    # keeping records without viewing by others
    "事業者は、帳簿を事務所に備え付けておかなければならない。",
    # administration's own service
    "市は、市民の防災意識の向上を図るため、講習会を開催することができる。",
    # purpose clause
    "この条例は、空家等の適切な管理について必要な事項を定めることにより、生活環境の保全を図ることを目的とする。",
    # "掲げる" meaning "listed"
    "駐輪場に駐車できるものは、次の各号に掲げるものとする。",
    # a road sign regulated for its size
    "道路標識の寸法は、別表第二に定めるとおりとする。",
    # periodic reporting, no inspection
    "事業者は、毎年度、事業の実施状況を市長に報告しなければならない。",
    # the medium named only inside a parenthetical reference
    "選挙人名簿に記載（第十九条第三項の規定により磁気ディスクをもつて調製する選挙人名簿にあつては、記録）をされている者",
]


@pytest.mark.parametrize("type_id,text", POSITIVES)
def test_each_type_fires_on_its_wording(rules_only: Detector, type_id: str, text: str) -> None:
    _ua, passed = rules_only.predict(text)
    assert type_id in passed


@pytest.mark.parametrize("text", HARD_NEGATIVES)
def test_hard_negatives_stay_silent(rules_only: Detector, text: str) -> None:
    _ua, passed = rules_only.predict(text)
    assert passed == {}


def test_every_type_has_a_positive_case() -> None:
    assert {t for t, _ in POSITIVES} == set(TYPE_IDS)


def test_entry_naming_books_and_buildings_is_both_types(rules_only: Detector) -> None:
    text = "市長は、職員に、事業場に立ち入り、施設の構造及び帳簿書類その他の物件を検査させることができる。"
    _ua, passed = rules_only.predict(text)
    assert {"onsite_audit", "visual_inspection"} <= set(passed)


def _doc(text: str, context: str = "") -> tuple[Document, Unit]:
    unit = Unit(id="d:第1条", citation="第1条", text=text, start=0, end=len(text), context=context)
    return Document(doc_id="d", title="テスト条例", units=[unit], text=text), unit


def test_evidence_offsets_point_at_original_characters(rules_only: Detector) -> None:
    # full-width digits and kanji numerals are normalised for matching; offsets stay in the original
    text = "管理者ハ毎年一回以上当該施設ノ点検ヲ行ヒ及ビ公衆ノ縦覧ニ供スベシ"  # カタカナ書きの旧法令
    doc, unit = _doc(text)
    findings = {f.type: f for f in rules_only.unit_findings(doc, unit)}
    # a fixed-period check of a facility is both 定期検査 and 目視 (labelling policy)
    assert set(findings) == {"periodic_inspection", "visual_inspection", "visit_viewing"}
    for f in findings.values():
        assert f.evidence
        for e in f.evidence:
            assert text[e.start:e.end] == e.text
    assert [e.text for e in findings["visit_viewing"].evidence] == ["公衆ノ縦覧ニ供ス"]
    assert [e.text for e in findings["periodic_inspection"].evidence] == ["毎年一回以上当該施設ノ点検"]

    text = "事業者は、毎年１回以上、当該設備の点検を行わなければならない。"  # full-width digits
    doc, unit = _doc(text)
    f = {f.type: f for f in rules_only.unit_findings(doc, unit)}["periodic_inspection"]
    assert [(e.start, e.end, e.text) for e in f.evidence] == [(5, 19, "毎年１回以上、当該設備の点検")]


def test_digital_alternative_from_unit_and_lead_in(rules_only: Detector) -> None:
    text = "市長は、前項の計画を公衆の縦覧に供するとともに、インターネットの利用その他の方法により公表しなければならない。"
    doc, unit = _doc(text)
    (f,) = rules_only.unit_findings(doc, unit)
    assert f.type == "visit_viewing" and f.digital_alternative
    assert [e.text for e in f.digital_evidence] == ["インターネット"]
    assert text[f.digital_evidence[0].start:f.digital_evidence[0].end] == "インターネット"

    lead = "公告は、次に掲げる方法により行う。この場合において、電磁的方法によることができる。"
    doc, unit = _doc("市役所前の掲示場に掲示して行う方法", context=lead)
    (f,) = rules_only.unit_findings(doc, unit)
    assert f.type == "document_posting" and f.digital_alternative
    assert f.digital_evidence[0].role == "digital_context"
    assert lead[f.digital_evidence[0].start:f.digital_evidence[0].end] == "電磁的方法"


def test_patterns_step_over_parentheticals_but_ignore_triggers_inside_them(rules_only: Detector) -> None:
    text = ("市町村長は、住民票を磁気ディスク（これに準ずる方法により一定の事項を確実に記録しておくことができる物を含む。"
            "以下同じ。）をもつて調製することができる。")
    doc, unit = _doc(text)
    (f,) = rules_only.unit_findings(doc, unit)
    assert f.type == "recording_media"
    assert [e.text for e in f.evidence] == [text[text.index("磁気ディスク"):text.index("調製する") + 4]]
    # the same medium only inside a parenthetical reference is not a finding (HARD_NEGATIVES has one)
    _ua, passed = rules_only.predict("選挙人名簿（磁気ディスクをもつて調製する選挙人名簿を含む。）の抄本を閲覧に供する。")
    assert "recording_media" not in passed


def test_electronic_records_inside_a_parenthetical_are_no_digital_alternative(rules_only: Detector) -> None:
    text = ("市長は、その職員に、事業者の事務所に立ち入り、帳簿書類（その作成又は保存に代えて電磁的記録の作成又は"
            "保存がされている場合における当該電磁的記録を含む。）を検査させることができる。")
    doc, unit = _doc(text)
    (f,) = rules_only.unit_findings(doc, unit)
    assert f.type == "onsite_audit" and not f.digital_alternative and f.digital_evidence == []


def test_findings_carry_rule_ids_and_techmap() -> None:
    detector = Detector(model=None)
    doc, unit = _doc("講習を修了した者でなければ、管理者となることができない。")
    (f,) = detector.unit_findings(doc, unit)
    assert f.type == "in_person_training"
    assert f.rule_ids == ["in_person_training.completed_course"]
    assert f.techmap == {}  # linked after detection, by its own stage
    link_techmap(f)
    assert f.techmap["catalog"]["name"] == "講習・試験"
    rec = f.record()
    assert rec["citation"] == "第1条" and rec["title"] == "テスト条例" and rec["unit_id"] == "d:第1条"


def test_types_filter_and_threshold() -> None:
    detector = Detector(model=None, types=["visit_viewing"], min_score=0.99)
    doc, unit = _doc("営業者は、許可証を営業所の見やすい場所に掲示しなければならない。")
    assert detector.unit_findings(doc, unit) == []
    with pytest.raises(ValueError):
        Detector(model=None, types=["no_such_type"])


def test_lemma_pattern_syntax() -> None:
    pat = compile_lemma_pattern("立入 ~3 検査")
    assert pat.search(" 立入 、 帳簿 を 検査 ")
    assert not pat.search(" 立入 a b c d 検査 ")
    assert compile_lemma_pattern("縦覧 に? 供する").search(" 縦覧 供する ")
    with pytest.raises(ValueError):
        compile_lemma_pattern("~2 検査")


def test_rule_files_validate(tmp_path) -> None:
    rules = load_rules()
    assert list(rules.types) == list(TYPE_IDS)
    assert all(r.id.startswith(r.type + ".") for r in rules.rules)
    bad = tmp_path / "rules"
    (bad / "types").mkdir(parents=True)
    (bad / "common.toml").write_text("[obligation]\npatterns=[\"ない\"]\n", encoding="utf-8")
    (bad / "types" / "x.toml").write_text(
        '[type]\nid="visual_inspection"\nnet=["目視"]\n[[rules]]\nid="visual_inspection.a"\nweight=2\npatterns=["目視"]\n',
        encoding="utf-8")
    with pytest.raises(RuleError, match="weight"):
        load_rules(bad)


def test_net_word_does_not_count_after_an_enumeration(rules_only: Detector) -> None:
    matcher = rules_only.matcher
    enumeration = "前項の申請書には、次の各号に掲げる書類を添付しなければならない。"
    assert not matcher.is_candidate(enumeration) and not matcher.analyse(enumeration).candidate
    assert not matcher.is_candidate("別表第二の上欄に掲げる施設の区分に応じ、同表の下欄に定める額とする。")
    posting = "営業者は、許可証を営業所の見やすい場所に掲げなければならない。"
    ua = matcher.analyse(posting)
    assert matcher.is_candidate(posting) and [e.text for e in ua.net_evidence["document_posting"]] == [
        "見やすい場所", "掲げ"]


def test_net_not_after_is_validated(tmp_path) -> None:
    bad = tmp_path / "rules"
    (bad / "types").mkdir(parents=True)
    (bad / "common.toml").write_text("[obligation]\npatterns=[\"ない\"]\n", encoding="utf-8")
    (bad / "types" / "x.toml").write_text(
        '[type]\nid="document_posting"\nnet=["掲げ"]\nnet_not_after={"掲げ"="(号|次の各号)に"}\n'
        '[[rules]]\nid="document_posting.a"\nweight=0.5\npatterns=["掲示"]\n', encoding="utf-8")
    with pytest.raises(RuleError, match="net_not_after '掲げ': bad pattern"):  # a lookbehind needs a fixed width
        load_rules(bad)
    (bad / "types" / "x.toml").write_text(
        '[type]\nid="document_posting"\nnet=["掲げ"]\nnet_not_after={"掲示"="次に"}\n'
        '[[rules]]\nid="document_posting.a"\nweight=0.5\npatterns=["掲示"]\n', encoding="utf-8")
    with pytest.raises(RuleError, match="must map words of type.net"):
        load_rules(bad)

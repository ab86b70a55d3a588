"""rules/techmap data, the finding → technology-map linker, and the ``techmap`` command."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from analogscan.techmap import TYPE_IDS, TechmapDataError, link, load
from analogscan.techmap.cli import techmap_command
from analogscan.techmap.linker import Linker

CREDIT = ("「テクノロジーマップ・技術カタログ」（デジタル庁）"
          "https://www.digital.go.jp/policies/technology-map を加工して作成")
VISUAL_PHASE = ("フェーズ1「従来の目視・実地監査規制」→ フェーズ2「情報収集の遠隔化、人による評価」→ "
                "フェーズ3「判断の精緻化、自動化・無人化」")
PERIODIC_PHASE = ("フェーズ1「従来の定期検査・点検規制」→ フェーズ2「デジタル技術の活用による規制目的の達成」→ "
                  "フェーズ3「定期の検査・調査・測定の撤廃」")


@pytest.fixture(scope="module")
def techdir(repo: Path) -> Path:
    return repo / "rules" / "techmap"


@pytest.fixture(scope="module")
def raw(techdir: Path) -> dict:
    return json.loads((techdir / "techmap.json").read_text(encoding="utf-8"))


def ids(result: dict) -> list[int]:
    return [r["row"] for r in result["rows"]]


# --- the converted data -------------------------------------------------------------------

def test_credit_line_in_data_and_source_md(raw: dict, techdir: Path) -> None:
    assert raw["credit"] == CREDIT
    assert raw["origin"] == {"repository": "TakahiroATanaka/datechmap", "commit": "5b89a14",
                             "data_state": "2024-06-28"}
    assert "加工" in raw["note"] or "変換・編集" in raw["note"]
    assert CREDIT in (techdir / "SOURCE.md").read_text(encoding="utf-8")


def test_counts_and_catalog_categories(raw: dict) -> None:
    assert len(raw["pattern2_rows"]) == 33
    assert [r["row"] for r in raw["pattern2_rows"]] == list(range(4, 37))
    assert sum(len(r["tech_types"]) for r in raw["pattern2_rows"]) == 939  # = derived pattern-2 cells
    assert len(raw["tech_types"]) == 43
    assert len(raw["catalog_products"]) == 196
    cats = {k: (v["name"], v["product_count"]) for k, v in raw["catalog_categories"].items()}
    assert cats == {
        "10001": ("講習・試験", 18),
        "10002": ("往訪閲覧・縦覧", 6),
        "10003": ("事業場の管理・業務状況等の確認（実地調査）", 23),
        "10004": ("広域な利用状況・被害等の把握", 43),
        "10005": ("侵入痕跡・状況異変を検知する見張り", 20),
        "10006": ("目視等による施工・経年劣化・安全措置対策状況等確認", 68),
        "10007": ("測定・分析", 18),
    }


def test_rows_keep_the_map_labels(raw: dict) -> None:
    row4 = raw["pattern2_rows"][0]
    assert row4["趣旨"] == "情報に基づき、安全性等を判断・維持する"
    assert row4["業務類型"] == "検査・点検・監査"
    assert row4["管理対象（例）"] == "屋外環境（山(森林)・川・海等）、土地、天候"
    assert row4["管理に必要なデータ内容"] == "利用状況"
    assert row4["tech_types"][:3] == ["1001", "1003", "1004"]
    cats = [r["業務類型"] for r in raw["pattern2_rows"]]
    assert sorted(set(cats), key=cats.index) == [
        "検査・点検・監査", "監視・見張り・監督", "診断・診察", "身分・能力証明", "講習・教育",
        "記録・保管", "報告・申請・提出", "公示・掲示", "閲覧・交付", "契約・取引・決済"]
    # grid labels that differ from the 43-type list are kept as map_label
    assert raw["tech_types"]["1028"]["map_label"] == "画像認識（物体認識・物体検出・セグメンテーション）"
    assert list(raw["tech_types"])[9:12] == ["1010", "1012", "1011"]  # column order, not id order


def test_all_referenced_ids_exist(raw: dict, techdir: Path) -> None:
    links = json.loads((techdir / "type_links.json").read_text(encoding="utf-8"))["types"]
    assert list(links) == list(TYPE_IDS)
    rows = {r["row"]: r for r in raw["pattern2_rows"]}
    for row in rows.values():
        assert set(row["tech_types"]) <= set(raw["tech_types"])
    for p in raw["catalog_products"]:
        assert p["category"] in raw["catalog_categories"]
    for type_id, t in links.items():
        groups = [(t["default_rows"], t["default_catalog"], t["default_reason"])]
        groups += [(r["rows"], r["catalog"], r["reason"]) for r in t["refinements"]]
        for row_ids, cat, reason in groups:
            assert reason, type_id
            assert all(rows[r]["業務類型"] in t["業務類型"] for r in row_ids), type_id
            assert cat is None or cat in raw["catalog_categories"], type_id
    assert len(load(techdir).types) == 8


# --- validation ---------------------------------------------------------------------------

def broken_copy(techdir: Path, tmp_path: Path, edit) -> Path:
    for name in ("techmap.json", "type_links.json"):
        shutil.copy(techdir / name, tmp_path / name)
    links = json.loads((tmp_path / "type_links.json").read_text(encoding="utf-8"))
    tm = json.loads((tmp_path / "techmap.json").read_text(encoding="utf-8"))
    edit(tm, links["types"])
    (tmp_path / "type_links.json").write_text(json.dumps(links, ensure_ascii=False), encoding="utf-8")
    (tmp_path / "techmap.json").write_text(json.dumps(tm, ensure_ascii=False), encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize("edit, message", [
    (lambda tm, t: t.__setitem__("paper_form", t["visual_inspection"]),
     "type_links.json: unknown type ids ['paper_form']"),
    (lambda tm, t: t.pop("recording_media"), "type_links.json: no link for type ids ['recording_media']"),
    (lambda tm, t: t["onsite_audit"]["refinements"][0].__setitem__("rows", [99]),
     "type_links onsite_audit refinement 0: row 99 is not a パターン2 row"),
    (lambda tm, t: t["visit_viewing"].__setitem__("default_catalog", "10099"),
     "type_links visit_viewing: catalog category '10099' does not exist"),
    (lambda tm, t: t["in_person_training"].__setitem__("default_rows", [34]),
     "type_links in_person_training: row 34 is 公示・掲示, not one of the type's 業務類型"),
    (lambda tm, t: tm["pattern2_rows"][0]["tech_types"].append("1999"),
     "techmap.json: row 4 names unknown 技術類型 '1999'"),
])
def test_invalid_data_is_rejected(techdir: Path, tmp_path: Path, edit, message: str) -> None:
    with pytest.raises(TechmapDataError) as err:
        load(broken_copy(techdir, tmp_path, edit))
    assert str(err.value).startswith(message)


def test_missing_directory(tmp_path: Path) -> None:
    with pytest.raises(TechmapDataError, match="techmap.json not found"):
        load(tmp_path)


# --- link() -------------------------------------------------------------------------------

def test_training_completion() -> None:
    r = link("in_person_training", "講習を修了した者")
    assert r["type_name"] == "対面講習規制"
    assert r["catalog"] == {"id": "10001", "name": "講習・試験"}
    assert ids(r) == [30, 31]
    assert [x["業務類型"] for x in r["rows"]] == ["身分・能力証明", "講習・教育"]
    assert r["rows"][1]["管理対象"] == "知識、技能等"
    assert r["matched_objects"] == ["講習", "修了"]


def test_river_patrol_selects_wide_area_catalog() -> None:
    r = link("visual_inspection", "河川の状況を巡視し")
    assert r["catalog"] == {"id": "10004", "name": "広域な利用状況・被害等の把握"}
    assert ids(r) == [4, 5, 25]
    assert "川" in r["rows"][0]["管理対象"]
    assert [x["データ内容"] for x in r["rows"]] == ["利用状況", "生態系・自然物", "侵入痕跡・状況異変"]
    assert r["matched_objects"] == ["河川", "巡視"]
    assert r["reason"].startswith("対象語「河川」により行4・5を選んだ: ")
    assert "対象語「巡視」により行25を選んだ" in r["reason"]


def test_building_inspection() -> None:
    r = link("visual_inspection", "建築物の状況を目視により確認")
    assert r["catalog"] == {"id": "10006", "name": "目視等による施工・経年劣化・安全措置対策状況等確認"}
    assert ids(r) == [13, 14, 15, 16]
    assert r["rows"][0]["管理対象"] == "製品・食品、器具、設備、建築物等"
    assert r["matched_objects"] == ["建築物"]


def test_visual_default_without_object_words() -> None:
    r = link("visual_inspection", "目視により確認しなければならない")
    assert ids(r) == [8, 9, 10, 13, 14, 15]
    assert r["catalog"]["id"] == "10006"
    assert r["matched_objects"] == []
    assert r["reason"].startswith("対象語が見当たらないため目視規制の既定の行8・9・10・13・14・15を選んだ")


def test_watch_and_measurement_refinements() -> None:
    watch = link("visual_inspection", "区域内をﾊﾟﾄﾛｰﾙし")  # half-width katakana, NFKC → パトロール
    assert watch["matched_objects"] == ["パトロール"]
    assert watch["catalog"] == {"id": "10005", "name": "侵入痕跡・状況異変を検知する見張り"}
    assert ids(watch) == [25]
    water = link("periodic_inspection", "浄化槽の水質検査を毎年1回受けなければならない")
    assert water["catalog"] == {"id": "10007", "name": "測定・分析"}
    assert ids(water) == [6, 12, 14, 15, 16, 17]
    assert water["matched_objects"] == ["浄化槽", "水質"]


def test_context_is_searched() -> None:
    r = link("visual_inspection", "その状況を調査させることができる", context="森林の土地の所有者届出")
    assert r["matched_objects"] == ["森林", "土地"]
    assert r["catalog"]["id"] == "10004"


def test_onsite_audit_books() -> None:
    r = link("onsite_audit", "事務所に立ち入り、帳簿書類その他の物件を検査させる")
    assert r["catalog"] == {"id": "10003", "name": "事業場の管理・業務状況等の確認（実地調査）"}
    assert ids(r) == [23, 27]
    assert r["matched_objects"] == ["事務所", "帳簿", "書類"]
    assert r["phase"].startswith(VISUAL_PHASE)


def test_recording_media_has_no_catalog() -> None:
    r = link("recording_media", "フレキシブルディスクを提出することにより行う")
    assert r["catalog"] is None
    assert ids(r) == [33]
    assert r["reason"].endswith("技術カタログに該当する分類はない。")
    default = link("recording_media", "磁気テープをもって調製する")
    assert ids(default) == [32]  # 調製 → 記録・保管
    assert link("recording_media", "磁気ディスク")["reason"].startswith(
        "対象語が見当たらないためFD等記録媒体を指定する規制の既定の行32・33を選んだ")


def test_phases() -> None:
    phases = {t: link(t, "") for t in TYPE_IDS}
    assert all(r["phase"] for r in phases.values())
    assert phases["visual_inspection"]["phase"] == (
        VISUAL_PHASE + "（出典: 第3回デジタル臨時行政調査会（目視・実地監査規制の見直しの方向性））")
    assert phases["periodic_inspection"]["phase"].startswith(PERIODIC_PHASE)
    assert {t: r["phase_source"] for t, r in phases.items()} == {
        "visual_inspection": "official", "onsite_audit": "official", "periodic_inspection": "official",
        "resident_staff": "analogscan_summary", "in_person_training": "agency_text",
        "document_posting": "analogscan_summary", "visit_viewing": "agency_text",
        "recording_media": "analogscan_summary"}
    for t in ("resident_staff", "document_posting", "recording_media"):
        assert phases[t]["phase"].startswith("【analogscanによる要約（デジタル庁の文言ではない）】")


def test_agency_quotes_are_in_the_agency_texts(shared: Path) -> None:
    docs = shared / "techmap" / "docs-text"
    texts = {p.name: "".join(p.read_text(encoding="utf-8").split()) for p in docs.glob("*.txt")}
    for type_id, doc in (("in_person_training", "10001_policies_technology-catalog_outline_01_20231013.txt"),
                         ("visit_viewing", "10002_policies_technology-catalog_outline_01_20231013.txt")):
        quote = load().types[type_id].phase_text
        assert quote.startswith("「") and quote.endswith("」")
        assert "".join(quote.split()) in texts[doc], type_id


def test_credit_and_shape_of_every_link() -> None:
    for t in TYPE_IDS:
        r = link(t, "")
        assert r["credit"] == CREDIT
        assert sorted(r) == ["catalog", "credit", "matched_objects", "phase", "phase_source", "reason",
                             "rows", "tech_types", "type_name"]
        names = [x["name"] for x in r["tech_types"]]
        assert len(names) == len(set(names))
        json.dumps(r, ensure_ascii=False)


def test_tech_types_deduplicated_in_map_order() -> None:
    r = link("recording_media", "")
    first_row, second_row = r["rows"][0]["tech_types"], r["rows"][1]["tech_types"]
    names = [x["name"] for x in r["tech_types"]]
    assert set(names) == set(first_row) | set(second_row)
    assert len(names) == 29
    # row 32 starts カメラ, オンライン手続き; row 33 adds 光・電磁波センサ and 音響・超音波センサ between them
    assert names[:4] == ["カメラ（画像・動画・衛星画像）", "光・電磁波センサ（レーザー計測量、放射線）",
                         "音響・超音波センサ（音波）", "オンライン手続き（入力情報）"]
    column = {t["name"]: i for i, t in enumerate(load().tech_types.values())}
    assert [column[n] for n in names] == sorted(column[n] for n in names)
    assert r["tech_types"][0]["概要"].startswith("静止画や動画を取得する機器。")


def test_results_are_independent_copies() -> None:
    first = link("visit_viewing", "縦覧に供する")
    first["rows"][0]["tech_types"].clear()
    first["catalog"]["name"] = "changed"
    again = link("visit_viewing", "縦覧に供する")
    assert again["catalog"] == {"id": "10002", "name": "往訪閲覧・縦覧"}
    assert len(again["rows"][0]["tech_types"]) == 24


def test_unknown_type_raises_value_error() -> None:
    with pytest.raises(ValueError, match="unknown analog type id 'paper'"):
        link("paper", "講習")


def test_linker_on_loaded_map(techdir: Path) -> None:
    linker = Linker(load(techdir))
    assert linker.match("resident_staff", "営業所ごとに専任の技術者を置く") == [("営業所", 2), ("技術者", 1)]


# --- converter ----------------------------------------------------------------------------

def test_converter_reproduces_committed_data(shared: Path, repo: Path, techdir: Path, tmp_path: Path) -> None:
    shutil.copy(techdir / "type_links.json", tmp_path / "type_links.json")
    done = subprocess.run([sys.executable, str(repo / "tools" / "convert_techmap.py"),
                           "--source", str(shared / "techmap"), "--out", str(tmp_path)],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert "33 rows, 43 技術類型, 7 catalog categories, 196 products" in done.stdout
    assert (tmp_path / "techmap.json").read_bytes() == (techdir / "techmap.json").read_bytes()


# --- the command --------------------------------------------------------------------------

def invoke(*args: str):
    return CliRunner().invoke(techmap_command, list(args), env={"COLUMNS": "200"})


def test_command_table_output() -> None:
    res = invoke("visual_inspection", "--object", "河川")
    assert res.exit_code == 0, res.output
    out = res.output
    assert out.startswith("目視規制 (visual_inspection)  業務類型: 検査・点検・監査、監視・見張り・監督\n")
    assert "対象語 河川 → 河川" in out
    assert "技術カタログ: 広域な利用状況・被害等の把握 (10004, 43 製品・サービス)" in out
    assert "屋外環境（山(森林)・川・海等）、土地、天候" in out
    assert "AMBL(アンブル)画像AI分析（AMBL株式会社）" in out
    assert "フェーズ2「情報収集の遠隔化、人による評価」" in out
    assert out.rstrip().endswith(CREDIT)


def test_command_no_catalog_and_json() -> None:
    out = invoke("recording_media").output
    assert "技術カタログ: 該当する分類なし" in out
    res = invoke("in_person_training", "--object", "講習", "--json")
    assert res.exit_code == 0
    assert json.loads(res.output) == link("in_person_training", "講習")


def test_command_rejects_unknown_type() -> None:
    res = invoke("paper")
    assert res.exit_code == 2
    assert "unknown type 'paper'; choose from 目視 (visual_inspection), 実地監査 (onsite_audit)," in res.output

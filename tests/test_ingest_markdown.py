"""Rule books rendered as Markdown (「# 題名」「### 第1条」「#### 2 …」「##### (1) …」, 「| 表 |」): the
23 Tokyo wards of corpus/ordinances/tokyo23-arch, and a synthetic file for the shapes they use."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_fuzz_readers import assert_offsets

from analogscan.batch.roots import discover
from analogscan.cli import main
from analogscan.ingest import plaintext, read_paths
from analogscan.ingest.places import body_of, folder_municipality
from analogscan.model import Document, ReadError

WARDS = {
    "01_minato-ku": "港区", "02_Chiyoda-ku": "千代田区", "03_Chuo-ku": "中央区", "04_Shibuya-ku": "渋谷区",
    "05_Shinjuku-ku": "新宿区", "06_Bunkyo-ku": "文京区", "07_Shinagawa-ku": "品川区", "08_Meguro-ku": "目黒区",
    "09_Toshima-ku": "豊島区", "10_Taito-ku": "台東区", "11_Sumida-ku": "墨田区", "12_Koto-ku": "江東区",
    "13_Ota-ku": "大田区", "14_Setagaya-ku": "世田谷区", "15_Suginami-ku": "杉並区", "16_Nakano-ku": "中野区",
    "17_Nerima-ku": "練馬区", "18_Itabashi-ku": "板橋区", "19_Kita-ku": "北区", "20_Arakawa-ku": "荒川区",
    "21_Adachi-ku": "足立区", "22_Katsushika-ku": "葛飾区", "23_Edogawa-ku": "江戸川区",
}
# 告示 that designate roads in numbered paragraphs: they have no 条 at all
NO_ARTICLES = {"（昭和50年3月）建築基準法第四十二条第二項の規定による道路の指定(昭和50年3月31日告示第14号)",
               "（昭和50年4月）建築基準法第４２条第２項の規定に基づく道路の指定"}

SYNTHETIC = """---

# 見本区みどりの条例

平成十年三月一日
条例第五号

##目次
第一章　総則（第一条・第二条）
第2章支援（第3条）
付則

## 第一章 総則

（目的）
### 第一条 
この条例は、みどりを守ることを目的とする。

### 第２条 定義
この条例において、次の各号に掲げる用語の意義は、当該各号に定めるところによる。
##### 一 区民
    区内に居住する者をいう。
##### 二 事業者
    区内で事業を行う者をいう。

## 第2章 支援

（届出）
### 第三条の二
区長は、次の表に掲げる書類を閲覧に供しなければならない。
| 書類 | 期間 |
| --- | --- |
| 台帳 | 五年 |
| 図面 | 十年 |
## 2　区長は、掲示しなければならない。

### 第4条及び第5条 削除

#### 附　則
この条例は、公布の日から施行する。

#### 附則(平成二一年三月二五日条例第一○号)抄
- 1　この条例は、平成二十一年四月一日から施行する。
- 2　経過措置は、規則で定める。

### 別表第二(第三条関係)
| 区分 | 基準 |
| --- | --- |
| 一 | 高さ十メートル |
| 二 | 高さ二十メートル |

---

## このファイルについて
出典：見本区例規集
"""


def _cites(doc: Document) -> list[tuple[str, str]]:
    return [(u.citation, u.text) for u in doc.units]


def test_markdown_structure_citations_captions_tables() -> None:
    [doc] = plaintext.read(SYNTHETIC, "x.txt", "13_minato-ku/見本")
    assert_offsets([doc])
    assert (doc.title, doc.body, doc.kind, doc.number) == ("見本区みどりの条例", "見本区", "条例", "条例第五号")
    assert _cites(doc) == [
        ("第1条", "この条例は、みどりを守ることを目的とする。"),
        ("第2条", "この条例において、次の各号に掲げる用語の意義は、当該各号に定めるところによる。"),
        ("第2条第1号", "区民 区内に居住する者をいう。"),
        ("第2条第2号", "事業者 区内で事業を行う者をいう。"),
        ("第3条の2第1項", "区長は、次の表に掲げる書類を閲覧に供しなければならない。"),
        ("第3条の2の表（第1行）", "台帳\t五年"),
        ("第3条の2の表（第2行）", "図面\t十年"),
        ("第3条の2第2項", "区長は、掲示しなければならない。"),
        ("第4条", "削除"),
        ("附則", "この条例は、公布の日から施行する。"),
        ("附則（平成二一年条例第一○号）第1項", "この条例は、平成二十一年四月一日から施行する。"),
        ("附則（平成二一年条例第一○号）第2項", "経過措置は、規則で定める。"),
        ("別表第2（第1行）", "一\t高さ十メートル"),
        ("別表第2（第2行）", "二\t高さ二十メートル"),
    ]
    by = {u.citation: u for u in doc.units}
    assert by["第1条"].caption == "（目的）" and by["第2条第1号"].caption == "（定義）"
    assert by["第2条第2号"].context == "この条例において、次の各号に掲げる用語の意義は、当該各号に定めるところによる。"
    assert by["第3条の2の表（第1行）"].context == "書類\t期間" and by["第3条の2の表（第1行）"].caption == "（届出）"
    assert by["別表第2（第1行）"].context == "区分\t基準"
    assert "出典" not in doc.text and "#" not in doc.text


def test_body_from_the_title_or_the_folder() -> None:
    assert body_of("港区景観条例") == "港区"
    assert body_of("東京都台東区景観条例") == "台東区"
    assert body_of("東京東京都台東区中高層建築物の建築に係る紛争の予防と調整に関する条例施行規則") == "台東区"
    assert body_of("建築基準法施行細則", "tokyo23-arch/08_Meguro-ku/建築基準法施行細則") == "目黒区"
    assert body_of("建築基準法施行細則", "reiki/建築基準法施行細則") == ""
    assert [folder_municipality(k) for k in WARDS] == list(WARDS.values())
    assert folder_municipality("かつらぎ町") is None


def test_plain_text_with_a_hash_line_is_not_markdown() -> None:
    assert not plaintext.is_markdown("# メモ\n第1条 職員は、掲示しなければならない。\n")


# ------------------------------------------------------------------ the real corpus
@pytest.fixture(scope="module")
def tokyo23(shared: Path) -> Path:
    root = shared / "corpus" / "ordinances" / "tokyo23-arch"
    if not root.is_dir():
        pytest.skip(f"{root} not found")
    return root


@pytest.fixture(scope="module")
def tokyo23_docs(tokyo23: Path) -> list[Document | ReadError]:
    return list(read_paths([tokyo23]))


def _doc(docs: list[Document | ReadError], ward: str, name: str) -> Document:
    [doc] = [d for d in docs if isinstance(d, Document) and d.doc_id == f"tokyo23-arch/{ward}/{name}"]
    return doc


def test_all_195_files_read_with_article_citations(tokyo23_docs: list[Document | ReadError]) -> None:
    errors = [d for d in tokyo23_docs if isinstance(d, ReadError)]
    docs = [d for d in tokyo23_docs if isinstance(d, Document)]
    assert not errors, errors[:3]
    assert len(docs) == 195
    assert_offsets(docs)
    without = {d.doc_id.rsplit("/", 1)[1] for d in docs
               if not any(re.match(r"^(?:附則(?:（[^）]*）)?)?第\d+条", u.citation) for u in d.units)}
    assert without == NO_ARTICLES
    for d in docs:
        assert d.title and "#" not in d.title, d.doc_id
        assert d.body == WARDS[d.doc_id.split("/")[1]], (d.doc_id, d.body)

    def having(citation: str) -> set[str]:
        return {d.doc_id.split("/", 1)[1] for d in docs if any(u.citation == citation for u in d.units)}

    # the amendment lists and notes under the titles stay out of the units: 前文 only where there is one
    assert having("前文") == {
        "02_Chiyoda-ku/（平成27年12月）千代田区住宅基本条例", "10_Taito-ku/（平成24年3月）東京都台東区景観条例",
        "11_Sumida-ku/（平成23年12月）墨田区景観条例", "14_Setagaya-ku/（平成30年3月）世田谷区風景づくり条例",
        "17_Nerima-ku/（令和2年6月）練馬区みどりを愛し守りはぐくむ条例",
        "18_Itabashi-ku/（令和6年6月）東京都板橋区緑化の推進に関する条例"}
    assert {n.split("/")[1] for n in having("本則")} == NO_ARTICLES | {"（令和6年3月）千代田区総合設計許可要綱"}


def test_minato_toc_items_and_suppl(tokyo23_docs: list[Document | ReadError]) -> None:
    doc = _doc(tokyo23_docs, "01_minato-ku", "（平成21年4月）港区みどりを守る条例")
    assert (doc.title, doc.body, doc.number) == ("港区みどりを守る条例", "港区", "条例第二十九号")
    cites = [u.citation for u in doc.units]
    assert cites[:6] == ["第1条", "第2条", "第2条第1号", "第2条第2号", "第2条第3号", "第3条第1項"]
    assert cites[-4:] == ["附則", "附則（昭和五四年条例第一一号）", "附則（平成二一年条例第一○号）第1項",
                          "附則（平成二一年条例第一○号）第2項"]
    by = {u.citation: u for u in doc.units}
    assert by["第14条第1項第2号"].text == "所有者等から指定解除の申請があつたとき。"
    assert by["第14条第1項第2号"].context == "区長は、次の各号のいずれかに該当するときは、保護樹木等の指定を解除することができる。"
    assert by["第14条第1項第2号"].caption == "（指定の解除）"
    assert by["第20条第2項"].text.startswith("みどりの活動員等は、区の施策に協力する")  # written 「## 2」
    assert by["第2条第1号"].text == "区民 区内に居住し、勤務し、又は在学する者をいう。"


def test_minato_district_plan_table_rows(tokyo23_docs: list[Document | ReadError]) -> None:
    """Refused before (one 別表 unit of 200,000 characters): now one unit a row."""
    doc = _doc(tokyo23_docs, "01_minato-ku", "（令和7年3月）港区地区計画の区域内における建築物の制限に関する条例")
    by = {u.citation: u for u in doc.units}
    assert by["第1条"].caption == "（目的）"  # 「### 第1条 目的」
    assert by["第13条の2"].caption == "（建築物の建築の限界）"
    assert by["第8条第3項第2号"].text.startswith("第一項の規定に適合するに至った建築物の敷地")
    row = by["別表第1（第1行）"]
    assert (row.kind, row.context) == ("table_row", "名称\t区域")
    assert row.text.startswith("臨海副都心台場地区地区整備計画\t都市計画法第二十一条第二項")
    rows2 = [u for u in doc.units if u.citation.startswith("別表第2（")]
    assert len(rows2) > 100 and max(len(u.text) for u in doc.units) < 10_000


def test_chiyoda_table_in_an_article_and_amendment_suppl(tokyo23_docs: list[Document | ReadError]) -> None:
    doc = _doc(tokyo23_docs, "02_Chiyoda-ku", "（令和3年4月）千代田区中高層階住居専用地区建築条例施行規則")
    assert (doc.title, doc.body) == ("千代田区中高層階住居専用地区建築条例施行規則", "千代田区")
    assert [u.citation for u in doc.units] == [
        "第1条", "第2条第1項", "第2条の表（第1行）", "第2条の表（第2行）", "第2条の表（第3行）", "第2条の表（第4行）",
        "第2条の表（第5行）", "第2条第2項", "附則", "附則（令和3年規則第29号）第1項", "附則（令和3年規則第29号）第2項"]
    by = {u.citation: u for u in doc.units}
    assert by["第2条の表（第1行）"].text == "付近見取図\t方位、道路及び目標となる地物"
    assert by["附則（令和3年規則第29号）第2項"].caption == "（経過措置）"


def test_meguro_rule_without_the_ward_in_its_title(tokyo23_docs: list[Document | ReadError]) -> None:
    doc = _doc(tokyo23_docs, "08_Meguro-ku", "（令和7年7月）建築基準法施行細則")
    assert (doc.title, doc.body, doc.number) == ("建築基準法施行細則", "目黒区", "規則第13号")
    by = {u.citation: u for u in doc.units}
    assert by["第1条"].caption == "(趣旨)" and by["第1条"].notes == ["(一部改正〔平成30年規則42号〕)"]
    assert by["第4条の2"].caption == "(指定確認検査機関の建築主等の変更等の報告)"
    assert by["第4条第6項"].text == "第2項及び第3項の規定は、法第18条第2項の規定による通知をした者について準用する。"
    assert by["第6条"].text == "削除"  # 「### 第6条及び第7条 削除」
    assert "第9条の表（第6行）" in by  # two tables in 第9条, counted on
    assert not any(u.citation.startswith("附則第") and "条" in u.citation for u in doc.units)


def test_taito_preamble_and_tokyo_prefix(tokyo23_docs: list[Document | ReadError]) -> None:
    doc = _doc(tokyo23_docs, "10_Taito-ku", "（平成24年3月）東京都台東区景観条例")
    assert (doc.title, doc.body) == ("東京都台東区景観条例", "台東区")
    assert [u.citation for u in doc.units[:4]] == ["前文", "第1条", "第2条", "第2条第1号"]
    assert doc.units[-1].citation == "附則（平成24年条例第22号）"


def test_shibuya_and_nerima_full_width_numbers_and_toc(tokyo23_docs: list[Document | ReadError]) -> None:
    doc = _doc(tokyo23_docs, "04_Shibuya-ku", "（平成13年3月）渋谷区みどりの確保に関する条例")
    assert doc.body == "渋谷区"
    assert [u.citation for u in doc.units[:3]] == ["第1条", "第2条第1項", "第2条第2項"]
    doc = _doc(tokyo23_docs, "17_Nerima-ku", "（令和7年6月）練馬区建築基準法施行規則")
    assert doc.body == "練馬区" and doc.units[0].citation == "第1条"


def test_batch_names_the_ward_folders_in_japanese(tokyo23: Path) -> None:
    names = [m.name for m in discover(tokyo23)]
    assert sorted(names) == sorted(WARDS.values())
    minato = next(m for m in discover(tokyo23) if m.name == "港区")
    assert len(minato.files) == 17 and all(f.municipality == "港区" for f in minato.files)


def test_batch_over_ward_folders_compares_wards_by_name(tokyo23: Path, tmp_path: Path) -> None:
    """Two wards' 建築基準法施行細則 (目黒区's title names no ward): findings and groups by Japanese name."""
    root = tmp_path / "root"
    for ward, name in (("01_minato-ku", "（令和7年7月）港区建築基準法施行細則.txt"),
                       ("08_Meguro-ku", "（令和7年7月）建築基準法施行細則.txt")):
        (root / ward).mkdir(parents=True)
        shutil.copy(tokyo23 / ward / name, root / ward / name)
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["batch", str(root), "-o", str(out), "--jobs", "1"])
    assert result.exit_code == 0, result.output
    assert result.stderr.startswith("2 municipalities,")
    recs = [json.loads(line) for line in (out / "findings.jsonl").read_text(encoding="utf-8").splitlines()]
    assert {r["municipality"] for r in recs} == {"港区", "目黒区"}
    assert {r["body"] for r in recs} == {"港区", "目黒区"}
    assert all(r["municipality"] == r["body"] for r in recs)
    cited = re.compile(r"^(?:附則(?:（[^）]*）)?(?:第\d+[条項])?|第\d+条|別表)")  # never 本則~N blocks
    assert all(cited.match(r["citation"]) for r in recs), [r["citation"] for r in recs if not cited.match(r["citation"])]


def test_caption_in_brackets_after_the_article_number(tokyo23_docs: list[Document | ReadError]) -> None:
    doc = _doc(tokyo23_docs, "01_minato-ku", "（令和6年4月）港区自転車等の放置防止及び自転車等駐車場の整備に関する条例")
    by = {u.citation: u for u in doc.units}
    assert by["第34条"].caption == "（指定することができない法人等）"  # 「### 第三十四条 （…）」
    assert by["第34条"].text.startswith("区長は、区議会議員、区長、副区長、教育長並びに")


MD_WORDS = ["#", "##", "###", "####", "#####", "######", "|", "| --- |", "---", "- ", "第1条", "第三条の二", "目的",
            "（目的）", "2", "２", "(1)", "一", "ア", "附則", "付　則", "附則(平成二一年三月二五日条例第一○号)抄", "別表第二",
            "(第三条関係)", "目次", "削除", "及び第5条", "このファイルについて", "区長は、掲示しなければならない。", "　", "\t"]
MD_TEXT = st.lists(st.lists(st.sampled_from(MD_WORDS) | st.text(max_size=5), max_size=6).map(" ".join),
                   max_size=30).map(lambda lines: "# 見本区条例\n### 第1条\n本文。\n" + "\n".join(lines))


@settings(max_examples=150, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(MD_TEXT)
def test_markdown_segmenter_offsets(text: str) -> None:
    docs = plaintext.read(text, "x.txt", "01_minato-ku/x")
    assert_offsets(docs)
    assert all(u.citation for d in docs for u in d.units)

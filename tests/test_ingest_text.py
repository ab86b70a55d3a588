"""The plain-text and JSONL readers: real 例規 pages from excerpts-dev.jsonl (copied here as
literals), small synthetic texts for the rules, three encodings, and both JSONL shapes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from analogscan.ingest import read_paths
from analogscan.ingest.builder import suppl_label
from analogscan.ingest.jsonl import page_doc_id
from analogscan.ingest.plaintext import read
from analogscan.model import Document, ReadError, Unit

# 北広島市 「北広島市公告式規則」 (https://www1.g-reiki.net/kitahiroshima/reiki_honbun/f000RG00000016.html)
KITAHIROSHIMA = (
    "○北広島市公告式規則\n\n"
    "昭和56年3月23日\n\n"
    "規則第7号\n\n"
    "(趣旨)\n\n"
    "第1条 この規則は、地方自治法(昭和22年法律第67号)第16条第5項に規定する市長の定める公表を要する規程以外の告示(以下「告示」という。)の公示について必要な事項を定めるものとする。\n\n"
    "(告示の公示)\n\n"
    "第2条 告示を公示しようとするときは、前文、公示の年月日及び市長名を記入し、市長印を押さなければならない。\n\n"
    "2 告示は、市役所前の掲示場に掲示して公示する。\n\n"
    "(施行期日)\n\n"
    "第3条 告示は、告示に特別の定めがあるものを除くほか、公示の日から施行する。\n\n"
    "附 則\n\n"
    "1 この規則は、公布の日から施行する。\n\n"
    "2 この規則施行の際現に公示されている告示については、なお、従前の例による。\n\n"
    "北広島市公告式規則\n\n"
    "昭和56年3月23日 規則第7号\n\n"
    "(昭和56年3月23日施行)\n\n"
    "体系情報\n"
    "第1編 規/第2章 公告式\n"
    "沿革情報\n"
    "昭和56年3月23日 規則第7号"
)


# 亀岡市 「告示方式の特例」 (https://www.city.kameoka.kyoto.jp/reiki_int/reiki_honbun/k108RG00000018.html)
KAMEOKA = (
    "○告示方式の特例\n\n"
    "昭和32年4月5日\n\n"
    "訓令第2号\n\n"
    "法令又は条例、規則等の規定による特定事件の告示の方法は、本市公報に登載することを原則とするが、本市公報の発行回数等の関係上急施を要する事件についてはその暇のない事例が予想される。そこで公報に登載することができない場合の取扱いを次のように定める。\n\n"
    "1 告示の場所は、法令、条例等に特別の定めがあるもののほか、亀岡市公告式条例(昭和30年亀岡市条例第1号)第2条第2項ただし書の場所とする。\n\n"
    "(昭60訓令8・一部改正)\n\n"
    "2 時宜により、前記場所のほか、適当な場所に掲示することを妨げないがこの場合においては、告示の写し又は抄本とする。\n\n"
    "(昭和60年訓令第8号)\n\n"
    "この訓令は、昭和60年10月1日から施行する。\n\n"
    "告示方式の特例\n\n"
    "昭和32年4月5日 訓令第2号\n\n"
    "(昭和60年10月1日施行)\n\n"
    "体系情報\n"
    "第1編 規/第2章 公告式・公報\n"
    "沿革情報\n"
    "昭和32年4月5日 訓令第2号\n"
    "昭和60年10月1日 訓令第8号"
)


# 東京都 「東京都立産業貿易センター条例施行規則」 (https://www.reiki.metro.tokyo.lg.jp/reiki/reiki_honbun/g101RG00001137.html?id=j4_k2)
TOKYO = (
    "○東京都立産業貿易センター条例施行規則\n\n"
    "昭和五八年五月三〇日\n\n"
    "規則第八〇号\n\n"
    "東京都立産業貿易センター条例施行規則を公布する。\n\n"
    "東京都立産業貿易センター条例施行規則\n\n"
    "(開場時間外の利用)\n\n"
    "第一条 東京都立産業貿易センター条例(昭和五十八年東京都条例第十六号。以下「条例」という。)第六条第二項の規定により東京都立産業貿易センター(以下「センター」という。)の展示室又は会議室の開場時間外の利用(以下「時間外利用」という。)を認める場合は、見本市、展示会等の開催に係る展示品の搬入若しくは搬出、点検若しくは整備又は入替え、造作の取付け又は撤去等のために開場時間と接続して利用する場合で、知事が特に必要があると認めるときとする。\n\n"
    "(昭六〇規則五九・平一〇規則九四・平一三規則一四七・平二九規則一二七・平三一規則四九・一部改正)\n\n"
    "(利用手続)\n\n"
    "第二条 条例第七条第一項の規定によりセンターの施設の利用の承認を受けようとする者は、次に掲げる事項を記載した利用申請書を知事に提出しなければならない。\n\n"
    " 申請者の主たる事務所の所在地、名称、代表者の氏名並びに担当者の氏名及び連絡先\n\n"
    " 利用するセンターの名称及び施設の種別\n\n"
    " 催物の名称\n\n"
    " 利用の目的\n\n"
    " 利用の期間及び時間\n\n"
    " 前各号のほか、知事が定める事項\n\n"
    "2 知事は、センターの施設の利用を承認したときは、利用承認書を申請者に交付するものとする。\n\n"
    "3 第一項の規定により展示室の利用の承認を受けた者が展示室を夜間の時間帯に展示品の搬出若しくは造作の撤去のために利用(以下「夜間搬出利用」という。)し、若しくは附帯設備を利用し、又は展示室若しく"
)


# 土佐清水市 「土佐清水市の休日を定める条例」 (https://www.city.tosashimizu.kochi.jp/reiki/H364901010010/H364901010010_j.html)
TOSASHIMIZU = (
    "条文目次 このページを閉じる\n\n\n"
    "○土佐清水市の休日を定める条例\n"
    "平成元年3月31日条例第10号\n"
    "土佐清水市の休日を定める条例\n"
    "(市の休日)\n"
    "第1条 次の各号に掲げる日は,市の休日とし,市の機関の執務は,原則として行わないものとする。\n"
    "(1) 日曜日及び土曜日\n"
    "(2) 国民の祝日に関する法律(昭和23年法律第178号)に規定する休日\n"
    "(3) 12月29日から翌年の1月3日までの日(前号に掲げる日を除く。)\n"
    "2 前項の規定は,市の休日に市の機関がその所掌事務を遂行することを妨げるものではない。\n"
    "(期限の特例)\n"
    "第2条 市の行政庁に対する申請,届出その他の行為の期限で条例又は規則で規定する期間(時をもって定める期間を除く。)をもって定めるものが市の休日に当たるときは,市の休日の翌日をもってその期限とみなす。ただし,条例又は規則に別段の定めがある場合は,この限りでない。\n"
    "附 則\n"
    "この条例は,平成元年4月1日から施行する。\n"
    "附 則(平成4年6月29日条例第24号)\n"
    "この条例は,平成4年8月1日から施行する。\n\n\n\n"
    "このページの先頭へ 条文目次 このページを閉じる"
)


def _one(text: str, doc_id: str = "d") -> Document:
    docs = read(text, "x.txt", doc_id)
    assert len(docs) == 1
    doc = docs[0]
    for u in doc.units:  # every unit is a slice of the document text
        assert doc.text[u.start:u.end] == u.text
    return doc


def _cites(doc: Document) -> list[str]:
    return [u.citation for u in doc.units]


def _by(doc: Document) -> dict[str, Unit]:
    return {u.citation: u for u in doc.units}


# ------------------------------------------------------------------ real pages
def test_kitahiroshima_kokokushiki() -> None:
    doc = _one(KITAHIROSHIMA, "kita")
    assert (doc.title, doc.date, doc.number, doc.kind, doc.format) == (
        "北広島市公告式規則", "昭和56年3月23日", "規則第7号", "規則", "text")
    assert _cites(doc) == ["第1条", "第2条第1項", "第2条第2項", "第3条", "附則第1項", "附則第2項"]
    u = _by(doc)
    assert u["第2条第2項"].text == "告示は、市役所前の掲示場に掲示して公示する。"
    assert (u["第2条第2項"].id, u["第2条第2項"].caption, u["第2条第2項"].kind) == (
        "kita:第2条第2項", "(告示の公示)", "paragraph")
    assert u["第2条第1項"].text == "告示を公示しようとするときは、前文、公示の年月日及び市長名を記入し、市長印を押さなければならない。"
    assert (u["附則第1項"].text, u["附則第1項"].kind, u["附則第1項"].path, u["附則第1項"].caption) == (
        "この規則は、公布の日から施行する。", "suppl", ["附則"], "")
    # the page footer (repeated title, 施行日, 体系情報, 沿革情報) is not body text
    assert doc.text.endswith("この規則施行の際現に公示されている告示については、なお、従前の例による。\n")
    assert "体系情報" not in doc.text


def test_kameoka_no_articles_notes_and_amendment_suppl() -> None:
    doc = _one(KAMEOKA, "kameoka")
    assert (doc.title, doc.date, doc.number, doc.kind) == ("告示方式の特例", "昭和32年4月5日", "訓令第2号", "訓令")
    assert _cites(doc) == ["第1項", "第2項", "附則（昭和60年訓令第8号）"]
    first, second, suppl = doc.units
    assert first.text == ("告示の場所は、法令、条例等に特別の定めがあるもののほか、"
                          "亀岡市公告式条例(昭和30年亀岡市条例第1号)第2条第2項ただし書の場所とする。")
    assert first.notes == ["(昭60訓令8・一部改正)"]
    assert second.notes == []
    assert second.text == "時宜により、前記場所のほか、適当な場所に掲示することを妨げないがこの場合においては、告示の写し又は抄本とする。"
    assert (suppl.text, suppl.path) == ("この訓令は、昭和60年10月1日から施行する。", ["附則（昭和60年訓令第8号）"])
    # the 制定文 「…次のように定める。」 and the note are document text, never unit text
    assert "次のように定める。\n" in doc.text
    assert not any("次のように定める" in u.text or "一部改正" in u.text for u in doc.units)


def test_tokyo_kanji_numbers_and_items_without_labels() -> None:
    doc = _one(TOKYO, "tokyo")
    assert (doc.title, doc.date, doc.number, doc.kind) == (
        "東京都立産業貿易センター条例施行規則", "昭和五八年五月三〇日", "規則第八〇号", "規則")
    # 第二条's 号 lost their kanji labels on the page (lines that only start with a space): numbered by position
    assert _cites(doc) == ["第1条", "第2条第1項"] + [f"第2条第1項第{n}号" for n in range(1, 7)] + [
        "第2条第2項", "第2条第3項"]
    u = _by(doc)
    assert u["第1条"].caption == "(開場時間外の利用)"
    assert u["第1条"].notes == ["(昭六〇規則五九・平一〇規則九四・平一三規則一四七・平二九規則一二七・平三一規則四九・一部改正)"]
    assert u["第2条第1項第3号"].text == "催物の名称"
    assert u["第2条第1項第3号"].kind == "item"
    assert u["第2条第1項第3号"].context == (
        "条例第七条第一項の規定によりセンターの施設の利用の承認を受けようとする者は、"
        "次に掲げる事項を記載した利用申請書を知事に提出しなければならない。")
    assert u["第2条第2項"].text == "知事は、センターの施設の利用を承認したときは、利用承認書を申請者に交付するものとする。"
    # the text is cut mid-article: the last unit simply ends
    assert u["第2条第3項"].text.endswith("又は展示室若しく")
    # 公布文 and the repeated title are not units
    assert "東京都立産業貿易センター条例施行規則を公布する。\n" in doc.text


def test_tosashimizu_items_and_suppl_labels() -> None:
    doc = _one(TOSASHIMIZU, "tosa")
    assert (doc.title, doc.date, doc.number, doc.kind) == (
        "土佐清水市の休日を定める条例", "平成元年3月31日", "条例第10号", "条例")
    assert _cites(doc) == ["第1条第1項", "第1条第1項第1号", "第1条第1項第2号", "第1条第1項第3号", "第1条第2項",
                           "第2条", "附則", "附則（平成4年条例第24号）"]
    u = _by(doc)
    assert u["第1条第1項第3号"].text == "12月29日から翌年の1月3日までの日(前号に掲げる日を除く。)"
    assert u["第1条第1項第3号"].context == "次の各号に掲げる日は,市の休日とし,市の機関の執務は,原則として行わないものとする。"
    assert u["附則（平成4年条例第24号）"].text == "この条例は,平成4年8月1日から施行する。"
    assert doc.text.startswith("○土佐清水市の休日を定める条例\n")  # page chrome before the title dropped
    assert "このページ" not in doc.text


# ------------------------------------------------------------------ rules on synthetic text
SYNTHETIC = (
    "○テスト町空家等の管理に関する条例\n"
    "令和5年3月1日\n"
    "条例第7号\n"
    "目次\n"
    "第1章 総則(第1条・第2条)\n"
    "第2章 措置(第十二条の二)\n"
    "附則\n"
    "第1章 総則\n"
    "(目的)\n"
    "第１条　この条例は、空家等の適切な管理に関し必要な事項を定める。\n"
    "(定義)\n"
    "第2条 この条例において、次の各号に掲げる用語の意義は、当該各号に定めるところによる。\n"
    "一 空家等 建築物であって居住その他の使用がなされていないことが常態であるものをいう。\n"
    "二 所有者等 次に掲げる者をいう。\n"
    "イ 所有者\n"
    "ロ 管理者\n"
    "２ 前項第2号に掲げる者は、\n"
    "第3条の規定による届出をしなければならない。\n"
    "第2章 措置\n"
    "(立入調査)\n"
    "第十二条の二 町長は、職員に空家等に立ち入らせ、調査させることができる。\n"
    "2 前項の職員は、身分証明書を携帯しなければならない。\n"
    "(1) 立入りの日時\n"
    "ア 午前\n"
    "(ア) 9時\n"
    "(イ) 10時\n"
    "イ 午後\n"
    "(2) 立入りの場所\n"
    "附　則(令和6年3月30日条例第5号)\n"
    "この条例は、令和6年4月1日から施行する。\n"
)


def test_synthetic_structure() -> None:
    doc = _one(SYNTHETIC, "t")
    assert (doc.date, doc.number, doc.kind) == ("令和5年3月1日", "条例第7号", "条例")
    assert _cites(doc) == [
        "第1条", "第2条第1項", "第2条第1項第1号", "第2条第1項第2号", "第2条第1項第2号イ", "第2条第1項第2号ロ",
        "第2条第2項", "第12条の2第1項", "第12条の2第2項", "第12条の2第2項第1号", "第12条の2第2項第1号ア",
        "第12条の2第2項第1号ア(ア)", "第12条の2第2項第1号ア(イ)", "第12条の2第2項第1号イ", "第12条の2第2項第2号",
        "附則（令和6年条例第5号）"]
    u = _by(doc)
    # 「第3条の規定による…」 continues a sentence: it is not an article
    assert u["第2条第2項"].text == "前項第2号に掲げる者は、第3条の規定による届出をしなければならない。"
    assert (u["第1条"].path, u["第12条の2第1項"].path) == (["第1章 総則"], ["第2章 措置"])
    assert u["第12条の2第2項第1号ア(イ)"].context == "前項の職員は、身分証明書を携帯しなければならない。\n立入りの日時\n午前"
    assert (u["第12条の2第2項第1号ア(イ)"].kind, u["第12条の2第1項"].caption) == ("subitem", "(立入調査)")
    assert u["附則（令和6年条例第5号）"].caption == ""  # the last article's caption does not leak into 附則
    # the 目次 lines are text, not headings: the first 「第1章 総則」 heading is the real one
    assert doc.text.count("第1章 総則") == 2


def test_labels_on_their_own_line_and_lost_suppl_heading() -> None:
    doc = _one("○監査事務処理規程\n(平成29年3月29日監査委員告示第1号)\n(協議)\n第2条\n"
               "委員は、必要がある場合には、協議するものとする。\n2\n前項の協議事項は、次に掲げる事項とする。\n"
               "(1)\n監査等の計画に関すること。\nこの告示は、公布の日から施行する。\n")
    assert (doc.date, doc.number, doc.kind) == ("平成29年3月29日", "監査委員告示第1号", "告示")
    assert [(u.citation, u.text) for u in doc.units] == [
        ("第2条第1項", "委員は、必要がある場合には、協議するものとする。"),
        ("第2条第2項", "前項の協議事項は、次に掲げる事項とする。"),
        ("第2条第2項第1号", "監査等の計画に関すること。"),
        ("附則", "この告示は、公布の日から施行する。")]


def test_yoko_style_dai_numbers_and_paragraph_only_documents() -> None:
    doc = _one("○管理人設置要綱\n令和2年3月26日\n告示第31号\n(設置)\n第1 市長は、市営住宅に管理人を置く。\n(任期)\n"
               "第2 管理人の任期は、1年とする。\n2 市長は、次の各号のいずれかに該当するときは、解嘱することができる。\n"
               "(1) 市営住宅から退去したとき。\n", "yoko")
    assert [u.id for u in doc.units] == ["yoko:第1", "yoko:第2第1項", "yoko:第2第2項", "yoko:第2第2項第1号"]
    doc = _one("○図書館利用要領\n平成2年4月1日\n訓令第3号\n1 利用者は、\n閲覧室で資料を利用する。\n"
               "2 利用時間は、午前9時から午後5時までとする。\n")
    assert [(u.citation, u.text) for u in doc.units] == [
        ("第1項", "利用者は、閲覧室で資料を利用する。"), ("第2項", "利用時間は、午前9時から午後5時までとする。")]


def test_suppl_label() -> None:
    assert suppl_label("附　則(平成10年3月30日条例第5号)") == "（平成10年条例第5号）"
    assert suppl_label("附 則（昭和五九年三月三〇日規則第一号）") == "（昭和五九年規則第一号）"
    assert suppl_label("附則(令和元年規則第8号)") == "（令和元年規則第8号）"
    assert suppl_label("附則") == ""


# ------------------------------------------------------------------ files in three encodings
@pytest.mark.parametrize(("encoding", "name"), [("cp932", "kita_sjis.txt"), ("euc_jp", "kita_euc.txt"),
                                                ("utf-8-sig", "kita_bom.txt")])
def test_text_file_encodings(tmp_path: Path, encoding: str, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(KITAHIROSHIMA.encode(encoding))
    items = list(read_paths([path]))
    assert len(items) == 1 and isinstance(items[0], Document), items
    doc = items[0]
    assert (doc.doc_id, doc.source, doc.title, doc.format) == (path.stem, str(path), "北広島市公告式規則", "text")
    assert _by(doc)["第2条第2項"].text == "告示は、市役所前の掲示場に掲示して公示する。"
    assert _by(doc)["第2条第2項"].id == f"{path.stem}:第2条第2項"
    assert len(doc.units) == 6


# ------------------------------------------------------------------ JSONL
def test_jsonl_units_shape_keeps_ids_and_groups_documents(tmp_path: Path) -> None:
    rows = [
        {"id": "kita-2-2", "source": "kita.html", "body": "北広島市", "title": "北広島市公告式規則",
         "citation": "第2条第2項", "text": "告示は、市役所前の掲示場に掲示して公示する。",
         "context": "", "labels": ["document_posting"], "digital_alternative": False},
        {"id": "kita-3", "source": "kita.html", "body": "北広島市", "title": "北広島市公告式規則",
         "citation": "第3条", "text": "告示は、公示の日から施行する。", "caption": "(施行期日)", "labels": []},
        {"id": "x1", "source": "other.html", "body": "亀岡市", "title": "告示方式の特例", "text": "告示の場所は、…とする。"},
    ]
    path = tmp_path / "labels.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    docs = list(read_paths([path]))
    assert [type(d).__name__ for d in docs] == ["Document", "Document"]
    kita, other = docs
    assert (kita.doc_id, kita.source, kita.title, kita.body, kita.format) == (
        "kita.html", "kita.html", "北広島市公告式規則", "北広島市", "jsonl")
    assert [(u.id, u.citation, u.kind, u.caption) for u in kita.units] == [
        ("kita-2-2", "第2条第2項", "jsonl", ""), ("kita-3", "第3条", "jsonl", "(施行期日)")]
    assert kita.text == "告示は、市役所前の掲示場に掲示して公示する。\n告示は、公示の日から施行する。\n"
    assert [(u.start, u.end) for u in kita.units] == [(0, 22), (23, 38)]
    assert all(kita.text[u.start:u.end] == u.text for u in kita.units)
    assert [(u.id, u.citation) for u in other.units] == [("x1", "")]
    assert other.doc_id == "other.html"


def test_jsonl_pages_shape(tmp_path: Path) -> None:
    page = {"url": "https://www1.g-reiki.net/kitahiroshima/reiki_honbun/f000RG00000016.html",
            "body": "北広島市", "title": "北広島市公告式規則", "kind": "規則", "text": KITAHIROSHIMA}
    nourl = {"title": "告示方式の特例", "body": "亀岡市", "kind": "その他", "text": KAMEOKA}
    path = tmp_path / "pages.jsonl"
    path.write_text(json.dumps(page, ensure_ascii=False) + "\n\n" + json.dumps(nourl, ensure_ascii=False) + "\n",
                    encoding="utf-8")
    kita, kameoka = list(read_paths([path]))
    assert (kita.doc_id, kita.source, kita.body, kita.kind, kita.number, kita.format) == (
        "www1.g-reiki.net/kitahiroshima/reiki_honbun/f000RG00000016.html", page["url"], "北広島市", "規則",
        "規則第7号", "jsonl")
    assert _by(kita)["第2条第2項"].id == "www1.g-reiki.net/kitahiroshima/reiki_honbun/f000RG00000016.html:第2条第2項"
    # no url: the id is the file's doc id and the line number; the kind is the object's, not the text's
    assert (kameoka.doc_id, kameoka.source, kameoka.kind, kameoka.body) == (
        "pages#3", f"{path}#3", "その他", "亀岡市")
    assert _cites(kameoka) == ["第1項", "第2項", "附則（昭和60年訓令第8号）"]


def test_page_doc_id() -> None:
    assert page_doc_id("https://www.reiki.metro.tokyo.lg.jp/reiki/reiki_honbun/g101RG00001137.html?id=j4_k2",
                       "f") == "www.reiki.metro.tokyo.lg.jp/reiki/reiki_honbun/g101RG00001137.html"
    assert page_doc_id("", "f#2") == "f#2"


def test_jsonl_line_without_text_fails_the_file(tmp_path: Path) -> None:
    path = tmp_path / "x.jsonl"
    path.write_text('{"id": "a", "text": "告示する。"}\n{"id": "b", "labels": []}\n', encoding="utf-8")
    (err,) = list(read_paths([path]))
    assert isinstance(err, ReadError)
    assert str(err) == f'{path}: line 2: object has no "text" string'


# ------------------------------------------------------------------ the real excerpts
def test_excerpts_dev_all_pages(shared: Path) -> None:
    path = shared / "corpus" / "ordinances" / "excerpts-dev.jsonl"
    items = list(read_paths([path]))
    assert not [i for i in items if isinstance(i, ReadError)]
    # 190 pages; 木祖村営水道条例施行規則 keeps only captions (no provision text) and is dropped
    assert len(items) == 189
    assert sum(len(d.units) for d in items) == 2088
    kita = next(d for d in items if d.title == "北広島市公告式規則")
    assert _by(kita)["第2条第2項"].text == "告示は、市役所前の掲示場に掲示して公示する。"
    assert len({u.id for d in items for u in d.units}) == 2088

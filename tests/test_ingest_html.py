"""The Reiki-Base and D1-Law HTML readers: real pages from ../shared and small synthetic pages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from analogscan.ingest import read_bytes, read_paths
from analogscan.ingest.builder import AMENDMENT_NOTE_RE, suppl_label
from analogscan.ingest.d1law import parse_path, split_label
from analogscan.ingest.html_common import (
    body_from_title,
    split_date_number,
)
from analogscan.ingest.numbers import kind_of
from analogscan.model import Document

REIKI = ("ordinances", "reikibase")
D1LAW_FILE = ("ordinances", "d1law", "H505901010023_j.html")
LABEL_RE = re.compile(r"^(?:第[0-9０-９]+条(?:の[0-9０-９]+)?|[0-9０-９]+|[（(][0-9０-９]+[)）])[\s　]")


def _read(path: Path) -> Document:
    items = list(read_paths([path]))
    assert len(items) == 1 and isinstance(items[0], Document), items
    return items[0]


def _units(doc: Document) -> dict[str, object]:
    return {u.citation: u for u in doc.units}


@pytest.fixture(scope="module")
def corpus(shared: Path) -> Path:
    return shared / "corpus"


# --------------------------------------------------------------------- Reiki-Base
def test_reikibase_hyosho_kitei(corpus: Path) -> None:
    doc = _read(corpus.joinpath(*REIKI, "k518RG00000012.html"))
    assert (doc.title, doc.body, doc.kind, doc.number, doc.date, doc.format, doc.doc_id) == (
        "かつらぎ町表彰規程", "かつらぎ町", "規程", "規程第9号", "昭和43年9月10日", "reikibase", "k518RG00000012")
    assert doc.source == str(corpus.joinpath(*REIKI, "k518RG00000012.html"))
    assert [u.citation for u in doc.units] == (
        ["第1条", "第2条"] + [f"第2条第{n}号" for n in range(1, 14)]
        + [f"第{n}条" for n in range(3, 10)] + ["附則第1項", "附則第2項"])
    u = _units(doc)
    assert u["第2条"].text == "表彰は、次の各号に該当する者について町長がこれを行う。"
    assert u["第2条第1号"].text == "地方自治の振興発展に貢献し、その功績が特に優れた者"
    assert u["第2条第1号"].context == "表彰は、次の各号に該当する者について町長がこれを行う。"
    assert u["第2条第1号"].kind == "item" and u["第2条第1号"].id == "k518RG00000012:第2条第1号"
    assert u["第2条第13号"].text == "前各号に定めるもののほか、特に表彰に値すると認められる者"
    assert u["第5条"].text == ("表彰は、隔年7月1日に行う。ただし、特別の理由により他の期日に表彰することが"
                               "適当と認められる場合は、適宜行うことができる。")
    assert u["附則第1項"].text == "この規程は、昭和43年10月10日から施行する。"
    assert (u["附則第2項"].kind, u["附則第2項"].path) == ("suppl", ["附則"])
    assert "別記様式" not in doc.text.split("\n")  # the form is not body text


def test_reikibase_captions_and_single_suppl(corpus: Path) -> None:
    doc = _read(corpus.joinpath(*REIKI, "k518RG00000055.html"))
    assert (doc.title, doc.kind, doc.number, doc.date) == (
        "かつらぎ町例規集の改版に伴う条例の整備に関する条例", "条例", "条例第20号", "平成9年9月24日")
    assert [(u.citation, u.caption) for u in doc.units] == [
        ("第1条", "(目的)"), ("第2条", "(用字、用語及び送り仮名)"),
        ("第2条第1号", "(用字、用語及び送り仮名)"), ("第2条第2号", "(用字、用語及び送り仮名)"),
        ("第2条第3号", "(用字、用語及び送り仮名)"), ("第2条第4号", "(用字、用語及び送り仮名)"),
        ("第3条", "(句読点)"), ("第4条", "(語句)"), ("第5条", "(その他)"), ("附則", "")]
    assert _units(doc)["附則"].text == "この条例は、公布の日から施行する。"


def test_reikibase_amendment_suppl_and_table(corpus: Path) -> None:
    doc = _read(corpus.joinpath(*REIKI, "k518RG00000080.html"))
    assert (doc.title, doc.number, doc.date) == ("かつらぎ町駐車場等設置条例", "条例第25号", "平成9年11月14日")
    assert len(doc.units) == 35
    assert [u.citation for u in doc.units if u.citation.startswith("附則")] == [
        "附則", "附則（平成10年条例第5号）", "附則（平成10年条例第21号）", "附則（平成13年条例第1号）",
        "附則（平成18年条例第25号）第1項", "附則（平成18年条例第30号）", "附則（平成25年条例第27号）",
        "附則（平成26年条例第4号）", "附則（平成28年条例第18号）"]
    u = _units(doc)
    assert u["附則（平成10年条例第5号）"].path == ["附則（平成10年条例第5号）"]
    assert u["附則（平成10年条例第5号）"].text == "この条例は、公布の日から施行する。"
    # the table sits inside 第3条 (「次のとおりとする。」); its header row 名称/位置 is context, not a unit
    rows = [(x.citation, x.text) for x in doc.units if x.kind == "table_row"]
    assert rows == [
        ("第3条の表（第1行）", "船岡山駐車場\tかつらぎ町大字西渋田372番地の5"),
        ("第3条の表（第2行）", "笠田駅前駐輪場\tかつらぎ町大字笠田東19番地の2"),
        ("第3条の表（第3行）", "妙寺駅前駐輪場\tかつらぎ町大字新田95番地の11"),
        ("第3条の表（第4行）", "中飯降駅前駐輪場\tかつらぎ町大字中飯降236番地"),
        ("第3条の表（第5行）", "大谷駅前駐輪場\tかつらぎ町大字大谷247番地の1"),
    ]
    assert (u["第3条の表（第1行）"].context, u["第3条の表（第1行）"].caption) == ("名称\t位置", "(名称及び位置)")
    assert [x.citation for x in doc.units if x.citation.startswith("第4条")] == [
        "第4条第1項", "第4条第2項", "第4条第2項第1号", "第4条第2項第2号", "第4条第2項第3号", "第4条第2項第4号"]
    assert u["第2条第1号"].text == "駐車場等　次号及び第3号に規定する駐車場及び駐輪場をいう。"


# ------------------------------------------------------------------------ D1-Law
def test_d1law_akiya_jorei(corpus: Path) -> None:
    doc = _read(corpus.joinpath(*D1LAW_FILE))
    assert (doc.title, doc.body, doc.kind, doc.number, doc.date, doc.format) == (
        "留萌市空家等の適切な管理に関する条例", "留萌市", "条例", "条例第23号", "令和５年12月13日", "d1law")
    assert len(doc.units) == 38
    art7 = [(u.citation, u.caption, u.text) for u in doc.units if u.citation.startswith("第7条")]
    assert art7 == [
        ("第7条第1項", "（立入調査）", ("市長は、法第９条第２項の規定により、同法第22条第１項から第３項までの規定の施行"
                                   "のために必要な限度において、職員に、空家等と認められる場所に立ち入って調査をさせることができる。")),
        ("第7条第2項", "（立入調査）", ("市長は、前項の規定により当該職員を空家等に立ち入らせようとする場合であって必要が"
                                   "あると認めるときは、専門的な知識を有する者その他必要な者を同行させ、意見を求めることができる。")),
        ("第7条第3項", "（立入調査）", ("市長は、第１項の規定により当該職員を空家等に立ち入らせようとするときは、その５日前"
                                   "までに、その旨を当該所有者等に通知しなければならない。ただし、当該所有者等に通知することが"
                                   "困難であるときは、この限りでない。")),
        ("第7条第4項", "（立入調査）", ("第１項の規定により立入調査をする職員は、その身分を示す証明書を携帯し、関係者の"
                                   "請求があったときは、これを提示しなければならない。")),
        ("第7条第5項", "（立入調査）", "第１項の規定による立入調査の権限は、犯罪捜査のために認められたものと解釈してはならない。"),
    ]
    u = _units(doc)
    items = [(x.citation, x.text) for x in doc.units if x.citation.startswith("第10条第2項第")]
    assert items == [
        ("第10条第2項第1号", "当該命令の対象者の住所及び氏名（法人にあっては、主たる事務所の所在地並びに名称及び代表者の氏名）"),
        ("第10条第2項第2号", "当該命令の対象となった空家等の所在地"),
        ("第10条第2項第3号", "当該命令の内容"),
        ("第10条第2項第4号", "その他市長が必要と認める事項"),
    ]
    assert u["第10条第2項第1号"].context == "市長は、前項の規定による命令をしたときは、次の各号に掲げる事項を公示するものとする。"
    # 第8条の2 has no caption of its own: the 共通見出し （助言又は指導） covers it
    assert (u["第8条の2"].caption, u["第9条の2"].caption) == ("（助言又は指導）", "（勧告）")
    assert u["第8条の2"].text.startswith("市長は、法第13条第１項の規定により、")
    assert [(x.citation, x.text, x.path) for x in doc.units if x.kind == "suppl"] == [
        ("附則", "この条例は、公布の日から施行する。", ["附則"]),
        ("附則（令和7年条例第36号）", "この条例は、公布の日から施行する。", ["附則（令和7年条例第36号）"]),
    ]


# -------------------------------------------------------------- all four real pages
def test_invariants_on_real_pages(corpus: Path) -> None:
    paths = [corpus.joinpath(*REIKI, f"k518RG000000{n}.html") for n in ("12", "55", "80")]
    paths.append(corpus.joinpath(*D1LAW_FILE))
    docs = [_read(p) for p in paths]
    assert [len(d.units) for d in docs] == [24, 10, 35, 38]
    for doc in docs:
        ids = [u.id for u in doc.units]
        assert len(ids) == len(set(ids))
        for u in doc.units:
            assert doc.text[u.start:u.end] == u.text
            assert not AMENDMENT_NOTE_RE.search(u.text)
            assert not LABEL_RE.match(u.text), u.text  # the number label is not part of the text
            for junk in ("目次", "条項目次", "沿革", "体系情報", "selectTab", "iPadLoadStyle", "fileDownload", "function"):
                assert junk not in u.text
        for junk in ("条項目次", "沿革情報", "selectTab", "e000000", "画像"):
            assert junk not in doc.text


# ---------------------------------------------------------------- synthetic pages
def _eline(inner: str) -> str:
    return f'<div><div class="eline">{inner}</div></div>\n'


def _num(cls: str, label: str, text: str, caption: str = "") -> str:
    cap = f'<p class="title"><span class="cm">{caption}</span></p>' if caption else ""
    return _eline(f'<div class="{cls}">{cap}<p class="num"><span class="num cm">{label}</span>　'
                  f'<span class="p cm">{text}</span></p></div>')


SYNTH_REIKI = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<html><head><title>t</title>'
    '<script>var s = "第9条 script";</script></head><body>'
    '<div id="primary"><div id="primaryInner"><div id="primaryInner2">\n'
    + _eline('<div class="head"><p class="title-irregular"><span class="cm">○市川市手数料条例</span></p></div>')
    + _eline('<div class="head"><p class="date"><span class="cm">平成12年3月1日</span></p></div>')
    + _eline('<div class="head"><p class="number"><span class="cm">条例第3号</span></p></div>')
    + _eline('<p>目次</p>') + _eline('<p>第1章　総則(第1条・第1条の2)</p>') + _eline('<p>附則</p>')
    + _eline('<div class="chapter"><p class="title">第1章　総則</p></div>')
    + _num("article", "第1条", "この条例は、手数料に関し定める。", "(趣旨)")
    + _num("article", "第1条の2", "手数料は、次に掲げるとおりとする。")
    + _num("item", "(1)", "写しの交付")
    + _num("item2", "ア", "白黒のもの")
    + _num("item3", "(ア)", "A4判のもの")
    + _num("item3", "(イ)", "A3判のもの")
    + _num("item2", "イ", "カラーのもの")
    + _num("item", "(2)", "証明書の交付(平18条例25・一部改正)")
    + _num("item", "(2)の2", "電磁的記録の提供")
    + _num("clause", "2", "前項の手数料は、次の表のとおりとする。")
    + _eline('<div class="table_frame"><table><tr><th>区分</th><th>金額</th></tr>'
             '<tr><td><p>写し</p></td><td><p>10円</p></td></tr></table></div>')
    + _num("clause", "3", "手数料は、書面により納付しなければならない。")
    + _eline('<p class="p">(平20条例5・一部改正)</p>')
    + _eline('<p class="s-head"><span class="title cm"><span class="word-space">附</span>則</span></p>')
    + _eline('<div class="clause"><p class="p"><span class="p cm">この条例は、公布の日から施行する。</span></p></div>')
    + _eline('<p class="s-head"><span class="title cm">附則</span><span class="date cm">(令和元年6月1日</span>'
             '<span class="number cm">条例第7号)</span></p>')
    + _eline('<div class="clause"><p class="p"><span class="p cm">この条例は、公布の日から施行する。</span></p></div>')
    + _eline('<p class="title">別表第1(第1条の2関係)</p>')
    + _eline('<div class="table_frame"><table><thead><tr><td></td><td></td></tr></thead>'
             '<tr><td><p style="text-align:center">種別</p></td><td><p style="text-align:center">額</p></td></tr>'
             '<tr><td><p>住民票</p></td><td><p>300円</p></td></tr>'
             '<tr><td><p>印鑑証明</p></td><td><p>300円</p></td></tr></table></div>')
    + _eline('<div class="clause"><p class="p"><span class="p cm">備考　額は1通当たりとする。</span></p></div>')
    + _eline('<div class="form_section"><p class="num"><span class="num cm">様式第1号</span>(第4条関係)</p></div>')
    + _eline('<div class="table_frame"><table><tr><td>申請者氏名</td><td>印</td></tr></table></div>')
    + '</div></div></div><div id="secondary"><h2>市川市手数料条例</h2><p>第1条</p></div></body></html>'
)


def test_reikibase_synthetic_structure() -> None:
    [doc] = read_bytes(SYNTH_REIKI.encode("utf-8"), "mem.html", "mem")
    assert (doc.title, doc.body, doc.kind, doc.number) == ("市川市手数料条例", "市川市", "条例", "条例第3号")
    got = [(u.citation, u.kind, u.text) for u in doc.units]
    assert got == [
        ("第1条", "paragraph", "この条例は、手数料に関し定める。"),
        ("第1条の2第1項", "paragraph", "手数料は、次に掲げるとおりとする。"),
        ("第1条の2第1項第1号", "item", "写しの交付"),
        ("第1条の2第1項第1号ア", "subitem", "白黒のもの"),
        ("第1条の2第1項第1号ア(ア)", "subitem", "A4判のもの"),
        ("第1条の2第1項第1号ア(イ)", "subitem", "A3判のもの"),
        ("第1条の2第1項第1号イ", "subitem", "カラーのもの"),
        ("第1条の2第1項第2号", "item", "証明書の交付"),
        ("第1条の2第1項第2号の2", "item", "電磁的記録の提供"),
        ("第1条の2第2項", "paragraph", "前項の手数料は、次の表のとおりとする。"),
        ("第1条の2第2項の表（第1行）", "table_row", "写し\t10円"),
        ("第1条の2第3項", "paragraph", "手数料は、書面により納付しなければならない。"),
        ("附則", "suppl", "この条例は、公布の日から施行する。"),
        ("附則（令和元年条例第7号）", "suppl", "この条例は、公布の日から施行する。"),
        ("別表第1（第1行）", "table_row", "住民票\t300円"),
        ("別表第1（第2行）", "table_row", "印鑑証明\t300円"),
        ("別表第1備考（第1行）", "table_row", "備考　額は1通当たりとする。"),
    ]
    u = _units(doc)
    assert u["第1条の2第1項第1号ア(ア)"].context == "手数料は、次に掲げるとおりとする。\n写しの交付\n白黒のもの"
    assert u["第1条の2第1項第2号"].notes == ["(平18条例25・一部改正)"]
    assert u["第1条の2第3項"].notes == ["(平20条例5・一部改正)"]
    assert u["第1条"].path == ["第1章　総則"]
    assert (u["別表第1（第1行）"].context, u["別表第1（第1行）"].path) == ("種別\t額", ["別表第1(第1条の2関係)"])
    # 目次 entries, the 様式 table, script and #secondary are not in the text at all
    assert doc.text.count("第1章") == 1
    for junk in ("申請者氏名", "script", "市川市手数料条例\n第1条"):
        assert junk not in doc.text


def _d1(ident: str, text: str) -> str:
    return f'<div id="{ident}" class="danraku-normal">{text}</div>'


def _p(article: str, para: str = "0.0", item: str = "0.0.0", subs: str = "0-0-0-0") -> str:
    return f"{article}-{para}-{item}-{subs}"


SYNTH_D1 = (
    '<HTML><HEAD><META HTTP-EQUIV="Content-Type" CONTENT="text/html;charset=UTF-8"/></HEAD><BODY><div>'
    + _d1("h:zA10:::0::1:", "○十日町市事務手続規則")
    + _d1("h:zB10:::0::1:", "平成１８年３月３１日規則第１２号")
    + _d1("h:dG10:::0::1:", "十日町市事務手続規則")
    + _d1(f"h:hL10:::2:{_p('1.0.0.0')}:1:", "（趣旨）")
    + _d1(f"h:hL20:::2:{_p('1.0.0.0')}:1:", "<b>第１条</b>　この規則は、手続を定める。")
    + _d1(f"h:hL20:::2:{_p('1.0.0.0', '2.0')}:1:", "２　申請は、次のとおりとする。")
    + _d1(f"h:hL20:::2:{_p('1.0.0.0', '2.0', '1.0.0')}:1:", "(１)　書面")
    + _d1(f"h:hL20:::2:{_p('1.0.0.0', '2.0', '1.0.0', '1-0-0-0')}:1:", "ア　押印したもの")
    + _d1(f"h:hL20:::2:{_p('1.0.0.0', '2.0', '1.0.0', '1-1-0-0')}:1:", "(ア)　実印")
    + _d1(f"h:hL20:::2:{_p('1.0.0.0', '2.0', '2.2.0')}:1:", "(２)の２　電子（令２規則３・追加）")
    + _d1(f"h:hL20:::2:{_p('1.0.0.0', '3.0')}:1:",
          "３　料金は次の表による。<table><tr><td>区分</td><td>額</td></tr><tr><td>一般</td><td>100円</td></tr></table>")
    + _d1("h:sO10:::0::1:", "<b>附　則</b>")
    + _d1(f"h:sL30:::2:{_p('0.0.0.0', '1.0')}:1:", "１　この規則は、公布の日から施行する。")
    + _d1(f"h:sL30:::2:{_p('0.0.0.0', '2.0')}:1:", "２　従前の様式は、当分の間使用できる。")
    + _d1("h:kO10:H1::0::1:", "<b>附　則</b>（令和２年３月１日規則第３号）")
    + _d1(f"h:kL30:H1:h:2:{_p('0.0.0.0')}:1:", "この規則は、令和２年４月１日から施行する。")
    + "</div></BODY></HTML>"
)


def test_d1law_synthetic_structure() -> None:
    [doc] = read_bytes(SYNTH_D1.encode("utf-8"), "mem_j.html", "mem_j")
    assert (doc.title, doc.body, doc.kind, doc.number, doc.date) == (
        "十日町市事務手続規則", "十日町市", "規則", "規則第１２号", "平成１８年３月３１日")
    assert [(u.citation, u.text) for u in doc.units] == [
        ("第1条第1項", "この規則は、手続を定める。"),
        ("第1条第2項", "申請は、次のとおりとする。"),
        ("第1条第2項第1号", "書面"),
        ("第1条第2項第1号ア", "押印したもの"),
        ("第1条第2項第1号ア(ア)", "実印"),
        ("第1条第2項第2号の2", "電子"),
        ("第1条第3項", "料金は次の表による。"),
        ("第1条第3項の表（第1行）", "区分\t額"),
        ("第1条第3項の表（第2行）", "一般\t100円"),
        ("附則第1項", "この規則は、公布の日から施行する。"),
        ("附則第2項", "従前の様式は、当分の間使用できる。"),
        ("附則（令和2年規則第3号）", "この規則は、令和２年４月１日から施行する。"),
    ]
    u = _units(doc)
    assert u["第1条第2項第2号の2"].notes == ["（令２規則３・追加）"]
    assert u["第1条第2項第1号ア(ア)"].context == "申請は、次のとおりとする。\n書面\n押印したもの"
    assert doc.text.count("十日町市事務手続規則") == 1  # the repeated title line (dG) is dropped


# --------------------------------------------------------------------- helpers
@pytest.mark.parametrize(("heading", "label"), [
    ("附則(平成10年3月30日条例第5号)", "（平成10年条例第5号）"),
    ("附則(平成18年3月31日条例第25号)抄", "（平成18年条例第25号）"),
    ("附　則（令和７年12月10日条例第36号）", "（令和7年条例第36号）"),
    ("附　則（令和元年5月1日教育委員会規則第2号）", "（令和元年教育委員会規則第2号）"),
    ("附　則", ""),
    ("附則(抄)", ""),
])
def test_suppl_label(heading: str, label: str) -> None:
    assert suppl_label(heading) == label


@pytest.mark.parametrize(("title", "body"), [
    ("かつらぎ町表彰規程", "かつらぎ町"), ("留萌市空家等の適切な管理に関する条例", "留萌市"),
    ("四日市市税条例", "四日市市"), ("京都市情報公開条例", "京都市"), ("市川市手数料条例", "市川市"),
    ("和歌山県行政手続条例", "和歌山県"), ("北海道税条例", "北海道"), ("千代田区事務手数料条例", "千代田区"),
    ("市営住宅条例", ""), ("都市公園条例", ""), ("地区計画の区域内における建築物の制限に関する条例", ""),
    ("職員の給与に関する条例", ""), ("特別区税条例", ""),
])
def test_body_from_title(title: str, body: str) -> None:
    assert body_from_title(title) == body


def test_metadata_helpers() -> None:
    assert split_date_number("令和５年12月13日条例第23号") == ("令和５年12月13日", "条例第23号")
    assert split_date_number("昭和43年9月10日　規程第9号") == ("昭和43年9月10日", "規程第9号")
    assert [kind_of(n) for n in ("規程第9号", "条例第23号", "教育委員会規則第3号", "訓令第１号", "告示第5号")] == [
        "規程", "条例", "規則", "訓令", "告示"]
    assert kind_of("", "かつらぎ町補助金交付要綱") == "要綱"
    assert parse_path("10.0.0.0-2.0-1.0.0-0-0-0-0") == ("10", "2", "1", [0, 0, 0, 0])
    assert parse_path("8.2.0.0-0.0-0.0.0-0-0-0-0") == ("8の2", "", "", [0, 0, 0, 0])
    assert split_label("第１条　この条例は") == ("第１条", "この条例は")
    assert split_label("(２)の２　電子") == ("(２)の２", "電子")
    assert split_label("この条例は、公布の日から施行する。") == ("", "この条例は、公布の日から施行する。")

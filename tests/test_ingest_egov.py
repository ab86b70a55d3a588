"""e-Gov 法令標準XML reader: real laws from ../shared and small hand-written XML for the rarer structures."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from lxml import etree

from analogscan.ingest import egov_xml, read_bytes
from analogscan.ingest.sniff import sniff
from analogscan.model import Document, ReadError

KENCHIKU_ID = "325AC0000000201"  # 建築基準法 (index.tsv)


def _read(data: bytes, doc_id: str = "t") -> Document:
    docs = read_bytes(data, f"{doc_id}.xml", doc_id)
    assert len(docs) == 1
    return docs[0]


def _by_citation(doc: Document) -> dict[str, str]:
    return {u.citation: u.text for u in doc.units}


@pytest.fixture(scope="module")
def laws_dir(shared: Path) -> Path:
    return shared / "corpus" / "laws"


@pytest.fixture(scope="module")
def kenchiku_path(laws_dir: Path) -> Path:
    return laws_dir / "laws" / "325" / KENCHIKU_ID / "current.xml"


@pytest.fixture(scope="module")
def kenchiku(kenchiku_path: Path) -> Document:
    return _read(kenchiku_path.read_bytes(), KENCHIKU_ID)


# ---------------------------------------------------------------- 建築基準法
def test_kenchiku_metadata(kenchiku: Document) -> None:
    assert kenchiku.fields() | {"doc_id": kenchiku.doc_id} == {
        "doc_id": KENCHIKU_ID,
        "title": "建築基準法",
        "body": "国",
        "kind": "法律",
        "number": "昭和二十五年法律第二百一号",
        "date": "昭和25年5月24日",
        "source": f"{KENCHIKU_ID}.xml",
        "format": "egov_xml",
    }
    assert kenchiku.text.startswith("建築基準法\n昭和二十五年法律第二百一号\n第一章　総則\n（目的）\nこの法律は、")
    assert len(kenchiku.units) == 1823


def test_kenchiku_article_12(kenchiku: Document, kenchiku_path: Path) -> None:
    root = etree.parse(str(kenchiku_path)).getroot()
    [article] = [a for a in root.iter("Article") if a.get("Num") == "12" and a.getparent().tag == "Chapter"]
    expected = {}
    for p in article.iter("Paragraph"):
        sentences = p.find("ParagraphSentence").iter("Sentence")
        expected[f"第12条第{p.get('Num')}項"] = "".join("".join(s.itertext()) for s in sentences)
    assert len(expected) == 9

    units = [u for u in kenchiku.units if u.citation.startswith("第12条第")]
    paragraphs = [u for u in units if u.kind == "paragraph"]
    assert [u.citation for u in paragraphs] == [f"第12条第{n}項" for n in range(1, 10)]
    assert {u.citation: u.text for u in paragraphs} == expected
    assert paragraphs[0].text[:30] == "第六条第一項第一号に掲げる建築物で安全上、防火上又は衛生上特"
    assert len(paragraphs[0].text) == 487
    assert {u.caption for u in units} == {"（報告、検査等）"}
    assert paragraphs[0].path == ["第一章　総則"]
    assert [u.citation for u in units if u.kind == "item"] == ["第12条第5項第1号", "第12条第5項第2号", "第12条第5項第3号"]
    item2 = next(u for u in units if u.citation == "第12条第5項第2号")
    assert item2.text == "第七十七条の二十一第一項の指定確認検査機関"
    assert item2.context == expected["第12条第5項"]


def test_kenchiku_items_and_subitems(kenchiku: Document) -> None:
    cites = _by_citation(kenchiku)
    assert cites["第2条第6号イ"] == "防火上有効な公園、広場、川その他の空地又は水面、耐火構造の壁その他これらに類するものに面する部分"
    assert cites["第2条第9号の2イ(1)"] == "耐火構造であること。"
    assert cites["第2条第9号の2イ(2)(i)"] == (
        "当該建築物の構造、建築設備及び用途に応じて屋内において発生が予測される火災による火熱に当該火災が終了するまで耐えること。"
    )
    sub = next(u for u in kenchiku.units if u.citation == "第2条第6号イ")
    assert sub.kind == "subitem"
    assert sub.context.endswith("をいう。ただし、次のイ又はロのいずれかに該当する部分を除く。")
    # Column elements of a 号 are joined with a full-width space: 「建築物　土地に定着する…」
    assert cites["第2条第1号"].startswith("建築物　土地に定着する工作物のうち、")


def test_kenchiku_suppl_provisions(kenchiku: Document) -> None:
    cites = _by_citation(kenchiku)
    assert cites["附則第1項"] == "この法律は、公布の日から起算して三月をこえ六月をこえない期間内において政令で定める日から施行する。"
    amend = next(u for u in kenchiku.units if u.citation == "附則（昭和二六年六月九日法律第二二〇号）")
    assert amend.text == "この法律は、新法施行の日から施行する。"
    assert amend.kind == "suppl"
    assert amend.path == ["附則（昭和二六年六月九日法律第二二〇号）"]
    assert amend.id == f"{KENCHIKU_ID}:附則（昭和二六年六月九日法律第二二〇号）"
    # the explicit 「１」 of an excerpted (抄) 附則 keeps 第1項
    assert cites["附則（昭和二六年六月四日法律第一九五号）第1項"] == "この法律は、昭和二十七年四月一日から施行する。"
    assert "\n附　則　（昭和二六年六月四日法律第一九五号）　抄\n" in kenchiku.text


def test_kenchiku_appendix_table(kenchiku: Document) -> None:
    rows = [u for u in kenchiku.units if u.kind == "table_row"]
    assert len(rows) == 61
    row = next(u for u in rows if u.citation == "別表第1（第3行）")
    assert row.text == (
        "（一）\t劇場、映画館、演芸場、観覧場、公会堂、集会場その他これらに類するもので政令で定めるもの"
        "\t三階以上の階\t二百平方メートル（屋外観覧席にあつては、千平方メートル）以上"
    )
    assert row.path == [
        ("別表第一　耐火建築物等としなければならない特殊建築物"
        "（第六条、第二十一条、第二十七条、第二十八条、第三十五条―第三十五条の三、第九十条の三関係）")
    ]


@pytest.fixture(scope="module")
def rodo(laws_dir: Path) -> Document:
    return _read((laws_dir / "laws" / "322" / "322AC0000000049" / "current.xml").read_bytes(), "rodo")


def test_ruby_keeps_base_text(rodo: Document) -> None:
    assert rodo.title == "労働基準法"
    assert "出産、哺育等に有害な業務" in _by_citation(rodo)["第64条の3第1項"]  # <Ruby>哺<Rt>ほ</Rt></Ruby>


def test_table_inside_article_keeps_article_open(rodo: Document) -> None:
    units = [u for u in rodo.units if u.citation.startswith("第39条")]
    assert [u.citation for u in units[:9]] == [
        "第39条第1項", "第39条第2項", *(f"第39条第2項の表（第{n}行）" for n in range(1, 8)),
    ]
    assert units[9].citation == "第39条第3項"
    first, last = units[2], units[8]
    assert (first.kind, first.text, first.caption) == ("table_row", "六箇月経過日から起算した継続勤務年数\t労働日", "（年次有給休暇）")
    assert last.text == "六年以上\t十労働日"
    assert first.context == units[1].text


def test_all_selected_laws(laws_dir: Path) -> None:
    with (laws_dir / "index.tsv").open(encoding="utf-8", newline="") as fh:
        rows = [r for r in csv.DictReader(fh, delimiter="\t") if r["in_selected_dir"] == "yes"]
    assert len(rows) == 65
    total = 0
    for row in rows:
        doc = _read((laws_dir / row["path"]).read_bytes(), row["law_id"])
        assert doc.title == row["law_title"]
        assert doc.number == row["law_num"]
        assert all(doc.text[u.start : u.end] == u.text for u in doc.units), row["law_id"]
        ids = [u.id for u in doc.units]
        assert len(ids) == len(set(ids)), row["law_id"]
        total += len(doc.units)
    assert total == 54939


# ---------------------------------------------------------------- hand-written XML
SMALL = """<?xml version="1.0" encoding="UTF-8" standalone="no"?>
<Law Era="Reiwa" Year="1" Num="9" PromulgateMonth="05" PromulgateDay="07" LawType="CabinetOrder" Lang="ja">
<LawNum>令和元年政令第九号</LawNum>
<LawBody>
  <LawTitle>試験<Ruby>用<Rt>よう</Rt></Ruby>令</LawTitle>
  <TOC><TOCLabel>目次</TOCLabel><TOCChapter Num="1"><ChapterTitle>目次の章</ChapterTitle></TOCChapter></TOC>
  <MainProvision>
    <Paragraph Num="1">
      <ParagraphNum/>
      <ParagraphSentence>
        <Sentence Num="1" Function="main">届出は、書面でしなければならない。</Sentence>
        <Sentence Num="2" Function="proviso">ただし、<Ruby>押印<Rt>おういん</Rt></Ruby>は要しない。</Sentence>
      </ParagraphSentence>
      <Item Num="1">
        <ItemTitle>一</ItemTitle>
        <ItemSentence><Column Num="1"><Sentence Num="1">届出書</Sentence></Column><Column Num="2"><Sentence Num="1">様式第一</Sentence></Column></ItemSentence>
        <Subitem1 Num="1">
          <Subitem1Title>イ</Subitem1Title>
          <Subitem1Sentence><Sentence Num="1">正本</Sentence></Subitem1Sentence>
          <Subitem2 Num="1">
            <Subitem2Title>（１）</Subitem2Title>
            <Subitem2Sentence><Sentence Num="1">紙の正本</Sentence></Subitem2Sentence>
            <Subitem3 Num="1">
              <Subitem3Title>（ｉ）</Subitem3Title>
              <Subitem3Sentence><Sentence Num="1">押印したもの</Sentence></Subitem3Sentence>
            </Subitem3>
          </Subitem2>
        </Subitem1>
      </Item>
      <Item Num="2_2">
        <ItemTitle>二の二</ItemTitle>
        <ItemSentence><Sentence Num="1">副本</Sentence></ItemSentence>
        <List><ListSentence><Sentence Num="1">写し一通</Sentence></ListSentence></List>
      </Item>
    </Paragraph>
    <Paragraph Num="2">
      <ParagraphNum>２</ParagraphNum>
      <ParagraphSentence><Sentence Num="1">手数料は、次の表のとおりとする。</Sentence></ParagraphSentence>
      <TableStruct><Table>
        <TableRow><TableColumn><Sentence Num="1">区分</Sentence></TableColumn><TableColumn><Sentence Num="1">金額</Sentence></TableColumn></TableRow>
        <TableRow><TableColumn><Sentence Num="1">書面</Sentence></TableColumn><TableColumn><Sentence Num="1">千円</Sentence><Sentence Num="2">（一通につき）</Sentence></TableColumn></TableRow>
      </Table></TableStruct>
    </Paragraph>
  </MainProvision>
  <SupplProvision>
    <SupplProvisionLabel>附　則</SupplProvisionLabel>
    <Paragraph Num="1"><ParagraphNum/><ParagraphSentence><Sentence Num="1">この政令は、公布の日から施行する。</Sentence></ParagraphSentence></Paragraph>
  </SupplProvision>
  <SupplProvision AmendLawNum="令和五年法律第六三号" Extract="true">
    <SupplProvisionLabel>附　則</SupplProvisionLabel>
    <Article Num="1">
      <ArticleCaption>（施行期日）</ArticleCaption>
      <ArticleTitle>第一条</ArticleTitle>
      <Paragraph Num="1"><ParagraphNum/><ParagraphSentence><Sentence Num="1">この法律は、令和六年四月一日から施行する。</Sentence></ParagraphSentence></Paragraph>
      <SupplNote>（罰則　第百条）</SupplNote>
    </Article>
    <Article Num="2:4">
      <ArticleTitle>第二条から第四条まで</ArticleTitle>
      <Paragraph Num="1"><ParagraphNum/><ParagraphSentence><Sentence Num="1">略</Sentence></ParagraphSentence></Paragraph>
    </Article>
    <SupplProvisionAppdxTable Num="1">
      <SupplProvisionAppdxTableTitle>附則別表第一</SupplProvisionAppdxTableTitle>
      <TableStruct><Table><TableRow><TableColumn><Sentence Num="1">経過措置</Sentence></TableColumn></TableRow></Table></TableStruct>
    </SupplProvisionAppdxTable>
  </SupplProvision>
  <AppdxTable Num="2">
    <AppdxTableTitle>別表第二の二</AppdxTableTitle>
    <RelatedArticleNum>（第一条関係）</RelatedArticleNum>
    <Item Num="1"><ItemTitle>一</ItemTitle><ItemSentence><Sentence Num="1">台帳を備えること。</Sentence></ItemSentence></Item>
    <TableStruct><Table>
      <TableRow><TableColumn><Sentence Num="1">帳簿</Sentence></TableColumn><TableColumn/><TableColumn><Sentence Num="1">五年</Sentence></TableColumn></TableRow>
    </Table>
    <Remarks><RemarksLabel>備考</RemarksLabel><Sentence Num="1">目視により確認する。</Sentence></Remarks></TableStruct>
  </AppdxTable>
</LawBody>
</Law>
"""


@pytest.fixture(scope="module")
def small() -> Document:
    return _read(SMALL.encode("utf-8"), "small")


def test_small_metadata(small: Document) -> None:
    assert (small.title, small.kind, small.number, small.date, small.body, small.format) == (
        "試験用令", "政令", "令和元年政令第九号", "令和元年5月7日", "国", "egov_xml",
    )
    assert "目次の章" not in small.text  # TOC skipped


def test_small_units(small: Document) -> None:
    got = [(u.citation, u.kind, u.text) for u in small.units]
    assert got == [
        ("第1項", "paragraph", "届出は、書面でしなければならない。ただし、押印は要しない。"),
        ("第1項第1号", "item", "届出書　様式第一"),
        ("第1項第1号イ", "subitem", "正本"),
        ("第1項第1号イ(1)", "subitem", "紙の正本"),
        ("第1項第1号イ(1)(i)", "subitem", "押印したもの"),
        ("第1項第2号の2", "item", "副本\n写し一通"),
        ("第2項", "paragraph", "手数料は、次の表のとおりとする。"),
        ("第2項の表（第1行）", "table_row", "区分\t金額"),
        ("第2項の表（第2行）", "table_row", "書面\t千円　（一通につき）"),
        ("附則", "suppl", "この政令は、公布の日から施行する。"),
        ("附則（令和五年法律第六三号）第1条", "suppl", "この法律は、令和六年四月一日から施行する。"),
        ("附則（令和五年法律第六三号）第2条", "suppl", "略"),
        ("附則（令和五年法律第六三号）別表第1（第1行）", "table_row", "経過措置"),
        ("別表第2の2（第1行）", "table_row", "一　台帳を備えること。"),
        ("別表第2の2（第2行）", "table_row", "帳簿\t\t五年"),
        ("別表第2の2備考（第1行）", "table_row", "目視により確認する。"),
    ]
    by = {u.citation: u for u in small.units}
    assert by["第1項第1号イ(1)(i)"].context == "届出は、書面でしなければならない。ただし、押印は要しない。\n届出書　様式第一\n正本\n紙の正本"
    assert by["附則（令和五年法律第六三号）第1条"].caption == "（施行期日）"
    assert by["附則（令和五年法律第六三号）第1条"].notes == ["（罰則　第百条）"]
    assert by["附則（令和五年法律第六三号）別表第1（第1行）"].path == ["附則（令和五年法律第六三号）", "附則別表第一"]
    assert by["別表第2の2（第1行）"].path == ["別表第二の二　（第一条関係）"]
    assert by["別表第2の2（第1行）"].caption == "（第一条関係）"
    assert "\n附　則　（令和五年法律第六三号）　抄\n" in small.text
    assert all(small.text[u.start : u.end] == u.text for u in small.units)


def test_single_paragraph_law_without_articles() -> None:
    xml = (
        '<Law Era="Meiji" Year="6" PromulgateMonth="02" PromulgateDay="20" LawType="Act">'
        "<LawNum>明治六年太政官布告第六十五号</LawNum><LawBody><LawTitle>布告</LawTitle><MainProvision>"
        '<Paragraph Num="1"><ParagraphNum/><ParagraphSentence><Sentence>右図式ニ従ヒ製造可致事</Sentence>'
        "</ParagraphSentence></Paragraph></MainProvision></LawBody></Law>"
    )
    doc = _read(xml.encode("utf-8"), "fukoku")
    assert [(u.id, u.citation, u.text) for u in doc.units] == [("fukoku:本則", "本則", "右図式ニ従ヒ製造可致事")]
    assert doc.date == "明治6年2月20日"


def test_shift_jis_declaration_is_handled() -> None:
    xml = SMALL.replace('encoding="UTF-8"', 'encoding="Shift_JIS"').encode("cp932")
    doc = _read(xml, "sjis")
    assert doc.units[0].text == "届出は、書面でしなければならない。ただし、押印は要しない。"


def test_external_entity_is_not_expanded(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET", encoding="utf-8")
    xml = (
        f'<?xml version="1.0"?>\n<!DOCTYPE Law [<!ENTITY xxe SYSTEM "file:///etc/passwd">'
        f'<!ENTITY sec SYSTEM "{secret.as_uri()}">]>\n'
        '<Law LawType="Act"><LawNum>x</LawNum><LawBody><LawTitle>t</LawTitle><MainProvision>'
        '<Paragraph Num="1"><ParagraphNum/><ParagraphSentence><Sentence>前&xxe;中&sec;後</Sentence>'
        "</ParagraphSentence></Paragraph></MainProvision></LawBody></Law>"
    )
    with pytest.raises(ReadError) as info:
        _read(xml.encode("utf-8"), "xxe")
    assert info.value.reason == ("XML with a DTD or entity declarations refused (e-Gov XML has none; "
                                 "entities are never expanded)")
    # and the parser itself, should a DTD ever get past that check, expands nothing
    root = etree.fromstring(xml.encode("utf-8"), egov_xml._parser())
    etree.strip_elements(root, etree.Entity, with_tail=False)
    assert "".join(root.itertext()) == "xt前中後"


def test_truncated_xml_raises_read_error(kenchiku_path: Path) -> None:
    data = kenchiku_path.read_bytes()
    with pytest.raises(ReadError) as info:
        read_bytes(data[: len(data) // 2], "cut.xml", "cut")
    assert str(info.value).startswith("cut.xml: malformed XML: Premature end of data in tag ")


def test_sniffed_as_egov() -> None:
    assert sniff(SMALL, "x.xml") == "egov_xml"

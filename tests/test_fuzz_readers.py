"""Property-based fuzzing (hypothesis) of the readers and the plain-text segmenter.

Inputs are built from the pieces each format is made of (article openings, 項 numbers, vendor
class names, e-Gov element names, JSON values) plus arbitrary text and bytes, so the readers get
deep into their code paths. The properties: no exception but ReadError leaves a reader; every
unit's offsets lie inside its document's text and slice out exactly the unit's text; a ReadError
is one line. Runs are derandomised, so a failure reproduces.
"""

from __future__ import annotations

import json
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analogscan.ingest import d1law, egov_xml, jsonl, plaintext, read_bytes, reikibase
from analogscan.model import Document, ReadError
from analogscan.nlp.tokens import pieces

FUZZ = settings(max_examples=150, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

WORDS = ["第1条", "第2条の2", "第十条", "第3条（掲示）", "第1", "第2章 総則", "第1節", "2", "３", "10", "(1)", "（２）",
         "一", "二の二", "ア", "(ア)", "イ", "(イ)", "附則", "附　則", "付則（抄）", "附則（平成18年規則第23号）", "別表",
         "別表第1（第3条関係）", "別記様式", "様式第1号", "（目的）", "○見本町公告式規則", "昭和56年3月23日",
         "規則第7号", "訓令甲第11号", "職員は、掲示しなければならない。", "ただし、", "(平18規則23・一部改正)",
         "削除", "前文", "目次", "　", " ", "\t", "\x0b", "\x1f", "\r", "〇", "の", "条", "項", "号", "（", "）", "(", ")", "「", "」", "<", "&"]
line = st.lists(st.sampled_from(WORDS) | st.text(max_size=6), max_size=8).map(lambda ws: " ".join(ws))
RULE_TEXT = st.lists(line, max_size=25).map("\n".join) | st.text(max_size=400)


def assert_offsets(docs: list[Document]) -> None:
    for doc in docs:
        for unit in doc.units:
            assert 0 <= unit.start <= unit.end <= len(doc.text), (unit.id, unit.start, unit.end, len(doc.text))
            assert doc.text[unit.start:unit.end] == unit.text, unit.id


def read_safely(reader, text: str, source: str) -> list[Document]:
    try:
        docs = reader(text, source, "doc")
    except ReadError as err:
        assert "\n" not in str(err)
        return []
    assert_offsets(docs)
    return docs


# ------------------------------------------------------------------ plain text and the byte level
@FUZZ
@given(RULE_TEXT)
def test_plaintext_segmenter(text: str) -> None:
    read_safely(plaintext.read, text, "x.txt")


@FUZZ
@given(RULE_TEXT, st.sampled_from(["utf-8", "cp932", "euc_jp", "utf-16"]),
       st.sampled_from(["a.txt", "a.html", "a.xml", "a.jsonl", "a", "a.dat"]), st.binary(max_size=64))
def test_read_bytes_any_encoding_and_name(text: str, encoding: str, name: str, tail: bytes) -> None:
    data = text.encode(encoding, errors="replace") + tail
    try:
        docs = read_bytes(data, name, "doc")
    except ReadError as err:
        assert "\n" not in str(err) and err.source == name
        return
    assert docs and all(d.units for d in docs)
    assert_offsets(docs)


# ------------------------------------------------------------------ vendor HTML
TEXT_BIT = st.sampled_from(WORDS) | st.text(max_size=8)
REIKI_CLASSES = ["eline", "article", "clause", "item", "title", "num", "p", "s-head", "cm", "t-t", "table_frame",
                 "form_section", "number", "date", "supplement", "word-space", ""]


def _elements(classes: list[str], ids: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    leaf = TEXT_BIT.map(lambda t: t.replace("<", "&lt;"))

    def wrap(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        return st.builds(lambda tag, cls, i, kids: f'<{tag} class="{cls}" id="{i}">{"".join(kids)}</{tag}>',
                         st.sampled_from(["div", "p", "span", "table", "tr", "td", "br"]), st.sampled_from(classes),
                         ids, st.lists(children, max_size=4))

    return st.recursive(leaf, wrap, max_leaves=30)


ESCAPED = TEXT_BIT.map(lambda t: t.replace("&", "&amp;").replace("<", "&lt;"))
REIKI_LINES = [
    '<div class="head"><p class="title-irregular"><span class="cm">{0}</span></p></div>',
    '<div class="head"><p class="date"><span class="cm">{0}</span></p></div>',
    ('<div class="article"><p class="title"><span class="cm">{0}</span></p><p class="num"><span class="num cm">{1}</span>'
    '　<span class="clause"><span class="p cm">{2}</span></span></p></div>'),
    '<div class="clause"><p class="num"><span class="num cm">{1}</span>　<span class="p cm">{2}</span></p></div>',
    '<div class="item"><p class="num"><span class="num cm">{1}</span>　<span class="p cm">{2}</span></p></div>',
    '<p class="s-head"><span class="cm">{0}</span></p>',
    '<div class="table_frame"><table><tr><td>{0}</td><td>{2}</td></tr><tr><td>{1}</td></tr></table></div>',
    '<div class="form_section"><p>{0}</p></div>',
]
REIKI_LINE = st.builds(lambda tpl, a, b, c: '<div><div class="eline">' + tpl.format(a, b, c) + "</div></div>",
                       st.sampled_from(REIKI_LINES), ESCAPED, ESCAPED, ESCAPED)


@FUZZ
@given(st.lists(REIKI_LINE | _elements(REIKI_CLASSES, st.just("x")), max_size=12))
def test_reikibase_reader(parts: list[str]) -> None:
    page = f'<html><body><div id="primaryInner">{"".join(parts)}</div></body></html>'
    read_safely(reikibase.read, page, "x.html")


D1_IDS = st.builds(lambda kind, path: f"h:{kind}:::2:{path}:1:",
                   st.sampled_from(["zA10", "zB10", "dG10", "hL10", "hL20", "sO10", "sL30", "kO10", "kL30", "xx99"]),
                   st.sampled_from(["0", "1.0.0.0-0.0-0.0.0-0-0-0-0", "10.0.0.0-2.0-1.0.0", "2.0.0.0-3.0-0.0.0",
                                    "x.y", "1.2.3.4-5.6-7.8.9-1-2-3-4"]))


D1_LINE = st.builds(lambda i, a, b, c: f'<div class="danraku-normal" id="{i}">{a}<table><tr><td>{b}</td></tr></table>{c}</div>',
                    D1_IDS, ESCAPED, ESCAPED, ESCAPED)


@FUZZ
@given(st.lists(D1_LINE | _elements(["danraku-normal", "danraku-normal", ""], D1_IDS), max_size=8))
def test_d1law_reader(parts: list[str]) -> None:
    read_safely(d1law.read, f"<html><body>{''.join(parts)}</body></html>", "x_j.html")


# ------------------------------------------------------------------ e-Gov XML
EGOV_TAGS = ["Part", "Chapter", "Section", "Article", "ArticleTitle", "ArticleCaption", "Paragraph", "ParagraphNum",
             "ParagraphSentence", "Sentence", "Item", "ItemTitle", "ItemSentence", "Subitem1", "Subitem1Title",
             "Subitem1Sentence", "Column", "List", "ListSentence", "TableStruct", "Table", "TableRow", "TableColumn",
             "SupplProvision", "SupplProvisionLabel", "AppdxTable", "AppdxTableTitle", "Remarks", "Ruby", "Rt",
             "Preamble", "TOC", "FigStruct", "AmendProvision"]


def _xml() -> st.SearchStrategy[str]:
    leaf = TEXT_BIT.map(lambda t: t.replace("&", "&amp;").replace("<", "&lt;"))

    def wrap(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        return st.builds(lambda tag, num, kids: f'<{tag} Num="{num}">{"".join(kids)}</{tag}>',
                         st.sampled_from(EGOV_TAGS), st.sampled_from(["1", "2", "3_2", "", "x"]),
                         st.lists(children, max_size=4))

    return st.recursive(leaf, wrap, max_leaves=40)


# characters XML 1.0 forbids are left out here (test_egov_reader covers them: "malformed XML")
XML_TEXT = TEXT_BIT.map(lambda t: re.sub("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]", "", t)
                        .replace("&", "&amp;").replace("<", "&lt;"))
NUM = st.sampled_from(["1", "2", "3_2", "", "x"])
SENTENCES = st.lists(XML_TEXT.map(lambda t: f"<Sentence>{t}</Sentence>"), min_size=1, max_size=3).map("".join)
SUBITEM = st.builds(lambda n, t, s: f'<Subitem1 Num="{n}"><Subitem1Title>{t}</Subitem1Title>'
                                    f"<Subitem1Sentence>{s}</Subitem1Sentence></Subitem1>", NUM, XML_TEXT, SENTENCES)
ITEM = st.builds(lambda n, t, s, subs: f'<Item Num="{n}"><ItemTitle>{t}</ItemTitle><ItemSentence>{s}</ItemSentence>'
                                       f'{"".join(subs)}</Item>', NUM, XML_TEXT, SENTENCES, st.lists(SUBITEM, max_size=2))
TABLE = st.lists(st.lists(SENTENCES.map(lambda s: f"<TableColumn>{s}</TableColumn>"), max_size=3), max_size=3).map(
    lambda rows: "<TableStruct><Table>" + "".join(f"<TableRow>{''.join(r)}</TableRow>" for r in rows)
    + "</Table></TableStruct>")
PARAGRAPH = st.builds(lambda n, s, items, table: f'<Paragraph Num="{n}"><ParagraphNum>{n}</ParagraphNum>'
                                                 f"<ParagraphSentence>{s}</ParagraphSentence>{table}{''.join(items)}"
                                                 "</Paragraph>",
                      NUM, SENTENCES, st.lists(ITEM, max_size=3), st.sampled_from([""]) | TABLE)
ARTICLE = st.builds(lambda n, t, c, ps: f'<Article Num="{n}"><ArticleCaption>{c}</ArticleCaption>'
                                        f"<ArticleTitle>{t}</ArticleTitle>{''.join(ps)}</Article>",
                    NUM, XML_TEXT, XML_TEXT, st.lists(PARAGRAPH, min_size=1, max_size=3))
SUPPL = st.builds(lambda label, body: f"<SupplProvision><SupplProvisionLabel>{label}</SupplProvisionLabel>{body}"
                                      "</SupplProvision>", XML_TEXT, st.lists(ARTICLE | PARAGRAPH, max_size=2).map("".join))
APPDX = st.builds(lambda t, table: f"<AppdxTable><AppdxTableTitle>{t}</AppdxTableTitle>{table}</AppdxTable>",
                  XML_TEXT, TABLE)


@FUZZ
@given(st.lists(ARTICLE | PARAGRAPH | _xml(), max_size=5), st.lists(SUPPL | APPDX, max_size=3))
def test_egov_structured(main: list[str], tail: list[str]) -> None:
    law = ('<Law Era="Reiwa" Year="1" Num="1" LawType="Act" Lang="ja"><LawNum>令和元年法律第一号</LawNum><LawBody>'
           f'<LawTitle>見本法</LawTitle><MainProvision>{"".join(main)}</MainProvision>{"".join(tail)}</LawBody></Law>')
    read_safely(egov_xml.read, law, "x.xml")


@FUZZ
@given(st.lists(_xml(), max_size=5))
def test_egov_reader(parts: list[str]) -> None:
    law = ('<Law Era="Reiwa" Year="1" Num="1" LawType="Act" Lang="ja"><LawNum>令和元年法律第一号</LawNum><LawBody>'
           f'<LawTitle>見本法</LawTitle><MainProvision>{"".join(parts)}</MainProvision></LawBody></Law>')
    read_safely(egov_xml.read, law, "x.xml")


# ------------------------------------------------------------------ JSONL
JSON_VALUE = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=20),
                          lambda kids: st.lists(kids, max_size=3) | st.dictionaries(st.text(max_size=5), kids, max_size=3),
                          max_leaves=8)
KEYS = ["id", "text", "url", "title", "body", "source", "citation", "caption", "context", "path", "notes", "kind"]


@FUZZ
@given(st.lists(st.dictionaries(st.sampled_from(KEYS), st.text(max_size=30) | JSON_VALUE, max_size=6), max_size=8))
def test_jsonl_reader(objs: list[dict]) -> None:
    read_safely(jsonl.read, "\n".join(json.dumps(o, ensure_ascii=False) for o in objs), "x.jsonl")


# ------------------------------------------------------------------ Sudachi pieces
@FUZZ
@given(st.text(max_size=300), st.integers(min_value=4, max_value=64))
def test_pieces_cover_text(text: str, max_bytes: int) -> None:
    got = list(pieces(text, max_bytes))
    assert "".join(p for _, p in got) == text
    assert [s for s, _ in got] == [sum(len(p) for _, p in got[:i]) for i in range(len(got))]
    assert all(p and len(p.encode("utf-8")) <= max_bytes for _, p in got)

"""e-Gov 法令標準XML (``<Law>…<LawBody>``) → one :class:`Document` per law.

The reader walks the element tree once, top-down, and hands provision texts to
:class:`DocumentBuilder`, which owns every citation rule. Text conventions:

* a 項's text is its ``Sentence`` elements joined without separator (本文 + ただし書 stay together);
* ``Column`` elements (定義語　定義) are joined with a full-width space;
* ``Ruby`` keeps its base text (``Rt`` is dropped);
* ``List``, ``FigStruct`` titles and ``AmendProvision`` inside a provision are appended to the
  owning 項/号 unit as further lines;
* every table row is a ``table_row`` unit (cells joined by tabs): 別表 rows 「別表第1（第3行）」,
  rows of a table inside an article 「第39条第2項の表（第1行）」 (the article stays open), 備考
  sentences 「別表第1備考（第1行）」;
* 前文 paragraphs are cited 「前文」; ``TOC`` is skipped.

Parsing never resolves entities, loads DTDs or touches the network.
"""

from __future__ import annotations

import re

from lxml import etree

from ..model import Document, ReadError, Unit
from .builder import DocumentBuilder
from .numbers import canonical_number, item_label, subitem_label

LAW_TYPES = {
    "Constitution": "憲法",
    "Act": "法律",
    "CabinetOrder": "政令",
    "ImperialOrder": "勅令",
    "MinisterialOrdinance": "省令",
    "Rule": "規則",
    "Misc": "その他",
}
ERAS = {"Meiji": "明治", "Taisho": "大正", "Showa": "昭和", "Heisei": "平成", "Reiwa": "令和"}
HEADING_LEVELS = {"Part": 1, "Chapter": 2, "Section": 3, "Subsection": 4, "Division": 5}
_APPENDIX_TAGS = {"AppdxTable", "AppdxNote", "AppdxStyle", "AppdxFormat", "AppdxFig", "Appdx"}
_SUBITEM_RE = re.compile(r"^Subitem(\d+)$")
_XML_DECL_RE = re.compile(r"^\ufeff?\s*<\?xml[^>]*\?>")
_KANJI = "〇一二三四五六七八九十百千"
_ARTICLE_TITLE_RE = re.compile(rf"^第([{_KANJI}0-9０-９]+)条((?:[のノ][{_KANJI}0-9０-９]+)*)")
_TABLE_NUMBER_RE = re.compile(rf"第([{_KANJI}0-9０-９]+(?:[のノ][{_KANJI}0-9０-９]+)*)")
_WS_NL_RE = re.compile(r"[ \t\r\n]*\n[ \t\r\n]*")  # XML indentation only: never U+3000
FULL_SPACE = "\u3000"


def _parser() -> etree.XMLParser:
    # remove_blank_text drops the pretty-printing indentation between elements (only ASCII
    # whitespace; U+3000 in the text is kept): same output on all 2,081 laws, ~20 % faster walk.
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=True,
        remove_comments=True,
        remove_pis=True,
        remove_blank_text=True,
    )


# ------------------------------------------------------------------ text helpers
# XPath string(): libxml2 joins the descendant text nodes in C, twice as fast as joining itertext().
_STRING_VALUE = etree.XPath("string()", smart_strings=False)


def _text(el: etree._Element) -> str:
    """All text under ``el``, without the indentation of pretty-printed XML.

    Ruby readings (Rt) and unexpanded entity references are stripped from the tree right
    after parsing (see :func:`parse`), so the string value of the element is the text.
    """
    t = (el.text or "") if len(el) == 0 else _STRING_VALUE(el)
    return _WS_NL_RE.sub("", t) if "\n" in t else t


def _child(el: etree._Element, tag: str) -> etree._Element | None:
    """First child with ``tag`` (a plain loop: ``find`` goes through ElementPath and is several times slower)."""
    for c in el:
        if c.tag == tag:
            return c
    return None


def _child_text(el: etree._Element, tag: str) -> str:
    c = _child(el, tag)
    return _text(c).strip() if c is not None else ""


def _sentences(container: etree._Element | None) -> str:
    """Text of a ParagraphSentence/ItemSentence/…: Sentences joined as is, Columns with a full-width space."""
    if container is None or len(container) == 0:
        return ""
    if container[0].tag != "Column":
        return _text(container).strip()
    return FULL_SPACE.join(_text(c).strip() for c in container if c.tag == "Column").strip()


def _titled(title: str, text: str) -> str:
    return f"{title}{FULL_SPACE}{text}" if title and text else title or text


def _table_rows(table: etree._Element) -> list[str]:
    """Rows of a Table as tab-joined cells (Sentences in one cell joined with a full-width space)."""
    rows: list[str] = []
    for row in (r for r in table if r.tag == "TableRow"):
        cells = []
        for col in row:
            if col.tag != "TableColumn":
                continue
            if all(s.tag == "Sentence" for s in col):
                cells.append(FULL_SPACE.join(t for s in col if (t := _text(s).strip())))
            else:
                cells.append(FULL_SPACE.join(_lines(col)))
        rows.append("\t".join(cells))
    return rows


def _lines(el: etree._Element) -> list[str]:
    """Any block element flattened into display lines (used for blocks inside provisions and 別表)."""
    tag = el.tag
    if not isinstance(tag, str) or tag == "Rt":
        return []
    if tag == "Sentence":
        t = _text(el).strip()
        return [t] if t else []
    if tag == "TableStruct":
        return _table_struct_lines(el)
    if tag == "Column" or tag.endswith("Sentence"):
        t = _sentences(el) if tag != "Column" else _text(el).strip()
        return [t] if t else []
    return _block_lines(el)


def _table_struct_lines(el: etree._Element) -> list[str]:
    rows: list[str] = []
    for c in el:
        if c.tag == "Table":
            rows += _table_rows(c)
        elif isinstance(c.tag, str):  # TableStructTitle, Remarks
            rows += _lines(c)
    return rows


def _block_lines(el: etree._Element) -> list[str]:
    """A block's title (or its own sentence) as its first line, then its children's lines."""
    title = ""
    out: list[str] = []
    own = ""
    for c in el:
        ctag = c.tag
        if not isinstance(ctag, str):
            continue
        if ctag.endswith("Title") or ctag == "RemarksLabel":
            if not title:
                title = _text(c).strip()
            continue
        if ctag in ("ParagraphNum", "ParagraphCaption", "ArticleCaption"):
            continue
        if ctag.endswith("Sentence") and ctag != "Sentence":
            own = _sentences(c)
            continue
        out += _lines(c)
    head = _titled(title, own)
    if not out and not head and len(el) == 0 and el.text and el.text.strip():
        return [el.text.strip()]
    return ([head] if head else []) + out


def _paragraph_parts(p: etree._Element) -> tuple[str, str, str, list[str], list[tuple[bool, etree._Element]]]:
    """A 項's shown number, caption, own sentence, further lines (List, FigStruct, AmendProvision) and
    its Items and TableStructs in order as (is an Item, element): they need this 項's citation as a name base."""
    shown = caption = own = ""
    extra: list[str] = []
    nested: list[tuple[bool, etree._Element]] = []
    for c in p:
        tag = c.tag
        if tag == "ParagraphSentence":
            own = _sentences(c)
        elif tag == "ParagraphNum":
            shown = _text(c).strip()
        elif tag == "ParagraphCaption":
            caption = _text(c).strip()
        elif tag == "Item" or tag == "TableStruct":
            nested.append((tag == "Item", c))
        elif isinstance(tag, str):
            extra += _lines(c)
    return shown, caption, own, extra, nested


def _article_number(title: str, num: str) -> str:
    """「第十二条の二」→ "十二の二"; ranges such as 「第三十八条から第八十四条まで」 cite their first article
    (``num``, the Num attribute, serves when the title has no number)."""
    m = _ARTICLE_TITLE_RE.match(title)
    if m:
        return (m.group(1) + m.group(2)).replace("ノ", "の")
    return num.split(":")[0].replace("_", "の")


def _subitem_depth(tag: str) -> int | None:
    """3 for ``Subitem3``, None for any other tag (memoised: a regular expression per child was a hot spot)."""
    depth = _SUBITEM_DEPTHS.get(tag, -1)
    if depth == -1:
        m = _SUBITEM_RE.match(tag)
        depth = int(m.group(1)) if m else None
        if len(_SUBITEM_DEPTHS) < 4096:  # hostile XML with endless tag names must not grow it
            _SUBITEM_DEPTHS[tag] = depth
    return depth


_SUBITEM_DEPTHS: dict[str, int | None] = {}


def _table_name(title: str) -> str:
    """「別表第二の二（第十条関係）」→ "別表第2の2"; the related-article note is not part of the name."""
    name = re.split(r"[\s\u3000（(]", title.strip(), maxsplit=1)[0] or "別表"
    return _TABLE_NUMBER_RE.sub(lambda m: "第" + canonical_number(m.group(1).replace("ノ", "の")), name)


def _date(law: etree._Element) -> str:
    era = ERAS.get(law.get("Era") or "", law.get("Era") or "")
    try:
        year, month, day = (int(law.get(a) or "") for a in ("Year", "PromulgateMonth", "PromulgateDay"))
    except ValueError:
        return ""
    return f"{era}{'元' if year == 1 else year}年{month}月{day}日"


# ------------------------------------------------------------------ the walk
def _item_shown(label: str, depth: int) -> str:
    """How the builder cites a 号 ("2の2" → 「第2号の2」) or a subdivision (as is)."""
    if depth:
        return label
    base, _, branch = label.partition("の")
    return f"第{base}号" + (f"の{branch}" if branch else "")


class _Walker:
    """One pass over ``<LawBody>``; tables inside provisions are named like the other readers'
    (「第12条第3項の表」), so it tracks the open 附則 label, article and 項."""

    def __init__(self, builder: DocumentBuilder):
        self.b = builder
        self.suppl_prefix = ""             # "" in the main provisions, "附則（…）" in a 附則
        self.article_no: str | None = None  # canonical number of the open article
        self.multi = False                 # the open article (or article-less block) has several 項
        self.rows: dict[str, int] = {}     # table name → rows emitted so far
        self.preamble_units: list[Unit] = []

    def body(self, body: etree._Element) -> None:
        for c in body:
            tag = c.tag
            if not isinstance(tag, str) or tag in ("TOC", "LawTitle"):
                continue
            if tag == "MainProvision":
                self.container(c)
            elif tag == "SupplProvision":
                self.suppl(c)
            elif tag == "Preamble":
                self.preamble(c)
            elif tag in _APPENDIX_TAGS:
                self.appendix(c, "", level=0)
            else:  # EnactStatement and anything unknown: plain lines
                for line in _lines(c):
                    self.b.line(line)

    def container(self, el: etree._Element) -> None:
        self.multi = sum(1 for c in el if c.tag == "Paragraph") > 1  # a law with 項 but no 条
        for c in el:
            tag = c.tag
            if not isinstance(tag, str):
                continue
            if tag in HEADING_LEVELS:
                self.b.heading(_child_text(c, tag + "Title"), HEADING_LEVELS[tag])
                self.container(c)
            elif tag == "Article":
                self.article(c)
            elif tag == "Paragraph":
                self.paragraph(c)

    def article(self, a: etree._Element) -> None:
        """One pass over the article's children: the first caption and title, then its 項 and notes in order."""
        caption: str | None = None
        title: str | None = None
        parts: list[tuple[bool, etree._Element]] = []  # (is a Paragraph, element); else a SupplNote
        for c in a:
            tag = c.tag
            if tag == "Paragraph" or tag == "SupplNote":
                parts.append((tag == "Paragraph", c))
            elif tag == "ArticleCaption" and caption is None:
                caption = _text(c).strip()
            elif tag == "ArticleTitle" and title is None:
                title = _text(c).strip()
        if caption:
            self.b.caption(caption)
        number = _article_number(title or "", a.get("Num") or "")
        self.b.begin_article(number)
        self.article_no = canonical_number(number)
        self.multi = sum(is_paragraph for is_paragraph, _ in parts) > 1
        for is_paragraph, c in parts:
            if is_paragraph:
                self.paragraph(c)
            else:
                self.b.note(_text(c).strip())
        self.article_no = None

    def paragraph(self, p: etree._Element) -> None:
        shown, caption, own, extra, nested = _paragraph_parts(p)
        num = (p.get("Num") or "").replace("_", "の")
        number = None if not shown and num in ("", "1") else (num or shown)
        if caption:
            self.b.line(caption)
        units: list[Unit | None] = [self.b.paragraph("\n".join([own, *extra]) if extra else own, number)]
        if nested:
            base = self._provision_name(number)
            for is_item, c in nested:
                if is_item:
                    self.item(c, 0, base, units)
                else:
                    self.table(c, base + "の表", within_article=True, context=own)
        if caption:  # a 項's own caption (附則 「（施行期日）」) wins over the article's
            for u in units:
                if u is not None:
                    u.caption = caption

    def _provision_name(self, number: str | None) -> str:
        """The citation of the current 項 as the builder will write it (for naming its tables)."""
        name = self.suppl_prefix
        paragraph = canonical_number(number) if number else None
        multi = self.multi or paragraph not in (None, "1")
        if self.article_no is not None:
            base, _, branch = self.article_no.partition("の")
            name += f"第{base}条" + (f"の{branch}" if branch else "")
            if multi:
                name += f"第{paragraph or '1'}項"
        elif multi:
            name += f"第{paragraph or '1'}項"
        return name or "本則"

    def item(self, it: etree._Element, depth: int, name: str, units: list[Unit | None]) -> None:
        tag = it.tag
        title_tag, sentence_tag = tag + "Title", tag + "Sentence"
        title = own = ""
        extra: list[str] = []
        later: list[tuple[int | None, etree._Element]] = []  # TableStructs (None) and subdivisions (depth)
        for c in it:
            ctag = c.tag
            if ctag == sentence_tag:
                own = _sentences(c)
            elif ctag == title_tag:
                title = _text(c).strip()
            elif not isinstance(ctag, str):
                continue
            elif ctag == "TableStruct":
                later.append((None, c))
            elif (sub := _subitem_depth(ctag)) is not None:
                later.append((sub, c))
            else:
                extra += _lines(c)  # List, FigStruct: more lines of this 号
        # Num "1:25" (「一から二十五まで」, deleted or 略 ranges) cites its first 号, like article ranges.
        num = (it.get("Num") or "").split(":")[0].replace("_", "の")
        if depth == 0:
            label = (item_label(title) if title else None) or num or canonical_number(title)
        else:
            label = subitem_label(title) if title else num
        units.append(self.b.item("\n".join([own, *extra]) if extra else own, label, depth))
        name += _item_shown(label, depth)
        for sub, c in later:
            if sub is None:
                self.table(c, name + "の表", within_article=True, context=own)
            else:
                self.item(c, sub, name, units)

    def table(self, ts: etree._Element, name: str, caption: str = "", within_article: bool = False,
              context: str = "") -> None:
        """One table_row unit per TableRow; a Remarks (備考) gives rows of 「<name>備考」."""
        for c in ts:
            tag = c.tag
            if tag == "TableStructTitle":
                self.b.line(_text(c).strip())
            elif tag == "Table":
                for text in _table_rows(c):
                    self.row(name, text, caption, within_article, context)
            elif tag == "Remarks":
                self.remarks(c, name, caption, within_article)

    def row(self, name: str, text: str, caption: str = "", within_article: bool = False, context: str = "") -> None:
        if not text.strip():
            return
        n = self.rows[name] = self.rows.get(name, 0) + 1
        unit = self.b.table_row(name, n, text, caption, within_article=within_article)
        if unit is not None and context:
            unit.context = context

    def remarks(self, rem: etree._Element, name: str, caption: str, within_article: bool = False) -> None:
        """Each 備考 sentence or item as a row of 「別表第1備考」."""
        self.b.line(_child_text(rem, "RemarksLabel") or "備考")
        for c in rem:
            if isinstance(c.tag, str) and c.tag != "RemarksLabel":
                self.row(name + "備考", "\n".join(_lines(c)), caption, within_article)

    def suppl(self, s: etree._Element) -> None:
        amend = (s.get("AmendLawNum") or "").strip()
        label = f"（{amend}）" if amend else ""
        heading = _child_text(s, "SupplProvisionLabel") or "附則"
        if label:
            heading += FULL_SPACE + label
        if s.get("Extract") == "true" and "抄" not in heading:
            heading += FULL_SPACE + "抄"
        self.b.begin_suppl(label, heading)
        self.suppl_prefix = "附則" + label
        self.multi = sum(1 for c in s if c.tag == "Paragraph") > 1
        for c in s:
            tag = c.tag
            if tag == "Article":
                self.article(c)
            elif tag == "Paragraph":
                self.paragraph(c)
            elif isinstance(tag, str) and tag.startswith("SupplProvisionAppdx"):
                self.appendix(c, self.suppl_prefix, level=1)

    def preamble(self, pre: etree._Element) -> None:
        """前文 paragraphs have no 条 or 項; they are cited 「前文」 (see :func:`read_law`)."""
        self.b.line("前文")
        for p in (c for c in pre if c.tag == "Paragraph"):
            unit = self.b.table_row("前文", len(self.preamble_units) + 1, "\n".join(_lines(p)))
            if unit is not None:
                self.preamble_units.append(unit)

    def appendix(self, ap: etree._Element, prefix: str, level: int) -> None:
        """A 別表 (or 別記 etc.): heading line, then one table_row unit per table row, item or remark."""
        title = next((_text(c).strip() for c in ap if isinstance(c.tag, str) and c.tag.endswith("Title")), "")
        related = _child_text(ap, "RelatedArticleNum")
        self.b.heading(_titled(title, related) or "別表", level)
        name = _table_name(title)
        if prefix:  # 「附則別表第一」 in 附則（…）: 「附則（…）別表第1」
            name = prefix + (name.removeprefix("附則"))
        for c in ap:
            tag = c.tag
            if not isinstance(tag, str) or tag.endswith("Title") or tag == "RelatedArticleNum":
                continue
            if tag == "TableStruct":
                self.table(c, name, related)
            elif tag == "Remarks":
                self.remarks(c, name, related)
            elif tag == "Item" or _SUBITEM_RE.match(tag):
                self.appendix_item(c, name, related)
            else:
                self.row(name, "\n".join(_lines(c)), related)

    def appendix_item(self, it: etree._Element, name: str, caption: str) -> None:
        """A 号 of a 別表 as one row 「一　…」; its subdivisions and tables follow as further rows."""
        title = own = ""
        extra: list[str] = []
        later: list[etree._Element] = []
        for c in it:
            tag = c.tag
            if not isinstance(tag, str):
                continue
            if tag.endswith("Title"):
                title = _text(c).strip()
            elif tag.endswith("Sentence"):
                own = _sentences(c)
            elif tag == "TableStruct" or _SUBITEM_RE.match(tag):
                later.append(c)
            else:
                extra += _lines(c)
        self.row(name, "\n".join([_titled(title, own), *extra]), caption)
        for c in later:
            if c.tag == "TableStruct":
                self.table(c, name, caption)
            else:
                self.appendix_item(c, name, caption)


def _laws(root: etree._Element) -> list[etree._Element]:
    if root.tag in ("Law", "LawBody"):
        return [root]
    return list(root.iter("Law"))  # e.g. the e-Gov API envelope <DataRoot><ApplData><LawFullText><Law>


def read_law(law: etree._Element, source: str, doc_id: str) -> Document:
    """One ``<Law>`` (or bare ``<LawBody>``) element → Document."""
    body = law if law.tag == "LawBody" else law.find("LawBody")
    if body is None:
        raise ReadError(source, "e-Gov XML without <LawBody>")
    title = _child_text(body, "LawTitle")
    number = _child_text(law, "LawNum") if law.tag == "Law" else ""
    law_type = law.get("LawType") or ""
    doc = Document(
        doc_id=doc_id,
        title=title,
        body="国",
        kind=LAW_TYPES.get(law_type, law_type),
        number=number,
        date=_date(law) if law.tag == "Law" else "",
        source=source,
        format="egov_xml",
    )
    b = DocumentBuilder(doc)
    for line in (title, number):
        if line:
            b.line(line)
    walker = _Walker(b)
    walker.body(body)
    b.finish()
    for unit in walker.preamble_units:  # plain 「前文」 like the plain-text reader; ids stay unique
        unit.citation, unit.kind = "前文", "paragraph"
    for n, unit in enumerate(walker.preamble_units, 1):
        unit.id = f"{doc_id}:前文" + (f"~{n}" if n > 1 else "")
    return doc


# e-Gov XML has no document type declaration; one with an internal subset or an external DTD
# is refused before parsing, so entity bombs and external entities never reach the parser.
_DTD_RE = re.compile(rb"<!DOCTYPE\b[^>\[]*(?:\[|\bSYSTEM\b|\bPUBLIC\b)|<!ENTITY\b", re.IGNORECASE)


def parse(data: bytes, source: str) -> etree._Element:
    """Parse bytes safely (no entities, DTDs or network); malformed XML raises ReadError."""
    if _DTD_RE.search(data):
        raise ReadError(source, "XML with a DTD or entity declarations refused (e-Gov XML has none; "
                                "entities are never expanded)")
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        raise ReadError(source, f"malformed XML: {exc}") from None
    # Ruby readings are not body text; entity references stay unexpanded and are dropped. (One C walk
    # of the tree: cheaper than searching the bytes for "<Rt" to skip it.)
    etree.strip_elements(root, "Rt", etree.Entity, with_tail=False)
    return root


def read(text: str, source: str, doc_id: str) -> list[Document]:
    # lxml refuses str input that carries an encoding declaration, and the text is already
    # decoded: drop the declaration and hand lxml UTF-8 bytes.
    return read_utf8(_XML_DECL_RE.sub("", text, count=1).encode("utf-8"), source, doc_id)


def read_utf8(data: bytes, source: str, doc_id: str) -> list[Document]:
    """Like :func:`read`, from the file's own bytes when they are UTF-8 (declared so, or not declared):
    the text is not encoded a second time (the same tree, a few percent of the reading time)."""
    root = parse(data, source)
    laws = _laws(root)
    if not laws:
        raise ReadError(source, f"no <Law> element (root is <{root.tag}>)")
    if len(laws) == 1:
        return [read_law(laws[0], source, doc_id)]
    return [read_law(law, source, f"{doc_id}#{i}") for i, law in enumerate(laws, 1)]

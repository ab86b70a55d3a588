"""ぎょうせい Reiki-Base pages (``reiki_honbun/<prefix>RG<8 digits>.html``).

The body is a flat run of ``div.eline`` lines in ``#primaryInner2``: ``div.head`` (title, date,
number), ``div.article`` (caption ``p.title``, ``p.num`` with ``span.num`` 「第1条」 and the text
in ``span.p``), ``div.clause`` (項), ``div.item``/deeper item classes (号, イ, (ア) …),
``p.s-head`` (附則 headings), ``div.table_frame`` (tables) and ``div.form_section`` (様式,
not body text). The ``#secondary`` pane (目次, 沿革) and the hidden ID list are dropped.
"""

from __future__ import annotations

import re

from lxml import etree

from ..model import Document, ReadError
from .builder import DocumentBuilder, suppl_label
from .html_common import (
    ItemDepth,
    article_cite,
    article_number,
    attach,
    body_from_title,
    clean,
    emit_table,
    gou_number,
    has_class,
    heading_level,
    is_toc_entry,
    parse_html,
    table_name,
    text_of,
    unit_text,
)
from .numbers import canonical_number, kind_of

_ITEM_CLASS_RE = re.compile(r"^(?:sub)?item[-_]?(\d*)$")
_BODY_XPATH = ".//div[contains(concat(' ', normalize-space(@class), ' '), ' eline ')]"


def _first(el: etree._Element, xpath: str) -> etree._Element | None:
    found = el.xpath(xpath)
    return found[0] if found else None


def _cls(name: str) -> str:
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


def _item_depth_hint(line: etree._Element) -> tuple[etree._Element | None, int | None]:
    """The item container of a line and the depth its class names (item → 0, item2 → 1, …)."""
    for el in line.iter("div"):
        for c in (el.get("class") or "").split():
            m = _ITEM_CLASS_RE.match(c)
            if m:
                return el, (int(m.group(1)) - 1 if m.group(1) else 0)
    return None, None


def _label_and_text(box: etree._Element) -> tuple[str, str]:
    """(number label, own text) of an article/clause/item box: the label is ``span.num``."""
    p = _first(box, f".//p[{_cls('num')}][not(ancestor::table)]")
    if p is None:
        p = _first(box, ".//p[not(ancestor::table)]")
    if p is None:
        return "", ""
    num = _first(p, f".//span[{_cls('num')}]")
    label = text_of(num)
    full = text_of(p)
    if label and full.startswith(label):
        return label, full[len(label):].lstrip("　 ")
    return label, full


class _Reader:
    def __init__(self, b: DocumentBuilder):
        self.b = b
        self.depth = ItemDepth()
        self.article: str | None = None      # open article number (canonical)
        self.paragraph: str | None = None    # current 項 number in it
        self.suppl: str | None = None        # None main provisions, else the 附則 label
        self.caption = ""                    # last caption (共通見出し carries to the next article)
        self.pending_caption: str | None = None
        self.table: str | None = None        # open 別表 name
        self.table_notes = 0
        self.mode = ""                       # "" | "toc" | "form"
        self.multi: set[int] = set()         # line indexes of articles that have numbered 項
        self.article_line = -1               # line index of the open article

    # -------------------------------------------------------------- lines
    def run(self, lines: list[etree._Element]) -> None:
        kinds = [self.kind(line) for line in lines]
        open_article = None
        for i, (kind, _el) in enumerate(kinds):
            if kind == "article":
                open_article = i
            elif kind in ("suppl", "heading") and open_article is not None:
                open_article = None
            elif kind == "clause" and open_article is not None:
                self.multi.add(open_article)
        for i, (kind, el) in enumerate(kinds):
            if self.mode == "toc":  # the rule's own 目次: 「第1章　総則(第1条―第5条)」 lines are no headings
                if kind in ("heading", "text", "suppl") and is_toc_entry(text_of(el)):
                    continue
                self.mode = ""
            getattr(self, "on_" + kind)(el, i)

    def kind(self, line: etree._Element) -> tuple[str, etree._Element]:
        for name, kind in (("s-head", "suppl"), ("head", "head"), ("form_section", "form"),
                           ("xref_frame", "skip"), ("article", "article"), ("clause", "clause")):
            el = line if has_class(line, name) else _first(line, f".//*[{_cls(name)}]")
            if el is not None:
                return kind, el
        item, _hint = _item_depth_hint(line)
        if item is not None:
            return "item", line
        if _first(line, ".//table") is not None:
            return "table", line
        text = text_of(line)
        if heading_level(text) is not None or table_name(text) is not None:
            return "heading", line
        return "text", line

    def on_skip(self, el: etree._Element, i: int) -> None:
        pass

    def on_head(self, el: etree._Element, i: int) -> None:
        text = text_of(el)
        if text:
            self.b.line(text)

    def on_form(self, el: etree._Element, i: int) -> None:
        self.mode = "form"  # 様式 are forms, not provisions: skip until the next provision line

    def on_suppl(self, el: etree._Element, i: int) -> None:
        self.mode, self.table, self.caption, self.article = "", None, "", None
        heading = text_of(el)
        self.suppl = suppl_label(heading)
        self.b.begin_suppl(self.suppl, heading=heading)
        self.depth.reset()

    def on_heading(self, el: etree._Element, i: int) -> None:
        text = text_of(el)
        name = table_name(text)
        self.mode, self.caption, self.article = "", "", None
        if name is not None:
            self.table, self.table_notes = name, 0
            self.b.heading(text, level=0)
            return
        self.table = None
        self.b.heading(text, level=heading_level(text) or 1)

    def on_article(self, box: etree._Element, i: int) -> None:
        self.mode, self.table = "", None
        title = _first(box, f"./p[{_cls('title')}]")
        caption = text_of(title)
        label, text = _label_and_text(box) if _first(box, f".//p[{_cls('num')}]") is not None else ("", "")
        number = article_number(label)
        if caption:
            self.b.caption(caption)
            self.caption = caption
            self.pending_caption = caption
        if number is None:
            if text:  # an article box without 「第N条」 (削除 notes, odd markup): keep the text
                self.on_text_value(text)
            return
        own = self.pending_caption is not None
        self.b.begin_article(number, None if own else self.caption)
        self.pending_caption = None
        self.article, self.paragraph = number, None
        self.depth.reset()
        body, notes = unit_text(self.b, text)
        self.article_line = i
        attach(self.b.paragraph(body), notes)
        self.on_table(box, i)

    def _line_text(self, box: etree._Element, i: int) -> tuple[str, str, list[str]] | None:
        """(label, text, notes) of a 項/号 line; None when the line is a form or a table's note."""
        if self.mode == "form":
            return None
        self.mode = ""
        label, text = _label_and_text(box)
        body, notes = unit_text(self.b, text)
        if self.table is not None:
            self.table_note(body, notes)
            self.on_table(box, i)
            return None
        return label, body, notes

    def on_clause(self, box: etree._Element, i: int) -> None:
        line = self._line_text(box, i)
        if line is None:
            return
        label, body, notes = line
        number = canonical_number(label) if label else None
        self.paragraph = number
        self.depth.reset()
        attach(self.b.paragraph(body, number), notes)
        self.on_table(box, i)

    def on_item(self, element: etree._Element, i: int) -> None:
        box, hint = _item_depth_hint(element)
        line = self._line_text(box, i)
        if line is None:
            return
        label, body, notes = line
        if not label:  # an unlabelled line in an item box continues the 項
            if body:
                attach(self.b.paragraph(body, self.paragraph), notes)
            return
        depth = self.depth.depth(label, hint)
        attach(self.b.item(body, gou_number(label, depth), depth), notes)
        self.on_table(box, i)

    def on_table(self, el: etree._Element, i: int) -> None:
        if self.mode == "form":
            return
        for table in el.xpath(".//table[not(ancestor::table)]"):
            if self.table is not None:
                emit_table(self.b, table, self.table)
                continue
            # a table inside an article (「次のとおりとする。」): 第3条の表, 第4条第2項の表, 附則第2項の表
            name = "" if self.suppl is None else "附則" + self.suppl
            if self.article is not None:
                name += article_cite(self.article)
                if self.paragraph is not None or self.article_line in self.multi:
                    name += f"第{self.paragraph or '1'}項"
            elif self.paragraph is not None:
                name += f"第{self.paragraph}項"
            emit_table(self.b, table, (name or "本則") + "の表", within_article=True)

    def on_text(self, el: etree._Element, i: int) -> None:
        text = text_of(el)
        if not text:
            return
        if text in ("目次", "目　次"):
            self.mode = "toc"
            return
        if self.mode == "form":
            return
        self.mode = ""
        self.on_text_value(text)

    def on_text_value(self, text: str) -> None:
        body, notes = unit_text(self.b, text)
        if not body:
            return
        if self.table is not None:
            self.table_note(body, notes)
        else:
            self.b.line(body)  # 前文, 制定文 and other unlabelled lines: text, not a citable unit

    def table_note(self, body: str, notes: list[str]) -> None:
        """備考 and other text under a 別表 heading: rows of 「別表第1備考」."""
        if not body:
            return
        self.table_notes += 1
        attach(self.b.table_row(f"{self.table}備考", self.table_notes, body), notes)


def read(text: str, source: str, doc_id: str) -> list[Document]:
    root = parse_html(text)
    for el in root.xpath("//*[@id='secondary' or @id='num-ids']"):
        el.drop_tree()
    scope = _first(root, "//*[@id='primaryInner2' or @id='primary']")
    if scope is None:
        scope = root
    lines = [el for el in scope.xpath(_BODY_XPATH)
             if not el.xpath(f"ancestor::div[{_cls('eline')}]")]
    if not lines:
        raise ReadError(source, "no div.eline lines (not a Reiki-Base body page)")

    head = {cls: text_of(_first(scope, f".//div[{_cls('head')}]//p[{_cls(cls)}]"))
            for cls in ("title-irregular", "title", "date", "number")}
    title = (head["title-irregular"] or head["title"] or text_of(_first(root, "//title"))).lstrip("○◯ 　")
    number = clean(head["number"])
    doc = Document(doc_id=doc_id, title=title, body=body_from_title(title), kind=kind_of(number, title),
                   number=number, date=clean(head["date"]), source=source, format="reikibase")
    b = DocumentBuilder(doc)
    _Reader(b).run(lines)
    return [b.finish()]

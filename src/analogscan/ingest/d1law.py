"""第一法規 D1-Law 例規 pages (the d1w_reiki body frame ``{hno}/{hno}_j.html``).

The body is a flat run of ``div.danraku-normal`` lines whose ``id`` is
``h:{kind}:{amendment}:{…}:{n}:{path}:1:``. ``kind`` is two letters and a level: the first
letter is the part (z 題名・番号, d 題名 repeated, h 本則, s original 附則, k amendment 附則),
the second the line type (O the 附則 heading, L a text line — level 10 a caption, 20/30 a
provision). ``path`` is 「条.枝.枝.枝-項.枝-号.枝.枝-細分-細分-細分-細分」, 0 meaning absent:
``10.0.0.0-2.0-1.0.0-0-0-0-0`` is 第10条第2項第1号, ``8.2.0.0-…`` is 第8条の2.
"""

from __future__ import annotations

import re
import unicodedata
from copy import deepcopy as copy_element

from lxml import etree

from ..model import Document, ReadError
from .builder import DocumentBuilder, strip_amendment_notes, suppl_label
from .html_common import (
    article_cite,
    article_number,
    attach,
    body_from_title,
    clean,
    emit_table,
    heading_level,
    is_toc_entry,
    parse_html,
    split_date_number,
    table_name,
    text_of,
    unit_text,
)
from .numbers import kind_of, subitem_label

_ID_RE = re.compile(r"^h:([a-zA-Z])([a-zA-Z])(\d*):")
_BRANCH = r"(?:の[0-9０-９一二三四五六七八九十]+)*"
_LABEL_RE = re.compile(
    r"^((?:第[0-9０-９一二三四五六七八九十百千]+条"
    r"|[0-9０-９]+"
    r"|[（(][^（）()\s　]{1,6}[）)]"
    r"|[一二三四五六七八九十百]+"
    r"|[ア-ヴ]|[a-zａ-ｚA-ZＡ-Ｚ]{1,4})" + _BRANCH + r")[\s　]+"
)
_CAPTION_RE = re.compile(r"^[（(][^（）()]{1,40}[）)]$")


def _branch(nums: list[int]) -> str:
    """[8, 2, 0, 0] → "8の2"; [0, …] → ""."""
    if not nums or nums[0] == 0:
        return ""
    used = [nums[0]] + [n for n in nums[1:] if n]
    return "の".join(str(n) for n in used)


def _text_without_tables(el: etree._Element) -> str:
    """The line's own text when it also holds a table (the table becomes row units)."""
    copy = copy_element(el)
    for table in copy.findall(".//table"):
        if table.getparent() is not None:
            table.drop_tree()
    return text_of(copy)


def parse_path(path: str) -> tuple[str, str, str, list[int]]:
    """(article, paragraph, item, subdivisions) of a path; "" where absent."""
    groups = path.split("-")
    try:
        nums = [[int(x or 0) for x in g.split(".")] for g in groups]
    except ValueError:
        return "", "", "", []
    while len(nums) < 3:
        nums.append([0])
    subs = [g[0] for g in nums[3:]]
    return _branch(nums[0]), _branch(nums[1]), _branch(nums[2]), subs


def split_label(text: str) -> tuple[str, str]:
    """「第１条　市長は…」 → (「第１条」, 「市長は…」); text without a label → ("", text)."""
    m = _LABEL_RE.match(text)
    if not m:
        return "", text
    return m.group(1), text[m.end():]


class _Reader:
    def __init__(self, b: DocumentBuilder, doc: Document):
        self.b, self.doc = b, doc
        self.part = ""                # h / s / k
        self.label = ""               # the open 附則's label
        self.article = ""             # open article ("" none)
        self.paragraph: str | None = None
        self.caption = ""             # last caption, carried to an uncaptioned next article (共通見出し)
        self.pending_caption = False
        self.table: str | None = None
        self.table_notes = 0
        self.mode = ""                # "" | "toc" | "form"

    def line(self, el: etree._Element) -> None:
        m = _ID_RE.match(el.get("id") or "")
        part, typ = (m.group(1), m.group(2)) if m else ("", "")
        tables = el.findall(".//table")
        text = text_of(el) if not tables else _text_without_tables(el)
        if part == "z":
            self.meta(typ, text_of(el))
            return
        if part == "d":  # the title repeated above the body
            return
        heading = text.replace("　", "").replace(" ", "")
        if part in ("s", "k") and (typ == "O" or heading.startswith("附則") and len(heading) <= 60):
            self.suppl(part, el, text)
        elif text:
            self.text_line(el, text)
        if tables:
            self.tables(tables)

    # ------------------------------------------------------------- parts
    def meta(self, typ: str, text: str) -> None:
        if typ == "A" and not self.doc.title:
            self.doc.title = text.lstrip("○◯ 　")
        elif typ == "B" and not self.doc.number:
            self.doc.date, self.doc.number = split_date_number(text)
        if text:
            self.b.line(text)

    def suppl(self, part: str, el: etree._Element, text: str) -> None:
        self.mode, self.table, self.caption, self.article, self.paragraph = "", None, "", "", None
        self.part = part
        self.label = suppl_label(text) if part == "k" else ""
        self.b.begin_suppl(self.label, heading=text)

    def text_line(self, el: etree._Element, text: str) -> None:
        ident = el.get("id") or ""
        path = ident.split(":")[5] if ident.count(":") >= 6 else ""
        article, paragraph, item, subs = parse_path(path)
        if self._structure_line(text, article, item):
            return
        self.mode = ""
        stripped, notes = strip_amendment_notes(text)
        if notes and not stripped:  # a line that is only 「（令和７年条例第36号・一部改正）」
            for note in notes:
                self.b.note(note)
            return
        if _CAPTION_RE.match(text) and not item and not any(subs):
            self.b.caption(text)
            self.caption, self.pending_caption = text, True
            return
        self._provision_line(text, article, paragraph, item, subs)

    def _structure_line(self, text: str, article: str, item: str) -> bool:
        """目次, headings, 別表 titles and 様式 (True: the line was one of them, or is skipped with them)."""
        if text in ("目次", "目　次"):
            self.mode = "toc"
            return True
        if self.mode == "toc" and is_toc_entry(text):
            return True
        level = heading_level(text)
        if level is not None and not item:
            self.mode, self.table, self.caption, self.article = "", None, "", ""
            self.b.heading(text, level=level)
            return True
        name = table_name(text)
        if name is not None and not article:
            self.mode, self.table, self.table_notes, self.caption, self.article = "", name, 0, "", ""
            self.b.heading(text, level=0)
            return True
        if re.match(r"^(?:別記)?様式", text) and not article:
            self.mode = "form"
            return True
        return self.mode == "form"

    def _provision_line(self, text: str, article: str, paragraph: str, item: str, subs: list[int]) -> None:
        """A 条・項・号 line (or a 別表's 備考 line): its unit, opening the article when it starts one."""
        label, body = split_label(text)
        body, notes = unit_text(self.b, body)
        if self.table is not None:
            if body:
                self.table_notes += 1
                attach(self.b.table_row(f"{self.table}備考", self.table_notes, body), notes)
            return
        if not article and not item and label:
            if not paragraph and re.fullmatch(r"[0-9０-９]+", label):
                paragraph = unicodedata.normalize("NFKC", label)  # 附則 「１　この条例は…」
            article = article_number(label) or ""  # an article whose path does not name it
        if article and article != self.article:
            self.b.begin_article(article, None if self.pending_caption else self.caption)
            self.pending_caption = False
            self.article, self.paragraph = article, None
        depth = max((i for i, n in enumerate(subs) if n), default=-1) + 1  # 0 = the 号 itself
        if not item and depth == 0:
            self.paragraph = paragraph or None
            attach(self.b.paragraph(body, self.paragraph), notes)
            return
        if depth == 0:
            attach(self.b.item(body, item, 0), notes)
        else:
            shown = subitem_label(label) if label else str(subs[depth - 1])
            attach(self.b.item(body, shown, depth), notes)

    def tables(self, tables: list[etree._Element]) -> None:
        if self.mode == "form":
            return
        for table in tables:
            if table.xpath("ancestor::table"):
                continue
            if self.table is not None:
                emit_table(self.b, table, self.table)
                continue
            name = "" if self.part not in ("s", "k") else "附則" + self.label
            if self.article:
                name += article_cite(self.article) + (f"第{self.paragraph}項" if self.paragraph else "")
            elif self.paragraph:
                name += f"第{self.paragraph}項"
            emit_table(self.b, table, (name or "本則") + "の表", within_article=True)


def read(text: str, source: str, doc_id: str) -> list[Document]:
    root = parse_html(text)
    lines = [el for el in root.xpath("//*[starts-with(@id, 'h:')]")
             if not el.xpath("ancestor::*[starts-with(@id, 'h:')]")]
    if not lines:
        raise ReadError(source, "no D1-Law body lines (div ids 'h:…')")
    doc = Document(doc_id=doc_id, source=source, format="d1law")
    b = DocumentBuilder(doc)
    reader = _Reader(b, doc)
    for el in lines:
        reader.line(el)
    if not doc.title:
        doc.title = text_of(root.find(".//title")).lstrip("○◯ 　")
    doc.number = clean(doc.number)
    doc.kind = kind_of(doc.number, doc.title)
    doc.body = body_from_title(doc.title)
    return [b.finish()]

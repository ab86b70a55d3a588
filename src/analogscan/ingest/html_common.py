"""Helpers shared by the 例規集 HTML readers (Reiki-Base, D1-Law).

Both vendors show the same legal structure with different markup, so the pieces that do
not depend on markup live here: text cleaning, metadata (kind, 自治体名, date/number),
附則 labels, the 号-subdivision depth tracker and the table → row-units emitter.
"""

from __future__ import annotations

import re
import unicodedata

import lxml.html
from lxml import etree

from ..model import Unit
from .builder import DocumentBuilder, strip_amendment_notes
from .numbers import AIUEO, IROHA, canonical_number

_XML_DECL_RE = re.compile(r"^\s*<\?xml[^>]*\?>", re.DOTALL)
_DROP_TAGS = ("script", "style", "noscript", "rt", "rp", "template")
# Control characters survive lxml's HTML parser but are refused when text is set on the tree (as
# drop_tree does), which failed a whole page; they are never content, so they become spaces.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def parse_html(text: str) -> lxml.html.HtmlElement:
    """Parse a page with lxml (never touches the network); tolerant of broken markup."""
    text = _XML_DECL_RE.sub("", text, count=1)  # lxml refuses str input with an encoding declaration
    text = _CONTROL_RE.sub(" ", text)
    root = lxml.html.document_fromstring(text)
    for el in list(root.iter(*_DROP_TAGS)):
        if el.getparent() is not None:
            el.drop_tree()
    return root


def has_class(el: etree._Element, name: str) -> bool:
    return name in (el.get("class") or "").split()


def clean(text: str) -> str:
    """Drop markup line breaks and tabs (source formatting, not content); keep full-width spaces."""
    text = re.sub(r"[\r\n\t]+", "", text.replace("\xa0", " "))
    return re.sub(r" {2,}", " ", text).strip()


def text_of(el: etree._Element | None) -> str:
    """The visible text of an element (``<br>`` is a line break in the source, not a character)."""
    if el is None:
        return ""
    return clean(el.text_content())


# ------------------------------------------------------------------ metadata
_MUNI_SUFFIX = "市町村区県都府"
_MUNI_TWICE = {("都", "市"), ("都", "府"), ("市", "市"), ("町", "市"), ("村", "市"), ("区", "市")}
_NOT_MUNI = ("都市", "地区", "市町", "町村", "市区", "区市", "市村", "学区", "校区", "街区", "工区", "特区", "区域",
             "選挙区", "特別区", "行政区", "自治区")


def body_from_title(title: str) -> str:
    """The 自治体名 when the title starts with it (「かつらぎ町表彰規程」→「かつらぎ町」), else ""."""
    t = title.lstrip("○◯〇 　")
    if t.startswith("北海道"):
        return "北海道"
    cand = [i for i, c in enumerate(t[:10]) if c in _MUNI_SUFFIX]
    if not cand:
        return ""
    i = cand[0]
    if i == 0:  # 「市川市」「府中市」 start with a suffix character; 「市営住宅条例」 does not name a place
        later = [j for j in cand[1:] if j <= 3 and t[j] in "市町村"]
        if not later:
            return ""
        i = later[0]
    if i + 1 < len(t) and (t[i], t[i + 1]) in _MUNI_TWICE:  # 京都市, 京都府, 四日市市, 十日町市, 大村市
        i += 1
    name = t[: i + 1]
    if name != "京都市" and any(name.endswith(bad) for bad in _NOT_MUNI) or re.search(r"[のにをはがでとへや、・（）()「」0-9０-９]", name):
        return ""
    return name


_DATE_RE = re.compile(r"^(.*?(?:明治|大正|昭和|平成|令和)\s*[0-9０-９元]+\s*年\s*[0-9０-９]+\s*月\s*[0-9０-９]+\s*日)\s*(.*)$")


def split_date_number(text: str) -> tuple[str, str]:
    """「令和５年12月13日条例第23号」 → (「令和５年12月13日」, 「条例第23号」)."""
    text = clean(text).strip("　 ")
    m = _DATE_RE.match(text)
    if not m:
        return (text, "") if "日" in text and "号" not in text else ("", text)
    return m.group(1).strip(), m.group(2).strip("　 ")


_HEADING_RE = re.compile(r"^第\s*[0-9０-９一二三四五六七八九十百]+\s*(編|章|節|款|目)(?:の[0-9０-９一二三四五六七八九十]+)?[\s　]")
_HEADING_LEVELS = {"編": 1, "章": 2, "節": 3, "款": 4, "目": 5}


def heading_level(text: str) -> int | None:
    """The path level of a 編・章・節・款・目 heading line, or None if the line is no such heading."""
    m = _HEADING_RE.match(text + "　")
    return _HEADING_LEVELS[m.group(1)] if m and len(text) <= 60 else None


_TABLE_NAME_RE = re.compile(r"^(別表(?:第\s*[0-9０-９一二三四五六七八九十百]+(?:の[0-9０-９一二三四五六七八九十]+)?)?)")


def table_name(heading: str) -> str | None:
    """「別表第1(第3条関係)」 → 「別表第1」, 「別表第二の二」 → 「別表第2の2」; None if not a 別表 heading."""
    m = _TABLE_NAME_RE.match(heading.strip())
    if not m:
        return None
    name = m.group(1).replace(" ", "")
    return "別表" + (f"第{canonical_number(name[3:])}" if name.startswith("別表第") else "")


_TOC_ENTRY_RE = re.compile(r"(?:[（(]第.+?条.*[)）]|^附則|^別表|^様式)$")


def is_toc_entry(text: str) -> bool:
    """A line of a rule's own 目次 (「第1章　総則(第1条―第5条)」, 「附則」)."""
    return bool(_TOC_ENTRY_RE.search(text)) and len(text) <= 80


def article_number(label: str) -> str | None:
    """「第12条の2」「第十二条」 → "12の2"/"12"; None if the label names no article."""
    m = re.match(r"^第\s*([0-9０-９一二三四五六七八九十百千〇]+)\s*条((?:\s*の\s*[0-9０-９一二三四五六七八九十]+)*)$",
                 clean(label))
    if not m:
        return None
    return canonical_number(m.group(1) + m.group(2).replace(" ", ""))


def article_cite(number: str) -> str:
    """Canonical "8の2" → 「第8条の2」."""
    base, _, branch = number.partition("の")
    return f"第{base}条" + (f"の{branch}" if branch else "")


# ------------------------------------------------------------ 号 and below
def label_style(label: str) -> str:
    """Which numbering series a 号/subdivision label belongs to (its depth is decided by series order)."""
    s = re.sub(r"(?:の[0-9一二三四五六七八九十]+)+$", "", unicodedata.normalize("NFKC", label).strip())  # (2)の2
    paren = s.startswith("(") and s.endswith(")")
    core = s[1:-1].strip() if paren else s
    if re.fullmatch(r"[0-9]+(?:の[0-9]+)*", core):
        kind = "digit"
    elif re.fullmatch(r"[一二三四五六七八九十百〇]+(?:の[一二三四五六七八九十]+)*", core):
        kind = "kanji"
    elif len(core) == 1 and (core in IROHA or core in AIUEO):
        kind = "kana"
    elif re.fullmatch(r"[a-z]+", core):
        kind = "roman" if paren and core in _ROMAN else "latin"
    elif re.fullmatch(r"[A-Z]+", core):
        kind = "LATIN"
    elif re.fullmatch(r"[\u2460-\u2473\u3251-\u325f]", core):
        kind = "circled"
    else:
        kind = "other"
    return ("paren-" if paren else "") + kind


_GOU_STYLES = ("paren-digit", "kanji")
_ROMAN = {"i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii", "xiii", "xiv", "xv"}


class ItemDepth:
    """Depth of 号 and their subdivisions within one 項, from the order numbering series appear in.

    A new series (ア after (1)) goes one level deeper; a series seen before ((2) after ア)
    returns to its level. The builder's depth 0 is the 号 itself; a 項 whose first list is
    イ/ア (no 号) starts at depth 1 so that no 「第イ号」 is cited.
    """

    def __init__(self) -> None:
        self.styles: list[str] = []

    def reset(self) -> None:
        self.styles = []

    def depth(self, label: str, hint: int | None = None) -> int:
        style = label_style(label)
        if style in self.styles:
            del self.styles[self.styles.index(style) + 1:]
        elif hint is not None and hint <= len(self.styles):
            del self.styles[hint:]
            self.styles.append(style)
        else:
            self.styles.append(style)
        offset = 0 if self.styles[0] in _GOU_STYLES else 1
        return len(self.styles) - 1 + offset


def gou_number(label: str, depth: int) -> str:
    """The builder label: canonical 号 number at depth 0 ("(1)"→"1"), the display label below."""
    s = unicodedata.normalize("NFKC", label).strip()
    if depth == 0:
        m = re.fullmatch(r"\(?\s*([0-9一二三四五六七八九十百]+)\s*\)?((?:の[0-9一二三四五六七八九十]+)*)", s)
        return canonical_number(m.group(1) + m.group(2)) if m else s
    return s


# ---------------------------------------------------------------- amendment notes
def unit_text(builder: DocumentBuilder, text: str) -> tuple[str, list[str]]:
    """Strip amendment notes from a provision's text; a line that is only a note is attached to the last unit."""
    stripped, notes = strip_amendment_notes(clean(text))
    if notes and not stripped:
        for note in notes:
            builder.note(note)
    return stripped, notes


def attach(unit: Unit | None, notes: list[str]) -> None:
    if unit is not None and notes:
        unit.notes.extend(notes)


# ------------------------------------------------------------------- tables
def _rows(table: etree._Element) -> list[tuple[etree._Element, bool]]:
    """(tr, in_thead) of this table only (not of tables nested in cells)."""
    out = []
    for child in table:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag == "tr":
            out.append((child, False))
        elif tag in ("thead", "tbody", "tfoot"):
            out.extend((tr, tag == "thead") for tr in child if tr.tag == "tr")
    return out


def _cell_text(cell: etree._Element) -> str:
    paras = [text_of(p) for p in cell.iter("p")] if cell.find(".//p") is not None else [text_of(cell)]
    return " ".join(p for p in paras if p)


def _centered(cell: etree._Element) -> bool:
    styles = [cell.get("style") or "", cell.get("align") or ""] + [p.get("style") or "" for p in cell.iter("p")]
    return any("center" in s for s in styles)


def emit_table(builder: DocumentBuilder, table: etree._Element, name: str, caption: str = "",
               within_article: bool = False) -> int:
    """One unit per body row (cells joined by a tab). A header row — in ``<thead>``, all ``<th>``,
    or a first row whose cells are all centred — becomes a plain line and the rows' ``context``.
    Returns the number of row units."""
    rows = []
    for tr, in_head in _rows(table):
        cells = [c for c in tr if isinstance(c.tag, str) and c.tag in ("td", "th")]
        texts = [_cell_text(c) for c in cells]
        if not any(texts):
            continue
        header = in_head or all(c.tag == "th" for c in cells)
        rows.append((texts, cells, header))
    if len(rows) > 1 and not rows[0][2] and all(_centered(c) for c in rows[0][1]):
        rows[0] = (rows[0][0], rows[0][1], True)
    header_text, n = "", 0
    for texts, _cells, header in rows:
        line = "\t".join(texts)
        if header:
            builder.line(line)
            header_text = line if not header_text else header_text + "\n" + line
            continue
        line, notes = strip_amendment_notes(line)
        n += 1
        unit = builder.table_row(name, n, line, caption, within_article=within_article)
        if unit is not None:
            unit.context = header_text
            attach(unit, notes)
    return n

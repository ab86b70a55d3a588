"""Plain text as copied from a 例規集 page → one Document.

The text has no markup, so structure is read from line openings: 「第N条 」 starts an article,
「2 」 a 項, 「(1)」「一」 a 号, 「ア」「(ア)」 deeper subdivisions, 「附則」 the supplementary
provisions. Lines are classified one at a time and the few ambiguous openings (a bare 「1」
may be a 項, a subdivision or the first 項 of an unlabelled 附則) are settled by what came
before. Everything citation-related is left to :class:`DocumentBuilder`.

Known limits: text cut mid-article simply ends; a 号 whose label the page lost (a line that
only starts with a space) is numbered by position; a table is kept inside the unit it follows.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from ..model import Document, Unit
from .builder import AMENDMENT_NOTE_RE, DocumentBuilder, suppl_label
from .html_common import table_name
from .numbers import AIUEO, IROHA, canonical_number, kind_of, subitem_label
from .places import body_of

_NUM = r"[0-9０-９]"
_KNUM = r"[0-9０-９〇一二三四五六七八九十百千]"
_ERA = r"(?:明治|大正|昭和|平成|令和)"
_SP = r"[ 　\t]"

ARTICLE_RE = re.compile(rf"^第({_KNUM}+)条((?:の{_KNUM}+)*)(?:[（(]([^（）()]{{1,30}})[）)])?(?:{_SP}+(.*))?$")
DAI_RE = re.compile(rf"^第({_KNUM}+(?:の{_KNUM}+)*){_SP}+(.+)$")  # 要綱 style 「第1 …」
HEADING_RE = re.compile(rf"^第{_KNUM}+(編|章|節|款|目)(?:の{_KNUM}+)?(?:{_SP}+(.*))?$")
_HEADING_LEVEL = {"編": 1, "章": 2, "節": 3, "款": 4, "目": 5}
TOC_RANGE_RE = re.compile(r"[（(]第[^（）()]*条[^（）()]*[）)]$")
TOC_HEADING_RE = re.compile(rf"^第{_KNUM}+(?:編|章|節|款|目)")  # 「第3章許可申請等(第15条―第21条)」: no space
# 「第6条及び第7条 削除」「第3条から第5条まで　削除」: deleted articles in one line, cited by the first
DELETED_RANGE_RE = re.compile(
    rf"^第({_KNUM}+)条((?:の{_KNUM}+)*)()(?:及び|から|・|、)第{_KNUM}+条(?:の{_KNUM}+)*(?:まで)?{_SP}*(削除)$"
)
SUPPL_RE = re.compile(rf"^[附付]{_SP}*則(?:{_SP}*(抄|[（(].*[）)](?:{_SP}*抄)?))?$")
TABLE_RE = re.compile(rf"^別表(第{_KNUM}+(?:の{_KNUM}+)?)?(?:$|{_SP}|[（(])")
FORM_RE = re.compile(r"^(?:別記|別紙|\[?様式|\[?別記様式)")
PARA_RE = re.compile(rf"^({_NUM}+){_SP}+(.+)$")
PAREN_NUM_RE = re.compile(rf"^[（(]({_NUM}+)[）)]{_SP}*(.+)$")
KANJI_ITEM_RE = re.compile(r"^([一二三四五六七八九十]+(?:の[一二三四五六七八九十]+)?)[ 　\t]+(.+)$")
KATA_RE = re.compile(rf"^([ア-ン]){_SP}+(.+)$")
PAREN_KATA_RE = re.compile(rf"^[（(]([ア-ンｱ-ﾝ])[）)]{_SP}*(.+)$")
PAREN_ROMAN_RE = re.compile(rf"^[（(]([ivxｉｖｘ]+)[）)]{_SP}*(.+)$")
CIRCLED_RE = re.compile(rf"^([①-⑳]){_SP}*(.+)$")
LABEL_ONLY_RE = re.compile(
    rf"^(?:第{_KNUM}+条(?:の{_KNUM}+)*|{_NUM}+|[（(]{_NUM}+[）)]|[（(][ア-ン][）)]|[ア-ン]|第{_KNUM}+(?:編|章|節|款)(?:の{_KNUM}+)?)$"
)
CAPTION_RE = re.compile(r"^[（(][^。]{1,60}[）)]$")
DATE_RE = re.compile(
    rf"{_ERA}{_SP}*[0-9０-９元一二三四五六七八九十〇]+{_SP}*年"
    rf"(?:{_SP}*[0-9０-９一二三四五六七八九十〇]+{_SP}*月(?:{_SP}*[0-9０-９一二三四五六七八九十〇]+{_SP}*日)?)?"
)
NUMBER_RE = re.compile(rf"^[^\s、。（）()]{{0,30}}?第[0-9０-９一二三四五六七八九十百千〇―\-－]+号(?:の{_KNUM}+)?$")
# amendment notes that the builder's pattern misses: 「一部改正〔平成一七年条例三七号〕」「(令三固評審委告示一)」
NOTE_RE = re.compile(
    r"^[（(]?(?:一部改正|全部改正|追加|削除|全改|本条追加|本条新設|旧第)[^。]*〔[^〕\]]*[〕\]][^。]*$"
    r"|^[（(](?:明|大|昭|平|令)[0-9０-９元一二三四五六七八九十〇]+[^年（）()。]{0,40}"
    r"(?:条例|規則|訓令|告|規程|達|要綱)[^（）()。]*[）)]?$"
    r"|^[（(][^（）()。]*施行[）)]$"
)
SUPPL_SENTENCE_RE = re.compile(
    r"^この(?:条例|規則|規程|訓令|要綱|要領|告示|規約|達|訓)は、.{0,80}(?:施行|適用)(?:する|し)"
)
PROMULGATION_RE = re.compile(r"(?:公布する|定める|改正する|制定する|廃止する)。$")
JUNK_RE = re.compile(r"^(?:\|+|>|条文目次.*|このページ.*|ページの先頭.*|印刷.*|閉じる)$")
TRAILER_RE = re.compile(r"^(?:体系情報|沿革情報)$|施行[）)]$")

# Markdown renderings of rule books (「# 題名」「### 第1条」「#### 2 …」「##### (1) …」, 「| 表 |」 rows): the
# heading marks are not reliable levels (a 号 may carry 「#」, a 項 「##」), so they are only removed; the
# line itself says what it is, as in plain text.
MD_HEADING_RE = re.compile(r"^#{1,6}(?!#)[ 　\t]*(.*)$")
MD_SIGNAL_RE = re.compile(
    rf"(?m)^[ \t]*#{{1,6}}[ 　\t]*(?:第{_KNUM}+条|[附付]{_SP}*則|目次|別表|{_KNUM}+{_SP}|[（(]{_NUM}+[）)])"
)
MD_RULE_RE = re.compile(r"^(?:-{3,}|\*{3,}|_{3,})$")
MD_TABLE_RULE_RE = re.compile(r"^:?-{3,}:?$")
MD_HISTORY_NOTE_RE = re.compile(r"^(?:〔注〕|注)?.{0,30}改正経過を注記した。$")
MD_BULLET_RE = re.compile(r"^[-*+][ \t]+")  # 「- 1 この条例は…」: a list mark before a 附則 項
MD_FOOTER = ("このファイルについて", "免責事項")  # the converter's notes after the rule
# 「### 第1条 目的」: a caption written after the number without brackets
MD_ARTICLE_CAPTION_RE = re.compile(
    rf"^(第{_KNUM}+条(?:の{_KNUM}+)*){_SP}+(?:[（(]([^（）()]{{1,40}})[）)]|([^。（）()「」]{{1,40}}))$"
)  # also 「### 第三十四条 （指定することができない法人等）」
# a heading mark run into the line before: 「登記事項証明書##### (３) 公図の写し」
MD_INLINE_HEADING_RE = re.compile(
    rf"(?<=[^#\s])#{{1,6}}{_SP}*(?=[附付]{_SP}*則|第{_KNUM}+条|[（(]{_NUM}+[）)])"
)


@dataclass
class _Line:
    text: str
    indented: bool
    heading: bool = False   # a Markdown heading line (its 「#」 marks removed)
    table: str = ""         # a Markdown table line: "head" (above the 「| --- |」 rule) or "row"


def _balance(s: str) -> int:
    return sum(s.count(c) for c in "（(") - sum(s.count(c) for c in "）)")


def _split_run_on(text: str) -> str:
    """A page flattened into one line (spaces for line breaks): cut it back at structure."""
    lines = text.split("\n")
    if len(lines) > 5 or max(len(x) for x in lines) < 300:
        return text
    text = re.sub(rf"{_SP}(?=[（(][^（）()。]{{1,40}}[）)]{_SP}第{_KNUM}+条{_SP})", "\n", text)
    text = re.sub(rf"{_SP}(?=第{_KNUM}+条(?:の{_KNUM}+)*{_SP})", "\n", text)
    text = re.sub(rf"{_SP}(?=[（(]{_NUM}+[）)]{_SP})", "\n", text)
    text = re.sub(rf"(?<=。){_SP}(?={_NUM}+{_SP})", "\n", text)
    return text


def is_markdown(text: str) -> bool:
    """Markdown headings on provisions (「### 第1条」「#### 附則」「##### (1)」), not a stray 「#」."""
    return len(MD_SIGNAL_RE.findall(text[:200000], 0)) >= 2


def _markdown_lines(text: str) -> list[_Line]:
    """Markdown → lines without heading marks; table rows as tab-joined cells; the footer dropped."""
    out: list[_Line] = []
    for raw in MD_INLINE_HEADING_RE.sub(lambda m: "\n" + m.group(0), text).split("\n"):
        s = raw.strip()
        if not s or MD_RULE_RE.match(s):
            continue
        if m := MD_HEADING_RE.match(s):
            s = m.group(1).strip()
            if s.startswith(MD_FOOTER):
                break
            if s:
                out.append(_Line(MD_ARTICLE_CAPTION_RE.sub(_caption_in_brackets, s), False, heading=True))
            continue
        if s.startswith("|"):
            cells = [c.strip() for c in s.strip("|").split("|")]
            if all(MD_TABLE_RULE_RE.match(c) for c in cells):  # 「| --- |」: the row above is the header
                if out and out[-1].table == "row":
                    out[-1].table = "head"
                continue
            out.append(_Line("\t".join(cells), False, table="row"))
            continue
        s = MD_BULLET_RE.sub("", s)
        if s and not JUNK_RE.match(s):
            out.append(_Line(s, False))
    return out


def _caption_in_brackets(m: re.Match[str]) -> str:
    caption = (m.group(2) or m.group(3)).strip()
    return m.group(0) if caption == "削除" else f"{m.group(1)}（{caption}）"


def _prepare(text: str, markdown: bool = False) -> list[_Line]:
    """Split, drop blank and page-chrome lines, and join labels that stand on their own line."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    if markdown:
        raw = _markdown_lines(text)
    else:
        text = _split_run_on(text)
        raw = [_Line(ln.strip(), ln[:1] in (" ", "\u3000", "\t")) for ln in text.split("\n")
               if ln.strip() and not JUNK_RE.match(ln.strip())]
    out: list[_Line] = []
    i = 0
    while i < len(raw):
        ln = raw[i]
        s = ln.text if ln.table else ln.text.rstrip("|").strip()
        if not s:
            i += 1
            continue
        nxt = raw[i + 1].text if i + 1 < len(raw) and not raw[i + 1].table else ""
        if not ln.table and LABEL_ONLY_RE.match(s) and nxt and not _structural(nxt) \
                and (not s.isdigit() or len(nxt) >= 8 or nxt.endswith("。")):  # not a table's number cell
            out.append(_Line(f"{s} {nxt}", ln.indented, ln.heading))
            i += 2
            continue
        out.append(_Line(s, ln.indented, ln.heading, ln.table))
        i += 1
    return out


def _structural(s: str) -> bool:
    return bool(
        ARTICLE_RE.match(s) or HEADING_RE.match(s) or SUPPL_RE.match(s) or CAPTION_RE.match(s)
        or LABEL_ONLY_RE.match(s) or PARA_RE.match(s) or PAREN_NUM_RE.match(s)
    )


def _cut_trailer(lines: list[_Line], title: str) -> list[_Line]:
    """Drop the page footer: the repeated title, 「(…施行)」, 体系情報, 沿革情報."""
    for i, ln in enumerate(lines):
        if i < 3:
            continue
        if title and ln.text.lstrip("○") == title and any(
            TRAILER_RE.search(x.text) or _meta(x.text) for x in lines[i + 1:i + 4]
        ) and i + 1 < len(lines):
            return lines[:i]
        if ln.text in ("体系情報", "沿革情報"):
            return lines[:i]
    return lines


def _meta(s: str) -> tuple[str, str] | None:
    """(date, number) when the line is only promulgation metadata, else None."""
    core = s.strip().strip("|").strip()
    if core[:1] in "（(" and core[-1:] in "）)":
        core = core[1:-1].strip()
    m = DATE_RE.match(core)
    date = m.group(0) if m else ""
    rest = core[m.end():].strip() if m else core
    if not rest:
        return (date, "") if date else None
    if NUMBER_RE.match(rest):
        return date, rest
    if date and len(rest) <= 6 and "。" not in rest:  # 「昭和47年12月28日 伺定」, 「…日一部改正」
        return date, "" if "改正" in rest else rest
    return None


class _Parser:
    """Walks prepared lines and drives the builder."""

    def __init__(self, doc: Document):
        self.doc = doc
        self.b = DocumentBuilder(doc)
        self.started = False          # past the title/date/number header
        self.toc = False
        self.toc_first = ""
        self.in_article = False
        self.articles_seen = False
        self.units_seen = False
        self.in_suppl = False
        self.para = 0                 # current 項 number (0: none yet in this block)
        self.styles: list[str] = []   # label style of each open 号 depth
        self.implicit: list[int] = []  # counters of label-less 号 / subdivisions by depth
        self.bare_sub = 0             # last bare-number subdivision inside a 号
        self.table: str | None = None
        self.table_row = 0
        self.form = False
        self.indented_layout = False
        self.buf: tuple[Callable[..., Unit | None], tuple, str] | None = None
        self.dai_units: list[Unit] = []
        self.dai_block = False
        self.markdown = False
        self.grid_open = False        # inside a Markdown table (「| … |」 lines)
        self.grid_head = ""           # its header row: the rows' context
        self.grid_name = ""           # the name of a table inside an article: 「第2条の表」
        self.grid_rows: dict[str, int] = {}  # rows so far per such name (two tables of 第9条 count on)

    # ------------------------------------------------------------ buffering
    def emit(self, fn: Callable[..., Unit | None], text: str, *args: object) -> None:
        self.flush()
        self.buf = (fn, args, text)
        self.units_seen = True

    def flush(self) -> None:
        if self.buf is None:
            return
        fn, args, text = self.buf
        self.buf = None
        unit = fn(text, *args)
        if unit is not None and self.dai_block:
            self.dai_units.append(unit)

    def extend(self, s: str) -> bool:
        """Join a label-less line to the open unit (a wrapped sentence, a table, a ただし書).

        A sentence wrapped mid-phrase is joined without a gap; a short piece (a table cell, a
        heading-like 号 name) or a finished sentence keeps a space before what follows."""
        if self.buf is None:
            return False
        fn, args, text = self.buf
        last = text[text.rfind(" ") + 1:]
        gap = text[-1:] in "。）)" or len(last) <= 12 or len(s) <= 12
        if self.indented_layout or text[-1:] in "、（(「・" or _balance(text) > 0 or s[:1] in "）)」、。":
            gap = False
        self.buf = (fn, args, text + (" " if gap else "") + s)
        return True

    def _row(self, text: str, table: str, row: int) -> Unit | None:
        return self.b.table_row(table, row, text)

    # ------------------------------------------------------------ structure
    def reset_items(self) -> None:
        self.styles, self.implicit, self.bare_sub = [], [], 0

    def close_block(self) -> None:
        self.flush()
        self.in_article = False
        self.dai_block = False
        self.para = 0
        self.reset_items()
        self.table = None
        self.form = False

    def start_suppl(self, label: str, heading: str | None) -> None:
        self.close_block()
        self.in_suppl = True
        self.b.begin_suppl(label, heading)

    def paragraph(self, text: str, number: int | None) -> None:
        self.reset_items()
        self.para = number if number is not None else max(self.para, 1)
        self.emit(self.b.paragraph, text, str(number) if number is not None else None)

    def item(self, style: str, label: str, text: str) -> None:
        """A labelled 号 or subdivision; its depth is where its label style first appeared."""
        if style in self.styles:
            depth = self.styles.index(style)
            del self.styles[depth + 1:]
        else:
            depth = len(self.styles)
            self.styles.append(style)
        del self.implicit[depth:]
        self.emit_item(style, depth, label, text)

    def emit_item(self, style: str, depth: int, label: str, text: str) -> None:
        if self.styles[0] not in _NUMBERED:
            depth += 1  # 「ア」 straight under a 項: a subdivision without 号
        if depth == 0:
            self.emit(self.b.item, text, canonical_number(label), 0)
            return
        shown = {"paren": f"({label})", "paren_kata": f"({label})", "roman": f"({label})"}.get(style, label)
        self.emit(self.b.item, text, subitem_label(shown), depth)

    def implicit_item(self, text: str) -> None:
        """A 号 or subdivision whose label the page dropped: number it by position."""
        if "implicit" in self.styles:
            depth = self.styles.index("implicit")
            del self.styles[depth + 1:]
        else:
            depth = len(self.styles)
            self.styles.append("implicit")
        while len(self.implicit) <= depth:
            self.implicit.append(0)
        self.implicit[depth] += 1
        n = self.implicit[depth]
        parent = self.styles[depth - 1] if depth else ""
        letters = IROHA if parent == "kanji" else AIUEO
        self.emit_item("implicit", depth, str(n) if depth == 0 else letters[(n - 1) % len(letters)], text)

    # ------------------------------------------------------------ lines
    def header_meta(self, date: str, number: str) -> None:
        self.doc.date = self.doc.date or date
        if number and not self.doc.number:
            self.doc.number = number
            if not self.doc.kind:
                self.doc.kind = kind_of(number)

    def header_line(self, s: str) -> bool:
        """Title, date, number, 公布文, 目次 and the like before the provisions begin."""
        meta = _meta(s)
        if meta:
            self.header_meta(*meta)
            self.b.line(s)
            return True
        if s == "目次":
            self.toc = True
            self.b.line(s)
            return True
        if (s.lstrip("○") == self.doc.title or s.startswith(("改正", "最終改正", "注 ", "注　"))
                or DATE_RE.match(s) and "。" not in s
                or PROMULGATION_RE.search(s) and not PARA_RE.match(s)):
            self.b.line(s)
            return True
        if self.markdown and (s[:1] in "（(" and re.search("改正|改称|追加", s) or MD_HISTORY_NOTE_RE.match(s)):
            self.b.line(s)  # 「（題名改正）」「〔注〕平成17年3月から改正経過を注記した。」 under a Markdown title
            return True
        if self.markdown and (DAI_RE.match(s) or TABLE_RE.match(s)):
            return False  # 「### 第1　総則」 of a 要綱 begins the provisions
        if "。" not in s and not _structural(s) and (len(s) <= 40 or self.markdown):
            self.b.line(s)  # 分類 labels such as 「庁中一般」; 「…の規定に基づき制定」 under a Markdown title
            return True
        return False

    def grid_line(self, ln: _Line) -> None:
        """A Markdown table line: in a 別表 one unit a row (「別表第1（第3行）」), inside an article or
        a 附則 「第2条の表（第1行）」; the header row is a plain line and the rows' context."""
        self.flush()
        if not self.grid_open:
            self.grid_open, self.grid_head = True, ""
            self.grid_name = (self.b.open_provision(self.para) or "本則") + "の表"
        if ln.table == "head":
            self.b.line(ln.text)
            self.grid_head = ln.text if not self.grid_head else f"{self.grid_head}\n{ln.text}"
            return
        if self.table is not None:
            self.table_row += 1
            unit = self.b.table_row(self.table, self.table_row, ln.text)
        else:
            n = self.grid_rows[self.grid_name] = self.grid_rows.get(self.grid_name, 0) + 1
            unit = self.b.table_row(self.grid_name, n, ln.text, within_article=True)
        if unit is not None:
            unit.context = self.grid_head
            self.units_seen = True

    def toc_line(self, s: str) -> bool:
        """Lines of a 目次; it ends after its 附則 entry or when the first chapter comes again."""
        key = TOC_RANGE_RE.sub("", s).strip()
        if s == self.doc.title and s:  # the title repeated over the 目次 entries
            self.b.line(s)
            return True
        heading = TOC_HEADING_RE.match(key)
        if heading and TOC_RANGE_RE.search(s) and not HEADING_RE.match(key):
            key = heading.group(0)
        if SUPPL_RE.match(s) or s in ("前文", "本則"):
            if SUPPL_RE.match(s):
                self.toc = False
            self.b.line(s)
            return True
        if HEADING_RE.match(key) and "。" not in s:
            if key == self.toc_first and not TOC_RANGE_RE.search(s):
                self.toc = False
                return False
            self.toc_first = self.toc_first or key
            self.b.line(s)
            return True
        self.toc = False
        return False

    def feed(self, ln: _Line) -> None:
        s = ln.text
        if ln.table:
            self.started = True
            self.grid_line(ln)
            return
        self.grid_open = False
        if self.toc and self.toc_line(s):
            return
        if self.markdown and s == "目次" and not self.articles_seen and not self.in_suppl:  # after a note such as 「（題名改正）」
            self.toc = True
            self.b.line(s)
            return
        if not self.started:
            if self.header_line(s):
                return
            self.started = True
        if AMENDMENT_NOTE_RE.fullmatch(s) or NOTE_RE.match(s):
            self.flush()
            self.b.line(s)
            self.b.note(s)
            return
        if m := SUPPL_RE.match(s):
            self.start_suppl(suppl_label(s), s)
            return
        if (meta := _meta(s)) and meta[1] and s[:1] in "（(":
            self.start_suppl(suppl_label(s), s)  # an amendment 附則 whose 「附則」 word the page lost
            return
        if m := TABLE_RE.match(s):
            self.close_block()
            self.table, self.table_row = "別表" + (m.group(1) or ""), 0
            if self.markdown:
                self.table = table_name(s) or self.table  # 別表第二 → 別表第2, as the HTML readers cite it
            self.b.line(s)
            return
        if FORM_RE.match(s) and (not self.buf or ln.heading):
            self.close_block()
            self.form = True
            self.b.line(s)
            return
        if (m := HEADING_RE.match(s)) and "。" not in s:
            self.close_block()
            self.b.heading(s, _HEADING_LEVEL[m.group(1)])
            return
        if CAPTION_RE.match(s) and _balance(s) == 0 and not PAREN_NUM_RE.match(s) \
                and not PAREN_KATA_RE.match(s) and not PAREN_ROMAN_RE.match(s):
            self.close_block()
            self.b.caption(s)
            return
        if m := ARTICLE_RE.match(s) or DELETED_RANGE_RE.match(s):
            self.close_block()
            self.in_article = self.articles_seen = True
            self.b.begin_article(m.group(1) + m.group(2), f"（{m.group(3)}）" if m.group(3) else None)
            self.paragraph(m.group(4) or "", None)
            return
        if (m := DAI_RE.match(s)) and not self.in_suppl:
            self.close_block()
            self.in_article = self.articles_seen = self.dai_block = True
            self.b.begin_article(m.group(1))
            self.paragraph(m.group(2), None)
            return
        if self.table is not None:
            self.table_row += 1
            self.emit(self._row, s, self.table, self.table_row)
            return
        if self.form:
            self.b.line(s)
            return
        if m := PARA_RE.match(s):
            self.numbered(int(m.group(1).translate(_FW)), m.group(2))
            return
        for style, rx in _ITEM_STYLES:
            if m := rx.match(s):
                self.item(style, m.group(1), m.group(2))
                return
        if SUPPL_SENTENCE_RE.match(s) and not self.in_suppl and self.articles_seen:
            self.start_suppl("", "")  # the page lost the 「附則」 heading of the original 附則
            self.paragraph(s, None)
            return
        if ln.indented and not self.indented_layout and self.buf is not None:
            self.implicit_item(s)
            return
        if self.extend(s):
            return
        self.paragraph(s, None)

    def numbered(self, n: int, text: str) -> None:
        """A line opening with a bare number: a 項, a subdivision, or an unlabelled 附則's 第1項."""
        if self.styles and (n == 1 or ("bare" in self.styles and n == self.bare_sub + 1)) \
                and not SUPPL_SENTENCE_RE.match(text):
            self.bare_sub = n
            self.item("bare", str(n), text)
            return
        if n == self.para + 1 and (self.in_article or self.in_suppl or not self.articles_seen):
            self.paragraph(text, n)
            return
        if n == 1 and not self.in_suppl and (self.units_seen or self.articles_seen) \
                and SUPPL_SENTENCE_RE.match(text):
            self.start_suppl("", "")  # the page lost the 「附則」 heading of the original 附則
        self.paragraph(text, n)


_FW = str.maketrans("０１２３４５６７８９", "0123456789")
_NUMBERED = ("paren", "kanji", "implicit", "bare")
_ITEM_STYLES = (("paren", PAREN_NUM_RE), ("kanji", KANJI_ITEM_RE), ("kata", KATA_RE),
                ("paren_kata", PAREN_KATA_RE), ("roman", PAREN_ROMAN_RE), ("circled", CIRCLED_RE))


def _title(lines: list[_Line]) -> tuple[str, int]:
    """The 「○…」 title line (or the first line) and its index."""
    for i, ln in enumerate(lines[:6]):
        if ln.text.startswith("○"):
            t = ln.text[1:].strip()
            return (t.split()[0] if len(t) > 80 else t), i
    return (lines[0].text if lines and len(lines[0].text) <= 80 and not _structural(lines[0].text) else ""), 0


def _rename(doc: Document, fix: Callable[[Unit], str | None]) -> None:
    """Change some citations after the fact and re-derive every unit id from its citation."""
    changed = False
    for u in doc.units:
        new = fix(u)
        if new is not None and new != u.citation:
            u.citation, changed = new, True
    if not changed:
        return
    seen: dict[str, int] = {}
    for u in doc.units:
        base = f"{doc.doc_id}:{u.citation}"
        seen[base] = seen.get(base, 0) + 1
        u.id = base if seen[base] == 1 else f"{base}~{seen[base]}"


def parse(text: str, doc: Document) -> Document:
    """Fill ``doc`` (title, date, number, kind, text, units) from plain text (or its Markdown rendering:
    then also the body, from the title or the folder)."""
    markdown = is_markdown(text)
    lines = _prepare(text, markdown)
    title, at = _title(lines)
    if markdown and lines and lines[0].heading and not title and not _structural(lines[0].text):
        title = lines[0].text  # a long Markdown 「# 題名」
    doc.title = doc.title or title
    p = _Parser(doc)
    p.markdown = markdown
    lines = _cut_trailer(lines[at:], title)
    p.indented_layout = sum(
        1 for ln in lines if ln.indented and (CAPTION_RE.match(ln.text) or PAREN_NUM_RE.match(ln.text))
    ) >= 2
    if lines and lines[0].text.startswith("○"):
        for inner in re.findall(r"[（(]([^（）()]+)[）)]", lines[0].text[:120]):
            if meta := _meta(inner):  # 「○…規程 (平成23年9月28日…訓令第10号) 最終改正 …」
                p.header_meta(*meta)
                break
        p.b.line(lines[0].text)
        lines = lines[1:]
    for ln in lines:
        p.feed(ln)
    p.flush()
    p.b.finish()
    first_article = next((u.start for u in doc.units if re.match(r"^第[^項号]+条", u.citation)), None)
    dai = {id(u) for u in p.dai_units}

    def fix(u: Unit) -> str | None:
        if u.citation == "本則" and first_article is not None and u.start < first_article:
            return "前文"
        if id(u) in dai:
            return re.sub(r"^第([^条]+)条", r"第\1", u.citation)
        return None

    _rename(doc, fix)
    if markdown:
        doc.body = doc.body or body_of(doc.title, doc.doc_id)
        doc.kind = doc.kind or kind_of("", doc.title)
    return doc


def read(text: str, source: str, doc_id: str) -> list[Document]:
    doc = Document(doc_id=doc_id, source=source, format="text")
    return [parse(text, doc)]

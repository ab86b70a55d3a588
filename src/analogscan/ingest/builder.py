"""Shared assembly of documents: linear text with offsets, provision units and their citations.

Every reader walks its own format and calls the same few methods, so citation rules
(第N条 alone when the article has one paragraph, 附則 prefixes, 号 and イ labels) live
in one place. Citations are fixed when an article closes, because only then is it known
whether the article has more than one paragraph.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from ..model import Document, Unit
from .numbers import canonical_number

# 「(平18規則23・一部改正)」「（令和5年条例第23号・追加）」「(昭60訓令8・一部改正)」 — amendment history notes.
AMENDMENT_NOTE_RE = re.compile(
    r"[（(](?:明|大|昭|平|令|明治|大正|昭和|平成|令和)[0-9０-９元一二三四五六七八九十]+[^（）()]{0,80}?"
    r"(?:一部改正|全部改正|改正|追加|削除|繰下|繰上|旧第|全改|本条追加|本条新設|新設)[^（）()]{0,40}[）)]"
)


def strip_amendment_notes(text: str) -> tuple[str, list[str]]:
    """Remove amendment notes from a line of body text; return (text, notes)."""
    notes = [m.group(0) for m in AMENDMENT_NOTE_RE.finditer(text)]
    if not notes:
        return text, []
    return AMENDMENT_NOTE_RE.sub("", text).strip(), notes


_NUMERAL = "[0-9０-９〇○一二三四五六七八九十百千]"  # ○ (a circle for 〇) in 「第一○号」
_SUPPL_LABEL_RE = re.compile(
    rf"(明治|大正|昭和|平成|令和)[\s　]*({_NUMERAL}+|元)[\s　]*年"
    rf"(?:[\s　]*{_NUMERAL}+[\s　]*月)?(?:[\s　]*{_NUMERAL}+[\s　]*日)?"
    rf"[\s　]*(?:付)?[\s　]*([^()（）\s　]*?第[\s　]*{_NUMERAL}+[\s　]*号)"
)


def suppl_label(heading: str) -> str:
    """An amendment 附則's label for citations, shared by every reader:
    「附　則（平成10年3月30日条例第5号）抄」 → 「（平成10年条例第5号）」 (era, year and number; full-width
    digits made half-width, kanji numerals kept as written); the original 附則 (no promulgation) → ""."""
    m = _SUPPL_LABEL_RE.search(heading)
    if not m:
        return ""
    era, year, number = (unicodedata.normalize("NFKC", g).replace(" ", "").replace("　", "") for g in m.groups())
    return f"（{era}{year}年{number}）"


@dataclass
class _Pending:
    unit: Unit
    paragraph: str | None          # 項 number within the article (None = implicit first)
    labels: list[str] = field(default_factory=list)  # 号 and deeper labels, already formatted


class DocumentBuilder:
    """Accumulates a document's text and units; readers call it in reading order."""

    def __init__(self, doc: Document):
        self.doc = doc
        self._parts: list[str] = []
        self._len = 0
        self._path: dict[int, str] = {}
        self._path_list: tuple[dict[int, str], list[str]] | None = None  # _path in level order, while unchanged
        self._suppl: str | None = None       # None = main provisions; "" = original 附則; "（…）" = amendment 附則
        self._article: str | None = None     # canonical article number, e.g. "5の2"
        self._caption = ""
        self._pending: list[_Pending] = []
        self._paragraph: str | None = None
        self._paragraph_text = ""
        self._item_stack: list[tuple[str, str, int]] = []  # (label, text, depth) of open 号 / subdivisions
        self._ids: dict[str, int] = {}
        self._caption_for_next = ""

    # ------------------------------------------------------------------ text
    def line(self, text: str) -> tuple[int, int]:
        """Append a non-unit line (title, caption, heading) to the document text."""
        start = self._len
        self._parts.append(text + "\n")
        self._len += len(text) + 1
        return start, start + len(text)

    def note(self, note: str) -> None:
        """Attach an amendment note to the last unit (it never becomes unit text)."""
        target = self._pending[-1].unit if self._pending else (self.doc.units[-1] if self.doc.units else None)
        if target is not None:
            target.notes.append(note)

    # ------------------------------------------------------------- structure
    def heading(self, text: str, level: int = 1) -> None:
        """A 編・章・節・款 heading: closes the open article and sets the path at ``level``."""
        self._close_article()
        self._path = {k: v for k, v in self._path.items() if k < level}
        self._path[level] = text.strip()
        self.line(text)

    def caption(self, text: str) -> None:
        """An article caption 「（目的）」 that precedes the article it names."""
        self._close_article()
        self._caption_for_next = text.strip()
        self.line(text)

    def begin_article(self, number: str, caption: str | None = None) -> None:
        self._close_article()
        self._article = canonical_number(number)
        self._caption = (caption if caption is not None else self._caption_for_next).strip()
        self._caption_for_next = ""

    def begin_suppl(self, label: str = "", heading: str | None = None) -> None:
        """Start a 附則; ``label`` is "" for the original 附則 or e.g. "（令和5年条例第23号）"."""
        self._close_article()
        self._suppl = label
        self._path = {0: "附則" + label}
        self.line(heading if heading is not None else "附則" + label)

    def paragraph(self, text: str, number: str | None = None) -> Unit | None:
        """A 項's own sentences. ``number`` None means the unnumbered (first) paragraph."""
        self._item_stack = []
        if self._article is None and number and canonical_number(number) == "1" and self._pending:
            self._close_article()  # 「1」 after an unnumbered lead-in (要綱 without articles) starts a new block
        if self._article is None and self._caption_for_next:  # 「（施行期日）」 over a 附則 項
            self._caption, self._caption_for_next = self._caption_for_next, ""
        self._paragraph = canonical_number(number) if number else None
        self._paragraph_text = text
        return self._add(text, "suppl" if self._suppl is not None else "paragraph", [])

    def item(self, text: str, label: str, depth: int = 0) -> Unit | None:
        """A 号 (depth 0, ``label`` canonical number such as "1" or "2の2") or a subdivision
        (depth ≥ 1, ``label`` as displayed: イ, (1), (i), ア, (ア))."""
        # by depth, not position: 「ア」「イ」 straight under a 項 (depth 1, no 号 above) are siblings
        self._item_stack = [entry for entry in self._item_stack if entry[2] < depth]
        base, _, branch = label.partition("の")  # "2の2" is cited 第2号の2
        shown = (f"第{base}号" + (f"の{branch}" if branch else "")) if depth == 0 else label
        context_parts = [self._paragraph_text] + [t for _, t, _ in self._item_stack]
        labels = [lab for lab, _, _ in self._item_stack] + [shown]
        self._item_stack.append((shown, text, depth))
        unit = self._add(text, "item" if depth == 0 else "subitem", labels)
        if unit is not None:
            unit.context = "\n".join(p for p in context_parts if p)
        return unit

    def table_row(self, table: str, row: int, text: str, caption: str = "",
                  within_article: bool = False) -> Unit | None:
        """One row of a 別表 (``table`` such as "別表第1"), cells joined by tabs.

        ``within_article`` is for a table inside an article (「次のとおりとする。」 + table): the
        article stays open, so its later 項 still get their 第N項 citations."""
        if not within_article:
            self._close_article()
        unit = self._make_unit(text, "table_row", caption or (self._caption if within_article else ""))
        if unit is not None:
            unit.citation = f"{table}（第{row}行）"
            self._register(unit)
        return unit

    def open_provision(self, paragraph: int = 0) -> str:
        """The citation of where the reader is: 「附則第3条第2項」 (``paragraph`` > 1 adds 第N項), "" in
        the main provisions outside an article. For naming a table inside an article: 「第3条の表」."""
        cite = "" if self._suppl is None else "附則" + self._suppl
        if self._article is not None:
            base, _, branch = self._article.partition("の")
            cite += f"第{base}条" + (f"の{branch}" if branch else "")
        if paragraph > 1:
            cite += f"第{paragraph}項"
        return cite

    # ------------------------------------------------------------- internals
    def _make_unit(self, text: str, kind: str, caption: str) -> Unit | None:
        text = text.strip()
        if not text:
            return None
        start, end = self.line(text)
        if self._path_list is None or self._path_list[0] is not self._path:
            self._path_list = (self._path, [self._path[k] for k in sorted(self._path)])
        return Unit(id="", citation="", text=text, start=start, end=end, caption=caption,
                    path=list(self._path_list[1]), kind=kind)

    def _add(self, text: str, kind: str, labels: list[str]) -> Unit | None:
        unit = self._make_unit(text, kind, self._caption)
        if unit is None:
            return None
        self._pending.append(_Pending(unit, self._paragraph, labels))
        return unit

    def _close_article(self) -> None:
        self._caption = ""  # a closed article's caption must not leak into later 附則 or headings' units
        if not self._pending:
            self._article = None
            return
        paragraphs = {p.paragraph or "1" for p in self._pending}
        multi = len(paragraphs) > 1 or any(p.paragraph not in (None, "1") for p in self._pending)
        prefix = "" if self._suppl is None else "附則" + self._suppl
        if self._article is not None:
            base, _, branch = self._article.partition("の")  # "8の2" is cited 第8条の2
            prefix += f"第{base}条" + (f"の{branch}" if branch else "")
        for p in self._pending:
            cite = prefix
            if multi or (self._article is None and p.paragraph is not None):
                cite += f"第{p.paragraph or '1'}項"
            cite += "".join(p.labels)
            p.unit.citation = cite or "本則"
            self._register(p.unit)
        self._pending = []
        self._article = None

    def _register(self, unit: Unit) -> None:
        base = f"{self.doc.doc_id}:{unit.citation}"
        n = self._ids.get(base, 0) + 1
        self._ids[base] = n
        unit.id = base if n == 1 else f"{base}~{n}"
        self.doc.units.append(unit)

    def finish(self) -> Document:
        self._close_article()
        self.doc.text = "".join(self._parts)
        self.doc.units.sort(key=lambda u: u.start)
        return self.doc

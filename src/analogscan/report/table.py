"""Terminal output with rich: counts per type and the highest-scoring findings."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import IO, Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from ..atomic import atomic_writer
from ..labels import finding_type_label
from .fields import matched_words
from .order import by_score, split
from .spans import MATCH, segments, text_spans
from .summary import summarize

SNIPPET_RADIUS = 20
# Terminal escape sequences in rule-book text (ESC [ 2 J, OSC title changes …) must not reach the
# terminal; rich keeps ESC, so control characters become spaces (same length: spans stay in place).
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _printable(text: str) -> str:
    return _CONTROL_RE.sub(" ", text)


def snippet(rec: Mapping[str, Any], radius: int = SNIPPET_RADIUS) -> Text:
    """The text around the first matched span, matched words in bold red, newlines flattened."""
    text = _printable(rec.get("text") or "")
    spans = sorted(s for s in text_spans(rec) if s[2] == MATCH)
    centre = spans[0] if spans else (0, 0, MATCH)
    lo, hi = max(0, centre[0] - radius), min(len(text), centre[1] + radius)
    out = Text(("…" if lo > 0 else "") + text[lo:hi].replace("\n", " ") + ("…" if hi < len(text) else ""))
    pos = 1 if lo > 0 else 0
    for frag, label in segments(text[lo:hi], [(s - lo, e - lo, MATCH) for s, e, _ in spans]):
        if label == MATCH:
            out.stylize("bold red", pos, pos + len(frag))
        pos += len(frag)
    return out


def summary_table(records: list[Mapping[str, Any]]) -> Table:
    rows, total = summarize(records)
    table = Table(title="類型別の件数")
    table.add_column("類型")
    for name in ("件数", "電子的代替あり", "平均確信度"):
        table.add_column(name, justify="right")
    for tc in [*rows, total]:
        mean = "-" if tc.mean_score is None else f"{tc.mean_score:.2f}"
        table.add_row(Text(tc.label), str(tc.count), str(tc.digital), mean,
                      end_section=tc is rows[-1], style="bold" if tc is total else None)
    return table


NARROW = 120  # below this many terminal columns the top table gets fixed widths (rich would crop it)
FIXED = {"例規名": 10, "条項": 10, "類型": 10, "確信度": 6, "該当語": 10}


def top_table(records: list[Mapping[str, Any]], top: int, title: str = "確信度の高い順",
              width: int | None = None) -> Table:
    """The best ``top`` findings; on a terminal narrower than NARROW the columns get fixed widths and
    条文 the rest, so nothing is cut at 80 columns (long cells fold)."""
    best = by_score(records)[:top]
    table = Table(title=f"{title} {len(best)} 件（全 {len(records)} 件）")
    fold: dict[str, Any] = {"overflow": "fold"}
    opts: dict[str, dict[str, Any]] = {"例規名": {"max_width": 24, **fold}, "条項": {**fold}, "類型": {**fold},
                                       "確信度": {"justify": "right", "no_wrap": True},
                                       "該当語": {"max_width": 20, **fold}, "条文": {"ratio": 1, **fold}}
    if width is not None and width < NARROW:
        text_width = max(8, width - sum(FIXED.values()) - 2 * (len(FIXED) + 1) - (len(FIXED) + 2))
        opts = {name: {**o, "width": FIXED.get(name, text_width), "ratio": None, "max_width": None}
                for name, o in opts.items()}
    for name, o in opts.items():
        table.add_column(name, **o)
    for rec in best:
        table.add_row(Text(_printable(rec.get("title") or "")), Text(_printable(rec.get("citation") or "")),
                      Text(finding_type_label(rec)), f"{float(rec.get('score') or 0):.2f}",
                      Text(_printable(matched_words(rec))), snippet(rec))
    return table


UNTYPED_TOP = 5


def print_table(records: Iterable[Mapping[str, Any]], console: Console | None = None, top: int = 20) -> None:
    """Counts per type, the best typed findings, then the 種別要確認 review list (its count and best few)."""
    recs = list(records)
    console = console or Console()
    console.print(summary_table(recs))
    typed, untyped = split(recs)
    if typed and top > 0:
        console.print(top_table(typed, top, width=console.width))
    if untyped:
        console.print(f"種別要確認: {len(untyped)} 件（類型を決めきれなかった候補。報告書では別の一覧）")
        if top > 0:
            console.print(top_table(untyped, min(top, UNTYPED_TOP), "種別要確認 確信度の高い順", console.width))


def write_table(records: Iterable[Mapping[str, Any]], path_or_stream: str | Path | IO[str],
                top: int = 20, width: int = 160) -> None:
    """The same tables as plain text (no colour) to a file or stream."""
    if hasattr(path_or_stream, "write"):
        print_table(records, Console(file=path_or_stream, width=width, no_color=True), top)  # type: ignore[arg-type]
        return
    with atomic_writer(Path(path_or_stream)) as fh:
        print_table(records, Console(file=fh, width=width, no_color=True, highlight=False), top)

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


def top_table(records: list[Mapping[str, Any]], top: int) -> Table:
    best = sorted(records, key=lambda r: -float(r.get("score") or 0.0))[:top]
    table = Table(title=f"確信度の高い順 {len(best)} 件（全 {len(records)} 件）")
    fold: dict[str, Any] = {"overflow": "fold"}
    for name, opts in (("例規名", {"max_width": 24, **fold}), ("条項", {}), ("類型", {}),
                       ("確信度", {"justify": "right"}), ("該当語", {"max_width": 20, **fold}),
                       ("条文", {"ratio": 1, **fold})):
        table.add_column(name, **opts)
    for rec in best:
        table.add_row(Text(_printable(rec.get("title") or "")), Text(_printable(rec.get("citation") or "")),
                      Text(finding_type_label(rec)), f"{float(rec.get('score') or 0):.2f}",
                      Text(_printable(matched_words(rec))), snippet(rec))
    return table


def print_table(records: Iterable[Mapping[str, Any]], console: Console | None = None, top: int = 20) -> None:
    recs = list(records)
    console = console or Console()
    console.print(summary_table(recs))
    if recs and top > 0:
        console.print(top_table(recs, top))


def write_table(records: Iterable[Mapping[str, Any]], path_or_stream: str | Path | IO[str],
                top: int = 20, width: int = 160) -> None:
    """The same tables as plain text (no colour) to a file or stream."""
    if hasattr(path_or_stream, "write"):
        print_table(records, Console(file=path_or_stream, width=width, no_color=True), top)  # type: ignore[arg-type]
        return
    with atomic_writer(Path(path_or_stream)) as fh:
        print_table(records, Console(file=fh, width=width, no_color=True, highlight=False), top)

"""One self-contained HTML page: summary per type, typed findings grouped by document (the document with
the highest 確信度 first, its findings by 確信度), then the 種別要確認 findings in a section of their own;
filters; links to the 例規 page, the technology map and the catalog (through ``safe_link``); the run's
provenance in the footer.

Everything is inline (CSS, JS); the page loads nothing from the network. All record text is
HTML-escaped; matched words are wrapped in ``<mark>``, digital-alternative words in
``<span class="dig">``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from html import escape
from pathlib import Path
from typing import IO, Any

from ..atomic import atomic_writer
from ..labels import finding_type_label
from ..provenance import provenance_lines
from .cells import safe_link
from .fields import credit, digital_words, document_key, matched_words, review_fields, techmap_fields
from .order import split
from .spans import DIGITAL, MATCH, context_spans, segments, text_spans
from .summary import summarize
from .techview import CATALOG_URL, TECHMAP_URL

CSS = """
body{font-family:"Hiragino Sans","Yu Gothic","Meiryo","Noto Sans CJK JP",sans-serif;margin:1.5em;color:#222;line-height:1.6}
h1{font-size:1.4em}h2{font-size:1.1em;border-bottom:2px solid #4472c4;padding-bottom:.2em;margin-top:1.6em}
table.sum{border-collapse:collapse}table.sum th,table.sum td{border:1px solid #bbb;padding:.2em .6em}
table.sum td.n{text-align:right}table.sum tr.total{font-weight:bold}
.controls{position:sticky;top:0;background:#f7f9fc;border:1px solid #ccd;padding:.5em;margin:1em 0;z-index:1}
.controls label{margin-right:.8em;white-space:nowrap}
.finding{border-left:4px solid #4472c4;padding:.3em .8em;margin:.8em 0;background:#fafafa}
.head{font-weight:bold}.badge{display:inline-block;border-radius:3px;padding:0 .4em;margin-left:.4em;font-size:.85em;background:#dde7f7}
.badge.dig{background:#d9f2d9}.lead{color:#666;white-space:pre-wrap}.text{white-space:pre-wrap}
mark{background:#ffe08a;font-weight:bold}span.dig{background:#c9efc9}
.badge.prev{background:#eee}.badge.recheck{background:#f8cbad}
.meta{font-size:.85em;color:#555}h2.list{border-bottom-color:#c55a11}.made{margin-top:.4em}footer{margin-top:2em;font-size:.85em;color:#555;border-top:1px solid #ccc;padding-top:.5em}
"""

JS = """
(function(){
  var boxes=[].slice.call(document.querySelectorAll('input.type'));
  var slider=document.getElementById('minscore'), out=document.getElementById('minscore-v');
  var shown=document.getElementById('shown');
  function apply(){
    var on={}, th=parseFloat(slider.value), n=0;
    boxes.forEach(function(b){on[b.value]=b.checked;});
    out.textContent=th.toFixed(2);
    [].forEach.call(document.querySelectorAll('.finding'),function(f){
      var ok=on[f.dataset.type]!==false && parseFloat(f.dataset.score)>=th;
      f.hidden=!ok; if(ok){n++;}
    });
    [].forEach.call(document.querySelectorAll('.doc'),function(d){
      d.hidden=!d.querySelector('.finding:not([hidden])');
    });
    shown.textContent=n;
  }
  boxes.forEach(function(b){b.addEventListener('change',apply);});
  slider.addEventListener('input',apply);
  apply();
})();
"""


def write_html(records: Iterable[Mapping[str, Any]], path_or_stream: str | Path | IO[str],
               title: str = "analogscan 点検結果", provenance: Mapping[str, Any] | None = None) -> None:
    page = render_html(list(records), title, provenance)
    if hasattr(path_or_stream, "write"):
        path_or_stream.write(page)
        return
    with atomic_writer(Path(path_or_stream)) as fh:
        fh.write(page)


def highlighted(text: str, spans: list[tuple[int, int, str]]) -> str:
    """Escaped text with ``<mark>`` around matched runs and ``<span class="dig">`` around digital ones."""
    out = []
    for frag, label in segments(text, spans):
        e = escape(frag)
        out.append(f"<mark>{e}</mark>" if label == MATCH else
                   f'<span class="dig">{e}</span>' if label == DIGITAL else e)
    return "".join(out)


def _a(url: str, text: str) -> str:
    """A link when ``safe_link`` allows the target, else the escaped text."""
    href = safe_link(url)
    return f'<a href="{escape(href)}" rel="noopener noreferrer">{escape(text)}</a>' if href else escape(text)


def _groups(recs: list[Mapping[str, Any]]) -> str:
    groups: dict[tuple[str, str, str], list[Mapping[str, Any]]] = {}
    for rec in recs:  # already by 確信度: a document comes where its best finding does
        groups.setdefault(document_key(rec), []).append(rec)
    return "".join(_document(members) for members in groups.values())


def _footer(recs: list[Mapping[str, Any]], provenance: Mapping[str, Any] | None) -> str:
    made = "　".join(f"{escape(k)}: {escape(v)}" for k, v in provenance_lines(dict(provenance or {})))
    return (f"<footer>{escape(credit(recs))}（{_a(TECHMAP_URL, 'テクノロジーマップ')}・"
            f"{_a(CATALOG_URL, '技術カタログ')}）<br>"
            "analogscan が条文から機械的に抽出した候補です。該当の判断は担当者が行ってください。"
            f'<div class="made">作成条件　{made}</div></footer>')


def render_html(recs: list[Mapping[str, Any]], title: str = "analogscan 点検結果",
                provenance: Mapping[str, Any] | None = None) -> str:
    rows, total = summarize(recs)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="ja"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(title)}</title><style>{CSS}</style></head><body>",
        f"<h1>{escape(title)}</h1>",
        f"<p>{total.count} 件（{len(total.documents)} 例規）</p>",
        _summary_table(rows, total),
        _controls(rows, total.count),
    ]
    typed, untyped = split(recs)
    parts.append(f'<div id="typed">{_groups(typed)}</div>')
    if untyped:
        parts.append(f'<section id="untyped"><h2 class="list">種別要確認（{len(untyped)} 件）</h2>'
                     "<p>アナログ規制の可能性があるが類型を決めきれなかった条項です。候補の類型を参考に確認してください。</p>"
                     f"{_groups(untyped)}</section>")
    parts.append(_footer(recs, provenance))
    parts.append(f"<script>{JS}</script></body></html>\n")
    return "\n".join(parts)


def _summary_table(rows: list[Any], total: Any) -> str:
    out = [('<table class="sum"><thead><tr><th>類型</th><th>件数</th><th>うち電子的代替あり</th>'
           "<th>例規数</th></tr></thead><tbody>")]
    for tc in [*rows, total]:
        cls = ' class="total"' if tc is total else ""
        out.append(f"<tr{cls}><td>{escape(tc.label)}</td><td class=\"n\">{tc.count}</td>"
                   f"<td class=\"n\">{tc.digital}</td><td class=\"n\">{len(tc.documents)}</td></tr>")
    out.append("</tbody></table>")
    return "".join(out)


def _controls(rows: list[Any], n: int) -> str:
    boxes = "".join(
        f'<label><input type="checkbox" class="type" value="{escape(tc.type_id)}" checked> '
        f"{escape(tc.label)} ({tc.count})</label>"
        for tc in rows
    )
    return (f'<div class="controls"><div>{boxes}</div><div><label>確信度の下限 '
            '<input type="range" id="minscore" min="0" max="1" step="0.05" value="0"> '
            f'<output id="minscore-v">0.00</output></label> 表示中 <span id="shown">{n}</span> 件</div></div>')


def _document(members: list[Mapping[str, Any]]) -> str:
    first = members[0]
    head = " ".join(escape(first.get(k) or "") for k in ("body", "title") if first.get(k))
    meta = "　".join(escape(first.get(k) or "") for k in ("kind", "number", "date") if first.get(k))
    if source := first.get("source") or "":
        meta += ("　" if meta else "") + _a(source, source)
    items = "".join(_finding(rec) for rec in members)
    return f'<section class="doc"><h2>{head or "（題名なし）"}</h2><div class="meta">{meta}</div>{items}</section>'


def _finding(rec: Mapping[str, Any]) -> str:
    type_id = rec.get("type") or ""
    score = float(rec.get("score") or 0.0)
    badges = f'<span class="badge">{escape(finding_type_label(rec))}</span><span class="badge">確信度 {score:.2f}</span>'
    if rec.get("digital_alternative"):
        badges += '<span class="badge dig">電子的代替あり</span>'
    review = review_fields(rec)
    if review["前回判定"]:
        badges += f'<span class="badge prev">前回判定 {escape(review["前回判定"])}</span>'
    if review["再確認"]:
        badges += f'<span class="badge recheck">再確認 {escape(review["再確認"])}</span>'
    cap = f" {escape(rec['caption'])}" if rec.get("caption") else ""
    out = [f'<article class="finding" data-type="{escape(type_id)}" data-score="{score:.4f}">',
           f'<div class="head">{escape(rec.get("citation") or "")}{cap}{badges}</div>']
    if ctx := rec.get("context"):
        out.append(f'<div class="lead">{highlighted(ctx, context_spans(rec))}</div>')
    out.append(f'<div class="text">{highlighted(rec.get("text") or "", text_spans(rec))}</div>')
    meta = [("該当語", matched_words(rec)), ("電子的代替の根拠", digital_words(rec))]
    meta += list(techmap_fields(rec).items()) + [("前回見直し方針", review["前回見直し方針"])]
    shown = "　".join(f"{k}：{_meta_value(k, v)}" for k, v in meta if v)
    if shown:
        out.append(f'<div class="meta">{shown}</div>')
    out.append("</article>")
    return "".join(out)


def _meta_value(key: str, value: str) -> str:
    if key == "活用可能な技術":
        return _a(TECHMAP_URL, value.replace("（「技術」シート）", ""))
    if key == "技術カタログ":
        return _a(CATALOG_URL, value)
    return escape(value)

"""A self-contained HTML dashboard for a batch: counts per municipality and type, the 横並び比較
groups, and filters (municipality, types, groups with a model). Inline CSS/JS only; nothing is
loaded from the network. Every value goes through ``escape``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from html import escape
from pathlib import Path
from typing import Any

from ..atomic import atomic_writer
from ..labels import type_label
from ..provenance import provenance_lines
from ..report.fields import credit
from .compare import Group
from .outcome import BatchOutcome

TITLE = "analogscan 一括点検"
TEXT_CHARS = 160

CSS = """
body{font-family:"Hiragino Sans","Yu Gothic","Meiryo","Noto Sans CJK JP",sans-serif;margin:1.5em;color:#222;line-height:1.5}
h1{font-size:1.4em}h2{font-size:1.1em;border-bottom:2px solid #4472c4;padding-bottom:.2em;margin-top:1.6em}
table{border-collapse:collapse}th,td{border:1px solid #bbb;padding:.2em .5em;vertical-align:top}
th{background:#ddebf7}td.n{text-align:right}tr.total{font-weight:bold}td.err{color:#c00000}
td.zero{color:#bbb}
.controls{position:sticky;top:0;background:#f7f9fc;border:1px solid #ccd;padding:.5em;margin:1em 0;z-index:1}
.controls label{margin-right:.8em;white-space:nowrap}
.group{border-left:4px solid #4472c4;padding:.3em .8em;margin:.8em 0;background:#fafafa}
.badge{display:inline-block;border-radius:3px;padding:0 .4em;margin-right:.4em;font-size:.85em;background:#dde7f7}
.group table{width:100%;table-layout:fixed}.group th:nth-child(1){width:9em}.group th:nth-child(2){width:18em}
.group th:nth-child(3){width:7em}.group th:nth-child(4){width:5em}
.badge.dig{background:#d9f2d9}tr.model{background:#e2efda}.meta{font-size:.85em;color:#555}
footer{margin-top:2em;font-size:.85em;color:#555;border-top:1px solid #ccc;padding-top:.5em}
"""

JS = """
(function(){
  var muni=document.getElementById('f-muni'), modelOnly=document.getElementById('f-model');
  var boxes=[].slice.call(document.querySelectorAll('input.f-type'));
  function apply(){
    var m=muni.value, on={}, rows=0, groups=0;
    boxes.forEach(function(b){on[b.value]=b.checked;});
    [].forEach.call(document.querySelectorAll('[data-type]'),function(c){c.hidden=!on[c.dataset.type];});
    [].forEach.call(document.querySelectorAll('tr.muni'),function(r){
      var ok=!m||r.dataset.muni===m; r.hidden=!ok; if(ok){rows++;}
    });
    [].forEach.call(document.querySelectorAll('.group'),function(g){
      var types=g.dataset.types.split(' '), munis=JSON.parse(g.dataset.munis);
      var ok=types.some(function(t){return on[t];}) && (!m||munis.indexOf(m)>=0)
             && (!modelOnly.checked||g.dataset.model==='1');
      g.hidden=!ok; if(ok){groups++;}
    });
    document.getElementById('rows-shown').textContent=rows;
    document.getElementById('groups-shown').textContent=groups;
  }
  muni.addEventListener('change',apply); modelOnly.addEventListener('change',apply);
  boxes.forEach(function(b){b.addEventListener('change',apply);});
  apply();
})();
"""


def write_dashboard(outcome: BatchOutcome, path: Path, provenance: Mapping[str, Any] | None = None) -> None:
    with atomic_writer(path) as fh:
        fh.write(render_dashboard(outcome, provenance))


def render_dashboard(outcome: BatchOutcome, provenance: Mapping[str, Any] | None = None) -> str:
    total = sum(m.total for m in outcome.municipalities)
    made = "　".join(f"{escape(k)}: {escape(v)}" for k, v in provenance_lines(dict(provenance or {})))
    parts = [
        "<!DOCTYPE html>",
        '<html lang="ja"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{TITLE}</title><style>{CSS}</style></head><body>",
        f"<h1>{TITLE}</h1>",
        (f"<p>{len(outcome.municipalities)} 団体・{total} 件・横並び比較 {len(outcome.groups)} グループ"
        f"（読めなかったファイル {len(outcome.errors)}）</p>"),
        _controls(outcome),
        "<h2>自治体別・類型別の件数</h2>",
        _matrix(outcome),
        "<h2>横並び比較（複数団体に共通する規定）</h2>",
        "".join(_group(g) for g in outcome.groups) or "<p>共通する規定は見つかりませんでした。</p>",
        (f"<footer>{escape(credit(outcome.records))}<br>"
        "analogscan が条文から機械的に抽出した候補です。該当の判断は担当者が行ってください。"
        f"<br>作成条件　{made}</footer>"),
        f"<script>{JS}</script></body></html>\n",
    ]
    return "\n".join(parts)


def _controls(outcome: BatchOutcome) -> str:
    options = "".join(f'<option value="{escape(m.name)}">{escape(m.name)}</option>' for m in outcome.municipalities)
    boxes = "".join(f'<label><input type="checkbox" class="f-type" value="{escape(t)}" checked> '
                    f"{escape(type_label(t))}</label>" for t in outcome.types)
    return ('<div class="controls"><div><label>自治体 <select id="f-muni"><option value="">すべて</option>'
            f'{options}</select></label><label><input type="checkbox" id="f-model"> 電子的代替のある団体を含む'
            f'グループのみ</label> 表示中: <span id="rows-shown">{len(outcome.municipalities)}</span> 団体・'
            f'<span id="groups-shown">{len(outcome.groups)}</span> グループ</div><div>{boxes}</div></div>')


def _matrix(outcome: BatchOutcome) -> str:
    types = outcome.types
    head = "".join(f'<th data-type="{escape(t)}">{escape(type_label(t))}</th>' for t in types)
    out = [(f"<table id=\"matrix\"><thead><tr><th>自治体</th>{head}<th>合計</th><th>電子的代替あり</th>"
           "<th>例規数</th><th>読めなかったファイル</th></tr></thead><tbody>")]
    for m in outcome.municipalities:
        cells = "".join(_num(m.counts.get(t, 0), t) for t in types)
        err = f'<td class="n err" title="{escape(chr(10).join(m.errors))}">{len(m.errors)}</td>' if m.errors \
            else '<td class="n zero">0</td>'
        out.append(f'<tr class="muni" data-muni="{escape(m.name)}"><td>{escape(m.name)}</td>{cells}'
                   f'{_num(m.total)}{_num(m.digital)}{_num(len(m.rule_books))}{err}</tr>')
    sums = "".join(_num(sum(m.counts.get(t, 0) for m in outcome.municipalities), t) for t in types)
    munis = outcome.municipalities
    out.append(f'<tr class="total"><td>合計</td>{sums}{_num(sum(m.total for m in munis))}'
               f'{_num(sum(m.digital for m in munis))}{_num(sum(len(m.rule_books) for m in munis))}'
               f'{_num(len(outcome.errors))}</tr></tbody></table>')
    return "".join(out)


def _num(n: int, type_id: str | None = None) -> str:
    attr = f' data-type="{escape(type_id)}"' if type_id else ""
    cls = "n zero" if n == 0 else "n"
    return f'<td class="{cls}"{attr}>{n}</td>'


def _group(g: Group) -> str:
    badges = "".join(f'<span class="badge">{escape(type_label(t))}</span>' for t in g.types)
    models = g.digital_municipalities
    model_note = (f'<span class="badge dig">電子的代替あり（モデル）: {escape("、".join(models))}</span>'
                  if models else '<span class="meta">電子的代替を定めた団体はまだありません</span>')
    rows = []
    for m in g.members:
        rec = m.record
        text = rec.get("text") or ""
        short = text if len(text) <= TEXT_CHARS else text[: TEXT_CHARS - 1] + "…"
        cls = ' class="model"' if m.digital else ""
        rows.append(f'<tr{cls}><td>{escape(m.municipality)}</td>'
                    f'<td>{escape(rec.get("title") or "")}</td><td>{escape(rec.get("citation") or "")}</td>'
                    f'<td>{"あり" if m.digital else "なし"}</td><td>{escape(short)}</td></tr>')
    munis = escape(json.dumps(g.municipalities, ensure_ascii=False))
    return (f'<section class="group" id="group-{g.number}" data-types="{escape(" ".join(g.types))}" '
            f'data-munis="{munis}" data-model="{1 if models else 0}">'
            f'<div><b>グループ {g.number}</b>　{len(g.municipalities)} 団体　{badges}{model_note}</div>'
            '<table><thead><tr><th>自治体</th><th>例規名</th><th>条項</th><th>電子的代替</th><th>条文</th></tr>'
            f'</thead><tbody>{"".join(rows)}</tbody></table></section>')

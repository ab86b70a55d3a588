"""``analogscan techmap TYPE``: show how an analog type maps to the Digital Agency technology map."""

from __future__ import annotations

import json

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ..type_names import resolve_type, type_choices
from .data import TechmapDataError
from .linker import default_linker

SUMMARY_CHARS = 40
PRODUCTS_SHOWN = 5


def _short(text: str, limit: int = SUMMARY_CHARS) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _render(console: Console, type_id: str, result: dict, objects: tuple[str, ...]) -> None:
    linker = default_linker()
    tmap, tlink = linker.map, linker.type_link(type_id)
    console.print(f"[bold]{escape(result['type_name'])}[/bold] ({type_id})  "
                  f"業務類型: {escape('、'.join(tlink.categories))}")
    if objects:
        found = "、".join(result["matched_objects"]) or "（該当なし: 既定の行）"
        console.print(f"対象語 {escape('、'.join(objects))} → {escape(found)}")

    rows = Table(title="テクノロジーマップ（パターン2）の行", title_justify="left")
    for col in ("行", "業務類型", "管理対象", "データ内容", "技術類型数"):
        rows.add_column(col)
    for r in result["rows"]:
        rows.add_row(str(r["row"]), escape(r["業務類型"]), escape(r["管理対象"]), escape(r["データ内容"]),
                     str(len(r["tech_types"])))
    console.print(rows)

    techs = Table(title=f"技術類型（{len(result['tech_types'])}）", title_justify="left")
    techs.add_column("技術類型", min_width=12, ratio=1, overflow="fold")
    techs.add_column("概要", no_wrap=True, overflow="ellipsis", ratio=1)
    for t in result["tech_types"]:
        techs.add_row(escape(t["name"]), escape(_short(t["概要"])))
    console.print(techs)

    cat = result["catalog"]
    if cat is None:
        console.print("[bold]技術カタログ[/bold]: 該当する分類なし")
    else:
        info = tmap.catalog[cat["id"]]
        console.print(f"[bold]技術カタログ[/bold]: {escape(cat['name'])} ({cat['id']}, "
                      f"{info['product_count']} 製品・サービス)")
        for p in tmap.products_in(cat["id"], PRODUCTS_SHOWN):
            console.print(f"  - {escape(_short(p['title'], 80))}（{escape(p['company'])}）")
    console.print(f"[bold]見直しの方向性[/bold]: {escape(result['phase'])}")

    refs = Table(title="対象語による絞り込み（上ほど優先）", title_justify="left")
    for col in ("対象語", "行", "カタログ", "該当"):
        refs.add_column(col)
    hit = set(result["matched_objects"])
    for ref in tlink.refinements:
        name = tmap.catalog[ref.catalog]["name"] if ref.catalog else "なし"
        refs.add_row(escape("、".join(ref.objects)), "・".join(map(str, ref.rows)), escape(name),
                     "✓" if hit & set(ref.objects) else "")
    console.print(refs)
    console.print(f"[bold]理由[/bold]: {escape(result['reason'])}")
    console.print(escape(result["credit"]))


@click.command("techmap")
@click.argument("type_name", metavar="[TYPE]", required=False)
@click.option("--object", "objects", multiple=True, metavar="WORD",
              help="Object word(s) of the regulation, e.g. 河川 or 帳簿 (repeatable).")
@click.option("--json", "as_json", is_flag=True, help="Print the link result as JSON.")
def techmap_command(type_name: str | None, objects: tuple[str, ...], as_json: bool) -> None:
    """Show the technology-map rows, 技術類型, catalog category and phase for an analog TYPE
    (a Japanese label such as 目視 or 実地監査, or an id such as visual_inspection). Without TYPE,
    --json prints the whole table the reports refer to by id (パターン2 rows and 技術類型)."""
    if type_name is None:
        if not as_json:
            raise click.UsageError(f"give a TYPE ({type_choices(False)}), or --json for the whole table")
        from .table import full_table

        try:
            click.echo(json.dumps(full_table(), ensure_ascii=False, indent=1))
        except TechmapDataError as e:
            raise click.ClickException(str(e)) from e
        return
    type_id = resolve_type(type_name, allow_unspecified=False)
    if type_id is None:
        raise click.BadParameter(f"unknown type {type_name!r}; choose from {type_choices(False)}",
                                 param_hint="TYPE")
    try:
        result = default_linker().link(type_id, "、".join(objects))
    except TechmapDataError as e:
        raise click.ClickException(str(e)) from e
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False, indent=2))
        return
    _render(Console(), type_id, result, objects)

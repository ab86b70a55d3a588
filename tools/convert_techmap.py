#!/usr/bin/env python3
"""Convert the Digital Agency technology map (パターン2) and catalog into rules/techmap/techmap.json.

One-off converter, kept so the data can be regenerated (stdlib only):

    python tools/convert_techmap.py [--source /work/shared/techmap] [--out rules/techmap]

It reads the raw JSON of the map web application (grid, categories, offers, relations) and
the derived product table, writes ``techmap.json`` deterministically (no timestamps), and
checks that the hand-written ``type_links.json`` beside it only names rows and catalog
categories that exist.  ``type_links.json`` is data written by hand, not generated here.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
from pathlib import Path

CREDIT = (
    "「テクノロジーマップ・技術カタログ」（デジタル庁）"
    "https://www.digital.go.jp/policies/technology-map を加工して作成"
)
ORIGIN = {
    "repository": "TakahiroATanaka/datechmap",
    "commit": "5b89a14",
    "data_state": "2024-06-28",
}
NOTE = (
    "analogscan が上記リポジトリ（commit 5b89a14、データ時点 2024-06-28）のテクノロジーマップ"
    "（パターン2: 規制に基づき実施する業務内容に着目）と技術カタログのデータを変換・編集したもの。"
    "デジタル庁が作成したものではない。技術カタログの製品・サービス情報は事業者の提供情報であり、"
    "デジタル庁はその内容を保証していない。"
)
EMPTY = ("", "-")
HEADER_ROWS = 4  # rows 0-3 of the grid are the X headers
Y_COLS = ("趣旨", "業務類型", "管理対象（例）", "管理対象（細分）", "管理に必要なデータ内容")
FIRST_TECH_COL = len(Y_COLS)
TIERS = {"1": "必須機能を有する製品・サービス", "2": "必須機能はないが活用可能性のある製品・サービス",
         "0": "令和5年度デジタル庁技術検証事業で活用された製品・サービス"}


def load_json(path: Path) -> list:
    with path.open(encoding="utf-8") as f:
        return json.load(f)


def table(rows: list[list[str]]) -> list[dict[str, str]]:
    """A header-first list of lists as dicts."""
    head = rows[0]
    return [dict(zip(head, r)) for r in rows[1:]]


def base_name(name: str) -> str:
    return name.split("（", 1)[0]


def tech_types(categories: list[dict[str, str]]) -> dict[str, dict[str, str]]:
    """The 43 技術類型 (ids 1001-1043) with their 概要."""
    out = {}
    for c in categories:
        if c["type"] == "product" and 1001 <= int(c["id"]) <= 1043:
            out[c["id"]] = {"name": c["description"], "概要": c["shortdesc"]}
    if len(out) != 43:
        raise SystemExit(f"expected 43 技術類型, found {len(out)}")
    return out


def tech_id_for(label: str, techs: dict[str, dict[str, str]]) -> str:
    """Map a grid cell label to a 技術類型 id: exact name, else a unique name before the 「（」."""
    exact = [i for i, t in techs.items() if t["name"] == label]
    if len(exact) == 1:
        return exact[0]
    loose = [i for i, t in techs.items() if base_name(t["name"]) == base_name(label)]
    if len(loose) == 1:
        return loose[0]
    raise SystemExit(f"grid label {label!r} matches no single 技術類型")


def x_headers(grid: list[list[str]]) -> dict[int, dict[str, str]]:
    """IPO / 機能 / 機能細分 / 技術カテゴリ of each technology column, filled rightwards."""
    out: dict[int, dict[str, str]] = {}
    current = ["", "", "", ""]
    for col in range(FIRST_TECH_COL, len(grid[0])):
        for level in range(HEADER_ROWS):
            cell = grid[level][col]
            if cell:
                current[level] = "" if cell == "-" else cell
                for deeper in range(level + 1, HEADER_ROWS):
                    if grid[deeper][col] == "":
                        current[deeper] = ""
        out[col] = dict(zip(("IPO", "機能", "機能細分", "技術カテゴリ"), current))
    return out


def _row_tech_ids(cells: list[str], techs: dict[str, dict[str, str]], col_tech: dict[int, str],
                  labels: dict[str, str]) -> list[str]:
    """The 技術類型 ids ticked in one row, in column order (``col_tech``: column → id, checked to be one
    id per column; ``labels``: ids the map names differently from the catalog)."""
    ids = []
    for col in range(FIRST_TECH_COL, len(cells)):
        label = cells[col]
        if label in EMPTY:
            continue
        tid = tech_id_for(label, techs)
        if col_tech.setdefault(col, tid) != tid:
            raise SystemExit(f"column {col} holds two 技術類型")
        if techs[tid]["name"] != label:
            labels[tid] = label
        ids.append(tid)
    return ids


def pattern2_rows(grid: list[list[str]], categories: list[dict[str, str]],
                  techs: dict[str, dict[str, str]]) -> tuple[list[dict], dict[str, dict]]:
    """The 33 rows of パターン2 with Y headers filled down and the 技術類型 ids in column order."""
    definitions = [c for c in categories if c["type"] == "y-header-2" and c["shortdesc"]]
    body = grid[HEADER_ROWS:]
    if len(definitions) != len(body):
        raise SystemExit(f"{len(definitions)} row definitions for {len(body)} grid rows")
    headers = x_headers(grid)
    col_tech: dict[int, str] = {}
    labels: dict[str, str] = {}
    rows = []
    filled = [""] * FIRST_TECH_COL
    for offset, (cells, definition) in enumerate(zip(body, definitions)):
        for i in range(FIRST_TECH_COL):
            if cells[i] not in EMPTY:  # blank = same as the row above (merged cell)
                filled[i] = cells[i]
        # 管理対象（細分） is "-" (merged into 管理対象（例）) throughout パターン2
        target = filled[2]
        detail = cells[3] if cells[3] not in EMPTY else target
        if definition["description"] != cells[4]:
            raise SystemExit(f"row {offset + HEADER_ROWS}: definition {definition['description']!r} "
                             f"!= grid label {cells[4]!r}")
        ids = _row_tech_ids(cells, techs, col_tech, labels)
        rows.append({
            "row": offset + HEADER_ROWS,
            "label_id": definition["id"],
            "趣旨": filled[0],
            "業務類型": filled[1],
            "管理対象（例）": target,
            "管理対象（細分）": detail,
            "管理に必要なデータ内容": cells[4],
            "定義": definition["shortdesc"],
            "tech_types": ids,
        })
    ordered = {}
    for col in sorted(col_tech):
        tid = col_tech[col]
        entry = {"name": techs[tid]["name"], "概要": techs[tid]["概要"], **headers[col]}
        if tid in labels:
            entry["map_label"] = labels[tid]
        ordered[tid] = entry
    for tid, t in techs.items():  # types never ticked in パターン2 still belong to the list
        ordered.setdefault(tid, {"name": t["name"], "概要": t["概要"]})
    return rows, ordered


def catalog(offers: list[dict[str, str]], relations: list[dict[str, str]],
            products_csv: Path) -> tuple[dict[str, dict], list[dict]]:
    """The 7 技術カタログ categories with product counts, and the product list (titles only)."""
    tiers: dict[str, str] = {}
    counts: dict[str, dict[str, int]] = {}
    for r in relations:
        tiers[r["productId"]] = r["qualification"]
        by_tier = counts.setdefault(r["categoryId"], {"1": 0, "2": 0, "0": 0})
        by_tier[r["qualification"]] += 1
    categories = {}
    for o in offers:
        name = re.sub(r"のデジタル化を実現する製品・サービス(一覧)?$", "", o["title"])
        description = o["overview"].split("。", 1)[0] + "。"
        by_tier = counts.get(o["id"], {"1": 0, "2": 0, "0": 0})
        categories[o["id"]] = {
            "name": name,
            "title": o["title"],
            "description": description,
            "product_count": sum(by_tier.values()),
            "product_count_by_tier": by_tier,
        }
    products = []
    with products_csv.open(encoding="utf-8", newline="") as f:
        for p in csv.DictReader(f):
            pid = p["product_id"]
            if p["main_category_id"] not in categories:
                raise SystemExit(f"product {pid}: unknown category {p['main_category_id']}")
            products.append({"id": int(pid), "title": p["title"], "company": p["company"],
                             "category": p["main_category_id"], "tier": int(tiers[pid])})
    products.sort(key=lambda p: p["id"])
    return categories, products


def build(source: Path) -> dict:
    raw = source / "raw"
    categories = table(load_json(raw / "technology-map-categories.json"))
    techs = tech_types(categories)
    rows, ordered = pattern2_rows(load_json(raw / "technology-map-2.json"), categories, techs)
    cats, products = catalog(table(load_json(raw / "technology-map-offers.json")),
                             table(load_json(raw / "technology-map-relations.json")),
                             source / "derived" / "catalog_products.csv")
    return {
        "credit": CREDIT,
        "note": NOTE,
        "origin": ORIGIN,
        "catalog_tiers": TIERS,
        "pattern2_rows": rows,
        "tech_types": ordered,
        "catalog_categories": cats,
        "catalog_products": products,
    }


def check_links(data: dict, links_path: Path) -> list[str]:
    """Problems in the hand-written type_links.json against the converted map."""
    if not links_path.exists():
        return [f"{links_path} missing"]
    links = json.loads(links_path.read_text(encoding="utf-8"))
    rows = {r["row"]: r for r in data["pattern2_rows"]}
    problems = []
    for type_id, t in links["types"].items():
        groups = [("default", t["default_rows"], t["default_catalog"])]
        groups += [(f"refinement {i}", r["rows"], r["catalog"]) for i, r in enumerate(t["refinements"])]
        for where, row_ids, cat in groups:
            for rid in row_ids:
                if rid not in rows:
                    problems.append(f"{type_id} {where}: row {rid} not in パターン2")
                elif rows[rid]["業務類型"] not in t["業務類型"]:
                    problems.append(f"{type_id} {where}: row {rid} is {rows[rid]['業務類型']}, "
                                    f"not listed in 業務類型")
            if cat is not None and cat not in data["catalog_categories"]:
                problems.append(f"{type_id} {where}: catalog {cat} unknown")
    return problems


def main(argv: list[str] | None = None) -> int:
    here = Path(__file__).resolve().parents[1]
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--source", type=Path, default=here.parent / "shared" / "techmap")
    ap.add_argument("--out", type=Path, default=here / "rules" / "techmap")
    ap.add_argument("--links", type=Path, default=None,
                    help="type_links.json to check (default: OUT/type_links.json)")
    args = ap.parse_args(argv)
    data = build(args.source)
    args.out.mkdir(parents=True, exist_ok=True)
    target = args.out / "techmap.json"
    target.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {target}: {len(data['pattern2_rows'])} rows, {len(data['tech_types'])} 技術類型, "
          f"{len(data['catalog_categories'])} catalog categories, {len(data['catalog_products'])} products")
    problems = check_links(data, args.links or args.out / "type_links.json")
    for p in problems:
        print(f"type_links: {p}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

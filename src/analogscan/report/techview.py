"""The technology map as reports show it: compact per finding (the パターン2 row ids, 業務類型, catalog,
phase and technology ids), the full rows and technologies once (the XLSX 技術 sheet, ``techmap --json``)."""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from ..techmap.table import CATALOG_URL, TECHMAP_URL, full_table

TECH_SHEET = "技術"
__all__ = ["CATALOG_URL", "TECHMAP_URL", "TECH_SHEET", "compact", "compact_record", "full_table", "techmap_cell"]


@lru_cache(maxsize=1)
def _tech_ids() -> dict[str, str]:
    """技術類型 name → its id in the technology map."""
    from ..techmap.linker import default_linker

    return {v["name"]: k for k, v in default_linker().map.tech_types.items()}


def row_ids(tm: Mapping[str, Any]) -> list[int]:
    return [int(r["row"]) for r in tm.get("rows") or [] if "row" in r]


def compact(tm: Mapping[str, Any] | None) -> dict[str, Any]:
    """A finding's technology map by reference: row ids and technology ids instead of their texts
    (``analogscan techmap --json`` prints the full table once). An already compact map is kept."""
    if not tm:
        return {}
    if tm.get("compact"):
        return dict(tm)
    ids = _tech_ids()
    rows = tm.get("rows") or []
    out: dict[str, Any] = {
        "compact": True,
        "rows": row_ids(tm),
        "業務類型": list(dict.fromkeys(r.get("業務類型", "") for r in rows if r.get("業務類型"))),
        "tech_type_ids": [ids.get(t.get("name", ""), t.get("name", "")) for t in tm.get("tech_types") or []],
        "catalog": tm.get("catalog"),
        "phase": tm.get("phase") or "",
        "credit": tm.get("credit") or "",
    }
    if tm.get("matched_objects"):
        out["matched_objects"] = list(tm["matched_objects"])
    return out


def compact_record(rec: Mapping[str, Any]) -> dict[str, Any]:
    """A finding record with its technology map by reference (JSONL)."""
    out = dict(rec)
    if rec.get("techmap"):
        out["techmap"] = compact(rec["techmap"])
    return out


def techmap_cell(tm: Mapping[str, Any] | None) -> str:
    """活用可能な技術 in one short cell: the パターン2 rows and how many 技術類型 (listed on the 技術 sheet)."""
    if not tm:
        return ""
    rows = tm["rows"] if tm.get("compact") else row_ids(tm)
    n = len(tm.get("tech_type_ids") or tm.get("tech_types") or [])
    if not rows:
        return ""
    return f"パターン2 行{'・'.join(map(str, rows))}：技術類型 {n} 件（「{TECH_SHEET}」シート）"

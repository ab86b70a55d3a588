"""The technology map's パターン2 rows and 技術類型 as one table (``techmap --json`` without a type, the
XLSX 技術 sheet): reports refer to its rows and technologies by id."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .linker import default_linker

TECHMAP_URL = "https://www.digital.go.jp/policies/technology-map"
# the 技術カタログ is published from the same Digital Agency page as the technology map
CATALOG_URL = TECHMAP_URL


def full_table(row_filter: Iterable[int] | None = None) -> dict[str, Any]:
    """The technology map's パターン2 rows (all, or those given) with their 技術類型 ids, and every
    技術類型 once."""
    tmap = default_linker().map
    wanted = None if row_filter is None else set(row_filter)
    rows = [{"row": rid, "業務類型": r["業務類型"], "管理対象": r["管理対象（例）"],
             "データ内容": r["管理に必要なデータ内容"], "tech_type_ids": list(r["tech_types"])}
            for rid, r in tmap.rows.items() if wanted is None or rid in wanted]
    used = {t for r in rows for t in r["tech_type_ids"]}
    techs = [{"id": k, "name": v["name"], "概要": v["概要"], "機能": v.get("機能", "")}
             for k, v in tmap.tech_types.items() if k in used]
    return {"rows": rows, "tech_types": techs, "credit": tmap.credit, "url": TECHMAP_URL}

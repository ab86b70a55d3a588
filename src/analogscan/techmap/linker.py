"""Map a finding (analog type + provision text) to technology-map rows and a catalog category.

Called once per finding, so everything that does not depend on the text is built once per
(type, set of matched refinements) and cached; a call only normalises the text and looks
for the type's object words.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from .data import TechMap, TypeLink, default_map, nfkc

NO_CATALOG = "技術カタログに該当する分類はない"


def _ids(rows: tuple[int, ...]) -> str:
    return "・".join(str(r) for r in rows)


def _phase(t: TypeLink) -> str:
    if t.phase_source == "official":
        return f"{t.phase_text}（出典: {t.phase_citation}）"
    if t.phase_source == "agency_text":
        return f"デジタル庁の記述: {t.phase_text}（出典: {t.phase_citation}）"
    return t.phase_text


class Linker:
    """Links findings against one validated TechMap."""

    def __init__(self, techmap: TechMap) -> None:
        self.map = techmap
        # per type: (word, refinement index), longest words first so shorter variants can be dropped
        self._words = {
            tid: sorted(((w, i) for i, r in enumerate(t.refinements) for w in r.objects),
                        key=lambda wi: -len(wi[0]))
            for tid, t in techmap.types.items()
        }
        self._base = lru_cache(maxsize=4096)(self._build)

    def type_link(self, type_id: str) -> TypeLink:
        try:
            return self.map.types[type_id]
        except KeyError:
            raise ValueError(f"unknown analog type id {type_id!r}; known: {', '.join(self.map.types)}") from None

    def match(self, type_id: str, text: str, context: str = "") -> list[tuple[str, int]]:
        """Object words found (word, refinement index), in order of appearance (text before context)."""
        self.type_link(type_id)
        body, ctx = nfkc(text or ""), nfkc(context or "")
        found: list[tuple[int, str, int]] = []
        for word, idx in self._words[type_id]:
            pos = body.find(word)
            if pos < 0:
                pos = ctx.find(word)
                if pos < 0:
                    continue
                pos += len(body) + 1
            if any(word in longer for _, longer, _ in found):
                continue  # 見張 inside an already found 見張り
            found.append((pos, word, idx))
        found.sort()
        return [(w, i) for _, w, i in found]

    def _build(self, type_id: str, matched: tuple[int, ...], first_words: tuple[str, ...]) -> dict[str, Any]:
        t = self.map.types[type_id]
        parts = []
        if matched:
            row_ids = sorted({r for i in matched for r in t.refinements[i].rows})
            first = t.refinements[matched[0]]
            catalog_id = first.catalog
            for i, word in zip(matched, first_words):
                ref = t.refinements[i]
                parts.append(f"対象語「{word}」により行{_ids(ref.rows)}を選んだ: {ref.reason}。")
            cat_note = f"技術カタログ分類は優先順位が最も高い対象語「{first_words[0]}」による"
        else:
            row_ids = list(t.default_rows)
            catalog_id = t.default_catalog
            parts.append(f"対象語が見当たらないため{t.name}の既定の行{_ids(t.default_rows)}を選んだ: "
                         f"{t.default_reason}。")
            cat_note = "技術カタログ分類は既定の"
        if catalog_id is None:
            parts.append(f"{NO_CATALOG}。")
            catalog = None
        else:
            name = self.map.catalog[catalog_id]["name"]
            parts.append(f"{cat_note}「{name}」。")
            catalog = {"id": catalog_id, "name": name}
        rows = []
        tech_ids: set[str] = set()
        for rid in row_ids:
            row = self.map.rows[rid]
            tech_ids.update(row["tech_types"])
            rows.append({
                "row": rid,
                "業務類型": row["業務類型"],
                "管理対象": row["管理対象（例）"],
                "データ内容": row["管理に必要なデータ内容"],
                "tech_types": [self.map.tech_types[x]["name"] for x in row["tech_types"]],
            })
        techs = [{"name": v["name"], "概要": v["概要"]} for k, v in self.map.tech_types.items() if k in tech_ids]
        return {
            "type_name": t.name,
            "rows": rows,
            "tech_types": techs,
            "catalog": catalog,
            "phase": _phase(t),
            "phase_source": t.phase_source,
            "reason": "".join(parts),
            "credit": self.map.credit,
        }

    def link(self, type_id: str, text: str, context: str = "") -> dict[str, Any]:
        found = self.match(type_id, text, context)
        order: dict[int, str] = {}
        for word, idx in found:
            order.setdefault(idx, word)
        # refinement priority = list order in type_links.json; the first one decides the catalog
        matched = tuple(sorted(order))
        base = self._base(type_id, matched, tuple(order[i] for i in matched))
        result = dict(base)
        result["rows"] = [dict(r, tech_types=list(r["tech_types"])) for r in base["rows"]]
        result["tech_types"] = [dict(x) for x in base["tech_types"]]
        result["catalog"] = dict(base["catalog"]) if base["catalog"] else None
        result["matched_objects"] = [w for w, _ in found]
        return result


@lru_cache(maxsize=1)
def default_linker() -> Linker:
    return Linker(default_map())


def link(type_id: str, text: str, context: str = "") -> dict[str, Any]:
    """Technology-map rows, 技術類型, catalog category, phase and credit for one finding (JSON-ready).

    Raises ValueError for an unknown type id.
    """
    return default_linker().link(type_id, text, context)

"""Loading and validating rules/techmap (the converted Digital Agency map and analogscan's type links)."""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from .. import project_dir
from ..analog_types import TYPE_IDS
from ..errors import AnalogscanError

PHASE_SOURCES = ("official", "agency_text", "analogscan_summary")


class TechmapDataError(AnalogscanError, ValueError):
    """rules/techmap is missing, malformed, or refers to rows/categories/types that do not exist."""


@dataclass(frozen=True)
class Refinement:
    objects: tuple[str, ...]  # NFKC-normalised object words
    rows: tuple[int, ...]  # in map order
    catalog: str | None
    reason: str


@dataclass(frozen=True)
class TypeLink:
    type_id: str
    name: str
    categories: tuple[str, ...]  # 業務類型 of パターン2
    default_rows: tuple[int, ...]
    default_catalog: str | None
    default_reason: str
    phase_source: str
    phase_text: str
    phase_citation: str
    refinements: tuple[Refinement, ...]


@dataclass(frozen=True)
class TechMap:
    credit: str
    rows: dict[int, dict[str, Any]]  # row id -> row, in map order
    tech_types: dict[str, dict[str, Any]]  # id -> {name, 概要, ...}, in column (map) order
    catalog: dict[str, dict[str, Any]]  # id -> {name, description, product_count, ...}
    products: tuple[dict[str, Any], ...]
    tiers: dict[str, str]
    types: dict[str, TypeLink]

    def products_in(self, category_id: str, limit: int | None = None) -> list[dict[str, Any]]:
        """Catalog products of a category, tier 1 (has the required functions) first, then by id."""
        order = {1: 0, 2: 1, 0: 2}
        found = sorted((p for p in self.products if p["category"] == category_id),
                       key=lambda p: (order.get(p["tier"], 3), p["id"]))
        return found[:limit] if limit is not None else found


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def default_dir() -> Path:
    return project_dir("rules") / "techmap"


def _read(path: Path) -> dict[str, Any]:
    try:
        with path.open(encoding="utf-8") as f:
            data = json.load(f)
    except FileNotFoundError as e:
        raise TechmapDataError(f"{path} not found (regenerate with tools/convert_techmap.py)") from e
    except json.JSONDecodeError as e:
        raise TechmapDataError(f"{path}: invalid JSON: {e}") from e
    if not isinstance(data, dict):
        raise TechmapDataError(f"{path}: top level must be an object")
    return data


def _require(data: dict[str, Any], key: str, where: str) -> Any:
    if key not in data:
        raise TechmapDataError(f"{where}: missing key {key!r}")
    return data[key]


def _rows_checked(ids: Any, rows: dict[int, dict[str, Any]], categories: tuple[str, ...],
                  where: str) -> tuple[int, ...]:
    if not isinstance(ids, list) or not ids:
        raise TechmapDataError(f"{where}: rows must be a non-empty list")
    for rid in ids:
        if rid not in rows:
            raise TechmapDataError(f"{where}: row {rid!r} is not a パターン2 row")
        if rows[rid]["業務類型"] not in categories:
            raise TechmapDataError(f"{where}: row {rid} is {rows[rid]['業務類型']}, "
                                   f"not one of the type's 業務類型 {list(categories)}")
    return tuple(sorted(set(ids)))


def _catalog_checked(cid: Any, catalog: dict[str, dict[str, Any]], where: str) -> str | None:
    if cid is not None and cid not in catalog:
        raise TechmapDataError(f"{where}: catalog category {cid!r} does not exist")
    return cid


def _type_link(type_id: str, raw: dict[str, Any], rows: dict[int, dict[str, Any]],
               catalog: dict[str, dict[str, Any]]) -> TypeLink:
    where = f"type_links {type_id}"
    categories = tuple(_require(raw, "業務類型", where))
    known = {r["業務類型"] for r in rows.values()}
    for c in categories:
        if c not in known:
            raise TechmapDataError(f"{where}: 業務類型 {c!r} is not in パターン2")
    phase = _require(raw, "phase", where)
    if phase.get("source") not in PHASE_SOURCES or not phase.get("text"):
        raise TechmapDataError(f"{where}: phase needs text and a source in {PHASE_SOURCES}")
    refinements = []
    for i, r in enumerate(_require(raw, "refinements", where)):
        rw = f"{where} refinement {i}"
        objects = tuple(nfkc(w) for w in _require(r, "objects", rw))
        if not objects or not all(objects):
            raise TechmapDataError(f"{rw}: objects must be non-empty words")
        if not _require(r, "reason", rw):
            raise TechmapDataError(f"{rw}: empty reason")
        refinements.append(Refinement(objects, _rows_checked(_require(r, "rows", rw), rows, categories, rw),
                                      _catalog_checked(_require(r, "catalog", rw), catalog, rw), r["reason"]))
    if not _require(raw, "default_reason", where) or not _require(raw, "name", where):
        raise TechmapDataError(f"{where}: empty name or default_reason")
    return TypeLink(
        type_id=type_id,
        name=raw["name"],
        categories=categories,
        default_rows=_rows_checked(_require(raw, "default_rows", where), rows, categories, where),
        default_catalog=_catalog_checked(_require(raw, "default_catalog", where), catalog, where),
        default_reason=raw["default_reason"],
        phase_source=phase["source"],
        phase_text=phase["text"],
        phase_citation=phase.get("citation", ""),
        refinements=tuple(refinements),
    )


def load(directory: Path | None = None) -> TechMap:
    """Read and validate techmap.json and type_links.json from ``directory`` (default rules/techmap)."""
    directory = directory or default_dir()
    tm = _read(directory / "techmap.json")
    credit = _require(tm, "credit", "techmap.json")
    if not isinstance(credit, str) or "デジタル庁" not in credit:
        raise TechmapDataError("techmap.json: credit line missing")
    tech_types = _require(tm, "tech_types", "techmap.json")
    rows: dict[int, dict[str, Any]] = {}
    for row in _require(tm, "pattern2_rows", "techmap.json"):
        rid = row["row"]
        if rid in rows:
            raise TechmapDataError(f"techmap.json: row {rid} appears twice")
        for tid in row["tech_types"]:
            if tid not in tech_types:
                raise TechmapDataError(f"techmap.json: row {rid} names unknown 技術類型 {tid!r}")
        rows[rid] = row
    rows = dict(sorted(rows.items()))
    catalog = _require(tm, "catalog_categories", "techmap.json")
    products = tuple(tm.get("catalog_products", ()))
    for p in products:
        if p["category"] not in catalog:
            raise TechmapDataError(f"techmap.json: product {p['id']} in unknown category {p['category']!r}")
    links = _require(_read(directory / "type_links.json"), "types", "type_links.json")
    unknown = sorted(set(links) - set(TYPE_IDS))
    missing = [t for t in TYPE_IDS if t not in links]
    if unknown:
        raise TechmapDataError(f"type_links.json: unknown type ids {unknown}; known: {list(TYPE_IDS)}")
    if missing:
        raise TechmapDataError(f"type_links.json: no link for type ids {missing}")
    types = {t: _type_link(t, links[t], rows, catalog) for t in TYPE_IDS}
    return TechMap(credit, rows, tech_types, catalog, products, tm.get("catalog_tiers", {}), types)


@lru_cache(maxsize=1)
def default_map() -> TechMap:
    """The validated rules/techmap, read once per process."""
    return load()

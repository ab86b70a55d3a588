"""Every name a user may give for a finding type: the id, the short label (目視) and the full name
(目視規制), read from ``rules/types/*.toml`` (``id``, ``label``, ``name``), plus 種別要確認.

The mapping is data: a type file that renames its label changes what ``--types`` and ``techmap`` accept.
"""

from __future__ import annotations

import tomllib
import unicodedata
from functools import lru_cache

from . import project_dir
from .analog_types import FINDING_TYPE_LABELS, TYPE_IDS, UNSPECIFIED, UNSPECIFIED_LABEL


@lru_cache(maxsize=1)
def type_names() -> dict[str, tuple[str, ...]]:
    """Type id → the names it is known by (id, label, name), the eight types in order, then 種別要確認."""
    names: dict[str, tuple[str, ...]] = {}
    for type_id in TYPE_IDS:
        found: list[str] = [type_id, FINDING_TYPE_LABELS[type_id]]
        path = project_dir("rules") / "types" / f"{type_id}.toml"
        if path.is_file():
            with open(path, "rb") as fh:
                head = tomllib.load(fh).get("type", {})
            found += [str(head[k]) for k in ("label", "name") if head.get(k)]
        names[type_id] = tuple(dict.fromkeys(found))
    names[UNSPECIFIED] = (UNSPECIFIED, UNSPECIFIED_LABEL)
    return names


def _key(name: str) -> str:
    return unicodedata.normalize("NFKC", name).strip().lower()


def resolve_type(name: str, allow_unspecified: bool = True) -> str | None:
    """The type id for any of its names (NFKC, case-insensitive), or None."""
    key = _key(name)
    for type_id, names in type_names().items():
        if (allow_unspecified or type_id != UNSPECIFIED) and key in {_key(n) for n in names}:
            return type_id
    return None


def type_choices(allow_unspecified: bool = True) -> str:
    """The accepted names for help texts: ``目視 (visual_inspection), …``."""
    return ", ".join(f"{names[1]} ({type_id})" for type_id, names in type_names().items()
                     if allow_unspecified or type_id != UNSPECIFIED)

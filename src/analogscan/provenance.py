"""Which analogscan, rules, model, dictionary, options and date produced an output (every report carries it)."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import asdict, is_dataclass
from importlib import metadata
from typing import Any

from . import __version__

HASH_CHARS = 12


def _package_version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


def model_hash() -> str:
    """A short SHA-256 of the shipped model's files ("none" when there is no model)."""
    from .detect.classifier import default_model_dir

    directory = default_model_dir()
    files = sorted(p for p in directory.glob("*") if p.is_file()) if directory.is_dir() else []
    if not files:
        return "none"
    h = hashlib.sha256()
    for p in files:
        h.update(p.name.encode() + b"\0" + hashlib.sha256(p.read_bytes()).digest())
    return h.hexdigest()[:HASH_CHARS]


def _options(settings: Any) -> dict[str, Any]:
    if is_dataclass(settings) and not isinstance(settings, type):
        raw = asdict(settings)
    else:
        raw = dict(settings or {})
    return {k: (list(v) if isinstance(v, tuple) else v) for k, v in raw.items()}


def provenance(settings: Any, inputs: int, now: dt.datetime | None = None) -> dict[str, Any]:
    """The provenance of one run: ``settings`` is the DetectorSettings (or a mapping of options),
    ``inputs`` the number of documents read. JSON-ready; keys in a fixed order."""
    from .detect.rules import load_rules

    options = _options(settings)
    use_model = options.get("use_model", True)
    when = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).replace(microsecond=0)
    return {
        "analogscan": __version__,
        "rules": load_rules().version[:HASH_CHARS],
        "model": model_hash() if use_model else "not used (--no-model)",
        "sudachi_dictionary": f"sudachidict_core {_package_version('sudachidict_core')}",
        "options": options,
        "date": when.isoformat().replace("+00:00", "Z"),
        "inputs": inputs,
    }


LABELS = {"analogscan": "analogscan", "rules": "ルール", "model": "モデル", "sudachi_dictionary": "Sudachi 辞書",
          "options": "オプション", "date": "作成日時 (UTC)", "inputs": "読み込んだ文書数"}


def provenance_lines(prov: dict[str, Any]) -> list[tuple[str, str]]:
    """(label, value) pairs for the XLSX info sheet and the HTML footer."""
    out = []
    for key, value in prov.items():
        if key == "options":
            value = ", ".join(f"{k}={v}" for k, v in value.items()) or "-"
        out.append((LABELS.get(key, key), str(value)))
    return out

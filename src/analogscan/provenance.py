"""Which analogscan, rules, model, dictionary, options and date produced an output (every report carries it).

``provenance(settings, inputs)`` is the stamp of one run (the reports' footer); ``versions()`` and
``model_info()`` add what ``analogscan info`` shows: Python, SudachiPy, spaCy, and the shipped model's identity
and whatever training figures its ``model.json`` carries (keys named ``trained_on``, ``cv…`` and
``threshold(s)``, whatever their inner shape), read as data without loading or checking the model.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import platform
import subprocess
from dataclasses import asdict, is_dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from . import __version__, project_dir

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


# ------------------------------------------------------------------ analogscan info
NOT_INSTALLED = "not installed"


def _last_commit_date(path: Path) -> str | None:
    """The date the file was last committed (the model records no training date: its files are
    reproducible byte for byte); None outside a git checkout."""
    try:
        out = subprocess.run(["git", "log", "-1", "--format=%cs", "--", path.name], cwd=path.parent,
                             capture_output=True, text=True, timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None


def _is_figure(key: str) -> bool:
    return key == "trained_on" or key.startswith("cv") or key in ("threshold", "thresholds")


def model_info() -> dict[str, Any]:
    """The shipped model: name, hash, rules version, training size and date, figures (None: no model)."""
    from .detect.classifier import default_model_dir

    path = default_model_dir() / "model.json"
    if not path.is_file():
        return {"name": None, "hash": "none"}
    data = json.loads(path.read_text(encoding="utf-8"))
    return {
        "name": data.get("name"),
        "hash": model_hash(),
        "rules_version": str(data.get("rules_version", ""))[:HASH_CHARS],
        "trained_on": data.get("trained_on"),
        "last_committed": _last_commit_date(path),
        "figures": {k: v for k, v in data.items() if _is_figure(k) and k != "trained_on"},
    }


def versions() -> dict[str, str]:
    """analogscan, Python, SudachiPy, its dictionary and spaCy (with GiNZA's Japanese model when present)."""
    out = {
        "analogscan": __version__,
        "python": platform.python_version(),
        "sudachipy": _package_version("sudachipy"),
        "sudachi_dictionary": f"sudachidict_core {_package_version('sudachidict_core')}",
        "spacy": _package_version("spacy"),
    }
    if (ginza := _package_version("ja_ginza")) != NOT_INSTALLED:
        out["ja_ginza"] = ginza
    return out


def project_root() -> Path:
    """Where rules/ and models/ are read from (the checkout, or ``ANALOGSCAN_HOME``)."""
    return project_dir("rules").parent

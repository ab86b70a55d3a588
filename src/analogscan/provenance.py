"""Which analogscan, Python, Sudachi, rules and model produced a result (``analogscan info``, report stamps).

``provenance(settings, inputs)`` is the flat stamp of one run; ``model_info()`` the shipped model's
identity and whatever training figures its ``model.json`` carries (read as data: keys named ``trained_on``,
``cv…`` and ``threshold(s)``, whatever their inner shape), without loading or checking the model.
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
NOT_INSTALLED = "not installed"


def package_version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return NOT_INSTALLED


def _model_dir() -> Path:
    from .detect.classifier import default_model_dir

    return default_model_dir()


def model_hash() -> str:
    """A short SHA-256 of the shipped model's files ("none" when there is no model)."""
    directory = _model_dir()
    files = sorted(p for p in directory.glob("*") if p.is_file()) if directory.is_dir() else []
    if not files:
        return "none"
    h = hashlib.sha256()
    for p in files:
        h.update(p.name.encode() + b"\0" + hashlib.sha256(p.read_bytes()).digest())
    return h.hexdigest()[:HASH_CHARS]


def _options(settings: Any) -> dict[str, Any]:
    raw = asdict(settings) if is_dataclass(settings) and not isinstance(settings, type) else dict(settings or {})
    return {k: (list(v) if isinstance(v, tuple) else v) for k, v in raw.items()}


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
    path = _model_dir() / "model.json"
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
        "sudachipy": package_version("sudachipy"),
        "sudachi_dictionary": f"sudachidict_core {package_version('sudachidict_core')}",
        "spacy": package_version("spacy"),
    }
    if (ginza := package_version("ja_ginza")) != NOT_INSTALLED:
        out["ja_ginza"] = ginza
    return out


def provenance(settings: Any, inputs: int, now: dt.datetime | None = None) -> dict[str, Any]:
    """The provenance of one run: ``settings`` is the DetectorSettings (or a mapping of options),
    ``inputs`` the number of documents read. JSON-ready; keys in a fixed order."""
    from .detect.rules import load_rules

    options = _options(settings)
    model = model_info()
    when = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).replace(microsecond=0)
    return {
        **versions(),
        "rules": load_rules().version[:HASH_CHARS],
        "model": model["hash"] if options.get("use_model", True) else "not used (--no-model)",
        "model_name": model["name"],
        "model_trained_on": model.get("trained_on"),
        "options": options,
        "date": when.isoformat().replace("+00:00", "Z"),
        "inputs": inputs,
    }


def project_root() -> Path:
    """Where rules/ and models/ are read from (the checkout, or ``ANALOGSCAN_HOME``)."""
    return project_dir("rules").parent

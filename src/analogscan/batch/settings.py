"""The version that keys the batch cache (the detector settings are the scan pipeline's)."""

from __future__ import annotations

import hashlib
from dataclasses import asdict
from pathlib import Path

from .. import __version__, project_dir
from ..detect.settings import DetectorSettings
from ..ingest.limits import DEFAULT_LIMITS, Limits

DEFAULT_SIMILARITY = 0.6  # cosine (TF-IDF, character 2–3-grams) at which 横並び比較 links two provisions

# Package code whose change can change what a file gives (reports and the batch itself cannot).
_PIPELINE_CODE = ("ingest", "nlp", "detect", "techmap", "model.py", "analog_types.py", "pipeline.py")


def _hash_tree(h: hashlib._Hash, root: Path, pattern: str = "*") -> None:
    if root.is_file():
        paths = [root]
    elif root.is_dir():
        paths = sorted(p for p in root.rglob(pattern) if p.is_file() and "__pycache__" not in p.parts)
    else:
        return
    for p in paths:
        h.update(p.relative_to(root.parent).as_posix().encode())
        h.update(hashlib.sha256(p.read_bytes()).digest())


def pipeline_version(settings: DetectorSettings, limits: Limits = DEFAULT_LIMITS) -> str:
    """A hash of everything besides the file itself that decides its findings: the settings and input
    limits, the rules (and technology map), the model and the reading/detection code. A change re-scans
    every file."""
    h = hashlib.sha256(repr(sorted(asdict(settings).items())).encode())
    if limits != DEFAULT_LIMITS:  # (the default leaves the versions of existing caches as they were)
        h.update(repr(limits).encode())
    h.update(__version__.encode())
    _hash_tree(h, project_dir("rules"))
    if settings.use_model:
        _hash_tree(h, project_dir("models"))
    package = Path(__file__).resolve().parents[1]
    for name in _PIPELINE_CODE:
        _hash_tree(h, package / name, "*.py")
    return h.hexdigest()[:16]

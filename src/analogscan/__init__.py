"""analogscan: find analog regulations (アナログ規制) in Japanese rule books and national laws."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .api import Scanner

__version__ = "0.1.0"
__all__ = ["Scanner", "__version__", "project_dir"]


def __getattr__(name: str) -> Any:
    """``from analogscan import Scanner`` without loading the detector's modules on ``import analogscan``."""
    if name == "Scanner":
        from .api import Scanner

        return Scanner
    raise AttributeError(f"module 'analogscan' has no attribute {name!r}")


def project_dir(name: str) -> Path:
    """A data directory at the repository root (``rules``, ``models``, ``corpora``).

    The package is installed in editable mode from the checkout (see README), so the data
    lives beside ``src/``; ``ANALOGSCAN_HOME`` may point elsewhere.
    """
    import os

    home = os.environ.get("ANALOGSCAN_HOME")
    root = Path(home) if home else Path(__file__).resolve().parents[2]
    return root / name

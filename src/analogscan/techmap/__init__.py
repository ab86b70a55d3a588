"""Link analog-regulation findings to the Digital Agency technology map and technology catalog."""

from __future__ import annotations

from .data import TYPE_IDS, TechmapDataError, default_map, load
from .linker import link

__all__ = ["TYPE_IDS", "TechmapDataError", "default_map", "link", "load"]

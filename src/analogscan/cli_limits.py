"""The ``--max-file-mb`` and ``--max-unit-chars`` options shared by ``scan`` and ``units``."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import click

from .ingest.limits import DEFAULT_LIMITS, MIB, Limits


def limit_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """Add the two limit options; the command receives them as one ``limits: Limits`` argument."""

    @functools.wraps(command)
    def with_limits(*args: Any, max_file_mb: float, max_unit_chars: int, **kwargs: Any) -> Any:
        limits = Limits(max_file_bytes=int(max_file_mb * MIB), max_unit_chars=max_unit_chars)
        return command(*args, limits=limits, **kwargs)

    with_limits = click.option(
        "--max-unit-chars", type=click.IntRange(min=100), default=DEFAULT_LIMITS.max_unit_chars, show_default=True,
        help="A file with a provision unit longer than this is reported and skipped.")(with_limits)
    return click.option(
        "--max-file-mb", type=click.FloatRange(min=0, min_open=True), default=DEFAULT_LIMITS.max_file_bytes / MIB,
        show_default=True, help="Larger files (and zip members, uncompressed) are reported and skipped.")(with_limits)

"""Safety pieces shared by ``scan`` and ``units``: the ``--max-file-mb`` / ``--max-unit-chars``
options and the check that an output never replaces one of the inputs."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from pathlib import Path
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


def check_output_is_no_input(output: str | None, paths: Iterable[str]) -> None:
    """Refuse an output path that is one of the input files or an existing file inside an input
    folder: writing it would modify an input (and ``units`` would read the file it is replacing)."""
    if not output or output == "-":
        return
    target = Path(output).resolve()
    for raw in paths:
        src = Path(raw).resolve()
        if target == src or (target.exists() and src.is_dir() and src in target.parents):
            raise click.BadParameter(f"{output} is one of the inputs ({raw}); inputs are never overwritten",
                                     param_hint="-o")

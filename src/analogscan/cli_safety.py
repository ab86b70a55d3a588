"""Safety pieces shared by ``scan``, ``units`` and ``batch``: the limit options (``--max-file-mb``,
``--max-unit-chars``, ``--max-units-per-file``, ``--max-seconds-per-file``) and the check that an
output never replaces one of the inputs."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import click

from .ingest.limits import DEFAULT_LIMITS, MIB, Limits
from .output_safety import check_target


def limit_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """Add the two limit options; the command receives them as one ``limits: Limits`` argument."""

    @functools.wraps(command)
    def with_limits(*args: Any, max_file_mb: float, max_unit_chars: int, max_units_per_file: int,
                    max_seconds_per_file: float, **kwargs: Any) -> Any:
        limits = Limits(max_file_bytes=int(max_file_mb * MIB), max_unit_chars=max_unit_chars,
                        max_units_per_file=max_units_per_file, max_seconds_per_file=max_seconds_per_file)
        return command(*args, limits=limits, **kwargs)

    with_limits = click.option(
        "--max-seconds-per-file", type=click.FloatRange(min=0), default=DEFAULT_LIMITS.max_seconds_per_file,
        show_default=True, help="A file that takes longer to read and scan is reported and skipped (0: no limit).",
    )(with_limits)
    with_limits = click.option(
        "--max-units-per-file", type=click.IntRange(min=1), default=DEFAULT_LIMITS.max_units_per_file,
        show_default=True, help="A file with more provision units is reported and skipped.")(with_limits)
    with_limits = click.option(
        "--max-unit-chars", type=click.IntRange(min=100), default=DEFAULT_LIMITS.max_unit_chars, show_default=True,
        help="A file with a provision unit longer than this is reported and skipped.")(with_limits)
    return click.option(
        "--max-file-mb", type=click.FloatRange(min=0, min_open=True), default=DEFAULT_LIMITS.max_file_bytes / MIB,
        show_default=True, help="Larger files (and zip members, uncompressed) are reported and skipped.")(with_limits)


def check_output_is_no_input(output: str | None, paths: Iterable[str]) -> None:
    """Refuse an output path that is one of the input files or an existing file inside an input
    folder: writing it would modify an input (and ``units`` would read the file it is replacing).
    A target that cannot or must not be written is refused first (OutputError, exit 3)."""
    if not output or output == "-":
        return
    check_target(output)  # a device, a link, a folder that is a file or not writable: exit 3 before any work
    target = Path(output).resolve()
    for raw in paths:
        src = Path(raw).resolve()
        if target == src or (target.exists() and src.is_dir() and src in target.parents):
            raise click.BadParameter(f"{output} is one of the inputs ({raw}); inputs are never overwritten",
                                     param_hint="-o")

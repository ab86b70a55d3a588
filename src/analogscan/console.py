"""What every command shows on stderr: the one-line ``analogscan: error: …`` and the progress bar.

While a progress display is live, error lines go through its console, so they are printed above the
bar instead of being drawn over and erased by it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from rich.progress import Progress

_live: list[Progress] = []  # the progress display on screen, if any


def echo_error(message: object) -> None:
    """One stderr line for a file or usage problem (ReadError and friends already escape control characters)."""
    line = f"analogscan: error: {message}"
    if _live and not _live[-1].disable and _live[-1].live.is_started:
        _live[-1].console.print(line, markup=False, highlight=False, soft_wrap=True)
    else:
        click.echo(line, err=True)


class _Tracked:
    """A Progress that registers itself while entered (for ``echo_error``)."""

    def __init__(self, progress: Progress):
        self.progress = progress

    def __enter__(self) -> Progress:
        self.progress.__enter__()
        _live.append(self.progress)
        return self.progress

    def __exit__(self, *exc: object) -> None:
        _live.remove(self.progress)
        self.progress.__exit__(*exc)  # type: ignore[arg-type]


def progress_bar(enabled: bool) -> _Tracked:
    """A rich progress bar on stderr for long runs (only when stderr is a terminal): done/total, elapsed
    and remaining time; it disappears when the run ends, so what is printed next stands alone."""
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    console = Console(stderr=True)
    return _Tracked(Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                             TimeElapsedColumn(), TextColumn("残り"), TimeRemainingColumn(), console=console,
                             disable=not (enabled and console.is_terminal), transient=True))

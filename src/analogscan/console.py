"""What every command shows on stderr: the one-line ``analogscan: error: …`` and the progress bar.

While a progress display is live, error lines go through its console, so they are printed above the
bar instead of being drawn over and erased by it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from .model import one_line

if TYPE_CHECKING:
    from rich.progress import Progress

_live: list[Progress] = []  # the progress display on screen, if any


def echo_error(message: object) -> None:
    """One stderr line for a file or usage problem. ReadError and friends escape control characters
    already; doing it here too (it leaves escaped text as it is) covers every other message, such as a
    municipality folder whose name holds a line separator. Above a live progress bar it is printed
    through the bar's console, so the bar does not erase it."""
    _print_line(f"analogscan: error: {one_line(str(message))}")


def echo_warning(message: object) -> None:
    """One stderr line for something repaired on the way (a damaged batch cache rebuilt)."""
    _print_line(f"analogscan: warning: {one_line(str(message))}")


def _print_line(line: str) -> None:
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

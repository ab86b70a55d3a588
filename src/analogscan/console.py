"""What every command shows on stderr: the one-line ``analogscan: error: …`` and the progress bar."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from .model import one_line

if TYPE_CHECKING:
    from rich.progress import Progress


def echo_error(message: object) -> None:
    """One stderr line for a file or usage problem. ReadError and friends escape control characters
    already; doing it here too (it leaves escaped text as it is) covers every other message, such as a
    municipality folder whose name holds a line separator."""
    click.echo(f"analogscan: error: {one_line(str(message))}", err=True)


def echo_warning(message: object) -> None:
    """One stderr line for something repaired on the way (a damaged batch cache rebuilt)."""
    click.echo(f"analogscan: warning: {one_line(str(message))}", err=True)


def progress_bar(enabled: bool) -> Progress:
    """A rich progress bar on stderr for long runs (only when stderr is a terminal)."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    console = Console(stderr=True)
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    console=console, disable=not (enabled and console.is_terminal), transient=True)

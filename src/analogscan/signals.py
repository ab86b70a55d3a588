"""Ctrl-C and SIGTERM end a run cleanly: one message, exit status 130, no partial output.

Both signals raise KeyboardInterrupt in the main thread; the atomic writers (``report/atomic.py``)
remove their temporary file while it propagates, so an existing report stays as it was. After the
first signal further ones are ignored, so a second Ctrl-C cannot cut that clean-up short.
"""

from __future__ import annotations

import contextlib
import signal
from collections.abc import Iterator
from types import FrameType
from typing import Any

import click

from .console import echo_error
from .errors import AnalogscanError

EXIT_INTERRUPTED = 130  # 128 + SIGINT, what shells report for Ctrl-C
_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def _interrupt(signum: int, frame: FrameType | None) -> None:
    for sig in _SIGNALS:
        signal.signal(sig, signal.SIG_IGN)
    raise KeyboardInterrupt(signal.Signals(signum).name)


@contextlib.contextmanager
def signals_interrupt() -> Iterator[None]:
    """Within the block SIGINT and SIGTERM raise KeyboardInterrupt; the old handlers return after it."""
    try:
        previous = {sig: signal.signal(sig, _interrupt) for sig in _SIGNALS}
    except ValueError:  # not the main thread: leave signal handling alone
        yield
        return
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


class InterruptibleGroup(click.Group):
    """A click group whose commands end with ``analogscan: interrupted`` (exit 130) on Ctrl-C or SIGTERM,
    instead of click's "Aborted!" with exit 1, and with one line and the error's exit code on an
    :class:`~analogscan.errors.AnalogscanError` (the one place those are caught)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            with signals_interrupt():
                return super().invoke(ctx)
        except KeyboardInterrupt:
            click.echo("analogscan: interrupted", err=True)
            ctx.exit(EXIT_INTERRUPTED)
        except AnalogscanError as exc:
            echo_error(exc)
            ctx.exit(exc.exit_code)

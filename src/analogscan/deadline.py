"""A time limit for one file's work (``--max-seconds-per-file``), so one pathological input cannot hold a
worker for hours.

The limit is a SIGALRM timer, so it works where signals do: in the main thread of a process (the scan
engine's worker processes and ``--jobs 1``). In a thread (a Dask worker) the limit is not applied; the
units-per-file limit still bounds the work there. Python runs the handler between bytecodes, so a long
call into C (one lxml parse) ends first.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator
from types import FrameType


class TimeLimitExceeded(BaseException):
    """Raised inside the work when its time is up. A BaseException, so that the readers' and detectors'
    ``except Exception`` (one bad file → one line) cannot turn it into another message."""


def _expired(signum: int, frame: FrameType | None) -> None:
    raise TimeLimitExceeded


@contextlib.contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise TimeLimitExceeded in the block after ``seconds`` (0 or less: no limit)."""
    if seconds <= 0 or threading.current_thread() is not threading.main_thread() or not hasattr(signal, "SIGALRM"):
        yield
        return
    previous = signal.signal(signal.SIGALRM, _expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def too_slow(seconds: float, work: str = "read and scan") -> str:
    """The one-line reason for a file that hit the limit (``units`` only reads, within the same limit)."""
    return (f"took longer than {seconds:g} s to {work} (limit; raise it with --max-seconds-per-file); "
            "nothing from it is " + ("imported" if work == "import" else "reported"))

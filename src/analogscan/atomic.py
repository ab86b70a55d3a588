"""Atomic output: write to a temporary file beside the target, then rename over it.

A run that fails half-way never leaves a half-written report, and an earlier report at the
same path survives until the new one is complete. The target is checked first and a failed
write becomes one line (:mod:`.output_safety`).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from .output_safety import OutputError, check_target, write_failure


@contextlib.contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a temporary path to write; it replaces ``target`` only if the block succeeds.

    Raises OutputError for a target that must not be replaced (a device, a link) or a write that fails."""
    target = Path(target)
    check_target(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        os.close(fd)
    except OSError as exc:
        raise OutputError(target, f"cannot write here: {exc.strerror or exc}") from None
    try:
        yield Path(tmp)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; a report should get the usual mode
        check_target(target)  # a link or device put there while we wrote is not replaced either
        os.replace(tmp, target)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        failure = None if isinstance(exc, OutputError) else write_failure(target, exc)
        if failure is not None:
            raise failure from None
        raise


@contextlib.contextmanager
def atomic_writer(target: Path, encoding: str = "utf-8", newline: str | None = None) -> Iterator[IO[str]]:
    """A text file handle whose content appears at ``target`` only when the block succeeds."""
    with atomic_path(target) as tmp, open(tmp, "w", encoding=encoding, newline=newline) as fh:
        yield fh
        fh.flush()
        os.fsync(fh.fileno())

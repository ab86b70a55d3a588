"""Checks before and while writing an output file, shared by every writer (through :mod:`.atomic`).

An output is refused, with one line and exit code 3 (``EXIT_OUTPUT``), when its target is not a
regular file (a device node such as ``/dev/null``, a pipe, a socket, a folder) or is a symbolic link
— replacing either would replace the node or the link, not write through it — or when its folder
cannot be made or written. A write that fails half-way (a full disk, a quota, a read-only file
system) is the same one line; the temporary file is removed and an earlier report stays as it was.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from .errors import EXIT_OUTPUT, AnalogscanError
from .model import one_line

# what a failed write raises; an OSError with another errno in a writer is a bug, not the disk
WRITE_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS, errno.EIO, errno.EACCES, errno.EPERM,
                errno.ENOTDIR, errno.EISDIR, errno.ENAMETOOLONG, errno.ENOENT, errno.EEXIST}


class OutputError(AnalogscanError):
    """An output that cannot or must not be written: one line, exit code 3, nothing written."""

    exit_code = EXIT_OUTPUT

    def __init__(self, target: str | Path, reason: str):
        super().__init__(f"{one_line(str(target))}: {one_line(reason)}")


def check_target(target: str | Path) -> None:
    """Refuse a target that is a link or not a regular file, or whose folder is a file or not writable."""
    target = Path(target)
    try:
        st = os.lstat(target)
    except (FileNotFoundError, NotADirectoryError):  # (a folder on the way that is a file: named below)
        st = None
    except OSError as exc:
        raise OutputError(target, f"cannot write here: {exc.strerror or exc}") from None
    if st is not None:
        if stat.S_ISLNK(st.st_mode):
            raise OutputError(target, "is a symbolic link; refusing to replace it (give the real path)")
        if stat.S_ISDIR(st.st_mode):
            raise OutputError(target, "is a folder, not a file")
        if not stat.S_ISREG(st.st_mode):
            raise OutputError(target, "is not a regular file (device, pipe or socket); refusing to replace it")
    check_folder(target.parent)


def check_folder(folder: str | Path) -> None:
    """The folder outputs go into: an existing folder we may write, or one that can be made."""
    folder = Path(folder)
    probe = folder
    while True:  # the nearest part of the path that exists
        try:
            st = os.stat(probe)
            break
        except (FileNotFoundError, NotADirectoryError):
            if probe.parent == probe:
                raise OutputError(folder, "cannot write here: no such folder") from None
            probe = probe.parent
        except OSError as exc:
            raise OutputError(folder, f"cannot write here: {exc.strerror or exc}") from None
    if not stat.S_ISDIR(st.st_mode):
        raise OutputError(folder, f"cannot write here: {probe} is a file, not a folder")
    if not os.access(probe, os.W_OK | os.X_OK):
        raise OutputError(folder, f"cannot write here: no permission to write in {probe}")


def write_failure(target: str | Path, exc: BaseException) -> OutputError | None:
    """The OutputError for an exception raised while writing ``target`` (a full disk …), or None when
    it is not a write failure. XlsxWriter wraps the OSError in its own exception."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, OSError) and seen.errno in WRITE_ERRNOS:
            return OutputError(target, f"cannot write: {seen.strerror or seen} (nothing written; "
                                       "an earlier file there is unchanged)")
        seen = seen.__cause__ or seen.__context__
    return None

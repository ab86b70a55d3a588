"""Executors behind one interface: files in, FileResults out as they finish (in any order).

- ``InlineExecutor``: this process (``--jobs 1``).
- ``ProcessExecutor``: a pool of worker processes on this machine (``--executor local``).
- ``DaskExecutor``: a Dask distributed cluster (``--executor dask``; ``--scheduler`` or a LocalCluster).

A failure of the machinery for one file (a worker killed, a lost Dask task) becomes that file's
error result, marked not cacheable, and the other files go on.
"""

from __future__ import annotations

import multiprocessing
from collections import Counter, deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Protocol

from ..errors import AnalogscanError
from .roots import SourceFile
from .scanfile import FileResult, scan_file
from ..detect.settings import DetectorSettings

EXECUTORS = ("local", "dask")
CONNECT_TIMEOUT = 10  # seconds to reach a Dask scheduler


class ExecutorError(AnalogscanError):
    """The executor cannot start (dask not installed, scheduler unreachable): one line, exit 2."""


class Executor(Protocol):
    def results(self, files: Sequence[SourceFile], settings: DetectorSettings) -> Iterator[FileResult]: ...

    def close(self) -> None: ...


def failed(file: SourceFile, exc: BaseException) -> FileResult:
    return FileResult(file, "", errors=[f"{file.path}: worker failed: {type(exc).__name__}: {exc}"],
                      cacheable=False)


class InlineExecutor:
    def results(self, files: Sequence[SourceFile], settings: DetectorSettings) -> Iterator[FileResult]:
        for f in files:
            yield scan_file(f, settings)

    def close(self) -> None:
        pass


def _completed(pending: dict[Any, SourceFile], done: Iterator[Any]) -> Iterator[FileResult]:
    """Results of futures as they complete (concurrent.futures and Dask futures alike)."""
    for fut in done:
        try:
            yield fut.result()
        except Exception as exc:  # noqa: BLE001
            yield failed(pending[fut], exc)


class ProcessExecutor:
    """A pool of ``jobs`` spawned worker processes with at most ``2 × jobs`` files in flight.

    When a worker dies (killed, out of memory) the pool is rebuilt and the files that were in flight are
    tried again one at a time; a file whose worker dies again is reported as failed, the rest go on."""

    def __init__(self, jobs: int, scan: Callable[[SourceFile, DetectorSettings], FileResult] = scan_file):
        self.jobs, self.scan = jobs, scan
        self.pool = self._new_pool()

    def _new_pool(self) -> ProcessPoolExecutor:
        # spawn: workers start clean (no copy of the parent's threads, locks or SQLite handle)
        return ProcessPoolExecutor(max_workers=self.jobs, mp_context=multiprocessing.get_context("spawn"))

    def results(self, files: Sequence[SourceFile], settings: DetectorSettings) -> Iterator[FileResult]:
        queue = deque(files)
        deaths: Counter[SourceFile] = Counter()
        suspects: set[SourceFile] = set()  # in flight when a worker died, not yet done
        pending: dict[Future[FileResult], SourceFile] = {}
        while queue or pending:
            window = 1 if suspects else 2 * self.jobs
            while queue and len(pending) < window:
                f = queue.popleft()
                pending[self.pool.submit(self.scan, f, settings)] = f
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            lost: list[SourceFile] = []
            for fut in done:
                f = pending.pop(fut)
                suspects.discard(f)
                try:
                    yield fut.result()
                except BrokenProcessPool:
                    lost.append(f)
                except Exception as exc:  # noqa: BLE001
                    yield failed(f, exc)
            if lost:  # every file in flight went down with the pool
                lost.extend(pending.values())
                pending.clear()
                for f in lost:
                    deaths[f] += 1
                    if deaths[f] >= 2:
                        suspects.discard(f)
                        yield failed(f, RuntimeError("a worker process died twice while scanning it"))
                    else:
                        suspects.add(f)
                        queue.appendleft(f)
                self.pool.shutdown(wait=True, cancel_futures=True)
                self.pool = self._new_pool()

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)


class DaskExecutor:
    def __init__(self, jobs: int, scheduler: str | None):
        try:
            from distributed import Client, LocalCluster
        except ImportError:
            raise ExecutorError("--executor dask needs the dask extra: pip install 'analogscan[dask]'") from None
        self.cluster = None
        if scheduler:
            try:
                self.client = Client(scheduler, timeout=CONNECT_TIMEOUT)
            except (OSError, TimeoutError, ValueError) as exc:
                raise ExecutorError(f"cannot reach the Dask scheduler {scheduler}: {exc}") from None
        else:
            self.cluster = LocalCluster(n_workers=jobs, threads_per_worker=1, processes=True,
                                        dashboard_address=None)
            self.client = Client(self.cluster)

    def results(self, files: Sequence[SourceFile], settings: DetectorSettings) -> Iterator[FileResult]:
        from distributed import as_completed as dask_completed

        pending = {self.client.submit(scan_file, f, settings, pure=False): f for f in files}
        yield from _completed(pending, dask_completed(list(pending)))

    def close(self) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()


def make_executor(kind: str, jobs: int, scheduler: str | None = None) -> Executor:
    if kind == "dask":
        return DaskExecutor(jobs, scheduler)
    if kind != "local":
        raise ValueError(f"unknown executor {kind!r} (one of {', '.join(EXECUTORS)})")
    return InlineExecutor() if jobs <= 1 else ProcessExecutor(jobs)

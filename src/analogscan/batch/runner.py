"""Executors behind one interface: files in, FileResults out as they finish (in any order).

- ``InlineExecutor``: this process (``--jobs 1``).
- ``ProcessExecutor``: a pool of worker processes on this machine (``--executor local``).
- ``DaskExecutor``: a Dask distributed cluster (``--executor dask``; ``--scheduler`` or a LocalCluster).

A failure of the machinery for one file (a worker killed, a lost Dask task) becomes that file's
error result, marked not cacheable, and the other files go on.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from typing import Any, Protocol

from .roots import SourceFile
from .scanfile import FileResult, scan_file
from .settings import DetectorSettings

EXECUTORS = ("local", "dask")


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
    def __init__(self, jobs: int):
        # spawn: workers start clean (no copy of the parent's threads, locks or SQLite handle)
        self.pool = ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("spawn"))

    def results(self, files: Sequence[SourceFile], settings: DetectorSettings) -> Iterator[FileResult]:
        pending: dict[Future[FileResult], SourceFile] = {self.pool.submit(scan_file, f, settings): f for f in files}
        yield from _completed(pending, as_completed(pending))

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)


class DaskExecutor:
    def __init__(self, jobs: int, scheduler: str | None):
        try:
            from distributed import Client, LocalCluster
        except ImportError:
            raise RuntimeError("--executor dask needs the dask extra: pip install 'analogscan[dask]'") from None
        self.cluster = None
        if scheduler:
            self.client = Client(scheduler)
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

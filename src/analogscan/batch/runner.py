"""Where a batch runs: the scan engine's worker processes (``--executor local``) or a Dask distributed
cluster (``--executor dask``; ``--scheduler`` or a LocalCluster) as a second backend of the same engine
(``pipeline.run_tasks``). A lost Dask task becomes that file's error result, marked not cacheable."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from ..errors import AnalogscanError
from ..pipeline import Backend, ProcessBackend

EXECUTORS = ("local", "dask")
CONNECT_TIMEOUT = 10  # seconds to reach a Dask scheduler


class ExecutorError(AnalogscanError):
    """The executor cannot start (dask not installed, scheduler unreachable): one line, exit 2."""


class DaskBackend:
    lost: tuple[type[BaseException], ...] = ()  # Dask reschedules lost tasks itself; what still fails is failed

    def __init__(self, jobs: int, scheduler: str | None):
        try:
            from distributed import Client, LocalCluster
        except ImportError:
            raise ExecutorError("--executor dask needs the dask extra: pip install 'analogscan[dask]'") from None
        self.jobs = jobs
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

    def submit(self, fn: Callable[..., Any], *args: Any) -> Any:
        return self.client.submit(fn, *args, pure=False)

    def wait(self, futures: Iterable[Any]) -> set[Any]:
        from distributed import wait as dask_wait

        return set(dask_wait(list(futures), return_when="FIRST_COMPLETED").done)

    def restart(self) -> None:
        pass

    def close(self, interrupted: bool = False) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()


def make_backend(kind: str, jobs: int, scheduler: str | None = None) -> Backend | None:
    """The backend for ``--executor``; None: the engine's own choice (in this process for one job)."""
    if kind == "dask":
        return DaskBackend(jobs, scheduler)
    if kind != "local":
        raise ValueError(f"unknown executor {kind!r} (one of {', '.join(EXECUTORS)})")
    return ProcessBackend(jobs) if jobs > 1 else None

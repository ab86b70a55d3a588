"""The one scan engine: input files → documents → finding records, one file a task, for ``scan`` and ``batch``.

``scan_paths`` is the entry point for whole-book runs (``analogscan scan``)::

    settings = DetectorSettings(use_model=True)
    for item in scan_paths(["reiki/", "laws.zip"], settings, jobs=2):
        if isinstance(item, ReadError):
            ...                      # one unreadable file; the run goes on
        else:
            write(item.records)      # one document's finding records (``Finding.to_record()``; typed: item.findings)

``run_tasks`` is the engine under it (``batch`` calls it with its own per-file work and a Dask backend
when asked): each worker builds its :class:`Detector` once (rules, model, Sudachi tokenizer) and then
does one task at a time, so memory does not grow with the corpus.

- **Bounded**: at most ``2 × jobs`` tasks are in flight (and, in input order, at most that many
  results wait for an earlier one).
- **A worker that dies** (killed, out of memory) is replaced: the pool is rebuilt, the tasks that were in
  flight are tried again one at a time, and a task whose worker dies again becomes one failure result
  (``failed(task, reason)``: one line for the user); the other tasks go on.
- **Ctrl-C / SIGTERM**: workers ignore SIGINT; the parent's KeyboardInterrupt (``signals.py``) ends the
  pool (its processes are terminated) on the way out.
- The same core count (``default_jobs``) and the same input ``Limits`` for every caller; the detector is
  checked in the calling process first (a model trained with other rules is one error, not one per file).
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import signal
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, Protocol, TypeVar

from .deadline import TimeLimitExceeded, time_limit, too_slow
from .detect.detector import Detector
from .detect.finding import Finding
from .detect.settings import DetectorSettings
from .ingest import InputFile, input_files, read_input
from .ingest.limits import DEFAULT_LIMITS, Limits
from .model import Document, ReadError
from .techmap.linker import link

__all__ = ["Backend", "DetectorSettings", "ProcessBackend", "Result", "ScannedDocument", "default_jobs",
           "link_techmap", "run_tasks", "scan_document", "scan_file", "scan_paths"]

T = TypeVar("T")  # a task (an input file)
R = TypeVar("R")  # what one task gives
Work = Callable[[T, Detector, Limits], R]

DIED_TWICE = "worker failed: the worker process died twice while scanning it"
WATCH_SECONDS = 1.0  # how often a wait looks at the workers
STUCK_SECONDS = 5.0  # a worker dead this long without the pool noticing: the pool is broken by hand
# the cyclic garbage collector's first threshold in a scanning process: a scan allocates millions of
# small objects that are no cycles (tokens, tuples, match objects); with CPython's default (700) the
# collector ran thousands of times over them and took about a sixth of the CPU time
GC_GEN0 = 50_000


@dataclass
class ScannedDocument:
    """One scanned document: its identity, its size and its findings (possibly none)."""

    doc_id: str
    title: str
    source: str
    units: int
    characters: int
    findings: list[Finding] = field(default_factory=list)

    @property
    def records(self) -> list[dict[str, Any]]:
        """The findings' JSONL records."""
        return [f.to_record() for f in self.findings]


Result = ScannedDocument | ReadError


def default_jobs() -> int:
    """The cores this process may use (the default of ``--jobs`` for every command)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def link_techmap(finding: Finding) -> Finding:
    """The stage after detection: the technology-map rows, 技術類型 and catalog category of a finding."""
    type_id = finding.techmap_type
    if type_id is not None:
        finding.techmap = link(type_id, finding.text, finding.context)
    return finding


def scan_document(doc: Document, detector: Detector) -> ScannedDocument:
    """Detect and link to the technology map one document's findings."""
    return ScannedDocument(doc.doc_id, doc.title, doc.source, len(doc.units), sum(len(u.text) for u in doc.units),
                           [link_techmap(f) for f in detector.document_findings(doc)])


def scan_file(item: InputFile | ReadError, detector: Detector, limits: Limits = DEFAULT_LIMITS) -> list[Result]:
    """Read and scan one input file (a .zip gives all its members). A failure is a ReadError naming the file."""
    if isinstance(item, ReadError):
        return [item]
    out: list[Result] = []
    try:
        with time_limit(limits.max_seconds_per_file):
            for doc in read_input(item, limits):
                out.append(doc if isinstance(doc, ReadError) else scan_document(doc, detector))
    except TimeLimitExceeded:  # nothing partial: what the file gave so far is dropped
        return [ReadError(str(item[0]), too_slow(limits.max_seconds_per_file))]
    except Exception as exc:  # noqa: BLE001 - a bug on one odd file must not end a national run; it is named like bad input
        out.append(ReadError(str(item[0]), f"scan failed: {type(exc).__name__}: {exc}"))
    return out


# ------------------------------------------------------------------ workers
_local = threading.local()


def detector_for(settings: DetectorSettings) -> Detector:
    """This thread's Detector for ``settings``, built on first use (the Sudachi tokenizer is not shared
    between threads, and a Dask worker may run tasks in threads)."""
    cache = getattr(_local, "detectors", None)
    if cache is None:
        cache = _local.detectors = {}
    if settings not in cache:
        cache[settings] = settings.build()
        settle_gc()
    detector: Detector = cache[settings]
    return detector


def settle_gc() -> tuple[int, int, int]:
    """Once the detector is built: what was made so far (rules, model, dictionary) lives for the whole
    run, so the collector stops walking it (``gc.freeze``), and it runs less often (``GC_GEN0``).
    Findings are unchanged; memory too (what a scan makes is freed by reference counts). Returns the
    thresholds before, for ``restore_gc`` in a process that goes on after the scan (the library API)."""
    before = gc.get_threshold()
    gc.collect()
    gc.freeze()
    gc.set_threshold(max(GC_GEN0, before[0]), before[1], before[2])
    return before


def restore_gc(before: tuple[int, int, int]) -> None:
    gc.unfreeze()
    gc.set_threshold(*before)


def run_task(work: Work[T, R], task: T, settings: DetectorSettings, limits: Limits) -> R:
    """What a worker runs for one task (module level: picklable by reference)."""
    return work(task, detector_for(settings), limits)


def _ignore_sigint() -> None:
    # Ctrl-C and SIGTERM are the parent's to handle (it ends the pool and removes partial output)
    signal.signal(signal.SIGINT, signal.SIG_IGN)


class Backend(Protocol):
    """Where tasks run: worker processes on this machine, or a Dask cluster (``batch --executor dask``)."""

    jobs: int
    lost: tuple[type[BaseException], ...]  # what a future raises when its worker died

    def submit(self, fn: Callable[..., Any], *args: Any) -> Any: ...

    def wait(self, futures: Iterable[Any]) -> set[Any]: ...

    def restart(self) -> None: ...

    def close(self, interrupted: bool = False) -> None:
        """End the backend; ``interrupted``: without waiting for the tasks running."""


class ProcessBackend:
    """``jobs`` spawned worker processes (spawn: workers start clean, without the parent's threads,
    locks or SQLite handle)."""

    lost: tuple[type[BaseException], ...] = (BrokenProcessPool,)

    def __init__(self, jobs: int):
        self.jobs = jobs
        self.pool = self._new_pool()

    def _new_pool(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(max_workers=self.jobs, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=_ignore_sigint)

    def submit(self, fn: Callable[..., Any], *args: Any) -> Future[Any]:
        return self.pool.submit(fn, *args)

    def wait(self, futures: Iterable[Any]) -> set[Any]:
        futures = list(futures)
        dead_since: float | None = None
        while True:
            done, _ = wait(futures, timeout=WATCH_SECONDS, return_when=FIRST_COMPLETED)
            if done:
                return done
            # A worker killed while it was writing a result leaves a partial message in the result pipe:
            # the executor's reader then blocks on it forever and never marks the pool broken (a CPython
            # ProcessPoolExecutor hang). When a worker has been dead that long and the pool has not
            # noticed, end the others and close the parent's end of the pipe: the reader gets EOF, the
            # pool breaks itself, and its futures fail with BrokenProcessPool like any other death.
            if any(p.exitcode is not None for p in self._processes()):
                dead_since = dead_since or time.monotonic()
                if time.monotonic() - dead_since > STUCK_SECONDS and not getattr(self.pool, "_broken", False):
                    self._break_pool()
            else:
                dead_since = None

    def _processes(self) -> list[Any]:
        return list((getattr(self.pool, "_processes", None) or {}).values())

    def _break_pool(self) -> None:
        for proc in self._processes():
            if proc.is_alive():
                proc.kill()
        for proc in self._processes():
            proc.join(5)
        writer = getattr(getattr(self.pool, "_result_queue", None), "_writer", None)
        if writer is not None and not writer.closed:
            writer.close()

    def restart(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)
        self.pool = self._new_pool()

    def close(self, interrupted: bool = False) -> None:
        if interrupted:  # do not wait for the tasks running: end the workers
            processes = list((getattr(self.pool, "_processes", None) or {}).values())
            self.pool.shutdown(wait=False, cancel_futures=True)
            for proc in processes:
                if proc.is_alive():
                    proc.terminate()
            for proc in processes:
                proc.join(5)
        else:
            self.pool.shutdown(wait=True, cancel_futures=True)


class _Supervisor(Generic[T, R]):
    """The bookkeeping of one run: tasks queued, in flight, retried, and results waiting for their turn."""

    def __init__(self, tasks: Sequence[T], work: Work[T, R], failed: Callable[[T, str], R], window: int,
                 ordered: bool):
        self.queue: deque[int] = deque(range(len(tasks)))
        self.tasks, self.work, self.failed, self.window, self.ordered = tasks, work, failed, window, ordered
        self.pending: dict[Any, int] = {}
        self.deaths: Counter[int] = Counter()
        self.suspects: set[int] = set()  # in flight when a worker died: tried again one at a time
        self.ready: dict[int, R] = {}
        self.next_out = 0

    def may_submit(self) -> bool:
        if not self.queue or len(self.pending) >= (1 if self.suspects else self.window):
            return False
        return not self.ordered or self.queue[0] < self.next_out + self.window

    def finish(self, i: int, result: R) -> None:
        self.suspects.discard(i)
        self.ready[i] = result

    def collect(self, backend: Backend, done: Iterable[Any]) -> list[int]:
        """Take the results of the finished futures; the tasks whose worker died are returned."""
        lost: list[int] = []
        for fut in done:
            i = self.pending.pop(fut)
            try:
                self.finish(i, fut.result())
            except backend.lost:
                lost.append(i)
            except Exception as exc:  # noqa: BLE001 - one task's failure must not end the run
                self.finish(i, self.failed(self.tasks[i], f"worker failed: {type(exc).__name__}: {exc}"))
        return lost

    def worker_died(self, lost: list[int]) -> None:
        """Every task in flight went down with the pool: each is tried again once, then failed."""
        lost = sorted({*lost, *self.pending.values()})
        self.pending.clear()
        for i in reversed(lost):
            self.deaths[i] += 1
            if self.deaths[i] >= 2:
                self.finish(i, self.failed(self.tasks[i], DIED_TWICE))
            else:
                self.suspects.add(i)
                self.queue.appendleft(i)

    def results(self) -> Iterator[R]:
        if not self.ordered:
            items = list(self.ready.values())
            self.ready.clear()
            yield from items
            return
        while self.next_out in self.ready:
            yield self.ready.pop(self.next_out)
            self.next_out += 1


def run_tasks(tasks: Sequence[T], work: Work[T, R], failed: Callable[[T, str], R], settings: DetectorSettings, *,
              jobs: int | None = None, limits: Limits = DEFAULT_LIMITS, backend: Backend | None = None,
              ordered: bool = True) -> Iterator[R]:
    """Run ``work(task, detector, limits)`` for every task; yield the results (in task order when
    ``ordered``). ``jobs``: worker processes (default: the cores available; 1 = in this process);
    ``backend``: where to run them instead (it is closed at the end). A task whose worker dies twice gives
    ``failed(task, reason)``. Raises ModelError/RuleError here when the detector cannot be built."""
    if backend is None:
        jobs = min(jobs or default_jobs(), len(tasks))
        if jobs <= 1:
            detector = settings.build()  # raises what check() would
            before = settle_gc()
            try:
                for task in tasks:
                    yield work(task, detector, limits)
            finally:  # this is the caller's process: leave its collector as it was
                restore_gc(before)
            return
        backend = ProcessBackend(jobs)
    try:
        settings.check()
    except BaseException:
        backend.close()
        raise
    run: _Supervisor[T, R] = _Supervisor(tasks, work, failed, 2 * backend.jobs, ordered)
    yield from _supervise(run, backend, settings, limits)


def _submit(run: _Supervisor[T, R], backend: Backend, settings: DetectorSettings, limits: Limits) -> None:
    """Fill the window. A pool that broke since the last wait refuses the task: it goes back to the queue,
    and the tasks in flight are collected as lost by the next wait (a new pool now when none are)."""
    while run.may_submit():
        i = run.queue.popleft()
        try:
            run.pending[backend.submit(run_task, run.work, run.tasks[i], settings, limits)] = i
        except backend.lost:
            run.queue.appendleft(i)
            if not run.pending:
                backend.restart()
            return


def _supervise(run: _Supervisor[T, R], backend: Backend, settings: DetectorSettings, limits: Limits) -> Iterator[R]:
    interrupted = True
    try:
        while run.queue or run.pending:
            _submit(run, backend, settings, limits)
            lost = run.collect(backend, backend.wait(list(run.pending)))
            if lost:
                run.worker_died(lost)
                backend.restart()
            yield from run.results()
        interrupted = False
    finally:
        backend.close(interrupted)


def _unreadable(item: InputFile | ReadError, reason: str) -> list[Result]:
    return [item if isinstance(item, ReadError) else ReadError(str(item[0]), reason)]


def scan_paths(paths: Iterable[str | Path], settings: DetectorSettings, jobs: int | None = None,
               limits: Limits = DEFAULT_LIMITS, on_total: Callable[[int], None] | None = None,
               on_file: Callable[[], None] | None = None) -> Iterator[Result]:
    """Scan files, directories and .zip archives; yield a ScannedDocument or a ReadError per document, in
    input order. ``jobs``: worker processes (default: the cores available; 1 = in this process). A
    detector that cannot be built (e.g. a model trained with other rules) raises its error here.
    ``on_total`` gets the number of input files, ``on_file`` is called as each is done (progress)."""
    items = list(input_files(paths))
    if on_total:
        on_total(len(items))
    jobs = min(jobs or default_jobs(), sum(not isinstance(i, ReadError) for i in items)) or 1
    for results in run_tasks(items, scan_file, _unreadable, settings, jobs=jobs, limits=limits):
        yield from results
        if on_file:
            on_file()

"""One batch run: discover, reuse cached files, scan the rest, collect, group, write the outputs."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from rich.progress import Progress, TaskID

from ..detect.settings import DetectorSettings
from ..ingest.limits import DEFAULT_LIMITS, Limits
from ..model import one_line
from ..output_safety import check_folder
from ..pipeline import run_tasks
from ..report.jsonl import write_jsonl
from .cache import CACHE_NAME, ResultCache
from .compare import group_provisions
from .dashboard import write_dashboard
from .outcome import BatchOutcome, MunicipalityStatus
from .roots import Municipality, SourceFile, discover
from .runner import make_backend
from .scanfile import failed, path_digest, scan_file
from .settings import DEFAULT_SIMILARITY, pipeline_version
from .workbook import write_workbook

FINDINGS_NAME, WORKBOOK_NAME, DASHBOARD_NAME = "findings.jsonl", "batch.xlsx", "dashboard.html"


class _Bars:
    """A progress bar per municipality and one overall (only drawn on a terminal). With many
    municipalities a finished one's bar is taken away, so the screen shows those still running."""

    KEEP_FINISHED = 20

    def __init__(self, progress: Progress | None, municipalities: list[Municipality]):
        self.progress = progress
        self.tasks: dict[str, TaskID] = {}
        self.remaining = {m.name: len(m.files) for m in municipalities}
        if progress is None:
            return
        self.overall = progress.add_task("全体", total=sum(len(m.files) for m in municipalities))
        for m in municipalities:
            self.tasks[m.name] = progress.add_task(f"  {m.name}", total=len(m.files) or 1)

    def advance(self, municipality: str) -> None:
        if self.progress is None:
            return
        task = self.tasks[municipality]
        self.progress.advance(task)
        self.progress.advance(self.overall)
        self.remaining[municipality] -= 1
        if len(self.tasks) > self.KEEP_FINISHED and self.remaining[municipality] <= 0:
            self.progress.update(task, visible=False)


def run_batch(root: Path, outdir: Path, settings: DetectorSettings, *, jobs: int = 1, executor: str = "local",
              scheduler: str | None = None, similarity: float = DEFAULT_SIMILARITY,
              on_error: Callable[[str], None] = lambda line: None,
              on_warning: Callable[[str], None] = lambda line: None,
              progress: Progress | None = None,
              review: Callable[[list[dict]], list[dict]] | None = None,
              limits: Limits = DEFAULT_LIMITS) -> BatchOutcome:
    """Run the batch and write findings.jsonl, the workbook and the dashboard into ``outdir``.

    ``review`` (``batch --review``) turns each file's cached findings into the ones to report, with the
    earlier 判定 attached; it runs before counting, so every output agrees.

    Raises RootError when ROOT is unusable or OUTDIR lies inside it, OutputError when OUTDIR cannot be
    written; every other problem is one error line (``on_error``); a damaged cache that was moved aside
    and rebuilt is one ``on_warning`` line."""
    check_folder(outdir)
    municipalities = discover(root, outdir)
    settings.check()
    version = pipeline_version(settings, limits)
    bars = _Bars(progress, municipalities)
    scanned = reused = 0
    unscanned: dict[tuple[str, str], list[str]] = {}
    with ResultCache(outdir / CACHE_NAME, on_warning) as cache:
        todo: list[SourceFile] = []
        for m in municipalities:
            for f in m.files:
                if cache.is_fresh(f.municipality, f.key, path_digest(f.path), version):
                    reused += 1
                    bars.advance(m.name)
                else:
                    todo.append(f)
        if todo:
            backend = make_backend(executor, min(jobs, len(todo)), scheduler)
            for result in run_tasks(todo, scan_file, failed, settings, jobs=jobs, limits=limits, backend=backend,
                                    ordered=False):
                if result.cacheable:
                    cache.store(result, version)  # one transaction per file
                else:  # reported now; the file counts as unreadable in the reports
                    unscanned[(result.file.municipality, result.file.key)] = result.errors
                    for line in result.errors:
                        on_error(line)
                scanned += 1
                bars.advance(result.file.municipality)
        cache.prune((f.municipality, f.key) for m in municipalities for f in m.files)
        statuses, records = _collect(cache, municipalities, on_error, review, unscanned)
    groups = group_provisions(records, similarity)
    outcome = BatchOutcome(statuses, records, groups, scanned=scanned, reused=reused)
    write_outputs(outcome, outdir)
    return outcome


def _collect(cache: ResultCache, municipalities: list[Municipality], on_error: Callable[[str], None],
             review: Callable[[list[dict]], list[dict]] | None = None,
             unscanned: dict[tuple[str, str], list[str]] | None = None) -> tuple[list[MunicipalityStatus], list[dict]]:
    """Every municipality's findings from the cache, in a stable order (municipality, file, unit);
    ``unscanned``: the errors of files not cached this time, already reported."""
    statuses, records = [], []
    for m in municipalities:
        status = MunicipalityStatus(m.name, files=len(m.files), errors=list(m.problems))
        reported: list[str] = []
        owner: dict[tuple[str, str], SourceFile] = {}  # (source, unit_id) → the file it came from first
        for f in m.files:
            stored = cache.load(f.municipality, f.key)
            if stored is None:
                reported += (unscanned or {}).get((f.municipality, f.key)) or [f"{f.path}: not scanned"]
                continue
            if clash := _clash(owner, f, stored["records"]):  # two files claim one unit: 横並び比較 would merge them
                status.errors.append(clash)
                continue
            status.documents += stored["documents"]
            status.errors.extend(stored["errors"])
            for rec in (review(stored["records"]) if review else stored["records"]):
                status.add(rec)
                records.append(rec)
        for line in _status_lines(status):
            on_error(line)
        status.errors += reported
        statuses.append(status)
    return statuses, records


def _clash(owner: dict[tuple[str, str], SourceFile], file: SourceFile, records: list[dict]) -> str:
    """Why a file's findings are left out: a unit (source and unit id) that an earlier file of the same
    municipality already gave (two JSONL files with the same ids); "" when its units are its own."""
    keys = {(str(r.get("source") or ""), str(r.get("unit_id") or "")) for r in records}
    for key in sorted(keys):
        if (first := owner.get(key)) is not None and first != file:
            return (f"{one_line(file.path)}: unit {one_line(key[1])} of {one_line(key[0])} was already read from "
                    f"{one_line(first.path)} (duplicate unit ids); this file's findings are left out")
    for key in keys:
        owner[key] = file
    return ""


def _status_lines(status: MunicipalityStatus) -> Iterator[str]:
    yield from status.errors
    if status.files and not status.documents:
        yield f"{status.name}: no file of this municipality could be read"


def write_outputs(outcome: BatchOutcome, outdir: Path) -> None:
    """findings.jsonl, the workbook and the dashboard, each written atomically."""
    write_jsonl(outcome.records, outdir / FINDINGS_NAME)
    write_workbook(outcome, outdir / WORKBOOK_NAME)
    write_dashboard(outcome, outdir / DASHBOARD_NAME)

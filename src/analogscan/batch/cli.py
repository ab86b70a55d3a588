"""``analogscan batch ROOT``: scan many municipalities' rule books, resumably, and compare them."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import click

from ..cli_options import detector_options
from ..cli_safety import limit_options
from ..console import echo_error, echo_warning, progress_bar
from ..detect.finding import Finding
from ..detect.settings import DetectorSettings
from ..errors import EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE
from ..ingest.limits import Limits
from ..pipeline import default_jobs
from .runner import EXECUTORS
from .settings import DEFAULT_SIMILARITY


@click.command()
@limit_options
@click.argument("root", type=click.Path(path_type=Path))
@click.option("-o", "--outdir", type=click.Path(file_okay=False, path_type=Path), default=Path("out/batch"),
              show_default=True, help="findings.jsonl, batch.xlsx, dashboard.html and the cache go here.")
@click.option("-j", "--jobs", type=click.IntRange(1), default=None,
              help="Worker processes (default: the number of cores; 1 = scan in this process).")
@click.option("--executor", type=click.Choice(EXECUTORS), default="local", show_default=True)
@click.option("--scheduler", help="Dask scheduler address (with --executor dask; default: a local cluster).")
@detector_options
@click.option("--similarity", type=click.FloatRange(0, 1), default=DEFAULT_SIMILARITY, show_default=True,
              help="Cosine similarity at which provisions of two municipalities are grouped.")
@click.option("--review", "review_store", type=click.Path(dir_okay=False),
              help="Carry earlier 判定/見直し方針 from this review store (see `analogscan review`).")
@click.option("--show-dismissed", is_flag=True, help="With --review: also report findings judged 非該当 before.")
def batch_command(root: Path, outdir: Path, jobs: int | None, executor: str, scheduler: str | None,
                  settings: DetectorSettings, similarity: float, review_store: str | None, show_dismissed: bool,
                  limits: Limits) -> None:
    """Scan ROOT — one folder or .zip per municipality, or a manifest CSV (municipality,path) — and write
    findings.jsonl, a workbook (概要・点検シート・横並び比較) and an HTML dashboard into OUTDIR.
    Results are cached per file in OUTDIR: a re-run scans only new or changed files."""
    from ..review.apply import apply_review
    from ..review.cli import open_review_store, review_summary
    from .run import run_batch

    if scheduler and executor != "dask":
        raise click.BadParameter("--scheduler needs --executor dask", param_hint="--scheduler")
    errors: list[str] = []

    def report(line: str) -> None:
        errors.append(line)
        echo_error(line)

    store = open_review_store(review_store) if review_store else None
    review_counts: Counter[str] = Counter()

    def review(records: list[dict]) -> list[dict]:
        assert store is not None  # only passed on with a store
        findings = apply_review(map(Finding.from_record, records), store, show_dismissed, review_counts)
        return [f.to_record() for f in findings]

    try:
        with progress_bar(True) as progress:  # per-municipality bars and 全体, on a terminal only
            outcome = run_batch(root, outdir, settings, jobs=jobs or default_jobs(), executor=executor,
                                scheduler=scheduler, similarity=similarity, on_error=report, progress=progress,
                                on_warning=echo_warning,
                                review=review if store is not None else None, limits=limits)
    finally:
        if store is not None:
            store.close()
    if store is not None:
        click.echo(review_summary(review_counts), err=True)
    total = len(outcome.records)
    click.echo(f"{len(outcome.municipalities)} municipalities, {total} findings, {len(outcome.groups)} groups; "
               f"files scanned {outcome.scanned}, reused from cache {outcome.reused}; written to {outdir}",
               err=True)
    if not any(m.documents for m in outcome.municipalities):
        sys.exit(EXIT_USAGE)
    sys.exit(EXIT_SOME_FAILED if errors else EXIT_OK)

"""``analogscan review import|export``: the staff's 点検シート decisions in and labelled units out."""

from __future__ import annotations

import sys
from collections import Counter
from dataclasses import replace

import click

from ..console import echo_error
from ..deadline import TimeLimitExceeded, time_limit, too_slow
from ..errors import EXIT_SOME_FAILED, EXIT_USAGE
from ..ingest.limits import DEFAULT_LIMITS, MIB
from ..model import ReadError
from .store import ReviewStore

DEFAULT_STORE = "review.sqlite"

store_option = click.option("--store", default=DEFAULT_STORE, show_default=True, type=click.Path(dir_okay=False),
                            help="The review store (SQLite).")


def open_review_store(path: str) -> ReviewStore:
    """The store for ``scan --review``; a one-line error and exit 2 when it is missing or not a store."""
    try:
        return ReviewStore(path)
    except ReadError as exc:
        echo_error(exc)
        sys.exit(EXIT_USAGE)


def review_summary(counts: Counter[str]) -> str:
    """The one stderr line after a scan or batch with --review."""
    return (f"review: {counts['carried']} carried, {counts['hidden']} hidden (非該当 before), "
            f"{counts['changed']} changed since the decision (再確認 要), {counts['new']} new")


@click.group("review")
def review_command() -> None:
    """Carry the staff's 判定 and 見直し方針 from one scan to the next, and learn from them."""


@review_command.command("import")
@click.argument("workbooks", nargs=-1, required=True, type=click.Path(dir_okay=False))
@store_option
@click.option("--max-file-mb", type=click.FloatRange(min=0, min_open=True), default=DEFAULT_LIMITS.max_file_bytes / MIB,
              show_default=True, help="Larger workbooks are reported and not read.")
@click.option("--max-rows", type=click.IntRange(min=1), default=DEFAULT_LIMITS.max_workbook_rows, show_default=True,
              help="A 点検シート with more rows is reported and not read.")
@click.option("--max-seconds-per-file", type=click.FloatRange(min=0), default=DEFAULT_LIMITS.max_seconds_per_file,
              show_default=True, help="A workbook that takes longer to read is reported and not imported (0: no limit).")
def import_command(workbooks: tuple[str, ...], store: str, max_file_mb: float, max_rows: int,
                   max_seconds_per_file: float) -> None:
    """Read the decisions of edited 点検シート WORKBOOKS into the store (each workbook all or nothing)."""
    from .workbook_import import WorkbookErrors, read_workbook

    limits = replace(DEFAULT_LIMITS, max_file_bytes=int(max_file_mb * MIB), max_workbook_rows=max_rows,
                     max_seconds_per_file=max_seconds_per_file)
    read = []
    for path in workbooks:
        try:
            with time_limit(limits.max_seconds_per_file):
                read.append(read_workbook(path, limits=limits))
        except TimeLimitExceeded:
            echo_error(ReadError(path, too_slow(limits.max_seconds_per_file, "import")))
        except ReadError as exc:
            echo_error(exc)
        except WorkbookErrors as exc:
            for line in exc.lines:
                echo_error(line)
            echo_error(f"{path}: nothing imported ({len(exc.lines)} problem(s))")
    failed = len(workbooks) - len(read)
    if read:
        try:
            db = ReviewStore(store, create=True)
        except ReadError as exc:
            echo_error(exc)
            sys.exit(EXIT_USAGE)
        with db:
            for found in read:
                db.add_import(found.info, found.decisions)
                who = ", ".join(x for x in (found.info.modified_by, found.info.modified_at) if x) or "no author/date"
                click.echo(f"{found.info.source}: {len(found.decisions)} decisions imported into {store} ({who}); "
                           f"{found.undecided} rows without 判定 skipped", err=True)
    if failed:
        sys.exit(EXIT_USAGE if failed == len(workbooks) else EXIT_SOME_FAILED)


@review_command.command("export")
@click.option("--labels", "labels_path", required=True, type=click.Path(dir_okay=False),
              help="Write the decided units here (annotation-guide JSONL).")
@store_option
def export_command(labels_path: str, store: str) -> None:
    """Write the stored decisions as labelled units for `analogscan train`."""
    from .export import write_labels

    try:
        with ReviewStore(store) as db:
            counts = write_labels(db.decisions(), labels_path)
    except ReadError as exc:
        echo_error(exc)
        sys.exit(EXIT_USAGE)
    click.echo(f"{labels_path}: {counts.units} units ({counts.positive} with a type), "
               f"{counts.left_out_unsure} units with 要確認 left out"
               + (f", {counts.left_out_untyped} 種別要確認 units judged 該当 without a type left out"
                  if counts.left_out_untyped else ""), err=True)

"""The ``analogscan`` command line.

Exit codes: 0 all inputs read; 1 some inputs could not be read (each named on stderr, the
rest processed); 2 usage error or nothing could be read; 3 an output could not be written (or must not
be replaced: a device, a link), nothing written; 130 interrupted (Ctrl-C or SIGTERM).
"""

from __future__ import annotations

import contextlib
import json
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import TypeGuard, TypeVar

import click

from . import __version__
from .atomic import atomic_writer
from .batch.cli import batch_command
from .cli_options import detector_options
from .cli_safety import check_output_is_no_input, limit_options
from .console import echo_error, progress_bar
from .deadline import TimeLimitExceeded, time_limit, too_slow
from .detect.finding import Finding
from .detect.settings import DetectorSettings
from .errors import EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE
from .info import info_command
from .ingest import input_files, read_input
from .ingest.limits import DEFAULT_LIMITS, MIB, Limits
from .model import Document, ReadError, unit_record
from .review.apply import apply_review
from .review.cli import open_review_store, review_command, review_summary
from .signals import InterruptibleGroup
from .techmap.cli import techmap_command

_T = TypeVar("_T")


class NothingRead(Exception):
    """No input could be read: an output file would be empty, so none is written."""


class InputLog:
    """Counts documents and failures, printing one stderr line per unreadable file."""

    def __init__(self) -> None:
        self.documents = 0
        self.failures = 0

    def documents_from(self, paths: tuple[str, ...], limits: Limits = DEFAULT_LIMITS) -> Iterator[Document]:
        """The documents of every input file, each file read within the time limit (nothing partial)."""
        for item in input_files(paths):
            if isinstance(item, ReadError):
                self.counted(item)
                continue
            try:
                with time_limit(limits.max_seconds_per_file):
                    results = list(read_input(item, limits))
            except TimeLimitExceeded:
                results = [ReadError(str(item[0]), too_slow(limits.max_seconds_per_file))]
            yield from (doc for doc in results if self.counted(doc))

    def counted(self, item: _T | ReadError) -> TypeGuard[_T]:
        """Count a document (True) or name a ReadError on stderr (False)."""
        if isinstance(item, ReadError):
            self.failures += 1
            echo_error(item)
            return False
        self.documents += 1
        return True

    def exit_code(self) -> int:
        if self.documents == 0 and self.failures:
            return EXIT_USAGE
        return EXIT_SOME_FAILED if self.failures else EXIT_OK


@click.group(cls=InterruptibleGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="analogscan")
def main() -> None:
    """Find analog regulations (アナログ規制) in 例規集 and national laws."""


@main.command()
@limit_options
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write JSONL here instead of stdout.")
def units(paths: tuple[str, ...], output: str | None, limits: Limits) -> None:
    """Print the provision units read from PATHS (files, directories, .zip), one JSON object a line."""
    check_output_is_no_input(output, paths)
    log = InputLog()

    def lines() -> Iterator[str]:
        for doc in log.documents_from(paths, limits):
            for unit in doc.units:
                yield json.dumps(unit_record(doc, unit), ensure_ascii=False) + "\n"

    if output:
        with contextlib.suppress(NothingRead), atomic_writer(Path(output)) as fh:
            fh.writelines(lines())
            if not log.documents:
                raise NothingRead  # discards the empty output: an earlier file stays as it was
    else:
        sys.stdout.writelines(lines())
    sys.exit(log.exit_code())


# the commands that live in their own packages
main.add_command(techmap_command, "techmap")
main.add_command(batch_command, "batch")
main.add_command(review_command, "review")
main.add_command(info_command, "info")


def _report_targets(fmt: str | None, outputs: tuple[str, ...]) -> list[tuple[str, str | None]]:
    """(format, path) per ``-o`` (the format from each extension, or ``--format`` for a single one);
    no ``-o``: the terminal table, or ``--format`` to stdout. Usage errors for what cannot be written."""
    from .report import format_from_extension

    if not outputs:
        if fmt == "xlsx":
            raise click.BadParameter("the xlsx format needs -o FILE", param_hint="--format")
        return [(fmt or "table", None)]
    if fmt and len(outputs) > 1:
        raise click.BadParameter("--format goes with one -o; with several, each extension picks its format",
                                 param_hint="--format")
    if len({Path(o).resolve() for o in outputs}) < len(outputs):
        raise click.BadParameter("the same file is given twice", param_hint="-o")
    try:
        return [(fmt or format_from_extension(o), o) for o in outputs]
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="-o") from None


def _rescue_staff_work(targets: list[tuple[str, str | None]], review_store: str | None, force: bool) -> str | None:
    """Import the 判定 of every 点検シート about to be replaced; the store to carry them from (or None)."""
    from .review.protect import rescue_decisions

    store = review_store
    for fmt, path in targets:
        if fmt == "xlsx" and path:
            rescued = rescue_decisions(Path(path), Path(store) if store else None, force)
            if rescued is not None:
                store = str(rescued[0])
                click.echo(f"{path}: {rescued[1]} staff decisions (判定/見直し方針) imported into {store} "
                           "before replacing it; the new sheet carries them", err=True)
    return store


def _done_line(targets: list[tuple[str, str | None]], records: list[dict], documents: int) -> str:
    untyped = sum(r.get("type") == "unspecified" for r in records)
    files = ", ".join(str(p) for _, p in targets if p)
    return (f"wrote {files}: {len(records) - untyped} findings + {untyped} 種別要確認 "
            f"from {documents} documents")


@main.command()
@limit_options
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("-o", "--output", "outputs", multiple=True, type=click.Path(dir_okay=False),
              help="Report file; its extension picks the format (.xlsx .html .csv .jsonl .txt). Repeat for several "
                   "outputs from one scan.")
@click.option("--format", "fmt", type=click.Choice(["table", "jsonl", "csv", "xlsx", "html"]),
              help="Report format (default: from the -o extension, else the terminal table).")
@detector_options
@click.option("--top", default=20, show_default=True, help="Findings shown in the terminal table.")
@click.option("--review", "review_store", type=click.Path(dir_okay=False),
              help="Carry earlier 判定/見直し方針 from this review store (see `analogscan review`).")
@click.option("--show-dismissed", is_flag=True, help="With --review: also report findings judged 非該当 before.")
@click.option("--force", is_flag=True,
              help="Replace an -o 点検シート even when its staff 判定 cannot be imported into the review store.")
@click.option("-j", "--jobs", type=click.IntRange(min=1),
              help="Worker processes (default: the number of cores; 1 = scan in this process).")
def scan(paths: tuple[str, ...], outputs: tuple[str, ...], fmt: str | None, settings: DetectorSettings, top: int,
         review_store: str | None, show_dismissed: bool, force: bool, jobs: int | None, limits: Limits) -> None:
    """Scan PATHS (files, directories, .zip, JSONL of units) for analog regulations.

    Before an -o 点検シート (.xlsx) is replaced, the 判定/見直し方針 staff filled in are imported into the
    review store (--review, else review.sqlite beside it) and carried into the new sheet."""
    from .pipeline import scan_paths
    from .provenance import provenance
    from .report import write_report

    targets = _report_targets(fmt, outputs)
    for _, path in targets:
        check_output_is_no_input(path, paths)
    review_store = _rescue_staff_work(targets, review_store, force)
    store = open_review_store(review_store) if review_store else None
    log = InputLog()
    review_counts: Counter[str] = Counter()
    records: list[dict] = []
    with progress_bar(True) as progress:
        task = progress.add_task("scanning", total=None)
        results = scan_paths(paths, settings, jobs, limits, on_total=lambda n: progress.update(task, total=n),
                             on_file=lambda: progress.advance(task))
        findings: Iterator[Finding] = (f for item in results if log.counted(item) for f in item.findings)
        if store is not None:  # earlier decisions attached on the way (findings come grouped by document)
            findings = apply_review(findings, store, show_dismissed, review_counts)
        records = [f.to_record() for f in findings]
    if store is not None:
        store.close()
    if log.documents:  # nothing is written when no input could be read
        prov = provenance(settings, log.documents)
        prov["options"].update({"max_file_mb": limits.max_file_bytes // MIB, "max_unit_chars": limits.max_unit_chars,
                                "review": review_store, "show_dismissed": show_dismissed})
        for target_fmt, path in targets:
            if target_fmt == "table" and not path:
                write_report(records, "table", None, top=top)
            else:
                write_report(records, target_fmt, path, provenance=prov)
        if store is not None:
            click.echo(review_summary(review_counts), err=True)
        if outputs:
            click.echo(_done_line(targets, records, log.documents), err=True)
    sys.exit(log.exit_code())


@main.command(name="eval")
@click.argument("labels", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@detector_options
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@click.option("--errors", type=click.Path(dir_okay=False), help="Write false positives/negatives to this JSONL.")
def eval_command(labels: tuple[str, ...], settings: DetectorSettings, as_json: bool, errors: str | None) -> None:
    """Score the detector on labelled units (annotation-guide JSONL) beside the plain keyword net."""
    from .detect.evaluate import evaluate, print_evaluation
    from .detect.metrics import read_labels

    try:
        units = read_labels(labels)
    except ReadError as exc:
        echo_error(exc)
        sys.exit(EXIT_USAGE)
    detector = settings.build()
    result = evaluate(detector, units, errors_path=errors)
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False, indent=1))
    else:
        print_evaluation(result)


@main.command()
@click.argument("labels", nargs=-1, type=click.Path(exists=True, dir_okay=False))
@click.option("-o", "--output", type=click.Path(file_okay=False), help="Model directory (default: the shipped one).")
@click.option("--folds", default=5, show_default=True, help="Grouped cross-validation folds.")
@click.option("--seed", default=0, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print the cross-validated figures as JSON.")
@click.option("--errors", type=click.Path(dir_okay=False), help="Write the out-of-fold mistakes to this JSONL.")
def train(labels: tuple[str, ...], output: str | None, folds: int, seed: int, as_json: bool,
          errors: str | None) -> None:
    """Train the classifier on LABELS (default: corpora/labels/*.jsonl); print grouped-CV figures."""
    from . import project_dir
    from .detect.classifier import default_model_dir
    from .detect.evaluate import print_evaluation
    from .detect.metrics import read_labels
    from .detect.rules import load_rules
    from .detect.train import train as fit

    paths = labels or tuple(str(p) for p in sorted((project_dir("corpora") / "labels").glob("*.jsonl")))
    if not paths:
        raise click.UsageError("no label files given and none in corpora/labels/")
    try:
        units = read_labels(paths, dedupe=True)
    except ReadError as exc:
        echo_error(exc)
        sys.exit(EXIT_USAGE)
    model, report = fit(units, load_rules(), folds=folds, seed=seed)
    target = Path(output) if output else default_model_dir()
    model.save(target)
    mistakes = report.pop("mistakes")
    if errors:
        with atomic_writer(Path(errors)) as fh:
            fh.writelines(json.dumps(m, ensure_ascii=False) + "\n" for m in mistakes)
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False, indent=1))
    else:
        print_evaluation({**report, "model": f"{model.name} (grouped {report['folds']}-fold CV)",
                          "rules_version": model.rules_version}, figures="grouped CV")
    for d, r in report["domains"].items():
        hr = r["cv_high_recall"]
        if r["units"]:
            click.echo(f"{d} --high-recall (any-head threshold {model.thresholds.of(d == 'municipal').any_high_recall:.3f}): "
                       f"macro-F1 {hr['macro']['f1']:.3f}, any analog type P {hr['any_type']['precision']:.3f} "
                       f"R {hr['any_type']['recall']:.3f}", err=True)
    click.echo(f"model written to {target} ({len(model.vocabulary)} features, {report['candidates']} of "
               f"{report['units']} units in the candidate net)", err=True)


if __name__ == "__main__":  # pragma: no cover
    main()

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
from .ingest import input_files, read_input
from .ingest.limits import DEFAULT_LIMITS, Limits
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


def _report_format(fmt: str | None, output: str | None) -> str:
    """``--format``, else the one the ``-o`` extension names (a usage error when it names none)."""
    from .report import format_from_extension

    try:
        fmt = fmt or format_from_extension(output)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="-o") from None
    if fmt == "xlsx" and not output:
        raise click.BadParameter("the xlsx format needs -o FILE", param_hint="--format")
    return fmt


@main.command()
@limit_options
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Report file; its extension picks the format.")
@click.option("--format", "fmt", type=click.Choice(["table", "jsonl", "csv", "xlsx", "html"]),
              help="Report format (default: from the -o extension, else the terminal table).")
@detector_options
@click.option("--top", default=20, show_default=True, help="Findings shown in the terminal table.")
@click.option("--review", "review_store", type=click.Path(dir_okay=False),
              help="Carry earlier 判定/見直し方針 from this review store (see `analogscan review`).")
@click.option("--show-dismissed", is_flag=True, help="With --review: also report findings judged 非該当 before.")
@click.option("-j", "--jobs", type=click.IntRange(min=1),
              help="Worker processes (default: the number of cores; 1 = scan in this process).")
def scan(paths: tuple[str, ...], output: str | None, fmt: str | None, settings: DetectorSettings, top: int,
         review_store: str | None, show_dismissed: bool, jobs: int | None, limits: Limits) -> None:
    """Scan PATHS (files, directories, .zip, JSONL of units) for analog regulations."""
    from .pipeline import scan_paths
    from .report import write_report

    fmt = _report_format(fmt, output)
    check_output_is_no_input(output, paths)
    store = open_review_store(review_store) if review_store else None
    log = InputLog()
    with progress_bar(True) as progress:
        task = progress.add_task("scanning", total=None)
        results = scan_paths(paths, settings, jobs, limits)
        first = next((item for item in results if log.counted(item)), None)
        if first is not None:  # nothing is written when no input could be read

            def scanned() -> Iterator[Finding]:
                """Findings as the scan goes: JSONL and CSV are written while scanning."""
                yield from first.findings
                progress.advance(task)
                for item in results:
                    if log.counted(item):
                        yield from item.findings
                        progress.advance(task)

            findings = scanned()
            review_counts: Counter[str] = Counter()
            if store is not None:  # earlier decisions attached on the way (findings come grouped by document)
                findings = apply_review(findings, store, show_dismissed, review_counts)
            records = (f.to_record() for f in findings)
            if fmt == "table" and not output:
                write_report(list(records), "table", None, top=top)
            else:
                write_report(records, fmt, output)
            if store is not None:
                click.echo(review_summary(review_counts), err=True)
    if store is not None:
        store.close()
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

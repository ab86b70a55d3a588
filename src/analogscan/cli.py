"""The ``analogscan`` command line.

Exit codes: 0 all inputs read; 1 some inputs could not be read (each named on stderr, the
rest processed); 2 usage error or nothing could be read.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

import click

from . import __version__
from .ingest import read_paths
from .model import Document, ReadError, unit_record
from .report.atomic import atomic_writer

EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE = 0, 1, 2


class InputLog:
    """Counts documents and failures, printing one stderr line per unreadable file."""

    def __init__(self) -> None:
        self.documents = 0
        self.failures = 0

    def documents_from(self, paths: tuple[str, ...]) -> Iterator[Document]:
        for item in read_paths(paths):
            if isinstance(item, ReadError):
                self.failures += 1
                click.echo(f"analogscan: error: {item}", err=True)
            else:
                self.documents += 1
                yield item

    def exit_code(self) -> int:
        if self.documents == 0 and self.failures:
            return EXIT_USAGE
        return EXIT_SOME_FAILED if self.failures else EXIT_OK


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="analogscan")
def main() -> None:
    """Find analog regulations (アナログ規制) in 例規集 and national laws."""


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write JSONL here instead of stdout.")
def units(paths: tuple[str, ...], output: str | None) -> None:
    """Print the provision units read from PATHS (files, directories, .zip), one JSON object a line."""
    log = InputLog()

    def lines() -> Iterator[str]:
        for doc in log.documents_from(paths):
            for unit in doc.units:
                yield json.dumps(unit_record(doc, unit), ensure_ascii=False) + "\n"

    if output:
        with atomic_writer(Path(output)) as fh:
            fh.writelines(lines())
    else:
        sys.stdout.writelines(lines())
    sys.exit(log.exit_code())


if __name__ == "__main__":  # pragma: no cover
    main()

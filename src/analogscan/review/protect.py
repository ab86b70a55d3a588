"""Never lose staff work: before a 点検シート is replaced, the 判定/見直し方針 it holds go into a review store."""

from __future__ import annotations

from pathlib import Path

from ..errors import AnalogscanError
from ..model import ReadError
from .store import ReviewStore
from .workbook_import import WorkbookErrors, read_workbook

STORE_NAME = "review.sqlite"


class StaffWorkAtRisk(AnalogscanError):
    """The workbook to be replaced holds decisions that cannot be imported."""


def store_beside(workbook: Path) -> Path:
    return Path(workbook).with_name(STORE_NAME)


def rescue_decisions(workbook: Path, store: Path | None = None, force: bool = False) -> tuple[Path, int] | None:
    """Import the decisions of an existing ``workbook`` into ``store`` (default: review.sqlite beside it)
    before it is replaced; return (store, number of decisions), or None when it holds none.

    A workbook whose decisions cannot be imported (conflicting rows, edited identifiers) stops the run
    unless ``force``; a file that is no 点検シート holds no decisions."""
    workbook = Path(workbook)
    if force or not workbook.is_file():
        return None
    try:
        found = read_workbook(workbook)
    except ReadError:
        return None  # not a 点検シート (or not a workbook at all): no staff decisions in it
    except WorkbookErrors as exc:
        raise StaffWorkAtRisk(f"{workbook}: holds staff 判定 that cannot be imported ({exc.lines[0]}; "
                              f"{len(exc.lines)} problem(s)); fix the sheet and run `analogscan review import`, "
                              "or replace it with --force") from None
    if not found.decisions:
        return None
    target = Path(store) if store else store_beside(workbook)
    try:
        with ReviewStore(target, create=True) as db:
            db.add_import(found.info, found.decisions)
    except ReadError as exc:
        raise StaffWorkAtRisk(f"{workbook}: its staff 判定 cannot be saved to {target} ({exc}); "
                              "replace it with --force") from None
    return target, len(found.decisions)

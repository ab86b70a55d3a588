"""The detector options shared by ``scan``, ``batch`` and ``eval``: one decorator, one DetectorSettings."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Any

import click

from .detect.settings import DetectorSettings
from .type_names import resolve_type, type_choices


def parse_types(types: str | None) -> tuple[str, ...] | None:
    """``--types a,b`` → the type ids (each given by id, label or name: 目視, 目視規制, visual_inspection,
    種別要確認); None: all. Separators: ``,`` ``、`` ``，``."""
    if not types:
        return None
    names = [t.strip() for t in re.split(r"[,、，]", types) if t.strip()]
    chosen = {name: resolve_type(name) for name in names}
    bad = [name for name, type_id in chosen.items() if type_id is None]
    if bad:
        raise click.BadParameter(f"unknown type(s) {', '.join(bad)}; choose from {type_choices()}",
                                 param_hint="--types")
    return tuple(dict.fromkeys(t for t in chosen.values() if t))


def detector_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """Add --types, --min-score, --no-model, --high-recall and --typed-only; the command receives them as
    one ``settings: DetectorSettings`` argument."""

    @functools.wraps(command)
    def with_settings(*args: Any, types: str | None, min_score: float | None, no_model: bool, high_recall: bool,
                      typed_only: bool, **kwargs: Any) -> Any:
        settings = DetectorSettings(types=parse_types(types), min_score=min_score, use_model=not no_model,
                                    high_recall=high_recall, typed_only=typed_only)
        return command(*args, settings=settings, **kwargs)

    options = [
        click.option("--types", metavar="TYPES",
                     help=f"Comma-separated types to report, by Japanese label or id (default: all): {type_choices()}. "
                          "種別要確認 alone reports only the findings whose type is uncertain."),
        click.option("--min-score", type=click.FloatRange(0, 1),
                     help="Keep only the decided findings scoring at least this (a filter; the decision "
                          "itself is unchanged)."),
        click.option("--no-model", is_flag=True, help="Rules only, without the trained classifier."),
        click.option("--high-recall", is_flag=True,
                     help="Review sweep: also report low-confidence units the classifier thinks may be analog."),
        click.option("--typed-only", is_flag=True,
                     help="Precision first: leave out 種別要確認 findings (analog, type uncertain)."),
    ]
    for option in reversed(options):
        with_settings = option(with_settings)
    return with_settings

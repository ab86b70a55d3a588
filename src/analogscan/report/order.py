"""The order of findings in every report: typed findings by 確信度 (highest first), then the
種別要確認 review list (type ``unspecified``), also by 確信度. Ties keep the scan order."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from ..analog_types import UNSPECIFIED

R = TypeVar("R", bound=Mapping[str, Any])


def is_untyped(rec: Mapping[str, Any]) -> bool:
    return rec.get("type") == UNSPECIFIED


def by_score(records: Iterable[R]) -> list[R]:
    return sorted(records, key=lambda r: -float(r.get("score") or 0.0))


def split(records: Iterable[R]) -> tuple[list[R], list[R]]:
    """(typed findings, 種別要確認 findings), each sorted by 確信度, highest first."""
    typed: list[R] = []
    untyped: list[R] = []
    for rec in records:
        (untyped if is_untyped(rec) else typed).append(rec)
    return by_score(typed), by_score(untyped)


def ordered(records: Iterable[R]) -> list[R]:
    """All findings in report order: typed first, then 種別要確認."""
    typed, untyped = split(records)
    return typed + untyped

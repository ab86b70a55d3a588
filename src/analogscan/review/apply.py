"""Carry the staff's earlier decisions onto new findings (``scan --review``).

Works on a stream of finding records, one document's findings at a time (they arrive grouped), so it
can sit anywhere between detection and the report writers. For each finding:

* **carried** — a decision exists for the same document, the same normalised unit text and the same type
  (its finding id): the earlier 判定 and 見直し方針 come along, whatever the citation is now (a renumbered
  article keeps its decision). Carried 非該当 findings are dropped unless ``show_dismissed``.
* **changed** — no such decision, but one for the same document and type at the same citation, or else with
  the same 見出し (unique), whose text no finding of this scan has any more: the unit text changed since the
  decision, so the finding is marked for re-review and shows the earlier decision as 前回判定.
* **new** — neither: nothing was decided about this unit yet.

Each record gains ``finding_id``, ``text_hash`` and ``review`` = {status, verdict, policy, reviewer,
decided_at, citation (of the decision)}; ``status`` is carried / changed / new.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from itertools import groupby
from typing import Any

from ..detect.identity import record_document_key, record_identity
from .store import Decision, ReviewStore

DISMISSED = "非該当"


def _review(status: str, d: Decision | None = None) -> dict[str, str]:
    if d is None:
        return {"status": status}
    return {"status": status, "verdict": d.verdict, "policy": d.policy, "reviewer": d.reviewer,
            "decided_at": d.decided_at, "citation": d.citation}


def _earlier_version(rec: dict[str, Any], unmatched: list[Decision]) -> Decision | None:
    """The decision a changed unit most likely had: same type and citation, else same (unique) caption;
    the latest import first (a unit changed twice has the decision on its second text too)."""
    same_type = sorted((d for d in unmatched if d.type == rec.get("type")), key=lambda d: -d.import_id)
    by_citation = [d for d in same_type if d.citation == (rec.get("citation") or "")]
    if by_citation:
        return by_citation[0]
    caption = rec.get("caption") or ""
    by_caption = [d for d in same_type if caption and d.caption == caption]
    latest = [d for d in by_caption if d.import_id == by_caption[0].import_id] if by_caption else []
    return latest[0] if len(latest) == 1 else None


def _document(recs: list[dict[str, Any]], decisions: list[Decision]) -> list[dict[str, Any]]:
    by_id = {d.finding_id: d for d in decisions}
    for rec in recs:
        _, rec["text_hash"], rec["finding_id"] = record_identity(rec)
    matched = {rec["finding_id"] for rec in recs if rec["finding_id"] in by_id}
    unmatched = [d for d in decisions if d.finding_id not in matched]
    for rec in recs:
        if rec["finding_id"] in by_id:
            rec["review"] = _review("carried", by_id[rec["finding_id"]])
        elif (earlier := _earlier_version(rec, unmatched)) is not None:
            unmatched.remove(earlier)  # one decision is the earlier version of one finding at most
            rec["review"] = _review("changed", earlier)
        else:
            rec["review"] = _review("new")
    return recs


def apply_review(records: Iterable[dict[str, Any]], store: ReviewStore, show_dismissed: bool = False,
                 counts: Counter[str] | None = None) -> Iterator[dict[str, Any]]:
    """The records with the earlier decisions attached; carried 非該当 left out unless ``show_dismissed``.

    ``counts`` (if given) receives carried / hidden / changed / new tallies.
    """
    counts = counts if counts is not None else Counter()
    for doc_key, group in groupby(records, key=record_document_key):
        for rec in _document(list(group), store.for_document(doc_key)):
            review = rec["review"]
            dismissed = review["status"] == "carried" and review["verdict"] == DISMISSED
            counts["hidden" if dismissed and not show_dismissed else review["status"]] += 1
            if show_dismissed or not dismissed:
                yield rec

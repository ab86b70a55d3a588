"""Carry the staff's earlier decisions onto new findings (``scan --review``).

Works on a stream of findings (``detect.finding.Finding``), one document's findings at a time (they arrive grouped), so it
can sit anywhere between detection and the report writers. For each finding:

* **carried** — a decision exists for the same document, the same normalised unit text and the same type
  (its finding id): the earlier 判定 and 見直し方針 come along, whatever the citation is now (a renumbered
  article keeps its decision). Carried 非該当 findings are dropped unless ``show_dismissed``.
* **changed** — no such decision, but one for the same document and type at the same citation, or else with
  the same 見出し (unique), whose text no finding of this scan has any more: the unit text changed since the
  decision, so the finding is marked for re-review and shows the earlier decision as 前回判定.
* **new** — neither: nothing was decided about this unit yet.

Each finding gains ``finding_id``, ``text_hash`` and ``review`` = {status, verdict, policy, reviewer,
decided_at, citation (of the decision)}; ``status`` is carried / changed / new.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from itertools import groupby

from ..detect.finding import Finding, ReviewNote
from .store import Decision, ReviewStore

DISMISSED = "非該当"


def _review(status: str, d: Decision | None = None) -> ReviewNote:
    if d is None:
        return ReviewNote(status)
    return ReviewNote(status, d.verdict, d.policy, d.reviewer, d.decided_at, d.citation)


def _earlier_version(f: Finding, unmatched: list[Decision]) -> Decision | None:
    """The decision a changed unit most likely had: same type and citation, else same (unique) caption;
    the latest import first (a unit changed twice has the decision on its second text too)."""
    same_type = sorted((d for d in unmatched if d.type == f.type), key=lambda d: -d.import_id)
    by_citation = [d for d in same_type if d.citation == f.citation]
    if by_citation:
        return by_citation[0]
    by_caption = [d for d in same_type if f.caption and d.caption == f.caption]
    latest = [d for d in by_caption if d.import_id == by_caption[0].import_id] if by_caption else []
    return latest[0] if len(latest) == 1 else None


def _document(findings: list[Finding], decisions: list[Decision]) -> list[Finding]:
    by_id = {d.finding_id: d for d in decisions}
    for f in findings:
        _, f.text_hash, f.finding_id = f.identity()
    matched = {f.finding_id for f in findings if f.finding_id in by_id}
    unmatched = [d for d in decisions if d.finding_id not in matched]
    for f in findings:
        if f.finding_id in by_id:
            f.review = _review("carried", by_id[f.finding_id])
        elif (earlier := _earlier_version(f, unmatched)) is not None:
            unmatched.remove(earlier)  # one decision is the earlier version of one finding at most
            f.review = _review("changed", earlier)
        else:
            f.review = _review("new")
    return findings


def apply_review(findings: Iterable[Finding], store: ReviewStore, show_dismissed: bool = False,
                 counts: Counter[str] | None = None) -> Iterator[Finding]:
    """The findings with the earlier decisions attached (``finding_id``, ``text_hash``, ``review``); carried
    非該当 left out unless ``show_dismissed``. ``counts`` (if given) receives carried / hidden / changed / new
    tallies."""
    counts = counts if counts is not None else Counter()
    for doc_key, group in groupby(findings, key=Finding.document_key):
        for f in _document(list(group), store.for_document(doc_key)):
            assert f.review is not None
            dismissed = f.review.status == "carried" and f.review.verdict == DISMISSED
            counts["hidden" if dismissed and not show_dismissed else f.review.status] += 1
            if show_dismissed or not dismissed:
                yield f

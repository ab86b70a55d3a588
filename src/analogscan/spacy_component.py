"""analogscan as a spaCy pipeline component (``nlp.add_pipe("analogscan")``; ``pip install -e '.[spacy]'``).

Registered through the ``spacy_factories`` entry point, so ``spacy.blank("ja")`` or ``ja_ginza`` find it
by name. On a Doc it reads ``doc.text`` as ``analogscan scan`` reads a plain-text file (``api.text_document``:
a whole 例規 is cut into its 条・項・号, a lone sentence is one unit), runs the same detector and sets:

- ``doc.spans["analogscan"]``: one span per evidence of each finding, label = the type id
  (``unspecified`` for 種別要確認), ``span.id_`` = ``"<finding>:<evidence>"``;
- span extensions ``citation``, ``score``, ``types`` (the type, or a 種別要確認 finding's candidate types),
  ``rule_id`` (of that evidence), ``digital_alternative``, ``techmap_rows``;
- ``doc._.analogscan_findings``: the typed findings (``Finding``), rebuilt from
  ``doc._.analogscan_records``, their JSONL records (what ``scan -o x.jsonl`` writes). Records are
  stored rather than objects so that ``doc.to_bytes()``, ``DocBin`` and ``nlp.pipe(n_process=2)`` work.

The Doc's own tokens are not used: the detector analyses only the units its keyword net can touch, on
normalised text, with Sudachi mode C; reusing spaCy's tokens would change results and save little
(measured in the README). Spans are aligned outward to the Doc's tokens.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Span

from .analog_types import TYPE_IDS
from .api import Scanner
from .detect.finding import Finding
from .detect.settings import DetectorSettings
from .model import Document

SPANS_KEY = "analogscan"
RECORDS = "analogscan_records"

DEFAULT_CONFIG: dict[str, Any] = {"types": None, "min_score": None, "use_model": True, "high_recall": False,
                                  "typed_only": False, "body": ""}


def _record(span: Span) -> tuple[dict[str, Any], int] | None:
    """The finding record and evidence index behind one of our spans (None for anyone else's span)."""
    records = span.doc._.get(RECORDS)
    finding, _, evidence = span.id_.partition(":")
    if not records or not finding.isdigit() or not evidence.isdigit() or int(finding) >= len(records):
        return None
    return records[int(finding)], int(evidence)


def _field(name: str) -> Any:
    def getter(span: Span) -> Any:
        found = _record(span)
        return None if found is None else found[0][name]

    return getter


def _types(span: Span) -> list[str] | None:
    found = _record(span)
    if found is None:
        return None
    rec = found[0]
    return list(rec["candidate_types"]) if rec["type"] == "unspecified" else [rec["type"]]


def _rule_id(span: Span) -> str | None:
    found = _record(span)
    return None if found is None else found[0]["evidence"][found[1]]["rule_id"]


def _techmap_rows(span: Span) -> list[dict[str, Any]] | None:
    found = _record(span)
    return None if found is None else list((found[0]["techmap"] or {}).get("rows", []))


def _findings(doc: Doc) -> list[Finding]:
    return [Finding.from_record(r) for r in doc._.get(RECORDS) or []]


def register_extensions() -> None:
    """The Doc and Span extensions (``force``: a reload of this module re-registers them)."""
    Doc.set_extension(RECORDS, default=None, force=True)
    Doc.set_extension("analogscan_findings", getter=_findings, force=True)
    for name in ("citation", "score", "digital_alternative"):
        Span.set_extension(name, getter=_field(name), force=True)
    Span.set_extension("types", getter=_types, force=True)
    Span.set_extension("rule_id", getter=_rule_id, force=True)
    Span.set_extension("techmap_rows", getter=_techmap_rows, force=True)


register_extensions()


def unit_places(text: str, doc: Document) -> dict[str, tuple[int | None, int]]:
    """Unit id → (where its text starts in ``text``, or None when the reader changed it — a table's lines
    joined —; where the previous unit found ends)."""
    out: dict[str, tuple[int | None, int]] = {}
    cursor = 0
    for unit in doc.units:
        at = text.find(unit.text, cursor)
        out[unit.id] = (None if at < 0 else at, cursor)
        if at >= 0:
            cursor = at + len(unit.text)
    return out


def evidence_offsets(text: str, place: tuple[int | None, int], unit_text: str, start: int,
                     end: int) -> tuple[int, int] | None:
    """Doc character offsets of an evidence span: through its unit's place, else its words sought after
    the previous unit within twice the unit's length (None when not found)."""
    unit_start, after = place
    if unit_start is not None:
        return unit_start + start, unit_start + end
    words = unit_text[start:end]
    at = text.find(words, after, after + 2 * len(unit_text) + 200)
    return None if at < 0 else (at, at + len(words))


class AnalogscanComponent:
    """Finds analog regulations in a Doc; see the module docstring for what it sets."""

    def __init__(self, nlp: Language, name: str, settings: DetectorSettings, body: str = ""):
        settings.check()  # a model trained with other rules fails on add_pipe, not on the first Doc
        self.name = name
        self.body = body
        self.scanner = Scanner(settings)

    def __call__(self, doc: Doc) -> Doc:
        text = doc.text  # built from the tokens at each access: once
        document = self.scanner.read_text(text, body=self.body, source="<doc>", doc_id="doc")
        scanned = self.scanner.scan_document(document)
        doc._.set(RECORDS, scanned.records)
        doc.spans[SPANS_KEY] = list(self._spans(doc, text, scanned.findings, document))
        return doc

    @staticmethod
    def _spans(doc: Doc, text: str, findings: list[Finding], document: Document) -> Iterator[Span]:
        places = unit_places(text, document)
        for i, f in enumerate(findings):
            for j, e in enumerate(f.evidence):
                where = evidence_offsets(text, places[f.unit_id], f.text, e.start, e.end)
                span = None if where is None else doc.char_span(*where, label=f.type, alignment_mode="expand",
                                                                span_id=f"{i}:{j}")
                if span is not None:
                    yield span


@Language.factory("analogscan", default_config=DEFAULT_CONFIG)
def make_analogscan(nlp: Language, name: str, types: list[str] | None, min_score: float | None, use_model: bool,
                    high_recall: bool, typed_only: bool, body: str) -> AnalogscanComponent:
    """The options of ``analogscan scan`` (``types``, ``min_score``, ``use_model`` = not ``--no-model``,
    ``high_recall``, ``typed_only``) and ``body``: the 自治体名 of the texts (「国」 for national laws;
    empty: a municipality's rule, as ``scan`` reads a plain-text file)."""
    unknown = sorted(set(types or ()) - set(TYPE_IDS))
    if unknown:
        raise ValueError(f"analogscan: unknown type ids {unknown}; choose from {', '.join(TYPE_IDS)}")
    settings = DetectorSettings(types=tuple(types) if types else None, min_score=min_score, use_model=use_model,
                                high_recall=high_recall, typed_only=typed_only)
    return AnalogscanComponent(nlp, name, settings, body)

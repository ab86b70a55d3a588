"""横並び比較: group near-identical provisions across municipalities.

Each flagged provision (one per municipality and unit, whatever its types) is cut to its 本文 (a
ただし書 or 「この場合において」 sentence is where a town adds its exception, often the electronic
means), normalised — NFKC, 漢数字 → digits, the municipality's own name and 市/町/村/区 in 市長・町議会 …
folded away, all digits alike — and compared by TF-IDF over character 2–3-grams (cosine). Provisions of different
municipalities at or above the threshold are linked; a group is a connected set that spans at least
two municipalities. Those members that already allow an electronic means are the model for the
others.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from sklearn.feature_extraction.text import TfidfVectorizer

from ..labels import TYPE_ORDER
from ..nlp.normalize import normalize
from .settings import DEFAULT_SIMILARITY

MIN_CHARS = 12       # shorter provisions (「掲示場の位置」) are too generic to compare
_CHUNK = 2048        # rows of the similarity product at a time (memory stays O(chunk × n))

_OFFICE = re.compile(r"[市町村区](?=長|役所|役場|議会|教育委員会|選挙管理委員会|規則|条例|民|営|立|有)")
_DIGITS = re.compile(r"\d+")
_SPACE = re.compile(r"\s+")
_PROVISO = re.compile(r"。(?:ただし|但し|この場合において)")


@dataclass
class Provision:
    """One flagged unit of one municipality (its findings' types merged)."""

    municipality: str
    record: Mapping[str, Any]
    types: list[str]

    @property
    def digital(self) -> bool:
        return bool(self.record.get("digital_alternative"))


@dataclass
class Group:
    number: int
    members: list[Provision] = field(default_factory=list)
    similarity: float = 0.0  # the lowest link that joined the group

    @property
    def municipalities(self) -> list[str]:
        return sorted({m.municipality for m in self.members})

    @property
    def digital_municipalities(self) -> list[str]:
        return sorted({m.municipality for m in self.members if m.digital})

    @property
    def types(self) -> list[str]:
        seen = {t for m in self.members for t in m.types}
        return [t for t in TYPE_ORDER if t in seen] + sorted(seen - set(TYPE_ORDER))


def comparable_text(rec: Mapping[str, Any], municipality: str) -> str:
    """The unit text with what differs between towns by design folded away."""
    text = normalize(_PROVISO.split(rec.get("text") or "", maxsplit=1)[0]).text
    for name in {municipality, rec.get("body") or ""}:
        if name:
            text = text.replace(normalize(name).text, "〇")
    text = _OFFICE.sub("〇", text)
    text = _DIGITS.sub("0", text)
    return _SPACE.sub("", text)


def provisions(records: Sequence[Mapping[str, Any]]) -> list[Provision]:
    """One Provision per (municipality, source, unit), in record order."""
    out: dict[tuple[str, str, str], Provision] = {}
    for rec in records:
        muni = rec.get("municipality") or rec.get("body") or ""
        key = (muni, rec.get("source") or "", rec.get("unit_id") or "")
        if key in out:
            if rec.get("type") not in out[key].types:
                out[key].types.append(rec.get("type") or "")
        else:
            out[key] = Provision(muni, rec, [rec.get("type") or ""])
    return list(out.values())


def group_provisions(records: Sequence[Mapping[str, Any]],
                     threshold: float = DEFAULT_SIMILARITY) -> list[Group]:
    """Groups of near-identical provisions found in two or more municipalities, largest first."""
    provs = [p for p in provisions(records)]
    texts = [comparable_text(p.record, p.municipality) for p in provs]
    keep = [i for i, t in enumerate(texts) if len(t) >= MIN_CHARS]
    if len({provs[i].municipality for i in keep}) < 2:
        return []
    provs, texts = [provs[i] for i in keep], [texts[i] for i in keep]
    x = TfidfVectorizer(analyzer="char", ngram_range=(2, 3), sublinear_tf=True).fit_transform(texts)
    munis = np.array([p.municipality for p in provs])
    rows: list[np.ndarray] = []
    cols: list[np.ndarray] = []
    sims: list[np.ndarray] = []
    for start in range(0, x.shape[0], _CHUNK):
        block = (x[start:start + _CHUNK] @ x.T).tocoo()
        r, c, v = block.row + start, block.col, block.data
        mask = (v >= threshold) & (r < c) & (munis[r] != munis[c])
        rows.append(r[mask])
        cols.append(c[mask])
        sims.append(v[mask])
    r, c, v = np.concatenate(rows), np.concatenate(cols), np.concatenate(sims)
    n = len(provs)
    _, labels = connected_components(coo_matrix((np.ones(len(r)), (r, c)), shape=(n, n)), directed=False)
    groups: dict[int, Group] = {}
    for i, label in enumerate(labels):
        groups.setdefault(int(label), Group(0)).members.append(provs[i])
    for i, j, s in zip(r, c, v):
        g = groups[int(labels[i])]
        g.similarity = min(g.similarity or 1.0, float(s))
    found = [g for g in groups.values() if len(g.municipalities) >= 2]
    found.sort(key=lambda g: (-len(g.municipalities), -len(g.members), comparable_text(g.members[0].record, "")))
    for number, g in enumerate(found, start=1):
        g.number = number
        g.members.sort(key=lambda m: (m.municipality, m.record.get("source") or "", m.record.get("unit_id") or ""))
    return found

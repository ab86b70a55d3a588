"""``analogscan eval``: the detector and the plain keyword net on the same labelled units, per domain.

例規 units (grouped by body) and national-law units (grouped by law) are scored apart, 例規 first:
the two read differently and the tool is for municipal rule books. Besides precision/recall per
type, each domain gets the candidate net's recall on its positives (and on the seeded random
sample of units, which measures what the net misses), a reliability table of the 確信度 and the
electronic-alternative figures.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..atomic import atomic_writer
from .calibration import Reliability
from .detector import Detector
from .metrics import Counts, LabelledUnit, Scores, net_recall
from .rules import TYPE_IDS

DOMAIN_ORDER = ("municipal", "national")
DOMAIN_TITLES = {"municipal": "例規 units (municipal rules, grouped by body)",
                 "national": "national-law units (grouped by law)"}


def evaluate(detector: Detector, units: list[LabelledUnit], errors_path: str | Path | None = None) -> dict[str, Any]:
    tool = {d: Scores() for d in DOMAIN_ORDER}
    net = {d: Scores() for d in DOMAIN_ORDER}
    digital = {d: Counts() for d in DOMAIN_ORDER}  # on the labelled-positive units: electronic alternative allowed?
    reliability = {d: Reliability() for d in DOMAIN_ORDER}
    in_net: dict[str, list[bool]] = {d: [] for d in DOMAIN_ORDER}
    in_net_random: dict[str, list[bool]] = {d: [] for d in DOMAIN_ORDER}
    mistakes: list[dict[str, Any]] = []
    for u in units:
        dom = "municipal" if u.municipal else "national"
        ua, passed = detector.predict(u.text, u.context, u.municipal)
        pred = set(passed)
        if u.labels:
            digital[dom].add(u.digital_alternative, bool(ua.digital_evidence))
            in_net[dom].append(ua.candidate)
            if u.raw.get("sample") == "random":
                in_net_random[dom].append(ua.candidate)
        tool[dom].add(u.labels, pred)
        net[dom].add(u.labels, set(ua.net_evidence))  # the baseline: any of a type's net words occurs
        reliability[dom].add(u.labels, passed)
        if pred != set(u.labels):
            mistakes.append({"id": u.id, "domain": dom, "gold": sorted(u.labels), "pred": sorted(pred),
                             "scores": {k: round(v, 3) for k, v in passed.items()}, "text": u.text,
                             "context": u.context})
    if errors_path:
        with atomic_writer(Path(errors_path)) as fh:
            for m in mistakes:
                fh.write(json.dumps(m, ensure_ascii=False) + "\n")
    any_thr = detector.any_thresholds()
    domains = {}
    for d in DOMAIN_ORDER:
        mine = [u for u in units if u.municipal == (d == "municipal")]
        c = digital[d]
        domains[d] = {
            "units": len(mine),
            "groups": len({u.group for u in mine}),
            "positives": {t: sum(t in u.labels for u in mine) for t in TYPE_IDS},
            "positive_units": sum(bool(u.labels) for u in mine),
            "threshold": {t: detector.threshold(t, d == "municipal") for t in TYPE_IDS},
            "any_threshold": any_thr.get(d),
            "cv": tool[d].as_dict(),
            "keyword_net": net[d].as_dict(),
            "net_recall": net_recall(in_net[d]),
            "net_recall_random_sample": net_recall(in_net_random[d]),
            "calibration": reliability[d].as_dict(),
            "digital_alternative": {"tp": c.tp, "fp": c.fp, "fn": c.fn, "tn": c.tn,
                                    "precision": round(c.precision, 4), "recall": round(c.recall, 4),
                                    "f1": round(c.f1, 4)},
        }
    return {
        "units": len(units),
        "model": getattr(detector.model, "name", None),
        "rules_version": detector.rules.version,
        "domains": domains,
    }


def _row(table: Any, name: str, n: str, thr: str, a: dict, b: dict) -> None:
    table.add_row(name, n, thr, str(a.get("tp", "")), str(a.get("fp", "")), str(a.get("fn", "")),
                  f"{a['precision']:.3f}", f"{a['recall']:.3f}", f"{a['f1']:.3f}",
                  f"{b['precision']:.3f}", f"{b['recall']:.3f}", f"{b['f1']:.3f}", f"{a['f1'] - b['f1']:+.3f}")


def _domain_table(r: dict[str, Any], title: str) -> Any:
    from rich.table import Table

    from ..labels import type_label

    table = Table(title=title)
    for col in ("type", "n", "thr", "TP", "FP", "FN", "P", "R", "F1", "net P", "net R", "net F1", "ΔF1"):
        table.add_column(col, justify="left" if col == "type" else "right")
    tool, net = r["cv"], r["keyword_net"]
    for t in TYPE_IDS:
        _row(table, f"{t} ({type_label(t)})", str(r["positives"][t]), f"{r['threshold'][t]:.2f}",
             tool["per_type"][t], net["per_type"][t])
    table.add_section()
    _row(table, "micro", "", "", tool["micro"], net["micro"])
    _row(table, "macro", "", "", tool["macro"], net["macro"])
    anyt = r.get("any_threshold")
    _row(table, "any analog type (typed + 種別要確認)", "", f"{anyt:.2f}" if anyt is not None else "",
         tool["any_type"], net["any_type"])
    return table


def _domain_notes(r: dict[str, Any]) -> list[str]:
    """The lines under a domain's table: 種別要確認, the net's recall, the reliability table, 電子的代替."""
    lines = []
    u = r["cv"].get("unspecified")
    if u and u["tp"] + u["fp"]:
        lines.append(f"  種別要確認 (analog, type uncertain; counted for 'any analog type' only): "
                     f"{u['tp'] + u['fp']} units, {u['tp']} of them analog (P {u['precision']:.3f})")
    nr, nrr = r["net_recall"], r["net_recall_random_sample"]
    if nr["positives"]:
        line = f"  candidate net recall on positives: {nr['in_net']}/{nr['positives']} = {nr['recall']:.3f}"
        if nrr["positives"]:
            line += f"; on the random sample's positives: {nrr['in_net']}/{nrr['positives']} = {nrr['recall']:.3f}"
        lines.append(line)
    cal = r["calibration"]
    if cal["findings"]:
        bins = "  ".join(f"{b['bin']}: {b['right']}/{b['findings']}" for b in cal["bins"] if b["findings"])
        lines.append(f"  確信度 reliability (findings right / findings per score bin): {bins}")
        lines.append(f"  expected calibration error {cal['ece']:.3f}; findings shown as 1.00: {cal['shown_as_1.00']}")
    dg = r.get("digital_alternative")
    if dg and dg["tp"] + dg["fp"] + dg["fn"]:
        lines.append(f"  電子的代替 (on the {dg['tp'] + dg['fp'] + dg['fn'] + dg['tn']} labelled-positive units): "
                     f"P {dg['precision']:.3f} R {dg['recall']:.3f} F1 {dg['f1']:.3f}")
    return lines


def print_evaluation(result: dict[str, Any], figures: str = "analogscan") -> None:
    """Print each domain's table, 例規 first. ``figures`` names what the P/R/F1 columns are."""
    from rich.console import Console

    console = Console(width=max(Console().width, 150))
    console.print(f"labelled units: {result['units']}  model: {result['model'] or 'rules only'}  "
                  f"rules: {result['rules_version']}")
    for d in DOMAIN_ORDER:
        r = result["domains"][d]
        if not r["units"]:
            continue
        console.print(_domain_table(r, f"{DOMAIN_TITLES[d]}: {r['units']} units, {r['groups']} groups, "
                                       f"{r['positive_units']} positive — {figures} vs keyword net"))
        for line in _domain_notes(r):
            console.print(line)

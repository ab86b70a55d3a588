"""``analogscan eval``: the detector and the plain keyword net on the same labelled units."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..atomic import atomic_writer
from .detector import Detector
from .metrics import Counts, LabelledUnit, Scores
from .rules import TYPE_IDS


def evaluate(detector: Detector, units: list[LabelledUnit], errors_path: str | Path | None = None) -> dict[str, Any]:
    tool, net = Scores(), Scores()
    digital = Counts()  # on the labelled-positive units: is an electronic alternative already allowed?
    mistakes: list[dict[str, Any]] = []
    for u in units:
        ua, passed = detector.predict(u.text, u.context, u.municipal)
        pred = set(passed)
        if u.labels:
            digital.add(u.digital_alternative, bool(ua.digital_evidence))
        tool.add(u.labels, pred)
        net.add(u.labels, set(ua.net_evidence))  # the baseline: any of a type's net words occurs
        if pred != set(u.labels):
            mistakes.append({"id": u.id, "gold": sorted(u.labels), "pred": sorted(pred),
                             "scores": {k: round(v, 3) for k, v in passed.items()}, "text": u.text,
                             "context": u.context})
    if errors_path:
        with atomic_writer(Path(errors_path)) as fh:
            for m in mistakes:
                fh.write(json.dumps(m, ensure_ascii=False) + "\n")
    return {
        "units": len(units),
        "positives": {t: sum(t in u.labels for u in units) for t in TYPE_IDS},
        "threshold": {t: detector.threshold(t) for t in TYPE_IDS},
        "any_threshold": detector.any_thresholds(),
        "municipal_type_scale": detector.model.threshold.municipal_type_scale if detector.model is not None else None,
        "model": getattr(detector.model, "name", None),
        "rules_version": detector.rules.version,
        "tool": tool.as_dict(),
        "keyword_net": net.as_dict(),
        "digital_alternative": {"tp": digital.tp, "fp": digital.fp, "fn": digital.fn, "tn": digital.tn,
                                "precision": round(digital.precision, 4), "recall": round(digital.recall, 4),
                                "f1": round(digital.f1, 4)},
    }


def print_evaluation(result: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    from ..labels import type_label

    console = Console(width=max(Console().width, 150))
    console.print(f"labelled units: {result['units']}  model: {result['model'] or 'rules only'}  "
                  f"rules: {result['rules_version']}")
    table = Table(title="analogscan vs keyword net (precision / recall / F1)")
    for col in ("type", "n", "thr", "TP", "FP", "FN", "P", "R", "F1", "net P", "net R", "net F1", "ΔF1"):
        table.add_column(col, justify="right" if col not in ("type",) else "left")
    tool, net = result["tool"], result["keyword_net"]

    def row(name: str, n: str, thr: str, a: dict, b: dict) -> None:
        table.add_row(name, n, thr, str(a.get("tp", "")), str(a.get("fp", "")), str(a.get("fn", "")),
                      f"{a['precision']:.3f}", f"{a['recall']:.3f}", f"{a['f1']:.3f}",
                      f"{b['precision']:.3f}", f"{b['recall']:.3f}", f"{b['f1']:.3f}", f"{a['f1'] - b['f1']:+.3f}")

    for t in TYPE_IDS:
        row(f"{t} ({type_label(t)})", str(result["positives"][t]), f"{result['threshold'][t]:.2f}",
            tool["per_type"][t], net["per_type"][t])
    table.add_section()
    row("micro", "", "", tool["micro"], net["micro"])
    row("macro", "", "", tool["macro"], net["macro"])
    anyt = result.get("any_threshold") or {}
    row("any analog type", "", "/".join(f"{anyt[k]:.2f}" for k in ("national", "municipal") if k in anyt),
        tool["any_type"], net["any_type"])
    console.print(table)
    if anyt:
        console.print("any analog type threshold (national/municipal): the any-head probability at which a unit "
                      "no type passed becomes a 種別要確認 finding")
    if scale := result.get("municipal_type_scale"):
        console.print(f"thr: the type thresholds for national laws; on municipal rules they are × {scale:.2f}")
    u = tool.get("unspecified")
    if u and u["tp"] + u["fp"]:
        console.print(f"種別要確認 (analog, type uncertain; counted for 'any analog type' only): {u['tp'] + u['fp']} "
                      f"units, {u['tp']} of them analog (P {u['precision']:.3f})")
    d = result.get("digital_alternative")
    if d:
        console.print(f"電子的代替 (on the {d['tp'] + d['fp'] + d['fn'] + d['tn']} labelled-positive units): "
                      f"P {d['precision']:.3f} R {d['recall']:.3f} F1 {d['f1']:.3f} "
                      f"(TP {d['tp']} FP {d['fp']} FN {d['fn']})")

"""``analogscan info``: the versions, rules and model in force (like ``spacy info``), for bug reports and audits."""

from __future__ import annotations

import json
from typing import Any

import click

from .detect.settings import DetectorSettings
from .provenance import model_info, project_root, provenance, versions

TABLE_ROWS = 4


def info_data() -> dict[str, Any]:
    """The versions, the rules hash of the provenance stamp, the model in full and where data is read."""
    data: dict[str, Any] = {**versions(), "rules": provenance(DetectorSettings(), inputs=0)["rules"]}
    model = model_info()
    if model["name"] is not None:
        model["matches_rules"] = model["rules_version"] == data["rules"]
    data["model"] = model
    data["home"] = str(project_root())
    return data


def _scalar(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    return json.dumps(value, ensure_ascii=False) if isinstance(value, list | dict) else str(value)


def _flat(value: Any) -> bool:
    return isinstance(value, dict) and all(not isinstance(v, dict) for v in value.values())


def figure_lines(key: str, value: Any, indent: int = 2) -> list[str]:
    """Figures of any shape: a mapping of plain values on one line, deeper mappings indented; a table of
    more than ``TABLE_ROWS`` such lines (per type) is counted, not shown (``--json`` has it)."""
    pad = " " * indent
    if not isinstance(value, dict):
        return [f"{pad}{key}: {_scalar(value)}"]
    if _flat(value):
        return [f"{pad}{key}: " + "  ".join(f"{k} {_scalar(v)}" for k, v in value.items())]
    if len(value) > TABLE_ROWS and all(_flat(v) for v in value.values()):
        return [f"{pad}{key}: {len(value)} rows (analogscan info --json)"]
    lines = [f"{pad}{key}:"]
    for k, v in value.items():
        lines += figure_lines(k, v, indent + 2)
    return lines


def info_text(data: dict[str, Any]) -> str:
    lines = [f"{k:<20}{v}" for k, v in data.items() if k not in ("model", "home")]
    model = data["model"]
    if model["name"] is None:
        lines.append(f"{'model':<20}none shipped (rules alone)")
    else:
        agree = "matches the rules" if model["matches_rules"] else "trained with OTHER rules: run analogscan train"
        lines.append(f"{'model':<20}{model['name']} {model['hash']} (rules {model['rules_version']}: {agree})")
        trained = f"trained on {model['trained_on']:,} labelled units" if model["trained_on"] else "training size unknown"
        when = f"; model.json last committed {model['last_committed']}" if model["last_committed"] else ""
        lines.append(f"{'':<20}{trained}{when}")
    lines.append(f"{'home':<20}{data['home']}")
    if model.get("figures"):
        lines.append("model figures (model.json):")
        for key, value in model["figures"].items():
            lines += figure_lines(key, value)
    return "\n".join(lines)


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print the same as JSON.")
def info_command(as_json: bool) -> None:
    """Versions of analogscan, Python, SudachiPy and its dictionary, spaCy; the rules hash; the model."""
    data = info_data()
    click.echo(json.dumps(data, ensure_ascii=False, indent=1) if as_json else info_text(data))

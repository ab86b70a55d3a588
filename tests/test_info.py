"""``analogscan info`` and the provenance helper: versions, rules hash, the model and whatever figures its
model.json carries."""

from __future__ import annotations

import datetime as dt
import json
import platform
import shutil
from importlib import metadata
from pathlib import Path

import pytest
from click.testing import CliRunner

from analogscan.cli import main
from analogscan.detect import DetectorSettings
from analogscan.detect.rules import load_rules
from analogscan.provenance import provenance

RULES = load_rules().version[:12]


def _info(*args: str) -> str:
    result = CliRunner().invoke(main, ["info", *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_info_json_on_the_shipped_model(repo: Path) -> None:
    data = json.loads(_info("--json"))
    shipped = json.loads((repo / "models" / "analogscan-clf" / "model.json").read_text(encoding="utf-8"))
    ginza = ["ja_ginza"] if "ja_ginza" in data else []
    assert list(data) == ["analogscan", "python", "sudachipy", "sudachi_dictionary", "spacy", *ginza, "rules",
                          "model", "home"]
    assert (data["python"], data["sudachipy"], data["rules"]) == (platform.python_version(),
                                                                metadata.version("sudachipy"), RULES)
    assert data["sudachi_dictionary"] == f"sudachidict_core {metadata.version('sudachidict_core')}"
    model = data["model"]
    assert (model["name"], model["trained_on"], model["matches_rules"]) == (shipped["name"], shipped["trained_on"],
                                                                           True)
    assert model["figures"] == {k: v for k, v in shipped.items() if k.startswith("cv") or k in ("threshold", "thresholds")}
    assert len(model["hash"]) == 12 and data["home"] == str(repo)


def _home(tmp: Path, repo: Path, model: dict | None) -> Path:
    home = tmp / "home"
    shutil.copytree(repo / "rules", home / "rules")
    if model is not None:
        (home / "models" / "analogscan-clf").mkdir(parents=True)
        (home / "models" / "analogscan-clf" / "model.json").write_text(json.dumps(model), encoding="utf-8")
    return home


def test_info_prints_figures_of_any_shape(tmp_path: Path, repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    per_type = {t: {"f1": 0.5, "precision": 0.5, "recall": 0.5} for t in "abcde"}
    model = {"name": "ordinance-first", "rules_version": RULES, "trained_on": 13867, "vocabulary": ["x"],
             "cv_by_domain": {"ordinance": {"macro": {"f1": 0.61, "recall": 0.7}, "per_type": per_type},
                              "law": {"macro": {"f1": 0.87}}},
             "thresholds": {"ordinance": {"any": 0.15}, "law": {"any": 0.13}}}
    monkeypatch.setenv("ANALOGSCAN_HOME", str(_home(tmp_path, repo, model)))
    lines = _info().splitlines()
    lines = lines[next(i for i, line in enumerate(lines) if line.startswith("model ")) - 6:]  # ja_ginza: one more
    assert lines[6].startswith("model               ordinance-first ") and lines[6].endswith(
        f"(rules {RULES}: matches the rules)")
    assert lines[7] == "                    trained on 13,867 labelled units"
    assert lines[9:] == [
        "model figures (model.json):",
        "  cv_by_domain:",
        "    ordinance:",
        "      macro: f1 0.61  recall 0.7",
        "      per_type: 5 rows (analogscan info --json)",
        "    law:",
        "      macro: f1 0.87",
        "  thresholds:",
        "    ordinance: any 0.15",
        "    law: any 0.13",
    ]


def test_info_without_a_model_and_with_other_rules(tmp_path: Path, repo: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANALOGSCAN_HOME", str(_home(tmp_path / "a", repo, None)))
    assert "model               none shipped (rules alone)" in _info().splitlines()
    monkeypatch.setenv("ANALOGSCAN_HOME", str(_home(tmp_path / "b", repo, {"name": "old", "rules_version": "0" * 16})))
    out = _info()
    assert "(rules 000000000000: trained with OTHER rules: run analogscan train)" in out
    assert "training size unknown" in out


def test_provenance_stamp() -> None:
    stamp = provenance(DetectorSettings(types=("visual_inspection",), use_model=False), inputs=3,
                       now=dt.datetime(2026, 12, 2, 9, 30, 15, 123, tzinfo=dt.timezone(dt.timedelta(hours=9))))
    assert stamp["rules"] == RULES and stamp["model"] == "not used (--no-model)" and stamp["inputs"] == 3
    assert stamp["date"] == "2026-12-02T00:30:15Z"
    assert stamp["options"] == {"types": ["visual_inspection"], "min_score": None, "use_model": False,
                                "high_recall": False, "typed_only": False}
    assert list(stamp) == ["analogscan", "rules", "model", "sudachi_dictionary", "options", "date", "inputs"]

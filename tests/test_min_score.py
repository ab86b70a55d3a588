"""--min-score is a filter on the decided findings: the decision mode (種別要確認, rule floor, municipal
scaling) stays as it is; only findings scoring below the value are left out."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from analogscan.analog_types import UNSPECIFIED
from analogscan.cli import main


def scan(repo: Path, out: Path, *extra: str) -> list[dict]:
    result = CliRunner().invoke(main, ["scan", str(repo / "corpora" / "samples"), "-o", str(out), *extra])
    assert result.exit_code == 0, result.output
    recs = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert all(r.pop("provenance")["options"]["min_score"] == (float(extra[extra.index("--min-score") + 1])
                                                               if "--min-score" in extra else None) for r in recs)
    return recs


def test_min_score_only_filters_the_decided_findings(repo: Path, tmp_path: Path) -> None:
    full = scan(repo, tmp_path / "full.jsonl")
    scores = sorted({r["score"] for r in full})
    cut = scores[len(scores) // 2]
    kept = scan(repo, tmp_path / "kept.jsonl", "--min-score", str(cut))
    assert kept == [r for r in full if r["score"] >= cut]
    assert 0 < len(kept) < len(full)
    assert scan(repo, tmp_path / "zero.jsonl", "--min-score", "0") == full
    assert any(r["type"] == UNSPECIFIED for r in full)  # the decision mode with 種別要確認 is the model's


def test_min_score_filters_rules_only_findings_too(repo: Path, tmp_path: Path) -> None:
    full = scan(repo, tmp_path / "full.jsonl", "--no-model")
    kept = scan(repo, tmp_path / "kept.jsonl", "--no-model", "--min-score", "0.8")
    assert kept == [r for r in full if r["score"] >= 0.8]

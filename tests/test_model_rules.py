"""The model is versioned by the compiled rules, not by the rule files' bytes; a mismatch is one line, exit 2."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from analogscan.detect.rules import load_rules

MISMATCH = re.compile(r"^analogscan: error: model \S+ was trained with other rules; "
                      r"run analogscan train or use --no-model\n$")


@pytest.fixture()
def home(repo: Path, tmp_path: Path) -> Path:
    """A copy of the project's data (rules, models, sample) that a test may edit: ANALOGSCAN_HOME."""
    root = tmp_path / "home"
    for name in ("rules", "models"):
        shutil.copytree(repo / name, root / name)
    shutil.copytree(repo / "corpora" / "samples", root / "corpora" / "samples")
    return root


def run(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ANALOGSCAN_HOME": str(home)}
    return subprocess.run([sys.executable, "-m", "analogscan.cli", *args], capture_output=True, text=True,
                          env=env, timeout=300, cwd=home, check=False)


def test_a_comment_or_description_leaves_the_rules_version_as_it_is(home: Path) -> None:
    path = home / "rules" / "types" / "onsite_audit.toml"
    before = load_rules(home / "rules").version
    text = path.read_text(encoding="utf-8")
    edited = "# a comment a staff member added\n" + re.sub(r'description = "', 'description = "(edited) ', text, count=1)
    path.write_text(edited, encoding="utf-8")
    assert load_rules(home / "rules").version == before == load_rules().version
    result = run(home, "scan", "corpora/samples", "-o", "out.jsonl")
    assert result.returncode == 0, result.stderr


def test_a_changed_weight_is_other_rules_one_line_and_exit_2_in_scan_eval_and_batch(home: Path) -> None:
    path = home / "rules" / "types" / "onsite_audit.toml"
    text = path.read_text(encoding="utf-8")
    changed, n = re.subn(r"^weight = 0\.(\d+)", lambda m: f"weight = 0.{m.group(1)}1", text, count=1,
                         flags=re.MULTILINE)
    assert n == 1
    path.write_text(changed, encoding="utf-8")
    assert load_rules(home / "rules").version != load_rules().version
    labels = home / "labels.jsonl"
    labels.write_text('{"id": "x-1", "text": "職員に、事務所に立ち入り、検査させることができる。", "labels": ["onsite_audit"]}\n',
                      encoding="utf-8")
    batch_root = home / "root" / "甲市"
    shutil.copytree(home / "corpora" / "samples", batch_root)
    for args in (["scan", "corpora/samples", "-o", "out.jsonl"], ["eval", str(labels)],
                 ["batch", str(home / "root"), "-o", str(home / "batch"), "--jobs", "1"]):
        result = run(home, *args)
        assert result.returncode == 2, (args, result.stderr)
        assert MISMATCH.match(result.stderr), (args, result.stderr)
        assert "Traceback" not in result.stderr
    assert not (home / "out.jsonl").exists() and not (home / "batch" / "findings.jsonl").exists()
    assert run(home, "scan", "corpora/samples", "--no-model", "-o", "out.jsonl").returncode == 0

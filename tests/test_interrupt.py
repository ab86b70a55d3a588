"""An interrupted run (SIGTERM or Ctrl-C) ends with one message and exit 130, and leaves the
earlier report exactly as it was, with no temporary file beside it.

The signal is sent once the child has provably started reading: its first input is an empty
file, so the child's first stderr line is that file's error, and the big JSONL after it keeps
the child busy for seconds (not a sleep-based guess)."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path

import pytest

SENTENCES = ["職員は、毎年一回以上、施設を目視により点検しなければならない。",
             "告示は、役場前の掲示場に掲示して公示する。", "この規則は、公布の日から施行する。"]


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("interrupt")
    empty = folder / "a_empty.txt"
    empty.write_bytes(b"")
    big = folder / "b_units.jsonl"
    with open(big, "w", encoding="utf-8") as fh:
        fh.writelines(json.dumps({"id": f"u{i}", "title": "見本町規則", "body": "見本町", "citation": f"第{i + 1}条",
                                 "text": SENTENCES[i % 3]}, ensure_ascii=False) + "\n" for i in range(40_000))
    return empty, big


def _interrupt(args: list[str], empty: Path, sig: signal.Signals) -> tuple[int, str, str]:
    proc = subprocess.Popen([sys.executable, "-m", "analogscan.cli", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, encoding="utf-8")
    try:
        first = proc.stderr.readline()  # blocks until the child has started reading its inputs
        proc.send_signal(sig)
        out, rest = proc.communicate(timeout=120)
    finally:
        proc.kill()
    assert first == f"analogscan: error: {empty}: empty file\n"
    return proc.returncode, out, rest


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_interrupted_scan_keeps_the_old_report(tmp_path: Path, inputs: tuple[Path, Path], sig: signal.Signals) -> None:
    empty, big = inputs
    report = tmp_path / "out" / "findings.xlsx"
    report.parent.mkdir()
    report.write_bytes(b"previous report")
    code, out, err = _interrupt(["scan", str(empty), str(big), "--no-model", "-o", str(report)], empty, sig)
    assert (code, out, err) == (130, "", "analogscan: interrupted\n")
    assert report.read_bytes() == b"previous report"
    assert [p.name for p in report.parent.iterdir()] == ["findings.xlsx"]


def test_interrupted_units_leave_no_partial_file(tmp_path: Path, inputs: tuple[Path, Path]) -> None:
    empty, big = inputs
    target = tmp_path / "units.jsonl"
    code, out, err = _interrupt(["units", str(empty), str(big), "-o", str(target)], empty, signal.SIGTERM)
    assert (code, out, err) == (130, "", "analogscan: interrupted\n")
    assert list(tmp_path.iterdir()) == []  # neither the output nor its temporary file

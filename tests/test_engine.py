"""The one scan engine (``pipeline.run_tasks``): a worker that dies is replaced, its file tried again once
and then reported in one line; the other files' findings equal a clean run."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest

DIED = "worker failed: the worker process died twice while scanning it"


@pytest.fixture(scope="module")
def laws(shared: Path) -> list[Path]:
    return sorted((shared / "corpus" / "laws" / "laws").iterdir())[:8]


def scan(args: list[str], cwd: Path, patch: str = "") -> subprocess.Popen[str]:
    """``analogscan scan`` in a child process; ``patch`` runs first (spawned workers import its module)."""
    code = f"{patch}\nfrom analogscan.cli import main\nmain()"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(cwd), os.environ.get("PYTHONPATH", "")])}
    return subprocess.Popen([sys.executable, "-c", code, "scan", *args], cwd=cwd, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def records(path: Path) -> list[dict]:
    """The findings, without the run's provenance (date, input count)."""
    recs = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    for r in recs:
        r.pop("provenance")
    return recs


@pytest.fixture(scope="module")
def clean(laws: list[Path], tmp_path_factory: pytest.TempPathFactory) -> list[dict]:
    out = tmp_path_factory.mktemp("clean") / "clean.jsonl"
    proc = scan([*map(str, laws), "--jobs", "2", "-o", str(out)], out.parent)
    _, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, err
    return records(out)


def test_a_file_that_kills_its_worker_is_retried_once_then_one_line_and_exit_1(
        laws: list[Path], clean: list[dict], tmp_path: Path) -> None:
    poison = next(p for p in sorted(laws[2].rglob("*.xml")))
    (tmp_path / "poison.py").write_text(textwrap.dedent(f"""
        import multiprocessing, os
        from analogscan import pipeline

        scan_file = pipeline.scan_file

        def killing_scan_file(item, detector, limits):
            if multiprocessing.parent_process() is not None and str(item[0]) == {str(poison)!r}:
                os.kill(os.getpid(), 9)  # what the OOM killer or a stray kill does
            return scan_file(item, detector, limits)
        """), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    proc = scan([*map(str, laws), "--jobs", "2", "-o", str(out)], tmp_path,
                "import poison, analogscan.pipeline as p; p.scan_file = poison.killing_scan_file")
    _, err = proc.communicate(timeout=600)
    assert proc.returncode == 1, err
    line, done = err.splitlines()
    assert line == f"analogscan: error: {poison}: {DIED}"
    assert re.fullmatch(r"wrote \S+out\.jsonl: \d+ findings \+ \d+ 種別要確認 from 34 documents", done), done
    assert records(out) == [r for r in clean if r["source"] != str(poison)]
    assert any(r["source"] == str(poison) for r in clean)


def _workers(pid: int) -> list[int]:
    """The spawned worker processes of ``pid`` (not multiprocessing's resource tracker)."""
    children = Path(f"/proc/{pid}/task/{pid}/children")
    pids = [int(c) for c in children.read_text().split()] if children.exists() else []
    return [c for c in pids if b"spawn_main" in Path(f"/proc/{c}/cmdline").read_bytes()]


def _scan_with_two_workers(laws: list[Path], out: Path, tmp_path: Path, settle: float) -> tuple[Any, list[int]]:
    """``scan --jobs 2`` started, once both workers are up and ``settle`` seconds later: the process and the workers."""
    proc = scan([*map(str, laws), "--jobs", "2", "-o", str(out)], tmp_path)
    deadline = time.monotonic() + 60
    while len(workers := _workers(proc.pid)) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(settle)
    if len(workers) != 2 or proc.poll() is not None:
        proc.kill()
        pytest.fail(f"expected two workers of a running scan, got {workers} (exit {proc.poll()})")
    return proc, workers


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs Linux /proc to find the workers")
def test_killing_one_worker_of_scan_jobs_2_mid_run_does_not_hang(laws: list[Path], clean: list[dict],
                                                                 tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    proc, workers = _scan_with_two_workers(laws, out, tmp_path, settle=2)  # detectors built, scanning
    try:
        os.kill(workers[0], signal.SIGKILL)
        _, err = proc.communicate(timeout=600)
    finally:
        proc.kill()
    assert proc.returncode == 0, err  # the files in flight were scanned again by a new worker
    assert re.fullmatch(r"wrote \S+: \d+ findings \+ \d+ 種別要確認 from 35 documents\n", err), err
    assert records(out) == clean


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs Linux /proc to find the workers")
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_an_interrupted_scan_jobs_2_ends_its_workers(laws: list[Path], tmp_path: Path, sig: signal.Signals) -> None:
    out = tmp_path / "out.jsonl"
    proc, workers = _scan_with_two_workers(laws, out, tmp_path, settle=1)  # scanning
    try:
        proc.send_signal(sig)
        _, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert (proc.returncode, err) == (130, "analogscan: interrupted\n")
    assert list(tmp_path.iterdir()) == []  # neither the output nor its temporary file
    deadline = time.monotonic() + 10
    while any(map(_alive, workers)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(map(_alive, workers)), "a worker outlived the run"


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"  # a zombie has ended
    except (OSError, IndexError):
        return False

"""`analogscan batch` run by worker processes, on a Dask cluster, and killed midway: same findings."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from outputs import undated
from prefecture import build_prefecture

from analogscan.batch.cache import CACHE_NAME
from analogscan.cli import main

LAWS = ("343/343AC0000000098", "332/332AC1000000163", "325/325AC0000000291", "322/322AC0000000233")


@pytest.fixture(scope="module")
def prefecture(shared: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_prefecture(shared, tmp_path_factory.mktemp("pref") / "root")


@pytest.fixture(scope="module")
def clean_run(prefecture: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    out = tmp_path_factory.mktemp("clean") / "out"
    result = CliRunner().invoke(main, ["batch", str(prefecture), "-o", str(out), "--jobs", "1"])
    assert result.exit_code == 1, result.output
    return undated(out / "findings.jsonl")


def test_process_pool_equals_the_inline_run(prefecture: Path, clean_run: str, tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["batch", str(prefecture), "-o", str(tmp_path / "out"), "--jobs", "2"])
    assert result.exit_code == 1 and "files scanned 16, reused from cache 0" in result.stderr
    assert undated(tmp_path / "out" / "findings.jsonl") == clean_run


def test_dask_local_cluster_equals_the_local_run(prefecture: Path, clean_run: str, tmp_path: Path) -> None:
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False,
                                  dashboard_address=None) as cluster:
        result = CliRunner().invoke(main, ["batch", str(prefecture), "-o", str(tmp_path / "out"),
                                           "--executor", "dask", "--scheduler", cluster.scheduler_address])
    assert result.exit_code == 1, result.output
    assert "18 findings, 3 groups; files scanned 16, reused from cache 0" in result.stderr
    assert undated(tmp_path / "out" / "findings.jsonl") == clean_run
    assert (tmp_path / "out" / "batch.xlsx").exists() and (tmp_path / "out" / "dashboard.html").exists()


def _cached(out: Path) -> int:
    try:
        with sqlite3.connect(f"file:{out / CACHE_NAME}?mode=ro", uri=True, timeout=1) as db:
            return db.execute("SELECT COUNT(*) FROM files").fetchone()[0]
    except sqlite3.Error:  # not created yet
        return 0


def _batch(root: Path, out: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "analogscan.cli", "batch", str(root), "-o", str(out),
                             "--jobs", "1"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True)


def test_killed_run_resumes_without_loss_or_duplicates(shared: Path, prefecture: Path, tmp_path: Path) -> None:
    root = tmp_path / "root"
    shutil.copytree(prefecture, root)
    laws = root / "国の法令"  # a few national laws make the run long enough to kill midway
    laws.mkdir()
    for law in LAWS:
        shutil.copyfile(shared / "corpus" / "laws" / "laws" / law / "current.xml", laws / f"{law[4:]}.xml")
    total = 16 + len(LAWS)

    clean = _batch(root, tmp_path / "clean")
    assert clean.wait(timeout=300) == 1, clean.stderr.read().decode()
    want = undated(tmp_path / "clean" / "findings.jsonl")

    out = tmp_path / "out"
    proc = _batch(root, out)
    deadline = time.monotonic() + 120
    while _cached(out) < 3 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    done = _cached(out)
    assert 3 <= done < total, f"killed after {done} of {total} files"
    assert not (out / "findings.jsonl").exists()  # outputs are only written, atomically, at the end

    again = _batch(root, out)
    _, err = again.communicate(timeout=300)
    assert again.returncode == 1, err.decode()
    assert f"files scanned {total - done}, reused from cache {done}" in err.decode()
    got = undated(out / "findings.jsonl")
    assert got == want
    lines = got.splitlines()
    assert len(lines) == len(set(lines)) > 28


def crash_on_takashima(file, detector, limits):
    """A scan that kills its worker process on one municipality's file (spawned workers import this)."""
    from analogscan.batch.scanfile import scan_file

    if file.municipality == "高島市":
        os._exit(3)
    return scan_file(file, detector, limits)


def test_a_worker_dying_fails_one_file_and_the_rest_go_on(prefecture: Path) -> None:
    from analogscan.batch.roots import discover
    from analogscan.batch.scanfile import failed, scan_file
    from analogscan.batch.settings import DetectorSettings
    from analogscan.pipeline import run_tasks

    files = [f for m in discover(prefecture) for f in m.files]
    settings = DetectorSettings(use_model=False)
    results = list(run_tasks(files, crash_on_takashima, failed, settings, jobs=2, ordered=False))
    inline = {r.file: r.records for r in run_tasks(files, scan_file, failed, settings, jobs=1)}
    assert sorted(r.file.key for r in results) == sorted(f.key for f in files)  # each file once
    failures = [r for r in results if not r.cacheable]
    assert [r.file.municipality for r in failures] == ["高島市"]
    assert failures[0].errors == [(f"{failures[0].file.path}: worker failed: the worker process died twice while "
                                  "scanning it")]
    assert {r.file: r.records for r in results if r.cacheable} == {
        f: recs for f, recs in inline.items() if f.municipality != "高島市"}
    assert sum(len(recs) for recs in inline.values()) == 18  # rules only


def test_unreachable_dask_scheduler_is_one_line_and_exit_2(prefecture: Path, tmp_path: Path, monkeypatch) -> None:
    import socket

    monkeypatch.setattr("analogscan.batch.runner.CONNECT_TIMEOUT", 2)
    with socket.socket() as s:  # a free local port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    result = CliRunner().invoke(main, ["batch", str(prefecture), "-o", str(tmp_path / "out"), "--executor", "dask",
                                       "--scheduler", f"tcp://127.0.0.1:{port}"])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"analogscan: error: cannot reach the Dask scheduler tcp://127.0.0.1:{port}: ")
    assert result.stderr.count("\n") == 1

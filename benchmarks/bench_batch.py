"""Benchmark: `analogscan batch` cold with 1 and N worker processes, then a warm re-run from the cache.

Not a test: run it by hand and read the numbers. ROOT is any batch root; the 65 laws' folders under
../shared/corpus/laws/laws make 27 "municipalities" (one per folder) with 65 files:

    .venv/bin/python benchmarks/bench_batch.py ../shared/corpus/laws/laws --jobs 2
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)  # includes the pool's workers (they are joined)
    return r.ru_utime + r.ru_stime


def _run(root: str, out: Path, jobs: int, extra: list[str]) -> tuple[float, float, str]:
    """Wall and CPU seconds (the machine may be shared: CPU time is the steadier figure) and the summary."""
    t0, c0 = time.perf_counter(), _cpu()
    proc = subprocess.run([sys.executable, "-m", "analogscan.cli", "batch", root, "-o", str(out), "--jobs",
                           str(jobs), *extra], capture_output=True, text=True, check=False)
    elapsed, cpu = time.perf_counter() - t0, _cpu() - c0
    summary = proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else f"exit {proc.returncode}"
    return elapsed, cpu, summary


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("root")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--executor", default="local")
    args = ap.parse_args()
    extra = ["--executor", args.executor]
    with tempfile.TemporaryDirectory() as tmp:
        for label, jobs, out in (("cold, 1 process", 1, "a"), (f"cold, {args.jobs} processes", args.jobs, "b"),
                                 ("warm re-run (cache)", args.jobs, "b")):
            elapsed, cpu, summary = _run(args.root, Path(tmp) / out, jobs, extra)
            print(f"{label:24s} wall {elapsed:6.1f}s  cpu {cpu:6.1f}s  {summary}")
        size = (Path(tmp) / "b" / "cache.sqlite").stat().st_size
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"cache {size / 1e6:.1f} MB; peak RSS of one process (parent or worker) {rss:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark: `analogscan scan` over all 2,081 national laws, beside a plain keyword-net baseline.

Not a test: run it by hand and read the numbers (several runs; medians are printed)::

    .venv/bin/python benchmarks/bench_laws_all.py                  # half and all of the laws, 3 runs each
    .venv/bin/python benchmarks/bench_laws_all.py --runs 5 --jobs 2 --sizes all

The laws come from ``../shared/corpus/laws/laws-all.tar.xz``, unpacked once into
``benchmarks/.cache/`` (git-ignored); "half" is the first 1,040 laws in path order (hard links: a scan does not follow symbolic links
inside a folder).
Each run measures, on the same XML files:

- **baseline**: read every file with analogscan's reader (decode, sniff, lxml parse → units) and
  test each unit's text with each type's plain keyword regex; write the hits as JSONL; one process.
- **scan**: ``analogscan scan DIR -o out.jsonl --jobs N`` end to end (XML → units → net →
  Sudachi → rules → classifier → techmap → JSONL), as staff run it.
- **lxml floor** (for reference): a bare lxml parse and itertext of every Sentence, no units.

Each runs in its own process. Wall time is measured around the process; peak RSS is the sum of
VmRSS over the process and its workers, sampled every 0.05 s (and the largest single process, from
wait4). The machine's load average is printed too: on a shared machine wall times vary.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tarfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_TAR = ROOT.parent / "shared" / "corpus" / "laws" / "laws-all.tar.xz"
DEFAULT_CACHE = ROOT / "benchmarks" / ".cache"


# ------------------------------------------------------------------ corpus
def unpack(tar: Path, cache: Path) -> Path:
    """The laws directory of the unpacked archive (unpacked on first use)."""
    target = cache / "laws-all"
    done = target / ".complete"
    if not done.exists():
        print(f"unpacking {tar} into {target} …", file=sys.stderr)
        target.mkdir(parents=True, exist_ok=True)
        with tarfile.open(tar) as tf:
            tf.extractall(target, filter="data")
        done.write_text(tar.name)
    return target / "laws"


def half_of(laws: Path, cache: Path) -> Path:
    """A directory of hard links to the first half of the laws' XML files (path order)."""
    target = cache / "laws-half-hardlinks" / "laws"
    files = sorted(laws.rglob("*.xml"))
    half = files[: len(files) // 2]
    if not (target.parent / ".complete").exists():
        for f in half:
            link = target / f.relative_to(laws)
            link.parent.mkdir(parents=True, exist_ok=True)
            if not link.exists():
                os.link(f, link)
        (target.parent / ".complete").write_text(str(len(half)))
    return target


# ------------------------------------------------------------------ one measured process
def _tree_rss_kib(pid: int) -> int:
    """VmRSS of a process and all its descendants, in KiB."""
    total, stack = 0, [pid]
    while stack:
        p = stack.pop()
        try:
            status = Path(f"/proc/{p}/status").read_text()
            total += int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) if "VmRSS" in status else 0
            for task in Path(f"/proc/{p}/task").iterdir():
                stack.extend(int(c) for c in (task / "children").read_text().split())
        except (OSError, AttributeError, ValueError):
            continue
    return total


def measure(cmd: list[str]) -> dict[str, float]:
    """Run ``cmd``; its wall seconds, peak RSS of its process tree (sampled) and of its largest process."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    peak = 0
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not stop.is_set():
            peak = max(peak, _tree_rss_kib(proc.pid))
            stop.wait(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out = proc.stdout.read() if proc.stdout else ""
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    stop.set()
    sampler.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)} failed with exit code {proc.returncode}")
    result = json.loads(out.strip().splitlines()[-1]) if out.strip() else {}
    return {**result, "wall_s": wall, "cpu_s": usage.ru_utime + usage.ru_stime,
            "peak_rss_mib": peak / 1024, "max_process_rss_mib": usage.ru_maxrss / 1024}


# ------------------------------------------------------------------ the baseline and the floor (child processes)
def baseline(directory: Path, output: Path) -> dict[str, int]:
    """Reader + plain keyword regexes per unit (each type's net words, on the unit text as written)."""
    from analogscan.atomic import atomic_writer
    from analogscan.detect.rules import load_rules
    from analogscan.ingest import read_paths
    from analogscan.model import ReadError

    nets = {tid: re.compile("|".join(re.escape(w) for w in t.net)) for tid, t in load_rules().types.items()}
    docs = units = chars = hits = errors = 0
    with atomic_writer(output) as fh:
        for doc in read_paths([directory]):
            if isinstance(doc, ReadError):
                errors += 1
                continue
            docs += 1
            for unit in doc.units:
                units += 1
                chars += len(unit.text)
                types = [tid for tid, net in nets.items() if net.search(unit.text)]
                if types:
                    hits += 1
                    fh.write(json.dumps({"unit_id": unit.id, "types": types}, ensure_ascii=False) + "\n")
    return {"documents": docs, "units": units, "characters": chars, "net_units": hits, "errors": errors}


def lxml_floor(directory: Path) -> dict[str, int]:
    """A bare lxml parse of every file and the text of every Sentence: no units, no reader."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True)
    chars = 0
    for path in sorted(directory.rglob("*.xml")):
        root = etree.fromstring(path.read_bytes(), parser)
        chars += sum(len("".join(s.itertext())) for s in root.iter("Sentence"))
    return {"sentence_characters": chars}


# ------------------------------------------------------------------ driver
def _load() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--tar", type=Path, default=DEFAULT_TAR, help="the laws-all.tar.xz archive")
    ap.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help="where the archive is unpacked once")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--jobs", type=int, help="scan worker processes (default: analogscan's, the core count)")
    ap.add_argument("--sizes", default="half,all", help="half, all or both (comma-separated)")
    ap.add_argument("--no-model", action="store_true", help="scan with rules only")
    ap.add_argument("--child", choices=["baseline", "floor"], help=argparse.SUPPRESS)
    ap.add_argument("--dir", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)

    if args.child == "baseline":
        print(json.dumps(baseline(args.dir, args.out)))
        return 0
    if args.child == "floor":
        print(json.dumps(lxml_floor(args.dir)))
        return 0

    laws = unpack(args.tar, args.cache)
    dirs = {"all": laws, "half": half_of(laws, args.cache)}
    out_dir = args.cache / "out"
    out_dir.mkdir(exist_ok=True)
    me = [sys.executable, str(Path(__file__).resolve())]
    scan_cmd = [sys.executable, "-m", "analogscan.cli", "scan"]
    extra = (["--jobs", str(args.jobs)] if args.jobs else []) + (["--no-model"] if args.no_model else [])
    sizes = [s.strip() for s in args.sizes.split(",") if s.strip()]
    rows: dict[str, list[dict[str, float]]] = {}
    print(f"cores {os.cpu_count()}  jobs {args.jobs or 'default'}  model {'no' if args.no_model else 'yes'}  "
          f"runs {args.runs}")
    print("size\trun\twhat\twall_s\tcpu_s\tpeak_rss_mib\tmax_process_rss_mib\tunits_per_s\tchars_per_s\tload")
    for run in range(1, args.runs + 1):
        for size in sizes:
            d = dirs[size]
            base = measure([*me, "--child", "baseline", "--dir", str(d), "--out", str(out_dir / f"net-{size}.jsonl")])
            scan = measure([*scan_cmd, str(d), "-o", str(out_dir / f"scan-{size}.jsonl"), *extra])
            floor = measure([*me, "--child", "floor", "--dir", str(d)])
            for what, m in (("baseline", base), ("scan", scan), ("lxml_floor", floor)):
                m["units_per_s"] = base["units"] / m["wall_s"]
                m["chars_per_s"] = base["characters"] / m["wall_s"]
                rows.setdefault(f"{size}\t{what}", []).append(m)
                print(f"{size}\t{run}\t{what}\t{m['wall_s']:.1f}\t{m['cpu_s']:.1f}\t{m['peak_rss_mib']:.0f}\t"
                      f"{m['max_process_rss_mib']:.0f}\t{m['units_per_s']:,.0f}\t{m['chars_per_s']:,.0f}\t{_load()}",
                      flush=True)
            rows.setdefault(f"{size}\tratio", []).append({"wall_s": scan["wall_s"] / base["wall_s"],
                                                          "cpu_s": scan["cpu_s"] / base["cpu_s"]})
    print("\nmedians")
    for size in sizes:
        base = rows[f"{size}\tbaseline"][0]
        print(f"{size}: {base['documents']} laws, {base['units']:,} units, {base['characters']:,} characters, "
              f"{base['net_units']:,} units in the plain net")
        for what in ("baseline", "scan", "lxml_floor"):
            ms = rows[f"{size}\t{what}"]
            med = {k: statistics.median(m[k] for m in ms) for k in ("wall_s", "cpu_s", "peak_rss_mib",
                                                                     "max_process_rss_mib", "units_per_s",
                                                                     "chars_per_s")}
            print(f"  {what:10s} wall {med['wall_s']:6.1f} s  cpu {med['cpu_s']:6.1f} s  "
                  f"{med['units_per_s']:8,.0f} units/s  {med['chars_per_s']:10,.0f} chars/s  "
                  f"peak RSS {med['peak_rss_mib']:5.0f} MiB (largest process {med['max_process_rss_mib']:.0f} MiB)")
        ratio = statistics.median(m["wall_s"] for m in rows[f"{size}\tratio"])
        cpu_ratio = statistics.median(m["cpu_s"] for m in rows[f"{size}\tratio"])
        print(f"  scan / baseline wall time: {ratio:.2f}x (median of the per-run ratios); CPU time {cpu_ratio:.2f}x "
              f"(on a machine with nothing else running, wall ≈ CPU ratio / workers)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

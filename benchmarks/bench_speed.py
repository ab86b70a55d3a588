"""Benchmark: the scan against the floor of a bare parse plus the keyword net (issue 15).

Not a test: run it by hand and read the numbers (medians of several runs, CPU seconds and wall)::

    .venv/bin/python benchmarks/bench_speed.py                     # 400 laws, all laws, tokyo23-arch; 3 runs
    .venv/bin/python benchmarks/bench_speed.py --sets laws400 --runs 5 --what floor,net,scan1
    .venv/bin/python benchmarks/bench_speed.py --src /tmp/old/src  # the same measures on another checkout's code

Measures, each in its own process (see ``bench_laws_all.measure``), on the same files:

- **floor**: a bare lxml parse of every file and the text of every ``Sentence`` (rule books in text:
  read and decode every file, split it into lines); no units.
- **net**: the floor plus one compiled pattern of all the types' net words searched in every
  Sentence (line): "parse + the types' keyword regex", the floor the scan is held to.
- **read**: analogscan's own readers (decode, sniff, parse → units), nothing else.
- **scan1** / **scan**: ``analogscan scan DIR -o out.jsonl`` with ``--jobs 1`` and with the default
  (one worker per core), classifier on, as staff run it.

Sets: ``laws400`` (the first 400 laws in path order, hard links), ``half`` (the first 1,040), ``laws``
(all 2,081, unpacked once from ``../shared/corpus/laws/laws-all.tar.xz`` into ``benchmarks/.cache/``)
and ``tokyo23`` (the 195 rule books of ``../shared/corpus/ordinances/tokyo23-arch``, the 例規 case).
The ratios printed at the end are of medians: scan1 CPU / net CPU (target ≤ 6 on all laws), scan wall
/ scan1 wall (target ≤ 0.6 with two cores), and each measure against the floor.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_laws_all import DEFAULT_CACHE, DEFAULT_TAR, _load, measure, unpack

ROOT = Path(__file__).resolve().parents[1]
TOKYO23 = ROOT.parent / "shared" / "corpus" / "ordinances" / "tokyo23-arch"
MEASURES = ("floor", "net", "read", "scan1", "scan")


def first_n(laws: Path, cache: Path, n: int, name: str) -> Path:
    """A directory of hard links to the first ``n`` laws' XML files (path order)."""
    target = cache / name / "laws"
    if not (target.parent / ".complete").exists():
        for f in sorted(laws.rglob("*.xml"))[:n]:
            link = target / f.relative_to(laws)
            link.parent.mkdir(parents=True, exist_ok=True)
            if not link.exists():
                os.link(f, link)
        (target.parent / ".complete").write_text(str(n))
    return target


# ------------------------------------------------------------------ the floor (child processes)
def _net_pattern() -> re.Pattern[str]:
    from analogscan.detect.rules import load_rules

    words = sorted({w for t in load_rules().types.values() for w in t.net}, key=lambda w: (-len(w), w))
    return re.compile("|".join(re.escape(w) for w in words))


def floor(directory: Path, with_net: bool) -> dict[str, int]:
    """Bare parse (+ the net words searched in every Sentence or line): no units, no reader."""
    from lxml import etree

    net = _net_pattern() if with_net else None
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True)
    chars = hits = files = 0
    for path in sorted(p for p in directory.rglob("*") if p.is_file() and not p.name.startswith(".")):
        if path.suffix == ".xml":
            texts = ["".join(s.itertext()) for s in etree.fromstring(path.read_bytes(), parser).iter("Sentence")]
        elif path.suffix in (".txt", ".md"):
            texts = path.read_bytes().decode("utf-8", errors="replace").splitlines()
        else:
            continue
        files += 1
        chars += sum(map(len, texts))
        if net is not None:
            hits += sum(1 for t in texts if net.search(t))
    return {"files": files, "characters": chars, "net_hits": hits}


def read_only(directory: Path) -> dict[str, int]:
    """analogscan's readers alone: documents, units and unit characters."""
    from analogscan.ingest import read_paths
    from analogscan.model import ReadError

    docs = units = chars = 0
    for doc in read_paths([directory]):
        if isinstance(doc, ReadError):
            continue
        docs += 1
        units += len(doc.units)
        chars += sum(len(u.text) for u in doc.units)
    return {"documents": docs, "units": units, "unit_characters": chars}


# ------------------------------------------------------------------ driver
def _commands(what: str, d: Path, out: Path, src: Path) -> list[str]:
    me = [sys.executable, str(Path(__file__).resolve()), "--src", str(src)]
    if what in ("floor", "net", "read"):
        return [*me, "--child", what, "--dir", str(d)]
    jobs = ["--jobs", "1"] if what == "scan1" else []
    return [sys.executable, "-m", "analogscan.cli", "scan", str(d), "-o", str(out), *jobs]


def _median(ms: list[dict[str, float]], key: str) -> float:
    return statistics.median(m[key] for m in ms)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--tar", type=Path, default=DEFAULT_TAR, help="the laws-all.tar.xz archive")
    ap.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help="where the archive is unpacked once")
    ap.add_argument("--tokyo23", type=Path, default=TOKYO23, help="the tokyo23-arch rule books")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--sets", default="laws400,laws,tokyo23", help="laws400, half, laws, tokyo23 (comma-separated)")
    ap.add_argument("--what", default=",".join(MEASURES), help="floor, net, read, scan1, scan (comma-separated)")
    ap.add_argument("--src", type=Path, default=ROOT / "src", help="the analogscan source directory to measure")
    ap.add_argument("--tag", default="", help="a name for the output files (default: none)")
    ap.add_argument("--child", choices=["floor", "net", "read"], help=argparse.SUPPRESS)
    ap.add_argument("--dir", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)

    if args.child:
        sys.path.insert(0, str(args.src))
        result = read_only(args.dir) if args.child == "read" else floor(args.dir, args.child == "net")
        print(json.dumps(result))
        return 0

    os.environ["PYTHONPATH"] = str(args.src.resolve())  # the scans run this source, not the installed one
    laws = unpack(args.tar, args.cache)
    dirs = {"laws": laws, "laws400": first_n(laws, args.cache, 400, "laws-400-hardlinks"),
            "half": first_n(laws, args.cache, 1040, "laws-half-hardlinks"), "tokyo23": args.tokyo23}
    out_dir = args.cache / "out"
    out_dir.mkdir(exist_ok=True)
    sets = [s.strip() for s in args.sets.split(",") if s.strip()]
    whats = [w.strip() for w in args.what.split(",") if w.strip()]
    rows: dict[tuple[str, str], list[dict[str, float]]] = {}
    print(f"cores {os.cpu_count()}  src {args.src}  runs {args.runs}", flush=True)
    print("set\trun\twhat\twall_s\tcpu_s\tpeak_rss_mib\tload", flush=True)
    for run in range(1, args.runs + 1):
        for s in sets:
            for what in whats:
                out = out_dir / f"{what}-{s}{'-' + args.tag if args.tag else ''}.jsonl"
                m = measure(_commands(what, dirs[s], out, args.src))
                rows.setdefault((s, what), []).append(m)
                print(f"{s}\t{run}\t{what}\t{m['wall_s']:.1f}\t{m['cpu_s']:.1f}\t{m['peak_rss_mib']:.0f}\t{_load()}",
                      flush=True)
    print("\nmedians (CPU s / wall s / peak RSS MiB; × = CPU against the net floor)")
    for s in sets:
        info = {k: v for m in rows.get((s, "net"), []) + rows.get((s, "read"), [])
                for k, v in m.items() if k in ("files", "characters", "units", "documents")}
        print(f"{s}: {json.dumps(info, ensure_ascii=False)}")
        base = _median(rows[(s, "net")], "cpu_s") if (s, "net") in rows else None
        for what in whats:
            ms = rows[(s, what)]
            cpu, wall, rss = (_median(ms, k) for k in ("cpu_s", "wall_s", "peak_rss_mib"))
            ratio = f"  {cpu / base:5.2f}×" if base else ""
            print(f"  {what:6s} cpu {cpu:7.1f}  wall {wall:7.1f}  rss {rss:6.0f}{ratio}")
        if (s, "scan") in rows and (s, "scan1") in rows:
            print(f"  scan wall / scan1 wall: {_median(rows[(s, 'scan')], 'wall_s') / _median(rows[(s, 'scan1')], 'wall_s'):.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

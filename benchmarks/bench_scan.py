"""Benchmark: scan a corpus with the full pipeline (readers → rules → classifier → techmap).

Not a test: run it by hand and read the numbers.

    .venv/bin/python benchmarks/bench_scan.py corpora/samples
    .venv/bin/python benchmarks/bench_scan.py ../shared/corpus/laws/laws          # the 65 laws
    .venv/bin/python benchmarks/bench_scan.py ../shared/corpus/laws/laws --no-model
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from collections import Counter

from analogscan.detect.classifier import load_default_model
from analogscan.detect.detector import Detector
from analogscan.ingest import read_paths
from analogscan.model import ReadError
from analogscan.pipeline import link_techmap


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("paths", nargs="+")
    ap.add_argument("--no-model", action="store_true", help="rules only")
    args = ap.parse_args()

    t0 = time.perf_counter()
    model = None if args.no_model else load_default_model()
    detector = Detector(model=model)
    t_load = time.perf_counter() - t0
    docs = errors = units = chars = 0
    per_type: Counter[str] = Counter()
    t_read = t_detect = 0.0
    t1 = time.perf_counter()
    it = iter(read_paths(args.paths))
    while True:
        ts = time.perf_counter()
        item = next(it, None)
        t_read += time.perf_counter() - ts
        if item is None:
            break
        if isinstance(item, ReadError):
            errors += 1
            print(f"error: {item}", file=sys.stderr)
            continue
        docs += 1
        ts = time.perf_counter()
        for unit in item.units:
            units += 1
            chars += len(unit.text)
            for f in detector.unit_findings(item, unit):
                link_techmap(f)  # the stage after detection, as in a scan
                per_type[f.type] += 1
        t_detect += time.perf_counter() - ts
    total = time.perf_counter() - t1
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"model: {'none (rules only)' if model is None else model.name}  load {t_load:.2f}s")
    print(f"documents {docs}  read errors {errors}  units {units}  characters {chars:,}")
    print(f"read {t_read:.2f}s  detect {t_detect:.2f}s  total {total:.2f}s  "
          f"({chars / total:,.0f} chars/s, {units / total:,.0f} units/s)  peak RSS {rss_mb:.0f} MB")
    print("findings per type: " + ", ".join(f"{t} {n}" for t, n in sorted(per_type.items())))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark the e-Gov XML reader: read every law XML under a directory and report throughput.

    python benchmarks/bench_ingest_laws.py                              # the 65 selected laws
    python benchmarks/bench_ingest_laws.py /tmp/laws-all/laws --counts /tmp/counts.tsv

Prints files, documents, errors, units, characters of unit text, seconds, chars/s and peak RSS.
Reading goes through ``read_bytes`` (decode + sniff + reader), as ``analogscan`` itself does.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

from lxml import etree

from analogscan.ingest import read_bytes
from analogscan.model import ReadError

DEFAULT_DIR = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "laws" / "laws"


def _baseline(files: list[Path]) -> tuple[int, float]:
    """Characters of all Sentence elements and the CPU seconds a bare lxml pass needs for them."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True)
    c0 = time.process_time()
    chars = 0
    for path in files:
        root = etree.fromstring(path.read_bytes(), parser)
        chars += sum(len("".join(s.itertext())) for s in root.iter("Sentence"))
    return chars, time.process_time() - c0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("directory", nargs="?", type=Path, default=DEFAULT_DIR, help="searched recursively for *.xml")
    ap.add_argument("--counts", type=Path, help="write a TSV: law_id, title, units, characters")
    ap.add_argument("--baseline", action="store_true",
                    help="also time a bare lxml parse + itertext of every Sentence (the floor for any reader)")
    args = ap.parse_args(argv)

    files = sorted(args.directory.rglob("*.xml"))
    if not files:
        print(f"no *.xml under {args.directory}", file=sys.stderr)
        return 1
    rows: list[tuple[str, str, int, int]] = []
    units = chars = errors = docs = 0
    t0, c0 = time.perf_counter(), time.process_time()
    for path in files:
        law_id = path.parent.name
        try:
            result = read_bytes(path.read_bytes(), str(path), law_id)
        except ReadError as err:
            errors += 1
            print(f"error: {err}", file=sys.stderr)
            continue
        for doc in result:
            docs += 1
            n_chars = sum(len(u.text) for u in doc.units)
            units += len(doc.units)
            chars += n_chars
            rows.append((doc.doc_id, doc.title, len(doc.units), n_chars))
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB

    print(f"directory\t{args.directory}")
    print(f"files\t{len(files)}")
    print(f"documents\t{docs}")
    print(f"errors\t{errors}")
    print(f"units\t{units}")
    print(f"characters\t{chars}")
    print(f"seconds\t{seconds:.2f}")
    print(f"cpu_seconds\t{cpu:.2f}")
    print(f"chars_per_s\t{chars / seconds:,.0f}")
    print(f"peak_rss_mib\t{peak_mib:.0f}")
    if args.baseline:
        b_chars, b_cpu = _baseline(files)
        print(f"baseline_sentence_chars\t{b_chars}")
        print(f"baseline_cpu_seconds\t{b_cpu:.2f}")
        print(f"reader_vs_baseline\t{cpu / b_cpu:.1f}x")
    if args.counts:
        with args.counts.open("w", encoding="utf-8") as fh:
            fh.write("law_id\ttitle\tunits\tcharacters\n")
            fh.writelines(f"{a}\t{b}\t{c}\t{d}\n" for a, b, c, d in rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark: the review round-trip on a real scan's findings (not a test; run by hand, read the numbers).

    .venv/bin/analogscan scan ../shared/corpus/laws/laws -o out/laws65.jsonl
    .venv/bin/python benchmarks/bench_review.py out/laws65.jsonl

Times: the identity (normalised-text hash) of every finding, writing the 点検シート, filling every 判定
with openpyxl, importing it, and applying the store to the findings again.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import openpyxl

from analogscan.detect.finding import Finding
from analogscan.detect.identity import record_identity
from analogscan.report.xlsx import write_xlsx
from analogscan.review.apply import apply_review
from analogscan.review.store import ReviewStore
from analogscan.review.workbook_import import VERDICTS, read_workbook


def timed(label: str, fn):
    t = time.perf_counter()
    out = fn()
    print(f"{label:<34} {time.perf_counter() - t:7.2f} s", file=sys.stderr)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("findings", help="JSONL written by `analogscan scan -o …jsonl`")
    args = ap.parse_args()
    records = [json.loads(line) for line in Path(args.findings).read_text(encoding="utf-8").splitlines()]
    print(f"{len(records)} findings", file=sys.stderr)
    with tempfile.TemporaryDirectory() as tmp:
        sheet, store = Path(tmp) / "sheet.xlsx", Path(tmp) / "review.sqlite"
        timed("identity of every finding", lambda: [record_identity(r) for r in records])
        timed("write 点検シート", lambda: write_xlsx(records, sheet))

        def fill() -> None:
            wb = openpyxl.load_workbook(sheet)
            ws = wb["点検シート"]
            col = {c.value: c.column for c in ws[1]}
            for r in range(2, ws.max_row + 1):  # the same text twice in a rule gets one decision
                ws.cell(r, col["判定"], VERDICTS[int(ws.cell(r, col["finding_id"]).value, 16) % 3])
            wb.save(sheet)

        timed("fill every 判定 (openpyxl)", fill)
        found = timed("read the workbook", lambda: read_workbook(sheet))
        with ReviewStore(store, create=True) as db:
            timed("store the decisions", lambda: db.add_import(found.info, found.decisions))
            counts: Counter[str] = Counter()
            findings = [Finding.from_record(r) for r in records]
            timed("apply to the same findings", lambda: list(apply_review(findings, db, counts=counts)))
        print(f"{len(found.decisions)} decisions; applied: {dict(counts)}; store {store.stat().st_size // 1024} KiB",
              file=sys.stderr)
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024} MB", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

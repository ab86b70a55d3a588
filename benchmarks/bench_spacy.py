"""Benchmark: the spaCy component (``nlp.add_pipe("analogscan")``) beside ``analogscan scan`` on the same texts.

Not a test: run it by hand and read the numbers.

    .venv/bin/python benchmarks/bench_spacy.py ../shared/corpus/laws/laws          # the 65 laws
    .venv/bin/python benchmarks/bench_spacy.py ../shared/corpus/laws/laws --runs 3

The component reads plain text, so each law (e-Gov XML) is first rendered as 例規集-style plain text from the
units the XML reader found (「（見出し）」, 「第N条 …」, 「2 …」, 「(1) …」, 「附 則」) and cut at line ends into
pieces below spaCy's limit for Japanese (SudachiPy refuses more than 49,149 bytes at once: 40,000 here).
The same pieces, saved as .txt files, are what ``analogscan scan`` reads; the findings must be equal.

Printed per run: spaCy's tokenizer alone (``nlp.make_doc``), the component pipeline (``nlp.pipe``: tokenizer
+ analogscan), ``Scanner.scan_text`` on the same texts (no spaCy), the Sudachi time inside analogscan's own
analysis (what reusing the Doc's tokens could save at most), and ``analogscan scan DIR`` as a process
(``--jobs 1`` and ``--jobs 2``, start-up and model loading included).
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Self

import spacy

from analogscan import Scanner
from analogscan.ingest import read_paths
from analogscan.model import Document, ReadError
from analogscan.nlp import tokens

CITATION_RE = re.compile(r"^(附則(?:（[^）]*）)?)?(?:第(\d+条(?:の\d+)*))?(?:第(\d+)項)?(?:第(\d+)号)?")
PIECE_BYTES = 40_000


def render(doc: Document) -> list[str]:
    """A law's units as the lines of a 例規集 page."""
    lines = [f"○{doc.title}"]
    suppl = article = para = None
    for u in doc.units:
        m = CITATION_RE.match(u.citation)
        s, art, p, item = (m.group(1), m.group(2), m.group(3), m.group(4)) if m else (None, None, None, None)
        if s and s != suppl:
            lines.append("附 則")
        suppl = s or suppl
        head = u.context if item and u.context else u.text
        if art and (s, art) != article:
            article, para = (s, art), p
            if u.caption:
                lines.append(f"（{u.caption.strip('（）()')}）")
            lines.append(f"第{art} {head}")
        elif p and p != para and p != "1":
            para = p
            lines.append(f"{p} {head}")
        elif not item:
            lines.append(u.text)
        if item:
            lines.append(f"({item}) {u.text}")
    return lines


def pieces(lines: list[str]) -> Iterator[str]:
    """Consecutive lines, at most ``PIECE_BYTES`` UTF-8 bytes a piece."""
    chunk: list[str] = []
    size = 0
    for line in lines:
        n = len(line.encode("utf-8")) + 1
        if chunk and size + n > PIECE_BYTES:
            yield "\n".join(chunk) + "\n"
            chunk, size = [], 0
        chunk.append(line)
        size += n
    if chunk:
        yield "\n".join(chunk) + "\n"


def texts_of(paths: list[str]) -> list[str]:
    out: list[str] = []
    for doc in read_paths(paths):
        if not isinstance(doc, ReadError):
            out.extend(pieces(render(doc)))
    return out


class SudachiClock:
    """Time spent in Sudachi inside analogscan's analysis (``nlp.tokens._morphemes``)."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.original = tokens._morphemes

    def __enter__(self) -> Self:
        def timed(text: str) -> Iterator[Any]:
            t = time.perf_counter()
            out = list(self.original(text))
            self.seconds += time.perf_counter() - t
            return iter(out)

        tokens._morphemes = timed  # type: ignore[assignment]
        return self

    def __exit__(self, *exc: object) -> None:
        tokens._morphemes = self.original  # type: ignore[assignment]


def comparable(rec: dict[str, Any]) -> tuple[str, str, str, float]:
    return rec["citation"], rec["type"], rec["text"], rec["score"]


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def scan_process(folder: Path, jobs: int) -> tuple[float, float, list[tuple[str, str, str, float]]]:
    """Wall and CPU seconds of ``analogscan scan FOLDER --jobs N`` (all its processes), and its findings."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "scan.jsonl"
        t, c = time.perf_counter(), _children_cpu()
        subprocess.run([sys.executable, "-m", "analogscan.cli", "scan", str(folder), "-o", str(out), "--jobs",
                        str(jobs)], check=True, capture_output=True)
        wall, cpu = time.perf_counter() - t, _children_cpu() - c
        return wall, cpu, [comparable(json.loads(line)) for line in out.read_text(encoding="utf-8").splitlines()]


class Clock:
    """Wall and CPU seconds of a block."""

    def __enter__(self) -> Self:
        self.t, self.c = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall, self.cpu = time.perf_counter() - self.t, time.process_time() - self.c


def one_run(texts: list[str], folder: Path) -> dict[str, float]:
    with Clock() as load:
        nlp = spacy.blank("ja")
        nlp.add_pipe("analogscan")
    with Clock() as tokenizer:
        for text in texts:
            nlp.make_doc(text)
    with Clock() as pipe:
        component = [comparable(r) for doc in nlp.pipe(texts) for r in doc._.analogscan_records]
    scanner = Scanner()
    scanner.scan_text("第1条 職員は、施設を点検する。")  # build the detector outside the clock
    with SudachiClock() as sudachi, Clock() as scan_text:
        direct = [comparable(r) for text in texts for r in scanner.scan_text(text).records]
    one_wall, one_cpu, scanned = scan_process(folder, 1)
    two_wall, two_cpu, _ = scan_process(folder, 2)
    if not component == direct == scanned:
        raise SystemExit(f"findings differ: component {len(component)}, scan_text {len(direct)}, scan {len(scanned)}")
    return {"load": load.wall, "tokenizer": tokenizer.wall, "tokenizer_cpu": tokenizer.cpu, "pipe": pipe.wall,
            "pipe_cpu": pipe.cpu, "scan_text": scan_text.wall, "scan_text_cpu": scan_text.cpu,
            "sudachi": sudachi.seconds, "scan_jobs1": one_wall, "scan_jobs1_cpu": one_cpu, "scan_jobs2": two_wall,
            "scan_jobs2_cpu": two_cpu, "findings": len(component)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("paths", nargs="+")
    ap.add_argument("--runs", type=int, default=1)
    args = ap.parse_args()
    texts = texts_of(args.paths)
    chars = sum(map(len, texts))
    print(f"{len(texts)} texts, {chars:,} characters (largest {max(len(t.encode()) for t in texts):,} bytes)")
    runs = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "texts"
        folder.mkdir()
        for i, text in enumerate(texts):
            (folder / f"t{i:04d}.txt").write_text(text, encoding="utf-8")
        for n in range(args.runs):
            r = one_run(texts, folder)
            runs.append(r)
            print(f"run {n + 1}: " + ", ".join(f"{k} {v:.2f}" if isinstance(v, float) else f"{k} {v}"
                                                for k, v in r.items()))
    med = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
    print(f"median of {len(runs)} runs (wall / CPU seconds): {med['findings']:.0f} findings, the same from all three")
    print(f"  component nlp.pipe  {med['pipe']:6.1f} / {med['pipe_cpu']:6.1f}  "
          f"({chars / med['pipe'] / 1e3:,.0f} k chars/s; load {med['load']:.1f} s)")
    print(f"    spaCy tokenizer   {med['tokenizer']:6.1f} / {med['tokenizer_cpu']:6.1f}")
    print(f"  Scanner.scan_text   {med['scan_text']:6.1f} / {med['scan_text_cpu']:6.1f}  (Sudachi inside: "
          f"{med['sudachi']:.1f} s = {med['sudachi'] / med['pipe']:.0%} of the component's wall time)")
    print(f"  analogscan scan -j1 {med['scan_jobs1']:6.1f} / {med['scan_jobs1_cpu']:6.1f}  "
          "(a process: start-up, model, files, JSONL)")
    print(f"  analogscan scan -j2 {med['scan_jobs2']:6.1f} / {med['scan_jobs2_cpu']:6.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

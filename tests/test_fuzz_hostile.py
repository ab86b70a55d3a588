"""Issue 16's classes under property-based fuzzing (hypothesis, derandomised): error lines stay one
encodable line whatever the name; decoding raises only DecodeError and never lets a NUL through; a
staff workbook with any part mangled gives decisions, a ReadError or WorkbookErrors — never anything else."""

from __future__ import annotations

import functools
import io
import tempfile
import zipfile
from pathlib import Path

from hostile import SHEET_PART, rezip
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_review_store import sheet

from analogscan.ingest.encoding import DecodeError, decode
from analogscan.model import ReadError, one_line
from analogscan.review.workbook_import import WorkbookErrors, read_workbook

FUZZ = settings(max_examples=120, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
NAMES = st.text(alphabet=st.characters(codec=None, categories=None), max_size=40)
DECL = st.sampled_from([b"", b'<?xml version="1.0" encoding="ISO-8859-1"?>', b'<meta charset="koi8-r">',
                        b'<meta charset="Shift_JIS">', b'<meta charset="utf-8">', b'<meta charset="bogus">'])


@FUZZ
@given(NAMES, st.binary(max_size=12))
def test_error_lines_stay_one_encodable_line(name: str, raw: bytes) -> None:
    import os

    line = str(ReadError(name + os.fsdecode(raw), "reason\u2028more"))
    assert len(line.splitlines()) == 1 and line == line.strip("\n")
    line.encode("utf-8")  # no lone surrogate left: stderr, JSON, SQLite and XLSX can all take it
    assert one_line(line) == line


@FUZZ
@given(DECL, st.text(max_size=200), st.binary(max_size=40), st.sampled_from(["utf-8", "cp932", "euc_jp"]))
def test_decode_raises_only_decode_error(decl: bytes, text: str, tail: bytes, encoding: str) -> None:
    data = decl + text.encode(encoding, errors="ignore") + tail
    try:
        decoded, _ = decode(data)
    except DecodeError:
        return
    assert "\x00" not in decoded


@functools.cache
def _good() -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        return sheet(Path(tmp), {2: ("該当", "電子化"), 3: ("非該当", "")}).read_bytes()


@functools.cache
def _sheet_xml() -> bytes:
    with zipfile.ZipFile(io.BytesIO(_good())) as zf:
        return zf.read(SHEET_PART)


@settings(max_examples=40, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(min_value=0, max_value=10_000), st.integers(min_value=0, max_value=200),
       st.sampled_from([b"", b"<", b"&", b'"', b'<c r="A2" t="d"><v>x</v></c>', b'<c r="B3" t="s"><v>7</v></c>',
                        b"<!DOCTYPE a>", b"\xff\xfe", b"<row r=\"1\">", b"</sheetData>", b"<v>1e999</v>"]))
def test_any_mangled_sheet_is_read_or_refused_in_one_line(at: int, cut: int, insert: bytes) -> None:
    xml = _sheet_xml()
    at = at % len(xml)
    mangled = rezip(_good(), {SHEET_PART: xml[:at] + insert + xml[at + cut:]})
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "sheet.xlsx"
        path.write_bytes(mangled)
        try:
            read_workbook(path)
        except ReadError as exc:
            assert len(str(exc).splitlines()) == 1
        except WorkbookErrors as exc:
            assert all(len(line.splitlines()) == 1 for line in exc.lines)

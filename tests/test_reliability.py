"""Issue 16, second round of faults and attacks on rule books, outputs, folders and the batch's state:
each gives one line naming the file and the reason, a documented exit code, nothing partial, and the
good inputs are still reported."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from hostile import GOOD_TEXT, NAME_NOT_UTF8
from outputs import undated

from analogscan.cli import main
from analogscan.errors import EXIT_OUTPUT
from analogscan.ingest import read_bytes, read_paths
from analogscan.ingest.encoding import decode
from analogscan.model import ReadError, one_line

OTHER = "○見本町庁舎管理規則\n第1条 管理人を常駐させなければならない。\n"
NO_MODEL = ["--no-model", "--jobs", "1"]


def scan(*args: str):
    return CliRunner().invoke(main, ["scan", *args])


@pytest.fixture
def book(tmp_path: Path) -> Path:
    folder = tmp_path / "reiki"
    folder.mkdir()
    (folder / "a.txt").write_text(GOOD_TEXT, encoding="utf-8")
    (folder / "b.txt").write_text(OTHER, encoding="utf-8")
    return folder


# ------------------------------------------------------------------ outputs
def test_a_device_node_or_a_link_is_never_replaced(book: Path, tmp_path: Path) -> None:
    link = tmp_path / "report.jsonl"
    link.symlink_to(tmp_path / "elsewhere.jsonl")
    for target, reason in (("/dev/null", "is not a regular file (device, pipe or socket); refusing to replace it"),
                           (str(link), "is a symbolic link; refusing to replace it (give the real path)")):
        result = scan(str(book), "-o", target, "--format", "jsonl", *NO_MODEL)
        assert (result.exit_code, result.stderr) == (EXIT_OUTPUT, f"analogscan: error: {target}: {reason}\n")
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode) and link.is_symlink() and not link.exists()


def test_a_parent_that_is_a_file_is_one_line_for_scan_units_and_batch(book: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "notes.txt"
    blocker.write_text("staff notes", encoding="utf-8")
    target = blocker / "out" / "r.xlsx"
    for args in (["scan", str(book), "-o", str(target), *NO_MODEL], ["units", str(book), "-o", str(target)]):
        result = CliRunner().invoke(main, args)
        assert (result.exit_code, result.stderr) == (
            EXIT_OUTPUT, f"analogscan: error: {target.parent}: cannot write here: {blocker} is a file, not a folder\n")
    result = CliRunner().invoke(main, ["batch", str(book), "-o", str(blocker / "batch"), *NO_MODEL])
    assert (result.exit_code, result.stderr) == (
        EXIT_OUTPUT, f"analogscan: error: {blocker / 'batch'}: cannot write here: {blocker} is a file, not a folder\n")
    assert blocker.read_text(encoding="utf-8") == "staff notes"


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into any folder")
def test_an_unwritable_folder_is_one_line(book: Path, tmp_path: Path) -> None:  # pragma: no cover - CI as a user
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o555)
    result = scan(str(book), "-o", str(locked / "r.csv"), *NO_MODEL)
    assert (result.exit_code, result.stderr) == (
        EXIT_OUTPUT, f"analogscan: error: {locked}: cannot write here: no permission to write in {locked}\n")


FULL_DISK = """
import resource, signal, sys
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)     # a write past the limit fails with EFBIG, as on a full disk
resource.setrlimit(resource.RLIMIT_FSIZE, (2000, 2000))
from analogscan.cli import main
sys.argv = ["analogscan", *sys.argv[1:]]
main()
"""


@pytest.mark.parametrize("name", ["r.jsonl", "r.xlsx"])
def test_a_full_disk_is_one_line_and_the_earlier_report_stays(book: Path, tmp_path: Path, name: str) -> None:
    for i in range(30):  # enough findings for more than 2,000 bytes
        (book / f"c{i:02d}.txt").write_text(GOOD_TEXT.replace("公告式", f"第{i}公告式"), encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    (out / name).write_bytes(b"last year's report")
    proc = subprocess.run([sys.executable, "-c", FULL_DISK, "scan", str(book), "-o", str(out / name), *NO_MODEL],
                          capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == EXIT_OUTPUT, proc.stderr
    assert proc.stderr == (f"analogscan: error: {out / name}: cannot write: File too large (nothing written; "
                           "an earlier file there is unchanged)\n")
    assert [p.name for p in out.iterdir()] == [name] and (out / name).read_bytes() == b"last year's report"


def test_a_full_disk_under_the_batch_cache_is_one_line_and_the_next_run_recovers(tmp_path: Path) -> None:
    root = tmp_path / "pref"
    for town in ("見本町", "例示村"):
        (root / town).mkdir(parents=True)
        for i in range(20):
            (root / town / f"r{i:02d}.txt").write_text(GOOD_TEXT.replace("公告式", f"第{i}公告式"), encoding="utf-8")
    out = tmp_path / "out"
    args = ["batch", str(root), "-o", str(out), *NO_MODEL]
    proc = subprocess.run([sys.executable, "-c", FULL_DISK.replace("2000", "20000"), *args],
                          capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == EXIT_OUTPUT, proc.stderr
    assert proc.stderr.startswith(f"analogscan: error: {out / 'cache.sqlite'}: cannot write the result cache: ")
    assert len(proc.stderr.splitlines()) == 1 and not list(out.glob("*.damaged-*"))
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert len((out / "findings.jsonl").read_text(encoding="utf-8").splitlines()) == 40


# ------------------------------------------------------------------ names, folders, decoding
def test_a_name_that_is_not_utf8_is_reported_and_every_format_is_written(book: Path, tmp_path: Path) -> None:
    bad = book / os.fsdecode("規則".encode("cp932") + b".txt")
    bad.write_text(GOOD_TEXT, encoding="utf-8")
    for fmt in ("jsonl", "csv", "xlsx", "html"):
        out = tmp_path / f"r.{fmt}"
        result = scan(str(book), "-o", str(out), *NO_MODEL)
        error, wrote = result.stderr.splitlines()  # the error, then the one-line summary of what was written
        assert (result.exit_code, error) == (1, f"analogscan: error: {book}/\\x8bK\\x91\\xa5.txt: {NAME_NOT_UTF8}")
        assert wrote.startswith(f"wrote {out}: ")
        assert out.stat().st_size > 0
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_separators_in_a_name_keep_the_error_on_one_line() -> None:
    line = one_line("a\u2028b\u2029c\u061cd\u200be\ufefff\udc8bg")
    assert line == "a\\u2028b\\u2029c\\u061cd\\u200be\\ufefff\\x8bg"
    assert len(line.splitlines()) == 1 and line.encode("utf-8")


def test_an_unreadable_subfolder_is_named_and_the_rest_is_read(book: Path, monkeypatch) -> None:
    locked = book / "locked"
    locked.mkdir()
    (locked / "c.txt").write_text(GOOD_TEXT, encoding="utf-8")
    real = os.scandir

    def scandir(path):
        if Path(path) == locked:
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    got = [str(x) if isinstance(x, ReadError) else x.title for x in read_paths([book])]
    assert got == [f"{locked}: folder not read: Permission denied", "見本町公告式規則", "見本町庁舎管理規則"]


def test_a_false_charset_declaration_falls_back_to_detection() -> None:
    body = "<p>第1条 告示は、役場前の掲示場に掲示して公示する。</p>"
    for declared in ("ISO-8859-1", "windows-1252", "koi8-r"):
        page = f'<html><head><meta charset="{declared}"></head><body>{body}</body></html>'.encode()
        text, encoding = decode(page)
        assert (encoding, body in text) == ("utf_8", True)
    latin = '<html><head><meta charset="ISO-8859-1"></head><body>Café</body></html>'.encode("latin-1")
    assert decode(latin) == ('<html><head><meta charset="ISO-8859-1"></head><body>Café</body></html>', "iso8859-1")


def test_nul_bytes_anywhere_mean_binary() -> None:
    data = GOOD_TEXT.encode("utf-8") * 1000 + b"\x00" * 16
    assert len(data) > 64 * 1024
    with pytest.raises(ReadError, match=r"^x: binary file \(NUL bytes\), not text$"):
        read_bytes(data, "x", "x")


# ------------------------------------------------------------------ per-file limits
def test_too_many_units_in_one_file(book: Path) -> None:
    many = book / "many.txt"
    many.write_text("○多い規則\n" + "".join(f"第{i}条 職員は掲示する。\n" for i in range(1, 8)), encoding="utf-8")
    result = CliRunner().invoke(main, ["units", str(book), "--max-units-per-file", "5"])
    assert result.exit_code == 1
    assert result.stderr == (f"analogscan: error: {many}: 7 provision units in one file (limit 5; raise it with "
                             "--max-units-per-file)\n")
    assert len(result.stdout.splitlines()) == 2


def test_a_file_over_the_time_limit_gives_nothing_partial(book: Path, monkeypatch) -> None:
    from analogscan import pipeline

    real = pipeline.scan_document

    def slow(doc, detector):
        if doc.title == "見本町庁舎管理規則":
            time.sleep(3)
        return real(doc, detector)

    monkeypatch.setattr(pipeline, "scan_document", slow)
    started = time.monotonic()
    result = scan(str(book), "--format", "jsonl", "--max-seconds-per-file", "0.5", *NO_MODEL)
    assert time.monotonic() - started < 2.5
    assert result.exit_code == 1
    assert result.stderr == (f"analogscan: error: {book / 'b.txt'}: took longer than 0.5 s to read and scan (limit; "
                             "raise it with --max-seconds-per-file); nothing from it is reported\n")
    assert {json.loads(x)["title"] for x in result.stdout.splitlines()} == {"見本町公告式規則"}


# ------------------------------------------------------------------ batch state
@pytest.fixture
def root(tmp_path: Path) -> Path:
    root = tmp_path / "pref"
    for town in ("見本町", "例示村"):
        (root / town).mkdir(parents=True)
        (root / town / "a.txt").write_text(GOOD_TEXT.replace("見本町", town), encoding="utf-8")
    return root


def batch(root: Path, out: Path, *extra: str):
    return CliRunner().invoke(main, ["batch", str(root), "-o", str(out), *NO_MODEL, *extra])


def test_a_cache_that_is_not_sqlite_is_moved_aside_and_rebuilt(root: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    clean = batch(root, out)
    assert clean.exit_code == 0, clean.output
    expected = undated(out / "findings.jsonl")
    (out / "cache.sqlite").write_bytes(b"this is not a database, it is staff notes" * 100)
    for f in out.glob("cache.sqlite-*"):
        f.unlink()
    result = batch(root, out)
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines()[0] == (f"analogscan: warning: {out / 'cache.sqlite'}: damaged result cache "
                                             "(file is not a database) moved to cache.sqlite.damaged-1; every file is "
                                             "scanned again")
    assert (out / "cache.sqlite.damaged-1").read_bytes().startswith(b"this is not a database")
    assert undated(out / "findings.jsonl") == expected
    assert "files scanned 0, reused from cache 2" in batch(root, out).stderr  # the new cache is used


def test_a_damaged_cache_row_is_scanned_again(root: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert batch(root, out).exit_code == 0
    expected = undated(out / "findings.jsonl")
    db = sqlite3.connect(out / "cache.sqlite")
    with db:
        db.execute("UPDATE files SET findings = x'00ff00ff' WHERE municipality = '例示村'")
    db.close()
    result = batch(root, out)
    assert result.exit_code == 0, result.output
    assert "files scanned 1, reused from cache 1" in result.stderr
    assert undated(out / "findings.jsonl") == expected


def test_outdir_inside_root_is_refused(root: Path) -> None:
    result = batch(root, root / "out")
    assert (result.exit_code, result.stderr) == (2, (
        f"analogscan: error: {root / 'out'}: the output folder is inside {root}, which is read as input "
        "(the next run would read its own outputs); choose -o outside it\n"))
    assert not (root / "out").exists()


def test_duplicate_unit_ids_from_two_files_are_not_merged(root: Path, tmp_path: Path) -> None:
    town = root / "見本町"
    unit = {"id": "u1", "source": "same.html", "title": "見本町規則", "body": "見本町"}
    (town / "one.jsonl").write_text(json.dumps({**unit, "text": "職員は、掲示場に掲示する。"}, ensure_ascii=False) + "\n",
                                    encoding="utf-8")
    (town / "two.jsonl").write_text(json.dumps({**unit, "text": "管理人を常駐させなければならない。"},
                                               ensure_ascii=False) + "\n", encoding="utf-8")
    result = batch(root, tmp_path / "out")
    assert result.exit_code == 1, result.output
    assert [x for x in result.stderr.splitlines() if "error" in x] == [(
        f"analogscan: error: {town / 'two.jsonl'}: unit u1 of same.html was already read from {town / 'one.jsonl'} "
        "(duplicate unit ids); this file's findings are left out")]
    texts = [json.loads(x)["text"] for x in (tmp_path / "out" / "findings.jsonl").read_text(encoding="utf-8").splitlines()]
    assert "管理人を常駐させなければならない。" not in texts and "職員は、掲示場に掲示する。" in texts


def test_a_municipality_folder_named_in_cp932_is_one_line(root: Path, tmp_path: Path) -> None:
    bad = root / os.fsdecode("町".encode("cp932"))
    shutil.copytree(root / "見本町", bad)
    result = batch(root, tmp_path / "out")
    assert result.exit_code == 1, result.output
    errors = [x for x in result.stderr.splitlines() if "error" in x]
    assert errors == [(f"analogscan: error: {root}/\\x92\\xac: folder name is not UTF-8 (its bytes are shown as "
                       "\\xNN), not read: rename it to UTF-8 to scan it")]


def test_units_reads_each_file_within_the_time_limit(book: Path, monkeypatch) -> None:
    from analogscan import ingest
    from analogscan.ingest import plaintext

    real = plaintext.read

    def slow(text, source, doc_id):
        if "庁舎管理" in text:
            time.sleep(3)
        return real(text, source, doc_id)

    monkeypatch.setitem(ingest.READERS, "text", slow)
    result = CliRunner().invoke(main, ["units", str(book), "--max-seconds-per-file", "0.5"])
    assert result.exit_code == 1
    assert result.stderr == (f"analogscan: error: {book / 'b.txt'}: took longer than 0.5 s to read and scan (limit; "
                             "raise it with --max-seconds-per-file); nothing from it is reported\n")
    assert [json.loads(x)["title"] for x in result.stdout.splitlines()] == ["見本町公告式規則"]

"""Issue 16: ``review import`` treats a staff workbook as untrusted. Each hostile workbook gives one line
naming it and nothing from it is imported; good workbooks given after it are still imported; the rows
of a sheet with a false <dimension> are all read; limits on size, ratio and rows; a store of another shape."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner
from hostile import false_dimension, make_hostile_workbooks
from test_review_store import sheet

from analogscan.cli import main
from analogscan.ingest.limits import Limits
from analogscan.model import ReadError
from analogscan.review.store import ReviewStore
from analogscan.review.workbook_import import read_workbook

DECIDED = {2: ("該当", "電子化"), 3: ("非該当", ""), 4: ("要確認", ""), 5: ("該当", "")}


@pytest.fixture(scope="module")
def good(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return sheet(tmp_path_factory.mktemp("good"), DECIDED)


def test_each_hostile_workbook_is_one_line_and_the_good_one_after_it_is_imported(tmp_path: Path, good: Path) -> None:
    expected = make_hostile_workbooks(tmp_path / "bad", good.read_bytes())
    assert len(expected) == 7
    names = sorted(expected)
    store = tmp_path / "review.sqlite"
    result = CliRunner().invoke(main, ["review", "import", *(str(tmp_path / "bad" / n) for n in names), str(good),
                                       "--store", str(store)])
    assert result.exit_code == 1, result.output
    lines = [x for x in result.stderr.splitlines() if x.startswith("analogscan: error:")]
    assert len(lines) == len(names)
    for line, name in zip(lines, names, strict=True):
        want = f"analogscan: error: {tmp_path / 'bad' / name}: {expected[name]}"
        assert line.startswith(want[:-1]) if want.endswith("…") else line == want, line
    assert f"{good}: 4 decisions imported into {store}" in result.stderr
    with ReviewStore(store) as db:
        assert len(db.decisions()) == 4 and [i.source for i in db.imports()] == [str(good)]


def test_a_false_dimension_hides_no_row(tmp_path: Path, good: Path) -> None:
    lying = tmp_path / "lying.xlsx"
    lying.write_bytes(false_dimension(good.read_bytes()))
    assert [d.verdict for d in read_workbook(lying).decisions] == ["該当", "非該当", "要確認", "該当"]


def test_row_and_size_limits(tmp_path: Path, good: Path) -> None:
    result = CliRunner().invoke(main, ["review", "import", str(good), "--max-rows", "3",
                                       "--store", str(tmp_path / "s.sqlite")])
    assert result.exit_code == 2
    assert result.stderr == f"analogscan: error: {good}: 点検シート has more than 3 rows (limit; raise it with --max-rows)\n"
    with pytest.raises(ReadError, match=r"workbook too large: its parts expand to over 2,000 bytes$"):
        read_workbook(good, limits=Limits(max_workbook_xml_bytes=2000))
    with pytest.raises(ReadError, match=r"workbook too large \([\d,]+ bytes > 1,000 bytes limit; raise it with"):
        read_workbook(good, limits=Limits(max_file_bytes=1000))
    assert not (tmp_path / "s.sqlite").exists()


def test_a_store_of_another_shape_is_one_line(tmp_path: Path, good: Path) -> None:
    other = tmp_path / "other.sqlite"
    db = sqlite3.connect(other)
    db.executescript("CREATE TABLE decisions (x TEXT); CREATE TABLE imports (y TEXT); PRAGMA user_version = 1;")
    db.close()
    for args in (["review", "import", str(good), "--store", str(other)],
                 ["review", "export", "--labels", str(tmp_path / "l.jsonl"), "--store", str(other)]):
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 2, result.output
        assert result.stderr == (f"analogscan: error: {other}: not a review store of this analogscan "
                                 "(table imports has the columns y)\n")


def test_a_workbook_over_the_time_limit_imports_nothing(tmp_path: Path, good: Path, monkeypatch) -> None:
    import time

    from analogscan.review import workbook_import

    real = workbook_import._row

    def slow(*args, **kwargs):
        time.sleep(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(workbook_import, "_row", slow)
    store = tmp_path / "s.sqlite"
    result = CliRunner().invoke(main, ["review", "import", str(good), "--max-seconds-per-file", "1.5",
                                       "--store", str(store)])
    assert result.exit_code == 2
    assert result.stderr == (f"analogscan: error: {good}: took longer than 1.5 s to import (limit; raise it with "
                             "--max-seconds-per-file); nothing from it is imported\n")
    assert not store.exists()

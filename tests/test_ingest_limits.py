"""The size limits: per file, per unit, per zip member and per archive, set from the command line."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from analogscan.cli import main
from analogscan.ingest import archive, read_paths
from analogscan.ingest.limits import Limits
from analogscan.model import Document, ReadError

TEXT = "○見本町公告式規則\n第1条 告示は、役場前の掲示場に掲示して公示する。\n第2条 この規則は、公布の日から施行する。\n"


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def test_unit_limit_fails_the_file_not_the_run(tmp_path: Path) -> None:
    long = tmp_path / "long.txt"
    long.write_text("○長い規則\n第1条 " + "掲示する。" * 40 + "\n", encoding="utf-8")
    short = tmp_path / "short.txt"
    short.write_text(TEXT, encoding="utf-8")
    result = CliRunner().invoke(main, ["units", str(long), str(short), "--max-unit-chars", "150"])
    assert result.exit_code == 1
    assert result.stderr == (f"analogscan: error: {long}: unit 第1条 has 200 characters "
                             "(limit 150; raise it with --max-unit-chars)\n")
    assert [line.split('"citation": ')[1].split(",")[0] for line in result.stdout.splitlines()] == [
        '"第1条"', '"第2条"']


def test_file_limit_from_the_command_line(tmp_path: Path) -> None:
    path = tmp_path / "rule.txt"
    path.write_text(TEXT, encoding="utf-8")
    size = path.stat().st_size
    result = CliRunner().invoke(main, ["units", str(path), "--max-file-mb", "0.0001"])
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (f"analogscan: error: {path}: file too large ({size:,} bytes > 104 bytes limit; "
                             "raise it with --max-file-mb)\n")
    assert CliRunner().invoke(main, ["units", str(path), "--max-file-mb", "0.01"]).exit_code == 0


def test_zip_members_share_one_archive_budget(tmp_path: Path) -> None:
    data = (TEXT + "第3条 告示は、掲示場に掲示する。\n" * 30).encode("utf-8")
    path = _zip(tmp_path / "rb.zip", {"a.txt": data, "b.txt": data, "c.txt": data})
    assert path.stat().st_size < 2 * len(data)  # the zip file itself is within the limit
    items = list(read_paths([path], Limits(max_archive_bytes=2 * len(data) + 10)))
    assert [(type(i).__name__, i.doc_id if isinstance(i, Document) else str(i)) for i in items] == [
        ("Document", "rb/a"), ("Document", "rb/b"),
        ("ReadError", (f"{path}: archive too large (over {2 * len(data) + 10:,} bytes uncompressed); "
                      "the remaining members are not read")),
    ]


def test_zip_file_over_the_archive_limit_is_not_opened(tmp_path: Path) -> None:
    path = _zip(tmp_path / "rb.zip", {"a.txt": TEXT.encode("utf-8")})
    size = path.stat().st_size
    assert [str(i) for i in read_paths([path], Limits(max_archive_bytes=100))] == [
        f"{path}: archive too large ({size:,} bytes > 100 bytes)"]


def test_member_read_stops_at_the_limit_whatever_the_header_says() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("a.txt", b"x" * 5000)
    with zipfile.ZipFile(buf) as zf:
        info = zf.getinfo("a.txt")
        assert archive.read_member(zf, info, 5000) == b"x" * 5000
        with pytest.raises(archive.TooLarge) as exc:
            archive.read_member(zf, info, 1000)
    assert (exc.value.size, exc.value.limit) == (1001, 1000)


@pytest.mark.parametrize(("name", "reason"), [
    ("../x.txt", "path traversal ('..') in archive member name, not read"),
    ("a/../../x.txt", "path traversal ('..') in archive member name, not read"),
    ("..\\x.txt", "path traversal ('..') in archive member name, not read"),
    ("/x.txt", "absolute path in archive, not read"),
    ("\\\\server\\share\\x.txt", "absolute path in archive, not read"),
    ("D:x.txt", "absolute path in archive, not read"),
    ("a/b..c.txt", None),
])
def test_member_names(name: str, reason: str | None) -> None:
    info = zipfile.ZipInfo(name)
    info.file_size = info.compress_size = 10
    assert archive.refusal(info, Limits()) == reason


def test_ratio_is_checked_only_for_big_members() -> None:
    info = zipfile.ZipInfo("a.txt")
    info.file_size, info.compress_size = 900_000, 100  # below the 1 MiB floor: a page of blanks
    assert archive.refusal(info, Limits()) is None
    info.file_size = 2 * 1024 * 1024
    assert archive.refusal(info, Limits()) == ("suspicious compression ratio (20971:1 > 100:1), possible zip bomb, "
                                               "not read")
    info.compress_size = 1024 * 1024
    assert archive.refusal(info, Limits()) is None


def test_error_text_is_one_line(tmp_path: Path) -> None:
    err = ReadError("a\nb\u202e.txt", "bad\r\nreason")
    assert str(err) == "a\\x0ab\\u202e.txt: bad\\x0d\\x0areason"


def test_a_path_the_system_refuses_is_one_error(tmp_path: Path) -> None:
    name = str(tmp_path / ("a" * 300))
    good = tmp_path / "rule.txt"
    good.write_text(TEXT, encoding="utf-8")
    items = list(read_paths([name, good]))
    assert [str(i) if isinstance(i, ReadError) else i.doc_id for i in items] == [
        f"{name}: cannot open: File name too long", "rule"]

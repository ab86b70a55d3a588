"""An output path that is one of the inputs is refused before anything is read or written."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from analogscan.cli import main

TEXT = "○見本町公告式規則\n第1条 告示は、役場前の掲示場に掲示して公示する。\n"


def test_output_equal_to_an_input_file(tmp_path: Path) -> None:
    src = tmp_path / "rule.txt"
    src.write_text(TEXT, encoding="utf-8")
    for args in (["units", str(src), "-o", str(src)], ["scan", str(src), "--format", "jsonl", "-o", str(src)]):
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 2
        assert f"Invalid value for -o: {src} is one of the inputs ({src}); inputs are never overwritten" in result.stderr
        assert src.read_text(encoding="utf-8") == TEXT


def test_existing_file_inside_an_input_folder(tmp_path: Path) -> None:
    folder = tmp_path / "reiki"
    folder.mkdir()
    (folder / "rule.txt").write_text(TEXT, encoding="utf-8")
    old = folder / "units.jsonl"
    old.write_text('{"id": "x", "text": "告示は掲示する。"}\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["units", str(folder), "-o", str(old)])
    assert result.exit_code == 2 and "inputs are never overwritten" in result.stderr
    assert old.read_text(encoding="utf-8") == '{"id": "x", "text": "告示は掲示する。"}\n'
    # a new file in the input folder is fine (and hidden while it is written)
    new = folder / "new.jsonl"
    result = CliRunner().invoke(main, ["units", str(folder), "-o", str(new)])
    assert result.exit_code == 0
    assert new.read_text(encoding="utf-8").count("\n") == 2


def test_terminal_table_passes_no_escape_sequence_from_the_input() -> None:
    import io

    from rich.console import Console

    from analogscan.report import print_table

    text = "\x1b[2J\x1b]0;pwned\x07告示は、掲示場に掲示する。"
    start = text.index("掲示場")
    rec = {"title": "\x1b[8m見本町規則", "citation": "第1条\x9b", "type": "document_posting", "score": 0.9, "text": text,
           "evidence": [{"start": start, "end": start + 3, "text": "掲示場", "rule_id": "r"}]}
    buf = io.StringIO()
    print_table([rec], Console(file=buf, width=200, no_color=True, highlight=False))
    out = buf.getvalue()
    assert "\x1b" not in out and "\x07" not in out and "\x9b" not in out
    assert "│  [2J ]0;pwned 告示は、掲示場に掲示する。 │" in out and "│  [8m見本町規則 │ 第1条  │" in out


def test_units_keep_the_earlier_output_when_nothing_could_be_read(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    out = tmp_path / "out" / "units.jsonl"
    out.parent.mkdir()
    out.write_text("earlier\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["units", str(empty), "-o", str(out)])
    assert (result.exit_code, result.stderr) == (2, f"analogscan: error: {empty}: empty file\n")
    assert out.read_text(encoding="utf-8") == "earlier\n"
    assert [p.name for p in out.parent.iterdir()] == ["units.jsonl"]

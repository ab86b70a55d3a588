"""Issue 7's acceptance test: a folder of real rule books mixed with hostile and broken files scans
to completion, names each bad file in one line, and reports exactly the findings of a clean run."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from hostile import make_hostile
from outputs import undated, undated_text

from analogscan.cli import main
from analogscan.model import one_line

SECRET = "TOPSECRET-3141592653"


def _snapshot(root: Path) -> dict[str, tuple]:
    """Every entry under root: content hash, size and mtime of files; target of links."""
    snap: dict[str, tuple] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            p = Path(dirpath) / name
            try:
                st = p.lstat()
            except OSError:  # past the path-length limit (h35): os.walk does not descend there either
                snap[str(p)] = ("unreachable",)
                continue
            if p.is_symlink():
                snap[str(p)] = ("link", os.readlink(p))
            elif p.is_file():
                snap[str(p)] = (hashlib.sha256(p.read_bytes()).hexdigest(), st.st_size, st.st_mtime_ns)
            else:
                snap[str(p)] = ("other", st.st_mode, st.st_mtime_ns)
    return snap


def _targets_outside(base: Path) -> tuple[Path, Path]:
    """A secret file and a folder outside the rule book: what hostile links and entities point at."""
    secret = base / "secret.txt"
    secret.write_text(f"第1条 {SECRET}を掲示する。\n", encoding="utf-8")
    outside = base / "outside"
    outside.mkdir()
    (outside / "other.txt").write_text(f"○外の規則\n第1条 {SECRET}を目視で点検する。\n", encoding="utf-8")
    return secret, outside


@pytest.fixture(scope="module")
def rule_book(tmp_path_factory: pytest.TempPathFactory, repo: Path) -> dict:
    base = tmp_path_factory.mktemp("hostile")
    folder = base / "reiki"
    shutil.copytree(repo / "corpora" / "samples", folder)
    secret, outside = _targets_outside(base)

    runner = CliRunner()
    clean = base / "clean.jsonl"
    result = runner.invoke(main, ["scan", str(folder), "-o", str(clean)])
    assert result.exit_code == 0 and re.fullmatch(r"wrote \S+clean\.jsonl: \d+ findings \+ \d+ 種別要確認 "
                                                  r"from \d+ documents\n", result.stderr), result.stderr

    expected = make_hostile(folder, secret, outside)
    before = _snapshot(base)
    out = base / "hostile.jsonl"
    result = runner.invoke(main, ["scan", str(folder), "-o", str(out)])
    return {"folder": folder, "expected": expected, "result": result, "clean": clean, "out": out,
            "before": before, "after": _snapshot(base)}


def test_at_least_twenty_hostile_inputs(rule_book: dict) -> None:
    assert len(rule_book["expected"]) == 40


def test_scan_completes_with_exit_1(rule_book: dict) -> None:
    result = rule_book["result"]
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.exit_code == 1


def test_each_bad_file_reported_once_in_one_line(rule_book: dict) -> None:
    folder = rule_book["folder"]
    want = sorted("analogscan: error: " + one_line(f"{folder / name}: {reason}")
                  for name, reason in rule_book["expected"].items())
    got = sorted(line for line in rule_book["result"].stderr.splitlines() if not line.startswith("wrote "))
    assert len(got) == len(want)
    for line, expected in zip(got, want, strict=True):
        if expected.endswith("…"):
            assert line.startswith(expected[:-1]), line
        else:
            assert line == expected


def test_findings_equal_a_clean_run(rule_book: dict) -> None:
    clean = rule_book["clean"].read_text(encoding="utf-8")
    # the bundled sample (例規 pages as JSONL) gives findings (their number follows the rules and model)
    assert {json.loads(line)["format"] for line in clean.splitlines()} == {"jsonl"}
    assert undated(rule_book["out"]) == undated_text(clean)


def test_no_secret_leaks_and_inputs_untouched(rule_book: dict) -> None:
    assert SECRET not in rule_book["out"].read_text(encoding="utf-8")
    assert SECRET not in rule_book["result"].stderr
    assert rule_book["after"] == {**rule_book["before"], str(rule_book["out"]): rule_book["after"][str(rule_book["out"])]}


def test_entities_in_html_are_not_expanded(tmp_path: Path, shared: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET, encoding="utf-8")
    page = (shared / "corpus" / "ordinances" / "reikibase" / "k518RG00000012.html").read_text(encoding="utf-8")
    dtd = f'<!DOCTYPE html [<!ENTITY x SYSTEM "{secret.as_uri()}"><!ENTITY y "{SECRET}">]>'
    hostile = tmp_path / "page.html"
    hostile.write_text(dtd + page.split("\n", 1)[1].replace("表彰", "表彰&x;&y;", 3), encoding="utf-8")
    result = CliRunner().invoke(main, ["units", str(hostile)])
    assert result.exit_code == 0
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(records) == 24 and SECRET not in result.stdout
    assert records[0]["title"] == "かつらぎ町表彰&x;&y;規程"


def test_wrong_declared_charset_falls_back_to_detection(shared: Path) -> None:
    from analogscan.ingest import read_bytes

    page = (shared / "corpus" / "ordinances" / "reikibase" / "k518RG00000012.html").read_bytes()
    wrong = page.replace(b"charset=utf-8", b"charset=Shift_JIS")
    assert wrong.count(b"Shift_JIS") == 1
    [right_doc], [wrong_doc] = read_bytes(page, "a.html", "a"), read_bytes(wrong, "a.html", "a")
    assert [u.text for u in wrong_doc.units] == [u.text for u in right_doc.units]
    assert len(right_doc.units) == 24


def test_batch_over_hostile_municipality(tmp_path: Path, repo: Path) -> None:
    """The same hostile folder as one municipality of a batch: every bad file is one line, the secret
    behind the links is never read, and the good files give the findings of a clean batch."""
    root = tmp_path / "pref"
    good, bad = root / "見本町", root / "悪意町"
    shutil.copytree(repo / "corpora" / "samples", good)
    shutil.copytree(repo / "corpora" / "samples", bad)
    secret, outside = _targets_outside(tmp_path)
    clean = CliRunner().invoke(main, ["batch", str(root), "-o", str(tmp_path / "clean"), "--jobs", "1"])
    assert clean.exit_code == 0, clean.output
    expected = make_hostile(bad / "hostile", secret, outside)
    result = CliRunner().invoke(main, ["batch", str(root), "-o", str(tmp_path / "out"), "--jobs", "1"])
    assert result.exit_code == 1
    got = sorted(line for line in result.stderr.splitlines() if line.startswith("analogscan: error:"))
    want = sorted("analogscan: error: " + one_line(f"{bad / 'hostile' / name}: {reason}")
                  for name, reason in expected.items())
    assert len(got) == len(want)  # each hostile input named once, nothing else
    for line, wanted in zip(got, want, strict=True):
        assert line.startswith(wanted[:-1]) if wanted.endswith("…") else line == wanted
    out = (tmp_path / "out" / "findings.jsonl").read_text(encoding="utf-8")
    assert SECRET not in out and SECRET not in result.output
    assert re.sub(r'"date": "[0-9T:-]+Z"', "", out) == re.sub(
        r'"date": "[0-9T:-]+Z"', "", (tmp_path / "clean" / "findings.jsonl").read_text(encoding="utf-8"))

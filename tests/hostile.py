"""Generate hostile and broken rule-book inputs: ``make_hostile(folder)`` writes them and returns,
for each, the exact one-line error ``analogscan`` must report (path relative to ``folder`` → reason;
a reason ending in "…" is a prefix).

Nothing here is committed as a binary: every file is built from a few bytes at test time.
"""

from __future__ import annotations

import io
import os
import stat
import struct
import zipfile
from pathlib import Path

from sample_pages import all_page_texts

LAW_HEAD = ('<Law Era="Showa" Year="25" Num="201" LawType="Act" Lang="ja"><LawNum>昭和二十五年法律第二百一号</LawNum>'
            "<LawBody><LawTitle>見本法</LawTitle><MainProvision><Article Num=\"1\"><ArticleTitle>第一条</ArticleTitle>"
            '<Paragraph Num="1"><ParagraphNum/><ParagraphSentence><Sentence>')
LAW_TAIL = "</Sentence></ParagraphSentence></Paragraph></Article></MainProvision></LawBody></Law>"
GOOD_TEXT = "○見本町公告式規則\n第1条 告示は、役場前の掲示場に掲示して公示する。\n"

DTD_REFUSED = "XML with a DTD or entity declarations refused (e-Gov XML has none; entities are never expanded)"
UNKNOWN = "unknown format (not Reiki-Base, D1-Law, e-Gov XML, JSONL or 例規 plain text)"
BINARY = "binary file (NUL bytes), not text"
UNDECODABLE = "not decodable as UTF-8, CP932 (Shift_JIS) or EUC-JP"
SYMLINK = "symbolic link inside a folder, not followed (give its target instead)"


def _law(sentence: str, prolog: str = "") -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n{prolog}{LAW_HEAD}{sentence}{LAW_TAIL}').encode()


def _zip(members: dict[str, bytes], symlinks: tuple[str, ...] = ()) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            info = zipfile.ZipInfo(name)
            info.compress_type = zipfile.ZIP_DEFLATED
            if name in symlinks:
                info.create_system = 3
                info.external_attr = (stat.S_IFLNK | 0o777) << 16
            zf.writestr(info, data)
    return buf.getvalue()


def junk(n: int, nul: bool) -> bytes:
    """Deterministic bytes that are not text in any Japanese encoding (with or without NUL bytes)."""
    data = bytes((i * 131 + 7) % 256 for i in range(n))
    return data if nul else data.replace(b"\x00", b"\xff")


def make_hostile(folder: Path, secret: Path, outside_dir: Path) -> dict[str, str]:
    """Write the hostile files into ``folder``; ``secret`` and ``outside_dir`` lie outside it
    (targets of external entities and symbolic links). Returns relative name → expected reason."""
    folder.mkdir(parents=True, exist_ok=True)
    expected: dict[str, str] = {}

    def put(name: str, data: bytes | str, reason: str) -> None:
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        expected[name] = reason

    uri = secret.resolve().as_uri()
    # --- XML attacks
    put("h01_xxe_file.xml", _law("職員は&x;を掲示する。", f'<!DOCTYPE Law [<!ENTITY x SYSTEM "{uri}">]>'), DTD_REFUSED)
    put("h02_xxe_network.xml", _law("掲示する。", '<!DOCTYPE Law SYSTEM "http://127.0.0.1:9/law.dtd">'), DTD_REFUSED)
    laughs = '<!ENTITY a "哈哈哈哈哈哈哈哈哈哈">' + "".join(
        f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(9))
    put("h03_billion_laughs.xml", _law("&j;", f"<!DOCTYPE Law [{laughs}]>"), DTD_REFUSED)
    # (a reason ending in "…" is matched as a prefix: libxml2 adds line and column)
    put("h04_deep.xml", _law("<Ruby>" * 3000 + "掲示" + "</Ruby>" * 3000),
        "malformed XML: Excessive depth in document: 2048, use XML_PARSE_HUGE option, line 2…")
    law = _law("職員は、掲示しなければならない。").decode("utf-8")
    put("h05_truncated.xml", law[: law.index("しなければ")], "malformed XML: Premature end of data in tag Sentence…")
    # --- markup and junk
    put("h06_deep.html", "<html><body>" + "<div>" * 100_000 + "第1条 掲示する。" + "</div>" * 100_000, UNKNOWN)
    put("h07_junk.html", junk(4096, nul=False), UNDECODABLE)
    put("h08_junk.xml", junk(4096, nul=True), BINARY)
    put("h09_image.html", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, BINARY)
    put("h10_utf16.txt", GOOD_TEXT.encode("utf-16"), BINARY)
    put("h11_mixed_encodings.txt", GOOD_TEXT.encode("utf-8") + "第2条 掲示する。\n".encode("cp932"), UNDECODABLE)
    put("h12_empty.html", b"", "empty file")
    put("h13_blank.txt", b"\r\n \t\n", "empty file")
    put("h14_long_line.txt", "○長い規則\n第1条 " + "職員は、庁舎を掲示場として使用する。" * 4000 + "\n",
        "unit 第1条 has 72,000 characters (limit 50,000; raise it with --max-unit-chars)")
    with open(folder / "h15_huge.txt", "wb") as fh:  # sparse: 33 MiB on paper, nothing on disk
        fh.truncate(33 * 1024 * 1024)
    expected["h15_huge.txt"] = "file too large (33.0 MB > 32.0 MB limit; raise it with --max-file-mb)"
    put("h16_bad.jsonl", '{"id": "a", "text": "掲示する。"}\n[1, 2]\n', "line 2: expected a JSON object, got list")
    # --- archives
    put("h17_broken.zip", b"PK\x03\x04 not really a zip", "broken zip archive: File is not a zip file")
    put("h18_truncated.zip", _zip({"a.txt": GOOD_TEXT.encode("utf-8")})[:40],
        "broken zip archive: File is not a zip file")
    bad_zip = _zip({
        "../../evil.txt": GOOD_TEXT.encode("utf-8"),
        "/etc/passwd.txt": GOOD_TEXT.encode("utf-8"),
        "C:/Windows/win.txt": GOOD_TEXT.encode("utf-8"),
        "link.txt": b"/etc/passwd",
        "inner.zip": _zip({"a.txt": GOOD_TEXT.encode("utf-8")}),
        "bomb.txt": b"\x20" * (8 * 1024 * 1024),
    }, symlinks=("link.txt",))
    put("h19_hostile.zip", bad_zip, "")
    del expected["h19_hostile.zip"]
    z = "h19_hostile.zip!"
    expected.update({
        z + "../../evil.txt": "path traversal ('..') in archive member name, not read",
        z + "/etc/passwd.txt": "absolute path in archive, not read",
        z + "C:/Windows/win.txt": "absolute path in archive, not read",
        z + "bomb.txt": "suspicious compression ratio (1028:1 > 100:1), possible zip bomb, not read",
        z + "inner.zip": "archive inside an archive, not opened (unpack it first)",
        z + "link.txt": "symbolic link in archive, not followed",
    })
    # the header says 100 bytes, the member inflates to 2 MB: reading stops at the header's size, the CRC fails
    liar = bytearray(_zip({"liar.txt": (GOOD_TEXT * 20000).encode("utf-8")}))
    struct.pack_into("<I", liar, 22, 100)  # local header: uncompressed size
    struct.pack_into("<I", liar, liar.index(b"PK\x01\x02") + 24, 100)  # central directory: the same
    put("h25_lying_header.zip", bytes(liar), "")
    del expected["h25_lying_header.zip"]
    expected["h25_lying_header.zip!liar.txt"] = "cannot extract: Bad CRC-32 for file 'liar.txt'"
    # Reiki-Base markup nested 50,000 deep: libxml2 stops at its depth limit, nothing readable is left
    put("h26_deep_reikibase.html", '<html><body><div id="primaryInner"><div class="eline">' + "<span>" * 50_000
        + "第1条 掲示する。" + "</span>" * 50_000 + "</div></div></body></html>",
        "no provision text found (read as reikibase)")
    page = all_page_texts()[0].encode("utf-8")
    cut = page.index("検査".encode(), len(page) // 2) + 2  # inside 検
    put("h27_cut_download.txt", page[:cut], "truncated file: it ends in the middle of a UTF-8 character")
    deep_json = '{"id": "x", "text": "掲示する。", "path": ' + "[" * 100_000 + "]" * 100_000 + "}\n"
    put("h28_deep_json.jsonl", deep_json, "line 1: JSON nested too deeply")
    put("h29_deep_json.dat", deep_json, UNKNOWN)  # crashed the whole run: sniffing raised RecursionError
    # hidden folders are not read at all (no error line either)
    put(".git/HEAD", junk(100, nul=True), "")
    del expected[".git/HEAD"]
    # --- the file system
    os.symlink(secret, folder / "h20_link_to_secret.txt")
    expected["h20_link_to_secret.txt"] = SYMLINK
    os.symlink(outside_dir, folder / "h21_link_to_folder")
    expected["h21_link_to_folder"] = SYMLINK
    os.mkfifo(folder / "h22_pipe.txt")
    expected["h22_pipe.txt"] = "not a regular file (device, pipe or socket)"
    put("h23_name\nwith\x1b[31mcontrol.txt", b"", "empty file")
    put("h24_vendor.html", '<!DOCTYPE html><html><body><div class="x">第1条 掲示する。</div></body></html>', UNKNOWN)
    # --- issue 16: names, folders, NULs late in the file, duplicate archive members
    put("h30_late_nul.txt", GOOD_TEXT.encode("utf-8") * 400 + b"\x00" * 64 + GOOD_TEXT.encode("utf-8"), BINARY)
    cp932 = os.fsdecode("h31_規則".encode("cp932") + b".txt")  # as a Windows tool writes it on a share
    put(cp932, GOOD_TEXT, NAME_NOT_UTF8)
    put(os.fsdecode("h32_sub_".encode("cp932") + "例規".encode("cp932")) + "/a.txt", GOOD_TEXT, NAME_NOT_UTF8)
    put("h33_\u2028line\u2029para\u061cmark.txt", b"", "empty file")
    put("h34_same_name_twice.zip", _zip_twice("a.txt", GOOD_TEXT.encode("utf-8"),
                                              "○別の規則\n第1条 職員は常駐する。\n".encode()), "")
    del expected["h34_same_name_twice.zip"]
    expected["h34_same_name_twice.zip!a.txt"] = "the archive holds 2 members of this name; none of them read"
    expected.update(_too_deep(folder, "h35_deep"))
    return expected


NAME_NOT_UTF8 = ("file name is not UTF-8 (its bytes are shown as \\xNN; e.g. CP932 from a Windows share), "
                 "not read: rename it to UTF-8 (convmv -f cp932 -t utf8) to scan it")


def _zip_twice(name: str, first: bytes, second: bytes) -> bytes:
    """A zip with two members of the same name (zipfile warns, but writes it; other tools do too)."""
    import warnings

    buf = io.BytesIO()
    with warnings.catch_warnings(), zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        warnings.simplefilter("ignore")
        zf.writestr(name, first)
        zf.writestr(name, second)
    return buf.getvalue()


def _too_deep(folder: Path, name: str) -> dict[str, str]:
    """Folders nested past the system's path-length limit (PATH_MAX, 4,096 bytes on Linux), made by
    relative steps, a rule book at the bottom: the folder whose path is too long is named, the rest read."""
    level = "d" * 200
    os.mkdir(folder / name)
    fd = os.open(folder / name, os.O_RDONLY)
    path, rel, failing = folder / name, name, ""
    try:
        for _ in range(25):
            os.mkdir(level, dir_fd=fd)
            nxt = os.open(level, os.O_RDONLY, dir_fd=fd)
            os.close(fd)
            fd = nxt
            path, rel = path / level, f"{rel}/{level}"
            if not failing and len(os.fsencode(str(path))) >= 4096:
                failing = rel
        leaf = os.open("rule.txt", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd)
        os.write(leaf, GOOD_TEXT.encode("utf-8"))
        os.close(leaf)
    finally:
        os.close(fd)
    return {failing: "folder not read: File name too long"}


if __name__ == "__main__":  # python tests/hostile.py DIR — a folder to try by hand: analogscan scan DIR/reiki
    import shutil
    import sys

    base = Path(sys.argv[1])
    shutil.copytree(Path(__file__).resolve().parents[1] / "corpora" / "samples", base / "reiki")
    (base / "secret.txt").write_text("第1条 秘密を掲示する。\n", encoding="utf-8")
    (base / "outside").mkdir()
    print(f"{len(make_hostile(base / 'reiki', base / 'secret.txt', base / 'outside'))} hostile inputs in {base / 'reiki'}")


# ------------------------------------------------------------------ staff workbooks (review import)
SHEET_PART = "xl/worksheets/sheet1.xml"
WORKBOOK_BROKEN = "cannot read the workbook at 点検シート row 3: "


def rezip(xlsx: bytes, parts: dict[str, bytes]) -> bytes:
    """The workbook with some parts replaced or added (everything else copied as it was)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(xlsx)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename not in parts:
                dst.writestr(info.filename, src.read(info))
        for name, data in parts.items():
            dst.writestr(name, data)
    return out.getvalue()


def _cell_a3(sheet: bytes, replacement: str) -> bytes:
    """The sheet with its cell A3 (a decided row's 自治体) replaced by ``replacement``."""
    text = sheet.decode("utf-8")
    start = text.index('<c r="A3"')
    end = text.index("</c>", start) + len("</c>")
    return (text[:start] + replacement + text[end:]).encode("utf-8")


def make_hostile_workbooks(folder: Path, good: bytes) -> dict[str, str]:
    """Hostile variants of ``good`` (an edited 点検シート whose rows 2–5 carry decisions) written into
    ``folder``; returns name → the reason ``review import`` must give (a reason ending in "…" is a prefix)."""
    folder.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(io.BytesIO(good)) as zf:
        sheet = zf.read(SHEET_PART)
    head, _, rest = sheet.partition(b"<worksheet")
    cases = {
        "w01_dtd.xlsx": (rezip(good, {SHEET_PART: (head + b'<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa">]>'
                                                   b"<worksheet" + rest)}),
                         (f"part {SHEET_PART}: a DTD or entity declaration, refused (a 点検シート has none; entities "
                          "are never expanded)")),
        "w02_truncated_sheet.xlsx": (rezip(good, {SHEET_PART: sheet[: sheet.index(b'<c r="B3"')]}),
                                     WORKBOOK_BROKEN + "ParseError: no element found…"),
        "w03_bad_date.xlsx": (rezip(good, {SHEET_PART: _cell_a3(sheet, '<c r="A3" t="d"><v>yesterday</v></c>')}),
                              WORKBOOK_BROKEN + "ValueError: …"),
        "w04_bad_number.xlsx": (rezip(good, {SHEET_PART: _cell_a3(sheet, '<c r="A3" t="n"><v>見本市</v></c>')}),
                                WORKBOOK_BROKEN + "ValueError: …"),
        "w05_string_index.xlsx": (rezip(good, {SHEET_PART: _cell_a3(sheet, '<c r="A3" t="s"><v>99999</v></c>')}),
                                  WORKBOOK_BROKEN + "IndexError: list index out of range"),
        # 40 MiB of one repeated string in the shared strings: ~1000:1
        "w06_string_bomb.xlsx": (rezip(good, {"xl/sharedStrings.xml": b"<sst><si><t>" + b"a" * (40 * 1024 * 1024)
                                              + b"</t></si></sst>"}),
                                 "part xl/sharedStrings.xml: suspicious compression ratio (over 100:1), possible zip bomb, not read"),
        "w07_not_a_zip.xlsx": (b"PK\x03\x04" + junk(200, nul=True), "cannot read the workbook: …"),
    }
    for name, (data, _reason) in cases.items():
        (folder / name).write_bytes(data)
    return {name: reason for name, (_data, reason) in cases.items()}


def false_dimension(good: bytes) -> bytes:
    """``good`` whose sheet claims to end at row 2 (<dimension ref="A1:AA2"/>): every row must still be read."""
    with zipfile.ZipFile(io.BytesIO(good)) as zf:
        sheet = zf.read(SHEET_PART).decode("utf-8")
    start = sheet.index("<dimension ")
    end = sheet.index("/>", start) + 2
    return rezip(good, {SHEET_PART: (sheet[:start] + '<dimension ref="A1:AA2"/>' + sheet[end:]).encode("utf-8")})

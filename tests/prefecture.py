"""A test prefecture built from ../shared/corpus: one folder or .zip per municipality, mixed formats,
one broken file, and provisions that several municipalities share (選挙人名簿の抄本の閲覧, 防火管理講習)."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

# body in excerpts-dev.jsonl → how its pages are stored
JSONL_BODIES = ("新庄村", "入間東部地区消防組合", "小美玉市", "北広島市")
TEXT_BODIES = ("久慈市", "高島市", "牟岐町")
ZIP_BODY = "久米南町"


def _pages(shared: Path) -> dict[str, list[dict]]:
    by_body: dict[str, list[dict]] = {}
    with (shared / "corpus" / "ordinances" / "excerpts-dev.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            page = json.loads(line)
            by_body.setdefault(page["body"], []).append(page)
    return by_body


def _jsonl(pages: list[dict]) -> str:
    return "".join(json.dumps(p, ensure_ascii=False) + "\n" for p in pages)


def build_prefecture(shared: Path, root: Path) -> Path:
    """Write the prefecture under ``root`` (which must not exist yet) and return it."""
    corpus = shared / "corpus" / "ordinances"
    pages = _pages(shared)
    root.mkdir(parents=True)
    katsuragi = root / "かつらぎ町"
    katsuragi.mkdir()
    for html in sorted((corpus / "reikibase").glob("*.html")):
        shutil.copyfile(html, katsuragi / html.name)
    for i, page in enumerate(pages["かつらぎ町"], start=1):
        (katsuragi / f"excerpt{i}.txt").write_text(page["text"], encoding="utf-8")
    rumoi = root / "留萌市"
    rumoi.mkdir()
    shutil.copyfile(corpus / "d1law" / "H505901010023_j.html", rumoi / "H505901010023_j.html")
    for body in JSONL_BODIES:
        (root / body).mkdir()
        (root / body / "pages.jsonl").write_text(_jsonl(pages[body]), encoding="utf-8")
    for body in TEXT_BODIES:
        (root / body).mkdir()
        for i, page in enumerate(pages[body], start=1):
            (root / body / f"{i:02d}.txt").write_text(page["text"], encoding="utf-8")
    with zipfile.ZipFile(root / f"{ZIP_BODY}.zip", "w") as zf:
        zf.writestr("pages.jsonl", _jsonl(pages[ZIP_BODY]))
    # the broken file: a Reiki-Base page cut off before its body
    page = (corpus / "reikibase" / "k518RG00000055.html").read_bytes()
    (root / "牟岐町" / "broken.html").write_bytes(page[: page.index(b"<body")] if b"<body" in page else page[:400])
    return root

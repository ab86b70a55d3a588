"""Pages of the bundled sample (`corpora/samples/reiki-pages.jsonl`) as plain-text files, for tests that read
one 例規 page as a user would copy it from the 例規集 (the text of the page, nothing else)."""

from __future__ import annotations

import json
from pathlib import Path

PAGES = Path(__file__).resolve().parents[1] / "corpora" / "samples" / "reiki-pages.jsonl"
KANRININ = "葛飾区施設管理人規程"
ETSURAN = "選挙人名簿の抄本の閲覧等に関する規程"


def page_text(title: str) -> str:
    for line in PAGES.read_text(encoding="utf-8").splitlines():
        page = json.loads(line)
        if page["title"] == title:
            return page["text"].strip() + "\n"
    raise KeyError(title)


def all_page_texts() -> list[str]:
    return [json.loads(line)["text"] for line in PAGES.read_text(encoding="utf-8").splitlines()]


def write_page(folder: Path, name: str, title: str) -> Path:
    path = folder / name
    path.write_text(page_text(title), encoding="utf-8")
    return path

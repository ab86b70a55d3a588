"""The columns shared by the CSV and XLSX writers, and how each is read from a finding record."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from typing import Any

from ..detect.identity import record_identity
from ..labels import DEFAULT_CREDIT, finding_type_label
from .techview import techmap_cell

SEP = "、"

# filled in by staff (editable in the 点検シート); every other column is locked
STAFF_COLUMNS: tuple[str, ...] = ("判定", "見直し方針", "担当", "日付", "所管課")
# identifiers the review import matches on: grouped and hidden in the 点検シート (do not edit)
TECHNICAL_COLUMNS: tuple[str, ...] = ("unit_id", "柱書", "類型ID", "本文ハッシュ", "finding_id")

COLUMNS: tuple[str, ...] = (
    "自治体", "例規名", "種別", "番号", "条項", "見出し", "条文", "該当語", "類型", "確信度",
    "電子的代替", "電子的代替の根拠", "見直しの方向性", "業務類型", "活用可能な技術", "技術カタログ",
    "判定", "見直し方針", "担当", "日付", "所管課", "前回判定", "前回見直し方針", "再確認", "unit_id", "出典",
    "柱書", "類型ID", "本文ハッシュ", "finding_id",
)

COLUMN_NOTES: dict[str, str] = {
    "自治体": "例規を定めた自治体（国の法令は「国」）",
    "例規名": "例規・法令の題名",
    "種別": "条例・規則・要綱・法律などの種別",
    "番号": "例規番号",
    "条項": "該当箇所（条・項・号）",
    "見出し": "条の見出し",
    "条文": "該当箇所の本文。該当語を赤字で示す",
    "該当語": "類型の判定根拠となった語句",
    "類型": "アナログ規制の類型（8類型）。種別要確認の候補は別シート「種別要確認」",
    "確信度": "0〜1。高いほど該当の可能性が高い",
    "電子的代替": "同じ条項（または柱書）に電子的方法の定めがあるか",
    "電子的代替の根拠": "電子的代替と判断した語句",
    "見直しの方向性": "テクノロジーマップ上のフェーズ",
    "業務類型": "テクノロジーマップの業務類型",
    "活用可能な技術": "テクノロジーマップ（パターン2）の行と技術類型の数。技術類型の一覧は「技術」シート",
    "技術カタログ": "対応する技術カタログの分類",
    "判定": "担当者が記入（該当／非該当／要確認）",
    "見直し方針": "担当者が記入",
    "担当": "判定した担当者（記入。空欄ならファイルの最終更新者）",
    "日付": "判定した日（記入。空欄ならファイルの更新日時）",
    "所管課": "条項を所管する課（記入）",
    "前回判定": "前回の点検での判定（--review で照合したとき）",
    "前回見直し方針": "前回の点検での見直し方針",
    "再確認": "要＝前回判定の後に条文が変わった／新規＝前回の判定なし",
    "unit_id": "条項の識別子（再実行しても変わらない）",
    "出典": "読み込んだファイルまたは例規集ページのURL（リンク）",
    "柱書": "号の場合の項の柱書（照合に使う）",
    "類型ID": "類型の識別子（照合に使う。変更しないでください）",
    "本文ハッシュ": "正規化した条文の要約値（照合に使う。変更しないでください）",
    "finding_id": "例規・条文・類型から決まる識別子（条番号が変わっても同じ。変更しないでください）",
}


def unique(items: Iterable[str]) -> list[str]:
    """Non-empty items without repeats, first occurrence kept."""
    seen: dict[str, None] = {}
    for item in items:
        if item:
            seen.setdefault(item, None)
    return list(seen)


def matched_words(rec: Mapping[str, Any]) -> str:
    return SEP.join(unique(ev.get("text", "") for ev in rec.get("evidence") or []))


def digital_words(rec: Mapping[str, Any]) -> str:
    return SEP.join(unique(ev.get("text", "") for ev in rec.get("digital_evidence") or []))


def techmap_fields(rec: Mapping[str, Any]) -> dict[str, str]:
    """見直しの方向性, 業務類型, 活用可能な技術, 技術カタログ from ``rec["techmap"]`` ("" when absent;
    full or compact)."""
    tm = rec.get("techmap") or {}
    catalog = tm.get("catalog") or {}
    kinds = tm["業務類型"] if tm.get("compact") else [r.get("業務類型", "") for r in tm.get("rows") or []]
    return {
        "見直しの方向性": tm.get("phase") or "",
        "業務類型": SEP.join(unique(kinds)),
        "活用可能な技術": techmap_cell(tm),
        "技術カタログ": catalog.get("name") or "",
    }


def row_values(rec: Mapping[str, Any]) -> dict[str, Any]:
    """One report row; 確信度 stays a float (the CSV writer formats it, XLSX keeps it numeric)."""
    row: dict[str, Any] = {
        "自治体": rec.get("body") or "",
        "例規名": rec.get("title") or "",
        "種別": rec.get("kind") or "",
        "番号": rec.get("number") or "",
        "条項": rec.get("citation") or "",
        "見出し": rec.get("caption") or "",
        "条文": rec.get("text") or "",
        "該当語": matched_words(rec),
        "類型": finding_type_label(rec),
        "確信度": float(rec.get("score") or 0.0),
        "電子的代替": "あり" if rec.get("digital_alternative") else "なし",
        "電子的代替の根拠": digital_words(rec),
        "unit_id": rec.get("unit_id") or "",
        "出典": rec.get("source") or "",
        "柱書": rec.get("context") or "",
        "類型ID": rec.get("type") or "",
    }
    _, row["本文ハッシュ"], row["finding_id"] = record_identity(rec)
    row.update(techmap_fields(rec))
    row.update(review_fields(rec))
    return row


RECHECK = {"changed": "要", "new": "新規"}


def review_fields(rec: Mapping[str, Any]) -> dict[str, str]:
    """判定, 見直し方針 (pre-filled when an earlier decision carries over unchanged), 前回判定,
    前回見直し方針 and 再確認, from ``rec["review"]`` (set by ``scan --review``; "" when absent)."""
    rv = rec.get("review") or {}
    carried = rv.get("status") == "carried"
    return {
        "判定": rv.get("verdict", "") if carried else "",
        "見直し方針": rv.get("policy", "") if carried else "",
        "前回判定": rv.get("verdict", ""),
        "前回見直し方針": rv.get("policy", ""),
        "再確認": RECHECK.get(rv.get("status", ""), ""),
        "担当": (rv.get("reviewer") or "") if carried else "",
        "日付": (rv.get("decided_at") or "") if carried else "",
        "所管課": "",
    }


def credit(records: Iterable[Mapping[str, Any]]) -> str:
    """The technology-map credit line carried by the records, else the default one."""
    for rec in records:
        if c := (rec.get("techmap") or {}).get("credit"):
            return c
    return DEFAULT_CREDIT


def document_key(rec: Mapping[str, Any]) -> tuple[str, str, str]:
    """Which document a finding belongs to (for grouping and 例規数)."""
    return (rec.get("source") or "", rec.get("body") or "", rec.get("title") or "")


def display_width(s: str) -> int:
    """Width in half-width columns: full-width and wide characters count 2."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)

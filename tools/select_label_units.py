"""Choose the ordinance units to label (corpora/labels/README.md, "How units were chosen").

Every unit that a broad labelling net touches (wider than the tool's own net, so that the labels can
measure what the tool's net misses), the 項 lead-ins of touched 号, and a seeded 10 % of the rest.

    analogscan units PAGES -o units.jsonl
    python3 tools/select_label_units.py units.jsonl TAG selected.jsonl
"""
import collections
import hashlib
import json
import random
import re
import sys
import unicodedata

WORDS = ["目視", "巡視", "巡回", "見回", "見張", "監視", "パトロール", "立入", "立ち入", "現地", "実地", "検査", "点検", "視察", "調査", "警戒", "測定", "監査", "帳簿", "臨検", "竣工", "しゅん工", "定期", "毎年", "毎月", "毎週", "毎日", "年度", "ごとに", "毎に", "回以上", "年1回", "年一回", "月1回", "月一回", "有効期間", "常駐", "専任", "常勤", "常時", "駐在", "専従", "専ら", "兼ね", "兼務", "管理人", "管理者を置", "置かなければ", "置くものとする", "配置", "宿直", "日直", "当直", "舎監", "勤務", "詰所", "講習", "研修", "講義", "受講", "実習", "教習", "講座", "養成", "訓練", "修了", "掲示", "掲げ", "標識", "掲出", "見やすい", "見易い", "立札", "看板", "表示板", "張り出", "貼り出", "貼付", "はり出", "公示", "公告", "告示", "掲載", "縦覧", "閲覧", "備え置", "備置", "備え付", "備付", "謄写", "視聴", "開示", "写しの交付", "複写", "写しを交付", "フロッピー", "フレキシブルディスク", "磁気ディスク", "磁気テープ", "光ディスク", "CD", "DVD", "USB", "記録媒体", "カセットテープ", "録音", "ビデオ", "テープ", "マイクロフィルム", "光磁気", "説明板", "案内板", "標示板", "告示板", "掲示期間", "媒体", "磁気", "ディスク", "管理員", "住み込", "供覧", "頻度", "周期", "完成検査", "出来形", "現況"]
NET = re.compile("|".join(map(re.escape, sorted({unicodedata.normalize("NFKC", w) for w in WORDS}, key=len, reverse=True))))
ENUM_KAKAGE = re.compile(r"[号次欄項表条章文書段記定左右で0-9一二三四五六七八九十)）イロハニホヘトチリヌルヲワカヨタレソツネナラム]に掲げ")
def touched(text):
    t = ENUM_KAKAGE.sub("", unicodedata.normalize("NFKC", text))
    return bool(NET.search(t))
def main(units_path, tag, out_path, rate=0.10, seed=20261202, max_chars=4000):
    with open(units_path, encoding="utf-8") as fh:
        us = [json.loads(line) for line in fh]
    rnd = random.Random(f"{seed}:{tag}")
    seen = collections.Counter()
    rows = []
    lead_ins = set()
    for u in us:
        if u["unit_kind"] in ("item", "subitem") and touched(u["text"]):
            lead_ins.add((u["source"], u["title"], u["context"].split("\n")[0]))
    for u in us:
        if len(u["text"]) > max_chars:
            why = None
        elif touched(u["text"]) or (u["context"] and touched(u["context"])):
            why = "net"
        elif (u["source"], u["title"], u["text"]) in lead_ins:
            why = "lead-in"
        elif rnd.random() < rate:
            why = "random"
        else:
            why = None
        key = f'{u["source"]}|{u["title"]}|{u["citation"]}'
        seen[key] += 1
        if why is None:
            continue
        src_hash = hashlib.sha1(f'{u["source"] or u["title"]}'.encode()).hexdigest()[:10]
        uid = f'{tag}:{src_hash}#{u["citation"]}' + (f'#{seen[key]}' if seen[key] > 1 else "")
        rows.append({"id": uid, "why": why, "source": u["source"], "body": u["body"], "title": u["title"],
                     "citation": u["citation"], "caption": u.get("caption", ""), "context": u["context"],
                     "text": u["text"]})
    with open(out_path, "w") as f:
        f.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    c = collections.Counter(r["why"] for r in rows)
    print(tag, len(us), dict(c), sum(len(r["text"]) + len(r["context"]) for r in rows))
if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3])

"""Re-stamp a model's ``rules_version`` from the old file-bytes hash to the compiled-rule-content hash.

Until issue 13 the rules version was a SHA-256 of the rule files' bytes (common.toml, then
types/*.toml in name order); now it is ``detect.rules.content_version`` of the compiled rules. A
model trained before that change records the old hash. This tool checks that the model's recorded
version is the old hash of the rules as they are now (so the model really was trained with them) and
then replaces that one value in model.json — no retraining, coefficients and thresholds untouched::

    python tools/restamp_model_rules.py [models/analogscan-clf]
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

from analogscan import project_dir
from analogscan.detect.rules import load_rules


def file_bytes_version(rules_dir: Path) -> str:
    digest = hashlib.sha256((rules_dir / "common.toml").read_bytes())
    for path in sorted((rules_dir / "types").glob("*.toml")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def main(argv: list[str]) -> int:
    directory = Path(argv[0]) if argv else project_dir("models") / "analogscan-clf"
    path = directory / "model.json"
    text = path.read_text(encoding="utf-8")
    recorded = json.loads(text)["rules_version"]
    old, new = file_bytes_version(project_dir("rules")), load_rules().version
    if recorded == new:
        print(f"{path}: already stamped with the rule content version {new}")
        return 0
    if recorded != old:
        print(f"{path}: trained with rules {recorded}, not with the current rule files ({old}); retrain instead",
              file=sys.stderr)
        return 1
    needle = f'"rules_version": "{recorded}"'
    assert text.count(needle) == 1, needle
    path.write_text(text.replace(needle, f'"rules_version": "{new}"'), encoding="utf-8")
    print(f"{path}: rules_version {recorded} (file bytes) -> {new} (compiled rule content)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

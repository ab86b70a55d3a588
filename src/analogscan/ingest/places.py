"""The municipality (自治体) of a rule: from its title, else from the folder it was found in.

Folder names map to names by the data table ``rules/municipalities.toml`` (``[folders]``), so that
「01_minato-ku/建築基準法施行細則.txt」 is 港区's and ``analogscan batch`` names that folder 港区.
"""

from __future__ import annotations

import re
import tomllib
from functools import lru_cache
from pathlib import PurePosixPath

from .. import project_dir
from .html_common import body_from_title

_NUMBER_PREFIX_RE = re.compile(r"^[0-9]+[_\-. ]+")


@lru_cache(maxsize=1)
def _folders() -> dict[str, str]:
    path = project_dir("rules") / "municipalities.toml"
    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError):
        return {}
    return {str(k).lower(): str(v) for k, v in data.get("folders", {}).items()}


def folder_municipality(name: str) -> str | None:
    """「01_minato-ku」「Chiyoda-ku」 → 「港区」「千代田区」; None for a folder the table does not name."""
    key = _NUMBER_PREFIX_RE.sub("", name.strip()).lower()
    return _folders().get(key)


def body_of(title: str, doc_id: str = "") -> str:
    """「港区景観条例」 → 港区, 「東京都台東区景観条例」 → 台東区 (a ward, not 東京都); a title that names no
    municipality (「建築基準法施行細則」) → the nearest folder of ``doc_id`` the table knows, else ""."""
    t = title.strip().lstrip("○◯〇 　")
    at = t.find("東京都", 0, 8)  # also a slip such as 「東京東京都台東区…」
    if at >= 0:
        ward = body_from_title(t[at + 3:])
        if ward.endswith("区"):
            return ward
    body = body_from_title(t)
    if body:
        return body
    for part in reversed(PurePosixPath(doc_id).parts[:-1]):
        if name := folder_municipality(part):
            return name
    return ""

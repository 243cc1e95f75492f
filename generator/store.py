"""Deterministic, atomic JSON files under site_data/ (stable order, no timestamps).

Writing goes through a temporary file and a rename so that an interrupted build
never leaves a half-written file where a published one was.
"""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from .records import to_dict


def dumps(obj: Any) -> str:
    return json.dumps(to_dict(obj), ensure_ascii=False, indent=1, sort_keys=False) + "\n"


def write_json(path: Path, obj: Any) -> bool:
    """Write `obj` as JSON; returns True when the file content changed."""
    text = dumps(obj)
    return write_text(path, text)


def write_text(path: Path, text: str) -> bool:
    path = Path(path)
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
    return True


def read_json(path: Path) -> Any:
    return json.loads(Path(path).read_text(encoding="utf-8"))

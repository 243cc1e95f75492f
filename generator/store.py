"""Deterministic, atomic JSON files under site_data/ (stable order, no timestamps).

Writing goes through a temporary file and a rename so that an interrupted build
never leaves a half-written file where a published one was.
"""
from __future__ import annotations

import json
import os
from contextlib import contextmanager
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
    with sans_ramasse_miettes():
        return json.loads(Path(path).read_text(encoding="utf-8"))


def data_name(source: str) -> str:
    """The name of a source's files in site_data/actes and site_data/subventions."""
    return Path(source).stem + ".json"


@contextmanager
def sans_ramasse_miettes():
    """The cyclic garbage collector paused for a bounded burst of allocation (parsing one source,
    reading one JSON file). Those create hundreds of thousands of acyclic objects, and every
    collection they trigger rescans all that is alive: measured, a third of a source's parse time."""
    import gc

    actif = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if actif:
            gc.enable()

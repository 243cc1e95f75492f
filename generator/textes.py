"""Source text as readable paragraphs for pages (text only: escaping is the templates' job)."""
from __future__ import annotations

import re

_SPACES = re.compile(r"[ ]{2,}")


def paragraphes(texte: str) -> list[dict]:
    """Blocks separated by blank lines; a block with TAB cells stays a table-like block."""
    out = []
    for block in re.split(r"\n\s*\n", texte or ""):
        lines = [l for l in block.split("\n") if l.strip()]
        if not lines:
            continue
        if any("\t" in l for l in lines):
            out.append({"type": "cellules", "lignes": [[c.strip() for c in l.split("\t")] for l in lines]})
        else:
            out.append({"type": "p", "texte": " ".join(_SPACES.sub(" ", l.strip()) for l in lines)})
    return out


def decouper(texte: str, limite: int = 250_000) -> list[str]:
    """Split a long text at blank lines into parts under `limite` characters."""
    if len(texte) <= limite:
        return [texte]
    parts, cur, size = [], [], 0
    for block in re.split(r"(\n\s*\n)", texte):
        if size + len(block) > limite and cur:
            parts.append("".join(cur))
            cur, size = [], 0
        cur.append(block)
        size += len(block)
    if cur:
        parts.append("".join(cur))
    return parts

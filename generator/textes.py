"""Source text as readable paragraphs for pages (text only: escaping is the templates' job)."""
from __future__ import annotations

import re

_SPACES = re.compile(r"[ ]{2,}")
_BLANC = re.compile(r"\n\s*\n")
_BLANC_GARDE = re.compile(r"(\n\s*\n)")


def paragraphes(texte: str) -> list[dict]:
    """Blocks separated by blank lines; a block with TAB cells stays a table-like block."""
    out = []
    for block in _BLANC.split(texte or ""):
        if "\n" not in block:  # most blocks of a pdftotext extraction: one line
            if not block.strip():
                continue
            lines = [block]
        else:
            lines = [l for l in block.split("\n") if l.strip()]
            if not lines:
                continue
        if "\t" in block and any("\t" in l for l in lines):
            out.append({"type": "cellules", "lignes": [[c.strip() for c in l.split("\t")] for l in lines]})
        else:
            # stripped lines joined by one space make no new run of spaces: one pass for the block
            p = " ".join(l.strip() for l in lines) if len(lines) > 1 else lines[0].strip()
            out.append({"type": "p", "texte": _SPACES.sub(" ", p) if "  " in p else p})
    return out


def decouper(texte: str, limite: int = 250_000) -> list[str]:
    """Split a long text at blank lines into parts under `limite` characters."""
    if len(texte) <= limite:
        return [texte]
    parts, cur, size = [], [], 0
    for block in _BLANC_GARDE.split(texte):
        if size + len(block) > limite and cur:
            parts.append("".join(cur))
            cur, size = [], 0
        cur.append(block)
        size += len(block)
    if cur:
        parts.append("".join(cur))
    return parts

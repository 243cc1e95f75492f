"""Source text as readable paragraphs for pages.

`paragraphes` gives the blocks (text only); `html` gives them as escaped HTML, ready for a template.
"""
from __future__ import annotations

import re

from markupsafe import Markup, escape

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


_TABLEAU = '<div class="rpc-table-wrap" tabindex="0" role="region" aria-label="Tableau du document source"><table class="rpc-table rpc-cells"><tbody>'


def html(texte: str | None) -> Markup:
    """The blocks of `paragraphes` as HTML: `<p>` per paragraph, a scrolling table for TAB cells.

    The whole text is escaped once, before it is cut: escaping adds no blank, tab or line break,
    so the blocks are the same, and ten years of texts are not escaped piece by piece in a
    template loop (it was a fifth of the pages' rendering time).
    """
    out = []
    for b in paragraphes(str(escape(texte or ""))):
        if b["type"] == "p":
            out.append(f"<p>{b['texte']}</p>\n")
        else:
            rows = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in b["lignes"])
            out.append(f"{_TABLEAU}{rows}</tbody></table></div>\n")
    return Markup("".join(out))


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

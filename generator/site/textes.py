"""Source text as readable paragraphs for pages: blocks separated by blank lines become `<p>`
(their lines joined, runs of spaces collapsed); a block with TAB cells stays a table.

The markup is kept lean, ten years of annexes being millions of blocks: the text is element content
only, so only `&`, `<` and `>` are escaped (an apostrophe stays one byte, not `&#39;`), and a
paragraph's end tag is left out (`<p>…\n`: HTML closes a `p` at the next `p`, at a `div` or a
table, at a heading and at the end of its parent, which the templates always give), and so are
those of table cells and rows (`<tr><td>…<td>…`): the page reads and parses as with them."""

from __future__ import annotations

import re

from markupsafe import Markup

_SPACES = re.compile(r"[ ]{2,}")
_BLANC = re.compile(r"\n\s*\n")


_TABLEAU = '<div class="rpc-table-wrap" tabindex="0" role="region" aria-label="Tableau du document source"><table class="rpc-table rpc-cells"><tbody>'


def echapper(texte: str) -> str:
    """`texte` as HTML element content: `&`, `<` and `>` escaped (quotes need it only in attributes)."""
    return texte.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def html(texte: str | None) -> Markup:
    """The text as escaped HTML: `<p>` per block, a scrolling table for a block with TAB cells.

    The whole text is escaped once, before it is cut (escaping adds no blank, tab or line break, so
    the blocks are the same), and the blocks are written as they are cut: ten years of annexes are
    millions of blocks, each passed through here once.
    """
    out = []
    for block in _BLANC.split(echapper(texte or "")):
        if "\t" not in block:  # a paragraph: its lines stripped and joined by one space
            p = block.strip()
            if not p:
                continue
            if "\n" in p:  # inside a block every line holds text (a blank one would have split it)
                p = " ".join([l.strip() for l in p.split("\n")])
            out.append(f"<p>{_SPACES.sub(' ', p)}\n" if "  " in p else f"<p>{p}\n")
            continue
        # a block with a TAB: its lines are table rows, unless the TABs were only on blank lines
        lines = [l for l in block.split("\n") if l.strip()]
        if not lines:
            continue
        if any("\t" in l for l in lines):
            out.append(_cellules(lines))
            continue
        p = " ".join(l.strip() for l in lines)
        out.append(f"<p>{_SPACES.sub(' ', p)}\n" if "  " in p else f"<p>{p}\n")
    return Markup("".join(out))


def _cellules(lines: list[str]) -> str:
    rows = "".join("<tr>" + "".join(f"<td>{c.strip()}" for c in l.split("\t")) for l in lines)
    return f"{_TABLEAU}{rows}</tbody></table></div>\n"

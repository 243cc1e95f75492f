"""How a deliberation's long annex is cut into pages of its own: shared by the page builders
(`site/pages/actes`) and the search index (`recherche/index`), which must name the same pages."""

from __future__ import annotations

import re

ANNEXE_INLINE_MAX = 20_000  # larger annexes get their own page(s), so deliberation pages stay light
_BLANC_GARDE = re.compile(r"(\n\s*\n)")


def decouper(texte: str, limite: int = 250_000) -> list[str]:
    """Split a long text at blank lines into parts under `limite` characters."""
    if len(texte) <= limite:
        return [texte]
    parts: list[str] = []
    cur: list[str] = []
    size = 0
    for block in _BLANC_GARDE.split(texte):
        if size + len(block) > limite and cur:
            parts.append("".join(cur))
            cur, size = [], 0
        cur.append(block)
        size += len(block)
    if cur:
        parts.append("".join(cur))
    return parts


def parties_annexe(did: str, i: int, texte: str) -> list[tuple[str | None, str]]:
    """(page URL, text) of each part of a deliberation's i-th annex (text `texte`); URL None when it is shown inline."""
    if len(texte) <= ANNEXE_INLINE_MAX:
        return [(None, texte)]
    parts = decouper(texte)
    if len(parts) == 1:
        return [(f"deliberations/{did}/annexe-{i}/", parts[0])]
    return [(f"deliberations/{did}/annexe-{i}-partie-{k}/", part) for k, part in enumerate(parts, start=1)]

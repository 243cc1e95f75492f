"""How a deliberation's long annex is cut into pages of its own: shared by the page builders
(`site/pages/actes`) and the search index (`recherche/index`), which must name the same pages."""

from __future__ import annotations

import re

ANNEXE_INLINE_MAX = 20_000  # larger annexes get their own page(s), so deliberation pages stay light
PARTIE_MAX = 200_000
"""Characters of an annex part's page: about 250 KB of HTML with the site's frame, under the 300 KB a page may weigh."""
_BLANC_GARDE = re.compile(r"(\n\s*\n)")
_LIGNE_GARDE = re.compile(r"(?<=\n)")


def _morceaux(texte: str, limite: int) -> list[str]:
    """The text's paragraphs (each with the blank lines after it), a paragraph longer than `limite` as its lines,
    and a line longer than that in pieces of `limite` characters: pieces that join back into the text."""
    out: list[str] = []
    for block in _BLANC_GARDE.split(texte):
        if len(block) <= limite:
            out.append(block)
            continue
        for ligne in _LIGNE_GARDE.split(block):
            out.extend(ligne[k : k + limite] for k in range(0, len(ligne), limite))
    return out


def decouper(texte: str, limite: int = PARTIE_MAX) -> list[str]:
    """Split a long text into parts of at most `limite` characters, at blank lines (at line ends
    within a paragraph longer than that)."""
    if len(texte) <= limite:
        return [texte]
    parts: list[str] = []
    cur: list[str] = []
    size = 0
    for block in _morceaux(texte, limite):
        if size + len(block) > limite and cur:
            parts.append("".join(cur))
            cur, size = [], 0
        cur.append(block)
        size += len(block)
    if cur:
        parts.append("".join(cur))
    return parts


def ancre_annexe(did: str, i: int) -> str:
    """The address of deliberation `did`'s i-th annex when it is shown inside the deliberation's page
    (`parties_annexe` gives it no page of its own): the `id` deliberation.md.j2 writes on it."""
    return f"deliberations/{did}/#annexe-{i}"


def en_ligne(caracteres: int) -> bool:
    """Whether an annex of `caracteres` characters is shown inside its deliberation's page (no page of its own)."""
    return caracteres <= ANNEXE_INLINE_MAX


def url_partie(did: str, i: int, k: int, n: int) -> str:
    """The page of part `k` (from 1) of the `n` parts (`decouper`) of a deliberation's i-th annex that has pages of its own."""
    return f"deliberations/{did}/annexe-{i}/" if n == 1 else f"deliberations/{did}/annexe-{i}-partie-{k}/"


def parties_annexe(did: str, i: int, texte: str) -> list[tuple[str | None, str]]:
    """(page URL, text) of each part of a deliberation's i-th annex (text `texte`); URL None when it is shown inline."""
    if en_ligne(len(texte)):
        return [(None, texte)]
    parts = decouper(texte)
    return [(url_partie(did, i, k, len(parts)), part) for k, part in enumerate(parts, start=1)]

"""Term directory of the search files: for each indexed term, the sources that hold it.

A source is a year's deliberation titles, a recueil's lunr chunks (grants, full text) or its annex
vocabulary, numbered newest first (the numbers are written in the manifest's years and lots). Without
the directory, a word found only
in an old recueil is reached by reading every newer chunk first. With it, the results page reads,
per query word, one small file (terms sharing the first two letters) and loads only the sources
that can hold every word — or none at all, when a word is in no recueil. Each term lists its first
MAX_LOTS sources, newest first; a term in more of them ends its list with -1 ("and possibly any
older one"), which keeps the files small for common words.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import defaultdict

MAX_LOTS = 16
_TERME = re.compile(r'\["([a-z0-9]+)",\{"')  # an invertedIndex entry of a serialised lunr index


def termes(texte_morceau: str) -> set[str]:
    """The terms of a shard, read from its JSON text (its invertedIndex entries)."""
    return set(_TERME.findall(texte_morceau))


def prefixe(terme: str) -> str:
    return terme[:2]


def construire(sources: list[set[str]]) -> dict[str, dict[str, list[int]]]:
    """`sources[p]`: the terms of source p (a recueil's chunks, or its annexes; 0 = newest) → {prefix: {term: positions}}."""
    par_terme: dict[str, list[int]] = {}
    complets: set[str] = set()  # terms already in MAX_LOTS + 1 sources: skipped (in C) from then on
    for pos, vus in enumerate(sources):
        for terme in vus.difference(complets) if complets else vus:
            liste = par_terme.get(terme)
            if liste is None:
                par_terme[terme] = [pos]
            else:
                liste.append(pos)
                if len(liste) > MAX_LOTS:
                    complets.add(terme)
    fichiers: dict[str, dict[str, list[int]]] = defaultdict(dict)
    for terme in sorted(par_terme):
        liste = par_terme[terme]
        fichiers[prefixe(terme)][terme] = liste[:MAX_LOTS] + ([-1] if len(liste) > MAX_LOTS else [])
    return dict(fichiers)


def textes_fichiers(fichiers: dict[str, dict[str, list[int]]]) -> tuple[dict[str, str], str]:
    """({file name: JSON text}, version hash of the whole directory) — deterministic."""
    out = {f"{p}.json": json.dumps(fichiers[p], ensure_ascii=False, sort_keys=True, separators=(",", ":")) for p in sorted(fichiers)}
    h = hashlib.sha256()
    for nom, texte in sorted(out.items()):
        h.update(nom.encode() + b"\0" + texte.encode() + b"\0")
    return out, h.hexdigest()[:10]

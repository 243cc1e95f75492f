"""Text folding: the one way every stage compares words (accents, case, apostrophes, ligatures).

The documents write the same word in several ways (`DÉCEMBRE`, `decembre`, `Décembre`; `l’association`,
`l'association`; `Cœur`, `Coeur`). Each stage compares in one of the forms below, all built on
`sans_accents`; the browser search folds queries the same way (content/assets/recherche.js mirrors
`plier`, tests/test_recherche.py checks both agree).
"""

from __future__ import annotations

import re
import unicodedata

APOSTROPHES = "’‘ʼ`´′"
"""Typographic apostrophes and look-alikes, all read as « ' »."""
LIGATURES = {"œ": "oe", "æ": "ae", "ß": "ss", "ø": "o", "đ": "d", "ł": "l"}
"""Letters that no Unicode decomposition spells out (lower case: applied after lowering)."""
_DIACRITIQUES = re.compile("[\u0300-\u036f]")
_APOSTROPHES = str.maketrans({a: "'" for a in APOSTROPHES})
_NON_ALNUM_MAJ = re.compile(r"[^A-Z0-9]+")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def sans_accents(texte: str) -> str:
    """The text in compatibility decomposition (NFKD) without its combining marks: `Hénin` → `Henin`,
    `ﬁ` → `fi`; case kept, `œ` kept (see `LIGATURES`)."""
    if texte.isascii():
        return texte
    return "".join(c for c in unicodedata.normalize("NFKD", texte) if not unicodedata.combining(c))


def plier(texte: str) -> str:
    """Lower case without accents, ligatures spelt out, every apostrophe as « ' » (search, names)."""
    s = _DIACRITIQUES.sub("", unicodedata.normalize("NFKD", texte.translate(_APOSTROPHES))).lower()
    for lig, rep in LIGATURES.items():
        if lig in s:
            s = s.replace(lig, rep)
    return s


class _LettreALettre(dict[int, str]):
    """`plier_lettre_a_lettre`'s table for `str.translate`: a character's first letter when its canonical
    decomposition is a letter and combining marks, else the character; each computed when first met."""

    def __missing__(self, point: int) -> str:
        c = chr(point)
        d = unicodedata.normalize("NFD", c)
        self[point] = lettre = d[0] if len(d) > 1 and unicodedata.combining(d[1]) else c
        return lettre


_LETTRE_A_LETTRE = _LettreALettre()


def plier_lettre_a_lettre(texte: str) -> str:
    """Lower case without accents, one character for one, so that offsets found in the folded text are
    offsets in the text (dates read inside a sentence). (One `translate`: a Python loop decomposing each
    character took 7 ms of a month's extraction.)"""
    return texte.lower().translate(_LETTRE_A_LETTRE)


def cle_majuscules(texte: str) -> str:
    """Upper case, no accents, letters and digits only: `Délibération n° 2021-243` → `DELIBERATIONN2021243`
    (titles compared whatever their spacing and punctuation)."""
    return _NON_ALNUM_MAJ.sub("", sans_accents(texte).upper())


def slug_ascii(texte: str) -> str:
    """Lower case ASCII words joined by hyphens: `Aide à l'investissement` → `aide-a-l-investissement`."""
    return _NON_ALNUM.sub("-", sans_accents(texte).lower()).strip("-")

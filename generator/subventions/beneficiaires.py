"""Who receives a grant: the kind of beneficiary and its name without the wording around it.

Names come as written in articles (`la commune de Le Touquet-Paris-Plage`,
`l'association « Les Amis du Fort d'Ambleteuse »`) or in table cells truncated and
upper-cased (`COM COMMUNES SUD ARTOIS`, `SYND INTERCOM DU RPC MORINIE`). The type drives
the site (communes and EPCI are linked to the geography), so it is decided from the
name only, never from a list of known beneficiaries.
"""

from __future__ import annotations

import re
from functools import lru_cache

from generator.commun.pliage import plier, plier_lettre_a_lettre

# (compiled once: `re.sub` looks its pattern up in a cache at each of the some 20 000 calls a month; `classify`,
# `clean_name` and `fold_name`, functions of a name alone, are cached: a month names the same communes and bodies
# in its articles, its tables and their checks, some 2 000 calls for a few hundred names)
_ESPACES = re.compile(r"\s+")
_GUILLEMETS = re.compile(r"[«»\"]")
_GUILLEMETS_TOUS = re.compile(r"[«»\"“”]")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")

TYPES = ("commune", "epci", "association", "syndicat", "gip", "departement", "autre")


def _fold(text: str) -> str:
    """`plier` (lower case, no accents, ligatures spelt out, every apostrophe as « ' »), spaces collapsed."""
    return _ESPACES.sub(" ", plier(text)).strip()


# Order matters: a name written « commune de … » is the commune; a « syndicat intercommunal » is a
# syndicat, not an EPCI à fiscalité propre. Tables write names truncated and upper-cased (`COM DE COM`,
# `SYND INTERCOM`, `SIVOM`, `CAPSO`): their abbreviations are here too, so that articles and every
# table layout classify a name the same way.
_RULES: list[tuple[str, re.Pattern]] = [
    ("commune", re.compile(r"^(?:la |a la |de la )?(?:commune|ville|mairie)\b(?! ?s\b)|^(?:la |l')?municipalite\b")),
    ("gip", re.compile(r"\bgroupement d'interet public\b|\bgip\b")),
    (
        "syndicat",
        re.compile(
            r"\bsynd(?:icat)?\b|\bsivom\b|\bsivu\b|\bsiv\b|\bsiaep\b|\bsmage\b|\bsmt?\b(?! ?\d)|\bpole d'equilibre\b|\bpetr\b"
            r"|^(?:pnr|parc naturel)\b|^(?:smi|si|sia|side|s\.i\.)(?=\W|$)"
        ),
    ),
    (
        "epci",
        re.compile(
            r"\bcommunaute (?:de communes|d'agglomeration|urbaine)\b|\bcom(?:\.|munes?)? (?:de )?com(?:\.|munes?)?(?=\W|$)"
            r"|\bc\. ?(?:de )?com\.|\bc\. ?d'agglo\b|\bc\. ?urbaine\b|\bagglo(?:meration)?\b|\bmetropole\b|\bpole metropolitain\b"
            r"|\bcommunaute\b|\bepci\b"
            r"|^(?:cc|ca|cu) |\bcapso\b|\bca2bm\b|\bcua\b|\bcabbalr\b|\bcaballr\b"
            r"|\bcall\b|\bcahc\b|\bcab\b|\bcagctm\b|\bgctm\b"
        ),
    ),
    ("departement", re.compile(r"^(?:le |du )?departement\b|^conseil departemental\b|^cd ?62\b")),
    (
        "association",
        re.compile(
            r"\bassociation\b|\bassoc\.?\b|\basso\b|\bamicale\b|\bclub\b|\bcomite\b|\bfederation\b|\bligue\b"
            r"|\bunion sportive\b|^us \b|^as \b|^union\b"
        ),
    ),
]


@lru_cache(maxsize=1 << 13)
def classify(name: str, defaut: str = "autre") -> str:
    """commune | epci | association | syndicat | gip | departement, from the written name (an article's
    `la commune de …`, a table's `COM DE COM …`); `defaut` when the name says nothing (a table of
    communes writes their bare names: its reader passes « commune »). The one classifier of beneficiaries."""
    f = _fold(name)
    f = _GUILLEMETS.sub(" ", f).strip(" ,;.")
    f = _ESPACES.sub(" ", f)
    for kind, rx in _RULES:
        if rx.search(f):
            return kind
    return defaut


_LEADS = re.compile(
    r"^(?:a |au |aux |de |du |d')?"
    r"(?:(?:la|l') ?)?"
    r"(?:commune|ville|mairie|structure|association|asso\.?)"
    r"(?: (?:de |du |des |d'))?\s*",
    re.I,
)
_ARTICLE_ONLY = re.compile(r"^(?:a |au |aux )?(?:la |le |les |l')", re.I)


@lru_cache(maxsize=1 << 13)
def clean_name(written: str) -> str:
    """The name itself: no `la commune de`, no quotes « », no trailing commas.

    `la commune d'Aire-sur-la-Lys` → `Aire-sur-la-Lys`; `l'association « Les Amis du
    Fort d'Ambleteuse »` → `Les Amis du Fort d'Ambleteuse`; `COMMUNE DE BAVINCOURT` →
    `BAVINCOURT`; `la Communauté de communes du Ternois` → `Communauté de communes du Ternois`.
    The article inside a commune name is kept (`commune de Le Portel` → `Le Portel`).
    """
    s = written.replace("\u2019", "'").replace("\u00a0", " ")
    s = _ESPACES.sub(" ", s).strip().strip(" ,;:.")
    folded = plier_lettre_a_lettre(s)  # one character for one: its offsets cut `s`
    m = _LEADS.match(folded)
    if m and m.end() < len(s):
        s = s[m.end() :]
    else:
        m2 = _ARTICLE_ONLY.match(folded)
        if m2 and m2.end() < len(s):
            s = s[m2.end() :]
    s = _GUILLEMETS_TOUS.sub(" ", s)
    s = _ESPACES.sub(" ", s).strip().strip(" ,;:.")
    return s


@lru_cache(maxsize=1 << 13)
def fold_name(name: str) -> str:
    """Comparison key of a beneficiary (dedup article ↔ table): cleaned, folded, no punctuation."""
    f = _fold(clean_name(name))
    f = _NON_ALNUM.sub(" ", f)
    return f.strip()

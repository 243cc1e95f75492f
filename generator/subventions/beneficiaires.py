"""Who receives a grant: the kind of beneficiary and its name without the wording around it.

Names come as written in articles (`la commune de Le Touquet-Paris-Plage`,
`l'association « Les Amis du Fort d'Ambleteuse »`) or in table cells truncated and
upper-cased (`COM COMMUNES SUD ARTOIS`, `SYND INTERCOM DU RPC MORINIE`). The type drives
the site (communes and EPCI are linked to the geography), so it is decided from the
name only, never from a list of known beneficiaries.
"""
from __future__ import annotations

import re
import unicodedata

TYPES = ("commune", "epci", "association", "syndicat", "gip", "departement", "autre")


def _fold(text: str) -> str:
    """Lower case without accents, typographic apostrophes and extra spaces."""
    text = unicodedata.normalize("NFKD", text.replace("\u2019", "'"))
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"\s+", " ", text).strip().lower()


# order matters: a « syndicat intercommunal » is a syndicat, not an EPCI à fiscalité propre
_RULES: list[tuple[str, re.Pattern]] = [
    ("gip", re.compile(r"\bgroupement d'interet public\b|\bgip\b")),
    ("syndicat", re.compile(r"\bsynd(?:icat)?\b|\bsivom\b|\bsivu\b|\bsmt?\b(?! ?\d)|\bpole d'equilibre\b|\bpetr\b")),
    ("epci", re.compile(
        r"\bcommunaute (?:de communes|d'agglomeration|urbaine)\b|\bcom(?:\.|munes?)? (?:de )?com(?:\.|munes?)?(?=\W|$)"
        r"|\bc\. ?(?:de )?com\.|\bc\. ?d'agglo\b|\bc\. ?urbaine\b|\bagglo(?:meration)?\b|\bmetropole\b"
        r"|\bcommunaute\b|\bepci\b"
        r"|^(?:cc|ca|cu)[a-z0-9]{1,6}$|^(?:cc|ca) |\bcapso\b|\bca2bm\b|\bcua\b|\bcabbalr\b|\bcaballr\b"
        r"|\bcall\b|\bcahc\b|\bcab\b|\bcagctm\b|\bgctm\b")),
    ("departement", re.compile(r"^(?:le |du )?departement\b|^conseil departemental\b|^cd ?62\b")),
    ("association", re.compile(r"\bassociation\b|\bassoc\.?\b|\basso\b|\bamicale\b|\bclub\b|\bcomite\b|\bfederation\b|\bligue\b|\bunion sportive\b|^us \b|^as \b")),
    ("commune", re.compile(r"^(?:la |a la |de la )?(?:commune|ville|mairie)\b|^(?:la |l')?municipalite\b")),
]


def classify(name: str) -> str:
    """commune | epci | association | syndicat | gip | departement | autre, from the written name."""
    f = _fold(name)
    f = re.sub(r"[«»\"]", " ", f).strip(" ,;.")
    f = re.sub(r"\s+", " ", f)
    for kind, rx in _RULES:
        if rx.search(f):
            return kind
    return "autre"


_LEADS = re.compile(
    r"^(?:a |au |aux |de |du |d')?"
    r"(?:(?:la|l') ?)?"
    r"(?:commune|ville|mairie|structure|association|asso\.?)"
    r"(?: (?:de |du |des |d'))?\s*",
    re.I,
)
_ARTICLE_ONLY = re.compile(r"^(?:a |au |aux )?(?:la |le |les |l')", re.I)


def clean_name(written: str) -> str:
    """The name itself: no `la commune de`, no quotes « », no trailing commas.

    `la commune d'Aire-sur-la-Lys` → `Aire-sur-la-Lys`; `l'association « Les Amis du
    Fort d'Ambleteuse »` → `Les Amis du Fort d'Ambleteuse`; `COMMUNE DE BAVINCOURT` →
    `BAVINCOURT`; `la Communauté de communes du Ternois` → `Communauté de communes du Ternois`.
    The article inside a commune name is kept (`commune de Le Portel` → `Le Portel`).
    """
    s = written.replace("\u2019", "'").replace("\u00a0", " ")
    s = re.sub(r"\s+", " ", s).strip().strip(" ,;:.")
    folded = _fold(s)
    m = _LEADS.match(folded)
    if m and m.end() < len(s):
        s = s[m.end():]
    else:
        m2 = _ARTICLE_ONLY.match(folded)
        if m2 and m2.end() < len(s):
            s = s[m2.end():]
    s = re.sub(r"[«»\"“”]", " ", s)
    s = re.sub(r"\s+", " ", s).strip().strip(" ,;:.")
    return s


def fold_name(name: str) -> str:
    """Comparison key of a beneficiary (dedup article ↔ table): cleaned, folded, no punctuation."""
    f = _fold(clean_name(name))
    f = re.sub(r"[^a-z0-9]+", " ", f)
    return f.strip()

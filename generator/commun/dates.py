"""French dates as the acts print them, read into ISO strings (one parser for every stage)."""

from __future__ import annotations

import re

from generator.commun.pliage import plier_lettre_a_lettre

MOIS = {
    "janvier": 1,
    "janv": 1,
    "jan": 1,
    "fevrier": 2,
    "fevr": 2,
    "fev": 2,
    "mars": 3,
    "mar": 3,
    "avril": 4,
    "avr": 4,
    "mai": 5,
    "juin": 6,
    "juillet": 7,
    "juil": 7,
    "aout": 8,
    "septembre": 9,
    "sept": 9,
    "sep": 9,
    "octobre": 10,
    "oct": 10,
    "novembre": 11,
    "nov": 11,
    "decembre": 12,
    "dec": 12,
}
_DATE = re.compile(r"\b(\d{1,2})\s*(?:er)?\s+([a-z]+)\.?\s+(\d{4})\b")
_NUM_DATE = re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b")


def find_date(text: str) -> tuple[str, int] | None:
    """First date in `text` (`7 JUIN 2021`, `1er avril 2019`, `20 DEC. 2023`, `26/09/2022`)
    as (ISO date, end offset in `text`), or None."""
    plain = plier_lettre_a_lettre(text)
    for m in _DATE.finditer(plain):
        month = MOIS.get(m.group(2))
        day, year = int(m.group(1)), int(m.group(3))
        if month and 1 <= day <= 31:
            return f"{year:04d}-{month:02d}-{day:02d}", m.end()
    n = _NUM_DATE.search(plain)
    if n and 1 <= int(n.group(1)) <= 31 and 1 <= int(n.group(2)) <= 12:
        return f"{int(n.group(3)):04d}-{int(n.group(2)):02d}-{int(n.group(1)):02d}", n.end()
    return None


def parse_date_fr(text: str) -> str | None:
    found = find_date(text)
    return found[0] if found else None

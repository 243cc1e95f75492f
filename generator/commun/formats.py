"""French display formats used by every page: amounts, dates, counts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import lru_cache

from generator.commun.montants import format_montant

TYPES_BENEFICIAIRE = {
    "epci": "Intercommunalité",
    "association": "Association",
    "syndicat": "Syndicat",
    "gip": "Groupement d'intérêt public",
    "departement": "Département",
    "autre": "Autre organisme",
    "commune": "Commune",
}
"""The public name of each beneficiary type (`subventions.beneficiaires.TYPES`)."""
MOIS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"]


@lru_cache(maxsize=1 << 16)
def montant_fr(value) -> str:
    """`3 107,00 €` from a Decimal, a decimal string or None ('—').

    Cached: each grant's amount is shown on six to eight pages."""
    if value is None or value == "":
        return "—"
    return format_montant(Decimal(str(value)))


@lru_cache(maxsize=1 << 12)
def date_fr(value) -> str:
    """`7 juin 2021`, `1er avril 2019` from an ISO date string."""
    if not value:
        return "—"
    d = dt.date.fromisoformat(str(value)[:10])
    jour = "1er" if d.day == 1 else str(d.day)
    return f"{jour} {MOIS[d.month - 1]} {d.year}"


def mois_fr(mois: int | None, annee: int | None) -> str:
    if not mois or not annee:
        return str(annee or "")
    return f"{MOIS[mois - 1]} {annee}"


def nombre_fr(value) -> str:
    """`12 345` with a narrow no-break space."""
    if value is None:
        return "—"
    s = f"{int(value):,}".replace(",", "\u202f")
    return s


def taille_fr(n: int) -> str:
    """`92 Ko`, `1,8 Mo`, `640 octets` (1 Ko = 1 000 octets)."""
    if n < 1000:
        return f"{n} octets"
    if n < 1_000_000:
        return f"{round(n / 1000)} Ko"
    return f"{n / 1_000_000:.1f} Mo".replace(".", ",")

"""The monthly recueil as announced by its avis and sommaire."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Part:
    """A part announced in the sommaire (« 1ère partie »...)."""

    numero: int
    libelle: str  # as printed, rejoined
    organe: str | None = None  # « Conseil départemental », « Commission permanente », « Exécutif »
    date_session: str | None = None  # ISO
    premiere: str | None = None  # first deliberation number announced, e.g. "2021-188"
    derniere: str | None = None
    page: int | None = None
    page_fin: int | None = None
    line: int = 0


@dataclass
class ExecutiveAct:
    """An act of the executive listed in the sommaire (décision, arrêté, voirie, ESMS...)."""

    rubrique: str  # section heading, e.g. « Voirie Départementale »
    titre: str  # rejoined entry text without leaders and page
    page: int | None
    line: int
    nature: str | None = None  # « Travaux », « Manifestation », « Tarification »...
    route: str | None = None  # « RD D939 » for voirie arrêtés
    communes_ecrites: list[str] = field(default_factory=list)  # as written; resolved later
    communes: list[str] = field(default_factory=list)  # INSEE codes once resolved


@dataclass
class Recueil:
    """The monthly recueil as its avis and sommaire announce it: number, month, parts, acts of the executive."""

    numero: int | None
    mois: int | None
    annee: int | None
    affichage: str | None = None  # ISO date of the avis
    parties: list[Part] = field(default_factory=list)
    actes_executif: list[ExecutiveAct] = field(default_factory=list)
    line: int = 1


def recueil_slug(rec: Recueil | None) -> str | None:
    """The recueil's address on the site and its identity (« 2021-06-n6 »); None when the sommaire gave no month."""
    if rec is None or not rec.annee or not rec.mois:
        return None
    slug = f"{rec.annee}-{rec.mois:02d}"
    return slug + (f"-n{rec.numero}" if rec.numero is not None else "")

"""Deliberations, their sessions, votes, attendance, rapports and annexes."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TypedDict

from generator.records.common import PAGE_PDF, decrit
from generator.records.place import PlaceRef


class Procuration(TypedDict):
    """A proxy: the member who is away (`mandant`) gives their vote to another (`mandataire`)."""

    mandant: str
    mandataire: str


@dataclass
class Attendance:
    """Who attended: the names as printed in the presence lists of the séance or of the deliberation."""

    presents: list[str] = field(default_factory=list)
    excuses: list[str] = field(default_factory=list)
    absents: list[str] = field(default_factory=list)
    presents_sans_voix: list[str] = field(default_factory=list)  # « Assistant également sans voix délibérative »
    excuses_sans_voix: list[str] = field(default_factory=list)
    procurations: list[Procuration] = field(default_factory=list)  # proxies: « M. X donne pouvoir à M. Y »


@dataclass
class Interest:
    """A councillor who declared an interest (« intéressé(e) à l'affaire ») and left."""

    name: str
    text: str
    line: int


@dataclass
class Vote:
    """The vote block; counts are None when the document states no figure."""

    pour: int | None = None
    contre: int | None = None
    abstention: int | None = None
    absents_sans_delegation: int | None = None
    groupes: dict[str, list[str]] = field(default_factory=dict)  # "pour"/"contre"/... → groups
    resultat: str | None = None  # « Adopté », « A la majorité absolue »...
    texte: str = ""
    line: int | None = None


@dataclass
class Article:
    """One article of what the assembly decides (« Article 1 », « Article unique »)."""

    numero: str  # "1", "2", "unique"
    texte: str
    line: int


@dataclass
class Signature:
    """Where, when and by whom the act is signed."""

    lieu: str | None = None
    date: str | None = None  # ISO
    signataires: list[str] = field(default_factory=list)


@dataclass
class Rapport:
    """The rapport presented to the assembly before it decided: its services, places, themes and text."""

    numero: str
    line: int = field(metadata=decrit("Ligne du texte de la source (numérotée à partir de 1) où commence le rapport"))
    organisation: list[str] = field(default_factory=list)  # Pôle / Direction / Service lines
    territoires: list[PlaceRef] = field(default_factory=list)
    cantons: list[PlaceRef] = field(default_factory=list)
    epcis: list[PlaceRef] = field(default_factory=list)
    themes: list[str] = field(default_factory=list)
    titre: str = ""
    texte: str = ""
    line_end: int | None = field(default=None, metadata=decrit("Dernière ligne du rapport dans le texte de la source"))
    page_pdf: int | None = field(default=None, metadata=decrit(PAGE_PDF))  # where it starts; None for a text source


@dataclass
class Annexe:
    """A document annexed to the deliberation or to its rapport (convention, table of beneficiaries…)."""

    titre: str
    texte: str
    line: int = field(metadata=decrit("Ligne du texte de la source (numérotée à partir de 1) où commence l'annexe"))
    line_end: int = field(metadata=decrit("Dernière ligne de l'annexe dans le texte de la source"))
    position: str = "deliberation"  # "deliberation" (before the rapport) or "rapport" (after it)
    page_pdf: int | None = field(default=None, metadata=decrit(PAGE_PDF))  # where it starts; None for a text source
    # a PDF source: the lines of `texte` where each of its next pages starts (`ingest._paginer`), so that
    # a part of a long annex links to its own page (`pages.actes.page_dans_annexe`)
    sauts_page: list[int] = field(
        default_factory=list,
        metadata=decrit(
            "Sauts de page du PDF source dans le texte de l'annexe : la ligne de `texte` (numérotée à partir de 1) où commence "
            "chacune de ses pages suivantes (la page page_pdf + k commence à la ligne sauts_page[k - 1]) ; vide pour une "
            "source texte ou une annexe tenant sur une page"
        ),
    )


@dataclass
class Session:
    """A séance of an assembly: which body met, on which date, who presided."""

    id: str  # e.g. "cp-2021-06-07", "cd-2019-04-29", "cabbalr-cc-2023-12-12"
    organe: str  # « Conseil départemental », « Commission permanente », « Conseil communautaire »
    collectivite: str  # « Département du Pas-de-Calais » or the partner body's name
    date: str  # ISO
    president: str | None = None
    secretaire: str | None = None


@dataclass
class Deliberation:
    """One deliberation as published: its number, séance, title, attendance, vote, articles, rapport and annexes."""

    id: str  # corrected number, e.g. "2019-119"; for an unnumbered partner act a stable id
    numero_imprime: str | None  # as printed, e.g. "2017-119"; None when there is none
    source: str
    line: int = field(metadata=decrit("Ligne du texte de la source (numérotée à partir de 1) où commence l'en-tête de la délibération"))
    line_end: int = field(metadata=decrit("Dernière ligne de la délibération (rapport et annexes compris) dans le texte de la source"))
    titre: str
    session_id: str
    organe: str
    collectivite: str
    date: str  # ISO session date
    epci_siren: str | None = None  # partner body that is an EPCI
    attendance: Attendance = field(default_factory=Attendance)
    interets: list[Interest] = field(default_factory=list)
    visas: list[str] = field(default_factory=list)
    verbes: list[str] = field(default_factory=list)  # « DECIDE », « INFORME L'ASSEMBLEE », « APPROUVE »...
    articles: list[Article] = field(default_factory=list)
    vote: Vote = field(default_factory=Vote)
    signature: Signature = field(default_factory=Signature)
    envoi_controle_legalite: str | None = None  # ISO
    affichage: str | None = None  # ISO
    certifie_executoire: str | None = None  # ISO (partner bodies)
    publication: str | None = None  # ISO
    page: int | None = field(
        default=None, metadata=decrit("Numéro de page imprimé du recueil, quand il est lisible (il peut différer de la page du PDF)")
    )
    partie: str | None = None  # e.g. "2ème partie"
    rapport: Rapport | None = None
    annexes: list[Annexe] = field(default_factory=list)
    texte: str = ""  # full normalised text of the deliberation itself
    ocr_pages: list[int] = field(
        default_factory=list,
        metadata=decrit("Pages du PDF source lues par reconnaissance optique de caractères (image scannée) parmi les siennes"),
    )
    # pages of the source PDF where it starts and ends (`line`, `line_end`); None for a text source
    page_debut: int | None = field(
        default=None,
        metadata=decrit(
            "Page du PDF source (numérotée à partir de 1) où commence la délibération : l'original publié "
            "s'ouvre à cette page par son adresse suivie de #page=N ; null pour une source texte"
        ),
    )
    page_fin: int | None = field(default=None, metadata=decrit("Page du PDF source où elle se termine ; null pour une source texte"))


# The shapes of the ids the extraction gives, which the publisher also writes in corrections.yaml:
# a Département number « 2021-243 » (`NUMERO` of parse/document.py), a partner body's act « cabbalr-2023-12-12 »
# (acronym and session date, `partenaires.parse_partenaire`), either one with « -doublon-2 » when a source
# repeats it; a grant adds its rank in the deliberation, « 2021-243-0012 » (`subventions.extract`).
# Letters, digits and dashes only: an id names a folder of the site (deliberations/2021-243/), so
# no id can lead out of it.
ID_DELIBERATION = re.compile(r"(?:\d{4}-\d{1,5}|[a-z0-9]{1,40}-(?:\d{4}-\d{2}-\d{2}|sans-date))(?:-doublon-\d{1,4})?")
ID_SUBVENTION = re.compile(ID_DELIBERATION.pattern + r"-\d{4,5}")


def numero_sequence(id_: str | None) -> tuple[int, int] | None:
    """(year, sequence) of a deliberation number such as "2021-243"; None for other ids."""
    m = re.fullmatch(r"(\d{4})-(\d+)", id_ or "")
    return (int(m.group(1)), int(m.group(2))) if m else None


def plage_numeros(premiere: str | None, derniere: str | None) -> list[str]:
    """Every number of an announced range « N° 2021-188 à N° 2021-231 » (empty across years)."""
    a, b = numero_sequence(premiere), numero_sequence(derniere)
    if not a or not b or a[0] != b[0]:
        return []
    return [f"{a[0]}-{n}" for n in range(a[1], b[1] + 1)]

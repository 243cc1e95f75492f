"""Grants decided by a deliberation, and the totals the documents state."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from generator.records.common import PAGE_PDF, decrit
from generator.records.place import PlaceRef


@dataclass
class Subvention:
    """One grant. Amounts are exact Decimals (never floats)."""

    id: str  # stable: f"{deliberation}-{n:04d}" in document order
    deliberation: str
    source: str
    line: int = field(
        metadata=decrit(
            "Ligne du texte de la source (numérotée à partir de 1) où figure la subvention : sa ligne de tableau, ou son article"
        )
    )
    beneficiaire: str  # as written
    type_beneficiaire: str  # commune | epci | association | syndicat | gip | departement | autre
    montant: Decimal
    objet: str = ""
    beneficiaire_ref: PlaceRef | None = None  # commune or EPCI when the beneficiary is one
    commune_projet: PlaceRef | None = None  # where the project is, when stated
    cout_projet: Decimal | None = None
    montant_eligible: Decimal | None = None
    taux: Decimal | None = None  # percent, e.g. Decimal("40.00")
    dispositif: str | None = None  # « FARDA voirie », « Monuments historiques »...
    imputation: str | None = None
    tableau: str | None = None  # name of the table it came from, None for article text
    reference: str | None = None  # dossier number in the table, e.g. "2021-01537"
    territoire: str | None = None  # as written in the table when given
    siret: str | None = None  # the beneficiary's SIRET when printed in this deliberation (never guessed)
    siret_ligne: int | None = None  # the line where it is printed
    page_pdf: int | None = field(default=None, metadata=decrit(PAGE_PDF))  # its table row's page; None for a text source
    beneficiaire_incertain: bool = field(
        default=False,
        metadata=decrit(
            "Vrai quand le porteur et le nom du projet sont imprimés d'un seul tenant et qu'aucune règle sûre ne les sépare : "
            "`beneficiaire` est alors le texte imprimé entier, `objet` est vide, et le site ne fait pas de page à ce nom"
        ),
    )


@dataclass
class TotalCheck:
    """A total or count stated by the document, against what was extracted."""

    deliberation: str
    source: str
    line: int = field(metadata=decrit("Ligne du texte de la source (numérotée à partir de 1) où le total est imprimé"))
    libelle: str  # what is totalled, e.g. « FARDA voirie — montant des aides »
    declare: Decimal | None
    calcule: Decimal | None
    nombre_declare: int | None = None
    nombre_trouve: int | None = None
    statut: str = "ok"  # ok | ecart | illisible
    message: str = ""
    page_pdf: int | None = field(default=None, metadata=decrit(PAGE_PDF))  # None for a text source


@dataclass
class SubventionsSource:
    """Everything a file of site_data/subventions/ holds: the grants of one source and the totals it states."""

    source: str  # file name in site_data/sources/
    subventions: list[Subvention] = field(default_factory=list)
    controles: list[TotalCheck] = field(default_factory=list)

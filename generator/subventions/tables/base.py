"""Shared contract of the annex-table extractors (one module per table layout).

Each module in this package exposes `extract(lines, ctx) -> list[TableResult]`:
it recognises its own layout by its header/total rows inside the Lines of ONE
deliberation unit (deliberation + annexes + rapport), reads every row, and
checks every total or count the table states. Lines it claims go in `consumed`
so that no other extractor reads them again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TypedDict, Unpack

from generator.records import PlaceRef, Problem, Subvention, TotalCheck
from generator.records.common import Severity


class Champs(TypedDict, total=False):
    """The fields of a `Subvention` a reader fills besides who, how much and where it was read."""

    objet: str
    beneficiaire_ref: PlaceRef | None
    commune_projet: PlaceRef | None
    cout_projet: Decimal | None
    montant_eligible: Decimal | None
    taux: Decimal | None
    dispositif: str | None
    tableau: str | None
    reference: str | None
    territoire: str | None
    beneficiaire_incertain: bool


class Verdict(TypedDict, total=False):
    """The fields of a `TotalCheck` besides what is totalled: the counts compared, and the outcome."""

    nombre_declare: int | None
    nombre_trouve: int | None
    statut: str  # ok (the default) | ecart | illisible
    message: str


# Kind of the control report's line for a grant whose porteur and project could not be told apart
# (`Subvention.beneficiaire_incertain`); a publisher's correction of its beneficiary settles it.
PORTEUR_INCERTAIN = "porteur-projet-non-separes"


@dataclass(frozen=True)
class Contexte:
    deliberation: str  # e.g. "2021-243"
    source: str  # source file name

    def subvention(
        self, line: int, beneficiaire: str, type_beneficiaire: str, montant: Decimal, commune: str | None = None, **champs: Unpack[Champs]
    ) -> Subvention:
        """A grant of this deliberation read at `line` (its id is given once the unit's grants are all read).
        `commune`: the commune the row or the article names, where the project is, and the beneficiary itself
        when it is a commune (unresolved references, `commune_ecrite`)."""
        if commune:
            champs.setdefault("commune_projet", commune_ecrite(commune))
            if type_beneficiaire == "commune":
                champs.setdefault("beneficiaire_ref", commune_ecrite(commune))
        return Subvention(
            id="",
            deliberation=self.deliberation,
            source=self.source,
            line=line,
            beneficiaire=beneficiaire,
            type_beneficiaire=type_beneficiaire,
            montant=montant,
            **champs,
        )

    def controle(self, line: int, libelle: str, declare: Decimal | None, calcule: Decimal | None, **suite: Unpack[Verdict]) -> TotalCheck:
        """A total (`declare`) or a count the document states at `line`, against what was read (`calcule`)."""
        return TotalCheck(self.deliberation, self.source, line, libelle, declare, calcule, **suite)

    def probleme(self, line: int | None, kind: str, message: str, severity: Severity) -> Problem:
        """What the publisher must see of this deliberation, at `line` of its source."""
        return Problem(self.source, line, kind, message, severity, self.deliberation)


@dataclass
class TableResult:
    nom: str  # human name of the table, e.g. « FARDA voirie »
    dispositif: str | None
    line: int  # first line of the table (header)
    line_end: int
    subventions: list[Subvention] = field(default_factory=list)
    checks: list[TotalCheck] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    consumed: set[int] = field(default_factory=set)


def commune_ecrite(written: str) -> PlaceRef:
    """An unresolved commune reference; the pipeline resolves it with places.resolve."""
    return PlaceRef(kind="commune", written=written, status="non-resolu")

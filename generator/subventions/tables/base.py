"""Shared contract of the annex-table extractors (one module per table layout).

Each module in this package exposes `extract(lines, ctx) -> list[TableResult]`:
it recognises its own layout by its header/total rows inside the Lines of ONE
deliberation unit (deliberation + annexes + rapport), reads every row, and
checks every total or count the table states. Lines it claims go in `consumed`
so that no other extractor reads them again.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from generator.records import PlaceRef, Problem, Subvention, TotalCheck

# Kind of the control report's line for a grant whose porteur and project could not be told apart
# (`Subvention.beneficiaire_incertain`); a publisher's correction of its beneficiary settles it.
PORTEUR_INCERTAIN = "porteur-projet-non-separes"


@dataclass(frozen=True)
class Contexte:
    deliberation: str  # e.g. "2021-243"
    source: str  # source file name


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

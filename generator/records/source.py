"""Everything extracted from one source file: the unit written to site_data/actes/."""

from __future__ import annotations

from dataclasses import dataclass, field

from generator.records.common import Problem, decrit
from generator.records.deliberation import Deliberation, Session
from generator.records.recueil import Recueil


@dataclass
class SourceDocument:
    """Everything extracted from one source file (one file of site_data/actes/)."""

    source: str  # file name in site_data/sources/
    sha256: str
    parser_version: str
    nature: str  # "recueil" | "extrait" | "partenaire"
    lines: int = field(metadata=decrit("Nombre de lignes du texte de la source (pour un PDF, son texte extrait page par page)"))
    recueil: Recueil | None = None
    sessions: list[Session] = field(default_factory=list)
    deliberations: list[Deliberation] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    pages: list[int] = field(
        default_factory=list,
        metadata=decrit(
            "Pour un PDF : la ligne du texte (numérotée à partir de 1) où commence chacune de ses pages, "
            "la page n à la ligne pages[n - 1] ; vide pour une source texte"
        ),
    )

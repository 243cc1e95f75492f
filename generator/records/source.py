"""Everything extracted from one source file: the unit written to site_data/actes/."""
from __future__ import annotations

from dataclasses import dataclass, field

from .common import Problem
from .deliberation import Deliberation, Session
from .recueil import Recueil


@dataclass
class SourceDocument:
    """Everything extracted from one source file (one file of site_data/actes/)."""

    source: str  # file name in site_data/sources/
    sha256: str
    parser_version: str
    nature: str  # "recueil" | "extrait" | "partenaire"
    lines: int
    recueil: Recueil | None = None
    sessions: list[Session] = field(default_factory=list)
    deliberations: list[Deliberation] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    pages: list[int] = field(default_factory=list)  # a PDF source: the line where each page starts (empty for a text source)

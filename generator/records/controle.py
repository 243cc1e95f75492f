"""The control report as site_data/controle.json holds it: its records describe the file, so that its
JSON Schema (`schema.py`, controle.schema.json) is derived from them and the build validates the report
when it writes it (`extraction.ecrire_controle`). The control stage builds it (`controle.reconcile.build_report`,
then the build adds the identifiers' and the people's figures); the control pages read it."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from generator.records.common import FACULTATIF, Constat, Problem, Severity, decrit
from generator.records.subvention import TotalCheck


@dataclass
class SourceControlee:
    """One source of the report: what was extracted from it, the totals it states checked to the cent, the findings."""

    source: str  # file name in site_data/sources/
    nature: str  # recueil, or the nature of a lone deliberation
    deliberations: int
    subventions: int
    montant_total: Decimal  # in euros, the sum of its grants
    totaux_verifies: int  # stated totals that agree with the extracted lines
    totaux_en_ecart: int  # stated totals that differ (or could not be read)
    controles: list[TotalCheck]
    constats: list[Constat]


@dataclass
class SourceSignalee:
    """A source refused (`erreurs`: not published, its previous extraction kept) or waiting for a tool the machine lacks (`en_attente`)."""

    source: str
    line: int | None  # where in the source; None when it is about the whole file
    message: str  # French sentence for the publisher: what is wrong and what to do
    severity: Severity = field(default="avertissement", metadata={**FACULTATIF, **decrit("Gravité (sources en attente)")})


@dataclass
class CorrectionAppliquee:
    """A correction of site_data/corrections.yaml applied to what a source published."""

    source: str
    message: str  # what was changed, in French
    ligne_correction: int | None = field(default=None, metadata={**FACULTATIF, **decrit("Ligne de l'entrée dans corrections.yaml")})


@dataclass
class Resume:
    """The report in figures: the verdict of the control page is made of them."""

    sources: int  # sources read
    sources_refusees: int
    erreurs: int
    avertissements: int
    totaux_en_ecart: int


@dataclass
class CouvertureIdentifiants:
    """How many of the Département's grants the SCDL export can identify (a SIRET or an RNA number)."""

    subventions: int  # grants of the Département's deliberations
    siret_imprimes: int  # identified by a SIRET printed in the deliberation's conventions
    lignes_table: int  # lines of site_data/identifiants.csv
    identifiees: int
    sans_identifiant: int


@dataclass
class PropositionAlias:
    """Two names of councillors close enough to be one person, left apart until the publisher says so (site_data/elus_alias.yaml)."""

    nom: str
    autre_nom: str
    motif: str  # why they look alike


@dataclass
class ChiffresElus:
    """The people behind the votes: how many were recognised in the presence lists, what is left to the publisher."""

    personnes: int
    presences: int  # one per councillor and deliberation
    noms_proches_non_resolus: int
    propositions: list[PropositionAlias]
    deliberations_sans_liste: int  # deliberations of the Département without a presence list
    sans_liste: list[str]  # their numbers
    alias_inutilises: list[str]  # entries of site_data/elus_alias.yaml that no list uses


@dataclass
class RapportControle:
    """The control report: per source what the documents announce or state against what was extracted,
    the sources refused or waiting, duplicates between sources, corrections applied, the figures."""

    sources: list[SourceControlee]
    erreurs: list[SourceSignalee]  # sources refused
    doublons: list[Constat]  # the same deliberation published by two sources
    # the corrections applied, then the findings about the publisher's files (a correction that matched nothing,
    # a line of identifiants.csv that cannot be used)
    corrections: list[CorrectionAppliquee | Problem]
    en_attente: list[SourceSignalee]
    resume: Resume
    identifiants: CouvertureIdentifiants | None = field(default=None, metadata={**FACULTATIF, **decrit("Identifiants SCDL")})
    elus: ChiffresElus | None = field(default=None, metadata={**FACULTATIF, **decrit("Chiffres des élus")})

"""The councillors of the Département's presence lists, as people (`generator.elus.personnes`):
one `Elu` per person however their name is printed, one `Presence` per person × deliberation.

No file of site_data/ holds them: they are computed at each build from the deliberations and the
publisher's site_data/elus_alias.yaml, and published as elus.csv, presences.csv and the SQLite tables
`elus` and `presences_elus` (described in the data package).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from operator import attrgetter
from typing import TypedDict

# statuts of a person in one deliberation, as the lists print them
VOTANTS = ("present", "excuse", "absent", "represente")  # members with a deliberative vote
_STATUT = attrgetter("statut")


class Mandat(TypedDict):
    """An assembly the person sat in with a vote, between the first and the last séance seen (ISO dates)."""

    organe: str
    premiere: str
    derniere: str


class InteretDeclare(TypedDict):
    """« intéressé(e) à l'affaire »: the deliberation, its title and date, the nature and the sentence printed."""

    deliberation: str
    titre: str
    date: str
    nature: str  # « retrait » (neither debate nor vote) / « excuse_sans_delegation »
    texte: str


class ProcurationDonnee(TypedDict):
    """A proxy the person gave: to whom (`a`: their slug when resolved, `nom`: as printed)."""

    deliberation: str
    date: str
    a: str | None
    nom: str | None


class ProcurationRecue(TypedDict):
    """A proxy the person received: from whom (`de`: slug, `nom`: their name)."""

    deliberation: str
    date: str
    de: str
    nom: str


@dataclass
class Presence:
    """One person × one deliberation: the status the lists give, and what else the act says of them."""

    personne: str  # slug
    nom_imprime: str
    deliberation: str
    seance: str
    date: str  # ISO
    organe: str
    statut: str  # a key of `generator.elus.personnes.STATUTS`
    mandataire: str | None = None  # « represente »: to whom the vote was given (slug or printed name)
    interet: str | None = None  # « retrait » / « excuse_sans_delegation »


@dataclass
class Elu:
    """A councillor: the name shown, as printed most often, every printing, and what the acts say of them."""

    slug: str
    nom: str
    civilite: str | None = None  # « M. » / « Mme », as printed before the name
    variantes: list[str] = field(default_factory=list)  # every printing of the name
    mandats: list[Mandat] = field(default_factory=list)
    lignes: list[Presence] = field(default_factory=list)
    interets: list[InteretDeclare] = field(default_factory=list)
    presidences: list[str] = field(default_factory=list)  # séance ids
    secretariats: list[str] = field(default_factory=list)
    procurations_donnees: list[ProcurationDonnee] = field(default_factory=list)
    procurations_recues: list[ProcurationRecue] = field(default_factory=list)

    def taux_par_annee(self) -> dict[str, tuple[int, int]]:
        """year → (present, voting-member lines): attendance where the person had a vote."""
        out: dict[str, list[int]] = {}
        for li in self.lignes:  # (ten years: 300 000 lines at every build, each looked up once)
            statut = li.statut
            if statut in VOTANTS:
                v = out.get(li.date[:4])
                if v is None:
                    v = out[li.date[:4]] = [0, 0]
                v[1] += 1
                if statut == "present":
                    v[0] += 1
        return {a: (v[0], v[1]) for a, v in sorted(out.items())}

    def comptes(self) -> Counter[str]:
        """Status → how many of the person's lines have it (one pass, without a Python frame per line)."""
        return Counter(map(_STATUT, self.lignes))

    def compte(self, statut: str) -> int:
        return self.comptes()[statut]

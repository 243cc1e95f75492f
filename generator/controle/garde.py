"""What a new extraction may not do to what is published: the guard between parsing and site_data/.

A source parsed anew (a new file, a file replaced, or the parser changed) is accepted only if:
- it keeps every deliberation the previous version of the same file published, and as many grants
  for each of them (a file cut short, a recueil replaced by its sommaire alone, a PDF whose tables
  read worse than the text: each would silently unpublish acts and grants);
- no deliberation it holds is published by another file with a different text;
- its recueil is not already published by another file (a recueil is one file).
A refused source keeps its previous extraction (if any), which stays published. A file removed from
the inbox unpublishes its deliberations only if they are published elsewhere or the publisher
confirmed the withdrawal; otherwise its previous extraction stays published and the build says so.

The publisher confirms an intended loss in `site_data/corrections.yaml`:

    retraits:
      - deliberation: 2021-243      # withdrawn, or some of its grants withdrawn
        motif: "rapport retiré de l'ordre du jour"
      - source: ancien-nom.txt      # a file withdrawn with all its acts
        motif: "doublon"

Pure functions of summaries; `extraction.extract` reads and writes the files.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from generator.records import JsonObject, SubventionsSource, recueil_slug
from generator.records.corpus import DocumentLu
from generator.records.lecture import from_dict

CORRECTIONS = "site_data/corrections.yaml"


@dataclass
class Resume:
    """What one source publishes, as far as the guard is concerned."""

    source: str
    deliberations: dict[str, str] = field(default_factory=dict)  # id → digest of its text
    lignes: dict[str, int] = field(default_factory=dict)  # id → its first line in the source
    subventions: Counter[str] = field(default_factory=Counter)  # deliberation id → number of grants
    recueil: str | None = None  # "2021-06-n6"


def resumer(lu: DocumentLu, subs: JsonObject | None) -> Resume:
    """What the document `lu` of site_data/actes and its grants `subs` (its file of site_data/subventions, if any) publish."""
    doc = lu.document()
    r = Resume(doc.source, recueil=recueil_slug(doc.recueil))
    for d, empreinte in zip(doc.deliberations, lu.empreintes, strict=True):
        r.deliberations.setdefault(d.id, empreinte)
        r.lignes.setdefault(d.id, d.line)
    if subs is not None:
        r.subventions.update(s.deliberation for s in from_dict(SubventionsSource, subs).subventions)
    return r


@dataclass
class Refus:
    source: str
    message: str
    line: int | None = None


@dataclass
class Verdict:
    refuses: dict[str, Refus] = field(default_factory=dict)  # new extractions refused (their previous one stays)
    gardes: dict[str, Refus] = field(default_factory=dict)  # sources removed from the inbox whose data stays


def _liste(ids: list[str], n: int = 8) -> str:
    return ", ".join(ids[:n]) + (f" et {len(ids) - n} autre(s)" if len(ids) > n else "")


def juger(
    nouveaux: dict[str, Resume],
    anciens: dict[str, Resume],
    inchanges: dict[str, Resume],
    retires: set[str],
    retraits_delib: set[str],
    retraits_source: set[str],
) -> Verdict:
    """Which new extractions are refused, and which removed sources keep their data.

    `nouveaux`: sources parsed now; `anciens`: the previous extraction of a source parsed now or removed
    (by source name); `inchanges`: sources kept as they were; `retires`: names of sources gone from the
    inbox; `retraits_*`: what the publisher confirmed."""
    v = Verdict()
    while True:
        publies: dict[str, Resume] = dict(inchanges)
        publies.update({s: r for s, r in nouveaux.items() if s not in v.refuses})
        publies.update({s: anciens[s] for s in v.refuses if s in anciens})
        publies.update({s: anciens[s] for s in v.gardes})
        avant = (len(v.refuses), len(v.gardes))
        for s in sorted(nouveaux):
            if s in v.refuses:
                continue
            refus = _juger_un(nouveaux[s], anciens.get(s), publies, retraits_delib)
            if refus is not None:
                v.refuses[s] = refus
        for s in sorted(retires - set(v.gardes) - retraits_source):
            ancien = anciens.get(s)
            if ancien is None:
                continue
            ailleurs = {i for o, r in publies.items() if o != s for i in r.deliberations}
            perdues = sorted(i for i in ancien.deliberations if i not in ailleurs and i not in retraits_delib)
            if perdues:
                v.gardes[s] = Refus(
                    s,
                    f"ce fichier a été retiré de site_data/sources/, mais ses {len(perdues)} délibération(s) "
                    f"({_liste(perdues)}) ne seraient alors plus publiées nulle part : elles restent publiées. "
                    f"Remettez le fichier, ou confirmez le retrait dans {CORRECTIONS} "
                    f'(retraits: - source: {s}, motif: "…").',
                )
        if (len(v.refuses), len(v.gardes)) == avant:
            return v


def _juger_un(nouveau: Resume, ancien: Resume | None, publies: dict[str, Resume], retraits: set[str]) -> Refus | None:
    s = nouveau.source
    suite = "Ce fichier est refusé" + (" et sa version précédente reste publiée" if ancien else "") + " ; "
    if ancien is not None:
        ailleurs = {i for o, r in publies.items() if o != s for i in r.deliberations}
        perdues = sorted(i for i in ancien.deliberations if i not in nouveau.deliberations and i not in ailleurs and i not in retraits)
        if perdues:
            return Refus(
                s,
                f"la nouvelle version de ce fichier ne contient plus {len(perdues)} délibération(s) qu'il publiait "
                f"({_liste(perdues)}) : fichier incomplet ou tronqué ? {suite}déposez le fichier complet, "
                f'ou, si ce retrait est voulu, déclarez-le dans {CORRECTIONS} (retraits: - deliberation: {perdues[0]}, motif: "…").',
            )
        baisses = sorted(
            i
            for i, n in ancien.subventions.items()
            if i in nouveau.deliberations and nouveau.subventions.get(i, 0) < n and i not in retraits
        )
        if baisses:
            i = baisses[0]
            detail = "; ".join(f"{x} : {ancien.subventions[x]} → {nouveau.subventions.get(x, 0)}" for x in baisses[:5])
            return Refus(
                s,
                f"la nouvelle version de ce fichier donne moins de subventions que la précédente ({detail}) : "
                f"tableau tronqué ou illisible ? {suite}vérifiez le fichier, ou, si la baisse est voulue (recueil rectifié), "
                f'déclarez-la dans {CORRECTIONS} (retraits: - deliberation: {i}, motif: "…").',
                nouveau.lignes.get(i),
            )
    for i in sorted(nouveau.deliberations):
        for o in sorted(publies):
            if o != s and publies[o].deliberations.get(i) not in (None, nouveau.deliberations[i]):
                return Refus(
                    s,
                    f"la délibération {i} est déjà publiée par {o} avec un texte différent. {suite}"
                    "gardez un seul des deux fichiers (celui qui fait foi), puis relancez.",
                    nouveau.lignes.get(i),
                )
    if nouveau.recueil:
        for o in sorted(publies):
            autre = publies[o]
            copie = autre.deliberations == nouveau.deliberations and autre.subventions == nouveau.subventions
            if o != s and autre.recueil == nouveau.recueil and not copie:  # an exact copy is only listed (control report)
                return Refus(
                    s,
                    f"le recueil {nouveau.recueil} est déjà publié par {o} : un recueil se dépose en un seul fichier. "
                    f"{suite}retirez l'un des deux fichiers, puis relancez.",
                )
    return None

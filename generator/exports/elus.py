"""elus.csv and presences.csv: the Département's councillors as the presence lists name them, and
one row per person × deliberation with the status the lists give (`generator.elus.personnes`)."""

from __future__ import annotations

import csv
import functools
import hashlib
import importlib.util
import io
from collections.abc import Callable, Mapping
from pathlib import Path

from generator.commun import code
from generator.elus import alias as module_alias
from generator.elus import personnes
from generator.elus.personnes import Registre
from generator.exports.ecritures import Ecritures, empreinte_code, empreinte_json
from generator.records.corpus import Corpus

COLONNES_ELUS = [
    "id",
    "nom",
    "civilite",
    "variantes",
    "organes",
    "premiere_seance",
    "derniere_seance",
    "presences",
    "excuses",
    "absences",
    "interets_declares",
    "presidences",
    "page",
]
COLONNES_PRESENCES = ["personne", "nom_imprime", "deliberation", "seance", "date", "organe", "statut", "mandataire", "interet"]


def lignes_elus(reg: Registre) -> list[list[str]]:
    out = []
    for p in reg.personnes.values():
        dates = [d for m in p.mandats for d in (m["premiere"], m["derniere"])]
        n = p.comptes()
        out.append(
            [
                p.slug,
                p.nom,
                p.civilite or "",
                " | ".join(p.variantes),
                " | ".join(m["organe"] for m in p.mandats),
                min(dates) if dates else "",
                max(dates) if dates else "",
                str(n["present"]),
                str(n["excuse"]),
                str(n["absent"]),
                str(len(p.interets)),
                str(len(p.presidences)),
                f"elus/{p.slug}/",
            ]
        )
    return out


def lignes_presences(reg: Registre) -> list[list[str]]:
    rows = [
        [li.personne, li.nom_imprime, li.deliberation, li.seance, li.date, li.organe, li.statut, li.mandataire or "", li.interet or ""]
        for li in reg.lignes
    ]
    return sorted(rows, key=lambda r: (r[4], r[2], r[0]))


def _csv(colonnes: list[str], rows: list[list[str]]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(colonnes)
    w.writerows(rows)
    return buf.getvalue()


def _code_registre() -> str:
    """The code that builds the register (`pages.elus.registre`, `personnes.construire`, the alias' keys)."""
    spec = importlib.util.find_spec("generator.site.pages.elus")  # (not imported: the pages import the exports)
    fichiers = [Path(personnes.__file__), Path(module_alias.__file__)] + ([Path(spec.origin)] if spec and spec.origin else [])
    return code.empreinte(code.modules(fichiers))


def empreinte_registre(corpus: Corpus, alias: Mapping[str, str] | None) -> str | None:
    """The digest of what the register of élus (`corpus.elus`) is built from (`pages.elus.registre`): the
    deliberations published (by id and source: the first copy of each), every source's file of site_data/actes
    (`Corpus.empreinte_actes`: their presence lists, séances, texts and so civilities), the publisher's `alias`
    (as `generator.elus.alias.lire` read them) and the code; with the exports' code, what elus.csv and
    presences.csv are made of. A person's id (slug) and name depend on every year (the name most printed, the
    alias), so nothing narrower keys them. None: no alias given or a source without its file (rows made)."""
    if alias is None:
        return None
    sources = [doc.source for doc in corpus.documents]
    fichiers = [corpus.empreinte_actes(s) for s in sources]
    if None in fichiers:
        return None
    publiees = [[i, d.source] for i, d in corpus.deliberations.items()]
    donnees = [empreinte_code(), _code_registre(), sorted(alias.items()), list(zip(sources, fichiers, strict=True)), publiees]
    return empreinte_json(donnees)


def write(
    reg: Registre | None,
    out_dir: Path,
    elus: Callable[[], list[list[str]]] | None = None,
    presences: Callable[[], list[list[str]]] | None = None,
    ecritures: Ecritures | None = None,
    cle: str | None = None,
) -> list[Path]:
    """elus.csv and presences.csv, their rows made by `elus` and `presences` (else `lignes_elus`,
    `lignes_presences`) and counted in `ecritures` (for the « Données » page), which writes them if they
    changed. `cle`: what the register is built from (`empreinte_registre`): a file the last build made from
    the same is kept, its rows not even made (None: made, and compared with the file)."""
    if reg is None:
        return []
    ecritures = ecritures or Ecritures(out_dir)
    faire = [elus or (lambda: lignes_elus(reg)), presences or (lambda: lignes_presences(reg))]
    chemins = [out_dir / "elus.csv", out_dir / "presences.csv"]
    for chemin, colonnes, lignes in zip(chemins, [COLONNES_ELUS, COLONNES_PRESENCES], faire, strict=True):
        cle_fichier = None if cle is None else hashlib.sha256(f"{cle}\x1f{chemin.name}".encode()).hexdigest()
        if cle_fichier is None or not ecritures.a_jour(chemin, cle_fichier):
            rows = lignes()
            ecritures.fichier(chemin, cle_fichier, functools.partial(_csv, colonnes, rows), len(rows))
    return chemins

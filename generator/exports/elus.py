"""elus.csv and presences.csv: the Département's councillors as the presence lists name them, and
one row per person × deliberation with the status the lists give (`generator.elus.personnes`)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from generator.elus.personnes import Registre
from generator.exports.ecritures import Ecritures

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


def write(
    reg: Registre | None,
    out_dir: Path,
    elus: list[list[str]] | None = None,
    presences: list[list[str]] | None = None,
    ecritures: Ecritures | None = None,
) -> list[Path]:
    """elus.csv and presences.csv, from their rows when they are given (`lignes_elus`, `lignes_presences`);
    their rows counted in `ecritures` (for the « Données » page), which writes them if they changed."""
    if reg is None:
        return []
    ecritures = ecritures or Ecritures(out_dir)
    elus = lignes_elus(reg) if elus is None else elus
    presences = lignes_presences(reg) if presences is None else presences
    a, b = out_dir / "elus.csv", out_dir / "presences.csv"
    ecritures.texte(a, _csv(COLONNES_ELUS, elus), len(elus))
    ecritures.texte(b, _csv(COLONNES_PRESENCES, presences), len(presences))
    return [a, b]

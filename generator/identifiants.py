"""Registry identifiers of beneficiaries (SIRET, RNA): checks and the publisher's table.

The SCDL « Subventions » format asks for each beneficiary's SIRET (or, for an
association, its RNA number). The recueils rarely print them, and a SIRET cannot be
deduced from a SIREN (its last five digits, the NIC, name one establishment). So
identifiers come from two places only: the numbers printed in the conventions of
the deliberation itself (read by `subventions.identifiants`), and the table the
publisher fills with numbers checked in the Sirene directory,
`site_data/identifiants.csv`. Nothing is guessed.
"""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

COLONNES = ("beneficiaire", "siret", "rna", "source")


class IdentifiantError(Exception):
    """A line of identifiants.csv that cannot be used; the message names the file and line."""


def siret_valide(value: str) -> bool:
    """SIRET checksum (Luhn), with the La Poste exception (SIREN 356000000: digit sum multiple of 5)."""
    if not re.fullmatch(r"\d{14}", value or ""):
        return False
    if value.startswith("356000000"):
        return sum(int(c) for c in value) % 5 == 0
    total = 0
    for i, c in enumerate(reversed(value)):
        n = int(c) * (2 if i % 2 else 1)
        total += n - 9 if n > 9 else n
    return total % 10 == 0


def rna_valide(value: str) -> bool:
    return bool(re.fullmatch(r"W\d{9}", value or ""))


def chiffres(text: str) -> str:
    return re.sub(r"\D", "", text or "")


@dataclass(frozen=True)
class Identifiant:
    """One line of the publisher's table: who (INSEE code, EPCI SIREN or name as published) and its numbers."""

    beneficiaire: str
    siret: str
    rna: str
    source: str
    line: int


def load(path: Path, sirens: dict[str, str] | None = None) -> list[Identifiant]:
    """identifiants.csv, checked line by line; [] when the file does not exist.

    `sirens` maps the INSEE codes of communes to their SIREN, so that a SIRET given
    for a commune (or an EPCI, keyed by its SIREN) must belong to it.
    """
    if not path.exists():
        return []
    text = path.read_text(encoding="utf-8-sig")
    rows = [(n, line) for n, line in enumerate(text.splitlines(), start=1) if line.strip() and not line.lstrip().startswith("#")]
    if not rows:
        return []
    reader = csv.reader(io.StringIO("\n".join(line for _, line in rows)))
    records = list(reader)
    head = [h.strip() for h in records[0]]
    if tuple(head) != COLONNES:
        raise IdentifiantError(f"{path.name}, ligne {rows[0][0]} : en-tête attendu « {','.join(COLONNES)} », trouvé « {','.join(head)} »")
    out, seen = [], {}
    for (n, _), rec in zip(rows[1:], records[1:]):
        if len(rec) != len(COLONNES):
            raise IdentifiantError(f"{path.name}, ligne {n} : {len(COLONNES)} colonnes attendues ({','.join(COLONNES)}), {len(rec)} trouvées")
        qui, siret, rna, source = (v.strip() for v in rec)
        siret = chiffres(siret)
        if not qui:
            raise IdentifiantError(f"{path.name}, ligne {n} : la colonne beneficiaire est vide")
        if not siret and not rna:
            raise IdentifiantError(f"{path.name}, ligne {n} : ni SIRET ni RNA pour « {qui} »")
        if siret and not siret_valide(siret):
            raise IdentifiantError(f"{path.name}, ligne {n} : SIRET « {rec[1].strip()} » invalide (14 chiffres dont la clé de contrôle)")
        if rna and not rna_valide(rna):
            raise IdentifiantError(f"{path.name}, ligne {n} : RNA « {rna} » invalide (W suivi de 9 chiffres)")
        siren = (sirens or {}).get(qui) or (qui if re.fullmatch(r"\d{9}", qui) else None)
        if siret and siren and not siret.startswith(siren):
            raise IdentifiantError(f"{path.name}, ligne {n} : le SIRET {siret} n'appartient pas à « {qui} » (SIREN {siren})")
        if not source:
            raise IdentifiantError(f"{path.name}, ligne {n} : indiquez d'où vient le numéro (colonne source)")
        if qui in seen:
            raise IdentifiantError(f"{path.name}, ligne {n} : « {qui} » figure déjà ligne {seen[qui]}")
        seen[qui] = n
        out.append(Identifiant(qui, siret, rna, source, n))
    return out


def par_cle(identifiants: list[Identifiant] | None) -> dict[str, Identifiant]:
    """The publisher's table keyed by INSEE code, EPCI SIREN or folded beneficiary name."""
    from .subventions.beneficiaires import fold_name

    out = {}
    for i in identifiants or []:
        key = i.beneficiaire if re.fullmatch(r"\d[\dAB]\d{3}|\d{9}", i.beneficiaire) else fold_name(i.beneficiaire)
        out[key] = i
    return out


def siren_de(s: dict, communes: dict[str, dict]) -> str | None:
    """The SIREN a grant's beneficiary is known by in the reference geography (commune or EPCI)."""
    p = s.get("beneficiaire_ref") or {}
    if p.get("status") != "resolu" or not p.get("code"):
        return None
    return (communes.get(p["code"]) or {}).get("siren") if p.get("kind") == "commune" else p["code"]


def identifiants_de(s: dict, table: dict[str, Identifiant], siren: str | None) -> tuple[str, str]:
    """(SIRET, RNA) of a grant's beneficiary: printed in its deliberation, else the publisher's table; never guessed."""
    from .subventions.beneficiaires import fold_name

    p = s.get("beneficiaire_ref") or {}
    entry = table.get(p["code"]) if p.get("status") == "resolu" and p.get("code") else None
    if entry is None and table:  # (an empty table: no name to fold, for each of thousands of grants)
        entry = table.get(fold_name(s.get("beneficiaire") or ""))
    siret = s.get("siret") or (entry.siret if entry else "")
    if siret and not (siret_valide(siret) and (not siren or siret.startswith(siren))):
        siret = ""
    return siret, (entry.rna if entry else "")


def couverture(subventions: list[dict], identifiants: list[Identifiant], communes: dict[str, dict]) -> dict:
    """How many grants the SCDL export can identify, for the control report."""
    table = par_cle(identifiants)
    imprimes = sum(1 for s in subventions if s.get("siret"))
    identifies = sum(1 for s in subventions if any(identifiants_de(s, table, siren_de(s, communes))))
    return {"subventions": len(subventions), "siret_imprimes": imprimes, "lignes_table": len(identifiants),
            "identifiees": identifies, "sans_identifiant": len(subventions) - identifies}

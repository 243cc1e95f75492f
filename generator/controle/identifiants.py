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
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from generator.lieux import places
from generator.records import JsonObject, Problem, Subvention
from generator.records.common import Severity
from generator.subventions.beneficiaires import fold_name
from generator.subventions.identifiants import chiffres, rna_valide, siret_valide

COLONNES = ("beneficiaire", "siret", "rna", "source")
SEPARATEURS = (",", ";", "\t")  # a French spreadsheet writes « ; »
TAILLE_MAX = 10_000_000  # bytes: one line per beneficiary is some 100 000 lines at most
_INSEE = re.compile(r"\d[\dAB]\d{3}")
_SIREN = re.compile(r"\d{9}")


@dataclass(frozen=True)
class Identifiant:
    """One line of the publisher's table: who (INSEE code, EPCI SIREN or name as published) and its numbers."""

    beneficiaire: str
    siret: str
    rna: str
    source: str
    line: int


def load(path: Path, sirens: dict[str, str] | None = None) -> tuple[list[Identifiant], list[Problem]]:
    """identifiants.csv, checked line by line: (the good lines, the problems); ([], []) without a file.

    Read as UTF-8 (with or without BOM), else as Windows-1252, which is said (« info »); the
    separator (« , » or « ; ») and the order of the columns come from the header line. A bad line is
    an « avertissement » naming its line and column: it is left out, the good lines are kept. A file
    that cannot be read, or whose header is not the expected one, is an « erreur » and gives no line.
    `sirens` maps the INSEE codes of communes to their SIREN, so that a SIRET given for a commune
    (or an EPCI, keyed by its SIREN) must belong to it.
    """
    if not path.exists():
        return [], []
    problems: list[Problem] = []

    def dire(line: int | None, message: str, severity: Severity = "avertissement", kind: str = "identifiant-ligne") -> None:
        problems.append(Problem(path.name, line, kind, message, severity))

    text = _decode(path, dire)
    if text is None:
        return [], problems
    rows = [
        (n, line)
        for n, line in enumerate(re.split(r"\r\n|\r|\n", text), start=1)
        if line.strip() and not line.strip().lstrip('"').startswith("#")
    ]
    if not rows:
        return [], problems
    n, header = rows[0]
    sep, order, detail = _entete(header)
    if order is None:
        dire(
            n,
            f"en-tête non reconnu « {header.strip()[:200]} »{detail} ; attendu les colonnes {','.join(COLONNES)} "
            "(séparées par « , » ou « ; ») ; corrigez cette première ligne non commentée (voir les commentaires en tête du fichier)",
            "erreur",
            "identifiants-entete",
        )
        return [], problems
    out: list[Identifiant] = []
    seen: dict[str, int] = {}
    for n, line in rows[1:]:
        try:
            rec = next(csv.reader([line], delimiter=sep))
        except csv.Error as exc:
            dire(n, f"ligne illisible ({exc}) ; attendu {sep.join(COLONNES)} ; ligne ignorée, corrigez-la")
            continue
        if not any(v.strip() for v in rec):
            continue  # a spreadsheet's empty row « ;;; »
        while len(rec) > len(COLONNES) and not rec[-1].strip():
            rec.pop()  # a spreadsheet pads every row to its widest one
        if len(rec) != len(COLONNES):
            dire(
                n,
                f"{len(rec)} colonne(s) trouvée(s), {len(COLONNES)} attendues ({sep.join(order)}) ; ligne ignorée ; "
                f"complétez-la (un nom qui contient « {sep} » doit être entre guillemets)",
            )
            continue
        values = dict(zip(order, (v.strip() for v in rec)))
        why = _faute(values, sirens, seen)
        if why:
            dire(n, why + " ; ligne ignorée, les autres sont gardées")
            continue
        qui = values["beneficiaire"]
        seen[cle(qui)] = n
        out.append(Identifiant(qui, chiffres(values["siret"]), values["rna"], values["source"], n))
    return out, problems


def _decode(path: Path, dire: Callable[[int | None, str, Severity, str], None]) -> str | None:
    """The file's text (UTF-8, else Windows-1252, said), or None after saying why it cannot be read."""
    size = path.stat().st_size
    if size > TAILLE_MAX:
        dire(
            None,
            f"fichier de {size} octets ; attendu une table d'au plus {TAILLE_MAX // 1_000_000} Mo ; "
            "vérifiez que c'est bien la table des identifiants",
            "erreur",
            "identifiants-illisible",
        )
        return None
    data = path.read_bytes()
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data:
        dire(
            None,
            "fichier illisible (texte UTF-16 ou fichier binaire) ; attendu un texte CSV ; "
            "enregistrez-le depuis le tableur au format « CSV UTF-8 » (ou CSV Windows-1252)",
            "erreur",
            "identifiants-illisible",
        )
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError as exc:
        dire(
            data.count(b"\n", 0, exc.start) + 1,
            "caractère illisible, ni UTF-8 ni Windows-1252 ; attendu un texte CSV ; enregistrez le fichier au format « CSV UTF-8 »",
            "erreur",
            "identifiants-illisible",
        )
        return None
    dire(
        None,
        "lu comme Windows-1252 (enregistré par un tableur ?) ; enregistrez-le en UTF-8 pour lever ce message",
        "info",
        "identifiants-encodage",
    )
    return text


def _entete(line: str) -> tuple[str, tuple[str, ...] | None, str]:
    """(separator, column names in the file's order, "") of the header line; (separator, None, what
    is missing or unknown) when it is not the expected one. Names are read without case, accents or
    surrounding spaces."""
    found = []
    for sep in SEPARATEURS:
        names = [places.normalise(c).replace(" ", "_") for c in next(csv.reader([line], delimiter=sep), [])]
        while names and not names[-1]:
            names.pop()
        if sorted(names) == sorted(COLONNES):
            return sep, tuple(names), ""
        found.append((len(names), sep, names))
    _, sep, names = max(found)
    missing = [c for c in COLONNES if c not in names]
    extra = [c for c in names if c not in COLONNES]
    said = (f" ; manque{'nt' if len(missing) > 1 else ''} : {', '.join(missing)}" if missing else "") + (
        f" ; inconnue{'s' if len(extra) > 1 else ''} : {', '.join(extra)}" if extra else ""
    )
    return sep, None, said


def _faute(values: dict[str, str], sirens: dict[str, str] | None, seen: dict[str, int]) -> str | None:
    """What is wrong with one line of the table (column, found, expected), or None."""
    qui, siret_ecrit, rna, source = (values[c] for c in COLONNES)
    siret = chiffres(siret_ecrit)
    if not qui:
        return "colonne beneficiaire vide ; attendu un code INSEE (62873), un SIREN d'EPCI (200033579) ou le nom publié du bénéficiaire"
    if sirens is not None and _INSEE.fullmatch(qui) and qui not in sirens:
        return f"colonne beneficiaire : code INSEE « {qui} » inconnu ; attendu le code d'une commune du Pas-de-Calais (ex. 62873 pour Wancourt)"
    if not siret and not rna:
        return f"ni SIRET ni RNA pour « {qui} » ; attendu au moins l'un des deux (colonnes siret et rna)"
    if siret_ecrit and not siret_valide(siret):
        attendu = "14 chiffres" if len(siret) != 14 else "14 chiffres dont le dernier est une clé de contrôle : un chiffre est faux"
        return f"colonne siret : « {siret_ecrit} » invalide ({len(siret)} chiffres) ; attendu {attendu} ; vérifiez-le sur annuaire-entreprises.data.gouv.fr"
    if rna and not rna_valide(rna):
        return f"colonne rna : « {rna} » invalide ; attendu W suivi de 9 chiffres (ex. W623000001)"
    siren = (sirens or {}).get(qui) or (qui if _SIREN.fullmatch(qui) else None)
    if siret and siren and not siret.startswith(siren):
        return f"colonne siret : le SIRET {siret} n'appartient pas à « {qui} » ; attendu un SIRET qui commence par son SIREN {siren}"
    if not source:
        return "colonne source vide ; attendu où et quand le numéro a été vérifié (ex. annuaire-entreprises.data.gouv.fr le 2026-11-21)"
    if cle(qui) in seen:
        return f"« {qui} » figure déjà ligne {seen[cle(qui)]} ; attendu une ligne par bénéficiaire (la première est gardée)"
    return None


def cle(beneficiaire: str) -> str:
    """How the table is keyed: INSEE code or EPCI SIREN as written, else the folded beneficiary name."""
    return beneficiaire if _INSEE.fullmatch(beneficiaire) or _SIREN.fullmatch(beneficiaire) else fold_name(beneficiaire)


def par_cle(identifiants: list[Identifiant] | None) -> dict[str, Identifiant]:
    """The publisher's table keyed by INSEE code, EPCI SIREN or folded beneficiary name."""
    return {cle(i.beneficiaire): i for i in identifiants or []}


def siren_de(s: Subvention, communes: dict[str, JsonObject]) -> str | None:
    """The SIREN a grant's beneficiary is known by in the reference geography (commune or EPCI)."""
    p = s.beneficiaire_ref
    if p is None or p.status != "resolu" or not p.code:
        return None
    if p.kind != "commune":
        return p.code
    siren: str | None = (communes.get(p.code) or {}).get("siren")
    return siren


def identifiants_de(s: Subvention, table: dict[str, Identifiant], siren: str | None) -> tuple[str, str]:
    """(SIRET, RNA) of a grant's beneficiary: printed in its deliberation, else the publisher's table; never guessed."""
    p = s.beneficiaire_ref
    entry = table.get(p.code) if p is not None and p.status == "resolu" and p.code else None
    if entry is None and table:  # (an empty table: no name to fold, for each of thousands of grants)
        entry = table.get(fold_name(s.beneficiaire or ""))
    siret = s.siret or (entry.siret if entry else "")
    if siret and not (siret_valide(siret) and (not siren or siret.startswith(siren))):
        siret = ""
    return siret, (entry.rna if entry else "")


def couverture(subventions: list[Subvention], identifiants: list[Identifiant], communes: dict[str, JsonObject]) -> dict[str, int]:
    """How many grants the SCDL export can identify, for the control report."""
    table = par_cle(identifiants)
    imprimes = sum(1 for s in subventions if s.siret)
    identifies = sum(1 for s in subventions if any(identifiants_de(s, table, siren_de(s, communes))))
    return {
        "subventions": len(subventions),
        "siret_imprimes": imprimes,
        "lignes_table": len(identifiants),
        "identifiees": identifies,
        "sans_identifiant": len(subventions) - identifies,
    }

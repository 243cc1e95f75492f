"""Helpers shared by the « other » annex-table extractors (FIEET/FIEN, EASL, vie étudiante,
BIJ, SPIE). No `extract` here: this module is not a table layout.

Why a shared module: every extractor must state its totals the same way (ok / ecart /
illisible with a French message) and report unreadable rows the same way, and several
need the decision zone of the délibération (between `DECIDE` and the vote) to read what
the articles announce (counts, totals, whether an annexed table is decided at all).
"""
from __future__ import annotations

import re
from decimal import Decimal

from ...montants import find_montants, format_montant
from ...normalise import squash
from ...records import Line, Problem, TotalCheck
from .base import Contexte

# Amount as printed in table cells: `15 534,00`, `4 278`, `150 600.00`, `511 970.00`.
AMOUNT = r"(?:\d{1,3}(?:[ \u00a0]{1,2}\d{3})+(?:[,.]\d{2})?|\d+(?:[,.]\d{2})?)"
EURO_AMOUNT = re.compile(rf"({AMOUNT})\s*€")

_DECIDE = re.compile(r"^\s*(?:DECIDE|DÉCIDE|INFORME L'ASSEMBLEE|APPROUVE)\b")
_VOTE = re.compile(r"^\s*Dans les conditions de vote")


def texte(line: Line) -> str:
    return squash(line.text)


def euros(text: str) -> list[Decimal]:
    """Amounts followed by € in a cell text, left to right."""
    return [m.valeur for m in find_montants(text, euro_only=True)]


def decision(lines: list[Line]) -> list[Line]:
    """Lines of the articles (between DECIDE and the vote block) of the délibération."""
    out: list[Line] = []
    inside = False
    for ln in lines:
        if not inside and _DECIDE.match(ln.text):
            inside = True
            continue
        if inside and _VOTE.match(ln.text):
            break
        if inside and ln.text.strip():
            out.append(ln)
    return out


def decision_text(lines: list[Line]) -> str:
    return " ".join(texte(ln) for ln in decision(lines))


def total_check(ctx: Contexte, line: int, libelle: str, declare: Decimal | None,
                calcule: Decimal | None, nombre_declare: int | None = None,
                nombre_trouve: int | None = None, illisibles: int = 0) -> TotalCheck:
    """A stated total against the rows read; never forced: a gap stays a reported gap."""
    if illisibles:
        return TotalCheck(ctx.deliberation, ctx.source, line, libelle, declare, calcule,
                          nombre_declare, nombre_trouve, "illisible",
                          f"{illisibles} ligne(s) du tableau illisible(s) : total non vérifiable.")
    ecarts = []
    if declare is not None and calcule is not None and declare != calcule:
        ecarts.append(f"le document annonce {format_montant(declare)}, la somme des lignes "
                      f"donne {format_montant(calcule)} (écart {format_montant(calcule - declare)})")
    if nombre_declare is not None and nombre_trouve is not None and nombre_declare != nombre_trouve:
        ecarts.append(f"le document annonce {nombre_declare}, {nombre_trouve} trouvé(s)")
    if ecarts:
        return TotalCheck(ctx.deliberation, ctx.source, line, libelle, declare, calcule,
                          nombre_declare, nombre_trouve, "ecart",
                          f"{libelle} : " + " ; ".join(ecarts) + ". Les montants sont gardés tels qu'écrits.")
    return TotalCheck(ctx.deliberation, ctx.source, line, libelle, declare, calcule,
                      nombre_declare, nombre_trouve, "ok", "")


def ligne_illisible(ctx: Contexte, line: int, raw: str, tableau: str) -> Problem:
    return Problem(ctx.source, line, "ligne-illisible",
                   f"{tableau} : ligne non lue (montants introuvables) : « {squash(raw)} »",
                   "avertissement", ctx.deliberation)


def info(ctx: Contexte, line: int, kind: str, message: str) -> Problem:
    return Problem(ctx.source, line, kind, message, "info", ctx.deliberation)


_COMMUNE = re.compile(r"^(?:COMMUNE|Commune|Ville|VILLE|Mairie|MAIRIE)\s+(?:DE\s+|de\s+|D'|d'|DU\s+|du\s+)?(.+)$")
_EPCI = re.compile(r"^(?:COM(?:MUNAUTE)?\s+(?:DE\s+)?COM|COM\s+COMMUNES|Communaut[ée]|COMMUNAUT[ÉE]|C\.\s*(?:de\s+Com|d'Agglo|Urbaine)|"
                   r"CA\b|CC\b|CU\b|CAPSO\b|CA2BM\b|CALL\b|CAHC\b|CABBALR\b|CUA\b)", re.I)
_SYNDICAT = re.compile(r"^(?:SYND|Syndicat|SIVOM|SIVU|SIAEP|SMAGE|PNR|Parc naturel)", re.I)
_ASSO = re.compile(r"\b(?:association|asso\.?)\b", re.I)
_GIP = re.compile(r"\b(?:GIP|Groupement d'Int[ée]r[êe]t Public)\b", re.I)


def commune_nommee(name: str) -> str | None:
    """`COMMUNE D'ACHIET-LE-PETIT` → `ACHIET-LE-PETIT`; `Ville de Liévin / Service…` → `Liévin`."""
    m = _COMMUNE.match(name.strip())
    if not m:
        return None
    rest = m.group(1).split("/")[0].strip(" ,")
    return rest or None


def type_beneficiaire(name: str, defaut: str = "autre") -> str:
    n = name.strip()
    if _COMMUNE.match(n):
        return "commune"
    if _SYNDICAT.match(n):
        return "syndicat"
    if _EPCI.match(n):
        return "epci"
    if _GIP.search(n):
        return "gip"
    if _ASSO.search(n):
        return "association"
    return defaut


TERRITOIRES = (
    "MONTREUILLOIS-TERNOIS", "MONTREUILLOIS - TERNOIS", "LENS-HENIN", "LENS-HÉNIN", "LENS-LIEVIN", "LENS-LIÉVIN",
    "HENIN-CARVIN", "HÉNIN-CARVIN", "ARRAGEOIS", "ARTOIS", "AUDOMAROIS", "BOULONNAIS", "CALAISIS",
    "MONTREUILLOIS", "TERNOIS",
)
TERRITOIRE_RE = re.compile(r"(?<![\w-])(" + "|".join(re.escape(t) for t in TERRITOIRES) + r")(?![\w-])", re.I)

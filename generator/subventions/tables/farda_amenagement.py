"""FARDA « Aménagement » annex table: one line per dossier.

Header: `Numéro Description Type de demande Bénéficiaire Montant du projet PLAFOND
ELIGIBLE TAUX Montant demandé`; a row reads
`2021-01537 Installation d'un abribus … Abribus COMMUNE DE BAVINCOURT 5 650,00 5 500,00 50% 2 750,00`.
Empty amount cells leave no trace, so 1, 2 or 3 amounts precede the rate: with two,
PLAFOND and ELIGIBLE cannot be told apart and the second is stored as
montant_eligible (see `repartir_montants`). Description, type and beneficiary are
separated by spaces only (sometimes not even: `…marché alimentaireESPACES PUBLICS`):
the type is found from the scheme's nomenclature, and when a row carries a type not
in it, from the beneficiary's own prefix (`COMMUNE DE`, `COM DE COM`, `SYND`…).
Beneficiaries are truncated at about 34 characters in print
(`COMMUNE DE NEUVILLE-SOUS-MONTREUI`): kept as written, the resolver handles prefixes.
The table ends on a row of two bare amounts (sum of projects, sum of aids).
"""

from __future__ import annotations

import re

from generator.records import Line
from generator.subventions.tables import _commun as c
from generator.subventions.tables.base import Contexte, TableResult

DISPOSITIF = "FARDA aménagement"

# Nomenclature of the FARDA aménagement requests (types de demande) as printed.
TYPES_DEMANDE = (
    "Abribus",
    "AUTRES",
    "BAT PUBLICS - GROS TRAVAUX",
    "REHAB PARTIELLES",
    "ESPACES PUBLICS",
    "DECI",
    "PATRIMOINE",
    "PETIT PATRIMOINE",
    "BOURGS CENTRES",
    "EQUIPEMENTS STRUCTURANTS",
    "FARDA - Aménagement",
    "Oxygène 62",
)
_TYPE_RES = [(t, re.compile(re.escape(t) + r"(?= )")) for t in TYPES_DEMANDE]
_BENEF_START = re.compile(
    r"(?:^|\s)(?P<b>(?:COMMUNE\s+(?:DE|D'|DU|DES)\b|COM(?:MUNAUTE)?\s+(?:DE\s+)?COM|COM\s+COMMUNES|COMMUNAUTE|"
    r"SYND\w*|SIVU|SIVOM|CA[A-Z0-9]{2,}\b|CC[A-Z0-9]{2,}\b|ASSOCIATION|GIP\b).*)$"
)
_HEADER_RE = re.compile(r"Num[ée]ro\s+Description\s+Type\s+de\s+demande\s+B[ée]n[ée]ficiaire", re.I)
_ROW_RE = re.compile(
    rf"^(?P<ref>{c.REF})\s+(?P<mid>.*?)\s*(?P<amts>(?:{c.AMOUNT_CENTIMES}\s+){{1,3}})(?P<taux>{c.TAUX}) ?%\s+(?P<aide>{c.AMOUNT_CENTIMES})$"
)
_ROW_START = re.compile(rf"^{c.REF}\s")
_MAX_ROW_ITEMS = 4  # a wrapped row (other layouts) never spans more lines
_MAX_GAP = 6  # non-row lines after which the table is over


def _split_mid(mid: str) -> tuple[str, str, str, bool] | None:
    """(description, type, bénéficiaire, type connu) from the text between dossier number and amounts."""
    best = None  # (starts with a beneficiary prefix, end, -start, type)
    for t, rx in _TYPE_RES:
        for m in rx.finditer(mid):
            after = mid[m.end() :].strip()
            if not after:
                continue
            key = (bool(_BENEF_START.match(after)), m.end(), -m.start(), t)
            if best is None or key > best:
                best = key
    if best is not None:
        _, end, negstart, t = best
        start = -negstart
        return mid[:start].strip(), t, mid[end:].strip(), True
    prefixes = list(_BENEF_START.finditer(mid))
    if not prefixes:
        return None
    m = prefixes[-1]  # the last beneficiary prefix of the line
    before = mid[: m.start("b")].strip().split(" ")
    k = len(before)
    while k > 0 and before[k - 1] and not any(ch.islower() for ch in before[k - 1]):
        k -= 1  # unknown type: the upper-case words just before the beneficiary
    return " ".join(before[:k]), " ".join(before[k:]), m.group("b").strip(), False


# Necessary for a table here (the start of its header row): searched in the unit's text in lower case (extract_subventions).
INDICE = c.Motif(r"num[ée]ro\s+description", "description")


def extract(lines: list[Line], ctx: Contexte) -> list[TableResult]:
    """Every FARDA aménagement table of the deliberation unit (usually one), with its checks."""
    return c.extraire_tableaux(c.items_of(lines), lines, ctx, _en_tete, _read_table, f"{DISPOSITIF} — nombre de projets")


def _en_tete(items: c.Items, i: int) -> bool:
    return "escription" in items.raw(i) and bool(_HEADER_RE.search(items[i][1]))


def _read_table(items: c.Items, start: int, lines: list[Line], ctx: Contexte) -> tuple[TableResult, int]:
    # the header may wrap (`Montant du` / `projet PLAFOND ELIGIBLE c.TAUX` / `Montant` / `demandé`)
    hend = start
    for j in range(start, min(len(items), start + 10)):
        if _ROW_START.match(items[j][1]):
            break
        hend = j
    res, cols = c.ouvrir_farda(items, start, hend, lines, r"FARDA.*AM[EÉ]NAGEMENT", DISPOSITIF)
    rows: list[tuple[int, str]] = []
    pending: list[tuple[int, int, str]] = []  # (index, line, text) of non-row lines: errors if more rows follow, else outside the table
    totals = None
    i = hend + 1
    while i < len(items):
        no, text = items[i]
        if m := c.TOTAL_DEUX_MONTANTS_RE.match(text):
            totals = c.ligne_des_totaux(no, m)
            res.line_end = no
            i += 1
            break
        if _HEADER_RE.search(text):  # header repeated on a new page: its wrapped lines skipped too
            h = i
            i += 1
            while i < len(items) and not _ROW_START.match(items[i][1]) and i - h < 10:
                i += 1
            continue
        if _ROW_START.match(text):
            for _, pno, ptext in pending:
                res.problems.append(c.ligne_illisible_erreur(ctx, pno, ptext, "Ligne du tableau FARDA aménagement illisible"))
            pending = []
            buf = text
            j = i
            while (
                not _ROW_RE.match(buf)
                and j + 1 < len(items)
                and j - i < _MAX_ROW_ITEMS
                and not _ROW_START.match(items[j + 1][1])
                and not c.TOTAL_DEUX_MONTANTS_RE.match(items[j + 1][1])
            ):
                j += 1
                buf += " " + items[j][1]
            if not _ROW_RE.match(buf):
                j = i  # unreadable: report the line alone and go on with the next one
                buf = text
            rows.append((no, buf))
            res.line_end = items[j][0]
            i = j + 1
            continue
        pending.append((i, no, text))
        if len(pending) > _MAX_GAP:
            break
        i += 1
    if not totals and pending:
        i = pending[0][0]  # the trailing non-row lines are not part of the table
    for first, text in rows:
        m = _ROW_RE.match(text)
        parts = _split_mid(m.group("mid")) if m else None
        if not m or parts is None or not parts[2]:
            res.problems.append(c.ligne_illisible_erreur(ctx, first, text, "Ligne du tableau FARDA aménagement illisible"))
            continue
        desc, typ, benef, connu = parts
        if not connu:
            res.problems.append(
                ctx.probleme(
                    first,
                    "type-inconnu",
                    f"Type de demande « {typ} » hors nomenclature FARDA aménagement (lu avant le bénéficiaire « {benef} »).",
                    "info",
                )
            )
        res.subventions.append(c.subvention_farda(ctx, first, m, benef, typ, desc, DISPOSITIF, res.nom))
    c.fermer_farda(ctx, res, totals, cols, lines)
    return res, i

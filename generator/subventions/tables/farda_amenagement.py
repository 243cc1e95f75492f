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
from decimal import Decimal

from ...records import Line, Problem, Subvention
from .base import Contexte, TableResult, commune_ecrite
from .farda_voirie import (
    AMOUNT, REF, TAUX, _TOTAL_RE, check_montant, check_nombre, colonnes_montants,
    commune_du_beneficiaire, items_of, ligne_illisible, montant, nombres_annonces,
    repartir_montants, taux, type_beneficiaire, titre_tableau,
)

DISPOSITIF = "FARDA aménagement"

# Nomenclature of the FARDA aménagement requests (types de demande) as printed.
TYPES_DEMANDE = (
    "Abribus", "AUTRES", "BAT PUBLICS - GROS TRAVAUX", "REHAB PARTIELLES", "ESPACES PUBLICS",
    "DECI", "PATRIMOINE", "PETIT PATRIMOINE", "BOURGS CENTRES", "EQUIPEMENTS STRUCTURANTS",
    "FARDA - Aménagement", "Oxygène 62",
)
_TYPE_RES = [(t, re.compile(re.escape(t) + r"(?= )")) for t in TYPES_DEMANDE]
_BENEF_START = re.compile(
    r"(?:^|\s)(?P<b>(?:COMMUNE\s+(?:DE|D'|DU|DES)\b|COM(?:MUNAUTE)?\s+(?:DE\s+)?COM|COM\s+COMMUNES|COMMUNAUTE|"
    r"SYND\w*|SIVU|SIVOM|CA[A-Z0-9]{2,}\b|CC[A-Z0-9]{2,}\b|ASSOCIATION|GIP\b).*)$"
)
_HEADER_RE = re.compile(r"Num[ée]ro\s+Description\s+Type\s+de\s+demande\s+B[ée]n[ée]ficiaire", re.I)
_ROW_RE = re.compile(
    rf"^(?P<ref>{REF})\s+(?P<mid>.*?)\s*(?P<amts>(?:{AMOUNT}\s+){{1,3}})(?P<taux>{TAUX}) ?%\s+(?P<aide>{AMOUNT})$"
)
_ROW_START = re.compile(rf"^{REF}\s")
_MAX_ROW_ITEMS = 4  # a wrapped row (other layouts) never spans more lines
_MAX_GAP = 6  # non-row lines after which the table is over


def _split_mid(mid: str) -> tuple[str, str, str, bool] | None:
    """(description, type, bénéficiaire, type connu) from the text between dossier number and amounts."""
    best = None  # (starts with a beneficiary prefix, end, -start, type)
    for t, rx in _TYPE_RES:
        for m in rx.finditer(mid):
            after = mid[m.end():].strip()
            if not after:
                continue
            key = (bool(_BENEF_START.match(after)), m.end(), -m.start(), t)
            if best is None or key > best:
                best = key
    if best is not None:
        _, end, negstart, t = best
        start = -negstart
        return mid[:start].strip(), t, mid[end:].strip(), True
    m = None
    for m in _BENEF_START.finditer(mid):
        pass  # the last beneficiary prefix of the line
    if m is None:
        return None
    before = mid[: m.start("b")].strip().split(" ")
    k = len(before)
    while k > 0 and before[k - 1] and not any(c.islower() for c in before[k - 1]):
        k -= 1  # unknown type: the upper-case words just before the beneficiary
    return " ".join(before[:k]), " ".join(before[k:]), m.group("b").strip(), False


def extract(lines: list[Line], ctx: Contexte) -> list[TableResult]:
    """Every FARDA aménagement table of the deliberation unit (usually one), with its checks."""
    items = items_of(lines)
    results: list[TableResult] = []
    i = 0
    while i < len(items):
        if "escription" in items.raw(i) and _HEADER_RE.search(items[i][1]):
            res, i = _read_table(items, i, lines, ctx)
            results.append(res)
            continue
        i += 1
    if results:
        consumed = set().union(*(r.consumed for r in results))
        trouve = sum(len(r.subventions) for r in results)
        bad = [p for r in results for p in r.problems if p.kind == "ligne-illisible"]
        totaux = {c.declare for r in results for c in r.checks if c.declare is not None}
        totaux |= {sum((s.montant for r in results for s in r.subventions), Decimal(0))}
        for n, ln in nombres_annonces(lines, consumed, totaux):
            results[0].checks.append(check_nombre(ctx, ln, f"{DISPOSITIF} — nombre de projets", n, trouve, bad))
    return results


def _read_table(items, start, lines, ctx) -> tuple[TableResult, int]:
    # the header may wrap (`Montant du` / `projet PLAFOND ELIGIBLE TAUX` / `Montant` / `demandé`)
    hend = start
    for j in range(start, min(len(items), start + 10)):
        if _ROW_START.match(items[j][1]):
            break
        hend = j
    header = " ".join(t for _, t in items[start:hend + 1])
    cols = colonnes_montants(header)
    nom = titre_tableau(lines, r"FARDA.*AM[EÉ]NAGEMENT", DISPOSITIF)
    res = TableResult(nom=nom, dispositif=DISPOSITIF, line=items[start][0], line_end=items[hend][0])
    rows: list[tuple[int, str]] = []
    pending: list[tuple[int, int, str]] = []  # (index, line, text) of non-row lines: errors if more rows follow, else outside the table
    totals = None
    i = hend + 1
    while i < len(items):
        no, text = items[i]
        m = _TOTAL_RE.match(text)
        if m:
            totals = (no, montant(m.group("a")), montant(m.group("b")))
            res.line_end = no
            i += 1
            break
        if _HEADER_RE.search(text):  # header repeated on a new page
            i += 1
            while i < len(items) and not _ROW_START.match(items[i][1]) and i - start < 10:
                i += 1
            continue
        if _ROW_START.match(text):
            for _, pno, ptext in pending:
                res.problems.append(ligne_illisible(ctx, pno, ptext, "Ligne du tableau FARDA aménagement illisible"))
            pending = []
            buf = text
            j = i
            while not _ROW_RE.match(buf) and j + 1 < len(items) and j - i < _MAX_ROW_ITEMS \
                    and not _ROW_START.match(items[j + 1][1]) and not _TOTAL_RE.match(items[j + 1][1]):
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
            res.problems.append(ligne_illisible(ctx, first, text, "Ligne du tableau FARDA aménagement illisible"))
            continue
        desc, typ, benef, connu = parts
        if not connu:
            res.problems.append(Problem(ctx.source, first, "type-inconnu",
                                        f"Type de demande « {typ} » hors nomenclature FARDA aménagement "
                                        f"(lu avant le bénéficiaire « {benef} »).", "info", ctx.deliberation))
        cout, eligible = repartir_montants([montant(a) for a in re.findall(AMOUNT, m.group("amts"))])
        commune = commune_du_beneficiaire(benef)
        res.subventions.append(Subvention(
            id="", deliberation=ctx.deliberation, source=ctx.source, line=first,
            beneficiaire=benef, type_beneficiaire=type_beneficiaire(benef), montant=montant(m.group("aide")),
            objet=f"{typ} — {desc}" if typ and desc else (typ or desc),
            beneficiaire_ref=commune_ecrite(commune) if commune else None,
            commune_projet=commune_ecrite(commune) if commune else None,
            cout_projet=cout, montant_eligible=eligible, taux=taux(m.group("taux")),
            dispositif=DISPOSITIF, tableau=nom, reference=m.group("ref"),
        ))
    bad = [p for p in res.problems if p.kind == "ligne-illisible"]
    if totals:
        no, a, b = totals
        if "cout" in cols or not cols:
            res.checks.append(check_montant(ctx, no, f"{DISPOSITIF} — montant total des projets", a,
                                            sum((s.cout_projet or Decimal(0) for s in res.subventions), Decimal(0)), bad))
        res.checks.append(check_montant(ctx, no, f"{DISPOSITIF} — montant total des aides", b,
                                        sum((s.montant for s in res.subventions), Decimal(0)), bad))
    else:
        res.problems.append(Problem(ctx.source, res.line, "total-absent",
                                    "Tableau FARDA aménagement sans ligne de total : sommes non vérifiées.",
                                    "avertissement", ctx.deliberation))
    res.consumed = {l.no for l in lines if res.line <= l.no <= res.line_end}
    return res, i

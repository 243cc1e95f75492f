"""FARDA « aide à la voirie communale » annex table (one row per dossier, cells wrapped).

Layout met in the recueils (pdftotext): the header names the columns
`COMMUNE | CODE DE LA DEMANDE | TYPE DE DEMANDE | INTITULE DE L'OPERATION |
Montant HT projet | Plafond | Montant éligible | Taux | Montant demandé`; every cell
may wrap over several lines separated by blank lines, so a row is everything from
the end of the previous row to the line that closes with `<taux>% <aide>`. Amount
columns left empty are simply absent, so a row carries 1, 2 or 3 amounts before the
rate. The table ends on a row of two bare amounts (sum of the projects, sum of the
aids); the number of projects is stated in the deliberation and the rapport.
"""

from __future__ import annotations

import re

from generator.records import Line
from generator.subventions.tables import _commun as c
from generator.subventions.tables.base import Contexte, TableResult

DISPOSITIF = "FARDA voirie"

_CLOSE_RE = re.compile(rf"(?:^|\s)(?P<taux>{c.TAUX}) ?%\s+(?P<aide>{c.AMOUNT_CENTIMES})$")

# ---------------------------------------------------------------- FARDA voirie

_HEADER_START = re.compile(r"CODE\s+DE\s+LA", re.I)
_HEADER_SIGNATURE = re.compile(
    r"(?:COMMUNE|B[ÉE]N[ÉE]FICIAIRE).{0,40}CODE\s+DE\s+LA\s+DEMANDE.*TYPE\s+DE\s+DEMANDE.*Taux.*Montant\s+demand",
    re.I | re.S,
)
_ROW_RE = re.compile(
    rf"^(?P<benef>.*?)\s*(?P<ref>{c.REF})\s*(?P<rest>.*?)\s*(?P<amts>(?:{c.AMOUNT_CENTIMES}\s+){{0,3}})(?P<taux>{c.TAUX}) ?%\s+(?P<aide>{c.AMOUNT_CENTIMES})$"
)
_MAX_ROW_ITEMS = 20  # a wrapped row never spans more lines than this


def _header_at(items: c.Items, i: int) -> int | None:
    """Index of the header's last item when a voirie header starts around item i."""
    lo = max(0, i - 3)
    for j in range(i, min(len(items), i + 25)):
        if re.search(r"Montant\s+demand", items[j][1], re.I):
            window = " ".join(t for _, t in items[lo : j + 1])
            return j if _HEADER_SIGNATURE.search(window) else None
    return None


def _upper_token(tok: str) -> bool:
    return tok == "-" or (any(ch.isalpha() for ch in tok) and not any(ch.islower() for ch in tok))


def _split_type(rest: str) -> tuple[str, str]:
    """(type de demande, intitulé): the type is the run of upper-case words after the dossier number."""
    toks = rest.split(" ")
    k = 0
    while k < len(toks) and _upper_token(toks[k]):
        k += 1
    return " ".join(toks[:k]), " ".join(toks[k:])


# Necessary for a table here (its header names the « CODE DE LA DEMANDE »): searched in the unit's text in lower case (extract_subventions).
INDICE = c.Motif(r"code\s+de\s+la\s+demande", "demande")


def extract(lines: list[Line], ctx: Contexte) -> list[TableResult]:
    """Every FARDA voirie table of the deliberation unit (usually one), with its checks."""
    return c.extraire_tableaux(c.items_of(lines), lines, ctx, _en_tete, _lire, f"{DISPOSITIF} — nombre de projets")


def _en_tete(items: c.Items, i: int) -> bool:
    return "CODE" in items.raw(i) and bool(_HEADER_START.search(items[i][1]))


def _lire(items: c.Items, i: int, lines: list[Line], ctx: Contexte) -> tuple[TableResult | None, int]:
    """The table whose header starts around item i (its first line: the beneficiary's column, a few items above)."""
    end = _header_at(items, i)
    if end is None:
        return None, i + 1
    start = next((k for k in range(i, max(-1, i - 4), -1) if re.search(r"COMMUNE|B[ÉE]N[ÉE]FICIAIRE", items[k][1], re.I)), i)
    return _read_table(items, start, end, lines, ctx)


def _read_table(items: c.Items, start: int, hend: int, lines: list[Line], ctx: Contexte) -> tuple[TableResult, int]:
    res, cols = c.ouvrir_farda(items, start, hend, lines, r"FARDA.*VOIRIE", DISPOSITIF)
    rows: list[tuple[int, str]] = []  # (first line, joined text)
    buf: list[tuple[int, str]] = []
    totals = None
    i = hend + 1
    while i < len(items):
        no, text = items[i]
        if m := c.TOTAL_DEUX_MONTANTS_RE.match(text):
            if buf:  # the last row never reached its amounts
                res.problems.append(
                    c.ligne_illisible_erreur(
                        ctx, buf[0][0], " ".join(t for _, t in buf), "Ligne du tableau FARDA voirie sans montants lisibles"
                    )
                )
                buf = []
            totals = c.ligne_des_totaux(no, m)
            res.line_end = no
            i += 1
            break
        if not buf:
            if _HEADER_START.search(text):  # header repeated on a new page
                end = _header_at(items, i)
                if end is not None:
                    i = end + 1
                    continue
        if re.search(c.REF, text) and any(re.search(c.REF, t) for _, t in buf):
            # a second dossier number before any amounts: the previous row never closed.
            # The new row starts with the upper-case beneficiary lines just above its number.
            s = len(buf)
            while s > 1 and not any(ch.islower() for ch in buf[s - 1][1]) and not re.search(c.REF, buf[s - 1][1]):
                s -= 1
            res.problems.append(
                c.ligne_illisible_erreur(
                    ctx, buf[0][0], " ".join(t for _, t in buf[:s]), "Ligne du tableau FARDA voirie sans montants lisibles"
                )
            )
            buf = buf[s:]
        buf.append((no, text))
        if _CLOSE_RE.search(text):
            rows.append((buf[0][0], " ".join(t for _, t in buf)))
            res.line_end = no
            buf = []
        elif len(buf) > _MAX_ROW_ITEMS:
            break  # not a row any more: the table ended without a total line
        i += 1
    if buf and any(re.search(c.REF, t) for _, t in buf):
        res.problems.append(
            c.ligne_illisible_erreur(
                ctx, buf[0][0], " ".join(t for _, t in buf[:4]), "Ligne du tableau FARDA voirie sans montants lisibles"
            )
        )
    parsed = []
    for first, text in rows:
        m = _ROW_RE.match(text)
        if not m or not m.group("benef").strip():
            res.problems.append(c.ligne_illisible_erreur(ctx, first, text, "Ligne du tableau FARDA voirie illisible"))
            continue
        parsed.append((first, m, *_split_type(m.group("rest"))))
    # types form a closed list: a longer upper-case run whose prefix is a type seen
    # alone elsewhere (`AVC RD 12 …`) is that type followed by the intitulé
    known = {t for *_, t, _ in parsed if t}
    for first, m, typ, desc in parsed:
        toks = typ.split(" ")
        for k in range(len(toks) - 1, 0, -1):
            if " ".join(toks[:k]) in known:
                typ, desc = " ".join(toks[:k]), (" ".join(toks[k:]) + " " + desc).strip()
                break
        benef = m.group("benef").strip()
        res.subventions.append(c.subvention_farda(ctx, first, m, benef, typ, desc, DISPOSITIF, res.nom))
    c.fermer_farda(ctx, res, totals, cols, lines)
    return res, i

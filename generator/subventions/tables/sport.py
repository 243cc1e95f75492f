"""Sport equipment grants (équipements d'animation sportive locale, EASL) annex table.

Layout: header `Maitre d'Ouvrage Equipements Nature du projet` / `Coût des Travaux` /
`Proposition DSPO`, then one row per grant closing with `<coût> € <proposition> €`
(`Epinoy City stade Construction 133 440,00 € 14 814 €`); a long cell wraps so the
beneficiary and equipment can sit on the lines above (`Biache St Vaast` / `2 Terrains` /
`Synthétiques à 5` / `Construction  133 770,50 € 40 000 €`). It ends with `TOTAL <x> €`.
The articles may also hold a summary by equipment type ending `TOTAL <count> <x> €`,
which gives a count and a total to check against the rows.
"""

from __future__ import annotations

import re
from decimal import Decimal

from generator.records import Line, Subvention
from generator.subventions.beneficiaires import classify
from generator.subventions.tables import _commun as c
from generator.subventions.tables.base import Contexte, TableResult

NOM = "Équipements d'animation sportive locale"
DISPOSITIF = "Équipements d'animation sportive locale"

_ROW_END = re.compile(rf"^(?P<txt>.*?)\s*(?P<cout>{c.AMOUNT})\s*€\s+(?P<prop>{c.AMOUNT})\s*€\s*$")
_NATURE = re.compile(
    r"\s+(Construction|R[ée]novation|R[ée]habilitation|Extension|Cr[ée]ation|Am[ée]nagement|"
    r"R[ée]fection|Modernisation|Acquisition|Installation|Mise aux normes)\s*$",
    re.I,
)


# Necessary for a table here (its header row): searched in the unit's text in lower case (extract_subventions).
INDICE = c.Motif(r"ma[iî]tre\s+d'ouvrage", "d'ouvrage")


_HEADER = re.compile(r"Ma[iî]tre d'Ouvrage.*Equipements?|Ma[iî]tre d'Ouvrage.*[ÉE]quipements?", re.I)


def extract(lines: list[Line], ctx: Contexte) -> list[TableResult]:
    """The EASL table(s) of a délibération unit; [] when the unit has none."""
    results: list[TableResult] = []
    i = 0
    while i < len(lines):
        if "'" in lines[i].text and _HEADER.search(c.texte(lines[i])) and _has_rows(lines, i):  # (_HEADER has an apostrophe)
            res, i = _read_table(lines, i, ctx)
            results.append(res)
        else:
            i += 1
    if results:
        _summary_checks(lines, ctx, results[0])
    return results


def _has_rows(lines: list[Line], start: int) -> bool:
    for ln in lines[start + 1 : start + 30]:
        if _ROW_END.match(c.texte(ln)):
            return True
    return False


_TOTAL = re.compile(rf"^TOTAL\s+(?P<montant>{c.AMOUNT})\s*€\s*$", re.I)
_HEADER_WORDS = re.compile(r"^(?:Co[uû]t des|Travaux|Proposition|DSPO|Montant|Subvention)\b", re.I)


def _read_table(lines: list[Line], start: int, ctx: Contexte) -> tuple[TableResult, int]:
    res = TableResult(NOM, DISPOSITIF, lines[start].no, lines[start].no)
    res.consumed.add(lines[start].no)
    pending: list[Line] = []
    parcours = c.Parcours(lines, start + 1)
    for ln, t in parcours:
        m_total = _TOTAL.match(t)
        if m_total:
            c.lignes_illisibles(pending, res, ctx, NOM)  # text left without amounts before the total
            declare = Decimal(0) + c.montant_euros(m_total.group("montant"))
            calcule = sum((s.montant for s in res.subventions), Decimal(0))
            res.checks.append(
                c.total_check(ctx, ln.no, f"{NOM} — total des propositions", declare, calcule, illisibles=c.nb_illisibles(res))
            )
            res.consumed.add(ln.no)
            res.line_end = ln.no
            return res, parcours.i
        if not pending and not res.subventions and _HEADER_WORDS.match(t):
            res.consumed.add(ln.no)
            continue
        m = _ROW_END.match(t)
        if m:
            # a pending line that already reads like a whole row (€ sign, nature of works at its
            # end) is a row whose amounts could not be read, not a wrapped cell of this one
            last_bad = max((k for k, p in enumerate(pending) if "€" in p.text or _NATURE.search(c.texte(p))), default=-1)
            for p in pending[: last_bad + 1]:
                res.problems.append(c.ligne_illisible(ctx, p.no, p.text, NOM))
                res.consumed.add(p.no)
            pending = pending[last_bad + 1 :]
            raw = " ".join([c.texte(p) for p in pending] + [m.group("txt")]).strip()
            first = pending[0] if pending else ln
            res.subventions.append(_subvention(raw, m, first.no, ctx))
            res.consumed.update(p.no for p in pending)
            res.consumed.add(ln.no)
            res.line_end = ln.no
            pending = []
            continue
        if _looks_like_prose(t) and res.subventions:
            break  # table over without a TOTAL row
        pending.append(ln)
    c.lignes_illisibles(pending, res, ctx, NOM)
    res.problems.append(c.info(ctx, res.line, "total-absent", f"{NOM} : pas de ligne TOTAL trouvée après le tableau."))
    return res, parcours.i


def _looks_like_prose(t: str) -> bool:
    return len(t.split()) > 12 and not c.euros(t)


# equipment named at the start of the equipment cell; `2 Terrains` before `Terrain`
_EQUIPEMENT = re.compile(
    r"\b(\d+\s+Terrains?|City[ -]?stade|Terrains?\b|Skate[ -]?parc|Pump[ -]?track|Plateau|Parcours|Piste|"
    r"Aire\b|Street|Mur\b|Salle|Dojo|Court|Boulodrome|BMX|Fitness|Agr[èe]s|Gymnase|Halle|Plaine|Stade)",
    re.I,
)


def _subvention(raw: str, m: re.Match, line: int, ctx: Contexte) -> Subvention:
    nature = ""
    body = raw
    mn = _NATURE.search(body)
    if mn:
        nature = mn.group(1)
        body = body[: mn.start()]
    me = _EQUIPEMENT.search(body)
    if me and me.start() > 0:
        benef, equip = body[: me.start()].strip(), body[me.start() :].strip()
    else:
        benef, equip = body.strip(), ""
    typ = classify(benef, defaut="commune")
    commune = c.commune_nommee(benef) or (benef if typ == "commune" else None)
    return ctx.subvention(
        line,
        benef,
        typ,
        c.montant_euros(m.group("prop")),
        commune,
        objet=" — ".join(x for x in (equip, nature) if x),
        cout_projet=c.montant_euros(m.group("cout")),
        dispositif=DISPOSITIF,
        tableau=NOM,
    )


_TOTAL_COUNT = re.compile(rf"^TOTAL\s+(?P<n>\d+)\s+(?P<montant>{c.AMOUNT})\s*€\s*$", re.I)


def _summary_checks(lines: list[Line], ctx: Contexte, res: TableResult) -> None:
    """`TOTAL 22 511 259 €` of the summary by equipment type (articles and rapport)."""
    seen_header = False
    for ln in lines:
        t = c.texte(ln)
        if "Nombre" in t and re.search(r"Subvention|Montant", t, re.I):
            seen_header = True
            continue
        m = _TOTAL_COUNT.match(t)
        if seen_header and m and ln.no not in res.consumed:
            c.check_total_nombre(ctx, res, ln.no, f"{NOM} — récapitulatif par type d'équipement", m, "montant")
            res.consumed.add(ln.no)
            seen_header = False

"""Referent structures of the Service public de l'insertion et de l'emploi (SPIE).

Layout (inside a convention's fiche): a sentence « … les structures sont financées à
hauteur de / 1 523 885 € répartis comme suit : », then `TERRITOIRES STRUCTURES RETENUES
MONTANT TOTAL` and rows `<TERRITOIRE> <structure> <montant> €`, where territory and
structure cells wrap (`ARRAGEOIS` / `Artois Emploi Entreprise` / `(AEE)` / `150 600.00 €`)
and a structure serving two territories prints the second one below its amount
(`HENIN-CARVIN` / `ID FORMATION 511 970.00 €` / `LENS-LIEVIN`).

Whether these are grants of the Département depends on the délibération: they are only
turned into `Subvention`s when its articles attribute them (« attribuer » with the
stated total or a structure's name). Otherwise — as in 2021-250, which only authorises
signing conventions with the State — the rows are kept as « info » problems (money
described in an annex, not decided here) and the stated total is still checked.
"""

from __future__ import annotations

import re
from decimal import Decimal

from generator.commun.montants import format_montant
from generator.parse.normalise import squash
from generator.records import Line
from generator.subventions.beneficiaires import classify
from generator.subventions.tables import _commun as c
from generator.subventions.tables.base import Contexte, TableResult

NOM = "SPIE — structures référentes"
_HEADER = re.compile(r"^TERRITOIRES?\s+STRUCTURES?\b.*\bMONTANT", re.I)
_AMOUNT_END = re.compile(rf"^(?P<txt>.*?)\s*(?P<m>{c.AMOUNT})\s*€\s*$")
_TERR_LINE = re.compile(r"^(?P<terr>(?:" + "|".join(re.escape(t) for t in c.TERRITOIRES) + r"))(?:\s+(?P<rest>.*))?$")  # labels in capitals


# Necessary for a table here (the start of its header row): searched in the unit's text in lower case (extract_subventions).
INDICE = c.Motif(r"territoires?\s+structures?", "structure")
_T = frozenset("tT")  # what a line _HEADER matches starts with, once stripped


def extract(lines: list[Line], ctx: Contexte) -> list[TableResult]:
    """The SPIE referents table of a délibération unit; [] when the unit has none."""
    results = []
    for k, ln in enumerate(lines):
        if ln.text.lstrip()[:1] in _T and _HEADER.match(c.texte(ln)):  # (most lines: no squash, no regex)
            results.append(_read(lines, k, ctx))
    return results


def _read(lines: list[Line], start: int, ctx: Contexte) -> TableResult:
    res = TableResult(NOM, "SPIE", lines[start].no, lines[start].no)
    res.consumed.add(lines[start].no)
    rows: list[dict] = []
    terr_pending: list[str] = []
    struct_pending: list[Line] = []
    prev_was_amount = False
    texts = [(ln, c.texte(ln)) for ln in lines[start + 1 : start + 80] if c.texte(ln)]
    for idx, (ln, t) in enumerate(texts):
        mt = _TERR_LINE.match(t)
        if mt and not mt.group("rest"):
            nxt = texts[idx + 1][1] if idx + 1 < len(texts) else ""
            nxt_is_terr_or_end = bool(_TERR_LINE.match(nxt)) or _is_prose(nxt) or not nxt
            if prev_was_amount and rows and nxt_is_terr_or_end:
                rows[-1]["terr"].append(mt.group("terr"))  # second territory of the row above
            else:
                terr_pending.append(mt.group("terr"))
            res.consumed.add(ln.no)
            prev_was_amount = False
            continue
        if _is_prose(t):
            break
        body = t
        if mt:
            terr_pending.append(mt.group("terr"))
            body = mt.group("rest")
        ma = _AMOUNT_END.match(body)
        if ma:
            name = squash(" ".join([c.texte(x) for x in struct_pending] + [ma.group("txt")]))
            first = struct_pending[0].no if struct_pending else ln.no
            rows.append({"line": first, "name": name, "terr": terr_pending, "montant": c.montant_euros(ma.group("m"))})
            res.consumed.update(x.no for x in struct_pending)
            res.consumed.add(ln.no)
            res.line_end = ln.no
            terr_pending, struct_pending = [], []
            prev_was_amount = True
        else:
            struct_pending.append(ln)
            prev_was_amount = False
    _stated_total(lines, start, ctx, res, rows, c.lignes_illisibles(struct_pending, res, ctx, NOM))
    decided = _decided(lines, rows)
    for r in rows:
        territoire = ", ".join(r["terr"]) or None
        if decided:
            res.subventions.append(
                ctx.subvention(
                    r["line"],
                    r["name"],
                    classify(r["name"]),
                    r["montant"],
                    objet="Accompagnement des allocataires du RSA (référent SPIE)",
                    dispositif="SPIE",
                    tableau=NOM,
                    territoire=territoire,
                )
            )
        else:
            res.problems.append(
                c.info(
                    ctx,
                    r["line"],
                    "financement-non-decide",
                    f"{NOM} : « {r['name']} » ({territoire or 'territoire non indiqué'}) {format_montant(r['montant'])} — montant "
                    "décrit dans une annexe, non attribué par les articles de la délibération : pas de subvention créée.",
                )
            )
    return res


def _is_prose(t: str) -> bool:
    return len(t.split()) >= 7 and bool(re.search(r"[a-zé]{3,}\s+[a-zé]{2,}\s+[a-zé]{2,}", t)) and not c.euros(t)


def _stated_total(lines: list[Line], start: int, ctx: Contexte, res: TableResult, rows: list[dict], unread: int) -> None:
    """« financées à hauteur de 1 523 885 € » and « par 7 structures » just before the header."""
    window = lines[max(0, start - 8) : start]
    txt = " ".join(c.texte(x) for x in window)
    amounts = c.euros(txt)
    m_count = re.search(r"\b(\d+)\s+structures\b", txt)
    if not amounts and not m_count:
        res.problems.append(c.info(ctx, res.line, "total-absent", f"{NOM} : aucun total annoncé avant le tableau."))
        return
    line = next((x.no for x in reversed(window) if c.euros(c.texte(x))), res.line)
    res.checks.append(
        c.total_check(
            ctx,
            line,
            f"{NOM} — financement annoncé",
            amounts[-1] if amounts else None,
            sum((r["montant"] for r in rows), Decimal(0)) if amounts else None,
            int(m_count.group(1)) if m_count else None,
            len(rows) if m_count else None,
            illisibles=unread,
        )
    )


def _decided(lines: list[Line], rows: list[dict]) -> bool:
    txt = c.decision_text(lines)
    if not re.search(r"attribuer|attribution|accorder", txt, re.I):
        return False
    total = sum((r["montant"] for r in rows), Decimal(0))
    if any(a == total for a in c.euros(txt)):
        return True
    return any(len(r["name"]) > 4 and r["name"].casefold() in txt.casefold() for r in rows)

"""Environment grant tables: FIEET (communes, EPCI, syndicats) and FIEN (associations).

FIEET layout — header `Bénéficiaire Description` / `Montant total HT du projet` /
`Total montant éligible Taux` / `Montant subvention proposée`; a row reads
`<BÉNÉFICIAIRE> <description> <coût> € <éligible> € <taux>% <subvention> €`, where the
rate cell can read `80% plafonné à 18 000 €` or wrap over several lines
(`financement à hauteur de` / `54,8% (cofinancement` / `Agence de l'Eau)` / `12 480 €`).
So a row is complete once a rate has been followed by a € amount. Ends with
`Total <coût> € <éligible> €`, the grants' total on a later line (`Montant total
subventions proposé` / `499 998 €`).

FIEN layout — header `Bénéficiaire Territoire Description Montant du projet` /
`Montant de la subvention proposée`; rows `<BÉNÉFICIAIRE> <TERRITOIRE> <description>
<coût> <subvention>` (no €), ended by a lone amount `5 482,00 €` whose `TOTAL …` label
may come after it.

The articles announce, per fund, « un montant total de … € correspondant aux N projets »:
both figures are checked too. A table is only claimed when the unit names the fund.
"""

from __future__ import annotations

import re
from decimal import Decimal

from generator.commun.montants import TAUX_RE, parse_taux
from generator.records import Line, Subvention
from generator.subventions.beneficiaires import classify
from generator.subventions.tables import _commun as c
from generator.subventions.tables.base import Contexte, TableResult

_HEAD = re.compile(r"^B[ée]n[ée]ficiaire\b", re.I)
_SKIP = re.compile(
    r"^(?:ANNEXE\b|Montant\b|Total montant\b|du projet\b|propos[ée]e?\b|Taux\b|subvention\b|"
    r"B[ée]n[ée]ficiaire\b|Description\b)",
    re.I,
)
_LONE_AMOUNT = re.compile(rf"^({c.AMOUNT})\s*€?$")


# Necessary for a table here (a line starting with its header, as _HEAD): searched in the unit's text in lower case (extract_subventions).
INDICE = c.EnDebutDeLigne(r"b[ée]n[ée]ficiaire", "ficiaire")


_B = frozenset("bB")  # what a line _HEAD matches starts with, once stripped


def extract(lines: list[Line], ctx: Contexte) -> list[TableResult]:
    """FIEET and FIEN tables of a délibération unit; [] when the unit has none."""
    whole = None  # the unit's text, joined only when a header's lines ask for it (most units have none)
    results: list[TableResult] = []
    i = 0  # the first line not read by a table
    # the lines _HEAD may match, found in one pass (the unit's other lines: no squash, no regex; a loop testing
    # each line: this reader 12 -> 10 ms a month)
    for k in [k for k, ln in enumerate(lines) if ln.text.lstrip()[:1] in _B]:
        if k < i:
            continue
        t = c.texte(lines[k])
        if _HEAD.match(t):
            head = " ".join(c.texte(ln) for ln in lines[k : k + 10])
            fieet = re.search(r"[ée]ligible", head, re.I) and "Taux" in head
            fien = "Territoire" in t and re.search(r"subvention", head, re.I) and "Taux" not in head
            if (fieet or fien) and whole is None:
                whole = " ".join(c.texte(ln) for ln in lines)
            if fieet and re.search(r"\bFIEET\b|ENJEUX [ÉE]COLOGIQUES", whole or "", re.I):
                res, i = _read_fieet(lines, k, ctx)
                results.append(res)
            elif fien and re.search(r"\bFIEN\b", whole or ""):
                res, i = _read_fien(lines, k, ctx)
                results.append(res)
    for res in results:
        _article_checks(lines, ctx, res)
    return results


# ---------------------------------------------------------------- FIEET


_TOTAL = re.compile(r"^Total\b", re.I)
_NEW_BENEF = re.compile(r"^[A-ZÀ-Ý'][A-ZÀ-Ý'-]+\s+[A-ZÀ-Ý'][A-ZÀ-Ý'-]+")


def _read_fieet(lines: list[Line], start: int, ctx: Contexte) -> tuple[TableResult, int]:
    """The FIEET table whose header is at `start`: a row is complete once a rate has been followed by a
    € amount; the table ends on its `Total` line (`_fieet_totals`). Its result, and the index to go on from."""
    nom = "FIEET"
    res = TableResult(nom, "FIEET", lines[start].no, lines[start].no)
    pending: list[Line] = []
    parcours = c.Parcours(lines, start)
    for ln, t in parcours:
        if _TOTAL.match(t) and c.euros(t):
            c.lignes_illisibles(pending, res, ctx, nom)
            pending = []
            return res, _fieet_totals(lines, parcours.i - 1, res, ctx)
        if not pending and _SKIP.match(t):
            res.consumed.add(ln.no)
            continue
        if re.match(r"^ANNEXE\b", t):  # title printed inside the table
            res.consumed.add(ln.no)
            continue
        if pending and _NEW_BENEF.match(t) and any(c.euros(c.texte(p)) for p in pending):
            # a new beneficiary while the previous row has amounts but no grant: unreadable row
            c.lignes_illisibles(pending, res, ctx, nom)
            pending = []
        pending.append(ln)
        sub = _fieet_row(pending, ctx)
        if sub is not None:
            res.subventions.append(sub)
            res.consumed.update(p.no for p in pending)
            res.line_end = ln.no
            pending = []
    c.lignes_illisibles(pending, res, ctx, nom)
    res.problems.append(c.info(ctx, res.line, "total-absent", "FIEET : pas de ligne « Total » après le tableau."))
    return res, parcours.i


def _split_benef(text: str) -> tuple[str, str]:
    """Beneficiaries are printed in capitals: the description starts at the first word with a lower-case letter."""
    words = text.split()
    for k, w in enumerate(words):
        if re.search(r"[a-zà-ÿ]", w):
            return " ".join(words[:k]), " ".join(words[k:])
    return text, ""


def _fieet_row(pending: list[Line], ctx: Contexte) -> Subvention | None:
    text = " ".join(c.texte(p) for p in pending)
    rate = None
    for m in TAUX_RE.finditer(text):
        rate = m
    if rate is None:
        return None
    before = c.euros(text[: rate.start()])
    after = c.euros(text[rate.end() :])
    if len(before) < 2 or not after:
        return None
    first_amount = c.EURO_AMOUNT.search(text)
    if first_amount is None:  # (amounts followed by « euros » only)
        return None
    head = text[: first_amount.start()].strip()
    benef, desc = _split_benef(head)
    return ctx.subvention(
        pending[0].no,
        benef,
        classify(benef),
        after[0],
        c.commune_nommee(benef),
        objet=desc,
        cout_projet=before[-2],
        montant_eligible=before[-1],
        taux=parse_taux(rate.group(0)),
        dispositif="FIEET",
        tableau="FIEET",
    )


def _fieet_totals(lines: list[Line], k: int, res: TableResult, ctx: Contexte) -> int:
    """`Total <coût> € <éligible> €` then, within a few lines, the grants' total alone on its line."""
    ln = lines[k]
    res.consumed.add(ln.no)
    res.line_end = ln.no
    amounts = [(ln.no, a) for a in c.euros(c.texte(ln))]
    subs = res.subventions
    values = [
        sum((s.cout_projet or Decimal(0) for s in subs), Decimal(0)),
        sum((s.montant_eligible or Decimal(0) for s in subs), Decimal(0)),
        sum((s.montant for s in subs), Decimal(0)),
    ]
    labels = ["FIEET — montant total des projets", "FIEET — total des montants éligibles", "FIEET — total des subventions proposées"]
    j = k + 1
    if len(amounts) < 3:
        while j < len(lines) and j <= k + 8:
            t = c.texte(lines[j])
            if _HEAD.match(t):
                break
            if t:
                res.consumed.add(lines[j].no)
            j += 1
            m = _LONE_AMOUNT.match(t)
            if m:
                amounts.append((lines[j - 1].no, c.montant_euros(m.group(1))))
                res.line_end = lines[j - 1].no
                break
    for (no, dec), lab, val in zip(amounts, labels, values):
        res.checks.append(c.total_check(ctx, no, lab, dec, val, illisibles=c.nb_illisibles(res)))
    if len(amounts) < 3:
        res.problems.append(
            c.info(ctx, ln.no, "total-absent", "FIEET : total des subventions proposées introuvable après la ligne « Total ».")
        )
    return j


# ---------------------------------------------------------------- FIEN


_FIEN_ROW = re.compile(rf"^(?P<txt>.*?)\s+(?P<cout>{c.AMOUNT})\s+(?P<subv>{c.AMOUNT})\s*€?$")


def _read_fien(lines: list[Line], start: int, ctx: Contexte) -> tuple[TableResult, int]:
    """The FIEN table whose header is at `start`, up to its total (a lone amount by a `TOTAL` label)."""
    nom = "FIEN"
    res = TableResult(nom, "FIEN", lines[start].no, lines[start].no)
    pending: list[Line] = []
    parcours = c.Parcours(lines, start)
    for ln, t in parcours:
        lone = _LONE_AMOUNT.match(t)
        if lone and res.subventions and not pending:
            i = parcours.i  # (the index after this line)
            # the total: a lone amount, its `TOTAL …` label just before or after
            around = " ".join(c.texte(x) for x in lines[max(0, i - 5) : i + 5])
            if re.search(r"\bTOTAL\b", around, re.I):
                calc = sum((s.montant for s in res.subventions), Decimal(0))
                res.checks.append(
                    c.total_check(
                        ctx,
                        ln.no,
                        "FIEN — total des subventions proposées",
                        c.montant_euros(lone.group(1)),
                        calc,
                        illisibles=c.nb_illisibles(res),
                    )
                )
                res.consumed.add(ln.no)
                res.line_end = ln.no
                for x in lines[i : i + 5]:
                    if re.match(r"^(?:ANNEXE\b|TOTAL\b)", c.texte(x), re.I):
                        res.consumed.add(x.no)
                return res, i
        if not pending and (_SKIP.match(t) or re.match(r"^TOTAL\b", t)):
            res.consumed.add(ln.no)
            continue
        pending.append(ln)
        text = " ".join(c.texte(p) for p in pending)
        m = _FIEN_ROW.match(text)
        if m:
            res.subventions.append(_fien_row(m, pending[0].no, ctx, res))
            res.consumed.update(p.no for p in pending)
            res.line_end = ln.no
            pending = []
        elif len(pending) > 4 or (len(t.split()) > 14 and not res.subventions):
            c.lignes_illisibles(pending[:1], res, ctx, nom)
            pending = pending[1:]
    c.lignes_illisibles(pending, res, ctx, nom)
    res.problems.append(c.info(ctx, res.line, "total-absent", "FIEN : pas de total trouvé après le tableau."))
    return res, parcours.i


def _fien_row(m: re.Match, line: int, ctx: Contexte, res: TableResult) -> Subvention:
    head, desc = _split_benef(m.group("txt"))
    territoire = None
    benef = head
    found = list(c.TERRITOIRE_RE.finditer(head))
    if found and found[-1].end() == len(head) and found[-1].start() > 0:
        territoire = found[-1].group(1)
        benef = head[: found[-1].start()].strip()
    else:
        res.problems.append(c.info(ctx, line, "territoire-absent", f"FIEN : territoire non reconnu dans « {head} »."))
    return ctx.subvention(
        line,
        benef,
        classify(benef, defaut="association"),
        c.montant_euros(m.group("subv")),
        c.commune_nommee(benef),
        objet=desc,
        cout_projet=c.montant_euros(m.group("cout")),
        dispositif="FIEN",
        tableau="FIEN",
        territoire=territoire,
    )


# ---------------------------------------------------------------- articles


_ARTICLE = re.compile(r"^\s*Article\s+(\d+|unique)\s*:", re.I)


def _articles(lines: list[Line]) -> list[tuple[int, str]]:
    out: list[tuple[int, list[str]]] = []
    for ln in c.decision(lines):
        if _ARTICLE.match(ln.text):
            out.append((ln.no, []))
        elif out:
            out[-1][1].append(c.texte(ln))
    return [(no, " ".join(parts)) for no, parts in out]


def _article_checks(lines: list[Line], ctx: Contexte, res: TableResult) -> None:
    """« un montant total de … € correspondant aux N projets » in the article naming the fund."""
    for no, txt in _articles(lines):
        if not re.search(rf"\b{res.dispositif}\b", txt):
            continue
        m_amount = re.search(rf"montant total de (?:subventions|participations|\w+)? ?de\s+({c.AMOUNT})\s*€", txt)
        m_count = re.search(r"(\d+)\s+(?:projets|dossiers)", txt)
        if not m_amount and not m_count:
            continue
        declare = c.montant_euros(m_amount.group(1)) if m_amount else None
        calc = sum((s.montant for s in res.subventions), Decimal(0))
        res.checks.append(
            c.total_check(
                ctx,
                no,
                f"{res.dispositif} — montant et nombre de projets annoncés par l'article",
                declare,
                calc if declare is not None else None,
                int(m_count.group(1)) if m_count else None,
                len(res.subventions) if m_count else None,
                illisibles=c.nb_illisibles(res),
            )
        )

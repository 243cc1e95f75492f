"""Bourse Initiatives Jeunes (BIJ): the table of retained projects and the project sheets.

Table layout: header `Thématiques Territoires Bénéficiaires` / `Commune du Bénéficiaire`
/ `Descriptif des projets` / `Budget total` / `Montant sollicité` / `Propositions des
Services` / `Commentaires`; a row opens with `<n°> <THÉMATIQUE> <Territoire>` and may go
on with the beneficiary and its commune on the same line (`2 VIE LOCALE Boulonnais
Association Ferk'Ados Ferques`) or on the next ones (`Association L'art de` / `Muser` /
`Arras`); it closes on `<budget> € <sollicité> € <proposé> €`. The table ends with
`<N> dossiers <total> €`.
Beneficiary and commune cells are not separated in the text: the names the article gives
(« l'association L'art de Muser et l'association Ferk'Ados ») delimit them when present.
The « FICHE SYNTHESE » sheets annexed after the rapport repeat each proposal as
`Montant Proposé : 750 €`: their sum is checked against the table.
"""

from __future__ import annotations

import re
from decimal import Decimal

from generator.parse.normalise import squash
from generator.records import Line, Subvention
from generator.subventions.beneficiaires import classify
from generator.subventions.tables import _commun as c
from generator.subventions.tables.base import Contexte, TableResult, commune_ecrite

NOM = "Bourse Initiatives Jeunes"
_A = c.AMOUNT
_ROW = re.compile(r"^(?P<n>\d{1,3})\s+(?P<theme>[A-ZÉÈÊÀÇ' -]{3,}?)\s+(?=[A-ZÉ][a-zéèêë])(?P<rest>.*)$")
_AMOUNTS = re.compile(rf"(?P<budget>{_A})\s*€\s+(?P<soll>{_A})\s*€\s+(?P<prop>{_A})\s*€")
_TOTAL = re.compile(rf"^(?P<n>\d+)\s+dossiers?\s+(?P<total>{_A})\s*€", re.I)
_SHEET = re.compile(rf"Montant Propos[ée]\s*:\s*(?P<m>{_A})\s*€", re.I)


# Necessary for a table here (its header line starts with « Thématiques » and names the « Bénéficiaires »): searched in the unit's text in lower case (extract_subventions).
INDICE = c.EnDebutDeLigne(r"thématiques[^\n]*bénéficiaires", "thématiques")


def extract(lines: list[Line], ctx: Contexte) -> list[TableResult]:
    """The BIJ table of a délibération unit; [] when the unit has none."""
    texts = [c.texte(ln) for ln in lines]
    start = next((k for k, t in enumerate(texts) if t.startswith("Thématiques") and "Bénéficiaires" in t and "Territoires" in t), None)
    if start is None:
        return []
    res = TableResult(NOM, NOM, lines[start].no, lines[start].no)
    res.consumed.add(lines[start].no)
    names = _article_names(lines)
    rows: list[Subvention | None] = []  # None: a proposal of 0 €
    current: dict | None = None
    total_line = None
    for k in range(start + 1, min(len(lines), start + 400)):
        ln, t = lines[k], texts[k]
        if not t:
            continue
        mt = _TOTAL.match(t)
        if mt:
            total_line = (ln, mt)
            if current and current["open"]:
                res.problems.append(c.ligne_illisible(ctx, current["line"], " ".join(current["parts"]), NOM))
            res.consumed.add(ln.no)
            res.line_end = ln.no
            break
        mr = _ROW.match(t)
        if mr and not _AMOUNTS.search(t):
            if current and current.get("open"):
                res.problems.append(c.ligne_illisible(ctx, current["line"], " ".join(current["parts"]), NOM))
            terr, apres = _territoire(mr.group("rest"))
            current = {
                "line": ln.no,
                "theme": mr.group("theme").strip(),
                "terr": terr,
                "parts": [apres],
                "lines": [ln.no],
                "open": True,
            }
            continue
        if current is None or not current["open"]:
            continue  # header words, comments
        am = _AMOUNTS.search(t)
        if am:
            current["parts"].append(t[: am.start()])
            current["lines"].append(ln.no)
            current["open"] = False
            rows.append(_row(current, am, names, ctx, res))
            res.consumed.update(current["lines"])
            res.line_end = ln.no
        else:
            current["parts"].append(t)
            current["lines"].append(ln.no)
    if total_line is None and current and current["open"]:  # the text ends inside a row: reported, not dropped
        res.problems.append(c.ligne_illisible(ctx, current["line"], " ".join(current["parts"]), NOM))
    res.subventions = [r for r in rows if r is not None]
    calc = sum((s.montant for s in res.subventions), Decimal(0))
    if total_line:
        ln, mt = total_line
        c.check_total_nombre(ctx, res, ln.no, f"{NOM} — total des propositions", mt, "total", illisibles=c.nb_illisibles(res))
    else:
        res.problems.append(c.info(ctx, res.line, "total-absent", f"{NOM} : ligne « N dossiers … € » introuvable."))
    _sheet_check(lines, ctx, res, calc)
    _article_check(lines, ctx, res, calc)
    return [res]


def _territoire(rest: str) -> tuple[str, str]:
    """The territoire opening a row's text (a known one, else its first word) and the text after it."""
    m = c.TERRITOIRE_RE.match(rest)
    if m:
        return m.group(1), rest[m.end() :].strip()
    mot, *apres = rest.split(maxsplit=1)
    return mot, " ".join(apres).strip()


def _article_names(lines: list[Line]) -> list[str]:
    """Beneficiaries the articles name: « l'association X et l'association Y »."""
    txt = c.decision_text(lines)
    return [squash(m.group(1)) for m in re.finditer(r"l'association\s+(.+?)(?=\s+et\s+l'association|[),;]|$)", txt)]


def _row(current: dict, am: re.Match, names: list[str], ctx: Contexte, res: TableResult) -> Subvention | None:
    text = squash(" ".join(p for p in current["parts"] if p))
    benef, commune, objet = text, None, ""
    hit = next((n for n in names if n.casefold() in text.casefold()), None)
    if hit:
        pos = text.casefold().index(hit.casefold()) + len(hit)
        benef = text[:pos].strip()
        rest_lines = _after(current["parts"], hit)
        if rest_lines:
            commune, objet = rest_lines[0], " ".join(rest_lines[1:])
    else:
        res.problems.append(
            c.info(
                ctx, current["line"], "beneficiaire-non-delimite", f"{NOM} : bénéficiaire, commune et descriptif non séparés : « {text} »."
            )
        )
    montant = c.montant_euros(am.group("prop"))
    if montant == 0:
        res.problems.append(
            c.info(ctx, current["line"], "demande-refusee", f"{NOM} : « {benef} » — proposition 0 €, aucune subvention créée.")
        )
        return None
    return ctx.subvention(
        current["line"],
        benef,
        classify(benef),
        montant,
        objet=objet or current["theme"].title(),
        commune_projet=commune_ecrite(commune) if commune else None,
        cout_projet=c.montant_euros(am.group("budget")),
        dispositif=NOM,
        tableau=NOM,
        territoire=current["terr"],
    )


def _after(parts: list[str], name: str) -> list[str]:
    """Cells after the beneficiary name: the rest of its line (commune) then the next lines."""
    out: list[str] = []
    seen = ""
    found = False
    for p in parts:
        p = squash(p)
        if not p:
            continue
        if found:
            out.append(p)
            continue
        seen = (seen + " " + p).strip()
        if name.casefold() in seen.casefold():
            found = True
            tail = seen[seen.casefold().index(name.casefold()) + len(name) :].strip()
            if tail:
                out.append(tail)
    return out


def _sheet_check(lines: list[Line], ctx: Contexte, res: TableResult, calc: Decimal) -> None:
    found = [(ln.no, c.montant_euros(m.group("m"))) for ln in lines if (m := _SHEET.search(c.texte(ln)))]
    if found:
        res.checks.append(
            c.total_check(
                ctx,
                found[0][0],
                f"{NOM} — fiches synthèse (« Montant Proposé »)",
                sum((v for _, v in found), Decimal(0)),
                calc,
                len(found),
                len(res.subventions),
            )
        )


def _article_check(lines: list[Line], ctx: Contexte, res: TableResult, calc: Decimal) -> None:
    for ln in c.decision(lines):
        t = c.texte(ln)
        m = re.search(rf"participation globale de\s+({_A})\s*€", t)
        if m:
            res.checks.append(c.total_check(ctx, ln.no, f"{NOM} — participation globale (article)", c.montant_euros(m.group(1)), calc))

"""Budget imputation tables of a délibération (`Code Opération | Imputation budgétaire |
Libellé Opération | AP € | Dépense €`): not grants, but a check on them.

The Dépense column of the deliberation's own table must add up to the grants it decides
(« Dépense imputée » check). Layouts met: one TAB-separated row per line (Markdown-like
extraction), or cells wrapped over several lines with the amounts alone on the row's last
line (pdftotext), sometimes with a `Section` column (Investissement / Fonctionnement) and
imputations broken inside (`2041411//917` ⏎ `38`). Only the zone between the first
article and the vote is read: the rapport repeats the table with other columns
(Disponible / Proposition / Solde) and must not count twice.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from generator.commun.montants import find_montants, format_montant
from generator.parse.normalise import squash
from generator.records import Deliberation, Line, Problem, Subvention, TotalCheck
from generator.subventions.tables.base import Contexte

_CODE = re.compile(r"\bC\s?\d{2}\s*-\s*\d{3}\s*-?\s*[A-Z]\s*-?\s*\d{2}\b")
_CODE_START = re.compile(r"\bC\s?\d{2}\s*-(?:\s*\d{3}|\s*$)")
_IMPUT = re.compile(r"^\d{2,8}(?:/{1,2}\d{2,6})?$")
_COLS = re.compile(r"(AP/AE|AP|AE|CP|D[ée]pense|Recette|Disponible|Proposition|Solde)\s*(?:€|$|\s)", re.I)
_AMOUNT_LINE = re.compile(r"^[\d\s.,€-]+$")
_SECTION = re.compile(r"^(Investissement|Fonctionnement)\b\s*", re.I)
# the end of a deliberation's own table (`_zone`), searched only in the lines that hold one of its words: an
# alternation without a common start is tried at every position of every line of the deliberation
_FIN_ZONE = re.compile(r"Dans les conditions de vote|^\s*\(Adopt|^\s*RAPPORT N°")
_STOP = re.compile(r"^\s*(?:Article\s+\S+\s*:|Dans les conditions de vote|\(Adopt)", re.I)


@dataclass
class LigneBudget:
    """One imputation line; `montants` maps a column (AP, AE, CP, Dépense, Recette…) to its amount."""

    line: int
    code_operation: str
    imputation: str | None
    libelle: str
    montants: dict[str, Decimal] = field(default_factory=dict)
    section: str | None = None

    @property
    def depense(self) -> Decimal | None:
        return self.montants.get("Dépense")


@dataclass
class Budget:
    lignes: list[LigneBudget] = field(default_factory=list)
    colonnes: list[str] = field(default_factory=list)
    line: int | None = None
    problems: list[Problem] = field(default_factory=list)
    consumed: set[int] = field(default_factory=set)


def _col(name: str) -> str:
    n = name.upper().replace("É", "E")
    return {"DEPENSE": "Dépense", "RECETTE": "Recette", "DISPONIBLE": "Disponible", "PROPOSITION": "Proposition", "SOLDE": "Solde"}.get(
        n, n
    )


def _zone(lines: list[Line], deliberation: Deliberation | None) -> list[Line]:
    """Lines from the first article to the vote: where the deliberation's own table sits."""
    start = min((a.line for a in deliberation.articles), default=None) if deliberation else None
    if start is None:
        start = deliberation.line if deliberation else (lines[0].no if lines else 0)
    out = []
    for l in lines:
        if l.no < start:
            continue
        t = l.text
        if ("Dans les conditions de vote" in t or "(Adopt" in t or "RAPPORT N°" in t) and _FIN_ZONE.search(t):
            break
        out.append(l)
    return out


def extract_budget(lines: list[Line], ctx: Contexte, deliberation: Deliberation | None = None) -> Budget:
    """Every imputation line of the deliberation's budget table(s)."""
    zone = _zone(lines, deliberation)
    budget = Budget()
    k = 0
    while k < len(zone):
        t = zone[k].text
        if re.match(r"^\s*(?:Section\s*)?Code\b", t) and any("Libell" in zone[j].text for j in range(k, min(k + 8, len(zone)))):
            hdr_end = next(j for j in range(k, min(k + 8, len(zone))) if "Libell" in zone[j].text)
            header = " ".join(squash(zone[j].text) for j in range(k, hdr_end + 1))
            after = header.split("Libellé", 1)[-1] if "Libellé" in header else header
            cols = [_col(c) for c in _COLS.findall(after.replace("\t", " ") + " ")]
            budget.line = budget.line or zone[k].no
            budget.colonnes = cols
            budget.consumed.update(zone[j].no for j in range(k, hdr_end + 1))
            k = _rows(zone, hdr_end + 1, cols, ctx, budget)
            continue
        k += 1
    return budget


def _rows(zone: list[Line], k: int, cols: list[str], ctx: Contexte, budget: Budget) -> int:
    pending: list[Line] = []
    while k < len(zone):
        l = zone[k]
        t = l.text
        if _STOP.match(t) or (not pending and t.strip() and not ("\t" in t or _CODE_START.search(t) or _SECTION.match(t.strip()))):
            break
        k += 1
        if not t.strip():
            continue
        if "\t" in t:
            cells = [c.strip() for c in t.split("\t")]
            amounts = [_amount(c) for c in cells[3:]]
            _add(budget, ctx, [l], cells[0], cells[1], cells[2], amounts, cols)
            continue
        if cols and pending and _closes_row(t, cols, pending):
            amounts = [m.valeur for m in find_montants(t)]
            _add_wrapped(budget, ctx, pending + [l], amounts, cols)
            pending = []
            continue
        if not cols and pending and _CODE_START.search(t):
            _add_wrapped(budget, ctx, pending, [], cols)
            pending = []
        pending.append(l)
    if pending:
        if cols:
            budget.problems.append(
                ctx.probleme(
                    pending[0].no,
                    "ligne-illisible",
                    "Ligne du tableau d'imputation budgétaire sans montants : " + squash(" ".join(p.text for p in pending)),
                    "avertissement",
                )
            )
            budget.consumed.update(p.no for p in pending)
        else:
            _add_wrapped(budget, ctx, pending, [], cols)
    return k


def _closes_row(t: str, cols: list[str], pending: list[Line]) -> bool:
    """The amounts line ending a wrapped row (not a piece of a broken imputation code)."""
    t = t.strip()
    if not _AMOUNT_LINE.match(t):
        return False
    if re.fullmatch(r"\d{1,3}", t) and re.search(r"\d+/{1,2}\d+$", pending[-1].text.strip()):
        return False
    return bool(re.search(r"\d,\d\d\b", t)) or len(find_montants(t)) == len(cols)


def _amount(cell: str) -> Decimal | None:
    found = find_montants(cell)
    return found[0].valeur if found else None


def _add_wrapped(budget: Budget, ctx: Contexte, rows: list[Line], amounts: Sequence[Decimal | None], cols: list[str]) -> None:
    texts = [squash(r.text) for r in rows if not (amounts and r is rows[-1])]
    glued: list[str] = []
    for t in texts:  # `2041411//917` ⏎ `38` is one imputation
        if glued and re.fullmatch(r"\d{1,3}", t) and re.search(r"\d+/{1,2}\d+$", glued[-1]):
            glued[-1] += t
        else:
            glued.append(t)
    text = " ".join(glued)
    section = None
    sm = _SECTION.match(text)
    if sm:
        section = sm.group(1).capitalize()
        text = text[sm.end() :]
    cm = _CODE.search(text)
    if not cm:
        budget.problems.append(
            ctx.probleme(
                rows[0].no, "ligne-illisible", f"Ligne d'imputation budgétaire sans code opération lisible : {text}", "avertissement"
            )
        )
        budget.consumed.update(r.no for r in rows)
        return
    code = re.sub(r"\s+", "", cm.group(0))
    tokens = text[cm.end() :].split()
    sub: list[str] = []
    imput = None
    while tokens:
        tok = tokens.pop(0)
        if _IMPUT.match(tok):
            imput = tok
            break
        if len(sub) < 2 and re.match(r"^[A-Z0-9][A-Z0-9-]*$", tok):
            sub.append(tok)
            continue
        tokens.insert(0, tok)
        break
    code_full = " ".join([code] + sub)
    _add(budget, ctx, rows, code_full, imput, " ".join(tokens), amounts, cols, section=section)


def _add(
    budget: Budget,
    ctx: Contexte,
    rows: list[Line],
    code: str,
    imput: str | None,
    libelle: str,
    amounts: Sequence[Decimal | None],
    cols: list[str],
    section: str | None = None,
) -> None:
    if _CODE.fullmatch(code.strip()):
        code = re.sub(r"\s+", "", code)
    montants: dict[str, Decimal] = {}
    vals = [a for a in amounts if a is not None]
    if cols and len(vals) != len(cols):
        budget.problems.append(
            ctx.probleme(
                rows[0].no,
                "ligne-illisible",
                f"Ligne d'imputation {code} : {len(vals)} montant(s) pour {len(cols)} colonne(s) "
                f"({', '.join(cols)}) ; lus de droite à gauche (cellule vide supposée à gauche).",
                "info" if 0 < len(vals) < len(cols) else "avertissement",
            )
        )
    for c, v in zip(reversed(cols), reversed(vals)):
        montants[c] = v
    budget.lignes.append(
        LigneBudget(
            line=rows[0].no,
            code_operation=code.strip(),
            imputation=imput or None,
            libelle=squash(libelle),
            montants=dict(sorted(montants.items())),
            section=section,
        )
    )
    budget.consumed.update(r.no for r in rows)


def check_depense(budget: Budget, subventions: list[Subvention], ctx: Contexte) -> TotalCheck | None:
    """« Dépense imputée »: the Dépense column against the grants decided; sets imputation when clear."""
    lines = [b for b in budget.lignes if b.depense is not None]
    if not lines:
        return None
    declared = sum((b.depense or Decimal(0) for b in lines), Decimal(0))  # (none is None)
    calc = sum((s.montant for s in subventions), Decimal(0))
    _set_imputation(lines, subventions)
    statut, msg = "ok", ""
    if declared != calc:
        statut = "ecart"
        msg = (
            f"Dépense imputée au budget ({format_montant(declared)}) différente de la somme des {len(subventions)} subvention(s) "
            f"extraite(s) ({format_montant(calc)})."
        )
    return ctx.controle(
        budget.line or lines[0].line,
        "Dépense imputée",
        declared,
        calc,
        nombre_declare=None,
        nombre_trouve=len(subventions),
        statut=statut,
        message=msg,
    )


def _set_imputation(lines: list[LigneBudget], subventions: list[Subvention]) -> None:
    imputations = {b.imputation for b in lines}
    if len(imputations) == 1:  # one line, or several lines (AP years) on the same imputation
        for s in subventions:
            s.imputation = s.imputation or lines[0].imputation
        return
    for b in lines:  # a line whose Dépense is exactly one grant's amount, and only that one
        match = [s for s in subventions if s.montant == b.depense]
        others = [c for c in lines if c.depense == b.depense]
        if len(match) == 1 and len(others) == 1 and not match[0].imputation:
            match[0].imputation = b.imputation

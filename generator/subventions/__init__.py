"""Stage: grants (subventions) of one délibération, from its annex tables and its articles.

`extract_subventions` runs every table module of `generator.subventions.tables`
(discovered, so a new layout is one new module), makes sure no line is read by two
tables, reads the articles (only articles are decisions; rapports repeat them), keeps
a single copy of a grant met both in an article and in a table (the table row, more
detailed), checks the budget table's Dépense against the grants, and numbers the
grants in document order. A table module may declare `INDICE`, a pattern that the text of any unit
holding its table contains once lowered: most units hold no table, and one search tells so before
the reader scans them.
"""

from __future__ import annotations

import functools
import importlib
import operator
import pkgutil
from decimal import Decimal

from generator.commun.montants import format_montant
from generator.records import Deliberation, Line, Problem, Subvention, TotalCheck
from generator.subventions import tables as _tables_pkg
from generator.subventions.beneficiaires import classify, clean_name, fold_name
from generator.subventions.budget import Budget, LigneBudget, check_depense, extract_budget
from generator.subventions.identifiants import attacher, sirets_imprimes
from generator.subventions.tables.base import PORTEUR_INCERTAIN, Contexte, TableResult
from generator.subventions.texte import extract_from_articles

__all__ = [
    "extract_subventions",
    "table_modules",
    "classify",
    "clean_name",
    "extract_budget",
    "check_depense",
    "extract_from_articles",
    "Budget",
    "LigneBudget",
    "Contexte",
    "TableResult",
]


_TEXTE = operator.attrgetter("text")


@functools.cache
def table_modules() -> tuple:
    """Table extractors: every submodule of `tables` except base with an `extract`, by name (found once)."""
    mods = []
    for info in sorted(pkgutil.iter_modules(_tables_pkg.__path__), key=lambda i: i.name):
        if info.name == "base" or info.name.startswith("_"):
            continue
        mod = importlib.import_module(f"{_tables_pkg.__name__}.{info.name}")
        if callable(getattr(mod, "extract", None)):
            mods.append(mod)
    return tuple(mods)


def extract_subventions(
    deliberation: Deliberation, lines: list[Line], modules: list | None = None
) -> tuple[list[Subvention], list[TotalCheck], list[Problem]]:
    """All grants of a deliberation unit (deliberation + annexes + rapport), its checks and problems."""
    ctx = Contexte(deliberation.id, deliberation.source)
    checks: list[TotalCheck] = []
    problems: list[Problem] = []
    results: list[TableResult] = []
    owner: dict[int, str] = {}
    joint = "\n".join(map(_TEXTE, lines))  # (joined once: `sirets_imprimes` reads it too)
    brut = joint.lower()  # lower case: the INDICEs need no case-insensitive search (slow)
    for mod in table_modules() if modules is None else modules:
        indice = getattr(mod, "INDICE", None)
        if indice is not None and not indice.search(brut):
            continue  # most units hold no table: a reader's INDICE says in one search that it would find none
        name = mod.__name__.rsplit(".", 1)[-1]
        try:
            found = mod.extract(lines, ctx)
        except Exception as exc:  # one broken extractor must not hide the others' grants
            problems.append(
                ctx.probleme(
                    lines[0].no if lines else None,
                    "extracteur-en-echec",
                    f"Le lecteur de tableaux « {name} » a échoué sur cette délibération ({type(exc).__name__} : {exc}).",
                    "erreur",
                )
            )
            continue
        for res in found:
            shared = sorted(n for n in res.consumed if n in owner)
            if shared:
                problems.append(
                    ctx.probleme(
                        shared[0],
                        "ligne-lue-deux-fois",
                        f"Le tableau « {res.nom} » ({name}) relit {len(shared)} ligne(s) déjà lue(s) par « {owner[shared[0]]} » "
                        f"(lignes {shared[0]}–{shared[-1]}) : ses subventions sont écartées pour éviter un double compte.",
                        "erreur",
                    )
                )
                continue
            for n in res.consumed:
                owner[n] = f"{res.nom} ({name})"
            results.append(res)
            checks.extend(res.checks)
            problems.extend(res.problems)
    problems.extend(_interrompus(results, lines, ctx))
    table_subs = [s for r in results for s in r.subventions]
    text_subs, text_checks, text_problems = extract_from_articles(deliberation, ctx, tables=results, lines=lines)
    seen = {(c.line, c.declare) for c in checks}
    checks.extend(c for c in text_checks if (c.line, c.declare) not in seen)  # a table module may read the same statement
    problems.extend(text_problems)
    subs = table_subs + _dedup(text_subs, table_subs, ctx, problems)
    budget = extract_budget(lines, ctx, deliberation)
    problems.extend(budget.problems)
    dep = check_depense(budget, subs, ctx)
    if dep is not None:
        checks.append(dep)
    subs.sort(key=lambda s: (s.line, fold_name(s.beneficiaire), s.montant))
    if "sire" in brut:  # SIRET or SIREN: most units print neither
        attacher(subs, sirets_imprimes(lines, joint))
    for n, s in enumerate(subs, start=1):
        s.id = f"{deliberation.id}-{n:04d}"
        s.deliberation = deliberation.id
        s.source = s.source or ctx.source
    incertains = {s.line: s.id for s in subs if s.beneficiaire_incertain}
    for p in problems:  # the id the publisher's correction names (site_data/corrections.yaml)
        if p.kind == PORTEUR_INCERTAIN and p.line in incertains:
            p.message += f" Identifiant de la subvention : {incertains[p.line]}."
    checks.sort(key=lambda c: (c.line, c.libelle))
    problems.sort(key=lambda p: (p.line if p.line is not None else 0, p.kind))
    return subs, checks, problems


_QUEUE_MAX = 6  # non-blank lines after a table's last row that still mean « nothing follows »


def _interrompus(results: list[TableResult], lines: list[Line], ctx: Contexte) -> list[Problem]:
    """Tables that reach the end of their unit without a total row: the text stops inside the table.

    A table without its total row in the middle of a unit is only a warning of its reader;
    one that nothing follows is the mark of a cut document (`ingest` refuses the source when
    this unit is also the end of the file).
    """
    out = []
    for res in results:
        if not any(p.kind == "total-absent" for p in res.problems):
            continue
        # the table reaches its last row read, or a later row it could not read (a row cut in two)
        fin = max([res.line_end] + [p.line for p in res.problems if p.kind == "ligne-illisible" and p.line])
        after = [l for l in lines if l.no > fin and l.text.strip()]
        if len(after) > _QUEUE_MAX:
            continue
        last = after[-1].no if after else fin
        out.append(
            ctx.probleme(
                last,
                "tableau-interrompu",
                f"Le tableau « {res.nom} » (commencé ligne {res.line}) s'arrête ligne {last} sans sa ligne de total, "
                f"{len(res.subventions)} ligne(s) lue(s) : le texte de la délibération {ctx.deliberation} "
                "se termine au milieu du tableau.",
                "erreur",
            )
        )
    return out


def _dedup(text_subs: list[Subvention], table_subs: list[Subvention], ctx: Contexte, problems: list[Problem]) -> list[Subvention]:
    """An article grant equal (beneficiary + amount) to a table row is that row: keep the row."""
    kept = []
    used: set[int] = set()
    for s in text_subs:
        key = (fold_name(s.beneficiaire), s.montant)
        twin = next((k for k, t in enumerate(table_subs) if k not in used and (fold_name(t.beneficiaire), t.montant) == key), None)
        if twin is None:
            kept.append(s)
            continue
        used.add(twin)
        t = table_subs[twin]
        t.objet = t.objet or s.objet
        t.dispositif = t.dispositif or s.dispositif
        problems.append(
            ctx.probleme(
                s.line,
                "doublon-article-tableau",
                f"La subvention de l'article ({s.beneficiaire}, {format_montant(s.montant)}) est la ligne {t.line} du tableau « {t.tableau} » : comptée une seule fois.",
                "info",
            )
        )
    return kept


def total(subs: list[Subvention]) -> Decimal:
    return sum((s.montant for s in subs), Decimal(0))

"""Long lists split into one page per year, so that no list page passes about 300 KB at ten years.

Why: a territory, an intercommunality or a scheme gathers thousands of grants over ten
years (FARDA voirie: about 15 000), and the list of deliberations some 6 000; a grant's row
weighs about 560 bytes of HTML, a deliberation's about 280 (ten synthetic years). Up to `SEUIL`
rows a list stays on its page, exactly as before (the real corpus never reaches it); above, the
page keeps its summary (totals, chart, table by year) and each year gets its own page, itself cut
in parts of `SEUIL` rows if one year is longer still: a part holds at most `SEUIL` grants and
`SEUIL` deliberations, about 210 KB of lists beside the page's 40 KB of frame. (1 000 rows, the
threshold before, left pages of 480 to 730 KB: canton of Longuenesse, 908 grants on one page.)
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sized
from decimal import Decimal

from generator.records import JsonObject
from generator.records.corpus import DeliberationPubliee, SubventionPubliee
from generator.site.render import Page

SEUIL = 250  # rows of a list on one page (see above: a page stays under ~300 KB)


def trop_long(*listes: Sized) -> bool:
    return any(len(l) > SEUIL for l in listes)


def _annee(x: SubventionPubliee | DeliberationPubliee) -> str:
    return x.date[:4] or "sans date"


def pages_par_annee(
    base: str,
    nom: str,
    retour: str,
    subs: list[SubventionPubliee],
    delibs: list[DeliberationPubliee] | None = None,
    kind: str = "annee",
    show_commune: bool = True,
    total: Callable[[Iterable[SubventionPubliee]], Decimal] | None = None,
) -> tuple[list[JsonObject], list[Page]]:
    """One page per year (and per part of `SEUIL` rows) of `subs` and `delibs` under `base/`.

    Returns the links for the summary page — [{annee, url, n, total, delibs}], newest first —
    and the pages. `total(subs)` sums amounts (Corpus.total).
    """
    par_an: dict[str, tuple[list[SubventionPubliee], list[DeliberationPubliee]]] = defaultdict(lambda: ([], []))
    for s in subs:
        par_an[_annee(s)][0].append(s)
    for d in delibs or []:
        par_an[_annee(d)][1].append(d)
    annees = sorted(par_an, reverse=True)
    liens, pages = [], []
    urls = {}
    for a in annees:
        s_a, d_a = par_an[a]
        n = max(1, -(-max(len(s_a), len(d_a)) // SEUIL))
        urls[a] = [f"{base}/{a}/" if k == 1 else f"{base}/{a}-{k}/" for k in range(1, n + 1)]
    nav = [(a, urls[a][0]) for a in annees]
    for a in annees:
        s_a, d_a = par_an[a]
        parts = urls[a]
        for k, url in enumerate(parts, start=1):
            s_k = s_a[(k - 1) * SEUIL : k * SEUIL]
            d_k = d_a[(k - 1) * SEUIL : k * SEUIL]
            suffix = f" ({k}/{len(parts)})" if len(parts) > 1 else ""
            pages.append(
                Page(
                    url.rstrip("/") + ".md",
                    "liste_annee.md.j2",
                    f"{nom} — {a}{suffix}",
                    kind=kind,
                    context={
                        "nom": nom,
                        "retour": retour,
                        "annee": a,
                        "annees": nav,
                        "partie": k,
                        "parties": [(j, u) for j, u in enumerate(parts, start=1)],
                        "subs": s_k,
                        "total": total(s_k) if total and s_k else None,
                        "n_annee": len(s_a),
                        "total_annee": total(s_a) if total and s_a else None,
                        "delibs": d_k,
                        "show_commune": show_commune,
                    },
                )
            )
        liens.append(
            {"annee": a, "url": parts[0], "n": len(s_a), "total": total(s_a) if total else None, "delibs": len(d_a), "parties": len(parts)}
        )
    return liens, pages

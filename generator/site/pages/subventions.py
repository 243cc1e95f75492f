"""Pages of grants: beneficiaries that are not communes, schemes (dispositifs), grants by year."""

from __future__ import annotations

from collections import defaultdict

from slugify import slugify

from generator.commun.formats import TYPES_BENEFICIAIRE as TYPES
from generator.commun.formats import mois_fr
from generator.records import JsonObject
from generator.records.corpus import Corpus, SubventionPubliee
from generator.site import abonnement, couverture, lexique
from generator.site.pages.decoupage import pages_par_annee, trop_long
from generator.site.render import Page

ANNEE_PLUS_IMPORTANTES = 50  # a year's page shows its largest grants; its month pages list them all
MOIS_MAX_LIGNES = 400  # rows on a month's page (~230 Ko of HTML); a longer month is cut in parts


def _mois(corpus: Corpus, annee: str, subs: list[SubventionPubliee]) -> tuple[list[JsonObject], list[Page]]:
    """A year's grants, month by month (cut in parts of `MOIS_MAX_LIGNES`), so that every grant is on
    a page of the site and no page is too heavy for a phone. Returns the months' links and their pages."""
    par_mois = defaultdict(list)
    for s in subs:
        par_mois[s.date[5:7]].append(s)
    liens: list[JsonObject] = []
    for m in sorted(par_mois):
        n = -(-len(par_mois[m]) // MOIS_MAX_LIGNES)
        urls = [f"subventions/{annee}/{m}/" if k == 1 else f"subventions/{annee}/{m}-{k}/" for k in range(1, n + 1)]
        liens.append(
            {"mois": m, "nom": mois_fr(int(m), int(annee)), "urls": urls, "n": len(par_mois[m]), "total": corpus.total(par_mois[m])}
        )
    # of the other months, a month's page shows the names and links only: its key (`Page.cle`) does not
    # change when another month's grants do
    nav = [{"mois": x["mois"], "nom": x["nom"], "url": x["urls"][0]} for x in liens]
    pages = []
    for lien in liens:
        rangees = sorted(par_mois[lien["mois"]], key=lambda s: (s.date, s.id))
        for k, url in enumerate(lien["urls"], start=1):
            part = rangees[(k - 1) * MOIS_MAX_LIGNES : k * MOIS_MAX_LIGNES]
            suffixe = f" ({k}/{len(lien['urls'])})" if len(lien["urls"]) > 1 else ""
            pages.append(
                Page(
                    url.rstrip("/") + ".md",
                    "subventions_mois.md.j2",
                    f"Subventions de {lien['nom']}{suffixe}",
                    kind="subventions",
                    context={
                        "annee": annee,
                        "mois": lien,
                        "tous_mois": nav,
                        "partie": k,
                        "subs": part,
                        "total_partie": corpus.total(part),
                    },
                )
            )
    return liens, pages


def par_dispositif(corpus: Corpus, subs: list[SubventionPubliee] | None = None) -> dict[str, list[SubventionPubliee]]:
    """Scheme's name → its grants (of `subs`, else of the corpus), in their order (a grant without one: « Autres subventions »)."""
    out: dict[str, list[SubventionPubliee]] = defaultdict(list)
    for s in corpus.subventions if subs is None else subs:
        out[s.dispositif or "Autres subventions"].append(s)
    return out


def slug_dispositif(nom: str) -> str:
    """The scheme's page: dispositifs/<slug>/."""
    return slugify(nom, max_length=80) or "autres"


def _par_annee(corpus: Corpus, page: Page) -> list[Page]:
    """A beneficiary or a scheme with too many grants for one page: one page per year."""
    page.context["annees"] = None
    if not trop_long(page.context["subs"]):
        return []
    base = page.path.removesuffix(".md")
    page.context["annees"], pages = pages_par_annee(base, page.title, base + "/", page.context["subs"], kind=page.kind, total=corpus.total)
    return pages


def build(corpus: Corpus) -> list[Page]:
    pages: list[Page] = []
    cov = couverture.calculer(corpus)
    benef: dict[str, JsonObject] = {}
    for s in corpus.subventions:
        a = s.affiche
        if a.type == "commune" or a.incertain:  # an uncertain name stays on its grant's rows
            continue
        slug = a.url.split("/")[1]
        entry = benef.setdefault(slug, {"nom": a.nom, "type": a.type, "slug": slug, "subs": [], "epci_url": a.epci_url})
        entry["subs"].append(s)
    for slug, b in sorted(benef.items()):
        subs = sorted(b["subs"], key=lambda s: (s.date, s.id), reverse=True)
        pages.append(
            Page(
                f"beneficiaires/{slug}.md",
                "beneficiaire.md.j2",
                b["nom"],
                kind="beneficiaire",
                context={
                    "b": b,
                    "type_label": TYPES.get(b["type"], b["type"]),
                    "subs": subs,
                    "total": corpus.total(subs),
                    "years": corpus.by_year(subs),
                    "couv": couverture.des_subventions(cov, subs),
                },
            )
        )
        pages += _par_annee(corpus, pages[-1])
    rows = sorted(
        (
            {"nom": b["nom"], "slug": s, "type": TYPES.get(b["type"], b["type"]), "n": len(b["subs"]), "total": corpus.total(b["subs"])}
            for s, b in benef.items()
        ),
        key=lambda r: (-r["total"], r["nom"]),
    )
    pages.append(
        Page(
            "beneficiaires/index.md",
            "beneficiaires_index.md.j2",
            "Bénéficiaires",
            kind="index",
            context={"rows": rows, "couv": couverture.phrase(cov)},
        )
    )

    drows = []
    for nom, subs in sorted(par_dispositif(corpus).items()):
        slug = slug_dispositif(nom)
        par_terr = defaultdict(list)
        for s in subs:
            c = corpus.commune_of(s)
            t = corpus.ref.communes[c]["territoire"] if c and c in corpus.ref.communes else None
            par_terr[t].append(s)
        terr = [
            (corpus.ref.territoires[t] if t in corpus.ref.territoires else None, corpus.total(v), len(v))
            for t, v in sorted(par_terr.items(), key=lambda kv: kv[0] or "~")
        ]
        subs_sorted = sorted(subs, key=lambda s: (s.date, s.id), reverse=True)
        finance = lexique.dispositif(nom)
        pages.append(
            Page(
                f"dispositifs/{slug}.md",
                "dispositif.md.j2",
                nom,
                kind="dispositif",
                context={
                    "nom": nom,
                    "flux": abonnement.de_dispositif(nom, slug),
                    "subs": subs_sorted,
                    "total": corpus.total(subs),
                    "years": corpus.by_year(subs),
                    "territoires": terr,
                    "couv": couverture.des_subventions(cov, subs),
                    "finance": finance,
                    "finance_ou": lexique.verifier(corpus, finance.source, finance.citation),
                },
            )
        )
        pages += _par_annee(corpus, pages[-1])
        drows.append({"nom": nom, "slug": slug, "n": len(subs), "total": corpus.total(subs)})
    pages.append(
        Page(
            "dispositifs/index.md",
            "dispositifs_index.md.j2",
            "Dispositifs",
            kind="index",
            context={"rows": drows, "couv": couverture.phrase(cov)},
        )
    )

    cov_annee = couverture.par_annee(cov, corpus)
    par_annee = defaultdict(list)
    for s in corpus.subventions:
        par_annee[s.date[:4]].append(s)
    years = []
    for y, subs in sorted(par_annee.items(), reverse=True):
        mois, pages_mois = _mois(corpus, y, subs)
        top = sorted(subs, key=lambda s: (-float(s.montant), s.id))[:ANNEE_PLUS_IMPORTANTES]
        par_disp = par_dispositif(corpus, subs)
        pages.append(
            Page(
                f"subventions/{y}.md",
                "subventions_annee.md.j2",
                f"Subventions {y}",
                kind="subventions",
                context={
                    "annee": y,
                    "subs": top,
                    "n": len(subs),
                    "total": corpus.total(subs),
                    "mois": mois,
                    "dispositifs": sorted(
                        ({"nom": k, "slug": slug_dispositif(k), "n": len(v), "total": corpus.total(v)} for k, v in par_disp.items()),
                        key=lambda r: (-r["total"], r["nom"]),
                    ),
                    "couv": cov_annee.get(y) or couverture.phrase(cov, [], []),
                },
            )
        )
        pages += pages_mois
        years.append({"annee": y, "n": len(subs), "total": corpus.total(subs), "couv": cov_annee.get(y)})
    pages.append(
        Page(
            "subventions/index.md",
            "subventions_index.md.j2",
            "Subventions",
            kind="index",
            context={
                "years": years,
                "total": corpus.total(corpus.subventions),
                "n": len(corpus.subventions),
                "couv": couverture.phrase(cov),
            },
        )
    )
    return pages

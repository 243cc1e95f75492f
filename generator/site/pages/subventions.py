"""Pages of grants: beneficiaries that are not communes, schemes (dispositifs), grants by year."""

from __future__ import annotations

from collections import defaultdict

from slugify import slugify

from generator.records.corpus import Corpus
from generator.site.pages.decoupage import pages_par_annee, trop_long
from generator.site.render import Page

TYPES = {
    "epci": "Intercommunalité",
    "association": "Association",
    "syndicat": "Syndicat",
    "gip": "Groupement d'intérêt public",
    "departement": "Département",
    "autre": "Autre organisme",
    "commune": "Commune",
}
ANNEE_MAX_LIGNES = 500  # a year's page lists its largest grants; the CSV has them all


def _view(corpus: Corpus, subs):
    return [dict(s, _commune=corpus.ref.communes.get(corpus.commune_of(s) or "")) for s in subs]


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
    benef: dict[str, dict] = {}
    for s in corpus.subventions:
        b = s["_beneficiaire"]
        if b["type"] == "commune":
            continue
        slug = b["url"].split("/")[1]
        entry = benef.setdefault(slug, {"nom": b["nom"], "type": b["type"], "slug": slug, "subs": [], "epci_url": b.get("epci_url")})
        entry["subs"].append(s)
    for slug, b in sorted(benef.items()):
        subs = sorted(b["subs"], key=lambda s: (s["_date"], s["id"]), reverse=True)
        pages.append(
            Page(
                f"beneficiaires/{slug}.md",
                "beneficiaire.md.j2",
                b["nom"],
                kind="beneficiaire",
                context={
                    "b": b,
                    "type_label": TYPES.get(b["type"], b["type"]),
                    "subs": _view(corpus, subs),
                    "total": corpus.total(subs),
                    "years": corpus.by_year(subs),
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
    pages.append(Page("beneficiaires/index.md", "beneficiaires_index.md.j2", "Bénéficiaires", kind="index", context={"rows": rows}))

    dispositifs = defaultdict(list)
    for s in corpus.subventions:
        dispositifs[s.get("dispositif") or "Autres subventions"].append(s)
    drows = []
    for nom, subs in sorted(dispositifs.items()):
        slug = slugify(nom, max_length=80) or "autres"
        par_terr = defaultdict(list)
        for s in subs:
            c = corpus.commune_of(s)
            t = corpus.ref.communes[c]["territoire"] if c in corpus.ref.communes else None
            par_terr[t].append(s)
        terr = [
            (corpus.ref.territoires[t] if t in corpus.ref.territoires else None, corpus.total(v), len(v))
            for t, v in sorted(par_terr.items(), key=lambda kv: kv[0] or "~")
        ]
        subs_sorted = sorted(subs, key=lambda s: (s["_date"], s["id"]), reverse=True)
        pages.append(
            Page(
                f"dispositifs/{slug}.md",
                "dispositif.md.j2",
                nom,
                kind="dispositif",
                context={
                    "nom": nom,
                    "subs": _view(corpus, subs_sorted),
                    "total": corpus.total(subs),
                    "years": corpus.by_year(subs),
                    "territoires": terr,
                },
            )
        )
        pages += _par_annee(corpus, pages[-1])
        drows.append({"nom": nom, "slug": slug, "n": len(subs), "total": corpus.total(subs)})
    pages.append(Page("dispositifs/index.md", "dispositifs_index.md.j2", "Dispositifs", kind="index", context={"rows": drows}))

    par_annee = defaultdict(list)
    for s in corpus.subventions:
        par_annee[s["_date"][:4]].append(s)
    years = []
    for y, subs in sorted(par_annee.items(), reverse=True):
        top = sorted(subs, key=lambda s: (-float(s["montant"]), s["id"]))[:ANNEE_MAX_LIGNES]
        pages.append(
            Page(
                f"subventions/{y}.md",
                "subventions_annee.md.j2",
                f"Subventions {y}",
                kind="subventions",
                context={"annee": y, "subs": _view(corpus, top), "n": len(subs), "total": corpus.total(subs), "limite": ANNEE_MAX_LIGNES},
            )
        )
        years.append({"annee": y, "n": len(subs), "total": corpus.total(subs)})
    pages.append(
        Page(
            "subventions/index.md",
            "subventions_index.md.j2",
            "Subventions",
            kind="index",
            context={"years": years, "total": corpus.total(corpus.subventions), "n": len(corpus.subventions)},
        )
    )
    return pages

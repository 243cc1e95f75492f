"""The councillors' pages: an index (sortable table) and one page per person (`generator.elus`)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import NamedTuple

from generator.commun import store
from generator.elus import personnes
from generator.records import JsonObject
from generator.records.corpus import Corpus, DeliberationPubliee
from generator.site.pages import decoupage
from generator.site.render import Page


class Ligne(NamedTuple):
    """A line of a presence list as a councillor's pages show it (`_elus.j2`): a tuple, which their
    keys (`Page.cle`) serialise without a call for each of ten years of lines (`personnes.Ligne`, a
    record, would take one)."""

    deliberation: str
    date: str
    organe: str
    statut: str
    interet: str | None


Seances = dict[str, list[tuple[Ligne, DeliberationPubliee | None]]]  # séance id → a person's lines in it, with their act


def registre(corpus: Corpus, alias: Mapping[str, str], civilites: Mapping[str, Mapping[str, str]] | None = None) -> personnes.Registre:
    """The people of `corpus`'s Département deliberations, resolved through the publisher's alias file
    (`alias`: as `generator.elus.alias.lire` checked it, at the start of the build). `civilites`: source →
    what `personnes.civilites_document` found in its file (the build keeps it from the extraction), so
    that only a deliberation it lacks has its text read back."""
    sessions = [s for doc in corpus.documents for s in doc.sessions]
    delibs = corpus.deliberations
    civs = {
        d.id: civilites[d.source][d.id]
        for d in delibs.values()
        if civilites is not None and d.collectivite == personnes.DEPARTEMENT and d.id in civilites.get(d.source, {})
    }
    textes: dict[str, str] = {}
    if corpus.actes is not None:
        # the build keeps no deliberation text in memory: the lists' civilities it was not given are read back, one source at a time
        sans = {
            d.source for d in delibs.values() if d.collectivite == personnes.DEPARTEMENT and not d.texte_en_memoire and d.id not in civs
        }
        for source in sorted(sans):
            f = corpus.actes / store.data_name(source)
            if f.exists():
                for x in store.read_json(f)["deliberations"]:
                    textes.setdefault(x["id"], (x.get("texte") or "")[:20000])
    return personnes.construire(delibs, sessions, alias, textes, civs)


def _fiche(p: personnes.Personne) -> JsonObject:
    """What the index and a councillor's page show of them: their record but its lines (`lignes`: ten
    years, thousands, each digested into the pages' keys, `Page.cle`), and of these their counts by
    statut (`comptes`) and attendance by year (`taux`)."""
    fiche: JsonObject = {k: v for k, v in vars(p).items() if k != "lignes"}
    comptes = p.comptes()  # (one pass over ten years of lines, not one per statut)
    return fiche | {"comptes": {s: comptes[s] for s in personnes.STATUTS}, "taux": p.taux_par_annee()}


def build(corpus: Corpus, reg: personnes.Registre) -> Iterator[Page]:
    fiches = {slug: _fiche(p) for slug, p in reg.personnes.items()}
    annees = sorted({a for f in fiches.values() for a in f["taux"]}, reverse=True)
    yield Page(
        "elus/index.md",
        "elus_index.md.j2",
        "Élus",
        kind="elus",
        context={
            "personnes": list(fiches.values()),
            "annees": annees,
            # of the registry, what the page shows: not its every line again (`Page.cle`)
            "reg": {
                "mentions": len(reg.lignes),
                "sans_liste": reg.sans_liste,
                "propositions": reg.propositions,
                "alias_inutilises": reg.alias_inutilises,
            },
            "statuts": personnes.STATUTS,
        },
    )
    noms = {s: q.nom for s, q in reg.personnes.items()}
    acte = corpus.deliberations.get
    for p in reg.personnes.values():
        seances: Seances = {}
        with store.sans_ramasse_miettes():  # ten years: 300 000 acyclic tuples, each collection rescanning the pages' data
            for li in p.lignes:
                ligne = Ligne(li.deliberation, li.date, li.organe, li.statut, li.interet)
                seances.setdefault(li.seance, []).append((ligne, acte(li.deliberation)))
        context: JsonObject = {"p": fiches[p.slug], "seances": seances, "statuts": personnes.STATUTS, "noms": noms, "annees": None}
        pages = [Page(f"elus/{p.slug}/index.md", "elu.md.j2", p.nom, kind="elu", context=context)]
        if decoupage.trop_long(p.lignes):  # ten years: about 6 000 lines, 1,3 Mo on one page
            context["annees"], par_annee = _pages_par_annee(p, seances, fiches[p.slug]["taux"])
            context["seances"] = {}
            pages += par_annee
        yield from pages


def _pages_par_annee(p: personnes.Personne, seances: Seances, taux: dict[str, tuple[int, int]]) -> tuple[list[JsonObject], list[Page]]:
    """A councillor's presence séance by séance, one page per year (`elus/<slug>/<année>/`), for a person
    whose lines pass `decoupage.SEUIL`; the links for their page, newest year first, with each year's
    attendance (`taux`: their `taux_par_annee`)."""
    par_an: dict[str, Seances] = {}
    for seance, lignes in seances.items():
        par_an.setdefault(lignes[0][0].date[:4] or "sans date", {})[seance] = lignes
    annees = sorted(par_an, reverse=True)
    liens: list[JsonObject] = [
        {
            "annee": a,
            "url": f"elus/{p.slug}/{a}/",
            "seances": len(par_an[a]),
            "deliberations": sum(len(v) for v in par_an[a].values()),
            "presences": taux.get(a, (0, 0)),
        }
        for a in annees
    ]
    # of the person and of the other years, a year page shows the name and the links only: its key
    # (`Page.cle`) does not change when a séance is added to another year
    qui, nav = {"slug": p.slug, "nom": p.nom}, [{"annee": x["annee"], "url": x["url"]} for x in liens]
    pages = [
        Page(
            f"elus/{p.slug}/{a}.md",
            "elu_annee.md.j2",
            f"{p.nom} — {a}",
            kind="elu",
            context={"p": qui, "annee": a, "seances": par_an[a], "annees": nav, "statuts": personnes.STATUTS},
        )
        for a in annees
    ]
    return liens, pages

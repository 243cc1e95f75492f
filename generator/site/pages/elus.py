"""The councillors' pages: an index (sortable table) and one page per person (`generator.elus`)."""

from __future__ import annotations

import functools
import itertools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from operator import attrgetter, itemgetter
from typing import NamedTuple

from generator.commun import memoire, store
from generator.elus import personnes
from generator.records import JsonObject
from generator.records.corpus import Corpus, DeliberationPubliee
from generator.site.pages import decoupage
from generator.site.render import Page, Partage, vue_deliberation


class Ligne(NamedTuple):
    """A line of a presence list as a councillor's pages show it (`listes.presences`): a tuple, which their
    keys (`Page.cle`) serialise without a call for each of ten years of lines (`personnes.Ligne`, a
    record, would take one)."""

    deliberation: str
    date: str
    organe: str
    statut: str
    interet: str | None


# a person's lines as `Ligne`s and their séances, made in C (`Ligne._make` and a NamedTuple's constructor are
# Python functions: 300 000 calls at ten years)
_ligne = functools.partial(tuple.__new__, Ligne)
_CHAMPS_LIGNE = attrgetter(*Ligne._fields)
_SEANCE = attrgetter("seance")
_SEANCE_ACTE = attrgetter("seance", "deliberation")


@dataclass(eq=False)
class ActesSeance(Partage):
    """The deliberations named by a séance's presence lines (id → the act, None when not published), one
    object per séance for all who sat in it: a page's key (`Page.cle`) holds its digest, made once a build,
    and its person's lines, not the digest of an act at each of ten years' 300 000 lines."""

    actes: dict[str, DeliberationPubliee | None]

    def tenant(self) -> object:
        """Of each act, what the pages show (`vue_deliberation`: its title): one's text corrected does not
        render again the pages of everyone who sat in its séance."""
        return {did: vue_deliberation(a) for did, a in self.actes.items()}


Seances = dict[str, list[tuple[Ligne, DeliberationPubliee | None]]]  # séance id → a person's lines in it, with their act
Presences = dict[str, tuple[ActesSeance, list[Ligne]]]  # séance id → its acts and a person's lines in it (a page's data)


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
    actes: dict[str, ActesSeance] = {}  # séance id → its acts: all known before any page is keyed
    # each (séance, deliberation) of the lines once, in the order the people's lines first name it (that of
    # each séance's acts, which its digest follows): one pass in C over ten years' lines
    for seance, deliberation in dict.fromkeys(itertools.chain.from_iterable(map(_SEANCE_ACTE, p.lignes) for p in reg.personnes.values())):
        a = actes.get(seance)
        if a is None:
            a = actes[seance] = ActesSeance({})
        a.actes[deliberation] = acte(deliberation)
    for p in reg.personnes.values():
        presences: Presences = {}
        with memoire.sans_ramasse_miettes():  # ten years: 300 000 acyclic tuples, each collection rescanning the pages' data
            # the lines in their order, by runs of one séance (a séance's lines follow one another: one run each)
            runs = itertools.groupby(zip(map(_SEANCE, p.lignes), map(_ligne, map(_CHAMPS_LIGNE, p.lignes))), key=itemgetter(0))
            for s, run in runs:
                seance = presences.get(s)  # (not `setdefault`: a tuple and a list made for each run)
                if seance is None:
                    seance = presences[s] = (actes[s], [])
                seance[1].extend(map(itemgetter(1), run))
        donnees: JsonObject = {"p": fiches[p.slug], "seances": presences, "statuts": personnes.STATUTS, "noms": noms, "annees": None}
        pages = [_page(f"elus/{p.slug}/index.md", "elu.md.j2", p.nom, donnees)]
        if decoupage.trop_long(p.lignes):  # ten years: about 6 000 lines, 1,3 Mo on one page
            donnees["annees"], par_annee = _pages_par_annee(p, presences, fiches[p.slug]["taux"])
            donnees["seances"] = {}
            pages += par_annee
        yield from pages


def _page(path: str, template: str, title: str, donnees: JsonObject) -> Page:
    """A councillor's page (or one of its years) made from its data (`Page.donnees`: its séances as
    `Presences`), its context (`_contexte`) made only when it is rendered."""
    return Page(path, template, title, kind="elu", donnees=donnees, contexte=_contexte)


def _contexte(donnees: JsonObject, texte: str) -> JsonObject:
    """A councillor's page's context: its data, each of its séances' lines with their act (`Seances`)."""
    seances: Seances = {s: [(li, a.actes[li.deliberation]) for li in lignes] for s, (a, lignes) in donnees["seances"].items()}
    return {**donnees, "seances": seances}


def _pages_par_annee(p: personnes.Personne, seances: Presences, taux: dict[str, tuple[int, int]]) -> tuple[list[JsonObject], list[Page]]:
    """A councillor's presence séance by séance, one page per year (`elus/<slug>/<année>/`), for a person
    whose lines pass `decoupage.SEUIL`; the links for their page, newest year first, with each year's
    attendance (`taux`: their `taux_par_annee`)."""
    par_an: dict[str, Presences] = {}
    for seance, (actes, lignes) in seances.items():
        par_an.setdefault(lignes[0].date[:4] or "sans date", {})[seance] = (actes, lignes)
    annees = sorted(par_an, reverse=True)
    liens: list[JsonObject] = [
        {
            "annee": a,
            "url": f"elus/{p.slug}/{a}/",
            "seances": len(par_an[a]),
            "deliberations": sum(len(lignes) for _, lignes in par_an[a].values()),
            "presences": taux.get(a, (0, 0)),
        }
        for a in annees
    ]
    # of the person and of the other years, a year page shows the name and the links only: its key
    # (`Page.cle`) does not change when a séance is added to another year
    qui, nav = {"slug": p.slug, "nom": p.nom}, [{"annee": x["annee"], "url": x["url"]} for x in liens]
    pages = [
        _page(
            f"elus/{p.slug}/{a}.md",
            "elu_annee.md.j2",
            f"{p.nom} — {a}",
            {"p": qui, "annee": a, "seances": par_an[a], "annees": nav, "statuts": personnes.STATUTS},
        )
        for a in annees
    ]
    return liens, pages

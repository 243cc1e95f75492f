"""Pages of places: one per commune, canton, EPCI and territoire, plus A–Z indexes."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator
from decimal import ROUND_HALF_UP, Decimal

from markupsafe import Markup

from generator.commun.formats import montant_fr, nombre_fr
from generator.commun.pliage import plier
from generator.exports.par_lieu import telechargements
from generator.lieux.places import Reference
from generator.records import JsonObject
from generator.records.corpus import Corpus, DeliberationPubliee, SubventionPubliee, de
from generator.records.place import PlaceKind
from generator.site import abonnement, couverture, graphiques
from generator.site.pages.decoupage import pages_par_annee, trop_long
from generator.site.render import Page, root_for

POPULATION_ANNEE = 2017  # the reference's populations: INSEE's « population municipale » 2017 (site_data/reference/README.md)
POPULATION = f"population municipale {POPULATION_ANNEE} de l'Insee"
NATURES = {"CA": "Communauté d'agglomération", "CC": "Communauté de communes", "CU": "Communauté urbaine"}


def _sort_key(name: str) -> str:
    return plier(name)


def _initial(name: str) -> str:
    return _sort_key(name)[:1].upper()


def _communes(ref: Reference, codes: Iterable[str]) -> list[JsonObject]:
    return sorted((ref.communes[c] for c in codes if c in ref.communes), key=lambda c: _sort_key(c["nom"]))


def _by_codes(entities: dict[str, JsonObject], codes: Iterable[str]) -> list[JsonObject]:
    return sorted((entities[c] for c in codes if c in entities), key=lambda e: _sort_key(e["nom"]))


def _territoires_of(ref: Reference, slugs: Iterable[str | None]) -> list[JsonObject]:
    return [ref.territoires[s] for s in dict.fromkeys(slugs) if s in ref.territoires]


def _subs_delibs(
    corpus: Corpus, kind: str, code: str, communes: Iterable[str]
) -> tuple[list[SubventionPubliee], list[DeliberationPubliee]]:
    """Grants located in the place's communes, and the deliberations concerning it (newest first)."""
    subs = corpus.grants_in(communes)
    ids = set(corpus.delib_lieux.get((kind, code), set())) | {s.deliberation for s in subs}
    delibs = sorted((corpus.deliberations[i] for i in ids if i in corpus.deliberations), key=lambda d: (d.date, d.id), reverse=True)
    return subs, delibs


def _chiffres_activite(corpus: Corpus, subs: list[SubventionPubliee]) -> JsonObject:
    """What a place page shows of its grants `subs`: them, their total, by year (table and chart) and by commune."""
    montants: dict[str, tuple[Decimal, int]] = {}
    for s in subs:
        c = corpus.commune_of(s)
        if c:
            tot, n = montants.get(c, (Decimal(0), 0))
            montants[c] = (tot + s.montant, n + 1)  # (as `Corpus.total`: from Decimal(0), in the grants' order)
    years = corpus.by_year(subs)
    chart = Markup(graphiques.barres_par_annee([(y, t) for y, t, _ in years], "Subventions par année")) if years else ""
    return {"subs": subs, "total": corpus.total(subs), "years": years, "montants": montants, "graphique": chart}


def _donnees_commune(
    corpus: Corpus, fichiers: dict[tuple[str, str], str], couv: JsonObject, insee: str, delibs: list[DeliberationPubliee]
) -> JsonObject:
    """Everything a commune's page shows but its grants (hashed into its key, `Page.cle`, with them): its
    reference record, cantons, EPCI and territoires, the executive acts naming it, what its figures cover,
    its files and feed, and of each deliberation concerning it what the list prints. Its context
    (`_contexte_commune`) is made from these and its grants only."""
    ref = corpus.ref
    c = ref.communes[insee]
    return {
        "c": c,
        "cantons": _by_codes(ref.cantons, c.get("cantons", [])),
        "epci": ref.epci.get(c.get("epci", "")),
        "territoire": ref.territoires.get(c.get("territoire", "")),
        "territoire_fin": ref.territoires.get(c.get("territoire_fin", "")),
        "actes": corpus.actes_par_commune.get(insee, []),
        "couv": couv,
        "pop_annee": POPULATION_ANNEE,
        "telechargement": fichiers.get(("commune", insee)),
        "flux": abonnement.de_lieu(ref, "commune", insee),
        "delibs": [{"id": d.id, "titre": d.titre, "organe": d.organe, "date": d.date} for d in delibs],
        "annees": None,
    }


def _contexte_commune(corpus: Corpus, subs: list[SubventionPubliee], donnees: JsonObject, texte: str) -> JsonObject:
    """A commune page's context, made when the page is rendered: `donnees` and its grants `subs` (the
    records `donnees["subs"]` holds) with their figures."""
    return {**donnees, **_chiffres_activite(corpus, subs)}


def _carte(corpus: Corpus, path: str, titre: str, communes: Iterable[str] | None = None, **options: str) -> Markup:
    """Static SVG map of communes shaded by the grants located in them, each linked to its page."""
    root = root_for(path)
    if communes is not None:
        communes = [c for c in communes if c in corpus.ref.communes]
    retenues = set(communes) if communes is not None else corpus.ref.communes  # (a territoire's: only its grants summed)
    montants = {c: t for c, t in corpus.totaux_par_commune().items() if c in retenues}
    return Markup(graphiques.carte_communes(montants, lambda c: f"{root}communes/{c['slug']}/", titre, communes, **options))


def _nom_epci(nom: str) -> dict[str, str]:
    """« la Communauté urbaine d'Arras », « de la Communauté… »: the article French needs around an EPCI's name."""
    feminin = nom.split(" ", 1)[0].lower() in ("communauté", "métropole")
    return {"nom": nom, "le": ("la " if feminin else "") + nom, "de": ("de la " if feminin else "de ") + nom}


def build(corpus: Corpus) -> Iterator[Page]:
    """Place pages, yielded one by one (with their year pages when too long): ten years of
    grants copied into page contexts are never all in memory."""
    ref = corpus.ref
    fichiers = telechargements(corpus)
    pages = _Sortie(corpus)
    couv = couverture.phrase(couverture.calculer(corpus))  # what every place's figures cover
    # communes
    for insee, c in ref.communes.items():
        subs, delibs = _subs_delibs(corpus, "commune", insee, ref.communes_comptees("commune", insee))
        page = Page(path=f"communes/{c['slug']}.md", template="commune.md.j2", title=c["nom"], kind="commune")
        if trop_long(subs, delibs):  # split by year (`_Sortie`): rendered at every build
            page.context = {
                **_donnees_commune(corpus, fichiers, couv, insee, delibs),
                **_chiffres_activite(corpus, subs),
                "delibs": delibs,
            }
        else:  # rendered again only when what it shows changed (`write_pages`' cache)
            page.donnees = {**_donnees_commune(corpus, fichiers, couv, insee, delibs), "subs": subs}
            page.contexte = functools.partial(_contexte_commune, corpus, subs)
        pages.append(page)
        yield from pages.vider()
    # cantons
    for code, k in ref.cantons.items():
        entieres = ref.communes_comptees("canton", code)
        canton = _collectivite(
            corpus,
            fichiers,
            couv,
            "canton",
            code,
            f"cantons/{k['slug']}.md",
            {"nom": f"Canton {de(k['nom'])}", "le": f"le canton {de(k['nom'])}", "de": f"du canton {de(k['nom'])}"},
            "Canton du Pas-de-Calais",
            [("Code", code), ("Population", _population(ref, entieres) + f" habitants (hors fractions de commune ; {POPULATION})")],
            [
                (
                    "Territoire" + ("s" if len(k.get("territoires") or []) > 1 else ""),
                    _territoires_of(ref, k.get("territoires") or [k.get("territoire")]),
                    "territoires",
                ),
                ("Intercommunalités", _by_codes(ref.epci, k.get("epci", [])), "epci"),
            ],
            k["communes"],
            fraction={c: corpus.grants_in([c]) for c in k.get("fraction", [])},
        )
        pages.append(canton)
        yield from pages.vider()
    # EPCI
    for siren, e in ref.epci.items():
        facts = [("SIREN", siren), ("Nature", NATURES.get(e.get("nature", ""), e.get("nature") or "—"))]
        if e.get("sigle"):
            facts.append(("Sigle", e["sigle"]))
        facts.append(("Population", _population(ref, e["membres"]) + f" habitants (Pas-de-Calais ; {POPULATION})"))
        if e.get("membres_hors_62"):
            facts.append(("Communes hors Pas-de-Calais", str(e["membres_hors_62"])))
        cantons = sorted({k for c in e["membres"] if c in ref.communes for k in ref.communes[c].get("cantons", [])})
        pages.append(
            _collectivite(
                corpus,
                fichiers,
                couv,
                "epci",
                siren,
                f"epci/{e['slug']}.md",
                _nom_epci(e.get("nom_officiel") or e["nom"]),
                "Intercommunalité (EPCI à fiscalité propre)",
                facts,
                [
                    ("Territoire", _territoires_of(ref, [e.get("territoire")]), "territoires"),
                    ("Cantons", _by_codes(ref.cantons, cantons), "cantons"),
                ],
                e["membres"],
                title=e["nom"],
            )
        )
        yield from pages.vider()
    # territoires
    for slug, t in ref.territoires.items():
        parent = [ref.territoires[t["parent"]]] if t.get("parent") in ref.territoires else []
        sous = _territoires_of(ref, t.get("sous_territoires") or [])
        pages.append(
            _collectivite(
                corpus,
                fichiers,
                couv,
                "territoire",
                slug,
                f"territoires/{slug}.md",
                {"nom": f"Territoire {t['nom']}", "le": f"le territoire {t['nom']}", "de": f"du territoire {t['nom']}"},
                "Territoire du Département",
                [("Population", _population(ref, t["communes"]) + f" habitants ({POPULATION})")],
                [
                    ("Fait partie de", parent, "territoires"),
                    ("Se subdivise en", sous, "territoires"),
                    ("Intercommunalités", _by_codes(ref.epci, t.get("epci", [])), "epci"),
                    ("Cantons", _by_codes(ref.cantons, t.get("cantons", [])), "cantons"),
                ],
                t["communes"],
                carte=_carte(corpus, f"territoires/{slug}.md", f"Subventions par commune — territoire {t['nom']}", t["communes"]),
            )
        )
        yield from pages.vider()
    yield from _indexes(corpus)


def _population(ref: Reference, communes: list[str]) -> str:
    """The population of these communes, as the pages print it."""
    return nombre_fr(sum(ref.communes[c]["population"] or 0 for c in communes if c in ref.communes))


def _collectivite(
    corpus: Corpus,
    fichiers: dict[tuple[str, str], str],
    couv: JsonObject,
    kind: PlaceKind,
    code: str,
    path: str,
    p: dict[str, str],
    kicker: str,
    facts: list[tuple[str, str]],
    links: list[tuple[str, list[JsonObject], str]],
    membres: list[str],
    *,
    title: str | None = None,
    fraction: dict[str, list[SubventionPubliee]] | None = None,
    carte: str = "",
) -> Page:
    """The page of a canton, an EPCI or a territoire: its facts and links, its communes (`membres`) and the
    grants located in those it counts (`Reference.communes_comptees`), the grants an EPCI received itself
    (`propres`), a canton's communes it shares with others (`fraction`: their grants, shown in the table,
    not counted in its totals). `title`: its name in the page's title, else `p["nom"]`; `couv`: what its
    figures cover. Made from its data (`Page.donnees`), its figures computed only when it is rendered
    (`_contexte_collectivite`)."""
    subs, delibs = _subs_delibs(corpus, kind, code, corpus.ref.communes_comptees(kind, code))
    return Page(
        path=path,
        template="collectivite.md.j2",
        title=title or p["nom"],
        kind=kind,
        donnees={
            "p": p,
            "kicker": kicker,
            "facts": facts,
            "links": links,
            "communes": _communes(corpus.ref, membres),
            "fraction": fraction or {},
            "propres": corpus.par_epci.get(code, []) if kind == "epci" else [],  # (their table has no commune column)
            "carte": carte,
            "telechargement": fichiers.get((kind, code)),
            "flux": abonnement.de_lieu(corpus.ref, kind, code),
            "couv": couv,
            "subs": subs,
            "delibs": delibs,
            "annees": None,
        },
        contexte=functools.partial(_contexte_collectivite, corpus),
    )


def _contexte_collectivite(corpus: Corpus, donnees: JsonObject, texte: str) -> JsonObject:
    """A canton's, EPCI's or territoire's context, made when the page is rendered: its data (`_collectivite`)
    and the figures of its grants, its communes' amounts with those of its fractions of communes."""
    chiffres = _chiffres_activite(corpus, donnees["subs"])
    for c, subs in donnees["fraction"].items():  # shown in the table, not counted in the canton's totals
        if subs:
            chiffres["montants"][c] = (corpus.total(subs), len(subs))
    return {**donnees, **chiffres, "propres_total": corpus.total(donnees["propres"])}


class _Sortie(list[Page]):
    """The place pages being built: each gets its year pages when its lists are too long
    (`decoupage`), and they are handed on as soon as built."""

    def __init__(self, corpus: Corpus):
        super().__init__()
        self.corpus = corpus

    def append(self, p: Page) -> None:
        super().append(p)
        d = p.context if p.contexte is None else p.donnees  # (a commune's made from data is never too long: `build`)
        assert d is not None
        d["annees"] = None
        if trop_long(d["subs"], d["delibs"]):
            base = p.path.removesuffix(".md")
            d["annees"], more = pages_par_annee(base, p.title, base + "/", d["subs"], d["delibs"], kind=p.kind, total=self.corpus.total)
            self.extend(more)

    def vider(self) -> list[Page]:
        out = list(self)
        self.clear()
        return out


def _par_habitant(total: Decimal, population: int | None) -> Decimal | None:
    return (total / population).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) if population else None


def _chiffres(corpus: Corpus, codes: list[str], population: int | None) -> tuple[list[JsonObject], dict[str, SubventionPubliee]]:
    """The figures of a place (its communes `codes`) for an index row: cells (display, sort value)
    and the grants behind them (each grant once)."""
    subs = corpus.grants_in(codes)
    total = corpus.total_in(codes)
    ph = _par_habitant(total, population)
    cols: list[JsonObject] = [
        {"v": nombre_fr(population), "s": population or 0},
        {"v": str(len(subs)), "s": None},  # digits: sorted by their text
        {"v": montant_fr(total), "s": total},
        {"v": montant_fr(ph), "s": ph if ph is not None else -1},
    ]
    return cols, {s.id: s for s in subs}


def _totaux(corpus: Corpus, subs: dict[str, SubventionPubliee], population: int) -> list[str]:
    total = corpus.total(subs.values())
    return [nombre_fr(population), str(len(subs)), montant_fr(total), montant_fr(_par_habitant(total, population))]


_CHIFFRES = [
    {"h": f"Population ({POPULATION_ANNEE})", "num": True},
    {"h": "Subventions", "num": True},
    {"h": "Montant", "num": True},
    {"h": "Par habitant", "num": True},
]


def _indexes(corpus: Corpus) -> list[Page]:
    """The A–Z indexes of places, each with the figures of its places (grants located in their communes,
    their total and the amount per inhabitant), sortable, and the index's totals."""
    ref = corpus.ref
    couv = couverture.phrase(couverture.calculer(corpus))
    pop = {c: (ref.communes[c]["population"] or 0) for c in ref.communes}

    communes, tous, lettre = [], {}, None
    for c in sorted(ref.communes.values(), key=lambda c: _sort_key(c["nom"])):
        cols, subs = _chiffres(corpus, [c["insee"]], c["population"])
        tous.update(subs)
        initiale = _initial(c["nom"])
        communes.append(
            {
                "nom": c["nom"],
                "slug": c["slug"],
                "lettre": initiale if initiale != lettre else None,
                "cols": [{"v": c["insee"], "s": None}, *cols],
            }
        )
        lettre = initiale
    pop_dep = sum(pop.values())
    t_communes = {"label": f"Pas-de-Calais ({len(communes)} communes)", "cols": ["", *_totaux(corpus, tous, pop_dep)]}

    cantons, tous, pop_cantons = [], {}, 0
    for code, k in ref.cantons.items():
        codes = [c for c in k["communes"] if c not in k.get("fraction", [])]
        p = sum(pop.get(c, 0) for c in codes)
        cols, subs = _chiffres(corpus, codes, p)
        tous.update(subs)
        pop_cantons += p
        cantons.append(
            {
                "nom": k["nom"],
                "slug": k["slug"],
                "lettre": None,
                "cols": [{"v": code, "s": None}, {"v": str(len(k["communes"])), "s": None}, *cols],
            }
        )
    t_cantons = {"label": f"{len(cantons)} cantons", "cols": ["", "", *_totaux(corpus, tous, pop_cantons)]}

    epci, tous, pop_epci = [], {}, 0
    for e in ref.epci.values():
        p = sum(pop.get(c, 0) for c in e["membres"])
        cols, subs = _chiffres(corpus, e["membres"], p)
        tous.update(subs)
        pop_epci += p
        epci.append(
            {
                "nom": e["nom"],
                "slug": e["slug"],
                "lettre": None,
                "cols": [{"v": e.get("sigle") or "", "s": None}, {"v": str(len(e["membres"])), "s": None}, *cols],
            }
        )
    t_epci = {"label": f"{len(epci)} intercommunalités", "cols": ["", "", *_totaux(corpus, tous, pop_epci)]}

    terr, tous, pop_terr = [], {}, 0
    for t in ref.territoires.values():
        p = sum(pop.get(c, 0) for c in t["communes"])
        cols, subs = _chiffres(corpus, t["communes"], p)
        sept = t.get("niveau") == 7
        if sept:  # the 7 territoires cover the département once; the finer ones split two of them
            tous.update(subs)
            pop_terr += p
        terr.append(
            {
                "nom": t["nom"],
                "slug": t["slug"],
                "lettre": None,
                "cols": [
                    {"v": "découpage en 7" if sept else "découpage en 9", "s": None},
                    {"v": str(len(t["communes"])), "s": None},
                    *cols,
                ],
            }
        )
    t_terr = {"label": "Les 7 territoires", "cols": ["", "", *_totaux(corpus, tous, pop_terr)]}

    def page(
        path: str,
        titre_court: str,
        titre: str,
        intro: str,
        items: list[JsonObject],
        headers: list[JsonObject],
        totaux: JsonObject,
        note: str,
        kind: str,
        **extra: object,
    ) -> Page:
        return Page(
            path,
            "place_index.md.j2",
            titre_court,
            kind="index",
            context={
                "titre": titre,
                "intro": intro,
                "items": items,
                "headers": headers,
                "totaux": totaux,
                "note": note,
                "kind": kind,
                "letters": extra.get("letters", []),
                "couv": couv,
                "carte": extra.get("carte", ""),
            },
        )

    figures = (
        f"Pour chacun : les subventions publiées sur ce site qui se rattachent à ses communes, leur montant et le montant par habitant ({POPULATION}). "
        "Cliquez sur le titre d'une colonne pour trier le tableau."
    )
    fin = "Une subvention rattachée à deux communes (celle du bénéficiaire et celle du projet) n'est comptée qu'une fois dans les totaux."

    def tri(items: Iterable[JsonObject]) -> list[JsonObject]:
        return sorted(items, key=lambda i: _sort_key(i["nom"]))

    return [
        page(
            "communes/index.md",
            "Communes",
            "Les communes du Pas-de-Calais",
            f"{len(communes)} communes, de A à Z. Chaque page réunit les subventions reçues et les délibérations qui concernent la commune. {figures}",
            communes,
            [{"h": "Commune", "num": False}, {"h": "Code INSEE", "num": False}, *_CHIFFRES],
            t_communes,
            fin,
            "communes",
            letters=list(dict.fromkeys(c["lettre"] for c in communes if c["lettre"])),
        ),
        page(
            "cantons/index.md",
            "Cantons",
            "Les cantons du Pas-de-Calais",
            f"{len(cantons)} cantons. {figures}",
            tri(cantons),
            [{"h": "Canton", "num": False}, {"h": "Code", "num": False}, {"h": "Communes", "num": True}, *_CHIFFRES],
            t_cantons,
            "Les communes partagées entre plusieurs cantons (Arras, Boulogne-sur-Mer, Calais, Hénin-Beaumont) ne sont comptées "
            "dans aucun canton, ni leur population, faute de savoir à quelle partie de la commune profite une subvention. " + fin,
            "cantons",
        ),
        page(
            "epci/index.md",
            "Intercommunalités",
            "Les intercommunalités (EPCI)",
            f"{len(epci)} établissements publics de coopération intercommunale à fiscalité propre couvrent le Pas-de-Calais. {figures}",
            tri(epci),
            [{"h": "Intercommunalité", "num": False}, {"h": "Sigle", "num": False}, {"h": "Communes", "num": True}, *_CHIFFRES],
            t_epci,
            "Population et subventions des seules communes du Pas-de-Calais ; les subventions versées à une intercommunalité "
            "elle-même sont sur sa page. " + fin,
            "epci",
        ),
        page(
            "territoires/index.md",
            "Territoires",
            "Les territoires du Département",
            "Le Département organise son action en 7 territoires, dont deux se subdivisent (9 territoires au total dans le découpage fin). "
            + figures,
            tri(terr),
            [{"h": "Territoire", "num": False}, {"h": "Découpage", "num": False}, {"h": "Communes", "num": True}, *_CHIFFRES],
            t_terr,
            "Les totaux portent sur les 7 territoires, qui couvrent chacun une partie du département ; les territoires du découpage "
            "en 9 en subdivisent deux et ne sont pas comptés une seconde fois. " + fin,
            "territoires",
        ),
    ]


def accueil(corpus: Corpus) -> Page:
    ref = corpus.ref
    communes = sorted(ref.communes.values(), key=lambda c: _sort_key(c["nom"]))
    latest = max(corpus.recueils, key=lambda r: r.slug, default=None)
    year = max((s.date[:4] for s in corpus.subventions), default=None)
    this_year = [s for s in corpus.subventions if s.date[:4] == year]
    cov = couverture.calculer(corpus)
    chiffres = {
        "deliberations": len(corpus.deliberations),
        "subventions": len(corpus.subventions),
        "annee": year,
        "total_annee": corpus.total(this_year),
        "n_annee": len(this_year),
        "recueil": latest,
        "recueils": cov["recueils"],  # every month, named one by one
        "couv": couverture.phrase(cov),
    }
    return Page(
        "index.md",
        "accueil.md.j2",
        "Accueil",
        kind="accueil",
        context={
            "chiffres": chiffres,
            # its text alternative is the table of the communes' page (the same figures, 887 rows): ten
            # years of figures twice on this page weighed 136 KB beside the map's 173 KB
            "carte": _carte(
                corpus,
                "index.md",
                "Subventions par commune du Pas-de-Calais",
                tableau="Le tableau de la liste des communes donne les mêmes montants.",
            ),
            "communes": communes,
            "nb_communes": len(ref.communes),
            "nb_cantons": len(ref.cantons),
            "nb_epci": len(ref.epci),
        },
    )

"""Pages of the acts: deliberations (with their annexes), sessions, recueils, and their indexes."""

from __future__ import annotations

import bisect
import functools
from collections import defaultdict
from collections.abc import Callable, Iterator
from decimal import Decimal

from generator.commun.annexes import parties_annexe
from generator.commun.formats import date_fr
from generator.commun.pliage import plier
from generator.exports.par_lieu import chemin
from generator.records import Annexe, JsonObject, Session, plage_numeros
from generator.records.corpus import DEPARTEMENT, Corpus, DeliberationPubliee, RecueilPublie, SubventionPubliee
from generator.records.place import PlaceKind
from generator.site import couverture
from generator.site.pages.decoupage import trop_long
from generator.site.render import Page
from generator.site.textes import html


def _taille(texte: str) -> str:
    n = texte.count("\n") + 1
    return f"{n} lignes"


def _contexte_annexe(donnees: JsonObject, texte: str) -> JsonObject:
    """An annex part's page context: its data, and its text as HTML (only when the page is rendered)."""
    return {**donnees, "html": html(texte)}


def page_dans_annexe(a: Annexe, texte: str, debut: int) -> int | None:
    """The page of the source PDF where annex `a`'s text `texte` has its first character after offset `debut`
    that is not a blank (where a part of it starts, `parties_annexe`); None for a text source."""
    if not a.page_pdf:
        return None
    premier = len(texte) - len(texte[debut:].lstrip())
    ligne = texte.count("\n", 0, premier) + 1
    return a.page_pdf + bisect.bisect_right(a.sauts_page, ligne)


# the places a rapport names: (label, its field, their kind, their pages' folder)
_LIEUX_DU_RAPPORT: tuple[tuple[str, str, PlaceKind, str], ...] = (
    ("Territoires", "territoires", "territoire", "territoires"),
    ("Cantons", "cantons", "canton", "cantons"),
    ("Intercommunalités", "epcis", "epci", "epci"),
)


def _lieux(corpus: Corpus, d: DeliberationPubliee, subs: list[SubventionPubliee]) -> list[tuple[str, list[JsonObject], str]]:
    out = []
    r = d.rapport
    for label, key, kind, folder in _LIEUX_DU_RAPPORT:
        items = []
        for p in getattr(r, key) if r is not None else []:
            if p.status == "tous":
                items.append({"nom": p.written, "slug": None})
            elif p.status == "resolu":
                ent = corpus.ref.entities(kind)[p.code]  # resolved against this reference
                items.append({"nom": ent["nom"], "slug": ent["slug"]})
            else:
                items.append({"nom": p.written + " (non reconnu)", "slug": None})
        if items:
            out.append((label, items, folder))
    communes = {}
    for s in subs:
        code = corpus.commune_of(s)
        if code and code in corpus.ref.communes:
            c = corpus.ref.communes[code]
            communes[c["slug"]] = {"nom": c["nom"], "slug": c["slug"]}
    if communes:
        out.append((f"Communes des subventions ({len(communes)})", [communes[k] for k in sorted(communes)], "communes"))
        cantons, epcis = {}, {}
        for s in subs:
            com = corpus.ref.communes.get(corpus.commune_of(s) or "")
            if not com:
                continue
            for k in com.get("cantons", []):
                if k in corpus.ref.cantons:
                    cantons[k] = {"nom": corpus.ref.cantons[k]["nom"], "slug": corpus.ref.cantons[k]["slug"]}
            e = corpus.ref.epci.get(com.get("epci", ""))
            if e:
                epcis[e["siren"]] = {"nom": e["nom"], "slug": e["slug"]}
        out.append((f"Cantons des subventions ({len(cantons)})", sorted(cantons.values(), key=lambda x: x["slug"]), "cantons"))
        out.append((f"Intercommunalités des subventions ({len(epcis)})", sorted(epcis.values(), key=lambda x: x["slug"]), "epci"))
    return out


SOMMAIRE_MIN = 25  # grants from which a deliberation's page opens its list with a summary by commune


def sommaire(subs: list[SubventionPubliee]) -> JsonObject | None:
    """The in-page summary of a long list of grants: one entry per commune
    (or per beneficiary when the grant has no commune), A to Z, each with its grants' ids and
    amounts (jump links to their rows); None below `SOMMAIRE_MIN` grants."""
    if len(subs) < SOMMAIRE_MIN:
        return None
    groupes: dict[str, JsonObject] = {}
    for s in subs:
        c = s.commune_ref
        nom = c["nom"] if c else s.affiche.nom
        g = groupes.setdefault(plier(nom) + "\0" + nom, {"nom": nom, "commune": c is not None, "subs": []})
        g["subs"].append((s.id, format(s.montant, "f")))
    ordre = [groupes[k] for k in sorted(groupes)]
    return {
        "groupes": ordre,
        "communes": sum(1 for g in ordre if g["commune"]),
        "autres": sum(1 for g in ordre if not g["commune"]),
    }


def _noms_elus(d: DeliberationPubliee, session: Session | None) -> list[str]:
    """Every councillor's name the deliberation's page prints, each linked to its person's page when the registry knows it."""
    a = d.attendance
    noms = [session.president] if session is not None and session.president else []
    noms += [*a.presents, *a.excuses, *a.absents, *a.presents_sans_voix, *a.excuses_sans_voix]
    noms += [n for p in a.procurations for n in (p["mandant"], p["mandataire"])]
    noms += [i.name for i in d.interets]
    return [n for n in noms if n]


def _donnees_deliberation(
    corpus: Corpus,
    d: DeliberationPubliee,
    subs: list[SubventionPubliee],
    session: Session | None,
    recueil: RecueilPublie | None,
    checks: list[JsonObject],
    annexes: list[JsonObject],
    elus: Callable[[str | None], str | None],
) -> JsonObject:
    """Everything a deliberation's page shows (hashed into its key, `Page.cle`): its record
    whole (texts included), its séance, recueil, original, EPCI, grants whole, checks, places, annexes
    (the text of those shown inline), and the person page of each councillor it names. Its context
    (`_contexte_deliberation`) is made only from these, so that a page whose data is unchanged is
    not rendered again (`write_pages`)."""
    did = d.id
    return {
        "d": d,  # records, hashed whole, once a build (`render.Empreintes`)
        "session": session,
        "recueil": {"slug": recueil.slug, "titre": recueil.titre} if recueil is not None else None,
        "original": corpus.originaux.get(d.source),
        "epci": corpus.ref.epci.get(d.epci_siren) if d.epci_siren else None,
        "subs": subs,
        "total": format(corpus.total(subs), "f") if subs else None,
        "telechargement": chemin("deliberation", did) if subs else None,  # its grants' files (`par_lieu`)
        "sommaire": sommaire(subs),
        "checks": checks,
        "lieux": _lieux(corpus, d, subs),
        "annexes": annexes,
        "elus": {n: elus(n) for n in _noms_elus(d, session)},
    }


def _contexte_deliberation(
    d: DeliberationPubliee, subs: list[SubventionPubliee], session: Session | JsonObject, donnees: JsonObject, texte: str
) -> JsonObject:
    """A deliberation page's context, made when the page is rendered: its records (`d`, `subs`,
    `session`: what `donnees` holds), the rest from `donnees`, and the HTML of its texts."""
    liens = donnees["elus"]
    return {
        **donnees,
        "d": d,
        "session": session,
        "subs": subs,
        "total": Decimal(donnees["total"]) if donnees["total"] is not None else None,
        "articles_html": [html(a.texte) for a in d.articles],
        "annexes": [a if a["url"] else {**a, "html": html(a["texte"])} for a in donnees["annexes"]],
        "rapport_html": html(d.rapport.texte if d.rapport else ""),
        "elus": lambda nom: liens[nom] if nom else None,  # a name not in `donnees`: KeyError, never a page missing a link
    }


def page_elu(corpus: Corpus) -> Callable[[str | None], str | None]:
    """The slug of the person page of a name as printed in a presence list, a proxy, an interest or a
    séance's presidency; None when the registry of councillors (`corpus.elus`) does not know the name."""
    reg = corpus.elus

    def slug(nom: str | None) -> str | None:
        if reg is None or not nom:
            return None
        s = reg.slug(nom)
        return s if s in reg.personnes else None

    return slug


def build(
    corpus: Corpus, subs_par_delib: dict[str, list[SubventionPubliee]], checks_par_delib: dict[str, list[JsonObject]]
) -> Iterator[Page]:
    """The pages of the acts, yielded deliberation by deliberation (ten years of texts are never
    all turned into page contexts at once)."""
    pages: list[Page] = []
    cov = couverture.calculer(corpus)
    elus = page_elu(corpus)
    recueils = {r.slug: r for r in corpus.recueils}
    sessions = corpus.sessions
    for did, d in sorted(corpus.deliberations.items(), key=lambda kv: (kv[1].source, kv[0])):  # by source: annex texts are read per source
        subs = sorted(subs_par_delib.get(did, []), key=lambda s: s.id)
        session = sessions.get(d.session_id)
        annexes = []
        for i, a in enumerate(d.annexes, start=1):
            titre = a.titre or f"Annexe {i}"
            texte = corpus.texte_annexe(d, i - 1)
            parts = parties_annexe(did, i, texte)
            en_pages = [(url, part) for url, part in parts if url is not None]  # none: shown inline
            if en_pages:
                debut = 0
                for k, (url, part) in enumerate(en_pages, start=1):
                    pages.append(
                        Page(
                            url.rstrip("/") + ".md",
                            "annexe.md.j2",
                            f"{titre} — délibération {did}",
                            kind="annexe",
                            donnees={
                                "did": did,
                                "titre": titre,
                                "partie": k,
                                "nb_parties": len(en_pages),
                                "original": corpus.originaux.get(d.source),
                                "page_pdf": page_dans_annexe(a, texte, debut),
                                "recueil": d.recueil is not None,
                                "base_url": f"deliberations/{did}/annexe-{i}-partie-",
                            },
                            texte=part,
                            contexte=_contexte_annexe,
                        )
                    )
                    debut += len(part)
                annexes.append(
                    {
                        "titre": titre,
                        "url": en_pages[0][0],
                        "page_pdf": a.page_pdf,
                        "taille": _taille(texte) + (f", {len(en_pages)} parties" if len(en_pages) > 1 else ""),
                    }
                )
            else:  # shown inline: its HTML made only when the page is rendered (`_contexte_deliberation`)
                annexes.append({"titre": titre, "url": None, "texte": texte, "page_pdf": a.page_pdf})
        pages.append(
            Page(
                f"deliberations/{did}/index.md",
                "deliberation.md.j2",
                f"{did} — {d.titre}",
                kind="deliberation",
                donnees=_donnees_deliberation(
                    corpus,
                    d,
                    subs,
                    session,
                    recueils.get(d.recueil) if d.recueil else None,
                    checks_par_delib.get(did, []),
                    annexes,
                    elus,
                ),
                contexte=functools.partial(_contexte_deliberation, d, subs, session if session is not None else {}),
            )
        )
        yield from pages
        pages.clear()
    # sessions
    delibs_par_session = defaultdict(list)
    for d in corpus.deliberations.values():
        delibs_par_session[d.session_id].append(d)
    for sid, s in sorted(sessions.items()):
        ds = sorted(delibs_par_session.get(sid, []), key=lambda d: d.id)
        pages.append(
            Page(
                f"seances/{sid}.md",
                "seance.md.j2",
                f"{s.organe} du {date_fr(s.date)}",
                kind="seance",
                context={
                    "s": s,
                    "couv": cov["seances"].get(sid),
                    "total_subs": corpus.total(x for d in ds for x in subs_par_delib.get(d.id, [])),
                    "n_subs": sum(len(subs_par_delib.get(d.id, [])) for d in ds),
                    "delibs": ds,
                    "subs_total": {d.id: corpus.total(subs_par_delib.get(d.id, [])) for d in ds},
                    "subs_count": {d.id: len(subs_par_delib.get(d.id, [])) for d in ds},
                },
            )
        )
    # recueils
    for slug, r in sorted(recueils.items()):
        pages.append(
            Page(
                f"recueils/{slug}.md",
                "recueil.md.j2",
                r.titre,
                kind="recueil",
                context={
                    "r": r,
                    "rec": r.recueil,
                    "parties": _parties(corpus, r),
                    "original": corpus.originaux.get(r.source),
                    "actes": [
                        (a, [corpus.ref.communes[c] for c in a.communes if c in corpus.ref.communes]) for a in r.recueil.actes_executif
                    ],
                },
            )
        )
    pages += _indexes(corpus, recueils, sessions, subs_par_delib, cov)
    yield from pages


def _parties(corpus: Corpus, r: RecueilPublie) -> list[JsonObject]:
    """Each announced part with its deliberations: present (linked) or « non disponible dans ce fichier »."""
    found = set(r.ids)
    out = []
    for p in r.recueil.parties:
        items = []
        for did in plage_numeros(p.premiere, p.derniere):
            d = corpus.deliberations.get(did)
            items.append({"id": did, "present": did in found and d is not None, "titre": d.titre if d else None})
        out.append({"partie": p, "items": items, "lignes": _plages(items), "presentes": sum(1 for i in items if i["present"])})
    return out


def _plages(items: list[JsonObject]) -> list[JsonObject]:
    """The lines of a part's list: three or more missing deliberations in a row make one line
    (« 2021-188 à 2021-231 : 44 délibérations non disponibles »), not a screenful on a phone."""
    out: list[JsonObject] = []
    k = 0
    while k < len(items):
        j = k
        while j < len(items) and not items[j]["present"]:
            j += 1
        if j - k >= 3:
            out.append({"plage": True, "de": items[k]["id"], "a": items[j - 1]["id"], "n": j - k})
            k = j
            continue
        out.append(dict(items[k], plage=False))
        k += 1
    return out


def _index_par_annee(
    years: list[tuple[str, list[DeliberationPubliee]]], subs_count: dict[str, int]
) -> tuple[list[Page], list[JsonObject] | None]:
    """More deliberations than one page holds (ten years: ~6 000): one index page per year."""
    if not trop_long([d for _, ds in years for d in ds]):
        return [], None
    nav = [(y, f"deliberations/{y}/") for y, _ in years]
    pages = [
        Page(
            f"deliberations/{y}.md",
            "deliberations_annee.md.j2",
            f"Délibérations {y}",
            kind="index",
            # its deliberations' counts only: its key (`Page.cle`) does not change when another year's are added
            context={
                "annee": y,
                "ds": ds,
                "annees": nav,
                "subs_count": {d.id: subs_count[d.id] for d in ds if d.id in subs_count},
                "departement": DEPARTEMENT,
            },
        )
        for y, ds in years
    ]
    liens = [
        {"annee": y, "url": f"deliberations/{y}/", "n": sum(subs_count.get(d.id, 0) for d in ds), "total": None, "delibs": len(ds)}
        for y, ds in years
    ]
    return pages, liens


def _indexes(
    corpus: Corpus,
    recueils: dict[str, RecueilPublie],
    sessions: dict[str, Session],
    subs_par_delib: dict[str, list[SubventionPubliee]],
    cov: JsonObject,
) -> list[Page]:
    by_year = defaultdict(list)
    for d in corpus.deliberations.values():
        by_year[d.date[:4]].append(d)
    years = [(y, sorted(ds, key=lambda d: (d.date, d.id))) for y, ds in sorted(by_year.items(), reverse=True)]
    subs_count = {k: len(v) for k, v in subs_par_delib.items()}
    par_annee, annees = _index_par_annee(years, subs_count)
    return par_annee + [
        Page(
            "deliberations/index.md",
            "deliberations_index.md.j2",
            "Délibérations",
            kind="index",
            context={
                "years": years,
                "subs_count": subs_count,
                "annees": annees,
                "sessions": sorted(sessions.values(), key=lambda s: s.date, reverse=True),
                "departement": DEPARTEMENT,
                "couv": couverture.phrase(cov),
            },
        ),
        Page(
            "recueils/index.md",
            "recueils_index.md.j2",
            "Recueils",
            kind="index",
            context={"recueils": sorted(recueils.values(), key=lambda r: r.slug, reverse=True), "cov": cov},
        ),
    ]

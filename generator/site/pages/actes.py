"""Pages of the acts: deliberations (with their annexes), sessions, recueils, and their indexes."""

from __future__ import annotations

import bisect
import functools
import json
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from generator.commun.annexes import decouper, en_ligne, parties_annexe, url_partie
from generator.commun.formats import date_fr
from generator.commun.pliage import plier
from generator.commun.store import write_json
from generator.exports.par_lieu import chemin
from generator.records import Annexe, JsonObject, Session, plage_numeros
from generator.records.corpus import (
    DEPARTEMENT,
    Corpus,
    DeliberationPubliee,
    RecueilPublie,
    SubventionPubliee,
    cle_lu,
    empreinte_valide,
    empreintes_valides,
)
from generator.records.place import PlaceKind
from generator.site import couverture
from generator.site.pages.decoupage import trop_long
from generator.site.render import Empreintes, Page, Partage, empreinte_code, precle
from generator.site.textes import html


def _taille(lignes: int) -> str:
    return f"{lignes} lignes"


def _contexte_annexe(parties: Callable[[str, int], list[str]], i: int, donnees: JsonObject, texte: str) -> JsonObject:
    """An annex part's page context: its data but the annex's digest, and its part's text as HTML, read back
    and cut (`parties`: deliberation id, annex number → its parts) only when the page is rendered."""
    contexte = {k: v for k, v in donnees.items() if k != "empreinte"}
    return contexte | {"html": html(parties(donnees["did"], i)[donnees["partie"] - 1])}


def page_dans_annexe(a: Annexe, ligne: int) -> int | None:
    """The page of the source PDF where line `ligne` of annex `a`'s text is (where a part of it starts:
    `Decoupes`); None for a text source."""
    if not a.page_pdf:
        return None
    return a.page_pdf + bisect.bisect_right(a.sauts_page, ligne)


def decoupe(texte: str) -> list[Any]:
    """What the pages of an annex too long to be shown inline take from its text, besides their parts' texts
    (`decouper`): [its number of lines, [for each part, the line (from 1) of its first character that is
    not a blank]]."""
    debuts, debut = [], 0
    for part in decouper(texte):
        premier = len(texte) - len(texte[debut:].lstrip())
        debuts.append(texte.count("\n", 0, premier) + 1)
        debut += len(part)
    return [texte.count("\n") + 1, debuts]


class Decoupes:
    """`decoupe` of each long annex, by the digest of its text (`DeliberationPubliee.empreintes_annexes`), kept
    from a build to the next in `fichier` (`.cache/annexes.json`) with the code's digest (`empreinte_code`:
    `decouper` is code): an annex whose text is unchanged is neither read back from site_data/actes nor
    cut to make its pages and their keys (`Page.cle`), only when one of its pages is rendered again."""

    def __init__(self, fichier: Path | None = None) -> None:
        self.fichier = fichier
        self._code = empreinte_code() if fichier is not None else ""
        self._avant: dict[str, list[Any]] = {}
        self._apres: dict[str, list[Any]] = {}
        if fichier is not None:
            try:
                lu = json.loads(fichier.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                lu = None
            if isinstance(lu, dict) and lu.get("code") == self._code and isinstance(lu.get("annexes"), dict):
                self._avant = lu["annexes"]

    def de(self, empreinte: str, texte: Callable[[], str]) -> list[Any]:
        """`decoupe` of the annex whose text has digest `empreinte` (`texte`: reads it, when it is not known)."""
        connue = self._apres.get(empreinte) or self._avant.get(empreinte)
        if connue is None:
            connue = decoupe(texte())
        self._apres[empreinte] = connue
        return connue

    def ecrire(self) -> None:
        """Keep those of this build's annexes (`fichier`)."""
        if self.fichier is not None:
            write_json(self.fichier, {"code": self._code, "annexes": dict(sorted(self._apres.items()))})


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
    communes, refs = {}, []
    for s in subs:
        code = corpus.commune_of(s)
        if code and code in corpus.ref.communes:
            c = corpus.ref.communes[code]
            communes[c["slug"]] = {"nom": c["nom"], "slug": c["slug"]}
            refs.append(c)  # (each grant's, in their order: a commune of ten years' grants looked up once)
    if communes:
        out.append((f"Communes des subventions ({len(communes)})", [communes[k] for k in sorted(communes)], "communes"))
        cantons, epcis = {}, {}
        for com in refs:
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


def _page_deliberation(
    corpus: Corpus,
    d: DeliberationPubliee,
    subs: list[SubventionPubliee],
    session: Session | None,
    recueil: RecueilPublie | None,
    checks: list[JsonObject],
    annexes: list[JsonObject],
    elus: LiensElus,
) -> Page:
    """A deliberation's page whole (`Page.faire`: made only when its pre-key changed) from everything it
    shows (its data, hashed into its key, `Page.cle`): its record whole (texts included), its séance,
    recueil, original, EPCI, grants whole, checks, places, annexes (the digest of the text of those shown
    inline), and the person page of each councillor it names (`elus`: those of `_noms_elus`). Its context
    (`_contexte_deliberation`) is made only from these, so that a page whose data is unchanged is not
    rendered again (`write_pages`)."""
    did = d.id
    donnees = {
        "d": d,  # records, hashed whole, once a build (`render.Empreintes`)
        "session": session,
        "recueil": {"slug": recueil.slug, "titre": recueil.titre} if recueil is not None else None,
        "original": corpus.originaux.get(d.source),
        "epci": corpus.ref.epci.get(d.epci_siren) if d.epci_siren else None,
        "subs": subs,  # (its total and summary, made from them alone, are computed when the page is rendered)
        "telechargement": chemin("deliberation", did) if subs else None,  # its grants' files (`par_lieu`)
        "checks": checks,
        "lieux": _lieux(corpus, d, subs),
        "annexes": annexes,
        "elus": elus,
    }
    return Page(
        f"deliberations/{did}/index.md",
        "deliberation.md.j2",
        f"{did} — {d.titre}",
        kind="deliberation",
        donnees=donnees,
        contexte=functools.partial(_contexte_deliberation, corpus, d, subs, session if session is not None else {}),
    )


class _Precles:
    """The pre-keys of a deliberation's pages (`Page.precle`): the digests of every input of their bytes
    as the corpus already has them, so that the pages of an unchanged deliberation are neither made nor
    keyed (`write_pages`).

    Of the deliberation (its annexes' pages: `deliberation`'s second part), what stands for it in a key (`cle_lu`: the digest
    of its dict of site_data/actes and the fields the published view adds, its recueil's slug and its
    texts' digests among them) and its source's original; its page adds its recueil's title, its séance
    (whole, the first copy of the corpus: maybe another source's), its control checks, the person page of
    each name it prints (`LiensElus`: the registry of councillors), the reference geography (its EPCI, its
    rapport's places, its grants' communes and beneficiaries as shown) and of each grant the digest of its
    dict of site_data/subventions and its original's address (its date and deliberation are its
    deliberation's, its beneficiary and commune as shown made of its fields and the geography). None (the
    page made and keyed) for a record changed since it was read (no such digest)."""

    def __init__(self, corpus: Corpus, checks: dict[str, list[JsonObject]]) -> None:
        self.corpus = corpus
        self.checks = checks
        self.empreintes = Empreintes()
        self.geographie = corpus.ref.empreinte()  # (its dicts in their order)
        self._sessions: dict[str | None, str] = {}  # séance id → its digest
        self._liens: dict[int, str] = {}  # id of a `LiensElus` (kept by `build` for the build) → its digest
        # id of a grant (its address: the records live for the whole build) → the digest of its dict, told for all at once
        self._subventions = dict(zip(map(id, corpus.subventions), empreintes_valides(corpus.subventions), strict=True))

    def deliberation(
        self,
        d: DeliberationPubliee,
        subs: list[SubventionPubliee],
        session: Session | None,
        recueil: RecueilPublie | None,
        elus: LiensElus,
    ) -> tuple[str | None, Callable[[], str | None]]:
        """What `d`'s page is made of, and what makes that of its annexes' pages (asked for a long annex only)."""
        lu = cle_lu(d)
        if lu is None:
            return None, lambda: None
        original = self.corpus.originaux.get(d.source)
        annexes = functools.cache(lambda: precle(self.empreintes, [lu, original]))
        lus = self._subventions
        subventions: list[str | None] = []
        for s in subs:
            e = lus[id(s)] if id(s) in lus else empreinte_valide(s)
            if e is None:
                return None, annexes
            subventions += (e, s.url_original)
        seance = self._sessions.get(d.session_id)
        if seance is None:
            seance = self._sessions[d.session_id] = precle(self.empreintes, [session])
        liens = self._liens.get(id(elus))
        if liens is None:
            liens = self._liens[id(elus)] = precle(self.empreintes, [elus.liens])
        titre = recueil.titre if recueil is not None else None
        return precle(
            self.empreintes, [lu, original, titre, seance, self.checks.get(d.id, []), liens, self.geographie, subventions]
        ), annexes


def _contexte_deliberation(
    corpus: Corpus, d: DeliberationPubliee, subs: list[SubventionPubliee], session: Session | JsonObject, donnees: JsonObject, texte: str
) -> JsonObject:
    """A deliberation page's context, made when the page is rendered: its records (`d`, `subs`,
    `session`: what `donnees` holds), the rest from `donnees`, what is made from its grants alone (their
    total and summary: `subs` are in its key whole, amounts, communes and beneficiaries included) and the
    HTML of its texts (its visas, rapport and annexes shown inline read back from `corpus`, `donnees` and
    its record holding their digests)."""
    liens = donnees["elus"].liens
    textes = corpus.textes(d)
    return {
        **donnees,
        "d": d,
        "session": session,
        "subs": subs,
        "total": Decimal(format(corpus.total(subs), "f")) if subs else None,
        "sommaire": sommaire(subs),
        "visas": textes.visas,
        "articles_html": [html(a.texte) for a in d.articles],
        "annexes": [a if a["url"] else {**a, "html": html(textes.annexes[i])} for i, a in enumerate(donnees["annexes"])],
        "rapport_html": html(textes.rapport),
        "elus": lambda nom: liens[nom] if nom else None,  # a name not in `donnees`: KeyError, never a page missing a link
    }


@dataclass(eq=False)
class LiensElus(Partage):
    """The person page of each name a deliberation's page prints (name → slug, None when the registry of
    councillors does not know it), one object for all the deliberations printing the same names (those of
    a séance mostly print the same lists): a page's key (`Page.cle`) holds its digest, made once a build,
    not 2 Ko of names and slugs at each of ten years' 6 000 deliberations. Not changed once made."""

    liens: dict[str, str | None]


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
    corpus: Corpus,
    subs_par_delib: dict[str, list[SubventionPubliee]],
    checks_par_delib: dict[str, list[JsonObject]],
    decoupes: Decoupes | None = None,
) -> Iterator[Page]:
    """The pages of the acts, yielded deliberation by deliberation (ten years of texts are never
    all turned into page contexts at once). `decoupes`: how the long annexes are cut, kept from the
    last build (`Decoupes`); when not given, each is read back and cut."""
    decoupes = decoupes if decoupes is not None else Decoupes()

    @functools.lru_cache(maxsize=1)  # the pages of an annex's parts are rendered one after the other
    def parties(did: str, i: int) -> list[str]:
        return [part for _, part in parties_annexe(did, i, corpus.texte_annexe(corpus.deliberations[did], i - 1))]

    pages: list[Page] = []
    cov = couverture.calculer(corpus)
    elu = page_elu(corpus)
    liens_elus: dict[tuple[str, ...], LiensElus] = {}  # the names printed → their links: one object for all who print them

    def elus(noms: list[str]) -> LiensElus:
        liens = liens_elus.get(cle := tuple(noms))
        if liens is None:
            liens = liens_elus[cle] = LiensElus({n: elu(n) for n in noms})
        return liens

    recueils = {r.slug: r for r in corpus.recueils}
    sessions = corpus.sessions
    precles = _Precles(corpus, checks_par_delib)
    for did, d in sorted(corpus.deliberations.items(), key=lambda kv: (kv[1].source, kv[0])):  # by source: annex texts are read per source
        subs = sorted(subs_par_delib.get(did, []), key=lambda s: s.id)
        session = sessions.get(d.session_id)
        recueil = recueils.get(d.recueil) if d.recueil else None
        liens = elus(_noms_elus(d, session))
        precle_deliberation, precle_annexes = precles.deliberation(d, subs, session, recueil, liens)
        annexes = []
        for i, a in enumerate(d.annexes, start=1):
            titre, empreinte = a.titre or f"Annexe {i}", d.empreintes_annexes[i - 1]
            if en_ligne(d.caracteres_annexes[i - 1]):  # shown inline: its text read and made HTML only when the page is rendered
                annexes.append({"titre": titre, "url": None, "empreinte": empreinte, "page_pdf": a.page_pdf})
                continue
            lignes, debuts = decoupes.de(empreinte, functools.partial(corpus.texte_annexe, d, i - 1))
            for k, ligne in enumerate(debuts, start=1):
                pages.append(
                    Page(
                        url_partie(did, i, k, len(debuts)).rstrip("/") + ".md",
                        "annexe.md.j2",
                        f"{titre} — délibération {did}",
                        kind="annexe",
                        donnees={
                            "did": did,
                            "titre": titre,
                            "partie": k,
                            "nb_parties": len(debuts),
                            "original": corpus.originaux.get(d.source),
                            "page_pdf": page_dans_annexe(a, ligne),
                            "recueil": d.recueil is not None,
                            "base_url": f"deliberations/{did}/annexe-{i}-partie-",
                            "empreinte": empreinte,  # its text (the part's, `decouper`, is made from it by the code)
                        },
                        contexte=functools.partial(_contexte_annexe, parties, i),
                        precle=precle_annexes(),
                    )
                )
            annexes.append(
                {
                    "titre": titre,
                    "url": url_partie(did, i, 1, len(debuts)),
                    "page_pdf": a.page_pdf,
                    "taille": _taille(lignes) + (f", {len(debuts)} parties" if len(debuts) > 1 else ""),
                }
            )
        pages.append(
            Page(  # made whole only when its pre-key changed (`write_pages`)
                f"deliberations/{did}/index.md",
                "deliberation.md.j2",
                f"{did} — {d.titre}",
                kind="deliberation",
                precle=precle_deliberation,
                faire=functools.partial(
                    _page_deliberation, corpus, d, subs, session, recueil, checks_par_delib.get(did, []), annexes, liens
                ),
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
                    # of each act and of its communes, what the page shows: not their every field into its key (`Page.cle`)
                    "actes": [
                        (
                            {"rubrique": a.rubrique, "titre": a.titre, "page": a.page},
                            [
                                {"slug": corpus.ref.communes[c]["slug"], "nom": corpus.ref.communes[c]["nom"]}
                                for c in a.communes
                                if c in corpus.ref.communes
                            ],
                        )
                        for a in r.recueil.actes_executif
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

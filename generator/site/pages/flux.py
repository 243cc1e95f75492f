"""Atom feeds (RFC 4287): the site's (flux.xml: recueils and deliberations published, newest first) and
one per commune, canton, EPCI, territoire and dispositif (`flux/<dossier>-<slug>.xml`, announced by its
page: its new grants and the acts concerning it, the latest `MAX_ENTREES_LIEU`), which `flux/sitemap.xml`
lists (`abonnement`: Material fetches the sitemap beside every feed a page's head announces).

Dates come from the acts themselves (never the clock), so every feed is deterministic; a feed without
entries (a place with no grant yet, to which one may subscribe all the same) is as of the newest act
published. Links are absolute when SITE_URL is set at build time, relative to the feed otherwise (valid
Atom: a relative reference is resolved against the feed's own address; the build then says so, loudly).

The fields of the records are read in `_deliberation`, `_subvention`, `_acte` and `date_publication`
only: one function per kind of record.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from operator import itemgetter
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from generator.commun.formats import date_fr, montant_fr
from generator.commun.store import Ecrits, write_text
from generator.exports.par_lieu import subventions_par_lieu
from generator.records.corpus import ActePublie, Corpus, DeliberationPubliee, RecueilPublie, SubventionPubliee
from generator.site import abonnement
from generator.site.pages.subventions import par_dispositif, slug_dispositif

MAX_ENTREES = 200
MAX_ENTREES_LIEU = 50  # a place's or a scheme's feed: ten years of grants would make it huge
URN = "urn:recueil-pas-de-calais:"


@dataclass(frozen=True)
class Entree:
    """One entry of a feed; `lien` relative to the site's root, `date` AAAA-MM-JJ, `rang` orders entries of one date."""

    id: str
    titre: str
    lien: str
    date: str
    resume: str
    rang: int = 0


def date_publication(d: DeliberationPubliee) -> str:
    """When a deliberation was made public: its display date when printed, else its date."""
    return d.affichage or d.date


def _date_recueil(r: RecueilPublie) -> str | None:
    return r.recueil.affichage or max(r.dates, default=None)


def mise_a_jour(corpus: Corpus) -> str | None:
    """The date of the newest act published (a deliberation or a recueil): the data's last update, never the clock."""
    dates = [date_publication(d) for d in corpus.deliberations.values()]
    dates += [x for x in (_date_recueil(r) for r in corpus.recueils) if x]
    return max(dates, default=None)


Ordre = tuple[str, int, str]  # an entry's place in its feed, newest first: (date, rang, id), as `document` sorts them


def _ordre_deliberation(did: str, d: DeliberationPubliee) -> Ordre:
    """`_deliberation(did, d)`'s (date, rang, id), without making its text."""
    return date_publication(d), 1, f"{URN}deliberation:{did}"


def _deliberation(did: str, d: DeliberationPubliee) -> Entree:
    date, rang, id_ = _ordre_deliberation(did, d)
    return Entree(id_, f"{did} — {d.titre}", f"deliberations/{did}/", date, f"{d.organe} du {date_fr(d.date)}", rang)


def _ordre_subvention(s: SubventionPubliee) -> Ordre:
    """`_subvention(s)`'s (date, rang, id), without making its text."""
    return date_publication(s.acte), 0, f"{URN}subvention:{s.id}"


def _subvention(s: SubventionPubliee) -> Entree:
    d = s.acte
    montant, qui, objet = montant_fr(s.montant), s.affiche.nom, s.objet
    resume = f"Subvention de {montant} à {qui}" + (f" : {objet}" if objet else "")
    resume += f". Délibération {d.id} ({d.organe} du {date_fr(d.date)})."
    date, rang, id_ = _ordre_subvention(s)
    return Entree(id_, f"{montant} — {qui}", f"deliberations/{d.id}/#{s.id}", date, resume, rang)


def _ordre_acte(a: ActePublie, recueil: RecueilPublie, date: str | None) -> Ordre | None:
    """`_acte(a, recueil)`'s (date, rang, id), without making its text; `date`: the recueil's (`_date_recueil`,
    known once for all its acts). None for an act of an undated recueil, which no feed shows."""
    return (date, 2, f"{URN}acte:{recueil.slug}:{a.line}") if date else None


def _acte(a: ActePublie, recueil: RecueilPublie) -> Entree | None:
    """An act of the executive naming a commune: no page of its own, its recueil's."""
    ordre = _ordre_acte(a, recueil, _date_recueil(recueil))
    if ordre is None:
        return None
    date, rang, id_ = ordre
    resume = f"{a.rubrique}, {recueil.titre}" + (f", page {a.page}" if a.page else "") + " (texte non disponible dans le fichier)."
    return Entree(id_, a.titre, f"recueils/{recueil.slug}/", date, resume, rang)


def document(
    id_: str, titre: str, sous_titre: str, chemin: str, page: str, entrees: Iterable[Entree], defaut: str, site_url: str, limite: int
) -> str:
    """An Atom feed at `chemin` (relative to the site's root) for the page `page`: its newest `limite`
    entries, `updated` the newest entry's date (`defaut` without entries)."""
    base = site_url.rstrip("/") + "/" if site_url else "../" * chemin.count("/")  # links resolved against the feed's address
    triees = heapq.nlargest(limite, entrees, key=_ordre)  # (ids are unique: a total order)
    updated = triees[0].date if triees else defaut
    corps = "".join(
        f"<entry><id>{escape(e.id)}</id><title>{escape(e.titre)}</title><link href={quoteattr(base + e.lien)}/>"
        f"<updated>{e.date}T00:00:00Z</updated><summary>{escape(e.resume)}</summary></entry>\n"
        for e in triees
    )
    # rel="self" always (the feed's own address: relative, hence resolved against the feed's URL, without SITE_URL)
    moi = (site_url.rstrip("/") + "/" + chemin) if site_url else chemin.rsplit("/", 1)[-1]
    lien = base + page if site_url else (base + page or "./")
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="fr">\n'
        f"<id>{escape(id_)}</id>\n<title>{escape(titre)}</title>\n"
        f'<subtitle>{escape(sous_titre)}</subtitle>\n<link rel="self" type="application/atom+xml" href={quoteattr(moi)}/>\n'
        f"<link href={quoteattr(lien)}/>\n"
        f"<author><name>Département du Pas-de-Calais</name></author>\n<updated>{updated}T00:00:00Z</updated>\n{corps}</feed>\n"
    )


def _ordre(e: Entree) -> Ordre:
    return e.date, e.rang, e.id


def atom(corpus: Corpus, site_url: str = "") -> str:
    """flux.xml: every recueil and deliberation published, the newest `MAX_ENTREES`."""
    entrees = [_deliberation(did, d) for did, d in corpus.deliberations.items()]
    for r in corpus.recueils:
        date = _date_recueil(r)
        if date:
            entrees.append(
                Entree(
                    f"{URN}recueil:{r.slug}",
                    r.titre,
                    f"recueils/{r.slug}/",
                    date,
                    f"{len(r.ids)} délibérations dans le fichier publié",
                    2,
                )
            )
    return document(
        f"{URN}flux",
        "Recueil des actes administratifs du Pas-de-Calais",
        "Recueils et délibérations publiés",
        "flux.xml",
        "",
        entrees,
        "2000-01-01",
        site_url,
        MAX_ENTREES,
    )


def _recueils(corpus: Corpus) -> dict[str | None, RecueilPublie]:
    return {r.slug: r for r in corpus.recueils}


def flux_lieux(corpus: Corpus, site_url: str = "") -> Iterator[tuple[str, str]]:
    """(path relative to the site's root, Atom text) of the feed of every place and scheme, with or without entries.

    A place's entries: the grants its page lists (`subventions_par_lieu`: located in its communes, plus
    an EPCI's own), the deliberations concerning it (the places its report names, and those of its grants)
    and, for a commune, the acts of the executive that name it. A scheme's: its grants and their deliberations.

    A feed shows its newest `MAX_ENTREES_LIEU` entries only: they are chosen by their order (`Ordre`,
    known without their text) and only those are made, each once for all the feeds that show it
    (a territoire's feed: 50 entries of ten years' 20 000 grants)."""
    defaut = mise_a_jour(corpus) or "2000-01-01"
    par_lieu = subventions_par_lieu(corpus)
    recueils = _recueils(corpus)
    de_subvention: dict[str, Entree] = {}
    de_deliberation: dict[str, Entree] = {}
    # a grant is a candidate in the feeds of its commune, canton, EPCI, territoire and scheme: its order is known once
    # (by the record itself: `id`, its address, as the records are alive for the whole build)
    ordres = {id(s): _ordre_subvention(s) for s in corpus.subventions}
    ordres_d = {i: _ordre_deliberation(i, d) for i, d in corpus.deliberations.items()}

    def entrees_de(subs: list[SubventionPubliee], ids: set[str], actes: Iterable[tuple[Ordre, ActePublie]] = ()) -> list[Entree]:
        """The entries `document` keeps of these (`actes`: a commune's acts with their order), in their order:
        the same choice as its `heapq.nlargest` (ties in the candidates' order: a stable sort, in C, where
        `nlargest` runs a Python loop over ten years of candidates) over the same candidates in the same
        order, made without text."""
        candidats: list[tuple[Ordre, SubventionPubliee | str | ActePublie]]
        candidats = [(ordres.get(id(s)) or _ordre_subvention(s), s) for s in subs]
        candidats += [(ordres_d[i], i) for i in ids if i in ordres_d]
        candidats += actes
        out = []
        for _, x in sorted(candidats, key=itemgetter(0), reverse=True)[:MAX_ENTREES_LIEU]:
            if isinstance(x, ActePublie):
                e = _acte(x, recueils[x.recueil])  # (a few of a commune's acts: those its feed shows)
                assert e is not None  # (an act of an undated recueil is no candidate)
                out.append(e)
            elif isinstance(x, str):
                e = de_deliberation.get(x)
                out.append(e if e is not None else de_deliberation.setdefault(x, _deliberation(x, corpus.deliberations[x])))
            else:
                e = de_subvention.get(x.id)
                out.append(e if e is not None else de_subvention.setdefault(x.id, _subvention(x)))
        return out

    dates_recueils = {slug: _date_recueil(r) for slug, r in recueils.items()}  # (a recueil's date: once for all its acts)
    for kind, code, a in abonnement.lieux(corpus.ref):
        subs = par_lieu.get((kind, code), [])
        actes: list[tuple[Ordre, ActePublie]] = []
        if kind == "commune":  # its acts' entries are made only for those its feed shows (`entrees_de`)
            faits = (
                (_ordre_acte(x, recueils[x.recueil], dates_recueils[x.recueil]), x)
                for x in corpus.actes_par_commune.get(code, [])
                if x.recueil in recueils
            )
            actes = [(o, x) for o, x in faits if o is not None]
        entrees = entrees_de(subs, set(corpus.delib_lieux.get((kind, code), set())) | {s.deliberation for s in subs}, actes)
        yield a.chemin, _document_de(a, entrees, defaut, site_url)
    for nom, subs in sorted(par_dispositif(corpus).items()):
        a = abonnement.de_dispositif(nom, slug_dispositif(nom))
        yield a.chemin, _document_de(a, entrees_de(subs, {s.deliberation for s in subs}), defaut, site_url)


def _document_de(a: abonnement.Abonnement, entrees: list[Entree], defaut: str, site_url: str) -> str:
    return document(
        f"{URN}flux:{a.page.rstrip('/')}",
        a.titre,
        f"Les subventions accordées et les délibérations publiées qui concernent {a.nom}, les plus récentes d'abord",
        a.chemin,
        a.page,
        entrees,
        defaut,
        site_url,
        MAX_ENTREES_LIEU,
    )


def plan(chemins: Iterable[str], site_url: str = "") -> str:
    """flux/sitemap.xml (sitemaps.org 0.9): the feeds at `chemins` (relative to the site's root) by their
    absolute address, sorted; without SITE_URL an empty urlset, as MkDocs' own sitemap.xml (a sitemap
    lists absolute addresses only)."""
    racine = site_url.rstrip("/") + "/"
    urls = "".join(f"<url><loc>{escape(racine + c)}</loc></url>\n" for c in sorted(chemins)) if site_url else ""
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{urls}</urlset>\n'


def ecrire_flux_lieux(corpus: Corpus, content: Path, site_url: str = "", cache: Path | None = None) -> list[Path]:
    """Every place's and scheme's feed under content/flux/ and flux/sitemap.xml, which lists them; the
    feeds of a previous build no page announces any more are removed, and those of the former layout
    (`<page>/flux.xml`, in the page's folder).

    `cache` (`.cache/flux.json`, `store.Ecrits`): a feed whose text is the one last written there, in a
    file that still holds it, is neither read back nor written (about a thousand feeds at every build)."""
    dossier = content / abonnement.DOSSIER
    ecrits = []
    enregistres = Ecrits(cache)
    for chemin, texte in flux_lieux(corpus, site_url):
        p = content / chemin
        enregistres.contenu(chemin, p, texte.encode("utf-8"))
        ecrits.append(p)
    enregistres.sauver()
    sitemap = dossier / "sitemap.xml"
    write_text(sitemap, plan((p.relative_to(content).as_posix() for p in ecrits), site_url), durable=False)
    garder = {*ecrits, sitemap}
    for f in sorted(dossier.iterdir()):
        if f not in garder:
            f.unlink()
    for ancien in abonnement.DOSSIERS.values():
        for f in sorted((content / ancien).glob("*/flux.xml")):
            f.unlink()
            if not any(f.parent.iterdir()):
                f.parent.rmdir()
    return ecrits

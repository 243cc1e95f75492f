"""Atom feeds (RFC 4287): the site's (flux.xml: recueils and deliberations published, newest first) and
one per commune, canton, EPCI, territoire and dispositif (`flux/<dossier>-<slug>.xml`, announced by its
page: its new grants and the acts concerning it, the latest `MAX_ENTREES_LIEU`), which `flux/sitemap.xml`
lists (`abonnement`: Material fetches the sitemap beside every feed a page's head announces).

Dates come from the acts themselves (never the clock), so every feed is deterministic; a feed without
entries (a place with no grant yet, to which one may subscribe all the same) is as of the newest act
published. Links are absolute when SITE_URL is set at build time, relative to the feed otherwise (valid
Atom: a relative reference is resolved against the feed's own address; the build then says so, loudly).

The fields of the records are read in `_lu_deliberation`, `_lu_subvention`, `_lu_acte` and `date_publication`
only: one function per kind of record, whose tuple (`Lu`) both makes the entry and keys the feeds that show it.
"""

from __future__ import annotations

import functools
import hashlib
import heapq
import sys
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass
from operator import attrgetter, itemgetter
from pathlib import Path
from typing import Any, NamedTuple
from xml.sax.saxutils import escape, quoteattr

from generator.commun import code
from generator.commun.formats import date_fr, montant_fr
from generator.commun.store import Ecrits, write_text
from generator.exports.par_lieu import subventions_par_lieu
from generator.records.corpus import ActePublie, Corpus, DeliberationPubliee, RecueilPublie, SubventionPubliee, empreintes_valides
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
Lu = tuple[Any, ...]
"""What an entry is made of: its `Ordre`, then the fields of its record it reads (`_lu_subvention`…), so that
a feed is keyed on its entries without making their text (`_textes`)."""


def _ordre_deliberation(did: str, d: DeliberationPubliee) -> Ordre:
    """`_deliberation(did, d)`'s (date, rang, id), without making its text."""
    return date_publication(d), 1, f"{URN}deliberation:{did}"


def _lu_deliberation(did: str, d: DeliberationPubliee, ordre: Ordre) -> Lu:
    """What `_deliberation(did, d)` is made of, its order (`_ordre_deliberation`) first."""
    return (*ordre, did, d.titre, d.organe, d.date)


def _deliberation(did: str, d: DeliberationPubliee) -> Entree:
    return _entree_deliberation(_lu_deliberation(did, d, _ordre_deliberation(did, d)))


def _entree_deliberation(lu: Lu) -> Entree:
    date, rang, id_, did, titre, organe, jour = lu
    return Entree(id_, f"{did} — {titre}", f"deliberations/{did}/", date, f"{organe} du {date_fr(jour)}", rang)


def _ordre_subvention(s: SubventionPubliee) -> Ordre:
    """`_subvention(s)`'s (date, rang, id), without making its text."""
    return date_publication(s.acte), 0, f"{URN}subvention:{s.id}"


def _lu_subvention(s: SubventionPubliee, ordre: Ordre) -> Lu:
    """What `_subvention(s)` is made of (the record's fields it reads), its order (`_ordre_subvention`) first."""
    d = s.acte
    return (*ordre, s.id, s.montant, s.affiche.nom, s.objet, d.id, d.organe, d.date)


def _subvention(s: SubventionPubliee) -> Entree:
    return _entree_subvention(_lu_subvention(s, _ordre_subvention(s)))


def _entree_subvention(lu: Lu) -> Entree:
    date, rang, id_, sid, montant_, qui, objet, did, organe, jour = lu
    montant = montant_fr(montant_)
    resume = f"Subvention de {montant} à {qui}" + (f" : {objet}" if objet else "")
    resume += f". Délibération {did} ({organe} du {date_fr(jour)})."
    return Entree(id_, f"{montant} — {qui}", f"deliberations/{did}/#{sid}", date, resume, rang)


def _ordre_acte(a: ActePublie, recueil: RecueilPublie, date: str | None) -> Ordre | None:
    """`_acte(a, recueil)`'s (date, rang, id), without making its text; `date`: the recueil's (`_date_recueil`,
    known once for all its acts). None for an act of an undated recueil, which no feed shows."""
    return (date, 2, f"{URN}acte:{recueil.slug}:{a.line}") if date else None


def _lu_acte(a: ActePublie, recueil: RecueilPublie, ordre: Ordre) -> Lu:
    """What `_acte(a, recueil)` is made of, its order (`_ordre_acte`, not None) first."""
    return (*ordre, a.titre, a.rubrique, a.page, recueil.slug, recueil.titre)


def _acte(a: ActePublie, recueil: RecueilPublie) -> Entree | None:
    """An act of the executive naming a commune: no page of its own, its recueil's."""
    ordre = _ordre_acte(a, recueil, _date_recueil(recueil))
    return None if ordre is None else _entree_acte(_lu_acte(a, recueil, ordre))


def _entree_acte(lu: Lu) -> Entree:
    date, rang, id_, titre, rubrique, page, slug, titre_recueil = lu
    resume = f"{rubrique}, {titre_recueil}" + (f", page {page}" if page else "") + " (texte non disponible dans le fichier)."
    return Entree(id_, titre, f"recueils/{slug}/", date, resume, rang)


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


Faire = Callable[[Lu], Entree]  # the entry made of what it reads: `_entree_subvention`, `_entree_deliberation`, `_entree_acte`


class Choisie(NamedTuple):
    """An entry a feed shows, before its text: how it is made (`faire`) of what it reads (`lu`), and the
    digest of that (`empreinte`), which keys the feeds that show it."""

    faire: Faire
    lu: Lu
    empreinte: bytes


class Lieu(NamedTuple):
    """A place's or a scheme's feed and its candidates: the grants its page lists (`subventions_par_lieu`:
    located in its communes, plus an EPCI's own; a scheme's grants), the deliberations concerning it
    besides its grants' (the places its report names) and, for a commune, the acts of the executive that
    name it (those of a dated recueil: `_ordre_acte`)."""

    a: abonnement.Abonnement
    subs: list[SubventionPubliee]
    deliberations: Collection[str]
    actes: list[ActePublie]

    def ids(self) -> set[str]:
        """The deliberations it may show: those concerning it and its grants' (those published are candidates)."""
        return set(self.deliberations).union(map(_DELIBERATION, self.subs))


_DELIBERATION = attrgetter("deliberation")
_SOURCE = attrgetter("source")


def _lieux(corpus: Corpus) -> Iterator[Lieu]:
    """Every place's and scheme's feed with its candidates, in the order of `abonnement.lieux`, then the schemes'."""
    par_lieu = subventions_par_lieu(corpus)
    for kind, lieu, a in abonnement.lieux(corpus.ref):
        actes = corpus.actes_par_commune.get(lieu, []) if kind == "commune" else []
        yield Lieu(a, par_lieu.get((kind, lieu), []), corpus.delib_lieux.get((kind, lieu), ()), actes)
    for nom, subs in sorted(par_dispositif(corpus).items()):
        yield Lieu(abonnement.de_dispositif(nom, slug_dispositif(nom)), subs, (), [])


class _Choix:
    """The entries a feed shows among its candidates (`Lieu`), newest first.

    A feed shows its newest `MAX_ENTREES_LIEU` entries only: every candidate of every feed is sorted once
    by its order (`Ordre`, known without reading its fields: ids are unique, a total order), and a feed's
    choice is that of the smallest ranks in this order among its candidates (integers sorted in C: a
    territoire's feed shows 50 entries of ten years' 20 000 grants); only the entries chosen are read,
    each once for all the feeds that show it. The same choice as `document`'s `heapq.nlargest` over the
    same candidates (`test_a_feed_holds_the_newest_of_all_its_entries`). The ranks are made at the first
    feed chosen: a build whose feeds are all unchanged (`_Sources`) makes none."""

    def __init__(self, corpus: Corpus) -> None:
        self.corpus = corpus
        self.recueils = _recueils(corpus)
        self.choisies: dict[int, Choisie] = {}  # each record read once for every feed that shows it, by its rank

    @functools.cached_property
    def _rangs(self) -> tuple[list[tuple[Ordre, SubventionPubliee | str | ActePublie]], dict[int | str, int]]:
        """Every candidate sorted newest first, and each one's rank: grants and acts by the record itself
        (`id`, its address: the records are alive for the whole build), deliberations by their id."""
        corpus, recueils = self.corpus, self.recueils
        dates_recueils = {slug: _date_recueil(r) for slug, r in recueils.items()}  # (a recueil's date: once for all its acts)
        toutes: list[tuple[Ordre, SubventionPubliee | str | ActePublie]] = [(_ordre_subvention(s), s) for s in corpus.subventions]
        toutes += [(_ordre_deliberation(i, d), i) for i, d in corpus.deliberations.items()]
        for xs in corpus.actes_par_commune.values():  # an act of an undated recueil is no candidate (`_ordre_acte`)
            toutes += [
                (o, x) for x in xs if x.recueil in recueils for o in [_ordre_acte(x, recueils[x.recueil], dates_recueils[x.recueil])] if o
            ]
        toutes.sort(key=itemgetter(0), reverse=True)
        return toutes, {(x if isinstance(x, str) else id(x)): r for r, (_, x) in enumerate(toutes)}

    def _choisie(self, rang: int) -> Choisie:
        ordre, x = self._rangs[0][rang]
        if isinstance(x, ActePublie):
            faire, lu = _entree_acte, _lu_acte(x, self.recueils[x.recueil], ordre)
        elif isinstance(x, str):
            faire, lu = _entree_deliberation, _lu_deliberation(x, self.corpus.deliberations[x], ordre)
        else:
            faire, lu = _entree_subvention, _lu_subvention(x, ordre)
        c = self.choisies[rang] = Choisie(faire, lu, hashlib.sha256(repr(lu).encode("utf-8")).digest())
        return c

    def __call__(self, lieu: Lieu) -> list[Choisie]:
        """The entries shown among its grants, deliberations (those published) and acts (those dated)."""
        rangs = self._rangs[1]
        trouves = list(map(rangs.__getitem__, map(id, lieu.subs)))
        trouves += [r for r in map(rangs.get, lieu.ids()) if r is not None]
        trouves += [r for r in map(rangs.get, map(id, lieu.actes)) if r is not None]
        trouves.sort()
        return [self.choisies.get(r) or self._choisie(r) for r in trouves[:MAX_ENTREES_LIEU]]


class _Textes:
    """What makes a feed's text (`texte`) and its key (`cle`): the digest of what its text is made of (the
    code, the site's address, the feed's page and title, what each entry reads and, for a feed without
    entries, the date it is as of), so that an unchanged feed is not made again; an entry is made once
    for all the feeds that show it."""

    def __init__(self, corpus: Corpus, site_url: str) -> None:
        self.site_url = site_url
        self.choix = _Choix(corpus)
        self.defaut = mise_a_jour(corpus) or "2000-01-01"
        self.faites: dict[str, Entree] = {}

    def _entree(self, c: Choisie) -> Entree:
        e = self.faites.get(c.lu[2])
        return e if e is not None else self.faites.setdefault(c.lu[2], c.faire(c.lu))

    def de(self, lieu: Lieu) -> tuple[str, Callable[[], str]]:
        """(key, what makes the text) of `lieu`'s feed."""
        a, choisies = lieu.a, self.choix(lieu)
        h = hashlib.sha256(
            repr([_empreinte_code(), self.site_url, a.kind, a.slug, a.nom, None if choisies else self.defaut]).encode("utf-8")
        )
        h.update(b"".join([c.empreinte for c in choisies]))
        return h.hexdigest(), lambda: _document_de(a, [self._entree(c) for c in choisies], self.defaut, self.site_url)


class _Sources:
    """What each feed's candidates are made of, by source (`contexte`), so that a feed none of whose
    sources changed since the last build is known unchanged without choosing its entries (`_Choix`:
    ten years of candidates sorted) nor keying them.

    A source's digest (`empreintes`) stands for every candidate made of its files: its file of
    site_data/actes (`Corpus.empreinte_actes`: its deliberations, its recueil and its acts as read), the
    deliberations published from it (a copy of one published from an earlier source is not: their digests
    of site_data/, `empreinte_valide`, in the corpus's order), its grants (those attached, likewise) and
    its recueil's slug (an exact copy of an earlier one has none); a record assigned since it was read
    (no such digest), or a source without its file, has no digest: its feeds are chosen again. What a
    record of a source shows in a feed that is not of its files (a grant's beneficiary as shown, the places
    a grant is counted in, a place's or scheme's name) is made of them, of the reference geography
    (`Reference.empreinte`) and of the code, which the context keys too."""

    def __init__(self, corpus: Corpus, site_url: str, defaut: str) -> None:
        self.corpus = corpus
        self.commun = "\x1f".join((_empreinte_code(), site_url, corpus.ref.empreinte()))
        self.defaut = defaut  # (`_Textes.defaut`)
        self.publiees = {i: d.source for i, d in corpus.deliberations.items()}
        self.empreintes = self._empreintes()

    def _empreintes(self) -> dict[str, str | None]:
        corpus = self.corpus
        parties: defaultdict[str, list[str]] = defaultdict(list)
        sans: set[str] = set()
        for records in (list(corpus.deliberations.values()), corpus.subventions):
            for source, e in zip(map(_SOURCE, records), empreintes_valides(records), strict=True):
                if e is None:  # (assigned since it was read)
                    sans.add(source)
                else:
                    parties[source].append(e)
        slugs = {r.source: r.slug or "" for r in corpus.recueils}
        out: dict[str, str | None] = {}
        for source in {d.source for d in corpus.documents} | set(parties) | sans:
            fichier = corpus.empreinte_actes(source)
            if fichier is None or source in sans:
                out[source] = None
            else:
                texte = "\x1f".join((source, fichier, slugs.get(source, "\x00"), *parties[source]))
                out[source] = hashlib.sha256(texte.encode()).hexdigest()
        return out

    def contexte(self, lieu: Lieu) -> str | None:
        """The digest of what `lieu`'s feed is made of (each source of its candidates by its digest, the
        code, the site's address, the reference geography, the feed's name and, for a feed that may have
        no entry, the date it is then as of); None when one of its sources has no digest."""
        sources = set(map(_SOURCE, lieu.subs))
        sources.update(map(self.publiees.get, lieu.deliberations))  # (grants' deliberations: of their grant's source)
        sources.update(map(_SOURCE, lieu.actes))
        sources.discard(None)
        defaut = "" if lieu.subs or any(map(self.publiees.__contains__, lieu.deliberations)) else self.defaut
        a = lieu.a
        parties = [self.commun, a.kind, a.slug, a.nom, defaut]
        for source in sorted(sources):  # (None discarded)
            e = self.empreintes.get(source)
            if e is None:
                return None
            parties += [source, e]
        return hashlib.sha256("\x1f".join(parties).encode()).hexdigest()


def _textes(corpus: Corpus, site_url: str) -> Iterator[tuple[abonnement.Abonnement, str, Callable[[], str]]]:
    """(feed, key, what makes its text) of every place's and scheme's feed (`_lieux`, `_Textes`)."""
    textes = _Textes(corpus, site_url)
    for lieu in _lieux(corpus):
        yield lieu.a, *textes.de(lieu)


@functools.cache
def _empreinte_code() -> str:
    """The code that makes the feeds (this module and all it imports) and Python's version."""
    return code.empreinte(code.modules([Path(__file__)]), f"python {sys.version}")


def flux_lieux(corpus: Corpus, site_url: str = "") -> Iterator[tuple[str, str]]:
    """(path relative to the site's root, Atom text) of the feed of every place and scheme (`_flux`)."""
    for a, _, texte in _textes(corpus, site_url):
        yield a.chemin, texte()


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

    `cache` (`.cache/flux.json`, `store.Ecrits`): a feed whose key (`_textes`: what it is made of) is the
    one last written there, in a file that still holds it, is neither made nor read back nor written (about a
    thousand feeds at every build: a month added makes those whose entries it changed)."""
    dossier = content / abonnement.DOSSIER
    ecrits = []
    enregistres = Ecrits(cache)
    textes = _Textes(corpus, site_url)
    sources = _Sources(corpus, site_url, textes.defaut) if cache is not None else None
    for lieu in _lieux(corpus):
        a = lieu.a
        p = content / a.chemin
        contexte = sources.contexte(lieu) if sources is not None else None
        if not (contexte is not None and enregistres.intact(a.chemin, p, contexte)):  # (its sources as at the last build)
            cle, texte = textes.de(lieu)
            if not enregistres.a_jour(a.chemin, p, cle, contexte or ""):
                enregistres.ecrire(a.chemin, p, texte().encode("utf-8"), cle, contexte or "")
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

"""What the site covers: which recueils (months) and which other documents are in, and what their
sommaires announce that their files do not hold.

Why: a recueil's file may hold only part of what its sommaire lists (June 2021, N° 6: 21 of the 65
deliberations, none of the 175 executive acts). Every page that counts or sums says what it counts
(`phrase`), so that « 505 subventions » is never read as the year's whole, and the recueils' index
gives the table of it (`recueils/#couverture`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from generator.commun.formats import date_fr, mois_fr
from generator.records import JsonObject, plage_numeros
from generator.records.corpus import Corpus, SubventionPubliee

# Up to this many recueils, a page's coverage sentence names each of them; above it, it names them as a
# whole (the table of `recueils/#couverture`) and only those lacking deliberations individually, so that
# adding a month that holds all its deliberations leaves the sentence of every page byte-identical (issue
# 22: work proportional to change).
RECUEILS_NOMMES = 6


def _plages(ids: list[str]) -> list[tuple[str, str, int]]:
    """Consecutive numbers of `ids` (in announced order) as (first, last, count)."""
    out: list[tuple[str, str, int]] = []
    for i in ids:
        if out:
            a, b, n = out[-1]
            annee, num = b.rsplit("-", 1)
            if num.isdigit() and i == f"{annee}-{int(num) + 1}":
                out[-1] = (a, i, n + 1)
                continue
        out.append((i, i, 1))
    return out


def calculer(corpus: Corpus) -> JsonObject:
    """The coverage of the corpus: its recueils (month, announced and held deliberations, executive acts
    listed), its documents outside any recueil, and what each session's sommaire announces."""
    recueils = []
    seances: dict[str, JsonObject] = {}
    for r in sorted(corpus.recueils, key=lambda r: r.slug):
        rec = r.recueil
        tenues = set(r.ids)
        annoncees: list[str] = []
        for p in rec.parties:
            ids = [i for i in plage_numeros(p.premiere, p.derniere) if i not in annoncees]
            annoncees += ids
            for s in r.sessions:  # the sommaire's part of a session: what it announces for it
                if s.date == p.date_session and s.organe == p.organe:
                    e = seances.setdefault(s.id, {"recueil": r.slug, "titre": r.titre, "annoncees": []})
                    e["annoncees"] += [i for i in ids if i not in e["annoncees"]]
        absentes = [i for i in annoncees if i not in tenues]
        actes = len(rec.actes_executif)
        recueils.append(
            {
                "slug": r.slug,
                "titre": r.titre,
                "mois": mois_fr(rec.mois, rec.annee),
                "numero": rec.numero,
                "annoncees": len(annoncees),
                "tenues": len(tenues),
                "absentes": len(absentes),
                "plages_absentes": _plages(absentes),
                "actes": actes,
                "partiel": bool(absentes) or actes > 0,
            }
        )
    par_seance = defaultdict(set)
    for d in corpus.deliberations.values():
        par_seance[d.session_id].add(d.id)
    for sid, e in seances.items():
        tenues = par_seance[sid]
        absentes = [i for i in e["annoncees"] if i not in tenues]
        e.update(n_annoncees=len(e["annoncees"]), absentes=len(absentes), plages_absentes=_plages(absentes))
    isoles = []
    for doc in corpus.documents:
        if doc.recueil is not None and any(r.source == doc.source for r in corpus.recueils):
            continue
        ds = [x for i in doc.ids if (x := corpus.deliberations.get(i)) and x.source == doc.source]
        if not ds:
            continue
        isoles.append(
            {
                "source": doc.source,
                "ids": sorted(d.id for d in ds),
                "date": min(d.date for d in ds),
                "collectivite": ds[0].collectivite,
            }
        )
    isoles.sort(key=lambda x: (x["date"], x["source"]))
    return {"recueils": recueils, "isoles": isoles, "seances": seances}


def phrase(cov: JsonObject, recueils: Iterable[str] | None = None, sources: Iterable[str] | None = None) -> JsonObject:
    """The coverage a page states: of the recueils `recueils` (slugs) and the documents outside any
    recueil `sources` (source names), all of them when None. For the `couverture` macro (_couverture.j2):
    `groupes` when there are more than `RECUEILS_NOMMES` recueils: they are named as a whole (`recueils`
    empty), those that lack deliberations of their sommaire one by one (`partiels`), and the executive
    acts whose text no file holds as a whole (`sans_actes`): every recueil's sommaire lists some (83 in
    May 2019, 175 in June 2021), so naming each recueil lacking them would name them all. It holds only
    what the sentence shows, so that a page keyed on it (`Page.cle`) is not rendered again when a month
    holding all its deliberations is added."""
    rs = [r for r in cov["recueils"] if recueils is None or r["slug"] in set(recueils)]
    iso = [x for x in cov["isoles"] if sources is None or x["source"] in set(sources)]
    groupes = len(rs) > RECUEILS_NOMMES
    return {
        "recueils": [] if groupes else rs,
        "groupes": groupes,
        "partiels": [r for r in rs if r["absentes"]] if groupes else [],
        "sans_actes": groupes and any(r["actes"] for r in rs),
        "isoles": [dict(x, date_fr=date_fr(x["date"])) for x in iso],
        "partiel": any(r["partiel"] for r in rs),
    }


def des_subventions(cov: JsonObject, subs: Iterable[SubventionPubliee]) -> JsonObject:
    """The coverage of a list of grants: the recueils and other documents they come from."""
    recueils, sources = set(), set()
    for s in subs:
        d = s.acte
        if d.recueil:
            recueils.add(d.recueil)
        else:
            sources.add(d.source)
    return phrase(cov, recueils, sources)


def par_annee(cov: JsonObject, corpus: Corpus) -> dict[str, JsonObject]:
    """Each year's coverage: the recueils and documents that hold its deliberations."""
    recueils: dict[str, set[str]] = defaultdict(set)
    sources: dict[str, set[str]] = defaultdict(set)
    for d in corpus.deliberations.values():
        y = d.date[:4]
        if d.recueil:
            recueils[y].add(d.recueil)
        else:
            sources[y].add(d.source)
    return {y: phrase(cov, recueils[y], sources[y]) for y in set(recueils) | set(sources)}

"""Atom feed (flux.xml) of the recueils and deliberations published, newest first.

Dates come from the acts themselves (never the clock), so the feed is deterministic.
Links are absolute when SITE_URL is set at build time, relative to the feed otherwise (valid Atom:
a relative reference is resolved against the feed's own address; the build then says so, loudly).
"""

from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr

from generator.commun.formats import date_fr
from generator.records.corpus import Corpus

MAX_ENTREES = 200


def _entry(id_: str, title: str, href: str, date: str, summary: str) -> str:
    return (
        f"<entry><id>{escape(id_)}</id><title>{escape(title)}</title><link href={quoteattr(href)}/>"
        f"<updated>{date}T00:00:00Z</updated><summary>{escape(summary)}</summary></entry>"
    )


def atom(corpus: Corpus, site_url: str = "") -> str:
    base = site_url.rstrip("/") + "/" if site_url else ""
    entries = []
    for r in corpus.recueils:
        date = r.recueil.affichage or max(r.dates, default=None)
        if date:
            entries.append(
                (
                    date,
                    1,
                    _entry(
                        f"urn:recueil-pas-de-calais:recueil:{r.slug}",
                        r.titre,
                        f"{base}recueils/{r.slug}/",
                        date,
                        f"{len(r.ids)} délibérations dans le fichier publié",
                    ),
                )
            )
    for did, d in corpus.deliberations.items():
        date = d.affichage or d.date
        entries.append(
            (
                date,
                0,
                _entry(
                    f"urn:recueil-pas-de-calais:deliberation:{did}",
                    f"{did} — {d.titre}",
                    f"{base}deliberations/{did}/",
                    date,
                    f"{d.organe} du {date_fr(d.date)}",
                ),
            )
        )
    entries.sort(key=lambda e: (e[0], e[1], e[2]), reverse=True)
    updated = entries[0][0] if entries else "2000-01-01"
    body = "\n".join(e[2] for e in entries[:MAX_ENTREES])
    # rel="self" always (the feed's own address: relative, hence resolved against the feed's URL, without SITE_URL)
    self_link = f'<link rel="self" type="application/atom+xml" href={quoteattr(base + "flux.xml")}/>\n'
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="fr">\n'
        "<id>urn:recueil-pas-de-calais:flux</id>\n<title>Recueil des actes administratifs du Pas-de-Calais</title>\n"
        f"<subtitle>Recueils et délibérations publiés</subtitle>\n{self_link}<link href={quoteattr(base or './')}/>\n"
        f"<author><name>Département du Pas-de-Calais</name></author>\n<updated>{updated}T00:00:00Z</updated>\n{body}\n</feed>\n"
    )

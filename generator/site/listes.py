"""The items of the lists of deliberations and of acts of the executive of the place pages and their
year pages, and a councillor's séances (`presences`), written in Python.

Why not in the template: adding a month renders again some 400 communes' pages, each listing the
deliberations that concern it (tens, hundreds at ten years) and the acts that name it; as a Jinja loop
each value went through `markupsafe.escape`, a `Markup` object and Jinja's attribute lookup, a third of
such a page's rendering. A councillor's year pages list each deliberation of their séances: adding
January renders again some 540 of them (every year page of a person links the new year), 8 of the 41 s
of a profiled build's rendering as the Jinja macro `_elus.j2` was. Each value is escaped as the grants' rows are (`tableau_subventions.echapper`),
so the page is byte for byte what the template wrote (tests/site/test_listes.py compares both)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from markupsafe import Markup

from generator.commun.formats import date_fr
from generator.site.tableau_subventions import echapper


def _champs(x: Any, *noms: str) -> list[Any]:
    """The values `noms` of `x`, a record or a dict (a commune's page has its deliberations as dicts:
    `lieux._donnees_commune`), as the template's `x.nom` reads them (`render._Environnement.getattr`)."""
    if type(x) is dict:
        return [x[n] for n in noms]
    return [getattr(x, n) for n in noms]


def deliberations(delibs: Iterable[Any], root: str) -> Markup:
    """`<li>` items of `delibs`: each one's link, title, body and date."""
    r = echapper(root)
    out = []
    for d in delibs:
        did, titre, organe, date = _champs(d, "id", "titre", "organe", "date")
        i = echapper(did)
        out.append(
            f'<li><a href="{r}deliberations/{i}/">{i}</a> — {echapper(titre)} <span class="rpc-note">({echapper(organe)}, {echapper(date_fr(date))})</span></li>'
        )
    return Markup("".join(out))


def actes(liste: Iterable[Any], root: str) -> Markup:
    """`<li>` items of acts of the executive (`ActePublie`): title, page, recueil."""
    r = echapper(root)
    out = []
    for a in liste:
        titre, page, recueil = _champs(a, "titre", "page", "recueil")
        note = f' <span class="rpc-note">(page {echapper(page)})</span>' if page else ""
        out.append(
            f'<li>{echapper(titre)}{note} — <a href="{r}recueils/{echapper(recueil)}/">recueil</a> <em class="rpc-note">(texte non disponible dans le fichier)</em></li>'
        )
    return Markup("".join(out))


def presences(seances: Mapping[str, list[tuple[Any, Any]]], statuts: Mapping[str, str], root: str) -> Markup:
    """A councillor's séances (`pages.elus.Seances`: séance id → their lines with their act, None when not
    published), each a `<details>` whose summary links the séance (its body and date, from its first line)
    and lists its deliberations: each one's link, title, the person's statut and an interest declared."""
    e = echapper
    r = e(root)
    out = []
    for s, lignes in seances.items():
        n = len(lignes)
        premiere = lignes[0][0]
        out.append(
            f'<details><summary><a href="{r}seances/{e(s)}/">{e(premiere.organe)} du {e(date_fr(premiere.date))}</a> — '
            f"{n} délibération{'s' if n > 1 else ''}</summary>\n<ul>"
        )
        for li, d in lignes:
            i = e(li.deliberation)
            titre = f" {e(d.titre)}" if d else ""
            interet = " — intérêt déclaré" if li.interet else ""
            out.append(f'<li><a href="{r}deliberations/{i}/">{i}</a>{titre} : {e(statuts[li.statut])}{interet}</li>\n')
        out.append("</ul></details>\n")
    return Markup("".join(out))

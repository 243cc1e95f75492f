"""The items of the lists of deliberations and of acts of the executive of the place pages and their
year pages, written in Python.

Why not in the template: adding a month renders again some 400 communes' pages, each listing the
deliberations that concern it (tens, hundreds at ten years) and the acts that name it; as a Jinja loop
each value went through `markupsafe.escape`, a `Markup` object and Jinja's attribute lookup, a third of
such a page's rendering. Each value is escaped as the grants' rows are (`tableau_subventions.echapper`),
so the page is byte for byte what the template wrote (tests/site/test_listes.py compares both)."""

from __future__ import annotations

from collections.abc import Iterable
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

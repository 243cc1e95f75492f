"""The feed of a place's or a scheme's page (`pages/flux.py` writes it): where it is and how it is titled,
for the page that announces it (its <head> and its « S'abonner » link) and for the feed itself.

Every such feed is in one folder, `flux/<dossier>-<slug>.xml` (`flux/communes-wancourt.xml`), beside
`flux/sitemap.xml`, which lists them: Material for MkDocs fetches `sitemap.xml` beside every
`<link rel="alternate">` of a page's head (its language versions), so a feed in the page's own folder
made a 404 on every place page."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from generator.lieux.places import Reference
from generator.records import JsonObject
from generator.records.corpus import de

DOSSIER = "flux"  # the folder of the places' and schemes' feeds, at the site's root
DOSSIERS = {"commune": "communes", "canton": "cantons", "epci": "epci", "territoire": "territoires", "dispositif": "dispositifs"}


@dataclass(frozen=True)
class Abonnement:
    """A page's feed: `chemin` relative to the site's root, `nom` what it follows, `titre` the feed's title."""

    kind: str
    slug: str
    nom: str

    @property
    def chemin(self) -> str:
        return f"{DOSSIER}/{DOSSIERS[self.kind]}-{self.slug}.xml"  # no folder name has a hyphen: one file per page

    @property
    def page(self) -> str:
        return f"{DOSSIERS[self.kind]}/{self.slug}/"

    @property
    def titre(self) -> str:
        return f"{self.nom} : nouvelles subventions et délibérations"


def _table(ref: Reference, kind: str) -> dict[str, JsonObject]:
    return {"commune": ref.communes, "canton": ref.cantons, "epci": ref.epci, "territoire": ref.territoires}[kind]


_NOMS: dict[str, Callable[[JsonObject], str]] = {
    "commune": lambda p: p["nom"],
    "canton": lambda p: f"Canton {de(p['nom'])}",
    "epci": lambda p: p["nom"],
    "territoire": lambda p: f"Territoire {p['nom']}",
}


def de_lieu(ref: Reference, kind: str, code: str) -> Abonnement:
    """The feed of one place (kind: commune, canton, epci, territoire; code: INSEE, canton code, SIREN, territoire slug)."""
    p = _table(ref, kind)[code]
    return Abonnement(kind, code if kind == "territoire" else p["slug"], _NOMS[kind](p))


def lieux(ref: Reference) -> Iterator[tuple[str, str, Abonnement]]:
    """(kind, code, feed) of every commune, canton, EPCI and territoire, in the reference's order."""
    for kind in ("commune", "canton", "epci", "territoire"):
        for code in _table(ref, kind):
            yield kind, code, de_lieu(ref, kind, code)


def de_dispositif(nom: str, slug: str) -> Abonnement:
    """The feed of a scheme's page, dispositifs/<slug>/."""
    return Abonnement("dispositif", slug, f"Dispositif « {nom} »")

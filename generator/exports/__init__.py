"""Open-data exports of the published corpus (the « Données » page), one module per target.

`write_all(corpus, out_dir)` writes every file and returns their paths;
`fichiers_meta(out_dir, paths)` describes them for the « Données » page. Every
output is deterministic (stable order, no timestamp), so an unchanged corpus
gives unchanged files and a clean diff.
"""

from __future__ import annotations

import csv
import functools
import json
from collections.abc import Mapping
from fnmatch import fnmatch
from pathlib import Path

from generator.commun.formats import taille_fr
from generator.controle.identifiants import Identifiant
from generator.exports import csv_deliberations, csv_subventions, datapackage, elus, par_lieu, scdl, sqlite
from generator.exports.csv_subventions import Rangees
from generator.exports.ecritures import Ecritures
from generator.exports.par_lieu import telechargements
from generator.records import JsonObject
from generator.records.corpus import Corpus

__all__ = ["write_all", "fichiers_meta", "telechargements", "Ecritures"]

TEXTES = sqlite.TEXTE.format(annee="*")
"""`recueil-texte-*.sqlite`: the year text databases."""

MAIN_FILES = [
    "subventions.csv",
    "subventions-tableur.csv",
    "subventions.json",
    "deliberations.csv",
    "subventions-scdl.csv",
    "deliberations-scdl.csv",
    "elus.csv",
    "presences.csv",
    "recueil.sqlite",
    "metadata.json",
    "datapackage.json",
]

DESCRIPTIONS = {
    "subventions.csv": "Toutes les subventions attribuées par les délibérations publiées, une ligne par subvention, "
    "avec la commune, le canton, l'intercommunalité et le territoire concernés, et la page de l'original PDF où la vérifier.",
    "subventions-tableur.csv": "Les mêmes subventions pour un tableur (Excel, LibreOffice) : s'ouvre d'un double clic, "
    "séparateur point-virgule, virgule décimale, titres de colonnes en français, UTF-8 avec BOM.",
    "subventions.json": "Les mêmes enregistrements que subventions.csv, en tableau JSON (montants en chaînes décimales, page_pdf en nombre).",
    "deliberations.csv": "Les délibérations publiées, une ligne par délibération : date, assemblée, titre, vote, présences, recueil, "
    "source et page de l'original ; la colonne deliberation des fichiers de subventions y renvoie.",
    "subventions-scdl.csv": "Les subventions au format national SCDL « Subventions » 2.1.1 (données essentielles des conventions), "
    "celles dont le bénéficiaire est identifié (SIRET ou RNA) : le format l'exige. Toutes les subventions sont dans subventions.csv.",
    "deliberations-scdl.csv": "Les délibérations du Département au format national SCDL « Délibérations » 2.1.5.",
    "elus.csv": "Les élus du Département nommés dans les listes de présence des délibérations publiées, une ligne par personne "
    "(nom retenu, variantes imprimées, organes, première et dernière séance, présences, excuses, absences, intérêts déclarés).",
    "presences.csv": "Une ligne par élu et par délibération, avec son statut tel que les listes l'impriment (present, excuse, absent, "
    "present_sans_voix, excuse_sans_voix, represente) et, le cas échéant, l'intérêt déclaré (retrait, excuse_sans_delegation).",
    "recueil.sqlite": "Base SQLite : délibérations, votes, élus, subventions, bénéficiaires, géographie de référence, "
    "vues de synthèse et recherche plein texte ; les textes longs sont dans une base par année (recueil-texte-AAAA.sqlite). "
    "Prête pour Datasette (datasette recueil.sqlite recueil-texte-*.sqlite -m metadata.json).",
    "metadata.json": "Métadonnées Datasette de recueil.sqlite et des bases de textes : titre, source, licence, description des tables "
    "et des colonnes, facettes.",
    "datapackage.json": "Description Frictionless (Data Package) de tous les fichiers CSV : colonnes, types, clés, licence, "
    "schémas (schemas/) ; à valider par frictionless validate.",
}
GROUPS = {
    "communes": "Un fichier par commune ayant reçu ou accueilli au moins une subvention (mêmes colonnes que subventions.csv), "
    "lié depuis la page de la commune.",
    "cantons": "Un fichier par canton : les subventions situées dans ses communes entières (mêmes colonnes que subventions.csv).",
    "epci": "Un fichier par intercommunalité : les subventions qu'elle reçoit et celles situées dans ses communes membres.",
    "territoires": "Un fichier par territoire du Département : les subventions situées dans ses communes.",
    "deliberations": "Un fichier par délibération qui attribue des subventions : ses subventions, liées depuis la page de la délibération.",
}
TEXTE_DESCRIPTION = (
    "Base SQLite des textes des délibérations de {annee} : titre et dispositif, visas, articles, rapports, présences, "
    "et leur recherche plein texte, avec les annexes (titre, adresse de leur page, recherche dans leur texte) ; "
    "à ouvrir avec recueil.sqlite."
)
"""The description of a year's text database (`sqlite.TEXTE`)."""
SQLITE_TABLES = [
    (
        "deliberations",
        "une ligne par délibération : date, organe, titre, décompte du vote, nombre de présents, excusés, absents, "
        "source (fichier, lignes line à line_end ; pour un PDF, pages page_debut à page_fin de l'original url_original)",
    ),
    ("elus", "les élus (une ligne par personne), comme elus.csv ; leurs présences sont dans recueil-texte-AAAA.sqlite (presences_elus)"),
    (
        "subventions",
        "les colonnes de subventions.csv (page_pdf en entier), plus montant_centimes (entier) pour des sommes exactes "
        "et beneficiaire_id ; recherche plein texte subventions_fts",
    ),
    ("beneficiaires", "les bénéficiaires, avec le nombre et le total de leurs subventions ; recherche plein texte beneficiaires_fts"),
    ("deliberations_fts", "recherche plein texte sur les titres des délibérations (leurs textes : recueil-texte-AAAA.sqlite)"),
    (
        "subventions_par_commune_et_annee, subventions_par_canton, subventions_par_dispositif, subventions_par_territoire",
        "vues : nombre et total des subventions par lieu ou dispositif et par année",
    ),
    ("communes, cantons, commune_cantons, epci, territoires", "la géographie de référence"),
]
SQLITE_TABLES_TEXTE = [
    (
        "deliberations",
        "les délibérations de l'année : identifiant, date, titre et dispositif (texte) ; recherche plein texte deliberations_fts",
    ),
    ("articles", "le dispositif (articles) de chaque délibération"),
    ("rapports", "le rapport joint à chaque délibération, avec la ligne et, pour un PDF, la page de l'original (page_pdf) où il commence"),
    (
        "annexes",
        "les annexes : titre, adresse de leur page sur le site (url), où se lit leur texte, longueur, ligne et, pour un PDF, "
        "page de l'original (page_pdf) où chacune commence ; recherche plein texte dans leur texte (annexes_fts), sans le texte lui-même",
    ),
    ("visas", "les visas de chaque délibération, à la suite"),
    ("presences", "les listes de présence telles qu'imprimées : élus présents, excusés, absents, avec procuration, par délibération"),
    (
        "presences_elus",
        "une ligne par élu et par délibération de l'année, comme presences.csv (personne : la table elus de recueil.sqlite)",
    ),
    (
        "recherche",
        "index plein texte (FTS5) des textes de l'année : titres, visas, articles, rapports, lus dans leurs tables "
        "par la vue recherche_contenu (sans second exemplaire du texte) ; les annexes se cherchent dans la table annexes "
        "(annexes_fts), les subventions dans recueil.sqlite (subventions_fts)",
    ),
]


def textes(rel: list[str]) -> list[str]:
    """The year text databases among `rel` (names relative to the exports folder), in year order."""
    return [r for r in rel if "/" not in r and fnmatch(r, TEXTES)]


def _clean(out_dir: Path, written: list[Path]) -> None:
    """Remove per-page files of a previous build that were not rewritten (a place or a deliberation without grants any more),
    and a year's text database whose year has no deliberation any more; nothing else."""
    keep = set(written)
    for f in sorted(out_dir.glob(TEXTES)):
        if f not in keep and f.is_file():
            f.unlink()
    for folder in par_lieu.KINDS.values():
        for f in sorted((out_dir / folder).glob("*")):
            if f not in keep and f.is_file():
                f.unlink()


def write_all(
    corpus: Corpus,
    out_dir: Path,
    identifiants: list[Identifiant] | None = None,
    base_url: str | None = None,
    ecritures: Ecritures | None = None,
    alias: Mapping[str, str] | None = None,
) -> list[Path]:
    """Every export under `out_dir`; main files first, then per-place CSVs in (kind, code) order.

    `identifiants` (the publisher's checked table, `generator.controle.identifiants.load`) and
    `base_url` (public address of the site) only enrich the SCDL files. `ecritures`: what the last
    build wrote (`Ecritures`, with its cache): the files and databases it left unchanged are not
    written again; saved once every file is written. `alias`: the publisher's alias of élus the
    register (`corpus.elus`) was built with, which keys the élus' rows (`Rangees.registre`: None, made).
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    ecritures = ecritures or Ecritures(out_dir)
    rangees = Rangees(corpus, alias, ecritures)  # each grant's row and lines, made once for every file that lists it
    paths = csv_subventions.write(corpus, out_dir, rangees, ecritures)
    paths += csv_deliberations.write(corpus, out_dir, rangees, ecritures)
    paths += scdl.write(corpus, out_dir, identifiants, base_url, rangees, ecritures)
    paths += elus.write(
        getattr(corpus, "elus", None),
        out_dir,
        lambda: rangees.elus or [],
        lambda: rangees.presences or [],
        ecritures,
        rangees.registre,
    )
    paths += sqlite.write(corpus, out_dir, base_url, rangees, ecritures)
    paths += par_lieu.write(corpus, out_dir, rangees, ecritures)
    paths += datapackage.write(out_dir, paths, DESCRIPTIONS, GROUPS, base_url)
    _clean(out_dir, paths)
    a_completer(out_dir, ecritures)  # (for the « Données » page, `fichiers_meta`: kept with the files)
    rangees.garder()
    ecritures.sauver()
    return paths


def lignes_du_fichier(path: Path) -> int | None:
    """The rows of an export, counted in the file (None: not a table)."""
    if path.name == "subventions-tableur.csv":
        with path.open(encoding="utf-8-sig", newline="") as f:
            return sum(1 for _ in csv.reader(f, delimiter=";")) - 1
    if path.suffix == ".csv":
        with path.open(encoding="utf-8", newline="") as f:
            return sum(1 for _ in csv.reader(f)) - 1
    if path.suffix == ".json" and path.name not in ("metadata.json", "datapackage.json"):  # an array of rows
        return len(json.loads(path.read_text(encoding="utf-8")))
    return None


# What describes each file (the « Données » page links it): its kind and its path in the exports folder.
SCHEMAS = {
    "subventions.csv": ("Table Schema", "schemas/subventions.schema.json"),
    "subventions-tableur.csv": ("Frictionless", "datapackage.json"),
    "subventions.json": ("JSON Schema", f"schemas/{datapackage.JSON_SCHEMA}"),
    "deliberations.csv": ("Table Schema", "schemas/deliberations.schema.json"),
    "subventions-scdl.csv": ("SCDL Subventions 2.1.1", "schemas/scdl-subventions.schema.json"),
    "deliberations-scdl.csv": ("SCDL Délibérations 2.1.5", "schemas/scdl-deliberations.schema.json"),
    "elus.csv": ("Frictionless", "datapackage.json"),
    "presences.csv": ("Frictionless", "datapackage.json"),
    "recueil.sqlite": ("Métadonnées Datasette", "metadata.json"),
    TEXTES: ("Métadonnées Datasette", "metadata.json"),
    ".csv": ("Table Schema", "schemas/subventions-lieu.schema.json"),  # the per-page files
    ".json": ("JSON Schema", f"schemas/{datapackage.JSON_SCHEMA}"),
}


def _schema(name: str, rel: set[str], prefix: str) -> JsonObject | None:
    """{nom, url} of the schema that describes the file `name` (or, for ".csv"/".json", the per-page files), if written."""
    kind, path = SCHEMAS.get(name, (None, None))
    return {"nom": kind, "url": f"{prefix}/{path}"} if path in rel else None


def _colonnes(name: str) -> list[JsonObject]:
    if name in ("subventions.csv", "subventions.json"):
        return [{"nom": c, "description": d} for c, d in csv_subventions.COLUMNS]
    if name == "subventions-tableur.csv":
        return [{"nom": csv_subventions.TITRES[c], "description": d} for c, d in csv_subventions.COLUMNS]
    if name == "deliberations.csv":
        return [{"nom": c, "description": d} for c, d in csv_deliberations.COLONNES.items()]
    if name.endswith("-scdl.csv"):
        which = name.removesuffix("-scdl.csv")
        return [{"nom": f["name"], "description": f.get("title", "") + RULES.get(f["name"], "")} for f in scdl.schema(which)["fields"]]
    if name == "recueil.sqlite":
        return [{"nom": t, "description": d} for t, d in SQLITE_TABLES]
    if name == TEXTES:
        return [{"nom": t, "description": d} for t, d in SQLITE_TABLES_TEXTE]
    return []


# How each SCDL column is filled here, when it is not self-evident.
RULES = {
    "idAttribuant": " — SIRET du Département, tel qu'imprimé dans les conventions du recueil",
    "dateConvention": " — date de la délibération d'attribution",
    "referenceDecision": " — numéro de la délibération",
    "idBeneficiaire": " — le SIRET imprimé dans les conventions de la délibération, ou vérifié par l'éditeur (site_data/identifiants.csv) ; vide sinon, jamais deviné",
    "rnaBeneficiaire": " — le numéro RNA vérifié par l'éditeur (site_data/identifiants.csv) ; vide sinon",
    "conditionsVersement": " — « échelonné » quand la délibération prévoit acomptes ou premier versement, sinon « autre » (modalités fixées par convention ou rapport)",
    "datesPeriodeVersement": " — date de la délibération (les dates de versement ne figurent pas au recueil)",
    "notificationUE": " — « non »",
    "pourcentageSubvention": " — 1.00 (un bénéficiaire par ligne)",
    "DELIB_MATIERE_CODE": " — 7.5 (subventions) quand la délibération attribue des subventions, sinon déduit du titre, à défaut 9.2",
    "BUDGET_ANNEE": " — année de la délibération, quand un article impute la dépense au budget départemental",
    "PREF_ID": " — PREF062 quand la date d'envoi au contrôle de légalité est imprimée",
    "PREF_DATE": " — date d'envoi au contrôle de légalité imprimée en tête de la délibération",
    "VOTE_EFFECTIF": " — voix décomptées au vote, absents sans délégation compris",
    "VOTE_REEL": " — pour + contre + abstention",
    "DELIB_URL": " — vide tant que l'adresse publique du site n'est pas fixée",
}


def a_completer(out_dir: Path, ecritures: Ecritures | None = None) -> int | None:
    """How many of the Département's grants are not yet in subventions-scdl.csv (beneficiary without
    SIRET or RNA): those of subventions.csv whose deliberation is in deliberations-scdl.csv (the
    Département's), minus the SCDL file's rows. Read from the files themselves, unless `ecritures` (that
    wrote them) knows the count for the same three files (their digests)."""
    paths = [out_dir / n for n in ("subventions.csv", "subventions-scdl.csv", "deliberations-scdl.csv")]
    if not all(p.exists() for p in paths):
        return None
    if ecritures is not None:
        empreintes = [ecritures.empreinte(p) for p in paths]
        cle = None if None in empreintes else "\x1f".join(map(str, empreintes))
        compte: int | None = ecritures.retenu("a_completer", cle, functools.partial(a_completer, out_dir))
        return compte
    with paths[2].open(encoding="utf-8", newline="") as f:
        du_departement = {r["DELIB_ID"] for r in csv.DictReader(f)}
    with paths[0].open(encoding="utf-8", newline="") as f:
        toutes = sum(1 for r in csv.DictReader(f) if r["deliberation"] in du_departement)
    return toutes - (lignes_du_fichier(paths[1]) or 0)


def fichiers_meta(out_dir: Path, written_paths: list[Path], ecritures: Ecritures | None = None) -> list[JsonObject]:
    """The « Données » page's list: main files one by one, per-page files grouped by folder and format.
    Rows are counted in the files, unless `ecritures` (that wrote them) knows them.

    Each item: {nom, url (relative to the site root, None for a group), taille,
    description, lignes, colonnes, schema ({nom, url} or None)}; a group also has `nombre` (its file count).
    """
    out_dir = Path(out_dir)

    def _lignes(path: Path) -> int | None:
        connues = ecritures.lignes(path) if ecritures is not None else None
        return connues if connues is not None else lignes_du_fichier(path)

    prefix = out_dir.name
    rel = sorted({p.relative_to(out_dir).as_posix() for p in written_paths})
    ecrits = set(rel)
    out = []
    annees = textes(rel)
    for name in MAIN_FILES:
        if name in rel:
            p = out_dir / name
            item = {
                "nom": name,
                "url": f"{prefix}/{name}",
                "taille": taille_fr(p.stat().st_size),
                "description": DESCRIPTIONS[name],
                "lignes": _lignes(p),
                "colonnes": _colonnes(name),
                "schema": _schema(name, ecrits, prefix),
            }
            if name == "subventions-scdl.csv":
                item["a_completer"] = a_completer(out_dir, ecritures)
            out.append(item)
        if name == "recueil.sqlite":  # then each year's texts, the tables described once (under the first)
            for i, r in enumerate(annees):
                out.append(
                    {
                        "nom": r,
                        "url": f"{prefix}/{r}",
                        "taille": taille_fr((out_dir / r).stat().st_size),
                        "description": TEXTE_DESCRIPTION.format(annee=r.removeprefix("recueil-texte-").removesuffix(".sqlite")),
                        "lignes": None,
                        "colonnes": [] if i else _colonnes(TEXTES),
                        "titre_colonnes": TEXTES,
                        "schema": _schema(TEXTES, ecrits, prefix),
                    }
                )
    for folder in par_lieu.KINDS.values():
        for ext in par_lieu.FORMATS:
            members = [r for r in rel if r.startswith(folder + "/") and r.endswith("." + ext)]
            if members:
                size = sum((out_dir / r).stat().st_size for r in members)
                out.append(
                    {
                        "nom": f"{folder}/*.{ext}",
                        "url": None,
                        "taille": taille_fr(size),
                        "nombre": len(members),
                        "description": GROUPS[folder],
                        "lignes": sum(_lignes(out_dir / r) or 0 for r in members),  # CSV and JSON arrays: never None
                        "colonnes": [],
                        "schema": _schema("." + ext, ecrits, prefix),
                    }
                )
    return out

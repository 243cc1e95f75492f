"""A built site checked whole before it replaces the published one.

What is checked, in the new version's folder (`publication` swaps it in only if nothing is found):
- the home page and the 404 page are there and complete HTML;
- every deliberation and every recueil of `site_data/` has its page (nothing extracted is missing);
- every link of the index pages (the home page and each section's index, and the pages they split
  into) leads to a page or file of the site;
- the search: its manifest and every file it names are there, parse as JSON, and a file named by
  its content's hash has that content (one that the previous verified version held, same name and
  size, was parsed then: its hash proves the same bytes, it is not parsed again; one that is still the
  very file the published version's verification read, same `identite`, is not read again);
- the exports: `subventions.csv`, `subventions.json` and `recueil.sqlite` hold every grant (and the
  database every deliberation) and open; each year's `recueil-texte-AAAA.sqlite` opens, and together they
  hold the texts of every deliberation; the SCDL files, the Atom feeds (the site's and each place's and
  scheme's), the sitemap and the feeds' own (flux/sitemap.xml, which Material fetches beside them) parse;
- no file is over 100 MB (`TAILLE_MAX`): static hosts (GitHub Pages…) refuse it.

An export the published version's verification passed and that is still the same file (its `identite`
is the one `publication.marquer_verifiee` recorded then: the exports are hard-linked from content/donnees/,
which replaces a file by a rename, never in place, so new bytes are a new inode) is not read again: the
databases' `quick_check` is not redone (their rows are still counted, a cheap read), the CSV and JSON
files are not parsed again when the count they were checked against is still the expected one. A feed
of flux/ (hard-linked from content/flux/, replaced the same way) that is still the file parsed then is
not parsed again. A changed, damaged or replaced file is a new `identite`: every check is made.

Each problem is one French sentence; a clean site gives an empty list.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import re
import sqlite3
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

from generator.commun.formats import taille_fr
from generator.commun.genere import GENERATED_DIRS
from generator.commun.store import identite
from generator.publication.transaction import controles_precedents, inventaire

_HREF = re.compile(r'<a\b[^>]*?\shref="([^"]*)"')
_HACHE = re.compile(r"\.([0-9a-f]{10})\.json$")
_INDEX_ANNEE = re.compile(r"([^/]+)/\d{4}/index\.html")  # a section's index split by year
_EXTERNE = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|//)", re.I)
TAILLE_MAX = 100_000_000
"""The largest file a static host accepts (GitHub Pages refuses a file over 100 MB): bytes."""


@dataclass
class Attendu:
    """What the site must hold, from the data it was built from."""

    deliberations: list[str] = field(default_factory=list)
    recueils: list[str] = field(default_factory=list)  # slugs
    subventions: int = 0
    originaux: dict[str, int] = field(default_factory=dict)  # address of each original PDF → its size in bytes
    flux: list[str] = field(default_factory=list)  # the feeds of the places and schemes (`pages.flux`), announced by their pages


def verifier(site: Path, attendu: Attendu, verifies: dict[str, int] | None = None, fichiers: dict[str, int] | None = None) -> list[str]:
    """The problems of the built `site`; `verifies`: the files of the previous version that passed this
    verification (its record, `publication.lire_record`: path → size), whose checks need not be redone
    where the file's name proves its bytes (the search's files named by their hash); `fichiers`: the
    site's files with their sizes (`publication.inventaire`) when the caller has them, not walked again."""
    site = Path(site)
    fichiers = inventaire(site) if fichiers is None else fichiers  # what is there: looked up, not asked of the disk file by file
    problemes: list[str] = []
    for nom in ("index.html", "404.html"):
        f = site / nom
        if nom not in fichiers or b"</html>" not in f.read_bytes()[-4096:]:
            problemes.append(f"la page {nom} est absente ou incomplète")
    if problemes:
        return problemes
    manquantes = [i for i in attendu.deliberations if f"deliberations/{i}/index.html" not in fichiers]
    if manquantes:
        problemes.append(f"{len(manquantes)} délibération(s) sans page, dont {', '.join(manquantes[:5])}")
    manquants = [s for s in attendu.recueils if f"recueils/{s}/index.html" not in fichiers]
    if manquants:
        problemes.append(f"recueil(s) sans page : {', '.join(manquants[:5])}")
    problemes += _originaux(site, attendu)
    problemes += _liens_des_index(site, fichiers)
    connus = controles_precedents(site)
    problemes += _recherche(site, verifies or {}, connus)
    problemes += _exports(site, attendu, connus)
    problemes += _flux(site, attendu, connus)
    problemes += _tailles(site, exclus=set(attendu.originaux), fichiers=fichiers)
    return problemes


def _tailles(site: Path, limite: int = TAILLE_MAX, exclus: set[str] | None = None, fichiers: dict[str, int] | None = None) -> list[str]:
    """Each file over `limite` bytes, named with its size (the largest first), but the `exclus`: the
    original PDFs, the publisher's documents as published, which this site cannot split (the build
    warns about them, `originaux_trop_gros`, and publishes all the same)."""
    gros = [
        (-taille, chemin)
        for chemin, taille in (fichiers or inventaire(site)).items()
        if taille > limite and chemin not in (exclus or set())
    ]
    return [
        f"{chemin} pèse {taille_fr(-moins)}, plus que les {taille_fr(limite)} qu'acceptent les hébergeurs statiques (GitHub Pages…)"
        for moins, chemin in sorted(gros)
    ]


def originaux_trop_gros(originaux: dict[str, int], limite: int = TAILLE_MAX) -> list[str]:
    """The warning of the build for each original PDF over `limite` bytes (`originaux`: address → size):
    published all the same, but a static host with that limit will refuse it."""
    return [
        f"ATTENTION : {url} pèse {taille_fr(taille)}, plus que les {taille_fr(limite)} qu'acceptent certains hébergeurs statiques "
        "(GitHub Pages…) ; le site est publié avec lui, mais un tel hébergeur refusera ce fichier : servez-le d'ailleurs ou "
        "réduisez-le (par exemple « qpdf --object-streams=generate » ou Ghostscript) avant de le déposer à nouveau."
        for url, taille in sorted(originaux.items())
        if taille > limite
    ]


def _flux(site: Path, attendu: Attendu, connus: dict | None = None) -> list[str]:
    """Each feed a place's or a scheme's page announces is there and parses, and so does the sitemap beside it
    (Material fetches sitemap.xml beside every feed a page's head announces: a 404 otherwise). `connus`: as
    `_exports`'s; a feed that is still the file the published version's verification parsed (a hard link
    from content/flux/, where a changed feed is a new file) is not parsed again."""
    mauvais = []
    plans = sorted({c.rsplit("/", 1)[0] + "/sitemap.xml" for c in attendu.flux if "/" in c})
    for chemin in [*attendu.flux, *plans]:
        if _inchange(site, chemin, connus or {}):
            continue
        try:
            ET.parse(site / chemin)
        except (OSError, ET.ParseError):
            mauvais.append(chemin)
    return (
        [
            f"{len(mauvais)} flux Atom de lieu ou de dispositif (ou leur plan, sitemap.xml) absent(s) ou illisible(s), dont {', '.join(mauvais[:5])}"
        ]
        if mauvais
        else []
    )


def _originaux(site: Path, attendu: Attendu) -> list[str]:
    """Each original PDF the pages link to is there, whole (its size; its bytes are the inbox's, hard-linked)."""
    absents = []
    for url, taille in sorted(attendu.originaux.items()):
        f = site / url
        if not f.is_file() or f.stat().st_size != taille:
            absents.append(url)
    if absents:
        return [f"{len(absents)} PDF original(aux) absent(s) ou incomplet(s), dont {', '.join(absents[:5])}"]
    return []


def _index(fichiers: dict[str, int]) -> list[str]:
    """The home page, each generated section's index, and the pages an index is split into (one per
    year…), by their path in the site (`fichiers`: its `inventaire`, looked up rather than the disk).
    Hand-written pages (« À propos »…) are not indexes: they may cite pages of the real corpus."""
    sections = sorted({*GENERATED_DIRS, "donnees"})
    par_annee: dict[str, list[str]] = {nom: [] for nom in sections}
    for f in fichiers:
        m = _INDEX_ANNEE.fullmatch(f)
        if m and m.group(1) in par_annee:
            par_annee[m.group(1)].append(f)
    pages = ["index.html"]
    for nom in sections:
        if f"{nom}/index.html" in fichiers:
            pages.append(f"{nom}/index.html")
        pages += sorted(par_annee[nom])
    return pages


def _cible_existe(dossier: str, href: str, fichiers: dict[str, int]) -> bool:
    """Whether a link of a page of the folder `dossier` (relative to the site) leads to a file of the site
    (`fichiers`: its `inventaire`), or a folder's index.html."""
    chemin = unquote(href.split("#", 1)[0].split("?", 1)[0])
    if not chemin:
        return True
    cible = os.path.normpath(os.path.join(dossier, chemin))
    if cible == ".." or cible.startswith(("../", "/")):
        return False
    return cible in fichiers or ("index.html" if cible == "." else f"{cible}/index.html") in fichiers


def _liens_des_index(site: Path, fichiers: dict[str, int]) -> list[str]:
    casses: list[str] = []
    for page in _index(fichiers):
        texte = (site / page).read_text(encoding="utf-8", errors="replace")
        dossier = os.path.dirname(page)
        for href in dict.fromkeys(_HREF.findall(texte)):
            if _EXTERNE.match(href) or href.startswith("#"):
                continue
            if not _cible_existe(dossier, href, fichiers):
                casses.append(f"{page} → {href}")
    if casses:
        return [f"{len(casses)} lien(s) des pages d'index sans cible, dont {' ; '.join(casses[:5])}"]
    return []


def _json(f: Path) -> object:
    return json.loads(f.read_bytes())


def _recherche(site: Path, verifies: dict[str, int], connus: dict | None = None) -> list[str]:
    """The search's manifest and files (see the module's docstring); `verifies` as `verifier`'s; `connus` as
    `_exports`'s: a file that is still the one the published version's verification read (hard-linked from
    content/recherche/, where a changed file is a new one) is not read again (ten years: 100 MB hashed)."""
    dossier = site / "recherche"
    manifeste = dossier / "manifeste.json"
    try:
        donnees = _json(manifeste)
    except (OSError, ValueError) as exc:
        return [f"recherche/manifeste.json illisible ({exc.__class__.__name__})"]
    noms: set[str] = set()

    def parcourir(x: object) -> None:
        if isinstance(x, dict):
            for v in x.values():
                parcourir(v)
        elif isinstance(x, list):
            for v in x:
                parcourir(v)
        elif isinstance(x, str) and x.endswith((".json", ".js")):
            noms.add(x)

    parcourir(donnees)
    problemes = []
    for nom in sorted(noms):
        if _inchange(site, f"recherche/{nom}", connus or {}):
            continue
        f = dossier / nom
        try:
            data = f.read_bytes()
        except OSError:
            problemes.append(f"recherche/{nom} annoncé par le manifeste mais absent")
            continue
        m = _HACHE.search(nom)
        if m and hashlib.sha256(data).hexdigest()[:10] != m.group(1):
            problemes.append(f"recherche/{nom} n'a pas le contenu que son nom annonce (fichier tronqué ou altéré)")
        elif m and verifies.get(f"recherche/{nom}") == len(data):
            continue  # the bytes its name names, parsed when the previous version was verified
        elif nom.endswith(".json"):
            try:
                json.loads(data)
            except ValueError:
                problemes.append(f"recherche/{nom} n'est pas du JSON valide")
    return problemes


def _inchange(site: Path, chemin: str, connus: dict) -> bool:
    """Whether the file `chemin` of the site (an export, a feed) is the file the previous verification passed
    (`connus`: its `publication.controles_precedents`): same `identite`."""
    deja = connus.get("identites", {}).get(chemin)
    return deja is not None and identite(site / chemin) == deja


def _compter(f: Path, *tables: str, integrite: bool = True) -> tuple[str, list[int]]:
    """quick_check's verdict on a database (without `integrite`: "ok", not checked), read-only, and the rows
    of each of `tables`."""
    con = sqlite3.connect(f"file:{f}?mode=ro&immutable=1", uri=True)
    try:
        etat = con.execute("PRAGMA quick_check").fetchone()[0] if integrite else "ok"
        return etat, [con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables]
    finally:
        con.close()


def _bases(d: Path, attendu: Attendu, connus: dict | None = None) -> list[str]:
    """recueil.sqlite holds every deliberation and grant; each year's text database opens, and together they
    hold every deliberation's texts (`connus`: as `_exports`'s, the databases not checked again)."""
    base = d / "recueil.sqlite"
    if not base.is_file():
        return ["donnees/recueil.sqlite absent"]
    problemes = []
    textes = sorted(d.glob("recueil-texte-*.sqlite"))
    total = 0
    for f in [base, *textes]:
        try:
            etat, (nd, *ns) = _compter(
                f,
                "deliberations",
                *(["subventions"] if f == base else []),
                integrite=not _inchange(d.parent, f"donnees/{f.name}", connus or {}),
            )
        except sqlite3.Error as exc:
            problemes.append(f"donnees/{f.name} illisible ({exc})")
            continue
        if etat != "ok":
            problemes.append(f"donnees/{f.name} endommagé ({etat})")
        if f != base:
            total += nd
        elif ns[0] != attendu.subventions or nd != len(attendu.deliberations):
            problemes.append(
                f"donnees/recueil.sqlite compte {nd} délibération(s) et {ns[0]} subvention(s) au lieu de "
                f"{len(attendu.deliberations)} et {attendu.subventions}"
            )
    if not problemes and total != len(attendu.deliberations):
        problemes.append(
            f"les bases de textes donnees/recueil-texte-*.sqlite ({len(textes)} fichier(s)) comptent {total} délibération(s) "
            f"au lieu de {len(attendu.deliberations)}"
        )
    return problemes


def _exports(site: Path, attendu: Attendu, connus: dict | None = None) -> list[str]:
    """The exports' checks (module docstring); `connus`: what the published version's verification passed
    (`publication.controles_precedents`), whose unchanged files are not read again."""
    d = site / "donnees"
    connus = connus or {}
    meme_compte = connus.get("resume", {}).get("subventions") == attendu.subventions  # what an unchanged file was counted against

    def a_lire(nom: str, compte: bool = False) -> bool:
        return not ((meme_compte or not compte) and _inchange(site, f"donnees/{nom}", connus))

    problemes = []
    try:
        if a_lire("subventions.csv", compte=True):
            with (d / "subventions.csv").open(encoding="utf-8", newline="") as f:
                lignes = sum(1 for _ in csv.reader(f)) - 1
            if lignes != attendu.subventions:
                problemes.append(f"donnees/subventions.csv compte {lignes} subvention(s) au lieu de {attendu.subventions}")
    except (OSError, csv.Error, UnicodeDecodeError) as exc:
        problemes.append(f"donnees/subventions.csv illisible ({exc.__class__.__name__})")
    try:
        if a_lire("subventions.json", compte=True):
            donnees = _json(d / "subventions.json")
            if not isinstance(donnees, list):
                problemes.append("donnees/subventions.json illisible (pas une liste de subventions)")
            elif len(donnees) != attendu.subventions:
                problemes.append(f"donnees/subventions.json compte {len(donnees)} subvention(s) au lieu de {attendu.subventions}")
    except (OSError, ValueError) as exc:
        problemes.append(f"donnees/subventions.json illisible ({exc.__class__.__name__})")
    for nom in ("subventions-scdl.csv", "deliberations-scdl.csv"):
        try:
            if a_lire(nom):
                with (d / nom).open(encoding="utf-8", newline="") as f:
                    entete = next(csv.reader(f), None)
                if not entete:
                    problemes.append(f"donnees/{nom} est vide")
        except (OSError, csv.Error, UnicodeDecodeError) as exc:
            problemes.append(f"donnees/{nom} illisible ({exc.__class__.__name__})")
    problemes += _bases(d, attendu, connus)
    for nom in ("flux.xml", "sitemap.xml"):
        try:
            ET.parse(site / nom)
        except (OSError, ET.ParseError) as exc:
            problemes.append(f"{nom} illisible ({exc.__class__.__name__})")
    return problemes

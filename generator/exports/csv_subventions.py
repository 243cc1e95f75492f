"""`subventions.csv` and `subventions.json`: one row per grant, with its places.

The row is the grant as published in site_data/subventions, flattened and
completed from the reference geography (commune, cantons, EPCI, territoire), so
that a spreadsheet user can filter and sum without knowing our JSON. Amounts are
plain decimals with a dot and two decimals (`3107.00`), never floats.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import io
import json
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

from generator.exports import ecritures as module_ecritures
from generator.exports.ecritures import Ecritures, Lignes, empreinte_json
from generator.exports.elus import empreinte_registre, lignes_elus, lignes_presences
from generator.lieux.places import Reference
from generator.lieux.places import slug as place_slug
from generator.records import JsonObject, PlaceRef
from generator.records.corpus import Corpus, SubventionPubliee, empreinte_valide

# (column, description) — the description feeds the « Données » page.
COLUMNS: list[tuple[str, str]] = [
    ("id", "Identifiant de la subvention sur ce site (numéro de délibération + rang)"),
    ("deliberation", "Numéro de la délibération qui attribue la subvention (ex. 2021-243)"),
    ("date", "Date de la délibération (AAAA-MM-JJ)"),
    ("organe", "Assemblée qui a délibéré (Conseil départemental, Commission permanente)"),
    ("beneficiaire", "Bénéficiaire, tel qu'écrit dans la délibération ou son annexe"),
    ("type_beneficiaire", "Nature du bénéficiaire : commune, epci, association, syndicat, gip, autre"),
    ("code_insee", "Code INSEE de la commune du projet, à défaut de la commune bénéficiaire"),
    ("commune", "Nom officiel de cette commune"),
    ("commune_ecrite", "Commune telle qu'écrite quand elle n'a pas pu être identifiée avec certitude"),
    ("siren_epci", "SIREN de l'intercommunalité quand le bénéficiaire EST un EPCI"),
    ("epci", "Nom de cette intercommunalité"),
    ("canton", "Code(s) du canton de la commune, séparés par « ; » quand la commune est partagée entre cantons"),
    ("territoire", "Territoire du Département (identifiant, ex. arrageois)"),
    ("objet", "Objet de la subvention"),
    ("montant", "Montant attribué en euros (point décimal)"),
    ("cout_projet", "Coût total du projet en euros, quand il est indiqué"),
    ("montant_eligible", "Dépense (assiette) éligible en euros, quand elle est indiquée"),
    ("taux", "Taux de subvention en pourcentage, quand il est indiqué"),
    ("dispositif", "Dispositif ou programme départemental"),
    ("imputation", "Imputation budgétaire (chapitre/article)"),
    ("tableau", "Titre du tableau annexé d'où la ligne est tirée"),
    ("reference_dossier", "Numéro de dossier du Département (ex. 2021-01843)"),
    ("source", "Fichier source et numéro de ligne (`fichier:ligne`) : où vérifier"),
    ("page", "Adresse de la page de la délibération sur ce site (relative à la racine)"),
    (
        "page_pdf",
        "Page du PDF original où figure la ligne de la subvention (sa ligne de tableau, ou son article) ; "
        "vide pour une source texte, dont la colonne source donne la ligne",
    ),
    (
        "url_original",
        "Adresse du PDF original sur ce site (relative à la racine), à ouvrir à la page voulue en ajoutant "
        "#page= et la page_pdf ; vide pour une source texte. L'original signé fait foi",
    ),
]
FIELDS = [c for c, _ in COLUMNS]
ENTIERS = frozenset({"page_pdf"})
"""The columns of whole numbers: integers in the JSON and the SQLite database, digits in the CSVs."""
CENT = Decimal("0.01")
TEXTE = frozenset(
    {
        "organe",
        "beneficiaire",
        "type_beneficiaire",
        "commune",
        "commune_ecrite",
        "epci",
        "territoire",
        "objet",
        "dispositif",
        "imputation",
        "tableau",
        "reference_dossier",
        "source",
    }
)
"""The columns of text, as read in the recueils or named by the publisher (`source`: the file's name): neutralised
in the CSVs for people (`neutraliser`). Amounts, rates, dates, codes and this site's identifiers never are."""
FORMULE = ("=", "+", "-", "@", "\t", "\r")


def decimal_text(value: Decimal | str | None) -> str:
    """`3107.00` from `3107`, `3107.0` or a Decimal; empty when unknown."""
    if value is None or value == "":
        return ""
    return format(Decimal(str(value)).quantize(CENT), "f")


def percent_text(value: Decimal | str | None) -> str:
    """`40` from `40.00`, `33.33` kept: one spelling per rate."""
    if value is None or value == "":
        return ""
    return format(Decimal(str(value)).normalize(), "f")


def centimes(value: Decimal | str) -> int:
    return int(Decimal(str(value)).quantize(CENT) * 100)


def _resolved(p: PlaceRef | None, kind: str) -> str | None:
    if p and p.kind == kind and p.status == "resolu" and p.code:
        return p.code
    return None


def _territoire(ref: Reference, insee: str | None, siren: str | None, written: str | None) -> str:
    """The reference territoire of the commune, else of the EPCI, else the written one if it is known."""
    for lieu in (ref.communes.get(insee or ""), ref.epci.get(siren or "")):
        if lieu and lieu.get("territoire"):
            territoire: str = lieu["territoire"]
            return territoire
    if written:
        s = place_slug(written)
        if s in ref.territoires:
            return s
        return written
    return ""


def lieux(corpus: Corpus, s: SubventionPubliee) -> tuple[str, str, str, str, str, str, str]:
    """The cells of grant `s`'s row that the reference geography decides (with its record): code_insee, commune,
    commune_ecrite, siren_epci, epci, canton, territoire (`row`); what keys its lines besides its record
    (`Rangees.cle_lignes`): a place renamed in the reference makes again the lines of its grants, no other."""
    ref = corpus.ref
    insee = corpus.commune_of(s)
    siren = _resolved(s.beneficiaire_ref, "epci")
    commune = ref.communes.get(insee) if insee else None
    ecrite = ""
    if not insee:
        for p in (s.commune_projet, s.beneficiaire_ref):
            if p and p.kind == "commune" and p.written:
                ecrite = p.written
                break
    return (
        insee or "",
        commune["nom"] if commune else "",
        ecrite,
        siren or "",
        ref.epci[siren]["nom"] if siren in ref.epci else "",
        ";".join(sorted(commune.get("cantons") or [])) if commune else "",
        _territoire(ref, insee, siren, s.territoire),
    )


def row(corpus: Corpus, s: SubventionPubliee) -> dict[str, str]:
    """The flat CSV row of one grant (every value a string)."""
    insee, commune, ecrite, siren, epci, canton, territoire = lieux(corpus, s)
    original = corpus.originaux.get(s.source)  # its published PDF (`Corpus.lier_originaux`)
    return {
        "id": s.id,
        "deliberation": s.deliberation,
        "date": s.date,
        "organe": s.acte.organe or "",
        "beneficiaire": s.beneficiaire or "",
        "type_beneficiaire": s.type_beneficiaire or "",
        "code_insee": insee,
        "commune": commune,
        "commune_ecrite": ecrite,
        "siren_epci": siren,
        "epci": epci,
        "canton": canton,
        "territoire": territoire,
        "objet": s.objet or "",
        "montant": decimal_text(s.montant),
        "cout_projet": decimal_text(s.cout_projet),
        "montant_eligible": decimal_text(s.montant_eligible),
        "taux": percent_text(s.taux),
        "dispositif": s.dispositif or "",
        "imputation": s.imputation or "",
        "tableau": s.tableau or "",
        "reference_dossier": s.reference or "",
        "source": f"{s.source}:{s.line}",
        "page": f"deliberations/{s.deliberation}/",
        "page_pdf": str(s.page_pdf) if s.page_pdf else "",
        "url_original": original["url"] if original else "",
    }


def sort_key(s: SubventionPubliee) -> tuple[str, str, str]:
    return (s.date, s.deliberation, s.id)


def rows(corpus: Corpus, subs: list[SubventionPubliee] | None = None, rangees: Rangees | None = None) -> list[dict[str, str]]:
    """Rows sorted by date, then deliberation, then grant id (made once per grant when `rangees` are given)."""
    subs = corpus.subventions if subs is None else subs
    if rangees is None:
        return [row(corpus, s) for s in sorted(subs, key=sort_key)]
    return [rangees.rangee(s) for s in sorted(subs, key=sort_key)]


def neutraliser(texte: str) -> str:
    """A text cell a spreadsheet would take for a formula (`=`, `+`, `-`, `@`, tab or carriage return
    first) behind a single quote, the OWASP way (« CSV injection »): shown as written, never run."""
    return "'" + texte if texte.startswith(FORMULE) else texte


class LignesCsv:
    """The lines of one CSV (RFC 4180: comma, minimal quoting, `\\n` line ends; or `separateur` and `fin`)
    one row at a time, each line alone (a row's line depends on it only: a file is its header and its rows'
    lines, in any selection); the cells of the columns `texte` neutralised (`neutraliser`: the CSVs for
    people, not the SCDL files). A row is a dict of the columns `fields` (a missing one empty, another one
    an error, as `csv.DictWriter` has them); the header is `fields`, or `titres`."""

    def __init__(
        self,
        fields: list[str],
        texte: frozenset[str] = frozenset(),
        separateur: str = ",",
        fin: str = "\n",
        titres: list[str] | None = None,
    ) -> None:
        self.fields, self.texte, self._noms = fields, texte, frozenset(fields)
        self._textes = [k in texte for k in fields]
        self._buf = io.StringIO()
        self._w = csv.writer(self._buf, delimiter=separateur, lineterminator=fin, quoting=csv.QUOTE_MINIMAL)
        # the csv module quotes a cell holding a line feed, not one holding a lone carriage return (not in
        # `lineterminator`): such a row is written all quoted, so that no reader cuts it in two
        self._cr = "\r" not in fin
        self._w_cr = csv.writer(self._buf, delimiter=separateur, lineterminator=fin, quoting=csv.QUOTE_ALL)
        self._w.writerow(fields if titres is None else titres)
        self.entete = self._vider()

    def _vider(self) -> str:
        texte = self._buf.getvalue()
        self._buf.seek(0)
        self._buf.truncate(0)
        return texte

    def valeurs(self, r: JsonObject) -> list[Any]:
        """The cells of row `r`, in the columns' order, neutralised where they are text."""
        if not r.keys() <= self._noms:
            raise ValueError(f"colonnes inconnues : {sorted(r.keys() - self._noms)}")
        cellules = [r.get(k, "") for k in self.fields]
        if self.texte:
            return [neutraliser(v) if t and isinstance(v, str) else v for t, v in zip(self._textes, cellules)]
        return cellules

    def ligne(self, r: JsonObject) -> str:
        cellules = self.valeurs(r)
        (self._w_cr if self._cr and any(isinstance(v, str) and "\r" in v for v in cellules) else self._w).writerow(cellules)
        return self._vider()


def csv_text(fields: list[str], data: list[JsonObject], texte: frozenset[str] = frozenset()) -> str:
    """The CSV of `data`, header first (`LignesCsv`)."""
    lignes = LignesCsv(fields, texte)
    return lignes.entete + "".join(lignes.ligne(r) for r in data)


# subventions-tableur.csv: French column titles, in the order of FIELDS.
TITRES = {
    "id": "Identifiant",
    "deliberation": "Délibération",
    "date": "Date",
    "organe": "Assemblée",
    "beneficiaire": "Bénéficiaire",
    "type_beneficiaire": "Nature du bénéficiaire",
    "code_insee": "Code INSEE",
    "commune": "Commune",
    "commune_ecrite": "Commune (telle qu'écrite)",
    "siren_epci": "SIREN de l'intercommunalité",
    "epci": "Intercommunalité",
    "canton": "Canton(s)",
    "territoire": "Territoire",
    "objet": "Objet",
    "montant": "Montant (€)",
    "cout_projet": "Coût du projet (€)",
    "montant_eligible": "Dépense éligible (€)",
    "taux": "Taux (%)",
    "dispositif": "Dispositif",
    "imputation": "Imputation budgétaire",
    "tableau": "Tableau annexé",
    "reference_dossier": "Dossier",
    "source": "Source (fichier:ligne)",
    "page": "Page sur le site",
    "page_pdf": "Page du PDF original",
    "url_original": "PDF original",
}
DECIMAUX = ("montant", "cout_projet", "montant_eligible", "taux")


def lignes_du_tableur() -> LignesCsv:
    """The lines of subventions-tableur.csv: what French Excel and LibreOffice open right by a double click —
    « ; » between cells, CRLF line ends (a cell holding « ; », a quote, a carriage return or a line feed
    quoted), French column titles; the text cells neutralised (`neutraliser`, as in `csv_text`). The rows are
    given with a decimal comma (`pour_tableur`)."""
    return LignesCsv(FIELDS, TEXTE, ";", "\r\n", [TITRES[c] for c in FIELDS])


def pour_tableur(r: JsonObject) -> JsonObject:
    """Row `r` with a decimal comma in its amounts and rate (`DECIMAUX`), for subventions-tableur.csv."""
    return {**r, **{c: r[c].replace(".", ",") for c in DECIMAUX}}


def tableur_fichier(entete: str, lignes: Iterable[str]) -> bytes:
    """subventions-tableur.csv from its header and lines (`lignes_du_tableur`): UTF-8 with a BOM, as the
    spreadsheets expect."""
    return b"\xef\xbb\xbf" + (entete + "".join(lignes)).encode("utf-8")


def tableur_text(data: list[JsonObject]) -> bytes:
    """subventions-tableur.csv of the rows `data` (`lignes_du_tableur`, `tableur_fichier`)."""
    lignes = lignes_du_tableur()
    return tableur_fichier(lignes.entete, (lignes.ligne(pour_tableur(r)) for r in data))


def json_ligne(r: JsonObject) -> str:
    """One record of `json_text`: empty cells null, amounts strings, whole numbers (`ENTIERS`) numbers, no spaces."""
    return json.dumps(
        {k: (None if v == "" else int(v) if k in ENTIERS else v) for k, v in r.items()}, ensure_ascii=False, separators=(",", ":")
    )


def json_lignes(lignes: list[str]) -> str:
    """A JSON array of the records `lignes` (`json_ligne`), one a line."""
    return "[\n" + ",\n".join(lignes) + "\n]\n" if lignes else "[]\n"


def json_text(data: list[JsonObject]) -> str:
    """The same records as a JSON array; empty cells become null, amounts stay strings, whole numbers
    (`ENTIERS`) are numbers. One record a line, without spaces: indented, the files were 15 % larger (ten synthetic
    years: 236 MB for subventions.json and the per-page files, 206 MB so)."""
    return json_lignes([json_ligne(r) for r in data])


class Rangees:
    """Each grant's row (`row`) and lines (`formater`: of subventions.csv, `LignesCsv` with `TEXTE`; of
    subventions.json, `json_ligne`; of subventions-tableur.csv), made once a build for every file that lists it:
    subventions.csv, .json and -tableur.csv, the per-page files (a grant is in about six), the SQLite export; and
    the rows of the élus and their presences (`exports.elus`), which the CSVs and the databases share (None: no
    registry).

    And what each row is made of (`cle`), so that a file of rows is keyed on its grants without making
    them (`cle_fichier`, `Ecritures.fichier`): a build without change formats no row. A grant's lines are
    kept from a build to the next (`ecritures`: `Ecritures.lignes_connues`, by `cle_lignes`): a month added
    formats the lines of its grants, and joins the others' as the last build made them."""

    def __init__(self, corpus: Corpus, alias: Mapping[str, str] | None = None, ecritures: Ecritures | None = None) -> None:
        self.corpus = corpus
        self.alias = alias  # the publisher's alias of élus the register was built with (None: unknown, its rows not keyed)
        self.ecritures = ecritures
        self.csv_lignes = LignesCsv(FIELDS, TEXTE)
        self.tableur_lignes = lignes_du_tableur()
        self._rangees: dict[str, dict[str, str]] = {}
        self._lignes: dict[str, tuple[str, ...]] = {}
        self.gardees: Lignes = {}  # the lines of this build's grants, by `cle_lignes` (kept for the next build)
        self._cles: dict[str, bytes] = {}
        self.relues: set[str] = set()  # the grants changed since read, keyed on their row (`cle`)

    @functools.cached_property
    def ordre(self) -> list[SubventionPubliee]:
        """The corpus's grants in the order of the files (`sort_key`)."""
        return sorted(self.corpus.subventions, key=sort_key)

    @functools.cached_property
    def geographie(self) -> str:
        return self.corpus.ref.empreinte()

    def cle(self, s: SubventionPubliee) -> bytes:
        """The digest of what `row` makes of grant `s` but the reference geography (in `cle_fichier`): the dict
        of site_data/ it was read from (`empreinte_valide`: its own fields), its deliberation's date and
        assembly and its published PDF's address; a grant changed since it was read (no such digest), its
        row itself."""
        k = self._cles.get(s.id)
        if k is None:
            lu = empreinte_valide(s)
            if lu is None:
                self.relues.add(s.id)
                texte = "\x1dligne\x1f" + self.json(s)
            else:
                original = self.corpus.originaux.get(s.source)
                texte = "\x1f".join(("\x1dlu", lu, s.date, s.acte.organe or "", original["url"] if original else ""))
            k = self._cles[s.id] = hashlib.sha256(texte.encode()).digest()
        return k

    @functools.cached_property
    def _cles_ordre(self) -> bytes:
        """The `cle` of every grant, in `ordre` (the main files, the core database, the SCDL files, the per-place group)."""
        return b"".join(map(self.cle, self.ordre))

    def cles(self, subs: Iterable[SubventionPubliee]) -> bytes:
        """The `cle` of the grants `subs`, in that order (what `cle_fichier` keys a file listing them on)."""
        return self._cles_ordre if subs is self.ordre else b"".join(map(self.cle, subs))

    def cle_fichier(self, nom: str, subs: Iterable[SubventionPubliee] | bytes, *autres: str) -> str:
        """The key of the file `nom` (its path in the exports folder) that lists the grants `subs` in that order
        (or their `cles`, for files that list the same): the code, the reference geography, its name, each grant's
        `cle` and the texts `autres`."""
        h = hashlib.sha256("\x1f".join((module_ecritures.empreinte_code(), self.geographie, nom, *autres)).encode())
        h.update(subs if isinstance(subs, bytes) else self.cles(subs))
        return h.hexdigest()

    @functools.cached_property
    def deliberations(self) -> str | None:
        """What the deliberations' rows are made of (deliberations.csv, the SCDL files): each one's dict of site_data/
        (`empreinte_valide`), recueil and published PDF's address; None when one was changed since read."""
        lues = []
        for d in sorted(self.corpus.deliberations.values(), key=lambda d: d.id):
            empreinte, original = empreinte_valide(d), self.corpus.originaux.get(d.source)
            if empreinte is None:
                return None
            lues.append([d.id, empreinte, d.recueil, original["url"] if original else None])
        return empreinte_json(lues)

    @functools.cached_property
    def elus(self) -> list[list[str]] | None:
        reg = getattr(self.corpus, "elus", None)  # `generator.elus.personnes.Registre`, set by the build
        return lignes_elus(reg) if reg is not None else None

    @functools.cached_property
    def presences(self) -> list[list[str]] | None:
        reg = getattr(self.corpus, "elus", None)
        return lignes_presences(reg) if reg is not None else None

    @functools.cached_property
    def registre(self) -> str | None:
        """What the élus' rows are made of (`exports.elus.empreinte_registre`); None: not known (no register or no alias given)."""
        return empreinte_registre(self.corpus, self.alias) if getattr(self.corpus, "elus", None) is not None else None

    def rangee(self, s: SubventionPubliee) -> dict[str, str]:
        r = self._rangees.get(s.id)
        if r is None:
            r = self._rangees[s.id] = row(self.corpus, s)
        return r

    def cle_lignes(self, s: SubventionPubliee) -> bytes | None:
        """What grant `s`'s lines are made of: its row's (`cle`: its record as read, its deliberation's date and
        assembly, its PDF's address), the cells the reference geography decides (`lieux`: its commune's name and
        cantons, its EPCI's name, its territoire); the code is the cache's (`Ecritures.lignes_connues`). None for
        a grant changed since read (its lines made each time)."""
        if empreinte_valide(s) is None:
            return None
        return hashlib.sha256(self.cle(s) + "\x1f".join(lieux(self.corpus, s)).encode()).digest()

    def lignes(self, s: SubventionPubliee) -> tuple[str, ...]:
        """Grant `s`'s lines (CSV, JSON, spreadsheet): as the last build made them from the same (`cle_lignes`),
        else formatted (`formater`)."""
        lignes = self._lignes.get(s.id)
        if lignes is None:
            cle = self.cle_lignes(s)
            if cle is not None and self.ecritures is not None:
                lignes = self.ecritures.lignes_connues().get(cle)
            if lignes is None:
                lignes = formater(self, s)
            if cle is not None:
                self.gardees[cle] = lignes
            self._lignes[s.id] = lignes
        return lignes

    def csv(self, s: SubventionPubliee) -> str:
        return self.lignes(s)[0]

    def json(self, s: SubventionPubliee) -> str:
        return self.lignes(s)[1]

    def tableur(self, s: SubventionPubliee) -> str:
        return self.lignes(s)[2]

    def garder(self) -> None:
        """Keep this build's lines for the next one (`Ecritures.garder_lignes`)."""
        if self.ecritures is not None:
            self.ecritures.garder_lignes(self.gardees, len(self._lignes) == len(self.corpus.subventions))


def formater(rangees: Rangees, s: SubventionPubliee) -> tuple[str, str, str]:
    """Grant `s`'s line in subventions.csv, in subventions.json and in subventions-tableur.csv, from its row."""
    r = rangees.rangee(s)
    return rangees.csv_lignes.ligne(r), json_ligne(r), rangees.tableur_lignes.ligne(pour_tableur(r))


def write(corpus: Corpus, out_dir: Path, rangees: Rangees | None = None, ecritures: Ecritures | None = None) -> list[Path]:
    """subventions.csv, subventions.json and subventions-tableur.csv."""
    rangees = rangees or Rangees(corpus)
    ecritures = ecritures or Ecritures(out_dir)
    subs = rangees.ordre
    paths = [out_dir / "subventions.csv", out_dir / "subventions.json", out_dir / "subventions-tableur.csv"]
    faire: list[Callable[[Rangees, list[SubventionPubliee]], str | bytes]] = [lignes_csv, lignes_json, lignes_tableur]
    for chemin, texte in zip(paths, faire, strict=True):
        ecritures.fichier(chemin, rangees.cle_fichier(chemin.name, subs), functools.partial(texte, rangees, subs), len(subs))
    return paths


def lignes_csv(rangees: Rangees, subs: list[SubventionPubliee]) -> str:
    """The CSV of the grants `subs` (in that order), from their lines made once (`Rangees.csv`)."""
    return rangees.csv_lignes.entete + "".join(rangees.csv(s) for s in subs)


def lignes_tableur(rangees: Rangees, subs: list[SubventionPubliee]) -> bytes:
    """subventions-tableur.csv of the grants `subs` (in that order), from their lines made once (`Rangees.tableur`)."""
    return tableur_fichier(rangees.tableur_lignes.entete, map(rangees.tableur, subs))


def lignes_json(rangees: Rangees, subs: list[SubventionPubliee]) -> str:
    """The JSON array of the grants `subs` (in that order), from their lines made once (`Rangees.json`)."""
    return json_lignes([rangees.json(s) for s in subs])

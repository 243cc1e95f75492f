"""`subventions.csv` and `subventions.json`: one row per grant, with its places.

The row is the grant as published in site_data/subventions, flattened and
completed from the reference geography (commune, cantons, EPCI, territoire), so
that a spreadsheet user can filter and sum without knowing our JSON. Amounts are
plain decimals with a dot and two decimals (`3107.00`), never floats.
"""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from pathlib import Path

from generator.commun.store import write_bytes, write_text
from generator.lieux.places import Reference
from generator.lieux.places import slug as place_slug
from generator.records import JsonObject, PlaceRef
from generator.records.corpus import Corpus, SubventionPubliee

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


def row(corpus: Corpus, s: SubventionPubliee) -> dict[str, str]:
    """The flat CSV row of one grant (every value a string)."""
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
    original = corpus.originaux.get(s.source)  # its published PDF (`Corpus.lier_originaux`)
    return {
        "id": s.id,
        "deliberation": s.deliberation,
        "date": s.date,
        "organe": s.acte.organe or "",
        "beneficiaire": s.beneficiaire or "",
        "type_beneficiaire": s.type_beneficiaire or "",
        "code_insee": insee or "",
        "commune": commune["nom"] if commune else "",
        "commune_ecrite": ecrite,
        "siren_epci": siren or "",
        "epci": ref.epci[siren]["nom"] if siren in ref.epci else "",
        "canton": ";".join(sorted(commune.get("cantons") or [])) if commune else "",
        "territoire": _territoire(ref, insee, siren, s.territoire),
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


def rows(corpus: Corpus, subs: list[SubventionPubliee] | None = None) -> list[dict[str, str]]:
    """Rows sorted by date, then deliberation, then grant id."""
    subs = corpus.subventions if subs is None else subs
    return [row(corpus, s) for s in sorted(subs, key=sort_key)]


def neutraliser(texte: str) -> str:
    """A text cell a spreadsheet would take for a formula (`=`, `+`, `-`, `@`, tab or carriage return
    first) behind a single quote, the OWASP way (« CSV injection »): shown as written, never run."""
    return "'" + texte if texte.startswith(FORMULE) else texte


def csv_text(fields: list[str], data: list[JsonObject], texte: frozenset[str] = frozenset()) -> str:
    """RFC 4180 CSV (comma, minimal quoting, `\\n` line ends), header first; the cells of the columns
    `texte` neutralised (`neutraliser`: the CSVs for people, not the SCDL files)."""
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=fields, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    # the csv module quotes a cell holding a line feed, not one holding a lone carriage return (not in
    # `lineterminator`): such a row is written all quoted, so that no reader cuts it in two
    w_cr = csv.DictWriter(buf, fieldnames=fields, lineterminator="\n", quoting=csv.QUOTE_ALL)
    w.writeheader()
    for r in data:
        r = {k: neutraliser(v) if k in texte else v for k, v in r.items()} if texte else r
        (w_cr if any("\r" in v for v in r.values() if isinstance(v, str)) else w).writerow(r)
    return buf.getvalue()


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


def tableur_text(data: list[JsonObject]) -> bytes:
    """subventions-tableur.csv: what French Excel and LibreOffice open right by a double click — UTF-8
    with a BOM, « ; » between cells, a decimal comma, CRLF line ends, French column titles; the text
    cells neutralised (`neutraliser`, through `csv_text`)."""
    fr = [{**r, **{c: r[c].replace(".", ",") for c in DECIMAUX}} for r in data]
    text = csv_text(FIELDS, fr, TEXTE)
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    reader = csv.reader(io.StringIO(text, newline=""))
    next(reader)
    w.writerow([TITRES[c] for c in FIELDS])
    w.writerows(reader)
    return b"\xef\xbb\xbf" + buf.getvalue().encode("utf-8")


def json_text(data: list[JsonObject]) -> str:
    """The same records as a JSON array; empty cells become null, amounts stay strings, whole numbers
    (`ENTIERS`) are numbers. One record a line, without spaces: indented, the files were 15 % larger (ten synthetic
    years: 236 MB for subventions.json and the per-page files, 206 MB so)."""
    out = [{k: (None if v == "" else int(v) if k in ENTIERS else v) for k, v in r.items()} for r in data]
    if not out:
        return "[]\n"
    return "[\n" + ",\n".join(json.dumps(r, ensure_ascii=False, separators=(",", ":")) for r in out) + "\n]\n"


def write(corpus: Corpus, out_dir: Path) -> list[Path]:
    data = rows(corpus)
    paths = [out_dir / "subventions.csv", out_dir / "subventions.json", out_dir / "subventions-tableur.csv"]
    write_text(paths[0], csv_text(FIELDS, data, TEXTE), durable=False)
    write_text(paths[1], json_text(data), durable=False)
    write_bytes(paths[2], tableur_text(data), durable=False)
    return paths

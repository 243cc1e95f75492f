"""Open-data exports: real values from the corpus, SCDL conformity, deterministic files.

The SCDL validator below reads the Table Schema (fields, types, constraints) and
its `custom_checks` the way validata.fr does, so the test fails on any invalid
cell without depending on `frictionless` or `validata-table`.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
import sqlite3
import unicodedata
from decimal import Decimal
from pathlib import Path

import pytest
from markupsafe import Markup

from generator.exports import csv_subventions, fichiers_meta, scdl, taille_fr, telechargements, write_all
from generator.exports import sqlite as exp_sqlite
from generator.lieux import places
from generator.records import Article, Deliberation
from generator.records.corpus import DEPARTEMENT, Corpus

from conftest import ROOT

FIXTURES = ROOT / "tests" / "fixtures"


# -- a Table Schema + SCDL custom checks validator ----------------------------

ACTES_NIVEAU_1 = {
    "commande publique",
    "urbanisme",
    "domaine et patrimoine",
    "fonction publique",
    "institutions et vie politique",
    "libertes publiques et pouvoirs de police",
    "finances locales",
    "domaines de competences par themes",
    "autres domaines de competences",
}
NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
INTEGER = re.compile(r"[+-]?\d+")


def _plain(s: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", s) if unicodedata.category(c) != "Mn").lower().strip()


def _siret_ok(v: str) -> bool:
    if not re.fullmatch(r"\d{14}", v):
        return False
    if v.startswith("356000000"):
        return sum(map(int, v)) % 5 == 0
    total = 0
    for i, c in enumerate(reversed(v)):
        n = int(c) * (2 if i % 2 else 1)
        total += n - 9 if n > 9 else n
    return total % 10 == 0


def _typed(field: dict, v: str):
    """The cell's value in its schema type, or raise ValueError."""
    t = field.get("type", "string")
    if t == "string":
        if field.get("format") == "uri" and not re.fullmatch(r"[A-Za-z][A-Za-z0-9+.-]*://[^\s/]+\S*", v):
            raise ValueError("URI absolue attendue")
        return v
    if t == "date":
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", v):
            raise ValueError("date AAAA-MM-JJ attendue")
        return dt.date.fromisoformat(v)
    if t == "number":
        if not NUMBER.fullmatch(v):
            raise ValueError("nombre attendu (point décimal)")
        return Decimal(v)
    if t == "integer":
        if not INTEGER.fullmatch(v):
            raise ValueError("entier attendu")
        return int(v)
    if t == "boolean":
        if v in field.get("trueValues", ["true", "True", "TRUE", "1"]):
            return True
        if v in field.get("falseValues", ["false", "False", "FALSE", "0"]):
            return False
        raise ValueError("booléen attendu")
    raise AssertionError(f"type non géré par le validateur : {t}")


def validate_scdl(schema: dict, text: str) -> list[tuple[int, str, str]]:
    """(row number, column, check) for every violation; row 1 is the header."""
    errors = []
    reader = csv.reader(text.splitlines())
    header = next(reader)
    fields = schema["fields"]
    if header != [f["name"] for f in fields]:
        errors.append((1, "*", "en-tete"))
    by_name = {f["name"]: f for f in fields}
    for n, cells in enumerate(reader, 2):
        if len(cells) != len(header):
            errors.append((n, "*", "nombre-de-cellules"))
            continue
        row = dict(zip(header, cells))
        typed = {}
        for name, v in row.items():
            f = by_name.get(name, {})
            c = f.get("constraints", {})
            if v == "":
                if c.get("required"):
                    errors.append((n, name, "required"))
                continue
            try:
                typed[name] = _typed(f, v)
            except ValueError:
                errors.append((n, name, "type"))
                continue
            if "pattern" in c and not re.fullmatch(c["pattern"], v):
                errors.append((n, name, "pattern"))
            if "enum" in c and v not in c["enum"]:
                errors.append((n, name, "enum"))
            if "maxLength" in c and len(v) > c["maxLength"]:
                errors.append((n, name, "maxLength"))
            if "minLength" in c and len(v) < c["minLength"]:
                errors.append((n, name, "minLength"))
            if "minimum" in c and typed[name] < Decimal(str(c["minimum"])):
                errors.append((n, name, "minimum"))
            if "maximum" in c and typed[name] > Decimal(str(c["maximum"])):
                errors.append((n, name, "maximum"))
        for check in schema.get("custom_checks", []):
            p, name = check["params"], check["name"]
            col = p.get("column")
            if name == "french-siret-value":
                if row.get(col) and not _siret_ok(row[col]):
                    errors.append((n, col, name))
            elif name == "one-of-required":
                if not row.get(p["column1"]) and not row.get(p["column2"]):
                    errors.append((n, f"{p['column1']}|{p['column2']}", name))
            elif name == "sum-columns-value":
                if col in typed and all(c in typed for c in p["columns"]) and typed[col] != sum(typed[c] for c in p["columns"]):
                    errors.append((n, col, name))
            elif name == "compare-columns-value":
                a, b = typed.get(col), typed.get(p["column2"])
                ops = {
                    ">=": lambda x, y: x >= y,
                    ">": lambda x, y: x > y,
                    "<=": lambda x, y: x <= y,
                    "<": lambda x, y: x < y,
                    "==": lambda x, y: x == y,
                }
                if a is not None and b is not None and not ops[p["op"]](a, b):
                    errors.append((n, col, name))
            elif name == "cohesive-columns-value":
                filled = [bool(row.get(c)) for c in [col] + p["othercolumns"]]
                if any(filled) and not all(filled):
                    errors.append((n, col, name))
            elif name == "year-interval-value":
                v = row.get(col)
                if v:
                    m = re.fullmatch(r"(\d{4})(?:/(\d{4}))?", v)
                    if not m or (m.group(2) is None and p.get("allow-year-only") != "yes") or (m.group(2) and m.group(2) <= m.group(1)):
                        errors.append((n, col, name))
            elif name == "nomenclature-actes-value":
                v = row.get(col)
                if v and ("/" not in v or _plain(v.split("/")[0]) not in ACTES_NIVEAU_1):
                    errors.append((n, col, name))
            else:
                raise AssertionError(f"contrôle personnalisé inconnu : {name}")
    return errors


def test_validator_rejects_bad_subvention_row():
    text = (FIXTURES / "exports_scdl_subventions_invalide.csv").read_text(encoding="utf-8")
    found = {(col, check) for _, col, check in validate_scdl(scdl.schema("subventions"), text)}
    assert found == {
        ("idAttribuant", "french-siret-value"),
        ("dateConvention", "type"),
        ("montant", "type"),
        ("nature", "enum"),
        ("notificationUE", "type"),
        ("pourcentageSubvention", "maximum"),
        ("idBeneficiaire|rnaBeneficiaire", "one-of-required"),
    }


def test_validator_rejects_bad_deliberation_row():
    text = (FIXTURES / "exports_scdl_deliberations_invalide.csv").read_text(encoding="utf-8")
    found = {(col, check) for _, col, check in validate_scdl(scdl.schema("deliberations"), text)}
    assert found == {
        ("DELIB_MATIERE_NOM", "nomenclature-actes-value"),
        ("BUDGET_ANNEE", "cohesive-columns-value"),
        ("PREF_DATE", "compare-columns-value"),
        ("VOTE_REEL", "sum-columns-value"),
        ("DELIB_URL", "type"),
    }


def test_validator_rejects_wrong_header():
    text = "COLL_SIRET,COLL_NOM\n22620001200012,Département du Pas-de-Calais\n"
    assert (1, "*", "en-tete") in validate_scdl(scdl.schema("deliberations"), text)


def test_formats():
    assert csv_subventions.decimal_text("2000") == "2000.00"
    assert csv_subventions.decimal_text(Decimal("3107.0")) == "3107.00"
    assert csv_subventions.decimal_text(None) == ""
    assert csv_subventions.percent_text("40.00") == "40" and csv_subventions.percent_text("33.33") == "33.33"
    assert csv_subventions.centimes("5450715.82") == 545071582
    assert taille_fr(640) == "640 octets" and taille_fr(92_400) == "92 Ko" and taille_fr(1_820_651) == "1,8 Mo"


def _delib(titre: str = "", articles: tuple[str, ...] = ()) -> Deliberation:
    """A deliberation with only a title and articles (the rules read nothing else)."""
    arts = [Article(str(i), t, 1) for i, t in enumerate(articles, 1)]
    return Deliberation(
        "2021-1", None, "s.txt", 1, 2, titre, "cp-2021-01-01", "Commission permanente", DEPARTEMENT, "2021-01-01", articles=arts
    )


def test_matiere_and_versement_rules():
    assert scdl.matiere(_delib("PROGRAMMATION FARDA AMENAGEMENT"), True)[0] == "7.5"
    assert scdl.matiere(_delib("RD 939 - A26 PROJET D'AMÉNAGEMENT D'UN GIRATOIRE À MARQUION"), False)[0] == "8.3"
    assert scdl.matiere(_delib("AGIR POUR UNE AGRICULTURE URBAINE"), False)[0] == "8.8"
    assert scdl.matiere(_delib("ETUDE OPERATIONNELLE POUR LA MISE EN PLACE D'UNE DOTATION"), False) == (
        "9.2",
        "autres domaines de compétences/autres domaines de compétences des départements",
    )
    staged = _delib(articles=("le Département pourra effectuer un premier versement de 50 % du montant",))
    assert scdl.conditions_versement(staged) == "échelonné"
    assert scdl.conditions_versement(_delib(articles=("D'attribuer une subvention.",))) == "autre"


# -- the real corpus -------------------------------------------------------------


@pytest.fixture(scope="module")
def corpus(donnees):
    """The four real documents as extracted by the copy of the project built from tests/fixtures."""
    return Corpus.load(donnees, places.reference())


@pytest.fixture(scope="module")
def exported(corpus, tmp_path_factory):
    out = tmp_path_factory.mktemp("site") / "donnees"
    paths = write_all(corpus, out)
    return out, paths


def read_csv(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_subventions_csv_wancourt(exported):
    out, _ = exported
    rows = read_csv(out / "subventions.csv")
    w = [r for r in rows if r["code_insee"] == "62873" and r["deliberation"] == "2021-243"]
    assert len(w) == 1
    r = w[0]
    assert (r["date"], r["montant"], r["cout_projet"], r["taux"], r["dispositif"]) == (
        "2021-06-07",
        "3107.00",
        "15534.00",
        "20",
        "FARDA aménagement",
    )
    assert (r["commune"], r["canton"], r["territoire"], r["reference_dossier"]) == ("Wancourt", "6204", "arrageois", "2021-01843")
    assert r["source"].startswith("004_45492b4b56f19b50.txt:") and r["siren_epci"] == ""


def test_une_source_texte_n_a_ni_page_ni_original(exported):
    """The four documents here are text: their rows cite their lines (`source`), with no PDF page nor
    original (tests/test_original_pdf.py exports the same grants from PDFs, with their pages)."""
    out, _ = exported
    rows = read_csv(out / "subventions.csv")
    assert list(rows[0])[-3:] == ["page", "page_pdf", "url_original"]
    assert {(r["page_pdf"], r["url_original"]) for r in rows} == {("", "")}
    b = next(r for r in rows if r["id"] == "2021-243-0079")  # Baincthun, FARDA aménagement
    assert (b["commune"], b["montant"], b["source"]) == ("Baincthun", "3500.00", "004_45492b4b56f19b50.txt:17804")
    data = json.loads((out / "subventions.json").read_text(encoding="utf-8"))
    assert {(d["page_pdf"], d["url_original"]) for d in data} == {(None, None)}
    con = sqlite3.connect(out / "recueil.sqlite")
    try:
        assert con.execute("SELECT COUNT(*) FROM subventions WHERE page_pdf IS NULL AND url_original IS NULL").fetchone() == (524,)
        assert con.execute(
            "SELECT source, line, line_end, page_debut, page_fin, url_original FROM deliberations WHERE id = '2021-243'"
        ).fetchone() == ("004_45492b4b56f19b50.txt", 17453, 18137, None, None, None)
    finally:
        con.close()
    con = sqlite3.connect(out / "recueil-texte-2021.sqlite")
    try:
        assert con.execute("SELECT line, page_pdf FROM rapports WHERE deliberation = '2021-243'").fetchone() == (18006, None)
        assert con.execute("SELECT line, page_pdf FROM annexes WHERE deliberation = '2021-243'").fetchall() == [(17638, None)]
    finally:
        con.close()


def test_subventions_csv_totals_and_order(exported, corpus):
    out, _ = exported
    raw = (out / "subventions.csv").read_bytes()
    assert b"\r\n" not in raw and raw.decode("utf-8").startswith("id,deliberation,date,")
    rows = read_csv(out / "subventions.csv")
    assert len(rows) == len(corpus.subventions) == 524
    assert all(re.fullmatch(r"\d+\.\d{2}", r["montant"]) for r in rows)
    assert [(r["date"], r["deliberation"], r["id"]) for r in rows] == sorted((r["date"], r["deliberation"], r["id"]) for r in rows)
    r117 = [r for r in rows if r["deliberation"] == "2019-117"]
    assert len(r117) == 19 and sum(Decimal(r["montant"]) for r in r117) == Decimal("6167760")
    r243 = [r for r in rows if r["deliberation"] == "2021-243"]
    assert len(r243) == 179 and sum(Decimal(r["montant"]) for r in r243) == Decimal("5450715.82")  # article 1 of 2021-243
    assert sum(Decimal(r["montant"]) for r in rows) == Decimal("26157871.27")


def test_subventions_places(exported):
    out, _ = exported
    rows = {r["id"]: r for r in read_csv(out / "subventions.csv")}
    calais = rows["2019-117-0019"]  # Calais is shared between three cantons
    assert (calais["code_insee"], calais["canton"], calais["territoire"]) == ("62193", "6218;6219;6220", "calaisis")
    epci = rows["2019-117-0006"]  # the beneficiary IS the EPCI
    assert (epci["type_beneficiaire"], epci["siren_epci"], epci["code_insee"], epci["territoire"]) == (
        "epci",
        "200069037",
        "",
        "audomarois",
    )


def test_subventions_json_same_records(exported):
    out, _ = exported
    rows = read_csv(out / "subventions.csv")
    texte = (out / "subventions.json").read_text(encoding="utf-8")
    data = json.loads(texte)
    assert len(data) == len(rows)
    # one record a line, without spaces (indented, 15 % larger): the array's brackets on their own lines
    lignes = texte.splitlines()
    assert len(lignes) == len(data) + 2 and lignes[0] == "[" and lignes[-1] == "]"
    assert lignes[1].startswith('{"id":"2019-117-0001","deliberation":"2019-117","date":"2019-04-29",')
    assert all(json.loads(ligne.rstrip(",")) == d for ligne, d in zip(lignes[1:-1], data))
    assert [d["id"] for d in data] == [r["id"] for r in rows]
    w = next(d for d in data if d["id"] == "2021-243-0179")
    assert w["montant"] == "3107.00" and w["code_insee"] == "62873" and w["siren_epci"] is None


def test_par_lieu_baincthun(exported, corpus):
    out, paths = exported
    rel = telechargements(corpus)
    assert rel[("commune", "62075")] == "communes/baincthun"
    rows = read_csv(out / (rel[("commune", "62075")] + ".csv"))
    assert len(rows) == 3 and sum(Decimal(r["montant"]) for r in rows) == Decimal("106000.00")
    assert {r["reference_dossier"] for r in rows} == {"2021-00475", "2021-00483", "2021-00517"}
    # the same rows in its JSON, amounts as decimal strings
    data = json.loads((out / "communes" / "baincthun.json").read_text(encoding="utf-8"))
    assert [d["id"] for d in data] == [r["id"] for r in rows] and {d["montant"] for d in data} == {r["montant"] for r in rows}
    # two files (CSV, JSON) for every page with a grant, none for the others, nothing else written
    files = {p.relative_to(out).as_posix() for p in paths if p.parent not in (out, out / "schemas")}
    assert files == {f"{r}.{ext}" for r in rel.values() for ext in ("csv", "json")}
    assert len([k for k in rel if k[0] == "commune"]) == len(corpus.par_commune) == 345
    assert not (out / "communes" / "warlus.csv").exists() or ("commune", "62878") in rel
    epci = read_csv(out / (rel[("epci", "200069037")] + ".csv"))
    assert "2019-117-0006" in {r["id"] for r in epci}  # its own grant, alongside its communes'


def test_scdl_subventions_valid(exported, corpus):
    out, _ = exported
    text = (out / "subventions-scdl.csv").read_text(encoding="utf-8")
    assert validate_scdl(scdl.schema("subventions"), text) == []  # valid as published: identified beneficiaries only
    assert len(read_csv(out / "subventions-scdl.csv")) == 1
    # every row before the filter: no beneficiary SIRET/RNA is printed in the recueils (left empty, never invented)
    rows = scdl.subventions_rows(corpus)
    assert len(rows) == 524
    # the one SIRET printed in the corpus' conventions (GIP Pas-de-Calais Actif, 004 line 1686) fills its row
    assert [(r["referenceDecision"], r["idBeneficiaire"], r["montant"]) for r in rows if r["idBeneficiaire"]] == [
        ("2021-233", "18620009300083", "534172.00")
    ]
    w = next(r for r in rows if r["referenceDecision"] == "2021-243" and r["nomBeneficiaire"] == "COMMUNE DE WANCOURT")
    assert (w["idAttribuant"], w["dateConvention"], w["montant"], w["nature"], w["conditionsVersement"]) == (
        "22620001200012",
        "2021-06-07",
        "3107.00",
        "aide en numéraire",
        "échelonné",
    )
    assert {r["conditionsVersement"] for r in rows if r["referenceDecision"] == "2019-117"} == {"autre"}


def test_scdl_identifiants_only_when_checked(corpus):
    from generator.controle.identifiants import Identifiant, siret_valide

    wancourt = corpus.ref.communes["62873"]["siren"]
    good = next(wancourt + f"{nic:05d}" for nic in range(100) if siret_valide(wancourt + f"{nic:05d}"))
    table = [
        Identifiant("62873", good, "", "test", 2),
        Identifiant("62075", "21620075800000", "", "test", 3),  # bad checksum
        Identifiant("Les Amis du Fort d'Ambleteuse", "", "W623000001", "test", 4),
    ]
    rows = scdl.subventions_rows(corpus, table)
    assert {r["idBeneficiaire"] for r in rows if r["nomBeneficiaire"] == "COMMUNE DE WANCOURT"} == {good}
    assert {r["idBeneficiaire"] for r in rows if r["nomBeneficiaire"] == "COMMUNE DE BAINCTHUN"} == {""}
    assert {(r["idBeneficiaire"], r["rnaBeneficiaire"]) for r in rows if "Ambleteuse" in r["nomBeneficiaire"]} == {("", "W623000001")}
    # the file's rows: the identified ones only, the same rows in the same order
    assert scdl.subventions_rows(corpus, table, identifiees=True) == [r for r in rows if r["idBeneficiaire"] or r["rnaBeneficiaire"]]
    assert {r["nomBeneficiaire"] for r in scdl.subventions_rows(corpus, table, identifiees=True)} >= {"COMMUNE DE WANCOURT"}


def test_scdl_deliberations_valid(exported):
    out, _ = exported
    text = (out / "deliberations-scdl.csv").read_text(encoding="utf-8")
    assert validate_scdl(scdl.schema("deliberations"), text) == []
    rows = read_csv(out / "deliberations-scdl.csv")
    assert len(rows) == 27  # the partner body's (CABBALR) deliberation is not the Département's
    assert all(r["COLL_NOM"] == "Département du Pas-de-Calais" for r in rows)
    r = next(r for r in rows if r["DELIB_ID"] == "2021-243")
    assert (r["DELIB_MATIERE_CODE"], r["PREF_ID"], r["PREF_DATE"], r["VOTE_EFFECTIF"], r["VOTE_REEL"], r["VOTE_POUR"]) == (
        "7.5",
        "PREF062",
        "2021-07-05",
        "43",
        "42",
        "42",
    )
    r121 = next(r for r in rows if r["DELIB_ID"] == "2019-121")
    assert (r121["VOTE_EFFECTIF"], r121["VOTE_POUR"], r121["VOTE_ABSTENTION"], r121["PREF_DATE"]) == ("78", "58", "20", "")
    assert (r121["BUDGET_ANNEE"], r121["BUDGET_NOM"]) == ("", "")
    assert next(r for r in rows if r["DELIB_ID"] == "2021-240")["PREF_DATE"] == "2021-06-29"


def test_scdl_deliberation_url_absolute(corpus):
    rows = scdl.deliberations_rows(corpus, "https://exemple.fr/recueil/")
    text = csv_subventions.csv_text(scdl.fields("deliberations"), rows)
    assert validate_scdl(scdl.schema("deliberations"), text) == []
    assert rows[0]["DELIB_URL"] == "https://exemple.fr/recueil/deliberations/2019-117/"


def test_sqlite_contents(exported):
    out, _ = exported
    con = sqlite3.connect(out / "recueil.sqlite")
    try:
        rows = read_csv(out / "subventions.csv")
        csv_total = sum(Decimal(r["montant"]) for r in rows)
        (cents,) = con.execute("SELECT SUM(montant_centimes) FROM subventions").fetchone()
        assert Decimal(cents) / 100 == csv_total
        assert con.execute("SELECT montant, code_insee FROM subventions WHERE id = '2021-243-0179'").fetchone() == ("3107.00", "62873")
        assert con.execute("SELECT vote_pour, vote_absents, presents FROM deliberations WHERE id = '2021-243'").fetchone() == (42, 1, 32)
        assert con.execute("SELECT COUNT(*) FROM deliberations").fetchone() == (28,)
        assert con.execute("SELECT COUNT(*) FROM communes").fetchone() == (887,)
        assert con.execute("SELECT COUNT(*) FROM commune_cantons WHERE insee = '62193'").fetchone() == (3,)
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
        farda = con.execute(
            "SELECT COUNT(*) FROM subventions_fts f JOIN subventions s ON s.rowid = f.rowid WHERE subventions_fts MATCH 'wancourt'"
        ).fetchone()
        assert farda == (1,)
        assert con.execute("SELECT COUNT(*) FROM subventions_fts WHERE subventions_fts MATCH 'amenagement'").fetchone()[0] > 100
    finally:
        con.close()
    # the texts, one database per year of deliberation: every deliberation in exactly one, with its texts
    annees, presences = {}, 0
    for f in sorted(out.glob("recueil-texte-*.sqlite")):
        con = sqlite3.connect(f)
        try:
            annees[f.name] = [r[0] for r in con.execute("SELECT id FROM deliberations ORDER BY rowid")]
            presences += con.execute("SELECT COUNT(*) FROM presences_elus").fetchone()[0]
            assert {r[0][:4] for r in con.execute("SELECT date FROM deliberations")} == {f.stem[-4:]}
            assert con.execute("PRAGMA foreign_key_check").fetchall() == []
            assert (
                con.execute("SELECT COUNT(*) FROM recherche").fetchone() == con.execute("SELECT COUNT(*) FROM recherche_contenu").fetchone()
            )
            con.execute("INSERT INTO recherche (recherche) VALUES ('integrity-check')")  # raises when the index and its texts differ
        finally:
            con.close()
    assert {k: len(v) for k, v in annees.items()} == {
        "recueil-texte-2019.sqlite": 5,
        "recueil-texte-2021.sqlite": 21,
        "recueil-texte-2022.sqlite": 1,
        "recueil-texte-2023.sqlite": 1,
    }
    assert presences == 0  # this corpus has no registry of élus (a built site has: test_donnees_ouvertes.py)
    con = sqlite3.connect(out / "recueil-texte-2019.sqlite")
    try:
        assert con.execute("SELECT COUNT(*) FROM recherche WHERE recherche MATCH 'amenagement'").fetchone()[0] > 0  # accents ignored
        # the index keeps no copy of the texts (FTS5 external content): they are read in their tables through a view
        assert con.execute("SELECT name FROM sqlite_master WHERE name = 'recherche_content'").fetchall() == []
        (extrait,) = con.execute(
            "SELECT snippet(recherche, 3, '[', ']', '…', 8) FROM recherche WHERE recherche MATCH 'amenagement' AND ref = '2019-117#3'"
        ).fetchone()
        assert extrait == "…son projet d'[aménagement] et de requalification du…"
        # the annexes: searched in annexes_fts (its rowids are theirs), not in recherche
        assert con.execute("SELECT type, ref FROM recherche WHERE recherche MATCH 'piscine'").fetchall() == []
        hits = con.execute(
            "SELECT deliberation, rang, url FROM annexes WHERE rowid IN (SELECT rowid FROM annexes_fts WHERE annexes_fts MATCH 'piscine')"
        ).fetchall()
        assert hits == [("2019-117", 1, "deliberations/2019-117/annexe-1-partie-1/")]
    finally:
        con.close()


def test_annexes_texte_hors_des_bases(exported, corpus):
    """Issue 22: a year's database holds its annexes' addresses and words, not their text (the site publishes it):
    the file holds no passage of an annex (it does hold the rapports' text, read the same way), and each annex's
    row gives its pages on the site, as `commun.annexes.parties_annexe` cuts them."""
    out, _ = exported
    path = out / "recueil-texte-2021.sqlite"
    d = corpus.deliberations["2021-250"]
    annexe, rapport = corpus.texte_annexe(d, 1), corpus.textes(d).rapport
    assert len(annexe) == 265489 and rapport
    brut = path.read_bytes()
    for texte in (annexe, corpus.texte_annexe(corpus.deliberations["2021-233"], 0)):
        passages = [ligne for ligne in texte.splitlines() if len(ligne) > 60][:20]
        assert len(passages) == 20 and not any(p.encode() in brut for p in passages)
    assert sum(ligne.encode() in brut for ligne in rapport.splitlines() if len(ligne) > 60) > 5  # the check finds a text
    con = sqlite3.connect(path)
    try:
        colonnes = [r[1] for r in con.execute("PRAGMA table_info(annexes)")]
        assert colonnes == ["deliberation", "rang", "titre", "url", "parties", "caracteres", "line", "page_pdf"]
        assert con.execute("SELECT COUNT(*) FROM annexes").fetchone() == (25,)
        # one index row per annex, under its rowid; its text is not stored (contentless)
        assert [r[0] for r in con.execute("SELECT id FROM annexes_fts_docsize ORDER BY id")] == [
            r[0] for r in con.execute("SELECT rowid FROM annexes ORDER BY rowid")
        ]
        assert con.execute("SELECT titre, texte FROM annexes_fts WHERE annexes_fts MATCH 'algorithme'").fetchall() == [(None, None)]
        con.execute("INSERT INTO annexes_fts (annexes_fts) VALUES ('integrity-check')")
        assert con.execute("SELECT url, parties, caracteres FROM annexes WHERE deliberation = '2021-250' ORDER BY rang").fetchall() == [
            ("deliberations/2021-250/#annexe-1", 1, 17651),
            ("deliberations/2021-250/annexe-2-partie-1/", 2, 265489),
        ]
        assert con.execute("SELECT url FROM annexes WHERE deliberation = '2021-233'").fetchall() == [("deliberations/2021-233/annexe-1/",)]
    finally:
        con.close()
    # with the site's address (SITE_URL): absolute, so that Datasette links it
    assert exp_sqlite.url_annexe("2021-250", 2, annexe, "https://exemple.fr/raa/") == (
        "https://exemple.fr/raa/deliberations/2021-250/annexe-2-partie-1/",
        2,
    )


def test_sqlite_byte_identical(corpus, tmp_path):
    a = exp_sqlite.build(corpus, tmp_path / "a" / "recueil.sqlite").read_bytes()
    b = exp_sqlite.build(corpus, tmp_path / "b" / "recueil.sqlite").read_bytes()
    assert a == b and len(a) > 100_000
    annee = exp_sqlite.par_annee(corpus)["2021"]
    a = exp_sqlite.build_texte(corpus, annee, tmp_path / "a" / "recueil-texte-2021.sqlite").read_bytes()
    b = exp_sqlite.build_texte(corpus, annee, tmp_path / "b" / "recueil-texte-2021.sqlite").read_bytes()
    assert a == b and len(a) > 100_000
    assert not list(tmp_path.rglob("*.tmp")) and not list(tmp_path.rglob("*-journal"))


def test_fts_index_written_once_whole(tmp_path):
    """An FTS5 table filled in one transaction with more than a megabyte of index (a year's annexes at ten years: some
    12 MB) writes it as one segment: no page left free in the file by segments merged (`sqlite.TAMPON_FTS`), and
    the same answers."""
    mots = [f"mot{i:05d}" for i in range(20000)]
    textes = [" ".join(mots[(i * 7919 + j * 104729) % len(mots)] for j in range(300)) for i in range(3000)]
    con = sqlite3.connect(tmp_path / "a.sqlite")
    try:
        exp_sqlite._annexes_fts(con, "fts5")
        with con:
            con.executemany("INSERT INTO annexes_fts (rowid, titre, texte) VALUES (?, '', ?)", enumerate(textes, 1))
        assert con.execute("SELECT SUM(LENGTH(block)) FROM annexes_fts_data").fetchone()[0] > 2_000_000
        assert con.execute("PRAGMA freelist_count").fetchone() == (0,)
        assert ("hashsize", exp_sqlite.TAMPON_FTS) in con.execute("SELECT k, v FROM annexes_fts_config").fetchall()
        for mot in (mots[0], mots[7919], mots[19999]):
            attendus = [i for i, t in enumerate(textes, 1) if mot in t.split()]
            assert attendus and con.execute(
                "SELECT rowid FROM annexes_fts WHERE annexes_fts MATCH ? ORDER BY rowid", (mot,)
            ).fetchall() == [(i,) for i in attendus]
    finally:
        con.close()


def test_write_all_deterministic_and_cleans(corpus, exported, tmp_path):
    out, paths = exported
    again = tmp_path / "donnees"
    (again / "communes").mkdir(parents=True)
    (again / "communes" / "disparue.csv").write_text("x", encoding="utf-8")
    (again / "index.md").write_text("page", encoding="utf-8")
    (again / "recueil-texte-2001.sqlite").write_bytes(b"x")  # a year without deliberations any more
    paths2 = write_all(corpus, again)
    assert not (again / "recueil-texte-2001.sqlite").exists() and (again / "recueil-texte-2021.sqlite").is_file()
    assert [p.relative_to(again) for p in paths2] == [p.relative_to(out) for p in paths]
    for p, q in zip(paths, paths2):
        assert p.read_bytes() == q.read_bytes(), p.name
    assert not (again / "communes" / "disparue.csv").exists()
    assert (again / "index.md").read_text(encoding="utf-8") == "page"  # not ours: kept


def test_fichiers_meta_and_page(exported):
    out, paths = exported
    meta = fichiers_meta(out, paths)
    assert meta == fichiers_meta(out, list(reversed(paths)))
    by_name = {m["nom"]: m for m in meta}
    assert by_name["subventions.csv"]["url"] == "donnees/subventions.csv" and by_name["subventions.csv"]["lignes"] == 524
    assert by_name["deliberations-scdl.csv"]["lignes"] == 27
    assert by_name["communes/*.csv"]["nombre"] == 345 and by_name["communes/*.csv"]["url"] is None
    assert [c["nom"] for c in by_name["subventions-scdl.csv"]["colonnes"]] == scdl.fields("subventions")

    from generator.site.render import environment, front_matter

    html = (
        environment()
        .get_template("donnees.md.j2")
        .render(front_matter=Markup(front_matter("Données")), root="../", page_kind="donnees", fichiers=meta, mise_a_jour="2021-07-08")
    )
    assert '<a href="../donnees/subventions.csv" download>subventions.csv</a>' in html
    assert "Licence Ouverte / Open Licence 2.0" in html and "Datasette" in html and "DB Browser for SQLite" in html
    assert "<code>idBeneficiaire</code>" in html and "<code>code_insee</code>" in html
    assert "<td><code>page_pdf</code></td><td>Page du PDF original où figure la ligne de la subvention" in html
    assert "<code>url_original</code>" in html and "Seul l'original signé fait foi." in html

"""Issue 21: the exports opened in the tools their users run — Datasette on recueil.sqlite,
Frictionless on datapackage.json (and the official SCDL schemas), a spreadsheet on
subventions-tableur.csv — and the per-page downloads (items 2 and 5: each deliberation's grants as CSV and
JSON, deliberations.csv, the table the grants refer to, a JSON Schema for the JSON files, the « Données »
page's schema links). Real values of the four documents of tests/fixtures/corpus."""

from __future__ import annotations

import csv
import io
import json
import shutil
import sqlite3
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlencode

import jsonschema
import pytest
from frictionless import Package, Resource
from markupsafe import Markup

from generator.exports import a_completer, csv_deliberations, csv_subventions, datapackage, fichiers_meta, telechargements, write_all
from generator.lieux import places
from generator.publication import verification
from generator.records.corpus import Corpus
from generator.site.render import environment, front_matter

BIN = Path(sys.executable).parent


@pytest.fixture(scope="module")
def corpus(donnees):
    return Corpus.load(donnees, places.reference())


@pytest.fixture(scope="module")
def exported(corpus, tmp_path_factory):
    out = tmp_path_factory.mktemp("ouvertes") / "donnees"
    return out, write_all(corpus, out)


def _datasette(out: Path, url: str, *options: str):
    """`datasette recueil.sqlite recueil-texte-*.sqlite -m metadata.json`, asked one URL (`--get`: the real server, no port)."""
    textes = sorted(p.name for p in out.glob("recueil-texte-*.sqlite"))
    r = subprocess.run(
        [str(BIN / "datasette"), "recueil.sqlite", *textes, "-m", "metadata.json", *options, "--get", url],
        cwd=out,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(r.stdout)


def test_datasette_search_box_and_labels(exported):
    out, _ = exported
    rows = _datasette(out, "/recueil/subventions.json?_search=wancourt&_shape=array")
    assert [(r["id"], r["beneficiaire"], r["montant"], r["dispositif"]) for r in rows] == [
        ("2021-243-0179", "COMMUNE DE WANCOURT", "3107.00", "FARDA aménagement")
    ]
    # accents ignored, as in the site's search: « amenagement » finds « aménagement »
    farda = _datasette(out, "/recueil/subventions.json?_search=amenagement&_shape=array&_size=max&_col=id")
    assert len(farda) > 100
    delib = _datasette(out, "/recueil/deliberations.json?_search=insertion&_shape=array&_col=titre")
    assert "2021-251" in {r["id"] for r in delib}
    # each year's texts in their own database: the dispositif searched in the year's deliberations, the titles, visas,
    # articles, rapports in its index `recherche` (read through a view), the annexes in their table (`annexes_fts`)
    farda = _datasette(out, "/recueil-texte-2021/deliberations.json?_search=farda&_shape=array&_col=titre")
    assert [r["id"] for r in farda] == ["2021-239", "2021-243"]
    assert [r["id"] for r in _datasette(out, "/recueil-texte-2019/deliberations.json?_search=farda&_shape=array&_col=titre")] == [
        "2019-117"
    ]
    rapport = _datasette(out, "/recueil-texte-2019/recherche.json?_search=amenagement&_shape=array&_size=max")
    assert ("article", "2019-117#3") in {(r["type"], r["ref"]) for r in rapport}
    benef = _datasette(out, "/recueil/beneficiaires.json?_search=wancourt&_shape=array")
    assert [(b["nom"], b["subventions"], b["montant"]) for b in benef] == [("COMMUNE DE WANCOURT", 1, "3107.00")]
    # the label columns: a foreign key shows the deliberation's title, the commune's name
    one = _datasette(out, "/recueil/subventions.json?id=2021-243-0179&_labels=on&_shape=array")[0]
    assert one["code_insee"] == {"value": "62873", "label": "Wancourt"}
    assert one["beneficiaire_id"]["label"] == "COMMUNE DE WANCOURT"
    assert one["deliberation"]["value"] == "2021-243" and one["deliberation"]["label"]


def test_datasette_finds_a_word_only_in_an_annex_and_its_page(exported, corpus):
    """Issue 22: a year's database keeps no annex text (the site publishes it); a word found only in an annex is
    searched in the table `annexes` and leads to its row, with the address of its page: « algorithme », in the
    second annex of 2021-250 (265 489 characters, two pages), is in no other text of 2021 nor in any grant."""
    out, _ = exported
    d = corpus.deliberations["2021-250"]
    assert "algorithme" in corpus.texte_annexe(d, 1).lower()
    rows = _datasette(out, "/recueil-texte-2021/annexes.json?_search=algorithme&_shape=array")
    assert [(r["deliberation"], r["rang"], r["url"], r["parties"], r["caracteres"]) for r in rows] == [
        ("2021-250", 2, "deliberations/2021-250/annexe-2-partie-1/", 2, 265489)
    ]
    assert _datasette(out, "/recueil-texte-2021/recherche.json?_search=algorithme&_shape=array") == []
    assert _datasette(out, "/recueil-texte-2021/deliberations.json?_search=algorithme&_shape=array") == []
    assert _datasette(out, "/recueil/subventions.json?_search=algorithme&_shape=array") == []
    # « piscine », in 2019 only in the annex of 2019-117, eight pages on the site (1 452 713 characters)
    rows = _datasette(out, "/recueil-texte-2019/annexes.json?_search=piscine&_shape=array")
    assert [(r["deliberation"], r["url"], r["parties"]) for r in rows] == [("2019-117", "deliberations/2019-117/annexe-1-partie-1/", 8)]
    assert _datasette(out, "/recueil-texte-2019/recherche.json?_search=piscine&_shape=array") == []
    # an annex short enough to be shown in its deliberation's page (15 955 characters): its place there; accents ignored
    assert "accélérée" in corpus.texte_annexe(corpus.deliberations["2019-120"], 0)
    rows = _datasette(out, "/recueil-texte-2019/annexes.json?_search=acceleree&_shape=array")
    assert [(r["deliberation"], r["url"], r["parties"], r["caracteres"]) for r in rows] == [
        ("2019-120", "deliberations/2019-120/#annexe-1", 1, 15955)
    ]
    # the search box is on the table, through metadata.json (a contentless index is not found by its name)
    meta = _datasette(out, "/-/metadata.json")["databases"]["recueil-texte-2021"]["tables"]
    assert meta["annexes"]["fts_table"] == "annexes_fts"


def test_datasette_metadata_and_views(exported):
    out, _ = exported
    meta = _datasette(out, "/-/metadata.json")
    assert meta["license"] == "Licence Ouverte / Open Licence version 2.0"
    assert meta["license_url"] == "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"
    assert list(meta["databases"]) == ["recueil", "recueil-texte-2019", "recueil-texte-2021", "recueil-texte-2022", "recueil-texte-2023"]
    assert meta["databases"]["recueil-texte-2021"]["title"] == "Textes des délibérations de 2021"
    assert meta["databases"]["recueil-texte-2021"]["tables"]["annexes"]["label_column"] == "titre"
    sub = meta["databases"]["recueil"]["tables"]["subventions"]
    assert sub["columns"]["montant"] == "Montant attribué en euros (€) (point décimal)"
    assert sub["facets"] == ["type_beneficiaire", "dispositif", "territoire", "organe"]
    facets = _datasette(out, "/recueil/subventions.json?_size=0")["facet_results"]
    assert {r["value"]: r["count"] for r in facets["type_beneficiaire"]["results"]}["commune"] == 468
    canton = _datasette(out, "/recueil/subventions_par_canton.json?_shape=array&canton=6201")
    assert [(c["nom"], c["annee"], c["subventions"], c["montant"]) for c in canton] == [
        ("Aire-sur-la-Lys", "2019", 1, "1443000.00"),
        ("Aire-sur-la-Lys", "2021", 9, "100017.50"),
    ]


def test_datasette_crossdb_joins_core_and_texts(exported):
    """`--crossdb`: one query over the core and a year's texts (the query the « Données » page gives)."""
    out, _ = exported
    sql = (
        "SELECT d.id, d.organe, a.titre AS annexe FROM recueil.deliberations d "
        "JOIN [recueil-texte-2021].annexes a ON a.deliberation = d.id WHERE d.id = '2021-243'"
    )
    rows = _datasette(out, "/_memory.json?" + urlencode({"sql": sql, "_shape": "array"}), "--crossdb")
    assert [(r["id"], r["organe"]) for r in rows] == [("2021-243", "Commission permanente")] and rows[0]["annexe"]


def test_sqlite_fts_indexes_views(exported):
    out, _ = exported
    con = sqlite3.connect(out / "recueil.sqlite")
    try:
        fts = dict(con.execute("SELECT name, sql FROM sqlite_master WHERE name LIKE '%\\_fts' ESCAPE '\\'"))
        assert set(fts) == {"subventions_fts", "deliberations_fts", "beneficiaires_fts"}
        assert "content=[deliberations]" in fts["deliberations_fts"] and "[texte]" not in fts["deliberations_fts"]
        index = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")}
        assert {"subventions_date", "subventions_montant_centimes", "subventions_beneficiaire_id", "deliberations_date"} <= index
        assert {"communes_epci", "commune_cantons_canton", "subventions_siren_epci"} <= index
        vues = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'view'")}
        assert vues == {
            "subventions_par_commune_et_annee",
            "subventions_par_canton",
            "subventions_par_dispositif",
            "subventions_par_territoire",
        }
        # the long texts are in the year databases, not here
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert not tables & {"articles", "rapports", "annexes", "visas", "recherche"}
        # every grant has its beneficiary; the totals agree to the cent (26 157 871,27 € in all)
        assert con.execute("SELECT SUM(montant_centimes), SUM(subventions) FROM beneficiaires").fetchone() == (2615787127, 524)
        assert con.execute("SELECT COUNT(*) FROM subventions WHERE beneficiaire_id IS NULL").fetchone() == (0,)
        wancourt = con.execute(
            "SELECT commune, annee, subventions, montant FROM subventions_par_commune_et_annee WHERE code_insee = '62873'"
        )
        assert wancourt.fetchall() == [("Wancourt", "2021", 1, "3107.00")]
    finally:
        con.close()
    con = sqlite3.connect(out / "recueil-texte-2021.sqlite")
    try:
        fts = dict(con.execute("SELECT name, sql FROM sqlite_master WHERE name LIKE '%\\_fts' ESCAPE '\\'"))
        assert (
            set(fts) == {"deliberations_fts", "annexes_fts"}
            and "content=[deliberations]" in fts["deliberations_fts"]
            and "[texte]" in fts["deliberations_fts"]
        )
        assert "content=''" in fts["annexes_fts"]  # contentless: the annexes' words, not their text
        recherche = con.execute("SELECT sql FROM sqlite_master WHERE name = 'recherche'").fetchone()[0]
        assert "content='recherche_contenu', content_rowid='rid'" in recherche  # FTS5 external content: no second copy
        texte = con.execute("SELECT texte FROM deliberations WHERE id = '2021-243'").fetchone()[0]
        assert texte.startswith("1 D'attribuer dans le cadre du FARDA Aménagement 2021, une subvention d'un montant")
        assert "5 450 715,82 €" in texte
        assert con.execute("SELECT COUNT(*) FROM deliberations").fetchone() == (21,)
        assert con.execute("SELECT MIN(date), MAX(date) FROM deliberations").fetchone()[0][:4] == "2021"
    finally:
        con.close()


def test_verification_opens_each_database_and_refuses_files_over_the_limit(exported, corpus, tmp_path):
    """publication.verification: every database opens and the year databases hold every deliberation; a file over
    the limit (100 MB; lowered here to 950 KB, recueil-texte-2021.sqlite weighs 1,0 MB) is named with its size.
    An original PDF over the limit (the publisher's document, which the site cannot split) is not refused: the
    build warns about it, with what to do."""
    out, _ = exported
    site = tmp_path / "site"
    shutil.copytree(out, site / "donnees", ignore=shutil.ignore_patterns("communes", "cantons", "epci", "territoires", "deliberations"))
    attendu = verification.Attendu(deliberations=sorted(corpus.deliberations), subventions=524)
    assert verification._bases(site / "donnees", attendu) == []
    assert verification._tailles(site) == []
    assert verification._tailles(site, limite=950_000) == [
        "donnees/recueil-texte-2021.sqlite pèse 1,0 Mo, plus que les 950 Ko qu'acceptent les hébergeurs statiques (GitHub Pages…)"
    ]
    (site / "originaux").mkdir()
    (site / "originaux" / "2021-06-n6.pdf").write_bytes(b"%PDF-1.7\n" + b"0" * 2_500_000)
    originaux = {"originaux/2021-06-n6.pdf": 2_500_009}
    assert verification._tailles(site, limite=950_000, exclus=set(originaux)) == [
        "donnees/recueil-texte-2021.sqlite pèse 1,0 Mo, plus que les 950 Ko qu'acceptent les hébergeurs statiques (GitHub Pages…)"
    ]
    (avertissement,) = verification.originaux_trop_gros(originaux, limite=950_000)
    assert avertissement.startswith("ATTENTION : originaux/2021-06-n6.pdf pèse 2,5 Mo, plus que les 950 Ko")
    assert "le site est publié avec lui" in avertissement and "qpdf" in avertissement
    assert verification.originaux_trop_gros(originaux) == []  # under the real 100 MB
    (site / "donnees" / "recueil-texte-2022.sqlite").unlink()
    assert verification._bases(site / "donnees", attendu) == [
        "les bases de textes donnees/recueil-texte-*.sqlite (3 fichier(s)) comptent 27 délibération(s) au lieu de 28"
    ]
    (site / "donnees" / "recueil-texte-2023.sqlite").write_bytes(b"pas une base SQLite" * 100)
    assert verification._bases(site / "donnees", attendu) == ["donnees/recueil-texte-2023.sqlite illisible (file is not a database)"]


def _extrait(out: Path, noms: set[str]) -> Package:
    """The published package with some of its resources (all of them take a minute on a loaded machine;
    the per-place files all share one schema file)."""
    d = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    d["resources"] = [r for r in d["resources"] if r["name"] in noms]
    assert {r["name"] for r in d["resources"]} == noms
    return Package(d, basepath=str(out))


def test_datapackage_describes_every_csv_and_validates(exported):
    out, paths = exported
    d = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    csvs = sorted(p.relative_to(out).as_posix() for p in paths if p.suffix == ".csv")
    assert (
        sorted(r["path"] for r in d["resources"]) == csvs and len(csvs) == 427
    )  # 414 + deliberations.csv + one per deliberation that awards grants (12)
    assert d["licenses"] == [
        {
            "name": "etalab-2.0",
            "path": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
            "title": "Licence Ouverte / Open Licence version 2.0",
        }
    ]
    res = {r["name"]: r for r in d["resources"]}
    assert res["subventions-scdl"]["schema"] == "schemas/scdl-subventions.schema.json"
    assert res["subventions-scdl"]["sources"][0]["path"] == "https://schema.data.gouv.fr/schemas/scdl/subventions/2.1.1/schema.json"
    assert res["communes-baincthun"]["schema"] == "schemas/subventions-lieu.schema.json"
    report = _extrait(
        out,
        {
            "subventions",
            "deliberations",
            "subventions-tableur",
            "subventions-scdl",
            "deliberations-scdl",
            "communes-baincthun",
            "epci-ca-du-pays-de-saint-omer",
        },
    ).validate()
    assert report.valid, report.flatten(["resourceName", "rowNumber", "fieldName", "type", "note"])
    assert report.stats["tasks"] == 7


def test_frictionless_catches_what_it_should(exported, tmp_path):
    """The check is not vacuous: a wrong amount, a grant of a place file missing from subventions.csv."""
    out, _ = exported
    rows = list(csv.DictReader((out / "communes" / "baincthun.csv").open(encoding="utf-8", newline="")))
    rows[0].update(id="2099-999-0001", montant="3 500,00")
    (tmp_path / "faux.csv").write_text(csv_subventions.csv_text(csv_subventions.FIELDS, rows[:1]), encoding="utf-8")
    shutil.copytree(out / "schemas", tmp_path / "schemas")
    shutil.copy(out / "subventions.csv", tmp_path)
    shutil.copy(out / "deliberations.csv", tmp_path)
    d = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    d["resources"] = [r for r in d["resources"] if r["name"] in ("subventions", "deliberations")]
    d["resources"].append(
        {"name": "faux", "path": "faux.csv", "profile": "tabular-data-resource", "schema": "schemas/subventions-lieu.schema.json"}
    )
    report = Package(d, basepath=str(tmp_path)).validate()
    assert not report.valid, "frictionless accepted a wrong file"
    assert {e[0] for e in report.flatten(["type"])} >= {"type-error", "foreign-key"}, report.flatten(["resourceName", "type", "note"])


def test_scdl_files_valid_against_the_official_schemas(exported):
    out, _ = exported
    for which, lignes in (("subventions", 1), ("deliberations", 27)):
        r = Resource(path=f"{which}-scdl.csv", schema=f"schemas/scdl-{which}.schema.json", basepath=str(out))
        report = r.validate()
        assert report.valid, report.flatten(["rowNumber", "fieldName", "type"])
        assert report.tasks[0].stats["rows"] == lignes
    # the only identified beneficiary of the corpus: the SIRET printed in 2021-233's convention
    rows = list(csv.DictReader((out / "subventions-scdl.csv").open(encoding="utf-8", newline="")))
    assert [(r["referenceDecision"], r["idBeneficiaire"], r["montant"]) for r in rows] == [("2021-233", "18620009300083", "534172.00")]
    assert a_completer(out) == 523


def test_donnees_page_says_how_many_to_complete(exported):
    out, paths = exported
    meta = fichiers_meta(out, paths)
    by_name = {m["nom"]: m for m in meta}
    assert by_name["subventions-scdl.csv"]["a_completer"] == 523 and by_name["subventions-scdl.csv"]["lignes"] == 1
    assert by_name["subventions-tableur.csv"]["lignes"] == 524
    assert by_name["subventions-tableur.csv"]["colonnes"][14] == {
        "nom": "Montant (€)",
        "description": "Montant attribué en euros (point décimal)",
    }
    html = (
        environment()
        .get_template("donnees.md.j2")
        .render(front_matter=Markup(front_matter("Données")), root="../", page_kind="donnees", fichiers=meta, mise_a_jour=None)
    )
    assert "523 subvention(s) du Département n'y figurent pas encore" in html
    assert "site_data/identifiants.csv" in html and "datasette recueil.sqlite recueil-texte-*.sqlite -m metadata.json" in html
    # every database listed with its size; the year databases' tables described once
    bases = [m for m in meta if m["nom"].endswith(".sqlite")]
    assert [m["nom"] for m in bases] == ["recueil.sqlite", *(f"recueil-texte-{a}.sqlite" for a in (2019, 2021, 2022, 2023))]
    assert all(m["taille"].endswith(("Ko", "Mo")) and m["schema"]["url"] == "donnees/metadata.json" for m in bases)
    assert '<a href="../donnees/recueil-texte-2021.sqlite" download>recueil-texte-2021.sqlite</a>' in html
    assert html.count("Tables de recueil-texte-*.sqlite") == 1 and "Tables de recueil.sqlite" in html
    assert '<a href="../donnees/subventions-tableur.csv" download>subventions-tableur.csv</a>' in html


def test_tableur_csv(exported):
    out, _ = exported
    raw = (out / "subventions-tableur.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfIdentifiant;D\xc3\xa9lib\xc3\xa9ration;Date;") and b"\r\n" in raw
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert len(rows) == 524
    w = next(r for r in rows if r["Identifiant"] == "2021-243-0179")
    assert (w["Bénéficiaire"], w["Montant (€)"], w["Coût du projet (€)"], w["Taux (%)"], w["Code INSEE"]) == (
        "COMMUNE DE WANCOURT",
        "3107,00",
        "15534,00",
        "20",
        "62873",
    )
    total = sum(Decimal(r["Montant (€)"].replace(",", ".")) for r in rows)
    assert total == Decimal("26157871.27")


def test_tableur_neutralises_with_the_same_function():
    r = dict.fromkeys(csv_subventions.FIELDS, "")
    r.update(beneficiaire="=HYPERLINK(1)", objet="-2+3", montant="1500.50", taux="33.33")
    text = csv_subventions.tableur_text([r]).decode("utf-8-sig")
    lu = next(csv.DictReader(io.StringIO(text, newline=""), delimiter=";"))
    assert (lu["Bénéficiaire"], lu["Objet"], lu["Montant (€)"], lu["Taux (%)"]) == ("'=HYPERLINK(1)", "'-2+3", "1500,50", "33,33")


# -- per-page downloads, deliberations.csv, foreign keys, schemas ---------------


def _csv(path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_a_deliberation_files_hold_its_grants(corpus, exported):
    out, _ = exported
    assert telechargements(corpus)[("deliberation", "2021-243")] == "deliberations/2021-243"
    rows = _csv(out / "deliberations" / "2021-243.csv")
    assert len(rows) == 179 and {r["deliberation"] for r in rows} == {"2021-243"}
    wancourt = next(r for r in rows if r["id"] == "2021-243-0179")
    assert (wancourt["montant"], wancourt["commune"], wancourt["code_insee"]) == ("3107.00", "Wancourt", "62873")
    assert rows == [r for r in _csv(out / "subventions.csv") if r["deliberation"] == "2021-243"]  # the same lines as the whole file
    data = json.loads((out / "deliberations" / "2021-243.json").read_text(encoding="utf-8"))
    assert [d["id"] for d in data] == [r["id"] for r in rows]
    assert sum(Decimal(d["montant"]) for d in data) == sum(Decimal(r["montant"]) for r in rows)
    assert len(_csv(out / "deliberations" / "2021-233.csv")) == 1
    # a deliberation without grants has no file (its page links none)
    assert not (out / "deliberations" / "2021-235.csv").exists() and ("deliberation", "2021-235") not in telechargements(corpus)


def test_deliberations_csv_is_the_database_table(corpus, exported):
    out, _ = exported
    rows = _csv(out / "deliberations.csv")
    assert len(rows) == len(corpus.deliberations) == 28 and list(rows[0]) == csv_deliberations.FIELDS
    d = next(r for r in rows if r["id"] == "2021-243")
    assert (d["date"], d["organe"], d["affichage"], d["url"]) == (
        "2021-06-07",
        "Commission permanente",
        "2021-07-05",
        "deliberations/2021-243/",
    )
    con = sqlite3.connect(out / "recueil.sqlite")
    try:
        cols = [c[1] for c in con.execute("PRAGMA table_info(deliberations)")]
        base = [
            tuple("" if x is None else str(x) for x in r)
            for r in con.execute(f"SELECT {', '.join(csv_deliberations.FIELDS)} FROM deliberations")
        ]
    finally:
        con.close()
    assert cols == csv_deliberations.FIELDS  # its texts are in the year's recueil-texte-AAAA.sqlite
    assert base == [tuple(r.values()) for r in rows]


def test_foreign_keys_declared_and_enforced(exported, tmp_path):
    out, _ = exported
    d = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    res = {r["name"]: r for r in d["resources"]}
    schema = json.loads((out / "schemas" / "subventions.schema.json").read_text(encoding="utf-8"))
    assert schema["foreignKeys"] == [{"fields": ["deliberation"], "reference": {"resource": "deliberations", "fields": ["id"]}}]
    assert res["deliberations"]["schema"] == "schemas/deliberations.schema.json"
    assert {"fields": ["Délibération"], "reference": {"resource": "deliberations", "fields": ["id"]}} in res["subventions-tableur"][
        "schema"
    ]["foreignKeys"]
    assert res["deliberations-2021-243"]["schema"] == "schemas/subventions-lieu.schema.json"
    # a grant whose deliberation is not published: frictionless says so
    rows = _csv(out / "subventions.csv")
    rows[0]["deliberation"] = "2099-999"
    (tmp_path / "subventions.csv").write_text(csv_subventions.csv_text(csv_subventions.FIELDS, rows), encoding="utf-8")
    shutil.copy(out / "deliberations.csv", tmp_path)
    shutil.copytree(out / "schemas", tmp_path / "schemas")
    d["resources"] = [res["subventions"], res["deliberations"]]
    report = Package(d, basepath=str(tmp_path)).validate()
    assert [e[:2] for e in report.flatten(["type", "rowNumber"])] == [["foreign-key", 2]]
    d["resources"] = [res["deliberations"], res["deliberations-2021-243"], {**res["subventions"], "path": "subventions.csv"}]
    report = Package(d, basepath=str(out)).validate()
    assert report.valid, report.flatten(["resourceName", "rowNumber", "type", "note"])


def test_json_files_follow_their_json_schema(exported):
    out, _ = exported
    schema = json.loads((out / "schemas" / datapackage.JSON_SCHEMA).read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    for path in (out / "subventions.json", out / "deliberations" / "2021-243.json", out / "communes" / "baincthun.json"):
        jsonschema.validate(json.loads(path.read_text(encoding="utf-8")), schema, cls=jsonschema.Draft202012Validator)
    faux = json.loads((out / "communes" / "baincthun.json").read_text(encoding="utf-8"))
    faux[0]["montant"] = "3 500,00"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(faux, schema, cls=jsonschema.Draft202012Validator)


def test_donnees_lists_every_file_with_rows_size_and_schema(exported):
    out, paths = exported
    meta = {m["nom"]: m for m in fichiers_meta(out, paths)}
    assert meta["deliberations.csv"]["lignes"] == 28
    assert meta["deliberations.csv"]["schema"] == {"nom": "Table Schema", "url": "donnees/schemas/deliberations.schema.json"}
    assert meta["subventions.json"]["schema"] == {"nom": "JSON Schema", "url": f"donnees/schemas/{datapackage.JSON_SCHEMA}"}
    assert meta["subventions-scdl.csv"]["schema"]["url"] == "donnees/schemas/scdl-subventions.schema.json"
    assert meta["recueil.sqlite"]["schema"] == {"nom": "Métadonnées Datasette", "url": "donnees/metadata.json"}
    assert meta["deliberations/*.csv"]["nombre"] == meta["deliberations/*.json"]["nombre"] == 12
    assert meta["deliberations/*.csv"]["lignes"] == meta["deliberations/*.json"]["lignes"] == 524  # every grant once
    assert meta["communes/*.json"]["nombre"] == 345
    written = {p.relative_to(out).as_posix() for p in paths}
    for m in meta.values():
        assert m["schema"] is None or m["schema"]["url"].removeprefix("donnees/") in written, m["nom"]


def test_pages_link_their_files(site):
    page = (site / "deliberations" / "2021-243" / "index.html").read_text("utf-8")
    assert '<a href="../../donnees/deliberations/2021-243.csv" download>tableur CSV</a>' in page
    assert '<a href="../../donnees/deliberations/2021-243.json" download>JSON</a>' in page
    assert (site / "donnees" / "deliberations" / "2021-243.json").is_file()
    assert "donnees/deliberations/" not in (site / "deliberations" / "2021-235" / "index.html").read_text("utf-8")
    commune = (site / "communes" / "baincthun" / "index.html").read_text("utf-8")
    assert '<a href="../../donnees/communes/baincthun.csv" download>tableur CSV</a>' in commune
    assert '<a href="../../donnees/communes/baincthun.json" download>JSON</a>' in commune
    donnees = (site / "donnees" / "index.html").read_text("utf-8")
    assert "Dernière mise à jour des données : <strong>12 décembre 2023</strong>" in donnees
    assert '<a href="../donnees/schemas/deliberations.schema.json">Table Schema</a>' in donnees


def test_presences_refer_to_elus_and_deliberations(site):
    """In a built site (the registry of councillors exists there): elus.csv, presences.csv and their keys."""
    out = site / "donnees"
    d = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    res = {r["name"]: r for r in d["resources"]}
    assert res["presences"]["schema"]["foreignKeys"] == [
        {"fields": ["personne"], "reference": {"resource": "elus", "fields": ["id"]}},
        {"fields": ["deliberation"], "reference": {"resource": "deliberations", "fields": ["id"]}},
    ]
    d["resources"] = [res[n] for n in ("elus", "presences", "deliberations")]
    report = Package(d, basepath=str(out)).validate()
    assert report.valid, report.flatten(["resourceName", "rowNumber", "fieldName", "type", "note"])
    assert [t.stats["rows"] for t in report.tasks] == [119, 1497, 28]
    # the same presences in SQLite, cut by year of deliberation; the élus in the core
    par_annee = {}
    for f in sorted(out.glob("recueil-texte-*.sqlite")):
        con = sqlite3.connect(f)
        try:
            par_annee[f.stem[-4:]] = con.execute("SELECT COUNT(*), COUNT(DISTINCT personne) FROM presences_elus").fetchone()
            assert con.execute("SELECT COUNT(*) FROM presences_elus WHERE substr(date, 1, 4) <> ?", (f.stem[-4:],)).fetchone() == (0,)
        finally:
            con.close()
    assert sum(n for n, _ in par_annee.values()) == 1497
    con = sqlite3.connect(out / "recueil.sqlite")
    try:
        assert con.execute("SELECT COUNT(*), SUM(presences + excuses + absences) > 0 FROM elus").fetchone() == (119, 1)
    finally:
        con.close()

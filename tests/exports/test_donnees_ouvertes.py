"""Issue 21: the exports opened in the tools their users run — Datasette on recueil.sqlite,
Frictionless on datapackage.json (and the official SCDL schemas), a spreadsheet on
subventions-tableur.csv. Real values of the four documents of tests/fixtures/corpus."""

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

import pytest
from frictionless import Package, Resource

from generator.exports import a_completer, csv_subventions, fichiers_meta, write_all
from generator.lieux import places
from generator.records.corpus import Corpus

BIN = Path(sys.executable).parent


@pytest.fixture(scope="module")
def corpus(donnees):
    return Corpus.load(donnees, places.reference())


@pytest.fixture(scope="module")
def exported(corpus, tmp_path_factory):
    out = tmp_path_factory.mktemp("ouvertes") / "donnees"
    return out, write_all(corpus, out)


def _datasette(out: Path, url: str):
    """`datasette recueil.sqlite -m metadata.json`, asked one URL (`--get`: the real server, no port)."""
    r = subprocess.run(
        [str(BIN / "datasette"), "recueil.sqlite", "-m", "metadata.json", "--get", url],
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
    # the whole recueil's index (titles, articles, rapports, annexes, grants), its texts read through a view
    annexe = _datasette(out, "/recueil/recherche.json?_search=piscine&_shape=array")
    assert ("annexe", "2019-117#1") in {(r["type"], r["ref"]) for r in annexe}
    benef = _datasette(out, "/recueil/beneficiaires.json?_search=wancourt&_shape=array")
    assert [(b["nom"], b["subventions"], b["montant"]) for b in benef] == [("COMMUNE DE WANCOURT", 1, "3107.00")]
    # the label columns: a foreign key shows the deliberation's title, the commune's name
    one = _datasette(out, "/recueil/subventions.json?id=2021-243-0179&_labels=on&_shape=array")[0]
    assert one["code_insee"] == {"value": "62873", "label": "Wancourt"}
    assert one["beneficiaire_id"]["label"] == "COMMUNE DE WANCOURT"
    assert one["deliberation"]["value"] == "2021-243" and one["deliberation"]["label"]


def test_datasette_metadata_and_views(exported):
    out, _ = exported
    meta = _datasette(out, "/-/metadata.json")
    assert meta["license"] == "Licence Ouverte / Open Licence version 2.0"
    assert meta["license_url"] == "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"
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


def test_sqlite_fts_indexes_views(exported):
    out, _ = exported
    con = sqlite3.connect(out / "recueil.sqlite")
    try:
        fts = dict(con.execute("SELECT name, sql FROM sqlite_master WHERE name LIKE '%\\_fts' ESCAPE '\\'"))
        assert set(fts) == {"subventions_fts", "deliberations_fts", "beneficiaires_fts"}
        assert "content=[deliberations]" in fts["deliberations_fts"] and "[texte]" in fts["deliberations_fts"]
        index = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")}
        assert {"subventions_date", "subventions_montant_centimes", "subventions_beneficiaire_id", "deliberations_date"} <= index
        assert {"communes_epci", "commune_cantons_canton", "subventions_siren_epci"} <= index
        vues = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'view'")}
        assert vues == {
            "subventions_par_commune_et_annee",
            "subventions_par_canton",
            "subventions_par_dispositif",
            "subventions_par_territoire",
            "recherche_contenu",  # what the full-text index `recherche` reads (FTS5 external content)
        }
        recherche = con.execute("SELECT sql FROM sqlite_master WHERE name = 'recherche'").fetchone()[0]
        assert "content='recherche_contenu', content_rowid='rid'" in recherche
        # every grant has its beneficiary; the totals agree to the cent (26 157 871,27 € in all)
        assert con.execute("SELECT SUM(montant_centimes), SUM(subventions) FROM beneficiaires").fetchone() == (2615787127, 524)
        assert con.execute("SELECT COUNT(*) FROM subventions WHERE beneficiaire_id IS NULL").fetchone() == (0,)
        wancourt = con.execute(
            "SELECT commune, annee, subventions, montant FROM subventions_par_commune_et_annee WHERE code_insee = '62873'"
        )
        assert wancourt.fetchall() == [("Wancourt", "2021", 1, "3107.00")]
        texte = con.execute("SELECT texte FROM deliberations WHERE id = '2021-243'").fetchone()[0]
        assert texte.startswith("1 D'attribuer dans le cadre du FARDA Aménagement 2021, une subvention d'un montant")
        assert "5 450 715,82 €" in texte
    finally:
        con.close()


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
    assert sorted(r["path"] for r in d["resources"]) == csvs and len(csvs) == 414
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
            "subventions-tableur",
            "subventions-scdl",
            "deliberations-scdl",
            "communes-baincthun",
            "epci-ca-du-pays-de-saint-omer",
        },
    ).validate()
    assert report.valid, report.flatten(["resourceName", "rowNumber", "fieldName", "type", "note"])
    assert report.stats["tasks"] == 6


def test_frictionless_catches_what_it_should(exported, tmp_path):
    """The check is not vacuous: a wrong amount, a grant of a place file missing from subventions.csv."""
    out, _ = exported
    rows = list(csv.DictReader((out / "communes" / "baincthun.csv").open(encoding="utf-8", newline="")))
    rows[0].update(id="2099-999-0001", montant="3 500,00")
    (tmp_path / "faux.csv").write_text(csv_subventions.csv_text(csv_subventions.FIELDS, rows[:1]), encoding="utf-8")
    shutil.copytree(out / "schemas", tmp_path / "schemas")
    shutil.copy(out / "subventions.csv", tmp_path)
    d = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    d["resources"] = [r for r in d["resources"] if r["name"] == "subventions"]
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
    from markupsafe import Markup

    from generator.site.render import environment, front_matter

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
        .render(front_matter=Markup(front_matter("Données")), root="../", page_kind="donnees", fichiers=meta)
    )
    assert "523 subvention(s) du Département n'y figurent pas encore" in html
    assert "site_data/identifiants.csv" in html and "datasette recueil.sqlite -m metadata.json" in html
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

"""Exports safe to open: in the CSVs for people (subventions.csv, one per place), a text cell a spreadsheet
would run as a formula is neutralised the OWASP way (a leading quote), column by column — never an
amount, a rate, a date or a code; subventions.json, the SQLite database and the SCDL files keep the exact
text, and the SCDL files stay valid. The hostile values go through the real parser: a recueil of the
corpus with a beneficiary and an object rewritten.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import sqlite3

import pytest
from test_exports import validate_scdl

from generator.exports import csv_subventions, scdl, write_all
from generator.exports.csv_subventions import FIELDS, TEXTE, csv_text, neutraliser
from generator.extraction import Paths, extract
from generator.lieux import places
from generator.records.corpus import Corpus

from conftest import CORPUS

S004 = "004_45492b4b56f19b50.txt"
LIEN = '=HYPERLINK("http://x","clic")'
HOSTILES = {  # in the recueil as printed → what the parser reads
    "Association L'art de \n\nMuser": ("@SUM(1+1) L'art de \n\nMuser", "@SUM(1+1) L'art de Muser"),
    "Création d'une exposition sur les données": (f"{LIEN} sur les données", f"{LIEN} sur les données (pas très) personnelles"),
    "Association Ferk'Ados": ("-2+3 Ferk'Ados", "-2+3 Ferk'Ados"),
    "Organisation des différentes manifestations": (
        "+33 1 23 45 67 89 manifestations",
        "+33 1 23 45 67 89 manifestations au sein de la commune de Ferques pour créer du lien intergénérationnel entre les habitants",
    ),
}


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    (root / "site_data" / "sources").mkdir(parents=True)
    texte = (CORPUS / S004).read_text("utf-8")
    for avant, (apres, _) in HOSTILES.items():
        assert texte.count(avant) >= 1
        texte = texte.replace(avant, apres, 1)
    (root / "site_data" / "sources" / S004).write_text(texte, "utf-8")
    res = extract(Paths(root), log=lambda *_: None)
    assert not res.errors
    corpus = Corpus.load(root / "site_data", places.reference())
    out = root / "donnees"
    write_all(corpus, out)
    return corpus, out


def _lignes(path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _cellules(rows: list[dict]) -> set[str]:
    return {v for r in rows for v in r.values()}


def test_neutraliser():
    for v in (LIEN, "@SUM(1+1)", "+33 1 23", "-2+3", "\tx", "\rx", "=", "-"):
        assert neutraliser(v) == "'" + v
    for v in ("", "Association", "'déjà", " =espace d'abord", "2021-243", "Saint-Omer", "a=b"):
        assert neutraliser(v) == v


def test_columns_are_decided_one_by_one():
    """Every column is text (neutralised) or one of these (never): a new column needs a decision."""
    assert set(FIELDS) - TEXTE == {
        "id",
        "deliberation",
        "date",
        "code_insee",
        "siren_epci",
        "canton",
        "montant",
        "cout_projet",
        "montant_eligible",
        "taux",
        "page",
        "page_pdf",
        "url_original",
    }
    assert TEXTE <= set(FIELDS)


def test_amounts_and_codes_never_change_text_cells_do():
    r = dict.fromkeys(FIELDS, "")
    r.update(
        montant="-1500.00",
        taux="-5",
        date="2021-06-07",
        code_insee="62041",
        beneficiaire="\tTab",
        objet="\rRetour",
        dispositif="@x",
        imputation="-6574",
        source="=fichier.txt:3",
    )
    lu = next(csv.DictReader(io.StringIO(csv_text(FIELDS, [r], TEXTE), newline="")))
    assert (lu["montant"], lu["taux"], lu["date"], lu["code_insee"]) == ("-1500.00", "-5", "2021-06-07", "62041")
    assert (lu["beneficiaire"], lu["objet"], lu["dispositif"], lu["imputation"], lu["source"]) == (
        "'\tTab",
        "'\rRetour",
        "'@x",
        "'-6574",
        "'=fichier.txt:3",
    )
    assert next(csv.DictReader(io.StringIO(csv_text(FIELDS, [r]), newline="")))["beneficiaire"] == "\tTab"  # SCDL: as is


def test_the_parser_reads_the_hostile_values(hostile):
    corpus, _ = hostile
    lus = {s.beneficiaire for s in corpus.subventions} | {s.objet for s in corpus.subventions}
    assert {v for _, v in HOSTILES.values()} <= lus


def test_people_csvs_neutralise_them(hostile):
    _, out = hostile
    attendus = {"'" + v for _, v in HOSTILES.values()}
    assert attendus <= _cellules(_lignes(out / "subventions.csv"))
    par_lieu = set().union(*(_cellules(_lignes(p)) for d in ("communes", "territoires") for p in (out / d).glob("*.csv")))
    assert attendus <= par_lieu
    for rows in (_lignes(out / "subventions.csv"), *(_lignes(p) for p in (out / "communes").glob("*.csv"))):
        for r in rows:
            assert not any(r[c][:1] in ("=", "+", "-", "@", "\t", "\r") for c in TEXTE), r
    arras = _lignes(out / "communes" / "arras.csv")
    assert any(r["beneficiaire"] == "'@SUM(1+1) L'art de Muser" and r["montant"] == "2000.00" for r in arras)


def test_json_sqlite_and_scdl_keep_the_exact_text(hostile):
    _, out = hostile
    exacts = {v for _, v in HOSTILES.values()}
    data = json.loads((out / "subventions.json").read_text("utf-8"))
    assert exacts <= {r["beneficiaire"] for r in data} | {r["objet"] for r in data}
    con = sqlite3.connect(out / "recueil.sqlite")
    try:
        assert exacts <= {b for row in con.execute("SELECT beneficiaire, objet FROM subventions") for b in row}
    finally:
        con.close()
    scdl_rows = scdl.subventions_rows(hostile[0])  # before the filter (no SIRET printed for them: not in the file)
    assert {"@SUM(1+1) L'art de Muser", "-2+3 Ferk'Ados"} <= {r["nomBeneficiaire"] for r in scdl_rows}
    erreurs = validate_scdl(scdl.schema("subventions"), csv_text(scdl.fields("subventions"), scdl_rows))
    assert [e for e in erreurs if e[2] != "one-of-required"] == []  # valid but for the SIRETs the recueils do not print


def test_the_real_corpus_has_no_such_cell(tmp_path):
    """Checked on the four documents: no text cell begins with a formula character (the neutralising changes nothing)."""
    (tmp_path / "site_data" / "sources").mkdir(parents=True)
    for p in CORPUS.glob("*.txt"):
        shutil.copy(p, tmp_path / "site_data" / "sources")
    assert not extract(Paths(tmp_path), log=lambda *_: None).errors
    data = csv_subventions.rows(Corpus.load(tmp_path / "site_data", places.reference()))
    assert len(data) == 524 and csv_text(FIELDS, data, TEXTE) == csv_text(FIELDS, data)

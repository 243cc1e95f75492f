"""The exports of a build write again only what changed (`exports.Ecritures`, `.cache/exports.json`;
issue 22): a month added to ten years rebuilt every year's text database and rewrote thousands of
per-place files; now an unchanged database is not built and an unchanged file not written, and the
result is byte for byte that of a write from scratch."""

from __future__ import annotations

import hashlib
import json
import marshal
import os
import shutil
import sqlite3
from decimal import Decimal
from pathlib import Path

import pytest

from generator.controle.identifiants import Identifiant
from generator.exports import Ecritures, fichiers_meta, write_all
from generator.exports import csv_deliberations as exp_deliberations
from generator.exports import csv_subventions as exp_csv
from generator.exports import ecritures as exp_ecritures
from generator.exports import elus as exp_elus
from generator.exports import par_lieu as exp_par_lieu
from generator.exports import scdl as exp_scdl
from generator.exports import sqlite as exp_sqlite
from generator.lieux import places
from generator.records.corpus import Corpus
from generator.site.pages import elus as pages_elus


def _corpus(donnees: Path, ref: places.Reference | None = None) -> Corpus:
    corpus = Corpus.load(donnees, ref or places.reference())
    corpus.elus = pages_elus.registre(corpus, {})
    return corpus


@pytest.fixture
def faits(monkeypatch) -> list[str]:
    """What the exports made of their texts: "row" for each grant's row, the SCDL rows ("scdl subventions",
    "scdl deliberations"), the text of deliberations.csv and the selections of grants by place ("par lieu")."""
    out: list[str] = []

    def espion(module, nom: str, quoi: str) -> None:
        fonction = getattr(module, nom)

        def appel(*args, **kwargs):
            out.append(quoi)
            return fonction(*args, **kwargs)

        monkeypatch.setattr(module, nom, appel)

    espion(exp_csv, "row", "row")
    espion(exp_scdl, "subventions_rows", "scdl subventions")
    espion(exp_scdl, "deliberations_rows", "scdl deliberations")
    espion(exp_deliberations, "_texte", "deliberations.csv")
    espion(exp_par_lieu, "_subventions_par_page", "par lieu")
    return out


@pytest.fixture
def construites(monkeypatch) -> list[str]:
    """The databases built (core and years), by file name, in order."""
    out: list[str] = []
    coeur, texte = exp_sqlite.build, exp_sqlite.build_texte

    def build(corpus, path, *args, **kwargs):
        out.append(Path(path).name)
        return coeur(corpus, path, *args, **kwargs)

    def build_texte(corpus, ds, path, *args, **kwargs):
        out.append(Path(path).name)
        return texte(corpus, ds, path, *args, **kwargs)

    monkeypatch.setattr(exp_sqlite, "build", build)
    monkeypatch.setattr(exp_sqlite, "build_texte", build_texte)
    return out


def _fichiers(out: Path) -> dict[str, tuple[int, int, bytes]]:
    """Each file: (inode, modification time, bytes)."""
    return {
        f.relative_to(out).as_posix(): (f.stat().st_ino, f.stat().st_mtime_ns, f.read_bytes())
        for f in sorted(out.rglob("*"))
        if f.is_file()
    }


def _ecrire(corpus: Corpus, out: Path, cache: Path, identifiants: list[Identifiant] | None = None) -> list:
    ecritures = Ecritures(out, cache)
    return fichiers_meta(out, write_all(corpus, out, identifiants=identifiants, ecritures=ecritures), ecritures)


def _changes(avant: dict, apres: dict) -> list[str]:
    """The files written again (another inode or date), or added or removed."""
    return sorted(r for r in avant.keys() | apres.keys() if avant.get(r, (None,))[:2] != apres.get(r, (None,))[:2])


def _comme_de_zero(corpus: Corpus, out: Path, tmp_path: Path, identifiants: list[Identifiant] | None = None) -> None:
    """The files of `out` are those a write from scratch (no cache) makes of `corpus`."""
    frais = tmp_path / "frais"
    shutil.rmtree(frais, ignore_errors=True)
    write_all(corpus, frais, identifiants=identifiants)
    assert {r: v[2] for r, v in _fichiers(frais).items()} == {r: v[2] for r, v in _fichiers(out).items()}


FERQUES = [
    "cantons/desvres.csv",
    "cantons/desvres.json",
    "communes/ferques.csv",
    "communes/ferques.json",
    "deliberations/2021-232.csv",
    "deliberations/2021-232.json",
    "epci/cc-de-la-terre-des-deux-caps.csv",
    "epci/cc-de-la-terre-des-deux-caps.json",
]
"""The per-page files that list Association Ferk'Ados' grant 2021-232-0002 (Ferques, canton of Desvres, CC de
la Terre des Deux Caps, Boulonnais), but the territoire's."""
FERQUES_PARTOUT = sorted(
    FERQUES
    + ["recueil.sqlite", "subventions-tableur.csv", "subventions.csv", "subventions.json"]
    + ["territoires/boulonnais.csv", "territoires/boulonnais.json"]
)
"""Every file that lists it."""


def test_nothing_changed_nothing_built_nor_written(tmp_path, donnees, construites, faits):
    out, cache = tmp_path / "donnees", tmp_path / "exports.json"
    _ecrire(_corpus(donnees), out, cache)
    assert construites == ["recueil.sqlite"] + [f"recueil-texte-{a}.sqlite" for a in ("2019", "2021", "2022", "2023")]
    avant = _fichiers(out)
    assert "communes/ferques.csv" in avant and len(json.loads(cache.read_text("utf-8"))) > 800
    construites.clear()
    faits.clear()
    meta = _ecrire(_corpus(donnees), out, cache)  # the same inputs, read again
    assert construites == []
    assert faits == []  # no row, no SCDL row, no selection by place made: every file kept on its key
    assert _fichiers(out) == avant  # same inodes and dates: nothing rewritten
    # the « Données » page's rows, taken from the cache, are those counted in the files
    assert meta == fichiers_meta(out, [out / r for r in avant])
    communes = next(m for m in meta if m["nom"] == "communes/*.csv")
    assert communes["lignes"] > 0 and communes["nombre"] == len([r for r in avant if r.startswith("communes/") and r.endswith(".csv")])


def test_a_grant_changed_rewrites_the_files_that_list_it(tmp_path, donnees, construites):
    """Association Ferk'Ados' 750 € (2021-232, Ferques, canton of Desvres, CC de la Terre des Deux Caps,
    Boulonnais) becomes 751 €: the core database is built again, no year's texts (no text changed), and
    the files rewritten are those that list the grant (not the SCDL file: no SIRET is known for it); the
    result is that of a write from scratch."""
    out, cache = tmp_path / "donnees", tmp_path / "exports.json"
    _ecrire(_corpus(donnees), out, cache)
    avant = _fichiers(out)
    construites.clear()
    corpus = _corpus(donnees)
    s = next(s for s in corpus.subventions if s.id == "2021-232-0002")
    assert (s.montant, s.beneficiaire) == (Decimal("750"), "Association Ferk'Ados")
    s.montant = Decimal("751")
    _ecrire(corpus, out, cache)
    assert construites == ["recueil.sqlite"]
    apres = _fichiers(out)
    assert _changes(avant, apres) == FERQUES_PARTOUT
    assert "Association Ferk'Ados" in apres["communes/ferques.csv"][2].decode() and "751.00" in apres["communes/ferques.csv"][2].decode()
    with sqlite3.connect(out / "recueil.sqlite") as con:
        assert con.execute("SELECT montant FROM subventions WHERE id = '2021-232-0002'").fetchone() == ("751.00",)
    _comme_de_zero(corpus, out, tmp_path)


def test_a_year_is_built_again_when_its_file_or_its_source_changes(tmp_path, donnees, construites):
    """A year's text database is kept while it is the file the last build left and its source's file in
    site_data/actes is unchanged: truncated, it is built again; an annex of 2019-117 edited in its
    source's file, only 2019 is built again, and its new word is found in `annexes_fts`."""
    site_data = tmp_path / "site_data"
    shutil.copytree(donnees, site_data)
    out, cache = tmp_path / "donnees", tmp_path / "exports.json"
    _ecrire(_corpus(site_data), out, cache)
    construites.clear()
    base = out / "recueil-texte-2021.sqlite"
    with base.open("r+b") as f:  # damaged in place (same inode), its date put back: hashed, found different
        f.truncate(4096)
    st = base.stat()
    os.utime(base, ns=(st.st_atime_ns, st.st_mtime_ns - 10**9))
    _ecrire(_corpus(site_data), out, cache)
    assert construites == ["recueil-texte-2021.sqlite"]
    with sqlite3.connect(base) as con:
        assert con.execute("SELECT count(*) FROM deliberations").fetchone() == (21,)
    construites.clear()
    fichier = next(f for f in (site_data / "actes").glob("*.json") if '"2019-117"' in f.read_text("utf-8"))
    doc = json.loads(fichier.read_text("utf-8"))
    annexe = next(d for d in doc["deliberations"] if d["id"] == "2019-117")["annexes"][0]
    annexe["texte"] += " Aquabulle"
    fichier.write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    _ecrire(_corpus(site_data), out, cache)
    assert construites == ["recueil-texte-2019.sqlite"]
    with sqlite3.connect(out / "recueil-texte-2019.sqlite") as con:
        trouve = con.execute(
            "SELECT a.deliberation FROM annexes_fts JOIN annexes a ON a.rowid = annexes_fts.rowid WHERE annexes_fts MATCH 'aquabulle'"
        )
        assert trouve.fetchall() == [("2019-117",)]


def test_an_unreadable_cache_writes_everything(tmp_path, donnees, construites):
    out, cache = tmp_path / "donnees", tmp_path / "exports.json"
    _ecrire(_corpus(donnees), out, cache)
    cache.write_text("{pas du JSON", encoding="utf-8")
    construites.clear()
    _ecrire(_corpus(donnees), out, cache)
    assert construites == ["recueil.sqlite"] + [f"recueil-texte-{a}.sqlite" for a in ("2019", "2021", "2022", "2023")]
    assert isinstance(json.loads(cache.read_text("utf-8")), dict)


def test_a_grant_changed_in_site_data_remakes_the_files_that_list_it(tmp_path, donnees, construites, faits):
    """The grant 2021-232-0002 changed in its file of site_data/subventions (751 € for 750 €: another digest of
    the record read, `Rangees.cle`): the files that list it are made again, and only they (the others kept on
    their keys, their rows not made), as a write from scratch makes them."""
    site_data = tmp_path / "site_data"
    shutil.copytree(donnees, site_data)
    out, cache = tmp_path / "donnees", tmp_path / "exports.json"
    _ecrire(_corpus(site_data), out, cache)
    avant = _fichiers(out)
    fichier = next(f for f in (site_data / "subventions").glob("*.json") if '"2021-232-0002"' in f.read_text("utf-8"))
    doc = json.loads(fichier.read_text("utf-8"))
    s = next(s for s in doc["subventions"] if s["id"] == "2021-232-0002")
    assert (s["montant"], s["beneficiaire"]) == ("750", "Association Ferk'Ados")
    s["montant"] = "751"
    fichier.write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    construites.clear()
    faits.clear()
    corpus = _corpus(site_data)
    _ecrire(corpus, out, cache)
    assert construites == ["recueil.sqlite"]
    # each grant's row made once (subventions.csv lists them all), the SCDL rows made and compared (unchanged: no
    # SIRET is known for it), deliberations.csv kept
    assert faits.count("row") == len(corpus.subventions) and "deliberations.csv" not in faits
    assert sorted(set(faits) - {"row"}) == ["par lieu", "scdl deliberations", "scdl subventions"]
    apres = _fichiers(out)
    assert _changes(avant, apres) == FERQUES_PARTOUT
    assert "751.00" in apres["communes/ferques.csv"][2].decode()
    _comme_de_zero(corpus, out, tmp_path)


@pytest.mark.parametrize(
    ("champ", "valeur", "refaits"),
    [
        ("nom", "Ferques-la-Neuve", FERQUES),  # its name in the rows of every file that lists its grants
        ("cantons", ["6222", "6203"], FERQUES),  # the canton column; Ferques now shared, Desvres no longer counts it
    ],
)
def test_a_place_changed_in_the_reference_remakes_the_files(tmp_path, donnees, faits, champ, valeur, refaits):
    """Ferques' name or cantons changed in the reference geography: the rows take them, so every file of grants is
    keyed on it (`Rangees.geographie`): all are made again, those that list its grants written again with the new
    value, as a write from scratch makes them."""
    out, cache = tmp_path / "donnees", tmp_path / "exports.json"
    _ecrire(_corpus(donnees), out, cache)
    avant = _fichiers(out)
    ref = places.Reference.load()
    ref.communes["62329"][champ] = valeur
    faits.clear()
    corpus = _corpus(donnees, ref)
    _ecrire(corpus, out, cache)
    assert faits.count("row") == len(corpus.subventions) and "par lieu" in faits
    changes = _changes(avant, _fichiers(out))
    assert set(refaits) <= set(changes) and {"subventions.csv", "subventions.json", "subventions-tableur.csv"} <= set(changes)
    texte = (out / "communes" / "ferques.csv").read_text("utf-8")
    assert ("Ferques-la-Neuve" in texte) == (champ == "nom") and ("6203;6222" in texte) == (champ == "cantons")
    _comme_de_zero(corpus, out, tmp_path)


def test_the_code_changed_remakes_every_file(tmp_path, donnees, faits, monkeypatch):
    """Another code of the exports (`ecritures.empreinte_code`): every file is made again (the same bytes here,
    so none is written again)."""
    out, cache = tmp_path / "donnees", tmp_path / "exports.json"
    _ecrire(_corpus(donnees), out, cache)
    avant = _fichiers(out)
    monkeypatch.setattr(exp_ecritures, "empreinte_code", lambda: "un autre code")
    faits.clear()
    corpus = _corpus(donnees)
    _ecrire(corpus, out, cache)
    assert faits.count("row") == len(corpus.subventions)
    assert sorted(set(faits) - {"row"}) == ["deliberations.csv", "par lieu", "scdl deliberations", "scdl subventions"]
    assert _changes(avant, _fichiers(out)) == []  # (the databases are keyed on their own code: `sqlite.empreinte_code`)


def test_an_identifiant_given_remakes_the_scdl_files(tmp_path, donnees, faits):
    """A SIRET given for Association Ferk'Ados in the publisher's table: the SCDL files are made again and its
    grant is in subventions-scdl.csv; no other file of rows is, and the « Données » page counts one grant fewer to
    complete."""
    out, cache = tmp_path / "donnees", tmp_path / "exports.json"
    meta = _ecrire(_corpus(donnees), out, cache)
    avant = _fichiers(out)
    faits.clear()
    identifiants = [Identifiant("Association Ferk'Ados", "73282932000074", "", "identifiants.csv", 2)]
    corpus = _corpus(donnees)
    apres = _ecrire(corpus, out, cache, identifiants)
    assert sorted(faits) == ["scdl deliberations", "scdl subventions"]
    assert _changes(avant, _fichiers(out)) == ["datapackage.json", "subventions-scdl.csv"]  # (which describes its rows)
    assert "73282932000074" in (out / "subventions-scdl.csv").read_text("utf-8")
    a_completer = [next(m["a_completer"] for m in x if m["nom"] == "subventions-scdl.csv") for x in (meta, apres)]
    assert a_completer[1] == a_completer[0] - 1
    _comme_de_zero(corpus, out, tmp_path, identifiants)


@pytest.fixture
def rangs_elus(monkeypatch) -> list[str]:
    """The councillors' rows made: "elus" (`lignes_elus`) and "presences" (`lignes_presences`), wherever asked for."""
    out: list[str] = []
    for module in (exp_csv, exp_sqlite, exp_elus):
        for nom, quoi in (("lignes_elus", "elus"), ("lignes_presences", "presences")):
            fonction = getattr(exp_elus, nom)
            monkeypatch.setattr(module, nom, lambda *a, fonction=fonction, quoi=quoi, **k: out.append(quoi) or fonction(*a, **k))
    return out


def _ecrire_avec_alias(corpus: Corpus, out: Path, cache: Path) -> None:
    """A build's write: the register built with no alias (`_corpus`), and said so (`write_all`'s `alias`)."""
    ecritures = Ecritures(out, cache)
    fichiers_meta(out, write_all(corpus, out, ecritures=ecritures, alias={}), ecritures)


def test_councillors_rows_are_made_only_when_what_the_register_is_built_from_changed(tmp_path, donnees, construites, rangs_elus):
    """`Rangees.registre`: without change, no councillor's row is made (elus.csv, presences.csv and their
    tables kept); a status changed in a presence list of site_data/actes (2022-317: Valérie CUVILLIER
    excused) makes them once, rebuilds the core and 2022's texts only, as a write from scratch makes them; an
    annex edited makes them again (their digests, kept with what the register is built from, `Ecritures.retenu`)
    and rebuilds its year's texts only."""
    site_data = tmp_path / "site_data"
    shutil.copytree(donnees, site_data)
    out, cache = tmp_path / "donnees", tmp_path / "exports.json"
    _ecrire_avec_alias(_corpus(site_data), out, cache)
    assert sorted(rangs_elus) == ["elus", "presences"]
    avant = _fichiers(out)
    rangs_elus.clear()
    construites.clear()
    _ecrire_avec_alias(_corpus(site_data), out, cache)
    assert rangs_elus == [] and construites == [] and _fichiers(out) == avant

    fichier = next(f for f in (site_data / "actes").glob("*.json") if '"2022-317"' in f.read_text("utf-8"))
    doc = json.loads(fichier.read_text("utf-8"))
    liste = next(d for d in doc["deliberations"] if d["id"] == "2022-317")["attendance"]
    liste["presents"].remove("Valérie CUVILLIER")
    liste["excuses"].append("Valérie CUVILLIER")
    fichier.write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    corpus = _corpus(site_data)
    _ecrire_avec_alias(corpus, out, cache)
    assert sorted(rangs_elus) == ["elus", "presences"]
    assert construites == ["recueil.sqlite", "recueil-texte-2022.sqlite"]
    changes = _changes(avant, _fichiers(out))
    assert {"elus.csv", "presences.csv", "recueil.sqlite", "recueil-texte-2022.sqlite"} <= set(changes)
    assert "recueil-texte-2021.sqlite" not in changes
    lignes = (out / "presences.csv").read_text("utf-8").splitlines()
    assert [li for li in lignes if ",Valérie CUVILLIER,2022-317," in li][0].split(",")[6] == "excuse"
    _comme_de_zero(corpus, out, tmp_path)

    # an annex's text edited: the rows are made again (its file changed), found the same: only its year is built
    rangs_elus.clear()
    construites.clear()
    avant = _fichiers(out)
    fichier = next(f for f in (site_data / "actes").glob("*.json") if '"2019-117"' in f.read_text("utf-8"))
    doc = json.loads(fichier.read_text("utf-8"))
    next(d for d in doc["deliberations"] if d["id"] == "2019-117")["annexes"][0]["texte"] += " Aquabulle"
    fichier.write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    _ecrire_avec_alias(_corpus(site_data), out, cache)
    assert sorted(rangs_elus) == ["elus", "presences"] and construites == ["recueil-texte-2019.sqlite"]
    assert _changes(avant, _fichiers(out)) == ["recueil-texte-2019.sqlite"]


def test_the_json_digest_of_the_keys_is_that_of_its_text():
    """`empreinte_json`: the SHA-256 of the JSON text, non-ASCII as is (the keys of `.cache/exports.json` made
    before it was one helper stay the same), the objects' keys sorted only when asked."""
    valeur = {"b": "Béthune", "a": [1, None]}
    assert exp_ecritures.empreinte_json(valeur) == hashlib.sha256('{"b": "Béthune", "a": [1, null]}'.encode()).hexdigest()
    trie = hashlib.sha256('{"a": [1, null], "b": "Béthune"}'.encode()).hexdigest()
    assert exp_ecritures.empreinte_json(valeur, trier=True) == trie
    assert exp_ecritures.empreinte_json(valeur) != trie


@pytest.fixture
def formatees(monkeypatch) -> list[str]:
    """The grants whose lines (CSV, JSON, spreadsheet) were formatted (`csv_subventions.formater`), by id."""
    out: list[str] = []
    formater = exp_csv.formater

    def espion(rangees, s):
        out.append(s.id)
        return formater(rangees, s)

    monkeypatch.setattr(exp_csv, "formater", espion)
    return out


TROIS = ["subventions-tableur.csv", "subventions.csv", "subventions.json"]


def _ids(corpus: Corpus, garder) -> list[str]:
    return sorted(s.id for s in corpus.subventions if garder(s))


def test_a_month_added_formats_only_its_grants(tmp_path, donnees, formatees):
    """The source of 2019-117 (its 19 grants) added to a build of the others: only its grants' lines are formatted,
    the others' joined as the last build made them (`Ecritures.lignes_connues`); the files are those of a write from
    scratch. Then nothing changed: no line formatted, the lines kept not written again."""
    site_data = tmp_path / "site_data"
    shutil.copytree(donnees, site_data)
    mis_de_cote = tmp_path / "mis de côté"
    mis_de_cote.mkdir()
    for dossier in ("actes", "subventions"):
        (site_data / dossier / "001_e1a7153a0531ec73.json").rename(mis_de_cote / dossier)
    out, cache = tmp_path / "donnees", tmp_path / "exports.json"
    sans = _corpus(site_data)
    _ecrire(sans, out, cache)
    assert sorted(formatees) == _ids(sans, lambda s: True) and len(formatees) == 505
    for dossier in ("actes", "subventions"):
        (mis_de_cote / dossier).rename(site_data / dossier / "001_e1a7153a0531ec73.json")
    formatees.clear()
    corpus = _corpus(site_data)
    _ecrire(corpus, out, cache)
    assert sorted(formatees) == _ids(corpus, lambda s: s.deliberation == "2019-117") and len(formatees) == 19
    _comme_de_zero(corpus, out, tmp_path)
    lignes = cache.with_name("exports-lignes.marshal")
    avant = lignes.stat().st_ino, lignes.stat().st_mtime_ns
    formatees.clear()
    _ecrire(_corpus(site_data), out, cache)
    assert formatees == [] and (lignes.stat().st_ino, lignes.stat().st_mtime_ns) == avant


def _changer(site_data: Path, dossier: str, changer) -> None:
    """Apply `changer` to the JSON of the file of site_data/`dossier` of the source 004 (2021's grants)."""
    fichier = site_data / dossier / "004_45492b4b56f19b50.json"
    doc = json.loads(fichier.read_text("utf-8"))
    changer(doc)
    fichier.write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def _montant(doc: dict) -> None:
    s = next(s for s in doc["subventions"] if s["id"] == "2021-232-0002")
    assert s["montant"] == "750"
    s["montant"] = "751"


def _date(doc: dict) -> None:
    d = next(d for d in doc["deliberations"] if d["id"] == "2021-233")
    assert d["date"] == "2021-06-07"
    d["date"] = "2021-06-08"


@pytest.mark.parametrize(
    ("dossier", "changer", "attendues", "texte"),
    [
        ("subventions", _montant, lambda s: s.id == "2021-232-0002", "751.00"),  # a grant's field
        ("actes", _date, lambda s: s.deliberation == "2021-233", "2021-06-08"),  # its deliberation's date, in its rows
    ],
)
def test_a_record_changed_formats_the_lines_it_shows_in(tmp_path, donnees, formatees, dossier, changer, attendues, texte):
    """A grant's amount or its deliberation's date changed in site_data/: exactly the lines that show it are formatted
    again (`Rangees.cle_lignes`), and the three files are those of a write from scratch."""
    site_data = tmp_path / "site_data"
    shutil.copytree(donnees, site_data)
    out, cache = tmp_path / "donnees", tmp_path / "exports.json"
    _ecrire(_corpus(site_data), out, cache)
    _changer(site_data, dossier, changer)
    formatees.clear()
    corpus = _corpus(site_data)
    _ecrire(corpus, out, cache)
    assert sorted(formatees) == _ids(corpus, attendues) and formatees
    assert texte in (out / "subventions.csv").read_text("utf-8")
    _comme_de_zero(corpus, out, tmp_path)


def test_a_commune_renamed_in_the_reference_formats_its_grants_lines(tmp_path, donnees, formatees):
    """Ferques renamed in the reference geography: the lines of its grants, and theirs only, are formatted again
    (`csv_subventions.lieux`); every file that lists them takes the new name, as a write from scratch."""
    out, cache = tmp_path / "donnees", tmp_path / "exports.json"
    _ecrire(_corpus(donnees), out, cache)
    ref = places.Reference.load()
    ref.communes["62329"]["nom"] = "Ferques-la-Neuve"
    formatees.clear()
    corpus = _corpus(donnees, ref)
    _ecrire(corpus, out, cache)
    assert sorted(formatees) == _ids(corpus, lambda s: corpus.commune_of(s) == "62329") and formatees
    assert all("Ferques-la-Neuve" in (out / f).read_text("utf-8-sig") for f in [*TROIS, "communes/ferques.csv"])
    _comme_de_zero(corpus, out, tmp_path)


def test_the_code_changed_formats_every_line(tmp_path, donnees, formatees, monkeypatch):
    """Another code of the exports (`ecritures.empreinte_code`): the lines kept are not read, every one is formatted."""
    out, cache = tmp_path / "donnees", tmp_path / "exports.json"
    _ecrire(_corpus(donnees), out, cache)
    monkeypatch.setattr(exp_ecritures, "empreinte_code", lambda: "un autre code")
    formatees.clear()
    corpus = _corpus(donnees)
    _ecrire(corpus, out, cache)
    assert sorted(formatees) == _ids(corpus, lambda s: True)


def test_lines_kept_but_edited_are_not_read(tmp_path, donnees, formatees):
    """The file of the lines kept edited behind the build (the lines of 2021-232-0002 made to say 999.00), then
    subventions.csv lost: not the bytes recorded, the lines are not read; every line is formatted again, the files
    hold the grant's true amount."""
    out, cache = tmp_path / "donnees", tmp_path / "exports.json"
    _ecrire(_corpus(donnees), out, cache)
    chemin = cache.with_name("exports-lignes.marshal")
    lignes = marshal.loads(chemin.read_bytes())
    cle = next(k for k, v in lignes.items() if '"2021-232-0002"' in v[1])
    assert all("750" in x for x in lignes[cle])
    lignes[cle] = tuple(x.replace("750.00", "999.00").replace("750,00", "999,00") for x in lignes[cle])
    chemin.write_bytes(marshal.dumps(lignes))
    (out / "subventions.csv").unlink()
    formatees.clear()
    corpus = _corpus(donnees)
    _ecrire(corpus, out, cache)
    assert sorted(formatees) == _ids(corpus, lambda s: True)
    ligne = (out / "subventions.csv").read_text("utf-8").split("2021-232-0002", 1)[1].split("\n", 1)[0]
    assert ",750.00," in ligne and "999.00" not in ligne
    _comme_de_zero(corpus, out, tmp_path)


def test_a_grant_changed_since_read_formats_its_lines(tmp_path, donnees, formatees):
    """A grant's field assigned after reading (`empreinte_valide`: no digest any more): its lines are formatted
    from what it holds now, never taken from the last build; the others are."""
    out, cache = tmp_path / "donnees", tmp_path / "exports.json"
    _ecrire(_corpus(donnees), out, cache)
    corpus = _corpus(donnees)
    s = next(s for s in corpus.subventions if s.id == "2021-232-0002")
    s.montant = Decimal("751")
    formatees.clear()
    _ecrire(corpus, out, cache)
    assert formatees == ["2021-232-0002"]
    assert "751.00" in (out / "communes" / "ferques.csv").read_text("utf-8")
    _comme_de_zero(corpus, out, tmp_path)

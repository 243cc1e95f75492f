"""The exports of a build write again only what changed (`exports.Ecritures`, `.cache/exports.json`;
issue 22): a month added to ten years rebuilt every year's text database and rewrote thousands of
per-place files; now an unchanged database is not built and an unchanged file not written, and the
result is byte for byte that of a write from scratch."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
from decimal import Decimal
from pathlib import Path

import pytest

from generator.exports import Ecritures, fichiers_meta, write_all
from generator.exports import sqlite as exp_sqlite
from generator.lieux import places
from generator.records.corpus import Corpus
from generator.site.pages import elus as pages_elus


def _corpus(donnees: Path) -> Corpus:
    corpus = Corpus.load(donnees, places.reference())
    corpus.elus = pages_elus.registre(corpus, {})
    return corpus


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


def _ecrire(corpus: Corpus, out: Path, cache: Path) -> list:
    ecritures = Ecritures(out, cache)
    return fichiers_meta(out, write_all(corpus, out, ecritures=ecritures), ecritures)


def test_nothing_changed_nothing_built_nor_written(tmp_path, donnees, construites):
    out, cache = tmp_path / "donnees", tmp_path / "exports.json"
    _ecrire(_corpus(donnees), out, cache)
    assert construites == ["recueil.sqlite"] + [f"recueil-texte-{a}.sqlite" for a in ("2019", "2021", "2022", "2023")]
    avant = _fichiers(out)
    assert "communes/ferques.csv" in avant and len(json.loads(cache.read_text("utf-8"))) > 800
    construites.clear()
    meta = _ecrire(_corpus(donnees), out, cache)  # the same inputs, read again
    assert construites == []
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
    assert sorted(r for r in apres if apres[r][:2] != avant[r][:2]) == [
        "cantons/desvres.csv",
        "cantons/desvres.json",
        "communes/ferques.csv",
        "communes/ferques.json",
        "deliberations/2021-232.csv",
        "deliberations/2021-232.json",
        "epci/cc-de-la-terre-des-deux-caps.csv",
        "epci/cc-de-la-terre-des-deux-caps.json",
        "recueil.sqlite",
        "subventions-tableur.csv",
        "subventions.csv",
        "subventions.json",
        "territoires/boulonnais.csv",
        "territoires/boulonnais.json",
    ]
    assert "Association Ferk'Ados" in apres["communes/ferques.csv"][2].decode() and "751.00" in apres["communes/ferques.csv"][2].decode()
    with sqlite3.connect(out / "recueil.sqlite") as con:
        assert con.execute("SELECT montant FROM subventions WHERE id = '2021-232-0002'").fetchone() == ("751.00",)
    frais = tmp_path / "frais"
    write_all(corpus, frais)  # from scratch, without a cache
    assert {r: v[2] for r, v in _fichiers(frais).items()} == {r: v[2] for r, v in apres.items()}


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

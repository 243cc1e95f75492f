"""Frozen after indexing (`records.corpus`'s docstring): a whole rendering of the fixtures' corpus, the
pages, feeds, exports and search indexes as `build.render` makes them, leaves every record and index of
the corpus as `Corpus._index` made it. The page keys (`corpus.Lu`, `cle_lu`) and the places' kept
selections (`Corpus._selections`) rest on it."""

from __future__ import annotations

import copy

from generator import build
from generator.commun import memoire
from generator.extraction import Paths, extract
from generator.records.corpus import Corpus, cle_lu

from projet import CORPUS_COMPLET, copier_projet

_FIGES = (
    "documents",
    "recueils",
    "sessions",
    "deliberations",
    "subventions",
    "par_commune",
    "par_epci",
    "delib_lieux",
    "actes_par_commune",
)
"""The corpus's records and its indexes of them."""


def _etat(corpus: Corpus) -> dict[str, object]:
    return {k: getattr(corpus, k) for k in _FIGES}


def _attributs(etat: dict) -> list[dict[str, object]]:
    """Every record's attributes (`vars`: the fields its equality leaves out, `lu`, and any attribute added)."""
    actes = [a for lst in etat["actes_par_commune"].values() for a in lst]
    return [
        vars(r)
        for r in [
            *etat["documents"],
            *etat["recueils"],
            *etat["sessions"].values(),
            *etat["deliberations"].values(),
            *etat["subventions"],
            *actes,
        ]
    ]


def test_rendering_the_whole_corpus_changes_no_record(tmp_path, monkeypatch):
    indexes: list[tuple[Corpus, dict]] = []
    indexer = Corpus._index

    def copier_apres(corpus: Corpus, *args) -> None:
        indexer(corpus, *args)
        indexes.append((corpus, copy.deepcopy(_etat(corpus))))  # right after indexing

    monkeypatch.setattr(Corpus, "_index", copier_apres)
    monkeypatch.setenv("RPC_PROCESSUS", "1")  # the exports and the search in this process: what they change is seen here
    paths = Paths(copier_projet(tmp_path / "projet", CORPUS_COMPLET, corrections=True))
    with memoire.gel():  # (as the build runs them: `build._construire`)
        res = extract(paths, log=lambda *_: None)
        pages = build.render(paths, res)
    assert res.recherche is not None
    _, recherche = res.recherche()
    assert pages == 1210 and len(recherche) > 20
    assert len(list((paths.content / "donnees").rglob("*.csv"))) > 100 and len(res.attendu.flux) > 100

    ((corpus, copie),) = indexes
    assert len(corpus.deliberations) == 28 and len(corpus.subventions) == 524
    assert not corpus.originaux  # (text sources: no published PDF, no `url_original` set after indexing)
    assert _etat(corpus) == copie  # every record equal, every index in its order
    assert _attributs(_etat(corpus)) == _attributs(copie)
    # and no field of site_data/ assigned, even to an equal value: each still the object read (`cle_lu`)
    actes = [a for liste in corpus.actes_par_commune.values() for a in liste]
    assert actes and all(cle_lu(r) is not None for r in [*corpus.deliberations.values(), *corpus.subventions, *actes])

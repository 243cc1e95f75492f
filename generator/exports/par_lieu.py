"""Per-page files: the grants of each place page and of each deliberation page, as CSV and JSON —
`communes/<slug>.csv|json`, `cantons/…`, `epci/…`, `territoires/…`, `deliberations/<id>.csv|json`.

A place's files hold exactly the grants its page lists and its feed follows (one selection,
`Corpus.subventions_du_lieu`): grants located in the place's communes — a canton without the communes
it shares with other cantons — plus, for an EPCI, the grants it receives itself. A deliberation's hold
the grants it awards. Only pages with at least one grant get files, so the page templates link them
through `telechargements` and never a missing one. Same columns and cells as subventions.csv and
subventions.json (`csv_subventions`).
"""

from __future__ import annotations

import functools
from pathlib import Path

from generator.exports.csv_subventions import Rangees, lignes_csv, lignes_json, sort_key
from generator.exports.ecritures import Ecritures
from generator.lieux.places import KINDS as LIEUX
from generator.records.corpus import Corpus, SubventionPubliee

KINDS = {"commune": "communes", "canton": "cantons", "epci": "epci", "territoire": "territoires", "deliberation": "deliberations"}
FORMATS = ("csv", "json")


def subventions_par_lieu(corpus: Corpus) -> dict[tuple[str, str], list[SubventionPubliee]]:
    """(kind, code) → its grants (each once), for every place that has some (the selection of its page, its files and its feed)."""
    out: dict[tuple[str, str], list[SubventionPubliee]] = {}
    for kind in LIEUX:
        for code in corpus.ref.entities(kind):
            if subs := corpus.subventions_du_lieu(kind, code):
                out[(kind, code)] = subs
    return out


def _subventions_par_page(corpus: Corpus) -> dict[tuple[str, str], list[SubventionPubliee]]:
    """`subventions_par_lieu` and ("deliberation", id) → the grants it awards."""
    out = subventions_par_lieu(corpus)
    for s in corpus.subventions:
        out.setdefault(("deliberation", s.deliberation), []).append(s)
    return out


def _slug(corpus: Corpus, kind: str, code: str) -> str:
    ref = corpus.ref
    if kind in ("territoire", "deliberation"):
        return code
    table = {"commune": ref.communes, "canton": ref.cantons, "epci": ref.epci}[kind]
    slug: str = table[code]["slug"]
    return slug


def chemin(kind: str, slug: str) -> str:
    """A page's files, relative to the exports folder and without the extension: ("deliberation", "2021-243") → "deliberations/2021-243"."""
    return f"{KINDS[kind]}/{slug}"


def telechargements(corpus: Corpus) -> dict[tuple[str, str], str]:
    """(kind, code) → its files' path relative to the exports folder, without the extension (`FORMATS`),
    e.g. ("commune", "62075") → "communes/baincthun", ("deliberation", "2021-243") → "deliberations/2021-243"."""
    return {key: chemin(key[0], _slug(corpus, *key)) for key in sorted(_subventions_par_page(corpus))}


def write(corpus: Corpus, out_dir: Path, rangees: Rangees | None = None, ecritures: Ecritures | None = None) -> list[Path]:
    """Two files (CSV, JSON) per page with grants, in (kind, code) order. A grant is in the files of its
    commune, canton, EPCI, territoire and deliberation: its row and its lines are made once (`Rangees`),
    and a file that holds its text already is not written again (`Ecritures`)."""
    rangees = rangees or Rangees(corpus)
    ecritures = ecritures or Ecritures(out_dir)
    # every page's selection is made of the grants and the geography: all of them unchanged, every file is kept
    cle = rangees.cle_fichier("par_lieu", rangees.ordre)
    return ecritures.groupe("par_lieu", cle, functools.partial(_write, corpus, out_dir, rangees, ecritures))


def _write(corpus: Corpus, out_dir: Path, rangees: Rangees, ecritures: Ecritures) -> list[Path]:
    paths = []
    for key, subs in sorted(_subventions_par_page(corpus).items()):
        rel = chemin(key[0], _slug(corpus, *key))
        ordre = sorted(subs, key=sort_key)
        csv_path, json_path = out_dir / f"{rel}.csv", out_dir / f"{rel}.json"
        cles = rangees.cles(ordre)  # (the two files list the same grants)
        ecritures.fichier(csv_path, rangees.cle_fichier(f"{rel}.csv", cles), functools.partial(lignes_csv, rangees, ordre), len(ordre))
        ecritures.fichier(json_path, rangees.cle_fichier(f"{rel}.json", cles), functools.partial(lignes_json, rangees, ordre), len(ordre))
        paths += [csv_path, json_path]
    return paths

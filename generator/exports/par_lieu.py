"""Per-place CSVs: `communes/<slug>.csv`, `cantons/<slug>.csv`, `epci/<slug>.csv`, `territoires/<slug>.csv`.

Each file holds exactly the grants its place page lists (same selection as
`pages/lieux.py`): grants located in the place's communes — a canton without
the communes it shares with other cantons — plus, for an EPCI, the grants it
receives itself. Only places with at least one grant get a file, so the page
templates link the file through `par_lieu_paths` and never a missing one.
"""

from __future__ import annotations

from pathlib import Path

from generator.commun.store import write_text
from generator.exports.csv_subventions import FIELDS, TEXTE, csv_text, row, sort_key
from generator.records.corpus import Corpus, SubventionPubliee

KINDS = {"commune": "communes", "canton": "cantons", "epci": "epci", "territoire": "territoires"}


def _grants(corpus: Corpus) -> dict[tuple[str, str], list[SubventionPubliee]]:
    """(kind, code) → its grants (each once), for every place that has some."""
    ref = corpus.ref
    out: dict[tuple[str, str], list[SubventionPubliee]] = {}

    def put(kind: str, code: str, subs: list[SubventionPubliee]) -> None:
        seen, uniq = set(), []
        for s in subs:
            if s.id not in seen:
                seen.add(s.id)
                uniq.append(s)
        if uniq:
            out[(kind, code)] = uniq

    for insee in ref.communes:
        put("commune", insee, corpus.grants_in([insee]))
    for code, k in ref.cantons.items():
        fraction = set(k.get("fraction") or [])
        put("canton", code, corpus.grants_in([c for c in k["communes"] if c not in fraction]))
    for siren, e in ref.epci.items():
        put("epci", siren, list(corpus.par_epci.get(siren, [])) + corpus.grants_in(e["membres"]))
    for slug, t in ref.territoires.items():
        put("territoire", slug, corpus.grants_in(t["communes"]))
    return out


def _slug(corpus: Corpus, kind: str, code: str) -> str:
    ref = corpus.ref
    if kind == "territoire":
        return code
    table = {"commune": ref.communes, "canton": ref.cantons, "epci": ref.epci}[kind]
    return table[code]["slug"]


def par_lieu_paths(corpus: Corpus) -> dict[tuple[str, str], str]:
    """(kind, code) → path of its CSV relative to the exports folder, e.g. ("commune", "62065") → "communes/baincthun.csv"."""
    return {key: f"{KINDS[key[0]]}/{_slug(corpus, *key)}.csv" for key in sorted(_grants(corpus))}


def write(corpus: Corpus, out_dir: Path) -> list[Path]:
    """One CSV per place. A grant is in the files of its commune, canton, EPCI and territoire: its CSV
    line is written once and reused (a CSV line depends on its row only)."""
    paths = []
    entete = csv_text(FIELDS, [])
    lignes: dict[str, str] = {}
    for key, subs in sorted(_grants(corpus).items()):
        path = out_dir / KINDS[key[0]] / f"{_slug(corpus, *key)}.csv"
        parts = [entete]
        for s in sorted(subs, key=sort_key):
            ligne = lignes.get(s.id)
            if ligne is None:
                ligne = lignes[s.id] = csv_text(FIELDS, [row(corpus, s)], TEXTE).removeprefix(entete)
            parts.append(ligne)
        write_text(path, "".join(parts), durable=False)
        paths.append(path)
    return paths

"""Ranking across shards: scores that do not depend on the shard a document is in.

lunr ranks with BM25, whose weight of a term in a document is idf × (k1+1)·tf / (k1·(1−b+b·len/avglen)+tf):
the idf and the average length are those of the index, so two shards' scores do not compare. Here the
two collection statistics leave the shards:

- the average length of each field is a constant per kind of shard (`MOYENNES`, measured on the corpus:
  a reference length, as BM25 allows), so a shard's weights depend on its own documents only and stay
  cached however many recueils come later;
- the idf (lunr's formula, over every document of the ranked kinds: full text, grants, annex parts) is
  written, in hundredths, in the term directory (generator/recherche/repertoire.py), rebuilt at every
  build, and multiplied in at query time.

The ranked shards (a year's titles, a recueil's full text and grants) are lunr indexes built with idf 1
and these lengths (`Constructeur(champs, MOYENNES[sorte])`); an annex part keeps, per term, its count
and its length (generator/recherche/index.py, `vocabulaire_annexes`), from which `poids` gives the
same weight. A document's score for a query is then, over the terms it matched, in sorted order,
Σ boost(term) × idf(term) × weight(term) (the weights of a term in all its fields added: lunr's dot
product of the query and document vectors, without lunr's division by the query vector's length, which
depends on the shard's vocabulary). content/assets/recherche.js computes it with the same operations in
the same order, so Python and JavaScript give the same floating-point numbers (tests check it).

The directory also gives, per term and source, an upper bound of the term's weight in that source's
documents (`borne`, in tenths, rounded up): the results page reads sources in decreasing order of the
query's bound and stops once the results it shows beat every unread source's bound.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict

K1, B = 1.2, 0.75  # lunr's BM25 parameters (its defaults)
# Reference length of each field (terms), per kind of shard: about its average on the corpus
MOYENNES: dict[str, dict[str, float]] = {
    "deliberations": {"n": 2, "t": 10, "c": 2},
    "textes": {"n": 2, "t": 10, "x": 750},
    "subventions": {"o": 8, "b": 4},
    "annexes": {"x": 6500},
}
SORTES_COMPTEES = ("textes", "subventions", "annexes")  # the documents the idf counts (titles are in the full text too)


def poids(tf: int, longueur: int, moyenne: float) -> float:
    """BM25 weight of a term without its idf, written as lunr writes it (same operations, same order)."""
    return (K1 + 1) * tf / (K1 * (1 - B + B * (longueur / moyenne)) + tf)


def idf(df: int, n: int) -> int:
    """lunr's idf of a term in `df` of `n` documents, in hundredths (as the directory holds it)."""
    return round(100 * math.log(1 + abs((n - df + 0.5) / (df + 0.5))))


def borne(w: float) -> int:
    """An upper bound of a weight, in tenths."""
    return math.ceil(w * 10 + 1e-9)


def boost(analyse: list[tuple[str, tuple[str, ...], bool]], terme: str) -> float:
    """What a term matched counts for in a query (`requete.analyser`): 1 as a word's stem, 0.5 as its
    plural's or singular's, 0.1 as a completion of the word being typed (lunr's clause boosts 10, 5, 1),
    added up over the words it matches."""
    b = 0.0
    for mot, racines, prefixe in analyse:
        for i, r in enumerate(racines):
            if terme == r:
                b += 1 if i == 0 else 0.5
        if prefixe and terme.startswith(mot):
            b += 0.1
    return b


def score(analyse: list[tuple[str, tuple[str, ...], bool]], poids_termes: dict[str, float], idfs: dict[str, int]) -> float:
    """Score of a document whose matched terms have these weights (fields added): Σ boost × idf × weight,
    terms in sorted order (recherche.js: `score`). A term the directory does not know counts with idf 1."""
    s = 0.0
    for t in sorted(poids_termes):
        s += boost(analyse, t) * (idfs.get(t, 100) / 100) * poids_termes[t]
    return s


def parties(fichier: dict) -> list[dict[str, int]]:
    """Each part of an annex vocabulary file as {term: count} (entries "gap" or "gap:count")."""
    tous = fichier["termes"].split()
    out = []
    for p in fichier["parties"]:
        n, d = 0, {}
        for e in p.split():
            ecart, _, tf = e.partition(":")
            n += int(ecart)
            d[tous[n]] = int(tf or 1)
        out.append(d)
    return out


def poids_lunr(index: dict) -> dict[str, dict[str, float]]:
    """{ref: {term: weight, fields added in the index's order of fields}} of a serialised lunr index."""
    termes = {p["_index"]: t for t, p in index["invertedIndex"]}
    vecteurs = dict(index["fieldVectors"])
    out: dict[str, dict[str, float]] = defaultdict(dict)
    refs = dict.fromkeys(fr.split("/", 1)[1] for fr in vecteurs)
    for ref in refs:
        d = out[ref]
        for champ in index["fields"]:
            v = vecteurs.get(f"{champ}/{ref}", [])
            for k in range(0, len(v), 2):
                t = termes[v[k]]
                d[t] = d[t] + v[k + 1] if t in d else v[k + 1]
    return dict(out)


def poids_parties(parties_annexes: list[dict[str, int]], longueurs: list[int]) -> list[dict[str, float]]:
    """{term: weight} of each annex part, from its counts and its length (`parties`, the file's "longueurs")."""
    moyenne = MOYENNES["annexes"]["x"]
    docs: list[dict[str, float]] = []
    for p, n in zip(parties_annexes, longueurs):
        par_compte = {tf: poids(tf, n, moyenne) for tf in set(p.values())}  # a part's weights: one per count
        docs.append({t: par_compte[tf] for t, tf in p.items()})
    return docs


def resume(texte: str, sorte: str) -> tuple[dict[str, int], dict[str, int], int]:
    """What a shard gives the directory: ({term: `borne` of its best weight}, {term: documents holding it},
    number of documents), the last two only for the kinds the idf counts."""
    data = json.loads(texte)
    if sorte == "annexes":
        return resumer(poids_parties(parties(data), data["longueurs"]), sorte)
    return resumer(list(poids_lunr(data["index"]).values()), sorte)


def resumer(docs: list[dict[str, float]], sorte: str) -> tuple[dict[str, int], dict[str, int], int]:
    """`resume` of a shard whose documents' weights ({term: weight}) are known: the indexing, which has them
    in memory, does not read its own text back."""
    bornes: dict[str, float] = {}
    df: dict[str, int] = defaultdict(int)
    for d in docs:
        for t, w in d.items():
            if w > bornes.get(t, -1.0):
                bornes[t] = w
            df[t] += 1
    compte = sorte in SORTES_COMPTEES
    return {t: borne(w) for t, w in bornes.items()}, dict(df) if compte else {}, len(docs) if compte else 0

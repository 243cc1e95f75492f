"""Querying the search indexes as content/assets/recherche.js does it, in Python: the tests check that
both find the same documents, and `make bench` measures with it. The site itself never runs this."""

from __future__ import annotations

import json
import re
from pathlib import Path

from lunr.index import Index
from lunr.query import Query

from generator.recherche import classement
from generator.recherche.index import MOTS_VIDES, completer, mots, racine, termes_des_parties

_FIN_DE_MOT = re.compile(r"[\s'’\-.,;:!?)»\"]$")


def variantes(mot: str) -> tuple[str, ...]:
    """The stems a query word is looked up under: its own, and its plural's or singular's where Snowball
    keeps them apart (« ami » finds « Amis du Fort », « jeu » « jeux », « vélo » « vélos »)."""
    autres = []
    if len(mot) >= 3 and not mot.isdigit():
        if mot[-1] in "sx":
            if len(mot) >= 4:
                autres.append(mot[:-1])
        else:
            autres.append(mot + "s")
            if mot.endswith(("au", "eu")):
                autres.append(mot + "x")
    out = [racine(mot)]
    for v in autres:
        if v not in MOTS_VIDES and racine(v) not in out:
            out.append(racine(v))
    return tuple(out)


def analyser(requete: str) -> list[tuple[str, tuple[str, ...], bool]]:
    """(word, its stems, matched as a prefix) for each significant word of a query; the last word is a
    prefix while it is being typed (the query does not end with a space or punctuation)."""
    tous = mots(requete)
    significatifs = [m for m in tous if m not in MOTS_VIDES]
    en_cours = not _FIN_DE_MOT.search(requete)
    return [(m, variantes(m), en_cours and i == len(significatifs) - 1 and m == tous[-1]) for i, m in enumerate(significatifs)]


def correspond(mot: tuple[str, tuple[str, ...], bool], terme: str) -> bool:
    """Whether an index term matches a word of `analyser`: one of its stems, or a completion of the word being typed."""
    texte, racines, prefixe = mot
    return terme in racines or (prefixe and terme.startswith(texte))


def chercher(index, requete: str) -> list[str]:
    """Refs of the documents matching every significant word (one of its stems, or as a prefix), best first
    by lunr's score."""
    if isinstance(index, dict):
        index = Index.load(completer(index))
    a = analyser(requete)
    if not a:
        return []

    def construire_requete(q):
        for mot, racines, prefixe in a:
            for i, rac in enumerate(racines):
                q.term(rac, use_pipeline=False, boost=5 if i else 10)
            if prefixe:
                q.term(mot, use_pipeline=False, boost=1, wildcard=Query.WILDCARD_TRAILING)

    out = []
    for r in index.query(callback=construire_requete):
        trouves = r["match_data"].metadata.keys()
        if all(any(correspond(w, t) for t in trouves) for w in a):
            out.append(r["ref"])
    return out


def chercher_annexes(fichier: dict, requete: str) -> list[str]:
    """Numbers of the annex parts (of a `vocabulaire_annexes` file) holding every significant word of the
    query (one of its stems, or as a prefix), in the file's order."""
    a = analyser(requete)
    if not a:
        return []
    out = []
    for k, partie in enumerate(termes_des_parties(fichier)):
        termes_partie = set(partie)
        if all(
            any(r in termes_partie for r in racines) or (prefixe and any(t.startswith(mot) for t in termes_partie))
            for mot, racines, prefixe in a
        ):
            out.append(str(k))
    return out


def idfs(dossier: Path) -> dict[str, int]:
    """{term: idf in hundredths} of the term directory written in `dossier` (recherche/)."""
    return {t: e[0] for f in sorted((dossier / "repertoire").glob("*.json")) for t, e in json.loads(f.read_text()).items()}


def classer(index: dict, requete: str, idf: dict[str, int]) -> list[tuple[str, float]]:
    """(ref, score) of the documents `chercher` finds in a ranked lunr shard, best first (the first ref
    on a tie), scored as recherche.js scores them across shards (`classement.score`)."""
    a = analyser(requete)
    poids = classement.poids_lunr(index)
    out = []
    for ref in chercher(index, requete):
        termes = {t: p for t, p in poids[ref].items() if any(correspond(w, t) for w in a)}
        out.append((ref, classement.score(a, termes, idf)))
    return sorted(out, key=lambda x: (-x[1], int(x[0])))


def classer_annexes(fichier: dict, requete: str, idf: dict[str, int]) -> list[tuple[str, float]]:
    """(number, score) of the annex parts `chercher_annexes` finds, in the file's order."""
    a = analyser(requete)
    moyenne = classement.MOYENNES["annexes"]["x"]
    parties = classement.parties(fichier)
    out = []
    for ref in chercher_annexes(fichier, requete):
        k = int(ref)
        n = fichier["longueurs"][k]
        termes = {t: classement.poids(tf, n, moyenne) for t, tf in parties[k].items() if any(correspond(w, t) for w in a)}
        out.append((ref, classement.score(a, termes, idf)))
    return out


def borne(dossier: Path, requete: str, source: int) -> float:
    """The upper bound recherche.js gives the query's score in a source of the directory written in `dossier`
    (recherche/), from the bounds of the terms each word can match (0: a word matches nothing there)."""
    a = analyser(requete)
    entrees: dict[str, list[int]] = {}
    for w in a:
        mot, racines, prefixe = w
        for p in {r[:2] for r in racines} | ({mot[:2]} if prefixe else set()):
            f = dossier / "repertoire" / f"{p}.json"
            for t, e in (json.loads(f.read_text()) if f.exists() else {}).items():
                if correspond(w, t):
                    entrees[t] = e

    def borne_terme(e: list[int]) -> int:
        for i in range(1, len(e), 2):
            if e[i] == source:
                return e[i + 1]
            if e[i] == -1:
                return e[i + 1] if source > e[i - 2] else 0
        return 0

    return sum(classement.boost(a, t) * (e[0] / 100) * borne_terme(e) / 10 for t, e in entrees.items())

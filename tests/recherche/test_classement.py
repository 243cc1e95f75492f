"""Ranking across shards (generator/recherche/classement.py): a document's score does not depend on the shard
it is in, annex parts are scored like lunr documents, and the directory's bounds are never beaten. The
browser's scores are compared with these in tests/navigateur/test_recherche.py."""

from __future__ import annotations

import itertools
import json
import os
from pathlib import Path

import pytest

from generator.lieux import places
from generator.recherche import classement
from generator.recherche import index as R
from generator.recherche import requete as Q
from generator.records.corpus import Corpus

REQUETES = [
    "piscine",
    "subvention",
    "commission",
    "college",
    "abribus",
    "wancourt",
    "voirie",
    "ecole",
    "contrat territoire",
    "amis du fort",
    "pisc",
    "departement",
]


@pytest.fixture(scope="module")
def corpus(donnees):
    return Corpus.load(donnees, places.reference())


@pytest.fixture(scope="module")
def ecrit(corpus, tmp_path_factory):
    """(folder, manifest, {term: idf}) of the search files written for the corpus."""
    dossier = tmp_path_factory.mktemp("recherche")
    manifeste = R.ecrire(corpus, dossier)
    return dossier, manifeste, Q.idfs(dossier)


@pytest.mark.parametrize("sorte", ["textes", "subventions", "deliberations"])
def test_score_d_un_document_le_meme_dans_son_morceau_et_dans_un_index_de_tous(corpus, ecrit, sorte):
    """Each shard of a ranked kind gives its documents the score one index of all the documents of that kind,
    built the same way, gives them: no statistic of a shard enters its weights."""
    _, _, idf = ecrit
    ms = [m for m in R.morceaux(corpus) if m.chemin.rpartition("/")[2].split("-")[0] == sorte]
    assert len({m.chemin.split("/")[0] for m in ms}) >= 2  # shards of several years
    docs = [dict(d, r=f"{k}") for k, d in enumerate(d for m in ms for d in m.docs)]
    tous = R.construire(ms[0].champs, docs, None, ms[0].moyennes)
    compares = 0
    for q in REQUETES:
        global_ = dict(Q.classer(tous, q, idf))
        debut = 0
        for m in ms:
            for ref, s in Q.classer(R.construire(m.champs, m.docs, None, m.moyennes), q, idf):
                assert global_[str(debut + int(ref))] == s, (q, m.chemin, ref)
                compares += 1
            debut += len(m.docs)
        assert sum(1 for _ in global_) == sum(1 for m in ms for _ in Q.chercher(R.construire(m.champs, m.docs, None, m.moyennes), q))
    assert compares > 10


def test_score_d_une_partie_d_annexe_le_meme_dans_son_recueil_et_dans_un_fichier_de_tous(corpus, ecrit):
    _, _, idf = ecrit
    ms = [m for m in R.morceaux(corpus) if m.sorte == "annexes"]
    assert len(ms) == 3
    tous = R.vocabulaire_annexes(itertools.chain.from_iterable(m.docs for m in ms), [x for m in ms for x in m.affichage])
    compares = 0
    for q in REQUETES:
        global_ = dict(Q.classer_annexes(tous, q, idf))
        debut = 0
        for m in ms:
            fichier = json.loads(R.contenu(m))
            for ref, s in Q.classer_annexes(fichier, q, idf):
                assert global_[str(debut + int(ref))] == s
                compares += 1
            debut += len(fichier["docs"])
    assert compares > 20


def test_piscine_parties_d_annexes_classees_par_leur_poids(corpus, ecrit):
    """« piscine » is in 2019-117's convention (parts 1 to 7) and the CABBALR contract: each part scores idf ×
    its BM25 weight (count of « piscin » and length of the part), the boost of the stem being 1."""
    dossier, manifeste, idf = ecrit
    ms = {m.chemin.split("/")[0]: m for m in R.morceaux(corpus) if m.sorte == "annexes"}
    f2019 = json.loads(R.contenu(ms["2019"]))
    scores = Q.classer_annexes(f2019, "piscine", idf)
    parties = classement.parties(f2019)
    attendu = [
        (ref, (idf["piscin"] / 100) * classement.poids(parties[int(ref)]["piscin"], f2019["longueurs"][int(ref)], 6500))
        for ref, _ in scores
    ]
    assert scores == attendu and len(scores) == 7
    assert len({s for _, s in scores}) == 7  # the parts are told apart: ranked, not only found
    assert idf["piscin"] == classement.idf(8, manifeste_documents(dossier, manifeste))  # 8 parts of all the corpus' documents


def manifeste_documents(dossier, manifeste) -> int:
    """The documents the idf counts: full text and grants (lunr documents), annex parts."""
    n = 0
    for y in manifeste["annees"]:
        for lot in y["lots"]:
            for f in lot["textes"] + lot["subventions"]:
                n += len(json.loads((dossier / f).read_text())["docs"])
            for f in lot["annexes"]:
                n += len(json.loads((dossier / f).read_text())["docs"])
    return n


def test_bornes_du_repertoire_jamais_depassees(ecrit):
    """The directory's bound of a query in a source is at least the score of each of its documents, and
    close to the best one's (the terms' bounds are rounded up to tenths)."""
    dossier, manifeste, idf = ecrit
    sources: dict[int, list[tuple[str, str]]] = {}
    for y in manifeste["annees"]:
        sources[y["position_titres"]] = [("lunr", y["deliberations"])]
        for lot in y["lots"]:
            sources[lot["position"]] = [("lunr", f) for f in lot["textes"]]
            if lot["subventions"]:
                sources[lot["position_subventions"]] = [("lunr", f) for f in lot["subventions"]]
            if lot["annexes"]:
                sources[lot["position_annexes"]] = [("annexes", f) for f in lot["annexes"]]
    serres = 0
    for q in REQUETES + ["piscine ", "college ", "voirie ", "wancourt ", "subvention "]:  # a word typed whole: no prefix
        for p, fichiers in sources.items():
            meilleur = 0.0
            for sorte, f in fichiers:
                data = json.loads((dossier / f).read_text())
                res = Q.classer_annexes(data, q, idf) if sorte == "annexes" else Q.classer(data["index"], q, idf)
                meilleur = max([meilleur, *(s for _, s in res)])
            b = Q.borne(dossier, q, p)
            assert meilleur <= b + 1e-9, (q, p)
            if meilleur and len(Q.analyser(q)) == 1 and not Q.analyser(q)[0][2]:
                serres += 1
                assert b <= meilleur * 1.1 + 0.5, (q, p, meilleur, b)
    assert serres >= 10


def test_resumes_des_morceaux_en_cache(corpus, tmp_path, monkeypatch):
    """The shards' summaries the directory is made of are kept in .cache/recherche/repertoire/: a build from the
    cache reads none again and gives the same files; a summary file truncated is computed again, never used."""
    _, propre = R.preparer(corpus)
    cache = tmp_path / "recherche"
    assert R.preparer(corpus, cache)[1] == propre
    resumes = sorted((cache / "repertoire").glob("*.json"))
    assert len(resumes) == 4 + 4 + 2 + 3  # one per shard (a source per shard in this corpus)
    resumes[0].write_bytes(resumes[0].read_bytes()[:-5])
    appels = []
    resume = classement.resume
    monkeypatch.setattr(classement, "resume", lambda texte, sorte: (appels.append(sorte), resume(texte, sorte))[1])
    assert R.preparer(corpus, cache)[1] == propre
    assert len(appels) == 1
    assert len(list((cache / "repertoire").glob("*.json"))) == len(resumes)  # the truncated one replaced
    appels.clear()
    assert R.preparer(corpus, cache)[1] == propre and appels == []


def test_resumes_en_cache_sans_relire_les_morceaux(corpus, tmp_path, monkeypatch):
    """A build whose shards come from the cache finds their summaries by the digest of their texts: it reads
    no shard's text for the directory (`repertoire.lire`), and gives the same files as a build from scratch."""
    _, propre = R.preparer(corpus)
    cache = tmp_path / "recherche"
    R.preparer_contenus(corpus, cache)
    lus: list[str] = []
    lire = R.repertoire.lire
    monkeypatch.setattr(R.repertoire, "lire", lambda contenu: (lus.append(str(contenu)), lire(contenu))[1])
    manifeste, contenus = R.preparer_contenus(corpus, cache)
    assert lus == []
    assert {nom: R.lire(c) for nom, c in contenus.items()} == propre
    for f in (cache / "repertoire").glob("*.json"):  # summaries lost: read back from the shards, the same files
        f.unlink()
    assert {nom: R.lire(c) for nom, c in R.preparer_contenus(corpus, cache)[1].items()} == propre
    assert len(lus) == 4 + 4 + 2 + 3


def test_resumes_faits_avec_leurs_morceaux(corpus, tmp_path, monkeypatch):
    """Each shard of the directory is summed up where it is indexed (`_calculer`, in the search's workers at
    ten years), from the weights it has in memory (`classement.resumer`): neither the indexing nor the
    directory, made once every shard is there, parses a shard's text again (`classement.resume`)."""
    appels: list[str] = []
    lus: list[str] = []
    resume, resumer = classement.resume, classement.resumer
    monkeypatch.setattr(classement, "resume", lambda texte, sorte: (lus.append(sorte), resume(texte, sorte))[1])
    monkeypatch.setattr(classement, "resumer", lambda docs, sorte: (appels.append(sorte), resumer(docs, sorte))[1])
    repertorier = R.repertoire.repertorier
    pendant: list[int] = []

    def espion(*args):
        avant = len(appels) + len(lus)
        out = repertorier(*args)
        pendant.append(len(appels) + len(lus) - avant)
        return out

    monkeypatch.setattr(R.repertoire, "repertorier", espion)
    _, fichiers = R.preparer(corpus, tmp_path / "recherche")
    assert pendant == [0]
    assert sorted(appels) == sorted(["deliberations"] * 4 + ["textes"] * 4 + ["subventions"] * 2 + ["annexes"] * 3)
    assert lus == []
    monkeypatch.setattr(R.repertoire, "repertorier", repertorier)
    # without a cache, the directory parses each shard (`classement.resume`): the same summaries, the same files
    assert R.preparer(corpus)[1] == fichiers  # the same files as without any cache


def test_morceaux_donnes_par_leur_fichier_du_cache(corpus, tmp_path):
    """With a cache, the shards come back from the processes that index them as their cache files, not as
    their texts (`preparer_contenus`), and are copied from there into content/recherche/: the same files,
    byte for byte, as from the texts."""
    manifeste, contenus = R.preparer_contenus(corpus, tmp_path / "cache" / "recherche")
    morceaux = [nom for nom in contenus if nom.startswith(("lieux.", "beneficiaires.", "elus.")) or nom[:4].isdigit()]
    assert len(morceaux) == 3 + 4 + 4 + 2 + 3
    assert all(isinstance(contenus[nom], Path) and contenus[nom].parent == tmp_path / "cache" / "recherche" for nom in morceaux)
    assert all(isinstance(c, str) for nom, c in contenus.items() if nom not in morceaux)  # manifest, directory, libraries
    R.ecrire_fichiers(tmp_path / "du-cache", contenus)
    _, textes = R.preparer(corpus)
    R.ecrire_fichiers(tmp_path / "des-textes", textes)
    lus = {p.relative_to(tmp_path / "du-cache").as_posix(): p.read_bytes() for p in (tmp_path / "du-cache").rglob("*.*")}
    assert lus == {p.relative_to(tmp_path / "des-textes").as_posix(): p.read_bytes() for p in (tmp_path / "des-textes").rglob("*.*")}
    assert len(lus) == len(contenus) and manifeste == R.preparer_contenus(corpus)[0]


def _alterer(f: Path, decalage_ns: int) -> None:
    """`f` changed in place behind the caches' back: same inode and size, other bytes, its modification time
    moved by `decalage_ns` (older or newer)."""
    data = f.read_bytes()
    st = f.stat()
    with f.open("r+b") as h:
        h.write(bytes([data[0] ^ 1]) + data[1:])
    os.utime(f, ns=(st.st_atime_ns, st.st_mtime_ns + decalage_ns))
    assert f.stat().st_ino == st.st_ino and f.stat().st_size == st.st_size


@pytest.mark.parametrize("decalage_ns", [-(10**10), 10**10])
def test_morceaux_en_cache_reconnus_sans_etre_relus(corpus, tmp_path, monkeypatch, decalage_ns):
    """A shard's cache file still the one recorded (`identite`, `.cache/recherche.identites.json`) is taken without
    being read and hashed again; one changed in place behind the cache's back (same size, other bytes, older or
    newer modification time) is read, does not match the digest its name holds, and its shard is indexed again."""
    cache = tmp_path / "recherche"
    _, propre = R.preparer(corpus)
    R.preparer_contenus(corpus, cache)
    hashes: list[str] = []
    calcules: list[str] = []
    sha256_fichier, calculer, read_bytes = R.store.sha256_fichier, R._calculer, Path.read_bytes
    monkeypatch.setattr(R.store, "sha256_fichier", lambda f: (hashes.append(Path(f).name), sha256_fichier(f))[1])
    monkeypatch.setattr(Path, "read_bytes", lambda p: (p.parent == cache and hashes.append(p.name), read_bytes(p))[1])
    monkeypatch.setattr(R, "_calculer", lambda m, c: (calcules.append(m.chemin), calculer(m, c))[1])
    _, contenus = R.preparer_contenus(corpus, cache)
    assert hashes == [] and calcules == []
    assert {nom: R.lire(c) for nom, c in contenus.items()} == propre
    morceau = next(c for nom, c in sorted(contenus.items()) if nom.startswith("2021/subventions-"))
    _alterer(morceau, decalage_ns)
    _, contenus = R.preparer_contenus(corpus, cache)
    assert set(hashes) == {morceau.name} and len(calcules) == 1 and calcules[0].startswith("2021/subventions-")
    assert {nom: R.lire(c) for nom, c in contenus.items()} == propre  # indexed again: the right bytes
    hashes.clear()
    calcules.clear()
    assert {nom: R.lire(c) for nom, c in R.preparer_contenus(corpus, cache)[1].items()} == propre
    assert hashes == [] and calcules == []  # the rewritten file recorded in turn


@pytest.mark.parametrize("decalage_ns", [-(10**10), 10**10])
def test_fichiers_ecrits_reconnus_sans_etre_relus(corpus, tmp_path, monkeypatch, decalage_ns):
    """content/recherche/ written from the cache with its record (`ecrire_fichiers(…, ecrits)`): a build where
    nothing changed reads back no shard and writes nothing; a file changed in place behind the record's back
    (same size, other bytes, older or newer modification time) is written again with the right bytes."""
    dossier, ecrits = tmp_path / "contenu", tmp_path / "recherche-ecrits.json"
    _, propre = R.preparer(corpus)
    cache = tmp_path / "cache" / "recherche"
    _, contenus = R.preparer_contenus(corpus, cache)
    R.ecrire_fichiers(dossier, contenus, ecrits)
    lus = {p.relative_to(dossier).as_posix(): p.read_bytes() for p in dossier.rglob("*.*")}
    assert lus == {nom: texte.encode() for nom, texte in propre.items()}
    ecrites: list[str] = []
    relus: list[str] = []
    write_bytes, read_bytes = R.store.write_bytes, Path.read_bytes
    monkeypatch.setattr(
        R.store, "write_bytes", lambda p, data, durable=True: (ecrites.append(Path(p).name), write_bytes(p, data, durable))[1]
    )
    monkeypatch.setattr(Path, "read_bytes", lambda p: (p.parent == cache and relus.append(p.name), read_bytes(p))[1])
    R.ecrire_fichiers(dossier, contenus, ecrits)
    ecrites.remove(ecrits.name)  # (the record itself, the same bytes: `write_bytes` leaves it)
    assert ecrites == [] and relus == []
    nom = next(nom for nom in sorted(contenus) if nom.startswith("2021/textes-"))
    _alterer(dossier / nom, decalage_ns)
    R.ecrire_fichiers(dossier, contenus, ecrits)
    assert ecrites == [Path(nom).name, ecrits.name] and len(relus) == 1  # the shard's cache file, copied again
    assert {p.relative_to(dossier).as_posix(): read_bytes(p) for p in dossier.rglob("*.*")} == lus


def test_morceaux_partages_entre_processus(corpus, tmp_path, monkeypatch):
    """On several cores the search's process and its workers take the shards one by one from a shared
    counter (`_travailler`): each shard is indexed once, by one of them, and the files are those made
    in one process."""
    _, seul = R.preparer(corpus)
    journal = tmp_path / "journal"
    calculer = R._calculer

    def note(m, cache):
        with open(journal, "a") as f:  # written by whichever process indexes the shard
            f.write(f"{os.getpid()} {m.chemin}\n")
        return calculer(m, cache)

    monkeypatch.setattr(R, "_calculer", note)
    monkeypatch.setattr(R, "EN_PARALLELE", 0)
    monkeypatch.setattr(R.os, "sched_getaffinity", lambda pid: {0, 1, 2})  # this process and two workers
    assert R.preparer(corpus, tmp_path / "cache" / "recherche")[1] == seul
    lignes = [ligne.split(" ", 1) for ligne in journal.read_text().splitlines()]
    chemins = [c for _, c in lignes]
    assert len(chemins) == len(set(chemins)) == 3 + 4 + 4 + 2 + 3
    assert len({pid for pid, _ in lignes}) <= 3

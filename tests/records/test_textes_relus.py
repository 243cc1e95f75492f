"""The long texts the corpus leaves out of its records (`corpus.alleger`: a deliberation's own text, visas,
rapport's text, annexes) and reads back per source when a page, an export or the search needs them
(`Corpus.textes`): the very texts of site_data/actes, and digests and lengths that stand for them."""

from __future__ import annotations

import copy
from pathlib import Path

from generator.commun import store
from generator.lieux import places
from generator.recherche import index as R
from generator.records.corpus import Corpus, Textes, alleger


def _entier(donnees: Path, ref: places.Reference) -> Corpus:
    """The corpus of `donnees` with every text in memory (as `tools.bench_recherche` holds it)."""
    documents = [alleger(store.read_json(f), annexes=True) for f in sorted((donnees / "actes").glob("*.json"))]
    subs = {x["source"]: x for x in (store.read_json(f) for f in sorted((donnees / "subventions").glob("*.json")))}
    return Corpus.from_data(documents, subs, {}, ref)


def test_the_texts_read_back_are_those_of_site_data(donnees):
    ref = places.reference()
    corpus, entier = Corpus.load(donnees, ref), _entier(donnees, ref)
    vus, rapports, visas = 0, 0, 0
    for f in sorted((donnees / "actes").glob("*.json")):
        for x in store.read_json(f)["deliberations"]:
            d = corpus.deliberations[x["id"]]
            if d.source != store.read_json(f)["source"] or d.line != x["line"]:
                continue  # a later copy: the corpus publishes the first
            vus += 1
            # left out of the record, whose fields hold nothing of them
            assert not d.texte_en_memoire and d.texte == "" and d.visas == [] and (not d.annexes or not d.annexes_en_memoire)
            assert d.rapport is None or d.rapport.texte == ""
            t = corpus.textes(d)
            rapport = (x.get("rapport") or {}).get("texte") or ""
            assert t == Textes(x["texte"], x.get("visas") or [], rapport, [a["texte"] for a in x.get("annexes") or []])
            assert [corpus.texte_annexe(d, i) for i in range(len(d.annexes))] == t.annexes
            # the same as the record holds when nothing is left out, and so are their digest and length
            e = entier.deliberations[d.id]
            assert e.texte_en_memoire and e.visas == t.visas and (e.rapport.texte if e.rapport else "") == rapport
            assert entier.textes(e) == t
            assert d.empreinte_longs == e.empreinte_longs and d.caracteres_rapport == e.caracteres_rapport == len(rapport)
            rapports += bool(rapport)
            visas += bool(t.visas)
    assert vus == len(corpus.deliberations) == 28 and rapports > 10 and visas > 10


def test_the_digest_covers_the_visas_and_the_rapport():
    """`empreinte_longs` (what a page's key holds for the texts left out) changes with a visa or the rapport's text."""
    d = {"id": "2021-1", "visas": ["Vu le code", "Vu l'avis"], "rapport": {"numero": "1", "texte": "Le rapport."}}

    def empreinte(x: dict) -> str:
        return alleger({"deliberations": [copy.deepcopy(x)]}, textes=False).empreintes_longs[0]  # (it lightens `x` in place)

    base = empreinte(dict(d))
    assert empreinte(dict(d, visas=["Vu le code", "Vu l'avis."])) != base
    assert empreinte(dict(d, rapport={"numero": "1", "texte": "Le rapport modifié."})) != base
    assert empreinte(dict(d, visas=["Vu le code Vu l'avis"])) != base  # (two visas are not their words joined)
    assert empreinte(dict(d)) == base
    lu = alleger({"deliberations": [dict(d, rapport=dict(d["rapport"]))]}, textes=False)
    assert lu.caracteres_rapports == [11] and "visas" not in lu.contenu["deliberations"][0]
    assert "texte" not in lu.contenu["deliberations"][0]["rapport"]


def test_the_search_documents_are_the_same_read_back(donnees):
    """The full-text shards read their rapports back (`recherche.index.TextesLus`): the same shards, documents
    and sizes as from a corpus holding them; their key made from the digests, not the texts."""
    ref = places.reference()
    relus, entiers = R.morceaux(Corpus.load(donnees, ref)), R.morceaux(_entier(donnees, ref))
    assert [m.chemin for m in relus] == [m.chemin for m in entiers]
    textes = [(a, b) for a, b in zip(relus, entiers, strict=True) if "/textes-" in a.chemin]
    assert len(textes) >= 3
    for a, b in textes:
        assert isinstance(a.docs, R.TextesLus) and a.docs.empreinte() is not None and b.docs.empreinte() is None
        assert list(a.docs) == list(b.docs) and a.affichage == b.affichage
        assert R._taille(a) == R._taille(b) == sum(len(v) for doc in b.docs for v in doc.values())
        assert R.contenu(a) == R.contenu(b)

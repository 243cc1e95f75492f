"""The search benchmark's replicated corpus (tools/bench_recherche.py), built from the real one."""

from __future__ import annotations

from generator.lieux import places
from generator.recherche import index as recherche
from generator.records.corpus import Corpus
from tools.bench_recherche import MOT_RARE, MOT_RARE_ANNEXE, corpus_replique


def test_replicated_corpus_carries_the_real_annex_texts(donnees):
    """The real corpus holds no annex text in memory (read back from site_data/actes): the copy must
    hold them, with the rare words the browser benchmark looks for (`make bench` broke on this)."""
    reel = Corpus.load(donnees, places.reference())
    c = corpus_replique(reel, annees=1, delibs_par_an=60, subventions_par_an=400, mois_derniere_annee=2)
    annexes = [c.texte_annexe(d, i) for d in c.deliberations.values() for i in range(len(d.annexes))]
    assert annexes and all(annexes)
    assert sum(MOT_RARE_ANNEXE in t for t in annexes) == 1
    assert all(d.annexes_en_memoire for d in c.deliberations.values())
    assert any(d.rapport and MOT_RARE in d.rapport.texte for d in c.deliberations.values())
    assert len(c.subventions) > 0 and {d.date[:4] for d in c.deliberations.values()} == {"2023"}
    manifeste, fichiers = recherche.preparer(c)
    assert any(f.endswith(".json") and "/annexes-" in f for f in fichiers)

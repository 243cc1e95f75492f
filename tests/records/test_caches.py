"""What a build trusts from an earlier one is checked when read, and rebuilt when bad: the extraction
cache, the data files of unchanged sources, the search cache. A truncated, garbled or edited file is
never published, and the output is byte for byte that of a clean build. Temporary files a killed build
left in any folder the build owns block nothing and are never published.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator.build import run
from generator.commun import store
from generator.elus import alias
from generator.extraction import Paths, extract, rapport_sans_rendu
from generator.lieux import places
from generator.recherche import index as recherche
from generator.records import cache_extraction
from generator.records.corpus import Corpus
from generator.site.pages import elus as pages_elus

from conftest import CORPUS, ROOT
from projet import preparer_racine

S003 = "003_97c6f9649ae06488.txt"
S004 = "004_45492b4b56f19b50.txt"
DOCUMENTS = sorted(p.name for p in CORPUS.glob("*.txt"))


def _sources(root: Path) -> None:
    for name in DOCUMENTS:
        shutil.copy(CORPUS / name, root / "site_data" / "sources" / name)


def _donnees(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted((root / "site_data").rglob("*"))
        if p.is_file() and "sources" not in p.parts
    }


def _tout(root: Path) -> dict[str, bytes]:
    """Everything a build publishes or hands to the next one: site_data/, content/, site/."""
    out = {}
    for d in ("site_data", "content", "site"):
        for p in sorted((root / d).rglob("*")):
            if p.is_file() and "sources" not in p.parts:
                out[p.relative_to(root).as_posix()] = p.read_bytes()
    return out


def _sans_identites(entrees: dict) -> dict:
    """Cache entries without what names the files on this disk (their `store.identite`: another copy's differ)."""
    return {k: {c: v for c, v in x.items() if c not in ("identites", "source")} for k, x in entrees.items()}


def _extraire(root: Path):
    logs: list[str] = []
    return extract(Paths(root), log=logs.append), logs


def _pid_mort() -> int:
    return int(subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True, check=True).stdout)


@pytest.fixture(scope="module")
def extrait(tmp_path_factory):
    """The four documents extracted once, cleanly: the reference bytes of site_data/."""
    root = tmp_path_factory.mktemp("extrait")
    (root / "site_data" / "sources").mkdir(parents=True)
    _sources(root)
    res, _ = _extraire(root)
    assert res.parsed == len(DOCUMENTS) and not res.errors
    rapport_sans_rendu(Paths(root), res)  # as `make extract` does
    return root


@pytest.fixture
def root(extrait, tmp_path):
    copie = tmp_path / "projet"
    shutil.copytree(extrait, copie)
    return copie


# -- the extraction cache ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "contenu",
    [
        b"",  # created, never written (a full disk)
        b'{\n "001_e1a7153a0531ec73.txt": {\n  "key": "dbf7',  # cut in the middle
        b"\xff\xfe\x00garbage",  # not UTF-8
        b"[]",  # JSON, not the cache's shape
        b'{"001_e1a7153a0531ec73.txt": {"key": 3}, "002_4b206b7012456076.txt": "x"}',  # entries of the wrong shape
    ],
)
def test_unreadable_extraction_cache_is_ignored_and_the_sources_parsed_again(root, extrait, contenu):
    cache = root / ".cache" / "extraction.json"
    cache.write_bytes(contenu)
    res, logs = _extraire(root)
    assert not res.errors and res.parsed >= 2
    assert any("extraction.json (cache de l'extraction)" in line and "analysées à nouveau" in line for line in logs)
    assert _donnees(root) == _donnees(extrait)
    propre = json.loads((extrait / ".cache" / "extraction.json").read_text("utf-8"))
    assert _sans_identites(json.loads(cache.read_text("utf-8"))) == _sans_identites(propre)  # rewritten whole
    assert all(e["source"]["sha256"] == e["key"].split(":")[0] for e in json.loads(cache.read_text("utf-8")).values())
    res, logs = _extraire(root)
    assert res.parsed == 0 and logs == []  # and trusted again


def test_unchanged_sources_are_read_back_not_parsed(root, extrait):
    res, logs = _extraire(root)
    assert res.parsed == 0 and not res.errors and logs == []
    assert len(res.documents) == len(DOCUMENTS) and res.nb_subventions == 524
    assert _donnees(root) == _donnees(extrait)


# -- data files of unchanged sources -------------------------------------------------------------------


def _tronquer(p: Path) -> None:
    p.write_bytes(p.read_bytes()[: p.stat().st_size // 2])


def _modifier_montant(p: Path) -> None:
    data = json.loads(p.read_text("utf-8"))
    data["subventions"][0]["montant"] = "999999"  # valid JSON, valid schema: a hand edit
    p.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", "utf-8")


@pytest.mark.parametrize(
    "dossier,abimer",
    [
        ("actes", _tronquer),
        ("subventions", _tronquer),
        ("subventions", _modifier_montant),
        ("actes", lambda p: p.write_bytes(b"")),
        ("actes", Path.unlink),
    ],
)
def test_bad_data_file_of_an_unchanged_source_is_parsed_again(root, extrait, dossier, abimer):
    f = root / "site_data" / dossier / store.data_name(S004)
    abimer(f)
    res, logs = _extraire(root)
    assert res.parsed == 1 and not res.errors
    assert any(line.startswith(f"site_data/{dossier}/{f.name} ") and line.endswith(f"{S004} est analysée à nouveau.") for line in logs), (
        logs
    )
    assert _donnees(root) == _donnees(extrait)
    assert res.nb_subventions == 524  # what is published is the source's, not the edit
    assert not any(s["montant"] == "999999" for s in res.subventions[S004]["subventions"])


def test_refused_source_whose_previous_data_is_truncated_is_reported_not_published(root):
    (root / "site_data" / "sources" / S003).write_bytes(b"")  # refused: an empty file
    _tronquer(root / "site_data" / "actes" / store.data_name(S003))
    res, logs = _extraire(root)
    assert [e["source"] for e in res.errors] == [S003, f"site_data/actes/{store.data_name(S003)}"]
    assert "fichier vide" in res.errors[0]["message"]
    assert "n'est pas du JSON valide" in res.errors[1]["message"] and "ne sont pas publiées" in res.errors[1]["message"]
    assert S003 not in {d.contenu["source"] for d in res.documents} and len(res.documents) == len(DOCUMENTS) - 1
    assert any(line.startswith(f"ERREUR site_data/actes/{store.data_name(S003)} :") for line in logs)


def test_refused_source_whose_previous_data_breaks_its_schema_is_reported(root):
    (root / "site_data" / "sources" / S004).write_bytes(b"")
    f = root / "site_data" / "subventions" / store.data_name(S004)
    data = json.loads(f.read_text("utf-8"))
    data["subventions"][3]["montant"] = 2000.0  # a float: the schema wants a decimal string
    f.write_text(json.dumps(data), "utf-8")
    res, _ = _extraire(root)
    erreur = res.errors[1]
    assert erreur["source"] == f"site_data/actes/{store.data_name(S004)}"
    assert f"site_data/subventions/{f.name} n'a pas la forme attendue (subventions/3/montant" in erreur["message"]
    assert S004 not in res.subventions


def test_refused_source_whose_previous_data_is_whole_is_still_published(root, extrait):
    (root / "site_data" / "sources" / S004).write_bytes(b"")
    res, _ = _extraire(root)
    assert [e["source"] for e in res.errors] == [S004]
    assert len(res.subventions[S004]["subventions"]) == 505
    assert _donnees(root)["site_data/actes/" + store.data_name(S004)] == _donnees(extrait)["site_data/actes/" + store.data_name(S004)]


# -- the search cache -----------------------------------------------------------------------------------


def test_corrupt_search_cache_shard_is_recomputed_never_published(extrait, tmp_path):
    corpus = Corpus.load(extrait / "site_data", places.reference())
    cache = tmp_path / "recherche"
    _, propre = recherche.preparer(corpus, cache)
    fichiers = sorted(cache.glob("*.json"))
    assert fichiers and all(store.TEMPORAIRE.match(p.name) is None for p in cache.iterdir())
    gros = max(fichiers, key=lambda p: p.stat().st_size)
    _tronquer(gros)
    autre = next(p for p in fichiers if p != gros)
    data = bytearray(autre.read_bytes())
    data[len(data) // 2] ^= 0x01  # one bit: same size, still UTF-8
    autre.write_bytes(bytes(data))
    appels = []
    calculer = recherche._calculer
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(recherche, "_calculer", lambda m, c: (appels.append(m.chemin), calculer(m, c))[1])
        _, apres = recherche.preparer(corpus, cache)
    assert apres == propre  # the published search files are a clean build's
    assert len(appels) == 2  # exactly the two bad shards were indexed again
    assert sorted(cache.glob("*.json")) == fichiers  # and their cache files rewritten whole
    _, encore = recherche.preparer(corpus, cache)
    assert encore == propre


def test_old_style_search_cache_files_are_not_trusted(extrait, tmp_path):
    """A cache file named by its key only (before its text's digest was in its name) is recomputed and removed."""
    corpus = Corpus.load(extrait / "site_data", places.reference())
    cache = tmp_path / "recherche"
    _, propre = recherche.preparer(corpus, cache)
    f = next(iter(cache.glob("*.json")))
    ancien = cache / (f.name.split(".")[0] + ".json")
    f.rename(ancien)
    ancien.write_text("{}")
    assert recherche.preparer(corpus, cache)[1] == propre
    assert not ancien.exists() and f.exists()


# -- the whole build --------------------------------------------------------------------------------------


def test_corrupt_caches_and_leftovers_everywhere_then_the_build_gives_a_clean_builds_bytes(tmp_path):
    root = tmp_path / "projet"
    root.mkdir()
    preparer_racine(root)
    _sources(root)
    assert run(root, log=lambda *_: None) == 0
    propre = _tout(root)
    assert not [n for n in propre if store.TEMPORAIRE.match(Path(n).name)]

    # a crash and a full disk, after the fact
    (root / ".cache" / "extraction.json").write_bytes(b'{"001_e1a7153a0531ec73.txt": {"key": "')
    _tronquer(root / "site_data" / "actes" / store.data_name(S004))
    _tronquer(root / "site_data" / "subventions" / store.data_name(S004))
    for f in sorted((root / ".cache" / "recherche").glob("*.json"))[:3]:
        _tronquer(f)
    manifeste = json.loads((root / "content" / "recherche" / "manifeste.json").read_text("utf-8"))
    _tronquer(root / "content" / "recherche" / manifeste["annees"][0]["deliberations"])  # a shard named by its hash
    _tronquer(root / "content" / "donnees" / "subventions.csv")
    pid = _pid_mort()
    laisses = []
    for d in [
        "site_data",
        "site_data/actes",
        "site_data/subventions",
        ".cache",
        ".cache/recherche",
        "content",
        "content/donnees",
        "content/donnees/communes",
        "content/recherche",
        "content/recherche/repertoire",
        "content/communes",
    ]:
        for nom in (f".x.json.tmp-{pid}-0123abcd", f".x.csv.tmp-{pid}-89abcdef", f".x.md.tmp-{pid}-00ff00ff"):
            (root / d / nom).write_text('{"laissé": ')
            laisses.append(root / d / nom)
    ancien = root / "content" / "donnees" / "recueil.sqlite.tmp"  # an earlier version's name, not hidden
    ancien.write_bytes(b"SQLite format 3\x00")
    laisses.append(ancien)

    logs: list[str] = []
    assert run(root, log=logs.append) == 0
    assert _tout(root) == propre
    assert not any(p.exists() for p in laisses)
    restes = [
        p
        for d in ("site_data", ".cache", "content", "site")
        for p in (root / d).rglob("*")  # (not .build/: the old site is being deleted)
        if store.TEMPORAIRE.match(p.name) or p.name.endswith(".tmp")
    ]
    assert restes == []
    assert any(line.startswith("extraction.json (cache de l'extraction) est illisible") for line in logs)
    assert logs[1].startswith("4 source(s) (4 analysée(s)")


def test_leftover_temporary_file_of_a_running_build_is_left_alone(root):
    """Another process's write in progress (its pid is alive) is not removed, and does not disturb."""
    en_cours = root / "site_data" / "actes" / f".{store.data_name(S004)}.tmp-{os.getppid()}-0123abcd"
    en_cours.write_text("{")
    res, _ = _extraire(root)
    assert not res.errors and en_cours.exists() and len(res.documents) == len(DOCUMENTS)


# -- the councillors' civilities, kept by the extraction cache --------------------------------------------


def _registre(root: Path, res, civilites=None):
    corpus = Corpus.from_data(res.documents, res.subventions, {}, places.reference(), actes=root / "site_data" / "actes")
    return pages_elus.registre(corpus, alias.lire(ROOT / "tests" / "fixtures" / "elus_alias.yaml"), civilites)


def _lectures(monkeypatch) -> list[str]:
    """The files of site_data/actes read through `store.read_json` from now on."""
    lus: list[str] = []
    lire = store.read_json

    def compter(p):
        if Path(p).parent.name == "actes":
            lus.append(Path(p).name)
        return lire(p)

    monkeypatch.setattr(store, "read_json", compter)
    return lus


def test_unchanged_sources_civilities_come_from_the_cache_not_from_their_files(root, monkeypatch):
    """A rebuild where no source changed: the registry of the councillors reads no file of site_data/actes
    for the civilities printed in the lists, and finds the same as from the texts (Caroline MATRAT « Mme »,
    Jean-Claude LEROY « M. », in 2021-233 of 004)."""
    res, _ = _extraire(root)
    assert res.parsed == 0 and sorted(res.civilites) == DOCUMENTS
    assert len(res.civilites[S004]["2021-233"]) == 49  # one letter per name of its lists (35 + 7 + 1 + 3 + 3)
    lus = _lectures(monkeypatch)
    reg = _registre(root, res, res.civilites)
    assert lus == []
    assert reg.personnes["caroline-matrat"].civilite == "Mme" and reg.personnes["jean-claude-leroy"].civilite == "M."
    depuis_textes = _registre(root, res)  # (without them: the texts read back, one source at a time)
    assert sorted(lus) == sorted(store.data_name(s) for s in DOCUMENTS if s != "002_4b206b7012456076.txt")
    assert {s: p.civilite for s, p in reg.personnes.items()} == {s: p.civilite for s, p in depuis_textes.personnes.items()}
    assert len(reg.personnes) == 119 and all(p.civilite in ("M.", "Mme") for p in reg.personnes.values())


def test_cache_entry_without_civilities_or_of_another_code_finds_them_again_once(root, extrait):
    cache = root / ".cache" / "extraction.json"
    entrees = json.loads(cache.read_text("utf-8"))
    attendu = entrees[S004]["civilites"]
    assert attendu["code"] == cache_extraction.code_civilites()
    del entrees[S004]["civilites"]  # an entry written before they were kept
    entrees[S003]["civilites"]["code"] = "0" * 64  # found by another version of personnes.py
    entrees[S003]["civilites"]["deliberations"] = {"2022-317": "F" * 78}
    cache.write_text(json.dumps(entrees), "utf-8")
    res, logs = _extraire(root)
    assert res.parsed == 0 and logs == []  # the files are read back, not parsed
    apres = json.loads(cache.read_text("utf-8"))
    propre = json.loads((extrait / ".cache" / "extraction.json").read_text("utf-8"))
    assert apres[S004]["civilites"] == attendu

    def sans_releve(entrees):  # (a snapshot's bytes depend on how its objects are shared in memory: not compared)
        return {k: {c: v for c, v in x.items() if c != "releve"} for k, x in _sans_identites(entrees).items()}

    assert sans_releve(apres) == sans_releve(propre)
    assert _donnees(root) == _donnees(extrait)


def test_hand_edited_civility_in_an_unchanged_sources_file_is_not_published(root, extrait, monkeypatch):
    """« Mme Caroline MATRAT » turned into « M. Caroline MATRAT » in site_data/actes (valid JSON, valid schema):
    the file is not what the build wrote, its source is parsed again, and the civility is the source's."""
    f = root / "site_data" / "actes" / store.data_name(S004)
    texte = f.read_text("utf-8")
    assert texte.count("Mme Caroline MATRAT") >= 2
    f.write_text(texte.replace("Mme Caroline MATRAT", "M. Caroline MATRAT"), "utf-8")
    res, logs = _extraire(root)
    assert res.parsed == 1 and any(
        line.startswith(f"site_data/actes/{f.name} n'est plus ce que la construction avait écrit") for line in logs
    )
    assert _donnees(root) == _donnees(extrait)
    lus = _lectures(monkeypatch)
    assert _registre(root, res, res.civilites).personnes["caroline-matrat"].civilite == "Mme" and lus == []


# -- the snapshots of the unchanged sources' files ---------------------------------------------------------


def _lu(res) -> tuple:
    return [(d.contenu, d.empreintes, d.caracteres) for d in res.documents], res.subventions, res.civilites


def test_unchanged_sources_are_loaded_from_their_snapshots_not_read_as_json(root, monkeypatch):
    """A rebuild where no source changed loads what the build keeps of each file from .cache/releves/
    (their texts left out), the files still checked against the cache: the same documents, grants and
    civilities as reading them as JSON."""
    releves = sorted((root / ".cache" / "releves").iterdir())
    assert [p.name for p in releves] == sorted(Path(store.data_name(s)).with_suffix(".marshal").name for s in DOCUMENTS)
    for p in releves:
        p.unlink()
    en_json, _ = _extraire(root)  # read as JSON, snapshots written again
    assert sorted((root / ".cache" / "releves").iterdir()) == releves
    monkeypatch.setattr(cache_extraction, "relire", lambda *a: pytest.fail(f"{a[0].name} lu comme JSON"))
    res, logs = _extraire(root)
    assert res.parsed == 0 and logs == [] and not res.errors
    assert _lu(res) == _lu(en_json)
    assert res.nb_subventions == 524 and len(res.subventions[S004]["subventions"]) == 505
    doc = next(d for d in res.documents if d.source == S004)
    assert "texte" not in doc.contenu["deliberations"][0] and len(doc.empreintes[0]) == 64


@pytest.mark.parametrize(
    "abimer",
    [_tronquer, lambda p: p.write_bytes(p.read_bytes()[:-7] + b"\x00" * 7), lambda p: p.write_bytes(b"")],
)
def test_damaged_snapshot_is_never_loaded(root, extrait, abimer):
    """A truncated, altered or empty snapshot: the files are read as JSON, the snapshot written again."""
    releve = cache_extraction.chemin_releve(root, store.data_name(S004))
    abimer(releve)
    res, logs = _extraire(root)
    assert res.parsed == 0 and logs == [] and not res.errors
    assert len(res.subventions[S004]["subventions"]) == 505 and len(res.civilites[S004]["2021-233"]) == 49
    entree = json.loads((root / ".cache" / "extraction.json").read_text("utf-8"))[S004]
    assert cache_extraction.empreinte(releve.read_bytes()) == entree["releve"]
    assert _donnees(root) == _donnees(extrait)


def test_guard_summary_in_a_cache_entry_is_trusted_only_from_todays_code(extrait, monkeypatch):
    """An unchanged source's summary (what the guard checks its next version against) comes from its cache
    entry when today's `garde` made it; one made by another version of `controle/garde.py` (not part of the
    extraction key) is not trusted, the summary is made again from the files."""
    entree = json.loads((extrait / ".cache" / "extraction.json").read_text("utf-8"))["004_45492b4b56f19b50.txt"]
    r = cache_extraction.resume_entree(entree)
    assert r is not None and r.source == "004_45492b4b56f19b50.txt" and "2021-243" in r.deliberations
    monkeypatch.setattr(cache_extraction, "code_resume", lambda: "une autre version de garde.py")
    assert cache_extraction.resume_entree(entree) is None
    nom = store.data_name("004_45492b4b56f19b50.txt")
    refait = cache_extraction.resume(entree, extrait / "site_data" / "actes" / nom, extrait / "site_data" / "subventions" / nom)
    assert refait is not None and refait.deliberations == r.deliberations and refait.subventions == r.subventions


# -- the control report's part on each source ------------------------------------------------------------


def test_the_report_part_of_an_unchanged_source_is_not_made_again(root, extrait, monkeypatch):
    """A source's part of the control report (its totals checked, presences, votes…) is kept in
    .cache/controle.json with the key of its files: an unchanged source's is not made again from its
    records; a source whose file changed, or another council size, makes it again; the report is the same."""
    from generator.controle import reconcile
    from generator.records.corpus import DocumentLu

    faites: list[str] = []
    vraie = reconcile._controle

    def compter(doc, subs, membres):
        faites.append(doc.source)
        return vraie(doc, subs, membres)

    monkeypatch.setattr(reconcile, "_controle", compter)
    lectures: list[str] = []
    document = DocumentLu.document
    monkeypatch.setattr(DocumentLu, "document", lambda self: lectures.append(self.source) or document(self))
    rapport = json.loads((extrait / "site_data" / "controle.json").read_text("utf-8"))
    res, _ = _extraire(root)
    assert faites == [] and lectures == []  # neither the records nor the parts of the four sources
    assert res.report["sources"] == rapport["sources"] and res.report["doublons"] == rapport["doublons"]
    s004 = next(p for p in res.report["sources"] if p["source"] == S004)
    assert s004["subventions"] > 0 and s004["totaux_verifies"] > 0
    # its file parsed again (another byte in its source): only its part is made again
    source = root / "site_data" / "sources" / S004
    source.write_bytes(source.read_bytes() + b"\n")
    res, _ = _extraire(root)
    assert res.parsed == 1 and faites == [S004]
    assert next(p for p in res.report["sources"] if p["source"] == S004) == s004
    faites.clear()
    cache = root / ".cache" / "controle.json"
    cache.write_text("{pas du JSON", "utf-8")  # unreadable: every part made again, the same
    res, _ = _extraire(root)
    assert sorted(faites) == DOCUMENTS and res.report["sources"] == rapport["sources"]
    faites.clear()
    monkeypatch.setattr("generator.extraction.CONSEILLERS_PAR_CANTON", 3)  # another council size: every part again
    res, _ = _extraire(root)
    assert sorted(faites) == DOCUMENTS


def test_files_unchanged_since_the_last_build_are_not_read_again(root, monkeypatch):
    """The sources and the data files of site_data/ the last build hashed are known unchanged by their
    identity (inode, size, date: `store.identite`) without being read; a source touched is hashed again
    (and, its bytes the same, not parsed); a data file replaced is hashed and, different, refused."""
    import hashlib

    _extraire(root)  # (the identities recorded)
    lus: list[str] = []
    vrai = hashlib.file_digest

    def compter(f, algo):
        lus.append(Path(f.name).name)
        return vrai(f, algo)

    monkeypatch.setattr(hashlib, "file_digest", compter)
    res, logs = _extraire(root)
    assert lus == [] and res.parsed == 0 and logs == [] and res.nb_subventions == 524
    source = root / "site_data" / "sources" / S004
    st = source.stat()
    os.utime(source, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))
    res, logs = _extraire(root)
    assert lus == [S004] and res.parsed == 0
    lus.clear()
    actes = root / "site_data" / "actes" / store.data_name(S003)
    texte = actes.read_text("utf-8")
    actes.write_text(texte.replace('"2022-317"', '"2022-318"', 1), "utf-8")  # a new file (new inode and date)
    res, logs = _extraire(root)
    assert lus == [store.data_name(S003)] and res.parsed == 1  # found changed, its source parsed again
    assert actes.read_text("utf-8") == texte

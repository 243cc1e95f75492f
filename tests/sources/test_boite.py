"""The inbox (generator/sources/boite.py): what the build reads from site_data/sources/, refuses or ignores.

Unit tests of `boite.lister` on temporary folders, then the real build on a copy of the project
(tests/projet.py) holding the 2022-317 extract and the CABBALR deliberation: each fault asserts the
French message (the file's name and the fix) and that the published site and the extracted data are
byte for byte what they were. Only the real documents of tests/fixtures/corpus are used.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from generator import extraction
from generator.commun import store
from generator.controle import corrections
from generator.parse import ingest
from generator.sources import boite

from conftest import CORPUS
from projet import S001, S002, S003, construire, empreinte_donnees, empreinte_site

C = {"LC_ALL": "C", "PYTHONUTF8": "0", "LANG": "C"}


def _deposer(dossier: Path, nom: str, source: str = S003) -> Path:
    shutil.copy(CORPUS / source, dossier / nom)
    return dossier / nom


def _refus(b: boite.Boite) -> dict[str, str]:
    return dict(b.refus)


# -- boite.lister ------------------------------------------------------------------------------------


def test_regular_sources_are_listed_sorted_and_the_rest_ignored_with_a_remark(tmp_path):
    for nom in (
        S003,
        S002,
        ".~lock.003_97c6f9649ae06488.txt#",
        "~$recueil-2021-06.txt",
        "001_e1a7153a0531ec73.txt.part",
        "recueil-2021-06.pdf.crdownload",
        ".cache.txt",
        "notes-001.docx",
        "README.md",
    ):
        _deposer(tmp_path, nom)
    (tmp_path / "archives").mkdir()
    b = boite.lister(tmp_path)
    assert [e.nom for e in b.fichiers] == [S002, S003]
    assert [e.chemin for e in b.fichiers] == [tmp_path / S002, tmp_path / S003]
    assert b.refus == []
    assert b.remarques == [
        "Ignoré(s) dans site_data/sources/ (fichiers cachés ou temporaires d'un éditeur ou d'un téléchargement) : "
        ".cache.txt, .~lock.003_97c6f9649ae06488.txt#, 001_e1a7153a0531ec73.txt.part, recueil-2021-06.pdf.crdownload, ~$recueil-2021-06.txt",
        "Ignoré(s) dans site_data/sources/ (ni .txt ni .pdf) : archives/, notes-001.docx",
    ]


def test_an_upper_case_extension_is_a_source(tmp_path):
    _deposer(tmp_path, "003_97c6f9649ae06488.TXT")
    assert [e.nom for e in boite.lister(tmp_path).fichiers] == ["003_97c6f9649ae06488.TXT"]


@pytest.mark.parametrize("autre", ["003_97c6f9649ae06488.TXT", "003_97C6F9649AE06488.txt", "003_97c6f9649ae06488.pdf"])
def test_names_that_differ_by_case_or_extension_are_both_refused(tmp_path, autre):
    _deposer(tmp_path, S003)
    _deposer(tmp_path, autre)
    _deposer(tmp_path, S002)
    b = boite.lister(tmp_path)
    assert [e.nom for e in b.fichiers] == [S002]
    refus = _refus(b)
    assert set(refus) == {S003, autre}
    assert refus[S003].startswith(f"ce nom se confond avec « {autre} » (même nom à la casse, aux accents composés ou à l'extension près)")
    assert f"« {S003} »" in refus[autre] and "Retirez ou renommez l'un d'eux" in refus[autre]


def test_composed_and_decomposed_accents_are_the_same_name(tmp_path):
    _deposer(tmp_path, "recueil-juin-2021-2\u00e8me-partie.txt")
    _deposer(tmp_path, "recueil-juin-2021-2e\u0300me-partie.txt")
    b = boite.lister(tmp_path)
    assert b.fichiers == [] and len(b.refus) == 2


def test_links_are_never_followed(tmp_path):
    boite_ = tmp_path / "sources"
    boite_.mkdir()
    _deposer(boite_, S003)
    (boite_ / "passwd.txt").symlink_to("/etc/passwd")
    (boite_ / "mai-2019.txt").symlink_to(CORPUS / S001)
    (boite_ / "copie.txt").symlink_to(S003)
    (boite_ / "casse.txt").symlink_to(tmp_path / "absent.txt")
    b = boite.lister(boite_)
    assert [e.nom for e in b.fichiers] == [S003]
    refus = _refus(b)
    for nom in ("passwd.txt", "mai-2019.txt", "casse.txt"):
        assert refus[nom] == (
            "lien symbolique qui pointe hors de site_data/sources/ : il n'est pas suivi. Copiez le fichier "
            "lui-même dans site_data/sources/ (et retirez le lien), puis relancez."
        )
    assert refus["copie.txt"] == (
        f"lien symbolique (vers {S003}) : un lien n'est pas lu. Copiez le fichier lui-même dans "
        "site_data/sources/ à la place du lien, puis relancez."
    )


def test_a_pipe_and_a_folder_with_a_source_extension_are_refused_without_being_opened(tmp_path):
    os.mkfifo(tmp_path / "tube.txt")  # opening it would wait for a writer forever
    (tmp_path / "recueil-2021-06.pdf").mkdir()
    refus = _refus(boite.lister(tmp_path))
    assert refus["tube.txt"].startswith("ce n'est pas un fichier ordinaire (un tube nommé) : il n'est pas lu.")
    assert refus["recueil-2021-06.pdf"].startswith(
        "c'est un dossier, pas un fichier : les sous-dossiers de site_data/sources/ ne sont pas lus."
    )


def test_a_name_too_long_is_refused_with_its_length(tmp_path):
    juste = "r" * (boite.NOM_MAX - 4) + ".txt"
    long = "recueil-" + "x" * 242 + ".txt"  # 254 bytes: nom.json, .nom.json.tmp-… would pass 255
    _deposer(tmp_path, juste)
    _deposer(tmp_path, long)
    b = boite.lister(tmp_path)
    assert [e.nom for e in b.fichiers] == [juste]
    assert _refus(b)[long].startswith("nom de fichier trop long (254 octets, 200 au plus) : renommez-le en moins de 200 caractères")


@pytest.mark.parametrize("nom, car", [("recueil#2.txt", "#"), ("recueil?.txt", "?"), ("recueil-100%.txt", "%")])
def test_a_name_with_a_character_that_breaks_urls_is_refused(tmp_path, nom, car):
    _deposer(tmp_path, nom)
    assert _refus(boite.lister(tmp_path)) == {
        nom: f"le nom de ce fichier contient « {car} », qui coupe ou change les adresses web "
        f"et les chemins : renommez-le sans « {car} » (lettres, chiffres, tirets), puis relancez."
    }


def test_control_and_invisible_characters_are_refused_and_shown_escaped(tmp_path):
    _deposer(tmp_path, "recueil\n2021.txt")
    _deposer(tmp_path, "recueil-\u202etxt.pdf")  # right-to-left override: would show as « recueil-fdp.txt »
    refus = _refus(boite.lister(tmp_path))
    assert refus["recueil\\n2021.txt"].startswith("le nom de ce fichier contient un caractère de contrôle ou invisible (U+000A)")
    assert refus["recueil-\\u202etxt.pdf"].startswith("le nom de ce fichier contient un caractère de contrôle ou invisible (U+202E)")


def test_a_name_that_is_not_utf8_is_refused_with_the_byte(tmp_path):
    with open(os.fsencode(tmp_path) + b"/recueil-\xe9t\xe9.txt", "wb") as f:
        f.write((CORPUS / S003).read_bytes())
    b = boite.lister(tmp_path)
    assert b.fichiers == []
    assert b.refus == [
        (
            "recueil-\\xe9t\\xe9.txt",
            "le nom de ce fichier n'est pas en UTF-8 (octet 0xE9 en position 9) : renommez-le (lettres, chiffres, tirets), puis relancez.",
        )
    ]
    json.dumps(b.refus, ensure_ascii=False).encode("utf-8")  # writable in controle.json


def test_a_missing_inbox_is_empty(tmp_path):
    assert boite.lister(tmp_path / "absent") == boite.Boite()


def test_data_name_is_the_same_file_whatever_the_locale_spells_it():
    reel = "extrait-2022-317-été.txt"
    ascii_ = os.fsencode(reel).decode("ascii", "surrogateescape")  # the name under LC_ALL=C PYTHONUTF8=0
    assert os.fsencode(store.data_name(reel)) == os.fsencode(store.data_name(ascii_)) == "extrait-2022-317-été.json".encode()


# -- a bug of ours while reading one source ------------------------------------------------------------


def _panne(vraie):
    def ingest_source(path, name=None):
        if Path(path).name == S003:
            raise RuntimeError("panne simulée")
        return vraie(path, name)

    return ingest_source


def test_parse_one_returns_the_traceback_of_an_unexpected_exception(monkeypatch, tmp_path):
    monkeypatch.setattr(ingest, "ingest_source", _panne(ingest.ingest_source))
    fixes = corrections.load(tmp_path / "corrections.yaml")
    ok, trace = extraction._parse_one(CORPUS / S003, fixes)
    assert ok is None
    assert trace.startswith("Traceback") and trace.rstrip().endswith("RuntimeError: panne simulée")
    ok, out = extraction._parse_one(CORPUS / S002, fixes)
    assert ok is True and json.loads(out[0])["source"] == S002


def test_a_parser_bug_refuses_its_source_with_a_journal_and_keeps_what_it_published(modele, tmp_path, monkeypatch):
    root = tmp_path / "projet"
    shutil.copytree(modele, root, symlinks=True)
    (root / ".cache" / "extraction.json").unlink()  # every source parsed again
    donnees = empreinte_donnees(root)
    monkeypatch.setenv("RPC_PROCESSUS", "1")  # parsed in this process, where the parser is patched
    monkeypatch.setattr(ingest, "ingest_source", _panne(ingest.ingest_source))
    logs = []
    res = extraction.extract(extraction.Paths(root), logs.append)
    assert [e["source"] for e in res.errors] == [S003]
    message = res.errors[0]["message"]
    assert message.startswith(
        "erreur interne en analysant ce fichier (RuntimeError: panne simulée) ; détail dans .build/journal/source-003_97c6f9649ae06488-"
    )
    assert message.endswith("Le fichier est refusé et ce qu'il publiait avant reste publié.")
    journaux = list((root / ".build" / "journal").glob("source-003_97c6f9649ae06488-*.log"))
    assert len(journaux) == 1 and str(journaux[0].relative_to(root)) in message
    assert "RuntimeError: panne simulée" in journaux[0].read_text("utf-8")
    assert f"ERREUR {S003} : {message}" in logs
    assert f"  → les données déjà publiées pour {S003} sont conservées telles quelles." in logs
    assert sorted(d.contenu["source"] for d in res.documents) == [S002, S003]  # its previous extraction, and the other file
    assert empreinte_donnees(root) == donnees
    extraction.rapport_sans_rendu(extraction.Paths(root), res)  # as `make extract`, or a build that stops there, writes it
    assert json.loads((root / "site_data" / "controle.json").read_text("utf-8"))["erreurs"] == res.errors


# -- the real build on a copy of the project ------------------------------------------------------------


def _refuse(projet: Path, avant: dict, donnees: dict, env: dict | None = None, timeout: float = 600) -> str:
    """A build that must refuse: exit 2, nothing published, the site and the data as they were; its output."""
    r = construire(projet, env=env, timeout=timeout)
    sortie = r.stdout + r.stderr
    assert r.returncode == 2, sortie
    assert "Traceback" not in sortie
    assert "Rien n'a été publié" in r.stdout and "le site en ligne est inchangé" in r.stdout
    assert empreinte_site(projet) == avant
    assert empreinte_donnees(projet) == donnees
    return r.stdout


def _etat(projet: Path) -> tuple[dict, dict]:
    return empreinte_site(projet), empreinte_donnees(projet)


@pytest.mark.parametrize("autre", ["003_97c6f9649ae06488.TXT", "003_97c6f9649ae06488.pdf"])
def test_a_second_name_for_a_published_file_refuses_both_and_keeps_what_was_published(projet, autre):
    avant, donnees = _etat(projet)
    sources = projet / "site_data" / "sources"
    _deposer(sources, autre)
    sortie = _refuse(projet, avant, donnees)
    assert f"ERREUR {S003} : ce nom se confond avec « {autre} »" in sortie
    assert f"ERREUR {autre} : ce nom se confond avec « {S003} »" in sortie
    assert "Retirez ou renommez l'un d'eux, puis relancez ; ce qu'ils publiaient avant reste publié." in sortie
    assert f"  → les données déjà publiées pour {S003} sont conservées telles quelles." in sortie
    rapport = json.loads((projet / "site_data" / "controle.json").read_text("utf-8"))
    assert sorted(e["source"] for e in rapport["erreurs"]) == sorted([S003, autre])
    # the publisher removes the second name: the same site again
    (sources / autre).unlink()
    r = construire(projet)
    assert r.returncode == 0, r.stdout + r.stderr
    assert empreinte_site(projet) == avant and empreinte_donnees(projet) == donnees


def test_a_refused_name_does_not_block_the_other_files(projet):
    avant, donnees = _etat(projet)
    sources = projet / "site_data" / "sources"
    (sources / "passwd.txt").symlink_to("/etc/passwd")
    _deposer(sources, S001, S001)  # May 2019, new: read while passwd.txt is refused
    r = construire(projet)
    assert r.returncode == 2 and "ERREUR passwd.txt : lien symbolique qui pointe hors de site_data/sources/" in r.stdout
    assert empreinte_site(projet) == avant
    assert "actes/001_e1a7153a0531ec73.json" in empreinte_donnees(projet)  # extracted, waiting
    (sources / "passwd.txt").unlink()
    r = construire(projet)
    assert r.returncode == 0 and "Publié : 7 délibération(s), 19 subvention(s)" in r.stdout
    assert (projet / "site" / "deliberations" / "2019-117" / "index.html").is_file()


@pytest.mark.parametrize(
    "cible, attendu",
    [
        ("/etc/passwd", "lien symbolique qui pointe hors de site_data/sources/ : il n'est pas suivi. Copiez le fichier lui-même"),
        (str(CORPUS / S001), "lien symbolique qui pointe hors de site_data/sources/ : il n'est pas suivi. Copiez le fichier lui-même"),
        (
            S002,
            f"lien symbolique (vers {S002}) : un lien n'est pas lu. Copiez le fichier lui-même dans site_data/sources/ à la place du lien",
        ),
    ],
)
def test_a_symbolic_link_is_refused_and_never_followed(projet, cible, attendu):
    avant, donnees = _etat(projet)
    (projet / "site_data" / "sources" / "recueil-2019-05.txt").symlink_to(cible)
    sortie = _refuse(projet, avant, donnees)
    assert f"ERREUR recueil-2019-05.txt : {attendu}" in sortie
    assert "root:" not in sortie


def test_a_named_pipe_does_not_hang_the_build(projet):
    avant, donnees = _etat(projet)
    os.mkfifo(projet / "site_data" / "sources" / "tube.txt")
    sortie = _refuse(projet, avant, donnees, timeout=300)
    assert "ERREUR tube.txt : ce n'est pas un fichier ordinaire (un tube nommé) : il n'est pas lu. Retirez-le" in sortie


def test_a_folder_named_like_a_source_is_refused(projet):
    avant, donnees = _etat(projet)
    (projet / "site_data" / "sources" / "a.txt").mkdir()
    sortie = _refuse(projet, avant, donnees)
    assert "ERREUR a.txt : c'est un dossier, pas un fichier : les sous-dossiers de site_data/sources/ ne sont pas lus." in sortie


def test_a_254_byte_name_is_refused_and_blocks_nothing(projet):
    avant, donnees = _etat(projet)
    long = "recueil-2019-05-" + "x" * 234 + ".txt"
    assert len(long.encode()) == 254
    _deposer(projet / "site_data" / "sources", long, S001)
    sortie = _refuse(projet, avant, donnees)
    assert f"ERREUR {long} : nom de fichier trop long (254 octets, 200 au plus) : renommez-le en moins de 200 caractères" in sortie


@pytest.mark.parametrize("nom, car", [("recueil#2019-05.txt", "#"), ("recueil-2019-05?.txt", "?"), ("recueil-100%.txt", "%")])
def test_a_name_that_breaks_urls_is_refused(projet, nom, car):
    avant, donnees = _etat(projet)
    _deposer(projet / "site_data" / "sources", nom, S001)
    sortie = _refuse(projet, avant, donnees)
    assert (
        f"ERREUR {nom} : le nom de ce fichier contient « {car} », qui coupe ou change les adresses web et les chemins : renommez-le sans « {car} »"
        in sortie
    )


def test_a_name_that_is_not_utf8_in_a_c_locale_is_refused_without_a_crash(projet):
    avant, donnees = _etat(projet)
    with open(os.fsencode(projet / "site_data" / "sources") + b"/recueil-\xe9t\xe9-2019.txt", "wb") as f:
        f.write((CORPUS / S001).read_bytes())
    sortie = _refuse(projet, avant, donnees, env=C)
    assert (
        "ERREUR recueil-\\xe9t\\xe9-2019.txt : le nom de ce fichier n'est pas en UTF-8 (octet 0xE9 en position 9) : "
        "renommez-le (lettres, chiffres, tirets), puis relancez."
    ) in sortie
    rapport = json.loads((projet / "site_data" / "controle.json").read_text("utf-8"))
    assert [e["source"] for e in rapport["erreurs"]] == ["recueil-\\xe9t\\xe9-2019.txt"]


def test_an_accented_name_in_a_c_locale_is_published_under_its_real_name(projet):
    sources = projet / "site_data" / "sources"
    nom = "extrait-2022-317-été.txt"
    (sources / S003).rename(sources / nom)  # the same acts, renamed: the old name's data goes
    r = construire(projet, env=C)
    assert r.returncode == 0, r.stdout + r.stderr
    assert os.fsencode(nom.replace(".txt", ".json")) in os.listdir(os.fsencode(projet / "site_data" / "actes"))
    doc = json.loads((projet / "site_data" / "actes" / "extrait-2022-317-été.json").read_text("utf-8"))
    assert doc["source"] == nom
    assert nom in (projet / "site" / "deliberations" / "2022-317" / "index.html").read_text("utf-8")
    r = construire(projet)  # the same name read back in a UTF-8 locale: unchanged, not parsed again
    assert r.returncode == 0 and "(0 analysée(s)" in r.stdout, r.stdout


def test_leftovers_and_hidden_files_are_ignored_with_a_remark(projet):
    avant, donnees = _etat(projet)
    sources = projet / "site_data" / "sources"
    for nom in (f".~lock.{S003}#", "~$recueil-2019-05.txt", f"{S001}.part", "recueil-2019-05.pdf.crdownload", ".brouillon.txt"):
        _deposer(sources, nom, S001)
    r = construire(projet)
    assert r.returncode == 0, r.stdout + r.stderr
    assert (
        f"Ignoré(s) dans site_data/sources/ (fichiers cachés ou temporaires d'un éditeur ou d'un téléchargement) : "
        f".brouillon.txt, .~lock.{S003}#, {S001}.part, recueil-2019-05.pdf.crdownload, ~$recueil-2019-05.txt"
    ) in r.stdout
    assert "ERREUR" not in r.stdout
    assert empreinte_site(projet) == avant and empreinte_donnees(projet) == donnees

"""Every file the build writes is replaced whole or not at all: a full disk in the middle of a write leaves
the previous file byte for byte and no temporary file, and the error is one French sentence naming the
file and the fix (`erreurs.message_systeme`). Leftover temporary files of a killed build are cleaned.
"""

from __future__ import annotations

import errno
import io
import os
import sqlite3
import subprocess
import sys

import pytest

from generator.commun import store
from generator.commun.erreurs import message_systeme
from generator.exports import sqlite as exp_sqlite
from generator.lieux import places
from generator.records.corpus import Corpus

ANCIEN = b'{"ancien": "contenu publi\xc3\xa9"}\n'


def _disque_plein(*_a, **_k):
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def _seul(dossier):
    """The folder holds its one file, and no temporary one."""
    return sorted(p.name for p in dossier.iterdir())


class _FichierQuiSeRemplit(io.FileIO):
    """A file on a disk that fills up after 100 bytes: half the data is written, then ENOSPC."""

    def write(self, data):
        if len(data) > 100:
            super().write(data[:100])
            _disque_plein()
        return super().write(data)


@pytest.fixture
def publie(tmp_path):
    p = tmp_path / "site_data" / "controle.json"
    p.parent.mkdir(parents=True)
    p.write_bytes(ANCIEN)
    return p


def test_write_text_replaces_and_keeps_an_unchanged_file(publie):
    assert store.write_text(publie, "nouveau\n") is True
    assert publie.read_text("utf-8") == "nouveau\n"
    os.utime(publie, (1, 1))
    assert store.write_text(publie, "nouveau\n") is False
    assert publie.stat().st_mtime == 1  # same bytes: not rewritten (date and hard links kept)
    assert _seul(publie.parent) == ["controle.json"]


def test_full_disk_in_the_middle_of_a_write_keeps_the_previous_file(publie, monkeypatch):
    monkeypatch.setattr(store, "open", lambda p, mode: _FichierQuiSeRemplit(p, mode.replace("b", "")), raising=False)
    with pytest.raises(OSError) as exc:
        store.write_text(publie, "x" * 10_000)
    assert publie.read_bytes() == ANCIEN
    assert _seul(publie.parent) == ["controle.json"]
    assert exc.value.errno == errno.ENOSPC and exc.value.filename == str(publie)  # the target, not the temporary file
    message = message_systeme(exc.value, commande="make build")
    assert message.startswith(f"disque plein en écrivant {publie}") and "df -h" in message and "relancez make build" in message
    assert message.endswith("le site publié n'a pas été modifié.") and "\n" not in message


@pytest.mark.parametrize("etape", ["fsync", "replace"])
def test_full_disk_at_flush_or_rename_keeps_the_previous_file(publie, monkeypatch, etape):
    monkeypatch.setattr(os, etape, _disque_plein)
    with pytest.raises(OSError) as exc:
        store.write_json(publie, {"nouveau": 1})
    assert publie.read_bytes() == ANCIEN
    assert _seul(publie.parent) == ["controle.json"]
    assert exc.value.filename == str(publie)


def test_interrupted_write_leaves_no_temporary_file(publie, monkeypatch):
    def interrompu(*_a):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrompu)
    with pytest.raises(KeyboardInterrupt):
        store.write_text(publie, "nouveau")
    assert publie.read_bytes() == ANCIEN and _seul(publie.parent) == ["controle.json"]


def test_flushed_file_and_folder(tmp_path, monkeypatch):
    """A file a later build trusts is flushed, then its folder (the rename); a page is only renamed."""
    vus = []
    vrai = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: (vus.append(os.readlink(f"/proc/self/fd/{fd}")), vrai(fd)))
    store.write_text(tmp_path / "a.json", "a")
    assert len(vus) == 2 and ".a.json.tmp-" in vus[0] and vus[1] == str(tmp_path)
    vus.clear()
    store.write_text(tmp_path / "page.md", "b", durable=False)
    assert vus == [] and (tmp_path / "page.md").read_text() == "b"


def test_temporary_names_are_unique_hidden_and_never_globbed(tmp_path):
    cible = tmp_path / "001.json"
    noms = {store.temporaire(cible).name for _ in range(100)}
    assert len(noms) == 100
    for n in noms:
        (tmp_path / n).write_text("{")
        assert store.TEMPORAIRE.match(n) and n.startswith(".001.json.tmp-")
    assert list(tmp_path.glob("*.json")) == [] and list(tmp_path.glob("*.csv")) == []
    long = tmp_path / ("é" * 120 + ".json")  # 240 bytes: the temporary name stays within 255
    assert len(store.temporaire(long).name.encode()) <= 255


def test_leftovers_of_dead_processes_are_cleaned_and_live_ones_kept(tmp_path):
    mort = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True, check=True)
    pid_mort = int(mort.stdout)
    (tmp_path / "sous").mkdir()
    laisses = [
        tmp_path / f".a.json.tmp-{pid_mort}-0123abcd",
        tmp_path / "sous" / f".b.csv.tmp-{pid_mort}-89abcdef",
        tmp_path / "recueil.sqlite.tmp",
        tmp_path / "x.json.tmp",
    ]  # the names of earlier versions too
    en_cours = tmp_path / f".c.json.tmp-{os.getppid()}-0123abcd"  # a running process's write
    autres = [tmp_path / "a.json", tmp_path / ".cache-note", tmp_path / "notes.tmp"]
    for p in laisses + [en_cours] + autres:
        p.write_text("x")
    assert store.nettoyer_temporaires(tmp_path) == sorted(laisses)
    assert all(p.exists() for p in [en_cours] + autres)
    (tmp_path / "sous" / laisses[1].name).write_text("x")
    assert store.nettoyer_temporaires(tmp_path, recursif=False) == []


def test_sqlite_export_on_a_full_disk_keeps_the_previous_database(tmp_path, monkeypatch):
    """SQLite's own « database or disk is full » (forced by a page limit) is reported as ENOSPC on the
    database's path; the published database stays, no temporary file."""
    cible = tmp_path / "donnees" / "recueil.sqlite"
    cible.parent.mkdir()
    cible.write_bytes(ANCIEN)
    schema = exp_sqlite._schema
    monkeypatch.setattr(exp_sqlite, "_schema", lambda: "PRAGMA max_page_count = 12;\n" + schema())
    corpus = Corpus.from_data([], {}, {}, places.reference())  # the reference geography alone overflows 12 pages
    with pytest.raises(OSError) as exc:
        exp_sqlite.build(corpus, cible)
    assert isinstance(exc.value.__cause__, sqlite3.OperationalError)
    assert exc.value.errno == errno.ENOSPC and exc.value.filename == str(cible)
    assert cible.read_bytes() == ANCIEN and _seul(cible.parent) == ["recueil.sqlite"]


@pytest.mark.parametrize(
    "code,debut,remede",
    [
        (errno.ENOSPC, "disque plein en écrivant", "libérez de la place"),
        (errno.EDQUOT, "quota disque dépassé en écrivant", "quota -s"),
        (errno.EACCES, "permission refusée sur", "chmod"),
        (errno.EPERM, "opération non permise sur", "lsattr"),
        (errno.EROFS, "site_data/actes est sur un disque en lecture seule", "remount,rw"),
        (errno.ENAMETOOLONG, "nom de fichier trop long", "raccourcissez"),
        (errno.EMFILE, "trop de fichiers ouverts", "ulimit -n"),
        (errno.EIO, "erreur du système", "vérifiez le disque"),
    ],
)
def test_system_errors_are_one_french_sentence(tmp_path, monkeypatch, code, debut, remede):
    monkeypatch.chdir(tmp_path)
    exc = OSError(code, os.strerror(code), str(tmp_path / "site_data" / "actes" / "001.json"))
    m = message_systeme(exc, commande="make publish DEST=/var/www/recueil")
    assert m.startswith(debut) and "site_data/actes/001.json" in m and str(tmp_path) not in m  # relative to the project
    assert remede in m and "relancez make publish DEST=/var/www/recueil" in m
    assert m.endswith("; le site publié n'a pas été modifié.") and "\n" not in m and "Traceback" not in m


def test_system_error_without_a_path_takes_the_one_given():
    m = message_systeme(OSError(errno.ENOSPC, "No space left on device"), "/srv/recueil/.build/site")
    assert m.startswith("disque plein en écrivant /srv/recueil/.build/site : libérez de la place (df -h /srv/recueil/.build")
    assert message_systeme(OSError(errno.ENOSPC, "x")).startswith("disque plein en écrivant un fichier du projet")

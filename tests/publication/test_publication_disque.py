"""A full disk at every stage of a build, on a real file system of limited size (a tmpfs).

The project (2022-317 and the CABBALR deliberation, built) is copied onto a small tmpfs; the May 2019
recueil is dropped into its inbox; the disk is filled so that only a few hundred kilobytes to a few
tens of megabytes remain, so that the write that fails falls in the extraction, the pages, the
exports, the search index, MkDocs or the verification. Each time: one French sentence (« disque
plein »), a non-zero exit, the published site byte for byte as before, and the extracted data
either as before or the new extraction whole (when the disk filled after it). Then
the space is freed and the next build must publish exactly what a build on a roomy disk publishes:
nothing a failed write left behind (a cache, a half JSON) may be trusted.

Mounting needs root and CAP_SYS_ADMIN (CI runs as root in its container); elsewhere these tests are skipped
with the reason.
"""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest

from generator.commun.erreurs import erreur_systeme_dans

from conftest import CORPUS
from projet import S001, construire, empreinte_donnees, empreinte_site, projet_construit

MO = 1024 * 1024
TAILLE = 160 * MO


def _monter(point: Path) -> bool:
    point.mkdir(parents=True, exist_ok=True)
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={TAILLE}", "tmpfs", str(point)], capture_output=True)
    return r.returncode == 0


def _demonter(point: Path) -> None:
    subprocess.run(["umount", "-l", str(point)], capture_output=True)


@pytest.fixture(scope="module")
def modele(tmp_path_factory) -> Path:
    return projet_construit(tmp_path_factory.mktemp("disque") / "projet")


@pytest.fixture(scope="module")
def reference(tmp_path_factory, modele) -> dict[str, bytes]:
    """What the project with the May 2019 recueil added publishes on a roomy disk."""
    root = tmp_path_factory.mktemp("large") / "projet"
    shutil.copytree(modele, root, symlinks=True)
    shutil.copy(CORPUS / S001, root / "site_data" / "sources" / S001)
    r = construire(root)
    assert r.returncode == 0, r.stdout + r.stderr
    return {"donnees": empreinte_donnees(root), "site": empreinte_site(root)}


@pytest.fixture
def disque(tmp_path):
    point = tmp_path / "disque"
    if os.geteuid() != 0 or not _monter(point):
        pytest.skip("monter un tmpfs demande root et CAP_SYS_ADMIN (le cas de la CI)")
    yield point
    _demonter(point)


def _remplir(point: Path, reste: int) -> Path:
    """A file taking all the free space of the tmpfs but `reste` bytes."""
    st = os.statvfs(point)
    libre = st.f_bavail * st.f_frsize
    plein = point / f"remplissage-{uuid.uuid4().hex}"
    with plein.open("wb") as f:
        os.posix_fallocate(f.fileno(), 0, max(0, libre - reste))
    return plein


@pytest.mark.parametrize("reste_ko", [0, 64, 512, 2048, 6144, 12288, 20480, 30720])
def test_a_full_disk_at_any_stage_leaves_site_and_data_whole(modele, reference, disque, reste_ko):
    root = disque / "projet"
    shutil.copytree(modele, root, symlinks=True)
    site_avant, donnees_avant = empreinte_site(root), empreinte_donnees(root)
    shutil.copy(CORPUS / S001, root / "site_data" / "sources" / S001)
    plein = _remplir(disque, reste_ko * 1024)

    r = construire(root)
    sortie = r.stdout + r.stderr
    assert "Traceback" not in sortie
    if r.returncode == 0:  # enough room after all at this level: then the new version is whole
        assert empreinte_donnees(root) == reference["donnees"]
    else:
        assert r.returncode == 2, sortie
        assert "disque plein" in sortie and "libérez de la place" in sortie, sortie
        assert "le site publié n'a pas été modifié" in sortie or "le site en ligne est inchangé" in sortie, sortie
        assert empreinte_site(root) == site_avant
        # the extraction may have ended before the disk filled: site_data/ then holds the new
        # extraction whole (not yet published), never a part of it
        assert empreinte_donnees(root) in (donnees_avant, reference["donnees"])

    plein.unlink()  # the publisher frees space and builds again: the result is a roomy disk's
    r = construire(root)
    assert r.returncode == 0, r.stdout + r.stderr
    assert empreinte_donnees(root) == reference["donnees"]
    assert empreinte_site(root) == reference["site"]
    assert (root / "site" / "deliberations" / "2019-117" / "index.html").is_file()


@pytest.mark.parametrize("reste_ko", [8192, 20480])
def test_a_full_disk_while_mkdocs_writes_the_new_version(modele, disque, reste_ko):
    """Caches warm, every page changes (the public address is set): the disk fills while MkDocs
    writes the new version, in a child process; told as a full disk, with the version folder."""
    root = disque / "projet"
    shutil.copytree(modele, root, symlinks=True)
    avant = empreinte_site(root)
    plein = _remplir(disque, reste_ko * 1024)
    r = construire(root, env={"SITE_URL": "https://recueil.example.fr/"})
    sortie = r.stdout + r.stderr
    assert r.returncode == 2 and "Traceback" not in sortie, sortie
    assert "disque plein en écrivant .build/sites/" in sortie, sortie
    assert empreinte_site(root) == avant
    plein.unlink()
    r = construire(root, env={"SITE_URL": "https://recueil.example.fr/"})
    assert r.returncode == 0, r.stdout + r.stderr
    assert "https://recueil.example.fr/deliberations/2022-317/" in (root / "site" / "sitemap.xml").read_text(encoding="utf-8")


def test_an_error_read_back_from_a_child_process():
    trace = (
        'Traceback (most recent call last):\n  File "mkdocs/commands/build.py", line 95, in _build_page\n'
        "OSError: [Errno 28] No space left on device: '/srv/recueil/.build/sites/v/communes/arras/index.html'\n"
    )
    err = erreur_systeme_dans(trace)
    assert err is not None and err.errno == errno.ENOSPC
    assert err.filename == "/srv/recueil/.build/sites/v/communes/arras/index.html"
    assert erreur_systeme_dans("Traceback…\nOSError: [Errno 28] No space left on device\n").filename is None
    assert erreur_systeme_dans("Traceback…\nKeyError: 'x'\n") is None


def test_publish_to_a_full_disk_leaves_the_published_folder_whole(modele, disque):
    root = disque.parent / "projet"
    shutil.copytree(modele, root, symlinks=True)
    www = disque / "www"
    r = construire(root, "publish", str(www))
    assert r.returncode == 0, r.stdout + r.stderr
    avant = {p.relative_to(www).as_posix(): p.read_bytes() for p in sorted(www.rglob("*")) if p.is_file()}
    shutil.copy(CORPUS / S001, root / "site_data" / "sources" / S001)
    plein = _remplir(disque, 256 * 1024)

    r = construire(root, "publish", str(www))
    sortie = r.stdout + r.stderr
    assert r.returncode == 2, sortie
    assert "Traceback" not in sortie and "disque plein" in sortie, sortie
    assert {p.relative_to(www).as_posix(): p.read_bytes() for p in sorted(www.rglob("*")) if p.is_file()} == avant
    assert not [p for p in disque.iterdir() if p.name.startswith(".www.nouveau")], "a half copy left beside DEST"

    plein.unlink()
    r = construire(root, "publish", str(www))
    assert r.returncode == 0, r.stdout + r.stderr
    assert (www / "deliberations" / "2019-117" / "index.html").is_file()

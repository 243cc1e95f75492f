"""The version a build drops becomes the next version's folders (`publication.nettoyer`, `nouvelle_version`).

`nettoyer` keeps the newest dropped version, strips its files in the background under a lock and renames it
`.squelette`; the next build takes it as its new version (same inode), MkDocs' cleaning unlinks any file still
there and keeps the folders (`mkdocs_plugin.vider`), and `rendre_lisible` removes the folders left empty. What
these tests hold: the skeleton is used, the result is the tree a build into an empty folder makes, and no file
of the published or previous version changes (same inode, same bytes), even when the skeleton holds a hard link
of a published page.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import time
from pathlib import Path

from generator import mkdocs_plugin
from generator.publication import transaction as publication

from conftest import CORPUS
from projet import S001, construire, empreinte_site

CORRECTION = (
    'deliberations:\n  - id: "2022-317"\n    corriger:\n      titre: "DÉLIBÉRATION CADRE (titre corrigé pour le test du squelette)"\n'
)
PAGE = "deliberations/2022-317/index.html"


def _fichiers(version: Path) -> dict[str, tuple[int, str]]:
    """Every file of a version: (inode, SHA-256 of its bytes)."""
    out = {}
    for base, _, files in os.walk(version):
        for f in files:
            p = Path(base) / f
            out[p.relative_to(version).as_posix()] = (p.stat().st_ino, hashlib.sha256(p.read_bytes()).hexdigest())
    return out


def _dossiers(version: Path) -> set[str]:
    return {Path(base).relative_to(version).as_posix() for base, _, _ in os.walk(version)}


def _vides(version: Path) -> list[str]:
    return [base for base, dirs, files in os.walk(version) if not dirs and not files]


def _non_dossiers(dossier: Path) -> list[str]:
    return [
        os.path.join(base, f)
        for base, dirs, files in os.walk(dossier)
        for f in files + [d for d in dirs if os.path.islink(os.path.join(base, d))]
    ]


def _attendre_squelette(root: Path) -> Path:
    """`.squelette` once the background stripping has renamed it (at most 60 s)."""
    squelette = root / ".build" / "sites" / publication.SQUELETTE
    for _ in range(600):
        if squelette.is_dir():
            return squelette
        time.sleep(0.1)
    raise AssertionError(f"pas de squelette : {sorted(p.name for p in squelette.parent.iterdir())}")


def _construire(root: Path) -> None:
    r = construire(root)
    assert r.returncode == 0, r.stdout + r.stderr


def test_the_dropped_version_is_the_third_builds_folders_and_nothing_published_changes(projet):
    shutil.copy(CORPUS / S001, projet / "site_data" / "sources" / S001)
    _construire(projet)  # v2 (v1 previous): nothing dropped yet
    v2 = publication.version_courante(projet)
    assert not (projet / ".build" / "sites" / publication.SQUELETTE).exists()
    site_v2, dossiers_v2 = empreinte_site(projet), _dossiers(v2)
    fichiers_v2 = _fichiers(v2)
    (projet / "site_data" / "corrections.yaml").write_text(CORRECTION, encoding="utf-8")
    _construire(projet)  # v3, built into an empty folder; v1 dropped: stripped into the skeleton
    v3 = publication.version_courante(projet)
    assert publication.version_precedente(projet) == v2 and _fichiers(v2) == fichiers_v2  # the previous one untouched
    squelette = _attendre_squelette(projet)
    assert _non_dossiers(squelette) == []
    assert (squelette / "deliberations" / "2022-317").is_dir()
    inodes = {d: os.stat(squelette / d).st_ino for d in ("", "deliberations/2022-317", "deliberations/cabbalr-2023-12-12")}
    (squelette / "deliberations" / "page-disparue" / "annexes").mkdir(parents=True)  # a page gone since: its folders
    fichiers_v3 = _fichiers(v3)
    (projet / "site_data" / "corrections.yaml").unlink()  # back to v2's inputs
    _construire(projet)  # v4: the skeleton
    v4 = publication.version_courante(projet)
    assert {d: os.stat(v4 / d).st_ino for d in inodes} == inodes  # the same folders, not made again
    assert publication.version_precedente(projet) == v3 and _fichiers(v3) == fichiers_v3
    assert _fichiers(v2) == fichiers_v2 or not v2.exists()  # (dropped now: stripped, its inodes untouched)
    assert empreinte_site(projet) == site_v2  # the bytes of the build of the same inputs into an empty folder
    assert _dossiers(v4) == dossiers_v2 and _vides(v4) == []  # and its folders: none left empty
    assert not (v4 / "deliberations" / "page-disparue").exists()
    assert publication.ecart_au_record(v4) is None


def test_a_skeleton_holding_a_published_page_is_stripped_and_the_page_online_unchanged(projet):
    v1 = publication.version_courante(projet)
    avant = _fichiers(v1)
    squelette = projet / ".build" / "sites" / publication.SQUELETTE
    (squelette / "deliberations" / "2022-317").mkdir(parents=True)
    os.link(v1 / PAGE, squelette / PAGE)  # a hard link of the page online, which this build changes
    (squelette / "lien").symlink_to(v1)
    (projet / "site_data" / "corrections.yaml").write_text(CORRECTION, encoding="utf-8")
    _construire(projet)
    v2 = publication.version_courante(projet)
    assert v2 != v1 and "titre corrigé pour le test du squelette" in (v2 / PAGE).read_text("utf-8")
    assert (v2 / PAGE).stat().st_ino != avant[PAGE][0]  # written anew, not through the link
    assert _fichiers(v1) == avant  # the previous version: every file, inode and bytes
    assert not (v2 / "lien").exists() and publication.ecart_au_record(v2) is None


def _versions(root: Path, n: int) -> list[Path]:
    """`n` verified versions published one after the other, each file of one hard-linked into the next (as
    MkDocs links unchanged pages)."""
    vs: list[Path] = []
    for i in range(n):
        v = root / ".build" / "sites" / f"2026120{i}-000000-1"
        (v / "pages" / "a").mkdir(parents=True)
        if vs:
            os.link(vs[-1] / "pages" / "a" / "index.html", v / "pages" / "a" / "index.html")
        else:
            (v / "pages" / "a" / "index.html").write_text("a", encoding="utf-8")
        (v / "pages" / str(i)).mkdir()
        (v / "pages" / str(i) / "index.html").write_text(str(i), encoding="utf-8")
        publication.marquer_verifiee(v, {})
        publication.basculer(root, v)
        vs.append(v)
    return vs


def test_cleaning_strips_the_dropped_version_into_the_skeleton_that_the_next_version_takes(tmp_path):
    vs = _versions(tmp_path, 3)
    page = vs[2] / "pages" / "a" / "index.html"
    ino = page.stat().st_ino
    publication.nettoyer(tmp_path)
    squelette = _attendre_squelette(tmp_path)
    assert _non_dossiers(squelette) == [] and (squelette / "pages" / "0").is_dir()
    assert page.stat().st_ino == ino and page.read_text("utf-8") == "a"  # a name of the same file, removed: not the file
    inode = squelette.stat().st_ino
    neuve = publication.nouvelle_version(tmp_path)
    assert neuve.stat().st_ino == inode and not squelette.exists()
    assert (neuve / "pages" / "0").is_dir()
    publication.rendre_lisible(neuve)  # nothing written in it: every folder but the version's own removed
    assert list(neuve.iterdir()) == []


def test_a_stripping_under_way_is_left_alone_and_a_killed_one_deleted(tmp_path):
    vs = _versions(tmp_path, 3)
    sites = tmp_path / ".build" / "sites"
    vivant, mort = sites / f"{publication.DEPOUILLE}1-1", sites / f"{publication.DEPOUILLE}2-2"
    (vivant / "x").mkdir(parents=True)
    (mort / "y").mkdir(parents=True)
    fd = os.open(vivant, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # as the detached stripping holds it
        jetes = publication.nettoyer(tmp_path)
        assert vivant.is_dir() and not mort.exists() and not vs[0].exists()
        assert sorted(jetes) == [mort.name, vs[0].name, vs[0].name + ".controles.json", vs[0].name + ".json"]
        assert not [p for p in sites.iterdir() if p.name.startswith(publication.DEPOUILLE) and p != vivant]  # no second skeleton
    finally:
        os.close(fd)
    assert not (sites / publication.SQUELETTE).exists()
    assert publication.nouvelle_version(tmp_path).is_dir() and vivant.is_dir()  # not taken: an empty folder


def test_the_empty_folders_are_removed_deepest_first_and_the_inventory_unchanged(tmp_path):
    for d in ("a/b/c", "a/d", "e", "f/g"):
        (tmp_path / d).mkdir(parents=True)
    (tmp_path / "a" / "d" / "index.html").write_text("x", encoding="utf-8")
    (tmp_path / "f" / "lien").symlink_to("../a/d/index.html")
    assert publication.rendre_lisible(tmp_path) == {"a/d/index.html": 1, "f/lien": len("../a/d/index.html")}
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*")) == ["a", "a/d", "a/d/index.html", "f", "f/lien"]


def test_mkdocs_cleaning_unlinks_files_and_keeps_and_knows_the_folders(tmp_path):
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "b" / "index.html").write_text("x", encoding="utf-8")
    (tmp_path / "a" / "lien").symlink_to(tmp_path / "a" / "b")
    mkdocs_plugin._DOSSIERS.clear()
    mkdocs_plugin.vider(str(tmp_path))
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*")) == ["a", "a/b"]
    assert mkdocs_plugin._DOSSIERS == {str(tmp_path), str(tmp_path / "a"), str(tmp_path / "a" / "b")}
    mkdocs_plugin._DOSSIERS.clear()

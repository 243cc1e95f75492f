"""A build killed at any instant leaves one whole site, and the next build finishes the work.

The project (tests/projet.py) alternates between two valid states of its inputs (the 2022-317 extract's
title corrected or not in corrections.yaml: its page, the indexes, the search and the exports change),
and a build towards the other state is killed with SIGKILL after 0.15 s, then a little later each time,
until past the end of a build: the whole process group (make and everything under it), or the main
process alone (its children must die with it). After each kill the site is one of the two whole,
verified versions; no process of the build is left; the next build completes.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from generator.publication import transaction as publication

from projet import commande, construire, copier_projet, empreinte_site

CORRECTION = 'deliberations:\n  - id: "2022-317"\n    corriger:\n      titre: "DÉLIBÉRATION CADRE (titre corrigé pour le test d\'arrêt)"\n'


def _etat(root: Path, corrige: bool) -> None:
    f = root / "site_data" / "corrections.yaml"
    if corrige:
        f.write_text(CORRECTION, encoding="utf-8")
    else:
        f.unlink(missing_ok=True)


def _processus_dans(root: Path) -> list[int]:
    """PIDs of the processes whose working folder is the project (the build and its children)."""
    out = []
    for p in Path("/proc").iterdir():
        if p.name.isdigit():
            try:
                if Path(os.readlink(p / "cwd")) == root:
                    out.append(int(p.name))
            except OSError:
                pass
    return out


def _entier(root: Path, versions: dict[str, dict]) -> str:
    """Which whole version the site is (asserting it is one)."""
    version = publication.version_courante(root)
    assert version is not None, "site/ ne pointe vers aucune version"
    assert publication.ecart_au_record(version) is None
    emp = empreinte_site(root)
    nom = next((k for k, v in versions.items() if v == emp), None)
    assert nom is not None, "site/ n'est aucune des deux versions entières"
    return nom


def test_a_build_killed_at_any_instant_leaves_one_whole_site(tmp_path):
    root = copier_projet(tmp_path / "projet")
    _etat(root, False)
    assert construire(root).returncode == 0
    versions = {"sans": empreinte_site(root)}
    _etat(root, True)
    t0 = time.perf_counter()
    assert construire(root).returncode == 0
    duree = time.perf_counter() - t0
    versions["avec"] = empreinte_site(root)
    assert versions["avec"] != versions["sans"]
    corrige = True
    vus = set()
    delai, pas = 0.15, max(duree / 12, 0.15)
    n = 0
    env = dict(os.environ)
    env.pop("SITE_URL", None)
    # past the end of a build as timed above; on a loaded machine a build may take longer: then on
    # until a kill has also fallen after a switch (both versions seen), within a bound
    while delai < duree + 1.0 or (len(vus) < 2 and delai < 4 * duree + 10):
        corrige = not corrige
        _etat(root, corrige)
        proc = subprocess.Popen(
            commande(root, "build"), cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
        )
        time.sleep(delai)
        if n % 2 == 0:
            os.killpg(proc.pid, signal.SIGKILL)  # everything (as a killed terminal or a stopped machine)
        else:
            proc.kill()  # the main process only: its children must not go on writing
        proc.wait()
        for _ in range(50):
            if not _processus_dans(root):
                break
            time.sleep(0.1)
        assert not _processus_dans(root), f"processus restés après l'arrêt à {delai:.2f} s"
        vus.add(_entier(root, versions))
        delai += pas
        n += 1
    assert n >= 10
    r = construire(root)  # the next build finishes the work
    assert r.returncode == 0, r.stdout + r.stderr
    assert _entier(root, versions) == ("avec" if corrige else "sans")
    assert vus == {"avec", "sans"}  # killed before and after the switch
    restes = [p.name for p in (root / ".build" / "sites").iterdir()]
    # the current and previous versions with their records, their pages' and exports' records, the link to the
    # previous one; what killed builds left is gone (or being deleted in the background: .poubelle-*), but the
    # skeleton of the next version (.squelette, or .squelette-en-cours-* while its files are removed)
    gardes = sorted(p for p in restes if not p.startswith((".poubelle-", publication.SQUELETTE)))
    versions_gardees = sorted(p for p in gardes if "." not in p and p != "precedent")
    assert gardes == sorted(["precedent", *(v + s for v in versions_gardees for s in ("", ".json", ".pages.json", ".controles.json"))]), (
        restes
    )
    assert len(versions_gardees) == 2, restes


def test_the_old_layout_is_exchanged_for_the_link_in_one_step(tmp_path, monkeypatch):
    """site/ a real folder (before this version): replaced by the link with renameat2(RENAME_EXCHANGE)."""
    root = tmp_path
    (root / "site").mkdir()
    (root / "site" / "index.html").write_text("ancien", encoding="utf-8")
    v = publication.nouvelle_version(root)
    (v / "index.html").write_text("nouveau", encoding="utf-8")
    etats = []
    vrai = publication.echanger

    def echanger(a, b):
        ok = vrai(a, b)
        etats.append((root / "site" / "index.html").read_text("utf-8"))  # right after the exchange
        return ok

    monkeypatch.setattr(publication, "echanger", echanger)
    publication.basculer(root, v)
    assert etats == ["nouveau"]
    assert (root / "site").is_symlink() and (root / "site" / "index.html").read_text("utf-8") == "nouveau"
    prec = publication.version_precedente(root)
    assert prec is not None and (prec / "index.html").read_text("utf-8") == "ancien"


def test_a_kill_between_the_two_renames_of_the_fallback_is_recovered(tmp_path, monkeypatch):
    """Where the file system cannot exchange: a crash between the two renames leaves the new link
    beside the site; the next build puts it in place before anything else."""
    root = tmp_path
    (root / "site").mkdir()
    (root / "site" / "index.html").write_text("ancien", encoding="utf-8")
    v = publication.nouvelle_version(root)
    (v / "index.html").write_text("nouveau", encoding="utf-8")
    publication.marquer_verifiee(v, {})
    monkeypatch.setattr(publication, "echanger", lambda a, b: False)
    renames = []
    vrai = os.rename

    def rename(a, b):
        renames.append((a, b))
        if len(renames) == 2:
            raise KeyboardInterrupt  # killed here
        return vrai(a, b)

    monkeypatch.setattr(publication.os, "rename", rename)
    with pytest.raises(KeyboardInterrupt):
        publication.basculer(root, v)
    monkeypatch.setattr(publication.os, "rename", vrai)
    assert not (root / "site").exists()  # the instant the fallback cannot avoid
    publication.nettoyer(root)  # what the next build does first
    assert (root / "site" / "index.html").read_text("utf-8") == "nouveau"


def test_cleaning_keeps_the_current_and_previous_versions_only(tmp_path):
    root = tmp_path
    vs = []
    for i in range(3):
        v = root / ".build" / "sites" / f"2026120{i}-000000-1"
        v.mkdir(parents=True)
        (v / "index.html").write_text(str(i), encoding="utf-8")
        publication.marquer_verifiee(v, {})
        publication.basculer(root, v)
        vs.append(v)
    inacheve = root / ".build" / "sites" / "20261204-000000-2"
    inacheve.mkdir()
    jetes = publication.nettoyer(root)
    assert sorted(jetes) == ["20261200-000000-1", "20261200-000000-1.controles.json", "20261200-000000-1.json", "20261204-000000-2"]
    assert publication.version_courante(root) == vs[2].resolve() and publication.version_precedente(root) == vs[1].resolve()
    assert not inacheve.exists() and not vs[0].exists()

"""The repository keeps what the build writes out of git: .gitignore covers every generated path
(`generator.commun.genere.GENERE`, the list `make clean` removes), and none of them is tracked; `make clean`
reads that one list, with or without .venv."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys

import pytest

from generator.commun.genere import GENERE, VERROU

from conftest import ROOT


@pytest.fixture(scope="module")
def git():
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("pas un dépôt git (copie du projet sans son historique)")
    return lambda *a: subprocess.run(["git", *a], cwd=ROOT, capture_output=True, text=True)


def test_gitignore_covers_what_the_build_writes(git):
    assert "site" in GENERE and "content/communes" in GENERE and ".build" in GENERE
    pas_ignores = [rel for rel in GENERE if git("check-ignore", "-q", "--no-index", rel).returncode != 0]
    assert pas_ignores == []


def test_nothing_generated_is_tracked(git):
    suivis = git("ls-files", "--", *GENERE).stdout.split()
    assert suivis == []


def test_make_clean_without_venv_removes_the_same_list(tmp_path):
    """Without .venv, `make clean` runs generator.commun.genere with the system's Python: the standard
    library only (no site-packages here, `-S`), the list above, site_data/ and the lock kept."""
    recette = re.search(r"^clean:\n((?:\t.*\n)+)", (ROOT / "Makefile").read_text(encoding="utf-8"), re.M)
    assert recette and "-m generator.commun.genere" in recette.group(1) and "rm " not in recette.group(1)
    for rel in GENERE:
        p = tmp_path / rel
        if p.suffix:
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_text("généré", encoding="utf-8")
        else:
            (p / "sous-dossier").mkdir(parents=True)
            (p / "sous-dossier" / "page.html").write_text("généré", encoding="utf-8")
    (tmp_path / VERROU).write_text("", encoding="utf-8")
    (tmp_path / "site_data").mkdir()
    (tmp_path / "site_data" / "controle.json").write_text("{}", encoding="utf-8")
    subprocess.run([sys.executable, "-S", "-m", "generator.commun.genere", str(tmp_path)], cwd=ROOT, check=True)
    assert [rel for rel in GENERE if (tmp_path / rel).exists() and rel != ".build"] == []
    assert list((tmp_path / ".build").iterdir()) == [tmp_path / VERROU]
    assert (tmp_path / "site_data" / "controle.json").exists()

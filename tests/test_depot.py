"""The repository keeps what the build writes out of git: .gitignore covers every generated path
(`build.GENERE`, the list `make clean` removes), and none of them is tracked."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from generator.build import GENERE

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

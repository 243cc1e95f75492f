"""A copy of the project in a temporary folder, built and faulted as a publisher would.

`copier_projet` copies the code, configuration, theme, hand-written pages and reference data (never
the inbox nor what was extracted from it, and the publisher's files as tests/fixtures holds them) and
drops the chosen real documents of tests/fixtures/corpus into its inbox; `construire` runs `python -m generator …` there as the Makefile does (its own root,
exit code and messages, any environment); `empreinte_site` is what the published site holds, file by
file, to assert that a refused build left it byte for byte as it was.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator.build import prepare_root
from generator.commun.genere import CONTENU_GENERE
from generator.extraction import BuildResult, Paths, extract

from conftest import CORPUS, ROOT

S001 = "001_e1a7153a0531ec73.txt"  # recueil N° 5, mai 2019: 2019-117 to 2019-121, 19 grants
S002 = "002_4b206b7012456076.txt"  # CABBALR, 12 December 2023
S003 = "003_97c6f9649ae06488.txt"  # 2022-317
CORRECTIONS = ROOT / "tests" / "fixtures" / "corrections.yaml"  # the publisher's files as the tests know them
IDENTIFIANTS = ROOT / "tests" / "fixtures" / "identifiants.csv"  # (the repository's change month after month)
S004 = "004_45492b4b56f19b50.txt"  # recueil N° 6, juin 2021: 2021-232 to 2021-252, 505 grants
CORPUS_COMPLET = (S001, S002, S003, S004)


def copier_projet(dest: Path, sources: list[str] = (S002, S003), corrections: bool = False, tests: bool = False) -> Path:
    """A project at `dest` holding `sources` (names of tests/fixtures/corpus) in its inbox; with `tests`,
    its test suite too (tests/ with its fixtures, but the browser tests' node_modules)."""
    dest = Path(dest)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    if tests:
        shutil.copytree(ROOT / "tests", dest / "tests", ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "node_modules"))
    shutil.copytree(ROOT / "generator", dest / "generator", ignore=ignore)
    if tests:  # (the tests print PDFs with the developer tools)
        shutil.copytree(ROOT / "tools", dest / "tools", ignore=ignore)
    shutil.copytree(ROOT / "overrides", dest / "overrides", ignore=ignore)
    shutil.copytree(ROOT / "content", dest / "content", ignore=shutil.ignore_patterns(*CONTENU_GENERE))
    for f in ("mkdocs.yml", "Makefile", "pyproject.toml", "requirements.txt", "requirements.lock"):
        shutil.copy(ROOT / f, dest / f)
    shutil.copytree(ROOT / "site_data" / "reference", dest / "site_data" / "reference")
    (dest / "site_data" / "sources").mkdir(parents=True)
    shutil.copy(IDENTIFIANTS, dest / "site_data" / "identifiants.csv")
    if corrections:
        shutil.copy(CORRECTIONS, dest / "site_data" / "corrections.yaml")
        shutil.copy(ROOT / "tests" / "fixtures" / "elus_alias.yaml", dest / "site_data" / "elus_alias.yaml")
    for s in sources:
        shutil.copy(CORPUS / s, dest / "site_data" / "sources" / s)
    return dest


def copie_de_test(dest: Path, env: dict | None = None) -> Path:
    """The copy of the project that the tests read: the four documents of tests/fixtures/corpus in its
    inbox, tests/fixtures/corrections.yaml as its corrections, built (asserting it published);
    `env`: the build's environment besides (the browser tests' SITE_URL)."""
    root = copier_projet(dest, sources=CORPUS_COMPLET, corrections=True)
    res = construire(root, env=env)
    assert res.returncode == 0, res.stdout + res.stderr
    return root


def projet_construit(dest: Path, sources: list[str] = (S002, S003)) -> Path:
    """`copier_projet`, then built (asserting it published): the model that tests copy."""
    root = copier_projet(dest, sources)
    r = construire(root)
    assert r.returncode == 0, r.stdout + r.stderr
    return root


@pytest.fixture(scope="module")
def modele(tmp_path_factory) -> Path:
    """A project built once (2022-317 and the CABBALR deliberation), copied by each test (`projet`)."""
    return projet_construit(tmp_path_factory.mktemp("modele") / "projet")


@pytest.fixture
def projet(modele, tmp_path) -> Path:
    dest = tmp_path / "projet"
    shutil.copytree(modele, dest, symlinks=True)
    return dest


def preparer_racine(root: Path) -> Path:
    """`build.prepare_root` from the repository (configuration, theme, pages, reference data), with the
    corrections of tests/fixtures rather than the publisher's, which change month after month."""
    prepare_root(root, ROOT)
    shutil.copy(CORRECTIONS, root / "site_data" / "corrections.yaml")
    return root


@pytest.fixture
def root(tmp_path) -> Path:
    """An empty project root but its inbox, for extraction tests run in this process (`extraire`)."""
    (tmp_path / "site_data" / "sources").mkdir(parents=True)
    return tmp_path


def extraire(root: Path) -> tuple[BuildResult, list[str]]:
    """`extraction.extract` in this process: its result and what it logged."""
    logs: list[str] = []
    return extract(Paths(root), log=logs.append), logs


def commande(root: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "generator", *args]


def construire(
    root: Path, *args: str, env: dict | None = None, umask: int | None = None, timeout: float = 600
) -> subprocess.CompletedProcess:
    """`python -m generator build` (or the given command) in the project at `root`."""
    e = dict(os.environ)
    e.pop("SITE_URL", None)
    e.update(env or {})
    pre = (lambda: os.umask(umask)) if umask is not None else None
    return subprocess.run(
        commande(root, *(args or ("build",))), cwd=root, env=e, capture_output=True, text=True, preexec_fn=pre, timeout=timeout
    )


def empreinte_site(root: Path) -> dict[str, str]:
    """Every file of the published site (through the `site` link) with the digest of its bytes."""
    site = Path(root) / "site"
    out = {}
    for base, dirs, files in os.walk(site):
        dirs.sort()
        for f in sorted(files):
            p = Path(base) / f
            out[p.relative_to(site).as_posix()] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


def empreinte_donnees(root: Path) -> dict[str, bytes]:
    """The extracted data: site_data/actes and site_data/subventions (not the publisher's own files,
    nor the control report of the last attempt)."""
    d = Path(root) / "site_data"
    return {
        p.relative_to(d).as_posix(): p.read_bytes()
        for sous in ("actes", "subventions")
        for p in sorted((d / sous).rglob("*"))
        if p.is_file()
    }

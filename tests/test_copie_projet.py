"""The proof that the tests do not depend on the inbox: a copy of the project (code, configuration,
the four documents of tests/fixtures in its inbox, its test suite) is built, a new month's recueil is
dropped into its inbox as the publisher does, the copy is built again and shows the new deliberations
and grants, and then the copy's own test suite passes there, its inbox now holding five recueils.

The new recueil is January 2024 made by the synthetic-corpus generator of `make bench`
(tools/synthetique.py) from the real June 2021 recueil of tests/fixtures: its own number, date,
deliberation numbers (2024-1 onwards), FARDA tables with other communes and amounts."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from tools import synthetique

from conftest import CORPUS
from projet import CORPUS_COMPLET, construire, copier_projet

pytestmark = pytest.mark.copie_projet


def _publie(root: Path) -> tuple[dict[str, dict], dict[str, dict]]:
    """Deliberations and grants of every extracted file of the project, by id."""
    d = root / "site_data"
    delibs = {x["id"]: x for f in sorted((d / "actes").glob("*.json")) for x in json.loads(f.read_text("utf-8"))["deliberations"]}
    subs = {x["id"]: x for f in sorted((d / "subventions").glob("*.json")) for x in json.loads(f.read_text("utf-8"))["subventions"]}
    return delibs, subs


def _pages(root: Path) -> set[str]:
    return {p.parent.name for p in (root / "site" / "deliberations").glob("*/index.html")}


def test_a_new_recueil_in_a_copy_builds_and_its_test_suite_passes(tmp_path):
    root = copier_projet(tmp_path / "projet", sources=CORPUS_COMPLET, corrections=True, tests=True)
    r = construire(root)
    assert r.returncode == 0, r.stdout + r.stderr
    delibs, subs = _publie(root)
    assert (len(delibs), len(subs)) == (28, 524)  # the four documents of tests/fixtures/corpus
    pages = _pages(root)
    assert {"2019-117", "2021-243", "2022-317", "cabbalr-2023-12-12"} <= pages

    # next month's recueil, dropped into the inbox
    m = synthetique.mois(2024, 1, premier=1, sources=CORPUS)
    assert m.nom == "2024-01_raa-n1.txt" and "N° 1 de JANVIER 2024" in m.texte
    (root / "site_data" / "sources" / m.nom).write_text(m.texte, encoding="utf-8")
    r = construire(root)
    assert r.returncode == 0, r.stdout + r.stderr

    nouveaux = {f"2024-{n}" for n in range(1, m.deliberations + 1)}
    delibs2, subs2 = _publie(root)
    assert set(delibs2) == set(delibs) | nouveaux and len(delibs2) == 28 + m.deliberations
    assert len(subs2) == 524 + m.subventions and set(subs) <= set(subs2)
    assert {k: v for k, v in subs2.items() if k in subs} == subs  # what was published stays as it was
    assert _pages(root) == pages | nouveaux
    assert {d["date"] for k, d in delibs2.items() if k in nouveaux} == {"2024-01-01"}  # first Monday of January 2024
    recueils = [p.name for p in (root / "site" / "recueils").iterdir() if p.name.startswith("2024-01")]
    assert len(recueils) == 1 and "2024-1 " in (root / "site" / "recueils" / recueils[0] / "index.html").read_text("utf-8")

    # its FARDA tables: every grant read, their total the one generated, shown on the deliberation's page
    for did, t in m.tableaux.items():
        lignes = [s for s in subs2.values() if s["deliberation"] == did]
        assert len(lignes) == t["n"] and sum(Decimal(s["montant"]) for s in lignes) == t["aides"]
        html = (root / "site" / "deliberations" / did / "index.html").read_text("utf-8")
        assert f"Total ({t['n']} subventions)" in html
    # a commune granted in January 2024 lists the new deliberation on its page
    communes = json.loads((root / "site_data" / "reference" / "communes.json").read_text("utf-8"))
    s = next(s for s in subs2.values() if s["deliberation"] in m.tableaux and (s["commune_projet"] or {}).get("status") == "resolu")
    commune = (root / "site" / "communes" / communes[s["commune_projet"]["code"]]["slug"] / "index.html").read_text("utf-8")
    assert f'href="../../deliberations/{s["deliberation"]}/"' in commune

    # the copy's own test suite, in the copy, its inbox holding five recueils (not the browser tests, this one, nor
    # the repository's .gitignore)
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-o",
            "addopts=",
            "-q",
            "-p",
            "no:cacheprovider",
            "-rfEs",
            "--ignore=tests/navigateur",
            "--ignore=tests/test_copie_projet.py",
            "--ignore=tests/test_depot.py",  # about the git repository, which a copy is not
            f"--basetemp={tmp_path / 'pytest-copie'}",
        ],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    assert r.returncode == 0, r.stdout[-5000:] + r.stderr[-2000:]
    resume = r.stdout.strip().splitlines()[-1]
    # hundreds of tests, none failed or in error (skipped: only those that need what this machine may
    # not allow, mounting a tmpfs or a read-only folder, and say so)
    assert re.fullmatch(r"\d{3,} passed(, \d+ skipped)?(, \d+ warnings?)? in .*", resume), resume
    assert all("CAP_SYS_ADMIN" in ligne for ligne in r.stdout.splitlines() if ligne.startswith("SKIPPED")), r.stdout[-3000:]

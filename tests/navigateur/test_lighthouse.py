"""Lighthouse (npm, run against Debian's Chromium) on five key pages, as a phone (its default: a
mid-range phone on a slow 4G network, simulated), the site served as a static host serves it
(gzip; conftest.py).

Accessibility, best practices and SEO: 100 on each; layout shift at most 0.05. Performance is a timed
measure (it varies from 73 to 92 on the same page of a busy 2-core machine): it is measured and written
to .build/lighthouse/performance.tsv with LCP and TBT, never asserted (timings belong to `make bench` and
the notes, not to a test that would fail on a loaded machine). The report of each page is in .build/lighthouse/.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess

import pytest

from conftest import CHROMIUM, ROOT

LIGHTHOUSE = ROOT / "tests" / "navigateur" / "node_modules" / "lighthouse" / "cli" / "index.js"
RAPPORTS = ROOT / ".build" / "lighthouse"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")

# page → its address and the performance goal (written beside the measure, not asserted). The four
# first reach the goal, 95 (measured on the development machine, busy with other builds: accueil 98,
# commune 100, délibération 99–100, recherche 100). The year's grants page does not: its 500 grants
# make 5 200 elements, whose style and layout take the main thread (measured 73, 85, 91, 92); laying
# out only the cards in sight (content-visibility) gave 98 but took their cells out of Chromium's
# accessibility tree (test_validite.py), so it is not done.
PAGES = {
    "accueil": ("", 95),
    "commune-wancourt": ("communes/wancourt/", 95),
    "deliberation-2021-243": ("deliberations/2021-243/", 95),
    "recherche-wancourt": ("recherche/?q=wancourt", 95),
    "subventions-2021": ("subventions/2021/", 85),
}


def _lighthouse(url: str, sortie) -> dict:
    node = shutil.which("node")
    if node is None or not LIGHTHOUSE.exists():
        pytest.fail("Lighthouse absent : make test-navigateur l'installe (npm ci), avec Node.js")
    r = subprocess.run(
        [
            node,
            str(LIGHTHOUSE),
            url,
            "--quiet",
            "--chrome-flags=--headless --no-sandbox --disable-gpu",
            "--only-categories=" + ",".join(CATEGORIES),
            "--output=json",
            f"--output-path={sortie}",
        ],
        env=dict(os.environ, CHROME_PATH=CHROMIUM),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert r.returncode == 0, r.stderr[-2000:]
    return json.loads(sortie.read_text("utf-8"))


@pytest.mark.parametrize("nom", list(PAGES))
def test_lighthouse_telephone(base_url, nom):
    chemin, objectif = PAGES[nom]
    RAPPORTS.mkdir(parents=True, exist_ok=True)
    sortie = RAPPORTS / f"{nom}.json"
    rapport = _lighthouse(base_url + chemin, sortie)
    meilleur = {c: round(rapport["categories"][c]["score"] * 100) for c in CATEGORIES}
    a = rapport["audits"]
    with (RAPPORTS / "performance.tsv").open("a", encoding="utf-8") as f:
        f.write(
            f"{nom}\t{meilleur['performance']}\t(objectif {objectif})\tLCP {a['largest-contentful-paint']['displayValue']}"
            f"\tTBT {a['total-blocking-time']['displayValue']}\n"
        )
    defauts = [
        f"{c} : {ref['id']} ({a[ref['id']].get('displayValue', '')})"
        for c in CATEGORIES[1:]
        for ref in rapport["categories"][c]["auditRefs"]
        if ref["weight"] > 0 and a[ref["id"]]["score"] is not None and a[ref["id"]]["score"] < 1
    ]
    assert meilleur["accessibility"] == meilleur["best-practices"] == meilleur["seo"] == 100, (meilleur, defauts)
    assert a["cumulative-layout-shift"]["numericValue"] <= 0.05

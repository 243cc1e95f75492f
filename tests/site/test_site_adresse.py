"""With the public address set (SITE_URL), the sitemap, the 404 page, the feed, the canonical
addresses and the SCDL DELIB_URL use it (full build of the single deliberation 003 in a tmp root)."""

from __future__ import annotations

import csv
import re
import shutil
import xml.etree.ElementTree as ET
from urllib.parse import urljoin

import pytest

from generator.build import run

from conftest import CORPUS
from projet import preparer_racine

ADRESSE = "https://exemple.fr/recueil/"
ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("adresse")
    preparer_racine(root)
    shutil.copy(CORPUS / "003_97c6f9649ae06488.txt", root / "site_data" / "sources")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SITE_URL", ADRESSE)
        assert run(root, log=lambda *_: None) == 0
    return root / "site"


def test_sitemap_lists_pages_with_the_public_address(built):
    sitemap = (built / "sitemap.xml").read_text("utf-8")
    assert f"<loc>{ADRESSE}deliberations/2022-317/</loc>" in sitemap
    assert f"<loc>{ADRESSE}communes/wancourt/</loc>" in sitemap
    assert sitemap.count("<loc>") > 900  # every page: 887 communes alone
    # but the control report, the publisher's and kept out of search engines (noindex), is not listed
    assert (built / "controle" / "index.html").is_file() and f"<loc>{ADRESSE}controle/</loc>" not in sitemap
    assert '<meta name="robots" content="noindex">' in (built / "controle" / "index.html").read_text("utf-8")


def test_404_is_french_and_works_at_any_depth(built):
    html = (built / "404.html").read_text("utf-8")
    assert "<h1>Page introuvable</h1>" in html and "Not found" not in html
    assert f'href="{ADRESSE}communes/"' in html
    assert 'href="/recueil/assets/rpc.css"' in html  # styles found from /recueil/x/y/ too


def test_feed_and_scdl_links_are_absolute(built):
    assert f'href="{ADRESSE}deliberations/2022-317/"' in (built / "flux.xml").read_text("utf-8")
    with (built / "donnees" / "deliberations-scdl.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [r["DELIB_URL"] for r in rows] == [f"{ADRESSE}deliberations/2022-317/"]


def test_canonical_and_open_graph_addresses(built):
    page = (built / "deliberations" / "2022-317" / "index.html").read_text("utf-8")
    assert f'<link rel="canonical" href="{ADRESSE}deliberations/2022-317/">' in page
    assert f'<meta property="og:url" content="{ADRESSE}deliberations/2022-317/">' in page
    assert '<meta property="og:title" content="2022-317 — ' in page


def test_feed_names_itself_absolutely(built):
    assert f'<link rel="self" type="application/atom+xml" href="{ADRESSE}flux.xml"/>' in (built / "flux.xml").read_text("utf-8")


def test_place_feed_announced_in_the_head_and_listed_by_the_feeds_sitemap(built):
    """Wancourt's page announces flux/communes-wancourt.xml in its head; the feed names itself absolutely and
    flux/sitemap.xml (which Material fetches beside it) lists it, with every other feed, sorted."""
    page = (built / "communes" / "wancourt" / "index.html").read_text("utf-8")
    lien = re.search(r'<link rel="alternate" type="application/atom\+xml" title="Wancourt : [^"]*" href="([^"]*)">', page)
    assert lien is not None and lien.start() < page.index("</head>")
    feed = urljoin(f"{ADRESSE}communes/wancourt/", lien.group(1))
    assert feed == f"{ADRESSE}flux/communes-wancourt.xml"
    root = ET.parse(built / "flux" / "communes-wancourt.xml").getroot()
    assert root.tag == f"{ATOM}feed" and root.findtext(f"{ATOM}title") == "Wancourt : nouvelles subventions et délibérations"
    assert [x.get("href") for x in root.findall(f"{ATOM}link") if x.get("rel") == "self"] == [feed]
    assert urljoin(feed, "sitemap.xml") == f"{ADRESSE}flux/sitemap.xml"
    plan = ET.parse(built / "flux" / "sitemap.xml").getroot()
    locs = [x.text for x in plan.iter(f"{SITEMAP}loc")]
    assert plan.tag == f"{SITEMAP}urlset" and feed in locs and locs == sorted(locs)
    fichiers = sorted(f.name for f in (built / "flux").iterdir() if f.name != "sitemap.xml")
    assert locs == [f"{ADRESSE}flux/{n}" for n in fichiers] and len(locs) > 900  # every place's and scheme's feed

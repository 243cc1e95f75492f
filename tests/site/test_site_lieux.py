"""Place pages of the site built from tests/fixtures, checked on real reference data (issue 2)."""

from __future__ import annotations

import json

import pytest

from site_helpers import ROOT, article_html, page
from site_helpers import article_links as _links

pytestmark = pytest.mark.usefixtures("site")  # the copy of the project built from tests/fixtures (tests/conftest.py)


def test_wancourt_links_to_its_epci_and_canton_which_link_back():
    links = _links("communes/wancourt/")
    assert "../../epci/cu-d-arras/" in links
    canton_links = [l for l in links if l.startswith("../../cantons/")]
    assert canton_links == ["../../cantons/arras-3/"]
    assert "../../territoires/arrageois/" in links
    assert "../../communes/wancourt/" in _links("epci/cu-d-arras/")
    assert "../../communes/wancourt/" in _links("cantons/arras-3/")
    assert "../../communes/wancourt/" in _links("territoires/arrageois/")


def test_every_reference_commune_has_a_page():
    communes = json.loads((ROOT / "site_data/reference/communes.json").read_text("utf-8"))
    missing = [c["slug"] for c in communes.values() if not page(f"communes/{c['slug']}/").is_file()]
    assert len(communes) > 880 and not missing


def test_split_commune_belongs_to_each_of_its_cantons():
    links = _links("communes/arras/")
    assert {l for l in links if l.startswith("../../cantons/")} == {
        "../../cantons/arras-1/",
        "../../cantons/arras-2/",
        "../../cantons/arras-3/",
    }


def test_indexes_and_french():
    html = page("communes/").read_text("utf-8")
    assert 'lang="fr"' in html
    assert "Wancourt" in html and "Ablain-Saint-Nazaire" in html
    assert "Aire-sur-la-Lys" in page("cantons/").read_text("utf-8")
    assert "CC Flandre Lys" in page("epci/").read_text("utf-8") or "Flandre Lys" in page("epci/").read_text("utf-8")


def test_canton_page_speaks_french_and_explains_fractions():
    """« Canton d'Arras-1 » (elision); Arras, shared between cantons, shows its grants but is not in the canton's total."""
    html = article_html("cantons/arras-1/").replace("&#39;", "'")
    assert "<h1>Canton d'Arras-1</h1>" in html
    assert "Communes du canton d'Arras-1" in html and "Délibérations qui concernent le canton d'Arras-1" in html
    assert "ne sont pas comptées dans les totaux du canton d'Arras-1" in html
    assert "4 subventions publiées</strong> ; total des subventions publiées : <strong>60\u202f520,00\xa0€" in html
    epci = article_html("epci/cu-d-arras/").replace("&#39;", "'")
    assert "Communes de la Communauté urbaine d'Arras" in epci

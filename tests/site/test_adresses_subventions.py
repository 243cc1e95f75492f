"""Every grant has an address and a page (issue 20, items 3 and 9): its row on its deliberation's page
carries its id, the other pages link there, long deliberations open with a summary by commune, and the
year pages are paged by month so that every grant of the corpus is on a page of the site."""

from __future__ import annotations

import json
import re
from collections import Counter

import pytest

from site_helpers import article_html, article_links, page, parse

pytestmark = pytest.mark.usefixtures("site")


@pytest.fixture(scope="module")
def subventions(donnees) -> list[dict]:
    return [s for f in sorted((donnees / "subventions").glob("*.json")) for s in json.loads(f.read_text("utf-8"))["subventions"]]


def _ids(url: str) -> set[str]:
    return parse(page(url)).ids


def test_every_grant_is_a_row_of_its_deliberation_with_its_id(subventions):
    assert len(subventions) == 524
    par_delib = Counter(s["deliberation"] for s in subventions)
    for d in par_delib:
        ids = _ids(f"deliberations/{d}/")
        manquants = [s["id"] for s in subventions if s["deliberation"] == d and s["id"] not in ids]
        assert not manquants, f"{d} : {manquants[:5]}"


def test_place_scheme_and_beneficiary_pages_link_to_the_grant_row():
    liens = article_links("communes/baincthun/")
    vers = sorted(l for l in liens if "#" in l and "/deliberations/" in l)
    assert vers == [
        "../../deliberations/2021-239/#2021-239-0009",
        "../../deliberations/2021-243/#2021-243-0079",
        "../../deliberations/2021-243/#2021-243-0095",
    ]
    for l in vers:
        delib, ancre = l.removeprefix("../../").split("#")
        assert ancre in _ids(delib)
    assert "../../deliberations/2021-237/#2021-237-0012" in article_links("beneficiaires/lions-club-de-bruay-le-buissiere/")
    assert any(l.startswith("../../deliberations/2021-243/#2021-243-") for l in article_links("dispositifs/farda-amenagement/"))


def test_long_deliberation_opens_with_a_summary_by_commune():
    h = article_html("deliberations/2021-243/")
    sommaire = h[h.index('<details class="rpc-sommaire" id="par-commune" open>') : h.index("</details>", h.index('id="par-commune"'))]
    cibles = re.findall(r'href="#(2021-243-\d{4})"', sommaire)
    assert len(cibles) == 179 == len(set(cibles))  # each grant once, every one reachable
    assert re.search(
        r"<li>Baincthun : <a href=\"#2021-243-\d{4}\">3\u202f500,00\xa0€</a>, <a href=\"#2021-243-\d{4}\">87\u202f500,00\xa0€</a></li>",
        sommaire,
    )
    assert "<summary>Aller à une commune ou à un bénéficiaire (165, de A à Z)</summary>" in sommaire
    assert '<details class="rpc-liste" open><summary>Les 179 subventions' in h  # the list can be folded away


def test_short_deliberation_has_no_summary():
    h = article_html("deliberations/2019-117/")
    assert 'id="par-commune"' not in h and 'id="2019-117-0001"' in h


def test_uncertain_porteur_has_no_beneficiary_page_and_is_shown_as_printed(site):
    assert not (site / "beneficiaires" / "les-roadrunners-fight-precariousness").exists()
    assert not (site / "beneficiaires" / "lions-club-de-bruay-le-buissiere-aide-aux-etudiants").exists()
    assert (site / "beneficiaires" / "lions-club-de-bruay-le-buissiere").is_dir()
    h = article_html("deliberations/2021-237/")
    assert 'Les RoadRunners Fight Precariousness <span class="rpc-note">(porteur et projet imprimés d\'un seul tenant)</span>' in h
    assert "ESTREES" not in h
    assert "« Mairie de Vermelles / CCAS Solidarité Etudiante » <span" in h  # a commune's grant: the printed text in its object
    c = article_html("controle/").replace("&#39;", "'")
    assert "« Les RoadRunners Fight Precariousness » : le porteur et le nom du projet sont imprimés d'un seul tenant" in c


def test_unresolved_place_is_shown_as_printed_never_guessed():
    h = article_html("deliberations/2021-236/")
    assert "COMMUNE DE ESTREES" in h and '<td>ESTREES <span class="rpc-note">(commune non reconnue)</span></td>' in h
    assert "Estrée" not in h.replace("ESTREES", "")


def test_every_grant_has_a_month_page_and_no_page_is_heavy(site, subventions):
    """subventions/2021/ held the 500 largest grants; now its month pages hold all 505, in pages under 300 Ko."""
    vus = Counter()
    for f in sorted((site / "subventions").glob("*/*/index.html")):
        assert f.stat().st_size < 300_000, f
        vus.update(re.findall(r'href="\.\./\.\./\.\./deliberations/[^/]+/#([^"]+)"', f.read_text("utf-8")))
    assert sorted(vus) == sorted(s["id"] for s in subventions)
    assert set(vus.values()) == {1}
    liens = article_links("subventions/2021/")
    assert "../../subventions/2021/06/" in liens and "../../subventions/2021/06-2/" in liens
    t = article_html("subventions/2021/")
    assert "Les 50 plus importantes" in t and "les 500 plus importantes" not in t
    juin2 = article_html("subventions/2021/06-2/")
    assert "page 2 sur 2" in juin2 and "cette page en liste 105" in juin2

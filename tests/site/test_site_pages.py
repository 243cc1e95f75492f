"""The public pages built from the real corpus (issue 5), read from the built HTML of the copy of the
project built from tests/fixtures (its four documents and its corrections: tests/conftest.py)."""

from __future__ import annotations

import html
import re

import pytest

from site_helpers import article_html, article_links

pytestmark = pytest.mark.usefixtures("site")


def text(url: str) -> str:
    t = re.sub(r"<[^>]+>", " ", article_html(url))
    return re.sub(r"\s+", " ", html.unescape(t)).replace("\u202f", " ").replace("\u00a0", " ")


def test_wancourt_grant_and_its_deliberation_link_back():
    t = text("communes/wancourt/")
    assert "3 107,00 €" in t and "FARDA aménagement" in t and "7 juin 2021" in t
    assert "../../deliberations/2021-243/" in article_links("communes/wancourt/")
    links = article_links("deliberations/2021-243/")
    assert "../../communes/wancourt/" in links
    assert "../../cantons/arras-3/" in links
    assert "../../epci/cu-d-arras/" in links


def test_baincthun_three_farda_grants_and_total():
    t = text("communes/baincthun/")
    for amount in ("15 000,00 €", "3 500,00 €", "87 500,00 €"):
        assert amount in t
    assert "3 subventions publiées ; total des subventions publiées : 106 000,00 €" in t
    assert "soit 82,11 € par habitant (population 2017)" in t  # 106 000 € / 1 291 habitants


def test_wancourt_lists_the_voirie_arrete_of_june_2021():
    t = text("communes/wancourt/")
    assert "RD D37E1 au territoire de la commune de Wancourt" in t
    assert "(page 1636)" in t


def test_corrected_misprint_puts_the_arrete_on_the_commune_page():
    """« Montcarvel » (April 2019 sommaire, l. 115) is mapped to Montcavrel in the corrections (tests/fixtures/corrections.yaml):
    the arrêté is on Montcavrel's page and the control page lists the correction."""
    t = text("communes/montcavrel/")
    assert "La Calotteries, La Madeleine-sous-Montreuil, Longvilliers, Marenla, Marles-sur-Canche, Montcarvel" in t
    assert "Manifestation Touquet Raid (page 1580)" in t
    c = text("controle/")
    assert "« Montcarvel » rattaché à Montcavrel (62585)" in c and "« Gonchem » rattaché à Gonnehem (62376)" in c


def test_communes_of_a_list_missing_its_comma_both_list_the_arrete():
    for commune in ("coyecques", "delettes"):
        assert "Clety, Coyecques Delettes, Dohem" in text(f"communes/{commune}/")


def test_deliberation_2019_117_grants_and_vote():
    t = text("deliberations/2019-117/")
    assert "Total (19 subventions) 6 167 760,00 €" in t
    assert re.search(r"Pour 77 ", t)
    assert "Le Touquet-Paris-Plage" in t and "1 000 000,00 €" in t


def test_recueil_june_2021_marks_missing_deliberations(site):
    recueil = next(p for p in (site / "recueils").iterdir() if p.name.startswith("2021-06"))
    t = text(f"recueils/{recueil.name}/")
    assert "2021-188 à 2021-231 — 44 délibérations non disponibles dans ce fichier" in t  # one line, not 44
    assert "2021-200" not in t
    assert "2021-232 — BOURSE INITIATIVES JEUNES" in t
    assert "0 sur 44 dans ce fichier" in t and "21 sur 21 dans ce fichier" in t


def test_pages_are_light(site):
    for p in (site / "deliberations").glob("*/index.html"):
        assert p.stat().st_size < 150_000, p
    for p in site.rglob("*.html"):
        assert p.stat().st_size < 1_000_000, p


def test_french_formats_everywhere():
    t = text("seances/commission-permanente-2021-06-07/")
    assert "Commission permanente du 7 juin 2021" in t
    assert "5 450 715,82 €" in t  # FARDA aménagement total of 2021-243


def test_control_page_lists_the_fieet_discrepancy():
    t = text("controle/")
    assert "499 998,00 €" in t and "499 999,00 €" in t and "écart" in t


def test_atom_feed_lists_recueils_and_deliberations(site):
    import xml.etree.ElementTree as ET

    feed = ET.parse(site / "flux.xml").getroot()
    ns = {"a": "http://www.w3.org/2005/Atom"}
    titles = [e.findtext("a:title", namespaces=ns) for e in feed.findall("a:entry", ns)]
    assert any(t.startswith("2021-243 — PROGRAMMATION FARDA AMENAGEMENT") for t in titles)
    assert any(t.startswith("Recueil N° 6 — juin 2021") for t in titles)
    assert "flux.xml" in (site / "index.html").read_text("utf-8")


def test_control_page_verdict_first_then_errors_warnings_information(site):
    """The publisher's page (issue 20, item 7): a verdict first, then errors, warnings, information;
    every amount in French; out of the menu and of search engines, linked from the footer."""
    t = text("controle/")
    assert t.split("Contrôle de publication ", 1)[1].startswith("Publiable : 0 erreur, 3 écarts expliqués, 13 avertissements")
    rangs = [
        t.index(h) for h in ("Erreurs (0)", "Avertissements (16)", "Totaux en écart (3)", "Autres avertissements (13)", "Informations (")
    ]
    assert rangs == sorted(rangs)
    assert "505 480,00 €" in t and "505 481,00 €" in t  # the message of the budget check, in French
    assert "150 600,00 €" in t  # a table reader's message (SPIE), in French
    assert not re.search(r"\d\.\d\d ?€|\d{4,} ?€", t), re.findall(r".{40}(?:\d\.\d\d ?€|\d{4,} ?€)", t)[:5]
    page = (site / "controle" / "index.html").read_text("utf-8")
    assert '<meta name="robots" content="noindex">' in page
    accueil = (site / "index.html").read_text("utf-8")
    pied = accueil[accueil.index('<footer class="md-footer">') :]
    menus = re.sub(r"<article\b.*?</article>", "", accueil[: accueil.index('<footer class="md-footer">')], flags=re.S)
    assert 'href="controle/"' in pied and 'class="md-tabs"' in menus and "controle/" not in menus  # (the page's text may cite it)
    assert '<meta name="robots"' not in accueil


def test_sharing_title_and_description_without_site_url(site):
    page = (site / "deliberations" / "2021-243" / "index.html").read_text("utf-8")
    assert '<meta property="og:title" content="2021-243 — PROGRAMMATION FARDA AMENAGEMENT">' in page
    desc = re.search(r'<meta property="og:description" content="([^"]*)">', page).group(1)
    assert desc.startswith("Délibération 2021-243 — PROGRAMMATION FARDA AMENAGEMENT : son texte") and "&#x27;" in desc
    assert f'<meta name="description" content="{desc}">' in page
    assert 'rel="canonical"' not in page and "og:url" not in page  # no address without SITE_URL
    accueil = (site / "index.html").read_text("utf-8")
    assert '<meta property="og:description" content="Les délibérations, subventions et actes du Département' in accueil


def test_atom_feed_names_itself(site):
    feed = (site / "flux.xml").read_text("utf-8")
    assert '<link rel="self" type="application/atom+xml" href="flux.xml"/>' in feed  # relative without SITE_URL

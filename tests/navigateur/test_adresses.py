"""Issue 20 in a real browser, at phone and laptop widths (captures in .build/captures/): a grant's
address lands on its row in sight, the long deliberation's summary and folding, the sortable place
indexes with their totals, the Lexique reached from a term, and a year's grants paged by month."""

from __future__ import annotations

import re

from conftest import capture, texte

_EN_VUE = """(id) => {
    const e = document.getElementById(id), r = e.getBoundingClientRect();
    const haut = document.querySelector('.md-header').getBoundingClientRect().bottom;
    return {haut: r.top, bas: r.bottom, entete: haut, hauteur: innerHeight, cible: e.matches(':target')};
}"""


def _defilement_horizontal(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth > document.documentElement.clientWidth")


def test_adresse_d_une_subvention_et_sommaire_par_commune(page, base_url):
    """2021-243 (179 grants): from Baincthun's page to its row, then the summary's jump links and folding."""
    page.goto(base_url + "communes/baincthun/")
    page.locator("article a[href$='#2021-243-0095']").first.click()
    page.wait_for_load_state()
    assert page.url.endswith("deliberations/2021-243/#2021-243-0095")
    pos = page.evaluate(_EN_VUE, "2021-243-0095")
    assert pos["cible"] and pos["haut"] >= pos["entete"] - 1 and pos["bas"] <= pos["hauteur"], pos  # in sight, not under the header
    assert "87 500,00 €" in texte(page.locator("[id='2021-243-0095']"))
    capture(page, "deliberation-2021-243-ligne")

    page.goto(base_url + "deliberations/2021-243/")
    sommaire = page.locator("details#par-commune")
    assert sommaire.get_attribute("open") is not None
    sommaire.locator("li", has_text="Wancourt").locator("a").click()
    pos = page.evaluate(_EN_VUE, page.evaluate("location.hash.slice(1)"))
    assert pos["cible"] and pos["haut"] >= pos["entete"] - 1 and pos["bas"] <= pos["hauteur"], pos
    page.evaluate("window.scrollTo(0, 0)")
    capture(page, "deliberation-2021-243-sommaire")
    haute = page.evaluate("document.documentElement.scrollHeight")
    page.locator("details.rpc-liste > summary").click()  # fold the 179 grants away
    page.locator("details#par-commune > summary").click()
    basse = page.evaluate("document.documentElement.scrollHeight")
    assert basse < haute / 3, (haute, basse)
    assert not _defilement_horizontal(page)
    capture(page, "deliberation-2021-243-replie")


def test_index_des_cantons_triable_avec_totaux(page, base_url):
    page.goto(base_url + "cantons/")
    tableau = page.locator("table.rpc-index")
    assert texte(tableau.locator("tfoot")).split()[:2] == ["39", "cantons"]
    tableau.locator("thead th", has_text="Par habitant").locator("button").click()
    tableau.locator("thead th", has_text="Par habitant").locator("button").click()  # descending
    premiere = texte(tableau.locator("tbody tr").first)
    assert premiere.startswith("Longuenesse") and "95,18 €" in premiere
    assert texte(tableau.locator("tfoot")).endswith("13,93 €")  # the totals stay under the sorted rows
    capture(page, "cantons-tries-par-habitant")


def test_index_des_communes_a_z_et_chiffres(page, base_url):
    page.goto(base_url + "communes/")
    page.locator("nav.rpc-az a", has_text=re.compile("^B$")).click()
    pos = page.evaluate(_EN_VUE, "lettre-b")
    assert pos["cible"] and pos["haut"] >= pos["entete"] - 1, pos
    ligne = texte(page.locator("tr", has_text="Baincthun"))
    assert "1 291" in ligne and "106 000,00 €" in ligne and "82,11 €" in ligne
    capture(page, "communes-lettre-b")


def test_terme_vers_le_lexique(page, base_url):
    page.goto(base_url + "communes/baincthun/")
    page.locator("article a.rpc-terme", has_text="DECI").click()
    page.wait_for_load_state()
    assert page.url.endswith("lexique/#deci")
    pos = page.evaluate(_EN_VUE, "deci")
    assert pos["haut"] >= pos["entete"] - 1 and pos["bas"] <= pos["hauteur"], pos
    assert "Défense extérieure contre l'incendie" in texte(page.locator("#deci"))
    assert not _defilement_horizontal(page)
    capture(page, "lexique-deci")


def test_subventions_d_une_annee_par_mois(page, base_url):
    page.goto(base_url + "subventions/2021/")
    page.get_by_role("link", name="Juin 2021", exact=True).click()
    page.wait_for_load_state()
    assert page.url.endswith("subventions/2021/06/")
    assert "505 subventions publiées pour juin 2021" in texte(page.locator("article"))
    assert page.locator("table.rpc-cartes tbody tr").count() == 400
    page.locator("nav.rpc-pager a", has_text="2").click()
    page.wait_for_load_state()
    assert page.url.endswith("subventions/2021/06-2/") and page.locator("table.rpc-cartes tbody tr").count() == 105
    assert not _defilement_horizontal(page)
    capture(page, "subventions-2021-06-page-2")

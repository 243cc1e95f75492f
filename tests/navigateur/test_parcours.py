"""The citizen's path in a real browser: home page, commune finder, commune page,
deliberation page — at phone and desktop sizes, under a sub-path, with no
request leaving the site and no JavaScript error (checked by the `page` fixture)."""

from conftest import capture, texte


def test_accueil_trouver_sa_commune(page, base_url):
    page.goto(base_url)
    assert "Pas-de-Calais" in page.title()
    capture(page, "accueil")
    page.fill("#rpc-commune", "wancourt")
    page.keyboard.press("Enter")
    page.wait_for_url("**/communes/wancourt/")
    assert page.locator("article h1").inner_text().strip() == "Wancourt"
    assert "3 107,00 €" in texte(page.locator("article"))
    capture(page, "commune-wancourt")


def test_commune_vers_deliberation_et_retour(page, base_url):
    page.goto(base_url + "communes/wancourt/")
    page.locator("article a[href*='deliberations/2021-243/']").first.click()
    page.wait_for_url("**/deliberations/2021-243/#2021-243-*")  # the grant's own row (issue 20, item 3)
    contenu = texte(page.locator("article"))
    assert "2021-243" in contenu
    assert "Commune de Wancourt" in texte(page.locator("tr:target"))
    capture(page, "deliberation-2021-243")
    page.locator("article a[href*='communes/wancourt/']").first.click()
    page.wait_for_url("**/communes/wancourt/")


def test_page_introuvable_en_francais(page, base_url):
    reponse = page.goto(base_url + "deliberations/1999-999/")
    assert reponse.status == 404


def test_trouver_sa_commune_comme_on_l_ecrit(page_telephone, base_url):
    """« st omer » in the home finder opens Saint-Omer, as in the site search."""
    page_telephone.goto(base_url)
    page_telephone.fill("#rpc-commune", "st omer")
    page_telephone.keyboard.press("Enter")
    page_telephone.wait_for_url("**/communes/saint-omer/")


def test_page_d_une_commune_sans_requete_en_erreur(page, base_url):
    """Wancourt's page announces its feed in its head: Material fetches sitemap.xml beside it (flux/sitemap.xml),
    which is there, and no request of the page fails (it was a 404 beside a feed in the page's own folder)."""
    reponses = []
    page.on("response", lambda r: reponses.append((r.url, r.status)))
    page.goto(base_url + "communes/wancourt/")
    page.wait_for_load_state("networkidle")
    assert page.locator("head link[rel=alternate][href$='flux/communes-wancourt.xml']").count() == 1
    assert [(u, s) for u, s in reponses if s >= 400] == []
    assert (base_url + "flux/sitemap.xml", 200) in reponses

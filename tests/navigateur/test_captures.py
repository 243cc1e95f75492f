"""Every key page opens at phone and desktop sizes without horizontal scrolling of the
page itself (wide tables scroll inside their own box), and is captured to
.build/captures/ so that a person looks at it before publishing."""

import pytest

from conftest import capture

PAGES = {
    "accueil": "",
    "commune-wancourt": "communes/wancourt/",
    "commune-baincthun": "communes/baincthun/",
    "canton-arras-3": "cantons/arras-3/",
    "epci-cu-d-arras": "epci/cu-d-arras/",
    "territoire-arrageois": "territoires/arrageois/",
    "deliberation-2021-243": "deliberations/2021-243/",
    "deliberation-2019-117": "deliberations/2019-117/",
    "recueil-2021-06": None,  # found from the recueils index (its slug comes from the data)
    "subventions": "subventions/",
    "beneficiaires": "beneficiaires/",
    "donnees": "donnees/",
    "controle": "controle/",
}


@pytest.mark.parametrize("nom", list(PAGES))
def test_page_sans_defilement_horizontal(page, base_url, nom):
    url = PAGES[nom]
    if url is None:
        page.goto(base_url + "recueils/")
        page.locator("article a[href*='recueils/']", has_text="juin 2021").first.click()
        page.wait_for_load_state()
    else:
        page.goto(base_url + url)
    largeur = page.evaluate("document.documentElement.scrollWidth")
    visible = page.evaluate("document.documentElement.clientWidth")
    capture(page, nom)
    assert largeur <= visible, f"{nom} : la page défile horizontalement ({largeur} px > {visible} px)"

"""Search in a real browser (issue 6): the header box with its suggestions, the results page with its
filters, keyboard use, and the JavaScript normalisation and stemmer giving exactly what the Python
side put in the indexes. Phone and desktop sizes (the `page` fixture), no request outside the site,
no JavaScript error."""

from __future__ import annotations

import datetime
import json
import re
import sys
import time

import pytest

from conftest import DONNEES, ROOT, SITE, capture, texte

sys.path.insert(0, str(ROOT))
from generator.recherche import index as R
from generator.recherche import requete as Q

AXE = ROOT / "tests" / "navigateur" / "node_modules" / "axe-core" / "axe.min.js"


def boite(pg):
    """The header search box; on a phone it sits behind the magnifier button."""
    bouton = pg.locator("[data-rpc-ouvrir]")
    if bouton.is_visible():
        bouton.click()
        assert bouton.get_attribute("aria-expanded") == "true"
    champ = pg.locator("#rpc-q")
    champ.wait_for(state="visible")
    return champ


def suggestions(pg):
    pg.wait_for_selector("#rpc-q-liste:not([hidden]) [role=option]")
    return pg.locator("#rpc-q-liste [role=option]")


def taper(pg, champ, q):
    champ.fill("")
    champ.type(q)  # key by key, as a person types
    pg.wait_for_function(
        "q => document.querySelector('#rpc-q-liste:not([hidden])') && "
        "document.querySelector('#rpc-q-liste [role=option]:last-child').textContent.indexOf(q) >= 0",
        arg=q,
    )
    return suggestions(pg)


def test_wancourt_suggere_la_commune_et_y_mene(page, base_url):
    page.goto(base_url)
    champ = boite(page)
    options = taper(page, champ, "wancourt")
    premiere = options.first
    assert texte(premiere).startswith("COMMUNE") or "Commune" in texte(premiere)
    assert "Wancourt" in texte(premiere) and "3 107,00 €" in texte(premiere)
    assert champ.get_attribute("aria-expanded") == "true"
    capture(page, "recherche-suggestions-wancourt")
    premiere.click()
    page.wait_for_url("**/communes/wancourt/")
    assert page.locator("article h1").inner_text().strip() == "Wancourt"


def test_ecole_trouve_ecole_sur_la_page_de_resultats(page, base_url):
    page.goto(base_url + "communes/arras/")
    champ = boite(page)
    taper(page, champ, "ecole")
    champ.press("Enter")  # no suggestion chosen: the results page
    page.wait_for_url(re.compile(r".*/recherche/\?q=ecole$"))
    page.wait_for_selector("#rpc-resultats .rpc-r-subvention")
    premier = texte(page.locator("#rpc-resultats .rpc-r").first)  # grants come before deliberations
    assert "école" in premier
    assert re.search(r"\d €", premier) and "2021" in premier  # amount, date
    assert page.locator("#rpc-page-q").input_value() == "ecole"
    capture(page, "recherche-resultats-ecole")


def test_numero_de_deliberation_au_clavier(page, base_url):
    page.goto(base_url)
    champ = boite(page)
    options = taper(page, champ, "2021-243")
    assert "PROGRAMMATION FARDA AMENAGEMENT" in texte(options.first) and "2021-243" in texte(options.first)
    champ.press("ArrowDown")
    actif = champ.get_attribute("aria-activedescendant")
    assert actif == options.first.get_attribute("id") and options.first.get_attribute("aria-selected") == "true"
    champ.press("Enter")
    page.wait_for_url("**/deliberations/2021-243/")
    assert "2021-243" in texte(page.locator("article"))


@pytest.mark.parametrize(
    "q, attendu",
    [
        ("bethune", "Béthune"),
        ("st omer", "Saint-Omer"),
        ("saint-omer", "Saint-Omer"),
        ("le touquet", "Le Touquet-Paris-Plage"),
        ("wanc", "Wancourt"),
        ("amis du fort", "Les Amis du Fort d'Ambleteuse"),
    ],
)
def test_noms_tapes_comme_on_les_tape(page_bureau, base_url, q, attendu):
    page_bureau.goto(base_url)
    taper(page_bureau, boite(page_bureau), q)
    assert page_bureau.locator("#rpc-q-liste [role=option] .rpc-r-titre").first.inner_text() == attendu


def test_clavier_fleches_echap(page_bureau, base_url):
    pg = page_bureau
    pg.goto(base_url)
    champ = boite(pg)
    options = taper(pg, champ, "arras")
    n = options.count()
    assert n >= 5  # Arras, its cantons, the CU, « tous les résultats »
    champ.press("ArrowUp")  # wraps to the last option: all results
    assert champ.get_attribute("aria-activedescendant") == options.nth(n - 1).get_attribute("id")
    champ.press("ArrowDown")
    champ.press("ArrowDown")
    assert champ.get_attribute("aria-activedescendant") == options.nth(1).get_attribute("id")
    assert "suggestion" in pg.locator("[data-rpc-statut]").inner_text()
    champ.press("Escape")
    assert champ.get_attribute("aria-expanded") == "false" and pg.locator("#rpc-q-liste").is_hidden()
    champ.press("Escape")
    assert champ.input_value() == ""


def test_page_de_resultats_filtres_type_et_annee_dans_l_url(page, base_url):
    page.goto(base_url + "recherche/?q=abribus&type=subvention&annee=2021")
    page.wait_for_function("document.getElementById('rpc-resultats-statut').textContent.indexOf('18 résultats') === 0")
    statut = page.locator("#rpc-resultats-statut").inner_text()
    assert "années parcourues : 2021" in statut and "en cours" not in statut
    assert page.locator("#rpc-resultats .rpc-r-subvention").count() == 18
    assert page.locator("#rpc-resultats .rpc-r-lieu, #rpc-resultats .rpc-r-deliberation").count() == 0
    ligne = texte(page.locator("#rpc-resultats .rpc-r-subvention").first)
    assert "Abribus" in ligne and "7 juin 2021" in ligne and "délibération 2021-243" in ligne and "€" in ligne
    capture(page, "recherche-resultats-abribus")
    page.check("input[name=type][value='']")
    page.wait_for_url(re.compile(r".*\?q=abribus&annee=2021$"))
    page.select_option("#rpc-page-annee", "2019")
    page.wait_for_url(re.compile(r".*\?q=abribus&annee=2019$"))
    page.wait_for_function("document.getElementById('rpc-resultats-statut').textContent.indexOf('Aucun résultat') === 0")


def test_texte_integral_lu_seulement_dans_les_recueils_qui_ont_le_mot(page_bureau, base_url):
    """« collège » is in 2019-117's rapport, and elsewhere only in annexes: the term directory sends the page
    to the 2019 recueil's chunks and to the annex vocabularies, without reading the 2021 chunks; a word in
    no recueil reads nothing at all, not even a year's deliberation titles."""
    pg = page_bureau
    lus: list[str] = []
    pg.on("request", lambda r: lus.append(r.url))
    pg.goto(base_url + "recherche/?q=collège&type=deliberation")
    pg.wait_for_function(
        "document.getElementById('rpc-resultats-statut').textContent.indexOf('2019') > 0 && "
        "document.getElementById('rpc-resultats-statut').textContent.indexOf('en cours') < 0"
    )
    liens = [a.get_attribute("href") for a in pg.locator("#rpc-resultats a.rpc-r-titre").all()]
    assert any(h.endswith("/deliberations/2019-117/") for h in liens)
    assert "mots trouvés dans les articles ou le rapport" in texte(pg.locator("#rpc-resultats"))
    morceaux = [u for u in lus if re.search(r"/recherche/\d{4}/(textes|subventions)-", u)]
    assert morceaux and all("/2019/" in u for u in morceaux)
    annexes = sorted(re.search(r"/recherche/(\d{4})/annexes-", u).group(1) for u in lus if "/annexes-" in u)
    assert annexes == ["2019", "2021", "2023"]
    lus.clear()
    pg.goto(base_url + "recherche/?q=zzqxw")
    pg.wait_for_function("document.getElementById('rpc-resultats-statut').textContent.indexOf('Aucun résultat') === 0")
    assert [u for u in lus if re.search(r"/recherche/\d{4}/(deliberations\.|textes-|subventions-|annexes-)", u)] == []  # nor titles


def test_piscine_trouvee_dans_les_annexes(page, base_url):
    """« piscine » is in no title, article or rapport: only in 2019-117's convention (parts 1 to 7 of its 8 pages)
    and in the CABBALR contract. One line per annex, linking to the page of the part that holds the word, ranked
    by its best part's score: the 2019 convention, where the word weighs more, before the newer 2023 contract."""
    dossier = SITE / "recherche"
    manifeste = json.loads((dossier / "manifeste.json").read_text())
    idf = Q.idfs(dossier)
    meilleur = {
        y["annee"]: max(
            [s for f in lot["annexes"] for _, s in Q.classer_annexes(json.loads((dossier / f).read_text()), "piscine", idf)] + [0]
        )
        for y in manifeste["annees"]
        for lot in y["lots"]
    }
    assert meilleur["2019"] > meilleur["2023"] > 0
    page.goto(base_url + "recherche/?q=piscine")
    page.wait_for_function(
        "document.getElementById('rpc-resultats-statut').textContent.indexOf('2 résultats') === 0 && "
        "document.getElementById('rpc-resultats-statut').textContent.indexOf('en cours') < 0"
    )
    annexes = page.locator("#rpc-resultats .rpc-r-annexe")
    assert annexes.count() == 2
    convention, cabbalr = texte(annexes.nth(0)), texte(annexes.nth(1))  # best score first, not newest first
    assert "Annexe 1 de la délibération cabbalr-2023-12-12" in cabbalr and "CONTRAT DE TERRITOIRE 2023-2026" in cabbalr
    assert "Annexe 1 de la délibération 2019-117" in convention and "CONVENTION" in convention and "29 avril 2019" in convention
    assert "mots trouvés dans les parties (sur 8) : 1 2 3 4 5 6 7" in convention
    parties = [a.get_attribute("href") for a in annexes.nth(0).locator(".rpc-r-note a").all()]
    assert [h.split("deliberations/")[1] for h in parties] == [f"2019-117/annexe-1-partie-{k}/" for k in range(1, 8)]
    capture(page, "recherche-resultats-piscine")
    annexes.nth(0).locator("a.rpc-r-titre").click()
    page.wait_for_url("**/deliberations/2019-117/annexe-1-partie-1/")
    assert "piscine" in texte(page.locator("article")).lower()


def test_annexe_courte_ouverte_sur_la_page_de_sa_deliberation(page, base_url):
    """« auxilières » is only in 2021-236's short annex, shown inline (folded) on the deliberation page: the
    result links to that annex, and following it opens the annex where the word is."""
    page.goto(base_url + "recherche/?q=haie%20auxili%C3%A8res")
    page.wait_for_function(
        "document.getElementById('rpc-resultats-statut').textContent.indexOf('en cours') < 0 && "
        "document.querySelectorAll('#rpc-resultats .rpc-r-annexe').length > 0"
    )
    lien = page.locator("#rpc-resultats .rpc-r-annexe a.rpc-r-titre").first
    assert lien.get_attribute("href").endswith("deliberations/2021-236/#annexe-1")
    lien.click()
    page.wait_for_url("**/deliberations/2021-236/#annexe-1")
    annexe = page.locator("details#annexe-1")
    page.wait_for_function("document.getElementById('annexe-1').open")
    assert "auxili" in texte(annexe).lower()


def test_annexes_trouvees_en_javascript_comme_en_python(page_bureau, base_url):
    """The browser reads the annex vocabularies as generator/recherche/index.py wrote them: same parts found."""
    pg = page_bureau
    pg.goto(base_url)
    manifeste = json.loads((SITE / "recherche" / "manifeste.json").read_text())
    fichiers = [f for y in manifeste["annees"] for lot in y["lots"] for f in lot["annexes"]]
    assert len(fichiers) == 3
    requetes = [
        "piscine",
        "pisc",
        "piscine college",
        "college ",
        "abribus",
        "haie auxil",
        "zzqxw",
        "2021",
        "departement pas calais",
        "a",
        "contrat territoire",
    ]
    for f in fichiers:
        data = json.loads((SITE / "recherche" / f).read_text())
        js = pg.evaluate(
            "async ([f, qs]) => { await rpcRecherche.demarrer(); return Promise.all(qs.map(q => rpcRecherche.annexes(f, q))); }",
            [f, requetes],
        )
        assert js == [Q.chercher_annexes(data, q) for q in requetes], f


def test_scores_identiques_en_python_et_en_javascript(page_bureau, base_url):
    """recherche.js scores annex parts and the documents of the ranked lunr shards (titles, full text, grants)
    with generator/recherche/classement.py's formula: the same floating-point numbers as Python."""
    pg = page_bureau
    pg.goto(base_url)
    dossier = SITE / "recherche"
    manifeste = json.loads((dossier / "manifeste.json").read_text())
    idf = Q.idfs(dossier)
    requetes = ["piscine", "pisc", "college ", "abribus", "contrat territoire", "ecole", "departement pas calais", "amis du fort", "2021"]
    fichiers = [y["deliberations"] for y in manifeste["annees"]]
    fichiers += [f for y in manifeste["annees"] for lot in y["lots"] for f in lot["annexes"] + lot["textes"] + lot["subventions"]]
    n = 0
    for f in fichiers:
        js = pg.evaluate(
            "async ([f, qs, idf]) => { await rpcRecherche.demarrer(); return Promise.all(qs.map(q => rpcRecherche.scores(f, q, idf))); }",
            [f, requetes, idf],
        )
        data = json.loads((dossier / f).read_text())
        for q, res in zip(requetes, js):
            attendu = Q.classer_annexes(data, q, idf) if "/annexes-" in f else Q.classer(data["index"], q, idf)
            assert sorted(map(tuple, res)) == sorted(attendu), (f, q)
            n += len(res)
    assert n > 200


def test_ami_du_fort_au_singulier(page_bureau, base_url):
    """Snowball keeps « ami » and « amis » apart: the query looks the word up under both."""
    page_bureau.goto(base_url)
    taper(page_bureau, boite(page_bureau), "ami du fort")
    assert page_bureau.locator("#rpc-q-liste [role=option] .rpc-r-titre").first.inner_text() == "Les Amis du Fort d'Ambleteuse"


def test_francais_identique_en_python_et_en_javascript(page_bureau, base_url):
    """The browser's normalisation and stemmer give exactly the index side's terms."""
    pg = page_bureau
    pg.goto(base_url)
    cas = [
        "L'École d’Arras",
        "ÉGLISE Saint-Éloi",
        "st omer",
        "Ste-Catherine",
        "Œuvres, cœur",
        "qu'il",
        "aujourd'hui",
        "n°2021-243",
        "Le Touquet-Paris-Plage",
        "subventions",
        "Défense incendie",
        "« abribus »",
        "ﬁnancement",
        "Ⅳ",
        "İstanbul",
        "ΣΟΦΊΑ",
        "straße",
        "Łódź",
        "´apostrophe",
        "jusqu'à",
        "l'",
        "3 107,00 €",
    ]
    d = pg.evaluate(
        "async cas => { await rpcRecherche.demarrer(); return cas.map(c => [rpcRecherche.mots(c), rpcRecherche.termes(c)]); }", cas
    )
    assert d == [[R.mots(c), R.termes(c)] for c in cas]
    requetes = ["ami du fort", "jeu", "lieux ", "mois", "2021-243", "st omer", "vélo", "bus", "de la", "piscines"]
    d = pg.evaluate("qs => qs.map(q => rpcRecherche.analyser(q).mots.map(m => [m.mot, m.racines, m.prefixe]))", requetes)
    assert d == [[[m, list(r), p] for m, r, p in Q.analyser(q)] for q in requetes]
    mots = set()
    for f in sorted((DONNEES / "actes").glob("*.json")) + sorted((DONNEES / "subventions").glob("*.json")):
        brut = f.read_text(encoding="utf-8")
        mots.update(re.findall(r"[^\W\d_]+", brut.lower()))
        mots.update(R.mots(brut))
    mots = sorted(mots)
    assert len(mots) > 20000
    js = pg.evaluate("mots => mots.map(m => rpcRacineFr(m))", mots)
    differents = [(m, j, R.racine(m)) for m, j in zip(mots, js) if j != R.racine(m)]
    assert differents == []


def test_sans_javascript_la_page_renvoie_aux_index(navigateur, base_url):
    ctx = navigateur.new_context(java_script_enabled=False, viewport={"width": 390, "height": 844})
    pg = ctx.new_page()
    pg.goto(base_url + "recherche/?q=wancourt")
    assert "La recherche a besoin de JavaScript" in pg.locator("article").inner_text()
    pg.locator("noscript a[href$='communes/'], article a[href$='communes/']").first.wait_for(state="attached")
    pg.goto(base_url)
    lien = pg.locator("a[data-rpc-ouvrir]")  # on a phone, the magnifier is a plain link to the search page
    assert lien.get_attribute("href").endswith("recherche/")
    ctx.close()


def test_accessibilite_axe_des_elements_de_recherche(page, base_url):
    if not AXE.exists():
        pytest.fail("axe-core absent : make test-navigateur l'installe (npm ci)")
    page.goto(base_url + "recherche/?q=arras")
    page.wait_for_selector("#rpc-resultats .rpc-r")
    page.add_script_tag(path=str(AXE))
    res = page.evaluate("""async () => (await axe.run({include: [['#rpc-recherche-page'], ['#rpc-resultats'], ['#rpc-resultats-statut']]},
                                                     {runOnly: ['wcag2a', 'wcag2aa', 'wcag21aa']})).violations
                             .map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '))""")
    assert res == []
    page.goto(base_url + "communes/arras/")
    taper(page, boite(page), "arras")
    page.add_script_tag(path=str(AXE))
    res = page.evaluate("""async () => (await axe.run({include: [['#rpc-boite']]}, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21aa']})).violations
                             .map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '))""")
    assert res == []
    capture(page, "recherche-suggestions-arras")


def test_chercher_plus_loin_a_la_demande(page_bureau, base_url):
    """« travaux » in grants: 2021's give more than twenty results, each scoring more than the directory's bound
    for 2019's (no 2019 grant can be among the twenty best): 2019 is read only when asked."""
    dossier = SITE / "recherche"
    manifeste = json.loads((dossier / "manifeste.json").read_text())
    lots = {y["annee"]: lot for y in manifeste["annees"] for lot in y["lots"] if lot["subventions"]}
    idf = Q.idfs(dossier)
    scores = sorted(
        (s for f in lots["2021"]["subventions"] for _, s in Q.classer(json.loads((dossier / f).read_text())["index"], "travaux", idf)),
        reverse=True,
    )
    assert scores[19] > Q.borne(dossier, "travaux", lots["2019"]["position_subventions"]) > 0
    pg = page_bureau
    pg.goto(base_url + "recherche/?q=travaux&type=subvention")
    plus = pg.locator("#rpc-resultats-plus")
    plus.wait_for(state="visible")
    statut = pg.locator("#rpc-resultats-statut").inner_text()
    assert "2021" in statut and "2019" not in statut and "en cours" not in statut
    assert plus.inner_text() == "Chercher plus loin (2019)"

    def compte():
        return int(re.match(r"(\d+) résultat", pg.locator("#rpc-resultats-statut").inner_text()).group(1))

    n, premiers = compte(), [texte(r) for r in pg.locator("#rpc-resultats .rpc-r").all()]
    assert n == len(scores)  # all of 2021's
    plus.click()
    pg.wait_for_function(
        "document.getElementById('rpc-resultats-statut').textContent.indexOf('2019') > 0 && "
        "document.getElementById('rpc-resultats-statut').textContent.indexOf('en cours') < 0"
    )
    assert compte() > n and plus.is_hidden()
    assert [texte(r) for r in pg.locator("#rpc-resultats .rpc-r").all()][: len(premiers)] == premiers  # nothing shown moved


@pytest.mark.parametrize("q", ["mulot friscourt", "Maïté MULOT"])
def test_elue_suggeree_et_sa_page_ouverte(page_bureau, base_url, q):
    """A councillor of the corpus (printed « MULOT-FRISCOURT » and « MULOT-FRIS COURT »), typed without
    the hyphen or by first name and surname: suggested with her type, and her page opened."""
    page_bureau.goto(base_url)
    options = taper(page_bureau, boite(page_bureau), q)
    elue = options.filter(has=page_bureau.locator(".rpc-r-type", has_text="Élu(e)")).first
    assert elue.locator(".rpc-r-titre").inner_text() == "Maïté MULOT-FRISCOURT"
    assert "Élu(e) du Département · Commission permanente" in texte(elue)
    elue.click()
    page_bureau.wait_for_url("**/elus/maite-mulot-friscourt/")
    assert "MULOT-FRISCOURT" in page_bureau.locator("article h1").inner_text()


def test_commune_montree_avant_les_recueils_lus(page_bureau, base_url):
    """Places, beneficiaries and councillors are shards of all years, read first: once they are in, the commune's
    page is the first result, shown before any year's titles, grants, text or annexes have come (held here)
    and without the page's timer (frozen clock) that shows whatever has come after 1.5 s; the year's
    results come below it once let through."""
    pg = page_bureau
    retenues: list | None = []
    pg.route(re.compile(r".*/recherche/\d{4}/.*"), lambda route: retenues.append(route) if retenues is not None else route.fallback())
    pg.clock.install()
    pg.clock.pause_at(datetime.datetime(2030, 1, 1))  # no timer of the page fires until resume()
    pg.goto(base_url + "recherche/?q=wancourt")
    premier = pg.locator("#rpc-resultats .rpc-r a.rpc-r-titre").first
    premier.wait_for()
    assert premier.get_attribute("href").endswith("/communes/wancourt/")
    # The years' shards are asked for in the same moment; their requests reach this test's route handler
    # only as Playwright's events are read, so wait for them (a server-side wait, untouched by the frozen clock).
    fin = time.monotonic() + 10
    while not retenues and time.monotonic() < fin:
        pg.wait_for_timeout(50)
    assert retenues and pg.locator("#rpc-resultats .rpc-r").count() == 1  # the years' shards asked for, none answered
    lachees, retenues = retenues, None
    for route in lachees:
        route.fallback()
    pg.clock.resume()
    pg.wait_for_function(
        "document.getElementById('rpc-resultats-statut').textContent.indexOf('résultats') > 0 && "
        "document.getElementById('rpc-resultats-statut').textContent.indexOf('en cours') < 0"
    )
    sections = [h.inner_text() for h in pg.locator("#rpc-resultats h2").all()]
    assert sections[0].startswith("Lieux") and any(s.startswith("Subventions") for s in sections[1:]), sections
    assert pg.locator("#rpc-resultats .rpc-r a.rpc-r-titre").first.get_attribute("href").endswith("/communes/wancourt/")


def test_elue_sur_la_page_de_resultats(page_bureau, base_url):
    """A councillor's page is among the results, in a section of its own after places and beneficiaries."""
    pg = page_bureau
    pg.goto(base_url + "recherche/?q=mulot friscourt")
    pg.wait_for_function(
        "document.getElementById('rpc-resultats-statut').textContent.indexOf('résultat') > 0 && "
        "document.getElementById('rpc-resultats-statut').textContent.indexOf('en cours') < 0"
    )
    elue = pg.locator("#rpc-resultats .rpc-r-elu a.rpc-r-titre")
    assert elue.count() == 1 and elue.get_attribute("href").endswith("/elus/maite-mulot-friscourt/")
    assert pg.locator("#rpc-resultats h2").first.inner_text().startswith("Élus")

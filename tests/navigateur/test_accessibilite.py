"""Accessibility (RGAA 4.1 / WCAG 2.1 AA) of the key pages, in headless Chromium.

- axe-core 4.14.1 (npm, installed by `make test-navigateur`, injected from disk: no network)
  on every key page × phone/desktop × light/dark scheme: no violation of impact serious or
  critical; every remaining one (moderate, minor) must be declared by rule id in the
  accessibility statement (content/accessibilite.md), so a new one cannot go unnoticed.
- Keyboard: skip link first, focus always visible and in sight, phone menu, commune finder,
  sortable tables; reflow at 200 % zoom on the phone; wide tables scroll inside their box;
  the map and the charts come with a table of the same figures.

Each audit writes its full result to .build/accessibilite/*.json (the figures quoted in the
statement) and a full-page screenshot to .build/captures/, to be looked at.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal

import pytest

from conftest import ROOT, SITE, TAILLES, _contexte, capture, texte

AXE = ROOT / "tests" / "navigateur" / "node_modules" / "axe-core" / "axe.min.js"
RAPPORTS = ROOT / ".build" / "accessibilite"
DECLARATION = ROOT / "content" / "accessibilite.md"
NORMES = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]

# The key pages of the corpus site (name → path under the site root).
PAGES_CLES = {
    "accueil": "",
    "commune-wancourt": "communes/wancourt/",
    "canton-arras-3": "cantons/arras-3/",
    "epci-cu-arras": "epci/cu-d-arras/",
    "deliberation-2021-243": "deliberations/2021-243/",
    "recueil-2021-06": "recueils/2021-06-n6/",
    "recherche-wancourt": "recherche/?q=wancourt",
    "donnees": "donnees/",
    "controle": "controle/",
    "accessibilite": "accessibilite/",
    "cantons": "cantons/",
    "lexique": "lexique/",
    "subventions-2021-06": "subventions/2021/06/",
}
# The search results page comes with our own search (branch `recherche`): audited as soon as
# the built site has it; its results must then be announced (a live region with text).
RECHERCHE = "recherche-wancourt"
# Material's search dialog is being replaced by that search: while the site still ships it
# (its index site/search/search_index.json), what axe finds inside it is not counted.
RECHERCHE_MATERIAL = (SITE / "search" / "search_index.json").exists()
SCHEMAS = {"clair": "light", "sombre": "dark"}


def _ouvrir(pg, base_url: str, nom: str):
    """Open a key page and wait until it is complete (search results included)."""
    if nom == RECHERCHE and not (SITE / "recherche" / "index.html").exists():
        pytest.skip("pas encore de page de recherche dans site/ (elle arrive avec la branche recherche)")
    pg.goto(base_url + PAGES_CLES[nom])
    if nom == RECHERCHE:
        pg.wait_for_function("""() => [...document.querySelectorAll('[aria-live], [role=status], [role=log]')]
                                     .some(e => e.textContent.trim() !== '')""")


def _axe(pg) -> dict:
    pg.add_script_tag(path=str(AXE))
    return pg.evaluate(
        """async (normes) => {
        const r = await axe.run(document, {runOnly: {type: 'tag', values: normes}, resultTypes: ['violations', 'incomplete']});
        const noeud = n => {
            const e = document.querySelector(n.target[0]);
            return {cible: n.target.join(' '), html: n.html.slice(0, 200), resume: n.failureSummary || '',
                    recherche_material: !!(e && e.closest('.md-search'))};
        };
        const regle = v => ({id: v.id, impact: v.impact, aide: v.help, noeuds: v.nodes.map(noeud)});
        return {version: axe.version, violations: r.violations.map(regle), incomplets: r.incomplete.map(regle),
                regles_passees: r.passes.length};
    }""",
        NORMES,
    )


def _retenues(violations: list[dict]) -> list[dict]:
    """Violations that count: all, but those inside Material's search while it is shipped."""
    out = []
    for v in violations:
        noeuds = [n for n in v["noeuds"] if not (RECHERCHE_MATERIAL and n["recherche_material"])]
        if noeuds:
            out.append(dict(v, noeuds=noeuds))
    return out


def _declarees() -> set[str]:
    """axe rule ids named in the statement, written « (axe : id) »."""
    return set(re.findall(r"\(axe : ([a-z0-9-]+)\)", DECLARATION.read_text("utf-8")))


# --------------------------------------------------------------------------- audit


@pytest.mark.parametrize("schema", list(SCHEMAS))
@pytest.mark.parametrize("nom", list(PAGES_CLES))
def test_audit_axe(page, base_url, nom, schema):
    page.emulate_media(color_scheme=SCHEMAS[schema])
    _ouvrir(page, base_url, nom)
    # the dark scheme is really the one audited (Material follows prefers-color-scheme)
    attendu = "slate" if schema == "sombre" else "default"
    assert page.locator("body").get_attribute("data-md-color-scheme") == attendu
    capture(page, f"{nom}-{schema}")  # before axe, which scrolls the page about
    resultat = _axe(page)
    assert resultat["version"] == "4.14.1"
    RAPPORTS.mkdir(parents=True, exist_ok=True)
    (RAPPORTS / f"{page.taille}-{nom}-{schema}.json").write_text(
        json.dumps(resultat, ensure_ascii=False, indent=1, sort_keys=True), "utf-8"
    )

    retenues = _retenues(resultat["violations"])
    graves = [
        f"{v['id']} ({v['impact']}) : {[n['cible'] for n in v['noeuds']][:5]} — {v['noeuds'][0]['resume'][:300]}"
        for v in retenues
        if v["impact"] in ("serious", "critical")
    ]
    assert graves == [], "violations graves ou critiques :\n" + "\n".join(graves)
    non_declarees = sorted({v["id"] for v in retenues} - _declarees())
    assert non_declarees == [], f"violations absentes de la déclaration d'accessibilité : {non_declarees}"
    # nothing wider than the screen: no horizontal scrolling of the page
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")


# --------------------------------------------------------------------------- keyboard

_FOCUS = """() => {
    let e = document.activeElement;
    if (!e || e === document.body) return null;
    // Material's palette switch: the radio input is 0×0, its label shows the focus
    if (e.classList.contains('md-option') && e.nextElementSibling) e = e.nextElementSibling;
    const r = e.getBoundingClientRect(), s = getComputedStyle(e);
    const cx = Math.min(Math.max(r.left + r.width / 2, 0), innerWidth - 1);
    const cy = Math.min(Math.max(r.top + r.height / 2, 0), innerHeight - 1);
    const dessus = document.elementFromPoint(cx, cy);
    return {
        quoi: e.tagName + ' « ' + (e.innerText || e.getAttribute('aria-label') || e.id || '').trim().slice(0, 40) + ' »'
              + (e.getAttribute('href') ? ' ' + e.getAttribute('href') : ''),
        cle: e.dataset.rpcVu || (e.dataset.rpcVu = String(window.__rpcVus = (window.__rpcVus || 0) + 1)),
        largeur: r.width, hauteur: r.height,
        dans_ecran: r.right > 0 && r.bottom > 0 && r.left < innerWidth && r.top < innerHeight,
        visible: s.visibility === 'visible' && parseFloat(s.opacity) > 0,
        apparent: !!dessus && (e.contains(dessus) || dessus.contains(e) || e === dessus || (e.htmlFor && dessus.closest('label') === e)),
        contour: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2,
        ombre: s.boxShadow !== 'none',
        recherche_material: !!e.closest('.md-search'),
    };
}"""

PAGES_CLAVIER = ["accueil", "commune-wancourt", "deliberation-2021-243", "donnees", "controle"]


@pytest.mark.parametrize("nom", PAGES_CLAVIER)
def test_focus_visible_et_dans_l_ecran(page, base_url, nom):
    """Tab through the whole page: every focused element is in sight, not covered, and framed."""
    _ouvrir(page, base_url, nom)
    vus, fautes = set(), []
    for _ in range(1500):  # 2021-243 has 653 focusable elements (179 grant rows, names linked to their pages)
        page.keyboard.press("Tab")
        f = page.evaluate(_FOCUS)
        if f is None or f["cle"] in vus:
            break
        vus.add(f["cle"])
        if RECHERCHE_MATERIAL and f["recherche_material"]:
            continue

        def en_vue(f):
            return f["largeur"] > 0 and f["hauteur"] > 0 and f["dans_ecran"] and f["visible"] and f["apparent"]

        if not en_vue(f):  # some elements slide or fade in when focused (skip link): look again
            page.wait_for_timeout(400)
            f = page.evaluate(_FOCUS)
        if not en_vue(f):
            fautes.append(f"hors de vue : {f['quoi']}")
        elif not (f["contour"] or f["ombre"]):
            fautes.append(f"sans indication de focus : {f['quoi']}")
    else:
        pytest.fail("le parcours au clavier ne revient jamais au début")
    assert len(vus) > 10
    assert fautes == []


def test_lien_d_evitement(page, base_url):
    page.goto(base_url + PAGES_CLES["commune-wancourt"])
    page.keyboard.press("Tab")
    lien = page.evaluate(
        "[document.activeElement.classList.contains('rpc-evitement'), document.activeElement.textContent.trim(), document.activeElement.getAttribute('href')]"
    )
    assert lien == [True, "Aller au contenu", "#contenu"]
    page.wait_for_timeout(400)  # the link slides in when focused
    boite = page.locator("a.rpc-evitement").bounding_box()
    assert boite["y"] >= 0 and boite["x"] >= 0 and boite["width"] > 50
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "contenu"
    page.keyboard.press("Tab")  # next stop: the first link of the page's own content
    assert page.evaluate("[document.activeElement.closest('article') !== null, document.activeElement.textContent]") == [True, "Arras-3"]


def test_menu_du_telephone_au_clavier(page_telephone, base_url):
    pg = page_telephone
    pg.goto(base_url + PAGES_CLES["commune-wancourt"])
    menu = pg.locator("button.rpc-menu")
    pg.keyboard.press("Tab")
    pg.keyboard.press("Tab")
    assert pg.evaluate("document.activeElement.getAttribute('aria-label')") == "Menu"
    assert menu.get_attribute("aria-expanded") == "false"
    pg.keyboard.press("Enter")
    assert menu.get_attribute("aria-expanded") == "true"
    assert pg.evaluate("document.activeElement.closest('.md-sidebar--primary') !== null")
    for _ in range(2):  # from the site name: Accueil, Lieux
        pg.keyboard.press("Tab")
    assert texte(pg.locator(":focus")).strip() == "Lieux"
    pg.keyboard.press("Enter")  # opens the « Lieux » sub-menu, focus on its title (back)
    pg.wait_for_timeout(300)
    assert pg.evaluate("document.activeElement.classList.contains('md-nav__title')")
    pg.keyboard.press("Tab")
    assert texte(pg.locator(":focus")).strip() == "Communes"
    assert pg.locator(":focus").is_visible()
    pg.keyboard.press("Escape")  # closes the menu, back to its button
    assert menu.get_attribute("aria-expanded") == "false"
    assert pg.evaluate("document.activeElement.classList.contains('rpc-menu')")
    pg.keyboard.press("Enter")  # reopens where it was: focus on the first item in sight
    assert pg.evaluate("document.activeElement.classList.contains('md-nav__title')")
    pg.keyboard.press("Enter")  # back to the main menu, focus on « Lieux »
    pg.wait_for_timeout(300)
    assert texte(pg.locator(":focus")).strip() == "Lieux" and pg.locator(":focus").is_visible()
    pg.keyboard.press("Enter")
    pg.wait_for_timeout(300)
    pg.keyboard.press("Tab")
    pg.keyboard.press("Enter")  # Communes
    pg.wait_for_url("**/communes/")


def _tabuler_jusqu_a(pg, condition_js: str, essais: int = 80):
    for _ in range(essais):
        pg.keyboard.press("Tab")
        if pg.evaluate(condition_js):
            return
    pytest.fail(f"jamais atteint au clavier : {condition_js}")


def test_trouver_sa_commune_au_clavier(page, base_url):
    page.goto(base_url)
    _tabuler_jusqu_a(page, "document.activeElement.id === 'rpc-commune'")
    page.keyboard.type("wancourt")
    page.keyboard.press("Enter")
    page.wait_for_url("**/communes/wancourt/")
    assert page.locator("article h1").inner_text().strip() == "Wancourt"


def test_tri_des_tableaux_au_clavier(page, base_url):
    """Canton Arras-3: the « Montant reçu » header sorts the 16 communes, with Enter then Space."""
    page.goto(base_url + PAGES_CLES["canton-arras-3"])
    table = page.locator("table.rpc-sortable", has=page.locator("caption", has_text="Communes du canton d'Arras-3"))

    def montants():
        return [Decimal(v) for v in table.locator("tbody tr td:nth-child(4)").evaluate_all("l => l.map(td => td.dataset.sort)")]

    avant = montants()
    assert len(avant) == 16 and avant != sorted(avant)
    _tabuler_jusqu_a(page, "document.activeElement.textContent === 'Montant reçu'")
    th = table.locator("th", has_text="Montant reçu")
    page.keyboard.press("Enter")
    assert th.get_attribute("aria-sort") == "ascending" and montants() == sorted(avant)
    page.keyboard.press("Space")
    assert th.get_attribute("aria-sort") == "descending" and montants() == sorted(avant, reverse=True)
    # Wancourt's 3 107,00 € is among them, under its name
    ligne = table.locator("tbody tr", has=page.locator("a", has_text="Wancourt"))
    assert "3 107,00 €" in texte(ligne)


def test_palette_au_clavier(page_bureau, base_url):
    """The light/dark switch: Tab reaches it, Enter changes the scheme."""
    pg = page_bureau
    pg.emulate_media(color_scheme="light")
    pg.goto(base_url + PAGES_CLES["donnees"])
    _tabuler_jusqu_a(pg, "document.activeElement.classList.contains('md-option')")
    pg.keyboard.press("Enter")
    assert pg.locator("body").get_attribute("data-md-color-scheme") == "slate"
    assert pg.evaluate("document.activeElement.classList.contains('md-option')")


# --------------------------------------------------------------------------- layout


@pytest.mark.parametrize("nom", [n for n in PAGES_CLES if n != "accessibilite"])
def test_zoom_200_sur_telephone(navigateur, base_url, nom):
    """A 390 px phone at 200 % zoom lays pages out in 195 CSS px (each CSS px drawn on 2×2 device
    px): the same viewport as asking for it directly; no horizontal scrolling then."""
    telephone = TAILLES["telephone"]
    ctx = _contexte(
        navigateur, "telephone", device_scale_factor=2, viewport={"width": telephone["width"] // 2, "height": telephone["height"] // 2}
    )
    try:
        pg = ctx.new_page()
        pg.taille = "zoom200"
        _ouvrir(pg, base_url, nom)
        assert pg.evaluate("document.documentElement.clientWidth") == 195
        trop_larges = pg.evaluate("""() => {
            const W = document.documentElement.clientWidth, out = [];
            for (const e of document.querySelectorAll('.md-content *, .md-header *')) {
                const r = e.getBoundingClientRect();
                if (r.width === 0 || r.right <= W + 1) continue;
                let p = e.parentElement, dedans = false;  // inside a box that scrolls or clips: fine
                for (; p && p !== document.body; p = p.parentElement) {
                    const o = getComputedStyle(p).overflowX;
                    if (o === 'auto' || o === 'scroll' || o === 'hidden') { dedans = true; break; }
                }
                if (!dedans) out.push(e.tagName + '.' + e.className + ' → ' + Math.round(r.right) + ' px');
            }
            return out.slice(0, 10);
        }""")
        capture(pg, nom)
        assert trop_larges == []
        assert pg.evaluate("document.documentElement.scrollWidth") <= 195
        assert ctx.requetes_externes == []
    finally:
        ctx.close()


def test_tableaux_defilent_dans_leur_cadre(page_telephone, base_url):
    """On a phone: a wide table (the control page's totals) scrolls inside its box (by keyboard
    too), the page does not; grant tables are cards instead (Wancourt: amount first, every cell
    labelled, nothing wider than the screen); amounts stay on one line."""
    pg = page_telephone
    pg.goto(base_url + PAGES_CLES["controle"])
    cadre = pg.locator(".rpc-table-wrap", has=pg.locator("caption", has_text="Totaux et nombres annoncés")).first
    mesures = cadre.evaluate("""w => ({defile: w.scrollWidth > w.clientWidth, droite: w.getBoundingClientRect().right,
                                       overflow: getComputedStyle(w).overflowX, tab: w.tabIndex,
                                       nom: w.getAttribute('aria-label'), role: w.getAttribute('role')})""")
    assert mesures["defile"] and mesures["overflow"] == "auto" and mesures["droite"] <= 390
    assert mesures["tab"] == 0 and mesures["role"] == "region" and mesures["nom"].startswith("Totaux contrôlés")
    assert pg.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    cadre.focus()
    pg.keyboard.press("ArrowRight")
    pg.keyboard.press("ArrowRight")
    pg.wait_for_timeout(300)
    assert cadre.evaluate("w => w.scrollLeft") > 0
    pg.goto(base_url + PAGES_CLES["commune-wancourt"])
    carte = pg.locator("table.rpc-cartes", has=pg.locator("caption", has_text="Subventions — Wancourt")).locator("tbody tr").first
    position = carte.evaluate("""tr => ({montant: tr.querySelector('td.rpc-num').getBoundingClientRect().top,
                                        date: tr.cells[0].getBoundingClientRect().top,
                                        droite: tr.getBoundingClientRect().right,
                                        etiquette: getComputedStyle(tr.cells[3], '::before').content})""")
    assert position["montant"] < position["date"] and position["droite"] <= 390
    assert position["etiquette"] == '"Objet : "'  # the cell's column name is shown before it
    assert "3 107,00 €" in texte(carte)
    for nom in ("commune-wancourt", "deliberation-2021-243", "canton-arras-3"):
        pg.goto(base_url + PAGES_CLES[nom])
        coupes = pg.evaluate("""() => [...document.querySelectorAll('td.rpc-num')].filter(td => {
                const r = document.createRange(); r.selectNodeContents(td);
                return new Set([...r.getClientRects()].map(x => Math.round(x.top))).size > 1;
            }).map(td => td.textContent)""")
        assert coupes == [], f"{nom} : montants coupés {coupes[:5]}"


def test_mots_longs_des_titres_non_coupes(page, base_url):
    """Titles wrap between words (or after the hyphen of a compound, « Pas-de- / Calais »):
    no French word is cut over two lines at 390 and 1366 px. (Chromium here has no French
    hyphenation dictionary: a word cut elsewhere would be cut without a hyphen.)"""
    for nom in ("accueil", "deliberation-2021-243", "epci-cu-arras", "recueil-2021-06"):
        page.goto(base_url + PAGES_CLES[nom])
        coupes = page.evaluate("""() => {
            const out = [], h1 = document.querySelector('article h1');
            const n = h1.firstChild, t = h1.textContent, re = /[^\\s\\u00a0\\u202f]+/g;
            if (!n || n.nodeType !== 3) return ['titre inattendu'];
            for (const m of t.matchAll(re)) {
                const haut = i => { const r = document.createRange(); r.setStart(n, i); r.setEnd(n, i + 1);
                                    return Math.round(r.getBoundingClientRect().top); };
                for (let i = m.index + 1; i < m.index + m[0].length; i++)
                    if (haut(i) !== haut(i - 1) && t[i - 1] !== '-') out.push(m[0]);
            }
            return out;
        }""")
        assert coupes == [], f"{nom} : mots coupés {coupes}"


# --------------------------------------------------------------------------- text alternatives


def _montant(texte_fr: str) -> Decimal:
    return Decimal(re.sub(r"[\s\u202f\u00a0€]", "", texte_fr).replace(",", "."))


def test_carte_et_son_tableau(page_bureau, base_url):
    """Home: the map is named and described; its figures are in the table of the communes' page, which
    its caption links (as many communes with an amount, the same total); its links are out of the Tab order."""
    pg = page_bureau
    pg.goto(base_url)
    carte = pg.locator("figure.rpc-carte svg")
    assert carte.get_attribute("role") == "group"
    assert carte.get_attribute("aria-label") == "Subventions par commune du Pas-de-Calais"
    desc = pg.locator("#" + carte.get_attribute("aria-describedby")).text_content()
    m = re.search(r"(\d+) communes aidées, ([\d\u202f\u00a0,]+\s?€) au total\. Le tableau de la liste des communes", desc)
    assert m, desc
    assert pg.locator("figure.rpc-carte svg a:not([tabindex='-1'])").count() == 0
    pg.locator("figure.rpc-carte figcaption a").press("Enter")  # reached and followed with the keyboard
    pg.wait_for_url(base_url + "communes/#montants")
    table = pg.locator("#montants table")
    entetes = table.locator("thead th").all_text_contents()
    montant = entetes.index("Montant") + 1
    valeurs = table.locator(f"tbody tr > :nth-child({montant})").evaluate_all("l => l.map(td => td.dataset.sort || '0')")
    aidees = [Decimal(v) for v in valeurs if Decimal(v) > 0]
    assert len(valeurs) == 887 and len(aidees) == int(m.group(1))
    assert sum(aidees) == _montant(m.group(2))
    assert "3 107,00 €" in texte(table.locator("tr", has=pg.locator("a", has_text="Wancourt")))


def test_graphique_et_son_tableau(page_bureau, base_url):
    """Canton Arras-3: each bar of the chart (its title) is a row of the table beside it."""
    pg = page_bureau
    pg.goto(base_url + PAGES_CLES["canton-arras-3"])
    svg = pg.locator("figure.rpc-graphique svg")
    assert svg.get_attribute("role") == "img"
    noms = svg.get_attribute("aria-labelledby").split()
    assert [pg.locator(f"[id='{i}']").count() for i in noms] == [1, 1]
    barres = svg.locator("g > title").all_text_contents()
    assert barres
    table = pg.locator("table", has=pg.locator("caption", has_text="Subventions par année"))
    lignes = [texte(table.locator("tbody tr").nth(i)).split("\t") for i in range(table.locator("tbody tr").count())]
    assert sorted(b.replace("\u202f", " ").replace("\xa0", " ") for b in barres) == sorted(f"{a} : {m}" for a, _, m in lignes)


_CONTRASTES_SVG = """() => {
    const rgb = c => c.match(/[\\d.]+/g).map(Number);
    const lum = ([r, g, b]) => [r, g, b].map(v => v / 255).map(v => v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4)
                                   .reduce((s, v, i) => s + v * [0.2126, 0.7152, 0.0722][i], 0);
    const fond = e => {
        for (; e; e = e.parentElement) {
            const c = getComputedStyle(e).backgroundColor, v = rgb(c);
            if (v.length === 3 || v[3] === 1) return v.slice(0, 3);
        }
        return [255, 255, 255];
    };
    return [...document.querySelectorAll('svg.rpc-graphique text')].map(t => {
        const f = rgb(getComputedStyle(t).fill), d = fond(t.closest('svg')), al = f.length === 4 ? f[3] : 1;
        const a = lum(f.slice(0, 3).map((v, i) => al * v + (1 - al) * d[i])), b = lum(d);  // translucent text
        return [t.textContent, (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05)];
    });
}"""


@pytest.mark.parametrize("schema", list(SCHEMAS))
def test_contraste_des_textes_des_graphiques(page_bureau, base_url, schema):
    """Text drawn in the SVG pictures (amounts, years, map legend), which axe-core cannot
    measure (« needs review »): ≥ 4.5:1 against the page, in both schemes."""
    pg = page_bureau
    pg.emulate_media(color_scheme=SCHEMAS[schema])
    mesures = []
    for nom in ("accueil", "canton-arras-3"):
        pg.goto(base_url + PAGES_CLES[nom])
        mesures += pg.evaluate(_CONTRASTES_SVG)
    assert len(mesures) >= 8  # map legend (6 classes) + bar chart labels
    faibles = [(t, round(r, 2)) for t, r in mesures if r < 4.5]
    assert faibles == []
    print(f"\ncontraste des textes des graphiques ({schema}) : minimum {min(r for _, r in mesures):.1f}:1")


def test_declaration_d_accessibilite(page_bureau, base_url):
    """The statement in its legal form, reachable from every page's footer."""
    pg = page_bureau
    pg.goto(base_url + PAGES_CLES["donnees"])
    pg.locator("footer a", has_text="Accessibilité").click()
    pg.wait_for_url("**/accessibilite/")
    t = texte(pg.locator("article"))
    assert "Déclaration d'accessibilité" in t
    assert "partiellement conforme" in t
    assert "21 novembre 2026" in t and "axe-core 4.14.1" in t
    for section in (
        "État de conformité",
        "Contenus non accessibles",
        "Établissement de cette déclaration",
        "Retour d'information et contact",
        "Voies de recours",
    ):
        assert pg.locator("article h2", has_text=section).count() == 1, section
    assert "Défenseur des droits" in t and "Libre réponse 71120" in t

"""The pages pass the web's own checkers (issue 20, item 10).

- The Nu HTML Checker (vnu-jar from npm, run by Debian's Java) on every page of the built site — every
  page template, a thousand pages: no error. Its full report goes to .build/validite/nu.json.
- The grant tables become cards on a phone by CSS alone (no ARIA role on their rows and cells, which
  HTML forbids inside a table): Chromium's accessibility tree still holds a table, its rows and cells.
- The search results page does not jump while its results come in: cumulative layout shift (CLS, as
  the browser measures it, shifts after an input left out) at most 0.05 at phone and laptop sizes,
  for queries that fill one or several sections.
- The 404 page served under a sub-path (/rpc/, as any host serves 404.html for an unknown address)
  has its styles, its skip link's target and links into the site.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import pytest

from conftest import ROOT, SITE, TAILLES, _contexte, capture

VNU = ROOT / "tests" / "navigateur" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
RAPPORTS = ROOT / ".build" / "validite"


def test_nu_html_checker_sans_erreur():
    java = shutil.which("java")
    if java is None:
        pytest.fail("Java introuvable : `apt-get install default-jre-headless` (fait par .ci/run)")
    if not VNU.exists():
        pytest.fail("vnu-jar absent : make test-navigateur l'installe (npm ci)")
    pages = sorted(SITE.rglob("*.html"))
    assert len(pages) > 1000  # every page template, and 887 communes
    r = subprocess.run(
        [java, "-Xss4m", "-jar", str(VNU), "--format", "json", "--skip-non-html", str(SITE.resolve())],
        capture_output=True,
        text=True,
        timeout=600,
    )
    rapport = json.loads(r.stderr or r.stdout)
    RAPPORTS.mkdir(parents=True, exist_ok=True)
    (RAPPORTS / "nu.json").write_text(json.dumps(rapport, ensure_ascii=False, indent=1), "utf-8")
    erreurs = [m for m in rapport["messages"] if m["type"] in ("error", "non-document-error")]
    assert erreurs == [], f"{len(erreurs)} erreur(s) du Nu HTML Checker, par ex. :\n" + "\n".join(
        f"{m.get('url', '').split('/site/')[-1]}:{m.get('lastLine')} {m['message']} — {m.get('extract', '')[:120]!r}" for m in erreurs[:15]
    )


def _arbre(pg) -> list[dict]:
    cdp = pg.context.new_cdp_session(pg)
    return cdp.send("Accessibility.getFullAXTree")["nodes"]


def test_les_cartes_du_telephone_restent_un_tableau(navigateur, base_url):
    """2021-243's grants as cards at phone width: in Chromium's accessibility tree, a table named by its
    caption, with rows and cells; the markup has no role on the table's parts."""
    ctx = _contexte(navigateur, "telephone")
    pg = ctx.new_page()
    pg.goto(base_url + "deliberations/2021-243/")
    table = pg.locator("table.rpc-cartes").first
    assert table.evaluate("t => getComputedStyle(t.tBodies[0].rows[0]).display") == "flex"  # a card
    assert pg.locator("table.rpc-cartes [role]").count() == 0
    roles: dict[str, int] = {}
    for n in _arbre(pg):
        if not n.get("ignored"):
            r = n.get("role", {}).get("value")
            roles[r] = roles.get(r, 0) + 1
    lignes = table.evaluate("t => t.tBodies[0].rows.length")
    assert roles.get("table", 0) >= 1
    assert roles.get("row", 0) >= lignes and roles.get("cell", 0) >= 5 * lignes, roles
    ctx.close()


_CLS = """() => new Promise(ok => {
  let total = 0;
  new PerformanceObserver(l => { for (const e of l.getEntries()) if (!e.hadRecentInput) total += e.value; })
    .observe({type: 'layout-shift', buffered: true});
  setTimeout(() => ok(total), 300);
})"""


@pytest.mark.parametrize("taille", list(TAILLES))
@pytest.mark.parametrize("q", ["wancourt", "farda", "amis", "college", "ecole"])
def test_la_page_de_resultats_ne_saute_pas(navigateur, base_url, taille, q):
    ctx = _contexte(navigateur, taille)
    pg = ctx.new_page()
    pg.taille = taille
    pg.goto(base_url + "recherche/?q=" + q)
    pg.wait_for_function(
        "() => { const s = document.getElementById('rpc-resultats-statut').textContent;"
        " return s.indexOf('résultat') >= 0 && s.indexOf('en cours') < 0; }"
    )
    pg.wait_for_timeout(1800)  # past the moment the first results are shown (recherche.js, RENDU_MS)
    cls = pg.evaluate(_CLS)
    assert pg.locator("#rpc-resultats .rpc-r").count() > 0
    if q == "farda":
        capture(pg, "recherche-resultats-farda")
    assert cls <= 0.05, f"{q} ({taille}) : CLS {cls:.3f}"
    ctx.close()


def test_page_404_sous_un_sous_chemin(page, base_url):
    reponse = page.goto(base_url + "deliberations/2031-999/nulle/part/")
    assert reponse.status == 404
    assert page.locator("h1").inner_text() == "Page introuvable"
    # its styles (Material's and the site's) are loaded from the sub-path
    assert page.evaluate("[...document.styleSheets].filter(s => s.href && s.cssRules.length > 0).length") >= 3
    assert page.evaluate("getComputedStyle(document.querySelector('.md-header')).position") == "sticky"
    # the skip link, first in the Tab order, leads to a target that exists
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('href')") == "#contenu"
    assert page.locator("#contenu").count() == 1
    liens = [a.get_attribute("href") for a in page.locator("article a").all()]
    assert liens and all(h.startswith(base_url) for h in liens), liens
    page.locator("article a", has_text="Les communes de A à Z").click()
    page.wait_for_url(base_url + "communes/")
    assert page.locator("h1").first.inner_text().strip() != "Page introuvable"
    assert re.search(r"<meta name=\"robots\" content=\"noindex\">", (SITE / "404.html").read_text("utf-8"))

"""What makes ten years buildable leaves the site as it was: same bytes, same pages, fresh data.

- MkDocs' shortcuts (generator/mkdocs_plugin.py) give byte-identical output to plain MkDocs;
- long lists are split by year only above the threshold;
- the extraction cache follows the extraction's own code, not the pages';
- two worker processes extract exactly what one does;
- pages are written only when changed and stale ones removed;
- MkDocs links from the previous version the pages it would make the same, and only those.
"""

from __future__ import annotations

import gc
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from markupsafe import escape

from generator import extraction
from generator.commun import memoire
from generator.lieux import places
from generator.publication import transaction as publication
from generator.records import cache_extraction, to_dict
from generator.records.corpus import Corpus
from generator.site.minification import compacter_html
from generator.site.pages import controle, decoupage, lieux
from generator.site.render import Page, write_pages

import projet
from conftest import CORPUS, ROOT


def _snapshot(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()}


def _compactees(folder: Path) -> int:
    """The HTML pages of `folder` passed through `compacter_html`, as the plugin writes them; how many changed."""
    n = 0
    for p in folder.rglob("*.html"):
        texte = p.read_text("utf-8")
        court = compacter_html(texte)
        if court != texte:
            p.write_text(court, "utf-8")
            n += 1
    return n


def _mkdocs(projet: Path, site: Path, config: Path | None = None, module: str = "mkdocs", *options: str):
    env = dict(os.environ, PYTHONPATH=str(projet), SOURCE_DATE_EPOCH="1623024000", SITE_URL="https://exemple.fr/recueil/")
    cmd = [
        sys.executable,
        "-m",
        module,
        *(["build", "--quiet"] if module == "mkdocs" else []),
        "--config-file",
        str(config or projet / "mkdocs.yml"),
        "--site-dir",
        str(site),
        *options,
    ]
    return subprocess.run(cmd, cwd=projet, env=env, capture_output=True, text=True)


def test_fast_mkdocs_gives_the_same_bytes_as_mkdocs(tmp_path, projet_construit):
    """On the pages of the four real documents (the copy of the project built from tests/fixtures), with
    an absolute site address (canonical links): `mkdocs build` with the project's mkdocs.yml (the plugin
    rpc-rapide, found by its entry point) gives the bytes it gives without the plugin, its HTML pages
    passed through `compacter_html` (which the plugin applies to every page it writes). The project's
    mkdocs.yml has no other MkDocs plugin (the site's own search replaced Material's)."""
    texte = (projet_construit / "mkdocs.yml").read_text("utf-8")
    greffon = re.search(r"\nplugins:\n  - rpc-rapide:?\n(?:      .*\n)*", texte)
    assert greffon
    sans = tmp_path / "mkdocs-sans-greffon.yml"  # the copy is read-only for tests: its paths made absolute
    sans.write_text(
        texte.replace(greffon.group(), "\nplugins: []\n")
        .replace("docs_dir: content", f"docs_dir: {projet_construit / 'content'}")
        .replace("custom_dir: overrides", f"custom_dir: {projet_construit / 'overrides'}"),
        "utf-8",
    )
    for res in (_mkdocs(projet_construit, tmp_path / "normal", sans), _mkdocs(projet_construit, tmp_path / "rapide")):
        assert res.returncode == 0, res.stderr
    assert _compactees(tmp_path / "rapide") == 0  # already compact
    assert _compactees(tmp_path / "normal") == len(list((tmp_path / "normal").rglob("*.html"))) > 1000
    normal, rapide = _snapshot(tmp_path / "normal"), _snapshot(tmp_path / "rapide")
    assert len(normal) > 1000
    assert rapide == normal
    html = (tmp_path / "rapide" / "communes" / "wancourt" / "index.html").read_text("utf-8")
    assert '<link rel="canonical" href="https://exemple.fr/recueil/communes/wancourt/">' in html
    assert "<title>Wancourt - Recueil des actes administratifs du Pas-de-Calais</title>" in html
    # data files are hard links to content/donnees (written by rename, never in place)
    assert os.path.samefile(
        tmp_path / "rapide" / "donnees" / "subventions.csv", projet_construit / "content" / "donnees" / "subventions.csv"
    )
    assert not os.path.samefile(
        tmp_path / "normal" / "donnees" / "subventions.csv", projet_construit / "content" / "donnees" / "subventions.csv"
    )


def _petit_projet(racine: Path, plugins: str = "[rpc-rapide]") -> Path:
    """A Material site of three generated pages whose template shows the page's address, which no
    shell of the plugin knows: two pages at the same depth share a shell."""
    (racine / "docs" / "a").mkdir(parents=True)
    (racine / "docs" / "index.md").write_text("# Accueil\n", "utf-8")
    for nom in ("x", "y", "z"):
        (racine / "docs" / "a" / f"{nom}.md").write_text(
            f'---\ntitle: "{nom.upper()}"\n---\n\n<div class="rpc-page">{nom}</div>\n', "utf-8"
        )
    (racine / "gabarits").mkdir()
    (racine / "gabarits" / "main.html").write_text(
        '{% extends "base.html" %}{% block content %}<p>{{ page.url }}</p>{{ super() }}{% endblock %}', "utf-8"
    )
    (racine / "mkdocs.yml").write_text(
        f"site_name: Essai\ntheme:\n  name: material\n  custom_dir: gabarits\nnav:\n  - index.md\nplugins: {plugins}\n", "utf-8"
    )
    return racine / "mkdocs.yml"


def test_shell_differing_from_material_stops_the_build(tmp_path):
    """No silent fallback: a page filled in its shell that is not what Material gives stops the build
    and says how to build without the shortcuts, which then gives every page its own address."""
    config = _petit_projet(tmp_path / "p")
    res = _mkdocs(ROOT, tmp_path / "site", config, "generator.mkdocs_plugin")
    assert res.returncode != 0
    assert "rpc-rapide : la page a/y.md remplie dans son gabarit partagé n'est pas celle que donne Material" in res.stderr
    assert "RPC_MKDOCS_NORMAL=1" in res.stderr
    res = _mkdocs(ROOT, tmp_path / "site", config, "generator.mkdocs_plugin", "--normal")
    assert res.returncode == 0, res.stderr
    assert "<p>a/z/</p>" in (tmp_path / "site" / "a" / "z" / "index.html").read_text("utf-8")


def test_the_themes_compiled_templates_are_kept_from_a_build_to_the_next(tmp_path):
    """MkDocs' child keeps the theme's compiled templates (`--gabarits`): a second build compiles none (their
    files are not written again) and gives the same pages; those compiled by another code are removed."""
    config, compiles = _petit_projet(tmp_path / "p"), tmp_path / "compiles"
    compiles.mkdir()
    (compiles / "main.html-0123456789abcdef.cache").write_bytes(b"\0")  # compiled by another code
    res = _mkdocs(ROOT, tmp_path / "s1", config, "generator.mkdocs_plugin", "--normal", "--gabarits", str(compiles))
    assert res.returncode == 0, res.stderr
    gardes = {f.name: (f.stat().st_ino, f.stat().st_mtime_ns) for f in compiles.iterdir()}
    assert "main.html-0123456789abcdef.cache" not in gardes
    assert len({n.rsplit("-", 1)[1] for n in gardes}) == 1 and len(gardes) >= 3  # (main.html, base.html, partials…: one code)
    res = _mkdocs(ROOT, tmp_path / "s2", config, "generator.mkdocs_plugin", "--normal", "--gabarits", str(compiles))
    assert res.returncode == 0, res.stderr
    assert {f.name: (f.stat().st_ino, f.stat().st_mtime_ns) for f in compiles.iterdir()} == gardes
    assert _snapshot(tmp_path / "s1") == _snapshot(tmp_path / "s2")
    assert "<p>a/z/</p>" in (tmp_path / "s2" / "a" / "z" / "index.html").read_text("utf-8")


def test_build_requires_the_plugin_in_mkdocs_yml(tmp_path):
    res = _mkdocs(ROOT, tmp_path / "site", _petit_projet(tmp_path / "p", plugins="[]"), "generator.mkdocs_plugin")
    assert res.returncode != 0 and "ne déclare pas le greffon rpc-rapide" in res.stderr


def test_long_lists_get_one_page_per_year(tmp_path, monkeypatch, donnees):
    """With a threshold of 40 rows, Arrageois (its real grants) is split; Wancourt (1 grant) is not."""
    corpus = Corpus.load(donnees, places.reference())
    monkeypatch.setattr(decoupage, "SEUIL", 40)
    pages = list(lieux.build(corpus))
    by_path = {p.path: p for p in pages}
    arrageois = by_path["territoires/arrageois.md"]
    donnees_arrageois = arrageois.donnees  # a page made from its data (`Page.cle`), its year pages beside it
    assert donnees_arrageois is not None and len(donnees_arrageois["subs"]) > 40
    annees = donnees_arrageois["annees"]
    assert [a["annee"] for a in annees] == ["2021", "2019"]
    assert sum(a["n"] for a in annees) == len(donnees_arrageois["subs"])
    first = by_path["territoires/arrageois/2021.md"]
    assert first.context["subs"] and len(first.context["subs"]) <= 40
    parts = [p for p in pages if p.path.startswith("territoires/arrageois/2021")]
    assert sum(len(p.context["subs"]) for p in parts) == annees[0]["n"]
    wancourt = by_path["communes/wancourt.md"].donnees  # a page made from its data (`Page.cle`), never split
    assert wancourt is not None and wancourt["annees"] is None
    write_pages([arrageois, first, by_path["communes/wancourt.md"]], tmp_path)
    summary = (tmp_path / "territoires" / "arrageois.md").read_text("utf-8")
    assert 'href="../../territoires/arrageois/2021/"' in summary and "année par année" in summary
    year = (tmp_path / "territoires" / "arrageois" / "2021.md").read_text("utf-8")
    assert "Territoire Arrageois — 2021" in year and 'href="../../../deliberations/2021-243/"' in year
    assert "Wancourt" in (tmp_path / "communes" / "wancourt.md").read_text("utf-8")


def test_a_long_control_report_keeps_its_warnings_on_the_sources_pages(tmp_path, monkeypatch, donnees):
    """With a threshold of 5, the fixture report (16 warnings, 3 of them totals that differ) is split:
    the control page keeps the verdict and counts the warnings, each source's page lists its own."""
    c = json.loads((donnees / "controle.json").read_text("utf-8"))
    monkeypatch.setattr(decoupage, "SEUIL", 5)
    pages = controle.pages(c, {})
    write_pages(pages, tmp_path)

    def lire(chemin: str) -> str:
        return re.sub(r"[\s\u202f\u00a0]+", " ", (tmp_path / chemin).read_text("utf-8"))

    principale = lire("controle.md")
    assert "Publiable : 0 erreur, 3 écarts expliqués, 13 avertissements" in principale
    assert "16 avertissements, dont 3 totaux en écart : trop nombreux pour cette page" in principale
    assert "499 998,00 €" not in principale  # the FIEET total that differs: on its source's page
    sources = [p for p in pages if p.path.startswith("controle/")]
    assert len(sources) == len(c["sources"]) == 4
    fieet = lire(sources[3].path)
    assert "499 998,00 €" in fieet and "499 999,00 €" in fieet
    for p, s in zip(sources, c["sources"], strict=True):  # each warning on its source's page
        texte = lire(p.path)
        for f in s["constats"]:
            if f["severity"] == "avertissement":
                assert re.sub(r"[\s\u202f\u00a0]+", " ", str(escape(f["message"]))) in texte, f["message"]


def test_corpus_pages_stay_whole(site):
    """Nothing of the real corpus reaches the threshold: every list is on its page, as before."""
    assert not (site / "deliberations" / "2021").exists()
    assert not (site / "territoires" / "arrageois" / "2021").exists()
    html = (site / "territoires" / "arrageois" / "index.html").read_text("utf-8")
    assert "2021-243" in html and "année par année" not in html


def test_extraction_cache_follows_the_parser_code_only():
    files = {f.relative_to(ROOT / "generator").as_posix() for f in cache_extraction.code_extraction()}
    assert {
        "parse/actes.py",
        "parse/departement.py",
        "parse/document.py",
        "parse/partenaires.py",
        "parse/presences.py",
        "parse/rapports.py",
        "parse/votes.py",
        "parse/normalise.py",
        "parse/recueil.py",
        "sources/lecture.py",
        "lieux/places.py",
        "commun/dates.py",
        "commun/montants.py",
        "subventions/tables/farda_voirie.py",
        "subventions/budget.py",
        "records/subvention.py",
        "__init__.py",
    } <= files
    assert not any(f.startswith(("site/", "exports/", "recherche/", "publication/")) for f in files)
    assert not {"records/corpus.py", "build.py", "extraction.py", "cli.py"} & files


def test_two_workers_extract_what_one_does(tmp_path, monkeypatch):
    rapports = []
    for n in ("1", "2"):
        root = tmp_path / n
        (root / "site_data" / "sources").mkdir(parents=True)
        for name in ("002_4b206b7012456076.txt", "003_97c6f9649ae06488.txt"):
            shutil.copy(CORPUS / name, root / "site_data" / "sources" / name)
        monkeypatch.setenv("RPC_PROCESSUS", n)
        res = extraction.extract(extraction.Paths(root), log=lambda *_: None)
        assert res.parsed == 2 and not res.errors
        rapports.append(to_dict(res.report))
    assert _snapshot(tmp_path / "1" / "site_data") == _snapshot(tmp_path / "2" / "site_data")
    assert rapports[0] == rapports[1] and len(rapports[0]["sources"]) == 2


def test_pages_rewritten_only_when_changed_and_stale_ones_removed(tmp_path):
    def page(path, title):
        return Page(
            path,
            "liste_annee.md.j2",
            title,
            context={
                "nom": title,
                "retour": "communes/",
                "annee": "2021",
                "annees": [],
                "partie": 1,
                "parties": [(1, "x/")],
                "subs": [],
                "total": None,
                "n_annee": 0,
                "total_annee": None,
                "delibs": [],
                "show_commune": True,
            },
        )

    assert write_pages([page("communes/a.md", "A"), page("communes/b.md", "B")], tmp_path) == 2
    a = tmp_path / "communes" / "a.md"
    os.utime(a, (1, 1))
    assert write_pages([page("communes/a.md", "A")], tmp_path) == 1
    assert a.stat().st_mtime == 1  # same text: not rewritten
    assert not (tmp_path / "communes" / "b.md").exists()
    write_pages([page("communes/a.md", "A bis")], tmp_path)
    assert "A bis" in a.read_text("utf-8")


def test_annex_pages_are_not_rendered_again_while_their_inputs_and_file_are_unchanged(tmp_path):
    """A page made from data and a text (an annex part) is rendered again only when its key (code,
    address, title, data, text) changed or its file no longer holds what was written: never stale."""
    rendues: list[str] = []

    def contexte(donnees, texte):
        rendues.append(texte)
        return {**donnees, "html": texte}

    def page(texte: str, titre: str = "Annexe") -> Page:
        donnees = {
            "did": "2021-1",
            "titre": titre,
            "partie": 1,
            "nb_parties": 1,
            "original": None,
            "page_pdf": None,
            "recueil": True,
            "base_url": "x",
        }
        return Page(
            "deliberations/2021-1/annexe-1.md", "annexe.md.j2", titre, kind="annexe", donnees=donnees, texte=texte, contexte=contexte
        )

    cache = tmp_path / "pages.json"
    f = tmp_path / "content" / "deliberations" / "2021-1" / "annexe-1.md"
    write_pages([page("un")], tmp_path / "content", cache=cache)
    write_pages([page("un")], tmp_path / "content", cache=cache)
    assert rendues == ["un"] and "un" in f.read_text("utf-8")
    write_pages([page("deux")], tmp_path / "content", cache=cache)  # its text changed
    write_pages([page("deux", "Autre")], tmp_path / "content", cache=cache)  # its data changed
    assert rendues == ["un", "deux", "deux"] and "Autre" in f.read_text("utf-8")
    f.write_text(f.read_text("utf-8").replace("deux", "trois"), "utf-8")  # its file edited: rendered and written again
    write_pages([page("deux", "Autre")], tmp_path / "content", cache=cache)
    assert len(rendues) == 4 and "trois" not in f.read_text("utf-8")
    write_pages([page("deux", "Autre")], tmp_path / "content")  # no cache: always rendered
    assert len(rendues) == 5


def test_generated_pages_take_the_fast_path(projet_construit):
    """Every kind of generated page skips Python-Markdown (its front matter hides the sidebars:
    the fast path must accept it, or MkDocs goes back to 66 s for three synthetic years)."""
    from mkdocs.utils import meta

    from generator import mkdocs_plugin as mkdocs_rapide

    for name in ("communes/wancourt.md", "deliberations/2021-243/index.md", "cantons/arras-3.md", "index.md", "controle.md"):
        body, m = meta.get_data((projet_construit / "content" / name).read_text("utf-8"))
        assert "hide" in m and mkdocs_rapide.rapide(m, body) is not None, name
    body, m = meta.get_data((projet_construit / "content" / "a-propos.md").read_text("utf-8"))
    assert mkdocs_rapide.rapide(m, body) is None  # hand-written Markdown goes through Markdown


def test_annex_texts_are_read_back_from_site_data_not_held_in_memory(donnees):
    """The corpus leaves annex texts out (nine tenths of a recueil's text) and reads them back
    from site_data/actes when a page, an export or the search asks: the same text as the file."""
    import json

    corpus = Corpus.load(donnees, places.reference())
    d = corpus.deliberations["2019-117"]
    assert d.annexes and not d.annexes_en_memoire and all(a.texte == "" for a in d.annexes)
    textes = [corpus.texte_annexe(d, i) for i in range(len(d.annexes))]
    assert any("piscine" in t for t in textes)  # the convention of the aquatic centre
    fichier = json.loads((donnees / "actes" / f"{Path(d.source).stem}.json").read_text(encoding="utf-8"))
    attendu = next(x for x in fichier["deliberations"] if x["id"] == "2019-117")
    assert textes == [a["texte"] for a in attendu["annexes"]]
    assert d.caracteres_annexes == [len(t) for t in textes]  # their lengths, without reading them back
    # and their digests, what an export or a page is keyed on without reading them back
    assert d.empreintes_annexes == [hashlib.sha256(t.encode("utf-8")).hexdigest() for t in textes]
    # a deliberation of another source: the file read follows the deliberation asked for
    autre = next(x for x in corpus.deliberations.values() if x.source != d.source and x.annexes)
    assert corpus.texte_annexe(autre, 0) and list(corpus._relus)[-1] == autre.source


def test_the_benchmark_runs_end_to_end(tmp_path, monkeypatch, capsys, projet_construit):
    """`make bench` itself, in its quick mode (no year, then one month added) and without the browser
    packages: a broken benchmark is found here, not on the day its figures are needed. The browser part
    is skipped with one sentence saying what to install; bench.json has the top-level keys of issue 22.
    Its model recueil and corrections are those of tests/fixtures (the built copy), not the inbox's."""
    from tools import bench, bench_recherche

    monkeypatch.setattr(bench, "OUT", tmp_path / "out")
    monkeypatch.setattr(bench_recherche, "sync_playwright", None)  # as without requirements-navigateur.lock
    assert bench.main(["--rapide", "--garder", str(tmp_path / "racine"), "--projet", str(projet_construit)]) == 0
    sortie = capsys.readouterr().out
    assert "Mesures dans le navigateur sautées : Playwright n'est pas installé ; `make test-navigateur` l'installe" in sortie
    res = json.loads((tmp_path / "out" / "bench.json").read_text(encoding="utf-8"))
    cles = [
        "full_build_s",
        "full_build_peak_mb",
        "add_month_s",
        "site_mb",
        "largest_file_mb",
        "largest_page_kb",
        "years",
        "search",
        "pagefind",
    ]
    assert list(res)[: len(cles)] == cles
    assert all(isinstance(res[k], int | float) and res[k] > 0 for k in cles[:6])
    assert res["years"] == [{"years": 0, "build_s": res["full_build_s"], "peak_mb": res["full_build_peak_mb"]}]
    assert res["search"] == [] and res["pagefind"] == []
    ajout = res["ajout_un_mois"]
    assert ajout["code_retour"] == 0 and ajout["recueil_ajoute"].endswith(".txt")
    assert ajout["pages_html"] > 1000 and ajout["nombre_pages_plus_de_1_mo"] == 0
    assert res["largest_file_mb"] == res["construction_complete"]["plus_gros_fichier_mo"]
    assert "| après ajout d'un mois |" in (tmp_path / "out" / "bench.md").read_text(encoding="utf-8")
    # the peak is the summed PSS (a page shared by forked processes once); the summed RSS, which counts it in each, is beside it
    complete = res["construction_complete"]
    assert complete["pic_rss_somme_mo"] >= complete["pic_mo"] == res["full_build_peak_mb"]
    assert f"la somme de leurs RSS, qui compte une page partagée dans chacun, montait à {complete['pic_rss_somme_mo']} Mo" in (
        tmp_path / "out" / "bench.md"
    ).read_text(encoding="utf-8")
    # the README's figures are written from bench.json, between its two markers, the rest kept
    readme = tmp_path / "README.md"
    readme.write_text(f"# Titre\n\n{bench.DEBUT}\nancien\n{bench.FIN}\n\nSuite.\n", encoding="utf-8")
    monkeypatch.setattr(bench, "README", readme)
    assert bench.main(["--readme", "--depuis", str(tmp_path / "out" / "bench.json")]) == 0
    texte = readme.read_text(encoding="utf-8")
    assert texte.startswith(f"# Titre\n\n{bench.DEBUT}\nMesuré le {res['date']} sur ") and texte.endswith(f"{bench.FIN}\n\nSuite.\n")
    assert "ancien" not in texte and f"| un mois ajouté | {bench._f(res['add_month_s'], 1)} s (" in texte


def test_a_month_added_publishes_what_a_build_from_scratch_does(tmp_path):
    """Month after month the build reuses what it made before (extraction and search caches, pages
    rewritten only when their text changes, MkDocs' shortcuts): publishing a recueil into a built
    project must give, byte for byte, the site, data and pages of one build of all its recueils."""
    pas_a_pas = projet.projet_construit(tmp_path / "pas-a-pas", sources=(projet.S002, projet.S003))
    avant = _snapshot(pas_a_pas / "site")
    donnees = pas_a_pas / "content" / "donnees"
    gardees = ["recueil-texte-2022.sqlite", "recueil-texte-2023.sqlite"]  # (the month adds 2019)
    inodes = {f: (donnees / f).stat().st_ino for f in gardees}
    shutil.copy(CORPUS / projet.S001, pas_a_pas / "site_data" / "sources" / projet.S001)
    r = projet.construire(pas_a_pas)
    assert r.returncode == 0, r.stdout + r.stderr
    # the exports the month does not change are not written again (`exports.Ecritures`)
    assert {f: (donnees / f).stat().st_ino for f in gardees} == inodes
    assert (donnees / "recueil-texte-2019.sqlite").exists()
    d_un_coup = projet.projet_construit(tmp_path / "d-un-coup", sources=(projet.S001, projet.S002, projet.S003))
    for dossier in ("site", "content", "site_data"):
        a, b = _snapshot((pas_a_pas / dossier).resolve()), _snapshot((d_un_coup / dossier).resolve())
        assert a == b, (dossier, sorted(k for k in a.keys() ^ b.keys() | {k for k in a.keys() & b.keys() if a[k] != b[k]})[:10])
    site = _snapshot((pas_a_pas / "site").resolve())
    assert site != avant and "deliberations/2019-117/index.html" in site and "deliberations/2019-117/index.html" not in avant
    # the pages the month does not change are the previous version's files, hard-linked (MkDocs' reuse)
    precedente = publication.version_precedente(pas_a_pas)
    assert precedente is not None
    html = {k for k in site if k.endswith(".html")}
    liees = html - _refaites((pas_a_pas / "site").resolve(), precedente)
    assert {"deliberations/2022-317/index.html", "deliberations/cabbalr-2023-12-12/annexe-1/index.html"} <= liees
    assert "deliberations/2019-117/index.html" not in liees and "index.html" not in liees


def _version(projet: Path, config: Path, site: Path, precedent: Path | None = None) -> int:
    """A version of the site built by the plugin into `site`, `precedent` its previous one, recorded as
    `generator.build` does (its pages' keys and digests in its verification record); how many pages it
    linked from `precedent`."""
    empreintes = site.with_name(site.name + ".pages")
    options = ["--empreintes", str(empreintes), *(["--precedent", str(precedent)] if precedent else [])]
    res = _mkdocs(projet, site, config, "generator.mkdocs_plugin", *options)
    assert res.returncode == 0, res.stderr
    reprises = json.loads(empreintes.read_text("utf-8"))["reprises"]
    publication.marquer_verifiee(site, {}, pages=empreintes)
    return reprises


def _refaites(site: Path, precedent: Path) -> set[str]:
    """The HTML files of `site` that are not the previous version's file (hard link)."""
    return {
        p.relative_to(site).as_posix()
        for p in site.rglob("*.html")
        if not ((precedent / p.relative_to(site)).exists() and os.path.samefile(p, precedent / p.relative_to(site)))
    }


def test_unchanged_pages_are_linked_from_the_previous_version(tmp_path, projet_construit):
    """Issue 22: a build after one page's Markdown changed makes that page again and hard-links the
    others from the previous version, and gives the bytes of a build from scratch; a change of
    mkdocs.yml (the site's name, the nav) makes every page again; a previous version's file whose
    bytes are no longer the recorded ones is not taken."""
    shutil.copytree(projet_construit / "content", tmp_path / "content")
    config = tmp_path / "mkdocs.yml"
    yml = (
        (projet_construit / "mkdocs.yml")
        .read_text("utf-8")
        .replace("custom_dir: overrides", f"custom_dir: {projet_construit / 'overrides'}")
    )
    config.write_text(yml, "utf-8")
    v = tmp_path / "versions"
    v.mkdir()
    assert _version(projet_construit, config, v / "1") == 0
    generees = publication.lire_pages(v / "1")
    assert len(generees) > 1000 and "communes/wancourt/index.html" in generees
    autres = {p.relative_to(v / "1").as_posix() for p in (v / "1").rglob("*.html")} - set(generees)
    assert "404.html" in autres and "a-propos/index.html" in autres and "index.html" in autres  # not generated, or in the nav

    assert _version(projet_construit, config, v / "2", v / "1") == len(generees)  # nothing changed: every generated page linked
    assert _refaites(v / "2", v / "1") == autres

    md = tmp_path / "content" / "communes" / "wancourt.md"
    texte = md.read_text("utf-8")
    fin = texte.rindex("</div>")
    md.write_text(texte[:fin] + "<p>Paragraphe ajouté.</p>" + texte[fin:], "utf-8")
    assert _version(projet_construit, config, v / "3", v / "2") == len(generees) - 1
    assert _refaites(v / "3", v / "2") == autres | {"communes/wancourt/index.html"}  # that page only, and the others as always
    wancourt = (v / "3" / "communes" / "wancourt" / "index.html").read_text("utf-8")
    assert "<title>Wancourt - Recueil des actes administratifs du Pas-de-Calais</title>" in wancourt
    assert "<p>Paragraphe ajouté.</p>" in wancourt
    assert _version(projet_construit, config, v / "complet") == 0  # from scratch: the same bytes
    assert _snapshot(v / "3") == _snapshot(v / "complet")

    config.write_text(yml.replace("site_name: Recueil des actes administratifs du Pas-de-Calais", "site_name: Recueil renommé"), "utf-8")
    assert _version(projet_construit, config, v / "4", v / "3") == 0  # a global change: every page made again
    assert _refaites(v / "4", v / "3") == autres | set(generees)
    assert "<title>Wancourt - Recueil renommé</title>" in (v / "4" / "communes" / "wancourt" / "index.html").read_text("utf-8")
    assert _version(projet_construit, config, v / "4-complet") == 0  # (pages made again from Markdown not parsed again)
    assert _snapshot(v / "4") == _snapshot(v / "4-complet")
    config.write_text(yml.replace("      - Communes: communes/index.md", "      - Les communes: communes/index.md"), "utf-8")
    assert _version(projet_construit, config, v / "5", v / "4") == 0  # the nav changed: every page made again
    assert "Les communes" in (v / "5" / "communes" / "wancourt" / "index.html").read_text("utf-8")

    arras = v / "5" / "cantons" / "arras-3" / "index.html"
    juste = arras.read_bytes()
    assert b"Arras-3" in juste
    arras.write_bytes(juste.replace(b"Arras-3", b"Arras-4"))  # tampered with after its version was recorded
    assert _version(projet_construit, config, v / "6", v / "5") == len(generees) - 1
    assert _refaites(v / "6", v / "5") == autres | {"cantons/arras-3/index.html"}
    assert (v / "6" / "cantons" / "arras-3" / "index.html").read_bytes() == juste
    for k, decalage in enumerate((-(10**10), 10**10)):  # changed in place, same size, its modification time moved back or on
        page = v / str(6 + k) / "communes" / "wancourt" / "index.html"
        juste, st = page.read_bytes(), page.stat()
        with page.open("r+b") as f:
            f.write(juste.replace(b"Wancourt", b"Wancoure"))
        os.utime(page, ns=(st.st_atime_ns, st.st_mtime_ns + decalage))
        assert page.stat().st_ino == st.st_ino and page.stat().st_size == st.st_size
        assert _version(projet_construit, config, v / str(7 + k), v / str(6 + k)) == len(generees) - 1
        assert (v / str(7 + k) / "communes" / "wancourt" / "index.html").read_bytes() == juste


def test_pages_taken_from_the_previous_version_are_not_built_by_mkdocs(tmp_path, projet_construit, monkeypatch):
    """Issue 22: the generated pages whose Markdown file and key are the previous version's leave MkDocs' list
    before it reads any page (`Rapide._prendre`, in `on_nav`) and are hard-linked from it: MkDocs reads and
    builds only the others, the page whose Markdown changed among them; the hand-written pages' links to the
    pages taken out still resolve (accessibilite.md links to communes/wancourt.md and cantons/arras-3.md); the
    site, sitemap included (it lists every page), is the bytes of a build without the shortcuts."""
    from mkdocs.commands import build as mk_build

    from generator import mkdocs_plugin

    config = tmp_path / "mkdocs.yml"
    yml = (projet_construit / "mkdocs.yml").read_text("utf-8")
    config.write_text(yml.replace("custom_dir: overrides", f"custom_dir: {projet_construit / 'overrides'}"), "utf-8")
    shutil.copytree(projet_construit / "content", tmp_path / "content")
    v = tmp_path / "versions"
    v.mkdir()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1623024000")
    monkeypatch.setenv("SITE_URL", "https://exemple.fr/recueil/")
    monkeypatch.chdir(projet_construit)
    mkdocs_plugin.build(config, v / "1", empreintes=v / "1.pages")  # (in this process, as the next: the same code)
    publication.marquer_verifiee(v / "1", {}, pages=v / "1.pages")
    generees = publication.lire_pages(v / "1")
    md = tmp_path / "content" / "communes" / "lens.md"
    texte = md.read_text("utf-8")
    fin = texte.rindex("</div>")
    md.write_text(texte[:fin] + "<p>Paragraphe ajouté.</p>" + texte[fin:], "utf-8")
    lues: list[str] = []
    construites: list[str] = []
    gels: list[int] = []
    populate_page, build_page, geler = mk_build._populate_page, mk_build._build_page, memoire.geler
    monkeypatch.setattr(memoire, "geler", lambda: gels.append(1) or geler())
    monkeypatch.setattr(mk_build, "_populate_page", lambda page, *a, **k: lues.append(page.file.dest_uri) or populate_page(page, *a, **k))
    monkeypatch.setattr(mk_build, "_build_page", lambda page, *a, **k: construites.append(page.file.dest_uri) or build_page(page, *a, **k))
    mkdocs_plugin.build(config, v / "2", precedent=v / "1", empreintes=v / "2.pages")
    assert len(gels) == 4 and gc.get_freeze_count() == 0  # (files, pages, records frozen while MkDocs runs, and only then)
    assert json.loads((v / "2.pages").read_text("utf-8"))["reprises"] == len(generees) - 1 > 1000
    html = {p.relative_to(v / "1").as_posix() for p in (v / "1").rglob("*.html")}
    autres = html - set(generees) - {"404.html"}  # (404.html: a theme's template, not a page)
    assert "index.html" in autres and "a-propos/index.html" in autres and "accessibilite/index.html" in autres
    assert set(lues) == set(construites) == autres | {"communes/lens/index.html"}  # (Lens: its Markdown file is another)
    assert _refaites(v / "2", v / "1") == html - set(generees) | {"communes/lens/index.html"}
    arras = "cantons/arras-3/index.html"
    assert (v / "2" / arras).stat().st_ino == (v / "1" / arras).stat().st_ino
    assert "<p>Paragraphe ajouté.</p>" in (v / "2" / "communes" / "lens" / "index.html").read_text("utf-8")
    accessibilite = (v / "2" / "accessibilite" / "index.html").read_text("utf-8")
    assert 'href="../communes/wancourt/"' in accessibilite and 'href="../cantons/arras-3/"' in accessibilite
    mkdocs_plugin.build(config, v / "normal", normal=True)
    assert _snapshot(v / "2") == _snapshot(v / "normal")
    assert "<loc>https://exemple.fr/recueil/communes/wancourt/</loc>" in (v / "2" / "sitemap.xml").read_text("utf-8")


def test_the_navigation_links_kept_per_kind_of_page_are_those_of_each_page():
    """`Rapide._genre` computes `base_url` and the navigation's relative links once for the pages that share them:
    for every page they are what `get_relative_url` gives it."""
    from types import SimpleNamespace

    from mkdocs.utils import get_relative_url

    from generator.mkdocs_plugin import Rapide

    nav = ["", "communes/", "deliberations/", "deliberations/2019/", "a-propos/", "recherche/", "lieux/communes/"]
    r = Rapide()
    r.on_nav(SimpleNamespace(pages=[SimpleNamespace(url=u, file=SimpleNamespace(src_uri=u + "index.md")) for u in nav]), None, None)
    pages = [
        *(f"deliberations/2019-{i}/" for i in range(5)),
        *(f"deliberations/2019-{i}/annexe-1/" for i in range(5)),
        "deliberations/2019/",
        "deliberations/2019/page-2/",
        "communes/wancourt/",
        "lieux/communes/arras/",
        "lieux/cantons/arras-3/",
        "communes/",
        "a-propos/x/",
        "",
        "404.html",
        "seances/2019-05-06.html",
        "x//y/",
        "x/../communes/",
    ]
    for url in pages * 2:  # the second time from what was kept
        assert r._genre(url) == (get_relative_url(".", url), tuple(get_relative_url(u, url) for u in r.nav_urls)), url


def test_links_into_the_new_version_make_each_folder_once(tmp_path, monkeypatch):
    """`mkdocs_plugin.lier` makes a page's folder with one `mkdir` when its parent is a folder this build made (no
    `os.makedirs`, no failed link first), and still links into a folder removed since (an earlier build's)."""
    from generator import mkdocs_plugin

    src = tmp_path / "ancien.html"
    src.write_bytes(b"<html></html>")
    site = tmp_path / "site"
    mkdocs_plugin._DOSSIERS.clear()
    assert mkdocs_plugin.lier(str(src), str(site / "communes" / "arras" / "index.html"))
    faits: list[str] = []
    makedirs = os.makedirs
    monkeypatch.setattr(os, "makedirs", lambda d, exist_ok=False: (faits.append(d), makedirs(d, exist_ok=exist_ok))[1])
    for nom in ("wancourt", "lens", "arras"):
        assert mkdocs_plugin.lier(str(src), str(site / "communes" / nom / "index.html"))
        assert (site / "communes" / nom / "index.html").stat().st_ino == src.stat().st_ino
    assert faits == []
    shutil.rmtree(site)  # (MkDocs empties the site's folder when a build starts)
    assert mkdocs_plugin.lier(str(src), str(site / "communes" / "lens" / "index.html"))
    assert (site / "communes" / "lens" / "index.html").read_bytes() == b"<html></html>" and str(site / "communes" / "lens") in faits
    mkdocs_plugin._DOSSIERS.clear()

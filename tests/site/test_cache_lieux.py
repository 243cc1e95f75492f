"""The commune pages of the real corpus are rendered again only when what they show changed
(`Page.donnees`, `write_pages`' cache): adding a month must not render the 887 communes' pages
again, only those whose grants, deliberations or reference data changed (issue 22)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from generator.lieux import places
from generator.records.corpus import Corpus
from generator.site import render
from generator.site.pages import decoupage, lieux
from generator.site.render import Page, write_pages


def _corpus(donnees: Path) -> Corpus:
    return Corpus.load(donnees, places.reference())


def _pages(corpus: Corpus) -> list[Page]:
    return [p for p in lieux.build(corpus) if p.kind == "commune"]


def test_an_unchanged_commune_page_is_not_rendered_again(tmp_path, donnees, rendues):
    content, cache = tmp_path / "content", tmp_path / "pages.json"
    pages = _pages(_corpus(donnees))
    assert len(pages) == 887 and all(p.contexte is not None for p in pages)
    write_pages(pages, content, cache=cache)
    assert len(rendues) == 887
    page = content / "communes" / "baincthun.md"
    texte, date = page.read_text("utf-8"), page.stat().st_mtime_ns
    assert '\nflux: {"titre": "Baincthun : nouvelles subventions et délibérations", "chemin": "flux/communes-baincthun.xml"}\n' in texte
    assert "3 subventions publiées</strong> ; total des subventions publiées : <strong>106\u202f000,00\xa0€</strong>" in texte
    assert '<a href="../../deliberations/2021-239/">2021-239</a>' in texte
    rendues.clear()
    write_pages(_pages(_corpus(donnees)), content, cache=cache)  # the same inputs, read again
    assert rendues == []
    assert page.read_text("utf-8") == texte and page.stat().st_mtime_ns == date


def test_a_commune_page_whose_grant_changed_is_rendered_again(tmp_path, donnees, rendues):
    content, cache = tmp_path / "content", tmp_path / "pages.json"
    write_pages(_pages(_corpus(donnees)), content, cache=cache)
    rendues.clear()
    corpus = _corpus(donnees)
    s = next(s for s in corpus.subventions if s.id == "2021-243-0095")
    assert s.montant == Decimal("87500.00") and s.commune_ref is not None and s.commune_ref["slug"] == "baincthun"
    s.montant = Decimal("87501.00")
    write_pages(_pages(corpus), content, cache=cache)
    assert rendues == ["communes/baincthun.md"]
    texte = (content / "communes" / "baincthun.md").read_text("utf-8")
    assert 'data-sort="87501.00"' in texte and "<strong>106\u202f001,00\xa0€</strong>" in texte


def test_commune_pages_whose_deliberation_changed_are_rendered_again(tmp_path, donnees, rendues):
    """A deliberation's title is printed in the list of every commune it concerns: 2021-239 (FARDA,
    voirie communale) concerns 172 communes, Baincthun among them; no other page is rendered."""
    content, cache = tmp_path / "content", tmp_path / "pages.json"
    write_pages(_pages(_corpus(donnees)), content, cache=cache)
    avant = {p: (content / p).read_text("utf-8") for p in rendues}
    rendues.clear()
    corpus = _corpus(donnees)
    corpus.deliberations["2021-239"].titre = "PROGRAMMATION FARDA — titre modifié"
    write_pages(_pages(corpus), content, cache=cache)
    concernees = sorted(p for p, t in avant.items() if '<a href="../../deliberations/2021-239/">' in t)
    assert len(concernees) == 172 and "communes/baincthun.md" in concernees
    assert sorted(rendues) == concernees
    assert "PROGRAMMATION FARDA — titre modifié" in (content / "communes" / "baincthun.md").read_text("utf-8")


def test_a_commune_page_made_from_its_data_is_the_page_made_at_once(donnees):
    """The context made from the page's data (`_contexte_commune`) gives the text the whole context gives."""
    corpus = _corpus(donnees)
    page = next(p for p in _pages(corpus) if p.path == "communes/baincthun.md")
    assert page.donnees is not None and page.contexte is not None
    ref = corpus.ref
    subs, delibs = lieux._subs_delibs(corpus, "commune", "62075", ref.communes_comptees("commune", "62075"))
    assert [d.id for d in delibs] == ["2021-243", "2021-239"]
    entiere = Page(page.path, page.template, page.title, kind=page.kind, context=page.contexte(page.donnees, ""))
    env = render.environment()
    assert render._rendre(env, entiere) == render._rendre(env, page)


def test_a_commune_page_too_long_for_one_page_is_split_by_year(donnees, monkeypatch):
    """Above the threshold (`decoupage.SEUIL`) a commune's lists go to its year pages, as before:
    that page and its year pages are made from their whole context."""
    monkeypatch.setattr(decoupage, "SEUIL", 2)
    pages = {p.path: p for p in lieux.build(_corpus(donnees)) if p.path.startswith("communes/baincthun")}
    page = pages["communes/baincthun.md"]
    assert page.contexte is None and [a["annee"] for a in page.context["annees"]] == ["2021"]
    assert sorted(pages) == ["communes/baincthun.md", "communes/baincthun/2021-2.md", "communes/baincthun/2021.md"]

"""The deliberation pages of the real corpus are rendered again only when what they show changed
(`Page.donnees`, `write_pages`' cache): adding a month must not render ten years of unchanged pages,
and a page whose input changed must never stay as it was."""

from __future__ import annotations

import copy
import json
import shutil
from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import jinja2
import pytest

from generator.commun import gabarits
from generator.commun.formats import montant_fr
from generator.elus import alias
from generator.lieux import places
from generator.records.corpus import Corpus
from generator.site import render
from generator.site.pages import actes
from generator.site.pages import elus as pages_elus
from generator.site.render import Page, write_pages


def _corpus(donnees: Path) -> Corpus:
    corpus = Corpus.load(donnees, places.reference())
    corpus.elus = pages_elus.registre(corpus, {})
    return corpus


def _pages(corpus: Corpus) -> list[Page]:
    """The pages of the deliberations and of their annexes' parts (those the cache may skip)."""
    subs = defaultdict(list)
    for s in corpus.subventions:
        subs[s.deliberation].append(s)
    return [p for p in actes.build(corpus, subs, {}) if p.kind in ("deliberation", "annexe")]


def _entiere(page: Page) -> Page:
    """The page with its data (a deliberation's is made only when its pre-key changed: `Page.faire`)."""
    return page.faire() if page.faire is not None else page


def test_an_unchanged_deliberation_page_is_not_rendered_again(tmp_path, donnees, rendues):
    content, cache = tmp_path / "content", tmp_path / "pages.json"
    pages = _pages(_corpus(donnees))
    assert sum(p.kind == "deliberation" for p in pages) == 28 and all(_entiere(p).contexte is not None for p in pages)
    write_pages(pages, content, cache=cache)
    assert len(rendues) == len(pages)
    page = content / "deliberations" / "2021-243" / "index.md"
    texte, date = page.read_text("utf-8"), page.stat().st_mtime_ns
    assert "Commune de Bavincourt" in texte and "../../elus/jean-claude-leroy/" in texte
    rendues.clear()
    write_pages(_pages(_corpus(donnees)), content, cache=cache)  # the same inputs, read again
    assert rendues == []
    assert page.read_text("utf-8") == texte and page.stat().st_mtime_ns == date


def test_a_deliberation_page_whose_grant_changed_is_rendered_again(tmp_path, donnees, rendues):
    content, cache = tmp_path / "content", tmp_path / "pages.json"
    write_pages(_pages(_corpus(donnees)), content, cache=cache)
    rendues.clear()
    corpus = _corpus(donnees)
    s = next(s for s in corpus.subventions if s.id == "2021-243-0001")
    assert s.montant == Decimal("2750.00")
    s.montant = Decimal("2751.00")
    write_pages(_pages(corpus), content, cache=cache)
    assert rendues == ["deliberations/2021-243/index.md"]  # its annexes do not show its grants
    texte = (content / "deliberations" / "2021-243" / "index.md").read_text("utf-8")
    assert 'data-sort="2751.00"' in texte
    # its summary by commune and its total, made from its grants when the page is rendered, show the new amount
    assert '<a href="#2021-243-0001">2\u202f751,00\xa0€</a>' in texte
    total = corpus.total(x for x in corpus.subventions if x.deliberation == "2021-243")
    assert f"<strong>{montant_fr(total)}</strong>" in texte and montant_fr(total - 1) not in texte


def _fichiers(content: Path) -> dict[str, bytes]:
    return {f.relative_to(content).as_posix(): f.read_bytes() for f in sorted(content.rglob("*.md"))}


def test_an_unchanged_deliberation_is_neither_made_nor_keyed(tmp_path, donnees, rendues, monkeypatch):
    """A build without change makes no deliberation page's data nor any key of a deliberation's or an
    annex's page (their pre-keys, `Page.precle`, are those of the last build), and keeps their files;
    the code changed, every one is made, keyed and rendered again."""
    content, cache = tmp_path / "content", tmp_path / "pages.json"
    write_pages(_pages(_corpus(donnees)), content, cache=cache)
    avant = _fichiers(content)
    faites: list[str] = []
    cles: list[str] = []
    vraie, vraie_cle = actes._page_deliberation, Page.cle
    monkeypatch.setattr(actes, "_page_deliberation", lambda corpus, d, *args: faites.append(d.id) or vraie(corpus, d, *args))
    monkeypatch.setattr(Page, "cle", lambda page, *args: cles.append(page.path) or vraie_cle(page, *args))
    rendues.clear()
    pages = _pages(_corpus(donnees))
    assert all(p.precle is not None for p in pages) and sum(p.kind == "annexe" for p in pages) > 0
    assert write_pages(pages, content, cache=cache) == len(pages) == len(avant)
    assert (faites, cles, rendues) == ([], [], [])
    assert _fichiers(content) == avant  # (skipped, written all the same: none removed)
    monkeypatch.setattr(render, "empreinte_code", lambda: "un autre code")
    write_pages(_pages(_corpus(donnees)), content, cache=cache)
    assert len(faites) == 28 and len(cles) == len(rendues) == len(avant)


def _changement(tmp_path: Path, rendues: list[str], avant: Corpus, apres: Corpus) -> list[str]:
    """The pages rendered again when the inputs go from `avant` to `apres`: exactly those whose text
    changed, each as a build from scratch writes it."""
    content, cache, neuf = tmp_path / "content", tmp_path / "pages.json", tmp_path / "neuf"
    write_pages(_pages(avant), content, cache=cache)
    anciens = _fichiers(content)
    rendues.clear()
    write_pages(_pages(apres), content, cache=cache)
    refaites = sorted(rendues)
    write_pages(_pages(apres), neuf)  # (no cache)
    nouveaux = _fichiers(neuf)
    assert _fichiers(content) == nouveaux
    assert refaites == sorted(k for k, v in nouveaux.items() if anciens.get(k) != v)
    return refaites


def test_a_grant_changed_in_site_data_renders_again_its_deliberation(tmp_path, donnees, rendues):
    avant = tmp_path / "avant"
    shutil.copytree(donnees, avant)
    f = avant / "subventions" / "004_45492b4b56f19b50.json"
    data = json.loads(f.read_text("utf-8"))
    s = next(s for s in data["subventions"] if s["id"] == "2021-243-0001")
    assert s["montant"] == "2750.00"
    s["montant"] = "2751.00"
    f.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    assert _changement(tmp_path, rendues, _corpus(donnees), _corpus(avant)) == ["deliberations/2021-243/index.md"]
    assert 'data-sort="2751.00"' in (tmp_path / "content" / "deliberations" / "2021-243" / "index.md").read_text("utf-8")


def test_a_place_renamed_in_the_reference_renders_again_the_deliberations_naming_it(tmp_path, donnees, rendues):
    """Bavincourt, a commune of 2021-243's grants (« Commune de Bavincourt »), renamed in the reference."""
    ref = copy.deepcopy(places.reference())
    insee = next(c for c, x in ref.communes.items() if x["nom"] == "Bavincourt")
    ref.communes[insee]["nom"] = "Bavincourt-en-Artois"
    apres = Corpus.load(donnees, ref)
    apres.elus = pages_elus.registre(apres, {})
    refaites = _changement(tmp_path, rendues, _corpus(donnees), apres)
    assert "deliberations/2021-243/index.md" in refaites and all(r.startswith("deliberations/20") for r in refaites)
    assert "Commune de Bavincourt-en-Artois" in (tmp_path / "content" / "deliberations" / "2021-243" / "index.md").read_text("utf-8")


def test_a_councillors_alias_renders_again_the_deliberations_printing_the_name(tmp_path, donnees, rendues):
    """Alain MEQUIGNON, named on 2022-317 only, said by the alias file to be Jean-Claude LEROY: his name
    links to the latter's page there, and nowhere else changes."""
    f = tmp_path / alias.FICHIER
    f.write_text("alias:\n  - variante: Alain MEQUIGNON\n    nom: Jean-Claude LEROY\n", "utf-8")
    apres = Corpus.load(donnees, places.reference())
    apres.elus = pages_elus.registre(apres, alias.lire(f))
    assert _changement(tmp_path, rendues, _corpus(donnees), apres) == ["deliberations/2022-317/index.md"]
    texte = (tmp_path / "content" / "deliberations" / "2022-317" / "index.md").read_text("utf-8")
    assert '<a href="../../elus/jean-claude-leroy/">Alain MEQUIGNON</a>' in texte


def test_deliberations_printing_the_same_names_share_their_links(donnees):
    """The links of the names a deliberation prints are one object for all the pages printing the same
    names (`actes.LiensElus`, digested once into their keys): equal lists, one object."""
    pages = [_entiere(p) for p in _pages(_corpus(donnees)) if p.kind == "deliberation"]
    objets: dict[tuple[str, ...], set[int]] = defaultdict(set)
    for p in pages:
        assert p.donnees is not None and isinstance(p.donnees["elus"], actes.LiensElus)
        objets[tuple(p.donnees["elus"].liens)].add(id(p.donnees["elus"]))
    assert all(len(ids) == 1 for ids in objets.values())
    assert len(objets) < len(pages)  # some pages print the same names


def test_a_deliberation_page_whose_councillor_link_changed_is_rendered_again(tmp_path, donnees, rendues, monkeypatch):
    """A councillor's person page is not part of the deliberation's record: the page's key holds the
    link of each name it prints. Alain MEQUIGNON is named on one page only, 2022-317."""
    content, cache = tmp_path / "content", tmp_path / "pages.json"
    write_pages(_pages(_corpus(donnees)), content, cache=cache)
    page = content / "deliberations" / "2022-317" / "index.md"
    assert '<a href="../../elus/alain-mequignon/">Alain MEQUIGNON</a>' in page.read_text("utf-8")
    rendues.clear()
    vrai = actes.page_elu

    def sans_lui(corpus: Corpus):
        slug = vrai(corpus)
        return lambda nom: None if nom == "Alain MEQUIGNON" else slug(nom)

    monkeypatch.setattr(actes, "page_elu", sans_lui)
    write_pages(_pages(_corpus(donnees)), content, cache=cache)
    assert rendues == ["deliberations/2022-317/index.md"]
    texte = page.read_text("utf-8")
    assert "elus/alain-mequignon/" not in texte and "Alain MEQUIGNON" in texte


def test_a_name_missing_from_the_key_stops_the_rendering(donnees):
    """The page's context links only the names its key holds: a name the template would print
    without it in `donnees` is a KeyError, never a page silently missing its link."""
    page = _entiere(next(p for p in _pages(_corpus(donnees)) if p.path == "deliberations/2022-317/index.md"))
    assert page.donnees is not None and page.contexte is not None
    assert page.donnees["elus"].liens["Alain MEQUIGNON"] == "alain-mequignon"
    del page.donnees["elus"].liens["Alain MEQUIGNON"]
    with pytest.raises(KeyError):
        render._rendre(render.environment(), page)


def _lectures(monkeypatch) -> list[tuple[str, int | None]]:
    """The texts read back from site_data/actes: (deliberation, annex from 0) for an annex's (`Corpus.texte_annexe`),
    (deliberation, None) for all of a deliberation's (`Corpus.textes`: its visas, rapport, annexes)."""
    lus: list[tuple[str, int | None]] = []
    vrai, vrais = Corpus.texte_annexe, Corpus.textes

    def lire(self: Corpus, d, i: int) -> str:
        lus.append((d.id, i))
        return vrai(self, d, i)

    def lire_tous(self: Corpus, d):
        lus.append((d.id, None))
        return vrais(self, d)

    monkeypatch.setattr(Corpus, "texte_annexe", lire)
    monkeypatch.setattr(Corpus, "textes", lire_tous)
    return lus


def _construire(donnees: Path, content: Path, cache: Path, fichier: Path) -> None:
    """The deliberation and annex pages written, the long annexes' cuts kept in `fichier` (as the build does)."""
    decoupes = actes.Decoupes(fichier)
    subs = defaultdict(list)
    for s in (corpus := _corpus(donnees)).subventions:
        subs[s.deliberation].append(s)
    write_pages((p for p in actes.build(corpus, subs, {}, decoupes) if p.kind in ("deliberation", "annexe")), content, cache=cache)
    decoupes.ecrire()


def test_unchanged_annexes_are_not_read_back(tmp_path, donnees, rendues, monkeypatch):
    """The annex pages' keys are made from their texts' digests (`empreintes_annexes`) and the cut of the
    long ones kept from the last build (`Decoupes`): a build where nothing changed reads no annex text."""
    content, cache, fichier = tmp_path / "content", tmp_path / "pages.json", tmp_path / "annexes.json"
    lus = _lectures(monkeypatch)
    _construire(donnees, content, cache, fichier)
    assert ("2019-117", 0) in lus and ("2021-250", 1) in lus  # its long annex, in 8 parts; 2 parts
    assert "deliberations/2019-117/annexe-1-partie-8.md" in rendues and "deliberations/2021-250/annexe-2-partie-2.md" in rendues
    avant = {p: p.read_bytes() for p in content.rglob("*.md")}
    lus.clear()
    rendues.clear()
    _construire(donnees, content, cache, fichier)
    assert lus == [] and rendues == []
    # without the kept cuts (another code's file): every long annex is read again, its pages the same
    fichier.write_text('{"code": "autre", "annexes": {}}', encoding="utf-8")
    (tmp_path / "pages.json").unlink()
    _construire(donnees, content, cache, fichier)
    assert ("2019-117", 0) in lus and {p: p.read_bytes() for p in content.rglob("*.md")} == avant


def _reconstruire(tmp_path: Path, donnees: Path, rendues: list[str], corriger: Callable[[dict], None]) -> Path:
    """The pages built from a copy of `donnees`, then, `rendues` cleared, built again once `corriger` has edited
    each deliberation of the file of site_data/actes of 2021-250 and 2021-232: the content folder."""
    copie = tmp_path / "site_data"
    shutil.copytree(donnees, copie)
    content, cache, fichier = tmp_path / "content", tmp_path / "pages.json", tmp_path / "annexes.json"
    _construire(copie, content, cache, fichier)
    rendues.clear()
    f = next((copie / "actes").glob("004_*.json"))
    doc = json.loads(f.read_text("utf-8"))
    for d in doc["deliberations"]:
        corriger(d)
    f.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    _construire(copie, content, cache, fichier)
    return content


def test_an_edited_annex_has_its_pages_rendered_again_with_its_new_text(tmp_path, donnees, rendues):
    """2021-250's second annex (265 489 characters, 2 parts) and 2021-232's second (8 928, inline) edited in
    site_data/actes: their pages are rendered again and show the new text; no other page is."""

    def corriger(d: dict) -> None:
        if d["id"] in ("2021-250", "2021-232"):
            a = d["annexes"][1]
            a["texte"] = a["texte"][:-200] + "\nTexte corrigé après publication.\n" + a["texte"][-200:]

    content = _reconstruire(tmp_path, donnees, rendues, corriger)
    assert sorted(rendues) == [
        "deliberations/2021-232/index.md",
        "deliberations/2021-250/annexe-2-partie-1.md",
        "deliberations/2021-250/annexe-2-partie-2.md",
        "deliberations/2021-250/index.md",
    ]
    assert "Texte corrigé après publication." in (content / "deliberations/2021-250/annexe-2-partie-2.md").read_text("utf-8")
    assert "Texte corrigé après publication." in (content / "deliberations/2021-232/index.md").read_text("utf-8")


def test_an_edited_rapport_or_visa_has_its_page_rendered_again_with_its_new_text(tmp_path, donnees, rendues):
    """The build leaves the visas and rapports' texts out of the records (`corpus.alleger`): a page's key holds
    their digest (`DeliberationPubliee.empreinte_longs`). 2021-250's rapport and a visa of 2021-232 edited in
    site_data/actes: their pages are rendered again and show the new text; no other page is."""

    def corriger(d: dict) -> None:
        if d["id"] == "2021-250":
            d["rapport"]["texte"] += "\n\nRapport corrigé après publication."
        if d["id"] == "2021-232":
            assert len(d["visas"]) > 1
            d["visas"][1] += " (visa corrigé)"

    content = _reconstruire(tmp_path, donnees, rendues, corriger)
    assert sorted(rendues) == ["deliberations/2021-232/index.md", "deliberations/2021-250/index.md"]
    assert "Rapport corrigé après publication." in (content / "deliberations/2021-250/index.md").read_text("utf-8")
    assert "(visa corrigé)</li>" in (content / "deliberations/2021-232/index.md").read_text("utf-8")


def test_compiled_templates_are_kept_for_the_next_build_of_the_same_code(tmp_path, monkeypatch):
    """The templates compiled by a build are kept beside its pages' cache (`.cache/gabarits/`) and not
    compiled again by the next build of the same code, which writes the same text; another code's are
    compiled again (the environment's settings are code), and the others removed once the build is published."""
    content, cache = tmp_path / "content", tmp_path / "pages.json"
    compiles: list[str] = []
    compiler = jinja2.Environment.compile

    def compter(self, source, name=None, filename=None, raw=False, defer_init=False):
        compiles.append(name)
        return compiler(self, source, name, filename, raw, defer_init)

    monkeypatch.setattr(jinja2.Environment, "compile", compter)
    pages = [Page("cantons/a.md", "page.md.j2", "A", context={"x": 1})]
    write_pages(pages, content, cache=cache)
    texte = (content / "cantons" / "a.md").read_text("utf-8")
    assert compiles == ["page.md.j2"]
    gardes = sorted(f.name for f in (tmp_path / "gabarits").iterdir())
    assert len(gardes) == 1 and gardes[0].endswith(f"-{render.empreinte_code()[:16]}.cache")
    (content / "cantons" / "a.md").unlink()  # rendered again, from the compiled template kept
    write_pages(pages, content, cache=cache)
    assert compiles == ["page.md.j2"] and (content / "cantons" / "a.md").read_text("utf-8") == texte
    monkeypatch.setattr(render, "empreinte_code", lambda: "0123456789abcdef-autre")
    write_pages(pages, content, cache=cache)  # (another code: every page rendered)
    assert compiles == ["page.md.j2", "page.md.j2"]
    autre = gardes[0].rsplit("-", 1)[0] + "-0123456789abcdef.cache"
    assert sorted(f.name for f in (tmp_path / "gabarits").iterdir()) == sorted([gardes[0], autre])  # (kept until published)
    assert gabarits.elaguer(tmp_path / "gabarits", render.empreinte_code()) == 1  # as a build does once published
    assert sorted(f.name for f in (tmp_path / "gabarits").iterdir()) == [autre]

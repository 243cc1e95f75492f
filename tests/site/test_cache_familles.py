"""Every page of the real corpus, not only those made from data, is rendered again only when what it
shows changed (`Page.cle` keyed on its context, `write_pages`' cache; issue 22): a month added to ten
years must not render again the year pages of the other years, the séances, recueils, sources'
controls and councillors' years it does not touch."""

from __future__ import annotations

import dataclasses
import gc
import json
import os
import shutil
import weakref
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

from generator.commun import store
from generator.elus import personnes
from generator.lieux import places
from generator.records.corpus import Corpus, cle_lu, empreinte_valide, empreintes_valides
from generator.site import render
from generator.site.pages import actes, controle, decoupage, lexique, lieux, subventions
from generator.site.pages import elus as pages_elus
from generator.site.render import Page, write_pages


def _corpus(donnees: Path) -> Corpus:
    corpus = Corpus.load(donnees, places.reference())
    corpus.elus = pages_elus.registre(corpus, {})
    return corpus


def _pages(corpus: Corpus) -> list[Page]:
    """The pages the build writes (`build.render`) but the « Données » and search pages, which it makes
    itself (the deliberations' without their control checks)."""
    subs = defaultdict(list)
    for s in corpus.subventions:
        subs[s.deliberation].append(s)
    assert corpus.elus is not None
    return [
        *lieux.build(corpus),
        lieux.accueil(corpus),
        lexique.build(corpus),
        *actes.build(corpus, subs, {}),
        *subventions.build(corpus),
        *pages_elus.build(corpus, corpus.elus),
        *controle.pages(corpus.controle, {}),
    ]


def _lire(content: Path, chemin: str) -> str:
    return (content / chemin).read_text("utf-8")


def test_no_page_is_rendered_again_when_nothing_changed(tmp_path, donnees, rendues):
    content, cache = tmp_path / "content", tmp_path / "pages.json"
    pages = _pages(_corpus(donnees))
    write_pages(pages, content, cache=cache)
    assert len(rendues) == len(pages) == 1211
    familles = {p.path.split("/")[0] for p in pages if p.contexte is None}
    assert {"cantons", "epci", "territoires", "dispositifs", "beneficiaires", "subventions", "seances", "recueils", "elus"} <= familles
    assert len(json.loads(cache.read_text("utf-8"))) == len(pages)  # every page has a key
    canton = _lire(content, "cantons/desvres.md")
    rendues.clear()
    write_pages(_pages(_corpus(donnees)), content, cache=cache)  # the same inputs, read again
    assert rendues == []
    assert _lire(content, "cantons/desvres.md") == canton


_PAGES_DE_FERK_ADOS = [
    "beneficiaires/association-ferk-ados.md",
    "beneficiaires/index.md",
    "cantons/desvres.md",
    "cantons/index.md",
    "communes/ferques.md",
    "communes/index.md",
    "deliberations/2021-232/index.md",
    "dispositifs/bourse-initiatives-jeunes.md",
    "dispositifs/index.md",
    "epci/cc-de-la-terre-des-deux-caps.md",
    "epci/index.md",
    "index.md",
    "seances/commission-permanente-2021-06-07.md",
    "subventions/2021.md",
    "subventions/2021/06-2.md",
    "subventions/2021/06.md",
    "subventions/index.md",
    "territoires/boulonnais.md",
    "territoires/index.md",
]
"""The pages that show the 750 € of Association Ferk'Ados (grant 2021-232-0002)."""


def test_a_grant_changed_renders_again_the_pages_that_show_it(tmp_path, donnees, rendues):
    """Association Ferk'Ados' 750 € (Bourse Initiatives Jeunes, Ferques) is on its commune's, canton's,
    EPCI's, territoire's, scheme's, beneficiary's, month's, year's, deliberation's and séance's pages and
    in the totals of the indexes and of the home page; nothing else is rendered again (its recueil and
    the councillors' pages show no amount)."""
    content, cache = tmp_path / "content", tmp_path / "pages.json"
    write_pages(_pages(_corpus(donnees)), content, cache=cache)
    rendues.clear()
    corpus = _corpus(donnees)
    s = next(s for s in corpus.subventions if s.id == "2021-232-0002")
    assert (s.montant, s.affiche.nom, s.dispositif) == (Decimal("750"), "Association Ferk'Ados", "Bourse Initiatives Jeunes")
    s.montant = Decimal("751")
    write_pages(_pages(corpus), content, cache=cache)
    assert sorted(rendues) == _PAGES_DE_FERK_ADOS
    for chemin in (
        "cantons/desvres.md",
        "epci/cc-de-la-terre-des-deux-caps.md",
        "territoires/boulonnais.md",
        "beneficiaires/association-ferk-ados.md",
    ):
        texte = _lire(content, chemin)
        assert 'data-sort="751">751,00\xa0€' in texte and "Association Ferk&#39;Ados" in texte, chemin
    assert "751,00\xa0€" in _lire(content, "dispositifs/bourse-initiatives-jeunes.md")


def test_a_month_added_keeps_the_other_years_pages(tmp_path, donnees, rendues, monkeypatch):
    """The year pages of a split list (`decoupage`) show their year's rows and the other years' links:
    2021's grants of one more deliberation (2021-243, 179 grants) render again 2021's pages that list
    them, never 2019's."""
    monkeypatch.setattr(decoupage, "SEUIL", 4)
    avant = tmp_path / "avant"
    shutil.copytree(donnees, avant)
    f = avant / "subventions" / "004_45492b4b56f19b50.json"
    data = json.loads(f.read_text("utf-8"))
    data["subventions"] = [s for s in data["subventions"] if s["deliberation"] != "2021-243"]
    f.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    content, cache = tmp_path / "content", tmp_path / "pages.json"
    write_pages(_pages(_corpus(avant)), content, cache=cache)
    premiers = set(rendues)
    annee_2019 = {p for p in premiers if p.endswith("/2019.md")}
    assert {"territoires/audomarois/2019.md", "dispositifs/autres-subventions/2019.md"} <= annee_2019
    assert "2019-117" in _lire(content, "territoires/audomarois/2019.md")
    rendues.clear()
    write_pages(_pages(_corpus(donnees)), content, cache=cache)
    # split now only, their lists passing the threshold with 2021-243's grants: new 2019 pages
    nouvelles = ["cantons/aire-sur-la-lys/2019.md", "cantons/beuvry/2019.md", "cantons/boulogne-sur-mer-2/2019.md"]
    assert sorted(p for p in rendues if "/2019" in p) == nouvelles and not premiers & set(nouvelles)
    assert len(annee_2019) == 107 and not annee_2019 & set(rendues)
    assert "territoires/audomarois/2021.md" in rendues
    assert "2021-243" in _lire(content, "territoires/audomarois/2021.md")


def test_a_page_whose_context_has_no_digest_is_rendered_at_every_build(tmp_path, rendues):
    """What has no digest (a function, a path) cannot be keyed: that page is not cached, and rendered
    every time, as the page made from its data keyed on it would not be (a TypeError there)."""
    content, cache = tmp_path / "content", tmp_path / "pages.json"

    def pages(montant: str) -> list[Page]:
        return [
            Page("cantons/a.md", "page.md.j2", "A", context={"lien": lambda: montant}),
            Page("cantons/b.md", "page.md.j2", "B", context={"dossier": Path(montant)}),
            Page("cantons/c.md", "page.md.j2", "C", context={"montant": Decimal(montant), "vus": {"b", "a"}}),
        ]

    write_pages(pages("1.50"), content, cache=cache)
    assert rendues == ["cantons/a.md", "cantons/b.md", "cantons/c.md"]
    assert sorted(json.loads(cache.read_text("utf-8"))) == ["cantons/c.md"]
    rendues.clear()
    write_pages(pages("1.50"), content, cache=cache)
    assert rendues == ["cantons/a.md", "cantons/b.md"]
    rendues.clear()
    write_pages(pages("1.5"), content, cache=cache)  # (the same amount written otherwise: a template may print it otherwise)
    assert rendues == ["cantons/a.md", "cantons/b.md", "cantons/c.md"]


def test_a_record_is_digested_once_and_whole(donnees):
    """A grant's digest holds its deliberation's (`SubventionPubliee.acte`), computed once per build:
    a deliberation's title changed changes the key of a page listing only its grants."""
    corpus = _corpus(donnees)
    s = next(s for s in corpus.subventions if s.id == "2021-232-0002")
    page = Page("cantons/x.md", "page.md.j2", "X", context={"subs": [s]})
    e = render.Empreintes()
    cle = page.cle("code", e)
    assert cle is not None and page.cle("code", e) == cle and page.cle("code", render.Empreintes()) == cle
    s.acte.titre += " (modifié)"
    assert page.cle("code", e) == cle  # (the records do not change while the pages of a build are written)
    assert page.cle("code", render.Empreintes()) != cle


def test_a_list_of_records_is_keyed_by_the_digest_of_their_digests(donnees):
    """A page's list of records is keyed as one digest of their digests in their order (`Empreintes.abreger`),
    whether or not another page met them before in the build (the same key); a list holding anything else is
    left to the encoder, which digests its records one by one."""
    corpus = _corpus(donnees)
    subs = corpus.subventions[:5]
    page = Page("cantons/x.md", "page.md.j2", "X", context={"subs": subs, "autres": [subs[0], "x"], "n": 1})
    e = render.Empreintes()
    abregees = e.abreger(page.context)
    assert abregees is not None and abregees["autres"] is page.context["autres"] and abregees["n"] == 1
    assert abregees["subs"][:1] == "\x01" and len(abregees["subs"]) == 44
    assert e.abreger(page.context) == abregees
    cle = page.cle("code", e)
    deja = render.Empreintes()
    deja.dumps(subs[2:])  # (three of them met by another page first)
    assert page.cle("code", deja) == cle == page.cle("code", render.Empreintes())
    inverse = Page("cantons/x.md", "page.md.j2", "X", context={"subs": subs[::-1], "autres": [subs[0], "x"], "n": 1})
    assert inverse.cle("code", render.Empreintes()) != cle  # (a template shows them in their order)
    subs[0].montant += 1  # (a record assigned since: not the object read, keyed whole by a new build's digests)
    assert page.cle("code", render.Empreintes()) != cle


def test_cached_pages_are_not_read_while_their_files_are_unchanged(tmp_path, donnees, rendues, monkeypatch):
    """A cached page whose file keeps its inode, size and date (`store.identite`) is known to hold its
    text without being read (14 000 files at ten years); a file edited since, even in place to the same
    size, is read, and the page written again."""
    content, cache = tmp_path / "content", tmp_path / "pages.json"
    write_pages(_pages(_corpus(donnees)), content, cache=cache)
    canton = content / "cantons" / "desvres.md"
    texte = canton.read_text("utf-8")
    assert "Canton de Desvres" in texte
    lus: list[str] = []
    digest = store.hashlib.file_digest
    monkeypatch.setattr(store.hashlib, "file_digest", lambda f, algo: lus.append(f.name) or digest(f, algo))
    rendues.clear()
    write_pages(_pages(_corpus(donnees)), content, cache=cache)
    assert rendues == [] and lus == []
    # edited in place (same inode, same size, a later date): the digest tells, the page is written again
    date = canton.stat().st_mtime_ns
    with canton.open("r+b") as f:
        f.write(texte.replace("Desvres", "Desvrez", 1).encode("utf-8")[:64])
    os.utime(canton, ns=(date + 1_000_000, date + 1_000_000))
    assert canton.stat().st_size == len(texte.encode("utf-8")) and "Desvrez" in canton.read_text("utf-8")
    write_pages(_pages(_corpus(donnees)), content, cache=cache)
    assert lus == [str(canton)] and rendues == ["cantons/desvres.md"]
    assert canton.read_text("utf-8") == texte


def _textes(content: Path) -> dict[str, str]:
    return {f.relative_to(content).as_posix(): f.read_text("utf-8") for f in sorted(content.rglob("*.md"))}


def _reecrire(copie: Path, content: Path, cache: Path, rendues: list[str]) -> dict[str, str]:
    """The pages written again from `copie` (a site_data/ just changed), `rendues` those rendered: their texts."""
    rendues.clear()
    write_pages(_pages(_corpus(copie)), content, cache=cache)
    return _textes(content)


def _comme_de_zero(tmp_path: Path, copie: Path, content: Path, cache: Path, rendues: list[str]) -> None:
    """The pages in `content` are those of a build from scratch of `copie`, and a next build renders none."""
    neuf = tmp_path / "neuf"
    write_pages(_pages(_corpus(copie)), neuf)  # (no cache: every page rendered)
    assert _textes(neuf) == _textes(content)
    rendues.clear()
    write_pages(_pages(_corpus(copie)), content, cache=cache)
    assert rendues == []


def test_a_grant_changed_in_its_data_file_renders_again_the_pages_that_show_it(tmp_path, donnees, rendues):
    """The same 750 € changed in site_data/subventions/ (as an extraction would): the grant read again is
    keyed on the digest of its new dict (`corpus.cle_lu`); the pages rendered again are exactly those whose
    text changed, the pages those of a build from scratch, and a next build renders none."""
    copie = tmp_path / "site_data"
    shutil.copytree(donnees, copie)
    content, cache = tmp_path / "content", tmp_path / "pages.json"
    write_pages(_pages(_corpus(copie)), content, cache=cache)
    avant = _textes(content)
    f = copie / "subventions" / "004_45492b4b56f19b50.json"
    data = store.read_json(f)
    (x,) = [x for x in data["subventions"] if x["id"] == "2021-232-0002"]
    assert x["montant"] == "750"
    x["montant"] = "751"
    store.write_json(f, data)
    apres = _reecrire(copie, content, cache, rendues)
    assert sorted(rendues) == _PAGES_DE_FERK_ADOS
    assert sorted(k for k in apres if apres[k] != avant.get(k)) == _PAGES_DE_FERK_ADOS
    _comme_de_zero(tmp_path, copie, content, cache, rendues)


def test_a_deliberations_text_changed_renders_its_page_not_those_listing_its_grants(tmp_path, donnees, rendues, monkeypatch):
    """A grant stands in a page's key for what its row shows of its deliberation (`render.vue_deliberation`),
    a séance's acts on a councillor's page for their title: an article of 2021-232 corrected in its data
    file renders again its page, with the new text, and the pages listing it whole (its séance's, the
    deliberations' indexes, the places' lists of deliberations), not the pages listing its grants (its
    commune's, scheme's, beneficiary's, month's) nor those of the councillors who sat in its séance; the
    pages are those of a build from scratch, and a next build renders none."""
    monkeypatch.setattr(decoupage, "SEUIL", 10)  # the year pages too
    copie = tmp_path / "site_data"
    shutil.copytree(donnees, copie)
    content, cache = tmp_path / "content", tmp_path / "pages.json"
    corpus = _corpus(copie)
    d = corpus.deliberations["2021-232"]
    assert corpus.elus is not None and any(li.deliberation == d.id for q in corpus.elus.personnes.values() for li in q.lignes)
    write_pages(_pages(corpus), content, cache=cache)
    avant = _textes(content)
    f = copie / "actes" / store.data_name(d.source)
    data = store.read_json(f)
    x = next(x for x in data["deliberations"] if x["id"] == d.id)
    assert x["articles"][0]["texte"].startswith("D'attribuer une participation globale de 2 750")
    assert "participation globale de 2" in avant["deliberations/2021-232/index.md"]
    x["articles"][0]["texte"] = "Article corrigé <i>ici</i>."
    store.write_json(f, data)
    apres = _reecrire(copie, content, cache, rendues)
    changees = sorted(k for k in apres if apres[k] != avant.get(k))
    assert changees == ["deliberations/2021-232/index.md"]
    assert "Article corrigé &lt;i&gt;ici&lt;/i&gt;." in apres["deliberations/2021-232/index.md"]
    assert "participation globale de 2" not in apres["deliberations/2021-232/index.md"]
    assert f"seances/{d.session_id}.md" in rendues  # (keyed on its deliberations whole: it shows their votes)
    grants = {"communes/ferques.md", "dispositifs/bourse-initiatives-jeunes.md", "beneficiaires/association-ferk-ados.md"}
    assert grants <= set(avant) and not grants & set(rendues)
    assert not [p for p in rendues if p.startswith(("elus/", "subventions/"))]
    _comme_de_zero(tmp_path, copie, content, cache, rendues)


def test_a_field_set_after_reading_changes_the_key(donnees):
    """What the corpus sets on a grant after reading it (`lier_originaux`: its PDF's address) is keyed as it
    is; a field of site_data/ assigned since (`s.montant = …`) is not the object read: the grant is then
    keyed on all its fields."""
    corpus = _corpus(donnees)
    s = next(s for s in corpus.subventions if s.id == "2021-232-0002")
    page = Page("cantons/x.md", "page.md.j2", "X", context={"subs": [s]})
    cle = page.cle("code", render.Empreintes())
    assert cle_lu(s) is not None and s.url_original is None
    corpus.lier_originaux({s.source: {"url": "originaux/recueil.pdf"}})
    assert s.url_original == "originaux/recueil.pdf"
    lie = page.cle("code", render.Empreintes())
    assert lie != cle
    s.montant = Decimal("751")
    assert cle_lu(s) is None
    assert page.cle("code", render.Empreintes()) not in (cle, lie)


def test_many_records_are_told_as_read_by_the_rule_of_one(donnees):
    """`empreintes_valides` (ten years of records at once, the feeds' sources) gives what `empreinte_valide`
    gives each: a field of site_data/ assigned since, even to an equal value, is not the object read."""
    corpus = _corpus(donnees)
    subs, delibs = list(corpus.subventions), list(corpus.deliberations.values())
    lues = empreintes_valides(subs)
    assert len(lues) == 524 and None not in lues and lues == [empreinte_valide(s) for s in subs]
    s = next(s for s in subs if s.id == "2021-232-0002")
    s.montant = Decimal(str(s.montant))  # equal, not the object read
    assert empreintes_valides(subs) == [None if x is s else e for x, e in zip(subs, lues, strict=True)]
    melange = [delibs[0], s, subs[0]]  # (several types: record by record)
    assert empreintes_valides(melange) == [empreinte_valide(delibs[0]), None, lues[0]] and None not in empreintes_valides(delibs)
    assert empreintes_valides([]) == []


def test_the_digests_of_a_build_are_freed_without_the_cyclic_collector(donnees):
    """`Empreintes` holds no cycle (its encoder asks it through a weak reference): once dropped, it and the
    records it kept are freed at once, with the corpus, not left to the cyclic collector (ten years: 590 000
    objects collected in the build's process before MkDocs)."""
    corpus = _corpus(donnees)
    empreintes = render.Empreintes()
    assert empreintes.dumps([corpus.subventions[0], list(corpus.deliberations.values())[0]]).startswith("[")
    ref = weakref.ref(empreintes)
    gc.disable()
    try:
        del empreintes
        assert ref() is None
    finally:
        gc.enable()


def test_a_councillors_pages_are_keyed_on_their_seances_acts_and_their_lines(tmp_path, donnees, rendues, monkeypatch):
    """A councillor's pages hold of the acts of their lines the digest of each séance's acts only
    (`elus.ActesSeance`, made once a build for all who sat): a deliberation's title changed renders again
    the pages that list it, with the new title; a line's statut changed, its person's pages only."""
    monkeypatch.setattr(decoupage, "SEUIL", 10)  # the year pages too
    content, cache = tmp_path / "content", tmp_path / "pages.json"
    write_pages(_pages(_corpus(donnees)), content, cache=cache)
    corpus = _corpus(donnees)
    assert corpus.elus is not None
    personne = corpus.elus.personnes["caroline-matrat"]
    li = personne.lignes[0]
    annee = f"elus/caroline-matrat/{li.date[:4]}.md"
    assert len(personne.lignes) > 10 and (content / annee).is_file()
    d = corpus.deliberations[li.deliberation]
    d.titre = "Titre changé"
    rendues.clear()
    write_pages(_pages(corpus), content, cache=cache)
    elus = {p for p in rendues if p.startswith("elus/")}
    assert annee in elus and "Titre changé" in _lire(content, annee)
    # the pages of everyone who sat in its séance (its acts are one digest), their year's when they have year pages
    assis = [q for q in corpus.elus.personnes.values() if any(x.seance == li.seance for x in q.lignes)]
    assert elus == {f"elus/{q.slug}/{li.date[:4]}.md" if len(q.lignes) > 10 else f"elus/{q.slug}/index.md" for q in assis}
    assert len(assis) > 2
    statut = next(k for k in ("absent", "excuse") if k != li.statut)
    personne.lignes[0] = dataclasses.replace(li, statut=statut)
    rendues.clear()
    write_pages(_pages(corpus), content, cache=cache)
    assert {p for p in rendues if p.startswith("elus/")} == {annee, "elus/caroline-matrat/index.md", "elus/index.md"}  # (and the counts)
    assert personnes.STATUTS[statut] in _lire(content, annee)


def test_a_cantons_key_holds_the_grants_of_its_fractions_of_communes(tmp_path, donnees, rendues):
    """A commune shared by several cantons (Arras, Boulogne-sur-Mer…) is in each one's table with the
    amount of its grants, which their totals leave out (`lieux._collectivite`'s `fraction`): one of those
    grants changed renders again the cantons that share its commune, with the new amount."""
    content, cache = tmp_path / "content", tmp_path / "pages.json"
    write_pages(_pages(_corpus(donnees)), content, cache=cache)
    corpus = _corpus(donnees)
    ref = corpus.ref
    partagees = {c for k in ref.cantons.values() for c in k.get("fraction", []) if corpus.grants_in([c])}
    s = next(s for c in sorted(partagees) for s in corpus.grants_in([c]) if corpus.commune_of(s) == c)
    c = corpus.commune_of(s)
    cantons = sorted(f"cantons/{k['slug']}.md" for k in ref.cantons.values() if c in k.get("fraction", []))
    assert len(cantons) > 1 and all(s not in corpus.grants_in(ref.communes_comptees("canton", code)) for code in ref.cantons)
    total = corpus.total_in([c]) + Decimal("1000")
    s.montant += Decimal("1000")
    rendues.clear()
    write_pages(_pages(corpus), content, cache=cache)
    assert set(cantons) <= set(rendues)
    for chemin in cantons:
        assert f'data-sort="{total}">' in _lire(content, chemin)


def test_an_executive_act_changed_in_its_data_file_renders_again_the_pages_that_show_it(tmp_path, donnees, rendues):
    """An act of the executive stands in the keys of its communes' pages for the digest of its dict of
    site_data/actes (`corpus.cle_lu`, not serialised whole at each of them): its title changed there (as
    an extraction would) renders again exactly the pages whose text changed (the pages of the communes it
    names, its recueil's), as a build from scratch writes them; a next build renders none."""
    copie = tmp_path / "site_data"
    shutil.copytree(donnees, copie)
    content, cache = tmp_path / "content", tmp_path / "pages.json"
    corpus = _corpus(copie)
    acte = next(a for liste in corpus.actes_par_commune.values() for a in liste if a.recueil and len(set(a.communes)) > 1)
    assert cle_lu(acte) is not None
    communes = sorted(f"communes/{corpus.ref.communes[c]['slug']}.md" for c in set(acte.communes))
    write_pages(_pages(corpus), content, cache=cache)
    avant = _textes(content)
    f = copie / "actes" / store.data_name(acte.source)
    data = store.read_json(f)
    (x,) = [x for x in data["recueil"]["actes_executif"] if x["line"] == acte.line]
    assert x["titre"] == acte.titre
    x["titre"] = "Arrêté modifié <b>"
    store.write_json(f, data)
    apres = _reecrire(copie, content, cache, rendues)
    changees = sorted(k for k in apres if apres[k] != avant.get(k))
    assert set(communes) < set(changees) and f"recueils/{acte.recueil}.md" in changees
    # (and the index of the recueils, keyed on them whole, sommaire included, which shows no act)
    assert sorted(rendues) == sorted([*changees, "recueils/index.md"])
    for chemin in communes:
        assert "Arrêté modifié &lt;b&gt;" in apres[chemin] and acte.titre not in apres[chemin]
    _comme_de_zero(tmp_path, copie, content, cache, rendues)


def test_an_executive_act_assigned_since_reading_is_keyed_whole(donnees):
    """An act one of whose fields of site_data/ was assigned after reading (`a.page = …`) is not the object
    read: keyed on all its fields, its change is seen."""
    corpus = _corpus(donnees)
    acte = next(a for liste in corpus.actes_par_commune.values() for a in liste)
    page = Page("communes/x.md", "page.md.j2", "X", donnees={"actes": [acte]}, contexte=lambda d, t: d)
    cle = page.cle("code", render.Empreintes())
    assert cle_lu(acte) is not None and cle is not None
    acte.page = (acte.page or 0) + 1
    assert cle_lu(acte) is None
    assert page.cle("code", render.Empreintes()) not in (cle, None)


def test_a_presence_changed_in_its_data_file_renders_again_the_pages_that_show_it(tmp_path, donnees, rendues, monkeypatch):
    """A councillor printed among the excused instead of the present of one deliberation (as an extraction
    of a corrected list would): their pages (their year's, their page's attendance), the index's counts and
    the deliberation's page are rendered again, every page whose text changed, as a build from scratch
    writes them; a next build renders none."""
    monkeypatch.setattr(decoupage, "SEUIL", 10)  # the year pages too
    copie = tmp_path / "site_data"
    shutil.copytree(donnees, copie)
    content, cache = tmp_path / "content", tmp_path / "pages.json"
    corpus = _corpus(copie)
    assert corpus.elus is not None
    personne = corpus.elus.personnes["caroline-matrat"]
    li = next(x for x in personne.lignes if x.statut == "present")
    d = corpus.deliberations[li.deliberation]
    write_pages(_pages(corpus), content, cache=cache)
    avant = _textes(content)
    f = copie / "actes" / store.data_name(d.source)
    data = store.read_json(f)
    x = next(x for x in data["deliberations"] if x["id"] == d.id)
    x["attendance"]["presents"].remove(li.nom_imprime)
    x["attendance"]["excuses"].append(li.nom_imprime)
    store.write_json(f, data)
    apres = _reecrire(copie, content, cache, rendues)
    changees = sorted(k for k in apres if apres[k] != avant.get(k))
    annee = f"elus/caroline-matrat/{li.date[:4]}.md"
    assert {annee, "elus/caroline-matrat/index.md", "elus/index.md", f"deliberations/{d.id}/index.md"} <= set(changees)
    # (and, unchanged, the pages keyed on the deliberation whole: its grants' lists, its séance's other councillors)
    assert set(changees) < set(rendues)
    assert personnes.STATUTS["excuse"] in apres[annee]
    _comme_de_zero(tmp_path, copie, content, cache, rendues)


def test_a_published_record_is_keyed_by_its_digest_and_each_field_it_adds(donnees):
    """A grant or an act of the executive read by the corpus stands in a key for the digest of its dict of
    site_data/ and the fields its published view adds (`Empreintes._tenant`, made without the JSON
    encoder): each of those changed changes the key of a page listing it, a string's quotes and
    separators escaped (a field's end moved into the next one is another key)."""
    corpus = _corpus(donnees)
    s = next(s for s in corpus.subventions if s.id == "2021-232-0002")
    assert cle_lu(s) is not None and s.commune_ref is not None

    def cle(*records: object) -> str | None:
        return Page("cantons/x.md", "page.md.j2", "X", context={"subs": list(records)}).cle("code", render.Empreintes())

    vues = {cle(s)}
    for champ, valeur in (
        ("date", s.date + "1"),
        ("affiche", dataclasses.replace(s.affiche, nom=s.affiche.nom + " (modifié)")),
        ("affiche", dataclasses.replace(s.affiche, incertain=not s.affiche.incertain)),
        ("commune_ref", {**s.commune_ref, "nom": "Autre"}),
        ("commune_ref", None),
        ("url_original", "originaux/x.pdf"),
    ):
        setattr(s, champ, valeur)
        assert cle_lu(s) is not None  # (still keyed by its digest: an added field is not one of site_data/)
        vues.add(cle(s))
    s.acte.titre += " (modifié)"  # (its deliberation's view: `vue_deliberation`)
    vues.add(cle(s))
    assert len(vues) == 8 and None not in vues
    a = next(a for actes_ in corpus.actes_par_commune.values() for a in actes_)
    assert cle_lu(a) is not None
    cles = set()
    for recueil, source in (("a", "b\x1fc"), ("a\x1fb", "c"), ("a", 'b"\x1f"c'), ('a"\x1f"b', "c"), (None, "c"), ("null", "c")):
        a.recueil, a.source = recueil, source
        cles.add(cle(a))
    assert len(cles) == 6 and None not in cles

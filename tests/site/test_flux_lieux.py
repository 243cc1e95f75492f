"""A feed per commune, canton, EPCI, territoire and dispositif (issue 21, item 4): valid Atom (RFC 4287)
from the real corpus, announced by its page, deterministic, its text escaped."""

from __future__ import annotations

import html
import json
import re
import shutil
import xml.etree.ElementTree as ET
from decimal import Decimal
from urllib.parse import urljoin

import pytest

from generator.commun import store
from generator.commun.formats import montant_fr
from generator.lieux import places
from generator.publication import verification
from generator.records.corpus import Corpus, SubventionPubliee
from generator.site import abonnement
from generator.site.pages import flux

A = "{http://www.w3.org/2005/Atom}"
ADRESSE = "https://exemple.fr/recueil/"


@pytest.fixture(scope="module")
def corpus(donnees):
    return Corpus.load(donnees, places.reference())


@pytest.fixture(scope="module")
def feeds(corpus):
    return dict(flux.flux_lieux(corpus))


def _entries(text: str) -> list[dict]:
    root = ET.fromstring(text.encode("utf-8"))
    return [
        {
            "id": e.findtext(f"{A}id"),
            "title": e.findtext(f"{A}title"),
            "link": e.find(f"{A}link").get("href"),
            "updated": e.findtext(f"{A}updated"),
            "summary": e.findtext(f"{A}summary"),
        }
        for e in root.findall(f"{A}entry")
    ]


def _rfc4287(text: str) -> ET.Element:
    """What RFC 4287 requires of a feed and of each entry (4.1.1, 4.1.2): parsed as XML."""
    root = ET.fromstring(text.encode("utf-8"))
    assert root.tag == f"{A}feed"
    for tag in ("id", "title", "updated"):
        assert root.findtext(f"{A}{tag}"), tag
    assert root.find(f"{A}author/{A}name") is not None
    assert [x.get("href") for x in root.findall(f"{A}link") if x.get("rel") == "self"]
    ids = [e.findtext(f"{A}id") for e in root.findall(f"{A}entry")]
    assert len(ids) == len(set(ids))
    for e in root.findall(f"{A}entry"):
        for tag in ("id", "title", "updated", "summary"):
            assert e.findtext(f"{A}{tag}"), tag
        assert e.find(f"{A}link").get("href")
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT00:00:00Z", e.findtext(f"{A}updated"))
    return root


def test_every_place_and_scheme_has_a_valid_feed(corpus, feeds):
    ref = corpus.ref
    n = len(ref.communes) + len(ref.cantons) + len(ref.epci) + len(ref.territoires)
    dispositifs = [k for k in feeds if k.startswith("flux/dispositifs-")]
    assert len(feeds) == n + len(dispositifs) and len(dispositifs) == 10
    assert len(ref.communes) == 887 and "flux/communes-wancourt.xml" in feeds and "flux/cantons-arras-3.xml" in feeds
    for text in feeds.values():
        _rfc4287(text)
        assert len(_entries(text)) <= flux.MAX_ENTREES_LIEU


def test_wancourt_lists_its_grant_its_deliberation_and_the_act_naming_it(feeds):
    text = feeds["flux/communes-wancourt.xml"]
    root = _rfc4287(text)
    assert root.findtext(f"{A}id") == "urn:recueil-pas-de-calais:flux:communes/wancourt"
    assert root.findtext(f"{A}title") == "Wancourt : nouvelles subventions et délibérations"
    assert root.findtext(f"{A}updated") == "2021-07-08T00:00:00Z"  # the newest entry's date (recueil n° 6, displayed 8 July 2021)
    assert '<link rel="self" type="application/atom+xml" href="communes-wancourt.xml"/>' in text  # relative without SITE_URL
    assert '<link href="../communes/wancourt/"/>' in text  # its page, relative to the feed's address
    entries = {e["id"]: e for e in _entries(text)}
    grant = entries["urn:recueil-pas-de-calais:subvention:2021-243-0179"]
    assert grant["title"] == "3\u202f107,00\u00a0€ — Commune de Wancourt"
    assert grant["link"] == "../deliberations/2021-243/#2021-243-0179"
    assert grant["updated"] == "2021-07-05T00:00:00Z"
    assert "Délibération 2021-243 (Commission permanente du 7 juin 2021)" in grant["summary"]
    assert "Changement de portes à l'école et à la mairie" in grant["summary"]
    delib = entries["urn:recueil-pas-de-calais:deliberation:2021-243"]  # the id the site-wide feed gives it
    assert delib["title"] == "2021-243 — PROGRAMMATION FARDA AMENAGEMENT" and delib["link"] == "../deliberations/2021-243/"
    acte = entries["urn:recueil-pas-de-calais:acte:2021-06-n6:417"]
    assert acte["title"].startswith("RD D37E1 au territoire de la commune de Wancourt") and acte["link"] == "../recueils/2021-06-n6/"
    assert len(entries) == 4
    assert [e["updated"][:10] for e in _entries(text)] == sorted((e["updated"][:10] for e in _entries(text)), reverse=True)


def test_baincthun_lists_its_three_grants_with_amount_and_deliberation(feeds):
    grants = [e for e in _entries(feeds["flux/communes-baincthun.xml"]) if ":subvention:" in e["id"]]
    assert sorted((e["title"], e["link"]) for e in grants) == [
        ("15\u202f000,00\u00a0€ — Commune de Baincthun", "../deliberations/2021-239/#2021-239-0009"),
        ("3\u202f500,00\u00a0€ — Commune de Baincthun", "../deliberations/2021-243/#2021-243-0079"),
        ("87\u202f500,00\u00a0€ — Commune de Baincthun", "../deliberations/2021-243/#2021-243-0095"),
    ]


def test_a_place_without_grant_nor_act_has_an_empty_valid_feed(corpus, feeds):
    text = feeds["flux/communes-ablainzevelle.xml"]
    root = _rfc4287(text)
    assert root.findall(f"{A}entry") == []
    assert flux.mise_a_jour(corpus) == "2023-12-12"
    assert root.findtext(f"{A}updated") == "2023-12-12T00:00:00Z"  # the newest act published, never the clock


def test_feeds_of_an_epci_and_a_scheme(feeds):
    epci = _entries(feeds["flux/epci-ca-du-pays-de-saint-omer.xml"])
    # more than 50 grants and deliberations: the latest 50, its own grant of 2019 (2019-117-0006) left out
    assert len(epci) == flux.MAX_ENTREES_LIEU and min(e["updated"] for e in epci) == "2021-06-24T00:00:00Z"
    assert "urn:recueil-pas-de-calais:subvention:2019-117-0006" not in {e["id"] for e in epci}
    farda = _entries(feeds["flux/dispositifs-farda-amenagement.xml"])
    assert len(farda) == flux.MAX_ENTREES_LIEU  # 179 grants of 2021-243 and its deliberation: the latest 50
    assert farda[0]["id"] == "urn:recueil-pas-de-calais:deliberation:2021-243"


def test_absolute_links_and_self_with_site_url(corpus):
    text = dict(flux.flux_lieux(corpus, ADRESSE))["flux/communes-wancourt.xml"]
    assert f'<link rel="self" type="application/atom+xml" href="{ADRESSE}flux/communes-wancourt.xml"/>' in text
    assert f'<link href="{ADRESSE}communes/wancourt/"/>' in text
    assert f'<link href="{ADRESSE}deliberations/2021-243/#2021-243-0179"/>' in text


def test_feeds_are_deterministic(corpus, feeds):
    assert dict(flux.flux_lieux(corpus)) == feeds


def test_source_text_is_escaped():
    e = flux.Entree("urn:x:1", "<script>alert(1)</script> & « R&D »", "deliberations/x/", "2021-06-07", 'a "b" <c>')
    text = flux.document("urn:x", "T<&>", "S", "flux/communes-x.xml", "communes/x/", [e], "2000-01-01", "", 50)
    root = _rfc4287(text)
    assert root.findtext(f"{A}title") == "T<&>"
    assert _entries(text)[0]["title"] == "<script>alert(1)</script> & « R&D »" and "<script>" not in text
    assert _entries(text)[0]["summary"] == 'a "b" <c>'


def test_pages_announce_their_feed(site):
    """A place's or a scheme's page announces its feed in its <head> (first, then the site's) and by its visible
    « S'abonner » link; the feed is flux/<dossier>-<slug>.xml, beside flux/sitemap.xml."""
    page = (site / "communes" / "wancourt" / "index.html").read_text("utf-8")
    head = page[: page.index("</head>")]
    assert (
        '<link rel="alternate" type="application/atom+xml" title="Wancourt : nouvelles subventions et délibérations" '
        'href="../../flux/communes-wancourt.xml">'
    ) in head
    assert head.count('rel="alternate"') == 2 and 'title="Recueils et délibérations publiés" href="../../flux.xml"' in head
    assert head.index("communes-wancourt.xml") < head.index("Recueils et délibérations publiés")  # its own feed first
    assert (
        '<a rel="alternate" href="../../flux/communes-wancourt.xml" type="application/atom+xml" '
        'title="Wancourt : nouvelles subventions et délibérations">S\'abonner aux nouvelles subventions et délibérations</a>'
    ) in page
    root = _rfc4287((site / "flux" / "communes-wancourt.xml").read_text("utf-8"))
    assert root.findtext(f"{A}title") == "Wancourt : nouvelles subventions et délibérations"
    canton = (site / "cantons" / "arras-3" / "index.html").read_text("utf-8")
    assert 'title="Canton d&#x27;Arras-3 : nouvelles subventions et délibérations" href="../../flux/cantons-arras-3.xml">' in canton
    assert 'title="Canton d&#39;Arras-3 : nouvelles subventions et délibérations">S\'abonner' in canton  # escaped, both
    assert (site / "flux" / "cantons-arras-3.xml").is_file() and (site / "flux" / "territoires-arrageois.xml").is_file()
    disp = (site / "dispositifs" / "farda-amenagement" / "index.html").read_text("utf-8")
    assert (
        '<link rel="alternate" type="application/atom+xml" title="Dispositif « FARDA aménagement » : nouvelles subventions '
        'et délibérations" href="../../flux/dispositifs-farda-amenagement.xml">'
    ) in disp
    assert 'href="../../flux/dispositifs-farda-amenagement.xml" type="application/atom+xml"' in disp
    vide = (site / "communes" / "ablainzevelle" / "index.html").read_text("utf-8")
    assert 'href="../../flux/communes-ablainzevelle.xml">' in vide and (site / "flux" / "communes-ablainzevelle.xml").is_file()
    delib = (site / "deliberations" / "2021-243" / "index.html").read_text("utf-8")
    assert delib.count('rel="alternate"') == 1 and "flux/" not in delib  # not a place: the site's feed only
    assert not list((site / "communes").glob("*/flux.xml"))  # the former layout, a feed in the page's folder


def test_the_feeds_sitemap_is_empty_without_site_url(site):
    """No address without SITE_URL: an empty urlset, as MkDocs' own sitemap.xml."""
    assert (site / "flux" / "sitemap.xml").read_text("utf-8") == (
        '<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n</urlset>\n'
    )
    assert ET.parse(site / "sitemap.xml").getroot().tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}urlset"


def test_the_feeds_sitemap_lists_them_sorted():
    text = flux.plan(["flux/epci-b.xml", "flux/communes-a&b.xml"], "https://exemple.fr/r")
    locs = [x.text for x in ET.fromstring(text.encode("utf-8")).iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert locs == ["https://exemple.fr/r/flux/communes-a&b.xml", "https://exemple.fr/r/flux/epci-b.xml"]
    assert "a&amp;b" in text and flux.plan([], "https://exemple.fr/r") == flux.plan(["flux/x.xml"], "")


def test_no_page_makes_material_fetch_a_missing_sitemap(site):
    """Material fetches new URL("sitemap.xml", href) for every <link rel="alternate"> of a page's head: for every
    page of the site, the feed each announces and the sitemap beside it are files of the site."""
    lien = re.compile(r"<link\b[^>]*>")
    vus, pages = set(), 0
    for f in sorted(site.rglob("*.html")):
        tete = f.read_text("utf-8").split("</head>", 1)[0]
        adresse = "https://site.test/" + f.relative_to(site).as_posix()
        for balise in lien.findall(tete):
            if 'rel="alternate"' in balise:
                href = html.unescape(re.search(r'href="([^"]*)"', balise).group(1))
                vus.add(urljoin(adresse, href))
        pages += 1
    cibles = {u.removeprefix("https://site.test/") for u in vus}
    assert pages > 1000 and "flux.xml" in cibles and "flux/communes-wancourt.xml" in cibles
    assert len(cibles) > 900  # the site's feed and one per place and scheme (887 communes alone)
    manquants = sorted(c for c in cibles | {urljoin(c, "sitemap.xml") for c in cibles} if not (site / c).is_file())
    assert manquants == []
    assert {urljoin(c, "sitemap.xml") for c in cibles} == {"sitemap.xml", "flux/sitemap.xml"}


def test_the_built_site_is_refused_without_the_feeds_its_pages_announce(site, tmp_path):
    assert verification._flux(site, verification.Attendu(flux=["flux/communes-wancourt.xml", "flux/dispositifs-fien.xml"])) == []
    (tmp_path / "flux").mkdir()
    (tmp_path / "flux" / "communes-x.xml").write_text("<feed>", encoding="utf-8")  # cut short
    assert verification._flux(tmp_path, verification.Attendu(flux=["flux/communes-x.xml", "flux/communes-y.xml"])) == [
        "3 flux Atom de lieu ou de dispositif (ou leur plan, sitemap.xml) absent(s) ou illisible(s), dont flux/communes-x.xml, flux/communes-y.xml, flux/sitemap.xml"
    ]


def test_writing_the_feeds_removes_stale_ones_and_the_former_layout(corpus, feeds, tmp_path):
    (tmp_path / "flux").mkdir()
    (tmp_path / "flux" / "communes-disparue.xml").write_text("<feed/>", encoding="utf-8")  # no page announces it any more
    (tmp_path / "communes" / "wancourt").mkdir(parents=True)
    (tmp_path / "communes" / "wancourt" / "flux.xml").write_text("<feed/>", encoding="utf-8")  # the former layout
    (tmp_path / "communes" / "wancourt.md").write_text("page", encoding="utf-8")
    ecrits = flux.ecrire_flux_lieux(corpus, tmp_path)
    assert sorted(p.relative_to(tmp_path).as_posix() for p in ecrits) == sorted(feeds)
    assert sorted(p.name for p in (tmp_path / "flux").iterdir()) == sorted([*(k.removeprefix("flux/") for k in feeds), "sitemap.xml"])
    assert (tmp_path / "flux" / "communes-wancourt.xml").read_text("utf-8") == feeds["flux/communes-wancourt.xml"]
    assert sorted(p.relative_to(tmp_path).as_posix() for p in (tmp_path / "communes").rglob("*")) == ["communes/wancourt.md"]


def test_an_unchanged_feed_is_neither_read_back_nor_written_again(corpus, feeds, tmp_path, monkeypatch):
    """With `.cache/flux.json`, a feed whose text and file are those of the last build is left alone
    (not read back: `store.Ecrits` trusts its file identity); one edited in place is written again."""
    content, cache = tmp_path / "content", tmp_path / "flux.json"
    ecrits: list[str] = []
    vrai = store.Ecrits.ecrire

    def ecrire(self, nom, chemin, data, *args, **kwargs):
        ecrits.append(chemin.relative_to(content).as_posix())
        return vrai(self, nom, chemin, data, *args, **kwargs)

    monkeypatch.setattr(store.Ecrits, "ecrire", ecrire)
    flux.ecrire_flux_lieux(corpus, content, cache=cache)
    assert sorted(ecrits) == sorted(feeds) and len(feeds) > 900
    ecrits.clear()
    lus: list[str] = []
    monkeypatch.setattr(store, "_identique", lambda p, d: lus.append(str(p)) or False)  # (what write_bytes compares)
    flux.ecrire_flux_lieux(corpus, content, cache=cache)
    assert ecrits == [] and sorted(lus) == sorted([str(content / "flux" / "sitemap.xml"), str(cache)])  # those two only
    f = content / "flux" / "communes-wancourt.xml"
    f.write_text("<feed/>", encoding="utf-8")  # edited in place: another size and date
    flux.ecrire_flux_lieux(corpus, content, cache=cache)
    assert ecrits == ["flux/communes-wancourt.xml"] and f.read_text("utf-8") == feeds["flux/communes-wancourt.xml"]


def test_a_feed_holds_the_newest_of_all_its_entries(corpus, feeds):
    """`flux_lieux` makes only the entries a feed keeps (chosen by their order, without their text):
    the same feed as one made of all its entries (`document` keeps the newest)."""
    par_lieu = flux.subventions_par_lieu(corpus)
    recueils = {r.slug: r for r in corpus.recueils}
    defaut = flux.mise_a_jour(corpus) or "2000-01-01"
    plus = 0
    for kind, code, a in abonnement.lieux(corpus.ref):
        subs = par_lieu.get((kind, code), [])
        ids = set(corpus.delib_lieux.get((kind, code), set())) | {s.deliberation for s in subs}
        toutes = [flux._subvention(s) for s in subs] + [
            flux._deliberation(i, corpus.deliberations[i]) for i in ids if i in corpus.deliberations
        ]
        if kind == "commune":
            actes = (flux._acte(x, recueils[x.recueil]) for x in corpus.actes_par_commune.get(code, []) if x.recueil in recueils)
            toutes += [e for e in actes if e is not None]
        plus += len(toutes) > flux.MAX_ENTREES_LIEU
        assert feeds[a.chemin] == flux._document_de(a, toutes, defaut, "")
    assert plus > 0  # some feeds keep only their newest entries


def test_an_entrys_order_is_known_without_its_text(corpus):
    for s in corpus.subventions:
        assert flux._ordre_subvention(s) == flux._ordre(flux._subvention(s))
    for i, d in corpus.deliberations.items():
        assert flux._ordre_deliberation(i, d) == flux._ordre(flux._deliberation(i, d))
    recueils = {r.slug: r for r in corpus.recueils}
    actes = [(x, recueils[x.recueil]) for xs in corpus.actes_par_commune.values() for x in xs if x.recueil in recueils]
    assert len(actes) > 10  # the corpus' acts of the executive naming a commune
    for x, r in actes:
        e = flux._acte(x, r)
        assert e is not None and flux._ordre_acte(x, r, flux._date_recueil(r)) == flux._ordre(e)
    x, r = actes[0]
    assert flux._ordre_acte(x, r, None) is None  # an undated recueil's act: in no feed


def test_a_feed_is_made_again_when_one_of_its_grants_changes(donnees, feeds, tmp_path):
    """A grant's amount changed: the feeds that show it (its commune's, canton's, EPCI's, territoire's,
    scheme's) are written again with the new amount, the others are left alone (`.cache/flux.json`)."""
    corpus = Corpus.load(donnees, places.reference())
    content, cache = tmp_path / "content", tmp_path / "flux.json"
    flux.ecrire_flux_lieux(corpus, content, cache=cache)
    s = corpus.grants_in(["62873"])[0]  # Wancourt's newest grant: in its feed's entries
    avant = montant_fr(s.montant)
    s.montant += Decimal("1000.01")
    apres = dict(flux.flux_lieux(corpus))
    changes = sorted(k for k in feeds if apres[k] != feeds[k])
    assert changes == sorted(k for k in feeds if f"subvention:{s.id}<" in feeds[k])  # (its date, hence its place, unchanged)
    assert "flux/communes-wancourt.xml" in changes and len(changes) < len(feeds) / 10
    for k in changes:
        entree = next(e for e in _entries(apres[k]) if e["id"] == f"{flux.URN}subvention:{s.id}")
        assert entree["title"] == f"{montant_fr(s.montant)} — {s.affiche.nom}" != f"{avant} — {s.affiche.nom}"
    dates = {k: (content / k).stat().st_mtime_ns for k in feeds}
    flux.ecrire_flux_lieux(corpus, content, cache=cache)
    for k in feeds:
        assert (content / k).read_text("utf-8") == apres[k]
        assert ((content / k).stat().st_mtime_ns != dates[k]) == (k in changes), k


def _montant_change(corpus: Corpus, donnees, tmp_path) -> tuple[SubventionPubliee, dict, Corpus]:
    """Wancourt's newest grant (in its feed's entries), 1 000,01 € more in a copy of site_data/: the grant,
    its record there, and the corpus of that copy."""
    modifiees = tmp_path / "site_data"
    shutil.copytree(donnees, modifiees)
    s = corpus.grants_in(["62873"])[0]
    f = modifiees / "subventions" / store.data_name(s.source)
    d = json.loads(f.read_text("utf-8"))
    (x,) = [x for x in d["subventions"] if x["id"] == s.id]
    x["montant"] = str(Decimal(x["montant"]) + Decimal("1000.01"))
    f.write_text(json.dumps(d, ensure_ascii=False), "utf-8")
    return s, x, Corpus.load(modifiees, places.reference())


def test_feeds_are_made_only_when_what_they_show_changed_in_site_data(donnees, feeds, tmp_path, monkeypatch):
    """Keyed on what their entries read (`.cache/flux.json`): a build without change makes no feed (no
    text, no write); a grant's amount changed in site_data/ makes again exactly the feeds that show it,
    each as a build from scratch makes it."""
    corpus = Corpus.load(donnees, places.reference())
    content, cache = tmp_path / "content", tmp_path / "flux.json"
    flux.ecrire_flux_lieux(corpus, content, cache=cache)
    faits: list[str] = []
    vrai = flux.document
    monkeypatch.setattr(
        flux, "document", lambda id_, titre, sous_titre, chemin, *a: faits.append(chemin) or vrai(id_, titre, sous_titre, chemin, *a)
    )
    ecrits: list[str] = []
    ecrire = store.Ecrits.ecrire
    monkeypatch.setattr(store.Ecrits, "ecrire", lambda self, nom, *a, **k: ecrits.append(nom) or ecrire(self, nom, *a, **k))
    flux.ecrire_flux_lieux(corpus, content, cache=cache)
    assert faits == [] and ecrits == []

    s, x, apres = _montant_change(corpus, donnees, tmp_path)
    flux.ecrire_flux_lieux(apres, content, cache=cache)
    montrent = sorted(k for k, texte in feeds.items() if f"subvention:{s.id}<" in texte)
    assert "flux/communes-wancourt.xml" in montrent and sorted(faits) == sorted(ecrits) == montrent
    neuf = tmp_path / "neuf"
    flux.ecrire_flux_lieux(apres, neuf)
    for k in feeds:
        assert (content / k).read_bytes() == (neuf / k).read_bytes(), k
    assert f"{montant_fr(Decimal(x['montant']))} — " in (content / "flux/communes-wancourt.xml").read_text("utf-8")


def test_a_feed_none_of_whose_sources_changed_chooses_no_entry(donnees, feeds, tmp_path, monkeypatch):
    """`flux._Sources`: a build without change chooses no feed's entries (ten years of candidates are not
    even ranked); a grant changed in site_data/ makes choose again exactly the feeds with a candidate of
    its source, written as a build from scratch writes them, and then none again."""
    corpus = Corpus.load(donnees, places.reference())
    content, cache = tmp_path / "content", tmp_path / "flux.json"
    flux.ecrire_flux_lieux(corpus, content, cache=cache)
    choisis: list[str] = []
    vrai = flux._Choix.__call__
    monkeypatch.setattr(flux._Choix, "__call__", lambda self, lieu: choisis.append(lieu.a.chemin) or vrai(self, lieu))
    flux.ecrire_flux_lieux(corpus, content, cache=cache)
    assert choisis == []

    s, _, apres = _montant_change(corpus, donnees, tmp_path)
    flux.ecrire_flux_lieux(apres, content, cache=cache)
    de_la_source = sorted(
        lieu.a.chemin
        for lieu in flux._lieux(apres)
        if s.source
        in {*(t.source for t in lieu.subs), *(apres.deliberations[i].source for i in lieu.ids() if i in apres.deliberations)}
        | {a.source for a in lieu.actes}
    )
    assert "flux/communes-wancourt.xml" in de_la_source and sorted(choisis) == de_la_source and len(de_la_source) < len(feeds)
    neuf = tmp_path / "neuf"
    flux.ecrire_flux_lieux(apres, neuf)
    for k in feeds:
        assert (content / k).read_bytes() == (neuf / k).read_bytes(), k
    choisis.clear()
    flux.ecrire_flux_lieux(apres, content, cache=cache)
    assert choisis == []

"""The Lexique (issue 20, item 5): definitions resting on the corpus' own words, the first occurrence
of each acronym on a page linked to them (never inside a link, a heading or an attribute), and each
scheme's page opening with what it funds."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from generator.lieux import places
from generator.records.corpus import Corpus
from generator.site import lexique

from site_helpers import article_html, article_links


@pytest.fixture(scope="module")
def corpus(donnees) -> Corpus:
    return Corpus.load(donnees, places.reference())


def test_every_definition_is_found_in_the_deliberation_it_quotes(corpus):
    for t in lexique.TERMES:
        if t.source:
            assert lexique.verifier(corpus, t.source, t.citation), t.sigle
    for nom, d in lexique.DISPOSITIFS.items():
        if d.source:
            assert lexique.verifier(corpus, d.source, d.citation), nom
    assert lexique.verifier(corpus, "2021-239", "ce texte n'y est pas") is None
    assert lexique.verifier(corpus, "2099-1", "FARDA") is None  # a deliberation the site does not publish: no quotation


def test_every_scheme_of_the_corpus_has_its_sentence(corpus):
    noms = {s.dispositif or "Autres subventions" for s in corpus.subventions}
    assert noms <= set(lexique.DISPOSITIFS)
    assert (
        lexique.dispositif("Fonds imaginaire").phrase
        == "Subventions que les délibérations accordent au titre du dispositif « Fonds imaginaire »."
    )


def test_link_first_occurrence_only_in_text():
    page = (
        '<h2>FARDA</h2><p title="FARDA">Le <a href="x">FARDA</a> et l\'EPCI.</p>'
        "<p>FARDA voirie, FARDA encore ; CP20210607-27 ; EPCIs</p><summary>DECI</summary><td>DECI &amp; AVC</td>"
    )
    out = lexique.lier(page, "../")
    assert out.count("rpc-terme") == 4  # EPCI, FARDA (3rd occurrence, the first in plain text), DECI in the cell, AVC
    assert out.startswith('<h2>FARDA</h2><p title="FARDA">Le <a href="x">FARDA</a> et l\'<a class="rpc-terme" href="../lexique/#epci"')
    assert (
        '<p><a class="rpc-terme" href="../lexique/#farda" title="Fonds d&#x27;aménagement rural et de développement agricole">FARDA</a> voirie, FARDA encore'
        in out
    )
    assert "CP20210607-27 ; EPCIs" in out and "<summary>DECI</summary>" in out
    assert lexique.lier("<p>Rien à lier.</p>", "../") == "<p>Rien à lier.</p>"


def test_link_never_enters_svg_code_or_comments():
    page = "<svg><title>EPCI</title><text>EPCI</text></svg><!-- EPCI --><code>EPCI</code><pre>EPCI</pre><p>EPCI</p>"
    out = lexique.lier(page, "")
    assert out == page.replace(
        "<p>EPCI</p>",
        '<p><a class="rpc-terme" href="lexique/#epci" title="Établissement public de coopération intercommunale">EPCI</a></p>',
    )


def _marques(html: str) -> str:
    """The page with each link of the lexique written [SIGLE→href], to read what was linked where."""
    return re.sub(r'<a class="rpc-terme" href="([^"]*)" title="[^"]*">([^<]*)</a>', r"[\2→\1]", html)


def test_link_skips_attributes_comments_and_table_headers():
    page = '<p title="EPCI et FARDA"><!-- FARDA --></p><table><tr><th>CP</th><td>CP 2021</td></tr></table><p>FARDA</p>'
    assert _marques(lexique.lier(page, "../")) == (
        '<p title="EPCI et FARDA"><!-- FARDA --></p><table><tr><th>CP</th><td>[CP→../lexique/#cp] 2021</td></tr></table>'
        "<p>[FARDA→../lexique/#farda]</p>"
    )  # EPCI stands only in an attribute: not linked at all
    assert lexique.lier("<p>Un <!-- commentaire --> puis EPCI <!-- EPCI --></p>", "") == (
        '<p>Un <!-- commentaire --> puis <a class="rpc-terme" href="lexique/#epci" '
        'title="Établissement public de coopération intercommunale">EPCI</a> <!-- EPCI --></p>'
    )


def test_a_closing_tag_with_none_open_is_not_counted():
    assert _marques(lexique.lier("</a></h2><p>EPCI</p>", "")) == "</a></h2><p>[EPCI→lexique/#epci]</p>"
    # the stray </a> leaves the depth at zero: the EPCI of the link that follows is inside it, the second one is not
    assert _marques(lexique.lier('</a><a href="x">EPCI</a> et DECI ; EPCI', "")) == (
        '</a><a href="x">EPCI</a> et [DECI→lexique/#deci] ; [EPCI→lexique/#epci]'
    )
    assert _marques(lexique.lier("</A ></a><A>x</a> FARDA <ABBR>CP</abbr>", "")) == (
        "</A ></a><A>x</a> [FARDA→lexique/#farda] <ABBR>CP</abbr>"
    )  # tags in capitals count as well


def test_a_term_inside_a_longer_word_is_skipped_for_the_next():
    page = "<p>ESSAI, ESMS puis ESS ; xEPCI, EPCI-2 et (EPCI)</p>"
    assert _marques(lexique.lier(page, "../")) == (
        "<p>ESSAI, [ESMS→../lexique/#esms] puis [ESS→../lexique/#ess] ; xEPCI, EPCI-2 et ([EPCI→../lexique/#epci])</p>"
    )
    page = "<p>ÉFARDA, FARDAé, FARDA2 ; l’FARDA\u00a0: DECIÉ, ΣDECI, DECI</p>"  # letters beyond ASCII are letters too
    assert _marques(lexique.lier(page, "")) == (
        "<p>ÉFARDA, FARDAé, FARDA2 ; l’[FARDA→lexique/#farda]\u00a0: DECIÉ, ΣDECI, [DECI→lexique/#deci]</p>"
    )


def test_variants_link_their_term_once(monkeypatch):
    termes = (
        lexique.Terme("FARDA", "Fonds d'aménagement rural", "x", variantes=("FA", "Farda")),
        lexique.Terme("FAR", "Autre", "x"),
        lexique.Terme("EPCI", "Intercommunalité", "x", variantes=("E.P.C.I.",)),
    )
    monkeypatch.setattr(lexique, "_FORMES", lexique._Formes(termes))
    page = '<p title="Farda">FARDAS, <a>FA</a> le FAR ; Farda, FARDA, FA et les E.P.C.I. ; EPCI</p>'
    assert _marques(lexique.lier(page, "")) == (
        '<p title="Farda">FARDAS, <a>FA</a> le [FAR→lexique/#far] ; [Farda→lexique/#farda], FARDA, FA et les '
        "[E.P.C.I.→lexique/#epci] ; EPCI</p>"
    )


def test_tree_of_words_matches_the_words_longest_first():
    assert lexique._arbre(["ESS", "ESMS", "EPCI", "FIEN", "FIEET"]) == "E(?:PCI|S(?:MS|S))|FIE(?:ET|N)"
    assert lexique._arbre(["a", "abbr", "h1", "h2"]) == "a(?:bbr)?|h(?:1|2)"
    arbre = re.compile(lexique._arbre(["FA", "FAR", "FARDA", "CP"]))
    assert arbre.findall("FARDAS FARD FA CPA FAR") == ["FARDA", "FAR", "FA", "CP", "FAR"]


class _Imbrication(HTMLParser):
    """Links inside links or headings, on a built page."""

    def __init__(self):
        super().__init__()
        self.pile: list[str] = []
        self.fautes: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a" and dict(attrs).get("class") == "rpc-terme":
            dedans = [t for t in self.pile if t in ("a", "h1", "h2", "h3", "h4", "h5", "h6", "summary", "th", "caption", "nav")]
            if dedans:
                self.fautes.append("/".join(dedans))
        if tag not in ("br", "img", "input", "meta", "link", "hr", "source", "wbr", "path", "rect", "circle", "line", "polygon"):
            self.pile.append(tag)

    def handle_endtag(self, tag):
        if tag in self.pile:
            while self.pile and self.pile.pop() != tag:
                pass


def test_built_pages_link_each_term_once_and_never_inside_a_link_or_heading(site):
    pages = sorted(site.rglob("index.html"))
    assert len(pages) > 1000
    lies = 0
    for f in pages:
        h = f.read_text("utf-8")
        termes = re.findall(r'<a class="rpc-terme" href="[^"]*#([a-z0-9-]+)"', h)
        assert len(termes) == len(set(termes)), f
        lies += len(termes)
        p = _Imbrication()
        p.feed(h)
        assert not p.fautes, (f, p.fautes[:3])
    assert lies > 1000
    assert "lexique" not in "".join(re.findall(r'rpc-terme" href="([^"]*)"', (site / "lexique" / "index.html").read_text("utf-8")))


@pytest.mark.usefixtures("site")
def test_baincthun_links_deci_and_avc_once_to_the_lexique():
    h = article_html("communes/baincthun/")
    assert h.count('href="../../lexique/#deci"') == 1 and h.count('href="../../lexique/#avc"') == 1
    assert '<a class="rpc-terme" href="../../lexique/#deci" title="Défense extérieure contre l&#x27;incendie">DECI</a> — implantation' in h


@pytest.mark.usefixtures("site")
def test_lexique_page_quotes_and_links_its_sources():
    h = article_html("lexique/").replace("&#39;", "'")
    for t in lexique.TERMES:
        assert f'<dt id="{t.ancre}"><strong>{t.sigle}</strong>' in h
    assert (
        '« D\'attribuer les subventions aux communes, au titre du FARDA – Aide à la Voirie Communale » — <a href="../deliberations/2021-239/">délibération 2021-239</a>'
        in h
    )
    assert "(citée par la délibération 2021-242)" in h  # FARDA's framework deliberation, as the corpus cites it
    assert "../lexique/" in article_links("") or "lexique/" in article_links("")


@pytest.mark.usefixtures("site")
def test_scheme_pages_open_with_what_they_fund():
    h = article_html("dispositifs/farda-voirie/").replace("&#39;", "'")
    debut = h.index("<h1>FARDA voirie</h1>")
    assert h[debut:].split("\n")[1].startswith('<p class="rpc-chapo">Subventions aux communes pour leurs travaux de voirie')
    assert 'D\'après la <a href="../../deliberations/2021-239/">délibération 2021-239</a>' in h
    etudiants = article_html("dispositifs/soutenons-la-vie-des-etudiants-du-pas-de-calais/").replace("&#39;", "'")
    assert "Cadre du dispositif : délibération n°2021-58 du Conseil départemental du 22 mars 2021" in etudiants

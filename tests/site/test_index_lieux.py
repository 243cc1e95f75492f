"""Place indexes with figures (issue 20, item 4): per place, its grants, their total and the amount per
inhabitant (population municipale 2017), sortable, with the index's totals."""

from __future__ import annotations

import html
import re
from decimal import Decimal

import pytest

from site_helpers import article_html

pytestmark = pytest.mark.usefixtures("site")


def lignes(url: str) -> dict[str, list[str]]:
    """Each table row of an index by its first cell (tbody and tfoot)."""
    out = {}
    for tr in re.findall(r"<tr[^>]*>(.*?)</tr>", article_html(url), re.S):
        cells = [
            html.unescape(re.sub(r"<[^>]+>", "", c)).replace("\u202f", " ").replace("\xa0", " ").strip()
            for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", tr, re.S)
        ]
        out[cells[0]] = cells[1:]
    return out


def euros(s: str) -> Decimal:
    return Decimal(s.removesuffix(" €").replace(" ", "").replace(",", "."))


def test_canton_index_figures_and_totals():
    rows = lignes("cantons/")
    assert rows["Canton"] == ["Code", "Communes", "Population (2017)", "Subventions", "Montant", "Par habitant"]
    assert rows["Arras-3"] == ["6204", "16", "21 498", "11", "160 461,00 €", "7,46 €"]  # Arras, a fraction, counted in no canton
    assert rows["39 cantons"] == ["", "", "1 286 192", "468", "17 912 981,05 €", "13,93 €"]
    corps = [v for k, v in rows.items() if k not in ("Canton", "39 cantons")]
    assert len(corps) == 39
    assert sum(euros(v[4]) for v in corps) >= euros("17 912 981,05 €")  # a grant in two cantons counts once in the total


def test_epci_index_matches_the_epci_pages_and_adds_up():
    rows = lignes("epci/")
    assert rows["Communauté urbaine d'Arras"] == ["CUA", "46", "107 763", "20", "340 391,00 €", "3,16 €"]
    epci = article_html("epci/cu-d-arras/").replace("\u202f", " ").replace("\xa0", " ")
    assert "20 subventions publiées</strong> ; total des subventions publiées : <strong>340 391,00 €" in epci
    assert rows["20 intercommunalités"][2:] == ["1 468 018", "474", "18 695 981,05 €", "12,74 €"]


def test_territoire_index_totals_only_the_seven():
    rows = lignes("territoires/")
    assert rows["Les 7 territoires"][2:] == ["1 468 018", "474", "18 695 981,05 €", "12,74 €"]
    sept = [v for k, v in rows.items() if v and v[0] == "découpage en 7"]
    assert len(sept) == 7 and sum(int(v[3]) for v in sept) == 474


def test_commune_index_one_sortable_table_with_letter_anchors():
    h = article_html("communes/")
    assert h.count("<table") == 1 and 'class="rpc-table rpc-sortable rpc-index"' in h
    assert '<tr id="lettre-b"><th scope="row"><a href="bailleul-aux-cornailles/">' in h
    rows = lignes("communes/")
    assert rows["Baincthun"] == ["62075", "1 291", "3", "106 000,00 €", "82,11 €"]
    assert rows["Pas-de-Calais (887 communes)"] == ["", "1 468 018", "474", "18 695 981,05 €", "12,74 €"]
    assert 'data-sort="106000.00"' in h and 'data-sort="82.11"' in h  # sorted by value, not by the French text
    assert "population municipale 2017 de l'Insee" in html.unescape(h)

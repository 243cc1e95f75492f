"""Partial coverage is never presented as complete (issue 20, item 1): every page that counts or sums
says which recueils and documents it covers and what their sommaires announce that the files do not
hold. The June 2021 recueil (N° 6) holds 21 of the 65 deliberations its sommaire lists."""

from __future__ import annotations

import html
import re

import pytest

from generator.commun.formats import mois_fr
from generator.lieux import places
from generator.records.corpus import Corpus
from generator.site.couverture import RECUEILS_NOMMES, _plages, calculer, phrase
from generator.site.render import environment

from site_helpers import article_html, article_links

pytestmark = pytest.mark.usefixtures("site")

JUIN_2021 = "le recueil de juin 2021 (21 des 65 délibérations de son sommaire, sans le texte de ses 175 actes de l'exécutif)"
MAI_2019 = "le recueil de mai 2019 (5 des 42 délibérations de son sommaire, sans le texte de ses 83 actes de l'exécutif)"
HORS_RECUEIL = "2 documents publiés hors recueil (26 septembre 2022, 12 décembre 2023)"


def text(url: str) -> str:
    t = re.sub(r"<[^>]+>", "", article_html(url))
    return re.sub(r"\s+", " ", html.unescape(t)).replace("\u202f", " ").replace("\u00a0", " ")


def test_session_page_says_21_of_65_and_which_are_missing():
    t = text("seances/commission-permanente-2021-06-07/")
    assert "Délibérations publiées sur ce site21 sur les 65 que le sommaire du Recueil N° 6 — juin 2021 annonce pour cette séance" in t
    assert "Annoncées mais absentes du fichier publié44 : 2021-188 à 2021-231" in t
    assert "505 subventions, 19 990 111,27 € : total des subventions des délibérations publiées, sans celles des 44 absentes" in t
    assert "../../recueils/2021-06-n6/#sommaire" in article_links("seances/commission-permanente-2021-06-07/")


def test_session_fully_held_says_so_without_missing_acts():
    t = text("seances/conseil-departemental-2019-04-29/")
    assert "5 sur les 5 que le sommaire du Recueil N° 5 — mai 2019 annonce pour cette séance" in t
    assert "absentes du fichier" not in t


def test_year_page_names_its_recueil_and_what_it_lacks():
    t = text("subventions/2021/")
    assert "505 subventions publiées pour 2021 ; total des subventions publiées : 19 990 111,27 €." in t
    assert f"Ces chiffres ne portent que sur les documents publiés sur ce site : {JUIN_2021}." in t
    assert "mai 2019" not in t  # a year names only its own documents
    assert "505 subventions pour un total" not in t


def test_home_page_shows_the_covered_months():
    t = text("")
    assert (
        "Mois couverts : mai 2019 (5 des 42 délibérations du sommaire), juin 2021 (21 des 65 délibérations du sommaire) ; "
        "hors recueil : 26 septembre 2022, 12 décembre 2023 — ce que couvre le site"
    ) in t
    assert "28 délibérations publiées sur ce site" in t
    assert "524 subventions publiées, dont 505 en 2021 : total des subventions publiées, 19 990 111,27 €" in t


@pytest.mark.parametrize(
    "url",
    [
        "communes/baincthun/",
        "cantons/arras-3/",
        "epci/cu-d-arras/",
        "territoires/arrageois/",
        "communes/",
        "cantons/",
        "beneficiaires/",
        "subventions/",
    ],
)
def test_pages_that_sum_state_the_whole_coverage(url):
    t = text(url)
    assert f"ne portent que sur les documents publiés sur ce site : {MAI_2019}, {JUIN_2021} et {HORS_RECUEIL}." in t
    assert "ce n'est pas tout ce que le Département a décidé" in t


def test_commune_without_grant_says_what_its_nothing_covers():
    t = text("communes/ablainzevelle/")
    assert "Aucune subvention publiée pour l'instant dans les documents disponibles." in t
    assert "Ce constat ne porte que sur les documents publiés sur ce site" in t


def test_scheme_page_covers_the_documents_of_its_grants():
    t = text("dispositifs/farda-amenagement/")
    assert "179 subventions publiées ; total des subventions publiées : 5 450 715,82 €." in t
    assert f"documents publiés sur ce site : {JUIN_2021}." in t


def cellules(url: str, contient: str) -> list[str]:
    """The cells' texts of the table row of page `url` that holds `contient`."""
    for tr in re.findall(r"<tr[^>]*>(.*?)</tr>", article_html(url), re.S):
        cells = [
            re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", "", c))).strip()
            for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", tr, re.S)
        ]
        if any(contient in c for c in cells):
            return [c.replace("\u202f", " ").replace("\xa0", " ") for c in cells]
    raise AssertionError(f"pas de ligne « {contient} » sur {url}")


def test_recueils_index_tells_what_each_file_holds():
    assert 'id="couverture"' in article_html("recueils/")
    assert cellules("recueils/", "mai 2019") == ["Recueil N° 5 — mai 2019", "42", "5", "37 : 2019-90 à 2019-95, 2019-122 à 2019-152", "83"]
    assert cellules("recueils/", "juin 2021") == ["Recueil N° 6 — juin 2021", "65", "21", "44 : 2021-188 à 2021-231", "175"]
    assert "2022-317 — Département du Pas-de-Calais, 26 septembre 2022" in text("recueils/")


def test_missing_numbers_are_grouped_in_ranges():
    assert _plages(["2021-188", "2021-189", "2021-190", "2021-200", "2021-9"]) == [
        ("2021-188", "2021-190", 3),
        ("2021-200", "2021-200", 1),
        ("2021-9", "2021-9", 1),
    ]


MAI_2019_DELIBS = "le recueil de mai 2019 (5 des 42 délibérations de son sommaire)"
JUIN_2021_DELIBS = "le recueil de juin 2021 (21 des 65 délibérations de son sommaire)"


def _mois(annee: int, mois: int, actes: int = 175) -> dict:
    """A monthly recueil as `calculer` describes it, holding all its sommaire's deliberations; its sommaire
    lists `actes` executive acts whose text it lacks, as every real one (and each of `make bench`'s
    synthetic months, whose sommaire is June 2021's: 175)."""
    return {
        "slug": f"{annee}-{mois:02d}-n{mois}",
        "titre": f"Recueil N° {mois} — {mois_fr(mois, annee)}",
        "mois": mois_fr(mois, annee),
        "numero": mois,
        "annoncees": 47,
        "tenues": 47,
        "absentes": 0,
        "plages_absentes": [],
        "actes": actes,
        "partiel": actes > 0,
    }


def _phrase_rendue(cov: dict) -> str:
    return str(environment().get_template("_couverture.j2").module.couverture(phrase(cov), "../"))


def _texte(rendue: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", rendue))


def test_many_recueils_are_named_as_a_whole_and_a_month_added_changes_no_sentence(donnees):
    """Ten years of recueils (issue 22): a page's coverage sentence names one by one only the recueils
    lacking deliberations (the real May 2019 and June 2021) and the documents outside any recueil, so
    that publishing one more month holding all its deliberations leaves it byte-identical on every page
    that states it."""
    cov = calculer(Corpus.load(donnees, places.reference()))
    assert [r["slug"] for r in cov["recueils"]] == ["2019-05-n5", "2021-06-n6"]
    mois = [_mois(2012, m) for m in range(1, 13)]
    n = RECUEILS_NOMMES - 1  # with the two real ones: one more than named one by one
    rendue = _phrase_rendue(dict(cov, recueils=cov["recueils"] + mois[:n]))
    assert re.findall(r'href="([^"]+)"', rendue) == ["../recueils/2019-05-n5/", "../recueils/2021-06-n6/", "../recueils/#couverture"]
    assert _texte(rendue) == (
        "Ces chiffres ne portent que sur les documents publiés sur ce site : les recueils mensuels recensés dans "
        "« Ce que couvre le site », sans le texte des actes de l'exécutif que leurs sommaires annoncent — dont 2 "
        f"auxquels manquent des délibérations : {MAI_2019_DELIBS} et {JUIN_2021_DELIBS} — et {HORS_RECUEIL}. "
        "Ces fichiers ne contiennent pas tous les actes que leurs sommaires annoncent : ce n'est pas tout ce que "
        "le Département a décidé. Ce que couvre le site"
    )
    for k in range(n + 1, len(mois) + 1):  # month after month, the same bytes
        assert _phrase_rendue(dict(cov, recueils=cov["recueils"] + mois[:k])) == rendue
    assert _phrase_rendue(dict(cov, recueils=cov["recueils"] + mois + [_mois(2013, 1, actes=0)])) == rendue
    assert "2012" not in rendue  # no month named but those lacking deliberations, no date range


def test_few_recueils_are_each_named_and_one_lacking_deliberations_among_many_is_singled_out(donnees):
    cov = calculer(Corpus.load(donnees, places.reference()))
    juin = [r for r in cov["recueils"] if r["slug"] == "2021-06-n6"]
    peu = _phrase_rendue({"recueils": juin + [_mois(2022, m, actes=0) for m in range(1, RECUEILS_NOMMES)], "isoles": []})
    assert re.findall(r'href="\.\./recueils/([^"#]+)/"', peu) == ["2021-06-n6"] + [f"2022-{m:02d}-n{m}" for m in range(1, RECUEILS_NOMMES)]
    assert f"{JUIN_2021}, le recueil de janvier 2022, le recueil de février 2022" in _texte(peu)
    beaucoup = _phrase_rendue({"recueils": juin + [_mois(2022, m, actes=0) for m in range(1, RECUEILS_NOMMES + 1)], "isoles": []})
    assert _texte(beaucoup).startswith(
        "Ces chiffres ne portent que sur les documents publiés sur ce site : les recueils mensuels recensés dans "
        "« Ce que couvre le site », sans le texte des actes de l'exécutif que leurs sommaires annoncent — dont un "
        f"auquel manquent des délibérations : {JUIN_2021_DELIBS}. Ces fichiers ne contiennent pas"
    )
    complets = _phrase_rendue({"recueils": [_mois(2022, m, actes=0) for m in range(1, 13)], "isoles": []})
    assert _texte(complets) == (
        "Ces chiffres ne portent que sur les documents publiés sur ce site : les recueils mensuels recensés dans "
        "« Ce que couvre le site ». Ce que couvre le site"
    )

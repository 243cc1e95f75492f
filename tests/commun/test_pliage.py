"""One way to fold text (generator.commun.pliage) and one way to classify a beneficiary
(generator.subventions.beneficiaires.classify), on names as the real documents write them."""

from __future__ import annotations

import pytest

from generator.commun.pliage import cle_majuscules, plier, plier_lettre_a_lettre, sans_accents, slug_ascii
from generator.subventions.beneficiaires import classify


def test_plier_spells_ligatures_and_straightens_apostrophes():
    assert plier("Nœux-lès-Auxi") == "noeux-les-auxi"
    assert plier("l’association « Les Amis du Fort d’Ambleteuse »") == "l'association « les amis du fort d'ambleteuse »"
    assert plier("HÉNIN-BEAUMONT") == "henin-beaumont"


def test_nœux_sorts_before_noyelles_as_in_a_dictionary():
    # the canton of Auxi-le-Château lists both: « Nœux » used to fall after « Noyelles » (œ dropped)
    assert sorted(["Noyelles-lès-Humières", "Nœux-lès-Auxi"], key=plier) == ["Nœux-lès-Auxi", "Noyelles-lès-Humières"]


def test_letter_for_letter_keeps_offsets():
    texte = "Arras, le 7 JUIN 2021 — séance du 1er décembre"
    plie = plier_lettre_a_lettre(texte)
    assert len(plie) == len(texte) and plie.endswith("seance du 1er decembre")
    assert plie.index("decembre") == texte.index("décembre")
    # each character its first letter when it decomposes into a letter and accents, else itself (œ, ß, €)
    assert plier_lettre_a_lettre("ÀÉÎÕÜÇŒñß€ Ÿ") == "aeioucœnß€ y"
    assert plier_lettre_a_lettre("ÀÉÎÕÜÇŒñß€ Ÿ") == "aeioucœnß€ y"  # (the second time from the table)


def test_keys_and_slugs():
    assert cle_majuscules("Délibération n° 2021-243 : FARDA") == "DELIBERATIONN2021243FARDA"
    assert slug_ascii("Commission permanente du Conseil départemental") == "commission-permanente-du-conseil-departemental"
    assert sans_accents("Liévin") == "Lievin" and sans_accents("ﬁnancement") == "financement"


@pytest.mark.parametrize(
    "nom, defaut, attendu",
    [
        # articles
        ("la commune de Le Touquet-Paris-Plage", "autre", "commune"),
        ("l'association « Les Amis du Fort d'Ambleteuse »", "autre", "association"),
        ("la Communauté de communes du Ternois", "autre", "epci"),
        # FARDA and monuments tables (upper case, truncated)
        ("COMMUNE DE BAINCTHUN", "autre", "commune"),
        ("COM DE COM CAMPAGNES ARTOIS", "autre", "epci"),
        ("SYND INTERCOM DU RPC MORINIE", "autre", "syndicat"),
        ("CAPSO", "autre", "epci"),
        ("CA2BM", "autre", "epci"),
        # tables of communes writing bare names: the reader's default, never an acronym read into « Cucq »
        ("Cucq", "commune", "commune"),
        ("Calais", "commune", "commune"),
        ("AVICSU Maison de l'étudiant", "association", "association"),
    ],
)
def test_one_classifier_for_articles_and_every_table(nom, defaut, attendu):
    assert classify(nom, defaut) == attendu

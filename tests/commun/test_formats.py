from decimal import Decimal

from generator.commun.formats import date_fr, mois_fr, montant_fr, nombre_fr


def test_montant_fr():
    assert montant_fr(Decimal("3107")) == "3\u202f107,00\u00a0€"
    assert montant_fr("106000.00") == "106\u202f000,00\u00a0€"
    assert montant_fr(None) == "—"


def test_date_fr():
    assert date_fr("2021-06-07") == "7 juin 2021"
    assert date_fr("2019-04-01") == "1er avril 2019"
    assert date_fr("2023-12-12") == "12 décembre 2023"


def test_mois_nombre():
    assert mois_fr(6, 2021) == "juin 2021"
    assert nombre_fr(1234567) == "1\u202f234\u202f567"

"""Amount forms taken from the corpus (notes-001, notes-004)."""

from decimal import Decimal as D

import pytest

from generator.commun.montants import find_montants, format_montant, parse_montant, parse_taux


@pytest.mark.parametrize(
    "text,expected",
    [
        ("une subvention de 1 000 000 € pour son projet", D("1000000")),
        ("15 534,00", D("15534.00")),
        ("8 404.22 €", D("8404.22")),
        ("150 600.00 €", D("150600.00")),
        ("440 000€", D("440000")),
        ("une subvention de 2  997 000 €", D("2997000")),
        ("3\u202f107,00\u00a0€", D("3107.00")),
        ("TOTAL18 500,00 €TOTAL", D("18500.00")),
        ("Politique sportive 1  80 000,00 €", D("80000.00")),
        ("-  €", D("0")),
        ("1 million €", D("1000000")),
        ("6,90 millions d'euros", D("6900000.00")),
        ("12 M€", D("12000000")),
        ("7.7k€", D("7700.0")),
        ("1.403.496 €", D("1403496")),
        ("502112€", D("502112")),
        ("pour un montant total de 511 259 euros", D("511259")),
    ],
)
def test_parse_montant_corpus_forms(text, expected):
    assert parse_montant(text) == expected


def test_table_row_amounts_and_rate():
    row = "2021-01537 Installation d'un abribus Abribus COMMUNE DE BAVINCOURT 5 650,00 5 500,00 50% 2 750,00"
    values = [m.valeur for m in find_montants(row.split("BAVINCOURT")[1])]
    assert values == [D("5650.00"), D("5500.00"), D("2750.00")]
    assert parse_taux(row) == D("50")
    assert parse_taux("54,8% (cofinancement") == D("54.8")


def test_no_amount():
    assert parse_montant("subvention de XXX €") is None


def test_format_montant_french():
    assert format_montant(D("3107")) == "3\u202f107,00\u00a0€"
    assert format_montant(D("6167760")) == "6\u202f167\u202f760,00\u00a0€"
    assert format_montant(D("0.5")) == "0,50\u00a0€"

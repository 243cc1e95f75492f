"""Monuments historiques programmation table (deliberation 2021-245 of the June 2021 recueil)."""

import re
from decimal import Decimal

import pytest

from generator.parse.normalise import normalise
from generator.sources.lecture import read_source
from generator.subventions.tables import monuments_historiques
from generator.subventions.tables.base import Contexte

from conftest import CORPUS, ROOT

FIXTURES = ROOT / "tests" / "fixtures"
S004 = "004_45492b4b56f19b50.txt"
D = Decimal


@pytest.fixture(scope="module")
def unit():
    """Deliberation 2021-245: from its `(N°2021-245)` line to the next legality stamp."""
    lines = normalise(read_source(CORPUS / S004).text)
    start = next(k for k, l in enumerate(lines) if re.match(r"\s*\(N°2021-245\)", l.text))
    end = next(k for k in range(start, len(lines)) if "Envoi au contrôle de légalité" in lines[k].text)
    return lines[start:end]


@pytest.fixture(scope="module")
def table(unit):
    res = monuments_historiques.extract(unit, Contexte("2021-245", S004))
    assert len(res) == 1
    return res[0]


def row(table, commune):
    found = [s for s in table.subventions if s.commune_projet.written == commune]
    assert len(found) == 1, commune
    return found[0]


def test_26_rows_and_all_stated_totals_ok(table):
    assert len(table.subventions) == 26
    assert table.problems == []
    checks = {c.libelle: c for c in table.checks}
    ht = checks["Monuments historiques — montant total des travaux HT"]
    sub = checks["Monuments historiques — montant total des subventions"]
    nb = checks["Monuments historiques — nombre de subventions"]  # « D'attribuer 26 subventions »
    assert (ht.declare, ht.calcule, ht.statut) == (D("21507230.76"), D("21507230.76"), "ok")
    assert (sub.declare, sub.calcule, sub.statut) == (D("3000000.00"), D("3000000.00"), "ok")
    assert (nb.nombre_declare, nb.nombre_trouve, nb.statut) == (26, 26, "ok")
    assert {s.dispositif for s in table.subventions} == {"Monuments historiques"}
    assert table.nom.startswith("La programmation des opérations de restauration des Monuments Historiques")


def test_commune_is_its_own_beneficiary(table):
    s = row(table, "VIS-EN-ARTOIS")  # everything on one line, works without cents: `NP 413 919 € 161 428,41 €`
    assert s.beneficiaire == "VIS-EN-ARTOIS" and s.type_beneficiaire == "commune"
    assert s.beneficiaire_ref.written == "VIS-EN-ARTOIS"
    assert s.territoire == "ARRAGEOIS"
    assert s.objet == "Église Saint-Martin — Restauration des intérieurs (NP)"
    assert (s.cout_projet, s.montant) == (D("413919.00"), D("161428.41"))


def test_wrapped_cells_number_far_above_amounts(table):
    s = row(table, "BERCK")  # N°/territoire/commune 10 lines above `IMH 1 525 075,30 € 220 000,00 €`
    assert s.territoire == "MONTREUILLOIS" and s.montant == D("220000.00")
    assert s.objet == (
        "Eglise Notre-Dame des sables — Restauration des couvertures et traitement des peintures des façades exterieures (IMH)"
    )
    b = row(table, "BOULOGNE-SUR-MER")  # `BOULOGNE-SUR-` / `MER` rejoined
    assert b.objet == "Ancienne Cathédrale Notre-Dame — Restauration du dôme et des fresques (CLMH)"
    assert (b.cout_projet, b.montant) == (D("6423150.00"), D("350000.00"))


def test_missing_euro_sign(table):
    s = row(table, "HENDECOURT LES CAGNICOURT")  # `NP 208 734,61 52 183,65 €`
    assert (s.cout_projet, s.montant) == (D("208734.61"), D("52183.65"))


def test_beneficiaries_other_than_the_commune(table):
    epci = row(table, "MONTREUIL")
    assert (epci.beneficiaire, epci.type_beneficiaire, epci.beneficiaire_ref) == ("CA2BM", "epci", None)
    asso = row(table, "NEUVILLE-SOUS-MONTREUIL")
    assert asso.beneficiaire == "Association de préfiguration de la Chartreuse de Neuville-Sous-Montreuil"
    assert asso.type_beneficiaire == "association"
    assert asso.objet == "La Chartreuse Notre-Dame — Travaux d'urgence des ailes nord et sud (IMH)"
    assert sum(1 for s in table.subventions if s.type_beneficiaire == "commune") == 24


def test_repeated_page_title_not_in_rows(table):
    assert not any("BP 2021" in s.objet or "programmation" in s.objet for s in table.subventions)
    assert [s.territoire for s in table.subventions].count("AUDOMAROIS") == 8
    protections = [s.objet.rsplit("(", 1)[1] for s in table.subventions]
    assert (protections.count("CLMH)"), protections.count("IMH)"), protections.count("NP)")) == (5, 4, 17)


def test_only_the_table_is_consumed(table, unit):
    assert min(table.consumed) == table.line and max(table.consumed) == table.line_end
    total_line = next(l for l in unit if "€TOTAL" in l.text)
    assert table.line_end == total_line.no


def test_excerpt_with_gap_and_wrong_totals():
    """Rows 1–6 and 11–13 of the real table, page title between them, the real total kept."""
    lines = normalise((FIXTURES / "tables_mh_extrait.txt").read_text(encoding="utf-8"))
    [res] = monuments_historiques.extract(lines, Contexte("2021-245", "extrait"))
    assert len(res.subventions) == 9
    assert [p.kind for p in res.problems] == ["numero-incoherent"]
    assert "n° 11 suit la ligne n° 6" in res.problems[0].message
    assert [c.statut for c in res.checks] == ["ecart", "ecart"]
    assert res.checks[1].calcule == D("1356850.59") and res.checks[1].declare == D("3000000.00")


def test_unreadable_row_is_reported():
    text = (FIXTURES / "tables_mh_extrait.txt").read_text(encoding="utf-8")
    text = text.replace("CLMH 224 298,88 € 56 074,72 €", "CLMH montant illisible")
    [res] = monuments_historiques.extract(normalise(text), Contexte("2021-245", "extrait"))
    assert len(res.subventions) == 8
    bad = [p for p in res.problems if p.kind == "ligne-illisible"]
    assert len(bad) == 1 and "CA2BM" in bad[0].message
    assert {c.statut for c in res.checks} == {"illisible"}

"""Annex grant tables other than FARDA / monuments historiques, on the real corpus."""

import re
from decimal import Decimal
from functools import cache

import pytest

from generator.parse.normalise import normalise
from generator.sources.lecture import read_source
from generator.subventions.tables import bij, environnement, spie, sport, vie_etudiante
from generator.subventions.tables.base import Contexte

from conftest import CORPUS, ROOT

R004 = "004_45492b4b56f19b50.txt"
FIXTURES = ROOT / "tests" / "fixtures"
MODULES = [sport, environnement, vie_etudiante, bij, spie]


@cache
def units(name: str) -> dict[str, list]:
    """Délibération units of a source: from a header to the next (test helper only)."""
    lines = normalise(read_source(CORPUS / name).text)
    starts = [i for i, ln in enumerate(lines) if re.match(r"^DELIBERATION D", ln.text.strip())]
    starts = [0] + [max(0, s - 4) for s in starts[1:]] if starts else [0]
    out = {}
    for k, s in enumerate(starts):
        unit = lines[s : starts[k + 1] if k + 1 < len(starts) else len(lines)]
        num = next((m.group(1) for ln in unit if (m := re.search(r"\(N°\s*(\d{4}-\d+)\)", ln.text))), f"sans-numero-{k}")
        out[num] = unit
    return out


def run(module, num):
    return module.extract(units(R004)[num], Contexte(num, R004))


def only(results, nom):
    found = [r for r in results if r.nom == nom]
    assert len(found) == 1
    return found[0]


def check(res, fragment):
    found = [c for c in res.checks if fragment in c.libelle]
    assert found, [c.libelle for c in res.checks]
    return found


# ---------------------------------------------------------------- EASL (2021-234)


def test_easl_rows_and_totals():
    res = only(run(sport, "2021-234"), sport.NOM)
    assert len(res.subventions) == 22
    assert sum(s.montant for s in res.subventions) == Decimal("511259")
    epinoy = res.subventions[0]
    assert (epinoy.beneficiaire, epinoy.montant, epinoy.cout_projet) == ("Epinoy", Decimal("14814"), Decimal("133440.00"))
    assert epinoy.objet == "City stade — Construction" and epinoy.type_beneficiaire == "commune"
    assert epinoy.beneficiaire_ref.written == "Epinoy" and epinoy.beneficiaire_ref.status == "non-resolu"
    biache = next(s for s in res.subventions if s.beneficiaire == "Biache St Vaast")  # wrapped over 4 lines
    assert biache.montant == Decimal("40000") and biache.cout_projet == Decimal("133770.50")
    assert "2 Terrains Synthétiques à 5" in biache.objet
    assert all(c.statut == "ok" for c in res.checks)
    recap = check(res, "récapitulatif")
    assert len(recap) == 2 and all(c.nombre_declare == 22 == c.nombre_trouve for c in recap)
    assert check(res, "total des propositions")[0].declare == Decimal("511259")
    assert not res.problems


def test_easl_unreadable_row_makes_total_illisible():
    text = (FIXTURES / "tables_autres_easl.txt").read_text(encoding="utf-8")
    broken = text.replace("Dannes City stade Construction 108 146 € 32 444 €", "Dannes City stade Construction ??? € ???")
    res = sport.extract(normalise(broken), Contexte("2021-234", "fixture"))[0]
    assert len(res.subventions) == 21
    assert [p.kind for p in res.problems] == ["ligne-illisible"]
    assert "Dannes" in res.problems[0].message
    assert res.checks[0].statut == "illisible"


# ---------------------------------------------------------------- FIEET / FIEN (2021-236)


def test_fieet_rows_and_the_one_euro_gap():
    res = only(run(environnement, "2021-236"), "FIEET")
    assert len(res.subventions) == 57
    assert sum(s.montant for s in res.subventions) == Decimal("499999")
    by_name = {s.beneficiaire: s for s in res.subventions}
    bapaume = by_name["COMMUNE DE BAPAUME"]
    assert (bapaume.cout_projet, bapaume.montant_eligible, bapaume.taux, bapaume.montant) == (
        Decimal("29700"),
        Decimal("9099"),
        Decimal("80"),
        Decimal("7279"),
    )
    assert bapaume.commune_projet.written == "BAPAUME"
    assert by_name["COMMUNE D'AGNY"].montant == Decimal("18000")  # « 80% plafonné à 18 000 € »
    arques = by_name["COMMUNE DE ARQUES"]  # rate cell wrapped over 4 lines
    assert (arques.taux, arques.montant) == (Decimal("54.8"), Decimal("12480"))
    assert by_name["COM COMMUNES SUD ARTOIS"].type_beneficiaire == "epci"
    assert "COMMUNE DE LABOURSE" in by_name  # row right after the « ANNEXE 1 » title inside the table
    statuts = {c.libelle: (c.statut, c.declare, c.calcule) for c in res.checks}
    assert statuts["FIEET — montant total des projets"] == ("ok", Decimal("1572765"), Decimal("1572765"))
    assert statuts["FIEET — total des montants éligibles"][0] == "ok"
    gap = statuts["FIEET — total des subventions proposées"]
    assert gap == ("ecart", Decimal("499998"), Decimal("499999"))
    art = check(res, "annoncés par l'article")[0]
    assert (art.nombre_declare, art.nombre_trouve, art.statut) == (57, 57, "ecart")
    assert "1,00" in art.message


def test_fien_rows_and_total():
    res = only(run(environnement, "2021-236"), "FIEN")
    assert len(res.subventions) == 11
    assert sorted(s.montant for s in res.subventions) == [Decimal("482.00")] + [Decimal("500.00")] * 10
    pige = next(s for s in res.subventions if s.beneficiaire == "PIGE")
    assert (pige.territoire, pige.cout_projet, pige.type_beneficiaire) == ("LENS-HENIN", Decimal("19519.77"), "association")
    assert all(c.statut == "ok" for c in res.checks) and len(res.checks) == 2
    assert check(res, "total")[0].declare == Decimal("5482.00")
    assert not res.problems


# ---------------------------------------------------------------- vie étudiante (2021-237)


def test_vie_etudiante_rows_refusals_and_totals():
    [res] = run(vie_etudiante, "2021-237")
    assert len(res.subventions) == 27
    refus = [p for p in res.problems if p.kind == "demande-refusee"]
    assert len(refus) == 2 and all(p.severity == "info" for p in refus)
    assert {p.message.split("dossier ")[1][:7] for p in refus} == {"2021-15", "2021-17"}
    assert all(s.montant > 0 for s in res.subventions)
    cols = [c for c in res.checks if c.line == res.line_end]
    assert [c.declare for c in cols] == [Decimal("506091"), Decimal("239920"), Decimal("416771"), Decimal("170000")]
    assert all(c.statut == "ok" for c in res.checks)
    assoc = check(res, "associations")[0]
    assert (assoc.nombre_declare, assoc.nombre_trouve, assoc.declare) == (18, 18, Decimal("118280"))
    coll = check(res, "collectivités")[0]
    assert (coll.nombre_declare, coll.nombre_trouve) == (5, 5)
    assert sum(1 for s in res.subventions if s.type_beneficiaire == "commune") == 6
    lens = next(s for s in res.subventions if s.reference == "2021-24")
    assert (lens.beneficiaire, lens.montant, lens.beneficiaire_ref.written) == ("Ville de Lens", Decimal("5000"), "Lens")
    assert lens.taux == Decimal("20.00") and lens.montant_eligible == Decimal("25000")


# ---------------------------------------------------------------- BIJ (2021-232)


def test_bij_two_projects():
    [res] = run(bij, "2021-232")
    assert [(s.beneficiaire, s.montant, s.commune_projet.written, s.territoire) for s in res.subventions] == [
        ("Association L'art de Muser", Decimal("2000"), "Arras", "Arrageois"),
        ("Association Ferk'Ados", Decimal("750"), "Ferques", "Boulonnais"),
    ]
    assert all(s.type_beneficiaire == "association" for s in res.subventions)
    total = check(res, "total des propositions")[0]
    assert (total.declare, total.nombre_declare, total.nombre_trouve, total.statut) == (Decimal("2750"), 2, 2, "ok")
    assert check(res, "fiches synthèse")[0].statut == "ok"
    assert check(res, "participation globale")[0].declare == Decimal("2750")


# ---------------------------------------------------------------- SPIE (2021-250)


def test_spie_table_read_but_not_a_grant_of_this_deliberation():
    [res] = run(spie, "2021-250")
    assert res.subventions == []  # the articles only authorise signing conventions with the State
    rows = [p for p in res.problems if p.kind == "financement-non-decide"]
    assert len(rows) == 7 and all(p.severity == "info" for p in rows)
    assert any("ID FORMATION" in p.message and "HENIN-CARVIN, LENS-LIEVIN" in p.message for p in rows)
    [total] = res.checks
    assert (total.declare, total.calcule, total.nombre_declare, total.nombre_trouve, total.statut) == (
        Decimal("1523885"),
        Decimal("1523885"),
        7,
        7,
        "ok",
    )


def test_spie_rows_become_grants_when_the_articles_attribute_them():
    table = (FIXTURES / "tables_autres_spie.txt").read_text(encoding="utf-8")
    decided = (
        "DECIDE :\nArticle 1 :\nD'attribuer aux structures référentes un montant total de 1 523 885 €.\n"
        "Dans les conditions de vote ci-dessous :\n" + table
    )
    [res] = spie.extract(normalise(decided), Contexte("2099-001", "fixture"))
    assert len(res.subventions) == 7
    boul = next(s for s in res.subventions if s.beneficiaire == "TOUS PARRAINS")
    assert (boul.montant, boul.territoire) == (Decimal("148850.00"), "BOULONNAIS")


# ---------------------------------------------------------------- recognition

EXPECTED = {(sport, "2021-234"), (environnement, "2021-236"), (vie_etudiante, "2021-237"), (bij, "2021-232"), (spie, "2021-250")}


@pytest.mark.parametrize("name", [R004, "001_e1a7153a0531ec73.txt", "002_4b206b7012456076.txt", "003_97c6f9649ae06488.txt"])
def test_each_extractor_claims_only_its_own_unit(name):
    for num, unit in units(name).items():
        for module in MODULES:
            results = module.extract(unit, Contexte(num, name))
            if name == R004 and (module, num) in EXPECTED:
                assert results, (module.__name__, num)
            else:
                assert results == [], (module.__name__, name, num)


def test_consumed_lines_do_not_overlap_between_extractors():
    seen: dict[int, str] = {}
    for module, num in EXPECTED:
        for res in run(module, num):
            assert res.consumed
            for no in res.consumed:
                assert no not in seen, (no, seen.get(no), res.nom)
                seen[no] = res.nom


def test_fieet_row_without_grant_is_reported_not_merged():
    unit = units(R004)["2021-236"]
    broken = [ln if "COMMUNE DE BEAURAINS" not in ln.text else ln.__class__(ln.no, ln.text.replace("80% 1 618 €", "")) for ln in unit]
    res = only(environnement.extract(broken, Contexte("2021-236", R004)), "FIEET")
    assert len(res.subventions) == 56
    assert [p.line for p in res.problems if p.kind == "ligne-illisible"] == [7849]
    assert "COMMUNE DE BEAUVOIR-WAVANS" in {s.beneficiaire for s in res.subventions}
    assert {c.statut for c in res.checks} == {"illisible"}

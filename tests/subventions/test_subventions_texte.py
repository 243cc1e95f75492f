"""Grants in article text (texte.py), beneficiaries (beneficiaires.py), budget tables (budget.py).

Deliberations are built here from the real corpus by a small helper (independent of
actes.py): the unit starts at the `(N°AAAA-NNN)` line's header and ends before the next
unit; articles are the `Article N :` blocks between DECIDE and the vote.
"""

from __future__ import annotations

import re
from decimal import Decimal
from functools import cache

import pytest

from generator.parse.normalise import normalise
from generator.records import Article, Deliberation, Subvention
from generator.sources.lecture import read_source
from generator.subventions.beneficiaires import classify, clean_name, fold_name
from generator.subventions.budget import check_depense, extract_budget
from generator.subventions.tables.base import Contexte, TableResult
from generator.subventions.texte import extract_from_articles

from conftest import CORPUS, ROOT

F001 = "001_e1a7153a0531ec73.txt"
F003 = "003_97c6f9649ae06488.txt"
F004 = "004_45492b4b56f19b50.txt"
_NUM = re.compile(r"^\s*\(N° ?(\d{4}-\d+)\)\s*$")
_ART = re.compile(r"^\s*Article\s+(\d+|unique)\s*:", re.I)


@cache
def corpus_lines(name: str):
    return tuple(normalise(read_source(CORPUS / name).text))


def units(name: str) -> dict[str, tuple[Deliberation, list]]:
    """Every deliberation of a source: (Deliberation with articles, Lines of its unit)."""
    lines = list(corpus_lines(name))
    starts = [k for k, l in enumerate(lines) if _NUM.match(l.text)]
    out = {}
    for n, k in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(lines)
        # the next unit's header begins a little before its number line: cut at its stamp / header
        if n + 1 < len(starts):
            for j in range(starts[n + 1], k, -1):
                if re.match(r"^\s*(Envoi au contr|DEPARTEMENT DU PAS-DE-CALAIS\s*$)", lines[j].text) and any(
                    "DELIBERATION" in lines[i].text for i in range(j, min(j + 6, len(lines)))
                ):
                    end = j
                    break
        unit = lines[k:end]
        num = _NUM.match(lines[k].text).group(1)
        num = "2019-" + num[5:] if num.startswith("2017-") and name == F001 else num
        deb = next((i for i, l in enumerate(unit) if re.match(r"^\s*(DECIDE|INFORME)", l.text.strip())), None)
        vote = next((i for i, l in enumerate(unit) if "Dans les conditions de vote" in l.text), len(unit))
        arts = articles_of(unit[deb:vote] if deb is not None else [])
        d = Deliberation(
            id=num,
            numero_imprime=num,
            source=name,
            line=unit[0].no,
            line_end=unit[vote].no if vote < len(unit) else unit[-1].no,
            titre="",
            session_id="",
            organe="",
            collectivite="",
            date="",
            articles=arts,
            texte="\n".join(l.text for l in unit[:vote]),
        )
        out[num] = (d, unit)
    return out


def articles_of(lines) -> list[Article]:
    """`Article N :` blocks of the decision part, texte = its lines joined by newlines."""
    arts: list[Article] = []
    cur = None
    for l in lines:
        m = _ART.match(l.text)
        if m:
            cur = Article(numero=m.group(1).lower(), texte="", line=l.no)
            arts.append(cur)
            rest = l.text[m.end() :].strip()
            if rest:
                cur.texte = rest
        elif cur is not None and l.text.strip():
            cur.texte = (cur.texte + "\n" + l.text) if cur.texte else l.text
    return arts


def fixture_deliberation(fname: str, num: str):
    """A Deliberation from a small real excerpt under tests/fixtures (line numbers of the excerpt)."""
    lines = normalise((ROOT / "tests" / "fixtures" / fname).read_text(encoding="utf-8"))
    vote = next((i for i, l in enumerate(lines) if "Dans les conditions de vote" in l.text), len(lines))
    d = Deliberation(
        id=num,
        numero_imprime=num,
        source=fname,
        line=1,
        line_end=lines[-1].no,
        titre="",
        session_id="",
        organe="",
        collectivite="",
        date="",
        articles=articles_of(lines[:vote]),
    )
    return d, lines


@cache
def _all_units(name: str):
    return units(name)


def run_texte(name: str, num: str, tables=None, with_lines=False):
    d, unit = _all_units(name)[num]
    ctx = Contexte(d.id, d.source)
    return extract_from_articles(d, ctx, tables=tables, lines=unit if with_lines else None)


# --- beneficiaires ---------------------------------------------------------------


@pytest.mark.parametrize(
    "name,kind",
    [
        ("la commune de Le Touquet-Paris-Plage", "commune"),
        ("COMMUNE DE BAVINCOURT", "commune"),
        ("Ville d'Ardres", "commune"),
        ("l'association « Les Amis du Fort d'Ambleteuse »", "association"),
        ("Groupement d'Intérêt Public Pas-de-Calais Actif", "gip"),
        ("SYND INTERCOM DU RPC MORINIE", "syndicat"),
        ("Communauté de communes du Ternois", "epci"),
        ("C. d'Agglo. de Béthune Bruay Artois Lys, Romane", "epci"),
        ("COM COMMUNES SUD ARTOIS", "epci"),
        ("COM DE COM CAMPAGNES ARTOIS", "epci"),
        ("CAPSO", "epci"),
        ("CA2BM", "epci"),
        ("CUA", "epci"),
        ("Département du Pas-de-Calais", "departement"),
        ("APF France Handicap", "autre"),
    ],
)
def test_classify(name, kind):
    assert classify(name) == kind


def test_clean_name():
    assert clean_name("la commune de Le Touquet-Paris-Plage") == "Le Touquet-Paris-Plage"
    assert clean_name("la commune d'Aire-sur-la-Lys,") == "Aire-sur-la-Lys"
    assert clean_name("l'association « Les Amis du Fort d'Ambleteuse »") == "Les Amis du Fort d'Ambleteuse"
    assert clean_name("COMMUNE DE BAVINCOURT") == "BAVINCOURT"
    assert clean_name("la Communauté de communes du Ternois") == "Communauté de communes du Ternois"


def test_fold_name_spells_out_ligatures_and_reads_every_apostrophe():
    # « La commune de Marœuil » (2019 recueil, line 10257) and a table's capitals compare equal: the key is
    # `commun.pliage.plier`'s (œ → oe), no longer « mar uil »
    assert fold_name("La commune de Marœuil") == fold_name("MAROEUIL") == "maroeuil"
    assert clean_name("la commune d’Aire-sur-la-Lys") == "Aire-sur-la-Lys"
    assert classify("Groupement d’Intérêt Public « Pas-de-Calais Actif »") == "gip"
    assert classify("Communauté d'Agglomération de Lens-Liévin (CALL)") == "epci"


# --- article text: 2019-117 --------------------------------------------------------


def test_2019_117_nineteen_grants():
    subs, checks, problems = run_texte(F001, "2019-117")
    assert len(subs) == 19
    assert sum(s.montant for s in subs) == Decimal("6167760")
    by = {s.beneficiaire: s for s in subs}
    t = by["Le Touquet-Paris-Plage"]
    assert t.montant == Decimal("1000000") and t.objet == "requalification du Palais des Congrès"
    assert t.type_beneficiaire == "commune" and t.beneficiaire_ref.written == "Le Touquet-Paris-Plage"
    assert by["Aire-sur-la-Lys"].montant == Decimal("1443000")
    fort = by["Les Amis du Fort d'Ambleteuse"]
    assert fort.montant == Decimal("100000") and fort.type_beneficiaire == "association"
    assert fort.beneficiaire_ref is None
    assert by["Communauté de communes du Sud-Artois"].type_beneficiaire == "epci"
    assert by["Communauté de communes du Sud-Artois"].commune_projet.written == "Bapaume"
    assert by["Porte-Mine"].commune_projet.written == "Loos-en-Gohelle"
    lumbres = [s for s in subs if "Lumbres" in s.beneficiaire]
    assert sorted(s.montant for s in lumbres) == [Decimal("25927"), Decimal("50550")]
    assert not [p for p in problems if p.severity != "info"]
    assert checks == []


def test_2019_117_budget_table_and_depense_check():
    d, unit = _all_units(F001)["2019-117"]
    ctx = Contexte(d.id, d.source)
    budget = extract_budget(unit, ctx, d)
    assert len(budget.lignes) == 6
    fit = [b for b in budget.lignes if b.code_operation == "C05-011F02"][0]
    assert fit.imputation == "2041421//910202" and fit.depense == Decimal("3898333.00")
    assert fit.libelle == "Fonds d'innovation territoriale" and fit.montants["AP"] == Decimal("12000000.00")
    subs, _, _ = run_texte(F001, "2019-117")
    check = check_depense(budget, subs, ctx)
    assert check.statut == "ok" and check.declare == Decimal("6167760.00") == check.calcule
    assert check.libelle.startswith("Dépense imputée")


# --- article text: 2021 commission permanente ------------------------------------------


def test_2021_232_global_amount_is_a_check_against_the_table():
    rows = [
        Subvention(
            id="",
            deliberation="2021-232",
            source=F004,
            line=990,
            beneficiaire="Association L'art de Muser",
            type_beneficiaire="association",
            montant=Decimal("2000"),
        ),
        Subvention(
            id="",
            deliberation="2021-232",
            source=F004,
            line=999,
            beneficiaire="Association Ferk'Ados",
            type_beneficiaire="association",
            montant=Decimal("750"),
        ),
    ]
    table = TableResult(nom="Bourse Initiatives Jeunes", dispositif="Bourse Initiatives Jeunes", line=969, line_end=1005, subventions=rows)
    subs, checks, problems = run_texte(F004, "2021-232", tables=[table])
    assert subs == []
    [c] = checks
    assert c.declare == Decimal("2750") and c.calcule == Decimal("2750") and c.statut == "ok"
    assert c.nombre_declare == 2 and c.nombre_trouve == 2


def test_2021_232_without_table_falls_back_to_one_grant_with_a_problem():
    subs, checks, problems = run_texte(F004, "2021-232")
    [s] = subs
    assert s.montant == Decimal("2750") and s.dispositif == "Bourse Initiatives Jeunes"
    assert "Ferk'Ados" in s.beneficiaire and s.type_beneficiaire == "association"
    assert [p.kind for p in problems] == ["detail-introuvable"]
    assert checks[0].statut == "illisible"


def test_2021_233_gip_one_grant_with_checked_breakdown():
    for with_lines in (False, True):
        subs, checks, problems = run_texte(F004, "2021-233", with_lines=with_lines)
        [s] = subs
        assert s.montant == Decimal("534172") and s.type_beneficiaire == "gip"
        assert s.beneficiaire == "Groupement d'Intérêt Public Pas-de-Calais Actif"
        [c] = checks
        assert c.statut == "ok" and c.declare == c.calcule == Decimal("534172")
    assert c.line == 1579  # the `Total 534 172 €` line


def test_2021_233_breakdown_error_is_reported(tmp_path):
    d, unit = _all_units(F004)["2021-233"]
    art = d.articles[0]
    bad = Article(art.numero, art.texte.replace("DASESS 17 000 €", "DASESS 17 500 €"), art.line)
    d2 = Deliberation(**{**d.__dict__, "articles": [bad] + d.articles[1:]})
    subs, checks, _ = extract_from_articles(d2, Contexte(d.id, d.source))
    assert subs[0].montant == Decimal("534172")  # the grant stays as written
    assert any(c.statut == "ecart" for c in checks)


def test_2021_234_stated_total_and_summary_table():
    subs, checks, problems = run_texte(F004, "2021-234")
    assert subs == []
    summary = [c for c in checks if "répartition" in c.libelle]
    assert summary and summary[0].statut == "ok" and summary[0].declare == Decimal("511259")
    assert summary[0].nombre_declare == 22 and summary[0].nombre_trouve == 22
    glob = [c for c in checks if "global" in c.libelle]
    assert glob[0].declare == Decimal("511259") and glob[0].nombre_declare == 22


def test_2021_236_two_globals_matched_to_their_tables():
    def rows(n, amount, name):
        return [
            Subvention(
                id="",
                deliberation="2021-236",
                source=F004,
                line=8000 + k,
                beneficiaire=f"{name} {k}",
                type_beneficiaire="commune",
                montant=amount,
            )
            for k in range(n)
        ]

    fieet = TableResult("FIEET", "FIEET", 7800, 7976, subventions=rows(56, Decimal("8771"), "A") + rows(1, Decimal("8823"), "B"))
    fien = TableResult("FIEN", "FIEN", 7990, 8008, subventions=rows(10, Decimal("500"), "C") + rows(1, Decimal("482"), "D"))
    _, checks, _ = run_texte(F004, "2021-236", tables=[fieet, fien])
    by = {c.declare: c for c in checks}
    assert by[Decimal("499998.00")].nombre_declare == 57 and "FIEET" in by[Decimal("499998.00")].libelle
    assert by[Decimal("5482.00")].statut == "ok" and by[Decimal("5482.00")].nombre_trouve == 11


def test_2021_237_subtotals_by_kind_of_beneficiary():
    _, checks, problems = run_texte(F004, "2021-237")
    assert sorted(c.declare for c in checks) == [Decimal("17200"), Decimal("34520"), Decimal("118280")]
    assert {c.nombre_declare for c in checks} == {18, 5, 2}


def test_2021_241_amount_split_over_lines():
    subs, _, problems = run_texte(F004, "2021-241")
    [s] = subs
    assert s.montant == Decimal("12000") and s.beneficiaire == "APF France Handicap"
    assert s.type_beneficiaire == "association"  # called « l'association APF France Handicap » in article 2
    assert s.objet.startswith("programme d'actions")


def test_2021_248_epdef():
    subs, _, _ = run_texte(F004, "2021-248")
    [s] = subs
    assert s.montant == Decimal("2997000")
    assert "EPDEF" in s.beneficiaire
    assert s.commune_projet.written == "LONGUENESSE"
    assert s.objet.startswith("achat d'un bâtiment")


def test_2021_251_two_participations_with_decimal_point():
    subs, _, problems = run_texte(F004, "2021-251")
    assert [s.montant for s in subs] == [Decimal("4508784"), Decimal("8404.22")]
    assert subs[0].objet == "financement des CDDI"
    assert "Agence de Services et de Paiement" in subs[1].beneficiaire
    assert any(p.kind == "beneficiaire-deduit" for p in problems)


@pytest.mark.parametrize(
    "num",
    ["2021-235", "2021-238", "2021-240", "2021-242", "2021-244", "2021-245", "2021-246", "2021-247", "2021-249", "2021-250", "2021-252"],
)
def test_deliberations_without_individual_grants(num):
    subs, _, _ = run_texte(F004, num)
    assert subs == []


def test_amounts_not_decided_are_reported_not_dropped():
    _, _, problems = run_texte(F004, "2021-245")
    assert any("montant 112\u202f157,73\u00a0€ cité" in p.message for p in problems)  # an older grant renamed, not a new one
    _, _, problems = run_texte(F004, "2021-235")
    assert any("montant 594\u202f000,00\u00a0€ cité" in p.message for p in problems)  # an envelope, not a grant (French amounts)


def test_2022_317_no_grant():
    subs, checks, problems = run_texte(F003, "2022-317")
    assert subs == [] and checks == [] and problems == []


# --- budget tables in 004 (wrapped) -------------------------------------------------------


def test_2021_239_budget_lines_sum_to_farda_voirie_total():
    d, unit = _all_units(F004)["2021-239"]
    budget = extract_budget(unit, Contexte(d.id, d.source), d)
    assert [b.depense for b in budget.lignes] == [
        Decimal("2120471.23"),
        Decimal("45000.00"),
        Decimal("61168.00"),
        Decimal("32906.00"),
        Decimal("30000.00"),
    ]
    assert all(b.imputation == "2041421//91628" for b in budget.lignes)
    assert budget.lignes[0].code_operation == "C04-628G04 AP21"
    assert sum(b.depense for b in budget.lignes) == Decimal("2289545.23")


def test_2021_236_budget_imputation_split_over_lines():
    d, unit = _all_units(F004)["2021-236"]
    budget = extract_budget(unit, Contexte(d.id, d.source), d)
    assert [(b.section, b.code_operation, b.imputation, b.depense) for b in budget.lignes] == [
        ("Investissement", "C04-738I01", "2041411//91738", Decimal("499998.00")),
        ("Fonctionnement", "C04-733C01", "6568//93738", Decimal("5482.00")),
    ]


def test_budget_single_line_sets_imputation():
    d, unit = _all_units(F004)["2021-248"]
    ctx = Contexte(d.id, d.source)
    budget = extract_budget(unit, ctx, d)
    subs, _, _ = run_texte(F004, "2021-248")
    check = check_depense(budget, subs, ctx)
    assert check.statut == "ok" and subs[0].imputation == "20417821/9151"


def test_budget_recette_table_is_not_a_depense():
    d, unit = _all_units(F004)["2021-252"]
    budget = extract_budget(unit, Contexte(d.id, d.source), d)
    assert [b.montants.get("Recette") for b in budget.lignes] == [Decimal("840000.00")]
    assert check_depense(budget, [], Contexte(d.id, d.source)) is None


# --- small real excerpts (fixtures) --------------------------------------------------------


def test_fixture_2019_117_articles_and_tab_budget():
    d, lines = fixture_deliberation("subv_texte_2019-117_extrait.txt", "2019-117")
    ctx = Contexte(d.id, d.source)
    subs, checks, problems = extract_from_articles(d, ctx, lines=lines)
    assert [(s.beneficiaire, s.montant) for s in subs] == [
        ("Le Touquet-Paris-Plage", Decimal("1000000")),
        ("Le Portel", Decimal("100000")),
        ("Vieille-Chapelle", Decimal("387500")),
    ]
    assert subs[0].line == 3
    budget = extract_budget(lines, ctx, d)
    assert len(budget.lignes) == 6 and budget.colonnes == ["AP", "Dépense"]
    check = check_depense(budget, subs, ctx)
    assert check.statut == "ecart" and check.declare == Decimal("6167760.00") and check.calcule == Decimal("1487500")


def test_fixture_2021_233_wrapped_budget_and_breakdown_lines():
    d, lines = fixture_deliberation("subv_texte_2021-233_articles.txt", "2021-233")
    ctx = Contexte(d.id, d.source)
    subs, checks, _ = extract_from_articles(d, ctx, lines=lines)
    assert [s.montant for s in subs] == [Decimal("534172")]
    assert checks[0].statut == "ok" and checks[0].line == 23  # `Total 534 172 €` in the excerpt
    budget = extract_budget(lines, ctx, d)
    assert [(b.code_operation, b.imputation, b.depense) for b in budget.lignes] == [
        ("C01-020Q02 020Q-EPF-D", "6568//930202", Decimal("404172.00")),
        ("C01-020Q02 020Q-AE21", "6568//930202", Decimal("130000.00")),
    ]
    assert check_depense(budget, subs, ctx).statut == "ok"
    assert subs[0].imputation == "6568//930202"


def test_template_placeholders_are_ignored():
    d, _ = _all_units(F001)["2019-117"]
    tpl = Article("2", "D'attribuer à XXX, une subvention de XXX € pour son projet de XXX.", 390)
    d2 = Deliberation(**{**d.__dict__, "articles": [tpl]})
    assert extract_from_articles(d2, Contexte(d.id, d.source)) == ([], [], [])

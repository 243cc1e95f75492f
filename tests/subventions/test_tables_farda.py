"""FARDA voirie / aménagement annex tables, read on the real recueil of June 2021 (004)."""

import re
from decimal import Decimal
from functools import cache

import pytest

from generator.parse.normalise import normalise
from generator.sources.lecture import read_source
from generator.subventions.tables import farda_amenagement, farda_voirie, monuments_historiques
from generator.subventions.tables.base import Contexte

from conftest import CORPUS, ROOT

FIXTURES = ROOT / "tests" / "fixtures"
S004 = "004_45492b4b56f19b50.txt"
S001 = "001_e1a7153a0531ec73.txt"
D = Decimal
_NUM = re.compile(r"^\s*\(N°\s*(\d{4}-\d+)\)")


@cache
def lines_of(name):
    return normalise(read_source(CORPUS / name).text)


@cache
def units(name):
    """Deliberation units: from one « Envoi au contrôle de légalité » stamp to the next
    (or from one `(N°…)` line to the next when the extraction has no stamps)."""
    lines = lines_of(name)
    cuts = [k for k, l in enumerate(lines) if "Envoi au contrôle de légalité" in l.text]
    if not cuts:
        cuts = [k for k, l in enumerate(lines) if _NUM.match(l.text)]
    cuts = [0] + [c for c in cuts if c > 0]  # the avis / sommaire before the first act is a unit too
    out = {}
    for a, b in zip(cuts, cuts[1:] + [len(lines)]):
        unit = lines[a:b]
        num = next((_NUM.match(l.text).group(1) for l in unit if _NUM.match(l.text)), f"sans-numero-{a}")
        out[num] = unit
    return out


def run(module, name, num):
    return module.extract(units(name)[num], Contexte(num, name))


@pytest.fixture(scope="module")
def voirie():
    res = run(farda_voirie, S004, "2021-239")
    assert len(res) == 1
    return res[0]


@pytest.fixture(scope="module")
def amenagement():
    res = run(farda_amenagement, S004, "2021-243")
    assert len(res) == 1
    return res[0]


def by_ref(result, ref):
    found = [s for s in result.subventions if s.reference == ref]
    assert len(found) == 1, ref
    return found[0]


# ------------------------------------------------------------------ voirie


def test_voirie_all_176_rows_and_stated_totals_ok(voirie):
    assert len(voirie.subventions) == 176
    assert voirie.problems == []
    checks = {c.libelle: c for c in voirie.checks}
    cout = checks["FARDA voirie — montant total des projets"]
    aide = checks["FARDA voirie — montant total des aides"]
    nombre = checks["FARDA voirie — nombre de projets"]
    assert (cout.declare, cout.calcule, cout.statut) == (D("11284541.60"), D("11284541.60"), "ok")
    assert (aide.declare, aide.calcule, aide.statut) == (D("2289545.23"), D("2289545.23"), "ok")
    assert (nombre.nombre_declare, nombre.nombre_trouve, nombre.statut) == (176, 176, "ok")
    assert len(voirie.checks) == 3
    assert voirie.nom == "PROGRAMMATION FARDA - AIDE À LA VOIRIE COMMUNALE"
    assert {s.dispositif for s in voirie.subventions} == {"FARDA voirie"}


def test_voirie_types_de_demande(voirie):
    types = [s.objet.split(" — ")[0] for s in voirie.subventions]
    assert types.count("AVC") == 169
    assert types.count("PONTS ET BERGES - ETUDES") + types.count("PONTS ET BERGES - INVESTISSEME") == 7


def test_voirie_wrapped_row(voirie):
    s = by_ref(voirie, "2021-02822")
    assert s.beneficiaire == "COMMUNE DE ABLAIN-SAINT-NAZAIRE"  # `ABLAIN-SAINT-` / `NAZAIRE`
    assert s.beneficiaire_ref.written == "ABLAIN-SAINT-NAZAIRE"
    assert s.commune_projet.written == "ABLAIN-SAINT-NAZAIRE"
    assert s.type_beneficiaire == "commune"
    assert s.objet == "AVC — Réfection des voiries, rue du Flôt et rue d'Arras"
    assert (s.cout_projet, s.montant_eligible, s.taux, s.montant) == (D("20093.50"), None, D("40.00"), D("8037.40"))
    assert s.source == S004 and s.deliberation == "2021-239" and s.id == ""


def test_voirie_ponts_et_berges_wrapped_type(voirie):
    s = by_ref(voirie, "2021-02984")
    assert s.beneficiaire == "COMMUNE DE CAPELLE-FERMONT"
    assert s.objet.startswith("PONTS ET BERGES - ETUDES — Etude pour la réfection")
    assert (s.cout_projet, s.taux, s.montant) == (D("745.00"), D("80.00"), D("596.00"))


def test_voirie_glued_page_number_stripped(voirie):
    # `111 500,00 37 500,00 40,00% 15 000,00976`: 976 is the bulletin page
    s = by_ref(voirie, "2021-01480")
    assert s.beneficiaire == "COMMUNE DE LAGNICOURT-MARCEL"
    assert (s.cout_projet, s.montant_eligible, s.montant) == (D("111500.00"), D("37500.00"), D("15000.00"))


def test_voirie_three_amounts(voirie):
    s = by_ref(voirie, "2021-01469")  # LABEUVRIÈRE: cost, plafond, eligible
    assert (s.cout_projet, s.montant_eligible, s.montant) == (D("81982.00"), D("80733.80"), D("15000.00"))


def test_voirie_consumed_covers_table_only(voirie):
    assert min(voirie.consumed) == voirie.line and max(voirie.consumed) == voirie.line_end
    assert all(voirie.line <= s.line <= voirie.line_end for s in voirie.subventions)


def test_voirie_unreadable_rows_reported_not_dropped():
    """Real rows (one cut short by the excerpt) plus a row without a rate: each becomes a Problem."""
    lines = normalise((FIXTURES / "tables_farda_voirie_extrait.txt").read_text(encoding="utf-8"))
    [res] = farda_voirie.extract(lines, Contexte("2021-239", "extrait"))
    assert [s.reference for s in res.subventions] == ["2021-02822", "2021-01487", "2021-00475", "2021-02984"]
    bad = [p for p in res.problems if p.kind == "ligne-illisible"]
    assert len(bad) == 2
    assert "ACQUIN-WESTBÉCOURT" in bad[0].message and "NULLEPART" in bad[1].message
    assert all(c.statut == "illisible" for c in res.checks)
    assert len(res.checks) == 2  # no count stated in the excerpt


# ------------------------------------------------------------------ aménagement


def test_amenagement_all_179_rows_and_stated_totals_ok(amenagement):
    assert len(amenagement.subventions) == 179
    assert amenagement.problems == []
    checks = {c.libelle: c for c in amenagement.checks}
    assert checks["FARDA aménagement — montant total des projets"].declare == D("28871527.75")
    assert checks["FARDA aménagement — montant total des aides"].calcule == D("5450715.82")
    assert checks["FARDA aménagement — nombre de projets"].nombre_declare == 179
    assert len(checks) == 3 and all(c.statut == "ok" for c in checks.values())


def test_amenagement_amount_columns(amenagement):
    # 1 amount (cost only) on 117 rows, 2 or 3 amounts on 59 + 3 rows
    assert sum(1 for s in amenagement.subventions if s.montant_eligible is None) == 117
    assert sum(1 for s in amenagement.subventions if s.montant_eligible is not None) == 62
    s = by_ref(amenagement, "2021-00940")  # 3 amounts
    assert (s.cout_projet, s.montant_eligible, s.taux, s.montant) == (D("59747.10"), D("57661.60"), D("40"), D("14285.84"))


def test_amenagement_types_read_from_the_data(amenagement):
    types = {s.objet.split(" — ")[0] for s in amenagement.subventions}
    assert types == set(farda_amenagement.TYPES_DEMANDE)


def test_wancourt(amenagement):
    s = by_ref(amenagement, "2021-01843")
    assert s.beneficiaire == "COMMUNE DE WANCOURT" and s.commune_projet.written == "WANCOURT"
    assert s.montant == D("3107.00") and s.dispositif == "FARDA aménagement"
    assert s.objet == "REHAB PARTIELLES — Changement de portes à l'école et à la mairie"


def test_baincthun_three_farda_grants(voirie, amenagement):
    grants = [s for r in (voirie, amenagement) for s in r.subventions if s.beneficiaire == "COMMUNE DE BAINCTHUN"]
    assert sorted(s.montant for s in grants) == [D("3500.00"), D("15000.00"), D("87500.00")]
    assert sum(s.montant for s in grants) == D("106000.00")
    glued = by_ref(amenagement, "2021-00517")  # `…marché alimentaireESPACES PUBLICS COMMUNE DE BAINCTHUN`
    assert glued.objet.startswith("ESPACES PUBLICS — ") and glued.objet.endswith("marché alimentaire")


def test_amenagement_type_repeated_in_description(amenagement):
    s = by_ref(amenagement, "2021-01521")  # `Mise en conformité de DECI DECI COMMUNE DE …`
    assert s.objet == "DECI — Mise en conformité de DECI"
    assert s.beneficiaire == "COMMUNE DE BEAUVOIR-WAVANS"


def test_amenagement_beneficiary_kinds(amenagement):
    kinds = {s.beneficiaire: s.type_beneficiaire for s in amenagement.subventions if s.type_beneficiaire != "commune"}
    assert kinds == {
        "SYND INTERCOM DU RPC MORINIE": "syndicat",
        "CAPSO": "epci",
        "COM COMMUNES PAYS DE LUMBRES": "epci",
        "COM DE COM CAMPAGNES ARTOIS": "epci",
    }
    assert all(s.beneficiaire_ref is None for s in amenagement.subventions if s.beneficiaire in kinds)
    truncated = by_ref(amenagement, "2021-00445")
    assert truncated.beneficiaire == "COMMUNE DE NEUVILLE-SOUS-MONTREUI"  # kept as printed


def test_amenagement_unknown_type_and_unreadable_row():
    lines = normalise((FIXTURES / "tables_farda_amenagement_extrait.txt").read_text(encoding="utf-8"))
    [res] = farda_amenagement.extract(lines, Contexte("2021-243", "extrait"))
    assert len(res.subventions) == 7
    inconnu = by_ref(res, "2021-09998")
    assert inconnu.objet == "NOUVEAU TYPE — Travaux de toiture de la salle" and inconnu.montant == D("2000.00")
    assert [p.kind for p in res.problems] == ["type-inconnu", "ligne-illisible"]
    assert "2021-09997" in res.problems[1].message
    assert {c.statut for c in res.checks} == {"illisible"}


def test_amenagement_total_ecart_is_reported():
    text = (FIXTURES / "tables_farda_amenagement_extrait.txt").read_text(encoding="utf-8")
    keep = [l for l in text.split("\n") if "2021-0999" not in l and not l.startswith("28 871")]
    lines = normalise("\n".join(keep) + "\n25 000,00 106 883,00\n")
    [res] = farda_amenagement.extract(lines, Contexte("2021-243", "extrait"))
    checks = {c.libelle: c for c in res.checks}
    aides = checks["FARDA aménagement — montant total des aides"]
    assert (aides.calcule, aides.statut) == (D("104883.00"), "ecart")
    assert "écart" in aides.message
    projets = checks["FARDA aménagement — montant total des projets"]
    assert projets.statut == "ecart" and projets.calcule == D("371682.30")


# ------------------------------------------------------------------ selectivity and speed

EXPECTED = {
    (S004, "2021-239"): "farda_voirie",
    (S004, "2021-243"): "farda_amenagement",
    (S004, "2021-245"): "monuments_historiques",
}


@pytest.mark.parametrize("name", [S004, S001, "002_4b206b7012456076.txt", "003_97c6f9649ae06488.txt"])
def test_each_extractor_fires_only_on_its_table(name):
    fired = set()
    for num, unit in units(name).items():
        for mod in (farda_voirie, farda_amenagement, monuments_historiques):
            if mod.extract(unit, Contexte(num, name)):
                fired.add((name, num, mod.__name__.rsplit(".", 1)[1]))
    assert fired == {(n, num, m) for (n, num), m in EXPECTED.items() if n == name}


def test_whole_recueil_at_once_finds_each_table_once():
    """Speed is measured by `make bench`, not asserted here."""
    lines = lines_of(S004)
    ctx = Contexte("tout", S004)
    found = [mod.extract(lines, ctx) for mod in (farda_voirie, farda_amenagement, monuments_historiques)]
    assert [sum(len(r.subventions) for r in f) for f in found] == [176, 179, 26]

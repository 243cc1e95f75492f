"""The grants orchestrator `extract_subventions`: discovery of table modules, one reader
per line, article/table deduplication, ids in document order, budget check."""

from __future__ import annotations

import bisect
import types
from decimal import Decimal

import pytest
from test_subventions_texte import F001, F003, F004, _all_units, corpus_lines

from generator.subventions import Contexte, extract_subventions, table_modules
from generator.subventions.tables._commun import EnDebutDeLigne, Motif, UnDes
from generator.subventions.tables.base import TableResult, commune_ecrite

from conftest import CORPUS


def _module(name, results_fn):
    return types.SimpleNamespace(__name__=f"generator.subventions.tables.{name}", extract=results_fn)


def _row(ctx, line, name, amount, kind="commune", tableau="Tableau test"):
    return ctx.subvention(
        line, name, kind, Decimal(amount), tableau=tableau, beneficiaire_ref=commune_ecrite(name) if kind == "commune" else None
    )


def test_2019_117_without_tables_ids_in_document_order_and_depense_ok():
    d, unit = _all_units(F001)["2019-117"]
    subs, checks, problems = extract_subventions(d, unit, modules=[])
    assert len(subs) == 19 and sum(s.montant for s in subs) == Decimal("6167760")
    assert [s.id for s in subs][:2] == ["2019-117-0001", "2019-117-0002"] and subs[-1].id == "2019-117-0019"
    assert [s.line for s in subs] == sorted(s.line for s in subs)
    assert subs[0].beneficiaire == "Le Touquet-Paris-Plage"
    [dep] = [c for c in checks if c.libelle == "Dépense imputée"]
    assert dep.statut == "ok" and dep.declare == Decimal("6167760")


def test_article_grant_equal_to_a_table_row_is_kept_once_as_the_row():
    d, unit = _all_units(F001)["2019-117"]

    def extract(lines, ctx):
        row = _row(ctx, 20083, "COMMUNE DE CALAIS", "400000")
        row.reference = "FIT-1"
        return [TableResult("Tableau test", "FIT", 20080, 20090, subventions=[row], consumed={20083})]

    subs, checks, problems = extract_subventions(d, unit, modules=[_module("fake", extract)])
    assert len(subs) == 19
    calais = [s for s in subs if "CALAIS" in s.beneficiaire.upper()]
    assert len(calais) == 1 and calais[0].reference == "FIT-1" and calais[0].tableau == "Tableau test"
    assert calais[0].objet.startswith("aménagement des espaces publics")  # carried over from the article
    assert any(p.kind == "doublon-article-tableau" for p in problems)
    assert subs[-1].id == "2019-117-0019" and subs[-1] is calais[0]  # sorted by line: the row comes last


def test_a_line_read_by_two_tables_is_reported_and_not_counted_twice():
    d, unit = _all_units(F004)["2021-232"]

    def first(lines, ctx):
        return [
            TableResult(
                "A",
                None,
                988,
                1000,
                subventions=[
                    _row(ctx, 988, "Association L'art de Muser", "2000", "association"),
                    _row(ctx, 999, "Association Ferk'Ados", "750", "association"),
                ],
                consumed={988, 999},
            )
        ]

    def second(lines, ctx):
        return [
            TableResult("B", None, 999, 999, subventions=[_row(ctx, 999, "Association Ferk'Ados", "750", "association")], consumed={999})
        ]

    subs, checks, problems = extract_subventions(d, unit, modules=[_module("a", first), _module("b", second)])
    assert sum(s.montant for s in subs) == Decimal("2750") and len(subs) == 2
    assert [p.line for p in problems if p.kind == "ligne-lue-deux-fois"] == [999]
    glob = [c for c in checks if c.declare == Decimal("2750") and "global" in c.libelle]
    assert glob and glob[0].statut == "ok" and glob[0].nombre_trouve == 2


def test_failing_table_module_becomes_a_problem():
    d, unit = _all_units(F004)["2021-241"]

    def broken(lines, ctx):
        raise ValueError("boom")

    subs, _, problems = extract_subventions(d, unit, modules=[_module("broken", broken)])
    assert [s.montant for s in subs] == [Decimal("12000")]
    assert any(p.kind == "extracteur-en-echec" and "broken" in p.message for p in problems)


def test_table_modules_are_discovered_sorted_without_base():
    names = [m.__name__.rsplit(".", 1)[-1] for m in table_modules()]
    assert "base" not in names and names == sorted(names)
    assert all(callable(m.extract) for m in table_modules())


def test_depense_ecart_is_reported_when_grants_are_missing():
    d, unit = _all_units(F004)["2021-239"]
    subs, checks, problems = extract_subventions(d, unit, modules=[])
    assert subs == []  # no table reader: the global amount cannot become grants
    dep = [c for c in checks if c.libelle == "Dépense imputée"][0]
    assert dep.statut == "ecart" and dep.declare == Decimal("2289545.23")
    glob = [c for c in checks if "global" in c.libelle][0]
    assert glob.statut == "illisible" and glob.nombre_declare == 176
    assert any(p.kind == "detail-introuvable" and p.severity == "erreur" for p in problems)


# --- integration with the table modules present in the repository ------------------------------


def _has(name):
    return any(m.__name__.endswith("." + name) for m in table_modules())


@pytest.mark.skipif(not _has("farda_voirie"), reason="table module farda_voirie not written yet")
def test_2021_239_farda_voirie_grants_match_article_and_budget():
    d, unit = _all_units(F004)["2021-239"]
    subs, checks, _ = extract_subventions(d, unit)
    assert len(subs) == 176 and sum(s.montant for s in subs) == Decimal("2289545.23")
    assert {c.libelle: c.statut for c in checks}["Dépense imputée"] == "ok"
    assert subs[0].id == "2021-239-0001" and subs[-1].id == "2021-239-0176"
    assert {s.imputation for s in subs} == {"2041421//91628"}  # 5 budget lines (AP years), one imputation


@pytest.mark.skipif(not _has("environnement"), reason="table module environnement not written yet")
def test_2021_236_fieet_one_euro_gap_is_reported_not_forced():
    d, unit = _all_units(F004)["2021-236"]
    subs, checks, _ = extract_subventions(d, unit)
    dep = [c for c in checks if c.libelle == "Dépense imputée"][0]
    assert dep.declare == Decimal("505480.00") and dep.calcule == Decimal("505481") and dep.statut == "ecart"


def test_whole_corpus_with_actes_parser():
    """Through the real deliberation parser, every decided amount is a grant or a checked total."""
    actes = pytest.importorskip("generator.parse.actes")
    totals = {}
    for name in (F001, F003, F004):
        lines = list(corpus_lines(name))
        numbers = [l.no for l in lines]
        _, delibs, _ = actes.parse_actes(lines, name)
        for d in delibs:
            lo, hi = bisect.bisect_left(numbers, d.line), bisect.bisect_right(numbers, d.line_end)
            subs, checks, problems = extract_subventions(d, lines[lo:hi])
            assert len({s.id for s in subs}) == len(subs)
            totals[d.id] = (
                len(subs),
                sum((s.montant for s in subs), Decimal(0)),
                {c.libelle: c.statut for c in checks if c.libelle == "Dépense imputée"},
            )
    assert totals["2019-117"] == (19, Decimal("6167760"), {"Dépense imputée": "ok"})
    assert totals["2021-233"][:2] == (1, Decimal("534172"))
    assert totals["2021-241"][:2] == (1, Decimal("12000"))
    assert totals["2021-248"][:2] == (1, Decimal("2997000"))
    assert totals["2021-251"][:2] == (2, Decimal("4517188.22"))
    for num in (
        "2019-118",
        "2019-119",
        "2019-120",
        "2019-121",
        "2021-235",
        "2021-238",
        "2021-240",
        "2021-242",
        "2021-244",
        "2021-246",
        "2021-247",
        "2021-249",
        "2021-250",
        "2021-252",
        "2022-317",
    ):
        assert totals[num][0] == 0, num


def test_indice_skips_only_units_where_the_reader_finds_nothing():
    """A table reader's INDICE lets most units skip it; on every unit of every real source, reading
    with the INDICEs gives exactly what reading every unit with every reader gives."""
    actes = pytest.importorskip("generator.parse.actes")
    sans_indice = [_module(m.__name__.rsplit(".", 1)[-1], m.extract) for m in table_modules()]
    assert all(hasattr(m, "INDICE") for m in table_modules())
    lus = sautes = 0
    for name in sorted(p.name for p in CORPUS.glob("*.txt")):
        lines = list(corpus_lines(name))
        numbers = [l.no for l in lines]
        _, delibs, _ = actes.parse_actes(lines, name)
        for d in delibs:
            unit = lines[bisect.bisect_left(numbers, d.line) : bisect.bisect_right(numbers, d.line_end)]
            assert extract_subventions(d, unit) == extract_subventions(d, unit, modules=sans_indice), d.id
            brut = "\n".join(l.text for l in unit).lower()
            for m in table_modules():
                found = m.extract(unit, Contexte(d.id, d.source))
                if m.INDICE.search(brut):
                    lus += 1
                else:
                    sautes += 1
                    assert found == [], (m.__name__, d.id)
    assert sautes > 5 * lus  # the point of it: most readers are skipped on most units


def test_an_indice_searches_its_pattern_only_in_a_text_holding_its_piece_of_text():
    """`Motif`: the regex's search, not made where the piece of text that every match holds is absent."""
    motif = Motif(r"code\s+de\s+la\s+demande", "demande")
    assert motif.search("tableau\ncode  de la\tdemande\n").group() == "code  de la\tdemande"
    assert motif.search("code de la requête, demande") is None
    en_tete = EnDebutDeLigne(r"b[ée]n[ée]ficiaire", "ficiaire")
    assert en_tete.search("les bénéficiaires\n  bénéficiaire montant").start() == 20
    assert en_tete.search("le beneficiaire") is None
    assert UnDes(Motif(r"soutien", "soutien"), Motif(r"subvention\s+sollicitée", "sollicitée")).search("la subvention  sollicitée")
    with pytest.raises(ValueError):
        Motif(r"code\s+de\s+la\s+demande", "requête")  # not a piece of the pattern: it would skip its tables


def test_an_indice_at_line_start_searches_as_its_regex_does():
    """`EnDebutDeLigne` (the fast INDICE of a header that starts a line) finds a line start exactly
    where `^\\s*motif` (re.M) does: on every unit of the real sources and on edge cases."""
    import re

    actes = pytest.importorskip("generator.parse.actes")
    motifs = {r"b[ée]n[ée]ficiaire": "ficiaire", r"thématiques[^\n]*bénéficiaires": "thématiques", r"article": "article"}
    paires = [(re.compile(r"^\s*" + m, re.M), EnDebutDeLigne(m, litteral)) for m, litteral in motifs.items()]
    textes = [
        "",
        "bénéficiaire",
        "  \t bénéficiaire",
        "x bénéficiaire",
        "x\n\u00a0 bénéficiaire",
        "x bénéficiaire\n bénéficiaire",
        "x\n\n  \nbeneficiaire",
        "thématiques a thématiques b bénéficiaires",
        "x thématiques\nthématiques bénéficiaires",
    ]
    for name in sorted(p.name for p in CORPUS.glob("*.txt")):
        lines = list(corpus_lines(name))
        numbers = [l.no for l in lines]
        _, delibs, _ = actes.parse_actes(lines, name)
        textes += [
            "\n".join(l.text for l in lines[bisect.bisect_left(numbers, d.line) : bisect.bisect_right(numbers, d.line_end)]).lower()
            for d in delibs
        ]
    trouves = 0
    for texte in textes:
        for regex, rapide in paires:
            attendu = regex.search(texte)
            assert bool(rapide.search(texte)) == bool(attendu), (regex.pattern, texte[:80])
            trouves += bool(attendu)
    assert trouves > 20 and not EnDebutDeLigne(r"b[ée]n[ée]ficiaire", "ficiaire").search("x bénéficiaire")


def test_an_indice_of_several_patterns_finds_what_their_alternation_does():
    """`UnDes` (an INDICE of patterns searched one by one) finds one exactly when the alternation
    of its patterns does: on edge cases and on the real sources' units."""
    import re

    motifs = {r"propositions de soutien financier": "propositions de soutien financier", r"subvention\s+sollicitée": "sollicitée"}
    regex, rapide = re.compile("|".join(motifs)), UnDes(*(Motif(m, litteral) for m, litteral in motifs.items()))
    textes = ["", "subvention sollicitée", "x subvention\n  sollicitée y", "propositions de soutien financier", "subvention sollicitee"]
    textes += [p.read_text(encoding="utf-8").lower() for p in sorted(CORPUS.glob("*.txt"))]
    assert [bool(rapide.search(t)) for t in textes] == [bool(regex.search(t)) for t in textes]
    assert rapide.search(textes[2]) and not rapide.search(textes[4]) and not rapide.search(textes[0])

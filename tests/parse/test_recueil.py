"""The recueil's avis and sommaire, on the real corpus (notes-001 §1/§5, notes-004 §1/§5)."""

from collections import Counter
from functools import cache

import pytest

from generator.parse.normalise import normalise
from generator.parse.recueil import parse_recueil
from generator.records import Line, to_dict

from conftest import CORPUS, ROOT

R001 = "001_e1a7153a0531ec73.txt"
R004 = "004_45492b4b56f19b50.txt"
FIXTURES = ROOT / "tests" / "fixtures"


@cache
def _lines(name: str) -> tuple[Line, ...]:
    return tuple(normalise((CORPUS / name).read_text(encoding="utf-8")))


def _parse(name: str):
    return parse_recueil(list(_lines(name)), name)


def _lines_of(text: str) -> list[Line]:
    return normalise(text)


def _act(recueil, needle: str):
    found = [a for a in recueil.actes_executif if needle in a.titre]
    assert len(found) == 1, (needle, [a.titre for a in found])
    return found[0]


# ------------------------------------------------------------------ 001 (mai 2019)


def test_001_issue_and_affichage():
    r, _ = _parse(R001)
    assert (r.numero, r.mois, r.annee) == (5, 5, 2019)
    assert r.affichage == "2019-06-18"


def test_001_keeps_both_statements_of_part_1_and_flags_them():
    r, problems = _parse(R001)
    firsts = [p for p in r.parties if p.numero == 1]
    assert len(firsts) == 2
    avis, sommaire = firsts
    assert (avis.organe, avis.date_session, avis.premiere, avis.derniere) == ("Commission permanente", "2019-04-01", "2019-90", "2019-95")
    assert (sommaire.organe, sommaire.date_session, sommaire.premiere, sommaire.derniere, sommaire.page) == (
        "Conseil départemental",
        "2019-04-29",
        "2019-117",
        "2019-121",
        3,
    )
    assert sommaire.libelle == "REUNION DU CONSEIL DEPARTEMENTAL DU 29 AVRIL 2019"
    assert avis.line < sommaire.line
    contra = [p for p in problems if p.kind == "sommaire-contradictoire"]
    assert len(contra) == 1 and contra[0].line == sommaire.line
    assert "2019-90" in contra[0].message and "2019-117" in contra[0].message


def test_001_parts_2_and_3():
    r, _ = _parse(R001)
    (p2,) = [p for p in r.parties if p.numero == 2]
    assert (p2.organe, p2.date_session, p2.premiere, p2.derniere) == ("Commission permanente", "2019-05-13", "2019-122", "2019-152")
    (p3,) = [p for p in r.parties if p.numero == 3]
    assert p3.organe == "Exécutif" and p3.libelle == "ACTES DE L'EXECUTIF DEPARTEMENTAL"
    assert (p3.page, p3.page_fin) == (1255, 1700)
    # the bare « 1ère PARTIE » of the title page states nothing and is not a part
    assert sorted(p.numero for p in r.parties) == [1, 1, 2, 3]


def test_001_executive_acts_by_rubrique():
    r, _ = _parse(R001)
    acts = r.actes_executif
    assert len(acts) == 83
    by_rubrique = Counter(a.rubrique for a in acts)
    assert by_rubrique["Décisions du Président du Conseil départemental"] == 13
    assert by_rubrique["Arrêtés du Président"] == 1
    assert by_rubrique["Organisation des services"] == 2
    assert by_rubrique["Voirie Départementale"] == 38  # 37 « RD … » + the Lac Bleu ban
    assert by_rubrique["Organisation et nomination dans les Centres, Conseils et Commissions Consultatifs"] == 3
    esms = [a for a in acts if "ESMS" in a.rubrique]
    assert Counter(a.nature for a in esms) == {"Tarification": 24, "Autorisation": 1}
    assert all(a.page is not None for a in acts)
    assert not any("*" in a.rubrique for a in acts)


def test_001_voirie_entries():
    r, _ = _parse(R001)
    rd = [a for a in r.actes_executif if a.route]
    assert len(rd) == 37
    assert sum(" des communes " in a.titre for a in rd) == 28
    assert sum(" de la commune " in a.titre for a in rd) == 9
    assert Counter(a.nature for a in rd) == {"Travaux": 23, "Manifestation": 14}
    huc = _act(r, "Hucqueliers")
    assert (huc.route, huc.communes_ecrites, huc.page, huc.nature) == ("RD D128", ["Hucqueliers"], 1534, "Travaux")
    # « … Mory et Wancourt– Travaux » : dash without a space, page glued to the year
    wan = _act(r, "Wancourt")
    assert wan.communes_ecrites == ["Croisilles", "Héninel", "Mory", "Wancourt"]
    assert wan.route == "RD D36E2, D9, D5, D33 et D34" and wan.page == 1543
    assert wan.titre.endswith("du 8 avril 2019 au 12 avril 2019")


def test_001_pages_glued_to_the_year_are_split():
    r, _ = _parse(R001)
    rol = _act(r, "Rollancourt")
    assert rol.page == 1540 and rol.titre.endswith("au 7 juin 2019")
    glued_pages = {1528, 1540, 1543, 1553, 1555, 1558, 1561, 1563, 1569}
    got = {a.page for a in r.actes_executif if a.page in glued_pages}
    assert got == glued_pages
    assert not any(a.titre.endswith(("20191", "2019154")) for a in r.actes_executif)


def test_001_leader_forms_and_lone_page():
    r, _ = _parse(R001)
    assert _act(r, "Refonte des dispositifs").page == 1255  # « ..... 1255 »
    assert _act(r, "Bailleul-Sir-Berthoult").page == 1532  # « .....1532 »
    assert _act(r, "T-RAID").page == 1602  # « .....⇥1602 »
    assert _act(r, "Prix Cycliste des 2 Airons").page == 1572  # « ⇥1572 »
    assert _act(r, "Fonctions").page == 1518  # plain space
    # the page printed alone under its heading: the heading is the act
    (desig,) = [a for a in r.actes_executif if a.page == 1331]
    assert desig.titre.startswith("Désignation en qualité de représentant")


def test_001_esms_communes():
    r, _ = _parse(R001)
    assert _act(r, "Porebski").communes_ecrites == ["Bully-les-Mines"]
    assert _act(r, "Marcel Pagnol").communes_ecrites == ["Le Touquet"]
    assert _act(r, "Résidence Arnoul").communes_ecrites == ["Ardres"]
    assert _act(r, "Centre Hospitalier de Béthune").communes_ecrites == ["Beuvry"]
    fre = _act(r, "Bords de Canche")  # entry wrapped over two lines
    assert fre.page == 1669 and fre.communes_ecrites == ["Frévent"]


# ------------------------------------------------------------------ 004 (juin 2021)


def test_004_issue_from_avis_not_running_header():
    r, _ = _parse(R004)
    assert (r.numero, r.mois, r.annee) == (6, 6, 2021)
    assert r.affichage == "2021-07-08"


def test_004_parts():
    r, problems = _parse(R004)
    parts = {p.numero: p for p in r.parties}
    assert len(r.parties) == 3
    assert (parts[1].organe, parts[1].date_session, parts[1].premiere, parts[1].derniere, parts[1].page) == (
        "Commission permanente",
        "2021-06-07",
        "2021-188",
        "2021-231",
        3,
    )
    assert (parts[2].premiere, parts[2].derniere, parts[2].page) == ("2021-232", "2021-252", 713)
    assert (parts[3].organe, parts[3].page, parts[3].page_fin) == ("Exécutif", 1415, 1910)
    assert not [p for p in problems if p.kind == "sommaire-contradictoire"]


def test_004_executive_acts():
    r, problems = _parse(R004)
    acts = r.actes_executif
    assert len(acts) == 175
    by_rubrique = Counter(a.rubrique for a in acts)
    assert by_rubrique["Décisions du Président du Conseil départemental"] == 15
    assert by_rubrique["Organisation des services"] == 1
    assert by_rubrique["Voirie Départementale"] == 112
    assert by_rubrique["Organisation et nomination dans les Centres, Conseils et Commissions Consultatifs"] == 3
    esms = [a for a in acts if "ESMS" in a.rubrique]
    assert Counter(a.nature for a in esms) == {"Autorisation": 7, "Tarification": 37}
    assert all(a.page is not None for a in acts)
    assert not [p for p in problems if p.kind == "sommaire-page-illisible"]
    pages = [a.page for a in acts]
    assert pages == sorted(pages) and pages[0] == 1415 and pages[-1] == 1910


def test_004_wancourt_and_wrapped_voirie_entries():
    r, _ = _parse(R004)
    wan = _act(r, "Wancourt")
    assert (wan.route, wan.communes_ecrites, wan.page, wan.nature) == ("RD D37E1", ["Wancourt"], 1636, "Travaux")
    # « … Carly, Hesdin-L-Abbe et Samer » / « – Travaux … » on the next line
    carly = _act(r, "Carly")
    assert carly.communes_ecrites == ["Carly", "Hesdin-L-Abbe", "Samer"] and carly.page == 1530
    # « – Travaux … » at the top of a printed page
    bouin = [a for a in r.actes_executif if a.page == 1602][0]
    assert bouin.communes_ecrites == ["Bouin-Plumoison", "Marconnelle"] and bouin.nature == "Travaux"
    assert all(a.route and a.communes_ecrites for a in r.actes_executif if a.rubrique == "Voirie Départementale")


def test_004_typos_do_not_break_entries():
    r, _ = _parse(R004)
    div = _act(r, "au 28 2021")
    assert (div.route, div.page, div.communes_ecrites) == ("RD D941D301G1 et D941", 1538, ["Divion"])
    assert _act(r, "5 jous").page == 1576
    assert _act(r, "7 juin 2021au").page == 1595
    assert _act(r, "RD D75 ET D39").communes_ecrites == ["Vermelles"]


def test_004_sidebar_noise_is_not_an_entry():
    r, problems = _parse(R004)
    for a in r.actes_executif:
        assert "@" not in a.titre and "pasdecalais.fr" not in a.titre
        assert "Direction.de" not in a.titre and "A V I S" not in a.titre
    ignored = [p for p in problems if p.kind == "sommaire-texte-ignore"]
    assert len(ignored) == 1 and ignored[0].severity == "info"


def test_004_esms_communes():
    r, _ = _parse(R004)
    assert _act(r, "Les Jardins de Liévin").communes_ecrites == ["Liévin"]
    assert _act(r, "CCAS").communes_ecrites == ["Saint-Léonard"]
    assert _act(r, "Planète des enfants").communes_ecrites == ["Saint-Laurent-Blangy"]
    assert _act(r, "Parc du Manoir").communes_ecrites == ["Gonnehem"]  # unclosed «
    assert _act(r, "Tarif repas").communes_ecrites == []


def test_004_deterministic():
    """Parse time is measured by `make bench`, not asserted here."""
    lines = list(_lines(R004))
    first = parse_recueil(lines, R004)
    assert to_dict(first[0]) == to_dict(parse_recueil(lines, R004)[0])
    assert all(a.communes == [] for a in first[0].actes_executif)


# ------------------------------------------------------------------ not a recueil


@pytest.mark.parametrize("name", ["002_4b206b7012456076.txt", "003_97c6f9649ae06488.txt"])
def test_not_a_recueil(name):
    assert _parse(name) == (None, [])


def test_empty_input():
    assert parse_recueil([], "vide.txt") == (None, [])
    assert parse_recueil(_lines_of("\n\n"), "vide.txt") == (None, [])


# ------------------------------------------------------------------ other layouts


def test_variant_layout_fixture():
    """Bullet « • » rubrique, « …… » leaders, wrapped « - Travaux », an entry without page."""
    name = "recueil_variante.txt"
    r, problems = parse_recueil(_lines_of((FIXTURES / name).read_text(encoding="utf-8")), name)
    assert (r.numero, r.mois, r.annee, r.affichage) == (6, 6, 2021, "2021-07-08")
    assert [(p.numero, p.page, p.page_fin) for p in r.parties] == [(1, 3, None), (3, 1523, 1586)]
    acts = r.actes_executif
    assert [a.rubrique for a in acts] == ["Voirie Départementale"] * 4
    assert [a.page for a in acts] == [1523, 1583, None, 1586]
    assert acts[1].communes_ecrites == ["Ruyaulcourt", "Ytres"] and acts[1].nature == "Travaux"
    assert acts[2].communes_ecrites == ["Wancourt"]
    (missing,) = [p for p in problems if p.kind == "sommaire-page-illisible"]
    assert missing.line == 23 and missing.source == name
    assert any(p.kind == "parties-nombre" for p in problems)  # 3 announced, 2 described


def test_page_glued_to_year_is_generic():
    text = (
        "Recueil des Actes Administratifs\nN° 9 de SEPTEMBRE 2030 (1 partie)\n\n1ère PARTIE\n\n"
        "ACTES DE L'EXECUTIF DEPARTEMENTAL\n\n◆ Voirie Départementale\n"
        "- RD D1 au territoire de la commune de Arras - Manifestation Foire le 3 août 203012\n"
        "- RD D2 au territoire des communes de Lens, Liévin, et Loos-en-Gohelle – Travaux du 1er août 2030\n"
    )
    r, problems = parse_recueil(_lines_of(text), "t.txt")
    a, b = r.actes_executif
    assert (a.page, a.titre[-11:], a.nature) == (None, "août 203012", "Manifestation")  # 2-digit tail: no page
    assert b.page is None and b.communes_ecrites == ["Lens", "Liévin", "Loos-en-Gohelle"]
    assert [p.line for p in problems if p.kind == "sommaire-page-illisible"] == [9, 10]

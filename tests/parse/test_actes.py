"""generator.parse.actes on the real corpus: deliberations, sessions, votes, rapports, annexes."""

from functools import cache

import pytest

from generator.commun.dates import parse_date_fr
from generator.parse.actes import parse_actes
from generator.parse.document import Document
from generator.parse.normalise import normalise
from generator.parse.presences import person_name
from generator.records import Line, to_dict

from conftest import CORPUS

F001 = "001_e1a7153a0531ec73.txt"
F002 = "002_4b206b7012456076.txt"
F003 = "003_97c6f9649ae06488.txt"
F004 = "004_45492b4b56f19b50.txt"


@cache
def lines_of(name):
    return tuple(normalise((CORPUS / name).read_text(encoding="utf-8")))


@cache
def parsed(name):
    return parse_actes(list(lines_of(name)), name)


def by_id(name):
    return {d.id: d for d in parsed(name)[1]}


def kinds(problems):
    return [p.kind for p in problems]


# --- 001: Conseil départemental of 29 April 2019 -----------------------------------------


def test_001_deliberations_and_session():
    sessions, delibs, _ = parsed(F001)
    assert [d.id for d in delibs] == [f"2019-{n}" for n in range(117, 122)]
    assert [s.id for s in sessions] == ["conseil-departemental-2019-04-29"]
    s = sessions[0]
    assert (s.organe, s.collectivite, s.date) == ("Conseil départemental", "Département du Pas-de-Calais", "2019-04-29")
    assert s.president == "Jean-Claude LEROY" and s.secretaire == "Stéphanie GUISELAIN"
    assert all(d.session_id == s.id and d.date == "2019-04-29" for d in delibs)


def test_001_attendance_and_votes():
    d = by_id(F001)
    counts = {k: (len(v.attendance.presents), len(v.attendance.excuses), len(v.attendance.absents)) for k, v in d.items()}
    assert counts == {
        "2019-117": (71, 6, 1),
        "2019-118": (70, 8, 0),
        "2019-119": (70, 8, 0),
        "2019-120": (70, 8, 0),
        "2019-121": (68, 10, 0),
    }
    assert d["2019-117"].attendance.absents == ["Maryse POULAIN"]
    v = d["2019-117"].vote
    assert (v.pour, v.contre, v.abstention, v.absents_sans_delegation) == (77, 0, 0, 1)
    assert v.groupes["absents_sans_delegation"] == ["Groupe Rassemblement National"]
    assert len(v.groupes["pour"]) == 6 and v.groupes["pour"][-1] == "Non-inscrits"
    for k in ("2019-118", "2019-119", "2019-120"):
        assert d[k].vote.pour == 78 and d[k].vote.resultat == "Adopté"
    v = d["2019-121"].vote
    assert (v.pour, v.contre, v.abstention) == (58, 0, 20)
    assert v.groupes["abstention"] == ["Groupe Union Action 62"]


def test_001_numbering_anomaly_corrected():
    d = by_id(F001)["2019-119"]
    assert d.numero_imprime == "2017-119"
    p = [p for p in parsed(F001)[2] if p.kind == "numero-incoherent"]
    assert len(p) == 1 and p[0].line == 20882 and p[0].deliberation == "2019-119"
    assert "2017-119" in p[0].message and "2019-119" in p[0].message


def test_001_articles_visas_signature():
    d = by_id(F001)
    assert len(d["2019-117"].articles) == 22
    assert d["2019-117"].articles[1].texte.startswith("D'attribuer à la commune de Le Touquet-Paris-Plage")
    assert [a.numero for a in d["2019-118"].articles] == ["unique"]
    assert [a.numero for a in d["2019-121"].articles] == ["1", "2"]  # `Article 1:` without space
    assert [len(x.visas) for x in d.values()] == [5, 5, 3, 8, 4]
    assert all(x.verbes == ["DECIDE"] for x in d.values())
    sig = d["2019-117"].signature
    assert (sig.lieu, sig.date, sig.signataires) == ("ARRAS", "2019-04-29", ["Jean-Claude LEROY", "Cédric DUTRUEL"])


def test_001_rapports_attached_with_place_fields():
    d = by_id(F001)
    assert [x.rapport.numero for x in d.values()] == ["1", "2", "3", "4", "5"]
    r2 = d["2019-118"].rapport
    assert [p.written for p in r2.territoires] == ["Artois, Lens-Hénin"]
    cantons = r2.cantons[0].written
    assert len(cantons.split(", ")) == 9 and "HENIN-BEAUMONT-1" in cantons
    epcis = r2.epcis[0]
    assert (epcis.kind, epcis.status) == ("epci", "non-resolu")
    assert epcis.written == ("C. d'Agglo. de Béthune Bruay Artois Lys, Romane, C. d'Agglo. d'Hénin Carvin, C. d'Agglo. de Lens - Liévin")
    assert r2.organisation[1] == "Direction du Développement, de l'Aménagement et de l'Environnement"
    assert "Politique publique : Développement durable-environnement" in r2.themes
    assert d["2019-119"].rapport.territoires == []  # RAPPORT N°3 has no field
    r5 = d["2019-121"].rapport
    assert r5.themes[0].startswith("4ème Commission - Equipement")
    assert r5.territoires[0].written == "Tous les territoires, Arrageois"
    # titles checked: no mismatch problem on the corpus
    assert "rapport-titre-different" not in kinds(parsed(F001)[2])


def test_001_spans_cover_annexes_and_back_cover_reported():
    delibs = parsed(F001)[1]
    d117 = delibs[0]
    assert (d117.line, d117.line_end) == (200, 20100)
    assert d117.annexes[0].titre == "CONVENTION" and d117.annexes[0].line == 354
    assert d117.rapport.line == 20005 and d117.rapport.line_end == 20099
    for a, b in zip(delibs, delibs[1:]):
        assert a.line_end + 1 == b.line  # contiguous units
    assert delibs[-1].line_end < 22824
    back = [p for p in parsed(F001)[2] if p.kind == "hors-deliberation"]
    assert len(back) == 1 and back[0].line == 22824
    assert d117.texte.splitlines()[0] == "DEPARTEMENT DU PAS-DE-CALAIS"
    assert d117.texte.splitlines()[-1] == "Cédric DUTRUEL"


# --- 004: Commission permanente of 7 June 2021 --------------------------------------------


def test_004_deliberations_and_rapports():
    sessions, delibs, problems = parsed(F004)
    assert [d.id for d in delibs] == [f"2021-{n}" for n in range(232, 253)]
    assert [s.id for s in sessions] == ["commission-permanente-2021-06-07"]
    assert sessions[0].organe == "Commission permanente" and sessions[0].secretaire == "Frédéric MELCHIOR"
    for d in delibs:
        assert int(d.rapport.numero) == int(d.id.split("-")[1]) - 187
    assert "rapport-titre-different" not in kinds(problems)
    assert "deliberation-incomplete" not in kinds(problems)


def test_004_first_deliberation():
    d = by_id(F004)["2021-232"]
    assert d.titre == "BOURSE INITIATIVES JEUNES : AIDE AUX PROJETS"
    assert d.line == 859  # the `Envoi au contrôle de légalité` stamp
    r = d.rapport
    assert r.numero == "45" and r.titre == d.titre
    assert [r.territoires[0].written, r.cantons[0].written, r.epcis[0].written] == [
        "Arrageois, Boulonnais",
        "ARRAS-2, ARRAS-3, DESVRES",
        "C. Urbaine d'Arras, C. de Com. Desvres Samer",
    ]
    a = d.attendance
    assert "Audrey DAUTRICHE-DESMARAI" in a.presents and "Jean-Claude DISSAUX" in a.presents
    assert a.presents_sans_voix == ["Maryse CAUWET", "Ludovic GUYOT", "Pierre GEORGET"]
    assert a.excuses_sans_voix == ["Evelyne DROMART", "Michel DAGBERT", "Alexandre MALFAIT"]
    # annexes before the rapport (the grant table) and after it (the BIJ project sheets)
    assert [x.position for x in d.annexes] == ["deliberation", "rapport"]
    assert d.annexes[1].line == 1080 and d.line_end == 1482


def test_004_title_with_blank_line_and_wrapped_epci_field():
    d = by_id(F004)
    assert d["2021-236"].titre == (
        "FONDS D'INTERVENTION EN FAVEUR DES ENJEUX ECOLOGIQUES TERRITORIAUX (FIEET) "
        "ET FONDS D'INITIATIVE POUR L'ENVIRONNEMENT (FIEN) - 1ÈRE PROGRAMMATION"
    )
    assert d["2021-236"].rapport.titre == d["2021-236"].titre
    epci = d["2021-234"].rapport.epcis[0].written
    assert epci.startswith("C. de Com. Osartis Marquion, C. Urbaine d'Arras")
    assert "C. de Com. de la Région d'Audruicq" in epci and epci.endswith("C. de Com. du Ternois")
    assert d["2021-234"].rapport.cantons == []


def test_004_verbs_and_interests():
    d = by_id(F004)
    assert d["2021-244"].verbes == ["INFORME L'ASSEMBLEE"]
    assert [a.numero for a in d["2021-244"].articles] == ["unique"]
    with_interest = {k: [i.name for i in v.interets] for k, v in d.items() if v.interets}
    assert with_interest == {
        "2021-233": ["Caroline MATRAT", "Jean-Claude ETIENNE"],
        "2021-236": ["Nathalie DELBART"],
        "2021-237": ["Florence WOZNY"],
    }
    assert d["2021-233"].interets[0].line == 1550


def test_004_attendance_and_vote_arithmetic():
    d = by_id(F004)
    presents = {k: len(v.attendance.presents) for k, v in d.items()}
    assert all(presents[f"2021-{n}"] == 35 for n in range(232, 237))
    assert presents["2021-246"] == 30 == min(presents.values())
    for v in d.values():
        a, vote = v.attendance, v.vote
        assert len(a.presents) + len(a.excuses) + len(a.absents) == 43
        assert vote.pour + vote.contre + vote.abstention + vote.absents_sans_delegation == 43
        assert vote.resultat == "Adopté"
    v246 = d["2021-246"].vote
    assert v246.absents_sans_delegation == 3
    assert v246.groupes["absents_sans_delegation"] == ["Groupe Socialiste, Républicain et Citoyen", "Groupe Union Action 62", "Non-inscrit"]
    assert d["2021-233"].vote.groupes["abstention"] == ["Groupe Socialiste, Républicain et Citoyen"]
    assert not [p for p in parsed(F004)[2] if p.kind in ("vote-ecart", "effectif-variable")]


def test_004_stamps_pages_and_spans():
    d = by_id(F004)
    envoi = {k: v.envoi_controle_legalite for k, v in d.items()}
    assert envoi["2021-240"] == "2021-06-29"
    assert envoi["2021-248"] == envoi["2021-251"] == "2021-06-24"
    assert [k for k, v in envoi.items() if v != "2021-07-05"] == ["2021-240", "2021-248", "2021-251"]
    assert d["2021-232"].affichage == "2021-07-05"
    assert d["2021-233"].page == 721  # `3 / 3` then `723` at its end
    assert d["2021-236"].page == 837
    assert d["2021-232"].page is None
    # the FARDA aménagement table (row 2021-01537) is within 2021-243's span, not elsewhere
    row = next(l.no for l in lines_of(F004) if l.text.startswith("2021-01537 "))
    owners = [k for k, v in d.items() if v.line <= row <= v.line_end]
    assert owners == ["2021-243"]
    assert d["2021-252"].line_end == 41839
    assert any(p.kind == "hors-deliberation" and p.line == 41840 for p in parsed(F004)[2])


# --- 003: single extract -------------------------------------------------------------------


def test_003_single_deliberation():
    sessions, delibs, problems = parsed(F003)
    assert [d.id for d in delibs] == ["2022-317"]
    d = delibs[0]
    assert sessions[0].id == "conseil-departemental-2022-09-26" and sessions[0].secretaire == "Bruno COUSEIN"
    assert (len(d.attendance.presents), len(d.attendance.excuses), len(d.attendance.absents)) == (63, 15, 0)
    assert (d.vote.pour, d.vote.contre, d.vote.abstention) == (78, 0, 0)
    assert d.titre == "DÉLIBÉRATION CADRE POUR LA MISE EN ŒUVRE DE LA QUATRIÈME DÉMARCHE DE CONTRACTUALISATION 2023-2026"
    assert [a.numero for a in d.articles] == ["unique"]  # `Article   unique     :`
    assert len(d.visas) == 9 and d.visas[1].startswith("Vu la délibération n°2018-514 du Conseil départemental")
    assert d.rapport.numero == "18" and d.rapport.territoires[0].written == "Tous les territoires"
    assert d.signature.signataires == ["Jean-Claude LEROY", "Maryline VINCLAIRE"]
    assert problems == []


# --- 002: a partner body's deliberation -----------------------------------------------------


def test_002_partner_deliberation():
    sessions, delibs, problems = parsed(F002)
    assert len(delibs) == 1 and len(sessions) == 1
    d, s = delibs[0], sessions[0]
    assert d.id == "cabbalr-2023-12-12" and s.id == "cabbalr-conseil-communautaire-2023-12-12"
    assert d.numero_imprime is None and d.epci_siren is None and d.rapport is None
    assert d.organe == s.organe == "Conseil communautaire"
    assert d.collectivite.startswith("Communauté d'Agglomération de Béthune-Bruay, Artois")
    assert d.collectivite != "Département du Pas-de-Calais"
    assert d.date == "2023-12-12"
    assert s.president == "Olivier GACQUERRE" and s.secretaire == "Dorothée OPIGEZ"
    assert d.verbes == ["APPROUVE", "AUTORISE", "INFORME"]
    assert d.vote.resultat == "A la majorité absolue" and d.vote.pour is None
    assert d.certifie_executoire == "2023-12-20" and d.publication == "2023-12-20"
    assert d.titre.startswith("CONTRAT TERRITORIAL 2023-2026 ENTRE LE DEPARTEMENT DU PAS-DE-CALAIS")
    a = d.attendance
    assert a.presents[0] == "Olivier GACQUERRE" and "Alain DE CARRION" in a.presents
    assert len(a.procurations) == 23
    assert {"mandant": "Thierry DISSAUX", "mandataire": "Gaëtan VERDOUCQ"} in a.procurations  # across a blank line
    assert a.excuses[0] == "Dominique DELECOURT" and len(a.excuses) == 27
    assert d.annexes and d.annexes[0].titre == "CONTRAT DE TERRITOIRE 2023-2026"
    assert "deliberation-incomplete" not in kinds(problems)


# --- odd inputs: problems, never exceptions -------------------------------------------------


def _texts(name, a=None, b=None):
    return [l for l in lines_of(name) if (a is None or l.no >= a) and (b is None or l.no <= b)]


def test_cut_recueil_keeps_incomplete_deliberation():
    lines = _texts(F003, b=70)  # cut before the vote
    _, delibs, problems = parse_actes(lines, "coupe.txt")
    assert [d.id for d in delibs] == ["2022-317"]
    p = [p for p in problems if p.kind == "deliberation-incomplete"]
    assert len(p) == 1 and p[0].line == 3 and "pas de vote" in p[0].message


def test_missing_number_line():
    lines = [l for l in lines_of(F003) if l.text != "(N°2022-317)"]
    _, delibs, problems = parse_actes(lines, "sans-num.txt")
    assert delibs[0].id == "sans-numero-sans-num-3" and delibs[0].numero_imprime is None
    p = [p for p in problems if p.kind == "numero-absent"]
    assert len(p) == 1 and p[0].line == 3
    assert delibs[0].vote.pour == 78  # the rest is still read


def test_duplicate_and_orphan_numbers():
    one = list(lines_of(F003))
    twice = one + [Line(no=l.no + 1000, text=l.text, page_start=l.page_start) for l in one]
    _, delibs, problems = parse_actes(twice, "double.txt")
    assert [d.id for d in delibs] == ["2022-317", "2022-317-doublon-2"]
    assert any(p.kind == "numero-duplique" and p.line == 1040 for p in problems)
    orphan = [Line(1, "Texte quelconque"), Line(2, "(N°2020-12)"), Line(3, "fin")]
    _, delibs, problems = parse_actes(orphan, "orphelin.txt")
    assert delibs == [] and kinds(problems) == ["numero-orphelin"] and problems[0].line == 2


def test_rapport_title_mismatch_is_reported():
    lines = [Line(l.no, "AUTRE TITRE" if l.no == 111 else ("" if l.no == 112 else l.text), l.page_start) for l in lines_of(F003)]
    _, delibs, problems = parse_actes(lines, "titre.txt")
    assert delibs[0].rapport.numero == "18"
    assert [p.line for p in problems if p.kind == "rapport-titre-different"] == [98]


@pytest.mark.parametrize(
    "lines",
    [
        [],
        [Line(1, "")],
        [Line(1, "DELIBERATION DU CONSEIL DEPARTEMENTAL")],
        [Line(1, "DEPARTEMENT DU PAS-DE-CALAIS"), Line(2, "DELIBERATION DU CONSEIL DEPARTEMENTAL")],
        [Line(1, "DELIBERATION DU CONSEIL MUNICIPAL"), Line(2, "n'importe quoi")],
        [Line(i, t) for i, t in enumerate(["RAPPORT N°3", "REUNION DU 31 FEVRIER 2020", "Pour : x voix"], 1)],
    ],
)
def test_odd_inputs_never_raise(lines):
    sessions, delibs, problems = parse_actes(lines, "bizarre.txt")
    assert isinstance(problems, list)
    for d in delibs:
        assert d.line <= d.line_end


def test_rapport_without_deliberation_is_reported():
    lines = _texts(F003, a=98)  # the extract cut just before its rapport
    _, delibs, problems = parse_actes(lines, "rapport-seul.txt")
    assert delibs == [] and [(p.kind, p.line) for p in problems] == [("rapport-orphelin", 103)]


def test_header_without_departement_line_is_reported():
    _, delibs, problems = parse_actes([Line(1, "DELIBERATION DU CONSEIL DEPARTEMENTAL")], "x.txt")
    assert delibs == [] and kinds(problems) == ["entete-incomplet"]


def test_deterministic_output():
    a = [to_dict(x) for x in parse_actes(list(lines_of(F004)), F004)[1]]
    b = [to_dict(x) for x in parse_actes(list(lines_of(F004)), F004)[1]]
    assert a == b


# --- helpers -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text,iso",
    [
        ("REUNION DU 7 JUIN 2021", "2021-06-07"),
        ("Sous-préfecture le : 20 DEC. 2023", "2023-12-20"),
        ("du 1er avril 2019", "2019-04-01"),
        ("réunion du 05/09/2022 ;", "2022-09-05"),
        ("Le mardi 12 décembre 2023, à 18 H 45", "2023-12-12"),
        ("le 31 truc 2020", None),
    ],
)
def test_parse_date_fr(text, iso):
    assert parse_date_fr(text) == iso


@pytest.mark.parametrize(
    "raw,name",
    [
        ("M. Jean-Claude LEROY", "Jean-Claude LEROY"),
        ("JEAN-CLAUDE LEROY", "Jean-Claude LEROY"),
        ("GACQUERRE Olivier", "Olivier GACQUERRE"),
        ("DE CARRION Alain", "Alain DE CARRION"),
        ("Mme  Audrey  DAUTRICHE-DESMARAI.", "Audrey DAUTRICHE-DESMARAI"),
    ],
)
def test_person_name(raw, name):
    assert person_name(raw) == name


def test_lines_starting_with_a_prefix_are_found_in_order_within_a_range():
    """`Document.commencant`: the lines of a..b-1 whose squashed text starts with one of the prefixes, in order, as
    a `startswith` on each line finds them (the first line, the last one, a prefix inside a line is not one)."""
    textes = ["RAPPORT N°1", "", "  ANNEXE 2", "texte RAPPORT", "ANNEXE", "(N°2021-3)", "RAPPORT", "ANNEXES"]
    doc = Document([Line(i + 1, t) for i, t in enumerate(textes)], "s.txt")
    assert doc.commencant("RAPPORT") == [0, 6]
    assert doc.commencant("ANNEXE", a=3) == [4, 7]
    assert doc.commencant("ANNEXE", a=2, b=7) == [2, 4]
    assert doc.commencant("(N°", "RAPPORT", a=1) == [5, 6]
    assert doc.commencant("ABSENT") == []
    for prefixes in (("RAPPORT",), ("ANNEXE",), ("(N°", "RAPPORT")):
        assert doc.commencant(*prefixes) == [i for i, t in enumerate(doc.sq) if t.startswith(prefixes)]
    # many lines before the hits (found by bisection on where each line starts in the joined text)
    long = Document([Line(i + 1, "texte") for i in range(5000)] + [Line(5001, "RAPPORT N°2"), Line(5002, "")], "s.txt")
    assert long.commencant("RAPPORT") == [5000] and long.commencant("texte", a=4998) == [4998, 4999]
    # a line that holds a newline (joined by `normalise` across a hyphen: never in practice): searched line by line
    coupe = Document([Line(1, "RAPPORT A\nRAPPORT B"), Line(2, "x"), Line(3, "RAPPORT C")], "s.txt")
    assert coupe.commencant("RAPPORT") == [0, 2] and coupe.commencant("RAPPORT B") == []

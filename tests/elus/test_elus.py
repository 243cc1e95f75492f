"""The councillors of the real corpus: presence lists of every layout, one person per name however
printed (alias file and safe distance), interests, exports. Real names and counts from tests/fixtures/corpus."""

import re
from functools import cache

import pytest

from generator.elus import alias, personnes
from generator.exports import elus as export_elus
from generator.lieux import places
from generator.parse import actes
from generator.parse.normalise import normalise
from generator.records.corpus import Corpus
from generator.site.pages import decoupage
from generator.site.pages import elus as pages_elus
from generator.site.render import write_pages

from conftest import CORPUS, ROOT

S001, S002, S003, S004 = (
    "001_e1a7153a0531ec73.txt",
    "002_4b206b7012456076.txt",
    "003_97c6f9649ae06488.txt",
    "004_45492b4b56f19b50.txt",
)
ALIAS = ROOT / "tests" / "fixtures" / "elus_alias.yaml"


@cache
def _parse(name: str):
    lines = normalise((CORPUS / name).read_text(encoding="utf-8"))
    sessions, delibs, _ = actes.parse_actes(lines, name)
    return list(sessions), {d.id: d for d in delibs}


@cache
def _registre() -> personnes.Registre:
    sessions, delibs = [], {}
    for name in (S001, S002, S003, S004):
        s, d = _parse(name)
        sessions += s
        delibs |= d
    return personnes.construire(delibs, sessions, alias.lire(ALIAS))


def test_layouts_of_the_four_documents():
    _, d3 = _parse(S003)
    a = d3["2022-317"].attendance
    assert (len(a.presents), len(a.excuses), len(a.absents)) == (63, 15, 0)
    assert "Audrey DESMARAI" in a.presents and "Alain DE CARRION" in a.presents  # split across lines
    _, d4 = _parse(S004)
    a = d4["2021-232"].attendance
    assert len(a.presents) == 35 and len(a.excuses) == 8
    assert "Audrey DAUTRICHE-DESMARAI" in a.presents  # « DAUTRICHE-\nDESMARAI »
    assert a.presents_sans_voix == ["Maryse CAUWET", "Ludovic GUYOT", "Pierre GEORGET"]
    assert a.excuses_sans_voix == ["Evelyne DROMART", "Michel DAGBERT", "Alexandre MALFAIT"]
    assert d4["2021-232"].vote.absents_sans_delegation == 1
    _, d2 = _parse(S002)
    (cab,) = d2.values()
    assert len(cab.attendance.procurations) == 23
    assert {"mandant": "Raymond GAQUÈRE", "mandataire": "Bernard DELELIS"} in cab.attendance.procurations
    _, d1 = _parse(S001)
    assert sorted(i for i, d in d1.items() if d.attendance.absents == ["Maryse POULAIN"]) == ["2019-117"]


def test_interests_with_their_nature():
    _, d4 = _parse(S004)
    i = d4["2021-233"].interets
    assert [(x.name, personnes.nature_interet(x.text)) for x in i] == [
        ("Caroline MATRAT", "retrait"),
        ("Jean-Claude ETIENNE", "excuse_sans_delegation"),
    ]


def test_people_not_strings():
    reg = _registre()
    assert len(reg.personnes) == 119  # the Département's lists only (the partner body's 150 names are not followed)
    assert len(reg.lignes) == 1497 and reg.sans_liste == []
    assert reg.slug("Aurélie BEIGNEUX") == reg.slug("Aurélia BEIGNEUX") == "aurelia-beigneux"  # alias file
    assert reg.slug("Pascale BURET-CHAUSOY") == reg.slug("Pascale BURET-CHAUSSOY")  # alias file
    assert reg.slug("Maïté MULOT-FRIS COURT") == reg.slug("Maïté MULOT-FRISCOURT")  # spaces: safe distance
    assert reg.slug("Maryse JUMÉZ") == reg.slug("Maryse JUMEZ")  # accents: safe distance
    assert reg.slug("Audrey DESMARAI") != reg.slug("Audrey DAUTRICHE-DESMARAI")  # not in the file: only proposed
    assert ("Audrey DAUTRICHE-DESMARAI", "Audrey DESMARAI", "même prénom, noms voisins") in reg.propositions
    p = reg.personnes["caroline-matrat"]
    assert p.civilite == "Mme" and [i["deliberation"] for i in p.interets] == ["2021-233"]
    leroy = reg.personnes["jean-claude-leroy"]
    assert leroy.civilite == "M." and leroy.presidences == [
        "conseil-departemental-2019-04-29",
        "commission-permanente-2021-06-07",
        "conseil-departemental-2022-09-26",
    ]
    assert reg.personnes["stephanie-guiselain"].secretariats == ["conseil-departemental-2019-04-29"]


def test_no_silent_merge_without_the_file():
    reg = personnes.construire(_registre_delibs(), [], {})
    assert reg.slug("Aurélie BEIGNEUX") != reg.slug("Aurélia BEIGNEUX")
    assert ("Aurélia BEIGNEUX", "Aurélie BEIGNEUX", "même nom, prénoms voisins") in reg.propositions


def _registre_delibs():
    out = {}
    for name in (S001, S003, S004):
        out |= _parse(name)[1]
    return out


@pytest.mark.parametrize(
    "data, message",
    [
        ({"alias": [{"variante": "Maryse JUMÉZ", "nom": "Maryse JUMEZ"}]}, "ne diffèrent que par les accents"),
        ({"alias": [{"variante": "X Y"}]}, "exactement deux champs"),
        ({"autre": []}, "une seule clé"),
        ({"alias": [{"variante": "A B", "nom": "C D"}, {"variante": "C D", "nom": "E F"}]}, "à la fois un nom retenu et une variante"),
    ],
)
def test_alias_file_errors_in_french(data, message):
    with pytest.raises(alias.AliasError) as err:
        alias.verifier(data)
    assert message in str(err.value) and "elus_alias.yaml" in str(err.value)


def test_exports_rows():
    reg = _registre()
    rows = export_elus.lignes_presences(reg)
    assert len(rows) == 1497
    assert [
        "caroline-matrat",
        "Caroline MATRAT",
        "2021-233",
        "commission-permanente-2021-06-07",
        "2021-06-07",
        "Commission permanente",
        "present",
        "",
        "retrait",
    ] in rows
    elus = {r[0]: r for r in export_elus.lignes_elus(reg)}
    assert elus["maryse-poulain"][9] == "1"  # « Absent(s) : Mme Maryse POULAIN. » is printed for 2019-117 only


# -- typed records, the alias file read first, the control figures ------------------------------


def test_people_are_typed_records():
    from generator.records import Elu, Presence

    reg = _registre()
    p = reg.personnes["caroline-matrat"]
    assert isinstance(p, Elu) and all(isinstance(li, Presence) for li in p.lignes)
    assert p.interets[0]["nature"] == "retrait" and p.mandats == [
        {"organe": "Commission permanente", "premiere": "2021-06-07", "derniere": "2021-06-07"},
        {"organe": "Conseil départemental", "premiere": "2019-04-29", "derniere": "2022-09-26"},
    ]


def test_people_figures_for_the_control_report():
    c = _registre().chiffres()
    assert (c["personnes"], c["presences"], c["deliberations_sans_liste"], c["sans_liste"]) == (119, 1497, 0, [])
    assert c["noms_proches_non_resolus"] == len(c["propositions"]) > 0
    assert {"nom": "Audrey DAUTRICHE-DESMARAI", "autre_nom": "Audrey DESMARAI", "motif": "même prénom, noms voisins"} in c["propositions"]


def test_alias_file_mistake_names_its_entry_and_line(tmp_path):
    f = tmp_path / "elus_alias.yaml"
    f.write_text(
        "alias:\n  - variante: Aurélie BEIGNEUX\n    nom: Aurélia BEIGNEUX\n  - variante: Maryse JUMÉZ\n    nom: Maryse JUMEZ\n",
        encoding="utf-8",
    )
    with pytest.raises(alias.AliasError) as err:
        alias.lire(f)
    assert err.value.texte().startswith("elus_alias.yaml, entrée 2 (ligne 4) : « Maryse JUMÉZ » et « Maryse JUMEZ » ne diffèrent que")
    f.write_text("alias:\n  - variante: Aurélie BEIGNEUX\n   nom: Aurélia BEIGNEUX\n", encoding="utf-8")
    with pytest.raises(alias.AliasError) as err:
        alias.lire(f)
    assert err.value.texte().startswith("elus_alias.yaml, ligne 3 : syntaxe YAML invalide")


def test_broken_alias_file_stops_the_build_before_anything_is_written(root):
    import shutil

    from projet import extraire

    shutil.copy(CORPUS / S003, root / "site_data" / "sources" / S003)
    (root / "site_data" / "elus_alias.yaml").write_text("alias:\n  - variante: X Y\n", encoding="utf-8")
    with pytest.raises(alias.AliasError) as err:
        extraire(root)
    assert "elus_alias.yaml, entrée 1 (ligne 2) : une entrée a exactement deux champs" in err.value.texte()
    assert not (root / "site_data" / "actes").exists() and not (root / "site_data" / "controle.json").exists()


def test_votes_against_present_and_represented_on_the_real_corpus(donnees):
    import json

    controle = json.loads((donnees / "controle.json").read_text(encoding="utf-8"))
    ecarts = [f for s in controle["sources"] for f in s["constats"] if f["kind"] == "vote-presences-ecart"]
    assert [(f["source"], f["deliberation"], f["line"]) for f in ecarts] == [
        (S004, "2021-233", 1618),
        (S004, "2021-237", 8305),
    ]
    assert ecarts[0]["chiffres"] == {
        "presents": 35,
        "representes": 6,
        "pour": 40,
        "contre": 0,
        "abstention": 1,
        "absents_sans_delegation": 2,
        "non_participants": ["Caroline MATRAT"],
    }
    assert ecarts[0]["message"].startswith(
        "2021-233 : 35 présents + 6 représentés (7 excusés + 1 absent − 2 absents sans délégation de vote) = 41"
    )
    assert controle["elus"]["personnes"] == 119 and controle["elus"]["deliberations_sans_liste"] == 0


def test_la_page_de_controle_montre_les_elus(site):
    """The control page states the people figures of controle.json and the near match left to confirm."""
    html = (site / "controle" / "index.html").read_text("utf-8")
    assert "119 élu(e)s du Département reconnus dans les listes de présence, 1\u202f497 présences" in html
    assert "« Audrey DAUTRICHE-DESMARAI » et « Audrey DESMARAI » : même prénom, noms voisins" in html


def test_les_listes_de_presence_menent_aux_pages_des_elus(site):
    """A deliberation's presence lists, proxies and declared interests link each name the registry knows
    to the person's page, counts first and names folded in « Liste nominative »."""
    html = (site / "deliberations" / "2021-233" / "index.html").read_text("utf-8")
    debut = html.index('id="presences"')
    presences = html[debut : html.index("</details>", debut)]
    assert "35 présents" in presences and presences.index("35 présents") < presences.index("<details")
    assert '<a href="../../elus/caroline-matrat/">Caroline MATRAT</a>' in presences
    liens = re.findall(r'href="\.\./\.\./elus/([a-z0-9-]+)/"', presences)
    assert len(liens) >= 35 and all((site / "elus" / s / "index.html").exists() for s in liens)
    interets = html[html.index('id="interets"') :]
    assert "page de Caroline MATRAT" in interets[: interets.index("</ul>")]


def test_la_presence_d_un_elu_passe_en_pages_annuelles_au_dela_du_seuil(tmp_path, monkeypatch, donnees):
    """Ten years make a councillor's list of deliberations too long for one page (1,3 Mo measured by
    make bench): past `decoupage.SEUIL` lines, their page keeps the figures and links one page per year.
    Threshold lowered to 10 on the real corpus: Caroline MATRAT's lines are split, the year pages hold
    them all; someone under the threshold keeps the list on their page."""
    corpus = Corpus.load(donnees, places.reference())
    reg = pages_elus.registre(corpus, alias.lire(ALIAS))
    monkeypatch.setattr(decoupage, "SEUIL", 10)
    pages = {p.path: p for p in pages_elus.build(corpus, reg)}
    matrat = pages["elus/caroline-matrat/index.md"]
    personne = reg.personnes["caroline-matrat"]
    assert matrat.donnees is not None and len(personne.lignes) > 10 and matrat.donnees["seances"] == {}
    annees = matrat.donnees["annees"]
    assert [a["url"] for a in annees] == [f"elus/caroline-matrat/{a['annee']}/" for a in annees]
    assert sum(a["deliberations"] for a in annees) == len(personne.lignes)
    assert [a["annee"] for a in annees][:2] == ["2022", "2021"]  # newest first
    an = pages["elus/caroline-matrat/2021.md"]
    assert an.donnees is not None and sum(len(lignes) for _, lignes in an.donnees["seances"].values()) == annees[1]["deliberations"]
    court = next(p for p in reg.personnes.values() if len(p.lignes) <= 10)
    du_court = pages[f"elus/{court.slug}/index.md"].donnees
    assert du_court is not None and du_court["annees"] is None and du_court["seances"]
    write_pages([matrat, an], tmp_path)
    page = (tmp_path / "elus" / "caroline-matrat" / "index.md").read_text("utf-8")
    assert f'href="../../elus/caroline-matrat/{annees[0]["annee"]}/"' in page and "année par année" in page
    annuelle = (tmp_path / "elus" / "caroline-matrat" / "2021.md").read_text("utf-8")
    assert (
        "Caroline MATRAT — 2021" in annuelle
        and 'href="../../../elus/caroline-matrat/2022/"' in annuelle
        and 'href="../../../deliberations/2021-233/"' in annuelle
    )


def _civilites_par_regex(texte: str, noms: list[str]) -> dict[str, str]:
    """What `personnes._civilites` finds, as its definition says it: one search of the text per name."""
    texte = re.sub(r"(\w)- (\w)", r"\1-\2", " ".join(texte[:20000].split()))
    out = {}
    for nom in noms:
        pat = r"\s+".join(re.escape(t) for t in nom.split(" "))
        m = re.search(rf"\b(M\.|Mme|Monsieur|Madame)\s+{pat}\b", texte)
        if m:
            out[nom] = "Mme" if m.group(1) in ("Mme", "Madame") else "M."
    return out


def test_civilities_are_the_first_civility_printed_before_each_name():
    """The first civility followed by the name, its words one blank apart whatever the blanks printed, ending on a
    word boundary: after a letter (« XMme ») a civility is none; a one-word name may end where a hyphen starts; a
    word cut at a line's end is joined, except the letter another join took (« a- b- c »)."""
    texte = (
        "Présents : XMme Anne DURAND, M.  Jean\n DUPONT-MARTIN, Madame Anne DURAND, Monsieur DUPONT, M. Paul PAS- SAGE, "
        "Mme Léa DUPONTEL, M. a- b- c, Mme Zoé UN-\nDEUX"
    )
    noms = [
        "Anne DURAND",
        "Jean DUPONT-MARTIN",
        "Jean DUPONT",
        "DUPONT",
        "Paul PAS-SAGE",
        "Léa DUPONT",
        "a-b-c",
        "a-b- c",
        "Zoé UN-DEUX",
        "Absent",
    ]
    attendu = {
        "Anne DURAND": "Mme",
        "Jean DUPONT-MARTIN": "M.",
        "Jean DUPONT": "M.",
        "DUPONT": "M.",
        "Paul PAS-SAGE": "M.",
        "a-b- c": "M.",
        "Zoé UN-DEUX": "Mme",
    }
    assert personnes._civilites(texte, noms) == attendu
    assert _civilites_par_regex(texte, noms) == attendu
    assert personnes._recoller("a- b- c d- e") == re.sub(r"(\w)- (\w)", r"\1-\2", "a- b- c d- e") == "a-b- c d-e"
    assert personnes._recoller("x- - y _- 1") == "x- - y _-1"

"""Vie étudiante (2021-237): porteur and project name printed on one line, told apart by a rule on
the table's names or left whole and flagged (issue 20, item 6), on the real rows of June 2021."""

from __future__ import annotations

import json
import shutil

import pytest
from test_tables_autres import R004, units

from generator.extraction import Paths, extract
from generator.subventions.tables import vie_etudiante
from generator.subventions.tables.base import PORTEUR_INCERTAIN, Contexte

from conftest import CORPUS

# Every row of the table whose two cells share a line (source lines 8365–8620), as printed once the
# axis ticks and the porteur's nature are taken out, with what the rule makes of it.
SEPARES = {
    "Demain Le monde de demain": ("Demain", "Le monde de demain"),
    "LHD’BLOCK Mon corps, mes règles": ("LHD’BLOCK", "Mon corps, mes règles"),
    "Le Rat perché Rat’proche les étudiant.e.s": ("Le Rat perché", "Rat’proche les étudiant.e.s"),
    "Lions Club de Bruay-le-Buissière Aide aux étudiants": ("Lions Club de Bruay-le-Buissière", "Aide aux étudiants"),
    "Commune de Marquise Ensemble, vivre le bien-être": ("Commune de Marquise", "Ensemble, vivre le bien-être"),
    "Centre Social Eclaté Soutien aux étudiants boulonnais": ("Centre Social Eclaté", "Soutien aux étudiants boulonnais"),
    "Centre Jacques Brel Jouons le jeu": ("Centre Jacques Brel", "Jouons le jeu"),
    "Initiative Solidaire Mobilité des étudiants": ("Initiative Solidaire", "Mobilité des étudiants"),
    "Ville de Liévin / Service jeunesse En avant les jeunes étudiants": (
        "Ville de Liévin / Service jeunesse",
        "En avant les jeunes étudiants",
    ),
}
INCERTAINS = [  # nothing in how they are written says where the porteur ends
    "MédusArt ARTS24",
    "Les RoadRunners Fight Precariousness",
    "S.C.I.C Bookkafé Stu'DIY",
    "Mairie de Vermelles / CCAS Solidarité Etudiante",
    "AFEV Artois Mentorat Etudiant",
]


@pytest.mark.parametrize("texte", list(SEPARES))
def test_rule_splits_a_row_where_one_cut_alone_fits(texte):
    assert vie_etudiante.separer(texte) == SEPARES[texte]


@pytest.mark.parametrize("texte", INCERTAINS)
def test_rule_says_nothing_when_unsure(texte):
    assert vie_etudiante.separer(texte) is None


def test_rule_never_cuts_after_a_particle_or_inside_a_place_name():
    assert vie_etudiante.separer("Association des Parents d'élèves") is None  # « des » does not end a name
    assert vie_etudiante.separer("Mission Locale d'Artois Les étudiants ambassadeurs") == (
        "Mission Locale d'Artois",
        "Les étudiants ambassadeurs",
    )


def test_table_of_2021_237_porteurs_projects_and_flags():
    [res] = vie_etudiante.extract(units(R004)["2021-237"], Contexte("2021-237", R004))
    par_dossier = {s.reference: s for s in res.subventions}
    lions = par_dossier["2021-20"]
    assert (lions.beneficiaire, lions.objet, lions.beneficiaire_incertain) == (
        "Lions Club de Bruay-le-Buissière",
        "Aide aux étudiants",
        False,
    )
    marquise = par_dossier["2021-01"]
    assert (marquise.beneficiaire, marquise.objet, marquise.beneficiaire_ref.written) == (
        "Commune de Marquise",
        "Ensemble, vivre le bien-être",
        "Marquise",
    )
    roadrunners = par_dossier["2021-07"]
    assert (roadrunners.beneficiaire, roadrunners.objet, roadrunners.beneficiaire_incertain) == (
        "Les RoadRunners Fight Precariousness",
        "",
        True,
    )
    assert sorted(s.beneficiaire for s in res.subventions if s.beneficiaire_incertain) == sorted(INCERTAINS)
    flags = [p for p in res.problems if p.kind == PORTEUR_INCERTAIN]
    assert len(flags) == 5 and all(p.severity == "avertissement" for p in flags)
    assert any("« Les RoadRunners Fight Precariousness »" in p.message and p.line == 8373 for p in flags)
    vermelles = next(p for p in flags if "Vermelles" in p.message)
    assert "rattachée à la commune (Vermelles)" in vermelles.message  # its grant goes to the commune's page
    # the split changes no count: still 18 distinct associations for 118 280 €, as article 1 states
    assoc = next(c for c in res.checks if "associations" in c.libelle)
    assert (assoc.nombre_declare, assoc.nombre_trouve, assoc.statut) == (18, 18, "ok")


@pytest.fixture
def root(tmp_path):
    (tmp_path / "site_data" / "sources").mkdir(parents=True)
    shutil.copy(CORPUS / R004, tmp_path / "site_data" / "sources" / R004)
    return tmp_path


def test_publisher_correction_settles_an_uncertain_porteur(root):
    """The control report names the grant's id; a correction of its beneficiary clears the flag and the line."""
    res = extract(Paths(root), log=lambda *_: None)
    flags = [p for s in res.report["sources"] for p in s["constats"] if p["kind"] == PORTEUR_INCERTAIN]
    roadrunners = next(p for p in flags if "RoadRunners" in p["message"])
    assert roadrunners["message"].endswith("Identifiant de la subvention : 2021-237-0004.")
    (root / "site_data" / "corrections.yaml").write_text(
        'subventions:\n  - id: "2021-237-0004"\n    corriger: {beneficiaire: "Les RoadRunners", objet: "Fight Precariousness"}\n', "utf-8"
    )
    res = extract(Paths(root), log=lambda *_: None)
    subs = json.loads((root / "site_data/subventions" / f"{R004.removesuffix('.txt')}.json").read_text("utf-8"))["subventions"]
    fixed = next(s for s in subs if s["id"] == "2021-237-0004")
    assert (fixed["beneficiaire"], fixed["objet"], fixed["beneficiaire_incertain"]) == ("Les RoadRunners", "Fight Precariousness", False)
    restants = [p for s in res.report["sources"] for p in s["constats"] if p["kind"] == PORTEUR_INCERTAIN]
    assert len(restants) == 4 and not any("RoadRunners" in p["message"] for p in restants)

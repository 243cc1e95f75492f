"""Beneficiaries' identifiers: SIRET checks, the publisher's table, SIRETs printed in conventions."""

from __future__ import annotations

import shutil

import pytest

from generator.commun.erreurs import ErreurDeSaisie
from generator.controle import identifiants
from generator.extraction import Paths, extract
from generator.parse.ingest import ingest_source
from generator.records import Line
from generator.subventions.identifiants import sirets_imprimes

from conftest import CORPUS
from projet import IDENTIFIANTS

S004 = "004_45492b4b56f19b50.txt"
WANCOURT_SIREN = "216208736"  # @etalab/decoupage-administratif


def test_siret_checksum():
    assert identifiants.siret_valide("22620001200012")  # the Département, as printed « 226 200 012 00012 »
    assert identifiants.siret_valide("18620009300083")  # GIP Pas-de-Calais Actif, printed in 004
    assert not identifiants.siret_valide("22620001200013")
    assert not identifiants.siret_valide("226200012")
    assert identifiants.siret_valide("35600000000010") and not identifiants.siret_valide("35600000000011")  # La Poste


def _good_siret(siren: str) -> str:
    return next(siren + f"{nic:05d}" for nic in range(100) if identifiants.siret_valide(siren + f"{nic:05d}"))


def test_publisher_table_is_checked_line_by_line(tmp_path):
    p = tmp_path / "identifiants.csv"
    good = _good_siret(WANCOURT_SIREN)
    p.write_text(
        "# commentaire\nbeneficiaire,siret,rna,source\n"
        f"62873,{good[:9]} {good[9:]},,annuaire 2026-11-21\n"
        "Les Amis du Fort d'Ambleteuse,,W623000001,JOAFE\n",
        "utf-8",
    )
    rows, problems = identifiants.load(p, {"62873": WANCOURT_SIREN})
    assert problems == []
    assert [(r.beneficiaire, r.siret, r.rna, r.line) for r in rows] == [
        ("62873", good, "", 3),
        ("Les Amis du Fort d'Ambleteuse", "", "W623000001", 4),
    ]


@pytest.mark.parametrize(
    "line, message",
    [
        (
            "62873,22620001200013,,x",
            "colonne siret : « 22620001200013 » invalide (14 chiffres) ; attendu 14 chiffres dont le dernier est une clé de contrôle",
        ),
        (
            "62873,22620001200012,,x",
            "colonne siret : le SIRET 22620001200012 n'appartient pas à « 62873 » ; attendu un SIRET qui commence par son SIREN 216208736",
        ),
        ("62873,,W12,x", "colonne rna : « W12 » invalide ; attendu W suivi de 9 chiffres"),
        ("62873,,,x", "ni SIRET ni RNA pour « 62873 »"),
        ("62873,22620001200012", "2 colonne(s) trouvée(s), 4 attendues (beneficiaire,siret,rna,source)"),
        ("Association X,,W623000001,", "colonne source vide ; attendu où et quand le numéro a été vérifié"),
    ],
)
def test_publisher_table_errors_name_the_line(tmp_path, line, message):
    p = tmp_path / "identifiants.csv"
    p.write_text(f"# en-tête ci-dessous\nbeneficiaire,siret,rna,source\n{line}\n", "utf-8")
    rows, problems = identifiants.load(p, {"62873": WANCOURT_SIREN})
    assert rows == [] and [(x.source, x.line, x.severity) for x in problems] == [("identifiants.csv", 3, "avertissement")]
    assert problems[0].message.startswith(message) and "ligne ignorée" in problems[0].message


def test_fixture_copy_of_the_table_is_valid():
    """tests/fixtures/identifiants.csv, the publisher's table as the tests know it (as shipped: only
    comments and the header, until the publisher verifies numbers)."""
    assert identifiants.load(IDENTIFIANTS) == ([], [])


def test_sirets_printed_in_a_convention():
    lines = [Line(n, t) for n, t in enumerate((CORPUS / S004).read_text("utf-8").splitlines(), start=1)][1670:1695]
    found = sirets_imprimes(lines)
    # the Département (SIREN only) is not a beneficiary; the GIP's 14-digit number is its SIRET
    assert [(f.partie, f.siret, f.line) for f in found] == [("Pas-de-Calais Actif", "18620009300083", 1686)]
    # the same with the unit's text joined by the caller, and with a line that holds a newline (line by line)
    assert sirets_imprimes(lines, "\n".join(line.text for line in lines)) == found
    coupees = lines[:3] + [Line(lines[3].no, lines[3].text + "\n")] + lines[4:]
    assert [(f.partie, f.siret, f.line) for f in sirets_imprimes(coupees)] == [("Pas-de-Calais Actif", "18620009300083", 1686)]


def test_printed_siret_reaches_the_grant():
    ex = ingest_source(CORPUS / S004)
    gip = [s for s in ex.subventions if s.siret]
    assert [(s.deliberation, s.beneficiaire, str(s.montant), s.siret) for s in gip] == [
        ("2021-233", "Groupement d'Intérêt Public Pas-de-Calais Actif", "534172", "18620009300083")
    ]


def test_bad_line_is_a_warning_in_the_control_report_and_good_lines_are_kept(tmp_path):
    (tmp_path / "site_data" / "sources").mkdir(parents=True)
    shutil.copy(CORPUS / "003_97c6f9649ae06488.txt", tmp_path / "site_data" / "sources")
    good = _good_siret(WANCOURT_SIREN)
    (tmp_path / "site_data" / "identifiants.csv").write_text(
        f"beneficiaire,siret,rna,source\n62873,12345678901234,,x\n62873,{good},,annuaire-entreprises.data.gouv.fr le 2026-11-21\n", "utf-8"
    )
    res = extract(Paths(tmp_path), log=lambda *_: None)
    assert res.errors == []
    assert [(i.beneficiaire, i.siret, i.line) for i in res.identifiants] == [("62873", good, 3)]
    found = [c for c in res.report["corrections"] if c["source"] == "identifiants.csv"]
    assert [(c["line"], c["severity"], c["message"].split(" ;")[0]) for c in found] == [
        (2, "avertissement", "colonne siret : « 12345678901234 » invalide (14 chiffres)")
    ]


def test_unreadable_header_is_an_error_of_the_build(tmp_path):
    (tmp_path / "site_data" / "sources").mkdir(parents=True)
    shutil.copy(CORPUS / "003_97c6f9649ae06488.txt", tmp_path / "site_data" / "sources")
    (tmp_path / "site_data" / "identifiants.csv").write_text("nom,numero\n62873,W623000001\n", "utf-8")
    with pytest.raises(ErreurDeSaisie) as err:
        extract(Paths(tmp_path), log=lambda *_: None)
    assert (err.value.fichier, err.value.ligne, err.value.message.split(" ;")[0]) == (
        "identifiants.csv",
        1,
        "en-tête non reconnu « nom,numero »",
    )
    assert not (tmp_path / "site_data" / "actes").exists()  # stopped before anything is written

"""Publisher corrections (site_data/corrections.yaml) and the extraction cache."""

from __future__ import annotations

import json
import shutil

import pytest

from generator.controle.corrections import CorrectionError
from generator.extraction import Paths, extract

from conftest import CORPUS

S003, S004 = "003_97c6f9649ae06488.txt", "004_45492b4b56f19b50.txt"


@pytest.fixture
def root(tmp_path):
    (tmp_path / "site_data" / "sources").mkdir(parents=True)
    for s in (S003, S004):
        shutil.copy(CORPUS / s, tmp_path / "site_data" / "sources" / s)
    return tmp_path


def _subs(root):
    return json.loads((root / "site_data/subventions/004_45492b4b56f19b50.json").read_text("utf-8"))["subventions"]


def test_corrections_are_applied_and_listed(root):
    res = extract(Paths(root), log=lambda *_: None)
    estrees = next(s for s in _subs(root) if s["beneficiaire_ref"] and s["beneficiaire_ref"]["written"] == "ESTREES")
    assert estrees["beneficiaire_ref"]["status"] == "non-resolu"
    texte = f"""
lieux:
  - ecrit: "Estrées"
    type: commune
    code: "62312"
deliberations:
  - id: "2022-317"
    corriger: {{titre: "DÉLIBÉRATION CADRE — CONTRACTUALISATION 2023-2026"}}
subventions:
  - id: "{estrees["id"]}"
    corriger: {{objet: "Création d'un verger conservatoire (corrigé)"}}
  - id: "2099-000-0001"
    corriger: {{objet: "rien"}}
"""
    avant = {p: p.read_bytes() for p in sorted((root / "site_data").rglob("*.json")) if p.name != "controle.json"}
    (root / "site_data" / "corrections.yaml").write_text(texte, "utf-8")
    # a grant no source holds: an error naming its line in corrections.yaml, and nothing written
    with pytest.raises(CorrectionError) as err:
        extract(Paths(root), log=lambda *_: None)
    assert [(e.ligne, e.message.split(" ;")[0]) for e in err.value.erreurs] == [
        (12, "la subvention 2099-000-0001 n'existe dans aucune source")
    ]
    assert {p: p.read_bytes() for p in sorted((root / "site_data").rglob("*.json")) if p.name != "controle.json"} == avant
    sans = "\n".join(texte.split("\n")[:-3]) + "\n"  # the same file without the grant that does not exist
    (root / "site_data" / "corrections.yaml").write_text(sans, "utf-8")
    res = extract(Paths(root), log=lambda *_: None)
    assert res.parsed == 2  # the corrections changed: both sources are parsed again
    fixed = next(s for s in _subs(root) if s["id"] == estrees["id"])
    assert fixed["beneficiaire_ref"]["status"] == "resolu" and fixed["beneficiaire_ref"]["code"] == "62312"
    assert fixed["objet"].endswith("(corrigé)")
    d = json.loads((root / "site_data/actes/003_97c6f9649ae06488.json").read_text("utf-8"))["deliberations"][0]
    assert d["titre"] == "DÉLIBÉRATION CADRE — CONTRACTUALISATION 2023-2026"
    messages = [c["message"] for c in res.report["corrections"]]
    assert any("ESTREES" in m and "Estrée" in m for m in messages)
    assert any("2022-317" in m and "titre" in m for m in messages)
    assert not res.errors


def test_place_corrections_reach_executive_acts_and_unused_ones_are_reported(root):
    """A place correction is applied wherever the name is resolved: here a commune of the sommaire's
    executive acts (001 is not in this root, 004's « La-Gorge » is); one that matches nothing is reported."""
    (root / "site_data" / "corrections.yaml").write_text(
        """
lieux:
  - ecrit: "La-Gorge"
    type: commune
    code: "62521"
  - ecrit: "Nulle-Part"
    type: commune
    code: "62001"
""",
        "utf-8",
    )
    res = extract(Paths(root), log=lambda *_: None)
    recueil = json.loads((root / "site_data/actes/004_45492b4b56f19b50.json").read_text("utf-8"))["recueil"]
    actes = [a for a in recueil["actes_executif"] if "La-Gorge" in a["communes_ecrites"]]
    assert len(actes) == 2 and all("62521" in a["communes"] for a in actes)
    messages = [c["message"] for c in res.report["corrections"]]
    assert "Acte de l'exécutif (ligne 448) : « La-Gorge » rattaché à La Loge (62521)" in messages
    assert any("Correction sans effet" in m and "Nulle-Part" in m for m in messages)
    problems = json.loads((root / "site_data/actes/004_45492b4b56f19b50.json").read_text("utf-8"))["problems"]
    assert any("« ESTREES » non reconnu" in p["message"] for p in problems)  # not corrected here: still reported
    assert not any("La-Gorge" in p["message"] for p in problems)  # corrected: no longer reported


def test_broken_corrections_file_is_a_clear_error(root):
    """Stops the extraction before anything is written (nothing exists yet in this root)."""
    (root / "site_data" / "corrections.yaml").write_text("lieux:\n  - ecrit: X\n    type: commune\n    code: '99999'\n", "utf-8")
    with pytest.raises(CorrectionError) as err:
        extract(Paths(root), log=lambda *_: None)
    e = err.value.erreurs[0]
    assert (e.fichier, e.ligne) == ("corrections.yaml", 4) and "99999" in e.message
    (root / "site_data" / "corrections.yaml").write_text("lieux: [\n", "utf-8")
    with pytest.raises(CorrectionError) as err:
        extract(Paths(root), log=lambda *_: None)
    e = err.value.erreurs[0]
    assert (e.ligne, e.message.split(" ;")[0]) == (1, "valeur manquante (crochet, accolade ou guillemet non refermé ?)")
    assert not (root / "site_data" / "actes").exists()


def test_unchanged_sources_are_not_parsed_again(root):
    assert extract(Paths(root), log=lambda *_: None).parsed == 2
    assert extract(Paths(root), log=lambda *_: None).parsed == 0
    (root / "site_data/sources" / S003).write_text((CORPUS / S003).read_text("utf-8") + "\n", "utf-8")
    res = extract(Paths(root), log=lambda *_: None)
    assert res.parsed == 1 and len(res.documents) == 2

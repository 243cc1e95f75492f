"""The control report on the four real documents (site_data/controle.json of the copy of the project
built from tests/fixtures: the `donnees` fixture)."""

import json


def _report(donnees):
    return json.loads((donnees / "controle.json").read_text("utf-8"))


def _doc(donnees, name):
    return json.loads((donnees / "actes" / name).read_text("utf-8"))


def test_every_stated_total_matches_but_the_fieet_euro(donnees):
    checks = [c for s in _report(donnees)["sources"] for c in s["controles"]]
    assert len(checks) >= 40
    bad = [c for c in checks if c["statut"] != "ok"]
    assert {c["deliberation"] for c in bad} == {"2021-236"}
    assert all(c["calcule"] is None or abs(float(c["calcule"]) - float(c["declare"])) == 1.0 for c in bad)
    by_label = {(c["deliberation"], c["declare"]) for c in checks if c["statut"] == "ok"}
    for expected in [
        ("2021-239", "2289545.23"),
        ("2021-239", "11284541.60"),
        ("2021-243", "5450715.82"),
        ("2021-245", "3000000.00"),
        ("2021-234", "511259"),
        ("2019-117", "6167760.00"),
    ]:
        assert any(d == expected[0] and v is not None and float(v) == float(expected[1]) for d, v in by_label), expected


def test_announced_parts_against_found(donnees):
    s004 = next(s for s in _report(donnees)["sources"] if s["source"].startswith("004"))
    kinds = {(f["kind"], f["line"]) for f in s004["constats"]}
    assert any(k == "partie-absente" for k, _ in kinds)
    msgs = " ".join(f["message"] for f in s004["constats"])
    assert "2021-188 à 2021-231" in msgs and "44 manquantes" in msgs
    s001 = next(s for s in _report(donnees)["sources"] if s["source"].startswith("001"))
    assert any(f["kind"] == "numero-incoherent" and f["line"] == 20882 for f in s001["constats"])


def test_attendance_and_votes_add_up_to_membership(donnees):
    report = _report(donnees)
    findings = [f for s in report["sources"] for f in s["constats"] if f["kind"] in ("presence-ecart", "vote-ecart")]
    assert findings == []  # 78 members (CD) and 43 (CP) in every deliberation of the corpus


def test_rapport_45_places_resolved(donnees):
    d = next(d for d in _doc(donnees, "004_45492b4b56f19b50.json")["deliberations"] if d["id"] == "2021-232")
    r = d["rapport"]
    assert r["numero"] == "45"
    assert [p["code"] for p in r["territoires"]] == ["arrageois", "boulonnais"]
    assert sorted(p["name"] for p in r["cantons"]) == ["Arras-2", "Arras-3", "Desvres"]
    assert sorted(p["code"] for p in r["epcis"]) == ["200018083", "200033579"]  # CC Desvres-Samer, CU d'Arras


def test_partner_deliberation_linked_to_its_epci(donnees):
    (d,) = _doc(donnees, "002_4b206b7012456076.json")["deliberations"]
    assert d["organe"] == "Conseil communautaire" and d["date"] == "2023-12-12"
    assert d["epci_siren"] == "200072460"  # CA de Béthune-Bruay, Artois-Lys Romane
    assert d["certifie_executoire"] == "2023-12-20"


def test_an_unchanged_report_is_neither_validated_nor_written_again(donnees, tmp_path, monkeypatch):
    """controle.json of the real corpus written by `ecrire_controle`: the same report again leaves the file as it
    is (same inode, not validated again); a report that changed, or a file edited by hand, is validated and written."""
    import os

    from generator import extraction
    from generator.records import schema

    rapport = json.loads((donnees / "controle.json").read_text("utf-8"))
    (tmp_path / "site_data").mkdir()
    paths = extraction.Paths(tmp_path)
    validations = []
    valider = schema.non_conforme
    monkeypatch.setattr(extraction, "non_conforme", lambda nom, data: validations.append(nom) or valider(nom, data))
    extraction.ecrire_controle(paths, rapport)
    assert paths.controle.read_text("utf-8") == (donnees / "controle.json").read_text("utf-8") and validations == ["controle.schema.json"]
    inode = os.stat(paths.controle).st_ino
    extraction.ecrire_controle(paths, json.loads(json.dumps(rapport)))
    assert os.stat(paths.controle).st_ino == inode and len(validations) == 1
    rapport["resume"]["avertissements"] += 1
    extraction.ecrire_controle(paths, rapport)
    assert json.loads(paths.controle.read_text("utf-8"))["resume"]["avertissements"] == 14
    assert len(validations) == 2
    paths.controle.write_text("{}", "utf-8")  # edited by hand: written again
    extraction.ecrire_controle(paths, rapport)
    assert json.loads(paths.controle.read_text("utf-8")) == rapport and len(validations) == 3

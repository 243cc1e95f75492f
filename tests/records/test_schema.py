"""site_data/ follows its JSON Schemas, and the schemas match the records."""

from __future__ import annotations

import json

import jsonschema
import pytest

from generator.lieux import refdata
from generator.records.schema import SCHEMA_DIR, non_conforme, schemas

from conftest import CORPUS, ROOT


def test_committed_schemas_are_current():
    for name, schema in schemas().items():
        committed = json.loads((SCHEMA_DIR / name).read_text("utf-8"))
        assert committed == schema, f"{name} est périmé : lancez python -m generator.records.schema"


@pytest.mark.parametrize("folder,schema", [("actes", "actes.schema.json"), ("subventions", "subventions.schema.json")])
def test_site_data_validates(donnees, folder, schema):
    validator = jsonschema.Draft202012Validator(json.loads((SCHEMA_DIR / schema).read_text("utf-8")))
    files = sorted((donnees / folder).glob("*.json"))
    assert len(files) == 4  # the four documents of tests/fixtures/corpus
    for f in files:
        errors = list(validator.iter_errors(json.loads(f.read_text("utf-8"))))
        assert not errors, f"{f.name}: {errors[0].message} at {list(errors[0].absolute_path)}"


def test_the_control_report_follows_its_schema(donnees):
    """site_data/controle.json as the build wrote it (validated then) follows controle.schema.json, whose optional
    keys are those the report leaves out when it has nothing to say; a report without its summary is refused."""
    schema = json.loads((SCHEMA_DIR / "controle.schema.json").read_text("utf-8"))
    rapport = json.loads((donnees / "controle.json").read_text("utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    assert not list(validator.iter_errors(rapport))
    assert rapport["resume"]["totaux_en_ecart"] == 3 and rapport["elus"]["personnes"] > 0
    ecarts = {(k["declare"], k["calcule"]) for s in rapport["sources"] for k in s["controles"] if k["statut"] != "ok"}
    assert ("499998.00", "499999") in ecarts  # the FIEET table: 499 998,00 € stated, 499 999,00 € in its lines
    assert schema["$defs"]["Constat"]["required"] == ["deliberation", "kind", "line", "message", "severity", "source"]
    assert schema["$defs"]["RapportControle"]["required"] == ["corrections", "doublons", "en_attente", "erreurs", "resume", "sources"]
    del rapport["resume"]
    faute = non_conforme("controle.schema.json", rapport)
    assert faute is not None and faute.startswith("must contain") and "resume" in faute


REFERENCE = ("communes", "anciennes_communes", "cantons", "epci", "territoires", "geometries")


@pytest.mark.parametrize("nom", REFERENCE)
def test_the_reference_geography_follows_its_schemas(nom):
    """site_data/reference/*.json (make refdata) follows the schemas derived from records/reference.py."""
    validator = jsonschema.Draft202012Validator(json.loads((SCHEMA_DIR / f"reference-{nom}.schema.json").read_text("utf-8")))
    data = json.loads((ROOT / "site_data" / "reference" / f"{nom}.json").read_text("utf-8"))
    erreurs = list(validator.iter_errors(data))
    assert not erreurs, f"{nom}: {erreurs[0].message} at {list(erreurs[0].absolute_path)}"
    if nom == "communes":
        assert data["62873"]["nom"] == "Wancourt" and data["62873"]["slug"] == "wancourt"


def test_refdata_refuses_to_write_a_file_that_breaks_its_schema(tmp_path, monkeypatch):
    """`make refdata` validates each file before writing any: a commune without its page's slug is refused."""
    ref = {nom: json.loads((ROOT / "site_data" / "reference" / f"{nom}.json").read_text("utf-8")) for nom in REFERENCE}
    del ref["communes"]["62873"]["slug"]
    monkeypatch.setattr(refdata, "OUT", tmp_path)
    with pytest.raises(
        ValueError, match=r"site_data/reference/communes\.json ne suit pas .*reference-communes\.schema\.json \(62873 : must contain"
    ):
        refdata.write(ref)
    assert not list(tmp_path.iterdir())


def test_schema_rejects_a_float_amount(donnees):
    validator = jsonschema.Draft202012Validator(json.loads((SCHEMA_DIR / "subventions.schema.json").read_text("utf-8")))
    data = json.loads((donnees / "subventions/004_45492b4b56f19b50.json").read_text("utf-8"))
    data["subventions"][0]["montant"] = 3107.0
    assert any("montant" in list(e.absolute_path) for e in validator.iter_errors(data))


def test_every_record_and_field_is_described_for_people():
    """Descriptions come from the records' own docstrings and comments, never a generated signature."""
    for name, schema in schemas().items():
        for rec, d in schema["$defs"].items():
            assert d["description"] and not d["description"].startswith(f"{rec}("), (name, rec)
    deliberation = schemas()["actes.schema.json"]["$defs"]["Deliberation"]
    assert deliberation["description"].startswith("One deliberation as published")
    assert deliberation["properties"]["page_fin"]["description"] == "Page du PDF source où elle se termine ; null pour une source texte"
    subvention = schemas()["subventions.schema.json"]["$defs"]["Subvention"]["properties"]
    assert subvention["type_beneficiaire"]["description"] == "commune | epci | association | syndicat | gip | departement | autre"


def test_the_fast_validator_agrees_with_jsonschema(donnees):
    """What the build validates when it writes (fastjsonschema) and the reference implementation say the same."""
    data = json.loads((donnees / "subventions/004_45492b4b56f19b50.json").read_text("utf-8"))
    assert non_conforme("subventions.schema.json", data) is None
    data["subventions"][0]["montant"] = 3107.0  # a float amount: exact Decimals only, written as strings
    assert non_conforme("subventions.schema.json", data) == "subventions/0/montant : must be string"
    validator = jsonschema.Draft202012Validator(json.loads((SCHEMA_DIR / "subventions.schema.json").read_text("utf-8")))
    assert [list(e.absolute_path) for e in validator.iter_errors(data)] == [["subventions", 0, "montant"]]
    actes = json.loads((donnees / "actes/004_45492b4b56f19b50.json").read_text("utf-8"))
    del actes["deliberations"][2]["titre"]
    assert non_conforme("actes.schema.json", actes).startswith("deliberations/2 : must contain")


def test_a_record_that_breaks_its_schema_is_never_written(monkeypatch, tmp_path):
    """A parser bug giving a record of the wrong shape: the source is refused as an internal error,
    its message names the file and the field, nothing of it is written."""
    from generator import extraction
    from generator.controle.corrections import Corrections
    from generator.parse import ingest

    lire = ingest.ingest_source

    def faute(*a, **k):
        ex = lire(*a, **k)
        ex.document.deliberations[0].line = "douze"
        return ex

    monkeypatch.setattr(ingest, "ingest_source", faute)
    ok, trace = extraction._parse_one(CORPUS / "003_97c6f9649ae06488.txt", Corrections())
    assert ok is None
    assert trace == (
        "EnregistrementNonConforme: site_data/actes/003_97c6f9649ae06488.json ne suit pas "
        "generator/records/schemas/actes.schema.json (deliberations/0/line : must be integer)"
    )

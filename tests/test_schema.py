"""site_data/ follows its JSON Schemas, and the schemas match the records."""
from __future__ import annotations

import json

import jsonschema
import pytest

from generator.schema import SCHEMA_DIR, schemas


def test_committed_schemas_are_current():
    for name, schema in schemas().items():
        committed = json.loads((SCHEMA_DIR / name).read_text("utf-8"))
        assert committed == schema, f"{name} est périmé : lancez python -m generator.schema"


@pytest.mark.parametrize("folder,schema", [("actes", "actes.schema.json"), ("subventions", "subventions.schema.json")])
def test_site_data_validates(donnees, folder, schema):
    validator = jsonschema.Draft202012Validator(json.loads((SCHEMA_DIR / schema).read_text("utf-8")))
    files = sorted((donnees / folder).glob("*.json"))
    assert len(files) == 4  # the four documents of tests/fixtures/corpus
    for f in files:
        errors = list(validator.iter_errors(json.loads(f.read_text("utf-8"))))
        assert not errors, f"{f.name}: {errors[0].message} at {list(errors[0].absolute_path)}"


def test_schema_rejects_a_float_amount(donnees):
    validator = jsonschema.Draft202012Validator(json.loads((SCHEMA_DIR / "subventions.schema.json").read_text("utf-8")))
    data = json.loads((donnees / "subventions/004_45492b4b56f19b50.json").read_text("utf-8"))
    data["subventions"][0]["montant"] = 3107.0
    assert any("montant" in list(e.absolute_path) for e in validator.iter_errors(data))

"""site_data/ read back typed: `from_dict` is the exact inverse of `to_dict` on the real corpus."""

from __future__ import annotations

import dataclasses
import datetime
import json
from decimal import Decimal

import pytest

from generator.records import Deliberation, Line, PlaceRef, SourceDocument, Subvention, SubventionsSource, to_dict
from generator.records.lecture import from_dict


@pytest.mark.parametrize("folder,cls", [("actes", SourceDocument), ("subventions", SubventionsSource)])
def test_every_file_of_site_data_reads_back_as_it_was_written(donnees, folder, cls):
    files = sorted((donnees / folder).glob("*.json"))
    assert len(files) == 4  # the four documents of tests/fixtures/corpus
    for f in files:
        data = json.loads(f.read_text("utf-8"))
        assert to_dict(from_dict(cls, data)) == data, f.name


def test_typed_values_of_a_real_grant(donnees):
    data = json.loads((donnees / "subventions/004_45492b4b56f19b50.json").read_text("utf-8"))
    lu = from_dict(SubventionsSource, data)
    s = next(x for x in lu.subventions if x.id == "2021-237-0011")  # « Mairie de Vermelles / CCAS … » (vie étudiante)
    assert isinstance(s, Subvention)
    assert isinstance(s.montant, Decimal)
    assert isinstance(s.beneficiaire_ref, PlaceRef)
    assert (s.beneficiaire_ref.kind, s.beneficiaire_ref.code, s.beneficiaire_ref.name) == ("commune", "62846", "Vermelles")
    assert all(isinstance(x.montant, Decimal) for x in lu.subventions)
    assert sum(x.montant for x in lu.subventions) == sum(Decimal(x["montant"]) for x in data["subventions"])


def test_nested_records_of_a_real_deliberation(donnees):
    doc = from_dict(SourceDocument, json.loads((donnees / "actes/001_e1a7153a0531ec73.json").read_text("utf-8")))
    d = next(x for x in doc.deliberations if x.id == "2019-119")
    assert isinstance(d, Deliberation)
    assert d.numero_imprime == "2017-119"  # corrected from the printed number (the control report says so)
    assert d.rapport is not None and d.rapport.numero
    assert doc.recueil is not None and (doc.recueil.annee, doc.recueil.mois, doc.recueil.numero) == (2019, 5, 5)


def test_an_unknown_or_missing_field_is_refused():
    with pytest.raises(TypeError, match="inconnu"):
        from_dict(PlaceRef, {"kind": "commune", "written": "Arras", "_x": 1})
    with pytest.raises(TypeError, match="manquant"):
        from_dict(PlaceRef, {"kind": "commune"})
    with pytest.raises(TypeError, match="texte"):
        from_dict(
            Subvention,
            {
                "id": "x",
                "deliberation": "x",
                "source": "s",
                "line": 1,
                "beneficiaire": "b",
                "type_beneficiaire": "autre",
                "montant": 3107.0,
            },
        )


def test_to_dict_converts_records_and_values_as_their_types_say():
    """Records to dicts of their fields in order, Decimal as plain text, dates in ISO, tuples and named tuples to
    lists, dict keys to text; a str or int of a subclass is kept as it is, a record class itself too."""

    class Code(str):
        pass

    line = Line(3, "texte")
    data = {"d": Decimal("1.50"), "j": datetime.date(2021, 7, 5), "t": (1, line), 4: [Code("x")], "classe": PlaceRef}
    assert to_dict(data) == {"d": "1.50", "j": "2021-07-05", "t": [1, [3, "texte", False, None, None]], "4": ["x"], "classe": PlaceRef}
    assert type(to_dict(data)["4"][0]) is Code
    ref = PlaceRef("commune", "Ablain-Saint-Nazaire", code="62001", candidates=["62001"])
    assert to_dict(ref) == {f.name: getattr(ref, f.name) for f in dataclasses.fields(PlaceRef)}
    assert list(to_dict(ref))[:3] == ["kind", "written", "status"]

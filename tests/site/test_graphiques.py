"""Static SVG pictures: well-formed, accessible, escaped, deterministic, small enough."""

import json
import re
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest

from generator.site import graphiques as g

from conftest import ROOT

NS = {"s": "http://www.w3.org/2000/svg"}
NNBSP, NBSP = "\u202f", "\u00a0"
REF = ROOT / "site_data" / "reference"
COMMUNES = json.loads((REF / "communes.json").read_text("utf-8"))


def lien(c):
    return f"../communes/{c['slug']}/"


@pytest.fixture(scope="module")
def carte_wancourt():
    return g.carte_communes({"62873": Decimal("3107.00")}, lien, "Subventions par commune")


def liens(svg: str) -> dict[str, ET.Element]:
    root = ET.fromstring(svg)
    return {a.get("href"): a for a in root.iter(f"{{{NS['s']}}}a")}


def origine(a: ET.Element) -> tuple[int, int]:
    """The absolute start point of a commune's first ring."""
    d = a.find("s:path", NS).get("d")
    x, y = re.match(r"M(-?\d+) (-?\d+)", d).groups()
    return int(x), int(y)


# ----------------------------------------------------------------------- montant_court


@pytest.mark.parametrize(
    "valeur, attendu",
    [
        ("0", "0 €"),
        ("850", "850 €"),
        ("12.345", "12,35 €"),
        ("999.99", "1 k€"),
        ("3107.00", "3,1 k€"),
        ("15534", "15,5 k€"),
        ("150600", "151 k€"),
        ("999950", "1 M€"),
        ("1403496", "1,4 M€"),
        ("12345678", "12,3 M€"),
        ("2500000000", "2,5 Md€"),
        ("-3107", "-3,1 k€"),
    ],
)
def test_montant_court(valeur, attendu):
    assert g.montant_court(Decimal(valeur)) == attendu.replace(" ", NBSP)


# ----------------------------------------------------------------------- bar chart


def test_barres_vide():
    assert g.barres_par_annee([], "Rien") == ""


def test_barres_montants_francais_et_alternative():
    svg = g.barres_par_annee(
        [(2021, Decimal("150600.00")), (2019, Decimal("3107.00")), (2021, Decimal("1000"))], "Subventions reçues par Wancourt"
    )
    root = ET.fromstring(svg)
    assert root.get("role") == "img"
    assert root.get("viewBox").startswith("0 0 ")
    assert "width" not in root.attrib  # scales with the page
    textes = [t.text for t in root.iter(f"{{{NS['s']}}}text")]
    # sorted years, duplicates summed: 150 600 + 1 000 = 151 600
    assert textes == [f"3,1{NBSP}k€", "2019", f"152{NBSP}k€", "2021"]
    desc = root.find("s:desc", NS).text
    assert f"2019 : 3{NNBSP}107,00{NBSP}€" in desc
    assert f"2021 : 151{NNBSP}600,00{NBSP}€" in desc
    assert f"Total : 154{NNBSP}707,00{NBSP}€" in desc
    ids = root.get("aria-labelledby").split()
    assert {e.get("id") for e in root if e.get("id")} == set(ids)
    # the tallest bar is 2021's; bars use the stylable class and a mid-tone fill
    rects = root.findall(".//s:rect", NS)
    assert [r.get("class") for r in rects] == ["rpc-bar", "rpc-bar"]
    assert float(rects[1].get("height")) > float(rects[0].get("height")) > 0
    assert root.find("s:line", NS).get("class") == "rpc-axis"


def test_barres_une_annee():
    svg = g.barres_par_annee([(2022, Decimal("850"))], "Une seule année")
    root = ET.fromstring(svg)
    assert len(root.findall(".//s:rect", NS)) == 1
    assert [t.text for t in root.iter(f"{{{NS['s']}}}text")] == [f"850{NBSP}€", "2022"]


def test_barres_titre_echappe():
    titre = 'Aides <script>alert("x")</script> & co'
    svg = g.barres_par_annee([(2021, Decimal("1"))], titre)
    assert "<script>" not in svg
    assert ET.fromstring(svg).find("s:title", NS).text == titre


# ----------------------------------------------------------------------- map


def test_carte_complete(carte_wancourt):
    root = ET.fromstring(carte_wancourt)
    assert root.get("role") == "group" and root.get("aria-label") == "Subventions par commune"
    # mouse-only links: out of the Tab order and hidden from screen readers (the table has them)
    assert {a.get("tabindex") for a in root.iter(f"{{{NS['s']}}}a")} == {"-1"}
    dessin = [g for g in root.findall("s:g", NS)]
    assert [g.get("aria-hidden") for g in dessin] == ["true", "true"]
    assert len(list(dessin[0].iter(f"{{{NS['s']}}}a"))) == 887
    assert "Le tableau ci-dessous donne les mêmes montants" in root.find("s:desc", NS).text
    paths = root.findall(".//s:a/s:path", NS)
    assert len(paths) == 887 == len(COMMUNES)
    hrefs = liens(carte_wancourt)
    assert set(hrefs) == {f"../communes/{c['slug']}/" for c in COMMUNES.values()}
    print(f"\ncarte complète : {len(carte_wancourt.encode('utf-8'))} octets, {len(paths)} communes")
    assert len(carte_wancourt.encode("utf-8")) < 300_000


def test_carte_wancourt(carte_wancourt):
    a = liens(carte_wancourt)["../communes/wancourt/"]
    titre = a.find("s:title", NS).text
    assert "Wancourt" in titre and f"3{NNBSP}107,00{NBSP}€" in titre
    root = ET.fromstring(carte_wancourt)
    groupes = {grp.get("class"): grp for grp in root.iter(f"{{{NS['s']}}}g") if grp.get("class")}
    # Wancourt alone is shaded; the 886 others share the « aucune subvention » fill
    assert [x.get("href") for x in groupes["rpc-carte-c1"].findall("s:a", NS)] == ["../communes/wancourt/"]
    assert len(groupes["rpc-carte-c0"].findall("s:a", NS)) == 886
    assert groupes["rpc-carte-c0"].get("fill") != groupes["rpc-carte-c1"].get("fill")
    warlus = liens(carte_wancourt)["../communes/warlus/"].find("s:title", NS).text
    assert warlus == "Warlus : aucune subvention"


def test_carte_orientation(carte_wancourt):
    """Calais top-left, Boulogne on the west coast, Arras south-east: the projection is not flipped."""
    a = liens(carte_wancourt)
    calais, boulogne = origine(a["../communes/calais/"]), origine(a["../communes/boulogne-sur-mer/"])
    arras, st_omer = origine(a["../communes/arras/"]), origine(a["../communes/saint-omer/"])
    assert calais[1] < boulogne[1] < arras[1]  # y grows southwards
    assert boulogne[0] < calais[0] < st_omer[0] < arras[0]


def test_carte_anneaux_complets(carte_wancourt):
    """Every ring of every commune is drawn, with at least 3 vertices."""
    geos = json.loads((REF / "geometries.json").read_text("utf-8"))["communes"]
    par_slug = {c["slug"]: code for code, c in COMMUNES.items()}
    for href, a in liens(carte_wancourt).items():
        d = a.find("s:path", NS).get("d")
        anneaux = d.split("z")[:-1]
        assert len(anneaux) == len(geos[par_slug[href.split("/")[2]]])
        for ring in anneaux:
            assert len(re.findall(r"-?\d+", ring)) >= 6


def test_carte_sous_ensemble_canton():
    """The canton Arras-3 page: 16 communes, classes computed on that subset."""
    codes = sorted(c for c, v in COMMUNES.items() if "6204" in v["cantons"])
    assert len(codes) == 16 and "62873" in codes
    montants = {c: Decimal(1000 * (i + 1)) for i, c in enumerate(codes)}
    montants["62041"] = Decimal(0)  # Arras: explicit zero
    montants["62193"] = Decimal("99999")  # Calais, not in the canton: not drawn
    svg = g.carte_communes(montants, lien, "Canton d'Arras-3", communes=codes)
    root = ET.fromstring(svg)
    assert len(root.findall(".//s:a/s:path", NS)) == 16
    assert "../communes/calais/" not in liens(svg)
    classes = {grp.get("class") for grp in root.iter(f"{{{NS['s']}}}g") if (grp.get("class") or "").startswith("rpc-carte-c")}
    assert classes == {f"rpc-carte-c{k}" for k in range(6)}  # none + 5 classes
    legende = [t.text for t in root.find(".//s:g[@class='rpc-legende']", NS).findall("s:text", NS)]
    assert legende[0] == "aucune subvention" and len(legende) == 6
    assert legende[-1].endswith("ou plus")
    assert liens(svg)["../communes/arras/"].find("s:title", NS).text == "Arras : aucune subvention"


def test_carte_commune_inconnue():
    with pytest.raises(ValueError, match="62999"):
        g.carte_communes({}, lien, "x", communes=["62873", "62999"])


def test_carte_echappement():
    titre = "Carte <script>alert(1)</script>"
    svg = g.carte_communes({}, lambda c: f"?a=1&b={c['slug']}", titre, communes=["62873"])
    assert "<script>" not in svg and "&b=" not in svg
    root = ET.fromstring(svg)
    assert root.get("aria-label") == titre and root.find("s:title", NS).text == titre
    assert list(liens(svg)) == ["?a=1&b=wancourt"]


def test_carte_deterministe():
    m = {"62873": Decimal("3107.00"), "62041": Decimal("150600"), "62193": Decimal("15534")}
    a = g.carte_communes(m, lien, "T")
    b = g.carte_communes(dict(reversed(list(m.items()))), lien, "T", communes=list(reversed(sorted(COMMUNES))))
    assert a == b


def test_seuils_et_classes():
    valeurs = [Decimal(v) for v in ("3107", "15534", "150600", "8404.22", "440000", "1000", "500")]
    seuils = g.seuils_classes(valeurs)
    assert seuils == sorted(set(seuils)) and len(seuils) <= 4
    assert all(len(str(int(t)).rstrip("0")) <= 2 for t in seuils)  # rounded thresholds
    assert g.classe(None, seuils) == 0 and g.classe(Decimal(0), seuils) == 0
    assert g.classe(Decimal("500"), seuils) == 1
    assert g.classe(Decimal("440000"), seuils) == len(seuils) + 1
    assert g.seuils_classes([Decimal(5)] * 10) == []  # one value: one class


def test_demo(tmp_path):
    sortie = tmp_path / "carte.svg"
    assert g.main(["--demo", str(sortie)]) == 0
    root = ET.fromstring(sortie.read_text("utf-8"))
    assert len(root.findall(".//s:a/s:path", NS)) == 887

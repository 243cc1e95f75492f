"""`datapackage.json`: a Frictionless data package describing every published CSV.

What `frictionless validate donnees/datapackage.json` and data.gouv.fr read: for each CSV
its dialect, encoding, size and Table Schema (fields, types, formats, primary and foreign
keys), the licence and the source. The Table Schemas are files under `schemas/` (one for
subventions.csv and the per-place CSVs, which share its columns; the official SCDL schemas
for the SCDL files, copied as published on schema.data.gouv.fr), so the package stays small.
Deterministic: resources in a fixed order, no date.
"""

from __future__ import annotations

import json
from pathlib import Path

from generator.commun.store import write_bytes, write_text
from generator.exports import csv_subventions, scdl
from generator.exports.sqlite import LICENCE, LICENCE_URL, SOURCE

SCDL_URL = {
    "subventions": "https://schema.data.gouv.fr/schemas/scdl/subventions/2.1.1/schema.json",
    "deliberations": "https://schema.data.gouv.fr/schemas/scdl/deliberations/2.1.5/schema.json",
}
DECIMAUX = {"montant", "cout_projet", "montant_eligible", "taux"}


def _champ(nom: str, titre: str, description: str, decimal: str = ".") -> dict:
    f: dict = {"name": titre, "description": description, "type": "string"}
    if nom != titre:
        f["title"] = nom
    if nom == "date":
        f["type"] = "date"
        f["constraints"] = {"required": True}
    elif nom in DECIMAUX:
        f["type"] = "number"
        if decimal != ".":
            f["decimalChar"] = decimal
        f["constraints"] = {"minimum": 0}
        if nom == "montant":
            f["constraints"]["required"] = True
    elif nom in csv_subventions.ENTIERS:
        f["type"], f["constraints"] = "integer", {"minimum": 1}
    elif nom == "id":
        f["constraints"] = {"required": True, "unique": True, "pattern": r"\d{4}-\d+-\d{4}"}
    elif nom == "deliberation":
        f["constraints"] = {"required": True}
    elif nom == "code_insee":
        f["constraints"] = {"pattern": r"\d[\dAB]\d{3}"}
    elif nom == "siren_epci":
        f["constraints"] = {"pattern": r"\d{9}"}
    if nom in ("montant", "cout_projet", "montant_eligible"):
        f["unit"] = "EUR"
    return f


def schema_subventions(tableur: bool = False) -> dict:
    """The Table Schema of subventions.csv (and of the per-place CSVs), or of subventions-tableur.csv."""
    fields = [_champ(c, csv_subventions.TITRES[c] if tableur else c, d, "," if tableur else ".") for c, d in csv_subventions.COLUMNS]
    pk = csv_subventions.TITRES["id"] if tableur else "id"
    return {"fields": fields, "primaryKey": [pk], "missingValues": [""]}


def _vers_subventions(champ: str) -> dict:
    """Every row of a derived file is a row of subventions.csv."""
    return {"fields": [champ], "reference": {"resource": "subventions", "fields": ["id"]}}


def _ressource(out_dir: Path, rel: str, name: str, title: str, description: str, schema, **extra) -> dict:
    r = {
        "name": name,
        "path": rel,
        "title": title,
        "description": description,
        "profile": "tabular-data-resource",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "bytes": (out_dir / rel).stat().st_size,
        "schema": schema,
    }
    r.update(extra)
    return r


def package(out_dir: Path, written: list[Path], descriptions: dict[str, str], groupes: dict[str, str], base_url: str | None) -> dict:
    out_dir = Path(out_dir)
    rel = sorted({p.relative_to(out_dir).as_posix() for p in written})
    res = []
    if "subventions.csv" in rel:
        res.append(
            _ressource(
                out_dir,
                "subventions.csv",
                "subventions",
                "Subventions attribuées",
                descriptions["subventions.csv"],
                "schemas/subventions.schema.json",
                dialect={"delimiter": ",", "header": True},
            )
        )
    if "subventions-tableur.csv" in rel:
        res.append(
            _ressource(
                out_dir,
                "subventions-tableur.csv",
                "subventions-tableur",
                "Subventions attribuées (pour tableur)",
                descriptions["subventions-tableur.csv"],
                {**schema_subventions(tableur=True), "foreignKeys": [_vers_subventions(csv_subventions.TITRES["id"])]},
                encoding="utf-8-sig",
                dialect={"delimiter": ";", "header": True},
            )
        )
    for which in ("subventions", "deliberations"):
        name = f"{which}-scdl.csv"
        if name in rel:
            s = scdl.schema(which)
            extra: dict = {"dialect": {"delimiter": ",", "header": True}, "sources": [{"title": s["title"], "path": SCDL_URL[which]}]}
            res.append(
                _ressource(out_dir, name, f"{which}-scdl", s["title"], descriptions[name], f"schemas/scdl-{which}.schema.json", **extra)
            )
    for r in rel:
        folder, _, fichier = r.partition("/")
        if folder in groupes and fichier.endswith(".csv") and "/" not in fichier:
            res.append(
                _ressource(
                    out_dir,
                    r,
                    f"{folder}-{fichier.removesuffix('.csv')}",
                    f"Subventions — {folder} — {fichier.removesuffix('.csv')}",
                    groupes[folder],
                    "schemas/subventions-lieu.schema.json",
                    dialect={"delimiter": ",", "header": True},
                )
            )
    pkg: dict = {
        "profile": "tabular-data-package",
        "name": "recueil-actes-pas-de-calais",
        "title": "Recueil des actes administratifs du Département du Pas-de-Calais : délibérations et subventions",
        "description": "Les subventions attribuées et les délibérations publiées au recueil des actes administratifs du "
        "Département du Pas-de-Calais, extraites des recueils mensuels. Montants en euros ; l'original signé fait foi.",
        "language": "fr",
        "licenses": [{"name": "etalab-2.0", "path": LICENCE_URL, "title": LICENCE}],
        "sources": [{"title": SOURCE, **({"path": base_url.rstrip("/") + "/"} if base_url else {})}],
        "keywords": ["subventions", "délibérations", "Pas-de-Calais", "SCDL", "recueil des actes administratifs"],
    }
    if base_url:
        pkg["homepage"] = base_url.rstrip("/") + "/donnees/"
    pkg["resources"] = res
    return pkg


def write(
    out_dir: Path, written: list[Path], descriptions: dict[str, str], groupes: dict[str, str], base_url: str | None = None
) -> list[Path]:
    """schemas/*.schema.json, then datapackage.json (last: it gives every other file's size)."""
    out_dir = Path(out_dir)
    schemas = out_dir / "schemas"
    schemas.mkdir(exist_ok=True)
    paths = [schemas / "subventions.schema.json", schemas / "subventions-lieu.schema.json"]
    write_text(paths[0], json.dumps(schema_subventions(), ensure_ascii=False, indent=1) + "\n", durable=False)
    lieu = {**schema_subventions(), "foreignKeys": [_vers_subventions("id")]}
    write_text(paths[1], json.dumps(lieu, ensure_ascii=False, indent=1) + "\n", durable=False)
    for which in ("subventions", "deliberations"):
        p = schemas / f"scdl-{which}.schema.json"
        write_bytes(p, (scdl.SCHEMAS / p.name).read_bytes(), durable=False)
        paths.append(p)
    dp = out_dir / "datapackage.json"
    write_text(
        dp, json.dumps(package(out_dir, written, descriptions, groupes, base_url), ensure_ascii=False, indent=1) + "\n", durable=False
    )
    return paths + [dp]

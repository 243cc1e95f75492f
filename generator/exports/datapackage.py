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
from generator.exports import csv_deliberations, csv_subventions, elus, scdl
from generator.exports.sqlite import LICENCE, LICENCE_URL, SOURCE
from generator.records import JsonObject

SCDL_URL = {
    "subventions": "https://schema.data.gouv.fr/schemas/scdl/subventions/2.1.1/schema.json",
    "deliberations": "https://schema.data.gouv.fr/schemas/scdl/deliberations/2.1.5/schema.json",
}
DECIMAUX = {"montant", "cout_projet", "montant_eligible", "taux"}


def _champ(nom: str, titre: str, description: str, decimal: str = ".") -> JsonObject:
    f: JsonObject = {"name": titre, "description": description, "type": "string"}
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


def schema_subventions(tableur: bool = False) -> JsonObject:
    """The Table Schema of subventions.csv (and of the per-page CSVs), or of subventions-tableur.csv: each
    grant's deliberation is a row of deliberations.csv."""
    fields = [_champ(c, csv_subventions.TITRES[c] if tableur else c, d, "," if tableur else ".") for c, d in csv_subventions.COLUMNS]
    pk = csv_subventions.TITRES["id"] if tableur else "id"
    delib = csv_subventions.TITRES["deliberation"] if tableur else "deliberation"
    return {"fields": fields, "primaryKey": [pk], "foreignKeys": [_vers("deliberations", delib)], "missingValues": [""]}


def schema_deliberations() -> JsonObject:
    """The Table Schema of deliberations.csv."""
    fields = []
    for c, d in csv_deliberations.COLONNES.items():
        f: JsonObject = {"name": c, "description": d, "type": "string"}
        if c in csv_deliberations.DATES:
            f["type"] = "date"
        elif c in csv_deliberations.ENTIERS:
            f["type"], f["constraints"] = "integer", {"minimum": 0}
        if c in ("id", "date", "source"):
            f["constraints"] = {"required": True, **({"unique": True} if c == "id" else {})}
        fields.append(f)
    return {"fields": fields, "primaryKey": ["id"], "missingValues": [""]}


ENTIERS_ELUS = frozenset({"presences", "excuses", "absences", "interets_declares", "presidences"})


def schema_elus() -> JsonObject:
    """elus.csv: one row per person (`id`, the slug of its page)."""
    fields: list[JsonObject] = [
        {"name": c, "type": "integer" if c in ENTIERS_ELUS else "date" if c.endswith("_seance") else "string"} for c in elus.COLONNES_ELUS
    ]
    fields[0]["constraints"] = {"required": True, "unique": True}
    return {"fields": fields, "primaryKey": ["id"], "missingValues": [""]}


def schema_presences() -> JsonObject:
    """presences.csv: each row's person is a row of elus.csv, its deliberation one of deliberations.csv."""
    fields = [{"name": c, "type": "date" if c == "date" else "string"} for c in elus.COLONNES_PRESENCES]
    return {
        "fields": fields,
        "foreignKeys": [_vers("elus", "personne"), _vers("deliberations", "deliberation")],
        "missingValues": [""],
    }


def _vers(ressource: str, champ: str) -> JsonObject:
    """A foreign key: `champ` is the `id` of a row of the resource `ressource`."""
    return {"fields": [champ], "reference": {"resource": ressource, "fields": ["id"]}}


def _vers_subventions(champ: str) -> JsonObject:
    """Every row of a derived file is a row of subventions.csv."""
    return _vers("subventions", champ)


def _avec(schema: JsonObject, cle: JsonObject) -> JsonObject:
    """`schema` with one more foreign key."""
    return {**schema, "foreignKeys": [*schema.get("foreignKeys", []), cle]}


JSON_SCHEMA = "subventions.json-schema.json"
"""The JSON Schema of subventions.json and of the per-page JSON files (schemas/)."""


def json_schema_subventions() -> JsonObject:
    """subventions.json (and each page's JSON): an array of grants, each with every column of
    subventions.csv; an empty cell is null, amounts are decimal strings, `page_pdf` a whole number."""
    props: dict[str, JsonObject] = {}
    for c, d in csv_subventions.COLUMNS:
        p: JsonObject = {"description": d, "type": ["integer", "null"] if c in csv_subventions.ENTIERS else ["string", "null"]}
        if c in ("id", "deliberation", "date", "montant"):
            p["type"] = "string"
        if c == "date":
            p["format"] = "date"
        elif c in DECIMAUX:
            p["pattern"] = r"^\d+(\.\d+)?$"
        props[c] = p
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Subventions attribuées par le Département du Pas-de-Calais",
        "type": "array",
        "items": {"type": "object", "properties": props, "required": list(props), "additionalProperties": False},
    }


def _ressource(out_dir: Path, rel: str, name: str, title: str, description: str, schema: str | JsonObject, **extra: object) -> JsonObject:
    r: JsonObject = {
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


def package(out_dir: Path, written: list[Path], descriptions: dict[str, str], groupes: dict[str, str], base_url: str | None) -> JsonObject:
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
    if "deliberations.csv" in rel:
        res.append(
            _ressource(
                out_dir,
                "deliberations.csv",
                "deliberations",
                "Délibérations publiées",
                descriptions["deliberations.csv"],
                "schemas/deliberations.schema.json",
                dialect={"delimiter": ",", "header": True},
            )
        )
    for name, titre, schema in (("elus.csv", "Élus", schema_elus()), ("presences.csv", "Présences des élus", schema_presences())):
        if name in rel:
            dialect = {"delimiter": ",", "header": True}
            res.append(_ressource(out_dir, name, name.removesuffix(".csv"), titre, descriptions[name], schema, dialect=dialect))
    if "subventions-tableur.csv" in rel:
        res.append(
            _ressource(
                out_dir,
                "subventions-tableur.csv",
                "subventions-tableur",
                "Subventions attribuées (pour tableur)",
                descriptions["subventions-tableur.csv"],
                _avec(schema_subventions(tableur=True), _vers_subventions(csv_subventions.TITRES["id"])),
                encoding="utf-8-sig",
                dialect={"delimiter": ";", "header": True},
            )
        )
    for which in ("subventions", "deliberations"):
        name = f"{which}-scdl.csv"
        if name in rel:
            s = scdl.schema(which)
            extra: JsonObject = {"dialect": {"delimiter": ",", "header": True}, "sources": [{"title": s["title"], "path": SCDL_URL[which]}]}
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
    pkg: JsonObject = {
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
    for nom, schema in (("deliberations.schema.json", schema_deliberations()), (JSON_SCHEMA, json_schema_subventions())):
        paths.append(schemas / nom)
        write_text(paths[-1], json.dumps(schema, ensure_ascii=False, indent=1) + "\n", durable=False)
    lieu = _avec(schema_subventions(), _vers_subventions("id"))
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

"""JSON Schemas of site_data/, derived from the typed records so they cannot drift apart.

`python -m generator.records.schema` rewrites generator/records/schemas/*.schema.json; a test checks
that the committed schemas are current and that every file of site_data/ validates.
"""

from __future__ import annotations

import dataclasses
import inspect
import io
import json
import sys
import tokenize
import types
import typing
from collections.abc import Callable
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import fastjsonschema

from generator import records
from generator.commun.store import write_text
from generator.records import reference
from generator.records.common import JsonObject
from generator.records.controle import RapportControle

SCHEMA_DIR = Path(__file__).parent / "schemas"
DECIMAL = {"type": "string", "pattern": r"^-?\d+(\.\d+)?$"}
_TYPES_JSON: dict[type, str] = {str: "string", bool: "boolean", int: "integer", float: "number", dict: "object", list: "array"}
"""The JSON type of each Python type a record's field may have, bare."""


def _type_schema(tp: object, defs: dict[str, JsonObject]) -> JsonObject:
    """The schema of the type annotation `tp`; a record's goes to `defs` and is referenced."""
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin in (typing.Union, types.UnionType):
        options = [_type_schema(a, defs) for a in args if a is not type(None)]
        schema = options[0] if len(options) == 1 else {"anyOf": options}
        if type(None) in args:
            return {"anyOf": [schema, {"type": "null"}]}
        return schema
    if origin is typing.Literal:
        return {"enum": list(args)}
    if origin in (list, tuple, set):
        return {"type": "array", "items": _type_schema(args[0], defs) if args else {}}
    if origin is dict:
        return {"type": "object", "additionalProperties": _type_schema(args[1], defs) if len(args) > 1 else {}}
    if isinstance(tp, type) and (dataclasses.is_dataclass(tp) or typing.is_typeddict(tp)):
        name = tp.__name__
        if name not in defs:
            defs[name] = {}  # placeholder against recursion
            hints = typing.get_type_hints(tp)
            notes = commentaires(tp)
            props: JsonObject = {}
            champs: dict[str, str | None] = (
                {f.name: f.metadata.get("description") for f in dataclasses.fields(tp)}  # `records.common.decrit`
                if dataclasses.is_dataclass(tp)
                else dict.fromkeys(hints)  # a TypedDict's keys, all required (`Procuration`)
            )
            for nom, decrit in champs.items():
                props[nom] = _type_schema(hints[nom], defs)
                note = decrit or notes.get(nom)  # its description, else its comment
                if note:
                    props[nom] = {"description": note, **props[nom]}
            facultatifs = (
                {f.name for f in dataclasses.fields(tp) if f.metadata.get("facultatif")} if dataclasses.is_dataclass(tp) else set()
            )
            defs[name] = {
                "type": "object",
                "description": description(tp),
                "properties": props,
                "required": sorted(set(props) - facultatifs),
                "additionalProperties": False,
            }
        return {"$ref": f"#/$defs/{name}"}
    if tp is Decimal:
        return DECIMAL
    if isinstance(tp, type) and tp in _TYPES_JSON:
        return {"type": _TYPES_JSON[tp]}
    return {}


def description(cls: type) -> str:
    """What a record is, for the people who read the schema: the first paragraph of its own docstring
    (a dataclass without one gets a generated signature as `__doc__`: refused)."""
    doc = cls.__dict__.get("__doc__") or ""
    if not doc.strip() or doc.startswith(f"{cls.__name__}("):
        raise TypeError(f"{cls.__module__}.{cls.__name__} : enregistrement sans description (docstring)")
    return " ".join(inspect.cleandoc(doc).split("\n\n")[0].split())


@cache
def commentaires(cls: type) -> dict[str, str]:
    """Each field's description: the comment written after it in the record's source
    (`montant: Decimal  # in euros`), or on the line above it."""
    notes: dict[str, str] = {}
    lignes = inspect.getsource(cls).splitlines()
    for tok in tokenize.generate_tokens(io.StringIO("\n".join(lignes) + "\n").readline):
        if tok.type != tokenize.COMMENT:
            continue
        ligne = lignes[tok.start[0] - 1]
        texte = tok.string.lstrip("#").strip()
        avant = ligne[: tok.start[1]].strip()
        if not avant:
            continue  # a comment alone on its line: below
        champ = avant.split(":")[0].strip()
        if champ.isidentifier():
            notes[champ] = texte
    # a comment alone on its line describes the fields that follow it without their own (`page_debut`, `page_fin`)
    for i, ligne in enumerate(lignes):
        if ligne.strip().startswith("#"):
            texte = ligne.strip().lstrip("#").strip()
            for suite in lignes[i + 1 :]:
                champ = suite.strip().split(":")[0]
                if not suite.strip() or not champ.isidentifier() or ":" not in suite:
                    break
                notes.setdefault(champ, texte)
    return notes


def schema_for(cls: type, title: str, wrapper: Callable[[JsonObject], JsonObject] | None = None) -> JsonObject:
    """The JSON Schema of a file holding the record `cls` (`wrapper`: the file's object around its reference)."""
    defs: dict[str, JsonObject] = {}
    ref = _type_schema(cls, defs)
    root: JsonObject = {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": title}
    if wrapper:
        root.update(wrapper(ref))
    else:
        root.update(ref)
    root["$defs"] = dict(sorted(defs.items()))
    return root


def schemas() -> dict[str, JsonObject]:
    def subventions_file(_: JsonObject) -> JsonObject:
        defs_sub = {"$ref": "#/$defs/Subvention"}
        return {
            "type": "object",
            "required": ["source", "subventions", "controles"],
            "additionalProperties": False,
            "properties": {
                "source": {"type": "string"},
                "subventions": {"type": "array", "items": defs_sub},
                "controles": {"type": "array", "items": {"$ref": "#/$defs/TotalCheck"}},
            },
        }

    sub = schema_for(records.Subvention, "Subventions extraites d'une source (site_data/subventions/*.json)", subventions_file)
    # TotalCheck is referenced from the wrapper: add its definition
    defs: dict[str, JsonObject] = {}
    _type_schema(records.TotalCheck, defs)
    sub["$defs"].update(defs)
    sub["$defs"] = dict(sorted(sub["$defs"].items()))

    def par_code(ref: JsonObject) -> JsonObject:
        return {"type": "object", "additionalProperties": ref}

    def liste(ref: JsonObject) -> JsonObject:
        return {"type": "array", "items": ref}

    out = {
        "actes.schema.json": schema_for(records.SourceDocument, "Actes extraits d'une source (site_data/actes/*.json)"),
        "controle.schema.json": schema_for(RapportControle, "Rapport de contrôle de publication (site_data/controle.json)"),
        "subventions.schema.json": sub,
    }
    for fichier, cls, titre, enveloppe in (
        ("communes", reference.Commune, "Communes du Pas-de-Calais, par code INSEE", par_code),
        ("cantons", reference.Canton, "Cantons, par code", par_code),
        ("epci", reference.Epci, "Intercommunalités à fiscalité propre, par SIREN", par_code),
        ("territoires", reference.Territoire, "Territoires du Département, par slug", par_code),
        ("anciennes_communes", reference.AncienneCommune, "Anciens noms de communes", liste),
        ("geometries", reference.Geometries, "Contours des communes et des cantons", None),
    ):
        out[f"reference-{fichier}.schema.json"] = schema_for(cls, f"{titre} (site_data/reference/{fichier}.json)", enveloppe)
    return out


@cache
def _valideur(nom: str) -> Callable[[object], Any]:
    """The compiled validator of `SCHEMA_DIR/nom` (fastjsonschema: some 20 times faster than `jsonschema`,
    so that every file is validated when written; compiled once per process)."""
    return fastjsonschema.compile(json.loads((SCHEMA_DIR / nom).read_text(encoding="utf-8")))


def non_conforme(nom: str, data: object) -> str | None:
    """Why `data` (JSON-ready, as `records.to_dict` gives it) does not follow the schema `nom`
    (`actes.schema.json`, `controle.schema.json`, `subventions.schema.json`): « deliberations/3/line : must be integer »; None when it does."""
    try:
        _valideur(nom)(data)
    except fastjsonschema.JsonSchemaValueException as err:
        chemin = "/".join(str(p) for p in (err.path or [])[1:])
        message = err.message.removeprefix((err.name or "") + " ").strip()
        return f"{chemin + ' : ' if chemin else ''}{message[:200]}"
    return None


def write() -> list[Path]:
    out: list[Path] = []
    for name, schema in schemas().items():
        p = SCHEMA_DIR / name
        write_text(p, json.dumps(schema, ensure_ascii=False, indent=1) + "\n")
        out.append(p)
    return out


if __name__ == "__main__":
    for p in write():
        print(p)
    sys.exit(0)

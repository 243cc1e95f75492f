"""JSON Schemas of site_data/, derived from the typed records so they cannot drift apart.

`python -m generator.schema` rewrites generator/schemas/*.schema.json; a test checks
that the committed schemas are current and that every file of site_data/ validates.
"""
from __future__ import annotations

import dataclasses
import json
import sys
import types
import typing
from decimal import Decimal
from pathlib import Path

from . import records
from .store import write_text

SCHEMA_DIR = Path(__file__).parent / "schemas"
DECIMAL = {"type": "string", "pattern": r"^-?\d+(\.\d+)?$"}


def _type_schema(tp, defs: dict) -> dict:
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
    if dataclasses.is_dataclass(tp):
        name = tp.__name__
        if name not in defs:
            defs[name] = {}  # placeholder against recursion
            hints = typing.get_type_hints(tp)
            props = {f.name: _decrit(_type_schema(hints[f.name], defs), f) for f in dataclasses.fields(tp)}
            defs[name] = {"type": "object", "description": (tp.__doc__ or "").strip().split("\n")[0],
                          "properties": props, "required": sorted(props), "additionalProperties": False}
        return {"$ref": f"#/$defs/{name}"}
    if tp is Decimal:
        return DECIMAL
    if tp is str:
        return {"type": "string"}
    if tp is bool:
        return {"type": "boolean"}
    if tp is int:
        return {"type": "integer"}
    if tp is float:
        return {"type": "number"}
    if tp is dict:
        return {"type": "object"}
    if tp is list:
        return {"type": "array"}
    return {}


def _decrit(schema: dict, f: dataclasses.Field) -> dict:
    """The field's schema with its description for people (`records.common.decrit`), when it has one."""
    description = f.metadata.get("description")
    return dict(schema, description=description) if description else schema


def schema_for(cls, title: str, wrapper: dict | None = None) -> dict:
    defs: dict = {}
    ref = _type_schema(cls, defs)
    root = {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": title}
    if wrapper:
        root.update(wrapper(ref))
    else:
        root.update(ref)
    root["$defs"] = dict(sorted(defs.items()))
    return root


def schemas() -> dict[str, dict]:
    def subventions_file(_):
        defs_sub = {"$ref": "#/$defs/Subvention"}
        return {"type": "object", "required": ["source", "subventions", "controles"], "additionalProperties": False,
                "properties": {"source": {"type": "string"}, "subventions": {"type": "array", "items": defs_sub},
                               "controles": {"type": "array", "items": {"$ref": "#/$defs/TotalCheck"}}}}

    sub = schema_for(records.Subvention, "Subventions extraites d'une source (site_data/subventions/*.json)", subventions_file)
    # TotalCheck is referenced from the wrapper: add its definition
    defs: dict = {}
    _type_schema(records.TotalCheck, defs)
    sub["$defs"].update(defs)
    sub["$defs"] = dict(sorted(sub["$defs"].items()))
    return {
        "actes.schema.json": schema_for(records.SourceDocument, "Actes extraits d'une source (site_data/actes/*.json)"),
        "subventions.schema.json": sub,
    }


def write() -> list[Path]:
    out = []
    for name, schema in schemas().items():
        p = SCHEMA_DIR / name
        write_text(p, json.dumps(schema, ensure_ascii=False, indent=1) + "\n")
        out.append(p)
    return out


if __name__ == "__main__":
    for p in write():
        print(p)
    sys.exit(0)

"""The publisher's corrections, applied on top of the extracted data (site_data/corrections.yaml).

A recueil sometimes gets something wrong (a misprinted number, a beneficiary's
name) or writes a place the resolver cannot place. The publisher fixes it in one
small hand-edited file instead of editing generated data; every correction applied
is listed in the control report, and one that matches nothing is reported too.
"""
from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import yaml

from . import places
from .ingest import Extraction
from .records import PlaceRef, Problem

DELIBERATION_FIELDS = {"id", "titre", "date", "organe"}
SUBVENTION_FIELDS = {"beneficiaire", "objet", "dispositif", "type_beneficiaire"}


class CorrectionError(Exception):
    pass


def load(path: Path) -> dict:
    """The corrections file, checked; an empty structure when there is none."""
    empty = {"lieux": [], "deliberations": [], "subventions": [], "retraits": []}
    if not path.exists():
        return empty
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f", ligne {mark.line + 1}" if mark else ""
        raise CorrectionError(f"{path.name}{line} : fichier de corrections illisible ({getattr(exc, 'problem', exc)})") from None
    if not isinstance(data, dict):
        raise CorrectionError(f"{path.name} : le fichier doit contenir les rubriques lieux, deliberations, subventions")
    out = {k: list(data.get(k) or []) for k in empty}
    for k in data:
        if k not in empty:
            raise CorrectionError(f"{path.name} : rubrique inconnue « {k} » (attendu : lieux, deliberations, subventions)")
    for entry in out["lieux"]:
        if not {"ecrit", "type", "code"} <= set(entry):
            raise CorrectionError(f"{path.name} : une correction de lieu demande ecrit, type et code : {entry}")
        if entry["type"] not in ("commune", "epci") or str(entry["code"]) not in places.reference().entities(entry["type"]):
            raise CorrectionError(f"{path.name} : {entry['type']} « {entry['code']} » inconnu dans le référentiel")
    for entry in out["retraits"]:
        if not isinstance(entry, dict) or len({"deliberation", "source"} & set(entry)) != 1 or not entry.get("motif"):
            raise CorrectionError(f"{path.name} : un retrait demande « deliberation » ou « source », et un « motif » : {entry}")
    for entry in out["deliberations"]:
        bad = set(entry.get("corriger") or {}) - DELIBERATION_FIELDS
        if "id" not in entry or bad:
            raise CorrectionError(f"{path.name} : correction de délibération invalide {entry} (champs permis : {', '.join(sorted(DELIBERATION_FIELDS))})")
    for entry in out["subventions"]:
        bad = set(entry.get("corriger") or {}) - SUBVENTION_FIELDS - {"commune"}
        if "id" not in entry or bad:
            raise CorrectionError(f"{path.name} : correction de subvention invalide {entry}")
    return out


def _fold(text: str) -> str:
    return places.normalise(text)


def lieux(corrections: dict) -> dict[tuple[str, str], str]:
    """The place corrections as `localisation.localise` consults them: {(kind, folded name): code}."""
    return {(e["type"], _fold(str(e["ecrit"]))): str(e["code"]) for e in corrections["lieux"]}


def apply(ex: Extraction, corrections: dict, applied: list[dict]) -> Extraction:
    """A corrected copy of one source's extraction (deliberations and grants; places are corrected
    where they are resolved, `localisation.localise`); `applied` receives what was changed."""
    source = ex.document.source

    delibs = []
    for d in ex.document.deliberations:
        for e in corrections["deliberations"]:
            if str(e["id"]) in (d.id, d.numero_imprime) and e.get("source", source) == source:
                changes = {k: str(v) for k, v in (e.get("corriger") or {}).items()}
                applied.append({"source": source, "message": f"Délibération {d.id} : " + ", ".join(f"{k} « {getattr(d, k)} » → « {v} »" for k, v in sorted(changes.items()))})
                d = replace(d, **changes)
        delibs.append(d)
    renamed = {o.id: n.id for o, n in zip(ex.document.deliberations, delibs) if o.id != n.id}
    subs = []
    for s in ex.subventions:
        if s.deliberation in renamed:
            s = replace(s, deliberation=renamed[s.deliberation])
        for e in corrections["subventions"]:
            if str(e["id"]) == s.id:
                changes = dict(e.get("corriger") or {})
                commune = changes.pop("commune", None)
                if commune is not None:
                    code = str(commune)
                    s = replace(s, commune_projet=PlaceRef("commune", s.commune_projet.written if s.commune_projet else s.beneficiaire, "resolu", code, places.reference().name("commune", code)))
                    changes["commune"] = code
                s = replace(s, **{k: str(v) for k, v in changes.items() if k != "commune"})
                applied.append({"source": source, "message": f"Subvention {s.id} : " + ", ".join(f"{k} → « {v} »" for k, v in sorted(changes.items()))})
        subs.append(s)
    checks = [replace(c, deliberation=renamed.get(c.deliberation, c.deliberation)) for c in ex.controles]
    problems = [p for p in ex.document.problems]
    doc = replace(ex.document, deliberations=delibs, problems=problems)
    return Extraction(document=doc, subventions=subs, controles=checks)


_ECRITS = re.compile(r"« ([^«»]+) » rattaché à")  # the place name of a place correction's message


def unused(corrections: dict, applied: list[dict]) -> list[Problem]:
    """Corrections that matched nothing: the publisher should know."""
    text = " ".join(a["message"] for a in applied)
    ecrits = {_fold(m) for m in _ECRITS.findall(text)}  # place names corrected somewhere
    out = []
    for e in corrections["lieux"] + corrections["deliberations"] + corrections["subventions"]:
        if (_fold(str(e["ecrit"])) not in ecrits) if "ecrit" in e else (str(e["id"]) not in text):
            out.append(Problem("corrections.yaml", None, "correction-inutilisee", f"Correction sans effet : {e}", "avertissement"))
    return out

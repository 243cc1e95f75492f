"""Stage 6: resolve every place name the documents write to the reference geography.

One resolver (`places.resolve`) serves every record: rapport header fields,
grant beneficiaries and project communes, partner bodies, executive acts of the
sommaire. What cannot be resolved, or resolves more than one way, stays
unresolved with its candidates and is reported: never guessed.
"""
from __future__ import annotations

from dataclasses import replace

from . import places
from .ingest import Extraction
from .records import PlaceRef, Problem


def _field(refs: list[PlaceRef], kind: str) -> list[PlaceRef]:
    out: list[PlaceRef] = []
    for r in refs:
        if r.status == "non-resolu" and r.code is None:
            out += places.resolve_list(kind, r.written)
        else:
            out.append(r)
    return out


def _one(ref: PlaceRef | None, kind: str | None = None) -> PlaceRef | None:
    if ref is None or ref.status != "non-resolu" or ref.code is not None:
        return ref
    return places.resolve(kind or ref.kind, ref.written)


def _report(ref: PlaceRef | None, source: str, line: int | None, what: str, deliberation: str | None, problems: list[Problem]):
    if ref is not None and ref.status in ("non-resolu", "ambigu"):
        cands = f" (candidats : {', '.join(ref.candidates)})" if ref.candidates else ""
        problems.append(Problem(source, line, f"lieu-{ref.status}", f"{what} : « {ref.written} » {'ambigu' if ref.status == 'ambigu' else 'non reconnu'}{cands}", "avertissement", deliberation))


def localise(ex: Extraction) -> Extraction:
    """A copy of the extraction with place references resolved; problems appended."""
    doc = ex.document
    problems = list(doc.problems)
    delibs = []
    for d in doc.deliberations:
        if d.rapport is not None:
            r = d.rapport
            r = replace(r, territoires=_field(r.territoires, "territoire"), cantons=_field(r.cantons, "canton"), epcis=_field(r.epcis, "epci"))
            for ref in r.territoires + r.cantons + r.epcis:
                _report(ref, doc.source, r.line, f"Rapport N°{r.numero}", d.id, problems)
            d = replace(d, rapport=r)
        if d.collectivite != "Département du Pas-de-Calais" and d.epci_siren is None:
            ref = places.resolve("epci", d.collectivite)
            if ref.status == "resolu":
                d = replace(d, epci_siren=ref.code)
        delibs.append(d)
    subs = []
    for s in ex.subventions:
        bref = s.beneficiaire_ref
        if bref is None and s.type_beneficiaire in ("commune", "epci"):
            bref = PlaceRef(kind=s.type_beneficiaire, written=s.beneficiaire, status="non-resolu")
        bref = _one(bref)
        cref = _one(s.commune_projet, "commune")
        _report(bref, s.source, s.line, "Bénéficiaire", s.deliberation, problems)
        _report(cref, s.source, s.line, "Commune du projet", s.deliberation, problems)
        subs.append(replace(s, beneficiaire_ref=bref, commune_projet=cref))
    recueil = doc.recueil
    if recueil is not None:
        acts = []
        for a in recueil.actes_executif:
            codes = []
            for written in a.communes_ecrites:
                ref = places.resolve("commune", written)
                if ref.status == "resolu":
                    codes.append(ref.code)
                else:
                    _report(ref, doc.source, a.line, "Acte de l'exécutif", None, problems)
            acts.append(replace(a, communes=codes))
        recueil = replace(recueil, actes_executif=acts)
    doc = replace(doc, deliberations=delibs, recueil=recueil, problems=problems)
    return Extraction(document=doc, subventions=subs, controles=ex.controles)

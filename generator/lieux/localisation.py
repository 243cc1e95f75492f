"""Stage 6: resolve every place name the documents write to the reference geography.

One resolver (`places.resolve`) serves every record: rapport header fields,
grant beneficiaries and project communes, partner bodies, executive acts of the
sommaire. What cannot be resolved, or resolves more than one way, stays
unresolved with its candidates and is reported: never guessed. The publisher's place
corrections (`corrections.lieux`) are consulted here, so that a corrected name is
resolved wherever it is written (grants, rapports, executive acts) and no longer reported.
"""

from __future__ import annotations

from dataclasses import replace

from generator.lieux import places
from generator.parse.ingest import Extraction
from generator.records import PlaceRef, Problem
from generator.records.place import PlaceKind

# the kinds of beneficiary that are places of the reference, resolved as such
_LIEU_BENEFICIAIRE: dict[str, PlaceKind] = {"commune": "commune", "epci": "epci"}


class _Resolveur:
    """`places.resolve`, then the publisher's correction for a name it cannot place (each use listed)."""

    def __init__(self, lieux: dict[tuple[str, str], str] | None, applied: list[dict] | None, source: str):
        self.lieux, self.applied, self.source = lieux or {}, applied if applied is not None else [], source

    def corriger(self, ref: PlaceRef, ou: str) -> PlaceRef:
        if ref.status == "resolu" or not self.lieux:
            return ref
        code = self.lieux.get((ref.kind, places.normalise(ref.written)))
        if code is None:
            return ref
        nom = places.reference().name(ref.kind, code)
        self.applied.append({"source": self.source, "message": f"{ou} : « {ref.written} » rattaché à {nom} ({code})"})
        return replace(ref, status="resolu", code=code, name=nom, candidates=[])

    def field(self, refs: list[PlaceRef], kind: PlaceKind, ou: str) -> list[PlaceRef]:
        out: list[PlaceRef] = []
        for r in refs:
            if r.status == "non-resolu" and r.code is None:
                out += [self.corriger(x, ou) for x in places.resolve_list(kind, r.written)]
            else:
                out.append(r)
        return out

    def one(self, ref: PlaceRef | None, ou: str, kind: PlaceKind | None = None) -> PlaceRef | None:
        if ref is None or ref.status != "non-resolu" or ref.code is not None:
            return ref
        return self.corriger(places.resolve(kind or ref.kind, ref.written), ou)


def _report(ref: PlaceRef | None, source: str, line: int | None, what: str, deliberation: str | None, problems: list[Problem]):
    if ref is not None and ref.status in ("non-resolu", "ambigu"):
        cands = f" (candidats : {', '.join(ref.candidates)})" if ref.candidates else ""
        proches = places.noms_proches(ref.kind, ref.written) if not ref.candidates and ref.written else ()
        if proches:  # the publisher confirms one in corrections.yaml: nothing is resolved by resemblance
            cands = (
                f" ({'noms proches' if len(proches) > 1 else 'nom proche'} : {', '.join(f'{nom} {code}' for code, nom in proches)}"
                " ; à confirmer dans site_data/corrections.yaml)"
            )
        problems.append(
            Problem(
                source,
                line,
                f"lieu-{ref.status}",
                f"{what} : « {ref.written} » {'ambigu' if ref.status == 'ambigu' else 'non reconnu'}{cands}",
                "avertissement",
                deliberation,
            )
        )


def localise(ex: Extraction, lieux: dict[tuple[str, str], str] | None = None, applied: list[dict] | None = None) -> Extraction:
    """A copy of the extraction with place references resolved; problems appended.

    `lieux`: the publisher's place corrections, {(kind, folded name written): code}; each one used
    is appended to `applied` (for the control report)."""
    doc = ex.document
    res = _Resolveur(lieux, applied, doc.source)
    problems = list(doc.problems)
    delibs = []
    for d in doc.deliberations:
        if d.rapport is not None:
            r = d.rapport
            ou = f"Rapport N°{r.numero} ({d.id})"
            r = replace(
                r,
                territoires=res.field(r.territoires, "territoire", ou),
                cantons=res.field(r.cantons, "canton", ou),
                epcis=res.field(r.epcis, "epci", ou),
            )
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
        genre = _LIEU_BENEFICIAIRE.get(s.type_beneficiaire)
        if bref is None and genre is not None:
            bref = PlaceRef(kind=genre, written=s.beneficiaire, status="non-resolu")
        bref = res.one(bref, f"Subvention {s.id}")
        cref = res.one(s.commune_projet, f"Subvention {s.id}", "commune")
        _report(bref, s.source, s.line, "Bénéficiaire", s.deliberation, problems)
        _report(cref, s.source, s.line, "Commune du projet", s.deliberation, problems)
        subs.append(replace(s, beneficiaire_ref=bref, commune_projet=cref))
    recueil = doc.recueil
    if recueil is not None:
        acts = []
        for a in recueil.actes_executif:
            codes: list[str] = []
            for written in a.communes_ecrites:
                ref = res.corriger(places.resolve("commune", written), f"Acte de l'exécutif (ligne {a.line})")
                deux = places.deux_noms("commune", written) if ref.status == "non-resolu" else None
                if ref.status == "resolu" and ref.code is not None:
                    codes.append(ref.code)
                elif deux:  # a list of communes whose comma was lost: two exact names (resolved: coded)
                    codes += [r.code for r in deux if r.code is not None]
                    problems.append(
                        Problem(
                            doc.source,
                            a.line,
                            "lieu-deux-noms",
                            f"Acte de l'exécutif : « {written} » lu comme deux "
                            f"communes, {deux[0].name} et {deux[1].name} (virgule absente de la liste)",
                            "info",
                        )
                    )
                else:
                    _report(ref, doc.source, a.line, "Acte de l'exécutif", None, problems)
            acts.append(replace(a, communes=codes))
        recueil = replace(recueil, actes_executif=acts)
    doc = replace(doc, deliberations=delibs, recueil=recueil, problems=problems)
    return Extraction(document=doc, subventions=subs, controles=ex.controles)

"""Stages 1–7 of the build: every source of site_data/sources/ to site_data/actes, site_data/subventions
and site_data/controle.json (`extract`), as `build` runs it before the pages and `make extract` alone.

Sources are parsed in worker processes, only those whose bytes or extraction code changed since the last
build (the others are read back: `records.cache_extraction`); the guard (`controle.garde`) then refuses
what would unpublish acts or grants, and only what it accepts reaches site_data/. A source that cannot be
read is reported and its previously extracted data is kept as it was.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import shutil
import time
import traceback
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from generator.commun import memoire, store
from generator.commun.enfants import lier_au_parent, processus, temps_cpu
from generator.commun.erreurs import ErreurDeSaisie, journal
from generator.commun.store import data_name
from generator.controle import corrections as corr
from generator.controle import garde, identifiants
from generator.controle.reconcile import CONSEILLERS_PAR_CANTON, build_report
from generator.elus import alias as alias_elus
from generator.elus import personnes
from generator.lieux import places
from generator.lieux.localisation import localise
from generator.parse import ingest
from generator.publication import verification
from generator.records import JsonObject, Subvention, SubventionsSource, cache_extraction, to_dict
from generator.records.corpus import DEPARTEMENT, DocumentLu, alleger
from generator.records.lecture import from_dict
from generator.records.schema import non_conforme
from generator.sources import boite, ocr
from generator.sources.lecture import SourceError


class _SousRacine:
    """An attribute of `Paths`: a path under the project's root."""

    def __init__(self, *parties: str):
        self.parties = parties

    def __get__(self, paths: Paths, owner: type[Paths]) -> Path:
        return paths.root.joinpath(*self.parties)


@dataclass
class Paths:
    """Where the build reads and writes, under the project's root."""

    root: Path
    sources = _SousRacine("site_data", "sources")
    actes = _SousRacine("site_data", "actes")
    subventions = _SousRacine("site_data", "subventions")
    controle = _SousRacine("site_data", "controle.json")
    corrections = _SousRacine("site_data", "corrections.yaml")
    identifiants = _SousRacine("site_data", "identifiants.csv")
    cache = _SousRacine(".cache", "extraction.json")
    content = _SousRacine("content")
    site = _SousRacine("site")


@dataclass
class BuildResult:
    """What the extraction gives the rest of the build (`build.render`, MkDocs, the verification), which
    completes it (`recherche`, `attendu`, timings)."""

    documents: list[DocumentLu] = field(default_factory=list)  # site_data/actes without texts (`alleger`)
    subventions: dict[str, dict] = field(default_factory=dict)
    errors: list[dict] = field(default_factory=list)
    en_attente: list[dict] = field(default_factory=list)  # sources waiting for a tool (`_mettre_en_attente`)
    report: dict = field(default_factory=dict)
    identifiants: list = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    cpu: dict[str, float] = field(default_factory=dict)
    parsed: int = 0
    nb_subventions: int = 0
    # waits for the search index files, (manifest, {file: text or the cache file holding it}) (computed beside
    # the pages, written beside MkDocs: `recherche.preparer_contenus`)
    recherche: Callable[[], tuple[dict, dict[str, str | Path]]] | None = None
    attendu: verification.Attendu = field(default_factory=verification.Attendu)  # what the built site must hold
    fichiers: dict[str, tuple[Path, str]] = field(default_factory=dict)  # the inbox: source → its path and SHA-256
    empreintes: set[str] = field(default_factory=set)  # SHA-256 of the inbox's files and of the published sources (`ocr.elaguer`)
    alias_elus: dict[str, str] = field(default_factory=dict)  # site_data/elus_alias.yaml, checked first (`extract`)
    # source → civilities of its presence lists (`personnes.civilites_document`), kept by the extraction cache
    civilites: dict[str, dict[str, str]] = field(default_factory=dict)
    # source → SHA-256 of its file in site_data/actes, as its cache entry vouches for it (`Corpus.connaitre_actes`)
    empreintes_actes: dict[str, str] = field(default_factory=dict)


def _parse_one(path: Path, fixes: corr.Corrections, nom: str | None = None):
    """One source to the bytes of its two JSON files (run in a worker process, which encodes them: the
    parent writes, hashes and reads them as they are): (True, (actes, subventions, corrections applied)),
    (False, SourceError) or, for a bug of ours, (None, its traceback), so that one source's crash neither
    stops the build nor the other sources. `nom`: the source's published name (`boite.Entree.nom`), when
    the path spells it otherwise."""
    nom = nom or path.name
    mine: list[dict] = []
    with memoire.sans_ramasse_miettes():
        try:
            ex = corr.apply(localise(ingest.ingest_source(path, nom), corr.lieux(fixes), mine), fixes, mine)
            doc = to_dict(ex.document)
            subs = to_dict(SubventionsSource(nom, ex.subventions, ex.controles))
            for schema, data, dossier in (("actes.schema.json", doc, "actes"), ("subventions.schema.json", subs, "subventions")):
                faute = non_conforme(schema, data)
                if faute is not None:  # a record that does not follow its schema is a bug of ours: never written
                    return None, (
                        f"EnregistrementNonConforme: site_data/{dossier}/{data_name(nom)} ne suit pas "
                        f"generator/records/schemas/{schema} ({faute})"
                    )
            # (already JSON-ready: validated as such)
            return True, (store.texte_json(doc).encode("utf-8"), store.texte_json(subs).encode("utf-8"), mine)
        except SourceError as err:
            return False, (err.source, err.message, err.line, err.bloquant)  # plain values: they cross processes
        except Exception:
            return None, traceback.format_exc()


def _parse_all(todo: list[boite.Entree], fixes: corr.Corrections):
    """Results of `_parse_one` in the order of `todo`, sources spread over the cores.

    Sources are independent, so a ten-year rebuild parses two at a time on two cores;
    results come back in file order, so the output does not depend on which finished first.
    """
    n = min(processus(), len(todo))
    if n <= 1:
        for e in todo:
            yield _parse_one(e.chemin, fixes, e.nom)
        return
    with ProcessPoolExecutor(
        max_workers=n, mp_context=multiprocessing.get_context("fork"), initializer=lier_au_parent, initargs=(os.getpid(),)
    ) as pool:
        yield from pool.map(_parse_one, [e.chemin for e in todo], [fixes] * len(todo), [e.nom for e in todo])


def extract(paths: Paths, log=print) -> BuildResult:
    """Stages 1–7: every source to site_data/actes, site_data/subventions and controle.json.

    In order: the publisher's files are checked (a mistake in corrections.yaml stops everything before
    anything is written); sources changed since the last build are parsed (a source whose bytes,
    parser code, reference data and corrections are unchanged is not: cache in .cache/extraction.json)
    into a staging folder; `garde` then refuses a new extraction that would unpublish acts or grants,
    or that conflicts with another file; only then are the accepted ones moved into site_data/ (one
    rename each). A refused source keeps its previous extraction.

    What it reads back is frozen (`memoire.gel`): until the end of the build's block when a build runs it,
    else until it returns.
    """
    with memoire.gel():
        return _extraire(paths, log)


def _extraire(paths: Paths, log) -> BuildResult:
    res = BuildResult()
    t0, c0 = time.perf_counter(), temps_cpu()
    # the publisher's files first: a mistake there stops everything before anything is written to site_data/
    try:
        fixes, erreurs_corrections = corr.load(paths.corrections), []
    except corr.CorrectionError as err:  # still parsed (into the staging folder only), so that one build
        fixes, erreurs_corrections = err.corrections, err.erreurs  # also names the right entries' missing targets
    res.alias_elus = alias_elus.lire(paths.root / "site_data" / alias_elus.FICHIER)  # a mistake there: AliasError, nothing written
    res.identifiants, constats_identifiants = _identifiants(paths, log)
    fingerprint = cache_extraction.empreinte_extraction(paths.root, paths.corrections)
    site_data = paths.root / "site_data"
    for dossier in (paths.root / ".cache", paths.content, paths.actes, paths.subventions, site_data):  # what a killed build left
        store.nettoyer_temporaires(dossier, recursif=dossier != site_data)  # (not in the publisher's sources/)
    ocr.dossier_cache = paths.root / ".cache" / "ocr"  # the pages read by OCR, for every worker (forked)
    cache = cache_extraction.lire(paths.cache, log)
    code_civilites, code_releve = cache_extraction.code_civilites(), cache_extraction.code_releve()
    cache_avant = dict(cache)  # what the last build wrote, for the guard
    # the inbox: a file it refuses (a link, a pipe, a name confused with another, too long, not UTF-8…)
    # is refused like an unreadable source: its previous extraction stays, the others are read
    inbox = boite.lister(paths.sources)
    for remarque in inbox.remarques:
        log(remarque)
    for nom, message in inbox.refus:
        _refuser(res, paths, nom, message, None, log)
    files = inbox.fichiers
    presents = {data_name(e.nom): e.nom for e in files}
    applied: list[dict] = []
    todo = []
    # name → (document, grants, the cache entry that describes its files or None): read back (unchanged sources),
    # from the texts just written, or a refused source's previous files (no entry vouches for them)
    lus: dict[str, tuple[DocumentLu, dict, JsonObject | None]] = {}
    resumes: dict[str, garde.Resume | None] = {}  # what the unchanged sources publish, as their cache entries say
    lues: dict[str, JsonObject] = {}  # source → its SHA-256 and the identity of the file it was taken from
    # unchanged sources read back one after the other (acyclic records, all kept): no collection at each source
    # as each snapshot re-enabled the collector (measured: 1,6 s of a no-change build at ten years), then frozen:
    # else, made while the collector was paused, they would all be young, and the next collections would scan
    # them generation after generation (measured: 1,4 s of a no-change extraction at ten years)
    with memoire.sans_ramasse_miettes():
        for e in files:
            entry = cache.get(e.nom)
            lue = lues[e.nom] = store.empreinte_fichier(e.chemin, entry.get("source") if entry else None)  # (hashed unless untouched since)
            digest: str = lue["sha256"]
            res.fichiers[e.nom] = (e.chemin, digest)
            key = f"{digest}:{fingerprint}"
            if entry and entry["key"] == key:  # unchanged: its files are read back if they are what was written
                lu = _relire_inchangee(paths, data_name(e.nom), entry, code_civilites, code_releve)
                if not isinstance(lu, str):
                    doc, subs, civilites, cache[e.nom] = lu
                    cache[e.nom]["source"] = lues[e.nom]
                    lus[data_name(e.nom)] = (doc, subs, cache[e.nom])
                    res.civilites[doc.source] = civilites
                    resumes[data_name(e.nom)] = cache_extraction.resume_entree(entry)
                    applied += entry["corrections"]
                    continue
                log(f"{lu} : {e.nom} est analysée à nouveau.")
            todo.append((e, key))
        memoire.geler()  # (what was read back lives until the pages are written)
    staging = paths.root / ".build" / "extraction"
    shutil.rmtree(staging, ignore_errors=True)
    nouveaux: dict[str, garde.Resume] = {}
    appliquees: dict[str, list[dict]] = {}
    entrees: dict[str, dict] = {}  # cache entries of the sources parsed now
    for (e, key), (ok, out) in zip(todo, _parse_all([e for e, _ in todo], fixes)):
        if ok is None:  # a bug of ours while reading this source: its traceback in a file, the others go on
            _refuser(res, paths, e.nom, _erreur_interne(paths, e.nom, out), None, log)
            cache.pop(e.nom, None)
            continue
        if not ok:
            out = SourceError(*out)
            if out.bloquant:
                _refuser(res, paths, e.nom, out.message, out.line, log)
            else:
                _mettre_en_attente(res, paths, e.nom, out.message, log)
            cache.pop(e.nom, None)
            continue
        actes, subventions, mine = out
        name = data_name(e.nom)
        store.write_bytes(staging / "actes" / name, actes)
        store.write_bytes(staging / "subventions" / name, subventions)
        with memoire.sans_ramasse_miettes():
            contenu, subs = json.loads(actes), json.loads(subventions)
        civilites = personnes.civilites_document(contenu)  # (before `alleger` drops the texts)
        doc = alleger(contenu, textes=False)
        res.civilites[doc.source] = civilites
        nouveaux[e.nom] = garde.resumer(doc, subs)
        appliquees[e.nom] = mine
        # its snapshot (`cache_extraction.releve`) waits in the staging folder like its two files, not in
        # memory: ten years of snapshots (106 MB) held until the guard's verdict raised the build's peak
        releve = cache_extraction.releve(doc, subs, code_releve)
        store.write_bytes(staging / "releves" / name, releve, durable=False)
        entrees[e.nom] = cache_extraction.entree(
            key,
            mine,
            actes,
            subventions,
            nouveaux[e.nom],
            cache_extraction.avec_civilites(code_civilites, civilites),
            releve,
        )
        lus[name] = (doc, subs, entrees[e.nom])
    # what was published before: the sources parsed now (their previous extraction), those refused
    # (it stays published if it is whole), those gone from the inbox
    anciens: dict[str, garde.Resume] = {}
    inchanges = {
        doc.source: resumes.get(name) or garde.resumer(doc, subs) for name, (doc, subs, _) in lus.items() if doc.source not in nouveaux
    }
    retires: set[str] = set()
    refuses_avant = {data_name(e["source"]) for e in res.errors + res.en_attente}
    for f in sorted(paths.actes.glob("*.json")) if paths.actes.is_dir() else []:
        source = presents.get(f.name)
        if source is not None and source not in nouveaux and f.name not in refuses_avant:
            continue  # unchanged: read back above
        if f.name in refuses_avant:  # a refused source's previous data: published if it is whole
            _relire_refusee(res, paths, f, lus, inchanges, log)
            continue
        ancien = cache_extraction.resume(cache_avant.get(source or ""), f, paths.subventions / f.name)
        if ancien is None:
            continue  # unreadable: nothing to keep
        anciens[ancien.source] = ancien
        if source is None:
            retires.add(ancien.source)
    verdict = garde.juger(
        nouveaux,
        anciens,
        inchanges,
        retires,
        {e.deliberation for e in fixes.retraits if e.deliberation is not None},
        {e.source for e in fixes.retraits if e.source is not None},
    )
    for source, refus in sorted(verdict.refuses.items()):
        _refuser(res, paths, source, refus.message, refus.line, log)
        cache.pop(source, None)
        lus.pop(data_name(source), None)
        res.civilites.pop(source, None)
        if source in anciens:  # its previous extraction stays published
            _relire_refusee(res, paths, paths.actes / data_name(source), lus, inchanges, log)
    for source, refus in sorted(verdict.gardes.items()):
        _refuser(res, paths, source, refus.message, refus.line, log)
        _relire_refusee(res, paths, paths.actes / data_name(source), lus, inchanges, log)
    gardees = {data_name(n) for n in presents.values()} | {data_name(s) for s in verdict.gardes} | refuses_avant
    membres_cd = CONSEILLERS_PAR_CANTON * len(places.reference().cantons)
    # a source's part of the report is made again only when its files, the control's code or the council's size changed
    cles: dict[str, str] = {}
    for name in sorted(lus):
        if name in gardees:
            doc, subs, vouchee = lus[name]
            res.documents.append(doc)
            if vouchee is not None:
                cles[doc.source] = cache_extraction.cle_partie(vouchee, membres_cd)
            if subs is not None:
                res.subventions[doc.source] = subs
    for source in sorted(nouveaux):
        if source not in verdict.refuses:
            applied += appliquees[source]
    # an act or grant that corrections.yaml names must exist in what is about to be published
    ids_subventions = (s["id"] for data in res.subventions.values() for s in data["subventions"])
    sans_cible = corr.verifier_cibles(fixes, *corr.cibles((d.contenu for d in res.documents), ids_subventions), applied)
    if erreurs_corrections or sans_cible:  # nothing of this build is written
        shutil.rmtree(staging, ignore_errors=True)
        raise corr.CorrectionError(erreurs_corrections + sans_cible)
    # the accepted extractions into site_data/, one rename each; data of withdrawn sources goes
    for source in sorted(nouveaux):
        if source in verdict.refuses:
            continue
        for folder in (paths.actes, paths.subventions):
            folder.mkdir(parents=True, exist_ok=True)
            os.replace(staging / folder.name / data_name(source), folder / data_name(source))
        instantane = cache_extraction.chemin_releve(paths.root, data_name(source))
        instantane.parent.mkdir(parents=True, exist_ok=True)
        os.replace(staging / "releves" / data_name(source), instantane)
        identites = cache_extraction.identites(paths.actes / data_name(source), paths.subventions / data_name(source))
        cache[source] = entrees[source] | {"identites": identites, "source": lues[source]}
    for source in sorted(retires - set(verdict.gardes)):
        for folder in (paths.actes, paths.subventions):
            (folder / data_name(source)).unlink(missing_ok=True)
    shutil.rmtree(staging, ignore_errors=True)
    cache = {k: v for k, v in cache.items() if data_name(k) in presents}
    releves = paths.root / cache_extraction.DOSSIER_RELEVES
    for f in sorted(releves.glob("*.marshal")) if releves.is_dir() else []:  # those of sources gone
        if f.with_suffix(".json").name not in presents:
            f.unlink()
    store.write_json(paths.cache, to_dict(dict(sorted(cache.items()))))
    res.empreintes_actes = {source: e["empreintes"]["actes"] for source, e in cache.items()}  # (files verified or just written)
    res.nb_subventions = sum(len(s["subventions"]) for s in res.subventions.values())
    res.empreintes = {d for _, d in res.fichiers.values()} | {d.contenu["sha256"] for d in res.documents if d.contenu.get("sha256")}
    res.timings["extraction"] = time.perf_counter() - t0
    res.cpu["extraction"] = temps_cpu() - c0
    res.parsed = len(nouveaux) - len(verdict.refuses)
    unused = [to_dict(u) for u in corr.unused(fixes, applied)]
    parties = cache_extraction.lire_parties(paths.root / ".cache" / "controle.json", cles)
    res.report = build_report(
        res.documents, res.subventions, res.errors, membres_cd, applied + unused + constats_identifiants, res.en_attente, parties
    )
    cache_extraction.garder_parties(paths.root / ".cache" / "controle.json", cles, res.report["sources"])
    return res  # its report is completed and written by the caller: `render`, else `rapport_sans_rendu`


def ecrire_controle(paths: Paths, data: JsonObject) -> None:
    """site_data/controle.json (`data`: the report as `to_dict` gives it), validated against its schema
    (records/controle.py) before it is written: a report that does not follow it is a bug of ours, never
    written. Written once a build: by `render` with the councillors' figures, else where the build stops
    before the pages (a refused source, `STRICT=1`) and by `make extract`, so that the publisher reads
    there why.

    A report equal to the one the last build wrote, in a file that still holds it, is neither validated
    nor written again (`store.Ecrits`, `.cache/controle-ecrit.json`): its indented text is made by
    Python's slower JSON encoder (0,6 s at ten years, plus 0,3 s of validation); the key is its compact
    text's digest, made by the C encoder."""
    cle = hashlib.sha256(json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()).hexdigest()
    ecrits = store.Ecrits(paths.root / ".cache" / "controle-ecrit.json")
    if not ecrits.a_jour(paths.controle.name, paths.controle, cle):
        faute = non_conforme("controle.schema.json", data)
        if faute is not None:
            raise ValueError(
                f"EnregistrementNonConforme: site_data/controle.json ne suit pas generator/records/schemas/controle.schema.json ({faute})"
            )
        ecrits.ecrire(paths.controle.name, paths.controle, store.texte_json(data).encode("utf-8"), cle, durable=True)
    ecrits.sauver()


def _relire_inchangee(
    paths: Paths, name: str, entry: JsonObject, code_civilites: str, code_releve: str
) -> tuple[DocumentLu, JsonObject, dict[str, str], JsonObject] | str:
    """An unchanged source's files `name` read back: (document without its texts, grants, civilities of
    its lists, its cache entry) or why they cannot be published (`cache_extraction.relire`). From their
    snapshot when the entry names it and keeps the civilities; else as JSON, once, the entry then
    completed with what it lacked (civilities, snapshot) for the next build."""
    actes, subventions, chemin = paths.actes / name, paths.subventions / name, cache_extraction.chemin_releve(paths.root, name)
    civilites = cache_extraction.civilites(entry, code_civilites)
    if civilites is not None:  # (else its texts are needed once: read as JSON)
        releve = cache_extraction.relire_releve(actes, subventions, entry, chemin, code_releve)
        if releve is not None:  # (its files checked: their identities are kept for the next build)
            return *releve, civilites, entry | {"identites": cache_extraction.identites(actes, subventions)}
    lu = cache_extraction.relire(actes, subventions, entry)
    if isinstance(lu, str):
        return lu
    if civilites is None:  # an entry of an earlier version: found once in the texts, then kept
        civilites = personnes.civilites_document(lu[0])
    doc = alleger(lu[0], textes=False)
    ecrit = cache_extraction.releve(doc, lu[1], code_releve)
    store.write_bytes(chemin, ecrit, durable=False)  # (a cache: a lost one is made again)
    entry = entry | {
        "civilites": cache_extraction.avec_civilites(code_civilites, civilites),
        "releve": cache_extraction.empreinte(ecrit),
        "identites": cache_extraction.identites(actes, subventions),
    }
    return doc, lu[1], civilites, entry


def _relire_refusee(res: BuildResult, paths: Paths, f: Path, lus: dict, inchanges: dict, log) -> None:
    """The previous extraction of a refused source, kept published if it is whole (checked against its
    schemas: no cache entry vouches for it); a damaged one is an error, and not published."""
    lu = cache_extraction.relire(f, paths.subventions / f.name, None)
    if isinstance(lu, str):
        res.errors.append(
            {
                "source": f"site_data/actes/{boite.affichable(f.name)}",
                "line": None,
                "message": f"{lu} ; sa source a été refusée : ses données ne sont pas publiées (corrigez la source et redéposez-la).",
            }
        )
        log(f"ERREUR {res.errors[-1]['source']} : {res.errors[-1]['message']}")
        return
    res.civilites[lu[0]["source"]] = personnes.civilites_document(lu[0])  # (no cache entry vouches for it)
    doc, subs = alleger(lu[0], textes=False), lu[1]  # without texts: Corpus.texte_annexe reads annexes when needed
    lus[f.name] = (doc, subs, None)
    inchanges[doc.source] = garde.resumer(doc, subs)


def _refuser(res: BuildResult, paths: Paths, source: str, message: str, line, log) -> None:
    """A source refused: reported; its previous extraction (if any) stays as it was."""
    res.errors.append({"source": source, "line": line, "message": message})
    log(f"ERREUR {ou(source, line)} : {message}")
    if os.path.exists(paths.actes / data_name(source)):  # (False, not an error, for a name too long to exist)
        log(f"  → les données déjà publiées pour {source} sont conservées telles quelles.")


def _mettre_en_attente(res: BuildResult, paths: Paths, source: str, message: str, log) -> None:
    """A source the machine cannot read yet (a missing tool, not the file's fault): a warning, its
    previous extraction stays published, and the other sources are published (unlike `_refuser`)."""
    if os.path.exists(paths.actes / data_name(source)):
        message += " Ce qu'il publiait avant reste publié."
    res.en_attente.append({"source": source, "line": None, "message": message, "severity": "avertissement"})
    log(f"avertissement {source} : {message}")


def _erreur_interne(paths: Paths, source: str, trace: str) -> str:
    """The message of a source whose reading raised a bug of ours; its traceback `trace` goes to the journal."""
    try:
        ou = f"détail dans {journal(paths.root, 'source-' + Path(source).stem, trace).relative_to(paths.root)}"
    except OSError as err:
        ou = f"le détail n'a pas pu être écrit dans .build/journal/ ({err.strerror})"
    derniere = trace.strip().splitlines()[-1] if trace.strip() else "?"
    return (
        f"erreur interne en analysant ce fichier ({derniere[:300]}) ; {ou}. Ce n'est pas une faute du fichier : "
        "signalez-la aux développeurs avec ce journal. Le fichier est refusé et ce qu'il publiait avant reste publié."
    )


def _identifiants(paths: Paths, log) -> tuple[list, list[dict]]:
    """The publisher's SIRET/RNA table, without its bad lines, and the findings for the control report
    (a bad line: avertissement; read as Windows-1252: info). A table that cannot be read at all
    (encoding, header) stops the build before anything is written."""
    sirens = {code: c["siren"] for code, c in places.reference().communes.items() if c.get("siren")}
    table, problems = identifiants.load(paths.identifiants, sirens)
    constats = []
    for p in problems:
        if p.severity == "erreur":
            raise ErreurDeSaisie(p.source, p.message, p.line)
        constats.append(to_dict(p))
        if p.severity == "info":
            log(f"info {ou(p.source, p.line)} : {p.message}")
    return table, constats


def couverture(res: BuildResult, subventions: Iterable[Subvention] | None = None) -> dict:
    """How many of the Département's grants the SCDL export identifies (SIRET or RNA): counted on the
    corpus's records when the site is rendered (`subventions`), else on records made from the extraction's rows."""
    du_departement = {d["id"] for doc in res.documents for d in doc.contenu["deliberations"] if d.get("collectivite") == DEPARTEMENT}
    if subventions is None:
        subventions = (from_dict(Subvention, s) for data in res.subventions.values() for s in data["subventions"])
    subs = [s for s in subventions if s.deliberation in du_departement]
    return identifiants.couverture(subs, res.identifiants, places.reference().communes)


def rapport_sans_rendu(paths: Paths, res: BuildResult) -> None:
    """site_data/controle.json when no page is rendered after the extraction (a refused source,
    `STRICT=1`, `make extract`): the report with its identifiers' coverage, so that the publisher reads there why."""
    res.report["identifiants"] = couverture(res)
    ecrire_controle(paths, to_dict(res.report))


def ou(source: str, line, page: int | None = None) -> str:
    """Where: the file and its line, and for a PDF the page (which the publisher opens)."""
    return f"{source}{', page ' + str(page) if page else ''}{', ligne ' + str(line) if line else ''}"

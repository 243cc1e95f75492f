"""The whole pipeline, from site_data/sources/ to site/, as the publisher runs it.

Each stage writes its output under site_data/ (visible, diffable); rendering reads
only those files. A source that cannot be read is reported and its previously
extracted data is kept as it was; the site is built into a temporary folder and
swapped in only when the build succeeded.
"""

from __future__ import annotations

import ctypes
import datetime as dt
import functools
import gc
import hashlib
import itertools
import json
import multiprocessing
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
from collections import defaultdict
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TypeVar

from generator.commun import store
from generator.commun.enfants import lier_au_parent, processus
from generator.commun.erreurs import ErreurDeSaisie, erreur_systeme_dans, journal
from generator.commun.genere import CONTENU_GENERE
from generator.controle import corrections as corr
from generator.controle import garde, identifiants
from generator.controle.reconcile import CONSEILLERS_PAR_CANTON, build_report
from generator.elus import alias as alias_elus
from generator.elus import personnes
from generator.exports import Ecritures, fichiers_meta, write_all
from generator.lieux import places
from generator.lieux.localisation import localise
from generator.parse import ingest
from generator.publication import transaction as publication
from generator.publication import verification
from generator.recherche import index as recherche
from generator.records import JsonObject, Subvention, SubventionsSource, cache_extraction, to_dict
from generator.records.corpus import DEPARTEMENT, Corpus, DocumentLu, alleger
from generator.records.lecture import from_dict
from generator.records.schema import non_conforme
from generator.site import originaux
from generator.site.minification import minifier
from generator.site.pages import actes as pages_actes
from generator.site.pages import controle as pages_controle
from generator.site.pages import elus as pages_elus
from generator.site.pages import flux
from generator.site.pages import lexique as pages_lexique
from generator.site.pages import lieux as pages_lieux
from generator.site.pages import subventions as pages_subventions
from generator.site.render import Page, write_pages
from generator.sources import boite, ocr
from generator.sources.lecture import SourceError

T = TypeVar("T")


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


def _cpu() -> float:
    """CPU seconds of this process and of its finished children (workers, exports, MkDocs)."""
    a, b = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return a.ru_utime + a.ru_stime + b.ru_utime + b.ru_stime


@dataclass
class BuildResult:
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
    # waits for the search index files, (manifest, {file: text}) (computed beside the pages, written beside MkDocs)
    recherche: Callable[[], tuple[dict, dict[str, str]]] | None = None
    attendu: verification.Attendu = field(default_factory=verification.Attendu)  # what the built site must hold
    fichiers: dict[str, tuple[Path, str]] = field(default_factory=dict)  # the inbox: source → its path and SHA-256
    empreintes: set[str] = field(default_factory=set)  # SHA-256 of the inbox's files and of the published sources (`ocr.elaguer`)
    alias_elus: dict[str, str] = field(default_factory=dict)  # site_data/elus_alias.yaml, checked first (`extract`)
    # source → civilities of its presence lists (`personnes.civilites_document`), kept by the extraction cache
    civilites: dict[str, dict[str, str]] = field(default_factory=dict)
    # source → SHA-256 of its file in site_data/actes, as its cache entry vouches for it (`Corpus.connaitre_actes`)
    empreintes_actes: dict[str, str] = field(default_factory=dict)


def prepare_root(root: Path, projet: Path) -> None:
    """A new project root holding what a build reads from `projet` (configuration, theme,
    hand-written pages, reference data, corrections) but none of its sources or generated
    pages: where the benchmark and the full-build tests build."""
    shutil.copy(projet / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copytree(projet / "overrides", root / "overrides")
    shutil.copytree(projet / "content", root / "content", ignore=shutil.ignore_patterns(*CONTENU_GENERE))
    (root / "site_data" / "sources").mkdir(parents=True)
    if (projet / "site_data" / "corrections.yaml").exists():
        shutil.copy(projet / "site_data" / "corrections.yaml", root / "site_data" / "corrections.yaml")
    if (projet / "site_data" / alias_elus.FICHIER).exists():
        shutil.copy(projet / "site_data" / alias_elus.FICHIER, root / "site_data" / alias_elus.FICHIER)
    shutil.copytree(projet / "site_data" / "reference", root / "site_data" / "reference")


data_name = store.data_name


def _parse_one(path: Path, fixes: corr.Corrections, nom: str | None = None):
    """One source to its two JSON texts (run in a worker process): (True, (actes, subventions,
    corrections applied)), (False, SourceError) or, for a bug of ours, (None, its traceback), so that
    one source's crash neither stops the build nor the other sources. `nom`: the source's published
    name (`boite.Entree.nom`), when the path spells it otherwise."""
    nom = nom or path.name
    mine: list[dict] = []
    with store.sans_ramasse_miettes():
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
            return True, (store.texte_json(doc), store.texte_json(subs), mine)  # (already JSON-ready: validated as such)
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
    """
    res = BuildResult()
    t0, c0 = time.perf_counter(), _cpu()
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
    # as each snapshot re-enabled the collector (measured: 1,6 s of a no-change build at ten years), then frozen
    with store.sans_ramasse_miettes():
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
        gc.freeze()  # what was read back lives until the pages are written: out of the collector's sight (`render` unfreezes)
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
        store.write_text(staging / "actes" / name, actes)
        store.write_text(staging / "subventions" / name, subventions)
        with store.sans_ramasse_miettes():
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
    res.cpu["extraction"] = _cpu() - c0
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

    A report equal to the one the last build wrote, in a file untouched since (`store.identite`), is
    neither validated nor written again: its indented text is made by Python's slower JSON encoder
    (0,6 s at ten years, plus 0,3 s of validation); the key is its compact text's digest, made by the
    C encoder (`.cache/controle-ecrit.json`: key, SHA-256 of the file, its identity)."""
    cle = hashlib.sha256(json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()).hexdigest()
    cache = paths.root / ".cache" / "controle-ecrit.json"
    connu = store.lire_cache(cache)
    if (
        connu.get("cle") == cle
        and isinstance(connu.get("sha256"), str)
        and store.a_le_contenu(paths.controle, connu["sha256"], connu.get("identite"))
    ):
        return
    faute = non_conforme("controle.schema.json", data)
    if faute is not None:
        raise ValueError(
            f"EnregistrementNonConforme: site_data/controle.json ne suit pas generator/records/schemas/controle.schema.json ({faute})"
        )
    texte = store.texte_json(data)
    store.write_text(paths.controle, texte)
    ecrit = {"cle": cle, "sha256": hashlib.sha256(texte.encode("utf-8")).hexdigest(), "identite": store.identite(paths.controle)}
    store.write_text(cache, json.dumps(ecrit) + "\n", durable=False)


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
    log(f"ERREUR {_ou(source, line)} : {message}")
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
            log(f"info {_ou(p.source, p.line)} : {p.message}")
    return table, constats


def _couverture(res: BuildResult, subventions: Iterable[Subvention] | None = None) -> dict:
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
    res.report["identifiants"] = _couverture(res)
    ecrire_controle(paths, to_dict(res.report))


def render(paths: Paths, res: BuildResult) -> int:
    """Stage 8: content/*.md from site_data/ (as read by `extract`, through `Corpus`), the open-data
    exports (content/donnees/) and the search indexes (content/recherche/).

    The three are independent readers of the same corpus: the exports and the search indexes are
    computed by two forked processes (they share the corpus read once) while this one writes the
    pages, so that the two cores stay busy; pages are written as they are built.
    """
    t0, c0 = time.perf_counter(), _cpu()
    res.timings["rendu"] = 0.0  # (set below; keeps the stages in order in the log)
    with store.sans_ramasse_miettes():  # ten years: 440 000 records made, acyclic, all kept (frozen below)
        controle = to_dict(res.report)  # what site_data/controle.json holds (written below, once the people figures are known)
        corpus = Corpus.from_data(res.documents, res.subventions, controle, places.reference(), actes=paths.actes)
        res.report["identifiants"] = controle["identifiants"] = _couverture(res, corpus.subventions)
        res.subventions = {}  # the corpus holds them now (as copies): not twice in memory
        registre_elus = pages_elus.registre(corpus, res.alias_elus, res.civilites)
    corpus.elus = registre_elus  # read by pages, exports and search
    corpus.connaitre_actes(res.empreintes_actes)
    # the people figures of the control report (its page and controle.json): known only now
    res.report["elus"] = corpus.controle["elus"] = to_dict(registre_elus.chiffres())
    ecrire_controle(paths, corpus.controle)
    corpus.lier_originaux(
        originaux.publier(
            paths.content,
            res.fichiers,
            corpus.documents,
            {r.source: r.slug for r in corpus.recueils},
            paths.root / ".cache" / "originaux.json",
        )
    )
    res.attendu = verification.Attendu(
        deliberations=sorted(corpus.deliberations),
        recueils=[r.slug for r in corpus.recueils],
        subventions=len(corpus.subventions),
        originaux={o["url"]: o["taille"] for o in corpus.originaux.values()},
    )
    # the corpus lives until the pages are written: out of the collector's sight, it is not rescanned
    # at every full collection the rendering triggers (and the exports' fork shares it untouched)
    gc.freeze()
    subs_par_delib, checks_par_delib = defaultdict(list), defaultdict(list)
    for s in corpus.subventions:
        subs_par_delib[s.deliberation].append(s)
    for source in res.report.get("sources", []):
        for k in source["controles"]:
            checks_par_delib[k["deliberation"]].append(k)
    out = paths.content / "donnees"
    exports = _en_parallele(
        _exports, corpus, out, res.identifiants, os.environ.get("SITE_URL") or None, paths.root / ".cache" / "exports.json"
    )

    # the pages and the SQLite export are one long task each; the search indexes are many small ones
    # (spread over the cores by their own workers): lower priority, they fill whatever core is free
    # and end the stage on both cores, rather than one long task ending it alone on one
    index_recherche = _en_parallele(recherche.preparer, corpus, paths.root / ".cache" / "recherche", gentil=10)

    def donnees():  # last: its page lists the files the exports wrote
        t = time.perf_counter()
        fichiers = exports()
        res.timings["dont attente des exports"] = time.perf_counter() - t
        contexte = {"fichiers": fichiers, "mise_a_jour": flux.mise_a_jour(corpus)}
        yield Page("donnees/index.md", "donnees.md.j2", "Données", kind="donnees", context=contexte)

    annees = sorted({d.date[:4] for d in corpus.deliberations.values()} | {s.date[:4] for s in corpus.subventions}, reverse=True)
    page_recherche = Page(
        "recherche/index.md", "recherche.md.j2", "Rechercher", kind="recherche", context={"annees": annees, "types": recherche.TYPES_FILTRE}
    )
    decoupes = pages_actes.Decoupes(paths.root / ".cache" / "annexes.json")
    n = write_pages(
        itertools.chain(
            pages_lieux.build(corpus),
            [pages_lieux.accueil(corpus), pages_lexique.build(corpus)],
            pages_actes.build(corpus, subs_par_delib, checks_par_delib, decoupes),
            pages_subventions.build(corpus),
            pages_elus.build(corpus, corpus.elus),
            pages_controle.pages(corpus.controle, {s: o["url"] for s, o in corpus.originaux.items()}),
            [page_recherche],
            donnees(),
        ),
        paths.content,
        cache=paths.root / ".cache" / "pages.json",
    )
    decoupes.ecrire()
    store.write_text(paths.content / "flux.xml", flux.atom(corpus, os.environ.get("SITE_URL", "")), durable=False)
    ecrits = flux.ecrire_flux_lieux(corpus, paths.content, os.environ.get("SITE_URL", ""), paths.root / ".cache" / "flux.json")
    res.attendu.flux = [p.relative_to(paths.content).as_posix() for p in ecrits]  # announced by their pages: checked in the built site
    res.recherche = index_recherche  # its files are written while MkDocs runs (mkdocs_build)
    gc.unfreeze()
    res.timings["rendu"] = time.perf_counter() - t0
    res.cpu["rendu"] = _cpu() - c0
    return n


def _exports(corpus, out: Path, identifiants: list, base_url: str | None, cache: Path) -> list[JsonObject]:
    """The exports written (those the last build left unchanged kept: `cache`, `exports.Ecritures`), and the
    « Données » page's list of them (their rows counted: done in the exports' process, beside the pages)."""
    ecritures = Ecritures(out, cache)
    return fichiers_meta(out, write_all(corpus, out, identifiants=identifiants, base_url=base_url, ecritures=ecritures), ecritures)


def _en_parallele(fn: Callable[..., T], *args: Any, gentil: int = 0) -> Callable[[], T]:
    """Run `fn(*args)` in a forked process (it sees the parent's data without copying it);
    returns a function that waits for its result. One core: run it here, now.
    `gentil`: the child's niceness, so that it takes only the CPU the others leave."""
    if processus() < 2:
        result = fn(*args)
        return lambda: result
    ctx = multiprocessing.get_context("fork")
    recv, send = ctx.Pipe(duplex=False)

    parent = os.getpid()

    def child() -> None:
        try:
            lier_au_parent(parent)
            if gentil:
                os.nice(gentil)
            send.send((True, fn(*args)))
        except BaseException as err:  # a system error (full disk…) crosses back as itself, to be told as such
            send.send((False, (traceback.format_exc(), err if isinstance(err, OSError) else None)))
        finally:
            send.close()

    # objects that exist now are not moved by the child's garbage collector: it only touches
    # (and so copies) what it reads, the rest of the parent's memory stays shared
    gele = gc.get_freeze_count() > 0  # the caller froze its data already: leave it so
    gc.freeze()
    proc = ctx.Process(target=child)  # not a daemon: it may start its own workers (search)
    proc.start()
    if not gele:
        gc.unfreeze()
    send.close()
    got: list[tuple[bool, Any]] = []  # (True, the result) or (False, (its traceback, a system error or None))

    def wait() -> T:
        if not got:
            try:
                got.append(recv.recv())
            except EOFError:
                got.append((False, (f"le processus {fn.__name__} s'est arrêté sans résultat (code {proc.exitcode})", None)))
            proc.join()
        ok, value = got[0]
        if not ok:
            trace, systeme = value
            if systeme is not None:
                raise systeme
            raise RuntimeError(f"{fn.__name__} a échoué :\n{trace}")
        return value

    return wait


def _content_epoch(res: BuildResult) -> int:
    """The build's date for MkDocs (sitemap, gzip): the newest act published, never the clock,
    so two builds of the same inputs are byte-identical."""
    dates = [d["date"] for doc in res.documents for d in doc.contenu["deliberations"] if d.get("date")]
    day = max(dates) if dates else "2000-01-01"
    return int(dt.datetime.fromisoformat(day).replace(tzinfo=dt.UTC).timestamp())


def mkdocs_build(paths: Paths, res: BuildResult, dest: Path, precedent: Path | None) -> Path:
    """Stage 9: MkDocs into `dest`, a new version folder beside the published site (`publication`
    verifies it and switches it in); returns the file where MkDocs wrote the generated pages' keys and
    digests, which `publication.marquer_verifiee` keeps beside the version's record for the next build.

    MkDocs runs through `generator.mkdocs_plugin` (same output, without redoing for every
    generated page what is the same for all), in a child process that dies with this one. The
    published version `precedent` is its `--precedent`: the pages whose key is the one its record gives are
    hard-linked from it rather than made and written again.

    Its CPU time (`res.cpu`) counts MkDocs' child and, apart as « dont index de recherche », the search
    index's process, which ran beside the rendering and MkDocs and is reaped here (`res.recherche`), with
    the writing of its files: that is why MkDocs' CPU time was over its wall time.
    """
    t0, c0 = time.perf_counter(), _cpu()
    cpu_recherche: float | None = None
    empreintes = dest.with_name(dest.name + ".pages")  # beside the version: `publication.nettoyer` removes what a killed build leaves
    cmd = [sys.executable, "-m", "generator.mkdocs_plugin", "--site-dir", str(dest), "--empreintes", str(empreintes)]
    if precedent is not None:
        cmd += ["--precedent", str(precedent)]
    if res.recherche is not None:
        cmd.append("--sans-fichiers-recherche")
    code = str(Path(__file__).resolve().parent.parent)
    env = dict(
        os.environ,
        SOURCE_DATE_EPOCH=str(_content_epoch(res)),
        PYTHONPATH=os.pathsep.join(p for p in (code, os.environ.get("PYTHONPATH")) if p),
    )
    with tempfile.TemporaryFile(mode="w+", encoding="utf-8") as erreurs:
        proc = subprocess.Popen(
            cmd,
            cwd=paths.root,
            stdout=subprocess.DEVNULL,
            stderr=erreurs,
            text=True,
            env=env,
            preexec_fn=functools.partial(lier_au_parent, os.getpid()),
        )
        try:
            if res.recherche is not None:  # the search indexes end while MkDocs builds the pages
                t1, c1 = time.perf_counter(), _cpu()
                _, fichiers = res.recherche()
                recherche.ecrire_fichiers(paths.content / "recherche", fichiers)
                res.timings["dont attente de la recherche"] = time.perf_counter() - t1
                cpu_recherche = _cpu() - c1
        except BaseException:
            proc.kill()
            proc.wait()
            raise
        if proc.wait() != 0:
            erreurs.seek(0)
            trace = erreurs.read()
            systeme = erreur_systeme_dans(trace)  # a full disk while MkDocs writes is the machine's, not a bug
            if systeme is not None:
                raise OSError(systeme.errno, systeme.strerror, systeme.filename or str(dest))
            raise RuntimeError("mkdocs build a échoué :\n" + trace[-4000:])
    if res.recherche is not None:
        _lier(paths.content / "recherche", dest / "recherche")

    # the site's own scripts and style sheets (content/assets/), minified in the built site only
    minifier(dest, [f"assets/{f.name}" for f in sorted((paths.content / "assets").glob("*")) if f.suffix in (".js", ".css")])
    res.timings["mkdocs"] = time.perf_counter() - t0
    res.cpu["mkdocs"] = _cpu() - c0
    if cpu_recherche is not None:
        res.cpu["dont index de recherche"] = cpu_recherche
    return empreintes


def _lier(source: Path, dest: Path) -> None:
    """The search's index files into the built site, hard-linked (copied across file systems)."""
    for f in sorted(source.rglob("*")):
        if f.is_file() and f.suffix in (".json", ".js"):
            cible = dest / f.relative_to(source)
            cible.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(f, cible)
            except OSError:
                shutil.copyfile(f, cible)


def _alleger(res: BuildResult) -> None:
    """Drop the texts of the deliberations once the pages are written: MkDocs runs next, in
    another process, and this one should not hold ten years of texts meanwhile."""
    res.documents = [
        replace(
            d,
            contenu={
                "source": d.source,
                "deliberations": [{"id": x["id"], "date": x.get("date")} for x in d.contenu["deliberations"]],
            },
        )
        for d in res.documents
    ]
    gc.collect()
    try:  # hand the freed memory back to the system (glibc keeps it otherwise)
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


def _constats(res: BuildResult) -> list[tuple[str, dict]]:
    """The control report's errors and warnings, with their source."""
    out = [
        (src["source"], f) for src in res.report.get("sources", []) for f in src["constats"] if f["severity"] in ("erreur", "avertissement")
    ]
    out += [
        (f["source"], f)
        for f in res.report.get("doublons", []) + res.report.get("corrections", []) + res.report.get("en_attente", [])
        if f.get("severity") in ("erreur", "avertissement")
    ]
    return out


def _ou(source: str, line, page: int | None = None) -> str:
    """Where: the file and its line, and for a PDF the page (which the publisher opens)."""
    return f"{source}{', page ' + str(page) if page else ''}{', ligne ' + str(line) if line else ''}"


SANS_SITE_URL = (
    "ATTENTION : SITE_URL n'est pas fixée — les plans du site et de ses flux (sitemap.xml, flux/sitemap.xml) sont vides, "
    "les flux Atom (flux.xml, flux/…) n'ont pas de liens absolus, "
    "les pages pas d'adresse canonique, et la page 404 suppose le site à la racine du domaine : "
    "make build SITE_URL=https://adresse.du/site/"
)
"""Said at the end of a build without the site's public address (one line, where the publisher reads)."""


def run(root: Path, strict: bool = False, log=print, commande: str = "make build") -> int:
    """The whole build, under the lock: 0 published; 1 refused by STRICT=1 (warnings); 2 refused by an error
    (a source refused, a removed source whose acts would vanish). Whenever it is not 0, site/ is unchanged."""
    with publication.Verrou(Path(root), commande) as verrou:
        return construire_sous_verrou(Path(root), verrou, strict, log)


def construire_sous_verrou(root: Path, verrou: publication.Verrou, strict: bool = False, log=print) -> int:
    """`run` for a caller that holds the lock already (`make publish` builds, then copies, under one lock)."""
    if verrou.interrompue is not None:
        i = verrou.interrompue
        log(
            f"La construction précédente ({i.commande}, PID {i.pid}, commencée le {i.debut}) s'est arrêtée avant la fin : "
            "ses fichiers temporaires sont retirés ; le site publié est celui de la dernière construction réussie."
        )
    publication.nettoyer(root)
    return _construire(Paths(root), strict, log)


def _construire(paths: Paths, strict: bool, log) -> int:
    res = extract(paths, log)
    constats = _constats(res)
    summary = res.report.get("resume", {})
    if res.errors:  # a refused source: the others are extracted and ready, nothing is published until it is fixed
        rapport_sans_rendu(paths, res)
        _afficher(res, constats, log)
        refuses = sorted({e["source"] for e in res.errors})
        log(
            f"Rien n'a été publié : {len(res.errors)} erreur(s) ci-dessus ({', '.join(refuses)}) ; le site en ligne est inchangé "
            "et ce qu'il publiait de ces fichiers le reste. Corrigez ou retirez ces fichiers, puis relancez make build "
            "(les autres sources sont déjà lues : ce sera rapide)."
        )
        return 2
    if strict and (constats or summary.get("totaux_en_ecart")):
        rapport_sans_rendu(paths, res)
        _afficher(res, constats, log)
        log(
            f"Rien n'a été publié (STRICT=1) : {len(constats)} erreur(s) ou avertissement(s) du contrôle à traiter ; le site en ligne est inchangé."
        )
        return 1
    pages = render(paths, res)
    attendu = res.attendu
    _alleger(res)
    version = publication.nouvelle_version(paths.root)
    precedente = publication.version_courante(paths.root)  # the published version: MkDocs links its unchanged pages
    try:
        pages_html = mkdocs_build(paths, res, version, precedente)
        t0 = time.perf_counter()
        fichiers = publication.rendre_lisible(version)  # its inventaire, complete: nothing writes into the version any more
        record = publication.lire_record(precedente) if precedente is not None else None
        problemes = verification.verifier(version, attendu, record["fichiers"] if record else None, fichiers)
        if problemes:
            raise RuntimeError("le site construit n'a pas passé la vérification : " + " ; ".join(problemes))
        publication.marquer_verifiee(
            version, {"deliberations": len(attendu.deliberations), "subventions": attendu.subventions}, pages_html, fichiers
        )
        t1 = time.perf_counter()
        store.synchroniser(version)  # the new site on the disk whole (pages, hard-linked exports) before it replaces the old
        publication.basculer(paths.root, version)
        res.timings["vérification"] = t1 - t0
        res.timings["écriture sur disque et bascule"] = time.perf_counter() - t1
    except BaseException:
        shutil.rmtree(version, ignore_errors=True)
        version.with_name(version.name + ".pages").unlink(missing_ok=True)
        raise
    publication.nettoyer(paths.root)
    retirees = ocr.elaguer(paths.root / ".cache" / "ocr", res.empreintes)  # published: readings no source needs go
    if retirees:
        log(f"Reconnaissance de caractères : {retirees} lecture(s) de page qu'aucune source n'utilise plus retirée(s) du cache.")
    log(
        f"{len(res.documents)} source(s) ({res.parsed} analysée(s), les autres inchangées), {len(attendu.deliberations)} délibération(s), "
        f"{attendu.subventions} subvention(s), {pages} pages générées."
    )
    log("Durées : " + ", ".join(f"{k} {v:.1f} s" for k, v in res.timings.items()))
    log("Temps CPU (tous processus) : " + ", ".join(f"{k} {v:.1f} s" for k, v in res.cpu.items()))
    _afficher(res, constats, log)
    log(
        f"Publié : {len(attendu.deliberations)} délibération(s), {attendu.subventions} subvention(s)"
        + (f" ; {len(constats)} point(s) à vérifier sur la page « Contrôle de publication »." if constats else ".")
    )
    for avertissement in verification.originaux_trop_gros(attendu.originaux):
        log(avertissement)
    if not os.environ.get("SITE_URL"):
        log(SANS_SITE_URL)  # last: what the publisher reads
    return 0


def _afficher(res: BuildResult, constats: list[tuple[str, dict]], log) -> None:
    if res.errors or constats or res.report.get("resume", {}).get("totaux_en_ecart"):
        log("\nÀ vérifier (détail dans site_data/controle.json et la page « Contrôle de publication ») :")
        for e in res.errors:
            log(f"  ERREUR {_ou(e['source'], e['line'])} : {e['message']}")
        for source, f in constats[:200]:
            log(f"  {f['severity']} {_ou(source, f['line'], f.get('page_pdf'))} : {f['message']}")
        if len(constats) > 200:
            log(f"  … et {len(constats) - 200} autres.")

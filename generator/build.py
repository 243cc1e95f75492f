"""The whole pipeline, from site_data/sources/ to site/, as the publisher runs it.

Each stage writes its output under site_data/ (visible, diffable); rendering reads
only those files. A source that cannot be read is reported and its previously
extracted data is kept as it was; the site is built into a temporary folder and
swapped in only when the build succeeded.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import places, store
from .reconcile import CONSEILLERS_PAR_CANTON, build_report
from .records import to_dict
from .render import write_pages
from .sources import SUPPORTED, SourceError


@dataclass
class Paths:
    root: Path

    @property
    def sources(self): return self.root / "site_data" / "sources"
    @property
    def actes(self): return self.root / "site_data" / "actes"
    @property
    def subventions(self): return self.root / "site_data" / "subventions"
    @property
    def controle(self): return self.root / "site_data" / "controle.json"
    @property
    def corrections(self): return self.root / "site_data" / "corrections.yaml"
    @property
    def identifiants(self): return self.root / "site_data" / "identifiants.csv"
    @property
    def cache(self): return self.root / ".cache" / "extraction.json"
    @property
    def content(self): return self.root / "content"
    @property
    def site(self): return self.root / "site"


@dataclass
class BuildResult:
    documents: list[dict] = field(default_factory=list)
    subventions: dict[str, dict] = field(default_factory=dict)
    errors: list[dict] = field(default_factory=list)
    report: dict = field(default_factory=dict)
    identifiants: list = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    parsed: int = 0


def source_files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.iterdir() if p.is_file() and p.suffix.lower() in SUPPORTED)


def data_name(source: str) -> str:
    return Path(source).stem + ".json"




def _fingerprint(paths: Paths) -> str:
    """What, besides a source's own bytes, decides its extraction: parser code, reference data, corrections."""
    h = hashlib.sha256()
    pkg = Path(__file__).parent
    files = sorted(pkg.rglob("*.py"))  # any code change re-parses: cheap, and never stale
    files += sorted((paths.root / "site_data" / "reference").glob("*.json"))
    if paths.corrections.exists():
        files.append(paths.corrections)
    for f in files:
        h.update(f.name.encode())
        h.update(f.read_bytes())
    return h.hexdigest()


def extract(paths: Paths, log=print) -> BuildResult:
    """Stages 1–7: every source to site_data/actes, site_data/subventions and controle.json.

    A source whose bytes, parser code, reference data and corrections are unchanged
    since the last build is not parsed again (cache in .cache/extraction.json).
    """
    from . import corrections as corr
    from .ingest import ingest_source
    from .localisation import localise

    res = BuildResult()
    t0 = time.perf_counter()
    try:
        fixes = corr.load(paths.corrections)
    except corr.CorrectionError as err:
        res.errors.append({"source": "corrections.yaml", "line": None, "message": str(err)})
        log(f"ERREUR {err}")
        fixes = corr.load(Path("/nonexistent"))
    fingerprint = _fingerprint(paths)
    cache = store.read_json(paths.cache) if paths.cache.exists() else {}
    files = source_files(paths.sources)
    keep = {data_name(p.name) for p in files}
    applied: list[dict] = []
    parsed = 0
    for p in files:
        digest = hashlib.sha256(p.read_bytes()).hexdigest()
        key = f"{digest}:{fingerprint}"
        entry = cache.get(p.name)
        if entry and entry.get("key") == key and (paths.actes / data_name(p.name)).exists() and (paths.subventions / data_name(p.name)).exists():
            applied += entry.get("corrections", [])
            continue
        try:
            mine: list[dict] = []
            ex = corr.apply(localise(ingest_source(p)), fixes, mine)
        except SourceError as err:
            res.errors.append({"source": err.source, "line": err.line, "message": err.message})
            log(f"ERREUR {err}")
            log(f"  → les données déjà publiées pour {p.name} (s'il y en a) sont conservées telles quelles.")
            cache.pop(p.name, None)
            continue
        parsed += 1
        applied += mine
        store.write_json(paths.actes / data_name(p.name), ex.document)
        store.write_json(paths.subventions / data_name(p.name), {"source": p.name, "subventions": ex.subventions, "controles": ex.controles})
        cache[p.name] = {"key": key, "corrections": mine}
    # data of sources removed from the inbox goes; data of refused sources stays
    for folder in (paths.actes, paths.subventions):
        folder.mkdir(parents=True, exist_ok=True)
        for f in folder.glob("*.json"):
            if f.name not in keep:
                f.unlink()
    cache = {k: v for k, v in cache.items() if data_name(k) in keep}
    store.write_json(paths.cache, dict(sorted(cache.items())))
    for f in sorted(paths.actes.glob("*.json")):
        res.documents.append(store.read_json(f))
        sf = paths.subventions / f.name
        if sf.exists():
            res.subventions[res.documents[-1]["source"]] = store.read_json(sf)
    res.timings["extraction"] = time.perf_counter() - t0
    res.parsed = parsed
    membres_cd = CONSEILLERS_PAR_CANTON * len(places.reference().cantons)
    unused = [{"source": u.source, "line": u.line, "kind": u.kind, "message": u.message, "severity": u.severity, "deliberation": None}
              for u in corr.unused(fixes, applied)]
    res.identifiants = _identifiants(paths, res, log)
    res.report = build_report(res.documents, res.subventions, res.errors, membres_cd, applied + unused)
    res.report["identifiants"] = _couverture(res)
    store.write_json(paths.controle, res.report)
    return res


def _identifiants(paths: Paths, res: BuildResult, log) -> list:
    """The publisher's SIRET/RNA table; a bad line is an error naming it, and the table is then not used."""
    from . import identifiants

    sirens = {code: c.get("siren") for code, c in places.reference().communes.items() if c.get("siren")}
    try:
        return identifiants.load(paths.identifiants, sirens)
    except identifiants.IdentifiantError as err:
        res.errors.append({"source": paths.identifiants.name, "line": None, "message": str(err)})
        log(f"ERREUR {err}")
        return []


def _couverture(res: BuildResult) -> dict:
    """How many of the Département's grants the SCDL export identifies (SIRET or RNA)."""
    from .corpus import DEPARTEMENT
    from .identifiants import couverture

    du_departement = {d["id"] for doc in res.documents for d in doc["deliberations"] if d.get("collectivite") == DEPARTEMENT}
    subs = [s for data in res.subventions.values() for s in data["subventions"] if s["deliberation"] in du_departement]
    return couverture(subs, res.identifiants, places.reference().communes)


def render(paths: Paths, res: BuildResult) -> int:
    """Stage 8: content/*.md from site_data/ (read back through `Corpus`)."""
    from collections import defaultdict

    from .corpus import Corpus
    from .pages import actes, lieux, subventions
    from .render import Page

    t0 = time.perf_counter()
    corpus = Corpus.load(paths.root / "site_data", places.reference())
    subs_par_delib, checks_par_delib = defaultdict(list), defaultdict(list)
    for s in corpus.subventions:
        subs_par_delib[s["deliberation"]].append(s)
    for source in res.report.get("sources", []):
        for k in source["controles"]:
            checks_par_delib[k["deliberation"]].append(k)
    pages = lieux.build(corpus) + [lieux.accueil(corpus)]
    pages += actes.build(corpus, subs_par_delib, checks_par_delib)
    pages += subventions.build(corpus)
    pages.append(Page("controle.md", "controle.md.j2", "Contrôle de publication", kind="controle", context={"c": corpus.controle}))
    from .exports import fichiers_meta, write_all

    out = paths.content / "donnees"
    written = write_all(corpus, out, identifiants=res.identifiants, base_url=os.environ.get("SITE_URL") or None)
    pages.append(Page("donnees/index.md", "donnees.md.j2", "Données", kind="donnees", context={"fichiers": fichiers_meta(out, written)}))
    from . import recherche

    annees = sorted({d["date"][:4] for d in corpus.deliberations.values()} | {s["_date"][:4] for s in corpus.subventions}, reverse=True)
    pages.append(Page("recherche/index.md", "recherche.md.j2", "Rechercher", kind="recherche", context={
        "annees": annees, "types": recherche.TYPES_FILTRE, "annexes": recherche.INDEXER_ANNEXES}))
    n = write_pages(pages, paths.content)
    res.timings["rendu"] = time.perf_counter() - t0
    t1 = time.perf_counter()
    recherche.ecrire(corpus, paths.content / "recherche", cache=paths.root / ".cache" / "recherche")
    res.timings["recherche"] = time.perf_counter() - t1
    t0 = time.perf_counter()
    from .pages import flux

    store.write_text(paths.content / "flux.xml", flux.atom(corpus, os.environ.get("SITE_URL", "")))
    res.timings["rendu"] += time.perf_counter() - t0
    return n


def _content_epoch(res: BuildResult) -> int:
    """The build's date for MkDocs (sitemap, gzip): the newest act published, never the clock,
    so two builds of the same inputs are byte-identical."""
    import datetime as dt

    dates = [d["date"] for doc in res.documents for d in doc["deliberations"] if d.get("date")]
    day = max(dates) if dates else "2000-01-01"
    return int(dt.datetime.fromisoformat(day).replace(tzinfo=dt.timezone.utc).timestamp())


def mkdocs_build(paths: Paths, res: BuildResult) -> None:
    """Stage 9: MkDocs into a temporary folder, then swap it in place of site/."""
    t0 = time.perf_counter()
    tmp = paths.root / ".build" / "site"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.parent.mkdir(parents=True, exist_ok=True)
    cmd = [sys.executable, "-m", "mkdocs", "build", "--quiet", "--clean", "--site-dir", str(tmp)]
    env = dict(os.environ, SOURCE_DATE_EPOCH=str(_content_epoch(res)))
    proc = subprocess.run(cmd, cwd=paths.root, capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        raise RuntimeError("mkdocs build a échoué ; site/ n'a pas été modifié.\n" + proc.stderr[-4000:])
    old = paths.root / ".build" / "site.old"
    shutil.rmtree(old, ignore_errors=True)
    if paths.site.exists():
        paths.site.rename(old)
    tmp.rename(paths.site)
    shutil.rmtree(old, ignore_errors=True)
    res.timings["mkdocs"] = time.perf_counter() - t0


def run(root: Path, strict: bool = False, log=print) -> int:
    paths = Paths(Path(root))
    res = extract(paths, log)
    pages = render(paths, res)
    mkdocs_build(paths, res)
    summary = res.report.get("resume", {})
    log(f"{len(res.documents)} source(s) ({res.parsed} analysée(s), les autres inchangées), {sum(len(d['deliberations']) for d in res.documents)} délibération(s), "
        f"{sum(len(s['subventions']) for s in res.subventions.values())} subvention(s), {pages} pages générées.")
    log("Durées : " + ", ".join(f"{k} {v:.1f} s" for k, v in res.timings.items()))
    if not os.environ.get("SITE_URL"):
        log("Adresse publique non fixée : sitemap.xml est vide et la page 404 suppose le site à la racine "
            "(make build SITE_URL=https://adresse.du/site/ pour les renseigner).")
    warnings = [(s["source"], f) for s in res.report.get("sources", []) for f in s["constats"] if f["severity"] in ("erreur", "avertissement")]
    warnings += [(f["source"], f) for f in res.report.get("doublons", []) + res.report.get("corrections", []) if f.get("severity") in ("erreur", "avertissement")]
    if res.errors or warnings or summary.get("totaux_en_ecart"):
        log("\nÀ vérifier (détail dans site_data/controle.json et la page « Contrôle de publication ») :")
        for e in res.errors:
            log(f"  ERREUR {e['source']}{', ligne ' + str(e['line']) if e['line'] else ''} : {e['message']}")
        for source, f in warnings[:200]:
            log(f"  {f['severity']} {source}{', ligne ' + str(f['line']) if f['line'] else ''} : {f['message']}")
        if len(warnings) > 200:
            log(f"  … et {len(warnings) - 200} autres.")
    if res.errors:
        return 2
    if strict and (warnings or summary.get("totaux_en_ecart")):
        log("STRICT=1 : des avertissements bloquent la publication.")
        return 1
    return 0

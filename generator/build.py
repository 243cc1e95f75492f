"""The whole pipeline, from site_data/sources/ to site/, as the publisher runs it: the extraction
(`extraction.extract`), the pages, exports and search indexes (`render`), MkDocs, the verification and
the switch to the new version, under the build's lock.

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
import itertools
import multiprocessing
import os
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any, Generic, TypeVar

from generator.commun import gabarits, memoire, store
from generator.commun.enfants import lier_au_parent, processus, temps_cpu
from generator.commun.erreurs import erreur_systeme_dans
from generator.commun.genere import CONTENU_GENERE
from generator.elus import alias as alias_elus
from generator.exports import Ecritures, fichiers_meta, write_all
from generator.exports.par_lieu import subventions_par_lieu
from generator.extraction import BuildResult, Paths, couverture, ecrire_controle, extract, ou, rapport_sans_rendu
from generator.lieux import places
from generator.publication import transaction as publication
from generator.publication import verification
from generator.recherche import index as recherche
from generator.records import JsonObject, to_dict
from generator.records.corpus import Corpus
from generator.site import originaux
from generator.site.minification import minifier
from generator.site.pages import actes as pages_actes
from generator.site.pages import controle as pages_controle
from generator.site.pages import elus as pages_elus
from generator.site.pages import flux
from generator.site.pages import lexique as pages_lexique
from generator.site.pages import lieux as pages_lieux
from generator.site.pages import subventions as pages_subventions
from generator.site.render import COMPILES, Page, write_pages
from generator.site.render import empreinte_code as empreinte_rendu
from generator.sources import ocr

T = TypeVar("T")
COMPILES_MKDOCS = "gabarits-mkdocs"
"""The folder of `.cache/` where MkDocs' child keeps the theme's compiled templates (`mkdocs_plugin`, option `gabarits`)."""


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


def render(paths: Paths, res: BuildResult) -> int:
    """Stage 8: content/*.md from site_data/ (as read by `extract`, through `Corpus`), the open-data
    exports (content/donnees/) and the search indexes (content/recherche/).

    The three are independent readers of the same corpus: the exports, then the search indexes, are
    computed by forked processes (they share the corpus read once) while this one writes the pages, so
    that the two cores stay busy; pages are written as they are built. Run within the build's
    `memoire.gel` block (`_construire`), which unfreezes the corpus once the pages are written.
    """
    t0, c0 = time.perf_counter(), temps_cpu()
    res.timings["rendu"] = 0.0  # (set below; keeps the stages in order in the log)
    with memoire.sans_ramasse_miettes():  # ten years: 440 000 records made, acyclic, all kept (frozen below)
        controle = to_dict(res.report)  # what site_data/controle.json holds (written below, once the people figures are known)
        corpus = Corpus.from_data(res.documents, res.subventions, controle, places.reference(), actes=paths.actes)
        res.report["identifiants"] = controle["identifiants"] = couverture(res, corpus.subventions)
        res.subventions = {}  # the corpus holds them now (as copies): not twice in memory
        registre_elus = pages_elus.registre(corpus, res.alias_elus, res.civilites)
        # frozen before the collector resumes: else its first young collection scans every object made in
        # this block (about 0,3 s at ten years) only to find them all alive
        memoire.geler()
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
    memoire.geler()
    subs_par_delib, checks_par_delib = defaultdict(list), defaultdict(list)
    for s in corpus.subventions:
        subs_par_delib[s.deliberation].append(s)
    for source in res.report.get("sources", []):
        for k in source["controles"]:
            checks_par_delib[k["deliberation"]].append(k)
    out = paths.content / "donnees"
    # each place's grants (`Corpus.subventions_du_lieu`, kept by the corpus): its page, its feed and, when they
    # changed, its files of the exports read them; selected here, before the fork, the exports' process shares them
    subventions_par_lieu(corpus)
    exports = _en_parallele(
        _exports,
        corpus,
        out,
        res.identifiants,
        os.environ.get("SITE_URL") or None,
        paths.root / ".cache" / "exports.json",
        res.alias_elus,
    )
    index_recherche: list[_Resultat[tuple[dict, dict[str, str | Path]]]] = []  # (its process, once forked)

    def recherche_apres_exports(gentil: int = 10) -> None:
        """The search indexes' process, forked once the exports' has ended (looked at between two pages, and
        when they are all built). A forked process that reads the corpus copies the memory pages of every
        record it reads (reading an object writes its reference count): the two, each with its copy, never
        run together (ten years: the build's peak was this process, the exports', the search's and its
        worker's, 1,75 GB). The pages and the SQLite export are one long task each; the search indexes are
        many small ones (spread over the cores by their own workers): beside the pages, at a lower priority
        (`gentil`), they fill whatever core the pages leave, then end beside MkDocs on both cores rather than
        one long task ending it alone on one; forked when the pages are built (a month added: the exports end
        after them), they have no pages to leave a core to."""
        if not index_recherche and exports.pret():
            exports()  # (its process reaped: what it copied is freed before the next fork)
            index_recherche.append(_en_parallele(recherche.preparer_contenus, corpus, paths.root / ".cache" / "recherche", gentil=gentil))

    def donnees():  # last: its page lists the files the exports wrote
        t = time.perf_counter()
        fichiers = exports()
        res.timings["dont attente des exports"] = time.perf_counter() - t
        recherche_apres_exports(gentil=0)
        contexte = {"fichiers": fichiers, "mise_a_jour": flux.mise_a_jour(corpus)}
        yield Page("donnees/index.md", "donnees.md.j2", "Données", kind="donnees", context=contexte)

    annees = sorted({d.date[:4] for d in corpus.deliberations.values()} | {s.date[:4] for s in corpus.subventions}, reverse=True)
    page_recherche = Page(
        "recherche/index.md", "recherche.md.j2", "Rechercher", kind="recherche", context={"annees": annees, "types": recherche.TYPES_FILTRE}
    )
    decoupes = pages_actes.Decoupes(paths.root / ".cache" / "annexes.json")
    n = write_pages(
        _entre_les_pages(
            recherche_apres_exports,
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
    (res.recherche,) = index_recherche  # (forked by `donnees` at the latest); its files are written while MkDocs runs (mkdocs_build)
    res.timings["rendu"] = time.perf_counter() - t0
    res.cpu["rendu"] = temps_cpu() - c0
    return n


def _exports(corpus, out: Path, identifiants: list, base_url: str | None, cache: Path, alias: dict[str, str]) -> list[JsonObject]:
    """The exports written (those the last build left unchanged kept: `cache`, `exports.Ecritures`), and the
    « Données » page's list of them (their rows counted: done in the exports' process, beside the pages);
    `alias`: the élus' alias the register was built with (what keys their rows)."""
    ecritures = Ecritures(out, cache)
    ecrits = write_all(corpus, out, identifiants=identifiants, base_url=base_url, ecritures=ecritures, alias=alias)
    return fichiers_meta(out, ecrits, ecritures)


def _entre_les_pages(ensuite: Callable[[], None], *pages: Iterable[Page]) -> Iterator[Page]:
    """The `pages` one after the other (`itertools.chain`), `ensuite()` called after each is written (a
    check as cheap as polling a pipe: the rendering is the build's longest task, the others start as it goes)."""
    for page in itertools.chain(*pages):
        yield page
        ensuite()


class _Resultat(Generic[T]):
    """The result of `_en_parallele`'s process: `pret()` whether it is there (then calling for it does not wait),
    calling for it waits for it (and for the process's end), and raises what it raised."""

    def __init__(self, nom: str, proc: Any, recv: Any) -> None:
        self.nom, self.proc, self.recv = nom, proc, recv
        self.got: list[tuple[bool, Any]] = []  # (True, the result) or (False, (its traceback, a system error or None))

    def pret(self) -> bool:
        return bool(self.got) or self.recv.poll()

    def __call__(self) -> T:
        if not self.got:
            try:
                self.got.append(self.recv.recv())
            except EOFError:
                self.got.append((False, (f"le processus {self.nom} s'est arrêté sans résultat (code {self.proc.exitcode})", None)))
            self.proc.join()
        ok, value = self.got[0]
        if not ok:
            trace, systeme = value
            if systeme is not None:
                raise systeme
            raise RuntimeError(f"{self.nom} a échoué :\n{trace}")
        return value


class _Calcule(_Resultat[T]):
    """A result `_en_parallele` computed at once, in this process (one core)."""

    def __init__(self, nom: str, value: T) -> None:
        self.nom, self.got = nom, [(True, value)]


def _en_parallele(fn: Callable[..., T], *args: Any, gentil: int = 0) -> _Resultat[T]:
    """Run `fn(*args)` in a forked process (it sees the parent's data without copying it);
    returns its `_Resultat`, to wait for. One core: run it here, now.
    `gentil`: the child's niceness, so that it takes only the CPU the others leave."""
    if processus() < 2:
        return _Calcule(fn.__name__, fn(*args))
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
    with memoire.gel():
        memoire.geler()
        proc = ctx.Process(target=child)  # not a daemon: it may start its own workers (search)
        proc.start()
    send.close()
    return _Resultat(fn.__name__, proc, recv)


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
    t0, c0 = time.perf_counter(), temps_cpu()
    cpu_recherche: float | None = None
    empreintes = dest.with_name(dest.name + ".pages")  # beside the version: `publication.nettoyer` removes what a killed build leaves
    cmd = [sys.executable, "-m", "generator.mkdocs_plugin", "--site-dir", str(dest), "--empreintes", str(empreintes)]
    cmd += ["--gabarits", str(paths.root / ".cache" / COMPILES_MKDOCS)]
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
                t1, c1 = time.perf_counter(), temps_cpu()
                _, fichiers = res.recherche()
                recherche.ecrire_fichiers(paths.content / "recherche", fichiers, paths.root / ".cache" / "recherche-ecrits.json")
                res.timings["dont attente de la recherche"] = time.perf_counter() - t1
                cpu_recherche = temps_cpu() - c1
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
    res.cpu["mkdocs"] = temps_cpu() - c0
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
    """`run` once the lock is held and what a killed build left is cleaned: 0, 1 or 2 as `run`.

    From the extraction until the pages are written, the build is one `memoire.gel` block: what the
    extraction read back, then the corpus, stay frozen out of the collector's sight (`extract`,
    `render`, and each fork of `_en_parallele`, freeze them) and are unfrozen once, here, when the pages
    are written or the build stops, whatever stops it (MkDocs then runs in another process, and this
    one drops the texts: `_alleger`)."""
    with memoire.gel():
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
        try:  # the refused version: the next one's folders, or deleted in the background (`publication.nettoyer`)
            publication.nettoyer(paths.root)
        except OSError:  # (a full disk: the new folders cannot be made) removed here
            shutil.rmtree(version, ignore_errors=True)
            version.with_name(version.name + ".pages").unlink(missing_ok=True)
        raise
    publication.nettoyer(paths.root)
    retirees = ocr.elaguer(paths.root / ".cache" / "ocr", res.empreintes)  # published: readings no source needs go
    gabarits.elaguer(paths.root / ".cache" / COMPILES, empreinte_rendu())  # and another code's templates (MkDocs prunes its own)
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
            log(f"  ERREUR {ou(e['source'], e['line'])} : {e['message']}")
        for source, f in constats[:200]:
            log(f"  {f['severity']} {ou(source, f['line'], f.get('page_pdf'))} : {f['message']}")
        if len(constats) > 200:
            log(f"  … et {len(constats) - 200} autres.")

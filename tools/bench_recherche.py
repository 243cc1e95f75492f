"""Search benchmark (`make bench`): index size and build time for a ten-year corpus, and in headless
Chromium the bytes (gzipped) read and the time until the first result appears.

The ten-year corpus is, until the synthetic-corpus generator lands, the real corpus replicated in
memory (`corpus_replique`): deliberations renumbered and re-dated year after year, grants spread
over other communes of the reference. `bench(corpus)` takes any `Corpus`, so it can be pointed at a
real synthetic corpus later. Figures are printed, never asserted.
"""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import functools
import gzip
import http.server
import os
import re
import resource
import shutil
import socketserver
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from generator.lieux import places
from generator.recherche import index as recherche
from generator.records import Deliberation, Subvention, to_dict
from generator.records.corpus import DEPARTEMENT, Corpus, alleger
from tools.impression import chromium

try:  # installed by requirements-navigateur.lock (`make test-navigateur`) only: `make bench` measures the rest without it
    from playwright.sync_api import sync_playwright
except ImportError:
    sync_playwright = None  # type: ignore[assignment,unused-ignore]  # (needed only where Playwright is installed)

ROOT = Path(__file__).resolve().parent.parent
INSTALLER_NAVIGATEUR = (
    "`make test-navigateur` l'installe (ou `.venv/bin/pip install -r requirements-navigateur.lock` et `apt-get install chromium`)"
)


MOT_RARE = "cécifoot"  # put in one rapport of the oldest year only: the worst case of a full-text search
MOT_RARE_ANNEXE = "trampoline"  # put in one annex of the oldest year only: the worst case of an annex search


def _json(record: object, cls: type) -> dict:
    """The JSON of site_data/ for the fields of `cls` of a record of the corpus (a published view of it)."""
    return {f.name: to_dict(getattr(record, f.name)) for f in dataclasses.fields(cls)}


def corpus_replique(corpus, annees: int = 10, delibs_par_an: int = 700, subventions_par_an: int = 5000, mois_derniere_annee: int = 12):
    """A Corpus of `annees` years ending with the newest real year, made of copies of the real records.

    Each year has 12 monthly recueils (the last year `mois_derniere_annee`); its deliberations cycle
    through the real Département deliberations (numbers 1…delibs_par_an), each copy keeping its title,
    articles, rapport and annexes (one rapport of the oldest year also gets MOT_RARE, one annex MOT_RARE_ANNEXE); the copies carry the grants of their original until the month's
    share of the yearly quota is reached, each grant moved to another commune of the reference so that
    place names vary.
    """
    modeles = sorted(
        (d for d in corpus.deliberations.values() if d.collectivite == DEPARTEMENT and d.numero_imprime),
        key=lambda d: d.id,
    )
    subs_de = defaultdict(list)
    for s in corpus.subventions:
        subs_de[s.deliberation].append(_json(s, Subvention))
    communes = sorted(corpus.ref.communes)
    derniere = max(int(d.date[:4]) for d in corpus.deliberations.values())
    documents, subs_by_source = [], {}
    decalage = 0
    for annee in range(derniere - annees + 1, derniere + 1):
        for mois in range(1, 13 if annee < derniere else mois_derniere_annee + 1):
            n_subs, quota = 0, mois * subventions_par_an // 12 - (mois - 1) * subventions_par_an // 12
            date = f"{annee}-{mois:02d}-07"
            session = {"id": f"commission-permanente-{date}", "organe": "Commission permanente", "collectivite": DEPARTEMENT, "date": date}
            source = f"synthese-{annee}-{mois:02d}.txt"
            delibs: list[dict] = []
            subs: list[dict] = []
            debut = (mois - 1) * delibs_par_an // 12 + 1
            fin = mois * delibs_par_an // 12
            for numero in range(debut, fin + 1):
                m = modeles[(numero - 1) % len(modeles)]
                did = f"{annee}-{numero}"
                d = _json(m, Deliberation)
                if m.annexes:  # the real corpus reads its annex texts back from site_data; the copy holds them
                    d["annexes"] = [dict(x, texte=corpus.texte_annexe(m, i)) for i, x in enumerate(d["annexes"])]
                d.update(id=did, numero_imprime=did, source=source, date=date, session_id=session["id"])
                if annee == derniere - annees + 1 and mois == 1 and numero == 1 and d.get("rapport"):
                    d["rapport"] = dict(d["rapport"], texte=d["rapport"]["texte"] + f"\nUne section de {MOT_RARE} est soutenue.")
                if (
                    annee == derniere - annees + 1
                    and mois == 1
                    and d.get("annexes")
                    and not any(MOT_RARE_ANNEXE in a["texte"] for x in delibs for a in x.get("annexes") or [])
                ):
                    d["annexes"] = [dict(d["annexes"][0], texte=d["annexes"][0]["texte"] + f"\nAchat d'un {MOT_RARE_ANNEXE}.")] + d[
                        "annexes"
                    ][1:]
                delibs.append(d)
                for k, s in enumerate(subs_de.get(m.id, []), start=1):
                    if n_subs >= quota:
                        break
                    s = copy.deepcopy(s)
                    s.update(id=f"{did}-{k:04d}", deliberation=did, source=source)
                    decalage += 1
                    code = communes[decalage * 37 % len(communes)]
                    for cle in ("beneficiaire_ref", "commune_projet"):
                        p = s.get(cle)
                        if p and p.get("kind") == "commune" and p.get("status") == "resolu":
                            p.update(code=code, name=corpus.ref.communes[code]["nom"], written=corpus.ref.communes[code]["nom"])
                    subs.append(s)
                    n_subs += 1
            documents.append(
                {
                    "source": source,
                    "sha256": "",  # (a copy: no source file behind it)
                    "recueil": {"numero": mois, "mois": mois, "annee": annee},
                    "sessions": [session],
                    "deliberations": delibs,
                }
            )
            subs_by_source[source] = {"source": source, "subventions": subs}
    return Corpus.from_data([alleger(d, annexes=True) for d in documents], subs_by_source, {}, corpus.ref)


def _gz(data: bytes) -> int:
    return len(gzip.compress(data, 6, mtime=0))


def _cpu() -> float:
    a, b = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return a.ru_utime + a.ru_stime + b.ru_utime + b.ru_stime


def construire_index(corpus, dossier: Path, cache: Path | None = None) -> dict:
    """Write the search files of `corpus` into `dossier`; wall and CPU time, counts, sizes (raw and gzipped)."""
    t, cpu = time.perf_counter(), _cpu()
    manifeste = recherche.ecrire(corpus, dossier, cache=cache)
    dt, dcpu = time.perf_counter() - t, _cpu() - cpu
    fichiers = [p for p in dossier.rglob("*.json")]
    brut = sum(p.stat().st_size for p in fichiers)
    gz = sum(_gz(p.read_bytes()) for p in fichiers)
    premier = [
        manifeste["lieux"]["fichier"],
        manifeste["beneficiaires"]["fichier"],
        manifeste["annees"][0]["deliberations"],
        "manifeste.json",
    ]
    annee = manifeste["annees"][0]
    une_annee = [annee["deliberations"]] + [f for lot in annee["lots"] for f in lot["textes"] + lot["annexes"] + lot["subventions"]]
    sans_annexes = [p for p in fichiers if not p.name.startswith("annexes-")]
    return {
        "s": dt,
        "cpu": dcpu,
        "fichiers": len(fichiers),
        "brut": brut,
        "gz": gz,
        "manifeste": manifeste,
        "deliberations": len(corpus.deliberations),
        "subventions": len(corpus.subventions),
        "sans_annexes_brut": sum(p.stat().st_size for p in sans_annexes),
        "sans_annexes_gz": sum(_gz(p.read_bytes()) for p in sans_annexes),
        "premier_gz": sum(_gz((dossier / f).read_bytes()) for f in premier),
        "annee_gz": sum(_gz((dossier / f).read_bytes()) for f in une_annee),
    }


class _Serveur(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


class _ServeurTCP(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True

    def handle_error(self, request, client_address):  # a page closed while a shard was sent: not an error here
        pass


def _servir(racine: Path):
    handler = functools.partial(_Serveur, directory=str(racine))
    srv = _ServeurTCP(("127.0.0.1", 0), handler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv


_OBSERVER = """
window.__rpc = {};
addEventListener('load', () => { window.__rpc.load = performance.now(); });
new MutationObserver(() => {
  if (window.__rpc.premier === undefined && document.querySelector('#rpc-q-liste [role=option]:not(.rpc-s-tout), #rpc-resultats .rpc-r'))
    window.__rpc.premier = performance.now();
}).observe(document, {subtree: true, childList: true});
"""


def navigateur_absent() -> str | None:
    """None when the browser measures can run; else the one sentence saying they are skipped and what to install."""
    if sync_playwright is None:
        return f"Mesures dans le navigateur sautées : Playwright n'est pas installé ; {INSTALLER_NAVIGATEUR}."
    if chromium() is None:
        return "Mesures dans le navigateur sautées : Chromium est introuvable ; `apt-get install chromium` l'installe."
    return None


@contextlib.contextmanager
def _chromium(dossiers: dict[str, Path], fichiers: dict[str, str] | None = None) -> Iterator[tuple[Any, str, Callable[[str], int]]]:
    """Each folder of `dossiers` served under /<name>/ (and each of `fichiers` at /<name>) on 127.0.0.1, and a
    headless Chromium: yields (browser, base address, bytes of a fetched address). The bytes are those a
    server would send: gzip level 6 of the file, or the file itself when it is smaller (already compressed,
    as Pagefind's are). Needs Playwright and Chromium (`navigateur_absent`)."""
    racine = Path(tempfile.mkdtemp(prefix="rpc-bench-"))
    for nom, dossier in dossiers.items():
        (racine / nom).symlink_to(dossier.resolve(), target_is_directory=True)
    for nom, texte in (fichiers or {}).items():
        (racine / nom).write_text(texte, encoding="utf-8")
    srv = _servir(racine)
    base = f"http://127.0.0.1:{srv.server_address[1]}/"
    tailles: dict[str, int] = {}

    def octets(url: str) -> int:
        chemin = url[len(base) :].split("?")[0].split("#")[0]
        if chemin not in tailles:
            f = racine / chemin
            if f.is_dir() or not chemin:
                f = f / "index.html"
            data = f.read_bytes() if f.is_file() else b""
            tailles[chemin] = min(len(data), _gz(data))
        return tailles[chemin]

    try:
        with sync_playwright() as p:
            nav = p.chromium.launch(
                executable_path=chromium() or "/usr/bin/chromium",
                args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
            )
            try:
                yield nav, base, octets
            finally:
                nav.close()
    finally:
        srv.shutdown()
        shutil.rmtree(racine, ignore_errors=True)


_FIN_DE_LECTURE = """() => { const s = document.getElementById('rpc-resultats-statut');
  return s && /résultat/.test(s.textContent) && !/en cours/.test(s.textContent); }"""


def mesurer_navigateur(site: Path, requetes: list[tuple[str, str]], repetitions: int = 3) -> list[dict]:
    """For each (where, query) — where = "boite" (header box on the home page) or "page" (results page) —
    the bytes read and the time to the first result, best of N; on the results page also the number of
    results once the automatic reading ends (`resultats`) and the first one's address (`premier`).
    Needs Playwright and Chromium (`navigateur_absent`)."""
    out = []
    with _chromium({"rpc": site}) as (nav, base, octets):
        base += "rpc/"
        for ou, q in requetes:
            essais = []
            for _ in range(repetitions):
                ctx = nav.new_context(viewport={"width": 1366, "height": 768})  # fresh: nothing cached
                pg = ctx.new_page()
                pg.add_init_script(_OBSERVER)
                if ou == "page":
                    pg.goto(base + "recherche/?q=" + q)
                    pg.wait_for_function("window.__rpc.premier !== undefined", timeout=60000)
                    t = pg.evaluate("window.__rpc")
                    debut = t.get("load") or 0
                else:
                    pg.goto(base)
                    pg.wait_for_load_state("load")
                    debut = pg.evaluate("performance.now()")
                    pg.fill("#rpc-q", q)  # focus and the whole query at once: the worst case
                    pg.wait_for_function("window.__rpc.premier !== undefined", timeout=60000)
                    t = pg.evaluate("window.__rpc")
                # what was fetched before the first result appeared (later fetches — older years — do not count)
                avant = pg.evaluate(
                    """p => [location.href].concat(performance.getEntriesByType('resource')
                                          .filter(e => e.startTime <= p).map(e => e.name))""",
                    t["premier"],
                )
                essai = {
                    "ms": max(0.0, t["premier"] - debut),
                    "ms_navigation": t["premier"],
                    "octets_gz": sum(octets(u) for u in avant),
                    "requetes": len(avant),
                    "recherche_gz": sum(
                        octets(u) for u in avant if "/recherche/" in u and not u.endswith("/recherche/") and "?q=" not in u
                    ),
                }
                if ou == "page":
                    pg.wait_for_function(_FIN_DE_LECTURE, timeout=120000)
                    statut = pg.inner_text("#rpc-resultats-statut")
                    n = re.match(r"(\d+) résultat", statut)
                    essai["resultats"] = int(n.group(1)) if n else 0
                    premier = pg.query_selector("#rpc-resultats .rpc-r a")
                    lien = premier.get_attribute("href") if premier else None  # absolute: from the site's root, as Pagefind's
                    essai["premier"] = "/" + lien[len(base) :] if lien and lien.startswith(base) else lien
                essais.append(essai)
                ctx.close()
            best = min(essais, key=lambda e: e["ms"])
            out.append({"ou": ou, "q": q, **best})
    return out


PAGE_PAGEFIND = """<!doctype html>
<html lang="fr"><meta charset="utf-8"><title>Pagefind</title>
<ol id="resultats"></ol>
<script type="module">
window.__pf = {debut: performance.now()};
const q = new URLSearchParams(location.search).get('q');
const pagefind = await import('/pagefind/pagefind.js');
const recherche = await pagefind.search(q);
const n = recherche.results.length;
const premier = n ? await recherche.results[0].data() : null;
if (premier) document.getElementById('resultats').insertAdjacentHTML('beforeend', '<li><a></a></li>');
window.__pf.premier = performance.now();
window.__pf.resultats = n;
window.__pf.url = premier ? premier.url : null;
</script>
</html>
"""
"""Pagefind's own JavaScript API on a page of its own: the time from the script's start (the page is
empty: nothing else to load) to the first result's data (its address and excerpt, what a results page shows first), the number of results."""


def mesurer_pagefind(site: Path, index: Path, requetes: list[str], repetitions: int = 3) -> list[dict]:
    """Pagefind's index `index` (built from `site`) queried in Chromium as `mesurer_navigateur` queries the
    site's results page: fresh context, best of N, the bytes fetched until the first result's data."""
    out = []
    with _chromium({"rpc": site, "pagefind": index}, {"pagefind.html": PAGE_PAGEFIND}) as (nav, base, octets):
        for q in requetes:
            essais = []
            for _ in range(repetitions):
                ctx = nav.new_context(viewport={"width": 1366, "height": 768})
                pg = ctx.new_page()
                lus: list[str] = []  # Pagefind reads its index from a web worker: its requests are not in the page's timeline
                pg.on("request", lambda r, lus=lus: lus.append(r.url))
                pg.goto(base + "pagefind.html?q=" + q)
                pg.wait_for_function("window.__pf && window.__pf.premier !== undefined", timeout=60000)
                t = pg.evaluate("window.__pf")
                essais.append(
                    {
                        "ms": t["premier"] - t["debut"],
                        "ms_navigation": t["premier"],
                        "octets_gz": sum(octets(u) for u in lus),
                        "requetes": len(lus),
                        "resultats": t["resultats"],
                        "premier": t["url"],
                    }
                )
                ctx.close()
            out.append({"q": q, **min(essais, key=lambda e: e["ms"])})
    return out


def bench(corpus, annees_liste=(1, 10), navigateur: bool = True, log=print) -> dict:
    """Build the indexes of the replicated corpus for each number of years, then measure in Chromium."""
    resultats = {}
    site = ROOT / "site"
    for annees in annees_liste:
        synth = corpus_replique(corpus, annees=annees)
        tmp = Path(tempfile.mkdtemp(prefix="rpc-bench-site-"))
        try:
            copie = tmp / "site"
            shutil.copytree(
                site, copie, copy_function=os.link if _meme_disque(site, tmp) else shutil.copy2, ignore=shutil.ignore_patterns("recherche")
            )
            (copie / "recherche").mkdir()
            shutil.copy2(site / "recherche" / "index.html", copie / "recherche" / "index.html")
            r = construire_index(synth, copie / "recherche")
            ancienne = r["manifeste"]["annees"][-1]["annee"]
            log(
                f"{annees} an(s) : {r['deliberations']} délibérations, {r['subventions']} subventions ; index construits sans cache en "
                f"{r['s']:.1f} s ({r['cpu']:.1f} s de processeur) ; {r['fichiers']} fichiers, {r['brut'] / 1e6:.1f} Mo ({r['gz'] / 1e6:.1f} Mo gzip), "
                f"dont vocabulaires des annexes {(r['brut'] - r['sans_annexes_brut']) / 1e6:.1f} Mo ({(r['gz'] - r['sans_annexes_gz']) / 1e6:.1f} Mo gzip) ; "
                f"chargé au premier caractère : {r['premier_gz'] / 1e3:.0f} Ko gzip ; une année complète : {r['annee_gz'] / 1e6:.2f} Mo gzip"
            )
            if navigateur:
                requetes = [
                    ("boite", "wancourt"),
                    ("boite", "amis du fort"),
                    ("boite", f"{ancienne}-243"),
                    ("page", "abribus"),
                    ("page", "collège"),
                    ("page", f"{ancienne}-243"),
                    ("page", MOT_RARE),
                    ("page", "piscine"),
                    ("page", MOT_RARE_ANNEXE),
                ]
                r["navigateur"] = mesurer_navigateur(copie, requetes)
                for m in r["navigateur"]:
                    log(
                        f"    {'boîte' if m['ou'] == 'boite' else 'page de résultats':<18} « {m['q']} » : premier résultat à {m['ms']:.0f} ms "
                        f"après le chargement de la page ({m['ms_navigation']:.0f} ms après la navigation), {m['octets_gz'] / 1e3:.0f} Ko gzip lus "
                        f"(dont recherche {m['recherche_gz'] / 1e3:.0f} Ko), {m['requetes']} requêtes"
                    )
            r.pop("manifeste")
            resultats[annees] = r
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    if annees_liste:
        resultats["incremental"] = bench_incremental(corpus, max(annees_liste), log)
    return resultats


def bench_incremental(corpus, annees: int, log=print) -> dict:
    """A month's publication: the indexes of `annees` years less one month are in the cache; time to
    index the corpus with that month added (what `make build` does after a new recueil)."""
    tmp = Path(tempfile.mkdtemp(prefix="rpc-bench-cache-"))
    try:
        cache = tmp / "cache"
        avant = construire_index(corpus_replique(corpus, annees=annees, mois_derniere_annee=11), tmp / "a", cache)
        apres = construire_index(corpus_replique(corpus, annees=annees), tmp / "b", cache)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    log(
        f"Publication d'un mois de plus sur {annees} ans, index précédents en cache (.cache/recherche) : {apres['s']:.1f} s "
        f"({apres['cpu']:.1f} s de processeur) ; la construction qui a rempli le cache : {avant['s']:.1f} s ({avant['cpu']:.1f} s de processeur)"
    )
    return {"s": apres["s"], "cpu": apres["cpu"], "remplissage_s": avant["s"]}


def _meme_disque(a: Path, b: Path) -> bool:
    return a.stat().st_dev == b.stat().st_dev


def main() -> int:
    if not (ROOT / "site" / "recherche" / "index.html").exists():
        print("Recherche sur le corpus réel reproduit sautée : site/ n'est pas construit ; `make build` le construit.")
        return 0
    corpus = Corpus.load(ROOT / "site_data", places.reference())
    absent = navigateur_absent()
    print(
        "Recherche : index d'un corpus reproduit sur 1 et 10 ans" + ("" if absent else ", mesures dans Chromium sans cache (meilleur de 3)")
    )
    if absent:
        print(absent)
    bench(corpus, navigateur=absent is None)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""`make bench`: what the pipeline costs, on the real corpus and on ten synthetic years, then search
(tools/bench_recherche.py: index size and build time over ten years, first result in Chromium).

1. Real corpus: parse time and peak memory of each source (fresh child process each).
2. Scale: a synthetic corpus (`tools.synthetique`: ten years × twelve monthly
   recueils) is built in a temporary root — never the repository's site/ — from
   scratch (no extraction cache), then one more month is added and the site rebuilt.
   For each build: wall time, each stage's time, and the peak memory of the build
   process and all its children summed (PSS, sampled from /proc every 0.2 s, because
   MkDocs, the extraction workers and the exports run as children of the build process). Then the
   number and total size of pages, the largest page, and the search payload
   (every file under site/search/ and site/recherche/).

3. PDF: 1,000- and 2,000-page text PDFs printed by Chromium from the real corpus, read as the build
   reads them (pdftotext), and the ratio of the two times (tools/bench_pdf.py).

Figures are printed and written to .build/bench.json and .build/bench.md; they are
reported in notes, never asserted by tests.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import shlex
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from generator import build
from generator.sources.boite import lister
from tools import bench_pdf, bench_recherche, synthetique
from tools.impression import CHROMIUM_ABSENT, chromium

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / ".build"
README = ROOT / "README.md"
REQUETES = ("wancourt", "collège", "baincthun", "voirie")
"""The results-page queries of issue 22: a commune, a common word with an accent, a rare commune, a scheme."""
INSTALLER_PAGEFIND = (
    "dans un environnement à part : `python3 -m venv /tmp/venv-pagefind && /tmp/venv-pagefind/bin/pip install 'pagefind[extended]'`, "
    "puis `make bench BENCH=\"--pagefind '/tmp/venv-pagefind/bin/python -m pagefind'\"`"
)


@dataclass(frozen=True)
class Options:
    """What the scale part measures beside the builds (`main`'s options)."""

    requetes: tuple[str, ...] = REQUETES
    repetitions: int = 3
    mkdocs_sans_recherche: bool = True
    pagefind: list[str] | None = None


_CHILD = r"""
import json, resource, sys, time
sys.path.insert(0, {root!r})
from pathlib import Path
from generator.parse.ingest import ingest_source
from generator.lieux.localisation import localise
from generator.lieux import places
places.reference()
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
t = time.perf_counter()
ex = localise(ingest_source(Path({path!r})))
dt = time.perf_counter() - t
print(json.dumps({{"s": dt, "rss_mo": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "rss_base_mo": base / 1024, "delibs": len(ex.document.deliberations), "subs": len(ex.subventions)}}))
"""

_BUILD = r"""
import json, sys
sys.path.insert(0, {root!r})
from pathlib import Path
from generator import build
lines = []
code = build.run(Path({target!r}), log=lines.append)
print(json.dumps({{"code": code, "log": lines[:4]}}))
"""


def bench_sources(repeat: int = 3, projet: Path = ROOT) -> list[dict]:
    rows = []
    for p in (e.chemin for e in lister(projet / "site_data" / "sources").fichiers):
        runs = []
        for _ in range(repeat):
            out = subprocess.run(
                [sys.executable, "-c", _CHILD.format(root=str(ROOT), path=str(p))], capture_output=True, text=True, check=True
            )
            runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
        best = min(runs, key=lambda r: r["s"])
        rows.append({"source": p.name, "taille_mo": p.stat().st_size / 1e6, **best})
    return rows


# ----------------------------------------------------------------------------- memory of a process tree


def _tree(pid: int) -> list[int]:
    """`pid` and all its descendants (Linux /proc)."""
    children: dict[int, list[int]] = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open(f"/proc/{d}/stat", "rb") as f:
                    children.setdefault(int(f.read().rsplit(b")", 1)[1].split()[1]), []).append(int(d))
            except (OSError, IndexError, ValueError):
                continue
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo += children.get(p, [])
    return out


def _memoire_kb(pids: list[int]) -> tuple[int, int]:
    """(summed RSS, summed PSS) in kB. PSS counts a page shared by forked processes once, split
    between them: the memory the tree really occupies."""
    rss = pss = 0
    for p in pids:
        try:
            with open(f"/proc/{p}/smaps_rollup") as f:
                for line in f:
                    if line.startswith("Rss:"):
                        rss += int(line.split()[1])
                    elif line.startswith("Pss:"):
                        pss += int(line.split()[1])
        except OSError:
            continue
    return rss, pss


def run_measured(cmd: list[str], cwd: Path, env: dict | None = None) -> dict:
    """Run `cmd`; wall time, CPU time (all its processes) and the peak memory of its process tree, sampled
    every 0.2 s from /proc/<pid>/smaps_rollup of each process: `pic_mo` the peak of the summed PSS (a page
    shared by forked processes counted once, split between them: what the tree really occupies), `pic_rss_mo`
    the peak of the summed RSS (a shared page counted in every process that maps it: an over-count).
    The load average before the run says whether other work shared the cores."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    charge = os.getloadavg()[0]
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    peak = [0, 0]
    serie: list[tuple[float, int]] = []
    done = threading.Event()

    def sample():  # every 0.2 s: the sampling itself must not take the cores it measures
        while not done.is_set():
            rss, pss = _memoire_kb(_tree(proc.pid))
            peak[0], peak[1] = max(peak[0], rss), max(peak[1], pss)
            serie.append((time.perf_counter() - t, pss))
            done.wait(0.2)

    th = threading.Thread(target=sample, daemon=True)
    th.start()
    out, err = proc.communicate()
    done.set()
    th.join()
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {
        "s": wall,
        "cpu_s": cpu,
        "charge": charge,
        "pic_mo": peak[1] / 1024,
        "pic_rss_mo": peak[0] / 1024,
        "serie": serie,
        "code": proc.returncode,
        "stdout": out,
        "stderr": err,
    }


# ----------------------------------------------------------------------------- the synthetic site
def build_in(root: Path) -> dict:
    r = run_measured([sys.executable, "-c", _BUILD.format(root=str(ROOT), target=str(root))], cwd=ROOT)
    if r["code"] != 0:
        raise RuntimeError(f"construction en échec ({r['code']}) :\n{r['stderr'][-3000:]}")
    info = json.loads(r["stdout"].strip().splitlines()[-1])
    durees: dict[str, float] = {}
    cpu: dict[str, float] = {}
    for line in info["log"]:
        for label, into in (("Durées : ", durees), ("Temps CPU (tous processus) : ", cpu)):
            if line.startswith(label):
                for part in line[len(label) :].split(", "):
                    k, v, _ = part.rsplit(" ", 2)
                    into[k] = float(v)
    # peak memory of each stage: the stages run one after the other from the start of the process
    pics, debut = {}, 0.0
    for k, v in durees.items():
        if k.startswith("dont "):
            continue
        pics[k] = round(max((m for ts, m in r["serie"] if debut <= ts <= debut + v + 0.5), default=0) / 1024)
        debut += v
    return {
        "s": round(r["s"], 1),
        "cpu_s": round(r["cpu_s"], 1),
        "charge_avant": round(r["charge"], 1),
        "pic_mo": round(r["pic_mo"]),
        "pic_rss_somme_mo": round(r["pic_rss_mo"]),
        "pic_par_etape_mo": pics,
        "etapes_s": durees,
        "etapes_cpu_s": cpu,
        "resume": info["log"][0],
        "code_retour": info["code"],
    }


def mkdocs_sans_recherche(root: Path) -> dict | None:
    """Stage 9 again without Material's search plugin (which reads the HTML of every page): what
    MkDocs costs once the site's own search replaces it. None when the config has no such plugin."""
    text = (root / "mkdocs.yml").read_text(encoding="utf-8")
    variant = re.sub(r"^[ \t]+- search:?.*\n(?:[ \t]{6,}.*\n)*", "", text, flags=re.M)  # rpc-rapide stays listed
    if variant == text:
        return None
    cfg = root / "mkdocs-sans-recherche.yml"
    cfg.write_text(variant, encoding="utf-8")
    out = root / ".build" / "site-sans-recherche"
    env = dict(os.environ, PYTHONPATH=str(ROOT), SOURCE_DATE_EPOCH="0")
    r = run_measured(
        [sys.executable, "-m", "generator.mkdocs_plugin", "--config-file", str(cfg), "--site-dir", str(out)], cwd=root, env=env
    )
    shutil.rmtree(out, ignore_errors=True)
    cfg.unlink()
    if r["code"] != 0:
        raise RuntimeError(r["stderr"][-3000:])
    return {"s": round(r["s"], 1), "cpu_s": round(r["cpu_s"], 1), "pic_mo": round(r["pic_mo"])}


def site_figures(site: Path) -> dict:
    pages = sorted(site.rglob("*.html"))
    sizes = {p: p.stat().st_size for p in pages}
    largest = max(pages, key=lambda p: (sizes[p], str(p)))
    fichiers = {f: f.stat().st_size for f in site.rglob("*") if f.is_file()}
    total = sum(fichiers.values())
    plus_gros = max(fichiers, key=lambda f: (fichiers[f], str(f)))
    search = [f for d in ("search", "recherche") if (site / d).is_dir() for f in (site / d).rglob("*") if f.is_file()]
    over = sorted((p for p in pages if sizes[p] > 1_000_000), key=lambda p: -sizes[p])
    return {
        "pages_html": len(pages),
        "pages_mo": round(sum(sizes.values()) / 1e6, 1),
        "site_mo": round(total / 1e6, 1),
        "plus_gros_fichier": plus_gros.relative_to(site).as_posix(),
        "plus_gros_fichier_mo": round(fichiers[plus_gros] / 1e6, 1),
        "fichiers_plus_de_100_mo": sorted(f.relative_to(site).as_posix() for f, n in fichiers.items() if n > 100_000_000),
        "plus_grande_page": largest.relative_to(site).as_posix(),
        "plus_grande_page_ko": round(sizes[largest] / 1e3),
        "pages_plus_de_1_mo": [f"{p.relative_to(site).as_posix()} ({sizes[p] / 1e6:.2f} Mo)" for p in over[:20]],
        "nombre_pages_plus_de_1_mo": len(over),
        "recherche_fichiers": len(search),
        "recherche_mo": round(sum(f.stat().st_size for f in search) / 1e6, 2),
        "recherche_plus_gros_fichier_ko": round(max((f.stat().st_size for f in search), default=0) / 1e3),
    }


def _racine(garder: Path | None) -> Path:
    tmp = Path(tempfile.mkdtemp(prefix="rpc-bench-")) if garder is None else garder
    if garder is not None:
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
    return tmp


def _corpus(tmp: Path, annees: int, projet: Path) -> tuple[dict, list[synthetique.Mois]]:
    """`annees` synthetic years (and one month more, not written) in a new root holding what `projet` holds."""
    build.prepare_root(tmp, projet)
    sources = tmp / "site_data" / "sources"
    t = time.perf_counter()
    months = synthetique.ecrire(sources, annees, mois_en_plus=1, seulement=range(annees * 12), sources=projet / "site_data" / "sources")
    gen_s = time.perf_counter() - t
    corpus = months[: annees * 12]
    info = {
        "annees": annees,
        "recueils": len(corpus),
        "deliberations": sum(m.deliberations for m in corpus),
        "subventions": sum(m.subventions for m in corpus),
        "sources_mo": round(sum(p.stat().st_size for p in sources.iterdir()) / 1e6),
        "generation_s": round(gen_s, 1),
    }
    print(f"Corpus synthétique : {info}", flush=True)
    return info, months


def bench_echelle(annees: int, garder: Path | None = None, projet: Path = ROOT, options: Options | None = None) -> dict:
    """The synthetic years built in a new root holding what `projet` holds (configuration, theme, pages,
    reference data, corrections), the months made from the model recueil of `projet`'s inbox; then one
    month added; then search on the built site, in Chromium, and Pagefind's on the same site when installed."""
    o = options or Options()
    tmp = _racine(garder)
    try:
        corpus, months = _corpus(tmp, annees, projet)
        res: dict = {"corpus": corpus}
        complete = res["construction_complete"] = build_in(tmp)
        complete.update(site_figures(tmp / "site"))
        print(f"Construction complète : {complete['s']} s", flush=True)
        extra = months[-1]
        (tmp / "site_data" / "sources" / extra.nom).write_text(extra.texte, encoding="utf-8")
        ajout = res["ajout_un_mois"] = build_in(tmp)
        ajout["recueil_ajoute"] = extra.nom
        ajout.update(site_figures(tmp / "site"))
        print(f"Un mois ajouté : {ajout['s']} s", flush=True)
        res["mkdocs_sans_plugin_recherche"] = mkdocs_sans_recherche(tmp) if o.mkdocs_sans_recherche else None
        if o.requetes:
            res.update(bench_recherche_site(tmp, o))
        return res
    finally:
        if garder is None:
            shutil.rmtree(tmp, ignore_errors=True)


def bench_annees(annees: int, projet: Path = ROOT) -> dict:
    """One point of the scaling curve: `annees` synthetic years built from scratch in a temporary root."""
    tmp = _racine(None)
    try:
        corpus, _ = _corpus(tmp, annees, projet)
        b = build_in(tmp)
        print(f"{annees} an(s) construits en {b['s']} s, pic {b['pic_mo']} Mo", flush=True)
        return {"corpus": corpus, "construction": b}
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def bench_recherche_site(racine: Path, o: Options) -> dict:
    """On the site built in `racine`: the results page of each query in Chromium (fresh context, best of
    N), then Pagefind indexing the same site and answering the same queries, when it is installed."""
    site = racine / "site"
    out: dict = {"recherche_page": [], "pagefind_index": None, "pagefind_page": [], "sautees": []}
    absent = bench_recherche.navigateur_absent()
    if absent:
        out["sautees"].append(absent)
        print(absent, flush=True)
        return out
    out["recherche_page"] = bench_recherche.mesurer_navigateur(site, [("page", q) for q in o.requetes], o.repetitions)
    for m in out["recherche_page"]:
        print(f"  « {m['q']} » : {m['ms']:.0f} ms, {m['octets_gz'] / 1e3:.0f} Ko, {m['resultats']} résultat(s)", flush=True)
    commande = o.pagefind or pagefind_par_defaut()
    if not commande:
        phrase = f"Pagefind sauté : il n'est pas installé ; {INSTALLER_PAGEFIND}."
        out["sautees"].append(phrase)
        print(phrase, flush=True)
        return out
    index = racine / "pagefind"
    shutil.rmtree(index, ignore_errors=True)
    r = run_measured([*commande, "--site", str(site), "--output-path", str(index)], cwd=racine)
    if r["code"] != 0:
        raise RuntimeError(f"Pagefind en échec ({r['code']}) :\n{r['stderr'][-3000:]}")
    taille = [f.stat().st_size for f in index.rglob("*") if f.is_file()]
    out["pagefind_index"] = {
        "commande": " ".join(commande),
        "version": subprocess.run([*commande, "--version"], capture_output=True, text=True).stdout.strip(),
        "s": round(r["s"], 1),
        "cpu_s": round(r["cpu_s"], 1),
        "pic_mo": round(r["pic_mo"]),
        "fichiers": len(taille),
        "mo": round(sum(taille) / 1e6, 1),
    }
    print(f"Pagefind : index en {r['s']:.1f} s, {sum(taille) / 1e6:.1f} Mo", flush=True)
    out["pagefind_page"] = bench_recherche.mesurer_pagefind(site, index, list(o.requetes), o.repetitions)
    for m in out["pagefind_page"]:
        print(f"  Pagefind « {m['q']} » : {m['ms']:.0f} ms, {m['octets_gz'] / 1e3:.0f} Ko, {m['resultats']} résultat(s)", flush=True)
    return out


def pagefind_par_defaut() -> list[str] | None:
    """Pagefind's command when it is on the PATH (`pip install 'pagefind[extended]'` installs `pagefind_extended`)."""
    chemin = shutil.which("pagefind_extended") or shutil.which("pagefind")
    return [chemin] if chemin else None


def rapport_md(res: dict) -> str:
    c, f, a = res["corpus"], res["construction_complete"], res["ajout_un_mois"]

    def etapes(b):
        cpu, pic = b.get("etapes_cpu_s", {}), b.get("pic_par_etape_mo", {})
        return ", ".join(
            f"{k} {v:.1f} s" + (f" ({cpu[k]:.1f} s CPU, pic {pic[k]} Mo)" if k in cpu else "") for k, v in b["etapes_s"].items()
        )

    lines = [
        "# Mesures d'échelle (`make bench`)",
        "",
        f"Corpus synthétique : {c['recueils']} recueils mensuels, {c['deliberations']} délibérations, "
        f"{c['subventions']} subventions, {c['sources_mo']} Mo de texte source.",
        "",
        "| | durée | temps CPU (2 cœurs) | pic mémoire (PSS) | étapes | charge avant |",
        "|---|---|---|---|---|---|",
        f"| construction complète (sans cache) | {f['s']} s | {f['cpu_s']} s | {f['pic_mo']} Mo | {etapes(f)} | {f['charge_avant']} |",
        f"| après ajout d'un mois | {a['s']} s | {a['cpu_s']} s | {a['pic_mo']} Mo | {etapes(a)} | {a['charge_avant']} |",
        "",
    ]
    m = res.get("mkdocs_sans_plugin_recherche")
    if m:
        lines += [
            f"Étape MkDocs sans le plugin de recherche de Material (remplacé par la recherche du site) : {m['s']} s, "
            f"{m['cpu_s']} s CPU, pic {m['pic_mo']} Mo.",
            "",
        ]
    lines += [
        f"Pic mémoire : somme des PSS des processus de la construction (une page partagée par des processus "
        f"issus d'un même fork comptée une fois), relevée toutes les 0,2 s ; la somme de leurs RSS, qui compte une "
        f"page partagée dans chacun, montait à {f['pic_rss_somme_mo']} Mo (construction complète).",
        "",
        f"Pages HTML : {a['pages_html']} ({a['pages_mo']} Mo ; site complet {a['site_mo']} Mo). "
        f"Plus grande page : {a['plus_grande_page']} ({a['plus_grande_page_ko']} Ko). "
        f"Pages de plus de 1 Mo : {a['nombre_pages_plus_de_1_mo']}.",
        "",
        f"Recherche : {a['recherche_fichiers']} fichier(s), {a['recherche_mo']} Mo "
        f"(plus gros fichier {a['recherche_plus_gros_fichier_ko']} Ko).",
        "",
    ]
    return "\n".join(lines)


def _recherche(mesures: list[dict]) -> list[dict]:
    return [
        {"q": m["q"], "ms": round(m["ms"]), "kb": round(m["octets_gz"] / 1e3), "results": m["resultats"], "first": m["premier"]}
        for m in mesures
    ]


def machine() -> str:
    """The processor, its cores and the memory, from /proc: what the figures were measured on."""
    try:
        cpu, mem = Path("/proc/cpuinfo").read_text(), Path("/proc/meminfo").read_text()
    except OSError:
        cpu = mem = ""
    modele = next((l.split(":", 1)[1].strip() for l in cpu.splitlines() if l.startswith("model name")), "")
    memoire = next((int(l.split()[1]) for l in mem.splitlines() if l.startswith("MemTotal:")), 0)
    return f"{modele or platform.machine()}, {os.cpu_count()} cœur(s), {memoire / 1024**2:.0f} Go de mémoire, Python {platform.python_version()}"


def resume(res: dict, courbe: list[dict]) -> dict:
    """The top-level figures of issue 22, in its units: seconds, MB (10^6 bytes; memory in MiB), KB (10^3 bytes);
    `years`: the scaling curve (full builds), `search` / `pagefind`: the results page of each query."""
    f = res["construction_complete"]
    return {
        "full_build_s": f["s"],
        "full_build_peak_mb": f["pic_mo"],
        "add_month_s": res["ajout_un_mois"]["s"],
        "site_mb": f["site_mo"],
        "largest_file_mb": f["plus_gros_fichier_mo"],
        "largest_page_kb": f["plus_grande_page_ko"],
        "years": sorted(courbe, key=lambda c: c["years"]),
        "search": _recherche(res.get("recherche_page") or []),
        "pagefind": _recherche(res.get("pagefind_page") or []),
    }


DEBUT, FIN = "<!-- mesures : début (python -m tools.bench --readme) -->", "<!-- mesures : fin -->"


def _f(x: float, decimales: int = 0) -> str:
    """A figure written the French way: 1 557, 45,9."""
    return f"{x:,.{decimales}f}".replace(",", "\u202f").replace(".", ",")


def _resultats(n: int) -> str:
    return f"{_f(n)} résultat{'s' if n > 1 else ''}"


def tableau_readme(res: dict) -> str:
    """The README's figures, written from bench.json (never typed by hand)."""
    c, f = res["corpus"], res["construction_complete"]
    lignes = [
        f"Mesuré le {res['date']} sur {res['machine']} (charge avant la construction : {_f(f['charge_avant'], 1)}) : "
        f"{c['annees']} ans synthétiques, {_f(c['recueils'])} recueils, {_f(c['deliberations'])} délibérations, "
        f"{_f(c['subventions'])} subventions, {_f(c['sources_mo'])} Mo de texte source. "
        "Tableau écrit par `python -m tools.bench --readme` depuis `.build/bench.json`.",
        "",
        "| | mesure | objectif |",
        "|---|---|---|",
        f"| construction complète | {_f(res['full_build_s'], 1)} s ({_f(f['cpu_s'])} s de processeur), pic {_f(res['full_build_peak_mb'])} Mo "
        "| ≤ 60 s, ≤ 1 Go |",
        f"| un mois ajouté | {_f(res['add_month_s'], 1)} s ({_f(res['ajout_un_mois']['cpu_s'])} s de processeur) | ≤ 10 s |",
        f"| site publié | {_f(res['site_mb'])} Mo | ≤ 1 Go |",
        f"| plus gros fichier | {_f(res['largest_file_mb'], 1)} Mo (`{f['plus_gros_fichier']}`) | ≤ 100 Mo |",
        f"| plus grande page | {_f(res['largest_page_kb'])} Ko (`{f['plus_grande_page']}`) | ≤ 300 Ko |",
    ]
    if len(res["years"]) > 1:
        lignes += ["", "| années | construction complète | pic mémoire |", "|---:|---:|---:|"]
        lignes += [f"| {y['years']} | {_f(y['build_s'], 1)} s | {_f(y['peak_mb'])} Mo |" for y in res["years"]]
    if res["search"]:
        pf = {m["q"]: m for m in res["pagefind"]}
        lignes += [
            "",
            "Page de résultats dans Chromium (contexte neuf, meilleur de "
            f"{res.get('repetitions', 3)}) : délai du premier résultat, octets lus (gzip) jusque-là, nombre de résultats"
            + (
                " ; Pagefind sur le même site, interrogé par sa propre API JavaScript depuis une page vide (sans le thème du site)"
                if pf
                else " ; Pagefind absent de cette mesure (non installé)"
            )
            + ".",
            "",
            "| requête | ce site | Pagefind |",
            "|---|---|---|",
        ]
        for m in res["search"]:
            p = pf.get(m["q"])
            autre = f"{_f(p['ms'])} ms, {_f(p['kb'])} Ko, {_resultats(p['results'])}" if p else "—"
            lignes.append(f"| {m['q']} | {_f(m['ms'])} ms, {_f(m['kb'])} Ko, {_resultats(m['results'])} | {autre} |")
        index = res.get("pagefind_index")
        if index:
            lignes += ["", f"Index Pagefind ({index['version']}) : {_f(index['s'], 1)} s, {_f(index['mo'], 1)} Mo."]
    pdf = res.get("pdf")
    if pdf and len(pdf["mesures"]) >= 2:
        m1, m2 = pdf["mesures"][0], pdf["mesures"][-1]
        lignes += [
            "",
            f"Lecture de PDF imprimés par Chromium : {_f(m1['pages'])} pages en {_f(m1['s'], 1)} s, {_f(m2['pages'])} pages en "
            f"{_f(m2['s'], 1)} s (rapport {_f(pdf['rapport'], 2)} ; objectif ≤ 10 s et ≤ 2,2).",
        ]
    return "\n".join(lignes) + "\n"


def ecrire_readme(res: dict) -> None:
    """Replace what lies between the two markers of the README by `tableau_readme(res)`."""
    readme = README
    texte = readme.read_text(encoding="utf-8")
    if DEBUT not in texte or FIN not in texte:
        raise SystemExit(f"{readme.name} n'a pas les repères {DEBUT} et {FIN} : ajoutez-les là où les mesures doivent aller.")
    avant, reste = texte.split(DEBUT, 1)
    apres = reste.split(FIN, 1)[1]
    readme.write_text(f"{avant}{DEBUT}\n{tableau_readme(res)}\n{FIN}{apres}", encoding="utf-8")


def _annees(texte: str) -> list[int]:
    try:
        annees = sorted({int(x) for x in texte.split(",") if x.strip()})
    except ValueError:
        annees = []
    if not annees or annees[0] < 0:
        raise argparse.ArgumentTypeError(f"« {texte} » : donnez des nombres d'années séparés par des virgules, par exemple 1,5,10,20")
    return annees


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m tools.bench")
    p.add_argument(
        "--annees",
        type=_annees,
        help="années de corpus synthétique (10 par défaut) ; une liste (1,5,10,20) trace la courbe d'échelle : "
        "chaque nombre est construit de zéro, et 10 (ou le plus grand) est aussi mesuré avec un mois ajouté et la recherche",
    )
    p.add_argument(
        "--rapide",
        action="store_true",
        help="essai rapide : un mois seulement (sauf --annees), sans les sources réelles, les PDF, MkDocs sans recherche "
        "ni le corpus reproduit, une seule mesure par requête",
    )
    p.add_argument("--sans-sources", action="store_true", help="ne pas mesurer les sources réelles une à une")
    p.add_argument("--garder", type=Path, help="construire dans ce dossier et le garder (sinon dossier temporaire effacé)")
    p.add_argument(
        "--projet",
        type=Path,
        default=ROOT,
        help="projet dont la configuration, les corrections et le recueil modèle (boîte de dépôt) sont repris (celui-ci par défaut)",
    )
    p.add_argument("--sans-pdf", action="store_true", help="ne pas mesurer la lecture des PDF de 1 000 et 2 000 pages (tools/bench_pdf.py)")
    p.add_argument("--sans-recherche", action="store_true", help="ne pas mesurer la recherche dans Chromium (tools/bench_recherche.py)")
    p.add_argument("--pagefind", type=shlex.split, help=f"commande de Pagefind, à comparer sur le même site (sinon : {INSTALLER_PAGEFIND})")
    p.add_argument("--readme", action="store_true", help="écrire les mesures dans README.md, entre ses deux repères")
    p.add_argument("--depuis", type=Path, help="ne rien mesurer : reprendre les mesures de ce fichier (avec --readme)")
    a = p.parse_args(argv)
    if a.depuis:
        if not a.depuis.is_file():
            print(f"{a.depuis} introuvable : lancez `make bench` d'abord (il écrit .build/bench.json).")
            return 1
        ecrire_readme(json.loads(a.depuis.read_text(encoding="utf-8")))
        print(f"Mesures de {a.depuis} écrites dans {README.name}.")
        return 0
    annees = a.annees or ([0] if a.rapide else [10])
    principal = 10 if 10 in annees else annees[-1]
    options = Options(repetitions=1 if a.rapide else 3, mkdocs_sans_recherche=not a.rapide, pagefind=a.pagefind)
    res: dict = {"date": time.strftime("%Y-%m-%d", time.gmtime()), "machine": machine(), "repetitions": options.repetitions}
    if not (a.sans_sources or a.rapide):
        print("Extraction par source réelle (meilleur de 3, processus neuf ; mémoire = pic du processus, référentiel compris)")
        res["sources"] = bench_sources(projet=a.projet)
        for r in res["sources"]:
            print(
                f"  {r['source']:<32} {r['taille_mo']:6.2f} Mo  {r['s']:6.2f} s  pic {r['rss_mo']:7.1f} Mo "
                f"(dont {r['rss_base_mo']:.1f} Mo avant lecture)  {r['delibs']} délib., {r['subs']} subventions"
            )
    if a.sans_pdf or a.rapide:
        pass
    elif chromium() is None:
        print(f"Lecture de PDF imprimés par Chromium sautée : {CHROMIUM_ABSENT}.")
    else:
        print("Lecture de PDF de 1 000 et 2 000 pages imprimés par Chromium (tools/bench_pdf.py)")
        res["pdf"] = bench_pdf.mesurer()
        print(bench_pdf.rapport_md(res["pdf"]))
    if a.sans_recherche:
        options = Options(requetes=(), repetitions=options.repetitions, mkdocs_sans_recherche=options.mkdocs_sans_recherche)
    res.update(bench_echelle(principal, a.garder, a.projet, options))
    courbe = [{"years": principal, "build_s": res["construction_complete"]["s"], "peak_mb": res["construction_complete"]["pic_mo"]}]
    res["courbe"] = {}
    for n in annees:
        if n != principal:
            point = res["courbe"][str(n)] = bench_annees(n, a.projet)
            courbe.append({"years": n, "build_s": point["construction"]["s"], "peak_mb": point["construction"]["pic_mo"]})
    res = {**resume(res, courbe), **res}
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "bench.json").write_text(json.dumps(res, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    md = rapport_md(res) + "\n" + tableau_readme(res) + ("\n" + bench_pdf.rapport_md(res["pdf"]) if "pdf" in res else "")
    (OUT / "bench.md").write_text(md, encoding="utf-8")
    print(md)
    print(f"(détail : {OUT / 'bench.json'})")
    if a.readme:
        ecrire_readme(res)
        print(f"Mesures écrites dans {README.name}.")
    if a.sans_recherche or a.rapide:
        return 0
    return bench_recherche.main()


if __name__ == "__main__":
    raise SystemExit(main())

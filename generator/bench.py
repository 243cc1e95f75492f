"""`make bench`: what the pipeline costs, on the real corpus and on ten synthetic years.

1. Real corpus: parse time and peak memory of each source (fresh child process each).
2. Scale: a synthetic corpus (`generator.synthetique`: ten years × twelve monthly
   recueils) is built in a temporary root — never the repository's site/ — from
   scratch (no extraction cache), then one more month is added and the site rebuilt.
   For each build: wall time, each stage's time, and the peak memory of the build
   process and all its children summed (sampled from /proc every 50 ms, because
   MkDocs runs as a child while the build process still holds its data). Then the
   number and total size of pages, the largest page, and the search payload
   (every file under site/search/ and site/recherche/).

Figures are printed and written to .build/bench.json and .build/bench.md; they are
reported in notes, never asserted by tests.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / ".build"

_CHILD = r"""
import json, resource, sys, time
sys.path.insert(0, {root!r})
from pathlib import Path
from generator.ingest import ingest_source
from generator.localisation import localise
from generator import places
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
print(json.dumps({{"code": code, "log": lines[:3]}}))
"""


def bench_sources(repeat: int = 3) -> list[dict]:
    from .build import source_files

    rows = []
    for p in source_files(ROOT / "site_data" / "sources"):
        runs = []
        for _ in range(repeat):
            out = subprocess.run([sys.executable, "-c", _CHILD.format(root=str(ROOT), path=str(p))], capture_output=True, text=True, check=True)
            runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
        best = min(runs, key=lambda r: r["s"])
        rows.append({"source": p.name, "taille_mo": p.stat().st_size / 1e6, **best})
    return rows


# ----------------------------------------------------------------------------- memory of a process tree
def _rss_tree_kb(pid: int) -> int:
    """Resident memory of `pid` and all its descendants, in kB (Linux /proc)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat", "rb") as f:
                stat = f.read().rsplit(b")", 1)[1].split()
            ppid = int(stat[1])
            rss[int(d)] = int(stat[21]) * (os.sysconf("SC_PAGE_SIZE") // 1024)
            children.setdefault(ppid, []).append(int(d))
        except (OSError, IndexError, ValueError):
            continue
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        total += rss.get(p, 0)
        todo += children.get(p, [])
    return total


def run_measured(cmd: list[str], cwd: Path) -> dict:
    """Run `cmd`; wall time and peak summed RSS of its process tree (sampled every 50 ms)."""
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = [0]
    done = threading.Event()

    def sample():
        while not done.is_set():
            peak[0] = max(peak[0], _rss_tree_kb(proc.pid))
            done.wait(0.05)

    th = threading.Thread(target=sample, daemon=True)
    th.start()
    out, err = proc.communicate()
    done.set()
    th.join()
    return {"s": time.perf_counter() - t, "pic_mo": peak[0] / 1024, "code": proc.returncode, "stdout": out, "stderr": err}


# ----------------------------------------------------------------------------- the synthetic site
def prepare_root(root: Path) -> None:
    """A project root holding what a build reads, without the real sources."""
    shutil.copy(ROOT / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copytree(ROOT / "overrides", root / "overrides")
    from .render import GENERATED_DIRS

    shutil.copytree(ROOT / "content", root / "content", ignore=shutil.ignore_patterns(
        *GENERATED_DIRS, "donnees", "index.md", "controle.md", "flux.xml"))
    (root / "site_data" / "sources").mkdir(parents=True)
    if (ROOT / "site_data" / "corrections.yaml").exists():
        shutil.copy(ROOT / "site_data" / "corrections.yaml", root / "site_data" / "corrections.yaml")
    shutil.copytree(ROOT / "site_data" / "reference", root / "site_data" / "reference")


def build_in(root: Path) -> dict:
    r = run_measured([sys.executable, "-c", _BUILD.format(root=str(ROOT), target=str(root))], cwd=ROOT)
    if r["code"] != 0:
        raise RuntimeError(f"construction en échec ({r['code']}) :\n{r['stderr'][-3000:]}")
    info = json.loads(r["stdout"].strip().splitlines()[-1])
    durees = {}
    for line in info["log"]:
        if line.startswith("Durées : "):
            for part in line[len("Durées : "):].split(", "):
                k, v, _ = part.rsplit(" ", 2)
                durees[k] = float(v)
    return {"s": round(r["s"], 1), "pic_mo": round(r["pic_mo"]), "etapes_s": durees, "resume": info["log"][0], "code_retour": info["code"]}


def site_figures(site: Path) -> dict:
    pages = sorted(site.rglob("*.html"))
    sizes = {p: p.stat().st_size for p in pages}
    largest = max(pages, key=lambda p: (sizes[p], str(p)))
    total = sum(f.stat().st_size for f in site.rglob("*") if f.is_file())
    search = [f for d in ("search", "recherche") if (site / d).is_dir() for f in (site / d).rglob("*") if f.is_file()]
    over = sorted((p for p in pages if sizes[p] > 1_000_000), key=lambda p: -sizes[p])
    return {
        "pages_html": len(pages), "pages_mo": round(sum(sizes.values()) / 1e6, 1), "site_mo": round(total / 1e6, 1),
        "plus_grande_page": largest.relative_to(site).as_posix(), "plus_grande_page_ko": round(sizes[largest] / 1e3),
        "pages_plus_de_1_mo": [f"{p.relative_to(site).as_posix()} ({sizes[p] / 1e6:.2f} Mo)" for p in over[:20]],
        "nombre_pages_plus_de_1_mo": len(over),
        "recherche_fichiers": len(search), "recherche_mo": round(sum(f.stat().st_size for f in search) / 1e6, 2),
        "recherche_plus_gros_fichier_ko": round(max((f.stat().st_size for f in search), default=0) / 1e3),
    }


def bench_echelle(annees: int, garder: Path | None = None) -> dict:
    from . import synthetique

    tmp = Path(tempfile.mkdtemp(prefix="rpc-bench-")) if garder is None else garder
    if garder is not None:
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
    try:
        prepare_root(tmp)
        sources = tmp / "site_data" / "sources"
        t = time.perf_counter()
        months = synthetique.ecrire(sources, annees, mois_en_plus=1, seulement=range(annees * 12))
        gen_s = time.perf_counter() - t
        corpus = months[:annees * 12]
        res = {
            "corpus": {"recueils": len(corpus), "deliberations": sum(m.deliberations for m in corpus),
                       "subventions": sum(m.subventions for m in corpus),
                       "sources_mo": round(sum(p.stat().st_size for p in sources.iterdir()) / 1e6),
                       "generation_s": round(gen_s, 1)},
        }
        print(f"Corpus synthétique : {res['corpus']}", flush=True)
        res["construction_complete"] = build_in(tmp)
        res["construction_complete"].update(site_figures(tmp / "site"))
        print(f"Construction complète : {res['construction_complete']['s']} s", flush=True)
        extra = months[-1]
        (sources / extra.nom).write_text(extra.texte, encoding="utf-8")
        res["ajout_un_mois"] = build_in(tmp)
        res["ajout_un_mois"]["recueil_ajoute"] = extra.nom
        res["ajout_un_mois"].update(site_figures(tmp / "site"))
        return res
    finally:
        if garder is None:
            shutil.rmtree(tmp, ignore_errors=True)


def rapport_md(res: dict) -> str:
    c, f, a = res["corpus"], res["construction_complete"], res["ajout_un_mois"]
    def etapes(b):
        return ", ".join(f"{k} {v:.1f} s" for k, v in b["etapes_s"].items())
    lines = [
        "# Mesures d'échelle (`make bench`)", "",
        f"Corpus synthétique : {c['recueils']} recueils mensuels, {c['deliberations']} délibérations, "
        f"{c['subventions']} subventions, {c['sources_mo']} Mo de texte source.", "",
        "| | durée | pic mémoire | étapes |", "|---|---|---|---|",
        f"| construction complète (sans cache) | {f['s']} s | {f['pic_mo']} Mo | {etapes(f)} |",
        f"| après ajout d'un mois | {a['s']} s | {a['pic_mo']} Mo | {etapes(a)} |", "",
        f"Pages HTML : {a['pages_html']} ({a['pages_mo']} Mo ; site complet {a['site_mo']} Mo). "
        f"Plus grande page : {a['plus_grande_page']} ({a['plus_grande_page_ko']} Ko). "
        f"Pages de plus de 1 Mo : {a['nombre_pages_plus_de_1_mo']}.", "",
        f"Recherche : {a['recherche_fichiers']} fichier(s), {a['recherche_mo']} Mo "
        f"(plus gros fichier {a['recherche_plus_gros_fichier_ko']} Ko).", "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m generator.bench")
    p.add_argument("--annees", type=int, default=10, help="années de corpus synthétique (10 par défaut)")
    p.add_argument("--sans-sources", action="store_true", help="ne pas mesurer les sources réelles une à une")
    p.add_argument("--garder", type=Path, help="construire dans ce dossier et le garder (sinon dossier temporaire effacé)")
    a = p.parse_args(argv)
    res: dict = {}
    if not a.sans_sources:
        print("Extraction par source réelle (meilleur de 3, processus neuf ; mémoire = pic du processus, référentiel compris)")
        res["sources"] = bench_sources()
        for r in res["sources"]:
            print(f"  {r['source']:<32} {r['taille_mo']:6.2f} Mo  {r['s']:6.2f} s  pic {r['rss_mo']:7.1f} Mo "
                  f"(dont {r['rss_base_mo']:.1f} Mo avant lecture)  {r['delibs']} délib., {r['subs']} subventions")
    res.update(bench_echelle(a.annees, a.garder))
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "bench.json").write_text(json.dumps(res, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    md = rapport_md(res)
    (OUT / "bench.md").write_text(md, encoding="utf-8")
    print(md)
    print(f"(détail : {OUT / 'bench.json'})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

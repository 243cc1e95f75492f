"""`make bench`: parse time and peak memory of each source, then of a whole build, then search
(generator/bench_recherche.py: index size and build time over ten years, first result in Chromium).

Each measurement runs in a fresh child process so peak memory (max RSS) is that
of the measured work alone. Figures are printed, not asserted: they go in notes.
"""
from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

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


def bench_build() -> dict:
    t = time.perf_counter()
    proc = subprocess.run(["/usr/bin/time", "-v", sys.executable, "-m", "generator", "build"], cwd=ROOT, capture_output=True, text=True)
    dt = time.perf_counter() - t
    rss = next((int(l.split(":")[1]) / 1024 for l in proc.stderr.splitlines() if "Maximum resident set size" in l), None)
    pages = sum(1 for _ in (ROOT / "site").rglob("*.html"))
    size = sum(f.stat().st_size for f in (ROOT / "site").rglob("*") if f.is_file())
    largest = max((f for f in (ROOT / "site").rglob("*.html")), key=lambda f: f.stat().st_size)
    return {"s": dt, "rss_mo": rss, "pages": pages, "site_mo": size / 1e6, "plus_grande_page": str(largest.relative_to(ROOT)),
            "plus_grande_page_ko": largest.stat().st_size / 1e3, "sortie": proc.stdout.strip().splitlines()[:2]}


def main() -> int:
    print("Extraction par source (meilleur de 3, processus neuf ; mémoire = pic du processus, référentiel compris)")
    for r in bench_sources():
        print(f"  {r['source']:<32} {r['taille_mo']:6.2f} Mo  {r['s']:6.2f} s  pic {r['rss_mo']:7.1f} Mo "
              f"(dont {r['rss_base_mo']:.1f} Mo avant lecture)  {r['delibs']} délib., {r['subs']} subventions")
    if Path("/usr/bin/time").exists():
        b = bench_build()
        print(f"Construction complète (make build) : {b['s']:.1f} s, pic {b['rss_mo']:.0f} Mo, {b['pages']} pages HTML, "
              f"site {b['site_mo']:.1f} Mo, plus grande page {b['plus_grande_page']} ({b['plus_grande_page_ko']:.0f} Ko)")
        for l in b["sortie"]:
            print("  " + l)
    else:
        print("(/usr/bin/time absent : construction complète non mesurée)")
    from . import bench_recherche

    return bench_recherche.main()


if __name__ == "__main__":
    raise SystemExit(main())

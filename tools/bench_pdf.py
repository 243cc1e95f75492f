"""`make bench`, PDF part: how long reading a text PDF takes, and that it grows linearly with its pages.

PDFs of 1,000 and 2,000 pages are printed by headless Chromium (`tools.impression`, proportional
serif font) from the real corpus texts of tests/fixtures/corpus, 60 lines a page, then read by
`sources.read_source` (pdftotext -tsv, words laid out by `mise_en_page`, pages joined) as the build
reads them: best of 3 for each, and the ratio. Target (issue 17): ≤ 10 s for 1,000 pages on 2 cores,
2,000 pages ≤ 2.2 × 1,000.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from generator.sources import ocr
from generator.sources.lecture import read_source
from tools.impression import imprimer, scanner

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "fixtures" / "corpus"
LIGNES_PAR_PAGE = 60
TAILLES = (1000, 2000)


def pages_du_corpus(n: int) -> list[list[str]]:
    """`n` pages of 60 lines cut from the corpus texts, taken again from the start when they run out."""
    lines = [l for f in sorted(CORPUS.glob("*.txt")) for l in f.read_text("utf-8").split("\n")]
    pages: list[list[str]] = []
    i = 0
    while len(pages) < n:
        page = [lines[(i + k) % len(lines)] for k in range(LIGNES_PAR_PAGE)]
        page[0] = " " + page[0].strip()  # each page's first line, as pdftotext gives it
        pages.append(page)
        i += LIGNES_PAR_PAGE
    return pages


def mesurer(tailles=TAILLES, repeat: int = 3) -> dict:
    res: dict = {"lignes_par_page": LIGNES_PAR_PAGE, "mesures": []}
    with tempfile.TemporaryDirectory(prefix="bench-pdf-") as tmp:
        for n in tailles:
            pdf = imprimer(pages_du_corpus(n), Path(tmp) / f"{n}.pdf")
            temps = []
            for _ in range(repeat):
                t = time.perf_counter()
                src = read_source(pdf)
                temps.append(time.perf_counter() - t)
            res["mesures"].append(
                {
                    "pages": len(src.pages),
                    "mo": round(pdf.stat().st_size / 1e6, 1),
                    "s": round(min(temps), 2),
                    "pages_par_s": round(len(src.pages) / min(temps)),
                }
            )
    m = res["mesures"]
    if len(m) >= 2:
        res["rapport"] = round(m[-1]["s"] / m[0]["s"], 2)
    res["ocr"] = mesurer_ocr()
    return res


def mesurer_ocr(n: int = 6, dpi: int = 200) -> dict:
    """OCR throughput: `n` pages of the corpus printed, scanned at `dpi` (image only), read by
    `ocr.lire_pages` with an empty cache (pages per minute on these cores), then again from the cache."""
    with tempfile.TemporaryDirectory(prefix="bench-ocr-") as tmp:
        scan = scanner(imprimer(pages_du_corpus(n), Path(tmp) / "texte.pdf", police="serif"), Path(tmp) / "scan.pdf", dpi)
        data = scan.read_bytes()
        avant = ocr.dossier_cache
        ocr.dossier_cache = Path(tmp) / "cache"
        try:
            t = time.perf_counter()
            lues = ocr.lire_pages(data, list(range(1, n + 1)))
            froid = time.perf_counter() - t
            t = time.perf_counter()
            ocr.lire_pages(data, list(range(1, n + 1)))
            cache = time.perf_counter() - t
        finally:
            ocr.dossier_cache = avant
    return {
        "pages": len(lues),
        "dpi": dpi,
        "s": round(froid, 1),
        "pages_par_min": round(60 * len(lues) / froid),
        "depuis_le_cache_s": round(cache, 2),
    }


def rapport_md(res: dict) -> str:
    lignes = [
        "## Lecture des PDF (pdftotext -tsv, mise en page par la position des mots)",
        "",
        f"PDF imprimés par Chromium depuis le corpus réel ({res['lignes_par_page']} lignes par page), meilleur de 3.",
        "",
        "| pages | taille | temps | pages/s |",
        "|---:|---:|---:|---:|",
    ]
    lignes += [f"| {m['pages']} | {m['mo']} Mo | {m['s']} s | {m['pages_par_s']} |" for m in res["mesures"]]
    if "rapport" in res:
        lignes += [
            "",
            f"Rapport {res['mesures'][-1]['pages']} / {res['mesures'][0]['pages']} pages : {res['rapport']} "
            "(objectif ≤ 2,2 ; 1 000 pages en ≤ 10 s)",
        ]
    o = res.get("ocr")
    if o:
        lignes += [
            "",
            f"Reconnaissance optique (Tesseract, français) : {o['pages']} pages scannées à {o['dpi']} ppp lues en {o['s']} s, "
            f"soit {o['pages_par_min']} pages par minute sur ces cœurs ; relues depuis le cache en {o['depuis_le_cache_s']} s.",
        ]
    return "\n".join(lignes) + "\n"


if __name__ == "__main__":
    print(rapport_md(mesurer()))

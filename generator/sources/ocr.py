"""Pages without a text layer (a scanned act, a scanned annex) read by OCR: Tesseract, French model.

The PDF reader (`sources._read_pdf`) gives each page's text; `completer` replaces the pages whose text
is empty by what Tesseract reads on them, and only those. Each page is rendered by Poppler's
`pdftoppm` (grayscale, `DPI`) and read by `tesseract -l fra --psm 6` (one uniform block: a table row
stays one line, its cells in reading order), pages spread over the cores, one single-threaded
Tesseract per page (Tesseract's own OpenMP threads make one page five times slower on two cores).

What Tesseract read is cached in `.cache/ocr/<clé>.txt`, the key being the sha256 of the rendered
page image with the reading's settings and Tesseract's version: a rebuild (a new parser, the same
PDF uploaded again) renders the page (a tenth of a second) but does not read it again (a second or
two). A cache file holds its key and the sha256 of its text on its first line and is written
atomically (`store.write_text`); one that does not match is read again, never trusted.
`.cache/ocr/sources/<sha256 du PDF>.txt` lists the keys a PDF's pages have: after a build that
published, `elaguer` removes the readings no source still needs (a page removed from the inbox does
not keep its reading forever; one put back within `DELAI` days, a rollback, is not read again).

Missing Tesseract, its French model or Poppler is `OcrImpossible`, whose message says what to
install: the caller refuses that source with it and publishes the others.
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from generator.commun.enfants import lier_au_parent, processus
from generator.commun.store import write_text

DELAI = 30  # days a source gone from the inbox (and from the site) keeps its readings: put back, it is not read again
DPI = 300  # a 200 dpi scan rendered at 300 dpi: measured, fewer misread letters (« les » read « Les » at 200)
LANGUE = "fra"
OPTIONS = ("--psm", "6", "-c", "preserve_interword_spaces=1")
VERSION = "4"  # of this reading (rendering, options, text clean-up): part of the cache key
INSTALLER = "apt-get install tesseract-ocr tesseract-ocr-fra poppler-utils"
# Tesseract's confusions that change what the parsers read, measured on scans of real acts: a zero
# alone read as a letter (« Contre : O voix »), or as a letter and a zero (« Contre : O0 voix », the
# 2022-317 scan), a capital A between numbers read « À » (« C03 - 321 À 17 », an operation code), the
# zero of a dossier's year doubled (« 20021-00334 » for « 2021-00334 », 4 of the 176 lines of the
# scanned FARDA voirie table of 2021-239). Only where no word can stand: never inside a word or a name.
_CONFUSIONS = (
    (re.compile(r"(?<![\w-])200(\d\d-\d{5})(?![\w-])"), r"20\1"),
    (re.compile(r"(?<![\w@])[Oo@](?=\d* voix\b)"), "0"),
    (re.compile(r"(?<=\d)[Oo](?=\d)|(?<=\d )[Oo](?=[ ,.]\d{2,3}\b)"), "0"),
    (re.compile(r"(?<=\d )À(?= \d)"), "A"),
)
dossier_cache: Path | None = None
"""Where readings are cached; None: `.cache/ocr` under the current folder (the project's root for
`make build`). The build sets it to its own root's."""


class OcrImpossible(Exception):
    """A page that cannot be read by OCR: Tesseract, its French model or pdftoppm missing (`manque`
    True: the message says what is missing), or a page they fail on."""

    def __init__(self, message: str, manque: bool = False):
        self.manque = manque
        super().__init__(message)


def completer(pages: list[str], data: bytes) -> list[int]:
    """Replace, in place, each page of `pages` (the texts of the PDF `data`'s pages, in order) that has
    no text but an image by its OCR reading; returns the numbers (1-based) of the pages so read (a
    page with neither text nor image is left blank, and needs no Tesseract)."""
    vides = [n for n, texte in enumerate(pages, start=1) if not texte.strip()]
    if not vides:
        return []
    lues = lire_pages(data, vides)
    for n, texte in lues.items():
        pages[n - 1] = texte
    return sorted(lues)


def lire_pages(data: bytes, pages: list[int]) -> dict[int, str]:
    """The text of those of pages `pages` (1-based) of the PDF `data` that hold an image, read by
    Tesseract or from the cache: one leading space on each page's first line (the page mark of the rest
    of the pipeline), no trailing blank line."""
    if shutil.which("pdfimages") is None:
        raise OcrImpossible("pdfimages (Poppler) introuvable", manque=True)
    out: dict[int, str] = {}
    with tempfile.TemporaryDirectory(prefix="rpc-ocr-") as tmp:
        pdf = Path(tmp) / "source.pdf"
        pdf.write_bytes(data)
        pages = sorted(set(pages) & _pages_avec_image(pdf))
        if not pages:
            return out
        manque = _manque()
        if manque:
            raise OcrImpossible(manque, manque=True)
        cache = Path(dossier_cache) if dossier_cache is not None else Path(".cache") / "ocr"
        images = {n: Path(tmp) / f"p{n}" for n in pages}
        _executer(
            [
                ["pdftoppm", "-r", str(DPI), "-gray", "-f", str(n), "-l", str(n), "-singlefile", str(pdf), str(img)]
                for n, img in images.items()
            ]
        )
        cles = {n: _cle(img.with_suffix(".pgm")) for n, img in images.items()}
        for n, cle in cles.items():
            texte = _relire(cache / f"{cle}.txt", cle)
            if texte is not None:
                out[n] = texte
        a_lire = [n for n in pages if n not in out]
        _executer([["tesseract", str(images[n].with_suffix(".pgm")), str(images[n]), "-l", LANGUE, *OPTIONS] for n in a_lire])
        for n in a_lire:
            texte = _mettre_en_forme(images[n].with_suffix(".txt").read_text(encoding="utf-8", errors="replace"))
            write_text(cache / f"{cles[n]}.txt", f"{_entete(cles[n], texte)}\n{texte}")
            out[n] = texte
        write_text(cache / "sources" / f"{hashlib.sha256(data).hexdigest()}.txt", "".join(f"{c}\n" for c in sorted(set(cles.values()))))
    return out


def elaguer(dossier: Path, empreintes: set[str], maintenant: float | None = None) -> int:
    """Remove from the cache `dossier` the readings no source needs any more; how many were removed.

    Kept: the readings of the PDFs whose sha256 is in `empreintes` (the sources of the inbox and those the
    site publishes: a refused source's previous version stays published), and of the PDFs seen there
    less than `DELAI` days ago (each build that sees a PDF dates its list of keys): a file removed from the
    inbox, or replaced, then put back, is not read again. Any other reading goes, and the readings no list
    names (an older Tesseract's, a page no kept PDF has). A file that cannot be removed is left for the
    next build: the cache never stops a build."""
    dossier = Path(dossier)
    maintenant = time.time() if maintenant is None else maintenant
    gardees: set[str] = set()
    for liste in sorted((dossier / "sources").glob("*.txt")):
        try:
            if liste.stem in empreintes:
                os.utime(liste, (maintenant, maintenant))
            elif maintenant - liste.stat().st_mtime >= DELAI * 86400:
                liste.unlink()
                continue
            gardees.update(liste.read_text(encoding="utf-8").split())
        except (OSError, UnicodeDecodeError):
            continue
    retirees = 0
    for lecture in sorted(dossier.glob("*.txt")):
        if lecture.stem not in gardees:
            try:
                lecture.unlink()
                retirees += 1
            except OSError:
                pass
    return retirees


def _mettre_en_forme(brut: str) -> str:
    """Tesseract's text as the pipeline's: no form feed nor control character, lines right-stripped,
    no leading or trailing blank line, one leading space on the first line."""
    lignes = [l.rstrip() for l in brut.replace("\f", "\n").replace("\r", "").split("\n")]
    lignes = ["".join(c for c in l if c >= " " or c == "\t") for l in lignes]
    for motif, par in _CONFUSIONS:
        lignes = [motif.sub(par, l) for l in lignes]
    while lignes and not lignes[0].strip():
        lignes.pop(0)
    while lignes and not lignes[-1].strip():
        lignes.pop()
    if not lignes:
        return ""
    lignes[0] = " " + lignes[0].strip()
    return "\n".join(lignes)


def _pages_avec_image(pdf: Path) -> set[int]:
    """Pages of `pdf` that draw at least one image (`pdfimages -list`: one row per image, its page first)."""
    r = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True, errors="replace")
    if r.returncode != 0:
        raise OcrImpossible(f"pdfimages a échoué (code {r.returncode}) : {r.stderr.strip()[-300:]}")
    return {int(l.split()[0]) for l in r.stdout.splitlines()[2:] if l.split()[:1] and l.split()[0].isdigit()}


def _entete(cle: str, texte: str) -> str:
    return f"ocr {cle} {hashlib.sha256(texte.encode('utf-8')).hexdigest()}"


def _relire(chemin: Path, cle: str) -> str | None:
    """A cached reading, or None when there is none or it is not what was written under that key."""
    try:
        entete, _, texte = chemin.read_text(encoding="utf-8").partition("\n")
    except (OSError, UnicodeDecodeError):
        return None
    return texte if entete == _entete(cle, texte) else None


def _cle(image: Path) -> str:
    h = hashlib.sha256()
    h.update(f"{VERSION} {_version_tesseract()} {LANGUE} {DPI} {' '.join(OPTIONS)}\n".encode())
    with open(image, "rb") as f:
        for bloc in iter(functools.partial(f.read, 1 << 20), b""):
            h.update(bloc)
    return h.hexdigest()


@functools.cache
def _version_tesseract() -> str:
    r = subprocess.run(["tesseract", "--version"], capture_output=True, text=True)
    return (r.stdout or r.stderr).split("\n", 1)[0].strip()


def _manque() -> str | None:
    """What is missing to read a page by OCR, in French, or None."""
    absents = [p for p in ("tesseract", "pdftoppm") if shutil.which(p) is None]
    if absents:
        return f"{' et '.join(absents)} introuvable{'s' if len(absents) > 1 else ''}"
    r = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True)
    if LANGUE not in (r.stdout + r.stderr).split():
        return f"le modèle français de Tesseract ({LANGUE}) n'est pas installé"
    return None


def _executer(commandes: list[list[str]]) -> None:
    """Run `commandes`, as many at a time as there are worker processes (`processus()`), each a single
    thread, each killed if the build dies (`lier_au_parent`); a command that fails raises `OcrImpossible`."""
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    parent = os.getpid()
    attente = list(reversed(commandes))
    en_cours: list[tuple[subprocess.Popen, list[str]]] = []
    try:
        while attente or en_cours:
            while attente and len(en_cours) < processus():
                cmd = attente.pop()
                en_cours.append(
                    (
                        subprocess.Popen(
                            cmd,
                            env=env,
                            stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE,
                            preexec_fn=functools.partial(lier_au_parent, parent),
                        ),
                        cmd,
                    )
                )
            proc, cmd = en_cours.pop(0)
            _, err = proc.communicate()
            if proc.returncode != 0:
                raise OcrImpossible(f"{cmd[0]} a échoué (code {proc.returncode}) : {err.decode('utf-8', 'replace').strip()[-300:]}")
    finally:
        for proc, _ in en_cours:
            proc.kill()
            proc.wait()

"""Print a text extraction back to PDF with Chromium, as a publisher's office suite or a browser would:
the PDFs that the tests and `make bench` read (generated from the real corpus, never shipped).

Pages follow the pdftotext convention of the corpus: a line starting with exactly one space starts a
page (and a form feed, when present, too). Each page is one `<pre>` (`white-space: pre`, so that the
layout spaces are kept and no line wraps) on its own PDF page.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from PIL import Image

from generator.parse.normalise import symboles_prives

CHROMIUM_ABSENT = "chromium introuvable : apt-get install chromium"
_DEBUT_PAGE = re.compile(r"^ [^ ]")

# A proportional serif font, as a word processor prints a recueil; monospace, as a printer prints a text file.
POLICES = {
    "serif": "'DejaVu Serif', 'Liberation Serif', 'Times New Roman', serif",
    "mono": "'Liberation Mono', 'DejaVu Sans Mono', 'Courier New', monospace",
}


def pages_du_texte(text: str) -> list[list[str]]:
    """The text's pages: split on form feeds, and before each line that starts with exactly one space.
    Word's symbol-font bullets have no glyph in the fonts Chromium finds: they are printed as the
    characters they are read as (an office suite's PDF carries them with their Unicode meaning)."""
    pages: list[list[str]] = []
    for bloc in symboles_prives(text.replace("\r\n", "\n")).split("\f"):
        courante: list[str] = []
        for line in bloc.split("\n"):
            if _DEBUT_PAGE.match(line) and courante:
                pages.append(courante)
                courante = []
            courante.append(line)
        if courante:
            pages.append(courante)
    return pages


def html_des_pages(pages: list[list[str]], police: str = "serif") -> str:
    """One `<pre>` per page, A4 landscape, a font small enough that the widest line of the corpus
    (about 200 characters) fits the page without wrapping."""
    famille = POLICES[police]
    taille = "6pt" if police == "mono" else "7pt"
    corps = "\n".join(f"<pre>{html.escape(chr(10).join(p))}</pre>" for p in pages)
    return (
        '<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><style>'
        "@page { size: A4 landscape; margin: 8mm; }"
        f"pre {{ font-family: {famille}; font-size: {taille}; line-height: 1.15; white-space: pre;"
        " margin: 0; page-break-after: always; break-after: page; }"
        "pre:last-child { page-break-after: auto; break-after: auto; }"
        f"</style></head><body>\n{corps}\n</body></html>\n"
    )


def imprimer(pages: list[list[str]], dest: Path, police: str = "serif", timeout: float = 600) -> Path:
    """`pages` printed to the PDF `dest` by headless Chromium. Fails with the install command when
    Chromium is missing."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        raise RuntimeError(CHROMIUM_ABSENT)
    dest = Path(dest)
    with tempfile.TemporaryDirectory(prefix="impression-") as tmp:
        page_html = Path(tmp) / "recueil.html"
        page_html.write_text(html_des_pages(pages, police), "utf-8")
        r = subprocess.run(
            [
                chromium,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-pdf-header-footer",
                f"--user-data-dir={tmp}/profil",
                f"--print-to-pdf={dest}",
                page_html.as_uri(),
            ],
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    if r.returncode != 0 or not dest.exists():
        raise RuntimeError(f"chromium n'a pas imprimé {dest.name} : {r.stderr[-500:]}")
    return dest


def imprimer_texte(text: str, dest: Path, police: str = "serif") -> Path:
    return imprimer(pages_du_texte(text), dest, police)


def scanner(pdf: Path, chemin: Path, dpi: int = 200) -> Path:
    """`pdf` as a scanner gives it: each page a grey image at `dpi`, no text layer (Poppler's pdftoppm, Pillow)."""
    images = chemin.parent / f"{chemin.stem}-images"
    images.mkdir()
    subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", "-png", str(pdf), str(images / "p")], check=True)
    pages = [Image.open(f) for f in sorted(images.glob("p-*.png"))]
    pages[0].save(chemin, save_all=True, append_images=pages[1:], resolution=dpi)
    return chemin

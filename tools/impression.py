"""Print a text extraction back to PDF with Chromium, as a publisher's office suite or a browser would:
the PDFs that the tests and `make bench` read (generated from the real corpus, never shipped).

Pages follow the pdftotext convention of the corpus: a line starting with exactly one space starts a
page (and a form feed, when present, too). Each page is one `<pre>` (`white-space: pre`, so that the
layout spaces are kept and no line wraps) on its own PDF page. With `tableaux`, as a word processor
prints a document whose tables are tables: on each page, the blocks of lines whose runs of spaces line up
in columns (a table as pdftotext laid it out, `tableaux_de_la_page`) are drawn as an HTML `<table>`, one
cell per column, each cell left or right aligned as its text was (amounts to the right); the rest stays
lines of text.
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
_CASE = re.compile(r"\S+(?: \S+)*")  # a cell of a laid-out line: words one space apart
_GOUTTIERE = 3  # blank positions: the narrowest gutter between two columns
_LIBRE = re.compile(rb"\x00{%d,}" % _GOUTTIERE)
LARGEUR = 190  # characters: the widest line that the fonts of `html_des_pages` fit in an A4 landscape page

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


def html_des_pages(pages: list[list[str]], police: str = "serif", tableaux: bool = False) -> str:
    """One `<pre>` per page, A4 landscape, a font small enough that the widest line of the corpus
    (about 200 characters) fits the page without wrapping. `tableaux`: each page a `<div>` of text lines
    and tables (`_page_en_tableaux`); a page whose lines are wider than `LARGEUR` characters on a page
    as many times wider as needed (a named CSS page), so that no line wraps nor is cut."""
    famille = POLICES[police]
    taille = "6pt" if police == "mono" else "7pt"
    if tableaux:
        larges = [_largeur(p) for p in pages]
        formats = "".join(
            f"@page l{k} {{ size: {297 * k}mm 210mm; margin: 8mm; }} div.l{k} {{ page: l{k}; }}" for k in sorted(set(larges) - {1})
        )
        corps = "\n".join(_page_en_tableaux(p, k) for p, k in zip(pages, larges))
        return (
            '<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><style>'
            f"@page {{ size: A4 landscape; margin: 8mm; }}{formats}"
            f"body {{ margin: 0; font-family: {famille}; font-size: {taille}; line-height: 1.15; }}"
            "div { page-break-after: always; break-after: page; }"
            "div:last-child { page-break-after: auto; break-after: auto; }"
            "pre { font: inherit; white-space: pre; margin: 0; }"
            "table { border-collapse: collapse; font: inherit; }"
            # a word processor's cell margins: about one em between two columns' texts
            "td { white-space: pre; padding: 0 0.5em; vertical-align: top; height: 1.15em; }"
            "td:first-child { padding-left: 0; } td.d { text-align: right; }"
            f"</style></head><body>\n{corps}\n</body></html>\n"
        )
    corps = "\n".join(_pre(p) for p in pages)
    return (
        '<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><style>'
        "@page { size: A4 landscape; margin: 8mm; }"
        f"pre {{ font-family: {famille}; font-size: {taille}; line-height: 1.15; white-space: pre;"
        " margin: 0; page-break-after: always; break-after: page; }"
        "pre:last-child { page-break-after: auto; break-after: auto; }"
        f"</style></head><body>\n{corps}\n</body></html>\n"
    )


def _pre(lines: list[str]) -> str:
    """`lines` as a `<pre>`, escaped; a line break after the tag, which HTML drops (so that a first blank
    line is kept)."""
    return "<pre>\n" + html.escape("\n".join(lines)) + "</pre>"


def tableaux_de_la_page(lines: list[str]) -> list[tuple[int, int, list[tuple[int, int | None]]]]:
    """The tables of a page as pdftotext lays them out: blocks of at least two lines cut in cells by runs
    of spaces (single blank lines between them, and lines of one cell indented, a cell of a later column,
    allowed), whose cells line up in columns. A column gutter is a run of at least `_GOUTTIERE` character
    positions blank on every line of the block, with text on both sides on at least two of them (the
    double spaces of a justified paragraph never line up so). Each block: its first line, the line after
    its last, and the columns as (start, end) character positions (the last one's end None)."""
    cases = [[(m.start(), m.end()) for m in _CASE.finditer(l)] for l in lines]
    blocs: list[tuple[int, int, list[tuple[int, int | None]]]] = []
    i, n = 0, len(lines)
    while i < n:
        if len(cases[i]) < 2:
            i += 1
            continue
        lignes = [i]
        j = i + 1
        while True:
            k = j if j < n and cases[j] else j + 1  # one blank line between two rows
            if k >= n or not (len(cases[k]) >= 2 or (cases[k] and cases[k][0][0] >= 2)):
                break
            if not _gouttieres([cases[r] for r in lignes] + [cases[k]], 1):
                break
            lignes.append(k)
            j = k + 1
        gouttieres = _gouttieres([cases[r] for r in lignes], 2)
        if gouttieres and sum(len(cases[r]) >= 2 for r in lignes) >= 2:
            debuts = [0, *(g[1] for g in gouttieres)]
            fins: list[int | None] = [*(g[0] for g in gouttieres), None]
            blocs.append((lignes[0], lignes[-1] + 1, list(zip(debuts, fins))))
            i = lignes[-1] + 1
        else:
            i += 1
    return blocs


def _gouttieres(lignes: list[list[tuple[int, int]]], separees: int) -> list[tuple[int, int]]:
    """Runs of at least `_GOUTTIERE` positions where no line of `lignes` (their cells' spans) has text,
    with text on both sides on at least `separees` of them."""
    debut = min(c[0][0] for c in lignes)
    occupe = bytearray(max(c[-1][1] for c in lignes) - debut)
    for c in lignes:
        for a, b in c:
            occupe[a - debut : b - debut] = b"\x01" * (b - a)
    out = []
    for m in _LIBRE.finditer(occupe):
        a, b = m.start() + debut, m.end() + debut
        if sum(1 for c in lignes if c[0][0] < a and c[-1][1] > b) >= separees:
            out.append((a, b))
    return out


def _largeur(lines: list[str]) -> int:
    """How many A4 landscape widths a page's widest line needs (at most 17: a PDF page is at most 200
    inches wide)."""
    return min(17, max(1, -(-max((len(l.rstrip()) for l in lines), default=0) // LARGEUR)))


def _page_en_tableaux(lines: list[str], largeur: int = 1) -> str:
    """A page as a word processor prints it: its tables (`tableaux_de_la_page`) as `<table>`, one `<td>`
    per column, right-aligned when its text was nearer the column's right edge than its left (amounts);
    a blank line of a table an empty row; the other lines `<pre>`. `largeur` > 1: on the named page
    `l<largeur>`, as many A4 widths wide."""
    out, i = [], 0
    for debut, fin, colonnes in tableaux_de_la_page(lines):
        if debut > i:
            out.append(_pre(lines[i:debut]))
        # each line's cells: the first and last text position of its text in each column, or None
        cellules = [[_dans(l, a, b) for a, b in colonnes] for l in lines[debut:fin]]
        etendues = []
        for k in range(len(colonnes)):
            tenues = [x for x in (c[k] for c in cellules) if x is not None]
            etendues.append((min((x[0] for x in tenues), default=0), max((x[1] for x in tenues), default=0)))
        rangs = []
        for l, cases in zip(lines[debut:fin], cellules):
            if not any(cases):
                rangs.append(f'<tr><td colspan="{len(colonnes)}"></td></tr>')
                continue
            tds = []
            for case, (g, d) in zip(cases, etendues):
                if case is None:
                    tds.append("<td></td>")
                    continue
                texte = html.escape(l[case[0] : case[1]])
                tds.append(f'<td class="d">{texte}</td>' if d - case[1] < case[0] - g else f"<td>{texte}</td>")
            rangs.append("<tr>" + "".join(tds) + "</tr>")
        out.append("<table>" + "".join(rangs) + "</table>")
        i = fin
    if i < len(lines):
        out.append(_pre(lines[i:]))
    return (f'<div class="l{largeur}">' if largeur > 1 else "<div>") + "".join(out) + "</div>"


def _dans(line: str, a: int, b: int | None) -> tuple[int, int] | None:
    """The first and last+1 positions of the text of `line` between columns `a` and `b` (None: to its end)."""
    morceau = line[a:b]
    texte = morceau.strip()
    if not texte:
        return None
    s = a + len(morceau) - len(morceau.lstrip())
    return s, s + len(texte)


def chromium() -> str | None:
    """Chromium's command (Debian's `chromium`, or `chromium-browser`), None when it is not installed."""
    return shutil.which("chromium") or shutil.which("chromium-browser")


def imprimer(pages: list[list[str]], dest: Path, police: str = "serif", timeout: float = 600, tableaux: bool = False) -> Path:
    """`pages` printed to the PDF `dest` by headless Chromium (`tableaux`: their tables as tables,
    `html_des_pages`). Fails with the install command when Chromium is missing."""
    commande = chromium()
    if commande is None:
        raise RuntimeError(CHROMIUM_ABSENT)
    dest = Path(dest)
    with tempfile.TemporaryDirectory(prefix="impression-") as tmp:
        page_html = Path(tmp) / "recueil.html"
        page_html.write_text(html_des_pages(pages, police, tableaux), "utf-8")
        r = subprocess.run(
            [
                commande,
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

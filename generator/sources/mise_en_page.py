"""The text of a PDF's pages laid out from the position of their words (Poppler's `pdftotext -tsv`).

`pdftotext -layout` lays words out by counting characters: within one of its text lines it writes one
space between two words, or none when every word of the line is one character wide (it then takes
the gaps for letter spacing: « X X X » read « XXX », « 0 € » read « 0€ »), and it places columns by
the character counts of what precedes them, so that how a table reads depends on its font. Here
each line is rebuilt from its words' x coordinates (pdftotext still finds the words, their lines and
their boxes, in C):
- the rows of a page are its text lines whose bottoms are within 0.4 of a line height, in y order;
  between two rows as many line breaks as the gap holds line pitches (the page's usual baseline
  step, rounded from 0.7), so that a blank line stays a blank line;
- between two words of a row, as many spaces as the gap holds space widths (the median gap between
  two words of a line on the page: a printed text's spacing comes back as it was, two spaces stay
  two), at least one, none when the gap is under a tenth of the line height (a superscript, a change
  of font within a word);
- a gap of two and a half space widths or more (a column, an indentation) puts the next word at the
  column its x coordinate gives from the page's leftmost word, counted in narrow characters (the
  tenth narrowest of the page's words, per character), and at least three spaces after what
  precedes it: column starts line up across the rows of a table, whatever the width of the text
  before them, and a column gap is never read as a word gap.
A line written upwards or downwards (twice as tall as wide: a note in the margin) is one word of the
row at its bottom, its words in their reading order; a page most of whose lines are so, or upside
down (a page turned by `/Rotate`), is turned back first, as pdftotext turns it.
A monospaced print comes back character for character; a proportional one with its columns lined up.
"""

from __future__ import annotations

_PAS_QUANTILE = 0.1  # the character width that counts columns: narrow, so that few are pushed by their text
_ECART_COLONNE = 2.5  # space widths: from this gap on, a column (or an indentation)
_COLLE = 0.1  # line heights: under this gap, two words are one (a superscript, a change of font)
_MEME_RANG = 0.4  # line heights between two lines' bottoms on the same row
_LOIN = 1e6  # points: beyond, a coordinate is not on a page (a PDF page is at most 14,400 points wide)


def pages(tsv: str) -> list[str]:
    """Each page's text from `pdftotext -tsv`'s output (a page without words is ""): a page is the rows
    after its own (level 1)."""
    return [_page(rows.split("\n")[1:]) for rows in ("\n" + tsv).split("\n1\t")[1:]]


def _page(rows: list[str]) -> str:
    lignes, ecarts, largeurs, tournee = _lire(rows)
    if tournee:
        lignes, ecarts, largeurs, _ = _lire(_redresser(rows))
    return _mettre_en_page(lignes, ecarts, largeurs)


def _lire(rows: list[str]) -> tuple[list, list[float], list[float], bool]:
    """A page's lines (bottom, height, words (x0, x1, text), written vertically) from its TSV rows, in one
    pass (a 1,000-page recueil has some 200,000 words), its measures: the gaps between two words of a
    line (per line height, those under 0.8 of it: word gaps, not columns) and the width of a character
    of each word of three or more; and whether the page is turned (most of its lines written vertically,
    or most of its words to the left of the one before them: upside down)."""
    lignes: list = []
    ecarts: list[float] = []
    largeurs: list[float] = []
    verticales = paires = inverses = 0
    mots: list = []
    haut = fin = 0.0
    vertical = False
    loin = _LOIN
    for row in rows:
        niveau = row[:1]
        if niveau == "5":
            try:
                f = row.split("\t", 11)
                x0, l, t = float(f[6]), float(f[8]), f[11]
            except (IndexError, ValueError):  # not a row of pdftotext's (a word holding a line break)
                continue
            if not (-loin < x0 < loin and 0 <= l < loin):  # nan, infinite: a degenerate font matrix
                continue
            if not vertical:
                if mots:
                    paires += 1
                    ecart = x0 - fin
                    if 0.1 * haut < ecart < 0.8 * haut:
                        ecarts.append(ecart / haut)
                    elif ecart < -l - haut:
                        inverses += 1
                if len(t) > 2:
                    largeurs.append(l / len(t))
            fin = x0 + l
            mots.append((x0, fin, t))
        elif niveau == "4":
            mots = []  # a line that cannot be read keeps its words off the page
            try:
                f = row.split("\t", 11)
                larg, haut, bas = float(f[8]), float(f[9]), float(f[7])
            except (IndexError, ValueError):
                continue
            if not (-loin < bas < loin and -loin < larg < loin and -loin < haut < loin):
                continue
            bas += haut
            vertical = haut > 2 * larg
            if vertical:
                verticales += 1
                haut = larg  # its letters' height
            haut = max(haut, 1.0)  # points: a line of no height would divide by zero
            lignes.append((bas, haut, mots, vertical))
    return lignes, ecarts, largeurs, 2 * verticales > len(lignes) or 2 * inverses > paires


def _redresser(rows: list[str]) -> list[str]:
    """A page turned a quarter or a half (`/Rotate`), turned back: each line's and word's box (left, top,
    width, height) as the upright page has it. Which way it is turned, the way most of its words follow
    one another within their lines (pdftotext gives a line's words in their reading order): downwards
    (turned clockwise, its first line on the right), upwards (its first line on the left), leftwards
    (upside down)."""
    sens = {"bas": 0, "haut": 0, "gauche": 0, "droite": 0}
    avant = None
    for row in rows:
        f = row.split("\t", 11)
        if len(f) != 12 or row[:1] not in ("4", "5"):
            continue
        try:
            x, y = float(f[6]), float(f[7])
        except ValueError:
            continue
        if row[:1] == "5" and avant is not None:
            dx, dy = x - avant[0], y - avant[1]
            sens["droite" if dx > abs(dy) else "gauche" if -dx > abs(dy) else "bas" if dy > 0 else "haut"] += 1
        avant = (x, y) if row[:1] == "5" else None
    vers = max(sens, key=lambda k: sens[k])
    out = []
    for row in rows:
        f = row.split("\t", 11)
        if row[:1] in ("4", "5") and len(f) == 12 and vers != "droite":
            try:
                x, y, l, h = (float(v) for v in f[6:10])
            except ValueError:
                continue
            # the box's left, top, width, height once turned back: the next line is below (bottom = top + height)
            boite = {"bas": (y, -x - l, h, l), "haut": (-y - h, x, h, l), "gauche": (-x - l, -y - h, l, h)}[vers]
            row = "\t".join([*f[:6], *(f"{v:.2f}" for v in boite), *f[10:]])
        out.append(row)
    return out


def _mettre_en_page(lignes: list, ecarts: list[float], largeurs: list[float]) -> str:
    """A page's text from its lines and measures (`_lire`)."""
    lignes = [
        (b, h, [(min(m[0] for m in mots), max(m[1] for m in mots), " ".join(m[2] for m in mots))] if v else mots)
        for b, h, mots, v in lignes
        if mots
    ]
    if not lignes:
        return ""
    lignes.sort(key=lambda l: l[0])
    hauteurs = sorted(l[1] for l in lignes)
    h = hauteurs[len(hauteurs) // 2]
    rangs: list[list] = []  # [bottom, height, words]
    for bas, haut, mots in lignes:
        if rangs and bas - rangs[-1][0] < _MEME_RANG * h:
            rang = rangs[-1]
            rang[2] = sorted(rang[2] + mots)
            rang[1] = max(rang[1], haut)
        else:
            rangs.append([bas, haut, mots])
    gauche = min(r[2][0][0] for r in rangs)
    ecarts.sort()
    espace = ecarts[len(ecarts) // 2] if ecarts else 0.3  # a space's width, per line height
    largeurs.sort()
    pas = largeurs[int(len(largeurs) * _PAS_QUANTILE)] if largeurs else 0.0
    if pas <= 0:
        pas = espace * h
    pas_y = sorted(b[0] - a[0] for a, b in zip(rangs, rangs[1:]) if 0.75 * h <= b[0] - a[0] <= 1.6 * h)
    interligne = pas_y[len(pas_y) // 2] if pas_y else h
    out: list[str] = []
    avant = None
    for bas, haut, mots in rangs:
        if avant is not None:
            n = int((bas - avant) / interligne + 0.3)
            if n > 1:
                out.extend([""] * (n - 1))
        avant = bas
        out.append(_ligne(mots, gauche, espace * haut, _COLLE * haut, pas))
    return "\n".join(out)


def _ligne(mots: list, gauche: float, espace: float, colle: float, pas: float) -> str:
    """One row's words (x-sorted) as a line: spaces counted from the gaps, columns placed by x."""
    morceaux = []
    col = 0
    fin = gauche
    colonne = _ECART_COLONNE * espace
    for x0, x1, t in mots:
        ecart = x0 - fin
        if ecart >= colonne:
            n = max(int((x0 - gauche) / pas + 0.5) - col, 3)
        elif not col:
            n = int(ecart / espace + 0.5)
        elif -colle < ecart < colle:
            n = 0
        else:
            n = int(ecart / espace + 0.5)
            if n < 1:  # (a test, not max(): the common case, once a word)
                n = 1
        if n > 0:
            morceaux.append(" " * n)
            col += n
        morceaux.append(t)
        col += len(t)
        fin = x1
    return "".join(morceaux)

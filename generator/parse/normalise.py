"""Stage 2: turn any text extraction of a recueil into one uniform list of `Line`s.

The three extractions of the corpus (Markdown-like, pdftotext with layout spaces,
plain) differ in markup and page furniture. Parsers downstream must see the same
text whatever the extraction, and still know the original line number of every
line (for the control report) and, when the extraction kept it, its printed page.

What is done here, and only this:
- page furniture removed: per-act page counters (`1 / 3`) and the bulletin page
  number on the following line, running headers (`Recueil des Actes Administratifs
  N° 5 MAI 2021 - 1/11`), a bulletin page number glued to a cell amount
  (`15 000,00976` → `15 000,00`, page 976); and, in any recueil, the running headers
  and footers that its pages repeat (`mobilier`: « Page 12 sur 311 », « RAA n° 12 –
  décembre 2024 – page 34 », a bare page number, a logo line); a removed header that
  started its page hands `Line.page_start` to the page's next line of text;
- the leading single space that marks the first line of a printed page is removed
  and kept as `Line.page_start`;
- Markdown / HTML formatting (`**`, `*`, `#`, `<i>`, `<sup>`, `^{ère}`) removed,
  private-use bullets and odd space / hyphen / apostrophe characters mapped;
- a line ending with a word hyphen is joined to the next text line keeping the
  hyphen (`Pas-` + `de-Calais` → `Pas-de-Calais`).
Interior spacing is kept (tables use it); `squash` collapses it for parsers that want.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from typing import NamedTuple

from generator.records import Line

_CHAR_MAP = {
    "\u00a0": " ",
    "\u202f": " ",
    "\u2007": " ",
    "\u2009": " ",
    "\u200b": "",
    "\ufeff": "",
    "\u2019": "'",
    "\u2018": "'",
    "\u02bc": "'",
    "\u2010": "-",
    "\u2011": "-",
    "\u02c3": ">",
    "\uf0b7": "•",
    "\uf0a7": "▪",
    "\uf0fc": "✓",
    "\uf076": "❖",
    "\uf0d8": "➢",
    "\uf0e0": "→",
    "\r": "",
}
_PAGE_COUNTER = re.compile(r"^\s*\d{1,3} ?/ ?\d{1,3}\s*$")
_PAGE_NUMBER = re.compile(r"^\s*(\d{1,4})\s*$")
_RUNNING_HEADER = re.compile(r"^\s*Recueil des Actes Administratifs N°.*-\s*\d+\s*/\s*\d+\s*$", re.I)
_GLUED_PAGE = re.compile(r"(\d,\d\d)(\d{3,4})$")
_SUPERSCRIPT = re.compile(r"\s?\^\{([^}]*)\}")
_HTML_FORMAT = re.compile(r"</?(?:i|b|u|em|strong|sup|sub|span|br)\s*/?>", re.I)
_HEADING = re.compile(r"^#{1,6}\s+")
_BOLD = re.compile(r"\*{2,3}")
_ITALIC_EDGE = re.compile(r"^\*(?=\S)|(?<=\S)\*$")
_RULE = re.compile(r"^\s*-{3,}\s*$")
_WORD_HYPHEN_END = re.compile(r"[A-Za-zÀ-ÿ]-$")
_STARTS_WITH_LETTER = re.compile(r"^[A-Za-zÀ-ÿ]")
_MULTISPACE = re.compile(r"[ \t]+")


@lru_cache(maxsize=1 << 16)
def squash(text: str) -> str:
    """Collapse runs of spaces and tabs (layout justification) to one space.

    Cached: every table reader squashes every line of its unit, so the same lines come back
    a dozen times; lines without a run of blanks need no regex.
    """
    if "  " not in text and "\t" not in text:
        return text.strip()
    return _MULTISPACE.sub(" ", text).strip()


_PRIVATE_USE = re.compile("[\uf000-\uf8ff]")
_SYMBOLES = str.maketrans({k: v for k, v in _CHAR_MAP.items() if _PRIVATE_USE.match(k)})


def _map_chars(text: str) -> str:
    """Odd characters mapped, any other private-use character made a bullet (whole text at once)."""
    for a, b in _CHAR_MAP.items():
        if a in text:
            text = text.replace(a, b)
    return _PRIVATE_USE.sub("•", text) if _PRIVATE_USE.search(text) else text


def symboles_prives(text: str) -> str:
    """Word's symbol-font bullets (private-use code points) as the characters they are read as."""
    return _PRIVATE_USE.sub("•", text.translate(_SYMBOLES)) if _PRIVATE_USE.search(text) else text


def _markup(text: str) -> str:
    """Markdown / HTML formatting removed from one line (already mapped)."""
    if "^{" in text:
        text = _SUPERSCRIPT.sub(r"\1", text)
    if "<" in text:
        text = _HTML_FORMAT.sub("", text)
    if text.lstrip(" ").startswith("#"):
        text = _HEADING.sub("", text)
    if "*" in text:
        text = _BOLD.sub("", text)
        if "*" in text:
            text = _ITALIC_EDGE.sub("", text.strip(" "))
    return text


def normalise(text: str, pages: list[int] | None = None, garder: Callable[[str], bool] | None = None) -> list[Line]:
    """Normalised lines of a source text; line numbers refer to the original file.

    `pages`: the 1-based line where each page starts (`SourceText.pages` of a PDF); None for a text
    extraction, whose pages start at the lines with exactly one leading space. `garder`: the lines
    (squashed) that the parsers read as structure, never furniture (`document.structure`). Characters are mapped
    in one pass over the whole text (a source has some 100 000 lines, so per-line work is kept to a
    few `in` tests); page furniture is recognised on the raw line, running headers and footers by
    their repetition across the pages (`mobilier`).
    """
    raw = text.split("\n")
    mapped = _map_chars(text).split("\n")  # mapping keeps every \n: mapped[i] is raw[i] cleaned
    retirees = mobilier(mapped, debuts_de_page(raw) if pages is None else [p - 1 for p in pages], garder)
    reporter = False  # a removed furniture line started its page: the next line of text does
    staged: list[Line] = []
    append, new = staged.append, tuple.__new__  # new(Line, (…)): Line(…) without its Python-level __new__
    coupes: list[int] = []  # indices of lines ending with a hyphen
    n = len(raw)
    suite = enumerate(zip(raw, mapped), 1)  # (line number, raw line, mapped line); lines read ahead are skipped on it
    for i, (line, cleaned) in suite:
        if not line or line.isspace():  # some 40 % of the lines: nothing to remove or clean, no page mark
            append(new(Line, (i, "", False, None, None)))
            continue
        if "/" in line:
            if _PAGE_COUNTER.match(line):
                # the bulletin page number usually follows, possibly after one blank line
                j = i  # (0-based index of the next line)
                while j < n and j < i + 2 and not raw[j].strip():
                    j += 1
                m = _PAGE_NUMBER.match(raw[j]) if j < n else None
                if m:
                    for _ in range(j + 1 - i):  # lines i + 1 … j + 1: read here
                        next(suite)
                    _mark_page(staged, int(m.group(1)), squash(line).replace(" ", ""))
                reporter = reporter or _marque(line)
                continue
            if _RUNNING_HEADER.match(line):
                reporter = reporter or _marque(line)
                continue
        if retirees and i - 1 in retirees:
            reporter = reporter or _marque(line)
            continue
        if "---" in line and _RULE.match(line):
            continue
        if "*" in cleaned or "<" in cleaned or "#" in cleaned or "^{" in cleaned:
            cleaned = _markup(cleaned)
        cleaned = cleaned.rstrip()
        if line[:1] == " " and line[1:2] != " ":  # first line of a printed page (`_marque`; not blank, see above)
            cleaned = cleaned.lstrip(" ")
            page_start = True
        else:
            page_start = False
        if reporter and cleaned.strip():
            page_start, reporter = True, False
        if cleaned[-1:].isdigit():
            # a match is 7 or 8 characters long and ends the line: only the tail is searched
            glued = _GLUED_PAGE.search(cleaned, max(0, len(cleaned) - 8))
            if glued:
                append(new(Line, (i, cleaned[: glued.start(2)], page_start, None, None)))
                _mark_page(staged, int(glued.group(2)), None)
                continue
        elif cleaned[-1:] == "-":
            coupes.append(len(staged))
        append(new(Line, (i, cleaned, page_start, None, None)))
    if not coupes:
        return staged
    return _join_hyphenated(staged, coupes)


def _join_hyphenated(staged: list[Line], coupes: list[int]) -> list[Line]:
    """`staged` with each word-hyphenated line end (`coupes`: their indices, in order) joined with the next
    text line (skipping one blank), and the lines joined to it left out."""
    n = len(staged)
    joints: list[tuple[int, int]] = []  # [a, b): lines of `staged` joined to the line before a, in order
    for k0 in coupes:
        if joints and k0 < joints[-1][1]:  # itself joined to an earlier line
            continue
        no, txt, ps, page, folio = staged[k0]
        k = k0 + 1
        while txt[-1:] == "-" and _WORD_HYPHEN_END.search(txt):
            j = k
            if j < n and not staged[j].text.strip():
                j += 1
            if j < n and _STARTS_WITH_LETTER.match(staged[j].text.lstrip()):
                txt = txt + staged[j].text.lstrip()
                page, folio = page or staged[j].page, folio or staged[j].folio
                k = j + 1
            else:
                break
        if k > k0 + 1:
            staged[k0] = Line(no, txt, ps, page, folio)
            joints.append((k0 + 1, k))
    out: list[Line] = []
    start = 0
    for a, b in joints:
        out += staged[start:a]
        start = b
    out += staged[start:]
    return out


def _mark_page(staged: list[Line], page: int, folio: str | None) -> None:
    """Attach a surviving page footer to the last text line before it."""
    for k in range(len(staged) - 1, -1, -1):
        if staged[k].text.strip():
            staged[k] = staged[k]._replace(page=page, folio=folio)
            return


# Running headers and footers found by repetition (`mobilier`): a page's bands are its first and its last
# BANDE non-blank lines; a line is keyed by its text with every number made `#`, without its spaces, case folded.
BANDE = 3
PAGES_MIN = 3  # a furniture line comes back on at least this many pages
PART_FIXE = 0.5  # a line that does not vary: on at least half of the pages (and at least PAGES_FIXE)
PAGES_FIXE = 4
PART_NUMERO = 0.2  # a bare page number (`12`, `- 12 -`): following the pages on at least a fifth of them
_NOMBRE = re.compile(r"\d+")
_LETTRE = re.compile(r"[^\W\d_]")


def _marque(line: str) -> bool:
    """The page mark of the extractions: exactly one leading space."""
    return line[:1] == " " and line[1:2] != " "


def debuts_de_page(raw: list[str]) -> list[int]:
    """0-based indices of the lines that start a printed page in a text extraction (`_marque`, inlined: one
    call per line of the source, some 100 000 a month, took a third of this)."""
    return [i for i, l in enumerate(raw) if l[:1] == " " and l[1:2] != " " and l.strip()]


class _Vue(NamedTuple):
    """A line near a page's edge: its page, its index, its key, its numbers (value, glued after « 2021- »)."""

    page: int
    i: int
    cle: str | None  # None: a line `garder` keeps
    nombres: tuple[tuple[int, bool], ...]


def mobilier(raw: list[str], debuts: list[int], garder: Callable[[str], bool] | None = None) -> set[int]:
    """0-based indices of the lines of `raw` that are running headers and footers, found by their
    repetition across pages (`debuts`: 0-based index of each page's first line; the text before the
    first is a page too; `garder`: lines, squashed, never furniture).

    A line of a page's bands (its first or last `BANDE` non-blank lines) is furniture when, numbers
    abstracted, it comes back on `PAGES_MIN` pages or more and
    - it has letters and one of its numbers follows the page count (number minus page the same on
      `PAGES_MIN` pages, a restart allowed) on at least half of its pages: « Recueil … N° 6 – 12/311 »,
      « Page 12 sur 311 », « RAA n° 12 – décembre 2024 – page 34 »;
    - it is a bare number (`12`, `- 12 -`) following the page count on at least a fifth of the pages
      (`PART_NUMERO`): only those that follow it (a bare number is also a table's cell, a list's item;
      the slides annexed to 2021-233 number a few of their pages, too few to tell from the text);
    - it does not vary (no number, or always the same: a logo line, « Publié le 5 juillet 2021 »), has
      three letters or more, and is on half of the pages or more (`PART_FIXE`, and `PAGES_FIXE`).
    Furniture is removed from a page's edge inwards, up to its first line that is not (a header sits above
    the text, a footer under it). A table's header row repeated on the pages its table continues on may be
    on half of them: it is kept whole where it goes on beyond the band (a header of several lines: the
    table readers skip a repeated header they know by its first line, and would read its other lines
    as rows), and its first occurrence at a page's top is kept (the table readers start a table on it).
    A number glued after « 2021- » (an act's number `(N°2021-234)`, `CP20210607-27`) is never a page count;
    an act's title, a table's rows, a heading vary from page to page and never repeat this way; the lines
    that open an act (`garder`: « DEPARTEMENT DU PAS-DE-CALAIS », « ANNEXE 3 ») may, and are kept."""
    bornes = sorted({0, *debuts})
    bornes.append(len(raw))
    cotes: list[list[_Vue]] = []  # each page's top and bottom: BANDE + 1 lines from the edge inwards
    pleines = 0
    new = tuple.__new__  # new(_Vue, (…)): _Vue(…) without its Python-level __new__ (some 14 000 a month)
    for k in range(len(bornes) - 1):
        haut = _bande(raw, range(bornes[k], bornes[k + 1]))
        if not haut:
            continue
        pleines += 1
        for bord in (haut, _bande(raw, range(bornes[k + 1] - 1, bornes[k] - 1, -1))):
            cotes.append([new(_Vue, (k, i, *_cle(raw[i], garder))) for i in bord])
    vues: dict[str, dict[int, _Vue]] = {}  # key → its lines in the bands
    proches: dict[str, set[int]] = {}  # key → the pages it is on, up to one line beyond the bands
    for cote in cotes:
        for j, v in enumerate(cote):
            if v.cle is not None:
                proches.setdefault(v.cle, set()).add(v.page)
                if j < BANDE:
                    vues.setdefault(v.cle, {})[v.i] = v
    fixes: dict[str, int | None] = {}  # fixed furniture → its first line in a top band, kept (or None)
    numeros: set[int] = set()  # lines of a numbered furniture
    for cle, lignes in vues.items():
        occ = list(lignes.values())
        pages = {v.page for v in occ}
        if len(pages) < PAGES_MIN:
            continue
        if len({tuple(n for n, _ in v.nombres) for v in occ}) == 1:
            if len(pages) >= max(PAGES_FIXE, PART_FIXE * pleines) and len(_LETTRE.findall(cle)) >= 3:
                fixes[cle] = None
            continue
        suivies = _suivies(occ)
        if len(suivies) < PAGES_MIN:
            continue
        if not _LETTRE.search(cle):  # a bare number: on a good share of the pages, only where it follows them
            if len({v.page for v in occ if v.i in suivies}) >= PART_NUMERO * pleines:
                numeros.update(suivies)
        elif 2 * len(suivies) >= len(occ):
            numeros.update(lignes)
    hauts = cotes[::2]
    for cle in fixes:  # a header (mostly at pages' tops): its first occurrence there is kept
        en_haut = [v.i for cote in hauts for v in cote[:BANDE] if v.cle == cle]
        if 2 * len(en_haut) > len(vues[cle]):
            fixes[cle] = min(en_haut)
    retirer: set[int] = set()
    for cote in cotes:
        bloc = _bloc(cote, fixes, proches)
        for v in cote[:BANDE]:
            if v.i in bloc or (v.i not in numeros and (v.cle not in fixes or fixes[v.cle] == v.i)):
                if v.cle is None or not _specifique(raw[v.i]):
                    break  # the text: furniture is between it and the edge
                continue  # a page counter, a page number: the specific rules' furniture
            retirer.add(v.i)
    return retirer


def _specifique(line: str) -> bool:
    """What the specific rules remove (or may: a bare number): furniture between the edge and a generic one."""
    return bool(_PAGE_NUMBER.match(line) or _PAGE_COUNTER.match(line) or _RUNNING_HEADER.match(line))


@lru_cache(maxsize=1 << 14)
def _cle(ligne: str, garder: Callable[[str], bool] | None) -> tuple[str | None, tuple[tuple[int, bool], ...]]:
    """A band line's key and numbers (`_Vue.cle`, `_Vue.nombres`). Cached: running headers and footers,
    the lines this looks at, come back on many pages."""
    texte = squash(_markup(ligne))
    if garder is not None and garder(texte):
        return None, ()
    texte = texte.casefold()
    nombres = tuple((int(m.group()), _identifiant(texte, m)) for m in _NOMBRE.finditer(texte))
    return _NOMBRE.sub("#", texte).replace(" ", ""), nombres  # `- 12 -` and `-13-` alike (pdftotext)


def _bloc(cote: list[_Vue], fixes: dict[str, int | None], proches: dict[str, set[int]]) -> set[int]:
    """Lines of a page's band that belong to a block of lines repeated beyond the band (a table's header
    of several lines, repeated on the pages its table continues on): from the first line beyond the
    band, if it repeats, outwards through the fixed lines seen only on pages where the block is."""
    suite = cote[BANDE].cle if len(cote) > BANDE else None  # the first line beyond the band
    if suite is None or len(proches[suite]) < PAGES_MIN:
        return set()
    pages, out = proches[suite], set[int]()
    for v in reversed(cote[:BANDE]):
        if v.cle is None or v.cle not in fixes or not proches[v.cle] <= pages:
            break
        out.add(v.i)
        pages = proches[v.cle]
    return out


def _bande(raw: list[str], indices: range) -> list[int]:
    """The first `BANDE` + 1 non-blank lines of `raw` among `indices`, in that order."""
    out: list[int] = []
    for i in indices:
        if raw[i] and not raw[i].isspace():
            out.append(i)
            if len(out) > BANDE:
                break
    return out


def _identifiant(texte: str, m: re.Match[str]) -> bool:
    """The number `m` is the second half of an identifier (`2021-234`, `CP20210607-27`), not a page count."""
    a = m.start()
    return a >= 2 and texte[a - 1] == "-" and texte[a - 2].isdigit()


def _suivies(occ: list[_Vue]) -> set[int]:
    """Lines of `occ` one of whose numbers follows the page count: number minus page the same on at
    least `PAGES_MIN` pages (the count may restart, each run is counted on its own)."""
    groupes: dict[tuple[int, int], set[int]] = {}  # (slot, number - page) → pages
    for v in occ:
        for s, (n, ident) in enumerate(v.nombres):
            if not ident:
                groupes.setdefault((s, n - v.page), set()).add(v.page)
    bons = {g for g, pages in groupes.items() if len(pages) >= PAGES_MIN}
    return {v.i for v in occ if any((s, n - v.page) in bons for s, (n, ident) in enumerate(v.nombres) if not ident)}

"""Stage 2: turn any text extraction of a recueil into one uniform list of `Line`s.

The three extractions of the corpus (Markdown-like, pdftotext with layout spaces,
plain) differ in markup and page furniture. Parsers downstream must see the same
text whatever the extraction, and still know the original line number of every
line (for the control report) and, when the extraction kept it, its printed page.

What is done here, and only this:
- page furniture removed: per-act page counters (`1 / 3`) and the bulletin page
  number on the following line, running headers (`Recueil des Actes Administratifs
  N° 5 MAI 2021 - 1/11`), a bulletin page number glued to a cell amount
  (`15 000,00976` → `15 000,00`, page 976);
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
from functools import lru_cache

from .records import Line

_CHAR_MAP = {
    "\u00a0": " ", "\u202f": " ", "\u2007": " ", "\u2009": " ", "\u200b": "", "\ufeff": "",
    "\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u2010": "-", "\u2011": "-", "\u02c3": ">",
    "\uf0b7": "•", "\uf0a7": "▪", "\uf0fc": "✓", "\uf076": "❖", "\uf0d8": "➢", "\uf0e0": "→",
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


def normalise(text: str) -> list[Line]:
    """Normalised lines of a source text; line numbers refer to the original file.

    Characters are mapped in one pass over the whole text (a source has some 100 000 lines,
    so per-line work is kept to a few `in` tests); page furniture is recognised on the raw line.
    """
    raw = text.split("\n")
    mapped = _map_chars(text).split("\n")  # mapping keeps every \n: mapped[i] is raw[i] cleaned
    staged: list = []  # Lines, and None for a line joined to the one before
    append, new = staged.append, tuple.__new__  # new(Line, (…)): Line(…) without its Python-level __new__
    coupes: list[int] = []  # indices of lines ending with a hyphen
    n = len(raw)
    i = 0
    while i < n:
        line = raw[i]
        i += 1
        if "/" in line:
            if _PAGE_COUNTER.match(line):
                # the bulletin page number usually follows, possibly after one blank line
                j = i
                while j < n and j < i + 2 and not raw[j].strip():
                    j += 1
                m = _PAGE_NUMBER.match(raw[j]) if j < n else None
                if m:
                    i = j + 1
                    _mark_page(staged, int(m.group(1)), squash(line).replace(" ", ""))
                continue
            if _RUNNING_HEADER.match(line):
                continue
        if "---" in line and _RULE.match(line):
            continue
        cleaned = mapped[i - 1]
        if "*" in cleaned or "<" in cleaned or "#" in cleaned or "^{" in cleaned:
            cleaned = _markup(cleaned)
        cleaned = cleaned.rstrip()
        if line[:1] == " " and line[1:2] != " " and line.strip():  # first line of a printed page
            cleaned = cleaned.lstrip(" ")
            page_start = True
        else:
            page_start = False
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
    n = len(staged)
    for k0 in coupes:
        if staged[k0] is None:  # itself joined to an earlier line
            continue
        no, txt, ps, page, folio = staged[k0]
        k = k0 + 1
        # join word-hyphenated line ends with the next text line (skipping one blank)
        while txt[-1:] == "-" and _WORD_HYPHEN_END.search(txt):
            j = k
            if j < n and not staged[j][1].strip():
                j += 1
            if j < n and _STARTS_WITH_LETTER.match(staged[j][1].lstrip()):
                txt = txt + staged[j][1].lstrip()
                page, folio = page or staged[j][3], folio or staged[j][4]
                staged[k:j + 1] = [None] * (j + 1 - k)
                k = j + 1
            else:
                break
        if k > k0 + 1:
            staged[k0] = new(Line, (no, txt, ps, page, folio))
    return [l for l in staged if l is not None]


def _mark_page(staged: list[Line], page: int, folio: str | None) -> None:
    """Attach a surviving page footer to the last text line before it."""
    for k in range(len(staged) - 1, -1, -1):
        if staged[k].text.strip():
            staged[k] = staged[k]._replace(page=page, folio=folio)
            return

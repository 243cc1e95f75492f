"""Stage 1: read a source file (text or PDF) into text, or refuse it with a clear reason.

A refused source never stops the others: the caller reports the `SourceError`
(file, line, what is wrong, what to do) and keeps what other sources gave.
"""

from __future__ import annotations

import bisect
import hashlib
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from generator.sources import mise_en_page, ocr

SUPPORTED = (".txt", ".pdf")
# A monthly recueil is 1 to 5 MB of text (June 2021: its 2ème partie, 700 pages, is 1.4 MB;
# all its 1,910 pages would be about 4 MB); 20 MB is four whole recueils. Above it the file is not one recueil (files joined,
# text duplicated) and reading it would cost the build minutes and gigabytes: refused
# before it is read.
TEXTE_MAX = 20_000_000
# PDFs are read by Poppler's pdftotext (Debian poppler-utils), a separate program: it finds each page's
# words, their lines and their boxes, in C; `mise_en_page` lays them out from their x coordinates, columns
# as runs of spaces as the parsers expect (1,000 pages of a recueil like June 2021's in about two seconds
# of processor, the densest pages of the corpus in under four).
PDFTOTEXT_ABSENT = (
    "pdftotext introuvable : les sources PDF ne peuvent pas être lues. "
    "Installez-le (apt-get install poppler-utils) puis relancez la construction."
)
PDF_DELAI = 600  # seconds: a 2,000-page recueil is read in a few seconds; beyond this the file is abnormal
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# every byte but those of _CONTROL: what `bytes.translate` deletes to tell in one C pass whether a text decoded from
# UTF-8 or Windows-1252 holds a control character (they are those very bytes in both), where the search of a
# character class in the decoded text took 8 ms of a month's 20 ms of reading
_SANS_CONTROLE = bytes(b for b in range(256) if not _CONTROL.match(chr(b)))


class SourceError(Exception):
    """A source that cannot be read at all. `line` is 1-based when known. `bloquant` False: the
    file is not at fault, a tool the machine lacks is (Tesseract for its scanned pages): the source
    waits, what it published stays, and the other sources are published."""

    def __init__(self, source: str, message: str, line: int | None = None, bloquant: bool = True):
        self.source = source
        self.line = line
        self.message = message
        self.bloquant = bloquant
        where = f"{source}, ligne {line}" if line else source
        super().__init__(f"{where} : {message}")


@dataclass
class SourceText:
    name: str
    text: str
    sha256: str
    warnings: list[str] = field(default_factory=list)
    ocr_pages: dict[int, tuple[int, int]] = field(default_factory=dict)
    """Pages of a PDF read by OCR (`ocr`): page number → its first and last line in `text`."""
    # PDF sources: the 1-based line number where each page starts (page n starts at line pages[n - 1]);
    # empty for a text source
    pages: list[int] = field(default_factory=list)

    def page_of(self, line: int) -> int | None:
        """The 1-based page of a 1-based line number, None for a text source."""
        return page_de(self.pages, line)


def page_de(debuts: list[int], line: int | None) -> int | None:
    """The 1-based page holding 1-based line `line`, from the line where each page starts (`SourceText.pages`);
    None for a text source (no pages) or no line."""
    return bisect.bisect_right(debuts, line) or None if debuts and line else None


def read_source(path: Path, name: str | None = None) -> SourceText:
    """Text of a .txt or .pdf source, with its content hash. `name`: the source's name as published
    (`boite.Entree.nom`), when the path spells it otherwise."""
    path = Path(path)
    name = name or path.name
    if path.suffix.lower() not in SUPPORTED:
        raise SourceError(name, f"type de fichier non pris en charge ({path.suffix or 'sans extension'}) : déposez un .txt ou un .pdf")
    size = path.stat().st_size
    if path.suffix.lower() == ".txt" and size > TEXTE_MAX:
        raise SourceError(
            name,
            f"fichier texte de {size / 1e6:.0f} Mo, au-delà de la limite de {TEXTE_MAX / 1e6:.0f} Mo : "
            "un recueil mensuel fait de 1 à 5 Mo de texte. Plusieurs recueils réunis ou un texte dupliqué ? "
            "Déposez un fichier par recueil.",
        )
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if not data.strip():
        raise SourceError(name, "fichier vide : aucun texte à lire. Déposez le recueil complet.")
    pages: list[int] = []
    ocr_pages: dict[int, tuple[int, int]] = {}
    if path.suffix.lower() == ".pdf":
        text, warnings, pages, ocr_pages = _read_pdf(name, data)
    else:
        text, warnings = decode_text(name, data)
    if not text.strip():
        raise SourceError(name, "aucun texte extractible (document scanné sans couche texte ?)")
    if len(text) > TEXTE_MAX:
        raise SourceError(
            name,
            f"{len(text) / 1e6:.0f} millions de caractères de texte, au-delà de la limite de {TEXTE_MAX / 1e6:.0f} millions : "
            "un recueil mensuel en compte de 1 à 5. Plusieurs recueils réunis ? Déposez un fichier par recueil.",
        )
    return SourceText(name=name, text=text, sha256=digest, warnings=warnings, pages=pages, ocr_pages=ocr_pages)


def decode_text(name: str, data: bytes) -> tuple[str, list[str]]:
    """Decode a text source: UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252."""
    warnings: list[str] = []
    controles = True  # the text may hold a control character (UTF-16: searched in the text)
    if data.startswith(b"%PDF-"):
        raise SourceError(name, "ce fichier .txt est en réalité un PDF : renommez-le en .pdf")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise SourceError(name, f"UTF-16 illisible ({exc.reason})") from None
        warnings.append("encodé en UTF-16 : converti en UTF-8")
    else:
        if data.startswith(b"\xef\xbb\xbf"):
            data = data[3:]
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            if b"\x00" in data or _looks_binary(data):
                raise SourceError(name, "contenu binaire, pas du texte (fichier corrompu ou mal nommé)", line) from None
            text = data.decode("cp1252", errors="replace")
            warnings.append(f"pas en UTF-8 (premier octet invalide ligne {line}) : lu comme Windows-1252 / Latin-1")
        controles = bool(data.translate(None, _SANS_CONTROLE))
    bad = _CONTROL.search(text) if controles else None
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        raise SourceError(name, f"caractère de contrôle U+{ord(bad.group()):04X} : contenu binaire ou corrompu", line)
    return (text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text), warnings


def _looks_binary(data: bytes) -> bool:
    sample = data[:4096]
    controls = sum(1 for b in sample if b < 9 or 13 < b < 32)
    return controls > len(sample) * 0.01


def _read_pdf(name: str, data: bytes) -> tuple[str, list[str], list[int], dict[int, tuple[int, int]]]:
    """PDF text, page by page (`pdf_pages`), pages without text read by OCR (`ocr`), joined as pdftotext
    joins its pages (`join_pages`): one leading space on each page's first line (the page mark of the
    corpus); with the line number where each page starts and, for the pages read by OCR, their
    first and last lines."""
    pages = pdf_pages(name, data)
    lues = _ocr(name, data, pages)
    text, starts = join_pages(pages)
    fins = [s - 1 for s in starts[1:]] + [text.count("\n") + 1]
    return text, [], starts, {n: (starts[n - 1], fins[n - 1]) for n in lues}


def pdf_pages(name: str, data: bytes) -> list[str]:
    """The text of each page of a PDF, its words found by Poppler's `pdftotext -tsv` and laid out from
    their positions by `mise_en_page` (columns kept as runs of spaces, as in the text extractions), ""
    for a page without text. Refuses what is not a readable PDF (not a PDF, truncated, protected by a
    password, no page) with what to do."""
    if not data[:1024].lstrip(b"\x00\t\n\r\x0c ").startswith(b"%PDF-"):
        raise SourceError(
            name,
            "ce fichier .pdf n'est pas un PDF (en-tête %PDF absent) : fichier mal nommé ou "
            "corrompu. Déposez le recueil tel que le Département le publie.",
        )
    if b"%%EOF" not in data.rstrip(b"\x00\t\n\r ")[-4096:]:
        raise SourceError(
            name,
            "PDF tronqué (sa fin, %%EOF, est absente) : le téléchargement ou la copie s'est "
            "interrompu. Déposez à nouveau le fichier complet ; ce qu'il avait publié reste publié.",
        )
    exe = shutil.which("pdftotext")
    if exe is None:
        raise SourceError(name, PDFTOTEXT_ABSENT)
    try:
        r = subprocess.run([exe, "-tsv", "-enc", "UTF-8", "-eol", "unix", "-", "-"], input=data, capture_output=True, timeout=PDF_DELAI)
    except subprocess.TimeoutExpired:
        raise SourceError(
            name,
            f"lecture du PDF interrompue après {PDF_DELAI} s (fichier anormal ?) : "
            "ouvrez-le dans un lecteur PDF, réenregistrez-le et déposez-le à nouveau.",
        ) from None
    if r.returncode != 0:
        raise SourceError(name, _pdf_refus(data, r.returncode, r.stderr.decode("utf-8", "replace")))
    text = [_CONTROL.sub(" ", page) for page in mise_en_page.pages(r.stdout.decode("utf-8", "replace"))]
    if not text:
        raise SourceError(name, "PDF sans aucune page : déposez le recueil complet.")
    return text


def _ocr(name: str, data: bytes, pages: list[str]) -> list[int]:
    """`ocr.completer`, its failure as a `SourceError` naming the pages and what to install."""
    try:
        return ocr.completer(pages, data)
    except ocr.OcrImpossible as err:
        vides = [n for n, t in enumerate(pages, start=1) if not t.strip()]
        quelles = f"la page {vides[0]}" if len(vides) == 1 else f"{len(vides)} pages ({_plages(vides)})"
        quoi = f"{quelles} sans couche texte (scannée{'s' if len(vides) > 1 else ''}) ne peu{'ven' if len(vides) > 1 else ''}t être lue{'s' if len(vides) > 1 else ''} par reconnaissance optique de caractères : {err}."
        if err.manque:
            quoi += f" Installez-les (« {ocr.INSTALLER} ») et relancez la construction ; les autres sources sont publiées."
        raise SourceError(name, quoi, bloquant=not err.manque) from None


def join_pages(pages: list[str]) -> tuple[str, list[int]]:
    """The pages' texts as one text, pdftotext's way (trailing spaces and the blank lines at a page's top and
    bottom removed, one leading space on its first line), and the 1-based line number where each page
    starts. A page without text is one blank line, so that every page has a line. One leading space
    marks a page's first line only: another line indented by one space (a narrow indentation) gets two."""
    out: list[str] = []
    starts: list[int] = []
    for page in pages:
        lines = [l.rstrip() for l in page.split("\n")]
        a, b = 0, len(lines)
        while a < b and not lines[a]:
            a += 1
        while b > a and not lines[b - 1]:
            b -= 1
        starts.append(len(out) + 1)
        if a == b:
            out.append("")
            continue
        out.append(" " + lines[a].strip())
        out.extend("  " + l[1:] if l[:1] == " " and l[1:2] != " " else l for l in lines[a + 1 : b])
    return "\n".join(out), starts


def _pdf_refus(data: bytes, code: int, stderr: str) -> str:
    """pdftotext's failure as what the publisher can do about it."""
    if "Incorrect password" in stderr or (code == 1 and b"/Encrypt" in data):
        return (
            "PDF chiffré, protégé par un mot de passe : demandez au service qui l'a produit une version sans mot de passe "
            "(ou enregistrez-le sans protection) et déposez-la."
        )
    if "page count 0" in stderr or "Wrong page range" in stderr:
        return "PDF sans aucune page : déposez le recueil complet."
    detail = next((l.strip() for l in stderr.splitlines() if l.strip()), f"code {code}")
    return (
        f"PDF illisible ou endommagé ({detail}) : ouvrez-le dans un lecteur PDF ; s'il s'affiche, "
        "réenregistrez-le (« Imprimer en PDF ») et déposez-le à nouveau."
    )


def _plages(numbers: list[int]) -> str:
    """`1, 3–5, 9` for [1, 3, 4, 5, 9]."""
    out: list[list[int]] = []
    for n in numbers:
        if out and out[-1][1] == n - 1:
            out[-1][1] = n
        else:
            out.append([n, n])
    return ", ".join(str(a) if a == b else f"{a}–{b}" for a, b in out)

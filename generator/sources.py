"""Stage 1: read a source file (text or PDF) into text, or refuse it with a clear reason.

A refused source never stops the others: the caller reports the `SourceError`
(file, line, what is wrong, what to do) and keeps what other sources gave.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from . import ocr

SUPPORTED = (".txt", ".pdf")
# A monthly recueil is 1 to 5 MB of text (June 2021: its 2ème partie, 700 pages, is 1.4 MB;
# all its 1,910 pages would be about 4 MB); 20 MB is four whole recueils. Above it the file is not one recueil (files joined,
# text duplicated) and reading it would cost the build minutes and gigabytes: refused
# before it is read.
TEXTE_MAX = 20_000_000
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


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


def read_source(path: Path, name: str | None = None) -> SourceText:
    """Text of a .txt or .pdf source, with its content hash. `name`: the source's name as published
    (`boite.Entree.nom`), when the path spells it otherwise."""
    path = Path(path)
    name = name or path.name
    if path.suffix.lower() not in SUPPORTED:
        raise SourceError(name, f"type de fichier non pris en charge ({path.suffix or 'sans extension'}) : déposez un .txt ou un .pdf")
    size = path.stat().st_size
    if path.suffix.lower() == ".txt" and size > TEXTE_MAX:
        raise SourceError(name, f"fichier texte de {size / 1e6:.0f} Mo, au-delà de la limite de {TEXTE_MAX / 1e6:.0f} Mo : "
                                "un recueil mensuel fait de 1 à 5 Mo de texte. Plusieurs recueils réunis ou un texte dupliqué ? "
                                "Déposez un fichier par recueil.")
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if not data.strip():
        raise SourceError(name, "fichier vide : aucun texte à lire. Déposez le recueil complet.")
    ocr_pages: dict[int, tuple[int, int]] = {}
    if path.suffix.lower() == ".pdf":
        text, warnings, ocr_pages = _read_pdf(name, data)
    else:
        text, warnings = decode_text(name, data)
    if not text.strip():
        raise SourceError(name, "aucun texte extractible (document scanné sans couche texte ?)")
    if len(text) > TEXTE_MAX:
        raise SourceError(name, f"{len(text) / 1e6:.0f} millions de caractères de texte, au-delà de la limite de {TEXTE_MAX / 1e6:.0f} millions : "
                                "un recueil mensuel en compte de 1 à 5. Plusieurs recueils réunis ? Déposez un fichier par recueil.")
    return SourceText(name=name, text=text, sha256=digest, warnings=warnings, ocr_pages=ocr_pages)


def decode_text(name: str, data: bytes) -> tuple[str, list[str]]:
    """Decode a text source: UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252."""
    warnings: list[str] = []
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
    bad = _CONTROL.search(text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        raise SourceError(name, f"caractère de contrôle U+{ord(bad.group()):04X} : contenu binaire ou corrompu", line)
    return text.replace("\r\n", "\n").replace("\r", "\n"), warnings


def _looks_binary(data: bytes) -> bool:
    sample = data[:4096]
    controls = sum(1 for b in sample if b < 9 or 13 < b < 32)
    return controls > len(sample) * 0.01


def _read_pdf(name: str, data: bytes) -> tuple[str, list[str], dict[int, tuple[int, int]]]:
    """PDF text with pypdf in layout mode (blank lines kept, like pdftotext), one leading space
    on each page's first line (the pdftotext page mark); pages without text read by OCR (`ocr`:
    their numbers and lines are the third value)."""
    if not data.startswith(b"%PDF-"):
        raise SourceError(name, "ce fichier .pdf n'est pas un PDF (en-tête %PDF absent)")
    import io

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            try:
                if not reader.decrypt(""):
                    raise SourceError(name, "PDF chiffré (protégé par mot de passe) : demandez une version non protégée")
            except SourceError:
                raise
            except Exception:
                raise SourceError(name, "PDF chiffré (protégé par mot de passe) : demandez une version non protégée") from None
        pages = []
        for n, page in enumerate(reader.pages, start=1):
            try:
                txt = page.extract_text(extraction_mode="layout") or ""
            except Exception as exc:  # a broken page is reported, not silently skipped
                raise SourceError(name, f"page {n} illisible ({exc})") from None
            lines = [l.rstrip() for l in txt.split("\n")]
            while lines and not lines[0].strip():
                lines.pop(0)
            if lines:
                lines[0] = " " + lines[0].strip()
            pages.append("\n".join(lines))
    except SourceError:
        raise
    except (PdfReadError, ValueError, KeyError, OSError) as exc:
        raise SourceError(name, f"PDF illisible ou tronqué ({exc})") from None
    lues = _ocr(name, data, pages)
    return "\n".join(pages), [], ocr.lignes_des_pages(pages, lues)


def _ocr(name: str, data: bytes, pages: list[str]) -> list[int]:
    """`ocr.completer`, its failure as a `SourceError` naming the pages and what to install."""
    try:
        return ocr.completer(pages, data)
    except ocr.OcrImpossible as err:
        vides = [n for n, t in enumerate(pages, start=1) if not t.strip()]
        quelles = f"la page {vides[0]}" if len(vides) == 1 else f"{len(vides)} pages ({_liste_pages(vides)})"
        quoi = f"{quelles} sans couche texte (scannée{'s' if len(vides) > 1 else ''}) ne peu{'ven' if len(vides) > 1 else ''}t être lue{'s' if len(vides) > 1 else ''} par reconnaissance optique de caractères : {err}."
        if err.manque:
            quoi += f" Installez-les (« {ocr.INSTALLER} ») et relancez la construction ; les autres sources sont publiées."
        raise SourceError(name, quoi, bloquant=not err.manque) from None


def _liste_pages(pages: list[int]) -> str:
    """`3, 4, 7` (the first twenty, then « … »)."""
    return ", ".join(map(str, pages[:20])) + (", …" if len(pages) > 20 else "")

"""Stages 1–5 for one source: read → normalise → parse acts and sommaire → extract grants.

`ingest_source` is a pure function of the file's bytes (and the parser version):
it returns everything extracted from one source, or raises `SourceError` when the
source cannot be read at all. Place names are resolved afterwards by `localisation`.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field, replace
from pathlib import Path

from generator import PARSER_VERSION
from generator.parse.actes import parse_actes
from generator.parse.document import structure
from generator.parse.normalise import normalise
from generator.parse.recueil import parse_recueil
from generator.records import Deliberation, Problem, Recueil, SourceDocument, Subvention, TotalCheck, numero_sequence
from generator.sources.lecture import SourceError, page_de, read_source
from generator.subventions import extract_subventions


@dataclass
class Extraction:
    document: SourceDocument
    subventions: list[Subvention] = field(default_factory=list)
    controles: list[TotalCheck] = field(default_factory=list)


def nature_of(document: SourceDocument) -> str:
    if document.recueil is not None:
        return "recueil"
    if document.deliberations and all(d.collectivite != "Département du Pas-de-Calais" for d in document.deliberations):
        return "partenaire"
    return "extrait"


def assign_parts(recueil: Recueil | None, deliberations: list[Deliberation]) -> list[Deliberation]:
    """Each deliberation's part of the recueil, from the ranges its sommaire announces."""
    if recueil is None:
        return deliberations
    out = []
    for d in deliberations:
        n = numero_sequence(d.id)
        for part in recueil.parties:
            a, b = numero_sequence(part.premiere), numero_sequence(part.derniere)
            if n and a and b and a <= n <= b:
                d = replace(d, partie=("1ère" if part.numero == 1 else f"{part.numero}ème") + " partie")
                break
        out.append(d)
    return out


def ingest_text(
    name: str,
    text: str,
    sha256: str,
    warnings: list[str] | None = None,
    ocr_pages: dict[int, tuple[int, int]] | None = None,
    pages: list[int] | None = None,
) -> Extraction:
    """`ocr_pages`: the pages read by OCR (`SourceText.ocr_pages`), said on their acts and on the
    control report's messages about their lines. `pages`: a PDF's first line of each page
    (`SourceText.pages`), so that every act, grant, annex and message knows its page."""
    lines = normalise(text, pages or None, structure)
    problems: list[Problem] = [Problem(name, None, "encodage", w, "info") for w in (warnings or [])]
    recueil, p1 = parse_recueil(lines, name)
    sessions, deliberations, p2 = parse_actes(lines, name)
    problems += p1 + p2
    if not deliberations and recueil is None:
        raise SourceError(
            name,
            "aucune délibération ni sommaire de recueil reconnu : ce n'est pas un acte du Département, ou sa mise en page est inconnue",
        )
    deliberations = assign_parts(recueil, deliberations)
    if ocr_pages:
        deliberations = [replace(d, ocr_pages=_pages_ocr(ocr_pages, d.line, d.line_end)) for d in deliberations]
    numbers = [l.no for l in lines]
    subventions: list[Subvention] = []
    controles: list[TotalCheck] = []
    for d in deliberations:
        lo = bisect.bisect_left(numbers, d.line)
        hi = bisect.bisect_right(numbers, d.line_end)
        subs, checks, p3 = extract_subventions(d, lines[lo:hi])
        subventions += subs
        controles += checks
        problems += p3
    if ocr_pages:
        _signaler_ocr(ocr_pages, problems, controles)
    derniere = next((l.no for l in reversed(lines) if l.text.strip()), 0)  # the file's last line of text
    _refuse_if_cut(name, derniere, deliberations, problems)
    _sans_fin(name, derniere, recueil, deliberations, problems)
    doc = SourceDocument(
        source=name,
        sha256=sha256,
        parser_version=PARSER_VERSION,
        nature="",
        lines=text.count("\n") + 1,
        recueil=recueil,
        sessions=sessions,
        deliberations=deliberations,
        problems=problems,
    )
    doc.nature = nature_of(doc)
    if pages:
        _paginer(pages, doc, subventions, controles, numbers)
    return Extraction(document=doc, subventions=subventions, controles=controles)


def _paginer(pages: list[int], doc: SourceDocument, subventions: list[Subvention], controles: list[TotalCheck], numbers: list[int]) -> None:
    """The page of the PDF of every record that has a line (`pages`: the line where each page starts), and
    the page breaks within each annex's text (`numbers`: the source line of each normalised line)."""
    doc.pages = pages
    for d in doc.deliberations:
        d.page_debut, d.page_fin = page_de(pages, d.line), page_de(pages, d.line_end)
        if d.rapport is not None:
            d.rapport.page_pdf = page_de(pages, d.rapport.line)
        for a in d.annexes:
            a.page_pdf, derniere = page_de(pages, a.line), page_de(pages, a.line_end)
            if a.page_pdf is not None and derniere is not None:  # always: `pages` is not empty and lines start at 1
                a.sauts_page = _sauts_page(pages, numbers, a.line, a.page_pdf, derniere)
    located: list[Subvention | TotalCheck | Problem] = [*subventions, *controles, *doc.problems]
    for x in located:
        x.page_pdf = page_de(pages, x.line)


def _sauts_page(pages: list[int], numbers: list[int], line: int, premiere: int, derniere: int) -> list[int]:
    """The line of an annex's text (1-based) where each of its pages after the first (`premiere`…`derniere`)
    starts. Its text is its normalised lines from source line `line` on, one text line each (`rapports._annexes`:
    `numbers`, the source line of each normalised line, tells which): a page starts at the first of them on or
    after the page's first source line (page furniture removed by `normalise` has no line of its own)."""
    lo = bisect.bisect_left(numbers, line)
    return [bisect.bisect_left(numbers, pages[p - 1], lo) - lo + 1 for p in range(premiere + 1, derniere + 1)]


def _pages_ocr(ocr_pages: dict[int, tuple[int, int]], debut: int, fin: int) -> list[int]:
    """The pages read by OCR that lines `debut`–`fin` touch."""
    return sorted(p for p, (a, b) in ocr_pages.items() if a <= fin and b >= debut)


def _signaler_ocr(ocr_pages: dict[int, tuple[int, int]], problems: list[Problem], controles: list[TotalCheck]) -> None:
    """A problem or a total that does not reconcile, on a page read by OCR, names that page: a misread
    digit is to be checked against the original."""
    located: list[Problem | TotalCheck] = [*problems, *(c for c in controles if c.statut != "ok")]
    for x in located:
        pages = _pages_ocr(ocr_pages, x.line, x.line) if x.line else []
        if pages:
            x.message += f" (page {pages[0]} du PDF, lue par reconnaissance optique de caractères : vérifiez sur l'original, qui fait foi)"


def _refuse_if_cut(name: str, last_line: int, deliberations: list[Deliberation], problems: list[Problem]) -> None:
    """A file that ends inside a table of its last deliberation is a cut upload: refused whole,
    so that a partial recueil (some rows, no total) never replaces what was published."""
    if not deliberations:
        return
    d = deliberations[-1]
    for p in problems:
        if p.kind == "tableau-interrompu" and p.deliberation == d.id and d.line_end >= last_line and p.line == last_line:
            raise SourceError(
                name,
                f"le fichier s'arrête au milieu d'un tableau (recueil tronqué ?). {p.message} "
                "Déposez le recueil complet : les données déjà publiées pour ce fichier sont conservées.",
                p.line,
            )


def _sans_fin(name: str, last: int, recueil: Recueil | None, deliberations: list[Deliberation], problems: list[Problem]) -> None:
    """A recueil ends with its back cover (the Maisons du Département's addresses, ISSN): without it,
    the file may have been cut between two deliberations, where no table says so. A warning, so
    that the publisher checks the file before publishing (`make build STRICT=1` stops on it)."""
    if recueil is None or not deliberations or any(p.kind == "hors-deliberation" for p in problems):
        return
    problems.append(
        Problem(
            name,
            last,
            "fin-du-recueil-absente",
            f"Le recueil ne se termine pas par sa dernière page (adresses des Maisons du Département, ISSN) : "
            f"le fichier s'arrête ligne {last}, dans la délibération {deliberations[-1].id}. "
            "Vérifiez qu'il est complet avant de le publier.",
            "avertissement",
            deliberations[-1].id,
        )
    )


def ingest_source(path: Path, name: str | None = None) -> Extraction:
    src = read_source(path, name)
    return ingest_text(src.name, src.text, src.sha256, src.warnings, src.ocr_pages, src.pages)

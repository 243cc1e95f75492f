"""A PDF source gives the same records as its text extraction (Poppler's pdftotext -layout, then normalise),
and a damaged PDF is refused with one French message naming the file and what to do.

The PDFs are generated here from the real documents of tests/fixtures/corpus: printed back by headless
Chromium (`tools.impression`, as a browser or an office suite prints them), written with fpdf2, or
encrypted with qpdf. Chromium, pdftotext and qpdf are required, never skipped: CI installs them (.ci/run).
"""

from __future__ import annotations

import dataclasses
import shutil
from collections import Counter
from decimal import Decimal
from io import BytesIO

import pytest
from fpdf import FPDF
from pypdf import PdfReader, PdfWriter

from generator.parse.ingest import ingest_source
from generator.sources import lecture as sources
from generator.sources.lecture import SourceError, read_source
from tools.impression import imprimer, imprimer_texte, pages_du_texte

from conftest import CORPUS

S003 = CORPUS / "003_97c6f9649ae06488.txt"
S004 = CORPUS / "004_45492b4b56f19b50.txt"  # recueil N° 6, juin 2021: 21 deliberations, 505 grants
_SANS_LIGNES = {
    "line",
    "line_end",
    "siret_ligne",
    "lines",
    "source",
    "sha256",  # where the two files differ
    "page_pdf",
    "page_debut",
    "page_fin",
    "pages",
    "sauts_page",
}  # (a text source has no pages)


def _outil(nom: str, paquet: str) -> str:
    path = shutil.which(nom)
    assert path, f"{nom} introuvable : apt-get install {paquet}"
    return path


def _latin1(text: str) -> str:
    # the PDF core fonts are Latin-1: typographic characters are written in their plain form
    return (
        text.replace("\u2019", "'")
        .replace("œ", "oe")
        .replace("Œ", "OE")
        .replace("\u2026", "...")
        .encode("latin-1", "replace")
        .decode("latin-1")
    )


def _make_pdf(text: str, path, lines_per_page=48):
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_font("Helvetica", size=8)
    lines = text.split("\n")
    for start in range(0, len(lines), lines_per_page):
        pdf.add_page()
        y = 10
        for line in lines[start : start + lines_per_page]:
            if line.strip():
                pdf.text(10, y, line.strip())
            y += 5.5
    pdf.output(str(path))


def _donnees(path):
    """What the site publishes from a source, line numbers aside: deliberations, grants, stated totals."""
    ex = ingest_source(path)

    def sans_lignes(obj):
        if isinstance(obj, dict):  # texts compared word by word: their layout spaces and blank lines are the extractor's
            return {
                k: " ".join(v.split()) if k == "texte" and isinstance(v, str) else sans_lignes(v)
                for k, v in obj.items()
                if k not in _SANS_LIGNES
            }
        if isinstance(obj, list):
            return [sans_lignes(v) for v in obj]
        return obj

    return {
        "deliberations": [sans_lignes(dataclasses.asdict(d)) for d in ex.document.deliberations],
        "subventions": [sans_lignes(dataclasses.asdict(s)) for s in ex.subventions],
        "controles": [(c.deliberation, c.libelle, c.declare, c.calcule, c.nombre_declare, c.nombre_trouve, c.statut) for c in ex.controles],
    }


@pytest.fixture(scope="module")
def s003_pdf(tmp_path_factory):
    """2022-317 (one deliberation with its rapport) written by fpdf2, and its text version."""
    d = tmp_path_factory.mktemp("s003")
    text = _latin1(S003.read_text("utf-8"))
    (d / "extrait.txt").write_text(text, "utf-8")
    _make_pdf(text, d / "extrait.pdf")
    return d / "extrait.pdf"


@pytest.fixture(scope="module")
def juin_2021(tmp_path_factory):
    """The June 2021 recueil printed by Chromium, in a proportional serif font and in a monospace one."""
    _outil("chromium", "chromium")
    d = tmp_path_factory.mktemp("juin-2021")
    pages = pages_du_texte(S004.read_text("utf-8"))
    return {police: imprimer(pages, d / f"004_{police}.pdf", police) for police in ("serif", "mono")}


def test_pdf_and_text_give_the_same_deliberation(s003_pdf):
    from_txt = ingest_source(s003_pdf.with_suffix(".txt")).document
    from_pdf = ingest_source(s003_pdf).document
    (a,), (b,) = from_txt.deliberations, from_pdf.deliberations
    assert b.id == a.id == "2022-317"
    assert b.date == a.date == "2022-09-26"
    assert b.titre == a.titre
    assert (b.vote.pour, b.vote.contre, b.vote.abstention) == (a.vote.pour, a.vote.contre, a.vote.abstention) == (78, 0, 0)
    assert len(b.attendance.presents) == len(a.attendance.presents) == 63
    assert len(b.attendance.excuses) == len(a.attendance.excuses) == 15
    assert [x.numero for x in b.articles] == [x.numero for x in a.articles]
    assert b.rapport is not None and b.rapport.numero == a.rapport.numero == "18"


def test_pages_are_kept(s003_pdf):
    """Each page's first line starts with one space (the corpus' page mark) and `pages` gives its line."""
    src = read_source(s003_pdf)
    n = len(PdfReader(s003_pdf).pages)
    lines = src.text.split("\n")
    assert len(src.pages) == n > 1 and src.pages[0] == 1
    assert all(lines[p - 1].startswith(" ") and not lines[p - 1].startswith("  ") for p in src.pages)
    assert src.page_of(1) == 1 and src.page_of(src.pages[1]) == 2 and src.page_of(src.pages[1] - 1) == 1
    assert src.page_of(len(lines)) == n
    assert read_source(S003).pages == [] and read_source(S003).page_of(1) is None


def test_june_2021_printed_in_monospace_gives_exactly_the_text_data(juin_2021):
    """As a printer prints the text file: every deliberation, grant and stated total as from the text."""
    pdf, txt = _donnees(juin_2021["mono"]), _donnees(S004)
    assert len(txt["deliberations"]) == 21 and len(txt["subventions"]) == 505
    assert pdf["deliberations"] == txt["deliberations"]
    assert pdf["subventions"] == txt["subventions"]
    assert pdf["controles"] == txt["controles"]


def test_june_2021_printed_in_a_proportional_font_gives_the_same_grants(juin_2021):
    """As a word processor prints it: the columns no longer align character by character, yet pdftotext's
    layout keeps every grant table (pypdf's layout mode lost 263 of the 505 grants)."""
    pdf, txt = ingest_source(juin_2021["serif"]), ingest_source(S004)
    assert [d.id for d in pdf.document.deliberations] == [d.id for d in txt.document.deliberations]

    def cles(ex):
        return Counter((s.deliberation, s.beneficiaire, s.montant, s.reference, s.taux) for s in ex.subventions)

    assert cles(pdf) == cles(txt)
    subs = [s for s in pdf.subventions if s.deliberation.startswith("2021-")]
    assert len(subs) == 505 and sum(s.montant for s in subs) == Decimal("19990111.27")
    statut = {(c.deliberation, c.libelle): c.statut for c in txt.controles}
    assert {(c.deliberation, c.libelle): c.statut for c in pdf.controles} == statut


def test_chromium_pdf_of_an_extract_keeps_a_table_across_a_page_break(tmp_path):
    """A grant table cut by a page break (the FARDA aménagement table of 2021-243, over three of the
    recueil's pages) gives the same rows from the PDF as from the text."""
    _outil("chromium", "chromium")
    ex = ingest_source(S004)
    d = next(d for d in ex.document.deliberations if d.id == "2021-243")
    lines = S004.read_text("utf-8").split("\n")[d.line - 1 : d.line_end]
    text = "\n".join(lines)
    assert sum(1 for l in lines if l.startswith(" ") and not l.startswith("  ")) > 3  # several pages
    (tmp_path / "2021-243.txt").write_text(text, "utf-8")
    imprimer_texte(text, tmp_path / "2021-243.pdf", "serif")
    a, b = ingest_source(tmp_path / "2021-243.txt"), ingest_source(tmp_path / "2021-243.pdf")
    assert len(a.subventions) == 179
    assert [(s.beneficiaire, s.montant, s.reference) for s in b.subventions] == [
        (s.beneficiaire, s.montant, s.reference) for s in a.subventions
    ]


# Damaged PDFs: one French message naming the file and what to do, never a traceback.


def _refus(path) -> str:
    with pytest.raises(SourceError) as err:
        read_source(path)
    message = str(err.value)
    assert message.startswith(f"{path.name} : ")
    return message


def test_truncated_pdf_is_refused(s003_pdf, tmp_path):
    data = s003_pdf.read_bytes()
    for n, cut in enumerate((len(data) // 2, len(data) - 40)):
        (tmp_path / f"coupe{n}.pdf").write_bytes(data[:cut])
        assert "PDF tronqué" in _refus(tmp_path / f"coupe{n}.pdf")
        assert "Déposez à nouveau le fichier complet" in _refus(tmp_path / f"coupe{n}.pdf")


@pytest.mark.parametrize("chiffrement", ["40", "128", "128-aes", "256"])
def test_encrypted_pdf_read_with_an_empty_password_refused_with_a_real_one(s003_pdf, tmp_path, chiffrement):
    """RC4 (40 and 128 bits) and AES (128 and 256 bits): with an empty user password (only permissions
    set by an owner password) the text is read; with a real one, the file is refused with what to do."""
    import subprocess

    qpdf = _outil("qpdf", "qpdf")
    bits, _, aes = chiffrement.partition("-")
    options = ["--use-aes=y"] if aes else []
    for user, name in (("", "vide.pdf"), ("secret", "secret.pdf")):
        subprocess.run(
            [qpdf, "--allow-weak-crypto", "--encrypt", user, "proprietaire", bits, *options, "--", str(s003_pdf), str(tmp_path / name)],
            check=True,
            capture_output=True,
        )
    assert read_source(tmp_path / "vide.pdf").text == read_source(s003_pdf).text
    message = _refus(tmp_path / "secret.pdf")
    assert "PDF chiffré, protégé par un mot de passe" in message and "version sans mot de passe" in message


def test_pdf_without_pages_is_refused(tmp_path):
    buf = BytesIO()
    PdfWriter().write(buf)
    (tmp_path / "vide.pdf").write_bytes(buf.getvalue())
    assert "PDF sans aucune page" in _refus(tmp_path / "vide.pdf")


def test_a_pdf_that_is_not_a_pdf_is_refused(tmp_path):
    shutil.copy(S003, tmp_path / "texte.pdf")
    assert "n'est pas un PDF" in _refus(tmp_path / "texte.pdf")
    (tmp_path / "image.pdf").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    assert "n'est pas un PDF" in _refus(tmp_path / "image.pdf")


def test_a_damaged_pdf_is_refused_with_what_to_do(s003_pdf, tmp_path):
    """Its end is there but its body is garbage: Poppler cannot read it."""
    data = s003_pdf.read_bytes()
    (tmp_path / "abime.pdf").write_bytes(data[:9] + b"\x00" * (len(data) - 9 - 6) + b"%%EOF\n")
    message = _refus(tmp_path / "abime.pdf")
    assert "PDF illisible ou endommagé" in message and "réenregistrez-le" in message


def test_a_pdf_of_thousands_of_pages_is_read(s003_pdf, tmp_path):
    """3,000 pages (2022-317's pages over and over): read whole, each page known."""
    w = PdfWriter()
    pages = PdfReader(s003_pdf).pages
    for i in range(3000):
        w.add_page(pages[i % len(pages)])
    w.write(tmp_path / "gros.pdf")
    src = read_source(tmp_path / "gros.pdf")
    assert len(src.pages) == 3000
    un = read_source(s003_pdf)
    k = un.page_of(un.text.split("\n").index("(N°2022-317)") + 1)  # its page in the extract
    assert src.text.count("(N°2022-317)") == len(range(k - 1, 3000, len(pages)))
    assert src.page_of(src.pages[-1]) == 3000


def test_pdftotext_missing_is_said_with_the_install_command(s003_pdf, monkeypatch):
    monkeypatch.setattr(sources.shutil, "which", lambda name: None)
    assert "apt-get install poppler-utils" in _refus(s003_pdf)

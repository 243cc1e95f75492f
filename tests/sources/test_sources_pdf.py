"""A PDF source gives the same records as its text extraction (Poppler's pdftotext finds the words, `mise_en_page`
lays them out from their positions, then normalise), and a damaged PDF is refused with one French message naming
the file and what to do.

The PDFs are generated here from the real documents of tests/fixtures/corpus: printed back by headless
Chromium (`tools.impression`, as a browser or an office suite prints them, their tables drawn as tables or
not), written with fpdf2, or encrypted with qpdf. Chromium, pdftotext and qpdf are required, never skipped: CI
installs them (.ci/run).
"""

from __future__ import annotations

import dataclasses
import re
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
from tools.impression import html_des_pages, imprimer, imprimer_texte, pages_du_texte, tableaux_de_la_page

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


def _donnees(ex):
    """What the site publishes from a source (`ingest_source`'s extraction), line numbers aside: deliberations,
    grants, stated totals."""

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
    """The June 2021 recueil printed by Chromium, in a proportional serif font and in a monospace one, each
    page one `<pre>`; and as a word processor prints it (« tableaux »): its tables drawn as tables, the rest
    in the serif font."""
    _outil("chromium", "chromium")
    d = tmp_path_factory.mktemp("juin-2021")
    pages = pages_du_texte(S004.read_text("utf-8"))
    pdfs = {police: imprimer(pages, d / f"004_{police}.pdf", police) for police in ("serif", "mono")}
    pdfs["tableaux"] = imprimer(pages, d / "004_tableaux.pdf", "serif", tableaux=True)
    return pdfs


@pytest.fixture(scope="module")
def lectures(juin_2021):
    """The text and each print of June 2021 read and extracted as the build does, once for the module."""
    return {"texte": ingest_source(S004), **{nom: ingest_source(pdf) for nom, pdf in juin_2021.items()}}


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


@pytest.mark.parametrize("angle", [90, 180, 270])
def test_a_page_turned_by_its_rotation_is_read_upright(s003_pdf, tmp_path, angle):
    """A PDF whose pages are turned (`/Rotate`, as a scanner or a landscape section leaves them): pdftotext gives its
    words where the turned page shows them, their lines running down, up or leftwards; turned back, the text is the
    upright PDF's, character for character."""
    w = PdfWriter()
    for page in PdfReader(s003_pdf).pages:
        page.rotate(angle)
        w.add_page(page)
    w.write(tmp_path / "tourne.pdf")
    assert read_source(tmp_path / "tourne.pdf").text == read_source(s003_pdf).text
    assert ingest_source(tmp_path / "tourne.pdf").document.deliberations[0].id == "2022-317"


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


def test_june_2021_printed_in_monospace_gives_exactly_the_text_data(lectures):
    """As a printer prints the text file: every deliberation, grant and stated total as from the text."""
    pdf, txt = _donnees(lectures["mono"]), _donnees(lectures["texte"])
    assert len(txt["deliberations"]) == 21 and len(txt["subventions"]) == 505
    assert pdf["deliberations"] == txt["deliberations"]
    assert pdf["subventions"] == txt["subventions"]
    assert pdf["controles"] == txt["controles"]


def test_june_2021_printed_in_a_proportional_font_gives_exactly_the_text_data(lectures):
    """As a word processor prints it: the columns no longer align character by character, yet the words read from
    their positions give every deliberation (its votes, articles, annexes), grant and stated total as from the text.
    pdftotext's own layout glued one-character words spaced by one space (2021-237's check marks « X X X » ended
    its grants' descriptions, « 1 1 1 » and « 0 € » of the annexes' tables read « 111 » and « 0€ ») and read a
    title indented by three spaces as a page's first line (2021-240: three annexes instead of one)."""
    pdf, txt = _donnees(lectures["serif"]), _donnees(lectures["texte"])
    assert pdf["deliberations"] == txt["deliberations"]
    assert pdf["subventions"] == txt["subventions"]
    assert pdf["controles"] == txt["controles"]
    ex = lectures["serif"]
    assert [len(d.annexes) for d in ex.document.deliberations if d.id == "2021-240"] == [1]
    arras = next(s for s in ex.subventions if s.id == "2021-237-0007")
    assert (arras.beneficiaire, arras.objet, arras.montant) == (
        "Mairie d'Arras",
        "Une maison virtuelle au service du lien social",
        Decimal("5000"),
    )


def test_june_2021_with_its_tables_drawn_as_tables_gives_the_same_data(lectures):
    """Its column-aligned blocks drawn as HTML tables (cells where the browser puts them, amounts right-aligned,
    about one em between two columns), the rest in a proportional font: the same grants (each beneficiary, amount,
    place, dossier), votes and stated totals as from the text, 505 grants of 2021 summing 19 990 111,27 €."""
    pdf, txt = lectures["tableaux"], lectures["texte"]
    subs = [s for s in pdf.subventions if s.deliberation.startswith("2021-")]
    assert len(subs) == 505 and sum(s.montant for s in subs) == Decimal("19990111.27")

    def cles(ex):
        return Counter(
            (s.deliberation, s.beneficiaire, s.montant, s.commune_projet.written if s.commune_projet else None, s.reference, s.taux)
            for s in ex.subventions
        )

    assert cles(pdf) == cles(txt)

    def votes(ex):
        return [
            (d.id, d.vote.pour, d.vote.contre, d.vote.abstention, d.vote.absents_sans_delegation, d.vote.resultat)
            for d in ex.document.deliberations
        ]

    assert votes(pdf) == votes(txt) and votes(txt)[0] == ("2021-232", 42, 0, 0, 1, "Adopté")
    statut = [(c.deliberation, c.libelle, c.declare, c.calcule, c.statut) for c in txt.controles]
    assert [(c.deliberation, c.libelle, c.declare, c.calcule, c.statut) for c in pdf.controles] == statut
    assert _donnees(pdf) == _donnees(txt)  # and everything else: titles, articles, annexes, attendance


def test_the_tables_of_june_2021_are_drawn_as_tables():
    """A block of lines is a table when its runs of spaces line up in columns (three blank positions or more on
    every line, with text on both sides on two lines at least): 42 on the June pages, among them the « accueillants »
    costs of 2021-247's annex in four columns; a justified paragraph, whose double spaces never line up so, stays
    text. Each column a cell, right-aligned when its text was against the column's right edge."""
    pages = pages_du_texte(S004.read_text("utf-8"))
    blocs = {n: tableaux_de_la_page(p) for n, p in enumerate(pages) if tableaux_de_la_page(p)}
    assert sum(len(b) for b in blocs.values()) == 42
    n = next(n for n, p in enumerate(pages) if any(l.startswith("2021    avant premier accueil") for l in p))
    debut, fin, colonnes = blocs[n][0]
    assert pages[n][debut].startswith("2021    avant premier accueil") and fin - debut == 11
    assert colonnes == [(0, 4), (7, 33), (39, 65), (71, None)]
    lignes = [l for p, b in ((pages[k], b) for k, bs in blocs.items() for b in bs) for l in p[b[0] : b[1]]]
    assert not any(l.startswith(("Pour  :", "Vu  le  Code")) for l in lignes)  # justified paragraphs
    page = html_des_pages([pages[n]], tableaux=True)
    assert page.count("<table>") == len(blocs[n])
    assert (
        "<tr><td>2021</td><td>avant premier accueil</td><td>15 accueillants à 51 €</td><td>765 €</td></tr>"
        '<tr><td colspan="4"></td></tr>'  # its blank line
        '<tr><td></td><td class="d">en formation continue</td><td class="d">30 accueillants à 60 €</td>'
        '<td class="d">1 800 €</td></tr>'
    ) in page


def test_a_table_drawn_as_a_table_is_read_in_columns(juin_2021):
    """Read from the words' positions, each row of the 42 tables keeps its cells apart by a column gap (three spaces
    or more, never one: a gap is never taken for a word's), and the cells that start at the same x in the print
    start at the same column of the text, whatever the width of the text before them."""
    pages = pages_du_texte(S004.read_text("utf-8"))
    texte = read_source(juin_2021["tableaux"]).text
    rangs = 0
    for p in pages:
        for debut, fin, colonnes in tableaux_de_la_page(p):
            for l in p[debut:fin]:
                cellules = [c for c in (l[a:b].split() for a, b in colonnes) if c]
                if len(cellules) > 1:
                    rangs += 1
                    motif = " {3,}".join("[ \u00a0]+".join(map(re.escape, c)) for c in cellules)
                    assert re.search(motif, texte), cellules
    assert rangs == 173
    lignes = [l for l in texte.split("\n") if re.match(r"(?:202[123])? +(?:avant premier accueil|en formation continue)", l)]
    assert len(lignes) == 6
    assert {l.index("avant") if "avant" in l else l.index("en formation") for l in lignes} == {7}


def test_a_line_indented_by_one_space_is_not_a_page_start():
    """One leading space marks the first line of a page: in a page's text, a line indented by one space gets two."""
    texte, debuts = sources.join_pages(["\n  Titre\n Article 2 :\n\n", "Suite"])
    assert texte.split("\n") == [" Titre", "  Article 2 :", " Suite"] and debuts == [1, 3]


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

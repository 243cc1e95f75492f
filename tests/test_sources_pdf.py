"""A PDF source gives the same records as its text extraction (pypdf, then normalise)."""
from __future__ import annotations

from fpdf import FPDF

from conftest import CORPUS
from generator.ingest import ingest_source

S003 = CORPUS / "003_97c6f9649ae06488.txt"


def _latin1(text: str) -> str:
    # the PDF core fonts are Latin-1: typographic characters are written in their plain form
    return text.replace("\u2019", "'").replace("œ", "oe").replace("Œ", "OE").replace("\u2026", "...").encode("latin-1", "replace").decode("latin-1")


def _make_pdf(text: str, path, lines_per_page=48):
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_font("Helvetica", size=8)
    lines = text.split("\n")
    for start in range(0, len(lines), lines_per_page):
        pdf.add_page()
        y = 10
        for line in lines[start:start + lines_per_page]:
            if line.strip():
                pdf.text(10, y, line.strip())
            y += 5.5
    pdf.output(str(path))


def test_pdf_and_text_give_the_same_deliberation(tmp_path):
    text = _latin1(S003.read_text("utf-8"))
    (tmp_path / "extrait.txt").write_text(text, "utf-8")
    _make_pdf(text, tmp_path / "extrait.pdf")
    from_txt = ingest_source(tmp_path / "extrait.txt").document
    from_pdf = ingest_source(tmp_path / "extrait.pdf").document
    (a,), (b,) = from_txt.deliberations, from_pdf.deliberations
    assert b.id == a.id == "2022-317"
    assert b.date == a.date == "2022-09-26"
    assert b.titre == a.titre
    assert (b.vote.pour, b.vote.contre, b.vote.abstention) == (a.vote.pour, a.vote.contre, a.vote.abstention) == (78, 0, 0)
    assert len(b.attendance.presents) == len(a.attendance.presents) == 63
    assert len(b.attendance.excuses) == len(a.attendance.excuses) == 15
    assert [x.numero for x in b.articles] == [x.numero for x in a.articles]
    assert b.rapport is not None and b.rapport.numero == a.rapport.numero == "18"

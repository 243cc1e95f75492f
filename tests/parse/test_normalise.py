"""Normalisation of the three extractions, on real lines of the corpus."""

from generator.parse.normalise import normalise, squash
from generator.sources.lecture import read_source

from conftest import CORPUS


def _by_no(name):
    return {l.no: l for l in normalise(read_source(CORPUS / name).text)}


def test_pdftotext_page_furniture_removed_and_page_kept():
    lines = _by_no("004_45492b4b56f19b50.txt")
    # `3 / 3` then `723` after the signature of 2021-233: removed, page attached to the last line
    assert 1643 not in lines and 1645 not in lines
    assert lines[1641].text == "Maryline VINCLAIRE" and lines[1641].page == 723 and lines[1641].folio == "3/3"
    # running header of the sommaire removed
    assert not any(l.text.startswith("Recueil des Actes Administratifs N° 5 MAI 2021 -") for l in lines.values())
    # page number glued to a cell amount
    assert lines[14184].text.endswith("40,00% 15 000,00") and lines[14184].page == 976


def test_leading_space_marks_a_page_start():
    lines = _by_no("004_45492b4b56f19b50.txt")
    assert lines[859].page_start and lines[859].text.startswith("Envoi au contrôle")


def test_hyphenated_line_ends_keep_their_hyphen():
    lines = _by_no("001_e1a7153a0531ec73.txt")
    joined = [l.text for l in lines.values() if "HENIN-BEAUMONT-1" in l.text]
    assert joined and "HENIN-BEAUMONT-1, LIEVIN" in joined[0]
    lines4 = _by_no("004_45492b4b56f19b50.txt")
    assert any("DAUTRICHE-DESMARAI" in l.text for l in lines4.values())


def test_markdown_and_superscripts_removed():
    lines = _by_no("001_e1a7153a0531ec73.txt")
    text = "\n".join(l.text for l in lines.values())
    assert "**" not in text and "^{" not in text and "<i>" not in text
    assert "5ème commission" in text


def test_private_use_bullets_mapped():
    text = "\n".join(l.text for l in normalise(read_source(CORPUS / "004_45492b4b56f19b50.txt").text))
    assert "\uf0b7" not in text and "•" in text


def test_squash():
    assert squash("Pour  :  42 voix  (Groupe") == "Pour : 42 voix (Groupe"

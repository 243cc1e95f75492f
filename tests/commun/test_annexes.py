"""Long annexes cut into pages of their own (generator/commun/annexes.py), as the pages and the search index name them."""

from __future__ import annotations

from generator.commun.annexes import ANNEXE_INLINE_MAX, PARTIE_MAX, decouper, parties_annexe


def test_long_annex_cut_at_blank_lines_without_losing_a_character():
    texte = "\n\n".join(f"Ligne {i} " + "x" * 90 for i in range(6000))
    parts = decouper(texte, limite=250_000)
    assert len(parts) == 3 and "".join(parts) == texte and all(len(p) <= 250_000 for p in parts)
    assert decouper("court") == ["court"]


def test_a_paragraph_longer_than_a_part_is_cut_at_line_ends():
    """An annex table printed without blank lines (one paragraph of 450 000 characters) still gives parts of
    at most PARTIE_MAX characters, each ending at a line end, rejoining into the text."""
    texte = "".join(f"Commune {i} ; 1 234,00 € ; " + "y" * 60 + "\n" for i in range(5000))
    parts = decouper(texte)
    assert len(parts) == 3 and "".join(parts) == texte
    assert all(len(p) <= PARTIE_MAX and p.endswith("\n") for p in parts)
    assert parts[1].startswith("Commune ")
    ligne = "z" * (2 * PARTIE_MAX + 5)  # one line with no end: cut by characters
    assert [len(p) for p in decouper(ligne)] == [PARTIE_MAX, PARTIE_MAX, 5]


def test_an_annex_is_inline_then_on_one_page_then_in_numbered_parts():
    court = "x" * ANNEXE_INLINE_MAX
    assert parties_annexe("2019-117", 1, court) == [(None, court)]
    moyen = court + "x"
    assert parties_annexe("2019-117", 1, moyen) == [("deliberations/2019-117/annexe-1/", moyen)]
    long = "\n\n".join(f"Ligne {i} " + "x" * 90 for i in range(4000))
    assert [url for url, _ in parties_annexe("2021-250", 2, long)] == [
        "deliberations/2021-250/annexe-2-partie-1/",
        "deliberations/2021-250/annexe-2-partie-2/",
        "deliberations/2021-250/annexe-2-partie-3/",
    ]

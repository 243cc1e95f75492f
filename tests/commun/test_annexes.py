"""Long annexes cut into pages of their own (generator/commun/annexes.py), as the pages and the search index name them."""

from __future__ import annotations

from generator.commun.annexes import ANNEXE_INLINE_MAX, decouper, parties_annexe


def test_long_annex_cut_at_blank_lines_without_losing_a_character():
    texte = "\n\n".join(f"Ligne {i} " + "x" * 90 for i in range(6000))
    parts = decouper(texte, limite=250_000)
    assert len(parts) == 3 and "".join(parts) == texte and all(len(p) <= 250_000 for p in parts)
    assert decouper("court") == ["court"]


def test_an_annex_is_inline_then_on_one_page_then_in_numbered_parts():
    court = "x" * ANNEXE_INLINE_MAX
    assert parties_annexe("2019-117", 1, court) == [(None, court)]
    moyen = court + "x"
    assert parties_annexe("2019-117", 1, moyen) == [("deliberations/2019-117/annexe-1/", moyen)]
    long = "\n\n".join(f"Ligne {i} " + "x" * 90 for i in range(6000))
    assert [url for url, _ in parties_annexe("2021-250", 2, long)] == [
        "deliberations/2021-250/annexe-2-partie-1/",
        "deliberations/2021-250/annexe-2-partie-2/",
        "deliberations/2021-250/annexe-2-partie-3/",
    ]

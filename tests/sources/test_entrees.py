"""Bad input at scale: a recueil cut inside a grant table, a 50 MB source.

Both are refused whole with a message naming the file and the line (or the size), and
what was published for that file before stays exactly as it was.
"""

from __future__ import annotations

import json
import shutil
import tracemalloc
from decimal import Decimal

import pytest

from conftest import CORPUS
from projet import S003, S004, extraire


def _snapshot(root):
    return {
        p.relative_to(root).as_posix(): p.read_bytes() for p in sorted((root / "site_data").rglob("*.json")) if p.name != "controle.json"
    }


def test_recueil_cut_inside_the_farda_table_is_refused_and_published_data_kept(root):
    """June 2021 cut after row 77 of the 179 of the FARDA aménagement table (2021-243)."""
    inbox = root / "site_data" / "sources"
    shutil.copy(CORPUS / S004, inbox / S004)
    res, _ = extraire(root)
    assert not res.errors
    before = _snapshot(root)
    published = next(d.contenu for d in res.documents if d.contenu["source"] == S004)
    assert len(published["deliberations"]) == 21

    lines = (CORPUS / S004).read_text("utf-8").split("\n")
    assert lines[17799].startswith("2021-01655 Rénovation de la Place Foch BOURGS CENTRES COMMUNE DE GUÎNES")
    (inbox / S004).write_text("\n".join(lines[:17800]), encoding="utf-8")
    res, logs = extraire(root)

    assert len(res.errors) == 1
    err = res.errors[0]
    assert (err["source"], err["line"]) == (S004, 17800)
    assert "s'arrête au milieu d'un tableau" in err["message"]
    assert "« PROGRAMMATION FARDA AMENAGEMENT » (commencé ligne 17638)" in err["message"]
    assert "77 ligne(s) lue(s)" in err["message"] and "2021-243" in err["message"]
    assert any(f"{S004}, ligne 17800" in l and "milieu d'un tableau" in l for l in logs)
    assert res.report["erreurs"] == res.errors  # on the control page too
    assert _snapshot(root) == before  # the 21 deliberations and 505 grants stay published


def test_cut_in_a_wrapped_row_of_the_voirie_table(root):
    """Cut between the beneficiary and the amounts of a voirie row (cells wrapped over lines)."""
    lines = (CORPUS / S004).read_text("utf-8").split("\n")
    assert lines[13557].startswith("COMMUNE DE ABLAIN-SAINT-")
    (root / "site_data" / "sources" / "juin-coupe.txt").write_text("\n".join(lines[:13563]), encoding="utf-8")
    res, _ = extraire(root)
    assert len(res.errors) == 1 and res.errors[0]["source"] == "juin-coupe.txt"
    assert "PROGRAMMATION FARDA - AIDE À LA VOIRIE COMMUNALE" in res.errors[0]["message"]
    assert not (root / "site_data" / "actes" / "juin-coupe.json").exists()


@pytest.mark.parametrize(
    "coupe,derniere,tableau,delib",
    [
        (8420, "2021-05 S.C.I.C Bookkafé", "« Vie étudiante » (commencé ligne 8328)", "2021-237"),  # in a dossier
        (8500, "d'urgence", "« Vie étudiante » (commencé ligne 8328)", "2021-237"),  # in the headers between two pages of rows
        (994, "Création d'une exposition", "« Bourse Initiatives Jeunes »", "2021-232"),  # in the first of its two rows
        (18620, "Restauration du clocher", "« La programmation des opérations de restauration", "2021-245"),  # in a row after a page header
    ],
)
def test_recueil_cut_inside_other_tables_is_refused(root, coupe, derniere, tableau, delib):
    """Cut inside the student-life, BIJ and historic-monuments tables: refused, and what was
    published for the file stays (each table of June 2021 was cut at eleven points: all refused)."""
    inbox = root / "site_data" / "sources"
    shutil.copy(CORPUS / S004, inbox / S004)
    extraire(root)
    before = _snapshot(root)
    lines = (CORPUS / S004).read_text("utf-8").split("\n")
    assert lines[coupe - 1].startswith(derniere)
    (inbox / S004).write_text("\n".join(lines[:coupe]), encoding="utf-8")
    res, _ = extraire(root)
    assert len(res.errors) == 1
    err = res.errors[0]
    assert (err["source"], err["line"]) == (S004, coupe)
    assert "s'arrête au milieu d'un tableau" in err["message"] and delib in err["message"]
    assert tableau in err["message"]
    assert _snapshot(root) == before


def test_recueil_ending_on_the_student_life_totals_is_read(root):
    lines = (CORPUS / S004).read_text("utf-8").split("\n")
    assert lines[8677].endswith("170 000 €TOTAUX")
    (root / "site_data" / "sources" / "juin-237.txt").write_text("\n".join(lines[:8678]), encoding="utf-8")
    res, _ = extraire(root)
    assert not res.errors
    subs = [s for s in res.subventions["juin-237.txt"]["subventions"] if s["deliberation"] == "2021-237"]
    assert len(subs) == 27 and sum(Decimal(s["montant"]) for s in subs) == Decimal("170000")  # as in the whole recueil


def test_complete_recueil_ending_on_a_table_total_is_read(root):
    """The same file cut right after the FARDA total row: every table closed, nothing refused."""
    lines = (CORPUS / S004).read_text("utf-8").split("\n")
    assert lines[18004].strip() == "28 871 527,75 5 450 715,82"
    (root / "site_data" / "sources" / "juin-243.txt").write_text("\n".join(lines[:18005]), encoding="utf-8")
    res, _ = extraire(root)
    assert not res.errors
    subs = res.subventions["juin-243.txt"]["subventions"]
    assert sum(1 for s in subs if s["deliberation"] == "2021-243") == 179
    # but the file stops before the recueil's back cover: the publisher is warned, line named
    problems = json.loads((root / "site_data" / "actes" / "juin-243.json").read_text("utf-8"))["problems"]
    fin = [p for p in problems if p["kind"] == "fin-du-recueil-absente"]
    assert len(fin) == 1 and fin[0]["line"] == 18005 and fin[0]["severity"] == "avertissement"
    assert "dans la délibération 2021-243" in fin[0]["message"]


def test_complete_recueils_end_with_their_back_cover(donnees):
    for name in (S004, "001_e1a7153a0531ec73.txt"):
        problems = json.loads((donnees / "actes" / name.replace(".txt", ".json")).read_text("utf-8"))["problems"]
        assert any(p["kind"] == "hors-deliberation" for p in problems)
        assert not any(p["kind"] == "fin-du-recueil-absente" for p in problems)


def test_50_mb_source_is_refused_without_being_read(root):
    inbox = root / "site_data" / "sources"
    shutil.copy(CORPUS / S003, inbox / S003)
    extraire(root)
    before = _snapshot(root)
    # a real recueil repeated to 50 MB (written in pieces: the test itself holds 1.4 MB)
    piece = (CORPUS / S004).read_bytes()
    with (inbox / S003).open("wb") as f:
        while f.tell() < 50_000_000:
            f.write(piece)
    assert (inbox / S003).stat().st_size >= 50_000_000
    tracemalloc.start()
    try:
        res, logs = extraire(root)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(res.errors) == 1
    err = res.errors[0]
    assert err["source"] == S003 and err["line"] is None
    assert "fichier texte de 50 Mo, au-delà de la limite de 20 Mo" in err["message"]
    assert "un fichier par recueil" in err["message"]
    assert any(S003 in l and "50 Mo" in l for l in logs)
    assert peak < 10_000_000  # never loaded whole: hashed in blocks, refused on its size
    assert _snapshot(root) == before

"""A scanned act (an image-only PDF) gives the same records as its text: OCR by Tesseract (`generator.sources.ocr`).

The scan is made here from a real extract of tests/fixtures/corpus: deliberation 2021-234 of the June
2021 recueil with its annex table (22 grants, 511 259 €) and its rapport's first page, 5 pages, printed in a
proportional font (Liberation Sans, as the Département's acts), rasterised at 200 dpi in grey and
wrapped into a PDF of images only, as a scanner makes it. Reading it takes Tesseract about a second
per page on two cores (measured: 4 to 5 s for the 5 pages); the module reads it once.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from fpdf import FPDF

from generator import extraction
from generator.controle.corrections import Corrections
from generator.parse.actes import parse_actes
from generator.parse.ingest import ingest_source
from generator.parse.normalise import normalise
from generator.sources import ocr
from generator.sources.lecture import SourceError, join_pages, read_source
from tools.impression import scanner

from conftest import CORPUS, ROOT
from projet import S001, construire, empreinte_site

S004 = CORPUS / "004_45492b4b56f19b50.txt"
FIXTURES = ROOT / "tests" / "fixtures"
POLICE = Path("/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf")
OUTILS = all(shutil.which(o) for o in ("tesseract", "pdftoppm", "pdfimages"))

pytestmark = pytest.mark.skipif(
    not OUTILS or not POLICE.exists(),
    reason="Tesseract, Poppler ou la police Liberation absents : "
    "apt-get install tesseract-ocr tesseract-ocr-fra poppler-utils fonts-liberation",
)


def _extrait() -> str:
    """2021-234: from its « Envoi au contrôle de légalité » to the end of the first page of its rapport
    (5 printed pages: the deliberation's three, its annex table, the rapport's first)."""
    lignes = S004.read_text("utf-8").split("\n")
    numero = next(i for i, l in enumerate(lignes) if "(N°2021-234)" in l)
    debut = max(i for i in range(numero) if lignes[i].startswith(" Envoi au contrôle"))
    rapport = next(i for i in range(numero, len(lignes)) if lignes[i].strip() == "RAPPORT N°47")
    fin = next(i for i in range(rapport, len(lignes)) if _debut_de_page(lignes[i]))
    assert lignes[debut].startswith(" Envoi au contrôle"), lignes[debut]
    return "\n".join(lignes[debut:fin])


def _debut_de_page(ligne: str) -> bool:
    return ligne[:1] == " " and ligne[1:2] != " " and bool(ligne.strip())


def _pages(texte: str) -> list[list[str]]:
    """The extract's printed pages (a line with one leading space opens one)."""
    pages: list[list[str]] = []
    for l in texte.split("\n"):
        if not pages or _debut_de_page(l):
            pages.append([])
        pages[-1].append(l.strip())
    return pages


def _pdf_texte(texte: str, chemin: Path) -> Path:
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(False)
    pdf.add_font("sans", fname=str(POLICE))
    pdf.set_font("sans", size=9)
    for page in _pages(texte):
        pdf.add_page()
        for k, l in enumerate(page):
            if l:
                pdf.text(10, 12 + 4.5 * k, l)
    pdf.output(str(chemin))
    return chemin


@pytest.fixture(scope="module")
def dossier(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("ocr")
    texte = _extrait()
    (d / "2021-234.txt").write_text(texte, "utf-8")
    scanner(_pdf_texte(texte, d / "2021-234-texte.pdf"), d / "2021-234-scan.pdf")
    return d


class Appels:
    """The commands `ocr` runs, counted (the real ones are run)."""

    def __init__(self, monkeypatch):
        self.commandes: list[list[str]] = []
        executer = ocr._executer

        def compter(commandes):
            self.commandes += commandes
            return executer(commandes)

        monkeypatch.setattr(ocr, "_executer", compter)

    @property
    def tesseract(self) -> int:
        return sum(c[0] == "tesseract" for c in self.commandes)


@pytest.fixture(scope="module")
def premiere_lecture(dossier):
    """The scan read once (5 pages by Tesseract), with its cache folder and the commands run."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(ocr, "dossier_cache", dossier / "cache")
        appels = Appels(mp)
        ex = ingest_source(dossier / "2021-234-scan.pdf")
    return ex, appels


def _resume(ex):
    (d,) = ex.document.deliberations
    subs = ex.subventions
    return {
        "id": d.id,
        "titre": d.titre,
        "date": d.date,
        "vote": (d.vote.pour, d.vote.contre, d.vote.abstention, d.vote.resultat),
        "subventions": [(s.beneficiaire, s.montant, s.objet) for s in subs],
        "nombre": len(subs),
        "somme": sum(s.montant for s in subs),
        "controles": [(c.libelle, c.declare, c.calcule, c.statut) for c in ex.controles],
    }


def test_scan_gives_the_same_deliberation_grants_and_vote_as_its_text(dossier, premiere_lecture):
    ex, appels = premiere_lecture
    texte = ingest_source(dossier / "2021-234.txt")
    attendu, lu = _resume(texte), _resume(ex)
    assert attendu["id"] == "2021-234" and attendu["nombre"] == 22 and attendu["somme"] == 511259
    assert attendu["vote"] == (42, 0, 0, "Adopté")
    assert lu == attendu
    assert all(c[3] == "ok" for c in lu["controles"]) and len(lu["controles"]) == 5
    assert appels.tesseract == 5
    assert ex.document.deliberations[0].ocr_pages == [1, 2, 3, 4, 5]
    assert texte.document.deliberations[0].ocr_pages == []


def test_a_second_reading_comes_from_the_cache(dossier, premiere_lecture, monkeypatch):
    ex, _ = premiere_lecture
    cache = dossier / "cache"
    fichiers = sorted(cache.glob("*.txt"))
    assert len(fichiers) == 5
    dates = {f: f.stat().st_mtime_ns for f in fichiers}
    monkeypatch.setattr(ocr, "dossier_cache", cache)
    appels = Appels(monkeypatch)
    again = ingest_source(dossier / "2021-234-scan.pdf")
    assert appels.tesseract == 0
    assert _resume(again) == _resume(ex)
    assert {f: f.stat().st_mtime_ns for f in sorted(cache.glob("*.txt"))} == dates


def test_a_damaged_cache_file_is_read_again(dossier, premiere_lecture, tmp_path, monkeypatch):
    ex, _ = premiere_lecture
    cache = tmp_path / "cache"
    shutil.copytree(dossier / "cache", cache)
    abime = sorted(cache.glob("*.txt"))[0]
    entete, _, texte = abime.read_text("utf-8").partition("\n")
    abime.write_text(entete + "\n" + texte.replace("0", "8"), "utf-8")  # a digit changed by hand
    monkeypatch.setattr(ocr, "dossier_cache", cache)
    appels = Appels(monkeypatch)
    again = ingest_source(dossier / "2021-234-scan.pdf")
    assert appels.tesseract == 1
    assert _resume(again) == _resume(ex)
    assert abime.read_text("utf-8") == (dossier / "cache" / abime.name).read_text("utf-8")


def test_without_tesseract_the_source_is_refused_with_how_to_install_it(dossier, monkeypatch, tmp_path):
    which = shutil.which
    monkeypatch.setattr(ocr.shutil, "which", lambda p: None if p == "tesseract" else which(p))
    monkeypatch.setattr(ocr, "dossier_cache", tmp_path / "cache")
    with pytest.raises(SourceError) as err:
        ingest_source(dossier / "2021-234-scan.pdf")
    assert err.value.source == "2021-234-scan.pdf"
    assert "5 pages (1–5) sans couche texte" in err.value.message
    assert "apt-get install tesseract-ocr tesseract-ocr-fra" in err.value.message
    # in the build, the SourceError path: the source refused with that message, the others published
    ok, (source, message, _, bloquant) = extraction._parse_one(dossier / "2021-234-scan.pdf", Corrections())
    assert ok is False and source == "2021-234-scan.pdf" and "tesseract introuvable" in message
    assert bloquant is False  # the file is not at fault: it waits, the others are published


def test_a_build_without_the_french_model_publishes_the_other_sources(dossier, modele, tmp_path):
    """The whole build, Tesseract knowing no French: the scan waits (a warning, with the command to
    install), the May 2019 recueil dropped beside it is published; STRICT=1 refuses."""
    root = tmp_path / "projet"
    shutil.copytree(modele, root, symlinks=True)
    shutil.copy(dossier / "2021-234-scan.pdf", root / "site_data" / "sources" / "2021-234-scan.pdf")
    shutil.copy(CORPUS / S001, root / "site_data" / "sources" / S001)
    (tmp_path / "tessdata").mkdir()
    env = {"TESSDATA_PREFIX": str(tmp_path / "tessdata")}
    avant = empreinte_site(root)
    r = construire(root, "build", "--strict", env=env)
    assert r.returncode == 1 and "Traceback" not in r.stdout + r.stderr, r.stdout + r.stderr
    assert empreinte_site(root) == avant
    r = construire(root, env=env)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "avertissement 2021-234-scan.pdf : 5 pages (1–5) sans couche texte" in r.stdout
    assert "apt-get install tesseract-ocr tesseract-ocr-fra" in r.stdout
    assert "Publié : 7 délibération(s), 19 subvention(s)" in r.stdout
    assert not (root / "site" / "deliberations" / "2021-234").exists()
    controle = (root / "site" / "controle" / "index.html").read_text("utf-8")
    assert "Sources en attente" in controle and "2021-234-scan.pdf" in controle


def test_without_the_french_model_the_message_says_so(dossier, tmp_path):
    """In a subprocess whose Tesseract knows no French (TESSDATA_PREFIX pointing at an empty folder)."""
    (tmp_path / "tessdata").mkdir()
    code = (
        "import sys; from generator.sources import ocr; from generator.parse.ingest import ingest_source; "
        "from generator.sources.lecture import SourceError\n"
        f"ocr.dossier_cache = {str(tmp_path / 'cache')!r}\n"
        f"try: ingest_source({str(dossier / '2021-234-scan.pdf')!r})\n"
        "except SourceError as e: print(e.message); sys.exit(3)"
    )
    r = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=dict(os.environ, TESSDATA_PREFIX=str(tmp_path / "tessdata")),
    )
    assert r.returncode == 3, r.stdout + r.stderr
    assert "modèle français de Tesseract (fra) n'est pas installé" in r.stdout
    assert "apt-get install tesseract-ocr tesseract-ocr-fra" in r.stdout and "Traceback" not in r.stderr


def test_a_text_pdf_with_a_blank_page_needs_no_tesseract(tmp_path, monkeypatch):
    pdf = FPDF(format="A4")
    pdf.set_font("Helvetica", size=9)
    pdf.add_page()
    pdf.text(10, 12, "DEPARTEMENT DU PAS-DE-CALAIS")
    pdf.add_page()  # blank: neither text nor image
    pdf.output(str(tmp_path / "blanc.pdf"))
    which = shutil.which
    monkeypatch.setattr(ocr.shutil, "which", lambda p: None if p == "tesseract" else which(p))
    appels = Appels(monkeypatch)
    pages = ["DEPARTEMENT DU PAS-DE-CALAIS", ""]
    assert ocr.completer(pages, (tmp_path / "blanc.pdf").read_bytes()) == []
    assert pages == ["DEPARTEMENT DU PAS-DE-CALAIS", ""] and appels.commandes == []


def test_tesseract_confusions_are_corrected_where_no_word_can_stand():
    brut = (
        "\fContre : O voix\nAbstention : @ voix\nContre : O0 voix\nC03 - 321 À 17 2041421//9132\n1 2O0 000,00\nMme Odette à 5 O\n"
        "COMMUNE DE COYECQUES 20021-00334 AVC\nCOMMUNE DE COURSET 2021-02814 AVC\n\n\f"
    )
    assert ocr._mettre_en_forme(brut).split("\n") == [
        " Contre : 0 voix",
        "Abstention : 0 voix",
        "Contre : 00 voix",
        "C03 - 321 A 17 2041421//9132",
        "1 200 000,00",
        "Mme Odette à 5 O",
        "COMMUNE DE COYECQUES 2021-00334 AVC",
        "COMMUNE DE COURSET 2021-02814 AVC",
    ]


def test_the_lines_of_the_pages_read_by_ocr(dossier, premiere_lecture, monkeypatch):
    """Each page read by OCR: its first and last lines in the source's text, the pages' own starts."""
    monkeypatch.setattr(ocr, "dossier_cache", dossier / "cache")  # read back, no Tesseract
    st = read_source(dossier / "2021-234-scan.pdf")
    assert sorted(st.ocr_pages) == [1, 2, 3, 4, 5]
    lignes = st.text.split("\n")
    for n, (debut, fin) in st.ocr_pages.items():
        assert debut == st.pages[n - 1] and lignes[debut - 1].startswith(" ") and not lignes[debut - 1].startswith("  ")
        assert fin == (st.pages[n] - 1 if n < 5 else len(lignes))


# The cache pruned after a build that published (`ocr.elaguer`).


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def deux_sources(dossier, premiere_lecture, tmp_path_factory):
    """A cache holding the scan's five readings and the reading of another scanned PDF (the extract's last
    page alone, at 150 dpi: another image, read by Tesseract once), the source that leaves the inbox."""
    d = tmp_path_factory.mktemp("elagage")
    cache = d / "cache"
    shutil.copytree(dossier / "cache", cache)
    autre = scanner(_pdf_texte("\n".join(_pages(_extrait())[-1]), d / "autre-texte.pdf"), d / "autre.pdf", dpi=150)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(ocr, "dossier_cache", cache)
        appels = Appels(mp)
        lu = ocr.lire_pages(autre.read_bytes(), [1])
    assert appels.tesseract == 1 and "RAPPORT N°47" in lu[1]
    return cache, autre


def test_each_pdf_lists_the_readings_of_its_pages(dossier, deux_sources):
    cache, autre = deux_sources
    lectures = {f.stem for f in cache.glob("*.txt")}
    scan = (cache / "sources" / f"{_sha(dossier / '2021-234-scan.pdf')}.txt").read_text("utf-8").split()
    (une,) = (cache / "sources" / f"{_sha(autre)}.txt").read_text("utf-8").split()
    assert len(scan) == 5 and len(lectures) == 6 and lectures == {*scan, une}
    assert sorted(f.name for f in (cache / "sources").iterdir()) == sorted(f"{_sha(p)}.txt" for p in (dossier / "2021-234-scan.pdf", autre))


def test_pruning_keeps_the_readings_of_the_sources_and_those_gone_for_less_than_a_month(dossier, deux_sources, tmp_path):
    """The scan is a source, the other PDF is not: its reading stays DELAI days after a build last saw it
    (put back, it is not read again), then goes with its list; a reading no list names goes at once."""
    cache = tmp_path / "cache"
    shutil.copytree(deux_sources[0], cache)
    scan, autre = _sha(dossier / "2021-234-scan.pdf"), _sha(deux_sources[1])
    vues = (cache / "sources" / f"{autre}.txt").stat().st_mtime
    assert ocr.DELAI == 30
    assert ocr.elaguer(cache, {scan}, vues + 29 * 86400) == 0 and len(list(cache.glob("*.txt"))) == 6
    assert (cache / "sources" / f"{scan}.txt").stat().st_mtime == vues + 29 * 86400  # the scan seen by that build
    une = (cache / "sources" / f"{autre}.txt").read_text("utf-8").split()[0]
    assert ocr.elaguer(cache, {scan}, vues + 31 * 86400) == 1
    assert not (cache / f"{une}.txt").exists() and not (cache / "sources" / f"{autre}.txt").exists()
    assert {f.stem for f in cache.glob("*.txt")} == set((cache / "sources" / f"{scan}.txt").read_text("utf-8").split())
    assert ocr.elaguer(cache, {scan}, vues + 31 * 86400) == 0
    (cache / "sources" / f"{scan}.txt").unlink()  # a cache from before the lists: its readings named by none
    assert ocr.elaguer(cache, {scan}) == 5 and list(cache.glob("*.txt")) == []


def test_a_build_that_publishes_prunes_the_cache(dossier, deux_sources, modele, tmp_path):
    """The whole build, the scan in the inbox, the cache holding its readings and the other PDF's, gone from
    the inbox 31 days ago: the scan is read from the cache (no reading written again) and published, the
    other reading removed."""
    root = tmp_path / "projet"
    shutil.copytree(modele, root, symlinks=True)
    shutil.copy(dossier / "2021-234-scan.pdf", root / "site_data" / "sources" / "2021-234-scan.pdf")
    cache = root / ".cache" / "ocr"
    shutil.copytree(deux_sources[0], cache)
    liste = cache / "sources" / f"{_sha(deux_sources[1])}.txt"
    une = liste.read_text("utf-8").split()[0]
    il_y_a_31_jours = liste.stat().st_mtime - 31 * 86400
    os.utime(liste, (il_y_a_31_jours, il_y_a_31_jours))
    lectures = {f.name for f in cache.glob("*.txt") if f.stem != une}
    # Tesseract as the build finds it, each reading of a page written down
    (tmp_path / "bin").mkdir()
    (tmp_path / "bin" / "tesseract").write_text(f'#!/bin/sh\necho "$1" >> {tmp_path / "lues"}\nexec {shutil.which("tesseract")} "$@"\n')
    (tmp_path / "bin" / "tesseract").chmod(0o755)
    r = construire(root, env={"PATH": f"{tmp_path / 'bin'}:{os.environ['PATH']}"})
    assert r.returncode == 0, r.stdout + r.stderr
    assert "Reconnaissance de caractères : 1 lecture(s) de page qu'aucune source n'utilise plus retirée(s) du cache." in r.stdout
    assert (root / "site" / "deliberations" / "2021-234").is_dir()
    lancements = (tmp_path / "lues").read_text().split()
    assert lancements and not [a for a in lancements if a.endswith(".pgm")]  # its version asked, no page read
    assert {f.name for f in cache.glob("*.txt")} == lectures
    assert not liste.exists() and not (cache / f"{une}.txt").exists()


def test_a_scanned_deliberation_reads_as_its_text():
    """The six pages of deliberation 2022-317 (corpus 003) printed, scanned at 200 dpi and read by Tesseract
    (tests/fixtures/ocr_2022-317_lecture.txt: its reading as `ocr` cached it before its last clean-up, pages
    separated by form feeds). Tesseract read « Contre : 0 voix » as « O0 voix » and put a blank line inside
    the second visa (« … du 12/11/2018 », blank, « « Contractualiser … » ; »): the vote and the visas are
    those of the text."""
    brut = (FIXTURES / "ocr_2022-317_lecture.txt").read_text(encoding="utf-8").split("\f")
    texte, _ = join_pages([ocr._mettre_en_forme(p) for p in brut])
    _, (lu,), _ = parse_actes(normalise(texte), "scan.pdf")
    _, (attendu,), _ = parse_actes(normalise((CORPUS / "003_97c6f9649ae06488.txt").read_text(encoding="utf-8")), "003.txt")
    assert (lu.vote.pour, lu.vote.contre, lu.vote.abstention, lu.vote.resultat) == (78, 0, 0, "Adopté")
    assert (
        lu.visas[1]
        == attendu.visas[1]
        == (
            "Vu la délibération n°2018-514 du Conseil départemental en date du 12/11/2018 « Contractualiser pour mieux "
            "appréhender et partager les enjeux de développement et d'aménagement » ;"
        )
    )
    assert len(lu.visas) == len(attendu.visas) == 9
    assert (lu.id, lu.titre, len(lu.attendance.presents)) == (attendu.id, attendu.titre, len(attendu.attendance.presents))

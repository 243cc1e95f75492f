"""The original PDF is published at one stable address and the pages and the open data link to its pages.

A copy of the project whose inbox holds the May 2019 and June 2021 recueils and the CABBALR's
deliberation (a partner body's act, not a recueil) as PDFs (printed back by Chromium,
`tools.impression`, as an office suite would) and 2022-317 as text, built as the publisher builds:
the PDF is in the site byte for byte, each act, annex part and grant links to its page (checked against
the PDF's own text, page by page, with pdftotext), the exports give the same pages, a document that is
not a recueil is never called one, the text source keeps citing its lines, and a build from scratch
gives the same site byte for byte.
"""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import json
import re
import shutil
import sqlite3
import subprocess
from functools import cache
from pathlib import Path

import pytest

from generator.commun.formats import montant_fr
from generator.commun.genere import nettoyer_tout
from generator.lieux import places
from generator.publication import verification
from generator.records.corpus import Corpus, DocumentPublie
from generator.site import originaux
from generator.site.pages import actes
from generator.site.render import environment, root_for
from generator.site.tableau_subventions import lignes
from tools.impression import imprimer_texte

from conftest import CORPUS
from projet import S001, S002, S003, S004, construire, copier_projet, empreinte_site

PDF = "001_mai_2019.pdf"
ADRESSE = "originaux/2019-05-n5.pdf"  # named after the recueil (N° 5, May 2019)
JUIN = "originaux/2021-06-n6.pdf"  # the June 2021 recueil, N° 6
PARTENAIRE = "CABBALR conseil 12-12-2023.pdf"  # the CABBALR's deliberation: not a recueil
ADRESSE_PARTENAIRE = "originaux/cabbalr-conseil-12-12-2023.pdf"  # after its file's name
SORTIE: dict[str, str] = {}  # what the first build printed


@pytest.fixture(scope="module")
def projet_pdf(tmp_path_factory) -> Path:
    root = copier_projet(tmp_path_factory.mktemp("original") / "projet", sources=[S003])
    for source, pdf in ((S001, PDF), (S004, "004_juin_2021.pdf"), (S002, PARTENAIRE)):
        imprimer_texte((CORPUS / source).read_text("utf-8"), root / "site_data" / "sources" / pdf)
    r = construire(root)
    assert r.returncode == 0, r.stdout + r.stderr
    SORTIE["build"] = r.stdout
    return root


@cache
def _pages_pdf(pdf: Path) -> list[str]:
    """The text of each page of `pdf`, read by pdftotext at once (a form feed ends each page)."""
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout.split("\f")


def _texte_page(pdf: Path, n: int) -> str:
    return _pages_pdf(pdf)[n - 1]


def _serre(texte: str) -> str:
    """`texte` without its blanks, its apostrophes as the extraction writes them: to find a line of the
    extraction in a page that pdftotext lays out anew."""
    return re.sub(r"\s", "", texte.replace("’", "'"))


def _html(root: Path, url: str) -> str:
    return (root / "site" / url / "index.html").read_text("utf-8")


def test_le_pdf_est_publie_a_son_adresse(projet_pdf):
    source = projet_pdf / "site_data" / "sources" / PDF
    publie = projet_pdf / "site" / ADRESSE
    assert publie.read_bytes() == source.read_bytes()
    page = _html(projet_pdf, "recueils/2019-05-n5")
    sha = hashlib.sha256(source.read_bytes()).hexdigest()
    assert 'href="../../originaux/2019-05-n5.pdf" download>Télécharger le recueil original</a> (PDF, 1\u202f492 pages' in page
    assert sha in page and "fait foi" in page


def test_l_acte_renvoie_a_sa_premiere_page(projet_pdf):
    pdf = projet_pdf / "site" / ADRESSE
    n = int(
        re.search(
            r'originaux/2019-05-n5\.pdf#page=(\d+)">Voir dans le recueil original, p\. (\d+)</a>',
            _html(projet_pdf, "deliberations/2019-117"),
        ).group(1)
    )
    # independently: the first page whose text holds the deliberation's number as its heading prints it, « (N°2019-117) »
    premiere = next(p for p in range(1, 60) if "(N°2019-117)" in _texte_page(pdf, p))
    assert n == premiere


def test_une_subvention_renvoie_a_la_page_de_sa_ligne(projet_pdf):
    page = _html(projet_pdf, "deliberations/2019-117")  # its 19 grants
    lignes = re.findall(
        r'data-sort="([0-9.]+)">[^<]*<br><a class="rpc-original" href="\.\./\.\./originaux/2019-05-n5\.pdf#page=(\d+)"', page
    )
    assert lignes, "aucune subvention liée à sa page"
    pdf = projet_pdf / "site" / ADRESSE
    assert len(lignes) == 19
    textes = {n: re.sub(r"\s", "", _texte_page(pdf, int(n))) for n in {n for _, n in lignes}}
    for montant, n in lignes:  # « 100 000,00 € » on the site, « 100 000 € » or « 100 000,00 » in the recueil
        entiers = re.sub(r"\s", "", montant_fr(montant).split(",")[0])
        assert re.search(rf"(?<![\d.]){entiers}(?![\d.])", textes[n]), (montant, n)


def test_la_source_texte_garde_ses_lignes(projet_pdf):
    page = _html(projet_pdf, "deliberations/2022-317")
    assert "<dd>003_97c6f9649ae06488.txt, lignes 1 à 255 — texte extrait du document original ; l'original signé fait foi</dd>" in page
    assert ".pdf" not in page and "rpc-original" not in page


def test_chaque_partie_d_une_annexe_renvoie_a_sa_page(projet_pdf):
    """An annex too long for one page of the site is cut in parts: each links to the page of the original
    where it starts, not to the annex's first page (2019-117's conventions, 7 parts over 1 400 pages;
    2021-250's indicators, 2 parts)."""
    vues = []
    for source, did, i, adresse in (("001_mai_2019", "2019-117", 1, ADRESSE), ("004_juin_2021", "2021-250", 2, JUIN)):
        d = next(
            d
            for d in json.loads((projet_pdf / "site_data" / "actes" / f"{source}.json").read_text("utf-8"))["deliberations"]
            if d["id"] == did
        )
        annexe = d["annexes"][i - 1]
        pages = []
        for url, partie in actes.parties_annexe(did, i, annexe["texte"]):
            lien = re.search(
                rf'href="\.\./\.\./\.\./{re.escape(adresse)}#page=(\d+)">Voir cette partie de l.annexe dans le recueil '
                r"original, p\. (\d+)</a> \(PDF\) — l.original signé fait foi",
                _html(projet_pdf, url),
            )
            n = int(lien.group(1))
            assert lien.group(2) == lien.group(1)
            premiere = _serre(next(l for l in partie.split("\n") if l.strip()))  # the part's first line
            tenue = [
                p for p in range(annexe["page_pdf"], d["page_fin"] + 1) if premiere in _serre(_texte_page(projet_pdf / "site" / adresse, p))
            ]
            assert n in tenue, (url, n, tenue)
            vues.append(len(tenue) == 1)  # a line printed once in the act: its page is that one
            pages.append(n)
        assert pages[0] == annexe["page_pdf"] and pages == sorted(set(pages)), pages
        assert (did, pages) in (("2019-117", [27, 175, 331, 480, 912, 1130, 1374]), ("2021-250", [701, 883]))
    assert vues.count(True) == 7  # 2019-117's parts 1, 2, 3, 4, 6 and both of 2021-250's


def test_le_rapport_et_l_annexe_renvoient_a_leur_page(projet_pdf):
    page = _html(projet_pdf, "deliberations/2021-243")
    assert '<a href="../../originaux/2021-06-n6.pdf#page=438">Voir le rapport dans le recueil original, p. 438</a>' in page
    assert '<a class="rpc-original" href="../../originaux/2021-06-n6.pdf#page=431">Recueil original, p. 431</a>' in page
    assert "RAPPORTN°56" in _serre(_texte_page(projet_pdf / "site" / JUIN, 438))
    assert _serre("Numéro Description Type de demande Bénéficiaire") in _serre(_texte_page(projet_pdf / "site" / JUIN, 431))


def test_les_exports_donnent_la_page_de_l_original(projet_pdf):
    """Baincthun's two grants of 2021-243 (FARDA aménagement) are on page 433 of the June 2021 recueil,
    the only page of the act that prints their dossier numbers; the act itself runs from page 427 (its
    number's heading) to 440 (2021-244 starts on 441). The same pages in every export."""
    donnees, pdf = projet_pdf / "site" / "donnees", projet_pdf / "site" / JUIN
    with (donnees / "subventions.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    baincthun = [
        (r["id"], r["montant"], r["reference_dossier"], r["source"], r["page_pdf"], r["url_original"])
        for r in rows
        if r["deliberation"] == "2021-243" and r["code_insee"] == "62075"
    ]
    assert baincthun == [
        ("2021-243-0079", "3500.00", "2021-00483", "004_juin_2021.pdf:17562", "433", JUIN),
        ("2021-243-0095", "87500.00", "2021-00517", "004_juin_2021.pdf:17594", "433", JUIN),
    ]
    for dossier in ("2021-00483", "2021-00517"):
        assert [p for p in range(427, 441) if dossier in _texte_page(pdf, p)] == [433]
    assert "BAINCTHUN" in _texte_page(pdf, 433)
    # every grant of the corpus is in a PDF here: each has its page and its original
    assert len(rows) == 524 and all(r["page_pdf"].isdigit() for r in rows)
    assert {r["url_original"] for r in rows} == {ADRESSE, JUIN}
    communes = projet_pdf / "site" / "donnees" / "communes" / "baincthun.csv"
    assert [l.split(",")[-2:] for l in communes.read_text("utf-8").splitlines()[1:]] == [["340", JUIN], ["433", JUIN], ["433", JUIN]]

    j = {r["id"]: r for r in json.loads((donnees / "subventions.json").read_text("utf-8"))}
    assert (j["2021-243-0079"]["page_pdf"], j["2021-243-0079"]["url_original"]) == (433, JUIN)

    con = sqlite3.connect(donnees / "recueil.sqlite")
    try:
        assert con.execute("SELECT page_pdf, typeof(page_pdf), url_original FROM subventions WHERE id = '2021-243-0095'").fetchone() == (
            433,
            "integer",
            JUIN,
        )
        assert con.execute(
            "SELECT line, line_end, page_debut, page_fin, url_original FROM deliberations WHERE id = '2021-243'"
        ).fetchone() == (17213, 17892, 427, 440, JUIN)
        # the text source keeps its lines, with no page nor original
        assert con.execute(
            "SELECT source, line, line_end, page_debut, page_fin, url_original FROM deliberations WHERE id = '2022-317'"
        ).fetchone() == (S003, 1, 255, None, None, None)
        assert con.execute("SELECT url_original FROM deliberations WHERE id = 'cabbalr-2023-12-12'").fetchone() == (ADRESSE_PARTENAIRE,)
    finally:
        con.close()
    con = sqlite3.connect(donnees / "recueil-texte-2021.sqlite")  # the texts, in their year's database
    try:
        assert con.execute("SELECT page_pdf FROM rapports WHERE deliberation = '2021-243'").fetchone() == (438,)
        assert con.execute("SELECT page_pdf FROM annexes WHERE deliberation = '2021-243' AND rang = 1").fetchone() == (431,)
    finally:
        con.close()
    assert "(N°2021-243)" in _texte_page(pdf, 427) and "(N°2021-243)" not in _texte_page(pdf, 426)
    assert "(N°2021-244)" in _texte_page(pdf, 441)
    # the SCDL files keep to their schema: no column of ours
    assert (donnees / "subventions-scdl.csv").read_text("utf-8").splitlines()[0].split(",")[-1] == "dispositifAide"
    assert "page" not in (donnees / "deliberations-scdl.csv").read_text("utf-8").splitlines()[0].lower()


def test_un_document_qui_n_est_pas_un_recueil_n_est_pas_appele_recueil(projet_pdf):
    """The CABBALR's deliberation, a PDF of its own: published after its file's name and called the
    « document original » on its act page, its annex and the control page; never « recueil »."""
    assert (projet_pdf / "site" / ADRESSE_PARTENAIRE).read_bytes() == (projet_pdf / "site_data" / "sources" / PARTENAIRE).read_bytes()
    page = _html(projet_pdf, "deliberations/cabbalr-2023-12-12")
    assert (
        f'<a href="../../{ADRESSE_PARTENAIRE}#page=1">Voir dans le document original, p. 1</a> (PDF, pages 1 à 7) — '
        "l'original signé fait foi</dd>"
    ) in page
    assert f'<a class="rpc-original" href="../../{ADRESSE_PARTENAIRE}#page=1">Document original, p. 1</a>' in page
    assert "ecueil original" not in page and not (projet_pdf / "site" / "recueils" / "cabbalr-conseil-12-12-2023").exists()
    controle = (projet_pdf / "site" / "controle" / "index.html").read_text("utf-8")
    assert "ecueil original" not in controle
    # a grant of such a document says « document » in its link's title: Baincthun's, as an extract would give it
    corpus = Corpus.load(projet_pdf / "site_data", places.reference())
    corpus.lier_originaux({"004_juin_2021.pdf": {"url": JUIN, "pages": 967, "taille": 1, "sha256": "0" * 64}})
    s = next(s for s in corpus.subventions if s.id == "2021-243-0079")
    assert 'title="Page 433 du recueil original (PDF)">p.\u00a0433</a>' in lignes([s], "../../")
    extrait = dataclasses.replace(s, acte=dataclasses.replace(s.acte, recueil=None))
    assert f'href="../../{JUIN}#page=433" title="Page 433 du document original (PDF)">p.\u00a0433</a>' in lignes([extrait], "../../")


def test_la_page_de_controle_cite_des_pages(projet_pdf):
    page = (projet_pdf / "site" / "controle" / "index.html").read_text("utf-8")
    assert re.search(r'<a href="\.\./originaux/2019-05-n5\.pdf#page=\d+">page \d+</a> — ', page)
    assert not re.search(r"ligne \d+ — 2019-", page)  # the PDF's findings cite pages, not lines
    assert re.search(rf"avertissement {PDF}, page \d+, ligne \d+ : ", SORTIE["build"])  # the publisher opens the page


def test_la_verification_exige_chaque_pdf(projet_pdf):
    site = projet_pdf / "site"
    taille = (site / ADRESSE).stat().st_size
    assert verification._originaux(site, verification.Attendu(originaux={ADRESSE: taille})) == []
    assert verification._originaux(site, verification.Attendu(originaux={ADRESSE: taille + 1, "originaux/x.pdf": 1})) == [
        "2 PDF original(aux) absent(s) ou incomplet(s), dont originaux/2019-05-n5.pdf, originaux/x.pdf"
    ]


def _doc(source: str, data: bytes, pages: list[int]) -> DocumentPublie:
    return DocumentPublie(source, None, [], [], [], pages, hashlib.sha256(data).hexdigest())


def test_publier_garde_l_original_publie(tmp_path):
    """Copied once, never re-read while unchanged; a new version refused leaves the published bytes,
    and so does a `cp` over the inbox file (rewritten in place); files no longer published go."""
    content, cache, boite = tmp_path / "content", tmp_path / "originaux.json", tmp_path / "boite"
    boite.mkdir()
    v1 = b"%PDF-1.4 version 1 %%EOF"
    (boite / "a.pdf").write_bytes(v1)
    (content / "originaux").mkdir(parents=True)
    (content / "originaux" / "ancien.pdf").write_bytes(b"%PDF")
    docs = [_doc("a.pdf", v1, [1, 40]), _doc("b.txt", b"texte", [])]
    fichiers = {"a.pdf": (boite / "a.pdf", docs[0].sha256)}
    out = originaux.publier(content, fichiers, docs, {"a.pdf": "2019-05-n5"}, cache)
    assert out == {"a.pdf": {"url": ADRESSE, "pages": 2, "taille": len(v1), "sha256": docs[0].sha256}}
    publie = content / ADRESSE
    assert sorted(p.name for p in (content / "originaux").iterdir()) == ["2019-05-n5.pdf"]
    inode = publie.stat().st_ino
    assert originaux.publier(content, fichiers, docs, {"a.pdf": "2019-05-n5"}, cache) == out
    assert publie.stat().st_ino == inode  # unchanged: not copied again
    (boite / "a.pdf").open("r+b").write(b"%PDF-1.4 version 2")  # rewritten in place, then refused
    fichiers = {"a.pdf": (boite / "a.pdf", hashlib.sha256((boite / "a.pdf").read_bytes()).hexdigest())}
    assert originaux.publier(content, fichiers, docs, {"a.pdf": "2019-05-n5"}, cache) == out
    assert publie.read_bytes() == v1
    assert originaux.publier(content, {}, [], {}, cache) == {} and not publie.exists()  # withdrawn


def test_une_reconstruction_donne_le_meme_site(projet_pdf, tmp_path):
    root = tmp_path / "projet"
    shutil.copytree(projet_pdf, root, symlinks=True, ignore=shutil.ignore_patterns(".build"))
    avant = empreinte_site(projet_pdf)
    nettoyer_tout(root)
    r = construire(root)
    assert r.returncode == 0, r.stdout + r.stderr
    assert empreinte_site(root) == avant
    r = construire(root)  # unchanged: the PDF is neither copied nor read again
    assert r.returncode == 0, r.stdout + r.stderr
    assert empreinte_site(root) == avant


def test_la_note_de_l_ocr_renvoie_a_la_page_lue(projet_pdf):
    """An act read by OCR says so, and each page read links to the original, which has legal value."""
    corpus = Corpus.load(projet_pdf / "site_data", places.reference())
    corpus.lier_originaux({PDF: {"url": ADRESSE, "pages": 1492, "taille": 1, "sha256": "0" * 64}})
    corpus.deliberations["2019-120"].ocr_pages = [1486, 1487]
    page = next(p for p in actes.build(corpus, {}, {}) if p.path == "deliberations/2019-120/index.md")
    assert page.faire is not None
    page = page.faire()  # (made whole only when its pre-key changed, `write_pages`)
    assert page.contexte is not None and page.donnees is not None  # made from its data (`write_pages`' cache)
    contexte = page.contexte(page.donnees, page.texte)
    texte = environment().get_template(page.template).render(front_matter="", root=root_for(page.path), page_kind=page.kind, **contexte)
    assert (
        'l\'original fait foi</strong> (pages <a href="../../originaux/2019-05-n5.pdf#page=1486">1486</a>, '
        '<a href="../../originaux/2019-05-n5.pdf#page=1487">1487</a> du recueil original, lues sur l\'image scannée)'
    ) in texte.replace("&#39;", "'")


def test_adresse_stable_et_sans_espace():
    assert originaux.adresse("RAA juin 2021 été.pdf", None) == "originaux/raa-juin-2021-ete.pdf"
    assert originaux.adresse("n6.pdf", "2021-06-n6") == "originaux/2021-06-n6.pdf"
    # a file named like a recueil's address never takes it
    assert originaux.adresse("2021-06-n6.pdf", None, {"originaux/2021-06-n6.pdf"}) == "originaux/2021-06-n6-2.pdf"

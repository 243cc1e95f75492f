"""The original PDF is published at one stable address and the pages link to its pages.

A copy of the project whose inbox holds the May 2019 recueil as a PDF (printed back by Chromium,
`generator.impression`, as an office suite would) and 2022-317 as text, built as the publisher builds:
the PDF is in the site byte for byte, each act and grant links to its page (checked against the PDF's
own text, page by page, with pdftotext), the text source keeps citing its lines, and a build from
scratch gives the same site byte for byte.
"""
from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import CORPUS
from generator import originaux, places, verification
from generator.corpus import Corpus
from generator.pages import actes
from generator.render import environment, root_for
from generator.build import nettoyer_tout
from generator.formats import montant_fr
from generator.impression import imprimer_texte
from projet import S001, S003, construire, copier_projet, empreinte_site

PDF = "001_mai_2019.pdf"
ADRESSE = "originaux/2019-05-n5.pdf"  # named after the recueil (N° 5, May 2019)
SORTIE: dict[str, str] = {}  # what the first build printed


@pytest.fixture(scope="module")
def projet_pdf(tmp_path_factory) -> Path:
    root = copier_projet(tmp_path_factory.mktemp("original") / "projet", sources=[S003])
    imprimer_texte((CORPUS / S001).read_text("utf-8"), root / "site_data" / "sources" / PDF)
    r = construire(root)
    assert r.returncode == 0, r.stdout + r.stderr
    SORTIE["build"] = r.stdout
    return root


def _texte_page(pdf: Path, n: int) -> str:
    return subprocess.run(["pdftotext", "-layout", "-f", str(n), "-l", str(n), str(pdf), "-"],
                          capture_output=True, text=True, check=True).stdout


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
    n = int(re.search(r'originaux/2019-05-n5\.pdf#page=(\d+)">Voir dans le recueil original, p\. (\d+)</a>',
                      _html(projet_pdf, "deliberations/2019-117")).group(1))
    # independently: the first page whose text holds the deliberation's number as its heading prints it, « (N°2019-117) »
    premiere = next(p for p in range(1, 60) if "(N°2019-117)" in _texte_page(pdf, p))
    assert n == premiere


def test_une_subvention_renvoie_a_la_page_de_sa_ligne(projet_pdf):
    page = _html(projet_pdf, "deliberations/2019-117")  # its 19 grants
    lignes = re.findall(r'data-sort="([0-9.]+)">[^<]*<br><a class="rpc-original" href="\.\./\.\./originaux/2019-05-n5\.pdf#page=(\d+)"', page)
    assert lignes, "aucune subvention liée à sa page"
    pdf = projet_pdf / "site" / ADRESSE
    assert len(lignes) == 19
    textes = {n: re.sub(r"\s", "", _texte_page(pdf, int(n))) for n in {n for _, n in lignes}}
    for montant, n in lignes:  # « 100 000,00 € » on the site, « 100 000 € » or « 100 000,00 » in the recueil
        entiers = re.sub(r"\s", "", montant_fr(montant).split(",")[0])
        assert re.search(rf"(?<![\d.]){entiers}(?![\d.])", textes[n]), (montant, n)


def test_la_source_texte_garde_ses_lignes(projet_pdf):
    page = _html(projet_pdf, "deliberations/2022-317")
    assert re.search(r"003_97c6f9649ae06488\.txt, lignes \d+ à \d+", page)
    assert ".pdf" not in page and "rpc-original" not in page


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
        "2 PDF original(aux) absent(s) ou incomplet(s), dont originaux/2019-05-n5.pdf, originaux/x.pdf"]


def _doc(source: str, data: bytes) -> dict:
    return {"source": source, "sha256": hashlib.sha256(data).hexdigest(), "pages": [1, 40]}


def test_publier_garde_l_original_publie(tmp_path):
    """Copied once, never re-read while unchanged; a new version refused leaves the published bytes,
    and so does a `cp` over the inbox file (rewritten in place); files no longer published go."""
    content, cache, boite = tmp_path / "content", tmp_path / "originaux.json", tmp_path / "boite"
    boite.mkdir()
    v1 = b"%PDF-1.4 version 1 %%EOF"
    (boite / "a.pdf").write_bytes(v1)
    (content / "originaux").mkdir(parents=True)
    (content / "originaux" / "ancien.pdf").write_bytes(b"%PDF")
    docs = [_doc("a.pdf", v1), {"source": "b.txt", "sha256": "0" * 64, "pages": []}]
    fichiers = {"a.pdf": (boite / "a.pdf", docs[0]["sha256"])}
    out = originaux.publier(content, fichiers, docs, {"a.pdf": "2019-05-n5"}, cache)
    assert out == {"a.pdf": {"url": ADRESSE, "pages": 2, "taille": len(v1), "sha256": docs[0]["sha256"]}}
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
    corpus.deliberations["2019-120"]["ocr_pages"] = [1486, 1487]
    page = next(p for p in actes.build(corpus, {}, {}) if p.path == "deliberations/2019-120/index.md")
    texte = environment().get_template(page.template).render(front_matter="", root=root_for(page.path), page_kind=page.kind, **page.context)
    assert ("l'original fait foi</strong> (pages <a href=\"../../originaux/2019-05-n5.pdf#page=1486\">1486</a>, "
            "<a href=\"../../originaux/2019-05-n5.pdf#page=1487\">1487</a> du recueil original, lues sur l'image scannée)") in texte.replace("&#39;", "'")


def test_adresse_stable_et_sans_espace():
    assert originaux.adresse("RAA juin 2021 été.pdf", None) == "originaux/raa-juin-2021-ete.pdf"
    assert originaux.adresse("n6.pdf", "2021-06-n6") == "originaux/2021-06-n6.pdf"
    # a file named like a recueil's address never takes it
    assert originaux.adresse("2021-06-n6.pdf", None, {"originaux/2021-06-n6.pdf"}) == "originaux/2021-06-n6-2.pdf"

"""The pipeline on bad inputs: a clear message naming the file (and line), other data untouched."""

from __future__ import annotations

import gc
import json
import os
import shutil
from pathlib import Path

import pytest

from generator import build
from generator.extraction import Paths, extract
from generator.recherche import index as recherche

from conftest import CORPUS
from projet import empreinte_site

S003 = "003_97c6f9649ae06488.txt"


@pytest.fixture
def root(tmp_path):
    (tmp_path / "site_data" / "sources").mkdir(parents=True)
    shutil.copy(CORPUS / S003, tmp_path / "site_data" / "sources" / S003)
    return tmp_path


def _extract(root):
    logs = []
    res = extract(Paths(root), log=logs.append)
    return res, logs


def _snapshot(root):
    return {
        p.relative_to(root).as_posix(): p.read_bytes() for p in sorted((root / "site_data").rglob("*.json")) if p.name != "controle.json"
    }


def _bad(root, name, data: bytes):
    (root / "site_data" / "sources" / name).write_bytes(data)


def test_good_source_alone(root):
    res, _ = _extract(root)
    assert not res.errors
    assert [d["id"] for d in res.documents[0].contenu["deliberations"]] == ["2022-317"]


def test_extract_alone_leaves_nothing_frozen(root):
    """`make extract` and the tests run the extraction alone: what it reads back is frozen while it runs
    (`memoire.gel`), never after it returns, where nothing would unfreeze it (a test process would keep
    every extraction it ran, its cycles never collected)."""
    assert gc.get_freeze_count() == 0
    _extract(root)
    assert gc.get_freeze_count() == 0
    res, _ = _extract(root)  # read back this time (`memoire.geler` after the unchanged sources)
    assert res.parsed == 0 and [d.source for d in res.documents] == [S003]
    assert gc.get_freeze_count() == 0


def test_a_build_keeps_what_it_read_frozen_until_the_pages_and_unfreezes_it_whatever_stops_it(root, monkeypatch):
    """From the extraction to the pages a build is one `memoire.gel` block: what the extraction read back is
    still frozen when `render` starts, and unfrozen when the build stops, here by an error in the pages."""
    extract(Paths(root), log=lambda *_: None)  # (the source read back by the build)
    vus = []

    def panne(paths, res):
        (document,) = res.documents
        vus.append((document.source, any(o is document for o in gc.get_objects())))  # (the collector's generations, not the frozen)
        raise RuntimeError("panne simulée")

    monkeypatch.setattr(build, "render", panne)
    with pytest.raises(RuntimeError, match="panne simulée"):
        build.run(root, log=lambda *_: None)
    assert vus == [(S003, False)]  # the document read back: out of the collector's sight
    assert gc.get_freeze_count() == 0


@pytest.mark.parametrize(
    "name,data,message",
    [
        ("vide.txt", b"", "fichier vide"),
        ("bruit.txt", bytes(range(256)) * 40, "binaire"),
        ("faux.pdf", b"ceci n'est pas un PDF", "n'est pas un PDF"),
        ("notes.txt", "Compte rendu de la réunion de quartier.\nRien à voir.\n".encode(), "aucune délibération"),
    ],
)
def test_unreadable_source_is_refused_and_others_unchanged(root, name, data, message):
    _extract(root)
    before = _snapshot(root)
    _bad(root, name, data)
    res, logs = _extract(root)
    assert len(res.errors) == 1
    err = res.errors[0]
    assert err["source"] == name and message in err["message"]
    assert any(name in l and message in l for l in logs)
    assert _snapshot(root) == before
    assert res.report["erreurs"][0]["source"] == name


def test_binary_error_names_the_line(root):
    _bad(root, "casse.txt", b"DEPARTEMENT DU PAS-DE-CALAIS\nligne deux\n\x01\x02\x03 binaire\n")
    res, _ = _extract(root)
    assert res.errors[0]["source"] == "casse.txt"
    assert res.errors[0]["line"] == 3 and "U+0001" in res.errors[0]["message"]


def test_latin1_source_is_read_with_a_warning(root):
    text = (CORPUS / S003).read_text("utf-8").replace("2022-317", "2022-999").replace("\u2019", "'")
    _bad(root, "latin1.txt", text.encode("cp1252"))
    res, _ = _extract(root)
    assert not res.errors
    doc = next(d.contenu for d in res.documents if d.contenu["source"] == "latin1.txt")
    assert doc["deliberations"][0]["id"] == "2022-999"
    assert doc["deliberations"][0]["titre"].startswith("DÉLIBÉRATION CADRE")
    assert any(p["kind"] == "encodage" and "Windows-1252" in p["message"] for p in doc["problems"])


def test_utf16_source_is_read(root):
    text = (CORPUS / S003).read_text("utf-8").replace("2022-317", "2022-998")
    _bad(root, "utf16.txt", text.encode("utf-16"))
    res, _ = _extract(root)
    doc = next(d.contenu for d in res.documents if d.contenu["source"] == "utf16.txt")
    assert doc["deliberations"][0]["id"] == "2022-998"


def test_refused_source_keeps_its_previous_data(root):
    """A correction that breaks the file must not unpublish what was extracted before."""
    good = (CORPUS / S003).read_bytes().replace(b"2022-317", b"2022-500")
    _bad(root, "mise-a-jour.txt", good)
    _extract(root)
    before = _snapshot(root)
    assert "site_data/actes/mise-a-jour.json" in before
    _bad(root, "mise-a-jour.txt", b"")
    res, _ = _extract(root)
    assert res.errors and res.errors[0]["source"] == "mise-a-jour.txt"
    assert _snapshot(root) == before


def test_recueil_cut_in_the_middle_of_a_deliberation(root):
    lines = (CORPUS / S003).read_text("utf-8").split("\n")
    cut = next(i for i, l in enumerate(lines) if l.strip().startswith("DECIDE"))
    _bad(root, "coupe.txt", "\n".join(lines[: cut + 3]).replace("2022-317", "2022-901").encode())
    res, _ = _extract(root)
    doc = next(d.contenu for d in res.documents if d.contenu["source"] == "coupe.txt")
    assert [d["id"] for d in doc["deliberations"]] == ["2022-901"]
    assert any(p["kind"] == "deliberation-incomplete" for p in doc["problems"])
    assert next(d.contenu for d in res.documents if d.contenu["source"] == S003)["deliberations"][0]["id"] == "2022-317"


def test_deliberation_without_its_number_line(root):
    text = (CORPUS / S003).read_text("utf-8").replace("(N°2022-317)", "")
    _bad(root, "sans-numero.txt", text.encode())
    res, _ = _extract(root)
    doc = next(d.contenu for d in res.documents if d.contenu["source"] == "sans-numero.txt")
    problems = [p for p in doc["problems"] if p["kind"] == "numero-absent"]
    assert problems and problems[0]["line"] == 3  # the « DELIBERATION DU CONSEIL DEPARTEMENTAL » header
    assert "(N°" in problems[0]["message"]
    assert "sans-numero.txt" in {s["source"] for s in res.report["sources"]}


def test_encrypted_pdf_is_refused(root):
    from io import BytesIO

    from pypdf import PdfWriter

    w = PdfWriter()
    w.add_blank_page(width=200, height=200)
    w.encrypt("secret")
    buf = BytesIO()
    w.write(buf)
    _bad(root, "chiffre.pdf", buf.getvalue())
    res, _ = _extract(root)
    assert "chiffré" in res.errors[0]["message"]


def test_same_recueil_dropped_twice_under_two_names(root):
    shutil.copy(CORPUS / S003, root / "site_data" / "sources" / "copie du 003.txt")
    res, _ = _extract(root)
    assert not res.errors
    dups = res.report["doublons"]
    assert len(dups) == 1 and dups[0]["kind"] == "doublon" and dups[0]["severity"] == "info"
    assert dups[0]["deliberation"] == "2022-317"


def test_two_new_sources_claim_the_same_number_with_different_content(root):
    """Neither can be told right: both refused, each naming the other; nothing of 2022-317 published."""
    text = (CORPUS / S003).read_text("utf-8").replace("DÉLIBÉRATION CADRE", "DÉLIBÉRATION MODIFIÉE")
    _bad(root, "autre.txt", text.encode())
    res, logs = _extract(root)
    errs = {e["source"]: e for e in res.errors}
    assert set(errs) == {"autre.txt", S003}
    assert "la délibération 2022-317 est déjà publiée par autre.txt avec un texte différent" in errs[S003]["message"]
    assert f"la délibération 2022-317 est déjà publiée par {S003} avec un texte différent" in errs["autre.txt"]["message"]
    assert "gardez un seul des deux fichiers" in errs["autre.txt"]["message"]
    assert res.documents == [] and not (root / "site_data" / "actes" / "autre.json").exists()


def test_a_new_source_claiming_a_published_act_with_another_text_is_refused(root):
    """The act published first stays as it was; the newcomer is refused, not published beside it."""
    _extract(root)
    before = _snapshot(root)
    text = (CORPUS / S003).read_text("utf-8").replace("DÉLIBÉRATION CADRE", "DÉLIBÉRATION MODIFIÉE")
    _bad(root, "autre.txt", text.encode())
    res, logs = _extract(root)
    assert [e["source"] for e in res.errors] == ["autre.txt"]
    ligne = next(d["line"] for d in res.documents[0].contenu["deliberations"] if d["id"] == "2022-317")
    assert res.errors[0]["line"] == ligne  # where the act starts in autre.txt (the same place as in the original)
    assert f"la délibération 2022-317 est déjà publiée par {S003} avec un texte différent" in res.errors[0]["message"]
    assert any(f"ERREUR autre.txt, ligne {ligne}" in l for l in logs)
    assert _snapshot(root) == before
    assert [d.contenu["source"] for d in res.documents] == [S003]


def test_the_search_is_forked_by_the_build_once_the_exports_process_has_ended(projet, tmp_path, monkeypatch):
    """Each forked process that reads the corpus copies the memory pages it reads: the exports' and the search's
    never run together. The search's is forked by the build's process (not by the exports'), once the exports'
    has ended and was reaped; both results are published."""
    monkeypatch.setenv("RPC_PROCESSUS", "2")
    vu = tmp_path / "vu.json"
    exports, preparer = build._exports, recherche.preparer_contenus

    def _exports(*args):
        vu.write_text(json.dumps({"exports": os.getpid()}))
        return exports(*args)

    def preparer_contenus(*args):
        pid = json.loads(vu.read_text())["exports"]
        vu.write_text(
            json.dumps({"exports": pid, "recherche": os.getpid(), "parent": os.getppid(), "exports_vivant": Path(f"/proc/{pid}").exists()})
        )
        return preparer(*args)

    monkeypatch.setattr(build, "_exports", _exports)
    monkeypatch.setattr(recherche, "preparer_contenus", preparer_contenus)
    assert build.run(projet, log=lambda *_: None) == 0
    v = json.loads(vu.read_text())
    assert v["parent"] == os.getpid() and len({v["exports"], v["recherche"], os.getpid()}) == 3
    assert v["exports_vivant"] is False
    assert (projet / "site" / "recherche" / "manifeste.json").exists() and (projet / "site" / "donnees" / "index.html").exists()


def _en_panne(*args):
    raise ValueError("panne simulée")


@pytest.mark.parametrize("module,nom", [(build, "_exports"), (recherche, "preparer_contenus")])
def test_a_child_process_that_fails_is_told_and_leaves_the_published_site_whole(projet, monkeypatch, module, nom):
    """The exports' or the search's process failing: the build stops with its traceback, told in French, and the
    published site is byte for byte the one before; nothing stays frozen."""
    monkeypatch.setenv("RPC_PROCESSUS", "2")
    avant = empreinte_site(projet)
    monkeypatch.setattr(module, nom, _en_panne)
    with pytest.raises(RuntimeError, match="_en_panne a échoué :(.|\n)*ValueError: panne simulée"):
        build.run(projet, log=lambda *_: None)
    assert empreinte_site(projet) == avant
    assert gc.get_freeze_count() == 0

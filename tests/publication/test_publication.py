"""Publishing as a transaction, played as a publisher would, on a copy of the project (tests/projet.py).

Each fault asserts the French message and that the published site is byte for byte what it was (or,
for an accepted change, the new version whole). The project holds the real documents of
tests/fixtures/corpus: the 2022-317 extract and the CABBALR deliberation (a small, fast site), plus
the May 2019 recueil where a test needs grants or warnings.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import stat
import subprocess
import time
from pathlib import Path

import pytest

from generator.commun import store
from generator.publication import transaction as publication
from generator.publication import verification

from conftest import CORPUS
from projet import S001, S003, commande, construire, copier_projet, empreinte_donnees, empreinte_site


def _sortie(r) -> str:
    return r.stdout + r.stderr


def _sans_trace(r) -> None:
    assert "Traceback" not in _sortie(r)


def test_a_build_publishes_a_verified_version_behind_the_site_link(projet):
    site = projet / "site"
    assert site.is_symlink()
    version = publication.version_courante(projet)
    assert version is not None and version.parent == projet / ".build" / "sites"
    assert publication.ecart_au_record(version) is None
    rec = publication.lire_record(version)
    assert rec["resume"] == {"deliberations": 2, "subventions": 0}
    assert "deliberations/2022-317/index.html" in rec["fichiers"]
    assert (site / "deliberations" / "cabbalr-2023-12-12" / "index.html").is_file()


def test_strict_with_warnings_leaves_the_site_unchanged(projet):
    """May 2019 added: its control report has warnings (a part announced twice, a misprinted number)."""
    avant, donnees = empreinte_site(projet), empreinte_donnees(projet)
    shutil.copy(CORPUS / S001, projet / "site_data" / "sources" / S001)
    r = construire(projet, "build", "--strict")
    assert r.returncode == 1
    assert "Rien n'a été publié (STRICT=1)" in r.stdout and "le site en ligne est inchangé" in r.stdout
    assert "avertissement 001_e1a7153a0531ec73.txt, ligne 20882 : Numéro imprimé « 2017-119 »" in r.stdout
    assert empreinte_site(projet) == avant
    _sans_trace(r)
    # the same without STRICT: published, with the warnings listed
    r = construire(projet)
    assert r.returncode == 0 and "Publié : 7 délibération(s), 19 subvention(s)" in r.stdout
    # without SITE_URL, the build's last line says, loudly, what lacks an absolute address
    from generator.build import SANS_SITE_URL

    assert r.stdout.rstrip().splitlines()[-1] == SANS_SITE_URL
    assert (
        SANS_SITE_URL.startswith("ATTENTION : SITE_URL n'est pas fixée") and "sitemap.xml" in SANS_SITE_URL and "flux.xml" in SANS_SITE_URL
    )
    assert (projet / "site" / "deliberations" / "2019-117" / "index.html").is_file()
    assert empreinte_donnees(projet) != donnees


def test_a_typo_in_corrections_leaves_site_and_data_unchanged(projet):
    avant, donnees = empreinte_site(projet), empreinte_donnees(projet)
    (projet / "site_data" / "corrections.yaml").write_text(
        'deliberations:\n  - id: 2022-317\n    corriger:\n      titre: "Titre corrigé\n', encoding="utf-8"
    )
    shutil.copy(CORPUS / S001, projet / "site_data" / "sources" / S001)  # a new recueil waiting: not read either
    r = construire(projet)
    assert r.returncode == 2
    assert "ERREUR corrections.yaml, ligne" in r.stdout
    assert empreinte_site(projet) == avant and empreinte_donnees(projet) == donnees
    _sans_trace(r)


def test_a_correction_whose_id_is_a_path_writes_nothing_outside(projet, tmp_path):
    avant = empreinte_site(projet)
    (projet / "site_data" / "corrections.yaml").write_text(
        'deliberations:\n  - id: "2022-317"\n    corriger:\n      id: "../../../x"\n', encoding="utf-8"
    )
    r = construire(projet)
    assert r.returncode == 2 and "corrections.yaml" in r.stdout
    assert not any((tmp_path / n).exists() for n in ("x", "projet/x", "projet/content/x"))
    assert empreinte_site(projet) == avant
    _sans_trace(r)


def test_an_act_already_published_in_another_file_with_another_text_is_refused(projet):
    avant, donnees = empreinte_site(projet), empreinte_donnees(projet)
    texte = (CORPUS / S003).read_text("utf-8").replace("DÉLIBÉRATION CADRE", "DÉLIBÉRATION MODIFIÉE")
    (projet / "site_data" / "sources" / "2022-317-bis.txt").write_text(texte, encoding="utf-8")
    r = construire(projet)
    assert r.returncode == 2
    assert f"ERREUR 2022-317-bis.txt, ligne 1 : la délibération 2022-317 est déjà publiée par {S003} avec un texte différent" in r.stdout
    assert "Rien n'a été publié" in r.stdout
    assert empreinte_site(projet) == avant and empreinte_donnees(projet) == donnees


def test_a_recueil_replaced_by_its_sommaire_leaves_the_site_unchanged(projet):
    shutil.copy(CORPUS / S001, projet / "site_data" / "sources" / S001)
    assert construire(projet).returncode == 0
    avant, donnees = empreinte_site(projet), empreinte_donnees(projet)
    lignes = (CORPUS / S001).read_text("utf-8").split("\n")
    premiere = json.loads((projet / "site_data" / "actes" / "001_e1a7153a0531ec73.json").read_text("utf-8"))["deliberations"][0]["line"]
    (projet / "site_data" / "sources" / S001).write_text("\n".join(lignes[: premiere - 1]), encoding="utf-8")
    r = construire(projet)
    assert r.returncode == 2
    assert "ne contient plus 5 délibération(s) qu'il publiait (2019-117, 2019-118, 2019-119, 2019-120, 2019-121)" in r.stdout
    assert empreinte_site(projet) == avant and empreinte_donnees(projet) == donnees


def test_two_builds_at_once_the_second_is_refused_and_the_first_publishes(projet):
    shutil.copy(CORPUS / S001, projet / "site_data" / "sources" / S001)
    env = dict(os.environ)
    env.pop("SITE_URL", None)
    premier = subprocess.Popen(commande(projet, "build"), cwd=projet, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    verrou = projet / ".build" / "verrou"
    for _ in range(200):  # until the first holds the lock
        if verrou.exists() and f'"pid": {premier.pid}' in verrou.read_text("utf-8") and "en cours" in verrou.read_text("utf-8"):
            break
        time.sleep(0.05)
    second = construire(projet)
    sortie, erreurs = premier.communicate(timeout=600)
    assert second.returncode == 3
    assert (
        f"ERREUR .build/verrou : une autre construction ou publication est en cours : make build (PID {premier.pid}, depuis "
        in second.stdout
    )
    assert "rien n'a été modifié" in second.stdout
    assert premier.returncode == 0, sortie + erreurs
    assert (projet / "site" / "deliberations" / "2019-117" / "index.html").is_file()
    assert publication.ecart_au_record(publication.version_courante(projet)) is None


def test_a_build_killed_earlier_is_reported_and_its_leftovers_removed(projet):
    verrou = projet / ".build" / "verrou"
    verrou.write_text(
        json.dumps({"pid": 999999, "commande": "make build", "debut": "2026-12-01 03:00:00", "etat": "en cours"}), encoding="utf-8"
    )
    reste = projet / ".build" / "sites" / "20261201-030000-999999"
    (reste / "deliberations").mkdir(parents=True)
    compiles = sorted((projet / ".cache" / "gabarits").iterdir())
    assert compiles  # (the templates compiled by the code that built the project)
    (projet / ".cache" / "gabarits" / "page.md.j2-0123456789abcdef.cache").write_bytes(b"\x00")  # an older code's
    theme = sorted((projet / ".cache" / "gabarits-mkdocs").iterdir())
    assert theme  # (MkDocs' compiled theme templates)
    (projet / ".cache" / "gabarits-mkdocs" / "main.html-0123456789abcdef.cache").write_bytes(b"\x00")
    r = construire(projet)
    assert r.returncode == 0
    assert "La construction précédente (make build, PID 999999, commencée le 2026-12-01 03:00:00) s'est arrêtée avant la fin" in r.stdout
    assert not reste.exists()
    assert sorted((projet / ".cache" / "gabarits").iterdir()) == compiles  # the older code's removed once published
    apres = sorted((projet / ".cache" / "gabarits-mkdocs").iterdir())  # (this build may compile templates the first did not need)
    assert set(theme) <= set(apres) and not any(f.name.endswith("-0123456789abcdef.cache") for f in apres)


def test_umask_077_still_publishes_files_the_web_server_can_read(projet):
    shutil.copy(CORPUS / S001, projet / "site_data" / "sources" / S001)
    r = construire(projet, umask=0o077)
    assert r.returncode == 0, _sortie(r)
    modes = set()
    for base, dirs, files in os.walk(projet / "site"):
        modes |= {stat.S_IMODE(os.stat(os.path.join(base, d)).st_mode) for d in dirs}
        modes |= {stat.S_IMODE(os.stat(os.path.join(base, f)).st_mode) | 0o1000 for f in files}
    assert modes == {0o755, 0o1644}  # folders 0755, files 0644 (marked apart)


@pytest.mark.parametrize("env", [{"LC_ALL": "C"}, {"LC_ALL": "C", "PYTHONUTF8": "0", "LANG": "C"}, {"LC_ALL": "POSIX"}])
def test_a_c_locale_builds_and_speaks_french(projet, env):
    shutil.copy(CORPUS / S001, projet / "site_data" / "sources" / S001)
    r = construire(projet, env=env)
    assert r.returncode == 0, _sortie(r)
    assert "Publié : 7 délibération(s), 19 subvention(s)" in r.stdout
    _sans_trace(r)


def test_a_path_with_spaces_and_accents(modele, tmp_path):
    dest = tmp_path / "Recueil des actes — été 2026" / "projet du Département"
    shutil.copytree(modele, dest, symlinks=True)
    shutil.copy(CORPUS / S001, dest / "site_data" / "sources" / S001)
    r = construire(dest)
    assert r.returncode == 0, _sortie(r)
    assert (dest / "site" / "deliberations" / "2019-121" / "index.html").is_file()


def test_read_only_inputs_and_code(projet):
    """The publisher's inbox, the reference geography and the code on read-only mounts (a shared
    folder, a package installed by root): the build reads them and writes only its own outputs."""
    shutil.copy(CORPUS / S001, projet / "site_data" / "sources" / S001)
    montes = []
    try:
        for d in ("site_data/sources", "site_data/reference", "generator"):
            p = str(projet / d)
            if os.geteuid() != 0 or subprocess.run(["mount", "--bind", p, p], capture_output=True).returncode != 0:
                pytest.skip("un montage en lecture seule demande root et CAP_SYS_ADMIN (le cas de la CI)")
            montes.append(p)
            assert subprocess.run(["mount", "-o", "remount,bind,ro", p, p], capture_output=True).returncode == 0
        with pytest.raises(OSError):
            (projet / "site_data" / "sources" / "essai").write_text("x")
        r = construire(projet, env={"PYTHONDONTWRITEBYTECODE": ""})
        assert r.returncode == 0, _sortie(r)
        assert "Publié : 7 délibération(s), 19 subvention(s)" in r.stdout
        assert (projet / "site" / "deliberations" / "2019-117" / "index.html").is_file()
    finally:
        for p in reversed(montes):
            subprocess.run(["umount", p], capture_output=True)


def test_an_internal_error_is_one_sentence_and_a_log_file(projet):
    """A bug of ours (simulated in the copy's code): one sentence, the traceback in .build/journal/, the site unchanged."""
    avant = empreinte_site(projet)
    flux = projet / "generator" / "site" / "pages" / "flux.py"
    flux.write_text(flux.read_text("utf-8") + "\n\ndef atom(*a, **k):\n    raise KeyError('panne simulée')\n", encoding="utf-8")
    shutil.copy(CORPUS / S001, projet / "site_data" / "sources" / S001)
    r = construire(projet)
    assert r.returncode == 4
    assert "ERREUR interne (KeyError: 'panne simulée') ; détail dans .build/journal/erreur-" in r.stdout
    assert "le site publié n'a pas été modifié" in r.stdout
    _sans_trace(r)
    journal = sorted((projet / ".build" / "journal").glob("erreur-*.log"))
    assert len(journal) == 1 and "KeyError: 'panne simulée'" in journal[0].read_text("utf-8")
    assert empreinte_site(projet) == avant


def test_rollback_switches_back_and_forth(projet):
    v1 = empreinte_site(projet)
    shutil.copy(CORPUS / S001, projet / "site_data" / "sources" / S001)
    assert construire(projet).returncode == 0
    v2 = empreinte_site(projet)
    assert v2 != v1 and "deliberations/2019-117/index.html" in v2
    r = construire(projet, "rollback")
    assert r.returncode == 0 and "site/ est revenu à la version précédente" in r.stdout
    assert empreinte_site(projet) == v1
    assert construire(projet, "rollback").returncode == 0
    assert empreinte_site(projet) == v2


def test_rollback_without_a_previous_version(tmp_path):
    root = copier_projet(tmp_path / "neuf")
    assert construire(root).returncode == 0
    r = construire(root, "rollback")
    assert r.returncode == 2
    assert "ERREUR site : aucune version précédente du site n'est conservée : rien à rétablir." in r.stdout


# -- make publish DEST=… ------------------------------------------------------------------------


def _arbre(d: Path) -> dict[str, bytes]:
    return {p.relative_to(d).as_posix(): p.read_bytes() for p in sorted(d.rglob("*")) if p.is_file()}


def test_publish_mirrors_the_site_and_keeps_the_previous_one(projet, tmp_path):
    dest = tmp_path / "www" / "recueil"
    dest.parent.mkdir()
    r = construire(projet, "publish", str(dest))
    assert r.returncode == 0, _sortie(r)
    assert f"Site publié dans {dest}" in r.stdout
    assert _arbre(dest) == _arbre(projet / "site")
    # 2022-317 withdrawn (confirmed), May 2019 added: its pages appear, 2022-317's disappear from DEST
    (projet / "site_data" / "sources" / S003).unlink()
    (projet / "site_data" / "corrections.yaml").write_text(f'retraits:\n  - source: {S003}\n    motif: "remplacé"\n', encoding="utf-8")
    shutil.copy(CORPUS / S001, projet / "site_data" / "sources" / S001)
    premier = _arbre(dest)
    r = construire(projet, "publish", str(dest))
    assert r.returncode == 0, _sortie(r)
    assert _arbre(dest) == _arbre(projet / "site")
    assert "deliberations/2019-117/index.html" in _arbre(dest)
    assert not (dest / "deliberations" / "2022-317").exists()
    prec = dest.parent / ".recueil.precedent"
    assert _arbre(prec) == premier
    modes = {stat.S_IMODE(p.stat().st_mode) for p in dest.rglob("*")}
    assert modes == {0o644, 0o755}
    # and back
    r = construire(projet, "rollback", str(dest))
    assert r.returncode == 0
    assert _arbre(dest) == premier


def test_publish_refuses_a_site_changed_after_its_verification(projet, tmp_path):
    dest = tmp_path / "www"
    assert construire(projet, "publish", str(dest)).returncode == 0
    avant = _arbre(dest)
    r = construire(projet, "publish", str(dest))  # rebuilds: still fine
    assert r.returncode == 0
    page = projet / "site" / "deliberations" / "2022-317" / "index.html"
    page.write_text(page.read_text("utf-8").replace("</body>", "<script>alert(1)</script></body>"), encoding="utf-8")
    version = publication.version_courante(projet)
    assert publication.ecart_au_record(version) == "le fichier deliberations/2022-317/index.html a changé depuis la vérification"
    with pytest.raises(publication.ErreurDeSaisie, match="a changé depuis la vérification"):
        publication.publier(projet, dest, log=lambda *_: None)
    assert _arbre(dest) == avant


def test_publish_refuses_a_folder_that_is_not_a_publication(projet, tmp_path):
    dest = tmp_path / "www"
    dest.mkdir()
    (dest / "autre-site.html").write_text("<p>un autre site</p>", encoding="utf-8")
    r = construire(projet, "publish", str(dest))
    assert r.returncode == 2
    assert "contient déjà des fichiers qui ne sont pas une publication de ce site" in r.stdout
    assert _arbre(dest) == {"autre-site.html": b"<p>un autre site</p>"}


def test_publish_refuses_the_project_itself_or_the_root(projet):
    for dest in (str(projet), "/", str(projet / "content")):
        r = construire(projet, "publish", dest)
        assert r.returncode == 2 and "ne peut pas recevoir le site" in r.stdout, dest


def test_publish_copies_nothing_when_the_build_is_refused(projet, tmp_path):
    dest = tmp_path / "www"
    assert construire(projet, "publish", str(dest)).returncode == 0
    avant = _arbre(dest)
    (projet / "site_data" / "corrections.yaml").write_text("lieux: [\n", encoding="utf-8")
    r = construire(projet, "publish", str(dest))
    assert r.returncode == 2
    assert f"make publish : rien n'a été copié dans {dest}" in r.stdout or "ERREUR corrections.yaml" in r.stdout
    assert _arbre(dest) == avant


def test_the_search_files_of_the_previous_verified_version_are_not_parsed_again(tmp_path):
    """A search file named by its content's hash, with the name and size that the previous verified
    version's record gives, holds the bytes parsed then: its JSON is not parsed again (ten years: 100 MB
    of JSON). Its hash is still checked: altered bytes are told whatever the record says."""
    d = tmp_path / "recherche"
    d.mkdir()
    donnees = b'{"mots": ["piscine"]'  # not JSON: shows whether it was parsed
    nom = f"2019.{hashlib.sha256(donnees).hexdigest()[:10]}.json"
    (d / nom).write_bytes(donnees)
    (d / "manifeste.json").write_text(json.dumps({"annees": {"2019": nom}}), "utf-8")
    assert verification._recherche(tmp_path, {}) == [f"recherche/{nom} n'est pas du JSON valide"]
    assert verification._recherche(tmp_path, {f"recherche/{nom}": len(donnees)}) == []
    assert verification._recherche(tmp_path, {f"recherche/{nom}": len(donnees) + 1}) == [f"recherche/{nom} n'est pas du JSON valide"]
    (d / nom).write_bytes(donnees.replace(b"piscine", b"piscinf"))  # altered since: its name no longer proves its bytes
    assert verification._recherche(tmp_path, {f"recherche/{nom}": len(donnees)}) == [
        f"recherche/{nom} n'a pas le contenu que son nom annonce (fichier tronqué ou altéré)"
    ]


def test_the_search_files_the_published_version_read_are_not_read_again(tmp_path, monkeypatch):
    """A search file that is still the very file the published version's verification read (its `identite`
    in `publication.controles`: same inode, size and date) is not even read; one changed in place since
    (another date) is read, and its altered bytes told."""
    d = tmp_path / "recherche"
    d.mkdir()
    donnees = b'{"mots": ["piscine"]}'
    nom = f"2019.{hashlib.sha256(donnees).hexdigest()[:10]}.json"
    (d / nom).write_bytes(donnees)
    (d / "manifeste.json").write_text(json.dumps({"annees": {"2019": nom}}), "utf-8")
    os.utime(d / nom, (1_000_000_000, 1_000_000_000))  # written long ago: the write below gives it another date
    connus = {"identites": {f"recherche/{nom}": store.identite(d / nom)}}
    lus: list[str] = []
    read_bytes = Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes", lambda p: lus.append(p.name) or read_bytes(p))
    assert verification._recherche(tmp_path, {}, connus) == [] and lus == ["manifeste.json"]
    lus.clear()
    assert verification._recherche(tmp_path, {}) == [] and lus == ["manifeste.json", nom]  # without the record: read
    lus.clear()
    with (d / nom).open("r+b") as f:  # altered in place: same inode and size, another modification time
        f.write(b"[")
    assert store.identite(d / nom) != connus["identites"][f"recherche/{nom}"]
    assert verification._recherche(tmp_path, {}, connus) == [
        f"recherche/{nom} n'a pas le contenu que son nom annonce (fichier tronqué ou altéré)"
    ]
    assert lus == ["manifeste.json", nom]


def test_a_rebuild_reads_the_previous_record_once_and_hands_the_pages_records_over_unparsed(projet, monkeypatch, capsys):
    """Issue 22: the build reads the published version's record once (its files, for the verification);
    the generated pages' records (10 MB at ten years) go from MkDocs' child process, which reads the
    previous ones, to the new version's `.pages.json` without this process parsing them; with nothing
    changed every generated page is the previous version's file, hard-linked."""
    from generator import build

    precedente = publication.version_courante(projet)
    assert precedente is not None
    lectures = []
    lire_record = publication.lire_record
    monkeypatch.setattr(publication, "lire_record", lambda v: lectures.append(v) or lire_record(v))

    def interdit(version):
        raise AssertionError(f"les fiches des pages de {version} lues par la construction")

    monkeypatch.setattr(publication, "lire_pages", interdit)
    monkeypatch.delenv("SITE_URL", raising=False)
    assert build.run(projet, log=lambda *_: None) == 0
    assert lectures == [precedente]
    monkeypatch.undo()
    version = publication.version_courante(projet)
    assert version is not None and version != precedente
    assert "pages" not in publication.lire_record(version)  # kept beside it, not in it
    pages = publication.lire_pages(version)
    assert "communes/wancourt/index.html" in pages or len(pages) > 100
    assert all(os.path.samefile(version / p, precedente / p) for p in pages)
    assert publication.lire_pages(precedente).keys() == pages.keys()
    feeds = [p for p in publication.lire_record(version)["fichiers"] if p.startswith("flux/")]  # linked from content/, not copied
    assert feeds and all(os.path.samefile(version / p, projet / "content" / p) for p in feeds)


def test_the_exports_the_published_version_passed_are_checked_again_only_when_changed(projet, monkeypatch):
    """Issue 22: a new version's exports and places' feeds that are still the files the published version's
    verification passed (hard links: same `identite`) are not read again (no `quick_check`, no parsing); a
    changed count, a file replaced by a damaged one or damaged in place are checked, and refused."""
    r = construire(projet)  # (the copied project's files are not the inodes its record names: everything checked)
    assert r.returncode == 0, _sortie(r)
    courante = publication.version_courante(projet)
    assert courante is not None
    rec = publication.lire_record(courante)
    connus = json.loads(publication.controles(courante).read_text("utf-8"))
    assert connus["resume"] == rec["resume"]
    exports = {p for p in rec["fichiers"] if p.startswith("donnees/") and p.count("/") == 1}
    feeds = {p for p in rec["fichiers"] if p.startswith("flux/") and p.count("/") == 1}
    recherche = {p for p in rec["fichiers"] if p.startswith("recherche/") and p.endswith((".json", ".js"))}
    assert set(connus["identites"]) == exports | feeds | recherche
    assert "donnees/recueil.sqlite" in exports and "flux/sitemap.xml" in feeds and "recherche/manifeste.json" in recherche
    neuve = publication.nouvelle_version(projet)
    shutil.copytree(courante, neuve, copy_function=os.link, dirs_exist_ok=True)  # as a build links what did not change
    assert publication.controles_precedents(neuve) == connus
    assert publication.controles_precedents(courante) == {}  # (itself is not its own previous version)
    attendu = verification.Attendu(
        deliberations=[f"d{i}" for i in range(rec["resume"]["deliberations"])], subventions=rec["resume"]["subventions"]
    )
    controles: list[tuple[str, bool]] = []
    compter = verification._compter
    monkeypatch.setattr(
        verification, "_compter", lambda f, *t, integrite=True: controles.append((f.name, integrite)) or compter(f, *t, integrite=integrite)
    )
    lus: list[str] = []
    lire_json = verification._json
    monkeypatch.setattr(verification, "_json", lambda f: lus.append(f.name) or lire_json(f))

    bases = sorted(p.name for p in (neuve / "donnees").glob("*.sqlite"))
    assert len(bases) >= 2 and "recueil.sqlite" in bases
    assert verification._exports(neuve, attendu, publication.controles_precedents(neuve)) == []
    assert sorted(controles) == [(b, False) for b in bases] and lus == []
    controles.clear()
    assert verification._exports(neuve, attendu) == []  # without the record: everything read
    assert sorted(controles) == [(b, True) for b in bases] and lus == ["subventions.json"]
    lus.clear()

    autre = verification.Attendu(deliberations=attendu.deliberations, subventions=attendu.subventions + 1)
    assert "donnees/subventions.json compte" in " ".join(verification._exports(neuve, autre, publication.controles_precedents(neuve)))
    assert lus == ["subventions.json"]  # the count it was checked against is no longer the expected one

    base = neuve / "donnees" / "recueil.sqlite"
    donnees = base.read_bytes()
    base.unlink()
    base.write_bytes(b"abimee" + donnees[6:])  # replaced by a damaged file: a new inode
    assert verification._exports(neuve, attendu, publication.controles_precedents(neuve)) == [
        "donnees/recueil.sqlite illisible (file is not a database)"
    ]
    texte = neuve / "donnees" / bases[0]
    with texte.open("r+b") as f:  # damaged in place (the link's bytes, shared with the published version's)
        f.write(b"abimee")
    assert f"donnees/{bases[0]} illisible (file is not a database)" in verification._exports(
        neuve, attendu, publication.controles_precedents(neuve)
    )

    # the places' feeds likewise: parsed only when not the files the published version's verification parsed
    annonces = sorted(feeds - {"flux/sitemap.xml"})
    assert len(annonces) >= 2
    avec_flux = verification.Attendu(flux=annonces)
    parses: list[str] = []
    parse = verification.ET.parse
    monkeypatch.setattr(verification.ET, "parse", lambda f: parses.append(Path(f).relative_to(neuve).as_posix()) or parse(f))
    assert verification._flux(neuve, avec_flux, publication.controles_precedents(neuve)) == [] and parses == []
    assert verification._flux(neuve, avec_flux) == [] and sorted(parses) == sorted(feeds)  # without the record: every one
    parses.clear()
    with (neuve / annonces[1]).open("r+b") as f:  # damaged in place: same inode, another modification time
        f.write(b"abimee")
    assert verification._flux(neuve, avec_flux, publication.controles_precedents(neuve)) == [
        f"1 flux Atom de lieu ou de dispositif (ou leur plan, sitemap.xml) absent(s) ou illisible(s), dont {annonces[1]}"
    ]
    assert parses == [annonces[1]]

"""Publishing as a transaction: one publisher at a time; the new site built beside the one online,
verified, then switched in by one atomic rename; the previous version kept for `make rollback`.

On disk, under the project root:

    site                       symbolic link to .build/sites/<version>: the site as published
    .build/sites/<version>/    one whole version of the site (the one `site` points to, the previous one)
    .build/sites/<version>.json  its verification record: every file with its size (what `make publish` checks)
    .build/sites/<version>.pages.json  its generated pages' keys and digests (what the next build's MkDocs
                               reuses), put there with the record once the version passed verification
    .build/sites/<version>.controles.json  the `identite` of its exports when they passed verification and
                               the counts they were checked against (what the next verification need not redo)
    .build/sites/precedent     link to the previous version (`make rollback` switches back to it)
    .build/sites/.squelette    the folders of the last version dropped, without a file: the next build's
                               version starts from them (`nettoyer` strips it in the background, as
                               .squelette-en-cours-*, then renames it; `nouvelle_version` takes it). Stripping
                               a ten-year version: 0,26 s (0,23 s of system time) against 1,25 s (0,57) for
                               `rm -rf`; the MkDocs child without change 0,6-0,7 s of system time in it against
                               1,0-7,0 s into an empty folder (13 200 `mkdir`, dearer after a deletion on ext4)
    .build/verrou              the lock (flock), with who holds it: PID, command, start

A kill at any instant leaves `site` pointing at one whole, verified version: a new version is
complete and verified before the link is replaced, and replacing a link is one `rename(2)`. The first
build after the old layout (`site` a real folder) exchanges the folder and the link in one step
(`renameat2(RENAME_EXCHANGE)`, Linux), so there too no instant is without a whole site.

`make publish DEST=…` copies a verified `site/` into a new folder beside DEST (unchanged files
hard-linked from the current DEST, the rest copied), checks the copy against the verification record,
then exchanges it with DEST in one step; the replaced copy is kept beside DEST for
`make rollback DEST=…`. What no longer exists in the site no longer exists in DEST.
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import filecmp
import json
import os
import shutil
import socket
import stat
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from generator.commun.erreurs import ErreurDeSaisie
from generator.commun.genere import VERROU
from generator.commun.memoire import sans_ramasse_miettes
from generator.commun.store import fsync, identite, synchroniser, write_text

SITES = Path(".build") / "sites"
PRECEDENT = "precedent"
SQUELETTE = ".squelette"  # the folders of a dropped version, stripped of its files: the next version's (`nouvelle_version`)
DEPOUILLE = ".squelette-en-cours-"  # a dropped version being stripped in the background (`nettoyer`)
FICHIER_PUBLIE = 0o644  # published files readable by the web server whatever the umask
DOSSIER_PUBLIE = 0o755


class Occupe(ErreurDeSaisie):
    """Another build or publication holds the lock."""


# -- the lock -----------------------------------------------------------------------------------


@dataclass
class Interrompue:
    """What the lock file said of a build that died holding it (killed, machine stopped)."""

    pid: int | None
    commande: str
    debut: str


class Verrou:
    """One publisher at a time: an exclusive `flock` on .build/verrou, the holder written in it.

    The kernel releases a `flock` when its holder dies, so a killed build never blocks the next one;
    the file still says « en cours », which is how the next build knows the previous one was
    interrupted (`interrompue`) and says so.
    """

    def __init__(self, root: Path, commande: str):
        self.chemin = Path(root) / VERROU
        self.commande = commande
        self.fd: int | None = None
        self.interrompue: Interrompue | None = None

    def __enter__(self) -> Verrou:
        self.chemin.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.chemin, os.O_RDWR | os.O_CREAT, FICHIER_PUBLIE)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            info = _lire_verrou(fd)
            os.close(fd)
            qui = f"{info.get('commande') or 'une construction'} (PID {info.get('pid', '?')}, depuis {info.get('debut', '?')})"
            raise Occupe(
                VERROU.as_posix(),
                f"une autre construction ou publication est en cours : {qui}. "
                "Attendez qu'elle se termine, puis relancez la commande ; rien n'a été modifié.",
            ) from None
        info = _lire_verrou(fd)
        if info.get("etat") == "en cours":
            self.interrompue = Interrompue(info.get("pid"), str(info.get("commande", "")), str(info.get("debut", "")))
        self.fd = fd
        self.debut = time.strftime("%Y-%m-%d %H:%M:%S")
        self._ecrire("en cours")
        return self

    def _ecrire(self, etat: str) -> None:
        assert self.fd is not None
        data = json.dumps(
            {"pid": os.getpid(), "hote": socket.gethostname(), "commande": self.commande, "debut": self.debut, "etat": etat},
            ensure_ascii=False,
        ).encode()
        os.ftruncate(self.fd, 0)
        os.pwrite(self.fd, data, 0)
        os.fsync(self.fd)

    def __exit__(self, *exc) -> None:
        if self.fd is None:
            return
        try:
            self._ecrire("terminée")
        except OSError:
            pass  # a full disk: the lock is released anyway, and the next build reads « en cours »
        fcntl.flock(self.fd, fcntl.LOCK_UN)
        os.close(self.fd)
        self.fd = None


def _lire_verrou(fd: int) -> dict:
    try:
        data = json.loads(os.pread(fd, 4096, 0).decode("utf-8") or "{}")
    except (ValueError, UnicodeDecodeError, OSError):
        return {}
    return data if isinstance(data, dict) else {}


# -- versions of the local site -----------------------------------------------------------------


def dossier_sites(root: Path) -> Path:
    return Path(root) / SITES


def nouvelle_version(root: Path) -> Path:
    """The folder for the site being built, beside the published versions (same file system, so that
    switching is a rename). Its name orders the versions; nothing of it is published.

    It is the skeleton `nettoyer` kept (`SQUELETTE`: the folders of the version the previous build dropped,
    every file removed before it got that name), taken by one rename, when there is one; else an empty folder.
    Its folders save MkDocs about 13 000 `mkdir` at ten years (2,5 of the MkDocs child's 7,8 s, system time).
    MkDocs' cleaning unlinks any file it would still hold and keeps its folders (`mkdocs_plugin.vider`): no
    file is ever written through (one could be a hard link of the published site); `rendre_lisible` removes the
    folders the build left empty (pages gone since), so the version is the tree a build into an empty folder
    makes."""
    base = dossier_sites(root)
    base.mkdir(parents=True, exist_ok=True)
    nom = time.strftime("%Y%m%d-%H%M%S") + f"-{os.getpid()}"
    chemin = base / nom
    shutil.rmtree(chemin, ignore_errors=True)
    try:
        os.rename(base / SQUELETTE, chemin)  # (a stripping still under way has another name: not taken)
    except OSError:
        chemin.mkdir()
        return chemin
    if not stat.S_ISDIR(os.lstat(chemin).st_mode):  # (not ours: a link or a file by that name)
        os.unlink(chemin)
        chemin.mkdir()
    return chemin


def version_courante(root: Path) -> Path | None:
    """The version `site` points to (None when there is no site yet, or `site` is an old real folder)."""
    site = Path(root) / "site"
    if not site.is_symlink():
        return None
    cible = (site.parent / os.readlink(site)).resolve()
    return cible if cible.is_dir() else None


def version_precedente(root: Path) -> Path | None:
    lien = dossier_sites(root) / PRECEDENT
    if not lien.is_symlink():
        return None
    cible = (lien.parent / os.readlink(lien)).resolve()
    return cible if cible.is_dir() else None


def rendre_lisible(dossier: Path) -> dict[str, int]:
    """Files 0644 and folders 0755 whatever the umask (a server's `umask 077` would make the site
    unreadable by the web server). A file already so (one linked from the previous version) is not
    changed: reading its mode is cheaper than writing it. The folders left empty are removed, deepest first
    (a version built in a skeleton, `nouvelle_version`, keeps the folders of pages gone since). Returns the
    folder's `inventaire`, taken by the same walk (complete when nothing writes into the folder any more)."""
    return _parcourir(dossier, lisible=True)


def inventaire(dossier: Path) -> dict[str, int]:
    """Every file of a site with its size, by relative path (sorted)."""
    return _parcourir(dossier, lisible=False)


def _parcourir(dossier: Path, lisible: bool) -> dict[str, int]:
    """`inventaire`, and with `lisible` the modes `rendre_lisible` sets, in one walk (one `lstat` a file), as
    `os.walk` would go: a link to a folder is listed as a folder (its mode set) but not walked into, a folder
    that cannot be listed is passed over. Entries of `os.scandir` give each path and `lstat` without the
    path joins of a walk (15 000 folders, 35 000 files at ten years)."""
    if lisible:
        os.chmod(dossier, DOSSIER_PUBLIE)
    out: dict[str, int] = {}
    # folders to list: path, path relative to `dossier` ("" or ending in "/"), index of the parent in `vus`
    a_voir = [(os.fspath(dossier), "", -1)]
    # folders listed, parents before children: path, index of the parent, entries left (`lisible`: empty ones removed)
    vus: list[str] = []
    parents: list[int] = []
    restes: list[int] = []
    while a_voir:
        chemin, prefixe, parent = a_voir.pop()
        try:
            entrees = os.scandir(chemin)
        except OSError:
            continue
        ici = len(vus)
        vus.append(chemin)
        parents.append(parent)
        restes.append(0)
        with entrees:
            for e in entrees:
                restes[ici] += 1
                try:
                    est_dossier = e.is_dir()
                except OSError:
                    est_dossier = False
                if est_dossier:
                    if lisible:
                        os.chmod(e.path, DOSSIER_PUBLIE)
                    if not e.is_symlink():
                        a_voir.append((e.path, prefixe + e.name + "/", ici))
                    continue
                st = e.stat(follow_symlinks=False)
                if lisible and not stat.S_ISLNK(st.st_mode) and stat.S_IMODE(st.st_mode) != FICHIER_PUBLIE:
                    os.chmod(e.path, FICHIER_PUBLIE)
                out[prefixe + e.name] = st.st_size
    if lisible:  # the empty folders removed, children (listed after their parent) first; `dossier` kept
        for i in range(len(vus) - 1, 0, -1):
            if restes[i] == 0:
                os.rmdir(vus[i])
                restes[parents[i]] -= 1
    return dict(sorted(out.items()))


def _record(version: Path) -> Path:
    return version.with_name(version.name + ".json")


def record_des_pages(version: Path) -> Path:
    """Where a verified version keeps its generated pages' records (`generator.mkdocs_plugin`, written by
    MkDocs' child process, never parsed by the build: ten years make 10 MB of JSON)."""
    return version.with_name(version.name + ".pages.json")


def controles(version: Path) -> Path:
    """Where a verified version keeps what its verification checked by content: the `identite` of the files
    directly in donnees/ and flux/ and of the search's index files (the exports, the places' feeds, the search:
    hard-linked from content/, where a rewritten file is a new inode) and the summary the exports were counted
    against (`resume`)."""
    return version.with_name(version.name + ".controles.json")


def _controle_par_contenu(chemin: str) -> bool:
    """Whether the site's file `chemin` is one whose checks `controles` records: directly in donnees/ or flux/,
    or a file of the search's index (recherche/, but its page)."""
    dossier, _, nom = chemin.partition("/")
    if dossier == "recherche":
        return nom.endswith((".json", ".js"))
    return dossier in ("donnees", "flux") and nom != "" and "/" not in nom


def controles_precedents(version: Path) -> dict:
    """What the published version beside `version` (a new one in `dossier_sites`) passed (`controles`), empty
    when there is none, it was not verified (its record is written last) or `version` is elsewhere."""
    base = Path(version).parent
    if base.parts[-len(SITES.parts) :] != SITES.parts:
        return {}
    courante = version_courante(base.parent.parent)
    if courante is None or courante == Path(version).resolve() or not _record(courante).is_file():
        return {}
    try:
        data = json.loads(controles(courante).read_bytes())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) and isinstance(data.get("identites"), dict) else {}


def marquer_verifiee(version: Path, resume: dict, pages: Path | None = None, fichiers: dict[str, int] | None = None) -> None:
    """The verification record of a version, written (atomically) once the site passed every check;
    `pages`: the file where MkDocs wrote the generated pages' records (`generator.mkdocs_plugin.Connue`),
    renamed (not read) to `record_des_pages` before the record is written, for the next build to link the
    pages it would make the same (`generator.mkdocs_plugin`, option `precedent`); `fichiers`: the version's
    `inventaire` when the caller took it (after the last write), not walked again. One line of JSON: the
    indented form goes through the pure-Python encoder."""
    cible = record_des_pages(version)
    if pages is not None:
        os.replace(pages, cible)
    else:
        cible.unlink(missing_ok=True)
    fichiers = fichiers or inventaire(version)
    verifies = {p: identite(version / p) for p in fichiers if _controle_par_contenu(p)}
    write_text(controles(version), json.dumps({"resume": resume, "identites": verifies}, separators=(",", ":")) + "\n")
    data = {"resume": resume, "fichiers": fichiers}
    write_text(_record(version), json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n")


def lire_record(version: Path) -> dict | None:
    try:
        data = json.loads(_record(version).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and isinstance(data.get("fichiers"), dict) else None


def lire_pages(version: Path) -> dict:
    """The generated pages' records of a verified version (address → record), empty when it has none (or
    was not verified: its record is written last)."""
    if not _record(version).is_file():
        return {}
    try:
        with sans_ramasse_miettes():
            data = json.loads(record_des_pages(version).read_bytes())
    except (OSError, ValueError):
        return {}
    pages = data.get("pages") if isinstance(data, dict) else None
    return pages if isinstance(pages, dict) else {}


def ecart_au_record(version: Path) -> str | None:
    """Why a version is not the one that was verified (a file added, removed or changed since), or None."""
    rec = lire_record(version)
    if rec is None:
        return "elle n'a pas été vérifiée (construction interrompue ou refusée)"
    actuel = inventaire(version)
    attendu = rec["fichiers"]
    for nom in sorted(set(attendu) | set(actuel)):
        if nom not in actuel:
            return f"le fichier {nom} a disparu depuis la vérification"
        if nom not in attendu:
            return f"le fichier {nom} a été ajouté depuis la vérification"
        if attendu[nom] != actuel[nom]:
            return f"le fichier {nom} a changé depuis la vérification"
    return None


def _lien_atomique(lien: Path, cible: Path) -> None:
    """Point `lien` at `cible` (relative link) in one rename: at every instant `lien` is the old or the new link."""
    tmp = lien.with_name(f".{lien.name}.nouveau-{os.getpid()}")
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    os.symlink(os.path.relpath(cible, lien.parent), tmp)
    os.replace(tmp, lien)
    fsync(lien.parent)


_RENAME_EXCHANGE = 2


def echanger(a: Path, b: Path) -> bool:
    """Exchange two paths in one step (Linux `renameat2(RENAME_EXCHANGE)`); False where the system or
    the file system cannot (the caller then falls back on two renames)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):
        return False
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    at_fdcwd = -100
    if fn(at_fdcwd, os.fsencode(str(a)), at_fdcwd, os.fsencode(str(b)), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
        return False
    raise OSError(err, os.strerror(err), str(a))


def basculer(root: Path, version: Path) -> None:
    """Publish `version` (whole and verified): `site` points at it, `precedent` at the version it replaces."""
    root = Path(root)
    site = root / "site"
    ancienne = version_courante(root)
    if site.exists() and not site.is_symlink():  # the old layout: `site` a real folder, exchanged for the link
        dossier_ancien = dossier_sites(root) / ("ancien-" + time.strftime("%Y%m%d-%H%M%S"))
        tmp = root / f".site.nouveau-{os.getpid()}"
        if tmp.is_symlink() or tmp.exists():
            tmp.unlink()
        os.symlink(os.path.relpath(version, root), tmp)
        if echanger(tmp, site):  # `site` is now the link; the old folder is at tmp
            os.rename(tmp, dossier_ancien)
        else:  # no exchange on this file system: two renames, the old folder first out of the way
            os.rename(site, dossier_ancien)
            os.rename(tmp, site)
        ancienne = dossier_ancien
    else:
        _lien_atomique(site, version)
    if ancienne is not None and ancienne != version.resolve():
        _lien_atomique(dossier_sites(root) / PRECEDENT, ancienne)


def retour(root: Path) -> Path:
    """`make rollback`: the previous version online again (and the current one kept as previous)."""
    root = Path(root)
    prec, cour = version_precedente(root), version_courante(root)
    if prec is None:
        raise ErreurDeSaisie("site", "aucune version précédente du site n'est conservée : rien à rétablir.")
    probleme = ecart_au_record(prec)
    if probleme:
        raise ErreurDeSaisie("site", f"la version précédente ({prec.name}) ne peut pas être rétablie : {probleme}.")
    _lien_atomique(root / "site", prec)
    if cour is not None:
        _lien_atomique(dossier_sites(root) / PRECEDENT, cour)
    return prec


def nettoyer(root: Path, garder: tuple[Path, ...] = ()) -> list[str]:
    """Remove what killed or refused builds left (versions neither online nor previous, their records,
    half-made links) in the background: deleting thousands of pages takes longer than building them.
    Returns the names removed.

    One dropped version (the newest by name) is not deleted but kept as the next version's folders
    (`nouvelle_version`), unless a skeleton is already there or being made: a detached `find … ! -type d -delete`
    removes its files and links (0,76 s of system time for `rm -rf` of a whole version, which also removes the
    13 000 folders the next build would make again) under a `flock` of the folder, then `mv -T` gives it the name
    `SQUELETTE` in one rename, so that name only ever holds a folder without files. A stripping still under way
    when the next build starts (its lock held) is left alone and not used; one that was killed (its lock free)
    is deleted with the rest."""
    base = dossier_sites(root)
    if not base.is_dir():
        return []
    site = Path(root) / "site"
    if not site.exists() and not site.is_symlink():  # killed between the two renames of `basculer`'s fallback
        for lien in sorted(Path(root).glob(".site.nouveau-*"), reverse=True):
            if lien.is_symlink() and lien.resolve().is_dir() and ecart_au_record(lien.resolve()) is None:
                os.rename(lien, site)
                break
    vivants = {p.resolve() for p in (version_courante(root), version_precedente(root), *garder) if p is not None}
    jetes = []
    squelette = (base / SQUELETTE).is_dir()  # a skeleton there (complete) or being made (its stripping alive)
    for p in sorted(base.iterdir()):
        if p.name == PRECEDENT or p.name.startswith(".poubelle-") or p.name == SQUELETTE:
            continue
        if p.name.startswith(DEPOUILLE):
            if _depouillement_en_cours(p):
                squelette = True
                continue
        nom = p.name.removesuffix(".json")
        cible = p.with_name(nom.removesuffix(".pages").removesuffix(".controles")) if p.suffix == ".json" and not p.is_dir() else p
        if cible.resolve() in vivants:
            continue
        jetes.append(p)
    for p in sorted(Path(root).glob(".site.nouveau-*")):
        jetes.append(p)
    fichiers = [p for p in jetes if not p.is_dir() or p.is_symlink()]
    for p in fichiers:
        p.unlink(missing_ok=True)
    dossiers = [p for p in jetes if p.is_dir() and not p.is_symlink()]
    versions = [p for p in dossiers if p.name[:1].isdigit()]  # (versions are named by their time; not a killed stripping)
    if versions and not squelette:
        garde = max(versions, key=lambda p: p.name)
        dossiers.remove(garde)
        _depouiller(garde, base / f"{DEPOUILLE}{os.getpid()}-{time.monotonic_ns()}", base / SQUELETTE)
    if dossiers:  # moved out of the way at once (renames), deleted in the background
        poubelle = base / f".poubelle-{os.getpid()}-{time.monotonic_ns()}"
        poubelle.mkdir()
        for d in dossiers:
            os.rename(d, poubelle / d.name)
    poubelles = sorted(base.glob(".poubelle-*"))  # this one, and any a killed cleaning left
    if poubelles:
        _detache(["rm", "-rf", "--", *map(str, poubelles)], base)
    return [p.name for p in jetes]


def _depouillement_en_cours(dossier: Path) -> bool:
    """Whether a process still holds the lock of a dropped version being stripped (`_depouiller`)."""
    try:
        fd = os.open(dossier, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)  # (releases the lock if it was taken)
    return False


def _depouiller(version: Path, en_cours: Path, squelette: Path) -> None:
    """`version`'s files and links removed in the background, then the folder renamed `squelette` (`nettoyer`).
    The lock is taken here, before the rename to `en_cours`, and held by the detached process (its inherited
    descriptor) until its last step: from the first instant, `nettoyer` knows it alive."""
    fd = os.open(version, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        os.rename(version, en_cours)
        script = 'find "$1" -mindepth 1 ! -type d -delete && exec mv -T -- "$1" "$2"'
        _detache(["sh", "-c", script, "sh", str(en_cours), str(squelette)], version.parent, (fd,))
    finally:
        os.close(fd)


def _detache(cmd: list[str], cwd: Path, fds: tuple[int, ...] = ()) -> None:
    """`cmd` run detached (its own session, no output), in `cwd` (not the project: a build's children are
    found by their working folder)."""
    subprocess.Popen(
        cmd, start_new_session=True, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, pass_fds=fds
    )


# -- make publish DEST=… ------------------------------------------------------------------------


def _ressemble_a_notre_site(dossier: Path) -> bool:
    return (dossier / "index.html").is_file() and (dossier / "donnees" / "recueil.sqlite").is_file()


def publier(root: Path, dest: Path, log=print) -> None:
    """Mirror the verified `site/` into `dest`: built beside it, checked, exchanged in one step."""
    root = Path(root)
    version = version_courante(root)
    if version is None:
        raise ErreurDeSaisie("site", "aucun site vérifié à publier : lancez d'abord make build.")
    probleme = ecart_au_record(version)
    if probleme:
        raise ErreurDeSaisie("site", f"site/ ne peut pas être publié : {probleme}. Relancez make build, puis make publish.")
    dest = Path(os.path.abspath(dest))
    if dest == Path(dest.anchor) or dest == Path.home() or root.resolve().is_relative_to(dest) or dest.is_relative_to(root.resolve()):
        raise ErreurDeSaisie(
            "DEST",
            f"« {dest} » ne peut pas recevoir le site (racine, dossier personnel ou dossier du projet) : "
            "choisissez le dossier servi par le serveur web, par exemple /var/www/recueil.",
        )
    parent = dest.parent
    if not parent.is_dir():
        raise ErreurDeSaisie("DEST", f"le dossier parent {parent} n'existe pas : créez-le (mkdir -p {parent}) ou corrigez DEST.")
    if dest.exists() and not dest.is_dir():
        raise ErreurDeSaisie("DEST", f"{dest} existe et n'est pas un dossier : choisissez un dossier.")
    if dest.is_dir() and any(dest.iterdir()) and not _ressemble_a_notre_site(dest):
        raise ErreurDeSaisie(
            "DEST",
            f"{dest} contient déjà des fichiers qui ne sont pas une publication de ce site "
            "(pas de index.html ni de donnees/recueil.sqlite) : choisissez un dossier vide ou nouveau, "
            "rien n'y a été modifié.",
        )
    neuf = parent / f".{dest.name}.nouveau-{os.getpid()}"
    prec = parent / f".{dest.name}.precedent"
    for vieux in sorted(parent.glob(f".{dest.name}.nouveau-*")):  # left by a killed publication
        shutil.rmtree(vieux, ignore_errors=True)
    rec = lire_record(version)
    assert rec is not None
    try:  # a full disk or a kill here leaves DEST as it was; the half copy goes
        copies, liees = _copier(version, neuf, dest if dest.is_dir() else None)
        if inventaire(neuf) != rec["fichiers"]:
            raise OSError(errno.EIO, "la copie ne correspond pas au site vérifié", str(neuf))
        rendre_lisible(neuf)
        synchroniser(neuf)
        fsync(parent)
    except BaseException:
        shutil.rmtree(neuf, ignore_errors=True)
        raise
    if not dest.exists():
        os.rename(neuf, dest)
    elif echanger(neuf, dest):
        if prec.exists():
            shutil.rmtree(prec)
        os.rename(neuf, prec)
    else:  # no exchange on this file system (NFS…): the old copy out of the way, then the new one in
        if prec.exists():
            shutil.rmtree(prec)
        os.rename(dest, prec)
        os.rename(neuf, dest)
        log(f"Attention : ce système de fichiers ne permet pas l'échange atomique ; {dest} a manqué un court instant.")
    fsync(parent)
    log(
        f"Site publié dans {dest} : {len(rec['fichiers'])} fichiers ({copies} copiés, {liees} inchangés). "
        f"La publication précédente est gardée dans {prec} (make rollback DEST={dest} pour la rétablir)."
    )


def _copier(source: Path, neuf: Path, actuel: Path | None) -> tuple[int, int]:
    """Copy `source` into `neuf`; a file identical to the one DEST already has is hard-linked from it
    (our files are never rewritten in place, so sharing them is safe) instead of written again."""
    copies = liees = 0
    for base, dirs, files in os.walk(source):
        dirs.sort()
        rel = os.path.relpath(base, source)
        cible_dir = neuf / rel if rel != "." else neuf
        cible_dir.mkdir(parents=True, exist_ok=True)
        for f in sorted(files):
            src = Path(base) / f
            dst = cible_dir / f
            ancien = (actuel / rel / f) if actuel is not None else None
            if ancien is not None and ancien.is_file() and not ancien.is_symlink() and filecmp.cmp(src, ancien, shallow=False):
                try:
                    os.link(ancien, dst)
                    liees += 1
                    continue
                except OSError:
                    pass
            shutil.copyfile(src, dst)
            copies += 1
    return copies, liees


def retour_dest(dest: Path) -> None:
    """`make rollback DEST=…`: the previous publication back in DEST (exchanged: the current one becomes the previous)."""
    dest = Path(os.path.abspath(dest))
    prec = dest.parent / f".{dest.name}.precedent"
    if not prec.is_dir():
        raise ErreurDeSaisie("DEST", f"aucune publication précédente n'est gardée pour {dest} ({prec} absent) : rien à rétablir.")
    if not dest.exists():
        os.rename(prec, dest)
    elif not echanger(prec, dest):
        raise ErreurDeSaisie(
            "DEST",
            "ce système de fichiers ne permet pas l'échange atomique : rétablissez à la main "
            f"(mv {dest} {dest}.ancien && mv {prec} {dest}).",
        )
    fsync(dest.parent)

"""The inbox, site_data/sources/: which files the build reads, which it refuses and why, which it ignores.

`lister` looks at each entry with `lstat` only (never opens it, never follows a link), so a named pipe,
a link to /etc/passwd or a folder called `recueil.txt` can neither hang the build nor be read. Each entry
is one of:

- a source: a regular file with a supported extension (`.txt`, `.pdf`, any case) and a usable name;
- a refusal, with a French message naming the file and the fix: a symbolic link (inside or outside the
  inbox: never followed, « copiez le fichier lui-même »), a folder or a pipe with a source's extension, a
  name that is not UTF-8, that holds a character breaking addresses or paths (`#`, `?`, `%`, a control or
  invisible character), that is too long, or that is confused with another name (same name but for case,
  Unicode normalisation or extension: `x.txt` and `x.TXT`, `x.txt` and `x.pdf` would give the same
  site_data/actes/x.json and the same pages: both are refused, neither is silently dropped);
- a remark (a log line, not an error): hidden files, editor and download leftovers (`.~lock…#`, `~$…`,
  `*.part`, `*.crdownload`…), sub-folders and files of another type.

The build refuses a source the way it refuses an unreadable one (`extraction._refuser`): the other files are
read, what the refused name published before stays published, nothing is published until it is fixed.

Long names are refused rather than shortened: a derived short name would make the published « fichier
source » differ from the file the publisher holds, and two long names could be shortened alike. The
limit, `NOM_MAX` bytes, keeps every name derived from it (`nom.json`, `.nom.json.tmp-<pid>-<hasard>`,
the control page `controle/001-nom/`, a journal `source-nom-….log`) within the file system's 255 bytes.

Names: the source's name as published (JSON, pages, messages) is always the file's bytes decoded as UTF-8
(`Entree.nom`), whatever the locale; `Entree.chemin` is where to open it (under `LC_ALL=C PYTHONUTF8=0`
Python spells non-ASCII names with surrogates, which no JSON file may hold). `store.data_name` maps
either form to the data file's path.
"""

from __future__ import annotations

import os
import stat
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from generator.sources.lecture import SUPPORTED

NOM_MAX = 200
"""Bytes (UTF-8) in a source's name, at most."""

INTERDITS = "#?%"
"""Characters that cut or change a URL (fragment, query, escape) or a path: refused in a name."""

_RESTES_DEBUT = ("~$", ".~lock")
_RESTES_FIN = (".part", ".partial", ".crdownload", ".download", ".tmp", ".swp", "~")
_DOCUMENTATION = (".md",)  # the inbox's own README: not worth a remark at every build

BOITE = "site_data/sources/"


@dataclass
class Entree:
    nom: str  # the name as published: valid Unicode
    chemin: Path  # where to open it


@dataclass
class Boite:
    fichiers: list[Entree] = field(default_factory=list)
    refus: list[tuple[str, str]] = field(default_factory=list)  # (name as shown, message)
    remarques: list[str] = field(default_factory=list)


def affichable(nom: str) -> str:
    """A file-system name as it can be shown and written in JSON: its bytes as UTF-8 (a byte that is not
    shown as `\\xe9`), control and invisible characters escaped (`\\n`, `\\u202e`)."""
    texte = os.fsencode(nom).decode("utf-8", "backslashreplace")
    return "".join(c.encode("unicode_escape").decode("ascii") if _invisible(c) else c for c in texte)


def _invisible(c: str) -> bool:
    return unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp", "Cs")


def _reste(nom: str) -> bool:
    """A hidden file or what an editor, an office suite or a browser leaves while it works."""
    bas = nom.lower()
    return nom.startswith(".") or bas.startswith(_RESTES_DEBUT) or bas.endswith(_RESTES_FIN)


def _defaut_du_nom(brut: bytes) -> str | None:
    """Why a name cannot be a source's name, or None."""
    try:
        nom = brut.decode("utf-8")
    except UnicodeDecodeError as err:
        return (
            f"le nom de ce fichier n'est pas en UTF-8 (octet 0x{brut[err.start]:02X} en position {err.start + 1}) : "
            "renommez-le (lettres, chiffres, tirets), puis relancez."
        )
    for c in nom:
        if c in INTERDITS:
            return (
                f"le nom de ce fichier contient « {c} », qui coupe ou change les adresses web et les chemins : "
                f"renommez-le sans « {c} » (lettres, chiffres, tirets), puis relancez."
            )
        if _invisible(c):
            return (
                f"le nom de ce fichier contient un caractère de contrôle ou invisible (U+{ord(c):04X}) : "
                "renommez-le (lettres, chiffres, tirets), puis relancez."
            )
    if len(brut) > NOM_MAX:
        return (
            f"nom de fichier trop long ({len(brut)} octets, {NOM_MAX} au plus) : renommez-le en moins de {NOM_MAX} "
            "caractères (un accent en compte deux), par exemple « recueil-2021-06-partie-2.pdf », puis relancez."
        )
    return None


def _defaut_du_fichier(entree: os.DirEntry) -> str | None:
    """Why this entry (looked at with lstat, never opened) cannot be read as a source, or None."""
    try:
        st = entree.stat(follow_symlinks=False)
    except FileNotFoundError:
        return "ce fichier a disparu pendant la lecture de site_data/sources/ (déplacé ou renommé en même temps) : relancez."
    if stat.S_ISLNK(st.st_mode):
        boite = os.path.realpath(os.path.dirname(entree.path))
        cible = os.path.realpath(entree.path)
        if os.path.commonpath([boite, cible]) != boite:
            return (
                f"lien symbolique qui pointe hors de {BOITE} : il n'est pas suivi. "
                f"Copiez le fichier lui-même dans {BOITE} (et retirez le lien), puis relancez."
            )
        return (
            f"lien symbolique (vers {affichable(os.path.relpath(cible, boite))}) : un lien n'est pas lu. "
            f"Copiez le fichier lui-même dans {BOITE} à la place du lien, puis relancez."
        )
    if stat.S_ISDIR(st.st_mode):
        return (
            f"c'est un dossier, pas un fichier : les sous-dossiers de {BOITE} ne sont pas lus. "
            f"Déposez les fichiers eux-mêmes dans {BOITE} et renommez ou retirez ce dossier, puis relancez."
        )
    if not stat.S_ISREG(st.st_mode):
        genre = "un tube nommé" if stat.S_ISFIFO(st.st_mode) else "une socket" if stat.S_ISSOCK(st.st_mode) else "un périphérique"
        return f"ce n'est pas un fichier ordinaire ({genre}) : il n'est pas lu. Retirez-le et déposez le fichier lui-même, puis relancez."
    return None


def _cle(nom: str) -> str:
    """What two names must not share: the name without its extension, case and Unicode form aside."""
    return unicodedata.normalize("NFC", os.path.splitext(nom)[0]).casefold()


def lister(dossier: Path) -> Boite:
    """The inbox's sources (sorted by name), refusals and remarks. A missing folder is an empty inbox."""
    b = Boite()
    try:
        entrees = sorted(os.scandir(dossier), key=lambda e: os.fsencode(e.name))
    except FileNotFoundError:
        return b
    ignores, autres, candidats = [], [], []
    for e in entrees:
        if _reste(e.name):
            ignores.append(affichable(e.name))
        elif os.path.splitext(e.name)[1].lower() not in SUPPORTED:
            if not e.name.lower().endswith(_DOCUMENTATION):
                autres.append(affichable(e.name) + ("/" if e.is_dir(follow_symlinks=False) else ""))
        else:
            brut = os.fsencode(e.name)
            candidats.append((e, affichable(e.name), _defaut_du_nom(brut) or _defaut_du_fichier(e)))
    groupes: dict[str, list[str]] = {}
    for _, nom, _ in candidats:
        groupes.setdefault(_cle(nom), []).append(nom)
    for e, nom, defaut in candidats:
        autres_noms = [n for n in groupes[_cle(nom)] if n != nom]
        if defaut is None and autres_noms:
            liste = ", ".join(f"« {n} »" for n in autres_noms)
            defaut = (
                f"ce nom se confond avec {liste} (même nom à la casse, aux accents composés ou à l'extension près) : "
                "ils donneraient les mêmes données et les mêmes pages, aucun n'est lu. Retirez ou renommez l'un d'eux, "
                "puis relancez ; ce qu'ils publiaient avant reste publié."
            )
        if defaut is None:
            b.fichiers.append(Entree(nom, Path(e.path)))
        else:
            b.refus.append((nom, defaut))
    if ignores:
        b.remarques.append(
            f"Ignoré(s) dans {BOITE} (fichiers cachés ou temporaires d'un éditeur ou d'un téléchargement) : " + ", ".join(ignores)
        )
    if autres:
        b.remarques.append(f"Ignoré(s) dans {BOITE} (ni .txt ni .pdf) : " + ", ".join(autres))
    return b

"""Mistakes in what the publisher gives, reported as one French message, never as a traceback.

A source that cannot be read, a bad line in `corrections.yaml` or `identifiants.csv`, a wrong
command argument, a second build started while one runs: each is an `ErreurDeSaisie` naming the
file, the line when there is one, what is wrong and how to fix it. The command line prints its
message and exits with a non-zero code; anything else is an internal error, whose traceback goes
to a log file (`generator.cli`).

A full disk, a read-only folder, a missing permission is not a bug either: `message_systeme` turns
the `OSError` into one French sentence naming the path and the fix.
"""

from __future__ import annotations

import errno
import os
import re
import time
from pathlib import Path


class ErreurDeSaisie(Exception):
    """A publisher's mistake: `fichier` (a name, not a path), `ligne` (1-based) when known, and a
    `message` that says what is wrong and what to do."""

    def __init__(self, fichier: str, message: str, ligne: int | None = None):
        self.fichier = fichier
        self.ligne = ligne
        self.message = message
        super().__init__(self.texte())

    def texte(self) -> str:
        where = f"{self.fichier}, ligne {self.ligne}" if self.ligne else self.fichier
        return f"{where} : {self.message}"


INCHANGE = "le site publié n'a pas été modifié"


def journal(root: Path, nom: str, texte: str) -> Path:
    """Write an internal error's traceback `texte` to `.build/journal/<nom>-<date>-<pid>.log` under `root`
    and return that path (the terminal and the report get one sentence and the path). `nom` is cut to
    letters, digits, `.`, `_` and `-`, and to 80 characters, so that any source's name makes a valid file name."""
    d = Path(root) / ".build" / "journal"
    d.mkdir(parents=True, exist_ok=True)
    nom = re.sub(r"[^A-Za-z0-9._-]+", "-", nom)[:80]
    f = d / f"{nom}-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}.log"
    f.write_text(texte, encoding="utf-8", errors="backslashreplace")
    return f


# errno → (what happened, at the path; the fix): a cause in the machine, not a bug of ours
_CAUSES = {
    errno.ENOSPC: (
        "disque plein en écrivant {chemin}",
        "libérez de la place (df -h {dossier} ; df -i si des fichiers manquent) puis relancez {commande}",
    ),
    errno.EDQUOT: (
        "quota disque dépassé en écrivant {chemin}",
        "libérez de la place dans votre quota (quota -s) ou faites-le relever, puis relancez {commande}",
    ),
    errno.EACCES: (
        "permission refusée sur {chemin}",
        "donnez à l'utilisateur qui construit le droit de le lire et d'écrire dans {dossier} (ls -ld {dossier}, puis chmod u+rw ou chown) et relancez {commande}",
    ),
    errno.EPERM: (
        "opération non permise sur {chemin}",
        "vérifiez son propriétaire et ses attributs (ls -ld {dossier} ; lsattr), corrigez-les puis relancez {commande}",
    ),
    errno.EROFS: (
        "{dossier} est sur un disque en lecture seule (en écrivant {chemin})",
        "remontez ce disque en écriture (mount -o remount,rw) ou placez le projet sur un disque inscriptible, puis relancez {commande}",
    ),
    errno.ENAMETOOLONG: (
        "nom de fichier trop long : {chemin}",
        "raccourcissez le nom du fichier déposé (moins de 200 caractères) ou le chemin du projet, puis relancez {commande}",
    ),
    errno.EMFILE: (
        "trop de fichiers ouverts en lisant ou écrivant {chemin}",
        "relevez la limite (ulimit -n 4096 dans ce terminal) puis relancez {commande}",
    ),
    errno.ENFILE: (
        "trop de fichiers ouverts sur la machine en lisant ou écrivant {chemin}",
        "fermez d'autres programmes ou relevez fs.file-max, puis relancez {commande}",
    ),
}


def message_systeme(exc: OSError, chemin: str | os.PathLike | None = None, commande: str = "make build") -> str:
    """A system error (full disk, no permission, read-only disk…) as one French sentence naming the
    path and the fix, for the command line's top-level handler: not a traceback, not a bug of ours.
    `chemin`: the path concerned, when the error does not carry it (`exc.filename`); shown relative to
    the current folder when it is inside it."""
    brut = chemin if chemin is not None else exc.filename
    lieu = _relatif(brut) if brut is not None else "un fichier du projet"
    dossier = _relatif(os.path.dirname(os.path.abspath(brut))) if brut is not None else "."
    cause = _CAUSES.get(exc.errno or 0)
    if cause is None:
        quoi = f"erreur du système (« {exc.strerror or exc} ») sur {lieu}"
        remede = f"vérifiez le disque et les droits de {dossier} puis relancez {commande}"
    else:
        quoi, remede = (t.format(chemin=lieu, dossier=dossier, commande=commande) for t in cause)
    return f"{quoi} : {remede} ; {INCHANGE}."


def _relatif(chemin: str | os.PathLike) -> str:
    p = os.path.abspath(chemin)
    ici = os.getcwd()
    return os.path.relpath(p, ici) if p == ici or p.startswith(ici + os.sep) else os.fspath(chemin)


_TRACE_OS = re.compile(r"^(?:\w+\.)*\w*Error: \[Errno (\d+)\] ([^\n]*?)(?:: '([^'\n]*)')?$", re.M)


def erreur_systeme_dans(trace: str) -> OSError | None:
    """The system error that ended a child process (MkDocs, a worker), read back from its traceback,
    so that a full disk there is told as a full disk and not as a bug; None if it ended otherwise."""
    trouvees = _TRACE_OS.findall(trace)
    if not trouvees:
        return None
    numero, texte, chemin = trouvees[-1]
    return OSError(int(numero), texte, chemin or None)

"""Mistakes in what the publisher gives, reported as one French message, never as a traceback.

A source that cannot be read, a bad line in `corrections.yaml` or `identifiants.csv`, a wrong
command argument, a second build started while one runs: each is an `ErreurDeSaisie` naming the
file, the line when there is one, what is wrong and how to fix it. The command line prints its
message and exits with a non-zero code; anything else is an internal error, whose traceback goes
to a log file (`generator.cli`).
"""
from __future__ import annotations


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


def message_systeme(exc: OSError) -> str:
    """A system error (full disk, no permission, read-only folder…) as one French sentence with the path and the fix."""
    import errno

    chemin = exc.filename or "?"
    causes = {
        errno.ENOSPC: "disque plein", errno.EDQUOT: "quota disque dépassé", errno.EACCES: "permission refusée",
        errno.EPERM: "opération non permise", errno.EROFS: "système de fichiers en lecture seule",
        errno.ENAMETOOLONG: "nom de fichier trop long",
    }
    cause = causes.get(exc.errno or 0, exc.strerror or str(exc))
    return f"{chemin} : {cause} ; corrigez la cause puis relancez la commande (le site publié n'a pas été modifié)."

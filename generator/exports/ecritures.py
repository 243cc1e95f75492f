"""What the exports wrote at the last build (`.cache/exports.json`), so that a month added rewrites
the files it changes, not ten years of others.

Each file, by its path in the exports folder, is recorded as `store.Ecrits` records any file a build
writes, its number of rows kept with it (None: not a table). A text file's key is its own digest: its
text is made again (cheap, from rows made once: `csv_subventions.Rangees`) but not compared with the
file by reading it back; a database's key is the digest of what it is made of (`sqlite`: its year's
source files, code…), so that an unchanged one is not built again at all.
"""

from __future__ import annotations

from pathlib import Path

from generator.commun import store


class Ecritures:
    """The files of one build of the exports under `dossier`, checked against the last build's (`cache`,
    None: no cache, every file compared and written as `store.write_bytes` does)."""

    def __init__(self, dossier: Path, cache: Path | None = None) -> None:
        self.dossier = Path(dossier)
        self.ecrits = store.Ecrits(cache)

    def _rel(self, chemin: Path) -> str:
        return chemin.relative_to(self.dossier).as_posix()

    def a_jour(self, chemin: Path, cle: str, lignes: int | None = None) -> bool:
        """Whether `chemin` is what key `cle` made at the last build and still holds it (then recorded as
        kept, with its rows: `lignes`, else those recorded)."""
        return self.ecrits.a_jour(self._rel(chemin), chemin, cle, lignes)

    def texte(self, chemin: Path, texte: str | bytes, lignes: int | None = None) -> Path:
        """Write `texte` (UTF-8) at `chemin` unless the file holds it already; `lignes`: its rows."""
        self.ecrits.contenu(self._rel(chemin), chemin, texte.encode("utf-8") if isinstance(texte, str) else texte, lignes)
        return chemin

    def construit(self, chemin: Path, cle: str, lignes: int | None = None) -> Path:
        """Record the file `chemin` just made from key `cle`."""
        self.ecrits.noter(self._rel(chemin), chemin, cle, lignes)
        return chemin

    def lignes(self, chemin: Path) -> int | None:
        """The rows of a file written or kept by this build, when they were given (None: unknown)."""
        lignes = self.ecrits.garde(self._rel(chemin))
        return lignes if isinstance(lignes, int) else None

    def sauver(self) -> None:
        """`.cache/exports.json`: the files of this build (not durable: a lost cache only costs a rebuild)."""
        self.ecrits.sauver()

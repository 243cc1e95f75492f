"""What the exports wrote at the last build (`.cache/exports.json`), so that a month added rewrites
the files it changes, not ten years of others.

Each file, by its path in the exports folder: [its key, the SHA-256 of its bytes, its `store.identite`,
its number of rows (None: not a table)]. A text file's key is its own digest: its text is made again
(cheap, from rows made once: `csv_subventions.Rangees`) but not compared with the file by reading it
back; a database's key is the digest of what it is made of (`sqlite`: its year's source files, code…),
so that an unchanged one is not built again at all. A file is taken as unchanged only while it still
holds the bytes recorded (`store.a_le_contenu`: same inode, size and date, else read and hashed): a file
edited, truncated or gone is written again. An unreadable cache is an empty one (everything written).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from generator.commun import store


class Ecritures:
    """The files of one build of the exports under `dossier`, checked against the last build's (`cache`,
    None: no cache, every file compared and written as `store.write_bytes` does)."""

    def __init__(self, dossier: Path, cache: Path | None = None) -> None:
        self.dossier, self.cache = Path(dossier), cache
        self.avant = store.lire_cache(cache)
        self.apres: dict[str, list[Any]] = {}

    def _rel(self, chemin: Path) -> str:
        return chemin.relative_to(self.dossier).as_posix()

    def a_jour(self, chemin: Path, cle: str, lignes: int | None = None) -> bool:
        """Whether `chemin` is what key `cle` made at the last build and still holds it (then recorded as
        kept, with its rows: `lignes`, else those recorded)."""
        connue = self.avant.get(self._rel(chemin))
        if not (isinstance(connue, list) and len(connue) == 4 and connue[0] == cle and isinstance(connue[1], str)):
            return False
        if not store.a_le_contenu(chemin, connue[1], connue[2]):
            return False
        self.apres[self._rel(chemin)] = [cle, connue[1], store.identite(chemin), connue[3] if lignes is None else lignes]
        return True

    def texte(self, chemin: Path, texte: str | bytes, lignes: int | None = None) -> Path:
        """Write `texte` (UTF-8) at `chemin` unless the file holds it already; `lignes`: its rows."""
        data = texte.encode("utf-8") if isinstance(texte, str) else texte
        sha = hashlib.sha256(data).hexdigest()
        if not self.a_jour(chemin, sha, lignes):
            store.write_bytes(chemin, data, durable=False)  # (compared first when the cache did not know it)
            self.apres[self._rel(chemin)] = [sha, sha, store.identite(chemin), lignes]
        return chemin

    def construit(self, chemin: Path, cle: str, lignes: int | None = None) -> Path:
        """Record the file `chemin` just made from key `cle`."""
        sha = store.sha256_fichier(chemin)
        self.apres[self._rel(chemin)] = [cle, sha, store.identite(chemin), lignes]
        return chemin

    def lignes(self, chemin: Path) -> int | None:
        """The rows of a file written or kept by this build, when they were given (None: unknown)."""
        connue = self.apres.get(self._rel(chemin))
        return connue[3] if connue is not None and isinstance(connue[3], int) else None

    def sauver(self) -> None:
        """`.cache/exports.json`: the files of this build (not durable: a lost cache only costs a rebuild)."""
        if self.cache is not None:
            self.cache.parent.mkdir(parents=True, exist_ok=True)
            store.write_text(self.cache, json.dumps(dict(sorted(self.apres.items())), separators=(",", ":")) + "\n", durable=False)

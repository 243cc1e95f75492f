"""What the exports wrote at the last build (`.cache/exports.json`), so that a month added rewrites
the files it changes, not ten years of others.

Each file, by its path in the exports folder, is recorded as `store.Ecrits` records any file a build
writes, its number of rows kept with it (None: not a table). A file's key is the digest of what it is
made of (the grants' records as read, the reference geography, the code…: `csv_subventions.Rangees.cle`;
`sqlite`: a year's source files…), so that an unchanged one is neither made again nor read back: a build
without change makes no text. A file without such a key (`texte`) has its own digest for key: its text is
made again but not compared with the file by reading it back.
"""

from __future__ import annotations

import functools
import hashlib
import json
import marshal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from generator.commun import code, memoire, store

MEMO = "\0"
"""The start of the names of the values kept with the files (`retenu`): never a file's path."""
LIGNES = MEMO + "lignes"
"""The record's name of the grants' lines kept from the last build (`Ecritures.lignes_connues`)."""
Lignes = dict[bytes, tuple[str, ...]]
"""Each grant's formatted lines, by what they are made of (`csv_subventions.Rangees.cle_lignes`)."""


def empreinte_json(valeur: object, trier: bool = False) -> str:
    """The SHA-256 (hex) of `valeur` as JSON, its text as is (`ensure_ascii=False`), its objects' keys sorted
    when `trier`: how the exports digest what a file is made of, one spelling for every key."""
    return hashlib.sha256(json.dumps(valeur, ensure_ascii=False, sort_keys=trier).encode()).hexdigest()


@functools.cache
def empreinte_code() -> str:
    """The code that makes the exports' text files: the package `generator.exports` and all it imports
    (rows, CSV and JSON lines, selections of grants by place, SCDL rules…), and Python's version (its
    `csv` and `json` modules write the lines)."""
    return code.empreinte(code.modules([Path(__file__).with_name("__init__.py")]), f"python {sys.version}")


class Ecritures:
    """The files of one build of the exports under `dossier`, checked against the last build's (`cache`,
    None: no cache, every file compared and written as `store.write_bytes` does)."""

    def __init__(self, dossier: Path, cache: Path | None = None) -> None:
        self.dossier = Path(dossier)
        self.ecrits = store.Ecrits(cache)
        # the grants' lines, beside the record (`lignes_connues`): None without a cache
        self.chemin_lignes = None if cache is None else cache.with_name(cache.stem + "-lignes.marshal")
        self._lignes: Lignes | None = None

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

    def fichier(self, chemin: Path, cle: str | None, faire: Callable[[], str | bytes], lignes: int | None = None) -> Path:
        """The file `chemin` made by `faire` (its text, UTF-8) from what key `cle` digests: neither made nor
        written when the last build left it from the same key (None: no key, made and compared, `texte`)."""
        if cle is None:
            return self.texte(chemin, faire(), lignes)
        if not self.a_jour(chemin, cle, lignes):
            texte = faire()
            self.ecrits.ecrire(self._rel(chemin), chemin, texte.encode("utf-8") if isinstance(texte, str) else texte, cle, lignes)
        return chemin

    def _connu(self, nom: str, cle: str) -> list[Any] | None:
        """`[cle, value]` kept under `nom` (`retenu`, `groupe`) by this build, else by the last one, from key `cle`."""
        for connus in (self.ecrits.apres, self.ecrits.avant):
            connue = connus.get(MEMO + nom)
            if type(connue) is list and len(connue) == 2 and connue[0] == cle:
                return connue
        return None

    def retenu(self, nom: str, cle: str | None, calcul: Callable[[], Any]) -> Any:
        """A value computed from files of this build (`calcul`: JSON) kept from a build to the next with what it
        is computed from (`cle`, None: computed each time): computed again only when that changed."""
        if cle is None:
            return calcul()
        connue = self._connu(nom, cle)
        if connue is None:
            connue = [cle, calcul()]
        self.ecrits.apres[MEMO + nom] = connue
        return connue[1]

    def groupe(self, nom: str, cle: str, ecrire: Callable[[], list[Path]]) -> list[Path]:
        """The files that `ecrire` writes (each keyed: `fichier`) from what key `cle` digests: when the last build
        wrote them from the same key and each still holds what it wrote, kept as they are, not even listed
        again (their paths and rows are those recorded: the per-place files, whose selections of grants
        cost more than the files' keys); else `ecrire`."""
        connue = self._connu(nom, cle)
        if connue is not None and type(connue[1]) is list and all(isinstance(r, str) and self._garde(r) for r in connue[1]):
            self.ecrits.apres[MEMO + nom] = connue
            return [self.dossier / r for r in connue[1]]
        chemins = ecrire()
        self.ecrits.apres[MEMO + nom] = [cle, [self._rel(c) for c in chemins]]
        return chemins

    def _garde(self, rel: str) -> bool:
        """Whether the file `rel` (in the folder) is what the last build recorded, from its recorded key (then kept)."""
        return self.ecrits.intact(rel, self.dossier / rel)

    def empreinte(self, chemin: Path) -> str | None:
        """The SHA-256 of the file `chemin` as this build wrote it or found it (None: not recorded)."""
        connue = self.ecrits.apres.get(self._rel(chemin))
        return connue[1] if connue is not None else None

    def construit(self, chemin: Path, cle: str, lignes: int | None = None) -> Path:
        """Record the file `chemin` just made from key `cle`."""
        self.ecrits.noter(self._rel(chemin), chemin, cle, lignes)
        return chemin

    def lignes(self, chemin: Path) -> int | None:
        """The rows of a file written or kept by this build, when they were given (None: unknown)."""
        lignes = self.ecrits.garde(self._rel(chemin))
        return lignes if isinstance(lignes, int) else None

    def lignes_connues(self) -> Lignes:
        """The grants' lines the last build made or found (`garder_lignes`), read once and only when asked for
        (a file of grants to make): `marshal` loads ten years of them (48 000 grants, three lines each) in a
        fraction of what formatting them costs. Recorded as the files are: a file edited, truncated or made by
        another code (`empreinte_code`) is not read (then every line is made again)."""
        if self._lignes is None:
            self._lignes = {}
            chemin = self.chemin_lignes
            if chemin is not None and self.ecrits.a_jour(LIGNES, chemin, empreinte_code()):
                try:
                    with memoire.sans_ramasse_miettes():  # (150 000 strings, all kept: no collection to scan them)
                        lues = marshal.loads(chemin.read_bytes())
                except (OSError, ValueError, EOFError, TypeError):
                    lues = None
                if isinstance(lues, dict):
                    self._lignes = lues
                else:
                    self.ecrits.apres.pop(LIGNES, None)
        return self._lignes

    def garder_lignes(self, lignes: Lignes, toutes: bool) -> None:
        """Keep for the next build the grants' `lignes` this build listed: `toutes` (every grant listed), they
        replace those kept when they differ (a grant added, changed or removed); else (a few files made) they are
        added to them. Those kept stay as they are when no file of grants was made (not even read)."""
        if self.chemin_lignes is None:
            return
        connues = self._lignes
        if connues is not None and (lignes.keys() != connues.keys() if toutes else not lignes.keys() <= connues.keys()):
            gardees = lignes if toutes else {**connues, **lignes}
            self.ecrits.ecrire(LIGNES, self.chemin_lignes, marshal.dumps(gardees), empreinte_code())
        else:
            self.ecrits.reprendre(LIGNES)

    def sauver(self) -> None:
        """`.cache/exports.json`: the files of this build (not durable: a lost cache only costs a rebuild)."""
        self.ecrits.sauver()

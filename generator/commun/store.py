"""Files the build writes: deterministic JSON (stable order, no timestamps), every file written atomically.

Writing goes through a temporary file beside the target (`.nom.json.tmp-<pid>-<hasard>`: hidden, never
matched by `*.json` or `*.csv`, unique to the process and the write), flushed to the disk, then renamed
over the target and the folder flushed in turn. A full disk, a kill or a power cut leaves the previous
file whole (or no file) and at most a temporary one, which `nettoyer_temporaires` removes at the next
build: never half a file where a published one was, nor a file that a later build trusts.

What a later build reads back instead of recomputing (site_data/, .cache/) is flushed file by file
(`durable=True`, the default). What every build recomputes and compares (content/: pages, exports,
search files) is written atomically but not flushed one by one (`durable=False`): a fsync costs half a
millisecond to ten per file, and a clean build writes thousands; the built site, which links those
files, is flushed whole by one `synchroniser` before it is published.
"""

from __future__ import annotations

import ctypes
import hashlib
import json
import os
import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from generator.commun.memoire import sans_ramasse_miettes

TEMPORAIRE = re.compile(r"^\..+\.tmp-(\d+)-[0-9a-f]{8}$")
"""A temporary file of `remplacement_atomique` (the pid of the process that writes it is in its name)."""
ANCIEN_TEMPORAIRE = re.compile(r"^[^.].*\.(?:json|sqlite|csv|md|xml|js)\.tmp(?:-journal)?$")
"""`nom.json.tmp`, `recueil.sqlite.tmp`: the temporary names of earlier versions, left by a crash."""


def texte_json(data: Any) -> str:
    """The text of JSON-ready `data` (as `records.to_dict` gives it) as every file of site_data/ is written:
    `json.dumps(data, ensure_ascii=False, indent=1)` and a newline.

    Python's encoder writes indented JSON with its pure-Python code (its C encoder knows no indentation), one
    generator per level whose every piece is yielded up through the levels above: ten years of site_data/
    took 5 s of CPU there. `_indente` writes the same text by one recursion into one list, strings escaped by
    the encoder's own C function; anything but str keys, exact str, int, finite float, bool, None, list,
    tuple and dict (which `to_dict` never gives) goes back to `json.dumps`."""
    parts: list[str] = []
    try:
        _indente(data, parts, "\n")
    except _AutreValeur:
        return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=False) + "\n"
    parts.append("\n")
    return "".join(parts)


class _AutreValeur(Exception):
    """A value `_indente` leaves to `json.dumps`."""


_ECHAPPER: Any = json.encoder.encode_basestring  # (the C function when Python has it, as `json.dumps` uses)
_FEUILLES: dict[Any, str] = {True: "true", False: "false", None: "null"}


def _feuille(v: Any) -> str | None:
    """The JSON text of a scalar `v`; None for a list or a dict; `_AutreValeur` for what `_indente` leaves."""
    t = type(v)
    if t is str:
        return _ECHAPPER(v)
    if t is int:
        return int.__repr__(v)
    if v is None or t is bool:
        return _FEUILLES[v]
    if t is float and v - v == 0:  # (finite: NaN and the infinities are spelled by `json.dumps`)
        return float.__repr__(v)
    if t is list or t is tuple or t is dict:
        return None
    raise _AutreValeur


def _indente(o: Any, parts: list[str], retrait: str) -> None:
    """`o` as `json.dumps(o, ensure_ascii=False, indent=1)` writes it, appended to `parts`; `retrait`: the
    newline and indentation of `o`'s own line."""
    feuille = _feuille(o)
    if feuille is not None:
        parts.append(feuille)
        return
    if not o:
        parts.append("{}" if type(o) is dict else "[]")
        return
    dedans = retrait + " "
    if type(o) is dict:
        sep = "{" + dedans
        for k, v in o.items():
            if type(k) is not str:
                raise _AutreValeur
            feuille = _feuille(v)
            if feuille is None:
                parts.append(sep + _ECHAPPER(k) + ": ")
                _indente(v, parts, dedans)
            else:
                parts.append(sep + _ECHAPPER(k) + ": " + feuille)
            sep = "," + dedans
        parts.append(retrait + "}")
        return
    sep = "[" + dedans
    for v in o:
        feuille = _feuille(v)
        if feuille is None:
            parts.append(sep)
            _indente(v, parts, dedans)
        else:
            parts.append(sep + feuille)
        sep = "," + dedans
    parts.append(retrait + "]")


def write_json(path: Path, data: Any) -> bool:
    """Write JSON-ready `data` (records through `records.to_dict` first) as `texte_json`; returns True
    when the file content changed."""
    return write_text(path, texte_json(data))


def write_text(path: Path, text: str, durable: bool = True) -> bool:
    """Write `text` (UTF-8) atomically; returns True when the file content changed (an unchanged file is
    not rewritten: it keeps its date and its hard links)."""
    return write_bytes(path, text.encode("utf-8"), durable)


def write_bytes(path: Path, data: bytes, durable: bool = True) -> bool:
    """`write_text` for bytes. `durable=False`: atomic but not flushed to the disk, for files that every
    build regenerates and compares (a page lost to a power cut is rewritten by the next build)."""
    path = Path(path)
    if _identique(path, data):
        return False
    with remplacement_atomique(path, durable) as tmp, open(tmp, "xb") as f:
        f.write(data)
    return True


def identite(chemin: Path | str) -> list[int] | None:
    """A file's inode, size and modification time (ns), None when it cannot be read: while they are those
    recorded, the file holds the bytes it held then (our files are replaced by a rename, never written in
    place, so a new text is a new inode), the way make and rsync tell a file unchanged without reading it."""
    try:
        st = os.stat(chemin)
    except OSError:
        return None
    return [st.st_ino, st.st_size, st.st_mtime_ns]


def sha256_fichier(chemin: Path | str) -> str:
    """A file's SHA-256, read in a stream (a huge file is never held whole); OSError when it cannot be read."""
    with open(chemin, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def a_le_contenu(chemin: Path | str, sha256: str, connue: list[int] | None) -> bool:
    """Whether the file holds the bytes of SHA-256 `sha256`: known without reading it when its `identite`
    is still `connue` (recorded when it held them), else read and hashed (an edited, truncated or missing
    file does not)."""
    return _identite_si_contenu(chemin, sha256, connue) is not None


def _identite_si_contenu(chemin: Path | str, sha256: str, connue: list[int] | None) -> list[int] | None:
    """The file's `identite` when it holds the bytes of SHA-256 `sha256` (`a_le_contenu`), else None. The
    identity is taken before reading: a file changed meanwhile does not keep it, and is hashed next time."""
    lue = identite(chemin)
    if lue is None:
        return None
    if lue != connue:
        try:
            if sha256_fichier(chemin) != sha256:
                return None
        except OSError:
            return None
    return lue


def empreinte_fichier(chemin: Path | str, connue: object = None) -> dict[str, Any]:
    """`{"identite": …, "sha256": …}` of a file: the SHA-256 that `connue` (such a record, kept by an
    earlier build) gives while the file's `identite` is still the one it names, else read and hashed
    (`a_le_contenu`'s rule). The identity is taken before reading: a file changed meanwhile is hashed
    next time. OSError when the file cannot be read."""
    lue = identite(chemin)
    if lue is not None and isinstance(connue, dict) and connue.get("identite") == lue and isinstance(sha := connue.get("sha256"), str):
        return {"identite": lue, "sha256": sha}
    return {"identite": lue, "sha256": sha256_fichier(chemin)}


def _identique(path: Path, data: bytes) -> bool:
    try:
        if path.stat().st_size != len(data):  # a truncated file is told at once, without reading it
            return False
    except FileNotFoundError:
        return False
    return path.read_bytes() == data


@contextmanager
def remplacement_atomique(path: Path, durable: bool = True) -> Iterator[Path]:
    """A temporary path beside `path` for the caller to write (a file, a SQLite database); when the
    block ends without error it is flushed to the disk, renamed to `path` and the folder flushed. On
    any error (full disk, interruption) the temporary file is removed, `path` is untouched, and an
    `OSError` names `path` (a failed `write` names no file)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = temporaire(path)
    try:
        yield tmp
        if durable:
            fsync(tmp)
        os.replace(tmp, path)
    except BaseException as err:
        with suppress(OSError):  # not created yet, or the disk refuses even that: the original error matters
            tmp.unlink()
        if isinstance(err, OSError) and (err.filename is None or err.filename == str(tmp)):
            err.filename = str(path)
        raise
    if durable:
        fsync(path.parent)


def temporaire(path: Path) -> Path:
    """`.nom.json.tmp-<pid>-<8 chiffres hexadécimaux>` beside `path` (the name cut to stay within the
    file system's 255 bytes)."""
    nom = os.fsdecode(os.fsencode(path.name)[:200].decode("utf-8", "ignore").encode("utf-8"))  # whatever the locale
    return path.with_name(f".{nom}.tmp-{os.getpid()}-{secrets.token_hex(4)}")


def fsync(chemin: Path) -> None:
    """Flush a file's bytes, or a folder's entries (a rename in it), to the disk."""
    fd = os.open(chemin, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def synchroniser(dossier: Path) -> None:
    """Flush to the disk everything written on the file system that holds `dossier` (syncfs): one
    call for a whole built site, where a fsync per page would cost seconds."""
    fd = os.open(dossier, os.O_RDONLY)
    try:
        syncfs = getattr(ctypes.CDLL(None, use_errno=True), "syncfs", None)
        if syncfs is None:
            os.sync()
        elif syncfs(fd) != 0:
            code = ctypes.get_errno()
            raise OSError(code, os.strerror(code), str(dossier))
    finally:
        os.close(fd)


def _vivant(pid: int) -> bool:
    if pid == os.getpid():
        return False  # the caller writes nothing while it cleans
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, OverflowError):
        return False
    except PermissionError:
        return True  # another user's process
    return True


def nettoyer_temporaires(dossier: Path, recursif: bool = True) -> list[Path]:
    """Remove from `dossier` the temporary files a killed build left (those of a process still running
    stay: another build's writes in progress). Returns what was removed."""
    dossier = Path(dossier)
    retires: list[Path] = []
    if not dossier.is_dir():
        return retires
    for racine, sous, noms in os.walk(dossier):
        if not recursif:
            sous.clear()
        for nom in noms:
            m = TEMPORAIRE.match(nom)
            if (m and not _vivant(int(m.group(1)))) or ANCIEN_TEMPORAIRE.match(nom):
                p = Path(racine) / nom
                try:
                    p.unlink()
                except FileNotFoundError:
                    continue
                retires.append(p)
    return sorted(retires)


def read_json(path: Path) -> Any:
    with sans_ramasse_miettes():
        return json.loads(Path(path).read_text(encoding="utf-8"))


def lire_cache(cache: Path | None) -> dict[str, Any]:
    """A cache of what a build wrote, as the last one left it (a JSON object: `.cache/pages.json`,
    `.cache/flux.json`, `.cache/exports.json`…); empty when absent or unreadable (then everything is
    made again, never a crash)."""
    if cache is None:
        return {}
    try:
        data = json.loads(cache.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


class Ecrits:
    """Files a build writes, each written again only when it changed: the rule of the generated pages
    (`.cache/pages.json`), the exports (`.cache/exports.json`), the feeds by place (`.cache/flux.json`)
    and the control report (`.cache/controle-ecrit.json`).

    `cache` records, for each file by its name (the caller's: its path under its folder), what the last
    build wrote there: `[its key, the SHA-256 of its bytes, its file's identite, what the caller keeps with
    it (None: nothing)]`. A file whose key is the one recorded and that still holds the bytes recorded (its
    identity unchanged, else read and hashed: `a_le_contenu`) is up to date (`a_jour`): its caller neither
    makes its bytes again (a page's rendering) nor writes it; a file edited, truncated or gone behind the
    record is written again. Only what this build wrote or found up to date is recorded for the next one
    (`sauver`); an unreadable record is an empty one (everything written), never a crash."""

    def __init__(self, cache: Path | None) -> None:
        self.cache = cache
        self.avant = lire_cache(cache)
        self.apres: dict[str, list[Any]] = {}

    def a_jour(self, nom: str, chemin: Path, cle: str, garde: Any = None) -> bool:
        """Whether the file `chemin` (named `nom` in the record) is what key `cle` made at the last build
        and still holds it; then recorded as such for the next build, with `garde` (None: what was kept)."""
        connue = self.avant.get(nom)
        if type(connue) is not list or len(connue) != 4 or connue[0] != cle or type(connue[1]) is not str:
            return False
        lue = _identite_si_contenu(chemin, connue[1], connue[2])
        if lue is None:
            return False
        self.apres[nom] = [cle, connue[1], lue, connue[3] if garde is None else garde]
        return True

    def intact(self, nom: str, chemin: Path, garde: Any = None) -> bool:
        """Whether the file `chemin` still holds what the last build wrote there, whatever its key, when what
        that build kept with it is `garde` (None: whatever it kept); then recorded as `a_jour` records it. For
        a caller that knows the file unchanged without making its key again: its inputs, digested in `garde`,
        are those of the last build (a feed's sources), or the caller keeps the file whole (`Ecritures.groupe`)."""
        connue = self.avant.get(nom)
        if type(connue) is not list or len(connue) != 4 or type(connue[0]) is not str:
            return False
        return (garde is None or connue[3] == garde) and self.a_jour(nom, chemin, connue[0])

    def ecrire(self, nom: str, chemin: Path, data: bytes, cle: str | None = None, garde: Any = None, durable: bool = False) -> None:
        """Write `data` at `chemin` (`write_bytes`: not rewritten if the file holds it already) and record it
        as made from key `cle` (None: its own digest). `durable`: as `write_bytes`' (False: a file every
        build makes again and compares)."""
        sha = hashlib.sha256(data).hexdigest()
        write_bytes(chemin, data, durable)
        self.apres[nom] = [sha if cle is None else cle, sha, identite(chemin), garde]

    def contenu(self, nom: str, chemin: Path, data: bytes, garde: Any = None) -> None:
        """Write `data` at `chemin` unless the record says the file holds it already (its key: the digest of
        `data`): a text cheap to make again, not read back to be compared with it."""
        if not self.a_jour(nom, chemin, hashlib.sha256(data).hexdigest(), garde):
            self.ecrire(nom, chemin, data, garde=garde)

    def noter(self, nom: str, chemin: Path, cle: str, garde: Any = None, sha256: str | None = None) -> None:
        """Record the file `chemin` that the caller has just made itself (a database) from key `cle`; `sha256`:
        its bytes' digest when the caller knows it (it hashed the text it wrote), else read and hashed. A file
        gone (not written after all: a full disk) is not recorded."""
        lue = identite(chemin)
        if lue is not None:
            self.apres[nom] = [cle, sha256_fichier(chemin) if sha256 is None else sha256, lue, garde]

    def tient(self, nom: str, chemin: Path, sha256: str) -> bool:
        """Whether the file `chemin` holds the bytes of SHA-256 `sha256` (a file named by its digest, that the
        caller did not write this time): known without reading it while its identity is the one recorded with
        that digest, else read and hashed; then recorded, its key being that digest."""
        connue = self.avant.get(nom)
        lue = _identite_si_contenu(chemin, sha256, connue[2] if type(connue) is list and len(connue) == 4 and connue[1] == sha256 else None)
        if lue is None:
            return False
        self.apres[nom] = [sha256, sha256, lue, None]
        return True

    def reprendre(self, nom: str) -> None:
        """Keep for the next build the record of the file `nom` as the last build left it, when this build
        neither checked nor wrote it (a file it did not need, kept as it is: `Ecritures.garder_lignes`)."""
        if nom not in self.apres and nom in self.avant:
            self.apres[nom] = self.avant[nom]

    def garde(self, nom: str) -> Any:
        """What the caller keeps with the file `nom` as this build recorded it (None: nothing, or not recorded)."""
        connue = self.apres.get(nom)
        return None if connue is None else connue[3]

    def sauver(self) -> None:
        """Record this build's files for the next one (compact, not durable: a lost record only costs
        writing the files again)."""
        if self.cache is not None:
            write_text(self.cache, json.dumps(dict(sorted(self.apres.items())), separators=(",", ":")) + "\n", durable=False)


def data_name(source: str) -> str:
    """The name of a source's files in site_data/actes and site_data/subventions (file-system spelling,
    `nom_fichier`), from the source's published name or from its file-system form (`boite.Entree`)."""
    return nom_fichier(Path(source).stem + ".json")


def nom_fichier(nom: str) -> str:
    """A name made from a source's name (`été.json`) as the file system spells it: the same bytes, its
    UTF-8, whatever the locale (under `LC_ALL=C PYTHONUTF8=0` Python spells them with surrogates, and
    a path holding « é » cannot even be opened)."""
    return os.fsdecode(nom.encode("utf-8", "surrogateescape"))

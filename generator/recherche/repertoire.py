"""Term directory of the search files: for each indexed term, its idf and the sources that hold it.

A source is a year's deliberation titles, a recueil's full-text chunks, its grant chunks or its annex
vocabulary, numbered newest first (the numbers are written in the manifest's years and lots). Without
the directory, a word found only
in an old recueil is reached by reading every newer chunk first. With it, the results page reads,
per query word, one small file (terms sharing the first two letters) and loads only the sources
that can hold every word — or none at all, when a word is in no recueil — best first: each term lists,
after its idf (hundredths), its first MAX_LOTS sources, newest first, each followed by an upper bound
of the term's weight there (tenths, generator/recherche/classement.py); a term in more of them ends
its list with -1 ("and possibly any older one") and the bound of all those, which keeps the files
small for common words: [idf, source, bound, source, bound, …, -1, bound].
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections import defaultdict
from collections.abc import Mapping
from pathlib import Path

from generator.commun import store
from generator.recherche import classement

MAX_LOTS = 16


def prefixe(terme: str) -> str:
    return terme[:2]


def construire(sources: list[dict[str, int]], df: dict[str, int], n: int) -> dict[str, dict[str, list[int]]]:
    """`sources[p]`: {term: bound} of source p (0 = newest); `df`: documents holding each term, of `n`
    → {prefix: {term: [idf, positions and bounds…]}}."""
    par_terme: dict[str, list[int]] = {}
    reste: dict[str, int] = {}  # terms in more than MAX_LOTS sources: the best bound of the others
    for pos, bornes in enumerate(sources):
        for terme, b in bornes.items():
            liste = par_terme.get(terme)
            if liste is None:
                par_terme[terme] = [pos, b]
            elif len(liste) < 2 * MAX_LOTS:
                liste += (pos, b)
            elif b > reste.get(terme, -1):
                reste[terme] = b
    fichiers: dict[str, dict[str, list[int]]] = defaultdict(dict)
    for terme in sorted(par_terme):
        fin = [-1, reste[terme]] if terme in reste else []
        fichiers[prefixe(terme)][terme] = [classement.idf(df.get(terme, 0), n), *par_terme[terme], *fin]
    return dict(fichiers)


def textes_fichiers(fichiers: dict[str, dict[str, list[int]]]) -> tuple[dict[str, str], str]:
    """({file name: JSON text}, version hash of the whole directory) — deterministic."""
    out = {f"{p}.json": json.dumps(fichiers[p], ensure_ascii=False, sort_keys=True, separators=(",", ":")) for p in sorted(fichiers)}
    h = hashlib.sha256()
    for nom, texte in sorted(out.items()):
        h.update(nom.encode() + b"\0" + texte.encode() + b"\0")
    return out, h.hexdigest()[:10]


@functools.cache
def _code() -> bytes:
    return hashlib.sha256(Path(classement.__file__).read_bytes()).digest()


def _cle(empreinte: str, sorte: str) -> str:
    """A summary's key: the sha256 of the shard's text (known where the shard is indexed or checked in the
    cache, `index._en_cache`: the text is neither read again nor hashed again), its kind and classement.py."""
    return hashlib.sha256(_code() + sorte.encode() + b"\0" + empreinte.encode()).hexdigest()


Contenu = str | Path
"""A search file: its text, or the cache file that holds it (`index._calculer`, `index._en_cache`): ten years
of shards (about 100 Mo) go to the cache from the workers that index them and to content/recherche/ from
there (`index.ecrire_fichiers`), never through the processes in between (pickled by each, then held at once)."""


def lire(contenu: Contenu) -> str:
    """The text of a search file."""
    return contenu.read_text(encoding="utf-8") if isinstance(contenu, Path) else contenu


Resume = tuple[dict[str, int], dict[str, int], int]  # `classement.resume`: (bounds, document frequencies, documents)


def garder(dossier: Path, empreinte: str, sorte: str, resume: Resume) -> Path:
    """Write the summary `resume` of a shard whose text has the sha256 `empreinte` into `dossier`, as
    `Resumes` reads it: its file. Called where the shard was just indexed (`index._calculer`, in the
    search's workers), with the summary made from what the indexing had in memory (`classement.resumer`):
    the directory, made once every shard is there, then reads the summaries instead of parsing each shard
    again one after the other at the end of the search."""
    data = json.dumps(resume, separators=(",", ":")).encode()
    f = dossier / f"{_cle(empreinte, sorte)}.{hashlib.sha256(data).hexdigest()}.json"
    store.write_bytes(f, data, durable=False)
    return f


class Resumes:
    """`classement.resume` of each shard, kept in `dossier` (.cache/recherche/repertoire/) under the digest of
    the shard's text and of classement.py: a build whose shards come from the cache reads neither them
    nor their summaries' sources again. A file is named `<key>.<sha256 of its text>.json` and used only
    when its text has that digest (a file truncated or edited is computed again); `ranger` removes those
    this build did not use."""

    def __init__(self, dossier: Path | None):
        self.dossier = dossier
        self.fichiers = {f.name.partition(".")[0]: f for f in dossier.glob("*.json")} if dossier is not None and dossier.is_dir() else {}
        self.utilises: set[Path] = set()

    def __call__(self, contenu: Contenu, empreinte: str, sorte: str) -> Resume:
        """The summary of a shard, given as its text or the cache file holding it (`Contenu`) and the
        sha256 of that text: the text is read only when its summary is not kept."""
        if self.dossier is None:
            return classement.resume(lire(contenu), sorte)
        cle = _cle(empreinte, sorte)
        f = self.fichiers.get(cle)
        if f is not None:
            data = f.read_bytes()
            if f.name == f"{cle}.{hashlib.sha256(data).hexdigest()}.json":
                self.utilises.add(f)
                bornes, df, n = json.loads(data)
                return bornes, df, n
        r = classement.resume(lire(contenu), sorte)
        self.utilises.add(garder(self.dossier, empreinte, sorte, r))
        return r

    def ranger(self) -> None:
        for f in self.fichiers.values():
            if f not in self.utilises:
                f.unlink(missing_ok=True)


def repertorier(
    manifeste: dict, fichiers: Mapping[str, Contenu], empreintes: Mapping[str, str], cache: Path | None = None
) -> dict[str, str]:
    """The term directory's files (`repertoire/<prefix>.json`) of the shards `fichiers` the manifest's years
    list, whose source numbers it writes into the manifest (and its version and number of files).
    `empreintes`: the sha256 of each shard's text; `cache`: where the shards' summaries are kept (`Resumes`).

    Per year its titles shard, then per recueil in the manifest's order its full-text chunks, its grant
    chunks and its annex vocabulary, each a numbered source (the numbers written in the year and its lots: recherche.js asks
    the directory about them, and reads a year's titles only when they can match)."""
    sources: list[dict[str, int]] = []
    df: dict[str, int] = defaultdict(int)
    n = 0
    resume = Resumes(cache)

    def source(noms: list[str], sorte: str) -> None:
        nonlocal n
        bornes: dict[str, int] = {}
        for nom in noms:
            b, d, k = resume(fichiers[nom], empreintes[nom], sorte)
            for t, v in b.items():
                if v > bornes.get(t, -1):
                    bornes[t] = v
            for t, v in d.items():
                df[t] += v
            n += k
        sources.append(bornes)

    for y in manifeste["annees"]:
        if y["deliberations"]:
            y["position_titres"] = len(sources)
            source([y["deliberations"]], "deliberations")
        for lot in y["lots"]:
            for genre, cle in (("textes", "position"), ("subventions", "position_subventions"), ("annexes", "position_annexes")):
                if lot[genre] or genre == "textes":
                    lot[cle] = len(sources)
                    source(lot[genre], genre)
    resume.ranger()
    rep, version = textes_fichiers(construire(sources, df, n))
    manifeste["repertoire"] = {"version": version, "fichiers": len(rep)}
    return {f"repertoire/{nom}": text for nom, text in rep.items()}

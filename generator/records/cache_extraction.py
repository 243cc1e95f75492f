"""The extraction cache (.cache/extraction.json) and the data files it vouches for, checked when read.

A source whose bytes, parser code, reference data and corrections are unchanged is not parsed again:
its files in site_data/actes and site_data/subventions are read back. The cache records, per source,
that key, the corrections it applied, and the sha256 of the two files as they were written; a file
read back must hash to it. So a file truncated by a full disk or a crash, or edited by hand, is never
published: its source is parsed again. Checking costs one sha256 of what is read anyway (about half
a millisecond per megabyte). Every file is validated against its JSON Schema when it is written
(`extraction._parse_one`); a file read back without the cache's word for it (that of a refused source)
is validated again.

A cache file that cannot be read, is not JSON or not of its shape is ignored (its sources are parsed
again), never a crash.

So that a rebuild costs what changed, an entry also keeps what the build would otherwise read from
every unchanged file: the civilities printed in its presence lists (for the registry of the
councillors) and the digest of a snapshot of the file as the build holds it (`releve`, in
.cache/releves/), loaded instead of the JSON once the files are checked.
"""

from __future__ import annotations

import functools
import hashlib
import json
import marshal
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import cast

from generator.commun import code
from generator.commun.memoire import sans_ramasse_miettes
from generator.commun.store import a_le_contenu, identite, write_text
from generator.controle.garde import Resume, resumer
from generator.records.common import JsonObject
from generator.records.corpus import DocumentLu, alleger
from generator.records.schema import non_conforme
from generator.sources.boite import affichable


def empreinte(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def entree(
    cle: str, corrections: list[JsonObject], actes: bytes, subventions: bytes, r: Resume, civilites: JsonObject, releve: bytes
) -> JsonObject:
    """The cache entry of a source just parsed, whose two files hold the bytes `actes` and `subventions`, what
    they publish (`garde.Resume`: its next version is checked against it without reading them), the
    civilities of their presence lists (`civilites`, from `avec_civilites`: the registry of the
    councillors reads them here, not in the files) and the digest of their snapshot (`releve`)."""
    return {
        "key": cle,
        "corrections": corrections,
        "empreintes": {"actes": empreinte(actes), "subventions": empreinte(subventions)},
        "resume": {
            "source": r.source,
            "recueil": r.recueil,
            "deliberations": r.deliberations,
            "lignes": r.lignes,
            "subventions": dict(sorted(r.subventions.items())),
            "code": code_resume(),
        },
        "civilites": civilites,
        "releve": empreinte(releve),
    }


def code_civilites() -> str:
    """The digest of the code that finds the civilities (`elus.personnes.civilites_document`, not part
    of the extraction's key): civilities an entry kept from another version of it are found again."""
    return code.empreinte([PAQUET / "elus" / "personnes.py"])


def avec_civilites(code: str, civilites: dict[str, str]) -> JsonObject:
    """The `civilites` of a cache entry: `personnes.civilites_document` of its actes file, found by `code`."""
    return {"code": code, "deliberations": civilites}


def civilites(e: JsonObject, code: str) -> dict[str, str] | None:
    """The civilities an entry keeps for its actes file (deliberation id → letters), if found by the
    code of today (`code_civilites`); None for an entry without them or of another version."""
    c = e.get("civilites")
    if isinstance(c, dict) and c.get("code") == code and isinstance(lettres := c.get("deliberations"), dict):
        if all(isinstance(k, str) and isinstance(v, str) for k, v in lettres.items()):
            return cast(dict[str, str], lettres)
    return None


@functools.cache
def code_resume() -> str:
    """The digest of the code that summarises an extraction (`controle/garde.py`, not part of the
    extraction key): a summary made by another version of it is not trusted, but made again."""
    return code.empreinte([PAQUET / "controle" / "garde.py"])


@functools.cache
def code_controle() -> str:
    """The code of a source's part of the control report (`controle.reconcile._controle` and all it imports)."""
    return code.empreinte(code.modules([PAQUET / "controle" / "reconcile.py"]))


def cle_partie(e: JsonObject, membres: int) -> str:
    """The key of the control report's part on a source whose files entry `e` describes (its key and their
    digests: the files verified this build or just written), made by today's code for a council of `membres`."""
    return code.empreinte([], e["key"], e["empreintes"]["actes"], e["empreintes"]["subventions"], code_controle(), str(membres))


def lire_parties(chemin: Path, cles: dict[str, str]) -> dict[str, JsonObject]:
    """The parts of the control report (`.cache/controle.json`: source → [key, part]) still valid: of the
    sources of `cles` whose key is the one recorded; an unreadable file gives none."""
    try:
        data = json.loads(chemin.read_bytes())
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    out = {}
    for source, cle in cles.items():
        connue = data.get(source)
        if isinstance(connue, list) and len(connue) == 2 and connue[0] == cle and isinstance(connue[1], dict):
            out[source] = connue[1]
    return out


def garder_parties(chemin: Path, cles: dict[str, str], parties: list[JsonObject]) -> None:
    """Keep the report's `parties` of the sources of `cles` for the next build (`lire_parties`)."""
    data = {p["source"]: [cles[p["source"]], p] for p in parties if p["source"] in cles}
    chemin.parent.mkdir(parents=True, exist_ok=True)
    write_text(chemin, json.dumps(dict(sorted(data.items())), ensure_ascii=False, separators=(",", ":")) + "\n", durable=False)


def resume_entree(e: JsonObject | None) -> Resume | None:
    """What a source's extraction publishes, as its cache entry says (None: an entry without it).
    The entry vouches for the files it describes (`relire` checks them against its digests): a source
    read back unchanged is not turned into records again to know it."""
    r = (e or {}).get("resume")
    if isinstance(r, dict) and r.get("code") == code_resume():  # made by today's `garde.resumer`
        try:
            return Resume(r["source"], dict(r["deliberations"]), dict(r["lignes"]), Counter(r["subventions"]), r["recueil"])
        except (KeyError, TypeError, ValueError):
            pass
    return None


def resume(e: JsonObject | None, actes: Path, subventions: Path) -> Resume | None:
    """What a source's previous extraction publishes: from its cache entry, else read from its files
    (None when they cannot be read)."""
    r = resume_entree(e)
    if r is not None:
        return r
    try:
        with sans_ramasse_miettes():
            doc = json.loads(actes.read_bytes())
            subs = json.loads(subventions.read_bytes()) if subventions.exists() else None
        return resumer(alleger(doc, textes=False), subs)
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _valide(e: object) -> bool:
    return (
        isinstance(e, dict)
        and isinstance(e.get("key"), str)
        and isinstance(e.get("corrections"), list)
        and all(isinstance(c, dict) for c in e["corrections"])
        and isinstance(e.get("empreintes"), dict)
        and all(isinstance(e["empreintes"].get(k), str) for k in ("actes", "subventions"))
    )


def lire(chemin: Path, log: Callable[[str], object] = print) -> dict[str, JsonObject]:
    """The cache's entries (source name → entry); an unreadable file or entry is left out, and said."""
    try:
        data = json.loads(Path(chemin).read_bytes())
    except FileNotFoundError:
        return {}
    except ValueError as err:  # not UTF-8, not JSON
        log(
            f"{chemin.name} (cache de l'extraction) est illisible ({err.__class__.__name__}) : ignoré, les sources sont analysées à nouveau."
        )
        return {}
    if not isinstance(data, dict):
        log(f"{chemin.name} (cache de l'extraction) n'a pas la forme attendue : ignoré, les sources sont analysées à nouveau.")
        return {}
    bonnes = {k: v for k, v in data.items() if _valide(v)}
    if len(bonnes) < len(data):
        log(
            f"{chemin.name} (cache de l'extraction) : {len(data) - len(bonnes)} entrée(s) illisible(s) ou d'une version précédente ignorée(s), leurs sources sont analysées à nouveau."
        )
    return bonnes


def _lire_verifies(actes: Path, subventions: Path, e: JsonObject | None) -> tuple[bytes, bytes] | str:
    """The bytes of a source's two data files, or why they cannot be published: missing, or not those
    whose digests its cache entry `e` holds (no entry: not checked here)."""
    try:
        a, s = actes.read_bytes(), subventions.read_bytes()
    except FileNotFoundError as err:
        return f"{_nom(Path(err.filename))} manque"
    if e is not None:
        for f, data, attendu in ((actes, a, e["empreintes"]["actes"]), (subventions, s, e["empreintes"]["subventions"])):
            if empreinte(data) != attendu:
                return f"{_nom(f)} n'est plus ce que la construction avait écrit (fichier tronqué ou modifié)"
    return a, s


# The snapshot of a source's two files as the build holds them (`alleger`: without texts), kept in
# .cache/releves/ beside its cache entry: reading ten years of site_data/ back as JSON (texts included,
# then dropped) costs seconds; loading what the build keeps of them with `marshal` (plain dicts, lists,
# strings and numbers) about a fifth of that. The entry holds the snapshot's digest: a snapshot damaged
# or of another entry is never loaded; the files themselves are still checked against the entry's digests
# (`_lire_verifies`), so a hand-edited site_data file is refused as before. Made by `code_releve`.
DOSSIER_RELEVES = Path(".cache") / "releves"


def chemin_releve(root: Path, nom: str) -> Path:
    """The snapshot of the files named `nom` in site_data/actes and site_data/subventions."""
    return root / DOSSIER_RELEVES / Path(nom).with_suffix(".marshal")


def code_releve() -> str:
    """What the snapshots' content depends on besides the files: the reader that lightens them
    (`corpus.alleger`) and `marshal`'s format."""
    return code.empreinte([PAQUET / "records" / "corpus.py"], f"marshal {marshal.version}")


def releve(lu: DocumentLu, subventions: JsonObject, code: str) -> bytes:
    """The snapshot of a source's files as read (`lu`: by `alleger`, without its texts; `subventions`)."""
    return marshal.dumps(
        (code, lu.contenu, lu.empreintes, lu.caracteres, lu.empreintes_annexes, lu.empreintes_longs, lu.caracteres_rapports, subventions)
    )


def identites(actes: Path, subventions: Path) -> JsonObject:
    """The `store.identite` of a source's two data files, kept in its entry (`identites`) once they are known to
    hold the bytes it vouches for: the next build knows them unchanged without reading them (`intacts`)."""
    return {"actes": identite(actes), "subventions": identite(subventions)}


def intacts(actes: Path, subventions: Path, e: JsonObject) -> bool:
    """Whether a source's two data files hold the bytes whose digests entry `e` keeps: known without reading
    them while their identity is the one it recorded (`identites`), else read and hashed (`store.a_le_contenu`)."""
    connues = e.get("identites")
    if not isinstance(connues, dict):
        connues = {}
    return all(
        a_le_contenu(f, e["empreintes"][k], connues.get(k) if isinstance(connues.get(k), list) else None)
        for k, f in (("actes", actes), ("subventions", subventions))
    )


def relire_releve(actes: Path, subventions: Path, e: JsonObject, chemin: Path, code: str) -> tuple[DocumentLu, JsonObject] | None:
    """A source's two data files as the build holds them, from their snapshot `chemin` (`releve`), when
    the files are those the cache entry `e` vouches for and the snapshot the one it names; else None (the
    files are then read as JSON, `relire`, which says what is wrong with them)."""
    attendu = e.get("releve")
    if not isinstance(attendu, str) or not intacts(actes, subventions, e):
        return None
    try:
        data = chemin.read_bytes()
    except OSError:
        return None
    if empreinte(data) != attendu:
        return None
    try:
        with sans_ramasse_miettes():
            version, contenu, empreintes, caracteres, annexes, longs, rapports, subs = marshal.loads(data)
    except (ValueError, EOFError, TypeError):
        return None
    if version != code:
        return None
    return DocumentLu(contenu, empreintes, caracteres, annexes, longs, rapports), subs


def relire(actes: Path, subventions: Path, e: JsonObject | None) -> tuple[JsonObject, JsonObject] | str:
    """A source's two data files read back, (actes document, subventions), or why they cannot be
    published: checked against the digests of its cache entry `e`, else (no entry: a refused source's
    previous data) against the JSON Schemas."""
    lus = _lire_verifies(actes, subventions, e)
    if isinstance(lus, str):
        return lus
    a, s = lus
    try:
        with sans_ramasse_miettes():
            doc, subs = json.loads(a), json.loads(s)
    except ValueError as err:
        return f"{_nom(actes)} ou {_nom(subventions)} n'est pas du JSON valide ({err})"
    if e is None:
        for f, data, nom in ((actes, doc, "actes.schema.json"), (subventions, subs, "subventions.schema.json")):
            faute = non_conforme(nom, data)
            if faute is not None:
                return f"{_nom(f)} n'a pas la forme attendue ({faute})"
    return doc, subs


def _nom(f: Path) -> str:
    """`site_data/actes/x.json`: a data file as the publisher sees it."""
    return affichable("/".join(f.parts[-3:]))


PAQUET = code.PAQUET
# What `_parse_one` calls: the parser entry points and the JSON writer; `subventions`
# discovers its table readers, so the whole package counts.
_EXTRACTION = ("parse/ingest.py", "lieux/localisation.py", "controle/corrections.py", "commun/store.py", "subventions")


def code_extraction() -> list[Path]:
    """Source files of the extraction: its entry points and every module they import, found in
    the code itself (`code.modules`), so a change to the pages, templates or exports does not
    re-parse ten years of recueils, and a change to any parser module does."""
    entrees = [PAQUET / e for e in _EXTRACTION if e.endswith(".py")]
    entrees += [f for e in _EXTRACTION if not e.endswith(".py") for f in sorted((PAQUET / e).rglob("*.py"))]
    return code.modules(entrees)


def empreinte_extraction(root: Path, corrections: Path) -> str:
    """What, besides a source's own bytes, decides its extraction: parser code, reference data, corrections
    (part of each source's cache key)."""
    files = code_extraction()
    files += sorted((root / "site_data" / "reference").glob("*.json"))
    if corrections.exists():
        files.append(corrections)
    return code.empreinte(files)

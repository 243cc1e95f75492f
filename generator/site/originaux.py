"""The original PDFs, published beside the pages: the signed recueil is what has legal value, and a
citizen checks a page of the site against it.

Each PDF source whose extraction is published gets one stable address, named after its recueil
(`originaux/2019-05-n5.pdf`) or, for a source that is not a recueil, after its file
(`originaux/<file>.pdf`). The file is copied from the inbox into content/originaux/ when its bytes
change, never hard-linked (a publisher's `cp` over the inbox file rewrites it in place: the published
copy must not change with it); an unchanged one is neither copied nor read again (its size, date and
inode against .cache/originaux.json). MkDocs then hard-links it into the built site (`mkdocs_rapide`). A text source has no original to offer: its pages keep citing
its lines.
"""

from __future__ import annotations

import shutil
from collections.abc import Set as AbstractSet
from pathlib import Path

from slugify import slugify

from generator.commun import store
from generator.records import JsonObject
from generator.records.corpus import DocumentPublie

DOSSIER = "originaux"


def adresse(source: str, slug: str | None, prises: AbstractSet[str] = frozenset()) -> str:
    """The original's address from the site's root: after its recueil, else after its file's name (as
    a slug: an address without spaces or accents), never one of `prises` (another source's)."""
    base = f"{DOSSIER}/{slug or slugify(Path(source).stem, max_length=80) or 'source'}"
    url, n = f"{base}.pdf", 1
    while url in prises:
        n += 1
        url = f"{base}-{n}.pdf"
    return url


def publier(
    content: Path, fichiers: dict[str, tuple[Path, str]], documents: list[DocumentPublie], slugs: dict[str, str], cache: Path
) -> dict[str, JsonObject]:
    """content/originaux/ holding the PDF of each published document (`documents`, the corpus's;
    `fichiers`: the inbox, source → its path and SHA-256 as the build read them; `slugs`: source →
    recueil slug), and nothing else; `cache`: what each file there holds. Returns source → {"url",
    "pages", "taille", "sha256"}.

    A PDF is published only with the bytes its extraction was read from: when the inbox holds other
    bytes (a new version refused, whose previous extraction stays published), the file already in
    content/originaux/ stays if it is those bytes; otherwise that source offers no original."""
    dossier = Path(content) / DOSSIER
    connus = store.read_json(cache) if cache.is_file() else {}
    empreintes: dict[str, list[int | str]] = {}
    out: dict[str, JsonObject] = {}
    prises = {f"{DOSSIER}/{s}.pdf" for s in slugs.values()}  # the recueils' addresses first: they never move
    for doc in sorted(documents, key=lambda d: (d.source not in slugs, d.source)):
        if not doc.pages:  # a text source
            continue
        url = adresse(doc.source, slugs.get(doc.source), prises - {f"{DOSSIER}/{slugs.get(doc.source)}.pdf"})
        prises.add(url)
        cible = Path(content) / url
        recu = fichiers.get(doc.source)  # (its path, its SHA-256) in the inbox
        if not _a_le_contenu(cible, doc.sha256, connus.get(url)):
            if recu is None or recu[1] != doc.sha256:  # its new version refused, and the published one is not there
                cible.unlink(missing_ok=True)
                continue
            _copier(recu[0], cible)
        empreintes[url] = [*(store.identite(cible) or []), doc.sha256]
        out[doc.source] = {"url": url, "pages": len(doc.pages), "taille": cible.stat().st_size, "sha256": doc.sha256}
    gardes = {Path(content) / o["url"] for o in out.values()}
    if dossier.is_dir():
        for f in sorted(dossier.iterdir()):
            if f not in gardes and (f.is_file() or f.is_symlink()):
                f.unlink()
    store.write_json(cache, dict(sorted(empreintes.items())))
    return out


def _a_le_contenu(f: Path, sha256: str, connu: list[int | str] | None) -> bool:
    """`f` holds the bytes of SHA-256 `sha256` (`connu`: its `store.identite` and that SHA-256 at the last
    build, known without reading it while the file is unchanged); a link is never taken for the file."""
    if not f.is_file() or f.is_symlink():
        return False
    identite = [int(x) for x in connu[:-1]] if connu and connu[-1] == sha256 else None
    return store.a_le_contenu(f, sha256, identite)


def _copier(origine: Path, cible: Path) -> None:
    """`cible` a copy of `origine` (a new file: the site versions that hard-link the old one keep it),
    written as every other output is (`store.remplacement_atomique`: a full disk leaves no half copy)."""
    with store.remplacement_atomique(cible) as tmp:
        shutil.copyfile(origine, tmp)

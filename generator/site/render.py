"""Stage 8: write the Markdown pages of the site into content/ from site_data/.

Pages are Markdown files whose body is one HTML block produced by autoescaping
Jinja2 templates: Markdown never sees source text as markup, so a title holding
`<script>`, `{{ … }}` or `[lien](x)` shows as text. Links are relative (`../../`)
so the site works under any sub-path of any static host. Generated folders are
owned by this stage: they are emptied and rewritten on every build.
"""

from __future__ import annotations

import base64
import contextlib
import dataclasses
import datetime as dt
import hashlib
import html
import json
import operator
import sys
import weakref
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from importlib.metadata import version
from json.encoder import encode_basestring
from pathlib import Path
from typing import Any, cast

import jinja2
from markupsafe import Markup

from generator.commun import code, formats, gabarits
from generator.commun.genere import GENERATED_DIRS
from generator.commun.store import Ecrits, write_bytes
from generator.records import Deliberation, JsonObject, Recueil, Subvention
from generator.records.corpus import ActePublie, DeliberationPubliee, cle_lu
from generator.site import lexique, listes, tableau_subventions

TEMPLATES = Path(__file__).parent / "templates"
COMPILES = "gabarits"
"""The folder of `.cache/` where the compiled templates are kept (`environment`)."""


_METHODES_DICT = frozenset(dir(dict))


class _Environnement(jinja2.Environment):
    """Jinja2 whose `x.nom` on a plain dict reads the key first.

    Jinja tries the attribute first and the key only after an AttributeError: on the
    million dict lookups of ten years of pages, the exception is most of the rendering
    time. A plain dict has no attribute but its methods, so for any other name the result
    is the same; method names (`get`, `items`…) keep Jinja's order.
    """

    def getattr(self, obj: object, attribute: str) -> object:
        if type(obj) is dict and attribute not in _METHODES_DICT:
            try:
                return obj[attribute]
            except KeyError:
                pass
        return super().getattr(obj, attribute)


def environment(compiles: Path | None = None, code: str = "") -> jinja2.Environment:
    """The pages' Jinja2 environment. `compiles`: a folder where the templates compiled by the code of digest
    `code` (`empreinte_code`) are kept from a build to the next (Jinja2's bytecode cache, checked against each
    template's text): compiling the thirty templates is about half a second of every build. Those of another
    code are left to `gabarits.elaguer`, once the build is published."""
    cache = gabarits.cache(compiles, code) if compiles is not None else None
    env = _Environnement(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        bytecode_cache=cache,
    )
    env.filters.update(montant=formats.montant_fr, date=formats.date_fr, nombre=formats.nombre_fr, taille=formats.taille_fr)
    env.globals.update(
        lignes_subventions=tableau_subventions.Lignes(),  # (its rows kept only inside `write_pages`)
        liste_deliberations=listes.deliberations,
        liste_actes=listes.actes,
        presences=listes.presences,
    )
    return env


def front_matter(title: str, **extra: object) -> str:
    """YAML front matter; values are JSON strings (valid YAML), title made HTML-safe."""
    lines = [f"title: {json.dumps(html.escape(title, quote=False), ensure_ascii=False)}"]
    for key, value in extra.items():
        lines.append(f"{key}: {json.dumps(value, ensure_ascii=False)}")
    return "\n".join(lines)


_DEPARTEMENT = "du Département du Pas-de-Calais"
DESCRIPTIONS = {
    "commune": "{t} : les subventions " + _DEPARTEMENT + " localisées dans la commune et les délibérations qui les accordent.",
    "canton": "{t} : les subventions " + _DEPARTEMENT + " dans ses communes et les délibérations qui les accordent.",
    "epci": "{t} : les subventions " + _DEPARTEMENT + " dans ses communes et les délibérations qui les accordent.",
    "territoire": "{t} : les subventions " + _DEPARTEMENT + " dans ses communes et les délibérations qui les accordent.",
    "deliberation": "Délibération {t} : son texte, ses annexes et les subventions qu'elle accorde, tels que publiés au recueil des actes administratifs.",
    "annexe": "{t} : annexe d'une délibération publiée au recueil des actes administratifs " + _DEPARTEMENT + ".",
    "recueil": "{t} du recueil des actes administratifs " + _DEPARTEMENT + " : les délibérations et les subventions qu'il publie.",
    "seance": "{t} : les délibérations de la séance publiées au recueil des actes administratifs " + _DEPARTEMENT + ".",
    "beneficiaire": "{t} : les subventions reçues " + _DEPARTEMENT + " et les délibérations qui les accordent.",
    "dispositif": "{t} : les subventions accordées par le Département du Pas-de-Calais au titre de ce dispositif, leurs bénéficiaires et leurs délibérations.",
    "subventions": "{t} : les subventions accordées par le Département du Pas-de-Calais, avec leurs bénéficiaires, communes et délibérations.",
    "index": "{t} : l'index du recueil des actes administratifs " + _DEPARTEMENT + ".",
    "donnees": "Les données du recueil des actes administratifs " + _DEPARTEMENT + " à télécharger : délibérations et subventions.",
    "recherche": "Chercher une commune, un bénéficiaire, une délibération ou des mots dans les actes " + _DEPARTEMENT + ".",
    "controle": "Le contrôle de ce que le site a extrait des recueils, pour l'éditeur du site.",
}
"""A page's description by its kind (the home page keeps the site's, mkdocs.yml): Open Graph and
<meta name="description">, what a link shared or found by a search engine shows under the title."""
ROBOTS = {"controle": "noindex"}
"""Pages kept out of search engines: the control report is the publisher's, not the public's
(linked from the footer only, absent from the menu)."""


def description(page: Page) -> str | None:
    """The page's description, HTML-escaped for an attribute (MkDocs writes front matter values as they are)."""

    modele = DESCRIPTIONS.get(page.kind)
    return html.escape(modele.format(t=page.title), quote=True) if modele else None


def en_tete(page: Page, context: JsonObject) -> str:
    """The page's front matter: its title, and its description, `robots` and feed (`flux`, from the
    `context` it is rendered with) where it has them."""
    extra: dict[str, object] = {}
    d = description(page)
    if d:
        extra["description"] = d
    if page.kind in ROBOTS:
        extra["robots"] = ROBOTS[page.kind]
    flux = context.get("flux")
    if flux is not None:  # overrides/main.html: <link rel="alternate" type="application/atom+xml"> in the head
        extra["flux"] = {"titre": html.escape(flux.titre, quote=True), "chemin": flux.chemin}  # chemin: from the site's root
    return front_matter(page.title, **extra)


def root_for(path: str) -> str:
    """Relative prefix from a page's URL back to the site root (directory URLs)."""
    parts = path.split("/")
    depth = len(parts) - 1 if parts[-1] == "index.md" else len(parts)
    return "../" * depth


@dataclass
class Page:
    path: str  # relative to content/, e.g. "communes/wancourt.md"
    template: str
    title: str
    context: JsonObject = field(default_factory=dict)
    kind: str = "page"
    # a page made only from data (`donnees`: JSON and records, hashed into its key) and a text (`texte`), its
    # context being `contexte(donnees, texte)`: computed only when the page is rendered (a deliberation's
    # HTML, a commune's figures); any other page's key is made from its `context` (`cle`). Either is not
    # rendered again while its key and its file are those of the last build (`write_pages`)
    donnees: JsonObject | None = None
    texte: str = ""
    contexte: Callable[[JsonObject, str], JsonObject] | None = None
    # a page whose builder knows cheaply what it is made of (`precle`: the digest of every input of its bytes but
    # the code and its address, title, kind and template, which `write_pages` adds) and makes it whole only when
    # asked (`faire`: the page with its data or context, at the same address): while its pre-key and its file
    # are those of the last build, neither its context nor its key (`cle`) is made (`write_pages`)
    precle: str | None = None
    faire: Callable[[], Page] | None = None

    def cle(self, code: str, empreintes: Empreintes) -> str | None:
        """What the page's text is made of: the code, its address, title, kind, template and inputs (its
        `donnees` and `texte`, else its `context`: all the template sees but `root`, made from its address,
        and the environment's globals and filters, which are code). None when its context holds something
        that has no digest (`Empreintes.dumps`): that page is rendered at every build, as every page was
        before the cache. A page's `donnees` always have one (a TypeError there is a bug)."""
        entrees = empreintes.abreger(self.donnees if self.contexte is not None else self.context)
        try:
            donnees = empreintes.dumps([code, self.path, self.template, self.title, self.kind, self.contexte is not None, entrees])
        except (TypeError, ValueError):  # (ValueError: a circular reference)
            if self.contexte is not None:
                raise
            return None
        h = hashlib.sha256(donnees.encode())
        h.update(b"\x1f" + self.texte.encode("utf-8"))
        return h.hexdigest()


class Partage:
    """A record of the builders that many pages' keys hold (the deliberations of a séance, in the keys of
    the pages of everyone who sat in it: `pages.elus`): digested once a build, as `_REPETES`."""

    def tenant(self) -> object:
        """What stands for it in a page's key: all its attributes, unless its class says what its pages
        show of them (`elus.ActesSeance`: of each act, its `vue_deliberation`)."""
        return vars(self)


_VUE_DELIBERATION = operator.attrgetter("id", "titre", "date", "organe", "collectivite", "session_id", "source", "recueil")


def vue_deliberation(d: DeliberationPubliee | None) -> tuple[object, ...] | None:
    """What a page shows of a deliberation it lists inside another record (a grant's row: its number and
    whether its source is a recueil, `tableau_subventions`; a councillor's séance: its number and title,
    `listes.presences`): its number, title, date, body, séance, source and recueil, not its texts, presence lists or
    votes, which only its own page shows (keyed on it whole). A deliberation's text corrected renders its
    page again, not the pages of the places, schemes and beneficiaries listing its grants nor those of
    everyone who sat in its séance. A template reading more of a grant's deliberation must have it added here."""
    return None if d is None else _VUE_DELIBERATION(d)


_REPETES = (Deliberation, Subvention, Recueil, ActePublie, Partage)
"""The records shown on many pages (a grant on its commune's, canton's, EPCI's, territoires', scheme's,
beneficiary's, month's and deliberation's pages and their year pages, with its deliberation inside it; a
recueil with its sommaire on its page, twice, and on the index; an act of the executive on the page of
each commune it names, among ten years of that commune's acts): digested once a build (`Empreintes`)."""


class Empreintes:
    """The inputs of the pages of one build as the text of their keys (`Page.cle`).

    A record (a dataclass) is all its attributes, records inside it too: the template may read any of
    them, and call its methods and properties, which are code. The records `_REPETES` are serialised
    and hashed the first time a key meets them, keys holding their digest: ten years of grants, each
    with its deliberation whole, are not serialised again for every page that lists them. A grant, a
    deliberation or an act of the executive of the corpus stands there for the fields it was read with as
    the digest of the dict of site_data/ they were made from (`corpus.cle_lu`: not serialised field by
    field, 1,5 s at ten years), and for the others as they are. The other records, small (a place named, a line of a presence
    list…) and shown once or twice, are serialised where they are met (cheaper than hashing each).
    Records are not changed while the pages are written (frozen after indexing: `records.corpus`'s
    docstring; `write_pages` makes one `Empreintes` per call); each record digested is kept (`_gardes`)
    so that its `id` is never another object's meanwhile."""

    def __init__(self) -> None:
        self._connues: dict[int, str] = {}  # id of a record digested → what stands for it in a key
        self._gardes: list[object] = []  # those records
        self._vues: dict[int, str] = {}  # id of a deliberation inside a grant → the digest of its `vue_deliberation`
        self._ajouts: dict[int, str] = {}  # id of a field a published record adds → its text (`_ajout`)
        # one encoder for the build (`json.dumps` makes one at each call: once for each of 50 000 records digested)
        self._encodeur = _Encodeur(self)

    def abreger(self, entrees: JsonObject | None) -> JsonObject | None:
        """`entrees` (a page's data or context) with each of its lists of records already digested (a place's
        grants, a year's deliberations…) as the digest of their digests, in their order (`"\\x01"` first: no
        record's digest): made without calling `_en_json` from the encoder for each of them (half a million
        times at ten years) nor encoding each digest (a year page's key held 500 of them). A list holding
        anything else, or a record not digested yet, is left as it is."""
        if entrees is None:
            return None
        connue = self._connues.get
        abregees = {}
        for k, v in entrees.items():
            if type(v) is list and v and (connue(id(v[0])) is not None or isinstance(v[0], _REPETES)):  # (else not gone through)
                digests = list(map(connue, map(id, v)))
                if None in digests:  # (records met for the first time: the same text whether or not a page met them before)
                    if not all(isinstance(x, _REPETES) for x in v):
                        continue
                    digests = [e if e is not None else self._digerer(x) for e, x in zip(digests, v)]
                abregees[k] = "\x01" + _condenser("".join(cast(list[str], digests)))  # (each 44 characters: joined, told apart)
        return entrees | abregees if abregees else entrees

    def dumps(self, obj: object) -> str:
        """The text of `obj` (JSON, records by type and attributes or digest): order kept (a template
        shows a dict or a list in its order), sets sorted; a TypeError for what has no digest (a
        function, a path…)."""
        return self._encodeur.encode(obj)

    def _digerer(self, obj: object) -> str:
        """The digest of a record of `_REPETES` met for the first time (the text of `_tenant`), kept for the build."""
        connue = self._connues[id(obj)] = "\x00" + _condenser(self._tenant(obj))
        self._gardes.append(obj)
        return connue

    def _tenant(self, r: object) -> str:
        """The text of what stands for a record of `_REPETES` in a key: a published record read by the corpus
        its `cle_lu`, a deliberation inside it (a grant's) as the digest of its `vue_deliberation` (`_vue`);
        a `Partage` its `tenant`; any other all its attributes but what a published one was read from (`lu`:
        its fields as they were).

        A published record's text is made without the JSON encoder (ten years: 74 000 records, each an
        encoder's call and a callback for its beneficiary, a third of the keys' time): its type, its digest
        and each field it adds, separated by `"\x1f"`, which no part holds (JSON escapes it, a digest is
        base 64), a scalar as JSON writes it, anything else as `dumps` does. It starts with `"\x03"`, the
        others' text with `[`: no record's text is another's."""
        t = type(r)
        if isinstance(r, Partage):
            return self.dumps([t.__module__, t.__qualname__, r.tenant()])
        lu = cle_lu(r)
        if lu is None:
            return self.dumps([t.__module__, t.__qualname__, {k: v for k, v in vars(r).items() if k != "lu"}])
        empreinte, ajouts = lu
        assert isinstance(ajouts, list) and isinstance(empreinte, str)
        parties = ["\x03" + t.__module__, t.__qualname__, empreinte]
        for v in ajouts:
            scalaire = _SCALAIRES.get(type(v))
            parties.append(scalaire(v) if scalaire is not None else self._vue(v) if type(v) is DeliberationPubliee else self._ajout(v))
        return "\x1f".join(parties)

    def _ajout(self, v: object) -> str:
        """The text of a field a published record adds that is no scalar: a record all of whose attributes
        are scalars (a grant's beneficiary as shown: 48 000 at ten years) as its type and their texts
        separated by `"\x1e"` (no JSON text's first character either), anything else as `dumps` does,
        kept for the build (a grant's commune: 900 dicts for 48 000 grants)."""
        texte = self._ajouts.get(id(v))
        if texte is not None:
            return texte
        if dataclasses.is_dataclass(v) and not isinstance(v, (type, *_REPETES)):
            textes = [_SCALAIRES.get(type(x), _non_scalaire)(x) for x in vars(v).values()]
            if None not in textes:
                return "\x1e".join(["\x04" + type(v).__module__, type(v).__qualname__, *cast(list[str], textes)])
        texte = self._ajouts[id(v)] = self.dumps(v)
        self._gardes.append(v)
        return texte

    def _vue(self, d: DeliberationPubliee) -> str:
        """What stands for deliberation `d` inside the grants that cite it: the digest of its `vue_deliberation`,
        made once a build (ten years: 48 000 grants, 6 000 deliberations), kept as records are (`_gardes`)."""
        vue = self._vues.get(id(d))
        if vue is None:
            vue = self._vues[id(d)] = "\x02" + _condenser(self.dumps(vue_deliberation(d)))
            self._gardes.append(d)
        return vue

    def _en_json(self, obj: object) -> object:
        connue = self._connues.get(id(obj))  # first: a million times at ten years, a record already digested
        if connue is not None:
            return connue
        if isinstance(obj, _REPETES):
            return self._digerer(obj)
        if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
            return [type(obj).__module__, type(obj).__qualname__, vars(obj)]
        if isinstance(obj, (Decimal, dt.date)):
            return str(obj)
        if isinstance(obj, (set, frozenset)):
            return sorted(obj, key=self.dumps)  # (set order varies from a process to the next)
        raise TypeError(f"{type(obj).__name__} dans les données d'une page")


class _Encodeur(json.JSONEncoder):
    """`Empreintes`' encoder, which asks it for what JSON does not write (`Empreintes._en_json`) through a weak
    reference: not a cycle (an encoder holding the bound method of what holds it), so that the records it keeps
    (`_gardes`) are freed with it once the pages are written, not left to the cyclic collector with the corpus."""

    def __init__(self, empreintes: Empreintes) -> None:
        super().__init__(ensure_ascii=False)
        self._empreintes = weakref.proxy(empreintes)

    def default(self, o: object) -> object:
        return self._empreintes._en_json(o)


_SCALAIRES: dict[type, Callable[[Any], str]] = {
    str: encode_basestring,  # (in C: `json.dumps` of a string without `ensure_ascii`)
    int: int.__repr__,
    bool: lambda b: "true" if b else "false",
    type(None): lambda _: "null",
}
"""Of the fields a published record adds (`cle_lu`), the text of a scalar as JSON writes it, by its exact type."""


def _non_scalaire(_: object) -> None:
    return None


def precle(empreintes: Empreintes, parties: list[object]) -> str:
    """A page's pre-key (`Page.precle`) made of `parties`: the digest of their text (`Empreintes.dumps`, in
    which a record of `_REPETES` stands whole: a builder gives of those what its pages show, digests first)."""
    return _condenser(empreintes.dumps(parties))


def _condenser(texte: str) -> str:
    """The digest of a text of a key, 43 characters of base 64 (none escaped in JSON; a million of them in
    a build's keys, not 64 hex digits; `b85encode`, 40, is written in Python: 5 µs each)."""
    return base64.b64encode(hashlib.sha256(texte.encode()).digest()).decode()[:43]


def empreinte_code() -> str:
    """The rendering code: every module and template of the generator (what builds a page's context, from
    the reading of site_data/ to the builders, imports most of the package: its import closure would be
    nearly all of it, and a template is no import), Jinja2's, MarkupSafe's and Python's versions (marshal's
    format: `corpus.empreinte_lue`). Read at each call, not kept: a template edited while a process runs
    is read by Jinja as it is now (a few milliseconds: twice a build)."""
    fichiers = sorted(p for p in code.PAQUET.rglob("*") if p.suffix in (".py", ".j2") and p.is_file())
    return code.empreinte(fichiers, f"jinja2 {version('jinja2')}", f"markupsafe {version('markupsafe')}", f"python {sys.version}")


def write_pages(pages: Iterable[Page], content_dir: Path, env: jinja2.Environment | None = None, cache: Path | None = None) -> int:
    """Write the pages (any iterable: builders may yield them one by one, so that ten years of
    pages are never all in memory); return how many.

    A page whose text is unchanged is not rewritten, and the pages of the generated folders
    that no page wrote this time are removed: the same result as emptying the folders first,
    without deleting and rewriting thousands of unchanged files (slow on disks that trim freed
    blocks, and it keeps their dates for `rsync`).

    `cache` (`.cache/pages.json`, `store.Ecrits`): the pages whose key (`Page.cle`: code, address, context
    or data and text) is that of the last build and whose file still holds the text written then (its
    inode, size and date unchanged, else read) are not rendered again: adding a month renders the pages it
    changes, not ten years of others. The key is taken when the page comes out of its builder, which may
    have changed its context until then (`lieux`' year pages, a canton's fractions of communes). A page
    with a pre-key (`Page.precle`) recorded with that key is not even made whole (`Page.faire`) nor keyed
    while its pre-key and its file are those of the last build; it counts as written all the same.

    The grants' rows are kept from a page to the next while the call runs (`tableau_subventions.Lignes`,
    the environment's `lignes_subventions`; records are frozen meanwhile) and forgotten when it ends.
    """
    written: set[Path] = set()
    n = 0
    ecrits = Ecrits(cache)
    code = empreinte_code() if cache is not None else ""
    env = env or environment(cache.parent / COMPILES if cache is not None else None, code)
    empreintes = Empreintes()
    lignes = env.globals.get("lignes_subventions")
    with lignes.gardees() if isinstance(lignes, tableau_subventions.Lignes) else contextlib.nullcontext():
        for page in pages:
            n += 1
            if ".." in page.path.split("/") or page.path.startswith("/") or "\\" in page.path or "\0" in page.path:
                raise ValueError(f"chemin de page hors de content/ : {page.path!r}")  # ids are checked where they are read: a bug
            path = content_dir / page.path
            written.add(path)
            garde = _garde(code, page) if cache is not None else ""
            if garde and ecrits.intact(page.path, path, garde):  # (its pre-key recorded with its key, its file intact)
                continue  # (written: its file holds what its inputs make)
            if page.faire is not None:
                page = _faite(page)
            cle = page.cle(code, empreintes) if cache is not None else None
            if cle is not None and ecrits.a_jour(page.path, path, cle, garde):
                continue
            texte = _rendre(env, page).encode("utf-8")
            if cle is None:  # (no cache, or a page without a key: compared with its file and written if it changed)
                write_bytes(path, texte, durable=False)
            else:
                ecrits.ecrire(page.path, path, texte, cle, garde)  # recomputed and compared at every build (`store`)
    ecrits.sauver()
    for d in GENERATED_DIRS:
        folder = content_dir / d
        if not folder.is_dir():
            continue
        # files before their folders; sorted by their parts, as `Path`s compare on POSIX (each comparison in C,
        # not a Python `Path.__lt__`: 250 000 of them over ten years' 14 000 pages)
        for f in sorted(folder.rglob("*"), key=_PARTIES, reverse=True):
            if f.is_dir():
                if not any(f.iterdir()):
                    f.rmdir()
            elif f not in written and f.suffix == ".md":  # other files are the search's (it cleans its own)
                f.unlink()
    return n


_PARTIES = operator.attrgetter("parts")


def _garde(code: str, page: Page) -> str:
    """What `write_pages` records with a page's key: the digest of its pre-key (`Page.precle`) with the code
    and the page's address, title, kind and template, which its builder's pre-key leaves out; "" for a page
    without one (recorded as such: a pre-key of an earlier build never stands for a key made without one)."""
    if page.precle is None:
        return ""
    return _condenser("\x1f".join((code, page.path, page.template, page.title, page.kind, page.precle)))


def _faite(page: Page) -> Page:
    """The page whole (`Page.faire`), its pre-key kept; at its address, with its title, kind and template."""
    assert page.faire is not None
    faite = page.faire()
    if (faite.path, faite.template, faite.title, faite.kind) != (page.path, page.template, page.title, page.kind):
        raise ValueError(f"page faite autre que celle annoncée : {page.path!r}")  # a builder's bug
    faite.precle = page.precle
    return faite


def _rendre(env: jinja2.Environment, page: Page) -> str:
    """The page's text: its template rendered, the first occurrence of each acronym linked to the lexique."""
    root = root_for(page.path)
    context = page.contexte(page.donnees or {}, page.texte) if page.contexte is not None else page.context
    text = env.get_template(page.template).render(
        front_matter=Markup(en_tete(page, context)),  # already made safe
        root=root,
        page_kind=page.kind,
        **context,
    )
    if page.kind != "lexique":  # the first occurrence of each acronym links to its definition (body only, not the front matter)
        fin = text.find("\n---\n", 4) + 5
        text = text[:fin] + lexique.lier(text[fin:], root)
    return text

"""The published data, read back from site_data/ and indexed for pages and exports.

Rendering and exports read only this (never the parsers), so what the site shows
is exactly what site_data/ holds. They read it typed: each record of site_data/ is rebuilt
as its dataclass (`lecture.from_dict`), and what the site adds to it is a published view, a
dataclass too: `DeliberationPubliee` (its recueil, its annexes' lengths), `SubventionPubliee`
(date, deliberation, beneficiary as shown, commune, original PDF), `ActePublie`, `RecueilPublie`.

Frozen after indexing (the contract every reader keeps): once `Corpus._index` has made them, the
corpus's records (documents, recueils, séances, deliberations, grants, acts of the executive) and its
indexes of them (`par_commune`, `par_epci`, `delib_lieux`, `actes_par_commune`, `sessions`) are never
changed, neither assigned nor changed inside: the pages, the feeds, the exports and the search indexes
only read them, and the exports and the search read the very same objects in forked processes. What the
build adds after indexing is set before any of them runs, and only there: the councillors' registry
(`elus`), the digests of the files (`connaitre_actes`) and, on each grant, its published PDF's address
(`lier_originaux`: `url_original`). Two mechanisms rest on it: a grant or a deliberation stands in a
page's key for its fields of site_data/ by the digest of the dict it was read from (`Lu`, `cle_lu`: a
change made inside one of those fields would not be seen), and a place's grants are selected once per
corpus and kept (`Corpus._selections`: a grant or an index changed would leave them stale).
tests/records/test_corpus_fige.py renders the whole corpus of the fixtures (pages, feeds, exports,
search) and finds every record as it was right after indexing.
"""

from __future__ import annotations

import functools
import hashlib
import marshal
import operator
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import KW_ONLY, dataclass, field, fields
from decimal import Decimal
from itertools import chain
from operator import attrgetter
from pathlib import Path
from typing import TYPE_CHECKING

from slugify import slugify

from generator.commun import store
from generator.commun.formats import mois_fr
from generator.lieux.places import Reference
from generator.records import Deliberation, ExecutiveAct, JsonObject, Recueil, Session, Subvention, recueil_slug
from generator.records.lecture import from_dict
from generator.records.place import PlaceKind
from generator.records.source import SourceDocument

if TYPE_CHECKING:  # (the registry is built from the corpus: only its type is needed here)
    from generator.elus.personnes import Registre

DEPARTEMENT = "Département du Pas-de-Calais"


def de(nom: str) -> str:
    """« de Wancourt », « d'Aire-sur-la-Lys », « du Touquet-Paris-Plage », « des Attaques »."""
    for art, contracted in (("Le ", "du "), ("Les ", "des ")):
        if nom.startswith(art):
            return contracted + nom[len(art) :]
    if nom[:1].lower() in "aeiouyàâéèêëîïôöûüæœ":  # h muet or aspiré cannot be told from the spelling
        return "d'" + nom
    return "de " + nom


def empreinte_texte(d: JsonObject) -> str:
    """What tells two copies of a deliberation (of site_data/actes) apart: its whole text, as a digest
    ("" for a deliberation without one)."""
    if "texte" not in d:
        return ""
    return hashlib.sha256((d["texte"] or "").encode("utf-8")).hexdigest()


def empreinte_annexe(texte: str) -> str:
    """The digest of an annex's text (`DocumentLu.empreintes_annexes`)."""
    return hashlib.sha256(texte.encode("utf-8")).hexdigest()


def _visas_rapport(d: JsonObject) -> tuple[list[str], str]:
    """A deliberation of site_data/actes's visas and its rapport's text ("" without a rapport)."""
    return d.get("visas") or [], (d.get("rapport") or {}).get("texte") or ""


def empreinte_longs(d: JsonObject) -> str:
    """The digest of a deliberation's visas and its rapport's text (`DocumentLu.empreintes_longs`): what
    stands for them in a page's key when the build leaves them out of the record (`alleger`)."""
    return hashlib.sha256(marshal.dumps(_visas_rapport(d), 0)).hexdigest()


@dataclass(frozen=True)
class Textes:
    """A deliberation's long texts as its file of site_data/actes holds them (`Corpus.textes`): its own text,
    its visas, its rapport's text ("" without a rapport) and its annexes' texts."""

    texte: str
    visas: list[str]
    rapport: str
    annexes: list[str]

    @classmethod
    def de(cls, d: JsonObject) -> Textes:
        """Those of the deliberation `d` of a file of site_data/actes, as read."""
        visas, rapport = _visas_rapport(d)
        return cls(d.get("texte") or "", visas, rapport, [a.get("texte") or "" for a in d.get("annexes") or []])


@dataclass
class DocumentLu:
    """A file of site_data/actes as held in memory (`alleger`): its JSON (`contenu`), maybe without
    the texts of its deliberations and annexes, and what is kept of those texts, in the order of
    `contenu["deliberations"]`: each deliberation's digest (`empreinte_texte`: the duplicate check and
    the guard), the length of each of its annexes (`caracteres`), the digest of each annex's text
    (`empreintes_annexes`, SHA-256: what the exports and pages key an annex on without reading it back),
    the digest of its visas and rapport's text (`empreintes_longs`, `empreinte_longs`) and the length of
    that text (`caracteres_rapports`: the search cuts its shards by length without reading it back)."""

    contenu: JsonObject
    empreintes: list[str]
    caracteres: list[list[int]]
    empreintes_annexes: list[list[str]]
    empreintes_longs: list[str]
    caracteres_rapports: list[int]

    @property
    def source(self) -> str:
        """The name of its source (in site_data/sources/)."""
        source: str = self.contenu["source"]
        return source

    def document(self) -> SourceDocument:
        """The document as its record, the texts `alleger` left out empty (built anew at each call: the
        control stage reads it once, and ten years of records should not stay in memory beside `contenu`)."""
        return from_dict(
            SourceDocument,
            dict(self.contenu, deliberations=[from_dict(Deliberation, _textes_vides(d)) for d in self.contenu["deliberations"]]),
        )


def _textes_vides(d: JsonObject) -> JsonObject:
    """A deliberation of site_data/actes as read (`alleger`), each annex's text empty where it was left out."""
    return dict(d, annexes=[a | {"texte": a.get("texte") or ""} for a in d.get("annexes") or []])


def alleger(doc: JsonObject, *, textes: bool = True, annexes: bool = False) -> DocumentLu:
    """A document of site_data/actes, in place, without its annexes' texts (unless `annexes`) and,
    unless `textes`, without its deliberations' long texts: their own text, visas and rapport's text
    (the build: only their digests and lengths are needed).

    Annexes are nine tenths of a recueil's text (ten synthetic years: 348 of 395 million characters,
    about 700 Mo in memory); rapports, deliberations' texts and visas most of the rest (ten years: 87,
    57 and 11 Mo). Only the deliberation and annex pages, the SQLite export, search and the councillors'
    civilities read them, one deliberation at a time: `Corpus.textes` reads them back from the source's
    file when asked, so ten years of them are never all in memory.
    """
    empreintes, caracteres, annexes_lues, longs, rapports = [], [], [], [], []
    for d in doc["deliberations"]:
        empreintes.append(empreinte_texte(d))
        caracteres.append([len(a.get("texte") or "") for a in d.get("annexes") or []])
        annexes_lues.append([empreinte_annexe(a.get("texte") or "") for a in d.get("annexes") or []])
        longs.append(empreinte_longs(d))
        rapports.append(len(_visas_rapport(d)[1]))
        if not textes:
            d.pop("texte", None)
            d.pop("visas", None)
            if d.get("rapport"):
                d["rapport"].pop("texte", None)
        if not annexes:
            for a in d.get("annexes") or []:
                a.pop("texte", None)
    return DocumentLu(doc, empreintes, caracteres, annexes_lues, longs, rapports)


def lire_actes(path: Path) -> DocumentLu:
    """One file of site_data/actes, without its texts (see `alleger`): `Corpus.textes` reads them back."""
    return alleger(store.read_json(path), textes=False)


@functools.cache  # (ten years: 48 000 grants read at every build, a few thousand names; `slugify` runs regexes and unidecode)
def beneficiaire_slug(nom: str) -> str:
    return slugify(nom, max_length=80, word_boundary=True) or "sans-nom"


def recueil_titre(rec: Recueil) -> str:
    """« Recueil N° 6 — juin 2021 »."""
    n = f"N° {rec.numero} — " if rec.numero is not None else ""
    return f"Recueil {n}{mois_fr(rec.mois, rec.annee)}"


@dataclass
class Beneficiaire:
    """A grant's beneficiary as the site shows it: its name, kind and page (`url`, under the site's root);
    an EPCI also has its place page (`epci_url`); `incertain`: porteur and project printed as one, no page
    under that text (`url` is the grant's row on its deliberation's page)."""

    nom: str
    type: str
    url: str
    epci_url: str | None = None
    incertain: bool = False


@dataclass
class DeliberationPubliee(Deliberation):
    """A deliberation as the site publishes it: the record of site_data/actes, its recueil (slug, None
    outside any recueil) and the length of each annex (`caracteres_annexes`), whose texts the corpus
    may leave in their file (`annexes_en_memoire` False: `Corpus.texte_annexe` reads them back), as it
    may its own text, visas and rapport's text (`texte_en_memoire` False: `Corpus.textes` reads them
    back; their digest, `empreinte_longs`, stands for them in a page's key, `cle_lu`)."""

    _: KW_ONLY
    recueil: str | None = None
    caracteres_annexes: list[int] = field(default_factory=list)
    empreintes_annexes: list[str] = field(default_factory=list)  # the SHA-256 of each annex's text (`empreinte_annexe`)
    annexes_en_memoire: bool = True
    texte_en_memoire: bool = True  # False: the build left `texte`, `visas` and the rapport's `texte` out (`alleger`)
    empreinte_longs: str = ""  # the digest of its visas and rapport's text (`empreinte_longs`), in memory or not
    caracteres_rapport: int = 0  # the length of its rapport's text, in memory or not
    lu: Lu | None = field(default=None, repr=False, compare=False)  # what it was read from (`Corpus._index`)


@dataclass
class SubventionPubliee(Subvention):
    """A grant as the site publishes it: the record of site_data/subventions, the date and deliberation
    that decide it, its beneficiary as shown (`affiche`), the commune it is located in (a commune of the
    reference, `Corpus.commune_of`) and its published PDF's address (`Corpus.lier_originaux`)."""

    _: KW_ONLY
    date: str
    acte: DeliberationPubliee
    affiche: Beneficiaire
    commune_ref: JsonObject | None = None
    url_original: str | None = None
    lu: Lu | None = field(default=None, repr=False, compare=False)  # what it was read from (`Corpus._index`)


@dataclass(frozen=True)
class Lu:
    """What a published record was read from (`Corpus._index`): the digest of its dict of site_data/
    (`empreinte_lue`), which decides the fields of the extraction's record (`from_dict`), and those
    fields' values as read (`valeurs`, the objects: one assigned since is told by its identity): what
    stands for them in a page's key (`cle_lu`), valid because records are frozen after indexing (the
    module's docstring)."""

    empreinte: str
    valeurs: tuple[object, ...]


def empreinte_lue(x: JsonObject) -> str:
    """The digest of the dict `x` of site_data/ (as read: JSON values) a record is made from.

    marshal's format 0 writes a value by its content alone (its types, dict order included; no reference
    to an object met before nor to an interned string, which later formats write and which depend on how
    the value was built), so equal dicts give the same bytes and different ones different bytes (marshal
    reads them back). It needs no escaping: three times as fast as `json.dumps` on ten years of records."""
    return hashlib.sha256(marshal.dumps(x, 0)).hexdigest()


@dataclass
class ActePublie(ExecutiveAct):
    """An act of the executive listed in a recueil's sommaire, with the recueil (slug) and source that list it."""

    _: KW_ONLY
    recueil: str | None
    source: str
    lu: Lu | None = field(default=None, repr=False, compare=False)  # what it was read from (`Corpus._index`)


_CHAMPS: dict[type, tuple[operator.attrgetter[tuple[object, ...]], tuple[str, ...]]] = {
    t: (
        operator.attrgetter(*(f.name for f in fields(lu))),
        tuple(f.name for f in fields(t) if f.name not in {g.name for g in fields(lu)} | {"lu"}),
    )
    for t, lu in ((DeliberationPubliee, Deliberation), (SubventionPubliee, Subvention), (ActePublie, ExecutiveAct))
}
"""Of each published record, the getter of the fields of the record of site_data/ it is made from (all
of them: a tuple) and the names of the fields the published view adds."""


def marquer_lu(r: DeliberationPubliee | SubventionPubliee | ActePublie, x: JsonObject) -> None:
    """Record that `r` was just made from the dict `x` of site_data/ (`Corpus._index`)."""
    r.lu = Lu(empreinte_lue(x), _CHAMPS[type(r)][0](r))


def cle_lu(r: object) -> list[object] | None:
    """What stands for the published record `r` in a page's key (`render.Empreintes`): the digest of the
    dict it was read from (`Lu`), for the fields that dict decides, and the fields the published view
    adds as they are now (the corpus sets some after reading: `affiche`, `commune_ref`, `url_original`…).

    None (the record is to be serialised whole) for a record not read by `Corpus._index`, or one of whose
    fields of site_data/ was assigned since (`d.titre = …`: not the object read any more). A change made
    inside such a field (an article's text edited in place) would not be seen: nothing in the build makes
    one, records being frozen after indexing (the module's docstring)."""
    empreinte = empreinte_valide(r)
    if empreinte is None:
        return None
    return [empreinte, [getattr(r, k) for k in _CHAMPS[type(r)][1]]]


def empreinte_valide(r: object) -> str | None:
    """The digest of the dict of site_data/ the published record `r` was read from (`Lu`), which stands for
    the fields that dict decides; None for a record not read by `Corpus._index` or one of whose fields of
    site_data/ was assigned since (the caveat of `cle_lu`, which adds the published view's own fields)."""
    champs = _CHAMPS.get(type(r))
    lu = getattr(r, "lu", None)
    if champs is None or not isinstance(lu, Lu) or not all(map(operator.is_, champs[0](r), lu.valeurs)):
        return None
    return lu.empreinte


def empreintes_valides(records: Sequence[object]) -> list[str | None]:
    """`empreinte_valide` of each of `records`, by the same rule (each field of site_data/ still the object
    read, by identity), for ten years of them at once: when all are of one published type, all read and
    none assigned since, every field is compared in one pass in C; else record by record."""
    if not records:
        return []
    t = type(records[0])
    champs = _CHAMPS.get(t)
    if champs is not None and set(map(type, records)) == {t}:
        lus = list(map(_LU, records))
        if None not in lus and all(
            map(operator.is_, chain.from_iterable(map(champs[0], records)), chain.from_iterable(map(_VALEURS, lus)))
        ):
            return list(map(_EMPREINTE, lus))
    return list(map(empreinte_valide, records))


_LU = attrgetter("lu")
_VALEURS = attrgetter("valeurs")
_EMPREINTE = attrgetter("empreinte")


@dataclass
class DocumentPublie:
    """A file of site_data/actes as the site reads it, without its texts: its source, what its sommaire
    announces (None outside any recueil), the séances and the deliberations its file holds (ids and
    dates, in the file's order, duplicates included) and, for a PDF, the line each page starts at
    (`pages`, empty for a text source) and its SHA-256 (`originaux.publier`)."""

    source: str
    recueil: Recueil | None
    sessions: list[Session]
    ids: list[str]
    dates: list[str]
    pages: list[int]
    sha256: str


@dataclass
class RecueilPublie(DocumentPublie):
    """A monthly recueil of the corpus: its document, with its address (`slug`)."""

    recueil: Recueil
    _: KW_ONLY
    slug: str

    @property
    def titre(self) -> str:
        return recueil_titre(self.recueil)


def document_publie(doc: JsonObject) -> DocumentPublie:
    """The document `doc` of site_data/actes (as read, its texts possibly left out) as the corpus holds it."""
    return DocumentPublie(
        doc["source"],
        from_dict(Recueil, doc["recueil"]) if doc.get("recueil") else None,
        [from_dict(Session, x) for x in doc.get("sessions") or []],
        [d["id"] for d in doc["deliberations"]],
        [d["date"] for d in doc["deliberations"]],
        list(doc.get("pages") or []),
        doc["sha256"],
    )


_A_CALCULER = Beneficiaire("", "", "")  # (a grant's, set by `Corpus._index` as soon as the grant is read)


def publiee(document: DocumentLu, k: int, recueil: str | None) -> DeliberationPubliee:
    """The `k`-th deliberation of `document` as the corpus holds it, in recueil `recueil` (slug). Its
    annexes' texts and its long texts may have been left out by the reader (`alleger`): they are then empty here."""
    d = document.contenu["deliberations"][k]
    annexes = d.get("annexes") or []
    champs = _textes_vides(d)
    champs.update(
        recueil=recueil,
        caracteres_annexes=document.caracteres[k],
        empreintes_annexes=document.empreintes_annexes[k],
        annexes_en_memoire=all("texte" in a for a in annexes),
        texte_en_memoire="texte" in d,
        empreinte_longs=document.empreintes_longs[k],
        caracteres_rapport=document.caracteres_rapports[k],
    )
    return from_dict(DeliberationPubliee, champs)


@dataclass
class Corpus:
    ref: Reference
    controle: JsonObject
    documents: list[DocumentPublie] = field(default_factory=list)  # the files of site_data/actes, in their files' order
    deliberations: dict[str, DeliberationPubliee] = field(default_factory=dict)  # id → deliberation
    subventions: list[SubventionPubliee] = field(default_factory=list)
    par_commune: dict[str, list[SubventionPubliee]] = field(default_factory=lambda: defaultdict(list))
    par_epci: dict[str, list[SubventionPubliee]] = field(default_factory=lambda: defaultdict(list))  # grants TO the EPCI
    delib_lieux: dict[tuple[str, str], set[str]] = field(default_factory=lambda: defaultdict(set))  # (kind, code) → ids
    actes_par_commune: dict[str, list[ActePublie]] = field(default_factory=lambda: defaultdict(list))
    recueils: list[RecueilPublie] = field(default_factory=list)
    sessions: dict[str, Session] = field(default_factory=dict)  # id → séance (its first copy, in the order of the documents)
    actes: Path | None = None  # site_data/actes: where texts left out of `documents` are read back
    _relus: dict[str, dict[str, Textes]] = field(default_factory=dict)  # source → {deliberation id: its texts}, the last few read
    originaux: dict[str, JsonObject] = field(default_factory=dict)  # source → its published PDF (`originaux.publier`)
    elus: Registre | None = None  # the councillors, set by the build (`site.pages.elus.registre`) before the pages
    _fichiers: dict[str, str] = field(default_factory=dict)  # source → SHA-256 of its file in site_data/actes (`empreinte_actes`)

    def lier_originaux(self, originaux: dict[str, JsonObject]) -> None:
        """The published PDFs (`originaux.publier`): each grant of one of them links to its page (`url_original`: the PDF's address)."""
        self.originaux = originaux
        for s in self.subventions:
            o = originaux.get(s.source)
            s.url_original = o["url"] if o else None

    @classmethod
    def load(cls, site_data: Path, ref: Reference) -> Corpus:
        docs = [lire_actes(f) for f in sorted((site_data / "actes").glob("*.json"))]
        subs_by_source: dict[str, JsonObject] = {}
        for f in sorted((site_data / "subventions").glob("*.json")):
            d = store.read_json(f)
            subs_by_source[d["source"]] = d
        controle = store.read_json(site_data / "controle.json") if (site_data / "controle.json").exists() else {}
        return cls.from_data(docs, subs_by_source, controle, ref, actes=site_data / "actes")

    @classmethod
    def from_data(
        cls,
        documents: list[DocumentLu],
        subs_by_source: dict[str, JsonObject],
        controle: JsonObject,
        ref: Reference,
        actes: Path | None = None,
    ) -> Corpus:
        """The same, from site_data already read (the build has just read it for the control report).
        `actes`: the folder the documents were read from, when their annex texts were left out."""
        c = cls(ref=ref, controle=controle, actes=actes)
        c._index(documents, subs_by_source)
        return c

    def empreinte_actes(self, source: str) -> str | None:
        """The SHA-256 of source `source`'s file in site_data/actes, from which its deliberations are made
        whole (texts, annexes, presences as printed): what a result made of them is keyed on. Hashed once
        per corpus; None when the corpus was not read from files (`actes` unset) or the file is gone."""
        connue = self._fichiers.get(source)
        if connue is None and self.actes is not None:
            try:
                connue = self._fichiers[source] = store.sha256_fichier(self.actes / store.data_name(source))
            except OSError:
                return None
        return connue

    def connaitre_actes(self, empreintes: dict[str, str]) -> None:
        """The SHA-256 of sources' files in site_data/actes as the extraction has just verified or written
        them (its cache entries, `extraction.extract`): `empreinte_actes` gives them without hashing the files again."""
        self._fichiers.update(empreintes)

    def longueur_annexe(self, d: DeliberationPubliee, i: int) -> int:
        """Characters of deliberation `d`'s annex `i` (0-based), without reading it back."""
        return d.caracteres_annexes[i]

    def texte_annexe(self, d: DeliberationPubliee, i: int) -> str:
        """The text of deliberation `d`'s annex `i` (0-based): from memory when the document kept it,
        else from its source's file in site_data/actes (`textes`)."""
        if d.annexes_en_memoire:
            return d.annexes[i].texte
        return self.textes(d).annexes[i]

    def textes(self, d: DeliberationPubliee) -> Textes:
        """Deliberation `d`'s long texts: from memory when the document kept them, else from its source's
        file in site_data/actes. The last few sources read are kept: readers go through the deliberations
        by source or by date, so each file is read about once by each of them."""
        if d.texte_en_memoire and d.annexes_en_memoire:
            return Textes(d.texte, d.visas, d.rapport.texte if d.rapport else "", [a.texte for a in d.annexes])
        textes = self._relus.pop(d.source, None)
        if textes is None:
            assert self.actes is not None, "a document without its texts is read from site_data/actes (`load`)"
            textes = {}
            for x in store.read_json(self.actes / store.data_name(d.source))["deliberations"]:
                if x["id"] not in textes:  # its first copy, as _index
                    textes[x["id"]] = Textes.de(x)
            if len(self._relus) >= 4:
                del self._relus[next(iter(self._relus))]  # the least recently used
        self._relus[d.source] = textes
        return textes[d.id]

    def _index(self, documents: list[DocumentLu], subs_by_source: dict[str, JsonObject]) -> None:
        for document in documents:
            doc = document.contenu
            publie = document_publie(doc)
            self.documents.append(publie)
            slug = recueil_slug(publie.recueil)
            for x in publie.sessions:
                self.sessions.setdefault(x.id, x)
            if slug is not None and publie.recueil is not None:
                if any(r.slug == slug for r in self.recueils):  # an exact copy in another file (garde refuses any other)
                    slug = None
                else:
                    self.recueils.append(
                        RecueilPublie(
                            publie.source, publie.recueil, publie.sessions, publie.ids, publie.dates, publie.pages, publie.sha256, slug=slug
                        )
                    )
            for k, x in enumerate(doc["deliberations"]):
                if x["id"] in self.deliberations:
                    continue  # a duplicate: the control report says which source is published
                dp = self.deliberations[x["id"]] = publiee(document, k, slug)
                marquer_lu(dp, x)
                r = dp.rapport
                if r is not None:
                    for kind, lieux in (("territoire", r.territoires), ("canton", r.cantons), ("epci", r.epcis)):
                        for lieu in lieux:
                            if lieu.status == "resolu" and lieu.code:
                                self.delib_lieux[(kind, lieu.code)].add(dp.id)
                if dp.epci_siren:
                    self.delib_lieux[("epci", dp.epci_siren)].add(dp.id)
            if doc.get("recueil"):
                for a in doc["recueil"].get("actes_executif", []):
                    acte = from_dict(ActePublie, a | {"recueil": slug, "source": doc["source"]})
                    marquer_lu(acte, a)  # (on a commune's page with its other acts: 27 Mo of keys at ten years, serialised whole)
                    for code in dict.fromkeys(acte.communes):
                        self.actes_par_commune[code].append(acte)
        for source in sorted(subs_by_source):
            for x in subs_by_source[source]["subventions"]:
                d = self.deliberations.get(x["deliberation"])
                if d is None or d.source != source:
                    continue
                s = from_dict(SubventionPubliee, x | {"date": d.date, "acte": d, "affiche": _A_CALCULER})
                marquer_lu(s, x)
                s.affiche = self.beneficiaire(s)
                insee = self.commune_of(s)
                s.commune_ref = self.ref.communes.get(insee) if insee else None
                self.subventions.append(s)
                communes = set()
                for q in (s.beneficiaire_ref, s.commune_projet):
                    if q and q.kind == "commune" and q.status == "resolu" and q.code:
                        communes.add(q.code)
                b = s.beneficiaire_ref
                if b and b.kind == "epci" and b.status == "resolu" and b.code:
                    self.par_epci[b.code].append(s)
                    self.delib_lieux[("epci", b.code)].add(d.id)
                for c in sorted(communes):
                    self.par_commune[c].append(s)
                    self.delib_lieux[("commune", c)].add(d.id)
        for lst in list(self.par_commune.values()) + list(self.par_epci.values()):
            lst.sort(key=lambda s: (s.date, s.deliberation, s.id), reverse=True)

    # -- helpers for pages -------------------------------------------------
    def beneficiaire(self, s: Subvention) -> Beneficiaire:
        """Display name, kind and link target of a grant's beneficiary."""
        p = s.beneficiaire_ref
        if p and p.status == "resolu":
            if p.kind == "commune" and p.code in self.ref.communes:
                c = self.ref.communes[p.code]
                return Beneficiaire("Commune " + de(c["nom"]), "commune", f"communes/{c['slug']}/")
            if p.kind == "epci" and p.code in self.ref.epci:
                e = self.ref.epci[p.code]
                return Beneficiaire(e["nom"], "epci", f"beneficiaires/{e['slug']}/", epci_url=f"epci/{e['slug']}/")
        nom = " ".join((s.beneficiaire or "").replace("«", "").replace("»", "").split())
        if s.beneficiaire_incertain:  # porteur and project printed as one: no page under that text, its address is the grant's
            return Beneficiaire(nom, s.type_beneficiaire or "autre", f"deliberations/{s.deliberation}/#{s.id}", incertain=True)
        return Beneficiaire(nom, s.type_beneficiaire or "autre", f"beneficiaires/{beneficiaire_slug(nom)}/")

    def commune_of(self, s: Subvention) -> str | None:
        for p in (s.commune_projet, s.beneficiaire_ref):
            if p and p.kind == "commune" and p.status == "resolu":
                return p.code
        return None

    def total(self, subs: Iterable[Subvention]) -> Decimal:
        return sum(map(_MONTANT, subs), Decimal(0))  # (`map`: no Python frame per grant; ten years of grants summed by every page)

    def by_year(self, subs: Iterable[SubventionPubliee]) -> list[tuple[int, Decimal, int]]:
        """(year, total, count) of `subs` by year, oldest first. One pass: each year's total is summed in
        the grants' order from Decimal(0), as `total` sums them."""
        acc: dict[int, tuple[Decimal, int]] = {}
        for s in subs:
            y = int(s.date[:4])
            t, n = acc.get(y, (Decimal(0), 0))
            acc[y] = (t + s.montant, n + 1)
        return [(y, t, n) for y, (t, n) in sorted(acc.items())]

    # -- grants by place -----------------------------------------------------
    # A place's grants are asked for by its page, the index of its kind, its files and its feed (four
    # times a build, for a thousand places, ten years of grants): each selection is made once per corpus
    # and kept (`_selections`). The records and indexes it is made of are frozen after indexing (the
    # module's docstring), so a kept selection cannot go stale; callers get a copy of the list.

    @functools.cached_property
    def _selections(self) -> _Selections:
        return _Selections()

    def grants_in(self, communes: Iterable[str]) -> list[SubventionPubliee]:
        """Grants located in any of these communes (each grant once, its first copy), newest first."""
        cle = tuple(communes)
        memo = self._selections.grants
        out = memo.get(cle)
        if out is None:
            uniques: dict[str, SubventionPubliee] = {}
            for code in cle:
                for s in self.par_commune.get(code, ()):
                    uniques.setdefault(s.id, s)
            out = memo[cle] = sorted(uniques.values(), key=_ORDRE, reverse=True)
        return list(out)

    def total_in(self, communes: Iterable[str]) -> Decimal:
        """The total of `grants_in(communes)`, summed once per corpus."""
        cle = tuple(communes)
        memo = self._selections.totaux
        t = memo.get(cle)
        if t is None:
            t = memo[cle] = self.total(self.grants_in(cle))
        return t

    def totaux_par_commune(self) -> dict[str, Decimal]:
        """Commune → the total of the grants located in it (`par_commune`), for the maps: summed once per corpus."""
        memo = self._selections.par_commune
        if memo is None:
            memo = self._selections.par_commune = {c: self.total(subs) for c, subs in self.par_commune.items()}
        return memo

    def subventions_du_lieu(self, kind: PlaceKind, code: str) -> list[SubventionPubliee]:
        """A place's grants, each once: those it received itself (an EPCI), then those located in the
        communes it counts (`Reference.communes_comptees`): its page, its files and its feed."""
        memo = self._selections.du_lieu
        out = memo.get((kind, code))
        if out is None:
            situees = self.grants_in(self.ref.communes_comptees(kind, code))  # (each once already)
            propres = self.par_epci.get(code, []) if kind == "epci" else []
            if propres:
                uniques: dict[str, SubventionPubliee] = {}
                for s in [*propres, *situees]:
                    uniques.setdefault(s.id, s)
                situees = list(uniques.values())
            out = memo[(kind, code)] = situees
        return list(out)


_MONTANT = attrgetter("montant")
_ORDRE = attrgetter("date", "deliberation", "id")  # a place's grants, newest first (as `_index` sorts `par_commune`)


@dataclass
class _Selections:
    """The grants of each place as `Corpus` selected them (see `Corpus.grants_in`), kept for the build."""

    grants: dict[tuple[str, ...], list[SubventionPubliee]] = field(default_factory=dict)  # communes → their grants
    totaux: dict[tuple[str, ...], Decimal] = field(default_factory=dict)  # communes → the total of their grants
    du_lieu: dict[tuple[str, str], list[SubventionPubliee]] = field(default_factory=dict)  # (kind, code) → `subventions_du_lieu`
    par_commune: dict[str, Decimal] | None = None  # `totaux_par_commune`

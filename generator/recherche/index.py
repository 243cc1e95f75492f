"""Search: lunr indexes built at build time, queried in the browser by content/assets/recherche.js.

Why sharded: a single index of every deliberation, rapport and grant of ten years is
tens of megabytes; the reader wants a first answer in a fraction of a second. So the
browser first loads a manifest and small indexes that do not grow with the years
(places; beneficiaries; councillors), then — only when asked, best first — the years'
deliberation titles and each recueil's chunks of grants and of full text (articles and
rapports), and the vocabulary of its annexes. Annexes are most of a recueil's text: a
lunr index of them was 4.5 times the size of all the others and took 6 times their
build time, so they get the terms of each annex part with their counts (no positions,
no vectors). A term directory (generator/recherche/repertoire.py) tells the results page
which years' titles and recueils' chunks or annexes can hold every word of the query, and
how well (an upper bound of the score): titles, full text, grants and annex parts are
scored alike whatever their shard (generator/recherche/classement.py), so results are
ranked by relevance across years and the page reads the sources that may hold the best ones first.

French is handled by one normalisation written twice, here and in recherche.js, and
checked to agree by the browser tests: accents and ligatures folded (« École » →
« ecole »), elisions dropped (« d'Arras » → « arras »), « st » read as « saint »,
stop words removed, then the Snowball French stemmer of the pinned snowballstemmer (in the
browser, Snowball's own JavaScript build of it, vendored by generator/recherche/snowball_js.py and checked
to stem every word of the test corpus alike). A query word is also looked up under its plural's
or singular's stem where Snowball keeps them apart (`variantes`: « ami » finds « amis »).

Indexes are lunr 2.3.9 indexes built by the Python `lunr` package and read in the browser by
lunr.js 2.3.9 (generator/recherche/vendor/lunr/, from npm); its per-token pipeline is slow on full text,
so `Constructeur` fills the builder's tables from our own token counts (same result as
`Builder.add`, checked by a test). Every shard is
deterministic (sorted keys, stable order, scores rounded by lunr to 3 decimals) and
cached in .cache/recherche/ under the hash of its input, so a build re-indexes only
the years whose data changed.
"""

from __future__ import annotations

import functools
import hashlib
import json
import multiprocessing
import operator
import os
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from itertools import chain
from pathlib import Path
from typing import Any

import lunr
import snowballstemmer
from lunr.builder import Builder
from lunr.field_ref import FieldRef
from lunr.idf import idf as lunr_idf
from lunr.index import Index
from lunr.pipeline import Pipeline
from lunr.vector import Vector
from snowballstemmer.french_stemmer import FrenchStemmer

from generator.commun import code, formats, store
from generator.commun.annexes import ancre_annexe, parties_annexe
from generator.commun.enfants import lier_au_parent
from generator.commun.pliage import plier
from generator.recherche import classement, repertoire
from generator.recherche.repertoire import Contenu, lire
from generator.recherche.snowball_js import racine_fr_js
from generator.records import Deliberation
from generator.records.corpus import DEPARTEMENT, Corpus, DeliberationPubliee, SubventionPubliee, de

VERSION = 3  # bump when the shard format changes (part of the cache key)
LUNR_JS = Path(__file__).parent / "vendor" / "lunr" / "lunr.js"  # what the browser loads the indexes with

# -- French normalisation (mirrored in content/assets/recherche.js) -----------
_ELISION = re.compile(r"^(?:[cdjlmnst]|qu|jusqu|lorsqu|puisqu|quoiqu)'(?=.)")
_MOT = re.compile(r"[a-z0-9']+")
SYNONYMES = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}
# Short French function words: dropped from indexes and queries (« le touquet » → « touquet »).
MOTS_VIDES = frozenset(
    """
a au aux avec ce ces cet cette c d de des du elle elles en et eux il ils j je l la le les leur leurs lui m ma mais me mes
moi mon n ne nos notre nous on ou par pas pour qu que qui s sa se ses son sur t ta te tes toi ton tu un une vos votre
vous y dont est sont ont
""".split()
)


def mots(texte: str) -> list[str]:
    """Words as typed or printed → comparable words: « L'École d’Arras, St-Omer » → ecole, arras, saint, omer."""
    out: list[str] = []
    for brut in _MOT.findall(plier(texte or "")):
        for m in _ELISION.sub("", brut).split("'"):
            if m:
                out.append(SYNONYMES.get(m, m))
    return out


_STEMMER = FrenchStemmer()


@functools.cache
def racine(mot: str) -> str:
    """Snowball French stem of an already normalised word (same function in the browser)."""
    if mot.isdigit():  # what Snowball gives a number (the annexes' tables hold thousands), without asking it
        return mot
    return _STEMMER.stemWord(mot)


def termes(texte: str) -> list[str]:
    """What a text contributes to an index: its words, without stop words, stemmed."""
    return [racine(m) for m in mots(texte) if m not in MOTS_VIDES]


@functools.lru_cache(maxsize=200_000)
def _termes_brut(brut: str) -> tuple[str, ...]:
    return tuple(racine(m) for m in (SYNONYMES.get(x, x) for x in _ELISION.sub("", brut).split("'") if x) if m not in MOTS_VIDES)


class _TermesBlocs(dict[bytes, tuple[str, ...]]):
    """`termes` of whitespace-free pieces of UTF-8 text, remembered: a text is read as its pieces
    (`bytes.split`, done in C) and each distinct piece is folded and stemmed once, on its first lookup.
    Same terms as reading the whole text: no whitespace character folds into a word character or joins two
    words, so a piece that `bytes.split` (ASCII whitespace only) leaves holding a no-break space gives the
    terms of its parts one after the other."""

    def __missing__(self, bloc: bytes) -> tuple[str, ...]:
        if len(self) >= _BLOCS_MAX:  # ten years of annexes hold millions of distinct pieces
            self.clear()
        t = self[bloc] = tuple(x for brut in _MOT.findall(plier(bloc.decode("utf-8", "surrogatepass"))) for x in _termes_brut(brut))
        return t


_BLOCS_MAX = 2_000_000  # pieces remembered by `_TERMES_BLOCS` (each search worker holds its own)
_TERMES_BLOCS = _TermesBlocs()


def compter(texte: str) -> tuple[dict[str, int], int]:
    """`Counter(termes(texte))` (in first-occurrence order) and `len(termes(texte))`, computed per piece of
    text rather than per word, every step in C (split, look-up, counting) but the folding and stemming of
    a piece not met before: indexing ten years of full text stays a matter of seconds."""
    counts = Counter(chain.from_iterable(map(_TERMES_BLOCS.__getitem__, (texte or "").encode("utf-8", "surrogatepass").split())))
    return counts, sum(counts.values())


# lunr pipeline functions: the search pipeline is serialised by name in every index and
# recherche.js registers the same names (queries are normalised by `mots` first).
def racine_fr(token, i=None, tokens=None):
    return token.update(lambda s, meta=None: racine(s))


def mots_vides_fr(token, i=None, tokens=None):
    return None if str(token) in MOTS_VIDES else token


Pipeline.register_function(racine_fr, "racine-fr")
Pipeline.register_function(mots_vides_fr, "mots-vides-fr")


_K1, _B = classement.K1, classement.B  # lunr's BM25 parameters, left at its defaults (`Builder.k1`, `Builder.b` are not called)


class _Vecteur(Vector):
    """A document's lunr vector made by `Constructeur.build`, its weights rounded already: serialised as it
    is, which is what `Vector.serialize` gives (it rounds every element to three decimals again, and a
    number rounded so is its own rounding) without a `round` per element (millions at ten years)."""

    def serialize(self):
        return self.elements


class Constructeur(Builder):
    """A lunr Builder fed with our French terms, fast enough for ten years of full text.

    Set up as lunr's own (`ref`, `field`, the pipelines), it gives the same index as the stock
    `Builder` with pipeline mots-vides-fr + racine-fr fed `" ".join(mots(texte))` (tests/test_recherche.py
    checks it on the corpus) through lunr's public methods only: `add` counts the terms of a whole
    text at once (`compter`), and `build` makes each vector in one pass and leaves out lunr's TokenSet,
    which the serialised index does not hold (lunr.js rebuilds it from the terms).
    With `moyennes` (a ranked kind of shard, generator/recherche/classement.py): idf 1 and these average
    field lengths, so that the weights do not depend on the other documents.
    """

    def __init__(self, champs: list[tuple[str, int]], moyennes: dict[str, float] | None = None):
        super().__init__()
        self.moyennes = moyennes
        self.pipeline.add(mots_vides_fr, racine_fr)
        self.search_pipeline.add(racine_fr)
        self.ref("r")
        for nom, boost in champs:
            self.field(nom, boost=boost)
        self.champs = dict(champs)  # field → boost, in lunr's order of fields
        self.boosts: dict[str, float] = {}  # document → its boost, when not 1

    def add(self, doc, attributes=None):
        doc_ref = str(doc["r"])
        boost = (attributes or {}).get("boost", 1)
        if boost != 1:
            self.boosts[doc_ref] = boost
        self.document_count += 1
        inverted, champs = self.inverted_index, list(self.champs)
        for field_name in champs:
            counts, longueur = compter(doc.get(field_name) or "")  # first-occurrence order, as lunr numbers terms
            key = str(FieldRef(doc_ref, field_name))
            self.field_term_frequencies[key] = counts
            self.field_lengths[key] = longueur
            for term in counts:
                posting = inverted.get(term)
                if posting is None:
                    posting = inverted[term] = dict.fromkeys(champs)
                    for f in champs:
                        posting[f] = {}
                    posting["_index"] = self.term_index
                    self.term_index += 1
                posting[field_name][doc_ref] = {}

    def build(self) -> Index:
        n = self.document_count
        longueurs = dict.fromkeys(self.champs, 0)
        for field_ref, longueur in self.field_lengths.items():
            longueurs[FieldRef.from_string(field_ref).field_name] += longueur
        moyennes = {f: total / n for f, total in longueurs.items()} if n else {}  # every document has every field
        if self.moyennes is not None:
            moyennes = self.moyennes
        idfs: dict[str, float] = {}
        vectors = {}
        for field_ref, freqs in self.field_term_frequencies.items():
            fr = FieldRef.from_string(field_ref)
            elements = []
            for term, tf in freqs.items():
                norm = _K1 * (1 - _B + _B * (self.field_lengths[field_ref] / moyennes[fr.field_name]))
                idf = idfs.get(term)
                if idf is None:
                    idf = idfs[term] = lunr_idf(self.inverted_index[term], n) if self.moyennes is None else 1
                score = idf * ((_K1 + 1) * tf) / (norm + tf)
                score *= self.champs[fr.field_name]
                score *= self.boosts.get(fr.doc_ref, 1)
                elements.append((self.inverted_index[term]["_index"], round(score, 3)))
            elements.sort()
            vectors[field_ref] = _Vecteur([x for pair in elements for x in pair])
        return Index(
            inverted_index=self.inverted_index,
            field_vectors=vectors,
            token_set=None,
            fields=list(self.champs),
            pipeline=self.search_pipeline,
        )


def construire(
    champs: list[tuple[str, int]], docs: Iterable[dict], boosts: list[float] | None = None, moyennes: dict[str, float] | None = None
) -> dict:
    """lunr index (serialised dict) of `docs`, each {"r": ref, field: text…}; without documents, the
    empty index lunr.js loads. `moyennes`: see `Constructeur`."""
    b = Constructeur(champs, moyennes)
    for i, d in enumerate(docs):
        b.add(d, {"boost": boosts[i]} if boosts and boosts[i] != 1 else None)
    return b.build().serialize()


def vocabulaire_annexes(annexes: Iterable[dict], lignes: list[list]) -> dict:
    """The annexes of a recueil as their pages show them (parts of a long one on pages of their own), and
    the terms of each part with their counts, without positions: {"docs": display rows, "termes": "term
    term…" (every term of these annexes, sorted), "parties": ["3 1:4 12…", …], "longueurs": [terms of
    each part]} where a part lists the numbers of its terms in "termes", each written as the gap from the
    previous one, followed by ":count" when the term is there more than once. Counts and lengths give each
    term its BM25 weight (generator/recherche/classement.py): annex parts are ranked with the lunr
    documents. Much smaller than a lunr index (no positions, no vectors, no per-field postings)."""
    return _vocabulaire(annexes, lignes)[0]


class _Suffixes(dict[int, str]):
    """What follows a term's number in an annex part: « :count » when the term is there more than once."""

    def __missing__(self, tf: int) -> str:
        s = self[tf] = f":{tf}" if tf > 1 else ""
        return s


_SUFFIXES = _Suffixes()


def _vocabulaire(annexes: Iterable[dict], lignes: list[list]) -> tuple[dict, list[dict[str, int]]]:
    """`vocabulaire_annexes` and the counts of each part ({term: count}), which the term directory's summary
    weighs (`classement.poids_parties`) without reading the file back."""
    rows: list[list] = []
    comptes: list[dict[str, int]] = []
    longueurs: list[int] = []
    for a, (did, i, titre, date, titre_deliberation) in zip(annexes, lignes):
        morceaux_annexe = parties_annexe(did, i, a["x"])
        for p, (url, texte) in enumerate(morceaux_annexe, start=1):
            rows.append(["annexe", titre, url or ancre_annexe(did, i), did, date, titre_deliberation, i, p, len(morceaux_annexe)])
            counts, n = compter(texte)
            comptes.append(counts)
            longueurs.append(n)
    tous = sorted(set().union(*comptes))
    numero = {t: k for k, t in enumerate(tous)}
    parties = []
    for c in comptes:  # each step in C: ten years of annexes are millions of entries
        ordre = sorted(c)  # the order of their numbers, `tous` being sorted
        numeros = list(map(numero.__getitem__, ordre))
        ecarts = map(str, map(operator.sub, numeros, [0, *numeros[:-1]]))
        parties.append(" ".join(map(operator.add, ecarts, map(_SUFFIXES.__getitem__, map(c.__getitem__, ordre)))))
    return {"docs": rows, "termes": " ".join(tous), "parties": parties, "longueurs": longueurs}, comptes


def termes_des_parties(fichier: dict) -> list[list[str]]:
    """The sorted terms of each part of a `vocabulaire_annexes` file (what recherche.js reads from it)."""
    return [sorted(p) for p in classement.parties(fichier)]


def compacter(index: dict) -> dict:
    """Drop the empty per-field postings lunr writes for every term (recherche.js puts them back)."""
    inv = [[term, {k: v for k, v in posting.items() if k == "_index" or v}] for term, posting in index["invertedIndex"]]
    return dict(index, invertedIndex=inv)


def completer(index: dict) -> dict:
    """Undo `compacter` (what recherche.js does before `lunr.Index.load`)."""
    champs = index["fields"]
    return dict(index, invertedIndex=[[t, {**{c: {} for c in champs}, **p}] for t, p in index["invertedIndex"]])


def dumps(obj) -> str:
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


# -- documents -------------------------------------------------------------------
TYPES_FILTRE = [
    ("", "Tout"),
    ("lieu", "Lieux"),
    ("beneficiaire", "Bénéficiaires"),
    ("elu", "Élus"),
    ("deliberation", "Délibérations"),
    ("subvention", "Subventions"),
]
LIBELLES = {
    "commune": "Commune",
    "canton": "Canton",
    "epci": "Intercommunalité",
    "territoire": "Territoire",
    "beneficiaire": "Bénéficiaire",
    "elu": "Élu(e)",
    "deliberation": "Délibération",
    "annexe": "Annexe",
    "subvention": "Subvention",
}
# places first in suggestions; among them the commune wins over the canton or EPCI of the same name
BOOST_LIEU = {"commune": 4, "canton": 3, "epci": 2, "territoire": 2}


class AnnexesLues:
    """The annexes of one recueil as an annex shard's documents ({"r", "x"}), their texts read back from
    site_data/actes each time they are gone through (`Corpus.texte_annexe`): ten years of annexes are
    never all in memory, here nor in the workers that index them."""

    def __init__(self, corpus: Corpus, refs: list[tuple[DeliberationPubliee, int]]):
        self.corpus, self.refs = corpus, refs  # (deliberation, annex index from 0)

    def __len__(self) -> int:
        return len(self.refs)

    def __iter__(self) -> Iterator[dict]:
        for k, (d, i) in enumerate(self.refs):
            yield {"r": str(k), "x": self.corpus.texte_annexe(d, i)}

    def taille(self) -> int:
        return sum(self.corpus.longueur_annexe(d, i) for d, i in self.refs)

    def empreinte(self) -> str | None:
        """What decides these texts, without reading them back: the digest of each text (kept by the
        corpus, `DeliberationPubliee.empreintes_annexes`); None when the corpus holds the texts in memory."""
        if not self.refs or any(d.annexes_en_memoire or len(d.empreintes_annexes) != len(d.annexes) for d, _ in self.refs):
            return None
        return hashlib.sha256(dumps([[d.id, i, d.empreintes_annexes[i]] for d, i in self.refs]).encode()).hexdigest()


class TextesLus:
    """The deliberations of one full-text shard as its documents ({"r", "n", "t", "x"}: `_texte_deliberation`),
    their rapports' texts read back from site_data/actes each time they are gone through (`Corpus.textes`):
    ten years of rapports are never all in memory, here nor in the workers that index them."""

    def __init__(self, corpus: Corpus, delibs: list[DeliberationPubliee]):
        self.corpus, self.delibs = corpus, delibs

    def __len__(self) -> int:
        return len(self.delibs)

    def __getitem__(self, i: int) -> dict:
        d = self.delibs[i]
        return {"r": str(i), "n": d.id, "t": d.titre or "", "x": _texte_deliberation(d, self.corpus.textes(d).rapport)}

    def __iter__(self) -> Iterator[dict]:
        return map(self.__getitem__, range(len(self.delibs)))

    def taille(self) -> int:
        return sum(len(str(i)) + len(d.id) + len(d.titre or "") + _longueur_texte(d) for i, d in enumerate(self.delibs))

    def empreinte(self) -> str | None:
        """What decides these documents, without reading the rapports back: of each deliberation, its id, title,
        articles, rapport's title and the digest of its rapport's text (`DeliberationPubliee.empreinte_longs`);
        None when the corpus holds the texts in memory."""
        if not self.delibs or any(d.texte_en_memoire for d in self.delibs):
            return None
        return hashlib.sha256(
            dumps(
                [
                    [d.id, d.titre, [a.texte for a in d.articles], d.rapport.titre if d.rapport else None, d.empreinte_longs]
                    for d in self.delibs
                ]
            ).encode()
        ).hexdigest()


def _taille(m: Morceau) -> int:
    """Characters a shard indexes (to start the largest first), without reading texts back."""
    return m.docs.taille() if isinstance(m.docs, AnnexesLues | TextesLus) else sum(len(v) for d in m.docs for v in d.values())


@dataclass
class Morceau:
    """One shard: its path under recherche/, the lunr fields and boosts, its documents and what to display.
    Documents `AnnexesLues`: no lunr index but the vocabulary of each document (`vocabulaire_annexes`)."""

    chemin: str
    champs: list[tuple[str, int]]
    docs: list[dict] | AnnexesLues | TextesLus
    affichage: list | None  # display rows aligned with refs (None: refs point into another shard)
    boosts: list[float] | None = None

    @property
    def moyennes(self) -> dict[str, float] | None:
        """The fixed field lengths of a ranked kind of shard (`classement.MOYENNES`), None for the others."""
        return classement.MOYENNES.get(self.chemin.rpartition("/")[2].split("-")[0]) if "/" in self.chemin else None

    @property
    def sorte(self) -> str:
        """ "annexes" (a vocabulary) or "lunr" (an index)."""
        return "annexes" if isinstance(self.docs, AnnexesLues) else "lunr"


def documents_lieux(corpus) -> Morceau:
    """Communes, cantons, EPCI and territoires: fixed in number, loaded first."""
    ref = corpus.ref
    docs: list[dict] = []
    rows: list[list] = []
    boosts: list[float] = []
    recu = {c: corpus.total(subs) for c, subs in corpus.par_commune.items()}

    def ajoute(kind, nom, affiche, autres, url, detail):
        docs.append({"r": str(len(docs)), "n": nom, "a": " ".join(a for a in autres if a)})
        rows.append([kind, affiche, url, detail])
        boosts.append(BOOST_LIEU[kind])

    for insee, c in ref.communes.items():
        detail = f"Commune · INSEE {insee}"
        if insee in recu:
            detail += f" · {formats.montant_fr(recu[insee])} de subventions"
        ajoute(
            "commune",
            c["nom"],
            c["nom"],
            ["commune", insee, *c.get("codes_postaux", []), *(a["nom"] for a in c.get("anciens", []))],
            f"communes/{c['slug']}/",
            detail,
        )
    for canton, k in ref.cantons.items():
        ajoute(
            "canton",
            k["nom"],
            "Canton " + de(k["nom"]),
            ["canton", canton],
            f"cantons/{k['slug']}/",
            f"Canton · {len(k['communes'])} communes",
        )
    for siren, e in ref.epci.items():
        ajoute(
            "epci",
            e["nom"],
            e["nom"],
            ["intercommunalite", "epci", e.get("sigle"), e.get("nom_officiel"), siren],
            f"epci/{e['slug']}/",
            f"Intercommunalité · {len(e['membres'])} communes",
        )
    for slug, t in ref.territoires.items():
        ajoute(
            "territoire",
            t["nom"],
            f"Territoire {t['nom']}",
            ["territoire"],
            f"territoires/{slug}/",
            f"Territoire du Département · {len(t['communes'])} communes",
        )
    return Morceau("lieux", [("n", 10), ("a", 2)], docs, rows, boosts)


def documents_beneficiaires(corpus: Corpus) -> Morceau:
    """Beneficiaries that have their own page (associations, syndicats…), all years. Communes and EPCI
    are found as places: their pages list the grants they received."""
    par_url: dict[str, dict] = {}
    for s in corpus.subventions:
        b = s.affiche
        if b.type == "commune" or b.epci_url or b.incertain:  # same rule as the beneficiary pages, plus resolved EPCI
            continue
        e = par_url.setdefault(b.url, {"nom": b.nom, "type": b.type, "subs": []})
        e["subs"].append(s)
    docs: list[dict] = []
    rows: list[list] = []
    for url in sorted(par_url):
        e = par_url[url]
        annees = sorted({s.date[:4] for s in e["subs"]}, reverse=True)
        n = len(e["subs"])
        detail = f"{formats.TYPES_BENEFICIAIRE.get(e['type'], 'Bénéficiaire')} · {n} subvention{'s' if n > 1 else ''} · {formats.montant_fr(corpus.total(e['subs']))}"
        docs.append({"r": str(len(docs)), "n": e["nom"]})
        rows.append(["beneficiaire", e["nom"], url, detail, annees])
    return Morceau("beneficiaires", [("n", 10)], docs, rows)


def documents_elus(corpus) -> Morceau:
    """The councillors of the Département's presence lists (`generator.elus`, set on the corpus by the
    build), by the name shown and every other printing of it (« MULOT-FRIS COURT »): a surname, or a
    first name and a surname, typed without accents or hyphens finds the person's page."""
    reg = getattr(corpus, "elus", None)
    docs: list[dict] = []
    rows: list[list] = []
    for p in reg.personnes.values() if reg is not None else []:
        dates = sorted(d for m in p.mandats for d in (m["premiere"], m["derniere"]))
        annees = f"{dates[0][:4]} à {dates[-1][:4]}" if dates and dates[0][:4] != dates[-1][:4] else dates[0][:4] if dates else ""
        organes = " et ".join(m["organe"] for m in p.mandats)
        detail = " · ".join(x for x in ("Élu(e) du Département", organes, annees) if x)
        docs.append({"r": str(len(docs)), "n": p.nom, "a": " ".join(v for v in p.variantes if v != p.nom)})
        rows.append(["elu", p.nom, f"elus/{p.slug}/", detail])
    return Morceau("elus", [("n", 10), ("a", 5)], docs, rows)


def _texte_deliberation(d: Deliberation, rapport: str) -> str:
    """Full text searched for a deliberation: its articles and its rapport (`rapport`: its text, which the
    corpus may have left out of `d`, `Corpus.textes`; annexes have their own vocabulary)."""
    r = d.rapport
    parts = [a.texte or "" for a in d.articles]
    parts += [r.titre or "", rapport] if r is not None else ["", ""]
    return "\n".join(parts)


def _longueur_texte(d: DeliberationPubliee) -> int:
    """`len(_texte_deliberation(d, …))` without reading the rapport's text back (`caracteres_rapport`)."""
    r = d.rapport
    rapport = (len(r.texte) if d.texte_en_memoire else d.caracteres_rapport) if r is not None else 0
    titre = len(r.titre or "") if r is not None else 0
    return sum(len(a.texte or "") for a in d.articles) + titre + rapport + len(d.articles) + 1  # (the `\n` between its parts)


def _organe(d: Deliberation) -> str:
    if d.collectivite and d.collectivite != DEPARTEMENT:
        return f"{d.collectivite} — {d.organe}"
    return d.organe or ""


TEXTE_PAR_MORCEAU = 1_500_000  # characters of full text per chunk
SUBVENTIONS_PAR_MORCEAU = 1_500
# Annexes are most of a recueil's text (conventions, tables): a lunr index of them was 4.5 times the size of all
# the others and 6 times their build time (ten years: 380 Mo instead of 84 Mo). They get a vocabulary instead.


def _ligne_deliberation(d: Deliberation) -> list:
    return ["deliberation", d.id, d.titre or "(sans titre)", f"deliberations/{d.id}/", formats.date_fr(d.date), _organe(d)]


def _decouper(items: list, taille, limite: int) -> list[list]:
    """Consecutive groups of items whose sizes add up to about `limite` (each group at least one item)."""
    groupes, cur, n = [], [], 0
    for it in items:
        cur.append(it)
        n += taille(it)
        if n >= limite:
            groupes.append(cur)
            cur, n = [], 0
    if cur:
        groupes.append(cur)
    return groupes


def documents_source(
    corpus: Corpus, annee: str, source: str, delibs: list[DeliberationPubliee], subs: list[SubventionPubliee]
) -> list[Morceau]:
    """Full-text, annex and grant chunks of one source (one recueil) for one year: self-contained (their own
    display rows), so a recueil published once is indexed once (the cache keeps it) whatever comes next."""
    out: list[Morceau] = []
    stem = Path(source).stem
    delibs = sorted(delibs, key=lambda d: (d.date, d.id), reverse=True)
    for k, groupe in enumerate(_decouper(delibs, _longueur_texte, TEXTE_PAR_MORCEAU), start=1):
        lus = TextesLus(corpus, groupe)
        out.append(Morceau(f"{annee}/textes-{stem}-{k}", [("n", 20), ("t", 10), ("x", 1)], lus, [_ligne_deliberation(d) for d in groupe]))
    refs: list[tuple[DeliberationPubliee, int]] = []
    annexes: list[list] = []  # the annexes; `vocabulaire_annexes` splits them into their pages' parts
    for d in delibs:
        for i, a in enumerate(d.annexes, start=1):
            refs.append((d, i - 1))
            annexes.append([d.id, i, a.titre or "", formats.date_fr(d.date), d.titre or ""])
    if refs:
        out.append(Morceau(f"{annee}/annexes-{stem}-1", [], AnnexesLues(corpus, refs), annexes))
    subs = sorted(subs, key=lambda s: (s.date, s.deliberation, s.id), reverse=True)
    for k, start in enumerate(range(0, len(subs), SUBVENTIONS_PAR_MORCEAU), start=1):
        docs: list[dict] = []
        rows: list[list] = []
        for s in subs[start : start + SUBVENTIONS_PAR_MORCEAU]:
            b = s.affiche
            c = s.commune_ref
            docs.append(
                {
                    "r": str(len(docs)),
                    "o": " ".join(x for x in (s.objet, s.dispositif) if x),
                    "b": " ".join(x for x in (b.nom, c["nom"] if c else "") if x),
                }
            )
            c_url = f"communes/{c['slug']}/" if c else None
            rows.append(
                [
                    "subvention",
                    s.objet or "(objet non précisé)",
                    formats.montant_fr(s.montant),
                    b.nom,
                    b.url,
                    "" if b.url == c_url else c["nom"] if c else "",  # « Commune de Wancourt » needs no « Wancourt » after it
                    c_url,
                    formats.date_fr(s.date),
                    s.deliberation,
                    s.dispositif or "",
                ]
            )
        out.append(Morceau(f"{annee}/subventions-{stem}-{k}", [("o", 5), ("b", 3)], docs, rows))
    return out


def documents_annee(corpus: Corpus, annee: str, delibs: list[DeliberationPubliee], subs: list[SubventionPubliee]) -> list[Morceau]:
    """A year's shards: its deliberation titles (small, for suggestions and numbers), then per source,
    newest first, its grant, full-text and annex chunks."""
    delibs = sorted(delibs, key=lambda d: (d.date, d.id), reverse=True)
    titres = [{"r": str(i), "n": d.id, "t": d.titre or "", "c": _organe(d)} for i, d in enumerate(delibs)]
    out = [Morceau(f"{annee}/deliberations", [("n", 20), ("t", 10), ("c", 1)], titres, [_ligne_deliberation(d) for d in delibs])]
    par_source: dict[str, tuple[list[DeliberationPubliee], list[SubventionPubliee]]] = defaultdict(lambda: ([], []))
    for d in delibs:
        par_source[d.source][0].append(d)
    for sub in subs:
        par_source[sub.acte.source][1].append(sub)
    recent = {src: max([d.date for d in ds] + [x.date for x in ss]) for src, (ds, ss) in par_source.items()}
    for src in sorted(par_source, key=lambda x: (recent[x], x), reverse=True):
        out += documents_source(corpus, annee, src, *par_source[src])
    return out


def morceaux(corpus: Corpus) -> list[Morceau]:
    """Every shard of the corpus, in a stable order."""
    delibs: dict[str, list[DeliberationPubliee]] = defaultdict(list)
    subs: dict[str, list[SubventionPubliee]] = defaultdict(list)
    for d in corpus.deliberations.values():
        delibs[d.date[:4]].append(d)
    for s in corpus.subventions:
        subs[s.date[:4]].append(s)
    out = [documents_lieux(corpus), documents_beneficiaires(corpus), documents_elus(corpus)]
    for annee in sorted(set(delibs) | set(subs), reverse=True):
        out += documents_annee(corpus, annee, delibs[annee], subs[annee])
    return out


# -- writing ---------------------------------------------------------------------
def _empreinte_code() -> str:
    """What besides a shard's documents decides its bytes: this module, the ranking, the annexes' parts and
    their pages, and the lunr / Snowball versions."""
    fichiers = [Path(__file__), Path(classement.__file__), code.PAQUET / "site" / "pages" / "actes.py"]
    return code.empreinte(fichiers, f"{lunr.__VERSION__}|{getattr(snowballstemmer, '__version__', '')}|{VERSION}")


def _cle(m: Morceau, empreinte: str) -> str:
    """Cache key: hash of everything the shard is made of, fed piece by piece (full text is large)."""
    h = hashlib.sha256((empreinte + dumps([m.chemin, m.champs, m.affichage, m.boosts])).encode())
    fichier = m.docs.empreinte() if isinstance(m.docs, AnnexesLues | TextesLus) else None
    if fichier is not None:  # annexes, rapports: their texts' digests, not their texts read back and hashed
        h.update(b"\x1c" + fichier.encode())
        return h.hexdigest()
    parties: list[str] = []  # the documents' fields joined and encoded at once, not one digest call per field
    for d in m.docs:
        parties += [f"\x1f{k}\x1e{d[k] or ''}" for k in sorted(d)]
        parties.append("\x1d")
    h.update("".join(parties).encode())
    return h.hexdigest()


def contenu(m: Morceau) -> str:
    """The shard's JSON text: {"index": lunr index, "docs": display rows} (annexes: {"docs", "termes"})."""
    return _contenu(m)[0]


def _contenu(m: Morceau) -> tuple[str, Callable[[], list[dict[str, float]]]]:
    """`contenu`, and what gives the weights of its documents ({term: weight}, `classement.resumer`) from
    what the indexing has in memory: the summary for the term directory is made without parsing the text."""
    if isinstance(m.docs, AnnexesLues):  # sorte "annexes"
        vocabulaire, comptes = _vocabulaire(m.docs, m.affichage or [])
        return dumps(vocabulaire), lambda: classement.poids_parties(comptes, vocabulaire["longueurs"])
    data = construire(m.champs, m.docs, m.boosts, m.moyennes)
    # the index is written in the order it was built (deterministic: same documents, same order),
    # without sort_keys, which costs a third of the time on full text
    index = json.dumps(compacter(data), ensure_ascii=False, separators=(",", ":"))
    text = '{"docs":' + dumps(m.affichage) + ',"index":' + index + "}" if m.affichage is not None else '{"index":' + index + "}"
    return text, lambda: list(classement.poids_lunr(data).values())


def _calculer(m: Morceau, cache: Path | None) -> tuple[Contenu, str]:
    """(text, sha256 of the text) of a shard, written to the cache if given (`cache`: the cache folder
    and the shard's key, `<cache>/<clé>`, to which the digest and `.json` are added) and then given as
    that file, with its summary for the term directory when it is one of its sources (`repertoire.garder`:
    made here, on the cores that index the shards, rather than by `repertorier` after them all)."""
    text, poids = _contenu(m)
    data = text.encode("utf-8")
    empreinte = hashlib.sha256(data).hexdigest()
    if cache is not None:
        # not flushed: a file cut short by a crash does not match the digest in its name and is not used (`_en_cache`)
        fichier = _fichier_cache(cache, empreinte)
        store.write_bytes(fichier, data, durable=False)
        sorte = _sorte_repertoire(m.chemin)
        if sorte is not None:
            repertoire.garder(_resumes(cache.parent), empreinte, sorte, classement.resumer(poids(), sorte))
        return fichier, empreinte
    return text, empreinte


def _sorte_repertoire(chemin: str) -> str | None:
    """The kind of source a shard is in the term directory (as `preparer` lists it in the manifest): a
    year's titles « deliberations », a lot's « textes », « subventions » or « annexes »; None for the
    shards outside it (places, beneficiaries, councillors)."""
    if "/" not in chemin:
        return None
    return chemin.split("/")[1].split("-", 1)[0]


def _resumes(cache: Path) -> Path:
    """Where the term directory's summaries of the shards are kept (`repertoire.Resumes`), in the search's cache folder."""
    return cache / "repertoire"


def _fichier_cache(cache: Path, empreinte: str) -> Path:
    """`.cache/recherche/<clé>.<sha256 du texte>.json`: the file says what its text must hash to."""
    return cache.with_name(f"{cache.name}.{empreinte}.json")


def _identites(cache: Path) -> Path:
    """Where the identity and digest of each of the cache's shard files are recorded (`store.Ecrits`:
    `.cache/recherche.identites.json`, beside the folder: out of its `*.json`)."""
    return cache.with_name(f"{cache.name}.identites.json")


def _empreinte_nommee(f: Path) -> str:
    """The sha256 a cache file's name says its text has (`_fichier_cache`); "" for another name."""
    cle, _, reste = f.name.partition(".")
    empreinte = reste.removesuffix(".json")
    return empreinte if f.name == _fichier_cache(Path(cle), empreinte).name and len(empreinte) == 64 else ""


def _en_cache(cache: Path | None, cles: list[str], ecrits: store.Ecrits) -> list[tuple[Contenu, str] | None]:
    """(cache file, digest) of the shards whose key is in the cache, each checked against the digest its
    name holds: a file truncated by a full disk or a crash, or edited, does not match, is never
    used, and its shard is indexed again. A file still the one recorded at the last build (`ecrits`, at
    `_identites`: its identity; the cache's files are replaced by a rename, never written in place) is not
    read again (ten years: some 125 MB); one whose identity changed is read and hashed (`Ecrits.tient`)."""
    if cache is None or not cache.is_dir():
        return [None] * len(cles)
    fichiers = {f.name.partition(".")[0]: f for f in cache.glob("*.json")}
    out: list[tuple[Contenu, str] | None] = []
    for cle in cles:
        f = fichiers.get(cle)
        empreinte = _empreinte_nommee(f) if f is not None else ""
        out.append((f, empreinte) if f is not None and empreinte and ecrits.tient(f.name, f, empreinte) else None)
    return out


def _nom_fichier(chemin: str, empreinte: str) -> str:
    """`2021/subventions-1.3fa2c1d0.json` (`empreinte`: the text's sha256): the content hash in the
    name lets browsers cache shards for good."""
    return f"{chemin}.{empreinte[:10]}.json"


def bibliotheques() -> dict[str, str]:
    """lunr.js (npm package lunr 2.3.9, MIT: generator/recherche/vendor/lunr/) and our generated stemmer: served by
    the site itself, no CDN."""
    return {"lunr.js": LUNR_JS.read_text(encoding="utf-8"), "racine-fr.js": racine_fr_js()}


@dataclass
class _Travail:
    """The shards to index (`_contenus`), shared by the processes that index them: each takes the next
    one in `ordre` from the counter `suivant` (shared memory) until there is none left."""

    ms: list[Morceau]
    fichiers: list[Path | None]
    ordre: list[int]
    suivant: Any  # multiprocessing.Value("i"): the position in `ordre` of the next shard nobody has taken


_A_FAIRE: _Travail | None = None
# characters to index from which the shards are indexed on several cores: forking a process that holds ten
# years of corpus costs more than indexing a month's text (about 4 Mo)
EN_PARALLELE = 20_000_000


def _travailler() -> list[tuple[int, tuple[Contenu, str]]]:
    """`_calculer` of the shards of `_A_FAIRE` this process takes, in the search's process and in its
    forked workers: the shards' documents (hundreds of megabytes at ten years) are inherited from it, not
    sent through a pipe, and with a cache a shard's text comes back as its cache file, not through the
    pipe either."""
    travail = _A_FAIRE
    assert travail is not None
    out: list[tuple[int, tuple[Contenu, str]]] = []
    while True:
        with travail.suivant.get_lock():
            k = travail.suivant.value
            travail.suivant.value = k + 1
        if k >= len(travail.ordre):
            return out
        i = travail.ordre[k]
        out.append((i, _calculer(travail.ms[i], travail.fichiers[i])))


def _contenus(ms: list[Morceau], cache: Path | None, empreinte: str) -> list[tuple[Contenu, str]]:
    """Every shard's (text or cache file, sha256 of the text), from the cache when its input is unchanged and its
    file checks; the others are indexed on all cores (the result does not depend on it)."""
    global _A_FAIRE

    cles = [_cle(m, empreinte) for m in ms]
    ecrits = store.Ecrits(_identites(cache) if cache is not None else None)
    en_cache = _en_cache(cache, cles, ecrits)
    fichiers: list[Path | None] = [cache / cle if cache is not None else None for cle in cles]
    a_faire = [i for i, t in enumerate(en_cache) if t is None]
    faits: dict[int, tuple[Contenu, str]] = {}
    taille = {i: _taille(ms[i]) for i in a_faire}
    a_faire.sort(key=lambda i: -taille[i])  # largest first: no core idle at the end
    coeurs = min(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1), 4)
    if coeurs > 1 and sum(taille.values()) > EN_PARALLELE:
        contexte = multiprocessing.get_context("fork")
        _A_FAIRE = _Travail(ms, fichiers, a_faire, contexte.Value("i", 0))
        try:
            with ProcessPoolExecutor(
                max_workers=coeurs - 1, mp_context=contexte, initializer=lier_au_parent, initargs=(os.getpid(),)
            ) as pool:
                autres = [pool.submit(_travailler) for _ in range(coeurs - 1)]
                # this process indexes too, rather than wait: one process fewer holding what a worker holds
                # (its caches, the pages of the shards' documents it copies by reading them)
                faits.update(_travailler())
                for autre in autres:
                    faits.update(autre.result())
        finally:
            _A_FAIRE = None
    for i in a_faire:
        if i not in faits:
            faits[i] = _calculer(ms[i], fichiers[i])
    textes = [t if t is not None else faits[i] for i, t in enumerate(en_cache)]
    if cache is not None and cache.exists():  # the cache keeps only what this build used (a file that did not check is replaced)
        utilises = {_fichier_cache(cache / cle, t[1]): t[1] for cle, t in zip(cles, textes)}  # file → its text's digest
        for f in cache.glob("*.json"):
            if f not in utilises:
                f.unlink()
        for f, sha in sorted(utilises.items()):  # those written by this build: each holds the text its name's digest names
            if f.name not in ecrits.apres:
                ecrits.noter(f.name, f, sha, sha256=sha)
        ecrits.sauver()
    return textes


def ecrire(corpus, dossier: Path, cache: Path | None = None) -> dict:
    """Write the manifest, libraries and every shard into `dossier` (content/recherche/). Returns the manifest."""
    manifeste, fichiers = preparer_contenus(corpus, cache)
    ecrire_fichiers(dossier, fichiers)
    return manifeste


def ecrire_fichiers(dossier: Path, fichiers: dict[str, Contenu], ecrits: Path | None = None) -> None:
    """Write the files `preparer_contenus` made (a shard given as its cache file is copied, one file
    in memory at a time); one already there with the same bytes is not rewritten (a shard named by its
    content hash but truncated by a crash is), and what an earlier build wrote and this one did not
    goes (the search page itself stays).

    `ecrits`: the record of what the last build wrote there (`store.Ecrits`): a file still holding the
    bytes it was written with (same `identite`, else read and hashed) whose text is this one (a shard's
    cache file names its text's sha256) is neither read back nor compared (ten years: 125 MB, twice)."""
    fait = store.Ecrits(ecrits)
    for nom, contenu in sorted(fichiers.items()):  # a shard's name holds its source's (file-system spelling)
        cible = dossier / store.nom_fichier(nom)
        if isinstance(contenu, Path):
            empreinte = _empreinte_nommee(contenu)
            if not (empreinte and fait.a_jour(nom, cible, empreinte)):
                fait.ecrire(nom, cible, contenu.read_bytes(), cle=empreinte or None)
        else:
            fait.contenu(nom, cible, contenu.encode("utf-8"))
    fait.sauver()
    ecrits_ici = {store.nom_fichier(nom) for nom in fichiers}
    for p in sorted(dossier.rglob("*")):
        if p.suffix in (".json", ".js") and p.relative_to(dossier).as_posix() not in ecrits_ici:
            p.unlink()


def preparer(corpus, cache: Path | None = None) -> tuple[dict, dict[str, str]]:
    """(manifest, {file name: text}) of the whole search: `preparer_contenus` with every file's text."""
    manifeste, fichiers = preparer_contenus(corpus, cache)
    return manifeste, {nom: lire(contenu) for nom, contenu in fichiers.items()}


def preparer_contenus(corpus, cache: Path | None = None) -> tuple[dict, dict[str, Contenu]]:
    """(manifest, {file name: text, or the cache file holding it}) of the whole search, written nowhere
    but the cache: the build computes it beside the pages and writes it once they are written
    (`ecrire_fichiers`).

    Manifest: the small shards (places, beneficiaries, councillors), then each year newest first with its titles
    shard and its lots (one per source, newest first), each lot listing its grant and full-text chunks
    and its annex vocabulary, with their numbers in the term directory (position: its full text,
    position_subventions, position_annexes; the year's titles: position_titres).
    """
    empreinte = _empreinte_code()
    fichiers: dict[str, Contenu] = {}
    annees: dict[str, dict] = {}
    manifeste: dict = {"version": VERSION, "mots_vides": sorted(MOTS_VIDES), "synonymes": SYNONYMES}
    manifeste["bm25"] = {"k1": _K1, "b": _B, "annexes": classement.MOYENNES["annexes"]["x"]}  # an annex part's weight in recherche.js
    empreintes: dict[str, str] = {}  # shard file → sha256 of its text
    ms = morceaux(corpus)
    for m, (contenu, empreinte_texte) in zip(ms, _contenus(ms, cache, empreinte)):
        nom = _nom_fichier(m.chemin, empreinte_texte)
        fichiers[nom], empreintes[nom] = contenu, empreinte_texte
        if "/" not in m.chemin:
            manifeste[m.chemin] = {"fichier": nom, "n": len(m.docs)}
            continue
        annee, sorte = m.chemin.split("/")
        a = annees.setdefault(annee, {"annee": annee, "deliberations": None, "lots": [], "n_deliberations": 0, "n_subventions": 0})
        if sorte == "deliberations":
            a["deliberations"], a["n_deliberations"] = nom, len(m.docs)
            continue
        genre, reste = sorte.split("-", 1)
        source = reste.rsplit("-", 1)[0]
        if not a["lots"] or a["lots"][-1]["source"] != source:
            a["lots"].append({"source": source, "subventions": [], "textes": [], "annexes": []})
        a["lots"][-1][genre].append(nom)
        if genre == "subventions":
            a["n_subventions"] += len(m.docs)
    manifeste["annees"] = [annees[a] for a in sorted(annees, reverse=True)]
    fichiers.update(repertoire.repertorier(manifeste, fichiers, empreintes, _resumes(cache) if cache is not None else None))
    for nom, text in bibliotheques().items():
        fichiers[nom] = text
    fichiers["manifeste.json"] = dumps(manifeste)
    return manifeste, fichiers

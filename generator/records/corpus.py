"""The published data, read back from site_data/ and indexed for pages and exports.

Rendering and exports read only this (never the parsers), so what the site shows
is exactly what site_data/ holds.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from slugify import slugify

from generator.commun import store
from generator.lieux.places import Reference
from generator.records import JsonObject, recueil_slug

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


def alleger(doc: JsonObject) -> JsonObject:
    """A document of site_data/actes without its annexes' texts, in place.

    Annexes are nine tenths of a recueil's text (ten synthetic years: 348 of 395 million characters,
    about 700 Mo in memory). Only the deliberation and annex pages, the SQLite export and search
    read them, one deliberation at a time: `Corpus.texte_annexe` reads them back from the source's
    file when asked, so ten years of annexes are never all in memory.
    """
    for d in doc["deliberations"]:
        for a in d.get("annexes") or []:
            if "texte" in a:
                a["_caracteres"] = len(a.pop("texte") or "")
    return doc


# the same amounts are summed again for every place that holds a grant (commune, canton, EPCI…)
_decimal = lru_cache(maxsize=1 << 16)(Decimal)


def lire_actes(path: Path) -> JsonObject:
    """One file of site_data/actes, without its annexes' texts (see `alleger`)."""
    return alleger(store.read_json(path))


def beneficiaire_slug(nom: str) -> str:

    return slugify(nom, max_length=80, word_boundary=True) or "sans-nom"


@dataclass
class Corpus:
    ref: Reference
    documents: list[JsonObject]
    controle: JsonObject
    deliberations: dict[str, JsonObject] = field(default_factory=dict)  # id → deliberation (+ "_source", "_recueil")
    subventions: list[JsonObject] = field(default_factory=list)  # + "_date", "_deliberation"
    par_commune: dict[str, list[JsonObject]] = field(default_factory=lambda: defaultdict(list))
    par_epci: dict[str, list[JsonObject]] = field(default_factory=lambda: defaultdict(list))  # grants TO the EPCI
    delib_lieux: dict[tuple[str, str], set[str]] = field(default_factory=lambda: defaultdict(set))  # (kind, code) → ids
    actes_par_commune: dict[str, list[JsonObject]] = field(default_factory=lambda: defaultdict(list))
    recueils: list[JsonObject] = field(default_factory=list)  # {"slug", "source", "recueil", "document"}
    actes: Path | None = None  # site_data/actes: where annex texts left out of `documents` are read back
    _annexes: dict[str, dict[str, list[str]]] = field(default_factory=dict)  # source → {deliberation id: [annex texts]}, the last few read
    originaux: dict[str, JsonObject] = field(default_factory=dict)  # source → its published PDF (`originaux.publier`)
    elus: Registre | None = None  # the councillors, set by the build (`site.pages.elus.registre`) before the pages

    def lier_originaux(self, originaux: dict[str, JsonObject]) -> None:
        """The published PDFs (`originaux.publier`): each grant of one of them links to its page (`_original`: the PDF's address)."""
        self.originaux = originaux
        for s in self.subventions:
            o = originaux.get(s["source"])
            s["_original"] = o["url"] if o else None

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
        documents: list[JsonObject],
        subs_by_source: dict[str, JsonObject],
        controle: JsonObject,
        ref: Reference,
        actes: Path | None = None,
    ) -> Corpus:
        """The same, from site_data already read (the build has just read it for the control report).
        `actes`: the folder the documents were read from, when their annex texts were left out."""
        c = cls(ref=ref, documents=documents, controle=controle, actes=actes)
        c._index(subs_by_source)
        return c

    def longueur_annexe(self, d: JsonObject, i: int) -> int:
        """Characters of deliberation `d`'s annex `i` (0-based), without reading it back."""
        a = d["annexes"][i]
        return len(a["texte"] or "") if "texte" in a else a.get("_caracteres", 0)

    def texte_annexe(self, d: JsonObject, i: int) -> str:
        """The text of deliberation `d`'s annex `i` (0-based): from memory when the document kept it,
        else from its source's file in site_data/actes. The last few sources read are kept: readers go
        through the deliberations by source or by date, so each file is read about once."""
        a = d["annexes"][i]
        if "texte" in a:
            return a["texte"] or ""
        source = d["_source"]
        textes = self._annexes.pop(source, None)
        if textes is None:
            assert self.actes is not None, "a document without its annexes' texts is read from site_data/actes (`load`)"
            textes = {}
            for x in store.read_json(self.actes / store.data_name(source))["deliberations"]:
                textes.setdefault(x["id"], [a.get("texte") or "" for a in x.get("annexes") or []])  # first copy, as _index
            if len(self._annexes) >= 4:
                del self._annexes[next(iter(self._annexes))]  # the least recently used
        self._annexes[source] = textes
        return textes[d["id"]][i]

    def _index(self, subs_by_source: dict[str, JsonObject]) -> None:
        for doc in self.documents:
            rec = doc.get("recueil")
            slug = recueil_slug(rec)
            if slug is not None:
                if any(r["slug"] == slug for r in self.recueils):  # an exact copy in another file (garde refuses any other)
                    slug = None
                else:
                    self.recueils.append({"slug": slug, "source": doc["source"], "recueil": rec, "document": doc})
            for d in doc["deliberations"]:
                if d["id"] in self.deliberations:
                    continue  # a duplicate: the control report says which source is published
                d = dict(d, _source=doc["source"], _recueil=slug)
                self.deliberations[d["id"]] = d
                r = d.get("rapport") or {}
                for kind, key in (("territoire", "territoires"), ("canton", "cantons"), ("epci", "epcis")):
                    for p in r.get(key) or []:
                        if p.get("status") == "resolu" and p.get("code"):
                            self.delib_lieux[(kind, p["code"])].add(d["id"])
                if d.get("epci_siren"):
                    self.delib_lieux[("epci", d["epci_siren"])].add(d["id"])
            if rec:
                for a in rec.get("actes_executif", []):
                    for code in dict.fromkeys(a.get("communes") or []):
                        self.actes_par_commune[code].append(dict(a, _recueil=slug, _source=doc["source"]))
        for source in sorted(subs_by_source):
            for s in subs_by_source[source]["subventions"]:
                d = self.deliberations.get(s["deliberation"])
                if d is None or d["_source"] != source:
                    continue
                s = dict(s, _date=d["date"], _deliberation=d)
                s["_beneficiaire"] = self.beneficiaire(s)
                self.subventions.append(s)
                communes = set()
                for key in ("beneficiaire_ref", "commune_projet"):
                    p = s.get(key)
                    if p and p.get("kind") == "commune" and p.get("status") == "resolu":
                        communes.add(p["code"])
                    if p and p.get("kind") == "epci" and p.get("status") == "resolu" and key == "beneficiaire_ref":
                        self.par_epci[p["code"]].append(s)
                        self.delib_lieux[("epci", p["code"])].add(d["id"])
                for code in sorted(communes):
                    self.par_commune[code].append(s)
                    self.delib_lieux[("commune", code)].add(d["id"])
        for lst in list(self.par_commune.values()) + list(self.par_epci.values()):
            lst.sort(key=lambda s: (s["_date"], s["deliberation"], s["id"]), reverse=True)

    # -- helpers for pages -------------------------------------------------
    def beneficiaire(self, s: JsonObject) -> JsonObject:
        """Display name, kind and link target of a grant's beneficiary."""
        p = s.get("beneficiaire_ref")
        if p and p.get("status") == "resolu":
            if p["kind"] == "commune" and p["code"] in self.ref.communes:
                c = self.ref.communes[p["code"]]
                return {"nom": "Commune " + de(c["nom"]), "type": "commune", "url": f"communes/{c['slug']}/"}
            if p["kind"] == "epci" and p["code"] in self.ref.epci:
                e = self.ref.epci[p["code"]]
                return {"nom": e["nom"], "type": "epci", "url": f"beneficiaires/{e['slug']}/", "epci_url": f"epci/{e['slug']}/"}
        nom = " ".join((s.get("beneficiaire") or "").replace("«", "").replace("»", "").split())
        if s.get("beneficiaire_incertain"):  # porteur and project printed as one: no page under that text, its address is the grant's
            return {
                "nom": nom,
                "type": s.get("type_beneficiaire") or "autre",
                "url": f"deliberations/{s['deliberation']}/#{s['id']}",
                "incertain": True,
            }
        return {"nom": nom, "type": s.get("type_beneficiaire") or "autre", "url": f"beneficiaires/{beneficiaire_slug(nom)}/"}

    def commune_of(self, s: JsonObject) -> str | None:
        for key in ("commune_projet", "beneficiaire_ref"):
            p = s.get(key)
            if p and p.get("kind") == "commune" and p.get("status") == "resolu":
                code: str = p["code"]
                return code
        return None

    def total(self, subs: Iterable[JsonObject]) -> Decimal:
        return sum(map(_decimal, [s["montant"] for s in subs]), Decimal(0))

    def by_year(self, subs: Iterable[JsonObject]) -> list[tuple[int, Decimal, int]]:
        acc: dict[int, list[JsonObject]] = defaultdict(list)
        for s in subs:
            acc[int(s["_date"][:4])].append(s)
        return [(y, self.total(v), len(v)) for y, v in sorted(acc.items())]

    def grants_in(self, communes: Iterable[str]) -> list[JsonObject]:
        """Grants located in any of these communes (each grant once)."""
        seen, out = set(), []
        for code in communes:
            for s in self.par_commune.get(code, []):
                if s["id"] not in seen:
                    seen.add(s["id"])
                    out.append(s)
        out.sort(key=lambda s: (s["_date"], s["deliberation"], s["id"]), reverse=True)
        return out

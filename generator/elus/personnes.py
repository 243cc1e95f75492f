"""From the printed names of the Département's presence lists to one record per person.

A name printed in several ways is one person when the publisher's alias file says so
(site_data/elus_alias.yaml, `alias`) or when the two printings differ only by accents, case or
spaces (`alias.cle_personne`, « Maryse JUMEZ » / « Maryse JUMÉZ »). Anything else that looks alike is
only *proposed* to the publisher (`proposer`): two names that appear in the same list are never the
same person (« Maurice LECOMTE » and « Maurice LECONTE » both sat on 12 December 2023).

Only the Département's assemblies (Conseil départemental, Commission permanente) are followed: a
partner body's members are printed in its own acts, and the same name in two bodies is not proof of
one person.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from generator.commun.pliage import slug_ascii
from generator.elus.alias import cle_personne
from generator.records import Attendance, Deliberation, JsonObject, Session
from generator.records.elu import VOTANTS, Elu, InteretDeclare, Mandat, Presence, ProcurationDonnee, ProcurationRecue
from generator.records.lecture import from_dict

DEPARTEMENT = "Département du Pas-de-Calais"

# statut of a person in one deliberation, as the lists print it
STATUTS = {
    "present": "présent",
    "excuse": "excusé",
    "absent": "absent",
    "present_sans_voix": "présent sans voix délibérative",
    "excuse_sans_voix": "excusé, sans voix délibérative",
    "represente": "représenté (procuration)",
}
_LISTES = [
    ("presents", "present"),
    ("excuses", "excuse"),
    ("absents", "absent"),
    ("presents_sans_voix", "present_sans_voix"),
    ("excuses_sans_voix", "excuse_sans_voix"),
]

Json = dict[str, Any]


def nature_interet(texte: str) -> str:
    """« retrait » (« n'a pris part ni au débat, ni au vote ») or « excuse_sans_delegation »
    (« intéressé à l'affaire et excusé n'a pas donné de délégation de vote »)."""
    return "excuse_sans_delegation" if re.search(r"pas donn[ée] de d[ée]l[ée]gation", texte) else "retrait"


# the person records (typed in generator/records/elu.py), under their former names here
Ligne = Presence
Personne = Elu


@dataclass
class Registre:
    personnes: dict[str, Elu]  # slug → person, sorted by surname
    par_cle: dict[str, str]  # safe key of every printing → slug
    lignes: list[Presence]
    sans_liste: list[str]  # Département deliberations without any presence list
    propositions: list[tuple[str, str, str]]  # (name, name, why): near matches for the publisher
    alias_inutilises: list[str]

    def slug(self, nom: str) -> str | None:
        return self.par_cle.get(cle_personne(nom))

    def chiffres(self) -> Json:
        """The people figures of the control report (controle.json, key « elus »): how many people, how
        many near matches the publisher has not settled in elus_alias.yaml (each named), which
        Département deliberations have no presence list, which alias entries matched no printed name."""
        return {
            "personnes": len(self.personnes),
            "presences": len(self.lignes),
            "noms_proches_non_resolus": len(self.propositions),
            "propositions": [{"nom": a, "autre_nom": b, "motif": why} for a, b, why in self.propositions],
            "deliberations_sans_liste": len(self.sans_liste),
            "sans_liste": list(self.sans_liste),
            "alias_inutilises": list(self.alias_inutilises),
        }


def _surname_key(nom: str) -> str:
    toks = nom.split(" ")
    k = 0
    while k < len(toks) and not (len(toks[k]) > 1 and toks[k] == toks[k].upper()):
        k += 1
    return unicodedata.normalize("NFKD", " ".join(toks[k:] + toks[:k])).casefold()


# (led by their letter, which the regex engine looks for as a literal: « \b(M\.|…) » was tried at every position)
_CIVILITE_IMPRIMEE = re.compile(r"(M(?:\.|me|onsieur|adame)) ")
_BORD = re.compile(r"\b")
_MOT = re.compile(r"\w")


def _civilites(texte: str, noms: Iterable[str]) -> dict[str, str]:
    """{name: « M. »/« Mme »} as printed before each name in the deliberation's lists (`texte`: its text): the
    first civility (after a word boundary) followed by the name, its words one blank apart, and a word boundary.

    Once the text's blanks are single spaces, the civilities are found in one pass, indexed by the word that
    follows them; a name of several words is then looked for only after the civilities followed by its first
    word (it was one search of the text per name: 6 000 deliberations of some 50 names at ten years, 5 s)."""
    texte = _recoller(" ".join(texte[:20000].split()))  # (blanks: single spaces from here on)
    apres: dict[str, list[tuple[int, str]]] = {}  # word after a civility → (where it starts, the civility), in order
    toutes: list[tuple[int, str]] = []
    for m in _CIVILITE_IMPRIMEE.finditer(texte):
        if not _BORD.match(texte, m.start()):
            continue
        debut = m.end()
        fin = texte.find(" ", debut)
        apres.setdefault(texte[debut : fin if fin >= 0 else len(texte)], []).append((debut, m.group(1)))
        toutes.append((debut, m.group(1)))
    out: dict[str, str] = {}
    for nom in noms:
        premier, espace, _ = nom.partition(" ")
        # (a name of one word may end inside the next word of the text: « DUPONT » before « -MARTIN »)
        for debut, civilite in apres.get(premier, ()) if espace else toutes:
            if texte.startswith(nom, debut) and _BORD.match(texte, debut + len(nom)):
                out[nom] = "Mme" if civilite in ("Mme", "Madame") else "M."
                break
    return out


def _recoller(texte: str) -> str:
    """`re.sub(r"(\\w)- (\\w)", r"\\1-\\2", texte)`: a word cut at a line's end (« Pas- de-Calais ») joined again,
    looked for at its « - » (the regex tried every position). As that substitution, a letter that ends a
    joined word does not start the next one (« a- b- c » gives « a-b- c »)."""
    if "- " not in texte:
        return texte
    morceaux = texte.split("- ")
    out = [morceaux[0]]
    joint = False  # the « - » before `avant` was joined: its first letter was taken
    for avant, apres in zip(morceaux, morceaux[1:]):
        libre = len(avant) > 1 or not joint  # (its last letter is not the one the join before it took)
        joint = bool(avant and apres and libre and _MOT.match(avant, len(avant) - 1) and _MOT.match(apres))
        out.append("-" if joint else "- ")
        out.append(apres)
    return "".join(out)


def _imprimes(a: Attendance) -> list[tuple[str, str, str | None]]:
    """The names of a deliberation's presence lists, in the lists' order: (name, statut, mandataire)."""
    noms: list[tuple[str, str, str | None]] = []
    for key, statut in _LISTES:
        noms += [(n, statut, None) for n in getattr(a, key)]
    for proc in a.procurations:
        noms.append((proc["mandant"], "represente", proc["mandataire"]))
    return noms


# A deliberation's civilities as kept between builds: one letter per name of its lists, in their order
# (`_imprimes`), « M » for « M. », « F » for « Mme », « - » where none is printed.
_LETTRES = {"M.": "M", "Mme": "F"}
_CIVILITE = {"M": "M.", "F": "Mme"}


def civilites_document(doc: JsonObject) -> dict[str, str]:
    """The civilities printed in the presence lists of the Département's deliberations of `doc` (a file
    of site_data/actes as read, texts included), id → one letter per name (`_LETTRES`), first copy of
    each id. Computed once, when the file is written or first read back (the extraction cache keeps it),
    so that a rebuild does not read ten years of texts again for them; `construire` decodes it."""
    out: dict[str, str] = {}
    for d in doc["deliberations"]:
        if d.get("collectivite") != DEPARTEMENT or d["id"] in out:
            continue
        noms = [n for n, _, _ in _imprimes(from_dict(Attendance, d.get("attendance") or {}))]
        civs = _civilites(d.get("texte") or "", noms) if noms else {}
        out[d["id"]] = "".join(_LETTRES[civs[n]] if n in civs else "-" for n in noms)  # ("" without lists: nothing to read)
    return out


def construire(
    deliberations: Mapping[str, Deliberation],
    sessions: Iterable[Session],
    alias: Mapping[str, str],
    textes: Mapping[str, str] | None = None,
    civilites: Mapping[str, str] | None = None,
) -> Registre:
    """The people of the Département's presence lists (`deliberations`: id → deliberation as in
    site_data/actes, in any order; `sessions`: the séances, for who presided), resolved through `alias`.
    The civilities printed before the names: `civilites` (id → `civilites_document`'s letters) where it
    has the deliberation, else found in its text (its record's, or `textes`: id → text of the
    deliberations whose record does not hold it)."""
    delibs = sorted((d for d in deliberations.values() if d.collectivite == DEPARTEMENT), key=lambda d: (d.date, d.id))
    alias_vus: set[str] = set()
    cles: dict[str, str] = {}  # printed name → person key: a few hundred names printed hundreds of thousands of times

    def cle(nom: str) -> str:
        k = cles.get(nom)
        if k is None:
            k = cle_personne(nom)
            if k in alias:
                alias_vus.add(k)
                k = cle_personne(alias[k])
            cles[nom] = k
        return k

    imprimes: dict[str, Counter[str]] = defaultdict(Counter)  # person key → printings
    civ: dict[str, Counter[str]] = defaultdict(Counter)
    ensemble: dict[str, set[str]] = defaultdict(set)  # key → keys printed in the same deliberation
    listes_vues: set[frozenset[str]] = set()  # (the deliberations of a séance mostly print the same lists)
    brut: list[tuple[Deliberation, str, str, str | None]] = []  # (deliberation, printed name, statut, mandataire)
    sans_liste: list[str] = []
    for d in delibs:
        noms = _imprimes(d.attendance)
        if not noms:
            sans_liste.append(d.id)
            continue
        lettres = (civilites or {}).get(d.id)
        if lettres is not None and len(lettres) == len(noms):
            civs = {n: _CIVILITE[c] for (n, _, _), c in zip(noms, lettres) if c in _CIVILITE}
        else:
            civs = _civilites(d.texte or (textes or {}).get(d.id, ""), [n for n, _, _ in noms])
        keys = frozenset(cle(n) for n, _, _ in noms)
        if keys not in listes_vues:  # each key printed with all of them
            listes_vues.add(keys)
            for k in keys:
                ensemble[k] |= keys
        for n, statut, mandataire in noms:
            k = cles[n]
            imprimes[k][n] += 1
            if n in civs:
                civ[k][civs[n]] += 1
            brut.append((d, n, statut, mandataire))
    for s in sessions:
        for nom in (s.president, s.secretaire):
            if nom:
                imprimes.setdefault(cle(nom), Counter())
    # the name shown: the most printed (then the one with the most accents, then the first in order)
    noms_retenus = {
        k: sorted(c.items(), key=lambda x: (-x[1], -sum(ch not in "azAZ" and ch.isalpha() and not ch.isascii() for ch in x[0]), x[0]))[0][0]
        for k, c in imprimes.items()
        if c
    }
    for k in alias.values():
        if cle_personne(k) in noms_retenus:
            noms_retenus[cle_personne(k)] = k  # the publisher's spelling wins
    slugs: dict[str, str] = {}
    for k in sorted(noms_retenus, key=lambda k: (_surname_key(noms_retenus[k]), k)):
        base = slug_ascii(noms_retenus[k]) or "sans-nom"
        sl, i = base, 2
        while sl in slugs.values():
            sl, i = f"{base}-{i}", i + 1
        slugs[k] = sl
    personnes = {
        slugs[k]: Elu(slugs[k], noms_retenus[k], civ[k].most_common(1)[0][0] if civ[k] else None, sorted(imprimes[k])) for k in slugs
    }
    par_cle = {cle_personne(v): slugs[k] for k, c in imprimes.items() if k in slugs for v in c} | {
        a: slugs[cle_personne(n)] for a, n in alias.items() if cle_personne(n) in slugs
    }
    lignes: list[Presence] = []
    mandats: dict[str, dict[str, list[str]]] = defaultdict(dict)
    for d, n, statut, mandataire in brut:
        p = personnes[slugs[cles[n]]]
        m_slug = slugs.get(cle(mandataire)) if mandataire else None
        li = Presence(p.slug, n, d.id, d.session_id, d.date, d.organe, statut, m_slug or mandataire)
        for it in d.interets:
            if it.name and cle(it.name) == cles[n]:
                li.interet = nature_interet(it.text)
        lignes.append(li)
        p.lignes.append(li)
        if statut in VOTANTS:
            dates = mandats[p.slug].setdefault(d.organe, [d.date, d.date])
            dates[0], dates[1] = min(dates[0], d.date), max(dates[1], d.date)
        if statut == "represente":
            p.procurations_donnees.append(ProcurationDonnee(deliberation=d.id, date=d.date, a=m_slug, nom=mandataire))
            if m_slug:
                personnes[m_slug].procurations_recues.append(ProcurationRecue(deliberation=d.id, date=d.date, de=p.slug, nom=p.nom))
    for d in delibs:
        for it in d.interets:
            s_ = slugs.get(cle(it.name or ""))
            if s_:
                personnes[s_].interets.append(
                    InteretDeclare(deliberation=d.id, titre=d.titre, date=d.date, nature=nature_interet(it.text), texte=it.text)
                )
    for s in sorted(sessions, key=lambda s: (s.date, s.id)):
        for nom, attr in ((s.president, "presidences"), (s.secretaire, "secretariats")):
            slug = slugs.get(cle(nom or ""))
            if slug:
                getattr(personnes[slug], attr).append(s.id)
    for slug, par_organe in mandats.items():
        personnes[slug].mandats = [Mandat(organe=o, premiere=v[0], derniere=v[1]) for o, v in sorted(par_organe.items())]
    return Registre(
        personnes=personnes,
        par_cle=par_cle,
        lignes=lignes,
        sans_liste=sans_liste,
        propositions=proposer(noms_retenus, ensemble),
        alias_inutilises=sorted(alias[k] + " ← " + k for k in alias if k not in alias_vus),
    )


def _distance(a: str, b: str, plafond: int = 2) -> int:
    """Levenshtein distance of `a` and `b`, or plafond + 1 when it exceeds `plafond`."""
    if abs(len(a) - len(b)) > plafond:
        return plafond + 1
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return min(prev[-1], plafond + 1)


def proposer(noms: Mapping[str, str], ensemble: Mapping[str, set[str]]) -> list[tuple[str, str, str]]:
    """Pairs of people that may be one (for the publisher to confirm in elus_alias.yaml): same surname
    and first names one or two letters apart, same first name and surnames one or two letters apart
    or one surname the start of the other (« DAUTRICHE » / « DAUTRICHE-DESMARAI »). Two names printed
    in the same deliberation are two people and never proposed."""
    out: list[tuple[str, str, str]] = []
    items = sorted(noms.items(), key=lambda kv: kv[1])
    for i, (ka, na) in enumerate(items):
        pa, sa = _prenom_nom(na)
        for kb, nb in items[i + 1 :]:
            if kb in ensemble.get(ka, set()):
                continue
            pb, sb = _prenom_nom(nb)
            if sa == sb and pa != pb and _distance(pa, pb) <= 2:
                out.append((na, nb, "même nom, prénoms voisins"))
            elif pa == pb and sa != sb and (_distance(sa, sb) <= 2 or _composante(sa, sb)):
                out.append((na, nb, "même prénom, noms voisins"))
    return out


def _composante(a: str, b: str) -> bool:
    """One surname is a hyphenated part of the other (« DAUTRICHE » / « DAUTRICHE-DESMARAI »)."""
    return a in b.split("-") or b in a.split("-")


def _prenom_nom(nom: str) -> tuple[str, str]:
    k = cle_personne(nom.replace(" ", "\0")).replace("\0", " ")
    toks = k.split(" ")
    j = next((t for t, tok in enumerate(toks) if t and nom.split(" ")[t].isupper()), len(toks) - 1)
    return " ".join(toks[:j]), "".join(toks[j:])

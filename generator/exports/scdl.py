"""SCDL exports: `subventions-scdl.csv` (Subventions 2.1.1) and `deliberations-scdl.csv` (Délibérations 2.1.5).

The socle commun des données locales is what the open-data portals of French
collectivités (data.gouv.fr, validata.fr) expect: exact column names and order,
ISO dates, enumerations. The schemas are copied in generator/records/schemas/scdl/ and
the column list is read from them, so a column can never be misspelt.

Unknown values are left empty rather than invented: a SIRET's NIC cannot be
deduced from a SIREN, so `idBeneficiaire` is filled only with a number printed in
the deliberation's own conventions (`subventions.identifiants`) or given by the
publisher in `site_data/identifiants.csv` (`generator.controle.identifiants`).
"""

from __future__ import annotations

import dataclasses
import functools
import json
import re
from collections.abc import Callable
from pathlib import Path

from generator.controle.identifiants import Identifiant, identifiants_de, par_cle, siren_de
from generator.exports.csv_subventions import Rangees, csv_text, decimal_text, sort_key
from generator.exports.ecritures import Ecritures
from generator.records import Deliberation, JsonObject
from generator.records.corpus import DEPARTEMENT, Corpus

SCHEMAS = Path(__file__).resolve().parent.parent / "records" / "schemas" / "scdl"
SIRET_DEPARTEMENT = "22620001200012"  # printed « 226 200 012 00012 » in the recueils' conventions
PREFECTURE = "PREF062"  # the Département's acts go to the préfecture du Pas-de-Calais
OBJET_MAX = 256


@functools.cache
def schema(name: str) -> JsonObject:
    """`subventions` or `deliberations`: the Table Schema as published on schema.data.gouv.fr."""
    lu: JsonObject = json.loads((SCHEMAS / f"scdl-{name}.schema.json").read_text(encoding="utf-8"))
    return lu


def fields(name: str) -> list[str]:
    return [f["name"] for f in schema(name)["fields"]]


def _short(text: str, limit: int) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# -- subventions ------------------------------------------------------------

ECHELONNE = re.compile(r"premier versement|acomptes?\b|versement du solde|en plusieurs versements", re.I)


def conditions_versement(delib: Deliberation) -> str:
    """`échelonné` when the articles describe staged payments, else `autre` (set by a convention or the rapport)."""
    texte = " ".join(a.texte for a in delib.articles)
    return "échelonné" if ECHELONNE.search(texte) else "autre"


def subventions_rows(corpus: Corpus, identifiants: list[Identifiant] | None = None, identifiees: bool = False) -> list[dict[str, str]]:
    """One SCDL row per grant of the Département, in the order of subventions.csv; `identifiees`: only those
    whose beneficiary is identified (SIRET or RNA), the only ones the schema accepts (`one-of-required`):
    subventions-scdl.csv's, the others left before their row is made (ten years: a few hundred rows of
    48 000). The others stay in subventions.csv; the control report counts them.

    `identifiants` is the publisher's table (site_data/identifiants.csv, checked on load).
    """
    table = par_cle(identifiants)
    ref = corpus.ref
    out = []
    conditions: dict[str, str] = {}  # deliberation → `conditions_versement`, read once for all its grants
    for s in sorted(corpus.subventions, key=sort_key):
        d = s.acte
        if d.collectivite != DEPARTEMENT:
            continue
        siret, rna = identifiants_de(s, table, siren_de(s, ref.communes))
        if identifiees and not (siret or rna):
            continue
        if d.id not in conditions:
            conditions[d.id] = conditions_versement(d)
        objet = s.objet or s.dispositif or d.titre or ""
        out.append(
            {
                "nomAttribuant": DEPARTEMENT,
                "idAttribuant": SIRET_DEPARTEMENT,
                "dateConvention": s.date,
                "referenceDecision": s.deliberation,
                "nomBeneficiaire": " ".join((s.beneficiaire or "").split()),
                "idBeneficiaire": siret,
                "rnaBeneficiaire": rna,
                "objet": _short(objet, OBJET_MAX),
                "montant": decimal_text(s.montant),
                "nature": "aide en numéraire",
                "conditionsVersement": conditions[d.id],
                "datesPeriodeVersement": s.date,
                "idRAE": "",
                "notificationUE": "non",
                "pourcentageSubvention": "1.00",
                "dispositifAide": "",
            }
        )
    return out


# -- délibérations ----------------------------------------------------------

# Nomenclature ACTES, level 2 (code → « matière/sous-matière » in lower case, no comma nor parenthesis).
MATIERES = {
    "7.1": "finances locales/décisions budgétaires",
    "7.5": "finances locales/subventions",
    "8.1": "domaines de compétences par thèmes/enseignement",
    "8.2": "domaines de compétences par thèmes/aide sociale",
    "8.3": "domaines de compétences par thèmes/voirie",
    "8.4": "domaines de compétences par thèmes/aménagement du territoire",
    "8.5": "domaines de compétences par thèmes/politique de la ville-habitat-logement",
    "8.6": "domaines de compétences par thèmes/emploi-formation professionnelle",
    "8.7": "domaines de compétences par thèmes/transports",
    "8.8": "domaines de compétences par thèmes/environnement",
    "8.9": "domaines de compétences par thèmes/culture",
    "9.2": "autres domaines de compétences/autres domaines de compétences des départements",
}

# Keywords of a deliberation's title → matière, first match wins; grants come first (7.5).
THEMES: list[tuple[str, str]] = [
    (r"\bvoirie\b|\bRD ?\d+|giratoire|route|ouvrage d'art|travers[ée]e", "8.3"),
    (r"biblioth[eè]que|lecture publique|patrimoin|monuments? historique|\bculture|mus[ée]e|archives", "8.9"),
    (r"espaces? naturels?|environnement|agricultur|biodiversit|\beau\b|d[ée]chets", "8.8"),
    (r"coll[eèé]g|[ée]tudiant|enseignement|scolaire", "8.1"),
    (
        r"pauvret[ée]|handicap|autonomie|aide sociale|enfance|protection de l'enfan|insertion|aide à domicile|personnes [âa]g[ée]es|RSA\b",
        "8.2",
    ),
    (r"logement|habitat|politique de la ville", "8.5"),
    (r"emploi|formation professionnelle", "8.6"),
    (r"transport|mobilit", "8.7"),
    (r"contractualisation|contrats? territoria|am[ée]nagement|bassin minier|territori", "8.4"),
    (r"budget|d[ée]cision modificative|compte administratif", "7.1"),
]


def matiere(delib: Deliberation, has_grants: bool) -> tuple[str, str]:
    """(code, nom) in the nomenclature ACTES: grants → 7.5, else the first theme of the title, else 9.2."""
    if has_grants:
        code = "7.5"
    else:
        titre = delib.titre or ""
        code = next((c for pattern, c in THEMES if re.search(pattern, titre, re.I)), "9.2")
    return code, MATIERES[code]


BUDGET = re.compile(r"budget\s+d[ée]partemental", re.I)


def budget(delib: Deliberation) -> tuple[str, str]:
    """(année, nom) when an article imputes the decision on the departmental budget, else empty."""
    if any(BUDGET.search(a.texte) for a in delib.articles):
        return delib.date[:4], "Budget départemental"
    return "", ""


def votes(delib: Deliberation) -> dict[str, str]:
    """SCDL vote counts: all or nothing (cohesive columns); VOTE_REEL = pour + contre + abstention.

    VOTE_EFFECTIF is the number of votes the vote block accounts for, absent
    members without proxy included (78 in a Conseil départemental).
    """
    v = delib.vote
    keys = ("VOTE_EFFECTIF", "VOTE_REEL", "VOTE_POUR", "VOTE_CONTRE", "VOTE_ABSTENTION")
    if v.pour is None:
        return dict.fromkeys(keys, "")
    pour, contre, abst = v.pour or 0, v.contre or 0, v.abstention or 0
    reel = pour + contre + abst
    effectif = reel + (v.absents_sans_delegation or 0)
    return dict(zip(keys, (str(x) for x in (effectif, reel, pour, contre, abst))))


def deliberations_rows(corpus: Corpus, base_url: str | None = None) -> list[dict[str, str]]:
    """One SCDL row per deliberation of the Département (partner bodies' deliberations excluded).

    `DELIB_URL` must be an absolute URI: filled only when `base_url` (the
    site's public address) is given.
    """
    with_grants = {s.deliberation for s in corpus.subventions}
    out = []
    for d in sorted(corpus.deliberations.values(), key=lambda d: (d.date, d.id)):
        if d.collectivite != DEPARTEMENT:
            continue
        code, nom = matiere(d, d.id in with_grants)
        annee, budget_nom = budget(d)
        envoi = d.envoi_controle_legalite or ""
        if envoi and envoi < d.date:
            envoi = ""  # a transmission before the vote is a misreading
        out.append(
            {
                "COLL_NOM": DEPARTEMENT,
                "COLL_SIRET": SIRET_DEPARTEMENT,
                "DELIB_ID": d.id,
                "DELIB_DATE": d.date,
                "DELIB_MATIERE_CODE": code,
                "DELIB_MATIERE_NOM": nom,
                "DELIB_OBJET": " ".join((d.titre or "").split()),
                "BUDGET_ANNEE": annee,
                "BUDGET_NOM": budget_nom,
                "PREF_ID": PREFECTURE if envoi else "",
                "PREF_DATE": envoi,
                **votes(d),
                "DELIB_URL": f"{base_url.rstrip('/')}/deliberations/{d.id}/" if base_url else "",
            }
        )
    return out


def cle(corpus: Corpus, rangees: Rangees, identifiants: list[Identifiant] | None, base_url: str | None) -> str | None:
    """What the two SCDL files are made of: the grants and the deliberations as read (`empreinte_valide`: a row
    takes its deliberation's text, a SIRET… beyond what `Rangees.cle` stands for, so a record changed since read
    leaves no key: the files are made and compared), the publisher's identifiants, the site's address, the
    reference geography and the code (`Rangees.cle_fichier`)."""
    delibs = corpus.deliberations
    if rangees.deliberations is None or any(s.acte is not delibs.get(s.acte.id) for s in rangees.ordre):
        return None  # (a grant's deliberation outside the corpus's: not in `Rangees.deliberations`)
    table = json.dumps([[dataclasses.astuple(i) for i in identifiants or []], base_url], ensure_ascii=False)
    cle = rangees.cle_fichier("scdl", rangees.ordre, rangees.deliberations, table)
    return None if rangees.relues else cle


def write(
    corpus: Corpus,
    out_dir: Path,
    identifiants: list[Identifiant] | None = None,
    base_url: str | None = None,
    rangees: Rangees | None = None,
    ecritures: Ecritures | None = None,
) -> list[Path]:
    """subventions-scdl.csv holds only the identified grants (`subventions_rows`' `identifiees`): a file that claims a
    schema passes it. Neither made nor written when the last build left them from the same inputs (`cle`)."""
    rangees = rangees or Rangees(corpus)
    ecritures = ecritures or Ecritures(out_dir)
    paths = [out_dir / "subventions-scdl.csv", out_dir / "deliberations-scdl.csv"]
    k = cle(corpus, rangees, identifiants, base_url)
    subventions = functools.partial(_scdl, "subventions", lambda: subventions_rows(corpus, identifiants, identifiees=True))
    deliberations = functools.partial(_scdl, "deliberations", lambda: deliberations_rows(corpus, base_url))
    ecritures.fichier(paths[0], None if k is None else k + paths[0].name, subventions)
    ecritures.fichier(paths[1], None if k is None else k + paths[1].name, deliberations)
    return paths


def _scdl(nom: str, lignes: Callable[[], list[dict[str, str]]]) -> str:
    return csv_text(fields(nom), lignes())

"""`deliberations.csv`: one row per deliberation published, the table the grants refer to
(`subventions.csv` → `deliberation`; declared as a foreign key in datapackage.json).

Its columns are those of the `deliberations` table of recueil.sqlite (`valeurs` makes both), so that the
CSV and the database never differ; the dispositif is in the year's `recueil-texte-AAAA.sqlite`.
"""

from __future__ import annotations

import functools
from pathlib import Path

from generator.exports.csv_subventions import Rangees, csv_text
from generator.exports.ecritures import Ecritures
from generator.records.corpus import Corpus, DeliberationPubliee

# column → description: the « Données » page, datapackage.json and Datasette's metadata.json
COLONNES: dict[str, str] = {
    "id": "Numéro de la délibération sur ce site (ex. 2021-243), auquel renvoie la colonne deliberation de subventions.csv",
    "numero_imprime": "Numéro tel qu'imprimé au recueil",
    "date": "Date de la séance (AAAA-MM-JJ)",
    "organe": "Assemblée qui a délibéré (Conseil départemental, Commission permanente)",
    "collectivite": "Collectivité qui a délibéré",
    "titre": "Titre de la délibération",
    "session_id": "Séance",
    "vote_pour": "Voix pour",
    "vote_contre": "Voix contre",
    "vote_abstention": "Abstentions",
    "vote_absents": "Absents sans délégation au moment du vote",
    "resultat": "Résultat du vote",
    "presents": "Nombre d'élus présents",
    "excuses": "Nombre d'élus excusés",
    "absents": "Nombre d'élus absents",
    "envoi_controle_legalite": "Date d'envoi au contrôle de légalité",
    "affichage": "Date d'affichage ou de publication",
    "recueil": "Recueil mensuel où elle est publiée",
    "source": "Fichier source",
    "line": "Première ligne dans le fichier source",
    "url": "Page de la délibération sur ce site (relative à la racine)",
    "line_end": "Dernière ligne dans le fichier source",
    "page_debut": "Première page dans le PDF original",
    "page_fin": "Dernière page dans le PDF original",
    "url_original": "PDF original sur ce site (relative à la racine) ; l'original signé fait foi",
}
FIELDS = list(COLONNES)
ENTIERS = frozenset(
    {
        "vote_pour",
        "vote_contre",
        "vote_abstention",
        "vote_absents",
        "presents",
        "excuses",
        "absents",
        "line",
        "line_end",
        "page_debut",
        "page_fin",
    }
)
DATES = frozenset({"date", "envoi_controle_legalite", "affichage"})


def valeurs(corpus: Corpus, d: DeliberationPubliee) -> dict[str, str | int | None]:
    """A deliberation's cells, by column (`FIELDS`), None where it has nothing: the one reading of its fields."""
    v, a = d.vote, d.attendance
    original = corpus.originaux.get(d.source)  # its published PDF (`Corpus.lier_originaux`)
    return {
        "id": d.id,
        "numero_imprime": d.numero_imprime,
        "date": d.date,
        "organe": d.organe,
        "collectivite": d.collectivite,
        "titre": d.titre,
        "session_id": d.session_id,
        "vote_pour": v.pour,
        "vote_contre": v.contre,
        "vote_abstention": v.abstention,
        "vote_absents": v.absents_sans_delegation,
        "resultat": v.resultat,
        "presents": len(a.presents),
        "excuses": len(a.excuses),
        "absents": len(a.absents),
        "envoi_controle_legalite": d.envoi_controle_legalite,
        "affichage": d.affichage,
        "recueil": d.recueil,
        "source": d.source,
        "line": d.line,
        "url": f"deliberations/{d.id}/",
        "line_end": d.line_end,
        "page_debut": d.page_debut,
        "page_fin": d.page_fin,
        "url_original": original["url"] if original else None,
    }


def ordre(corpus: Corpus) -> list[DeliberationPubliee]:
    """The deliberations by date, then number: the order of the CSV and of the database."""
    return sorted(corpus.deliberations.values(), key=lambda d: (d.date, d.id))


def write(corpus: Corpus, out_dir: Path, rangees: Rangees | None = None, ecritures: Ecritures | None = None) -> list[Path]:
    """deliberations.csv, its rows counted in `ecritures` (for the « Données » page); neither made nor written when
    the last build left it from the same deliberations (`Rangees.deliberations`) and code."""
    rangees = rangees or Rangees(corpus)
    path = out_dir / "deliberations.csv"
    lues = rangees.deliberations
    cle = None if lues is None else rangees.cle_fichier(path.name, [], lues)
    (ecritures or Ecritures(out_dir)).fichier(path, cle, functools.partial(_texte, corpus), len(corpus.deliberations))
    return [path]


def _texte(corpus: Corpus) -> str:
    return csv_text(FIELDS, [{k: "" if x is None else str(x) for k, x in valeurs(corpus, d).items()} for d in ordre(corpus)])

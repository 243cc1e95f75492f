"""site_data/elus_alias.yaml: the publisher's reviewed list of names printed in several ways.

Each entry says that a printed name (`variante`) is the same person as another (`nom`), e.g. the
corpus prints both « Aurélia BEIGNEUX » and « Aurélie BEIGNEUX ». Nothing is merged beyond this file
and the safe distance of `cle_personne` (accents, case and spaces only). The file is checked entry by
entry; every mistake is named in French with its entry number, like corrections.yaml.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from generator.commun.pliage import sans_accents

FICHIER = "elus_alias.yaml"


class AliasError(ValueError):
    """The alias file is wrong: `erreurs` lists every mistake, in French."""

    def __init__(self, erreurs: list[str]):
        super().__init__("\n".join(erreurs))
        self.erreurs = erreurs


def cle_personne(nom: str) -> str:
    """The safe key two printings of one name share: no accents, upper case, no spaces (a layout space
    inside a surname, « MULOT-FRIS COURT »), hyphens kept (« Jean-Claude » is not « Jean Claude » … nor
    a different surname)."""
    return "".join(sans_accents(nom).upper().split())


def lire(path: Path) -> dict[str, str]:
    """{safe key of a variant: name it stands for} from the file (empty when there is none)."""
    if not path.exists():
        return {}
    return verifier(yaml.safe_load(path.read_text(encoding="utf-8")))


def verifier(data: object) -> dict[str, str]:
    """The checked aliases of the loaded YAML `data`; AliasError naming every mistake."""
    if data is None:
        return {}
    if not isinstance(data, dict) or set(data) - {"alias"}:
        raise AliasError([f"{FICHIER} : le fichier doit contenir une seule clé « alias: » suivie d'une liste d'entrées."])
    entrees = data.get("alias") or []
    if not isinstance(entrees, list):
        raise AliasError([f"{FICHIER} : « alias: » doit être suivi d'une liste d'entrées (« - variante: … »)."])
    erreurs: list[str] = []
    out: dict[str, str] = {}
    for n, e in enumerate(entrees, 1):
        where = f"{FICHIER}, entrée {n}"
        if not isinstance(e, dict) or set(e) != {"variante", "nom"}:
            erreurs.append(
                f"{where} : une entrée a exactement deux champs, « variante: » (le nom tel qu'imprimé) et « nom: » (le nom retenu)."
            )
            continue
        variante, nom = e["variante"], e["nom"]
        if not isinstance(variante, str) or not isinstance(nom, str) or not variante.strip() or not nom.strip():
            erreurs.append(f"{where} : « variante » et « nom » sont des noms non vides (par exemple « Aurélia BEIGNEUX »).")
            continue
        k = cle_personne(variante)
        if k == cle_personne(nom):
            erreurs.append(
                f"{where} : « {variante} » et « {nom} » ne diffèrent que par les accents, la casse ou les espaces ; ils sont déjà réunis, l'entrée est inutile."
            )
        elif k in out and out[k] != nom:
            erreurs.append(f"{where} : « {variante} » est déjà rattaché à « {out[k]} » par une entrée précédente.")
        else:
            out[k] = nom.strip()
    for nom in out.values():
        if cle_personne(nom) in out:
            erreurs.append(
                f"{FICHIER} : « {nom} » est à la fois un nom retenu et une variante ; rattachez les variantes directement au nom retenu."
            )
    if erreurs:
        raise AliasError(erreurs)
    return out

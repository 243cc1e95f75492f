"""site_data/elus_alias.yaml: the publisher's reviewed list of names printed in several ways.

Each entry says that a printed name (`variante`) is the same person as another (`nom`), e.g. the
corpus prints both « Aurélia BEIGNEUX » and « Aurélie BEIGNEUX ». Nothing is merged beyond this file
and the safe distance of `cle_personne` (accents, case and spaces only). The file is checked entry by
entry; every mistake is named in French with its entry number, like corrections.yaml.
"""

from __future__ import annotations

import functools
from pathlib import Path

import yaml

from generator.commun.erreurs import ErreurDeSaisie
from generator.commun.pliage import sans_accents

FICHIER = "elus_alias.yaml"


class AliasError(ErreurDeSaisie):
    """The alias file is wrong: `erreurs` lists every mistake, in French, each naming its entry. A
    publisher's mistake: the build reads the file first and stops there (`extraction.extract`), before
    anything is written, as for corrections.yaml."""

    def __init__(self, erreurs: list[str], ligne: int | None = None):
        self.erreurs = erreurs
        super().__init__(FICHIER, "\n".join(erreurs), ligne)

    def texte(self) -> str:
        return "\n".join(self.erreurs)


@functools.lru_cache(maxsize=1 << 16)  # the same few hundred names, printed in every deliberation's lists
def cle_personne(nom: str) -> str:
    """The safe key two printings of one name share: no accents, upper case, no spaces (a layout space
    inside a surname, « MULOT-FRIS COURT »), hyphens kept (« Jean-Claude » is not « Jean Claude » … nor
    a different surname)."""
    return "".join(sans_accents(nom).upper().split())


def lire(path: Path) -> dict[str, str]:
    """{safe key of a variant: name it stands for} from the file (empty when there is none)."""
    if not path.exists():
        return {}
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        n = data.count(b"\n", 0, exc.start) + 1
        raise AliasError(
            [
                f"{FICHIER}, ligne {n} : caractère illisible, le fichier n'est pas enregistré en UTF-8 ; enregistrez-le en UTF-8 depuis votre éditeur."
            ],
            n,
        ) from None
    try:
        noeud = yaml.compose(text, Loader=yaml.SafeLoader)
        contenu = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        ligne = mark.line + 1 if mark else None
        ou = f"{FICHIER}, ligne {ligne}" if ligne else FICHIER
        raise AliasError(
            [
                f"{ou} : syntaxe YAML invalide ({exc.problem or exc.context}) ; attendu une liste d'entrées "
                "« - variante: … » suivies de « nom: … » indenté de deux espaces (voir l'exemple en tête du fichier)."
            ],
            ligne,
        ) from None
    except yaml.YAMLError as exc:
        raise AliasError([f"{FICHIER} : le fichier n'est pas lisible en YAML ({exc})."]) from None
    return verifier(contenu, _lignes_des_entrees(noeud))


def _lignes_des_entrees(noeud: yaml.Node | None) -> list[int]:
    """The line (from 1) where each entry of « alias: » starts, for the messages."""
    if not isinstance(noeud, yaml.MappingNode):
        return []
    for cle, valeur in noeud.value:
        if isinstance(cle, yaml.ScalarNode) and cle.value == "alias" and isinstance(valeur, yaml.SequenceNode):
            return [e.start_mark.line + 1 for e in valeur.value]
    return []


def verifier(data: object, lignes: list[int] | None = None) -> dict[str, str]:
    """The checked aliases of the loaded YAML `data` (`lignes`: where each entry starts in the file);
    AliasError naming every mistake."""
    if data is None:
        return {}
    if not isinstance(data, dict) or set(data) - {"alias"}:
        raise AliasError([f"{FICHIER} : le fichier doit contenir une seule clé « alias: » suivie d'une liste d'entrées."])
    entrees = data.get("alias") or []
    if not isinstance(entrees, list):
        raise AliasError([f"{FICHIER} : « alias: » doit être suivi d'une liste d'entrées (« - variante: … »)."])
    erreurs: list[str] = []
    out: dict[str, str] = {}
    ou: dict[str, str] = {}  # safe key of a variant → its entry, for the messages
    for n, e in enumerate(entrees, 1):
        where = f"{FICHIER}, entrée {n}" + (f" (ligne {lignes[n - 1]})" if lignes and n <= len(lignes) else "")
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
            out[k], ou[k] = nom.strip(), where
    for k, nom in out.items():
        if cle_personne(nom) in out:
            erreurs.append(
                f"{ou[k]} : « {nom} » est à la fois un nom retenu et une variante ({ou[cle_personne(nom)]}) ; "
                "rattachez les variantes directement au nom retenu."
            )
    if erreurs:
        raise AliasError(erreurs)
    return out

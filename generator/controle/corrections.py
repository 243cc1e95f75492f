"""The publisher's corrections, applied on top of the extracted data (site_data/corrections.yaml).

A recueil sometimes gets something wrong (a misprinted number, a beneficiary's
name) or writes a place the resolver cannot place. The publisher fixes it in one
small hand-edited file instead of editing generated data; every correction applied
is listed in the control report, and one that matches nothing is reported too.

The file is checked whole before anything is used (`load`): its YAML syntax, its
rubriques and keys, the type of each value, the places in the reference, and every
id against the shapes the extraction gives (`records.ID_DELIBERATION`), so that no
value can become a path. Every problem is reported at once, each with its line in
the file, what was expected and what to do (`CorrectionError`). Whether the act or
grant an entry names exists can only be known once the sources are read
(`verifier_cibles`).
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from generator.commun.erreurs import ErreurDeSaisie
from generator.lieux import places
from generator.parse.actes import ORGANES_CONNUS
from generator.parse.ingest import Extraction
from generator.records import ID_DELIBERATION, ID_SUBVENTION, JsonObject, PlaceRef, Problem
from generator.records.place import PlaceKind
from generator.subventions.beneficiaires import TYPES as TYPES_BENEFICIAIRE
from generator.subventions.tables.base import PORTEUR_INCERTAIN

RUBRIQUES = ("lieux", "deliberations", "subventions", "retraits")
# The keys of an entry of each rubrique, those it must have first.
CLES = {
    "lieux": ("ecrit", "type", "code"),
    "deliberations": ("id", "corriger", "source"),
    "subventions": ("id", "corriger"),
    "retraits": ("deliberation", "source", "motif"),
}
OBLIGATOIRES = {
    "lieux": ("ecrit", "type", "code"),
    "deliberations": ("id", "corriger"),
    "subventions": ("id", "corriger"),
    "retraits": ("motif",),
}
# retraits: a withdrawal the publisher confirms (`generator.controle.garde`): a deliberation (or some of its grants)
# that a new version of its file no longer holds, or a whole source removed from the inbox
DELIBERATION_FIELDS = ("id", "titre", "date", "organe")
SUBVENTION_FIELDS = ("beneficiaire", "objet", "dispositif", "type_beneficiaire", "commune")
ORGANES = tuple(sorted(set(ORGANES_CONNUS.values())))
TAILLE_MAX = 1_000_000  # bytes: the real file is a few kilobytes; a bigger one is not a corrections file

_NULL = "tag:yaml.org,2002:null"
_CONTROLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_NOM_DE_FICHIER = re.compile(r"[^/\\\x00-\x1f]+")
_EXEMPLES = {
    "deliberations": "un numéro de délibération comme 2021-243 (ou cabbalr-2023-12-12 pour l'acte d'un partenaire)",
    "subventions": "un identifiant de subvention comme 2021-243-0012 (numéro de la délibération et rang à 4 chiffres)",
}
# PyYAML's words for the usual slips, in the publisher's words.
_SYNTAXE = (
    ("mapping values are not allowed", "un « : » de trop (un texte contenant « : » doit être entre guillemets)"),
    ("could not find expected ':'", "il manque « : » après le nom d'une clé"),
    ("found character '\\t'", "une tabulation ; l'indentation se fait avec des espaces"),
    ("expected <block end>", "indentation incohérente (les clés d'une même entrée doivent être alignées)"),
    ("expected ',' or ']'", "crochet « [ » non refermé"),
    ("expected ',' or '}'", "accolade « { » non refermée"),
    ("found unexpected end of stream", "guillemet non refermé"),
    ("expected the node content", "valeur manquante (crochet, accolade ou guillemet non refermé ?)"),
    ("found undefined alias", "« * » en début de valeur (un texte commençant par « * » doit être entre guillemets)"),
    ("expected a single document", "plusieurs documents séparés par « --- » ; un seul est attendu"),
    ("expected alphabetic or numeric character", "« & » ou « * » en début de valeur (mettez la valeur entre guillemets)"),
)


@dataclass
class CorrectionLieu:
    """« lieux » : a place name as a source writes it (`ecrit`), to be read as the commune or EPCI `code`."""

    ligne: int  # its line in corrections.yaml, for later messages
    ecrit: str
    type: PlaceKind
    code: str


@dataclass
class CorrectionDeliberation:
    """« deliberations » : the fields of the act `id` (its number or printed number) to replace, in every
    source or only in `source`."""

    ligne: int
    id: str
    corriger: dict[str, str]  # DELIBERATION_FIELDS → text
    source: str | None = None


@dataclass
class CorrectionSubvention:
    """« subventions » : the fields of the grant `id` to replace."""

    ligne: int
    id: str
    corriger: dict[str, str]  # SUBVENTION_FIELDS → text (`commune`: an INSEE code)


@dataclass
class Retrait:
    """« retraits » : a withdrawal the publisher confirms, of a deliberation (or some of its grants) or of a
    whole source (`controle.garde`)."""

    ligne: int
    motif: str
    deliberation: str | None = None
    source: str | None = None


Entree = CorrectionLieu | CorrectionDeliberation | CorrectionSubvention | Retrait


@dataclass
class Corrections:
    """The entries of corrections.yaml, rubrique by rubrique, in the file's order."""

    def ajouter(self, e: Entree) -> None:
        if isinstance(e, CorrectionLieu):
            self.lieux.append(e)
        elif isinstance(e, CorrectionDeliberation):
            self.deliberations.append(e)
        elif isinstance(e, CorrectionSubvention):
            self.subventions.append(e)
        else:
            self.retraits.append(e)

    lieux: list[CorrectionLieu] = field(default_factory=list)
    deliberations: list[CorrectionDeliberation] = field(default_factory=list)
    subventions: list[CorrectionSubvention] = field(default_factory=list)
    retraits: list[Retrait] = field(default_factory=list)


class CorrectionError(ErreurDeSaisie):
    """Every problem found in corrections.yaml (`erreurs`, one `ErreurDeSaisie` each, in line order);
    `corrections`: the entries that were right, as `load` gives them (their targets can still be checked)."""

    def __init__(self, erreurs: list[ErreurDeSaisie], corrections: Corrections | None = None):
        self.erreurs = sorted(erreurs, key=lambda e: e.ligne or 0)
        self.corrections = corrections or Corrections()
        first = self.erreurs[0]
        super().__init__(first.fichier, first.message, first.ligne)

    def texte(self) -> str:
        return "\n".join(e.texte() for e in self.erreurs)


def load(path: Path) -> Corrections:
    """The corrections file, checked whole; no entry when there is none. Each entry is the record of
    its rubrique, with its line in the file; raises `CorrectionError` with every problem found."""
    out = Corrections()
    if not path.exists():
        return out
    lecteur = _Lecteur(path.name)
    racine = lecteur.composer(path)
    if racine is not None and not lecteur.erreurs:
        for rubrique, entrees in lecteur.rubriques(racine):
            for node in entrees:
                entree = lecteur.entree(rubrique, node)
                if entree is not None:
                    out.ajouter(entree)
        lecteur.doublons(out.lieux)
    if lecteur.erreurs:
        raise CorrectionError(lecteur.erreurs, out)
    return out


def _ligne(node: Node) -> int:
    return node.start_mark.line + 1


def _vide(node: Node) -> bool:
    return isinstance(node, ScalarNode) and (node.tag == _NULL or not node.value.strip())


def _decrit(node: Node) -> str:
    if isinstance(node, SequenceNode):
        return "une liste"
    if isinstance(node, MappingNode):
        return "un ensemble de clés"
    return f"« {node.value[:80]}{'…' if len(node.value) > 80 else ''} »"


def _proche(mot: str, possibles: Iterable[str]) -> str:
    """« (vouliez-vous dire « x » ?) » when a possible word is close to `mot` (case and accents aside)."""
    plies = {_fold(p): p for p in possibles}
    proche = difflib.get_close_matches(_fold(mot), list(plies), n=1, cutoff=0.6)
    return f" (vouliez-vous dire « {plies[proche[0]]} » ?)" if proche else ""


class _Lecteur:
    """Reads corrections.yaml node by node, collecting every problem with its line."""

    def __init__(self, fichier: str):
        self.fichier = fichier
        self.erreurs: list[ErreurDeSaisie] = []

    def erreur(self, ligne: int | None, message: str) -> None:
        self.erreurs.append(ErreurDeSaisie(self.fichier, message, ligne))

    def composer(self, path: Path) -> Node | None:
        """The YAML tree of the file (nodes know their lines), or None after reporting why not."""
        if path.stat().st_size > TAILLE_MAX:
            self.erreur(
                None,
                f"fichier de {path.stat().st_size} octets ; attendu un fichier de corrections de quelques "
                f"kilo-octets (au plus {TAILLE_MAX // 1000} ko) ; vérifiez que c'est bien le fichier des corrections",
            )
            return None
        data = path.read_bytes()
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            self.erreur(
                data.count(b"\n", 0, exc.start) + 1,
                "caractère illisible : le fichier n'est pas enregistré en UTF-8 ; attendu un texte UTF-8 ; "
                "enregistrez-le en UTF-8 depuis votre éditeur (ou retapez les lettres accentuées de cette ligne)",
            )
            return None
        try:
            return yaml.compose(text, Loader=yaml.SafeLoader)
        except yaml.MarkedYAMLError as exc:
            probleme = exc.problem or ""
            mark = exc.problem_mark or exc.context_mark
            ligne = mark.line + 1 if mark else None
            fin = len(text.rstrip())
            if mark is not None and mark.index >= fin:  # the file ends inside a bracket or a quote: where it opens
                ouvert = exc.context_mark if exc.context_mark and exc.context_mark.index < fin else None
                ligne = ouvert.line + 1 if ouvert else text.rstrip().count("\n") + 1
            dit = next((fr for en, fr in _SYNTAXE if en in f"{exc.context} {probleme}"), f"syntaxe YAML invalide ({probleme})")
            self.erreur(
                ligne,
                f"{dit} ; attendu des lignes « clé: valeur » indentées par des espaces, chaque entrée commençant "
                "par « - » ; corrigez cette ligne (voir l'exemple en tête du fichier)",
            )
        except yaml.YAMLError as exc:  # a character YAML refuses (ReaderError): position in characters
            position = getattr(exc, "position", 0)
            code = getattr(exc, "character", None)
            code = f"U+{code:04X}" if isinstance(code, int) else "?"
            self.erreur(
                text.count("\n", 0, position) + 1,
                f"caractère interdit ({code}) ; attendu du texte ; supprimez ce caractère (un fichier binaire ou mal copié ?)",
            )
        except RecursionError:
            self.erreur(
                None,
                "imbrication trop profonde de listes ou de clés ; attendu trois niveaux au plus "
                "(rubrique, entrée, corriger) ; reprenez le fichier à partir de l'exemple en tête",
            )
        return None

    def rubriques(self, racine: Node) -> list[tuple[str, list[Node]]]:
        """(rubrique, its entries' nodes) for each rubrique of the file."""
        if _vide(racine):
            return []
        if not isinstance(racine, MappingNode):
            self.erreur(
                _ligne(racine),
                f"le fichier contient {_decrit(racine)} ; attendu les rubriques « lieux: », "
                "« deliberations: », « subventions: » en début de ligne ; reprenez l'exemple en tête du fichier",
            )
            return []
        out: list[tuple[str, list[Node]]] = []
        vues: dict[str, int] = {}
        for cle, valeur in racine.value:
            nom = cle.value if isinstance(cle, ScalarNode) else None
            if nom not in RUBRIQUES:
                self.erreur(
                    _ligne(cle),
                    f"rubrique inconnue {_decrit(cle)}{_proche(str(nom), RUBRIQUES) if nom else ''} ; "
                    "attendu lieux, deliberations ou subventions ; corrigez son nom",
                )
                continue
            if nom in vues:
                self.erreur(
                    _ligne(cle),
                    f"rubrique « {nom} » déjà ouverte ligne {vues[nom]} (ses entrées seraient perdues) ; "
                    "attendu une seule fois chaque rubrique ; réunissez leurs entrées sous la première",
                )
                continue
            vues[nom] = _ligne(cle)
            if _vide(valeur):
                continue
            if not isinstance(valeur, SequenceNode):
                self.erreur(
                    _ligne(valeur),
                    f"la rubrique « {nom} » contient {_decrit(valeur)} ; attendu une liste d'entrées, "
                    "chacune commençant par « - » ; ajoutez « - » devant la première clé de chaque entrée",
                )
                continue
            out.append((nom, valeur.value))
        return out

    def entree(self, rubrique: str, node: Node) -> Entree | None:
        """One entry of a rubrique, checked: its record, or None when it is wrong."""
        n = _ligne(node)
        cles = CLES[rubrique]
        if not isinstance(node, MappingNode):
            self.erreur(
                n,
                f"entrée de « {rubrique} » : {_decrit(node)} ; attendu les clés {', '.join(cles)} "
                "(une par ligne, « clé: valeur ») ; reprenez l'exemple en tête du fichier",
            )
            return None
        avant = len(self.erreurs)
        champs = self.cles(node, cles, f"entrée de « {rubrique} »")
        for manque in (c for c in OBLIGATOIRES[rubrique] if c not in champs):
            self.erreur(
                n,
                f"entrée de « {rubrique} » sans « {manque} » ; attendu {', '.join(OBLIGATOIRES[rubrique])} ; ajoutez la clé « {manque}: »",
            )
        valeurs: dict[str, str] = {}
        corriger: dict[str, str] | None = None
        for cle, valeur in champs.items():
            if cle == "corriger":
                corriger = self.corriger(rubrique, valeur)
            elif (v := self.valeur(rubrique, cle, valeur)) is not None:
                valeurs[cle] = v
        if rubrique == "lieux" and "type" in valeurs and "code" in valeurs:
            self.lieu(champs["code"], _kind(valeurs["type"]), valeurs["code"])
        if rubrique == "retraits" and len({"deliberation", "source"} & set(champs)) != 1:
            self.erreur(
                n,
                "un retrait nomme soit une délibération (« deliberation: 2021-243 »), soit un fichier retiré "
                "(« source: nom.txt ») ; attendu l'un des deux, avec un « motif » ; corrigez cette entrée",
            )
        if len(self.erreurs) != avant:  # (every key it must have is then in `valeurs`, `corriger` given)
            return None
        if rubrique == "lieux":
            return CorrectionLieu(n, valeurs["ecrit"], _kind(valeurs["type"]), valeurs["code"])
        if rubrique == "retraits":
            return Retrait(n, valeurs["motif"], valeurs.get("deliberation"), valeurs.get("source"))
        assert corriger is not None
        if rubrique == "deliberations":
            return CorrectionDeliberation(n, valeurs["id"], corriger, valeurs.get("source"))
        return CorrectionSubvention(n, valeurs["id"], corriger)

    def cles(self, node: MappingNode, permises: Collection[str], ou: str) -> dict[str, Node]:
        """{key: value node} of a mapping; unknown and repeated keys reported."""
        out: dict[str, Node] = {}
        lignes: dict[str, int] = {}
        for cle, valeur in node.value:
            nom = cle.value if isinstance(cle, ScalarNode) else None
            if nom is None or nom not in permises:
                self.erreur(
                    _ligne(cle),
                    f"{ou} : clé inconnue {_decrit(cle)}{_proche(str(nom), permises) if nom else ''} ; "
                    f"attendu {', '.join(permises)} ; corrigez ou supprimez cette clé",
                )
            elif nom in out:
                self.erreur(
                    _ligne(cle),
                    f"{ou} : clé « {nom} » déjà donnée ligne {lignes[nom]} ; attendu une seule fois "
                    "chaque clé ; gardez la bonne valeur et supprimez l'autre",
                )
            else:
                out[nom], lignes[nom] = valeur, _ligne(cle)
        return out

    def texte(self, node: Node, cle: str) -> str | None:
        """A one-line text value, or None after reporting."""
        if not isinstance(node, ScalarNode):
            self.erreur(
                _ligne(node), f'« {cle} » est {_decrit(node)} ; attendu un texte sur une ligne ; écrivez {cle}: "…" sur une seule ligne'
            )
            return None
        if _vide(node):
            self.erreur(_ligne(node), f"« {cle} » est vide ; attendu une valeur ; complétez-la ou supprimez la clé")
            return None
        if m := _CONTROLE.search(node.value):
            self.erreur(
                _ligne(node),
                f"« {cle} » contient un caractère de contrôle (U+{ord(m.group()):04X}, un retour à la ligne ?) ; "
                "attendu un texte sur une ligne ; retapez cette valeur",
            )
            return None
        texte: str = node.value
        return texte.strip()

    def valeur(self, rubrique: str, cle: str, node: Node) -> str | None:
        """The value of a key of an entry (not `corriger`), checked."""
        v = self.texte(node, cle)
        if v is None:
            return None
        n = _ligne(node)
        if cle == "id":
            self.identifiant(n, rubrique, v, "id")
        elif cle == "deliberation":
            self.identifiant(n, "deliberations", v, "deliberation")
        elif cle == "type" and v not in ("commune", "epci"):
            self.erreur(n, f"type « {v} » inconnu ; attendu commune ou epci ; corrigez le type")
            return None
        elif cle == "source" and (not _NOM_DE_FICHIER.fullmatch(v) or v in (".", "..")):
            self.erreur(
                n,
                f"source « {v} » invalide ; attendu le nom d'un fichier de site_data/sources, "
                "sans dossier (ex. 003_97c6f9649ae06488.txt) ; gardez seulement le nom du fichier",
            )
        return v

    def identifiant(self, n: int, rubrique: str, v: str, cle: str) -> None:
        forme = ID_DELIBERATION if rubrique == "deliberations" else ID_SUBVENTION
        if forme.fullmatch(v):
            return
        chemin = " ; « / », « \\ » et « .. » sont interdits dans un identifiant" if re.search(r"[/\\\x00]|\.\.", v) else ""
        self.erreur(
            n,
            f"{cle} « {v} » n'est pas un identifiant valide{chemin} ; attendu {_EXEMPLES[rubrique]} ; "
            "recopiez l'identifiant affiché sur le site ou dans site_data",
        )

    def corriger(self, rubrique: str, node: Node) -> dict[str, str] | None:
        """The `corriger` mapping of a deliberation or grant entry, checked: {field: text}."""
        permis = DELIBERATION_FIELDS if rubrique == "deliberations" else SUBVENTION_FIELDS
        if not isinstance(node, MappingNode) or not node.value:
            self.erreur(
                _ligne(node),
                f"« corriger » contient {'un ensemble vide' if isinstance(node, MappingNode) else _decrit(node)} ; "
                f"attendu les champs à corriger, parmi {', '.join(permis)} ; "
                'écrivez par exemple corriger: {titre: "…"}',
            )
            return None
        out: dict[str, str] = {}
        for cle, valeur in self.cles(node, permis, "corriger").items():
            v = self.texte(valeur, cle)
            if v is None:
                continue
            n = _ligne(valeur)
            if cle == "id":
                self.identifiant(n, rubrique, v, "corriger: id")
            elif cle == "date" and not _date_iso(v):
                self.erreur(n, f"date « {v} » invalide ; attendu une date AAAA-MM-JJ (ex. 2021-06-07) ; corrigez la date")
            elif cle == "organe" and v not in ORGANES:
                self.erreur(n, f"organe « {v} » inconnu{_proche(v, ORGANES)} ; attendu l'un de : {', '.join(ORGANES)} ; corrigez l'organe")
            elif cle == "type_beneficiaire" and v not in TYPES_BENEFICIAIRE:
                self.erreur(n, f"type_beneficiaire « {v} » inconnu ; attendu l'un de : {', '.join(TYPES_BENEFICIAIRE)} ; corrigez-le")
            elif cle == "commune" and v not in places.reference().communes:
                self.erreur(
                    n,
                    f"commune « {v} » inconnue du référentiel ; attendu le code INSEE d'une commune du Pas-de-Calais "
                    "(ex. 62873 pour Wancourt) ; corrigez le code",
                )
            out[cle] = v
        return out

    def lieu(self, node: Node, kind: PlaceKind, code: str) -> None:
        if code not in places.reference().entities(kind):
            attendu = (
                "le code INSEE d'une commune du Pas-de-Calais (ex. 62873 pour Wancourt)"
                if kind == "commune"
                else "le SIREN d'une intercommunalité du Pas-de-Calais (9 chiffres, ex. 200033579)"
            )
            self.erreur(
                _ligne(node),
                f"{kind} « {code} » inconnu{'e' if kind == 'commune' else ''} du référentiel ; attendu {attendu} ; "
                "corrigez le code (voir site_data/reference)",
            )

    def doublons(self, lieux: list[CorrectionLieu]) -> None:
        """Two place corrections of one name: only the last would be used."""
        vus: dict[tuple[str, str], int] = {}
        for e in lieux:
            cle = (e.type, _fold(e.ecrit))
            if cle in vus:
                self.erreur(
                    e.ligne,
                    f"« {e.ecrit} » ({e.type}) est déjà corrigé ligne {vus[cle]} ; attendu une seule "
                    "correction par nom ; gardez la bonne et supprimez l'autre",
                )
            vus.setdefault(cle, e.ligne)


def _kind(v: str) -> PlaceKind:
    """The kind of place of a « type » `valeur` has checked (commune or epci)."""
    return "commune" if v == "commune" else "epci"


def _date_iso(v: str) -> bool:
    try:
        return bool(re.fullmatch(r"\d{4}-\d{2}-\d{2}", v)) and dt.date.fromisoformat(v) is not None
    except ValueError:
        return False


def _fold(text: str) -> str:
    return places.normalise(text)


def lieux(corrections: Corrections) -> dict[tuple[str, str], str]:
    """The place corrections as `localisation.localise` consults them: {(kind, folded name): code}."""
    return {(e.type, _fold(e.ecrit)): e.code for e in corrections.lieux}


def apply(ex: Extraction, corrections: Corrections, applied: list[JsonObject]) -> Extraction:
    """A corrected copy of one source's extraction (deliberations and grants; places are corrected
    where they are resolved, `localisation.localise`); `applied` receives what was changed, each with
    the line of its entry in corrections.yaml (`ligne_correction`)."""
    source = ex.document.source

    delibs = []
    for d in ex.document.deliberations:
        for e in corrections.deliberations:
            if e.id in (d.id, d.numero_imprime) and e.source in (None, source):
                changes = e.corriger  # DELIBERATION_FIELDS, text fields all (checked by `load`)
                applied.append(
                    {
                        "source": source,
                        "ligne_correction": e.ligne,
                        "message": f"Délibération {d.id} : "
                        + ", ".join(f"{k} « {getattr(d, k)} » → « {v} »" for k, v in sorted(changes.items())),
                    }
                )
                d = replace(
                    d,
                    id=changes.get("id", d.id),
                    titre=changes.get("titre", d.titre),
                    date=changes.get("date", d.date),
                    organe=changes.get("organe", d.organe),
                )
        delibs.append(d)
    renamed = {o.id: n.id for o, n in zip(ex.document.deliberations, delibs) if o.id != n.id}
    subs = []
    tranches: set[tuple[str, int]] = set()  # grants whose uncertain beneficiary a correction settled
    for s in ex.subventions:
        if s.deliberation in renamed:
            s = replace(s, deliberation=renamed[s.deliberation])
        for c in corrections.subventions:
            if c.id == s.id:
                code = c.corriger.get("commune")
                if code is not None:
                    s = replace(
                        s,
                        commune_projet=PlaceRef(
                            "commune",
                            s.commune_projet.written if s.commune_projet else s.beneficiaire,
                            "resolu",
                            code,
                            places.reference().name("commune", code),
                        ),
                    )
                textes = {k: v for k, v in c.corriger.items() if k != "commune"}  # SUBVENTION_FIELDS: text fields
                s = replace(
                    s,
                    beneficiaire=textes.get("beneficiaire", s.beneficiaire),
                    objet=textes.get("objet", s.objet),
                    dispositif=textes.get("dispositif", s.dispositif),
                    type_beneficiaire=textes.get("type_beneficiaire", s.type_beneficiaire),
                )
                if "beneficiaire" in textes and s.beneficiaire_incertain:  # the publisher has told porteur from project
                    s = replace(s, beneficiaire_incertain=False)
                    tranches.add((s.deliberation, s.line))
                changes = textes | ({"commune": code} if code is not None else {})
                applied.append(
                    {
                        "source": source,
                        "ligne_correction": c.ligne,
                        "message": f"Subvention {s.id} : " + ", ".join(f"{k} → « {v} »" for k, v in sorted(changes.items())),
                    }
                )
        subs.append(s)
    checks = [replace(t, deliberation=renamed.get(t.deliberation, t.deliberation)) for t in ex.controles]
    problems = [p for p in ex.document.problems if not (p.kind == PORTEUR_INCERTAIN and (p.deliberation, p.line) in tranches)]
    doc = replace(ex.document, deliberations=delibs, problems=problems)
    return Extraction(document=doc, subventions=subs, controles=checks)


def cibles(documents: Iterable[JsonObject], subventions: Iterable[str]) -> tuple[dict[str, set[str]], set[str]]:
    """What a correction can name, from the extracted corpus (the documents of site_data/actes as JSON):
    ({deliberation id or printed number: the sources holding it}, the grant ids `subventions`)."""
    delibs: dict[str, set[str]] = {}
    for doc in documents:
        for d in doc["deliberations"]:
            for numero in {n for n in (d["id"], d.get("numero_imprime")) if n is not None}:
                delibs.setdefault(numero, set()).add(doc["source"])
    return delibs, set(subventions)


def verifier_cibles(
    corrections: Corrections,
    deliberations: Mapping[str, Collection[str]],
    subventions: Collection[str],
    applied: Iterable[JsonObject] = (),
    fichier: str = "corrections.yaml",
) -> list[ErreurDeSaisie]:
    """One error per deliberation or grant correction whose target is in no source (or not in the source
    it names), with its line in corrections.yaml and the closest existing ids.

    `deliberations`: each deliberation id and printed number of the corpus → the sources that hold it;
    `subventions`: the grant ids; `applied`: what `apply` changed (an entry that renamed its act matched
    an id the corpus no longer shows)."""
    faites = {a.get("ligne_correction") for a in applied}
    out = []
    for e in corrections.deliberations:
        numero, source = e.id, e.source
        ou = deliberations.get(numero, set())
        if e.ligne in faites or (ou and (source is None or source in ou)):
            continue
        if ou:
            out.append(
                ErreurDeSaisie(
                    fichier,
                    f"la délibération {numero} n'est pas dans la source {source} ; elle est dans "
                    f"{', '.join(sorted(ou))} ; attendu la source qui la contient ; corrigez « source: » "
                    "ou supprimez-la",
                    e.ligne,
                )
            )
        else:
            out.append(
                ErreurDeSaisie(
                    fichier,
                    f"la délibération {numero} n'existe dans aucune source{_voisins(numero, deliberations)} ; "
                    "attendu le numéro extrait ou le numéro imprimé d'une délibération publiée ; "
                    "corrigez le numéro ou supprimez cette correction",
                    e.ligne,
                )
            )
    for c in corrections.subventions:
        if c.ligne not in faites and c.id not in subventions:
            out.append(
                ErreurDeSaisie(
                    fichier,
                    f"la subvention {c.id} n'existe dans aucune source{_voisins(c.id, subventions)} ; "
                    "attendu l'identifiant d'une subvention publiée (colonne id des données) ; "
                    "corrigez l'identifiant ou supprimez cette correction",
                    c.ligne,
                )
            )
    return out


def _voisins(numero: str, existants: Collection[str]) -> str:
    """« (le plus proche : 2021-243) »: ids with two neighbouring characters swapped first, then the most alike."""
    echanges = sorted({numero[:i] + numero[i + 1] + numero[i] + numero[i + 2 :] for i in range(len(numero) - 1)} - {numero})
    proches = [e for e in echanges if e in existants]
    proches += [e for e in difflib.get_close_matches(numero, list(existants), n=3, cutoff=0.8) if e not in proches]
    proches = proches[:3]
    return f" (le{'s' if len(proches) > 1 else ''} plus proche{'s' if len(proches) > 1 else ''} : {', '.join(proches)})" if proches else ""


_ECRITS = re.compile(r"« ([^«»]+) » rattaché à")  # the place name of a place correction's message


def unused(corrections: Corrections, applied: list[JsonObject], signalees: Iterable[ErreurDeSaisie] = ()) -> list[Problem]:
    """Corrections that matched nothing, as warnings: a place name met in no source, an act or grant
    correction that changed nothing; those already reported (`signalees`, from `verifier_cibles`) are
    not reported twice."""
    text = " ".join(a["message"] for a in applied)
    ecrits = {_fold(m) for m in _ECRITS.findall(text)}  # place names corrected somewhere
    faites = {a.get("ligne_correction") for a in applied} | {e.ligne for e in signalees}
    out = []
    for e in corrections.lieux:
        if _fold(e.ecrit) not in ecrits:
            out.append(
                Problem(
                    "corrections.yaml",
                    e.ligne,
                    "correction-inutilisee",
                    f"Correction sans effet : « {e.ecrit} » ({e.type} {e.code}) n'est écrit dans aucune source ; "
                    "vérifiez l'orthographe recopiée du recueil, ou supprimez cette correction",
                    "avertissement",
                )
            )
    actes: list[tuple[str, CorrectionDeliberation | CorrectionSubvention]] = [("la délibération", d) for d in corrections.deliberations]
    actes += [("la subvention", c) for c in corrections.subventions]
    for quoi, a in actes:
        if a.ligne not in faites:
            out.append(
                Problem(
                    "corrections.yaml",
                    a.ligne,
                    "correction-inutilisee",
                    f"Correction sans effet : {quoi} {a.id} n'a été trouvée dans aucune source lue ; "
                    "vérifiez son numéro et le contrôle de sa source",
                    "avertissement",
                )
            )
    return out

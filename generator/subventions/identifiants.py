"""SIRETs printed in a deliberation's conventions, attached to its own grants.

A convention annexed to a deliberation names each party with its registry number
(« Et le Groupement d'Intérêt Public « Pas-de-Calais Actif », dont le siège … identifiée
au répertoire SIREN sous le n° 186 200 093 000 83 »). When such a number has 14 digits
and a valid checksum, and the party is a beneficiary of a grant of the same
deliberation, it is that beneficiary's SIRET (the SCDL export needs it). The
Département's own number, 9-digit SIRENs and parties that receive nothing are ignored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from generator.records import Line, Subvention
from generator.subventions.beneficiaires import fold_name

_NUMERO = re.compile(
    r"(?:r[ée]pertoire\s+(?:SIRE[NT]|INSEE)|\bSIRE[NT])\s*(?:sous\s+le\s+)?(?:n°|no|num[ée]ro)?\s*:?\s*(?P<n>\d[\d  \u202f]{8,22}\d)", re.I
)
_SIEGE = re.compile(r",\s*(?:dont\s+le\s+si[èe]ge|domicili[ée]e?|sise?\b|situ[ée]e?\b|identifi[ée]e?\b)", re.I)
_GUILLEMETS = re.compile(r"«\s*([^»]{3,120}?)\s*»")
_DEBUT = re.compile(r"^(?:et\s*,?\s*)?(?:d['’]autre\s+part\s*,?\s*)?(?:le|la|les|l['’])?\s*", re.I)
DEPARTEMENT_SIREN = "226200012"


def siret_valide(value: str) -> bool:
    """SIRET checksum (Luhn), with the La Poste exception (SIREN 356000000: digit sum multiple of 5)."""
    if not re.fullmatch(r"\d{14}", value or ""):
        return False
    if value.startswith("356000000"):
        return sum(int(c) for c in value) % 5 == 0
    total = 0
    for i, c in enumerate(reversed(value)):
        n = int(c) * (2 if i % 2 else 1)
        total += n - 9 if n > 9 else n
    return total % 10 == 0


def rna_valide(value: str) -> bool:
    return bool(re.fullmatch(r"W\d{9}", value or ""))


def chiffres(text: str) -> str:
    return re.sub(r"\D", "", text or "")


@dataclass(frozen=True)
class SiretImprime:
    partie: str  # the party's name as printed
    siret: str
    line: int


def _paragraphe(lines: list[Line], i: int) -> str:
    """The paragraph that ends at line i (back to the previous blank line, at most 8 lines), joined."""
    j = i
    while j > 0 and lines[j - 1].text.strip() and i - j < 8:
        j -= 1
    return " ".join(l.text.strip() for l in lines[j : i + 1])


def _lignes_sire(lines: list[Line], haut: str) -> list[int]:
    """Indices of the lines that hold « SIRE » in capitals (`haut`: their texts joined by newlines, in capitals),
    found in the joined text (a unit is up to some 10 000 lines, a few of which name a SIRET: splitting it into
    lines and testing each took 2 ms a unit); line by line if one of them holds a newline."""
    if haut.count("\n") != len(lines) - 1:
        return [i for i, line in enumerate(lines) if "SIRE" in line.text.upper()]
    out: list[int] = []
    ligne, avant = 0, 0
    p = haut.find("SIRE")
    while p >= 0:
        ligne += haut.count("\n", avant, p)
        avant = p
        if not out or out[-1] != ligne:
            out.append(ligne)
        p = haut.find("SIRE", p + 1)
    return out


def sirets_imprimes(lines: list[Line], joint: str | None = None) -> list[SiretImprime]:
    """Every valid 14-digit SIRET printed next to a named party, other than the Département's. `joint`: the
    lines' texts joined by newlines, when the caller has it (`extract_subventions`)."""
    out = []
    if joint is None:
        joint = "\n".join([line.text for line in lines])
    for i in _lignes_sire(lines, joint.upper()):
        line = lines[i]
        texte = _paragraphe(lines, i)
        for m in _NUMERO.finditer(texte):
            numero = chiffres(m.group("n"))
            if len(numero) != 14 or not siret_valide(numero) or numero.startswith(DEPARTEMENT_SIREN):
                continue
            avant = texte[: m.start()]
            siege = _SIEGE.search(avant)  # the name ends where its address or registration begins
            nom = avant[: siege.start()] if siege else avant
            quoted = _GUILLEMETS.findall(nom)
            nom = quoted[-1] if quoted else _DEBUT.sub("", nom).strip(" ,;:")
            if 3 <= len(nom) <= 150:
                out.append(SiretImprime(" ".join(nom.split()), numero, line.no))
    return out


def attacher(subventions: list[Subvention], imprimes: list[SiretImprime]) -> None:
    """Give a grant the SIRET printed for its beneficiary: the party's name (6 characters or more)
    is contained in the beneficiary's, and only one such party has a number."""
    parties = [(fold_name(p.partie), p) for p in imprimes]
    parties = [(nom, p) for nom, p in parties if len(nom) >= 6]
    if not parties:
        return
    for s in subventions:
        nom = fold_name(s.beneficiaire)
        trouves = {p.siret: p for partie, p in parties if partie in nom}
        if len(trouves) == 1:
            p = next(iter(trouves.values()))
            s.siret, s.siret_ligne = p.siret, p.line

"""The normalised lines of one source as the act parsers read them, and the line patterns they share.

`Document` pairs each `Line` with its squashed text (`normalise.squash`) and finds blank-separated
paragraphs; a `Unit` is the stretch of lines of one act (see `actes`). The patterns below apply to
squashed text; a pattern only one parser uses lives in its module.
"""

from __future__ import annotations

import bisect
import itertools
import re
from dataclasses import dataclass, field
from typing import Literal

from generator.parse.normalise import squash
from generator.records import Attendance, Deliberation, Interest, Line, Signature, Vote

# --- line patterns (applied to squashed text) -------------------------------------------
HEADER = re.compile(r"^DELIBERATION (?:DU |DE LA |DE L'|DES )(.+)$")
DEPARTEMENT = re.compile(r"^DEPARTEMENT (?:DU |DE LA |DE L'|DES |D')(.+)$")
STAMP = re.compile(
    r"^(Envoi au contr[ôo]le de l[ée]galit[ée]|Affichage|Re[çc]u en pr[ée]fecture|"
    r"Transmis en pr[ée]fecture|Publi[ée]e? le|Publication)\b.*:",
    re.I,
)
REUNION = re.compile(r"^R[ÉE]UNION DU (.+)$", re.I)
NUMERO = re.compile(r"^\(N° ?(\d{4})-(\d+)\)$")
RAPPORT = re.compile(r"^RAPPORT N° ?(\d+)$")
PRESIDENCE = re.compile(r"^PR[ÉE]SIDENCE DE (?:MONSIEUR|MADAME|M\.|MME) (.+)$", re.I)
SECRETAIRE = re.compile(r"^Secr[ée]taire\s*:\s*(.+)$", re.I)
ARTICLE = re.compile(r"^Article\s+(\d+|unique|premier|1er)\s*(?:er)?\s*:\s*(.*)$", re.I)
SIGNE = re.compile(r"^(Sign[ée]|SIGNE)$")
LIEU_DATE = re.compile(r"^([A-ZÀ-Ý][A-Za-zÀ-ÿ' -]+), le (.+\d{4})\.?$")
RAPPORT_ORGANE = re.compile(r"^(COMMISSION PERMANENTE DU )?CONSEIL D[ÉE]PARTEMENTAL$")
ANNEXE_SPLIT = re.compile(r"^ANNEXE(?:\s*N°)?\s*(?:\d+|[IVX]+)?\s*(?:[:\-–]|$)")
SECRETAIRE_PHRASE = re.compile(r"^(?:Madame|Monsieur|Mme|M\.)\s+(.+?) est [ée]lue? Secr[ée]taire", re.I)


# Lines that open or mark an act, its session, its rapport, an article or an annex (`structure`).
_STRUCTURE = (
    HEADER,
    DEPARTEMENT,
    STAMP,
    REUNION,
    NUMERO,
    RAPPORT,
    RAPPORT_ORGANE,
    PRESIDENCE,
    SECRETAIRE,
    ARTICLE,
    ANNEXE_SPLIT,
)


def structure(texte: str) -> bool:
    """`texte` (squashed) is a line this parser opens or marks an act, a session, a rapport, an article or
    an annex with: never page furniture, however many pages repeat it at their top (`normalise.mobilier`:
    a recueil of one-page acts starts each page with « DEPARTEMENT DU PAS-DE-CALAIS », an annex of one-page
    annexes numbers them with the pages)."""
    return _UNE_STRUCTURE.match(texte) is not None


# the patterns of _STRUCTURE in one (a match at the start of any): one call instead of eleven (same flags)
_UNE_STRUCTURE = re.compile("|".join(f"(?i:{p.pattern})" if p.flags & re.I else f"(?:{p.pattern})" for p in _STRUCTURE))


@dataclass
class Document:
    """The source's lines with their squashed text, and index helpers."""

    lines: list[Line]
    source: str
    sq: list[str] = field(default_factory=list)
    _commencant: dict[str, list[int]] = field(default_factory=dict, repr=False)  # prefix → `commencant`'s answer
    _joint: str | None = field(default=None, repr=False)  # the squashed lines, each after a newline (`_chercher`)
    _sauts: list[int] = field(default_factory=list, repr=False)  # where line k's newline is in `_joint` (`_chercher`)

    def __post_init__(self) -> None:
        self.sq = [squash(l.text) for l in self.lines]

    def commencant(self, *prefixes: str, a: int = 0, b: int | None = None) -> list[int]:
        """Indices of the lines in a..b-1 (b: the end) whose squashed text starts with one of `prefixes`, in order.

        The parsers look through a whole source (some 100 000 lines) for a few prefixes (a header, a number,
        a rapport, an annex), each range of it once: the text is joined once and each prefix found there
        by `str.find` after a newline, instead of a `startswith` on every line each time."""
        trouves: list[int] = []
        for prefixe in prefixes:
            if prefixe not in self._commencant:
                self._commencant[prefixe] = self._chercher(prefixe)
            tous = self._commencant[prefixe]
            trouves += tous[bisect.bisect_left(tous, a) : bisect.bisect_left(tous, len(self.sq) if b is None else b)]
        return sorted(trouves) if len(prefixes) > 1 else trouves  # (a line starts with one of them at most once)

    def _chercher(self, prefixe: str) -> list[int]:
        if self._joint is None:
            self._joint = "\n" + "\n".join(self.sq)  # (line k starts after the text's newline k)
            if self._joint.count("\n") == len(self.sq):
                # (each hit's line by bisection: counting the newlines up to the last hit took 3 ms a prefix)
                self._sauts = list(itertools.accumulate(map((1).__add__, map(len, self.sq[:-1])), initial=0))
        texte = self._joint
        if "\n" in prefixe or not self._sauts:  # a line that holds a newline: line by line
            return [i for i, t in enumerate(self.sq) if t.startswith(prefixe)]
        cle, out, sauts = "\n" + prefixe, [], self._sauts
        p = texte.find(cle)
        while p >= 0:
            out.append(bisect.bisect_left(sauts, p))
            p = texte.find(cle, p + 1)
        return out

    def no(self, i: int) -> int:
        return self.lines[i].no

    def next_nb(self, i: int, stop: int | None = None) -> int | None:
        """Index of the first non-blank line at or after i (before stop)."""
        stop = len(self.sq) if stop is None else stop
        while i < stop:
            if self.sq[i]:
                return i
            i += 1
        return None

    def prev_nb(self, i: int, stop: int = 0) -> int | None:
        while i >= stop:
            if self.sq[i]:
                return i
            i -= 1
        return None

    def text(self, a: int, b: int) -> str:
        """Normalised text of lines a..b inclusive, blank edges trimmed."""
        return "\n".join([l.text for l in self.lines[a : b + 1]]).strip("\n")  # (a list: join is faster on one)

    def paragraphs(self, a: int, b: int) -> list[tuple[int, str]]:
        """(first index, squashed joined text) of blank-separated paragraphs in a..b-1."""
        out: list[tuple[int, str]] = []
        cur: list[str] = []
        start = a
        for i in range(a, b):
            if self.sq[i]:
                if not cur:
                    start = i
                cur.append(self.sq[i])
            elif cur:
                out.append((start, " ".join(cur)))
                cur = []
        if cur:
            out.append((start, " ".join(cur)))
        return out

    def end_of_paragraph(self, start: int, b: int) -> int:
        """Index of the first blank line at or after `start` (before b), else b."""
        i = start
        while i < b and self.sq[i]:
            i += 1
        return i


@dataclass
class Unit:
    """The lines of one act (`actes.parse_actes` sets `end` once every unit is found)."""

    kind: Literal["departement", "partenaire"]
    header: int  # index of the DELIBERATION line
    start: int
    end: int = -1
    organe: str = ""
    collectivite: str = ""


@dataclass
class UnitReading:
    """What reading a unit tells beyond its `Deliberation`: for its session (`actes._sessions`), for the
    text that follows it (`rapports.attach_rapport_and_annexes`) and for the checks over the source."""

    sig_end: int  # index of the act's last line (its signature): its annexes and rapport follow
    president: str | None = None
    secretaire: str | None = None
    num_index: int | None = None  # a numbered act: the index of its `(N°2021-232)` line,
    num_line: int | None = None  # that line in the source,
    num: tuple[int, int] | None = None  # and the (year, sequence) it prints
    acronyme: str | None = None  # a partner body's act: the body's acronym, which its ids start with


def unit_deliberation(
    doc: Document,
    u: Unit,
    sig_end: int,
    id: str,
    numero_imprime: str | None,
    titre: str,
    date: str | None,
    attendance: Attendance,
    interets: list[Interest],
    visas: list[str],
    verbes: list[str],
    vote: Vote,
    signature: Signature,
) -> Deliberation:
    """The deliberation of unit `u` (its lines up to `sig_end`, its text) with what both layouts read, in the
    order of `Deliberation`'s fields; the caller adds what only its layout prints (articles, stamps, page)."""
    return Deliberation(
        id=id,
        numero_imprime=numero_imprime,
        source=doc.source,
        line=doc.no(u.start),
        line_end=doc.no(u.end),
        titre=titre,
        session_id="",
        organe=u.organe,
        collectivite=u.collectivite,
        date=date or "",
        attendance=attendance,
        interets=interets,
        visas=visas,
        verbes=verbes,
        vote=vote,
        signature=signature,
        texte=doc.text(u.start, sig_end),
    )

"""Helpers shared by the annex-table extractors. No `extract` here: this module is not a
table layout (the orchestrator skips it).

Beneficiaries of every family are classified by `subventions.beneficiaires.classify`, as in articles.
Two families live here, and where they look alike they do not behave alike:
- the « other » tables (FIEET/FIEN, EASL, vie étudiante, BIJ, SPIE): `AMOUNT`, `euros`,
  `montant_euros`, `commune_nommee`, `total_check`, `ligne_illisible`
  (avertissement) — amounts kept as printed, totals stated « le document annonce … »;
- the FARDA (voirie, aménagement) and monuments historiques tables: `AMOUNT_CENTIMES`,
  `montant` (quantized to the cent), `commune_du_beneficiaire`,
  `check_montant` / `check_nombre`, `ligne_illisible_erreur` (erreur) — totals stated
  « Total déclaré … ».

Why a shared module: every extractor must state its totals the same way (ok / ecart /
illisible with a French message) and report unreadable rows the same way, and several
need the decision zone of the délibération (between `DECIDE` and the vote) to read what
the articles announce (counts, totals, whether an annexed table is decided at all).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sized
from decimal import Decimal
from typing import TypeVar, overload

from generator.commun.montants import find_montants, format_montant
from generator.parse.normalise import squash
from generator.records import Line, Problem, Subvention, TotalCheck
from generator.subventions.beneficiaires import classify
from generator.subventions.tables.base import Contexte, TableResult

# Amount as printed in table cells: `15 534,00`, `4 278`, `150 600.00`, `511 970.00`.
AMOUNT = r"(?:\d{1,3}(?:[ \u00a0]{1,2}\d{3})+(?:[,.]\d{2})?|\d+(?:[,.]\d{2})?)"
EURO_AMOUNT = re.compile(rf"({AMOUNT})\s*€")

ItemsT = TypeVar("ItemsT", bound=Sized)  # the items a table reader scans (`Items`, or raw lines)

_DECIDE = re.compile(r"^\s*(?:DECIDE|DÉCIDE|INFORME L'ASSEMBLEE|APPROUVE)\b")
_VOTE = re.compile(r"^\s*Dans les conditions de vote")


class Motif:
    """An INDICE: the search of `re.compile(motif)`, made only in a text that holds `litteral`, a piece of
    text that every match of `motif` holds. Most units hold no table: `str.__contains__` tells it in a tenth
    of the time the regex takes to find nothing (the INDICEs of a ten-year month, searched in some 3 MB of
    text each, 23 -> 3 ms)."""

    def __init__(self, motif: str, litteral: str):
        if not litteral or litteral not in motif:  # (a piece of the pattern as written, not a guess)
            raise ValueError(f"« {litteral} » n'est pas un morceau de {motif!r}")
        self.motif = re.compile(motif)
        self.litteral = litteral

    def search(self, texte: str) -> re.Match | None:
        return self.motif.search(texte) if self.litteral in texte else None


class EnDebutDeLigne(Motif):
    r"""An INDICE for a header that starts a line: the search of `re.compile(r"^\s*" + motif, re.M)`,
    done by finding `motif` (a fast scan when it starts with a letter) and checking that only
    blanks precede it on its line. `^\s*` alone makes the regex try every position of the unit."""

    def search(self, texte: str) -> re.Match | None:
        if self.litteral not in texte:
            return None
        for m in self.motif.finditer(texte):
            debut = texte.rfind("\n", 0, m.start()) + 1
            if debut == m.start() or texte[debut : m.start()].isspace():
                return m
        return None


class UnDes:
    """An INDICE of several patterns, found when one of them is: the search of `re.compile("|".join(motifs))`
    as far as finding one or none goes, but each pattern searched on its own (an alternation of patterns
    that start differently has no literal prefix to scan for: the regex tries every position)."""

    def __init__(self, *motifs: Motif):
        self.motifs = motifs

    def search(self, texte: str) -> re.Match | None:
        for motif in self.motifs:
            if m := motif.search(texte):
                return m
        return None


def texte(line: Line) -> str:
    return squash(line.text)


class Parcours:
    """The non-blank lines of a unit from index `debut`, one by one, as (line, squashed text); `i`: the
    index after the line just given, where the caller goes on when it stops there."""

    def __init__(self, lines: list[Line], debut: int):
        self.lines, self.i = lines, debut

    def __iter__(self) -> Iterator[tuple[Line, str]]:
        while self.i < len(self.lines):
            ln = self.lines[self.i]
            self.i += 1
            t = texte(ln)
            if t:
                yield ln, t


def euros(text: str) -> list[Decimal]:
    """Amounts followed by € in a cell text, left to right."""
    return [m.valeur for m in find_montants(text, euro_only=True)]


def montant_euros(cell: str) -> Decimal:
    """A cell amount matched by `AMOUNT` (`15 534,00`, `4 278`), read as printed (not quantized)."""
    return euros(cell + " €")[0]


def decision(lines: list[Line]) -> list[Line]:
    """Lines of the articles (between DECIDE and the vote block) of the délibération."""
    out: list[Line] = []
    inside = False
    for ln in lines:
        if not inside and _DECIDE.match(ln.text):
            inside = True
            continue
        if inside and _VOTE.match(ln.text):
            break
        if inside and ln.text.strip():
            out.append(ln)
    return out


def decision_text(lines: list[Line]) -> str:
    return " ".join(texte(ln) for ln in decision(lines))


def total_check(
    ctx: Contexte,
    line: int,
    libelle: str,
    declare: Decimal | None,
    calcule: Decimal | None,
    nombre_declare: int | None = None,
    nombre_trouve: int | None = None,
    illisibles: int = 0,
) -> TotalCheck:
    """A stated total against the rows read; never forced: a gap stays a reported gap."""
    ecarts = []
    if declare is not None and calcule is not None and declare != calcule:
        ecarts.append(
            f"le document annonce {format_montant(declare)}, la somme des lignes "
            f"donne {format_montant(calcule)} (écart {format_montant(calcule - declare)})"
        )
    if nombre_declare is not None and nombre_trouve is not None and nombre_declare != nombre_trouve:
        ecarts.append(f"le document annonce {nombre_declare}, {nombre_trouve} trouvé(s)")
    statut, message = "ok", ""
    if illisibles:
        statut, message = "illisible", f"{illisibles} ligne(s) du tableau illisible(s) : total non vérifiable."
    elif ecarts:
        statut, message = "ecart", f"{libelle} : " + " ; ".join(ecarts) + ". Les montants sont gardés tels qu'écrits."
    return ctx.controle(
        line, libelle, declare, calcule, nombre_declare=nombre_declare, nombre_trouve=nombre_trouve, statut=statut, message=message
    )


def check_total_nombre(
    ctx: Contexte, res: TableResult, line: int, libelle: str, m: re.Match[str], groupe: str, illisibles: int = 0
) -> None:
    """A row stating a count (group `n` of `m`) and a total (group `groupe`), checked against the rows of `res`."""
    calcule = sum((s.montant for s in res.subventions), Decimal(0))
    declare = montant_euros(m.group(groupe))
    res.checks.append(total_check(ctx, line, libelle, declare, calcule, int(m.group("n")), len(res.subventions), illisibles=illisibles))


def nb_illisibles(res: TableResult) -> int:
    """How many rows of the table could not be read."""
    return sum(1 for p in res.problems if p.kind == "ligne-illisible")


def ligne_illisible(ctx: Contexte, line: int, raw: str, tableau: str) -> Problem:
    return ctx.probleme(line, "ligne-illisible", f"{tableau} : ligne non lue (montants introuvables) : « {squash(raw)} »", "avertissement")


def lignes_illisibles(pending: list[Line], res: TableResult, ctx: Contexte, tableau: str) -> int:
    """Each line left without amounts reported as unreadable; how many there were."""
    for p in pending:
        res.problems.append(ligne_illisible(ctx, p.no, p.text, tableau))
    return len(pending)


def info(ctx: Contexte, line: int, kind: str, message: str) -> Problem:
    return ctx.probleme(line, kind, message, "info")


_COMMUNE = re.compile(r"^(?:COMMUNE|Commune|Ville|VILLE|Mairie|MAIRIE)\s+(?:DE\s+|de\s+|D'|d'|DU\s+|du\s+)?(.+)$")


def commune_nommee(name: str) -> str | None:
    """`COMMUNE D'ACHIET-LE-PETIT` → `ACHIET-LE-PETIT`; `Ville de Liévin / Service…` → `Liévin`."""
    m = _COMMUNE.match(name.strip())
    if not m:
        return None
    rest = m.group(1).split("/")[0].strip(" ,")
    return rest or None


TERRITOIRES = (
    "MONTREUILLOIS-TERNOIS",
    "MONTREUILLOIS - TERNOIS",
    "LENS-HENIN",
    "LENS-HÉNIN",
    "LENS-LIEVIN",
    "LENS-LIÉVIN",
    "HENIN-CARVIN",
    "HÉNIN-CARVIN",
    "ARRAGEOIS",
    "ARTOIS",
    "AUDOMAROIS",
    "BOULONNAIS",
    "CALAISIS",
    "MONTREUILLOIS",
    "TERNOIS",
)
TERRITOIRE_RE = re.compile(r"(?<![\w-])(" + "|".join(re.escape(t) for t in TERRITOIRES) + r")(?![\w-])", re.I)


# ---------------------------------------------------------------- FARDA / monuments historiques
# Tables printed with cents everywhere (`11 284 541,60`), amounts quantized to the cent, a
# beneficiary kind read from the name's prefix, totals reported as « Total déclaré … ».

AMOUNT_CENTIMES = r"\d{1,3}(?: \d{3})*,\d{2}"
TAUX = r"\d{1,3}(?:,\d{1,2})?"
REF = r"\b\d{4}-\d{5}\b"  # FARDA dossier number, e.g. 2021-02822 (never the 3-digit deliberation number)
TOTAL_DEUX_MONTANTS_RE = re.compile(
    rf"^(?:TOTAUX?\s*:?\s*)?(?P<a>{AMOUNT_CENTIMES})\s*€?\s+(?P<b>{AMOUNT_CENTIMES})\s*€?\s*(?:TOTAUX?|TOTAL(?:\s+G[EÉ]N[EÉ]RAL)?)?\s*:?$",
    re.I,
)
_COMMUNE_PREFIX = re.compile(r"^COMMUNE\s+(?:DE\s+|D'\s*|DU\s+|DES\s+)?", re.I)

# « … correspondant à 176 projets », « représentent 176 projets », « D'attribuer 26 subventions »
_COUNT_RE = re.compile(
    r"\b(?:correspondant\s+(?:à|aux)|représentent|attribuer)\s+(?P<n>\d{1,4})\s+(?:subventions?|projets?|dossiers?)\b",
    re.I,
)


def montant(text: str) -> Decimal:
    """A table amount `11 284 541,60` / `413 919` as an exact Decimal in cents."""
    return Decimal(text.replace(" ", "").replace("€", "").replace(",", ".")).quantize(Decimal("0.01"))


def taux(text: str) -> Decimal:
    """A table rate `40,00` / `50` as a Decimal percent (kept as printed, e.g. 40.00)."""
    return Decimal(text.replace(",", "."))


def commune_du_beneficiaire(nom: str) -> str | None:
    """`COMMUNE DE BAINCTHUN` → `BAINCTHUN` (as written), None when the beneficiary is no commune."""
    if classify(nom) != "commune":
        return None
    rest = _COMMUNE_PREFIX.sub("", nom.strip(), count=1).strip()
    return rest or None


def sq(text: str) -> str:
    """`normalise.squash` without a regex (tables are read on every line of a unit)."""
    return " ".join(text.split())


class Items:
    """Non-blank lines as (line number, squashed text), squashed only when first read.

    Extractors scan a whole unit (or a whole recueil) for their header with cheap
    substring tests on `raw(i)` and only read the table's own lines squashed.
    """

    def __init__(self, lines: list[Line]):
        self._lines = [l for l in lines if l.text.strip()]
        self._cache: dict[int, tuple[int, str]] = {}

    def __len__(self) -> int:
        return len(self._lines)

    def raw(self, i: int) -> str:
        return self._lines[i].text

    @overload
    def __getitem__(self, i: int) -> tuple[int, str]: ...
    @overload
    def __getitem__(self, i: slice) -> list[tuple[int, str]]: ...
    def __getitem__(self, i: int | slice) -> tuple[int, str] | list[tuple[int, str]]:
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(len(self._lines)))]
        got = self._cache.get(i)
        if got is None:
            l = self._lines[i]
            got = self._cache[i] = (l.no, sq(l.text))
        return got


def items_of(lines: list[Line]) -> Items:
    return Items(lines)


def nombres_annonces(lines: list[Line], exclus: set[int], totaux: set[Decimal]) -> list[tuple[int, int]]:
    """Counts of projects/grants the text states for this table, as (count, line).

    Read on the text outside the table (`exclus`), consecutive lines joined so that
    `représentent 176` / `projets` is found. A count belongs to the table only when
    its sentence also states one of the table's totals (`totaux`): « d'un montant total
    de 2 289 545,23 €, correspondant à 176 projets »; other counts of the unit are
    about something else. One entry per distinct count, at its first line.
    """
    kept = [l for l in lines if l.no not in exclus and l.text.strip()]
    near = [False] * len(kept)
    for k, l in enumerate(kept):
        t = l.text
        if "rojet" in t or "ubvention" in t or "ossier" in t:
            near[max(0, k - 2) : k + 3] = [True] * (min(len(kept), k + 3) - max(0, k - 2))
    seen: dict[int, int] = {}
    k = 0
    while k < len(kept):
        if not near[k]:
            k += 1
            continue
        b = k
        while b + 1 < len(kept) and near[b + 1]:
            b += 1
        starts, parts, pos = [], [], 0
        for l in kept[k : b + 1]:
            t = sq(l.text)
            starts.append((pos, l.no))
            parts.append(t)
            pos += len(t) + 1
        text = " ".join(parts)
        for m in _COUNT_RE.finditer(text):
            lo = max(text.rfind(". ", 0, m.start()), text.rfind(" ; ", 0, m.start()), 0)
            ends = [e for e in (text.find(". ", m.end()), text.find(" ; ", m.end())) if e >= 0]
            phrase = text[lo : min(ends) if ends else len(text)]
            if not any(x.valeur in totaux for x in find_montants(phrase)):
                continue
            ln = [no for off, no in starts if off <= m.start("n")][-1]
            seen.setdefault(int(m.group("n")), ln)
        k = b + 1
    return sorted(seen.items(), key=lambda x: x[1])


def check_montant(ctx: Contexte, line: int, libelle: str, declare: Decimal, calcule: Decimal, illisibles: list[Problem]) -> TotalCheck:
    """A stated amount total against the sum of the rows read (exact to the cent)."""
    statut, message = "ok", ""
    if illisibles:
        statut = "illisible"
        message = f"{len(illisibles)} ligne(s) du tableau illisible(s) : total non vérifiable (lignes {_lignes(illisibles)})."
    elif declare != calcule:
        statut, message = (
            "ecart",
            f"Total déclaré {format_montant(declare)}, somme des lignes {format_montant(calcule)} (écart {format_montant(calcule - declare)}).",
        )
    return ctx.controle(line, libelle, declare, calcule, statut=statut, message=message)


def _lignes(problemes: list[Problem]) -> str:
    return ", ".join(str(p.line) for p in problemes)


def check_nombre(ctx: Contexte, line: int, libelle: str, declare: int, trouve: int, illisibles: list[Problem]) -> TotalCheck:
    """A stated number of projects/grants against the rows read."""
    statut, message = "ok", ""
    if illisibles:
        statut, message = "illisible", f"{len(illisibles)} ligne(s) illisible(s) : nombre non vérifiable (lignes {_lignes(illisibles)})."
    elif declare != trouve:
        statut, message = "ecart", f"Le texte annonce {declare}, le tableau compte {trouve} ligne(s)."
    return ctx.controle(line, libelle, None, None, nombre_declare=declare, nombre_trouve=trouve, statut=statut, message=message)


def ligne_illisible_erreur(ctx: Contexte, line: int, raw: str, pourquoi: str) -> Problem:
    return ctx.probleme(line, "ligne-illisible", f"{pourquoi} : « {raw[:300]} »", "erreur")


def colonnes_montants(header: str) -> list[str]:
    """Names of the amount columns before the rate, in header order (cout, plafond, eligible)."""
    found = []
    for name, rx in (
        ("cout", r"Montant\s+(?:HT|du\s+projet|total|des\s+travaux)|Co[uû]t"),
        ("plafond", r"Plafond"),
        ("eligible", r"[ÉE]ligible"),
    ):
        m = re.search(rx, header, re.I)
        if m:
            found.append((m.start(), name))
    return [n for _, n in sorted(found)]


def repartir_montants(montants: list[Decimal]) -> tuple[Decimal | None, Decimal | None]:
    """(coût du projet, montant éligible) from the 1-3 amounts printed before the rate.

    Empty cells leave no trace in the extraction, so with two amounts the second may
    be the PLAFOND or the ELIGIBLE column: it is stored as montant_eligible either way
    (it is the base the rate applies to, up to the ceiling). With three, the third is
    the eligible amount (the plafond is not kept: Subvention has no field for it).
    """
    if not montants:
        return None, None
    if len(montants) == 1:
        return montants[0], None
    return montants[0], montants[-1]


def subvention_farda(ctx: Contexte, line: int, m: re.Match, benef: str, typ: str, desc: str, dispositif: str, tableau: str) -> Subvention:
    """One FARDA row (voirie or aménagement); `m` holds the groups amts, taux, aide and ref."""
    cout, eligible = repartir_montants([montant(a) for a in re.findall(AMOUNT_CENTIMES, m.group("amts"))])
    return ctx.subvention(
        line,
        benef,
        classify(benef),
        montant(m.group("aide")),
        commune_du_beneficiaire(benef),  # (a commune only when the beneficiary is one)
        objet=f"{typ} — {desc}" if typ and desc else (typ or desc),
        cout_projet=cout,
        montant_eligible=eligible,
        taux=taux(m.group("taux")),
        dispositif=dispositif,
        tableau=tableau,
        reference=m.group("ref"),
    )


def titre_tableau(lines: list[Line], motif: str, defaut: str) -> str:
    """The table's name as the document prints it (first line matching `motif`), else `defaut`."""
    rx = re.compile(motif, re.I)
    for l in lines:
        if rx.search(l.text):
            return sq(l.text)
    return defaut


def checks_totaux(
    ctx: Contexte, res: TableResult, totals: tuple[int, Decimal, Decimal] | None, libelle_cout: str | None, libelle_aides: str
) -> None:
    """The closing row `<sum of projects> <sum of aids>` checked against the rows read.

    `libelle_cout` None: the first sum is not checked (no cost column in the header).
    No closing row: a `total-absent` warning « Tableau <nom> sans ligne de total ».
    """
    bad = [p for p in res.problems if p.kind == "ligne-illisible"]
    if totals:
        no, a, b = totals
        if libelle_cout is not None:
            res.checks.append(
                check_montant(ctx, no, libelle_cout, a, sum((s.cout_projet or Decimal(0) for s in res.subventions), Decimal(0)), bad)
            )
        res.checks.append(check_montant(ctx, no, libelle_aides, b, sum((s.montant for s in res.subventions), Decimal(0)), bad))
    else:
        res.problems.append(
            ctx.probleme(res.line, "total-absent", f"Tableau {res.dispositif} sans ligne de total : sommes non vérifiées.", "avertissement")
        )


def extraire_tableaux(
    items: ItemsT,
    lines: list[Line],
    ctx: Contexte,
    en_tete: Callable[[ItemsT, int], bool],
    lire: Callable[[ItemsT, int, list[Line], Contexte], tuple[TableResult | None, int]],
    libelle_nombre: str,
) -> list[TableResult]:
    """Every table of one layout in the deliberation unit (`items`: its lines as the layout's reader scans
    them), with its checks: wherever `en_tete` sees a header at item i, `lire` reads the table (None when
    it was none after all) and says the item to go on from; then the counts the text announces are
    checked against all their rows."""
    results: list[TableResult] = []
    i = 0
    while i < len(items):
        if en_tete(items, i):
            res, i = lire(items, i, lines, ctx)
            if res is not None:
                results.append(res)
            continue
        i += 1
    if results:
        checks_nombre_annonce(results, lines, ctx, libelle_nombre)
    return results


def ouvrir_farda(items: Items, start: int, hend: int, lines: list[Line], motif: str, dispositif: str) -> tuple[TableResult, list[str]]:
    """A FARDA table whose header runs from item `start` to `hend` (its title: the first line matching
    `motif`), and the amount columns its header names."""
    cols = colonnes_montants(" ".join(t for _, t in items[start : hend + 1]))
    nom = titre_tableau(lines, motif, dispositif)
    return TableResult(nom=nom, dispositif=dispositif, line=items[start][0], line_end=items[hend][0]), cols


def ligne_des_totaux(no: int, m: re.Match[str]) -> tuple[int, Decimal, Decimal]:
    """(line, sum of the projects, sum of the aids) of a closing row (groups a and b of `m`)."""
    return no, montant(m.group("a")), montant(m.group("b"))


def fermer(
    ctx: Contexte,
    res: TableResult,
    totals: tuple[int, Decimal, Decimal] | None,
    libelle_cout: str | None,
    libelle_aides: str,
    lines: list[Line],
) -> None:
    """The table's closing row checked (`checks_totaux`); every line from its header to its last row is the table's."""
    checks_totaux(ctx, res, totals, libelle_cout, libelle_aides)
    res.consumed = {l.no for l in lines if res.line <= l.no <= res.line_end}


def fermer_farda(ctx: Contexte, res: TableResult, totals: tuple[int, Decimal, Decimal] | None, cols: list[str], lines: list[Line]) -> None:
    """`fermer` for a FARDA table (`cols`: its amount columns; no cost column named, its sum is not checked)."""
    d = res.dispositif
    fermer(
        ctx,
        res,
        totals,
        f"{d} — montant total des projets" if "cout" in cols or not cols else None,
        f"{d} — montant total des aides",
        lines,
    )


def checks_nombre_annonce(results: list[TableResult], lines: list[Line], ctx: Contexte, libelle: str) -> None:
    """Counts stated in the text (« 176 projets ») checked against all rows of the unit's tables."""
    consumed = set().union(*(r.consumed for r in results))
    trouve = sum(len(r.subventions) for r in results)
    bad = [p for r in results for p in r.problems if p.kind == "ligne-illisible"]
    totaux = {c.declare for r in results for c in r.checks if c.declare is not None}
    totaux |= {sum((s.montant for r in results for s in r.subventions), Decimal(0))}
    for n, ln in nombres_annonces(lines, consumed, totaux):
        results[0].checks.append(check_nombre(ctx, ln, libelle, n, trouve, bad))

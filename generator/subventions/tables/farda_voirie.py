"""FARDA « aide à la voirie communale » annex table (one row per dossier, cells wrapped).

Layout met in the recueils (pdftotext): the header names the columns
`COMMUNE | CODE DE LA DEMANDE | TYPE DE DEMANDE | INTITULE DE L'OPERATION |
Montant HT projet | Plafond | Montant éligible | Taux | Montant demandé`; every cell
may wrap over several lines separated by blank lines, so a row is everything from
the end of the previous row to the line that closes with `<taux>% <aide>`. Amount
columns left empty are simply absent, so a row carries 1, 2 or 3 amounts before the
rate. The table ends on a row of two bare amounts (sum of the projects, sum of the
aids); the number of projects is stated in the deliberation and the rapport.

This module also holds the small helpers shared by the FARDA and monuments
historiques extractors (amounts, beneficiary kind, stated counts, total checks).
"""
from __future__ import annotations

import re
from decimal import Decimal

from ...montants import find_montants
from ...records import Line, Problem, Subvention, TotalCheck
from .base import Contexte, TableResult, commune_ecrite

DISPOSITIF = "FARDA voirie"

# ---------------------------------------------------------------- shared helpers

AMOUNT = r"\d{1,3}(?: \d{3})*,\d{2}"
TAUX = r"\d{1,3}(?:,\d{1,2})?"
REF = r"\b\d{4}-\d{5}\b"  # FARDA dossier number, e.g. 2021-02822 (never the 3-digit deliberation number)
_CLOSE_RE = re.compile(rf"(?:^|\s)(?P<taux>{TAUX}) ?%\s+(?P<aide>{AMOUNT})$")
_TOTAL_RE = re.compile(
    rf"^(?:TOTAUX?\s*:?\s*)?(?P<a>{AMOUNT})\s*€?\s+(?P<b>{AMOUNT})\s*€?\s*(?:TOTAUX?|TOTAL(?:\s+G[EÉ]N[EÉ]RAL)?)?\s*:?$",
    re.I,
)
_COMMUNE_PREFIX = re.compile(r"^COMMUNE\s+(?:DE\s+|D'\s*|DU\s+|DES\s+)?", re.I)
_EPCI_RE = re.compile(
    r"^(?:COM(?:MUNAUTE)?\.?\s+(?:DE\s+|D'\s*)?(?:COM|AGGLO|URBAINE)|COM\s+COMMUNES|C(?:A|C|U)\b|C(?:A|C)[A-Z0-9]{2,}\b|"
    r"COMMUNAUTE|M[EÉ]TROPOLE|P[OÔ]LE\s+M[EÉ]TROPOLITAIN)",
    re.I,
)
_SYNDICAT_RE = re.compile(r"^(?:SYND|SIVU|SIVOM|SIV\b|SMI|SI\s|SIA\b|SIDE|SMAGE|S\.I\.)", re.I)
_GIP_RE = re.compile(r"^(?:GIP\b|GROUPEMENT D'INT[EÉ]R[EÊ]T PUBLIC)", re.I)
_ASSO_RE = re.compile(r"^(?:ASSOCIATION|ASSO\b|ASS\.|AMICALE|CLUB|COMIT[EÉ]|F[EÉ]D[EÉ]RATION|UNION\b)", re.I)

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


def type_beneficiaire(nom: str) -> str:
    """Kind of beneficiary from the way tables write it (`COMMUNE DE …`, `COM DE COM …`, `SYND …`).

    `CA…`/`CC…` acronyms (CAPSO, CA2BM) are the usual names of communautés
    d'agglomération / de communes, hence EPCI.
    """
    n = nom.strip()
    if _COMMUNE_PREFIX.match(n) and not re.match(r"^COMMUNE\s*S\b|^COMMUNAUTE", n, re.I):
        return "commune"
    if _EPCI_RE.match(n):
        return "epci"
    if _SYNDICAT_RE.match(n):
        return "syndicat"
    if _GIP_RE.match(n):
        return "gip"
    if _ASSO_RE.match(n):
        return "association"
    return "autre"


def commune_du_beneficiaire(nom: str) -> str | None:
    """`COMMUNE DE BAINCTHUN` → `BAINCTHUN` (as written), None when the beneficiary is no commune."""
    if type_beneficiaire(nom) != "commune":
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

    def __getitem__(self, i):
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
            near[max(0, k - 2):k + 3] = [True] * (min(len(kept), k + 3) - max(0, k - 2))
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
        for l in kept[k:b + 1]:
            t = sq(l.text)
            starts.append((pos, l.no))
            parts.append(t)
            pos += len(t) + 1
        text = " ".join(parts)
        for m in _COUNT_RE.finditer(text):
            lo = max(text.rfind(". ", 0, m.start()), text.rfind(" ; ", 0, m.start()), 0)
            ends = [e for e in (text.find(". ", m.end()), text.find(" ; ", m.end())) if e >= 0]
            phrase = text[lo:min(ends) if ends else len(text)]
            if not any(x.valeur in totaux for x in find_montants(phrase)):
                continue
            ln = [no for off, no in starts if off <= m.start("n")][-1]
            seen.setdefault(int(m.group("n")), ln)
        k = b + 1
    return sorted(seen.items(), key=lambda x: x[1])


def check_montant(ctx: Contexte, line: int, libelle: str, declare: Decimal, calcule: Decimal,
                  illisibles: list[Problem]) -> TotalCheck:
    """A stated amount total against the sum of the rows read (exact to the cent)."""
    if illisibles:
        return TotalCheck(ctx.deliberation, ctx.source, line, libelle, declare, calcule, statut="illisible",
                          message=f"{len(illisibles)} ligne(s) du tableau illisible(s) : total non vérifiable "
                                  f"(lignes {', '.join(str(p.line) for p in illisibles)}).")
    if declare == calcule:
        return TotalCheck(ctx.deliberation, ctx.source, line, libelle, declare, calcule)
    return TotalCheck(ctx.deliberation, ctx.source, line, libelle, declare, calcule, statut="ecart",
                      message=f"Total déclaré {declare} €, somme des lignes {calcule} € "
                              f"(écart {calcule - declare} €).")


def check_nombre(ctx: Contexte, line: int, libelle: str, declare: int, trouve: int,
                 illisibles: list[Problem]) -> TotalCheck:
    """A stated number of projects/grants against the rows read."""
    if illisibles:
        statut, msg = "illisible", (f"{len(illisibles)} ligne(s) illisible(s) : nombre non vérifiable "
                                    f"(lignes {', '.join(str(p.line) for p in illisibles)}).")
    elif declare == trouve:
        statut, msg = "ok", ""
    else:
        statut, msg = "ecart", f"Le texte annonce {declare}, le tableau compte {trouve} ligne(s)."
    return TotalCheck(ctx.deliberation, ctx.source, line, libelle, None, None,
                      nombre_declare=declare, nombre_trouve=trouve, statut=statut, message=msg)


def ligne_illisible(ctx: Contexte, line: int, raw: str, pourquoi: str) -> Problem:
    return Problem(source=ctx.source, line=line, kind="ligne-illisible",
                   message=f"{pourquoi} : « {raw[:300]} »", severity="erreur",
                   deliberation=ctx.deliberation)


def colonnes_montants(header: str) -> list[str]:
    """Names of the amount columns before the rate, in header order (cout, plafond, eligible)."""
    found = []
    for name, rx in (("cout", r"Montant\s+(?:HT|du\s+projet|total|des\s+travaux)|Co[uû]t"),
                     ("plafond", r"Plafond"), ("eligible", r"[ÉE]ligible")):
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


def titre_tableau(lines: list[Line], motif: str, defaut: str) -> str:
    """The table's name as the document prints it (first line matching `motif`), else `defaut`."""
    rx = re.compile(motif, re.I)
    for l in lines:
        if rx.search(l.text):
            return sq(l.text)
    return defaut


# ---------------------------------------------------------------- FARDA voirie

_HEADER_START = re.compile(r"CODE\s+DE\s+LA", re.I)
_HEADER_SIGNATURE = re.compile(
    r"(?:COMMUNE|B[ÉE]N[ÉE]FICIAIRE).{0,40}CODE\s+DE\s+LA\s+DEMANDE.*TYPE\s+DE\s+DEMANDE.*Taux.*Montant\s+demand",
    re.I | re.S,
)
_ROW_RE = re.compile(
    rf"^(?P<benef>.*?)\s*(?P<ref>{REF})\s*(?P<rest>.*?)\s*(?P<amts>(?:{AMOUNT}\s+){{0,3}})(?P<taux>{TAUX}) ?%\s+(?P<aide>{AMOUNT})$"
)
_MAX_ROW_ITEMS = 20  # a wrapped row never spans more lines than this


def _header_at(items: list[tuple[int, str]], i: int) -> int | None:
    """Index of the header's last item when a voirie header starts around item i."""
    lo = max(0, i - 3)
    for j in range(i, min(len(items), i + 25)):
        if re.search(r"Montant\s+demand", items[j][1], re.I):
            window = " ".join(t for _, t in items[lo:j + 1])
            return j if _HEADER_SIGNATURE.search(window) else None
    return None


def _upper_token(tok: str) -> bool:
    return tok == "-" or (any(c.isalpha() for c in tok) and not any(c.islower() for c in tok))


def _split_type(rest: str) -> tuple[str, str]:
    """(type de demande, intitulé): the type is the run of upper-case words after the dossier number."""
    toks = rest.split(" ")
    k = 0
    while k < len(toks) and _upper_token(toks[k]):
        k += 1
    return " ".join(toks[:k]), " ".join(toks[k:])


def extract(lines: list[Line], ctx: Contexte) -> list[TableResult]:
    """Every FARDA voirie table of the deliberation unit (usually one), with its checks."""
    items = items_of(lines)
    results: list[TableResult] = []
    i = 0
    while i < len(items):
        if "CODE" in items.raw(i) and _HEADER_START.search(items[i][1]):
            end = _header_at(items, i)
            if end is not None:
                start = next((k for k in range(i, max(-1, i - 4), -1)
                              if re.search(r"COMMUNE|B[ÉE]N[ÉE]FICIAIRE", items[k][1], re.I)), i)
                res, i = _read_table(items, start, end, lines, ctx)
                results.append(res)
                continue
        i += 1
    if results:
        _checks_annonces(results, lines, ctx)
    return results


def _read_table(items, start, hend, lines, ctx) -> tuple[TableResult, int]:
    header = " ".join(t for _, t in items[start:hend + 1])
    cols = colonnes_montants(header)
    nom = titre_tableau(lines, r"FARDA.*VOIRIE", DISPOSITIF)
    res = TableResult(nom=nom, dispositif=DISPOSITIF, line=items[start][0], line_end=items[hend][0])
    rows: list[tuple[int, str]] = []  # (first line, joined text)
    buf: list[tuple[int, str]] = []
    totals = None
    i = hend + 1
    while i < len(items):
        no, text = items[i]
        m = _TOTAL_RE.match(text)
        if m:
            if buf:  # the last row never reached its amounts
                res.problems.append(ligne_illisible(ctx, buf[0][0], " ".join(t for _, t in buf),
                                                    "Ligne du tableau FARDA voirie sans montants lisibles"))
                buf = []
            totals = (no, montant(m.group("a")), montant(m.group("b")))
            res.line_end = no
            i += 1
            break
        if not buf:
            if _HEADER_START.search(text):  # header repeated on a new page
                end = _header_at(items, i)
                if end is not None:
                    i = end + 1
                    continue
        if re.search(REF, text) and any(re.search(REF, t) for _, t in buf):
            # a second dossier number before any amounts: the previous row never closed.
            # The new row starts with the upper-case beneficiary lines just above its number.
            s = len(buf)
            while s > 1 and not any(c.islower() for c in buf[s - 1][1]) and not re.search(REF, buf[s - 1][1]):
                s -= 1
            res.problems.append(ligne_illisible(ctx, buf[0][0], " ".join(t for _, t in buf[:s]),
                                                "Ligne du tableau FARDA voirie sans montants lisibles"))
            buf = buf[s:]
        buf.append((no, text))
        if _CLOSE_RE.search(text):
            rows.append((buf[0][0], " ".join(t for _, t in buf)))
            res.line_end = no
            buf = []
        elif len(buf) > _MAX_ROW_ITEMS:
            break  # not a row any more: the table ended without a total line
        i += 1
    if buf and any(re.search(REF, t) for _, t in buf):
        res.problems.append(ligne_illisible(ctx, buf[0][0], " ".join(t for _, t in buf[:4]),
                                            "Ligne du tableau FARDA voirie sans montants lisibles"))
    parsed = []
    for first, text in rows:
        m = _ROW_RE.match(text)
        if not m or not m.group("benef").strip():
            res.problems.append(ligne_illisible(ctx, first, text, "Ligne du tableau FARDA voirie illisible"))
            continue
        parsed.append((first, m, *_split_type(m.group("rest"))))
    # types form a closed list: a longer upper-case run whose prefix is a type seen
    # alone elsewhere (`AVC RD 12 …`) is that type followed by the intitulé
    known = {t for *_, t, _ in parsed if t}
    for first, m, typ, desc in parsed:
        toks = typ.split(" ")
        for k in range(len(toks) - 1, 0, -1):
            if " ".join(toks[:k]) in known:
                typ, desc = " ".join(toks[:k]), (" ".join(toks[k:]) + " " + desc).strip()
                break
        benef = m.group("benef").strip()
        amts = [montant(a) for a in re.findall(AMOUNT, m.group("amts"))]
        cout, eligible = repartir_montants(amts)
        commune = commune_du_beneficiaire(benef)
        res.subventions.append(Subvention(
            id="", deliberation=ctx.deliberation, source=ctx.source, line=first,
            beneficiaire=benef, type_beneficiaire=type_beneficiaire(benef), montant=montant(m.group("aide")),
            objet=f"{typ} — {desc}" if typ and desc else (typ or desc),
            beneficiaire_ref=commune_ecrite(commune) if commune else None,
            commune_projet=commune_ecrite(commune) if commune else None,
            cout_projet=cout, montant_eligible=eligible, taux=taux(m.group("taux")),
            dispositif=DISPOSITIF, tableau=nom, reference=m.group("ref"),
        ))
    bad = [p for p in res.problems if p.kind == "ligne-illisible"]
    if totals:
        no, a, b = totals
        if "cout" in cols or not cols:
            res.checks.append(check_montant(ctx, no, f"{DISPOSITIF} — montant total des projets", a,
                                            sum((s.cout_projet or Decimal(0) for s in res.subventions), Decimal(0)), bad))
        res.checks.append(check_montant(ctx, no, f"{DISPOSITIF} — montant total des aides", b,
                                        sum((s.montant for s in res.subventions), Decimal(0)), bad))
    else:
        res.problems.append(Problem(ctx.source, res.line, "total-absent",
                                    "Tableau FARDA voirie sans ligne de total : sommes non vérifiées.",
                                    "avertissement", ctx.deliberation))
    first_no, last_no = res.line, res.line_end
    res.consumed = {l.no for l in lines if first_no <= l.no <= last_no}
    return res, i


def _checks_annonces(results: list[TableResult], lines: list[Line], ctx: Contexte) -> None:
    """Counts stated in the text (« 176 projets ») checked against all rows of the unit's tables."""
    consumed = set().union(*(r.consumed for r in results))
    trouve = sum(len(r.subventions) for r in results)
    bad = [p for r in results for p in r.problems if p.kind == "ligne-illisible"]
    totaux = {c.declare for r in results for c in r.checks if c.declare is not None}
    totaux |= {sum((s.montant for r in results for s in r.subventions), Decimal(0))}
    for n, ln in nombres_annonces(lines, consumed, totaux):
        results[0].checks.append(check_nombre(ctx, ln, f"{DISPOSITIF} — nombre de projets", n, trouve, bad))

"""« Monuments historiques » programmation table (restoration of protected / PID buildings).

Header: `N° TERRITOIRES COMMUNES BÉNÉFICIAIRES ÉDIFICES ŒUVRES/OPÉRATIONS PROTECTION
MONTANT DES TRAVAUX HT SUBVENTION`. Every cell wraps freely, so the only firm marker
of a row is its closing line `… (CLMH|IMH|NP) <HT> € <subvention> €` (one € may be
missing, amounts may have no cents); the row is everything since the previous
closing line, and its first line starts with the row number and the territoire
(`13 ARRAGEOIS VIS-EN-ARTOIS VIS-EN-ARTOIS Église Saint-Martin …`). The page title
(`BP 2021` / `La programmation…`) repeats between rows on each new page and is
skipped because it is the text printed just above the header. The table ends on
`<total HT> € <total subventions> €TOTAL`.

Cells are told apart by case: commune and beneficiary are printed in capitals
(`BERCK BERCK` = the commune is its own beneficiary), the édifice and operation in
mixed case; wide gaps and indented lines mark a new cell when the layout kept them,
else the operation starts at a works word (`Restauration`, `Travaux`…).
"""

from __future__ import annotations

import re

from generator.commun.pliage import sans_accents
from generator.records import Line, Subvention
from generator.subventions.beneficiaires import classify
from generator.subventions.tables._commun import (
    Motif,
    extraire_tableaux,
    fermer,
    ligne_des_totaux,
    ligne_illisible_erreur,
    montant,
    sq,
)
from generator.subventions.tables.base import Contexte, TableResult, commune_ecrite

DISPOSITIF = "Monuments historiques"

_AMT = r"\d{1,3}(?: \d{3})*(?:,\d{2})?"
_HEADER_RE = re.compile(r"TERRITOIRES?\s+COMMUNES?\s+B[ÉE]N[ÉE]FICIAIRES?\s+[ÉE]DIFICES?", re.I)
_CLOSE_RE = re.compile(
    rf"^(?P<pre>.*?)\s*(?<![\w-])(?P<prot>CLMH|ISMH|IMH|MH|NP|PID|[A-Z]{{2,5}})\s+(?P<ht>{_AMT})\s*€?\s+(?P<sub>{_AMT})\s*€?$"
)
_TOTAL_RE = re.compile(rf"^(?:TOTAL\w*\s*:?\s*)?(?P<a>{_AMT})\s*€?\s+(?P<b>{_AMT})\s*€?\s*(?:TOTAL\w*)?$", re.I)
_ROW_START = re.compile(r"^\s*(?P<n>\d{1,3})\s+(?P<terr>[A-ZÀ-Ý][A-ZÀ-Ý'-]+)(?=\s|$)")
_MAX_ROW_ITEMS = 30

# first words of a beneficiary that is not the commune itself
_BENEF_WORD = re.compile(
    r"^(?:Association|Diocèse|Diocese|Fondation|Commune|Communauté|Communaute|Syndicat|Société|Societe|Paroisse|"
    r"Fabrique|Ville|Département|Fédération|Amis|Les\s+Amis|Centre|Etablissement|Établissement|SCI|SARL)\b",
    re.I,
)
_BENEF_UPPER = re.compile(
    r"^(?:COMMUNE|COMMUNAUTE|ASSOCIATION|SYND\w*|DIOCESE|DIOCÈSE|FONDATION|VILLE|DEPARTEMENT|DÉPARTEMENT|SCI|CC\w*|CA\w*)$"
)
# first words of the operation column (works on the building)
_OPERATION_WORDS = {
    "restauration",
    "rehabilitation",
    "couverture",
    "reconstruction",
    "mesure",
    "mesures",
    "travaux",
    "refection",
    "stabilisation",
    "consolidation",
    "mise",
    "amenagement",
    "renovation",
    "etude",
    "etudes",
    "diagnostic",
    "entretien",
    "remplacement",
    "sauvegarde",
    "securisation",
    "confortement",
    "nettoyage",
    "traitement",
    "assainissement",
    "reprise",
    "conservation",
    "restitution",
    "depose",
    "reparation",
    "reparations",
    "valorisation",
    "creation",
    "installation",
    "maitrise",
    "urgence",
}
_CONNECTORS = {"de", "du", "des", "la", "le", "les", "et", "d'", "l'", "à", "au", "aux", "en", "sur", "-"}


def _plain(word: str) -> str:
    return sans_accents(word.lower())


def _is_upper(tok: str) -> bool:
    return any(c.isalpha() for c in tok) and not any(c.islower() for c in tok)


def _tokens(pieces: list[str]) -> list[tuple[str, bool, bool]]:
    """(token, starts a line, starts a new cell) for the row's text pieces.

    A new cell is certain when the layout kept a wide gap (3+ spaces) or indented
    the line; a line start alone is only a hint (cells wrap).
    """
    out = []
    for raw in pieces:
        indented = bool(re.match(r"^ {2,}\S", raw))
        for s, seg in enumerate(re.split(r" {3,}", raw.strip())):
            for t, tok in enumerate(seg.split()):
                first = t == 0
                out.append((tok, first and s == 0, first and (s > 0 or indented)))
    return out


# Necessary for a table here (its header row): searched in the unit's text in lower case (extract_subventions).
INDICE = Motif(r"territoires?\s+communes?\s+b[ée]n[ée]ficiaires?\s+[ée]difices?", "difice")


def extract(lines: list[Line], ctx: Contexte) -> list[TableResult]:
    """Every monuments-historiques table of the deliberation unit (usually one), with its checks."""
    items = [(l.no, l.text) for l in lines if l.text.strip()]  # raw: the layout's gaps mark cells
    return extraire_tableaux(items, lines, ctx, _en_tete, _read_table, f"{DISPOSITIF} — nombre de subventions")


def _en_tete(items: list[tuple[int, str]], i: int) -> bool:
    return "DIFICE" in items[i][1].upper() and bool(_HEADER_RE.search(items[i][1]))


def _read_table(items: list[tuple[int, str]], start: int, lines: list[Line], ctx: Contexte) -> tuple[TableResult | None, int]:
    # header: from its first line to the line before the first numbered row
    hend = None
    for j in range(start + 1, min(len(items), start + 25)):
        if _ROW_START.match(items[j][1]):
            hend = j - 1
            break
    if hend is None:
        return None, start + 1
    header = sq(" ".join(t for _, t in items[start : hend + 1]))
    if not re.search(r"SUBVENTION", header, re.I) or not re.search(r"MONTANT", header, re.I):
        return None, start + 1
    above = [sq(t) for _, t in items[max(0, start - 4) : start]]
    noise = set(above) | {sq(t) for _, t in items[start : hend + 1]}
    nom = next((t for t in above if re.search(r"monuments?\s+historiques", t, re.I)), DISPOSITIF)
    res = TableResult(nom=nom, dispositif=DISPOSITIF, line=items[start][0], line_end=items[hend][0])
    titre = nom
    rows: list[tuple[list[tuple[int, str]], re.Match[str]]] = []  # (lines of a row, its closing line's match)
    buf: list[tuple[int, str]] = []
    buf_start = 0
    totals = None
    i = hend + 1
    while i < len(items):
        no, raw = items[i]
        text = sq(raw)
        if text in noise:  # page title or header repeated on a new page (even inside a wrapped row)
            i += 1
            continue
        m = _TOTAL_RE.match(text)
        start_m = _ROW_START.match(raw)
        if m or (start_m and buf and (lu := _numero(buf)) is not None and int(start_m.group("n")) > lu):
            if buf:  # the row being read never reached its amounts
                res.problems.append(
                    ligne_illisible_erreur(
                        ctx, buf[0][0], sq(" ".join(t for _, t in buf)), "Ligne du tableau Monuments historiques sans montants lisibles"
                    )
                )
                buf = []
            if m:
                totals = ligne_des_totaux(no, m)
                res.line_end = no
                i += 1
                break
        if not buf:
            buf_start = i
        buf.append((no, raw))
        close = _CLOSE_RE.match(text)
        if close:
            rows.append((buf, close))
            res.line_end = no
            buf = []
        elif len(buf) > _MAX_ROW_ITEMS:
            break
        i += 1
    if buf and not totals:
        i = buf_start  # the unclosed lines are not part of the table
        if any(_ROW_START.match(t) for _, t in buf):
            res.problems.append(
                ligne_illisible_erreur(
                    ctx, buf[0][0], sq(" ".join(t for _, t in buf[:6])), "Ligne du tableau Monuments historiques sans montants lisibles"
                )
            )
    numeros = []
    for row, close in rows:
        sub = _parse_row(row, close, ctx, res, titre)
        if sub is not None:
            res.subventions.append(sub[0])
            if sub[1] is not None:
                numeros.append((sub[1], row[0][0]))
    prev = 0
    for n, ln in numeros:  # rows are numbered 1, 2, 3…: a gap means a row was not read
        if n != prev + 1:
            res.problems.append(
                ctx.probleme(
                    ln, "numero-incoherent", f"Tableau Monuments historiques : la ligne n° {n} suit la ligne n° {prev}.", "avertissement"
                )
            )
        prev = n
    fermer(ctx, res, totals, f"{DISPOSITIF} — montant total des travaux HT", f"{DISPOSITIF} — montant total des subventions", lines)
    return res, i


def _numero(buf: list[tuple[int, str]]) -> int | None:
    """The printed number of the row being read, if its first line was seen."""
    for _, t in buf:
        m = _ROW_START.match(t)
        if m:
            return int(m.group("n"))
    return None


def _parse_row(
    row: list[tuple[int, str]], close: re.Match[str], ctx: Contexte, res: TableResult, titre: str
) -> tuple[Subvention, int | None] | None:
    """One Subvention (and its printed number) from the lines of one row (`close`: `_CLOSE_RE` on its
    last line); None + Problem if unreadable."""
    first_idx = next((k for k, (_, t) in enumerate(row) if _ROW_START.match(t)), None)
    lead = row[:first_idx] if first_idx else []
    for no, t in lead:  # text between two rows that is neither page furniture nor a row
        res.problems.append(ligne_illisible_erreur(ctx, no, sq(t), "Texte hors ligne dans le tableau Monuments historiques"))
    body = row[first_idx:] if first_idx is not None else row
    pieces = [t for _, t in body[:-1]]
    last_raw = body[-1][1]
    # keep the raw spacing of the closing line's text part (it may hold a wide gap)
    cut = last_raw.rfind(close.group("prot") + " ")
    pieces.append(last_raw[:cut] if cut >= 0 else close.group("pre"))
    numero, territoire = None, None
    m = _ROW_START.match(pieces[0])
    if m:
        numero, territoire = int(m.group("n")), m.group("terr")
        pieces[0] = pieces[0][m.end() :]
    toks = [t for t in _tokens(pieces) if t[0]]
    k = 0
    while k < len(toks) and _is_upper(toks[k][0]):
        k += 1
    run, mixed = toks[:k], toks[k:]
    words = [t for t, _, _ in run]
    commune, benef, doute = None, None, False
    n = len(words)
    if n >= 2 and n % 2 == 0 and words[: n // 2] == words[n // 2 :]:
        commune = benef = " ".join(words[: n // 2])
    elif n >= 2:
        split = next((j for j in range(1, n) if _BENEF_UPPER.match(words[j])), None)
        if split is None and (any(c.isdigit() for c in words[-1]) or re.fullmatch(r"C[ACU][A-Z0-9]{2,5}", words[-1])):
            split = n - 1  # an EPCI acronym (CA2BM, CAPSO) after the commune
        if split is not None:
            commune, benef = " ".join(words[:split]), " ".join(words[split:])
        else:
            commune = " ".join(words)
    elif n == 1:
        commune = words[0]
    if benef is None and mixed and _BENEF_WORD.match(mixed[0][0] + (" " + mixed[1][0] if len(mixed) > 1 else "")):
        # a beneficiary in mixed case: its cell ends at a line that does not continue it
        j = 1
        while j < len(mixed):
            tok, line_start, hard = mixed[j]
            prev = mixed[j - 1][0]
            if hard or (line_start and _plain(prev) not in _CONNECTORS and not prev.endswith("-") and mixed[j][0][:1].isupper()):
                break
            j += 1
        benef, mixed = " ".join(t for t, _, _ in mixed[:j]), mixed[j:]
    if benef is None and commune:
        benef, doute = commune, True
    if not commune or not benef or not mixed:  # (a commune without a beneficiary has become its own)
        res.problems.append(
            ligne_illisible_erreur(ctx, body[0][0], sq(" ".join(t for _, t in body)), "Ligne du tableau Monuments historiques illisible")
        )
        return None
    if doute:
        res.problems.append(
            ctx.probleme(
                body[0][0],
                "beneficiaire-incertain",
                f"Bénéficiaire non distingué de la commune « {commune} » : la commune est retenue.",
                "info",
            )
        )
    # édifice | opération
    coupe = next((j for j in range(1, len(mixed)) if mixed[j][2]), None)
    if coupe is None:
        coupe = next((j for j in range(1, len(mixed)) if _plain(mixed[j][0]) in _OPERATION_WORDS and mixed[j][0][:1].isupper()), None)
    edifice = " ".join(t for t, _, _ in (mixed[:coupe] if coupe else mixed))
    operation = " ".join(t for t, _, _ in mixed[coupe:]) if coupe else ""
    prot = close.group("prot")
    objet = f"{edifice} — {operation} ({prot})" if operation else f"{edifice} ({prot})"
    is_commune = benef == commune
    sub = ctx.subvention(
        body[0][0],
        benef,
        "commune" if is_commune else classify(benef),
        montant(close.group("sub")),
        objet=objet,
        beneficiaire_ref=commune_ecrite(benef) if is_commune else None,
        commune_projet=commune_ecrite(commune),
        cout_projet=montant(close.group("ht")),
        dispositif=DISPOSITIF,
        tableau=titre,
        territoire=territoire,
    )
    return sub, numero

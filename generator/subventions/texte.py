"""Grants decided in the ARTICLES of a délibération (only articles are decisions).

Three shapes are met:
- one grant per article: `D'attribuer à la commune de X, une subvention de N € pour son
  projet de Y.` (also amounts before the beneficiary, several amounts in one article);
- one grant with its breakdown: `…d'un montant global de 534 172 € au Groupement … selon
  la répartition reprise au tableau ci-dessous :` then label/amount lines where subtotals
  FOLLOW their items and a `Total` closes the list — one grant, breakdown checked;
- a global amount whose detail is an annex table: `les 22 subventions … pour un montant
  total de 511 259 euros`, `une participation globale de 2 750 € aux deux porteurs…`,
  `à 18 associations pour un montant total de 118 280 €`. Those are not grants: they are
  TotalChecks against the table rows (read by the table modules), and become a grant to
  the named recipients only when no table detail exists (with a Problem saying so).
Budget articles (`imputées sur le budget départemental comme suit`) are left to budget.py.
Amounts cited but not decided (an envelope, a recette, an older grant being amended)
are reported as info Problems so nothing is silently dropped.
"""

from __future__ import annotations

import bisect
import operator
import re
from dataclasses import dataclass, field
from decimal import Decimal

from generator.commun.montants import Montant, find_montants, format_montant
from generator.parse.normalise import squash
from generator.records import Deliberation, Line, PlaceRef, Problem, Subvention, TotalCheck
from generator.records.common import Severity
from generator.subventions.beneficiaires import classify, clean_name, fold_name
from generator.subventions.tables.base import Contexte, TableResult, commune_ecrite

_APOS = str.maketrans({"\u2019": "'", "\u00a0": " ", "\u202f": " "})
_NOUN = r"(?:subventions?|participations?|aides?|dotations?|contributions?|sommes?|avances?|financements?)"


@dataclass
class Globale:
    """A global amount stated in an article whose detail is expected in a table."""

    article: str
    line: int
    montant: Decimal
    nombre: int | None
    texte: str
    destinataires: str = ""  # named recipients, e.g. « l'association X et l'association Y »
    dispositif: str | None = None
    types: set[str] | None = None  # sub-total restricted to a kind of beneficiary
    distincts: bool = False  # the count is of distinct organisations, not rows
    libelle: str = ""
    groupe: str = ""  # article key: sub-totals of one article share the same tables
    art_line: int = 0  # the article's lines [art_line, art_end): a table module may already check it
    art_end: int | None = None


@dataclass
class Analyse:
    subventions: list[Subvention] = field(default_factory=list)
    globales: list[Globale] = field(default_factory=list)
    checks: list[TotalCheck] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def extract_from_articles(
    deliberation: Deliberation, ctx: Contexte, tables: list[TableResult] | None = None, lines: list[Line] | None = None
) -> tuple[list[Subvention], list[TotalCheck], list[Problem]]:
    """Grants and stated totals of the articles; global amounts are checked against `tables`.

    `lines` (the normalised Lines of the unit) only sharpen line numbers of breakdown rows.
    """
    a = analyse_articles(deliberation, ctx, lines)
    subs, checks, problems = list(a.subventions), list(a.checks), list(a.problems)
    s2, c2, p2 = resolve_globales(a.globales, tables or [], ctx)
    return subs + s2, checks + c2, problems + p2


def analyse_articles(deliberation: Deliberation, ctx: Contexte, lines: list[Line] | None = None) -> Analyse:
    """Read every article; grants and breakdown checks now, global amounts for later."""
    out = Analyse()
    arts = sorted(deliberation.articles, key=lambda x: x.line)
    for i, art in enumerate(arts):
        nxt = arts[i + 1].line if i + 1 < len(arts) else None
        segs = _segments(art, nxt, lines)
        before = len(out.globales)
        _article(deliberation, art.numero, art.line, segs, ctx, out)
        for g in out.globales[before:]:
            g.art_line, g.art_end = art.line, nxt
    return out


_NUMERO = operator.itemgetter(0)  # a Line's number (`Line.no`), without a list of them made for each unit
_VOTE_BLOCK = re.compile(r"Dans les conditions de vote|^\s*\(Adopt")
_ARTICLE_HEAD = re.compile(r"^\s*Article\s+\S+\s*:\s*", re.I)


def _segments(art, nxt: int | None, lines: list[Line] | None) -> list[tuple[int, str]]:
    """(line number, text) of an article: from the Lines when given (ascending numbers: each article's lines
    are one slice, found by bisection on their numbers), else from its texte."""
    if lines:
        a = bisect.bisect_left(lines, art.line, key=_NUMERO)
        b = len(lines) if nxt is None else bisect.bisect_left(lines, nxt, key=_NUMERO)
        seg: list[tuple[int, str]] = []
        for k in range(a, b):  # (the last article runs to the unit's end, its annexes too: stopped early)
            t = lines[k].text
            if t.strip():
                if nxt is None and _VOTE_BLOCK.search(t):  # last article: stop at the vote block
                    break
                seg.append((lines[k].no, t))
        if seg:
            seg[0] = (seg[0][0], _ARTICLE_HEAD.sub("", seg[0][1]))
            seg = [s for s in seg if s[1].strip()]
            if seg:
                return seg
    parts = art.texte.split("\n")
    return [(art.line + k, t) for k, t in enumerate(parts) if t.strip()]


_VERB = re.compile(r"^\s*(?:D'|De |d')\s*(?:attribuer|allouer|accorder|octroyer|engager|verser)\b", re.I)
_BUDGET = re.compile(r"budget d[ée]partemental\s+comme suit|imput[ée]+s?\s+sur\s+le\s+budget|affect[ée]+s?\s+sur\s+le\s+budget", re.I)
_SPLIT = re.compile(r"(?:ci-dessous|comme suit|suivante?s?|et notamment)\s*:", re.I)
_GLOBAL = re.compile(
    r"montant\s+(?:total|global)|participation\s+globale|enveloppe\s+globale|correspondant\s+(?:à|aux)\s+\d+"
    r"|\b\d+\s+(?:subventions|projets|dossiers|bénéficiaires|opérations)\b",
    re.I,
)
_NUMWORDS = {"deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7, "huit": 8, "neuf": 9, "dix": 10}
_COUNT = re.compile(
    r"\b(\d+|deux|trois|quatre|cinq|six|sept|huit|neuf|dix)\s+(?:subventions|projets|dossiers|bénéficiaires"
    r"|opérations|porteurs|associations|communes|collectivités|structures)\b",
    re.I,
)
_PLURAL_RECIPIENT = re.compile(
    r"^(?:les\s+|aux\s+)?(?:\d+|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|différents|divers)\b"
    r"|^(?:les\s+)?(?:bénéficiaires|porteurs|communes|associations|collectivités|structures|lauréats)\b",
    re.I,
)
_PARENS = re.compile(r"\(([^()]*\b(?:association|commune|ville|communauté|syndicat)\b[^()]*)\)", re.I)
_SOUS_TOTAL = re.compile(
    r"à\s+(?P<n>\d+)\s+(?P<who>associations?|collectivités?|communes?|EPCI|sociétés?(?:\s+coopératives?)?|entreprises?|structures?|établissements?)"
    r"\s+pour\s+un\s+montant\s+total\s+de\s+(?P<m>[\d  .,]+\s*(?:€|euros?))",
    re.I,
)
_TYPES_OF = {
    "association": {"association"},
    "collectivit": {"commune", "epci", "syndicat"},
    "commune": {"commune"},
    "epci": {"epci"},
    "soci": {"autre"},
    "entreprise": {"autre"},
    "structure": None,
    "établissement": None,
}


def _article(delib: Deliberation, numero: str, line: int, segs: list[tuple[int, str]], ctx: Contexte, out: Analyse) -> None:
    flat, offsets = "", []
    for no, t in segs:
        offsets.append((len(flat), no))
        flat += squash(t.translate(_APOS)) + "\n"
    text = flat.replace("\n", " ").strip()
    if not text or _BUDGET.search(text):
        return
    amounts = [m for m in find_montants(text, euro_only=True) if m.valeur > 0]

    def line_at(pos: int) -> int:
        best = segs[0][0]
        for off, no in offsets:
            if off <= pos:
                best = no
        return best

    label = f"Article {numero}"

    def signaler(montants: list[Montant], kind: str, severity: Severity, pourquoi: str) -> None:
        """Each of `montants` reported at its line: « Article N : montant X <pourquoi> »."""
        for m in montants:
            out.problems.append(_problem(ctx, line_at(m.start), kind, severity, f"{label} : montant {format_montant(m.valeur)} {pourquoi}"))

    sous = list(_SOUS_TOTAL.finditer(text))
    if not _VERB.match(text):
        signaler(amounts, "montant-non-retenu", "info", "cité sans décision d'attribution (non retenu comme subvention).")
        return
    split = _SPLIT.search(text)
    intro = text[: split.start()] if split else text
    rest = text[split.end() :] if split else ""
    intro_amounts = [m for m in amounts if m.start < len(intro)]
    dispositif = _dispositif(intro)

    if sous:  # « à 18 associations pour un montant total de 118 280 € » : checks of a table, by kind
        for s in sous:
            who = s.group("who").lower()
            types = next((v for k, v in _TYPES_OF.items() if who.startswith(k)), None)
            montant = find_montants(s.group("m"))[0].valeur
            out.globales.append(
                Globale(
                    numero,
                    line_at(s.start()),
                    montant,
                    int(s.group("n")),
                    text,
                    dispositif=dispositif,
                    types=types,
                    distincts=True,
                    groupe=numero,
                    libelle=f"{label} — {s.group('n')} {s.group('who')}",
                )
            )
        if not intro_amounts:
            return
    if not intro_amounts:
        signaler(amounts, "montant-non-interprete", "avertissement", "hors de la phrase de décision, non interprété.")
        return

    benef = _beneficiary(intro, intro_amounts[0], delib)
    is_global = bool(_GLOBAL.search(intro))
    plural = benef is None or bool(_PLURAL_RECIPIENT.match(benef))
    if is_global and plural:
        total = _total_amount(intro, intro_amounts)
        cm = _COUNT.search(intro)
        nombre = None
        if cm:
            nombre = int(cm.group(1)) if cm.group(1).isdigit() else _NUMWORDS[cm.group(1).lower()]
        named = _PARENS.search(intro)
        g = Globale(
            numero,
            line_at(total.start),
            total.valeur,
            nombre,
            text,
            destinataires=named.group(1) if named else "",
            dispositif=dispositif,
            groupe=numero,
            libelle=f"{label} — montant global",
        )
        out.globales.append(g)
        if rest:
            _breakdown(rest, len(text) - len(rest), line_at, total.valeur, nombre, f"{label} — répartition", ctx, out)
        return
    if benef is None:
        benef_written = ""
    else:
        benef_written = benef
    inferred = False
    if not benef_written:
        pm = _partner_in_articles(delib)
        if pm:
            benef_written, inferred = pm, True
    if not benef_written:
        signaler(intro_amounts, "beneficiaire-introuvable", "avertissement", "attribué sans bénéficiaire lisible.")
        benef_written = "(bénéficiaire non précisé)"
    name = clean_name(benef_written)
    kind = _kind(benef_written, delib)
    for k, m in enumerate(intro_amounts):
        end = intro_amounts[k + 1].start if k + 1 < len(intro_amounts) else len(intro)
        objet = _objet(intro[m.end : end])
        sub = ctx.subvention(line_at(m.start), name, kind, m.valeur, objet=objet, dispositif=dispositif)
        if kind == "commune":
            sub.beneficiaire_ref = commune_ecrite(name)
        elif kind == "epci":
            sub.beneficiaire_ref = PlaceRef(kind="epci", written=name, status="non-resolu")
        where = _commune_in(objet)
        if where:
            sub.commune_projet = commune_ecrite(where)
        elif kind == "commune":
            sub.commune_projet = commune_ecrite(name)
        out.subventions.append(sub)
        if inferred:
            out.problems.append(
                _problem(
                    ctx,
                    sub.line,
                    "beneficiaire-deduit",
                    "info",
                    f"{label} : bénéficiaire non nommé dans l'article, déduit de la convention de la délibération : {name}.",
                )
            )
    if rest and len(intro_amounts) == 1:
        _breakdown(rest, len(text) - len(rest), line_at, intro_amounts[0].valeur, None, f"{label} — répartition ({name})", ctx, out)


# D'attribuer [,] à <B> [,] une subvention …
_BEFORE = re.compile(
    rf"^\s*(?:D'|De |d')\s*\w+\s*,?\s*(?:à|au|aux)\s+(?!titre\b)(?P<b>.+?)\s*,?\s+(?:une?|la|le|les|des|l')\s*{_NOUN}\b", re.I
)
# … <montant> au Groupement … / aux deux porteurs …
_AFTER = re.compile(
    r"^\s*(?:€|euros?)?\s*,?\s*(?:à|au|aux)\s+(?!titre\b)(?P<b>.+?)(?=\s+(?:au titre|pour|selon|dans le cadre|conformément|afin)\b|\s*[,;.(]|$)",
    re.I,
)


def _beneficiary(intro: str, first: Montant, delib: Deliberation) -> str | None:
    m = _BEFORE.match(intro)
    if m and m.end("b") <= first.start:
        return m.group("b").strip(" ,")
    m = _AFTER.match(intro[first.end :])
    if m:
        return m.group("b").strip(" ,")
    return None


_PARTNER = re.compile(r"\bavec\s+(?P<b>(?:l'|la |le |les )[^,;]+?)\s*,\s*(?:la|le|les|l')\s*(?:convention|avenant|accord)", re.I)


def _partner_in_articles(delib: Deliberation) -> str | None:
    for art in delib.articles:
        m = _PARTNER.search(squash(art.texte.translate(_APOS)))
        if m:
            return m.group("b")
    return None


def _kind(written: str, delib: Deliberation) -> str:
    """Type from the name; an unmarked name called `l'association X` elsewhere in the act is one."""
    kind = classify(written)
    if kind == "autre":
        name = clean_name(written)
        blob = " ".join(squash(a.texte.translate(_APOS)) for a in delib.articles)
        if name and re.search(r"l'association\s+«?\s*" + re.escape(name), blob, re.I):
            return "association"
    return kind


def _total_amount(intro: str, amounts: list[Montant]) -> Montant:
    m = re.search(r"montant\s+(?:total|global)|participation\s+globale|enveloppe\s+globale", intro, re.I)
    if m:
        after = [a for a in amounts if a.start >= m.end()]
        if after:
            return after[0]
    return amounts[0]


_DISPOSITIF = [
    re.compile(r"dispositif\s*«\s*(?P<d>[^»]+?)\s*»", re.I),
    re.compile(
        r"(?:dans le cadre|au titre)\s+(?:du|de l'|de la|des)\s*(?P<d>(?:Fonds|FARDA|Appel à projets|Plan|Programme|Bourse)[^,;]*?)"
        r"(?=\s+(?:\d{4}\b|pour|selon|correspondant|concourant)|\s*[,;.]|$)",
        re.I,
    ),
    re.compile(r"au titre des\s+(?P<d>subventions d'équipement[^,;]*?)(?=\s+(?:pour|selon|concourant)\b|\s*[,;.]|$)", re.I),
]


def _dispositif(text: str) -> str | None:
    for rx in _DISPOSITIF:
        m = rx.search(text)
        if m:
            return squash(m.group("d")).strip(" ,–-")
    return None


_CUT = re.compile(
    r"\s*(?:,\s*)?(?:\bet\s+)?(?:selon les modalités|conformément|dans les termes|, ainsi qu|\bainsi qu'une\b)|\s*;|\.\s*$", re.I
)


def _objet(seg: str) -> str:
    """`pour son projet de X` → X; else `pour (la réalisation du) X`; else `au titre des X`."""
    seg = re.sub(r"^\s*(?:€|euros?)", "", seg).strip(" ,")
    m = re.search(r"\bprojet\s+(?:de\s+(?:de\s+)?|d'|du\s+|des\s+)?(?P<o>.+)", seg, re.I)
    if not m:
        m = re.search(
            r"\bpour\s+(?:la\s+réalisation\s+(?:de\s+son\s+|du\s+|de\s+la\s+|de\s+l'|des\s+)?|le\s+|la\s+|l'|les\s+)?(?P<o>.+)", seg, re.I
        )
    if not m:
        m = re.search(r"\bau\s+titre\s+(?!de\s+l'année)(?:des\s+|du\s+|de\s+la\s+|de\s+l')(?P<o>.+)", seg, re.I)
    if not m:
        return ""
    o = m.group("o")
    c = _CUT.search(o)
    if c:
        o = o[: c.start()]
    o = o.strip(" ,;.")
    if o.lower().startswith("son projet") or not o:
        return ""
    return o


_COMMUNE_IN = re.compile(r"\bà\s+(?P<c>(?:(?:Le|La|Les|L')\s*)?[A-ZÀ-Ý][A-Za-zÀ-ÿ'-]+(?:-[A-Za-zÀ-ÿ'-]+)*)")


def _commune_in(objet: str) -> str | None:
    for m in _COMMUNE_IN.finditer(objet):
        c = m.group("c")
        if c.split("'")[0] in {"Le", "La", "Les"} and " " not in c and "-" not in c:
            continue
        return c
    return None


_TOTAL_LABEL = re.compile(r"^\W*(?:sous[- ]?)?total(?:\s+g[ée]n[ée]ral)?\W*$|^\W*TOTAUX?\W*$", re.I)


def _breakdown(rest: str, base: int, line_at, expected: Decimal, nombre: int | None, libelle: str, ctx: Contexte, out: Analyse) -> None:
    """Label/amount lines after the decision; subtotals follow their items; `Total` closes."""
    amounts = [m for m in find_montants(rest, euro_only=True)]
    if not amounts:
        return
    header = rest[: amounts[0].start]
    with_count = bool(re.search(r"\bNombre\b", header, re.I))
    opened: list[tuple[Decimal, int]] = []  # (amount, count)
    total: tuple[Decimal, int | None, int] | None = None
    prev_end = 0
    for m in amounts:
        label = squash(rest[prev_end : m.start])
        prev_end = m.end
        value, count = m.valeur, 0
        if with_count:
            lm = re.search(r"\s(\d{1,4})$", " " + label)
            digits = re.sub(r"[^\d ,.]", "", m.texte).split()
            if lm and not _TOTAL_LABEL.match(label[: -len(lm.group(1))] or ""):
                count = int(lm.group(1))
                label = label[: -len(lm.group(1))].strip()
            elif len(digits) >= 2:
                count = int(digits[0])
                value = find_montants(" ".join(digits[1:]))[0].valeur
            elif lm:
                count = int(lm.group(1))
                label = label[: -len(lm.group(1))].strip()
        if _TOTAL_LABEL.match(label) or re.match(r"^total\b", label, re.I):
            total = (value, count if with_count else None, line_at(base + m.start))
            break
        # a subtotal: the sum of the last ≥2 open items
        acc, k = Decimal(0), len(opened)
        collapsed = False
        while k > 0:
            k -= 1
            acc += opened[k][0]
            if acc == value and len(opened) - k >= 2:
                cnt = sum(c for _, c in opened[k:])
                del opened[k:]
                opened.append((value, cnt or count))
                collapsed = True
                break
            if acc > value:
                break
        if not collapsed:
            opened.append((value, count))
    calc = sum((v for v, _ in opened), Decimal(0))
    found = sum(c for _, c in opened) if with_count else None
    line = total[2] if total else line_at(base + amounts[-1].start)
    declared = total[0] if total else expected
    statut, msg = "ok", ""
    if calc != declared:
        statut, msg = (
            "ecart",
            f"{libelle} : la somme des lignes ({format_montant(calc)}) diffère du total indiqué ({format_montant(declared)}).",
        )
    ndecl = total[1] if total and total[1] is not None else (nombre if with_count else None)
    if with_count and ndecl is not None and found != ndecl:
        statut = "ecart"
        msg = (msg + " " if msg else "") + f"{libelle} : {found} éléments comptés pour {ndecl} annoncés."
    out.checks.append(ctx.controle(line, libelle, declared, calc, nombre_declare=ndecl, nombre_trouve=found, statut=statut, message=msg))
    if total and total[0] != expected:
        out.checks.append(
            ctx.controle(
                line,
                f"{libelle} — total / décision",
                expected,
                total[0],
                statut="ecart",
                message=f"{libelle} : le total du tableau ({format_montant(total[0])}) diffère du montant décidé ({format_montant(expected)}).",
            )
        )


def resolve_globales(
    globales: list[Globale], tables: list[TableResult], ctx: Contexte
) -> tuple[list[Subvention], list[TotalCheck], list[Problem]]:
    """Each global amount against the table rows that detail it (TotalCheck), or a fallback."""
    subs: list[Subvention] = []
    checks: list[TotalCheck] = []
    problems: list[Problem] = []
    with_rows = [t for t in tables if t.subventions]
    groups = sorted({g.groupe for g in globales})
    assigned: dict[str, list[TableResult]] = {}
    free = list(with_rows)
    for grp in groups:
        gg = [g for g in globales if g.groupe == grp]
        if len(groups) == 1:
            assigned[grp] = with_rows
            continue
        words = set(re.findall(r"\b[A-Z]{3,}\b", gg[0].texte)) | set(re.findall(r"\w+", (gg[0].dispositif or "").lower()))
        pick = [
            t
            for t in free
            if words
            & (
                set(re.findall(r"\b[A-Z]{3,}\b", f"{t.nom} {t.dispositif or ''}"))
                | set(re.findall(r"\w{4,}", f"{t.nom} {t.dispositif or ''}".lower()))
            )
        ]
        if not pick:
            target = gg[0].montant
            pick = [t for t in free if sum((s.montant for s in t.subventions), Decimal(0)) == target][:1]
        assigned[grp] = pick
        free = [t for t in free if t not in pick]
    for g in globales:
        if _already_checked(g, tables):
            continue
        rows = [s for t in assigned.get(g.groupe, []) for s in t.subventions]
        if g.types is not None:
            rows = [s for s in rows if s.type_beneficiaire in g.types]
        if not rows:
            _fallback(g, ctx, subs, checks, problems)
            continue
        calc = sum((s.montant for s in rows), Decimal(0))
        found = len({fold_name(s.beneficiaire) for s in rows}) if g.distincts else len(rows)
        statut, msgs = "ok", []
        if calc != g.montant:
            statut = "ecart"
            msgs.append(f"montant annoncé {format_montant(g.montant)}, somme des lignes du tableau {format_montant(calc)}")
        if g.nombre is not None and found != g.nombre:
            statut = "ecart"
            msgs.append(f"{g.nombre} annoncés, {found} trouvés")
        nom = ", ".join(sorted({t.dispositif or t.nom for t in assigned.get(g.groupe, [])}))
        checks.append(
            ctx.controle(
                g.line,
                f"{g.libelle} ({nom})",
                g.montant,
                calc,
                nombre_declare=g.nombre,
                nombre_trouve=found,
                statut=statut,
                message=(f"{g.libelle} : " + " ; ".join(msgs) + ".") if msgs else "",
            )
        )
    return subs, checks, problems


def _already_checked(g: Globale, tables: list[TableResult]) -> bool:
    """A table module already checked this very statement (same article, same amount)."""
    for t in tables:
        for c in t.checks:
            if c.declare == g.montant and g.art_line <= c.line <= g.line:
                return True
    return False


def _fallback(g: Globale, ctx: Contexte, subs: list, checks: list, problems: list) -> None:
    """A global amount no table details: one grant to its recipients when they are named, else an error."""
    nommes = g.destinataires if g.types is None else None
    if nommes:
        subs.append(ctx.subvention(g.line, clean_name(nommes), classify(nommes), g.montant, dispositif=g.dispositif))
        severite: Severity = "avertissement"
        constat = (
            f"{g.libelle} : le détail par bénéficiaire ({format_montant(g.montant)}) n'a pas été trouvé dans un tableau ; "
            f"une seule subvention globale est enregistrée pour {nommes}."
        )
        pourquoi = "Détail du tableau introuvable."
    else:
        severite = "erreur"
        constat = f"{g.libelle} : montant global de {format_montant(g.montant)} annoncé, mais aucun tableau de bénéficiaires n'a été lu."
        pourquoi = f"{g.libelle} : aucun tableau lu ne détaille ce montant."
    problems.append(_problem(ctx, g.line, "detail-introuvable", severite, constat))
    checks.append(ctx.controle(g.line, g.libelle, g.montant, None, nombre_declare=g.nombre, statut="illisible", message=pourquoi))


def _problem(ctx: Contexte, line: int, kind: str, severity: Severity, message: str) -> Problem:
    return ctx.probleme(line, kind, message, severity)

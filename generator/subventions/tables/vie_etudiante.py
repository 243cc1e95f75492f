"""Student-life call for projects (« Soutenons la vie des étudiants ») annex table.

Layout: title `Propositions de soutien financier de l'Appel à projets …`, column headers
(`Total éligible du projet € Taux`, `Nouveau total éligible du projet € Taux`,
`Subvention sollicitée Subvention proposée`, `Numéro de dossier`, `Porteur de projet
Nom du projet`, `Nature du porteur`…) printed partly after the rows and repeated on each
page. A row opens with its dossier number `2021-03` (maybe after a territory label)
and closes on the amounts line
`<éligible> € <sollicitée> € <taux>% <nouvel éligible> € <proposée> € <taux>%`;
a refused dossier closes with `… <taux>% 0 €` — kept as an « info » problem, not as a
grant. A comment paragraph follows each row. The table ends with
`<Σ éligible> € <Σ sollicitée> € <Σ nouvel éligible> € <Σ proposée> €TOTAUX`.
Articles may announce « à N associations pour un montant total de X € » per kind of
porteur: these counts are of distinct porteurs (one porteur can hold several dossiers).

The porteur and the project's name are two columns. When either cell wraps, the text keeps
them on separate lines (`Mission Locale en Pays d'Artois` / `Les étudiants ambassadeurs…`);
when both fit on one line, the text joins them with a space (`2021-07 Les RoadRunners Fight
Precariousness X X X Association …`). Such a row is split by `separer` only where one cut
alone fits the way the table's names are written; otherwise the printed text stays whole,
the grant is marked `beneficiaire_incertain` (no beneficiary page is made of it) and the
control report says so, for the publisher to settle it in site_data/corrections.yaml.
"""

from __future__ import annotations

import re
from decimal import Decimal

from generator.commun.montants import format_montant, parse_taux
from generator.records import Line, Problem
from generator.subventions.beneficiaires import classify
from generator.subventions.tables import _commun as c
from generator.subventions.tables.base import PORTEUR_INCERTAIN, Contexte, TableResult

NOM = "Vie étudiante"
_A = c.AMOUNT
_DOSSIER = re.compile(r"^(?:(?P<pre>[^\d]{0,40}?)\s+)?(?P<num>20\d\d-\d{2})(?=\s|$)(?P<rest>.*)$")
_AMOUNTS = re.compile(
    rf"(?P<elig>{_A})\s*€\s+(?P<soll>{_A})\s*€\s+(?P<t1>\d{{1,3}}(?:[,.]\d+)?)\s*%\s+"
    rf"(?:(?P<nelig>{_A})\s*€\s+(?P<prop>{_A})\s*€\s+(?P<t2>\d{{1,3}}(?:[,.]\d+)?)\s*%|(?P<zero>0)\s*€)"
)
_TOTAUX = re.compile(r"TOTAU?X?\b|\bTOTAL\b", re.I)
_NATURES = (
    ("Collectivité territoriale", "commune", r"collectivit[ée]s?"),
    ("Société coopérative", "autre", r"soci[ée]t[ée]s?\s+coop[ée]ratives?"),
    ("Association", "association", r"associations?"),
    ("EPCI", "epci", r"EPCI"),
)
_NATURE_RE = re.compile(
    r"\b(Collectivit[ée]\s+territoriale|Soci[ée]t[ée]\s+coop[ée]rative|Association|EPCI|"
    r"[ÉE]tablissement public)\b",
    re.I,
)
_TICK = re.compile(r"(?:(?<=\s)|^)[Xx](?=\s|$)")
# words a name does not end on (« Association des », « Club de »): no cut right after them
_PARTICULES = frozenset("de d' d’ du des la le les l' l’ et à au aux pour en sur sous lez lès / - –".split())
_ARTICLES = frozenset("le la les l' l’".split())
_NOM_DE_LIEU = re.compile(r"^(?:de|du|des)$|^[dl]['’]\w*[A-ZÀ-Ý]")  # « de Bruay… », « d'Artois »: a name goes on


def separer(texte: str) -> tuple[str, str] | None:
    """Porteur and project name of a row whose two cells were printed on one line, or None when unsure.

    The rule, from how this table's names are written: a project's name starts with a capitalised
    word followed by a word in lower case (« Aide aux étudiants », « Jouons le jeu », « Mon corps,
    mes règles »), while a porteur's name is capitalised words, a place (« Lions Club de
    Bruay-le-Buissière », « Commune de Marquise ») or a service after a slash (« Ville de Liévin /
    Service jeunesse »). A cut is a word k ≥ 1 that starts with a capital and whose next word starts
    in lower case, where
    - the next word is not the start of a place's name (« Club de Bruay », « Locale d'Artois »),
    - the word before is no particle (« Association des Parents d'élèves » has no cut) nor a slash,
    - the porteur is more than an article (« Le | Rat perché… »).
    Exactly one cut: the split; none or several: None (« Les RoadRunners Fight Precariousness »,
    « MédusArt ARTS24 », all capitals or no lower-case word, say nothing of where the porteur ends).
    """
    mots = texte.split()
    coupes = []
    for k in range(1, len(mots) - 1):
        mot, suivant = mots[k], mots[k + 1]
        if not (mot[:1].isupper() and suivant[:1].islower()):
            continue
        if _NOM_DE_LIEU.match(suivant) and (not suivant.isalpha() or (k + 2 < len(mots) and mots[k + 2][:1].isupper())):
            continue
        avant = mots[k - 1].casefold()
        if avant in _PARTICULES or (k == 1 and avant in _ARTICLES):
            continue
        coupes.append(k)
    if len(coupes) != 1:
        return None
    k = coupes[0]
    return " ".join(mots[:k]), " ".join(mots[k:])


def _ticked(part: str) -> bool:
    return bool(_TICK.search(part))


def _untick(part: str) -> str:
    return re.sub(r"\s+", " ", _TICK.sub(" ", part)).strip()


# Necessary for a table here (its title or its header row): searched in the unit's text in lower case (extract_subventions).
INDICE = c.UnDes(
    c.Motif(r"propositions de soutien financier", "propositions de soutien financier"), c.Motif(r"subvention\s+sollicitée", "sollicitée")
)


def _titre(texts: list[str]) -> int | None:
    """The table's title line, when the first column headers follow it (the amounts' headers
    come only after the first page of rows: a text cut on that page has none of them)."""
    for k, t in enumerate(texts):
        if t.startswith("Propositions de soutien financier") and any(x.startswith("Total éligible du") for x in texts[k + 1 : k + 30]):
            return k
    return None


def extract(lines: list[Line], ctx: Contexte) -> list[TableResult]:
    """The table of a délibération unit; [] when the unit has none."""
    texts = [c.texte(ln) for ln in lines]
    start = _titre(texts)
    if start is None:  # no title followed by its headers: the amounts' header row names the table
        if not any("Subvention sollicitée" in t and "Subvention proposée" in t for t in texts):
            return []
        start = next((k for k, t in enumerate(texts) if t.startswith("Propositions de soutien financier")), None)
        if start is None:
            start = next(k for k, t in enumerate(texts) if "Subvention sollicitée" in t)
    dispositif = NOM
    m = re.search(r"[\"«]\s*([^\"»]+?)\s*[\"»]", texts[start])
    if m:
        dispositif = m.group(1)
    res = TableResult(NOM, dispositif, lines[start].no, lines[start].no)
    rows: list[dict] = []
    current: dict | None = None
    for k in range(start, len(lines)):
        ln, t = lines[k], texts[k]
        if not t:
            continue
        am = _AMOUNTS.search(t)
        totals = c.euros(t)
        if len(totals) == 4 and _TOTAUX.search(t) and not am:
            _close_unread(current, res, ctx)
            current = None
            res.consumed.add(ln.no)
            res.line_end = ln.no
            _totals(ln, totals, rows, res, ctx)
            break
        md = _DOSSIER.match(t)
        if md:
            _close_unread(current, res, ctx)
            rest = md.group("rest")
            if am:  # dossier number and amounts on one line
                rest = rest[: rest.find(am.group(0))]
            current = {"line": ln.no, "num": md.group("num"), "parts": [rest.strip()], "lines": [ln.no]}
            if not am:
                continue
        if current is None:
            continue  # header, comments, territory labels between rows
        if am:
            if not md:
                current["parts"].append(t[: am.start()])
            current["lines"].append(ln.no)
            rows.append(_row(current, am, res, ctx))
            res.consumed.update(current["lines"])
            res.line_end = ln.no
            current = None
        else:
            current["parts"].append(t)
            current["lines"].append(ln.no)
            if len(current["lines"]) > 15:
                _close_unread(current, res, ctx)
                current = None
    else:
        _close_unread(current, res, ctx)
        # only its TOTAUX line ends this table (its headers and comments fill pages between rows):
        # without it, the table runs to the end of the unit, and a file that ends there was cut
        res.line_end = max((ln.no for ln, t in zip(lines, texts) if t), default=res.line_end)
        res.problems.append(c.info(ctx, res.line, "total-absent", f"{NOM} : ligne TOTAUX introuvable."))
    res.subventions = [r["sub"] for r in rows if r["sub"] is not None]
    _article_checks(lines, ctx, res, rows)
    return [res]


def _close_unread(current: dict | None, res: TableResult, ctx: Contexte) -> None:
    if current is not None:
        raw = current["num"] + " " + " ".join(current["parts"])
        res.problems.append(c.ligne_illisible(ctx, current["line"], raw, NOM))
        res.problems[-1].message += " (dossier sans ligne de montants)"


def _row(current: dict, am: re.Match, res: TableResult, ctx: Contexte) -> dict:
    """One dossier: porteur and project name, nature of porteur, amounts."""
    bare = not current["parts"][0].strip()  # dossier number alone on its line
    parts = [p.strip() for p in current["parts"] if p.strip()]
    nature_txt, nature_type = "", "autre"
    joined = " ".join(parts)
    mn = next(reversed(list(_NATURE_RE.finditer(joined))), None)  # the last one
    if mn:
        nature_txt = mn.group(1)
        joined = (joined[: mn.start()] + joined[mn.end() :]).strip()
        nature_type = next((typ for _, typ, pat in _NATURES if re.match(pat, nature_txt, re.I)), "autre")
    joined = _untick(joined)
    # porteur: the dossier line's text when the project name sits on later lines
    porteur, projet = joined, ""
    if parts and not bare and len(parts) > 1 and not _ticked(parts[0]):
        porteur = _untick(parts[0])
    elif bare and len(parts) > 1:
        # porteur lines up to the line carrying the axis ticks; when that line holds only
        # ticks, the project name wrapped on its own lines and the porteur is the first line
        with_x = next((k for k, p in enumerate(parts) if _ticked(p)), None)
        if with_x is not None and with_x > 0:
            before_ticks = _untick(_NATURE_RE.sub("", parts[with_x]))
            porteur = " ".join(parts[:with_x]) if before_ticks else parts[0]
    if porteur != joined and joined.startswith(porteur):
        projet = joined[len(porteur) :].strip()
    incertain = False
    if not projet:  # porteur and project printed on one line
        coupe = separer(joined)
        if coupe is None:
            incertain = True
        else:
            porteur, projet = coupe
    montant_prop = None if am.group("zero") else c.montant_euros(am.group("prop"))
    soll = c.montant_euros(am.group("soll"))
    elig = c.montant_euros(am.group("elig"))
    nelig = c.montant_euros(am.group("nelig")) if am.group("nelig") else None
    if nature_type == "commune":
        nature_type = classify(porteur, defaut="commune")
    commune = c.commune_nommee(porteur) if nature_type == "commune" else None
    premier_mot = re.match(r"((?:(?:Le|La|Les)\s+|L')?[^\s/]+)", commune) if commune else None
    if premier_mot:
        commune = premier_mot.group(1)
    sub = None
    if montant_prop is None or montant_prop == 0:
        res.problems.append(
            c.info(
                ctx,
                current["line"],
                "demande-refusee",
                f"{NOM} : dossier {current['num']} ({porteur}) — subvention sollicitée {format_montant(soll)}, proposée {format_montant(Decimal(0))} : "
                "demande non retenue, aucune subvention créée.",
            )
        )
    else:
        sub = ctx.subvention(
            current["line"],
            porteur,
            nature_type,
            montant_prop,
            commune,  # (a commune only when the porteur is one)
            objet=projet,
            montant_eligible=nelig,
            taux=parse_taux(am.group("t2") + "%"),
            dispositif=res.dispositif,
            tableau=NOM,
            reference=current["num"],
            beneficiaire_incertain=incertain,
        )
        if incertain:
            res.problems.append(
                Problem(
                    ctx.source,
                    current["line"],
                    PORTEUR_INCERTAIN,
                    f"{NOM} : dossier {current['num']}, « {joined} » : le porteur et le nom du projet sont imprimés "
                    "d'un seul tenant et rien ne dit sûrement où l'un finit ; "
                    + (
                        f"la subvention est rattachée à la commune ({commune}), sans objet."
                        if commune
                        else "la subvention est publiée sous ce texte, sans page de bénéficiaire."
                    )
                    + " Pour les séparer : site_data/corrections.yaml, rubrique subventions (corriger: {beneficiaire: …, objet: …}).",
                    "avertissement",
                    ctx.deliberation,
                )
            )
    return {
        "sub": sub,
        "elig": elig,
        "soll": soll,
        "nelig": nelig,
        "prop": montant_prop or Decimal(0),
        "nature": nature_type,
        "porteur": porteur,
        "texte": joined,
        "commune": commune,
    }


def _totals(ln: Line, totals: list[Decimal], rows: list[dict], res: TableResult, ctx: Contexte) -> None:
    cols = [
        ("total éligible des projets", "elig"),
        ("subventions sollicitées", "soll"),
        ("nouveau total éligible", "nelig"),
        ("subventions proposées", "prop"),
    ]
    for declared, (label, key) in zip(totals, cols):
        calc = sum((r[key] or Decimal(0) for r in rows), Decimal(0))
        res.checks.append(c.total_check(ctx, ln.no, f"{NOM} — {label}", declared, calc, illisibles=c.nb_illisibles(res)))


def _article_checks(lines: list[Line], ctx: Contexte, res: TableResult, rows: list[dict]) -> None:
    """« à 18 associations pour un montant total de 118 280 € » — distinct porteurs and their sum."""
    for ln in c.decision(lines):
        t = c.texte(ln)
        m = re.search(rf"\b(\d+)\s+([\wéè ]+?)\s+pour un montant total de\s+({c.AMOUNT})\s*€", t)
        if not m:
            continue
        kind = next((typ for _, typ, pat in _NATURES if re.fullmatch(pat, m.group(2).strip(), re.I)), None)
        if kind is None:
            continue
        granted = [r for r in rows if r["sub"] is not None and r["nature"] == kind]
        distinct = _distinct(granted)
        res.checks.append(
            c.total_check(
                ctx,
                ln.no,
                f"{NOM} — {m.group(2).strip()} (article)",
                c.montant_euros(m.group(3)),
                sum((r["prop"] for r in granted), Decimal(0)),
                int(m.group(1)),
                distinct,
            )
        )


def _distinct(rows: list[dict]) -> int:
    """Porteurs counted once: same commune, or one porteur's name starting another row's text."""
    keys: list[str] = []
    for r in rows:
        key = (r["commune"] or r["porteur"]).casefold()
        text = r["texte"].casefold()
        if any(key == k or text.startswith(k) or k.startswith(key) for k in keys):
            continue
        keys.append(key)
    return len(keys)

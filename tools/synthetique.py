"""Synthetic corpus for `make bench`: years of monthly recueils recombined from a real one.

Why: the real corpus is two monthly recueils; the site must hold ten years of them.
Each synthetic recueil is made of the REAL text of recueil N° 6 (June 2021,
site_data/sources/004_*.txt) — its avis and sommaire, its deliberation units
(header, attendance, articles, vote block, rapport, annexes) and its back cover —
renumbered and redated, so that the real parser reads it end to end:

- about 50 deliberations a month (44 to 56): the two FARDA programmes (voirie and
  aménagement) every month with their rows REGENERATED (real descriptions, types and
  amount shapes; real commune names drawn from site_data/reference/communes.json;
  seeded random amounts; totals, counts and budget lines restated to match), the
  heavy grant tables (sport, FIEET/FIEN, vie étudiante, monuments historiques) most
  months, and other real units drawn at random to fill the month (so sizes follow
  the real units, 7 KB to 300 KB);
- deliberation numbers run from 1 each January; sessions are the first Monday of
  the month; every year printed in the text is shifted to the recueil's year.

Each month has its own seed (`graine + année × 100 + mois`): adding a month never
changes the others. Not part of the default build: `python -m tools.synthetique
--annees 10 --dest DIR`, used by `tools.bench`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import re
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal
from functools import lru_cache
from pathlib import Path

from generator.parse.document import structure
from generator.parse.ingest import ingest_text
from generator.parse.normalise import normalise
from generator.sources.lecture import read_source
from generator.subventions.budget import extract_budget
from generator.subventions.tables.base import Contexte

ROOT = Path(__file__).resolve().parent.parent
MODELE = "004_45492b4b56f19b50.txt"  # recueil N° 6, juin 2021 (2ème partie)
SOURCES = ROOT / "site_data" / "sources"  # where MODELE is read unless told (the tests give tests/fixtures/corpus)
MOIS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"]
ANNEE_MODELE = 2021
VOIRIE, AMENAGEMENT = "2021-239", "2021-243"
LOURDES = ("2021-234", "2021-236", "2021-237", "2021-245")  # grant tables kept as printed
P_LOURDE = 0.8

_AMOUNT = r"\d{1,3}(?: \d{3})*,\d{2}"
_TAIL = re.compile(rf"(?P<amts>(?:{_AMOUNT}\s+){{0,3}})(?P<taux>\d{{1,3}}(?:,\d{{1,2}})?) ?%\s+(?P<aide>{_AMOUNT})\s*$")
_REF = re.compile(r"\b\d{4}-\d{5}\b")
_YEAR = re.compile(r"(?<![\d,.\u00a0])(20[12]\d)(?![\d]|,\d)")


def fmt(x: Decimal) -> str:
    """`28 871 527,75`: the tables' amount format (plain spaces, comma, cents)."""
    return f"{x:,.2f}".replace(",", " ").replace(".", ",")


def amount_re(x: Decimal) -> re.Pattern:
    """An amount as prose may print it: `2 289 545,23`, `2  289 545,23`, NBSP between groups."""
    groups = f"{int(x):,}".split(",")
    cents = f"{x:.2f}".split(".")[1]
    body = r"[ \u00a0]{1,3}".join(groups)
    return re.compile(rf"(?<![\d,.]){body}(?:,{cents})(?![\d])")


def first_monday(year: int, month: int) -> dt.date:
    d = dt.date(year, month, 1)
    return d + dt.timedelta(days=(7 - d.weekday()) % 7)


def date_fr(d: dt.date, upper: bool = False) -> str:
    s = f"{d.day} {MOIS[d.month - 1]} {d.year}"
    return s.upper() if upper else s


# ----------------------------------------------------------------------------- the model
@dataclass
class Ligne:
    """A FARDA row of the model: what is kept (description, type, amount shape) and its lines."""

    lines: list[str]  # the row as printed (voirie: several lines; aménagement: one)
    ref_at: int  # index of the line holding the dossier number
    benef: str
    type: str
    desc: str
    montants: list[Decimal]
    taux: str  # as printed: `40,00` / `50`
    aide: Decimal
    commune: bool


@dataclass
class Tableau:
    """A FARDA table of the model unit: rows region [debut, fin) in unit lines, total line."""

    debut: int
    fin: int
    total: int
    rows: list[Ligne]
    t_aides: Decimal
    t_projets: Decimal
    n: int
    depense1: Decimal  # first Dépense line of the deliberation's budget (absorbs the change)


@dataclass
class Unite:
    id: str
    lines: list[str]
    subventions: int
    tableau: Tableau | None = None


@dataclass
class Modele:
    avant: list[str]
    apres: list[str]
    unites: dict[str, Unite]
    communes: list[dict]


@lru_cache(maxsize=2)
def modele(sources: Path = SOURCES) -> Modele:
    """The real recueil (MODELE in the folder `sources`) cut into its units, with its two FARDA tables
    described (parsed once)."""

    src = read_source(sources / MODELE)
    text = src.text
    lines = text.split("\n")
    ex = ingest_text(src.name, text, src.sha256)
    delibs = ex.document.deliberations
    unites: dict[str, Unite] = {}
    for d in delibs:
        subs = [s for s in ex.subventions if s.deliberation == d.id]
        u = Unite(d.id, lines[d.line - 1 : d.line_end], len(subs))
        if d.id in (VOIRIE, AMENAGEMENT):
            norm = [l for l in normalise(text, garder=structure) if d.line <= l.no <= d.line_end]
            budget = extract_budget(norm, Contexte(d.id, src.name), d)
            dep = [b.depense for b in budget.lignes if b.depense is not None]
            u.tableau = _tableau(u, d.line, subs, [c for c in ex.controles if c.deliberation == d.id], dep[0], d.id == VOIRIE)
        unites[d.id] = u
    communes = sorted(
        json.loads((ROOT / "site_data" / "reference" / "communes.json").read_text(encoding="utf-8")).values(), key=lambda c: c["insee"]
    )
    return Modele(lines[: delibs[0].line - 1], lines[delibs[-1].line_end :], unites, communes)


def _tableau(u: Unite, first_no: int, subs, checks, depense1: Decimal, voirie: bool) -> Tableau:
    total_check = next(c for c in checks if c.libelle.endswith("montant total des aides"))
    total_idx = total_check.line - first_no
    starts = [s.line - first_no for s in subs]
    rows = []
    for k, s in enumerate(subs):
        a = starts[k]
        b = starts[k + 1] if k + 1 < len(starts) else total_idx
        block = u.lines[a:b]
        while block and not block[-1].strip():
            block.pop()
        ref_at = next(i for i, l in enumerate(block) if _REF.search(l))
        typ, _, desc = (s.objet or "").partition(" — ")
        m = _TAIL.search(" ".join(x.strip() for x in block if x.strip()))
        if m is None:
            continue  # a page number glued to the aid (`15 000,00976`): not a model row
        rows.append(
            Ligne(
                block,
                ref_at,
                s.beneficiaire,
                typ,
                desc,
                [Decimal(a.replace(" ", "").replace(",", ".")) for a in re.findall(_AMOUNT, m.group("amts"))],
                m.group("taux"),
                s.montant,
                s.beneficiaire_ref is not None,
            )
        )
    return Tableau(
        starts[0],
        total_idx,
        total_idx,
        rows,
        total_check.declare,
        next(c.declare for c in checks if c.libelle.endswith("montant total des projets")),
        len(subs),
        depense1,
    )


# ----------------------------------------------------------------------------- one month
@dataclass
class Mois:
    annee: int
    mois: int
    nom: str
    texte: str
    deliberations: int
    subventions: int
    tableaux: dict[str, dict] = field(default_factory=dict)  # FARDA: n, total aides, total projets


def _montants(row: Ligne, rng: random.Random) -> tuple[list[Decimal], Decimal]:
    """New amounts of the row's shape (1 to 3 amounts before the rate) and the aid they give."""
    cents = any(m % 1 for m in row.montants)
    cout = Decimal(row.montants[0] * Decimal(rng.uniform(0.5, 1.6))).quantize(Decimal("0.01") if cents else Decimal(1))
    cout = max(cout, Decimal(500)).quantize(Decimal("0.01"))
    taux = Decimal(row.taux.replace(",", "."))
    if len(row.montants) == 1:
        out, base = [cout], cout
    elif len(row.montants) == 2:
        x = row.montants[1]
        x = x if x < cout else (cout * Decimal("0.9")).quantize(Decimal("0.01"))
        out, base = [cout, x], x
    else:
        plafond = row.montants[1]
        eligible = (cout * Decimal(rng.uniform(0.8, 1.0))).quantize(Decimal("0.01"))
        out, base = [cout, plafond, eligible], min(plafond, eligible)
    aide = (base * taux / 100).quantize(Decimal(1) if not row.aide % 1 else Decimal("0.01"), rounding=ROUND_DOWN)
    return out, aide.quantize(Decimal("0.01"))


def _nom(c: dict, largeur: int) -> str:
    return ("COMMUNE DE " + c["nom"].upper())[:largeur]


def _rows(t: Tableau, n: int, voirie: bool, annee: int, communes: list[dict], rng: random.Random) -> tuple[list[str], Decimal, Decimal]:
    """n rows of the table's real shapes, for other communes, with new amounts; (lines, aids, projects)."""
    largeur = 200 if voirie else max(len(r.benef) for r in t.rows if r.commune)  # aménagement prints ~34 characters
    refs = rng.sample(range(100, 3400), n)
    made = []
    for k in range(n):
        row = rng.choice(t.rows)
        benef = _nom(rng.choice(communes), largeur) if row.commune else row.benef
        amts, aide = _montants(row, rng)
        made.append((row, benef, f"{ANNEE_MODELE}-{refs[k]:05d}", amts, aide))  # year shifted with the text
    order = {typ: i for i, typ in enumerate(dict.fromkeys(r.type for r in t.rows))}
    made.sort(key=lambda m: (m[1], m[2]) if voirie else (order[m[0].type], m[1], m[2]))
    out: list[str] = []
    for row, benef, ref, amts, aide in made:
        tail = " ".join(fmt(a) for a in amts) + f" {row.taux}% {fmt(aide)}"
        if voirie:
            out += _voirie_row(row, benef, ref, tail)
        else:
            out += [f"{ref} {row.desc} {row.type} {benef} {tail}", ""]
    return out, sum((m[4] for m in made), Decimal(0)), sum((m[3][0] for m in made), Decimal(0))


def _voirie_row(row: Ligne, benef: str, ref: str, tail: str) -> list[str]:
    """The row's real line structure, with the beneficiary wrapped as the table wraps it."""
    ref_line = row.lines[row.ref_at]
    trouvee = _REF.search(ref_line)
    if trouvee is None:
        raise ValueError(f"ligne de référence sans référence : {ref_line!r}")
    after_ref = ref_line[trouvee.end() :]
    cut = max(benef.rfind("-", 11, 26), benef.rfind(" ", 11, 26))
    if len(benef) <= 27 or cut < 0:
        head = [f"{benef} {ref}{after_ref}"]
    else:
        first, rest = (benef[: cut + 1], benef[cut + 1 :]) if benef[cut] == "-" else (benef[:cut], benef[cut + 1 :])
        head = [first, "", rest + " ", f"{ref}{after_ref}"]
    body = row.lines[row.ref_at + 1 :]
    lines = head + body
    last = max(i for i, l in enumerate(lines) if l.strip())
    lines[last] = _TAIL.sub(lambda m: tail, lines[last].rstrip())
    return lines + [""]


def _restate(text: str, old: Decimal, new: Decimal) -> str:
    return amount_re(old).sub(fmt(new), text)


def _farda(u: Unite, t: Tableau, n: int, voirie: bool, annee: int, communes, rng) -> tuple[list[str], dict]:
    """The unit `u` with its FARDA table `t` regenerated with at most `n` rows."""
    n = min(n, t.n)
    while True:
        rows, aides, projets = _rows(t, n, voirie, annee, communes, rng)
        if aides <= t.t_aides and aides > t.t_aides - t.depense1:
            break
        n -= 1  # keep the budget line positive and within what the model's budget allows
    lines = u.lines[: t.debut] + rows + [f"{fmt(projets)} {fmt(aides)}"] + u.lines[t.total + 1 :]
    text = "\n".join(lines)
    # restate what the text says of the table: totals, count, budget lines and their balance
    text = _restate(text, t.t_aides, aides)
    text = _restate(text, t.t_projets, projets)
    text = re.sub(rf"(?<![\d,]){t.n}(?=\s+projets)", str(n), text)
    if t.depense1 != t.t_aides:
        dep_new = t.depense1 - (t.t_aides - aides)
        text = _solde(text, t.depense1, dep_new)
    else:
        text = _solde(text, aides, aides, old_total=t.t_aides)
    return text.split("\n"), {"n": n, "aides": aides, "projets": projets}


def _solde(text: str, old: Decimal, new: Decimal, old_total: Decimal | None = None) -> str:
    """Budget lines `… Disponible Proposition Solde`: the balance follows the new proposal."""
    amt = re.compile(r"\d{1,3}(?: \d{3})*,\d{2}")

    def fix(line: str) -> str:
        vals = amt.findall(line)
        if len(vals) < 3:
            return amount_re(old).sub(fmt(new), line)
        nums = [Decimal(v.replace(" ", "").replace(",", ".")) for v in vals]
        was = old if old_total is None else old_total
        for k in range(1, len(nums) - 1):
            if nums[k] in (was, new) and nums[k - 1] - was == nums[k + 1]:
                return " ".join(vals[:k] + [fmt(new), fmt(nums[k - 1] - new)] + vals[k + 2 :])
        return amount_re(old).sub(fmt(new), line)

    return "\n".join(
        fix(l) if amount_re(old).search(l) or (old_total is not None and amount_re(new).search(l)) else l for l in text.split("\n")
    )


def _redate(lines: list[str], annee: int, seance: dt.date, envoi: dt.date) -> list[str]:
    """The unit's own dates to the synthetic session, then every year to the recueil's year."""
    text = "\n".join(lines)
    marks = {
        "\x00S\x00": date_fr(seance, upper=True),
        "\x00s\x00": date_fr(seance),
        "\x00E\x00": date_fr(envoi),
        "\x00D\x00": seance.strftime("%Y%m%d"),
    }
    text = re.sub(r"((?:Envoi au contrôle de légalité|Affichage) le\s*:\s*)\d{1,2} \w+ 2021", lambda m: m.group(1) + "\x00E\x00", text)
    text = text.replace("7 JUIN 2021", "\x00S\x00").replace("7 juin 2021", "\x00s\x00")
    text = re.sub(r"CP20210607-", "CP\x00D\x00-", text)
    shift = annee - ANNEE_MODELE
    text = _YEAR.sub(lambda m: str(int(m.group(1)) + shift), text)
    for k, v in marks.items():
        text = text.replace(k, v)
    return text.split("\n")


def mois(annee: int, numero_mois: int, premier: int, graine: int = 62, sources: Path = SOURCES) -> Mois:
    """The recueil of one month: deliberations numbered from `premier` (the model read in `sources`)."""
    m = modele(sources)
    rng = random.Random(graine * 1_000_000 + annee * 100 + numero_mois)
    seance = first_monday(annee, numero_mois)
    envoi = seance + dt.timedelta(days=28)
    parution = seance + dt.timedelta(days=31)
    total = rng.randint(44, 56)
    choix = [VOIRIE, AMENAGEMENT] + [u for u in LOURDES if rng.random() < P_LOURDE]
    legeres = [k for k in m.unites if k not in (VOIRIE, AMENAGEMENT, *LOURDES)]
    choix += [rng.choice(legeres) for _ in range(total - len(choix))]
    rng.shuffle(choix)
    corps: list[str] = []
    subs = 0
    tableaux = {}
    for k, uid in enumerate(choix):
        u = m.unites[uid]
        num = premier + k
        lines = u.lines
        if u.tableau is not None:
            voirie = uid == VOIRIE
            lines, info = _farda(u, u.tableau, rng.randint(80, u.tableau.n), voirie, annee, m.communes, rng)
            tableaux[f"{annee}-{num}"] = dict(info, tableau="FARDA voirie" if voirie else "FARDA aménagement")
            subs += info["n"]
        else:
            subs += u.subventions
        lines = _redate(lines, annee, seance, envoi)
        text = "\n".join(lines)
        text = re.sub(rf"\(N°{annee}-\d+\)", f"(N°{annee}-{num})", text, count=1)
        text = re.sub(r"^(\s*RAPPORT N°)\d+", rf"\g<1>{k + 1}", text, flags=re.M)
        corps.append(text)
    dernier = premier + len(choix) - 1
    coupe = premier + (len(choix) * 3) // 5  # 1ère partie / 2ème partie, both of the same session
    avant = "\n".join(_redate(m.avant, annee, seance, envoi))
    mois_up = MOIS[numero_mois - 1].upper()
    avant = re.sub(r"N° \d+ [A-ZÉÛ]+ \d{4}(?= - \d+/\d+)", f"N° {numero_mois} {mois_up} {annee}", avant)
    avant = re.sub(r"N° 6 de [A-ZÉÛ]+ \d{4}", f"N° {numero_mois} de {mois_up} {annee}", avant)
    avant = avant.replace(f"N° {annee}-188 à N° {annee}-231", f"N° {annee}-{premier} à N° {annee}-{coupe - 1}")
    avant = avant.replace(f"N° {annee}-232 à N° {annee}-252", f"N° {annee}-{coupe} à N° {annee}-{dernier}")
    avant = re.sub(r"ARRAS, \d+ \w+ \d{4}", f"ARRAS, {parution.day:02d} {MOIS[parution.month - 1]} {parution.year}", avant)
    avant = re.sub(
        r"^\d{2} [A-ZÉÛ]+ \d{4}\s*$", f"{parution.day:02d} {MOIS[parution.month - 1].upper()} {parution.year}", avant, count=1, flags=re.M
    )
    apres = "\n".join(_redate(m.apres, annee, seance, envoi))
    texte = "\n".join([avant, *corps, apres])
    return Mois(annee, numero_mois, f"{annee}-{numero_mois:02d}_raa-n{numero_mois}.txt", texte, len(choix), subs, tableaux)


def corpus(annees: int, debut: int = 2012, graine: int = 62, mois_en_plus: int = 0, sources: Path = SOURCES):
    """The months of `annees` years from January of `debut`, plus `mois_en_plus` months after."""
    n = annees * 12 + mois_en_plus
    premier = 1
    for k in range(n):
        annee, numero = debut + k // 12, k % 12 + 1
        if numero == 1:
            premier = 1
        m = mois(annee, numero, premier, graine, sources)
        premier += m.deliberations
        yield m


def ecrire(
    dest: Path, annees: int, debut: int = 2012, graine: int = 62, mois_en_plus: int = 0, seulement=None, sources: Path = SOURCES
) -> list[Mois]:
    """Write the recueils into `dest` (only the `seulement` indexes when given); returns them."""
    dest.mkdir(parents=True, exist_ok=True)
    out = []
    for k, m in enumerate(corpus(annees, debut, graine, mois_en_plus, sources)):
        if seulement is None or k in seulement:
            (dest / m.nom).write_text(m.texte, encoding="utf-8")
            m.texte = ""  # written: ten years of text need not stay in memory
        out.append(m)
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m tools.synthetique", description=__doc__.split("\n")[0])
    p.add_argument("--annees", type=int, default=10)
    p.add_argument("--debut", type=int, default=2012)
    p.add_argument("--mois-en-plus", type=int, default=0, help="mois supplémentaires après les années complètes")
    p.add_argument("--graine", type=int, default=62)
    p.add_argument("--dest", type=Path, required=True)
    a = p.parse_args(argv)
    months = ecrire(a.dest, a.annees, a.debut, a.graine, a.mois_en_plus)
    taille = sum((a.dest / m.nom).stat().st_size for m in months)
    print(
        f"{len(months)} recueils dans {a.dest} : {sum(m.deliberations for m in months)} délibérations, "
        f"{sum(m.subventions for m in months)} subventions attendues, {taille / 1e6:.0f} Mo"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Static SVG pictures for the public site: grants per year, map of the communes.

Drawn at build time as plain SVG strings (no JavaScript, no external request), so
the pages stay readable offline and without scripts. Every picture carries its own
text alternative (`<title>`, `<desc>`; `role="img"` for the bars, `role="group"` for the
map, whose links are for the mouse only); the pages that show them also print a table
of the same amounts. Text uses `currentColor` and fills carry
classes (`rpc-bar`, `rpc-axis`, `rpc-carte-cN`) so the site stylesheet can adapt
them to dark mode. Same input → same bytes: iteration is always sorted.

Demo: `python -m generator.site.graphiques --demo out.svg` renders the whole
département with zero amounts (and `--html` wraps it in a page to look at).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
from collections.abc import Callable, Iterable
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from html import escape
from pathlib import Path

from generator.commun.formats import montant_fr
from generator.commun.geometrie import douglas_peucker
from generator.records import JsonObject

REFERENCE_DIR = Path(__file__).resolve().parents[2] / "site_data" / "reference"
SVG_NS = "http://www.w3.org/2000/svg"

NBSP = "\u00a0"
NNBSP = "\u202f"

# Bars: mid-tone blue, 4.9:1 against white, 3.3:1 against the dark theme background.
COULEUR_BARRE = "#3a6fc4"
# Map: one neutral fill for « no grant », then a light-to-dark blue ramp.
COULEUR_AUCUN = "#e4e4e4"
PALETTE = ["#c6dbef", "#7fb1d9", "#4a89c4", "#1f5fa6", "#0b3a75"]
NB_CLASSES = len(PALETTE)

COS_LAT = math.cos(math.radians(50.5))  # equirectangular x-scaling at the département's latitude
CARTE_MAX = 1000  # the map is fitted into a CARTE_MAX × CARTE_MAX box, integer coordinates
SEUIL_POINT = 1.0  # a vertex closer than this (viewBox units) to the previous kept one is dropped
TOLERANCE_DP = 0.6  # Douglas-Peucker tolerance in viewBox units


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _ident(*parts: str) -> str:
    """A stable id prefix, so two pictures on one page do not share `<title>` ids."""
    h = hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:8]
    return f"rpc-{h}"


def _num(x: float) -> str:
    """Shortest text for a viewBox number (one decimal at most)."""
    r = round(x, 1)
    if r == int(r):
        return str(int(r))
    return f"{r:.1f}"


# --------------------------------------------------------------------------- amounts


def _groupe(entier: int) -> str:
    s = f"{entier:,}".replace(",", NNBSP)
    return s


def montant_court(value: Decimal) -> str:
    """Compact French amount for chart labels: `850 €`, `3,1 k€`, `15,5 k€`, `151 k€`, `1,2 M€`.

    Three significant digits at most (one decimal below 100 units), half-up rounding;
    the full amount is always given in the picture's `<title>`/`<desc>`.
    """
    v = Decimal(value)
    signe = "-" if v < 0 else ""
    v = abs(v)
    unites = [(Decimal(10) ** 9, "Md€"), (Decimal(10) ** 6, "M€"), (Decimal(1000), "k€")]
    petit = v.quantize(Decimal("1") if v >= 100 or v == v.to_integral_value() else Decimal("0.01"), rounding=ROUND_HALF_UP)
    if petit < 1000:
        if petit == petit.to_integral_value():
            return f"{signe}{int(petit)}{NBSP}€"
        return f"{signe}{str(petit).replace('.', ',')}{NBSP}€"
    for i, (base, unite) in enumerate(unites):
        if v >= base or (i == len(unites) - 1):  # 999,99 € → « 1 k€ »
            x = v / base
            q = x.quantize(Decimal("0.1") if x < 100 else Decimal("1"), rounding=ROUND_HALF_UP)
            if q >= 1000 and i > 0:  # 999 950 → « 1 M€ », not « 1000 k€ »
                base, unite = unites[i - 1]
                q = (v / base).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
            if q == q.to_integral_value():
                txt = _groupe(int(q))
            else:
                txt = str(q).replace(".", ",")
            return f"{signe}{txt}{NBSP}{unite}"
    raise AssertionError("unreachable")


def _montant_rond(value: Decimal) -> str:
    """`20 000 €`: a legend threshold, without cents."""
    return f"{_groupe(int(value))}{NBSP}€"


# --------------------------------------------------------------------------- bar chart


def barres_par_annee(annees: list[tuple[int, Decimal]], titre: str) -> str:
    """Vertical bars of the grants per year, compact amount above each bar.

    Years are drawn as given (sorted, duplicates summed): a missing year is not
    drawn as zero, since it may only mean that no recueil of that year was read.
    Returns "" when there is no year.
    """
    totaux: dict[int, Decimal] = {}
    for annee, montant in annees:
        totaux[int(annee)] = totaux.get(int(annee), Decimal(0)) + Decimal(montant)
    if not totaux:
        return ""
    rangs = sorted(totaux.items())
    n = len(rangs)
    slot, marge, haut, bas, hauteur = 72, 16, 30, 28, 230
    largeur = max(320, 2 * marge + n * slot)
    x0 = (largeur - n * slot) / 2
    plot = hauteur - haut - bas
    base_y = hauteur - bas
    maxi = max((m for _, m in rangs), default=Decimal(0))
    ident = _ident("barres", titre, repr(rangs))
    total = sum((m for _, m in rangs), Decimal(0))
    details = " ; ".join(f"{a} : {montant_fr(m)}" for a, m in rangs)
    desc = f"{titre}. Montant des subventions par année — {details}."
    if n > 1:
        desc += f" Total : {montant_fr(total)}."
    out = [
        f'<svg xmlns="{SVG_NS}" class="rpc-graphique rpc-barres" viewBox="0 0 {largeur} {hauteur}" '
        f'role="img" aria-labelledby="{ident}-t {ident}-d" font-family="sans-serif" font-size="14">',
        f'<title id="{ident}-t">{_e(titre)}</title>',
        f'<desc id="{ident}-d">{_e(desc)}</desc>',
    ]
    largeur_barre = slot * 0.6
    for i, (annee, montant) in enumerate(rangs):
        cx = x0 + slot * i + slot / 2
        h = float(montant / maxi) * plot if maxi > 0 and montant > 0 else 0.0
        if montant > 0:
            h = max(h, 1.0)  # a tiny grant stays visible
        y = base_y - h
        out.append(f"<g><title>{annee} : {_e(montant_fr(montant))}</title>")
        out.append(
            f'<rect class="rpc-bar" fill="{COULEUR_BARRE}" x="{_num(cx - largeur_barre / 2)}" '
            f'y="{_num(y)}" width="{_num(largeur_barre)}" height="{_num(h)}"/>'
        )
        out.append(f'<text x="{_num(cx)}" y="{_num(y - 6)}" text-anchor="middle" fill="currentColor">{_e(montant_court(montant))}</text>')
        out.append(f'<text x="{_num(cx)}" y="{_num(base_y + 19)}" text-anchor="middle" fill="currentColor">{annee}</text></g>')
    out.append(
        f'<line class="rpc-axis" x1="{_num(x0)}" y1="{base_y}" x2="{_num(x0 + n * slot)}" '
        f'y2="{base_y}" stroke="currentColor" stroke-width="1"/>'
    )
    out.append("</svg>")
    return "\n".join(out)


# --------------------------------------------------------------------------- map


@lru_cache(maxsize=4)
def _reference(directory: str) -> tuple[dict[str, JsonObject], dict[str, list[list[list[float]]]]]:
    """(communes.json, geometries.json["communes"]) read once per process."""
    d = Path(directory)
    communes = json.loads((d / "communes.json").read_text("utf-8"))
    geometries = json.loads((d / "geometries.json").read_text("utf-8"))["communes"]
    return communes, geometries


def _arrondi_significatif(v: Decimal, chiffres: int = 2) -> Decimal:
    """Round to `chiffres` significant digits, so legend thresholds are readable."""
    if v <= 0:
        return Decimal(0)
    exposant = v.adjusted() - (chiffres - 1)
    pas = Decimal(1).scaleb(exposant)
    return (v / pas).quantize(Decimal(1), rounding=ROUND_HALF_UP) * pas


def seuils_classes(valeurs: Iterable[Decimal], nb: int = NB_CLASSES) -> list[Decimal]:
    """Upper bounds between the classes of positive amounts: quantiles, rounded.

    Gives at most `nb - 1` strictly increasing thresholds t, each above the smallest
    amount, so class k holds t[k-1] <= v < t[k] and no class is empty at the bottom.
    """
    pos = sorted(v for v in valeurs if v > 0)
    if not pos:
        return []
    seuils: list[Decimal] = []
    for k in range(1, nb):
        q = pos[min(len(pos) - 1, (k * len(pos)) // nb)]
        t = _arrondi_significatif(q)
        if t > pos[0] and t <= pos[-1] and (not seuils or t > seuils[-1]):
            seuils.append(t)
    return seuils


def classe(valeur: Decimal | None, seuils: list[Decimal]) -> int:
    """0 for no grant, else 1..len(seuils)+1."""
    if valeur is None or valeur <= 0:
        return 0
    k = 1
    for t in seuils:
        if valeur >= t:
            k += 1
    return k


def _libelles(seuils: list[Decimal]) -> list[str]:
    if not seuils:
        return ["subvention reçue"]
    out = [f"moins de {_montant_rond(seuils[0])}"]
    for a, b in zip(seuils, seuils[1:]):
        out.append(f"de {_montant_rond(a)} à moins de {_montant_rond(b)}")
    out.append(f"{_montant_rond(seuils[-1])} ou plus")
    return out


def _couleurs(nb: int) -> list[str]:
    """`nb` colours spread over the ramp, so 2 classes are light and dark, not two lights."""
    if nb <= 0:
        return []
    if nb == 1:
        return [PALETTE[2]]
    return [PALETTE[round(i * (NB_CLASSES - 1) / (nb - 1))] for i in range(nb)]


def _simplifie(ring: list[tuple[float, float]]) -> list[tuple[int, int]]:
    """Projected ring → integer vertices, close points dropped, Douglas-Peucker; ≥ 3 points kept."""
    pts = ring[:-1] if len(ring) > 1 and ring[0] == ring[-1] else list(ring)
    # start the ring at its left-most vertex so the kept vertices do not depend on the source order
    if pts:
        s = min(range(len(pts)), key=lambda i: (pts[i][0], pts[i][1]))
        pts = pts[s:] + pts[:s]
    garde: list[tuple[float, float]] = []
    for p in pts:
        if not garde or math.hypot(p[0] - garde[-1][0], p[1] - garde[-1][1]) >= SEUIL_POINT:
            garde.append(p)
    if len(garde) >= 4:
        garde = douglas_peucker(garde + [garde[0]], TOLERANCE_DP)[:-1]
    entiers: list[tuple[int, int]] = []
    for x, y in garde:
        q = (round(x), round(y))
        if not entiers or entiers[-1] != q:
            entiers.append(q)
    while len(entiers) > 1 and entiers[-1] == entiers[0]:
        entiers.pop()
    if len(set(entiers)) < 3:  # a tiny ring: keep the rounded source points instead
        entiers = []
        for x, y in pts:
            q = (round(x), round(y))
            if not entiers or entiers[-1] != q:
                entiers.append(q)
        if len(set(entiers)) < 3:
            cx = round(sum(x for x, _ in pts) / len(pts))
            cy = round(sum(y for _, y in pts) / len(pts))
            entiers = [(cx - 1, cy - 1), (cx + 1, cy - 1), (cx + 1, cy + 1), (cx - 1, cy + 1)]
    return entiers


def _chemin(rings: list[list[tuple[int, int]]]) -> str:
    """`M x y l dx dy … z` per ring; a minus sign is its own separator."""
    parts: list[str] = []
    for ring in rings:
        (x0, y0) = ring[0]
        s = [f"M{x0} {y0}l"]
        px, py = x0, y0
        premier = True
        for x, y in ring[1:]:
            for v in (x - px, y - py):
                if not premier and v >= 0:
                    s.append(" ")
                s.append(str(v))
                premier = False
            px, py = x, y
        s.append("z")
        parts.append("".join(s))
    return "".join(parts)


def carte_communes(
    montants: dict[str, Decimal],
    lien: Callable[[JsonObject], str],
    titre: str,
    communes: Iterable[str] | None = None,
    *,
    tableau: str = "Le tableau ci-dessous donne les mêmes montants.",
    reference_dir: Path | str = REFERENCE_DIR,
) -> str:
    """Clickable map of the communes, shaded by the amount each received.

    `montants`: INSEE code → amount (absent or 0: « aucune subvention »); `lien(commune)`
    gives the relative href of a commune (its communes.json entry); `communes` limits the
    map to a subset (territoire, EPCI, canton page), the classes then follow that subset.
    The links are for the mouse only (tabindex="-1", inside `aria-hidden` groups): the
    table printed beside the map (or the one its `<desc>` names: `tableau`) holds the same links and amounts for keyboard and
    screen-reader users, so they do not tab through 890 shapes. The picture is therefore a
    `role="group"` named by its title and described by its `<desc>` (a `role="img"` may not
    contain links, even unfocusable ones: axe-core rule nested-interactive).
    """
    ref, geos = _reference(str(reference_dir))
    if communes is None:
        codes = sorted(ref)
    else:
        codes = sorted(set(communes))
        inconnus = [c for c in codes if c not in ref]
        if inconnus:
            raise ValueError(f"communes inconnues de la géographie de référence : {', '.join(inconnus)}")
    dessinees = [c for c in codes if geos.get(c)]
    sans_geo = [c for c in codes if not geos.get(c)]
    if not dessinees:
        return ""
    hors_ref = sorted(c for c in montants if c not in ref)

    # projection: equirectangular, x scaled by cos(50.5°), fitted into CARTE_MAX
    lons = [p[0] for c in dessinees for r in geos[c] for p in r]
    lats = [p[1] for c in dessinees for r in geos[c] for p in r]
    xmin, xmax = min(lons) * COS_LAT, max(lons) * COS_LAT
    ymin, ymax = min(lats), max(lats)
    echelle = CARTE_MAX / max(xmax - xmin, ymax - ymin, 1e-9)
    marge = 4

    def proj(p: list[float]) -> tuple[float, float]:
        return ((p[0] * COS_LAT - xmin) * echelle + marge, (ymax - p[1]) * echelle + marge)

    carte_l = math.ceil((xmax - xmin) * echelle) + 2 * marge
    carte_h = math.ceil((ymax - ymin) * echelle) + 2 * marge

    valeurs = {c: Decimal(montants[c]) for c in dessinees if c in montants}
    seuils = seuils_classes(valeurs.values())
    nb = len(seuils) + 1 if any(v > 0 for v in valeurs.values()) else 0
    couleurs = _couleurs(nb)

    par_classe: dict[int, list[str]] = {}
    for c in dessinees:
        par_classe.setdefault(classe(valeurs.get(c), seuils), []).append(c)

    # legend below the map, sized on the map width so it stays legible on a phone
    fonte = max(14, round(carte_l / 32))
    case = fonte
    ligne = round(fonte * 1.5)
    entrees = [(COULEUR_AUCUN, "aucune subvention", 0)]
    entrees += [(couleurs[i], lib, i + 1) for i, lib in enumerate(_libelles(seuils)[:nb])]
    leg_y = carte_h + round(fonte * 0.8)
    largeur = max(carte_l, 320)
    decal = (largeur - carte_l) // 2
    hauteur = leg_y + ligne * len(entrees) + round(fonte * 0.5)

    ident = _ident("carte", titre, ",".join(dessinees))
    nb_aides = sum(1 for v in valeurs.values() if v > 0)
    total = sum((v for v in valeurs.values() if v > 0), Decimal(0))
    desc = (
        f"Carte de {len(dessinees)} communes, teintées selon le montant des subventions reçues : "
        f"{nb_aides} commune{'s' if nb_aides > 1 else ''} aidée{'s' if nb_aides > 1 else ''}, "
        f"{montant_fr(total)} au total. {tableau}"
    )
    if sans_geo:
        desc += f" Sans contour connu, non dessinées : {', '.join(ref[c]['nom'] for c in sans_geo)}."
    if hors_ref:
        desc += f" Codes hors de la géographie de référence, ignorés : {', '.join(hors_ref)}."

    out = [
        f'<svg xmlns="{SVG_NS}" class="rpc-graphique rpc-carte" viewBox="0 0 {largeur} {hauteur}" '
        f'role="group" aria-label="{_e(titre)}" aria-describedby="{ident}-d" '
        f'font-family="sans-serif" font-size="{fonte}">',
        f"<title>{_e(titre)}</title>",
        f'<desc id="{ident}-d">{_e(desc)}</desc>',
        f'<g aria-hidden="true" transform="translate({decal} 0)" stroke="#ffffff" stroke-width="1" '
        f'stroke-linejoin="round" fill-rule="evenodd">',
    ]
    for k in sorted(par_classe):
        fill = COULEUR_AUCUN if k == 0 else couleurs[k - 1]
        out.append(f'<g class="rpc-carte-c{k}" fill="{fill}">')
        for c in par_classe[k]:
            com = ref[c]
            v = valeurs.get(c)
            quoi = montant_fr(v) if v is not None and v != 0 else "aucune subvention"
            anneaux = [_simplifie([proj(p) for p in r]) for r in geos[c]]
            out.append(
                f'<a href="{_e(lien(com))}" tabindex="-1"><title>{_e(com["nom"])} : {_e(quoi)}</title><path d="{_chemin(anneaux)}"/></a>'
            )
        out.append("</g>")
    out.append("</g>")
    out.append('<g class="rpc-legende" aria-hidden="true" fill="currentColor">')
    for i, (fill, lib, k) in enumerate(entrees):
        y = leg_y + i * ligne
        out.append(
            f'<rect class="rpc-carte-c{k}" x="{decal + 2}" y="{y}" width="{case}" height="{case}" '
            f'fill="{fill}" stroke="currentColor" stroke-width="0.5"/>'
            f'<text x="{decal + 2 + case + round(fonte * 0.5)}" y="{y + round(case * 0.85)}">'
            f"{_e(lib)}</text>"
        )
    out.append("</g>")
    out.append("</svg>")
    return "\n".join(out)


# --------------------------------------------------------------------------- demo


def _page(svg: str) -> str:
    return (
        '<!doctype html><html lang="fr"><meta charset="utf-8"><title>Démo</title>'
        '<body style="max-width:900px;margin:auto">' + svg + "</body></html>"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m generator.site.graphiques", description="Rend la carte des communes (montants nuls) pour l'examiner."
    )
    parser.add_argument("--demo", metavar="SORTIE", required=True, help="fichier SVG (ou .html) à écrire")
    args = parser.parse_args(argv)
    ref, _ = _reference(str(REFERENCE_DIR))
    svg = carte_communes({c: Decimal(0) for c in ref}, lambda c: f"../communes/{c['slug']}/", "Subventions par commune (démonstration)")
    sortie = Path(args.demo)
    texte = _page(svg) if sortie.suffix in (".html", ".htm") else svg
    sortie.write_text(texte, "utf-8")
    print(f"{sortie} : {len(svg.encode('utf-8'))} octets, {svg.count('<path')} communes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

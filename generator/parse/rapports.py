"""What follows a deliberation in its unit: its rapport (`RAPPORT N°…`) and the annexes before and
after it; the recueil's back cover after the last unit is reported, not attached.

Places of the rapport header (`Territoire(s):`, `Canton(s):`, `EPCI(s):`) are NOT resolved here:
each field gives ONE `PlaceRef(kind, written=<whole rejoined field value>, status="non-resolu")`;
the pipeline replaces it by `places.resolve_list(kind, written)`.
"""

from __future__ import annotations

import re

from generator.commun.pliage import cle_majuscules
from generator.parse.document import ANNEXE_SPLIT, DEPARTEMENT, RAPPORT, RAPPORT_ORGANE, REUNION, SIGNE, Document, Unit
from generator.parse.normalise import squash
from generator.parse.presences import is_person_line
from generator.records import Annexe, Deliberation, PlaceRef, Problem, Rapport
from generator.records.place import PlaceKind

_PLACE_FIELD = re.compile(r"^(Territoire\(s\)|Canton\(s\)|EPCI\(s\))\s*:\s*(.*)$", re.I)


def attach_rapport_and_annexes(doc: Document, u: Unit, d: Deliberation, sig_end: int, problems: list[Problem], last: bool) -> None:
    """Rapport and annexes of the unit, after the deliberation's last line `sig_end`; the back cover
    after the last unit is reported, not attached."""
    end = u.end
    if u.kind != "departement":
        if last:
            end = _cut_back_matter(doc, sig_end + 1, end, d, problems)
        d.annexes = _annexes(doc, sig_end + 1, end, "deliberation")
        return
    rap_i = None
    numero = ""
    for i in doc.commencant("RAPPORT", a=sig_end + 1, b=end + 1):
        t = doc.sq[i]
        if m := RAPPORT.match(t):
            if any(REUNION.match(doc.sq[k]) for k in range(i + 1, min(end + 1, i + 60))):
                rap_i, numero = i, m.group(1)
                break
    if rap_i is None:
        if last:
            end = _cut_back_matter(doc, sig_end + 1, end, d, problems)
        d.annexes = _annexes(doc, sig_end + 1, end, "deliberation")
        problems.append(
            Problem(
                d.source, d.line, "rapport-absent", f"Délibération {d.id} : aucun « RAPPORT N°… » dans son unité.", "avertissement", d.id
            )
        )
        d.line_end = doc.no(end)
        return
    rap, rstart, rend, paras = _parse_rapport(doc, rap_i, numero, sig_end, end, problems, d.id)
    full_title = _rapport_title(rap, paras, d.titre)
    rap.titre = full_title
    if cle_majuscules(full_title) != cle_majuscules(d.titre):
        problems.append(
            Problem(
                d.source,
                rap.line,
                "rapport-titre-different",
                f"RAPPORT N°{rap.numero} rattaché à {d.id} mais son titre « {full_title[:120]} » "
                f"diffère de celui de la délibération « {d.titre[:120]} ».",
                "avertissement",
                d.id,
            )
        )
    d.rapport = rap
    if last:
        end = _cut_back_matter(doc, rend + 1, end, d, problems)
    d.annexes = _annexes(doc, sig_end + 1, rstart - 1, "deliberation") + _annexes(doc, rend + 1, end, "rapport")
    d.line_end = doc.no(end)


_BACK_MATTER = re.compile(
    r"^(Le compte-rendu in extenso|Adresses des (?:\d+ )?Maisons|"
    r"RESPONSABLE DE LA PUBLICATION|ISSN \d)",
    re.I,
)


def _cut_back_matter(doc: Document, a: int, end: int, d: Deliberation, problems: list[Problem]) -> int:
    for i in range(a, end + 1):
        if _BACK_MATTER.match(doc.sq[i]):
            last = doc.prev_nb(end, i)
            problems.append(
                Problem(
                    d.source,
                    doc.no(i),
                    "hors-deliberation",
                    f"Lignes {doc.no(i)} à {doc.no(last or i)} : fin du recueil (adresses, "
                    "mentions de publication), rattachées à aucune délibération.",
                    "info",
                )
            )
            e = i - 1
            d.line_end = doc.no(e)
            return e
    return end


# --- the rapport ---------------------------------------------------------------------------


def rapport_start(doc: Document, r: int, floor: int) -> int:
    """The `DEPARTEMENT DU …` line opening a rapport, within a few lines above `RAPPORT N°`."""
    k = r
    seen = 0
    while k > floor and seen < 9:
        k -= 1
        if doc.sq[k]:
            seen += 1
            if DEPARTEMENT.match(doc.sq[k]):
                return k
    return r


def _place_fields(doc: Document, a: int, b: int) -> tuple[dict[str, str], int]:
    """Rejoined `Territoire(s)/Canton(s)/EPCI(s)` values; index after the last field line."""
    values: dict[str, str] = {}
    i = a
    last = a
    while i < b:
        m = _PLACE_FIELD.match(doc.sq[i])
        if not m:
            i += 1
            continue
        key = m.group(1).lower().split("(")[0]
        value = m.group(2).strip()
        j = i + 1
        while j < b:
            t = doc.sq[j]
            if not t:
                # continue over a blank line only when the value visibly goes on (`C.`, `,`, `de`)
                nxt = doc.next_nb(j, b)
                if (
                    nxt is not None
                    and re.search(r"(,|\bC\.|\b(?:de|du|des|d'|la|en|et))$", value)
                    and not _PLACE_FIELD.match(doc.sq[nxt])
                    and not RAPPORT_ORGANE.match(doc.sq[nxt])
                ):
                    j = nxt
                    continue
                break
            if _PLACE_FIELD.match(t) or RAPPORT_ORGANE.match(t) or REUNION.match(t):
                break
            value = value + ("" if value.endswith("-") else " ") + t
            j += 1
        values[key] = squash(value)
        last = j
        i = j
    return values, last


_JE_VOUS_PRIE = re.compile(r"^Je vous prie de bien vouloir en d[ée]lib[ée]rer", re.I)
_CP_FOOTER = re.compile(r"^CP\d{8}-\d+$")
_COMMISSION_THEME = re.compile(r"^\d+(?:ème|ère|e) Commission\b", re.I)


def _parse_rapport(
    doc: Document, r: int, numero: str, floor: int, end: int, problems: list[Problem], did: str
) -> tuple[Rapport, int, int, list[str]]:
    """Rapport N°`numero` from its `RAPPORT N°` line `r`; returns it, its first and last line indexes and the
    paragraphs after `REUNION DU` (its title is among them)."""
    start = rapport_start(doc, r, floor)
    rap = Rapport(numero=numero, line=doc.no(start))
    themes: list[str] = []
    for i in range(start + 1, r):
        t = doc.sq[i]
        if not t:
            continue
        if _COMMISSION_THEME.match(t):
            themes.append(t)
        elif rap.organisation and (t[:1].islower() or re.search(r"\b(?:de|du|des|d'|et|la|le|les|en|à)$", rap.organisation[-1])):
            rap.organisation[-1] += " " + t  # a wrapped Pôle/Direction/Service line
        else:
            rap.organisation.append(t)
    # organ line + REUNION close the header
    org_i = reu_i = None
    for i in range(r + 1, min(end + 1, r + 60)):
        if org_i is None and RAPPORT_ORGANE.match(doc.sq[i]):
            org_i = i
        elif REUNION.match(doc.sq[i]):
            reu_i = i
            break
    fields_end = org_i if org_i is not None else (reu_i if reu_i is not None else r + 1)
    values, after_fields = _place_fields(doc, r + 1, fields_end)
    fields: list[tuple[PlaceKind, list[PlaceRef]]] = [("territoire", rap.territoires), ("canton", rap.cantons), ("epci", rap.epcis)]
    for kind, places in fields:
        if values.get(kind):
            places.append(PlaceRef(kind=kind, written=values[kind], status="non-resolu"))
    for i in range(after_fields if values else r + 1, fields_end):
        if doc.sq[i] and not _PLACE_FIELD.match(doc.sq[i]):
            themes.append(doc.sq[i])
    rap.themes = themes
    # end: `Je vous prie…` then SIGNE / name, then optional CP footer
    jv = next((i for i in range(r, end + 1) if _JE_VOUS_PRIE.match(doc.sq[i])), None)
    if jv is None:
        problems.append(
            Problem(
                doc.source,
                doc.no(r),
                "rapport-fin-absente",
                f"RAPPORT N°{rap.numero} : pas de « Je vous prie de bien vouloir en délibérer » ; "
                "le rapport court jusqu'à la fin de l'unité.",
                "avertissement",
                did,
            )
        )
        rend = end
    else:
        rend = jv
        seen = 0
        i = jv + 1
        while i <= end and seen < 8:
            t = doc.sq[i]
            if t:
                seen += 1
                if SIGNE.match(t):
                    j = doc.next_nb(i + 1, end + 1)
                    rend = j if j is not None and is_person_line(doc.sq[j]) else i
                    break
                if is_person_line(t) or t.lower().startswith("le président"):
                    rend = i
            i += 1
        j = doc.next_nb(rend + 1, end + 1)
        while j is not None and _CP_FOOTER.match(doc.sq[j]):
            rend = j
            j = doc.next_nb(j + 1, end + 1)
    paras: list[str] = []
    if reu_i is not None:
        paras = [t for _, t in doc.paragraphs(reu_i + 1, min(rend + 1, reu_i + 21))]
        rap.titre = paras[0] if paras else ""
    rap.texte = doc.text(start, rend)
    rap.line_end = doc.no(rend)
    return rap, start, rend, paras


def _rapport_title(rap: Rapport, paras: list[str], delib_title: str) -> str:
    """The rapport repeats the deliberation title, possibly over several paragraphs."""
    target = cle_majuscules(delib_title)
    best = rap.titre
    acc = ""
    for p in paras:
        acc = (acc + " " + p).strip()
        if target.startswith(cle_majuscules(acc)):
            best = acc
            if cle_majuscules(acc) == target:
                break
        else:
            break
    return best


# --- annexes ---------------------------------------------------------------------------------


def _annexes(doc: Document, a: int, b: int, position: str) -> list[Annexe]:
    """Blocks of a..b inclusive, split before `ANNEXE …` headings; blank-only blocks dropped."""
    if a > b:
        return []
    cuts = [a]
    for i in doc.commencant("ANNEXE", a=a + 1, b=b + 1):
        t = doc.sq[i]
        if ANNEXE_SPLIT.match(t) and (not doc.sq[i - 1] or doc.lines[i].page_start):
            if any(doc.sq[k] for k in range(cuts[-1], i)):
                cuts.append(i)
    out = []
    for k, c in enumerate(cuts):
        e = cuts[k + 1] - 1 if k + 1 < len(cuts) else b
        first, last = doc.next_nb(c, e + 1), doc.prev_nb(e, c)
        if first is None or last is None:  # a blank-only block (both None, or neither)
            continue
        out.append(
            Annexe(
                titre=_annexe_title(doc, first, last),
                texte=doc.text(first, last),
                line=doc.no(first),
                line_end=doc.no(last),
                position=position,
            )
        )
    return out


_ANNEXE_TITLE = re.compile(
    r"^(ANNEXE|CONVENTION|AVENANT|ACCORD|CONTRAT|PROTOCOLE|CHARTE|R[ÈE]GLEMENT|"
    r"FICHE|PLAN|TABLEAU|LISTE|SYNTH[ÈE]SE|LIVRET)",
    re.I,
)


def _annexe_title(doc: Document, a: int, b: int) -> str:
    cands: list[str] = []
    i = a
    while i <= b and len(cands) < 8:
        t = doc.sq[i].lstrip(".…•▪-– ").strip()
        if sum(c.isalpha() for c in t) >= 3:
            cands.append(t)
        i += 1
    for t in cands:
        if _ANNEXE_TITLE.match(t):
            return t[:200]
    return cands[0][:200] if cands else doc.sq[a][:200]

"""Stage 3a: cut a normalised source into deliberations and read each one.

A recueil is a sequence of *units*. A unit of the Département runs from its
header (or the `Envoi au contrôle de légalité le :` stamp before it) to the line
before the next unit: deliberation → its annexes → `RAPPORT N°k` → (rarely) the
rapport's own annexes. A partner body's deliberation (e.g. a Conseil
communautaire) has its séance sentence and attendance *before* its
`DELIBERATION DU …` header and carries no number.

Everything is found from the documents' structure (headers, `(N°2021-232)`,
`DECIDE`, `Article N :`, the vote block, `RAPPORT N°…`), never from file names or
line numbers. What cannot be read becomes a `Problem`; nothing is dropped: the
text between the deliberation's signature and the rapport, and after the rapport,
is kept as `Annexe`s; the recueil's back cover after the last unit is reported.

This module finds the units and checks what only the whole source shows (numbers,
sessions, attendance); the parsers of one unit are in their own modules:
`document` (the lines as the parsers see them, shared line patterns),
`departement` (a Département deliberation), `partenaires` (a partner body's),
`presences` (attendance lists, person names, declared interests), `votes` (vote
block, signature), `rapports` (rapport and annexes).
"""

from __future__ import annotations

import re

from generator.commun.pliage import sans_accents, slug_ascii
from generator.parse.departement import parse_departement
from generator.parse.document import DEPARTEMENT, HEADER, NUMERO, RAPPORT, STAMP, Document, Unit, UnitReading
from generator.parse.partenaires import parse_partenaire
from generator.parse.presences import check_attendance
from generator.parse.rapports import attach_rapport_and_annexes, rapport_start
from generator.records import Deliberation, Line, Problem, Session
from generator.records.common import Severity

DEPARTEMENT_ORGANES = {"CONSEIL DEPARTEMENTAL": "Conseil départemental", "COMMISSION PERMANENTE": "Commission permanente"}
# Organs of partner bodies, written with their accents (documents print capitals).
ORGANES_CONNUS = {
    "CONSEIL COMMUNAUTAIRE": "Conseil communautaire",
    "BUREAU COMMUNAUTAIRE": "Bureau communautaire",
    "CONSEIL MUNICIPAL": "Conseil municipal",
    "COMITE SYNDICAL": "Comité syndical",
    "CONSEIL D'ADMINISTRATION": "Conseil d'administration",
    "CONSEIL METROPOLITAIN": "Conseil métropolitain",
    **DEPARTEMENT_ORGANES,
}


# --- segmentation ------------------------------------------------------------------------


def _organe_of(doc: Document, i: int) -> str:
    """Organ named by a `DELIBERATION DU/DE LA …` header (possibly continued on the next line)."""
    m = HEADER.match(doc.sq[i])
    words = m.group(1).upper() if m else ""
    j = doc.next_nb(i + 1, min(i + 3, len(doc.sq)))
    if j is not None and doc.sq[j].upper().startswith("DU CONSEIL"):
        words += " " + doc.sq[j].upper()
    folded = _fold_spaces(words)
    for key, label in DEPARTEMENT_ORGANES.items():
        if folded.startswith(_fold_spaces(key)):
            return label
    for key, label in ORGANES_CONNUS.items():
        if folded.startswith(_fold_spaces(key)):
            return label
    return words[:1] + words[1:].lower()


def _fold_spaces(text: str) -> str:
    return sans_accents(text).upper()


def _find_units(doc: Document, problems: list[Problem]) -> list[Unit]:
    units: list[Unit] = []
    partner_headers: list[int] = []
    for i in doc.commencant("DELIBERATION "):
        t = doc.sq[i]
        if not HEADER.match(t):
            continue
        organe = _organe_of(doc, i)
        p = doc.prev_nb(i - 1, max(0, i - 8))
        if organe in DEPARTEMENT_ORGANES.values() and p is not None and DEPARTEMENT.match(doc.sq[p]):
            start = p
            # stamps (`Envoi au contrôle de légalité le :`, `Affichage le :`) just before
            k = doc.prev_nb(start - 1, max(0, start - 8))
            while k is not None and STAMP.match(doc.sq[k]):
                start = k
                k = doc.prev_nb(k - 1, max(0, k - 8))
            units.append(Unit("departement", i, start, organe=organe, collectivite=_departement_name(doc.sq[p])))
        elif organe in DEPARTEMENT_ORGANES.values():
            problems.append(
                Problem(
                    doc.source,
                    doc.no(i),
                    "entete-incomplet",
                    f"En-tête « {t} » sans la ligne « DEPARTEMENT DU … » qui ouvre une "
                    "délibération : ligne gardée dans le texte qui l'entoure.",
                    "avertissement",
                )
            )
        else:
            partner_headers.append(i)
    first_dep = units[0].start if units else len(doc.sq)
    partners: list[Unit] = []
    for i in partner_headers:
        if i < first_dep:
            partners.append(Unit("partenaire", i, -1, organe=_organe_of(doc, i)))
        else:
            problems.append(
                Problem(
                    doc.source,
                    doc.no(i),
                    "deliberation-partenaire-en-annexe",
                    f"« {doc.sq[i]} » se trouve dans une unité du Département : lu comme texte d'annexe, pas comme une délibération.",
                    "info",
                )
            )
    return partners + units


def _departement_name(text: str) -> str:
    m = DEPARTEMENT.match(text)
    name = m.group(1) if m else text
    small = {"de", "du", "des", "la", "le", "les", "et", "sur", "en"}
    parts = re.split(r"([- ])", name.lower())
    out = []
    for k, p in enumerate(parts):
        out.append(p if (p in small and k > 0) else p[:1].upper() + p[1:])
    article = "du" if text.upper().startswith("DEPARTEMENT DU ") else "de la" if "DE LA " in text.upper()[:15] else "de"
    return f"Département {article} {''.join(out)}"


# --- the whole source -------------------------------------------------------------------------


def parse_actes(lines: list[Line], source: str) -> tuple[list[Session], list[Deliberation], list[Problem]]:
    """Sessions, deliberations (with rapport and annexes) and problems of one normalised source."""
    problems: list[Problem] = []
    doc = Document(lines, source)
    if not lines:
        return [], [], problems
    units = _find_units(doc, problems)
    # partner units start after the previous unit's text (their preamble precedes the header)
    n = len(lines)
    for k, u in enumerate(units):
        if u.kind == "partenaire":
            u.start = 0 if k == 0 else units[k - 1].header + 1
    for k, u in enumerate(units):
        u.end = units[k + 1].start - 1 if k + 1 < len(units) else (doc.prev_nb(n - 1) or 0)
    delibs: list[Deliberation] = []
    infos: list[UnitReading] = []
    used_numbers: set[int] = set()
    for k, u in enumerate(units):
        try:
            if u.kind == "departement":
                d, info = parse_departement(doc, u, problems)
            else:
                d, info = parse_partenaire(doc, u, problems)
        except Exception as exc:  # never let one odd unit stop the source
            problems.append(
                Problem(
                    source,
                    doc.no(u.header),
                    "deliberation-illisible",
                    f"En-tête « {doc.sq[u.header]} » : la délibération n'a pas pu être lue ({type(exc).__name__}: {exc}).",
                    "erreur",
                )
            )
            continue
        if info.num_index is not None:
            used_numbers.add(info.num_index)
        attach_rapport_and_annexes(doc, u, d, info.sig_end, problems, last=(k == len(units) - 1))
        delibs.append(d)
        infos.append(info)
    reperes = doc.commencant("(N°", "RAPPORT")  # the lines a number or a rapport may start
    for i in reperes:
        t = doc.sq[i]
        if t.startswith("(N°") and NUMERO.match(t) and i not in used_numbers:
            problems.append(
                Problem(
                    source,
                    doc.no(i),
                    "numero-orphelin",
                    f"Ligne « {t} » hors de tout en-tête de délibération : aucune délibération n'en a été tirée.",
                    "erreur",
                )
            )
    attached = {d.rapport.line for d in delibs if d.rapport is not None}
    covered = [(d.line, d.line_end) for d in delibs]
    for i in reperes:
        t = doc.sq[i]
        if t.startswith("RAPPORT") and RAPPORT.match(t):
            start_no = doc.no(rapport_start(doc, i, 0))
            inside = any(a <= doc.no(i) <= b for a, b in covered)
            if start_no not in attached and not inside:
                problems.append(
                    Problem(
                        source,
                        doc.no(i),
                        "rapport-orphelin",
                        f"« {t} » hors de toute délibération (recueil coupé ?) : rattaché à aucune délibération.",
                        "avertissement",
                    )
                )
    sessions = _sessions(delibs, infos)
    _check_numbers(delibs, infos, problems)
    check_attendance(delibs, problems)
    return sessions, delibs, problems


def _sessions(delibs: list[Deliberation], infos: list[UnitReading]) -> list[Session]:
    sessions: dict[str, Session] = {}
    for d, info in zip(delibs, infos):
        if d.numero_imprime is None and info.acronyme is not None:
            sid = f"{info.acronyme}-{slug_ascii(d.organe)}-{d.date or 'sans-date'}"
        else:
            sid = f"{slug_ascii(d.organe)}-{d.date or 'sans-date'}"
        d.session_id = sid
        if sid not in sessions:
            sessions[sid] = Session(
                id=sid,
                organe=d.organe,
                collectivite=d.collectivite,
                date=d.date,
                president=info.president,
                secretaire=info.secretaire,
            )
        else:
            s = sessions[sid]
            s.president = s.president or info.president
            s.secretaire = s.secretaire or info.secretaire
    return list(sessions.values())


def _check_numbers(delibs: list[Deliberation], infos: list[UnitReading], problems: list[Problem]) -> None:
    """Correct a printed year that contradicts the session when the sequence fits its neighbours."""
    by_session: dict[str, list[tuple[int, tuple[int, int]]]] = {}  # session → (rank of a numbered act, its number)
    for k, (d, info) in enumerate(zip(delibs, infos)):
        if info.num is not None:
            by_session.setdefault(d.session_id, []).append((k, info.num))
    for numbered in by_session.values():
        for pos, (k, (year, seq)) in enumerate(numbered):
            d = delibs[k]
            syear = int(d.date[:4]) if d.date[:4].isdigit() else None
            if syear is None or year == syear:
                continue
            prev = [num for _, num in numbered[:pos] if num[0] == syear]
            nxt = [num for _, num in numbered[pos + 1 :] if num[0] == syear]
            fits = (not prev or prev[-1][1] < seq) and (not nxt or seq < nxt[0][1]) and (prev or nxt)
            if fits:
                new = f"{syear}-{seq}"
                message = (
                    f"Numéro imprimé « {d.numero_imprime} » : l'année ne correspond pas à la "
                    f"séance du {d.date} et le numéro se place entre ses voisins ; corrigé en {new}."
                )
                problems.append(_probleme_de_numero(d, infos[k], "numero-incoherent", message, "avertissement", new))
                d.id = new
            else:
                message = f"Numéro imprimé « {d.numero_imprime} » : l'année ne correspond pas à la séance du {d.date} ; non corrigé."
                problems.append(_probleme_de_numero(d, infos[k], "numero-incoherent", message, "avertissement", d.id))
    seen: dict[str, int] = {}
    for k, d in enumerate(delibs):
        if d.id in seen:
            seen[d.id] += 1
            new = f"{d.id}-doublon-{seen[d.id]}"
            message = f"Le numéro {d.id} apparaît plusieurs fois dans la source ; cette occurrence reçoit l'identifiant {new}."
            problems.append(_probleme_de_numero(d, infos[k], "numero-duplique", message, "erreur", new))
            d.id = new
        else:
            seen[d.id] = 1


def _probleme_de_numero(d: Deliberation, info: UnitReading, code: str, message: str, severity: Severity, ident: str) -> Problem:
    """A problem about act `d`'s number, at the line of its number, else at its first line."""
    return Problem(d.source, info.num_line if info.num_line is not None else d.line, code, message, severity, ident)

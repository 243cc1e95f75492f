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

Places of the rapport header (`Territoire(s):`, `Canton(s):`, `EPCI(s):`) are NOT
resolved here: each field gives ONE `PlaceRef(kind, written=<whole rejoined field
value>, status="non-resolu")`; the pipeline replaces it by
`places.resolve_list(kind, written)`.

Person names are given as « Prénom NOM » (civility dropped, `NOM Prénom` of
partner bodies reordered, all-capitals first names title-cased).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import PurePath

from generator.commun.dates import parse_date_fr
from generator.commun.pliage import cle_majuscules, sans_accents, slug_ascii
from generator.parse.normalise import squash
from generator.records import (
    Annexe,
    Article,
    Attendance,
    Deliberation,
    Interest,
    Line,
    PlaceRef,
    Problem,
    Rapport,
    Session,
    Signature,
    Vote,
)

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


# --- line patterns (applied to squashed text) -------------------------------------------
_HEADER = re.compile(r"^DELIBERATION (?:DU |DE LA |DE L'|DES )(.+)$")
_DEPARTEMENT = re.compile(r"^DEPARTEMENT (?:DU |DE LA |DE L'|DES |D')(.+)$")
_STAMP = re.compile(
    r"^(Envoi au contr[ôo]le de l[ée]galit[ée]|Affichage|Re[çc]u en pr[ée]fecture|"
    r"Transmis en pr[ée]fecture|Publi[ée]e? le|Publication)\b.*:",
    re.I,
)
_REUNION = re.compile(r"^R[ÉE]UNION DU (.+)$", re.I)
_NUMERO = re.compile(r"^\(N° ?(\d{4})-(\d+)\)$")
_RAPPORT = re.compile(r"^RAPPORT N° ?(\d+)$")
_PRESIDENCE = re.compile(r"^PR[ÉE]SIDENCE DE (?:MONSIEUR|MADAME|M\.|MME) (.+)$", re.I)
_SECRETAIRE = re.compile(r"^Secr[ée]taire\s*:\s*(.+)$", re.I)
_ARTICLE = re.compile(r"^Article\s+(\d+|unique|premier|1er)\s*(?:er)?\s*:\s*(.*)$", re.I)
_POUR = re.compile(r"^Pour\s*:", re.I)
_RESULTAT = re.compile(r"^\((Adopt[ée]+s?|Rejet[ée]+s?|Retir[ée]+s?|[^()]{3,40})\)$")
_MAJORITE = re.compile(r"^(A|À) (la majorit[ée][^,]*|l'unanimit[ée][^,]*)[,.]?$", re.I)
_SIGNE = re.compile(r"^(Sign[ée]|SIGNE)$")
_LIEU_DATE = re.compile(r"^([A-ZÀ-Ý][A-Za-zÀ-ÿ' -]+), le (.+\d{4})\.?$")
_VERBE_PARTENAIRE = re.compile(r"^([A-ZÀ-Ý]{4,}(?: (?:ACTE|NOTE|CONNAISSANCE))?)(?=\s+[a-zà-ÿ«\"'l]|\s*:?$)")
_INTERET = re.compile(r"int[ée]ress[ée]e?s? à l'affaire", re.I)
_INTERET_NOM = re.compile(r"^(?:Madame|Monsieur|Mme|M\.)\s+(.+?),?\s+int[ée]ress[ée]", re.I)
_JE_VOUS_PRIE = re.compile(r"^Je vous prie de bien vouloir en d[ée]lib[ée]rer", re.I)
_CP_FOOTER = re.compile(r"^CP\d{8}-\d+$")
_PLACE_FIELD = re.compile(r"^(Territoire\(s\)|Canton\(s\)|EPCI\(s\))\s*:\s*(.*)$", re.I)
_RAPPORT_ORGANE = re.compile(r"^(COMMISSION PERMANENTE DU )?CONSEIL D[ÉE]PARTEMENTAL$")
_COMMISSION_THEME = re.compile(r"^\d+(?:ème|ère|e) Commission\b", re.I)
_ANNEXE_SPLIT = re.compile(r"^ANNEXE(?:\s*N°)?\s*(?:\d+|[IVX]+)?\s*(?:[:\-–]|$)")
_ANNEXE_TITLE = re.compile(
    r"^(ANNEXE|CONVENTION|AVENANT|ACCORD|CONTRAT|PROTOCOLE|CHARTE|R[ÈE]GLEMENT|"
    r"FICHE|PLAN|TABLEAU|LISTE|SYNTH[ÈE]SE|LIVRET)",
    re.I,
)
_BACK_MATTER = re.compile(
    r"^(Le compte-rendu in extenso|Adresses des (?:\d+ )?Maisons|"
    r"RESPONSABLE DE LA PUBLICATION|ISSN \d)",
    re.I,
)
_CIVILITE = re.compile(r"^(?:M\.|MM\.|Mme|Mmes|Mlle|Madame|Monsieur|Mademoiselle)\s+", re.I)
_SEANCE = re.compile(
    r"^Le (?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)?\s*(\d{1,2}(?:er)? \S+ \d{4}).*"
    r"s'est réuni",
    re.I,
)
_PRESIDENCE_PHRASE = re.compile(r"sous la Pr[ée]sidence de (?:Monsieur|Madame|M\.|Mme) ([^,]+?)(?:,|\s+Pr[ée]sident)", re.I)
_SECRETAIRE_PHRASE = re.compile(r"^(?:Madame|Monsieur|Mme|M\.)\s+(.+?) est [ée]lue? Secr[ée]taire", re.I)
_BODY_NAME = re.compile(r"^(Communaut[ée]|Syndicat|Commune|Ville|M[ée]tropole|P[ôo]le|[ÉE]tablissement) .{6,}$")
# Lines that open or mark an act, its session, its rapport, an article or an annex (`structure`).
_STRUCTURE = (
    _HEADER,
    _DEPARTEMENT,
    _STAMP,
    _REUNION,
    _NUMERO,
    _RAPPORT,
    _RAPPORT_ORGANE,
    _PRESIDENCE,
    _SECRETAIRE,
    _ARTICLE,
    _ANNEXE_SPLIT,
)


def structure(texte: str) -> bool:
    """`texte` (squashed) is a line this parser opens or marks an act, a session, a rapport, an article or
    an annex with: never page furniture, however many pages repeat it at their top (`normalise.mobilier`:
    a recueil of one-page acts starts each page with « DEPARTEMENT DU PAS-DE-CALAIS », an annex of one-page
    annexes numbers them with the pages)."""
    return any(p.match(texte) for p in _STRUCTURE)


# Attendance labels: (pattern on the start of a paragraph, field)
_DEP_LABELS = [
    (re.compile(r"^Excus[ée]e?\(?s?\)?\s+sans voix d[ée]lib[ée]rative\s*:", re.I), "excuses_sans_voix"),
    (re.compile(r"^(?:Assistai?e?n?t?s?|Assistaient) [ée]galement sans voix d[ée]lib[ée]rative\s*:", re.I), "presents_sans_voix"),
    (re.compile(r"^[ÉE]taient pr[ée]sents?\s*:", re.I), "presents"),
    (re.compile(r"^(?:[ÉE]taient )?absents? excus[ée]s?\s*:", re.I), "excuses"),
    (re.compile(r"^Excus[ée]e?\(?s?\)?\s*:", re.I), "excuses"),
    (re.compile(r"^(?:[ÉE]taient )?Absente?\(?s?\)?\s*:", re.I), "absents"),
    (re.compile(r"^Procurations?\s*:", re.I), "procurations"),
    (re.compile(r"^Pouvoirs?\s*:", re.I), "procurations"),
]
_PROCURATION = re.compile(r"^(.+?)\s+(?:donne|a donné|a donne) (?:procuration|pouvoir) à\s+(.+)$", re.I)


def _fold(text: str) -> str:
    """Upper-case, accent-free, alphanumeric-only form, to compare titles."""
    return cle_majuscules(text)


def _slug(text: str) -> str:
    return slug_ascii(text)


def _is_upper_token(tok: str) -> bool:
    letters = [c for c in tok if c.isalpha()]
    return len(letters) >= 2 and tok == tok.upper()


def _title_token(tok: str) -> str:
    return "-".join(p[:1].upper() + p[1:].lower() for p in tok.split("-"))


def person_name(raw: str) -> str:
    """« Prénom NOM » from `M. Jean-Claude LEROY`, `JEAN-CLAUDE LEROY`, `GACQUERRE Olivier`."""
    text = squash(raw).strip(" .,;")
    text = _CIVILITE.sub("", text)
    toks = text.split(" ")
    if not toks or not text:
        return text
    upper = [_is_upper_token(t) for t in toks]
    if all(upper) and len(toks) >= 2:
        return " ".join([_title_token(t) for t in toks[:-1]] + [toks[-1]])
    if upper[0] and not upper[-1]:
        k = 0
        while k < len(toks) and upper[k]:
            k += 1
        if all(not u for u in upper[k:]):
            return " ".join(toks[k:] + toks[:k])
    return text


def _is_person_line(text: str) -> bool:
    """A signatory line: `Jean-Claude LEROY`, `Maryline VINCLAIRE`, `GACQUERRE Olivier`."""
    given = r"[A-ZÀ-Ý][a-zà-ÿ]+(?:[- ][A-ZÀ-Ý][a-zà-ÿ]+)*"
    family = r"[A-ZÀ-Ý][A-ZÀ-Ý'\-]+(?: [A-ZÀ-Ý][A-ZÀ-Ý'\-]+)*"
    return bool(re.fullmatch(rf"{given} {family}|{family} {given}", text))


@dataclass
class _Doc:
    """The source's lines with their squashed text, and index helpers."""

    lines: list[Line]
    source: str
    sq: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.sq = [squash(l.text) for l in self.lines]

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
        return "\n".join(l.text for l in self.lines[a : b + 1]).strip("\n")

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


@dataclass
class _Unit:
    kind: str  # "departement" | "partenaire"
    header: int  # index of the DELIBERATION line
    start: int
    end: int = -1
    organe: str = ""
    collectivite: str = ""


# --- segmentation ------------------------------------------------------------------------


def _organe_of(doc: _Doc, i: int) -> str:
    """Organ named by a `DELIBERATION DU/DE LA …` header (possibly continued on the next line)."""
    m = _HEADER.match(doc.sq[i])
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


def _find_units(doc: _Doc, problems: list[Problem]) -> list[_Unit]:
    units: list[_Unit] = []
    partner_headers: list[int] = []
    for i, t in enumerate(doc.sq):
        if not t.startswith("DELIBERATION ") or not _HEADER.match(t):
            continue
        organe = _organe_of(doc, i)
        p = doc.prev_nb(i - 1, max(0, i - 8))
        dep = p is not None and _DEPARTEMENT.match(doc.sq[p])
        if organe in DEPARTEMENT_ORGANES.values() and dep:
            start = p
            # stamps (`Envoi au contrôle de légalité le :`, `Affichage le :`) just before
            k = doc.prev_nb(start - 1, max(0, start - 8))
            while k is not None and _STAMP.match(doc.sq[k]):
                start = k
                k = doc.prev_nb(k - 1, max(0, k - 8))
            units.append(_Unit("departement", i, start, organe=organe, collectivite=_departement_name(doc.sq[p])))
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
    partners: list[_Unit] = []
    for i in partner_headers:
        if i < first_dep:
            partners.append(_Unit("partenaire", i, -1, organe=_organe_of(doc, i)))
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
    m = _DEPARTEMENT.match(text)
    name = m.group(1) if m else text
    small = {"de", "du", "des", "la", "le", "les", "et", "sur", "en"}
    parts = re.split(r"([- ])", name.lower())
    out = []
    for k, p in enumerate(parts):
        out.append(p if (p in small and k > 0) else p[:1].upper() + p[1:])
    article = "du" if text.upper().startswith("DEPARTEMENT DU ") else "de la" if "DE LA " in text.upper()[:15] else "de"
    return f"Département {article} {''.join(out)}"


# --- parsing one Département deliberation -----------------------------------------------


def _list_paragraphs(doc: _Doc, a: int, b: int) -> list[tuple[int, str]]:
    """`doc.paragraphs`, a paragraph also starting at a line that opens a list (« Excusé(s) : »): where a
    PDF's page ends between two lists, the blank line between them is not in the text."""
    out: list[tuple[int, str]] = []
    for start, _ in doc.paragraphs(a, b):
        end = _end_of_paragraph(doc, start, b)
        cut = [start] + [i for i in range(start + 1, end) if any(p.match(doc.sq[i]) for p, _ in _DEP_LABELS)] + [end]
        out += [(i, " ".join(doc.sq[i:j])) for i, j in zip(cut, cut[1:])]
    return out


def _attendance(doc: _Doc, a: int, b: int, att: Attendance, stop_title: bool) -> int:
    """Fill `att` from the lists in a..b-1; return the index after the last list paragraph.

    A list runs over several paragraphs only while the text is visibly unfinished
    (ends with `,` or a civility), so the title that follows is not swallowed.
    """
    paras = _list_paragraphs(doc, a, b)
    current: str | None = None
    buf = ""
    after = a
    collected: list[tuple[str, str]] = []

    def flush() -> None:
        if current is not None:
            collected.append((current, buf))

    for start, text in paras:
        label = next(((pat, f) for pat, f in _DEP_LABELS if pat.match(text)), None)
        if label:
            flush()
            current, buf = label[1], label[0].sub("", text, count=1).strip()
        elif current is not None and _list_goes_on(buf, text, stop_title):
            buf = (buf + " " + text).strip()
        elif _SECRETAIRE.match(text) or _PRESIDENCE.match(text) or _REUNION.match(text):
            continue
        else:
            if current is not None:
                flush()
                current = None
            if stop_title:
                break
            continue
        after = _end_of_paragraph(doc, start, b)
    flush()
    for fieldname, text in collected:
        _fill_list(att, fieldname, text)
    return after


_NAMES_CONTINUE = re.compile(r"^[A-ZÀ-Ý][A-ZÀ-Ý'\- ]*[A-ZÀ-Ý]\s*[,.](\s|$)|^.*,\s+(?:M\.|Mme)\s")


def _list_goes_on(buf: str, text: str, stop_title: bool) -> bool:
    """Does paragraph `text` continue the attendance list `buf`?"""
    if not buf or re.search(r"(,|;|\bM\.|\bMme|\bMM\.|-)$", buf):
        return True  # label alone on its line, or a list visibly cut (page break)
    if not buf.endswith(".") and _NAMES_CONTINUE.match(text):
        return True  # a list not yet closed by its full stop, split by a blank line (PDF layout)
    if stop_title:
        return False  # Département: the title follows the lists
    return not _SECRETAIRE_PHRASE.match(text) and not text.lower().startswith("la séance")


def _end_of_paragraph(doc: _Doc, start: int, b: int) -> int:
    i = start
    while i < b and doc.sq[i]:
        i += 1
    return i


def _fill_list(att: Attendance, fieldname: str, text: str) -> None:
    text = re.sub(r"(\w)- (\w)", r"\1-\2", text).strip().rstrip(".")
    for item in (s.strip() for s in text.split(",")):
        if not item:
            continue
        m = _PROCURATION.match(item)
        if m:
            att.procurations.append({"mandant": person_name(m.group(1)), "mandataire": person_name(m.group(2))})
            continue
        if fieldname == "procurations":
            continue
        getattr(att, fieldname).append(person_name(item))


def _parse_vote(doc: _Doc, a: int, b: int) -> tuple[Vote, int]:
    """Vote block from its `Pour :` line; returns the vote and the index after `(Adopté)`."""
    vote = Vote(line=doc.no(a))
    parts: list[str] = []
    i = a
    end = a
    while i < b:
        t = doc.sq[i]
        m = _RESULTAT.match(t)
        if m:
            vote.resultat = m.group(1)
            end = i
            break
        if t.startswith("…") or t.startswith("....") or t.isupper() and len(t) > 12:
            break
        if t:
            if len(parts) >= 12:  # no `(Adopté)`: a vote block is never that long
                break
            parts.append(t)
            end = i
        i += 1
    text = re.sub(r"(\w)- (\w)", r"\1-\2", " ".join(parts))
    vote.texte = text
    cats = [
        ("pour", r"Pour"),
        ("contre", r"Contre"),
        ("abstention", r"Abstentions?"),
        ("absents_sans_delegation", r"Absente?s? sans d[ée]l[ée]gation de vote"),
    ]
    for key, label in cats:
        m = re.search(rf"{label}\s*:\s*(\d+)(?:\s*voix)?(?:\s*\(([^()]*)\))?", text, re.I)
        if m:
            setattr(vote, key, int(m.group(1)))
            if m.group(2):
                vote.groupes[key] = [squash(g) for g in m.group(2).split(";") if g.strip()]
    return vote, end + 1


def _signature(doc: _Doc, a: int, b: int) -> tuple[Signature, int | None]:
    """Signature block after the vote: place/date, signatories; index of its last line."""
    sig = Signature()
    seen = 0
    i = a
    sig_end = None
    while i < b and seen < 30:
        t = doc.sq[i]
        if t:
            seen += 1
            m = _LIEU_DATE.match(t)
            if m and sig.date is None:
                sig.lieu, sig.date = m.group(1).strip(), parse_date_fr(m.group(2))
            elif _is_person_line(t):
                name = person_name(t)
                if name not in sig.signataires:
                    sig.signataires.append(name)
                sig_end = i
            if _SIGNE.match(t):
                j = doc.next_nb(i + 1, b)
                if j is not None and _is_person_line(doc.sq[j]):
                    name = person_name(doc.sq[j])
                    if name not in sig.signataires:
                        sig.signataires.append(name)
                    return sig, j
                return sig, i
            if _RAPPORT.match(t) or _DEPARTEMENT.match(t) and seen > 3:
                break
        i += 1
    return sig, sig_end


def _visas_interests(doc: _Doc, a: int, b: int) -> tuple[list[str], list[Interest]]:
    visas: list[str] = []
    interests: list[Interest] = []
    for start, text in _paragraph_units(doc, a, b):
        if re.match(r"^(?:« ?)?Vu\b", text):
            visas.append(text)
        elif _INTERET.search(text):
            m = _INTERET_NOM.match(text)
            interests.append(Interest(name=person_name(m.group(1)) if m else "", text=text, line=doc.no(start)))
    return visas, interests


def _paragraph_units(doc: _Doc, a: int, b: int) -> list[tuple[int, str]]:
    """Paragraphs where each `Vu …` line opens a new one (visas are often not blank-separated);
    a paragraph continues over a blank line when it visibly does not end (page break)."""
    out: list[list] = []
    prev_blank = True
    for i in range(a, b):
        t = doc.sq[i]
        if not t:
            prev_blank = True
            continue
        opens = re.match(r"^(?:« ?)?Vu\b", t) or _INTERET_NOM.match(t) or re.match(r"^Après ", t)
        unfinished = out and not re.search(r"[;.:,»]$", out[-1][1])
        if out and not opens and (not prev_blank or (unfinished and t[:1].islower())):
            out[-1][1] += " " + t
        else:
            out.append([i, t])
        prev_blank = False
    return [(s, t) for s, t in out]


def _parse_departement(doc: _Doc, u: _Unit, problems: list[Problem]) -> tuple[Deliberation, dict]:
    src = doc.source
    h = u.header
    info: dict = {}
    # stamps
    envoi = affichage = None
    for i in range(u.start, h):
        t = doc.sq[i]
        if re.match(r"^Envoi au contr", t, re.I):
            envoi = parse_date_fr(t)
        elif re.match(r"^Affichage", t, re.I):
            affichage = parse_date_fr(t)
    # header block up to the number line
    limit = min(u.end + 1, h + 400)
    num_i = None
    stop_i = None
    for i in range(h + 1, limit):
        t = doc.sq[i]
        if _NUMERO.match(t):
            num_i = i
            break
        if re.match(r"^(Vu\b|DECIDE\b|Le Conseil d[ée]partemental du|La Commission Permanente du)", t, re.I):
            stop_i = i
            break
    head_end = num_i if num_i is not None else (stop_i if stop_i is not None else h + 1)
    date = president = secretaire = None
    for i in range(h, head_end):
        t = doc.sq[i]
        if date is None and (m := _REUNION.match(t)):
            date = parse_date_fr(m.group(1))
        elif president is None and (m := _PRESIDENCE.match(t)):
            president = person_name(m.group(1))
        elif secretaire is None and (m := _SECRETAIRE.match(t)):
            secretaire = person_name(m.group(1))
    att = Attendance()
    lists_start = next((i for i in range(h, head_end) if any(p.match(doc.sq[i]) for p, _ in _DEP_LABELS)), None)
    title_start = _attendance(doc, lists_start, head_end, att, stop_title=True) if lists_start is not None else None
    if title_start is None:
        # no attendance list: the title follows the last header line (REUNION/PRESIDENCE/Secrétaire)
        last = h
        for i in range(h, head_end):
            if _REUNION.match(doc.sq[i]) or _PRESIDENCE.match(doc.sq[i]) or _SECRETAIRE.match(doc.sq[i]):
                last = i
        title_start = last + 1
    titre = " ".join(t for _, t in doc.paragraphs(title_start, head_end))
    if num_i is not None:
        m = _NUMERO.match(doc.sq[num_i])
        numero = f"{m.group(1)}-{m.group(2)}"
        did = numero
        info["num_line"] = num_i
        info["num_line_no"] = doc.no(num_i)
        info["num"] = (int(m.group(1)), int(m.group(2)))
    else:
        numero = None
        did = f"sans-numero-{_slug(PurePath(src).stem)}-{doc.no(h)}"
        problems.append(
            Problem(
                src,
                doc.no(h),
                "numero-absent",
                f"Délibération sans ligne « (N°…) » après son en-tête : gardée avec l'identifiant provisoire {did}.",
                "erreur",
                did,
            )
        )
    body_start = (num_i if num_i is not None else head_end) + 1
    # decision verbs, articles, vote — vote = first `Pour :` line after the verb
    verb_i = None
    verbes: list[str] = []
    vote_i = None
    scan_end = u.end + 1
    for i in range(body_start, scan_end):
        t = doc.sq[i]
        if verb_i is None and re.fullmatch(r"[A-ZÀ-Ý' ]{5,}:?", t) and not _DEPARTEMENT.match(t):
            verb_i = i
        if verb_i is not None and i > verb_i and _POUR.match(t):
            vote_i = i
            break
        if _RAPPORT.match(t) or (verb_i is None and i - body_start > 400):
            break
    if verb_i is not None:
        j = verb_i
        while j < (vote_i or verb_i + 1) and (j == verb_i or re.fullmatch(r"[A-ZÀ-Ý' ]{5,}:?", doc.sq[j]) or not doc.sq[j]):
            if doc.sq[j]:
                verbes.append(doc.sq[j].rstrip(" :"))
            j += 1
    visas, interets = _visas_interests(doc, body_start, verb_i if verb_i is not None else body_start)
    articles: list[Article] = []
    if verb_i is not None:
        art_end = vote_i if vote_i is not None else min(scan_end, verb_i + 200)
        cond = None
        for i in range(verb_i + 1, art_end):
            if re.match(r"^Dans les conditions de vote", doc.sq[i], re.I):
                cond = i
                break
        art_end = cond if cond is not None else art_end
        marks = [(i, _ARTICLE.match(doc.sq[i])) for i in range(verb_i + 1, art_end)]
        marks = [(i, m) for i, m in marks if m]
        for k, (i, m) in enumerate(marks):
            nxt = marks[k + 1][0] if k + 1 < len(marks) else art_end
            num = m.group(1).lower()
            num = "1" if num in ("premier", "1er") else num
            first = doc.lines[i].text.split(":", 1)[1].strip() if ":" in doc.lines[i].text else ""
            rest = doc.text(i + 1, nxt - 1)
            texte = (first + "\n" + rest).strip("\n") if first else rest
            articles.append(Article(numero=num, texte=texte.strip(), line=doc.no(i)))
        if not marks and verb_i + 1 < art_end:
            texte = doc.text(verb_i + 1, art_end - 1).strip()
            if texte:
                articles.append(Article(numero="unique", texte=texte, line=doc.no(verb_i + 1)))
    vote = Vote()
    after_vote = None
    if vote_i is not None:
        vote, after_vote = _parse_vote(doc, vote_i, scan_end)
    sig = Signature()
    sig_end = None
    if after_vote is not None:
        sig, sig_end = _signature(doc, after_vote, scan_end)
    incomplete = []
    if vote_i is None:
        incomplete.append("pas de vote")
    if sig_end is None or not sig.signataires:
        incomplete.append("pas de signature")
    if incomplete:
        problems.append(
            Problem(
                src,
                doc.no(h),
                "deliberation-incomplete",
                f"Délibération {did} incomplète ({', '.join(incomplete)}) : le recueil est "
                "peut-être coupé ; elle est gardée avec ce qui a pu être lu.",
                "erreur",
                did,
            )
        )
    # end of the deliberation proper
    if sig_end is None:
        sig_end = (after_vote - 1) if after_vote is not None else None
    if sig_end is None:
        r = next((i for i in range(body_start, scan_end) if _RAPPORT.match(doc.sq[i])), None)
        sig_end = _rapport_start(doc, r, body_start) - 1 if r is not None else u.end
    page = None
    for i in range(u.start, sig_end + 1):
        ln = doc.lines[i]
        if ln.page is not None and ln.folio:
            m = re.match(r"(\d+)/(\d+)", ln.folio)
            if m:
                page = ln.page - int(m.group(1)) + 1
                break
    d = Deliberation(
        id=did,
        numero_imprime=numero,
        source=src,
        line=doc.no(u.start),
        line_end=doc.no(u.end),
        titre=titre,
        session_id="",
        organe=u.organe,
        collectivite=u.collectivite,
        date=date or "",
        attendance=att,
        interets=interets,
        visas=visas,
        verbes=verbes,
        articles=articles,
        vote=vote,
        signature=sig,
        envoi_controle_legalite=envoi,
        affichage=affichage,
        page=page,
        texte=doc.text(u.start, sig_end),
    )
    info.update(president=president, secretaire=secretaire, sig_end=sig_end)
    if date is None:
        problems.append(
            Problem(src, doc.no(h), "date-absente", f"Délibération {did} : pas de ligne « REUNION DU … » lisible.", "erreur", did)
        )
    if not titre:
        problems.append(Problem(src, doc.no(h), "titre-absent", f"Délibération {did} sans titre lisible.", "avertissement", did))
    if verb_i is None:
        problems.append(
            Problem(
                src,
                doc.no(body_start) if body_start < len(doc.lines) else None,
                "verbe-absent",
                f"Délibération {did} : pas de verbe de décision (DECIDE…).",
                "avertissement",
                did,
            )
        )
    return d, info


# --- rapport and annexes -------------------------------------------------------------------


def _rapport_start(doc: _Doc, r: int, floor: int) -> int:
    """The `DEPARTEMENT DU …` line opening a rapport, within a few lines above `RAPPORT N°`."""
    k = r
    seen = 0
    while k > floor and seen < 9:
        k -= 1
        if doc.sq[k]:
            seen += 1
            if _DEPARTEMENT.match(doc.sq[k]):
                return k
    return r


def _place_fields(doc: _Doc, a: int, b: int) -> tuple[dict[str, str], int]:
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
                    and not _RAPPORT_ORGANE.match(doc.sq[nxt])
                ):
                    j = nxt
                    continue
                break
            if _PLACE_FIELD.match(t) or _RAPPORT_ORGANE.match(t) or _REUNION.match(t):
                break
            value = value + ("" if value.endswith("-") else " ") + t
            j += 1
        values[key] = squash(value)
        last = j
        i = j
    return values, last


def _parse_rapport(doc: _Doc, r: int, floor: int, end: int, problems: list[Problem], did: str) -> tuple[Rapport, int, int, list[str]]:
    """Rapport from its `RAPPORT N°` line; returns it, its first and last line indexes and the
    paragraphs after `REUNION DU` (its title is among them)."""
    start = _rapport_start(doc, r, floor)
    rap = Rapport(numero=_RAPPORT.match(doc.sq[r]).group(1), line=doc.no(start))
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
        if org_i is None and _RAPPORT_ORGANE.match(doc.sq[i]):
            org_i = i
        elif _REUNION.match(doc.sq[i]):
            reu_i = i
            break
    fields_end = org_i if org_i is not None else (reu_i if reu_i is not None else r + 1)
    values, after_fields = _place_fields(doc, r + 1, fields_end)
    for key, attr, kind in (("territoire", "territoires", "territoire"), ("canton", "cantons", "canton"), ("epci", "epcis", "epci")):
        if key in values and values[key]:
            getattr(rap, attr).append(PlaceRef(kind=kind, written=values[key], status="non-resolu"))
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
                if _SIGNE.match(t):
                    j = doc.next_nb(i + 1, end + 1)
                    rend = j if j is not None and _is_person_line(doc.sq[j]) else i
                    break
                if _is_person_line(t) or t.lower().startswith("le président"):
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
    target = _fold(delib_title)
    best = rap.titre
    acc = ""
    for p in paras:
        acc = (acc + " " + p).strip()
        if target.startswith(_fold(acc)):
            best = acc
            if _fold(acc) == target:
                break
        else:
            break
    return best


def _annexes(doc: _Doc, a: int, b: int, position: str) -> list[Annexe]:
    """Blocks of a..b inclusive, split before `ANNEXE …` headings; blank-only blocks dropped."""
    if a > b:
        return []
    cuts = [a]
    for i in range(a + 1, b + 1):
        if _ANNEXE_SPLIT.match(doc.sq[i]) and (not doc.sq[i - 1] or doc.lines[i].page_start):
            if any(doc.sq[k] for k in range(cuts[-1], i)):
                cuts.append(i)
    out = []
    for k, c in enumerate(cuts):
        e = cuts[k + 1] - 1 if k + 1 < len(cuts) else b
        first = doc.next_nb(c, e + 1)
        if first is None:
            continue
        last = doc.prev_nb(e, c)
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


def _annexe_title(doc: _Doc, a: int, b: int) -> str:
    cands = []
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


# --- partner bodies -------------------------------------------------------------------------


def _acronym(name: str) -> str:
    stop = {"de", "du", "des", "la", "le", "les", "l", "d", "et", "en", "sur", "aux", "a", "au", "à"}
    words = [w for w in re.split(r"[^A-Za-zÀ-ÿ0-9]+", name) if w and w.lower() not in stop]
    letters = "".join(w[0] for w in words)
    return _slug(letters) or "partenaire"


def _parse_partenaire(doc: _Doc, u: _Unit, problems: list[Problem]) -> tuple[Deliberation, dict]:
    src = doc.source
    h = u.header
    pre = doc.paragraphs(u.start, h)
    date = president = secretaire = None
    for _, t in pre:
        if date is None and (m := _SEANCE.match(t)):
            date = parse_date_fr(m.group(1))
        if president is None and (m := _PRESIDENCE_PHRASE.search(t)):
            president = person_name(m.group(1))
        if secretaire is None and (m := _SECRETAIRE_PHRASE.match(t)):
            secretaire = person_name(m.group(1))
    j = doc.next_nb(h + 1, min(u.end + 1, h + 4))
    if j is not None and parse_date_fr(doc.sq[j]) and len(doc.sq[j]) < 40:
        date = parse_date_fr(doc.sq[j]) or date
        title_from = j + 1
    else:
        title_from = h + 1
    # the body's name: the closest name line above the header
    name = None
    for i in range(h - 1, u.start - 1, -1):
        t = doc.sq[i].rstrip(",;. ")
        if _BODY_NAME.match(t) and not t.isupper():
            name = t
            break
    if name is None:
        for _, t in pre:
            m = re.search(
                r"Pr[ée]sident(?:e)? (?:de la |du |de l')((?:Communaut[ée]|Syndicat|M[ée]tropole)[^,]*(?:, [A-ZÀ-Ý][^,]*?)?)"
                r"(?= en suite| réuni|,|$)",
                t,
            )
            if m:
                name = m.group(1).strip()
                break
    if name is None:
        name = "Collectivité partenaire"
        problems.append(
            Problem(src, doc.no(h), "collectivite-inconnue", "Délibération d'un partenaire dont le nom n'a pas été lu.", "avertissement")
        )
    u.collectivite = name
    att = Attendance()
    lists_start = next((s for s, t in pre if any(p.match(t) for p, _ in _DEP_LABELS)), None)
    if lists_start is not None:
        _attendance(doc, lists_start, h, att, stop_title=False)
    # title: first paragraph after the header that is not a service line
    paras = doc.paragraphs(title_from, min(u.end + 1, title_from + 40))
    titre = ""
    body_from = title_from
    for s, t in paras:
        if re.match(r"^(DIRECTION|P[ÔO]LE|SERVICE|RAPPORTEUR)\b", t) and t.isupper():
            continue
        titre = t
        body_from = _end_of_paragraph(doc, s, u.end + 1)
        break
    # vote phrase and verbs
    res_i = None
    for i in range(body_from, u.end + 1):
        m = _MAJORITE.match(doc.sq[i])
        if m:
            res_i = i
            break
    vote = Vote()
    if res_i is not None:
        vote = Vote(resultat=doc.sq[res_i].rstrip(",. "), texte=doc.sq[res_i], line=doc.no(res_i))
    visas, interets = _visas_interests(doc, body_from, res_i if res_i is not None else body_from)
    verbes: list[str] = []
    sig = Signature()
    sig_end = None
    envoi = publication = None
    if res_i is not None:
        i = res_i + 1
        last_verb = res_i
        while i <= u.end:
            t = doc.sq[i]
            m = _VERBE_PARTENAIRE.match(t)
            if m and m.group(1)[-1] in "ET" and not _is_person_line(t):
                verbes.append(m.group(1))
                last_verb = i
            elif t and re.match(r"^(Ainsi fait|Fait et d[ée]lib[ée]r[ée])", t, re.I):
                break
            elif t and i - last_verb > 12:
                break
            i += 1
        # signature block: stop at the first line that is none of its known parts
        k = i
        seen_blank = 0
        while k <= u.end:
            t = doc.sq[k]
            if not t:
                seen_blank += 1
                k += 1
                continue
            low = t.lower()
            if re.search(r"sous-pr[ée]fecture le|pr[ée]fecture le|re[çc]u en pr[ée]fecture", low):
                envoi = parse_date_fr(t)
            elif "publication le" in low or re.match(r"^affich[ée]e? le", low):
                publication = parse_date_fr(t)
            elif _is_person_line(t):
                n = person_name(t)
                if n not in sig.signataires:
                    sig.signataires.append(n)
            elif _LIEU_DATE.match(t):
                m = _LIEU_DATE.match(t)
                sig.lieu, sig.date = m.group(1), parse_date_fr(m.group(2))
            elif not re.match(
                r"^(Ainsi fait|Ont sign|Pour extrait|Le Pr[ée]sident|La Pr[ée]sidente|Certifi|"
                r"Compte tenu|Et de la|Fait à)",
                t,
                re.I,
            ):
                break
            sig_end = k
            k += 1
    if not verbes or res_i is None or sig_end is None:
        problems.append(
            Problem(
                src,
                doc.no(h),
                "deliberation-incomplete",
                "Délibération du partenaire incomplète (vote, verbes ou signature non lus) : gardée avec ce qui a pu être lu.",
                "erreur",
            )
        )
    if sig_end is None:
        sig_end = u.end
    acr = _acronym(name)
    did = f"{acr}-{date or 'sans-date'}"
    d = Deliberation(
        id=did,
        numero_imprime=None,
        source=src,
        line=doc.no(u.start),
        line_end=doc.no(u.end),
        titre=titre,
        session_id="",
        organe=u.organe,
        collectivite=name,
        date=date or "",
        attendance=att,
        interets=interets,
        visas=visas,
        verbes=verbes,
        vote=vote,
        signature=sig,
        certifie_executoire=envoi,
        publication=publication,
        texte=doc.text(u.start, sig_end),
    )
    if date is None:
        problems.append(Problem(src, doc.no(h), "date-absente", "Délibération du partenaire sans date lisible.", "erreur", did))
    return d, {"president": president, "secretaire": secretaire, "sig_end": sig_end, "acronyme": acr}


# --- the whole source -------------------------------------------------------------------------


def parse_actes(lines: list[Line], source: str) -> tuple[list[Session], list[Deliberation], list[Problem]]:
    """Sessions, deliberations (with rapport and annexes) and problems of one normalised source."""
    problems: list[Problem] = []
    doc = _Doc(lines, source)
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
    infos: list[dict] = []
    used_numbers: set[int] = set()
    for k, u in enumerate(units):
        try:
            if u.kind == "departement":
                d, info = _parse_departement(doc, u, problems)
            else:
                d, info = _parse_partenaire(doc, u, problems)
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
        if "num_line" in info:
            used_numbers.add(info["num_line"])
        _attach_rest(doc, u, d, info, problems, last=(k == len(units) - 1))
        delibs.append(d)
        infos.append(info)
    for i, t in enumerate(doc.sq):
        if t.startswith("(N°") and _NUMERO.match(t) and i not in used_numbers:
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
    for i, t in enumerate(doc.sq):
        if t.startswith("RAPPORT") and _RAPPORT.match(t):
            start_no = doc.no(_rapport_start(doc, i, 0))
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
    _check_attendance(delibs, problems)
    return sessions, delibs, problems


def _attach_rest(doc: _Doc, u: _Unit, d: Deliberation, info: dict, problems: list[Problem], last: bool) -> None:
    """Rapport and annexes of the unit; the back cover after the last unit is reported, not attached."""
    sig_end = info["sig_end"]
    end = u.end
    if u.kind != "departement":
        if last:
            end = _cut_back_matter(doc, sig_end + 1, end, d, problems)
        d.annexes = _annexes(doc, sig_end + 1, end, "deliberation")
        return
    rap_i = None
    for i in range(sig_end + 1, end + 1):
        t = doc.sq[i]
        if t.startswith("RAPPORT") and _RAPPORT.match(t):
            if any(_REUNION.match(doc.sq[k]) for k in range(i + 1, min(end + 1, i + 60))):
                rap_i = i
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
    rap, rstart, rend, paras = _parse_rapport(doc, rap_i, sig_end, end, problems, d.id)
    full_title = _rapport_title(rap, paras, d.titre)
    rap.titre = full_title
    if _fold(full_title) != _fold(d.titre):
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


def _cut_back_matter(doc: _Doc, a: int, end: int, d: Deliberation, problems: list[Problem]) -> int:
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


def _sessions(delibs: list[Deliberation], infos: list[dict]) -> list[Session]:
    sessions: dict[tuple, Session] = {}
    for d, info in zip(delibs, infos):
        if d.numero_imprime is None and "acronyme" in info:
            sid = f"{info['acronyme']}-{_slug(d.organe)}-{d.date or 'sans-date'}"
        else:
            sid = f"{_slug(d.organe)}-{d.date or 'sans-date'}"
        d.session_id = sid
        if sid not in sessions:
            sessions[sid] = Session(
                id=sid,
                organe=d.organe,
                collectivite=d.collectivite,
                date=d.date,
                president=info.get("president"),
                secretaire=info.get("secretaire"),
            )
        else:
            s = sessions[sid]
            s.president = s.president or info.get("president")
            s.secretaire = s.secretaire or info.get("secretaire")
    return list(sessions.values())


def _check_numbers(delibs: list[Deliberation], infos: list[dict], problems: list[Problem]) -> None:
    """Correct a printed year that contradicts the session when the sequence fits its neighbours."""
    by_session: dict[str, list[int]] = {}
    for k, d in enumerate(delibs):
        if "num" in infos[k]:
            by_session.setdefault(d.session_id, []).append(k)
    for ks in by_session.values():
        for pos, k in enumerate(ks):
            d = delibs[k]
            year, seq = infos[k]["num"]
            syear = int(d.date[:4]) if d.date[:4].isdigit() else None
            if syear is None or year == syear:
                continue
            prev = [infos[q]["num"] for q in ks[:pos] if infos[q]["num"][0] == syear]
            nxt = [infos[q]["num"] for q in ks[pos + 1 :] if infos[q]["num"][0] == syear]
            fits = (not prev or prev[-1][1] < seq) and (not nxt or seq < nxt[0][1]) and (prev or nxt)
            if fits:
                new = f"{syear}-{seq}"
                problems.append(
                    Problem(
                        d.source,
                        _line_no_of(d, infos[k]),
                        "numero-incoherent",
                        f"Numéro imprimé « {d.numero_imprime} » : l'année ne correspond pas à la "
                        f"séance du {d.date} et le numéro se place entre ses voisins ; "
                        f"corrigé en {new}.",
                        "avertissement",
                        new,
                    )
                )
                d.id = new
            else:
                problems.append(
                    Problem(
                        d.source,
                        _line_no_of(d, infos[k]),
                        "numero-incoherent",
                        f"Numéro imprimé « {d.numero_imprime} » : l'année ne correspond pas à la séance du {d.date} ; non corrigé.",
                        "avertissement",
                        d.id,
                    )
                )
    seen: dict[str, int] = {}
    for k, d in enumerate(delibs):
        if d.id in seen:
            seen[d.id] += 1
            new = f"{d.id}-doublon-{seen[d.id]}"
            problems.append(
                Problem(
                    d.source,
                    _line_no_of(d, infos[k]),
                    "numero-duplique",
                    f"Le numéro {d.id} apparaît plusieurs fois dans la source ; cette occurrence reçoit l'identifiant {new}.",
                    "erreur",
                    new,
                )
            )
            d.id = new
        else:
            seen[d.id] = 1


def _line_no_of(d: Deliberation, info: dict) -> int:
    return info.get("num_line_no", d.line)


def _check_attendance(delibs: list[Deliberation], problems: list[Problem]) -> None:
    """Arithmetic checkable without the assembly size: votes vs voting members, one list per name,
    same number of voting members across a session."""
    members_by_session: dict[str, set[int]] = {}
    for d in delibs:
        a = d.attendance
        members = len(a.presents) + len(a.excuses) + len(a.absents)
        if members:
            members_by_session.setdefault(d.session_id, set()).add(members)
        v = d.vote
        counts = [v.pour, v.contre, v.abstention, v.absents_sans_delegation]
        if v.pour is not None and members:
            total = sum(c or 0 for c in counts)
            if total != members:
                problems.append(
                    Problem(
                        d.source,
                        v.line,
                        "vote-ecart",
                        f"Délibération {d.id} : {total} voix et absents sans délégation pour "
                        f"{members} membres (présents + excusés + absents).",
                        "avertissement",
                        d.id,
                    )
                )
        names: dict[str, str] = {}
        for label, lst in (("présents", a.presents), ("excusés", a.excuses), ("absents", a.absents)):
            for nm in lst:
                key = _fold(nm)
                if key in names and names[key] != label:
                    problems.append(
                        Problem(
                            d.source,
                            d.line,
                            "presence-double",
                            f"Délibération {d.id} : {nm} figure parmi les {names[key]} et les {label}.",
                            "avertissement",
                            d.id,
                        )
                    )
                names[key] = label
    for d in delibs:
        sizes = members_by_session.get(d.session_id, set())
        if len(sizes) > 1:
            problems.append(
                Problem(
                    d.source,
                    d.line,
                    "effectif-variable",
                    f"Séance {d.session_id} : le nombre de membres (présents + excusés + absents) "
                    f"varie d'une délibération à l'autre ({', '.join(map(str, sorted(sizes)))}).",
                    "info",
                    d.id,
                )
            )
            members_by_session[d.session_id] = set()

"""Who sat and who left: attendance lists, proxies, person names, declared interests.

Person names are given as « Prénom NOM » (civility dropped, `NOM Prénom` of partner bodies reordered,
all-capitals first names title-cased). `check_attendance` checks, over a whole source, what the lists
and the vote counts allow without the assembly's size.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from generator.commun.dates import parse_date_fr
from generator.commun.pliage import cle_majuscules
from generator.parse.document import PRESIDENCE, REUNION, SECRETAIRE, SECRETAIRE_PHRASE, Document
from generator.parse.normalise import squash
from generator.records import Attendance, Deliberation, Interest, Problem

_INTERET_NOM = re.compile(r"^(?:Madame|Monsieur|Mme|M\.)\s+(.+?),?\s+int[ée]ress[ée]", re.I)

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


# --- person names ------------------------------------------------------------------------


def _is_upper_token(tok: str) -> bool:
    letters = [c for c in tok if c.isalpha()]
    return len(letters) >= 2 and tok == tok.upper()


def _title_token(tok: str) -> str:
    return "-".join(p[:1].upper() + p[1:].lower() for p in tok.split("-"))


_CIVILITE = re.compile(r"^(?:M\.|MM\.|Mme|Mmes|Mlle|Madame|Monsieur|Mademoiselle)\s+", re.I)


@lru_cache(maxsize=1 << 12)
def person_name(raw: str) -> str:
    """« Prénom NOM » from `M. Jean-Claude LEROY`, `JEAN-CLAUDE LEROY`, `GACQUERRE Olivier`.

    Cached: the same councillors are named in every deliberation's lists (some 2 500 names a month, a few
    hundred distinct)."""
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


def seance_presidence(
    textes: Iterable[str], seance: re.Pattern[str], presidence: re.Pattern[str], secretaire: re.Pattern[str]
) -> tuple[str | None, str | None, str | None]:
    """The séance's date (`seance`'s group 1, as `parse_date_fr` reads it), its president and its secretary
    (group 1 of `presidence`, of `secretaire`, as `person_name`): each from the first of `textes` where its
    pattern is found and gives a value."""
    date = president = secretaire_ = None
    for t in textes:
        if date is None and (m := seance.search(t)):
            date = parse_date_fr(m.group(1))
        if president is None and (m := presidence.search(t)):
            president = person_name(m.group(1))
        if secretaire_ is None and (m := secretaire.search(t)):
            secretaire_ = person_name(m.group(1))
    return date, president, secretaire_


def is_person_line(text: str) -> bool:
    """A signatory line: `Jean-Claude LEROY`, `Maryline VINCLAIRE`, `GACQUERRE Olivier`."""
    given = r"[A-ZÀ-Ý][a-zà-ÿ]+(?:[- ][A-ZÀ-Ý][a-zà-ÿ]+)*"
    family = r"[A-ZÀ-Ý][A-ZÀ-Ý'\-]+(?: [A-ZÀ-Ý][A-ZÀ-Ý'\-]+)*"
    return bool(re.fullmatch(rf"{given} {family}|{family} {given}", text))


# --- attendance lists ----------------------------------------------------------------------


def opens_list(text: str) -> bool:
    """`text` (squashed) starts an attendance list: « Étaient présents : », « Excusé(s) : »…"""
    return any(p.match(text) for p, _ in _DEP_LABELS)


def _list_paragraphs(doc: Document, a: int, b: int) -> list[tuple[int, str]]:
    """`doc.paragraphs`, a paragraph also starting at a line that opens a list (« Excusé(s) : »): where a
    PDF's page ends between two lists, the blank line between them is not in the text."""
    out: list[tuple[int, str]] = []
    for start, _ in doc.paragraphs(a, b):
        end = doc.end_of_paragraph(start, b)
        cut = [start] + [i for i in range(start + 1, end) if opens_list(doc.sq[i])] + [end]
        out += [(i, " ".join(doc.sq[i:j])) for i, j in zip(cut, cut[1:])]
    return out


def read_attendance(doc: Document, a: int, b: int, att: Attendance, stop_title: bool) -> int:
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
        elif SECRETAIRE.match(text) or PRESIDENCE.match(text) or REUNION.match(text):
            continue
        else:
            if current is not None:
                flush()
                current = None
            if stop_title:
                break
            continue
        after = doc.end_of_paragraph(start, b)
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
    return not SECRETAIRE_PHRASE.match(text) and not text.lower().startswith("la séance")


_PROCURATION = re.compile(r"^(.+?)\s+(?:donne|a donné|a donne) (?:procuration|pouvoir) à\s+(.+)$", re.I)


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


# --- declared interests (among the visas) ----------------------------------------------------


_INTERET = re.compile(r"int[ée]ress[ée]e?s? à l'affaire", re.I)
_VU = re.compile(r"^(?:« ?)?Vu\b")
_FINS_DE_PHRASE = (";", ".", ":", ",", "»")


def visas_interests(doc: Document, a: int, b: int) -> tuple[list[str], list[Interest]]:
    """The visas (`Vu …`) of a..b-1, and the councillors who declared an interest among them."""
    visas: list[str] = []
    interests: list[Interest] = []
    for start, text in _paragraph_units(doc, a, b):
        if _VU.match(text):
            visas.append(text)
        elif _INTERET.search(text):
            m = _INTERET_NOM.match(text)
            interests.append(Interest(name=person_name(m.group(1)) if m else "", text=text, line=doc.no(start)))
    return visas, interests


def _paragraph_units(doc: Document, a: int, b: int) -> list[tuple[int, str]]:
    """Paragraphs where each `Vu …` line opens a new one (visas are often not blank-separated);
    a paragraph continues over a blank line when it visibly does not end (page break, or the wider
    spacing a scan's reading puts between two lines of a visa: « … en date du 12/11/2018 », blank,
    « « Contractualiser pour … » ; »): its next line starts in lower case or opens a quotation."""
    out: list[tuple[int, str]] = []
    prev_blank = True
    for i in range(a, b):
        t = doc.sq[i]
        if not t:
            prev_blank = True
            continue
        opens = _VU.match(t) or _INTERET_NOM.match(t) or t.startswith("Après ")
        # (the paragraph's last character: a search for `[;.:,»]$` tried every position of the paragraph so far)
        unfinished = out and not out[-1][1].endswith(_FINS_DE_PHRASE)
        if out and not opens and (not prev_blank or (unfinished and (t[:1].islower() or t[:1] == "«"))):
            out[-1] = (out[-1][0], out[-1][1] + " " + t)
        else:
            out.append((i, t))
        prev_blank = False
    return out


# --- checks over a whole source ----------------------------------------------------------------


def check_attendance(delibs: list[Deliberation], problems: list[Problem]) -> None:
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
                key = cle_majuscules(nm)
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

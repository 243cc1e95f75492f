"""Stage 3b: the recueil's avis and sommaire — issue number, affichage, parts, executive acts.

The front matter of a monthly recueil announces what the volume holds: an avis
(« N° 6 de JUIN 2021 (3 parties) », « AFFICHAGE LE : … »), a sommaire listing
each part (« 1ère PARTIE », session, « Délibérations N° 2021-188 à N° 2021-231 »,
page) and, for the part « ACTES DE L'EXECUTIF DEPARTEMENTAL », one entry per act
(décisions, arrêtés de voirie, ESMS…) whose texts are often absent from the file.
That list is the only trace of those acts, so every entry is kept, even when its
page cannot be read (page None + a Problem).

Everything is keyed on the layout (part headings, rubrique bullets, entry dashes,
page leaders), never on a file or act number. Statements that disagree (the avis
and the title-page sommaire of the same part) are all returned, with a Problem.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import pairwise

from generator.commun.dates import MOIS
from generator.commun.dates import find_date as _find_date
from generator.commun.pliage import sans_accents
from generator.parse.normalise import squash
from generator.records import ExecutiveAct, Line, Part, Problem, Recueil

# ---------------------------------------------------------------- dates

_WORD = r"[A-Za-zÀ-ÿ]+"


def _fold(word: str) -> str:
    """Lower case without accents, to compare month names however printed."""
    return sans_accents(word.lower())


def _month(word: str) -> int | None:
    return MOIS.get(_fold(word))


# ---------------------------------------------------------------- front matter shapes

_ISSUE_RE = re.compile(
    rf"\bN°\s*(\d{{1,3}})\s*(?:de\s+|du\s+mois\s+de\s+|[–-]\s*)?({_WORD})\s+(\d{{4}})"
    r"(?:\s*\(\s*(\d+)\s+parties?\s*\))?",
    re.I,
)
_SOMMAIRE_RE = re.compile(rf"^SOMMAIRE\b(?:\s+(?:DE|DU)\s+({_WORD})\s+(\d{{4}}))?", re.I)
_RANGE_RE = re.compile(r"N°\s*(\d{4}\s*-\s*\d+)\s*(?:à|au|-)\s*(?:N°\s*)?(\d{4}\s*-\s*\d+)", re.I)

# ---------------------------------------------------------------- sommaire entries

_RUBRIQUE_RE = re.compile(r"^[◆♦◇■]\s*\**\s*(.*?)\**\s*$")
# « - » starts an entry; « – » (en dash) starts the wrapped « – Travaux … » of the entry above
_ENTRY_RE = re.compile(r"^(?:[-•○▪✓→]|o(?=\s))\s*(.*)$")
# the page of an entry, in decreasing order of certainty
_LEADER_PAGE = re.compile(r"(?:\s*(?:\.{2,}|…+|\t))+\s*(\d{1,4})\s*$")
_PAGE_ONLY = re.compile(r"^(?:\.{2,}|…+|\s)*(\d{1,4})\s*$")
_TRAILING_LEADERS = re.compile(r"(?:\s*(?:\.{2,}|…+))+\s*$")

_VOIRIE_RE = re.compile(
    r"^(?P<route>R[DN]\s*.+?)\s+(?:au|sur le)\s+territoire\s+d(?:e\s+la\s+commune|es\s+communes)"
    r"\s+(?:de\s+|d')(?P<communes>.+?)(?:\s*–\s*|\s+-\s+|\s*—\s*)(?P<objet>.+)$",
    re.I,
)


def _ordinal(n: int) -> str:
    return "1re" if n == 1 else f"{n}e"


# the nature of an executive act, from the first words of its object
_NATURES = {
    "travaux": "Travaux",
    "manifestation": "Manifestation",
    "limitation": "Limitation de vitesse",
    "prise de vues": "Tournage",
    "tournage": "Tournage",
    "autorisation": "Autorisation",
    "tarification": "Tarification",
    "interdiction": "Interdiction",
}
_NATURE = re.compile(rf"^({'|'.join(_NATURES)})\b", re.I)


def _nature(text: str) -> str | None:
    m = _NATURE.match(text.strip())
    return _NATURES[m.group(1).lower()] if m else None


def _is_upper_libelle(text: str) -> bool:
    """A sommaire part title line: mostly capitals (« REUNION DE LA COMMISSION … »)."""
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return False
    return sum(c.isupper() for c in letters) / len(letters) >= 0.6


@dataclass
class _Entry:
    lines: list[Line] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    bullet: bool = False  # « • … » rather than « - … »: may be a heading in other layouts

    def text(self) -> str:
        """Rejoined entry, spaces collapsed but TABs kept (a TAB before a number is a leader)."""
        joined = " ".join(t.strip() for t in self.texts)
        return re.sub(r" *\t[ \t]*", "\t", re.sub(r" {2,}", " ", joined)).strip()


@dataclass
class _State:
    source: str
    parts: list[Part] = field(default_factory=list)
    acts: list[ExecutiveAct] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    part: Part | None = None
    part_mode: str = ""  # "libelle" while reading the part's title, then "content"
    executive: bool = False
    rubrique: str | None = None
    rubrique_open: bool = False  # heading may wrap onto the next line
    subheadings: list[str] = field(default_factory=list)
    entry: _Entry | None = None
    libelle_lines: list[str] = field(default_factory=list)
    ignored: list[Line] = field(default_factory=list)


def parse_recueil(lines: list[Line], source: str) -> tuple[Recueil | None, list[Problem]]:
    """The recueil announced by the front matter, or None when `lines` is not a recueil.

    A recueil is recognised by « Recueil des Actes Administratifs » in its front
    matter together with a sommaire part heading (« 1ère PARTIE »); a single
    deliberation extract or a partner body's act has no sommaire and gives (None, []).
    The executive part's page / page_fin are the first and last pages of its listed
    acts (the sommaire prints no range for it).
    """
    front = _front_matter(lines)
    if not front:
        return None, []
    texts = [squash(l.text) for l in front]
    if not any(re.search(r"recueil des actes administratifs", t, re.I) for t in texts):
        return None, []
    problems: list[Problem] = []
    numero, mois, annee, nb_parties, rline = _issue(front, texts, source, problems)
    if not any(_part_number(t) for t in texts):
        return None, []  # an act citing the recueil, not a recueil: it has no sommaire
    recueil = Recueil(numero=numero, mois=mois, annee=annee, line=rline or front[0].no)
    recueil.affichage = _affichage(front, texts)
    if recueil.affichage is None:
        problems.append(Problem(source, rline, "affichage-absent", "Date d'affichage du recueil introuvable dans l'avis.", "info"))
    state = _State(source=source)
    for line, text in zip(front, texts):
        _step(state, line, text)
    _close_part(state)
    recueil.parties = state.parts
    recueil.actes_executif = state.acts
    problems.extend(state.problems)
    problems.extend(_contradictions(state.parts, source))
    problems.extend(_page_order(state.acts, source))
    if nb_parties is not None:
        numbers = {p.numero for p in state.parts}
        if len(numbers) != nb_parties:
            problems.append(
                Problem(
                    source,
                    rline,
                    "parties-nombre",
                    f"L'avis annonce {nb_parties} parties, le sommaire en décrit {len(numbers)}.",
                )
            )
    return recueil, problems


# where the body begins: the first deliberation's furniture
_BODY_RE = re.compile(
    r"^(?:PROC[ÈE]S[- ]VERBAL$|D[ÉE]LIB[ÉE]RATION\s+(?:DU|DE\s+LA)\b|Envoi au contr[ôo]le"
    r"|\(N°\s*\d{4}-\d+\)|RAPPORT N°|DEPARTEMENT DU PAS-DE-CALAIS$)",
    re.I,
)


def _front_matter(lines: list[Line]) -> list[Line]:
    """Lines before the body: up to the first deliberation furniture after a part heading."""
    seen_part = False
    for i, line in enumerate(lines):
        text = squash(line.text)
        if _part_number(text):
            seen_part = True
        elif seen_part and _BODY_RE.match(text):
            return lines[:i]
        elif not seen_part and i > 400:
            # no sommaire in the first pages: not a recueil's front matter
            return lines[:i]
    return lines


_RUNNING_HEADER_TAIL = re.compile(r"-\s*\d+\s*/\s*\d+\s*$")


def _issue(
    front: list[Line], texts: list[str], source: str, problems: list[Problem]
) -> tuple[int | None, int | None, int | None, int | None, int | None]:
    """Issue number, month, year and announced part count; the avis statement wins.

    Running headers (« … N° 5 MAI 2021 - 1/11 ») may name another issue: they are
    skipped here, and any disagreement between the avis and a title page is reported.
    """
    found: list[tuple[int, int, int, int | None, int]] = []
    month_year: list[tuple[int, int, int]] = []
    for line, text in zip(front, texts):
        if _RUNNING_HEADER_TAIL.search(text):
            continue
        m = _ISSUE_RE.search(text)
        if m and (month := _month(m.group(2))):
            parts = int(m.group(4)) if m.group(4) else None
            found.append((int(m.group(1)), month, int(m.group(3)), parts, line.no))
            continue
        s = _SOMMAIRE_RE.match(text)
        if s and s.group(1) and (month := _month(s.group(1))):
            month_year.append((month, int(s.group(2)), line.no))
    if not found:
        if month_year:
            mois, annee, no = month_year[0]
            problems.append(Problem(source, no, "numero-recueil-absent", "Numéro du recueil introuvable dans l'avis et la page de titre."))
            return None, mois, annee, None, no
        return None, None, None, None, None
    numero, mois, annee, _, no = found[0]
    nb = next((f[3] for f in found if f[3] is not None), None)
    for other in found[1:]:
        if other[:3] != (numero, mois, annee):
            problems.append(
                Problem(
                    source,
                    other[4],
                    "numero-recueil-incoherent",
                    f"Le recueil est annoncé N° {numero} ({mois:02d}/{annee}) ligne {no}, "
                    f"mais N° {other[0]} ({other[1]:02d}/{other[2]}) ici ; l'avis est retenu.",
                )
            )
    for m_, y_, l_ in month_year:
        if (m_, y_) != (mois, annee):
            problems.append(
                Problem(
                    source,
                    l_,
                    "numero-recueil-incoherent",
                    f"Le sommaire est daté {m_:02d}/{y_}, l'avis {mois:02d}/{annee} (ligne {no}).",
                )
            )
    return numero, mois, annee, nb, no


_AFFICHAGE_RE = re.compile(r"\bAFFICHAGE\s+LE\b\s*:?\s*(.*)$", re.I)


def _affichage(front: list[Line], texts: list[str]) -> str | None:
    """ISO date of « AFFICHAGE LE : … », the date being on the same or a following line."""
    for i, text in enumerate(texts):
        m = _AFFICHAGE_RE.search(text)
        if not m:
            continue
        d = _find_date(m.group(1))
        if d:
            return d[0]
        for nxt in texts[i + 1 : i + 6]:
            if nxt:
                d = _find_date(nxt)
                if d:
                    return d[0]
                break
    return None


# ---------------------------------------------------------------- the sommaire state machine


_TITLE_PAGE_RE = re.compile(r"^RECUEIL DES ACTES ADMINISTRATIFS\b", re.I)
_COLUMN_PAGE = re.compile(r"\s+Page\s*$")


def _step(st: _State, line: Line, text: str) -> None:
    if not text:
        st.rubrique_open = False
        return
    numero = _part_number(text)
    if numero:
        _close_part(st)
        st.part = Part(numero=numero, libelle="", line=line.no)
        st.part_mode = "libelle"
        st.libelle_lines = []
        return
    if st.entry is None and (_TITLE_PAGE_RE.match(text) or _SOMMAIRE_RE.match(text) or (not _ENTRY_RE.match(text) and _is_issue(text))):
        _close_part(st)  # title page / new sommaire: the previous part's list is over
        return
    part = st.part
    if part is None:
        return
    if st.part_mode == "libelle":
        bare = _COLUMN_PAGE.sub("", text).strip()
        if bare.lower() == "page":
            return
        if not _ENTRY_RE.match(bare) and not _RUBRIQUE_RE.match(bare) and (_is_upper_libelle(bare) or _RANGE_RE.search(bare)):
            _libelle_line(st, part, bare)
            return
        _end_libelle(st, part)
    if text.lower() == "page":
        return
    if st.executive:
        _executive_line(st, line, text)
    else:
        _part_entry_line(part, text)


_ORDINALS = {"premiere": 1, "deuxieme": 2, "seconde": 2, "troisieme": 3, "quatrieme": 4, "cinquieme": 5}
_PART_RE = re.compile(rf"^(?:(\d{{1,2}})\s*(?:ère|ere|er|ème|eme|e)|({_WORD}))\s+PARTIE\s*:?\s*$", re.I)


def _part_number(text: str) -> int | None:
    """« 1ère PARTIE », « 2ème PARTIE : », « TROISIEME PARTIE » → its number."""
    pm = _PART_RE.match(text)
    if not pm:
        return None
    return int(pm.group(1)) if pm.group(1) else _ORDINALS.get(_fold(pm.group(2)))


def _is_issue(text: str) -> bool:
    m = _ISSUE_RE.search(text)
    return bool(m and _month(m.group(2)))


def _libelle_line(st: _State, part: Part, text: str) -> None:
    r = _RANGE_RE.search(text)
    if r:
        part.premiere = re.sub(r"\s", "", r.group(1))
        part.derniere = re.sub(r"\s", "", r.group(2))
        return
    st.libelle_lines.append(text)


def _end_libelle(st: _State, part: Part) -> None:
    st.part_mode = "content"
    libelle = squash(" ".join(st.libelle_lines)).rstrip(" –-").strip()
    part.libelle = libelle
    up = _fold(libelle)
    if "executif" in up:
        part.organe = "Exécutif"
        st.executive = True
    elif "commission permanente" in up:
        part.organe = "Commission permanente"
    elif "conseil departemental" in up or "conseil general" in up:
        part.organe = "Conseil départemental"
    d = _find_date(libelle)
    if d:
        part.date_session = d[0]
    st.rubrique, st.subheadings, st.entry = None, [], None


def _close_part(st: _State) -> None:
    """Finish the current part: flush its entry, derive the executive page range, keep it."""
    part = st.part
    if part is None:
        return
    if st.part_mode == "libelle":
        _end_libelle(st, part)
    _close_entry(st)
    _flush_ignored(st)
    if st.executive:
        pages = [a.page for a in st.acts if a.page is not None and a.line > part.line]
        if pages:
            part.page, part.page_fin = min(pages), max(pages)
    # a bare « 1ère PARTIE » on a title page states nothing: not a statement of the part
    if part.libelle or part.premiere or part.page is not None:
        st.parts.append(part)
        if not st.executive and part.page is None:
            st.problems.append(
                Problem(
                    st.source, part.line, "partie-sans-page", f"Page de la {_ordinal(part.numero)} partie non indiquée au sommaire.", "info"
                )
            )
    st.part, st.part_mode, st.executive = None, "", False


def _part_entry_line(part: Part, text: str) -> None:
    """« - Procès-verbal des délibérations ….. 713 »: the page where the part starts."""
    if part.page is not None:
        return
    page, _ = _split_page(text)
    if page is not None:
        part.page = page


_SUBHEADING_MARK = re.compile(r"^[❖➢]\s*")


def _executive_line(st: _State, line: Line, text: str) -> None:
    rub = _RUBRIQUE_RE.match(text)
    if rub:
        _close_entry(st)
        _flush_ignored(st)
        st.rubrique = rub.group(1).strip(" *")
        st.rubrique_open = True
        st.subheadings = []
        return
    sub = _SUBHEADING_MARK.match(text)
    entry = _ENTRY_RE.match(text)
    heading: str | None = None
    if sub:
        heading = text[sub.end() :]
    elif entry and text.rstrip().endswith(":") and _split_page(text)[0] is None:
        heading = entry.group(1)  # a dash line ending with « : », without a page: it heads the entries below
    if heading is not None:
        _close_entry(st)
        _flush_ignored(st)
        st.subheadings.append(heading.rstrip(" :").strip())
        st.rubrique_open = False
        return
    raw = line.text.strip()
    if entry and st.entry is not None and _continues(st.entry, line):
        entry = None  # « - Travaux … » wrapped under an unfinished entry: a continuation
    if entry:
        _close_entry(st)
        _flush_ignored(st)
        st.rubrique_open = False
        dash = _ENTRY_RE.match(raw)  # as it does `text`: squashing keeps a line's first characters
        st.entry = _Entry([line], [dash.group(1) if dash else raw], bullet=not text.startswith("-"))
        if _LEADER_PAGE.search(raw):
            _close_entry(st)
        return
    po = _PAGE_ONLY.match(text)
    if st.entry is not None and _split_page(st.entry.text())[0] is not None:
        _close_entry(st)  # the entry already ends with its page: this line is something else
    if st.entry is not None:
        if _is_noise(text):
            return
        st.entry.lines.append(line)
        st.entry.texts.append(raw)
        if _LEADER_PAGE.search(raw) or po:
            _close_entry(st)
        return
    if st.rubrique_open and st.rubrique and not po:
        st.rubrique = squash(st.rubrique + " " + text)
        return
    if po and st.rubrique:
        # a page printed alone under its heading: the heading is the act's title
        st.acts.append(ExecutiveAct(rubrique=st.rubrique, titre=st.rubrique, page=int(po.group(1)), line=line.no))
        return
    st.ignored.append(line)


_VOIRIE_HEAD_RE = re.compile(
    r"^R[DN]\s*.+?\s+(?:au|sur le)\s+territoire\s+d(?:e\s+la\s+commune|es\s+communes)\s+(?:de\s+|d')",
    re.I,
)


def _continues(open_entry: _Entry, line: Line) -> bool:
    """A dash line that still belongs to the open entry: indented under it, or the
    « – nature » part of a voirie entry that stops after its communes."""
    text = open_entry.text()
    if _VOIRIE_HEAD_RE.match(text) and not _VOIRIE_RE.match(_split_page(text)[1]):
        return True
    if _split_page(text)[0] is not None:
        return False
    return line.text.startswith("  ")


_NOISE_MIN_SPACED = re.compile(r"^(?:\S\s){4,}\S")


def _is_noise(text: str) -> bool:
    """Avis sidebar text that pdftotext mixed into the sommaire (e-mail, spaced capitals)."""
    return "@" in text or bool(_NOISE_MIN_SPACED.match(text))


def _flush_ignored(st: _State) -> None:
    """Report text inside the executive list that is neither entry nor heading, once per block."""
    if not st.ignored:
        return
    first, last = st.ignored[0], st.ignored[-1]
    sample = " / ".join(squash(l.text) for l in st.ignored[:3])
    st.problems.append(
        Problem(
            st.source,
            first.no,
            "sommaire-texte-ignore",
            f"{len(st.ignored)} ligne(s) du sommaire (l. {first.no}–{last.no}) ne sont ni un acte "
            f"ni une rubrique (encart de l'avis ?) : « {sample} ».",
            "info",
        )
    )
    st.ignored = []


_GLUED_YEAR_PAGE = re.compile(r"(?<!\d)((?:19|20)\d\d)(\d{3,4})\s*$")
_PLAIN_PAGE = re.compile(r"(?:^|\s)(\S*?)\s+(\d{1,4})\s*$")
_NOT_A_PAGE_BEFORE = {"rd", "rn", "d", "n°", "no", "route"}


def _split_page(text: str) -> tuple[int | None, str]:
    """(page, text without leaders and page); page None when the end is not a page.

    Leaders (`.....`, `……`, TAB) are certain. A year glued to the page
    (`7 juin 20191540`) is split. A number after a plain space is a page unless it
    is the year of a date (`du 7 juin 2021`) or a road number (`RN 42`).
    """
    m = _LEADER_PAGE.search(text)
    if m:
        return int(m.group(1)), text[: m.start()].rstrip()
    m = _GLUED_YEAR_PAGE.search(text)
    if m:
        return int(m.group(2)), text[: m.start(2)].rstrip()
    m = _PLAIN_PAGE.search(text)
    if m:
        before = _fold(m.group(1))
        if before not in MOIS and before not in _NOT_A_PAGE_BEFORE:
            return int(m.group(2)), text[: m.start(2)].rstrip()
    m = _PAGE_ONLY.match(text)
    if m:
        return int(m.group(1)), ""
    return None, _TRAILING_LEADERS.sub("", text).rstrip()


def _close_entry(st: _State) -> None:
    entry, st.entry = st.entry, None
    if entry is None:
        return
    page, titre = _split_page(entry.text())
    titre = squash(_TRAILING_LEADERS.sub("", titre.replace("\t", " ")))
    if page is None and entry.bullet and len(entry.lines) == 1:
        # « • Voirie Départementale » with no page: a heading in a layout that bullets them
        if st.rubrique is None:
            st.rubrique = titre
        else:
            st.subheadings.append(titre)
        return
    act = ExecutiveAct(rubrique=st.rubrique or "", titre=titre, page=page, line=entry.lines[0].no)
    if page is None:
        st.problems.append(
            Problem(
                st.source,
                act.line,
                "sommaire-page-illisible",
                f"Page illisible pour l'acte « {titre[:90].rstrip()} » du sommaire ; entrée gardée sans page.",
            )
        )
    _describe(act, st.subheadings)
    st.acts.append(act)


def _describe(act: ExecutiveAct, subheadings: list[str]) -> None:
    """Nature, route and communes as written, from the entry's own wording."""
    v = _VOIRIE_RE.match(act.titre)
    if v:
        act.route = squash(v.group("route"))
        act.communes_ecrites = _communes(v.group("communes"))
        act.nature = _nature(v.group("objet"))
        return
    for sub in reversed(subheadings):
        nature = _nature(sub)
        if nature:
            act.nature = nature
            break
    if subheadings or re.search(r"m[ée]dico|ESMS", act.rubrique, re.I):
        commune = _esms_commune(act.titre)
        if commune:
            act.communes_ecrites = [commune]


_COMMUNE_SPLIT = re.compile(r"\s*,\s*(?:et\s+)?|\s+(?:et|ET)\s+")


def _communes(text: str) -> list[str]:
    out = []
    for name in _COMMUNE_SPLIT.split(text.strip()):
        name = name.strip(" ,.")
        if name.lower().startswith("et "):
            name = name[3:].strip()
        if name:
            out.append(name)
    return out


_QUOTED = re.compile(r"«[^»]*»")
_ESMS_A = re.compile(r".*\s(?:à|a)\s+(?!l'|la\s|le\s|les\s)([A-ZÀ-Ý][^«»]*?)\s*$")
_ESMS_AU = re.compile(r"\s(au|aux)\s+([A-ZÀ-Ý][^«»]*?)\s*$")
_ESMS_DE = re.compile(r"\s(?:de|d')\s*([A-ZÀ-Ý][\w'-]*(?:[-\s](?:sur|sous|en|le|la|les|lez|lès|l)[-\s][\w'-]+)*)\s*$")


def _esms_commune(titre: str) -> str | None:
    """Commune of an establishment: « … » à Liévin / au Touquet / du CCAS de Saint-Léonard."""
    bare = _QUOTED.sub(" ", titre)
    if "«" in bare:  # unclosed quote: the name runs to « à Commune »
        head, _, tail = bare.partition("«")
        cut = re.search(r"\s(?:à|a)\s", tail)
        bare = head + (tail[cut.start() :] if cut else "")
    bare = squash(bare)
    m = _ESMS_A.search(bare)
    if m and not re.search(r"\s(?:du|de|des|d')\s", m.group(1)):
        return m.group(1).strip()
    m = _ESMS_AU.search(bare)
    if m:
        article = "Le" if m.group(1) == "au" else "Les"
        return f"{article} {m.group(2).strip()}"
    m = _ESMS_DE.search(bare)
    if m:
        return m.group(1).strip()
    return None


# ---------------------------------------------------------------- controls


def _contradictions(parts: list[Part], source: str) -> list[Problem]:
    """Two statements of the same part that disagree (avis vs title-page sommaire)."""
    out = []
    fields = ("organe", "date_session", "premiere", "derniere")
    for i, a in enumerate(parts):
        for b in parts[i + 1 :]:
            if a.numero != b.numero:
                continue
            diffs = [f for f in fields if getattr(a, f) and getattr(b, f) and getattr(a, f) != getattr(b, f)]
            if diffs:
                what = ", ".join(f"{f} {getattr(a, f)} (l. {a.line}) ≠ {getattr(b, f)} (l. {b.line})" for f in diffs)
                out.append(
                    Problem(
                        source,
                        b.line,
                        "sommaire-contradictoire",
                        f"La {_ordinal(a.numero)} partie est annoncée deux fois différemment : {what}.",
                    )
                )
    return out


def _page_order(acts: list[ExecutiveAct], source: str) -> list[Problem]:
    """Pages of the sommaire only grow; a step back is a misread page or a typo."""
    out = []
    paged = [(act, act.page) for act in acts if act.page is not None]
    for (prev, prev_page), (act, page) in pairwise(paged):
        if page < prev_page:
            out.append(
                Problem(
                    source,
                    act.line,
                    "sommaire-page-decroissante",
                    f"Page {page} après la page {prev_page} (l. {prev.line}) dans le sommaire.",
                    "info",
                )
            )
    return out

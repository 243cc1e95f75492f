"""The end of a Département deliberation: its vote block (`Pour : 76 voix (…)` … `(Adopté)`) and
its signature (place and date, signatories)."""

from __future__ import annotations

import re

from generator.commun.dates import parse_date_fr
from generator.parse.document import DEPARTEMENT, LIEU_DATE, RAPPORT, SIGNE, Document
from generator.parse.normalise import squash
from generator.parse.presences import is_person_line, person_name
from generator.records import Signature, Vote

_RESULTAT = re.compile(r"^\((Adopt[ée]+s?|Rejet[ée]+s?|Retir[ée]+s?|[^()]{3,40})\)$")


def parse_vote(doc: Document, a: int, b: int) -> tuple[Vote, int]:
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


def parse_signature(doc: Document, a: int, b: int) -> tuple[Signature, int | None]:
    """Signature block after the vote: place/date, signatories; index of its last line."""
    sig = Signature()
    seen = 0
    i = a
    sig_end = None
    while i < b and seen < 30:
        t = doc.sq[i]
        if t:
            seen += 1
            m = LIEU_DATE.match(t)
            if m and sig.date is None:
                sig.lieu, sig.date = m.group(1).strip(), parse_date_fr(m.group(2))
            elif is_person_line(t):
                name = person_name(t)
                if name not in sig.signataires:
                    sig.signataires.append(name)
                sig_end = i
            if SIGNE.match(t):
                j = doc.next_nb(i + 1, b)
                if j is not None and is_person_line(doc.sq[j]):
                    name = person_name(doc.sq[j])
                    if name not in sig.signataires:
                        sig.signataires.append(name)
                    return sig, j
                return sig, i
            if RAPPORT.match(t) or DEPARTEMENT.match(t) and seen > 3:
                break
        i += 1
    return sig, sig_end

"""A partner body's deliberation (a Conseil communautaire, a Comité syndical…): its séance sentence
and attendance come *before* its `DELIBERATION DU …` header, it carries no number (its id is the
body's acronym and the séance date), its vote is a phrase (« A l'unanimité, »)."""

from __future__ import annotations

import re

from generator.commun.dates import parse_date_fr
from generator.commun.pliage import slug_ascii
from generator.parse.document import LIEU_DATE, SECRETAIRE_PHRASE, Document, Unit, UnitReading, unit_deliberation
from generator.parse.presences import is_person_line, opens_list, person_name, read_attendance, seance_presidence, visas_interests
from generator.records import Attendance, Deliberation, Problem, Signature, Vote


def _acronym(name: str) -> str:
    stop = {"de", "du", "des", "la", "le", "les", "l", "d", "et", "en", "sur", "aux", "a", "au", "à"}
    words = [w for w in re.split(r"[^A-Za-zÀ-ÿ0-9]+", name) if w and w.lower() not in stop]
    letters = "".join(w[0] for w in words)
    return slug_ascii(letters) or "partenaire"


_VERBE_PARTENAIRE = re.compile(r"^([A-ZÀ-Ý]{4,}(?: (?:ACTE|NOTE|CONNAISSANCE))?)(?=\s+[a-zà-ÿ«\"'l]|\s*:?$)")
_MAJORITE = re.compile(r"^(A|À) (la majorit[ée][^,]*|l'unanimit[ée][^,]*)[,.]?$", re.I)
_SEANCE = re.compile(
    r"^Le (?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)?\s*(\d{1,2}(?:er)? \S+ \d{4}).*"
    r"s'est réuni",
    re.I,
)
_PRESIDENCE_PHRASE = re.compile(r"sous la Pr[ée]sidence de (?:Monsieur|Madame|M\.|Mme) ([^,]+?)(?:,|\s+Pr[ée]sident)", re.I)
_BODY_NAME = re.compile(r"^(Communaut[ée]|Syndicat|Commune|Ville|M[ée]tropole|P[ôo]le|[ÉE]tablissement) .{6,}$")


def parse_partenaire(doc: Document, u: Unit, problems: list[Problem]) -> tuple[Deliberation, UnitReading]:
    """The partner body's deliberation of unit `u`, from its preamble (séance, attendance, body's name)
    to its signature; what cannot be read is added to `problems`."""
    src = doc.source
    h = u.header
    pre = doc.paragraphs(u.start, h)
    date, president, secretaire = seance_presidence((t for _, t in pre), _SEANCE, _PRESIDENCE_PHRASE, SECRETAIRE_PHRASE)
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
    lists_start = next((s for s, t in pre if opens_list(t)), None)
    if lists_start is not None:
        read_attendance(doc, lists_start, h, att, stop_title=False)
    # title: first paragraph after the header that is not a service line
    paras = doc.paragraphs(title_from, min(u.end + 1, title_from + 40))
    titre = ""
    body_from = title_from
    for s, t in paras:
        if re.match(r"^(DIRECTION|P[ÔO]LE|SERVICE|RAPPORTEUR)\b", t) and t.isupper():
            continue
        titre = t
        body_from = doc.end_of_paragraph(s, u.end + 1)
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
    visas, interets = visas_interests(doc, body_from, res_i if res_i is not None else body_from)
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
            if m and m.group(1)[-1] in "ET" and not is_person_line(t):
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
            elif is_person_line(t):
                n = person_name(t)
                if n not in sig.signataires:
                    sig.signataires.append(n)
            elif m := LIEU_DATE.match(t):
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
    d = unit_deliberation(doc, u, sig_end, did, None, titre, date, att, interets, visas, verbes, vote, sig)
    d.certifie_executoire, d.publication = envoi, publication
    if date is None:
        problems.append(Problem(src, doc.no(h), "date-absente", "Délibération du partenaire sans date lisible.", "erreur", did))
    return d, UnitReading(sig_end, president, secretaire, acronyme=acr)

"""One deliberation of the Département, from its header to its signature: stamps, séance, attendance,
title, number `(N°2021-232)`, visas, decision verbs (`DECIDE`), articles, vote and signature."""

from __future__ import annotations

import re
from pathlib import PurePath

from generator.commun.dates import parse_date_fr
from generator.commun.pliage import slug_ascii
from generator.parse.document import (
    ARTICLE,
    DEPARTEMENT,
    NUMERO,
    PRESIDENCE,
    RAPPORT,
    REUNION,
    SECRETAIRE,
    Document,
    Unit,
    UnitReading,
    unit_deliberation,
)
from generator.parse.presences import opens_list, read_attendance, seance_presidence, visas_interests
from generator.parse.rapports import rapport_start
from generator.parse.votes import parse_signature, parse_vote
from generator.records import Article, Attendance, Deliberation, Problem, Signature, Vote

_POUR = re.compile(r"^Pour\s*:", re.I)
_ENVOI = re.compile(r"^Envoi au contr", re.I)
_AFFICHAGE = re.compile(r"^Affichage", re.I)
_CORPS = re.compile(r"^(Vu\b|DECIDE\b|Le Conseil d[ée]partemental du|La Commission Permanente du)", re.I)  # the header block ends
_VERBE = re.compile(r"[A-ZÀ-Ý' ]{5,}:?")  # a decision verb (`DECIDE :`), fullmatch
_CONDITIONS = re.compile(r"^Dans les conditions de vote", re.I)


def parse_departement(doc: Document, u: Unit, problems: list[Problem]) -> tuple[Deliberation, UnitReading]:
    """The deliberation of unit `u`, up to its signature (its rapport and annexes: `rapports`); what cannot
    be read is added to `problems` and the deliberation kept with what could."""
    src = doc.source
    h = u.header
    # stamps
    envoi = affichage = None
    for i in range(u.start, h):
        t = doc.sq[i]
        if _ENVOI.match(t):
            envoi = parse_date_fr(t)
        elif _AFFICHAGE.match(t):
            affichage = parse_date_fr(t)
    # header block up to the number line
    limit = min(u.end + 1, h + 400)
    num_i = None
    stop_i = None
    for i in range(h + 1, limit):
        t = doc.sq[i]
        if NUMERO.match(t):
            num_i = i
            break
        if _CORPS.match(t):
            stop_i = i
            break
    head_end = num_i if num_i is not None else (stop_i if stop_i is not None else h + 1)
    # the three patterns start differently: a line gives one of them at most
    date, president, secretaire = seance_presidence(doc.sq[h:head_end], REUNION, PRESIDENCE, SECRETAIRE)
    att = Attendance()
    lists_start = next((i for i in range(h, head_end) if opens_list(doc.sq[i])), None)
    title_start = read_attendance(doc, lists_start, head_end, att, stop_title=True) if lists_start is not None else None
    if title_start is None:
        # no attendance list: the title follows the last header line (REUNION/PRESIDENCE/Secrétaire)
        last = h
        for i in range(h, head_end):
            if REUNION.match(doc.sq[i]) or PRESIDENCE.match(doc.sq[i]) or SECRETAIRE.match(doc.sq[i]):
                last = i
        title_start = last + 1
    titre = " ".join(t for _, t in doc.paragraphs(title_start, head_end))
    num: tuple[int, int] | None = None
    if num_i is not None and (m := NUMERO.match(doc.sq[num_i])):
        numero = f"{m.group(1)}-{m.group(2)}"
        did = numero
        num = (int(m.group(1)), int(m.group(2)))
    else:
        numero = None
        did = f"sans-numero-{slug_ascii(PurePath(src).stem)}-{doc.no(h)}"
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
        if verb_i is None and _VERBE.fullmatch(t) and not DEPARTEMENT.match(t):
            verb_i = i
        if verb_i is not None and i > verb_i and _POUR.match(t):
            vote_i = i
            break
        if RAPPORT.match(t) or (verb_i is None and i - body_start > 400):
            break
    if verb_i is not None:
        j = verb_i
        while j < (vote_i or verb_i + 1) and (j == verb_i or _VERBE.fullmatch(doc.sq[j]) or not doc.sq[j]):
            if doc.sq[j]:
                verbes.append(doc.sq[j].rstrip(" :"))
            j += 1
    visas, interets = visas_interests(doc, body_start, verb_i if verb_i is not None else body_start)
    articles: list[Article] = []
    if verb_i is not None:
        art_end = vote_i if vote_i is not None else min(scan_end, verb_i + 200)
        cond = None
        for i in range(verb_i + 1, art_end):
            if _CONDITIONS.match(doc.sq[i]):
                cond = i
                break
        art_end = cond if cond is not None else art_end
        marks = [(i, a) for i in range(verb_i + 1, art_end) if (a := ARTICLE.match(doc.sq[i]))]
        for k, (i, a) in enumerate(marks):
            nxt = marks[k + 1][0] if k + 1 < len(marks) else art_end
            numero_article = a.group(1).lower()
            numero_article = "1" if numero_article in ("premier", "1er") else numero_article
            first = doc.lines[i].text.split(":", 1)[1].strip() if ":" in doc.lines[i].text else ""
            rest = doc.text(i + 1, nxt - 1)
            texte = (first + "\n" + rest).strip("\n") if first else rest
            articles.append(Article(numero=numero_article, texte=texte.strip(), line=doc.no(i)))
        if not marks and verb_i + 1 < art_end:
            texte = doc.text(verb_i + 1, art_end - 1).strip()
            if texte:
                articles.append(Article(numero="unique", texte=texte, line=doc.no(verb_i + 1)))
    vote = Vote()
    after_vote = None
    if vote_i is not None:
        vote, after_vote = parse_vote(doc, vote_i, scan_end)
    sig = Signature()
    sig_end = None
    if after_vote is not None:
        sig, sig_end = parse_signature(doc, after_vote, scan_end)
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
        r = next((i for i in range(body_start, scan_end) if RAPPORT.match(doc.sq[i])), None)
        sig_end = rapport_start(doc, r, body_start) - 1 if r is not None else u.end
    page = None
    for i in range(u.start, sig_end + 1):
        ln = doc.lines[i]
        if ln.page is not None and ln.folio:
            m = re.match(r"(\d+)/(\d+)", ln.folio)
            if m:
                page = ln.page - int(m.group(1)) + 1
                break
    d = unit_deliberation(doc, u, sig_end, did, numero, titre, date, att, interets, visas, verbes, vote, sig)
    d.articles = articles
    d.envoi_controle_legalite, d.affichage, d.page = envoi, affichage, page
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
    reading = UnitReading(sig_end, president, secretaire, num_index=num_i, num_line=None if num_i is None else doc.no(num_i), num=num)
    return d, reading

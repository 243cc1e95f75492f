"""Stage 7: the control report — what the documents announce or state, against what was extracted.

Works on the records of site_data/ (each document read back as its record, `DocumentLu.document`),
so it sees exactly what will be published. Each finding (`Constat`) names the source file and line.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import replace
from decimal import Decimal
from typing import TypeVar

from generator.records import (
    Chiffres,
    Constat,
    Deliberation,
    JsonObject,
    Problem,
    SubventionsSource,
    numero_sequence,
    plage_numeros,
    to_dict,
)
from generator.records.corpus import DocumentLu
from generator.records.lecture import from_dict
from generator.records.source import SourceDocument
from generator.sources.lecture import page_de

CONSEILLERS_PAR_CANTON = 2  # a binôme per canton since 2015


def announced_vs_found(doc: SourceDocument) -> list[Constat]:
    """Parts of the sommaire whose deliberations are (not) in the file; found ones outside any range."""
    out: list[Constat] = []
    rec = doc.recueil
    found = {d.id for d in doc.deliberations}
    ranges = []
    if rec:
        for part in rec.parties:
            a, b = numero_sequence(part.premiere), numero_sequence(part.derniere)
            if not a or not b:
                if part.organe == "Exécutif":
                    out.append(
                        Constat(
                            doc.source,
                            part.line,
                            "partie-absente",
                            f"{part.libelle} : annoncée au sommaire ({len(rec.actes_executif)} actes listés), textes absents du fichier",
                            "info",
                        )
                    )
                continue
            ranges.append((a, b))
            wanted = plage_numeros(part.premiere, part.derniere)
            present = [w for w in wanted if w in found]
            if wanted and not present:
                out.append(
                    Constat(
                        doc.source,
                        part.line,
                        "partie-absente",
                        f"Partie {part.numero} : délibérations {part.premiere} à {part.derniere} annoncées au sommaire, aucune n'est dans le fichier ({len(wanted)} manquantes)",
                        "info",
                    )
                )
            elif wanted and len(present) < len(wanted):
                missing = [w for w in wanted if w not in found]
                out.append(
                    Constat(
                        doc.source,
                        part.line,
                        "deliberations-manquantes",
                        f"Partie {part.numero} : {len(missing)} délibération(s) annoncée(s) absente(s) : {', '.join(missing[:20])}{'…' if len(missing) > 20 else ''}",
                    )
                )
            elif wanted:
                out.append(
                    Constat(
                        doc.source,
                        part.line,
                        "partie-complete",
                        f"Partie {part.numero} : les {len(wanted)} délibérations annoncées ({part.premiere} à {part.derniere}) sont présentes",
                        "info",
                    )
                )
        for d in doc.deliberations:
            n = numero_sequence(d.id)
            if n and ranges and not any(a <= n <= b for a, b in ranges):
                out.append(
                    Constat(
                        doc.source,
                        d.line,
                        "hors-sommaire",
                        f"Délibération {d.id} trouvée dans le fichier mais hors des plages annoncées au sommaire",
                        deliberation=d.id,
                    )
                )
    return out


def attendance_checks(doc: SourceDocument, membres_cd: int) -> list[Constat]:
    """Présents + excusés + absents, and the vote total, against the assembly's membership."""
    out: list[Constat] = []
    by_session: defaultdict[str, list[Deliberation]] = defaultdict(list)
    for d in doc.deliberations:
        by_session[d.session_id].append(d)
    for delibs in by_session.values():
        totals = [len(d.attendance.presents) + len(d.attendance.excuses) + len(d.attendance.absents) for d in delibs]
        if delibs[0].organe == "Conseil départemental":
            membres, why = membres_cd, f"{membres_cd} conseillers départementaux"
        else:
            membres, why = Counter(totals).most_common(1)[0][0], "effectif le plus fréquent de la séance"
        for d, total in zip(delibs, totals):
            if d.collectivite != "Département du Pas-de-Calais":
                continue
            a = d.attendance
            if total != membres:
                out.append(
                    Constat(
                        doc.source,
                        d.line,
                        "presence-ecart",
                        f"{d.id} : {len(a.presents)} présents + {len(a.excuses)} excusés + {len(a.absents)} absents = {total}, attendu {membres} ({why})",
                        deliberation=d.id,
                    )
                )
            v = d.vote
            if v.pour is None:
                out.append(Constat(doc.source, d.line, "vote-absent", f"{d.id} : aucun décompte de vote lu", deliberation=d.id))
                continue
            vt = v.pour + (v.contre or 0) + (v.abstention or 0) + (v.absents_sans_delegation or 0)
            if vt != membres:
                out.append(
                    Constat(
                        doc.source,
                        v.line or d.line,
                        "vote-ecart",
                        f"{d.id} : pour {v.pour} + contre {v.contre or 0} + abstention {v.abstention or 0} + absents sans délégation {v.absents_sans_delegation or 0} = {vt}, attendu {membres} ({why})",
                        deliberation=d.id,
                    )
                )
    return out


def _n(n: int, mot: str) -> str:
    return f"{n} {mot}{'s' if n > 1 else ''}"


def _non_participants(d: Deliberation) -> list[str]:
    """Present members « intéressé(e) à l'affaire » who « n'a pris part ni au débat, ni au vote »."""
    presents = set(d.attendance.presents)
    return [i.name for i in d.interets if i.name in presents and not re.search(r"pas donn[ée]e? de d[ée]l[ée]gation", i.text)]


def votes_vs_presences(doc: SourceDocument) -> list[Constat]:
    """Présents + représentés against the votes cast plus the non-participations, where the document
    states both the lists and the vote figures.

    Représentés: the proxies the document lists (« donne pouvoir à »); in the Département's layout,
    which lists no proxy, the members away (excusés, absents) less the « absents sans délégation de
    vote » the vote block counts. Non-participations: the present members who declared an interest
    and took part neither in the debate nor in the vote. A mismatch is named with its figures."""
    out: list[Constat] = []
    for d in doc.deliberations:
        a, v = d.attendance, d.vote
        if v.pour is None or not a.presents:
            continue
        sans_delegation = v.absents_sans_delegation or 0
        if a.procurations:
            representes = len(a.procurations)
            detail = _n(representes, "procuration")
        elif d.collectivite == "Département du Pas-de-Calais":
            representes = len(a.excuses) + len(a.absents) - sans_delegation
            detail = (
                f"{_n(len(a.excuses), 'excusé')} + {_n(len(a.absents), 'absent')} − {_n(sans_delegation, 'absent')} sans délégation de vote"
            )
        else:
            continue
        non_participants = _non_participants(d)
        votes = v.pour + (v.contre or 0) + (v.abstention or 0)
        if len(a.presents) + representes == votes + len(non_participants):
            continue
        chiffres = Chiffres(len(a.presents), representes, v.pour, v.contre or 0, v.abstention or 0, sans_delegation, non_participants)
        np = (
            f" + {len(non_participants)} ne prenant part ni au débat ni au vote ({', '.join(non_participants)}, intéressé(e) à l'affaire)"
            if non_participants
            else ""
        )
        out.append(
            Constat(
                doc.source,
                v.line or d.line,
                "vote-presences-ecart",
                f"{d.id} : {_n(len(a.presents), 'présent')} + {_n(representes, 'représenté')} ({detail}) = {len(a.presents) + representes}, "
                f"mais {v.pour} pour + {chiffres.contre} contre + {_n(chiffres.abstention, 'abstention')}{np} = {votes + len(non_participants)}",
                deliberation=d.id,
                chiffres=chiffres,
            )
        )
    return out


def duplicates(docs: Iterable[DocumentLu]) -> list[Constat]:
    """A deliberation found again in a later source: the same (its texts' digests agree, `empreinte_texte`,
    kept beside each document in the order of its deliberations: the build keeps only the digest once
    the sources are read, not ten years of texts twice) or not. Each finding names its PDF page. Read
    from the documents as they are held (`DocumentLu.contenu`), without making their records."""
    out: list[Constat] = []
    seen: dict[str, tuple[str, int, str]] = {}  # id → (source, line, digest) of its first copy
    for lu in docs:
        source, pages = lu.source, list(lu.contenu.get("pages") or [])
        for d, empreinte in zip(lu.contenu["deliberations"], lu.empreintes, strict=True):
            prev = seen.get(d["id"])
            if prev is None:
                seen[d["id"]] = (source, d["line"], empreinte)
                continue
            same = prev[2] == empreinte
            out += _paginer(
                [
                    Constat(
                        source,
                        d["line"],
                        "doublon" if same else "doublon-different",
                        f"Délibération {d['id']} déjà présente dans {prev[0]} (ligne {prev[1]})"
                        + ("" if same else " avec un contenu DIFFÉRENT : la première source est publiée, vérifiez laquelle fait foi"),
                        "info" if same else "erreur",
                        d["id"],
                    )
                ],
                pages,
            )
    return out


F = TypeVar("F", Problem, Constat)


def _paginer(findings: list[F], pages: list[int]) -> list[F]:
    """A PDF's findings with a line name their page (`pages`: the line where each page starts)."""
    if not pages:
        return findings
    return [f if f.page_pdf or not f.line else replace(f, page_pdf=page_de(pages, f.line)) for f in findings]


def _json(f: Problem | Constat) -> JsonObject:
    if isinstance(f, Constat):
        return f.to_json()
    data: JsonObject = to_dict(f)
    return data


def _controle(doc: SourceDocument, subs: SubventionsSource, membres_cd: int) -> JsonObject:
    """The control report's part on one source."""
    findings: list[JsonObject] = [_json(p) for p in _paginer(doc.problems, doc.pages)]
    findings += [
        _json(c) for c in _paginer(announced_vs_found(doc) + attendance_checks(doc, membres_cd) + votes_vs_presences(doc), doc.pages)
    ]
    return {
        "source": doc.source,
        "nature": doc.nature,
        "deliberations": len(doc.deliberations),
        "subventions": len(subs.subventions),
        "montant_total": format(sum((s.montant for s in subs.subventions), Decimal(0)), "f"),
        "totaux_verifies": sum(1 for c in subs.controles if c.statut == "ok"),
        "totaux_en_ecart": sum(1 for c in subs.controles if c.statut != "ok"),
        "controles": to_dict(subs.controles),
        "constats": findings,
    }


def build_report(
    docs: list[DocumentLu],
    subventions: dict[str, JsonObject],
    errors: list[JsonObject],
    membres_cd: int,
    corrections: list[JsonObject] | None = None,
    en_attente: list[JsonObject] | None = None,
    parties: dict[str, JsonObject] | None = None,
) -> JsonObject:
    """The whole control report, per source, deterministic. `en_attente`: sources waiting for a tool
    the machine lacks (warnings, `extraction._mettre_en_attente`). A source's part (`_controle`) is taken from
    `parties` when given there (the build's cache: `cache_extraction.lire_parties`), else made from its document
    read back as its record, and not kept."""
    sources: list[JsonObject] = []
    for lu in docs:
        partie = (parties or {}).get(lu.source)
        if partie is None:
            doc = lu.document()
            subs = subventions.get(doc.source)
            partie = _controle(doc, from_dict(SubventionsSource, subs) if subs else SubventionsSource(doc.source), membres_cd)
        sources.append(partie)

    dups = [c.to_json() for c in duplicates(docs)]
    counts = Counter(f["severity"] for s in sources for f in s["constats"])
    counts.update(f["severity"] for f in dups)
    return {
        "sources": sources,
        "erreurs": errors,
        "doublons": dups,
        "corrections": corrections or [],
        "en_attente": en_attente or [],
        "resume": {
            "sources": len(docs),
            "sources_refusees": len(errors),
            "erreurs": counts.get("erreur", 0) + len(errors),
            "avertissements": counts.get("avertissement", 0) + len(en_attente or []),
            "totaux_en_ecart": sum(s["totaux_en_ecart"] for s in sources),
        },
    }

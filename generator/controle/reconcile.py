"""Stage 7: the control report — what the documents announce or state, against what was extracted.

Works on the JSON of site_data/ (one dict per source), so it sees exactly what
will be published. Each finding names the source file and line.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from decimal import Decimal

from generator.records import numero_sequence, plage_numeros
from generator.records.corpus import DocumentLu
from generator.sources.lecture import page_de

CONSEILLERS_PAR_CANTON = 2  # a binôme per canton since 2015


def _finding(source, line, kind, message, severity="avertissement", deliberation=None):
    return {"source": source, "line": line, "kind": kind, "message": message, "severity": severity, "deliberation": deliberation}


def announced_vs_found(doc: dict) -> list[dict]:
    """Parts of the sommaire whose deliberations are (not) in the file; found ones outside any range."""
    out = []
    rec = doc.get("recueil")
    found = {d["id"] for d in doc["deliberations"]}
    ranges = []
    if rec:
        for part in rec["parties"]:
            a, b = numero_sequence(part.get("premiere")), numero_sequence(part.get("derniere"))
            if not a or not b:
                if part.get("organe") == "Exécutif":
                    out.append(
                        _finding(
                            doc["source"],
                            part["line"],
                            "partie-absente",
                            f"{part['libelle']} : annoncée au sommaire ({len(rec['actes_executif'])} actes listés), textes absents du fichier",
                            "info",
                        )
                    )
                continue
            ranges.append((a, b))
            wanted = plage_numeros(part.get("premiere"), part.get("derniere"))
            present = [w for w in wanted if w in found]
            if wanted and not present:
                out.append(
                    _finding(
                        doc["source"],
                        part["line"],
                        "partie-absente",
                        f"Partie {part['numero']} : délibérations {part['premiere']} à {part['derniere']} annoncées au sommaire, aucune n'est dans le fichier ({len(wanted)} manquantes)",
                        "info",
                    )
                )
            elif wanted and len(present) < len(wanted):
                missing = [w for w in wanted if w not in found]
                out.append(
                    _finding(
                        doc["source"],
                        part["line"],
                        "deliberations-manquantes",
                        f"Partie {part['numero']} : {len(missing)} délibération(s) annoncée(s) absente(s) : {', '.join(missing[:20])}{'…' if len(missing) > 20 else ''}",
                    )
                )
            elif wanted:
                out.append(
                    _finding(
                        doc["source"],
                        part["line"],
                        "partie-complete",
                        f"Partie {part['numero']} : les {len(wanted)} délibérations annoncées ({part['premiere']} à {part['derniere']}) sont présentes",
                        "info",
                    )
                )
        for d in doc["deliberations"]:
            n = numero_sequence(d["id"])
            if n and ranges and not any(a <= n <= b for a, b in ranges):
                out.append(
                    _finding(
                        doc["source"],
                        d["line"],
                        "hors-sommaire",
                        f"Délibération {d['id']} trouvée dans le fichier mais hors des plages annoncées au sommaire",
                        deliberation=d["id"],
                    )
                )
    return out


def attendance_checks(doc: dict, membres_cd: int) -> list[dict]:
    """Présents + excusés + absents, and the vote total, against the assembly's membership."""
    out = []
    by_session = defaultdict(list)
    for d in doc["deliberations"]:
        by_session[d["session_id"]].append(d)
    for delibs in by_session.values():
        totals = []
        for d in delibs:
            a = d["attendance"]
            totals.append(len(a["presents"]) + len(a["excuses"]) + len(a["absents"]))
        organe = delibs[0]["organe"]
        if organe == "Conseil départemental":
            membres, why = membres_cd, f"{membres_cd} conseillers départementaux"
        else:
            membres, why = Counter(totals).most_common(1)[0][0], "effectif le plus fréquent de la séance"
        for d, total in zip(delibs, totals):
            if d["collectivite"] != "Département du Pas-de-Calais":
                continue
            a = d["attendance"]
            if total != membres:
                out.append(
                    _finding(
                        doc["source"],
                        d["line"],
                        "presence-ecart",
                        f"{d['id']} : {len(a['presents'])} présents + {len(a['excuses'])} excusés + {len(a['absents'])} absents = {total}, attendu {membres} ({why})",
                        deliberation=d["id"],
                    )
                )
            v = d["vote"]
            counts = [v.get(k) for k in ("pour", "contre", "abstention", "absents_sans_delegation")]
            if v.get("pour") is None:
                out.append(
                    _finding(doc["source"], d["line"], "vote-absent", f"{d['id']} : aucun décompte de vote lu", deliberation=d["id"])
                )
                continue
            vt = sum(c or 0 for c in counts)
            if vt != membres:
                out.append(
                    _finding(
                        doc["source"],
                        v.get("line") or d["line"],
                        "vote-ecart",
                        f"{d['id']} : pour {v['pour']} + contre {v.get('contre') or 0} + abstention {v.get('abstention') or 0} + absents sans délégation {v.get('absents_sans_delegation') or 0} = {vt}, attendu {membres} ({why})",
                        deliberation=d["id"],
                    )
                )
    return out


def _n(n: int, mot: str) -> str:
    return f"{n} {mot}{'s' if n > 1 else ''}"


def _non_participants(d: dict) -> list[str]:
    """Present members « intéressé(e) à l'affaire » who « n'a pris part ni au débat, ni au vote »."""
    presents = set(d["attendance"]["presents"])
    return [
        i["name"]
        for i in d.get("interets") or []
        if i.get("name") in presents and not re.search(r"pas donn[ée]e? de d[ée]l[ée]gation", i["text"])
    ]


def votes_vs_presences(doc: dict) -> list[dict]:
    """Présents + représentés against the votes cast plus the non-participations, where the document
    states both the lists and the vote figures.

    Représentés: the proxies the document lists (« donne pouvoir à »); in the Département's layout,
    which lists no proxy, the members away (excusés, absents) less the « absents sans délégation de
    vote » the vote block counts. Non-participations: the present members who declared an interest
    and took part neither in the debate nor in the vote. A mismatch is named with its figures."""
    out = []
    for d in doc["deliberations"]:
        a, v = d["attendance"], d["vote"]
        if v.get("pour") is None or not a["presents"]:
            continue
        sans_delegation = v.get("absents_sans_delegation") or 0
        if a["procurations"]:
            representes = len(a["procurations"])
            detail = _n(representes, "procuration")
        elif d["collectivite"] == "Département du Pas-de-Calais":
            representes = len(a["excuses"]) + len(a["absents"]) - sans_delegation
            detail = (
                f"{_n(len(a['excuses']), 'excusé')} + {_n(len(a['absents']), 'absent')} − "
                f"{_n(sans_delegation, 'absent')} sans délégation de vote"
            )
        else:
            continue
        non_participants = _non_participants(d)
        votes = v["pour"] + (v.get("contre") or 0) + (v.get("abstention") or 0)
        if len(a["presents"]) + representes == votes + len(non_participants):
            continue
        chiffres = {
            "presents": len(a["presents"]),
            "representes": representes,
            "pour": v["pour"],
            "contre": v.get("contre") or 0,
            "abstention": v.get("abstention") or 0,
            "absents_sans_delegation": sans_delegation,
            "non_participants": non_participants,
        }
        np = (
            f" + {len(non_participants)} ne prenant part ni au débat ni au vote ({', '.join(non_participants)}, intéressé(e) à l'affaire)"
            if non_participants
            else ""
        )
        f = _finding(
            doc["source"],
            v.get("line") or d["line"],
            "vote-presences-ecart",
            f"{d['id']} : {_n(len(a['presents']), 'présent')} + {_n(representes, 'représenté')} ({detail}) = {len(a['presents']) + representes}, "
            f"mais {v['pour']} pour + {chiffres['contre']} contre + {_n(chiffres['abstention'], 'abstention')}{np} = {votes + len(non_participants)}",
            deliberation=d["id"],
        )
        f["chiffres"] = chiffres
        out.append(f)
    return out


def duplicates(docs: list[DocumentLu]) -> list[dict]:
    """A deliberation found again in a later source: the same (its texts' digests agree, `empreinte_texte`:
    the build keeps only the digest once the sources are read, not ten years of texts twice) or not."""
    out = []
    seen: dict[str, dict] = {}
    for lu in docs:
        doc = lu.contenu
        for d, empreinte in zip(doc["deliberations"], lu.empreintes, strict=True):
            prev = seen.get(d["id"])
            if prev is None:
                seen[d["id"]] = {"source": doc["source"], "titre": d["titre"], "line": d["line"], "texte": empreinte}
                continue
            same = prev["texte"] == empreinte
            out.append(
                _finding(
                    doc["source"],
                    d["line"],
                    "doublon" if same else "doublon-different",
                    f"Délibération {d['id']} déjà présente dans {prev['source']} (ligne {prev['line']})"
                    + ("" if same else " avec un contenu DIFFÉRENT : la première source est publiée, vérifiez laquelle fait foi"),
                    "info" if same else "erreur",
                    d["id"],
                )
            )
    return out


def _paginer(findings: list[dict], pages: list[int] | None) -> list[dict]:
    """A PDF's findings with a line name their page (`pages`: the line where each page starts)."""
    if not pages:
        return findings
    return [f if f.get("page_pdf") or not f.get("line") else dict(f, page_pdf=page_de(pages, f["line"])) for f in findings]


def build_report(
    docs: list[DocumentLu],
    subventions: dict[str, dict],
    errors: list[dict],
    membres_cd: int,
    corrections: list[dict] | None = None,
    en_attente: list[dict] | None = None,
) -> dict:
    """The whole control report, per source, deterministic. `en_attente`: sources waiting for a tool
    the machine lacks (warnings, `build._mettre_en_attente`)."""
    sources = []
    for doc in (lu.contenu for lu in docs):
        subs = subventions.get(doc["source"], {"subventions": [], "controles": []})
        findings = list(doc.get("problems", []))
        findings += announced_vs_found(doc)
        findings += attendance_checks(doc, membres_cd)
        findings += votes_vs_presences(doc)
        findings = _paginer(findings, doc.get("pages"))
        total = sum((Decimal(s["montant"]) for s in subs["subventions"]), Decimal(0))
        checks = subs["controles"]
        sources.append(
            {
                "source": doc["source"],
                "nature": doc["nature"],
                "deliberations": len(doc["deliberations"]),
                "subventions": len(subs["subventions"]),
                "montant_total": format(total, "f"),
                "totaux_verifies": sum(1 for c in checks if c["statut"] == "ok"),
                "totaux_en_ecart": sum(1 for c in checks if c["statut"] != "ok"),
                "controles": checks,
                "constats": findings,
            }
        )
    pages = {lu.contenu["source"]: lu.contenu.get("pages") for lu in docs}
    dups = [g for f in duplicates(docs) for g in _paginer([f], pages.get(f["source"]))]
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

"""The control report's pages (site_data/controle.json): the publisher's, not the public's.

First line a verdict (« Publiable : 0 erreur, 3 écarts expliqués, 6 avertissements »), then the
errors, then the warnings (totals that differ from what the documents announce first), then the
information; every amount in French (`505 480,00 €`). Linked from the footer only, kept out of the
menu (mkdocs.yml) and out of search engines (`render.ROBOTS`). Past `decoupage.SEUIL` checks and
findings, each source's detail gets a page of its own under controle/; past `decoupage.SEUIL`
warnings too, the control page counts them and each source's page lists its own.
"""

from __future__ import annotations

import re
from pathlib import Path

from generator.records import JsonObject
from generator.site.pages.decoupage import trop_long
from generator.site.render import Page

GRAVITES = ("erreur", "avertissement", "info")


def _accord(n: int, singulier: str, pluriel: str) -> str:
    """`0 erreur`, `1 erreur`, `2 erreurs` (French: the singular up to 1)."""
    return f"{n} {singulier if n <= 1 else pluriel}"


def ecarts(c: JsonObject) -> list[JsonObject]:
    """The totals that differ from what a document announces (or could not be read), in source order."""
    return [k for s in c.get("sources", []) for k in s["controles"] if k["statut"] != "ok"]


def verdict(c: JsonObject) -> JsonObject:
    """The report in one line: {"publiable": bool, "texte": "Publiable : 0 erreur, 3 écarts expliqués, 6 avertissements"}.

    Publishable while no error remains (a refused source is one; warnings and differences in totals,
    each explained on the page, do not stop the build unless STRICT=1). A difference is « expliqué »
    when the report says what differs (its message); those without are counted apart."""
    r = c.get("resume", {})
    n_err = r.get("erreurs", 0)
    e = ecarts(c)
    sans = sum(1 for k in e if not k.get("message"))
    parties = [_accord(n_err, "erreur", "erreurs")]
    if not e:
        parties.append("aucun écart de total")
    elif not sans:
        parties.append(_accord(len(e), "écart expliqué", "écarts expliqués"))
    else:
        parties.append(f"{_accord(len(e), 'écart', 'écarts')} dont {sans} sans explication")
    parties.append(_accord(r.get("avertissements", 0), "avertissement", "avertissements"))
    publiable = n_err == 0
    return {"publiable": publiable, "texte": ("Publiable" if publiable else "Non publiable en l'état") + " : " + ", ".join(parties)}


def par_gravite(c: JsonObject) -> dict[str, list[JsonObject]]:
    """The findings of the report by severity, each with its source: {"erreur": […], "avertissement": […], "info": […]}:
    those of each source, then the duplicates, then (information) the corrections applied. The refused
    sources and those waiting for a tool are apart (`c["erreurs"]`, `c["en_attente"]`)."""
    out: dict[str, list[JsonObject]] = {g: [] for g in GRAVITES}
    for s in c.get("sources", []):
        for f in s["constats"]:
            out[f["severity"]].append(dict(f, source=s["source"]))
    for f in c.get("doublons", []):
        out[f.get("severity", "avertissement")].append(f)
    for k in c.get("corrections", []):
        out["info"].append({"source": k["source"], "message": "Correction appliquée : " + k["message"]})
    return out


def _originaux_de(s: JsonObject, originaux: dict[str, str]) -> dict[str, str]:
    """Of the published PDFs, those a source's page links (`_controle.j2`: the sources its totals and
    findings name): its key (`Page.cle`) does not change when another source is added."""
    noms = {s["source"]} | {x.get("source") for x in s["controles"] + s["constats"]}
    return {k: v for k, v in originaux.items() if k in noms}


def pages(c: JsonObject, originaux: dict[str, str]) -> list[Page]:
    """The control page and, when the report is long, one page per source.
    `originaux`: source → address of its published PDF, where the findings' pages link to."""
    sources = c.get("sources", [])
    items = [x for s in sources for x in s["controles"] + s["constats"]]
    gravites, en_ecart = par_gravite(c), ecarts(c)
    contexte: JsonObject = {"c": c, "verdict": verdict(c), "gravites": gravites, "ecarts": en_ecart, "originaux": originaux}
    out: list[Page] = []
    if trop_long(items):
        liens = []
        for n, s in enumerate(sources, start=1):
            slug = f"{n:03d}-" + (re.sub(r"[^a-z0-9]+", "-", Path(s["source"]).stem.lower()).strip("-") or "source")
            out.append(
                Page(
                    f"controle/{slug}.md",
                    "controle_source.md.j2",
                    f"Contrôle — {s['source']}",
                    kind="controle",
                    context={"s": s, "n": n, "originaux": _originaux_de(s, originaux)},
                )
            )
            liens.append({"s": s, "url": f"controle/{slug}/", "alertes": sum(1 for f in s["constats"] if f["severity"] != "info")})
        # warnings too many for one page (ten synthetic years: 1 715, 600 KB) are read on their source's page;
        # the duplicates between sources, which belong to none, stay here
        contexte |= {
            "sources_pages": liens,
            "avertissements_sur_sources": trop_long(en_ecart + gravites["avertissement"]),
            "doublons": [f for f in c.get("doublons", []) if f.get("severity", "avertissement") == "avertissement"],
        }
    else:
        contexte |= {"sources_pages": None, "avertissements_sur_sources": False, "doublons": []}
    return [*out, Page("controle.md", "controle.md.j2", "Contrôle de publication", kind="controle", context=contexte)]

"""The « Lexique » page: each acronym of the recueils, what it stands for, a plain definition and the
words of the deliberation that says it (`generator.site.lexique`)."""

from __future__ import annotations

from generator.records.corpus import Corpus
from generator.site import lexique
from generator.site.render import Page


def build(corpus: Corpus) -> Page:
    entrees = []
    for t in sorted(lexique.TERMES, key=lambda t: t.sigle):
        ou = lexique.verifier(corpus, t.source, t.citation)
        entrees.append({"t": t, "ancre": t.ancre, "ou": ou})
    dispositifs = []
    for nom, d in sorted(lexique.DISPOSITIFS.items(), key=lambda kv: kv[0].casefold()):
        if d.cadre and lexique.verifier(corpus, d.source, d.citation):
            dispositifs.append({"nom": nom, "d": d})
    return Page("lexique.md", "lexique.md.j2", "Lexique", kind="lexique", context={"entrees": entrees, "dispositifs": dispositifs})

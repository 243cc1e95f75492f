"""The lists of deliberations and acts of the place pages written in Python (generator/site/listes.py):
the same bytes as the Jinja loops they replace, on every real deliberation and act, and source text
escaped."""

from __future__ import annotations

import dataclasses

import pytest

from generator.lieux import places
from generator.records.corpus import Corpus
from generator.site import listes
from generator.site.render import environment

# the loops of `_lieu_activite.j2`, `liste_annee.md.j2` and `commune.md.j2` before they called `listes`, kept here as the rule
DELIBERATIONS = (
    '{% for d in delibs %}<li><a href="{{ root }}deliberations/{{ d.id }}/">{{ d.id }}</a> — {{ d.titre }} '
    '<span class="rpc-note">({{ d.organe }}, {{ d.date|date }})</span></li>{% endfor %}'
)
ACTES = (
    '{% for a in actes %}<li>{{ a.titre }}{% if a.page %} <span class="rpc-note">(page {{ a.page }})</span>{% endif %} — '
    '<a href="{{ root }}recueils/{{ a.recueil }}/">recueil</a> <em class="rpc-note">(texte non disponible dans le fichier)</em></li>{% endfor %}'
)


@pytest.fixture(scope="module")
def corpus(donnees):
    return Corpus.load(donnees, places.reference())


def test_deliberations_are_the_jinja_loop_byte_for_byte_as_records_and_as_dicts(corpus):
    delibs = list(corpus.deliberations.values())
    assert len(delibs) == 28
    attendu = environment().from_string(DELIBERATIONS).render(delibs=delibs, root="../../")
    assert listes.deliberations(delibs, "../../") == attendu
    dicts = [{"id": d.id, "titre": d.titre, "organe": d.organe, "date": d.date} for d in delibs]  # (a commune's page: `lieux`)
    assert listes.deliberations(dicts, "../../") == attendu
    assert '<a href="../../deliberations/2021-232/">2021-232</a>' in attendu


def test_acts_are_the_jinja_loop_byte_for_byte(corpus):
    actes = [a for liste in corpus.actes_par_commune.values() for a in liste]
    assert len(actes) == 392 and all(a.page for a in actes)
    actes.append(dataclasses.replace(actes[0], page=None))  # (an act whose page is not known)
    attendu = environment().from_string(ACTES).render(actes=actes, root="../../")
    assert listes.actes(actes, "../../") == attendu


def test_hostile_text_is_escaped_as_markupsafe_does(corpus):
    d = dataclasses.replace(next(iter(corpus.deliberations.values())), titre='<script>alert("x")</script> & {{ y }}', organe="l'organe")
    a = dataclasses.replace(next(a for liste in corpus.actes_par_commune.values() for a in liste), titre="<b>A & B</b>", recueil="r'1")
    env = environment()
    assert listes.deliberations([d], "../") == env.from_string(DELIBERATIONS).render(delibs=[d], root="../")
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; {{ y }}" in listes.deliberations([d], "../")
    assert listes.actes([a], "../") == env.from_string(ACTES).render(actes=[a], root="../")
    assert "&lt;b&gt;A &amp; B&lt;/b&gt;" in listes.actes([a], "../")

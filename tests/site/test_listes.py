"""The lists of deliberations and acts of the place pages and a councillor's séances, written in Python
(generator/site/listes.py): the same bytes as the Jinja loops they replace, on every real deliberation,
act and councillor, and source text escaped."""

from __future__ import annotations

import dataclasses

import pytest

from generator.elus import personnes
from generator.lieux import places
from generator.records.corpus import Corpus
from generator.site import listes
from generator.site.pages import elus as pages_elus
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


# the macro of `_elus.j2` (a councillor's page and year pages) before it called `listes.presences`, kept here as the rule
PRESENCES = """{% macro presence_par_seance(seances, statuts) %}
{% for s, lignes in seances.items() %}
<details><summary><a href="{{ root }}seances/{{ s }}/">{{ lignes[0][0].organe }} du {{ lignes[0][0].date|date }}</a> — {{ lignes|length }} délibération{% if lignes|length > 1 %}s{% endif %}</summary>
<ul>{% for li, d in lignes %}<li><a href="{{ root }}deliberations/{{ li.deliberation }}/">{{ li.deliberation }}</a>{% if d %} {{ d.titre }}{% endif %} : {{ statuts[li.statut] }}{% if li.interet %} — intérêt déclaré{% endif %}</li>
{% endfor %}</ul></details>
{% endfor %}
{% endmacro %}{{ presence_par_seance(seances, statuts) }}"""


def _seances_des_elus(corpus):
    """Every councillor's séances as their pages are given them (`pages.elus._contexte` of each page's data)."""
    reg = pages_elus.registre(corpus, {})
    corpus.elus = reg
    return [p.contexte(p.donnees, p.texte)["seances"] for p in pages_elus.build(corpus, reg) if p.contexte is not None]


def test_a_councillors_seances_are_the_jinja_macro_byte_for_byte(corpus):
    """Every councillor of the real corpus (their séances of 2019, 2021 and 2022, an interest declared),
    their page and its year pages alike."""
    toutes = [s for s in _seances_des_elus(corpus) if s]
    env = environment()
    lignes = [x for seances in toutes for lignes in seances.values() for x in lignes]
    assert len(toutes) > 50 and any(li.interet for li, _ in lignes)
    for seances in toutes:
        attendu = env.from_string(PRESENCES).render(seances=seances, statuts=personnes.STATUTS, root="../../")
        assert listes.presences(seances, personnes.STATUTS, "../../") == attendu
    matrat = next(s for s in toutes if any(li.interet and li.deliberation == "2021-233" for lignes in s.values() for li, _ in lignes))
    assert "2021-233</a> " in listes.presences(matrat, personnes.STATUTS, "../") and " — intérêt déclaré</li>" in listes.presences(
        matrat, personnes.STATUTS, "../"
    )


def test_a_councillors_seances_escape_the_source_text_and_name_an_act_not_published(corpus):
    seances = next(s for s in _seances_des_elus(corpus) if len(next(iter(s.values()))) > 1)
    s, lignes = next(iter(seances.items()))
    (li, d), (li2, _), *reste = lignes
    assert d is not None
    hostile = {s: [(li._replace(organe="<b>C&P</b>"), dataclasses.replace(d, titre="\"Titre\" <i>'x'</i>")), (li2, None), *reste]}
    attendu = environment().from_string(PRESENCES).render(seances=hostile, statuts=personnes.STATUTS, root="../")
    assert listes.presences(hostile, personnes.STATUTS, "../") == attendu and "&lt;b&gt;C&amp;P&lt;/b&gt; du " in attendu
    assert f"{li2.deliberation}</a> : " in attendu and "&#34;Titre&#34; &lt;i&gt;&#39;x&#39;&lt;/i&gt; : " in attendu

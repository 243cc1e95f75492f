"""Grant table rows written in Python (generator/site/tableau_subventions.py): the same bytes as the
Jinja loop they replace, on every real grant, and source text escaped."""

from __future__ import annotations

import dataclasses

import pytest
from markupsafe import escape

from generator.lieux import places
from generator.records.corpus import Beneficiaire, Corpus
from generator.site.render import environment
from generator.site.tableau_subventions import echapper, lignes

# the loop of `_subventions.j2` before it called `lignes_subventions`, kept here as the rule
BOUCLE = (
    '{% for s in subs %}<tr{% if ancres %} id="{{ s.id }}"{% endif %}><td class="rpc-date" data-sort="{{ s.date }}">'
    "{{ s.date|date }}</td><td>"
    '{% if s.affiche.type == "commune" %}{{ s.affiche.nom }}{% elif s.affiche.incertain %}{{ s.affiche.nom }} '
    '<span class="rpc-note">(porteur et projet imprimés d\'un seul tenant)</span>{% else %}<a href="{{ root }}{{ s.affiche.url }}">'
    '{{ s.affiche.nom }}</a>{% endif %}</td>{% if show_commune %}<td>{% if s.commune_ref %}<a href="{{ root }}communes/'
    '{{ s.commune_ref.slug }}/">{{ s.commune_ref.nom }}</a>{% elif s.commune_projet and s.commune_projet.written and '
    's.commune_projet.status != "resolu" %}{{ s.commune_projet.written }} <span class="rpc-note">(commune non reconnue)</span>{% endif %}'
    '</td>{% endif %}<td class="rpc-objet">'
    '{% if s.beneficiaire_incertain and not s.affiche.incertain %}« {{ s.beneficiaire }} » <span class="rpc-note">(porteur et projet '
    "imprimés d'un seul tenant)</span>{% else %}{{ s.objet }}{% endif %}</td>"
    '<td>{{ s.dispositif or "" }}</td><td class="rpc-num" data-sort="{{ s.montant }}">{{ s.montant|montant }}</td>'
    '{% if show_delib %}<td><a href="{{ root }}deliberations/{{ s.deliberation }}/#{{ s.id }}">{{ s.deliberation }}</a></td>{% endif %}'
    "</tr>\n{% endfor %}"
)


@pytest.fixture(scope="module")
def vues(donnees):
    corpus = Corpus.load(donnees, places.reference())
    return corpus.subventions


@pytest.mark.parametrize(
    "show_commune,show_delib,ancres", [(True, True, False), (False, True, False), (True, False, True), (False, False, True)]
)
def test_rows_are_the_jinja_loop_byte_for_byte_on_every_real_grant(vues, show_commune, show_delib, ancres):
    assert len(vues) == 524
    regle = environment().from_string(BOUCLE)
    attendu = regle.render(subs=vues, root="../../", show_commune=show_commune, show_delib=show_delib, ancres=ancres)
    assert lignes(vues, "../../", show_commune, show_delib, ancres) == attendu
    wancourt = next(v for v in vues if v.commune_ref and v.commune_ref["nom"] == "Wancourt")
    assert ('<a href="../../communes/wancourt/">Wancourt</a>' in attendu) == show_commune
    assert ">3\u202f107,00\u00a0€</td>" in lignes([wancourt], "../../")


def test_hostile_text_is_escaped_as_markupsafe_does(vues):
    s = dataclasses.replace(
        vues[0],
        objet='<script>alert("x")</script> & {{ y }}',
        dispositif="l'aide",
        affiche=Beneficiaire("A <b>", "association", "beneficiaires/a/"),
    )
    out = lignes([s], "../")
    assert "<script>" not in out and "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; {{ y }}" in out
    assert "l&#39;aide" in out and ">A &lt;b&gt;</a>" in out
    assert out == environment().from_string(BOUCLE).render(subs=[s], root="../", show_commune=True, show_delib=True, ancres=False)
    for v in ("", "a&b<c>d'e\"f", None, 12, escape("<i>")):
        assert echapper(v) == str(escape(v))

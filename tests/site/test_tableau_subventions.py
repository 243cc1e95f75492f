"""Grant table rows written in Python (generator/site/tableau_subventions.py): the same bytes as the
Jinja loop they replace, on every real grant, made or kept for a build (`Lignes`), and source text escaped."""

from __future__ import annotations

import dataclasses
from typing import cast

import jinja2
import pytest
from markupsafe import escape

from generator.lieux import places
from generator.records.corpus import Beneficiaire, Corpus
from generator.site import tableau_subventions
from generator.site.render import Page, environment, write_pages
from generator.site.tableau_subventions import Lignes, echapper, lignes

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
    gardees = Lignes()
    with gardees.gardees():  # as `write_pages` asks them: made, then kept
        assert gardees(vues, "../../", show_commune, show_delib, ancres) == attendu
        assert gardees(vues, "../../", show_commune, show_delib, ancres) == attendu
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


def test_a_grant_kept_for_a_build_gives_on_every_page_the_row_made_again(vues, monkeypatch):
    """A grant's row is made once for pages of any depth with the same options, and what each page
    gets is what the uncached function makes for it (the rule above)."""
    faites = []
    morceaux = tableau_subventions._morceaux
    monkeypatch.setattr(tableau_subventions, "_morceaux", lambda s, *o: faites.append(s.id) or morceaux(s, *o))
    wancourt = [v for v in vues if v.commune_ref and v.commune_ref["nom"] == "Wancourt"]
    associations = [v for v in vues if v.affiche.type == "association" and not v.affiche.incertain][:20]
    autres = [dataclasses.replace(v, url_original="originaux/r.pdf", page_pdf=12) for v in associations]  # (`lier_originaux`)
    assert len(wancourt) == 1 and len(autres) == 20
    regle = {  # what each page gets made again (the function checked against the Jinja rule above)
        "commune": lignes(wancourt, "../../", show_commune=False),  # its commune's page
        "annee": lignes(wancourt + autres, "../../../"),  # a canton's year page, deeper
        "dispositif": lignes(autres[::-1] + wancourt, "../../"),  # a scheme's page
        "delib": lignes(wancourt, "../../", show_delib=False, ancres=True),  # its deliberation's page: its address
    }
    faites.clear()
    gardees = Lignes()
    with gardees.gardees():
        commune = gardees(wancourt, "../../", show_commune=False)
        annee = gardees(wancourt + autres, "../../../")
        assert len(faites) == 22  # its row without and with the commune, and the other 20 grants' rows
        dispositif = gardees(autres[::-1] + wancourt, "../../")
        assert len(faites) == 22  # every row kept
        delib = gardees(wancourt, "../../", show_delib=False, ancres=True)
        assert len(faites) == 23  # (made, not kept: a grant's address is on one page)
    assert {"commune": commune, "annee": annee, "dispositif": dispositif, "delib": delib} == regle
    assert '<a href="../../../communes/wancourt/">Wancourt</a>' in annee and 'href="../../communes/' not in commune
    assert annee.count('href="../../../deliberations/') == 21 and 'href="../../deliberations/' not in annee
    assert annee.count('href="../../../beneficiaires/') == 20 and annee.count('href="../../../originaux/r.pdf#page=12"') == 20
    assert '<a href="../../communes/wancourt/">Wancourt</a>' in dispositif and "../../../" not in dispositif
    assert delib.startswith(f'<tr id="{wancourt[0].id}">')
    assert gardees._faites is None and not gardees._tenues  # forgotten when the pages are written


def test_no_row_is_kept_from_a_build_to_the_next(vues, tmp_path):
    """A grant changed in place (the same object, the same id) between two `write_pages` calls with the
    same environment: the second shows it as it is. Rows are kept only while one call writes its pages,
    records being frozen then (`records.corpus`); outside it, every table is made again."""
    s = dataclasses.replace(vues[0], objet="Fête du village")
    env = environment()
    gabarit = "---\n{{ front_matter }}\n---\n{{ lignes_subventions(subs, root) }}"
    env.loader = jinja2.ChoiceLoader([jinja2.DictLoader({"t.md.j2": gabarit}), cast(jinja2.BaseLoader, env.loader)])
    pages = [
        Page("communes/x/index.md", "t.md.j2", "X", context={"subs": [s]}),
        Page("epci/y/2021/index.md", "t.md.j2", "Y", context={"subs": [s]}),
    ]
    write_pages(pages, tmp_path, env)
    x, y = ((tmp_path / p.path).read_text(encoding="utf-8") for p in pages)
    assert "Fête du village" in x and '"../../deliberations/' in x and '"../../../deliberations/' in y
    s.objet = "Fête de la musique"  # (never during a build: only between two)
    write_pages(pages, tmp_path, env)
    x, y = ((tmp_path / p.path).read_text(encoding="utf-8") for p in pages)
    assert "Fête de la musique" in x and "Fête de la musique" in y and "village" not in x + y
    lignes_env = env.globals["lignes_subventions"]
    assert isinstance(lignes_env, Lignes) and lignes_env._faites is None  # (nothing kept between two builds)
    assert lignes_env([s], "../") == lignes([s], "../")  # outside a build: made again

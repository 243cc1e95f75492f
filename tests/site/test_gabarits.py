"""The copies of Material's templates in overrides/ stay Material's (mkdocs-material as pinned in
requirements.lock) but for the lines changed on purpose, so that an upgrade of Material is noticed
here rather than by a page that silently keeps an old template."""

from __future__ import annotations

import difflib
import re
from pathlib import Path

import material

ROOT = Path(__file__).resolve().parents[2]
MATERIAL = Path(material.__file__).parent / "templates"


def _changees(nom: str) -> list[str]:
    """The lines of Material's template changed in our copy (the copy's opening comment left out)."""
    ours = re.sub(r"\A\{#-.*?-#\}\n", "", (ROOT / "overrides" / nom).read_text("utf-8"), flags=re.S)
    theirs = re.sub(r"\A\{#-.*?-#\}\n", "", (MATERIAL / nom).read_text("utf-8"), flags=re.S)
    return [
        l
        for l in difflib.unified_diff(theirs.splitlines(), ours.splitlines(), lineterm="", n=0)
        if l[:1] in "+-" and l[:3] not in ("+++", "---")
    ]


def test_base_html_is_material_s_but_its_two_check_boxes_a_hidden_toc_and_an_unread_configuration():
    changees = _changees("base.html")
    assert changees[:6] == [
        '-    <input class="md-toggle" data-md-toggle="drawer" type="checkbox" id="__drawer" autocomplete="off">',
        '-    <input class="md-toggle" data-md-toggle="search" type="checkbox" id="__search" autocomplete="off">',
        '+    <input class="md-toggle" data-md-toggle="drawer" type="checkbox" id="__drawer">',
        '+    <input class="md-toggle" data-md-toggle="search" type="checkbox" id="__search">',
        '-            {% if "toc.integrate" not in features %}',
        '+            {% if "toc.integrate" not in features and not (page.meta and page.meta.hide and "toc" in page.meta.hide) %}',
    ]
    # the configuration: the copy button's messages and nothing after them (search, versions, tags, annotations)
    assert changees[6] == '-            "clipboard.copied": lang.t("clipboard.copied"),'
    assert all(l.startswith("-") for l in changees[6:-2]) and len(changees) == 22
    assert changees[-2:] == ['+            "clipboard.copied": lang.t("clipboard.copied")', "+          }"]


def test_nav_item_is_material_s_but_its_empty_tabindex():
    changees = _changees("partials/nav-item.html")
    assert len(changees) == 4
    assert all('tabindex="{{ tabindex }}"' in l for l in changees)
    assert all("{% if tabindex %}" in l for l in changees if l.startswith("+"))


def test_the_deferred_bundle_is_material_s():
    """overrides/main.html loads Material's script bundle (deferred) by its file name: the one of this Material."""
    bundle = re.search(r"assets/javascripts/bundle\.[0-9a-f]+\.min\.js", (MATERIAL / "base.html").read_text("utf-8")).group(0)
    assert f"'{bundle}' | url }}}}\" defer></script>" in (ROOT / "overrides" / "main.html").read_text("utf-8")


def test_a_title_with_quotes_stays_one_attribute():
    """The plugin's shared shell (generator/mkdocs_plugin.py) fills og:title with the title's double
    quotes escaped, the <title> with the title as the build wrote it, and the description as it is."""
    from types import SimpleNamespace

    from generator import mkdocs_plugin as mp

    coquille = f'<title>{mp._MT}</title><meta property="og:title" content="{mp._MTA}"><meta name="description" content="{mp._MD}">{mp._MC}'
    page = SimpleNamespace(meta={"title": 'Le « Club " des 5 » &amp; Cie', "description": "Un &quot;club&quot;"}, canonical_url=None)
    html = mp._remplir(coquille, page, "<p>x</p>")
    assert html == (
        '<title>Le « Club " des 5 » &amp; Cie</title><meta property="og:title" content="Le « Club &quot; des 5 » &amp; Cie">'
        '<meta name="description" content="Un &quot;club&quot;"><p>x</p>'
    )


def _script_de_material(nom: str) -> str:
    """The one inline script of Material's partial `nom`."""
    return re.search(r"<script>(.*)</script>", (MATERIAL / "partials" / "javascripts" / nom).read_text("utf-8"), re.S).group(1)


def _script_du_site(nom: str) -> str:
    """content/assets/`nom` without its opening comment."""
    return re.sub(r"\A/\*.*?\*/\n", "", (ROOT / "content" / "assets" / nom).read_text("utf-8"), flags=re.S).strip()


def test_the_palette_script_read_from_a_file_is_material_s():
    """assets/rpc-palette.js, loaded where Material writes its palette script (overrides/partials/header.html)."""
    assert _script_du_site("rpc-palette.js") == _script_de_material("palette.html")
    header = (ROOT / "overrides" / "partials" / "header.html").read_text("utf-8")
    assert "<script src=\"{{ 'assets/rpc-palette.js' | url }}\"></script>" in header


def test_the_scope_script_read_from_a_file_is_material_s_but_where_it_finds_the_site():
    """assets/rpc-portee.js: Material's partials/javascripts/base.html, the site's root found from the script's own
    address (assets/ is one folder below it) instead of the page's relative path to it."""
    materiel = _script_de_material("base.html")
    assert 'new URL("{{ config.extra.scope | d(base_url) }}",location)' in materiel
    assert _script_du_site("rpc-portee.js") == materiel.replace(
        'new URL("{{ config.extra.scope | d(base_url) }}",location)', 'new URL("..",document.currentScript.src)'
    )

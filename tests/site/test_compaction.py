"""Pages without their templates' indentation (generator/site/minification.py `compacter_html`, applied by
the MkDocs plugin to every page): only white space that renders the same goes, the page's text is kept."""

from __future__ import annotations

import json

from generator.site.minification import compacter_html

PAGE = (
    "<!doctype html>\n<html>\n  <head>\n    \n      <title>T</title>\n"
    '    <script>\n      var a = "x\n        y";\n    </script>\n'
    "    <style>\n      p { color: red }\n    </style>\n  </head>\n  <body>\n"
    '    <input id="q"\n           role="combobox" title="deux\n    lignes">\n'
    "    <pre>\n  garde\n    ceci</pre>\n    <textarea>\n  et ceci</textarea>\n"
    "    <p>un\u00a0\n   deux <code>a\n    b</code> <KBD>c\n   d</KBD></p>\n"
    '    <article class="md-content__inner">\n      \n<div id="contenu" tabindex="-1"></div>\n\n   \n      <p>texte\n        intact</p>\n\n  \n    </article>\n'
    "    <footer>\n      Licence\n      Ouverte\n    </footer>\n  </body>\n</html>\n"
)


def test_indentation_goes_outside_the_article_and_at_its_edges_and_what_keeps_white_space():
    out = compacter_html(PAGE)
    assert out == (
        "<!doctype html>\n<html>\n<head>\n<title>T</title>\n"
        '<script>\n      var a = "x\n        y";\n    </script>\n'
        "<style>\n      p { color: red }\n    </style>\n</head>\n<body>\n"
        '<input id="q"\nrole="combobox" title="deux\n    lignes">\n'
        "<pre>\n  garde\n    ceci</pre>\n<textarea>\n  et ceci</textarea>\n"
        "<p>un\u00a0\ndeux <code>a\n    b</code> <KBD>c\n   d</KBD></p>\n"
        '<article class="md-content__inner">\n<div id="contenu" tabindex="-1"></div>\n<p>texte\n        intact</p>\n</article>\n'
        "<footer>\nLicence\nOuverte\n</footer>\n</body>\n</html>\n"
    )
    assert compacter_html(out) == out  # a second pass changes nothing
    assert compacter_html("<p>\n    sans article\n</p>") == "<p>\nsans article\n</p>"


LOUPE = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><path d="M9.5 3A6.5 6.5 0 0 1 16 9.5"/></svg>'
LOGO = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><path d="M12 8a3 3 0 0 0 3-3"/></svg>'
MENU = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><path d="M3 6h18v2H3z"/></svg>'


def test_an_icon_drawn_twice_is_drawn_again_from_the_first():
    """The header's logo and magnifier, drawn again in the drawer and the search button: the second time from the
    first one's path (`<use>`), named in their order; an icon drawn once, or inside the article, is left as it is."""
    page = f"<header>{LOGO}{MENU}<a>{LOUPE}</a><button>{LOUPE}</button></header><nav>{LOGO}</nav><article>{MENU}{MENU}</article>"
    out = compacter_html(page)
    assert out == (
        '<header><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><path id="rpc-icone-1" d="M12 8a3 3 0 0 0 3-3"/></svg>'
        f"{MENU}"
        '<a><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><path id="rpc-icone-2" d="M9.5 3A6.5 6.5 0 0 1 16 9.5"/></svg></a>'
        '<button><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><use href="#rpc-icone-2"/></svg></button></header>'
        '<nav><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><use href="#rpc-icone-1"/></svg></nav>'
        f"<article>{MENU}{MENU}</article>"
    )
    assert compacter_html(out) == out
    assert compacter_html(f"<p>{LOGO}</p>") == f"<p>{LOGO}</p>"


def test_built_pages_are_compact_and_keep_their_text(site):
    """The real corpus's pages (the plugin ran): no indented line outside the article, scripts as
    Material writes them, and the text of a deliberation (apostrophes as one byte) in its article."""
    page = (site / "deliberations" / "2021-243" / "index.html").read_text("utf-8")
    debut, fin = page.index("<article"), page.rindex("</article>")
    chrome = page[:debut] + page[fin:]
    assert compacter_html(page) == page
    assert "\n " not in chrome.replace("<script", "\x00").split("\x00")[0]  # the head, up to its first script
    assert page.count("\n") < 2 * page[debut:fin].count("\n")  # most lines are the article's
    assert "<p>D'attribuer dans le cadre du FARDA Aménagement 2021, une subvention" in page[debut:fin]
    assert "le cas échéant : - D'attribuer dans le cadre du FARDA 2021 un montant total de 5 450 715,82\n<p>€ de" in page
    assert "D&#39;attribuer" not in page
    notfound = (site / "404.html").read_text("utf-8")
    assert "\n  " not in notfound.split("<script")[0] and compacter_html(notfound) == notfound


def test_built_pages_leave_out_only_the_chrome_nothing_uses(site):
    """A generated page's chrome without what nothing reads (overrides/main.html, partials/javascripts/content.html):
    no hidden table of contents, no content-tab script, Material's configuration without its search's and versions'
    messages; but the drawer, the palette, the back-to-top button, both icons drawn from the header's, and a page
    that does not hide its table of contents (À propos) keeps it."""
    page = (site / "deliberations" / "2021-243" / "index.html").read_text("utf-8")
    assert "md-sidebar--secondary" not in page and "__tabbed_" not in page
    config = json.loads(page.split('<script id="__config" type="application/json">', 1)[1].split("</script>", 1)[0])
    assert config == {
        "base": "../..",
        "features": ["navigation.tabs", "navigation.top", "content.tooltips"],
        "translations": {"clipboard.copy": "Copier dans le presse-papier", "clipboard.copied": "Copié dans le presse-papier"},
    }
    for garde in (
        'id="__drawer"',
        'class="md-sidebar md-sidebar--primary"',
        'class="md-nav md-nav--primary md-nav--lifted"',
        'data-md-component="palette"',
        'data-md-component="top"',
        'for="__nav_2"',
    ):
        assert garde in page, garde
    assert page.count('<use href="#rpc-icone-1"/>') == page.count('<use href="#rpc-icone-2"/>') == 1
    apropos = (site / "a-propos" / "index.html").read_text("utf-8")
    assert '<div class="md-sidebar md-sidebar--secondary" data-md-component="sidebar" data-md-type="toc" >' in apropos
    assert '<nav class="md-nav md-nav--secondary" aria-label="Table des matières">' in apropos

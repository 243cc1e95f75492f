"""Pages without their templates' indentation (generator/site/minification.py `compacter_html`, applied by
the MkDocs plugin to every page): only white space that renders the same goes, the page's text is kept."""

from __future__ import annotations

from generator.site.minification import compacter_html

PAGE = (
    "<!doctype html>\n<html>\n  <head>\n    \n      <title>T</title>\n"
    '    <script>\n      var a = "x\n        y";\n    </script>\n'
    "    <style>\n      p { color: red }\n    </style>\n  </head>\n  <body>\n"
    '    <input id="q"\n           role="combobox" title="deux\n    lignes">\n'
    "    <pre>\n  garde\n    ceci</pre>\n    <textarea>\n  et ceci</textarea>\n"
    "    <p>un\u00a0\n   deux <code>a\n    b</code> <KBD>c\n   d</KBD></p>\n"
    '    <article class="md-content__inner">\n      <p>texte\n        intact</p>\n    </article>\n'
    "    <footer>\n      Licence\n      Ouverte\n    </footer>\n  </body>\n</html>\n"
)


def test_indentation_goes_outside_the_article_and_what_keeps_white_space():
    out = compacter_html(PAGE)
    assert out == (
        "<!doctype html>\n<html>\n<head>\n<title>T</title>\n"
        '<script>\n      var a = "x\n        y";\n    </script>\n'
        "<style>\n      p { color: red }\n    </style>\n</head>\n<body>\n"
        '<input id="q"\nrole="combobox" title="deux\n    lignes">\n'
        "<pre>\n  garde\n    ceci</pre>\n<textarea>\n  et ceci</textarea>\n"
        "<p>un\u00a0\ndeux <code>a\n    b</code> <KBD>c\n   d</KBD></p>\n"
        '<article class="md-content__inner">\n      <p>texte\n        intact</p>\n    </article>\n'
        "<footer>\nLicence\nOuverte\n</footer>\n</body>\n</html>\n"
    )
    assert compacter_html(out) == out  # a second pass changes nothing
    assert compacter_html("<p>\n    sans article\n</p>") == "<p>\nsans article\n</p>"


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

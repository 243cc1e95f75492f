"""The site's own scripts and style sheets, minified in the built site (content/assets/ keeps them
readable): comments and spaces removed by rjsmin and rcssmin, which change no token, so that a
browser runs and applies exactly what the readable files say. Deterministic (same bytes in, same
bytes out). Material's files are minified already; the search's vendored files are left as they are.

Pages lose the indentation of their templates (`compacter_html`, called by the MkDocs plugin on
every page it writes): some 5 KB of Material's 20 KB of chrome around each page's text; and an icon the
chrome draws twice (the logo, in the header and the drawer; the magnifier of the search link and button)
is drawn the second time from the first one's path (`<use>`): some 500 bytes a page.
"""

from __future__ import annotations

import re
from pathlib import Path

import rcssmin
import rjsmin

# where white space is not collapsed (`pre`, `textarea`; Material styles `code` and `kbd` `pre-wrap`) or is
# not text (`script`, `style`); then, in what is left, an attribute's quoted value holding a line break:
# left as they are. (Two passes: one regular expression with both alternatives takes three times as long.)
_ELEMENTS = re.compile(r"(<(?:pre|textarea|script|style|code|kbd)\b.*?</(?:pre|textarea|script|style|code|kbd)\s*>)", re.S | re.I)
_VALEURS = re.compile(r"(=[ ]*\"[^\"]*\n[^\"]*\"|=[ ]*'[^']*\n[^']*')")
_RETRAIT = re.compile(r"\n[ \t\r\n\f]+")  # HTML's white space only: a no-break space is text
# an icon as Material writes it (`.icons/…/*.svg`: one path); and the edges of an article, where its templates
# (Material's partials/content.html, overrides/main.html) leave blank lines around the page's own HTML
_ICONE = re.compile(r'<svg xmlns="http://www.w3.org/2000/svg" viewBox="([^"<>]*)"><path d="([^"<>]*)"/></svg>')
_BORD_ARTICLE = re.compile(r'<article\b[^>]*>(?:[ \t\r\n\f]+|<div id="contenu"[^>]*></div>)*')
_BLANCS = " \t\r\n\f"  # HTML's white space


def minifier_texte(texte: str, suffixe: str) -> str:
    """`texte` of a `.js` or `.css` file, minified (a final newline kept)."""
    if suffixe == ".js":
        js: str = rjsmin.jsmin(texte, keep_bang_comments=False)  # (rjsmin and rcssmin ship no types)
        return js.strip() + "\n"
    if suffixe == ".css":
        css: str = rcssmin.cssmin(texte, keep_bang_comments=False)
        return css.strip() + "\n"
    raise ValueError(f"ni .js ni .css : {suffixe}")


def minifier(site: Path, chemins: list[str]) -> list[Path]:
    """Minify in place the site's files at `chemins` (relative to `site`; `build.mkdocs_build` gives those
    of content/assets/, once MkDocs has copied them); those absent or that are not .js/.css are left.
    Returns those minified."""
    faits = []
    for chemin in chemins:
        f = Path(site) / chemin
        if f.suffix not in (".js", ".css") or not f.is_file() or "://" in chemin:
            continue
        texte = f.read_text(encoding="utf-8")
        court = minifier_texte(texte, f.suffix)
        if court != texte:
            tmp = f.with_name(f.name + ".min-tmp")
            tmp.write_text(court, encoding="utf-8")
            tmp.replace(f)  # a new file: never writes through a hard link into content/
        faits.append(f)
    return faits


def compacter_html(page: str) -> str:
    """`page` without the indentation and blank lines of its templates outside its `<article>` and at the
    article's edges: each run of white space holding a line break becomes one line break, which renders the
    same where white space collapses (everywhere but `_ELEMENTS` and `_VALEURS`); its icons drawn twice,
    the second time from the first (`_icones_partagees`). The article (the page's own HTML, written lean by
    the generator) is left as it is but for its edges: scanning the chrome alone costs a third of the whole
    page's time. Deterministic, and a second pass changes nothing; a page without an article is compacted whole."""
    debut, fin = page.find("<article"), page.rfind("</article>")
    if debut == -1 or fin < debut:
        return _icones_partagees(_compacter(page))
    tete = _BORD_ARTICLE.match(page, debut)
    milieu = tete.end() if tete else debut
    bout = fin  # the article's trailing white space, found from its end (a regular expression would scan it whole)
    while bout > milieu and page[bout - 1] in _BLANCS:
        bout -= 1
    return _icones_partagees(_compacter(page[:milieu])) + page[milieu:bout] + _compacter(page[bout:])


def _icones_partagees(html: str) -> str:
    """`html` where each icon written more than once (same box, same path) is written whole the first time, its
    path named (`rpc-icone-N`, in order), and drawn again from it the next times (`<use href>`): the same
    pixels, in the same color (the copy inherits the `fill` of the `<svg>` that uses it)."""
    vues = [m.group(0) for m in _ICONE.finditer(html)]
    doubles = {v: f"rpc-icone-{i}" for i, v in enumerate(dict.fromkeys(v for v in vues if vues.count(v) > 1), 1)}
    if not doubles:
        return html
    ecrites: set[str] = set()

    def ecrire(m: re.Match[str]) -> str:
        nom = doubles.get(m.group(0))
        if nom is None:
            return m.group(0)
        if nom in ecrites:
            return f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{m.group(1)}"><use href="#{nom}"/></svg>'
        ecrites.add(nom)
        return f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{m.group(1)}"><path id="{nom}" d="{m.group(2)}"/></svg>'

    return _ICONE.sub(ecrire, html)


def _compacter(html: str) -> str:
    morceaux = _ELEMENTS.split(html)  # outside, kept, outside, kept…, outside
    morceaux[::2] = [_hors_valeurs(m) for m in morceaux[::2]]
    return "".join(morceaux)


def _hors_valeurs(html: str) -> str:
    morceaux = _VALEURS.split(html)
    morceaux[::2] = [_RETRAIT.sub("\n", m) for m in morceaux[::2]]
    return "".join(morceaux)

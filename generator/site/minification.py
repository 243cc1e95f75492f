"""The site's own scripts and style sheets, minified in the built site (content/assets/ keeps them
readable): comments and spaces removed by rjsmin and rcssmin, which change no token, so that a
browser runs and applies exactly what the readable files say. Deterministic (same bytes in, same
bytes out). Material's files are minified already; the search's vendored files are left as they are.
"""

from __future__ import annotations

from pathlib import Path

import rcssmin
import rjsmin


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

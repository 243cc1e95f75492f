"""Stage 9: `mkdocs build`, without redoing for every generated page what is the same for all.

Why: ten years of recueils make some 12 000 generated pages. For each one MkDocs runs
Python-Markdown over a page that is one raw HTML block (which Markdown passes through
unchanged), renders Material's template and its navigation (the same for every page
at the same place in the tree), and keeps the page's HTML in memory until the end.
Measured on two synthetic years, that is 37 ms a page (`make bench`). Here, for the
generated pages only (Markdown that is exactly one `<div class="rpc-page …">…</div>`
block, front matter holding only a title, not in the navigation):

1. the page's HTML is the block itself: Python-Markdown is not run;
2. Material's template is rendered once per *shell* — pages whose relative links
   resolve alike (same `base_url`, same links to the navigation) — with markers for
   the title, the content and the canonical address, then filled by string
   replacement. The first page of each shell is also rendered the normal way and
   compared: any difference turns the shortcut off for that shell;
3. without Material's search plugin (which reads every page's HTML), a page's HTML
   is not kept in memory: it is read again from content/ when the page is written;
4. the data files of content/donnees/ (written by a rename, never in place) are
   hard-linked into the site instead of copied;
5. with `--sans-fichiers-recherche`, the search's index files (content/recherche/, not its
   page) are left out: the build computes them while MkDocs runs and links them in after.

Everything else is MkDocs itself (config, nav, theme, static files, sitemap, 404).
The output is byte-identical to `mkdocs build` (tests/test_echelle.py builds both).
`RPC_MKDOCS_NORMAL=1` runs plain MkDocs. Run as `python -m generator.mkdocs_rapide
--site-dir DIR` from the project root (generator.build does).
"""
from __future__ import annotations

import argparse
import contextlib
import logging
import os
import sys
from pathlib import Path

from mkdocs.plugins import BasePlugin

_DEBUT = '<div class="rpc-page'
_MT, _MC, _MU = ('RPC\x1f<b>"T&amp;\'\x1f', 'RPC\x1f<b>"C&amp;\'\x1f', 'RPC\x1f<b>"U&amp;\'\x1f')  # markers: raw output only
_STUB = "<!-- rpc: contenu relu au moment d'écrire la page -->"
log = logging.getLogger("mkdocs.rpc")


def brut(markdown: str) -> str | None:
    """The page's HTML when its Markdown is one raw `rpc-page` block, else None."""
    s = markdown.strip()
    if s.startswith(_DEBUT) and s.endswith("</div>"):
        return s
    return None


def rapide(meta: dict, markdown: str) -> str | None:
    """The HTML of a page that can skip Python-Markdown: front matter of a generated page
    (title, and the sidebars it hides) and one raw block; None otherwise."""
    return brut(markdown or "") if set(meta) <= {"title", "hide"} else None


class _Gabarit:
    """Stands for Material's `main.html`: generated pages are filled into a cached shell."""

    def __init__(self, reel, plugin: "Rapide"):
        self.reel = reel
        self.plugin = plugin
        self.coquilles: dict[tuple, str | None] = {}

    def __getattr__(self, name):
        return getattr(self.reel, name)

    def render(self, context) -> str:
        page = context.get("page")
        p = self.plugin
        if page is None or not getattr(page, "_rpc_genere", False) or id(page) in p.nav_pages:
            return self.reel.render(context)
        html = page.content if p.garde_contenu else p.relire(page)
        from mkdocs.utils import get_relative_url

        key = (context["base_url"], tuple(get_relative_url(u, page.url) for u in p.nav_urls),
               "<h1" in html, page.canonical_url is not None, tuple(page.meta.get("hide") or ()))
        if key not in self.coquilles:
            self.coquilles[key] = self._coquille(context, page, html)
        shell = self.coquilles[key]
        if shell is None:
            return self._normal(context, page, html)
        return self._remplir(shell, page, html)

    def _normal(self, context, page, html: str) -> str:
        saved = page.content
        page.content = html
        try:
            return self.reel.render(context)
        finally:
            page.content = saved

    def _remplir(self, shell: str, page, html: str) -> str:
        out = shell.replace(_MT, page.meta["title"])
        if page.canonical_url is not None:
            out = out.replace(_MU, page.canonical_url)
        return out.replace(_MC, html)

    def _coquille(self, context, page, html: str) -> str | None:
        """The shell of this page's key (markers in place of title, content, address), checked
        against the normal rendering of the page itself; None when they differ."""
        saved = (page.meta, page.content, page.canonical_url)
        page.meta = {**saved[0], "title": _MT}  # `hide` (sidebars) is part of the shell's key
        page.content = _MC + ("<h1" if "<h1" in html else "")
        if page.canonical_url is not None:
            page.canonical_url = _MU
        try:
            shell = self.reel.render(context)
        finally:
            page.meta, page.content, page.canonical_url = saved
        shell = shell.replace(_MC + "<h1", _MC)
        expected = self._normal(context, page, html)
        markers = shell.count(_MT) + shell.count(_MC) + shell.count(_MU)
        if shell.count("RPC\x1f") != markers or shell.count(_MC) != 1 or self._remplir(shell, page, html) != expected:
            log.warning(f"rpc: gabarit rapide écarté pour {page.url} (rendu différent) : rendu normal pour ses semblables")
            return None
        return shell


class Rapide(BasePlugin):
    """The MkDocs events of the shortcuts (see the module's docstring)."""

    def __init__(self, sans_fichiers_recherche: bool = False):
        super().__init__()
        self.sans_fichiers_recherche = sans_fichiers_recherche
        self.garde_contenu = True
        self.nav_urls: list[str] = []
        self.nav_pages: set = set()
        self.gabarit: _Gabarit | None = None

    def on_config(self, config):
        self.garde_contenu = any(name.split("/")[-1] == "search" for name in config.plugins)
        return config

    def on_files(self, files, config):
        if self.sans_fichiers_recherche:
            for f in [f for f in files if f.src_uri.startswith("recherche/") and not f.is_documentation_page()]:
                files.remove(f)
        return files

    def on_nav(self, nav, config, files):
        self.nav_pages = {id(p) for p in nav.pages}  # pages compare by URL and are unhashable
        self.nav_urls = sorted({p.url for p in nav.pages})
        return nav

    def on_page_content(self, html, page, config, files):
        if getattr(page, "_rpc_genere", False) and not self.garde_contenu and id(page) not in self.nav_pages:
            return _STUB
        return html

    def on_env(self, env, config, files):
        real = env.get_template

        def get_template(name, *args, **kwargs):
            t = real(name, *args, **kwargs)
            if name != "main.html" or args or kwargs:  # `{% extends %}` passes its parent: the real template
                return t
            if self.gabarit is None or self.gabarit.reel is not t:
                self.gabarit = _Gabarit(t, self)
            return self.gabarit

        env.get_template = get_template
        return env

    def relire(self, page) -> str:
        from mkdocs.utils import meta

        body, _ = meta.get_data(Path(page.file.abs_src_path).read_text(encoding="utf-8-sig"))
        return brut(body) or ""


@contextlib.contextmanager
def _raccourcis(docs_dir: Path):
    """Page.render skips Markdown for raw generated pages; data files are hard-linked."""
    from mkdocs.structure import files as mk_files
    from mkdocs.structure import pages as mk_pages
    from mkdocs.structure.toc import get_toc

    render, copy_file = mk_pages.Page.render, mk_files.File.copy_file
    lies = [(docs_dir / d).resolve() for d in ("donnees", "originaux")]  # large files: hard-linked, not copied

    def fast_render(self, config, files):
        html = rapide(self.meta, self.markdown)
        if html is None:
            return render(self, config, files)
        self._rpc_genere = True
        self.content = html
        self.toc = get_toc([])
        self._title_from_render = None
        self.present_anchor_ids = set()
        self.links_to_anchors = {}
        self.markdown = ""  # not kept: the title comes from the front matter

    def link_or_copy(self, dirty: bool = False):
        src = self.abs_src_path
        if self._content is None and src and any(Path(src).resolve().is_relative_to(d) for d in lies) and not dirty:
            os.makedirs(os.path.dirname(self.abs_dest_path), exist_ok=True)
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self.abs_dest_path)
            try:
                os.link(src, self.abs_dest_path)
                return
            except OSError:
                pass  # another file system: copy
        copy_file(self, dirty)

    mk_pages.Page.render, mk_files.File.copy_file = fast_render, link_or_copy
    try:
        yield
    finally:
        mk_pages.Page.render, mk_files.File.copy_file = render, copy_file


def build(config_file: Path, site_dir: Path, normal: bool = False, sans_fichiers_recherche: bool = False) -> None:
    from mkdocs.commands import build as mk_build
    from mkdocs.config import load_config

    logging.getLogger("mkdocs").setLevel(logging.ERROR)  # as `mkdocs build --quiet`
    cfg = load_config(config_file=str(config_file), site_dir=str(site_dir))
    if normal:
        cfg.plugins.on_startup(command="build", dirty=False)
        try:
            mk_build.build(cfg, dirty=False)
        finally:
            cfg.plugins.on_shutdown()
        return
    cfg.plugins["rpc-rapide"] = Rapide(sans_fichiers_recherche)
    cfg.plugins.on_startup(command="build", dirty=False)
    try:
        with _raccourcis(Path(cfg.docs_dir)):
            mk_build.build(cfg, dirty=False)
    finally:
        cfg.plugins.on_shutdown()


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m generator.mkdocs_rapide")
    p.add_argument("--config-file", type=Path, default=Path("mkdocs.yml"))
    p.add_argument("--site-dir", type=Path, required=True)
    p.add_argument("--normal", action="store_true", help="MkDocs sans raccourcis (comparaison)")
    p.add_argument("--sans-fichiers-recherche", action="store_true", help="sans les fichiers d'index de content/recherche/")
    a = p.parse_args(argv)
    build(a.config_file, a.site_dir, normal=a.normal or bool(os.environ.get("RPC_MKDOCS_NORMAL")),
          sans_fichiers_recherche=a.sans_fichiers_recherche)
    return 0


if __name__ == "__main__":
    sys.exit(main())

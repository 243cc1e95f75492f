"""Stage 9: `mkdocs build` with the `rpc-rapide` plugin, which spares MkDocs what is the same for
every generated page.

Why: ten years of recueils make some 12 000 generated pages. For each one MkDocs runs
Python-Markdown over a page that is one raw HTML block (which Markdown passes through
unchanged), renders Material's template and its navigation (the same for every page
at the same place in the tree), and keeps the page's HTML in memory until the end.
Measured on two synthetic years, that is 37 ms a page (`make bench`).

The plugin (`Rapide`, entry point `rpc-rapide` of the `mkdocs.plugins` group in pyproject.toml,
listed in mkdocs.yml; Zensical ignores the plugins it does not know) uses MkDocs' public events
only. For the generated pages (Markdown that is exactly one `<div class="rpc-page …">…</div>`
block, front matter holding only a title, a description, the sidebars it hides, its `robots` and its feed):

1. the page's HTML is the block itself (what Markdown would make of it): Python-Markdown is not
   run. `on_pre_page` gives the pages outside the navigation (all but a dozen) as `PageGeneree`,
   a `Page` whose `render` does not call Markdown for such a block; the pages of the navigation
   (held by MkDocs' `Navigation`, so not replaced) get an empty text from `on_page_markdown` and
   their block back from `on_page_content` (setting Markdown up for an empty text is 0.18 ms a
   page, 2 s for ten years if every page went that way);
2. for those not in the navigation, Material's template is rendered once per *shell* — pages
   whose relative links resolve alike (same `base_url`, same links to the navigation) — with
   markers for the title (as text and, double quotes escaped, in an attribute), the description, the feed's
   title and path, the content and the canonical address (`on_page_context`), then
   filled by string replacement (`on_post_page`); MkDocs itself renders for them a template of
   the plugin that writes nothing (`template` in the page's metadata, which MkDocs reads). The
   first two pages of each shell are also rendered the normal way and compared: a difference
   stops the build (`RPC_MKDOCS_NORMAL=1`, or the option `raccourcis: false`, builds without
   the shortcuts);
3. when no other plugin is configured (one could read every page's HTML, as Material's search
   does), a page's HTML is not kept in memory: it is read again from content/ when the page is
   written;
4. `on_files`: the data files of content/donnees/ and content/originaux/ and the feeds of content/flux/
   (written by a rename, never in place) become files that hard-link themselves into the site instead of
   being copied (the feeds: a thousand copies at every build, and a feed that keeps its file is not parsed
   again by the verification, `generator.publication.verification`);
5. option `sans_fichiers_recherche` (`--sans-fichiers-recherche`): the search's index files
   (content/recherche/, not its page) are left out: the build computes them while MkDocs runs
   and links them in after;
6. every HTML page it writes (`on_post_page`, and 404.html in `on_post_template`), shortcuts or
   not, loses the indentation of Material's templates outside its article
   (`generator.site.minification.compacter_html`): some 5 KB a page;
7. option `precedent` (`--precedent DIR`, the published version): a generated page whose key is the
   one the previous version's verification record gives it (`pages`: address → `Connue`) is not
   built: a page whose Markdown file is still the recorded one leaves MkDocs' list of files as soon as
   MkDocs has made the navigation, before it reads any page (`on_nav`, `Rapide._prendre`: made ready
   from the record, it still resolves as a link's target); before MkDocs builds any page (`on_env`,
   `Rapide._reprendre`) its previous file (when its key is the same and the file still has the recorded
   bytes) is hard-linked, or the page goes back to the list for MkDocs to build. MkDocs spends on a
   linked page neither reading, template context, template nor events (the templates' `pages`, the
   sitemap's list, is given back whole: `on_page_context`, `on_template_context`); a page found
   unchanged only later is linked by `on_post_page`, which
   returns an empty output that MkDocs does not write. The key (`Rapide._cle`)
   is the digest of the page's front matter and HTML block, its address and canonical address, its
   shell's text (Material's whole page but the page's own values: it changes with anything global,
   mkdocs.yml, the nav, the theme, MkDocs' and Material's versions) and the code that fills and
   compacts it; a month added rewrites the few hundred pages it changes, not ten thousand. A page's
   Markdown file that is still the one recorded (same inode, size and modification time: the build
   replaces a page's file by a rename when its text changes, `generator.site.render.write_pages`) is
   not read again: its front matter and digest are the record's (`PageGeneree.read_source`); the
   previous version's HTML file likewise (otherwise its bytes are hashed and compared). Option
   `empreintes` (`--empreintes FILE`): where the build writes every generated page's record for the
   next one (`generator.build` puts it in the version's record once verified).

Everything else is MkDocs itself (config, nav, theme, static files, sitemap, 404).
The output is byte-identical to `mkdocs build` without the plugin, its HTML pages passed through
`compacter_html` (tests/test_echelle.py builds both). Run as `python -m generator.mkdocs_plugin
--site-dir DIR` from the project root (generator.build does): `mkdocs build --quiet`, with the
plugin's options from the command line, and an error if mkdocs.yml does not list the plugin.
"""

from __future__ import annotations

import argparse
import errno
import functools
import hashlib
import importlib.metadata
import json
import logging
import os
import shutil
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path, PurePath
from typing import Any, cast

import jinja2
import mkdocs
from mkdocs import utils as mk_utils
from mkdocs.commands import build as mk_build
from mkdocs.config import base, config_options, load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc
from mkdocs.utils import get_relative_url
from mkdocs.utils.meta import YAML_RE

from generator.commun import code, gabarits, memoire, store
from generator.publication.transaction import lire_pages
from generator.site.minification import compacter_html

NOM = "rpc-rapide"  # the entry point's name (pyproject.toml), as mkdocs.yml lists it
_DEBUT = '<div class="rpc-page'
_MT, _MC, _MU = ("RPC\x1f<b>\"T&amp;'\x1f", "RPC\x1f<b>\"C&amp;'\x1f", "RPC\x1f<b>\"U&amp;'\x1f")  # markers: raw output only
_MD = "RPC\x1f<b>\"D&amp;'\x1f"  # the description (raw: the build escapes it for an attribute)
_MF = "RPC\x1f<b>\"F&amp;'\x1f"  # the title of the page's own feed (raw: the build escapes it for an attribute)
_MFC = "RPC\x1fF"  # its path from the site's root, which Material's `url` filter makes relative to the page (same for a shell)
_MTA = _MT.replace('"', "&quot;")  # the title in an attribute (overrides/main.html escapes its double quotes)
_META = frozenset({"title", "hide", "description", "robots", "flux"})  # a generated page's front matter
_STUB = "<!-- rpc: contenu relu au moment d'écrire la page -->"
_GABARIT = "rpc-rapide/page-generee.html"  # renders nothing: on_post_page gives the filled shell
_VERIFIEES = 2  # pages of each shell also rendered the normal way and compared
_LIES = ("donnees", "originaux", "flux")  # files of content/ replaced by a rename, never in place: hard-linked, not copied
_AUTRE_SYSTEME = {errno.EXDEV, errno.EPERM, errno.EMLINK, errno.ENOTSUP}  # no hard link there: copied


class ErreurRapide(RuntimeError):
    """What the shortcuts cannot do the same as MkDocs: the build stops rather than differ."""


def brut(markdown: str) -> str | None:
    """The page's HTML when its Markdown is one raw `rpc-page` block, else None."""
    s = markdown.strip()
    if s.startswith(_DEBUT) and s.endswith("</div>"):
        return s
    return None


def rapide(meta: Mapping[str, Any], markdown: str | None) -> str | None:
    """The HTML of a page that can skip Python-Markdown: front matter of a generated page
    (title, description, the sidebars it hides, robots, feed) and one raw block; None otherwise."""
    return brut(markdown or "") if set(meta) <= _META else None


class FichierLie(File):
    """A data file that hard-links itself into the site (its source is replaced by a rename, never
    written in place, so the site's link keeps the bytes it was built with); copied where the file
    system has no hard link (another device, a file system without links)."""

    def copy_file(self, dirty: bool = False) -> None:
        if dirty and not self.is_modified():
            return
        src, dest = self.abs_src_path, self.abs_dest_path
        if src is None:  # (made with its content, not from a file: `Rapide.on_files` never does)
            super().copy_file(dirty)
            return
        if not lier(src, dest):
            super().copy_file(dirty)


class Fichiers(Files):
    """MkDocs' files, from which `Rapide._prendre` takes the pages it may link from the previous version
    before MkDocs reads any page: those still resolve as the targets of the other pages' links (MkDocs'
    `get_file_from_path`, when it renders a Markdown page), as they would in `files`."""

    def __init__(self, files) -> None:
        super().__init__(files)
        self._sortis: dict[str, PageGeneree] = {}

    def sortir(self, page: PageGeneree) -> None:
        self.remove(page.file)
        self._sortis[page.file.src_uri] = page

    def sortis(self) -> list[PageGeneree]:
        """The pages taken out, which leave this list: `Rapide._reprendre` links them or gives them back (`append`)."""
        sortis, self._sortis = list(self._sortis.values()), {}
        return sortis

    def get_file_from_path(self, path: str) -> File | None:
        trouve = super().get_file_from_path(path)
        if trouve is not None or not self._sortis:
            return trouve
        page = self._sortis.get(PurePath(path).as_posix())
        return None if page is None else page.file


_DOSSIERS: set[str] = set()
"""Folders of the site this build has made (`dossier`) or found there (`vider`), emptied when a build starts
(`Rapide.on_config`)."""


def vider(directory: str) -> None:
    """MkDocs' `clean_directory`, the folders kept: every file and link under `directory` (the site's) unlinked (never written
    through: one could be a hard link of the published site), every folder left where it is and known to
    `dossier`. A new version starts from the folders of the one the previous build dropped
    (`publication.nouvelle_version`): MkDocs' own cleaning would remove the 13 000 folders it reuses (`posix.mkdir`
    was 2,5 of the child's 7,8 s, 130 to 190 µs of system time each on ext4). On that skeleton, stripped before
    it was kept, this walk finds no file: it is the check that MkDocs starts without one."""
    if not os.path.isdir(directory) or os.path.islink(directory):
        return
    a_voir = [directory]
    while a_voir:
        chemin = a_voir.pop()
        _DOSSIERS.add(chemin)
        with os.scandir(chemin) as entrees:
            for e in entrees:
                if e.is_dir(follow_symlinks=False):
                    a_voir.append(e.path)
                else:
                    try:
                        os.unlink(e.path)
                    except FileNotFoundError:  # (listed twice while the folder changed)
                        pass


def dossier(chemin: str) -> None:
    """The folder `chemin` made if this build has not made it yet: one `mkdir` when its parent is one it made
    (a new version's folder has every page in a folder of its own: 13 000 at ten years), `os.makedirs` otherwise."""
    if chemin in _DOSSIERS:
        return
    if os.path.dirname(chemin) in _DOSSIERS:
        try:
            os.mkdir(chemin)
        except FileExistsError:
            pass
        _DOSSIERS.add(chemin)
        return
    os.makedirs(chemin, exist_ok=True)
    while chemin not in _DOSSIERS:  # it and every folder above it are there now
        _DOSSIERS.add(chemin)
        chemin = os.path.dirname(chemin)


def lier(src: str, dest: str) -> bool:
    """`dest` made a hard link to `src` (any file there first removed); False where the file system
    has no hard link (another device, a file system without links): the caller copies."""
    dossier(os.path.dirname(dest))
    try:  # the usual case first (a new version's folder): one system call
        os.link(src, dest)
        return True
    except FileNotFoundError:  # its folder removed since this build made it (or `src` missing: said again below)
        _DOSSIERS.clear()
        os.makedirs(os.path.dirname(dest), exist_ok=True)
    except FileExistsError:
        os.unlink(dest)
    except OSError as e:
        if e.errno not in _AUTRE_SYSTEME:
            raise
        return False
    try:
        os.link(src, dest)
    except OSError as e:
        if e.errno not in _AUTRE_SYSTEME:
            raise
        return False
    return True


def empreinte(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class Connue(dict):
    """A generated page as the previous build made it (JSON in the version's record): `cle` its key,
    `sha256` and `html` (`identite`) its HTML file, `md` its Markdown file's `identite`, `source` the
    digest of its front matter and block, `h1` whether the block has its own title, `meta` its front
    matter (absent when it does not survive JSON)."""


def empreinte_code() -> str:
    """What fills and writes a page besides its shell: this module and the generator's modules it imports
    (the minification…), MkDocs' and Material's versions."""
    return code.empreinte(code.modules([Path(__file__)]), mkdocs.__version__, importlib.metadata.version("mkdocs-material"))


class PageGeneree(Page):
    """A page outside the navigation: one raw generated block is its own HTML (no Markdown; the
    shell's template, see `Rapide`); any other Markdown is rendered by MkDocs. `connue`: the previous
    build's record of the page, when its Markdown file is still the one recorded: neither read nor parsed."""

    connue: Connue | None = None

    def read_source(self, config) -> None:
        if self.connue is None:
            super().read_source(config)
            return
        self.markdown, self.meta = "", dict(self.connue["meta"])

    def render(self, config, files) -> None:
        if self.connue is not None:  # its block is read again only if the page is made again (`Rapide.relire`)
            self.content, self.toc, self.present_anchor_ids = "", get_toc([]), set()
            if not self.file.inclusion.is_excluded():
                self.meta["template"] = _GABARIT
            return
        html = rapide(self.meta, self.markdown)
        if html is None:
            super().render(config, files)
            return
        self.content = html
        self.toc = get_toc([])
        self.present_anchor_ids = set()
        self.markdown = ""  # not kept: the title comes from the front matter
        if not self.file.inclusion.is_excluded():
            self.meta["template"] = _GABARIT


class RapideConfig(base.Config):
    raccourcis = config_options.Type(bool, default=True)
    sans_fichiers_recherche = config_options.Type(bool, default=False)
    # pages the theme's templates single out by their address (overrides/partials/header.html hides the
    # search box on recherche/): each gets a shell of its own
    pages_a_part = config_options.Type(list, default=[])
    precedent = config_options.Type(str, default="")  # the published version: its unchanged pages are linked, not written
    empreintes = config_options.Type(str, default="")  # where this build writes its pages' keys and digests
    gabarits = config_options.Type(str, default="")  # where the theme's compiled templates are kept from a build to the next


class Rapide(BasePlugin[RapideConfig]):
    """The MkDocs events of the shortcuts (see the module's docstring)."""

    # set by `build`, which runs MkDocs inside a `memoire.gel` block: what is alive at the end of `on_config`,
    # `on_files`, `on_nav` and `on_env` (the config, the previous version's records, MkDocs' files, pages and
    # navigation: all alive to the end of the build) is frozen out of the cyclic collector's sight (`_geler`)
    gel = False

    def _geler(self) -> None:
        """What is alive now frozen (`memoire.geler`) when `build` runs MkDocs in a `gel` block. Measured on ten
        years, a build without change: the collector's time in the child 0,32-0,36 -> 0,11-0,12 s (gen2 passes 3 -> 1)."""
        if self.gel:
            memoire.geler()

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        _DOSSIERS.clear()  # MkDocs cleans the site's folder next (`vider`: the folders it keeps are known again)
        self.garde_contenu = any(p is not self for p in config.plugins.values())
        self.nav_uris: set[str] = set()
        self.nav_urls: list[str] = []
        self.env: jinja2.Environment | None = None
        self.coquilles: dict[tuple, list] = {}  # key: [shell, pages checked against Material]
        self._bloc: tuple | None = None  # (page, its HTML) from on_page_markdown to on_page_content
        self._sortie: tuple | None = None  # (page, its filled shell or the previous file, key) from on_page_context to on_post_page
        self._sources: dict[str, tuple[str, bool]] = {}  # page → (digest of its front matter and HTML, "<h1" in it)
        self._md: dict[str, list[int] | None] = {}  # page → its Markdown file's `identite` before it was read
        self.avant: dict[str, dict] = {}  # the previous version's pages: address → `Connue`
        self.apres: dict[str, dict] = {}  # this build's
        self._ecrites: list[str] = []  # addresses of the pages this build writes (their `identite` once written)
        self.reprises = 0  # pages linked from the previous version
        self.nav: Navigation | None = None
        # every page (files), when those taken from the previous version left MkDocs' list (`_reprendre`)
        self.plan: Sequence[File] | None = None
        self.code = ""
        self._compiles = ""  # `_code_compiles`, once per build (`compiles`)
        # the options read for every page, kept as plain attributes (MkDocs' config's `__get__`: 1 µs a read)
        self._a_part, self._precedent = frozenset(self.config.pages_a_part), self.config.precedent
        if self.config.raccourcis and self._precedent and not self.garde_contenu:
            self.avant = lire_pages(Path(self._precedent))
        if self.config.raccourcis and (self.avant or self.config.empreintes):
            self.code = empreinte_code()
        self._geler()
        return config

    def compiles(self) -> str:
        """`_code_compiles`, hashed once per build: `on_env` keys the compiled templates with it, `on_post_build`
        prunes the others."""
        if not self._compiles:
            self._compiles = _code_compiles()
        return self._compiles

    def on_files(self, files, config):
        raccourcis, sans_recherche = self.config.raccourcis, self.config.sans_fichiers_recherche  # (read once: 29 000 files)
        garder = []
        for f in files:
            statique = not f.is_documentation_page()
            if sans_recherche and statique and f.src_uri.startswith("recherche/"):
                continue
            if raccourcis and statique and f.src_uri.split("/", 1)[0] in _LIES and f.abs_src_path:
                if type(f) is File:  # MkDocs' file of content/: it becomes one in place (7 750 `File` not made again)
                    f.__class__ = FichierLie
                else:
                    f = FichierLie.generated(config, f.src_uri, abs_src_path=f.abs_src_path, inclusion=f.inclusion)
            garder.append(f)
        self._geler()
        return Fichiers(garder) if raccourcis and self.avant else Files(garder)

    def on_nav(self, nav, config, files):
        self.nav = nav
        self.nav_uris = {p.file.src_uri for p in nav.pages}
        self.nav_urls = sorted({p.url for p in nav.pages})
        self._noms_nav = {nom for u in self.nav_urls for nom in u.split("/")}
        self._liens: dict[str, tuple[str, tuple[str, ...]]] = {}  # kind of page → its `_genre`
        if isinstance(files, Fichiers):  # (`on_files` gives one when it may link pages from the previous version)
            self._prendre(files, config)
        self._geler()
        return nav

    def _prendre(self, files: Fichiers, config) -> None:
        """Step 7, first half, before MkDocs reads any page: every generated page outside the navigation whose
        Markdown file is still the one the previous version recorded leaves `files` (`Fichiers.sortir`: links to
        it still resolve), made ready from the record as `PageGeneree.read_source` and `render` would (front
        matter, no content, the plugin's template) without MkDocs' reading events for it, which only this
        plugin listens to (the previous version is read only when no other plugin is configured, `on_config`).
        `_reprendre` then links those whose key is unchanged and gives the others back to MkDocs. Measured on
        ten years without change: MkDocs' reading of 13 180 pages (`_populate_page`, three events each,
        0,77 s under cProfile) goes."""
        self.plan = plan = files.documentation_pages()  # every page, in MkDocs' order (the sitemap's)
        avant, md_de, nav_uris = self.avant, self._md, self.nav_uris
        for f in plan:
            src_uri = f.src_uri
            connue = avant.get(f.dest_uri)
            page = f.page
            if not isinstance(connue, dict) or src_uri in nav_uris or type(page) is not Page or f.abs_src_path is None:
                continue
            md = md_de[src_uri] = store.identite(f.abs_src_path)
            if md is None or connue.get("md") != md or not isinstance(connue.get("meta"), dict):
                continue
            page.__class__ = PageGeneree  # (as `on_pre_page` does)
            generee = cast(PageGeneree, page)
            generee.connue = Connue(connue)
            generee.read_source(config)
            generee.render(config, files)
            if generee.meta.get("template") == _GABARIT:
                files.sortir(generee)

    def _genre(self, url: str) -> tuple[str, tuple[str, ...]]:
        """The page's `base_url` and the navigation's addresses relative to it (`get_relative_url`), computed
        once per kind of page: they depend on the page's depth and on the parts of its address it shares with
        the navigation's, which stop at its first part in no address of the navigation (what follows is not
        looked at)."""
        parties = url[:-1].split("/") if url.endswith("/") else None
        cle = None
        if (
            parties is not None and "" not in parties and "." not in parties and ".." not in parties
        ):  # (`get_relative_url` normalises those)
            noms = self._noms_nav
            for k, p in enumerate(parties):
                if p not in noms:
                    cle = f"{len(parties)}:{'/'.join(parties[:k])}"
                    break
        genre = self._liens.get(cle) if cle is not None else None
        if genre is None:
            genre = (get_relative_url(".", url), tuple(get_relative_url(u, url) for u in self.nav_urls))
            if cle is not None:
                self._liens[cle] = genre
        return genre

    def on_pre_page(self, page, config, files):
        if not self.config.raccourcis or page.file.src_uri in self.nav_uris:
            return page
        if type(page) is Page:
            # the page MkDocs made becomes a `PageGeneree` in place (it is `page.file.page` already, and has no
            # title yet: MkDocs reads it with the source): a new one would run `Page.__init__` again, 13 000 times
            page.__class__ = PageGeneree
            generee = page
        else:  # another plugin's kind of page: a new one, which becomes `page.file.page`
            generee = PageGeneree(page.title, page.file, config)
        if self.code:
            md = self._md[page.file.src_uri] = store.identite(page.file.abs_src_path)
            connue = self.avant.get(page.file.dest_uri)
            if isinstance(connue, dict) and md is not None and connue.get("md") == md and isinstance(connue.get("meta"), dict):
                generee.connue = Connue(connue)
        return generee

    @event_priority(-100)  # after other plugins' changes: the Markdown that would be converted
    def on_page_markdown(self, markdown, page, config, files):
        html = rapide(page.meta, markdown) if self.config.raccourcis and page.file.src_uri in self.nav_uris else None
        if html is None:
            return markdown
        self._bloc = (page, html)
        return ""

    @event_priority(100)  # before other plugins: they see the page's HTML
    def on_page_content(self, html, page, config, files):
        if self._bloc is not None and self._bloc[0] is page:
            bloc, self._bloc = self._bloc[1], None
            if html:
                raise ErreurRapide(f"{NOM} : Markdown a produit du contenu pour la page vide {page.file.src_uri}")
            return bloc
        if page.meta.get("template") != _GABARIT:
            return html
        connue = getattr(page, "connue", None)
        if connue is not None:
            self._sources[page.file.src_uri] = (connue["source"], connue["h1"])
        elif self.code:  # what the page brings to its HTML: its front matter and its block
            meta = json.dumps(_sans_gabarit(page.meta), sort_keys=True, ensure_ascii=False, default=str)
            self._sources[page.file.src_uri] = (empreinte(f"{meta}\0{html}".encode()), "<h1" in html)
        return html if self.garde_contenu else _STUB

    def on_env(self, env, config, files):
        if self.config.gabarits:  # before any template is loaded
            env.bytecode_cache = gabarits.cache(Path(self.config.gabarits), self.compiles())
        if self.config.raccourcis:
            env.loader = jinja2.ChoiceLoader([jinja2.DictLoader({_GABARIT: ""}), env.loader])
        self.env = env
        if self.avant:
            self._reprendre(config, files)
        self._geler()
        return env

    def _reprendre(self, config, files: Files) -> None:
        """Step 7, second half, before MkDocs builds any page: each page `_prendre` took out whose key is the one
        the previous version recorded, its file there still the recorded bytes, is hard-linked from it now, so
        that MkDocs does not build it (context, template, events: most of a month-added build's time); the
        others go back to `files`, as MkDocs' reading would have left them (`on_page_content`), for MkDocs to
        build. The key needs the page's shell, rendered here once per kind of page, with the context MkDocs
        would give the page (`get_context`, the page active); the pages made next use the same shells (and
        check the first two of each against Material). What else reads `files` gets the whole list back: the
        templates' `pages` (`on_page_context`, `on_template_context`: the sitemap), so the output is a full
        build's."""
        if self.nav is None or self.plan is None or not isinstance(files, Fichiers):
            raise ErreurRapide(f"{NOM} : MkDocs donne son environnement Jinja (on_env) avant la navigation (on_nav)")
        nav, plan = self.nav, self.plan
        for page in files.sortis():
            connue = page.connue
            if connue is None:
                raise ErreurRapide(f"{NOM} : {page.file.src_uri} sortie de la liste de MkDocs sans fiche")
            page.active = True  # (the shell is rendered with it: the navigation shows the active page's place)
            try:
                coquille = self._coquille_de(page, connue["h1"], functools.partial(mk_build.get_context, nav, plan, config, page))
            finally:
                page.active = False
            fiche = self._fiche(page, coquille[2], connue["source"], connue["h1"])
            ancien = self._reprise(page, fiche)
            if ancien is not None:
                self._lier_ancien(page, ancien, fiche)
            else:  # made again: what MkDocs' reading gives it (`on_page_content`), and back to MkDocs
                self._sources[page.file.src_uri] = (connue["source"], connue["h1"])
                page.content = _STUB  # (`garde_contenu` is False: `on_config` reads no previous version otherwise)
                files.append(page.file)

    def on_template_context(self, context, template_name, config):
        """The theme's templates (sitemap.xml, 404.html) see every page, those `_reprendre` took out of MkDocs' list too."""
        if self.plan is not None:
            context["pages"] = self.plan
        return context

    @event_priority(-100)  # after other plugins: the context the template is rendered with
    def on_page_context(self, context, page, config, nav):
        if self.plan is not None:  # every page, as in a build without `_reprendre`
            context["pages"] = self.plan
        if page.meta.get("template") != _GABARIT:
            return context
        source = self._sources.pop(page.file.src_uri, None)
        html = None if source is not None else page.content if self.garde_contenu else self.relire(page)
        h1 = source[1] if source is not None else "<h1" in html
        coquille = self._coquille_de(page, h1, lambda: context)
        fiche = None if source is None else self._fiche(page, coquille[2], source[0], h1)
        ancien = self._reprise(page, fiche)
        if ancien is not None:
            self._sortie = (page, ancien, fiche)
            return context
        if html is None:
            html = page.content if self.garde_contenu else self.relire(page)
        sortie = _remplir(coquille[0], page, html)
        if coquille[1] < _VERIFIEES:
            self._verifier(context, page, html, sortie)
            coquille[1] += 1
        self._sortie = (page, sortie, fiche)
        return context

    def _coquille_de(self, page, h1: bool, contexte: Callable[[], Mapping]) -> list:
        """The shell of the page's kind — [its text, pages of it checked against Material, its digest] —
        rendered for the first page of that kind (`contexte`: the page's template context, as MkDocs makes
        it). Pages of one kind differ only by what `_remplir` puts in place of the markers."""
        url = page.url
        key = (
            self._genre(url),
            h1,
            page.canonical_url is not None,
            page.edit_url,
            tuple(page.meta.get("hide") or ()),
            url if url in self._a_part else None,
            "description" in page.meta,
            page.meta.get("robots"),
            "flux" in page.meta,
        )
        coquille = self.coquilles.get(key)
        if coquille is None:
            shell = self._coquille(contexte(), page, h1)
            coquille = self.coquilles[key] = [shell, 0, empreinte(shell.encode()) if self.code else ""]
        return coquille

    def _fiche(self, page, coquille: str, source: str, h1: bool) -> Connue:
        """The page's record for the next build (`coquille`: its shell's digest, `source`: its front matter and block's)."""
        meta = _sans_gabarit(page.meta)
        fidele = getattr(page, "connue", None) is not None or _json_fidele(meta)  # (a recorded front matter came from JSON)
        return Connue(
            cle=self._cle(coquille, page, source),
            md=self._md.get(page.file.src_uri),
            source=source,
            h1=h1,
            **({"meta": meta} if fidele else {}),
        )

    def _cle(self, coquille: str, page, source: str) -> str:
        """What the page's HTML is made of: the code, its shell, its address and canonical address, its
        front matter and block. The same key gives the same bytes: the page is `_remplir(shell, …)`."""
        canonique = "\x00" if page.canonical_url is None else page.canonical_url  # (None and "" apart)
        return empreinte("\x1f".join((self.code, coquille, page.url, canonique, source)).encode())

    def _reprise(self, page, fiche: Connue | None) -> tuple[str, str, list[int]] | None:
        """The previous version's file of this page, its digest and its `identite`, when its key is this one and
        the file still has the bytes recorded (its `identite`, or else its digest: a file changed since is not
        taken, the page is made again)."""
        if fiche is None:
            return None
        connue = self.avant.get(page.file.dest_uri)
        if not (isinstance(connue, dict) and connue.get("cle") == fiche["cle"]):
            return None
        ancien = os.path.join(self._precedent, page.file.dest_uri)
        sha = connue.get("sha256")
        if not isinstance(sha, str):
            return None
        try:
            lue = store.empreinte_fichier(ancien, {"identite": connue.get("html"), "sha256": sha})
        except OSError:
            return None
        return (ancien, sha, lue["identite"]) if lue["sha256"] == sha and lue["identite"] is not None else None

    def _lier_ancien(self, page, ancien: tuple[str, str, list[int]], fiche: Connue) -> None:
        """The previous version's file of the page (`_reprise`: its path, digest and `identite`) linked (copied
        across file systems) in its place, and recorded: a hard link is the same file, its `identite` the one
        `_reprise` read (a file replaced meanwhile is another inode: the next build hashes it)."""
        chemin, digest, lue = ancien
        identite: list[int] | None = lue
        dest = page.file.abs_dest_path
        if not lier(chemin, dest):
            shutil.copyfile(chemin, dest)
            identite = store.identite(dest)
        self.apres[page.file.dest_uri] = Connue(fiche, sha256=digest, html=identite)
        self.reprises += 1

    @event_priority(100)  # before other plugins: they see the whole page
    def on_post_page(self, output, page, config):
        if page.meta.get("template") != _GABARIT:
            return compacter_html(output)
        if self._sortie is None or self._sortie[0] is not page or output:
            raise ErreurRapide(f"{NOM} : pas de coquille remplie pour {page.file.src_uri}")
        (_, sortie, fiche), self._sortie = self._sortie, None
        if isinstance(sortie, tuple):  # unchanged: the previous version's file, linked (MkDocs writes no empty output)
            self._lier_ancien(page, sortie, fiche)
            return ""
        html = compacter_html(sortie)
        if fiche is not None:
            self.apres[page.file.dest_uri] = Connue(fiche, sha256=empreinte(html.encode("utf-8", errors="xmlcharrefreplace")))
            self._ecrites.append(page.file.dest_uri)
        return html

    def on_post_build(self, config):
        """The pages' records for the next build (the parent keeps them in the version's record), with the
        `identite` of the files MkDocs wrote after `on_post_page`; the theme's templates compiled by another
        code removed (MkDocs has built with this one)."""
        if self.config.gabarits:
            gabarits.elaguer(Path(self.config.gabarits), self.compiles())
        if not self.config.empreintes:
            return
        for uri in self._ecrites:
            self.apres[uri]["html"] = store.identite(os.path.join(config.site_dir, uri))
        Path(self.config.empreintes).write_text(
            json.dumps({"pages": dict(sorted(self.apres.items())), "reprises": self.reprises}, ensure_ascii=False), "utf-8"
        )

    def on_post_template(self, output_content, template_name, config):
        """The theme's static pages (404.html) lose their indentation as the others; sitemap.xml is left."""
        return compacter_html(output_content) if template_name.endswith(".html") else output_content

    def _main(self) -> jinja2.Template:
        """Material's page template, in the environment MkDocs gave (`on_env`, before any page is rendered)."""
        if self.env is None:
            raise ErreurRapide(f"{NOM} : une page est rendue avant que MkDocs ne donne son environnement Jinja (on_env)")
        return self.env.get_template("main.html")

    def _coquille(self, context, page, h1: bool) -> str:
        """The shell of this page's key (`h1`: the page's HTML has its own title): Material's page with
        markers in place of title, content, address."""
        saved = (page.meta, page.content, page.canonical_url)
        try:
            page.meta = {**_sans_gabarit(page.meta), "title": _MT}  # `hide` (sidebars) and `robots` are part of the shell's key
            if "description" in page.meta:
                page.meta["description"] = _MD
            if "flux" in page.meta:
                page.meta["flux"] = {"titre": _MF, "chemin": _MFC}
            page.content = _MC + ("<h1" if h1 else "")
            if page.canonical_url is not None:
                page.canonical_url = _MU
            shell = self._main().render(context).replace(_MC + "<h1", _MC)
        finally:
            page.meta, page.content, page.canonical_url = saved
        marques = sum(shell.count(m) for m in (_MT, _MTA, _MC, _MU, _MD, _MF, _MFC))
        if shell.count("RPC\x1f") != marques or shell.count(_MC) != 1:
            raise ErreurRapide(
                f"{NOM} : le gabarit de Material transforme le titre, le contenu ou l'adresse de {page.file.src_uri} ; "
                "construire sans les raccourcis : RPC_MKDOCS_NORMAL=1"
            )
        return shell

    def _verifier(self, context, page, html: str, sortie: str) -> None:
        """The filled shell is what Material renders for the page itself, or the build stops."""
        saved = (page.meta, page.content)
        try:
            page.meta, page.content = _sans_gabarit(page.meta), html
            attendu = self._main().render(context)
        finally:
            page.meta, page.content = saved
        if sortie != attendu:
            raise ErreurRapide(
                f"{NOM} : la page {page.file.src_uri} remplie dans son gabarit partagé n'est pas celle que donne "
                "Material ; construire sans les raccourcis : RPC_MKDOCS_NORMAL=1"
            )

    @staticmethod
    def relire(page) -> str:
        """The page's HTML read again from content/ (as MkDocs reads it, front matter left out)."""
        texte = Path(page.file.abs_src_path).read_text(encoding="utf-8-sig")
        m = YAML_RE.match(texte)
        html = brut(texte[m.end() :] if m else texte)
        if html is None:
            raise ErreurRapide(f"{NOM} : {page.file.src_uri} a changé pendant la construction")
        return html


def _code_compiles() -> str:
    """What compiles the theme's templates besides their text: MkDocs' environment (its version, and this
    module's changes to it), Material's version, Jinja2's and Python's (`gabarits`)."""
    return code.empreinte([], empreinte_code(), f"jinja2 {importlib.metadata.version('jinja2')}", f"python {sys.version}")


def _sans_gabarit(meta: dict) -> dict:
    return {k: v for k, v in meta.items() if k != "template"}


def _json_fidele(meta: dict) -> bool:
    """Whether the front matter comes back the same from JSON (a YAML date would not): only then is it recorded."""
    try:
        return json.loads(json.dumps(meta)) == meta
    except (TypeError, ValueError):
        return False


def _remplir(shell: str, page, html: str) -> str:
    titre = page.meta["title"]
    out = shell.replace(_MTA, titre.replace('"', "&quot;")).replace(_MT, titre)
    if "description" in page.meta:
        out = out.replace(_MD, page.meta["description"])
    if "flux" in page.meta:
        out = out.replace(_MF, page.meta["flux"]["titre"]).replace(_MFC, page.meta["flux"]["chemin"])
    if page.canonical_url is not None:
        out = out.replace(_MU, page.canonical_url)
    return out.replace(_MC, html)


def build(
    config_file: Path,
    site_dir: Path,
    normal: bool = False,
    sans_fichiers_recherche: bool = False,
    precedent: Path | None = None,
    empreintes: Path | None = None,
    compiles: Path | None = None,
) -> None:
    """`mkdocs build --quiet --config-file … --site-dir …` with the plugin's options set."""
    logging.getLogger("mkdocs").setLevel(logging.ERROR)  # as `mkdocs build --quiet`
    cfg = load_config(config_file=str(config_file), site_dir=str(site_dir))
    plugin = cfg.plugins.get(NOM)
    if plugin is None:
        raise ErreurRapide(
            f"{config_file} ne déclare pas le greffon {NOM} (plugins: - {NOM}), ou le désactive : "
            "la construction en a besoin (option raccourcis: false pour s'en passer)"
        )
    plugin.config.raccourcis = plugin.config.raccourcis and not normal
    plugin.config.sans_fichiers_recherche = sans_fichiers_recherche
    plugin.config.precedent = str(precedent or "")
    plugin.config.empreintes = str(empreintes or "")
    plugin.config.gabarits = str(compiles or "")
    plugin.gel = True
    cfg.plugins.on_startup(command="build", dirty=False)
    nettoyer = mk_utils.clean_directory
    mk_utils.clean_directory = vider  # (MkDocs' build calls `utils.clean_directory`)
    try:
        with memoire.gel():
            mk_build.build(cfg, dirty=False)
    finally:
        mk_utils.clean_directory = nettoyer
        cfg.plugins.on_shutdown()


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m generator.mkdocs_plugin")
    p.add_argument("--config-file", type=Path, default=Path("mkdocs.yml"))
    p.add_argument("--site-dir", type=Path, required=True)
    p.add_argument("--normal", action="store_true", help="MkDocs sans raccourcis (comparaison)")
    p.add_argument("--sans-fichiers-recherche", action="store_true", help="sans les fichiers d'index de content/recherche/")
    p.add_argument("--precedent", type=Path, help="version publiée dont les pages inchangées sont reprises (liens physiques)")
    p.add_argument("--empreintes", type=Path, help="fichier où écrire la clé et l'empreinte de chaque page générée")
    p.add_argument("--gabarits", type=Path, help="dossier où garder les gabarits du thème compilés d'une construction à l'autre")
    a = p.parse_args(argv)
    build(
        a.config_file,
        a.site_dir,
        normal=a.normal or bool(os.environ.get("RPC_MKDOCS_NORMAL")),
        sans_fichiers_recherche=a.sans_fichiers_recherche,
        precedent=a.precedent,
        empreintes=a.empreintes,
        compiles=a.gabarits,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

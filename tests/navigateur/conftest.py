"""Browser tests: a site built for the tests served on localhost under a sub-path, driven in
Debian's headless Chromium by Playwright (installed by `make test-navigateur`).

The site is the tests' copy of the project (tests/projet.py `copie_de_test`: the four documents of
tests/fixtures/corpus and the fixture corrections), built once when this file is loaded, never the
repository's site/: what the publisher drops in the inbox does not change what these tests see.

The site is served under /rpc/ rather than at the root so that every test also
checks that nothing assumes the site lives at the host's root, as a static host serves it: text
compressed (gzip) when the browser asks for it, and 404.html for an address that holds nothing.
It is built with that address as SITE_URL (canonical addresses, the 404 page's links, the feed).
"""

from __future__ import annotations

import functools
import gzip
import http.server
import io
import os
import shutil
import socketserver
import sys
import tempfile
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]
import projet as _projet  # noqa: E402  (tests/projet.py, from the paths just set)

SOUS_CHEMIN = "rpc"
socketserver.TCPServer.allow_reuse_address = True
_SERVEUR = socketserver.ThreadingTCPServer(("127.0.0.1", 0), http.server.BaseHTTPRequestHandler)  # its port, before the build
BASE_URL = f"http://127.0.0.1:{_SERVEUR.server_address[1]}/{SOUS_CHEMIN}/"
PROJET = _projet.copie_de_test(Path(tempfile.mkdtemp(prefix="rpc-projet-")) / "projet", env={"SITE_URL": BASE_URL})
SITE = PROJET / "site"
DONNEES = PROJET / "site_data"
CAPTURES = ROOT / ".build" / "captures"
CHROMIUM = os.environ.get("CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TAILLES = {"telephone": {"width": 390, "height": 844}, "bureau": {"width": 1366, "height": 768}}
_COMPRESSES = ("text/", "application/javascript", "application/json", "application/xml", "image/svg+xml")


class _Hebergeur(http.server.SimpleHTTPRequestHandler):
    """A static host: gzip for text when asked, the site's 404.html (status 404) where nothing is."""

    def log_message(self, *args):  # keep pytest output readable
        pass

    def send_head(self):
        chemin = self.translate_path(self.path)
        if os.path.isdir(chemin) and self.path.split("?", 1)[0].endswith("/"):
            chemin = os.path.join(chemin, "index.html")
        if not os.path.exists(chemin):
            return self._page(os.path.join(self.directory, SOUS_CHEMIN, "404.html"), 404)
        if os.path.isfile(chemin) and self.guess_type(chemin).startswith(_COMPRESSES):
            return self._page(chemin, 200)
        return super().send_head()

    def _page(self, chemin: str, statut: int):
        with open(chemin, "rb") as f:
            corps = f.read()
        gz = "gzip" in self.headers.get("Accept-Encoding", "")
        if gz:
            corps = gzip.compress(corps, 6, mtime=0)
        self.send_response(statut)
        self.send_header("Content-Type", self.guess_type(chemin))
        if gz:
            self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(corps)))
        self.end_headers()
        return io.BytesIO(corps)


@pytest.fixture(scope="session", autouse=True)
def _effacer_la_copie():
    """The tests' copy of the project removed when the session ends."""
    yield
    shutil.rmtree(PROJET.parent, ignore_errors=True)


@pytest.fixture(scope="session")
def base_url():
    """http://127.0.0.1:PORT/rpc/ serving site/ (a symlink in a temporary root), the SITE_URL it was built with."""
    racine = Path(tempfile.mkdtemp(prefix="rpc-serveur-"))
    (racine / SOUS_CHEMIN).symlink_to(SITE, target_is_directory=True)
    _SERVEUR.RequestHandlerClass = functools.partial(_Hebergeur, directory=str(racine))
    threading.Thread(target=_SERVEUR.serve_forever, daemon=True).start()
    yield BASE_URL
    _SERVEUR.shutdown()
    shutil.rmtree(racine, ignore_errors=True)


@pytest.fixture(scope="session")
def navigateur():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium introuvable ({CHROMIUM}) : `apt-get install chromium` (fait par .ci/run)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def _contexte(navigateur, taille: str, **reglages):
    """A browser context at one of TAILLES; `reglages` override new_context() arguments."""
    options = dict(
        viewport=TAILLES[taille],
        locale="fr-FR",
        device_scale_factor=1,
        is_mobile=(taille == "telephone"),
        has_touch=(taille == "telephone"),
    )
    ctx = navigateur.new_context(**(options | reglages))
    externes: list[str] = []

    def _route(route):
        url = route.request.url
        if url.startswith("http://127.0.0.1:") or url.startswith("data:") or url.startswith("blob:"):
            route.continue_()
        else:  # the site must make no request outside itself
            externes.append(url)
            route.abort()

    ctx.route("**/*", _route)
    ctx.requetes_externes = externes
    return ctx


@pytest.fixture(params=list(TAILLES))
def page(request, navigateur):
    """A fresh page at each size (phone 390×844, desktop 1366×768)."""
    ctx = _contexte(navigateur, request.param)
    pg = ctx.new_page()
    pg.taille = request.param
    erreurs: list[str] = []
    pg.on("pageerror", lambda e: erreurs.append(str(e)))
    pg.erreurs_js = erreurs
    yield pg
    assert ctx.requetes_externes == [], f"requêtes hors du site : {ctx.requetes_externes}"
    assert erreurs == [], f"erreurs JavaScript : {erreurs}"
    ctx.close()


def _page_a_la_taille(navigateur, taille: str):
    """One page at a fixed size; fails if it requested anything outside the site."""
    ctx = _contexte(navigateur, taille)
    pg = ctx.new_page()
    pg.taille = taille
    yield pg
    assert ctx.requetes_externes == [], f"requêtes hors du site : {ctx.requetes_externes}"
    ctx.close()


@pytest.fixture
def page_bureau(navigateur):
    yield from _page_a_la_taille(navigateur, "bureau")


@pytest.fixture
def page_telephone(navigateur):
    yield from _page_a_la_taille(navigateur, "telephone")


def capture(pg, nom: str) -> Path:
    """Full-page screenshot in .build/captures/<taille>-<nom>.png, to be looked at."""
    CAPTURES.mkdir(parents=True, exist_ok=True)
    chemin = CAPTURES / f"{pg.taille}-{nom}.png"
    pg.screenshot(path=str(chemin), full_page=True, animations="disabled")  # transitions finished
    return chemin


def texte(locator) -> str:
    """Visible text with French typographic spaces (U+202F, U+00A0) as plain spaces."""
    return locator.inner_text().replace("\u202f", " ").replace("\xa0", " ")

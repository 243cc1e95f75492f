"""Walk every page of the site built from tests/fixtures (the `site` fixture): no broken internal link, no absolute link, no third-party request."""

from __future__ import annotations

import posixpath
from urllib.parse import unquote, urlsplit

from site_helpers import parse


def _target_exists(site, page_path, href):
    parts = urlsplit(href)
    rel = unquote(parts.path)
    base = posixpath.dirname(page_path.relative_to(site).as_posix())
    target = posixpath.normpath(posixpath.join(base, rel)) if rel else page_path.relative_to(site).as_posix()
    if target.startswith(".."):
        return False
    t = site / target
    return t.is_file() or (t.is_dir() and (t / "index.html").is_file())


def test_no_broken_internal_link_and_nothing_external(site):
    broken, absolute, external = [], [], []
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 900
    for path in pages:
        for tag, attr, value in parse(path).links:
            v = value.strip()
            if not v or v.startswith(("#", "mailto:", "tel:", "data:", "javascript:")):
                continue
            if v.startswith(("http://", "https://", "//")):
                # a plain outgoing link is allowed, anything the browser would fetch is not
                if not (tag == "a" and attr == "href"):
                    external.append((str(path), v))
                continue
            if v.startswith("/"):
                # 404.html is served at any depth, so MkDocs links it from site_url (SITE_URL at build)
                if path != site / "404.html":
                    absolute.append((str(path), v))
                continue
            if not v.startswith("/") and not _target_exists(site, path, v):
                broken.append((str(path.relative_to(site)), v))
    assert not absolute, absolute[:10]
    assert not external, external[:10]
    assert not broken, f"{len(broken)} liens cassés, par ex. {broken[:10]}"


def test_404_and_sitemap_exist(site):
    assert (site / "404.html").is_file()
    assert (site / "sitemap.xml").is_file()

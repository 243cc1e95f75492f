"""Helpers for tests that read the built site: the copy of the project built from tests/fixtures by the
session fixture `site` (tests/conftest.py), never the repository's own site/."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SITE: Path | None = None  # set by the `site` fixture (tests/conftest.py) to the built copy's site/


class LinkParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, str, str]] = []  # (tag, attr, value)
        self.ids: set[str] = set()
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src") and value is not None:
                self.links.append((tag, name, value))
            if name == "id" and value:
                self.ids.add(value)

    def handle_data(self, data):
        self.text.append(data)


def parse(path: Path) -> LinkParser:
    p = LinkParser()
    p.feed(path.read_text(encoding="utf-8"))
    return p


def page(url: str) -> Path:
    """Built file of a site URL such as 'communes/wancourt/'."""
    if SITE is None:
        raise RuntimeError("aucun site construit : le test doit demander la fixture `site` (tests/conftest.py)")
    return SITE / url / "index.html" if url.endswith("/") or not url else SITE / url


def article_html(url: str) -> str:
    """The page's main content (inside <article>), without theme navigation."""
    html = page(url).read_text(encoding="utf-8")
    start = html.find("<article")
    end = html.find("</article>", start)
    return html[start:end] if start >= 0 else html


def article_links(url: str) -> list[str]:
    p = LinkParser()
    p.feed(article_html(url))
    return [v for t, a, v in p.links if t == "a"]

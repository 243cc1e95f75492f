"""Helpers for tests that read the built site (make test builds it first)."""
from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "site"


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
    return SITE / url / "index.html" if url.endswith("/") or not url else SITE / url


def require_site():
    import pytest

    if not (SITE / "index.html").exists():
        pytest.fail("site/ n'est pas construit : lancez `make build` (make test le fait)")


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

"""Source text is escaped everywhere: markup in a title or a cell shows as text (full build)."""

from __future__ import annotations

import shutil

import pytest

from generator.build import run

from conftest import CORPUS
from projet import preparer_racine

INJECTION = '<script>alert("x")</script> {{ 7*7 }} {% raw %} [lien](https://exemple.invalid) **gras** <b>gras</b>'


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("site")
    preparer_racine(root)
    text = (CORPUS / "003_97c6f9649ae06488.txt").read_text("utf-8")
    text = text.replace("DÉLIBÉRATION CADRE POUR LA MISE EN ŒUVRE DE LA QUATRIÈME", INJECTION)
    text = text.replace("Article   unique     :", "Article   unique     :\n\n" + INJECTION + "\n", 1)
    (root / "site_data" / "sources" / "injection avec espaces é.txt").write_text(text, "utf-8")
    assert run(root, log=lambda *_: None) == 0
    return root / "site"


def test_markup_in_source_is_shown_as_text(built):
    html = (built / "deliberations" / "2022-317" / "index.html").read_text("utf-8")
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert" in html
    assert "{{ 7*7 }}" in html and "49" not in html.split("&lt;script&gt;")[1][:200]
    assert "{% raw %}" in html
    assert 'href="https://exemple.invalid"' not in html
    assert "[lien](https://exemple.invalid)" in html
    # formatting markup of the extraction (<b>, **) is removed by normalise, never rendered
    assert "<b>gras</b>" not in html and "<strong>gras</strong>" not in html
    index = (built / "deliberations" / "index.html").read_text("utf-8")
    assert "<script>alert" not in index and "&lt;script&gt;alert" in index


def test_file_name_with_spaces_and_accents(built):
    control = (built / "controle" / "index.html").read_text("utf-8")
    assert "injection avec espaces é.txt" in control


def test_two_builds_are_byte_identical(built):
    """Same inputs, same bytes: no clock in pages, stable order everywhere."""
    import hashlib

    def snapshot(folder):
        return {
            p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()
        }

    root = built.parent
    before_site, before_data = snapshot(built), snapshot(root / "site_data")
    shutil.rmtree(root / ".cache", ignore_errors=True)  # force a full re-extraction too
    assert run(root, log=lambda *_: None) == 0
    assert snapshot(built) == before_site
    assert snapshot(root / "site_data") == before_data

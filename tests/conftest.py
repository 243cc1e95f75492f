"""What every test shares: the project's root, the real documents of tests/fixtures/corpus (never the
inbox site_data/sources/, which the publisher fills month after month), and one copy of the project
built from those documents and the fixture corrections, for the tests that read a built site or
extracted data (`projet_construit`, `donnees`, `site`)."""

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CORPUS = ROOT / "tests" / "fixtures" / "corpus"  # the real documents, as the tests know them (never the inbox)

pytest.register_assert_rewrite("projet", "site_helpers")  # helpers with asserts, imported before pytest would rewrite them
from generator.site import render  # noqa: E402

import projet  # noqa: E402  (after ROOT and CORPUS, which it reads; generator importable from ROOT)
import site_helpers  # noqa: E402

# the fixtures of tests/projet.py (`projet`, `modele`, `root`) for every test, without importing them
pytest_plugins = ["projet"]


@pytest.fixture(scope="session")
def projet_construit(tmp_path_factory) -> Path:
    """A copy of the project whose inbox holds the four documents of tests/fixtures/corpus and whose
    corrections are tests/fixtures/corrections.yaml, built once per session (`make build` there).
    Tests read it; none writes into it."""
    return projet.copie_de_test(tmp_path_factory.mktemp("projet-construit") / "projet")


@pytest.fixture(scope="session")
def donnees(projet_construit) -> Path:
    """site_data/ of the built copy: actes/, subventions/, controle.json of the four documents."""
    return projet_construit / "site_data"


@pytest.fixture(scope="session")
def site(projet_construit) -> Path:
    """The site built from the four documents; site_helpers' page helpers read it from now on."""
    site_helpers.SITE = projet_construit / "site"
    return site_helpers.SITE


@pytest.fixture
def rendues(monkeypatch) -> list[str]:
    """The addresses of the pages `write_pages` renders (Jinja), in order: those its cache skips are not."""
    out: list[str] = []
    vrai = render._rendre

    def compter(env, page: render.Page) -> str:
        out.append(page.path)
        return vrai(env, page)

    monkeypatch.setattr(render, "_rendre", compter)
    return out

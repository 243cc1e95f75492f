"""What the build writes outside site_data/ (relative to the project's root), and `make clean`, which
removes it: the one list of it, which .gitignore repeats (tests/test_depot.py checks that it does).

Standard library only, importing nothing else of the project: `make clean` runs this module with the
system's python3 when .venv is missing (`python3 -m generator.commun.genere`), and `python -m generator
clean` under the build's lock otherwise.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

# the folders of the generated pages under content/ (the rest of content/ is written by hand)
GENERATED_DIRS = [
    "communes",
    "cantons",
    "epci",
    "territoires",
    "deliberations",
    "seances",
    "recueils",
    "beneficiaires",
    "dispositifs",
    "subventions",
    "controle",
    "recherche",
    "originaux",
    "elus",
]
# content/donnees/ is owned by generator.exports (files) plus its index page
CONTENU_GENERE = [*GENERATED_DIRS, "donnees", "index.md", "controle.md", "lexique.md", "flux.xml", "flux"]
"""Everything the build writes under content/: what `make clean` removes, what a new project copies
without (`build.prepare_root`), what .gitignore lists."""

GENERE = ["site", ".build", ".cache", *(f"content/{c}" for c in CONTENU_GENERE)]
"""What the build writes outside site_data/ (relative to the root): `make clean` removes it, .gitignore lists it."""

VERROU = Path(".build") / "verrou"
"""The lock of the builds and publications (`publication.transaction.Verrou`), which `make clean` keeps."""


def nettoyer_tout(root: Path) -> None:
    """`make clean`: everything the build made, but site_data/ (the published data, versioned) and the lock being held."""
    for rel in GENERE:
        p = Path(root) / rel
        if p.is_symlink() or p.is_file():
            p.unlink()
        elif rel == ".build" and p.is_dir():
            for q in p.iterdir():
                if q.name != VERROU.name:
                    if q.is_dir() and not q.is_symlink():
                        shutil.rmtree(q)
                    else:
                        q.unlink()
        elif p.is_dir():
            shutil.rmtree(p)


if __name__ == "__main__":  # `make clean` without .venv: the root given, else the one holding this file
    nettoyer_tout(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[2])

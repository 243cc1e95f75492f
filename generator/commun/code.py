"""What a cached result was made by: the generator's own source files, found from an entry point.

Each cache (extraction, snapshots, exports…) keeps, beside its inputs, the digest of the code that made
it, so that a new version of that code makes it again and a change elsewhere does not. `modules` finds
the files a module runs (its imports, at any depth, read in the code itself); `empreinte` digests files
and any other text that decides a result (a library's version).
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Iterable
from pathlib import Path

PAQUET = Path(__file__).parent.parent
"""The `generator` package."""


def _module(base: Path, dotted: str) -> list[Path]:
    target = base.joinpath(*dotted.split(".")) if dotted else base
    return [f for f in (target.with_suffix(".py"), target / "__init__.py") if f.exists()]


# An import statement, at any indentation (a superset of what runs: one under `if TYPE_CHECKING:` or
# quoted in a docstring at a line's start counts too, which can only make a digest change more often):
# `from .x import (a, b)` (the names possibly over several lines, within parentheses or after a
# backslash), `import generator.x as y, z`. Read as text: parsing the package's 60 files into syntax
# trees took 0,6 to 1,1 s of every build, for the same list (tests/commun/test_code.py compares both).
_IMPORT = re.compile(
    r"^[ \t]*(?:from[ \t]+(?P<points>\.*)(?P<module>[\w.]*)[ \t]+import[ \t]+(?P<noms>\([^)]*\)|(?:[^\n]*\\\n)*[^\n]*)"
    r"|import[ \t]+(?P<modules>[^\n]+))",
    re.M,
)


def _noms(texte: str) -> list[str]:
    """The names of an import's list: comments, parentheses, backslashes and `as …` left out."""
    texte = re.sub(r"#[^\n]*", "", texte).replace("(", " ").replace(")", " ").replace("\\", " ")
    return [n.split()[0] for n in texte.split(",") if n.split()]


@functools.cache
def _importes(f: Path) -> tuple[Path, ...]:
    """The package's files that file `f` imports directly, and the `__init__.py` of its packages (read once a process)."""
    pkg = PAQUET
    out: list[Path] = []
    d = f.parent
    while d != pkg.parent and (d / "__init__.py").exists():  # importing a module runs its packages' __init__
        out.append(d / "__init__.py")
        d = d.parent
    for m in _IMPORT.finditer(f.read_text(encoding="utf-8")):
        if m.group("modules") is not None:
            for nom in _noms(m.group("modules")):
                if nom.split(".")[0] == pkg.name:
                    out += _module(pkg.parent, nom)
            continue
        points, module = m.group("points"), m.group("module")
        if points:
            base = f.parent
            for _ in range(len(points) - 1):
                base = base.parent
        elif module.split(".")[0] == pkg.name:
            base = pkg.parent
        else:
            continue
        out += _module(base, module)
        for nom in _noms(m.group("noms")):  # `from . import places`: a submodule
            out += _module(base, f"{module}.{nom}" if module else nom)
    return tuple(out)


def modules(entrees: Iterable[Path]) -> list[Path]:
    """The source files of the package that the files `entrees` import, with them, at any depth
    (`import generator.x`, `from generator.x import y`, relative imports, and the `__init__.py` of
    each package on the way, which importing a module runs), in path order."""
    todo = list(entrees)
    seen: set[Path] = set()
    while todo:
        f = todo.pop()
        if f not in seen:
            seen.add(f)
            todo += _importes(f)
    return sorted(seen)


def empreinte(fichiers: Iterable[Path], *autres: str) -> str:
    """The SHA-256 of `fichiers` (each named by its path in the package, else its file name, then its
    bytes) and of the texts `autres` (versions of libraries, formats…)."""
    h = hashlib.sha256()
    for f in fichiers:
        h.update((f.relative_to(PAQUET).as_posix() if f.is_relative_to(PAQUET) else f.name).encode() + b"\x1e")
        h.update(f.read_bytes() + b"\x1f")
    for texte in autres:
        h.update(texte.encode() + b"\x1f")
    return h.hexdigest()

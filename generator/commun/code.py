"""What a cached result was made by: the generator's own source files, found from an entry point.

Each cache (extraction, snapshots, exports…) keeps, beside its inputs, the digest of the code that made
it, so that a new version of that code makes it again and a change elsewhere does not. `modules` finds
the files a module runs (its imports, at any depth, read in the code itself); `empreinte` digests files
and any other text that decides a result (a library's version).
"""

from __future__ import annotations

import ast
import functools
import hashlib
from collections.abc import Iterable
from pathlib import Path

PAQUET = Path(__file__).parent.parent
"""The `generator` package."""


def _module(base: Path, dotted: str) -> list[Path]:
    target = base.joinpath(*dotted.split(".")) if dotted else base
    return [f for f in (target.with_suffix(".py"), target / "__init__.py") if f.exists()]


@functools.cache
def _importes(f: Path) -> tuple[Path, ...]:
    """The package's files that file `f` imports directly, and the `__init__.py` of its packages (read once a process)."""
    pkg = PAQUET
    out: list[Path] = []
    d = f.parent
    while d != pkg.parent and (d / "__init__.py").exists():  # importing a module runs its packages' __init__
        out.append(d / "__init__.py")
        d = d.parent
    for node in ast.walk(ast.parse(f.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = f.parent
                for _ in range(node.level - 1):
                    base = base.parent
            elif (node.module or "").split(".")[0] == pkg.name:
                base = pkg.parent
            else:
                continue
            out += _module(base, node.module or "")
            for alias in node.names:  # `from . import places`: a submodule
                out += _module(base, f"{node.module}.{alias.name}" if node.module else alias.name)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == pkg.name:
                    out += _module(pkg.parent, alias.name)
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

"""The code digests' import closure (`generator.commun.code`): read as text, the same files as Python's own parser finds."""

from __future__ import annotations

import ast
from pathlib import Path

from generator.commun import code


def _importes_selon_ast(f: Path) -> set[Path]:
    """The package's files that `f` imports, by Python's syntax tree (the oracle the text reading is checked against)."""
    pkg = code.PAQUET
    out: set[Path] = set()
    d = f.parent
    while d != pkg.parent and (d / "__init__.py").exists():
        out.add(d / "__init__.py")
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
            out.update(code._module(base, node.module or ""))
            for alias in node.names:
                out.update(code._module(base, f"{node.module}.{alias.name}" if node.module else alias.name))
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == pkg.name:
                    out.update(code._module(pkg.parent, alias.name))
    return out


def test_every_module_imports_what_its_syntax_tree_says():
    fichiers = sorted(code.PAQUET.rglob("*.py"))
    assert len(fichiers) > 100
    multilignes = 0
    for f in fichiers:
        assert set(code._importes(f)) == _importes_selon_ast(f), f
        multilignes += "import (\n" in f.read_text(encoding="utf-8")
    assert multilignes > 0  # lists of names over several lines, within parentheses, are among them


def test_the_closure_of_the_sqlite_export():
    fichiers = {f.relative_to(code.PAQUET).as_posix() for f in code.modules([code.PAQUET / "exports" / "sqlite.py"])}
    assert {"exports/sqlite.py", "exports/elus.py", "records/corpus.py", "exports/__init__.py", "__init__.py"} <= fichiers
    assert "mkdocs_plugin.py" not in fichiers and "site/render.py" not in fichiers

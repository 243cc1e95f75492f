"""Compiled Jinja2 templates kept from a build to the next (Jinja2's bytecode cache), for the pages'
templates (`generator.site.render`) and for MkDocs' theme (`generator.mkdocs_plugin`).

A compiled template is used only when its template's text is the one it was compiled from (Jinja2
checks it); what else decides the compiled code — the environment's settings, the Jinja2 and Python
versions — is code, so each file carries the digest of the code that compiled it in its name
(`cache`), and a build that has published removes those of another code (`elaguer`).
"""

from __future__ import annotations

from pathlib import Path

import jinja2


def _suffixe(code: str) -> str:
    return f"-{code[:16]}.cache"


def cache(dossier: Path, code: str) -> jinja2.FileSystemBytecodeCache:
    """Jinja2's bytecode cache in `dossier` (made if missing) for the templates compiled by the code of digest `code`."""
    dossier.mkdir(parents=True, exist_ok=True)
    return jinja2.FileSystemBytecodeCache(str(dossier), "%s" + _suffixe(code))


def elaguer(dossier: Path, code: str) -> int:
    """Remove from `dossier` the templates compiled by another code than `code`; return how many."""
    if not dossier.is_dir():
        return 0
    autres = [f for f in dossier.iterdir() if not f.name.endswith(_suffixe(code))]
    for f in autres:
        f.unlink(missing_ok=True)
    return len(autres)

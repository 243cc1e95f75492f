"""Command line: `python -m generator build|extract` (the Makefile calls these)."""
from __future__ import annotations

import argparse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m generator", description="Site du recueil des actes administratifs du Pas-de-Calais")
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="extraire les sources, générer les pages et construire site/")
    b.add_argument("--strict", action="store_true", help="échouer aussi sur les avertissements du contrôle")
    sub.add_parser("extract", help="seulement extraire les sources vers site_data/")
    args = parser.parse_args(argv)
    from . import build

    if args.command == "build":
        return build.run(ROOT, strict=args.strict)
    if args.command == "extract":
        res = build.extract(build.Paths(ROOT))
        return 2 if res.errors else 0
    return 1

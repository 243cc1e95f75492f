"""Command line: `python -m generator build|extract|publish|rollback|clean` (the Makefile calls these).

Exit codes: 0 done; 1 refused by `--strict` (warnings of the control report); 2 a mistake in what was
given (a source, `corrections.yaml`, `identifiants.csv`, DEST, a full disk…: one French message with the
file, the line and the fix); 3 another build or publication is running; 4 an internal error (its
traceback is written to a log file under .build/journal/, whose path is printed). Never a traceback
on the terminal.
"""

from __future__ import annotations

import argparse
import io
import multiprocessing
import os
import sys
import traceback
from pathlib import Path

from generator import build, extraction
from generator.commun import genere
from generator.commun.erreurs import INCHANGE, ErreurDeSaisie, journal, message_systeme
from generator.publication import transaction as publication

ROOT = Path(__file__).resolve().parent.parent


_COMMANDES = {
    "build": "make build",
    "extract": "make extract",
    "publish": "make publish",
    "rollback": "make rollback",
    "clean": "make clean",
}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m generator", description="Site du recueil des actes administratifs du Pas-de-Calais")
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="extraire les sources, générer les pages, vérifier et publier site/")
    b.add_argument("--strict", action="store_true", help="refuser de publier s'il reste des avertissements du contrôle")
    sub.add_parser("extract", help="seulement extraire les sources vers site_data/")
    p = sub.add_parser("publish", help="construire puis copier le site vérifié dans DEST (miroir, échange atomique)")
    p.add_argument("dest", help="dossier servi par le serveur web, par exemple /var/www/recueil")
    p.add_argument("--strict", action="store_true")
    r = sub.add_parser("rollback", help="rétablir la version précédente de site/ (ou de DEST)")
    r.add_argument("dest", nargs="?", default=None)
    sub.add_parser("clean", help="effacer tout ce que la construction produit (site/, .build/, pages générées, caches)")
    return parser


def _executer(args: argparse.Namespace, log) -> int:
    if args.command == "build":
        return build.run(ROOT, strict=args.strict, log=log, commande="make build" + (" STRICT=1" if args.strict else ""))
    if args.command == "extract":
        with publication.Verrou(ROOT, "make extract"):
            res = extraction.extract(extraction.Paths(ROOT), log)
            extraction.rapport_sans_rendu(extraction.Paths(ROOT), res)
        return 2 if res.errors else 0
    if args.command == "publish":
        with publication.Verrou(ROOT, f"make publish DEST={args.dest}") as verrou:
            code = build.construire_sous_verrou(ROOT, verrou, strict=args.strict, log=log)
            if code != 0:
                log(f"make publish : rien n'a été copié dans {args.dest} (la construction s'est terminée avec le code {code}).")
                return code
            publication.publier(ROOT, Path(args.dest), log=log)
        return 0
    if args.command == "rollback":
        with publication.Verrou(ROOT, "make rollback"):
            if args.dest:
                publication.retour_dest(Path(args.dest))
                log(f"La publication précédente est de nouveau en ligne dans {args.dest}.")
            else:
                v = publication.retour(ROOT)
                log(f"site/ est revenu à la version précédente ({v.name}) ; make rollback à nouveau revient à la suivante.")
        return 0
    if args.command == "clean":
        with publication.Verrou(ROOT, "make clean"):
            genere.nettoyer_tout(ROOT)
        return 0
    return 1


def _journal(root: Path) -> Path:
    """Where an internal error's traceback goes (the terminal gets one sentence and this path)."""
    return journal(root, "erreur", traceback.format_exc())


def _arreter_enfants() -> None:
    """Workers still running when the build stops on an error: killed, or this process would wait for them at exit."""
    enfants = multiprocessing.active_children()
    for p in enfants:
        p.kill()
    for p in enfants:
        p.join(timeout=10)


def _relancer_en_utf8() -> None:
    """Under a C or POSIX locale with UTF-8 mode off (`LC_ALL=C PYTHONUTF8=0`: cron, minimal containers)
    Python spells file names in ASCII: a source named « été.txt » could be neither opened under its name
    nor written to JSON, nor the pages and search files named after it. The command restarts itself in
    UTF-8 mode (same arguments, folder and environment, PYTHONUTF8=1), so names are their UTF-8 bytes
    whatever the locale (a name that is not UTF-8 is refused by `boite`)."""
    if sys.flags.utf8_mode or sys.getfilesystemencoding().lower().replace("-", "") == "utf8":
        return
    env = dict(os.environ, PYTHONUTF8="1", PYTHONPATH=os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p))
    os.execve(sys.executable, [sys.executable, "-m", "generator", *sys.argv[1:]], env)


def main(argv: list[str] | None = None) -> int:
    if argv is None:  # the command line (not a caller in this process)
        _relancer_en_utf8()
    for flux in (sys.stdout, sys.stderr):  # a C or POSIX locale (cron, minimal containers) cannot print « é »
        if isinstance(flux, io.TextIOWrapper) and (flux.encoding or "").lower().replace("-", "") not in ("utf8", "utf8sig"):
            flux.reconfigure(encoding="utf-8", errors="replace")
    args = _parser().parse_args(argv)

    def log(texte: str) -> None:
        print(texte, flush=True)

    try:
        return _executer(args, log)
    except publication.Occupe as err:
        log(f"ERREUR {err.texte()}")
        return 3
    except ErreurDeSaisie as err:
        log(f"ERREUR {err.texte()}")
        return 2
    except OSError as err:
        log(f"ERREUR {message_systeme(err, commande=_COMMANDES.get(args.command, 'make build'))}")
        return 2
    except KeyboardInterrupt:
        log(f"Interrompu : {INCHANGE} (une construction relancée reprend proprement).")
        return 130
    except Exception as err:  # a bug of ours: its detail in a file, one sentence here
        try:
            where = f" ; détail dans {_journal(ROOT).relative_to(ROOT)}"
        except OSError:
            where = ""
            traceback.print_exc(file=sys.stderr)
        log(
            f"ERREUR interne ({err.__class__.__name__}: {str(err)[:300]}){where} ; {INCHANGE}. "
            "Signalez-la aux développeurs avec ce fichier."
        )
        return 4
    finally:
        _arreter_enfants()

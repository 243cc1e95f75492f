"""`recueil.sqlite`: the whole corpus as one SQLite database, with full-text search.

For users of Datasette or DB Browser for SQLite: deliberations (votes folded in),
their articles, rapports and annexes, the grants (exact sums through
`montant_centimes`), the reference geography, and an FTS5 index `recherche`.

The file is byte-identical for identical input: built in a temporary file with
a fixed insert order and no timestamp, then renamed into place. No `VACUUM`: a
database written once in order has nothing to reclaim (measured: 0.4 % smaller, for
half of the export's time), and no journal or sync: an interrupted build leaves only the
temporary file, which the next build deletes (the site that links it is flushed to the disk
whole before it is published: `store.synchroniser`).
"""

from __future__ import annotations

import errno
import os
import sqlite3
from pathlib import Path

from generator.commun.store import remplacement_atomique
from generator.exports.csv_subventions import ENTIERS, FIELDS, centimes, rows

SCHEMA = """
CREATE TABLE territoires (slug TEXT PRIMARY KEY, nom TEXT NOT NULL, niveau INTEGER, parent TEXT REFERENCES territoires(slug));
CREATE TABLE epci (siren TEXT PRIMARY KEY, nom TEXT NOT NULL, slug TEXT, sigle TEXT, nature TEXT, population_totale INTEGER,
  territoire TEXT REFERENCES territoires(slug));
CREATE TABLE communes (insee TEXT PRIMARY KEY, nom TEXT NOT NULL, slug TEXT, siren TEXT, population INTEGER,
  epci TEXT REFERENCES epci(siren), territoire TEXT REFERENCES territoires(slug));
CREATE TABLE cantons (code TEXT PRIMARY KEY, nom TEXT NOT NULL, slug TEXT, territoire TEXT REFERENCES territoires(slug));
CREATE TABLE commune_cantons (insee TEXT NOT NULL REFERENCES communes(insee), canton TEXT NOT NULL REFERENCES cantons(code),
  fraction INTEGER NOT NULL, PRIMARY KEY (insee, canton));
CREATE TABLE deliberations (id TEXT PRIMARY KEY, numero_imprime TEXT, date TEXT NOT NULL, organe TEXT, collectivite TEXT, titre TEXT,
  session_id TEXT, vote_pour INTEGER, vote_contre INTEGER, vote_abstention INTEGER, vote_absents INTEGER, resultat TEXT,
  presents INTEGER, excuses INTEGER, absents INTEGER, envoi_controle_legalite TEXT, affichage TEXT, recueil TEXT,
  source TEXT NOT NULL, line INTEGER, url TEXT, line_end INTEGER, page_debut INTEGER, page_fin INTEGER, url_original TEXT);
CREATE TABLE presences (deliberation TEXT NOT NULL REFERENCES deliberations(id), rang INTEGER NOT NULL, nom TEXT NOT NULL,
  statut TEXT NOT NULL, PRIMARY KEY (deliberation, statut, rang));
CREATE TABLE elus (id TEXT PRIMARY KEY, nom TEXT NOT NULL, civilite TEXT, variantes TEXT, organes TEXT, premiere_seance TEXT,
  derniere_seance TEXT, presences INTEGER, excuses INTEGER, absences INTEGER, interets_declares INTEGER, presidences INTEGER, page TEXT);
CREATE TABLE presences_elus (personne TEXT NOT NULL REFERENCES elus(id), nom_imprime TEXT NOT NULL,
  deliberation TEXT NOT NULL REFERENCES deliberations(id), seance TEXT, date TEXT, organe TEXT, statut TEXT NOT NULL, mandataire TEXT,
  interet TEXT);
CREATE TABLE articles (deliberation TEXT NOT NULL REFERENCES deliberations(id), rang INTEGER NOT NULL, numero TEXT, texte TEXT,
  line INTEGER, PRIMARY KEY (deliberation, rang));
CREATE TABLE rapports (deliberation TEXT PRIMARY KEY REFERENCES deliberations(id), numero TEXT, titre TEXT, texte TEXT, line INTEGER,
  page_pdf INTEGER);
CREATE TABLE annexes (deliberation TEXT NOT NULL REFERENCES deliberations(id), rang INTEGER NOT NULL, titre TEXT, texte TEXT,
  line INTEGER, page_pdf INTEGER, PRIMARY KEY (deliberation, rang));
CREATE TABLE subventions ({subvention_columns}, montant_centimes INTEGER NOT NULL,
  FOREIGN KEY (deliberation) REFERENCES deliberations(id), FOREIGN KEY (code_insee) REFERENCES communes(insee),
  FOREIGN KEY (siren_epci) REFERENCES epci(siren));
CREATE INDEX subventions_deliberation ON subventions(deliberation);
CREATE INDEX subventions_commune ON subventions(code_insee);
CREATE VIRTUAL TABLE recherche USING {fts}(type, ref, titre, texte, tokenize = 'unicode61 remove_diacritics 2');
"""
SYSTEME = {sqlite3.SQLITE_FULL: errno.ENOSPC, sqlite3.SQLITE_READONLY: errno.EROFS, sqlite3.SQLITE_PERM: errno.EACCES}
"""SQLite's own codes for a full disk, a read-only or forbidden file: reported as the system's (`erreurs.message_systeme`)."""
STATUTS = ("presents", "excuses", "absents", "presents_sans_voix", "excuses_sans_voix", "procurations")
NULLABLE = {"code_insee", "siren_epci", "url_original"}  # empty → NULL: so that the foreign keys hold; no original


def fts_module() -> str:
    """`fts5` when this Python's SQLite has it, else `fts4`."""
    con = sqlite3.connect(":memory:")
    try:
        con.execute("CREATE VIRTUAL TABLE t USING fts5(a)")
        return "fts5"
    except sqlite3.OperationalError:
        return "fts4"
    finally:
        con.close()


def _schema(fts: str) -> str:
    cols = ", ".join(f"{c} TEXT PRIMARY KEY" if c == "id" else f"{c} INTEGER" if c in ENTIERS else f"{c} TEXT" for c in FIELDS)
    sql = SCHEMA.replace("{subvention_columns}", cols).replace("{fts}", fts)
    if fts == "fts4":
        sql = sql.replace("remove_diacritics 2", "remove_diacritics 1")
    return sql


def _insert(con, table: str, rows_: list[tuple]) -> None:
    if rows_:
        con.executemany(f"INSERT INTO {table} VALUES ({', '.join('?' * len(rows_[0]))})", rows_)


def _fill(con: sqlite3.Connection, corpus) -> None:
    ref = corpus.ref
    _insert(
        con,
        "territoires",
        [
            (s, t["nom"], t.get("niveau"), t.get("parent"))
            for s, t in sorted(ref.territoires.items(), key=lambda kv: (kv[1].get("parent") is not None, kv[0]))
        ],
    )
    _insert(
        con,
        "epci",
        [
            (s, e["nom"], e.get("slug"), e.get("sigle"), e.get("nature"), e.get("population_totale"), e.get("territoire"))
            for s, e in sorted(ref.epci.items())
        ],
    )
    _insert(
        con,
        "communes",
        [
            (i, c["nom"], c.get("slug"), c.get("siren"), c.get("population"), c.get("epci"), c.get("territoire"))
            for i, c in sorted(ref.communes.items())
        ],
    )
    _insert(con, "cantons", [(k, c["nom"], c.get("slug"), c.get("territoire")) for k, c in sorted(ref.cantons.items())])
    cc = []
    for code, k in sorted(ref.cantons.items()):
        fraction = set(k.get("fraction") or [])
        cc += [(i, code, int(i in fraction)) for i in sorted(set(k["communes"]))]
    _insert(con, "commune_cantons", sorted(cc))

    # one deliberation at a time, each with its rows in every table: annex texts are read from
    # site_data/actes as they come (Corpus.texte_annexe), never all held at once
    sql: dict[tuple[str, int], str] = {}

    def ligne(table: str, row: tuple) -> None:
        q = sql.get((table, len(row)))
        if q is None:
            q = sql[(table, len(row))] = f"INSERT INTO {table} VALUES ({', '.join('?' * len(row))})"
        con.execute(q, row)

    for d in sorted(corpus.deliberations.values(), key=lambda d: (d["date"], d["id"])):
        v, a = d.get("vote") or {}, d.get("attendance") or {}
        original = corpus.originaux.get(d["_source"])  # its published PDF (`Corpus.lier_originaux`)
        ligne(
            "deliberations",
            (
                d["id"],
                d.get("numero_imprime"),
                d["date"],
                d.get("organe"),
                d.get("collectivite"),
                d.get("titre"),
                d.get("session_id"),
                v.get("pour"),
                v.get("contre"),
                v.get("abstention"),
                v.get("absents_sans_delegation"),
                v.get("resultat"),
                len(a.get("presents") or []),
                len(a.get("excuses") or []),
                len(a.get("absents") or []),
                d.get("envoi_controle_legalite"),
                d.get("affichage"),
                d.get("_recueil"),
                d["_source"],
                d.get("line"),
                f"deliberations/{d['id']}/",
                d.get("line_end"),
                d.get("page_debut"),
                d.get("page_fin"),
                original["url"] if original else None,
            ),
        )
        for statut in STATUTS:
            for i, nom in enumerate(a.get(statut) or [], 1):
                ligne("presences", (d["id"], i, str(nom), statut))
        ligne("recherche", ("deliberation", d["id"], d.get("titre") or "", " ".join(d.get("visas") or [])))
        for i, art in enumerate(d.get("articles") or [], 1):
            ligne("articles", (d["id"], i, art.get("numero"), art.get("texte"), art.get("line")))
            ligne("recherche", ("article", f"{d['id']}#{art.get('numero')}", d.get("titre") or "", art.get("texte") or ""))
        r = d.get("rapport")
        if r:
            ligne("rapports", (d["id"], r.get("numero"), r.get("titre"), r.get("texte"), r.get("line"), r.get("page_pdf")))
            ligne("recherche", ("rapport", d["id"], r.get("titre") or "", r.get("texte") or ""))
        for i, x in enumerate(d.get("annexes") or [], 1):
            texte = corpus.texte_annexe(d, i - 1)
            ligne("annexes", (d["id"], i, x.get("titre"), texte, x.get("line"), x.get("page_pdf")))
            ligne("recherche", ("annexe", f"{d['id']}#{i}", x.get("titre") or "", texte))

    reg = getattr(corpus, "elus", None)  # `generator.elus.personnes.Registre`, set by the build
    if reg is not None:
        from generator.exports.elus import lignes_elus, lignes_presences

        _insert(con, "elus", [tuple(int(x) if i in (7, 8, 9, 10, 11) else (x or None) for i, x in enumerate(r)) for r in lignes_elus(reg)])
        _insert(con, "presences_elus", [tuple(x or None for x in r) for r in lignes_presences(reg) if r[2] in corpus.deliberations])

    srows, fts = [], []
    for r in rows(corpus):
        srows.append(
            tuple((int(r[c]) if r[c] else None) if c in ENTIERS else (r[c] or None) if c in NULLABLE else r[c] for c in FIELDS)
            + (centimes(r["montant"]),)
        )
        fts.append(("subvention", r["id"], r["beneficiaire"], " ".join(x for x in (r["objet"], r["dispositif"], r["commune"]) if x)))
    _insert(con, "subventions", srows)
    _insert(con, "recherche", fts)


def build(corpus, path: Path) -> Path:
    """Write the database at `path` (built in a temporary file, then renamed: `store.remplacement_atomique`)."""
    path = Path(path)
    with remplacement_atomique(path, durable=False) as tmp:
        con = sqlite3.connect(tmp)
        try:
            con.execute("PRAGMA journal_mode=OFF")
            con.execute("PRAGMA synchronous=OFF")
            con.execute("PRAGMA foreign_keys=ON")
            con.executescript(_schema(fts_module()))
            with con:
                _fill(con, corpus)
            bad = con.execute("PRAGMA foreign_key_check").fetchall()
            if bad:
                raise ValueError(f"recueil.sqlite : clés étrangères invalides : {bad[:5]}")
        except sqlite3.OperationalError as err:
            code = SYSTEME.get((getattr(err, "sqlite_errorcode", 0) or 0) & 0xFF)  # the primary code of an extended one
            if code is None:
                raise
            raise OSError(code, os.strerror(code), str(path)) from err
        finally:
            con.close()
    return path


def write(corpus, out_dir: Path) -> list[Path]:
    return [build(corpus, Path(out_dir) / "recueil.sqlite")]

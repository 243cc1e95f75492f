"""`recueil.sqlite` and `recueil-texte-AAAA.sqlite`: the corpus as SQLite databases, with full-text search.

For users of Datasette or DB Browser for SQLite. The core, `recueil.sqlite`: deliberations (votes
folded in, without their long texts), the élus, the grants (exact sums through `montant_centimes`),
their beneficiaries, the reference geography, views, full-text tables for Datasette's search box.
Then one database per year of deliberation (`recueil-texte-2021.sqlite`…): each deliberation's title
and dispositif, its visas, articles, rapport and presences (the lists as printed, each élu's), the
FTS5 index `recherche` over the texts, and its annexes: their titles and the address of their pages
on the site, their words searchable (`annexes_fts`) but their text not stored (the site publishes it).
At ten synthetic years the one file was 687 MB; static hosts (GitHub Pages) refuse a file over
100 MB (`publication.verification` checks it): split, the core is 33 MB and each year 60 to 68 MB,
27 to 30 MB without the annexes' text (666 MB in all, 295 so). Datasette opens the files together
(`datasette recueil.sqlite recueil-texte-*.sqlite -m metadata.json`).

Each file is byte-identical for identical input: built in a temporary file with
a fixed insert order and no timestamp, then renamed into place. No `VACUUM`: a
database written once in order has nothing to reclaim (measured: 0.4 % smaller, for
half of the export's time), and no journal or sync: an interrupted build leaves only the
temporary file, which the next build deletes (the site that links it is flushed to the disk
whole before it is published: `store.synchroniser`).
"""

from __future__ import annotations

import errno
import functools
import hashlib
import json
import os
import sqlite3
from collections.abc import Callable, Sequence
from pathlib import Path

from generator.commun import code
from generator.commun.annexes import ancre_annexe, parties_annexe
from generator.commun.store import remplacement_atomique, write_text
from generator.exports import csv_deliberations
from generator.exports.csv_subventions import COLUMNS, ENTIERS, FIELDS, Rangees, centimes, rows
from generator.exports.ecritures import Ecritures, empreinte_json
from generator.exports.elus import lignes_elus, lignes_presences
from generator.records import JsonObject
from generator.records.corpus import Corpus, DeliberationPubliee

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
CREATE TABLE elus (id TEXT PRIMARY KEY, nom TEXT NOT NULL, civilite TEXT, variantes TEXT, organes TEXT, premiere_seance TEXT,
  derniere_seance TEXT, presences INTEGER, excuses INTEGER, absences INTEGER, interets_declares INTEGER, presidences INTEGER, page TEXT);
CREATE TABLE beneficiaires (id INTEGER PRIMARY KEY, nom TEXT NOT NULL, type_beneficiaire TEXT, subventions INTEGER NOT NULL,
  montant TEXT NOT NULL, montant_centimes INTEGER NOT NULL);
CREATE TABLE subventions ({subvention_columns}, montant_centimes INTEGER NOT NULL,
  beneficiaire_id INTEGER NOT NULL REFERENCES beneficiaires(id),
  FOREIGN KEY (deliberation) REFERENCES deliberations(id), FOREIGN KEY (code_insee) REFERENCES communes(insee),
  FOREIGN KEY (siren_epci) REFERENCES epci(siren));
"""
SCHEMA_TEXTE = """
CREATE TABLE deliberations (id TEXT PRIMARY KEY, date TEXT NOT NULL, titre TEXT, texte TEXT);
CREATE TABLE articles (deliberation TEXT NOT NULL REFERENCES deliberations(id), rang INTEGER NOT NULL, numero TEXT, texte TEXT,
  line INTEGER, PRIMARY KEY (deliberation, rang));
CREATE TABLE rapports (deliberation TEXT PRIMARY KEY REFERENCES deliberations(id), numero TEXT, titre TEXT, texte TEXT, line INTEGER,
  page_pdf INTEGER);
CREATE TABLE annexes (deliberation TEXT NOT NULL REFERENCES deliberations(id), rang INTEGER NOT NULL, titre TEXT, url TEXT NOT NULL,
  parties INTEGER NOT NULL, caracteres INTEGER NOT NULL, line INTEGER, page_pdf INTEGER, PRIMARY KEY (deliberation, rang));
CREATE TABLE visas (deliberation TEXT PRIMARY KEY REFERENCES deliberations(id), texte TEXT NOT NULL);
CREATE TABLE presences (deliberation TEXT NOT NULL REFERENCES deliberations(id), rang INTEGER NOT NULL, nom TEXT NOT NULL,
  statut TEXT NOT NULL, PRIMARY KEY (deliberation, statut, rang));
CREATE TABLE presences_elus (personne TEXT NOT NULL, nom_imprime TEXT NOT NULL,
  deliberation TEXT NOT NULL REFERENCES deliberations(id), seance TEXT, date TEXT, organe TEXT, statut TEXT NOT NULL, mandataire TEXT,
  interet TEXT);
CREATE TABLE recherche_lignes (rid INTEGER PRIMARY KEY, type TEXT NOT NULL, ref TEXT NOT NULL, ligne INTEGER NOT NULL);
"""
"""A year's texts: its deliberations (title and dispositif, the rows the others refer to), visas, articles, rapports,
annexes (without their text: see `annexes_fts`), and its presences: the lists as printed and each élu's (`presences_elus`, the rows of presences.csv; its
`personne` is an `elus` of the core). At ten synthetic years the presences were 61 MB of the core's 72 (38.4 MB
`presences_elus`, 22.6 MB the lists and their key): per year, the core stays near 33 MB and under 100 MB past twenty years."""
TEXTE = "recueil-texte-{annee}.sqlite"
"""The name of a year's text database (Datasette names it after the file: `recueil-texte-2021`)."""
INDEX = [
    ("subventions", "deliberation"),
    ("subventions", "code_insee"),
    ("subventions", "siren_epci"),
    ("subventions", "beneficiaire_id"),
    ("subventions", "date"),
    ("subventions", "montant_centimes"),
    ("subventions", "dispositif"),
    ("subventions", "territoire"),
    ("deliberations", "date"),
    ("beneficiaires", "montant_centimes"),
    ("communes", "epci"),
    ("communes", "territoire"),
    ("epci", "territoire"),
    ("cantons", "territoire"),
    ("commune_cantons", "canton"),
    ("territoires", "parent"),
]
"""Every foreign key (but the first column of a primary key, which is its own index), date and amount,
and the columns Datasette offers as facets."""
FTS: dict[str, tuple[str, ...]] = {
    "subventions": ("beneficiaire", "objet", "dispositif", "commune", "commune_ecrite", "epci"),
    "deliberations": ("titre",),
    "beneficiaires": ("nom",),
}
"""The full-text tables `<table>_fts` Datasette finds for its search box (`?_search=`), built the way
`sqlite-utils enable-fts` builds them: FTS5 over the table's columns (`content=`), filled once, no
triggers (the files are read-only). In a year's text database, `deliberations_fts` also searches the dispositif."""
FTS_TEXTE: dict[str, tuple[str, ...]] = {"deliberations": ("titre", "texte")}
ANNEXES_FTS = "annexes_fts"
"""A year's annexes searched, their text left out: the site publishes it (`commun.annexes.parties_annexe`: the pages
`annexes.url` leads to), and at ten synthetic years it was 36 of a year's 67 MB. A contentless FTS5 table (`content=''`)
whose rowids are the rows of `annexes`, filled from the text as it is read: a word of an annex finds its row (Datasette's
`?_search=` on `annexes`: `fts_table` in metadata.json), without snippets (no text to cut them from)."""
VUES = {
    "subventions_par_commune_et_annee": """SELECT s.code_insee, c.nom AS commune, substr(s.date, 1, 4) AS annee,
  COUNT(*) AS subventions, printf('%d.%02d', SUM(s.montant_centimes) / 100, SUM(s.montant_centimes) % 100) AS montant,
  SUM(s.montant_centimes) AS montant_centimes
FROM subventions s JOIN communes c ON c.insee = s.code_insee
GROUP BY s.code_insee, annee ORDER BY s.code_insee, annee""",
    "subventions_par_canton": """SELECT k.code AS canton, k.nom, substr(s.date, 1, 4) AS annee, COUNT(*) AS subventions,
  printf('%d.%02d', SUM(s.montant_centimes) / 100, SUM(s.montant_centimes) % 100) AS montant,
  SUM(s.montant_centimes) AS montant_centimes
FROM subventions s JOIN commune_cantons cc ON cc.insee = s.code_insee AND cc.fraction = 0 JOIN cantons k ON k.code = cc.canton
GROUP BY k.code, annee ORDER BY k.code, annee""",
    "subventions_par_dispositif": """SELECT s.dispositif, substr(s.date, 1, 4) AS annee, COUNT(*) AS subventions,
  printf('%d.%02d', SUM(s.montant_centimes) / 100, SUM(s.montant_centimes) % 100) AS montant,
  SUM(s.montant_centimes) AS montant_centimes
FROM subventions s GROUP BY s.dispositif, annee ORDER BY s.dispositif, annee""",
    "subventions_par_territoire": """SELECT t.slug AS territoire, t.nom, substr(s.date, 1, 4) AS annee, COUNT(*) AS subventions,
  printf('%d.%02d', SUM(s.montant_centimes) / 100, SUM(s.montant_centimes) % 100) AS montant,
  SUM(s.montant_centimes) AS montant_centimes
FROM subventions s JOIN territoires t ON t.slug = s.territoire
GROUP BY t.slug, annee ORDER BY t.slug, annee""",
}
"""The common questions, as views: grants by commune and year, by canton (its whole communes, as on
its page), by scheme, by territoire. Sums exact (`montant_centimes`), `montant` in euros with a point."""
RECHERCHE_LIGNES = """INSERT INTO recherche_lignes (type, ref, ligne) SELECT type, ref, ligne FROM (
  SELECT d.rowid AS o, 0 AS k, 0 AS r, 'deliberation' AS type, d.id AS ref, v.rowid AS ligne
    FROM deliberations d JOIN visas v ON v.deliberation = d.id
  UNION ALL SELECT d.rowid, 1, a.rang, 'article', a.deliberation || '#' || ifnull(a.numero, 'None'), a.rowid
    FROM articles a JOIN deliberations d ON d.id = a.deliberation
  UNION ALL SELECT d.rowid, 2, 0, 'rapport', r.deliberation, r.rowid FROM rapports r JOIN deliberations d ON d.id = r.deliberation
) ORDER BY o, k, r"""
"""The rows of a year's full-text index `recherche`, in the order of its deliberations (each: its visas, articles,
rapport): its type, its reference, and where its text is (`ligne`: a rowid). The grants are searched in the core
database (`subventions_fts`), the annexes in `annexes_fts`: a year's database holds no copy of their text."""
RECHERCHE_CONTENU = """SELECT l.rid, l.type, l.ref,
  CASE l.type WHEN 'rapport' THEN ifnull(r.titre, '') ELSE ifnull(d.titre, '') END AS titre,
  CASE l.type WHEN 'deliberation' THEN v.texte WHEN 'article' THEN ifnull(a.texte, '') ELSE ifnull(r.texte, '') END AS texte
FROM recherche_lignes l
LEFT JOIN visas v ON l.type = 'deliberation' AND v.rowid = l.ligne
LEFT JOIN articles a ON l.type = 'article' AND a.rowid = l.ligne
LEFT JOIN rapports r ON l.type = 'rapport' AND r.rowid = l.ligne
LEFT JOIN deliberations d ON d.id = ifnull(v.deliberation, a.deliberation)"""
"""What `recherche` indexes, read where it is stored (a row found by its `rid` in a few lookups): the
full-text index keeps no copy of the texts (FTS5 `content=`), which would double the file's largest part."""
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


def _schema() -> str:
    cols = ", ".join(f"{c} TEXT PRIMARY KEY" if c == "id" else f"{c} INTEGER" if c in ENTIERS else f"{c} TEXT" for c in FIELDS)
    return SCHEMA.replace("{subvention_columns}", cols)


TAMPON_FTS = 1 << 30
"""The bytes of index an FTS5 table keeps in memory before it writes a segment (its `hashsize`, 1 MB by default):
a file's tables are filled in one transaction, so each index is written once, whole, as one segment, instead of
segments written every megabyte then merged, whose pages the merges leave free in the file. The same rows and
answers (only the index's layout differs); at ten synthetic years, 0.4 to 0.7 MB less a year's file and 0.45 MB
less the core (327.8 → 321.3 MB in all). A year's annexes, the largest index (some 12 MB), take some 15 MB more of
memory while they are filled."""


def _tampon_fts(con: sqlite3.Connection, table: str) -> None:
    """FTS5 table `table` written as one segment (`TAMPON_FTS`); recorded in its `<table>_config`."""
    con.execute(f"INSERT INTO [{table}] ([{table}], rank) VALUES ('hashsize', ?)", (TAMPON_FTS,))


def _fts_tables(con: sqlite3.Connection, fts: str, tables: dict[str, tuple[str, ...]]) -> None:
    if fts == "fts5":  # Datasette's search needs FTS4 or 5; an FTS4 `content=` table would do, not worth it
        for table, cols in tables.items():
            liste = ", ".join(f"[{c}]" for c in cols)
            con.execute(
                f"CREATE VIRTUAL TABLE [{table}_fts] USING FTS5 ({liste}, tokenize='unicode61 remove_diacritics 2', content=[{table}])"
            )
            _tampon_fts(con, f"{table}_fts")
            con.execute(f"INSERT INTO [{table}_fts] (rowid, {liste}) SELECT rowid, {liste} FROM [{table}] ORDER BY rowid")


def _index_fts_vues(con: sqlite3.Connection, fts: str) -> None:
    for table, col in INDEX:
        con.execute(f"CREATE INDEX {table}_{col} ON {table}({col})")
    _fts_tables(con, fts, FTS)
    for nom, sql in VUES.items():
        con.execute(f"CREATE VIEW {nom} AS {sql}")


def _annexes_fts(con: sqlite3.Connection, fts: str) -> None:
    """The contentless full-text table of a year's annexes (`ANNEXES_FTS`), filled by `_fill_texte`."""
    diacritiques = 2 if fts == "fts5" else 1
    con.execute(
        f"CREATE VIRTUAL TABLE {ANNEXES_FTS} USING {fts}(titre, texte, content='', tokenize = 'unicode61 remove_diacritics {diacritiques}')"
    )
    if fts == "fts5":
        _tampon_fts(con, ANNEXES_FTS)


def _recherche(con: sqlite3.Connection, fts: str) -> None:
    """A year's `deliberations_fts` and its index `recherche` over the texts, read through the view `recherche_contenu`."""
    _fts_tables(con, fts, FTS_TEXTE)
    con.execute(RECHERCHE_LIGNES)
    con.execute(f"CREATE VIEW recherche_contenu AS {RECHERCHE_CONTENU}")
    contenu = ", content='recherche_contenu', content_rowid='rid'" if fts == "fts5" else ""  # FTS4: no view as content
    diacritiques = 2 if fts == "fts5" else 1
    con.execute(
        f"CREATE VIRTUAL TABLE recherche USING {fts}(type, ref, titre, texte, tokenize = 'unicode61 remove_diacritics {diacritiques}'{contenu})"
    )
    if fts == "fts5":
        _tampon_fts(con, "recherche")
    con.execute(
        "INSERT INTO recherche (rowid, type, ref, titre, texte) SELECT rid, type, ref, titre, texte FROM recherche_contenu ORDER BY rid"
    )


def _insert(con: sqlite3.Connection, table: str, rows_: Sequence[tuple[object, ...]]) -> None:
    if rows_:
        con.executemany(f"INSERT INTO {table} VALUES ({', '.join('?' * len(rows_[0]))})", rows_)


def _lignes(con: sqlite3.Connection) -> Callable[[str, tuple[object, ...]], int | None]:
    """`ligne(table, row)`: inserts one row, its statement prepared once per table and width; returns its rowid."""
    sql: dict[tuple[str, int], str] = {}

    def ligne(table: str, row: tuple[object, ...]) -> int | None:
        q = sql.get((table, len(row)))
        if q is None:
            q = sql[(table, len(row))] = f"INSERT INTO {table} VALUES ({', '.join('?' * len(row))})"
        return con.execute(q, row).lastrowid

    return ligne


def par_annee(corpus: Corpus) -> dict[str, list[DeliberationPubliee]]:
    """The deliberations of each year (of their date), in the order of the database: one text database each."""
    out: dict[str, list[DeliberationPubliee]] = {}
    for d in csv_deliberations.ordre(corpus):
        out.setdefault(d.date[:4], []).append(d)
    return out


def dispositif(d: DeliberationPubliee) -> str | None:
    """A deliberation's articles, one after the other (the `texte` of a year's `deliberations`)."""
    return "\n\n".join(" ".join(x for x in (art.numero, art.texte) if x) for art in d.articles) or None


def url_annexe(did: str, i: int, texte: str, base_url: str | None = None) -> tuple[str, int]:
    """Where the site publishes deliberation `did`'s i-th annex (1-based, text `texte`), and on how many pages: its first
    page of its own (`parties_annexe`), or its place in the deliberation's page (`ancre_annexe`) when it is shown there.
    Relative to the site's root, like `deliberations.url`; absolute under `base_url` (SITE_URL), which Datasette links."""
    parts = parties_annexe(did, i, texte)
    url = parts[0][0] or ancre_annexe(did, i)
    return (f"{base_url.rstrip('/')}/{url}" if base_url else url), len(parts)


def _fill_texte(
    con: sqlite3.Connection,
    corpus: Corpus,
    deliberations: list[DeliberationPubliee],
    presences: list[list[str]],
    base_url: str | None = None,
) -> None:
    """One deliberation at a time, each with its rows in every table: visas, rapport and annex texts are read
    from site_data/actes as they come (`Corpus.textes`), never all held at once, and annexes only indexed
    (`ANNEXES_FTS`); then the élus' `presences`."""
    ligne = _lignes(con)
    for d in deliberations:
        textes = corpus.textes(d)
        ligne("deliberations", (d.id, d.date, d.titre, dispositif(d)))
        ligne("visas", (d.id, " ".join(textes.visas)))
        for statut in STATUTS:
            for i, nom in enumerate(getattr(d.attendance, statut), 1):
                ligne("presences", (d.id, i, str(nom), statut))
        for i, art in enumerate(d.articles, 1):
            ligne("articles", (d.id, i, art.numero, art.texte, art.line))
        rapport = d.rapport
        if rapport:
            ligne("rapports", (d.id, rapport.numero, rapport.titre, textes.rapport, rapport.line, rapport.page_pdf))
        for i, x in enumerate(d.annexes, 1):
            texte = textes.annexes[i - 1]
            url, parties = url_annexe(d.id, i, texte, base_url)
            rowid = ligne("annexes", (d.id, i, x.titre, url, parties, len(texte), x.line, x.page_pdf))
            con.execute(f"INSERT INTO {ANNEXES_FTS} (rowid, titre, texte) VALUES (?, ?, ?)", (rowid, x.titre, texte))
    _insert(con, "presences_elus", [tuple(x or None for x in r) for r in presences])


def _fill(con: sqlite3.Connection, corpus: Corpus, rangees: Rangees | None = None) -> None:
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
    for canton, k in sorted(ref.cantons.items()):
        fraction = set(k.get("fraction") or [])
        cc += [(i, canton, int(i in fraction)) for i in sorted(set(k["communes"]))]
    _insert(con, "commune_cantons", sorted(cc))

    _insert(con, "deliberations", [tuple(csv_deliberations.valeurs(corpus, d).values()) for d in csv_deliberations.ordre(corpus)])

    reg = getattr(corpus, "elus", None)  # `generator.elus.personnes.Registre`, set by the build
    if reg is not None:
        elus = rangees.elus if rangees is not None else None
        _insert(
            con,
            "elus",
            [tuple(int(x) if i in (7, 8, 9, 10, 11) else (x or None) for i, x in enumerate(r)) for r in elus or lignes_elus(reg)],
        )

    srows = []
    data = rows(corpus, rangees=rangees)
    benef: dict[tuple[str, str], list[int]] = {}
    for r in data:
        benef.setdefault(cle_beneficiaire(r), []).append(centimes(r["montant"]))
    ids = {k: i for i, k in enumerate(sorted(benef), 1)}
    _insert(con, "beneficiaires", [(ids[k], k[0], k[1] or None, len(m), _euros(sum(m)), sum(m)) for k, m in sorted(benef.items())])
    for r in data:
        srows.append(
            tuple((int(r[c]) if r[c] else None) if c in ENTIERS else (r[c] or None) if c in NULLABLE else r[c] for c in FIELDS)
            + (centimes(r["montant"]), ids[cle_beneficiaire(r)])
        )
    _insert(con, "subventions", srows)


def cle_beneficiaire(r: dict[str, str]) -> tuple[str, str]:
    """A beneficiary of `beneficiaires`: its name as published (spaces folded) and its nature."""
    return " ".join(r["beneficiaire"].split()), r["type_beneficiaire"]


def _euros(c: int) -> str:
    return f"{c // 100}.{c % 100:02d}"


def _base(path: Path, schema: str, remplir: Callable[[sqlite3.Connection], None]) -> Path:
    """Write a database at `path`: `schema`, then `remplir(con)` in one transaction (built in a temporary
    file, then renamed: `store.remplacement_atomique`)."""
    path = Path(path)
    with remplacement_atomique(path, durable=False) as tmp:
        con = sqlite3.connect(tmp)
        try:
            con.execute("PRAGMA journal_mode=OFF")
            con.execute("PRAGMA synchronous=OFF")
            con.execute("PRAGMA foreign_keys=ON")
            con.executescript(schema)
            with con:
                remplir(con)
            bad = con.execute("PRAGMA foreign_key_check").fetchall()
            if bad:
                raise ValueError(f"{path.name} : clés étrangères invalides : {bad[:5]}")
        except sqlite3.OperationalError as err:
            code = SYSTEME.get((getattr(err, "sqlite_errorcode", 0) or 0) & 0xFF)  # the primary code of an extended one
            if code is None:
                raise
            raise OSError(code, os.strerror(code), str(path)) from err
        finally:
            con.close()
    return path


def build(corpus: Corpus, path: Path, rangees: Rangees | None = None) -> Path:
    """The core database at `path`: everything but the long texts."""
    fts = fts_module()

    def remplir(con: sqlite3.Connection) -> None:
        _fill(con, corpus, rangees)
        _index_fts_vues(con, fts)

    return _base(path, _schema(), remplir)


def build_texte(
    corpus: Corpus,
    deliberations: list[DeliberationPubliee],
    path: Path,
    presences: list[list[str]] | None = None,
    base_url: str | None = None,
) -> Path:
    """A year's text database at `path`: the texts of `deliberations` (`par_annee`) and their full-text index, and the
    élus' `presences` (`exports.elus.lignes_presences`: `presences_par_annee` cuts them by year); the annexes' addresses
    absolute under `base_url`."""
    fts = fts_module()

    def remplir(con: sqlite3.Connection) -> None:
        _annexes_fts(con, fts)
        lignes = presences if presences is not None else presences_par_annee(corpus, {"": deliberations})[""]
        _fill_texte(con, corpus, deliberations, lignes, base_url)
        _recherche(con, fts)

    return _base(path, SCHEMA_TEXTE, remplir)


def presences_par_annee(
    corpus: Corpus, annees: dict[str, list[DeliberationPubliee]], lignes: list[list[str]] | None = None
) -> dict[str, list[list[str]]]:
    """The rows of presences.csv (`lignes`, else made from the corpus's élus) cut by the year of their deliberation
    (`annees`: year → deliberations, as `par_annee` gives them), in one pass, each year's in their order."""
    if lignes is None:
        reg = getattr(corpus, "elus", None)  # `generator.elus.personnes.Registre`, set by the build
        lignes = lignes_presences(reg) if reg is not None else []
    annee_de = {d.id: a for a, ds in annees.items() for d in ds}
    out: dict[str, list[list[str]]] = {a: [] for a in annees}
    for r in lignes:
        a = annee_de.get(r[2])
        if a is not None:
            out[a].append(r)
    return out


@functools.cache
def empreinte_code() -> str:
    """What makes the databases besides their data: this module and all it imports, SQLite's version and its full-text module."""
    return code.empreinte(code.modules([Path(__file__)]), f"sqlite {sqlite3.sqlite_version}", fts_module())


def cle_coeur(corpus: Corpus, rangees: Rangees, elus: str | None = None) -> str:
    """What the core database is made of (`build`): the reference geography, the deliberations' rows, the élus'
    (`elus`: their digest, else made of them), what the grants' rows are made of (`Rangees.cle`: not the rows,
    made only when a file changes) and the code."""
    h = hashlib.sha256(f"{empreinte_code()}\x1f{rangees.geographie}".encode())
    valeurs = [list(csv_deliberations.valeurs(corpus, d).values()) for d in csv_deliberations.ordre(corpus)]
    h.update(b"\x1d" + json.dumps(valeurs, ensure_ascii=False).encode())
    h.update(b"\x1d" + (elus or empreinte_json(rangees.elus)).encode())
    h.update(b"\x1e" + b"".join(map(rangees.cle, rangees.ordre)))
    return h.hexdigest()


def cle_texte(
    corpus: Corpus, deliberations: list[DeliberationPubliee], presences: list[list[str]] | str, base_url: str | None
) -> str | None:
    """What a year's text database is made of (`build_texte`): its deliberations, which source each comes from and
    that source's file in site_data/actes (`Corpus.empreinte_actes`: their texts, annexes, lists as printed), the
    élus' `presences` (their rows, or their digest), the site's address and the code. None when the corpus was
    not read from files."""
    sources = sorted({d.source for d in deliberations})
    fichiers = [corpus.empreinte_actes(s) for s in sources]
    if any(f is None for f in fichiers):
        return None
    donnees = [empreinte_code(), base_url, [[d.id, d.source] for d in deliberations], list(zip(sources, fichiers, strict=True)), presences]
    return empreinte_json(donnees)


def write(
    corpus: Corpus, out_dir: Path, base_url: str | None = None, rangees: Rangees | None = None, ecritures: Ecritures | None = None
) -> list[Path]:
    """recueil.sqlite, then one recueil-texte-AAAA.sqlite per year, then metadata.json (which describes them all).
    A database whose key (`cle_coeur`, `cle_texte`) is that of the file the last build left (`Ecritures`) is not
    made again: a month added rebuilds the core and its year's texts, not ten years of them."""
    out_dir = Path(out_dir)
    rangees = rangees or Rangees(corpus)
    ecritures = ecritures or Ecritures(out_dir)
    annees = par_annee(corpus)

    @functools.cache
    def presences() -> dict[str, list[list[str]]]:  # (made once for presences.csv; only when a year is built or keyed on them)
        return presences_par_annee(corpus, annees, rangees.presences or [])

    # the digests of the élus' rows and of each year's presences, kept from a build to the next with what the
    # register is built from (`Rangees.registre`): made of the rows only when that changed (then made anyway)
    elus: str = ecritures.retenu("elus", rangees.registre, lambda: empreinte_json(rangees.elus))
    par_an: dict[str, str] = ecritures.retenu("presences", rangees.registre, lambda: {a: empreinte_json(r) for a, r in presences().items()})
    coeur, cle = out_dir / "recueil.sqlite", cle_coeur(corpus, rangees, elus)
    if not ecritures.a_jour(coeur, cle):
        ecritures.construit(build(corpus, coeur, rangees), cle)
    paths = [coeur]
    for a, ds in sorted(annees.items()):
        chemin = out_dir / TEXTE.format(annee=a)
        cle_annee = cle_texte(corpus, ds, par_an[a], base_url)
        if cle_annee is None or not ecritures.a_jour(chemin, cle_annee):
            build_texte(corpus, ds, chemin, presences()[a], base_url)
            if cle_annee is not None:
                ecritures.construit(chemin, cle_annee)
        paths.append(chemin)
    return paths + [write_metadata(out_dir, base_url, sorted(annees))]


# -- metadata.json, for Datasette ------------------------------------------------

LICENCE = "Licence Ouverte / Open Licence version 2.0"
LICENCE_URL = "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"
SOURCE = "Recueil des actes administratifs du Département du Pas-de-Calais"
COLONNES_TEXTE = {
    **{c: csv_deliberations.COLONNES[c] for c in ("id", "date", "titre")},
    "texte": "Le dispositif : les articles de la délibération, à la suite",
}
COLONNES_ANNEXES = {
    "deliberation": "Identifiant de la délibération",
    "rang": "Rang de l'annexe dans la délibération (1, 2…)",
    "titre": "Titre de l'annexe",
    "url": "Page de l'annexe sur le site, où se lit son texte (sa première partie quand elle en a plusieurs ; #annexe-N : dans "
    "la page de la délibération) ; relative à la racine du site, absolue quand l'adresse du site est fixée",
    "parties": "Nombre de pages du site sur lesquelles l'annexe est publiée (parties)",
    "caracteres": "Longueur du texte extrait de l'annexe, en caractères",
    "line": "Ligne de la source où l'annexe commence",
    "page_pdf": "Page de l'original PDF où l'annexe commence",
}
COLONNES_BENEFICIAIRES = {
    "id": "Numéro du bénéficiaire dans cette base (attribué par ordre alphabétique : il change quand un bénéficiaire s'ajoute)",
    "nom": "Nom du bénéficiaire, tel qu'écrit dans la délibération",
    "type_beneficiaire": "Nature du bénéficiaire : commune, epci, association, syndicat, gip, autre",
    "subventions": "Nombre de subventions reçues",
    "montant": "Total reçu, en euros (€, point décimal)",
    "montant_centimes": "Total reçu, en centimes d'euro (entier)",
}


def metadata(base_url: str | None = None, annees: list[str] | None = None) -> JsonObject:
    """Datasette's `metadata.json`: title, source, licence, tables and columns described, label columns
    (so that a foreign key shows a name), facets and the default sort; for the core database `recueil` and
    each year's text database `recueil-texte-AAAA` (`annees`)."""
    sub_cols = dict(COLUMNS)
    for c in ("montant", "cout_projet", "montant_eligible"):
        sub_cols[c] = sub_cols[c].replace("en euros", "en euros (€)")
    sub_cols["montant_centimes"] = "Montant attribué en centimes d'euro (entier) : pour des sommes exactes"
    sub_cols["beneficiaire_id"] = "Le bénéficiaire dans la table beneficiaires"
    vue = {"annee": "Année de la délibération", "subventions": "Nombre de subventions", "montant": "Total en euros (€, point décimal)"}
    vue["montant_centimes"] = "Total en centimes d'euro"
    tables: dict[str, JsonObject] = {
        "subventions": {
            "description": "Une ligne par subvention attribuée par une délibération publiée, avec ses lieux et la page où la vérifier.",
            "label_column": "beneficiaire",
            "columns": sub_cols,
            "facets": ["type_beneficiaire", "dispositif", "territoire", "organe"],
            "sort_desc": "date",
        },
        "deliberations": {
            "description": "Une ligne par délibération : date, organe, titre, vote, présences, source ; ses textes sont dans recueil-texte-AAAA (son année).",
            "label_column": "titre",
            "columns": csv_deliberations.COLONNES,
            "facets": ["organe", "resultat", "recueil"],
            "sort_desc": "date",
        },
        "beneficiaires": {
            "description": "Les bénéficiaires, avec le nombre et le total de leurs subventions.",
            "label_column": "nom",
            "columns": COLONNES_BENEFICIAIRES,
            "facets": ["type_beneficiaire"],
            "sort_desc": "montant_centimes",
        },
        "communes": {
            "description": "Les communes du Pas-de-Calais (géographie de référence).",
            "label_column": "nom",
            "facets": ["epci", "territoire"],
        },
        "cantons": {"description": "Les cantons du Pas-de-Calais.", "label_column": "nom", "facets": ["territoire"]},
        "commune_cantons": {"description": "Les communes de chaque canton ; fraction = 1 pour une commune partagée entre cantons."},
        "epci": {
            "description": "Les intercommunalités (EPCI à fiscalité propre).",
            "label_column": "nom",
            "facets": ["nature", "territoire"],
        },
        "territoires": {"description": "Les territoires du Département.", "label_column": "nom"},
        "subventions_par_commune_et_annee": {
            "description": "Subventions situées dans chaque commune, par année.",
            "columns": {"code_insee": "Code INSEE", "commune": "Commune", **vue},
        },
        "subventions_par_canton": {
            "description": "Subventions situées dans les communes entières de chaque canton (comme sur sa page), par année.",
            "columns": {"canton": "Code du canton", "nom": "Canton", **vue},
        },
        "subventions_par_dispositif": {
            "description": "Subventions par dispositif ou programme départemental, par année.",
            "columns": {"dispositif": "Dispositif", **vue},
        },
        "subventions_par_territoire": {
            "description": "Subventions situées dans chaque territoire du Département, par année.",
            "columns": {"territoire": "Territoire", "nom": "Nom", **vue},
        },
    }
    out: JsonObject = {
        "title": "Recueil des actes administratifs du Pas-de-Calais",
        "description": "Délibérations et subventions du Département du Pas-de-Calais, extraites de ses recueils des actes "
        "administratifs. Les montants sont en euros ; l'original signé fait foi.",
        "license": LICENCE,
        "license_url": LICENCE_URL,
        "source": SOURCE,
    }
    if base_url:
        out["source_url"] = base_url.rstrip("/") + "/"
    textes: dict[str, JsonObject] = {
        "deliberations": {
            "description": "Les délibérations de l'année : titre et dispositif (la ligne complète est dans la table deliberations "
            "de recueil) ; recherche plein texte deliberations_fts.",
            "label_column": "titre",
            "columns": COLONNES_TEXTE,
            "sort_desc": "date",
        },
        "articles": {"description": "Le dispositif (articles) de chaque délibération.", "label_column": "numero"},
        "rapports": {"description": "Le rapport joint à chaque délibération.", "label_column": "titre"},
        "annexes": {
            "description": "Les annexes de chaque délibération : titre et adresse de leur page sur le site, où se lit leur texte "
            "(il n'est pas dans la base) ; recherche plein texte dans leur texte (annexes_fts).",
            "label_column": "titre",
            "columns": COLONNES_ANNEXES,
            "fts_table": ANNEXES_FTS,
        },
        ANNEXES_FTS: {
            "description": "Index plein texte (sans contenu) des titres et textes des annexes ; son rowid est celui de la ligne "
            "d'annexes (cherchez dans la table annexes)."
        },
        "visas": {"description": "Les visas (« Vu … ») de chaque délibération, à la suite."},
        "presences": {
            "description": "Les listes de présence telles qu'imprimées : élus présents, excusés, absents, avec procuration, par "
            "délibération.",
            "facets": ["statut"],
        },
        "presences_elus": {
            "description": "Une ligne par élu et par délibération de l'année, comme presences.csv : personne renvoie à la table elus "
            "de recueil.",
            "facets": ["statut", "organe"],
        },
        "recherche": {
            "description": "Index plein texte des textes de l'année : titres, visas, articles, rapports "
            "(les textes sont lus dans leurs tables, par la vue recherche_contenu) ; les annexes se cherchent dans la table annexes."
        },
        "recherche_lignes": {"description": "Les lignes de l'index recherche : type, référence, et rowid du texte dans sa table."},
        "recherche_contenu": {
            "description": "Ce qu'indexe recherche, lu dans les tables : une ligne par délibération (ses visas), article et rapport."
        },
    }
    out["databases"] = {"recueil": {"tables": tables}}
    for annee in annees or []:
        out["databases"][TEXTE.format(annee=annee).removesuffix(".sqlite")] = {
            "title": f"Textes des délibérations de {annee}",
            "description": f"Les textes des délibérations de {annee} (visas, articles, rapports, listes de présence) et leur index plein "
            "texte recherche ; leurs annexes, cherchables, avec l'adresse de leur page sur le site ; les délibérations, votes et "
            "subventions sont dans la base recueil.",
            "tables": textes,
        }
    return out


def write_metadata(out_dir: Path, base_url: str | None = None, annees: list[str] | None = None) -> Path:
    path = Path(out_dir) / "metadata.json"
    write_text(path, json.dumps(metadata(base_url, annees), ensure_ascii=False, indent=1) + "\n", durable=False)
    return path

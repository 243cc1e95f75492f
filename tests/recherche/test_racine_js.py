"""The browser's French stemmer (Snowball's JavaScript build in generator/recherche/vendor/snowball/, served as
recherche/racine-fr.js) against the Python `snowballstemmer` that stems the indexes: the same stem
for every word of the test corpus, folded as the search folds it (and as printed, accents and all),
run in Node.js as the browser runs a script."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess

import pytest
from snowballstemmer.french_stemmer import FrenchStemmer

from generator.recherche import index as R
from generator.recherche import snowball_js

from conftest import CORPUS

# generator/recherche/vendor/snowball/README.md: copied byte for byte from the sphinx 9.0.4 wheel, never edited
EMPREINTES = {
    "base-stemmer.js": "eb67bedbfa264bd8a2201ebe07c861abbcbc56d7eaa28c53ff8b84f65ccd450f",
    "french-stemmer.js": "30a3083e5b6076e2caa7f75cff84cc228a7655f046ce621bc726a0728bb03020",
}

# racine-fr.js run as a classic script in a global scope of its own, then every word of stdin's list
_PILOTE = """
const fs = require("fs"), vm = require("vm");
const globaux = vm.createContext({});
vm.runInContext(fs.readFileSync(process.argv[1], "utf8"), globaux, {filename: "racine-fr.js"});
const mots = JSON.parse(fs.readFileSync(0, "utf8"));
process.stdout.write(JSON.stringify({globaux: Object.keys(globaux), racines: mots.map(m => globaux.rpcRacineFr(m))}));
"""


def racines_js(tmp_path, mots: list[str]) -> tuple[list[str], list[str]]:
    """(the script's globals, `rpcRacineFr` of each word) in Node.js."""
    node = shutil.which("node")
    if node is None:
        pytest.fail("Node.js est nécessaire à ce test (apt-get install nodejs)")
    script = tmp_path / "racine-fr.js"
    script.write_text(snowball_js.racine_fr_js(), encoding="utf-8")
    res = subprocess.run(
        [node, "-e", _PILOTE, str(script)],
        input=json.dumps(mots),
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=True,
        timeout=120,
    )
    sortie = json.loads(res.stdout)
    return sortie["globaux"], sortie["racines"]


def vocabulaire() -> tuple[set[str], set[str]]:
    """(every distinct word of tests/fixtures/corpus/*.txt as `recherche.mots` folds it, every distinct
    run of letters of it in lower case, accents kept)."""
    plies, imprimes = set(), set()
    for f in sorted(CORPUS.glob("*.txt")):
        texte = f.read_text(encoding="utf-8")
        plies.update(R.mots(texte))
        imprimes.update(re.findall(r"[^\W\d_]+", texte.lower()))
    return plies, imprimes


def test_fichiers_de_snowball_tels_quels():
    for nom, empreinte in EMPREINTES.items():
        assert hashlib.sha256((snowball_js.DOSSIER / nom).read_bytes()).hexdigest() == empreinte, nom
    premiere = (snowball_js.DOSSIER / "french-stemmer.js").read_text(encoding="utf-8").splitlines()[0]
    assert premiere == f"// Generated from french.sbl by Snowball {snowball_js.VERSION} - https://snowballstem.org/"
    licence = (snowball_js.DOSSIER / "LICENSE").read_text(encoding="utf-8")
    assert "Neither the name of the Snowball project" in licence


def test_racine_fr_js_servi_avec_sa_licence():
    js = snowball_js.racine_fr_js()
    assert R.bibliotheques()["racine-fr.js"] == js  # what the site serves is what is tested here
    licence = (snowball_js.DOSSIER / "LICENSE").read_text(encoding="utf-8")
    debut = js.split("*/", 1)[0]
    assert licence.strip() in debut and f"Snowball {snowball_js.VERSION}" in debut
    for nom in snowball_js.FICHIERS:
        assert (snowball_js.DOSSIER / nom).read_text(encoding="utf-8").rstrip() in js  # unchanged


def test_racines_du_corpus_identiques_en_python_et_en_javascript(tmp_path):
    """The index is stemmed in Python, the query in the browser: on every word of the corpus they agree."""
    plies, imprimes = vocabulaire()
    assert len(plies) > 15_000 and len(imprimes - plies) > 3_000  # 15,647 and 4,000 or so accented
    mots = sorted(plies | imprimes)
    globaux, js = racines_js(tmp_path, mots)
    assert globaux == ["rpcRacineFr"]  # Snowball's BaseStemmer and FrenchStemmer stay inside
    stemmer = FrenchStemmer()
    differents = [(m, j, stemmer.stemWord(m)) for m, j in zip(mots, js) if j != stemmer.stemWord(m)]
    assert differents == []
    assert [js[i] for i, m in enumerate(mots) if m in plies] == [R.racine(m) for m in mots if m in plies]
    # the algorithm is Snowball 3's: lunr.fr.js and the npm ports of Snowball give « cal », « mauv »
    assert [js[mots.index(m)] for m in ("calais", "mauvais", "subventions")] == ["calais", "mauvais", "subvent"]

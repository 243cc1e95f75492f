"""Search (issue 6): French normalisation on the index and the query side, lunr indexes built from
the real corpus, and what they find. The browser side (recherche.js, the same normalisation in
JavaScript) is tested in tests/navigateur/test_recherche.py, the stemmer's JavaScript in tests/test_racine_js.py."""

from __future__ import annotations

import json
import math
from collections import Counter
from pathlib import Path

import pytest
from lunr.builder import Builder
from lunr.vector import Vector

from generator.lieux import places
from generator.recherche import classement
from generator.recherche import index as R
from generator.recherche import requete as Q
from generator.records.corpus import Corpus


@pytest.fixture(scope="module")
def corpus(donnees):
    return Corpus.load(donnees, places.reference())


class _Morceaux(dict):
    """Shards by path; `["2021/textes"]` is the year's single full-text chunk (one recueil in 2021)."""

    def __missing__(self, prefixe):
        trouves = [m for chemin, m in self.items() if chemin.startswith(prefixe + "-")]
        assert len(trouves) == 1, (prefixe, [m.chemin for m in trouves])
        return trouves[0]


@pytest.fixture(scope="module")
def shards(corpus):
    return _Morceaux({m.chemin: m for m in R.morceaux(corpus)})


def index_of(m):
    return R.construire(m.champs, m.docs, m.boosts, m.moyennes)


# -- normalisation ---------------------------------------------------------------
def test_plier_accents_majuscules_ligatures_apostrophes():
    assert R.plier("ÉGLISE Saint-Éloi") == "eglise saint-eloi"
    assert R.plier("Œuvre d’art, cœur") == "oeuvre d'art, coeur"
    assert R.plier("Béthune") == R.plier("BETHUNE") == "bethune"


def test_mots_elisions_et_saint():
    assert R.mots("L'association d’Arras") == ["association", "arras"]
    assert R.mots("l'École qu'il") == ["ecole", "il"]
    assert R.mots("St-Omer") == R.mots("saint omer") == ["saint", "omer"]
    assert R.mots("Ste Catherine") == ["sainte", "catherine"]
    assert R.mots("Le Touquet-Paris-Plage") == ["le", "touquet", "paris", "plage"]
    assert R.mots("délibération n°2021-243") == ["deliberation", "n", "2021", "243"]
    assert R.mots("aujourd'hui") == ["aujourd", "hui"]  # not an elision: both halves kept


@pytest.mark.parametrize(
    "a, b",
    [
        ("ecole", "école"),
        ("EGLISE", "Église"),
        ("églises", "eglise"),
        ("subventions", "subvention"),
        ("l'association", "association"),
        ("d'Arras", "Arras"),
        ("collèges", "college"),
        ("aménagé", "aménagement"),
        ("Béthune", "bethune"),
        ("st omer", "Saint-Omer"),
    ],
)
def test_termes_les_deux_formes_donnent_les_memes_termes(a, b):
    assert R.termes(a) == R.termes(b)


def test_termes_sans_mots_vides():
    assert R.termes("le touquet") == R.termes("touquet") == ["touquet"]
    assert R.termes("Les Amis du Fort") == ["amis", "fort"]
    assert R.termes("de la") == []


def test_racine_snowball_3_pas_celle_de_lunr_fr():
    # lunr.fr.js (2010 port) gives « cal » and « pal »; snowballstemmer 3.1.1 keeps the words
    assert R.racine("calais") == "calais"
    assert R.racine("palais") == "palais"
    assert R.racine("subventions") == R.racine("subvention") == "subvent"


# whitespace `str.split` cuts at and `bytes.split` does not (no-break, em, narrow, ideographic spaces, separators)
ESPACES_PIEGES = (
    "St-Omer,\u00a0l'école\u2003d’Arras\n\tÉ\u0301cole a \u0301b jusqu'\u00a0à 3\u202f107,00 ﬁn Ⅳ ¨ ² x\x1cy\x85z\u2028w\u3000v"
)


def test_compter_egale_termes_sur_le_corpus(corpus):
    d = corpus.deliberations["2021-243"]
    for texte in (R._texte_deliberation(d, corpus.textes(d).rapport), d.titre, ESPACES_PIEGES):
        counts, n = R.compter(texte)
        attendu = Counter(R.termes(texte))
        assert list(counts.items()) == list(attendu.items())  # same order: lunr numbers terms by first occurrence
        assert n == len(R.termes(texte))


def test_compter_egale_termes_sur_les_annexes(corpus):
    """The annexes' terms and counts are read piece by piece (`bytes.split`): the same as reading word by word,
    in the same order."""
    textes = [corpus.texte_annexe(d, i) for d in corpus.deliberations.values() for i in range(len(d.annexes))]
    assert sum(map(len, textes)) > 2_000_000
    for texte in textes + [ESPACES_PIEGES]:
        termes = R.termes(texte)
        counts, n = R.compter(texte)
        assert list(counts.items()) == list(Counter(termes).items()) and n == len(termes)


def test_compter_pieces_retenues_une_fois():
    """A piece of text met again is not folded nor stemmed again; a no-break space inside a piece still parts words."""
    R._TERMES_BLOCS.clear()
    assert R.compter("Arras\u00a0Lens Arras\u00a0Lens") == ({"arras": 2, "len": 2}, 4)
    assert dict(R._TERMES_BLOCS) == {"Arras\u00a0Lens".encode(): ("arras", "len")}


# -- query side ---------------------------------------------------------------------
def test_analyser_la_requete_comme_le_navigateur():
    assert Q.analyser("st omer") == [("saint", ("saint",), False), ("omer", ("omer",), True)]  # Snowball joins the plurals
    assert Q.analyser("st omer ") == [("saint", ("saint",), False), ("omer", ("omer",), False)]
    assert Q.analyser("le touquet") == [("touquet", ("touquet",), True)]
    assert Q.analyser("EGLISE") == [("eglise", ("eglis",), True)]
    assert Q.analyser("ami du fort") == [("ami", ("ami", "amis"), False), ("fort", ("fort",), True)]
    assert Q.analyser("de la") == []


@pytest.mark.parametrize("mot, aussi", [("ami", "amis"), ("amis", "ami"), ("jeu", "jeux"), ("lieux", "lieu"), ("velo", "vélos")])
def test_variantes_singulier_pluriel_que_snowball_separe(mot, aussi):
    assert R.racine(mot) != R.racine(R.mots(aussi)[0])
    assert R.racine(R.mots(aussi)[0]) in Q.variantes(mot)


def test_variantes_sans_nombres_ni_mots_vides():
    assert Q.variantes("2021") == ("2021",)
    assert Q.variantes("mois") == ("mois",)  # « moi » is a stop word
    assert Q.variantes("bus") == ("bus",)  # too short to lose its « s »


# -- index building -------------------------------------------------------------------
@pytest.mark.parametrize("chemin", ["lieux", "2021/textes", "2021/subventions", "2021/deliberations"])
def test_constructeur_rapide_egale_builder_lunr(shards, chemin, monkeypatch):
    """Our fast Builder gives byte for byte the index lunr's own Builder.add gives; for a ranked kind of shard,
    lunr's with idf 1 and the fixed average lengths of generator/recherche/classement.py."""
    m = shards[chemin]

    class Fixe(Builder):
        def _calculate_average_field_lengths(self):
            super()._calculate_average_field_lengths()
            if m.moyennes is not None:
                self.average_field_length = dict(m.moyennes)

    if m.moyennes is not None:
        monkeypatch.setattr("lunr.builder.Idf", lambda posting, n: 1)
    assert (m.moyennes is None) == (chemin == "lieux")
    b = Fixe()
    b.pipeline.add(R.mots_vides_fr, R.racine_fr)
    b.search_pipeline.add(R.racine_fr)
    b.ref("r")
    for nom, boost in m.champs:
        b.field(nom, boost=boost)
    for i, d in enumerate(m.docs):
        b.add(
            {k: v if k == "r" else " ".join(R.mots(v)) for k, v in d.items()},
            {"boost": m.boosts[i]} if m.boosts and m.boosts[i] != 1 else None,
        )
    assert R.dumps(index_of(m)) == R.dumps(b.build().serialize())


def test_constructeur_ne_surcharge_que_des_methodes_publiques_de_lunr():
    surcharges = {nom for nom in vars(R.Constructeur) if callable(getattr(Builder, nom, None))}
    assert surcharges == {"__init__", "add", "build"}


def test_vecteurs_serialises_tels_quels(shards):
    """The vectors `Constructeur` makes hold weights rounded already: serialised as they are (no `round` per
    element, millions at ten years), which is what lunr's `Vector.serialize` gives them."""
    m = shards["2021/textes"]
    b = R.Constructeur(m.champs, m.moyennes)
    for d in m.docs:
        b.add(d)
    vecteurs = list(b.build().field_vectors.values())
    assert len(vecteurs) == len(m.docs) * len(m.champs)
    assert all(v.serialize() is v.elements for v in vecteurs)
    assert [v.serialize() for v in vecteurs] == [Vector.serialize(v) for v in vecteurs]


def test_lunr_js_du_paquet_npm_a_la_version_des_index():
    """The browser's lunr.js is the npm package's, unchanged, with its licence (generator/recherche/vendor/lunr/),
    at the version of lunr.js that the Python package writes its indexes for."""
    import hashlib

    import lunr

    texte = R.LUNR_JS.read_bytes()
    assert hashlib.sha256(texte).hexdigest() == "9431726f05c0eae2a6e54dc197709422869f25cad44f2430d2fb7ddae80cc717"
    assert texte.splitlines()[1].endswith(f"- {lunr.__TARGET_JS_VERSION__}".encode())
    assert R.construire([("n", 1)], [])["version"] == lunr.__TARGET_JS_VERSION__ == "2.3.9"
    assert (R.LUNR_JS.parent / "LICENSE").read_text().startswith("Copyright (C) 2013 by Oliver Nightingale")
    assert R.bibliotheques()["lunr.js"] == texte.decode()


def test_index_serialise_pour_lunr_js(shards):
    ser = index_of(shards["lieux"])
    assert ser["version"] == "2.3.9"
    assert ser["pipeline"] == ["racine-fr"]
    compact = R.compacter(ser)
    assert R.completer(compact) == ser
    assert len(R.dumps(compact)) < len(R.dumps(ser))


def test_index_vide_chargeable():
    """A corpus without beneficiaries still gets a beneficiaries shard lunr can load."""
    from lunr.index import Index

    vide = R.construire([("n", 10)], [])
    assert vide == Index.load(vide).serialize() and Q.chercher(vide, "amis") == []


def test_lieux_trouves_comme_on_les_tape(shards):
    m = shards["lieux"]
    idx = index_of(m)

    def premier(q):
        refs = Q.chercher(idx, q)
        return m.affichage[int(refs[0])][1:3] if refs else None

    assert premier("wancourt") == ["Wancourt", "communes/wancourt/"]
    assert premier("wanc") == ["Wancourt", "communes/wancourt/"]
    assert premier("bethune") == ["Béthune", "communes/bethune/"]
    assert premier("BÉTHUNE") == ["Béthune", "communes/bethune/"]
    assert premier("st omer") == premier("saint-omer") == ["Saint-Omer", "communes/saint-omer/"]
    assert premier("le touquet") == ["Le Touquet-Paris-Plage", "communes/le-touquet-paris-plage/"]
    assert premier("62873") == ["Wancourt", "communes/wancourt/"]
    kinds = [m.affichage[int(r)][0] for r in Q.chercher(idx, "arras")]
    assert kinds[0] == "commune" and "canton" in kinds and "epci" in kinds
    assert Q.chercher(idx, "zzzz") == []


def test_beneficiaire_par_son_nom(shards):
    m = shards["beneficiaires"]
    refs = Q.chercher(index_of(m), "amis du fort")
    row = m.affichage[int(refs[0])]
    assert row[1] == "Les Amis du Fort d'Ambleteuse"
    assert row[2] == "beneficiaires/les-amis-du-fort-d-ambleteuse/"
    assert row[4] == ["2019"]
    assert all(r[0] == "beneficiaire" for r in m.affichage)


@pytest.mark.parametrize(
    "q, nom, page",
    [
        ("jumez", "Maryse JUMEZ", "elus/maryse-jumez/"),
        ("JUMÉZ", "Maryse JUMEZ", "elus/maryse-jumez/"),
        ("mulot friscourt", "Maïté MULOT-FRISCOURT", "elus/maite-mulot-friscourt/"),
        ("maite mulot", "Maïté MULOT-FRISCOURT", "elus/maite-mulot-friscourt/"),
        ("beigneux", "Aurélia BEIGNEUX", "elus/aurelia-beigneux/"),
        ("aurelie beigneux", "Aurélia BEIGNEUX", "elus/aurelia-beigneux/"),  # a printing of the alias file
        ("dautriche desm", "Audrey DAUTRICHE-DESMARAI", "elus/audrey-dautriche-desmarai/"),  # being typed
    ],
)
def test_elus_dans_l_index_construit(site, q, nom, page):
    """The built site's councillors' index (content/recherche → site/recherche), queried as the browser does."""
    dossier = site / "recherche"
    manifeste = json.loads((dossier / "manifeste.json").read_text(encoding="utf-8"))
    fichier = json.loads((dossier / manifeste["elus"]["fichier"]).read_text(encoding="utf-8"))
    assert manifeste["elus"]["n"] == len(fichier["docs"]) == 119
    refs = Q.chercher(fichier["index"], q)
    assert refs and fichier["docs"][int(refs[0])][:3] == ["elu", nom, page]
    assert (site / page / "index.html").exists()
    assert R.LIBELLES["elu"] == "Élu(e)" and fichier["docs"][int(refs[0])][3].startswith("Élu(e) du Département · ")


def test_deliberation_par_numero_titre_et_texte(shards):
    titres = shards["2021/deliberations"]
    refs = Q.chercher(index_of(titres), "2021-243")
    assert titres.affichage[int(refs[0])][:4] == ["deliberation", "2021-243", "PROGRAMMATION FARDA AMENAGEMENT", "deliberations/2021-243/"]
    assert titres.affichage[int(refs[0])][4] == "7 juin 2021"
    textes = shards["2021/textes"]
    refs = Q.chercher(index_of(textes), "farda amenagement")
    assert "2021-243" in {textes.docs[int(r)]["n"] for r in refs}
    # full text of rapports: « collège » is in 2019-117's rapport, not in its title
    t2019 = shards["2019/textes"]
    assert {t2019.docs[int(r)]["n"] for r in Q.chercher(index_of(t2019), "college")} == {"2019-117"}
    assert t2019.affichage[0][0] == "deliberation" and len(t2019.affichage) == len(t2019.docs)  # self-contained chunk


def test_annexes_cherchables_et_liees_a_leur_page(shards):
    """« piscine » is only in annexes: 2019-117's convention (8 pages, the word in parts 1 to 7) and the CABBALR contract."""
    m = shards["2019/annexes"]
    assert m.sorte == "annexes" and not m.champs
    fichier = json.loads(R.contenu(m))
    assert len(fichier["docs"]) == 12  # 2019-117's convention in 8 parts, one annex for each of 2019-118 to 2019-121
    rows = [fichier["docs"][int(r)] for r in Q.chercher_annexes(fichier, "piscine")]
    assert [r[2] for r in rows] == [f"deliberations/2019-117/annexe-1-partie-{k}/" for k in range(1, 8)]
    assert rows[0] == [
        "annexe",
        "CONVENTION",
        "deliberations/2019-117/annexe-1-partie-1/",
        "2019-117",
        "29 avril 2019",
        "CONTRACTUALISATION: VALIDATION DES CONTRATS TERRITORIAUX DE DÉVELOPPEMENT DURABLE ENTRE LE DÉPARTEMENT "
        "DU PAS-DE-CALAIS ET SES PARTENAIRES",
        1,
        1,
        8,
    ]
    assert Q.chercher_annexes(fichier, "piscines") == Q.chercher_annexes(fichier, "PISCINE ") == Q.chercher_annexes(fichier, "pisc")
    assert Q.chercher_annexes(fichier, "piscine zzqxw") == []
    cabbalr = json.loads(R.contenu(shards["2023/annexes"]))
    assert [cabbalr["docs"][int(r)][2:4] for r in Q.chercher_annexes(cabbalr, "piscine")] == [
        ["deliberations/cabbalr-2023-12-12/annexe-1/", "cabbalr-2023-12-12"]
    ]
    t2019 = shards["2019/textes"]
    assert Q.chercher(index_of(t2019), "piscine") == []  # not in any title, article or rapport


def test_annexe_courte_liee_a_la_page_de_sa_deliberation(shards):
    fichier = json.loads(R.contenu(shards["2021/annexes"]))
    (ref,) = Q.chercher_annexes(fichier, "haie auxilières")
    assert fichier["docs"][int(ref)][2:4] + fichier["docs"][int(ref)][6:] == ["deliberations/2021-236/#annexe-1", "2021-236", 1, 1, 1]


def test_vocabulaire_annexes_termes_tries_de_chaque_partie():
    f = R.vocabulaire_annexes(
        [{"r": "0", "x": "Piscine et école"}, {"r": "1", "x": "l'École, les écoles d'Arras"}],
        [["d-1", 1, "A", "1 janvier 2021", "T"], ["d-1", 2, "", "1 janvier 2021", "T"]],
    )
    assert f["termes"] == "arras ecol piscin" and f["parties"] == ["1 1", "0 1:2"]  # numbers in "termes", as gaps, and counts
    assert f["longueurs"] == [2, 3]
    assert R.termes_des_parties(f) == [["ecol", "piscin"], ["arras", "ecol"]]
    assert classement.parties(f) == [{"ecol": 1, "piscin": 1}, {"arras": 1, "ecol": 2}]
    assert f["docs"][1] == ["annexe", "", "deliberations/d-1/#annexe-2", "d-1", "1 janvier 2021", "T", 2, 1, 1]  # its own anchor
    assert Q.chercher_annexes(f, "écoles") == ["0", "1"] and Q.chercher_annexes(f, "ecole arr") == ["1"]


def test_subvention_par_objet_avec_montant_beneficiaire_commune_date(shards):
    m = shards["2021/subventions"]
    idx = index_of(m)
    rows = [m.affichage[int(r)] for r in Q.chercher(idx, "abribus")]
    assert len(rows) == 18
    assert all("abribus" in R.plier(r[1]) or "abri bus" in R.plier(r[1]) for r in rows)
    wancourt = [m.affichage[int(r)] for r in Q.chercher(idx, "wancourt")]
    assert [r[2:9] for r in wancourt] == [
        ["3\u202f107,00\xa0€", "Commune de Wancourt", "communes/wancourt/", "", "communes/wancourt/", "7 juin 2021", "2021-243"]
    ]
    assert [m.affichage[int(r)][1] for r in Q.chercher(idx, "défense incendie")] == ["DECI — Défense incendie"]
    ecole = [m.affichage[int(r)][1] for r in Q.chercher(idx, "ecole")]
    assert "REHAB PARTIELLES — Remplacement de fenêtres à l'école" in ecole
    assert all("ecol" in R.plier(o) for o in ecole)  # stem « ecol »: « école », « écoles », and « rue des Ecols »
    eglise = [m.affichage[int(r)][1] for r in Q.chercher(idx, "EGLISE")]
    assert eglise and all("eglise" in R.plier(o) for o in eglise)


# -- writing ---------------------------------------------------------------------------
def test_ecrire_deterministe_et_manifeste_complet(corpus, tmp_path):
    a, b, cache = tmp_path / "a", tmp_path / "b", tmp_path / "cache"
    manifeste = R.ecrire(corpus, a)
    R.ecrire(corpus, b, cache=cache)
    fichiers = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
    assert fichiers == sorted(p.relative_to(b) for p in b.rglob("*") if p.is_file())
    assert all((a / f).read_bytes() == (b / f).read_bytes() for f in fichiers)
    (b / "2019" / "textes-ancien.0123456789.json").write_text("{}")  # left by an earlier build
    (b / "index.md").write_text("page")
    R.ecrire(corpus, b, cache=cache)  # from the cache: same bytes, nothing else
    assert all((a / f).read_bytes() == (b / f).read_bytes() for f in fichiers)
    assert sorted(p.relative_to(b) for p in b.rglob("*") if p.is_file()) == sorted(fichiers + [Path("index.md")])
    assert [y["annee"] for y in manifeste["annees"]] == ["2023", "2022", "2021", "2019"]
    y2021 = manifeste["annees"][2]
    assert y2021["n_deliberations"] == 21 and y2021["n_subventions"] == 505
    listed = [manifeste["lieux"]["fichier"], manifeste["beneficiaires"]["fichier"], manifeste["elus"]["fichier"]]
    for y in manifeste["annees"]:
        listed.append(y["deliberations"])
        for lot in y["lots"]:
            listed += [*lot["textes"], *lot["annexes"], *lot["subventions"]]
    assert [lot["source"] for lot in y2021["lots"]] == ["004_45492b4b56f19b50"]
    repertoire = [str(f) for f in fichiers if str(f).startswith("repertoire/")]
    assert len(repertoire) == manifeste["repertoire"]["fichiers"] > 100
    fichiers = [f for f in fichiers if not str(f).startswith("repertoire/")]
    assert sorted(listed + ["lunr.js", "racine-fr.js", "manifeste.json"]) == sorted(str(f) for f in fichiers)
    assert json.loads((a / "manifeste.json").read_text())["mots_vides"] == sorted(R.MOTS_VIDES)
    assert "lunr - http://lunrjs.com" in (a / "lunr.js").read_text()


def test_site_construit_sans_recherche_material(site):
    assert not (site / "search" / "search_index.json").exists()
    html = (site / "communes" / "wancourt" / "index.html").read_text()
    assert 'role="search"' in html and 'id="rpc-q"' in html and "md-search" not in html
    assert "assets/recherche.js" in html
    page = (site / "recherche" / "index.html").read_text()
    assert 'id="rpc-q"' not in page  # one box on the search page: its own
    assert "La recherche a besoin de JavaScript" in page and 'href="../communes/"' in page


# -- term directory ------------------------------------------------------------------------
def test_repertoire_positions_des_sources_par_terme():
    from generator.recherche import repertoire

    f = repertoire.construire([{"piscin": 12, "ecol": 3}, {"ecol": 5, "abribus": 22}, {"piscin": 7}], {"piscin": 2, "ecol": 40}, 100)
    # [idf in hundredths, source, bound of the term there (tenths), …]
    assert f == {"pi": {"piscin": [370, 0, 12, 2, 7]}, "ec": {"ecol": [91, 0, 3, 1, 5]}, "ab": {"abribus": [531, 1, 22]}}
    assert classement.idf(2, 100) == round(100 * math.log(1 + 98.5 / 2.5)) == 370
    beaucoup = repertoire.construire([{"ecol": k + 1} for k in range(repertoire.MAX_LOTS + 3)], {"ecol": 19}, 19)
    # and maybe any older source, where the term weighs at most the best of them
    assert beaucoup["ec"]["ecol"] == [classement.idf(19, 19), *[x for k in range(repertoire.MAX_LOTS) for x in (k, k + 1)], -1, 19]
    textes, version = repertoire.textes_fichiers(f)
    assert sorted(textes) == ["ab.json", "ec.json", "pi.json"] and len(version) == 10
    assert repertoire.textes_fichiers(f) == (textes, version)


def test_repertoire_du_corpus(corpus, tmp_path):
    """Each year's titles are a source, and each recueil up to three, its full-text chunks, its grant chunks
    and its annexes, numbered in the manifest's years and lots."""
    manifeste = R.ecrire(corpus, tmp_path)
    sources = {}
    for y in manifeste["annees"]:
        sources[y["position_titres"]] = (y["annee"], "titres")
        for lot in y["lots"]:
            sources[lot["position"]] = (y["annee"], "textes")
            for genre in ("subventions", "annexes"):
                if lot[genre]:
                    sources[lot[f"position_{genre}"]] = (y["annee"], genre)
    # 2022's and 2023's extracts have no grant, 2022's no annex
    assert sorted(sources) == list(range(len(sources))) and len(sources) == 4 + 4 + 2 + 3

    def ou(terme):
        return [sources[p] for p in json.loads((tmp_path / "repertoire" / f"{terme[:2]}.json").read_text())[terme][1::2]]

    assert ou("abribus") == [("2021", "subventions"), ("2021", "annexes")]  # grants of 2021-243 and the table of its annex
    # « collège »: 2019-117 (rapport, convention) and a 2019 grant; otherwise only in annexes of 2021 and 2023
    assert ou("colleg") == [("2023", "annexes"), ("2021", "annexes"), ("2019", "textes"), ("2019", "subventions"), ("2019", "annexes")]
    assert ou("piscin") == [("2023", "annexes"), ("2019", "annexes")]  # nowhere but in annexes


def test_titres_d_une_annee_dans_le_repertoire(corpus, tmp_path):
    """A year's deliberation titles are a source of the directory: the results page reads them only for a
    word they hold (« farda », in 2021-243's title), or for a deliberation number of that year."""
    manifeste = R.ecrire(corpus, tmp_path)
    titres = {y["position_titres"]: y["annee"] for y in manifeste["annees"]}

    def annees(terme):
        liste = json.loads((tmp_path / "repertoire" / f"{terme[:2]}.json").read_text()).get(terme, [0])
        return [titres[p] for p in liste[1::2] if p in titres]

    assert annees(R.racine("farda")) == ["2021"]
    assert annees(R.racine("college")) == annees(R.racine("wancourt")) == []  # in 2019-117's rapport, in grants: in no title
    assert sorted(titres.values(), reverse=True) == [y["annee"] for y in manifeste["annees"]]

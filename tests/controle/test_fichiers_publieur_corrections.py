"""corrections.yaml, the publisher's hand-written file: checked whole, every mistake reported with
its line, what was expected and the fix; no value can become a path; never a traceback."""

from __future__ import annotations

import json

import pytest
from test_corrections import S003, S004, root  # noqa: F401  (root: a site_data with the real 003 and 004)

from generator.commun.erreurs import ErreurDeSaisie
from generator.controle import corrections
from generator.controle.corrections import CorrectionDeliberation, CorrectionError, CorrectionLieu, CorrectionSubvention
from generator.extraction import Paths, extract

from conftest import CORPUS
from projet import CORRECTIONS

ATTENDU_DELIBERATION = "attendu un numéro de délibération comme 2021-243 (ou cabbalr-2023-12-12 pour l'acte d'un partenaire)"


def _charger(tmp_path, texte: str | bytes):
    p = tmp_path / "corrections.yaml"
    if isinstance(texte, bytes):
        p.write_bytes(texte)
    else:
        p.write_text(texte, "utf-8")
    return corrections.load(p)


def _erreurs(tmp_path, texte: str | bytes) -> list[tuple[int | None, str]]:
    """(line, message) of every problem `load` reports; it must raise CorrectionError, nothing else."""
    with pytest.raises(corrections.CorrectionError) as err:
        _charger(tmp_path, texte)
    assert isinstance(err.value, ErreurDeSaisie) and all(e.fichier == "corrections.yaml" for e in err.value.erreurs)
    assert str(err.value) == "\n".join(e.texte() for e in err.value.erreurs)  # what the command line prints: all of them
    return [(e.ligne, e.message) for e in err.value.erreurs]


def test_real_entries_are_read_with_their_lines(tmp_path):
    fixes = _charger(
        tmp_path,
        """# en-tête
lieux:
  - ecrit: "Bainctun"
    type: commune
    code: "62075"          # Baincthun
  - ecrit: "CA de Boulogne"
    type: epci
    code: "246200729"
deliberations:
  - id: "2019-117"
    source: 001_e1a7153a0531ec73.txt
    corriger: {titre: "Budget primitif", date: 2019-04-29, organe: Conseil départemental}
  - id: cabbalr-2023-12-12
    corriger: {id: "cabbalr-2023-12-13"}
subventions:
  - id: "2021-243-0012"
    corriger: {beneficiaire: "Commune de Wancourt", commune: "62873", type_beneficiaire: commune, dispositif: "FARDA voirie"}
""",
    )
    assert fixes.lieux == [
        CorrectionLieu(3, "Bainctun", "commune", "62075"),
        CorrectionLieu(6, "CA de Boulogne", "epci", "246200729"),
    ]
    assert fixes.deliberations == [
        CorrectionDeliberation(
            10,
            "2019-117",
            {"titre": "Budget primitif", "date": "2019-04-29", "organe": "Conseil départemental"},
            "001_e1a7153a0531ec73.txt",
        ),
        CorrectionDeliberation(13, "cabbalr-2023-12-12", {"id": "cabbalr-2023-12-13"}),
    ]
    assert fixes.subventions == [
        CorrectionSubvention(
            16,
            "2021-243-0012",
            {"beneficiaire": "Commune de Wancourt", "commune": "62873", "type_beneficiaire": "commune", "dispositif": "FARDA voirie"},
        )
    ]


def test_the_fixture_copy_of_the_publishers_file_is_valid():
    """tests/fixtures/corrections.yaml, the publisher's file as the tests know it (the repository's own
    changes month after month): its eight misprints of the April 2019 sommaire."""
    lieux = corrections.load(CORRECTIONS).lieux
    assert len(lieux) == 8 and {(l.ecrit, l.code) for l in lieux} >= {("Montcarvel", "62585"), ("Gonchem", "62376")}


@pytest.mark.parametrize(
    "texte", ["", "# seulement des commentaires\n", "lieux:\ndeliberations: ~\nsubventions: []\n", "\ufefflieux: []\n"]
)
def test_empty_file_or_rubriques_mean_no_correction(tmp_path, texte):
    assert _charger(tmp_path, texte) == corrections.Corrections()


@pytest.mark.parametrize(
    "texte, ligne, debut",
    [
        ("lieux:\n  - ecrit: Baincthun\n\t type: commune\n", 3, "une tabulation ; l'indentation se fait avec des espaces"),
        ('lieux:\n  - ecrit: "Baincthun\n    type: commune\n', 2, "guillemet non refermé"),
        ("lieux:\n  - ecrit: Baincthun\n    type: commune\n   code: '62075'\n", 4, "indentation incohérente"),
        ("lieux: [\n", 1, "valeur manquante (crochet, accolade ou guillemet non refermé ?)"),
        (
            "deliberations:\n  - id: 2021-243\n    corriger:\n      titre: Rapport: budget\n",
            4,
            "un « : » de trop (un texte contenant « : » doit être entre guillemets)",
        ),
        ("lieux: []\n---\nlieux: []\n", 2, "plusieurs documents séparés par « --- »"),
    ],
)
def test_yaml_syntax_error_names_its_line(tmp_path, texte, ligne, debut):
    [(n, message)] = _erreurs(tmp_path, texte)
    assert n == ligne and message.startswith(debut)
    assert message.endswith(
        "; attendu des lignes « clé: valeur » indentées par des espaces, chaque entrée commençant par « - » ; "
        "corrigez cette ligne (voir l'exemple en tête du fichier)"
    )


def test_unknown_rubrique(tmp_path):
    assert _erreurs(tmp_path, "lieux: []\ndélibérations:\n  - id: '2021-243'\n") == [
        (
            2,
            "rubrique inconnue « délibérations » (vouliez-vous dire « deliberations » ?) ; attendu lieux, deliberations ou subventions ; corrigez son nom",
        )
    ]


def test_unknown_key_in_an_entry(tmp_path):
    assert _erreurs(tmp_path, "lieux:\n  - ecrit: Wancourt\n    typ: commune\n    type: commune\n    code: '62873'\n") == [
        (
            3,
            "entrée de « lieux » : clé inconnue « typ » (vouliez-vous dire « type » ?) ; attendu ecrit, type, code ; corrigez ou supprimez cette clé",
        )
    ]
    assert _erreurs(tmp_path, "deliberations:\n  - id: '2021-243'\n    corriger: {tire: Budget}\n") == [
        (
            3,
            "corriger : clé inconnue « tire » (vouliez-vous dire « titre » ?) ; attendu id, titre, date, organe ; corrigez ou supprimez cette clé",
        )
    ]


@pytest.mark.parametrize(
    "texte, attendu",
    [
        (
            "deliberations:\n  - id: '2021-243'\n    corriger: {titre: [Budget, primitif]}\n",
            (3, '« titre » est une liste ; attendu un texte sur une ligne ; écrivez titre: "…" sur une seule ligne'),
        ),
        (
            "deliberations:\n  - id: '2021-243'\n    corriger: Budget primitif\n",
            (
                3,
                '« corriger » contient « Budget primitif » ; attendu les champs à corriger, parmi id, titre, date, organe ; écrivez par exemple corriger: {titre: "…"}',
            ),
        ),
        (
            "lieux:\n  ecrit: Wancourt\n",
            (
                2,
                "la rubrique « lieux » contient un ensemble de clés ; attendu une liste d'entrées, chacune commençant par « - » ; ajoutez « - » devant la première clé de chaque entrée",
            ),
        ),
        (
            "lieux:\n  - Wancourt\n",
            (
                2,
                "entrée de « lieux » : « Wancourt » ; attendu les clés ecrit, type, code (une par ligne, « clé: valeur ») ; reprenez l'exemple en tête du fichier",
            ),
        ),
        (
            "- lieux\n",
            (
                1,
                "le fichier contient une liste ; attendu les rubriques « lieux: », « deliberations: », « subventions: » en début de ligne ; reprenez l'exemple en tête du fichier",
            ),
        ),
        (
            "deliberations:\n  - id: '2021-243'\n    corriger: {date: 2021-02-30}\n",
            (3, "date « 2021-02-30 » invalide ; attendu une date AAAA-MM-JJ (ex. 2021-06-07) ; corrigez la date"),
        ),
        (
            "subventions:\n  - id: '2021-243-0012'\n    corriger: {type_beneficiaire: club}\n",
            (
                3,
                "type_beneficiaire « club » inconnu ; attendu l'un de : commune, epci, association, syndicat, gip, departement, autre ; corrigez-le",
            ),
        ),
        (
            "subventions:\n  - id: '2021-243-0012'\n    corriger: {commune: '62999'}\n",
            (
                3,
                "commune « 62999 » inconnue du référentiel ; attendu le code INSEE d'une commune du Pas-de-Calais (ex. 62873 pour Wancourt) ; corrigez le code",
            ),
        ),
        (
            "lieux:\n  - ecrit: Wancourt\n    type: commune\n    code: '99999'\n",
            (
                4,
                "commune « 99999 » inconnue du référentiel ; attendu le code INSEE d'une commune du Pas-de-Calais (ex. 62873 pour Wancourt) ; corrigez le code (voir site_data/reference)",
            ),
        ),
        (
            "lieux:\n  - ecrit: Wancourt\n    type: ville\n    code: '62873'\n",
            (3, "type « ville » inconnu ; attendu commune ou epci ; corrigez le type"),
        ),
    ],
)
def test_wrong_type_or_value(tmp_path, texte, attendu):
    assert _erreurs(tmp_path, texte) == [attendu]


def test_missing_required_key(tmp_path):
    assert _erreurs(tmp_path, "subventions:\n  - id: '2021-243-0012'\n") == [
        (2, "entrée de « subventions » sans « corriger » ; attendu id, corriger ; ajoutez la clé « corriger: »")
    ]
    assert _erreurs(tmp_path, "lieux:\n  - ecrit: Baincthun\n    code: '62075'\n") == [
        (2, "entrée de « lieux » sans « type » ; attendu ecrit, type, code ; ajoutez la clé « type: »")
    ]


@pytest.mark.parametrize("valeur", ["../../../x", "a/b", "..", "/etc/passwd", "..\\\\..\\\\x", "2021-243/../../x"])
def test_path_like_ids_are_refused(tmp_path, valeur):
    texte = f'deliberations:\n  - id: "2021-243"\n    corriger: {{id: "{valeur}"}}\nsubventions:\n  - id: "{valeur}"\n    corriger: {{objet: x}}\n'
    shown = valeur.replace("\\\\", "\\")
    assert _erreurs(tmp_path, texte) == [
        (
            3,
            f"corriger: id « {shown} » n'est pas un identifiant valide ; « / », « \\ » et « .. » sont interdits dans un identifiant ; "
            f"{ATTENDU_DELIBERATION} ; recopiez l'identifiant affiché sur le site ou dans site_data",
        ),
        (
            5,
            f"id « {shown} » n'est pas un identifiant valide ; « / », « \\ » et « .. » sont interdits dans un identifiant ; "
            "attendu un identifiant de subvention comme 2021-243-0012 (numéro de la délibération et rang à 4 chiffres) ; "
            "recopiez l'identifiant affiché sur le site ou dans site_data",
        ),
    ]


def test_nul_in_an_id_is_refused(tmp_path):
    assert _erreurs(tmp_path, 'deliberations:\n  - id: "2021-243"\n    corriger: {id: "2021-243\\0"}\n') == [
        (
            3,
            "« id » contient un caractère de contrôle (U+0000, un retour à la ligne ?) ; attendu un texte sur une ligne ; retapez cette valeur",
        )
    ]


def test_path_like_source_is_refused(tmp_path):
    assert _erreurs(
        tmp_path, 'deliberations:\n  - id: "2021-243"\n    source: ../004_45492b4b56f19b50.txt\n    corriger: {titre: x}\n'
    ) == [
        (
            3,
            "source « ../004_45492b4b56f19b50.txt » invalide ; attendu le nom d'un fichier de site_data/sources, sans dossier "
            "(ex. 003_97c6f9649ae06488.txt) ; gardez seulement le nom du fichier",
        )
    ]


@pytest.mark.parametrize(
    "rubrique, valeur",
    [
        ("deliberations", "21-243"),
        ("deliberations", "2021-243-0012"),
        ("deliberations", "N° 2021-243"),
        ("subventions", "2021-243"),
        ("subventions", "2021-243-12"),
    ],
)
def test_id_of_the_wrong_format(tmp_path, rubrique, valeur):
    champ = "titre" if rubrique == "deliberations" else "objet"
    [(ligne, message)] = _erreurs(tmp_path, f"{rubrique}:\n  - id: '{valeur}'\n    corriger: {{{champ}: x}}\n")
    assert ligne == 2 and message.startswith(f"id « {valeur} » n'est pas un identifiant valide ; attendu ")
    assert "interdits" not in message


def test_every_problem_of_the_file_is_reported_at_once(tmp_path):
    problemes = _erreurs(
        tmp_path,
        """lieux:
  - ecrit: Wancourt
    type: commune
    code: "62999"
  - ecrit: Baincthun
    type: commune
    code: "62075"
  - ecrit: BAINCTHUN
    type: commune
    code: "62075"
deliberations:
  - id: "2021-243"
    corriger: {id: "../../../x", organe: commission permanente}
subventions:
  - id: "2021-243-0012"
    corrigé: {objet: x}
divers: []
""",
    )
    assert [(n, m.split(" ;")[0]) for n, m in problemes] == [
        (4, "commune « 62999 » inconnue du référentiel"),
        (8, "« BAINCTHUN » (commune) est déjà corrigé ligne 5"),
        (13, "corriger: id « ../../../x » n'est pas un identifiant valide"),
        (13, "organe « commission permanente » inconnu (vouliez-vous dire « Commission permanente » ?)"),
        (15, "entrée de « subventions » sans « corriger »"),
        (16, "entrée de « subventions » : clé inconnue « corrigé » (vouliez-vous dire « corriger » ?)"),
        (17, "rubrique inconnue « divers »"),
    ]


def test_a_rubrique_given_twice_would_lose_entries(tmp_path):
    assert _erreurs(tmp_path, "lieux: []\nsubventions: []\nlieux: []\n") == [
        (
            3,
            "rubrique « lieux » déjà ouverte ligne 1 (ses entrées seraient perdues) ; attendu une seule fois chaque rubrique ; "
            "réunissez leurs entrées sous la première",
        )
    ]


@pytest.mark.parametrize(
    "contenu, ligne, debut",
    [
        (bytes(range(256)) * 4, 2, "caractère illisible : le fichier n'est pas enregistré en UTF-8"),
        ("lieux:\n  - ecrit: Estrées\n".encode("cp1252"), 2, "caractère illisible : le fichier n'est pas enregistré en UTF-8"),
        (b"lieux:\n  - ecrit: Wan\x00court\n", 2, "caractère interdit (U+0000)"),
        (b"lieux: " + b"[" * 20000 + b"]" * 20000 + b"\n", None, "imbrication trop profonde"),
        (b"lieux: &a [" + b"*a, " * 10 + b"]\n", 1, "entrée de « lieux » : une liste"),
        (b"a: &a [x, x]\nb: &b [*a, *a]\nc: &c [*b, *b]\nlieux: *c\n", 1, "rubrique inconnue « a »"),
        (b"# " + b"x" * 1_100_000 + b"\n", None, "fichier de 1100003 octets"),
    ],
)
def test_hostile_content_gives_a_message_never_a_traceback(tmp_path, contenu, ligne, debut):
    problemes = _erreurs(tmp_path, contenu)
    assert problemes[0][0] == ligne and problemes[0][1].startswith(debut)


def test_an_anchor_bomb_is_not_expanded(tmp_path):
    """Aliases are never expanded: the file is read as nodes, so a « billion laughs » (10⁹ « lol ») stays small."""
    bomb = "a0: &a0 [" + ", ".join(["lol"] * 10) + "]\n"
    bomb += "".join(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]\n" for i in range(1, 9))
    problemes = _erreurs(tmp_path, bomb + "lieux: *a8\n")
    inconnues = [n for n, m in problemes if m.startswith("rubrique inconnue")]
    entrees = [(n, m) for n, m in problemes if not m.startswith("rubrique inconnue")]
    assert inconnues == list(range(1, 10)) and len(entrees) == 10  # an alias's line is where its anchor was written
    assert entrees[0] == (
        8,
        "entrée de « lieux » : une liste ; attendu les clés ecrit, type, code (une par ligne, « clé: valeur ») ; "
        "reprenez l'exemple en tête du fichier",
    )


# --- the act or grant a correction names must exist (after the sources are read) ---------------------


def test_a_target_in_no_source_is_an_error_with_the_closest_ids(tmp_path):
    fixes = _charger(
        tmp_path,
        """deliberations:
  - id: "2019-171"
    corriger: {titre: x}
  - id: "2022-317"
    corriger: {titre: x}
  - id: "2022-317"
    source: 004_45492b4b56f19b50.txt
    corriger: {titre: x}
subventions:
  - id: "2021-243-0021"
    corriger: {objet: x}
  - id: "2021-234-0012"
    corriger: {objet: x}
""",
    )
    deliberations = {
        "2019-117": {"001_e1a7153a0531ec73.txt"},
        "2019-121": {"001_e1a7153a0531ec73.txt"},
        "2022-317": {"003_97c6f9649ae06488.txt"},
        "2021-243": {"004_45492b4b56f19b50.txt"},
    }
    subventions = {"2021-243-0012", "2021-243-0021"}
    erreurs = corrections.verifier_cibles(fixes, deliberations, subventions)
    assert [e.texte() for e in erreurs] == [
        "corrections.yaml, ligne 2 : la délibération 2019-171 n'existe dans aucune source (les plus proches : 2019-117, 2019-121) ; "
        "attendu le numéro extrait ou le numéro imprimé d'une délibération publiée ; corrigez le numéro ou supprimez cette correction",
        "corrections.yaml, ligne 6 : la délibération 2022-317 n'est pas dans la source 004_45492b4b56f19b50.txt ; elle est dans "
        "003_97c6f9649ae06488.txt ; attendu la source qui la contient ; corrigez « source: » ou supprimez-la",
        "corrections.yaml, ligne 12 : la subvention 2021-234-0012 n'existe dans aucune source (les plus proches : 2021-243-0012, 2021-243-0021) ; "
        "attendu l'identifiant d'une subvention publiée (colonne id des données) ; corrigez l'identifiant ou supprimez cette correction",
    ]
    # what `apply` matched counts as found (an act renamed by its correction is no longer under its old id)
    assert corrections.verifier_cibles(fixes, {}, set(), [{"ligne_correction": n} for n in (2, 4, 6, 10, 12)]) == []


def test_build_reports_a_missing_target_with_its_line_and_applies_the_rest(root):
    (root / "site_data" / "corrections.yaml").write_text(
        """lieux:
  - ecrit: "Nulle-Part"
    type: commune
    code: "62075"
deliberations:
  - id: "2022-371"
    corriger: {titre: "Contractualisation"}
  - id: "2021-243"
    corriger: {titre: "Aide aux communes"}
""",
        "utf-8",
    )
    with pytest.raises(CorrectionError) as err:
        extract(Paths(root), log=lambda *_: None)
    assert [(e.fichier, e.ligne, e.message.split(" ;")[0]) for e in err.value.erreurs] == [
        ("corrections.yaml", 6, "la délibération 2022-371 n'existe dans aucune source (le plus proche : 2022-317)")
    ]
    assert not (root / "site_data" / "actes").exists()  # nothing written
    texte = (root / "site_data" / "corrections.yaml").read_text("utf-8")
    (root / "site_data" / "corrections.yaml").write_text(
        texte.replace('  - id: "2022-371"\n    corriger: {titre: "Contractualisation"}\n', ""), "utf-8"
    )
    res = extract(Paths(root), log=lambda *_: None)
    assert not res.errors
    actes = json.loads((root / "site_data/actes/004_45492b4b56f19b50.json").read_text("utf-8"))["deliberations"]
    assert next(d["titre"] for d in actes if d["id"] == "2021-243") == "Aide aux communes"
    unused = [(c["line"], c["severity"], c["message"]) for c in res.report["corrections"] if c.get("kind") == "correction-inutilisee"]
    assert unused == [
        (
            2,
            "avertissement",
            "Correction sans effet : « Nulle-Part » (commune 62075) n'est écrit dans aucune source ; "
            "vérifiez l'orthographe recopiée du recueil, ou supprimez cette correction",
        )
    ]


def test_build_refuses_a_path_as_id_and_writes_nothing_with_it(root):
    """The tester's case: an id « ../../../x » in `corriger:` reached the file names of the site."""
    (root / "site_data" / "corrections.yaml").write_text('deliberations:\n  - id: "2022-317"\n    corriger: {id: "../../../x"}\n', "utf-8")
    with pytest.raises(CorrectionError) as err:
        extract(Paths(root), log=lambda *_: None)
    assert [(e.ligne, e.message.split(" ;")[0]) for e in err.value.erreurs] == [
        (3, "corriger: id « ../../../x » n'est pas un identifiant valide")
    ]
    assert not (root / "site_data" / "actes").exists() and not (root.parent / "x").exists()


def test_ids_the_extraction_gives_all_have_the_checked_shape(root):
    """Every id of the real documents fits `ID_DELIBERATION` / `ID_SUBVENTION`: a correction can name any of them."""
    from generator.parse.ingest import ingest_source
    from generator.records import ID_DELIBERATION, ID_SUBVENTION

    exs = [ingest_source(CORPUS / s) for s in ("001_e1a7153a0531ec73.txt", "002_4b206b7012456076.txt", S003, S004)]
    ids = [n for ex in exs for d in ex.document.deliberations for n in (d.id, d.numero_imprime) if n]
    assert "cabbalr-2023-12-12" in ids and "2019-117" in ids and all(ID_DELIBERATION.fullmatch(i) for i in ids)
    subs = [s.id for ex in exs for s in ex.subventions]
    assert len(subs) > 500 and all(ID_SUBVENTION.fullmatch(i) for i in subs)


def test_a_broken_file_still_has_the_targets_of_its_right_entries_checked(root):
    """One build tells every mistake: the bad entry, and the right entry that names an act no source holds."""
    (root / "site_data" / "corrections.yaml").write_text(
        'deliberations:\n  - id: "2022-371"\n    corriger: {titre: x}\n  - id: "2021-243"\n    corriger: {date: 2021-13-01}\n', "utf-8"
    )
    with pytest.raises(CorrectionError) as err:
        extract(Paths(root), log=lambda *_: None)
    assert sorted((e.ligne, e.message.split(" ;")[0]) for e in err.value.erreurs) == [
        (2, "la délibération 2022-371 n'existe dans aucune source (le plus proche : 2022-317)"),
        (5, "date « 2021-13-01 » invalide"),
    ]

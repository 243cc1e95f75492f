"""identifiants.csv as a spreadsheet saves it: UTF-8 (BOM or not) or Windows-1252, « , » or « ; »;
each bad line named (file, line, column, found, expected) and left out, the good lines kept."""

from __future__ import annotations

import pytest

from generator.controle import identifiants

from conftest import CORPUS

WANCOURT, WANCOURT_SIREN = "62873", "216208736"  # communes.json (INSEE code, SIREN)
BAINCTHUN, BAINCTHUN_SIREN = "62075", "216200758"
SIRENS = {WANCOURT: WANCOURT_SIREN, BAINCTHUN: BAINCTHUN_SIREN}
GIP = "Groupement d'Intérêt Public Pas-de-Calais Actif"
GIP_SIRET_IMPRIME = "186 200 093 000 83"  # printed in 004's conventions (line 1686)
COMITE = "Comité des fêtes de Saint-Léonard"
COMITE_RNA = "W623000001"  # the format's example (W and 9 digits), not a checked number
SOURCE = "annuaire-entreprises.data.gouv.fr le 2026-11-21"
COMMENTAIRES = "# Identifiants des bénéficiaires (voir le mode d'emploi).\n# beneficiaire : code INSEE, SIREN ou nom.\n"


def _siret(siren: str) -> str:
    """The first Luhn-valid SIRET of a SIREN (establishment numbers of the test, not looked up)."""
    return next(siren + f"{nic:05d}" for nic in range(100) if identifiants.siret_valide(siren + f"{nic:05d}"))


def _load(tmp_path, content: str | bytes, encoding: str = "utf-8"):
    p = tmp_path / "identifiants.csv"
    p.write_bytes(content if isinstance(content, bytes) else content.encode(encoding))
    return identifiants.load(p, SIRENS)


def test_the_siret_printed_for_pas_de_calais_actif_is_the_one_the_test_uses():
    assert GIP_SIRET_IMPRIME in (CORPUS / "004_45492b4b56f19b50.txt").read_text("utf-8").splitlines()[1685]
    assert identifiants.siret_valide(identifiants.chiffres(GIP_SIRET_IMPRIME))


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig"])
@pytest.mark.parametrize("sep", [",", ";"])
def test_utf8_with_or_without_bom_and_either_separator(tmp_path, encoding, sep):
    rows = [("beneficiaire", "siret", "rna", "source"), (GIP, GIP_SIRET_IMPRIME, "", SOURCE), (COMITE, "", COMITE_RNA, SOURCE)]
    table, problems = _load(tmp_path, COMMENTAIRES + "".join(sep.join(r) + "\n" for r in rows), encoding)
    assert problems == []
    assert [(i.beneficiaire, i.siret, i.rna, i.line) for i in table] == [(GIP, "18620009300083", "", 4), (COMITE, "", COMITE_RNA, 5)]


def test_windows_1252_from_a_french_spreadsheet_is_read_and_said(tmp_path):
    content = (
        "Bénéficiaire;SIRET;RNA;Source\r\n"
        f"{COMITE};;{COMITE_RNA};{SOURCE}\r\n"
        f'"{GIP}";{GIP_SIRET_IMPRIME};;convention de la délibération 2021-233\r\n'
    )
    table, problems = _load(tmp_path, content, "cp1252")
    assert [(i.beneficiaire, i.siret, i.rna, i.source, i.line) for i in table] == [
        (COMITE, "", COMITE_RNA, SOURCE, 2),
        (GIP, "18620009300083", "", "convention de la délibération 2021-233", 3),
    ]
    assert [(p.source, p.line, p.severity, p.message) for p in problems] == [
        (
            "identifiants.csv",
            None,
            "info",
            "lu comme Windows-1252 (enregistré par un tableur ?) ; enregistrez-le en UTF-8 pour lever ce message",
        )
    ]


def test_a_spreadsheet_s_padding_and_quoted_comments_are_understood(tmp_path):
    """A spreadsheet pads every row to its widest one and quotes a comment that holds the separator."""
    content = (
        '"# Identifiants; vérifiés"\n'
        "source;rna;siret;beneficiaire;;\n"  # columns in another order
        ";;;;;\n"  # an empty row
        f"{SOURCE};;{_siret(WANCOURT_SIREN)};{WANCOURT};;\n"
    )
    table, problems = _load(tmp_path, content)
    assert problems == [] and [(i.beneficiaire, i.siret, i.line) for i in table] == [(WANCOURT, _siret(WANCOURT_SIREN), 4)]


def test_a_bad_siret_line_is_named_and_the_good_lines_are_kept(tmp_path):
    wrong = GIP_SIRET_IMPRIME[:-1] + "4"  # last digit mistyped: the check digit no longer fits
    content = (
        COMMENTAIRES + "beneficiaire,siret,rna,source\n"
        f"{WANCOURT},{_siret(WANCOURT_SIREN)},,{SOURCE}\n"
        f"{GIP},{wrong},,{SOURCE}\n"
        f"{COMITE},,{COMITE_RNA},{SOURCE}\n"
    )
    table, problems = _load(tmp_path, content)
    assert [i.beneficiaire for i in table] == [WANCOURT, COMITE]
    assert [(p.source, p.line, p.severity, p.message) for p in problems] == [
        (
            "identifiants.csv",
            5,
            "avertissement",
            f"colonne siret : « {wrong} » invalide (14 chiffres) ; attendu 14 chiffres dont le dernier est une clé de contrôle : "
            "un chiffre est faux ; vérifiez-le sur annuaire-entreprises.data.gouv.fr ; ligne ignorée, les autres sont gardées",
        )
    ]


@pytest.mark.parametrize(
    "line, message",
    [
        (
            f"{WANCOURT};{_siret(BAINCTHUN_SIREN)};;{SOURCE}",
            f"colonne siret : le SIRET {_siret(BAINCTHUN_SIREN)} n'appartient pas à « 62873 » ; attendu un SIRET qui commence par son SIREN 216208736",
        ),
        (f"{WANCOURT};2162087360001;;{SOURCE}", "colonne siret : « 2162087360001 » invalide (13 chiffres) ; attendu 14 chiffres"),
        (f"{COMITE};;W62300001;{SOURCE}", "colonne rna : « W62300001 » invalide ; attendu W suivi de 9 chiffres (ex. W623000001)"),
        (
            f";;{COMITE_RNA};{SOURCE}",
            "colonne beneficiaire vide ; attendu un code INSEE (62873), un SIREN d'EPCI (200033579) ou le nom publié du bénéficiaire",
        ),
        (
            f"62999;;{COMITE_RNA};{SOURCE}",
            "colonne beneficiaire : code INSEE « 62999 » inconnu ; attendu le code d'une commune du Pas-de-Calais (ex. 62873 pour Wancourt)",
        ),
        (f"{COMITE};;;{SOURCE}", f"ni SIRET ni RNA pour « {COMITE} » ; attendu au moins l'un des deux (colonnes siret et rna)"),
        (
            f"{COMITE};;{COMITE_RNA};",
            "colonne source vide ; attendu où et quand le numéro a été vérifié (ex. annuaire-entreprises.data.gouv.fr le 2026-11-21)",
        ),
        (
            f"{COMITE};{COMITE_RNA};{SOURCE}",
            "3 colonne(s) trouvée(s), 4 attendues (beneficiaire;siret;rna;source) ; ligne ignorée ; "
            "complétez-la (un nom qui contient « ; » doit être entre guillemets)",
        ),
        (f"Comité des fêtes; Saint-Léonard;;{COMITE_RNA};{SOURCE}", "5 colonne(s) trouvée(s), 4 attendues"),
        (
            f"COMITE DES FETES DE SAINT-LEONARD;;{COMITE_RNA};{SOURCE}",
            "« COMITE DES FETES DE SAINT-LEONARD » figure déjà ligne 2 ; attendu une ligne par bénéficiaire (la première est gardée)",
        ),
    ],
)
def test_each_bad_line_names_its_column_what_was_found_and_expected(tmp_path, line, message):
    table, problems = _load(tmp_path, f"beneficiaire;siret;rna;source\n{COMITE};;{COMITE_RNA};{SOURCE}\n{line}\n")
    assert [i.line for i in table] == [2]  # the good line stays
    assert [(p.source, p.line, p.severity) for p in problems] == [("identifiants.csv", 3, "avertissement")]
    assert problems[0].message.startswith(message) and "ligne ignorée" in problems[0].message


@pytest.mark.parametrize(
    "header, detail",
    [
        ("nom;numero", " ; manquent : beneficiaire, siret, rna, source ; inconnues : nom, numero"),
        ("beneficiaire,siret,source", " ; manque : rna"),
        (f"{COMITE},,{COMITE_RNA},{SOURCE}", None),  # no header at all: the first line is data
    ],
)
def test_an_unrecognised_header_is_an_error_and_no_line_is_used(tmp_path, header, detail):
    table, problems = _load(tmp_path, f"{COMMENTAIRES}{header}\n{COMITE},,{COMITE_RNA},{SOURCE}\n")
    assert table == [] and [(p.line, p.severity) for p in problems] == [(3, "erreur")]
    assert problems[0].message.startswith(f"en-tête non reconnu « {header} »")
    assert problems[0].message.endswith(
        "; attendu les colonnes beneficiaire,siret,rna,source (séparées par « , » ou « ; ») ; "
        "corrigez cette première ligne non commentée (voir les commentaires en tête du fichier)"
    )
    if detail:
        assert f"« {header} »{detail} ;" in problems[0].message


@pytest.mark.parametrize("content", ["", "\n\n", COMMENTAIRES, "\ufeff" + COMMENTAIRES + "\n"])
def test_empty_file_or_only_comments_is_no_problem(tmp_path, content):
    assert _load(tmp_path, content) == ([], [])


def test_header_alone_is_no_problem(tmp_path):
    assert _load(tmp_path, COMMENTAIRES + "beneficiaire,siret,rna,source\n") == ([], [])


@pytest.mark.parametrize(
    "content, message",
    [
        (bytes(range(256)) * 8, "fichier illisible (texte UTF-16 ou fichier binaire)"),
        ("beneficiaire\tsiret\trna\tsource\n".encode("utf-16"), "fichier illisible (texte UTF-16 ou fichier binaire)"),
        (b"beneficiaire,siret,rna,source\n\x81\x8d\x8f\x90\x9d\n", "caractère illisible, ni UTF-8 ni Windows-1252"),
        (b"x" * 10_000_001, "fichier de 10000001 octets"),
    ],
)
def test_unreadable_file_is_an_error_never_a_traceback(tmp_path, content, message):
    table, problems = _load(tmp_path, content)
    assert table == [] and [p.severity for p in problems] == ["erreur"] and problems[0].message.startswith(message)


def test_a_field_too_long_for_csv_is_a_bad_line(tmp_path):
    table, problems = _load(tmp_path, f'beneficiaire,siret,rna,source\n"{"x" * 200_000}\n{COMITE},,{COMITE_RNA},{SOURCE}\n')
    assert [i.line for i in table] == [3]
    assert [(p.line, p.severity, p.message.split(" (")[0]) for p in problems] == [(2, "avertissement", "ligne illisible")]

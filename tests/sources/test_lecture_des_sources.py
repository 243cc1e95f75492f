"""Reading a text source (`sources.lecture.decode_text`): the control characters that mark a binary or corrupt
file are refused with their line, whatever the encoding the text was read in; line ends are made « \\n »."""

from __future__ import annotations

import pytest

from generator.sources.lecture import SourceError, decode_text


@pytest.mark.parametrize(
    "donnees, point, ligne",
    [
        ("Arrêté du 7 juin\nligne\x0b cassée\n".encode(), "U+000B", 2),  # UTF-8
        (b"\xef\xbb\xbfArr\xc3\xaat\xc3\xa9\n\n\x7f", "U+007F", 3),  # UTF-8 with its BOM, DEL on the third line
        (b"Arr\xeat\xe9 du 7 juin 2021, " * 8 + b"\n\x01", "U+0001", 2),  # not UTF-8: read as Windows-1252
        ("Arrêté\n\x1f".encode("utf-16"), "U+001F", 2),  # UTF-16: searched in the text
    ],
)
def test_a_control_character_is_refused_with_its_line(donnees, point, ligne):
    with pytest.raises(SourceError) as exc:
        decode_text("recueil.txt", donnees)
    assert exc.value.message == f"caractère de contrôle {point} : contenu binaire ou corrompu"
    assert exc.value.line == ligne


def test_text_without_control_characters_is_read_with_its_line_ends_made_newlines():
    assert decode_text("r.txt", "Hénin-Beaumont\tArras\r\nLiévin\rLens\n".encode()) == ("Hénin-Beaumont\tArras\nLiévin\nLens\n", [])
    assert decode_text("r.txt", "Béthune €".encode()) == ("Béthune €", [])
    texte, avertissements = decode_text("r.txt", b"B\xe9thune\r\n")
    assert texte == "Béthune\n" and avertissements[0].startswith("pas en UTF-8 (premier octet invalide ligne 1)")

"""What a new version of the inbox may not do to what is published (generator.controle.garde, through extract).

Real documents (tests/fixtures/corpus): May 2019 (five deliberations of the Conseil départemental,
19 grants), June 2021 (21 deliberations, 505 grants), the 2022-317 extract. Each refusal is asserted
by its message and by site_data/ staying byte for byte as it was.
"""

from __future__ import annotations

import json
import shutil

from generator.records import cache_extraction

from conftest import CORPUS
from projet import S001, S003, S004, extraire


def _snapshot(root):
    return {
        p.relative_to(root).as_posix(): p.read_bytes() for p in sorted((root / "site_data").rglob("*.json")) if p.name != "controle.json"
    }


def _depose(root, name, data: bytes | str):
    p = root / "site_data" / "sources" / name
    p.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)


def _ids(res, source):
    return [d["id"] for d in next(doc.contenu for doc in res.documents if doc.contenu["source"] == source)["deliberations"]]


def _ligne(res, source, delib):
    """Where a deliberation starts in its source (1-based), as the extraction found it."""
    return next(
        d["line"] for doc in res.documents if doc.contenu["source"] == source for d in doc.contenu["deliberations"] if d["id"] == delib
    )


def test_a_recueil_replaced_by_its_sommaire_alone_is_refused_and_its_acts_stay(root):
    shutil.copy(CORPUS / S001, root / "site_data" / "sources" / S001)
    res, _ = extraire(root)
    assert _ids(res, S001) == ["2019-117", "2019-118", "2019-119", "2019-120", "2019-121"]
    before = _snapshot(root)
    releve = cache_extraction.chemin_releve(root, f"{S001[:-4]}.json")  # what the next builds load it from
    instantane = releve.read_bytes()
    lines = (CORPUS / S001).read_text("utf-8").split("\n")
    premiere = json.loads(before[f"site_data/actes/{S001[:-4]}.json"])["deliberations"][0]["line"]
    _depose(root, S001, "\n".join(lines[: premiere - 1]) + "\n")  # everything before the first deliberation: the sommaire
    res, logs = extraire(root)
    assert [e["source"] for e in res.errors] == [S001]
    msg = res.errors[0]["message"]
    assert "ne contient plus 5 délibération(s) qu'il publiait (2019-117, 2019-118, 2019-119, 2019-120, 2019-121)" in msg
    assert "sa version précédente reste publiée" in msg and "retraits: - deliberation: 2019-117" in msg
    assert _snapshot(root) == before
    assert releve.read_bytes() == instantane and not (root / ".build" / "extraction").exists()  # the refused one's: not kept
    assert _ids(res, S001) == ["2019-117", "2019-118", "2019-119", "2019-120", "2019-121"]  # still what the site is built from
    assert res.nb_subventions == 19
    assert any(l.startswith(f"ERREUR {S001} :") for l in logs)


def test_a_recueil_losing_grants_is_refused(root):
    """June 2021 whose FARDA aménagement table (2021-243) lost its last 30 rows, the file otherwise whole."""
    shutil.copy(CORPUS / S004, root / "site_data" / "sources" / S004)
    res, _ = extraire(root)
    before = _snapshot(root)
    n243 = sum(1 for s in res.subventions[S004]["subventions"] if s["deliberation"] == "2021-243")
    assert n243 == 179
    lines = (CORPUS / S004).read_text("utf-8").split("\n")
    rows = [i for i, l in enumerate(lines) if l.startswith("2021-0") and "FARDA" not in l and i > 17638]
    # drop 30 rows of the table (each a line starting with the dossier number) and keep the rest of the file
    kept = [l for i, l in enumerate(lines) if i not in set(rows[100:130])]
    _depose(root, S004, "\n".join(kept))
    res, _ = extraire(root)
    assert [e["source"] for e in res.errors] == [S004]
    msg = res.errors[0]["message"]
    assert "donne moins de subventions que la précédente (2021-243 : 179 → " in msg
    assert "retraits: - deliberation: 2021-243" in msg
    assert _snapshot(root) == before
    assert res.nb_subventions == 505


def test_a_withdrawal_confirmed_in_corrections_is_accepted(root):
    shutil.copy(CORPUS / S001, root / "site_data" / "sources" / S001)
    res, _ = extraire(root)
    lines = (CORPUS / S001).read_text("utf-8").split("\n")
    debut = _ligne(res, S001, "2019-118") - 1
    (root / "site_data" / "corrections.yaml").write_text(
        'retraits:\n  - deliberation: 2019-117\n    motif: "essai, première délibération retirée"\n', encoding="utf-8"
    )
    _depose(root, S001, "\n".join(lines[: _ligne(res, S001, "2019-117") - 1] + lines[debut:]))
    res, _ = extraire(root)
    assert not [e for e in res.errors if e["source"] == S001]
    assert "2019-117" not in _ids(res, S001) and "2019-118" in _ids(res, S001)


def test_a_source_removed_from_the_inbox_stays_published_until_confirmed(root):
    shutil.copy(CORPUS / S003, root / "site_data" / "sources" / S003)
    extraire(root)
    before = _snapshot(root)
    (root / "site_data" / "sources" / S003).unlink()
    res, _ = extraire(root)
    assert [e["source"] for e in res.errors] == [S003]
    assert "a été retiré de site_data/sources/, mais ses 1 délibération(s) (2022-317)" in res.errors[0]["message"]
    assert "retraits: - source: 003_97c6f9649ae06488.txt" in res.errors[0]["message"]
    assert _snapshot(root) == before and _ids(res, S003) == ["2022-317"]
    (root / "site_data" / "corrections.yaml").write_text(
        f'retraits:\n  - source: {S003}\n    motif: "déposé par erreur"\n', encoding="utf-8"
    )
    res, _ = extraire(root)
    assert not res.errors and res.documents == []
    assert _snapshot(root) == {}


def test_a_renamed_source_is_not_a_loss(root):
    shutil.copy(CORPUS / S003, root / "site_data" / "sources" / S003)
    extraire(root)
    (root / "site_data" / "sources" / S003).rename(root / "site_data" / "sources" / "2022-09-26-deliberation-2022-317.txt")
    res, _ = extraire(root)
    assert not res.errors
    assert _ids(res, "2022-09-26-deliberation-2022-317.txt") == ["2022-317"]
    assert sorted(_snapshot(root)) == [
        "site_data/actes/2022-09-26-deliberation-2022-317.json",
        "site_data/subventions/2022-09-26-deliberation-2022-317.json",
    ]


def test_a_second_file_of_the_same_recueil_is_refused(root):
    """May 2019 published; a second file holding the same recueil (its sommaire, and 2019-121 alone)."""
    shutil.copy(CORPUS / S001, root / "site_data" / "sources" / S001)
    res, _ = extraire(root)
    before = _snapshot(root)
    lines = (CORPUS / S001).read_text("utf-8").split("\n")
    debut = _ligne(res, S001, "2019-121") - 1
    _depose(root, "mai-2019-bis.txt", "\n".join(lines[: _ligne(res, S001, "2019-117") - 1] + lines[debut:]))
    res, _ = extraire(root)
    assert [e["source"] for e in res.errors] == ["mai-2019-bis.txt"]
    assert f"le recueil 2019-05-n5 est déjà publié par {S001} : un recueil se dépose en un seul fichier" in res.errors[0]["message"]
    assert _snapshot(root) == before


def test_an_exact_copy_of_a_recueil_is_listed_not_refused(root):
    shutil.copy(CORPUS / S001, root / "site_data" / "sources" / S001)
    shutil.copy(CORPUS / S001, root / "site_data" / "sources" / "copie de mai 2019.txt")
    res, _ = extraire(root)
    assert not res.errors
    assert {d["kind"] for d in res.report["doublons"]} == {"doublon"}
    assert {d["severity"] for d in res.report["doublons"]} == {"info"}
    assert len(res.report["doublons"]) == 5

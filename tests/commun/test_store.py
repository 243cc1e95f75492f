"""What a build writes again only when it changed (`store.Ecrits`: pages, exports, feeds, control report)."""

from __future__ import annotations

import json
import os

from generator.commun import store


def _identite(chemin) -> tuple[int, int]:
    st = os.stat(chemin)
    return st.st_ino, st.st_mtime_ns


def test_a_file_is_written_again_only_when_its_key_or_its_bytes_on_disk_changed(tmp_path, monkeypatch):
    """A file whose key and bytes on disk are those recorded is neither read nor touched (same inode, same
    date); one changed on disk behind the record, even in place at the same size, is read, found
    different and written again; another key writes it again; an unreadable record writes everything."""
    cache, a, b = tmp_path / "ecrits.json", tmp_path / "a.md", tmp_path / "sous" / "b.csv"
    ecrits = store.Ecrits(cache)
    ecrits.ecrire("a.md", a, b"texte de a\n", "cle-a")
    ecrits.contenu("sous/b.csv", b, b"1;2;3\n", garde=1)
    ecrits.sauver()
    assert json.loads(cache.read_text("utf-8"))["sous/b.csv"][3] == 1
    avant = _identite(a), _identite(b)
    lus: list[str] = []
    digest = store.hashlib.file_digest
    monkeypatch.setattr(store.hashlib, "file_digest", lambda f, algo: lus.append(os.path.basename(f.name)) or digest(f, algo))

    suivant = store.Ecrits(cache)  # the next build, nothing changed
    assert suivant.a_jour("a.md", a, "cle-a")
    suivant.contenu("sous/b.csv", b, b"1;2;3\n")
    suivant.sauver()
    assert (_identite(a), _identite(b)) == avant and lus == []
    assert suivant.garde("sous/b.csv") == 1  # (what was kept with it, kept)

    date = b.stat().st_mtime_ns
    with b.open("r+b") as f:  # edited in place behind the record: same inode, same size, a later date
        f.write(b"4;5;6\n")
    os.utime(b, ns=(date + 1_000_000, date + 1_000_000))
    troisieme = store.Ecrits(cache)
    assert not troisieme.a_jour("a.md", a, "cle-autre")  # another key: made again (the same bytes here)
    troisieme.ecrire("a.md", a, b"texte de a\n", "cle-autre")
    troisieme.contenu("sous/b.csv", b, b"1;2;3\n", garde=1)
    troisieme.sauver()
    assert lus == ["b.csv"] and b.read_bytes() == b"1;2;3\n"
    assert _identite(b)[0] != avant[1][0]  # (replaced by a rename: a new inode)
    assert _identite(a) == avant[0]  # (the same bytes: not rewritten)

    os.utime(a, ns=(date + 2_000_000, date + 2_000_000))  # touched, bytes the same: read once, kept, untouched
    lus.clear()
    quatrieme = store.Ecrits(cache)
    assert quatrieme.a_jour("a.md", a, "cle-autre") and lus == ["a.md"]
    assert quatrieme.apres["a.md"][2] == store.identite(a)  # (its new identity recorded: not read next time)
    assert not quatrieme.a_jour("a.md", a, "cle-a")  # (the key of the build before)

    a.unlink()
    assert not store.Ecrits(cache).a_jour("a.md", a, "cle-autre")  # gone
    cache.write_text("[pas un objet", "utf-8")
    assert not store.Ecrits(cache).a_jour("sous/b.csv", b, store.hashlib.sha256(b"1;2;3\n").hexdigest())


def test_site_data_json_is_the_text_of_the_standard_encoder_indented_by_one():
    """`texte_json` writes what `json.dumps(…, ensure_ascii=False, indent=1)` writes, for the values records give
    (escapes, empty containers, tuples, floats) and for those it leaves to that encoder (a number as key, NaN)."""
    donnees = [
        {"texte": 'Ligne « 1 »\n\t"cité" \\ \x00\u2028é', "n": -3, "x": 1.5, "e": 1e-07, "vrai": True, "faux": False, "rien": None},
        {"vide": {}, "liste": [], "imbriques": [[], {}, [{"a": [1, (2, 3)]}]], "t": (1, "deux")},
        [1, [2, [3, {"fin": "ok"}]]],
        "seul",
        7,
        {},
        [],
        {1: "clé nombre"},
        {"nan": float("nan"), "inf": [float("inf")]},
    ]
    for data in donnees:
        assert store.texte_json(data) == json.dumps(data, ensure_ascii=False, indent=1) + "\n"
    assert store.texte_json({"a": [1, {}]}) == '{\n "a": [\n  1,\n  {}\n ]\n}\n'


def test_a_file_is_kept_intact_by_what_was_kept_with_it_whatever_its_key(tmp_path):
    """`intact`: a file the last build wrote, still holding its bytes, is kept without its key when what the
    caller kept with it is the one given (a feed's sources); another, or the file changed, is not; kept, it
    is recorded again with its key and what was kept, for the build after."""
    cache, a = tmp_path / "ecrits.json", tmp_path / "a.xml"
    ecrits = store.Ecrits(cache)
    ecrits.ecrire("a.xml", a, b"<feed/>\n", "cle-a", "sources-1")
    ecrits.sauver()

    suivant = store.Ecrits(cache)
    assert not suivant.intact("a.xml", a, "sources-2")  # its sources changed: its key is to be made again
    assert not suivant.intact("b.xml", tmp_path / "b.xml")  # never written
    assert suivant.intact("a.xml", a, "sources-1") and suivant.intact("a.xml", a)
    suivant.sauver()
    assert json.loads(cache.read_text("utf-8"))["a.xml"][::3] == ["cle-a", "sources-1"]

    a.write_bytes(b"<feed>autre</feed>\n")  # changed behind the record
    assert not store.Ecrits(cache).intact("a.xml", a, "sources-1")


def test_a_file_named_by_its_digest_is_checked_once_then_known_by_its_identity(tmp_path, monkeypatch):
    """`tient` (the search's cache files, named by their text's digest): a file not recorded is read and hashed
    once, then known by its identity; one changed in place behind the record is read again and does not hold
    that digest; `noter` with the digest the caller hashed records a file without reading it."""
    cache, f, g = tmp_path / "ecrits.json", tmp_path / "morceau.json", tmp_path / "autre.json"
    f.write_bytes(b'{"index":1}')
    g.write_bytes(b'{"index":2}')
    sha_f, sha_g = (store.hashlib.sha256(p.read_bytes()).hexdigest() for p in (f, g))
    lus: list[str] = []
    digest = store.hashlib.file_digest
    monkeypatch.setattr(store.hashlib, "file_digest", lambda h, algo: lus.append(os.path.basename(h.name)) or digest(h, algo))

    ecrits = store.Ecrits(cache)
    assert ecrits.tient("morceau.json", f, sha_f) and not ecrits.tient("autre.json", g, sha_f)
    ecrits.noter("autre.json", g, sha_g, sha256=sha_g)  # (written by the caller, who hashed its text)
    ecrits.sauver()
    assert lus == ["morceau.json", "autre.json"]

    suivant = store.Ecrits(cache)
    assert suivant.tient("morceau.json", f, sha_f) and suivant.tient("autre.json", g, sha_g) and lus == ["morceau.json", "autre.json"]
    suivant.sauver()
    date = f.stat().st_mtime_ns
    with f.open("r+b") as h:  # edited in place, same size, the same date moved
        h.write(b'{"index":9}')
    os.utime(f, ns=(date + 1_000_000, date + 1_000_000))
    assert not store.Ecrits(cache).tient("morceau.json", f, sha_f) and lus[-1] == "morceau.json" and len(lus) == 3


def test_a_record_not_needed_this_time_is_kept_as_it_was_and_a_gone_file_is_not_recorded(tmp_path):
    """`reprendre`: a file this build did not check (the grants' lines when no file of grants was made) keeps
    the last build's record, neither dropped (the next build would read it again) nor replaced when this build
    wrote it; `noter` of a file that is not there (not written after all) records nothing."""
    cache, a, b = tmp_path / "ecrits.json", tmp_path / "a.bin", tmp_path / "b.bin"
    ecrits = store.Ecrits(cache)
    ecrits.ecrire("a.bin", a, b"avant", "cle-a")
    ecrits.noter("b.bin", b, "cle-b", sha256="0" * 64)  # never written
    ecrits.sauver()
    assert list(json.loads(cache.read_text("utf-8"))) == ["a.bin"]

    suivant = store.Ecrits(cache)
    suivant.reprendre("a.bin")
    suivant.reprendre("b.bin")  # (nothing recorded: nothing kept)
    suivant.sauver()
    assert json.loads(cache.read_text("utf-8")) == store.Ecrits(cache).avant and list(store.Ecrits(cache).avant) == ["a.bin"]
    assert store.Ecrits(cache).a_jour("a.bin", a, "cle-a")

    ecrit = store.Ecrits(cache)
    ecrit.ecrire("a.bin", a, b"apres", "cle-a2")
    ecrit.reprendre("a.bin")  # written this time: this build's record stands
    assert ecrit.apres["a.bin"][0] == "cle-a2"

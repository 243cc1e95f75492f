"""Running headers and footers of a recueil nobody has seen: found by their repetition across pages
(`normalise.mobilier`) and removed, never glued into an act's title, a table row or a grant's object.

The documents are real extracts of tests/fixtures/corpus, from the June 2021 recueil:
- deliberations 2021-241 to 2021-245 (five acts with their title pages, rapports and annexes; 206 grants:
  the FARDA aménagement table of 2021-243 over several pages, the monuments historiques table of 2021-245
  whose rows wrap), cut into 76 printed pages of at most `LIGNES` lines;
- 2021-243 alone, its table's header (nine lines) repeated at the top of each page its table goes on, as
  an office suite repeats a table's header row: 16 pages, the table on half of them.
Each page is given a running header and a footer of one of several styles (a page count « 12/76 »,
« page 735 », « Page 12 sur 76 », a bare page number, « - 12 - », a fixed logo line, a fixed publication
line), as text (a line with one leading space starts a page) and printed to PDF by Chromium
(`tools.impression`). Chromium and pdftotext are required, never skipped (CI installs them).
"""

from __future__ import annotations

import hashlib
import re
import shutil
from decimal import Decimal
from functools import cache

import pytest

from generator.parse.document import structure
from generator.parse.ingest import ingest_source, ingest_text
from generator.parse.normalise import debuts_de_page, mobilier, normalise
from generator.sources.lecture import read_source
from tools.impression import imprimer

from conftest import CORPUS

S004 = CORPUS / "004_45492b4b56f19b50.txt"  # recueil N° 6, juin 2021: 21 deliberations, 505 grants
ACTES = ("2021-241", "2021-242", "2021-243", "2021-244", "2021-245")
LIGNES = 50  # lines of text on a printed page (Chromium's A4 landscape page holds about 65 at 7 pt)
PAGES = 76  # of the extract so cut
PREMIERE = 724  # the bulletin's page number of the extract's first page (any: it only has to follow the pages)


def _entetes(p: int, n: int) -> dict[str, tuple[list[str], list[str]]]:
    """For page p of n: each style's lines above and below the page's text."""
    return {
        # a page count after an en dash (not the hyphen the specific rule knows), a bare page number at the right
        "compteur": ([f"Recueil des Actes Administratifs N° 6 – juin 2021 – {p}/{n}", ""], ["", f"{' ' * 90}{PREMIERE + p - 1}"]),
        # the bulletin's page in the header, « Page p sur n » and a fixed publication line in the footer
        "page": (
            [f"Département du Pas-de-Calais – RAA n° 6 – juin 2021 – page {PREMIERE + p - 1}", ""],
            ["", f"Page {p} sur {n}", "Publié le 5 juillet 2021 – www.pasdecalais.fr"],
        ),
        # a fixed logo line above a fixed title, a page number between dashes under the text
        "logo": (
            [f"{' ' * 40}PAS-DE-CALAIS   Le Département", "Recueil des actes administratifs du Département", ""],
            ["", f"{' ' * 45}- {p} -"],
        ),
    }


STYLES = tuple(_entetes(1, 1))


@cache
def _recueil():
    return S004.read_text("utf-8").split("\n"), {d.id: d for d in ingest_source(S004).document.deliberations}


def _lignes(premier: str, dernier: str) -> list[str]:
    """Lines of the recueil from deliberation `premier`'s first line (its « Envoi au contrôle de légalité »)
    to `dernier`'s last."""
    lignes, delibs = _recueil()
    return lignes[delibs[premier].line - 1 : delibs[dernier].line_end]


def _debut(ligne: str) -> bool:
    return ligne[:1] == " " and ligne[1:2] != " " and bool(ligne.strip())


def _pages(lignes: list[str]) -> list[list[str]]:
    """The extract's pages: its own page breaks kept, a page of more than LIGNES lines cut. Inside a page no
    line keeps the single leading space that marks a page's first line; a page of blank lines is left out."""
    pages: list[list[str]] = []
    for l in lignes:
        if not pages or _debut(l) or len(pages[-1]) >= LIGNES:
            pages.append([])
        pages[-1].append(l[1:] if _debut(l) else l)
    return [p for p in pages if any(l.strip() for l in p)]  # a page of blank lines carries nothing


def _texte(pages: list[list[str]], style: str | None) -> list[list[str]]:
    """Each page with the style's header and footer (none: the clean extract), its first line marked (a page
    cut at LIGNES lines may start with blank lines: the first line of text starts it)."""
    out = []
    for p, page in enumerate(pages, start=1):
        haut, bas = _entetes(p, len(pages))[style] if style else ([], [])
        while page and not page[0].strip():
            page = page[1:]
        lignes = [*haut, *page, *bas]
        out.append([" " + lignes[0].lstrip(" "), *lignes[1:]])
    return out


def _tableau_repete() -> list[list[str]]:
    """2021-243's pages, its table's header (from « Numéro Description » to « demandé ») at the top of each
    page the table goes on."""
    pages = _pages(_lignes("2021-243", "2021-243"))
    k, h = next((k, i) for k, p in enumerate(pages) for i, l in enumerate(p) if l.lstrip().startswith("Numéro Description"))
    entete = pages[k][h : h + 9]
    assert [l.strip() for l in entete if l.strip()] == [
        "Numéro Description Type de demande Bénéficiaire",
        "Montant du",
        "projet PLAFOND ELIGIBLE TAUX",
        "Montant",
        "demandé",
    ]
    fin = next(j for j, p in enumerate(pages) if any(l.startswith("28 871 527,75 5 450 715,82") for l in p))  # its totals
    return [([*entete, *p] if k < j <= fin else p) for j, p in enumerate(pages)]


def _ecrire(d, nom: str, pages: list[list[str]]) -> dict:
    (d / f"{nom}.txt").write_text("\n".join(l for p in pages for l in p), "utf-8")
    return {"txt": d / f"{nom}.txt", "pdf": imprimer(pages, d / f"{nom}.pdf", "serif")}


@pytest.fixture(scope="module")
def documents(tmp_path_factory):
    """The extract and 2021-243 with its repeated table header, clean and with each style of furniture, as
    text and as PDF."""
    assert shutil.which("chromium"), "chromium introuvable : apt-get install chromium"
    d = tmp_path_factory.mktemp("entetes")
    extrait, tableau = _pages(_lignes(ACTES[0], ACTES[-1])), _tableau_repete()
    assert len(extrait) == PAGES and len(tableau) == 16
    out = {}
    for style in (None, *STYLES):
        nom = style or "propre"
        out[nom] = _ecrire(d, nom, _texte(extrait, style))
        out[f"tableau-{nom}"] = _ecrire(d, f"tableau-{nom}", _texte(tableau, style))
    return out


def _resume(ex):
    return {
        "actes": [
            (
                d.id,
                d.titre,
                d.date,
                (d.vote.pour, d.vote.contre, d.vote.abstention),
                len(d.articles),
                [a.titre for a in d.annexes],
                d.rapport.numero if d.rapport else None,
            )
            for d in ex.document.deliberations
        ],
        "subventions": [(s.deliberation, s.beneficiaire, s.montant, s.reference, s.objet) for s in ex.subventions],
        "controles": [(c.deliberation, c.libelle, c.declare, c.calcule, c.statut) for c in ex.controles],
        "problemes": [(p.kind, p.severity) for p in ex.document.problems if p.severity != "info"],
    }


@pytest.mark.parametrize("forme", ["txt", "pdf"])
def test_the_clean_extracts(documents, forme):
    """What the extracts hold, from their text and from their PDF: five acts, 206 grants; 2021-243's 179
    grants with its header repeated on its table's pages."""
    src = read_source(documents["propre"][forme])
    assert len(src.pages) == (PAGES if forme == "pdf" else 0)  # Chromium printed each page on one page
    r = _resume(ingest_source(documents["propre"][forme]))
    assert [a[0] for a in r["actes"]] == list(ACTES)
    assert r["actes"][2][1] == "PROGRAMMATION FARDA AMENAGEMENT"
    subs = r["subventions"]
    assert len(subs) == 206 and sum(s[2] for s in subs) == Decimal("8462715.82")
    assert sum(s[0] == "2021-243" for s in subs) == 179 and sum(s[0] == "2021-245" for s in subs) == 26
    assert len(r["controles"]) == 11 and all(c[4] == "ok" for c in r["controles"])
    t = _resume(ingest_source(documents["tableau-propre"][forme]))
    assert [s for s in subs if s[0] == "2021-243"] == t["subventions"]
    assert [c for c in t["controles"]] == [c for c in r["controles"] if c[0] == "2021-243"]
    assert t["problemes"] == []


@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize("forme", ["txt", "pdf"])
def test_headers_and_footers_change_nothing(documents, style, forme):
    """With a header and a footer on every page: the same acts (titles, votes, articles, annexes' titles,
    rapports), the same grants (beneficiary, amount, reference, object), totals and problems as the clean
    extract. (Left in the text, they became annexes' titles « Page 5 sur 76 », a grant's object
    « … du clocher et Page 52 sur 76 Département du Pas-de-Calais – RAA n° 6 – juin 2021 – page 776 … »,
    unreadable table rows, totals not checked.)"""
    assert _resume(ingest_source(documents[style][forme])) == _resume(ingest_source(documents["propre"][forme]))


@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize("forme", ["txt", "pdf"])
def test_a_table_header_repeated_on_its_pages_is_kept_whole(documents, style, forme):
    """2021-243's table header repeated on the 8 pages of its 16 that the table is on: a line repeated on
    half of the pages, like a running header; it goes on beyond the pages' top band (nine lines), so it is
    kept whole and the table reader skips it: the same 179 grants and totals, no unreadable row."""
    propre = _resume(ingest_source(documents["tableau-propre"][forme]))
    assert len(propre["subventions"]) == 179 and propre["problemes"] == []
    assert _resume(ingest_source(documents[f"tableau-{style}"][forme])) == propre
    src = read_source(documents[f"tableau-{style}"][forme])
    lignes = [" ".join(l.text.split()) for l in normalise(src.text, src.pages or None, structure)]
    assert lignes.count("Numéro Description Type de demande Bénéficiaire") == 8
    assert lignes.count("projet PLAFOND ELIGIBLE TAUX") == 8


def _mobilier(style: str, n: int) -> set[str]:
    """Every header and footer line of the style on n pages, squashed."""
    return {" ".join(l.split()) for p in range(1, n + 1) for l in sum(_entetes(p, n)[style], []) if l.strip()}


@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize("forme", ["txt", "pdf"])
def test_no_header_text_in_titles_rows_or_objects(documents, style, forme):
    """Each header and footer line is removed from the normalised text, the first page's fixed header
    aside (a line repeated at the top of pages could be a table's header row, which the table readers
    need where the table starts); no act's or annex's title, no grant's beneficiary or object holds any."""
    src = read_source(documents[style][forme])
    lignes = normalise(src.text, src.pages or None, structure)
    mobilier_ = _mobilier(style, PAGES)
    restes = [(l.no, " ".join(l.text.split())) for l in lignes if " ".join(l.text.split()) in mobilier_]
    assert restes == (
        [(1, "PAS-DE-CALAIS Le Département"), (2, "Recueil des actes administratifs du Département")] if style == "logo" else []
    )
    # a removed header started its page: the page's first line of text does now, as in the clean extract
    propre = read_source(documents["propre"][forme])
    debuts = [
        [" ".join(l.text.split()) for l in ls if l.page_start] for ls in (lignes, normalise(propre.text, propre.pages or None, structure))
    ]
    assert debuts[0][1:] == debuts[1][1:] and debuts[0][0] == ("PAS-DE-CALAIS Le Département" if style == "logo" else debuts[1][0])
    ex = ingest_source(documents[style][forme])
    textes = (
        [d.titre for d in ex.document.deliberations]
        + [a.titre for d in ex.document.deliberations for a in d.annexes]
        + [s.beneficiaire for s in ex.subventions]
        + [s.objet or "" for s in ex.subventions]
    )
    marques = (
        "Recueil des Actes Administratifs N° 6",
        "RAA n° 6",
        "sur 76",
        "Publié le",
        "Le Département",
        "Recueil des actes administratifs du",
        "/76",
    )
    assert textes and not [t for t in textes for m in marques if m in t]


def test_lines_that_open_an_act_are_never_furniture():
    """The first pages of the 21 rapports of the June 2021 recueil, one after the other, as a recueil of
    one-page acts: each starts with « DEPARTEMENT DU PAS-DE-CALAIS », then its pôle and direction.
    Repetition alone would take that line from 20 pages (the first kept); a line the act reader opens an
    act, a rapport or an annex with (`document.structure`) is kept."""
    lignes, delibs = _recueil()
    pages = []
    for d in delibs.values():
        page = lignes[d.rapport.line - 1 : d.rapport.line + 39]
        assert page[0].strip() == "DEPARTEMENT DU PAS-DE-CALAIS" and re.search(r"^RAPPORT N°\d+$", "\n".join(page), re.M)
        pages.append([" " + page[0].strip(), *(l[1:] if _debut(l) else l for l in page[1:])])
    raw = [l for p in pages for l in p]
    assert len(debuts_de_page(raw)) == 21
    sans = mobilier(raw, debuts_de_page(raw))
    assert len(sans) == 20 and {raw[i] for i in sans} == {" DEPARTEMENT DU PAS-DE-CALAIS"} and 0 not in sans
    assert mobilier(raw, debuts_de_page(raw), structure) == set()
    assert structure("DEPARTEMENT DU PAS-DE-CALAIS") and structure("(N°2021-232)") and structure("ANNEXE 2")
    assert structure("Envoi au contrôle de légalité le : 5 juillet 2021") and structure("RAPPORT N°47")
    assert not structure("Page 12 sur 311") and not structure("PAS-DE-CALAIS Le Département")


def test_structure_is_a_match_of_any_of_its_patterns():
    """`structure` tries its patterns in one regex: on every line of the corpus (squashed, upper- and lower-cased
    too), it says what a match of any of them says."""
    from generator.parse.document import _STRUCTURE
    from generator.parse.normalise import squash

    vus = trouves = 0
    for p in sorted(CORPUS.glob("*.txt")):
        for ligne in p.read_text(encoding="utf-8").split("\n"):
            for t in {squash(ligne), ligne, squash(ligne).upper(), squash(ligne).lower()}:
                attendu = any(m.match(t) for m in _STRUCTURE)
                assert structure(t) == attendu, t
                vus, trouves = vus + 1, trouves + attendu
    assert trouves > 100 and vus > 10 * trouves


def test_the_recueils_of_the_corpus_have_no_other_furniture():
    """The four documents of the corpus (their pages: the lines with one leading space): repetition finds no
    furniture the specific rules do not remove. The June 2021 recueil (text) loses its 11 running headers
    `Recueil des Actes Administratifs N° 5 MAI 2021 - n/11`, its 17 act page counters `1 / 3` and the 6
    bulletin page numbers under them: 34 lines; acts and grants are those of the recueil. (The slides
    annexed to 2021-233 number 23 of their pages, `2` … `30` at their bottoms: too few of the pages for a
    bare number, and the text's page marks and the printed PDF's pages do not find the same ones.)"""
    for f in sorted(CORPUS.glob("*.txt")):
        raw = f.read_text("utf-8").split("\n")
        assert mobilier(raw, debuts_de_page(raw), structure) == set(), f.name
        assert mobilier(raw, debuts_de_page(raw)) == set(), f.name
    texte = S004.read_text("utf-8")
    raw = texte.split("\n")
    presentes = {l.no for l in normalise(texte, None, structure)}
    retirees = [
        raw[i - 1].strip()
        for i in range(1, len(raw) + 1)
        if i not in presentes
        and raw[i - 1].strip()
        and set(raw[i - 1].strip()) != {"-"}  # a rule
        and not raw[i - 2].rstrip().endswith("-")
        and not raw[i - 3].rstrip().endswith("-")
    ]  # joined to a hyphen
    assert len(retirees) == 34
    assert sum(t.startswith("Recueil des Actes Administratifs N° 5 MAI 2021 - ") for t in retirees) == 11
    assert sum(bool(re.fullmatch(r"\d ?/ ?\d", t)) for t in retirees) == 17
    assert [t for t in retirees if t.isdigit()] == ["723", "837", "1053", "1070", "1134", "1241"]
    ex = ingest_text(S004.name, texte, hashlib.sha256(texte.encode()).hexdigest())
    subs = [s for s in ex.subventions if s.deliberation.startswith("2021-")]
    assert len(ex.document.deliberations) == 21 and len(subs) == 505
    assert sum(s.montant for s in subs) == Decimal("19990111.27")

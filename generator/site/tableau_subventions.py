"""The rows of a grants table (`_subventions.j2`'s `grants_table`), written in Python.

Why not in the template: ten years are 48 000 grants, each shown on six to eight pages
(its deliberation, commune, canton, EPCI, territoire, beneficiary, dispositif, year), so some
380 000 rows; as a Jinja loop each value went through `markupsafe.escape` and a `Markup`
object, most of the pages' rendering time. Here each value is escaped by plain string
replacement, the same five characters as MarkupSafe in the same way, so the page is byte for
byte what the template wrote (tests/site/test_tableau_subventions.py compares both). Each
grant's row is made once for all the pages of a build that list it with the same options (`Lignes`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import cast

from markupsafe import Markup

from generator.commun.formats import date_fr, montant_fr
from generator.records.corpus import SubventionPubliee


def echapper(valeur: object) -> str:
    """`markupsafe.escape(valeur)` as a plain string (same output, without building a Markup)."""
    if isinstance(valeur, Markup):
        return str(valeur)
    s = str(valeur)
    if "&" in s:
        s = s.replace("&", "&amp;")
    if ">" in s:
        s = s.replace(">", "&gt;")
    if "<" in s:
        s = s.replace("<", "&lt;")
    if "'" in s:
        s = s.replace("'", "&#39;")
    if '"' in s:
        s = s.replace('"', "&#34;")
    return s


INCERTAIN = "porteur et projet imprimés d'un seul tenant"  # note after a name `separer` could not split (vie_etudiante)
NON_RECONNUE = "commune non reconnue"  # after a place name the resolver could not place (e.g. ESTREES: Estrée or Estréelles?)


def _morceaux(s: SubventionPubliee, show_commune: object, show_delib: object, ancres: object) -> tuple[str, ...]:
    """The row of grant `s` (its `<tr>` and line break) cut where the page's root goes: the row is
    `root.join(morceaux)`, so that it is made once for pages of any depth (`Lignes`)."""
    e = echapper
    b = s.affiche
    date = s.date
    morceaux = []
    ligne = f'<tr id="{e(s.id)}">' if ancres else "<tr>"
    ligne += f'<td class="rpc-date" data-sort="{e(date)}">{e(date_fr(date))}</td><td>'
    if b.type == "commune":
        ligne += e(b.nom)
    elif b.incertain:
        ligne += f'{e(b.nom)} <span class="rpc-note">({INCERTAIN})</span>'
    else:
        morceaux.append(ligne + '<a href="')
        ligne = f'{e(b.url)}">{e(b.nom)}</a>'
    ligne += "</td>"
    if show_commune:
        c = s.commune_ref
        ecrite = s.commune_projet
        if c:
            morceaux.append(ligne + '<td><a href="')
            ligne = f'communes/{e(c["slug"])}/">{e(c["nom"])}</a></td>'
        elif ecrite and ecrite.written and ecrite.status != "resolu":  # as printed, never guessed (the control report lists it)
            ligne += f'<td>{e(ecrite.written)} <span class="rpc-note">({NON_RECONNUE})</span></td>'
        else:
            ligne += "<td></td>"
    montant = format(s.montant, "f")  # as site_data/ writes it (`to_dict`)
    objet = e(s.objet)
    if s.beneficiaire_incertain and not b.incertain:  # a commune's service and project, as printed
        objet = f'« {e(s.beneficiaire)} » <span class="rpc-note">({INCERTAIN})</span>'
    ligne += (
        f'<td class="rpc-objet">{objet}</td><td>{e(s.dispositif or "")}</td>'
        f'<td class="rpc-num" data-sort="{e(montant)}">{e(montant_fr(montant))}'
    )
    if s.url_original and s.page_pdf:  # its row in the published PDF (`Corpus.lier_originaux`)
        p = int(s.page_pdf)
        nom = "recueil" if s.acte.recueil else "document"  # a source that is not a recueil is not called one
        morceaux.append(ligne + '<br><a class="rpc-original" href="')
        ligne = f'{e(s.url_original)}#page={p}" title="Page {p} du {nom} original (PDF)">p.\u00a0{p}</a>'
    ligne += "</td>"
    if show_delib:
        d = e(s.deliberation)
        morceaux.append(ligne + '<td><a href="')
        ligne = f'deliberations/{d}/#{e(s.id)}">{d}</a></td>'
    morceaux.append(ligne + "</tr>\n")
    return tuple(morceaux)


def lignes(
    subs: Iterable[SubventionPubliee], root: str, show_commune: bool = True, show_delib: bool = True, ancres: bool = False
) -> Markup:
    """`<tr>` rows of `subs` (grants of the corpus), each followed by a line break. `ancres`: each row
    gets its grant's id as its own (on its deliberation's page, the grant's address: other pages link
    their « Délibération » cell to `deliberations/<id>/#<grant id>`). Each row made again (`Lignes`
    keeps them for the pages of one build)."""
    return Markup("".join(map(echapper(root).join, [_morceaux(s, show_commune, show_delib, ancres) for s in subs])))


RACINE = b"\xff"
"""Where the page's root goes in a row kept (`Lignes`): a byte no UTF-8 text holds."""


class Lignes:
    """`lignes`, the Jinja global `lignes_subventions` (`render.environment`), keeping each grant's row for
    the pages of one `write_pages` call (`gardees`): a grant is listed on six to eight pages (its commune's,
    canton's, EPCI's, territoires', beneficiary's, scheme's, year's or month's, mostly with the same options)
    at two depths (`"../../"`, `"../../../"`). January added to ten years: 1 710 tables, 212 000 rows of
    47 000 grants, 3 in 4 already made: 1,4–1,6 s of processor → 0,65–0,9 s (all those rows replayed
    alone; 7,8 → 2,1 s in the profiled build); a whole build's 4 900 tables (340 000 rows), 2,1–2,8 → 1,0–1,4 s.

    A row is kept as its UTF-8 bytes, `RACINE` where the root goes (`_morceaux`), so that pages of any depth
    share it: 30 MB at ten years (the rows of 48 000 grants; bytes are half the size of a text holding a
    « € », and one object per row), freed when the pages are written. The parent's peak is reached while
    they are: 616 → 640 MB with January added, 623 → 638 MB rendering every page. The rows of a
    deliberation's page (`ancres`: the grant's own address, on no other page) are made and not kept.

    Keyed by the grant's identity, valid because the records are frozen while the pages are written
    (`records.corpus`'s docstring, on which the pages' keys rest too: `render.Empreintes`); each grant whose
    row is kept is kept too, so that its `id` is never another object's while the rows are. Kept only
    inside `gardees` and forgotten when it ends: outside, a table is made row by row (a template rendered
    alone, records changed between two builds); never a row of another build or of a record changed since."""

    def __init__(self) -> None:
        self._faites: dict[tuple[bool, bool], dict[int, bytes]] | None = None  # options → id → row
        self._tenues: dict[int, SubventionPubliee] = {}  # id → the grant whose rows are kept

    @contextmanager
    def gardees(self) -> Iterator[None]:
        """Rows kept from a table to the next while the block runs, forgotten when it ends."""
        self._faites, self._tenues = {}, {}
        try:
            yield
        finally:
            self._faites, self._tenues = None, {}

    def __call__(
        self, subs: Iterable[SubventionPubliee], root: str, show_commune: bool = True, show_delib: bool = True, ancres: bool = False
    ) -> Markup:
        if self._faites is None or ancres:
            return lignes(subs, root, show_commune, show_delib, ancres)
        faites = self._faites.setdefault((bool(show_commune), bool(show_delib)), {})
        subs = subs if type(subs) is list else list(subs)
        rangees = list(map(faites.get, map(id, subs)))  # (in C: January added, 3 rows in 4 already made)
        if None in rangees:
            for k, s in enumerate(subs):
                if rangees[k] is None:
                    rangees[k] = faites[id(s)] = RACINE.join([m.encode() for m in _morceaux(s, show_commune, show_delib, False)])
                    self._tenues[id(s)] = s
        return Markup(b"".join(cast(list[bytes], rangees)).replace(RACINE, echapper(root).encode()).decode())

"""The rows of a grants table (`_subventions.j2`'s `grants_table`), written in Python.

Why not in the template: ten years are 48 000 grants, each shown on six to eight pages
(its deliberation, commune, canton, EPCI, territoire, beneficiary, dispositif, year), so some
380 000 rows; as a Jinja loop each value went through `markupsafe.escape` and a `Markup`
object, most of the pages' rendering time. Here each value is escaped by plain string
replacement, the same five characters as MarkupSafe in the same way, so the page is byte for
byte what the template wrote (tests/test_tableau_subventions.py compares both).
"""

from __future__ import annotations

from collections.abc import Iterable

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


def lignes(
    subs: Iterable[SubventionPubliee], root: str, show_commune: bool = True, show_delib: bool = True, ancres: bool = False
) -> Markup:
    """`<tr>` rows of `subs` (grants of the corpus), each followed by a line break. `ancres`: each row
    gets its grant's id as its own (on its deliberation's page, the grant's address: other pages link
    their « Délibération » cell to `deliberations/<id>/#<grant id>`)."""
    e = echapper
    r = e(root)
    out = []
    for s in subs:
        b = s.affiche
        date = s.date
        tr = f'<tr id="{e(s.id)}">' if ancres else "<tr>"
        cells = [f'{tr}<td class="rpc-date" data-sort="{e(date)}">{e(date_fr(date))}</td><td>']
        if b.type == "commune":
            cells.append(e(b.nom))
        elif b.incertain:
            cells.append(f'{e(b.nom)} <span class="rpc-note">({INCERTAIN})</span>')
        else:
            cells.append(f'<a href="{r}{e(b.url)}">{e(b.nom)}</a>')
        cells.append("</td>")
        if show_commune:
            c = s.commune_ref
            ecrite = s.commune_projet
            if c:
                cells.append(f'<td><a href="{r}communes/{e(c["slug"])}/">{e(c["nom"])}</a></td>')
            elif ecrite and ecrite.written and ecrite.status != "resolu":  # as printed, never guessed (the control report lists it)
                cells.append(f'<td>{e(ecrite.written)} <span class="rpc-note">({NON_RECONNUE})</span></td>')
            else:
                cells.append("<td></td>")
        montant = format(s.montant, "f")  # as site_data/ writes it (`to_dict`)
        objet = e(s.objet)
        if s.beneficiaire_incertain and not b.incertain:  # a commune's service and project, as printed
            objet = f'« {e(s.beneficiaire)} » <span class="rpc-note">({INCERTAIN})</span>'
        cells.append(
            f'<td class="rpc-objet">{objet}</td><td>{e(s.dispositif or "")}</td>'
            f'<td class="rpc-num" data-sort="{e(montant)}">{e(montant_fr(montant))}'
        )
        if s.url_original and s.page_pdf:  # its row in the published PDF (`Corpus.lier_originaux`)
            p = int(s.page_pdf)
            nom = "recueil" if s.acte.recueil else "document"  # a source that is not a recueil is not called one
            cells.append(
                f'<br><a class="rpc-original" href="{r}{e(s.url_original)}#page={p}" title="Page {p} du {nom} original (PDF)">p.\u00a0{p}</a>'
            )
        cells.append("</td>")
        if show_delib:
            d = e(s.deliberation)
            cells.append(f'<td><a href="{r}deliberations/{d}/#{e(s.id)}">{d}</a></td>')
        cells.append("</tr>\n")
        out.append("".join(cells))
    return Markup("".join(out))

"""Source text as page HTML (generator/site/textes.py): paragraphs, TAB cells, escaping."""

from __future__ import annotations

import json

from generator.site.textes import html


def test_blocks_become_paragraphs_lines_joined_spaces_collapsed():
    assert html("Article 1 :\nD'attribuer   une subvention\n\n  de 3 107,00 €  \n") == (
        "<p>Article 1 : D'attribuer une subvention\n<p>de 3 107,00 €\n"
    )
    assert html("") == html(None) == html(" \n \n") == ""
    assert html("\n\nabc\n\n") == "<p>abc\n"


def test_tab_cells_become_a_scrolling_table_and_text_is_escaped():
    out = html("COMMUNE\tMONTANT\nWancourt\t3 107,00\n\n\tseule <script>")
    assert out.count("<table") == 2 and "<tr><td>Wancourt<td>3 107,00</tbody>" in out
    assert "<tr><td><td>seule &lt;script&gt;</tbody>" in out and "<script>" not in out
    # element content: `&`, `<`, `>` escaped, quotes kept as they are (one byte, not five)
    assert html('<b>"l\'x"</b> & {{ y }} &amp;') == '<p>&lt;b&gt;"l\'x"&lt;/b&gt; &amp; {{ y }} &amp;amp;\n'


def _reference(texte: str) -> str:
    """The rule written plainly, block by block (what the pages showed before `html` was made faster),
    in the lean markup: quotes not escaped, end tags of paragraphs and cells left out."""
    import re

    from markupsafe import escape

    out = []
    for block in re.split(r"\n\s*\n", str(escape(texte)).replace("&#39;", "'").replace("&#34;", '"')):
        lines = [l for l in block.split("\n") if l.strip()] if "\n" in block else ([block] if block.strip() else [])
        if not lines:
            continue
        if any("\t" in l for l in lines):
            out.append("<table>" + "".join("<tr>" + "".join(f"<td>{c.strip()}" for c in l.split("\t")) for l in lines) + "</table>")
        else:
            out.append("<p>" + re.sub(r"[ ]{2,}", " ", " ".join(l.strip() for l in lines)) + "\n")
    return "".join(out)


def test_every_text_of_the_corpus_as_the_plain_rule_gives_it(donnees):
    n = 0
    for f in sorted((donnees / "actes").glob("*.json")):
        for d in json.loads(f.read_text(encoding="utf-8"))["deliberations"]:
            textes = [a["texte"] for a in d.get("articles") or []] + [a["texte"] for a in d.get("annexes") or []]
            textes.append((d.get("rapport") or {}).get("texte") or "")
            for t in textes:
                got = (
                    str(html(t))
                    .replace(
                        '<div class="rpc-table-wrap" tabindex="0" role="region" aria-label="Tableau du document source">'
                        '<table class="rpc-table rpc-cells"><tbody>',
                        "<table>",
                    )
                    .replace("</tbody></table></div>\n", "</table>")
                )
                assert got == _reference(t)
                n += 1
    assert n == 143  # articles, annexes and rapports of the 28 deliberations

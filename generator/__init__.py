"""Générateur du site du recueil des actes administratifs du Pas-de-Calais.

Pipeline, one module per stage (each stage writes its output under site_data/):
sources → normalise → actes (deliberations, rapports, annexes) + recueil (sommaire)
→ subventions (grants) → places (resolution) → reconcile (control report)
→ store (site_data/*.json) → render (content/*.md) → mkdocs build (site/).
"""

PARSER_VERSION = "1"

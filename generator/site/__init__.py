"""Stage 8: the site's Markdown pages (Jinja2 templates), charts, maps, feeds and the published originals."""

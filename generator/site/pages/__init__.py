"""Page builders, one module per family of pages; each returns `render.Page`s."""

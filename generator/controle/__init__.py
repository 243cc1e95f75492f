"""Stage 6: reconciliation with stated totals, the guard on extractions, the publisher's corrections and identifiers."""

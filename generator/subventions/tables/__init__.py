"""Annex-table extractors, one module per layout; see base.py for the contract."""

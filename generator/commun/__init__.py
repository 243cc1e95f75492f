"""Shared base layer: text folding, French formats, dates and amounts, atomic files, errors, child processes."""

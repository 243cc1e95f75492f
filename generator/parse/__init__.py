"""Stages 2–3: normalise the text, cut it into acts, read sommaire, deliberations, votes and presences."""

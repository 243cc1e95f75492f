"""A reference from a document to a place of the reference geography."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

PlaceKind = Literal["commune", "canton", "epci", "territoire"]
Status = Literal["resolu", "non-resolu", "ambigu", "tous"]


@dataclass
class PlaceRef:
    """`written` is the text as printed; `code` the reference key when resolved.

    Keys: commune → INSEE code, canton → canton code (e.g. "6201"), epci → SIREN,
    territoire → slug (e.g. "arrageois"). status "tous" = the sentinel
    « Tous les territoires / cantons / EPCI »; `candidates` lists codes when ambiguous.
    """

    kind: PlaceKind
    written: str
    status: Status = "resolu"
    code: str | None = None
    name: str | None = None  # official name when resolved
    candidates: list[str] = field(default_factory=list)

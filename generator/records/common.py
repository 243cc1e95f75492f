"""Shared small records: a source line and a problem for the control report."""

from __future__ import annotations

import dataclasses
import datetime as _dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal, NamedTuple


class Line(NamedTuple):
    """One normalised line of a source, keeping the 1-based line number in the file.

    `page_start` is True when the extraction marked this line as the first of a
    printed page (leading single space in pdftotext output), a hint for segmentation.
    A named tuple, not a dataclass: a month's recueil is some 100 000 lines, and a frozen
    dataclass takes ten times as long to build one (1.2 µs against 0.1 µs here).
    """

    no: int
    text: str
    page_start: bool = False
    # Set only on the last line of a printed page whose footer survived extraction:
    # `page` is the bulletin page number, `folio` the act's own counter ("3/3") if any.
    page: int | None = None
    folio: str | None = None


def decrit(description: str) -> dict[str, str]:
    """The metadata of a dataclass field, `field(metadata=decrit(…))`: its description for people, carried
    into the JSON Schemas of site_data/ (`generator.records.schema`), for the fields that tell a reader where
    to check a value in its source. (A field made by a function of ours would be a default value to mypy's
    dataclass plugin, which knows `dataclasses.field` only.)"""
    return {"description": description}


# The metadata of a field that a file holds only when there is something to say (`Constat.to_json`): not
# in its schema's `required` (`generator.records.schema`).
FACULTATIF = {"facultatif": True}

# A JSON object of site_data/ or of a cache, as read back (its shape: records/schemas/*.schema.json).
JsonObject = dict[str, Any]

PAGE_PDF = (
    "Page du PDF source (numérotée à partir de 1) qui porte la ligne `line` : l'original publié s'ouvre à cette page "
    "par son adresse suivie de #page=N ; null pour une source texte, qui cite ses lignes"
)

Severity = Literal["erreur", "avertissement", "info"]


@dataclass
class Problem:
    """Something the publisher must see in the control report: where, what, why."""

    source: str
    line: int | None = field(
        metadata=decrit(
            "Ligne du texte de la source (numérotée à partir de 1) où porte le constat ; null quand il porte sur tout le fichier"
        )
    )
    kind: str  # short machine code, e.g. "numero-incoherent", "total-ecart"
    message: str  # French sentence for the publisher
    severity: Severity = "avertissement"
    deliberation: str | None = None
    page_pdf: int | None = field(default=None, metadata=decrit(PAGE_PDF))  # page of the source PDF holding `line`; None for a text source


@dataclass
class Chiffres:
    """The figures of a deliberation whose votes do not add up to its presences (`controle.reconcile.votes_vs_presences`)."""

    presents: int
    representes: int  # proxies, or the members away less those « sans délégation de vote »
    pour: int
    contre: int
    abstention: int
    absents_sans_delegation: int
    non_participants: list[str]  # present, « intéressé(e) à l'affaire », took part neither in the debate nor in the vote


@dataclass
class Constat:
    """A finding of the control stage (`controle.reconcile`): what a document announces or states against what
    was extracted, a duplicate. As `Problem`, with the figures of a vote that does not add up (`chiffres`);
    `chiffres` and `page_pdf` are written only when there are (`to_json`)."""

    source: str
    line: int | None  # where in the source; None when it is about the whole file
    kind: str  # short machine code, e.g. "partie-absente", "doublon"
    message: str  # French sentence for the publisher
    severity: Severity = "avertissement"
    deliberation: str | None = None
    chiffres: Chiffres | None = field(default=None, metadata=FACULTATIF)
    page_pdf: int | None = field(default=None, metadata={**FACULTATIF, **decrit(PAGE_PDF)})

    def to_json(self) -> JsonObject:
        """As the control report (site_data/controle.json) holds it: `to_dict`, without `chiffres` and `page_pdf` when None
        (`lecture.from_dict(Constat, …)` rebuilds it)."""
        data: JsonObject = to_dict(self)
        return {k: v for k, v in data.items() if v is not None or k not in _SI_PRESENTS}


_SI_PRESENTS = ("chiffres", "page_pdf")


def to_dict(obj: Any) -> Any:
    """JSON-ready, deterministic representation of records (Decimal as plain string).

    The values of exact types that need no conversion, and lists, dicts and records, are told by their
    type first, and a record's fields are looked up once per class (`_champs`): a ten-year extraction
    converts some 3 million values (`dataclasses.is_dataclass` and `fields` on each took 3 s)."""
    t = type(obj)
    if t is str or t is int or obj is None or t is bool or t is float:
        return obj
    if t is list:
        return [to_dict(v) for v in obj]
    champs = _champs(t)
    if champs is not None:
        return {f: to_dict(getattr(obj, f)) for f in champs}
    if isinstance(obj, Decimal):
        return format(obj, "f")
    if isinstance(obj, (_dt.date, _dt.datetime)):
        return obj.isoformat()
    if isinstance(obj, dict):
        return {str(k): to_dict(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [to_dict(v) for v in obj]
    return obj


_CHAMPS: dict[type, tuple[str, ...] | None] = {}


def _champs(t: type) -> tuple[str, ...] | None:
    """The names of the fields of the dataclass `t`, in order; None when `t` is not one (kept per class)."""
    if t not in _CHAMPS:
        _CHAMPS[t] = tuple(f.name for f in dataclasses.fields(t)) if dataclasses.is_dataclass(t) else None
    return _CHAMPS[t]

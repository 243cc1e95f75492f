"""The records read back from site_data/: `from_dict`, the inverse of `to_dict`.

`to_dict` writes a record as JSON-ready data (Decimal as its plain string, nested records as objects);
`from_dict(Deliberation, data)` rebuilds the same dataclass from it, nested records, lists, optional
values and Decimals included, so that `to_dict(from_dict(cls, x)) == x` for every file of site_data/
(tests/records/test_lecture.py). The readers of the corpus (`records.corpus`) get typed records, never
dicts to index by string.

Each record type's converter is built once from its annotations (`typing.get_type_hints`) and kept:
reading ten years of deliberations calls them a few million times.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Callable
from decimal import Decimal
from typing import Any, TypeVar

from generator.records.common import JsonObject

T = TypeVar("T")

Convertisseur = Callable[[Any], Any]


def _tel_quel(x: Any) -> Any:
    return x


def _decimal(x: Any) -> Decimal:
    if isinstance(x, Decimal):
        return x
    if not isinstance(x, str):  # `to_dict` writes a Decimal as a string, never a float (which would not be exact)
        raise TypeError(f"montant attendu sous forme de texte (« 1234.50 »), trouvé {x!r}")
    return Decimal(x)


def _optionnel(conv: Convertisseur) -> Convertisseur:
    return lambda x: None if x is None else conv(x)


def _record(tp: type) -> Convertisseur:
    """The converter of a field holding the record `tp` (a record already built: as it is)."""
    return lambda x: x if isinstance(x, tp) else from_dict(tp, x)


def _record_optionnel(tp: type) -> Convertisseur:
    """`_optionnel(_record(tp))` in one call: ten years of grants and deliberations hold some 100 000
    optional records (places, reports), each read at every build."""
    return lambda x: x if x is None or isinstance(x, tp) else from_dict(tp, x)


def _decimal_optionnel(x: Any) -> Decimal | None:
    """`_optionnel(_decimal)`, in one call for an amount as site_data/ writes it (a grant's amounts: 100 000 at ten years)."""
    if type(x) is str:
        return Decimal(x)
    return None if x is None else _decimal(x)


# A list or an object of plain values (names, codes, pages) is taken as it is, not copied: ten years of
# deliberations hold some 10 000 such lists, read once and never changed.
def _liste(conv: Convertisseur) -> Convertisseur:
    if conv is _tel_quel:
        return _tel_quel
    return lambda xs: [conv(x) for x in xs]


def _dico(conv: Convertisseur) -> Convertisseur:
    if conv is _tel_quel:
        return _tel_quel
    return lambda d: {k: conv(v) for k, v in d.items()}


def _convertisseur(tp: object) -> Convertisseur:
    """How to rebuild a value of the annotation `tp` from its JSON form."""
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin in (typing.Union, types.UnionType):
        options = [a for a in args if a is not type(None)]
        if len(options) != 1:
            raise TypeError(f"union non prise en charge : {tp}")
        option = options[0]
        if isinstance(option, type) and dataclasses.is_dataclass(option):
            return _record_optionnel(option)
        conv = _convertisseur(option)
        if conv is _decimal:
            return _decimal_optionnel
        return conv if conv is _tel_quel else _optionnel(conv)
    if origin is list:
        return _liste(_convertisseur(args[0]) if args else _tel_quel)
    if origin is dict:
        return _dico(_convertisseur(args[1]) if len(args) > 1 else _tel_quel)
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        return _record(tp)
    if tp is Decimal:
        return _decimal
    return _tel_quel  # str, int, bool, Literal, a TypedDict (`Procuration`: a JSON object as it is)


_CHAMPS: dict[type, tuple[frozenset[str], frozenset[str], tuple[tuple[str, Convertisseur], ...]]] = {}


def _champs(cls: type) -> tuple[frozenset[str], frozenset[str], tuple[tuple[str, Convertisseur], ...]]:
    """The fields of the record `cls`, those that have no default, and the converter of each field whose
    JSON is not its value (a record, a Decimal, a list of them…); built once per record type."""
    if cls in _CHAMPS:
        return _CHAMPS[cls]
    hints = typing.get_type_hints(cls)
    champs = [f for f in dataclasses.fields(cls) if f.init]
    requis = frozenset(f.name for f in champs if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING)
    convertis = tuple((f.name, c) for f in champs if (c := _convertisseur(hints[f.name])) is not _tel_quel)
    _CHAMPS[cls] = frozenset(f.name for f in champs), requis, convertis
    return _CHAMPS[cls]


def from_dict(cls: type[T], data: JsonObject) -> T:
    """The record `cls` written as `data` by `to_dict` (the inverse: `to_dict(from_dict(cls, x)) == x`).

    A key the record does not have is an error (site_data/ holds records only, checked against their
    schemas); a missing key takes the field's default, and is an error for a field without one."""
    noms, requis, convertis = _champs(cls)
    if not data.keys() <= noms:
        raise TypeError(f"{cls.__name__} : champ(s) inconnu(s) {', '.join(sorted(data.keys() - noms))}")
    if not requis <= data.keys():
        raise TypeError(f"{cls.__name__} : champ(s) manquant(s) {', '.join(sorted(requis - data.keys()))}")
    valeurs = dict(data)
    for nom, conv in convertis:
        if nom in valeurs:
            valeurs[nom] = conv(valeurs[nom])
    return cls(**valeurs)

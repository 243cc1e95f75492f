"""Amounts and rates as printed in the acts, read into exact Decimals.

Forms met in the corpus: `1 000 000 €`, `15 534,00`, `8 404.22 €`, `150 600.00 €`,
`440 000€`, `2  997 000 €` (justified double space), narrow no-break spaces,
`1.403.496 €` (dots for thousands), `502112€`, `TOTAL18 500,00 €TOTAL` (labels glued),
`Politique sportive 1  80 000,00 €` (footnote digit before the amount), `-  €` (zero),
`1 million €`, `6,90 millions d'euros`, `12 M€`, `7.7k€`, `511 259 euros`.
A bulletin page number glued after the cents (`15 000,00976`) is removed earlier,
by `normalise`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

_SP = r"[ \u00a0\u202f\u2009]"
# thousands grouped by spaces (1 or 2: justified text), or by dots, or no grouping
_NUMBER = (
    r"(?<![\d,.])(?:"
    rf"\d{{1,3}}(?:{_SP}{{1,2}}\d{{3}})+(?:[,.]\d{{1,2}})?"  # 1 000 000 / 15 534,00 / 8 404.22
    r"|\d{1,3}(?:\.\d{3})+(?:,\d{1,2})?"  # 1.403.496
    r"|\d+(?:[,.]\d{1,2})?"  # 502112 / 650,00 / 7.7
    r")(?![\d])"
)
_UNIT = rf"(?P<unit>{_SP}*(?:millions?|M|k)\b)?"
_EURO = rf"{_SP}*(?P<euro>€|euros?\b|EUR\b)"
MONTANT_RE = re.compile(rf"(?P<num>{_NUMBER}){_UNIT}(?:{_EURO})?", re.I)
ZERO_RE = re.compile(rf"(?<![\d])-{_SP}*€")
TAUX_RE = re.compile(rf"(?<![\d,.])(?P<num>\d{{1,3}}(?:[,.]\d{{1,4}})?){_SP}*%")

_MULTIPLIERS = {"million": Decimal(1_000_000), "millions": Decimal(1_000_000), "m": Decimal(1_000_000), "k": Decimal(1000)}


@dataclass(frozen=True)
class Montant:
    valeur: Decimal
    start: int
    end: int
    euro: bool  # followed by € / euros
    texte: str


def _to_decimal(num: str) -> Decimal | None:
    s = re.sub(_SP, "", num)
    if s.count(".") >= 1 and re.fullmatch(r"\d{1,3}(?:\.\d{3})+(?:,\d{1,2})?", s):
        s = s.replace(".", "")  # dots as thousands separators
    s = s.replace(",", ".")
    try:
        return Decimal(s)
    except InvalidOperation:
        return None


def find_montants(text: str, euro_only: bool = False) -> list[Montant]:
    """Every amount in `text`, left to right (percentages excluded)."""
    out: list[Montant] = []
    for m in MONTANT_RE.finditer(text):
        after = text[m.end() : m.end() + 3].lstrip(" \u00a0\u202f")
        if after.startswith("%"):
            continue
        val = _to_decimal(m.group("num"))
        if val is None:
            continue
        unit = (m.group("unit") or "").strip().lower()
        if unit:
            if unit == "m" and not m.group("euro"):
                continue  # "12 M" without € is not an amount
            val = val * _MULTIPLIERS[unit]
        has_euro = bool(m.group("euro"))
        if euro_only and not has_euro:
            continue
        out.append(Montant(valeur=val, start=m.start(), end=m.end(), euro=has_euro, texte=m.group(0)))
    for z in ZERO_RE.finditer(text):
        out.append(Montant(valeur=Decimal("0"), start=z.start(), end=z.end(), euro=True, texte=z.group(0)))
    out.sort(key=lambda x: x.start)
    return out


def parse_montant(text: str) -> Decimal | None:
    """The single amount a cell or phrase holds: the one marked € if any, else the last."""
    found = find_montants(text)
    if not found:
        return None
    euros = [m for m in found if m.euro]
    chosen = euros[0] if euros else found[-1]
    return chosen.valeur


def parse_taux(text: str) -> Decimal | None:
    """A rate such as `40,00%`, `50 %`, `54,8%`, as a Decimal percent."""
    m = TAUX_RE.search(text)
    if not m:
        return None
    return _to_decimal(m.group("num"))


def format_montant(value: Decimal) -> str:
    """French display: `3 107,00 €` (narrow no-break space for thousands)."""
    q = value.quantize(Decimal("0.01"))
    sign = "-" if q < 0 else ""
    units, cents = f"{abs(q):.2f}".split(".")
    groups: list[str] = []
    while units:
        groups.insert(0, units[-3:])
        units = units[:-3]
    return sign + "\u202f".join(groups) + "," + cents + "\u00a0€"

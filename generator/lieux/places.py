"""The one place-name resolver every stage uses.

Documents write the same commune, canton, EPCI or territoire in many ways
(`COMMUNE DE BAINCTHUN`, `Biache St Vaast`, `C. d'Agglo. de Lens - Liévin`,
`LENS-HENIN`). Every stage must map them to the same reference key, and must
never guess: a name matching nothing is « non-resolu », a name matching
several entities is « ambigu » with its candidates.

The reference data is built by ``generator.lieux.refdata`` into
``site_data/reference/``; known spelling variants that no rule can derive
(typos, usage names) live as data in ``site_data/reference/alias.json``.
"""

from __future__ import annotations

import bisect
import difflib
import hashlib
import json
import re
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path

from slugify import slugify as _slugify

from generator.commun.pliage import sans_accents
from generator.records.place import PlaceKind, PlaceRef, Status

REFERENCE_DIR = Path(__file__).resolve().parents[2] / "site_data" / "reference"

KINDS: tuple[PlaceKind, ...] = ("commune", "canton", "epci", "territoire")

# A truncated name (table cell cut short) is matched by prefix only when the
# prefix is long enough to be meaningful and designates a single entity.
MIN_TRUNCATED_PREFIX = 12
MAX_CANDIDATES = 10

_APOSTROPHES = "'’‘`´ʼ"
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_ABBREVIATIONS = {"st": "saint", "ste": "sainte", "lez": "les", "s": "sur"}
_NUMBERS = {"2": "deux", "7": "sept"}  # as EPCI names write them (`Terre des 2 Caps`)
# Words that say what kind of EPCI it is but not which one.
_EPCI_NOISE = {
    "c",
    "com",
    "comm",
    "communaute",
    "communautes",
    "communes",
    "agglo",
    "agglomeration",
    "urbaine",
    "cu",
    "ca",
    "cc",
    "de",
    "d",
    "du",
    "des",
    "la",
    "le",
    "les",
    "l",
    "et",
}
_TERRITOIRE_NOISE = {"territoire", "territoires", "de", "du", "d", "l", "le", "la", "des"}
_CANTON_LEAD = {"canton", "cantons", "de", "du", "d"}
# Sentinels of the rapport headers: « Tous les territoires », « Tous les EPCI (du territoire) ».
_TOUS = re.compile(
    r"^(tous|toutes) les (territoires|cantons|epci|communes|intercommunalites)"
    r"( (du|des) (territoire|territoires|departement))?$"
)


def normalise(text: str) -> str:
    """Lower case, no accents, words separated by single spaces; `St` → `saint`, `lez` → `les`."""
    text = text.replace("œ", "oe").replace("Œ", "OE").replace("æ", "ae").replace("Æ", "AE")
    text = sans_accents(text).lower()
    for ch in _APOSTROPHES:
        text = text.replace(ch, " ")
    text = _NON_ALNUM.sub(" ", text)
    return " ".join(_ABBREVIATIONS.get(tok, tok) for tok in text.split())


def slug(name: str) -> str:
    """URL slug of a place name (`Le Touquet-Paris-Plage` → `le-touquet-paris-plage`)."""
    return _slugify(name)


def _compact(tokens) -> str:
    return "".join(tokens)


def _commune_keys(written: str) -> list[str]:
    """Keys to try for a commune: as written, then without `commune de`/`ville du`.

    The article is kept (`commune de Le Portel`) or contracted
    (`commune du Touquet`): `du`/`au` → `le`, `des`/`aux` → `les`.
    """
    toks = normalise(written).split()
    keys = [_compact(toks)]
    stripped = False
    if toks and toks[0] in ("commune", "communes", "ville"):
        toks = toks[1:]
        stripped = True
    if toks and toks[0] in ("de", "d", "du", "des", "au", "aux"):
        first = toks[0]
        toks = toks[1:]
        if first in ("du", "au"):
            toks = ["le", *toks]
        elif first in ("des", "aux"):
            toks = ["les", *toks]
        stripped = True
    if stripped and toks:
        keys.append(_compact(toks))
    return keys


def _canton_keys(written: str) -> list[str]:
    toks = normalise(written).split()
    keys = [_compact(toks)]
    while toks and toks[0] in _CANTON_LEAD:
        toks = toks[1:]
    if toks:
        keys.append(_compact(toks))
    return keys


def _epci_keys(written: str) -> list[str]:
    """Core of an EPCI name: the distinctive words, with the nature words dropped."""
    keys = []
    main = re.sub(r"\([^)]*\)", " ", written)
    for part in (main, *re.findall(r"\(([^)]*)\)", written)):
        toks = [_NUMBERS.get(t, t) for t in normalise(part).split()]
        core = [t for t in toks if t not in _EPCI_NOISE]
        if core:
            keys.append(_compact(core))
    return keys


def _territoire_keys(written: str) -> list[str]:
    toks = normalise(written).split()
    keys = [_compact(toks)]
    core = list(toks)
    while core and core[0] in _TERRITOIRE_NOISE:
        core = core[1:]
    if core:
        keys.append(_compact(core))
    return keys


_KEYS = {"commune": _commune_keys, "canton": _canton_keys, "epci": _epci_keys, "territoire": _territoire_keys}


@dataclass
class _Index:
    """Exact tiers (tried in order) plus a sorted key list for prefix matching."""

    tiers: list[dict[str, set[str]]] = field(default_factory=list)
    sorted_keys: list[str] = field(default_factory=list)
    key_codes: dict[str, set[str]] = field(default_factory=dict)

    def add(self, tier: int, key: str, code: str) -> None:
        while len(self.tiers) <= tier:
            self.tiers.append({})
        if key:
            self.tiers[tier].setdefault(key, set()).add(code)
            self.key_codes.setdefault(key, set()).add(code)

    def freeze(self) -> None:
        self.sorted_keys = sorted(self.key_codes)

    def exact(self, key: str) -> set[str]:
        for tier in self.tiers:
            if key in tier:
                return tier[key]
        return set()

    def prefixed(self, prefix: str) -> tuple[set[str], bool]:
        """Codes whose key starts with `prefix`; flag False when there are too many."""
        i = bisect.bisect_left(self.sorted_keys, prefix)
        codes: set[str] = set()
        while i < len(self.sorted_keys) and self.sorted_keys[i].startswith(prefix):
            codes |= self.key_codes[self.sorted_keys[i]]
            if len(codes) > MAX_CANDIDATES:
                return codes, False
            i += 1
        return codes, True


@dataclass
class Reference:
    """The reference geography of the Pas-de-Calais, keyed by code (slug for territoires)."""

    communes: dict[str, dict]
    cantons: dict[str, dict]
    epci: dict[str, dict]
    territoires: dict[str, dict]
    anciennes_communes: list[dict]
    aliases: dict[str, list[dict]]
    indexes: dict[str, _Index] = field(default_factory=dict, repr=False)

    @classmethod
    def load(cls, directory: Path = REFERENCE_DIR) -> Reference:
        def read(name):
            return json.loads((directory / name).read_text("utf-8"))

        ref = cls(
            communes=read("communes.json"),
            cantons=read("cantons.json"),
            epci=read("epci.json"),
            territoires=read("territoires.json"),
            anciennes_communes=read("anciennes_communes.json"),
            aliases=read("alias.json"),
        )
        ref._build_indexes()
        return ref

    def empreinte(self) -> str:
        """The digest (SHA-256, hex) of the geography that pages, feeds and exports show of a place: the
        territoires, EPCI, communes and cantons with every field (names, codes, cantons, members), their dicts
        in their order (a list follows it). What the keys of the pages (`site.pages.actes`), of the feeds and
        of the files of grants (`exports.csv_subventions.Rangees`) read of it, each caller once (6 ms); not
        kept here: a reference copied and changed (the tests') must not carry its original's."""
        tables = [self.territoires, self.epci, self.communes, self.cantons]
        return hashlib.sha256(json.dumps(tables, ensure_ascii=False).encode()).hexdigest()

    def entities(self, kind: PlaceKind) -> dict[str, dict]:
        return {"commune": self.communes, "canton": self.cantons, "epci": self.epci, "territoire": self.territoires}[kind]

    def name(self, kind: PlaceKind, code: str) -> str:
        return self.entities(kind)[code]["nom"]

    def communes_comptees(self, kind: PlaceKind, code: str) -> list[str]:
        """The communes whose grants count in a place's figures: the commune itself, a canton's communes
        but its fractions (a commune split between cantons is listed, not counted), an EPCI's members,
        a territoire's communes."""
        if kind == "commune":
            return [code]
        if kind == "canton":
            k = self.cantons[code]
            fraction = set(k.get("fraction") or [])
            return [c for c in k["communes"] if c not in fraction]
        return list(self.epci[code]["membres"] if kind == "epci" else self.territoires[code]["communes"])

    def _build_indexes(self) -> None:
        """Tier 0: official names; tier 1: sigles and alias.json; tier 2: former communes."""
        keyer = {
            "commune": lambda s: _commune_keys(s)[:1],
            "canton": lambda s: _canton_keys(s)[:1],
            "epci": _epci_keys,
            "territoire": lambda s: _territoire_keys(s)[-1:],
        }
        for kind in KINDS:
            index = _Index()
            for code, ent in self.entities(kind).items():
                for key in keyer[kind](ent["nom"]):
                    index.add(0, key, code)
                if kind == "epci":
                    for extra in (ent.get("nom_court"),):
                        for key in keyer[kind](extra or ""):
                            index.add(0, key, code)
                    if ent.get("sigle"):
                        index.add(1, _compact(normalise(ent["sigle"]).split()), code)
            for alias in self.aliases.get(kind, []):
                for variant in alias["variantes"]:
                    for key in keyer[kind](variant):
                        index.add(1, key, alias["code"])
            if kind == "commune":
                for old in self.anciennes_communes:
                    for key in keyer[kind](old["nom"]):
                        index.add(2, key, old["commune"])
            index.freeze()
            self.indexes[kind] = index


@lru_cache(maxsize=1)
def reference() -> Reference:
    """The reference data, loaded once per process."""
    return Reference.load()


def _lookup(kind: PlaceKind, written: str) -> tuple[Status, list[str], bool]:
    """(status, codes, exact) for one name; `exact` is False for prefix matches."""
    status, codes, exact = _resoudre(kind, written)
    return status, list(codes), exact


@lru_cache(maxsize=1 << 14)
def _resoudre(kind: PlaceKind, written: str) -> tuple[Status, tuple[str, ...], bool]:
    """`_lookup`, cached as long as the reference (`reference`, loaded once per process): a month names the
    same communes, cantons and EPCI in many grants and rapports (some 1 100 names looked up, 12 ms)."""
    if _TOUS.match(normalise(written)):
        return "tous", (), True
    index = reference().indexes[kind]
    keys = _KEYS[kind](written)
    if not keys:
        return "non-resolu", (), True
    for key in keys:
        codes = index.exact(key)
        if len(codes) == 1:
            return "resolu", tuple(sorted(codes)), True
        if codes:
            return "ambigu", tuple(sorted(codes)), True
    # Truncated or shortened names: only a long, unique prefix resolves.
    key = keys[-1]
    codes, complete = index.prefixed(key)
    if not codes:
        return "non-resolu", (), False
    if len(key) >= MIN_TRUNCATED_PREFIX and len(codes) == 1:
        return "resolu", tuple(sorted(codes)), False
    if complete and len(codes) > 1:
        return "ambigu", tuple(sorted(codes)), False
    return "non-resolu", (), False


@lru_cache(maxsize=4096)
def noms_proches(kind: PlaceKind, written: str, n: int = 3) -> tuple[tuple[str, str], ...]:
    """(code, name) of the places whose name is closest to `written` (`Gonchem` → Gonnehem): a
    suggestion for the publisher's corrections file, never a resolution (a misprint and another
    commune can be one letter apart)."""
    noms = _noms_normalises(kind)
    proches = difflib.get_close_matches(normalise(written), list(noms), n=n, cutoff=0.8)
    return tuple((code, reference().entities(kind)[code]["nom"]) for m in proches for code in noms[m])


@cache
def _noms_normalises(kind: PlaceKind) -> dict[str, list[str]]:
    """Folded official name → codes, sorted (built once per kind, not per name looked up)."""
    noms: dict[str, list[str]] = {}
    for code, ent in reference().entities(kind).items():
        noms.setdefault(normalise(ent["nom"]), []).append(code)
    return {k: sorted(v) for k, v in sorted(noms.items())}


def resolve(kind: PlaceKind, written: str, context: dict | None = None) -> PlaceRef:
    """Map a written place name to its reference entity, or say why it cannot.

    `context` may hold {"commune"|"epci"|"territoire"|"canton": code} known from the
    document: an ambiguity is settled only if exactly one candidate agrees with it.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown place kind {kind!r}")
    status, codes, _ = _lookup(kind, written)
    if status == "ambigu" and context:
        kept = [c for c in codes if _agrees(kind, c, context)]
        if len(kept) == 1:
            status, codes = "resolu", kept
    return _ref(kind, written, status, codes)


def _agrees(kind: PlaceKind, code: str, context: dict) -> bool:
    ent = reference().entities(kind)[code]
    checks = {"epci": ent.get("epci"), "territoire": ent.get("territoire")}
    if kind == "commune":
        checks["canton"] = ent.get("cantons")
    for key, value in checks.items():
        want = context.get(key)
        if want is None or value is None:
            continue
        if (want not in value) if isinstance(value, list) else (want != value):
            return False
    return any(context.get(k) is not None for k in checks)


def _ref(kind: PlaceKind, written: str, status: Status, codes: list[str]) -> PlaceRef:
    written = written.strip()
    if status == "resolu":
        return PlaceRef(kind, written, "resolu", codes[0], reference().name(kind, codes[0]))
    if status == "tous":
        return PlaceRef(kind, written, "tous")
    return PlaceRef(kind, written, status, candidates=list(codes))


def _clean(text: str) -> str:
    """Rejoin a field wrapped across lines (`HENIN-` ⏎ `BEAUMONT-1`)."""
    text = re.sub(r"-\s*\n\s*", "-", text)
    return re.sub(r"\s+", " ", text).strip(" ,;.")


def resolve_list(kind: PlaceKind, field_text: str, max_join: int = 3) -> list[PlaceRef]:
    """Split a rapport header value (`Canton(s): A, B, C`) into resolved places.

    Commas also occur inside names (`…Artois Lys, Romane`), so consecutive
    pieces are rejoined when the joined text is an exact name: the longest
    exact join wins, otherwise the piece is resolved alone.
    """
    pieces = [p.strip() for p in _clean(field_text).split(",")]
    pieces = [p for p in pieces if p]
    out: list[PlaceRef] = []
    i = 0
    while i < len(pieces):
        taken = None
        for j in range(min(len(pieces), i + max_join), i + 1, -1):
            text = ", ".join(pieces[i:j])
            status, codes, exact = _lookup(kind, text)
            if exact and status in ("resolu", "tous"):
                taken = (j, _ref(kind, text, status, codes))
                break
        if taken is None:
            taken = (i + 1, resolve(kind, pieces[i]))
        i, ref = taken
        out.append(ref)
    return out


def deux_noms(kind: PlaceKind, written: str) -> tuple[PlaceRef, PlaceRef] | None:
    """Two places written as one, their comma missing (`Coyecques Delettes`): both halves of a cut at
    a space must be exact official names, otherwise None (no half-name is ever guessed)."""
    mots = written.split()
    for k in range(1, len(mots)):
        a, b = " ".join(mots[:k]), " ".join(mots[k:])
        (sa, ca, ea), (sb, cb, eb) = _lookup(kind, a), _lookup(kind, b)
        if ea and eb and sa == sb == "resolu":
            return _ref(kind, a, sa, ca), _ref(kind, b, sb, cb)
    return None


_COMMUNES_DE = re.compile(r"\b(?:la |les )?communes?\s+(de |d['’]\s*|du |des )", re.IGNORECASE)
_END = re.compile(r"\s[–—-]\s|\s[–—]|[–—]\s|[.;:()\n]|\s+pour\s|\s+entre\s", re.IGNORECASE)


def find_communes(text: str) -> list[PlaceRef]:
    """Communes named after `commune(s) de` in a short text such as a voirie arrêté title.

    `RD 901 au territoire des communes de X, Y et Z – Manifestation …` → X, Y, Z.
    """
    text = _clean(text)
    out: list[PlaceRef] = []
    for m in _COMMUNES_DE.finditer(text):
        rest = text[m.end() :]
        end = _END.search(rest)
        names = rest[: end.start()] if end else rest
        article = normalise(m.group(1))
        parts = [p.strip() for p in re.split(r",|\s+et\s+", names) if p.strip()]
        for n, part in enumerate(parts):
            written = part
            if n == 0 and article in ("du", "des"):
                written = f"commune {m.group(1).strip()} {part}"
            ref = resolve("commune", written)
            ref.written = part
            out.append(ref)
    return out

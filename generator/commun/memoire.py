"""The cyclic garbage collector's work during a build: paused for a burst of allocation
(`sans_ramasse_miettes`), and kept off the data that lives long (`gel`, `geler`).

A build makes hundreds of thousands of acyclic objects (ten years: 440 000 records, 540 000 objects read
back by the extraction). Each collection rescans everything alive, and touches (so copies) the memory a
forked worker shares with its parent. These are the only places the build changes the collector.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def sans_ramasse_miettes() -> Iterator[None]:
    """The cyclic garbage collector paused for a bounded burst of allocation (parsing one source,
    reading one JSON file). Those create hundreds of thousands of acyclic objects, and every
    collection they trigger rescans all that is alive: measured, a third of a source's parse time."""
    actif = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if actif:
            gc.enable()


_gel = 0
"""How many `gel` blocks this process is in (0 in a forked child: the blocks are its parent's)."""


def _enfant() -> None:
    global _gel
    _gel = 0


os.register_at_fork(after_in_child=_enfant)


@contextmanager
def gel() -> Iterator[None]:
    """A stage whose data lives long and is many: `geler` puts what is alive out of the cyclic collector's
    sight, so that no collection scans it again, nor touches (and so copies) the memory a forked child
    shares with this process. The one rule: nothing is frozen but inside such a block, and the outermost
    block unfreezes everything when it ends, whatever ends it; a block within another leaves it to that
    one. So a build (`build._construire`, one block from the extraction to the pages) keeps what the
    extraction read frozen until the pages are written, and `extraction.extract` run alone (`make
    extract`, the tests) leaves nothing frozen behind it. A forked child starts outside any block: the
    blocks it inherited end in its parent, so it may not freeze unless it opens its own."""
    global _gel
    _gel += 1
    try:
        yield
    finally:
        _gel -= 1
        if _gel == 0:
            gc.unfreeze()


def geler() -> None:
    """`gc.freeze()`: what is alive now out of the collector's sight until the outermost `gel` block ends."""
    if _gel == 0:
        raise RuntimeError("memoire.geler() hors d'un bloc memoire.gel() : rien ne le dégèlerait")
    gc.freeze()

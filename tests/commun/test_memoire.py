"""The one rule of the frozen collector (`memoire.gel`, `memoire.geler`)."""

from __future__ import annotations

import gc
import os

import pytest

from generator.commun import memoire


def test_only_the_outermost_block_unfreezes_whatever_ends_it():
    """`memoire.geler` freezes only within a `memoire.gel` block; a block within another leaves the freeze to
    that one, and the outermost unfreezes everything when it ends, by an error too."""
    assert gc.get_freeze_count() == 0
    with pytest.raises(RuntimeError, match="hors d'un bloc"):
        memoire.geler()
    with pytest.raises(ValueError), memoire.gel():
        memoire.geler()
        with memoire.gel():
            memoire.geler()
        assert gc.get_freeze_count() > 0
        raise ValueError
    assert gc.get_freeze_count() == 0


def test_a_forked_child_is_outside_its_parents_blocks():
    """A child forked inside a block (the search's and pages' workers) may not freeze: the block it inherited
    ends in its parent, and nothing in the child would unfreeze what it froze."""
    with memoire.gel():
        lecture, ecriture = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: reports whether `geler` refused, and exits without running pytest's teardown
            try:
                memoire.geler()
                code = b"gele"
            except RuntimeError:
                code = b"refuse"
            os.write(ecriture, code)
            os._exit(0)
        os.close(ecriture)
        recu = os.read(lecture, 16)
        os.close(lecture)
        os.waitpid(pid, 0)
        memoire.geler()  # the parent still may
    assert recu == b"refuse"
    assert gc.get_freeze_count() == 0

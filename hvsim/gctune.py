"""Garbage-collector settings for the length of a simulation run.

A run allocates many long-lived container objects (translated code, decoded instructions,
cold-tier steps, statistics records) and creates few reference cycles (a trap's traceback and
the frame that raised it).  With CPython's default thresholds the collector would walk the
long-lived objects again and again: a third of the CPU time of a Linux boot went to it
(measured: 4.4 s -> 3.1 s).  :func:`collecting_rarely` freezes what exists when the run starts
(the loaded program, the tables) and makes collections of young objects less frequent; both are
undone when the run ends, so an embedding program (a notebook) keeps its own settings.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

#: Allocations between collections of the youngest generation, and how many of those between
#: collections of the next two (CPython's defaults: 700, 10, 10).
RUN_THRESHOLDS = (50_000, 20, 100)


@contextmanager
def collecting_rarely() -> Iterator[None]:
    """Run the body with :data:`RUN_THRESHOLDS` and the objects that exist now frozen."""
    before = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(*RUN_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*before)
        gc.unfreeze()

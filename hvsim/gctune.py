"""Garbage-collector settings for the length of a simulation run.

A run allocates many long-lived container objects (translated code, decoded instructions,
cold-tier steps, statistics records) and creates few reference cycles (a trap's traceback and
the frame that raised it).  With CPython's default thresholds the collector walks the
long-lived objects again and again: a quarter of the CPU time of a Linux boot went to it
(measured: 4.4 s -> 3.4 s).  :func:`collecting_rarely` makes collections of young objects rare
for the length of a run and restores the previous thresholds afterwards, so an embedding
program (a notebook, the test suite) keeps its own settings.

A program that ends soon after a run (the command line) can call :func:`gc.freeze` then: the
next full collection, or the one at interpreter exit, would otherwise walk everything the run
built once more (about 0.4 s after a Linux boot).
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
    """Run the body with :data:`RUN_THRESHOLDS`."""
    before = gc.get_threshold()
    gc.set_threshold(*RUN_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*before)

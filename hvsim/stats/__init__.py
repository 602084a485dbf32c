"""hvsim.stats: what a run recorded and how it is written out.

:mod:`~hvsim.stats.recorder` (records and counters kept during the run),
:mod:`~hvsim.stats.catalog` (every exported counter declared once: name, unit, meaning),
:mod:`~hvsim.stats.export` (stats.json, CSV/Parquet tables, scenario.json),
:mod:`~hvsim.stats.trace` (trace.json for Perfetto), :mod:`~hvsim.stats.report` (the
``perf kvm stat``-style table of ``hvsim report``), :mod:`~hvsim.stats.progress` (the
terminal progress bar of long runs).
"""

"""The analysis notebooks (notebooks/*.ipynb) run from top to bottom and draw their plots.

Each notebook runs its scenarios and ends with assertions on what its plots show, so a
change that breaks the analysis or the behaviour it documents fails here.  Skipped without the
``analysis`` extra (``pip install -e '.[analysis]'``) or the RISC-V cross compiler.
"""

from __future__ import annotations

from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
for _module in ("pandas", "matplotlib", "ipykernel"):
    pytest.importorskip(_module)

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
GUESTS = ROOT / "guests"
NAMES = ["exit_rates.ipynb", "scheduling.ipynb"]


@pytest.fixture(scope="module")
def spin_guests(guests_make) -> None:
    guests_make("spin")


@pytest.mark.parametrize("name", NAMES)
def test_notebook_is_committed_without_outputs(name):
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code
    assert all(not c.outputs and c.execution_count is None for c in code)


@pytest.mark.parametrize("name", NAMES)
def test_notebook_runs_and_plots(name, spin_guests, monkeypatch):
    # the kernel's default (inline) backend renders headless through Agg into PNG outputs
    monkeypatch.delenv("MPLBACKEND", raising=False)
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    client = nbclient.NotebookClient(
        nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOKS)}}
    )
    client.execute()  # raises CellExecutionError, naming the cell, if any cell fails
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    plots = [o for o in outputs if "image/png" in o.get("data", {})]
    assert len(plots) >= 2, f"{name}: expected plots, got {len(plots)}"

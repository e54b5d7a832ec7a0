"""The notebooks in notebooks/ run top to bottom on the bundled sample, and are kept clean."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
NAMES = ["quickstart.ipynb", "relations.ipynb"]


def test_both_notebooks_are_there() -> None:
    assert sorted(p.name for p in NOTEBOOKS.glob("*.ipynb")) == NAMES


@pytest.mark.parametrize("name", NAMES)
def test_notebook_is_stored_without_outputs(name: str) -> None:
    notebook = nbformat.read(NOTEBOOKS / name, as_version=4)
    nbformat.validate(notebook)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None


@pytest.mark.parametrize("name", NAMES)
def test_notebook_uses_only_the_public_api(name: str) -> None:
    source = "\n".join(c.source for c in nbformat.read(NOTEBOOKS / name, as_version=4).cells
                       if c.cell_type == "code")
    assert not re.search(r"\bkg\.\w+\._|from kg\.\w+ import[^\n]*\b_\w", source)


@pytest.mark.parametrize("name", NAMES)
def test_notebook_runs_top_to_bottom(name: str) -> None:
    notebook = nbformat.read(NOTEBOOKS / name, as_version=4)
    # The venv's own kernel: jupyter_client swaps "python" in the spec for sys.executable.
    client = nbclient.NotebookClient(notebook, timeout=120, kernel_name="python3",
                                     resources={"metadata": {"path": str(NOTEBOOKS)}})
    client.execute()
    outputs = [o for c in notebook.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    frames = [o.data["text/html"] for o in outputs
              if o.output_type in ("display_data", "execute_result") and "text/html" in o.data
              and o.data["text/html"].startswith("<iframe srcdoc=")]
    assert frames, "the notebook shows no graph"
    assert all('sandbox="allow-scripts' in f for f in frames)
    if name == "relations.ipynb":
        assert any("image/png" in o.get("data", {}) for o in outputs), "no timeline plot"

"""`kg validate` checks only the document graphs changed since the store was found valid.

Real stores, real `kg` processes.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox

from kg.extract.documents import document_from_text, read_documents
from kg.graph.store import OxigraphStore
from kg.graph.validate import graph_digests, recorded_digests, validate_changed
from kg.graph.vocab import VALIDATED_GRAPH, graph_iri
from kg.pipeline import build, remove_documents

ROOT = Path(__file__).resolve().parent.parent
KG = [sys.executable, "-m", "kg"]
VALID = "Valid: the store conforms to the shapes.\n"


def checked(proc: subprocess.CompletedProcess[str]) -> str:
    """The line saying how many document graphs were checked (after the progress line)."""
    return proc.stderr.splitlines()[-1]
STATUS = ox.NamedNode("https://w3id.org/kg-bilateral/ontology#status")


def validate(store: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*KG, "--store", str(store), "validate", *args],
                          capture_output=True, text=True, timeout=300)


def docs(n: int) -> list:  # type: ignore[type-arg]
    seed = next(iter(read_documents([ROOT / "examples" / "seed.txt"])))
    return [document_from_text(seed.text, f"d{i}", date="2026-01-31") for i in range(n)]


def test_only_changed_graphs_are_checked_again(tmp_path: Path) -> None:
    path = tmp_path / "store"
    with OxigraphStore(path) as store:
        build(docs(3), store, workers=1)
    first = validate(path)
    assert (first.returncode, first.stdout) == (0, VALID)
    assert checked(first) == "kg validate: 3 of 3 document graphs checked"
    again = validate(path)
    assert again.stdout == VALID
    assert checked(again) == ("kg validate: 0 of 3 document graphs checked, the others "
                              "unchanged since found valid (--all: check them too)")
    with OxigraphStore(path) as store:
        changed = document_from_text("Japan and France held talks in Paris.", "d1",
                                     date="2026-02-01")
        build([changed, *docs(5)[3:]], store, workers=1)
    # d1 changed, d3 and d4 are new; and France is a new country: the shared country graph
    # changed, so every document graph is checked again.
    assert checked(validate(path)) == "kg validate: 5 of 5 document graphs checked"
    with OxigraphStore(path) as store:
        build([document_from_text("Japan and France held talks again.", "d1",
                                  date="2026-02-02")], store, workers=1)
    assert checked(validate(path)).startswith("kg validate: 1 of 5 document graphs checked, ")
    assert checked(validate(path, "--all")) == "kg validate: 5 of 5 document graphs checked"


def test_a_graph_broken_after_validation_is_found(tmp_path: Path) -> None:
    path = tmp_path / "store"
    with OxigraphStore(path) as store:
        build(docs(2), store, workers=1)
    assert validate(path).returncode == 0
    with OxigraphStore(path) as store:
        # Break d0 behind kg's back: its facts lose their status.
        broken = list(store.backend.quads_for_pattern(None, STATUS, None,
                                                      ox.NamedNode(graph_iri("d0"))))
        assert broken
        for quad in broken:
            store.backend.remove(quad)
    proc = validate(path)
    assert proc.returncode == 1
    assert "a fact needs exactly one status" in proc.stdout
    assert proc.stderr.splitlines()[-2:] == [
        "kg validate: 1 of 2 document graphs checked, the others unchanged since found valid "
        "(--all: check them too)", "Invalid: 10 violations"]
    # Still invalid: nothing was recorded for the failed run.
    assert validate(path).returncode == 1


def test_the_record_holds_a_digest_per_valid_graph(tmp_path: Path) -> None:
    with OxigraphStore(tmp_path / "store") as store:
        build(docs(2), store, workers=1)
        result = validate_changed(store)
        assert result.report.conforms and (result.checked, result.documents) == (2, 2)
        from kg.graph.validate import record_validation

        record_validation(store, result.digests)
        assert recorded_digests(store) == graph_digests(store) == result.digests
        assert VALIDATED_GRAPH not in result.digests
        # A removed document leaves the other digests alone; an unchanged graph, its digest.
        remove_documents(store, ["d1"])
        assert graph_digests(store)[graph_iri("d0")] == result.digests[graph_iri("d0")]
        assert graph_iri("d1") not in graph_digests(store)

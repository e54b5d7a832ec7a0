"""Contract tests of the store interface, run against every backend."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.errors import StoreError, StoreLockedError
from kg.graph.store import OxigraphStore

G1 = "https://w3id.org/kg-bilateral/id/graph/one"
G2 = "https://w3id.org/kg-bilateral/id/graph/two"


def quad(s: str, o: str, g: str) -> ox.Quad:
    return ox.Quad(ox.NamedNode(f"urn:{s}"), ox.NamedNode("urn:p"), ox.Literal(o),
                   ox.NamedNode(g))


@pytest.fixture(params=["memory", "disk"])
def store(request: pytest.FixtureRequest, tmp_path: Path):  # type: ignore[no-untyped-def]
    s = OxigraphStore() if request.param == "memory" else OxigraphStore(tmp_path / "store")
    yield s
    s.close()


def test_replace_graph_replaces_only_that_graph(store: OxigraphStore) -> None:
    store.replace_graph(G1, [quad("a", "1", G1), quad("b", "2", G1)])
    store.replace_graph(G2, [quad("c", "3", G2)])
    store.replace_graph(G1, [quad("a", "9", G1)])
    assert len(store) == 2
    assert store.graphs() == [G1, G2]
    rows = list(store.query("SELECT ?o WHERE { <urn:a> <urn:p> ?o }"))
    assert [r["o"].value for r in rows] == ["9"]


def test_adding_the_same_quads_twice_adds_nothing(store: OxigraphStore) -> None:
    quads = [quad("a", "1", G1), quad("b", "2", G1)]
    store.add(quads)
    store.add(quads)
    assert len(store) == 2


def test_query_reads_the_union_of_graphs_and_binds_substitutions(store: OxigraphStore) -> None:
    store.add([quad("a", "1", G1), quad("b", "2", G2)])
    rows = list(store.query("SELECT ?s ?o WHERE { ?s <urn:p> ?o }",
                            substitutions={"o": ox.Literal("2")}))
    assert [r["s"].value for r in rows] == ["urn:b"]


@pytest.mark.parametrize("fmt", ["ttl", "nt", "nq", "trig", "jsonld"])
def test_dump_round_trips(store: OxigraphStore, fmt: str, tmp_path: Path) -> None:
    store.add([quad("a", "Zoë 東京", G1)])
    path = tmp_path / f"out.{fmt}"
    with path.open("wb") as handle:
        store.dump(handle, fmt)
    fmt_enum = {"ttl": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES,
                "nq": ox.RdfFormat.N_QUADS, "trig": ox.RdfFormat.TRIG,
                "jsonld": ox.RdfFormat.JSON_LD}[fmt]
    parsed = list(ox.parse(path=str(path), format=fmt_enum))
    assert [q.object.value for q in parsed] == ["Zoë 東京"]


def test_rdflib_users_get_a_dataset(store: OxigraphStore) -> None:
    store.add([quad("a", "1", G1)])
    dataset = store.to_rdflib()
    assert len(list(dataset.quads((None, None, None, None)))) == 1


def test_disk_store_is_locked_against_a_second_process(tmp_path: Path) -> None:
    path = tmp_path / "store"
    with OxigraphStore(path):
        code = ("from kg.graph.store import OxigraphStore\n"
                "from kg.errors import StoreLockedError\n"
                f"try:\n    OxigraphStore({str(path)!r})\n"
                "except StoreLockedError as e:\n    print(e)\n")
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             timeout=60)
    assert out.stdout.strip() == f"store is in use by another process: {path}"
    OxigraphStore(path).close()  # reopens cleanly once released


def test_missing_store_is_not_created_when_reading(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no store at"):
        OxigraphStore(tmp_path / "nothing", create=False)
    assert not (tmp_path / "nothing").exists()
    assert issubclass(StoreLockedError, StoreError)


def test_a_reader_takes_no_lock_and_cannot_write(tmp_path: Path) -> None:
    path = tmp_path / "store"
    with OxigraphStore(path) as writer:
        writer.add([quad("a", "1", G1)])
        writer.flush()
        with OxigraphStore(path, read_only=True) as reader:
            assert len(reader) == 1 and reader.graphs() == [G1]
            with pytest.raises(StoreError, match="open read-only"):
                reader.add([quad("b", "2", G1)])
            reader.flush()  # nothing to flush: no error
    assert len(OxigraphStore(path, read_only=True)) == 1


def test_open_store_reads_without_creating(tmp_path: Path) -> None:
    from kg.graph.store import open_store

    with pytest.raises(StoreError, match="no store at"):
        open_store(tmp_path / "a" / "store", read_only=True)
    (tmp_path / "plain").mkdir()
    with pytest.raises(StoreError, match="is not a kg store"):
        open_store(tmp_path / "plain", read_only=True)
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["plain"]
    open_store(tmp_path / "a" / "store").close()  # a writer creates parents and store
    assert (tmp_path / "a" / "store" / "CURRENT").is_file()

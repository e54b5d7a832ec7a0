"""Builds written to a real SPARQL server (`oxigraph serve` on loopback) by the Graph Store
HTTP Protocol give the same graphs and answers as a local build."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from conftest import free_port, oxigraph_server

from kg.errors import StoreError
from kg.graph.pages import PAGES_GRAPH
from kg.graph.remote import RemoteStore
from kg.graph.store import OxigraphStore
from kg.graph.summaries import SUMMARY_GRAPH
from kg.graph.vocab import EVENTS_GRAPHS, graph_iri
from kg.pipeline import build, document_ids

pytestmark = pytest.mark.server

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
KG = [sys.executable, "-m", "kg"]


def kg(*args: str, **kw) -> subprocess.CompletedProcess[str]:  # type: ignore[no-untyped-def]
    return subprocess.run([*KG, *args], capture_output=True, text=True, timeout=120, **kw)


@pytest.fixture()
def endpoint(tmp_path: Path) -> Iterator[str]:
    with oxigraph_server(tmp_path / "served") as url:
        yield url


@pytest.fixture(scope="module")
def local(tmp_path_factory: pytest.TempPathFactory) -> Path:
    store = tmp_path_factory.mktemp("local") / "store"
    assert kg("--store", str(store), "build", str(EXAMPLES), "-w", "1", "-q").returncode == 0
    return store


def _export(*where: str) -> list[str]:
    proc = kg(*where, "export", "-f", "nq")
    assert proc.returncode == 0, proc.stderr
    return sorted(proc.stdout.splitlines())


def test_a_build_on_the_server_equals_a_local_build(endpoint: str, local: Path,
                                                    tmp_path: Path) -> None:
    built = kg("--endpoint", endpoint, "build", str(EXAMPLES), "-w", "1")
    assert built.returncode == 0, built.stderr
    assert built.stdout.startswith("Built 2 documents")
    expected = _export("--store", str(local))
    assert _export("--endpoint", endpoint) == expected

    for question in (["query", "--saved", "partners", "--param", "country=JPN", "-f", "jsonl"],
                     ["query", "--saved", "partnerships", "-f", "jsonl"], ["stats"]):
        here = kg("--store", str(local), *question)
        there = kg("--endpoint", endpoint, *question)
        assert here.returncode == there.returncode == 0, there.stderr
        assert there.stdout == here.stdout.replace(str(local), endpoint)

    # Building again replaces each document's graph whole: nothing doubles.
    assert kg("--endpoint", endpoint, "build", str(EXAMPLES), "-q").returncode == 0
    assert _export("--endpoint", endpoint) == expected

    removed = kg("--endpoint", endpoint, "remove", "seed")
    assert (removed.returncode, removed.stdout) == (0, "Removed 1 documents: seed\n")
    left = _export("--endpoint", endpoint)
    assert not any(f"<{graph_iri('seed')}>" in line for line in left)
    # The summary, buckets and events graphs are recomputed from what is left: equal to a
    # local build of the one document left (tests/test_summaries.py checks the summaries'
    # counts, tests/test_pages.py the buckets').
    derived = (f"<{SUMMARY_GRAPH}>", f"<{EVENTS_GRAPHS}", f"<{PAGES_GRAPH}>")
    assert [line for line in expected
            if f"<{graph_iri('seed')}>" not in line and not any(d in line for d in derived)] == \
        [line for line in left if not any(d in line for d in derived)]
    assert any(derived[0] in line for line in left)
    alone = tmp_path / "alone"
    assert kg("--store", str(alone), "build", str(EXAMPLES / "g20-talks.txt"), "-w", "1",
              "-q").returncode == 0
    for graph in derived[1:]:
        assert [line for line in left if graph in line] == \
            [line for line in _export("--store", str(alone)) if graph in line]


def test_a_changed_document_replaces_its_graph(endpoint: str, tmp_path: Path) -> None:
    first = "Japan and India signed a trade agreement in Tokyo on 3 March 2024."
    second = "France hosted Germany's chancellor in Paris on 5 May 2024."
    with RemoteStore(endpoint) as remote:
        build([{"id": "story", "text": first}], remote, workers=1)
        build([{"id": "story", "text": second}], remote, workers=1)
        served = {q for q in remote.quads() if q.graph_name.value == graph_iri("story")}
    with OxigraphStore() as memory:
        build([{"id": "story", "text": second}], memory, workers=1)
        expected = {q for q in memory.quads() if q.graph_name.value == graph_iri("story")}
    assert served == expected
    assert any("France" in str(q.object) or "FRA" in str(q.object) for q in served)


def test_graph_names_travel_escaped(endpoint: str) -> None:
    """A graph IRI full of URL syntax reaches the server as one `graph=` value."""
    tricky = "http://example.org/g?graph=http://example.org/other&x=1#frag%20+;=&graph=x"
    triple = ox.Quad(ox.NamedNode("http://example.org/s"), ox.NamedNode("http://example.org/p"),
                     ox.Literal("o"), ox.NamedNode(tricky))
    with RemoteStore(endpoint) as remote:
        remote.replace_graph(tricky, [triple])
        assert remote.graphs() == [tricky]
        remote.add([ox.Quad(triple.subject, triple.predicate, ox.Literal("p"), triple.graph_name)])
        assert len(remote) == 2
        remote.replace_graph(tricky, [])
        assert remote.graphs() == []
        remote.replace_graph(tricky, [])  # deleting what is not there is no error


def test_a_store_with_its_own_graph_store_url(endpoint: str) -> None:
    """--endpoint-store names the Graph Store endpoint (Fuseki's /ds/data layout)."""
    store_url = endpoint.rsplit("/", 1)[0] + "/store"
    elsewhere = endpoint.rsplit("/", 1)[0] + "/nowhere"
    ok = kg("--endpoint", endpoint, "--endpoint-store", store_url, "build",
            str(EXAMPLES / "seed.txt"), "-q")
    assert ok.returncode == 0, ok.stderr
    with RemoteStore(endpoint) as remote:
        assert document_ids(remote) == ["seed"]
    wrong = kg("--endpoint", endpoint, "--endpoint-store", elsewhere, "build",
               str(EXAMPLES / "g20-talks.txt"))
    assert wrong.returncode == 1
    assert wrong.stderr.startswith(f"Error: {elsewhere}?graph=") and "HTTP 404" in wrong.stderr
    assert wrong.stderr.count("\n") == 1
    bad = kg("--endpoint", endpoint, "--endpoint-store", "ftp://x/store", "stats")
    assert (bad.returncode, bad.stderr) == (
        1, "Error: endpoint 'ftp://x/store' is not an http(s) URL\n")


def test_a_read_only_server_refuses_the_build_in_one_line(tmp_path: Path) -> None:
    with OxigraphStore(tmp_path / "served"):
        pass
    with oxigraph_server(tmp_path / "served", "serve-read-only") as url:
        proc = kg("--endpoint", url, "build", str(EXAMPLES / "seed.txt"))
        assert proc.returncode == 1
        assert "refused the request: HTTP 4" in proc.stderr
        assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr
        removal = kg("--endpoint", url, "remove", "seed")
        assert removal.returncode == 1 and removal.stderr.count("\n") == 1


def test_a_server_that_is_down_fails_after_bounded_retries() -> None:
    url = f"http://127.0.0.1:{free_port()}/query"
    remote = RemoteStore(url, retries=2, backoff=0.01)
    quad = ox.Quad(ox.NamedNode("http://example.org/s"), ox.NamedNode("http://example.org/p"),
                   ox.Literal("o"), ox.NamedNode(graph_iri("x")))
    with pytest.raises(StoreError, match=r"/store\?graph=.*Connection refused \(tried 2 times\)"):
        remote.replace_graph(graph_iri("x"), [quad])
    proc = kg("--endpoint", url, "build", str(EXAMPLES / "seed.txt"))
    assert proc.returncode == 1
    assert proc.stderr.endswith("Connection refused (tried 3 times)\n")
    assert proc.stderr.count("\n") == 1

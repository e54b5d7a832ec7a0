"""Helpers shared by the test modules."""

from __future__ import annotations

import contextlib
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

import pytest

from kg.extract.actors import Country
from kg.graph.rdf import country_quads
from kg.graph.store import OxigraphStore
from kg.pipeline import write_document
from kg.records import Document, Fact


def store_of(facts: Mapping[Document, Iterable[Fact]],
             countries: Iterable[Country] = ()) -> OxigraphStore:
    """An in-memory store holding these documents' facts and these countries."""
    store = OxigraphStore()
    store.add(country_quads(countries))
    for doc, doc_facts in facts.items():
        write_document(store, doc, doc_facts)
    return store


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def oxigraph_server(location: Path, command: str = "serve") -> Iterator[str]:
    """A real Oxigraph SPARQL server (`serve` or `serve-read-only`) on a free loopback port,
    stopped afterwards; yields its query endpoint. Skips if the server is not installed."""
    binary = Path(sys.executable).parent / "oxigraph"
    if not binary.exists():
        pytest.skip("the oxigraph server (pip package oxigraph) is not installed")
    port = free_port()
    server = subprocess.Popen([str(binary), command, "--location", str(location),
                               "--bind", f"127.0.0.1:{port}", "--union-default-graph"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}/query"
    finally:
        server.terminate()
        server.wait(10)


def shell_transcript(markdown: str) -> list[tuple[str, str]]:
    """The `$ kg ...` lines of a page's code blocks, each with the output shown under it."""
    shown = []
    for block in re.findall(r"```\n(.*?)```", markdown, flags=re.S):
        for chunk in re.split(r"\n(?=\$ kg )", block):
            if chunk.startswith("$ kg "):
                command, _, output = chunk.partition("\n")
                shown.append((command[2:], output.strip("\n")))
    return shown

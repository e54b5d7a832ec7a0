"""Helpers shared by the test modules."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from kg.actors import Country
from kg.pipeline import write_document
from kg.rdf import country_quads
from kg.records import Document, Fact
from kg.store import OxigraphStore


def store_of(facts: Mapping[Document, Iterable[Fact]],
             countries: Iterable[Country] = ()) -> OxigraphStore:
    """An in-memory store holding these documents' facts and these countries."""
    store = OxigraphStore()
    store.add(country_quads(countries))
    for doc, doc_facts in facts.items():
        write_document(store, doc, doc_facts)
    return store

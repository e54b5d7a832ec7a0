"""Loading RDF files into the store (`kg import`), safely.

RDF from elsewhere can ask a parser to reach out: a JSON-LD `@context` given as a URL, an
`owl:imports`, an XML external entity, or an entity that expands a billion-fold. `kg` fetches
nothing and reads no file but the one named, so such input is refused before parsing, with a
line saying why. The triples go into a named graph of their own, replaced on re-import.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from .documents import DEFAULT_MAX_BYTES, path_text, read_bytes
from .errors import InputError
from .store import GraphStore
from .vocab import DATA, segment

FORMATS = {
    ".ttl": ox.RdfFormat.TURTLE, ".nt": ox.RdfFormat.N_TRIPLES, ".nq": ox.RdfFormat.N_QUADS,
    ".trig": ox.RdfFormat.TRIG, ".jsonld": ox.RdfFormat.JSON_LD, ".json": ox.RdfFormat.JSON_LD,
    ".rdf": ox.RdfFormat.RDF_XML, ".xml": ox.RdfFormat.RDF_XML, ".owl": ox.RdfFormat.RDF_XML,
    ".n3": ox.RdfFormat.N3,
}
OWL_IMPORTS = "http://www.w3.org/2002/07/owl#imports"
_DTD = re.compile(rb"<!\s*(?:DOCTYPE|ENTITY)", re.IGNORECASE)


@dataclass(frozen=True)
class ImportReport:
    path: str
    graph: str
    quads: int


def import_graph_iri(path: Path) -> str:
    return f"{DATA}graph/import/{segment(path_text(path.stem))}"


def _remote_contexts(node: Any) -> list[str]:
    """URLs a JSON-LD document would fetch: string contexts and `@import`s, at any depth."""
    found: list[str] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "@context":
                for item in value if isinstance(value, list) else [value]:
                    if isinstance(item, str):
                        found.append(item)
                    else:
                        found += _remote_contexts(item)
            elif key == "@import" and isinstance(value, str):
                found.append(value)
            else:
                found += _remote_contexts(value)
    elif isinstance(node, list):
        for item in node:
            found += _remote_contexts(item)
    return found


def check_rdf(data: bytes, rdf_format: ox.RdfFormat, where: str) -> None:
    """Refuse what would make a parser fetch, read files or expand entities."""
    if _DTD.search(data):
        raise InputError(f"{where}: XML DTDs and entity declarations are refused "
                         "(entity expansion and external entities)")
    if rdf_format == ox.RdfFormat.JSON_LD:
        try:
            tree = json.loads(data)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise InputError(f"{where}: not valid JSON: {exc}") from None
        remote = _remote_contexts(tree)
        if remote:
            raise InputError(f"{where}: remote JSON-LD context {remote[0]!r} refused: kg "
                             "fetches nothing; inline the context instead")


def parse_rdf(path: Path, *, fmt: str | None = None,
              max_bytes: int = DEFAULT_MAX_BYTES) -> list[ox.Quad]:
    where = path_text(path)
    rdf_format = FORMATS.get(f".{fmt.lstrip('.')}" if fmt else path.suffix.lower())
    if rdf_format is None:
        raise InputError(f"{where}: unknown RDF format; name one of "
                         f"{', '.join(sorted(k.lstrip('.') for k in FORMATS))} with --format")
    data = read_bytes(path, max_bytes)  # a regular file only: a FIFO or device is refused
    check_rdf(data, rdf_format, where)
    try:
        quads = list(ox.parse(data, format=rdf_format, base_iri=path.resolve().as_uri()))
    except SyntaxError as exc:
        raise InputError(f"{where}: bad {rdf_format.name}: {str(exc).splitlines()[0]}") from None
    except (OSError, ValueError) as exc:
        raise InputError(f"{where}: cannot parse: {str(exc).splitlines()[0]}") from None
    for quad in quads:
        if quad.predicate.value == OWL_IMPORTS:
            raise InputError(f"{where}: owl:imports {quad.object} refused: kg fetches nothing; "
                             "import that file yourself")
    return quads


def import_rdf(store: GraphStore, path: str | Path, *, fmt: str | None = None,
               graph: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES) -> ImportReport:
    """Load an RDF file into its own named graph (every quad of the file goes there)."""
    path = Path(path)
    target = graph or import_graph_iri(path)
    name = ox.NamedNode(target)
    quads = [ox.Quad(q.subject, q.predicate, q.object, name)
             for q in parse_rdf(path, fmt=fmt, max_bytes=max_bytes)]
    store.replace_graph(target, quads)
    return ImportReport(path_text(path), target, len(quads))

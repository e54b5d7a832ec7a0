"""Loading RDF files into the store (`kg import`), safely and in bulk.

RDF from elsewhere can ask a parser to reach out: a JSON-LD `@context` given as a URL, an
`owl:imports`, an XML external entity, or an entity that expands a billion-fold. `kg` fetches
nothing and reads no file but the one named, so such input is refused before anything is
written, with a line saying why.

Each file is read twice, streaming: once to check it (syntax, `owl:imports`) and learn which
named graphs it fills, then by Oxigraph's bulk loader. Triples of a file's default graph go
into a graph of its own (`--graph`, else one named after the file); quads of N-Quads, TriG
and JSON-LD keep their graph names, so an export imports back as it was. Each graph an
import fills is emptied first, once per import: importing a file again replaces what it
loaded before, and files that would silently replace one another are refused instead.
"""

from __future__ import annotations

import io
import json
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from ..errors import InputError, StoreError
from ..extract.documents import DEFAULT_MAX_BYTES, open_regular, path_text, read_bytes
from .store import GraphStore
from .vocab import DATA, PREFIXES, segment

FORMATS = {
    ".ttl": ox.RdfFormat.TURTLE, ".nt": ox.RdfFormat.N_TRIPLES, ".nq": ox.RdfFormat.N_QUADS,
    ".trig": ox.RdfFormat.TRIG, ".jsonld": ox.RdfFormat.JSON_LD, ".json": ox.RdfFormat.JSON_LD,
    ".rdf": ox.RdfFormat.RDF_XML, ".xml": ox.RdfFormat.RDF_XML, ".owl": ox.RdfFormat.RDF_XML,
    ".n3": ox.RdfFormat.N3,
}
OWL_IMPORTS = "http://www.w3.org/2002/07/owl#imports"
# Which file filled each graph named after a file: `<graph> prov:wasDerivedFrom <file:…>`.
IMPORTS_GRAPH = f"{DATA}graph/_imports"
DERIVED_FROM = PREFIXES["prov"] + "wasDerivedFrom"
_DTD = re.compile(rb"<!\s*(?:DOCTYPE|ENTITY)", re.IGNORECASE)
# Formats read whole by their parser, and checked whole before (DTDs, remote contexts).
_CHECKED_WHOLE = {ox.RdfFormat.RDF_XML, ox.RdfFormat.JSON_LD}


@dataclass(frozen=True)
class ImportReport:
    path: str
    graph: str  # where the file's default-graph triples went
    quads: int
    graphs: tuple[str, ...] = ()  # every graph the file filled, sorted


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
        except RecursionError:
            raise InputError(f"{where}: JSON nested too deeply") from None
        try:
            remote = _remote_contexts(tree)
        except RecursionError:
            raise InputError(f"{where}: JSON nested too deeply") from None
        if remote:
            raise InputError(f"{where}: remote JSON-LD context {remote[0]!r} refused: kg "
                             "fetches nothing; inline the context instead")


def _format_of(path: Path, fmt: str | None) -> ox.RdfFormat:
    rdf_format = FORMATS.get(f".{fmt.lstrip('.').lower()}" if fmt else path.suffix.lower())
    if rdf_format is None:
        raise InputError(f"{path}: unknown RDF format; name one of "
                         f"{', '.join(sorted(k.lstrip('.') for k in FORMATS))} with --format")
    return rdf_format


def _size(path: Path, max_bytes: int) -> int:
    # A regular file only: a FIFO or a device (/dev/zero) is refused before a byte is read.
    with open_regular(path) as handle:
        size = os.fstat(handle.fileno()).st_size
    if size > max_bytes:
        raise InputError(f"{path_text(path)}: {size} bytes is over the size limit of {max_bytes}")
    return size


def _source(path: Path, rdf_format: ox.RdfFormat, max_bytes: int) -> dict[str, Any]:
    """What the parser reads: the bytes, checked, for formats read whole; else the path."""
    if rdf_format not in _CHECKED_WHOLE:
        return {"path": str(path)}
    data = read_bytes(path, max_bytes)
    check_rdf(data, rdf_format, path_text(path))
    return {"input": data}


def check_graph_name(graph: str) -> None:
    """A graph name given by the user must be an absolute IRI (`--graph`)."""
    try:
        ox.NamedNode(graph)
    except ValueError as exc:
        raise InputError(f"--graph {graph!r} is not an absolute IRI: {exc}") from None


def _parse_error(where: Path, rdf_format: ox.RdfFormat, exc: Exception) -> InputError:
    if isinstance(exc, MemoryError):
        # Oxigraph's parsers hold one token (a literal, an IRI) in a buffer of 16 MiB.
        return InputError(f"{path_text(where)}: a single term is larger than the parser's "
                          f"buffer ({exc})")
    if isinstance(exc, RecursionError):
        return InputError(f"{path_text(where)}: nested too deeply to parse")
    first = (str(exc).splitlines() or [type(exc).__name__])[0]
    if isinstance(exc, SyntaxError):
        return InputError(f"{where}: bad {rdf_format.name}: {first}")
    return InputError(f"{where}: cannot parse: {first}")


@dataclass(frozen=True)
class _Scan:
    quads: int
    named: frozenset[str]  # graph names the file's quads carry
    default: bool  # whether it holds default-graph triples


def _scan(path: Path, rdf_format: ox.RdfFormat, source: dict[str, Any], target: str = "",
          existing: frozenset[str] = frozenset(), keep: set[ox.Quad] | None = None) -> _Scan:
    """Read the file once without writing: syntax, owl:imports, which graphs it fills.

    Quads bound for a graph in `existing` are added to `keep`: those are already in the
    store, or should stay there, when the file is imported again.
    """
    count, named, default = 0, set(), False
    into = ox.NamedNode(target) if target else None
    try:
        for quad in ox.parse(**source, format=rdf_format, base_iri=path.resolve().as_uri()):
            count += 1
            if quad.predicate.value == OWL_IMPORTS:
                raise InputError(f"{path}: owl:imports {quad.object} refused: kg fetches "
                                 "nothing; import that file yourself")
            graph = quad.graph_name
            if isinstance(graph, ox.DefaultGraph):
                default = True
                graph = into
            elif isinstance(graph, ox.NamedNode):
                named.add(graph.value)
            else:
                raise InputError(f"{path}: a graph named by a blank node cannot be imported")
            if keep is not None and graph is not None and graph.value in existing:
                keep.add(ox.Quad(quad.subject, quad.predicate, quad.object, graph))
    except (SyntaxError, OSError, ValueError, MemoryError, RecursionError) as exc:
        raise _parse_error(path, rdf_format, exc) from None
    return _Scan(count, frozenset(named), default)


def parse_rdf(path: Path, *, fmt: str | None = None,
              max_bytes: int = DEFAULT_MAX_BYTES) -> list[ox.Quad]:
    """Every quad of a file, checked (for small files and stores without a bulk loader)."""
    rdf_format = _format_of(path, fmt)
    _size(path, max_bytes)
    source = _source(path, rdf_format, max_bytes)
    _scan(path, rdf_format, source)
    try:
        return list(ox.parse(**source, format=rdf_format, base_iri=path.resolve().as_uri()))
    except (SyntaxError, OSError, ValueError, MemoryError, RecursionError) as exc:
        raise _parse_error(path, rdf_format, exc) from None


def plan_import(paths: Sequence[str | Path], graph: str | None = None) -> list[tuple[Path, str]]:
    """Each file with the graph its triples go to; refuses two files that would share one.

    With `graph`, every file goes there (together). Without, the graph is named after the
    file, so `a/x.nt` and `b/x.nt` would replace one another: refused, naming both.
    """
    plan: list[tuple[Path, str]] = []
    owner: dict[str, Path] = {}
    for item in paths:
        path = Path(item)
        if any(path.resolve() == p.resolve() for p, _ in plan):
            continue  # the same file named twice loads once
        target = graph or import_graph_iri(path)
        if graph is None and target in owner:
            raise InputError(f"{owner[target]} and {path} would both load into <{target}>; "
                             "import them separately, with --graph, or rename one")
        owner[target] = path
        plan.append((path, target))
    return plan


class _Counted(io.RawIOBase):
    """A file that reports the bytes read from it, for a progress bar."""

    def __init__(self, path: Path, progress: Callable[[int], object]):
        self._file = path.open("rb")
        self._progress = progress

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        n = self._file.readinto(buffer)
        self._progress(n or 0)
        return n or 0

    def close(self) -> None:
        self._file.close()
        super().close()


def import_files(store: GraphStore, paths: Sequence[str | Path], *, fmt: str | None = None,
                 graph: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES,
                 progress: Callable[[int], object] | None = None) -> list[ImportReport]:
    """Load RDF files into `store` (see the module's notes); returns a report per file.

    Every file is checked before any is written. `progress` is called with the number of
    bytes the loader reads. Bulk loading is not one transaction: after an interruption, part
    of a file may be loaded; importing it again replaces that part.
    """
    if graph is not None:
        check_graph_name(graph)
    plan = plan_import(paths, graph)
    if graph is None:
        _refuse_other_sources(store, plan)
    backend = getattr(store, "backend", None)
    existing = frozenset(g.value for g in backend.named_graphs()
                         if isinstance(g, ox.NamedNode)) if backend is not None else frozenset()
    keep: set[ox.Quad] = set()
    checked = []
    for path, target in plan:
        rdf_format = _format_of(path, fmt)
        _size(path, max_bytes)
        source = _source(path, rdf_format, max_bytes)
        scan = _scan(path, rdf_format, source, target, existing, keep)
        fills = sorted(scan.named | ({target} if scan.default or not scan.named else set()))
        checked.append((path, target, rdf_format, source, scan, fills))
    try:
        # Each graph the import fills is emptied once, before the first file is loaded.
        for name in sorted({name for *_, fills in checked for name in fills}):
            if backend is None:
                store.replace_graph(name, [])
            elif name in existing:
                _remove_stale(backend, name, keep)
        reports = []
        for path, target, rdf_format, source, scan, fills in checked:
            if backend is not None:
                _bulk_load(backend, path, target, rdf_format, source, progress)
            else:  # a remote endpoint: quads through the store interface
                quads = parse_rdf(path, fmt=fmt, max_bytes=max_bytes)
                store.add(_into(q, target) for q in quads)
            reports.append(ImportReport(str(path), target, scan.quads, tuple(fills)))
        if graph is None:
            _record_sources(store, [(p, t) for p, t, *_, fills in checked if t in fills])
        # In a store that keeps summaries, imported facts count as built ones do (and a
        # summary graph imported from another store's dump is replaced by this store's).
        from .summaries import has_summaries, refresh_summaries

        if has_summaries(store):
            refresh_summaries(store)
        # Buckets count imported facts too, or are dropped if some have no links (an older
        # kg's dump): a bucket that missed rows would cut pages short.
        from .pages import has_pages, refresh_pages

        if has_pages(store):
            refresh_pages(store)
    except OSError as exc:
        raise StoreError(f"cannot write to store: {exc}") from None
    return reports


def _sources(store: GraphStore) -> dict[str, str]:
    """Each graph named after a file, with the file (a `file:` IRI) that filled it."""
    sparql = (f"SELECT ?g ?file WHERE {{ GRAPH <{IMPORTS_GRAPH}> "
              f"{{ ?g <{DERIVED_FROM}> ?file }} }}")
    try:
        return {s["g"].value: s["file"].value for s in store.query(sparql, union=False)}
    except (OSError, RuntimeError, SyntaxError) as exc:
        raise StoreError(f"cannot read the store: {exc}") from None


def _refuse_other_sources(store: GraphStore, plan: list[tuple[Path, str]]) -> None:
    """A file may replace the graph named after it only if it is the file that filled it."""
    known = _sources(store)
    for path, target in plan:
        source = known.get(target)
        if source is not None and source != path.resolve().as_uri():
            earlier = source.removeprefix("file://")
            raise InputError(f"{path} would replace <{target}>, which {earlier} filled; "
                             "import it with --graph, or rename it")


def _record_sources(store: GraphStore, loaded: list[tuple[Path, str]]) -> None:
    where, derived = ox.NamedNode(IMPORTS_GRAPH), ox.NamedNode(DERIVED_FROM)
    known = _sources(store)
    news = [(p, t) for p, t in loaded if known.get(t) != p.resolve().as_uri()]
    if news:
        store.add(ox.Quad(ox.NamedNode(t), derived, ox.NamedNode(p.resolve().as_uri()), where)
                  for p, t in news)


def _into(quad: ox.Quad, target: str) -> ox.Quad:
    if isinstance(quad.graph_name, ox.DefaultGraph):
        return ox.Quad(quad.subject, quad.predicate, quad.object, ox.NamedNode(target))
    return quad


def _remove_stale(backend: ox.Store, name: str, keep: set[ox.Quad]) -> None:
    """Empty graph `name` of all but the quads in `keep`, which the import loads again.

    Removing a million quads takes Oxigraph some 25 s however it is asked; importing the
    same file again (the usual case) removes none of them.
    """
    graph = ox.NamedNode(name)
    stale = [q for q in backend.quads_for_pattern(None, None, None, graph) if q not in keep]
    for quad in stale:
        backend.remove(quad)


def _bulk_load(backend: ox.Store, path: Path, target: str, rdf_format: ox.RdfFormat,
               source: dict[str, Any], progress: Callable[[int], object] | None) -> None:
    options = {"format": rdf_format, "base_iri": path.resolve().as_uri(),
               "to_graph": ox.NamedNode(target)}
    try:
        if "input" in source:
            backend.bulk_load(input=source["input"], **options)
            if progress is not None:
                progress(len(source["input"]))
        elif progress is None:
            backend.bulk_load(path=source["path"], **options)
        else:
            with _Counted(path, progress) as counted:
                backend.bulk_load(input=counted, **options)
    except (SyntaxError, ValueError, MemoryError) as exc:  # checked already: the file changed
        raise _parse_error(path, rdf_format, exc) from None


def import_rdf(store: GraphStore, path: str | Path, *, fmt: str | None = None,
               graph: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES) -> ImportReport:
    """Load one RDF file (see `import_files`)."""
    return import_files(store, [path], fmt=fmt, graph=graph, max_bytes=max_bytes)[0]

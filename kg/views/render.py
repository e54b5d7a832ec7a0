"""One renderer for query rows and one for graphs, so every command prints alike.

Rows: `table` for reading, the SPARQL 1.1 result formats `csv`, `tsv`, `json` and `xml`,
written by Oxigraph's own serialisers, and `jsonl`, one plain JSON object per row, for `jq`
and pandas. Graphs: `pyoxigraph.serialize`. Text meant for a terminal (tables, reports)
goes through `printable`, which neutralises control characters; the data formats keep
every character as it is.
"""

from __future__ import annotations

import json
import math
import unicodedata
from collections.abc import Iterable, Sequence
from typing import IO, Any, TextIO

import pyoxigraph as ox

from ..graph.query import PREFIXES, QueryResult

ROW_FORMATS = ("table", "csv", "tsv", "json", "xml", "jsonl")
GRAPH_FORMATS = ("ttl", "nt", "nq", "trig", "jsonld", "xml")

MAX_CELL = 80  # display columns of a table cell before it is cut with '…'

XSD = PREFIXES["xsd"]
_INTEGER_TYPES = {XSD + t for t in (
    "integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger",
    "nonPositiveInteger", "negativeInteger", "unsignedLong", "unsignedInt", "unsignedShort",
    "unsignedByte")}
_FLOAT_TYPES = {XSD + t for t in ("decimal", "double", "float")}
_GRAPH_FORMAT = {
    "ttl": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "nq": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG, "jsonld": ox.RdfFormat.JSON_LD, "xml": ox.RdfFormat.RDF_XML,
}
_PREFIXED_FORMATS = {"ttl", "trig", "xml"}

_RESULTS_FORMAT = {
    "csv": ox.QueryResultsFormat.CSV, "tsv": ox.QueryResultsFormat.TSV,
    "json": ox.QueryResultsFormat.JSON, "xml": ox.QueryResultsFormat.XML,
}
# Bidirectional embeddings, overrides and isolates reorder what a terminal shows.
_BIDI = {*range(0x202A, 0x202F), *range(0x2066, 0x206A)}


def printable(text: str) -> str:
    """`text` safe to print on a terminal: control characters (C0, DEL, C1 — escape
    sequences start with ESC or CSI) become spaces, bidi controls U+FFFD."""
    if text.isprintable():
        return text
    return "".join(" " if unicodedata.category(c) == "Cc" else
                   "\ufffd" if ord(c) in _BIDI else c for c in text)


def _check(fmt: str, formats: Sequence[str]) -> None:
    if fmt not in formats:
        raise ValueError(f"unknown format {fmt!r}: choose one of {', '.join(formats)}")


# --- rows ----------------------------------------------------------------------------------


def write_rows(result: QueryResult, out: TextIO, fmt: str) -> None:
    """Write SELECT solutions (or an ASK answer) as `fmt`, one of ROW_FORMATS."""
    _check(fmt, ROW_FORMATS)
    if result.form == "ask":
        write_boolean(bool(result.boolean), out, fmt)
        return
    if result.form != "select":
        raise ValueError("a graph result is written with write_triples, not write_rows")
    if fmt == "table":
        _table(result.variables, result.rows, out)
    elif fmt == "jsonl":
        _jsonl(result.variables, result.rows, out)
    else:
        out.write(_serialise(sparql_json(result.variables, result.rows), fmt))


def write_boolean(value: bool, out: TextIO, fmt: str) -> None:
    """Write an ASK answer: `true`/`false`, or SPARQL JSON results for json and jsonl."""
    _check(fmt, ROW_FORMATS)
    if fmt == "jsonl":
        out.write(json.dumps({"head": {}, "boolean": value}, separators=(",", ":")) + "\n")
    elif fmt in ("json", "xml"):
        out.write(_serialise({"head": {}, "boolean": value}, fmt))
    else:
        out.write("true\n" if value else "false\n")


def _serialise(document: dict[str, Any], fmt: str) -> str:
    """A SPARQL JSON results document rewritten by Oxigraph's serialiser for `fmt`."""
    carried = json.dumps(document, ensure_ascii=False).encode("utf-8")
    parsed = ox.parse_query_results(carried, format=ox.QueryResultsFormat.JSON)
    text = parsed.serialize(format=_RESULTS_FORMAT[fmt]).decode("utf-8")
    # JSON and XML end without a newline; pipes and `cat` expect one.
    return text if text.endswith("\n") else text + "\n"


def plain(term: Any) -> str:
    """A term as plain text: an IRI as is, a literal's lexical form, `_:id` for a blank node."""
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return "_:" + term.value
    if isinstance(term, (ox.NamedNode, ox.Literal)):
        return term.value
    return str(term)


def short(term: Any) -> str:
    """A term for reading: IRIs shortened with the known prefixes (`country:JPN`)."""
    if isinstance(term, ox.NamedNode):
        best = max((ns for ns in PREFIXES.values() if term.value.startswith(ns)),
                   key=len, default=None)
        if best is not None:
            local = term.value[len(best):]
            if not any(c.isspace() for c in local):
                prefix = next(p for p, ns in PREFIXES.items() if ns == best)
                return f"{prefix}:{local}"
    return plain(term)


def _display_width(text: str) -> int:
    return sum(_char_width(c) for c in text)


def _char_width(char: str) -> int:
    # Wide East Asian characters take two columns in a terminal, combining marks none.
    if unicodedata.combining(char):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def _cell(term: Any) -> str:
    text = printable(short(term))
    if _display_width(text) <= MAX_CELL:
        return text
    kept, width = [], 0
    for char in text:
        width += _char_width(char)
        if width > MAX_CELL - 1:
            break
        kept.append(char)
    return "".join(kept) + "…"


def _is_number(term: Any) -> bool:
    return isinstance(term, ox.Literal) and term.datatype.value in _INTEGER_TYPES | _FLOAT_TYPES


def _table(variables: Sequence[str], rows: Sequence[Sequence[Any]], out: TextIO) -> None:
    if not variables:
        out.write("(no rows)\n" if not rows else f"({len(rows)} rows, no columns)\n")
        return
    cells = [[_cell(term) for term in row] for row in rows]
    widths = [max([_display_width(name)] + [_display_width(r[i]) for r in cells])
              for i, name in enumerate(variables)]
    # Numbers are right-aligned, as in a spreadsheet, when a column holds nothing else.
    right = [bool(rows) and all(row[i] is None or _is_number(row[i]) for row in rows)
             and any(row[i] is not None for row in rows) for i in range(len(variables))]

    def line(values: Sequence[str]) -> str:
        padded = []
        for value, width, align_right in zip(values, widths, right, strict=True):
            gap = " " * (width - _display_width(value))
            padded.append(gap + value if align_right else value + gap)
        return "  ".join(padded).rstrip() + "\n"

    out.write(line([printable(v) for v in variables]))
    out.write(line(["-" * w for w in widths]))
    if not cells:
        out.write("(no rows)\n")
    for row in cells:
        out.write(line(row))


def json_term(term: Any) -> dict[str, Any]:
    """A term as a SPARQL 1.1 Query Results JSON binding."""
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        binding: dict[str, Any] = {"type": "literal", "value": term.value}
        if term.language:
            binding["xml:lang"] = term.language
            if term.direction is not None:
                binding["its:dir"] = term.direction.value
        elif term.datatype.value != XSD + "string":
            binding["datatype"] = term.datatype.value
        return binding
    if isinstance(term, ox.Triple):
        return {"type": "triple", "value": {
            "subject": json_term(term.subject), "predicate": json_term(term.predicate),
            "object": json_term(term.object)}}
    raise TypeError(f"not an RDF term: {term!r}")


def sparql_json(variables: Sequence[str], rows: Sequence[Sequence[Any]]) -> dict[str, Any]:
    """Materialised solutions as a SPARQL 1.1 JSON results document.

    It only carries rows to Oxigraph's parser: what is written is Oxigraph's serialisation.
    """
    bindings = [{name: json_term(term) for name, term in zip(variables, row, strict=True)
                 if term is not None} for row in rows]
    return {"head": {"vars": list(variables)}, "results": {"bindings": bindings}}


def json_value(term: Any) -> Any:
    """A term as a plain JSON value: numbers and booleans as such, anything else as text."""
    if isinstance(term, ox.Literal) and not term.language:
        datatype = term.datatype.value
        try:
            if datatype in _INTEGER_TYPES:
                return int(term.value)
            if datatype in _FLOAT_TYPES:
                number = float(term.value)
                if math.isfinite(number):
                    return number
            if datatype == XSD + "boolean" and term.value in ("true", "false", "1", "0"):
                return term.value in ("true", "1")
        except ValueError:
            pass  # an ill-typed literal: keep its text
    return None if term is None else plain(term)


def _jsonl(variables: Sequence[str], rows: Sequence[Sequence[Any]], out: TextIO) -> None:
    for row in rows:
        record = {name: json_value(term) for name, term in zip(variables, row, strict=True)}
        out.write(json.dumps(record, ensure_ascii=False) + "\n")


# --- graphs --------------------------------------------------------------------------------


def write_triples(triples: Iterable[ox.Triple], out: IO[bytes], fmt: str) -> None:
    """Write CONSTRUCT / DESCRIBE triples as `fmt`, one of GRAPH_FORMATS.

    A graph is a set: triples are deduplicated and sorted, so the output is reproducible.
    """
    _check(fmt, GRAPH_FORMATS)
    items = sorted(set(triples), key=str)
    prefixes = _used_prefixes(items) if fmt in _PREFIXED_FORMATS else None
    data = ox.serialize(items, format=_GRAPH_FORMAT[fmt], prefixes=prefixes) or b""
    if data and not data.endswith(b"\n"):
        data += b"\n"  # JSON-LD and RDF/XML end without one; pipes and `cat` expect it
    out.write(data)


def _used_prefixes(triples: Iterable[ox.Triple]) -> dict[str, str]:
    """The prefixes a Turtle writer would use: the longest namespace of each IRI written."""
    implicit = {XSD + "string", PREFIXES["rdf"] + "langString"}  # never written out
    iris = set()
    for triple in triples:
        for term in (triple.subject, triple.predicate, triple.object):
            if isinstance(term, ox.NamedNode):
                iris.add(term.value)
            elif isinstance(term, ox.Literal) and term.datatype.value not in implicit:
                iris.add(term.datatype.value)
    used = set()
    for iri in iris:
        matches = [p for p, ns in PREFIXES.items() if iri.startswith(ns)]
        if matches:
            used.add(max(matches, key=lambda p: len(PREFIXES[p])))
    return {p: ns for p, ns in PREFIXES.items() if p in used}

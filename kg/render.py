"""One renderer for query rows and one for graphs, so every command prints alike.

Rows: `table` for reading, and the SPARQL 1.1 result formats `csv`, `tsv` and `json`
(written as Oxigraph writes them, from the materialised `QueryResult`), plus `jsonl`,
one plain JSON object per row, for `jq` and pandas. Graphs: `pyoxigraph.serialize`.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from typing import IO, Any, TextIO

import pyoxigraph as ox

from .query import PREFIXES, QueryResult

ROW_FORMATS = ("table", "csv", "tsv", "json", "jsonl")
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

# Lexical forms Turtle (and so SPARQL TSV) may write without quotes and datatype.
_TURTLE_BARE = {
    XSD + "boolean": re.compile(r"true|false"),
    XSD + "integer": re.compile(r"[+-]?[0-9]+"),
    XSD + "decimal": re.compile(r"[+-]?[0-9]*\.[0-9]+"),
    XSD + "double": re.compile(r"[+-]?([0-9]+\.[0-9]*|\.[0-9]+|[0-9]+)[eE][+-]?[0-9]+"),
}
_TSV_ESCAPES = str.maketrans({"\t": "\\t", "\n": "\\n", "\r": "\\r", '"': '\\"', "\\": "\\\\"})
# Control characters would break a table's alignment: each is shown as a space.
_CONTROL = {c: " " for c in [*range(0x20), 0x7F]}


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
    writer = {"table": _table, "csv": _csv, "tsv": _tsv, "json": _json, "jsonl": _jsonl}[fmt]
    writer(result.variables, result.rows, out)


def write_boolean(value: bool, out: TextIO, fmt: str) -> None:
    """Write an ASK answer: `true`/`false`, or SPARQL JSON results for json and jsonl."""
    _check(fmt, ROW_FORMATS)
    if fmt in ("json", "jsonl"):
        out.write(json.dumps({"head": {}, "boolean": value}, separators=(",", ":")) + "\n")
    else:
        out.write("true\n" if value else "false\n")


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
    text = short(term).translate(_CONTROL)
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

    out.write(line(variables))
    out.write(line(["-" * w for w in widths]))
    if not cells:
        out.write("(no rows)\n")
    for row in cells:
        out.write(line(row))


def _csv_field(text: str) -> str:
    if any(c in text for c in ',"\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


def _csv(variables: Sequence[str], rows: Sequence[Sequence[Any]], out: TextIO) -> None:
    # SPARQL 1.1 CSV: plain values, quoted only when needed, CRLF line ends (RFC 4180).
    out.write(",".join(_csv_field(v) for v in variables) + "\r\n")
    for row in rows:
        out.write(",".join(_csv_field(plain(term)) for term in row) + "\r\n")


def tsv_term(term: Any) -> str:
    """A term in SPARQL TSV: Turtle syntax, numbers and booleans bare when Turtle allows."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return f"<{term.value}>"
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Literal):
        quoted = '"' + term.value.translate(_TSV_ESCAPES) + '"'
        if term.language:
            direction = f"--{term.direction.value}" if term.direction is not None else ""
            return f"{quoted}@{term.language}{direction}"
        datatype = term.datatype.value
        bare = _TURTLE_BARE.get(datatype)
        if bare is not None and bare.fullmatch(term.value):
            return term.value
        if datatype == XSD + "string":
            return quoted
        return f"{quoted}^^<{datatype}>"
    if isinstance(term, ox.Triple):
        return f"<<{tsv_term(term.subject)} {tsv_term(term.predicate)} {tsv_term(term.object)}>>"
    return str(term)


def _tsv(variables: Sequence[str], rows: Sequence[Sequence[Any]], out: TextIO) -> None:
    out.write("\t".join("?" + v for v in variables) + "\n")
    for row in rows:
        out.write("\t".join(tsv_term(term) for term in row) + "\n")


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


def _json(variables: Sequence[str], rows: Sequence[Sequence[Any]], out: TextIO) -> None:
    bindings = [{name: json_term(term) for name, term in zip(variables, row, strict=True)
                 if term is not None} for row in rows]
    document = {"head": {"vars": list(variables)}, "results": {"bindings": bindings}}
    out.write(json.dumps(document, ensure_ascii=False, separators=(",", ":")) + "\n")


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

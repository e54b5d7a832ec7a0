"""RDF terms as plain Python values, for tables, DataFrames and notebooks."""

from __future__ import annotations

import datetime as dt
import html
from decimal import Decimal
from typing import Any

import pyoxigraph as ox

XSD = "http://www.w3.org/2001/XMLSchema#"
_INTEGERS = {XSD + t for t in (
    "integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger",
    "nonPositiveInteger", "negativeInteger", "unsignedLong", "unsignedInt", "unsignedShort",
    "unsignedByte")}
_FLOATS = {XSD + "double", XSD + "float"}


def python_value(term: Any) -> Any:
    """IRIs as str, numbers as int/Decimal/float, xsd:date as `datetime.date`,
    xsd:dateTime as `datetime.datetime`, booleans as bool, other literals as their text.

    A literal whose text does not fit its datatype stays text rather than failing.
    """
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return term.value
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Literal):
        datatype, text = term.datatype.value, term.value
        try:
            if datatype in _INTEGERS:
                return int(text)
            if datatype == XSD + "decimal":
                return Decimal(text)
            if datatype in _FLOATS:
                return float(text)
            if datatype == XSD + "boolean":
                return text in ("true", "1")
            if datatype == XSD + "date":
                return dt.date.fromisoformat(text)
            if datatype == XSD + "dateTime":
                return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            return text
        return text
    return str(term)  # an RDF-star triple


def html_table(columns: tuple[str, ...], rows: list[tuple[Any, ...]], *, total: int) -> str:
    """An HTML table in which every header and cell is escaped text, never markup."""
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{'' if v is None else html.escape(str(v))}</td>" for v in row)
        + "</tr>" for row in rows)
    more = total - len(rows)
    note = f"<p>… {more} more rows</p>" if more > 0 else ""
    return (f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{note}"
            f"<p>{total} row{'s' if total != 1 else ''}</p>")

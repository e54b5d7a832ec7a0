"""Read-only SPARQL over the store, with parameters bound as terms, and saved queries.

`run_query` refuses updates and federated queries before the store sees the text, binds
each parameter as an RDF term (never pasted into the text) and materialises the result
as a `QueryResult` that `kg.views.render` can write in any format. Saved queries are `.rq`
files in `kg/queries/`, each with a commented header naming its title and parameters.
"""

from __future__ import annotations

import contextlib
import datetime
import difflib
import faulthandler
import itertools
import math
import multiprocessing
import os
import re
import signal
import sys
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urljoin

import pyoxigraph as ox

from ..errors import KgError, QueryError, StoreError, StoreLockedError
from .vocab import DATA, PREFIXES, sparql_prefixes

__all__ = [
    "PREFIXES", "QueryResult", "SavedQuery", "bind_param", "check_read_only",
    "normalise_escapes", "parse_saved", "prefix_declarations", "resolve_country",
    "resolve_saved", "run_query", "run_saved", "saved_queries",
]

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple

# FROM / FROM NAMED may only name graphs of this store: every graph kg writes is here.
GRAPH_NAMESPACE = DATA + "graph/"

READ_ONLY = "kg query is read-only: updates (INSERT, DELETE, LOAD, CLEAR, DROP…) are refused"
NO_SERVICE = "SERVICE is refused: kg query never reaches the network"

_VAR_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# An IRI written `<…>` with none of the characters an IRIREF forbids.
_IRI_PARAM = re.compile(r'<([^<>"{}|^`\\\x00-\x20]+)>')
_PYPARSING_WHERE = re.compile(r"\s*\(at char \d+\),?\s*\(line:\d+, col:\d+\)\s*$")


def prefix_declarations() -> str:
    """`PREFIX p: <iri>` lines for every prefix `kg` knows (queries may use them undeclared)."""
    return sparql_prefixes()


@dataclass(frozen=True)
class QueryResult:
    """A materialised query result: solutions, a boolean or triples, by query form."""

    form: Literal["select", "ask", "graph"]
    variables: tuple[str, ...] = ()
    rows: tuple[tuple[Term | None, ...], ...] = ()
    boolean: bool | None = None
    triples: tuple[ox.Triple, ...] = ()
    # A page of a SELECT result (`limit`): True if rows follow the last one here.
    more: bool = False

    # Rows shown by `_repr_html_`; the rest are counted.
    HTML_ROWS = 100

    def columns(self) -> tuple[str, ...]:
        """Column names: the SELECT variables, `subject predicate object` for a graph."""
        if self.form == "graph":
            return ("subject", "predicate", "object")
        return ("boolean",) if self.form == "ask" else self.variables

    def values(self) -> list[tuple[Any, ...]]:
        """Rows of plain Python values (see `kg.graph.values.python_value`): IRIs as str, numbers
        as numbers, xsd:date as `datetime.date`; unbound as None."""
        from .values import python_value

        if self.form == "ask":
            return [(self.boolean,)]
        rows: Any = ((t.subject, t.predicate, t.object) for t in self.triples) \
            if self.form == "graph" else self.rows
        return [tuple(python_value(term) for term in row) for row in rows]

    def to_dataframe(self) -> Any:
        """A pandas DataFrame of plain values (pandas: `pip install 'kg[notebooks]'`)."""
        try:
            import pandas as pd
        except ImportError:
            raise KgError("to_dataframe needs pandas: pip install pandas "
                          "(or kg's 'notebooks' extra)") from None
        return pd.DataFrame(self.values(), columns=list(self.columns()))

    def _repr_html_(self) -> str:
        """A table in Jupyter; every value is escaped (article text is untrusted)."""
        from .values import html_table

        values = self.values()
        return html_table(self.columns(), values[:self.HTML_ROWS], total=len(values))


# --- refusing what is not a read-only, local query -------------------------------------


_CODEPOINT_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


def normalise_escapes(sparql: str) -> str:
    """Apply SPARQL 1.1's codepoint escapes (section 19.2) once, to the whole text.

    The grammar is defined on the text after `\\uXXXX` and `\\UXXXXXXXX` are replaced, so
    this is the text both the checker and the engine are given: Oxigraph reads escapes only
    inside strings and IRIs, rdflib everywhere, and a query read differently by the two
    could hide a SERVICE from the check (`'\\u005C'` ends a string for one, not the other).
    An escape that spells another escape would be read again by a second parser: refused.
    """
    def replace(match: re.Match[str]) -> str:
        code = int(match.group(1) or match.group(2), 16)
        if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            raise QueryError(f"bad SPARQL: escape {match.group(0)} is not a character")
        return chr(code)

    text = _CODEPOINT_ESCAPE.sub(replace, sparql)
    if text != sparql and _CODEPOINT_ESCAPE.search(text):
        raise QueryError("bad SPARQL: an escape sequence spells another escape sequence")
    return text


def check_read_only(sparql: str) -> bool:
    """Raise QueryError unless `sparql` parses as a query that neither writes nor federates.

    Returns whether the query names its own dataset (FROM / FROM NAMED).

    Escapes are applied first, as the SPARQL grammar says (`normalise_escapes`); run the
    query as normalised, so that the engine reads what was checked. The text is then parsed
    (rdflib's SPARQL grammar), so keywords inside strings or comments do not count, and
    SERVICE is refused wherever the parse tree holds one; anything the parser cannot read
    is refused as bad SPARQL rather than passed on.
    """
    return _check_normalised(normalise_escapes(sparql))


def _check_normalised(sparql: str) -> bool:
    # Imported here: the parser grammar takes a while to build and `kg` does no work at
    # import time.
    from pyparsing import ParseException
    from rdflib.plugins.sparql.parser import parseQuery, parseUpdate

    try:
        tree = parseQuery(sparql)
    except ParseException as query_error:
        try:
            update = parseUpdate(sparql)
        except ParseException as update_error:
            # A malformed update is still an update: fixing its syntax would not help.
            if update_error.loc > query_error.loc or _starts_like_update(sparql):
                raise QueryError(READ_ONLY) from None
            raise QueryError(_parse_message(query_error)) from None
        if dict.get(update, "request"):
            raise QueryError(READ_ONLY) from None
        # Only a prologue (or nothing): a valid, empty update, but not a query.
        raise QueryError(_parse_message(query_error)) from None
    except RecursionError:
        raise QueryError("bad SPARQL: query is nested too deeply") from None
    return _check_tree(tree)


UPDATE_KEYWORDS = ("INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE",
                   "COPY", "WITH")


def _starts_like_update(sparql: str) -> bool:
    """Whether the first keyword after the prologue (PREFIX, BASE, comments) is an update's."""
    from pyparsing import CaselessKeyword, MatchFirst, ParseException, rest_of_line
    from rdflib.plugins.sparql.parser import Prologue, expandUnicodeEscapes

    grammar = Prologue + MatchFirst([CaselessKeyword(k) for k in UPDATE_KEYWORDS])
    grammar.ignore("#" + rest_of_line)
    try:
        grammar.parse_string(expandUnicodeEscapes(sparql))
    except ParseException:
        return False
    return True


def _parse_message(error: Any) -> str:
    detail = _PYPARSING_WHERE.sub("", str(error)).replace("\n", " ")
    if detail.startswith("Expected "):
        detail = "expected " + detail[len("Expected "):]
    if len(detail) > 160:
        detail = detail[:159] + "…"
    return f"bad SPARQL at line {error.lineno}, column {error.col}: {detail}"


def _check_tree(tree: Any) -> bool:
    from pyparsing import ParseResults
    from rdflib.plugins.sparql.parserutils import CompValue

    namespaces = dict(PREFIXES)  # ours, then the query's own PREFIX declarations
    base: str | None = None
    has_dataset = False
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, CompValue):
            # CompValue.get returns the key itself when absent: read fields with dict.get.
            if node.name == "ServiceGraphPattern":
                raise QueryError(NO_SERVICE)
            if node.name == "PrefixDecl":
                namespaces[dict.get(node, "prefix") or ""] = str(node["iri"])
            elif node.name == "Base":
                base = str(node["iri"])
            elif node.name == "pname" and (dict.get(node, "prefix") or "") not in namespaces:
                prefix = dict.get(node, "prefix") or ""
                raise QueryError(f"bad SPARQL: unknown prefix '{prefix}:'")
            elif node.name == "DatasetClause":
                term = dict.get(node, "default") or dict.get(node, "named")
                _check_dataset(_iri_of(term, namespaces, base))
                has_dataset = True
            # Reversed so that the prologue (PREFIX, BASE) is seen before what uses it.
            stack.extend(reversed(list(node.values())))
        elif isinstance(node, (list, tuple, ParseResults)):
            stack.extend(reversed(list(node)))
    return has_dataset


def _iri_of(term: Any, namespaces: dict[str, str], base: str | None) -> str:
    from rdflib.plugins.sparql.parserutils import CompValue

    if isinstance(term, CompValue):  # a prefixed name
        prefix = dict.get(term, "prefix") or ""
        if prefix not in namespaces:
            raise QueryError(f"bad SPARQL: unknown prefix '{prefix}:'")
        return namespaces[prefix] + str(dict.get(term, "localname") or "")
    return urljoin(base, str(term)) if base else str(term)


# Schemes that name no place to fetch from. Schemes are case-insensitive (RFC 3986), so
# `HTTP://` is http, and any other scheme may be one some server fetches: refused.
_LOCAL_SCHEMES = {"urn", "tag"}


def _check_dataset(iri: str) -> None:
    scheme = iri.partition(":")[0].lower() if ":" in iri else ""
    if not iri.startswith(GRAPH_NAMESPACE) and scheme not in _LOCAL_SCHEMES:
        raise QueryError(
            f"FROM <{iri}> is refused: kg query only reads graphs of this store "
            f"(under {GRAPH_NAMESPACE})")


# --- running a query ---------------------------------------------------------------------


def bind_param(value: str) -> ox.NamedNode | ox.Literal:
    """A parameter as a term: `<iri>` becomes that IRI, anything else a plain string."""
    match = _IRI_PARAM.fullmatch(value)
    if match and ":" in match.group(1):
        try:
            return ox.NamedNode(match.group(1))
        except ValueError:
            pass
    return ox.Literal(value)


def run_query(store: Any, sparql: str, *, params: Mapping[str, str] | None = None,
              limit: int | None = None, offset: int = 0) -> QueryResult:
    """Run a read-only query; `params` bind variables of the same name (`a` binds `?a`).

    With Oxigraph, a SELECT query must list a bound variable in its SELECT clause.
    `limit` and `offset` page a SELECT result (see `page`).
    """
    sparql = normalise_escapes(sparql)  # the engine runs the text that was checked
    return _run_checked(store, sparql, params, own_dataset=_check_normalised(sparql),
                        limit=limit, offset=offset)


def _run_checked(store: Any, sparql: str, params: Mapping[str, str] | None, *,
                 own_dataset: bool, limit: int | None = None, offset: int = 0) -> QueryResult:
    substitutions = {_var_name(name): bind_param(value) for name, value in (params or {}).items()}
    return _execute(store, sparql, substitutions, union=not own_dataset,
                    page=page(limit, offset))


def page(limit: int | None, offset: int = 0) -> tuple[int, int | None]:
    """(offset, limit) checked: whole numbers, 0 or more; a limit of None or 0 means all.

    Paging slices the engine's stream of solutions: the query text is never changed, so a
    query's own ORDER BY, LIMIT and OFFSET hold, and rows after the page are never read.
    """
    for name, value in (("limit", limit), ("offset", offset)):
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)
                                  or value < 0):
            raise QueryError(f"{name} must be a whole number, 0 or more, not {value!r}")
    return offset, limit or None


def _var_name(name: str) -> str:
    bare = name[1:] if name[:1] in ("?", "$") else name
    if not _VAR_NAME.fullmatch(bare):
        raise QueryError(f"bad parameter name {name!r}: use letters, digits and _")
    return bare


def _execute(store: Any, sparql: str, substitutions: dict[str, ox.NamedNode | ox.Literal],
             *, union: bool = True, page: tuple[int, int | None] = (0, None)) -> QueryResult:
    try:
        # A query with FROM / FROM NAMED reads the graphs it names; others read them all.
        result = store.query(sparql, substitutions=substitutions or None, prefixes=PREFIXES,
                             union=union)
        # Materialised inside the try: solutions are computed lazily, and so are errors.
        if isinstance(result, ox.QueryBoolean):
            return QueryResult("ask", boolean=bool(result))
        if isinstance(result, (ox.QueryTriples, list)):  # a remote store answers a list
            return QueryResult("graph", triples=tuple(result))
        variables = tuple(v.value for v in result.variables)
        offset, limit = page
        # One row past the page says whether more follow.
        stop = None if limit is None else offset + limit + 1
        rows = tuple(tuple(solution[name] for name in variables)
                     for solution in itertools.islice(result, offset, stop))
        more = limit is not None and len(rows) > limit
        return QueryResult("select", variables=variables, rows=rows[:limit], more=more)
    except SyntaxError as exc:
        raise QueryError(f"bad SPARQL: {_first_line(exc)}") from None
    except OSError as exc:
        raise QueryError(f"query failed: {_first_line(exc)}") from None
    except RuntimeError as exc:
        missing = re.search(r"variable (\?\w+) in its SELECT projection", str(exc))
        if missing:
            # Oxigraph binds parameters through the projection, so it must list them.
            raise QueryError(f"parameter {missing.group(1)} must appear in the SELECT "
                             "clause of the query") from None
        raise QueryError(f"query failed: {_first_line(exc)}") from None


def _first_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    line = lines[0] if lines else type(exc).__name__
    return line if len(line) <= 200 else line[:199] + "…"


# --- saved queries -----------------------------------------------------------------------

PARAM_TYPES = ("text", "country", "date", "confidence")


@dataclass(frozen=True)
class SavedQuery:
    """A query in `kg/queries/NAME.rq` (or a user's folder), described by its header comments.

    `# param: NAME (TYPE) — help` declares a parameter; TYPE is `country` (a code or name,
    resolved to an ISO 3166-1 alpha-3 code), `date` (YYYY-MM-DD), `confidence` (a number
    from 0 to 1, bound as its decimal text) or `text` (the default).
    A line `#%% without summaries` may end the query: the query after it is run instead
    on a store without the summary graph (kg/graph/summaries.py), with the same parameters.
    `# needs: events — hint` marks a query that reads events: on a store with facts but
    no events (an older kg's) it is refused with what to do, not answered with no rows.
    A section `#%% pages` lists the buckets of the query's rows (`?bucket ?n`, one family
    of kg/graph/pages.py, whose order must be the query's), and a line `#%% page: PATTERN`
    inside its WHERE marks where a page binds `?bucket` (and `?bucket_key`, the value a row
    of that bucket holds): a page (`limit`) is then read a few buckets at a time.
    """

    name: str
    title: str
    description: str
    params: tuple[tuple[str, str], ...]  # (name, help text), in header order
    text: str
    types: tuple[str, ...] = ()  # each parameter's type, in the order of `params`
    path: str | None = None  # the file it was read from
    without_summaries: str | None = None  # the query for a store without summaries
    needs_events: bool = False  # refused on a store with facts but no events
    needs_hint: str = ""  # what to use there instead
    pages: str | None = None  # the query listing its buckets in order (see `PAGES`)
    source: str = ""  # the file's whole text, every section (what `kg query --show` prints)

    @property
    def param_names(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.params)

    def param_type(self, name: str) -> str:
        kinds = dict(zip(self.param_names, self.types, strict=False))
        return kinds.get(name, "text")


_HEADER = re.compile(r"#\s*(title|description|param|needs)\s*:\s*(.*)")
_NEEDS = re.compile(r"events\s*(?:(?:—|–|-{1,2}|:)\s*(.*))?")
_PARAM = re.compile(r"(\w+)\s*(?:\(\s*(\w+)\s*\))?\s*(?:—|–|-{1,2}|:)?\s*(.*)")


def parse_saved(name: str, text: str, path: str | None = None) -> SavedQuery:
    """Read the `# title:`, `# description:` and `# param: NAME (TYPE) — help` header."""
    title, description, params, types = "", [], [], []
    needs_events, needs_hint = False, ""
    for line in _header_lines(text):
        match = _HEADER.fullmatch(line.strip())
        if not match:
            continue
        key, value = match.group(1), match.group(2).strip()
        if key == "title":
            title = value
        elif key == "description":
            description.append(value)
        elif key == "needs":
            needs = _NEEDS.fullmatch(value)
            if not needs:
                raise QueryError(f"saved query {name}: it can only need events "
                                 f"('# needs: events'), not {value!r}")
            needs_events, needs_hint = True, (needs.group(1) or "").strip()
        else:
            param = _PARAM.fullmatch(value)
            if param:
                kind = (param.group(2) or "text").lower()
                if kind not in PARAM_TYPES:
                    raise QueryError(f"saved query {name}: parameter {param.group(1)} has "
                                     f"unknown type {kind!r} (types: {', '.join(PARAM_TYPES)})")
                params.append((param.group(1), param.group(3).strip()))
                types.append(kind)
    sections = _sections(text)
    main = sections.pop("", text)
    pages = sections.get(PAGES)
    if pages is not None and not _PAGE_MARK.search(main):
        raise QueryError(f"saved query {name}: it lists its buckets ('#%% {PAGES}') but "
                         "marks no place for them ('#%% page: ...' inside its WHERE)")
    return SavedQuery(name, title or name, " ".join(description), tuple(params),
                      main, tuple(types), path, sections.get(_WITHOUT), needs_events,
                      needs_hint, pages, text)


_WITHOUT = "without summaries"
# A section `#%% pages` holds a query listing the buckets of the main query's rows in its
# order (kg/graph/pages.py), and a line `#%% page: PATTERN` inside the main query's WHERE
# says where a page's buckets go: the walker (`_walk_pages`) puts `VALUES (?bucket
# ?bucket_key) { ... }` and PATTERN there. As a comment, the line leaves the whole query as
# it is.
PAGES = "pages"
_SECTION = re.compile(r"^#%%[ \t]*(pages|without summaries)[ \t]*$", re.MULTILINE)
_PAGE_MARK = re.compile(r"^([ \t]*)#%%[ \t]*page:(.*)$", re.MULTILINE)


def _sections(text: str) -> dict[str, str]:
    """The main query (key "") and each `#%% NAME` section after it, by name."""
    found: dict[str, str] = {}
    name, start = "", 0
    for match in _SECTION.finditer(text):
        found[name] = text[start:match.start()] if name == "" else \
            text[start:match.start()].lstrip("\n")
        name, start = match.group(1), match.end() + 1
    if name:
        found[name] = text[start:].lstrip("\n")
    elif found == {}:
        found[""] = text
    return found


def _header_lines(text: str) -> Iterator[str]:
    for line in text.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            return
        yield line


QUERIES_ENV = "KG_QUERIES"


def saved_queries(folder: str | os.PathLike[str] | None = None) -> dict[str, SavedQuery]:
    """Every saved query by name, sorted: those shipped with `kg`, then the user's.

    The user's folder is `folder`, else $KG_QUERIES; a query there replaces a shipped one
    of the same name.
    """
    found = {}
    shipped = resources.files("kg") / "queries"
    for entry in shipped.iterdir():
        if entry.name.endswith(".rq") and entry.is_file():
            name = entry.name[:-3]
            found[name] = parse_saved(name, entry.read_text(encoding="utf-8"))
    own = folder or os.environ.get(QUERIES_ENV) or None
    if own:
        directory = Path(own)
        if not directory.is_dir():
            raise QueryError(f"saved queries folder {directory} does not exist")
        for path in sorted(directory.glob("*.rq")):
            try:
                text = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                raise QueryError(f"{path}: cannot read saved query: {exc}") from None
            found[path.stem] = parse_saved(path.stem, text, str(path))
    return dict(sorted(found.items()))


def resolve_country(value: str, actors: Any = None) -> str:
    """An ISO 3166-1 alpha-3 code for a code or name: `usa`, `US`, `Germany` → USA, USA, DEU.

    Raises QueryError with the nearest known names when nothing matches.
    """
    from ..extract.actors import load_actors

    countries = (actors or load_actors()).countries
    wanted = value.strip().casefold()
    forms: dict[str, str] = {}
    for country in countries.values():
        for form in (country.iso3, country.iso2, country.name, *country.names):
            forms.setdefault(form.casefold(), country.iso3)
    if wanted in forms:
        return forms[wanted]
    # Hints from names for a name, from codes for a code: a name is near too many codes.
    pool = [f for f in forms if (len(f) > 3) == (len(wanted) > 3)]
    near = difflib.get_close_matches(wanted, pool, n=3, cutoff=0.8)
    hint = "; did you mean " + " or ".join(
        f"{forms[n]} ({countries[forms[n]].name})" for n in dict.fromkeys(near)) if near else ""
    raise QueryError(f"{value!r} is not a known country code or name{hint}")


def _check_value(query: SavedQuery, name: str, value: str) -> str:
    kind = query.param_type(name)
    try:
        if kind == "country":
            return resolve_country(value)
        if kind == "date":
            text = value.strip()
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
                raise QueryError(f"{value!r} is not a day as YYYY-MM-DD")
            try:
                datetime.date.fromisoformat(text)
            except ValueError:
                raise QueryError(f"{value!r} is not a day of the calendar") from None
            return text
        if kind == "confidence":
            return confidence_text(value)
    except QueryError as exc:
        raise QueryError(f"saved query {query.name}: {name}={exc}") from None
    return value


def confidence_text(value: str | float) -> str:
    """A confidence bound (0 to 1) as decimal text, for a query to read with xsd:decimal."""
    try:
        number = float(str(value).strip())
    except ValueError:
        number = float("nan")
    if not 0 <= number <= 1:  # NaN fails too
        raise QueryError(f"{value!r} is not a confidence: a number from 0 to 1")
    return f"{number:.6f}".rstrip("0").rstrip(".") if number else "0"


def resolve_saved(name: str, params: Mapping[str, str] | None = None, *,
                  folder: str | os.PathLike[str] | None = None
                  ) -> tuple[SavedQuery, dict[str, str]]:
    """The saved query `name` and its parameters checked and resolved (`usa` → `USA`)."""
    queries = saved_queries(folder)
    if name not in queries:
        raise QueryError(f"unknown saved query {name!r}; known: {', '.join(queries)}")
    query = queries[name]
    given = dict(params or {})
    unknown = sorted(set(given) - set(query.param_names))
    if unknown:
        takes = ", ".join(query.param_names) or "none"
        raise QueryError(f"saved query {name} has no parameter {unknown[0]!r} "
                         f"(its parameters: {takes})")
    missing = [p for p in query.param_names if p not in given]
    if missing:
        needs = "; ".join(f"{p} ({help_text})" if help_text else p
                          for p, help_text in query.params if p in missing)
        raise QueryError(f"saved query {name} needs parameter {needs}")
    return query, {p: _check_value(query, p, v) for p, v in given.items()}


def run_saved(store: Any, name: str, params: Mapping[str, str] | None = None, *,
              folder: str | os.PathLike[str] | None = None, limit: int | None = None,
              offset: int = 0) -> QueryResult:
    """Run saved query `name`; each of its parameters must be given, as a plain string.

    Parameters are checked by type first (`country=usa` becomes `USA`, `since=yesterday`
    is refused). A saved query lists its parameters in its SELECT clause (Oxigraph binds
    them through the projection); their constant columns are left out of the result.
    """
    query, given = resolve_saved(name, params, folder=folder)
    if query.needs_events and _facts_without_events(store):
        raise QueryError(f"saved query {name} counts events, and this store has facts but no "
                         "events (an older kg wrote it): 'kg build' on its inputs "
                         "groups them" + (f"; {query.needs_hint}" if query.needs_hint else ""))
    text = query.text
    if query.without_summaries is not None:
        from .summaries import has_summaries

        # One engine cannot skip the branch a query does not need: two queries, one run.
        if not has_summaries(store):
            text = query.without_summaries
    text = normalise_escapes(text)
    _check_normalised(text)
    substitutions = {p: ox.Literal(v) for p, v in given.items()}
    paging = page(limit, offset)
    result = None
    if paging[1] is not None and query.pages is not None and text == \
            normalise_escapes(query.text):
        result = _walk_pages(store, query, text, substitutions, paging)
    if result is None:
        result = _execute(store, text, substitutions, page=paging)
    if result.form != "select" or not given:
        return result
    keep = [i for i, v in enumerate(result.variables) if v not in given]
    return QueryResult(
        "select", variables=tuple(result.variables[i] for i in keep),
        rows=tuple(tuple(row[i] for i in keep) for row in result.rows), more=result.more)


# Buckets per query run: enough for a page, few enough for the engine to parse quickly.
_MAX_GROUP = 2000


def _walk_pages(store: Any, query: SavedQuery, text: str,
                substitutions: dict[str, ox.NamedNode | ox.Literal],
                paging: tuple[int, int | None]) -> QueryResult | None:
    """A page of saved query `query` read bucket by bucket (kg/graph/pages.py); None for a
    store without buckets (an older kg's, imported, or an endpoint), which runs it whole.

    The buckets come in the query's order, every row of one before every row of the next,
    so each group of buckets, sorted by the engine, continues the rows before it: groups are
    read until offset + limit + 1 rows are in hand. A bucket's size is a count of facts
    (or documents), not of rows; rows the query's own FILTER drops just mean more groups.
    Bucket IRIs and keys are terms read from the store, written as terms; parameters stay
    bound.
    """
    from .pages import bucket_parts, has_pages, key_term, sort_key

    if not has_pages(store):
        return None
    offset, limit = paging
    assert limit is not None
    want = offset + limit + 1
    listing = normalise_escapes(query.pages or "")
    _check_normalised(listing)
    try:
        found = [(s["bucket"], int(s["n"].value)) for s in store.query(
            listing, substitutions=substitutions or None, prefixes=PREFIXES)]
    except (SyntaxError, OSError, RuntimeError, ValueError, TypeError, KeyError) as exc:
        raise QueryError(f"saved query {query.name}: its bucket list failed: "
                         f"{_first_line(exc)}") from None
    buckets, families, seen = [], set(), set()
    for bucket, n in found:
        if bucket in seen:  # a bucket listed twice would give its rows twice
            continue
        seen.add(bucket)
        parts = bucket_parts(bucket.value) if isinstance(bucket, ox.NamedNode) else None
        if parts is None:
            raise QueryError(f"saved query {query.name}: its bucket list gave {bucket}, "
                             "not a bucket")
        families.add(parts[0])
        buckets.append((sort_key(*parts), (bucket, key_term(*parts)), n))
    if len(families) > 1:
        raise QueryError(f"saved query {query.name}: its bucket list mixes families of "
                         "buckets, whose orders differ")
    buckets.sort(key=lambda b: b[0])
    columns = ("bucket", "bucket_key")
    mark = _PAGE_MARK.search(text)
    assert mark is not None  # parse_saved refuses a list of buckets with no place for them

    def run(group: list[tuple[Any, ...]]) -> QueryResult:
        rows = " ".join("(" + " ".join(str(term) for term in terms) + ")" for terms in group)
        values = f"VALUES ({' '.join('?' + c for c in columns)}) {{ {rows} }}"
        sparql = text[:mark.start()] + mark.group(1) + values + " " + mark.group(2) + \
            text[mark.end():]
        return _execute(store, sparql, substitutions)

    rows: list[tuple[Term | None, ...]] = []
    first = run([])  # the columns, even with no bucket
    variables = first.variables
    i, counted, returned = 0, 0, 0
    while len(rows) < want and i < len(buckets):
        # Facts per row so far (a FILTER drops some): size the next group by it.
        ratio = counted / returned if returned else 1.0
        needed = (want - len(rows)) * max(ratio, 1.0)
        group, size = [], 0
        while i < len(buckets) and (not group or size < needed) and len(group) < _MAX_GROUP:
            _, terms, n = buckets[i]
            group.append(terms)
            size += n
            i += 1
        answer = run(group)
        rows.extend(answer.rows)
        counted, returned = counted + size, returned + len(answer.rows)
    chosen = tuple(rows[offset:offset + limit])
    return QueryResult("select", variables=variables, rows=chosen,
                       more=len(rows) > offset + limit)


_HAS_EVENTS = "ASK { GRAPH ?g { ?event a kg:Event } }"
_HAS_FACTS = "ASK { GRAPH ?g { ?fact kg:kind ?kind ; kg:source ?s ; kg:target ?t } }"


def _facts_without_events(store: Any) -> bool:
    """Whether `store` holds facts but no events: a build groups every pair's facts, so
    only a store an older kg wrote (or one imported from it) is such."""
    return not store.query(_HAS_EVENTS, prefixes=PREFIXES) and \
        bool(store.query(_HAS_FACTS, prefixes=PREFIXES))


# --- limits: time, memory, and a child that dies with its parent -----------------------

DEFAULT_TIMEOUT = 60.0
DEFAULT_MAX_MEMORY = 2048  # MB


def query_store_at(path: str, sparql: str | None = None, *, saved: str | None = None,
                   params: Mapping[str, str] | None = None,
                   timeout: float | None = DEFAULT_TIMEOUT,
                   max_memory: int | None = DEFAULT_MAX_MEMORY, limit: int | None = None,
                   offset: int = 0, folder: str | None = None) -> QueryResult:
    """Run a query (or saved query `saved`, looked up as `saved_queries(folder)` does) on
    the on-disk store at `path`, within limits.

    The query runs in a child process, so that a query that would run for ever or eat all
    memory can be stopped: Oxigraph offers no way to cancel a query. The child checks the
    query (updates and SERVICE are refused) before it opens the store, so `timeout`
    (seconds) covers parsing too; `max_memory` caps how many MB the child may take beyond
    what opening the store needs. None or 0 lifts a limit. The child opens the store for
    reading (no lock) and dies with this process, however that ends. `limit` and `offset`
    page a SELECT result (see `page`): only the page crosses from the child.
    """
    paging = page(limit, offset)
    timeout = _limit(timeout, "timeout", "seconds")
    max_memory = _limit(max_memory, "max_memory", "MB")
    if not timeout and not max_memory:
        return _open_and_run(path, sparql, saved, params, paging=paging, folder=folder)
    context = multiprocessing.get_context(
        "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_child, daemon=True, args=(
        path, sparql, saved, dict(params or {}), max_memory, os.getpid(), send, paging,
        folder))
    with _signals_end_the_wait():
        child.start()
        send.close()
        try:
            if not receive.poll(timeout or None):
                raise QueryError(
                    f"query stopped after {timeout:g} s (--timeout): narrow its patterns, add "
                    "a LIMIT, or allow more time")
            outcome, payload = receive.recv()
        except EOFError:
            outcome, payload = "died", None
        finally:
            if child.is_alive():
                child.kill()
            child.join()
            receive.close()
    if outcome == "ok":
        return payload  # type: ignore[no-any-return]
    if outcome == "memory" or (outcome == "died" and max_memory
                               and child.exitcode in _OUT_OF_MEMORY_EXITS):
        raise QueryError(f"query exceeded the memory limit of {max_memory} MB (--max-memory):"
                         " narrow its patterns, add a LIMIT, or allow more memory")
    if outcome == "died":
        raise QueryError("query failed: the query process ended without an answer "
                         f"(exit status {child.exitcode})")
    kind, message = payload
    raise {"StoreLockedError": StoreLockedError, "StoreError": StoreError}.get(
        kind, QueryError)(message)


# A failed allocation aborts Rust code (SIGABRT), a stack that cannot grow under the cap
# faults (SIGSEGV), the kernel's OOM killer sends SIGKILL.
_OUT_OF_MEMORY_EXITS = (-signal.SIGABRT, -signal.SIGKILL, -signal.SIGSEGV)


def _limit(value: float | None, name: str, unit: str) -> Any:
    if value is None:
        return None
    if not math.isfinite(value) or value < 0:
        raise QueryError(f"{name} must be a finite number of {unit}, 0 or more "
                         f"(0: no limit), not {value}")
    return value


@contextlib.contextmanager
def _signals_end_the_wait() -> Iterator[None]:
    """Turn SIGTERM and SIGHUP into SystemExit while waiting, so the child is killed."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def leave(signum: int, frame: Any) -> None:
        raise SystemExit(128 + signum)

    names = [n for n in ("SIGTERM", "SIGHUP") if hasattr(signal, n)]
    previous = {n: signal.signal(getattr(signal, n), leave) for n in names}
    try:
        yield
    finally:
        for n, handler in previous.items():
            signal.signal(getattr(signal, n), handler)


def _open_and_run(path: str, sparql: str | None, saved: str | None,
                  params: Mapping[str, str] | None, *, max_memory: int | None = None,
                  paging: tuple[int, int | None] = (0, None),
                  folder: str | None = None) -> QueryResult:
    from .store import OxigraphStore

    # The engine runs the text as normalised, escapes applied: the text that was checked.
    sparql = normalise_escapes(sparql or "") if saved is None else None
    with _memory_capped(max_memory):
        own_dataset = _check_normalised(sparql) if sparql is not None else False
    # Opening the store starts its threads, each reserving address space: not the query's.
    with OxigraphStore(path, read_only=True) as store, _memory_capped(max_memory):
        offset, limit = paging
        if saved is not None:
            return run_saved(store, saved, params, limit=limit, offset=offset, folder=folder)
        return _run_checked(store, sparql or "", params, own_dataset=own_dataset,
                            limit=limit, offset=offset)


@contextlib.contextmanager
def _memory_capped(megabytes: int | None) -> Iterator[None]:
    """Let this process's address space grow by at most `megabytes` within the block."""
    try:
        import resource

        with open("/proc/self/statm", encoding="ascii") as statm:
            in_use = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (ImportError, OSError, ValueError):
        in_use = None  # no /proc (not Linux): no cap
    if not megabytes or in_use is None:
        yield
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    # A stricter limit set by the user stays.
    cap = min([in_use + megabytes * 1024 * 1024,
               *(limit for limit in (soft, hard) if limit != resource.RLIM_INFINITY)])
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def _die_with_parent(parent: int) -> None:
    """Have the kernel kill this process when its parent ends, by whatever signal."""
    if sys.platform.startswith("linux"):
        import ctypes

        try:
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:  # the parent ended before the line above
        os._exit(1)


_PR_SET_PDEATHSIG = 1


def _child(path: str, sparql: str | None, saved: str | None, params: dict[str, str],
           max_memory: int | None, parent: int, send: Any,
           paging: tuple[int, int | None] = (0, None), folder: str | None = None) -> None:
    _die_with_parent(parent)
    # Everything the child has to say goes through `send`; a crash is read from its exit
    # status. Its stderr would only add raw lines (an allocator's abort message, and the
    # faulthandler's dump, which keeps its own copy of stderr).
    faulthandler.disable()
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    try:
        send.send(("ok", _open_and_run(path, sparql, saved, params, max_memory=max_memory,
                                       paging=paging, folder=folder)))
    except MemoryError:
        send.send(("memory", None))
    except KgError as exc:
        send.send(("error", (type(exc).__name__, str(exc))))
    except BaseException as exc:  # noqa: BLE001 - reported to the parent as one line
        send.send(("error", ("QueryError", f"query failed: {exc}")))
    finally:
        send.close()

"""The `kg` command: a thin layer over the library. Every command calls a few kg functions."""

from __future__ import annotations

import functools
import json
import math
import os
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click

from . import __version__
from .errors import KgError

F = TypeVar("F", bound=Callable[..., Any])


class Context:
    def __init__(self, store: str | None, endpoint: str | None, actors: str | None,
                 debug: bool):
        self.store_path = store
        self.endpoint = endpoint
        self.actors = actors
        self.debug = debug

    def open_store(self, *, write: bool = False, timeout: float | None = None):  # type: ignore[no-untyped-def]
        """The store to read (no lock, never created) or, with `write`, to write."""
        if self.endpoint:
            from .remote import RemoteStore

            return RemoteStore(self.endpoint, timeout=timeout or 30.0)
        from .store import open_store

        return open_store(self.store_path, create=write, read_only=not write)

    def store_location(self) -> str:
        from .store import default_store_path

        return self.store_path or default_store_path()


def handle_errors(func: F) -> F:
    """Library errors become one line on stderr and a non-zero exit (a traceback: --debug)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        ctx = click.get_current_context()
        debug = bool(ctx.find_root().params.get("debug"))
        try:
            return func(*args, **kwargs)
        except KgError as exc:
            if debug:
                raise
            click.echo(f"Error: {exc}", err=True)
            ctx.exit(exc.exit_code)
        except BrokenPipeError:
            # The reader went away (`kg query ... | head -1`): stop quietly.
            _silence_stdout()
            ctx.exit(0)
        except OSError as exc:
            # Writing the output failed (a full disk, a closed device): one line, no trace.
            if debug:
                raise
            _silence_stdout()
            click.echo(f"Error: cannot write output: {exc.strerror or exc}", err=True)
            ctx.exit(1)
        except KeyboardInterrupt:
            click.echo("Interrupted", err=True)
            ctx.exit(130)

    return wrapper  # type: ignore[return-value]


def _silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's last flush cannot fail again."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


class Seconds(click.ParamType):
    """A time limit: a finite number of seconds, 0 or more (nan, inf and negatives refused)."""

    name = "seconds"

    def convert(self, value: Any, param: Any, ctx: Any) -> float:
        try:
            seconds = float(value)
        except (TypeError, ValueError):
            self.fail(f"{value!r} is not a number of seconds", param, ctx)
        if not math.isfinite(seconds) or seconds < 0:
            self.fail(f"{value!r} is not a finite number of seconds, 0 or more "
                      "(0: no limit)", param, ctx)
        return seconds


input_options = [
    click.option("--encoding", default=None, help="Decode text and HTML files with this "
                 "encoding instead of UTF-8."),
    click.option("--keep-going", is_flag=True, help="Skip unreadable documents (reported on "
                 "stderr) instead of stopping at the first."),
    click.option("--max-bytes", type=click.IntRange(min=1), default=None,
                 help="Refuse inputs larger than this many bytes (default 20 MB)."),
    click.option("--workers", "-w", type=click.IntRange(min=1), default=None,
                 help="Extraction processes (default: all cores)."),
]


def with_input_options(func: F) -> F:
    for option in reversed(input_options):
        func = option(func)
    return func


def _documents(inputs: tuple[str, ...], encoding: str | None, keep_going: bool,
               max_bytes: int | None, skipped: list[str]):  # type: ignore[no-untyped-def]
    from .documents import DEFAULT_MAX_BYTES, read_documents

    return _noting_empty(read_documents(inputs, encoding=encoding, keep_going=keep_going,
                                        max_bytes=max_bytes or DEFAULT_MAX_BYTES,
                                        skipped=skipped))


def _report_skipped(skipped: list[str]) -> None:
    for line in skipped:
        click.echo(f"Skipped: {line}", err=True)


def _noting_empty(docs):  # type: ignore[no-untyped-def]
    """Pass documents on; say on stderr which ones hold no text (they give 0 facts)."""
    for doc in docs:
        if not doc.text.strip():
            click.echo(f"Note: {doc.path or doc.id}: empty document, 0 facts", err=True)
        yield doc


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kg")
@click.option("--store", "-s", envvar="KG_STORE", default=None, metavar="PATH",
              help="The on-disk store (default: $KG_STORE or .kg/store).")
@click.option("--endpoint", envvar="KG_ENDPOINT", default=None, metavar="URL",
              help="Use a remote SPARQL endpoint (e.g. http://127.0.0.1:7878/query) instead "
                   "of the embedded store.")
@click.option("--actors", envvar="KG_ACTORS", default=None, metavar="FILE",
              help="A TSV of countries or office holders that adds to or overrides the "
                   "bundled tables.")
@click.option("--debug", is_flag=True, help="Show tracebacks for errors.")
@click.pass_context
def cli(ctx: click.Context, store: str | None, endpoint: str | None, actors: str | None,
        debug: bool) -> None:
    """Build knowledge graphs of bilateral relations from news articles and statements.

    Example:

        kg build examples/ && kg query --saved partners --param country=JPN
    """
    ctx.obj = Context(store, endpoint, actors, debug)


@cli.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path())
@click.option("--format", "-f", "fmt", type=click.Choice(["jsonl", "table", "json"]),
              default="jsonl", show_default=True, help="jsonl: the fact records of FACTS.md, "
              "one per line; table: a readable table; json: one JSON array.")
@click.option("--explain", is_flag=True, help="For each sentence: the actors found, the "
              "triggers matched and why a fact was or was not produced.")
@click.option("--output", "-o", type=click.Path(dir_okay=False), default=None,
              help="Write to this file (whole or not at all) instead of stdout.")
@with_input_options
@click.pass_obj
@handle_errors
def extract(obj: Context, inputs: tuple[str, ...], fmt: str, explain: bool, output: str | None,
            encoding: str | None, keep_going: bool, max_bytes: int | None,
            workers: int | None) -> None:
    """Print the facts found in articles (files, folders or JSON Lines).

    Example:

        kg extract examples/seed.txt --format table
    """
    from .factsout import write_facts

    skipped: list[str] = []
    docs = _documents(inputs, encoding, keep_going, max_bytes, skipped)
    if explain:
        from .actors import load_actors
        from .extract import Extractor
        from .factsout import write_explanation

        extractor = Extractor(load_actors(obj.actors))
        _emit(output, lambda out: [write_explanation(extractor.explain(d), d, out) for d in docs])
    else:
        from .pipeline import extract_documents

        results = extract_documents(docs, workers=workers, actors_file=obj.actors)
        facts = (f for _, fs in results for f in fs)
        _emit(output, lambda out: write_facts(facts, out, fmt))
    _report_skipped(skipped)


def _emit(output: str | None, write: Callable[[Any], Any]) -> None:
    from .fileio import atomic_output

    if output:
        with atomic_output(output) as handle:
            write(handle)
    else:
        write(sys.stdout)


@cli.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path())
@with_input_options
@click.option("--quiet", "-q", is_flag=True, help="Print nothing on success.")
@click.pass_obj
@handle_errors
def build(obj: Context, inputs: tuple[str, ...], encoding: str | None, keep_going: bool,
          max_bytes: int | None, workers: int | None, quiet: bool) -> None:
    """Extract facts from articles and write them into the store, one graph per document.

    Re-building a document replaces its graph; building the same input twice changes nothing.

    Example:

        kg build examples/ --store .kg/store
    """
    from .pipeline import BuildReport
    from .pipeline import build as run_build

    skipped: list[str] = []
    docs = _documents(inputs, encoding, keep_going, max_bytes, skipped)
    report = BuildReport(skipped=skipped)
    with obj.open_store(write=True) as store:
        run_build(docs, store, workers=workers, actors_file=obj.actors, report=report)
        triples = len(store)
        where = store.path
    _report_skipped(skipped)
    if not quiet:
        kinds = ", ".join(f"{k} {n}" for k, n in sorted(report.by_kind.items()))
        click.echo(f"Built {report.documents} documents, {report.facts} facts"
                   f"{' (' + kinds + ')' if kinds else ''} into {where}: {triples} triples"
                   f"{f'; skipped {len(skipped)}' if skipped else ''}")


@cli.command()
@click.argument("sparql", required=False)
@click.option("--file", "-f", "query_file", type=click.File("r", encoding="utf-8"),
              help="Read the query from a file ('-' for stdin).")
@click.option("--saved", "saved", default=None, is_flag=False, flag_value="",
              help="Run a saved query by name; alone, list the saved queries.")
@click.option("--param", "-p", "params", multiple=True, metavar="NAME=VALUE",
              help="A value for a saved query's parameter, bound as a term (repeatable).")
@click.option("--format", "-o", "fmt", default="table", show_default=True,
              help="Rows: table, csv, tsv, json, jsonl. Graphs (CONSTRUCT/DESCRIBE): "
                   "ttl, nt, nq, trig, jsonld.")
@click.option("--prefixes", "show_prefixes", is_flag=True,
              help="List the prefixes every query can use without declaring them.")
@click.option("--timeout", "-t", type=Seconds(), default=60.0, show_default=True,
              envvar="KG_QUERY_TIMEOUT", help="Stop the query after this many seconds, "
              "parsing included (0: no limit).")
@click.option("--max-memory", type=click.IntRange(min=0), default=2048, show_default=True,
              envvar="KG_QUERY_MAX_MEMORY", metavar="MB", help="Stop the query if it needs "
              "more than this many MB of memory (0: no limit).")
@click.pass_obj
@handle_errors
def query(obj: Context, sparql: str | None, query_file: Any, saved: str | None,
          params: tuple[str, ...], fmt: str, show_prefixes: bool, timeout: float,
          max_memory: int) -> None:
    """Run a read-only SPARQL query over the store.

    ASK queries print true or false and exit 0 or 1. Updates, LOAD and SERVICE are refused.

    Example:

        kg query "SELECT ?a ?b WHERE { ?a kg:invited ?b }"
        kg query --saved pair-timeline --param a=JPN --param b=GBR
    """
    from . import query as q
    from .render import GRAPH_FORMATS, ROW_FORMATS, write_boolean, write_rows, write_triples

    out = sys.stdout
    if show_prefixes:
        for prefix, iri in q.PREFIXES.items():
            out.write(f"{prefix}:\t{iri}\n")
        return
    if fmt not in ROW_FORMATS + GRAPH_FORMATS:
        known = ", ".join(ROW_FORMATS + GRAPH_FORMATS)
        raise KgError(f"unknown format {fmt!r}; choose from {known}")
    bindings = _parse_params(params)
    if saved == "":
        for item in q.saved_queries().values():
            names = " ".join(f"{n}=…" for n, _ in item.params)
            out.write(f"{item.name}\t{item.title}{'  [' + names + ']' if names else ''}\n")
        return
    if not saved:
        if query_file is not None:
            sparql = query_file.read()
        elif sparql == "-":
            sparql = sys.stdin.read()
        if not sparql or not sparql.strip():
            raise KgError("no query given: pass SPARQL text, -f FILE, - for stdin, "
                          "or --saved NAME")
    if obj.endpoint:
        with obj.open_store(timeout=timeout) as store:
            result = (q.run_saved(store, saved, bindings) if saved
                      else q.run_query(store, sparql or "", params=bindings))
    else:
        result = q.query_store_at(obj.store_location(), sparql, saved=saved or None,
                                  params=bindings, timeout=timeout, max_memory=max_memory)
    if result.form == "ask":
        write_boolean(bool(result.boolean), out, fmt if fmt in ROW_FORMATS else "table")
        out.flush()
        sys.exit(0 if result.boolean else 1)
    if result.form == "graph":
        write_triples(result.triples, sys.stdout.buffer,
                      fmt if fmt in GRAPH_FORMATS else "ttl")
        return
    if fmt not in ROW_FORMATS:
        raise KgError(f"format {fmt!r} is for graphs; a SELECT query gives rows: "
                      f"{', '.join(ROW_FORMATS)}")
    write_rows(result, out, fmt)


def _parse_params(params: tuple[str, ...]) -> dict[str, str]:
    bindings = {}
    for item in params:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise KgError(f"--param {item!r}: expected NAME=VALUE")
        bindings[name.strip().lstrip("?$")] = value
    return bindings


@cli.command(name="import")
@click.argument("files", nargs=-1, required=True, type=click.Path())
@click.option("--format", "-f", "fmt", default=None,
              help="RDF format when the extension does not say (ttl, nt, nq, trig, jsonld, "
                   "rdf).")
@click.option("--graph", "-g", default=None, metavar="IRI",
              help="Named graph to load into (default: one per file, replaced on re-import).")
@click.option("--max-bytes", type=click.IntRange(min=1), default=None,
              help="Refuse files larger than this many bytes (default 20 MB).")
@click.pass_obj
@handle_errors
def import_(obj: Context, files: tuple[str, ...], fmt: str | None, graph: str | None,
            max_bytes: int | None) -> None:
    """Load RDF files (e.g. reference data) into the store, each into a named graph.

    Remote JSON-LD contexts, owl:imports and XML entities are refused: kg fetches nothing.

    Example:

        kg import extra-countries.ttl
    """
    from .documents import DEFAULT_MAX_BYTES
    from .importer import import_rdf

    with obj.open_store(write=True) as store:
        for path in files:
            report = import_rdf(store, path, fmt=fmt, graph=graph,
                                max_bytes=max_bytes or DEFAULT_MAX_BYTES)
            click.echo(f"Imported {report.quads} quads from {report.path} into <{report.graph}>")


@cli.command()
@click.option("--output", "-o", type=click.Path(dir_okay=False), default="graph.html",
              show_default=True, help="The HTML file to write (whole or not at all).")
@click.option("--level", type=click.Choice(["countries", "actors", "facts"]),
              default="countries", show_default=True,
              help="countries: a node per country; actors: countries and persons; "
                   "facts: every fact.")
@click.option("--country", default=None, metavar="ISO3", help="Only facts involving it.")
@click.option("--pair", nargs=2, default=None, metavar="ISO3 ISO3",
              help="Only facts between these two countries.")
@click.option("--kind", "kinds", multiple=True, metavar="KIND",
              help="Only facts of this kind (repeatable).")
@click.option("--since", default=None, metavar="DATE", help="Only facts dated on or after.")
@click.option("--until", default=None, metavar="DATE", help="Only facts dated on or before.")
@click.option("--title", default="Bilateral relations", show_default=True)
@click.pass_obj
@handle_errors
def viz(obj: Context, output: str, level: str, country: str | None,
        pair: tuple[str, str] | None, kinds: tuple[str, ...], since: str | None,
        until: str | None, title: str) -> None:
    """Write an interactive HTML graph of the store that opens offline.

    Example:

        kg viz --country JPN --since 2025-01-01 -o japan.html
    """
    from .analysis import load_facts
    from .viz import write_html

    with obj.open_store() as store:
        facts = load_facts(store, country=country, pair=pair, kinds=kinds or None,
                           since=since, until=until)
    report = write_html(facts, output, level=level, title=title)
    for line in report.lines():
        click.echo(line)


@cli.command()
@click.option("--format", "-f", "fmt", default="ttl", show_default=True,
              type=click.Choice(["ttl", "nt", "nq", "trig", "jsonld", "graphml"]),
              help="nq, trig and jsonld keep each document's graph; ttl and nt merge them; "
                   "graphml is the country graph for Gephi and other graph tools.")
@click.option("--output", "-o", type=click.Path(dir_okay=False), default=None,
              help="Write to this file (whole or not at all) instead of stdout.")
@click.pass_obj
@handle_errors
def export(obj: Context, fmt: str, output: str | None) -> None:
    """Write the whole store as RDF.

    Example:

        kg export --format ttl > graph.ttl
    """
    from .fileio import atomic_output

    with obj.open_store() as store:
        if fmt == "graphml":
            from .analysis import country_graph, load_facts, write_graphml

            graph = country_graph(load_facts(store))

            def write(handle: Any) -> None:
                write_graphml(graph, handle)
        else:
            def write(handle: Any) -> None:
                store.dump(handle, fmt)

        if output:
            with atomic_output(output, "wb") as handle:
                write(handle)
        else:
            write(sys.stdout.buffer)
            sys.stdout.buffer.flush()


@cli.command()
@click.option("--format", "-f", "fmt", type=click.Choice(["table", "json"]), default="table",
              show_default=True)
@click.option("--top", type=click.IntRange(min=1), default=None, metavar="N",
              help="Also the N most active pairs (with their cooperation–conflict score) "
                   "and the N most central countries.")
@click.pass_obj
@handle_errors
def stats(obj: Context, fmt: str, top: int | None) -> None:
    """Count documents, facts by kind, countries and triples in the store.

    Example:

        kg stats --top 10
    """
    from .stats import store_stats

    with obj.open_store() as store:
        result = store_stats(store)
        ranking = None
        if top:
            from .analysis import top as top_report

            ranking = top_report(store, top)
    if fmt == "json":
        data = result.to_dict()
        if ranking is not None:
            data["top"] = ranking.to_dict()
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    if ranking is not None:
        for line in ranking.lines():
            click.echo(line)
        click.echo()
    click.echo(f"documents  {result.documents}")
    click.echo(f"facts      {result.facts}")
    for kind, n in result.by_kind:
        click.echo(f"  {kind:<12} {n}")
    click.echo(f"countries  {result.countries}")
    click.echo(f"triples    {result.triples}")


@cli.command()
@click.pass_obj
@handle_errors
def validate(obj: Context) -> None:
    """Check the store against the SHACL shapes in ontology/shapes.ttl.

    Prints each violation on a line and exits 1 if there are any.

    Example:

        kg validate
    """
    from .validate import validate_store

    with obj.open_store() as store:
        report = validate_store(store)
    if report.conforms:
        click.echo("Valid: the store conforms to the shapes.")
        return
    for line in report.lines():
        click.echo(line)
    click.echo(f"Invalid: {len(report.violations)} violations", err=True)
    sys.exit(1)


def main() -> None:
    cli(prog_name="kg")


if __name__ == "__main__":
    main()

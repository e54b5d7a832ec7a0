"""The `kg` command: a thin layer over the library. Every command calls a few kg functions."""

from __future__ import annotations

import functools
import json
import math
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from . import __version__
from .errors import InputError, KgError

F = TypeVar("F", bound=Callable[..., Any])


class Context:
    def __init__(self, store: str | None, endpoint: str | None, actors: str | None,
                 debug: bool, endpoint_store: str | None = None, parse: bool = True):
        self.store_path = store
        self.parse = parse
        self.endpoint = endpoint
        self.endpoint_store = endpoint_store
        self.actors = actors
        self.debug = debug

    def open_store(self, *, write: bool = False, timeout: float | None = None):  # type: ignore[no-untyped-def]
        """The store to read (no lock, never created) or, with `write`, to write."""
        if self.endpoint:
            from .graph.remote import RemoteStore

            return RemoteStore(self.endpoint, store_endpoint=self.endpoint_store,
                               timeout=timeout or 30.0)
        from .graph.store import open_store

        return open_store(self.store_path, create=write, read_only=not write)

    def store_location(self) -> str:
        from .graph.store import default_store_path

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
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except Exception as exc:
            # An input nobody foresaw still gets one line, never a traceback (--debug has it).
            if debug:
                raise
            reason = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
            click.echo(f"Error: unexpected {type(exc).__name__}"
                       f"{': ' + reason[:300] if reason else ''} (--debug shows where)", err=True)
            ctx.exit(1)

    return wrapper  # type: ignore[return-value]


def _silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's last flush cannot fail again."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


class Text(click.ParamType):
    """A string from the command line that must be valid text: bytes that are not UTF-8
    reach Python as lone surrogates, which no page, query or terminal can encode."""

    name = "text"

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> str:
        text = str(value)
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            shown = text.encode("utf-8", "backslashreplace").decode()
            self.fail(f"'{shown}' is not valid UTF-8 text", param, ctx)
        return text


TEXT = Text()


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


class Confidence(click.ParamType):
    """A confidence bound: a number from 0 to 1 (nan, which every comparison fails, refused:
    it would keep no fact without saying why)."""

    name = "confidence"

    def convert(self, value: Any, param: Any, ctx: Any) -> float:
        try:
            number = float(value)
        except (TypeError, ValueError):
            number = math.nan
        if not 0 <= number <= 1:
            self.fail(f"{value!r} is not a confidence: a number from 0 to 1", param, ctx)
        return number


scheduler_option = click.option(
    "--scheduler", default=None, metavar="ADDRESS", envvar="KG_SCHEDULER",
    help="Extract on the Dask cluster whose scheduler is at ADDRESS (e.g. "
         "tcp://10.0.0.5:8786; needs pip install 'kg[dask]').")


def _extract_with(obj: Context, scheduler: str | None, workers: int | None):  # type: ignore[no-untyped-def]
    """Documents -> (document, facts): on the cluster at `scheduler`, or here."""
    if scheduler:
        from .distributed import extract_on_cluster

        return lambda docs: extract_on_cluster(docs, scheduler, actors_file=obj.actors,
                                               parse=obj.parse)
    from .pipeline import extract_documents

    return lambda docs: extract_documents(docs, workers=workers, actors_file=obj.actors,
                                          parse=obj.parse)


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


# One meaning per letter in every command: -f/--format is the format of what is written
# (or, for import, read), -o/--output the file written, '-' or none for stdout.
def output_option(default: str | None = None, what: str = "the output") -> Callable[[F], F]:
    where = f"default: {default}" if default else "default: stdout"
    return click.option("--output", "-o", type=click.Path(dir_okay=False, allow_dash=True),
                        default=default, show_default=False, metavar="FILE",
                        help=f"Write {what} to FILE, whole or not at all ('-' for stdout; "
                             f"{where}).")


def format_option(choices: list[str] | None, default: str | None, help: str) -> Callable[[F], F]:
    return click.option("--format", "-f", "fmt", default=default, show_default=bool(default),
                        type=click.Choice(choices) if choices else None,
                        metavar=None if choices else "FORMAT", help=help)


min_confidence_option = click.option(
    "--min-confidence", type=Confidence(), default=None, metavar="P",
    help="Only facts whose confidence is at least P (0 to 1; see docs/facts.md).")


def with_input_options(func: F) -> F:
    for option in reversed(input_options):
        func = option(func)
    return func


def _documents(inputs: tuple[str, ...], encoding: str | None, keep_going: bool,
               max_bytes: int | None, skipped: list[str]):  # type: ignore[no-untyped-def]
    from .extract.documents import DEFAULT_MAX_BYTES, read_documents

    return _noting_empty(read_documents(inputs, encoding=encoding, keep_going=keep_going,
                                        max_bytes=max_bytes or DEFAULT_MAX_BYTES,
                                        skipped=skipped))


def printable(text: str) -> str:
    from .views.render import printable as neutralised

    return neutralised(text)


def _report_skipped(skipped: list[str]) -> None:
    for line in skipped:
        click.echo(printable(f"Skipped: {line}"), err=True)


def _noting_empty(docs):  # type: ignore[no-untyped-def]
    """Pass documents on; say on stderr which ones hold no text (they give 0 facts)."""
    for doc in docs:
        if not doc.text.strip():
            click.echo(f"Note: {doc.path or doc.id}: empty document, 0 facts", err=True)
        yield doc


# Rows of a SELECT that a table on a terminal shows unless --limit says otherwise.
TERMINAL_ROWS = 1000

@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kg")
@click.option("--store", "-s", envvar="KG_STORE", default=None, metavar="PATH",
              help="The on-disk store (default: $KG_STORE or .kg/store).")
@click.option("--endpoint", envvar="KG_ENDPOINT", default=None, metavar="URL",
              help="Use a remote SPARQL endpoint (e.g. http://127.0.0.1:7878/query) instead "
                   "of the embedded store.")
@click.option("--endpoint-store", envvar="KG_ENDPOINT_STORE", default=None, metavar="URL",
              help="With --endpoint: where builds write, by the SPARQL Graph Store HTTP "
                   "Protocol (default: the endpoint's /store, Oxigraph's layout; Fuseki: "
                   "http://HOST:3030/DATASET/data).")
@click.option("--actors", envvar="KG_ACTORS", default=None, metavar="FILE",
              help="A TSV of countries or office holders that adds to or overrides the "
                   "bundled tables.")
@click.option("--parse/--no-parse", default=True, envvar="KG_PARSE", show_default=True,
              help="Read who acts on whom from a dependency parse of each candidate "
                   "sentence; --no-parse reads word order alone: about 3 times faster, "
                   "a little less recall (README, Quality and speed).")
@click.option("--debug", is_flag=True, help="Show tracebacks for errors.")
@click.pass_context
def cli(ctx: click.Context, store: str | None, endpoint: str | None,
        endpoint_store: str | None, actors: str | None, parse: bool, debug: bool) -> None:
    """Build knowledge graphs of bilateral relations from news articles and statements.

    Examples:

    \b
        kg build examples/
        kg query --saved partners --param country=JPN
        kg --store .kg/japan.store build examples/seed.txt
    """
    ctx.obj = Context(store, endpoint, actors, debug, endpoint_store, parse)


@cli.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path())
@format_option(["jsonl", "table", "json"], "jsonl", "jsonl: the fact records of docs/facts.md, "
               "one per line; table: a readable table; json: one JSON array.")
@click.option("--explain", is_flag=True, help="For each sentence: the actors found, the "
              "triggers matched and why a fact was or was not produced.")
@output_option(what="the facts")
@min_confidence_option
@with_input_options
@scheduler_option
@click.pass_obj
@handle_errors
def extract(obj: Context, inputs: tuple[str, ...], fmt: str, explain: bool, output: str | None,
            min_confidence: float | None, encoding: str | None, keep_going: bool,
            max_bytes: int | None, workers: int | None, scheduler: str | None) -> None:
    """Print the facts found in articles (files, folders or JSON Lines).

    Example:

        kg extract examples/seed.txt --format table
    """
    from .extract.confidence import at_least
    from .extract.output import write_facts

    skipped: list[str] = []
    docs = _documents(inputs, encoding, keep_going, max_bytes, skipped)
    if explain:
        from .extract.actors import load_actors
        from .extract.extractor import Extractor
        from .extract.output import write_explanation

        extractor = Extractor(load_actors(obj.actors), parse=obj.parse)
        _emit(output, lambda out: [write_explanation(extractor.explain(d), d, out) for d in docs])
    else:
        results = _extract_with(obj, scheduler, workers)(docs)
        facts = (f for _, fs in results for f in at_least(fs, min_confidence))
        _emit(output, lambda out: write_facts(facts, out, fmt))
    _report_skipped(skipped)


def _emit(output: str | None, write: Callable[[Any], Any], mode: str = "w") -> None:
    """Write to `output` whole or not at all, or to stdout (no output, or '-')."""
    from .fileio import atomic_output

    with atomic_output(output or "-", mode) as handle:
        write(handle)


@cli.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path())
@with_input_options
@click.option("--sync", is_flag=True, help="Then remove from the store every document "
              "these inputs no longer hold (deleted or renamed articles).")
@click.option("--force", is_flag=True, help="Extract and write every document, even those "
              "the store holds unchanged.")
@click.option("--quiet", "-q", is_flag=True, help="Print nothing on success (no progress, "
              "no summary).")
@scheduler_option
@click.pass_obj
@handle_errors
def build(obj: Context, inputs: tuple[str, ...], encoding: str | None, keep_going: bool,
          max_bytes: int | None, workers: int | None, sync: bool, force: bool,
          quiet: bool, scheduler: str | None) -> None:
    """Extract facts from articles and write them into the store, one graph per document.

    Re-building a document replaces its graph; a document the store holds with the same
    text, metadata and extractor is skipped (unchanged), so building the same input twice
    changes nothing. Two documents with one id are refused. '-' reads JSON Lines from stdin,
    and .jsonl.gz files are read as they are decompressed.

    Examples:

    \b
        kg build examples/
        kg --store .kg/sample build examples/seed.txt -w 1
        kg build --sync examples/
    """
    from .pipeline import BuildReport
    from .pipeline import build as run_build
    from .progress import Progress

    skipped: list[str] = []
    docs = _documents(inputs, encoding, keep_going, max_bytes, skipped)
    report = BuildReport(skipped=skipped)
    with obj.open_store(write=True) as store:
        # Off a terminal, the line below is the summary.
        with Progress("build", "documents", total=_count_files(inputs), enabled=not quiet,
                      summary=False) as progress:
            run_build(docs, store, workers=workers, actors_file=obj.actors, report=report,
                      sync=sync, progress=progress.update, force=force, parse=obj.parse,
                      extract=_extract_with(obj, scheduler, workers) if scheduler else None)
        triples = len(store)
        where = store.path
    _report_skipped(skipped)
    if not quiet:
        kinds = ", ".join(f"{k} {n}" for k, n in sorted(report.by_kind.items()))
        replaced = (f" ({report.documents - report.replaced} new, {report.replaced} replaced)"
                    if report.replaced else "")
        click.echo(f"Built {report.documents} documents{replaced}, {report.facts} facts"
                   f"{' (' + kinds + ')' if kinds else ''} into {where}: {triples} triples"
                   f"{f'; {len(report.unchanged)} unchanged' if report.unchanged else ''}"
                   f"{f'; skipped {len(skipped)}' if skipped else ''}")
        if sync:
            _report_removed(report.removed)


def _count_files(inputs: tuple[str, ...]) -> int | None:
    """How many documents the inputs hold, when that is cheap to know (no JSON Lines, no
    stdin), so that the progress bar shows an ETA; else None."""
    from .extract.documents import JSONL_SUFFIXES, input_suffix, iter_paths

    try:
        paths = list(iter_paths(inputs))
    except InputError:
        return None  # the build itself reports it
    if any(not isinstance(p, Path) or input_suffix(p) in JSONL_SUFFIXES for p in paths):
        return None
    return len(paths)


def _report_removed(ids: list[str]) -> None:
    names = ", ".join(ids)
    click.echo(f"Removed {len(ids)} documents{': ' + names if ids else ''}")


@cli.command()
@click.argument("ids", nargs=-1, required=True)
@click.pass_obj
@handle_errors
def remove(obj: Context, ids: tuple[str, ...]) -> None:
    """Remove documents (by id) and their facts from the store.

    Every id must be in the store, or nothing is removed. The shared country graph and
    imported graphs are never removed.

    Examples:

    \b
        kg --store .kg/scratch build examples/ && kg --store .kg/scratch remove seed g20-talks
    """
    from .pipeline import remove_documents

    with obj.open_store(write=True) as store:
        removed = remove_documents(store, ids)
    _report_removed(removed)


@cli.command()
@click.argument("sparql", required=False, type=TEXT)
@click.option("--file", "-F", "query_file", type=click.File("r", encoding="utf-8"),
              help="Read the query from a file ('-' for stdin).")
@click.option("--saved", "saved", default=None, is_flag=False, flag_value="",
              help="Run a saved query by name; alone, list the saved queries.")
@click.option("--show", is_flag=True,
              help="With --saved NAME: print the query's description, parameters and text "
                   "instead of running it.")
@click.option("--queries", envvar="KG_QUERIES", default=None, metavar="DIR",
              type=click.Path(file_okay=False),
              help="A folder of your own saved queries (NAME.rq), beside the shipped ones "
                   "(default: $KG_QUERIES).")
@click.option("--param", "-p", "params", multiple=True, metavar="NAME=VALUE", type=TEXT,
              help="A value for a saved query's parameter, bound as a term (repeatable).")
@click.option("--min-confidence", type=Confidence(), default=None, metavar="P",
              help="Bind ?min_confidence to P (0 to 1, as decimal text): the parameter of "
                   "saved queries such as confident-facts; a query of your own reads it as "
                   "FILTER(?confidence >= xsd:decimal(?min_confidence)).")
@format_option(None, "table", "Rows: table, csv, tsv, json, xml (SPARQL results), jsonl. "
               "Graphs (CONSTRUCT/DESCRIBE): ttl, nt, nq, trig, jsonld, xml (RDF/XML).")
@output_option(what="the result")
@click.option("--prefixes", "show_prefixes", is_flag=True,
              help="List the prefixes every query can use without declaring them.")
@click.option("--timeout", "-t", type=Seconds(), default=60.0, show_default=True,
              envvar="KG_QUERY_TIMEOUT", help="Stop the query after this many seconds, "
              "parsing included (0: no limit).")
@click.option("--max-memory", type=click.IntRange(min=0), default=2048, show_default=True,
              envvar="KG_QUERY_MAX_MEMORY", metavar="MB", help="Stop the query if it needs "
              "more than this many MB of memory (0: no limit).")
@click.option("--limit", type=click.IntRange(min=0), default=None, metavar="N",
              help=f"At most N rows of a SELECT (0: all). Default: all, except a table on a "
                   f"terminal, which shows the first {TERMINAL_ROWS}.")
@click.option("--offset", type=click.IntRange(min=0), default=0, metavar="M",
              help="Skip the first M rows of a SELECT (with --limit: pages, in the query's "
                   "own order).")
@click.pass_obj
@handle_errors
def query(obj: Context, sparql: str | None, query_file: Any, saved: str | None, show: bool,
          queries: str | None, params: tuple[str, ...], min_confidence: float | None,
          fmt: str, output: str | None,
          show_prefixes: bool, timeout: float, max_memory: int, limit: int | None,
          offset: int) -> None:
    """Run a read-only SPARQL query over the store.

    ASK queries print true or false and exit 0 or 1. Updates, LOAD and SERVICE are refused.
    Options: -f/--format the output format, -o/--output the output file, -F/--file the
    query file.

    Examples:

    \b
        kg query "SELECT ?a ?b WHERE { ?a kg:invited ?b }"
        kg query --saved pair-timeline --param a=JPN --param b=GBR
        kg query "ASK { country:GBR kg:visited country:JPN }"
        kg query --saved pair-timeline --param a=JPN --param b=Germany -f csv -o t.csv
        kg query --saved documents --limit 50 --offset 100
        kg query --saved confident-facts --min-confidence 0.8
    """
    from .graph import query as q
    from .views.render import GRAPH_FORMATS, ROW_FORMATS, write_boolean, write_rows, write_triples

    if show_prefixes:
        _emit(output, lambda out: out.write("".join(
            f"{prefix}:\t{iri}\n" for prefix, iri in q.PREFIXES.items())))
        return
    if fmt not in ROW_FORMATS + GRAPH_FORMATS:
        known = ", ".join(dict.fromkeys(ROW_FORMATS + GRAPH_FORMATS))
        hint = " (-F FILE reads the query from a file)" if os.path.exists(fmt) else ""
        raise KgError(f"unknown format {fmt!r}; choose from {known}{hint}")
    bindings = _parse_params(params)
    if min_confidence is not None:
        bindings["min_confidence"] = q.confidence_text(min_confidence)
    if saved == "":
        _emit(output, lambda out: _list_saved(q.saved_queries(queries).values(), out))
        return
    if show:
        if not saved:
            raise KgError("--show needs --saved NAME")
        item = q.saved_queries(queries).get(saved)
        if item is None:
            q.resolve_saved(saved, folder=queries)  # raises, naming the known queries
        _emit(output, lambda out: _show_saved(item, out))
        return
    if saved:
        # Checked and resolved here (country=usa → USA), before any store is opened.
        _, bindings = q.resolve_saved(saved, bindings, folder=queries)
    else:
        if query_file is not None:
            try:
                sparql = query_file.read()
            except UnicodeDecodeError as exc:
                raise KgError(f"{query_file.name}: not UTF-8 text (byte {exc.start}); a query "
                              "file holds SPARQL text") from None
        elif sparql == "-":
            sparql = sys.stdin.read()
        if not sparql or not sparql.strip():
            raise KgError("no query given: pass SPARQL text, -F FILE, - for stdin, "
                          "or --saved NAME")
    # A table on a terminal is for reading: a page of it, unless told otherwise. Files,
    # pipes and the other formats get every row.
    default_page = limit is None and fmt == "table" and output in (None, "-") \
        and sys.stdout.isatty()
    if default_page:
        limit = TERMINAL_ROWS
    if obj.endpoint:
        with obj.open_store(timeout=timeout) as store:
            result = (q.run_saved(store, saved, bindings, folder=queries, limit=limit,
                                  offset=offset) if saved
                      else q.run_query(store, sparql or "", params=bindings, limit=limit,
                                       offset=offset))
    else:
        result = q.query_store_at(obj.store_location(), sparql, saved=saved or None,
                                  params=bindings, timeout=timeout, max_memory=max_memory,
                                  limit=limit, offset=offset, folder=queries)
    if default_page and result.more:
        shown = f"rows {offset + 1}–{offset + limit}" if offset else f"the first {limit} rows"
        click.echo(f"showing {shown} of more; --limit 0 for all", err=True)
    if result.form == "ask":
        answer = bool(result.boolean)
        _emit(output, lambda out: write_boolean(answer, out,
                                                fmt if fmt in ROW_FORMATS else "table"))
        sys.exit(0 if answer else 1)
    if result.form == "graph":
        graph_fmt = fmt if fmt in GRAPH_FORMATS else "ttl"
        _emit(output, lambda out: write_triples(result.triples, out, graph_fmt), "wb")
        return
    if fmt not in ROW_FORMATS:
        raise KgError(f"format {fmt!r} is for graphs; a SELECT query gives rows: "
                      f"{', '.join(ROW_FORMATS)}")
    _emit(output, lambda out: write_rows(result, out, fmt))


def _list_saved(items: Any, out: Any) -> None:
    from .views.render import printable

    for item in items:
        names = " ".join(f"{n}=…" for n, _ in item.params)
        mine = f"  ({item.path})" if item.path else ""
        described = printable(f"{item.title}{'  [' + names + ']' if names else ''}{mine}")
        out.write(f"{printable(item.name)}\t{described}\n")


def _show_saved(item: Any, out: Any) -> None:
    from .views.render import printable

    lines = [f"{item.name}: {item.title}"]
    if item.description:
        lines.append(item.description)
    for (name, help_text), kind in zip(item.params, item.types, strict=True):
        lines.append(f"  --param {name}=…  ({kind}) {help_text}".rstrip())
    lines.append(f"file: {item.path or 'shipped with kg'}")
    out.write("".join(printable(line) + "\n" for line in lines) + "\n")
    out.write(item.source if item.source.endswith("\n") else item.source + "\n")


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
@format_option(None, None, "The RDF format read, when the extension does not say (ttl, nt, "
               "nq, trig, jsonld, rdf).")
@click.option("--graph", "-g", default=None, metavar="IRI",
              help="Named graph for the files' triples (default: one per file, replaced on "
                   "re-import). Quads of nq, trig and jsonld files keep their own graphs.")
@click.option("--max-bytes", type=click.IntRange(min=1), default=None,
              help="Refuse files larger than this many bytes (default 20 MB).")
@click.pass_obj
@handle_errors
def import_(obj: Context, files: tuple[str, ...], fmt: str | None, graph: str | None,
            max_bytes: int | None) -> None:
    """Load RDF files (e.g. reference data) into the store, each into a named graph.

    N-Quads, TriG and JSON-LD keep their graphs, so `kg export -f nq` imports back as it
    was. Two files that would load into one graph are refused, not silently merged or
    replaced. Remote JSON-LD contexts, owl:imports and XML entities are refused: kg fetches
    nothing.

    Example:

    \b
        kg export --format nt -o graph.nt && kg --store .kg/copy import graph.nt
    """
    from .extract.documents import DEFAULT_MAX_BYTES
    from .graph.importer import import_files
    from .progress import Progress

    total = sum(os.path.getsize(f) for f in files if os.path.isfile(f))
    with obj.open_store(write=True) as store:
        with Progress("import", "B", total=total) as progress:
            reports = import_files(store, files, fmt=fmt, graph=graph,
                                   max_bytes=max_bytes or DEFAULT_MAX_BYTES,
                                   progress=progress.update)
            progress.report_as(sum(r.quads for r in reports), "quads")
    for report in reports:
        into = ", ".join(f"<{g}>" for g in report.graphs)
        click.echo(printable(f"Imported {report.quads} quads from {report.path} into {into}"))


@cli.command()
@output_option(default="graph.html", what="the HTML page")
@click.option("--level", type=click.Choice(["countries", "actors", "facts"]),
              default="countries", show_default=True,
              help="countries: a node per country; actors: countries and persons; "
                   "facts: every fact.")
@click.option("--country", default=None, metavar="ISO3", type=TEXT,
              help="Only facts involving it.")
@click.option("--pair", nargs=2, default=None, metavar="ISO3 ISO3", type=TEXT,
              help="Only facts between these two countries.")
@click.option("--kind", "kinds", multiple=True, metavar="KIND", type=TEXT,
              help="Only facts of this kind (repeatable).")
@click.option("--since", default=None, metavar="DATE", help="Only facts dated on or after.")
@click.option("--until", default=None, metavar="DATE", help="Only facts dated on or before.")
@min_confidence_option
@click.option("--title", default="Bilateral relations", show_default=True, type=TEXT)
@click.pass_obj
@handle_errors
def viz(obj: Context, output: str, level: str, country: str | None,
        pair: tuple[str, str] | None, kinds: tuple[str, ...], since: str | None,
        until: str | None, min_confidence: float | None, title: str) -> None:
    """Write an interactive HTML graph of the store that opens offline.

    The countries level counts every fact from the store's summaries and carries a sample
    of each edge's facts as evidence; --since, --until and --min-confidence read the facts.

    Example:

        kg viz --country JPN --since 2025-01-01 -o japan.html
    """
    from .views.viz import view_of_store, write_view

    filters = {"country": country, "pair": pair, "kinds": kinds or None, "since": since,
               "until": until, "min_confidence": min_confidence}
    with obj.open_store() as store:
        view, events = view_of_store(store, level=level, title=title, filters=filters)
    report = write_view(view, output, events)
    for line in report.lines():
        click.echo(printable(line), err=output == "-")  # stdout holds the page


@cli.command()
@format_option(["ttl", "nt", "nq", "trig", "jsonld", "graphml"], "ttl",
               "nq, trig and jsonld keep each document's graph (kg import restores them); ttl "
               "and nt merge them; graphml is the country graph for Gephi and other tools.")
@output_option(what="the graph")
@click.pass_obj
@handle_errors
def export(obj: Context, fmt: str, output: str | None) -> None:
    """Write the whole store as RDF.

    Example:

        kg export --format ttl > graph.ttl
    """
    from .progress import CountingWriter, Progress

    with obj.open_store() as store:
        if fmt == "graphml":
            from .views.analysis import country_graph, load_facts, write_graphml

            graph = country_graph(load_facts(store))

            def write(handle: Any) -> None:
                write_graphml(graph, handle)
        else:
            def write(handle: Any) -> None:
                store.dump(handle, fmt)

        with Progress("export", "B") as progress:
            _emit(output, lambda out: write(CountingWriter(out, progress)), "wb")


@cli.command()
@format_option(["table", "json"], "table", "table: for reading; json: one JSON object.")
@output_option(what="the counts")
@click.option("--top", type=click.IntRange(min=1), default=None, metavar="N",
              help="Also the N most active pairs (with their cooperation–conflict score) "
                   "and the N most central countries.")
@click.option("--reports", "by_reports", is_flag=True,
              help="Count facts (every report of every document) by kind, not events.")
@min_confidence_option
@click.pass_obj
@handle_errors
def stats(obj: Context, fmt: str, output: str | None, top: int | None,
          by_reports: bool, min_confidence: float | None) -> None:
    """Count documents, events (or, with --reports, facts) by kind, countries and triples.

    An event is counted once however many documents report it (see kg events). Events
    group facts whatever their confidence, so --min-confidence counts facts.

    Example:

        kg stats --top 10
    """
    from .events.records import event_counts
    from .views.stats import store_stats

    with obj.open_store() as store:
        result = store_stats(store, min_confidence=min_confidence)
        # Events are counted when printed: not with a confidence bound (events group
        # facts whatever their confidence), nor in a table of --reports.
        counted = (None if min_confidence or (by_reports and fmt != "json")
                   else event_counts(store))
        ranking = None
        if top:
            from .views.analysis import load_facts
            from .views.analysis import top as top_report

            ranking = top_report(load_facts(store, min_confidence=min_confidence)
                                 if min_confidence else store, top)
    if fmt == "json":
        data = result.to_dict()
        data.update(counted.to_dict() if counted else {"events": None})
        if ranking is not None:
            data["top"] = ranking.to_dict()
        _emit(output, lambda out: out.write(json.dumps(data, indent=2, ensure_ascii=False)
                                            + "\n"))
        return
    lines = [*ranking.lines(), ""] if ranking is not None else []
    lines.append(f"documents  {result.documents}")
    if counted is None or by_reports:
        lines += [f"facts      {result.facts}",
                  *(f"  {kind:<12} {n}" for kind, n in result.by_kind)]
    else:
        lines += [f"events     {counted.events}",
                  *(f"  {kind:<12} {n}" for kind, n in counted.by_kind),
                  f"reports    {counted.reports}", f"facts      {result.facts}"]
    lines += [f"countries  {result.countries}", f"triples    {result.triples}"]
    _emit(output, lambda out: out.write("".join(printable(line) + "\n" for line in lines)))


@cli.command()
@click.option("--all", "everything", is_flag=True, help="Check every document graph, not only "
              "those changed since the store was last found valid.")
@click.pass_obj
@handle_errors
def validate(obj: Context, everything: bool) -> None:
    """Check the store against the SHACL shapes in ontology/shapes.ttl.

    Checks the document graphs changed since the store was last found valid (a digest of
    each is recorded in the store), with the shared graphs; --all checks every one. Prints
    each violation on a line and exits 1 if there are any.

    Example:

        kg validate --all
    """
    from .errors import StoreError, StoreLockedError
    from .graph.validate import record_validation, validate_changed, validate_store
    from .progress import Progress

    if obj.endpoint:
        with obj.open_store() as store, Progress("validate", "quads") as progress:
            report = validate_store(store, progress=progress.update)
    else:
        with obj.open_store() as store, Progress("validate", "quads") as progress:
            result = validate_changed(store, everything=everything, progress=progress.update)
        report = result.report
        checked = f"kg validate: {result.checked} of {result.documents} document graphs checked"
        if result.checked < result.documents:
            checked += ", the others unchanged since found valid (--all: check them too)"
        if report.conforms:
            try:
                with obj.open_store(write=True) as store:
                    record_validation(store, result.digests)
            except StoreLockedError:
                checked += "; not recorded: the store is in use by another process"
            except StoreError:  # a read-only file system, say: the check itself stands
                checked += "; not recorded: the store cannot be written"
        click.echo(checked, err=True)
    if report.conforms:
        click.echo("Valid: the store conforms to the shapes.")
        return
    for line in report.lines():
        click.echo(printable(line))
    click.echo(f"Invalid: {len(report.violations)} violations", err=True)
    sys.exit(1)


@cli.command()
@click.option("--pair", nargs=2, default=None, metavar="A B", type=TEXT,
              help="Only events between these two countries (codes or names).")
@click.option("--kind", default=None, metavar="KIND", type=TEXT, help="Only events of this kind.")
@click.option("--since", default=None, metavar="DATE", help="Only events dated on or after.")
@click.option("--until", default=None, metavar="DATE", help="Only events dated on or before.")
@click.option("--explain", is_flag=True,
              help="Say why each report joined its event or founded one, and which events it "
                   "could not join and why.")
@format_option(["table", "csv", "tsv", "json", "jsonl"], "table",
               "table, csv, tsv, json: a row per event; jsonl: each event with its reports, "
               "their documents and the disagreements.")
@output_option(what="the events")
@click.pass_obj
@handle_errors
def events(obj: Context, pair: tuple[str, str] | None, kind: str | None, since: str | None,
           until: str | None, explain: bool, fmt: str, output: str | None) -> None:
    """List events: the facts of many documents that report one happening, grouped.

    Each event counts its reports (distinct texts; syndicated copies of one text are one
    report), the documents that carry them and the independent sources behind them, and
    names the fields its reports disagree on (date, place, status).

    Examples:

    \b
        kg events --pair JPN GBR --since 2025-11
        kg events --kind meeting -f jsonl
        kg events --pair JPN GBR --explain
    """
    from .events.graph import regroup
    from .events.output import write_events, write_explanation
    from .events.records import load_events
    from .graph.query import resolve_country

    codes = (resolve_country(pair[0]), resolve_country(pair[1])) if pair else None
    with obj.open_store() as store:
        if explain:
            grouping = regroup(store, pair=codes, kind=kind, since=since, until=until)
            _emit(output, lambda out: write_explanation(grouping, out))
            return
        found = load_events(store, pair=codes, kind=kind, since=since, until=until,
                            details=fmt == "jsonl")
    _emit(output, lambda out: write_events(found, out, fmt))


@cli.command()
@click.argument("a", type=TEXT)
@click.argument("b", type=TEXT)
@format_option(["table", "csv", "tsv", "json", "jsonl"], "table",
               "table, csv, tsv, json: a row per month; jsonl: each month with its events.")
@output_option(what="the timeline")
@click.pass_obj
@handle_errors
def timeline(obj: Context, a: str, b: str, fmt: str, output: str | None) -> None:
    """Print two countries' events by month, with the cooperation–conflict balance and the
    partnership labels in force (and the months they changed).

    Each event counts once, however many documents report it; score is the month's mean
    weight (-10 conflict … +10 cooperation), balance the mean up to that month.

    Example:

        kg timeline JPN GBR
    """
    from .events.output import write_timeline
    from .events.timeline import pair_timeline
    from .graph.query import resolve_country

    with obj.open_store() as store:
        found = pair_timeline(store, resolve_country(a), resolve_country(b))
    _emit(output, lambda out: write_timeline(found, out, fmt))


def main() -> None:
    try:
        code = cli.main(prog_name="kg", standalone_mode=False)
    except click.UsageError as exc:
        # One line, like every other error; the hint says where the usage is.
        where = exc.ctx.command_path if exc.ctx is not None else "kg"
        sys.stderr.write(f"Error: {exc.format_message()} (see '{where} --help')\n")
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        sys.stderr.write(f"Error: {exc.format_message()}\n")
        sys.exit(exc.exit_code)
    except click.Abort:
        sys.stderr.write("Interrupted\n")
        sys.exit(130)
    except OSError as exc:
        # click's own output (--help, --version) could not be written: a full disk, say.
        _silence_stdout()
        sys.stderr.write(f"Error: cannot write output: {exc.strerror or exc}\n")
        sys.exit(1)
    sys.exit(code if isinstance(code, int) else 0)


if __name__ == "__main__":
    main()

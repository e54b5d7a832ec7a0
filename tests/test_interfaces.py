"""Promises of the command line: one option convention, outputs, saved queries, round trips,
progress, and text fit for a terminal (CliRunner for output, real processes for terminals)."""

from __future__ import annotations

import fcntl
import json
import os
import pty
import re
import select
import struct
import subprocess
import sys
import termios
from pathlib import Path

import click
import pyoxigraph as ox
import pytest
import rdflib
from click.testing import CliRunner

from kg.cli import cli

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = str(ROOT / "examples" / "seed.txt")
KG = [sys.executable, "-m", "kg"]


def run(*args: str, store: Path | None = None, input: str | None = None):  # type: ignore[no-untyped-def]
    prefix = ["--store", str(store)] if store else []
    return CliRunner().invoke(cli, [*prefix, *args], input=input, catch_exceptions=False)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    store = tmp_path_factory.mktemp("interfaces") / "store"
    assert run("build", SAMPLE, "-w", "1", store=store).exit_code == 0
    return store


# --- one meaning per option letter -------------------------------------------------------

def test_format_and_output_mean_the_same_in_every_command() -> None:
    letters: dict[str, set[str]] = {}
    for name, command in cli.commands.items():
        for param in command.params:
            if not isinstance(param, click.Option):
                continue
            for opt in param.opts + param.secondary_opts:
                if len(opt) == 2:
                    letters.setdefault(opt, set()).add(param.opts[0])
            if param.name == "output":
                assert param.opts == ["--output", "-o"], name
                assert "'-' for stdout" in (param.help or ""), name
            if param.name == "fmt":
                assert param.opts == ["--format", "-f"], name
    # Each short letter stands for one long option, whatever the command.
    assert {k: v for k, v in letters.items() if len(v) > 1} == {}
    assert letters["-o"] == {"--output"} and letters["-f"] == {"--format"}
    assert letters["-F"] == {"--file"}


def test_query_writes_an_output_file_whole(built: Path, tmp_path: Path) -> None:
    out = tmp_path / "rows.csv"
    result = run("query", "--saved", "partnerships", "-f", "csv", "-o", str(out), store=built)
    assert (result.exit_code, result.stdout) == (0, "")
    assert out.read_text(encoding="utf-8").startswith("source,target,label,")
    dash = run("query", "--saved", "partnerships", "-f", "csv", "-o", "-", store=built)
    assert dash.stdout == out.read_text(encoding="utf-8")
    ask = tmp_path / "ask.json"
    result = run("query", "ASK { country:GBR kg:visited country:CHN }", "-f", "json", "-o",
                 str(ask), store=built)
    assert result.exit_code == 0 and json.loads(ask.read_text())["boolean"] is True
    graph = tmp_path / "g.nt"
    result = run("query", "CONSTRUCT { ?a kg:invited ?b } WHERE { ?a kg:invited ?b }", "-f",
                 "nt", "-o", str(graph), store=built)
    assert result.exit_code == 0 and len(graph.read_text().splitlines()) == 2


def test_stats_writes_an_output_file(built: Path, tmp_path: Path) -> None:
    out = tmp_path / "stats.json"
    assert run("stats", "-f", "json", "-o", str(out), store=built).stdout == ""
    assert json.loads(out.read_text())["documents"] == 1


def test_select_as_sparql_xml_results(built: Path) -> None:
    result = run("query", "--saved", "partnerships", "-f", "xml", store=built)
    assert result.stdout.startswith('<?xml version="1.0"?><sparql xmlns=')
    rows = list(ox.parse_query_results(result.stdout, format=ox.QueryResultsFormat.XML))
    assert rows[0]["label"].value == "enhanced global strategic partnership"


# --- saved queries -----------------------------------------------------------------------

def test_saved_query_parameters_by_name_or_code(built: Path) -> None:
    by_code = run("query", "--saved", "partners", "-p", "country=GBR", "-f", "jsonl",
                  store=built)
    by_name = run("query", "--saved", "partners", "-p", "country=united kingdom", "-f",
                  "jsonl", store=built)
    assert by_code.exit_code == 0 and by_code.stdout and by_name.stdout == by_code.stdout
    usa = run("query", "--saved", "partners", "-p", "country=usa", store=built)
    assert usa.exit_code == 0
    typo = run("query", "--saved", "partners", "-p", "country=Germny", store=built)
    assert (typo.exit_code, typo.output) == (1, (
        "Error: saved query partners: country='Germny' is not a known country code or name; "
        "did you mean DEU (Germany)\n"))
    since = run("query", "--saved", "facts-since", "-p", "since=yesterday", store=built)
    assert (since.exit_code, since.output) == (1, (
        "Error: saved query facts-since: since='yesterday' is not a day as YYYY-MM-DD\n"))


def test_show_prints_a_saved_query(built: Path) -> None:
    result = run("query", "--saved", "pair-timeline", "--show")
    lines = result.stdout.splitlines()
    assert lines[0] == "pair-timeline: Timeline of a pair of countries"
    assert "  --param a=…  (country) one country, by code or name (e.g. a=JPN)" in lines
    assert "file: shipped with kg" in lines
    assert result.stdout.endswith((ROOT / "kg/queries/pair-timeline.rq").read_text())
    assert run("query", "--show").output == "Error: --show needs --saved NAME\n"
    assert run("query", "--saved", "nope", "--show").output.startswith(
        "Error: unknown saved query 'nope'; known: ")


def test_users_saved_queries_from_a_folder(built: Path, tmp_path: Path) -> None:
    (tmp_path / "docs-of.rq").write_text(
        "# title: Documents about a country\n# description: Mine.\n"
        "# param: country (country) — a country\n"
        "SELECT DISTINCT ?country ?doc WHERE { ?c kg:iso3 ?country . ?f kg:involves ?c ; "
        "kg:evidence/kg:inDocument/dcterms:identifier ?doc }\n", encoding="utf-8")
    listing = run("query", "--queries", str(tmp_path), "--saved", store=built)
    assert f"docs-of\tDocuments about a country  [country=…]  ({tmp_path / 'docs-of.rq'})" \
        in listing.stdout.splitlines()
    # Through the environment too, and in the query's own process.
    proc = subprocess.run([*KG, "--store", str(built), "query", "--saved", "docs-of", "-p",
                           "country=Japan", "-f", "jsonl"], capture_output=True, text=True,
                          timeout=120, env={**os.environ, "KG_QUERIES": str(tmp_path)})
    assert (proc.returncode, proc.stdout) == (0, '{"doc": "seed"}\n'), proc.stderr
    shown = run("query", "--queries", str(tmp_path), "--saved", "docs-of", "--show")
    assert f"file: {tmp_path / 'docs-of.rq'}" in shown.stdout
    # --queries reaches the query's own process without changing this one's environment
    # (a notebook that ran the command once would see the folder for ever after).
    before = os.environ.get("KG_QUERIES")
    ran = run("query", "--queries", str(tmp_path), "--saved", "docs-of", "-p", "country=JPN",
              "-f", "jsonl", store=built)
    assert (ran.exit_code, ran.stdout) == (0, '{"doc": "seed"}\n'), ran.output
    assert os.environ.get("KG_QUERIES") == before


# --- export and import round trip --------------------------------------------------------

def _sorted_nquads(store: Path) -> list[str]:
    result = run("export", "-f", "nq", store=store)
    assert result.exit_code == 0
    return sorted(result.stdout.splitlines())


@pytest.mark.parametrize("fmt", ["nq", "trig", "jsonld"])
def test_export_then_import_restores_the_same_graphs(built: Path, tmp_path: Path,
                                                     fmt: str) -> None:
    dump = tmp_path / f"all.{fmt}"
    assert run("export", "-f", fmt, "-o", str(dump), store=built).exit_code == 0
    copy = tmp_path / "copy"
    result = run("import", str(dump), store=copy)
    assert result.exit_code == 0, result.output
    assert _sorted_nquads(copy) == _sorted_nquads(built)
    assert result.stdout.startswith(f"Imported {len(_sorted_nquads(built))} quads from {dump} "
                                    "into <https://w3id.org/kg-bilateral/id/graph/kg/countries>, ")
    # Importing it again changes nothing.
    assert run("import", str(dump), store=copy).exit_code == 0
    assert _sorted_nquads(copy) == _sorted_nquads(built)


def test_jsonld_export_has_a_context_and_loads_in_rdflib(built: Path) -> None:
    data = run("export", "-f", "jsonld", store=built).stdout
    document = json.loads(data)
    assert document["@context"]["kg"] == "https://w3id.org/kg-bilateral/ontology#"
    dataset = rdflib.Dataset()
    dataset.parse(data=data, format="json-ld")
    assert sum(1 for _ in dataset.quads()) == len(_sorted_nquads(built))


def test_import_one_graph_from_several_files_keeps_them_all(tmp_path: Path) -> None:
    (tmp_path / "a.nt").write_text("<urn:a> <urn:p> <urn:x> .\n", encoding="utf-8")
    (tmp_path / "b.nt").write_text("<urn:b> <urn:p> <urn:x> .\n", encoding="utf-8")
    store = tmp_path / "store"
    result = run("import", "--graph", "urn:g", str(tmp_path / "a.nt"), str(tmp_path / "b.nt"),
                 store=store)
    assert result.exit_code == 0
    assert _sorted_nquads(store) == ["<urn:a> <urn:p> <urn:x> <urn:g> .",
                                     "<urn:b> <urn:p> <urn:x> <urn:g> ."]


def test_files_of_the_same_name_are_refused_not_replaced(tmp_path: Path) -> None:
    for folder, subject in (("one", "a"), ("two", "b")):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "x.nt").write_text(f"<urn:{subject}> <urn:p> <urn:o> .\n",
                                                encoding="utf-8")
    first, second = tmp_path / "one" / "x.nt", tmp_path / "two" / "x.nt"
    store = tmp_path / "store"
    result = run("import", str(first), str(second), store=store)
    assert (result.exit_code, result.output) == (1, (
        f"Error: {first} and {second} would both load into "
        "<https://w3id.org/kg-bilateral/id/graph/import/x>; import them separately, with "
        "--graph, or rename one\n"))
    assert not store.exists() or _sorted_nquads(store) == []


def test_a_bad_file_stops_the_import_before_anything_is_written(tmp_path: Path) -> None:
    (tmp_path / "good.nt").write_text("<urn:a> <urn:p> <urn:o> .\n", encoding="utf-8")
    (tmp_path / "bad.nt").write_text("<urn:a> <urn:p> .\n", encoding="utf-8")
    store = tmp_path / "store"
    result = run("import", str(tmp_path / "good.nt"), str(tmp_path / "bad.nt"), store=store)
    assert result.exit_code == 1 and result.output.startswith(f"Error: {tmp_path / 'bad.nt'}: ")
    assert _sorted_nquads(store) == []


# --- progress ----------------------------------------------------------------------------

def _on_a_terminal(*args: str) -> tuple[int, str]:
    """Run kg with stderr on a pseudo-terminal; its exit code and what the terminal got."""
    main, child = pty.openpty()
    fcntl.ioctl(child, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 120, 0, 0))
    proc = subprocess.Popen([*KG, *args], stdout=subprocess.DEVNULL, stderr=child)
    os.close(child)
    seen = b""
    while True:
        ready, _, _ = select.select([main], [], [], 120)
        if not ready:
            break
        try:
            chunk = os.read(main, 4096)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        seen += chunk
    os.close(main)
    return proc.wait(60), seen.decode("utf-8", "replace")


def test_progress_bars_on_a_terminal_and_one_line_otherwise(built: Path, tmp_path: Path) -> None:
    dump = tmp_path / "all.nq"
    code, terminal = _on_a_terminal("--store", str(built), "export", "-f", "nq", "-o", str(dump))
    assert code == 0 and re.search(r"kg export: .*\d+(\.\d+)?kB .*B/s", terminal), terminal
    code, terminal = _on_a_terminal("--store", str(tmp_path / "copy"), "import", str(dump))
    assert code == 0 and re.search(r"kg import: 100%\|.*[kMG]?B/s\]", terminal), terminal
    code, terminal = _on_a_terminal("--store", str(tmp_path / "new"), "build", SAMPLE, "-w", "1")
    assert code == 0 and re.search(r"kg build: .*1/1 \[.*(doc/s|s/doc)\]", terminal), \
        terminal
    # Not a terminal: no bar, one line with the count and the rate.
    proc = subprocess.run([*KG, "--store", str(tmp_path / "again"), "import", str(dump)],
                          capture_output=True, text=True, timeout=120)
    assert re.fullmatch(r"kg import: \d{3} quads in \d+\.\d s \([\d,]+ quads/s\)\n",
                        proc.stderr), proc.stderr


# --- terminal text -----------------------------------------------------------------------

HOSTILE_ARTICLE = ("---\nid: esc\ndate: 2026-01-31\n---\n"
                   "Prime Minister Starmer\x1b]0;owned\x07 visited Japan\x1b[2J\x9b31m on "
                   "Saturday.\n")


def test_tables_and_explanations_neutralise_escape_sequences(tmp_path: Path) -> None:
    path = tmp_path / "esc.txt"
    path.write_text(HOSTILE_ARTICLE, encoding="utf-8")
    for args in (["--format", "table"], ["--explain"]):
        out = run("extract", str(path), "-w", "1", *args).stdout
        assert "visited Japan" in out
        assert not any(c in out for c in "\x1b\x07\x9b"), (args, out)
    records = [json.loads(line) for line in run("extract", str(path), "-w", "1").stdout
               .splitlines()]
    assert records and "\x1b[2J\x9b31m" in records[0]["evidence"]  # data keeps every byte
    store = tmp_path / "store"
    assert run("build", str(path), "-w", "1", store=store).exit_code == 0
    table = run("query", "SELECT ?e WHERE { ?f kg:evidence/kg:sentence ?e }", store=store)
    assert "visited Japan" in table.stdout and "\x1b" not in table.stdout


def test_importing_a_changed_file_again_replaces_what_it_loaded(tmp_path: Path) -> None:
    data = tmp_path / "ref.nq"
    data.write_text("<urn:a> <urn:p> <urn:x> .\n<urn:a> <urn:p> <urn:y> <urn:g> .\n"
                    "<urn:a> <urn:p> <urn:z> <urn:g> .\n", encoding="utf-8")
    store = tmp_path / "store"
    assert run("import", str(data), store=store).exit_code == 0
    data.write_text("<urn:a> <urn:p> <urn:z> <urn:g> .\n<urn:b> <urn:p> <urn:w> <urn:g> .\n",
                    encoding="utf-8")
    result = run("import", str(data), store=store)
    assert result.stdout == f"Imported 2 quads from {data} into <urn:g>\n"
    # The file's default graph held <urn:x> before; now the file names no default graph,
    # so that graph is not the import's any more and stays as it was.
    graphs = "https://w3id.org/kg-bilateral/id/graph/"
    assert _sorted_nquads(store) == sorted([
        f"<urn:a> <urn:p> <urn:x> <{graphs}import/ref> .",
        "<urn:a> <urn:p> <urn:z> <urn:g> .", "<urn:b> <urn:p> <urn:w> <urn:g> .",
        f"<{graphs}import/ref> <http://www.w3.org/ns/prov#wasDerivedFrom> <{data.as_uri()}> "
        f"<{graphs}_imports> ."])


def test_a_file_of_the_same_name_never_replaces_another_later(tmp_path: Path) -> None:
    for folder, subject in (("one", "a"), ("two", "b")):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "x.nt").write_text(f"<urn:{subject}> <urn:p> <urn:o> .\n",
                                                encoding="utf-8")
    first, second = tmp_path / "one" / "x.nt", tmp_path / "two" / "x.nt"
    store = tmp_path / "store"
    assert run("import", str(first), store=store).exit_code == 0
    before = _sorted_nquads(store)
    refused = run("import", str(second), store=store)
    graph = "https://w3id.org/kg-bilateral/id/graph/import/x"
    assert (refused.exit_code, refused.output) == (1, (
        f"Error: {second} would replace <{graph}>, which {first} filled; import it with "
        "--graph, or rename it\n"))
    assert _sorted_nquads(store) == before
    assert run("import", str(first), store=store).exit_code == 0  # its own file may
    assert _sorted_nquads(store) == before
    assert run("import", "--graph", "urn:two", str(second), store=store).exit_code == 0
